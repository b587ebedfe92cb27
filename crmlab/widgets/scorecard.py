"""Scorecard weights planner: move the perspective weights and watch the total score change.

The computation is the pure function :func:`weights_view`; :func:`scorecard_weights`
only renders it with ipywidgets (imported when the widget is built). Slider values
are renormalised to sum to 1, so students can think in relative importance.

Examples
--------
>>> view = weights_view(weights={"financial": 1, "customer": 1, "internal_process": 1, "learning_growth": 1})
>>> view.ok, view.weights.round(2).tolist(), round(view.total, 4)
(True, [0.25, 0.25, 0.25, 0.25], 0.9107)
>>> weights_view(weights={"financial": 0, "customer": 0}).message
'Set at least one weight above 0.'
"""

from __future__ import annotations

import html
import io
import math
from dataclasses import dataclass, field

import pandas as pd

from crmlab import scorecard as _scorecard
from crmlab.widgets import _panel

__all__ = ["weights_view", "WeightsView", "scorecard_weights"]


@dataclass(frozen=True, eq=False)
class WeightsView:
    """What the planner shows: normalised weights, the reweighted scorecard and its total, or a message."""

    ok: bool
    message: str
    weights: pd.Series | None = field(default=None)
    card: _scorecard.Scorecard | None = field(default=None, repr=False)

    @property
    def total(self) -> float | None:
        """Total score of the reweighted scorecard (None when the input was unusable)."""
        return None if self.card is None else self.card.total


def _default_card() -> _scorecard.Scorecard:
    from crmlab import datasets

    return _scorecard.from_frame(datasets.load("crm_scorecard"))


def weights_view(card: _scorecard.Scorecard | None = None, weights=None) -> WeightsView:
    """Reweight ``card``'s perspectives by ``weights`` (renormalised to sum 1); never raises.

    Parameters
    ----------
    card : Scorecard, optional
        Default: the ``crm_scorecard`` dataset.
    weights : mapping, optional
        Perspective → relative weight (any non-negative numbers; they are divided
        by their sum). Perspectives left out keep weight 0. Default: the card's own weights.

    Returns
    -------
    WeightsView
        ``ok``, a ``message`` (the verdict or what is wrong), the normalised
        ``weights``, the reweighted ``card`` and its ``total``.
    """
    try:
        if card is None:
            card = _default_card()
        if not isinstance(card, _scorecard.Scorecard):
            return WeightsView(False, f"card must be a Scorecard (from crmlab.scorecard.from_frame); "
                                      f"got {type(card).__name__}")
        if weights is None:
            weights = card.perspective_weights.to_dict()
        if not hasattr(weights, "items"):
            return WeightsView(False, f"weights must map perspectives to numbers; got {type(weights).__name__}")
        raw = {}
        for key, value in weights.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                return WeightsView(False, f"The weight of {key} must be a finite number; got {value!r}.")
            if value < 0:
                return WeightsView(False, f"The weight of {key} must not be negative; got {value:g}.")
            raw[key] = float(value)
        total = sum(raw.values())
        if total <= 0:
            return WeightsView(False, "Set at least one weight above 0.")
        normalised = {k: v / total for k, v in raw.items()}
        new = card.reweight(normalised)
    except Exception as exc:  # the planner shows any problem as text instead of raising
        return WeightsView(False, str(exc) or type(exc).__name__)
    shown = new.perspective_weights
    weakest = new.by_perspective()["contribution"].sub(shown).idxmin()
    printed = _scorecard.percent_label(new.total, thresholds=new.thresholds)
    message = (f"Total score {printed} of target ({new.status}). "
               f"The largest shortfall is in {_scorecard.PERSPECTIVE_NAMES[weakest].rsplit(' ', 1)[0].lower()}.")
    return WeightsView(True, message, shown, new)


def _png(card: _scorecard.Scorecard) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from crmlab.plots.evaluation import scorecard_plot

    fig = Figure(figsize=(8, 4.5), dpi=90)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    scorecard_plot(card, ax=ax, by="contribution")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


def _table_html(card: _scorecard.Scorecard) -> str:
    table = card.by_perspective()[["name", "weight", "achievement", "contribution", "status"]]
    return table.to_html(float_format=lambda x: f"{x:.3f}", border=0, index=False, classes="crmlab-scorecard-table")


def scorecard_weights(card: _scorecard.Scorecard | None = None):
    """Interactive planner: one slider per perspective; the total score and a bar chart follow.

    Slider values are relative weights, renormalised to sum to 1 (shown beside
    each slider). Returns an ipywidgets VBox (CSS class ``crmlab-planner``) whose
    output area (class ``crmlab-planner-output``) holds the verdict, the chart and
    the table. Whatever the sliders show, it displays a message rather than raising.
    """
    import ipywidgets as w

    try:
        base = _default_card() if card is None else card
        start = base.perspective_weights
    except Exception as exc:  # a broken card still gives a widget that says what is wrong
        box = w.VBox([w.HTML(f"<div style='color:#b2182b'>✘ {html.escape(str(exc))}</div>")])
        box.add_class("crmlab-planner")
        return box
    sliders = {}
    shares = {}
    rows = []
    for perspective, weight in start.items():
        slider = w.FloatSlider(value=round(float(weight), 2), min=0.0, max=1.0, step=0.01,
                               description=_scorecard.PERSPECTIVE_NAMES[perspective],
                               style={"description_width": "17em"}, layout=w.Layout(width="38em"),
                               continuous_update=False, readout_format=".2f")
        share = w.HTML()
        sliders[perspective] = slider
        shares[perspective] = share
        rows.append(w.HBox([slider, share]))
    reset = w.Button(description="Reset weights", icon="undo")
    output = _panel.Output()

    def update(_change=None):
        view = weights_view(base, {p: s.value for p, s in sliders.items()})
        if not view.ok:
            for share in shares.values():
                share.value = ""
            output.fail(view.message)
            return
        for p, share in shares.items():
            share.value = f"<span style='color:#555'>→ {view.weights.get(p, 0.0):.1%} of the total</span>"
        if output.show(lambda: _png(view.card), lambda: _table_html(view.card)):
            output.verdict.value = f"<div><b>{html.escape(view.message)}</b></div>"

    def on_reset(_button=None):
        for p, s in sliders.items():
            s.value = round(float(start[p]), 2)
        update()

    for slider in sliders.values():
        slider.observe(update, names="value")
    reset.on_click(on_reset)
    update()
    box = _panel.panel("<b>Scorecard weights planner</b>: how much should each perspective count? "
                       "Slider values are relative and renormalised to sum to 1.", rows, output, sliders, reset)
    return box
