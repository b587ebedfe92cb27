"""crmlab.customers: NPS, CSAT, retention, tiers, CLV and RFM against worked examples.

Sources: NPS as defined by Reichheld (2003), "The one number you need to grow", Harvard Business
Review 81(12): % promoters (9-10) minus % detractors (0-6). Wilson score intervals: Newcombe (1998),
"Two-sided confidence intervals for the single proportion", Statistics in Medicine 17: 857-872,
Table I, method 3 (81/263, 15/148, 0/20, 1/29). Margin multiples r/(1 + i − r): Gupta & Lehmann
(2003), "Customers as assets", Journal of Interactive Marketing 17(1): 9-24 (e.g. 2.5 for r = 80 %,
i = 12 %). Customer tiers (VIP / key / ordinary / small) and "recency × frequency → next purchase,
frequency × monetary → profit": the chapter's courseware (seed 004). Other cases are worked by hand
in the comments.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from crmlab import customers as cu  # noqa: E402
from crmlab import datasets  # noqa: E402
from crmlab.plots import customers as plots  # noqa: E402


@pytest.fixture(scope="module")
def log():
    return datasets.load("transactions")


# ---------------------------------------------------------------------------
# NPS
# ---------------------------------------------------------------------------


def test_nps_worked_example():
    # 10 answers: promoters 10, 9, 9, 10, 9 (5) ; passives 8, 7 (2) ; detractors 6, 3, 5 (3) -> 50 % − 30 % = 20.
    assert cu.nps([10, 9, 9, 8, 7, 6, 3, 10, 9, 5]) == pytest.approx(20.0)
    assert cu.nps([10] * 4) == 100.0 and cu.nps([0, 6]) == -100.0 and cu.nps([7, 8]) == 0.0
    assert cu.nps(np.array([9.0, 6.0])) == 0.0  # whole numbers stored as floats are fine


def test_nps_interval_uses_the_multinomial_variance():
    # 50 promoters, 30 passives, 20 detractors: NPS = 30; Var = 100² (0.5 + 0.2 − 0.3²) / 100 = 61, SE = 7.8102.
    scores = [10] * 50 + [8] * 30 + [3] * 20
    res = cu.nps_ci(scores)
    assert res.nps == pytest.approx(30.0)
    assert res.se == pytest.approx(7.8102, abs=1e-4)
    assert (res.low, res.high) == pytest.approx((30 - 1.959964 * 7.810250, 30 + 1.959964 * 7.810250), abs=1e-4)
    # The same as the standard error of the mean of +1/0/−1 scores.
    coded = np.select([np.array(scores) >= 9, np.array(scores) <= 6], [1.0, -1.0], 0.0)
    assert res.se == pytest.approx(100 * coded.std() / np.sqrt(coded.size))
    assert res.to_frame()["respondents"].tolist() == [50, 30, 20]
    assert (res.promoters, res.passives, res.detractors, res.n) == (0.5, 0.3, 0.2, 100)
    assert cu.nps_ci([10, 10]).low == 100.0  # clipped, zero width
    assert "Net promoter score" in res._repr_html_()


@pytest.mark.parametrize("bad, message", [
    ([9, 10, 11], r"scores must be whole numbers from 0 to 10 .*; got '11 at position 2'"),
    ([9, -1], r"got '-1 at position 1'"),
    ([9, 7.5], r"got '7.5 at position 1'"),
    ([9, np.nan], r"scores must be finite numbers"),
    ([], r"scores must be at least 1 value"),
])
def test_nps_rejects_bad_scores(bad, message):
    with pytest.raises(ValueError, match=message):
        cu.nps(bad)
    with pytest.raises(ValueError, match=message):
        cu.nps_ci(bad)


def test_nps_rejects_text():
    with pytest.raises(TypeError, match="scores must be a sequence of numbers"):
        cu.nps(["nine", "ten"])
    with pytest.raises(TypeError, match="scores must be a sequence of numbers"):
        cu.nps("9")


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 10), min_size=1, max_size=60))
def test_nps_bounds_and_interval(scores):
    res = cu.nps_ci(scores, scale_checked=True)
    assert -100 <= res.low <= res.nps <= res.high <= 100
    assert res.nps == pytest.approx(cu.nps(scores, scale_checked=True))


def test_nps_refuses_a_one_to_five_rating_and_suggests_csat():
    """Issue 13: nps() on a 1–5 scale returned −100 silently."""
    ratings = [5, 4, 4, 3, 2, 5, 1, 4]
    for call in (cu.nps, cu.nps_ci):
        with pytest.raises(ValueError, match=r"look like a 1–5 rating.*NPS = −100.*csat\(scores, top=\(4, 5\)\)"):
            call(ratings)
    assert cu.nps(ratings, scale_checked=True) == -100.0   # the caller vouches for the 0–10 scale
    assert cu.nps([3, 9]) == 0.0                            # one answer above 5 shows a 0–10 scale
    with pytest.raises(ValueError, match=r"got '4.5 at position 1'\. For satisfaction ratings .* use csat"):
        cu.nps([9, 4.5])


# ---------------------------------------------------------------------------
# CSAT and Wilson
# ---------------------------------------------------------------------------


def test_csat_top_box():
    # 8 answers, 5 of them 4 or 5 -> 0.625; only 5s -> 2/8.
    scores = [5, 4, 4, 3, 2, 5, 1, 4]
    assert cu.csat(scores) == 0.625
    assert cu.csat(scores, top=(5,)) == 0.25
    assert cu.csat(scores, top=5) == 0.25


@pytest.mark.parametrize("x, n, low, high", [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
])
def test_wilson_interval_reproduces_newcombe_1998(x, n, low, high):
    lo, hi = cu.wilson_interval(x, n)
    assert round(lo, 4) == low and round(hi, 4) == high


def test_wilson_interval_matches_statsmodels():
    from statsmodels.stats.proportion import proportion_confint

    for x, n, level in [(3, 10, 0.9), (70, 100, 0.95), (999, 1000, 0.99)]:
        assert cu.wilson_interval(x, n, level) == pytest.approx(proportion_confint(x, n, 1 - level, "wilson"))


def test_csat_ci():
    res = cu.csat_ci([5] * 30 + [4] * 40 + [3] * 20 + [2] * 10)
    assert res.csat == 0.7 and res.satisfied == 70 and res.n == 100
    assert (res.low, res.high) == pytest.approx(cu.wilson_interval(70, 100))
    assert res.to_frame()["respondents"].to_dict() == {"2": 10, "3": 20, "4": 40, "5": 30}


def test_csat_and_wilson_errors():
    with pytest.raises(TypeError, match="top must be a non-empty collection"):
        cu.csat([4, 5], top=())
    with pytest.raises(TypeError, match="top must be a non-empty collection"):
        cu.csat([4, 5], top="45")
    with pytest.raises(ValueError, match="scores must be finite numbers"):
        cu.csat([4, np.inf])
    with pytest.raises(ValueError, match="successes must be a whole number from 0 to n = 10"):
        cu.wilson_interval(11, 10)
    with pytest.raises(ValueError, match="n must be a whole number >= 1"):
        cu.wilson_interval(0, 0)


# ---------------------------------------------------------------------------
# Retention, churn, acquisition
# ---------------------------------------------------------------------------


def test_retention_worked_example():
    # 200 customers at the start, 180 at the end of whom 40 are new: (180 − 40) / 200 = 0.70.
    assert cu.retention_rate(200, 180, 40) == pytest.approx(0.70)
    assert cu.churn_rate(200, 180, 40) == pytest.approx(0.30)
    assert cu.acquisition_rate(40, 200) == pytest.approx(0.20)
    flow = cu.customer_flow(200, 180, 40)
    assert (flow.retained, flow.lost, flow.growth) == (140, 60, pytest.approx(-0.1))
    assert flow.to_frame()["customers"].tolist() == [200, 140, 60, 40, 180]


def test_retention_errors():
    with pytest.raises(ValueError, match="new_customers must be at most customers_end = 180"):
        cu.retention_rate(200, 180, 190)
    with pytest.raises(ValueError, match="customers_end − new_customers must be at most customers_start = 100"):
        cu.retention_rate(100, 180, 40)
    with pytest.raises(ValueError, match="customers_start must be a number > 0"):
        cu.retention_rate(0, 10, 5)
    with pytest.raises(ValueError, match="new_customers must be a number >= 0"):
        cu.acquisition_rate(-1, 10)


def test_period_retention_by_hand():
    # Q1: a, b new. Q2: a again (retained), c new, b lost. Q3: b returns after a gap; a and c lost.
    log = pd.DataFrame({"customer_id": ["a", "b", "a", "c", "b"],
                        "date": pd.to_datetime(["2024-01-05", "2024-02-01", "2024-04-02", "2024-05-09",
                                                "2024-08-01"])})
    out = cu.period_retention(log)
    assert out.index.tolist() == ["2024Q1", "2024Q2", "2024Q3"]
    assert out["active"].tolist() == [2, 2, 1]
    assert out["new"].tolist() == [2, 1, 0]
    assert out["retained"].tolist() == [0, 1, 0]
    assert out["returning"].tolist() == [0, 0, 1]
    assert out["lost"].tolist() == [0, 1, 2]
    assert out["retention"].iloc[1:].tolist() == [0.5, 0.0]
    assert out["acquisition"].iloc[1:].tolist() == [0.5, 0.0]
    assert np.isnan(out["retention"].iloc[0])
    monthly = cu.period_retention(log, period="month")
    assert len(monthly) == 8 and monthly["active"].sum() == 5


def test_period_retention_on_the_dataset(log):
    out = cu.period_retention(log)
    assert out["new"].sum() == log["customer_id"].nunique()
    assert out["new"].iloc[0] == log["customer_id"].nunique()  # the cohort was acquired in 2024 Q1
    assert ((out["retained"] + out["lost"]).iloc[1:].to_numpy() == out["active"].iloc[:-1].to_numpy()).all()


# ---------------------------------------------------------------------------
# Tiers and the Pareto share
# ---------------------------------------------------------------------------


def test_customer_tiers_by_hand():
    # Sorted values: 50 | 20 | 10, 10, 5 | 2, 1, 1, 0.5, 0.5 with shares 10 %, 10 %, 30 %, 50 % of 10 customers.
    values = pd.Series([5, 50, 1, 20, 2, 10, 1, 10, 0.5, 0.5], index=[f"c{i}" for i in range(10)])
    t = cu.customer_tiers(values, shares=(0.1, 0.1, 0.3, 0.5))
    assert t.tier["c1"] == "VIP" and t.tier["c3"] == "key"
    assert t.tier[["c0", "c5", "c7"]].tolist() == ["ordinary"] * 3
    assert t.summary["customers"].tolist() == [1, 1, 3, 5]
    assert t.summary["value"].tolist() == [50, 20, 25, 5]
    assert t.summary["value_share"].tolist() == [0.5, 0.2, 0.25, 0.05]
    assert t.top20_share == pytest.approx(0.7)
    assert list(t.tier.index) == list(values.index)


def test_tier_ties_share_the_higher_tier():
    # Equal values are the same customer behaviour: they are not split by row order (issue "content", ch08).
    t = cu.customer_tiers([3, 3, 3, 3], shares=(0.25, 0.25, 0.25, 0.25))
    assert t.tier.tolist() == ["VIP"] * 4


def test_default_tiers_on_the_dataset(log):
    spend = log.groupby("customer_id")["amount"].sum()
    t = cu.customer_tiers(spend)
    assert t.summary["customers"].tolist() == [25, 100, 375, 2000]  # 1 %, 4 %, 15 %, 80 % of 2,500
    assert t.summary["value_share"].sum() == pytest.approx(1.0)
    assert t.summary["mean_value"].is_monotonic_decreasing
    assert t.top20_share == pytest.approx(cu.pareto_share(spend, 0.2))
    assert t.top20_share == pytest.approx(spend.sort_values(ascending=False).head(500).sum() / spend.sum())


def test_pareto_share():
    assert cu.pareto_share([50, 20, 10, 10, 5, 2, 1, 1, 0.5, 0.5], 0.2) == pytest.approx(0.7)
    # Interpolated between 1 customer (0.5) and 2 customers (0.7).
    assert cu.pareto_share([50, 20, 10, 10, 5, 2, 1, 1, 0.5, 0.5], 0.15) == pytest.approx(0.6)
    assert cu.pareto_share([1, 1, 1, 1], 0.5) == pytest.approx(0.5)
    assert cu.pareto_share({"a": 1.0, "b": 3.0}, 0.5) == pytest.approx(0.75)


def test_tier_errors():
    with pytest.raises(ValueError, match="shares must be shares of customers summing to 1"):
        cu.customer_tiers([1, 2], shares=(0.5, 0.4))
    with pytest.raises(ValueError, match="labels must be 4 distinct tier names"):
        cu.customer_tiers([1, 2], labels=("a", "b"))
    with pytest.raises(ValueError, match="values must be a positive total"):
        cu.customer_tiers([0, 0])
    with pytest.raises(ValueError, match="top must be a number <= 1"):
        cu.pareto_share([1, 2], 1.5)


# ---------------------------------------------------------------------------
# CLV
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("r, i, multiple", [
    (0.6, 0.10, 1.20), (0.7, 0.10, 1.75), (0.8, 0.10, 2.67), (0.9, 0.10, 4.50),
    (0.6, 0.12, 1.15), (0.8, 0.12, 2.50), (0.9, 0.12, 4.09), (0.9, 0.16, 3.46),
])
def test_margin_multiples_of_gupta_and_lehmann(r, i, multiple):
    assert round(cu.clv(1.0, r, i), 2) == multiple


def test_clv_worked_example_and_finite_horizon():
    # m = 100, r = 0.8, d = 0.12: 100 · 0.8 / 0.32 = 250.
    assert cu.clv(100, 0.8, 0.12) == pytest.approx(250.0)
    # Three periods: 100 · (0.7143 + 0.5102 + 0.3644) = 158.8921.
    assert cu.clv(100, 0.8, 0.12, horizon=3) == pytest.approx(158.8921, abs=1e-4)
    assert cu.clv(100, 0.8, 0.12, horizon=400) == pytest.approx(250.0)
    assert cu.clv(100, 1.0, 0.0, horizon=5) == 500.0


def test_clv_cohort():
    c = cu.clv_cohort(100, 0.8, 0.12, horizon=3, customers=1000)
    assert c.table["active"].tolist() == pytest.approx([800, 640, 512])
    assert c.clv == pytest.approx(cu.clv(100, 0.8, 0.12, horizon=3))
    assert c.total == pytest.approx(1000 * c.clv)
    # Retention rising with tenure and a margin that grows; acquisition cost subtracted.
    c2 = cu.clv_cohort([100, 110, 120], [0.6, 0.8, 0.9], 0.1, horizon=3, acquisition_cost=50)
    expected = 100 * 0.6 / 1.1 + 110 * 0.48 / 1.1**2 + 120 * 0.432 / 1.1**3 - 50
    assert c2.clv == pytest.approx(expected)
    assert c2.table["cumulative_clv"].iloc[-1] == pytest.approx(expected)
    assert "CLV per customer" in c2._repr_html_()


def test_clv_errors():
    with pytest.raises(ValueError, match="retention must be below 1 \\+ discount = 1 for an infinite horizon"):
        cu.clv(100, 1.0, 0.0)
    with pytest.raises(ValueError, match="retention must be a number <= 1"):
        cu.clv(100, 80, 0.1)
    with pytest.raises(ValueError, match="horizon must be a whole number of periods >= 1"):
        cu.clv(100, 0.8, 0.1, horizon=2.5)
    with pytest.raises(ValueError, match="margin must be one number or 3 numbers"):
        cu.clv_cohort([1, 2], 0.8, 0.1, horizon=3)
    with pytest.raises(ValueError, match="retention\\[1\\] must be a number <= 1"):
        cu.clv_cohort(1, [0.5, 1.5], 0.1, horizon=2)


# ---------------------------------------------------------------------------
# RFM
# ---------------------------------------------------------------------------


def _small_log():
    # Worked by hand as of 2025-03-31:
    # a: 3 purchases, last 03-20 (11 days), total 180
    # b: 1 purchase, 01-05 (85 days), total 400
    # c: 1 purchase, 02-10 (49 days), total 20
    # d: 2 purchases, last 03-30 (1 day), total 120
    # e: 1 purchase, 03-30 (1 day), total 20 (ties d on recency and c on spend; appears later than both)
    return pd.DataFrame({
        "customer_id": ["a", "b", "a", "c", "d", "a", "d", "e"],
        "date": ["2025-01-02", "2025-01-05", "2025-02-01", "2025-02-10", "2025-03-01", "2025-03-20",
                 "2025-03-30", "2025-03-30"],
        "amount": [50, 400, 70, 20, 90, 60, 30, 20],
    })


def test_rfm_by_hand_with_five_bins():
    out = cu.rfm(_small_log(), as_of="2025-03-31", new_within=0)
    assert out.index.tolist() == ["a", "b", "c", "d", "e"]
    assert out["recency"].tolist() == [11, 85, 49, 1, 1]
    assert out["frequency"].tolist() == [3, 1, 1, 2, 1]
    assert out["monetary"].tolist() == [180, 400, 20, 120, 20]
    # Score = 1 + floor(bins × (worse + tied / 2) / n), n = 5, bins = 5 (5 = best); ties share a score.
    # Recency: d and e tie at 1 day (3 worse, 2 tied: 1 + floor(5 × 4/5) = 5); a 2 worse, c 1, b none.
    assert out["r"].tolist() == [3, 1, 2, 5, 5]
    # Frequency: b, c, e tie at 1 purchase (0 worse, 3 tied: 1 + floor(5 × 1.5/5) = 2); d 4; a 5.
    assert out["f"].tolist() == [5, 2, 2, 4, 2]
    # Monetary: c and e tie at 20 (score 2); d 3; a 4; b 5.
    assert out["m"].tolist() == [4, 5, 2, 3, 2]
    assert out["rfm"].tolist() == ["354", "125", "222", "543", "522"]
    # Levels with 5 bins: 1-2 low, 3 mid, 4-5 high; e is (high R, low F) = promising.
    assert out["segment"].tolist() == ["loyal customers", "lost", "lost", "champions", "promising"]
    assert out["tenure"].tolist() == [88, 85, 49, 30, 1]


def test_rfm_new_customers_are_those_whose_first_purchase_is_recent():
    """Issue 13: "new customers" meant (high R, low F) although every customer was acquired long ago."""
    out = cu.rfm(_small_log(), as_of="2025-03-31", new_within=60)
    # c (first and only purchase 49 days ago) and e (1 day ago) are new; b (85 days) is not; d has a mid+ F.
    assert out["segment"].tolist() == ["loyal customers", "lost", "new customers", "champions", "new customers"]
    assert cu.NEW_SEGMENT == "new customers" and out["segment"].cat.categories[0] == "new customers"
    with pytest.raises(ValueError, match="new_within must be a whole number of days >= 0"):
        cu.rfm(_small_log(), new_within=-1)


def test_rfm_new_customers_on_the_dataset(log):
    # The whole cohort was acquired in January–March 2024: nobody is new a year later, and the March recruits
    # are new at the end of April 2024.
    assert (cu.rfm(log, as_of="2025-03-31")["segment"] == "new customers").sum() == 0
    early = cu.rfm(log, as_of="2024-04-30")
    new = early["segment"] == "new customers"
    assert new.sum() > 0 and (early.loc[new, "tenure"] < 90).all() and (early.loc[new, "f"] <= 2).all()


def test_rfm_ties_share_a_score_and_row_order_does_not_matter(log):
    """Issue 13: ties were broken by order of appearance (shuffling changed 407 of 2,500 codes)."""
    out = cu.rfm(log, as_of="2025-03-31")
    for seed in (1, 2, 3):
        shuffled = cu.rfm(log.sample(frac=1, random_state=seed), as_of="2025-03-31")
        pd.testing.assert_frame_equal(shuffled, out)
    # Same behaviour, same score: every two-purchase customer gets one F score, and so on for each value.
    for metric, score in (("recency", "r"), ("frequency", "f"), ("monetary", "m")):
        assert (out.groupby(metric)[score].nunique() == 1).all()
    assert out.loc[out["frequency"] == 2, "f"].unique().tolist() == [2]


def test_rfm_default_as_of_and_mean_monetary():
    out = cu.rfm(_small_log(), bins=2, monetary="mean")
    assert out["recency"].tolist() == [10, 84, 48, 0, 0]  # as of the last date, 2025-03-30
    assert out["monetary"].tolist() == [60, 400, 20, 60, 20]


def test_rfm_as_of_ignores_later_purchases():
    out = cu.rfm(_small_log(), as_of="2025-02-28", bins=2)
    assert out.index.tolist() == ["a", "b", "c"]
    assert out.loc["a", "frequency"] == 2 and out.loc["a", "recency"] == 27


def test_rfm_accepts_datetimes_and_other_column_names():
    log = _small_log().rename(columns={"customer_id": "cid", "date": "day", "amount": "cny"})
    log["day"] = pd.to_datetime(log["day"])
    out = cu.rfm(log, customer="cid", date="day", amount="cny", as_of=pd.Timestamp("2025-03-31"))
    assert out.index.name == "cid"
    assert out["rfm"].tolist() == cu.rfm(_small_log(), as_of="2025-03-31")["rfm"].tolist()


def test_rfm_scores_are_balanced_on_the_dataset(log):
    out = cu.rfm(log)
    assert len(out) == log["customer_id"].nunique()
    # Spend has no ties: five groups of 500. Recency and frequency have ties, so their groups are uneven,
    # but every score is used and no group holds more than a tie group plus a fifth.
    assert out["m"].value_counts().sort_index().tolist() == [500] * 5
    for col, metric in (("r", "recency"), ("f", "frequency")):
        sizes = out[col].value_counts()
        assert sorted(sizes.index) == [1, 2, 3, 4, 5]
        assert sizes.max() <= 500 + out[metric].value_counts().max()
    assert out["frequency"].sum() == len(log)
    assert out["monetary"].sum() == pytest.approx(log["amount"].sum())
    assert out["rfm"].str.len().eq(3).all()


def test_recency_and_frequency_predict_the_next_purchase(log):
    """The courseware's claim: R × F tells how soon a customer buys again (seed 004, item 10)."""
    out = cu.rfm(log, as_of="2025-03-31")
    later = log[log["date"] > "2025-03-31"].groupby("customer_id").size()
    out["buys_next"] = later.reindex(out.index).fillna(0).gt(0)
    rate = out.groupby("segment", observed=True)["buys_next"].mean()
    assert rate["champions"] > 0.5 > rate["lost"]
    assert rate["champions"] > rate["at risk"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcdefgh"), st.integers(0, 60), st.integers(0, 500)), min_size=1,
                max_size=40), st.integers(2, 9))
def test_rfm_properties(rows, bins):
    log = pd.DataFrame(rows, columns=["customer_id", "day", "amount"])
    log["date"] = pd.Timestamp("2025-01-01") + pd.to_timedelta(log["day"], unit="D")
    out = cu.rfm(log, bins=bins)
    grouped = log.groupby("customer_id")
    assert out["frequency"].to_dict() == grouped.size().to_dict()
    assert (out["recency"] == (log["date"].max() - grouped["date"].max()).dt.days).all()
    for score, metric, best_low in (("r", "recency", True), ("f", "frequency", False), ("m", "monetary", False)):
        assert out[score].between(1, bins).all()
        # A strictly better metric never gets a lower score.
        values, scores = out[metric].to_numpy(), out[score].to_numpy()
        better = values[:, None] < values[None, :] if best_low else values[:, None] > values[None, :]
        assert not np.any(better & (scores[:, None] < scores[None, :]))
    assert (out["rfm"] == out["r"].astype(str) + out["f"].astype(str) + out["m"].astype(str)).all()


@pytest.mark.parametrize("change, error, message", [
    (lambda d: d.drop(columns="amount"), ValueError, r"transactions is missing column\(s\) \['amount'\]"),
    (lambda d: d.assign(date=["2025-01-02", "yesterday"] + list(d["date"][2:])), ValueError,
     r"transactions\['date'\] must be dates that parse .*; got 'yesterday'"),
    (lambda d: d.assign(amount=[50, -400, 70, 20, 90, 60, 30, 20]), ValueError,
     r"transactions\['amount'\] must be amounts >= 0 .*; got '-400 at row 1'"),
    (lambda d: d.assign(amount=[50, np.nan, 70, 20, 90, 60, 30, 20]), ValueError,
     r"transactions\['amount'\] must be amounts >= 0"),
    (lambda d: d.assign(amount=["50"] + ["x"] * 7), TypeError, r"transactions\['amount'\] must be numeric"),
    (lambda d: d.assign(customer_id=[None] + list(d["customer_id"][1:])), ValueError,
     r"transactions\['customer_id'\] must be a customer id in every row; got 'a missing id at row 0'"),
    (lambda d: d.assign(date=[None] + list(d["date"][1:])), ValueError,
     r"transactions\['date'\] must be a date in every row"),
    (lambda d: d.iloc[:0], ValueError, r"transactions must be at least one transaction"),
    (lambda d: d.assign(date=20250102), TypeError, r"transactions\['date'\] must be dates .*not numbers"),
])
def test_rfm_errors(change, error, message):
    with pytest.raises(error, match=message):
        cu.rfm(change(_small_log()))


def _text_log():
    # Day-first text, as a Chinese or European export writes it: 3 February, 25 February, 1 March 2025 ...
    return pd.DataFrame({"customer_id": ["a", "a", "b", "a", "b"],
                         "date": ["03/02/2025", "25/02/2025", "10/01/2025", "01/03/2025", "12/03/2025"],
                         "amount": [10, 20, 30, 40, 50]})


@pytest.mark.parametrize("call", [
    lambda log, **kw: cu.rfm(log, as_of="2025-03-31", **kw),
    lambda log, **kw: cu.bgnbd_summary(log, as_of="2025-03-31", **kw),
    lambda log, **kw: cu.period_retention(log, period="month", **kw),
])
def test_ambiguous_day_month_text_is_refused(call):
    """Issue 13: 03/02/2025 was read month-first and 25/02/2025 day-first ("mixed") in one column."""
    with pytest.raises(ValueError, match=r"transactions\['date'\] has dates such as '03/02/2025' that read as "
                                         r"day/month or as month/day \(the column also has '25/02/2025', which "
                                         r"suggests day first\); crmlab does not guess: pass dayfirst=True"):
        call(_text_log())
    # Told the order, the text gives the same answer as ISO dates.
    iso = _text_log().assign(date=pd.to_datetime(_text_log()["date"], format="%d/%m/%Y").dt.strftime("%Y-%m-%d"))
    expected = call(iso)
    pd.testing.assert_frame_equal(call(_text_log(), dayfirst=True), expected)
    pd.testing.assert_frame_equal(call(_text_log(), date_format="%d/%m/%Y"), expected)
    # Month-first cannot read 25/02/2025: refused, never half one order and half the other.
    with pytest.raises(ValueError, match=r"dates in the order dayfirst=False gives \(%m/%d/%Y\); got '25/02/2025'"):
        call(_text_log(), dayfirst=False)


def test_dates_by_hand_after_dayfirst():
    out = cu.rfm(_text_log(), as_of="2025-03-31", dayfirst=True, new_within=0)
    assert out["recency"].tolist() == [30, 19]          # a last bought on 1 March, b on 12 March
    summary = cu.bgnbd_summary(_text_log(), as_of="2025-03-31", unit="day", dayfirst=True)
    assert summary["T"].tolist() == [56.0, 80.0]        # a first bought on 3 February, b on 10 January
    assert summary["recency"].tolist() == [26.0, 61.0]


def test_unambiguous_text_dates_need_no_option():
    log = _text_log().assign(date=["13/02/2025", "25/02/2025", "14/01/2025", "21/03/2025", "30/03/2025"])
    assert cu.rfm(log, as_of="2025-03-31")["recency"].tolist() == [10, 1]   # every value shows day first
    mixed = log.assign(date=["13/02/2025", "02/25/2025", "14/01/2025", "21/03/2025", "30/03/2025"])
    with pytest.raises(ValueError, match=r"mixes day-first and month-first dates \('13/02/2025' and '02/25/2025'\)"):
        cu.rfm(mixed)
    with pytest.raises(ValueError, match=r"as_of has dates such as '03/04/2025'"):
        cu.rfm(_small_log(), as_of="03/04/2025")
    assert cu.rfm(_small_log(), as_of="31/03/2025")["recency"].tolist()[0] == 11
    with pytest.raises(TypeError, match="dayfirst must be True \\(day first\\), False"):
        cu.rfm(_text_log(), dayfirst="yes")
    with pytest.raises(ValueError, match="date_format must be a strptime format"):
        cu.rfm(_text_log(), date_format="DD/MM/YYYY")
    with pytest.raises(ValueError, match=r"dates in the format date_format='%Y-%m-%d'; got '03/02/2025'"):
        cu.rfm(_text_log(), date_format="%Y-%m-%d")


def test_rfm_argument_errors():
    with pytest.raises(ValueError, match="bins must be a whole number from 2 to 9"):
        cu.rfm(_small_log(), bins=10)
    with pytest.raises(ValueError, match="as_of must be a date such as"):
        cu.rfm(_small_log(), as_of="the end of March")
    with pytest.raises(ValueError, match="as_of must be on or after the first purchase \\(2025-01-02\\)"):
        cu.rfm(_small_log(), as_of="2024-12-31")
    with pytest.raises(ValueError, match="monetary must be one of 'total', 'mean'"):
        cu.rfm(_small_log(), monetary="max")


def test_rfm_segments_table():
    assert cu.rfm_segment(5, 5) == "champions" and cu.rfm_segment(1, 1) == "lost"
    assert cu.rfm_segment(3, 3) == "need attention" and cu.rfm_segment(1, 5) == "at risk"
    assert cu.rfm_segment(2, 2, bins=2) == "champions" and cu.rfm_segment(1, 2, bins=2) == "at risk"
    assert cu.rfm_segment([4, 2], [1, 4]).tolist() == ["promising", "at risk"]
    assert len(set(cu.RFM_SEGMENTS.values())) == 9


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------


def test_customer_figures(log):
    spend = log.groupby("customer_id")["amount"].sum()
    axes = [
        cu.nps_ci([10, 9, 8, 3, 6, 10]).plot(),
        plots.nps_plot({"own": cu.nps_ci([10, 9, 8]), "rival": cu.nps_ci([3, 9, 8])}),
        cu.customer_tiers(spend).plot(),
        cu.clv_cohort(300, 0.75, 0.1, horizon=6, customers=100).plot(),
        plots.rfm_heatmap(cu.rfm(log)),
        plots.rfm_heatmap(cu.rfm(log).assign(v=1.0), rows="f", cols="m", values="v", agg="sum"),
    ]
    for ax in axes:
        assert ax.get_title()
    assert axes[2].get_xticklabels()[0].get_text().startswith("VIP\n25 customers")
    conc = plots.concentration_plot(cu.customer_tiers(spend))
    assert [t.get_text() for t in conc.texts][:3] == ["VIP: top 1%", "key: top 5%", "ordinary: top 20%"]
    with pytest.raises(ValueError, match="agg must be one of"):
        plots.rfm_heatmap(cu.rfm(log), values="monetary", agg="max")
    plt.close("all")


def test_equal_spend_ties_exactly_whatever_the_order_of_the_amounts():
    # 0.1 + 0.2 + 0.3 = 0.6000000000000001 but 0.3 + 0.2 + 0.1 = 0.6: a plain float sum would split the tie.
    log = pd.DataFrame({"customer_id": ["a", "a", "a", "b", "b", "b", "c"],
                        "date": ["2025-01-01"] * 7, "amount": [0.1, 0.2, 0.3, 0.3, 0.2, 0.1, 0.05]})
    out = cu.rfm(log, bins=3)
    assert out.loc["a", "monetary"] == out.loc["b", "monetary"] == 0.6
    assert out.loc["a", "m"] == out.loc["b", "m"] and out.loc["a", "rfm"] == out.loc["b", "rfm"]


def test_customer_tiers_give_equal_values_the_same_tier_whatever_the_row_order():
    # Issue: ties were split by order of appearance. Four customers worth 10 straddle the VIP/key boundary.
    values = pd.Series([10, 10, 10, 10, 3, 2, 1, 1, 1, 1], index=list("abcdefghij"))
    tiers = cu.customer_tiers(values, shares=(0.2, 0.3, 0.5), labels=("top", "mid", "low")).tier
    assert set(tiers[values == 10]) == {"top"} and set(tiers[values == 1]) == {"low"}
    shuffled = values.sample(frac=1, random_state=3)
    again = cu.customer_tiers(shuffled, shares=(0.2, 0.3, 0.5), labels=("top", "mid", "low")).tier
    pd.testing.assert_series_equal(again.reindex(tiers.index), tiers)
