"""The grading pipeline: execute (sandbox) → extract (JSON) → test (trusted process) → grade book.

Who a submission belongs to, and so which data variant its answers are
checked against, is decided here and never from code the student ran: with
a roster, from the roster id found in the submission's file or folder name
(as an LMS download names them), else from the ``STUDENT_ID`` literal typed
in the notebook; the variant then comes from the roster and the course key.
"""

from __future__ import annotations

import ast
import json
import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pandas as pd

from crmlab.i18n import gettext as _

from crmlab.grading import autograder as ag
from crmlab.grading.gradebook import GradeReport, feedback_line, gradebook, write_outputs

__all__ = ["grade", "grade_folder"]

_SUSPECT_MODULES = {"os", "sys", "subprocess", "signal", "ctypes", "socket", "shutil", "multiprocessing",
                    "threading", "importlib", "builtins", "inspect", "gc", "pty", "resource", "psutil", "glob",
                    "pathlib", "io", "tempfile", "atexit", "faulthandler", "urllib", "requests", "http"}
_SUSPECT_CALLS = {"open", "exec", "eval", "compile", "__import__", "globals", "setattr", "delattr", "breakpoint",
                  "input", "exit", "quit"}


def _literal_id(nb) -> tuple[str, str | None]:
    """The literal assigned to STUDENT_ID in the notebook (read, never run), and a note when it cannot be read."""
    for cell in nb.cells:
        if cell.cell_type != "code" or "STUDENT_ID" not in ag.source(cell):
            continue
        try:
            tree = ast.parse(ag.source(cell))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "STUDENT_ID"
                                                    for t in node.targets):
                if isinstance(node.value, ast.Constant) and isinstance(node.value.value, (str, int)) \
                        and not isinstance(node.value.value, bool):
                    return str(node.value.value).strip(), None
                return "", "STUDENT_ID is not a plain value such as \"2024-0153\""
    return "", "no STUDENT_ID line found"


def _suspicious(nb) -> list[str]:
    """Notes on code a case does not need: system modules, file and process access, changes to crmlab."""
    notes = []
    crmlab_names: set[str] = set()
    id_cells = []
    for number, cell in enumerate((c for c in nb.cells if c.cell_type == "code"), start=1):
        text = ag.source(cell)
        try:
            tree = ast.parse(text)
        except SyntaxError:
            text_lines = [ln for ln in text.splitlines() if ln.strip().startswith(("%", "!"))]
            if text_lines:
                notes.append(f"code cell {number} runs shell or magic commands: check it by hand")
            continue
        modules, calls, patches = set(), set(), set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    top = alias.name.split(".")[0]
                    modules.add(top) if top in _SUSPECT_MODULES else None
                    if top == "crmlab":
                        crmlab_names.add((alias.asname or alias.name).split(".")[0])
            elif isinstance(node, ast.ImportFrom):
                top = (node.module or "").split(".")[0]
                if top in _SUSPECT_MODULES:
                    modules.add(top)
                if top == "crmlab":
                    crmlab_names.update(a.asname or a.name for a in node.names)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _SUSPECT_CALLS:
                calls.add(node.func.id)
            elif isinstance(node, (ast.Assign, ast.AugAssign, ast.Delete)):
                targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
                for t in targets:
                    base = t
                    while isinstance(base, (ast.Attribute, ast.Subscript)):
                        base = base.value
                    if isinstance(t, (ast.Attribute, ast.Subscript)) and isinstance(base, ast.Name) \
                            and base.id in crmlab_names:
                        patches.add(ast.unparse(t)[:60])
                    if isinstance(t, ast.Name) and t.id == "STUDENT_ID":
                        id_cells.append(number)
        parts = []
        if modules:
            parts.append(f"imports {', '.join(sorted(modules))}")
        if calls:
            parts.append(f"calls {', '.join(sorted(calls))}()")
        if patches:
            parts.append(f"changes crmlab ({', '.join(sorted(patches))})")
        if parts:
            notes.append(f"code cell {number} {'; '.join(parts)}: a case needs none of this, check it by hand")
    if len(id_cells) > 1:
        notes.append(f"STUDENT_ID is assigned in more than one place (code cells {', '.join(map(str, id_cells))}); "
                     "the grader uses the student's own number regardless")
    return notes


def _match_roster(rel: str, roster) -> list[str]:
    """Roster ids that appear in a submission's relative path as a whole token (file or folder name)."""
    text = rel.casefold()
    found = []
    for sid in roster.ids:
        for form in {sid.strip().casefold(), ag.safe_name(sid).casefold()}:
            if form and re.search(rf"(?<![0-9a-z]){re.escape(form)}(?![0-9a-z])", text):
                found.append(sid)
                break
    return found


def _decide(nb, rel: str, roster, key, student_id: str | None) -> tuple[str, int, list[str]]:
    """The student a submission belongs to and their variant (never from the student's code), with notes."""
    from crmlab.grading.variants import _candidate, normalise_id, variant_for

    literal, literal_note = _literal_id(nb)
    notes = []
    if student_id is not None:
        sid = str(student_id).strip()
    elif roster is not None:
        matches = _match_roster(rel, roster)
        if len(matches) == 1:
            sid = matches[0]
        elif len(matches) > 1:
            sid = max(matches, key=len)
            notes.append(f"the file name holds several roster ids ({', '.join(matches)}); graded as {sid}")
        else:
            sid = literal
            if sid:
                notes.append("no roster id in the file name: identified only by the STUDENT_ID typed in the notebook")
    else:
        sid = literal
    if literal_note and not sid:
        notes.append(f"{literal_note}: graded on the shipped data (variant 0)")
    elif not sid:
        notes.append("STUDENT_ID is empty: graded on the shipped data (variant 0)")
    if sid and literal and normalise_id(literal) != normalise_id(sid):
        notes.append(f"the notebook says STUDENT_ID = {literal!r:.40}, but it was submitted by {sid}: graded as {sid}'s")
    if roster is not None:
        variants = roster.variants(key)
        if normalise_id(sid) in variants:
            return sid, variants[normalise_id(sid)], notes
        if sid:
            notes.append(f"student {sid!r:.40} is not on the roster: check by hand")
        return sid, (_candidate(normalise_id(sid), key, 0) if sid else 0), notes
    return sid, variant_for(sid) if sid else 0, notes


def _runtime_notes(answers: dict, sid: str, variant: int) -> list[str]:
    from crmlab.grading.variants import normalise_id

    notes = []
    ran_id, ran_variant = answers.get("STUDENT_ID"), answers.get("VARIANT")
    if isinstance(ran_id, (str, int)) and not isinstance(ran_id, bool) and normalise_id(ran_id) != normalise_id(sid):
        notes.append(f"at the end of the run STUDENT_ID was {str(ran_id)[:40]!r}, not {sid!r}: ignored")
    if isinstance(ran_variant, int) and not isinstance(ran_variant, bool) and ran_variant != variant:
        notes.append(f"the notebook worked on data variant {ran_variant}, but this student's variant is {variant}: "
                     "its answers were checked against variant " + str(variant))
    return notes


def _check_limits(timeout, cell_timeout, max_restarts) -> None:
    for name, value, low, unit in (("timeout", timeout, 1, "seconds"), ("cell_timeout", cell_timeout, 1, "seconds"),
                                   ("max_restarts", max_restarts, 0, "restarts")):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < low):
            text = (_("{name} must be a whole number of seconds >= {low}; got {value!r}") if unit == "seconds"
                    else _("{name} must be a whole number of restarts >= {low}; got {value!r}"))
            raise ValueError(text.format(name=name, low=low, value=value))


def _grade_one(path: Path, rel: str, loaded: ag.Autograder | None, resolve_error: str | None, *, roster, key,
               student_id, timeout, cell_timeout, max_restarts, private: Path) -> GradeReport:
    from crmlab.grading import execute, extract, test

    notes: list[str] = []

    def report(results: dict | None, sid: str = "", variant: int = 0, sandboxed: bool = False,
               digests=None) -> GradeReport:
        rows = []
        table = loaded.questions if loaded is not None else pd.DataFrame(columns=["points", "manual"])
        for q, meta in table.iterrows():
            if meta["manual"]:
                rows.append({"question": q, "points": float("nan"), "possible": float(meta["points"]), "passed": None,
                             "manual": True, "feedback": "graded by hand"})
                continue
            r = (results or {}).get(q)
            if r is None:
                rows.append({"question": q, "points": 0.0, "possible": float(meta["points"]), "passed": False,
                             "manual": False, "feedback": "✘ not graded: the notebook could not be run to the end"})
            else:
                rows.append({"question": q, "points": float(r["score"]), "possible": float(r["possible"]),
                             "passed": bool(r["score"] >= r["possible"]), "manual": False,
                             "feedback": feedback_line(r["cases"])})
        frame = (pd.DataFrame(rows).set_index("question") if rows else
                 pd.DataFrame(columns=["points", "possible", "passed", "manual", "feedback"]))
        case = loaded.case if loaded is not None else "?"
        return GradeReport(submission=rel, case=case, student_id=sid, variant=variant, questions=frame,
                           notes=tuple(notes), sandboxed=sandboxed, digests=digests or {})

    try:
        nb = ag.read_notebook(path)
    except ValueError as exc:
        notes.append(f"not graded: {exc}")
        return report(None)
    if loaded is None:
        notes.append(f"not graded: {resolve_error}")
        return report(None)
    assignment = ag.assignment_name(nb)
    if assignment and assignment != loaded.case:
        notes.append(f"this notebook is case {assignment!r}, but the autograder is for {loaded.case!r}: not graded")
        return report(None)
    if not assignment:
        notes.append(f"the notebook had lost its case name (metadata); graded as {loaded.case!r}")
    sid, variant, id_notes = _decide(nb, rel, roster, key, student_id)
    notes += id_notes
    notes += _suspicious(nb)
    for cell in nb.cells:  # outputs are never read; dropping them keeps the scratch copy small
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    run = execute.run(nb, names=loaded.all_names(), support=loaded.files, cell_timeout=cell_timeout,
                      timeout=timeout, max_restarts=max_restarts)
    notes += run.notes
    if not run.ok:
        return report(None, sid, variant, run.sandboxed)
    notes += _runtime_notes(run.answers, sid, variant)
    digests = {}
    for q, names in loaded.names.items():
        values = [run.answers.get(n) for n in names]
        if names and any(v is not None and v is not Ellipsis for v in values):
            digests[q] = extract.digest(values)
    with tempfile.TemporaryDirectory(dir=private, prefix="answers-") as tmp:
        answers_file = Path(tmp) / "answers.json"
        answers_file.write_text(json.dumps(run.raw), encoding="utf-8")
        try:
            results = test.run_tests(loaded.tests, answers_file, variant=variant, student_id=sid,
                                     cwd=loaded.files if loaded.files.is_dir() else loaded.root,
                                     language=execute.edition_of(nb))
        except (RuntimeError, OSError, ValueError) as exc:
            notes.append(f"the tests could not be run ({str(exc)[:200]}): every question scores 0")
            return report(None, sid, variant, run.sandboxed)
    return report(results, sid, variant, run.sandboxed, digests)


def grade(submission, autograder=None, *, roster=None, key=None, student_id: str | None = None,
          timeout: int = 120, cell_timeout: int | None = None, max_restarts: int = 2) -> GradeReport:
    """Grade one submitted case notebook: run it sandboxed, take its answers out as data, test them apart.

    Parameters
    ----------
    submission : str or Path
        The student's ``.ipynb`` file.
    autograder : str or Path, optional
        The ``<case>-autograder.zip`` written by :func:`student_version`, its
        output folder, or a case notebook (its autograder is built and
        cached). By default the case named in the submission's metadata,
        looked up in ``$CRMLAB_CASES`` or the repository's ``cases/``.
    roster : str or Path or list, optional
        The class roster (CSV with ``student_id``): the submission's owner is
        the roster id in its file name, and the variant comes from the roster.
    key : str or Path or bytes, optional
        The course key file (default ``$CRMLAB_COURSE_KEY``); needs ``roster``.
    student_id : str, optional
        Whose submission this is, when you know it (overrides the file name).
    timeout : int
        Seconds one run of the whole notebook may take.
    cell_timeout : int, optional
        Seconds one cell may run before it is interrupted; default ``min(60, timeout)``.
    max_restarts : int
        How many cells that kill the kernel (or ignore the interrupt) may be
        skipped before the run is given up.

    Returns
    -------
    GradeReport
        Points, passed and feedback per question (hand-graded ones empty); ``str(report)`` prints it.
    """
    submission = Path(submission).resolve()
    _check_limits(timeout, cell_timeout, max_restarts)
    if not submission.is_file():
        raise FileNotFoundError(_("notebook not found: {path}").format(path=submission))
    roster, key = _roster_and_key(roster, key)
    return _grade_many([submission], submission.parent, autograder, roster=roster, key=key,
                       student_id=student_id, timeout=timeout, cell_timeout=cell_timeout or min(60, timeout),
                       max_restarts=max_restarts, jobs=1)[0][0]


def _roster_and_key(roster, key):
    from crmlab.grading.variants import load_key, read_roster

    key = load_key(key)
    if key is not None and roster is None:
        raise ValueError(_("a course key needs the roster (--roster): variants are assigned to the roster's ids"))
    return (read_roster(roster) if roster is not None else None), key


def _grade_many(files, folder: Path, autograder, *, roster, key, student_id, timeout, cell_timeout, max_restarts,
                jobs) -> list[GradeReport]:
    with tempfile.TemporaryDirectory(prefix="crmlab-grader-") as private:
        private = Path(private)
        loaded: dict = {}
        notes_by_case: dict = {}

        def autograder_for(name):
            if name not in loaded:
                notes: list = []
                try:
                    zip_path = ag.resolve(autograder, name, notes)
                    loaded[name] = (ag.load(zip_path, private), None)
                except (ValueError, FileNotFoundError) as exc:
                    loaded[name] = (None, str(exc))
                notes_by_case[name] = notes
            return loaded[name]

        plan = []
        for path in files:
            try:
                name = ag.assignment_name(ag.read_notebook(path)) if autograder is None else ""
            except (ValueError, FileNotFoundError):
                name = None
            if name is None:
                plan.append((path, None, None, "not a crmlab case notebook (no case name in its metadata)"))
                continue
            got, problem = autograder_for(name)
            plan.append((path, name, got, problem))

        def one(item):
            path, name, got, problem = item
            rel = str(path.relative_to(folder)) if path.is_relative_to(folder) else path.name
            report = _grade_one(path, rel, got, problem, roster=roster, key=key, student_id=student_id,
                                timeout=timeout, cell_timeout=cell_timeout, max_restarts=max_restarts,
                                private=private)
            case_notes = notes_by_case.get(name, [])
            if case_notes:
                report = replace(report, notes=tuple(case_notes) + report.notes)
            return report

        if jobs == 1 or len(plan) < 2:
            reports = [one(item) for item in plan]
        else:
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                reports = list(pool.map(one, plan))
        tables = {a.case: a.questions for a, _ in loaded.values() if a is not None}
        return reports, tables


def grade_folder(folder, autograder=None, *, out=None, roster=None, key=None, timeout: int = 120,
                 cell_timeout: int | None = None, jobs: int = 1, lms=()) -> pd.DataFrame:
    """Grade every notebook in a folder (and its sub-folders) into a grade book, feedback and LMS files.

    Parameters
    ----------
    folder : str or Path
        Folder of submitted ``.ipynb`` files (``.ipynb_checkpoints`` ignored).
        With a roster, name each file or folder after the student's id (as an
        LMS download does): that, not the notebook, says whose it is.
    autograder : optional
        As in :func:`grade`; by default each submission's own case.
    out : str or Path, optional
        Grade book CSV; default ``FOLDER/grades.csv``. Beside it: ``<out>_feedback.csv``
        (one row per submission and question), ``<out>_feedback/<student>.txt``
        (one file per student, to send back), ``<out>_questions.csv`` (points,
        and which questions variants do not protect) and the LMS exports.
    roster, key : optional
        As in :func:`grade`. With a roster, students who submitted nothing get
        a row, and unknown ids are flagged.
    timeout, cell_timeout : int
        As in :func:`grade`.
    jobs : int
        Submissions graded at the same time (each in its own sandbox).
    lms : iterable of {"canvas", "moodle"}
        LMS grade-import files to write (``<out>_canvas.csv``, ``<out>_moodle.csv``).

    Returns
    -------
    DataFrame
        One row per submission: submission, case, student_id, variant, the
        points of each question (hand-graded ones empty), total, possible (the
        case's full total), percent and notes (duplicate student numbers,
        identical answers, anything the grader saw while running it).
    """
    from crmlab.grading.gradebook import LMS_FORMATS

    folder = Path(folder).resolve()
    if not folder.is_dir():
        raise NotADirectoryError(_("folder must be a folder of submitted notebooks; got {folder}").format(folder=folder))
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(_("jobs must be a whole number >= 1; got {jobs!r}").format(jobs=jobs))
    _check_limits(timeout, cell_timeout, 0)
    lms = tuple(lms or ())
    bad = [f for f in lms if f not in LMS_FORMATS]
    if bad:
        raise ValueError(_("lms must name formats among {formats}; got {bad}").format(
            formats=", ".join(LMS_FORMATS), bad=", ".join(map(repr, bad))))
    roster, key = _roster_and_key(roster, key)
    out = Path(out) if out is not None else folder / "grades.csv"
    files = sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
                   and not p.name.startswith("."))
    reports, tables = _grade_many(files, folder, autograder, roster=roster, key=key, student_id=None,
                                  timeout=timeout, cell_timeout=cell_timeout or min(60, timeout), max_restarts=2,
                                  jobs=jobs) if files else ([], {})
    questions = next(iter(tables.values())) if len(tables) == 1 else None
    frame = gradebook(reports, questions, roster)
    write_outputs(frame, reports, out, questions, roster=roster, lms=lms)
    return frame
