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
import io
import math
from dataclasses import dataclass, field

import pandas as pd

from crmlab import tco as _tco
from crmlab.widgets import _panel

__all__ = ["planner_view", "PlannerView", "tco_planner", "CONTROLS"]

#: The planner's controls: name -> (label, low, high, step, readout format, default).
CONTROLS = {
    "users": ("named users", 10, 5000, 10, "d", 800),
    "licence_price": ("licence price per user", 0.0, 20_000.0, 250.0, ",.0f", 6_000.0),
    "maintenance_rate": ("maintenance (of licences, a year)", 0.0, 0.40, 0.01, ".0%", 0.18),
    "internal_staff": ("internal staff (people)", 0, 40, 1, "d", 6),
    "years": ("planning horizon (years)", 2, 10, 1, "d", 5),
    "discount_rate": ("discount rate", 0.0, 0.30, 0.005, ".1%", 0.08),
    "annual_benefit": ("benefit a year (from year 2)", 0.0, 30_000_000.0, 100_000.0, ",.0f", 8_000_000.0),
}

# Verdict words rather than ✔/✘: those two marks are reserved for exercise feedback and error messages.
_PAD = "padding:2px 10px 2px 0"
_MARKS = {True: ("within", "#1b7837", "within the chapter's range"),
          False: ("outside", "#b2182b", "outside the chapter's range"),
          None: ("–", "#666666", "not assessed")}


@dataclass(frozen=True, eq=False)
class PlannerView:
    """What the planner shows: a plan, or a message saying why the inputs give none."""

    ok: bool
    message: str
    plan: _tco.TCOPlan | None = field(default=None, repr=False)


def _money(value: float, currency: str = "CNY") -> str:
    if not math.isfinite(value):
        return "n/a"
    if abs(value) >= 1e6:
        return f"{value / 1e6:,.2f} million {currency}"
    return f"{value:,.0f} {currency}"


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
    irr = f"{a.irr:.1%}" if math.isfinite(a.irr) else "none"
    payback = "never within the plan" if math.isinf(a.payback) else f"{a.payback:.1f} years"
    verdict = "creates value" if a.npv > 0 else "destroys value" if a.npv < 0 else "breaks even"
    roi = f"{plan.roi:.0%}" if math.isfinite(plan.roi) else "n/a (no cost)"
    message = (f"{plan.assumptions['years']}-year plan: NPV {_money(a.npv)} at {plan.rate:.1%}: the project "
               f"{verdict}. ROI {roi}, IRR {irr}, payback {payback}.")
    if plan.warnings:
        message += " Sanity check: " + "; ".join(plan.warnings) + "."
    return PlannerView(True, message, plan)


def _audit_html(plan: _tco.TCOPlan) -> str:
    rows = []
    for rule, row in plan.audit.iterrows():
        ok = None if pd.isna(row["ok"]) else bool(row["ok"])
        mark, colour, words = _MARKS[ok]
        value = "" if not math.isfinite(row["value"]) else f"{row['value']:.1%}"
        rows.append(f"<tr><td style='{_PAD};color:{colour};font-weight:bold' title='{words}'>{mark}</td>"
                    f"<td style='{_PAD}'>{html.escape(rule)}</td><td style='{_PAD};text-align:right'>{value}</td>"
                    f"<td style='{_PAD}'>{html.escape(row['expected'])}</td>"
                    f"<td style='{_PAD};color:#555'>{html.escape(row['judged on'])}"
                    f"{'; ' + html.escape(row['note']) if row['note'] else ''}</td></tr>")
    head = "".join(f"<th style='{_PAD};text-align:left'>{h}</th>"
                   for h in ("verdict", "chapter rule of thumb", "plan", "expected", "judged on"))
    head = f"<tr>{head}</tr>"
    return (f"<table class='crmlab-audit' style='border-collapse:collapse;font-size:0.9em'>{head}{''.join(rows)}"
            "</table>")


def _summary_html(view: PlannerView) -> str:
    plan = view.plan
    facts = (f"TCO {_money(plan.total)} over {plan.assumptions['years']} years "
             f"(present value {_money(plan.present_value)}); cost per user {_money(plan.cost_per_user)} — "
             "compare per-user costs with care: firms differ in strategy, customers and ways of doing business.")
    return (f"<div style='font-size:1.05em'><b>{html.escape(view.message)}</b></div>"
            f"<div style='color:#444;font-size:0.9em'>{html.escape(facts)}</div>")


class _Canvas:
    """One reusable Agg figure: clearing and redrawing it is much faster than building a new one."""

    def __init__(self):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.figure = Figure(figsize=(8.0, 4.6), dpi=80)
        FigureCanvasAgg(self.figure)
        self.ax = self.figure.add_subplot()
        self.figure.subplots_adjust(left=0.09, right=0.80, top=0.92, bottom=0.11)  # legend on the right

    def png(self, plan: _tco.TCOPlan) -> bytes:
        from crmlab.plots.money import plot_plan

        self.ax.clear()
        plot_plan(plan, ax=self.ax)
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", pil_kwargs={"compress_level": 1})
        return buffer.getvalue()


def tco_planner(users=800, licence_price=6_000.0, maintenance_rate=0.18, internal_staff=6, years=5,
                discount_rate=0.08, annual_benefit=8_000_000.0, **assumptions):
    """Interactive TCO planner: sliders for the main assumptions; chart, audit and returns follow.

    Every move of a slider rebuilds the plan with :func:`crmlab.tco.plan_tco` and
    redraws the stacked yearly cost chart (with the benefit line), the chapter's
    audit verdicts and the project's NPV, ROI, IRR and payback. Further keyword
    ``assumptions`` (e.g. ``staff_cost=150_000``) are passed to ``plan_tco``.

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
                              description=label, readout_format=fmt, continuous_update=False,
                              style={"description_width": "18em"}, layout=w.Layout(width="40em"))
    reset = w.Button(description="Reset assumptions", icon="undo", layout=w.Layout(width="auto"))
    output = _panel.Output()
    canvas = {}

    def draw(plan):
        if "figure" not in canvas:  # one figure, made on first use and reused by every update
            canvas["figure"] = _Canvas()
        return canvas["figure"].png(plan)

    def update(_change=None):
        view = planner_view(**{n: c.value for n, c in controls.items()}, **assumptions)
        if not view.ok:
            output.fail(view.message)
            return
        if output.show(lambda: draw(view.plan), lambda: _audit_html(view.plan)):
            output.verdict.value = _summary_html(view)

    def on_reset(_button=None):
        with output.box.hold_trait_notifications():
            for name, control in controls.items():
                control.unobserve(update, names="value")
                control.value = CONTROLS[name][5]
                control.observe(update, names="value")
        update()

    for control in controls.values():
        control.observe(update, names="value")
    reset.on_click(on_reset)
    update()
    box = _panel.panel("<b>TCO planner</b>: move an assumption to rebuild the plan over the horizon you choose, "
                       "its audit against the chapter's rules of thumb and the project's returns.",
                       list(controls.values()), output, controls, reset)
    box.update = update
    return box
