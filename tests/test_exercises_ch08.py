"""Exercises of chapter 08: its bank, answers that follow from its methods and data, the reasons given
for wrong options. The checks every exercise gets are in test_exercises.py."""

from __future__ import annotations

import pytest

from crmlab import customers, datasets, exercises

IDS = ["ch08.nps_own", "ch08.retention", "ch08.clv", "ch08.clv_drivers", "ch08.rfm_pairs", "ch08.p_alive"]


def test_chapter_08_bank_is_complete():
    assert exercises.ids("ch08") == sorted(IDS)
    assert {exercises.get(i).kind for i in IDS} == {"number", "multi", "labels"}


def test_answers_follow_the_methods():
    survey = datasets.load("service_survey")
    own = survey.loc[survey["firm"] == "own", "recommend"]
    assert exercises.check("ch08.nps_own", f"{customers.nps(own):.1f}").correct
    assert exercises.check("ch08.retention", "90%").correct and exercises.check("ch08.retention", "0.9").correct
    assert "Rates are decimals" in exercises.check("ch08.retention", "90").message
    assert exercises.check("ch08.clv", "800").correct and exercises.check("ch08.clv", "¥800").correct
    assert exercises.check("ch08.clv_drivers", "A, C").correct
    assert exercises.check("ch08.rfm_pairs", "rf, fm").correct
    summary = customers.bgnbd_summary(datasets.load("transactions"), as_of="2025-03-31")
    fit = customers.BetaGeo().fit(summary["frequency"], summary["recency"], summary["T"])
    row = summary.loc["C00002"]
    p = fit.p_alive(row["frequency"], row["recency"], row["T"])
    assert exercises.check("ch08.p_alive", f"{p:.3f}").correct
    assert exercises.check("ch08.p_alive", f"{100 * p:.1f}%").correct


@pytest.mark.parametrize("exercise_id, answer, reason", [
    ("ch08.clv_drivers", "A, B, C", "CLV falls"),
    ("ch08.clv_drivers", "C, D", "fewer customers survive"),
])
def test_wrong_options_are_explained(exercise_id, answer, reason):
    fb = exercises.check(exercise_id, answer)
    assert not fb.correct and reason in fb.message


def test_labels_exercise():
    fb = exercises.check("ch08.rfm_pairs", "FM, RF")
    assert not fb.correct and "(1) next purchase" in fb.message and "(2) profit" in fb.message
