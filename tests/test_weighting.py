"""crmlab.weighting: AHP, Kendall's W, rank-sum weights and Delphi rounds.

Published worked examples reproduced here:

* Saaty's house-buying example (T. L. Saaty, "How to make a decision: the analytic hierarchy
  process", European Journal of Operational Research 48 (1990) 9–26, the eight house criteria;
  also Saaty 1980, *The Analytic Hierarchy Process*, ch. 3): priorities .173 .054 .188 .018 .031
  .036 .167 .333, λmax = 9.669, C.I. = 0.238, C.R. = 0.169.
* Saaty's relative wealth of nations (Saaty 1980, *The Analytic Hierarchy Process*, McGraw-Hill,
  §2.2; Saaty & Khouja 1976): US .427, USSR .230, China .021, France .052, UK .052, Japan .123,
  W. Germany .094, λmax = 7.61 (so CI = 0.102 and CR = 0.077).
* Siegel (1956), *Nonparametric Statistics for the Behavioral Sciences*, pp. 230–232: three
  executives rank six applicants, W = 0.16.
* The anxiety ratings with ties (Gamer, Lemon, Fellows & Singh, R package irr, ``kendall(anxiety,
  correct = TRUE)``; the same data in DescTools::KendallW): Wt = 0.54, χ²(19) = 30.8, p = 0.0429.
* Siegel & Castellan (1988), *Nonparametric Statistics*, 2nd ed., §9.4 (the data reproduced in
  DescTools::KendallW's example): three raters rank eight attributes; W = 0.656, equal to Friedman's test.
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
from scipy import stats  # noqa: E402

from crmlab import datasets, weighting  # noqa: E402
from crmlab.weighting import (  # noqa: E402
    RANDOM_INDEX,
    agreement,
    ahp,
    delphi,
    kendall_test,
    kendall_w,
    pairwise_matrix,
    rank_weights,
    wide_rankings,
)

HOUSE_LABELS = ["size", "transport", "neighbourhood", "age", "yard", "facilities", "condition", "financing"]
HOUSE = [
    [1, 5, 3, 7, 6, 6, 1 / 3, 1 / 4],
    [1 / 5, 1, 1 / 3, 5, 3, 3, 1 / 5, 1 / 7],
    [1 / 3, 3, 1, 6, 3, 4, 6, 1 / 5],
    [1 / 7, 1 / 5, 1 / 6, 1, 1 / 3, 1 / 4, 1 / 7, 1 / 8],
    [1 / 6, 1 / 3, 1 / 3, 3, 1, 1 / 2, 1 / 5, 1 / 6],
    [1 / 6, 1 / 3, 1 / 4, 4, 2, 1, 1 / 5, 1 / 6],
    [3, 5, 1 / 6, 7, 5, 5, 1, 1 / 2],
    [4, 7, 5, 8, 6, 6, 2, 1],
]
WEALTH_LABELS = ["US", "USSR", "China", "France", "UK", "Japan", "W. Germany"]
WEALTH = [
    [1, 4, 9, 6, 6, 5, 5],
    [1 / 4, 1, 7, 5, 5, 3, 4],
    [1 / 9, 1 / 7, 1, 1 / 5, 1 / 5, 1 / 7, 1 / 5],
    [1 / 6, 1 / 5, 5, 1, 1, 1 / 3, 1 / 3],
    [1 / 6, 1 / 5, 5, 1, 1, 1 / 3, 1 / 3],
    [1 / 5, 1 / 3, 7, 3, 3, 1, 2],
    [1 / 5, 1 / 4, 5, 3, 3, 1 / 2, 1],
]
ANXIETY = np.array([
    [3, 3, 3, 4, 5, 5, 2, 3, 5, 2, 2, 6, 1, 5, 2, 2, 1, 2, 4, 3],
    [3, 6, 4, 6, 2, 4, 2, 4, 3, 3, 2, 3, 3, 3, 2, 2, 1, 3, 3, 4],
    [2, 1, 4, 4, 3, 2, 1, 6, 1, 1, 1, 2, 3, 3, 1, 1, 3, 3, 2, 2],
])  # rows = the 3 raters, columns = the 20 subjects


# ---------------------------------------------------------------------------
# AHP: published examples
# ---------------------------------------------------------------------------


def test_saaty_house_example():
    """Saaty (1990, EJOR 48: 9–26), house example: weights, λmax, CI and CR to 3 decimals."""
    r = ahp(HOUSE, labels=HOUSE_LABELS)
    published = [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333]
    np.testing.assert_allclose(r.weights.to_numpy(), published, atol=5e-4)
    assert r.lambda_max == pytest.approx(9.669, abs=5e-4)
    assert r.ci == pytest.approx(0.238, abs=5e-4)
    assert r.cr == pytest.approx(0.169, abs=5e-4)
    assert not r.consistent
    assert list(r.weights.index) == HOUSE_LABELS
    assert r.weights.sum() == pytest.approx(1.0, abs=1e-12)


def test_saaty_wealth_of_nations_example():
    """Saaty (1980, §2.2), relative wealth of nations: weights to 3 decimals, λmax = 7.61, CR = 0.077."""
    r = ahp(pd.DataFrame(WEALTH, index=WEALTH_LABELS, columns=WEALTH_LABELS))
    published = [0.427, 0.230, 0.021, 0.052, 0.052, 0.123, 0.094]
    np.testing.assert_allclose(r.weights.to_numpy(), published, atol=5e-4)
    assert r.lambda_max == pytest.approx(7.61, abs=5e-3)
    # CR from the published λmax: (7.61 − 7) / 6 / 1.32 = 0.0770.
    assert r.cr == pytest.approx(0.077, abs=5e-4)
    assert r.consistent
    assert list(r.weights.index) == WEALTH_LABELS


def test_geometric_method_close_to_eigen_on_published_examples():
    # The two methods agree closely on a fairly consistent matrix and drift apart on an inconsistent one.
    for matrix, tol in ((WEALTH, 0.01), (HOUSE, 0.05)):
        eig, geo = ahp(matrix), ahp(matrix, method="geometric")
        assert geo.method == "geometric"
        np.testing.assert_allclose(geo.weights, eig.weights, atol=tol)
        assert geo.lambda_max >= len(matrix)
        assert geo.cr == pytest.approx(eig.cr, abs=0.02)


def test_hand_computed_three_by_three():
    # a_ij = w_i / w_j for w = (4, 2, 1) / 7: consistent, so λmax = 3 and CI = CR = 0.
    r = ahp([[1, 2, 4], [0.5, 1, 2], [0.25, 0.5, 1]])
    np.testing.assert_allclose(r.weights, [4 / 7, 2 / 7, 1 / 7], atol=1e-12)
    assert r.lambda_max == pytest.approx(3.0, abs=1e-9)
    assert r.ci == pytest.approx(0.0, abs=1e-9) and r.cr == pytest.approx(0.0, abs=1e-9)


def test_small_matrices_have_zero_cr():
    assert ahp([[1]]).weights.tolist() == [1.0]
    assert ahp([[1]]).cr == 0.0
    r = ahp([[1, 3], [1 / 3, 1]], labels=["a", "b"])
    assert r.weights.tolist() == pytest.approx([0.75, 0.25])
    assert r.cr == 0.0 and r.ci == 0.0 and r.consistent


def test_random_index_is_saatys_table():
    assert RANDOM_INDEX == {1: 0, 2: 0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49}


def test_string_fractions_and_dataframe_labels():
    frame = pd.DataFrame([["1", "3", "5"], ["1/3", "1", "2"], ["1/5", "1/2", "1"]],
                         index=["r", "s", "c"], columns=["r", "s", "c"])
    r = ahp(frame)
    direct = ahp([[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]], labels=["r", "s", "c"])
    pd.testing.assert_series_equal(r.weights, direct.weights)
    # Columns in another order are matched by label.
    shuffled = frame[["c", "r", "s"]]
    pd.testing.assert_series_equal(ahp(shuffled).weights, direct.weights)


# ---------------------------------------------------------------------------
# AHP: inconsistent judgments to revisit
# ---------------------------------------------------------------------------


def test_revisit_points_at_the_slip_in_the_house_example():
    r = ahp(HOUSE, labels=HOUSE_LABELS)
    advice = r.revisit(top=3)
    assert list(advice.columns) == ["row", "column", "judgment", "implied", "deviation", "suggested", "cr_if_revised"]
    # Neighbourhood was judged 6× as important as general condition although the
    # weights make them about equal: the largest deviation.
    first = advice.iloc[0]
    assert (first["row"], first["column"], first["judgment"]) == ("neighbourhood", "condition", 6)
    assert first["deviation"] == pytest.approx(6 / first["implied"])
    assert advice["deviation"].is_monotonic_decreasing
    # cr_if_revised is the CR of the matrix with that one judgment (and its reciprocal) replaced.
    revised = np.array(HOUSE, dtype=float)
    revised[2, 6], revised[6, 2] = first["suggested"], 1 / first["suggested"]
    assert first["cr_if_revised"] == pytest.approx(ahp(revised).cr, abs=1e-12)
    assert first["cr_if_revised"] < 0.10 < r.cr
    assert len(r.revisit(top=100)) == 8 * 7 // 2


def test_html_shows_judgments_to_revisit_only_when_inconsistent():
    bad = ahp(HOUSE, labels=HOUSE_LABELS)._repr_html_()
    assert "revisit these judgments" in bad and "neighbourhood" in bad
    good = ahp(WEALTH, labels=WEALTH_LABELS)._repr_html_()
    assert "revisit" not in good and "CR" in good


def test_ahp_to_frame_and_plot():
    r = ahp(WEALTH, labels=WEALTH_LABELS)
    frame = r.to_frame()
    assert frame.loc["US", "rank"] == 1 and frame.loc["China", "rank"] == 7
    ax = r.plot()
    assert "CR = 0.077" in ax.get_title()
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == "US"
    plt.close("all")


# ---------------------------------------------------------------------------
# AHP: bad input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        ([[1, 2, 3], [0.5, 1, 2]], "square"),
        ([1, 2, 3], "two-dimensional"),
        ([[1, -2], [-0.5, 1]], "matrix[0, 1] must be a positive finite number"),
        ([[1, 0], [0, 1]], "positive"),
        ([[2, 1], [1, 1]], "matrix[0, 0] must be 1"),
        ([[1, 3], [0.33, 1]], "reciprocal"),
        ([[1, float("nan")], [1, 1]], "positive finite"),
        ([[1, "abc"], ["1/3", 1]], "fraction"),
        ([[1, "1/0"], [1, 1]], "non-zero denominator"),
        ([], "square"),
    ],
)
def test_ahp_rejects_bad_matrices(matrix, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        ahp(matrix)


def test_ahp_error_names_the_cell_by_label():
    with pytest.raises(ValueError, match=r"matrix\['b', 'c'\] × matrix\['c', 'b'\]"):
        ahp([[1, 2, 4], [0.5, 1, 3], [0.25, 0.5, 1]], labels=["a", "b", "c"])


def test_ahp_other_errors():
    with pytest.raises(ValueError, match="at most 10"):
        ahp(np.ones((11, 11)))
    with pytest.raises(ValueError, match="method must be one of 'eigen', 'geometric'"):
        ahp([[1]], method="mean")
    with pytest.raises(ValueError, match="labels must be 2 names"):
        ahp([[1, 2], [0.5, 1]], labels=["a"])
    with pytest.raises(ValueError, match="unique"):
        ahp([[1, 2], [0.5, 1]], labels=["a", "a"])
    with pytest.raises(TypeError, match="square table"):
        ahp("1 2; 1/2 1")
    with pytest.raises(ValueError, match=r"matrix\[0, 1\] must be a positive finite number; got None"):
        ahp([[1, None], [1, 1]])
    with pytest.raises(TypeError, match="positive number"):
        ahp([[1, [2]], [1, 1]])
    with pytest.raises(ValueError, match="same items"):
        ahp(pd.DataFrame([[1, 2], [0.5, 1]], index=["a", "b"], columns=["x", "y"]))
    with pytest.raises(ValueError, match="top must be"):
        ahp(HOUSE).revisit(top=0)


# ---------------------------------------------------------------------------
# AHP: properties
# ---------------------------------------------------------------------------

saaty_values = st.sampled_from([*range(1, 10), *(1 / k for k in range(2, 10))])


@st.composite
def reciprocal_matrices(draw, min_n=1, max_n=10):
    n = draw(st.integers(min_n, max_n))
    a = np.ones((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            v = draw(saaty_values)
            a[i, j], a[j, i] = v, 1 / v
    return a


@settings(max_examples=60, deadline=None)
@given(reciprocal_matrices(), st.sampled_from(["eigen", "geometric"]))
def test_weights_are_positive_and_sum_to_one(a, method):
    r = ahp(a, method=method)
    assert r.weights.sum() == pytest.approx(1.0, abs=1e-9)
    assert (r.weights > 0).all()
    n = len(a)
    assert r.lambda_max >= n
    assert r.cr >= 0 and r.consistent == (r.cr <= 0.10)
    if n > 2:
        assert r.cr == pytest.approx((r.lambda_max - n) / (n - 1) / RANDOM_INDEX[n])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.05, 20), min_size=1, max_size=10), st.sampled_from(["eigen", "geometric"]))
def test_consistent_matrix_recovers_weights_with_zero_cr(raw, method):
    w = np.array(raw) / np.sum(raw)
    r = ahp(np.outer(w, 1 / w), method=method)
    np.testing.assert_allclose(r.weights.to_numpy(), w, rtol=1e-7, atol=1e-10)
    assert r.cr == pytest.approx(0.0, abs=1e-9)
    assert r.consistent


@settings(max_examples=40, deadline=None)
@given(reciprocal_matrices(min_n=2), st.randoms(use_true_random=False))
def test_reordering_items_permutes_weights(a, rnd):
    n = len(a)
    labels = [f"x{k}" for k in range(n)]
    perm = list(range(n))
    rnd.shuffle(perm)
    base = ahp(a, labels=labels)
    moved = ahp(a[np.ix_(perm, perm)], labels=[labels[k] for k in perm])
    pd.testing.assert_series_equal(moved.weights.sort_index(), base.weights.sort_index(), atol=1e-9, rtol=1e-9)
    assert moved.cr == pytest.approx(base.cr, abs=1e-9)


# ---------------------------------------------------------------------------
# pairwise_matrix
# ---------------------------------------------------------------------------


def test_pairwise_matrix_builds_reciprocals():
    m = pairwise_matrix({("a", "b"): 3, ("a", "c"): "5", ("c", "b"): 1 / 2}, labels=["a", "b", "c"])
    expected = np.array([[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]])
    np.testing.assert_allclose(m.to_numpy(), expected)
    assert ahp(m).weights.index.tolist() == ["a", "b", "c"]


def test_pairwise_matrix_errors():
    with pytest.raises(ValueError, match="lack 1 pair"):
        pairwise_matrix({("a", "b"): 3, ("a", "c"): 5})
    with pytest.raises(ValueError, match="twice"):
        pairwise_matrix({("a", "b"): 3, ("b", "a"): 1 / 3})
    with pytest.raises(ValueError, match="two different items"):
        pairwise_matrix({("a", "a"): 1})
    with pytest.raises(ValueError, match="not in labels"):
        pairwise_matrix({("a", "b"): 3}, labels=["a", "c"])
    with pytest.raises(ValueError, match="positive"):
        pairwise_matrix({("a", "b"): -3})
    with pytest.raises(TypeError, match="mapping"):
        pairwise_matrix([("a", "b", 3)])
    with pytest.raises(TypeError, match="pair"):
        pairwise_matrix({"ab": 3})


# ---------------------------------------------------------------------------
# Kendall's W
# ---------------------------------------------------------------------------


def test_siegel_1956_job_applicants():
    """Siegel (1956), pp. 230–232: 3 executives rank 6 applicants, rank sums 8,14,11,11,11,8; W = 0.16."""
    ranks = [[1, 6, 3, 2, 5, 4], [1, 5, 6, 4, 2, 3], [6, 3, 2, 5, 4, 1]]
    t = kendall_test(ranks)
    assert t.rank_sums.tolist() == [8, 14, 11, 11, 11, 8]
    # s = 25.5 and W = 12 s / (m²(n³ − n)) = 306 / 1890 = 0.1619.
    assert t.w == pytest.approx(306 / 1890, abs=1e-12)
    assert round(t.w, 2) == 0.16


def test_anxiety_ratings_with_ties():
    """irr::kendall(anxiety, correct = TRUE) (Gamer et al.): Wt = 0.54, χ²(19) = 30.8, p = 0.0429."""
    t = kendall_test(ANXIETY)
    assert round(t.w, 2) == 0.54 and round(t.chi2, 1) == 30.8 and round(t.p_value, 4) == 0.0429
    assert t.df == 19 and (t.m, t.n) == (3, 20)
    # To 4 decimals, checked against SciPy's tie-corrected Friedman test (an independent
    # implementation): Friedman χ² = m (n − 1) W.
    friedman = stats.friedmanchisquare(*ANXIETY.T)
    assert t.chi2 == pytest.approx(friedman.statistic, abs=1e-9)
    assert t.p_value == pytest.approx(friedman.pvalue, abs=1e-12)
    assert round(t.w, 4) == 0.5397
    # Without the tie correction W would be lower: 0.5019.
    assert kendall_w(ANXIETY) > 0.5019


def test_siegel_castellan_1988_attributes():
    """Siegel & Castellan (1988), §9.4 data (in DescTools::KendallW): W = 0.656, as Friedman's test."""
    ranks = pd.DataFrame({"airfare": [5, 1, 4], "climate": [6, 7, 5], "season": [7, 6, 1], "people": [1, 2, 3],
                          "program": [2, 3, 2], "publicity": [4, 5, 7], "present": [3, 4, 6],
                          "interest": [8, 8, 8]}, index=[4, 21, 11])
    t = kendall_test(ranks)
    # Rank sums 10, 18, 14, 6, 7, 16, 13, 24; s = 248; W = 12·248 / (9·504) = 0.6561.
    assert t.rank_sums.tolist() == [10, 18, 14, 6, 7, 16, 13, 24]
    assert t.w == pytest.approx(2976 / 4536, abs=1e-12)
    assert round(t.w, 3) == 0.656
    assert t.chi2 == pytest.approx(stats.friedmanchisquare(*ranks.to_numpy().T).statistic)
    assert t.to_frame().loc["interest", "mean_rank"] == 8


def test_tie_correction_by_hand():
    # Rank sums 3, 7, 8, 12; S = 41; ties: two experts with one pair tied → Σ(t³ − t) = 12.
    # W = 12·41 / (9·60 − 3·12) = 492 / 504.
    assert kendall_w([[1, 2.5, 2.5, 4], [1, 2, 3, 4], [1, 2.5, 2.5, 4]]) == pytest.approx(492 / 504)
    # Ties written as 1, 2, 2, 4 or 1, 2, 2, 3 mean the same ranking.
    assert kendall_w([[1, 2, 2, 4], [1, 2, 3, 4], [1, 2, 2, 3]]) == pytest.approx(492 / 504)


def test_kendall_extremes_and_headline():
    assert kendall_w([[1, 2, 3], [1, 2, 3], [1, 2, 3]]) == pytest.approx(1.0)
    assert kendall_w([[1, 2, 3], [2, 3, 1], [3, 1, 2]]) == pytest.approx(0.0)
    html = kendall_test([[1, 2, 3], [1, 3, 2]])._repr_html_()
    assert "W" in html and "p-value" in html


@pytest.mark.parametrize(
    ("rankings", "exc", "message"),
    [
        ([[1, 2, 3]], ValueError, "at least 2 expert"),
        ([[1], [1]], ValueError, "at least 2 items"),
        ([[1, 2], [1, np.nan]], ValueError, "no missing values"),
        ([[1, 1], [2, 2]], ValueError, "tied all items"),
        ([["a", "b"], ["b", "a"]], TypeError, "numeric ranks"),
        ("1 2 3", TypeError, "DataFrame or 2-D array"),
        ([1, 2, 3], ValueError, "two-dimensional"),
    ],
)
def test_kendall_bad_input(rankings, exc, message):
    with pytest.raises(exc, match=message):
        kendall_w(rankings)


@st.composite
def tied_rankings(draw):
    m = draw(st.integers(2, 8))
    n = draw(st.integers(2, 9))
    rows = [draw(st.lists(st.integers(1, 4), min_size=n, max_size=n)) for _ in range(m)]
    # At least one expert must order something for W to exist.
    if all(len(set(r)) == 1 for r in rows):
        rows[0][0] = rows[0][0] % 4 + 1
    return np.array(rows, dtype=float)


@settings(max_examples=80, deadline=None)
@given(tied_rankings())
def test_kendall_matches_friedman_and_is_bounded(ranks):
    t = kendall_test(ranks)
    assert -1e-12 <= t.w <= 1 + 1e-12
    assert t.chi2 == pytest.approx(t.m * (t.n - 1) * t.w)
    if ranks.shape[1] >= 3:
        assert t.chi2 == pytest.approx(stats.friedmanchisquare(*ranks.T).statistic, rel=1e-9, abs=1e-9)
    # Neither the experts' order nor the items' order changes W.
    assert kendall_w(ranks[::-1]) == pytest.approx(t.w)
    assert kendall_w(ranks[:, ::-1]) == pytest.approx(t.w)


# ---------------------------------------------------------------------------
# rank_weights
# ---------------------------------------------------------------------------


def test_rank_sum_weights_by_hand():
    # Mean ranks 1, 2.5, 2.5 with n = 3: (3 + 1 − r̄) = 3, 1.5, 1.5 → / 6.
    w = rank_weights(pd.DataFrame([[1, 2, 3], [1, 3, 2]], columns=["a", "b", "c"]))
    assert w.to_dict() == pytest.approx({"a": 0.5, "b": 0.25, "c": 0.25})
    assert w.name == "weight"
    # One ranking: 2(n + 1 − r)/(n(n + 1)) = (4, 3, 2, 1)/10.
    assert rank_weights([1, 2, 3, 4]).tolist() == pytest.approx([0.4, 0.3, 0.2, 0.1])
    assert rank_weights(pd.Series([2, 1], index=["x", "y"])).to_dict() == pytest.approx({"x": 1 / 3, "y": 2 / 3})
    # Reciprocal: 1/r̄ = 1, 0.4, 0.4 → / 1.8.
    r = rank_weights([[1, 2, 3], [1, 3, 2]], method="reciprocal")
    assert r.tolist() == pytest.approx([1 / 1.8, 0.4 / 1.8, 0.4 / 1.8])
    with pytest.raises(ValueError, match="method must be one of 'rank_sum', 'reciprocal'"):
        rank_weights([1, 2], method="borda")


@settings(max_examples=60, deadline=None)
@given(tied_rankings(), st.sampled_from(["rank_sum", "reciprocal"]))
def test_rank_weights_properties(ranks, method):
    w = rank_weights(ranks, method=method)
    assert w.sum() == pytest.approx(1.0) and (w > 0).all()
    mean_rank = pd.DataFrame(ranks).rank(axis=1).mean()
    # A better (smaller) mean rank never gets a smaller weight.
    order = np.argsort(mean_rank.to_numpy(), kind="stable")
    assert np.all(np.diff(w.to_numpy()[order]) <= 1e-12)
    perm = np.random.default_rng(0).permutation(ranks.shape[1])
    moved = rank_weights(pd.DataFrame(ranks).iloc[:, perm], method=method)
    pd.testing.assert_series_equal(moved.sort_index(), w.sort_index())


# ---------------------------------------------------------------------------
# Delphi
# ---------------------------------------------------------------------------


def test_delphi_by_hand():
    r1 = [[1, 2, 3], [3, 1, 2], [2, 3, 1], [1, 3, 2]]
    r2 = [[1, 2, 3], [1, 2, 3], [2, 1, 3], [1, 2, 3]]
    d = delphi([r1, r2], cv_threshold=0.3)
    # Round 2: item 0 ranks 1,1,2,1 → mean 1.25, s = 0.5, CV = 0.4.
    assert d.cv.iloc[-1, 0] == pytest.approx(0.5 / 1.25)
    assert d.mean_ranks.iloc[-1].tolist() == [1.25, 1.75, 3.0]
    assert d.concordance["W"].tolist() == pytest.approx([kendall_w(r1), kendall_w(r2)])
    pd.testing.assert_series_equal(d.final_weights, rank_weights(r2), check_names=False)
    assert not d.converged and d.disputed == [0]
    assert delphi([r1, r2], cv_threshold=0.5).converged
    assert list(d.weights.index) == [1, 2]


def test_delphi_on_expert_rankings_dataset():
    long = datasets.load("expert_rankings")
    d = delphi(long)
    w = d.concordance["W"]
    assert list(w.index) == [1, 2, 3]
    assert w.is_monotonic_increasing  # feedback between rounds raises agreement
    assert (d.concordance["p_value"] < 0.001).all()
    assert d.concordance["agreement"].iloc[-1] == agreement(w.iloc[-1])
    for k in (1, 2, 3):
        assert d.concordance.loc[k, "W"] == pytest.approx(kendall_w(wide_rankings(long[long["round"] == k])))
    np.testing.assert_allclose(d.weights.sum(axis=1), 1.0)
    # The same answer from a list of wide tables and from a mapping.
    tables = [wide_rankings(g) for _, g in long.groupby("round")]
    pd.testing.assert_frame_equal(delphi(tables).weights.reset_index(drop=True), d.weights.reset_index(drop=True))
    pd.testing.assert_frame_equal(delphi(dict(zip("abc", tables))).cv.reset_index(drop=True),
                                  d.cv.reset_index(drop=True))
    frame = d.to_frame()
    assert list(frame.columns) == ["weight r1", "weight r2", "weight r3", "mean rank", "CV"]
    assert frame.index[0] == "profit_growth"
    assert "converged" in d._repr_html_()
    ax = d.plot()
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[0].startswith("round 1") and "W = " in labels[-1]
    assert len(ax.lines) == 12
    plt.close("all")


def test_delphi_errors():
    with pytest.raises(ValueError, match="same items"):
        delphi([pd.DataFrame([[1, 2], [2, 1]], columns=["a", "b"]),
                pd.DataFrame([[1, 2], [2, 1]], columns=["a", "c"])])
    with pytest.raises(ValueError, match="'round' column"):
        delphi(pd.DataFrame({"expert": ["e"], "indicator": ["a"], "rank": [1]}))
    with pytest.raises(ValueError, match="cv_threshold must be a number > 0"):
        delphi([[[1, 2], [2, 1]]], cv_threshold=0)
    with pytest.raises(ValueError, match="at least one round"):
        delphi([])
    with pytest.raises(TypeError, match="list of rankings"):
        delphi(42)
    with pytest.raises(ValueError, match=r"rounds\[1\] must be rankings by at least 2"):
        delphi([[[1, 2]]])
    long = pd.DataFrame({"expert": ["e", "e"], "indicator": ["a", "a"], "rank": [1, 2]})
    with pytest.raises(ValueError, match="two ranks for expert 'e'"):
        wide_rankings(long)
    with pytest.raises(ValueError, match="missing column"):
        wide_rankings(long.drop(columns="rank"))


def test_agreement_labels():
    assert [agreement(x) for x in (0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0)] == [
        "very weak", "very weak", "weak", "moderate", "strong", "unusually strong", "unusually strong"]
    with pytest.raises(ValueError, match="w must be a number <= 1"):
        agreement(1.5)


def test_module_is_light():
    import sys

    assert "matplotlib.pyplot" not in weighting.__dict__
    assert "ipywidgets" not in {m.split(".")[0] for m in vars(weighting)}
    assert sys.modules["crmlab.weighting"] is weighting


def test_ahp_equal_weights_share_a_rank():
    # Chapter 03: financial and customer get identical judgments; their eigenvector weights differ only in the
    # 15th digit (0.35091288743135 vs …556), which must not show as ranks 2 and 1.
    judgments = {("financial", "customer"): 1, ("financial", "internal_process"): 2,
                 ("financial", "learning_growth"): 3, ("customer", "internal_process"): 2,
                 ("customer", "learning_growth"): 3, ("internal_process", "learning_growth"): 2}
    res = weighting.ahp(weighting.pairwise_matrix(judgments))
    assert abs(res.weights["financial"] - res.weights["customer"]) < 1e-9
    ranks = res.to_frame()["rank"]
    assert ranks.to_dict() == {"financial": 1, "customer": 1, "internal_process": 3, "learning_growth": 4}
    # The chart keeps tied items in input order (financial on top), not in the order of the noise.
    ax = res.plot()
    assert [t.get_text() for t in ax.get_yticklabels()][-2:] == ["Customer 客户", "Financial 财务"]
    plt.close("all")
    # Weights further apart than 1e-9 still get their own ranks.
    close = weighting.ahp([[1, 1.0001, 3], [1 / 1.0001, 1, 3], [1 / 3, 1 / 3, 1]])
    assert close.to_frame()["rank"].tolist() == [1, 2, 3]


def test_delphi_plot_one_look_per_item_and_an_honest_title():
    res = weighting.delphi(datasets.load("expert_rankings"))
    ax = res.plot()
    lines = ax.get_lines()
    assert len(lines) == 12
    looks = {(matplotlib.colors.to_hex(line.get_color()), line.get_marker()) for line in lines}
    colours = {matplotlib.colors.to_hex(line.get_color()) for line in lines}
    assert len(looks) == 12 and len(colours) == 12  # no colour reused
    assert f"{len(res.disputed)} of 12 items" in ax.get_title() and "round 3" in ax.get_title()
    plt.close("all")
