"""The planners' SVG figures: well-formed, as many marks as data, the matplotlib figures' content, nothing
non-finite written, point labels that never overlap, and text that fits."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from crmlab import matrices
from crmlab.widgets import _svg
from crmlab.widgets import matrices as mx
from crmlab.widgets import planner, scorecard

NS = "{http://www.w3.org/2000/svg}"
_NUMERIC = ("x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width", "height", "dy")


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg" and root.get("width") == "100%" and re.fullmatch(r"0 0 [\d.]+ [\d.]+",
                                                                                   root.get("viewBox"))
    assert "Noto Sans CJK SC" in root.get("font-family")
    return root


def _coordinates(root: ET.Element):
    for el in root.iter():
        for name in _NUMERIC:
            if el.get(name) is not None and el.tag != f"{NS}svg":
                yield el, name, el.get(name)
        if el.get("points"):
            for pair in el.get("points").split():
                for part in pair.split(","):
                    yield el, "points", part


def _assert_finite(svg: str) -> None:
    root = _parse(svg)
    for el, name, value in _coordinates(root):
        assert math.isfinite(float(value)), (el.tag, name, value)
    assert not re.search(r'="[^"]*\b(nan|inf)\b', svg, re.I)


def _by_class(root, cls):
    return [el for el in root.iter() if cls in (el.get("class") or "").split()]


def _texts(root) -> list[str]:
    return ["".join(el.itertext()) for el in root.iter(f"{NS}text")]


# --------------------------------------------------------------------------- the writer's parts

@pytest.mark.parametrize("low, high", [(0, 9.3), (0, 0.27), (2.77, 4.61), (-0.47, 0.67), (0, 17.4), (0, 1e-9),
                                       (5, 5), (-3e7, 2e7)])
def test_ticks_are_round_and_cover_the_range(low, high):
    ticks = _svg.nice_ticks(low, high)
    assert 3 <= len(ticks) <= 12
    steps = np.diff(ticks)
    assert np.allclose(steps, steps[0])
    mantissa = steps[0] / 10 ** math.floor(math.log10(steps[0]))
    assert any(math.isclose(mantissa, m) for m in (1, 2, 2.5, 5)), steps[0]
    if high > low:
        assert ticks[0] >= low - 1e-9 and ticks[-1] <= high + 1e-9
        assert ticks[0] - low < steps[0] + 1e-12 and high - ticks[-1] < steps[0] + 1e-12


def test_tick_labels_use_one_number_of_decimals():
    assert _svg.tick_labels([0.0, 0.05, 0.1]) == ["0.00", "0.05", "0.10"]
    assert _svg.tick_labels([3.0, 3.25, 3.5]) == ["3.00", "3.25", "3.50"]
    assert _svg.tick_labels([0, 2500, 5000], thousands=True) == ["0", "2,500", "5,000"]
    assert _svg.nice_ticks(float("nan"), 1) == [] and _svg.nice_ticks(0, float("inf")) == []


def test_text_width_counts_cjk_as_one_em():
    assert _svg.text_width("ab", 10) == pytest.approx(11.0)
    assert _svg.text_width("财务", 10) == pytest.approx(20.0)
    assert _svg.text_width("A 财", 10) == pytest.approx(21.0)


def test_text_is_escaped():
    svg = _svg.bar_chart(["<b>&", "x"], [1.0, 2.0], ["#000", "#111"], title='"quoted" <title>',
                         ylabel="a & b", labels=["<1>", "2"])
    _assert_finite(svg)
    root = _parse(svg)
    assert '"quoted" <title>' in _texts(root) and "<b>&" in _texts(root) and "<1>" in _texts(root)
    assert "<b>&" not in svg


def test_non_finite_values_are_left_out_or_explained():
    nan, inf = float("nan"), float("inf")
    svg = _svg.bar_chart(["a", "b", "c"], [1.0, nan, inf], ["#000"] * 3, outline=[nan, 2.0, nan])
    _assert_finite(svg)
    assert len(_by_class(_parse(svg), "crmlab-svg-bar")) == 1
    assert len(_by_class(_parse(svg), "crmlab-svg-outline")) == 1
    empty = _svg.bar_chart(["a"], [nan], ["#000"], no_data="no weights to draw")
    _assert_finite(empty)
    assert "no weights to draw" in _texts(_parse(empty))
    stacked = _svg.stacked_bar_chart(["1", "2"], [("a", "#000", [1.0, nan]), ("b", "#111", [inf, 2.0])],
                                     line=("benefit", "#000", [nan, 3.0]), totals=["1", "2"])
    _assert_finite(stacked)
    root = _parse(stacked)
    assert len(_by_class(root, "crmlab-svg-bar")) == 2 and len(_by_class(root, "crmlab-svg-marker")) == 1
    scatter = _svg.scatter_chart([1.0, nan, 3.0], [1.0, 2.0, inf], ["a", "b", "c"], ["#000"] * 3, xlim=(0, 4),
                                 ylim=(0, 4), cut=(2, 2), quadrants=[("q", "#000")] * 4)
    _assert_finite(scatter)
    assert len(_by_class(_parse(scatter), "crmlab-svg-point")) == 1
    nothing = _svg.scatter_chart([nan], [nan], ["a"], ["#000"], xlim=(nan, nan), ylim=(0, 1), cut=(0, 0),
                                 quadrants=[("q", "#000")] * 4, no_data="no attributes to draw")
    _assert_finite(nothing)
    assert "no attributes to draw" in _texts(_parse(nothing))


def test_horizontal_bars():
    svg = _svg.hbar_chart(["first", "second", "平衡计分卡财务"], [3.0, -1.0, 2.0], ["#0072B2"] * 3,
                          labels=["3.0", "-1.0", "2.0"], title="h", xlabel="value")
    _assert_finite(svg)
    root = _parse(svg)
    bars = _by_class(root, "crmlab-svg-bar")
    assert len(bars) == 3
    ys = [float(b.get("y")) for b in bars]
    assert ys == sorted(ys)  # the first category on top
    assert {"first", "second", "平衡计分卡财务", "3.0", "value"} <= set(_texts(root))


# --------------------------------------------------------------------------- the three planners' figures

def test_tco_figure_has_the_plot_plan_content():
    plan = planner.planner_view().plan
    svg = planner.figure_svg(plan)
    _assert_finite(svg)
    root = _parse(svg)
    components = [c for c in plan.by_year.columns if c in planner.COMPONENT_LABELS and plan.by_year[c].abs().sum()]
    positive = int((plan.by_year[components] > 0).to_numpy().sum())
    assert len(_by_class(root, "crmlab-svg-bar")) == positive
    assert len(_by_class(root, "crmlab-svg-marker")) == len(plan.by_year)  # one benefit marker a year
    texts = _texts(root)
    assert "TCO 25.23 · NPV 2.86 at 8% · ROI 27% · payback 3.7 years" in texts
    assert {"year", "cost and benefit a year (million CNY)", "benefit", "licences", "internal staff"} <= set(texts)
    totals = [t for t in texts if re.fullmatch(r"\d+\.\d\d", t)]
    assert totals == [f"{v / 1e6:,.2f}" for v in plan.by_year[components].sum(axis=1)]
    # The legend lists the benefit line first, then the components in stacking order (as plot_plan).
    legend = [t.text for t in _by_class(root, "crmlab-svg-legend")]
    assert legend == ["benefit", *[planner.COMPONENT_LABELS[c] for c in components]]


def test_tco_totals_never_sit_on_the_benefit_line():
    for values in ({}, {"users": 100, "annual_benefit": 2_500_000.0}, {"users": 5000, "annual_benefit": 30e6},
                   {"licence_price": 0, "annual_benefit": 1e6, "years": 10}):
        plan = planner.planner_view(**values).plan
        root = _parse(planner.figure_svg(plan))
        line = [tuple(map(float, p.split(","))) for p in _by_class(root, "crmlab-svg-line")[0].get("points").split()]
        for total in _by_class(root, "crmlab-svg-total"):
            x, y, size = float(total.get("x")), float(total.get("y")), float(total.get("font-size"))
            half = _svg.text_width(total.text, size) / 2
            for (xa, ya), (xb, yb) in zip(line, line[1:]):
                for t in np.linspace(0, 1, 41):
                    px, py = xa + t * (xb - xa), ya + t * (yb - ya)
                    inside = x - half < px < x + half and y - 0.82 * size < py < y + 0.26 * size
                    assert not inside, (values, total.text)


def test_tco_figure_of_a_zero_cost_plan_says_n_a_not_nan():
    view = planner.planner_view(licence_price=0, internal_staff=0, hardware_per_user=0, telecom_per_user=0)
    svg = planner.figure_svg(view.plan)
    _assert_finite(svg)
    assert "ROI n/a" in svg and not re.search(r"\bnan\b", svg, re.I)


def test_component_and_quadrant_colours_match_the_matplotlib_figures():
    import seaborn as sns

    from crmlab import tco as _tco
    from crmlab.plots import customers, money

    # One definition (crmlab.plots, no matplotlib there), in crmlab.tco's order, seaborn's colorblind colours.
    assert money.COMPONENT_COLOURS is planner.COMPONENT_COLOURS
    assert money.COMPONENT_LABELS is planner.COMPONENT_LABELS
    assert tuple(planner.COMPONENT_LABELS) == tuple(planner.COMPONENT_COLOURS) == _tco.COMPONENTS
    assert list(planner.COMPONENT_COLOURS.values()) == sns.color_palette("colorblind", len(_tco.COMPONENTS)).as_hex()
    assert customers.QUADRANT_COLOURS is mx.QUADRANT_COLOURS and customers._LAYOUT is mx._LAYOUT  # one definition


def test_scorecard_figure_has_the_contribution_plot_content():
    from crmlab.plots import STATUS_COLOURS

    view = scorecard.weights_view()
    svg = scorecard.figure_svg(view.card)
    _assert_finite(svg)
    root = _parse(svg)
    p = view.card.by_perspective()
    bars, outlines = _by_class(root, "crmlab-svg-bar"), _by_class(root, "crmlab-svg-outline")
    assert len(bars) == len(outlines) == len(p) == 4
    assert [b.get("fill") for b in bars] == [STATUS_COLOURS[s] for s in p["status"]]
    heights = [float(b.get("height")) for b in bars]
    assert np.allclose(np.array(heights) / heights[0], p["contribution"] / p["contribution"].iloc[0], rtol=0.02)
    texts = _texts(root)
    assert "Contribution to the total score: 0.924 (at risk)" in texts
    assert "weight (outline) and weight × achievement" in texts
    assert [t.text for t in _by_class(root, "crmlab-svg-legend")] == [
        "weight", "contribution, on track", "contribution, at risk", "contribution, off track"]
    assert [t.text for t in _by_class(root, "crmlab-svg-value")] == [
        f"{c:.3f} of {w:.2f}" for w, c in zip(p["weight"], p["contribution"])]
    assert "Internal process内部流程" in texts  # two lines: English, then Chinese


def _label_boxes(root):
    return [(t.text, _svg.label_box(float(t.get("x")), float(t.get("y")), t.text, float(t.get("font-size"))))
            for t in _by_class(root, "crmlab-svg-label")]


def _quadrant_boxes(root):
    boxes = []
    for t in _by_class(root, "crmlab-svg-quadrant-name"):
        x, y, size = float(t.get("x")), float(t.get("y")), float(t.get("font-size"))
        w = _svg.text_width(t.text, size)
        left = x - w if t.get("text-anchor") == "end" else x
        boxes.append((t.text, (left, y - 0.82 * size, left + w, y + 0.26 * size)))
    return boxes


def _overlap(a, b) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def _assert_labels_apart(svg: str, names) -> None:
    root = _parse(svg)
    labels = _label_boxes(root)
    assert sorted(t for t, _b in labels) == sorted(names)
    for i, (a, box_a) in enumerate(labels):
        for b, box_b in labels[i + 1:]:
            assert not _overlap(box_a, box_b), (a, b)
        for q, box_q in _quadrant_boxes(root):
            assert not _overlap(box_a, box_q), (a, q)
        frame = [float(root.get("viewBox").split()[k]) for k in (2, 3)]
        assert 0 <= box_a[0] and box_a[2] <= frame[0] and 0 <= box_a[1] and box_a[3] <= frame[1], a


@pytest.mark.parametrize("kind", ["pem", "rpm"])
@pytest.mark.parametrize("convention, imp, perf", [("mean", 3, 3), ("median", 3, 3), ("point", 4.2, 3.6),
                                                   ("point", 1, 5), ("point", 5, 1)])
def test_matrix_figure_content_and_labels(kind, convention, imp, perf):
    view = mx.matrix_view(kind=kind, convention=convention, importance=imp, performance=perf)
    svg = mx.figure_svg(view.frame)
    _assert_finite(svg)
    root = _parse(svg)
    assert len(_by_class(root, "crmlab-svg-point")) == len(view.frame)
    assert [t.text for t in _by_class(root, "crmlab-svg-quadrant-name")] == list(mx._LAYOUT[kind])
    assert len(_by_class(root, "crmlab-svg-quadrant")) == 4 and len(_by_class(root, "crmlab-svg-crosshair")) == 2
    fills = [c.get("fill") for c in _by_class(root, "crmlab-svg-point")]
    assert fills == [mx.QUADRANT_COLOURS[str(q)] for q in view.frame["quadrant"]]
    texts = _texts(root)
    title = "Performance-evaluation matrix (绩效评估矩阵)" if kind == "pem" else "Relative-performance matrix (相对绩效矩阵)"
    assert any(t.startswith(title) for t in texts)
    assert any(t.startswith("Importance — crosshair at") for t in texts)
    _assert_labels_apart(svg, view.frame["name"].tolist())


def _crowded_table(n: int, rng, names) -> pd.DataFrame:
    return pd.DataFrame({"importance": rng.uniform(3.4, 3.9, n), "performance": rng.uniform(3.4, 3.9, n),
                         "name": names[:n]}, index=[f"a{i}" for i in range(n)])


@pytest.mark.parametrize("seed", range(4))
def test_crowded_and_long_chinese_labels_never_overlap(seed):
    rng = np.random.default_rng(seed)
    names = ["平衡计分卡财务维度", "客户满意度与忠诚度", "内部流程效率", "学习与成长", "投资回收期", "总的拥有成本",
             "Complaint handling 投诉处理", "售后服务", "价格水平", "会员计划", "员工礼貌", "送货可靠性"]
    frame = matrices.pem(_crowded_table(12, rng, names))
    svg = mx.figure_svg(frame)
    _assert_finite(svg)
    _assert_labels_apart(svg, names)


def test_matrix_explorer_figure_follows_the_cut_sliders():
    from crmlab.widgets import matrix_explorer

    box = matrix_explorer()
    box.controls["convention"].value = "point"
    figures, crosshairs = set(), set()
    for value in (1.0, 2.5, 3.0, 3.5, 4.0, 5.0):
        box.controls["importance"].value = value
        _assert_finite(box.figure.value)
        root = _parse(box.figure.value)
        assert f"Importance — crosshair at {value:.2f}" in _texts(root)
        figures.add(box.figure.value)
        crosshairs.add(_by_class(root, "crmlab-svg-crosshair")[1].get("y1"))
    # A cut beyond the data sits at the padded edge (the axis grows with it, as in matrix_plot); inside it moves.
    assert len(figures) == 6 and len(crosshairs) >= 4


def test_long_titles_shrink_to_fit():
    title = "平衡计分卡财务维度的总分与各维度贡献 " * 4
    svg = _svg.bar_chart(["平衡计分卡财务\n维度", "客户\n维度"], [0.2, 0.3], ["#000", "#111"], title=title,
                         legend=[("fill", "#000", "平衡计分卡财务维度贡献")])
    root = _parse(svg)
    width = float(root.get("viewBox").split()[2])
    t = _by_class(root, "crmlab-svg-title")[0]
    assert _svg.text_width(t.text, float(t.get("font-size"))) <= width - 16 + 1e-6
