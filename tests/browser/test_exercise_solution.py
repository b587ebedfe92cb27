"""The exercise widget's solution button and judgement question, driven in JupyterLab (chapter 01).

A wrong try makes "Show solution" appear and a click shows the worked steps; two wrong tries open the
solution by themselves; the judgement question asks for text first, then shows the model answer and its
rubric. In JupyterLab the live widget is shown, not the static copy stored for readers without a kernel.
"""

from __future__ import annotations

import time

import pytest

from crmlab import exercises

from . import helpers

CHAPTER = next((nb for nb in helpers.discover() if nb.path.name.startswith("01_")), None)
pytestmark = pytest.mark.skipif(CHAPTER is None, reason="no chapter 01 notebook in the workbook")


def _widget(page, exercise_id):
    widget = page.locator(f".crmlab-exercise.{helpers.exercise_class(exercise_id)}").first
    widget.scroll_into_view_if_needed()
    return widget


_wait = helpers.wait_until


def _check(widget, text: str, mark: str = helpers.WRONG) -> str:
    helpers.enter_answer(widget, "number", text)
    time.sleep(0.3)  # the box sends its value on blur; let it reach the kernel before the click
    widget.locator(".crmlab-check").first.click()
    feedback = widget.locator(".crmlab-feedback").first
    _wait(lambda: feedback.inner_text().strip().startswith(mark), f"feedback starting with {mark} after {text!r}")
    return feedback.inner_text().strip()


def _solution_visible(widget) -> bool:
    solution = widget.locator(".crmlab-solution-text").first
    return solution.is_visible() and bool(solution.inner_text().strip())


def test_lab_shows_the_live_widget_not_the_static_copy(lab_notebooks):
    page, _ = lab_notebooks.open(CHAPTER)
    assert page.locator(".crmlab-exercise").count() == len(CHAPTER.exercises)
    assert page.locator(".crmlab-exercise-static").count() == 0


def test_show_solution_after_one_wrong_try(lab_notebooks):
    page, _ = lab_notebooks.open(CHAPTER)
    widget = _widget(page, "ch01.efficiency_change")
    button = widget.locator(".crmlab-show-solution").first
    assert not button.is_visible(), "Show solution is offered before any try"
    assert not _solution_visible(widget)
    message = _check(widget, "25%")
    assert "growth of the results" in message
    _wait(button.is_visible, "Show solution appears after one wrong try")
    assert not _solution_visible(widget), "the solution opened after a single try"
    button.click()
    _wait(lambda: _solution_visible(widget), "the solution is shown after clicking Show solution")
    assert "298.1" in widget.locator(".crmlab-solution-text").first.inner_text()
    widget.screenshot(path=str(helpers.artifacts_dir("lab", CHAPTER.name) / "solution-on-request.png"))


def test_solution_opens_after_two_wrong_tries(lab_notebooks):
    page, _ = lab_notebooks.open(CHAPTER)
    widget = _widget(page, "ch01.march_rate")
    _check(widget, "144.4")
    assert not _solution_visible(widget)
    _check(widget, "170")
    _wait(lambda: _solution_visible(widget), "the solution opens by itself after two wrong tries")
    assert "5,100 / 31" in widget.locator(".crmlab-solution-text").first.inner_text()


def test_judgement_question_shows_model_answer_and_rubric(lab_notebooks):
    page, _ = lab_notebooks.open(CHAPTER)
    ex = exercises.get("ch01.judge_training_cut")
    widget = _widget(page, ex.id)
    button = widget.locator(".crmlab-check").first
    assert button.inner_text().strip() == "Compare with a model answer"
    assert widget.locator("textarea").count() == 1
    button.click()
    feedback = widget.locator(".crmlab-feedback").first
    _wait(lambda: "Write your answer first" in feedback.inner_text(), "an empty answer is asked for text first")
    assert not _solution_visible(widget)
    helpers.enter_answer(widget, "judgement", "Keep the budget: learning & growth is a leading indicator.")
    time.sleep(0.3)
    button.click()
    _wait(lambda: _solution_visible(widget), "the model answer appears after writing an answer")
    shown = widget.locator(".crmlab-solution-text").first.inner_text()
    assert "A model answer" in shown and all(point in shown for point in ex.rubric), shown
    widget.screenshot(path=str(helpers.artifacts_dir("lab", CHAPTER.name) / "judgement.png"))
