"""Speed of grading: one notebook, and a class of 300 at ``--jobs 2``, beside ``otter run`` on the same notebook.

The notebook is case 2's solutions (the telecom TCO case: data, NPV/IRR, a Monte Carlo) for a student with
their own variant. crmlab's grader runs it in a bubblewrap sandbox (when present), extracts the answers as JSON
and tests them in a fresh process; ``otter run`` (no Docker) executes and tests in one process, unsandboxed.
Both get the same autograder zip. A class is timed on a sample of submissions (``--sample``, default 20) graded
with ``grade_folder(jobs=2)`` and scaled to 300; ``--full`` grades 300 copies instead (minutes).

Each single-notebook figure is the best of ``--repeat`` runs (noise on a shared machine only adds time); the
load average is printed beside the numbers because the machine is shared. Run:
``python benchmarks/bench_grade.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _timing
import nbformat

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "cases" / "case2_telecom_tco.ipynb"
OTTER = "import sys; sys.modules.setdefault('rfc3987_syntax', None); from otter.cli import cli; cli(prog_name='otter')"


def _submission(solutions: Path, path: Path, student_id: str) -> Path:
    nb = nbformat.read(solutions, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and 'STUDENT_ID = ""' in cell.source:
            cell.source = cell.source.replace('STUDENT_ID = ""', f"STUDENT_ID = {json.dumps(student_id)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def _otter_run(zip_path: Path, submission: Path, out: Path) -> float:
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED="0")
    proc = subprocess.run([sys.executable, "-c", OTTER, "run", "-a", str(zip_path), "-o", str(out), str(submission)],
                          capture_output=True, text=True, env=env, cwd=submission.parent)
    if proc.returncode != 0:
        raise RuntimeError(proc.stdout[-500:] + proc.stderr[-500:])
    tests = json.loads((out / "results.json").read_text())["tests"]
    return sum(t.get("score", 0) for t in tests)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sample", type=int, default=20, help="submissions graded to extrapolate a class of 300")
    parser.add_argument("--full", action="store_true", help="grade 300 submissions instead of extrapolating")
    parser.add_argument("--class-size", type=int, default=300)
    args = parser.parse_args(argv)

    from crmlab.grading.execute import sandbox_available
    from crmlab.instructor import grade, grade_folder, student_version

    with tempfile.TemporaryDirectory(prefix="crmlab-bench-grade-") as tmp:
        tmp = Path(tmp)
        made = student_version(CASE, tmp / "dist", run_tests=False, gradescope=False)
        one = _submission(made.solutions, tmp / "one" / "2024-0153.ipynb", "2024-0153")
        print(f"case: {CASE.name}; sandbox: {'bubblewrap' if sandbox_available() else 'NONE (unsandboxed)'}; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

        t_grade, report = _timing.best_of(lambda: grade(one, made.autograder), args.repeat)
        assert report.total == report.questions.loc[~report.questions["manual"], "possible"].sum(), str(report)
        t_otter, score = _timing.best_of(lambda: _otter_run(made.autograder, one, tmp / "otter-out"), args.repeat)
        print(f"one notebook: crmlab grade {t_grade:.1f} s, otter run {t_otter:.1f} s "
              f"(ratio {t_grade / t_otter:.2f}); both give {report.total:g} points (otter {score:g})")

        n = args.class_size if args.full else min(args.sample, args.class_size)
        folder = tmp / "class"
        for i in range(n):
            _submission(made.solutions, folder / f"2024-{i:04d}.ipynb", f"2024-{i:04d}")
        start = time.perf_counter()
        grades = grade_folder(folder, made.autograder, jobs=2)
        elapsed = time.perf_counter() - start
        full = int(grades["total"].eq(report.total).sum())
        per = elapsed / n
        label = "measured" if n == args.class_size else f"extrapolated from {n} graded in {elapsed:.0f} s"
        print(f"class of {args.class_size} at --jobs 2: {per * args.class_size / 60:.1f} min ({label}); "
              f"{per:.1f} s per notebook; {full}/{n} full marks")
        print(f"load average now {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
