"""Exercises of chapter 01: its bank, answers that follow from its methods and data, the reasons given
for wrong options. The checks every exercise gets are in test_exercises.py."""

from __future__ import annotations

import pytest

from crmlab import datasets, exercises, scorecard

IDS = ["ch01.vague_kpis", "ch01.kpi_kbi_kci", "ch01.all_financial", "ch01.financial_share",
       "ch01.process_or_outcome"]


def test_chapter_01_bank_is_complete():
    assert exercises.ids("ch01") == sorted(IDS)
    assert {exercises.get(i).kind for i in IDS} == {"number", "choice", "multi", "labels"}
    # The share by count of indicators, and the non-financial share.
    assert len(exercises.get("ch01.financial_share").mistakes) == 2


def test_answers_follow_the_data():
    card = scorecard.from_frame(datasets.load("crm_scorecard"))
    share = card.by_perspective().loc["financial", "weight"]
    assert exercises.check("ch01.financial_share", f"{share:.4f}").correct
    assert exercises.check("ch01.financial_share", f"{share * 100:.1f}%").correct
    assert exercises.check("ch01.vague_kpis", "A, B, E, G, H").correct
    assert exercises.check("ch01.vague_kpis", "ABEGH").correct
    assert exercises.check("ch01.kpi_kbi_kci", "kpi, kbi, kci, kpi, kbi").correct
    assert exercises.check("ch01.process_or_outcome", "process, process, outcome, outcome, process").correct


@pytest.mark.parametrize("exercise_id, answer, reason", [
    ("ch01.vague_kpis", "A, B, C, E, G, H", "13,000 units"),
    ("ch01.all_financial", "A", "nothing else is measured"),
    ("ch01.all_financial", "D", "customers, processes and people"),
])
def test_wrong_options_are_explained(exercise_id, answer, reason):
    fb = exercises.check(exercise_id, answer)
    assert not fb.correct and reason in fb.message


def test_labels_feedback_names_the_wrong_items():
    fb = exercises.check("ch01.kpi_kbi_kci", "KPI, KPI, KCI, KPI, KBI")
    assert "4 of 5 right" in fb.message and "(2) visits logged" in fb.message
    assert "not one of the labels" in exercises.check("ch01.process_or_outcome", "process, result, a, b, c").message


def test_widgets_render():
    from crmlab import widgets

    for exercise_id in IDS:
        box = widgets.exercise(exercise_id)
        assert f"crmlab-ex-{exercise_id.replace('.', '-')}" in box._dom_classes
