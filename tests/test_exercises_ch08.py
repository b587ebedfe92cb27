"""Exercises of chapter 08: its bank, answers that follow from its methods and data, the reasons given
for wrong options. The checks every exercise gets are in test_exercises.py."""

from __future__ import annotations

import pytest

from crmlab import customers, datasets, exercises

IDS = ["ch08.nps_members", "ch08.retention", "ch08.clv", "ch08.clv_drivers", "ch08.rfm_pairs", "ch08.p_alive",
       "ch08.cohort_clv", "ch08.at_risk_share", "ch08.win_back"]


def test_chapter_08_bank_is_complete():
    # Counts, solutions, units and stated precision are the policy for every chapter: tests/test_exercise_policy.py.
    assert exercises.ids("ch08") == sorted(IDS)
    assert [exercises.get(i).kind for i in IDS].count("judgement") == 1


def test_answers_follow_the_methods():
    survey = datasets.load("service_survey")
    members = survey.loc[(survey["firm"] == "own") & (survey["segment"] == "member"), "recommend"]
    assert exercises.check("ch08.nps_members", f"{customers.nps(members):.1f}").correct
    assert exercises.check("ch08.retention", "85.6%").correct and exercises.check("ch08.retention", "0.856").correct
    assert "Rates are decimals" in exercises.check("ch08.retention", "85.6").message
    assert exercises.check("ch08.clv", "1417").correct and exercises.check("ch08.clv", "¥1,416.67").correct
    assert exercises.check("ch08.clv_drivers", "A, C").correct
    assert exercises.check("ch08.rfm_pairs", "rf, fm").correct
    log = datasets.load("transactions")
    summary = customers.bgnbd_summary(log, as_of="2025-03-31")
    fit = customers.BetaGeo().fit(summary["frequency"], summary["recency"], summary["T"])
    row = summary.loc["C00039"]
    p = fit.p_alive(row["frequency"], row["recency"], row["T"])
    assert exercises.check("ch08.p_alive", f"{100 * p:.1f}%").correct
    assert exercises.check("ch08.p_alive", f"{p:.3f}").correct
    cohort = customers.clv_cohort(250, [0.5, 0.65, 0.75, 0.8, 0.85, 0.85], 0.08, horizon=6, acquisition_cost=300)
    assert exercises.check("ch08.cohort_clv", f"{cohort.clv:.2f}").correct
    share = (customers.rfm(log, as_of="2024-12-31")["segment"] == "at risk").mean()
    assert exercises.check("ch08.at_risk_share", f"{100 * share:.1f}%").correct


@pytest.mark.parametrize("exercise_id, answer, reason", [
    ("ch08.nps_members", "0.03", "neither a share nor a percentage"),
    ("ch08.nps_members", "3%", "neither a share nor a percentage"),
    ("ch08.retention", "104.7%", "counts the new clients"),
    ("ch08.retention", "4.7%", "net growth"),
    ("ch08.p_alive", "88.5%", "already dropped out"),
    ("ch08.p_alive", "4.6%", "whole log"),
    ("ch08.cohort_clv", "320.00", "gross value"),
    ("ch08.at_risk_share", "94", "number of customers"),
    ("ch08.at_risk_share", "5.8%", "the chapter's date"),
    ("ch08.clv_drivers", "A, B, C", "CLV falls"),
    ("ch08.clv_drivers", "C, D", "fewer customers survive"),
])
def test_wrong_answers_are_explained(exercise_id, answer, reason):
    fb = exercises.check(exercise_id, answer)
    assert not fb.correct and reason in fb.message, fb.message


def test_labels_exercise():
    fb = exercises.check("ch08.rfm_pairs", "FM, RF")
    assert not fb.correct and "(1) next purchase" in fb.message and "(2) profit" in fb.message


def test_judgement_shows_model_answer_and_rubric():
    fb = exercises.check("ch08.win_back", "Call the VIPs who went quiet.")
    assert "P(alive)" in fb.message and "control group" in fb.message
