"""Exercises of chapter 07: its bank, answers that follow from its methods and data, the reasons given
for wrong options. The checks every exercise gets are in test_exercises.py."""

from __future__ import annotations

import pytest

from crmlab import datasets, exercises, matrices

IDS = ["ch07.classify", "ch07.median_crosshair", "ch07.checkout_gap", "ch07.first_fix", "ch07.stated_vs_derived"]


def test_chapter_07_bank_is_complete():
    assert exercises.ids("ch07") == sorted(IDS)
    kinds = {exercises.get(i).kind for i in IDS}
    assert kinds == {"number", "choice", "multi", "labels"}


def test_answers_follow_the_methods():
    names = datasets.load("service_attributes").set_index("attribute")["name"]
    table = matrices.attribute_table(datasets.load("service_survey"), names=names)
    quadrants = matrices.pem(table)["quadrant"]
    typed = ", ".join(quadrants[a] for a in ("complaint_handling", "product_range", "staff_knowledge", "membership"))
    assert exercises.check("ch07.classify", typed).correct
    assert exercises.check("ch07.classify", typed.upper()).correct  # case does not matter
    gap = matrices.rpm(table).loc["checkout_speed", "gap"]
    assert exercises.check("ch07.checkout_gap", f"{gap:.2f}").correct
    assert exercises.check("ch07.first_fix", "B").correct
    assert exercises.check("ch07.first_fix", "Complaint handling").correct
    assert exercises.check("ch07.median_crosshair", "A").correct
    assert exercises.check("ch07.stated_vs_derived", "A, B, E").correct


def test_sign_error_on_the_gap_is_explained():
    gap = exercises.get("ch07.checkout_gap").expected
    assert "sign is wrong" in exercises.check("ch07.checkout_gap", f"{-gap:.4f}").message


@pytest.mark.parametrize("exercise_id, answer, reason", [
    ("ch07.median_crosshair", "B", "stays 'concentrate here'"),
    ("ch07.median_crosshair", "D", "row by row"),
    ("ch07.first_fix", "A", "derived importance"),
    ("ch07.first_fix", "C", "slightly ahead of the competitor"),
    ("ch07.first_fix", "D", "low importance"),
    ("ch07.stated_vs_derived", "A, B, C, E", "they disagree a lot"),
    ("ch07.stated_vs_derived", "A, D", "nothing to explain"),
])
def test_wrong_options_are_explained(exercise_id, answer, reason):
    fb = exercises.check(exercise_id, answer)
    assert not fb.correct and reason in fb.message


def test_labels_exercise_names_the_wrong_item():
    typed = "concentrate here, keep up the good work, possible overkill, possible overkill"
    fb = exercises.check("ch07.classify", typed)
    assert not fb.correct and "(3) staff product knowledge" in fb.message
    assert "not one of the labels" in exercises.check("ch07.classify", "a, b, c, d").message
