"""Exercises that check themselves in a static page: each exercise exported as JSON for a small JS checker.

:func:`export` turns an :class:`crmlab.exercises.Exercise` into the data
``static/crmlab-exercises.js`` needs to give the same verdict and message as
:func:`crmlab.exercises.check` (answer, tolerance, known mistakes, percent handling,
choice explanations, hint); :class:`Exporter` writes the HTML a page holds for it.
``tests/test_book.py`` runs the JS checker under node on a table of answers per
exercise and compares it with Python's verdict.

Examples
--------
>>> data = export(__import__("crmlab.exercises", fromlist=["get"]).get("ch00.percent_decimal"))
>>> data["kind"], data["percent"], data["answer"]
('number', True, 0.12)
"""

from __future__ import annotations

import html
import json

__all__ = ["export", "Exporter", "EXPORTED_KINDS"]

#: The kinds the page can check.
EXPORTED_KINDS = ("number", "choice", "multi", "labels", "judgement")


def _float(value) -> float:
    return float(value() if callable(value) else value)


def _markdown_html(text: str) -> str:
    """Markdown (a solution, a model answer) as HTML for the page; maths is left for MathJax."""
    import mistune

    return mistune.create_markdown(plugins=["table", "strikethrough"])(text) if text else ""


def export(ex) -> dict | None:
    """The JSON-ready data of one exercise for the in-page checker (``None`` for a kind it cannot check).

    ``solution_html`` is the worked solution (:func:`crmlab.exercises.solution`) as HTML; the page
    shows it only after a try, as the widget does.
    """
    from crmlab import exercises

    if ex.kind not in EXPORTED_KINDS:
        return None
    # What the widget shows behind "Show solution": the worked solution (or the explanation), or for a
    # judgement the model answer and its rubric.
    data = {"id": ex.id, "kind": ex.kind, "prompt": ex.prompt, "hint": ex.hint, "explanation": ex.explanation,
            "solution_html": _markdown_html(exercises.solution(ex.id))}
    if ex.kind == "judgement":
        data.update(model_answer=ex.model_answer, rubric=list(ex.rubric))
        return data
    expected = ex.expected
    if ex.kind == "number":
        expected = float(expected)
        data.update(answer=expected, tolerance=ex._tol(expected), percent=bool(ex.percent), unit=ex.unit,
                    scale=float(ex.scale), decimals=ex.decimals, gap_scale=bool(ex.gap_scale),
                    mistakes=[{"value": _float(m.value), "message": m.message} for m in ex.mistakes])
    elif ex.kind in ("choice", "multi"):
        data.update(answer=str(expected) if ex.kind == "choice" else [str(k) for k in expected],
                    choices=[[str(k), str(v)] for k, v in ex.choices.items()],
                    why_wrong={str(k): str(v) for k, v in ex.why_wrong.items()})
    else:
        data.update(answer=list(expected), labels=list(ex.labels), items=list(ex.items))
    return data


def _script_json(data) -> str:
    # Inside <script>, "</" would end the element early: JSON allows "<\/".
    return json.dumps(data, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")


class Exporter:
    """Writes the HTML of exercise forms; ``exported`` collects the data of every exercise written."""

    def __init__(self):
        self.exported: dict[str, dict] = {}

    def html(self, ids) -> str:
        from crmlab import exercises

        blocks = []
        for exercise_id in ids:
            ex = exercises.get(exercise_id)
            data = export(ex)
            css = "crmlab-exercise crmlab-ex-" + ex.id.replace(".", "-")
            prompt = (f"<div class='crmlab-prompt'><b>Exercise {html.escape(ex.id)}.</b> "
                      f"{html.escape(ex.prompt)}</div>")
            if data is None:
                blocks.append(f"<div class='{css} crmlab-static-widget'>{prompt}<p class='crmlab-static-note'>"
                              "Open this notebook in JupyterLab (<code>crmlab lab</code>) to answer it.</p></div>")
                continue
            self.exported[ex.id] = data
            blocks.append(f"<div class='{css}' data-exercise='{html.escape(ex.id)}'>{prompt}"
                          "<noscript><p class='crmlab-static-note'>Turn on JavaScript to check your answer here, or "
                          "open this notebook in JupyterLab.</p></noscript>"
                          f"<script type='application/json' class='crmlab-exercise-data'>{_script_json(data)}"
                          "</script></div>")
        return "".join(blocks)
