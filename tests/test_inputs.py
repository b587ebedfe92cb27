"""Issue 14: every example of a crash, silent bad result or unclear error, each now a clear error (table-driven)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmlab import customers, finance, fuzzy, matrices, pyramid, scorecard, tco, weighting


def _items():
    return pd.DataFrame({"component": ["licenses", "maintenance"], "year": [1, 2], "amount": [100.0, 18.0]})


def _fitted():
    data = customers.simulate_bgnbd(300, r=0.75, alpha=6.0, a=0.8, b=4.0, T=52, seed=1)
    return customers.BetaGeo().fit(data["frequency"], data["recency"], data["T"])


CASES = [
    # sizes with a ceiling, checked before allocating
    (lambda: finance.lease_to_debt(100, 0.05, 10**9), ValueError, "years must be a whole number from 1"),
    (lambda: customers.clv(100, 0.8, 0.1, horizon=10**9), ValueError, "horizon must be a whole number from 1"),
    (lambda: customers.clv_cohort(100, 0.8, 0.1, horizon=10**9), ValueError, "horizon"),
    (lambda: tco.simulate(_items(), n=10**9), ValueError, "n must be a whole number from 1"),
    (lambda: customers.simulate_bgnbd(10**9, 1, 2, 1, 3), ValueError, "n must be a whole number from 1"),
    (lambda: customers.simulate_bgnbd(5, 1, 2, 1, 3, seed=float("nan")), ValueError, "seed"),
    (lambda: customers.simulate_bgnbd(5, 1, 2, 1, 3, seed=[0.1]), TypeError, "seed"),
    (lambda: customers.simulate_bgnbd(5, 1, 2, 1, 3, seed=-5), ValueError, "seed"),
    (lambda: customers.rfm_segment(5, 5, bins=pd.NA), TypeError, "bins"),
    # overflow names its inputs instead of returning inf
    (lambda: finance.npv(0.1, [1e308] * 3), ValueError, "npv is not a finite number.*cashflows"),
    (lambda: finance.appraise(0.1, [1e308] * 3), ValueError, "cashflows"),
    (lambda: finance.npv_profile([1e308] * 3, [0.0, 0.1]), ValueError, "cashflows"),
    (lambda: finance.mva([1e308] * 3, 0.1), ValueError, "evas"),
    (lambda: finance.capitalise([1e308] * 3, 2), ValueError, "expenses"),
    (lambda: finance.lease_to_debt(1e308, 0.05, 5), ValueError, "lease_payment"),
    (lambda: finance.wacc(600, 400, 1e308, 0.05, 0.25), ValueError, "wacc is not a finite"),
    (lambda: finance.eva(100, 1e308, 800), ValueError, "eva is not a finite"),
    (lambda: finance.roi(150, 5e-324), ValueError, "roi is not a finite"),
    (lambda: customers.acquisition_rate(10, 5e-324), ValueError, "acquisition_rate is not a finite"),
    (lambda: customers.clv(1e308, 0.8, 0.1), ValueError, "margin"),
    (lambda: tco.total(_items().assign(amount=[1e308, 1e308])), ValueError, "items.amount"),
    (lambda: tco.cost_per_user(_items(), 5e-324), ValueError, "users"),
    (lambda: tco.with_contingency(_items().assign(amount=[1e308, 1e308])), ValueError, "items.amount"),
    (lambda: tco.simulate(_items().assign(amount=[1e308, 1e308]), n=10, high=0.9), ValueError, "items.amount"),
    # rfm_segment: scores are whole numbers 1..bins
    (lambda: customers.rfm_segment(float("nan"), 5), ValueError, "r must be a finite number"),
    (lambda: customers.rfm_segment(float("inf"), 5), ValueError, "r must be a finite number"),
    (lambda: customers.rfm_segment([0.1], 5), ValueError, "r must be whole-number scores"),
    (lambda: customers.rfm_segment(3, 3, bins=float("nan")), ValueError, "bins"),
    (lambda: customers.rfm_segment(3, 3, bins=float("inf")), ValueError, "bins"),
    (lambda: customers.rfm_segment(3, 3, bins=None), TypeError, "bins"),
    (lambda: customers.rfm_segment(3, 3, bins="abc"), TypeError, "bins"),
    (lambda: customers.rfm_segment(3, 3, bins=[]), TypeError, "bins"),
    # booleans and numeric strings are not numbers
    (lambda: weighting.ahp([[True, True], [True, True]]), TypeError, r"matrix\[0, 0\]"),
    (lambda: customers.nps([True, False]), TypeError, "scores"),
    (lambda: scorecard.achievement("0.1", 90), TypeError, "target must be a number, not text"),
    (lambda: scorecard.status(float("inf")), ValueError, "score"),
    (lambda: scorecard.status("abc"), TypeError, "score"),
    (lambda: scorecard.achievement(pd.NA, 90), TypeError, "target"),
    # negative values where shares of a total are computed
    (lambda: customers.pareto_share([-5, 10]), ValueError, "values must be non-negative"),
    (lambda: customers.customer_tiers([-1, 2, 3]), ValueError, "values must be non-negative"),
    # mappings and labels
    (lambda: scorecard.status(0.9, thresholds="x"), TypeError, "thresholds"),
    (lambda: pyramid.from_frame(pyramid.example_measures(), objectives="x"), TypeError, "objectives"),
    (lambda: customers.customer_tiers([1, 2, 3], labels=None), TypeError, "labels"),
    (lambda: weighting.wide_rankings(pd.DataFrame({"expert": ["a"], "indicator": ["x"], "rank": [1]}), item=None),
     TypeError, "item"),
    (lambda: weighting.wide_rankings(pd.DataFrame({"expert": [], "indicator": [], "rank": []})), ValueError, "long"),
    (lambda: weighting.rank_weights(pd.DataFrame([[1, 2], [2, 1]], columns=["a", "a"])), ValueError, "duplicate"),
    (lambda: fuzzy.evaluate([0.5, 0.5], pd.DataFrame([[0.5, 0.5], [0.2, 0.8]], columns=["good", "good"])),
     ValueError, "duplicate column"),
    (lambda: fuzzy.membership_from_votes(pd.DataFrame({"indicator": ["a"], "good": ["6"], "poor": [4]})),
     TypeError, "votes"),
    (lambda: matrices.attribute_table(pd.DataFrame({"firm": ["own", "competitor"], "imp_a": [4, 3],
                                                    "perf_a": [3, 4]}), attributes=[]), ValueError, "attributes"),
    (lambda: pyramid.from_frame(pyramid.example_measures().iloc[:0]), ValueError, "measures"),
    # empty TCO tables
    (lambda: tco.by_year(_items().iloc[:0]), ValueError, "items must hold at least one line item"),
    (lambda: tco.audit(_items().iloc[:0]), ValueError, "items must hold at least one line item"),
    (lambda: tco.simulate(_items().iloc[:0], n=10), ValueError, "items must hold at least one line item"),
    (lambda: tco.plan_tco(users=10**30), ValueError, "users must be a whole number"),
    (lambda: tco.plan_tco(licence_price=1e308), ValueError, "licence_price"),
    (lambda: finance.eva_frame(pd.DataFrame({c: [1.0] for c in ("ebit", "tax_rate", "equity_book", "equity_market",
                                                                  "cost_of_debt", "beta", "risk_free",
                                                                  "market_return", "invested_capital")})
                               .assign(tax_rate=0.25, debt=-1.0)), ValueError, "financials.debt"),
    (lambda: _fitted().expected_purchases(1e300), ValueError, "expected_purchases is not a finite number"),
    (lambda: _fitted().predict(1e300), ValueError, "conditional_expected_purchases is not a finite number"),
]


@pytest.mark.parametrize("make, exc, message", CASES)
def test_issue_14_examples_are_clear_errors(make, exc, message):
    with pytest.raises(exc, match=message):
        make()


def test_duplicate_identical_attributes_are_refused():
    rng = np.random.default_rng(0)
    x = rng.normal(size=40)
    df = pd.DataFrame({"a": x, "b": x, "y": x + rng.normal(size=40)})
    with pytest.raises(ValueError, match="attributes"):
        matrices.derived_importance(df, "y", ["a", "b"])
