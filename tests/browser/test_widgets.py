"""Every widget of every notebook, as a student sees it: JupyterLab in Chromium.

Each notebook that shows widgets is opened in JupyterLab (in a temporary copy of
the workbook) and run top to bottom. Then every exercise gets a wrong and a right
answer, typed or clicked (✘ then ✔ must appear), and every planner gets one
control moved (its output must change). Screenshots of each widget go to
test-artifacts/browser/lab/<notebook>/.

The last test breaks the callbacks of a small notebook of its own and checks that
this harness then fails, so a green run means the callbacks really work.
"""

from __future__ import annotations

import json

import pytest

from . import helpers

NOTEBOOKS = [nb for nb in helpers.discover() if nb.has_widgets]
# Ids start with the notebook's name: `make test`'s scheduler (conftest.py) keeps a notebook's tests on one worker.
EXERCISES = [pytest.param(nb, ex, id=f"{nb.name}::{ex}") for nb in NOTEBOOKS for ex in nb.exercises]
PLANNERS = [pytest.param(nb, i, id=f"{nb.name}::{name}#{i}") for nb in NOTEBOOKS for i, name in enumerate(nb.planners)]


def _shots(nb) -> object:
    return helpers.artifacts_dir("lab", nb.name)


def _record(nb, widget: str, seen: dict) -> None:
    # What each widget said, kept beside the screenshots for reviewing the wording.
    with (_shots(nb) / "feedback.jsonl").open("a", encoding="utf-8") as f:
        f.write(json.dumps({"widget": widget, **seen}, ensure_ascii=False) + "\n")


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[nb.name for nb in NOTEBOOKS])
def test_notebook_runs_and_shows_its_widgets(nb, lab_notebooks):
    """The notebook runs without errors in JupyterLab and renders exactly the widgets its code calls."""
    for old in _shots(nb).glob("*"):
        old.unlink()
    page, run = lab_notebooks.open(nb)
    assert not run["errors"], f"{nb.path}: cells raised: {run['errors']}"
    assert not run["unrun"], f"{nb.path}: {run['unrun']} code cells did not run"
    assert not helpers.widget_render_errors(page), helpers.widget_render_errors(page)
    shown = helpers.rendered_exercises(page)
    assert len(shown) == len(set(shown)), f"{nb.path}: an exercise is shown twice: {shown}"
    planners = page.locator(".crmlab-planner").count()
    assert planners == len(nb.planners), f"{nb.path}: {planners} planners rendered, code calls {nb.planners}"
    extra = [ex for ex in shown if ex not in nb.exercises]
    if extra and not nb.dynamic:
        pytest.fail(f"{nb.path}: exercises rendered that no literal call shows: {extra}")
    # Exercises whose id the code computes (no literal to collect) are checked here instead.
    for ex in extra:
        _record(nb, ex, helpers.exercise_roundtrip(page, ex, _shots(nb)))


@pytest.mark.parametrize("nb, exercise_id", EXERCISES)
def test_exercise_marks_wrong_then_right(nb, exercise_id, lab_notebooks):
    page, _ = lab_notebooks.open(nb)
    seen = helpers.exercise_roundtrip(page, exercise_id, _shots(nb))
    _record(nb, exercise_id, seen)


@pytest.mark.parametrize("nb, index", PLANNERS)
def test_planner_output_follows_its_controls(nb, index, lab_notebooks):
    page, _ = lab_notebooks.open(nb)
    name = f"{nb.planners[index]}#{index}"
    result = helpers.planner_responds(page, page.locator(".crmlab-planner").nth(index), name, _shots(nb))
    _record(nb, name, result)


# --------------------------------------------------------------------------- the harness catches broken callbacks

_IMPORTS = """import crmlab
from crmlab import widgets
crmlab.plots.set_theme()"""

# Deliberate bugs, as an author could make them: the Check button's handler raises,
# and the planner's controls lose the observers that redraw its output.
_BREAK = """import ipywidgets as _w

_exercise, _explorer = widgets.exercise, widgets.matrix_explorer

def _broken_exercise(exercise_id):
    box = _exercise(exercise_id)
    box.check_button._click_handlers.callbacks.clear()
    box.check_button.on_click(lambda _b: 1 / 0)
    return box

def _broken_explorer(*args, **kwargs):
    box = _explorer(*args, **kwargs)
    for control in box.controls.values():
        control.unobserve_all("value")
    return box

widgets.exercise, widgets.matrix_explorer = _broken_exercise, _broken_explorer"""

_SHOW = ['widgets.exercise("ch00.percent_decimal")', 'widgets.exercise("ch00.choose_kpi")',
         "widgets.matrix_explorer()"]


def _own_notebook(folder, name, broken: bool):
    import nbformat

    cells = [nbformat.v4.new_markdown_cell(f"# Harness check ({'broken' if broken else 'working'} callbacks)"),
             nbformat.v4.new_code_cell(_IMPORTS)]
    if broken:
        cells.append(nbformat.v4.new_code_cell(_BREAK))
    cells += [nbformat.v4.new_code_cell(src) for src in _SHOW]
    nb = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "language": "python",
                                                                        "display_name": "Python 3"}})
    folder.mkdir(exist_ok=True)
    nbformat.write(nb, folder / name)
    return folder / name


def test_harness_fails_when_a_callback_is_broken(workbook, lab, lab_notebooks):
    """A small notebook of our own, run twice: with working callbacks the harness passes, with broken ones it fails."""
    pytest.importorskip("nbformat")
    folder = workbook / "_harness"
    for broken in (False, True):
        path = _own_notebook(folder, f"{'broken' if broken else 'working'}.ipynb", broken)
        nb = helpers.scan_notebook(workbook, path.relative_to(workbook))
        assert nb.exercises == ("ch00.percent_decimal", "ch00.choose_kpi") and nb.planners == ("matrix_explorer",)
        page, run = lab_notebooks.open(nb)
        assert not run["errors"] and not run["unrun"], run
        shots = helpers.artifacts_dir("lab", "_harness", path.stem)
        outcomes = {}
        # Broken callbacks never answer: 3 s shows that. Working ones get the usual limit, as a busy machine needs.
        timeout = 3 if broken else helpers.WIDGET_TIMEOUT
        for ex in nb.exercises:
            try:
                helpers.exercise_roundtrip(page, ex, shots, timeout=timeout)
                outcomes[ex] = "passed"
            except AssertionError as exc:
                outcomes[ex] = f"failed: {exc}"
        try:
            helpers.planner_responds(page, page.locator(".crmlab-planner").first, "matrix_explorer", shots, timeout=timeout)
            outcomes["matrix_explorer"] = "passed"
        except AssertionError as exc:
            outcomes["matrix_explorer"] = f"failed: {exc}"
        (shots / "outcomes.json").write_text(json.dumps(outcomes, indent=1, ensure_ascii=False))
        print(f"{path.name}: " + json.dumps(outcomes, indent=1, ensure_ascii=False))
        if broken:
            assert all(v.startswith("failed") for v in outcomes.values()), outcomes
            assert "does not start with ✘" in outcomes["ch00.percent_decimal"] or "no hint" in \
                outcomes["ch00.percent_decimal"], outcomes
            assert "did not change" in outcomes["matrix_explorer"], outcomes
        else:
            assert all(v == "passed" for v in outcomes.values()), outcomes
