"""crmlab.instructor: student versions, per-student data variants and autograding with otter-grader.

The grading tests use a small case written here (two autograded questions on the ``crm_costs`` dataset, one
discussion question, a teaching note), so they run in seconds; tests/test_cases.py checks the real cases.
"""

from __future__ import annotations

import json
import re
import time
import zlib

import nbformat
import pandas as pd
import pytest

from crmlab import datasets
from crmlab.instructor import (
    VARIANTS,
    _feedback,
    _prepare_master,
    _student_id,
    assert_answered,
    assert_labels,
    assert_number,
    variant_for,
)

v4 = nbformat.v4


# --------------------------------------------------------------------------- no otter needed

def test_variant_for_is_a_stable_checksum_of_the_student_number():
    assert variant_for("") == variant_for(None) == variant_for("  ") == 0
    assert variant_for("2024-0153") == 1 + zlib.crc32(b"2024-0153") % VARIANTS
    assert variant_for(" AB12 ") == variant_for("ab12")
    assert variant_for(20240153) == variant_for("20240153")
    many = {variant_for(f"2024-{i:04d}") for i in range(300)}
    assert min(many) >= 1 and max(many) <= VARIANTS
    assert len(many) > 290  # a class rarely shares data


@pytest.mark.parametrize("bad", [True, 1.5, ["2024"]])
def test_variant_for_rejects_other_types(bad):
    with pytest.raises(TypeError, match="student_id"):
        variant_for(bad)


def test_variants_change_numbers_not_structure():
    base, mine = datasets.load("crm_costs"), datasets.load("crm_costs", variant=variant_for("2024-0153"))
    assert list(base.columns) == list(mine.columns)
    assert base["amount"].sum() != mine["amount"].sum()


def test_assert_helpers_explain_without_revealing_the_answer():
    with pytest.raises(AssertionError, match="still blank"):
        assert_answered(..., "npv")
    assert_number(pd.Series([0.25]), 0.25, "roi")  # a one-element Series is accepted
    with pytest.raises(AssertionError, match="too high") as info:
        assert_number(0.31, 0.25, "roi")
    assert "0.25" not in str(info.value)
    with pytest.raises(AssertionError, match="100x"):
        assert_number(25, 0.25, "roi")
    with pytest.raises(AssertionError, match="wrong sign"):
        assert_number(-0.25, 0.25, "roi")
    with pytest.raises(AssertionError, match="must be a number"):
        assert_number("0.25", 0.25, "roi")
    assert_labels(("Price", "delivery "), ["delivery", "price"], "urgent")
    with pytest.raises(AssertionError, match="do not belong: membership"):
        assert_labels(["price", "membership"], ["price"], "urgent")


def test_feedback_prefers_the_public_complaint():
    cases = [{"hidden": False, "passed": False, "message": "❌\nAssertionError: total is still blank: replace"},
             {"hidden": True, "passed": False, "message": "❌\nTypeError: unsupported operand"}]
    assert _feedback(cases) == "✘ total is still blank: replace"
    assert _feedback([{"hidden": True, "passed": False, "message": "x\nAssertionError: total is too low"}]) == (
        "✘ total is too low")
    assert _feedback([{"hidden": True, "passed": True, "message": ""}]) == "✔ correct"


def test_student_id_is_read_from_the_notebook():
    nb = v4.new_notebook(cells=[v4.new_code_cell("%matplotlib inline"), v4.new_code_cell('STUDENT_ID = " s-9 "')])
    assert _student_id(nb) == ("s-9", None)
    nb.cells[1].source = "STUDENT_ID = input()"
    assert _student_id(nb)[1].startswith("STUDENT_ID is not a plain value")
    assert "no STUDENT_ID" in _student_id(v4.new_notebook())[1]


def test_a_notebook_without_assignment_config_is_refused():
    with pytest.raises(ValueError, match="ASSIGNMENT CONFIG"):
        _prepare_master(v4.new_notebook(cells=[v4.new_code_cell("x = 1")]), self_checks=False)


# --------------------------------------------------------------------------- a small case, graded with otter

TEACHING_SECRET = "TEACHING-NOTE-SECRET"
SOLUTION_MD_SECRET = "MODEL-ANSWER-SECRET"


def _test_cell(source: str, hidden: bool):
    header = '""" # BEGIN TEST CONFIG\nhidden: true\n""" # END TEST CONFIG\n' if hidden else ""
    name = source.split("(")[0].removeprefix("def ")
    return v4.new_code_cell(f"{header}{source}\n\n{name}(globals())  # IGNORE")


def _tiny_case() -> nbformat.NotebookNode:
    answered = ("def test_{q}_answered(env):\n    from crmlab.instructor import assert_answered\n"
                "    assert_answered(env.get('{var}'), '{var}')")
    value = ("def test_{q}_value(env):\n    from crmlab import datasets\n"
             "    from crmlab.instructor import assert_number, variant_for\n"
             "    costs = datasets.load('crm_costs', variant=variant_for(env.get('STUDENT_ID')))\n"
             "    assert_number(env.get('{var}'), {expr}, '{var}', abs_tol=0.5)")
    cells = [
        v4.new_raw_cell("# ASSIGNMENT CONFIG\nname: tiny_case\nrun_tests: true\nshow_question_points: true"),
        v4.new_code_cell("from crmlab import datasets\nfrom crmlab.instructor import variant_for\n\n"
                         'STUDENT_ID = ""  # your student number\nVARIANT = variant_for(STUDENT_ID)\n'
                         'costs = datasets.load("crm_costs", variant=VARIANT)'),
    ]
    for q, pts, var, solution, expr in [
        ("q1", 2, "total", "total = costs['amount'].sum()  # SOLUTION", "costs['amount'].sum()"),
        ("q2", 3, "first_year", "first_year = costs.loc[costs['year'] == 1, 'amount'].sum()  # SOLUTION",
         "costs.loc[costs['year'] == 1, 'amount'].sum()"),
    ]:
        cells += [
            v4.new_raw_cell(f"# BEGIN QUESTION\nname: {q}\npoints: {pts}\nall_or_nothing: true"),
            v4.new_markdown_cell(f"**{q}.** Compute `{var}`."),
            v4.new_raw_cell("# BEGIN SOLUTION"), v4.new_code_cell(f"{solution}\n{var}"),
            v4.new_raw_cell("# END SOLUTION"),
            v4.new_raw_cell("# BEGIN TESTS"),
            _test_cell(answered.format(q=q, var=var), hidden=False),
            _test_cell(value.format(q=q, var=var, expr=expr), hidden=True),
            v4.new_raw_cell("# END TESTS"), v4.new_raw_cell("# END QUESTION"),
        ]
    note = v4.new_markdown_cell(f"## Teaching note\n{TEACHING_SECRET}")
    note.metadata["tags"] = ["instructor-only"]
    cells += [
        v4.new_raw_cell("# BEGIN QUESTION\nname: d1\npoints: 4\nmanual: true"),
        v4.new_markdown_cell("**d1.** Discuss."), v4.new_raw_cell("# BEGIN SOLUTION"),
        v4.new_markdown_cell(SOLUTION_MD_SECRET), v4.new_raw_cell("# END SOLUTION"), v4.new_raw_cell("# END QUESTION"),
        note,
    ]
    nb = v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


@pytest.fixture(scope="module")
def handout(tmp_path_factory):
    pytest.importorskip("otter")
    from crmlab.instructor import student_version

    root = tmp_path_factory.mktemp("tiny")
    nbformat.write(_tiny_case(), root / "tiny_case.ipynb")
    return student_version(root / "tiny_case.ipynb", root / "dist", roster=["s-001", "S 002"])


def _submission(handout, path, student_id="", replace=None, insert=None):
    """A submission made from the instructor's solutions, optionally with one answer or one cell changed."""
    nb = nbformat.read(handout.solutions, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and "STUDENT_ID = " in cell.source:
            cell.source = cell.source.replace('STUDENT_ID = ""', f"STUDENT_ID = {json.dumps(student_id)}")
        for old, new in (replace or {}).items():
            if cell.cell_type == "code" and old in cell.source:
                cell.source = cell.source.replace(old, new)
    if insert:
        nb.cells.insert(2, v4.new_code_cell(insert))
    nbformat.write(nb, path)
    return path


def test_student_version_has_no_solutions_hidden_tests_or_teaching_note(handout):
    student = handout.student.read_text(encoding="utf-8")
    solutions = handout.solutions.read_text(encoding="utf-8")
    for secret in ("costs['amount'].sum()", "costs.loc[costs['year'] == 1", "# SOLUTION", SOLUTION_MD_SECRET,
                   TEACHING_SECRET, "test_q1_value", "test_q2_value", "assert_number"):
        assert secret not in student, secret
    assert "costs['amount'].sum()" in solutions  # the autograder notebook keeps them
    nb = nbformat.read(handout.student, as_version=4)
    assert "total = ..." in "".join(c.source for c in nb.cells)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    assert "otter" not in "".join(c.source for c in nb.cells if c.cell_type == "code")  # students need no otter
    assert list(handout.questions.index) == ["q1", "q2", "d1"]
    assert handout.autograder.name == "tiny_case-autograder.zip"
    assert "3 questions, 5 points autograded + 4 graded by hand" in str(handout)


def test_roster_gives_each_student_a_filled_in_copy(handout):
    assert [p.parent.name for p in handout.personal] == ["s-001", "S_002"]
    filled = nbformat.read(handout.personal[1], as_version=4)
    assert 'STUDENT_ID = "S 002"  # your student number' in filled.cells[0].source


def test_folder_of_submissions_full_marks_one_wrong_answer_and_junk(handout, tmp_path):
    from crmlab.instructor import grade_folder

    folder = tmp_path / "submissions"
    folder.mkdir()
    _submission(handout, folder / "ana.ipynb", student_id="s-001")
    _submission(handout, folder / "ben.ipynb", student_id="s-002",
                replace={"first_year = costs.loc[costs['year'] == 1, 'amount'].sum()":
                         "first_year = costs.loc[costs['year'] == 2, 'amount'].sum()"})
    (folder / "junk.ipynb").write_text("not a notebook", encoding="utf-8")
    grades = grade_folder(folder, handout.autograder, jobs=2).set_index("submission")
    assert grades.loc["ana.ipynb", ["q1", "q2", "total", "possible"]].tolist() == [2.0, 3.0, 5.0, 5.0]
    assert grades.loc["ana.ipynb", "variant"] == variant_for("s-001") != 0
    # one wrong answer loses exactly that question's points
    assert grades.loc["ben.ipynb", ["q1", "q2", "total"]].tolist() == [2.0, 0.0, 2.0]
    junk = grades.loc["junk.ipynb"]
    assert junk["total"] == 0 and "not a readable Jupyter notebook" in junk["notes"]
    written = pd.read_csv(folder / "grades.csv")
    assert written["submission"].tolist() == ["ana.ipynb", "ben.ipynb", "junk.ipynb"]
    feedback = pd.read_csv(folder / "grades_feedback.csv").set_index(["submission", "question"])
    assert feedback.loc[("ben.ipynb", "q2"), "feedback"] == "✘ first_year is too low"


def test_answers_copied_from_the_shipped_data_fail_for_a_student_with_own_variant(handout, tmp_path):
    from crmlab.instructor import grade

    shipped = datasets.load("crm_costs")["amount"].sum()
    path = _submission(handout, tmp_path / "copy.ipynb", student_id="s-001",
                       replace={"total = costs['amount'].sum()": f"total = {shipped!r}"})
    report = grade(path, handout.autograder)
    assert report.questions["points"].to_dict() == {"q1": 0.0, "q2": 3.0}
    assert report.student_id == "s-001" and "q1" in str(report)


def test_blank_student_version_runs_and_scores_zero(handout):
    from crmlab.instructor import grade

    report = grade(handout.student, handout.autograder)
    assert report.total == 0 and report.possible == 5
    assert report.questions.loc["q1", "feedback"] == "✘ total is still blank: replace the ... with your answer"
    assert not any("raised" in note for note in report.notes), report.notes  # no cell errors with blank answers


def test_infinite_loop_is_stopped_at_the_cell_time_limit(handout, tmp_path):
    from crmlab.instructor import grade

    path = _submission(handout, tmp_path / "loop.ipynb", insert="while True:\n    pass")
    start = time.perf_counter()
    report = grade(path, handout.autograder, cell_timeout=5, timeout=60)
    assert time.perf_counter() - start < 45
    assert report.total == report.possible == 5  # the loop broke no answer
    assert any("code cell 2 ran longer than 5 s and was stopped" in n for n in report.notes), report.notes


def test_a_loop_that_ignores_interrupts_and_a_kernel_crash_are_skipped(handout, tmp_path):
    from crmlab.instructor import grade

    stubborn = "while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass"
    path = _submission(handout, tmp_path / "stubborn.ipynb", insert=stubborn)
    report = grade(path, handout.autograder, cell_timeout=4, timeout=15)
    assert report.total == 5
    assert any("code cell 2 ran past the 15 s limit" in n and "skipped" in n for n in report.notes), report.notes

    path = _submission(handout, tmp_path / "crash.ipynb", insert="import os\nos._exit(3)",
                       replace={"first_year = costs": "first_year = costs_gone"})
    report = grade(path, handout.autograder, timeout=60)
    assert report.questions["points"].to_dict() == {"q1": 2.0, "q2": 0.0}
    assert any("code cell 2 stopped the kernel" in n for n in report.notes), report.notes
    assert any("raised NameError: name 'costs_gone' is not defined" in n for n in report.notes), report.notes


def test_a_submission_for_another_case_is_not_graded(handout, tmp_path):
    from crmlab.instructor import grade

    path = _submission(handout, tmp_path / "other.ipynb")
    nb = nbformat.read(path, as_version=4)
    nb.metadata["otter"]["assignment_name"] = "case9_other"
    nbformat.write(nb, path)
    report = grade(path, handout.autograder)
    assert report.total == 0 and "is case 'case9_other'" in report.notes[0]


@pytest.mark.parametrize("kwargs, message", [
    ({"timeout": 0}, "timeout must be a whole number of seconds >= 1; got 0"),
    ({"cell_timeout": 2.5}, "cell_timeout must be a whole number of seconds >= 1; got 2.5"),
    ({"max_restarts": -1}, "max_restarts must be a whole number of restarts >= 0; got -1"),
])
def test_grade_checks_its_limits(kwargs, message, tmp_path):
    from crmlab.instructor import grade

    with pytest.raises(ValueError, match=re.escape(message)):
        grade(tmp_path / "missing.ipynb", **kwargs)


def test_grade_of_a_missing_file_names_it(tmp_path):
    from crmlab.instructor import grade

    with pytest.raises(FileNotFoundError, match="missing.ipynb"):
        grade(tmp_path / "missing.ipynb")
