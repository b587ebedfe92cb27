"""Exercises of chapter 05: its bank, answers that follow from its methods and data, the reasons given
for wrong options. The checks every exercise gets are in test_exercises.py."""

from __future__ import annotations

from crmlab import datasets, exercises, tco
from crmlab.exercises import ch05

IDS = ["ch05.tco_pv", "ch05.initial_share", "ch05.contingency_topup", "ch05.audit_verdicts", "ch05.service_costs",
       "ch05.short_view", "ch05.p80_overrun", "ch05.budget_judgement"]


def test_chapter_05_bank_is_complete():
    # Counts, solutions, units and stated precision are the policy for every chapter: tests/test_exercise_policy.py.
    assert exercises.ids("ch05") == sorted(IDS)
    assert sum(exercises.get(i).kind == "judgement" for i in IDS) == 1


def test_answers_follow_the_methods():
    items = datasets.load("crm_costs")
    assert exercises.check("ch05.tco_pv", f"{tco.total(items, rate=0.10) / 1e6:.2f}").correct
    assert not exercises.check("ch05.tco_pv", f"{tco.total(items, rate=0.08) / 1e6:.2f}").correct
    bigger = tco.with_contingency(items, share=0.15)
    share = bigger.loc[bigger["phase"] == "initial", "amount"].sum() / bigger["amount"].sum()
    assert exercises.check("ch05.initial_share", f"{100 * share:.1f}%").correct
    ten = tco.with_contingency(items, share=0.10)
    grow = ten.loc[ten["purpose"] == "contingency", "amount"].sum() - 1_545_000
    assert exercises.check("ch05.contingency_topup", f"{grow / 1e6:.2f}").correct
    plan = tco.plan_tco(**ch05.VARIANT)
    verdicts = ", ".join("within" if ok else "outside" for ok in plan.audit["ok"])
    assert exercises.check("ch05.audit_verdicts", verdicts).correct
    gap = tco.short_view_gap(plan.items, years=2).loc[2, "share of TCO missed"]
    assert exercises.check("ch05.short_view", f"{100 * gap:.1f}%").correct
    assert exercises.check("ch05.service_costs", "B, C, D").correct
    sim = tco.simulate(items, n=10_000, seed=0, high=1.0)
    assert exercises.check("ch05.p80_overrun", f"{100 * (sim.p80 / sim.planned - 1):.1f}%").correct


def test_labels_and_options_are_explained():
    fb = exercises.check("ch05.service_costs", "A, B, C, D")
    assert not fb.correct and "licences are the product bought" in fb.message
    sim = tco.simulate(datasets.load("crm_costs"), n=10_000, seed=0, high=1.0)
    fb = exercises.check("ch05.p80_overrun", f"{sim.p80 / sim.planned:.4f}")
    assert not fb.correct and "multiple" in fb.message
