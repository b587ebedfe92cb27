"""Exercises that check themselves in a static page: each exercise exported as JSON for a small JS checker.

:func:`export` turns an :class:`crmlab.exercises.Exercise` into the data
``static/crmlab-exercises.js`` needs to give the same verdict and message as
:func:`crmlab.exercises.check` (answer, tolerance, known mistakes, percent handling,
choice explanations, hint); :class:`Exporter` writes the HTML a page holds for it.
``tests/test_book.py`` runs the JS checker under node on a table of answers per
exercise and compares it with Python's verdict.

Languages: the exercise's own texts (prompt, hint, mistakes, choices, labels...) are
exported in the language in use (:func:`crmlab.i18n.get_language`). The checker's
generic messages are templates in the JS, each with the msgid and placeholders of
the Python message it mirrors (:data:`JS_MESSAGES`); for a page in another language
than English, :class:`Exporter` writes once per page a message table
``{msgid: translation}`` the JS looks them up in (in English the msgid is the text).

Examples
--------
>>> data = export(__import__("crmlab.exercises", fromlist=["get"]).get("ch00.percent_decimal"))
>>> data["kind"], data["percent"], data["answer"]
('number', True, 0.12)
"""

from __future__ import annotations

import html
import json

__all__ = ["export", "Exporter", "EXPORTED_KINDS", "JS_MESSAGES", "messages"]

#: The kinds the page can check.
EXPORTED_KINDS = ("number", "choice", "multi", "labels", "judgement")

# Plain strings on purpose, not N_(): each must already be a message of crmlab's Python source (the
# checker's, the parser's and the exercise widget's), so the catalogue has it; tests/test_book.py checks
# that, and that this is exactly the set of msgids static/crmlab-exercises.js calls T() or N_() with.
#: The msgids of the messages the in-page checker and its form show, in the order the JS uses them.
JS_MESSAGES = (
    "Type an answer first.",
    "That is too long to be one number: type just the number.",
    "{answer} looks like several numbers; type just one.",
    "{answer} has two minus signs; type one number.",
    "{answer} has two percent signs; type one number.",
    "{answer} has two multipliers; type one, e.g. 1.2m or 120万.",
    "{answer}: use a dot for decimals (0.12), and commas only between thousands (1,200).",
    "Could not read {answer} as a number: type digits only, e.g. 0.12, 12% or 1,200.",
    "{answer} is not a number: type digits, e.g. 0.12, 12% or 1,200.",
    "{answer} has two signs; type one number, e.g. -1,234 or (1,234).",
    "{answer} is too large to be a sensible answer.",
    "plain units",
    "thousands",
    "万 (ten thousands)",
    "millions",
    "亿 (hundred millions)",
    "billions",
    "Correct.",
    "a rate (a decimal such as 0.12, or a percentage such as 12%)",
    "the unit the prompt states",
    "{n} decimal",
    "{n} decimals",
    "a whole number",
    "the nearest {step}",
    "within ±{tol} percentage points",
    "within ±{tol}",
    "as a percent to {places}",
    "{places} as a decimal (or {percent_places} as a percent)",
    "{places} when you type the multiplier {suffix}",
    "{places} in {unit}",
    "{n} times too large",
    "{n} times too small",
    ("{typed} is {size} for this answer: check the multiplier you typed (k = thousand, m = million, 万 = ten "
     "thousand, 亿 = hundred million) against the prompt's unit, {unit}."),
    "as stated",
    "the prompt asks for {unit}",
    "check the unit the prompt asks for",
    ": it looks like the amount in {magnitude}",
    "{typed} is {size}{guess}; {asked}. Convert it, or type a multiplier (e.g. 2.5m for 2.5 million).",
    ("The size is right but the sign is wrong: a gap subtracts in a set order (e.g. own minus competitor, or "
     "performance minus importance). Check which you subtracted from which."),
    "The size is right but the sign is wrong: check whether this is a cost or a gain, an outflow or an inflow.",
    "The size is right but the sign is wrong: check which quantity is subtracted from which.",
    ("This answer is a difference on a rating scale, in points (e.g. 0.25 points on a 1–5 scale), not a "
     "percentage: a percent of what? Type the difference without %."),
    "Correct: {typed} is {value} {unit}. The prompt asks for {unit}, so write it that way next time.",
    "You typed {typed}, which reads as {percent} %. Rates are decimals in this workbook: write {typed}% or {decimal}.",
    ("{typed} reads as {value} (a hundredth of {hundred}). Either write the decimal without %, or multiply by "
     "100 before adding %."),
    "The digits are right, but this answer is in {unit}, not a percentage: type the number without the % sign.",
    "the prompt's unit",
    ("{typed} looks like a decimal share; this answer is in {unit} (a percentage or points, not a fraction). "
     "Multiply by 100."),
    "points",
    "{typed} is an amount, not a rate: the answer is {unit}. Express the amount relative to its base (divide by it).",
    ("{typed} is a multiple of the base (new ÷ old), not the rate of change: the rate is the multiple minus 1 "
     "(a multiple of 1.25 is a rise of 25 %)."),
    "{typed} looks like the rate of change; this answer is the multiple (new ÷ old = 1 + rate).",
    "{typed} is rounded too coarsely: the prompt asks for {precision}. Keep full precision and round only at the end.",
    "too high",
    "too low",
    ("{typed} is close but {direction}: this answer is a whole number and must be exact. Check what you "
     "counted (duplicates, a dropped or extra row)."),
    ("{typed} is close but {direction}, outside the accepted precision ({precision}): keep more decimals in "
     "the intermediate steps and round only at the end."),
    "{typed} is {direction}.",
    "{item} is not one of the options; choose from {keys}.",
    "Choose one option: {keys}.",
    "Choose just one option.",
    "That is not the best answer.",
    "Choose at least one option from {keys}, separated by commas.",
    "should not be chosen: {options}",
    "{n} correct option(s) missing",
    "Not quite: {parts}.",
    ", and ",
    "Type {n} labels separated by commas, in order.",
    "Type exactly {n} labels separated by commas; you typed {typed}.",
    "{item} is not one of the labels: {labels}.",
    "item {n}",
    "{right} of {n} right; look again at: {items}.",
    "A model answer",
    "Check your answer for",
    "Write your answer first, then compare it with a model answer.",
    "Compare your answer with a model answer and the points below.",
    "Could not read that answer: type a number, e.g. 0.12, 12% or 1,200.",
    "Write your answer: the decision, and the numbers behind it.",
    "e.g. 0.12, 12% or 1,200",
    "labels separated by commas",
    "Compare with a model answer",
    "Check",
    "Hint",
    "Show solution",
    "Hint:",
    "No hint for this one: re-read the section above.",
)


def _float(value) -> float:
    return float(value() if callable(value) else value)


def _markdown_html(text: str) -> str:
    """Markdown (a solution, a model answer) as HTML for the page; maths is left for MathJax."""
    import mistune

    return mistune.create_markdown(plugins=["table", "strikethrough"])(text) if text else ""


def messages() -> dict[str, str]:
    """The message table of a page in the language in use: ``{msgid: translation}``, empty in English.

    >>> from crmlab import i18n
    >>> messages()
    {}
    >>> with i18n.language("zh"):
    ...     messages()["too high"]
    '偏高'
    """
    from crmlab.i18n import get_language, gettext

    if get_language() == "en":
        return {}
    return {msgid: gettext(msgid) for msgid in JS_MESSAGES}


def export(ex) -> dict | None:
    """The JSON-ready data of one exercise for the in-page checker (``None`` for a kind it cannot check).

    ``solution_html`` is the worked solution (:func:`crmlab.exercises.solution`) as HTML; the page
    shows it only after a try, as the widget does. A labels exercise carries ``label_names``, its
    labels as shown in the language in use (the checker accepts a label in English or so named), and
    its ``items`` translated.
    """
    from crmlab import exercises
    from crmlab.i18n import translate

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
        data.update(answer=list(expected), labels=list(ex.labels),
                    label_names=[translate(lab, ex.id) for lab in ex.labels],
                    items=[translate(item, ex.id) for item in ex.items])
    return data


def _script_json(data) -> str:
    # Inside <script>, "</" would end the element early: JSON allows "<\/".
    return json.dumps(data, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")


class Exporter:
    """Writes the HTML of exercise forms; ``exported`` collects the data of every exercise written.

    The first forms of a page (after :meth:`new_page`, or of a new Exporter) come with the page's
    message table (:func:`messages`) when the language in use is not English.
    """

    def __init__(self):
        self.exported: dict[str, dict] = {}
        self._page_has_messages = False

    def new_page(self) -> None:
        """The next forms are on another page: it gets its own message table."""
        self._page_has_messages = False

    def html(self, ids) -> str:
        from crmlab import exercises
        from crmlab.i18n import gettext as _

        blocks = []
        if not self._page_has_messages:
            table = messages()
            if table:
                blocks.append(f"<script type='application/json' class='crmlab-messages'>{_script_json(table)}"
                              "</script>")
            self._page_has_messages = True
        for exercise_id in ids:
            ex = exercises.get(exercise_id)
            data = export(ex)
            css = "crmlab-exercise crmlab-ex-" + ex.id.replace(".", "-")
            prompt = (f"<div class='crmlab-prompt'><b>{html.escape(_('Exercise {id}.').format(id=ex.id))}</b> "
                      f"{html.escape(ex.prompt)}</div>")
            if data is None:
                note = _("Open this notebook in JupyterLab ({command}) to answer it.").format(
                    command="<code>crmlab lab</code>")
                blocks.append(f"<div class='{css} crmlab-static-widget'>{prompt}<p class='crmlab-static-note'>"
                              f"{note}</p></div>")
                continue
            self.exported[ex.id] = data
            noscript = html.escape(_("Turn on JavaScript to check your answer here, or open this notebook in "
                                     "JupyterLab."))
            blocks.append(f"<div class='{css}' data-exercise='{html.escape(ex.id)}'>{prompt}"
                          f"<noscript><p class='crmlab-static-note'>{noscript}</p></noscript>"
                          f"<script type='application/json' class='crmlab-exercise-data'>{_script_json(data)}"
                          "</script></div>")
        return "".join(blocks)
