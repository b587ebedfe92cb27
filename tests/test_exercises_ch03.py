"""Exercises of chapter 03: its bank (counts of issue 12), answers that follow from the methods (Kendall's W, AHP,
Delphi, fuzzy evaluation and its validity index, the scorecard), and feedback that names each listed mistake.
The checks every exercise gets are in test_exercises.py."""

from __future__ import annotations

import pytest

from crmlab import datasets, exercises, fuzzy, scorecard, weighting

IDS = ["ch03.perspectives", "ch03.kendall_by_hand", "ch03.ahp_cr", "ch03.delphi_statements", "ch03.bank_fuzzy_score",
       "ch03.bank_validity", "ch03.strategy_weights", "ch03.board_report"]


def test_chapter_03_bank_is_complete():
    # Counts, solutions, units and stated precision are the policy for every chapter: tests/test_exercise_policy.py.
    assert exercises.ids("ch03") == sorted(IDS)
    assert [i for i in IDS if exercises.get(i).kind == "judgement"] == ["ch03.board_report"]


def test_answers_follow_the_methods():
    table = [[1, 2, 3, 4, 5], [2, 1, 3, 5, 4], [1, 3, 2, 4, 5], [3, 1, 2, 5, 4]]
    assert exercises.get("ch03.kendall_by_hand").expected == pytest.approx(weighting.kendall_w(table))
    assert weighting.kendall_w(table) == pytest.approx(1512 / 1920)
    for typed in ("0.788", "0.787", "0.7875"):
        assert exercises.check("ch03.kendall_by_hand", typed).correct
    cr = weighting.ahp([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]]).cr
    assert exercises.check("ch03.ahp_cr", f"{cr:.3f}").correct
    membership = fuzzy.membership_from_votes([[8, 7, 4, 1], [5, 9, 5, 1], [6, 6, 6, 2]])
    bank = fuzzy.evaluate([0.5, 0.3, 0.2], membership, grade_scores=[95, 85, 70, 50])
    assert bank.normalized.round(4).tolist() == [0.335, 0.37, 0.235, 0.06]
    assert bank.score == pytest.approx(82.725)
    assert bank.validity == pytest.approx((4 * 0.37 - 1) / (2 * 0.335 * 3))
    assert not bank.reliable
    for typed in ("82.73", "82.72"):
        assert exercises.check("ch03.bank_fuzzy_score", typed).correct
    assert exercises.check("ch03.bank_validity", "0.239").correct
    card = scorecard.from_frame(datasets.load("crm_scorecard"))
    total = card.reweight({"financial": 0.4, "customer": 0.3, "internal_process": 0.2, "learning_growth": 0.1}).total
    assert exercises.check("ch03.strategy_weights", f"{total:.1%}").correct
    assert exercises.check("ch03.perspectives",
                           "customer, learning & growth, financial, internal process, learning & growth").correct


def test_delphi_statements_follow_the_rounds():
    d = weighting.delphi(datasets.load("expert_rankings"))
    assert d.concordance["W"].is_monotonic_increasing
    assert d.concordance["p_value"].iloc[0] < 0.01
    top = d.final_weights.sort_values(ascending=False)
    assert top.iloc[0] - top.iloc[1] < 0.001  # satisfaction vs profit growth: a tie, so D is false
    assert not d.converged
    assert set(exercises.get("ch03.delphi_statements").expected) == {"A", "F"}


@pytest.mark.parametrize("exercise_id, answer, reason", [
    ("ch03.kendall_by_hand", "126", "That is S"),
    ("ch03.kendall_by_hand", "3.15", "m², the number of experts squared"),
    ("ch03.kendall_by_hand", "3.78", "n³ − n"),
    ("ch03.kendall_by_hand", "0.066", "factor 12"),
    ("ch03.kendall_by_hand", "12.6", "chi-square"),
    ("ch03.ahp_cr", "0.019", "consistency index CI"),
    ("ch03.ahp_cr", "0.039", "λmax − n"),
    ("ch03.ahp_cr", "0.0371", "0.52"),  # issue 12: RI = 0.52 was told "that is λmax − n"
    ("ch03.ahp_cr", "0.066", "n − 1 = 2"),
    ("ch03.bank_fuzzy_score", "82.08", "equal weights"),
    ("ch03.bank_fuzzy_score", "85", "largest membership"),
    ("ch03.bank_fuzzy_score", "1654.5", "vote counts"),
    ("ch03.bank_validity", "0.478", "the 2"),
    ("ch03.bank_validity", "1.333", "second-largest"),
    ("ch03.bank_validity", "0.179", "n − 1 = 3"),
    ("ch03.bank_validity", "0.246", "equal-weight"),
    ("ch03.strategy_weights", "92.4%", "dataset's own weights"),
    ("ch03.strategy_weights", "88.2%", "reversed"),
    ("ch03.strategy_weights", "91.3%", "plain mean"),
    ("ch03.delphi_statements", "A, B, F", "rank independently"),
    ("ch03.delphi_statements", "A, D, F", "a tie"),
    ("ch03.delphi_statements", "A, E, F", "always sum to 1"),
    ("ch03.delphi_statements", "A, C, F", "CV > 0.25"),
])
def test_each_listed_mistake_is_diagnosed(exercise_id, answer, reason):
    fb = exercises.check(exercise_id, answer)
    assert not fb.correct and reason in fb.message, fb.message


def test_hints_name_the_method_not_the_code_or_the_answer():
    for exercise_id in IDS:
        e = exercises.get(exercise_id)
        assert "weighting." not in e.hint and "fuzzy." not in e.hint and "card." not in e.hint, exercise_id
        if e.kind == "number":
            for shown in (f"{e.expected:.3f}", f"{e.expected:.2f}", f"{e.expected:.1%}"):
                assert shown not in e.hint and shown not in e.prompt, (exercise_id, shown)


def test_judgement_shows_the_model_answer_after_an_attempt():
    assert "write your answer first" in exercises.check("ch03.board_report", " ").message.lower()
    fb = exercises.check("ch03.board_report", "Report the score, not 'excellent'.")
    assert "84.3" in fb.message and "Check your answer for" in fb.message
