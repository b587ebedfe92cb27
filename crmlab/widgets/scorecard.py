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
import math
from dataclasses import dataclass, field

import pandas as pd

from crmlab import scorecard as _scorecard
from crmlab.i18n import N_, translate
from crmlab.i18n import gettext as _
from crmlab.widgets import _panel, _svg

__all__ = ["weights_view", "WeightsView", "scorecard_weights"]

#: Colours of the statuses (crmlab.plots.STATUS_COLOURS) and of a perspective without data.
_NO_DATA = "#BBBBBB"
_STATUSES = ("on track", "at risk", "off track")
# The perspectives as a verdict sentence names them.
_SHORT = {"financial": N_("financial"), "customer": N_("customer"), "internal_process": N_("internal process"),
          "learning_growth": N_("learning & growth")}
_COLUMNS = {"name": N_("name"), "weight": N_("weight"), "achievement": N_("achievement"),
            "contribution": N_("contribution"), "status": N_("status")}


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
            return WeightsView(False, _("card must be a Scorecard (from crmlab.scorecard.from_frame); "
                                        "got {type}").format(type=type(card).__name__))
        if weights is None:
            weights = card.perspective_weights.to_dict()
        if not hasattr(weights, "items"):
            return WeightsView(False, _("weights must map perspectives to numbers; got {type}").format(
                type=type(weights).__name__))
        raw = {}
        for key, value in weights.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                return WeightsView(False, _("The weight of {key} must be a finite number; got {value}.").format(
                    key=key, value=repr(value)))
            if value < 0:
                return WeightsView(False, _("The weight of {key} must not be negative; got {value}.").format(
                    key=key, value=f"{value:g}"))
            raw[key] = float(value)
        total = sum(raw.values())
        if total <= 0:
            return WeightsView(False, _("Set at least one weight above 0."))
        normalised = {k: v / total for k, v in raw.items()}
        new = card.reweight(normalised)
    except Exception as exc:  # the planner shows any problem as text instead of raising
        return WeightsView(False, str(exc) or type(exc).__name__)
    shown = new.perspective_weights
    weakest = new.by_perspective()["contribution"].sub(shown).idxmin()
    printed = _scorecard.percent_label(new.total, thresholds=new.thresholds)
    where = _(_SHORT[weakest]) if weakest in _SHORT else str(weakest)
    message = _("Total score {total} of target ({status}). The largest shortfall is in {perspective}.").format(
        total=printed, status=translate(new.status), perspective=where)
    return WeightsView(True, message, shown, new)


def _two_lines(name: str) -> str:
    """'Internal process 内部流程' → English on one line, Chinese on the next (as the matplotlib figure writes it)."""
    head, _sep, tail = str(name).rpartition(" ")
    return f"{head}\n{tail}" if head else tail


def figure_svg(card: _scorecard.Scorecard, perspectives: pd.DataFrame | None = None) -> str:
    """Each perspective's weight (outline) and weighted contribution (filled, by status), as an SVG.

    The figure of ``crmlab.plots.evaluation.scorecard_plot(card, by="contribution")``.

    >>> svg = figure_svg(weights_view().card)
    >>> svg.count('class="crmlab-svg-bar"'), "Contribution to the total score: 0.924 (at risk)" in svg
    (4, True)
    """
    from crmlab.plots import STATUS_COLOURS

    colours = {**STATUS_COLOURS, "no data": _NO_DATA}
    p = card.by_perspective() if perspectives is None else perspectives
    weights, contributions = p["weight"].to_numpy(dtype=float), p["contribution"].to_numpy(dtype=float)
    labels = [_("{contribution} of {weight}").format(contribution=f"{c:.3f}", weight=f"{w:.2f}")
              if math.isfinite(c) and math.isfinite(w) else _("n/a") for w, c in zip(weights, contributions)]
    legend = [("outline", "#555555", _("weight"))] + [
        ("fill", colours[s], _("contribution, {status}").format(status=translate(s))) for s in _STATUSES]
    return _svg.bar_chart([_two_lines(translate(n)) for n in p["name"]], contributions.tolist(),
                          [colours.get(s, _NO_DATA) for s in p["status"]], outline=weights.tolist(),
                          labels=labels, legend=legend,
                          title=_("Contribution to the total score: {total} ({status})").format(
                              total=f"{card.total:.3f}", status=translate(card.status)),
                          ylabel=_("weight (outline) and weight × achievement"), no_data=_("nothing to draw"))


# Inline cell padding: a widget's HTML is not styled like a notebook's tables in every front end.
_CELL = "padding:2px 12px 2px 0"
_NUM = _CELL + ";text-align:right"


def _table_html(card: _scorecard.Scorecard, perspectives: pd.DataFrame | None = None) -> str:
    """The perspectives' weight, achievement, contribution and status as an HTML table (written directly:
    pandas' ``to_html`` took a third of an update)."""
    p = card.by_perspective() if perspectives is None else perspectives
    head = "".join(f"<th style='{_CELL};text-align:left'>{html.escape(_(label))}</th>" for label in _COLUMNS.values())

    def number(x) -> str:
        return f"{x:.3f}" if isinstance(x, (int, float)) and math.isfinite(x) else html.escape(_("n/a"))

    rows = "".join(
        f"<tr><td style='{_CELL}'>{html.escape(translate(str(name)))}</td><td style='{_NUM}'>{number(w)}</td>"
        f"<td style='{_NUM}'>{number(a)}</td><td style='{_NUM}'>{number(c)}</td>"
        f"<td style='{_CELL}'>{html.escape(translate(str(status)))}</td></tr>"
        for name, w, a, c, status in zip(p["name"], p["weight"], p["achievement"], p["contribution"], p["status"]))
    return (f"<table border='0' class='dataframe crmlab-scorecard-table' style='border-collapse:collapse'>"
            f"<thead><tr style='text-align:right'>{head}</tr></thead><tbody>{rows}</tbody></table>")


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
                               description=translate(_scorecard.PERSPECTIVE_NAMES[perspective]),
                               style={"description_width": "17em"}, layout=w.Layout(width="38em"),
                               continuous_update=True, readout_format=".2f")
        share = w.HTML()
        sliders[perspective] = slider
        shares[perspective] = share
        rows.append(w.HBox([slider, share]))
    reset = w.Button(description=_("Reset weights"), icon="undo")
    output = _panel.Output()

    def render():
        view = weights_view(base, {p: s.value for p, s in sliders.items()})
        if not view.ok:
            for share in shares.values():
                output.put(share, "")
            output.fail(view.message)
            return
        perspectives = view.card.by_perspective()  # once for the figure and the table
        # The figure and the table first: each value is a message of its own, and they are what the eye follows.
        output.show(lambda: figure_svg(view.card, perspectives), lambda: _table_html(view.card, perspectives),
                    f"<div><b>{html.escape(view.message)}</b></div>")
        for p, share in shares.items():
            text = _("→ {share} of the total").format(share=f"{view.weights.get(p, 0.0):.1%}")
            output.put(share, f"<span style='color:#555'>{html.escape(text)}</span>")

    live = _panel.Live(render)

    def on_reset(_button=None):
        for p, s in sliders.items():
            s.unobserve(live, names="value")
            s.value = round(float(start[p]), 2)
            s.observe(live, names="value")
        live.now()

    for slider in sliders.values():
        slider.observe(live, names="value")
    reset.on_click(on_reset)
    live.now()
    title = (f"<b>{html.escape(_('Scorecard weights planner'))}</b>: "
             + html.escape(_("how much should each perspective count? Slider values are relative and renormalised "
                             "to sum to 1."), quote=False))
    return _panel.panel(title, rows, output, sliders, reset, live)
