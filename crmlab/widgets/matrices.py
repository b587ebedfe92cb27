"""Matrix explorer: move the crosshair of a performance matrix and watch the quadrants change.

The computation is the pure function :func:`matrix_view`; :func:`matrix_explorer`
only renders it with ipywidgets (imported when the widget is built).

Examples
--------
>>> view = matrix_view(kind="pem", convention="median")
>>> view.ok, sorted(view.frame["quadrant"].value_counts().items())[:1]
(True, [('concentrate here', 4)])
>>> matrix_view(kind="pem", convention="point", importance=float("nan")).message
'importance cut must be a finite number; got nan'
>>> matrix_view(kind="pem", convention="point", importance=6).message
'importance cut 6 is off the 1–5 rating scale: type a value from 1 to 5'
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crmlab import matrices
from crmlab.i18n import N_, pgettext, translate
from crmlab.i18n import gettext as _
from crmlab.plots import QUADRANT_COLOURS, QUADRANT_LAYOUT
from crmlab.widgets import _panel, _svg

__all__ = ["matrix_view", "MatrixView", "matrix_explorer"]

_KINDS = {"pem": N_("Performance-evaluation matrix (PEM)"), "rpm": N_("Relative-performance matrix (RPM)")}
_CONVENTIONS = {"mean": N_("mean of the attributes"), "median": N_("median of the attributes"),
                "point": N_("a fixed point")}
# The quadrants' colours and order, shared with crmlab.plots.customers (crmlab.plots imports no matplotlib).
_LAYOUT = QUADRANT_LAYOUT
_COLUMNS = {"name": N_("name"), "importance": N_("importance"), "performance": N_("performance"),
            "gap": N_("gap"), "quadrant": N_("quadrant")}


@dataclass(frozen=True)
class MatrixView:
    """What the explorer shows: the classified frame (or None) and a message."""

    ok: bool
    message: str
    frame: pd.DataFrame | None = field(default=None, compare=False)
    changed: tuple = ()


def _default_table() -> pd.DataFrame:
    from crmlab import datasets

    names = datasets.load("service_attributes").set_index("attribute")["name"]
    return matrices.attribute_table(datasets.load("service_survey"), names=names)


def _label(frame: pd.DataFrame, key) -> str:
    return str(frame.at[key, "name"]) if "name" in frame.columns else str(key)


def matrix_view(table: pd.DataFrame | None = None, kind: str = "pem", convention: str = "mean",
                importance: float = 3.0, performance: float = 3.0, *, scale: tuple = (1, 5)) -> MatrixView:
    """Classify ``table`` with the chosen matrix and crosshair; never raises.

    Parameters
    ----------
    table : DataFrame, optional
        Attribute table with ``importance``, ``performance`` (= ``own``) and
        ``competitor`` columns, as from :func:`crmlab.matrices.attribute_table`;
        default: the ``service_survey`` dataset.
    kind : {"pem", "rpm"}
    convention : {"mean", "median", "point"}
        Where the crosshair sits; "point" uses ``importance`` (and, for the PEM, ``performance``).
    importance, performance : float
        The fixed crosshair point (used only when ``convention="point"``); it must lie
        on the rating ``scale``: a crosshair off the scale puts every attribute on one side.
    scale : (float, float)
        Lowest and highest rating of the survey (default 1–5).

    Returns
    -------
    MatrixView
        ``ok``, a ``message`` (the verdict or what is wrong), the classified ``frame``
        and ``changed``: attributes whose quadrant differs from the mean crosshair.
    """
    try:
        if table is None:
            table = _default_table()
        if not isinstance(table, pd.DataFrame):
            return MatrixView(False, _("table must be a pandas DataFrame (an attribute table, e.g. from "
                                       "crmlab.matrices.attribute_table); got {type}").format(
                type=type(table).__name__))
        if not table.index.is_unique:
            return MatrixView(False, _("table must have one row per attribute (a unique index); {key} appears "
                                       "twice").format(key=repr(table.index[table.index.duplicated()][0])))
        if not isinstance(kind, str) or kind not in _KINDS:
            return MatrixView(False, _("kind must be one of {choices}; got {value}").format(
                choices=", ".join(map(repr, _KINDS)), value=repr(kind)))
        if not isinstance(convention, str) or convention not in _CONVENTIONS:
            return MatrixView(False, _("convention must be one of {choices}; got {value}").format(
                choices=", ".join(map(repr, _CONVENTIONS)), value=repr(convention)))
        low, high = scale
        for name, value in ((N_("importance cut"), importance), (N_("performance cut"), performance)):
            if convention != "point" or (kind == "rpm" and name == "performance cut"):
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                return MatrixView(False, _("{name} must be a finite number; got {value}").format(
                    name=_(name), value=repr(value)))
            if not low <= value <= high:
                return MatrixView(False, _("{name} {value} is off the {low}–{high} rating scale: type a value from "
                                           "{low} to {high}").format(name=_(name), value=f"{value:g}",
                                                                     low=f"{low:g}", high=f"{high:g}"))
        if kind == "pem":
            crosshair = (importance, performance) if convention == "point" else convention
            frame = matrices.pem(table, crosshair=crosshair)
            baseline = matrices.pem(table, crosshair="mean")
        else:
            crosshair = importance if convention == "point" else convention
            frame = matrices.rpm(table, own="performance" if "own" not in table.columns else "own",
                                 crosshair=crosshair)
            baseline = matrices.rpm(table, own="performance" if "own" not in table.columns else "own",
                                    crosshair="mean")
    except Exception as exc:  # the widget shows any problem as text instead of raising
        return MatrixView(False, str(exc) or type(exc).__name__)
    changed = tuple(k for k in frame.index if frame.at[k, "quadrant"] != baseline.at[k, "quadrant"])
    first = frame["quadrant"].cat.categories[0]
    urgent = [_label(frame, k) for k in frame.index[(frame["quadrant"] == first).to_numpy()]]
    parts = [_("{quadrant}: {names}.").format(quadrant=translate(str(first)).capitalize(),
                                              names=", ".join(urgent) if urgent else pgettext("no attribute", "none"))]
    if convention != "mean":
        parts.append(_("{n} attribute(s) change quadrant compared with the mean crosshair: {names}.").format(
            n=len(changed), names=", ".join(_label(frame, k) for k in changed)) if changed
            else _("Same verdict as the mean crosshair."))
    message = " ".join(parts)
    return MatrixView(True, message.strip(), frame, changed)


def _limits(values: np.ndarray, cut: float, pad_share: float = 0.15) -> tuple[float, float]:
    """The axis range of crmlab.plots.customers.matrix_plot: the data and the cut, padded by ``pad_share``."""
    lo, hi = min(values.min(), cut), max(values.max(), cut)
    span = hi - lo if hi > lo else 1.0
    return lo - pad_share * span, hi + pad_share * span


def _title(kind: str, convention: str, cut_y: float, cut_x: float) -> str:
    point = f"({cut_y:g}, {cut_x:g})"
    if kind == "pem":
        return {"mean": _("Performance-evaluation matrix (绩效评估矩阵), crosshair at the means"),
                "median": _("Performance-evaluation matrix (绩效评估矩阵), crosshair at the medians"),
                }.get(convention) or _("Performance-evaluation matrix (绩效评估矩阵), crosshair at {point}").format(
            point=point)
    return {"mean": _("Relative-performance matrix (相对绩效矩阵), importance split at the means"),
            "median": _("Relative-performance matrix (相对绩效矩阵), importance split at the medians"),
            }.get(convention) or _("Relative-performance matrix (相对绩效矩阵), importance split at {point}").format(
        point=point)


def figure_svg(frame: pd.DataFrame) -> str:
    """A classified PEM or RPM frame as an SVG: shaded, named quadrants, the crosshair and labelled points.

    What ``crmlab.plots.customers.matrix_plot`` draws for a frame of :func:`crmlab.matrices.pem`
    or :func:`~crmlab.matrices.rpm`; no two point labels overlap.

    >>> svg = figure_svg(matrix_view().frame)
    >>> svg.count('class="crmlab-svg-point"'), "concentrate here" in svg
    (10, True)
    """
    info = frame.attrs["crmlab_matrix"]
    kind = info["kind"]
    xs = frame[info["x"]].to_numpy(dtype=float)
    ys = frame[info["y"]].to_numpy(dtype=float)
    cut_y, cut_x = float(info["crosshair"][0]), float(info["crosshair"][1])
    finite = np.isfinite(xs) & np.isfinite(ys)
    if not finite.any() or not (math.isfinite(cut_x) and math.isfinite(cut_y)):
        xlim = ylim = (math.nan, math.nan)
    else:
        xlim, ylim = _limits(xs[finite], cut_x), _limits(ys[finite], cut_y)
    labels = [str(v) for v in (frame["name"] if "name" in frame.columns else frame.index)]
    colours = [QUADRANT_COLOURS.get(str(q), "#7f7f7f") for q in frame["quadrant"]]
    if kind == "pem":
        xlabel = _("Performance (rated by customers) — crosshair at {cut}").format(cut=f"{cut_x:.2f}")
    else:
        xlabel = _("Gap to competitor (own − competitor performance)")
    ylabel = _("Importance — crosshair at {cut}").format(cut=f"{cut_y:.2f}")
    quadrants = [(translate(name), QUADRANT_COLOURS[name]) for name in _LAYOUT[kind]]
    return _svg.scatter_chart(xs.tolist(), ys.tolist(), labels, colours, xlim=xlim, ylim=ylim, cut=(cut_x, cut_y),
                              quadrants=quadrants, title=_title(kind, info.get("convention", "point"), cut_y, cut_x),
                              xlabel=xlabel, ylabel=ylabel, no_data=_("nothing to draw"))


def _table_html(frame: pd.DataFrame) -> str:
    info = frame.attrs["crmlab_matrix"]
    cols = [c for c in ("name", info["importance"], info["x"], "quadrant") if c in frame.columns]
    shown = frame[cols].sort_values(info["importance"], ascending=False)
    shown = shown.assign(quadrant=[translate(str(q)) for q in shown["quadrant"]]) if "quadrant" in cols else shown
    shown = shown.rename(columns={c: _(_COLUMNS[c]) for c in cols if c in _COLUMNS})
    table = shown.to_html(float_format=lambda x: f"{x:.2f}", border=0, classes="crmlab-matrix-table")
    # Inline cell padding: a widget's HTML is not styled like a notebook's tables in every front end.
    return table.replace("<td>", "<td style='padding:2px 12px 2px 0'>").replace(
        "<th>", "<th style='padding:2px 12px 2px 0;text-align:left'>")


def _slider_range(scale) -> tuple[float, float]:
    """The cut sliders' range: the rating ``scale`` when it is two finite numbers, low < high; else 1–5."""
    try:
        low, high = float(scale[0]), float(scale[1])
    except (TypeError, ValueError, IndexError, KeyError, OverflowError):
        return 1.0, 5.0
    return (low, high) if math.isfinite(low) and math.isfinite(high) and low < high else (1.0, 5.0)


def matrix_explorer(table: pd.DataFrame | None = None, kind: str = "pem", *, scale: tuple = (1, 5)):
    """Interactive matrix: choose PEM or RPM and the crosshair convention or point; see the quadrants change.

    With the fixed-point convention the importance and performance cuts are sliders over the
    rating ``scale`` (default 1–5): drag them and the crosshair and the quadrants follow.
    Returns an ipywidgets VBox (CSS class ``crmlab-planner``) whose output area
    (class ``crmlab-planner-output``) holds the figure, the verdict and the table.
    Whatever is chosen, it shows a message rather than raising; a fixed crosshair off the
    rating ``scale`` is refused with a message.
    """
    import ipywidgets as w

    data = table
    if data is None:
        try:  # once, not on every update
            data = _default_table()
        except Exception:  # noqa: BLE001 - matrix_view loads it again and shows the problem
            data = None
    kind_box = w.ToggleButtons(options=[(_("PEM: importance × performance"), "pem"),
                                        (_("RPM: importance × gap to competitor"), "rpm")],
                               value=kind if isinstance(kind, str) and kind in _KINDS else "pem",
                               description=_("Matrix"), style={"button_width": "auto"})
    convention = w.Dropdown(options=[(pgettext("crosshair", "mean"), "mean"), (pgettext("crosshair", "median"), "median"),
                                     (_("fixed point"), "point")],
                            value="mean", description=_("Crosshair"))
    low, high = _slider_range(scale)
    middle = min(max(3.0, low), high)
    imp_cut = w.FloatSlider(value=middle, min=low, max=high, step=0.05, description=_("Importance cut"),
                            disabled=True, continuous_update=True, readout_format=".2f",
                            style={"description_width": "initial"})
    perf_cut = w.FloatSlider(value=middle, min=low, max=high, step=0.05, description=_("Performance cut"),
                             disabled=True, continuous_update=True, readout_format=".2f",
                             style={"description_width": "initial"})
    output = _panel.Output(order=("figure", "verdict", "table"))

    def render():
        imp_cut.disabled = convention.value != "point"
        perf_cut.disabled = convention.value != "point" or kind_box.value == "rpm"
        view = matrix_view(data, kind_box.value, convention.value, imp_cut.value, perf_cut.value, scale=scale)
        if not view.ok:
            output.fail(view.message)
            return
        output.show(lambda: figure_svg(view.frame), lambda: _table_html(view.frame),
                    f"<div>{html.escape(view.message)}</div>")

    live = _panel.Live(render)
    for control in (kind_box, convention, imp_cut, perf_cut):
        control.observe(live, names="value")
    live.now()
    controls = {"kind": kind_box, "convention": convention, "importance": imp_cut, "performance": perf_cut}
    title = (f"<b>{html.escape(_('Matrix explorer'))}</b>: "
             + html.escape(_("move the crosshair and watch the quadrants change."), quote=False))
    return _panel.panel(title, [kind_box, w.HBox([convention, imp_cut, perf_cut])], output, controls, live=live)
