"""Figures for chapters 07–08: performance matrices, satisfaction, tiers, CLV, RFM and BG/NBD.

Every function takes a result (or the frame a crmlab function returned) and an
optional ``ax``, and returns the Axes. Point labels of the matrices are moved
apart by a small repulsion routine (:func:`repel_labels`) so none overlap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Rectangle

from crmlab import _checks
from crmlab._checks import fail
from crmlab.plots import QUADRANT_COLOURS, QUADRANT_LAYOUT
from crmlab.i18n import gettext as _
from crmlab.i18n import translate

__all__ = [
    "QUADRANT_COLOURS",
    "matrix_plot",
    "repel_labels",
    "action_plot",
    "derived_importance_plot",
    "importance_comparison_plot",
    "nps_plot",
    "tiers_plot",
    "concentration_plot",
    "cohort_plot",
    "rfm_heatmap",
    "bgnbd_plot",
    "holdout_plot",
]

_LAYOUT = QUADRANT_LAYOUT


def _families() -> list[str]:
    """The current font families plus the bundled CJK font as a per-glyph fallback.

    Passed to individual texts so Chinese labels render even when
    :func:`crmlab.plots.set_theme` was not called; no global setting changes.
    """
    from crmlab.plots import register_cjk_font

    families = list(plt.rcParams["font.family"])
    cjk = register_cjk_font()
    return families if cjk in families else [*families, cjk]


def _legend_font() -> dict:
    """Legend font properties: the legend's usual size, with the CJK fallback for Chinese labels."""
    return {"family": _families(), "size": plt.rcParams["legend.fontsize"]}


def _title(ax, text: str, **kwargs):
    return ax.set_title(text, fontfamily=_families(), **kwargs)


def _cjk_ticks(ax):
    for label in ax.get_xticklabels() + ax.get_yticklabels():
        label.set_fontfamily(_families())


def _axes(ax, figsize=(8, 5)):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


# ---------------------------------------------------------------------------
# Label repulsion
# ---------------------------------------------------------------------------


def _overlap(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Overlap of two boxes (x0, y0, x1, y1) along x and y (≤ 0 means apart)."""
    return min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])


def _area(box: np.ndarray, others: np.ndarray) -> float:
    """Total overlap area of ``box`` with each row of ``others`` (boxes as x0, y0, x1, y1)."""
    if len(others) == 0:
        return 0.0
    w = np.minimum(box[2], others[:, 2]) - np.maximum(box[0], others[:, 0])
    h = np.minimum(box[3], others[:, 3]) - np.maximum(box[1], others[:, 1])
    return float(np.sum(np.clip(w, 0, None) * np.clip(h, 0, None)))


def repel_labels(ax, x, y, labels, *, fontsize=9, pad=2.0, obstacles=(), lines=(), max_iter=400, colour="0.15",
                 leader_colour="0.45"):
    """Write ``labels`` next to the points (x, y) of ``ax`` so that no two labels overlap.

    Each label first takes the best of eight spots around its point (the one
    overlapping least with labels already placed, with every marker, with the
    ``obstacles`` boxes and with the axes edge, and preferring spots that do not cross
    the reference ``lines``, given as ("x" or "y", data value)); labels that still touch are then
    pushed apart in display pixels by repeated pairwise separation, staying inside
    the axes. A label that ends up away from its point gets a thin leader line.
    Call it after the axis limits are final.

    Returns
    -------
    list of matplotlib.text.Text
    """
    _checks.plot_args(locals(), ax=('Axes',))  # the input policy, by parameter name
    renderer = ax.figure.canvas.get_renderer()
    pts = ax.transData.transform(np.column_stack([np.asarray(x, float), np.asarray(y, float)]))
    families = _families()
    texts = [ax.text(0, 0, str(lab), fontsize=fontsize, ha="left", va="bottom", color=colour, zorder=5,
                     fontfamily=families,
                     bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "alpha": 0.5, "edgecolor": "none"})
             for lab in labels]
    n = len(texts)
    if n == 0:
        return texts
    sizes = np.array([[t.get_window_extent(renderer).width + 2 * pad, t.get_window_extent(renderer).height + 2 * pad]
                      for t in texts])
    frame = ax.get_window_extent(renderer)
    marker = 6.0
    point_boxes = np.column_stack([pts - marker, pts + marker])
    fixed = np.array([np.asarray(b, float) for b in obstacles]).reshape(-1, 4)
    crossings = [(0 if axis == "x" else 1,
                  ax.transData.transform((value, 0) if axis == "x" else (0, value))[0 if axis == "x" else 1])
                 for axis, value in lines]

    def candidates(i):
        w, h = sizes[i]
        px, py = pts[i]
        # (lower-left corner, preference penalty): right first, then left, above, below.
        spots = [((px + marker, py - h * 0.15), 0.0), ((px - marker - w, py - h * 0.15), 1.0),
                 ((px + marker * 0.6, py + marker * 0.6), 2.0), ((px - w - marker * 0.6, py + marker * 0.6), 3.0),
                 ((px + marker * 0.6, py - h - marker * 0.6), 4.0),
                 ((px - w - marker * 0.6, py - h - marker * 0.6), 5.0),
                 ((px - w / 2, py + marker), 6.0), ((px - w / 2, py - h - marker), 7.0)]
        return [(np.array(c), pen) for c, pen in spots]

    pos = np.zeros((n, 2))
    placed: list[np.ndarray] = []
    # Crowded points choose first, while there is still room around them.
    crowd = np.array([np.sum(np.hypot(*(pts - pts[i]).T) < 60) for i in range(n)])
    for i in np.argsort(-crowd, kind="stable"):
        best, best_cost = None, np.inf
        others = np.delete(point_boxes, i, axis=0)
        for corner, penalty in candidates(i):
            box = np.concatenate([corner, corner + sizes[i]])
            outside = (max(frame.x0 - box[0], 0) + max(box[2] - frame.x1, 0)
                       + max(frame.y0 - box[1], 0) + max(box[3] - frame.y1, 0))
            crossed = sum(box[k] < where < box[k + 2] for k, where in crossings)
            cost = (_area(box, np.array(placed).reshape(-1, 4)) * 3 + _area(box, others) * 2
                    + _area(box, fixed) * 3 + outside * 500 + penalty + 8 * crossed)
            if cost < best_cost:
                best, best_cost = corner, cost
        pos[i] = best
        placed.append(np.concatenate([best, best + sizes[i]]))

    def boxes(p):
        return np.column_stack([p, p + sizes])

    for _ in range(max_iter):
        bx = boxes(pos)
        shift = np.zeros_like(pos)
        for i in range(n):
            for j in range(i + 1, n):
                ox, oy = _overlap(bx[i], bx[j])
                if ox > 0 and oy > 0:
                    # Separate along the axis with the smaller overlap, half each.
                    axis = 0 if ox < oy else 1
                    gap = ox if axis == 0 else oy
                    d = np.sign((bx[i][axis] + bx[i][axis + 2]) - (bx[j][axis] + bx[j][axis + 2])) or 1.0
                    shift[i, axis] += d * (gap / 2 + 0.5)
                    shift[j, axis] -= d * (gap / 2 + 0.5)
            for k, other in enumerate(np.vstack([point_boxes, fixed])):
                if k == i:
                    continue  # a label may touch its own marker's box edge
                ox, oy = _overlap(bx[i], other)
                if ox > 0 and oy > 0:
                    axis = 0 if ox < oy else 1
                    gap = ox if axis == 0 else oy
                    d = np.sign((bx[i][axis] + bx[i][axis + 2]) - (other[axis] + other[axis + 2])) or 1.0
                    shift[i, axis] += d * (gap + 0.5)
        pos += shift
        pos[:, 0] = np.clip(pos[:, 0], frame.x0 + 1, frame.x1 - sizes[:, 0] - 1)
        pos[:, 1] = np.clip(pos[:, 1], frame.y0 + 1, frame.y1 - sizes[:, 1] - 1)
        if np.abs(shift).max() < 0.05:
            break
    inverse = ax.transData.inverted()
    for i, text in enumerate(texts):
        text.set_position(inverse.transform(pos[i] + pad))
        box = boxes(pos)[i]
        nearest = np.clip(pts[i], box[:2], box[2:])
        if np.hypot(*(nearest - pts[i])) > marker * 2.2:
            start = inverse.transform(pts[i])
            end = inverse.transform(nearest)
            ax.plot([start[0], end[0]], [start[1], end[1]], color=leader_colour, lw=0.7, zorder=4)
    return texts


# ---------------------------------------------------------------------------
# Performance matrices
# ---------------------------------------------------------------------------


def _default_labels(frame: pd.DataFrame):
    """The ``name`` column; else the index, unless it is a plain row number and a text column names the rows."""
    if "name" in frame.columns:
        return frame["name"]
    if isinstance(frame.index, pd.RangeIndex):
        # A table read with pd.read_csv keeps its attribute names in a column: label with them, not 0, 1, 2 ...
        for column in frame.columns:
            values = frame[column]
            if (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)) \
                    and not isinstance(values.dtype, pd.CategoricalDtype) and values.is_unique:
                return values
    return frame.index


def _label_values(frame: pd.DataFrame, labels) -> list[str]:
    if labels is None:
        return [str(v) for v in _default_labels(frame)]
    if isinstance(labels, str):
        if labels not in frame.columns:
            raise fail("labels", _("a column of the frame ({columns})").format(columns=list(map(str, frame.columns))),
                       labels)
        return [str(v) for v in frame[labels]]
    if isinstance(labels, (Mapping, pd.Series)):
        get = labels.get
        return [str(get(i, i)) for i in frame.index]
    if isinstance(labels, Sequence) and len(labels) == len(frame):
        return [str(v) for v in labels]
    raise fail("labels", _("None, a column name, a mapping from index to label, or one label per row"), labels)


def _limits(values: np.ndarray, cut: float, pad_share: float = 0.12) -> tuple[float, float]:
    lo, hi = min(values.min(), cut), max(values.max(), cut)
    span = hi - lo if hi > lo else 1.0
    return lo - pad_share * span, hi + pad_share * span


def matrix_plot(frame: pd.DataFrame, ax=None, labels=None, title: str | None = None, fontsize: int = 9):
    """Labelled scatter of a :func:`crmlab.matrices.pem` or :func:`~crmlab.matrices.rpm` frame.

    The quadrants are shaded and named, the crosshair is drawn as two lines and the
    attribute labels are placed without overlaps. PEM: performance across,
    importance up ("concentrate here" top left). RPM: gap to the competitor
    across (split at 0), importance up ("urgent weakness" top left).

    A frame from :func:`crmlab.matrices.pem_ci` or :func:`~crmlab.matrices.rpm_ci` also gets
    its confidence intervals, drawn around the crosshair lines, and attributes whose
    interval crosses a line ("too close to call") are drawn hollow.

    Parameters
    ----------
    frame : DataFrame
        Returned by ``pem`` or ``rpm`` (its ``attrs`` say which and where the crosshair is).
    labels : None, str, mapping or sequence
        Point labels: default the ``name`` column if present, else the index (or, for a
        plain 0, 1, 2 … index, the first text column, such as an attribute column read from a CSV).
    """
    _checks.plot_args(locals())  # the input policy, by parameter name
    info = frame.attrs.get("crmlab_matrix") if isinstance(frame, pd.DataFrame) else None
    if not info:
        raise fail("frame", _("a DataFrame returned by crmlab.matrices.pem() or rpm()"), type(frame).__name__, TypeError)
    ax = _axes(ax)
    kind = info["kind"]
    xs = frame[info["x"]].to_numpy(dtype=float)
    ys = frame[info["y"]].to_numpy(dtype=float)
    cut_y, cut_x = info["crosshair"][0], info["crosshair"][1]
    intervals = info.get("intervals")
    if intervals:
        # Intervals of each attribute's distance to the crosshair, drawn around the crosshair lines, so a bar
        # crosses a line exactly when the attribute is too close to call.
        y_err = np.column_stack([cut_y + frame[f"{intervals['importance']}_low"].to_numpy(float),
                                 cut_y + frame[f"{intervals['importance']}_high"].to_numpy(float)])
        x_err = np.column_stack([cut_x + frame[f"{intervals['x']}_low"].to_numpy(float),
                                 cut_x + frame[f"{intervals['x']}_high"].to_numpy(float)])
        x0, x1 = _limits(np.concatenate([xs, x_err.ravel()]), cut_x, 0.12)
        y0, y1 = _limits(np.concatenate([ys, y_err.ravel()]), cut_y, 0.12)
    else:
        x0, x1 = _limits(xs, cut_x, 0.15)
        y0, y1 = _limits(ys, cut_y, 0.15)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    names = _LAYOUT[kind]
    corners = [(x0, cut_y, cut_x - x0, y1 - cut_y), (cut_x, cut_y, x1 - cut_x, y1 - cut_y),
               (x0, y0, cut_x - x0, cut_y - y0), (cut_x, y0, x1 - cut_x, cut_y - y0)]
    renderer = ax.figure.canvas.get_renderer()
    obstacles = []
    for name, (cx, cy, w, h), (ha, va, tx, ty) in zip(
            names, corners, [("left", "top", 0.01, 0.985), ("right", "top", 0.99, 0.985),
                             ("left", "bottom", 0.01, 0.015), ("right", "bottom", 0.99, 0.015)]):
        colour = QUADRANT_COLOURS[name]
        ax.add_patch(Rectangle((cx, cy), w, h, facecolor=colour, alpha=0.09, edgecolor="none", zorder=0))
        label = ax.text(tx, ty, translate(name), transform=ax.transAxes, ha=ha, va=va, fontsize=fontsize + 1,
                        color=colour, style="italic", fontweight="bold", zorder=1, fontfamily=_families())
        obstacles.append(label.get_window_extent(renderer).padded(2).extents)
    ax.axvline(cut_x, color="0.3", lw=1.0, ls="--", zorder=2)
    ax.axhline(cut_y, color="0.3", lw=1.0, ls="--", zorder=2)
    colours = [QUADRANT_COLOURS[str(q)] for q in frame["quadrant"]]
    if intervals:
        close = frame["too_close"].to_numpy(bool)
        ax.errorbar(xs, ys, xerr=np.abs(x_err.T - xs), yerr=np.abs(y_err.T - ys), fmt="none", ecolor="0.45",
                    elinewidth=0.9, capsize=2.5, zorder=2.5)
        ax.scatter(xs[~close], ys[~close], c=[c for c, k in zip(colours, close) if not k], s=55, edgecolor="white",
                   linewidth=0.8, zorder=3)
        ax.scatter(xs[close], ys[close], facecolor="white", edgecolor=[c for c, k in zip(colours, close) if k],
                   s=55, linewidth=1.8, zorder=3)
        if close.any():
            from matplotlib.lines import Line2D

            key = Line2D([], [], ls="none", marker="o", markersize=7, markerfacecolor="white", markeredgecolor="0.3",
                         markeredgewidth=1.8,
                         label=_("hollow: too close to call (the {level} bootstrap interval crosses a line)").format(
                             level=f"{intervals['level']:.0%}"))
            ax.legend(handles=[key], loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False,
                      prop={"family": _families(), "size": fontsize},
                      fontsize=fontsize, borderaxespad=1.6)
    else:
        ax.scatter(xs, ys, c=colours, s=55, edgecolor="white", linewidth=0.8, zorder=3)
    convention = info.get("convention", "point")
    point = f"({cut_y:g}, {cut_x:g})"
    if kind == "pem":
        ax.set_xlabel(_("Performance (rated by customers) — crosshair at {cut}").format(cut=f"{cut_x:.2f}"))
        ax.set_ylabel(_("Importance — crosshair at {cut}").format(cut=f"{cut_y:.2f}"))
        default_title = {
            "mean": _("Performance-evaluation matrix (绩效评估矩阵), crosshair at the means"),
            "median": _("Performance-evaluation matrix (绩效评估矩阵), crosshair at the medians"),
        }.get(convention) or _("Performance-evaluation matrix (绩效评估矩阵), crosshair at {point}").format(point=point)
    else:
        ax.set_xlabel(_("Gap to competitor (own − competitor performance)"))
        ax.set_ylabel(_("Importance — crosshair at {cut}").format(cut=f"{cut_y:.2f}"))
        default_title = {
            "mean": _("Relative-performance matrix (相对绩效矩阵), importance split at the means"),
            "median": _("Relative-performance matrix (相对绩效矩阵), importance split at the medians"),
        }.get(convention) or _("Relative-performance matrix (相对绩效矩阵), importance split at {point}").format(
            point=point)
    _title(ax, title if title is not None else default_title, fontsize=11)
    ax.grid(False)
    if intervals:
        # Keep the labels off the interval bars too (thin boxes around each bar, in display pixels).
        to_px = ax.transData.transform
        for x, y, (xl, xh), (yl, yh) in zip(xs, ys, x_err, y_err):
            (ax0, ay0), (ax1, _ay1) = to_px((xl, y)), to_px((xh, y))
            (bx0, by0), (_bx1, by1) = to_px((x, yl)), to_px((x, yh))
            obstacles.append((ax0, ay0 - 3, ax1, ay0 + 3))
            obstacles.append((bx0 - 3, by0, bx0 + 3, by1))
    repel_labels(ax, xs, ys, _label_values(frame, labels), fontsize=fontsize, obstacles=obstacles,
                 lines=(("x", cut_x), ("y", cut_y)))
    return ax


def action_plot(actions: pd.DataFrame, ax=None, labels=None, top: int | None = None):
    """Horizontal bars of the priority score of :func:`crmlab.matrices.action_list`, coloured by action."""
    _checks.plot_args(locals())  # the input policy, by parameter name
    need = {"action", "score", "rank"}
    if not isinstance(actions, pd.DataFrame) or not need <= set(actions.columns):
        raise fail("actions", _("a DataFrame returned by crmlab.matrices.action_list()"), type(actions).__name__,
                   TypeError)
    data = actions if top is None else actions.head(top)
    ax = _axes(ax, (8, max(3.0, 0.42 * len(data) + 1.2)))
    palette = {"fix first": "#D55E00", "fix": "#E69F00", "catch up": "#CC79A7", "watch": "#7f7f7f",
               "no action": "#0072B2"}
    names = _label_values(data, labels)
    ypos = np.arange(len(data))[::-1]
    ax.barh(ypos, data["score"], color=[palette.get(a, "0.5") for a in data["action"]], height=0.65)
    ax.set_yticks(ypos, [f"{r}. {n}" for r, n in zip(data["rank"], names)])
    _cjk_ticks(ax)
    xmax = max(float(data["score"].max()), 1e-9)
    for yv, (score, action) in zip(ypos, zip(data["score"], data["action"])):
        ax.text(score + xmax * 0.01, yv, f"{translate(str(action))}  ({score:.2f})", va="center", fontsize=9,
                fontfamily=_families())
    ax.set_xlim(0, xmax * 1.35)
    ax.set_xlabel(_("Priority score = importance × shortfall"))
    _title(ax, _("What to fix first (ranked action list)"), fontsize=11)
    ax.grid(axis="y", visible=False)
    return ax


def derived_importance_plot(result, ax=None, stated: pd.Series | None = None, labels=None):
    """Derived importance per attribute with its confidence interval, strongest driver on top.

    ``stated`` (Series by attribute) adds the stated importance to each label;
    ``labels`` (mapping) renames the attributes.
    """
    _checks.plot_args(locals(), result=('DerivedImportance', 'Series'), stated=('Series', 'Mapping', 'NoneType'))  # the input policy, by parameter name
    frame = result.to_frame().sort_values("estimate")
    ax = _axes(ax, (8, max(3.0, 0.42 * len(frame) + 1.2)))
    ypos = np.arange(len(frame))
    ax.barh(ypos, frame["estimate"], color="#0072B2", alpha=0.85, height=0.6)
    ax.errorbar(frame["estimate"], ypos, xerr=[frame["estimate"] - frame["low"], frame["high"] - frame["estimate"]],
                fmt="none", ecolor="0.2", capsize=3, lw=1)
    names = [str(labels.get(i, i)) if isinstance(labels, (Mapping, pd.Series)) else str(i) for i in frame.index]
    if stated is not None:
        names = [_("{label}  (stated {stated})").format(label=lab, stated=f"{float(stated.get(i, np.nan)):.2f}")
                 for lab, i in zip(names, frame.index)]
    ax.set_yticks(ypos, names)
    _cjk_ticks(ax)
    ax.axvline(0, color="0.3", lw=0.8)
    what = _("standardised regression coefficient") if result.method == "regression" else _("correlation with overall")
    ax.set_xlabel(_("Derived importance ({what}), {level} CI").format(what=what, level=f"{result.level:.0%}"))
    _title(ax, _("Derived importance: what drives overall satisfaction"), fontsize=11)
    ax.grid(axis="y", visible=False)
    return ax


def importance_comparison_plot(stated: pd.Series, derived: pd.Series, ax=None, labels=None, fontsize: int = 9):
    """Stated importance (across) against derived importance (up), crosshair at the means, labelled."""
    _checks.plot_args(locals(), stated=('Series', 'Mapping'), derived=('Series', 'Mapping'))  # the input policy, by parameter name
    both = pd.DataFrame({"stated": pd.Series(stated, dtype=float), "derived": pd.Series(derived, dtype=float)})
    if both.isna().any().any():
        missing = both.index[both.isna().any(axis=1)].tolist()
        raise fail(_("stated and derived"), _("Series with the same attribute labels"),
                   _("unmatched labels {missing}").format(missing=missing))
    ax = _axes(ax)
    xs, ys = both["stated"].to_numpy(), both["derived"].to_numpy()
    cx, cy = xs.mean(), ys.mean()
    ax.set_xlim(*_limits(xs, cx, 0.15))
    ax.set_ylim(*_limits(ys, cy, 0.15))
    ax.axvline(cx, color="0.3", lw=1, ls="--")
    ax.axhline(cy, color="0.3", lw=1, ls="--")
    renderer = ax.figure.canvas.get_renderer()
    obstacles = []
    for text, (tx, ty, ha, va) in zip(
            [_("hidden driver"), _("key driver"), _("minor"), _("said to matter, drives little")],
            [(0.01, 0.985, "left", "top"), (0.99, 0.985, "right", "top"), (0.01, 0.015, "left", "bottom"),
             (0.99, 0.015, "right", "bottom")]):
        t = ax.text(tx, ty, text, transform=ax.transAxes, ha=ha, va=va, fontsize=fontsize + 1, color="0.35",
                    style="italic", fontfamily=_families())
        obstacles.append(t.get_window_extent(renderer).padded(2).extents)
    ax.scatter(xs, ys, s=55, color="#0072B2", edgecolor="white", zorder=3)
    ax.set_xlabel(_("Stated importance (mean rating)"))
    ax.set_ylabel(_("Derived importance"))
    _title(ax, _("Stated versus derived importance"), fontsize=11)
    ax.grid(False)
    names = [str(labels.get(i, i)) for i in both.index] if isinstance(labels, (Mapping, pd.Series)) else \
        [str(i) for i in both.index]
    repel_labels(ax, xs, ys, names, fontsize=fontsize, obstacles=obstacles, lines=(("x", cx), ("y", cy)))
    return ax


# ---------------------------------------------------------------------------
# Satisfaction, tiers, CLV
# ---------------------------------------------------------------------------


def nps_plot(result, ax=None):
    """Stacked bars of detractors, passives and promoters, with the NPS and its interval.

    ``result`` is an :class:`~crmlab.customers.NPSResult` or a mapping
    ``{group name: NPSResult}`` to compare groups (one bar each).
    """
    _checks.plot_args(locals(), result=('NPSResult', 'Mapping'))  # the input policy, by parameter name
    groups = dict(result) if isinstance(result, Mapping) else {"": result}
    ax = _axes(ax, (8, 1.2 + 0.8 * len(groups)))
    parts = [("detractors", _("detractors"), "#D55E00", "white"), ("passives", _("passives"), "#bdbdbd", "black"),
             ("promoters", _("promoters"), "#0072B2", "white")]
    ypos = np.arange(len(groups))[::-1]
    for yv, res in zip(ypos, groups.values()):
        left = 0.0
        for attr, name, colour, ink in parts:
            value = getattr(res, attr)
            ax.barh(yv, value, left=left, color=colour, height=0.6, edgecolor="white")
            if value >= 0.08:
                ax.text(left + value / 2, yv, f"{name}\n{value:.0%}", ha="center", va="center", color=ink,
                        fontsize=9, fontfamily=_families())
            left += value
        ax.text(1.02, yv, f"NPS {res.nps:.1f}\n[{res.low:.1f}, {res.high:.1f}]", va="center", fontsize=9,
                transform=ax.get_yaxis_transform())
    ax.set_xlim(0, 1)
    ax.set_yticks(ypos, list(groups) if len(groups) > 1 or list(groups)[0] else [""])
    _cjk_ticks(ax)
    if len(groups) == 1 and not list(groups)[0]:
        ax.set_yticks([])
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    first = next(iter(groups.values()))
    ax.set_xlabel(_("Share of respondents: detractors 0-6, passives 7-8, promoters 9-10"))
    _title(ax, _("Net promoter score (净推荐值) with {level} confidence intervals").format(level=f"{first.level:.0%}"),
           fontsize=11)
    ax.grid(False)
    return ax


def tiers_plot(result, ax=None):
    """Share of customers against share of value for each tier (the customer pyramid in numbers)."""
    _checks.plot_args(locals(), result=('CustomerTiers',))  # the input policy, by parameter name
    ax = _axes(ax)
    summary = result.summary
    xpos = np.arange(len(summary))
    ax.bar(xpos - 0.2, summary["customer_share"], width=0.4, color="#7f7f7f", label=_("share of customers"))
    ax.bar(xpos + 0.2, summary["value_share"], width=0.4, color="#0072B2", label=_("share of value"))
    top = float(max(summary["customer_share"].max(), summary["value_share"].max()))
    for x, (c_share, v_share) in zip(xpos, zip(summary["customer_share"], summary["value_share"])):
        ax.text(x - 0.2, c_share + top * 0.015, f"{c_share:.0%}", ha="center", va="bottom", fontsize=9)
        ax.text(x + 0.2, v_share + top * 0.015, f"{v_share:.0%}", ha="center", va="bottom", fontsize=9)
    labels = [_("{tier}\n{n} customers\nmean {mean}").format(tier=translate(str(tier)), n=f"{int(n):,}",
                                                                mean=f"{mean:,.0f}")
              for tier, n, mean in zip(summary.index, summary["customers"], summary["mean_value"].fillna(0))]
    ax.set_xticks(xpos, labels)
    _cjk_ticks(ax)
    ax.set_ylim(0, top * 1.15)
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_ylabel(_("Share of all customers / of all value"))
    ax.legend(loc="upper left", prop=_legend_font())
    ax.grid(axis="x", visible=False)
    _title(ax, _("Customer tiers (客户分级): the top 20 % bring {share} of the value").format(
        share=f"{result.top20_share:.0%}"), fontsize=11)
    return ax


def concentration_plot(result, ax=None):
    """Concentration (Pareto) curve: cumulative share of value against cumulative share of customers."""
    _checks.plot_args(locals(), result=('CustomerTiers',))  # the input policy, by parameter name
    ax = _axes(ax)
    values = result.values.to_numpy()
    order = np.sort(values)[::-1]
    n = order.size
    ax.plot(np.arange(0, n + 1) / n, np.concatenate([[0.0], np.cumsum(order)]) / order.sum(), color="0.15", lw=2,
            label=_("customers sorted by value"))
    ax.plot([0, 1], [0, 1], color="0.6", lw=1, ls=":", label=_("every customer equally valuable"))
    bound = 0.0
    for tier, share in zip(result.summary.index[:-1], result.summary["customer_share"][:-1]):
        bound += share
        ax.axvline(bound, color="#D55E00", lw=0.8, ls="--")
        ax.text(bound + 0.004, 0.98, _("{tier}: top {share}").format(tier=translate(str(tier)), share=f"{bound:.0%}"),
                rotation=90, ha="left", va="top",
                fontsize=8, color="#D55E00", fontfamily=_families())
    ax.scatter([0.2], [result.top20_share], color="black", zorder=4)
    ax.annotate(_("top 20 % of customers: {share} of value").format(share=f"{result.top20_share:.0%}"),
                (0.2, result.top20_share), xytext=(0.3, result.top20_share - 0.12), fontsize=10,
                fontfamily=_families(),
                arrowprops={"arrowstyle": "-", "color": "0.4", "lw": 0.8})
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_xlabel(_("Customers, most valuable first (cumulative share)"))
    ax.set_ylabel(_("Cumulative share of value"))
    ax.legend(loc="lower right", prop=_legend_font())
    _title(ax, _("Value concentration (Pareto curve, 二八定律)"), fontsize=11)
    return ax


def cohort_plot(result, ax=None):
    """Per customer: present value of each period's margin (bars) and cumulative CLV (line)."""
    _checks.plot_args(locals(), result=('CohortCLV',))  # the input policy, by parameter name
    ax = _axes(ax)
    table = result.table
    periods = table.index.to_numpy()
    per_customer = table["present_value"] / result.customers
    ax.bar(periods, per_customer, color="#0072B2", alpha=0.8, label=_("present value of the period's margin"))
    ax.plot(periods, table["cumulative_clv"], color="#D55E00", marker="o", lw=2,
            label=_("cumulative CLV net of acquisition cost") if result.acquisition_cost else _("cumulative CLV"))
    ax.axhline(0, color="0.3", lw=0.8)
    for x, v in zip(periods, table["cumulative_clv"]):
        ax.annotate(f"{v:,.0f}", (x, v), xytext=(-6, 6), textcoords="offset points", ha="right", fontsize=9,
                    color="#D55E00", bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "alpha": 0.8,
                                           "edgecolor": "none"})
    ax.set_xticks(periods)
    ax.set_xlabel(_("Period"))
    ax.set_ylabel(_("Value per customer (present value)"))
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    low = min(0.0, float(table["cumulative_clv"].min()), float(per_customer.min()))
    high = max(float(table["cumulative_clv"].max()), float(per_customer.max()))
    ax.set_ylim(low - 0.08 * (high - low), high + 0.12 * (high - low))
    ax.legend(loc="upper left", frameon=True, prop=_legend_font())
    ax.grid(axis="x", visible=False)
    _title(ax, _("Cohort value: CLV = {clv} per customer").format(clv=f"{result.clv:,.2f}"), fontsize=11)
    return ax


# ---------------------------------------------------------------------------
# RFM and BG/NBD
# ---------------------------------------------------------------------------


def rfm_heatmap(frame: pd.DataFrame, rows: str = "r", cols: str = "f", values: str | None = None,
                agg: str = "mean", ax=None, fmt: str | None = None, title: str | None = None,
                cmap: str = "Blues"):
    """Heatmap of an RFM table: customers per (rows, cols) score pair, or ``agg`` of a column.

    With ``values``, every cell also shows how many customers it holds (n = …).

    Parameters
    ----------
    frame : DataFrame
        From :func:`crmlab.customers.rfm`, possibly with extra columns (e.g. next-period purchases).
    rows, cols : str
        Score columns on the two axes (best score at the top and right).
    values : str, optional
        Column to aggregate in each cell; default counts customers.
    agg : {"mean", "sum", "median"}
    """
    _checks.plot_args(locals())  # the input policy, by parameter name
    import seaborn as sns

    from crmlab._checks import choice, columns

    columns("frame", frame, {"rows": rows, "cols": cols, **({"values": values} if values is not None else {})})
    choice("agg", agg, ("mean", "sum", "median"))
    if cmap not in plt.colormaps():
        raise fail("cmap", _("a matplotlib colour map name such as 'Blues'"), cmap)
    try:
        format(1, fmt or "d") if values is None else format(1.5, fmt or ".2f")
    except ValueError:
        raise fail("fmt", _("a format for the cell values such as '.2f' (or 'd' for counts)"), fmt) from None
    counts = pd.crosstab(frame[rows], frame[cols]).sort_index(ascending=False)
    if values is None:
        table = counts
        fmt = fmt or "d"
        annot = True
    else:
        table = frame.pivot_table(index=rows, columns=cols, values=values, aggfunc=agg, observed=False)
        fmt = fmt or ".2f"
        table = table.sort_index(ascending=False).reindex(index=counts.index, columns=counts.columns)
        # Every cell says how many customers its number rests on: a share of 3 customers is not a share of 300.
        n = counts.to_numpy()
        annot = np.array([[f"{v:{fmt}}\nn = {c:,}" if c > 0 and np.isfinite(v) else ("" if c == 0 else f"n = {c:,}")
                           for v, c in zip(row_v, row_n)] for row_v, row_n in zip(table.to_numpy(float), n)])
    table = table.sort_index(ascending=False)
    ax = _axes(ax, (7, 5))
    sns.heatmap(table, annot=annot, fmt=fmt if annot is True else "", cmap=cmap, cbar=True, ax=ax, linewidths=0.5,
                linecolor="white", annot_kws={"fontsize": 9 if annot is True else 8})
    names = {"r": _("Recency score R (higher = more recent)"), "f": _("Frequency score F (higher = more frequent)"),
             "m": _("Monetary score M (higher = larger spend)")}
    ax.set_ylabel(names.get(rows, rows))
    ax.set_xlabel(names.get(cols, cols))
    aggregate = {"mean": _("mean"), "sum": _("sum"), "median": _("median")}[agg]
    what = _("customers") if values is None else _("{agg} of {values}").format(agg=aggregate, values=values)
    _title(ax, title if title is not None else _("RFM: {what} by {rows} × {cols}").format(
        what=what, rows=rows.upper(), cols=cols.upper()), fontsize=11)
    ax.tick_params(axis="y", rotation=0)
    ax.grid(False)  # empty cells would otherwise show the theme's grid lines
    if fmt.endswith("%") and ax.collections and ax.collections[0].colorbar is not None:
        ax.collections[0].colorbar.ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    return ax


def bgnbd_plot(result, ax=None, max_frequency: int = 7):
    """Actual and expected numbers of customers by repeat purchases in the calibration period."""
    _checks.plot_args(locals(), result=('BetaGeoResult',))  # the input policy, by parameter name
    table = result.frequency_table(max_frequency)
    ax = _axes(ax)
    xpos = np.arange(len(table))
    ax.bar(xpos - 0.2, table["actual"], width=0.4, color="#0072B2", label=_("actual"))
    ax.bar(xpos + 0.2, table["expected"], width=0.4, color="#E69F00", label=_("BG/NBD expected"))
    ax.set_xticks(xpos, table.index)
    ax.set_xlabel(_("Repeat purchases in the calibration period"))
    ax.set_ylabel(_("Customers"))
    _title(ax, _("BG/NBD fit: r = {r}, α = {alpha}, a = {a}, b = {b}").format(
        r=f"{result.r:.3f}", alpha=f"{result.alpha:.3f}", a=f"{result.a:.3f}", b=f"{result.b:.3f}"), fontsize=11)
    ax.legend(prop=_legend_font())
    ax.grid(axis="x", visible=False)
    return ax


def holdout_plot(frequency, actual, predicted, ax=None, max_frequency: int = 7):
    """Mean actual and predicted purchases in a holdout period, by calibration-period repeat purchases."""
    _checks.plot_args(locals())  # the input policy, by parameter name
    frame = pd.DataFrame({"x": np.minimum(np.asarray(frequency, dtype=float), max_frequency),
                          "actual": np.asarray(actual, dtype=float), "predicted": np.asarray(predicted, dtype=float)})
    table = frame.groupby("x")[["actual", "predicted"]].mean()
    ax = _axes(ax)
    labels = [f"{int(v)}" if v < max_frequency else f"{max_frequency}+" for v in table.index]
    ax.plot(labels, table["actual"], marker="o", color="#0072B2", lw=2, label=_("actual"))
    ax.plot(labels, table["predicted"], marker="s", ls="--", color="#E69F00", lw=2, label=_("BG/NBD predicted"))
    ax.set_xlabel(_("Repeat purchases in the calibration period"))
    ax.set_ylabel(_("Mean purchases in the holdout period"))
    _title(ax, _("Conditional expectations: predicted against actual"), fontsize=11)
    ax.legend(prop=_legend_font())
    return ax
