"""crmlab.instructor and crmlab.grading: variants from a course key and a roster, answers as data, tests apart,
the grade book, LMS exports and the command line.

The grading tests use the small case of tests/_grading_case.py (two autograded questions on ``crm_costs``, one
discussion question, a teaching note), built once per session and graded in one folder run; tests/test_cases.py
checks the real cases and tests/test_redteam.py the attacks.
"""

from __future__ import annotations

import json
import re
import zlib
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

import _grading_case as case
from crmlab import datasets
from crmlab.grading.extract import Unreadable, decode, encode_value, read_answers
from crmlab.grading.gradebook import feedback_line
from crmlab.grading.test import feedback_text
from crmlab.grading.variants import assign_variants, load_key, read_roster
from crmlab.instructor import VARIANTS, assert_answered, assert_labels, assert_number, variant_for

v4 = nbformat.v4
KEY = b"0123456789abcdef-a-test-course-key"


# --------------------------------------------------------------------------- variants (no otter needed)

def test_variant_for_is_a_stable_public_checksum_of_the_student_number():
    assert variant_for("") == variant_for(None) == variant_for("  ") == 0
    assert variant_for("2024-0153") == 1 + zlib.crc32(b"2024-0153") % VARIANTS
    assert variant_for(" AB12 ") == variant_for("ab12")
    assert variant_for(20240153) == variant_for("20240153")


@pytest.mark.parametrize("bad", [True, 1.5, ["2024"]])
def test_variant_for_rejects_other_types(bad):
    with pytest.raises(TypeError, match="student_id"):
        variant_for(bad)


def test_a_course_key_gives_a_class_of_300_distinct_unpredictable_variants():
    ids = [f"2024-{i:04d}" for i in range(300)]
    keyed = assign_variants(ids, KEY)
    assert len(set(keyed.values())) == 300 and all(1 <= v <= VARIANTS for v in keyed.values())
    # without the key nobody can compute them: the public checksum and another key give other numbers
    assert sum(keyed[i.casefold()] == variant_for(i) for i in ids) < 3
    other = assign_variants(ids, KEY + b"x")
    assert sum(keyed[k] == other[k] for k in keyed) < 3
    # the public checksum collides in a class this size; assigned variants never do
    assert len({variant_for(i) for i in ids}) <= 300 and len(set(assign_variants(ids).values())) == 300
    # a student added at the end of the roster changes nobody else's variant
    later = assign_variants([*ids, "2024-9999"], KEY)
    assert all(later[k] == v for k, v in keyed.items())


def test_friends_sharing_a_public_variant_get_different_ones_from_the_roster():
    a, b = "2024-1775", "2024-0153"  # the pair the issue found sharing variant 231
    assert variant_for(a) == variant_for(b)
    assert len(set(assign_variants([a, b]).values())) == 2


def test_course_key_and_roster_errors_say_what_is_wrong(tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="at least 16 characters"):
        load_key(b"short")
    with pytest.raises(FileNotFoundError, match="course key file not found"):
        load_key(tmp_path / "missing.key")
    monkeypatch.setenv("CRMLAB_COURSE_KEY", KEY.decode())
    assert load_key() == KEY
    with pytest.raises(ValueError, match="twice"):
        assign_variants(["a1", " A1 "], KEY)
    bad = tmp_path / "roster.csv"
    bad.write_text("name,email\nAna,a@x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="needs a 'student_id' column; its columns are name, email"):
        read_roster(bad)


def test_new_course_key_is_private_and_never_overwritten(tmp_path):
    from crmlab.instructor import new_course_key

    path = new_course_key(tmp_path / "course.key")
    assert len(load_key(path)) == 64 and (path.stat().st_mode & 0o777) == 0o600
    with pytest.raises(FileExistsError):
        new_course_key(path)


# --------------------------------------------------------------------------- answers as data, feedback

def test_answers_survive_the_trip_as_json_and_nothing_else_is_read(tmp_path):
    frame = pd.DataFrame({"importance": [4.5, 3.25], "own": [3.0, np.nan]}, index=pd.Index(["price", "staff"],
                                                                                        name="attribute"))
    values = {"n": np.int64(3), "x": 0.125, "text": "price", "labels": ["a", "b"], "pair": (1, 2.5),
              "set": {"b", "a"}, "map": {"a": [1, 2]}, "arr": np.array([1.5, 2.5]), "blank": ...,
              "series": pd.Series([1.0, 2.0], index=["a", "b"], name="s"), "frame": frame, "nan": float("nan")}
    back = {k: decode(encode_value(v)) for k, v in values.items()}
    assert back["n"] == 3 and back["x"] == 0.125 and back["text"] == "price" and back["labels"] == ["a", "b"]
    assert back["pair"] == (1, 2.5) and back["set"] == {"a", "b"} and back["map"] == {"a": [1, 2]}
    assert back["blank"] is Ellipsis and np.isnan(back["nan"])
    np.testing.assert_array_equal(back["arr"], values["arr"])
    pd.testing.assert_series_equal(back["series"], values["series"])
    pd.testing.assert_frame_equal(back["frame"], frame)
    assert isinstance(decode(encode_value(lambda: 1)), Unreadable)
    damaged = tmp_path / "answers.json"
    damaged.write_text("{not json", encoding="utf-8")
    assert read_answers(damaged)[0] == {} and "damaged" in read_answers(damaged)[1]


def test_feedback_is_the_tests_own_assertion_message_capped():
    assert feedback_text(AssertionError("total is too low")) == "total is too low"
    assert feedback_text(TypeError("secret")) == ("the answer could not be checked (TypeError): is it blank, or of "
                                                  "the wrong kind?")
    assert len(feedback_text(AssertionError("x" * 5000))) == 240
    cases = [{"hidden": False, "passed": False, "message": "total is still blank"},
             {"hidden": True, "passed": False, "message": "total is too low"}]
    assert feedback_line(cases) == "✘ total is still blank"
    assert feedback_line([{"hidden": True, "passed": True, "message": ""}]) == "✔ correct"


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


def test_student_id_is_read_from_the_notebook_never_run():
    from crmlab.grading.grader import _literal_id

    nb = v4.new_notebook(cells=[v4.new_code_cell("%matplotlib inline"), v4.new_code_cell('STUDENT_ID = " s-9 "')])
    assert _literal_id(nb) == ("s-9", None)
    nb.cells[1].source = "STUDENT_ID = input()"
    assert _literal_id(nb)[1].startswith("STUDENT_ID is not a plain value")
    assert "no STUDENT_ID" in _literal_id(v4.new_notebook())[1]


def test_a_notebook_without_assignment_config_is_refused():
    from crmlab.grading.autograder import _prepare_master

    with pytest.raises(ValueError, match="ASSIGNMENT CONFIG"):
        _prepare_master(v4.new_notebook(cells=[v4.new_code_cell("x = 1")]), self_checks=False)


# --------------------------------------------------------------------------- the small case, graded

@pytest.fixture(scope="module")
def handout(tmp_path_factory):
    pytest.importorskip("otter")
    return case.handout(tmp_path_factory)


def test_student_version_has_no_solutions_hidden_tests_or_teaching_note(handout):
    student = handout.student.read_text(encoding="utf-8")
    solutions = handout.solutions.read_text(encoding="utf-8")
    for secret in ("costs['amount'].sum()", "costs.loc[costs['year'] == 1", "# SOLUTION", case.SOLUTION_MD_SECRET,
                   case.TEACHING_SECRET, "test_q1_value", "test_q2_value", "assert_number"):
        assert secret not in student, secret
    assert "costs['amount'].sum()" in solutions  # the autograder notebook keeps them
    nb = nbformat.read(handout.student, as_version=4)
    assert "total = ..." in "".join(c.source for c in nb.cells)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    assert "otter" not in "".join(c.source for c in nb.cells if c.cell_type == "code")  # students need no otter
    assert list(handout.questions.index) == ["q1", "q2", "d1"]
    assert handout.autograder.name == "tiny_case-autograder.zip"
    text = str(handout)
    assert "3 questions, 5 points autograded + 4 graded by hand" in text
    assert f"--autograder {handout.autograder}" in text and handout.autograder.is_absolute()


def test_personal_hand_outs_carry_the_variant_never_the_key(handout, tmp_path_factory):
    key = case.course_key(tmp_path_factory).read_text().strip()
    variants = read_roster(case.ROSTER).variants(key.encode())
    assert [p.parent.name for p in handout.personal] == ["s-001", "S_002", "s-003", "s-004"]
    for path, sid in zip(handout.personal, case.ROSTER):
        text = path.read_text(encoding="utf-8")
        cell = next(c.source for c in nbformat.read(path, as_version=4).cells if "STUDENT_ID =" in c.source)
        assert f"STUDENT_ID = {json.dumps(sid)}" in cell
        assert re.search(rf"^VARIANT = {variants[sid.casefold()]}  #", cell, re.M), cell
        assert key not in text


def test_a_key_without_a_roster_is_refused(tmp_path):
    from crmlab.instructor import student_version

    nbformat.write(case.tiny_case(), tmp_path / "tiny_case.ipynb")
    with pytest.raises(ValueError, match="a course key needs a roster"):
        student_version(tmp_path / "tiny_case.ipynb", tmp_path / "dist", key=KEY)


@pytest.fixture(scope="module")
def graded(handout, tmp_path_factory):
    """One folder graded through the command line: roster, key, cell limit, LMS exports."""
    from crmlab import cli

    key = case.course_key(tmp_path_factory)
    variants = read_roster(case.ROSTER).variants(key.read_text().strip().encode())
    root = tmp_path_factory.mktemp("graded")
    folder = root / "submissions"
    roster = root / "roster.csv"
    roster.write_text("student_id,name,email,section\n" + "".join(
        f"{sid},Student {i},{i}@uni.example,A\n" for i, sid in enumerate([*case.ROSTER, "s-005"], start=1)),
        encoding="utf-8")
    shipped = datasets.load("crm_costs")
    # s-001 also checks that the grader's warm-up cell (imports before the first cell) bound no name
    case.submission(handout, folder / "s-001.ipynb", "s-001", variant=variants["s-001"],
                    insert="assert not {'sys', '_module'} & set(dir()), 'the grader bound names'")
    case.submission(handout, folder / "S_002.ipynb", "S 002", variant=variants["s 002"],
                    replace={"first_year = costs.loc[costs['year'] == 1, 'amount'].sum()":
                             "first_year = costs.loc[costs['year'] == 2, 'amount'].sum()"})
    case.submission(handout, folder / "s-003.ipynb", "s-003", variant=variants["s-003"],
                    replace={"total = costs['amount'].sum()": f"total = {shipped['amount'].sum()!r}"})
    case.submission(handout, folder / "s-004" / "case.ipynb", "s-004", variant=variants["s-004"],
                    insert="while True:\n    pass")
    case.submission(handout, folder / "x-999.ipynb", "x-999")
    case.submission(handout, folder / "s-001-late.ipynb", "s-001", variant=variants["s-001"])
    (folder / "junk.ipynb").write_text("not a notebook", encoding="utf-8")
    code = cli.main(["grade", str(folder), "--autograder", str(handout.autograder), "--roster", str(roster),
                     "--key", str(key), "--jobs", "2", "--cell-timeout", "4", "--timeout", "60",
                     "--lms", "canvas", "--lms", "moodle"])
    assert code == 0
    grades = pd.read_csv(folder / "grades.csv", dtype={"student_id": str}, keep_default_na=False, na_values=[""])
    return {"folder": folder, "grades": grades, "variants": variants, "roster": roster}


def _row(graded, submission):
    grades = graded["grades"]
    return grades[grades["submission"] == submission].iloc[0]


def test_grade_book_has_every_question_and_the_full_possible(graded):
    grades = graded["grades"]
    assert list(grades.columns) == ["submission", "case", "student_id", "variant", "q1", "q2", "d1", "total",
                                    "possible", "percent", "notes"]
    ana = _row(graded, "s-001.ipynb")
    assert (ana["q1"], ana["q2"], ana["total"], ana["possible"]) == (2, 3, 5, 9)
    assert pd.isna(ana["d1"])  # hand-graded: an empty column to fill in
    assert ana["variant"] == graded["variants"]["s-001"]
    assert "UNSANDBOXED" not in ana["notes"] or "bwrap" not in ana["notes"]
    assert "raised" not in ana["notes"], ana["notes"]
    ben = _row(graded, "S_002.ipynb")
    assert (ben["q1"], ben["q2"], ben["total"]) == (2, 0, 2)  # one wrong answer loses exactly that question
    copied = _row(graded, "s-003.ipynb")
    assert copied["q1"] == 0 and copied["q2"] == 3  # the shipped data's total is wrong for this student's variant
    looped = _row(graded, "s-004/case.ipynb")
    assert looped["total"] == 5 and "code cell 2 ran longer than 4 s and was stopped" in looped["notes"]
    junk = _row(graded, "junk.ipynb")
    assert junk["total"] == 0 and "not a readable Jupyter notebook" in junk["notes"]


def test_roster_flags_unknown_missing_and_duplicate_students(graded):
    assert "'x-999' is not on the roster" in _row(graded, "x-999.ipynb")["notes"]
    assert "student number also used by s-001-late.ipynb" in _row(graded, "s-001.ipynb")["notes"]
    missing = graded["grades"][graded["grades"]["student_id"] == "s-005"].iloc[0]
    assert missing["notes"] == "on the roster, but no submission" and pd.isna(missing["total"])
    # identical answers across different variants are flagged; the duplicate of the same student is not copying
    assert "identical to" not in _row(graded, "s-001.ipynb")["notes"]


def test_feedback_files_lms_exports_and_question_table(graded):
    folder = graded["folder"]
    files = sorted(p.name for p in (folder / "grades_feedback").glob("*.txt"))
    assert "s-001.txt" in files and "S_002.txt" in files and len(files) == 7
    ben = (folder / "grades_feedback" / "S_002.txt").read_text(encoding="utf-8")
    assert "q2: 0 / 3  ✘ first_year is too low" in ben and "d1: graded by hand" in ben
    feedback = pd.read_csv(folder / "grades_feedback.csv").set_index(["submission", "question"])
    assert feedback.loc[("S_002.ipynb", "q2"), "feedback"] == "✘ first_year is too low"
    canvas = pd.read_csv(folder / "grades_canvas.csv", dtype=str, keep_default_na=False)
    assert list(canvas.columns) == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                                    "tiny_case (9 points)"]
    assert canvas.iloc[0]["Student"] == "Points Possible" and canvas.iloc[0]["tiny_case (9 points)"] == "9"
    ana = canvas[canvas["SIS User ID"] == "s-001"].iloc[0]
    assert (ana["Student"], ana["Section"], ana["tiny_case (9 points)"]) == ("Student 1", "A", "5")
    moodle = pd.read_csv(folder / "grades_moodle.csv", dtype=str, keep_default_na=False)
    assert list(moodle.columns) == ["ID number", "Email address", "tiny_case"]
    assert moodle.set_index("ID number").loc["S 002", "tiny_case"] == "2"
    table = pd.read_csv(folder / "grades_questions.csv", index_col=0)
    assert table.loc["d1", "variants"] == "graded by hand" and table.loc["q1", "variants"] == "not measured"


def test_lms_export_counts_hand_graded_points_filled_in_later(graded, tmp_path):
    from crmlab.instructor import lms_export

    grades = graded["grades"].copy()
    grades.loc[grades["submission"] == "s-001.ipynb", "d1"] = 3.5
    path = tmp_path / "grades.csv"
    grades.to_csv(path, index=False)
    out = lms_export(path, "moodle", roster=read_roster(graded["roster"]))
    moodle = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("ID number")
    assert moodle.index.is_unique  # s-001 submitted twice: the better grade is exported (and flagged in grades.csv)
    assert moodle.loc["s-001", "tiny_case"] == "8.5" and moodle.loc["s-001", "Email address"] == "1@uni.example"
    with pytest.raises(ValueError, match="fmt must be one of canvas, moodle; got 'blackboard'"):
        lms_export(path, "blackboard")


def test_unsandboxed_grading_still_works_and_says_so(handout, tmp_path, monkeypatch):
    from crmlab.grading import execute
    from crmlab.instructor import grade

    path = case.submission(handout, tmp_path / "crash.ipynb", "s-9", insert="import os\nos._exit(3)",
                           replace={"first_year = costs": "first_year = costs_gone"})
    monkeypatch.setenv("CRMLAB_SANDBOX", "off")
    execute._bwrap.cache_clear()
    try:
        report = grade(path, handout.autograder, timeout=60)
    finally:
        monkeypatch.delenv("CRMLAB_SANDBOX")
        execute._bwrap.cache_clear()
    assert not report.sandboxed and any("UNSANDBOXED" in n for n in report.notes), report.notes
    points = report.questions["points"]
    assert (points["q1"], points["q2"]) == (2.0, 0.0) and np.isnan(points["d1"])
    assert any("code cell 2 stopped the kernel" in n for n in report.notes), report.notes
    assert any("raised NameError: name 'costs_gone' is not defined" in n for n in report.notes), report.notes
    assert "graded by hand" in str(report)


def test_a_tampered_cached_autograder_is_rebuilt_not_used(tmp_path, monkeypatch):
    pytest.importorskip("otter")
    from crmlab.grading import autograder as ag

    monkeypatch.setenv("CRMLAB_CACHE", str(tmp_path / "cache"))
    nbformat.write(case.tiny_case(), tmp_path / "tiny_case.ipynb")
    notes: list = []
    first = ag.resolve(tmp_path / "tiny_case.ipynb", None, notes)
    good = ag.sha256(first)
    assert notes == [] and first.with_suffix(".sha256").read_text().strip() == good
    first.write_bytes(b"poisoned")
    second = ag.resolve(tmp_path / "tiny_case.ipynb", None, notes)
    assert second == first and ag.sha256(second) != ag.sha256(tmp_path / "tiny_case.ipynb")
    assert ag.sha256(second) == second.with_suffix(".sha256").read_text().strip()
    assert len(notes) == 1 and "did not match the hash recorded when it was built" in notes[0]


@pytest.mark.parametrize("kwargs, message", [
    ({"timeout": 0}, "timeout must be a whole number of seconds >= 1; got 0"),
    ({"cell_timeout": 2.5}, "cell_timeout must be a whole number of seconds >= 1; got 2.5"),
    ({"max_restarts": -1}, "max_restarts must be a whole number of restarts >= 0; got -1"),
])
def test_grade_checks_its_limits(kwargs, message, tmp_path):
    from crmlab.instructor import grade

    with pytest.raises(ValueError, match=re.escape(message)):
        grade(tmp_path / "missing.ipynb", **kwargs)


def test_grade_of_a_missing_file_names_it(tmp_path, capsys):
    from crmlab import cli
    from crmlab.instructor import grade

    with pytest.raises(FileNotFoundError, match="missing.ipynb"):
        grade(tmp_path / "missing.ipynb")
    assert cli.main(["grade", str(tmp_path / "missing.ipynb")]) == 2
    assert "missing.ipynb" in capsys.readouterr().err


def test_grading_with_a_key_needs_the_roster(tmp_path):
    from crmlab.instructor import grade_folder

    with pytest.raises(ValueError, match="a course key needs the roster"):
        grade_folder(tmp_path, key=KEY)


def test_the_autograder_zip_runs_with_otters_own_runner_in_a_fresh_environment(handout, tmp_path):
    """Unpack the zip, make a fresh venv, install only what its requirements name (offline: the crmlab wheel in
    the zip; the other packages come from this environment), and grade the solutions with ``otter run``."""
    import os
    import site
    import subprocess
    import sys
    import zipfile

    source = tmp_path / "source"
    with zipfile.ZipFile(handout.autograder) as zf:
        zf.extractall(source)
    requirements = (source / "requirements.txt").read_text().split()
    assert len(requirements) == 1 and requirements[0].startswith("./crmlab-") and requirements[0].endswith(".whl")
    assert "/autograder/source/crmlab-" in (source / "environment.yml").read_text()
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    packages = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              capture_output=True, text=True, check=True).stdout.strip()
    # the third-party packages of this environment, as a plain path: its editable crmlab (a .pth) is not loaded
    (Path(packages) / "_shared_dependencies.pth").write_text(site.getsitepackages()[0] + "\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PIP_NO_INDEX="1", MPLBACKEND="Agg")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "-r", "requirements.txt"], cwd=source,
                   env=env, check=True, timeout=300)
    where = subprocess.run([str(python), "-c", "import crmlab; print(crmlab.__file__)"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, check=True).stdout
    assert where.startswith(packages), where  # crmlab from the zip's wheel, not this checkout
    submission = case.submission(handout, tmp_path / "work" / "solved.ipynb", "s-1")
    out = tmp_path / "out"
    out.mkdir()
    run = subprocess.run([str(python), "-c", "import sys; sys.modules.setdefault('rfc3987_syntax', None); "
                    "from otter.cli import cli; cli(prog_name='otter')", "run", "-a", str(handout.autograder),
                    "-o", str(out), str(submission)], cwd=tmp_path / "work", env=env, timeout=600,
                         capture_output=True, text=True)
    assert run.returncode == 0, (run.stdout + run.stderr)[-2000:]
    results = json.loads((out / "results.json").read_text())
    scores = {t["name"]: t["score"] for t in results["tests"] if "score" in t}
    assert scores == {"q1": 2.0, "q2": 3.0}, results


def test_a_chinese_submission_is_graded_with_chinese_feedback(handout, tmp_path):
    """The edition in the notebook's metadata (zh/ notebooks carry crmlab.edition = "zh") chooses the language
    of crmlab's checks, in the sandboxed run and in the test process; points do not depend on it."""
    import nbformat

    from crmlab.instructor import grade

    reports = {}
    for lang in ("en", "zh"):
        path = case.submission(handout, tmp_path / f"{lang}.ipynb", "s-001",
                               replace={"total = costs['amount'].sum()": "total = 1.0"})
        nb = nbformat.read(path, as_version=4)
        if lang == "zh":
            nb.metadata["crmlab"] = {"edition": "zh", "source": "cases/tiny_case.ipynb"}
        nbformat.write(nb, path)
        reports[lang] = grade(path, handout.autograder, timeout=60)
    en, zh = (reports[k].questions for k in ("en", "zh"))
    assert en["points"].equals(zh["points"]) and (en["points"]["q1"], en["points"]["q2"]) == (0.0, 3.0)
    assert "total is too low" in en.loc["q1", "feedback"]
    assert "total 偏低" in zh.loc["q1", "feedback"], zh.loc["q1", "feedback"]


def test_student_version_keeps_the_edition(tmp_path):
    """otter assign drops unknown metadata; the hand-out of a Chinese case must still say it is Chinese."""
    pytest.importorskip("otter")
    import nbformat

    from crmlab.instructor import student_version

    nb = case.tiny_case()
    nb.metadata["crmlab"] = {"edition": "zh", "source": "cases/tiny_case.ipynb"}
    nbformat.write(nb, tmp_path / "tiny_case.ipynb")
    made = student_version(tmp_path / "tiny_case.ipynb", tmp_path / "dist", run_tests=False)
    for path in (made.student, made.solutions):
        assert nbformat.read(path, as_version=4).metadata["crmlab"]["edition"] == "zh", path
