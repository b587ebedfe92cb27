"""crmlab.scorecard and the scorecard weights planner.

The balanced scorecard has no single published number to reproduce; the worked example is the
module's own four-measure card, computed by hand below (actual/target for higher-is-better,
target/actual for lower-is-better, capped at 1.2, weighted by global weights), and the
``crm_scorecard`` dataset recomputed from its raw columns. Perspectives after Kaplan & Norton
(1992), "The balanced scorecard: measures that drive performance", Harvard Business Review 70(1).
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

from crmlab import datasets, scorecard  # noqa: E402
from crmlab.scorecard import PERSPECTIVES, achievement, from_frame, percent_label, read, status  # noqa: E402
from crmlab.widgets.scorecard import scorecard_weights, weights_view  # noqa: E402


def small_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "perspective": ["financial", "customer", "internal process", "learning & growth"],
        "objective": ["Grow", "Keep", "Fix fast", "Learn"],
        "measure": ["Revenue growth", "Retention rate", "Complaint hours", "Training hours"],
        "target": [0.10, 0.80, 24, 20], "actual": [0.11, 0.76, 30, 20],
        "direction": ["higher", "higher", "lower", "higher"], "weight": [0.3, 0.3, 0.2, 0.2]})


@pytest.fixture(scope="module")
def card():
    return from_frame(datasets.load("crm_scorecard"))


# ---------------------------------------------------------------------------
# Achievement and status
# ---------------------------------------------------------------------------


def test_achievement_rules():
    assert achievement(0.8, 0.76) == pytest.approx(0.95)
    assert achievement(24, 30, "lower") == pytest.approx(0.8)
    assert achievement(10, 15) == 1.2  # capped
    assert achievement(10, 15, cap=2) == 1.5
    assert achievement(0.1, -0.02) == 0.0  # shrinking instead of growing
    assert achievement(5, 0, "lower") == 1.2  # zero complaints against a target of 5
    np.testing.assert_allclose(achievement([1, 2], [1, 1], ["higher", "lower"]), [1.0, 1.2])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, 1), "target must be > 0"),
        ((-5, 1), "target must be > 0"),
        ((1, 1, "up"), "direction must be 'higher' or 'lower'"),
        ((1, -1, "lower"), "actual must be >= 0 for a lower-is-better measure"),
        ((1, float("nan")), "actual must be finite"),
        (([1, 2], [1, 2, 3]), "matching lengths"),
        ((1, 1, "higher", 0.9), "cap must be a number >= 1"),
    ],
)
def test_achievement_errors(args, message):
    with pytest.raises(ValueError, match=message):
        achievement(*args)


def test_status_thresholds():
    assert status([0.95, 0.9499, 0.85, 0.8499, float("nan")]) == ["on track", "at risk", "at risk", "off track",
                                                                  "no data"]
    assert status(0.9, {"on track": 0.9, "at risk": 0.8}) == "on track"
    with pytest.raises(ValueError, match="'at risk' at most 'on track'"):
        status(0.9, {"on track": 0.8, "at risk": 0.9})
    with pytest.raises(ValueError, match="keys 'on track' and 'at risk'"):
        status(0.9, {"green": 0.9})


# ---------------------------------------------------------------------------
# Building a scorecard
# ---------------------------------------------------------------------------


def test_worked_example_by_hand():
    c = from_frame(small_frame())
    # 0.11/0.10 = 1.1; 0.76/0.80 = 0.95; 24/30 = 0.8; 20/20 = 1.0.
    assert c.measures["achievement"].tolist() == pytest.approx([1.1, 0.95, 0.8, 1.0])
    # Total = 0.3·1.1 + 0.3·0.95 + 0.2·0.8 + 0.2·1.0 = 0.975.
    assert c.total == pytest.approx(0.975)
    assert c.status == "on track"
    assert list(c.measures["perspective"]) == list(PERSPECTIVES)
    assert c.measures["status"].tolist() == ["on track", "on track", "off track", "on track"]


def test_dataset_scorecard(card):
    raw = datasets.load("crm_scorecard")
    ratio = np.where(raw["direction"] == "higher", raw["actual"] / raw["target"], raw["target"] / raw["actual"])
    expected = float((raw["weight"] * np.clip(ratio, 0, 1.2)).sum())
    assert card.total == pytest.approx(expected)
    persp = card.by_perspective()
    assert list(persp.index) == list(PERSPECTIVES)
    assert persp["weight"].tolist() == pytest.approx([0.30, 0.30, 0.22, 0.18])
    assert persp["measures"].tolist() == [3, 3, 3, 3]
    # Perspective achievement = weighted mean of its measures; Σ weight × achievement = total.
    fin = raw[raw["perspective"] == "financial"]
    fin_ratio = ratio[raw["perspective"] == "financial"]
    assert persp.loc["financial", "achievement"] == pytest.approx((fin["weight"] * fin_ratio).sum() / 0.30)
    assert (persp["weight"] * persp["achievement"]).sum() == pytest.approx(card.total)
    assert persp.loc["learning_growth", "status"] == "off track"
    assert persp["name"].iloc[-1] == "Learning & growth 学习与成长"
    html = card._repr_html_()
    assert "By perspective" in html and "total score" in html and "Customer retention rate" in html


def test_perspective_spellings():
    frame = small_frame()
    frame["perspective"] = ["Finance", "客户", "内部流程", "Learning and Growth"]
    assert list(from_frame(frame).measures["perspective"]) == list(PERSPECTIVES)


@pytest.mark.parametrize(
    ("change", "exc", "message"),
    [
        (lambda f: f.drop(columns=["weight", "target"]), ValueError, r"missing column\(s\) \['target', 'weight'\]"),
        (lambda f: f.assign(perspective=["financial", "sales", "customer", "customer"]), ValueError,
         "perspective 'sales' in row 1 is not a balanced-scorecard perspective; valid: financial, customer, "
         "internal_process, learning_growth"),
        (lambda f: f.assign(weight=[0.3, 0.3, 0.3, 0.3]), ValueError, "weights must sum to 1 over all measures; "
                                                                      "they sum to 1.2"),
        (lambda f: f.assign(target=[0.1, 0, 24, 20]), ValueError, "target of 'Retention rate' \\(row 1\\) is 0"),
        (lambda f: f.assign(direction=["higher", "up", "lower", "higher"]), ValueError,
         "direction 'up' in row 1 .* must be one of 'higher', 'lower'"),
        (lambda f: f.assign(actual=[0.1, None, 30, 20]), ValueError, r"frame\['actual'\] must be a number in every row"),
        (lambda f: f.assign(weight=[0.5, 0.5, 0.2, -0.2]), ValueError, "non-negative"),
        (lambda f: f.iloc[:0], ValueError, "at least one measure"),
        (lambda f: f.to_dict("list"), TypeError, "DataFrame"),
    ],
)
def test_from_frame_errors(change, exc, message):
    with pytest.raises(exc, match=message):
        from_frame(change(small_frame()))


def test_from_frame_options():
    c = from_frame(small_frame(), cap=1.05, thresholds={"on track": 1.0, "at risk": 0.9})
    assert c.measures["achievement"].iloc[0] == pytest.approx(1.05)
    assert c.status == "at risk"
    with pytest.raises(ValueError, match="cap must be a number >= 1"):
        from_frame(small_frame(), cap=0.5)
    plain = from_frame(small_frame().drop(columns="objective"))
    assert plain.measures["objective"].tolist() == plain.measures["measure"].tolist()


# ---------------------------------------------------------------------------
# Reading files
# ---------------------------------------------------------------------------


def test_read_csv_yaml_and_excel(tmp_path):
    expected = from_frame(small_frame()).total
    small_frame().to_csv(tmp_path / "card.csv", index=False)
    assert read(tmp_path / "card.csv").total == pytest.approx(expected)
    small_frame().to_excel(tmp_path / "card.xlsx", index=False)
    assert read(str(tmp_path / "card.xlsx")).total == pytest.approx(expected)
    nested = """
financial:
  - {measure: Revenue growth, target: 0.10, actual: 0.11, direction: higher, weight: 0.3}
customer:
  - {measure: Retention rate, target: 0.80, actual: 0.76, direction: higher, weight: 0.3}
internal process:
  - {measure: Complaint hours, target: 24, actual: 30, direction: lower, weight: 0.2}
learning & growth:
  - {measure: Training hours, target: 20, actual: 20, direction: higher, weight: 0.2}
"""
    (tmp_path / "nested.yaml").write_text(nested, encoding="utf-8")
    assert read(tmp_path / "nested.yaml").total == pytest.approx(expected)
    import yaml

    rows = small_frame().to_dict("records")
    (tmp_path / "list.yml").write_text(yaml.safe_dump(rows), encoding="utf-8")
    (tmp_path / "keyed.yaml").write_text(yaml.safe_dump({"measures": rows}), encoding="utf-8")
    assert read(tmp_path / "list.yml").total == pytest.approx(expected)
    assert read(tmp_path / "keyed.yaml").total == pytest.approx(expected)


def test_read_errors(tmp_path):
    with pytest.raises(ValueError, match="path suffix must be one of"):
        read(tmp_path / "card.txt")
    with pytest.raises(FileNotFoundError, match="no scorecard file"):
        read(tmp_path / "missing.csv")
    with pytest.raises(TypeError, match="file path"):
        read(42)
    (tmp_path / "bad.yaml").write_text("financial: [unclosed", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid YAML"):
        read(tmp_path / "bad.yaml")
    (tmp_path / "scalar.yaml").write_text("42", encoding="utf-8")
    with pytest.raises(ValueError, match="expected a list of measures"):
        read(tmp_path / "scalar.yaml")
    (tmp_path / "nested.yaml").write_text("financial: 3", encoding="utf-8")
    with pytest.raises(ValueError, match="under 'financial' expected a list"):
        read(tmp_path / "nested.yaml")
    (tmp_path / "short.csv").write_text("perspective,measure\nfinancial,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing column"):
        read(tmp_path / "short.csv")


# ---------------------------------------------------------------------------
# Reweighting
# ---------------------------------------------------------------------------


def test_reweight_keeps_shares_within_perspectives(card):
    new = card.reweight({"financial": 0.4, "customer": 0.3, "internal process": 0.2, "learning_growth": 0.1})
    persp = new.by_perspective()
    assert persp["weight"].tolist() == pytest.approx([0.4, 0.3, 0.2, 0.1])
    # Achievement per perspective does not depend on the perspective weights.
    pd.testing.assert_series_equal(persp["achievement"], card.by_perspective()["achievement"])
    assert new.total == pytest.approx((persp["weight"] * persp["achievement"]).sum())
    fin_old = card.measures[card.measures["perspective"] == "financial"]["weight"]
    fin_new = new.measures[new.measures["perspective"] == "financial"]["weight"]
    np.testing.assert_allclose(fin_new / fin_new.sum(), fin_old / fin_old.sum())
    dropped = card.reweight({"financial": 1.0})
    assert dropped.total == pytest.approx(card.by_perspective().loc["financial", "achievement"])
    assert dropped.by_perspective().loc["customer", "weight"] == 0


def test_reweight_errors(card):
    with pytest.raises(ValueError, match="unknown perspective 'sales'"):
        card.reweight({"sales": 1.0})
    with pytest.raises(ValueError, match="perspective_weights must sum to 1"):
        card.reweight({"financial": 0.5, "customer": 0.6})
    with pytest.raises(TypeError, match="mapping"):
        card.reweight([0.25] * 4)
    two = from_frame(small_frame().iloc[:2].assign(weight=[0.5, 0.5]))
    with pytest.raises(ValueError, match="no measures"):
        two.reweight({"learning_growth": 1.0})


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=4, max_size=4).filter(lambda x: sum(x) > 1e-3))
def test_total_is_weighted_sum_of_perspectives(raw):
    card = from_frame(datasets.load("crm_scorecard"))
    weights = dict(zip(PERSPECTIVES, np.array(raw) / sum(raw)))
    new = card.reweight(weights)
    persp = card.by_perspective()
    assert new.total == pytest.approx(sum(weights[p] * persp.loc[p, "achievement"] for p in PERSPECTIVES))
    assert 0 <= new.total <= card.cap
    same = card.reweight(card.perspective_weights)
    assert same.total == pytest.approx(card.total)


@settings(max_examples=60, deadline=None)
@given(st.floats(0.01, 1e6), st.floats(0.0, 1e6), st.sampled_from(["higher", "lower"]), st.floats(1.0, 3.0))
def test_achievement_is_bounded(target, actual, direction, cap):
    a = achievement(target, actual, direction, cap=cap)
    assert 0.0 <= a <= cap


# ---------------------------------------------------------------------------
# Plots
# ---------------------------------------------------------------------------


def test_scorecard_plots(card):
    ax = card.plot()
    assert "total 92.4%" in ax.get_title()  # rounded as usual away from a threshold
    assert [t.get_text() for t in ax.get_yticklabels()][0] == "Customer profit growth"
    ax = card.plot(by="perspective")
    assert [t.get_text() for t in ax.get_xticklabels()][0] == "Financial\n财务"
    ax = card.plot(by="contribution")
    assert "0.924" in ax.get_title()
    with pytest.raises(ValueError, match="by must be one of 'measure', 'perspective', 'contribution'"):
        card.plot(by="objective")
    plt.close("all")


# ---------------------------------------------------------------------------
# Weights planner widget
# ---------------------------------------------------------------------------


def test_weights_view_pure():
    view = weights_view()
    assert view.ok and view.total == pytest.approx(from_frame(datasets.load("crm_scorecard")).total)
    assert "learning & growth" in view.message
    doubled = weights_view(weights={"financial": 2, "customer": 2, "internal_process": 2, "learning_growth": 2})
    assert doubled.weights.tolist() == pytest.approx([0.25] * 4)


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"financial": 0, "customer": 0}, "at least one weight above 0"),
        ({"financial": -1, "customer": 2}, "must not be negative"),
        ({"financial": float("nan")}, "finite number"),
        ({"financial": "a lot"}, "finite number"),
        ({"sales": 1.0}, "unknown perspective"),
        ([1, 2, 3], "map perspectives"),
    ],
)
def test_weights_view_never_raises(weights, message):
    view = weights_view(weights=weights)
    assert not view.ok and message in view.message and view.total is None


def test_weights_view_rejects_a_non_scorecard():
    view = weights_view(card=pd.DataFrame())
    assert not view.ok and "Scorecard" in view.message


def test_planner_widget_updates_and_survives():
    box = scorecard_weights()
    assert "crmlab-planner" in box._dom_classes
    output = [c for c in box.children if "crmlab-planner-output" in getattr(c, "_dom_classes", ())]
    assert len(output) == 1
    assert box.image is box.figure and "<div class='crmlab-planner-figure'" in box.view.value
    first_verdict, first_figure, first_table = box.verdict.value, box.figure.value, box.table.value
    assert "92.4%" in first_verdict and first_figure.startswith("<svg")
    assert "Contribution to the total score: 0.924 (at risk)" in first_figure
    box.controls["learning_growth"].value = 0.9
    assert box.verdict.value != first_verdict and box.figure.value != first_figure
    assert "✘" not in box.verdict.value
    for slider in box.controls.values():
        slider.value = 0.0
    assert "✘" in box.verdict.value and box.figure.value == "" and box.table.value == ""
    box.reset_button.click()
    assert (box.verdict.value, box.figure.value, box.table.value) == (first_verdict, first_figure, first_table)
    plt.close("all")


def test_every_weight_slider_changes_the_figure_and_the_table():
    box = scorecard_weights()
    assert all(s.continuous_update for s in box.controls.values())
    for name, slider in box.controls.items():
        before = (box.figure.value, box.table.value)
        slider.value = round(slider.value + 0.2, 2) if slider.value <= 0.8 else 0.1
        assert box.figure.value != before[0], name
        assert box.table.value != before[1], name
        assert "✘" not in box.verdict.value


def test_planner_with_a_custom_card():
    box = scorecard_weights(from_frame(small_frame()))
    assert set(box.controls) == set(PERSPECTIVES)
    assert "97.5%" in box.verdict.value
    broken = scorecard_weights(card="not a card")
    assert "✘" in broken.children[0].value


def test_lazy_widget_export():
    from crmlab import widgets

    assert widgets.scorecard_weights is scorecard_weights
    assert scorecard.PERSPECTIVE_NAMES["customer"] == "Customer 客户"


# ---------------------------------------------------------------------------
# Printed figures agree with the status (issue 13: "85 %" meant two statuses)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("value, shown, expected_status", [
    (0.8453, "84.5%", "off track"),   # productivity in chapter 02: rounded to whole percent it read "85%"
    (0.8511, "85.1%", "at risk"),     # complaint resolution in chapter 03
    (0.84996, "84.9%", "off track"),  # rounding to one decimal would print the threshold itself
    (0.94987, "94.9%", "at risk"),    # service cost per customer, 180 / 189.5
    (0.95, "95.0%", "on track"),
    (0.92382, "92.4%", "at risk"),    # away from a threshold: ordinary rounding
])
def test_percent_label_never_crosses_a_threshold(value, shown, expected_status):
    assert percent_label(value) == shown
    assert status(value) == expected_status == status(float(shown.rstrip("%")) / 100)


def test_percent_label_and_status_agree_everywhere():
    values = np.linspace(0.80, 1.0, 20001)
    printed = np.array([float(percent_label(v).rstrip("%")) / 100 for v in values])
    assert status(values) == status(printed)
    custom = {"on track": 0.9, "at risk": 0.75}
    printed = np.array([float(percent_label(v, thresholds=custom).rstrip("%")) / 100 for v in values])
    assert status(values, custom) == status(printed, custom)


def test_scorecard_figure_labels_match_statuses(card):
    ax = card.plot()
    labels = [t.get_text() for t in ax.texts if t.get_text().endswith("%")]
    measures = card.measures
    assert len(labels) == len(measures)
    for text, st in zip(labels, measures["status"]):
        assert status(float(text.rstrip("%")) / 100) == st
    assert "85.1%" in labels  # complaint resolution time, at risk
    plt.close("all")
