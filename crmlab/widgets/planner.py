"""TCO planner: move the assumptions of a CRM project and watch its yearly costs, audit and returns.

The computation is :func:`crmlab.tco.plan_tco`; :func:`planner_view` wraps it so
that any control value gives either a plan or a message, and :func:`tco_planner`
only renders the view with ipywidgets (imported when the widget is built).

Examples
--------
>>> view = planner_view(users=800, licence_price=6000, annual_benefit=8_000_000)
>>> view.ok, round(view.plan.npv / 1e6, 2)
(True, 2.86)
>>> planner_view(users=800, discount_rate=-1).message
'discount_rate must be a number > -1; got -1'
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field

import pandas as pd

from crmlab import tco as _tco
from crmlab.i18n import N_
from crmlab.i18n import gettext as _
from crmlab.plots import COMPONENT_COLOURS, COMPONENT_LABELS
from crmlab.widgets import _panel, _svg

__all__ = ["planner_view", "PlannerView", "tco_planner", "CONTROLS"]

#: The planner's controls: name -> (label, low, high, step, readout format, default); labels are translated when shown.
CONTROLS = {
    "users": (N_("named users"), 10, 5000, 10, "d", 800),
    "licence_price": (N_("licence price per user"), 0.0, 20_000.0, 250.0, ",.0f", 6_000.0),
    "maintenance_rate": (N_("maintenance (of licences, a year)"), 0.0, 0.40, 0.01, ".0%", 0.18),
    "internal_staff": (N_("internal staff (people)"), 0, 40, 1, "d", 6),
    "years": (N_("planning horizon (years)"), 2, 10, 1, "d", 5),
    "discount_rate": (N_("discount rate"), 0.0, 0.30, 0.005, ".1%", 0.08),
    "annual_benefit": (N_("benefit a year (from year 2)"), 0.0, 30_000_000.0, 100_000.0, ",.0f", 8_000_000.0),
}

# Verdict words rather than ✔/✘: those two marks are reserved for exercise feedback and error messages.
_PAD = "padding:2px 10px 2px 0"
_MARKS = {True: (N_("within"), "#1b7837", N_("within the chapter's range")),
          False: (N_("outside"), "#b2182b", N_("outside the chapter's range")),
          None: ("–", "#666666", N_("not assessed"))}
_HEADERS = (N_("verdict"), N_("chapter rule of thumb"), N_("plan"), N_("expected"), N_("judged on"))


@dataclass(frozen=True, eq=False)
class PlannerView:
    """What the planner shows: a plan, or a message saying why the inputs give none."""

    ok: bool
    message: str
    plan: _tco.TCOPlan | None = field(default=None, repr=False)


def _money(value: float, currency: str = "CNY") -> str:
    if not math.isfinite(value):
        return _("n/a")
    unit = _(currency) if currency == "CNY" else currency
    if abs(value) >= 1e6:
        return _("{amount} million {currency}").format(amount=f"{value / 1e6:,.2f}", currency=unit)
    return f"{value:,.0f} {unit}"


def planner_view(**values) -> PlannerView:
    """Build the plan for the control ``values`` (keyword arguments of :func:`crmlab.tco.plan_tco`); never raises.

    Returns
    -------
    PlannerView
        ``ok`` and the ``plan`` with a one-line verdict as ``message``, or
        ``ok=False`` and a message naming the input that cannot be used.
    """
    try:
        plan = _tco.plan_tco(**values)
        a = plan.appraisal
    except Exception as exc:  # the planner shows any problem as text instead of raising
        return PlannerView(False, str(exc) or type(exc).__name__)
    irr = f"{a.irr:.1%}" if math.isfinite(a.irr) else _("none")
    payback = (_("never within the plan") if math.isinf(a.payback)
               else _("{years} years").format(years=f"{a.payback:.1f}"))
    verdict = _("creates value") if a.npv > 0 else _("destroys value") if a.npv < 0 else _("breaks even")
    roi = f"{plan.roi:.0%}" if math.isfinite(plan.roi) else _("n/a (no cost)")
    message = _("{years}-year plan: NPV {npv} at {rate}: the project {verdict}. ROI {roi}, IRR {irr}, "
                "payback {payback}.").format(years=plan.assumptions["years"], npv=_money(a.npv),
                                             rate=f"{plan.rate:.1%}", verdict=verdict, roi=roi, irr=irr,
                                             payback=payback)
    if plan.warnings:
        message += " " + _("Sanity check: {warnings}.").format(warnings="; ".join(plan.warnings))
    return PlannerView(True, message, plan)


def _audit_html(plan: _tco.TCOPlan) -> str:
    rows = []
    for rule, row in _tco.readable_audit(plan.audit).iterrows():
        ok = None if pd.isna(row["ok"]) else bool(row["ok"])
        mark, colour, words = _MARKS[ok]
        mark = _(mark) if mark != "–" else mark
        value = "" if not math.isfinite(row["value"]) else f"{row['value']:.1%}"
        rows.append(f"<tr><td style='{_PAD};color:{colour};font-weight:bold' title='{html.escape(_(words))}'>"
                    f"{html.escape(mark)}</td>"
                    f"<td style='{_PAD}'>{html.escape(rule)}</td><td style='{_PAD};text-align:right'>{value}</td>"
                    f"<td style='{_PAD}'>{html.escape(row['expected'])}</td>"
                    f"<td style='{_PAD};color:#555'>{html.escape(row['judged on'])}"
                    f"{'; ' + html.escape(row['note']) if row['note'] else ''}</td></tr>")
    head = "".join(f"<th style='{_PAD};text-align:left'>{html.escape(_(h))}</th>" for h in _HEADERS)
    head = f"<tr>{head}</tr>"
    return (f"<table class='crmlab-audit' style='border-collapse:collapse;font-size:0.9em'>{head}{''.join(rows)}"
            "</table>")


def _summary_html(view: PlannerView) -> str:
    plan = view.plan
    facts = _("TCO {tco} over {years} years (present value {pv}); cost per user {per_user} — compare per-user "
              "costs with care: firms differ in strategy, customers and ways of doing business.").format(
        tco=_money(plan.total), years=plan.assumptions["years"], pv=_money(plan.present_value),
        per_user=_money(plan.cost_per_user))
    return (f"<div style='font-size:1.05em'><b>{html.escape(view.message)}</b></div>"
            f"<div style='color:#444;font-size:0.9em'>{html.escape(facts)}</div>")


def _unit(largest: float, currency: str = "CNY") -> tuple[float, str]:
    """Divisor and axis unit ("million CNY") for amounts up to ``largest``, as crmlab.plots.money writes them."""
    money = _(currency) if currency == "CNY" else currency
    largest = abs(largest) if math.isfinite(largest) else 0.0
    if largest >= 1e6:
        return 1e6, _("{scale} {currency}").format(scale=_("million"), currency=money)
    if largest >= 1e4:
        return 1e3, _("{scale} {currency}").format(scale=_("thousand"), currency=money)
    return 1.0, money


def figure_svg(plan: _tco.TCOPlan, currency: str = "CNY") -> str:
    """The plan as an SVG: stacked yearly costs by component, the yearly benefit as a line (as ``plot_plan`` draws).

    >>> svg = figure_svg(planner_view().plan)
    >>> svg.count('class="crmlab-svg-bar"') > 0 and "NPV 2.86 at 8%" in svg
    True
    """
    table = plan.by_year
    benefits = plan.benefits.reindex(table.index, fill_value=0.0)
    components = [c for c in _tco.COMPONENTS if c in table and table[c].abs().sum() > 0]
    divisor, unit = _unit(float(table[components].sum(axis=1).max()) if components else 0.0, currency)
    sums = table[components].sum(axis=1) / divisor if components else pd.Series(0.0, index=table.index)
    stacks = [(_(COMPONENT_LABELS[c]), COMPONENT_COLOURS[c], (table[c] / divisor).tolist()) for c in components]
    totals = [f"{t:,.2f}" if divisor > 1 else f"{t:,.0f}" for t in sums]
    a = plan.appraisal
    payback = _("never") if math.isinf(a.payback) else _("{years} years").format(years=f"{a.payback:.1f}")
    roi = f"{plan.roi:.0%}" if math.isfinite(plan.roi) else _("n/a")
    title = _("TCO {tco} · NPV {npv} at {rate} · ROI {roi} · payback {payback}").format(
        tco=f"{plan.total / divisor:,.2f}", npv=f"{a.npv / divisor:,.2f}", rate=f"{plan.rate:.0%}", roi=roi,
        payback=payback)
    return _svg.stacked_bar_chart(
        [str(int(y)) for y in table.index], stacks, line=(_("benefit"), "#000000", (benefits / divisor).tolist()),
        totals=totals, title=title, xlabel=_("year"),
        ylabel=_("{what} a year ({unit})").format(what=_("cost and benefit"), unit=unit),
        no_data=_("nothing to draw"))


def tco_planner(users=800, licence_price=6_000.0, maintenance_rate=0.18, internal_staff=6, years=5,
                discount_rate=0.08, annual_benefit=8_000_000.0, **assumptions):
    """Interactive TCO planner: sliders for the main assumptions; chart, audit and returns follow.

    Every move of a slider (live while it is dragged) rebuilds the plan with
    :func:`crmlab.tco.plan_tco` and redraws the stacked yearly cost chart (with the
    benefit line, an SVG), the chapter's audit verdicts and the project's NPV, ROI,
    IRR and payback. Further keyword ``assumptions`` (e.g. ``staff_cost=150_000``)
    are passed to ``plan_tco``.

    Returns an ipywidgets VBox (CSS class ``crmlab-planner``) whose output area
    (class ``crmlab-planner-output``) holds the verdict, the chart and the audit
    table. Whatever the controls show, it displays a message rather than raising.
    """
    import ipywidgets as w

    start = {"users": users, "licence_price": licence_price, "maintenance_rate": maintenance_rate,
             "internal_staff": internal_staff, "years": years, "discount_rate": discount_rate,
             "annual_benefit": annual_benefit}
    controls = {}
    for name, (label, low, high, step, fmt, default) in CONTROLS.items():
        value = start[name]
        try:
            value = float(value)
        except (TypeError, ValueError, OverflowError):
            value = default
        # A start value outside the slider is clamped; one that is not a number falls back to the default.
        value = min(max(value, low), high) if math.isfinite(value) else default
        kind = w.IntSlider if isinstance(step, int) else w.FloatSlider
        controls[name] = kind(value=int(value) if kind is w.IntSlider else value, min=low, max=high, step=step,
                              description=_(label), readout_format=fmt, continuous_update=True,
                              style={"description_width": "18em"}, layout=w.Layout(width="40em"))
    reset = w.Button(description=_("Reset assumptions"), icon="undo", layout=w.Layout(width="auto"))
    output = _panel.Output()

    def render():
        view = planner_view(**{n: c.value for n, c in controls.items()}, **assumptions)
        if not view.ok:
            output.fail(view.message)
            return
        output.show(lambda: figure_svg(view.plan), lambda: _audit_html(view.plan), _summary_html(view))

    live = _panel.Live(render)

    def on_reset(_button=None):
        for name, control in controls.items():
            control.unobserve(live, names="value")
            control.value = CONTROLS[name][5]
            control.observe(live, names="value")
        live.now()

    for control in controls.values():
        control.observe(live, names="value")
    reset.on_click(on_reset)
    live.now()
    title = (f"<b>{html.escape(_('TCO planner'))}</b>: "
             + html.escape(_("move an assumption to rebuild the plan over the horizon you choose, its audit against "
                             "the chapter's rules of thumb and the project's returns."), quote=False))
    return _panel.panel(title, list(controls.values()), output, controls, reset, live)
