"""Figures for chapters 01–03: AHP weights, Delphi rounds, fuzzy evaluations, the pyramid and the scorecard.

Every function takes a result object and an optional ``ax`` and returns the
Axes. Labels that could collide (line ends, pyramid nodes) are spaced by hand;
Chinese text falls back to the bundled CJK font glyph by glyph even when
:func:`crmlab.plots.set_theme` was not called (no global setting changes here).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import to_rgb
from matplotlib.patches import Patch, Polygon

from crmlab import _checks
from crmlab.i18n import get_language, translate
from crmlab.i18n import gettext as _
from crmlab.plots import COLORBLIND
from crmlab.scorecard import percent_label

__all__ = [
    "ahp_plot",
    "delphi_plot",
    "fuzzy_plot",
    "levels_plot",
    "pyramid_plot",
    "scorecard_plot",
    "spread_labels",
]

_NO_DATA = "#BBBBBB"


def _families() -> list[str]:
    from crmlab.plots import register_cjk_font

    families = list(plt.rcParams["font.family"])
    cjk = register_cjk_font()
    return families if cjk in families else [*families, cjk]


def _status_colours() -> dict:
    from crmlab.plots import STATUS_COLOURS

    return {**STATUS_COLOURS, "no data": _NO_DATA}


def _axes(ax, figsize=(8, 5)):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _cjk_ticks(ax) -> None:
    fam = _families()
    for label in ax.get_xticklabels() + ax.get_yticklabels():
        label.set_fontfamily(fam)


def _two_lines(name: str) -> str:
    """'Internal process 内部流程' → English on one line, Chinese on the next."""
    head, _sep, tail = str(name).rpartition(" ")
    return f"{head}\n{tail}" if head else tail


def _darker(colour, factor: float = 0.7):
    return tuple(c * factor for c in colour[:3])


def _pretty(label) -> str:
    from crmlab.scorecard import PERSPECTIVE_NAMES

    name = PERSPECTIVE_NAMES.get(label)
    return translate(name) if name else str(label).replace("_", " ")


def _grade(label) -> str:
    """A grade (excellent, good, ...) in the language in use; other labels as :func:`_pretty` shows them."""
    return translate(_pretty(label))


def _text_colour(colour) -> str:
    """Black or white, whichever reads better on ``colour`` (relative luminance)."""
    r, g, b = colour[:3]
    return "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45 else "white"


def spread_labels(y, gap: float, low: float | None = None, high: float | None = None) -> np.ndarray:
    """Move 1-D label positions apart so neighbours are at least ``gap`` apart, keeping their order.

    Positions are pushed up from the lowest, then back down from ``high`` if they
    overflow, so the labels stay as close to their points as the gap allows.

    >>> spread_labels([0.0, 0.01, 0.02, 0.5], gap=0.05).round(3).tolist()
    [-0.04, 0.01, 0.06, 0.5]
    """
    _checks.plot_args(locals())  # the input policy, by parameter name
    y = np.asarray(y, dtype=float)
    order = np.argsort(y, kind="stable")
    pos = y[order].copy()
    for _ in range(50):
        moved = False
        for k in range(1, len(pos)):
            overlap = gap - (pos[k] - pos[k - 1])
            if overlap > 1e-12:
                pos[k - 1] -= overlap / 2
                pos[k] += overlap / 2
                moved = True
        if low is not None and pos[0] < low:
            pos += low - pos[0]
            moved = True
        if high is not None and pos[-1] > high:
            pos -= pos[-1] - high
            moved = True
        if not moved:
            break
    out = np.empty_like(pos)
    out[order] = pos
    return _checks.finite_result("spread_labels", out, "y", "gap", "low", "high")


# ---------------------------------------------------------------------------
# Weighting
# ---------------------------------------------------------------------------


def ahp_plot(result, ax=None):
    """Horizontal bars of AHP weights, largest on top, with the consistency ratio in the title."""
    _checks.plot_args(locals(), result=('AHPResult',))  # the input policy, by parameter name
    ax = _axes(ax)
    raw = result.weights
    # Largest on top; weights equal to 1e-9 (the same judgments) keep their input order instead of float noise's.
    order = np.lexsort((-np.arange(len(raw)), np.round(raw.to_numpy(), 9)))
    w = raw.iloc[order]
    labels = [_pretty(i) for i in w.index]
    colour = COLORBLIND[0]
    ax.barh(labels, w.to_numpy(), color=colour)
    for y, value in enumerate(w.to_numpy()):
        ax.text(value + w.max() * 0.01, y, f"{value:.3f}", va="center", fontsize=10)
    ax.set_xlim(0, w.max() * 1.15)
    verdict = _("consistent") if result.consistent else _("inconsistent: revisit judgments")
    ax.set_title(_("AHP weights (CR = {cr}, {verdict})").format(cr=f"{result.cr:.3f}", verdict=verdict),
                 fontfamily=_families())
    ax.set_xlabel(_("weight (sums to 1)"))
    ax.set_ylabel("")
    _cjk_ticks(ax)
    return ax


#: Twelve colours a reader can tell apart (seaborn's colour-blind palette plus black and purple), one per line.
_LINE_COLOURS = [*map(to_rgb, COLORBLIND), (0.0, 0.0, 0.0), (0.42, 0.24, 0.60)]
_MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*", "<", ">", "h", "p"]


def _line_styles(n: int) -> list[tuple]:
    """(colour, marker, line style) for n lines: a distinct colour *and* marker each up to 12 lines;
    past that the line style changes too, so no two lines look alike."""
    k = len(_LINE_COLOURS)
    return [(_LINE_COLOURS[i % k], _MARKERS[i % len(_MARKERS)], ["-", "--", ":", "-."][(i // k) % 4])
            for i in range(n)]


def delphi_plot(result, ax=None):
    """Each item's rank-sum weight across Delphi rounds; Kendall's W of each round under the axis."""
    _checks.plot_args(locals(), result=('DelphiResult',))  # the input policy, by parameter name
    ax = _axes(ax, figsize=(8.5, 6))
    weights = result.weights
    rounds = np.arange(len(weights))
    items = list(weights.columns)
    styles = _line_styles(len(items))
    for item, (colour, marker, ls) in zip(items, styles):
        ax.plot(rounds, weights[item].to_numpy(), marker=marker, lw=1.8, ms=5, color=colour, ls=ls)
    last = weights.iloc[-1].to_numpy()
    span = float(weights.to_numpy().max() - weights.to_numpy().min()) or 1.0
    ys = spread_labels(last, gap=span * 0.045)
    x_text = rounds[-1] + 0.12
    for k, (item, (colour, _marker, _ls)) in enumerate(zip(items, styles)):
        ax.annotate(_pretty(item), xy=(rounds[-1], last[k]), xytext=(x_text, ys[k]), va="center", fontsize=9,
                    color=_darker(colour), fontfamily=_families(),
                    arrowprops=dict(arrowstyle="-", color=colour, lw=0.6, shrinkA=0, shrinkB=2))
    conc = result.concordance
    ax.set_xticks(rounds, [_("round {round}\nW = {w}").format(round=r, w=f"{w:.2f}")
                           for r, w in zip(weights.index, conc["W"])])
    ax.set_xlim(-0.15, rounds[-1] + 0.9)
    ax.set_ylabel(_("rank-sum weight"))
    ax.set_xlabel("")
    last_round = weights.index[-1]
    verdict = (_("all {n} items converged").format(n=len(items)) if result.converged else
               _("{k} of {n} items still with CV > {threshold} in round {round}").format(
                   k=len(result.disputed), n=len(items), threshold=f"{result.cv_threshold:g}", round=last_round))
    ax.set_title(_("Delphi rounds: weights and Kendall's W\n({verdict})").format(verdict=verdict),
                 fontfamily=_families())
    ax.grid(axis="x", visible=False)
    return ax


# ---------------------------------------------------------------------------
# Fuzzy evaluation
# ---------------------------------------------------------------------------


def _grade_colours(n: int) -> list:
    """Best grade dark blue … worst dark red, from the colour-blind-safe RdBu map without its pale middle
    (RdYlBu's light shades made "good" nearly white on the white background); a middle grade is grey."""
    from matplotlib import colormaps

    cmap = colormaps["RdBu"]
    half = n // 2
    blues = np.linspace(0.95, 0.75, half) if half > 1 else np.array([0.9] * half)
    reds = np.linspace(0.25, 0.05, half) if half > 1 else np.array([0.1] * half)
    colours = [tuple(cmap(float(p))[:3]) for p in blues]
    if n % 2:
        colours.append((0.6, 0.6, 0.6))
    return colours + [tuple(cmap(float(p))[:3]) for p in reds]


def fuzzy_plot(result, ax=None):
    """Bars of the normalised evaluation vector; the grade chosen by maximum membership is highlighted."""
    _checks.plot_args(locals(), result=('FuzzyResult',))  # the input policy, by parameter name
    from crmlab.fuzzy import OPERATORS

    ax = _axes(ax)
    values = result.normalized
    labels = [_grade(g) for g in values.index]
    winner = list(values.index).index(result.grade)
    colours = ["#0072B2" if k == winner else "#9ECAE1" for k in range(len(values))]
    ax.bar(labels, values.to_numpy(), color=colours)
    for x, v in enumerate(values.to_numpy()):
        ax.text(x, v + 0.01, f"{v:.3f}", ha="center", va="bottom", fontsize=10)
    ax.set_ylim(0, max(values.max() * 1.2, 0.1))
    ax.set_ylabel(_("membership (normalised)"))
    ax.set_xlabel(_("grade"))
    verdict = _("reliable") if result.reliable else _("unreliable")
    line1 = _("Fuzzy evaluation {operator}: largest membership '{grade}' (α = {validity}, {verdict})").format(
        operator=OPERATORS[result.operator], grade=_grade(result.grade), validity=f"{result.validity:.2f}",
        verdict=verdict)
    line2 = ("\n" + _("weighted-average score {score}, nearest grade '{grade}'").format(
        score=f"{result.score:.1f}", grade=_grade(result.score_grade)) if result.score is not None else "")
    ax.set_title(line1 + line2, fontfamily=_families(), fontsize=11)
    _cjk_ticks(ax)
    return ax


def levels_plot(result, ax=None):
    """Stacked bars: each group's membership in each grade, and the whole system's at the bottom."""
    _checks.plot_args(locals(), result=('LevelsResult',))  # the input policy, by parameter name
    ax = _axes(ax, figsize=(8.5, 0.6 * (len(result.groups) + 1) + 2.2))
    frame = result.groups.copy()
    frame.loc["overall"] = result.overall.normalized
    labels = [_pretty(g) if g != "overall" else _("Whole system 整体") for g in frame.index]
    y = np.arange(len(frame))[::-1].astype(float)
    y[-1] -= 0.4  # set the overall bar apart
    colours = _grade_colours(frame.shape[1])
    left = np.zeros(len(frame))
    for k, grade in enumerate(frame.columns):
        values = frame[grade].to_numpy()
        ax.barh(y, values, left=left, color=colours[k], edgecolor="white", height=0.7, label=_grade(grade))
        for yy, l, v in zip(y, left, values):
            if v >= 0.07:
                ax.text(l + v / 2, yy, f"{v:.0%}", ha="center", va="center", fontsize=9,
                        color=_text_colour(colours[k]))
        left += values
    results = [*result.group_results.values(), result.overall]
    for yy, r in zip(y, results):
        # The score first when there is one: the largest membership alone is often not a majority.
        first = (_("score {score} ≈ {grade}").format(score=f"{r.score:.1f}", grade=_grade(r.score_grade))
                 if r.score is not None else _grade(r.grade))
        second = _("max: {grade}, α = {validity}").format(grade=_grade(r.grade), validity=f"{r.validity:.2f}") + (
            "" if r.reliable else " ✗")
        ax.text(1.02, yy, f"{first}\n{second}", va="center", fontsize=8.5, linespacing=1.3)
    ax.set_yticks(y, labels)
    ax.set_xlim(0, 1.0)
    ax.set_xlabel(_("share of membership"))
    ax.legend(ncols=frame.shape[1], loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize=9.5)
    ax.set_title(_("Multi-level fuzzy evaluation: score per perspective; max-membership grade, validity α\n"
                   "(✗ = not reliable: largest membership < 0.5, α < 0.5 or disagrees with the score)"),
                 pad=28, fontfamily=_families(), fontsize=10.5)
    ax.grid(axis="y", visible=False)
    ax.axhline((y[-1] + y[-2]) / 2, color="#444444", lw=0.8)
    _cjk_ticks(ax)
    for label in ax.get_yticklabels():
        if "整体" in label.get_text():
            label.set_fontweight("bold")
    return ax


# ---------------------------------------------------------------------------
# Performance pyramid
# ---------------------------------------------------------------------------


def _wrap(text: str, width: int = 12) -> str:
    words, lines, line = str(text).split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)


def pyramid_plot(pyr, ax=None):
    """Draw the pyramid: a triangle cut in one band per level, one box per node coloured by status.

    Each box shows the node (with its Chinese name for the classic nodes) and its
    score as a percentage of target; lines link each node to the nodes it
    serves. Arrows on the sides recall that objectives flow down and measures roll up.
    """
    _checks.plot_args(locals(), pyr=('Pyramid',))  # the input policy, by parameter name
    from crmlab.pyramid import LEVEL_NAMES, NODE_NAMES

    ax = _axes(ax, figsize=(11, 7))
    nodes = pyr.nodes
    levels = sorted(nodes["level"].unique())
    n_levels = len(levels)
    height, half = 1.0, 1.0
    band = height / n_levels
    colours = _status_colours()
    fam = _families()
    tri = Polygon([(-half, 0), (half, 0), (0, height)], closed=True, fc="#F4F4F4", ec="#888888", lw=1.2, zorder=0)
    ax.add_patch(tri)
    pos = {}
    for k, level in enumerate(levels):
        top = height - k * band
        bottom = top - band
        if k > 0:
            w = half * (1 - top / height)
            ax.plot([-w, w], [top, top], color="#888888", lw=1, zorder=1)
        # Nodes sit low in the apex band (it is narrow at the top).
        yc = bottom + band * (0.32 if k == 0 else 0.5)
        width = half * (1 - yc / height) * 2
        members = list(nodes.index[nodes["level"] == level])
        xs = (np.arange(len(members)) + 0.5) / len(members) * width - width / 2
        for name, x in zip(members, xs):
            pos[name] = (x, yc)
        level_name = translate(LEVEL_NAMES[int(level)]) if int(level) in LEVEL_NAMES else _("level {level}").format(
            level=level)
        ax.text(-half - 0.04, yc, level_name, ha="right", va="center",
                fontsize=10, fontfamily=fam, color="#333333")
    for child, parents in nodes["serves"].items():
        for parent in [p.strip() for p in str(parents).split(",") if p.strip()]:
            (x0, y0), (x1, y1) = pos[child], pos[parent]
            ax.plot([x0, x1], [y0, y1], color="#777777", lw=1.1, zorder=2)
    for name, (x, y) in pos.items():
        row = nodes.loc[name]
        score = translate(percent_label(row["score"], thresholds=pyr.thresholds))  # "no data" too
        zh = NODE_NAMES.get(name)
        if zh and get_language() == "zh":  # the Chinese edition names a classic node in Chinese only
            label = f"{zh}\n{score}"
        else:
            label = _wrap(name.capitalize(), 13) + (f"\n{zh}" if zh else "") + f"\n{score}"
        colour = colours.get(row["status"], _NO_DATA)
        ax.text(x, y, label, ha="center", va="center", fontsize=9.5, fontfamily=fam, zorder=4,
                color="white" if row["status"] in ("on track", "off track") else "black",
                bbox=dict(boxstyle="round,pad=0.35", fc=colour, ec="white", lw=1.5))
    # Two arrows beside the pyramid: strategy goes down, measurement comes back up.
    for x, (y0, y1), text in ((half + 0.1, (0.75, 0.05), _("objectives\nflow down\n目标自上而下")),
                              (half + 0.5, (0.05, 0.75), _("measures\nroll up\n指标自下而上"))):
        ax.annotate("", xy=(x, y1), xytext=(x, y0), arrowprops=dict(arrowstyle="-|>", color="#555555", lw=1.6))
        ax.text(x + 0.04, 0.4, text, fontsize=9, fontfamily=fam, color="#444444", ha="left", va="center")
    handles = [Patch(fc=colours[s], label=translate(s)) for s in ("on track", "at risk", "off track")]
    if (nodes["status"] == "no data").any():
        handles.append(Patch(fc=_NO_DATA, label=_("no data")))
    ax.legend(handles=handles, loc="upper right", frameon=False, fontsize=9.5, title=_("status (score vs target)"),
              title_fontsize=9.5, prop={"family": fam, "size": 9.5})
    ax.set_xlim(-half - 0.62, half + 0.9)
    ax.set_ylim(-0.02, height + 0.02)
    ax.axis("off")
    vision = percent_label(pyr.score, thresholds=pyr.thresholds)
    ax.set_title(_("Performance pyramid (Cross & Lynch): vision at {vision} of target, {status}").format(
        vision=vision, status=translate(pyr.status)), fontfamily=fam)
    return ax


# ---------------------------------------------------------------------------
# Balanced scorecard
# ---------------------------------------------------------------------------


def scorecard_plot(card, ax=None, by: str = "measure"):
    """Achievement of a balanced scorecard.

    ``by="measure"``: one bar per measure, grouped by perspective, coloured by
    status, with the target at 100 %. ``by="perspective"``: one bar per
    perspective with its weight. ``by="contribution"``: each perspective's weight
    (outline) and weighted contribution (filled); their sum is the total score.
    """
    _checks.plot_args(locals(), card=('Scorecard',))  # the input policy, by parameter name
    from crmlab._checks import choice

    choice("by", by, ("measure", "perspective", "contribution"))
    colours = _status_colours()
    if by == "measure":
        m = card.measures
        ax = _axes(ax, figsize=(9, 0.38 * len(m) + 1.8))
        y = np.arange(len(m))[::-1]
        ax.barh(y, m["achievement"].to_numpy(), color=[colours[s] for s in m["status"]], height=0.7)
        for yy, v in zip(y, m["achievement"].to_numpy()):
            ax.text(v + 0.01, yy, percent_label(v, thresholds=card.thresholds), va="center", fontsize=9)
        ax.set_yticks(y, [str(s) for s in m["measure"]])
        ax.axvline(1.0, color="#333333", lw=1, ls="--")
        ax.set_xlim(0, card.cap + 0.5)
        ax.set_xticks(np.arange(0, card.cap + 1e-9, 0.2))
        # Perspective bands with their names on the right.
        from crmlab.scorecard import PERSPECTIVE_NAMES

        perspectives = list(pd.unique(m["perspective"]))
        for k, p in enumerate(perspectives):
            rows = y[(m["perspective"] == p).to_numpy()]
            if k % 2 == 0:
                ax.axhspan(rows.min() - 0.5, rows.max() + 0.5, color="#EEEEEE", zorder=0)
            ax.text(card.cap + 0.1, rows.mean(), _two_lines(translate(PERSPECTIVE_NAMES[p])), ha="left",
                    va="center", fontsize=9, color="#333333", fontfamily=_families())
        ax.set_xlabel(_("achievement (actual vs target, capped at {cap})").format(cap=f"{card.cap * 100:.0f}%"))
        handles = [Patch(fc=colours[s], label=translate(s)) for s in ("on track", "at risk", "off track")]
        ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=3, frameon=False)
        total = percent_label(card.total, thresholds=card.thresholds)
        ax.set_title(_("Balanced scorecard: total {total} of target ({status})").format(
            total=total, status=translate(card.status)), pad=26, fontfamily=_families())
        ax.grid(axis="y", visible=False)
        ax.set_ylim(-0.6, len(m) - 0.4)
    else:
        p = card.by_perspective()
        ax = _axes(ax, figsize=(8, 4.5))
        labels = [_two_lines(translate(n)) for n in p["name"]]
        x = np.arange(len(p))
        if by == "perspective":
            ax.bar(x, p["achievement"].to_numpy(), color=[colours[s] for s in p["status"]], width=0.6)
            for xx, v, w, st in zip(x, p["achievement"].to_numpy(), p["weight"].to_numpy(), p["status"]):
                shown = percent_label(v, thresholds=card.thresholds)
                weight = _("weight {weight}").format(weight=f"{w:.2f}")
                ax.text(xx, v - 0.03, f"{shown}\n{weight}", ha="center", va="top", fontsize=9.5,
                        color="black" if st == "at risk" else "white")
            ax.axhline(1.0, color="#333333", lw=1, ls="--")
            ax.set_ylim(0, max(1.3, p["achievement"].max() + 0.25))
            ax.set_ylabel(_("achievement (weighted mean of measures)"))
            total = percent_label(card.total, thresholds=card.thresholds)
            ax.set_title(_("Achievement by perspective: total {total} ({status})").format(
                total=total, status=translate(card.status)), fontfamily=_families())
            handles = [Patch(fc=colours[s], label=translate(s)) for s in ("on track", "at risk", "off track")]
            ax.legend(handles=handles, loc="upper right", ncols=3, frameon=False, fontsize=9)
        else:
            ax.bar(x, p["weight"].to_numpy(), color="none", edgecolor="#555555", width=0.6, lw=1.2)
            ax.bar(x, p["contribution"].to_numpy(), color=[colours[s] for s in p["status"]], width=0.6)
            top = max(float(p["weight"].max()), float(p["contribution"].max()))
            for xx, w, c in zip(x, p["weight"].to_numpy(), p["contribution"].to_numpy()):
                ax.text(xx, max(w, c) + top * 0.02, _("{contribution} of {weight}").format(
                    contribution=f"{c:.3f}", weight=f"{w:.2f}"), ha="center", va="bottom", fontsize=9)
            ax.set_ylim(0, top * 1.2 + 1e-9)
            ax.set_ylabel(_("weight (outline) and weight × achievement"))
            ax.set_title(_("Contribution to the total score: {total} ({status})").format(
                total=f"{card.total:.3f}", status=translate(card.status)), fontfamily=_families())
            handles = [Patch(fc="none", ec="#555555", label=_("weight"))] + [
                Patch(fc=colours[s], label=_("contribution, {status}").format(status=translate(s)))
                for s in ("on track", "at risk", "off track")]
            ax.legend(handles=handles, loc="upper right", frameon=False, fontsize=8.5)
        ax.set_xticks(x, labels)
        ax.grid(axis="x", visible=False)
        _cjk_ticks(ax)
    return ax

