"""Exercises of chapter 04: the right answer is accepted and each known mistake gets its message."""

from __future__ import annotations

import pytest

from crmlab import datasets, exercises, finance

IDS = ["ch04.cost_of_equity", "ch04.wacc", "ch04.eva_lanting", "ch04.profit_vs_eva", "ch04.crm_mva",
       "ch04.adjustments"]
NUMBER_IDS = [i for i in IDS if exercises.get(i).kind == "number"]


def test_chapter_04_bank_is_complete():
    assert exercises.ids("ch04") == sorted(IDS)
    assert {exercises.get(i).kind for i in IDS} == {"number", "choice", "multi"}
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
    table = finance.eva_frame(datasets.load("firm_financials"))
    row = table[(table["firm"] == "Jinhe Retail") & (table["year"] == 2024)].iloc[0]
    assert exercises.check("ch04.cost_of_equity", f"{100 * row['cost_of_equity']:.2f}%").correct
    assert exercises.check("ch04.wacc", f"{row['wacc']:.4f}").correct
    assert "Rates are decimals" in exercises.check("ch04.wacc", f"{100 * row['wacc']:.2f}").message
    lanting = table[(table["firm"] == "Lanting Property") & (table["year"] == 2024)].iloc[0]
    assert exercises.check("ch04.eva_lanting", f"{lanting['eva']:.1f}").correct
    assert "sign is wrong" in exercises.check("ch04.eva_lanting", f"{-lanting['eva']:.1f}").message
    assert exercises.check("ch04.profit_vs_eva", "A").correct
    assert exercises.check("ch04.adjustments", "A, B").correct


def test_crm_mva_equals_the_npv_of_the_same_investment():
    items = datasets.load("crm_costs")
    investment = items.loc[items["phase"] == "initial", "amount"].sum()
    running = items[items["year"] >= 2].groupby("year")["amount"].sum().mean()
    table = finance.eva_frame(datasets.load("firm_financials"))
    wacc = table[(table["firm"] == "Lanting Property") & (table["year"] == 2024)]["wacc"].iloc[0]
    e = finance.investment_eva(investment, [8e6 - running] * 5, wacc, 0.25, life=4)
    assert exercises.check("ch04.crm_mva", f"{e.npv:,.0f}").correct  # MVA = NPV
    assert exercises.check("ch04.crm_mva", f"¥{e.mva:,.0f}").correct


@pytest.mark.parametrize("exercise_id, answer, reason", [
    ("ch04.profit_vs_eva", "B", "both can be right"),
    ("ch04.adjustments", "A, B, C", "changes NOPAT"),
    ("ch04.adjustments", "A, D", "changes the WACC"),
])
def test_wrong_options_are_explained(exercise_id, answer, reason):
    fb = exercises.check(exercise_id, answer)
    assert not fb.correct and reason in fb.message
