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
import io
import math
import warnings
from dataclasses import dataclass, field

import pandas as pd

from crmlab import matrices
from crmlab.widgets import _panel

__all__ = ["matrix_view", "MatrixView", "matrix_explorer"]

_KINDS = {"pem": "Performance-evaluation matrix (PEM)", "rpm": "Relative-performance matrix (RPM)"}
_CONVENTIONS = {"mean": "mean of the attributes", "median": "median of the attributes", "point": "a fixed point"}


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
            return MatrixView(False, "table must be a pandas DataFrame (an attribute table, e.g. from "
                                     f"crmlab.matrices.attribute_table); got {type(table).__name__}")
        if not table.index.is_unique:
            return MatrixView(False, "table must have one row per attribute (a unique index); "
                                     f"{table.index[table.index.duplicated()][0]!r} appears twice")
        if not isinstance(kind, str) or kind not in _KINDS:
            return MatrixView(False, f"kind must be one of {', '.join(map(repr, _KINDS))}; got {kind!r}")
        if not isinstance(convention, str) or convention not in _CONVENTIONS:
            return MatrixView(False, f"convention must be one of {', '.join(map(repr, _CONVENTIONS))}; "
                                     f"got {convention!r}")
        low, high = scale
        for name, value in (("importance cut", importance), ("performance cut", performance)):
            if convention != "point" or (kind == "rpm" and name == "performance cut"):
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                return MatrixView(False, f"{name} must be a finite number; got {value!r}")
            if not low <= value <= high:
                return MatrixView(False, f"{name} {value:g} is off the {low:g}–{high:g} rating scale: type a value "
                                         f"from {low:g} to {high:g}")
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
    parts = [f"{first.capitalize()}: {', '.join(urgent) if urgent else 'none'}."]
    if convention != "mean":
        parts.append(f"{len(changed)} attribute(s) change quadrant compared with the mean crosshair: "
                     + ", ".join(_label(frame, k) for k in changed) + "." if changed
                     else "Same verdict as the mean crosshair.")
    message = " ".join(parts)
    return MatrixView(True, message.strip(), frame, changed)


def _png(frame: pd.DataFrame) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from crmlab.plots.customers import matrix_plot

    fig = Figure(figsize=(8, 5), dpi=90)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # A crosshair typed far outside the data makes matplotlib's tick maths overflow; the figure is still drawn.
        warnings.simplefilter("ignore", RuntimeWarning)
        matrix_plot(frame, ax=ax)
        fig.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


def _table_html(frame: pd.DataFrame) -> str:
    info = frame.attrs["crmlab_matrix"]
    cols = [c for c in ("name", info["importance"], info["x"], "quadrant") if c in frame.columns]
    shown = frame[cols].sort_values(info["importance"], ascending=False)
    return shown.to_html(float_format=lambda x: f"{x:.2f}", border=0, classes="crmlab-matrix-table")


def matrix_explorer(table: pd.DataFrame | None = None, kind: str = "pem", *, scale: tuple = (1, 5)):
    """Interactive matrix: choose PEM or RPM and the crosshair convention or point; see the quadrants change.

    Returns an ipywidgets VBox (CSS class ``crmlab-planner``) whose output area
    (class ``crmlab-planner-output``) holds the figure, the verdict and the table.
    Whatever is chosen or typed, it shows a message rather than raising; a fixed
    crosshair off the rating ``scale`` (default 1–5) is refused with a message.
    """
    import ipywidgets as w

    data = table
    kind_box = w.ToggleButtons(options=[("PEM: importance × performance", "pem"),
                                        ("RPM: importance × gap to competitor", "rpm")],
                               value=kind if isinstance(kind, str) and kind in _KINDS else "pem", description="Matrix",
                               style={"button_width": "auto"})
    convention = w.Dropdown(options=[("mean", "mean"), ("median", "median"), ("fixed point", "point")],
                            value="mean", description="Crosshair")
    imp_cut = w.FloatText(value=3.0, step=0.1, description="Importance cut", disabled=True,
                          style={"description_width": "initial"})
    perf_cut = w.FloatText(value=3.0, step=0.1, description="Performance cut", disabled=True,
                           style={"description_width": "initial"})
    output = _panel.Output(order=("image", "verdict", "table"))

    def update(_change=None):
        imp_cut.disabled = convention.value != "point"
        perf_cut.disabled = convention.value != "point" or kind_box.value == "rpm"
        view = matrix_view(data, kind_box.value, convention.value, imp_cut.value, perf_cut.value, scale=scale)
        if not view.ok:
            output.fail(view.message)
            return
        if output.show(lambda: _png(view.frame), lambda: _table_html(view.frame)):
            output.verdict.value = f"<div>{html.escape(view.message)}</div>"

    for control in (kind_box, convention, imp_cut, perf_cut):
        control.observe(update, names="value")
    update()
    controls = {"kind": kind_box, "convention": convention, "importance": imp_cut, "performance": perf_cut}
    return _panel.panel("<b>Matrix explorer</b>: move the crosshair and watch the quadrants change.",
                        [kind_box, w.HBox([convention, imp_cut, perf_cut])], output, controls)
