"""The workbook theme: Chinese labels render with real glyphs, and importing crmlab sets no theme."""

from __future__ import annotations

import subprocess
import sys
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from crmlab import plots  # noqa: E402

LABELS = ["平衡计分卡 balanced scorecard", "总的拥有成本 TCO", "经济增加值 EVA", "绩效评估矩阵", "相对绩效矩阵"]


def _draw(labels):
    fig, ax = plt.subplots()
    ax.barh(labels, range(1, len(labels) + 1))
    ax.set_title("业绩金字塔 performance pyramid", fontweight="bold")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    plt.close(fig)
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_chinese_labels_have_every_glyph():
    with matplotlib.rc_context():
        plots.set_theme()
        assert _draw(LABELS) == []


def test_without_the_theme_glyphs_would_be_missing():
    """Guards the test above: the default font really lacks these glyphs."""
    with matplotlib.rc_context(matplotlib.rcParamsDefault):
        assert _draw(LABELS[:1])


def test_set_theme_rejects_bad_choices():
    with pytest.raises(ValueError, match="context must be one of 'notebook', 'talk', 'paper', 'poster'"):
        plots.set_theme(context="slides")
    with pytest.raises(ValueError, match="font_scale must be a number > 0"):
        plots.set_theme(font_scale=0)


def _theme_after(apply) -> tuple[dict, dict]:
    """rcParams and one-letter colour codes after ``apply()``, starting from matplotlib's defaults."""
    from matplotlib.colors import colorConverter

    codes = dict(colorConverter.colors)
    try:
        with matplotlib.rc_context(matplotlib.rcParamsDefault):
            apply()
            return dict(matplotlib.rcParams), {c: colorConverter.colors[c] for c in "bgrmyck"}
    finally:  # the codes are global: put them back for the other tests
        colorConverter.colors.clear()
        colorConverter.colors.update(codes)


@pytest.mark.parametrize("context", ["notebook", "talk", "paper", "poster"])
@pytest.mark.parametrize("font_scale", [1.0, 0.8, 1.3])
def test_set_theme_applies_what_seaborn_set_theme_would(context, font_scale):
    """set_theme applies seaborn's whitegrid theme without importing seaborn: the same rcParams, key by key,
    and the same colour codes as seaborn's set_theme with the workbook's settings (except the default colour
    map, which stays matplotlib's viridis: seaborn's "rocket" is registered only by importing seaborn)."""
    sns = pytest.importorskip("seaborn")
    from seaborn import rcmod

    ours = plots.theme_rc(context, font_scale)
    seaborn_keys = {*rcmod._style_keys, *rcmod._context_keys, "axes.prop_cycle"} - {"font.family", "axes.titlesize"}

    def seaborns():
        sns.set_theme(context=context, style="whitegrid", palette=plots.PALETTE, font_scale=font_scale)
        matplotlib.rcParams.update({k: v for k, v in ours.items() if k not in seaborn_keys})

    theirs, their_codes = _theme_after(seaborns)
    mine, my_codes = _theme_after(lambda: plots.set_theme(context, font_scale))
    assert mine.pop("image.cmap") == "viridis" and theirs.pop("image.cmap") == "rocket"
    assert {k: v for k, v in mine.items() if theirs[k] != v} == {}
    assert my_codes == their_codes
    assert list(plots.COLORBLIND) == sns.color_palette("colorblind").as_hex()


def test_set_theme_does_not_import_seaborn():
    loaded = _modules_after("import crmlab; crmlab.plots.set_theme(); from crmlab.plots import money, evaluation")
    assert "seaborn" not in loaded and "scipy.stats" not in loaded


HEAVY = ("matplotlib", "seaborn", "statsmodels", "ipywidgets", "scipy.optimize", "yaml", "nbformat")


def _modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_import_crmlab_is_light_and_changes_nothing():
    loaded = _modules_after("import crmlab")
    assert not [m for m in HEAVY if m in loaded]
    # numpy and pandas install their own filters when imported; crmlab must add none.
    code = ("import warnings, numpy, pandas, matplotlib as mpl; before = list(warnings.filters); "
            "rc = dict(mpl.rcParams); import crmlab, crmlab.datasets, crmlab.exercises; "
            "print(warnings.filters == before and dict(mpl.rcParams) == rc)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "True"


@pytest.mark.parametrize("module", ["weighting", "fuzzy", "pyramid", "scorecard", "finance", "tco", "matrices",
                                   "customers", "datasets", "exercises"])
def test_method_modules_do_not_import_plotting_or_widgets(module):
    try:
        loaded = _modules_after(f"import crmlab.{module}")
    except subprocess.CalledProcessError:
        pytest.skip(f"crmlab.{module} is not importable in this checkout")
    assert not [m for m in ("matplotlib", "seaborn", "ipywidgets", "statsmodels") if m in loaded]
