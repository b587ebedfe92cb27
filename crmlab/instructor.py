"""Instructor tools: hand out a case without its solutions, grade what comes back, give each student own data.

The case notebooks in ``cases/`` are written in otter-grader's *assign* format
(raw cells ``# BEGIN QUESTION`` / ``# BEGIN SOLUTION`` / ``# BEGIN TESTS``,
solution lines ending in ``# SOLUTION``, hidden tests marked ``hidden: true``).
This module wraps otter-grader (``pip install "crmlab[instructor]"``) for the
three steps of a class:

1. :func:`student_version` strips solutions, hidden tests, outputs and the
   teaching note (cells tagged ``instructor-only``) and builds the autograder.
2. Each student types their student number into the first code cell
   (``STUDENT_ID = "..."``); :func:`variant_for` turns it into a data variant,
   so ``crmlab.datasets.load(name, variant=VARIANT)`` gives every student
   different numbers with the same structure. Hidden tests recompute the
   expected answers with crmlab for that variant, never from constants.
3. :func:`grade` runs one submission with ``otter run`` (no Docker) in a
   separate kernel with a time limit; :func:`grade_folder` grades a folder
   and writes a CSV of grades. A notebook that loops forever or crashes its
   kernel is graded (0 for the questions it breaks), not fatal.

Importing this module does not need otter-grader (students' notebooks import
:func:`variant_for` from it); the functions that run otter import it lazily.

Examples
--------
>>> from crmlab.instructor import variant_for
>>> variant_for("")                       # no student number: the shipped data
0
>>> variant_for("2024-0153") == variant_for("  2024-0153 ")
True
>>> 1 <= variant_for("2024-0153") <= VARIANTS
True
"""

from __future__ import annotations

import ast
import copy
import hashlib
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from crmlab._results import ResultMixin

__all__ = [
    "VARIANTS",
    "INSTRUCTOR_TAG",
    "variant_for",
    "questions",
    "student_version",
    "StudentVersion",
    "grade",
    "GradeReport",
    "grade_folder",
    "assert_answered",
    "assert_number",
    "assert_labels",
    "answers",
]

VARIANTS = 9999
"""Number of per-student data variants (1..VARIANTS); variant 0 is the shipped data."""

INSTRUCTOR_TAG = "instructor-only"
"""Cell tag of material that never reaches students (teaching notes)."""

# jsonschema's optional IRI format checker compiles a grammar when imported (1-3 s); nbformat and otter never
# use it, so the short-lived grading processes and kernels leave it out.
_SKIP_SLOW_IMPORT = "import sys; sys.modules.setdefault('rfc3987_syntax', None)"
_OTTER_CLI = _SKIP_SLOW_IMPORT + "; from otter.cli import cli; cli(prog_name='otter')"
_CELL_KEY = "crmlab_cell"  # metadata key numbering a submission's code cells for the grader's notes
_ID_LINE = re.compile(r"^(\s*STUDENT_ID\s*=\s*)(.*?)(\s*(#.*)?)$", re.MULTILINE)
_CONFIG_START = re.compile(r"#\s+assignment\s+config", re.IGNORECASE)
_QUESTION_START = re.compile(r"#\s+begin\s+question", re.IGNORECASE)


# --------------------------------------------------------------------------- per-student data

def variant_for(student_id) -> int:
    """The data variant of a student: 0 for no student number, else a stable number in 1..VARIANTS.

    The mapping is a checksum (CRC-32) of the student number with surrounding
    spaces removed and letters case-folded, so it is the same on every machine
    and in every Python session; the instructor needs no roster to know which
    data a student had.

    Parameters
    ----------
    student_id : str or int or None
        What the student typed into ``STUDENT_ID``.

    Returns
    -------
    int
        ``0`` (the shipped CSV files) when ``student_id`` is empty or None,
        otherwise ``1 + crc32(id) % VARIANTS``.

    Examples
    --------
    >>> variant_for(None), variant_for("   ")
    (0, 0)
    >>> variant_for("S001") == variant_for("s001")
    True
    >>> variant_for(3.5)
    Traceback (most recent call last):
    ...
    TypeError: student_id must be text such as "2024-0153" (or a whole number); got 3.5
    """
    if student_id is None:
        return 0
    if isinstance(student_id, bool) or not isinstance(student_id, (str, int)):
        raise TypeError(f'student_id must be text such as "2024-0153" (or a whole number); got {student_id!r}')
    text = str(student_id).strip().casefold()
    if not text:
        return 0
    return 1 + zlib.crc32(text.encode("utf-8")) % VARIANTS


def _show(value) -> str:
    import numpy as np

    if value is None or value is Ellipsis:
        return "... (still blank)"
    if isinstance(value, (bool, np.bool_, str)):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        # amounts of money need no more than cents; ratios and rates get 4 decimals
        return f"{float(value):,.2f}" if abs(value) >= 10_000 else f"{float(value):,.4f}"
    if isinstance(value, (list, tuple, set, frozenset, pd.Index, pd.Series, np.ndarray)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else list(value)
        return ", ".join(_show(v) for v in items) if items else "(none)"
    return str(value)


def answers(**named) -> pd.DataFrame:
    """Your answers as a small table: numbers to 4 decimals (2 from 10,000 up), lists joined, blanks marked.

    Case notebooks end a question's cell with it, so an answer displays the same on every machine.

    >>> answers(npv=1234.56789, grade="good", fix=["price", "delivery"], roi=..., tco=25_705_000.0)
                     answer
    npv          1,234.5679
    grade              good
    fix     price, delivery
    roi   ... (still blank)
    tco   25,705,000.00
    """
    return pd.DataFrame({"answer": [_show(v) for v in named.values()]}, index=list(named))


# --------------------------------------------------------------------------- assertions for hidden tests

def _blank(value) -> bool:
    return value is None or value is Ellipsis


def assert_answered(value, what: str) -> None:
    """Fail a test with a clear message when an answer is still blank (``...`` or None).

    >>> assert_answered(..., "the 5-year TCO")
    Traceback (most recent call last):
    ...
    AssertionError: the 5-year TCO is still blank: replace the ... with your answer
    """
    if _blank(value):
        raise AssertionError(f"{what} is still blank: replace the ... with your answer")


def assert_number(value, expected, what: str, *, abs_tol: float = 0.0, rel_tol: float = 1e-4) -> None:
    """Assert that a numeric answer is within tolerance of the expected value.

    The message says how the answer is wrong without revealing the expected
    value, so it can go back to students as feedback.

    Examples
    --------
    >>> assert_number(0.1234, 0.12341, "the ROI")
    >>> assert_number("12%", 0.12, "the ROI")
    Traceback (most recent call last):
    ...
    AssertionError: the ROI must be a number; got '12%' (text)
    >>> assert_number(12.0, 0.12, "the ROI")
    Traceback (most recent call last):
    ...
    AssertionError: the ROI is 100x too large: rates are decimals (0.12), not percentages (12)
    """
    assert_answered(value, what)
    try:
        import numpy as np

        if isinstance(value, (np.ndarray, pd.Series, pd.DataFrame)) and getattr(value, "size", 0) == 1:
            value = value.squeeze()
        if isinstance(value, bool) or isinstance(value, str):
            raise TypeError
        number = float(value)
    except (TypeError, ValueError):
        kind = "text" if isinstance(value, str) else type(value).__name__
        raise AssertionError(f"{what} must be a number; got {value!r:.40} ({kind})") from None
    if math.isnan(number):
        raise AssertionError(f"{what} is NaN (not a number): check for missing values in your calculation")
    if math.isclose(number, expected, rel_tol=rel_tol, abs_tol=abs_tol):
        return
    if expected and math.isclose(number, 100 * expected, rel_tol=rel_tol, abs_tol=100 * abs_tol):
        raise AssertionError(f"{what} is 100x too large: rates are decimals (0.12), not percentages (12)")
    if expected and math.isclose(number, -expected, rel_tol=rel_tol, abs_tol=abs_tol):
        raise AssertionError(f"{what} has the wrong sign")
    direction = "too high" if number > expected else "too low"
    raise AssertionError(f"{what} is {direction}")


def _label_set(values) -> set[str]:
    if isinstance(values, str):
        values = [values]
    return {str(v).strip().casefold() for v in values}


def assert_labels(value, expected, what: str) -> None:
    """Assert that a collection of labels (any order, any case) equals the expected one.

    >>> assert_labels(["Price", "delivery"], {"delivery", "price"}, "the urgent weaknesses")
    >>> assert_labels(["price"], {"delivery", "price"}, "the urgent weaknesses")
    Traceback (most recent call last):
    ...
    AssertionError: the urgent weaknesses: 1 item(s) missing
    """
    assert_answered(value, what)
    if not isinstance(value, (str, list, tuple, set, frozenset, pd.Index, pd.Series)):
        raise AssertionError(f"{what} must be a list of names; got {type(value).__name__}")
    given, wanted = _label_set(value), _label_set(expected)
    missing, extra = wanted - given, given - wanted
    problems = []
    if missing:
        problems.append(f"{len(missing)} item(s) missing")
    if extra:
        problems.append(f"{len(extra)} item(s) that do not belong: {', '.join(sorted(extra))}")
    if problems:
        raise AssertionError(f"{what}: " + "; ".join(problems))


# --------------------------------------------------------------------------- reading case notebooks

def _read_notebook(path):
    import nbformat

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"notebook not found: {path}")
    try:
        return nbformat.read(path, as_version=4)
    except Exception as exc:  # nbformat raises several unrelated types for a damaged file
        raise ValueError(f"{path} is not a readable Jupyter notebook ({type(exc).__name__}: {exc})") from None


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _yaml_body(cell) -> dict:
    import yaml

    lines = _source(cell).split("\n")
    body = yaml.safe_load("\n".join(lines[1:])) or {}
    if not isinstance(body, dict):
        raise ValueError(f"the configuration under {lines[0]!r} must be YAML key: value pairs; got {body!r}")
    return body


def _dump_config(header: str, body: dict) -> str:
    import yaml

    return header + "\n" + yaml.safe_dump(body, sort_keys=False, allow_unicode=True).rstrip("\n")


def _config_cell(nb):
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "raw" and _CONFIG_START.match(_source(cell)):
            return i
    return None


def questions(notebook) -> pd.DataFrame:
    """The questions of a case notebook in otter-grader's assign format.

    Parameters
    ----------
    notebook : str or Path
        The instructor's case notebook.

    Returns
    -------
    DataFrame
        Indexed by question name, in notebook order: ``points`` and ``manual``
        (True for questions graded by hand, e.g. discussion questions).

    Examples
    --------
    >>> table = questions(_cases_dir() / "case1_retail_service.ipynb")
    >>> table.loc[["q1", "d1"]]
          points  manual
    question
    q1       2.0   False
    d1       4.0    True
    """
    nb = _read_notebook(notebook)
    rows = []
    for cell in nb.cells:
        if cell.cell_type == "raw" and _QUESTION_START.match(_source(cell)):
            config = _yaml_body(cell)
            points = config.get("points", 1)
            if isinstance(points, list):
                points = sum(points)
            rows.append({"question": str(config.get("name")), "points": float(points),
                         "manual": bool(config.get("manual", False))})
    if not rows:
        raise ValueError(f"{notebook} has no '# BEGIN QUESTION' cells: it is not in otter-grader's assign format")
    return pd.DataFrame(rows).set_index("question")


# --------------------------------------------------------------------------- student versions

@dataclass(frozen=True)
class StudentVersion:
    """What :func:`student_version` wrote: the hand-out, the autograder and the solutions."""

    case: str
    student: Path
    autograder: Path
    solutions: Path
    questions: pd.DataFrame = field(repr=False)
    personal: tuple[Path, ...] = ()

    def __str__(self) -> str:
        q = self.questions
        auto, manual = q.loc[~q["manual"], "points"].sum(), q.loc[q["manual"], "points"].sum()
        lines = [
            f"{self.case}: {len(q)} questions, {auto:g} points autograded + {manual:g} graded by hand",
            f"  hand out   {self.student}",
            f"  autograder {self.autograder}   (crmlab grade SUBMISSION --autograder {self.autograder.name})",
            f"  solutions  {self.solutions}   (keep private)",
        ]
        if self.personal:
            lines.append(f"  personalised copies for {len(self.personal)} students in {self.personal[0].parent.parent}")
        return "\n".join(lines)


def _prepare_master(nb, self_checks: bool):
    """Copy of the case notebook with the settings a crmlab hand-out needs and without teaching notes."""
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if INSTRUCTOR_TAG not in c.get("metadata", {}).get("tags", [])]
    at = _config_cell(nb)
    if at is None:
        raise ValueError("the notebook has no raw cell starting with '# ASSIGNMENT CONFIG': "
                         "it is not in otter-grader's assign format")
    config = _yaml_body(nb.cells[at])
    # Students never need otter: no init/check/export cells unless the instructor asks for self-checks.
    config["init_cell"] = bool(self_checks)
    config.setdefault("export_cell", False)
    config.setdefault("check_all_cell", False)
    config.setdefault("tests", {}).setdefault("ok_format", False)
    nb.cells[at].source = _dump_config("# ASSIGNMENT CONFIG", config)
    for cell in nb.cells:
        if cell.cell_type == "raw" and _QUESTION_START.match(_source(cell)):
            qconfig = _yaml_body(cell)
            if not qconfig.get("manual", False):
                qconfig["check_cell"] = bool(self_checks)
            cell.source = _dump_config("# BEGIN QUESTION", qconfig)
    return nb, config


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("._") or "student"


def _personalise(student_nb_path: Path, roster: Iterable, out_dir: Path) -> tuple[Path, ...]:
    import nbformat

    nb = nbformat.read(student_nb_path, as_version=4)
    target = next((c for c in nb.cells if c.cell_type == "code" and _ID_LINE.search(_source(c))), None)
    if target is None:
        raise ValueError(f"roster given, but {student_nb_path.name} has no 'STUDENT_ID = ...' line to fill in")
    written = []
    for sid in roster:
        sid = str(sid).strip()
        if not sid:
            continue
        copy_nb = copy.deepcopy(nb)
        cell = next(c for c in copy_nb.cells if c.cell_type == "code" and _ID_LINE.search(_source(c)))
        cell.source = _ID_LINE.sub(lambda m, s=sid: f"{m.group(1)}{json.dumps(s)}{m.group(3)}", _source(cell), count=1)
        path = out_dir / _safe_name(sid) / student_nb_path.name
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(copy_nb, path)
        written.append(path)
    return tuple(written)


def student_version(src, dest, *, run_tests: bool = True, self_checks: bool = False, roster=None,
                    timeout: int = 900) -> StudentVersion:
    """Make the student hand-out and the autograder of a case notebook (wraps ``otter assign``).

    Solutions are replaced by ``...``, hidden tests removed, outputs cleared
    and cells tagged ``instructor-only`` (the teaching note) dropped. With
    ``run_tests=True`` otter first checks that the solutions pass every test.

    Parameters
    ----------
    src : str or Path
        The instructor's case notebook, e.g. ``cases/case2_telecom_tco.ipynb``.
    dest : str or Path
        Output folder (created). It receives ``student/<case>.ipynb`` (hand
        this out), ``autograder/<case>-autograder.zip`` (for :func:`grade`)
        and ``autograder/<case>.ipynb`` (the solutions: keep it private).
    run_tests : bool
        Run the tests against the solutions first (about 10 s per case).
    self_checks : bool
        Keep otter's ``grader.check("q1")`` cells so students can run the
        public tests themselves; their environment then needs otter-grader.
        By default students need only crmlab.
    roster : iterable of str, optional
        Student numbers: also write ``student/personal/<id>/<case>.ipynb``
        with ``STUDENT_ID`` already filled in, one per student.
    timeout : int
        Seconds allowed for otter assign (running the solutions included).

    Returns
    -------
    StudentVersion
        Paths of what was written, and the question table (printable).

    Raises
    ------
    ValueError
        If ``src`` is not in otter's assign format, or the solutions fail
        their own tests (the message quotes otter's report).
    """
    src, dest = Path(src).resolve(), Path(dest).resolve()
    nb = _read_notebook(src)
    master, config = _prepare_master(nb, self_checks)
    table = questions(src)
    import nbformat

    with tempfile.TemporaryDirectory(prefix="crmlab-assign-") as tmp:
        work = Path(tmp) / "case"
        work.mkdir()
        for rel in [*config.get("files", []), *config.get("autograder_files", [])]:
            source = src.parent / rel
            if not source.exists():
                raise FileNotFoundError(f"the case's config lists {rel!r}, but {source} does not exist")
            target = work / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            (shutil.copytree if source.is_dir() else shutil.copy2)(source, target)
        nbformat.write(master, work / src.name)
        result = Path(tmp) / "out"
        cmd = [sys.executable, "-c", _OTTER_CLI, "assign", "--no-pdfs", str(work / src.name), str(result)]
        if not run_tests:
            cmd.insert(4, "--no-run-tests")
        proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True, timeout=timeout,
                              env=_child_env())
        if proc.returncode != 0:
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-25:])
            raise ValueError(f"otter assign failed on {src.name}:\n{tail}")
        zips = sorted((result / "autograder").glob("*-autograder_*.zip"))
        if not zips:
            raise RuntimeError(f"otter assign wrote no autograder zip for {src.name}")
        if dest.exists():
            for sub in ("student", "autograder"):
                shutil.rmtree(dest / sub, ignore_errors=True)
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copytree(result / "student", dest / "student")
        (dest / "autograder").mkdir()
        zip_path = dest / "autograder" / f"{src.stem}-autograder.zip"
        shutil.copy2(zips[-1], zip_path)
        shutil.copy2(result / "autograder" / src.name, dest / "autograder" / src.name)
    student_nb = dest / "student" / src.name
    personal = _personalise(student_nb, roster, dest / "student" / "personal") if roster is not None else ()
    return StudentVersion(case=src.stem, student=student_nb, autograder=zip_path,
                          solutions=dest / "autograder" / src.name, questions=table, personal=personal)


# --------------------------------------------------------------------------- finding the autograder

def _cases_dir() -> Path:
    """The shipped cases: packaged as crmlab/_cases in a wheel, cases/ in a source checkout, else ./cases."""
    from importlib import resources

    packaged = resources.files("crmlab") / "_cases"
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parent.parent / "cases"
    return checkout if checkout.is_dir() else Path.cwd() / "cases"


def _cache_dir() -> Path:
    root = os.environ.get("CRMLAB_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "crmlab")
    return Path(root) / "autograders"


def _assignment_name(nb) -> str | None:
    return nb.get("metadata", {}).get("otter", {}).get("assignment_name")


def _zip_config(zip_path: Path) -> dict:
    with zipfile.ZipFile(zip_path) as zf:
        try:
            return json.loads(zf.read("otter_config.json"))
        except KeyError:
            return {}


def _resolve_autograder(autograder, assignment: str | None) -> Path:
    """A path to an autograder zip from what the user gave (zip, student_version folder, case notebook) or None."""
    if autograder is None:
        if not assignment:
            raise ValueError("the submission does not say which case it is (no otter assignment name in its "
                             "metadata); pass autograder= (the zip written by student_version)")
        master = _cases_dir() / f"{assignment}.ipynb"
        if not master.exists():
            raise ValueError(f"the submission is case {assignment!r}, which is not among the shipped cases in "
                             f"{_cases_dir()}; pass autograder= (the zip written by student_version)")
        autograder = master
    path = Path(autograder)
    if path.is_dir():
        found = sorted(path.glob("autograder/*-autograder.zip")) or sorted(path.glob("*-autograder*.zip"))
        if not found:
            raise FileNotFoundError(f"no autograder zip in {path} (expected autograder/<case>-autograder.zip)")
        return found[0]
    if path.suffix == ".zip":
        if not path.is_file():
            raise FileNotFoundError(f"autograder not found: {path}")
        return path
    if path.suffix == ".ipynb":
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        cached = _cache_dir() / f"{path.stem}-{digest}.zip"
        if not cached.exists():
            cached.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(prefix="crmlab-ag-") as tmp:
                built = student_version(path, tmp, run_tests=False)
                partial = cached.with_suffix(f".{os.getpid()}.part")
                shutil.copy2(built.autograder, partial)
                os.replace(partial, cached)
        return cached
    raise ValueError(f"autograder must be an autograder .zip, a student_version folder or a case .ipynb; got {path}")


def _autograder_questions(zip_path: Path) -> dict[str, float]:
    """Question name -> points, read from the test files in an autograder zip."""
    from otter.nbmeta_config import NBMetadataConfig
    from otter.test_files import create_test_file

    out = {}
    with tempfile.TemporaryDirectory(prefix="crmlab-tests-") as tmp, zipfile.ZipFile(zip_path) as zf:
        for name in zf.namelist():
            if name.startswith("tests/") and name.endswith(".py"):
                zf.extract(name, tmp)
                test = create_test_file(os.path.join(tmp, name), NBMetadataConfig())
                out[test.name] = float(test.possible)
    return dict(sorted(out.items(), key=lambda kv: _natural(kv[0])))


def _natural(text: str):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", text)]


# --------------------------------------------------------------------------- grading

@dataclass(frozen=True)
class GradeReport(ResultMixin):
    """The grade of one submission: points per question, feedback, and what went wrong while running it.

    ``questions`` is a DataFrame indexed by question with columns ``points``,
    ``possible``, ``passed`` and ``feedback``. ``notes`` lists problems met
    while running the notebook (a cell stopped at the time limit, a kernel
    crash, a missing student number).
    """

    submission: str
    case: str
    student_id: str
    variant: int
    questions: pd.DataFrame = field(repr=False)
    notes: tuple[str, ...] = ()

    _title = "Grade report"

    @property
    def total(self) -> float:
        return float(self.questions["points"].sum())

    @property
    def possible(self) -> float:
        return float(self.questions["possible"].sum())

    def _headline(self) -> dict:
        return {"student": self.student_id or "(none)", "variant": self.variant,
                "total": f"{self.total:g} / {self.possible:g}"}

    def to_frame(self) -> pd.DataFrame:
        """Points, possible points, passed and feedback per question."""
        return self.questions.copy()

    def row(self) -> dict:
        """One row of a grade book: identification, points per question, total and notes."""
        out = {"submission": self.submission, "case": self.case, "student_id": self.student_id,
               "variant": self.variant}
        out.update({q: float(p) for q, p in self.questions["points"].items()})
        out.update({"total": self.total, "possible": self.possible,
                    "percent": round(100 * self.total / self.possible, 1) if self.possible else 0.0,
                    "notes": " | ".join(self.notes)})
        return out

    def __str__(self) -> str:
        who = f"student {self.student_id}" if self.student_id else "no student number"
        lines = [f"{self.case} - {self.submission} ({who}, data variant {self.variant})"]
        width = max([len("question"), *map(len, self.questions.index)])
        lines.append(f"{'question':<{width}}  points  feedback")
        for q, r in self.questions.iterrows():
            lines.append(f"{q:<{width}}  {r['points']:>3g}/{r['possible']:<3g} {r['feedback']}")
        lines.append(f"{'total':<{width}}  {self.total:g} / {self.possible:g}")
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        return (f"<div class='crmlab-result'><p><b>{html.escape(self.case)}</b> · "
                f"{html.escape(self.submission)} · student {html.escape(self.student_id or '(none)')} · "
                f"variant {self.variant} · <b>{self.total:g} / {self.possible:g}</b></p>"
                + self.questions.to_html(border=0) + (f"<ul>{notes}</ul>" if notes else "") + "</div>")


def _student_id(nb) -> tuple[str, str | None]:
    """The literal assigned to STUDENT_ID in the notebook, and a note when it cannot be read."""
    for cell in nb.cells:
        if cell.cell_type != "code" or "STUDENT_ID" not in _source(cell):
            continue
        try:
            tree = ast.parse(_source(cell))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if (isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "STUDENT_ID"
                                                     for t in node.targets)):
                if isinstance(node.value, ast.Constant) and isinstance(node.value.value, (str, int)):
                    return str(node.value.value).strip(), None
                return "", "STUDENT_ID is not a plain value such as \"2024-0153\": graded as variant 0"
    return "", "no STUDENT_ID line found: graded on the shipped data (variant 0)"


_KERNEL = "crmlab-grading"


def _child_env(jupyter_path: Path | None = None) -> dict:
    env = dict(os.environ)
    # Headless, reproducible kernels: no GUI backend, no hash randomisation.
    env.update({"MPLBACKEND": "Agg", "PYTHONHASHSEED": "0", "PYTHONIOENCODING": "utf-8"})
    if jupyter_path is not None:
        env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(jupyter_path), env.get("JUPYTER_PATH")]))
    return env


def _grading_kernel(folder: Path) -> Path:
    """A kernel spec that runs this very Python, so grading never picks up another environment's "python3"."""
    spec = folder / "kernels" / _KERNEL
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "crmlab grading", "language": "python"}), encoding="utf-8")
    return folder


def _kill_group(pid: int) -> None:
    """Stop a process we started and everything it started (its session on POSIX, its tree on Windows)."""
    if hasattr(os, "killpg"):
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:  # already gone
            pass
    else:  # pragma: no cover - Windows
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(pid)], capture_output=True, check=False)


def _run_worker(submission: Path, zip_path: Path, cell_timeout: int, timeout: int, tmp: Path) -> dict:
    """Grade in a child process; return its results, or what it was doing when it failed."""
    out, progress = tmp / "results.json", tmp / "progress.txt"
    for p in (out, progress):
        p.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "crmlab.instructor", "--worker", str(submission), str(zip_path), str(out),
           str(progress), str(cell_timeout)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True, env=_child_env(_grading_kernel(tmp / "jupyter")), cwd=tmp)
    timed_out = False
    try:
        log, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill_group(proc.pid)
        log, _ = proc.communicate()
    events = progress.read_text(encoding="utf-8").split("\n") if progress.exists() else []
    if timed_out or proc.returncode != 0:
        for line in events:
            if line.startswith("kernel "):  # the kernel runs in its own session: stop it too
                _kill_group(int(line.split()[1]))
    started = [int(e.split()[1]) for e in events if e.startswith("start ")]
    stopped = [int(e.split()[1]) for e in events if e.startswith("timeout ")]
    result = {"timed_out": timed_out, "returncode": proc.returncode, "log": log or "",
              "last_started": started[-1] if started else None, "stopped": stopped}
    if out.exists() and not timed_out:
        result["results"] = json.loads(out.read_text(encoding="utf-8"))
    return result


def _failure_text(message: str) -> str:
    text = (message or "").strip().splitlines()
    last = text[-1] if text else "failed"
    match = re.match(r"(\w+(?:Error|Exception)): ?(.*)", last)
    if match and match.group(1) == "AssertionError" and match.group(2):
        return match.group(2)
    if match:
        return (f"the answer could not be checked ({match.group(1)}: {match.group(2)[:80]}); "
                "is it blank or of the wrong kind?")
    return last[:120]


def _feedback(cases: list[dict]) -> str:
    """One line per question: the public tests' complaints first (e.g. a blank answer), else the hidden ones'."""
    failed = [c for c in cases if not c["passed"]]
    if not failed:
        return "✔ correct"
    public = [c for c in failed if not c.get("hidden")]
    messages = [_failure_text(c.get("message", "")) for c in (public or failed)]
    return "✘ " + "; ".join(dict.fromkeys(messages))


def grade(submission, autograder=None, *, timeout: int = 120, cell_timeout: int | None = None,
          max_restarts: int = 2) -> GradeReport:
    """Grade one submitted case notebook with ``otter run`` (no Docker).

    The notebook runs top to bottom in a separate kernel; then every test of
    every question (public and hidden) runs against the variables it left.
    A cell that runs longer than ``cell_timeout`` is interrupted and grading
    goes on; a cell that crashes the kernel, or a run longer than ``timeout``,
    gets that cell replaced by an error and the notebook graded again. Either
    way the questions that depended on the cell score 0 and the report says
    what happened.

    Parameters
    ----------
    submission : str or Path
        The student's ``.ipynb`` file.
    autograder : str or Path, optional
        The ``<case>-autograder.zip`` written by :func:`student_version`, its
        output folder, or a case notebook (its autograder is built and cached).
        By default the shipped case named in the submission's metadata.
    timeout : int
        Seconds one run of the whole notebook may take.
    cell_timeout : int, optional
        Seconds one cell may run; default ``min(60, timeout)``.
    max_restarts : int
        How many broken cells may be skipped before the run is given up.

    Returns
    -------
    GradeReport
        Points, passed and feedback per question; ``str(report)`` prints it.
    """
    submission = Path(submission)
    for name, value, low, unit in (("timeout", timeout, 1, "seconds"), ("cell_timeout", cell_timeout, 1, "seconds"),
                                   ("max_restarts", max_restarts, 0, "restarts")):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < low):
            raise ValueError(f"{name} must be a whole number of {unit} >= {low}; got {value!r}")
    cell_timeout = cell_timeout or min(60, timeout)
    notes: list[str] = []
    try:
        nb = _read_notebook(submission)
    except ValueError as exc:
        nb, notes = None, [str(exc)]
    assignment = _assignment_name(nb) if nb is not None else None
    zip_path = _resolve_autograder(autograder, assignment).resolve()
    expected_name = _zip_config(zip_path).get("assignment_name")
    possible = _autograder_questions(zip_path)
    case = expected_name or zip_path.stem.replace("-autograder", "")

    def report(results: dict | None, sid: str = "", variant: int = 0) -> GradeReport:
        rows = []
        for q, pts in possible.items():
            r = (results or {}).get(q)
            if r is None:
                rows.append({"question": q, "points": 0.0, "possible": pts, "passed": False,
                             "feedback": "✘ not graded: the notebook could not be run (see notes)"})
            else:
                rows.append({"question": q, "points": float(r["score"]), "possible": float(r["possible"]),
                             "passed": bool(r["score"] >= r["possible"]), "feedback": _feedback(r["cases"])})
        frame = pd.DataFrame(rows).set_index("question")
        return GradeReport(submission=submission.name, case=case, student_id=sid, variant=variant,
                           questions=frame, notes=tuple(notes))

    if nb is None:
        return report(None)
    if expected_name and assignment and assignment != expected_name:
        notes.append(f"this notebook is case {assignment!r}, but the autograder is for {expected_name!r}: not graded")
        return report(None)
    if expected_name and not assignment:
        nb.metadata.setdefault("otter", {})["assignment_name"] = expected_name
        notes.append(f"the notebook had lost its case name (metadata); graded as {expected_name!r}")
    sid, id_note = _student_id(nb)
    if id_note:
        notes.append(id_note)
    elif not sid:
        notes.append("STUDENT_ID is empty: graded on the shipped data (variant 0)")
    variant = variant_for(sid)
    # Grade in a kernel of this Python, whatever kernel the student used (see _grading_kernel).
    nb.metadata["kernelspec"] = {"name": _KERNEL, "display_name": "crmlab grading", "language": "python"}

    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    for number, cell in enumerate(code_cells, start=1):
        cell.metadata[_CELL_KEY] = number
    skipped: set[int] = set()
    import nbformat

    with tempfile.TemporaryDirectory(prefix="crmlab-grade-") as tmp:
        tmp = Path(tmp)
        (tmp / "in").mkdir()
        target = tmp / "in" / submission.name
        for _attempt in range(max_restarts + 1):
            nbformat.write(nb, target)
            outcome = _run_worker(target, zip_path, cell_timeout, timeout, tmp)
            if "results" in outcome and not outcome["results"].get("catastrophic"):
                stopped = set(outcome["stopped"])
                for number in sorted(stopped):
                    notes.append(f"code cell {number} ran longer than {cell_timeout} s and was stopped")
                for number, ename, evalue in outcome["results"].get("errors", []):
                    if number not in stopped and number not in skipped:
                        notes.append(f"code cell {number} raised {ename}: {evalue}")
                return report(outcome["results"]["questions"], sid, variant)
            # A cell that outlived its interrupt keeps the kernel busy, so later cells time out behind it:
            # the first cell stopped is the culprit; without one, the cell running when the kernel died.
            culprit = outcome["stopped"][0] if outcome["stopped"] else outcome["last_started"]
            if culprit is None or culprit in skipped:
                break
            skipped.add(culprit)
            why = (f"ran past the {timeout} s limit for the whole notebook" if outcome["timed_out"]
                   else "stopped the kernel (crash or exit)")
            notes.append(f"code cell {culprit} {why}; it was skipped and the notebook graded again")
            cell = code_cells[culprit - 1]
            cell.source = (f"raise RuntimeError('crmlab grader: this cell {why} and was skipped; "
                           "fix it and run the notebook top to bottom')")
        detail = (outcome.get("results") or {}).get("catastrophic") or outcome["log"].strip().splitlines()[-1:]
        notes.append(f"the notebook could not be graded: {detail if isinstance(detail, str) else ' '.join(detail)}")
        return report(None, sid, variant)


def grade_folder(folder, autograder=None, *, out=None, timeout: int = 120, cell_timeout: int | None = None,
                 jobs: int = 1) -> pd.DataFrame:
    """Grade every notebook in a folder (and its sub-folders) and write a CSV of grades.

    Parameters
    ----------
    folder : str or Path
        Folder of submitted ``.ipynb`` files (``.ipynb_checkpoints`` ignored).
    autograder : optional
        As in :func:`grade`; by default each submission's own shipped case.
    out : str or Path, optional
        CSV file to write; default ``FOLDER/grades.csv``. A second file,
        ``<out>_feedback.csv``, has one row per submission and question with
        the feedback text, ready to send back to students.
    timeout, cell_timeout : int
        As in :func:`grade`.
    jobs : int
        Submissions graded at the same time (each in its own kernel).

    Returns
    -------
    DataFrame
        One row per submission: submission, case, student_id, variant, the
        points of each question, total, possible, percent and notes. A student
        number used by two submissions is flagged in ``notes``.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise NotADirectoryError(f"folder must be a folder of submitted notebooks; got {folder}")
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a whole number >= 1; got {jobs!r}")
    files = sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    out = Path(out) if out is not None else folder / "grades.csv"
    resolved = {}
    if autograder is not None:
        shared = _resolve_autograder(autograder, None)
    for path in files:  # build each case's autograder once, before grading in parallel
        if autograder is None:
            try:
                name = _assignment_name(_read_notebook(path))
                if name not in resolved:
                    resolved[name] = _resolve_autograder(None, name)
            except (ValueError, FileNotFoundError):
                pass

    def one(path: Path) -> GradeReport:
        try:
            if autograder is not None:
                ag = shared
            else:
                ag = resolved.get(_assignment_name(_read_notebook(path)))
            if ag is None:
                raise ValueError("not a crmlab case notebook (no case name in its metadata)")
            report = grade(path, ag, timeout=timeout, cell_timeout=cell_timeout)
        except (ValueError, FileNotFoundError) as exc:
            return GradeReport(submission=str(path.relative_to(folder)), case="?", student_id="", variant=0,
                               questions=pd.DataFrame(columns=["points", "possible", "passed", "feedback"]),
                               notes=(f"not graded: {exc}",))
        return GradeReport(submission=str(path.relative_to(folder)), case=report.case, student_id=report.student_id,
                           variant=report.variant, questions=report.questions, notes=report.notes)

    if jobs == 1:
        reports = [one(p) for p in files]
    else:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            reports = list(pool.map(one, files))
    rows = [r.row() for r in reports]
    frame = pd.DataFrame(rows)
    if frame.empty:
        frame = pd.DataFrame(columns=["submission", "case", "student_id", "variant", "total", "possible",
                                      "percent", "notes"])
    else:
        ids = frame["student_id"].where(frame["student_id"] != "")
        dup = ids.duplicated(keep=False) & ids.notna()
        for i in frame.index[dup]:
            others = frame.loc[dup & (ids == ids[i]) & (frame.index != i), "submission"].tolist()
            flag = f"student number also used by {', '.join(others)}"
            frame.loc[i, "notes"] = f"{frame.loc[i, 'notes']} | {flag}" if frame.loc[i, "notes"] else flag
        qcols = sorted([c for c in frame.columns if c not in GRADEBOOK_FIXED], key=_natural)
        frame = frame[["submission", "case", "student_id", "variant", *qcols, "total", "possible", "percent",
                       "notes"]]
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out, index=False, lineterminator="\n")
    feedback = [{"submission": r.submission, "student_id": r.student_id, "question": q, "points": row["points"],
                 "possible": row["possible"], "feedback": row["feedback"]}
                for r in reports for q, row in r.questions.iterrows()]
    pd.DataFrame(feedback, columns=["submission", "student_id", "question", "points", "possible", "feedback"]).to_csv(
        out.with_name(out.stem + "_feedback.csv"), index=False, lineterminator="\n")
    return frame


GRADEBOOK_FIXED = ("submission", "case", "student_id", "variant", "total", "possible", "percent", "notes")


# --------------------------------------------------------------------------- the grading child process

def _limited_preprocessor(cell_timeout: int, progress):
    """nbconvert's ExecutePreprocessor with a per-cell time limit that interrupts and carries on."""
    from nbconvert.preprocessors import ExecutePreprocessor
    from traitlets import Bool, Dict, Integer

    def note(kind: str, value) -> None:
        if value is not None:
            progress.write(f"{kind} {value}\n")
            progress.flush()

    class LimitedExecutePreprocessor(ExecutePreprocessor):
        timeout = Integer(cell_timeout, allow_none=True).tag(config=True)
        interrupt_on_timeout = Bool(True).tag(config=True)
        error_on_timeout = Dict({"ename": "TimeoutError", "evalue": f"stopped after {cell_timeout} s",
                                 "traceback": [f"TimeoutError: the grader stopped this cell after {cell_timeout} s"]},
                                allow_none=True).tag(config=True)

        def preprocess(self, nb, resources=None, km=None):
            import nbformat

            nb.cells.insert(0, nbformat.v4.new_code_cell(_SKIP_SLOW_IMPORT))
            return super().preprocess(nb, resources, km)

        async def async_start_new_kernel(self, **kwargs):
            await super().async_start_new_kernel(**kwargs)
            provisioner = getattr(self.km, "provisioner", None)
            note("kernel", getattr(provisioner, "pid", None))

        def preprocess_cell(self, cell, resources, index):
            note("start", cell.get("metadata", {}).get(_CELL_KEY))
            return super().preprocess_cell(cell, resources, index)

        async def _async_handle_timeout(self, timeout, cell=None):
            note("timeout", (cell or {}).get("metadata", {}).get(_CELL_KEY))
            return await super()._async_handle_timeout(timeout, cell)

    return LimitedExecutePreprocessor


def _worker(argv: list[str]) -> int:
    submission, zip_path, out, progress_path, cell_timeout = argv
    sys.modules.setdefault("rfc3987_syntax", None)  # see _SKIP_SLOW_IMPORT
    import nbconvert.preprocessors
    import otter.api

    with open(progress_path, "a", encoding="utf-8") as progress:
        # otter imports ExecutePreprocessor from nbconvert.preprocessors when it grades; give it the limited one.
        nbconvert.preprocessors.ExecutePreprocessor = _limited_preprocessor(int(cell_timeout), progress)
        results = otter.api.grade_submission(submission, zip_path, quiet=True)
    payload = {"catastrophic": repr(results.catastrophic_error) if results.catastrophic_error else None,
               "questions": {}, "errors": []}
    for cell in getattr(results, "notebook", None) and results.notebook.cells or []:
        number = cell.get("metadata", {}).get(_CELL_KEY)
        for output in cell.get("outputs", []) if number is not None else []:
            if output.get("output_type") == "error":
                payload["errors"].append([number, output.get("ename", ""), str(output.get("evalue", ""))[:120]])
    for name, test_file in results.results.items():
        payload["questions"][name] = {
            "score": float(test_file.score), "possible": float(test_file.possible),
            "cases": [{"name": r.test_case.name, "hidden": bool(r.test_case.hidden), "passed": bool(r.passed),
                       "message": r.message or ""} for r in test_file.test_case_results],
        }
    Path(out).write_text(json.dumps(payload), encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover - the grading child process
    if len(sys.argv) == 7 and sys.argv[1] == "--worker":
        sys.exit(_worker(sys.argv[2:]))
    sys.exit("usage: python -m crmlab.instructor --worker SUBMISSION AUTOGRADER OUT PROGRESS CELL_TIMEOUT")
