"""crmlab.widgets.exercise: every exercise renders, checks what is typed or clicked, and never raises."""

from __future__ import annotations

import pytest

from crmlab import exercises, widgets

ALL_IDS = exercises.ids()


def _answer(box, text):
    """Enter ``text`` the way a student would in this widget kind."""
    ex = box.exercise
    if ex.kind == "choice":
        box.answer_widget.value = text if text in ex.choices else None
    elif ex.kind == "multi":
        chosen = {t.strip() for t in text.split(",")}
        for key, checkbox in zip(ex.choices, box.answer_widget):
            checkbox.value = key in chosen
    else:
        box.answer_widget.value = text
    box.check_button.click()
    return box.feedback.value


@pytest.mark.parametrize("exercise_id", ALL_IDS)
def test_widget_marks_right_and_wrong(exercise_id):
    box = widgets.exercise(exercise_id)
    assert "crmlab-exercise" in box._dom_classes
    assert f"crmlab-ex-{exercise_id.replace('.', '-')}" in box._dom_classes
    right, wrong = box.exercise.sample_answers()
    assert "✘" in _answer(box, wrong)
    assert "✔" in _answer(box, right)
    box.hint_button.click()
    assert "Hint" in box.feedback.value


@pytest.mark.parametrize("text", ["", "abc", "1e999", "<script>alert(1)</script>", "__import__('os')", "١٢", "∞"])
def test_text_widgets_survive_junk(text):
    for exercise_id in ALL_IDS:
        box = widgets.exercise(exercise_id)
        if box.exercise.kind in ("number", "labels"):
            box.answer_widget.value = text
            box.check_button.click()
            assert box.feedback.value.count("✘") == 1
            assert "<script>" not in box.feedback.value  # typed text is escaped, never rendered as HTML


def test_clicking_check_with_nothing_chosen():
    box = widgets.exercise("ch00.choose_kpi")
    box.check_button.click()
    assert "Choose one option" in box.feedback.value


def test_editing_the_answer_clears_stale_feedback():
    box = widgets.exercise("ch00.percent_decimal")
    box.answer_widget.value = "12"
    box.check_button.click()
    assert "✘" in box.feedback.value
    box.answer_widget.value = "12%"
    assert box.feedback.value == ""
    box.check_button.click()
    assert "✔" in box.feedback.value


def test_unknown_exercise_is_a_key_error():
    with pytest.raises(KeyError, match="unknown exercise id"):
        widgets.exercise("ch99.nothing")


def test_chapter_stack():
    stack = widgets.exercises("ch00")
    assert len(stack.children) == len(exercises.ids("ch00"))
