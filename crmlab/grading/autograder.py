"""Hand-outs and autograders: strip a case with ``otter assign``, find, cache, verify and open an autograder.

An autograder zip holds otter's test files (``tests/q1.py``...), the case's data
files (``files/``), ``otter_config.json`` and, written by crmlab,
``crmlab_questions.json`` (every question with its points, hand-graded ones
included, and how well variants protect it). :func:`load` checks a zip's
SHA-256 before use: a cached autograder whose hash no longer matches the one
recorded when it was built is rebuilt, never used.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from crmlab._launch import python_command
from crmlab.i18n import gettext as _

__all__ = ["INSTRUCTOR_TAG", "CASES_ENV", "StudentVersion", "Autograder", "questions", "student_version",
           "cases_dir", "cache_dir", "resolve", "load"]

INSTRUCTOR_TAG = "instructor-only"
"""Cell tag of material that never reaches students (teaching notes)."""

CASES_ENV = "CRMLAB_CASES"
"""Environment variable naming a folder of (private) case notebooks for the grader to find by case name."""

QUESTIONS_FILE = "crmlab_questions.json"
PROTECTION_FILE = "variant_protection.json"

_OTTER_CLI = "from otter.cli import cli; cli(prog_name='otter')"
ID_LINE = re.compile(r"^(\s*STUDENT_ID\s*=\s*)(.*?)(\s*(#.*)?)$", re.MULTILINE)
VARIANT_LINE = re.compile(r"^(\s*VARIANT\s*=\s*)(variant_for\(\s*STUDENT_ID\s*\))(.*)$", re.MULTILINE)
_CONFIG_START = re.compile(r"#\s+assignment\s+config", re.IGNORECASE)
_QUESTION_START = re.compile(r"#\s+begin\s+question", re.IGNORECASE)


# --------------------------------------------------------------------------- reading case notebooks

def read_notebook(path):
    import nbformat

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(_("notebook not found: {path}").format(path=path))
    try:
        return nbformat.read(path, as_version=4)
    except Exception as exc:  # nbformat raises several unrelated types for a damaged file
        raise ValueError(_("{path} is not a readable Jupyter notebook ({type}: {exc})").format(
            path=path, type=type(exc).__name__, exc=exc)) from None


def source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _yaml_body(cell) -> dict:
    import yaml

    lines = source(cell).split("\n")
    body = yaml.safe_load("\n".join(lines[1:])) or {}
    if not isinstance(body, dict):
        raise ValueError(_("the configuration under {line!r} must be YAML key: value pairs; got {body!r}").format(
            line=lines[0], body=body))
    return body


def _dump_config(header: str, body: dict) -> str:
    import yaml

    return header + "\n" + yaml.safe_dump(body, sort_keys=False, allow_unicode=True).rstrip("\n")


def _config_cell(nb):
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "raw" and _CONFIG_START.match(source(cell)):
            return i
    return None


def natural(text: str):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", text)]


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
    >>> table = questions(cases_dir() / "case1_retail_service.ipynb")
    >>> table.loc[["q1", "d1"]]
          points  manual
    question
    q1       2.0   False
    d1       4.0    True
    """
    nb = read_notebook(notebook)
    rows = []
    for cell in nb.cells:
        if cell.cell_type == "raw" and _QUESTION_START.match(source(cell)):
            config = _yaml_body(cell)
            points = config.get("points", 1)
            if isinstance(points, list):
                points = sum(points)
            rows.append({"question": str(config.get("name")), "points": float(points),
                         "manual": bool(config.get("manual", False))})
    if not rows:
        raise ValueError(_("{notebook} has no '# BEGIN QUESTION' cells: it is not in otter-grader's assign format").format(
            notebook=notebook))
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
    keyed: bool = False

    def __str__(self) -> str:
        q = self.questions
        auto, manual = q.loc[~q["manual"], "points"].sum(), q.loc[q["manual"], "points"].sum()
        lines = [
            f"{self.case}: {len(q)} questions, {auto:g} points autograded + {manual:g} graded by hand",
            f"  hand out   {self.student}",
            f"  autograder {self.autograder}",
            f"             grade with: crmlab grade SUBMISSIONS --autograder {self.autograder}",
            f"  solutions  {self.solutions}   (keep private)",
        ]
        if self.personal:
            how = "their variant from the course key" if self.keyed else "their variant"
            lines.append(f"  personal copies ({how}) for {len(self.personal)} students in "
                         f"{self.personal[0].parent.parent}")
        return "\n".join(lines)


def _prepare_master(nb, self_checks: bool):
    """Copy of the case notebook with the settings a crmlab hand-out needs and without teaching notes."""
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if INSTRUCTOR_TAG not in c.get("metadata", {}).get("tags", [])]
    nb.metadata.pop("crmlab", None)
    at = _config_cell(nb)
    if at is None:
        raise ValueError(_("the notebook has no raw cell starting with '# ASSIGNMENT CONFIG': "
                           "it is not in otter-grader's assign format"))
    config = _yaml_body(nb.cells[at])
    # Students never need otter: no init/check/export cells unless the instructor asks for self-checks.
    config["init_cell"] = bool(self_checks)
    config.setdefault("export_cell", False)
    config.setdefault("check_all_cell", False)
    config.setdefault("tests", {}).setdefault("ok_format", False)
    nb.cells[at].source = _dump_config("# ASSIGNMENT CONFIG", config)
    for cell in nb.cells:
        if cell.cell_type == "raw" and _QUESTION_START.match(source(cell)):
            qconfig = _yaml_body(cell)
            if not qconfig.get("manual", False):
                qconfig["check_cell"] = bool(self_checks)
            cell.source = _dump_config("# BEGIN QUESTION", qconfig)
    return nb, config


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("._") or "student"


def _personalise(student_nb_path: Path, roster, key, out_dir: Path) -> tuple[Path, ...]:
    """One hand-out per roster student: STUDENT_ID filled in and, with a roster, the variant as a number."""
    import nbformat

    from crmlab.grading.variants import normalise_id

    variants = roster.variants(key)
    nb = nbformat.read(student_nb_path, as_version=4)
    target = next((c for c in nb.cells if c.cell_type == "code" and ID_LINE.search(source(c))), None)
    if target is None:
        raise ValueError(_("roster given, but {notebook} has no 'STUDENT_ID = ...' line to fill in").format(
            notebook=student_nb_path.name))
    written = []
    for sid in roster.ids:
        copy_nb = copy.deepcopy(nb)
        cell = next(c for c in copy_nb.cells if c.cell_type == "code" and ID_LINE.search(source(c)))
        text = ID_LINE.sub(lambda m, s=sid: f"{m.group(1)}{json.dumps(s)}{m.group(3)}", source(cell), count=1)
        variant = variants[normalise_id(sid)]
        # The variant as a number: the student needs no key (and never sees one) to get their own data.
        text, n = VARIANT_LINE.subn(lambda m, v=variant: f"{m.group(1)}{v}  # your data variant, set by your "
                                    "instructor", text, count=1)
        if n == 0 and key is not None:
            raise ValueError(_("a course key needs the line 'VARIANT = variant_for(STUDENT_ID)' in "
                               "{notebook} (the hand-out gets the variant number instead)").format(
                notebook=student_nb_path.name))
        cell.source = text
        path = out_dir / safe_name(sid) / student_nb_path.name
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(copy_nb, path)
        written.append(path)
    return tuple(written)


def _protection(src: Path) -> dict:
    table = src.parent / PROTECTION_FILE
    if not table.is_file():
        return {}
    try:
        return json.loads(table.read_text(encoding="utf-8")).get(src.stem, {})
    except ValueError:
        return {}


_WHEELS: dict = {}


def _crmlab_wheel(folder: Path) -> Path | None:
    """A wheel of this crmlab (built from its source checkout once per process); None when there is no checkout."""
    if "wheel" in _WHEELS:
        return _WHEELS["wheel"]
    root = Path(__file__).resolve().parents[2]
    if not (root / "pyproject.toml").is_file() or not (root / "crmlab").is_dir():
        return None
    try:
        from hatchling.builders.wheel import WheelBuilder
    except ImportError:
        return None
    import atexit

    keep = Path(tempfile.mkdtemp(prefix="crmlab-wheel-"))
    atexit.register(shutil.rmtree, keep, True)
    _WHEELS["wheel"] = Path(next(WheelBuilder(str(root)).build(directory=str(keep), versions=["standard"])))
    return _WHEELS["wheel"]


def _add_crmlab(zip_path: Path, work: Path) -> str:
    """Make the zip's environment install crmlab: the wheel inside the zip, else the same version from PyPI."""
    import yaml

    import crmlab

    wheel = _crmlab_wheel(work)
    with zipfile.ZipFile(zip_path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    if wheel is not None:
        # Gradescope unpacks the zip into /autograder/source; otter's local runner uses requirements.txt there too
        requirement = f"/autograder/source/{wheel.name}"
        members[wheel.name] = wheel.read_bytes()
    else:
        requirement = f"crmlab=={getattr(crmlab, '__version__', '0.1.0')}"
    env = yaml.safe_load(members.get("environment.yml", b"dependencies: []")) or {}
    for dep in env.setdefault("dependencies", []):
        if isinstance(dep, dict) and "pip" in dep:
            dep["pip"] = [p for p in dep["pip"] if not str(p).startswith(("crmlab", "/autograder/source/crmlab"))]
            dep["pip"].append(requirement)
            break
    else:
        env["dependencies"].append({"pip": [requirement]})
    members["environment.yml"] = yaml.safe_dump(env, sort_keys=False).encode()
    # pip reads requirements.txt from the folder the zip is unpacked into (otter run, a local test)
    members["requirements.txt"] = ((f"./{wheel.name}" if wheel is not None else requirement) + "\n").encode()
    partial = zip_path.with_suffix(".part")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    os.replace(partial, zip_path)
    return requirement


def student_version(src, dest, *, run_tests: bool = True, self_checks: bool = False, roster=None, key=None,
                    gradescope: bool = True, timeout: int = 900) -> StudentVersion:
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
        this out), ``autograder/<case>-autograder.zip`` (for grading, also on
        Gradescope) and ``autograder/<case>.ipynb`` (the solutions: keep it private).
    run_tests : bool
        Run the tests against the solutions first (about 10 s per case).
    self_checks : bool
        Keep otter's ``grader.check("q1")`` cells so students can run the
        public tests themselves; their environment then needs otter-grader.
    roster : str or Path or list of str, optional
        A roster CSV (``student_id`` column) or a list of student numbers: also
        write ``student/personal/<id>/<case>.ipynb`` per student, with
        ``STUDENT_ID`` filled in and ``VARIANT`` set to the student's own
        (distinct) variant.
    key : str or Path or bytes, optional
        The course key (a key file, see :func:`crmlab.instructor.new_course_key`;
        default ``$CRMLAB_COURSE_KEY``): variants then come from an HMAC of the
        id under the key. Needs ``roster``.
    gradescope : bool
        Make the zip's environment install crmlab, so it runs on Gradescope and
        with ``otter run``: a wheel of this crmlab goes inside the zip (from a
        source checkout), else ``crmlab==<this version>`` from PyPI.
    timeout : int
        Seconds allowed for otter assign (running the solutions included).

    Returns
    -------
    StudentVersion
        Paths of what was written, and the question table (printable).

    Raises
    ------
    ValueError
        If ``src`` is not in otter's assign format, the solutions fail their
        own tests (the message quotes otter's report), or a key comes without a roster.
    """
    from crmlab.grading.variants import load_key, read_roster

    src, dest = Path(src).resolve(), Path(dest).resolve()
    nb = read_notebook(src)
    key_bytes = load_key(key)
    if key_bytes is not None and roster is None:
        raise ValueError(_("a course key needs a roster: the personal hand-outs carry each student's variant"))
    roster = read_roster(roster) if roster is not None else None
    master, config = _prepare_master(nb, self_checks)
    table = questions(src)
    import nbformat

    with tempfile.TemporaryDirectory(prefix="crmlab-assign-") as tmp:
        work = Path(tmp) / "case"
        work.mkdir()
        for rel in [*config.get("files", []), *config.get("autograder_files", [])]:
            source_path = src.parent / rel
            if not source_path.exists():
                raise FileNotFoundError(_("the case's config lists {rel!r}, but {path} does not exist").format(
                    rel=rel, path=source_path))
            target = work / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            (shutil.copytree if source_path.is_dir() else shutil.copy2)(source_path, target)
        nbformat.write(master, work / src.name)
        result = Path(tmp) / "out"
        cmd = [*python_command(_OTTER_CLI), "assign", "--no-pdfs", str(work / src.name), str(result)]
        if not run_tests:
            cmd.insert(4, "--no-run-tests")
        env = dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED="0", PYTHONIOENCODING="utf-8")
        proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True, timeout=timeout, env=env)
        if proc.returncode != 0:
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-25:])
            raise ValueError(_("otter assign failed on {notebook}:\n{tail}").format(notebook=src.name, tail=tail))
        zips = sorted((result / "autograder").glob("*-autograder_*.zip"))
        if not zips:
            raise RuntimeError(_("otter assign wrote no autograder zip for {notebook}").format(notebook=src.name))
        if dest.exists():
            for sub in ("student", "autograder"):
                shutil.rmtree(dest / sub, ignore_errors=True)
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copytree(result / "student", dest / "student")
        (dest / "autograder").mkdir()
        zip_path = dest / "autograder" / f"{src.stem}-autograder.zip"
        shutil.copy2(zips[-1], zip_path)
        meta = {"case": src.stem, "questions": [{"name": q, "points": float(r["points"]), "manual": bool(r["manual"])}
                                                 for q, r in table.iterrows()],
                "protection": _protection(src)}
        with zipfile.ZipFile(zip_path, "a") as zf:
            zf.writestr(QUESTIONS_FILE, json.dumps(meta, indent=1))
        if gradescope:
            _add_crmlab(zip_path, Path(tmp))
        shutil.copy2(result / "autograder" / src.name, dest / "autograder" / src.name)
    student_nb = dest / "student" / src.name
    if "crmlab" in nb.get("metadata", {}):
        # otter assign drops unknown metadata; the edition (crmlab.edition) tells the grader the language.
        for out_nb in (student_nb, dest / "autograder" / src.name):
            made = nbformat.read(out_nb, as_version=4)
            made.metadata["crmlab"] = nb.metadata["crmlab"]
            nbformat.write(made, out_nb)
    personal = (_personalise(student_nb, roster, key_bytes, dest / "student" / "personal")
                if roster is not None else ())
    return StudentVersion(case=src.stem, student=student_nb, autograder=zip_path,
                          solutions=dest / "autograder" / src.name, questions=table, personal=personal,
                          keyed=key_bytes is not None)


# --------------------------------------------------------------------------- finding, caching and opening

def cases_dir() -> Path:
    """Where the grader looks for a case by name: ``$CRMLAB_CASES``, else the source checkout's ``cases/``, else ./cases.

    Cases are not installed with crmlab (they hold the solutions): grade from
    the repository, from a private copy named by ``$CRMLAB_CASES``, or pass
    an autograder zip.
    """
    named = os.environ.get(CASES_ENV)
    if named:
        return Path(named).expanduser().resolve()
    checkout = Path(__file__).resolve().parents[2] / "cases"
    return checkout if checkout.is_dir() else (Path.cwd() / "cases").resolve()


def cache_dir() -> Path:
    """Where built autograders are cached: ``$CRMLAB_CACHE/autograders``, else ``~/.cache/crmlab/autograders``."""
    root = os.environ.get("CRMLAB_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "crmlab")
    return Path(root).expanduser().resolve() / "autograders"


def assignment_name(nb) -> str | None:
    name = nb.get("metadata", {}).get("otter", {}).get("assignment_name")
    return str(name) if name else None


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _build_cached(master: Path, notes: list) -> Path:
    digest = hashlib.sha256(master.read_bytes()).hexdigest()[:16]
    cached = cache_dir() / f"{master.stem}-{digest}.zip"
    record = cached.with_suffix(".sha256")
    if cached.exists():
        if record.exists() and record.read_text(encoding="utf-8").strip() == sha256(cached):
            return cached
        notes.append(f"the cached autograder {cached} did not match the hash recorded when it was built; "
                     "it was rebuilt from the case")
        cached.unlink()
    cached.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="crmlab-ag-") as tmp:
        built = student_version(master, tmp, run_tests=False, gradescope=False)
        partial = cached.with_suffix(f".{os.getpid()}.part")
        shutil.copy2(built.autograder, partial)
        record_partial = record.with_suffix(f".{os.getpid()}.sha")
        record_partial.write_text(sha256(partial) + "\n", encoding="utf-8")
        os.replace(partial, cached)
        os.replace(record_partial, record)
    return cached


def resolve(autograder, assignment: str | None, notes: list | None = None) -> Path:
    """An autograder zip from what the user gave (zip, student_version folder, case notebook) or, with None,
    the case named in the submission, found in :func:`cases_dir` and built into the cache."""
    notes = notes if notes is not None else []
    if autograder is None:
        if not assignment:
            raise ValueError(_("the submission does not say which case it is (no otter assignment name in its "
                               "metadata); pass autograder= (the zip written by student_version)"))
        master = cases_dir() / f"{assignment}.ipynb"
        if not master.exists():
            raise ValueError(_("the submission is case {case!r}, which is not in {folder} (cases are not "
                               "installed with crmlab: grade from the repository, set {env} to a folder of "
                               "case notebooks, or pass autograder=, the zip written by student_version)").format(
                case=assignment, folder=cases_dir(), env=CASES_ENV))
        autograder = master
    path = Path(autograder).expanduser().resolve()
    if path.is_dir():
        found = sorted(path.glob("autograder/*-autograder.zip")) or sorted(path.glob("*-autograder*.zip"))
        if not found:
            raise FileNotFoundError(_("no autograder zip in {path} (expected autograder/<case>-autograder.zip)").format(
                path=path))
        return found[0]
    if path.suffix == ".zip":
        if not path.is_file():
            raise FileNotFoundError(_("autograder not found: {path}").format(path=path))
        return path
    if path.suffix == ".ipynb":
        if not path.is_file():
            raise FileNotFoundError(_("case notebook not found: {path}").format(path=path))
        return _build_cached(path, notes)
    raise ValueError(_("autograder must be an autograder .zip, a student_version folder or a case .ipynb; "
                       "got {path}").format(path=path))


@dataclass
class Autograder:
    """An autograder zip unpacked into a private folder: tests, data files, questions, variables the tests read."""

    zip_path: Path
    sha256: str
    root: Path
    case: str
    questions: pd.DataFrame  # points, manual, protection (share of variants the class answer passes), index question
    names: dict  # question -> answer variables its tests read

    @property
    def tests(self) -> Path:
        return self.root / "tests"

    @property
    def files(self) -> Path:
        return self.root / "files"

    def all_names(self) -> set[str]:
        return {n for names in self.names.values() for n in names} | {"STUDENT_ID", "VARIANT"}


def load(zip_path: Path, into: Path) -> Autograder:
    """Verify and unpack an autograder zip into ``into`` (a private folder of the grader's)."""
    from crmlab.grading.test import names_in_tests

    zip_path = Path(zip_path)
    digest = sha256(zip_path)
    root = Path(into) / f"autograder-{digest[:12]}"
    with zipfile.ZipFile(zip_path) as zf:
        members = [m for m in zf.namelist() if (m.startswith("tests/") and m.endswith(".py")) or m.startswith("files/")
                   or m in ("otter_config.json", QUESTIONS_FILE)]
        for m in members:
            if m.startswith("/") or ".." in Path(m).parts:
                raise ValueError(_("the autograder {zip} holds a file outside its folder: {member!r}").format(
                    zip=zip_path, member=m))
        zf.extractall(root, members)
    if sha256(zip_path) != digest:  # changed while it was being read
        raise ValueError(_("the autograder {zip} changed while it was read; not used").format(zip=zip_path))
    config = json.loads((root / "otter_config.json").read_text(encoding="utf-8")) if (root / "otter_config.json").exists() else {}
    names = names_in_tests(root / "tests")
    from crmlab.grading.test import otter_test_classes

    ExceptionTestFile, _result_class = otter_test_classes()
    points = {}
    for path in sorted((root / "tests").glob("*.py")):
        test = ExceptionTestFile.from_file(str(path))
        points[test.name] = float(test.possible)
    meta = json.loads((root / QUESTIONS_FILE).read_text(encoding="utf-8")) if (root / QUESTIONS_FILE).exists() else {}
    rows = [{"question": q["name"], "points": float(q["points"]), "manual": bool(q["manual"])}
            for q in meta.get("questions", [])]
    known = {r["question"] for r in rows}
    rows += [{"question": q, "points": p, "manual": False} for q, p in points.items() if q not in known]
    table = pd.DataFrame(rows).set_index("question") if rows else pd.DataFrame(columns=["points", "manual"])
    if len(table):
        auto = ~table["manual"]
        table.loc[auto, "points"] = [points.get(q, table.loc[q, "points"]) for q in table.index[auto]]
        order = sorted(table.index, key=natural) if not meta else list(table.index)
        table = table.loc[order]
    protection = meta.get("protection", {})
    table["protection"] = [protection.get(q) if not table.loc[q, "manual"] else None for q in table.index]
    case = config.get("assignment_name") or meta.get("case") or zip_path.stem.replace("-autograder", "")
    return Autograder(zip_path=zip_path, sha256=digest, root=root, case=case, questions=table, names=names)
