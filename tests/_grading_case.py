"""A small case for the grading tests (two autograded questions on ``crm_costs``, one discussion question, a
teaching note), its hand-out and autograder built once per test session, and submissions made from it."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

v4 = nbformat.v4
TEACHING_SECRET = "TEACHING-NOTE-SECRET"
SOLUTION_MD_SECRET = "MODEL-ANSWER-SECRET"
ROSTER = ["s-001", "S 002", "s-003", "s-004"]
_BUILT: dict = {}


def _test_cell(source: str, hidden: bool):
    header = '""" # BEGIN TEST CONFIG\nhidden: true\n""" # END TEST CONFIG\n' if hidden else ""
    name = source.split("(")[0].removeprefix("def ")
    return v4.new_code_cell(f"{header}{source}\n\n{name}(globals())  # IGNORE")


def tiny_case() -> nbformat.NotebookNode:
    answered = ("def test_{q}_answered(env):\n    from crmlab.instructor import assert_answered\n"
                "    assert_answered(env.get('{var}'), '{var}')")
    value = ("def test_{q}_value(env):\n    from crmlab import datasets\n"
             "    from crmlab.instructor import assert_number\n"
             "    costs = datasets.load('crm_costs', variant=env['VARIANT'])\n"
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


def handout(tmp_path_factory):
    """The tiny case's hand-out and autograder (with personal copies for ROSTER), built once per session."""
    if "handout" not in _BUILT:
        from crmlab.instructor import student_version

        root = tmp_path_factory.mktemp("tiny")
        nbformat.write(tiny_case(), root / "tiny_case.ipynb")
        (root / "course.key").write_text("k" * 40 + "\n", encoding="utf-8")
        _BUILT["handout"] = student_version(root / "tiny_case.ipynb", root / "dist", roster=ROSTER,
                                            key=root / "course.key")
        _BUILT["key"] = root / "course.key"
    return _BUILT["handout"]


def course_key(tmp_path_factory) -> Path:
    handout(tmp_path_factory)
    return _BUILT["key"]


def submission(handout, path, student_id="", replace=None, insert=None, variant=None, solved=True):
    """A submission made from the solutions (or the blank hand-out), optionally with cells changed or added.

    ``variant`` replaces ``VARIANT = variant_for(STUDENT_ID)`` by that number (as a personal hand-out has it).
    """
    nb = nbformat.read(handout.solutions if solved else handout.student, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and "STUDENT_ID = " in cell.source:
            cell.source = cell.source.replace('STUDENT_ID = ""', f"STUDENT_ID = {json.dumps(student_id)}")
            if variant is not None:
                cell.source = cell.source.replace("VARIANT = variant_for(STUDENT_ID)", f"VARIANT = {variant}")
        for old, new in (replace or {}).items():
            if cell.cell_type == "code" and old in cell.source:
                cell.source = cell.source.replace(old, new)
    first_code = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    for offset, code in enumerate([insert] if isinstance(insert, str) else (insert or [])):
        nb.cells.insert(first_code + 1 + offset, v4.new_code_cell(code))
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return Path(path)
