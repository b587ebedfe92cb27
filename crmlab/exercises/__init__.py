"""Self-checking exercises: a registry, a pure checker and feedback that explains mistakes.

Each chapter registers its exercises in ``crmlab/exercises/chNN.py``. Checking is
pure (no widgets, no browser): :func:`check` takes the exercise id and whatever
the student typed and always returns a :class:`Feedback`, never raises, and
never ``eval``-s the text.

Examples
--------
>>> from crmlab import exercises
>>> fb = exercises.check("ch00.percent_decimal", "12%")
>>> fb.correct
True
>>> print(exercises.check("ch00.percent_decimal", "12").message)
✘ You typed 12, which reads as 1,200 %. Rates are decimals in this workbook: write 0.12 or 12%.
>>> exercises.check("ch00.percent_decimal", "abc").correct
False
"""

from __future__ import annotations

import difflib
import importlib
import math
import pkgutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from crmlab.exercises._parse import AnswerError, normalise, parse_number, split_items

__all__ = ["Exercise", "Mistake", "Feedback", "register", "check", "get", "ids", "solution", "KINDS"]

KINDS = ("number", "choice", "multi", "labels", "judgement")
RIGHT, WRONG = "✔", "✘"
# An answer rounded to the stated decimals is off by at most half a unit in the last place; the slack
# absorbs binary floating point (0.125 rounds to 0.12 or 0.13 depending on the printing).
_SLACK = 1.02


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: whether it is correct, what to tell the student, and a hint."""

    correct: bool
    message: str
    hint: str = ""

    def _repr_html_(self) -> str:
        import html

        colour = "#1b7837" if self.correct else "#b2182b"
        hint = f"<br><i>Hint: {html.escape(self.hint)}</i>" if self.hint and not self.correct else ""
        return f"<div style='color:{colour}'>{html.escape(self.message)}{hint}</div>"


@dataclass(frozen=True)
class Mistake:
    """A known wrong number and what it reveals, e.g. ``Mistake(value=0.8, message="You discounted year 0")``.

    ``value`` may be a zero-argument callable, computed lazily like the answer.
    """

    value: float | Callable[[], float]
    message: str


def _resolve(value):
    return value() if callable(value) else value


@dataclass(frozen=True)
class Exercise:
    """One exercise. See the module docstring of :mod:`crmlab.exercises` for the kinds and the precision policy.

    ``answer`` is a value or a zero-argument callable (so answers computed from
    datasets are only computed when first checked).

    Number exercises: ``unit`` is the unit the prompt asks for ("million CNY",
    "%", "points"); ``scale`` what one such unit is worth in plain numbers (1e6
    for "million CNY"); ``decimals`` the precision the prompt states, counted in
    that unit (percentage points when ``percent=True``), from which the
    tolerance is derived; ``tolerance`` (absolute, in the prompt's unit) and
    ``rel_tolerance`` may widen it. ``percent=True`` marks a decimal share or
    rate (0.123 or 12.3%); ``gap_scale=True`` a difference on a rating scale,
    for which a percentage is refused. ``mistakes`` are known wrong numbers in
    the prompt's unit and what they reveal.

    ``"choice"`` and ``"multi"``: ``choices`` maps option keys to their text and
    ``why_wrong`` explains wrong options. ``"labels"``: ``answer`` is the list of
    labels in order and ``labels`` the allowed vocabulary. ``"judgement"``: a
    managerial question answered in free text; ``answer`` is None, and
    ``model_answer`` (markdown) and ``rubric`` (3 to 5 points) are shown for
    self-assessment.

    Every kind: ``hint`` nudges (names the method, never the code or the
    number); ``solution`` is the worked solution in markdown, shown only after
    trying; ``steps`` counts the separate computations the student must chain
    (``steps >= 2`` is a multi-step exercise); ``explanation`` is shown with a
    right answer.
    """

    id: str
    prompt: str
    kind: str
    answer: object = None
    tolerance: float = 0.0
    rel_tolerance: float = 0.0
    percent: bool = False
    unit: str = ""
    scale: float = 1.0
    decimals: int | None = None
    gap_scale: bool = False
    choices: Mapping[str, str] = field(default_factory=dict)
    why_wrong: Mapping[str, str] = field(default_factory=dict)
    labels: Sequence[str] = ()
    items: Sequence[str] = ()
    mistakes: Sequence[Mistake] = ()
    hint: str = ""
    explanation: str = ""
    solution: str = ""
    steps: int = 1
    model_answer: str = ""
    rubric: Sequence[str] = ()

    def __post_init__(self):
        where = f"exercise {self.id!r}"
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(map(repr, KINDS))}; got {self.kind!r}")
        for name in ("prompt", "unit", "hint", "explanation", "solution", "model_answer"):
            if not isinstance(getattr(self, name), str):
                raise TypeError(f"{where}: {name} must be a str; got {type(getattr(self, name)).__name__}")
        if isinstance(self.steps, bool) or not isinstance(self.steps, int) or self.steps < 1:
            raise ValueError(f"{where}: steps must be an int >= 1; got {self.steps!r}")
        if self.decimals is not None and (isinstance(self.decimals, bool) or not isinstance(self.decimals, int)
                                          or not -9 <= self.decimals <= 9):
            raise ValueError(f"{where}: decimals must be None or an int from -9 to 9; got {self.decimals!r}")
        if isinstance(self.scale, bool) or not isinstance(self.scale, (int, float)) or not (
                math.isfinite(self.scale) and self.scale > 0):
            raise ValueError(f"{where}: scale must be a finite number > 0; got {self.scale!r}")
        for name in ("tolerance", "rel_tolerance"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                raise ValueError(f"{where}: {name} must be a finite number >= 0; got {value!r}")
        if self.kind in ("choice", "multi") and not self.choices:
            raise ValueError(f"{where}: kind {self.kind!r} needs choices")
        if self.kind == "labels" and not self.labels:
            raise ValueError(f"{where}: kind 'labels' needs the allowed labels")
        if self.kind != "number":
            for name, default in (("decimals", None), ("gap_scale", False), ("percent", False), ("scale", 1.0)):
                if getattr(self, name) != default:
                    raise ValueError(f"{where}: {name} applies only to kind 'number'; got kind {self.kind!r}")
        if self.kind == "number":
            if self.decimals is None and self.tolerance <= 0 and self.rel_tolerance <= 0:
                raise ValueError(f"{where}: a number exercise needs decimals (the precision its prompt states), "
                                 "or tolerance or rel_tolerance > 0")
            if self.gap_scale and self.percent:
                raise ValueError(f"{where}: gap_scale (a difference in rating points) and percent (a rate) "
                                 "exclude each other")
        if self.kind == "judgement":
            if self.answer is not None:
                raise ValueError(f"{where}: a judgement exercise has no answer (answer=None); put the model "
                                 "answer in model_answer")
            if not self.model_answer.strip():
                raise ValueError(f"{where}: a judgement exercise needs a model_answer (markdown)")
            if isinstance(self.rubric, str) or not 3 <= len(self.rubric) <= 5 or not all(
                    isinstance(r, str) and r.strip() for r in self.rubric):
                raise ValueError(f"{where}: a judgement exercise needs a rubric of 3 to 5 non-empty strings; "
                                 f"got {self.rubric!r}")
        elif self.model_answer or self.rubric:
            raise ValueError(f"{where}: model_answer and rubric belong to kind 'judgement'; got kind {self.kind!r}")
        elif self.answer is None:
            raise ValueError(f"{where}: kind {self.kind!r} needs an answer")

    @property
    def expected(self):
        """The correct answer (computed on first use when ``answer`` is callable)."""
        cache = self.__dict__.setdefault("_cache", {})
        if "answer" not in cache:
            cache["answer"] = _resolve(self.answer)
        return cache["answer"]

    def check(self, answer) -> Feedback:
        """Check ``answer``; never raises on what a student can type."""
        try:
            return _CHECKERS[self.kind](self, answer)
        except AnswerError as exc:
            return Feedback(False, f"{WRONG} {exc}", self.hint)

    def sample_answers(self) -> tuple[str, str]:
        """A right and a wrong answer as a person would type or click them (used by tests)."""
        if self.kind == "judgement":
            return "I would decide ... because the numbers show ...", ""
        exp = self.expected
        if self.kind == "number":
            right = f"{exp:.6g}"
            wrong = f"{exp + max(10 * self._tol(exp), abs(exp) * 0.5 + 1):.6g}"
            return right, wrong
        if self.kind == "choice":
            wrong = next(k for k in self.choices if k != exp)
            return exp, wrong
        if self.kind == "multi":
            keys = list(self.choices)
            wrong = [k for k in keys if k not in exp][:1] or keys[:1]
            return ", ".join(sorted(exp)), ", ".join(wrong)
        right = list(exp)
        wrong = right[:]
        wrong[0] = next(lab for lab in self.labels if lab != right[0])
        return ", ".join(right), ", ".join(wrong)

    def _tol(self, expected: float) -> float:
        """The accepted distance from ``expected``, in the answer's stored unit (decimals for percent answers)."""
        return max(self.tolerance, self.rel_tolerance * abs(expected), self._decimals_tol())

    def _decimals_tol(self) -> float:
        if self.decimals is None:
            return 0.0
        half = 0.5 * 10.0 ** -self.decimals * _SLACK
        return half / 100.0 if self.percent else half


def _fmt(x: float) -> str:
    if x != 0 and abs(x) >= 1000:
        return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"
    return f"{x:.6g}"


def _close(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol + 1e-12 * max(1.0, abs(b))


def _check_number(ex: Exercise, answer) -> Feedback:
    parsed = parse_number(answer)
    value, expected = parsed.value, float(ex.expected)
    tol = ex._tol(expected)
    if _close(value, expected, tol):
        return Feedback(True, f"{RIGHT} Correct. {ex.explanation}".strip(), "")
    typed = _fmt(parsed.value * 100) + "%" if parsed.percent else _fmt(value)
    for mistake in ex.mistakes:
        if _close(value, float(_resolve(mistake.value)), tol):
            return Feedback(False, f"{WRONG} {mistake.message}", ex.hint)
    if ex.percent and not parsed.percent and _close(value / 100.0, expected, tol):
        return Feedback(False, f"{WRONG} You typed {typed}, which reads as {_fmt(value * 100)} %. Rates are "
                        f"decimals in this workbook: write {_fmt(expected)} or {_fmt(expected * 100)}%.", ex.hint)
    if not ex.percent and _close(value * 100.0, expected, tol):
        return Feedback(False, f"{WRONG} {typed} looks like a decimal share; this answer is on the scale of "
                        f"{_fmt(expected)} (a percentage or points, not a fraction). Multiply by 100.", ex.hint)
    if expected != 0 and _close(-value, expected, tol):
        return Feedback(False, f"{WRONG} The size is right but the sign is wrong: check whether this is a cost "
                        "or a gain, an outflow or an inflow.", ex.hint)
    if expected != 0 and abs(value - expected) <= max(10 * tol, 0.02 * abs(expected)):
        return Feedback(False, f"{WRONG} Close, but outside the tolerance (±{_fmt(tol)}): keep more decimals "
                        "in the intermediate steps and round only at the end.", ex.hint)
    direction = "too high" if value > expected else "too low"
    return Feedback(False, f"{WRONG} {typed} is {direction}.", ex.hint)


def _option_key(ex: Exercise, item: str) -> str:
    """Map what was typed (a key in any case, or the option's text) to an option key."""
    folded = normalise(item).casefold().rstrip(".)")
    for key, text in ex.choices.items():
        if folded == key.casefold() or folded == normalise(text).casefold():
            return key
    raise AnswerError(f"{item!r} is not one of the options; choose from {', '.join(ex.choices)}.")


def _check_choice(ex: Exercise, answer) -> Feedback:
    items = split_items(answer)
    if not items:
        raise AnswerError(f"Choose one option: {', '.join(ex.choices)}.")
    if len(items) > 1:
        raise AnswerError("Choose just one option.")
    key = _option_key(ex, items[0])
    if key == ex.expected:
        return Feedback(True, f"{RIGHT} Correct. {ex.explanation}".strip(), "")
    reason = ex.why_wrong.get(key, "That is not the best answer.")
    return Feedback(False, f"{WRONG} {key}: {reason}", ex.hint)


def _check_multi(ex: Exercise, answer) -> Feedback:
    items = split_items(answer)
    keys = list(ex.choices)
    if len(items) == 1 and all(len(k) == 1 for k in keys) and len(items[0]) > 1 and items[0].isalpha():
        items = list(items[0])  # "AC" means A and C when every option is one letter
    if not items:
        raise AnswerError(f"Choose at least one option from {', '.join(keys)}, separated by commas.")
    chosen = {_option_key(ex, item) for item in items}
    expected = set(ex.expected)
    if chosen == expected:
        return Feedback(True, f"{RIGHT} Correct. {ex.explanation}".strip(), "")
    wrong = sorted(chosen - expected, key=keys.index)
    missed = sorted(expected - chosen, key=keys.index)
    parts = []
    if wrong:
        parts.append("should not be chosen: " + "; ".join(
            f"{k} ({ex.why_wrong[k]})" if k in ex.why_wrong else k for k in wrong))
    if missed:
        parts.append(f"{len(missed)} correct option(s) missing")
    return Feedback(False, f"{WRONG} Not quite: " + ", and ".join(parts) + ".", ex.hint)


def _check_labels(ex: Exercise, answer) -> Feedback:
    items = split_items(answer)
    expected = list(ex.expected)
    vocabulary = {normalise(lab).casefold(): lab for lab in ex.labels}
    if not items:
        raise AnswerError(f"Type {len(expected)} labels separated by commas, in order.")
    if len(items) != len(expected):
        raise AnswerError(f"Type exactly {len(expected)} labels separated by commas; you typed {len(items)}.")
    given = []
    for item in items:
        label = vocabulary.get(normalise(item).casefold())
        if label is None:
            raise AnswerError(f"{item!r} is not one of the labels: {', '.join(ex.labels)}.")
        given.append(label)
    wrong = [i for i, (g, e) in enumerate(zip(given, expected)) if g != e]
    if not wrong:
        return Feedback(True, f"{RIGHT} Correct. {ex.explanation}".strip(), "")
    names = list(ex.items) if ex.items else [f"item {i + 1}" for i in range(len(expected))]
    shown = ", ".join(names[i] for i in wrong)
    return Feedback(False, f"{WRONG} {len(expected) - len(wrong)} of {len(expected)} right; look again at: {shown}.",
                    ex.hint)


def _judgement_text(ex: Exercise) -> str:
    rubric = "\n".join(f"- {point}" for point in ex.rubric)
    return f"**A model answer**\n\n{ex.model_answer}\n\n**Check your answer for**\n\n{rubric}"


def _check_judgement(ex: Exercise, answer) -> Feedback:
    text = normalise(answer) if isinstance(answer, str) else ""
    if not text:
        raise AnswerError("Write your answer first, then compare it with a model answer.")
    # Nobody grades a judgement: the student compares their text with the model answer and the rubric.
    return Feedback(True, f"{RIGHT} Compare your answer with a model answer and the points below.\n\n"
                    + _judgement_text(ex), "")


_CHECKERS = {"number": _check_number, "choice": _check_choice, "multi": _check_multi, "labels": _check_labels,
             "judgement": _check_judgement}

_REGISTRY: dict[str, Exercise] = {}
_LOADED = False


def register(exercise: Exercise) -> Exercise:
    """Add an exercise to the registry (ids must be unique) and return it."""
    if not isinstance(exercise, Exercise):
        raise TypeError(f"exercise must be an Exercise; got {type(exercise).__name__}")
    previous = _REGISTRY.get(exercise.id)
    # Re-importing a bank (importlib.reload in a notebook) re-registers the same
    # exercise with new lambdas; only a different exercise under the same id is an error.
    if previous is not None and (previous.prompt, previous.kind) != (exercise.prompt, exercise.kind):
        raise ValueError(f"exercise id {exercise.id!r} is already registered")
    _REGISTRY[exercise.id] = exercise
    return exercise


def _load_banks() -> None:
    # Chapter banks register themselves on import; import them only when an
    # exercise is first needed, so ``import crmlab`` stays fast.
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("ch"):
            importlib.import_module(f"{__name__}.{info.name}")


def ids(chapter: str | None = None) -> list[str]:
    """All exercise ids, or those of one chapter (``"ch05"``).

    >>> ids("ch00")[:2]
    ['ch00.choose_kpi', 'ch00.customers_in_log']
    """
    _load_banks()
    found = sorted(_REGISTRY)
    return [i for i in found if i.split(".")[0] == chapter] if chapter else found


def get(exercise_id: str) -> Exercise:
    """The exercise registered under ``exercise_id``; unknown ids raise ``KeyError`` naming close matches."""
    _load_banks()
    if exercise_id not in _REGISTRY:
        close = difflib.get_close_matches(str(exercise_id), _REGISTRY, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(map(repr, close))}?" if close else f"; known ids start with {sorted({i.split('.')[0] for i in _REGISTRY})}"
        raise KeyError(f"unknown exercise id {exercise_id!r}{hint}")
    return _REGISTRY[exercise_id]


def solution(exercise_id: str) -> str:
    """The worked solution of exercise ``exercise_id``, as markdown.

    For a judgement question, the model answer and its rubric. An exercise
    declared without a ``solution`` gives its short ``explanation``.

    >>> "0.12" in solution("ch00.percent_decimal")
    True
    """
    ex = get(exercise_id)
    if ex.kind == "judgement":
        return _judgement_text(ex)
    return ex.solution or ex.explanation


def check(exercise_id: str, answer) -> Feedback:
    """Check a student's answer to exercise ``exercise_id``.

    Any answer (text, number, ``None``, a list, junk) gives a :class:`Feedback`;
    only an unknown exercise id raises (``KeyError``).
    """
    return get(exercise_id).check(answer)
