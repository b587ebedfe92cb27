"""Instructor tools: hand out a case without its solutions, grade what comes back, give each student own data.

The case notebooks in ``cases/`` are written in otter-grader's *assign* format
(raw cells ``# BEGIN QUESTION`` / ``# BEGIN SOLUTION`` / ``# BEGIN TESTS``,
solution lines ending in ``# SOLUTION``, hidden tests marked ``hidden: true``).
They are **not installed** with crmlab: they hold the solutions. Instructors
work from the repository or a private copy (``$CRMLAB_CASES``). This module is
the front door to :mod:`crmlab.grading` (``pip install "crmlab[instructor]"``):

1. :func:`student_version` strips solutions, hidden tests, outputs and the
   teaching note (cells tagged ``instructor-only``) and builds the autograder;
   with a roster and a course key (:func:`new_course_key`) it writes one
   hand-out per student carrying that student's own, distinct data variant.
2. :func:`grade` / :func:`grade_folder` run each submission sandboxed, take
   its answers out as data and run the hidden tests in a separate, trusted
   process, against the variant the grader decides (roster id + key).
3. The grade book has every question (hand-graded ones to fill in), flags,
   Canvas/Moodle exports and one feedback file per student.

Case notebooks import :func:`variant_for`, :func:`answers` and the assertion
helpers from here; none of them needs otter-grader.

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

import math

import pandas as pd

from crmlab.grading.variants import VARIANTS, new_course_key, variant_for
from crmlab.i18n import gettext as _

__all__ = [
    "VARIANTS",
    "INSTRUCTOR_TAG",
    "variant_for",
    "new_course_key",
    "questions",
    "student_version",
    "StudentVersion",
    "grade",
    "GradeReport",
    "grade_folder",
    "lms_export",
    "variant_protection",
    "assert_answered",
    "assert_number",
    "assert_labels",
    "answers",
]

INSTRUCTOR_TAG = "instructor-only"
"""Cell tag of material that never reaches students (teaching notes)."""


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
        raise AssertionError(_("{what} is still blank: replace the ... with your answer").format(what=what))


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
        raise AssertionError(_("{what} must be a number; got {value} ({kind})").format(
            what=what, value=f"{value!r:.40}", kind=kind)) from None
    if math.isnan(number):
        raise AssertionError(_("{what} is NaN (not a number): check for missing values in your calculation").format(
            what=what))
    if math.isclose(number, expected, rel_tol=rel_tol, abs_tol=abs_tol):
        return
    if expected and math.isclose(number, 100 * expected, rel_tol=rel_tol, abs_tol=100 * abs_tol):
        raise AssertionError(_("{what} is 100x too large: rates are decimals (0.12), not percentages (12)").format(
            what=what))
    if expected and math.isclose(number, -expected, rel_tol=rel_tol, abs_tol=abs_tol):
        raise AssertionError(_("{what} has the wrong sign").format(what=what))
    if number > expected:
        raise AssertionError(_("{what} is too high").format(what=what))
    raise AssertionError(_("{what} is too low").format(what=what))


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
        raise AssertionError(_("{what} must be a list of names; got {kind}").format(what=what,
                                                                               kind=type(value).__name__))
    given, wanted = _label_set(value), _label_set(expected)
    missing, extra = wanted - given, given - wanted
    problems = []
    if missing:
        problems.append(_("{n} item(s) missing").format(n=len(missing)))
    if extra:
        problems.append(_("{n} item(s) that do not belong: {items}").format(n=len(extra),
                                                                         items=", ".join(sorted(extra))))
    if problems:
        raise AssertionError(f"{what}: " + "; ".join(problems))



# --------------------------------------------------------------------------- the grading tools (lazily imported)

_LAZY = {
    "questions": "crmlab.grading.autograder",
    "student_version": "crmlab.grading.autograder",
    "StudentVersion": "crmlab.grading.autograder",
    "grade": "crmlab.grading.grader",
    "grade_folder": "crmlab.grading.grader",
    "GradeReport": "crmlab.grading.gradebook",
    "lms_export": "crmlab.grading.gradebook",
    "variant_protection": "crmlab.grading.protection",
}


def __getattr__(name):
    # Students' notebooks import this module for variant_for and answers: the grading machinery (and its
    # imports) loads only when an instructor uses it.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'crmlab.instructor' has no attribute {name!r}")
