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

__all__ = ["exercise", "exercises", "tco_planner", "scorecard_weights", "matrix_explorer"]


def _feedback_html(fb: _exercises.Feedback, show_hint: bool = False) -> str:
    colour = "#1b7837" if fb.correct else "#b2182b"
    body = html.escape(fb.message)
    if show_hint and fb.hint:
        body += f"<br><span style='color:#444'><i>Hint:</i> {html.escape(fb.hint)}</span>"
    return f"<div style='color:{colour};font-size:0.95em;line-height:1.4'>{body}</div>"


def exercise(exercise_id: str):
    """Render exercise ``exercise_id`` as an input, a Check button, a Hint button and a feedback area.

    The input matches the answer kind: a text box for numbers and label lists,
    radio buttons for a single choice, check boxes for several choices.
    Whatever the student types or clicks, the widget shows feedback and never raises.
    """
    import ipywidgets as w

    ex = _exercises.get(exercise_id)  # an unknown id is the author's mistake: raise KeyError here
    layout = w.Layout(width="auto")
    prompt = w.HTML(f"<b>Exercise {html.escape(ex.id)}.</b> {html.escape(ex.prompt)}", layout=layout)
    prompt.add_class("crmlab-prompt")
    if ex.kind == "choice":
        answer = w.RadioButtons(options=[(f"{k}. {v}", k) for k, v in ex.choices.items()], value=None,
                                layout=w.Layout(width="auto"))
        read = lambda: answer.value  # noqa: E731 - tiny adapters keep the three kinds uniform
    elif ex.kind == "multi":
        boxes = [w.Checkbox(value=False, description=f"{k}. {v}", indent=False, layout=w.Layout(width="auto"))
                 for k, v in ex.choices.items()]
        for box, key in zip(boxes, ex.choices):
            box.add_class(f"crmlab-option-{key}")
        answer = w.VBox(boxes)
        read = lambda: [k for k, box in zip(ex.choices, boxes) if box.value]  # noqa: E731
    elif ex.kind == "judgement":
        answer = w.Textarea(placeholder="Write your answer: the decision and the numbers behind it.",
                            layout=w.Layout(width="95%", height="7em"), continuous_update=True)
        read = lambda: answer.value  # noqa: E731
    else:
        placeholder = {"number": "e.g. 0.12, 12% or 1,200", "labels": "labels separated by commas"}[ex.kind]
        # Labels answers are long lists: give them the full width so nothing typed is hidden.
        width = "24em" if ex.kind == "number" else "95%"
        # continuous_update keeps the kernel's value in step with every keystroke, so a
        # click on Check right after typing never checks the previous answer.
        answer = w.Text(placeholder=placeholder, layout=w.Layout(width=width), continuous_update=True)
        read = lambda: answer.value  # noqa: E731
    answer.add_class("crmlab-answer")
    check_button = w.Button(description="Check", button_style="primary", icon="check")
    check_button.add_class("crmlab-check")
    hint_button = w.Button(description="Hint", icon="lightbulb-o")
    hint_button.add_class("crmlab-hint")
    feedback = w.HTML(value="")
    feedback.add_class("crmlab-feedback")

    def on_check(_button=None):
        try:
            fb = ex.check(read())
        except Exception as exc:  # a bug in an exercise must not break the student's notebook
            fb = _exercises.Feedback(False, f"✘ This exercise could not be checked ({type(exc).__name__}); "
                                            "please tell your instructor.")
        feedback.value = _feedback_html(fb)

    def on_hint(_button=None):
        text = ex.hint or "No hint for this one: re-read the section above."
        feedback.value = f"<div style='color:#444'><i>Hint:</i> {html.escape(text)}</div>"

    check_button.on_click(on_check)
    hint_button.on_click(on_hint)
    if isinstance(answer, (w.Text, w.Textarea)):
        # Editing the answer makes old feedback stale; clear it rather than re-check on every keystroke.
        answer.observe(lambda change: setattr(feedback, "value", ""), names="value")
    box = w.VBox([prompt, answer, w.HBox([check_button, hint_button]), feedback],
                 layout=w.Layout(border="1px solid #ccc", padding="8px", margin="8px 0", width="auto"))
    box.add_class("crmlab-exercise")
    box.add_class("crmlab-ex-" + ex.id.replace(".", "-"))
    # Handles for tests and for instructors scripting a demo.
    box.answer_widget = answer if not isinstance(answer, w.VBox) else answer.children
    box.check_button = check_button
    box.hint_button = hint_button
    box.feedback = feedback
    box.exercise = ex
    return box


def exercises(chapter: str):
    """All exercises of a chapter (``"ch05"``), stacked."""
    import ipywidgets as w

    return w.VBox([exercise(i) for i in _exercises.ids(chapter)])


def __getattr__(name: str):
    # Planners live in their own modules; load them on first use.
    lazy = {"tco_planner": "planner", "scorecard_weights": "scorecard", "matrix_explorer": "matrices"}
    if name in lazy:
        import importlib

        module = importlib.import_module(f"{__name__}.{lazy[name]}")
        return getattr(module, name)
    raise AttributeError(f"module 'crmlab.widgets' has no attribute {name!r}")
