"""Exercises of chapter 06: its bank, answers that follow from its methods and data, the reasons given
for wrong options. The checks every exercise gets are in test_exercises.py."""

from __future__ import annotations

import numpy as np
import pytest

from crmlab import datasets, exercises, finance, tco
from crmlab.exercises import ch06

IDS = ["ch06.roi_overrun", "ch06.npv_delay", "ch06.payback", "ch06.retention_cohorts", "ch06.benefit_labels",
       "ch06.tornado_top", "ch06.two_irrs", "ch06.go_judgement"]


def test_chapter_06_bank_is_complete():
    # Counts, solutions, units and stated precision are the policy for every chapter: tests/test_exercise_policy.py.
    assert exercises.ids("ch06") == sorted(IDS)
    assert sum(exercises.get(i).kind == "judgement" for i in IDS) == 1


def test_project_model_matches_notebook_06():
    # Notebook 06, section 2: saved customers stay and decay with retention 0.9 (chapter 08's clv_cohort):
    # year 5 keeps 24 x 0.9^3 + 48 x (0.9^2 + 0.9 + 1) customers at 60,000 CNY.
    kept = 24 * 0.9 ** 3 + 48 * (0.81 + 0.9 + 1)
    assert ch06.retention_benefit()[-1] == pytest.approx(kept * 60_000)
    assert ch06.benefits().tolist() == pytest.approx([0, 3.59e6, 8.476e6, 10.9384e6, 13.15456e6])
    costs = tco.by_year(datasets.load("crm_costs"))["total"].to_numpy()
    assert ch06.flows().tolist() == pytest.approx([0.0, *(ch06.benefits() - costs)])
    assert ch06.benefits(delay=1).tolist() == pytest.approx([0, 0, 3.59e6, 8.476e6, 10.9384e6])
    assert ch06.project_npv() == pytest.approx(finance.npv(0.08, ch06.flows()))


def test_answers_follow_the_methods():
    flows = ch06.flows()
    a = finance.appraise(0.10, flows)
    assert exercises.check("ch06.payback", f"{a.discounted_payback:.2f}").correct
    assert not exercises.check("ch06.payback", f"{a.payback:.2f}").correct
    late = finance.npv(0.10, ch06.flows(delay=1))
    assert exercises.check("ch06.npv_delay", f"{late / 1e6:.2f}").correct
    cost = 1.25 * ch06._costs().sum()
    assert exercises.check("ch06.roi_overrun", f"{100 * finance.roi(ch06.benefits().sum(), cost):.1f}%").correct
    assert exercises.check("ch06.retention_cohorts",
                           f"{ch06.retention_benefit(retention=0.85)[-1] / 1e6:.2f}").correct
    assert finance.irrs([-10, 25, -15.6]) == pytest.approx([0.2, 0.3])
    assert exercises.check("ch06.two_irrs", "A").correct
    assert np.isclose(finance.npv(0.25, [-10, 25, -15.6]), 0.016)
    assert exercises.check("ch06.tornado_top", "A").correct


def test_wrong_options_and_labels_are_explained():
    fb = exercises.check("ch06.tornado_top", "C")
    assert not fb.correct and "least" in fb.message
    fb = exercises.check("ch06.two_irrs", "B")
    assert not fb.correct and "NPV at the cost of capital decides" in fb.message
    fb = exercises.check("ch06.benefit_labels", "retention, revenue growth, efficiency, cost reduction, intangible")
    assert not fb.correct and "(3) fewer call-centre agents" in fb.message
