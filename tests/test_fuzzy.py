"""crmlab.fuzzy: membership from votes, one-level and multi-level fuzzy comprehensive evaluation.

Published worked examples reproduced here:

* The clothing evaluation (服装评判) of Chinese fuzzy-mathematics textbooks, after Wang Peizhuang
  (汪培庄, *模糊集合论及其应用*, 1983); worked with Zadeh's M(∧,∨) in e.g. Si Shoukui & Sun Xijing,
  *数学建模算法与应用* (National Defense Industry Press), example 8.4: factors colour, style,
  durability, price; grades very welcome, fairly welcome, not very welcome, unwelcome;
  R = [[.2,.5,.2,.1],[.7,.2,.1,0],[0,.4,.5,.1],[.2,.3,.5,0]]. For customers with weights
  A1 = (.1,.2,.3,.4), B1 = (0.2, 0.3, 0.4, 0.1) → "not very welcome"; for A2 = (.4,.35,.15,.1),
  B2 = (0.35, 0.4, 0.2, 0.1) → "fairly welcome".
* The employee evaluation of the same book's one-level example (weighted average M(·,+)):
  factors political conduct, ability, attitude, results with A = (.25, .2, .25, .3) and grades
  excellent … poor: B = (0.175, 0.53, 0.275, 0.02, 0) → "good".
The other operators are checked on the clothing data by hand (sums and minima written out below).
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

from crmlab import datasets, fuzzy  # noqa: E402
from crmlab.fuzzy import OPERATORS, evaluate, evaluate_levels, membership_from_votes  # noqa: E402

GRADES = ["very welcome", "fairly welcome", "not very welcome", "unwelcome"]
CLOTHING = pd.DataFrame([[0.2, 0.5, 0.2, 0.1], [0.7, 0.2, 0.1, 0.0], [0.0, 0.4, 0.5, 0.1], [0.2, 0.3, 0.5, 0.0]],
                        index=["colour", "style", "durability", "price"], columns=GRADES)


def test_clothing_example_zadeh_operator():
    """Clothing example, M(∧,∨): B1 = (0.2, 0.3, 0.4, 0.1), B2 = (0.35, 0.4, 0.2, 0.1)."""
    b1 = evaluate([0.1, 0.2, 0.3, 0.4], CLOTHING, operator="zadeh")
    assert b1.vector.tolist() == pytest.approx([0.2, 0.3, 0.4, 0.1], abs=1e-12)
    assert b1.grade == "not very welcome"
    b2 = evaluate([0.4, 0.35, 0.15, 0.1], CLOTHING, operator="zadeh")
    assert b2.vector.tolist() == pytest.approx([0.35, 0.4, 0.2, 0.1], abs=1e-12)
    assert b2.grade == "fairly welcome"
    assert b2.normalized.tolist() == pytest.approx([0.35 / 1.05, 0.4 / 1.05, 0.2 / 1.05, 0.1 / 1.05])


def test_employee_example_weighted_average():
    """One-level employee evaluation, M(·,+): B = (0.175, 0.53, 0.275, 0.02, 0) → good."""
    grades = ["excellent", "good", "average", "fair", "poor"]
    r = pd.DataFrame([[0.1, 0.5, 0.4, 0.0, 0.0], [0.2, 0.5, 0.2, 0.1, 0.0], [0.2, 0.5, 0.3, 0.0, 0.0],
                      [0.2, 0.6, 0.2, 0.0, 0.0]], columns=grades)
    b = evaluate([0.25, 0.2, 0.25, 0.3], r)
    assert b.vector.round(4).tolist() == [0.175, 0.53, 0.275, 0.02, 0.0]
    assert b.grade == "good" and b.operator == "weighted_average"


def test_other_operators_by_hand_on_clothing():
    a = [0.1, 0.2, 0.3, 0.4]
    # M(·,∨): column maxima of a_i r_ij: max(.02,.14,0,.08), max(.05,.04,.12,.12), max(.02,.02,.15,.2), max(.01,0,.03,0).
    pm = evaluate(a, CLOTHING, operator="product_max")
    assert pm.vector.tolist() == pytest.approx([0.14, 0.12, 0.2, 0.03])
    assert pm.grade == "not very welcome"
    # M(∧,⊕): column sums of min(a_i, r_ij): .1+.2+0+.2, .1+.2+.3+.3, .1+.1+.3+.4, .1+0+.1+0.
    bd = evaluate(a, CLOTHING, operator="bounded")
    assert bd.vector.tolist() == pytest.approx([0.5, 0.9, 0.9, 0.2])
    # Two grades tie at 0.9: the first one wins.
    assert bd.grade == "fairly welcome"
    # M(·,+) for comparison: 0.1·.2 + 0.2·.7 + 0 + 0.4·.2 = 0.24, …
    wa = evaluate(a, CLOTHING)
    assert wa.vector.tolist() == pytest.approx([0.24, 0.33, 0.39, 0.04])


def test_bounded_sum_is_capped_at_one():
    # min(1, Σ) binds only when weights meet memberships above them; weights summing to 1 keep Σ ≤ 1.
    b = evaluate([0.5, 0.5], [[1.0, 0.0], [1.0, 0.2]], operator="bounded")
    assert b.vector.tolist() == pytest.approx([1.0, 0.2])
    assert (b.vector <= 1).all()


def test_grade_scores_give_a_score():
    r = evaluate([0.4, 0.35, 0.15, 0.1], CLOTHING, operator="zadeh",
                 grade_scores={"very welcome": 4, "fairly welcome": 3, "not very welcome": 2, "unwelcome": 1})
    assert r.score == pytest.approx((0.35 * 4 + 0.4 * 3 + 0.2 * 2 + 0.1 * 1) / 1.05)
    frame = r.to_frame()
    assert list(frame.columns) == ["B", "normalized", "grade_score"]
    assert "score" in r._repr_html_() and "M(∧,∨)" in r._repr_html_()
    assert evaluate([1.0], [[0.5, 0.5]]).score is None


def test_inputs_of_every_kind_give_the_same_answer():
    a, r = [0.1, 0.2, 0.3, 0.4], CLOTHING
    expected = evaluate(a, r).vector.to_numpy()
    assert evaluate(np.array(a), r.to_numpy()).vector.to_numpy() == pytest.approx(expected)
    assert evaluate(tuple(a), r.to_numpy().tolist()).vector.to_numpy() == pytest.approx(expected)
    # A Series or mapping of weights is matched by label, whatever its order.
    shuffled = pd.Series(a, index=r.index).iloc[::-1]
    assert evaluate(shuffled, r).vector.to_numpy() == pytest.approx(expected)
    assert evaluate(dict(zip(r.index, a)), r).vector.to_numpy() == pytest.approx(expected)


def test_membership_from_votes():
    votes = datasets.load("scorecard_votes")
    m = membership_from_votes(votes)
    assert m.index.names == ["perspective", "indicator"]
    assert list(m.columns) == ["excellent", "good", "fair", "poor"]
    np.testing.assert_allclose(m.sum(axis=1), 1.0)
    first = votes.iloc[0]
    assert m.iloc[0, 0] == pytest.approx(first["excellent"] / first[["excellent", "good", "fair", "poor"]].sum())
    assert membership_from_votes([[2, 1, 1]]).iloc[0].tolist() == [0.5, 0.25, 0.25]


@pytest.mark.parametrize(
    ("votes", "exc", "message"),
    [
        ([[1, -1]], ValueError, "non-negative"),
        ([[0, 0], [1, 1]], ValueError, "no votes in row 0"),
        ([[1, np.nan]], ValueError, "no missing values"),
        ("1,2,3", TypeError, "a table"),
        ([[[1]]], ValueError, "two-dimensional"),
    ],
)
def test_membership_from_votes_bad_input(votes, exc, message):
    with pytest.raises(exc, match=message):
        membership_from_votes(votes)


@pytest.mark.parametrize(
    ("weights", "membership", "kwargs", "exc", "message"),
    [
        ([0.5, 0.3, 0.3, 0.1], CLOTHING, {}, ValueError, "weights must sum to 1; they sum to 1.2"),
        ([1.2, -0.2, 0, 0], CLOTHING, {}, ValueError, "non-negative"),
        ([0.5, 0.5], CLOTHING, {}, ValueError, "4 weights"),
        ([1.0], [[0.5, 1.5]], {}, ValueError, "between 0 and 1"),
        ([1.0], [[0.0, 0.0]], {}, ValueError, "all-zero row"),
        ([1.0], [[0.5, np.nan]], {}, ValueError, "no missing values"),
        ([0.25] * 4, CLOTHING, {"operator": "max_min"}, ValueError, "operator must be one of 'weighted_average'"),
        ([0.25] * 4, CLOTHING, {"grade_scores": [1, 2]}, ValueError, "4 scores"),
        ([0.25] * 4, CLOTHING, {"grade_scores": {"very welcome": 1}}, ValueError, "no score for grade"),
        (pd.Series([0.5, 0.5], index=["colour", "hat"]), CLOTHING, {}, ValueError, "missing"),
        ("0.5,0.5", CLOTHING, {}, TypeError, "sequence of numbers"),
    ],
)
def test_evaluate_bad_input(weights, membership, kwargs, exc, message):
    with pytest.raises(exc, match=message):
        evaluate(weights, membership, **kwargs)


def test_all_zero_evaluation_cannot_be_normalised():
    # Every row needs some membership, so B = 0 only by underflow; it is reported, not returned as NaN.
    with pytest.raises(ValueError, match="all-zero row"):
        evaluate([0.0, 1.0], [[1.0, 1.0], [0.0, 0.0]], operator="product_max")
    with pytest.raises(ValueError, match="all zero"):
        evaluate([0.5, 0.5], [[5e-324, 0.0], [5e-324, 0.0]], operator="product_max")


def test_fuzzy_plot():
    ax = evaluate([0.4, 0.35, 0.15, 0.1], CLOTHING, operator="zadeh").plot()
    assert "fairly welcome" in ax.get_title() and "M(∧,∨)" in ax.get_title()
    assert [t.get_text() for t in ax.get_xticklabels()] == GRADES
    plt.close("all")


@st.composite
def problems(draw):
    n = draw(st.integers(1, 6))
    m = draw(st.integers(2, 5))
    raw = draw(st.lists(st.floats(0.01, 1), min_size=n, max_size=n))
    a = np.array(raw) / sum(raw)
    rows = [draw(st.lists(st.floats(0.01, 1), min_size=m, max_size=m)) for _ in range(n)]
    r = np.array(rows)
    return a, r / r.sum(axis=1, keepdims=True)


@settings(max_examples=80, deadline=None)
@given(problems(), st.sampled_from(list(OPERATORS)))
def test_evaluation_properties(problem, operator):
    a, r = problem
    res = evaluate(a, r, operator=operator)
    assert res.normalized.sum() == pytest.approx(1.0)
    assert ((res.vector >= -1e-12) & (res.vector <= 1 + 1e-12)).all()
    assert res.grade == res.vector.idxmax()
    if operator == "weighted_average":
        # Rows summing to 1 and weights summing to 1 give a vector summing to 1.
        assert res.vector.sum() == pytest.approx(1.0)
    # Reordering the indicators (rows and weights together) changes nothing.
    perm = np.random.default_rng(1).permutation(len(a))
    again = evaluate(a[perm], r[perm], operator=operator)
    np.testing.assert_allclose(again.vector.to_numpy(), res.vector.to_numpy(), atol=1e-12)


# ---------------------------------------------------------------------------
# Several levels
# ---------------------------------------------------------------------------


def _two_groups():
    index = pd.MultiIndex.from_tuples([("customer", "retention"), ("customer", "satisfaction"),
                                       ("process", "complaint_time")], names=["perspective", "indicator"])
    return pd.DataFrame([[0.6, 0.4, 0.0], [0.2, 0.6, 0.2], [0.1, 0.5, 0.4]], index=index,
                        columns=["good", "fair", "poor"])


def test_two_levels_by_hand():
    r = _two_groups()
    res = evaluate_levels(r, {"customer": [0.5, 0.5], "process": [1.0]}, group_weights=[0.7, 0.3],
                          grade_scores=[90, 70, 50])
    # Customer: 0.5·(.6,.4,0) + 0.5·(.2,.6,.2) = (.4,.5,.1); process: (.1,.5,.4).
    assert res.groups.loc["customer"].tolist() == pytest.approx([0.4, 0.5, 0.1])
    assert res.groups.loc["process"].tolist() == pytest.approx([0.1, 0.5, 0.4])
    # Whole system: 0.7·(.4,.5,.1) + 0.3·(.1,.5,.4) = (.31, .5, .19).
    assert res.overall.vector.tolist() == pytest.approx([0.31, 0.5, 0.19])
    assert res.grade == "fair" and res.score == pytest.approx(0.31 * 90 + 0.5 * 70 + 0.19 * 50)
    frame = res.to_frame()
    assert list(frame.index) == ["customer", "process", "overall"]
    assert frame.index.name == "perspective"
    assert list(frame.columns) == ["weight", "good", "fair", "poor", "grade", "score", "score grade", "validity",
                                   "reliable"]
    assert frame.loc["overall", "weight"] == 1.0
    assert res.indicator_weights.loc[("customer", "retention")] == 0.5


def test_global_weights_equal_within_group_weights():
    r = _two_groups()
    global_w = pd.Series([0.35, 0.35, 0.3], index=r.index)
    a = evaluate_levels(r, global_w)
    b = evaluate_levels(r, {"customer": [0.5, 0.5], "process": [1.0]}, group_weights={"customer": 0.7, "process": 0.3})
    c = evaluate_levels({"customer": r.xs("customer"), "process": r.xs("process")},
                        {"customer": [0.5, 0.5], "process": [1]}, group_weights=[0.7, 0.3])
    d = evaluate_levels(r, [0.35, 0.35, 0.3])
    for other in (b, c, d):
        np.testing.assert_allclose(other.overall.vector.to_numpy(), a.overall.vector.to_numpy())
    assert a.group_weights.tolist() == pytest.approx([0.7, 0.3])


def test_levels_on_the_datasets():
    m = membership_from_votes(datasets.load("scorecard_votes"))
    card = datasets.load("crm_scorecard")
    weights = pd.Series(card["weight"].to_numpy(), index=m.index)  # same 12 indicators, same order
    res = evaluate_levels(m, weights, grade_scores=[95, 85, 70, 50], top_operator="weighted_average")
    assert list(res.groups.index) == ["financial", "customer", "internal_process", "learning_growth"]
    assert res.group_weights.tolist() == pytest.approx([0.30, 0.30, 0.22, 0.18])
    np.testing.assert_allclose(res.groups.sum(axis=1), 1.0)
    # With the weighted average on both levels, the whole system equals the one-level evaluation.
    flat = evaluate(card["weight"].to_numpy(), m.to_numpy())
    np.testing.assert_allclose(res.overall.vector.to_numpy(), flat.vector.to_numpy())
    ax = res.plot()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1].startswith("Whole system") and labels[0].startswith("Financial")
    plt.close("all")


def test_levels_mixed_operators():
    r = _two_groups()
    res = evaluate_levels(r, {"customer": [0.5, 0.5], "process": [1.0]}, group_weights=[0.7, 0.3],
                          operator="zadeh", top_operator="weighted_average")
    # Customer with M(∧,∨): max(min(.5,.6), min(.5,.2)) = .5, max(.4, .5) = .5, max(0, .2) = .2 → /1.2.
    assert res.groups.loc["customer"].tolist() == pytest.approx([0.5 / 1.2, 0.5 / 1.2, 0.2 / 1.2])
    assert res.group_results["customer"].operator == "zadeh"
    assert res.overall.operator == "weighted_average"


@pytest.mark.parametrize(
    ("membership", "weights", "group_weights", "message"),
    [
        ("plain", [0.5, 0.5, 1.0], None, "sum to 2 over all indicators"),
        ("plain", {"customer": [0.5, 0.5], "process": [1.0]}, [0.5, 0.6], "group_weights must sum to 1"),
        ("plain", {"customer": [0.6, 0.6], "process": [1.0]}, [0.5, 0.5], r"weights\['customer'\] must sum to 1"),
        ("flat", [1.0], None, "two-level row index"),
        ("plain", [0.5, 0.5], None, "3 weights"),
        ("plain", {"customer": [0.5, 0.5], "process": [1.0]}, [1.0], "2 weights"),
    ],
)
def test_levels_bad_input(membership, weights, group_weights, message):
    r = _two_groups() if membership == "plain" else pd.DataFrame([[0.5, 0.5]])
    with pytest.raises(ValueError, match=message):
        evaluate_levels(r, weights, group_weights=group_weights)


def test_levels_other_errors():
    r = _two_groups()
    with pytest.raises(ValueError, match="operator must be one of"):
        evaluate_levels(r, [0.35, 0.35, 0.3], operator="avg")
    with pytest.raises(ValueError, match="top_operator must be one of"):
        evaluate_levels(r, [0.35, 0.35, 0.3], top_operator="avg")
    with pytest.raises(ValueError, match="every group needs"):
        evaluate_levels({"a": pd.DataFrame([[1.0, 0.0]], columns=["x", "y"]),
                         "b": pd.DataFrame([[1.0, 0.0]], columns=["x", "z"])}, {"a": [1], "b": [1]}, [0.5, 0.5])
    with pytest.raises(ValueError, match="non-empty mapping"):
        evaluate_levels({}, [1.0])
    with pytest.raises(ValueError, match="lack indicator"):
        evaluate_levels(r, pd.Series([0.5, 0.5], index=pd.MultiIndex.from_tuples(
            [("customer", "retention"), ("process", "complaint_time")])), group_weights=[0.5, 0.5])


def test_module_is_light():
    assert not hasattr(fuzzy, "plt")


# ---------------------------------------------------------------------------
# When the maximum-membership principle can be trusted (issue 13)
# ---------------------------------------------------------------------------


def test_validity_index_by_hand():
    # α = (nβ − 1) / (2γ(n − 1)): β largest, γ second-largest normalised membership, n grades.
    b = [0.4262, 0.3116, 0.2083, 0.0539]
    assert fuzzy.max_membership_validity(b) == pytest.approx((4 * 0.4262 - 1) / (2 * 0.3116 * 3))
    # Unnormalised input is normalised first.
    assert fuzzy.max_membership_validity([2 * x for x in b]) == pytest.approx(fuzzy.max_membership_validity(b))
    assert fuzzy.max_membership_validity([0.25] * 4) == 0.0
    assert fuzzy.max_membership_validity([0.0, 1.0, 0.0]) == float("inf")
    assert fuzzy.max_membership_validity([0.7, 0.1, 0.1, 0.1]) == pytest.approx((2.8 - 1) / (2 * 0.1 * 3))
    assert [fuzzy.validity_level(a) for a in (3.0, 1.0, 0.7, 0.5, 0.3, 0.0)] == [
        "very effective", "very effective", "fairly effective", "fairly effective", "low effectiveness", "invalid"]
    with pytest.raises(ValueError, match="memberships must be non-negative"):
        fuzzy.max_membership_validity([0.5, -0.1])
    with pytest.raises(ValueError, match="memberships"):
        fuzzy.max_membership_validity([0.0, 0.0])


def test_chapter_03_overall_grade_is_flagged_unreliable():
    # 0.426 "excellent" is not a majority; the score 84.25 is nearer "good" (85) than "excellent" (95).
    from crmlab import weighting

    membership = membership_from_votes(datasets.load("scorecard_votes"))
    weights = weighting.delphi(datasets.load("expert_rankings")).final_weights
    res = evaluate_levels(membership, weights.reindex(membership.index.get_level_values("indicator")).to_numpy(),
                          grade_scores={"excellent": 95, "good": 85, "fair": 70, "poor": 50})
    overall = res.overall
    assert overall.grade == "excellent" and overall.score == pytest.approx(84.2508, abs=1e-4)
    assert overall.score_grade == "good"
    assert overall.validity == pytest.approx(0.3771, abs=1e-4)
    assert not overall.reliable and not res.reliable
    assert len(overall.caveats) == 3
    assert "below 0.5" in overall.caveats[0] and "'good'" in overall.caveats[2]
    assert not res.group_results["financial"].reliable
    assert "max-membership grade reliable = False" in repr(res)
    assert res.to_frame().loc["overall", "score grade"] == "good"


def test_clear_majority_is_reliable():
    r = evaluate([0.5, 0.5], [[0.8, 0.2, 0.0], [0.6, 0.3, 0.1]], grade_scores=[90, 70, 50])
    assert r.grade == r.normalized.index[0]
    assert r.normalized.iloc[0] == pytest.approx(0.7)
    assert r.validity == pytest.approx((3 * 0.7 - 1) / (2 * 0.25 * 2))
    assert r.score_grade == r.grade and r.reliable and r.caveats == ()
    # Without grade scores only the membership tests apply.
    assert evaluate([0.5, 0.5], [[0.8, 0.2, 0.0], [0.6, 0.3, 0.1]]).reliable


def test_grade_colours_are_never_near_white():
    from crmlab.plots.evaluation import _grade_colours

    for n in range(2, 8):
        colours = _grade_colours(n)
        assert len(set(colours)) == n
        for r, g, b in colours:
            assert 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.75  # white is 1.0; RdYlBu's "good" was 0.94
