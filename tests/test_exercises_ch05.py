"""Exercises of chapter 05: the right answer is accepted and each known mistake gets its message."""

from __future__ import annotations

import pytest

from crmlab import datasets, exercises, tco

IDS = ["ch05.tco_pv", "ch05.initial_share", "ch05.contingency_topup", "ch05.audit_verdicts", "ch05.service_costs",
       "ch05.p80_overrun"]
NUMBER_IDS = [i for i in IDS if exercises.get(i).kind == "number"]


def test_chapter_05_bank_is_complete():
    assert exercises.ids("ch05") == sorted(IDS)
    assert {exercises.get(i).kind for i in IDS} == {"number", "multi", "labels"}
    for exercise_id in IDS:
        ex = exercises.get(exercise_id)
        assert ex.hint and ex.explanation


@pytest.mark.parametrize("exercise_id", IDS)
def test_right_answer_accepted_and_wrong_rejected(exercise_id):
    right, wrong = exercises.get(exercise_id).sample_answers()
    assert exercises.check(exercise_id, right).correct
    fb = exercises.check(exercise_id, wrong)
    assert not fb.correct and fb.message.startswith("✘")


@pytest.mark.parametrize("exercise_id", NUMBER_IDS)
def test_each_mistake_gets_its_message(exercise_id):
    ex = exercises.get(exercise_id)
    assert ex.mistakes
    for mistake in ex.mistakes:
        value = mistake.value() if callable(mistake.value) else mistake.value
        fb = exercises.check(exercise_id, f"{value:.6f}")
        assert not fb.correct and fb.message == f"✘ {mistake.message}", (value, fb.message)


def test_answers_follow_the_methods():
    items = datasets.load("crm_costs")
    assert exercises.check("ch05.tco_pv", f"{tco.total(items, rate=0.08):,.0f}").correct
    audit = tco.audit(items)
    assert exercises.check("ch05.initial_share", f"{audit.loc['initial purchase / 5-year TCO', 'value']:.4f}").correct
    bigger = tco.with_contingency(items, share=0.12)
    grow = bigger.loc[bigger["purpose"] == "contingency", "amount"].sum() - 1_545_000
    assert exercises.check("ch05.contingency_topup", f"{grow:.0f}").correct
    verdicts = ", ".join("within" if ok else "outside" for ok in audit["ok"])
    assert exercises.check("ch05.audit_verdicts", verdicts).correct
    assert exercises.check("ch05.service_costs", "B, C, D").correct
    sim = tco.simulate(items, n=10_000, seed=0)
    assert exercises.check("ch05.p80_overrun", f"{100 * (sim.p80 / sim.planned - 1):.1f}%").correct


def test_labels_and_options_are_explained():
    fb = exercises.check("ch05.audit_verdicts", "within, within, within, within, outside, outside")
    assert not fb.correct and "(2) contingency" in fb.message
    fb = exercises.check("ch05.service_costs", "A, B, C, D")
    assert not fb.correct and "licences are the product bought" in fb.message
