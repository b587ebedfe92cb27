"""Figures for the money chapters: EVA waterfall and tornado chart."""

from __future__ import annotations

import matplotlib.pyplot as plt


def _axes(ax, size=(8.0, 4.8)):
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def plot_eva(statement, ax=None):
    """Waterfall: NOPAT, minus the capital charge, gives EVA (positive blue, negative vermillion)."""
    ax = _axes(ax)
    steps = [("NOPAT", statement.nopat, 0.0), ("capital charge", -statement.capital_charge, statement.nopat),
             ("EVA", statement.eva, 0.0)]
    colours = {True: "#0072B2", False: "#D55E00"}
    for i, (label, height, bottom) in enumerate(steps):
        ax.bar(i, height, bottom=bottom, color=colours[height >= 0], width=0.6)
        ax.annotate(f"{height:,.1f}", (i, bottom + height), ha="center",
                    va="bottom" if height >= 0 else "top", xytext=(0, 3 if height >= 0 else -3),
                    textcoords="offset points")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(range(len(steps)), [s[0] for s in steps])
    ax.set(title=f"EVA = NOPAT − {statement.wacc:.1%} × capital", ylabel="amount")
    values = [statement.nopat, statement.eva, 0.0]
    top, bottom = max(values), min(values)
    pad = 0.15 * (top - bottom or 1.0)
    ax.set_ylim(bottom - (pad if bottom < 0 else 0), top + pad)  # room for the value labels
    return ax


def plot_tornado(result, ax=None):
    """Horizontal bars of the output at each input's low and high value, widest swing on top."""
    table = result.to_frame().iloc[::-1]
    ax = _axes(ax, (8.0, 1.0 + 0.6 * len(table)))
    low, high = table.columns[2], table.columns[3]
    y = range(len(table))
    ax.barh(y, table[low] - result.base, left=result.base, color="#D55E00", label="input at low value")
    ax.barh(y, table[high] - result.base, left=result.base, color="#0072B2", label="input at high value")
    ax.axvline(result.base, color="black", linewidth=0.8)
    ax.set_yticks(list(y), table.index)
    ax.set(title=f"Sensitivity of {result.output}", xlabel=result.output)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3 if len(table) < 4 else -0.15), ncol=2)
    return ax


def plot_cashflows(appraisal, ax=None):
    """Yearly net cash flows as bars, with cumulative and cumulative discounted cash as lines."""
    ax = _axes(ax)
    frame = appraisal.to_frame()
    colours = ["#0072B2" if v >= 0 else "#D55E00" for v in frame["cash flow"]]
    ax.bar(frame.index, frame["cash flow"], color=colours, width=0.6, label="net cash flow")
    ax.plot(frame.index, frame["cumulative"], marker="o", color="black", label="cumulative")
    ax.plot(frame.index, frame["cumulative present value"], marker="s", linestyle="--", color="#009E73",
            label=f"cumulative, discounted at {appraisal.rate:.0%}")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(list(frame.index))
    ax.set(title="Project cash flows and payback", xlabel="year (t)", ylabel="amount")
    ax.legend(loc="upper left")
    return ax


def plot_npv_profile(appraisal, ax=None):
    """NPV against the discount rate, marking the rate used and the IRR."""
    ax = _axes(ax)
    profile = appraisal.profile()
    ax.plot(profile["rate"], profile["NPV"], color="#0072B2")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.axvline(appraisal.rate, color="#E69F00", linestyle="--", label=f"rate {appraisal.rate:.1%}")
    if appraisal.irr == appraisal.irr:  # not NaN
        ax.axvline(appraisal.irr, color="#D55E00", linestyle=":", label=f"IRR {appraisal.irr:.1%}")
    ax.xaxis.set_major_formatter(lambda x, _pos: f"{x:.0%}")
    ax.set(title="NPV profile", xlabel="discount rate", ylabel="NPV")
    ax.legend()
    return ax
