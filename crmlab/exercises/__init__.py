"""Self-checking exercises: a registry, a pure checker and feedback that names the mistake.

Each chapter registers its exercises in ``crmlab/exercises/chNN.py``. Checking is
pure (no widgets, no browser): :func:`check` takes the exercise id and whatever
the student typed and always returns a :class:`Feedback`, never raises, and
never ``eval``-s the text. :func:`solution` gives the worked solution, which the
widget shows only after the student has tried.

Kinds
-----
``"number"`` (one number, typed in any of the forms of :mod:`crmlab.exercises._parse`),
``"choice"`` (one option), ``"multi"`` (several options), ``"labels"`` (a list of
labels in order) and ``"judgement"`` (a managerial decision in free text, compared
with a model answer and a rubric; nobody grades it).

Precision policy (one rule for every number exercise)
-----------------------------------------------------
- The prompt states the unit and the precision in words ("in million CNY to 2
  decimals", "as a percent to one decimal"); the exercise declares the same as
  ``unit`` and ``decimals``. ``decimals`` counts places in the prompt's unit:
  for a rate (``percent=True``) asked "as a percent to one decimal",
  ``decimals=1`` means 0.1 percentage point.
- Accepted: every answer within half a unit of the last stated place, times a
  slack of 1.02 for floating point: ``|typed − expected| ≤ 0.51 × 10**−decimals``
  (÷ 100 for a rate). So the answer rounded to ``decimals`` passes, and so does
  any more precise answer. An exercise may widen this with ``tolerance``
  (absolute, in the prompt's unit) or ``rel_tolerance`` (relative), e.g. to
  accept answers built from intermediate values rounded as the chapter shows
  them; the widest of the three applies.
- Units: a number typed with a multiplier (``508.2m``, ``5.082亿``, ``22.01
  million``) is converted into the prompt's unit (``scale`` = what one unit is
  worth in plain numbers, 1e6 for million CNY); the right amount typed in plain
  units (508,200,000 for a prompt in million CNY) is accepted with a note.
- A rate may be typed as a decimal (0.123) or a percentage (12.3%); a
  difference on a rating scale (``gap_scale=True``) refuses any percentage.
- Feedback on a wrong number looks for the real mistake in this order: the
  exercise's catalogue of known mistakes (the closest one the answer is
  consistent with, at the precision typed); units and scale (×10³, ×10⁶, CNY
  for million CNY, a wrong multiplier); percent and decimal confusion (12 for
  0.12, 1.7% for 1.7 points, an amount for a rate); a ratio for a rate (1.55
  for 0.55); rounding (the right answer rounded more coarsely than asked is told
  the precision wanted, in the unit the student typed, and is never matched to a
  conceptual mistake); the sign; and last the direction (too high, too low, or
  close but outside the precision).

Examples
--------
>>> from crmlab import exercises
>>> fb = exercises.check("ch00.percent_decimal", "12%")
>>> fb.correct
True
>>> print(exercises.check("ch00.percent_decimal", "12").message)
✘ You typed 12, which reads as 1,200 %. Rates are decimals in this workbook: write 12% or 0.12.
>>> exercises.check("ch00.percent_decimal", "abc").correct
False
"""

from __future__ import annotations

import difflib
import importlib
import math
import pkgutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from crmlab.i18n import N_, get_language, translate
from crmlab.i18n import gettext as _
from crmlab.exercises._parse import AnswerError, normalise, parse_number, split_items

__all__ = ["Exercise", "Mistake", "Feedback", "register", "check", "get", "ids", "solution", "KINDS"]

KINDS = ("number", "choice", "multi", "labels", "judgement")
RIGHT, WRONG = "✔", "✘"
# An answer rounded to the stated decimals is off by at most half a unit in the last place; the slack
# absorbs binary floating point (0.125 rounds to 0.12 or 0.13 depending on the printing).
_SLACK = 1.02


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: whether it is correct, what to tell the student, and a hint.

    ``attempt`` is False when the answer could not be read (empty, not a number...): the widget does not
    count it as a try before it offers the solution.
    """

    correct: bool
    message: str
    hint: str = ""
    attempt: bool = True

    def _repr_html_(self) -> str:
        import html

        colour = "#1b7837" if self.correct else "#b2182b"
        label = _("Hint:")
        hint = (f"<br><i>{html.escape(label)} {html.escape(self.hint)}</i>"
                if self.hint and not self.correct else "")
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

    @property
    def mistake_values(self) -> tuple[float, ...]:
        """The known mistakes' numbers, in the order of ``mistakes`` (computed once, like ``expected``)."""
        cache = self.__dict__.setdefault("_cache", {})
        if "mistakes" not in cache:
            cache["mistakes"] = tuple(float(_resolve(m.value)) for m in self.mistakes)
        return cache["mistakes"]

    def check(self, answer) -> Feedback:
        """Check ``answer``; never raises on what a student can type."""
        try:
            return _CHECKERS[self.kind](self, answer)
        except AnswerError as exc:
            return Feedback(False, f"{WRONG} {exc}", self.hint, attempt=False)
        except (ArithmeticError, TypeError, ValueError, UnicodeError):
            # Whatever slipped past the parser (a huge number, an odd type) is still the student's input.
            return Feedback(False, WRONG + " " + _("Could not read that answer: type a number, e.g. 0.12, 12% or "
                                                   "1,200."), self.hint, attempt=False)

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


# Names of the magnitudes a student may have typed in by mistake (plain numbers per unit).
_MAGNITUDES = {1.0: N_("plain units"), 1e3: N_("thousands"), 1e4: N_("万 (ten thousands)"), 1e6: N_("millions"),
               1e8: N_("亿 (hundred millions)"), 1e9: N_("billions")}
_UNIT_FACTORS = (1e3, 1e6, 1e9, 1e4, 1e8, 1e-3, 1e-6, 1e-9, 1e-4, 1e-8)
_MONEY = ("cny", "yuan", "元", "usd", "eur", "rmb", "money")


class _Typed:
    """What the student typed, read in the prompt's unit, with the precision they typed it to."""

    def __init__(self, ex: Exercise, answer):
        self.parsed = parsed = parse_number(answer)
        self.explicit = parsed.multiplier != 1.0
        # An explicit multiplier (508.2m, 5.082亿) says what the number is worth: convert it to the prompt's unit.
        divisor = ex.scale if self.explicit else 1.0
        self.value = parsed.value / divisor
        self.text = parsed.text or _fmt(parsed.value)
        res = parsed.resolution
        self.resolution = None if res is None else res / divisor

    def consistent(self, target: float, tol: float) -> bool:
        """Could this be ``target`` (within ``tol``, or rounded to the decimals typed)?"""
        if _close(self.value, target, tol):
            return True
        return self.rounds(target)

    def rounds(self, target: float) -> bool:
        """Is what was typed ``target`` rounded to the decimals typed, with at least one significant digit?"""
        res = self.resolution
        return (res is not None and res <= abs(target)
                and abs(self.value - target) <= 0.5 * res * _SLACK)


def _unit_words(ex: Exercise) -> str:
    if ex.percent:
        return _("a rate (a decimal such as 0.12, or a percentage such as 12%)")
    return ex.unit or _("the unit the prompt states")


def _precision_words(ex: Exercise, typed: _Typed, tol: float) -> str:
    """The precision the prompt wants, said in the unit the student typed."""
    if ex.decimals is None:
        if ex.percent and typed.parsed.percent:
            return _("within ±{tol} percentage points").format(tol=f"{tol * 100:.3g}")
        return _("within ±{tol}").format(tol=_fmt(tol)) + (f" {ex.unit}" if ex.unit and not ex.percent else "")
    if ex.percent:
        if typed.parsed.percent:
            return _("as a percent to {places}").format(places=_places(ex.decimals))
        return _("{places} as a decimal (or {percent_places} as a percent)").format(
            places=_places(ex.decimals + 2), percent_places=_places(ex.decimals))
    if typed.explicit:
        shift = math.log10(typed.parsed.multiplier / ex.scale)
        places = ex.decimals + round(shift)
        return _("{places} when you type the multiplier {suffix}").format(places=_places(places),
                                                                         suffix=_suffix(typed))
    if ex.unit:
        return _("{places} in {unit}").format(places=_places(ex.decimals), unit=ex.unit)
    return _places(ex.decimals)


def _places(n: int) -> str:
    if n > 0:
        return (_("{n} decimal") if n == 1 else _("{n} decimals")).format(n=n)
    if n == 0:
        return _("a whole number")
    return _("the nearest {step}").format(step=f"{10 ** -n:,}")


def _suffix(typed: _Typed) -> str:
    mult = typed.parsed.multiplier
    return {1e3: "k", 1e4: "万", 1e6: "m", 1e7: "千万", 1e8: "亿", 1e9: "bn"}.get(mult, f"×{mult:g}")


def _units_message(ex: Exercise, typed: _Typed, expected: float, tol: float) -> str | None:
    """An answer off by exactly a power of ten that a unit explains (×10³, ×10⁶, CNY for million CNY)."""
    if ex.percent or expected == 0:
        return None
    for factor in _UNIT_FACTORS:
        if not typed.consistent(expected * factor, tol * factor):
            continue
        size = (_("{n} times too large").format(n=f"{factor:,.0f}") if factor > 1
                else _("{n} times too small").format(n=f"{1 / factor:,.0f}"))
        if typed.explicit:
            return _("{typed} is {size} for this answer: check the multiplier you typed (k = thousand, "
                     "m = million, 万 = ten thousand, 亿 = hundred million) against the prompt's unit, "
                     "{unit}.").format(typed=typed.text, size=size, unit=ex.unit or _("as stated"))
        used = _MAGNITUDES.get(ex.scale / factor)
        asked = (_("the prompt asks for {unit}").format(unit=ex.unit) if ex.unit
                 else _("check the unit the prompt asks for"))
        guess = _(": it looks like the amount in {magnitude}").format(magnitude=_(used)) if used else ""
        return _("{typed} is {size}{guess}; {asked}. Convert it, or type a multiplier "
                 "(e.g. 2.5m for 2.5 million).").format(typed=typed.text, size=size, guess=guess, asked=asked)
    return None


def _sign_message(ex: Exercise) -> str:
    if ex.gap_scale:
        return _("The size is right but the sign is wrong: a gap subtracts in a set order (e.g. own minus "
                 "competitor, or performance minus importance). Check which you subtracted from which.")
    if any(word in ex.unit.casefold() for word in _MONEY):
        return _("The size is right but the sign is wrong: check whether this is a cost or a gain, an outflow or "
                 "an inflow.")
    return _("The size is right but the sign is wrong: check which quantity is subtracted from which.")


def _check_number(ex: Exercise, answer) -> Feedback:
    expected = float(ex.expected)
    if ex.gap_scale and isinstance(answer, str) and ("%" in normalise(answer) or "pct" in answer.lower()):
        raise AnswerError(_("This answer is a difference on a rating scale, in points (e.g. 0.25 points on a 1–5 "
                            "scale), not a percentage: a percent of what? Type the difference without %."))
    typed = _Typed(ex, answer)
    value, tol = typed.value, ex._tol(expected)
    wrong = lambda text: Feedback(False, f"{WRONG} {text}", ex.hint)  # noqa: E731

    if _close(value, expected, tol):
        return _correct(ex)
    if not typed.explicit and ex.scale != 1.0 and _close(value / ex.scale, expected, tol):
        # 508,200,000 for a prompt in million CNY: the amount is right, written in plain units.
        return Feedback(True, (RIGHT + " " + _("Correct: {typed} is {value} {unit}. The prompt asks for {unit}, so "
                                               "write it that way next time.").format(
            typed=typed.text, value=_fmt(value / ex.scale), unit=ex.unit) + " " + ex.explanation).strip(), "")

    # A right answer rounded more coarsely than asked is a precision problem, never a conceptual one,
    # even when the rounded number also matches a known mistake.
    coarse = typed.resolution is not None and typed.resolution > 2 * tol and typed.rounds(expected)

    # 1. the mistake catalogue: the closest known mistake this answer is consistent with
    if not coarse:
        matches = [(abs(value - known), i, m) for i, (m, known) in enumerate(zip(ex.mistakes, ex.mistake_values))
                   if typed.consistent(known, tol)]
        if matches:
            return wrong(min(matches, key=lambda t: t[:2])[2].message)

    # 2. units and scale
    message = None if coarse else _units_message(ex, typed, expected, tol)
    if message:
        return wrong(message)

    # 3. percent and decimal confusion
    if not coarse:
        pct = typed.parsed.percent
        if ex.percent and not pct and typed.consistent(expected * 100, tol * 100):
            return wrong(_("You typed {typed}, which reads as {percent} %. Rates are decimals in this "
                           "workbook: write {typed}% or {decimal}.").format(
                typed=typed.text, percent=_fmt(value * 100), decimal=_fmt(value / 100)))
        if ex.percent and pct and typed.consistent(expected / 100, tol / 100):
            return wrong(_("{typed} reads as {value} (a hundredth of {hundred}). Either write the decimal without "
                           "%, or multiply by 100 before adding %.").format(
                typed=typed.text, value=_fmt(value), hundred=_fmt(value * 100)))
        if not ex.percent and pct and typed.consistent(expected / 100, tol / 100):
            unit = ex.unit or _("the prompt's unit")
            return wrong(_("The digits are right, but this answer is in {unit}, not a percentage: type the "
                           "number without the % sign.").format(unit=unit))
        if not ex.percent and not pct and typed.consistent(expected / 100, tol / 100):
            return wrong(_("{typed} looks like a decimal share; this answer is in {unit} (a percentage or points, "
                           "not a fraction). Multiply by 100.").format(typed=typed.text, unit=ex.unit or _("points")))
        if ex.percent and not pct and abs(value) >= 100:
            return wrong(_("{typed} is an amount, not a rate: the answer is {unit}. Express the amount relative "
                           "to its base (divide by it).").format(typed=typed.text, unit=_unit_words(ex)))

    # 4. a ratio (multiple) for a rate, or a rate for a ratio
    if not coarse and ex.percent and typed.consistent(expected + 1, tol):
        return wrong(_("{typed} is a multiple of the base (new ÷ old), not the rate of change: the rate is "
                       "the multiple minus 1 (a multiple of 1.25 is a rise of 25 %).").format(typed=typed.text))
    multiple = any(word in ex.unit.casefold() for word in ("times", "multiple", "ratio", "×"))
    if not coarse and multiple and typed.consistent(expected - 1, tol):
        return wrong(_("{typed} looks like the rate of change; this answer is the multiple (new ÷ old = "
                       "1 + rate).").format(typed=typed.text))

    # 5. rounding and precision
    if coarse:
        return wrong(_("{typed} is rounded too coarsely: the prompt asks for {precision}. Keep full precision "
                       "and round only at the end.").format(typed=typed.text,
                                                            precision=_precision_words(ex, typed, tol)))

    # 6. sign
    if expected != 0 and typed.consistent(-expected, tol):
        return wrong(_sign_message(ex))

    # 7. direction
    direction = _("too high") if value > expected else _("too low")
    whole = ex.decimals is not None and ex.decimals <= 0 and float(expected).is_integer()
    if expected != 0 and abs(value - expected) <= max(10 * tol, 0.02 * abs(expected)):
        if whole:
            return wrong(_("{typed} is close but {direction}: this answer is a whole number and must be "
                           "exact. Check what you counted (duplicates, a dropped or extra row).").format(
                typed=typed.text, direction=direction))
        return wrong(_("{typed} is close but {direction}, outside the accepted precision ({precision}): keep "
                       "more decimals in the intermediate steps and round only at the end.").format(
            typed=typed.text, direction=direction, precision=_precision_words(ex, typed, tol)))
    return wrong(_("{typed} is {direction}.").format(typed=typed.text, direction=direction))


def _option_key(ex: Exercise, item: str) -> str:
    """Map what was typed (a key in any case, or the option's text) to an option key."""
    folded = normalise(item).casefold().rstrip(".)")
    for key, text in ex.choices.items():
        if folded in (key.casefold(), normalise(text).casefold()):
            return key
    raise AnswerError(_("{item} is not one of the options; choose from {keys}.").format(
        item=repr(item), keys=", ".join(ex.choices)))


def _check_choice(ex: Exercise, answer) -> Feedback:
    items = split_items(answer)
    if not items:
        raise AnswerError(_("Choose one option: {keys}.").format(keys=", ".join(ex.choices)))
    if len(items) > 1:
        raise AnswerError(_("Choose just one option."))
    key = _option_key(ex, items[0])
    if key == ex.expected:
        return _correct(ex)
    reason = ex.why_wrong.get(key, _("That is not the best answer."))
    return Feedback(False, f"{WRONG} {key}: {reason}", ex.hint)


def _check_multi(ex: Exercise, answer) -> Feedback:
    items = split_items(answer)
    keys = list(ex.choices)
    if len(items) == 1 and all(len(k) == 1 for k in keys) and len(items[0]) > 1 and items[0].isalpha():
        items = list(items[0])  # "AC" means A and C when every option is one letter
    if not items:
        raise AnswerError(_("Choose at least one option from {keys}, separated by commas.").format(
            keys=", ".join(keys)))
    chosen = {_option_key(ex, item) for item in items}
    expected = set(ex.expected)
    if chosen == expected:
        return _correct(ex)
    wrong = sorted(chosen - expected, key=keys.index)
    missed = sorted(expected - chosen, key=keys.index)
    parts = []
    if wrong:
        parts.append(_("should not be chosen: {options}").format(options="; ".join(
            f"{k} ({ex.why_wrong[k]})" if k in ex.why_wrong else k for k in wrong)))
    if missed:
        parts.append(_("{n} correct option(s) missing").format(n=len(missed)))
    return Feedback(False, WRONG + " " + _("Not quite: {parts}.").format(parts=_(", and ").join(parts)), ex.hint)


def _check_labels(ex: Exercise, answer) -> Feedback:
    items = split_items(answer)
    expected = list(ex.expected)
    # A label may be typed in either language: the English label or its translation for this exercise.
    vocabulary = {}
    for lab in ex.labels:
        for name in {lab, translate(lab, ex.id)}:
            vocabulary[normalise(name).casefold()] = lab
    shown_labels = ", ".join(translate(lab, ex.id) for lab in ex.labels)
    if not items:
        raise AnswerError(_("Type {n} labels separated by commas, in order.").format(n=len(expected)))
    if len(items) != len(expected):
        raise AnswerError(_("Type exactly {n} labels separated by commas; you typed {typed}.").format(
            n=len(expected), typed=len(items)))
    given = []
    for item in items:
        label = vocabulary.get(normalise(item).casefold())
        if label is None:
            raise AnswerError(_("{item} is not one of the labels: {labels}.").format(item=repr(item),
                                                                                   labels=shown_labels))
        given.append(label)
    wrong = [i for i, (g, e) in enumerate(zip(given, expected)) if g != e]
    if not wrong:
        return _correct(ex)
    names = ([translate(item, ex.id) for item in ex.items] if ex.items
             else [_("item {n}").format(n=i + 1) for i in range(len(expected))])
    shown = ", ".join(names[i] for i in wrong)
    return Feedback(False, WRONG + " " + _("{right} of {n} right; look again at: {items}.").format(
        right=len(expected) - len(wrong), n=len(expected), items=shown), ex.hint)


def _judgement_text(ex: Exercise) -> str:
    rubric = "\n".join(f"- {point}" for point in ex.rubric)
    model, check_for = _("A model answer"), _("Check your answer for")
    return f"**{model}**\n\n{ex.model_answer}\n\n**{check_for}**\n\n{rubric}"


def _check_judgement(ex: Exercise, answer) -> Feedback:
    text = normalise(answer) if isinstance(answer, str) else ""
    if not text:
        raise AnswerError(_("Write your answer first, then compare it with a model answer."))
    # Nobody grades a judgement: the student compares their text with the model answer and the rubric.
    return Feedback(True, RIGHT + " " + _("Compare your answer with a model answer and the points below.") + "\n\n"
                    + _judgement_text(ex), "")


def _correct(ex: Exercise) -> Feedback:
    return Feedback(True, (RIGHT + " " + _("Correct.") + " " + ex.explanation).strip(), "")


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
    ['ch00.average_growth', 'ch00.choose_kpi']
    """
    _load_banks()
    found = sorted(_REGISTRY)
    return [i for i in found if i.split(".")[0] == chapter] if chapter else found


def get(exercise_id: str) -> Exercise:
    """The exercise registered under ``exercise_id``; unknown ids raise ``KeyError`` naming close matches."""
    _load_banks()
    if exercise_id not in _REGISTRY:
        close = difflib.get_close_matches(str(exercise_id), _REGISTRY, n=3, cutoff=0.5)
        if close:
            raise KeyError(_("unknown exercise id {id!r}; did you mean {close}?").format(
                id=exercise_id, close=", ".join(map(repr, close))))
        raise KeyError(_("unknown exercise id {id!r}; known ids start with {chapters}").format(
            id=exercise_id, chapters=sorted({i.split(".")[0] for i in _REGISTRY})))
    ex = _REGISTRY[exercise_id]
    lang = get_language()
    return ex if lang == "en" else _localised(ex, lang)


_LOCALISED: dict[tuple[str, str], tuple[Exercise, Exercise]] = {}


def _localised(ex: Exercise, lang: str) -> Exercise:
    """``ex`` with its texts in ``lang`` (from the exercise catalogue; the exercise's id is the context).

    Answers, tolerances and option keys are shared with the English exercise; label answers stay English
    (the checker accepts a label in either language).
    """
    cached = _LOCALISED.get((ex.id, lang))
    if cached is not None and cached[0] is ex:
        return cached[1]

    def tr(text):
        return translate(text, ex.id)

    texts = {name: tr(getattr(ex, name)) for name in ("prompt", "unit", "hint", "explanation", "solution",
                                                      "model_answer")}
    local = replace(ex, **texts,
                    choices={k: tr(v) for k, v in ex.choices.items()},
                    why_wrong={k: tr(v) for k, v in ex.why_wrong.items()},
                    rubric=tuple(tr(r) for r in ex.rubric),
                    mistakes=tuple(Mistake(m.value, tr(m.message)) for m in ex.mistakes))
    # The computed answer is cached on the English exercise; share it.
    object.__setattr__(local, "answer", ex.answer)
    local.__dict__["_cache"] = ex.__dict__.setdefault("_cache", {})
    _LOCALISED[(ex.id, lang)] = (ex, local)
    return local


def solution(exercise_id: str) -> str:
    """The worked solution of exercise ``exercise_id``, as markdown.

    For a judgement question, the model answer and its rubric. An exercise
    declared without a ``solution`` gives its short ``explanation``.

    >>> "0.12" in solution("ch00.percent_decimal")
    True
    """
    return solution_text(get(exercise_id))


def solution_text(ex: Exercise) -> str:
    """The worked solution of an :class:`Exercise` object (see :func:`solution`)."""
    if ex.kind == "judgement":
        return _judgement_text(ex)
    return ex.solution or ex.explanation


def check(exercise_id: str, answer) -> Feedback:
    """Check a student's answer to exercise ``exercise_id``.

    Any answer (text, number, ``None``, a list, junk) gives a :class:`Feedback`;
    only an unknown exercise id raises (``KeyError``).
    """
    return get(exercise_id).check(answer)
