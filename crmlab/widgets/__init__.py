"""Notebook widgets: self-checking exercises and interactive planners.

ipywidgets is imported when a widget is built, not when crmlab is imported.
Widgets only render and call pure functions (:func:`crmlab.exercises.check`,
the planners' computations), so what they show is tested without a browser.

Examples
--------
>>> from crmlab import widgets
>>> box = widgets.exercise("ch00.choose_kpi")
>>> box.answer_widget.value = "C"
>>> box.check_button.click()
>>> box.feedback.value.startswith("<div") and "✔" in box.feedback.value
True
"""

from __future__ import annotations

import html

from crmlab import exercises as _exercises
from crmlab.i18n import gettext as _
from crmlab.i18n import translate as _translate

__all__ = ["exercise", "exercises", "static_html", "static_text", "tco_planner", "scorecard_weights",
           "matrix_explorer"]


def _feedback_html(fb: _exercises.Feedback, show_hint: bool = False) -> str:
    colour = "#1b7837" if fb.correct else "#b2182b"
    body = html.escape(fb.message)
    if show_hint and fb.hint:
        label = _("Hint:")
        body += f"<br><span style='color:#444'><i>{html.escape(label)}</i> {html.escape(fb.hint)}</span>"
    return f"<div style='color:{colour};font-size:0.95em;line-height:1.4'>{body}</div>"


# How many wrong tries before the worked solution opens by itself; after one try it opens on request.
SOLUTION_AFTER = 2


def _require_exercise(ex) -> None:
    if not isinstance(ex, _exercises.Exercise):
        raise TypeError(f"ex must be an Exercise (from crmlab.exercises.get(id)); got {type(ex).__name__}")


def static_html(ex: _exercises.Exercise) -> str:
    """The exercise as static HTML (prompt and options), for a notebook read without a kernel.

    JupyterLab shows the live widget; nbconvert, nbviewer and GitHub have no widget
    state and fall back to this ``text/html`` in the same output.

    >>> from crmlab import exercises
    >>> "Which of these" in static_html(exercises.get("ch00.choose_kpi"))
    True
    """
    _require_exercise(ex)
    parts = [f"<p><b>{html.escape(_exercise_title(ex))}</b> {html.escape(ex.prompt)}</p>"]
    if ex.choices:
        options = "".join(f"<li><b>{html.escape(k)}.</b> {html.escape(v)}</li>" for k, v in ex.choices.items())
        parts.append(f"<ul style='list-style:none'>{options}</ul>")
    if ex.kind == "labels":
        parts.append(f"<p>{html.escape(_labels_line(ex))}</p>")
    how = (_("Run this notebook in Jupyter to write your answer, then compare it with a model answer.")
           if ex.kind == "judgement" else _("Run this notebook in Jupyter to check your answer."))
    parts.append(f"<p><i>{html.escape(how)}</i></p>")
    return f"<div class='crmlab-exercise-static' style='border:1px solid #ccc;padding:8px'>{''.join(parts)}</div>"


def static_text(ex: _exercises.Exercise) -> str:
    """The exercise as plain text (prompt and options)."""
    _require_exercise(ex)
    lines = [f"{_exercise_title(ex)} {ex.prompt}"]
    lines += [f"  {k}. {v}" for k, v in ex.choices.items()]
    if ex.kind == "labels":
        lines.append(f"  {_labels_line(ex)}")
    return "\n".join(lines)


def _exercise_title(ex: _exercises.Exercise) -> str:
    return _("Exercise {id}.").format(id=ex.id)


def _labels_line(ex: _exercises.Exercise) -> str:
    return _("Labels: {labels}.").format(labels=", ".join(_translate(lab, ex.id) for lab in ex.labels))


_BOX_CLASS = None


def _box_class():
    """A VBox whose output also carries the exercise as text/html and text/plain (built once, lazily)."""
    global _BOX_CLASS
    if _BOX_CLASS is None:
        import ipywidgets as w

        class ExerciseBox(w.VBox):
            """A VBox displayed with a static copy of its exercises for readers without a kernel."""

            def _repr_mimebundle_(self, **kwargs):
                bundle = super()._repr_mimebundle_(**kwargs)
                data = bundle[0] if isinstance(bundle, tuple) else bundle
                if isinstance(data, dict):
                    data["text/html"] = self.static_html
                    data["text/plain"] = self.static_text
                return bundle

        _BOX_CLASS = ExerciseBox
    return _BOX_CLASS


def _fill_markdown(out, text: str) -> None:
    """Show ``text`` (markdown) in the Output widget ``out``, once."""
    if not out.outputs and text:
        from IPython.display import Markdown

        # The front end renders markdown (and $math$) itself; no markdown library is needed here.
        out.append_display_data(Markdown(text))


def exercise(exercise_id: str):
    """Render exercise ``exercise_id``: an input, Check, Hint and Show solution buttons, and feedback.

    The input matches the answer kind: a text box for numbers and label lists,
    radio buttons for a single choice, check boxes for several choices, a text
    area for a judgement question. "Show solution" appears after the first try and
    the worked solution opens by itself after two wrong tries. For a judgement
    question the button is "Compare with a model answer": once something is
    written, the model answer and its rubric appear.
    Whatever the student types or clicks, the widget shows feedback and never raises.
    """
    import ipywidgets as w

    ex = _exercises.get(exercise_id)  # an unknown id is the author's mistake: raise KeyError here
    layout = w.Layout(width="auto")
    prompt = w.HTML(f"<b>{html.escape(_exercise_title(ex))}</b> {html.escape(ex.prompt)}", layout=layout)
    prompt.add_class("crmlab-prompt")
    if ex.kind == "choice":
        answer = w.RadioButtons(options=[(f"{k}. {v}", k) for k, v in ex.choices.items()], value=None,
                                layout=w.Layout(width="auto"))
        read = lambda: answer.value  # noqa: E731 - tiny adapters keep the kinds uniform
    elif ex.kind == "multi":
        boxes = [w.Checkbox(value=False, description=f"{k}. {v}", indent=False, layout=w.Layout(width="auto"))
                 for k, v in ex.choices.items()]
        for box, key in zip(boxes, ex.choices):
            box.add_class(f"crmlab-option-{key}")
        answer = w.VBox(boxes)
        read = lambda: [k for k, box in zip(ex.choices, boxes) if box.value]  # noqa: E731
    elif ex.kind == "judgement":
        answer = w.Textarea(placeholder=_("Write your answer: the decision, and the numbers behind it."),
                            layout=w.Layout(width="95%", height="7em"), continuous_update=True)
        read = lambda: answer.value  # noqa: E731
    else:
        placeholder = {"number": _("e.g. 0.12, 12% or 1,200"), "labels": _("labels separated by commas")}[ex.kind]
        # Labels answers are long lists: give them the full width so nothing typed is hidden.
        width = "24em" if ex.kind == "number" else "95%"
        # continuous_update keeps the kernel's value in step with every keystroke, so a
        # click on Check right after typing never checks the previous answer.
        answer = w.Text(placeholder=placeholder, layout=w.Layout(width=width), continuous_update=True)
        read = lambda: answer.value  # noqa: E731
    answer.add_class("crmlab-answer")
    judgement = ex.kind == "judgement"
    check_button = w.Button(description=_("Compare with a model answer") if judgement else _("Check"),
                            button_style="primary", icon="check",
                            layout=w.Layout(width="auto") if judgement else w.Layout())
    check_button.add_class("crmlab-check")
    hint_button = w.Button(description=_("Hint"), icon="lightbulb-o")
    hint_button.add_class("crmlab-hint")
    solution_button = w.Button(description=_("Show solution"), icon="book",
                               layout=w.Layout(display="none", width="auto"))
    solution_button.add_class("crmlab-show-solution")
    feedback = w.HTML(value="")
    feedback.add_class("crmlab-feedback")
    # Filled only when shown: a saved widget state (the book's snapshots) must not carry the solution.
    solution = w.Output(layout=w.Layout(display="none", width="auto"))
    solution.add_class("crmlab-solution-text")
    tries = {"wrong": 0, "any": 0}

    def show_solution(_button=None):
        _fill_markdown(solution, _exercises.solution_text(ex))
        solution.layout.display = None
        solution_button.layout.display = "none"

    def on_check(_button=None):
        try:
            fb = ex.check(read())
        except Exception as exc:  # a bug in an exercise must not break the student's notebook
            fb = _exercises.Feedback(False, "✘ " + _("This exercise could not be checked ({error}); please tell "
                                                     "your instructor.").format(error=type(exc).__name__),
                                     attempt=False)
        if judgement:
            feedback.value = _feedback_html(_exercises.Feedback(
                fb.correct, fb.message.split("\n")[0], fb.hint))
            if fb.correct:
                show_solution()
            return
        feedback.value = _feedback_html(fb)
        if not fb.attempt:
            return
        tries["any"] += 1
        tries["wrong"] += not fb.correct
        if tries["wrong"] >= SOLUTION_AFTER:
            show_solution()
        elif solution.layout.display == "none":
            solution_button.layout.display = None

    def on_hint(_button=None):
        text = ex.hint or _("No hint for this one: re-read the section above.")
        feedback.value = f"<div style='color:#444'><i>Hint:</i> {html.escape(text)}</div>"

    check_button.on_click(on_check)
    hint_button.on_click(on_hint)
    solution_button.on_click(show_solution)
    if isinstance(answer, (w.Text, w.Textarea)):
        # Editing the answer makes old feedback stale; clear it rather than re-check on every keystroke.
        answer.observe(lambda change: setattr(feedback, "value", ""), names="value")
    box = _box_class()([prompt, answer, w.HBox([check_button, hint_button, solution_button]), feedback, solution],
                       layout=w.Layout(border="1px solid #ccc", padding="8px", margin="8px 0", width="auto"))
    box.add_class("crmlab-exercise")
    box.add_class("crmlab-ex-" + ex.id.replace(".", "-"))
    box.static_html, box.static_text = static_html(ex), static_text(ex)
    # Handles for tests and for instructors scripting a demo.
    box.answer_widget = answer if not isinstance(answer, w.VBox) else answer.children
    box.check_button = check_button
    box.hint_button = hint_button
    box.solution_button = solution_button
    box.solution = solution
    box.feedback = feedback
    box.exercise = ex
    return box


def exercises(chapter: str):
    """All exercises of a chapter (``"ch05"``), stacked."""
    boxes = [exercise(i) for i in _exercises.ids(chapter)]
    stack = _box_class()(boxes)
    stack.static_html = "".join(b.static_html for b in boxes)
    stack.static_text = "\n\n".join(b.static_text for b in boxes)
    return stack


def __getattr__(name: str):
    # Planners live in their own modules; load them on first use.
    lazy = {"tco_planner": "planner", "scorecard_weights": "scorecard", "matrix_explorer": "matrices"}
    if name in lazy:
        import importlib

        module = importlib.import_module(f"{__name__}.{lazy[name]}")
        return getattr(module, name)
    raise AttributeError(f"module 'crmlab.widgets' has no attribute {name!r}")
