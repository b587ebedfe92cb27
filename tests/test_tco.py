"""crmlab.tco: totals, the chapter's rules of thumb (each broken alone), Monte Carlo, planning, I/O."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmlab import datasets, finance, tco


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
    return [rule for rule, ok in result["ok"].items() if not pd.isna(ok) and not ok]


def _set(plan, mask, amount):
    plan.loc[mask, "amount"] = amount
    return plan


def test_compliant_plan_passes_every_rule():
    plan = compliant_plan()
    assert tco.total(plan) == pytest.approx(1600)
    result = tco.audit(plan)
    assert list(result.index) == list(tco.RULES)
    assert _failing(plan) == [] and result["ok"].notna().all()
    assert result["value"].tolist() == pytest.approx([0.15, 0.12, 0.60, 0.40, 0.1875, 0.3125])
    assert result["expected"].tolist() == ["15%–25%", "10%–15%", "55%–65%", "35%–45%", "15%–20%", "25%–40%"]


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


def test_maintenance_rule_is_checked_year_by_year():
    # 15 % on average but 10 % and 20 % in single years: the rule needs every year in range
    p = compliant_plan()
    p = _set(p, p["item"].eq("maintenance") & p["year"].eq(2), 20.0)
    p = _set(p, p["item"].eq("maintenance") & p["year"].eq(3), 40.0)
    p = _set(p, p["item"].eq("support desk") & p["year"].eq(2), 90.0)
    p = _set(p, p["item"].eq("support desk") & p["year"].eq(3), 70.0)
    row = tco.audit(p).loc["maintenance per year / licence price"]
    assert row["value"] == pytest.approx(0.15) and not row["ok"] and "y2 10.0%" in row["note"]
    # maintenance paid before any licence is bought cannot be in range
    q = pd.DataFrame({"component": ["maintenance", "licenses"], "year": [1, 2], "amount": [10.0, 100.0]})
    assert not tco.audit(q).loc["maintenance per year / licence price", "ok"]


def test_rules_that_cannot_be_assessed_are_na():
    bare = compliant_plan()[["component", "year", "amount"]]
    result = tco.audit(bare)  # no purpose or item: contingency and the year-3 rules; no phase: year 1 is initial
    assert result["ok"].isna().tolist() == [False, True, False, False, True, True]
    assert result.loc["initial purchase / 5-year TCO", "value"] == pytest.approx(0.6)
    longer = pd.concat([compliant_plan(), compliant_plan().query("year == 5").assign(year=6)])
    assert tco.audit(longer)["ok"].isna().sum() == 2  # a 6-year plan: the 5-year split is not assessed
    assert "covers 6 years" in tco.audit(longer).loc["initial purchase / 5-year TCO", "note"]


def test_dataset_audit_and_totals():
    items = datasets.load("crm_costs")
    assert tco.total(items) == pytest.approx(items["amount"].sum())
    assert tco.by_year(items)["total"].sum() == pytest.approx(items["amount"].sum())
    assert tco.by_component(items).sum() == pytest.approx(items["amount"].sum())
    assert list(tco.by_component(items).index) == list(tco.COMPONENTS)
    assert tco.total(items, rate=0.0) == pytest.approx(tco.total(items))
    discounted = tco.total(items, rate=0.08)
    assert discounted == pytest.approx(sum(a / 1.08 ** y for a, y in zip(items["amount"], items["year"])))
    result = tco.audit(items)
    assert result["ok"].tolist() == [True, False, True, True, False, False]
    # the chapter's reading of this plan: 18 % maintenance on the CRM licences, 6 % contingency
    assert result.loc["contingency / total TCO", "value"] == pytest.approx(1_545_000 / items["amount"].sum())
    initial = items.loc[items["phase"] == "initial", "amount"].sum() / items["amount"].sum()
    assert result.loc["initial purchase / 5-year TCO", "value"] == pytest.approx(initial)


@given(st.lists(st.tuples(st.sampled_from(tco.COMPONENTS), st.integers(1, 8), st.floats(0, 1e7)),
                min_size=1, max_size=40), st.floats(0, 0.5))
@settings(max_examples=100)
def test_totals_agree_property(rows, rate):
    items = pd.DataFrame(rows, columns=["component", "year", "amount"])
    grand = tco.total(items)
    assert tco.by_year(items)["total"].sum() == pytest.approx(grand)
    assert tco.by_component(items).sum() == pytest.approx(grand)
    assert tco.by_year(items)[list(tco.COMPONENTS)].sum(axis=1).tolist() == pytest.approx(
        tco.by_year(items)["total"].tolist())
    assert tco.total(items, rate=rate) <= grand + 1e-6
    audit = tco.audit(items)
    assert len(audit) == 6 and set(audit.columns) == {"value", "expected", "ok", "judged on", "note"}


@given(st.floats(0.0, 0.9))
def test_contingency_share_is_exact(share):
    plan = tco.with_contingency(compliant_plan(), share=share)
    reserve = plan.loc[plan["item"].eq("Contingency reserve"), "amount"].sum()
    assert reserve / plan["amount"].sum() == pytest.approx(share, abs=1e-12)
    assert plan["item"].str.contains("contingen", case=False).sum() == 1  # the old reserve is replaced


def test_cost_per_user():
    assert tco.cost_per_user(compliant_plan(), 16) == pytest.approx(100.0)
    assert tco.cost_per_user(compliant_plan(), 16, rate=0.1) < 100.0
    with pytest.raises(ValueError, match="users must be a number > 0"):
        tco.cost_per_user(compliant_plan(), 0)
    assert "caveat" in tco.cost_per_user.__doc__ or "with care" in tco.cost_per_user.__doc__


def test_simulation_is_seeded_and_follows_its_stated_risk_model():
    items = datasets.load("crm_costs")
    a, b = tco.simulate(items, n=5000, seed=3), tco.simulate(items, n=5000, seed=3)
    np.testing.assert_array_equal(a.totals, b.totals)
    assert not np.array_equal(a.totals, tco.simulate(items, n=5000, seed=4).totals)
    overrun = a.to_frame()["overrun"]
    assert overrun["planned"] == 0
    # Defaults: triangular(-10 %, +10 %, +80 %), the 27 % mean IT overrun of Flyvbjerg & Budzier (2011).
    assert (a.low, a.mode, a.high) == (-0.1, 0.1, 0.8)
    assert 0.15 <= overrun["P50"] <= 0.35 and overrun["P50"] < overrun["P80"] < overrun["P95"] <= 0.8
    assert a.planned == pytest.approx(items["amount"].sum())
    assert (a.totals >= 0.9 * a.planned - 1e-6).all() and (a.totals <= 1.8 * a.planned + 1e-6).all()
    assert a.probability_within(a.p80) == pytest.approx(0.8, abs=0.01)
    assert "TCO Monte Carlo" in a._repr_html_()


def test_simulation_mean_and_correlation():
    items = datasets.load("crm_costs")
    # triangular(-0.1, 0.1, 0.8) has mean 0.8/3; mixing shared and own draws keeps the mean
    for rho in (0.0, 0.5, 1.0):
        sim = tco.simulate(items, n=20_000, seed=0, correlation=rho)
        assert sim.totals.mean() / sim.planned - 1 == pytest.approx(0.8 / 3, abs=0.005)
    spread = {rho: tco.simulate(items, n=20_000, seed=0, correlation=rho).totals.std() for rho in (0.0, 0.5, 1.0)}
    assert spread[0.0] < spread[0.5] < spread[1.0]
    one = tco.simulate(items, n=20_000, seed=0, correlation=1.0)
    # all lines share one triangular draw: P50 of the total overrun is the triangular median 0.8 - sqrt(0.5*0.9*0.7)
    assert one.p50 / one.planned - 1 == pytest.approx(0.8 - math.sqrt(0.5 * 0.9 * 0.7), abs=0.01)
    underrun = tco.simulate(items, n=2000, low=-0.2, mode=0.0, high=0.2, correlation=0.0)
    assert underrun.totals.min() < underrun.planned < underrun.totals.max()


def test_short_view_gap_tests_the_chapters_claim_on_the_data():
    # Slide 21: plans that model only the first year or two underestimate the cost by 35-65 %.
    items = datasets.load("crm_costs")
    gap = tco.short_view_gap(items, years=2)
    yearly = tco.by_year(items)["total"]
    missed = yearly.loc[3:].sum() / yearly.sum()
    assert gap.loc[2, "share of TCO missed"] == pytest.approx(missed)
    assert round(gap.loc[2, "share of TCO missed"], 4) == 0.3344  # just below the chapter's 35 %
    assert gap.loc[2, "TCO above the short view"] == pytest.approx(yearly.sum() / yearly.loc[:2].sum() - 1)
    with pytest.raises(ValueError, match="years must be a whole number from 1 to 4"):
        tco.short_view_gap(items, years=5)


def test_audit_says_what_each_verdict_is_judged_on():
    audit = tco.audit(datasets.load("crm_costs"))
    row = audit.loc["competitive advantage per year from year 3 / year's cost"]
    # The mean (25.5 %) is inside 25-40 %, but year 4 (18.1 %) is not: the rule is judged year by year.
    assert 0.25 <= row["value"] <= 0.40 and not row["ok"]
    assert row["judged on"].startswith("every year 3–5 in range")
    assert audit.loc["contingency / total TCO", "judged on"] == "the value"


def test_plan_warns_of_returns_too_good_to_believe():
    absurd = tco.plan_tco(users=10, annual_benefit=30_000_000, years=10)
    assert any("times the TCO" in w for w in absurd.warnings) and any("IRR" in w for w in absurd.warnings)
    assert tco.plan_tco().warnings == []
    assert "TCO=25,233,909 CNY" in repr(tco.plan_tco()) and "years=5" in repr(tco.plan_tco())


def test_plan_tco_follows_its_assumptions():
    plan = tco.plan_tco(users=500, licence_price=4000, maintenance_rate=0.2, internal_staff=4, years=5,
                        discount_rate=0.1, annual_benefit=5e6)
    items = plan.items
    assert set(items["component"]) == set(tco.COMPONENTS)  # all eight components appear
    assert items.loc[items["item"].eq("CRM named-user licences"), "amount"].sum() == pytest.approx(2_000_000)
    licences = 2_000_000 * 1.14
    maintenance = items[items["component"].eq("maintenance")]
    assert maintenance["year"].tolist() == [2, 3, 4, 5]
    assert maintenance["amount"].tolist() == pytest.approx([0.2 * licences] * 4)
    assert items.loc[items["component"].eq("internal_staff"), "amount"].tolist() == pytest.approx([540_000] * 5)
    reserve = items.loc[items["purpose"].eq("contingency"), "amount"].sum()
    assert reserve / plan.total == pytest.approx(0.12)
    assert plan.benefits.tolist() == [0, 5e6, 5e6, 5e6, 5e6]
    flows = plan.cashflows
    assert flows[0] == 0 and flows[1:] == pytest.approx(plan.benefits.to_numpy() - plan.by_year["total"].to_numpy())
    assert plan.npv == pytest.approx(finance.npv(0.1, flows))
    assert plan.roi == pytest.approx((20e6 - plan.total) / plan.total)
    assert plan.present_value == pytest.approx(tco.total(items, rate=0.1))
    frame = plan.to_frame()
    assert frame["cumulative net"].iloc[-1] == pytest.approx(flows.sum())
    assert plan.audit.loc["maintenance per year / licence price", "value"] == pytest.approx(0.2)
    assert "TCO plan" in plan._repr_html_()
    longer = tco.plan_tco(years=8)
    assert longer.by_year.index.tolist() == list(range(1, 9))
    assert longer.items.query("item == 'Hardware refresh'")["year"].tolist() == [4, 7]


@given(st.integers(1, 5000), st.floats(0, 20_000), st.floats(0, 0.4), st.integers(0, 40), st.integers(2, 10),
       st.floats(0, 0.3), st.floats(0, 3e7))
@settings(max_examples=60, deadline=None)
def test_plan_tco_property(users, price, maintenance, staff, years, rate, benefit):
    plan = tco.plan_tco(users, price, maintenance, staff, years, rate, benefit)
    assert plan.total > 0 and plan.by_year.index.max() == years
    assert plan.npv == pytest.approx(finance.npv(rate, plan.cashflows), rel=1e-9, abs=1e-6)
    more = tco.plan_tco(users, price, maintenance, staff, years, rate, benefit + 1e6)
    assert more.npv > plan.npv  # a larger benefit always helps


@pytest.mark.parametrize("kwargs, message", [
    ({"users": 0}, "users must be a whole number from 1"),
    ({"users": 10.5}, "users must be a whole number"),
    ({"years": 1}, "years must be a whole number from 2 to 15"),
    ({"licence_price": -1}, "licence_price must be a number >= 0"),
    ({"maintenance_rate": 1.5}, "maintenance_rate must be a number <= 1"),
    ({"discount_rate": -1}, "discount_rate must be a number > -1"),
    ({"annual_benefit": float("nan")}, "annual_benefit must be a finite number"),
    ({"internal_staff": "six"}, "internal_staff must be a number"),
    ({"contingency": 1.0}, "contingency must be a number < 1"),
    ({"benefit_start": 9}, "benefit_start must be a whole number from 1 to 5"),
])
def test_plan_tco_errors(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        tco.plan_tco(**kwargs)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_round_trip_loses_nothing(tmp_path, suffix):
    items = datasets.load("crm_costs")
    items["note"] = ["许可证 licences"] + [None] * (len(items) - 1)  # Chinese text and empty cells survive too
    back = tco.read_items(tco.write_items(items, tmp_path / f"plan{suffix}"))
    pd.testing.assert_frame_equal(back.reset_index(drop=True), tco.validate(items).reset_index(drop=True),
                                  check_dtype=False)
    assert back["amount"].tolist() == items["amount"].tolist()  # exact, not approximately


@given(st.lists(st.floats(0, 1e12), min_size=1, max_size=20))
@settings(max_examples=25, deadline=None)
def test_excel_round_trip_is_exact_for_any_amount(amounts):
    import tempfile
    from pathlib import Path

    items = pd.DataFrame({"component": "other", "year": 1, "amount": amounts})
    with tempfile.TemporaryDirectory() as folder:
        back = tco.read_items(tco.write_items(items, Path(folder) / "plan.xlsx"))
    assert back["amount"].tolist() == items["amount"].tolist()


def test_an_amount_edited_in_excel_is_read_as_edited(tmp_path):
    import openpyxl

    plan = tco.plan_tco().items  # the contingency reserve has more digits than Excel keeps
    path = tco.write_items(plan, tmp_path / "plan.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["line_items"]
    header = [c.value for c in sheet[1]]
    assert "amount (exact)" in header and sheet.column_dimensions["G"].hidden
    sheet.cell(row=2, column=header.index("amount") + 1, value=1234.5)  # someone types a new quote
    book.save(path)
    back = tco.read_items(path)
    assert back.loc[0, "amount"] == 1234.5
    assert back["amount"].iloc[1:].tolist() == plan["amount"].iloc[1:].tolist()
    assert "amount (exact)" not in back


def test_excel_workbook_has_a_summary_sheet(tmp_path):
    path = tco.write_items(tco.plan_tco().items, tmp_path / "plan.xlsx")
    sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    assert list(sheets) == ["line_items", "by_year"]
    assert sheets["by_year"]["total"].sum() == pytest.approx(tco.plan_tco().total)


@pytest.mark.parametrize(
    "frame, message",
    [
        (pd.DataFrame({"component": ["hardware"], "year": [1], "amount": [-5.0]}),
         r"costs are positive\); got -5\.0 in row 0$"),
        (pd.DataFrame({"component": ["software"], "year": [1], "amount": [5.0]}), "valid components: licenses"),
        (pd.DataFrame({"component": ["hardware"], "year": [0], "amount": [5.0]}), "whole numbers from 1"),
        (pd.DataFrame({"component": ["hardware"], "year": [51], "amount": [5.0]}), "whole numbers from 1 to 50"),
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
    with pytest.raises(TypeError, match="items must be a pandas DataFrame"):
        tco.total([1, 2, 3])
    with pytest.raises(ValueError, match="n must be a whole number"):
        tco.simulate(items, n=0)
    with pytest.raises(ValueError, match="seed must be a whole number"):
        tco.simulate(items, seed=-1)
    with pytest.raises(ValueError, match="low <= mode <= high"):
        tco.simulate(items, mode=0.9)
    with pytest.raises(ValueError, match="correlation must be a number <= 1"):
        tco.simulate(items, correlation=1.5)
    with pytest.raises(ValueError, match="must end in .csv or .xlsx"):
        tco.read_items("plan.txt")
    with pytest.raises(ValueError, match="must end in .csv or .xlsx"):
        tco.write_items(items, "plan.json")


def test_plots_draw():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from crmlab.plots import money

    items = datasets.load("crm_costs")
    ax = money.plot_by_year(items)
    assert [t.get_text() for t in ax.get_legend().get_texts()][:2] == ["licences", "maintenance"]
    assert money.plot_components(items).get_title() == "Total cost of ownership by component"
    assert tco.simulate(items, n=500).plot().get_title().startswith("Monte Carlo of cost overruns\nrisk model")
    assert tco.plan_tco().plot().get_title().startswith("TCO 25.23")
    # the plan chart's axis carries benefits too; a cost-only chart says cost
    assert tco.plan_tco().plot().get_ylabel() == "cost and benefit a year (million CNY)"
    assert money.plot_by_year(items).get_ylabel() == "cost a year (million CNY)"
    plt.close("all")


@pytest.mark.parametrize("assumptions", [{}, {"users": 2300}, {"annual_benefit": 20e6},
                                         {"years": 10, "users": 3000}, {"users": 10, "internal_staff": 0}])
def test_plan_chart_keeps_totals_off_the_benefit_line(assumptions):
    """Each year's total is a number a student reads: the benefit line must never run through it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.text import Annotation

    ax = tco.plan_tco(**assumptions).plot()
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    (line,) = [ln for ln in ax.get_lines() if ln.get_label() == "benefit"]
    xy = ax.transData.transform(line.get_xydata())
    labels = [t for t in ax.texts if isinstance(t, Annotation)]
    assert len(labels) == len(line.get_xdata())
    for label in labels:
        box = label.get_window_extent(renderer)
        xs = np.linspace(box.x0, box.x1, 25)
        ys = np.interp(xs, xy[:, 0], xy[:, 1])
        assert not np.any((ys > box.y0 - 1) & (ys < box.y1 + 1)), \
            f"the benefit line crosses the total {label.get_text()!r}"
    legend = ax.get_legend().get_window_extent(renderer)
    assert legend.x0 >= ax.get_window_extent(renderer).x1, "the legend must sit outside the plot area"
    plt.close(fig)
