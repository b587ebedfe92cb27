"""Red team: submissions that attack the grader. Each must gain no points, change nothing outside its scratch copy
and be noted in the grade book; a classmate graded in the same run keeps full marks and an unchanged file.

All attacks are graded in one ``grade_folder`` call (two at a time) with short limits, so the whole file stays
bounded: a cell may run 4 s, a notebook 60 s, and the sandbox caps each process's memory. With bubblewrap the
attacks also run without network and see a read-only file system; without it the file runs unsandboxed (and says
so in its notes), which tests/test_instructor.py covers too.
"""

from __future__ import annotations

import hashlib
import json
import os
import textwrap
from pathlib import Path

import pandas as pd
import pytest

import _grading_case as case

pytest.importorskip("otter")
from crmlab.grading.execute import sandbox_available  # noqa: E402

pytestmark = pytest.mark.skipif(not sandbox_available(), reason=(
    "bubblewrap (bwrap) is missing or cannot create namespaces here: the attacks are tested against the sandbox "
    "(.ci/run installs it); unsandboxed grading is covered by tests/test_instructor.py"))

VICTIM = "v-01"
ESCAPE = Path("/tmp/crmlab-redteam-escaped")  # an attack that could write outside its scratch copy leaves this
SLEEP = "987.25"  # a background process's argument, to find it afterwards

# The shipped data's answers (variant 0): what a student copies from class, or computes after cheating the variant.
CLASS_ANSWERS = ("costs0 = datasets.load('crm_costs')\n"
                 "total = costs0['amount'].sum()\n"
                 "first_year = costs0.loc[costs0['year'] == 1, 'amount'].sum()\n")


def _attacks(paths: dict) -> dict[str, dict]:
    """attack name -> how to build its submission (cells inserted after the first code cell, replacements)."""
    zeros = {"total = ...": "total = 0.0", "first_year = ...": "first_year = 0.0"}
    victim, zip_path, cache = paths["victim"], paths["zip"], paths["cache"]
    return {
        "patch_assertions": {"insert": textwrap.dedent("""\
            import crmlab.instructor as ci
            ci.assert_number = ci.assert_labels = ci.assert_answered = lambda *a, **k: None
            """)},
        "patch_variant_for": {"insert": textwrap.dedent("""\
            import crmlab.instructor as ci, crmlab.grading.variants as cv
            ci.variant_for = cv.variant_for = lambda *a, **k: 0
            """) + CLASS_ANSWERS},
        "rebind_student_id": {"insert": CLASS_ANSWERS + 'STUDENT_ID = ""\nVARIANT = 0\n'},
        "friends_id": {"student_id": VICTIM, "friend": True},
        "rewrite_tests": {"insert": textwrap.dedent(f"""\
            import glob, os
            os.makedirs('tests', exist_ok=True)
            for q in ('q1', 'q2'):
                with open(f'tests/{{q}}.py', 'w') as f:
                    f.write('from otter.test_files import test_case\\nname = ' + repr(q) + '\\npoints = 5\\n')
            for p in glob.glob('/tmp/**/tests/*.py', recursive=True):
                open(p, 'w').write('name = "q1"\\npoints = 5\\n')
            open({str(ESCAPE)!r}, 'w').write('tests')
            """)},
        "fake_results_and_kill_worker": {"insert": textwrap.dedent("""\
            import json, os, signal
            fake = {"total": {"t": "num", "v": 1.0}, "first_year": {"t": "num", "v": 1.0}}
            for target in ('../out/answers.json', 'results.json'):
                with open(target, 'w') as f:
                    json.dump(fake, f)
            os.kill(os.getppid(), signal.SIGKILL)
            """)},
        "poison_autograder_cache": {"insert": textwrap.dedent(f"""\
            import glob, os
            for p in [{str(zip_path)!r}, *glob.glob({str(cache)!r} + '/**/*.zip', recursive=True),
                      *glob.glob(os.path.expanduser('~/.cache/crmlab/**/*.zip'), recursive=True)]:
                with open(p, 'wb') as f:
                    f.write(b'poisoned')
            """)},
        "blank_a_classmate": {"insert": textwrap.dedent(f"""\
            import glob, os
            seen = [os.readlink(f'/proc/{{p}}/cwd') for p in os.listdir('/proc') if p.isdigit()
                    and os.path.exists(f'/proc/{{p}}/cwd')]
            victims = [{str(victim)!r}] + [p for d in seen for p in glob.glob(d + '/../**/*.ipynb', recursive=True)]
            for v in victims:
                with open(v, 'w') as f:
                    f.write('{{}}')
            """)},
        "leak_tests_in_assertion": {"insert": textwrap.dedent(f"""\
            import glob, zipfile
            found = ''
            for z in [{str(zip_path)!r}, *glob.glob('/tmp/**/*.zip', recursive=True)]:
                found += zipfile.ZipFile(z).read('tests/q1.py').decode()
            raise AssertionError('LEAK ' + found)
            """)},
        "sys_exit_in_id_cell": {"id_cell": "import sys\nsys.exit(0)"},
        "os_exit_in_id_cell": {"id_cell": "import os\nos._exit(0)"},
        "ignore_sigint_loop": {"insert": textwrap.dedent("""\
            import signal
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            while True:
                pass
            """)},
        "print_200_mb": {"insert": "for _ in range(200):\n    print('x' * 1_000_000)\n"},
        "background_process": {"insert": textwrap.dedent(f"""\
            import subprocess
            subprocess.Popen(['sleep', '{SLEEP}'], start_new_session=True)
            """)},
        "read_other_students": {"insert": textwrap.dedent(f"""\
            import glob, json
            others = [{str(victim)!r}] + glob.glob('/work/**/*.ipynb', recursive=True)
            text = open(others[0]).read()
            """)},
        "network": {"insert": textwrap.dedent("""\
            import socket
            socket.create_connection(('pypi.org', 443), timeout=3).close()
            """)},
    }, zeros


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sleepers() -> list[str]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if SLEEP.encode() in cmd:
            found.append(pid)
    return found


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    from crmlab.grading.variants import read_roster
    from crmlab.instructor import grade_folder

    handout = case.handout(tmp_path_factory)
    key = case.course_key(tmp_path_factory)
    root = tmp_path_factory.mktemp("redteam")
    folder = root / "submissions"
    cache = root / "cache"
    zip_path = root / "tiny_case-autograder.zip"
    zip_path.write_bytes(handout.autograder.read_bytes())
    victim = folder / f"{VICTIM}.ipynb"
    attacks, zeros = _attacks({"victim": victim, "zip": zip_path, "cache": cache})
    ids = {name: f"r-{i:02d}" for i, name in enumerate(attacks, start=1)}
    roster = read_roster([VICTIM, *ids.values()])
    variants = roster.variants(key.read_text().strip().encode())
    case.submission(handout, victim, VICTIM, variant=variants[VICTIM])
    for name, spec in attacks.items():
        sid = ids[name]
        path = folder / f"{sid}.ipynb"
        if spec.get("friend"):  # the friend's number and the friend's variant, so the friend's answers
            case.submission(handout, path, VICTIM, variant=variants[VICTIM])
            continue
        case.submission(handout, path, sid, variant=variants[sid], solved=False, replace=zeros,
                        insert=spec.get("insert"))
        if "id_cell" in spec:  # the attack sits in the cell that sets STUDENT_ID
            import nbformat

            nb = nbformat.read(path, as_version=4)
            cell = next(c for c in nb.cells if c.cell_type == "code" and "STUDENT_ID =" in c.source)
            cell.source = spec["id_cell"] + "\n" + cell.source
            nbformat.write(nb, path)
    before = {p.name: _digest(p) for p in folder.iterdir()}
    zip_before = _digest(zip_path)
    ESCAPE.unlink(missing_ok=True)
    os.environ["CRMLAB_CACHE"] = str(cache)
    try:
        grades = grade_folder(folder, zip_path, roster=[VICTIM, *ids.values()], key=key, jobs=2, timeout=60,
                              cell_timeout=4)
    finally:
        os.environ.pop("CRMLAB_CACHE", None)
    return {"grades": grades.set_index("student_id"), "ids": ids, "folder": folder, "before": before,
            "zip": zip_path, "zip_before": zip_before, "attacks": attacks}


def test_no_attack_gains_a_point(graded):
    grades, ids = graded["grades"], graded["ids"]
    sandboxed = "UNSANDBOXED" not in " ".join(grades["notes"].astype(str))
    for name, sid in ids.items():
        row = grades.loc[sid]
        assert row["q1"] == 0 and row["q2"] == 0 and row["total"] == 0, (name, row["notes"])
        assert row["possible"] == 9  # the hand-graded question counts in the case's total
    victim = grades.loc[VICTIM]
    assert (victim["q1"], victim["q2"], victim["total"]) == (2, 3, 5), victim["notes"]
    if sandboxed:
        assert "UNSANDBOXED" not in victim["notes"]


def test_every_attack_is_noted_in_the_grade_book(graded):
    grades, ids = graded["grades"], graded["ids"]
    expected = {
        "patch_assertions": "changes crmlab",
        "patch_variant_for": "changes crmlab",
        "rebind_student_id": "STUDENT_ID is assigned in more than one place",
        "friends_id": "but it was submitted by r-",
        "rewrite_tests": "calls open()",
        "fake_results_and_kill_worker": "the grading worker was killed",
        "poison_autograder_cache": "calls open()",
        "blank_a_classmate": "calls open()",
        "leak_tests_in_assertion": "raised",
        "sys_exit_in_id_cell": "raised SystemExit",
        "os_exit_in_id_cell": "stopped the kernel",
        "ignore_sigint_loop": "ignored the interrupt",
        "print_200_mb": "printed 200 million characters",
        "background_process": "imports subprocess",
        "read_other_students": "calls open()",
        "network": "imports socket",
    }
    assert set(expected) == set(ids)
    for name, sid in ids.items():
        assert expected[name] in grades.loc[sid, "notes"], (name, grades.loc[sid, "notes"])
    assert "at the end of the run STUDENT_ID was ''" in grades.loc[ids["rebind_student_id"], "notes"]
    assert "worked on data variant 0" in grades.loc[ids["rebind_student_id"], "notes"]
    assert f"identical to {VICTIM}.ipynb" in grades.loc[ids["friends_id"], "notes"]


def test_nothing_outside_the_scratch_copies_changed(graded):
    folder = graded["folder"]
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.suffix == ".ipynb"}
    assert after == graded["before"]  # no submission (the victim's included) was changed
    assert not list(folder.glob("tests")) and not (folder / "results.json").exists()
    assert _digest(graded["zip"]) == graded["zip_before"]  # the autograder is intact
    assert not ESCAPE.exists()
    assert not _sleepers(), "a process a submission started outlived its grading"


def test_student_feedback_holds_only_the_tests_messages(graded):
    folder = graded["folder"]
    feedback = pd.read_csv(folder / "grades_feedback.csv")
    text = feedback.to_csv() + "".join(p.read_text() for p in (folder / "grades_feedback").glob("*.txt"))
    for secret in ("LEAK", "test_q1_value", "costs['amount'].sum()", "assert_number(", "hidden", "Traceback"):
        assert secret not in text, secret
    assert feedback["feedback"].str.len().max() <= 600
    files = sorted(p.stem for p in (folder / "grades_feedback").glob("*.txt"))
    assert files == sorted([VICTIM, *graded["ids"].values()])  # one feedback file per student
