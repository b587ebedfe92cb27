"""Exercises of chapter 07: its bank, answers that follow from its methods and data, the reasons given
for wrong options. The checks every exercise gets are in test_exercises.py."""

from __future__ import annotations

import pytest

from crmlab import datasets, exercises, matrices

IDS = ["ch07.classify", "ch07.fixed_crosshair", "ch07.member_gap", "ch07.fix_first", "ch07.stated_vs_derived",
       "ch07.own_importance_margin", "ch07.too_close", "ch07.budget"]


@pytest.fixture(scope="module")
def survey():
    return datasets.load("service_survey")


def test_chapter_07_bank_is_complete():
    # Counts, solutions, units and stated precision are the policy for every chapter: tests/test_exercise_policy.py.
    assert exercises.ids("ch07") == sorted(IDS)
    bank = [exercises.get(i) for i in IDS]
    assert [e.kind for e in bank].count("judgement") == 1
    assert all(e.gap_scale for e in bank if e.kind == "number")  # every number here is a gap on the rating scale


def test_answers_follow_the_methods(survey):
    members = survey[survey["segment"] == "member"]
    table = matrices.attribute_table(members)
    quadrants = matrices.pem(table, crosshair=(4, 3.5))["quadrant"]
    typed = ", ".join(quadrants[a] for a in ("price", "after_sales", "checkout_speed", "delivery"))
    assert exercises.check("ch07.classify", typed).correct
    assert exercises.check("ch07.classify", typed.upper()).correct  # case does not matter
    gap = matrices.rpm(table).loc["complaint_handling", "gap"]
    assert exercises.check("ch07.member_gap", f"{gap:.2f}").correct
    assert exercises.check("ch07.member_gap", f"{gap:.2f}".replace("-", "−")).correct   # Unicode minus
    own_table = matrices.attribute_table(survey, importance_from="own")
    margin = own_table.loc["price", "importance"] - own_table["importance"].mean()
    assert exercises.check("ch07.own_importance_margin", f"{margin:.2f}").correct
    assert exercises.check("ch07.fixed_crosshair", "A, D, E").correct
    assert exercises.check("ch07.fix_first", "A, B, C, D").correct
    assert exercises.check("ch07.stated_vs_derived", "A, B, D").correct
    close = matrices.rpm_ci(members, n_boot=2000, seed=0)["too_close"]
    assert close[["staff_courtesy", "staff_knowledge", "delivery", "after_sales"]].all()
    assert not close[["product_range", "checkout_speed", "complaint_handling"]].any()
    assert exercises.check("ch07.too_close", "B, C, E, F").correct


def test_a_gap_typed_as_a_percentage_is_refused_with_the_reason():
    fb = exercises.check("ch07.member_gap", "-27%")
    assert not fb.correct and "not a percentage" in fb.message


def test_sign_error_on_the_gap_is_explained():
    gap = exercises.get("ch07.member_gap").expected
    assert "sign is wrong" in exercises.check("ch07.member_gap", f"{-gap:.2f}").message


@pytest.mark.parametrize("exercise_id, answer, reason", [
    ("ch07.member_gap", "-0.35", "gap of the whole survey"),
    ("ch07.own_importance_margin", "0.44", "importance from all respondents"),
    ("ch07.own_importance_margin", "4.24", "subtract the crosshair"),
    ("ch07.own_importance_margin", "0.30", "median crosshair"),
    ("ch07.fixed_crosshair", "A, B, D, E", "price stays 'concentrate here'"),
    ("ch07.fix_first", "A, B, C, D, E", "'watch', not 'fix first'"),
    ("ch07.stated_vs_derived", "A, B, C, D", "fourth driver"),
    ("ch07.stated_vs_derived", "A, B, D, E", "five coefficients"),
    ("ch07.too_close", "A, B, C, E, F", "stay clear of the lines"),
])
def test_wrong_answers_are_explained(exercise_id, answer, reason):
    fb = exercises.check(exercise_id, answer)
    assert not fb.correct and reason in fb.message, fb.message


def test_labels_exercise_names_the_wrong_item():
    typed = "concentrate here, keep up the good work, concentrate here, possible overkill"
    fb = exercises.check("ch07.classify", typed)
    assert not fb.correct and "(1) price level" in fb.message
    assert "not one of the labels" in exercises.check("ch07.classify", "a, b, c, d").message


def test_judgement_shows_model_answer_and_rubric():
    fb = exercises.check("ch07.budget", "Fund complaint handling and checkout speed.")
    assert "complaint handling" in fb.message.lower() and "too close to call" in fb.message.lower()
    assert not exercises.check("ch07.budget", "").correct
