"""A class on a real JupyterHub, on 127.0.0.1 only: log in, pull the workbook, run a chapter, answer, plan.

JupyterHub (from PyPI, the ``hub`` extra) runs with configurable-http-proxy (from the npm
registry, ``make proxy``), the dummy authenticator and the simple local-process spawner, so each
student's server and kernels run from this venv, installed from pyproject.toml's dependency list
(conda channels cannot be reached here, so environment.yml is not solved in CI). N students
(``CRMLAB_HUB_STUDENTS``, 10 by default) work at the same time, each over HTTP and the kernel
websocket only, as a browser would:

1. log in on the hub's form, start a server, follow the course's nbgitpuller link and let it pull
   the workbook from a git repository made from this checkout's committed HEAD;
2. run a chapter top to bottom; every cell's outputs must equal those of the same notebook executed
   here by nbclient. ``CRMLAB_HUB_CHAPTER`` picks it: 02_performance_pyramid by default, one of the two
   lightest chapters (2-3 CPU s; 05_tco_planning costs 5 and 07 6, benchmarks/bench_hub.py), so ten
   students fit the test's budget on two cores; any chapter works (05 passes too);
3. answer one of the chapter's exercises with ``crmlab.exercises.check``, right and wrong;
4. move the TCO planner's users slider by sending the comm message the slider sends, and get a new
   figure and the verdict this process computes for that value.

Then the instructor commits an update and a student who edited a cell pulls again: the edit stays.
Every wait has a deadline; the hub, its proxy, servers and kernels are stopped when the module ends.
Latency is measured by benchmarks/bench_hub.py, not asserted here.
"""

from __future__ import annotations

import html
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor, wait

import pytest

import localhub as lh

REASON = lh.why_no_proxy()
pytestmark = pytest.mark.skipif(REASON is not None, reason=f"hub test skipped: {REASON}")

N_STUDENTS = int(os.environ.get("CRMLAB_HUB_STUDENTS", "10"))
CHAPTER = os.environ.get("CRMLAB_HUB_CHAPTER", "02_performance_pyramid")
NOTEBOOK = f"notebooks/{CHAPTER}.ipynb"
CELL_TIMEOUT = 120
CLASS_TIMEOUT = 420  # the whole class, every student's steps; a healthy run on 2 cores takes 1-2 minutes
NAMES = [f"student{i:02d}" for i in range(N_STUDENTS)]


def _moved_users(i: int) -> int:
    return 1000 + 100 * i  # a different value for each student: no student may see another's plan


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return lh.make_course_repo(tmp_path_factory.mktemp("course") / "crmlab")


@pytest.fixture(scope="module")
def reference(course):
    """The chapter executed in this process's environment by nbclient, as `make notebooks` would."""
    import nbformat
    from nbclient import NotebookClient

    path = course / NOTEBOOK
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return [lh.comparable(c.outputs, [course]) for c in nb.cells if c.cell_type == "code"]


@pytest.fixture(scope="module")
def exercise():
    from crmlab import exercises

    ids = exercises.ids(f"ch{CHAPTER[:2]}")
    assert ids, f"chapter {CHAPTER} has no exercise"
    right, wrong = exercises.get(ids[0]).sample_answers()
    return ids[0], right, wrong


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    with lh.LocalHub(tmp_path_factory.mktemp("hub"), timeout=150) as running:
        yield running


def _one_student(hub, i, repo_url, exercise):
    name = NAMES[i]
    student, seconds = lh.arrive(hub, name, repo_url, f"lab/tree/crmlab/{NOTEBOOK}", timeout=150)
    path = f"crmlab/{NOTEBOOK}"
    nb = student.read_notebook(path)
    kernel = student.open_kernel(path)
    try:
        t = time.monotonic()
        outputs = kernel.run_notebook(nb, timeout=CELL_TIMEOUT)
        seconds["chapter"] = time.monotonic() - t
        ex_id, right, wrong = exercise
        code = ("from crmlab import exercises\n"
                f"for answer in ({right!r}, {wrong!r}):\n"
                f"    fb = exercises.check({ex_id!r}, answer)\n"
                "    print(fb.correct, fb.message.splitlines()[0])\n")
        answered, _ = kernel.execute(code)
        ids = lh.open_planner(kernel)
        before = kernel.comms[ids["image"]].get("value", "")
        elapsed, svg, updates = kernel.move(ids["users"], _moved_users(i), ids["image"])
        seen_verdicts = [u["state"]["value"] for u in updates
                         if u["comm_id"] == ids["verdict"] and "value" in u.get("state", {})]
        processes = hub.user_processes(name)  # while the chapter's kernel is still open
    finally:
        kernel.close()
    return {"name": name, "student": student, "seconds": seconds, "outputs": outputs, "answered": answered,
            "figure_before": before, "figure_after": svg, "verdicts": seen_verdicts, "planner_seconds": elapsed,
            "processes": processes}


@pytest.fixture(scope="module")
def klass(hub, course, exercise):
    """All students at once; each one's result, or the error that stopped them."""
    repo_url = f"file://{course}"
    start = time.monotonic()
    pool = ThreadPoolExecutor(max_workers=N_STUDENTS)
    futures = [pool.submit(_one_student, hub, i, repo_url, exercise) for i in range(N_STUDENTS)]
    wait(futures, timeout=CLASS_TIMEOUT)
    results = []
    for f in futures:
        if not f.done():
            results.append({"error": f"did not finish within the class's {CLASS_TIMEOUT} s"})
        elif f.exception() is not None:  # reported per student by the tests below
            results.append({"error": f"{type(f.exception()).__name__}: {f.exception()}"})
        else:
            results.append(f.result())
    # Threads still waiting end when the hub fixture stops the hub and their sockets close.
    pool.shutdown(wait=False, cancel_futures=True)
    wall = time.monotonic() - start
    ok = [r for r in results if "error" not in r]
    if ok:
        spawn = sorted(r["seconds"]["spawn"] for r in ok)
        chapter = sorted(r["seconds"]["chapter"] for r in ok)
        planner = sorted(r["planner_seconds"] for r in ok)
        print(f"\nhub test: {len(ok)}/{N_STUDENTS} students, {CHAPTER}, {wall:.0f} s in all; "
              f"spawn {spawn[0]:.1f}–{spawn[-1]:.1f} s, chapter {chapter[0]:.1f}–{chapter[-1]:.1f} s, "
              f"planner move → figure {planner[0]:.2f}–{planner[-1]:.2f} s")
    return results


def test_every_student_logged_in_pulled_and_ran_the_chapter(klass, reference):
    errors = [r["error"] for r in klass if "error" in r]
    assert not errors, f"{len(errors)} of {N_STUDENTS} students failed; first: {errors[0]}"
    for r in klass:
        got = [lh.comparable(o, [r["student"].hub.workdir / "home" / r["name"] / "crmlab"]) for o in r["outputs"]]
        assert len(got) == len(reference), f"{r['name']} ran {len(got)} code cells, expected {len(reference)}"
        for n, (mine, expected) in enumerate(zip(got, reference)):
            assert mine == expected, f"{r['name']}: code cell {n} of {CHAPTER} differs from the local run"
        assert any(mime == "image/png" for cell in got for o in cell if o[0] == "display_data" for mime, _ in o[1]), \
            f"{r['name']}: the chapter showed no figure"


def test_every_student_got_feedback_on_an_exercise(klass, exercise):
    for r in klass:
        assert "error" not in r, r.get("error")
        text = "".join(o["text"] for o in r["answered"] if o["output_type"] == "stream" and o["name"] == "stdout")
        right, wrong = text.splitlines()
        assert right.startswith("True "), f"{r['name']}: the right answer {exercise[1]!r} was not accepted: {right}"
        assert wrong.startswith("False ✘"), f"{r['name']}: the wrong answer {exercise[2]!r} got: {wrong}"


def test_every_student_moved_the_planner_and_got_their_own_new_figure(klass):
    from crmlab.widgets.planner import CONTROLS, planner_view

    for i, r in enumerate(klass):
        assert "error" not in r, r.get("error")
        assert lh.SVG in r["figure_after"] and lh.SVG in r["figure_before"], r["name"]
        assert r["figure_after"] != r["figure_before"], f"{r['name']}: the figure did not change"
        values = {name: spec[5] for name, spec in CONTROLS.items()}
        expected = planner_view(**{**values, "users": _moved_users(i)}).message
        assert any(html.escape(expected) in v for v in r["verdicts"]), \
            f"{r['name']}: verdict after moving users to {_moved_users(i)} is not {expected!r}: {r['verdicts']}"


def test_every_student_had_a_server_and_a_kernel_of_their_own(hub, klass):
    users = hub.api("GET", "/users").json()
    running = {u["name"] for u in users if u.get("servers", {}).get("", {}).get("ready")}
    assert running == set(NAMES), f"the hub lists running servers for {sorted(running)}"
    servers = {r["processes"][0].pid for r in klass if "error" not in r}
    kernels = {k.pid for r in klass if "error" not in r for k in r["processes"][1]}
    assert len(servers) == N_STUDENTS and len(kernels) == N_STUDENTS


def test_an_update_of_the_workbook_keeps_a_students_edit(hub, klass, course):
    """nbgitpuller merges the instructor's new commit and keeps what the student changed (git merge -Xours)."""
    student = klass[0]["student"]
    path = f"crmlab/{NOTEBOOK}"
    nb = student.read_notebook(path)
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    mine = code[len(code) // 2]
    note = "# my own note: ask about this in class"
    mine["source"] = mine["source"] + "\n" + note
    student.save_notebook(path, nb)

    other = "notebooks/00_start_here.ipynb" if NOTEBOOK != "notebooks/00_start_here.ipynb" \
        else "notebooks/01_performance_evaluation.ipynb"
    announcement = "Update for week 2: the case files are now in cases/."

    def edit(repo):
        (repo / "notebooks" / "ANNOUNCEMENT.txt").write_text(announcement + "\n", encoding="utf-8")
        target = repo / other
        doc = json.loads(target.read_text(encoding="utf-8"))
        doc["cells"][0]["source"] = "".join(doc["cells"][0]["source"]) + "\n\n" + announcement
        target.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    lh.commit_update(course, "Week 2 update", edit)
    student.git_pull(f"file://{course}")

    kept = student.read_notebook(path)
    sources = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in kept["cells"]]
    assert any(note in s for s in sources), "the student's edited cell was overwritten by the update"
    assert announcement in "".join(student.read_notebook(f"crmlab/{other}")["cells"][0]["source"])
    assert student.api("GET", "contents/crmlab/notebooks/ANNOUNCEMENT.txt").json()["type"] == "file"

    fresh = klass[1]["student"] if len(klass) > 1 else student
    fresh.git_pull(f"file://{course}")
    assert announcement in "".join(fresh.read_notebook(f"crmlab/{other}")["cells"][0]["source"])


def test_the_hub_stops_every_process_it_started(hub, klass):
    import psutil

    started = [p for p in hub.snapshot()]
    assert len(started) >= 2 + N_STUDENTS  # the hub, its proxy and a server per student (and kernels)
    hub.stop()
    alive = [p.pid for p in started if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not alive, f"still running after the hub stopped: {alive}"
