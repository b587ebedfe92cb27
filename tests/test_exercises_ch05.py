"""Exercises of chapter 05: its bank, answers that follow from its methods and data, the reasons given
for wrong options. The checks every exercise gets are in test_exercises.py."""

from __future__ import annotations

from crmlab import datasets, exercises, tco

IDS = ["ch05.tco_pv", "ch05.initial_share", "ch05.contingency_topup", "ch05.audit_verdicts", "ch05.service_costs",
       "ch05.p80_overrun"]


def test_chapter_05_bank_is_complete():
    assert exercises.ids("ch05") == sorted(IDS)
    assert {exercises.get(i).kind for i in IDS} == {"number", "multi", "labels"}


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
