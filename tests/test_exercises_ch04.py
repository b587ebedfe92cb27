"""Exercises of chapter 04: its bank, answers that follow from its methods and data, the reasons given
for wrong options. The checks every exercise gets are in test_exercises.py."""

from __future__ import annotations

import pytest

from crmlab import datasets, exercises, finance

IDS = ["ch04.cost_of_equity", "ch04.wacc", "ch04.eva_lanting", "ch04.profit_vs_eva", "ch04.crm_mva",
       "ch04.adjustments"]


def test_chapter_04_bank_is_complete():
    assert exercises.ids("ch04") == sorted(IDS)
    assert {exercises.get(i).kind for i in IDS} == {"number", "choice", "multi"}


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
