"""The ``crmlab`` command: open, run, publish and grade the workbook.

Examples
--------
::

    crmlab lab                       # open the workbook in JupyterLab
    crmlab datasets                  # list the datasets
    crmlab datasets transactions     # its data dictionary
    crmlab datasets --export DIR     # copy every CSV (and the dictionary) to DIR
    crmlab run                       # publish the notebooks (stored outputs) as a Jupyter Book in build/
    crmlab run --cases instructor    # ... with the cases' solutions (keep it private)
    crmlab app 05                    # chapter 05 as a stand-alone Voila app
    crmlab student-version SRC DEST  # strip solutions (otter assign); --roster CSV --key FILE: personal hand-outs
    crmlab grade SUBMISSION          # grade a notebook, or a folder of them into a CSV (--roster, --key, --lms)
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from crmlab.i18n import gettext as _

__all__ = ["main", "workbook_root"]


def workbook_root() -> Path:
    """The folder holding notebooks/ and cases/: the source checkout when there is one, else the current folder."""
    checkout = Path(__file__).resolve().parent.parent
    return checkout if (checkout / "notebooks").is_dir() else Path.cwd()


def _need(module: str, extra: str):
    """Import an optional part of crmlab, explaining which extra installs it when it is missing."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise SystemExit("crmlab: " + _("this command needs the '{extra}' extra ({module} is missing). "
                                        "Install it with: pip install 'crmlab[{extra}]'").format(
            extra=extra, module=exc.name)) from None


def _cmd_lab(args) -> int:
    root = workbook_root()
    start = "notebooks/00_start_here.ipynb" if (root / "notebooks" / "00_start_here.ipynb").exists() else ""
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--ip={args.ip}", f"--port={args.port}",
           f"--ServerApp.root_dir={root}"]
    if start:
        cmd.append(f"--LabApp.default_url=/lab/tree/{start}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    print(_("Opening the workbook in {root} — open the URL printed below in your browser.").format(root=root),
          flush=True)
    return subprocess.call(cmd)


def _cmd_datasets(args) -> int:
    from crmlab import datasets

    if args.export:
        target = Path(args.export)
        target.mkdir(parents=True, exist_ok=True)
        for name in datasets.names():
            shutil.copy(datasets.path(name), target / f"{name}.csv")
        shutil.copy(datasets.path(datasets.names()[0]).parent / "dictionary.yaml", target / "dictionary.yaml")
        print(_("copied {n} datasets and dictionary.yaml to {target}").format(n=len(datasets.names()), target=target))
        return 0
    if args.name:
        try:
            spec = datasets.describe(args.name)
        except KeyError as exc:
            print(f"crmlab: {exc.args[0]}", file=sys.stderr)
            return 2
        print(datasets.about(args.name), end="\n\n")
        with _wide_pandas():
            print(spec.to_string())
        return 0
    width = max(map(len, datasets.names()))
    for name in datasets.names():
        print(f"{name:<{width}}  {datasets.describe(name).attrs['title']}")
    return 0


def _wide_pandas():
    import pandas as pd

    return pd.option_context("display.width", 200, "display.max_colwidth", 90)


def _cmd_run(args) -> int:
    from crmlab import book

    start = time.perf_counter()
    try:
        index = book.build(out=args.out, cases=args.cases, repository=args.repository, jupyterhub=args.jupyterhub)
    except RuntimeError as exc:  # Jupyter Book missing, or its build failed or warned: say what, no traceback
        print(f"crmlab: {exc}", file=sys.stderr)
        return 1
    size = sum(f.stat().st_size for f in index.parent.rglob("*") if f.is_file())
    print(_("Workbook published to {index} in {seconds} s ({size} MB); open it in a browser, no server "
            "needed").format(index=index, seconds=f"{time.perf_counter() - start:.0f}", size=f"{size / 1e6:.1f}"))
    return 0


def _cmd_app(args) -> int:
    app = _need("crmlab.app", "browser")
    return app.serve(args.chapter, port=args.port)


def _cmd_student_version(args) -> int:
    instructor = _need("crmlab.instructor", "instructor")
    result = instructor.student_version(Path(args.src).resolve(), Path(args.dest).resolve(), roster=args.roster,
                                        key=args.key, run_tests=not args.no_run_tests)
    print(result)
    return 0


def _cmd_grade(args) -> int:
    instructor = _need("crmlab.instructor", "instructor")
    target = Path(args.submission).resolve()
    options = {"roster": args.roster, "key": args.key, "timeout": args.timeout, "cell_timeout": args.cell_timeout}
    if target.is_dir():
        out = Path(args.out).resolve() if args.out else target / "grades.csv"
        grades = instructor.grade_folder(target, args.autograder, out=out, jobs=args.jobs, lms=args.lms or (),
                                         **options)
        with _wide_pandas():
            print(grades.to_string())
        print()
        print(_("grade book: {path}").format(path=out))
        print(_("feedback for students: {path}").format(path=f"{out.with_name(out.stem + '_feedback')}{os.sep}"))
        for fmt in args.lms or ():
            print(_("{lms} import file: {path}").format(lms=fmt, path=out.with_name(f"{out.stem}_{fmt}.csv")))
    else:
        if args.lms:
            raise ValueError(_("--lms needs a folder of submissions (it exports a grade book)"))
        report = instructor.grade(target, args.autograder, **options)
        print(report)
    return 0


def _cmd_execute(args) -> int:
    from crmlab.execute import main as execute_main

    return execute_main([*map(str, args.notebooks), "--timeout", str(args.timeout)])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crmlab", description=_("The crmlab workbook: evaluating CRM performance "
                                                                   "and its costs and benefits."))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("lab", help=_("open the workbook in JupyterLab"))
    p.add_argument("--port", type=int, default=8888)
    p.add_argument("--ip", default="127.0.0.1")
    p.set_defaults(func=_cmd_lab)

    p = sub.add_parser("datasets", help=_("list the datasets, show one's data dictionary, or export them"))
    p.add_argument("name", nargs="?", help=_("a dataset name: print its data dictionary"))
    p.add_argument("--export", metavar="DIR", help=_("copy every CSV and the dictionary to DIR"))
    p.set_defaults(func=_cmd_datasets)

    p = sub.add_parser("run", help=_("publish the notebooks and cases, from their stored outputs, as a Jupyter Book"))
    p.add_argument("--out", default="build", help=_("output folder (default: build)"))
    p.add_argument("--cases", choices=("student", "instructor"), default="student",
                   help=_("publish the cases as student hand-outs (default) or with their solutions"))
    p.add_argument("--repository", default=None, metavar="URL",
                   help=_("the workbook's public git repository, for the Binder and JupyterHub launch buttons "
                        "(default: crmlab/book/_config.yml; '' for none)"))
    p.add_argument("--jupyterhub", default=None, metavar="URL",
                   help=_("a JupyterHub to open pages on through nbgitpuller (default: crmlab/book/_config.yml)"))
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("app", help=_("serve one chapter as a stand-alone Voila app, e.g. 'crmlab app 05'"))
    p.add_argument("chapter", help=_("chapter number (00-08) or notebook path"))
    p.add_argument("--port", type=int, default=8866)
    p.set_defaults(func=_cmd_app)

    p = sub.add_parser("student-version", help=_("strip solutions and hidden tests from a case (otter assign)"))
    p.add_argument("src", help=_("the instructor's case notebook"))
    p.add_argument("dest", help=_("output folder for the student version and the autograder"))
    p.add_argument("--roster", default=None, metavar="CSV",
                   help=_("class roster (a student_id column): also write one hand-out per student, with their variant"))
    p.add_argument("--key", default=None, metavar="FILE",
                   help=_("course key file (default: $CRMLAB_COURSE_KEY); variants then come from the key (needs --roster)"))
    p.add_argument("--no-run-tests", action="store_true", help=_("do not check the solutions against the tests first"))
    p.set_defaults(func=_cmd_student_version)

    p = sub.add_parser("grade", help=_("grade a submitted notebook, or every notebook in a folder (CSV of grades)"))
    p.add_argument("submission", help=_("a .ipynb file or a folder of them"))
    p.add_argument("--out", default=None, help=_("CSV file for a folder's grades (default: FOLDER/grades.csv)"))
    p.add_argument("--timeout", type=int, default=120, help=_("seconds a whole notebook may run (default: 120)"))
    p.add_argument("--cell-timeout", type=int, default=None, metavar="SECONDS",
                   help=_("seconds one cell may run before it is interrupted (default: the smaller of 60 and --timeout)"))
    p.add_argument("--autograder", default=None,
                   help=_("autograder zip from student-version (default: the case's, from $CRMLAB_CASES or cases/)"))
    p.add_argument("--roster", default=None, metavar="CSV",
                   help=_("class roster: owners from the file names, missing and unknown students flagged"))
    p.add_argument("--key", default=None, metavar="FILE", help=_("course key file (default: $CRMLAB_COURSE_KEY)"))
    p.add_argument("--lms", action="append", choices=("canvas", "moodle"), default=None,
                   help=_("also write a grade-import file for this LMS (folders only; repeatable)"))
    p.add_argument("--jobs", type=int, default=1, help=_("submissions graded at once (folders only)"))
    p.set_defaults(func=_cmd_grade)

    p = sub.add_parser("execute", help=_("re-execute notebooks in place (outputs kept, no timing metadata)"))
    p.add_argument("notebooks", nargs="+")
    p.add_argument("--timeout", type=int, default=300)
    p.set_defaults(func=_cmd_execute)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except (ValueError, FileNotFoundError) as exc:  # bad paths or arguments: a message, not a traceback
        print(f"crmlab: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
