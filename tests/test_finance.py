"""crmlab.finance: discounting, IRR, payback, cost of capital, EVA, appraisal and sensitivity.

Published worked examples reproduced to 4 decimals (each test names its source), agreement
with numpy-financial on 1,000 random cash-flow series, and hypothesis properties.
"""

from __future__ import annotations

import math

import numpy as np
import numpy_financial as npf
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from crmlab import datasets, finance

# --------------------------------------------------------------------------- published worked examples


def test_bma_irr_example():
    # Brealey, Myers & Allen, Principles of Corporate Finance, ch. 5 (internal rate of return):
    # C0 = -4,000, C1 = +2,000, C2 = +4,000 has IRR = 28.08 %. With x = 1/(1+r) the NPV is
    # 4000x^2 + 2000x - 4000 = 0, so x = (sqrt(17) - 1)/4 and r = (sqrt(17) - 3)/4 exactly.
    assert finance.irr([-4000, 2000, 4000]) == pytest.approx((math.sqrt(17) - 3) / 4, abs=1e-12)
    assert round(finance.irr([-4000, 2000, 4000]), 4) == 0.2808


def test_bma_payback_projects_a_b_c():
    # Brealey, Myers & Allen, ch. 5, the payback rule (Table 5.1): three projects at 10 %,
    # NPV +2,624 / -58 / +50 and payback 3 / 2 / 2 years counted in whole years. Our
    # payback interpolates within the year, so its ceiling is the book's figure.
    projects = {"A": ([-2000, 500, 500, 5000], 2624, 3, 2 + 1000 / 5000),
                "B": ([-2000, 500, 1800], -58, 2, 1 + 1500 / 1800),
                "C": ([-2000, 1800, 500], 50, 2, 1 + 200 / 500)}
    for flows, book_npv, book_payback, interpolated in projects.values():
        value = finance.npv(0.10, flows)
        assert round(value) == book_npv
        assert value == pytest.approx(sum(c / 1.1 ** t for t, c in enumerate(flows)), abs=1e-9)
        assert math.ceil(finance.payback(flows)) == book_payback
        assert finance.payback(flows) == pytest.approx(interpolated, abs=1e-12)
    # Project A discounted: cumulative PV -2000, -1545.45, -1132.23, +2624.34 -> 2 + 1132.2314/3756.5740
    assert round(finance.discounted_payback(0.10, projects["A"][0]), 4) == 2.3014


def test_bma_payback_practice_question():
    # Brealey, Myers & Allen, ch. 5, practice question (projects A, B, C at 10 %): A has a negative
    # NPV, B and C positive; payback 1, 2 and 4 years; a 3-year cutoff accepts A and B.
    flows = {"A": [-1000, 1000, 0, 0, 0, 0], "B": [-2000, 1000, 1000, 4000, 1000, 1000],
             "C": [-3000, 1000, 1000, 0, 1000, 1000]}
    npvs = {k: finance.npv(0.10, v) for k, v in flows.items()}
    assert round(npvs["A"], 2) == -90.91
    assert round(npvs["B"], 2) == 4044.73
    assert round(npvs["C"], 2) == 39.47
    assert [finance.payback(v) for v in flows.values()] == [1.0, 2.0, 4.0]


def test_rwj_multiple_irrs():
    # Ross, Westerfield & Jaffe, Corporate Finance, ch. 5 (problems with the IRR approach):
    # project C, -100, +230, -132, has IRRs of 10 % and 20 %; and the "multiple IRRs" problem
    # -252, +1,431, -3,035, +2,850, -1,000 has four: 25 %, 33.33 %, 42.86 % and 66.67 %.
    assert [round(r, 4) for r in finance.irrs([-100, 230, -132])] == [0.1, 0.2]
    four = finance.irrs([-252, 1431, -3035, 2850, -1000])
    assert [round(r, 4) for r in four] == [0.25, 0.3333, 0.4286, 0.6667]
    assert four == pytest.approx([0.25, 1 / 3, 3 / 7, 2 / 3], abs=1e-10)
    assert finance.irr([-252, 1431, -3035, 2850, -1000]) == pytest.approx(0.25, abs=1e-10)  # closest to zero


def test_cfa_two_irrs():
    # CFA Level I reading on capital budgeting: -2,000, +10,000, -10,000 has two IRRs of about
    # 38 % and 260 %. Exactly, x = 1/(1+r) solves x^2 - x + 0.2 = 0.
    rates = finance.irrs([-2000, 10000, -10000])
    exact = sorted(1 / x - 1 for x in ((1 + math.sqrt(0.2)) / 2, (1 - math.sqrt(0.2)) / 2))
    assert rates == pytest.approx(exact, abs=1e-12)
    assert [round(r, 4) for r in rates] == [0.382, 2.618]


def test_numpy_financial_documentation_examples():
    # numpy-financial's irr and npv docstrings (values rounded there to 4-5 significant digits).
    for flows, expected in [([-100, 39, 59, 55, 20], 0.28095), ([-100, 0, 0, 74], -0.0955),
                            ([-100, 100, 0, -7], -0.0833), ([-100, 100, 0, 7], 0.06206),
                            ([-5, 10.5, 1, -8, 1], 0.0886)]:
        assert finance.irr(flows) == pytest.approx(expected, abs=5e-5)
        assert finance.irr(flows) == pytest.approx(npf.irr(flows), abs=1e-9)
    assert finance.npv(0.281, [-100, 39, 59, 55, 20]) == pytest.approx(-0.0084785916384548798, abs=1e-12)


def test_bma_sangria_wacc():
    # Brealey, Myers & Allen, ch. 19 (Sangria Corporation): market values D = 500, E = 750,
    # rD = 6 %, rE = 12.4 %, Tc = 35 % give an after-tax WACC of 9.0 %; the perpetual crushing
    # machine (12.5 million, 1.731 million a year pre-tax) has an NPV of about zero.
    w = finance.wacc(equity=750, debt=500, cost_of_equity=0.124, cost_of_debt=0.06, tax_rate=0.35)
    assert round(w, 4) == 0.09
    assert w == pytest.approx(0.06 * 0.65 * 0.4 + 0.124 * 0.6, abs=1e-15)
    project_npv = -12.5 + 1.731 * (1 - 0.35) / w
    assert round(project_npv, 4) == 0.0017


def test_capm_and_wacc_textbook_exercise():
    # Standard exercise (CAPM, then WACC): rf = 4 %, market return 10 %, beta 1.2 give a cost of
    # equity of 11.2 %; with 60 % equity, 40 % debt at 6 % pre-tax and a 30 % tax rate, WACC = 8.4 %.
    ke = finance.capm(risk_free=0.04, beta=1.2, market_return=0.10)
    assert round(ke, 4) == 0.112
    assert round(finance.wacc(60, 40, ke, 0.06, 0.30), 4) == 0.084


def test_eva_four_steps_example():
    # "Four steps to calculating EVA" (exinfm.com): gross profit 100,000 - depreciation 85,000 =
    # 15,000, taxed at 30 % -> NOPAT 10,500; capital 20,000 + 60,000 = 80,000; WACC from a 14 %
    # cost of equity (35 % weight) and 9 % debt (65 %) = 10.75 %; capital charge 8,600; EVA 1,900.
    w = finance.wacc(equity=35, debt=65, cost_of_equity=0.14, cost_of_debt=0.09, tax_rate=0.0)
    assert round(w, 4) == 0.1075
    s = finance.eva_statement(ebit=100_000 - 85_000, tax_rate=0.30, invested_capital=20_000 + 60_000, wacc=w)
    assert round(s.nopat, 4) == 10_500
    assert round(s.capital_charge, 4) == 8_600
    assert round(s.eva, 4) == 1_900
    assert round(finance.eva(10_500, w, 80_000), 4) == 1_900


def test_eva_spread_example():
    # Stern Stewart's EVA primer: NOPAT 100 on capital 800 at a 10 % cost of capital leaves EVA 20,
    # the same as (return on capital 12.5 % - 10 %) x 800.
    s = finance.eva_statement(ebit=100, tax_rate=0.0, invested_capital=800, wacc=0.10)
    assert s.eva == pytest.approx(20.0) and s.return_on_capital == pytest.approx(0.125)
    assert (s.return_on_capital - s.wacc) * s.capital == pytest.approx(s.eva)


# --------------------------------------------------------------------------- numpy-financial agreement


def _random_series(rng, mixed: bool) -> np.ndarray:
    n = int(rng.integers(2, 15))
    later = rng.normal(800, 2500, size=n) if mixed else rng.uniform(0, 4_000, size=n)
    return np.concatenate([[-rng.uniform(100, 10_000)], later])


@pytest.mark.parametrize("mixed", [False, True], ids=["conventional", "mixed-sign"])
def test_agreement_with_numpy_financial_on_1000_random_series(mixed):
    rng = np.random.default_rng(2024 + mixed)
    compared = 0
    for _ in range(1000):
        flows = _random_series(rng, mixed)
        rate = float(rng.uniform(-0.5, 0.5))
        assert finance.npv(rate, flows) == pytest.approx(npf.npv(rate, flows), rel=1e-9, abs=1e-9)
        expected = npf.irr(flows)
        if math.isfinite(expected):
            assert finance.irr(flows) == pytest.approx(expected, abs=1e-9)
            compared += 1
        else:  # numpy-financial finds no IRR: neither may we
            with pytest.raises(ValueError):
                finance.irr(flows)
    assert compared > 500


# --------------------------------------------------------------------------- properties

flows_strategy = st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=12)
rates_strategy = st.floats(-0.9, 2.0, allow_nan=False)


@given(flows_strategy, st.floats(-100, 100, allow_nan=False), rates_strategy)
def test_npv_is_linear_and_undiscounted_at_zero(flows, scale, rate):
    assert finance.npv(0.0, flows) == pytest.approx(math.fsum(flows), abs=1e-6)
    assert finance.npv(rate, [scale * f for f in flows]) == pytest.approx(
        scale * finance.npv(rate, flows), rel=1e-9, abs=1e-3)


@settings(max_examples=200)
@given(st.floats(100, 1e6), st.lists(st.floats(0, 1e6), min_size=1, max_size=10), st.floats(-0.5, 1.0))
def test_conventional_projects(outlay, inflows, rate):
    flows = [-outlay, *inflows]
    assume(sum(inflows) > 1e-6 * outlay)
    r = finance.irr(flows)
    scale = outlay + sum(inflows)
    assert abs(finance.npv(r, flows)) <= 1e-7 * scale
    # one sign change: NPV is positive exactly below the IRR
    if abs(rate - r) > 1e-6:
        assert (finance.npv(rate, flows) > 0) == (rate < r)
    if rate >= 0:
        assert finance.payback(flows) <= finance.discounted_payback(rate, flows)


@given(st.floats(-1e4, 1e4), st.floats(0.001, 0.5), st.integers(1, 40))
def test_mva_of_a_constant_eva_is_an_annuity(value, rate, years):
    annuity = (1 - (1 + rate) ** -years) / rate
    assert finance.mva([value] * years, rate) == pytest.approx(value * annuity, rel=1e-9, abs=1e-9)


# --------------------------------------------------------------------------- behaviour


def test_payback_conventions():
    assert finance.payback([500, 100]) == 0.0
    assert finance.payback([-1000, 100, 100]) == math.inf
    # costs at the end of year 1 (t = 0 is empty): the cumulative flow starts at 0 but is not "repaid"
    assert finance.payback([0, -100, 60, 60]) == pytest.approx(2 + 40 / 60)
    # repaid, then in the red again after a late outlay: payback is the last recovery (2 + 50/80)
    assert finance.payback([-100, 150, -100, 80]) == pytest.approx(2.625)
    assert finance.discounted_payback(0.10, [-1000, 300, 400, 500]) == math.inf


def test_irr_errors_and_edge_cases():
    with pytest.raises(ValueError, match="must change sign"):
        finance.irr([100, 50])
    with pytest.raises(ValueError, match="must change sign"):
        finance.irr([0, 0, -5])
    with pytest.raises(ValueError, match="no real internal rate of return"):
        finance.irr([-100, 150, -100])  # sign changes twice but the NPV stays negative
    assert finance.irrs([-100, 200, -100]) == pytest.approx([0.0], abs=1e-6)  # NPV touches zero at 0 %
    assert finance.irr([0, -100, 110]) == pytest.approx(0.10)  # leading zero flows are fine
    assert finance.irr([-100, 110, 0, 0]) == pytest.approx(0.10)  # trailing ones too
    long = [-100_000.0] + [800.0] * 359  # a 30-year monthly annuity
    assert finance.irr(long) == pytest.approx(npf.irr(long), abs=1e-9)


def test_appraise_collects_the_measures():
    a = finance.appraise(0.10, [-2000, 500, 500, 5000])
    assert a.npv == pytest.approx(finance.npv(0.10, [-2000, 500, 500, 5000]))
    assert a.irr == pytest.approx(finance.irr([-2000, 500, 500, 5000]))
    assert (a.payback, round(a.discounted_payback, 4)) == (2.2, 2.3014)
    assert a.profitability_index == pytest.approx(1 + a.npv / 2000)
    frame = a.to_frame()
    assert frame["cumulative present value"].iloc[-1] == pytest.approx(a.npv)
    assert list(frame.index) == [0, 1, 2, 3]
    profile = a.profile([0.0, a.irr, 1.0])
    assert profile["NPV"].tolist() == pytest.approx([4000.0, 0.0, -2000 + 500 / 2 + 500 / 4 + 5000 / 8], abs=1e-6)
    assert "Project appraisal" in a._repr_html_()
    assert math.isnan(finance.appraise(0.1, [-10, -5]).irr)


def test_eva_frame_matches_the_formulas_row_by_row():
    data = datasets.load("firm_financials")
    table = finance.eva_frame(data)
    assert list(table[["firm", "year"]].itertuples(index=False)) == list(data[["firm", "year"]].itertuples(index=False))
    for (_, row), (_, out) in zip(data.iterrows(), table.iterrows()):
        ke = finance.capm(row["risk_free"], row["beta"], row["market_return"])
        w = finance.wacc(row["equity_market"], row["debt"], ke, row["cost_of_debt"], row["tax_rate"])
        nopat = row["ebit"] * (1 - row["tax_rate"])
        assert out["wacc"] == pytest.approx(w)
        assert out["eva"] == pytest.approx(finance.eva(nopat, w, row["invested_capital"]))
        assert out["mva_market"] == pytest.approx(row["equity_market"] + row["debt"] - row["invested_capital"])
    lanting = table[table["firm"] == "Lanting Property"]
    assert (lanting["net_income"] > 0).all() and (lanting["eva"] < 0).all()  # profitable, yet destroying value
    with pytest.raises(ValueError, match="missing column"):
        finance.eva_frame(data.drop(columns="beta"))
    bad = data.copy()
    bad.loc[3, "ebit"] = np.nan
    with pytest.raises(ValueError, match="financials.ebit must be finite"):
        finance.eva_frame(bad)


def test_eva_statement_with_capitalised_rd_and_leases():
    rd = finance.capitalise([100, 120, 140, 160], life=3)
    # asset: 160*1 + 140*2/3 + 120*1/3 ; amortisation of the last 3 years' spending before this one
    assert rd.asset == pytest.approx(160 + 140 * 2 / 3 + 120 / 3)
    assert rd.amortisation == pytest.approx((140 + 120 + 100) / 3)
    leases = finance.lease_to_debt(50, 0.05, 4)
    assert leases == pytest.approx(sum(50 / 1.05 ** t for t in range(1, 5)))
    s = finance.eva_statement(ebit=500, tax_rate=0.25, invested_capital=3000, wacc=0.09,
                              profit_adjustments={"lease interest": 0.05 * leases},
                              capital_adjustments={"R&D asset": rd.asset, "lease debt": leases},
                              nopat_adjustments={"R&D": rd.nopat_adjustment})
    # lease interest is operating profit, taxed with it; the R&D add-back keeps its tax saving
    assert s.nopat == pytest.approx((500 + 0.05 * leases) * 0.75 + (160 - 120))
    assert s.eva == pytest.approx(s.nopat - 0.09 * (3000 + rd.asset + leases))
    frame = s.to_frame()
    assert frame.loc["= EVA", "amount"] == pytest.approx(s.eva)
    assert frame.loc["+ lease debt", "amount"] == pytest.approx(leases)
    assert "Economic value added" in s._repr_html_()
    assert set(rd.to_frame().columns) >= {"expense", "still on the balance sheet"}


def test_tornado_orders_by_swing():
    def model(benefit, rate):
        return finance.npv(rate, [-1000] + [benefit] * 5)

    t = finance.tornado(model, {"benefit": 300, "rate": 0.1}, {"rate": (0.05, 0.15), "benefit": (200, 400)})
    frame = t.to_frame()
    assert frame.index.tolist() == ["benefit", "rate"]
    assert t.base == pytest.approx(model(300, 0.1))
    assert frame.loc["benefit", "NPV at high"] == pytest.approx(model(400, 0.1))
    assert frame.loc["rate", "swing"] == pytest.approx(abs(model(300, 0.15) - model(300, 0.05)))


@pytest.mark.parametrize(
    "call, exc, message",
    [
        (lambda: finance.npv(-1, [1, 2]), ValueError, "rate must be a number > -1"),
        (lambda: finance.npv(-1.5, [1, 2]), ValueError, "rate must be a number > -1"),
        (lambda: finance.discounted_payback(-1, [-1, 2]), ValueError, "rate must be a number > -1"),
        (lambda: finance.appraise(-2, [-1, 2]), ValueError, "rate must be a number > -1"),
        (lambda: finance.npv_profile([-1, 2], [0.1, -1]), ValueError, "rates must all be > -1"),
        (lambda: finance.npv(0.1, "abc"), TypeError, "cashflows must be a sequence of numbers"),
        (lambda: finance.npv(0.1, [1, float("nan")]), ValueError, "finite numbers"),
        (lambda: finance.npv(0.1, []), ValueError, "at least 1 value"),
        (lambda: finance.irr([100, 50]), ValueError, "must change sign"),
        (lambda: finance.roi(10, 0), ValueError, "cost must be a number > 0"),
        (lambda: finance.wacc(0, 0, 0.1, 0.05, 0.25), ValueError, "equity \\+ debt must be positive"),
        (lambda: finance.wacc(1, 1, 0.1, 0.05, 1.0), ValueError, "tax_rate must be a number < 1"),
        (lambda: finance.capm(0.03, "high", 0.08), TypeError, "beta must be a number"),
        (lambda: finance.mva([1], 0.05, terminal_growth=0.06), ValueError, "terminal_growth must be below wacc"),
        (lambda: finance.capitalise([1], life=0), ValueError, "life must be a whole number"),
        (lambda: finance.lease_to_debt(10, 0.05, 0), ValueError, "years must be a whole number"),
        (lambda: finance.eva_statement(1, 0.2, 10, 0.1, profit_adjustments=[1]), TypeError, "must be a dict"),
        (lambda: finance.tornado(lambda a: a, {"a": 1}, {"b": (0, 1)}), ValueError, "not in base"),
        (lambda: finance.tornado(lambda a: a, {"a": 1}, {"a": (0,)}), ValueError, "must be a \\(low, high\\) pair"),
        (lambda: finance.appraise(0.1, [-1, 2]).plot(kind="pie"), ValueError, "kind must be one of"),
    ],
)
def test_bad_input_is_a_clear_error(call, exc, message):
    with pytest.raises(exc, match=message):
        call()


def test_plots_draw():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = finance.eva_statement(200, 0.25, 1000, 0.10).plot()
    assert ax.get_title().startswith("EVA") and ax.get_ylabel() == "amount (the statement's unit)"
    assert finance.eva_statement(200, 0.25, 1000, 0.10).plot(currency="CNY million").get_ylabel() == \
        "amount (CNY million)"
    unitless = finance.tornado(lambda a: 2e4 * a, {"a": 1}, {"a": (0, 2)}).plot()
    assert "thousands of the input's unit" in unitless.get_xlabel()  # never "NPV (thousand)"
    cny = finance.tornado(lambda a: 2e6 * a, {"a": 1}, {"a": (0, 2)}, output="NPV").plot(currency="CNY")
    assert cny.get_xlabel().startswith("NPV (million CNY)")
    ax2 = finance.tornado(lambda a: 2 * a, {"a": 1}, {"a": (0, 2)}).plot()
    assert [t.get_text() for t in ax2.get_yticklabels()] == ["a  (0 → 2)"]
    ax3 = finance.tornado(lambda low_rate: low_rate, {"low_rate": 1}, {"low_rate": (0, 2)}).plot()
    assert ax3.get_yticklabels()[0].get_text() == "low rate  (0 → 2)"
    a = finance.appraise(0.10, [-2000, 500, 500, 5000])
    assert a.plot().get_title().startswith("Cash flows: NPV 2,624.34")
    assert "NPV profile" in a.plot(kind="profile").get_title()
    plt.close("all")


def test_frames_are_plain_pandas():
    frame = finance.npv_profile([-100, 60, 60], np.linspace(0, 0.2, 3))
    assert isinstance(frame, pd.DataFrame) and list(frame.columns) == ["rate", "NPV"]


def test_investment_eva_hand_example():
    # 1,000 invested for 3 years, EBITDA 500 a year, tax 25 %, WACC 10 %: depreciation 333.33,
    # NOPAT (500 - 333.33) x 0.75 = 125, charges 100 / 66.67 / 33.33 -> EVA 25 / 58.33 / 91.67.
    e = finance.investment_eva(1000, [500, 500, 500], wacc=0.10, tax_rate=0.25)
    frame = e.to_frame()
    assert frame["capital at start"].tolist() == pytest.approx([1000, 2000 / 3, 1000 / 3])
    assert frame["EVA"].tolist() == pytest.approx([25.0, 175 / 3, 275 / 3])
    assert round(e.mva, 4) == round(e.npv, 4) == 139.8072
    assert "EVA of an investment" in e._repr_html_()
    with pytest.raises(ValueError, match="investment must be a number > 0"):
        finance.investment_eva(0, [1], 0.1, 0.25)
    with pytest.raises(ValueError, match="life must be a whole number"):
        finance.investment_eva(10, [1, 2], 0.1, 0.25, life=0)


@settings(max_examples=100)
@given(st.floats(1, 1e7), st.lists(st.floats(-1e6, 1e7), min_size=1, max_size=10), st.floats(0.0, 0.3),
       st.floats(0, 0.5), st.integers(1, 12))
def test_pv_of_eva_equals_npv(investment, ebitda, wacc, tax, life):
    # The MVA identity (Stern Stewart; e.g. Koller et al., Valuation, ch. on economic profit):
    # discounting EVA at the WACC gives the NPV, whatever the depreciation schedule, as long as the
    # capital is fully written off within the horizon.
    life = min(life, len(ebitda))
    e = finance.investment_eva(investment, ebitda, wacc, tax, life=life)
    assert e.mva == pytest.approx(e.npv, rel=1e-9, abs=1e-6 * investment)


def test_damodaran_cisco_2005_research_asset_and_after_tax_operating_income():
    # Damodaran, *Damodaran on Valuation*, 2nd ed. (Wiley, 2006), Illustrations 3.2 and 3.6: Cisco's R&D
    # 2000-2005 (USD million) over a five-year life gives a research asset of 9.92 billion and an
    # amortisation of 3.28 billion; operating income 7,416, tax rate 36.8 %. The adjusted pre-tax operating
    # income is 7,416 + 3,320 - 3,280.2; after tax, the tax benefit of expensing (3,320 - 3,280.2) x 0.368,
    # "about 15 million", is added back, so NOPAT = EBIT (1 - t) + R&D - amortisation.
    rd = finance.capitalise([2704, 3922, 3448, 3135, 3192, 3320], life=5)
    assert round(rd.asset, 4) == 9918.2 and round(rd.amortisation, 4) == 3280.2
    assert round(7416 + rd.nopat_adjustment, 4) == 7455.8
    tax_benefit = (3320 - rd.amortisation) * 0.368
    assert round(tax_benefit, 4) == 14.6464
    cisco = finance.eva_statement(7416, 0.368, 0, 0.0, nopat_adjustments={"R&D": rd.nopat_adjustment})
    assert round(cisco.nopat, 4) == round(7455.8 * (1 - 0.368) + tax_benefit, 4) == 4726.712
    # Taxing the add-back instead would lose exactly that tax benefit.
    taxed = finance.eva_statement(7416, 0.368, 0, 0.0, profit_adjustments={"R&D": rd.nopat_adjustment})
    assert cisco.nopat - taxed.nopat == pytest.approx(tax_benefit)


@pytest.mark.parametrize("history, change", [
    ([70, 80, 90, 100], 8.24),      # growing: the add-back (100 - 80) exceeds the extra charge
    ([100, 100, 100, 100], -12.6),  # flat: no add-back, only the charge on the asset of 200
    ([130, 120, 110, 100], -33.44),  # cutting: amortisation exceeds this year's spending
])
def test_capitalisation_lowers_eva_most_for_a_firm_that_cuts_spending(history, change):
    # Spending ends at 100 in all three; WACC 6.3 %, tax 25 %, 3-year life (chapter 04, section 5).
    c = finance.capitalise(history, life=3)
    base = finance.eva_statement(1000, 0.25, 10_000, 0.063)
    adjusted = finance.eva_statement(1000, 0.25, 10_000, 0.063, capital_adjustments={"asset": c.asset},
                                     nopat_adjustments={"add-back": c.nopat_adjustment})
    assert round(adjusted.eva - base.eva, 4) == change
