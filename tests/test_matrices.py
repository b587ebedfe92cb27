"""crmlab.matrices: PEM and RPM quadrants, the attribute table, derived importance and the action list.

Quadrant rules follow Tang (2008), "Application of performance evaluation matrix and relativity
performance matrix in CRM" (the chapter's PEM/RPM article, seed 000) and Martilla & James (1977),
"Importance-performance analysis", Journal of Marketing 41(1): 77-79: high importance with low
performance is where to concentrate; high importance with a negative gap to the competitor is the
weakness to fix first. The assignments below are worked by hand.
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

from crmlab import datasets  # noqa: E402
from crmlab.matrices import (  # noqa: E402
    PEM_QUADRANTS,
    RPM_QUADRANTS,
    action_list,
    attribute_table,
    derived_importance,
    pem,
    rpm,
)
from crmlab.plots import customers as plots  # noqa: E402


@pytest.fixture(scope="module")
def survey():
    return datasets.load("service_survey")


@pytest.fixture(scope="module")
def table(survey):
    names = datasets.load("service_attributes").set_index("attribute")["name"]
    return attribute_table(survey, names=names)


# ---------------------------------------------------------------------------
# PEM
# ---------------------------------------------------------------------------


def test_pem_hand_checked_mean_crosshair():
    # Importance mean = (4.5 + 4.0 + 3.0 + 3.5) / 4 = 3.75; performance mean = (3.0 + 4.5 + 3.5 + 4.0) / 4 = 3.75.
    t = pd.DataFrame({"importance": [4.5, 4.0, 3.0, 3.5], "performance": [3.0, 4.5, 3.5, 4.0]},
                     index=["price", "courtesy", "parking", "decor"])
    out = pem(t)
    assert out["quadrant"].tolist() == ["concentrate here", "keep up the good work", "low priority",
                                        "possible overkill"]
    assert out.attrs["crmlab_matrix"]["crosshair"] == (3.75, 3.75)
    assert out["high_importance"].tolist() == [True, True, False, False]
    assert list(out.index) == ["price", "courtesy", "parking", "decor"]


def test_points_exactly_on_the_mean_count_as_high():
    # Means: importance (2 + 3 + 4) / 3 = 3, performance (1 + 3 + 5) / 3 = 3; "b" sits on both lines.
    t = pd.DataFrame({"importance": [2, 3, 4], "performance": [5, 3, 1]}, index=list("abc"))
    out = pem(t)
    assert out.loc["b", "quadrant"] == "keep up the good work"
    assert out.loc["a", "quadrant"] == "possible overkill"
    assert out.loc["c", "quadrant"] == "concentrate here"


def test_point_on_a_mean_with_rounding_error_counts_as_high():
    # mean(0.1, 0.2, 0.3) is 0.20000000000000004 in floating point; 0.2 lies on the crosshair.
    t = pd.DataFrame({"importance": [0.1, 0.2, 0.3], "performance": [0.3, 0.2, 0.1]})
    assert np.mean([0.1, 0.2, 0.3]) != 0.2
    out = pem(t)
    assert bool(out.loc[1, "high_importance"]) and bool(out.loc[1, "high_performance"])


def test_points_on_the_median_and_on_a_fixed_point():
    # Medians: importance of (1, 2, 3, 4, 5) = 3; performance of (5, 4, 3, 2, 1) = 3.
    t = pd.DataFrame({"importance": [1, 2, 3, 4, 5], "performance": [5, 4, 3, 2, 1]}, index=list("vwxyz"))
    med = pem(t, crosshair="median")
    assert med["quadrant"].tolist() == ["possible overkill", "possible overkill", "keep up the good work",
                                        "concentrate here", "concentrate here"]
    # Scale midpoint (3, 3) gives the same cut here; (2, 4) moves it.
    assert pem(t, crosshair=(3, 3))["quadrant"].tolist() == med["quadrant"].tolist()
    fixed = pem(t, crosshair=(2, 4))
    assert fixed["quadrant"].tolist() == ["possible overkill", "keep up the good work", "concentrate here",
                                          "concentrate here", "concentrate here"]


def test_mean_and_median_disagree_on_the_survey(table):
    """The chapter's point: the crosshair convention can change the verdict (delivery reliability here)."""
    by_mean, by_median = pem(table), pem(table, crosshair="median")
    changed = by_mean.index[(by_mean["quadrant"] != by_median["quadrant"]).to_numpy()].tolist()
    assert changed == ["delivery"]
    assert by_mean.loc["delivery", "quadrant"] == "keep up the good work"
    assert by_median.loc["delivery", "quadrant"] == "possible overkill"
    assert set(by_mean.index[(by_mean["quadrant"] == "concentrate here").to_numpy()]) == {
        "price", "checkout_speed", "after_sales", "complaint_handling"}


def test_pem_keeps_index_columns_and_input():
    t = pd.DataFrame({"imp": [5.0, 1.0], "perf": [1.0, 5.0], "note": ["x", "y"]}, index=[10, 3])
    before = t.copy()
    out = pem(t, importance="imp", performance="perf")
    assert list(out.index) == [10, 3] and out["note"].tolist() == ["x", "y"]
    pd.testing.assert_frame_equal(t, before)
    assert list(out["quadrant"].cat.categories) == list(PEM_QUADRANTS)


# ---------------------------------------------------------------------------
# RPM
# ---------------------------------------------------------------------------


def test_rpm_hand_checked_with_zero_gap():
    # Importance mean 3.75; gaps: -0.6, 0.0 (counts as a strength), -0.4, +1.0.
    t = pd.DataFrame({"importance": [4.5, 4.0, 3.0, 3.5], "own": [3.0, 4.2, 3.1, 4.0],
                      "competitor": [3.6, 4.2, 3.5, 3.0]}, index=["price", "staff", "parking", "decor"])
    out = rpm(t)
    assert out["quadrant"].tolist() == list(RPM_QUADRANTS)
    np.testing.assert_allclose(out["gap"], [-0.6, 0.0, -0.4, 1.0], atol=1e-12)
    assert out.attrs["crmlab_matrix"]["crosshair"] == (3.75, 0.0)


def test_rpm_importance_on_the_crosshair_is_high():
    t = pd.DataFrame({"importance": [3.0, 4.0], "own": [3.0, 3.0], "competitor": [3.5, 2.0]}, index=["a", "b"])
    assert rpm(t, crosshair=3.0)["quadrant"].tolist() == ["urgent weakness", "competitive strength"]
    assert rpm(t, crosshair=(3.0, 0))["quadrant"].tolist() == ["urgent weakness", "competitive strength"]
    assert rpm(t, crosshair=3.5)["quadrant"].tolist() == ["minor weakness", "competitive strength"]


def test_rpm_on_the_survey(table):
    out = rpm(table)
    urgent = set(out.index[(out["quadrant"] == "urgent weakness").to_numpy()])
    assert urgent == {"price", "checkout_speed", "complaint_handling"}
    # After-sales is a "concentrate here" in the PEM but ahead of the competitor in the RPM.
    assert out.loc["after_sales", "quadrant"] == "competitive strength"


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------

ratings = st.floats(min_value=1, max_value=5, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(ratings, ratings, ratings), min_size=1, max_size=12), st.randoms(use_true_random=False))
def test_quadrants_follow_the_definitions_and_ignore_row_order(rows, rnd):
    t = pd.DataFrame(rows, columns=["importance", "performance", "competitor"])
    t.index = [f"attr{i}" for i in range(len(t))]
    out = pem(t)
    ci, cp = out.attrs["crmlab_matrix"]["crosshair"]
    for key, row in out.iterrows():
        hi = row["importance"] >= ci or np.isclose(row["importance"], ci, rtol=1e-12, atol=1e-12)
        hp = row["performance"] >= cp or np.isclose(row["performance"], cp, rtol=1e-12, atol=1e-12)
        expected = {(True, False): "concentrate here", (True, True): "keep up the good work",
                    (False, False): "low priority", (False, True): "possible overkill"}[(hi, hp)]
        assert row["quadrant"] == expected
    rel = rpm(t, own="performance")
    assert ((rel["gap"] >= 0) == rel["quadrant"].isin(["competitive strength", "minor strength"])).all()
    order = list(t.index)
    rnd.shuffle(order)
    shuffled = pem(t.loc[order], crosshair="median")
    assert (shuffled["quadrant"].reindex(t.index) == pem(t, crosshair="median")["quadrant"]).all()


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


def test_matrix_errors_name_the_problem():
    t = pd.DataFrame({"importance": [4.0, 3.0], "performance": [3.0, 4.0]})
    with pytest.raises(ValueError, match=r"data is missing column\(s\) \['own', 'competitor'\]"):
        rpm(t)
    with pytest.raises(ValueError, match="crosshair must be one of 'mean', 'median'"):
        pem(t, crosshair="midpoint")
    with pytest.raises(ValueError, match="crosshair must be 'mean', 'median' or an \\(importance, performance\\) pair"):
        pem(t, crosshair=(1, 2, 3))
    with pytest.raises(TypeError, match="crosshair\\[0\\] \\(importance\\) must be a number"):
        pem(t, crosshair=("x", 3))
    with pytest.raises(ValueError, match="crosshair\\[1\\] \\(gap\\) must be 0"):
        rpm(t.assign(own=1.0, competitor=2.0), crosshair=(3, 1))
    with pytest.raises(ValueError, match="data\\['importance'\\] must be finite numbers .* at row 1"):
        pem(t.assign(importance=[4.0, np.nan]))
    with pytest.raises(TypeError, match="data\\['performance'\\] must be numeric"):
        pem(t.assign(performance=["good", "bad"]))
    with pytest.raises(ValueError, match="data must be a table with at least one attribute"):
        pem(t.iloc[:0])
    with pytest.raises(TypeError, match="data must be a pandas DataFrame"):
        pem([[4, 3]])


# ---------------------------------------------------------------------------
# Attribute table
# ---------------------------------------------------------------------------


def test_attribute_table_by_hand():
    survey = pd.DataFrame({
        "firm": ["own", "own", "competitor", "competitor", "other"],
        "imp_price": [5, 4, 3, 4, 1], "perf_price": [3, 4, 5, 4, 1],
        "imp_speed": [2, np.nan, 4, 4, 1], "perf_speed": [4, 2, 3, np.nan, 1],
    })
    out = attribute_table(survey)
    assert list(out.index) == ["price", "speed"]
    # Importance over own and competitor respondents (the "other" row is ignored); NaN skipped.
    assert out.loc["price", "importance"] == pytest.approx((5 + 4 + 3 + 4) / 4)
    assert out.loc["speed", "importance"] == pytest.approx((2 + 4 + 4) / 3)
    assert out.loc["price", "own"] == 3.5 and out.loc["price", "competitor"] == 4.5
    assert out.loc["speed", "competitor"] == 3.0
    assert (out["performance"] == out["own"]).all()
    assert out["n_own"].tolist() == [2, 2]
    own_only = attribute_table(survey, importance_from="own")
    assert own_only.loc["price", "importance"] == 4.5


def test_attribute_table_matches_pandas_on_the_survey(survey, table):
    own = survey[survey["firm"] == "own"]
    comp = survey[survey["firm"] == "competitor"]
    for attr in table.index:
        assert table.loc[attr, "importance"] == pytest.approx(survey[f"imp_{attr}"].mean())
        assert table.loc[attr, "own"] == pytest.approx(own[f"perf_{attr}"].mean())
        assert table.loc[attr, "competitor"] == pytest.approx(comp[f"perf_{attr}"].mean())
    assert table.loc["complaint_handling", "name"] == "Complaint handling"
    assert len(table) == 10


def test_attribute_table_errors(survey):
    with pytest.raises(ValueError, match="responses\\['firm'\\] must be to contain the competitor firm 'rival'"):
        attribute_table(survey, competitor="rival")
    with pytest.raises(ValueError, match="missing column\\(s\\) \\['imp_parking', 'perf_parking'\\]"):
        attribute_table(survey, ["price", "parking"])
    with pytest.raises(ValueError, match="responses has no pairs of imp_<attr> and perf_<attr>"):
        attribute_table(survey[["firm", "overall"]])
    with pytest.raises(ValueError, match="importance_from must be one of 'all', 'own'"):
        attribute_table(survey, importance_from="competitor")


# ---------------------------------------------------------------------------
# Derived importance
# ---------------------------------------------------------------------------


def test_standardised_coefficients_equal_raw_coefficients_times_sd_ratio(survey):
    """Independent check: beta_j = b_j · s_xj / s_y, with b from an unstandardised least-squares fit."""
    own = survey[survey["firm"] == "own"]
    cols = [f"perf_{a}" for a in ("price", "checkout_speed", "complaint_handling", "membership")]
    x = own[cols].to_numpy(float)
    y = own["overall"].to_numpy(float)
    coef = np.linalg.lstsq(np.column_stack([np.ones(len(y)), x]), y, rcond=None)[0][1:]
    expected = coef * x.std(axis=0, ddof=1) / y.std(ddof=1)
    got = derived_importance(own, "overall", cols)
    np.testing.assert_allclose(got.to_numpy(), expected, rtol=1e-10)
    assert list(got.index) == cols and got.name == "derived_importance"


def test_derived_importance_intervals_and_correlation(survey):
    from scipy import stats

    own = survey[survey["firm"] == "own"]
    mapping = {"price": "perf_price", "membership": "perf_membership"}
    res = derived_importance(own, "overall", mapping, ci=True, level=0.9)
    assert list(res.to_frame().index) == ["price", "membership"]
    assert (res.low < res.estimate).all() and (res.estimate < res.high).all()
    assert 0 < res.r_squared < 1 and res.n == len(own)
    corr = derived_importance(own, "overall", mapping, method="correlation", ci=True)
    for label, col in mapping.items():
        ref = stats.pearsonr(own[col], own["overall"])
        assert corr.estimate[label] == pytest.approx(ref.statistic, abs=1e-12)
        lo, hi = ref.confidence_interval(0.95)
        assert corr.low[label] == pytest.approx(lo, abs=1e-10)
        assert corr.high[label] == pytest.approx(hi, abs=1e-10)
        assert corr.p_value[label] == pytest.approx(ref.pvalue, rel=1e-6)


def test_stated_and_derived_importance_disagree_on_price(survey, table):
    """The dataset's story: price is said to matter most but drives satisfaction least."""
    own = survey[survey["firm"] == "own"]
    derived = derived_importance(own, "overall", {a: f"perf_{a}" for a in table.index})
    assert table["importance"].rank(ascending=False)["price"] <= 3
    assert derived.idxmin() == "price"


def test_derived_importance_errors(survey):
    own = survey[survey["firm"] == "own"]
    with pytest.raises(ValueError, match="method must be one of 'regression', 'correlation'"):
        derived_importance(own, "overall", ["perf_price"], method="ridge")
    with pytest.raises(ValueError, match="responses\\['perf_price'\\] must be ratings that vary"):
        derived_importance(own.assign(perf_price=3), "overall", ["perf_price", "perf_delivery"])
    with pytest.raises(ValueError, match="responses must be at least 4 complete rows"):
        derived_importance(own.head(3), "overall", ["perf_price", "perf_delivery"])
    with pytest.raises(TypeError, match="attributes must be a non-empty list"):
        derived_importance(own, "overall", "perf_price")
    with pytest.raises(ValueError, match="missing column"):
        derived_importance(own, "satisfaction", ["perf_price"])


# ---------------------------------------------------------------------------
# Action list
# ---------------------------------------------------------------------------


def test_action_list_by_hand():
    # Crosshair: importance mean 3.75, performance mean 3.5.
    # price: concentrate (3.0 < 3.5) and competitor ahead by 0.6 -> fix first, 4.5 × (0.5 + 0.6) = 4.95
    # speed: concentrate, ahead of the competitor -> fix, 4.0 × 0.3 = 1.2
    # parking: low importance, 0.3 below and 0.2 behind -> watch, 3.0 × 0.5 = 1.5
    # decor: above the crosshair and ahead -> no action
    t = pd.DataFrame({"importance": [4.5, 4.0, 3.0, 3.5], "performance": [3.0, 3.2, 3.2, 4.6],
                      "competitor": [3.6, 3.0, 3.4, 3.0]}, index=["price", "speed", "parking", "decor"])
    out = action_list(t, competitor="competitor")
    assert list(out.index) == ["price", "speed", "parking", "decor"]
    assert out["action"].tolist() == ["fix first", "fix", "watch", "no action"]
    np.testing.assert_allclose(out["score"], [4.95, 1.2, 1.5, 0.0])
    assert out.loc["price", "reason"] == ("importance 4.50 ≥ 3.75; performance 3.00 is 0.50 below 3.50; "
                                          "competitor ahead by 0.60")
    without = action_list(t)
    assert without["action"].tolist()[:2] == ["fix", "fix"] and "rpm" not in without.columns


def test_action_list_on_the_survey_puts_complaint_handling_first(table):
    out = action_list(table, competitor="competitor")
    assert out.index[0] == "complaint_handling"
    assert out["name"].iloc[0] == "Complaint handling"
    assert set(out.index[(out["action"] == "fix first").to_numpy()]) == {"complaint_handling", "checkout_speed",
                                                                          "price"}
    assert out["rank"].tolist() == list(range(1, 11))


# ---------------------------------------------------------------------------
# Plots
# ---------------------------------------------------------------------------


def _text_boxes(ax, exclude=()):
    renderer = ax.figure.canvas.get_renderer()
    return [(t.get_text(), t.get_window_extent(renderer)) for t in ax.texts
            if t.get_text() and t.get_text() not in exclude]


def _assert_no_overlap(boxes):
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1:]:
            assert not box_a.overlaps(box_b), f"labels {a!r} and {b!r} overlap"


@pytest.mark.parametrize("kind", ["pem", "rpm"])
@pytest.mark.parametrize("crosshair", ["mean", "median"])
def test_matrix_plot_labels_do_not_overlap(table, kind, crosshair):
    frame = pem(table, crosshair=crosshair) if kind == "pem" else rpm(table, crosshair=crosshair)
    fig, ax = plt.subplots(figsize=(8, 5))
    plots.matrix_plot(frame, ax=ax)
    fig.canvas.draw()
    boxes = _text_boxes(ax)
    assert {name for name, _ in boxes} >= set(table["name"]) | set(frame["quadrant"].cat.categories)
    _assert_no_overlap(boxes)
    frame_box = ax.get_window_extent()
    for name, box in boxes:
        assert frame_box.x0 - 1 <= box.x0 and box.x1 <= frame_box.x1 + 1, f"{name!r} leaves the axes"
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    plt.close(fig)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_repulsion_separates_crowded_labels(seed):
    rng = np.random.default_rng(seed)
    t = pd.DataFrame({"importance": rng.normal(4, 0.08, 15), "performance": rng.normal(3.5, 0.08, 15)},
                     index=[f"attribute {i}" for i in range(15)])
    fig, ax = plt.subplots(figsize=(8, 5))
    plots.matrix_plot(pem(t), ax=ax)
    fig.canvas.draw()
    _assert_no_overlap(_text_boxes(ax))
    plt.close(fig)


def test_other_matrix_figures(survey, table):
    own = survey[survey["firm"] == "own"]
    res = derived_importance(own, "overall", {a: f"perf_{a}" for a in table.index}, ci=True)
    ax = res.plot(stated=table["importance"], labels=table["name"])
    assert "stated" in ax.get_yticklabels()[0].get_text()
    ax2 = plots.importance_comparison_plot(table["importance"], res.estimate, labels=table["name"])
    ax2.figure.canvas.draw()
    _assert_no_overlap(_text_boxes(ax2))
    ax3 = plots.action_plot(action_list(table, competitor="competitor"), labels="name")
    assert ax3.get_yticklabels()[0].get_text() == "1. Complaint handling"
    with pytest.raises(TypeError, match="frame must be a DataFrame returned by crmlab.matrices.pem"):
        plots.matrix_plot(table)
    plt.close("all")


def test_result_html_and_frame(survey, table):
    own = survey[survey["firm"] == "own"]
    res = derived_importance(own, "overall", {a: f"perf_{a}" for a in table.index}, ci=True)
    assert "Derived importance" in res._repr_html_() and "R²" in res._repr_html_()
    assert res.to_frame()["rank"].sort_values().tolist() == list(range(1, 11))


# ---------------------------------------------------------------------------
# Widget
# ---------------------------------------------------------------------------


def test_every_explorer_control_changes_the_figure_and_the_table():
    from crmlab.widgets import matrix_explorer

    box = matrix_explorer()
    c = box.controls
    # Each move: (control, value, whether the table changes too).
    moves = [(c["convention"], "median", True), (c["kind"], "rpm", True), (c["convention"], "point", True),
             (c["importance"], 4.2, True), (c["kind"], "pem", True), (c["performance"], 4.0, True),
             (c["importance"], 3.0, True)]
    for control, value, table in moves:
        before = (box.figure.value, box.table.value)
        control.value = value
        assert box.figure.value != before[0], (control.description, value)
        assert (box.table.value != before[1]) == table, (control.description, value)
        assert "✘" not in box.verdict.value
    # A crosshair moved but not across any attribute moves the figure only.
    before = box.table.value
    c["performance"].value = 4.05
    assert box.table.value == before and "crosshair at 4.05" in box.figure.value


def test_matrix_explorer_reacts_and_never_raises():
    from crmlab.widgets import matrix_explorer
    from crmlab.widgets.matrices import matrix_view

    box = matrix_explorer()
    assert "crmlab-planner" in box._dom_classes
    assert any("crmlab-planner-output" in child._dom_classes for child in box.children)
    assert box.image is box.figure and "<div class='crmlab-planner-figure'" in box.view.value
    first_image, first_verdict = box.figure.value, box.verdict.value
    assert first_image.startswith("<svg") and "Concentrate here" in first_verdict
    box.controls["convention"].value = "median"
    assert "Delivery reliability" in box.verdict.value and box.verdict.value != first_verdict
    box.controls["kind"].value = "rpm"
    assert "Urgent weakness" in box.verdict.value and "urgent weakness" in box.table.value
    box.controls["convention"].value = "point"
    assert not box.controls["importance"].disabled and box.controls["performance"].disabled
    # The cuts are sliders over the rating scale, live while dragged.
    for cut in (box.controls["importance"], box.controls["performance"]):
        assert (cut.min, cut.max, cut.step, cut.continuous_update) == (1.0, 5.0, 0.05, True)
    box.controls["importance"].value = 4.2
    assert "Urgent weakness: Price level, Complaint handling." in box.verdict.value
    box.controls["importance"].value = float("nan")
    assert "✘" in box.verdict.value and box.figure.value == "" and box.table.value == ""
    # Issue 13: a crosshair off the 1–5 rating scale cannot be set: the slider stops at the scale's end.
    box.controls["importance"].value = 1e308
    assert box.controls["importance"].value == 5.0 and "✘" not in box.verdict.value
    assert "Urgent weakness: none." in box.verdict.value
    box.controls["kind"].value = "pem"
    box.controls["importance"].value = 3.0
    box.controls["performance"].value = -1e9
    assert box.controls["performance"].value == 1.0
    assert "Concentrate here: none." in box.verdict.value
    # matrix_view itself still refuses a cut off the scale, with its message.
    assert matrix_view(kind="pem", convention="point", importance=3, performance=-1e9).message == (
        "performance cut -1e+09 is off the 1–5 rating scale: type a value from 1 to 5")
    assert matrix_view(kind="pem", convention="point", importance=6, performance=3, scale=(0, 10)).ok
    assert "off the 0–10 rating scale" in matrix_view(kind="pem", convention="point", importance=11, scale=(0, 10)).message
    assert not matrix_view(convention="point", scale="1-5").ok
    # The pure function behind it: bad tables and choices give a message, not an exception.
    assert not matrix_view(pd.DataFrame({"x": [1]})).ok
    assert "kind must be one of" in matrix_view(kind="xyz").message
    assert not matrix_view("not a table").ok


# ---------------------------------------------------------------------------
# Bootstrap intervals over respondents (issue 13: noise shown as signal)
# ---------------------------------------------------------------------------


def test_bootstrap_intervals_mark_noise_as_too_close_to_call(survey):
    """After-sales (+0.055) and delivery (+0.063) are no 'competitive strength': their gap intervals cross 0."""
    from crmlab.matrices import TOO_CLOSE, pem_ci, rpm_ci

    rel = rpm_ci(survey)
    assert rel.loc["after_sales", "gap"] == pytest.approx(0.055, abs=5e-4)
    assert rel.loc["after_sales", "gap_low"] == pytest.approx(-0.10, abs=0.01)
    assert rel.loc["after_sales", "gap_high"] == pytest.approx(0.21, abs=0.01)
    assert rel.loc["delivery", "gap_low"] < 0 < rel.loc["delivery", "gap_high"]
    assert rel.loc[["after_sales", "delivery"], "call"].tolist() == [TOO_CLOSE, TOO_CLOSE]
    assert rel.loc[["after_sales", "delivery"], "quadrant"].tolist() == ["competitive strength"] * 2
    assert rel.loc["complaint_handling", "call"] == "urgent weakness"
    assert (rel.loc[rel["too_close"], "stability"] < 0.99).all()
    # The point estimates are the plain matrix of the attribute table.
    plain = rpm(attribute_table(survey))
    pd.testing.assert_series_equal(rel["gap"], plain["gap"])
    # too close <=> an interval includes 0.
    crosses = ((rel["gap_low"] < 0) & (rel["gap_high"] >= 0)) | \
        ((rel["importance_margin_low"] <= 0) & (rel["importance_margin_high"] >= 0))
    assert (crosses == rel["too_close"]).all()
    own = pem_ci(survey)
    assert own.loc["delivery", "call"] == TOO_CLOSE            # importance within noise of the mean
    assert own.loc["complaint_handling", "call"] == "concentrate here"
    assert own.attrs["crmlab_matrix"]["intervals"]["n_boot"] == 2000


def test_bootstrap_is_seeded_and_respects_the_survey_design(survey):
    from crmlab.matrices import pem_ci

    a, b = pem_ci(survey, n_boot=300, seed=7), pem_ci(survey, n_boot=300, seed=7)
    pd.testing.assert_frame_equal(a, b)
    c = pem_ci(survey, n_boot=300, seed=8)
    assert not a["importance_margin_low"].equals(c["importance_margin_low"])
    # A fixed crosshair is not re-estimated: the margin is the position minus the point.
    fixed = pem_ci(survey, n_boot=300, crosshair=(3, 3))
    assert fixed.loc["membership", "call"] == "too close to call"   # importance 2.98: 3 is inside its interval
    with pytest.raises(ValueError, match="n_boot must be a whole number of bootstrap resamples from 100 to 100,000"):
        pem_ci(survey, n_boot=10)
    with pytest.raises(TypeError, match="seed must be a whole number >= 0"):
        pem_ci(survey, seed="abc")
    with pytest.raises(ValueError, match="level must be a number"):
        pem_ci(survey, level=1.5)


def test_interval_plot_draws_bars_and_hollow_points(survey):
    from crmlab.matrices import pem_ci

    names = datasets.load("service_attributes").set_index("attribute")["name"]
    frame = pem_ci(survey, names=names, n_boot=300)
    ax = plots.matrix_plot(frame)
    ax.figure.canvas.draw()
    assert len(ax.collections) >= 3                              # error bars, filled and hollow points
    assert "too close to call" in ax.get_legend().get_texts()[0].get_text()
    _assert_no_overlap(_text_boxes(ax))
    plt.close("all")


def test_matrix_plot_labels_a_table_read_from_csv_by_its_attribute_column():
    """Issue 13: the README's PEM example (a CSV with an attribute column) labelled the points 0-5."""
    survey = pd.DataFrame({"attribute": ["price", "courtesy", "parking", "decor", "speed", "range"],
                           "importance": [4.5, 4.0, 3.0, 3.5, 4.2, 3.1], "score": [3.0, 4.5, 3.5, 4.0, 3.2, 3.9]})
    ax = plots.matrix_plot(pem(survey, importance="importance", performance="score", crosshair="median"))
    labels = {t.get_text() for t in ax.texts}
    assert {"price", "courtesy", "parking", "decor", "speed", "range"} <= labels and "0" not in labels
    indexed = pem(survey.set_index("attribute"), performance="score")
    assert {"price", "decor"} <= {t.get_text() for t in plots.matrix_plot(indexed).texts}
    plt.close("all")
