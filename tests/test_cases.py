"""The case studies in cases/: their format, teaching notes and per-student data, their student versions,
autograding of each case's solutions (full marks, on a student's own data variant) and of its blank hand-out
(runs top to bottom, scores 0), how well variants protect each question, and that nothing a student installs
(the wheel, the sdist) holds a case. nbval re-runs the committed notebooks separately (make test)."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CASES = sorted((ROOT / "cases").glob("case*.ipynb"))
IDS = [p.stem for p in CASES]
STUDENT = "2024-0153"


def _source(cell) -> str:
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


def _structure(path: Path) -> dict:
    """Parse a case in otter's assign format: config, questions, solution and test cells, other cells."""
    nb = nbformat.read(path, as_version=4)
    out = {"nb": nb, "config": None, "questions": [], "solutions": [], "tests": [], "plain": []}
    block, question = [], None
    for cell in nb.cells:
        text = _source(cell)
        head = text.split("\n", 1)[0].strip().upper() if cell.cell_type == "raw" else ""
        if head == "# ASSIGNMENT CONFIG":
            out["config"] = yaml.safe_load(text.split("\n", 1)[1])
        elif head.startswith("# BEGIN "):
            block.append(head.split()[2])
            if head == "# BEGIN QUESTION":
                question = {**yaml.safe_load(text.split("\n", 1)[1]), "public": 0, "hidden": 0, "solution": []}
                out["questions"].append(question)
        elif head.startswith("# END "):
            block.pop()
        elif block and block[-1] == "SOLUTION":
            out["solutions"].append(cell)
            question["solution"].append(cell)
        elif block and block[-1] == "TESTS":
            out["tests"].append(cell)
            question["hidden" if "hidden: true" in text else "public"] += 1
        else:
            out["plain"].append(cell)
    return out


@pytest.fixture(scope="module", params=CASES, ids=IDS)
def case(request):
    return request.param, _structure(request.param)


def test_there_are_the_five_cases():
    assert [p.stem.split("_")[0] for p in CASES] == ["case1", "case2", "case3", "case4", "case5"]


def test_case_is_in_otter_assign_format(case):
    path, s = case
    assert s["config"]["name"] == path.stem  # the grader finds a shipped case by this name
    assert s["config"]["tests"]["ok_format"] is False
    auto = [q for q in s["questions"] if not q.get("manual")]
    manual = [q for q in s["questions"] if q.get("manual")]
    assert len(auto) >= 4 and len(manual) >= 3
    for q in auto:
        assert q["public"] >= 1 and q["hidden"] >= 1, q["name"]
        assert q.get("all_or_nothing") is True, q["name"]  # a wrong answer loses the whole question
    for q in manual:
        assert any(c.cell_type == "markdown" and len(_source(c)) > 200 for c in q["solution"]), q["name"]


def test_case_has_a_teaching_note_for_instructors_only(case):
    _, s = case
    notes = [c for c in s["nb"].cells if "instructor-only" in c.metadata.get("tags", [])]
    assert len(notes) == 1
    text = _source(notes[0])
    for part in ("Learning goals", "Timing", "Discussion plan", "Per-student data"):
        assert f"**{part}" in text, part


def test_case_data_follow_the_students_variant(case):
    _, s = case
    code = "\n".join(_source(c) for c in s["plain"] + s["solutions"] if c.cell_type == "code")
    assert 'STUDENT_ID = ""' in code and "VARIANT = variant_for(STUDENT_ID)" in code
    loads = re.findall(r"datasets\.load\(([^)]*)\)", code)
    assert all("variant=VARIANT" in args for args in loads if "service_attributes" not in args), loads
    assert loads or "CASE_VARIANT" in code
    for cell in s["tests"]:
        text = _source(cell)
        if "hidden: true" in text:
            # expected answers are recomputed from the student's own data, never typed-in constants, for the
            # variant the grader decides (env["VARIANT"], from the roster and the course key), never the student
            assert 'env["VARIANT"]' in text, text[:200]
            assert "STUDENT_ID" not in text and "variant_for" not in text, text[:200]


def test_case_is_committed_with_outputs(case):
    path, s = case
    code = [c for c in s["nb"].cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), path.name
    assert not any(o.get("output_type") == "error" for c in code for o in c.outputs)
    assert s["nb"].metadata["kernelspec"]["name"] == "python3"


def test_readme_lists_every_case():
    readme = (ROOT / "cases" / "README.md").read_text(encoding="utf-8")
    for path in CASES:
        assert f"({path.name})" in readme, path.name


def test_case4_data_regenerate_byte_for_byte(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "cases" / "data" / "generate_songhe.py"), str(tmp_path)], check=True)
    for name in ("songhe_review.csv", "songhe_hotel_kpis.csv"):
        assert (tmp_path / name).read_bytes() == (ROOT / "cases" / "data" / name).read_bytes(), name


def _solution_lines(s: dict) -> list[str]:
    """Lines of solution code and text that the student version must not contain."""
    elsewhere = "\n".join(_source(c) for c in s["plain"])
    lines = []
    for cell in s["solutions"]:
        if cell.cell_type == "markdown":
            lines += [ln.strip() for ln in _source(cell).splitlines() if len(ln.strip()) > 30]
            continue
        inside = False
        for line in _source(cell).splitlines():
            stripped = line.strip()
            if stripped.startswith("# BEGIN SOLUTION"):
                inside = True
            elif stripped.startswith("# END SOLUTION"):
                inside = False
            elif inside or stripped.endswith("# SOLUTION"):
                code = stripped.removesuffix("# SOLUTION").strip()
                # a solution the case itself shows later ("so that everyone can continue") is not a leak
                if code and code not in elsewhere:
                    lines.append(code)
    return lines


def test_student_version_and_grading(case, tmp_path, monkeypatch):
    """otter assign strips the case; the solutions on a student's own data score full marks; blank scores 0."""
    pytest.importorskip("otter")
    from crmlab.instructor import grade_folder, questions, student_version, variant_for

    path, s = case
    handout = student_version(path, tmp_path / "dist", run_tests=False)
    student_text = handout.student.read_text(encoding="utf-8")
    for line in _solution_lines(s):
        assert line not in student_text, f"solution leaked into the student version: {line!r}"
    for cell in s["tests"]:
        name = re.search(r"def (\w+)\(", _source(cell)).group(1)
        assert (name in student_text) == ("hidden: true" not in _source(cell)), name  # hidden tests removed
    note = next(c for c in s["nb"].cells if "instructor-only" in c.metadata.get("tags", []))
    assert _source(note).splitlines()[2][:60] not in student_text
    for rel in s["config"].get("files", []):
        assert (handout.student.parent / rel).exists(), rel  # data beside the case travel with it

    folder = tmp_path / "submissions"
    folder.mkdir()
    solved = nbformat.read(handout.solutions, as_version=4)
    for cell in solved.cells:
        if cell.cell_type == "code" and 'STUDENT_ID = ""' in cell.source:
            cell.source = cell.source.replace('STUDENT_ID = ""', f"STUDENT_ID = {json.dumps(STUDENT)}")
    nbformat.write(solved, folder / "solved.ipynb")
    nbformat.write(nbformat.read(handout.student, as_version=4), folder / "blank.ipynb")
    monkeypatch.setenv("CRMLAB_CACHE", str(tmp_path / "cache"))
    # case 1 is found by the name in the notebook (from the repository's cases/, its autograder built and
    # cached); the others are graded with the zip student_version wrote
    by_name = path.stem.startswith("case1")
    grades = grade_folder(folder, None if by_name else handout.autograder, jobs=2).set_index("submission")
    assert len(list((tmp_path / "cache" / "autograders").glob(f"{path.stem}-*.zip"))) == int(by_name)

    table = questions(path)
    auto = table.loc[~table["manual"], "points"].sum()
    solved_row, blank_row = grades.loc["solved.ipynb"], grades.loc["blank.ipynb"]
    assert solved_row["variant"] == variant_for(STUDENT) != 0
    assert (solved_row["total"], solved_row["possible"]) == (auto, table["points"].sum()), solved_row["notes"]
    assert (blank_row["total"], blank_row["possible"]) == (0, table["points"].sum())
    for q in table.index[table["manual"]]:
        assert pd.isna(solved_row[q])  # hand-graded questions are columns to fill in
    # the blank hand-out runs top to bottom: no cell raised, nothing was stopped or skipped
    assert "raised" not in blank_row["notes"] and "skipped" not in blank_row["notes"], blank_row["notes"]
    # the grade book's question table declares the questions variants do not protect
    declared = pd.read_csv(folder / "grades_questions.csv", index_col=0)["variants"]
    for q, share in json.loads((ROOT / "cases" / "variant_protection.json").read_text())[path.stem].items():
        assert declared[q] == ("not protected by variants" if share >= 0.05 else "protected by variants"), q


# --------------------------------------------------------------------------- variants protect the questions?

PROTECTION = json.loads((ROOT / "cases" / "variant_protection.json").read_text(encoding="utf-8"))


def test_every_question_has_its_variant_protection_measured_and_declared(case):
    """cases/variant_protection.json (python -m crmlab.grading.protection) has each autograded question's share of
    variants for which the class answer (variant 0) passes; the teaching note names those at 5 % or more."""
    path, s = case
    shares = PROTECTION[path.stem]
    auto = [q["name"] for q in s["questions"] if not q.get("manual")]
    assert sorted(shares) == sorted(auto)
    assert all(0 <= v <= 1 for v in shares.values())
    note = next(_source(c) for c in s["nb"].cells if "instructor-only" in c.metadata.get("tags", []))
    weak = [q for q, v in shares.items() if v >= 0.05]
    if weak:
        assert "**Not protected by variants:** " + ", ".join(weak) in note
    else:
        assert "Every autograded question is protected by variants" in note


# --------------------------------------------------------------------------- what students install

def _secrets() -> list[str]:
    """Text that only the instructor's cases hold: hidden test names and teaching-note sentences."""
    out = []
    for path in CASES:
        s = _structure(path)
        for cell in s["tests"]:
            if "hidden: true" in _source(cell):
                out.append(re.search(r"def (\w+)\(", _source(cell)).group(1) + "(")
        note = next(_source(c) for c in s["nb"].cells if "instructor-only" in c.metadata.get("tags", []))
        out += [ln.strip() for ln in note.splitlines() if len(ln.strip()) > 60][:3]
        out += _solution_lines(s)[:5]
    return out


# a solution line, a raw "# BEGIN SOLUTION/TESTS" cell line, a hidden test's config (prose that names them is fine)
_MARKERS = re.compile(r"^[^`\n]*\S[^`\n]*#\s*SOLUTION\s*$|^\s*#\s*BEGIN\s+(SOLUTION|TESTS)\s*$"
                      r"|^\s*\"\"\"\s*#\s*BEGIN TEST CONFIG", re.M)


def _look_inside(name: str, data: bytes, secrets: list[str], found: list[str]) -> None:
    if name.endswith((".zip", ".whl")):
        with zipfile.ZipFile(io.BytesIO(data)) as inner:
            for member in inner.namelist():
                _look_inside(f"{name}!{member}", inner.read(member), secrets, found)
        return
    if name.endswith(".ipynb"):
        found.append(f"{name}: a notebook")
    text = data.decode("utf-8", errors="ignore")
    if _MARKERS.search(text):
        found.append(f"{name}: {_MARKERS.search(text).group(0)!r}")
    found += [f"{name}: {secret[:50]!r}" for secret in secrets if secret in text]


def test_wheel_and_sdist_hold_no_case_solution_hidden_test_or_teaching_note(tmp_path):
    pytest.importorskip("hatchling")
    from hatchling.builders.sdist import SdistBuilder
    from hatchling.builders.wheel import WheelBuilder

    wheel = Path(next(WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])))
    sdist = Path(next(SdistBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])))
    secrets, found = _secrets(), []
    assert len(secrets) > 40
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        for member in names:
            _look_inside(member, zf.read(member), secrets, found)
    assert any(n.startswith("crmlab/_datasets/") for n in names) and "crmlab/grading/grader.py" in names
    assert not any("_cases" in n or n.startswith("cases/") for n in names)
    with tarfile.open(sdist) as tf:
        members = [m for m in tf.getmembers() if m.isfile()]
        for m in members:
            _look_inside(m.name, tf.extractfile(m).read(), secrets, found)
    assert not any("/cases/" in m.name for m in members)
    assert found == []


def test_binder_image_drops_the_instructor_cases(tmp_path):
    """repo2docker copies the repository into the image students open: postBuild removes the case notebooks."""
    import shutil

    shutil.copytree(ROOT / "cases", tmp_path / "cases")
    lines = [ln for ln in (ROOT / "postBuild").read_text().splitlines() if ln.startswith("rm ")]
    assert lines
    subprocess.run(["bash", "-c", "\n".join(lines)], cwd=tmp_path, check=True)
    assert not list((tmp_path / "cases").glob("*.ipynb")) and (tmp_path / "cases" / "data").is_dir()
