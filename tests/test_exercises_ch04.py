"""Exercises of chapter 04: its bank, answers that follow from its methods and data, the reasons given
for wrong options. The checks every exercise gets are in test_exercises.py."""

from __future__ import annotations

import pytest

from crmlab import datasets, exercises, finance

IDS = ["ch04.cost_of_equity", "ch04.wacc", "ch04.eva_huaxin", "ch04.profit_vs_eva", "ch04.crm_mva",
       "ch04.marketing_life", "ch04.adjustments", "ch04.bonus_judgement"]


def _row(table, firm, year):
    return table[(table["firm"] == firm) & (table["year"] == year)].iloc[0]


def test_chapter_04_bank_is_complete():
    # Counts, solutions, units and stated precision are the policy for every chapter: tests/test_exercise_policy.py.
    assert exercises.ids("ch04") == sorted(IDS)
    assert sum(exercises.get(i).kind == "judgement" for i in IDS) == 1


def test_answers_follow_the_methods_on_2022():
    table = finance.eva_frame(datasets.load("firm_financials"))
    jinhe = _row(table, "Jinhe Retail", 2022)
    assert exercises.check("ch04.cost_of_equity", f"{100 * jinhe['cost_of_equity']:.2f}%").correct
    assert exercises.check("ch04.wacc", f"{100 * jinhe['wacc']:.2f}%").correct
    assert not exercises.check("ch04.wacc", f"{100 * _row(table, 'Jinhe Retail', 2024)['wacc']:.2f}%").correct
    huaxin = _row(table, "Huaxin Telecom", 2022)
    assert exercises.check("ch04.eva_huaxin", f"{huaxin['eva']:.1f}").correct
    # built from the WACC rounded as the chapter shows it (4 decimals): accepted
    capital = huaxin["capital_charge"] / huaxin["wacc"]
    rounded = huaxin["nopat"] - round(huaxin["wacc"], 4) * capital
    assert exercises.check("ch04.eva_huaxin", f"{rounded:.2f}").correct
    assert "sign is wrong" in exercises.check("ch04.eva_huaxin", f"{-huaxin['eva']:.1f}").message
    assert exercises.check("ch04.profit_vs_eva", "A").correct
    assert exercises.check("ch04.adjustments", "A, B").correct


def test_marketing_life_uses_the_cash_tax_convention():
    data = datasets.load("firm_financials")
    history = data[data["firm"] == "Jinhe Retail"].sort_values("year")["marketing_expense"].tolist()
    c = finance.capitalise(history, life=3)
    w = _row(finance.eva_frame(data), "Jinhe Retail", 2024)["wacc"]
    assert exercises.check("ch04.marketing_life", f"{c.nopat_adjustment - w * c.asset:.1f}").correct
    taxed = c.nopat_adjustment * 0.75 - w * c.asset
    assert "taxed the add-back" in exercises.check("ch04.marketing_life", f"{taxed:.1f}").message


def test_crm_mva_equals_the_npv_of_the_same_investment():
    items = datasets.load("crm_costs")
    investment = items.loc[items["phase"] == "initial", "amount"].sum()
    running = items[items["year"] >= 2].groupby("year")["amount"].sum().mean()
    table = finance.eva_frame(datasets.load("firm_financials"))
    wacc = _row(table, "Lanting Property", 2024)["wacc"]
    e = finance.investment_eva(investment, [8e6 - running] * 5, wacc, 0.25, life=4)
    assert exercises.check("ch04.crm_mva", f"{e.npv / 1e6:.2f}").correct  # MVA = NPV, in million CNY


@pytest.mark.parametrize("exercise_id, answer, reason", [
    ("ch04.profit_vs_eva", "B", "both can be right"),
    ("ch04.adjustments", "A, B, C", "changes NOPAT"),
    ("ch04.adjustments", "A, D", "changes the WACC"),
])
def test_wrong_options_are_explained(exercise_id, answer, reason):
    fb = exercises.check(exercise_id, answer)
    assert not fb.correct and reason in fb.message
