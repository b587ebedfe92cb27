"""What the three planner widgets share: their output area, the box that holds them, and live updates.

Each planner (TCO, scorecard weights, matrix explorer) shows a verdict line, an SVG
figure (written by :mod:`crmlab.widgets._svg`, no matplotlib at update time) and an
HTML table, and shows a message instead of raising when its inputs or its drawing fail.
ipywidgets is imported when a panel is built.

Updates follow the hand: sliders send every position while they are dragged, and no
backlog builds up, for two reasons. The front end sends a widget's changes one at a time
(ipywidgets' ``msg_throttle``: a new position waits for the kernel to finish the last one
and merges with any later position, so the last one always wins). And :class:`Live`
coalesces what reaches the kernel anyway: in a kernel (an asyncio loop is running) a change
only marks the planner dirty and schedules one update with ``loop.call_soon``; that update
reads the controls' current values, so positions that arrived meanwhile are not drawn.
Without a running loop (tests, the book build, doctests) it updates at once. A value
that is already on screen is never sent again.
"""

from __future__ import annotations

import asyncio
import html


class Part:
    """One part of a planner's output (its ``verdict``, ``figure`` or ``table``): HTML in ``value``.

    The three parts are drawn by one HTML widget, ``view`` (each in a ``div`` of class
    ``crmlab-verdict``, ``crmlab-planner-figure`` or ``crmlab-planner-table``), so that an
    update crosses to the page as one message, not three: in JupyterLab each widget message
    costs the page about 10 ms. ``model_id`` is the view's.
    """

    def __init__(self, output: "Output", name: str):
        self._output, self.name, self._value = output, name, ""

    @property
    def value(self) -> str:
        return self._value

    @value.setter
    def value(self, text: str) -> None:
        self._output.put(self, text)

    @property
    def model_id(self) -> str:
        return self._output.view.model_id


_CSS = {"verdict": "crmlab-verdict", "figure": "crmlab-planner-figure", "table": "crmlab-planner-table"}


class Output:
    """The output area of a planner: ``verdict``, ``figure`` (an SVG) and ``table``, stacked in ``order``."""

    def __init__(self, order: tuple[str, ...] = ("verdict", "figure", "table")):
        import ipywidgets as w

        self.order = tuple("figure" if name == "image" else name for name in order)
        self.verdict, self.figure, self.table = (Part(self, name) for name in ("verdict", "figure", "table"))
        self.image = self.figure  # the name the PNG figure had
        self.view = w.HTML(layout=w.Layout(width="auto"))
        self.box = w.VBox([self.view])
        self.box.add_class("crmlab-planner-output")
        self._batch = 0

    def _html(self) -> str:
        parts = []
        for name in self.order:
            style = " style='max-width:720px'" if name == "figure" else ""
            parts.append(f"<div class='{_CSS[name]}'{style}>{getattr(self, name).value}</div>")
        return "".join(parts)

    def _send(self) -> None:
        text = self._html()
        if self.view.value != text:  # an unchanged output sends nothing to the page
            self.view.value = text

    def put(self, widget, value: str) -> None:
        """Set ``widget.value`` (a part of this output, or any widget) unless it already shows ``value``."""
        if isinstance(widget, Part):
            if widget._value != value:
                widget._value = value
                if not self._batch:
                    self._send()
        elif widget.value != value:
            widget.value = value

    def _update(self, **parts) -> None:
        self._batch += 1
        try:
            for name, text in parts.items():
                self.put(getattr(self, name), text)
        finally:
            self._batch -= 1
        self._send()

    def fail(self, problem) -> None:
        """Clear the figure and the table and say what is wrong (a message, or an exception)."""
        text = problem if isinstance(problem, str) else (str(problem) or type(problem).__name__)
        self._update(figure="", table="", verdict=f"<div style='color:#b2182b'>✘ {html.escape(text)}</div>")

    def show(self, draw, table, verdict: str) -> bool:
        """Put ``draw()``'s SVG, ``table()``'s HTML and ``verdict`` on screen; False (the error shown) if one fails."""
        try:
            svg, rows = draw(), table()
        except Exception as exc:  # drawing must not break the notebook
            self.fail(exc)
            return False
        self._update(figure=svg, table=rows, verdict=verdict)
        return True


def running_loop():
    """The asyncio loop running in this thread (a kernel's), or None (a plain script, a test, the book build)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class Live:
    """A planner's observer that coalesces control changes into one update of the output.

    Call it as a traitlets observer: with a running loop it schedules ``render`` once, at the
    loop's next turn (a second change before it runs schedules nothing more, and the render
    reads the controls' latest values). Without a running loop it renders now. :meth:`now` renders at
    once, whatever is pending; ``renders`` counts the renders done.
    """

    def __init__(self, render):
        self._render = render
        self.pending = False
        self.renders = 0

    def __call__(self, _change=None) -> None:
        loop = running_loop()
        if loop is None:
            self.now()
            return
        if self.pending:
            return
        self.pending = True
        # No extra wait: the front end already sends a model at most one change at a time (ipywidgets'
        # msg_throttle: the next position waits for the kernel's idle and merges with later ones).
        loop.call_soon(self._scheduled)

    def _scheduled(self) -> None:
        if self.pending:
            self.now()

    def now(self, _change=None) -> None:
        self.pending = False
        self.renders += 1
        self._render()


def panel(title: str, rows: list, output: Output, controls: dict, reset=None, live: Live | None = None):
    """The planner's VBox: the ``title`` (HTML), its ``rows`` of controls, ``reset`` and the output area.

    The box carries handles for tests, benchmarks and instructors: ``controls``, ``reset_button``,
    ``verdict``, ``figure`` (also ``image``), ``table`` (the output's parts, whose HTML ``view`` shows
    them as one widget) and ``update`` (redraw now, synchronously).
    """
    import ipywidgets as w

    box = w.VBox([w.HTML(title), *rows, *([reset] if reset is not None else []), output.box])
    box.add_class("crmlab-planner")
    box.controls = controls
    box.reset_button = reset
    box.verdict, box.figure, box.table = output.verdict, output.figure, output.table
    box.view = output.view
    box.image = output.figure
    if live is not None:
        box.update = live.now
        box.live = live
    return box
