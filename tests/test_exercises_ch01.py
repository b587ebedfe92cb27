"""Exercises of chapter 01: its bank, answers that follow from its methods and data, the reasons given
for wrong options. The checks every exercise gets are in test_exercises.py; the policy (counts, no
printed answers) in test_exercise_policy.py."""

from __future__ import annotations

import pytest

from crmlab import datasets, exercises, scorecard

IDS = ["ch01.vague_kpis", "ch01.kpi_kbi_kci", "ch01.all_financial", "ch01.process_or_outcome",
       "ch01.efficiency_change", "ch01.leading_achievement", "ch01.march_rate", "ch01.indicator_purposes",
       "ch01.kbi_second_reading", "ch01.richness_focus", "ch01.judge_training_cut"]


def test_chapter_01_bank_is_complete():
    assert exercises.ids("ch01") == sorted(IDS)
    kinds = {exercises.get(i).kind for i in IDS}
    assert kinds == {"number", "choice", "multi", "labels", "judgement"}
    assert sorted(i for i in IDS if exercises.get(i).steps >= 2) == [
        "ch01.efficiency_change", "ch01.leading_achievement", "ch01.march_rate"]


def test_leading_achievement_follows_the_scorecard():
    card = scorecard.from_frame(datasets.load("crm_scorecard"))
    lead = card.measures[card.measures["perspective"].isin(["internal_process", "learning_growth"])]
    value = (lead["weight"] * lead["achievement"]).sum() / lead["weight"].sum()
    # By hand from the data: internal process 0.10×24/28.2 + 0.07×0.93 + 0.05×1.10, learning & growth
    # 0.06×0.70 + 0.07×0.78 + 0.05×0.90, over weights 0.40.
    by_hand = (0.10 * 24 / 28.2 + 0.07 * 0.6975 / 0.75 + 0.05 * 0.055 / 0.05 + 0.06 * 16.8 / 24
               + 0.07 * 0.702 / 0.9 + 0.05 * 0.675 / 0.75) / 0.40
    assert value == pytest.approx(by_hand, abs=1e-12)
    ex = exercises.get("ch01.leading_achievement")
    assert ex.expected == pytest.approx(value)
    assert exercises.check("ch01.leading_achievement", f"{value * 100:.1f}%").correct
    assert exercises.check("ch01.leading_achievement", f"{value:.3f}").correct


@pytest.mark.parametrize("exercise_id, answer", [
    ("ch01.efficiency_change", "−3.8%"), ("ch01.efficiency_change", "-0.0385"),
    ("ch01.march_rate", "164.5"), ("ch01.march_rate", "164.52"),
    ("ch01.vague_kpis", "A, B, E, G, H"), ("ch01.vague_kpis", "ABEGH"),
    ("ch01.kpi_kbi_kci", "kpi, kbi, kci, kpi, kbi"),
    ("ch01.process_or_outcome", "process, process, outcome, outcome, process"),
    ("ch01.indicator_purposes", "decide, guide, predict, guide"), ("ch01.kbi_second_reading", "B"),
    ("ch01.richness_focus", "C"),
])
def test_right_answers_pass(exercise_id, answer):
    assert exercises.check(exercise_id, answer).correct, exercises.check(exercise_id, answer).message


@pytest.mark.parametrize("exercise_id, answer, reason", [
    ("ch01.vague_kpis", "A, B, C, E, G, H", "13,000 units"),
    ("ch01.all_financial", "A", "nothing else is measured"),
    ("ch01.all_financial", "D", "customers, processes and people"),
    ("ch01.efficiency_change", "25%", "growth of the results"),
    ("ch01.efficiency_change", "-11.92", "absolute change"),
    ("ch01.efficiency_change", "-4%", "rounded too coarsely"),
    ("ch01.efficiency_change", "3.8%", "sign is wrong"),
    ("ch01.leading_achievement", "87.7%", "plain mean"),
    ("ch01.leading_achievement", "0.347", "divide by the weights"),
    ("ch01.leading_achievement", "92.4%", "whole scorecard"),
    ("ch01.leading_achievement", "87%", "rounded too coarsely: the prompt asks for as a percent to 1 decimal"),
    ("ch01.march_rate", "144.4", "whole quarter"),
    ("ch01.march_rate", "170", "March has 31 days"),
    ("ch01.march_rate", "165", "rounded too coarsely"),
    ("ch01.kbi_second_reading", "D", "first reading"),
    ("ch01.richness_focus", "A", "no bottleneck stands out"),
])
def test_wrong_answers_are_explained(exercise_id, answer, reason):
    fb = exercises.check(exercise_id, answer)
    assert not fb.correct and reason in fb.message, fb.message


def test_labels_feedback_names_the_wrong_items():
    fb = exercises.check("ch01.kpi_kbi_kci", "KPI, KPI, KCI, KPI, KBI")
    assert "4 of 5 right" in fb.message and "(2) visits logged" in fb.message
    assert "not one of the labels" in exercises.check("ch01.process_or_outcome", "process, result, a, b, c").message


def test_judgement_question():
    assert "Write your answer first" in exercises.check("ch01.judge_training_cut", "").message
    fb = exercises.check("ch01.judge_training_cut", "Keep the training budget.")
    assert fb.correct and "leading indicators" in fb.message


def test_widgets_render():
    from crmlab import widgets

    for exercise_id in IDS:
        box = widgets.exercise(exercise_id)
        assert f"crmlab-ex-{exercise_id.replace('.', '-')}" in box._dom_classes
