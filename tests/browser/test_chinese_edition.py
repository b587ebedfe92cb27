"""The Chinese edition (zh/) in JupyterLab: a chapter and a case run, speak Chinese and give Chinese feedback.

The notebooks of zh/ have the English code cells; their kernels speak Chinese because zh/ carries the
edition marker (crmlab.i18n). Nothing here sets a language: the folder does.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from . import helpers

ZH = helpers.workbook_root() / "zh"
pytestmark = pytest.mark.skipif(not (ZH / "notebooks").is_dir(), reason="no Chinese edition (zh/) in the workbook")
HAN = re.compile(r"[\u4e00-\u9fff]")


def _nb(relative: str) -> helpers.NotebookWidgets:
    return helpers.scan_notebook(helpers.workbook_root(), Path(relative))


_wait = helpers.wait_until


def test_chinese_chapter_gives_chinese_feedback_on_a_wrong_answer(lab_notebooks):
    chapter = _nb("zh/notebooks/00_start_here.ipynb")
    page, outcome = lab_notebooks.open(chapter)
    assert not outcome["errors"], outcome["errors"]
    assert page.locator(".crmlab-exercise").count() == len(chapter.exercises)
    widget = page.locator(f".crmlab-exercise.{helpers.exercise_class('ch00.percent_decimal')}").first
    widget.scroll_into_view_if_needed()
    assert HAN.search(widget.locator(".crmlab-prompt").first.inner_text()), "the prompt is not in Chinese"
    assert widget.locator(".crmlab-check").first.inner_text().strip() == "检查"
    helpers.enter_answer(widget, "number", "12")
    time.sleep(0.3)  # the box sends its value on blur; let it reach the kernel before the click
    widget.locator(".crmlab-check").first.click()
    feedback = widget.locator(".crmlab-feedback").first
    _wait(lambda: feedback.inner_text().strip().startswith(helpers.WRONG), "feedback on a wrong answer")
    message = feedback.inner_text()
    assert "你输入的是 12" in message and "0.12" in message, message
    helpers.enter_answer(widget, "number", "１２％")  # full-width digits and percent sign, as a Chinese IME types
    time.sleep(0.3)
    widget.locator(".crmlab-check").first.click()
    _wait(lambda: feedback.inner_text().strip().startswith("✔"), "a full-width 12% is accepted")
    assert "正确" in feedback.inner_text()
    widget.screenshot(path=str(helpers.artifacts_dir("lab", "zh-00") / "feedback.png"))


def test_chinese_case_runs_and_reads_in_chinese(lab_notebooks):
    case = _nb("zh/cases/case2_telecom_tco.ipynb")
    page, outcome = lab_notebooks.open(case)
    assert not outcome["errors"], outcome["errors"]
    headings = page.locator(".jp-RenderedMarkdown h1").first.inner_text()
    assert HAN.search(headings), headings
    page.screenshot(path=str(helpers.artifacts_dir("lab", "zh-case2") / "top.png"))
