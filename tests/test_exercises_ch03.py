"""Exercises of chapter 03: its bank, answers that follow from its methods and data, the reasons given
for wrong options. The checks every exercise gets are in test_exercises.py."""

from __future__ import annotations

import pytest

from crmlab import datasets, exercises, fuzzy, scorecard, weighting

IDS = ["ch03.perspectives", "ch03.kendall_round1", "ch03.ahp_cr", "ch03.delphi_statements", "ch03.learning_grade",
       "ch03.equal_weights"]


def test_chapter_03_bank_is_complete():
    assert exercises.ids("ch03") == sorted(IDS)
    assert {exercises.get(i).kind for i in IDS} == {"number", "choice", "multi", "labels"}


def test_answers_follow_the_methods():
    long = datasets.load("expert_rankings")
    w1 = weighting.kendall_w(weighting.wide_rankings(long[long["round"] == 1]))
    assert exercises.check("ch03.kendall_round1", f"{w1:.3f}").correct
    cr = weighting.ahp([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]]).cr
    assert exercises.check("ch03.ahp_cr", f"{cr:.3f}").correct
    card = scorecard.from_frame(datasets.load("crm_scorecard"))
    total = card.reweight({p: 0.25 for p in scorecard.PERSPECTIVES}).total
    assert exercises.check("ch03.equal_weights", f"{total:.4f}").correct
    assert exercises.check("ch03.perspectives",
                           "customer, learning & growth, financial, internal process, learning & growth").correct
    d = weighting.delphi(long)
    membership = fuzzy.membership_from_votes(datasets.load("scorecard_votes"))
    levels = fuzzy.evaluate_levels(membership, d.final_weights.reindex(
        membership.index.get_level_values("indicator")).to_numpy())
    grade = levels.group_results["learning_growth"].grade
    key = {"excellent": "A", "good": "B", "fair": "C", "poor": "D"}[grade]
    assert exercises.check("ch03.learning_grade", key).correct
    expected = {"A", "B", "D"} if not d.converged else {"A", "B", "C", "D"}
    assert set(exercises.get("ch03.delphi_statements").expected) == expected


@pytest.mark.parametrize("exercise_id, answer, reason", [
    ("ch03.delphi_statements", "A, B, D, E", "always sum to 1"),
    ("ch03.delphi_statements", "A, B, C, D", "CV > 0.25"),
])
def test_wrong_options_are_explained(exercise_id, answer, reason):
    fb = exercises.check(exercise_id, answer)
    assert not fb.correct and reason in fb.message
