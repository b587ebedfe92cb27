"""What the three planner widgets share: their output area and the box that holds them.

Each planner (TCO, scorecard weights, matrix explorer) shows a verdict line, a PNG
figure and an HTML table, and shows a message instead of raising when its inputs
or its drawing fail. ipywidgets is imported when a panel is built.
"""

from __future__ import annotations

import html


class Output:
    """The output area of a planner: ``verdict``, ``image`` and ``table``, stacked in ``order``."""

    def __init__(self, order: tuple[str, ...] = ("verdict", "image", "table")):
        import ipywidgets as w

        self.verdict = w.HTML()
        self.verdict.add_class("crmlab-verdict")
        self.image = w.Image(format="png", layout=w.Layout(width="auto", max_width="720px"))
        self.table = w.HTML()
        self.box = w.VBox([getattr(self, name) for name in order])
        self.box.add_class("crmlab-planner-output")

    def fail(self, problem) -> None:
        """Clear the figure and the table and say what is wrong (a message, or an exception)."""
        text = problem if isinstance(problem, str) else (str(problem) or type(problem).__name__)
        self.image.value = b""
        self.table.value = ""
        self.verdict.value = f"<div style='color:#b2182b'>✘ {html.escape(text)}</div>"

    def show(self, draw, table) -> bool:
        """Put ``draw()``'s PNG and ``table()``'s HTML on screen; False (and the error shown) if either fails."""
        try:
            self.image.value = draw()
            self.table.value = table()
        except Exception as exc:  # drawing must not break the notebook
            self.fail(exc)
            return False
        return True


def panel(title: str, rows: list, output: Output, controls: dict, reset=None):
    """The planner's VBox: the ``title`` (HTML), its ``rows`` of controls, ``reset`` and the output area.

    The box carries handles for tests, benchmarks and instructors: ``controls``, ``reset_button``,
    ``verdict``, ``image`` and ``table``.
    """
    import ipywidgets as w

    box = w.VBox([w.HTML(title), *rows, *([reset] if reset is not None else []), output.box])
    box.add_class("crmlab-planner")
    box.controls = controls
    box.reset_button = reset
    box.verdict, box.image, box.table = output.verdict, output.image, output.table
    return box
