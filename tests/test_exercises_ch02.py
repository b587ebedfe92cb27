"""Exercises of chapter 02: its bank (counts of issue 12), answers that follow from the pyramid's methods, and
feedback that names each listed mistake. The checks every exercise gets are in test_exercises.py."""

from __future__ import annotations

import pytest

from crmlab import exercises, pyramid

IDS = ["ch02.levels", "ch02.cycle_time_serves", "ch02.flow", "ch02.bank_quality", "ch02.faster_offers",
       "ch02.waste_fixed_status", "ch02.financial_first", "ch02.act_first"]


def test_chapter_02_bank_is_complete():
    # Counts, solutions, units and stated precision are the policy for every chapter: tests/test_exercise_policy.py.
    assert exercises.ids("ch02") == sorted(IDS)
    bank = [exercises.get(i) for i in IDS]
    assert [e.id for e in bank if e.kind == "judgement"] == ["ch02.act_first"]
    assert all("percentage of target" in e.prompt for e in bank if e.kind == "number")


def test_answers_follow_the_methods():
    # The bank's quality node by hand: 0.72/0.80, 0.004/0.005, min(0.03/0.02, 1.2).
    assert exercises.get("ch02.bank_quality").expected == pytest.approx((0.9 + 0.8 + 1.2) / 3)
    assert exercises.check("ch02.bank_quality", "96.7%").correct
    assert exercises.check("ch02.bank_quality", "0.967").correct
    m = pyramid.example_measures()
    m.loc[m["measure"] == "Days to launch a tailored offer", "actual"] = 9.0
    faster = pyramid.from_frame(m)
    assert faster.measures.set_index("measure").at["Days to launch a tailored offer", "achievement"] == \
        pytest.approx(10 / 9)
    assert exercises.check("ch02.faster_offers", f"{faster.score:.1%}").correct
    base = pyramid.from_frame(pyramid.example_measures()).nodes["score"]
    assert exercises.get("ch02.financial_first").expected == pytest.approx(
        (base["market"] + 3 * base["financial"]) / 4)
    assert exercises.check("ch02.financial_first", "91.7%").correct
    waste = pyramid.example_measures()
    is_waste = waste["node"] == "waste"
    waste.loc[is_waste, "actual"] = waste.loc[is_waste, "target"]
    productivity = pyramid.from_frame(waste).nodes.at["productivity", "score"]
    assert 0.85 <= productivity < 0.95
    assert exercises.check("ch02.waste_fixed_status", "B").correct
    assert exercises.check("ch02.levels", "business operating systems, departments and work centres, business units, "
                                          "departments and work centres, vision").correct
    assert exercises.check("ch02.cycle_time_serves", "B, C").correct
    assert exercises.check("ch02.flow", "A").correct


@pytest.mark.parametrize("exercise_id, answer, reason", [
    ("ch02.bank_quality", "106.7%", "capped at 1.2"),
    ("ch02.bank_quality", "92.2%", "target ÷ actual"),
    ("ch02.bank_quality", "93.9%", "Two slips"),
    ("ch02.faster_offers", "92.2%", "today's vision score"),
    ("ch02.faster_offers", "92.6%", "10 / 9"),
    ("ch02.faster_offers", "93.0%", "serves two nodes"),
    ("ch02.faster_offers", "97.4%", "flexibility node"),
    ("ch02.financial_first", "92.6%", "weight 3"),
    ("ch02.financial_first", "0.922", "equal weights"),
    ("ch02.waste_fixed_status", "A", "stays under the 95 %"),
    ("ch02.waste_fixed_status", "C", "enough to clear 85 %"),
    ("ch02.cycle_time_serves", "A, B, C", "quality and delivery"),
    ("ch02.cycle_time_serves", "B, C, D", "two levels up"),
    ("ch02.flow", "B", "reverses the model"),
])
def test_each_listed_mistake_is_diagnosed(exercise_id, answer, reason):
    fb = exercises.check(exercise_id, answer)
    assert not fb.correct and reason in fb.message, fb.message


def test_hints_name_the_method_not_the_code_or_the_answer():
    for exercise_id in IDS:
        e = exercises.get(exercise_id)
        assert "pyramid." not in e.hint and "(" not in e.hint.replace("(is a lower actual good or bad?)", ""), \
            exercise_id
        if e.kind == "number":
            for shown in (f"{e.expected:.3f}", f"{e.expected:.1%}", f"{e.expected * 100:.1f}"):
                assert shown not in e.hint and shown not in e.prompt, (exercise_id, shown)


def test_judgement_shows_the_model_answer_after_an_attempt():
    assert "write your answer first" in exercises.check("ch02.act_first", "").message.lower()
    fb = exercises.check("ch02.act_first", "I would clean the data first because waste is the weakest node.")
    assert "data-cleaning sprint" in fb.message and "Check your answer for" in fb.message
