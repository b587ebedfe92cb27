"""Step 3 of grading: run the hidden and public tests in a fresh, trusted process against the extracted answers.

The tests are otter-grader's exception-based test files (``tests/q1.py``...) from
a verified autograder; :func:`run_tests` loads them with otter's own
``ExceptionTestFile`` and runs each test case against an environment made of
the decoded answers, plus ``STUDENT_ID`` and ``VARIANT`` *set by the grader*
(from the roster id and the course key): whatever the student's kernel said
about them is overwritten. No student code runs here: the answers are plain
values. Feedback keeps only the message of an ``AssertionError`` a test raised
(length-capped); any other exception becomes a fixed sentence, so neither the
test's source nor text the student chose beyond their own answer reaches them.

>>> feedback_text(AssertionError("npv is too low"))
'npv is too low'
>>> feedback_text(KeyError("secret line of a hidden test"))
'the answer could not be checked (KeyError): is it blank, or of the wrong kind?'
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

from crmlab._launch import python_command
from crmlab.i18n import gettext as _

__all__ = ["FEEDBACK_CHARS", "feedback_text", "names_in_tests", "run_tests", "run_tests_here"]

FEEDBACK_CHARS = 240
"""Longest feedback message kept per test case (characters)."""


def feedback_text(exc: BaseException) -> str:
    """What a student may read about a failed test case: the assertion's own message, capped."""
    if isinstance(exc, AssertionError):
        text = " ".join(str(exc).split()) if exc.args else ""
        text = text or _("the answer is not right")
        return text if len(text) <= FEEDBACK_CHARS else text[: FEEDBACK_CHARS - 1] + "…"
    return _("the answer could not be checked ({error}): is it blank, or of the wrong kind?").format(
        error=type(exc).__name__)


def names_in_tests(tests_dir) -> dict[str, list[str]]:
    """Question -> the variable names its tests read from ``env`` (``env["x"]``, ``env.get("x")``)."""
    out = {}
    for path in sorted(Path(tests_dir).glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = set()
        for node in ast.walk(tree):
            if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "env"
                    and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)):
                names.add(node.slice.value)
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "env" and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                names.add(node.args[0].value)
        out[path.stem] = sorted(names - {"STUDENT_ID", "VARIANT"})
    return out


def otter_test_classes(light: bool = False):
    """otter-grader's ``ExceptionTestFile`` and ``TestCaseResult``, loaded without otter's whole API.

    ``import otter`` loads its grading, export and check machinery (seconds); a
    test process needs only the two small, standard-library-only modules that
    define the test-file format. With ``light=True`` (only in a test process
    that imports nothing else of otter) those two files are loaded from the
    installed otter and registered as ``otter.test_files``, so test files'
    ``from otter.test_files import test_case`` finds them; otherwise otter is
    imported as usual.
    """
    import importlib
    import importlib.util
    import types

    if "otter.test_files" in sys.modules or not light:
        from otter.test_files import ExceptionTestFile, TestCaseResult

        return ExceptionTestFile, TestCaseResult
    spec = importlib.util.find_spec("otter")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(_("grading needs otter-grader: pip install 'crmlab[instructor]'"))
    folder = str(Path(list(spec.submodule_search_locations)[0]) / "test_files")
    package = types.ModuleType("_crmlab_otter_test_files")
    package.__path__ = [folder]
    sys.modules[package.__name__] = package
    exception_test = importlib.import_module(f"{package.__name__}.exception_test")
    abstract_test = importlib.import_module(f"{package.__name__}.abstract_test")
    if "otter" not in sys.modules:  # a light stand-in for what test files import
        shim = types.ModuleType("otter.test_files")
        shim.test_case, shim.ExceptionTestFile = exception_test.test_case, exception_test.ExceptionTestFile
        shim.TestCaseResult = abstract_test.TestCaseResult
        sys.modules["otter.test_files"] = shim
    return exception_test.ExceptionTestFile, abstract_test.TestCaseResult


def run_tests_here(tests_dir, answers: dict, *, variant: int, student_id: str, light: bool = False) -> dict:
    """Run every test file in ``tests_dir`` in this process; question -> score, possible and per-case results."""
    import copy

    ExceptionTestFile, TestCaseResult = otter_test_classes(light)

    results = {}
    tests_dir = Path(tests_dir)
    for path in sorted(tests_dir.glob("*.py")):
        test_file = ExceptionTestFile.from_file(str(path))
        case_results = []
        for tc in test_file.test_cases:
            env = copy.deepcopy(answers)  # a test that changes an answer must not change it for the next one
            env["STUDENT_ID"], env["VARIANT"] = student_id, variant
            try:
                tc.body.call_func(env)
                passed, message = True, ""
            except Exception as exc:  # any failure of a test case is a failed case, never a crash of grading
                passed, message = False, feedback_text(exc)
            case_results.append(TestCaseResult(test_case=tc, message=message, passed=passed))
        test_file.test_case_results = case_results
        results[test_file.name] = {
            "score": float(test_file.score), "possible": float(test_file.possible),
            "cases": [{"name": r.test_case.name, "hidden": bool(r.test_case.hidden), "passed": bool(r.passed),
                       "message": r.message} for r in case_results]}
    return results


def run_tests(tests_dir, answers_file, *, variant: int, student_id: str, cwd, timeout: int = 120,
              language: str = "en") -> dict:
    """Run :func:`run_tests_here` in a fresh process of this Python (trusted code only: crmlab and the tests).

    ``language`` is the submission's edition: crmlab's checks give their feedback in it.
    """
    cmd = [*python_command("from crmlab.grading.test import _main; _main()"), str(tests_dir), str(answers_file),
           str(int(variant)), str(student_id)]
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED="0", CRMLAB_LANGUAGE=language)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=cwd, env=env)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        raise RuntimeError(_("the tests could not be run: {tail}").format(tail=" ".join(tail)))
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _main() -> None:  # pragma: no cover - the trusted test process
    from crmlab.grading.extract import read_answers

    tests_dir, answers_file, variant, student_id = sys.argv[1:5]
    answers, _ = read_answers(answers_file) if answers_file != "-" else ({}, None)
    results = run_tests_here(tests_dir, answers, variant=int(variant), student_id=student_id, light=True)
    sys.stdout.write("\n" + json.dumps(results) + "\n")
