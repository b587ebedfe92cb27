"""crmlab.tco: totals, the chapter's rules of thumb (each broken alone), Monte Carlo, Excel round trip."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmlab import datasets, tco


def compliant_plan() -> pd.DataFrame:
    """A 1,600 plan that meets every rule (hand-built: initial 960 = 60 %, contingency 192 = 12 %,
    maintenance 30 = 15 % of 200 of licences, from year 3 keep-running 30/160 = 18.75 %, advantage 50/160 = 31.25 %)."""
    rows = [("licences", "licenses", 1, "initial", "implementation", 200.0),
            ("integrator", "external_services", 1, "initial", "implementation", 400.0),
            ("project team", "internal_staff", 1, "initial", "implementation", 168.0),
            ("contingency reserve", "other", 1, "initial", "contingency", 192.0)]
    for year in range(2, 6):
        rows += [("maintenance", "maintenance", year, "ongoing", "keep_running", 30.0),
                 ("upgrades", "external_services", year, "ongoing", "advantage", 50.0),
                 ("support desk", "internal_staff", year, "ongoing", "operations", 80.0)]
    return pd.DataFrame(rows, columns=["item", "component", "year", "phase", "purpose", "amount"])


def _failing(plan) -> list[str]:
    result = tco.audit(plan)
    return [rule for rule, ok in result["ok"].items() if ok is False or ok == False]  # noqa: E712


def _set(plan, mask, amount):
    plan.loc[mask, "amount"] = amount
    return plan


def test_compliant_plan_passes_every_rule():
    plan = compliant_plan()
    assert tco.total(plan) == pytest.approx(1600)
    assert _failing(plan) == []


def test_each_rule_broken_alone():
    p = compliant_plan()  # maintenance: fewer licences, same initial cost
    p = _set(p, p["item"].eq("licences"), 100.0)
    p = _set(p, p["item"].eq("project team"), 268.0)
    assert _failing(p) == ["maintenance per year / licence price"]

    p = compliant_plan()  # contingency too small
    p = _set(p, p["item"].eq("contingency reserve"), 92.0)
    p = _set(p, p["item"].eq("integrator"), 500.0)
    assert _failing(p) == ["contingency / total TCO"]

    p = compliant_plan()  # initial and ongoing shares are complements: move the project team to year 2
    p.loc[p["item"].eq("project team"), ["year", "phase", "purpose"]] = [2, "ongoing", "operations"]
    assert _failing(p) == ["initial purchase / 5-year TCO", "ongoing support / 5-year TCO"]

    p = compliant_plan()  # keep-running share too high in year 4
    p.loc[len(p)] = ["bug fixes", "external_services", 4, "ongoing", "keep_running", 20.0]
    p = _set(p, p["item"].eq("support desk") & p["year"].eq(4), 60.0)
    assert _failing(p) == ["keep running per year from year 3 / year's cost"]

    p = compliant_plan()  # advantage share too low in year 5
    p = _set(p, p["item"].eq("upgrades") & p["year"].eq(5), 20.0)
    p = _set(p, p["item"].eq("support desk") & p["year"].eq(5), 110.0)
    assert _failing(p) == ["competitive advantage per year from year 3 / year's cost"]


def test_dataset_audit_and_totals():
    items = datasets.load("crm_costs")
    assert tco.by_year(items)["total"].sum() == pytest.approx(items["amount"].sum())
    assert list(tco.by_component(items).index) == list(tco.COMPONENTS)
    assert tco.total(items, rate=0.0) == pytest.approx(tco.total(items))
    discounted = tco.total(items, rate=0.08)
    assert discounted == pytest.approx(sum(a / 1.08 ** y for a, y in zip(items["amount"], items["year"])))
    without_purpose = tco.audit(items.drop(columns="purpose"))
    assert without_purpose["ok"].isna().sum() == 2


def test_simulation_is_seeded_and_in_the_chapter_range():
    items = datasets.load("crm_costs")
    a, b = tco.simulate(items, n=5000, seed=3), tco.simulate(items, n=5000, seed=3)
    np.testing.assert_array_equal(a.totals, b.totals)
    overrun = a.to_frame()["overrun"]
    assert 0.35 <= overrun["P50"] <= 0.65 and overrun["P50"] < overrun["P80"] < overrun["P95"] <= 0.8


def test_contingency_and_cost_per_user():
    plan = tco.with_contingency(compliant_plan(), share=0.15)
    reserve = plan.loc[plan["item"].eq("Contingency reserve"), "amount"].sum()
    assert reserve / plan["amount"].sum() == pytest.approx(0.15)
    assert tco.cost_per_user(compliant_plan(), 16) == pytest.approx(100.0)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_round_trip_loses_nothing(tmp_path, suffix):
    items = datasets.load("crm_costs")
    back = tco.read_items(tco.write_items(items, tmp_path / f"plan{suffix}"))
    pd.testing.assert_frame_equal(back.reset_index(drop=True), tco.validate(items).reset_index(drop=True),
                                  check_dtype=False)


@pytest.mark.parametrize(
    "frame, message",
    [
        (pd.DataFrame({"component": ["hardware"], "year": [1], "amount": [-5.0]}), "costs are positive"),
        (pd.DataFrame({"component": ["software"], "year": [1], "amount": [5.0]}), "valid components: licenses"),
        (pd.DataFrame({"component": ["hardware"], "year": [0], "amount": [5.0]}), "whole numbers from 1"),
        (pd.DataFrame({"component": ["hardware"], "year": [1.5], "amount": [5.0]}), "whole numbers from 1"),
        (pd.DataFrame({"component": ["hardware"], "year": [1]}), "missing column"),
    ],
)
def test_bad_items(frame, message):
    with pytest.raises(ValueError, match=message):
        tco.total(frame)


def test_bad_arguments():
    items = datasets.load("crm_costs")
    with pytest.raises(ValueError, match="rate must be a number > -1"):
        tco.total(items, rate=-1)
    with pytest.raises(ValueError, match="n must be a whole number"):
        tco.simulate(items, n=0)
    with pytest.raises(ValueError, match="low <= mode <= high"):
        tco.simulate(items, mode=0.9)
    with pytest.raises(ValueError, match="must end in .csv or .xlsx"):
        tco.read_items("plan.txt")
