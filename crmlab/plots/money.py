"""Figures for the money chapters (04–06): EVA waterfall, TCO by year and component, Monte Carlo of
overruns, a project's cash flows and NPV profile, and the tornado chart.

Every function takes a result (or line items) and ``ax=None`` and returns the Axes.
Labels follow the edition's language (:mod:`crmlab.i18n`); the Chinese ones need the workbook's CJK
font, which :func:`crmlab.plots.set_theme` registers.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
from collections.abc import Mapping

import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, PercentFormatter

from crmlab import _checks
from crmlab.i18n import N_
from crmlab.i18n import gettext as _
from crmlab.plots import COLORBLIND, COMPONENT_COLOURS, COMPONENT_LABELS
from crmlab.tco import COMPONENTS

__all__ = ["plot_eva", "plot_tornado", "plot_by_year", "plot_components", "plot_plan", "plot_simulation",
           "plot_cashflows", "plot_npv_profile", "plot_investment_eva", "plot_eva_trend", "COMPONENT_COLOURS",
           "COMPONENT_LABELS"]

POSITIVE, NEGATIVE, NEUTRAL = "#0072B2", "#D55E00", "#555555"


def _axes(ax, size=(8.0, 5.0)):
    if ax is None:
        _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def _money_scale(largest: float) -> tuple[float, str]:
    """Divisor and unit word that keep tick labels short (millions, thousands or units)."""
    largest = abs(largest)
    if largest >= 1e6:
        return 1e6, "million"
    if largest >= 1e4:
        return 1e3, "thousand"
    return 1.0, ""


def _compact(value: float) -> str:
    """Short label for an input value: 2.4m, 950k, 0.08."""
    if abs(value) >= 1e6:
        return f"{value / 1e6:,.4g}m"
    if abs(value) >= 1e4:
        return f"{value / 1e3:,.4g}k"
    return f"{value:,.4g}"


_SCALE_WORDS = {"million": N_("million"), "thousand": N_("thousand")}
_CURRENCIES = {"CNY": N_("CNY"), "CNY million": N_("CNY million")}


def _unit(word: str, currency: str) -> str:
    """Axis unit: "million CNY"; without a currency the scale word alone would read as a unit
    ("NPV (thousand)"), so it says what it scales: "thousands of the input's unit"."""
    money = _(_CURRENCIES[currency]) if currency in _CURRENCIES else currency
    if currency:
        if not word:
            return money
        return _("{scale} {currency}").format(scale=_(_SCALE_WORDS[word]), currency=money)
    if word == "million":
        return _("millions of the input's unit")
    if word == "thousand":
        return _("thousands of the input's unit")
    return _("in the input's unit")


def _thousands(ax, axis: str = "y") -> None:
    """Tick labels with thousands separators and just enough decimals for the current tick step."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    locs = target.get_majorticklocs()
    decimals = next((d for d in range(5) if np.allclose(np.round(locs * 10 ** d), locs * 10 ** d, atol=1e-6)), 4)
    target.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.{decimals}f}"))


def plot_eva(statement, ax=None, currency: str = ""):
    """Waterfall: NOPAT, minus the capital charge, gives EVA (positive blue, negative vermillion).

    ``currency`` names the unit of the statement's amounts for the y-axis, e.g. "CNY million".
    """
    _checks.plot_args(locals(), statement=('EVAStatement',))  # the input policy, by parameter name
    ax = _axes(ax, (7.0, 4.8))
    steps = [("NOPAT", statement.nopat, 0.0), (_("− capital charge"), -statement.capital_charge, statement.nopat),
             ("= EVA", statement.eva, 0.0)]
    for i, (_label, height, bottom) in enumerate(steps):
        ax.bar(i, height, bottom=bottom, color=POSITIVE if height >= 0 else NEGATIVE, width=0.6)
        top = bottom + height
        ax.annotate(f"{height:,.1f}", (i, max(top, bottom)), ha="center", va="bottom",
                    xytext=(0, 3), textcoords="offset points")
    # Dotted connectors show where each step starts, as in a printed waterfall.
    ax.plot([0.3, 0.7], [statement.nopat] * 2, color=NEUTRAL, linestyle=":", linewidth=1)
    ax.plot([1.3, 1.7], [statement.eva] * 2, color=NEUTRAL, linestyle=":", linewidth=1)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(range(len(steps)), [s[0] for s in steps])
    ax.set(title=_("EVA = NOPAT − WACC {wacc} × capital {capital}").format(wacc=f"{statement.wacc:.2%}",
                                                                         capital=f"{statement.capital:,.0f}"),
           ylabel=(_("amount ({unit})").format(unit=_unit("", currency)) if currency
                   else _("amount (the statement's unit)")))
    values = [statement.nopat, statement.eva, 0.0]
    top, bottom = max(values), min(values)
    pad = 0.12 * (top - bottom or 1.0)
    ax.set_ylim(bottom - (pad if bottom < 0 else 0), top + pad)  # room for the value labels
    _thousands(ax)
    return ax


def plot_tornado(result, ax=None, currency: str = "", labels=None):
    """Horizontal bars of the output at each input's low and high value, widest swing on top.

    ``currency`` names the output's unit (e.g. "CNY"); ``labels`` maps an input to the words shown for it,
    e.g. ``{"churn_cut": "churn cut (points of customers kept)"}``. Each input shows "low → high".
    """
    _checks.plot_args(locals(), result=('TornadoResult',))  # the input policy, by parameter name
    if labels is not None and not isinstance(labels, Mapping):
        raise TypeError(_("labels must be None or a mapping {{input: words shown}}; got {type}").format(
            type=type(labels).__name__))
    table = result.to_frame().iloc[::-1]
    ax = _axes(ax, (8.0, 1.6 + 0.55 * len(table)))
    low, high = table.columns[2], table.columns[3]
    divisor, word = _money_scale(max(table[[low, high]].abs().max().max(), abs(result.base)))
    y = np.arange(len(table))
    ax.barh(y, (table[low] - result.base) / divisor, left=result.base / divisor, color=NEGATIVE,
            label=_("input at its low value"), height=0.6)
    ax.barh(y, (table[high] - result.base) / divisor, left=result.base / divisor, color=POSITIVE,
            label=_("input at its high value"), height=0.6)
    ax.axvline(result.base / divisor, color="black", linewidth=0.9)
    names = dict(labels or {})
    ticks = [f"{names.get(name, str(name).replace('_', ' '))}  ({_compact(row['low input'])} → "
             f"{_compact(row['high input'])})" for name, row in table.iterrows()]
    ax.set_yticks(y, ticks)
    ax.set(title=_("Sensitivity of {output}: one input at a time").format(output=result.output),
           xlabel=_("{output} ({unit}); base case {base}").format(output=result.output, unit=_unit(word, currency),
                                                                  base=f"{result.base / divisor:,.2f}"))
    if table[[low, high]].min().min() < 0 < table[[low, high]].max().max() or result.base < 0:
        ax.axvline(0, color=NEUTRAL, linewidth=0.8, linestyle="--")
    _thousands(ax, "x")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16 - 0.2 / max(len(table), 1)), ncol=2, frameon=False)
    return ax


def _stacked_years(ax, table, currency: str, line=None):
    """Stacked bars with each year's total on top; ``line`` (raw amounts by year) is a curve drawn over them.

    A total whose label would sit on that curve goes inside its bar instead, or above the curve when
    the bar is too short to hold it, so no number is ever drawn across the line.
    """
    components = [c for c in COMPONENTS if c in table and table[c].abs().sum() > 0]
    divisor, word = _money_scale(table[components].sum(axis=1).max() if components else 0.0)
    x = table.index.to_numpy(dtype=float)
    bottom = np.zeros(len(table))
    boxes, colours, handles = [], [], []
    for c in components:
        values = table[c].to_numpy() / divisor
        for xi, b, h in zip(x, bottom, values):
            if h > 0:
                boxes.append([(xi - 0.35, b), (xi + 0.35, b), (xi + 0.35, b + h), (xi - 0.35, b + h)])
                colours.append(COMPONENT_COLOURS[c])
        handles.append(Patch(facecolor=COMPONENT_COLOURS[c], label=_(COMPONENT_LABELS[c])))
        bottom += values
    # One collection instead of a bar call per component: the planner redraws this on every
    # slider move, and a collection draws several times faster than separate bar patches.
    ax.add_collection(PolyCollection(boxes, facecolors=colours, edgecolors="white", linewidths=0.6))
    curve = None if line is None else np.asarray(line, dtype=float) / divisor
    top = max(bottom.max() if bottom.size else 0.0, curve.max() if curve is not None and curve.size else 0.0)
    top = max(top, 1e-9) * (1.18 if curve is not None else 1.12)
    ax.set_ylim(0, top)
    # Height of a 9-pt label in data units, from the axes' size in points.
    axes_points = ax.get_position().height * ax.figure.get_figheight() * 72
    label = 14.0 / max(axes_points, 1.0) * top
    for i, (xi, total) in enumerate(zip(x, bottom)):
        text = f"{total:,.2f}" if divisor > 1 else f"{total:,.0f}"
        y, va, offset, box = total, "bottom", 2, None
        if curve is not None:
            # Where the curve passes over the label's width (it may slope between two years).
            near = np.interp([xi - 0.25, xi, xi + 0.25], x, curve)
            if near.max() > total - 0.3 * label and near.min() < total + 1.4 * label:
                if total > 1.6 * label and near.min() >= total:
                    # Inside the bar's top; the box keeps it readable on any component colour.
                    va, offset = "top", -3
                    box = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}
                else:
                    y = max(total, near.max())
                    offset = 6
        ax.annotate(text, (xi, y), ha="center", va=va, xytext=(0, offset), textcoords="offset points",
                    fontsize=9, zorder=5, bbox=box)
    ax.set_xlim(x.min() - 0.6, x.max() + 0.6) if x.size else None
    ax.set_xticks(x, [str(int(v)) for v in x])
    what = N_("cost") if curve is None else N_("cost and benefit")
    ax.set(xlabel=_("year"), ylabel=_("{what} a year ({unit})").format(what=_(what), unit=_unit(word, currency)))
    _thousands(ax)
    return divisor, word, handles


def plot_by_year(items, ax=None, currency: str = "CNY"):
    """Stacked bars of each year's cost by TCO component (line items or a :func:`crmlab.tco.by_year` table)."""
    _checks.plot_args(locals())  # the input policy, by parameter name
    from crmlab import tco

    table = items if "total" in getattr(items, "columns", []) else tco.by_year(items)
    ax = _axes(ax)
    _divisor, _word, handles = _stacked_years(ax, table, currency)
    ax.set_title(_("Cost of ownership by year and component"))
    ax.legend(handles=handles, loc="upper right", ncol=2, fontsize=9, title=_("component"), title_fontsize=9)
    return ax


def plot_components(items, ax=None, currency: str = "CNY"):
    """Horizontal bars of each component's total over all years, labelled with its share of the TCO."""
    _checks.plot_args(locals())  # the input policy, by parameter name
    from crmlab import tco

    sums = tco.by_component(items)
    total = sums.sum()
    divisor, word = _money_scale(sums.max())
    ax = _axes(ax, (8.0, 4.6))
    order = sums.index[::-1]
    ax.barh([COMPONENT_LABELS[c] for c in order], sums[order] / divisor,
            color=[COMPONENT_COLOURS[c] for c in order])
    for i, c in enumerate(order):
        share = sums[c] / total if total else 0.0
        ax.annotate(f"{sums[c] / divisor:,.2f} ({share:.0%})", (sums[c] / divisor, i), va="center",
                    xytext=(4, 0), textcoords="offset points", fontsize=9)
    ax.set(title=_("Total cost of ownership by component"),
           xlabel=_("total cost ({unit})").format(unit=_unit(word, currency)))
    ax.margins(x=0.22)
    _thousands(ax, "x")
    return ax


def plot_plan(plan, ax=None, currency: str = "CNY"):
    """A :class:`crmlab.tco.TCOPlan`: stacked yearly costs by component, the yearly benefit as a line."""
    _checks.plot_args(locals(), plan=('TCOPlan',))  # the input policy, by parameter name
    ax = _axes(ax)
    table = plan.by_year
    benefits = plan.benefits.reindex(table.index, fill_value=0.0)
    divisor, _word, handles = _stacked_years(ax, table, currency, line=benefits)
    (line,) = ax.plot(table.index, benefits / divisor, color="black", marker="o", linewidth=2, label="benefit")
    a = plan.appraisal
    payback = "never" if math.isinf(a.payback) else f"{a.payback:.1f} years"
    ax.set_title(f"TCO {plan.total / divisor:,.2f} · NPV {a.npv / divisor:,.2f} at {plan.rate:.0%} · "
                 f"ROI {plan.roi:.0%} · payback {payback}", fontsize=11)
    _thousands(ax)
    # Outside the axes: inside, a benefit line near the top of the chart would run under it.
    ax.legend(handles=[line, *handles], loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8.5,
              frameon=False)
    return ax


def plot_simulation(sim, ax=None, currency: str = "CNY"):
    """Histogram of simulated totals: the plan and the P50/P80/P95 budgets, with the model's assumptions."""
    _checks.plot_args(locals(), sim=('Simulation',))  # the input policy, by parameter name
    ax = _axes(ax)
    divisor, word = _money_scale(sim.planned)
    totals = sim.totals / divisor
    planned = sim.planned / divisor
    ax.hist(totals, bins=60, color=POSITIVE, alpha=0.75,
            label=_("{n} simulated totals").format(n=f"{totals.size:,}"))
    ax.axvline(planned, color="black", linewidth=1.6, label=_("plan {value}").format(value=f"{planned:,.2f}"))
    styles = {50: ":", 80: "--", 95: "-."}
    for q, style in styles.items():
        value = sim.percentile(q) / divisor
        ax.axvline(value, color=NEGATIVE, linestyle=style, linewidth=1.6,
                   label=f"P{q} {value:,.2f} (+{value / planned - 1:.0%})")
    ax.set_title(_("Monte Carlo of cost overruns\nrisk model: overrun triangular {low} / {mode} / {high}, "
                   "correlation {correlation}").format(low=f"{sim.low:+.0%}", mode=f"{sim.mode:+.0%}",
                                                      high=f"{sim.high:+.0%}", correlation=f"{sim.correlation:.1f}"),
                 fontsize=11)
    ax.set(xlabel=_("total cost of ownership ({unit})").format(unit=_unit(word, currency)), ylabel=_("scenarios"))
    ax.set_xlim(min(planned, totals.min()) * 0.95, max(planned * 1.8, totals.max()) * 1.02)
    _thousands(ax, "x")
    # Outside the axes: inside, the legend would sit on the bars or on a percentile line.
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8.5, frameon=False)
    return ax


def plot_cashflows(appraisal, ax=None, currency: str = ""):
    """Bars of each period's cash flow with the cumulative and cumulative discounted cash as lines."""
    _checks.plot_args(locals(), appraisal=('Appraisal',))  # the input policy, by parameter name
    frame = appraisal.to_frame()
    divisor, word = _money_scale(frame[["cash flow", "cumulative"]].abs().max().max())
    ax = _axes(ax)
    flows = frame["cash flow"] / divisor
    ax.bar(frame.index, flows, color=np.where(flows >= 0, POSITIVE, NEGATIVE), width=0.6, alpha=0.85,
           label=_("cash flow"))
    ax.plot(frame.index, frame["cumulative"] / divisor, color="black", marker="o", label=_("cumulative"))
    ax.plot(frame.index, frame["cumulative present value"] / divisor, color=NEUTRAL, marker="s", linestyle="--",
            label=_("cumulative, discounted at {rate}").format(rate=f"{appraisal.rate:.0%}"))
    ax.axhline(0, color="black", linewidth=0.8)
    # The payback label sits left of its line and the discounted one right, so the two never collide.
    for years, name, side in ((appraisal.payback, _("payback"), -1), (appraisal.discounted_payback,
                                                                      _("discounted\npayback"), 1)):
        if math.isfinite(years) and years > 0:
            ax.axvline(years, color=NEUTRAL, linewidth=0.8, linestyle=":")
            ax.annotate(name + "\n" + _("{years} years").format(years=f"{years:.2f}"), (years, ax.get_ylim()[0]),
                        xytext=(4 * side, 4),
                        textcoords="offset points", fontsize=8.5, va="bottom", ha="left" if side > 0 else "right")
    ax.set_xticks(list(frame.index))
    ax.set(title=_("Cash flows: NPV {npv} at {rate}").format(npv=f"{appraisal.npv / divisor:,.2f}",
                                                            rate=f"{appraisal.rate:.0%}")
                 + (_(", IRR {irr}").format(irr=f"{appraisal.irr:.1%}") if math.isfinite(appraisal.irr)
                    else _(", no IRR")),
           xlabel=_("t (years)"), ylabel=_("cash flow ({unit})").format(unit=_unit(word, currency)))
    _thousands(ax)
    ax.legend(loc="upper left", fontsize=9)
    return ax


def plot_npv_profile(appraisal, ax=None, rates=None, currency: str = ""):
    """NPV against the discount rate; the IRRs are where the curve crosses zero."""
    _checks.plot_args(locals(), appraisal=('Appraisal',))  # the input policy, by parameter name
    from crmlab.finance import npv_profile

    profile = appraisal.profile(rates)
    divisor, word = _money_scale(profile["NPV"].abs().max())
    ax = _axes(ax, (8.0, 4.6))
    ax.plot(profile["rate"], profile["NPV"] / divisor, color=POSITIVE, linewidth=2)
    ax.axhline(0, color="black", linewidth=0.8)
    low, high = profile["rate"].min(), profile["rate"].max()
    for r in appraisal.irrs:
        if low <= r <= high:
            ax.plot([r], [0], marker="o", color=NEGATIVE)
            # Each IRR label goes below the zero line on the side the curve leaves empty (left of a
            # falling curve, right of a rising one); the cost-of-capital label sits at the top.
            falling = npv_profile(appraisal.cashflows, [r - 1e-4, r + 1e-4])["NPV"].diff().iloc[-1] < 0
            ax.annotate(f"IRR {r:.1%}", (r, 0), xytext=(-6 if falling else 6, -14), textcoords="offset points",
                        color=NEGATIVE, ha="right" if falling else "left",
                        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.9})
    ax.axvline(appraisal.rate, color=NEUTRAL, linestyle="--", linewidth=1)
    ax.plot([appraisal.rate], [appraisal.npv / divisor], marker="s", color=NEUTRAL)
    ax.annotate(_("cost of capital {rate}: NPV {npv}").format(rate=f"{appraisal.rate:.0%}",
                                                              npv=f"{appraisal.npv / divisor:,.2f}"),
                (appraisal.rate, 0.97), xycoords=("data", "axes fraction"), xytext=(6, 0),
                textcoords="offset points", fontsize=9, va="top")
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set(title=_("NPV profile"), xlabel=_("discount rate"),
           ylabel=_("NPV ({unit})").format(unit=_unit(word, currency)))
    _thousands(ax)
    return ax


def plot_investment_eva(result, ax=None, currency: str = ""):
    """Bars of an investment's EVA each year, with NOPAT and the capital charge as lines."""
    _checks.plot_args(locals(), result=('InvestmentEVA',))  # the input policy, by parameter name
    frame = result.to_frame()
    divisor, word = _money_scale(frame[["NOPAT", "capital charge", "EVA"]].abs().max().max())
    ax = _axes(ax, (8.0, 5.0))
    eva = frame["EVA"] / divisor
    ax.bar(frame.index, eva, color=np.where(eva >= 0, POSITIVE, NEGATIVE), width=0.6, label=_("EVA"))
    ax.plot(frame.index, frame["NOPAT"] / divisor, color="black", marker="o", label="NOPAT")
    ax.plot(frame.index, frame["capital charge"] / divisor, color=NEUTRAL, marker="s", linestyle="--",
            label=_("capital charge (WACC {wacc} × capital)").format(wacc=f"{result.wacc:.1%}"))
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(list(frame.index))
    ax.set(title=_("EVA year by year: MVA (PV of EVA) {mva} = NPV {npv}").format(mva=f"{result.mva / divisor:,.2f}",
                                                                                npv=f"{result.npv / divisor:,.2f}"),
           xlabel=_("year"), ylabel=_("amount ({unit})").format(unit=_unit(word, currency)))
    _thousands(ax)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3, fontsize=9, frameon=False)
    return ax


def plot_eva_trend(table, ax=None, currency: str = "CNY million"):
    """Per firm over the years: net income (accounting profit, dashed) against EVA (economic profit, solid).

    ``table`` is :func:`crmlab.finance.eva_frame` output with firm and year columns.
    """
    _checks.plot_args(locals())  # the input policy, by parameter name
    ax = _axes(ax)
    colours = dict(zip(sorted(table["firm"].unique()), COLORBLIND))
    for firm, rows in table.groupby("firm", sort=True):
        ax.plot(rows["year"], rows["net_income"], color=colours[firm], linestyle="--", marker="o", alpha=0.8)
        ax.plot(rows["year"], rows["eva"], color=colours[firm], linewidth=2.2, marker="s", label=firm)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(sorted(table["year"].unique()))
    ax.set(title=_("Accounting profit (dashed) vs economic value added (solid)"), xlabel=_("year"),
           ylabel=_("amount ({unit})").format(unit=_unit("", currency)))
    _thousands(ax)
    from matplotlib.lines import Line2D

    styles = [Line2D([], [], color="black", linestyle="--", marker="o", label=_("net income")),
              Line2D([], [], color="black", linewidth=2.2, marker="s", label=_("EVA"))]
    # One legend below the plot: inside it would cover the latest year's points.
    firms = ax.get_legend_handles_labels()[0]
    ax.legend(handles=[*firms, *styles], loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=5, fontsize=9,
              frameon=False)
    return ax
