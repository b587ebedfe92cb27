"""crmlab.finance: discounting, IRR, payback, cost of capital and EVA.

Reference values: the examples in numpy-financial's documentation (npv, irr),
checked here against numpy-financial itself, and hand computations shown inline.
"""

from __future__ import annotations

import math

import numpy as np
import numpy_financial as npf
import pytest

from crmlab import finance


@pytest.mark.parametrize(
    "flows, expected",
    [   # numpy-financial's irr docstring examples (rounded there to 4-5 significant digits)
        ([-100, 39, 59, 55, 20], 0.28095),
        ([-100, 0, 0, 74], -0.0955),
        ([-100, 100, 0, -7], -0.0833),
        ([-100, 100, 0, 7], 0.06206),
        ([-5, 10.5, 1, -8, 1], 0.0886),
    ],
)
def test_irr_reproduces_numpy_financial_examples(flows, expected):
    assert finance.irr(flows) == pytest.approx(expected, abs=5e-5)
    assert finance.irr(flows) == pytest.approx(npf.irr(flows), abs=1e-9)


def test_npv_numpy_financial_example():
    # numpy-financial's npv docstring: npv(0.281, [-100, 39, 59, 55, 20]) = -0.0084785916384548798
    assert finance.npv(0.281, [-100, 39, 59, 55, 20]) == pytest.approx(-0.0084785916384548798, abs=1e-12)


def test_agreement_with_numpy_financial_on_1000_random_series():
    rng = np.random.default_rng(2024)
    for _ in range(1000):
        n = int(rng.integers(2, 12))
        flows = np.concatenate([[-rng.uniform(100, 10_000)], rng.uniform(0, 4_000, size=n)])
        rate = float(rng.uniform(-0.5, 0.5))
        assert finance.npv(rate, flows) == pytest.approx(npf.npv(rate, flows), rel=1e-9, abs=1e-9)
        expected = npf.irr(flows)
        if math.isfinite(expected):
            assert finance.irr(flows) == pytest.approx(expected, abs=1e-9)


def test_multiple_irrs_are_listed():
    # -100 + 230/(1+r) - 132/(1+r)^2 = 0 has roots r = 10 % and 20 % (hand-checked).
    assert finance.irrs([-100, 230, -132]) == pytest.approx([0.1, 0.2])
    assert finance.irr([-100, 230, -132]) == pytest.approx(0.1)


def test_payback_interpolates_within_the_year():
    # cumulative: -1000, -700, -300, +200 -> 2 + 300/500 = 2.6 years
    assert finance.payback([-1000, 300, 400, 500]) == pytest.approx(2.6)
    assert finance.payback([500, 100]) == 0.0
    assert finance.payback([-1000, 100, 100]) == math.inf
    # discounted at 10 %: 454.55, 413.22, 375.66 -> 2 + 132.23/375.66
    assert finance.discounted_payback(0.10, [-1000, 500, 500, 500]) == pytest.approx(2 + (1000 - 500 / 1.1 - 500 / 1.21) / (500 / 1.331))
    assert finance.discounted_payback(0.10, [-1000, 300, 400, 500]) == math.inf


def test_cost_of_capital_and_eva():
    assert finance.capm(0.03, 1.2, 0.08) == pytest.approx(0.09)
    assert finance.wacc(600, 400, 0.12, 0.06, 0.25) == pytest.approx(0.6 * 0.12 + 0.4 * 0.06 * 0.75)
    assert finance.eva(150, 0.10, 1200) == pytest.approx(30.0)
    assert finance.roi(1_300_000, 1_000_000) == pytest.approx(0.3)
    # MVA of a 3-year EVA of 30 at 10 %: 30 * annuity factor 2.486852
    assert finance.mva([30, 30, 30], 0.10) == pytest.approx(74.6056, abs=1e-4)
    assert finance.mva([30], 0.10, terminal_growth=0.0) == pytest.approx(300.0)


def test_eva_statement_with_capitalised_rd():
    rd = finance.capitalise([100, 120, 140, 160], life=3)
    # asset: 160*1 + 140*2/3 + 120*1/3 ; amortisation of the last 3 years' spending before this one
    assert rd.asset == pytest.approx(160 + 140 * 2 / 3 + 120 / 3)
    assert rd.amortisation == pytest.approx((140 + 120 + 100) / 3)
    s = finance.eva_statement(ebit=500, tax_rate=0.25, invested_capital=3000, wacc=0.09,
                              profit_adjustments={"R&D": rd.nopat_adjustment}, capital_adjustments={"R&D asset": rd.asset})
    assert s.nopat == pytest.approx((500 + 160 - 120) * 0.75)
    assert s.eva == pytest.approx(s.nopat - 0.09 * (3000 + rd.asset))
    assert s.to_frame().loc["= EVA", "amount"] == pytest.approx(s.eva)
    assert "Economic value added" in s._repr_html_()


def test_tornado_orders_by_swing():
    def model(benefit, rate):
        return finance.npv(rate, [-1000] + [benefit] * 5)

    t = finance.tornado(model, {"benefit": 300, "rate": 0.1}, {"rate": (0.05, 0.15), "benefit": (200, 400)})
    frame = t.to_frame()
    assert frame.index.tolist() == ["benefit", "rate"]
    assert t.base == pytest.approx(model(300, 0.1))


@pytest.mark.parametrize(
    "call, exc, message",
    [
        (lambda: finance.npv(-1, [1, 2]), ValueError, "rate must be a number > -1"),
        (lambda: finance.npv(0.1, "abc"), TypeError, "cashflows must be a sequence of numbers"),
        (lambda: finance.npv(0.1, [1, float("nan")]), ValueError, "finite numbers"),
        (lambda: finance.irr([100, 50]), ValueError, "must change sign"),
        (lambda: finance.roi(10, 0), ValueError, "cost must be a number > 0"),
        (lambda: finance.wacc(0, 0, 0.1, 0.05, 0.25), ValueError, "equity \\+ debt must be positive"),
        (lambda: finance.wacc(1, 1, 0.1, 0.05, 1.0), ValueError, "tax_rate must be a number < 1"),
        (lambda: finance.mva([1], 0.05, terminal_growth=0.06), ValueError, "terminal_growth must be below wacc"),
        (lambda: finance.capitalise([1], life=0), ValueError, "life must be a whole number"),
        (lambda: finance.tornado(lambda a: a, {"a": 1}, {"b": (0, 1)}), ValueError, "not in base"),
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
    assert ax.get_title().startswith("EVA")
    ax2 = finance.tornado(lambda a: 2 * a, {"a": 1}, {"a": (0, 2)}).plot()
    assert [t.get_text() for t in ax2.get_yticklabels()] == ["a"]
    plt.close("all")


def test_appraisal_plots_draw():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    a = finance.appraise(0.10, [-2000, 500, 500, 5000])
    assert a.plot().get_title() == "Project cash flows and payback"
    assert a.plot(kind="profile").get_title() == "NPV profile"
    with pytest.raises(ValueError, match="kind must be one of 'cashflows', 'profile'"):
        a.plot(kind="bars")
    plt.close("all")
