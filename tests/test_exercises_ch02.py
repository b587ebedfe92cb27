"""Exercises of chapter 02: its bank, answers that follow from its methods and data, the reasons given
for wrong options. The checks every exercise gets are in test_exercises.py."""

from __future__ import annotations

import pytest

from crmlab import exercises, pyramid

IDS = ["ch02.levels", "ch02.cycle_time_serves", "ch02.waste_score", "ch02.flow", "ch02.fix_waste"]


def test_chapter_02_bank_is_complete():
    assert exercises.ids("ch02") == sorted(IDS)
    assert {exercises.get(i).kind for i in IDS} == {"number", "choice", "multi", "labels"}


def test_answers_follow_the_methods():
    pyr = pyramid.from_frame(pyramid.example_measures())
    waste = pyr.nodes.loc["waste", "score"]
    assert waste == pytest.approx((0.02 / 0.035 + 0.05 / 0.08) / 2)
    assert exercises.check("ch02.waste_score", f"{waste:.3f}").correct
    m = pyramid.example_measures()
    m.loc[m["node"] == "waste", "actual"] = m.loc[m["node"] == "waste", "target"]
    assert exercises.check("ch02.fix_waste", f"{pyramid.from_frame(m).score:.4f}").correct
    assert exercises.check("ch02.levels", "business operating systems, departments and work centres, business units, "
                                          "departments and work centres, vision").correct
    assert exercises.check("ch02.cycle_time_serves", "B, C").correct
    assert exercises.check("ch02.flow", "A").correct


@pytest.mark.parametrize("exercise_id, answer, reason", [
    ("ch02.cycle_time_serves", "A, B, C", "quality and delivery"),
    ("ch02.cycle_time_serves", "B, C, D", "two levels up"),
    ("ch02.flow", "B", "reverses the model"),
])
def test_wrong_options_are_explained(exercise_id, answer, reason):
    fb = exercises.check(exercise_id, answer)
    assert not fb.correct and reason in fb.message
