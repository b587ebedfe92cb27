"""Reading what a student typed, without ``eval``.

Students type answers the way they write them on paper: ``12%``, ``0.12``,
``1,200``, ``¥1,200``, ``1.2 万``, ``−508.2m``, ``(3,778,719)``, `` B ``, ``a, c``.
These helpers turn such text into numbers, option keys and label lists, or
explain why they cannot.

Forms of a number
-----------------
- full-width characters of Chinese input methods (``１２％``, ``－５``) fold to ASCII;
- every dash a keyboard or a word processor makes is a minus: ``-``, ``−`` (U+2212),
  ``–``, ``—``, ``‒``, ``‐``, ``‑``, ``﹣``, ``－``;
- accounting negatives: ``(1,234)`` is −1,234;
- thousands separators ``1,234,567`` (a comma elsewhere is refused: ``0,12`` is a
  decimal comma, ``1,2,3`` several numbers); spaces and thin spaces are ignored;
- currency signs and words before or after (``¥``, ``CNY``, ``RMB``, ``元``, ``yuan`` ...);
- one multiplier after the number, any case, with or without a space: ``k``,
  ``thousand``, ``m``, ``mn``, ``mio``, ``million``, ``bn``, ``billion``, ``千``,
  ``万``, ``百万``, ``千万``, ``亿``;
- a percent sign (``%`` or full-width ``％``) or ``pct``: the value is divided by 100.
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata
from dataclasses import dataclass

from crmlab.i18n import gettext as _

# Every character a student may type for a minus sign, after NFKC folding (which already maps the
# full-width ``－`` and the small ``﹣`` to ``-``).
_DASHES = dict.fromkeys(map(ord, "\u2212\u2013\u2014\u2012\u2010\u2011\u2015\ufe63\uff0d"), "-")
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f\u3000]+")
_CURRENCY_WORDS = r"cny|rmb|usd|eur|yuan|元|人民币|[¥$€£]"
_CURRENCY_FRONT = re.compile(rf"(?i)^(?:{_CURRENCY_WORDS})")
_CURRENCY_BACK = re.compile(rf"(?i)(?:{_CURRENCY_WORDS})$")
# Longest first, so "million" is not read as "m" followed by junk and "百万" not as "万".
_MULTIPLIERS = {
    "thousand": 1e3, "million": 1e6, "billion": 1e9, "mio": 1e6, "mln": 1e6, "mn": 1e6, "bn": 1e9,
    "k": 1e3, "m": 1e6, "千万": 1e7, "百万": 1e6, "千": 1e3, "万": 1e4, "亿": 1e8,
}
_MULTIPLIER_BACK = re.compile(
    "(?i)(" + "|".join(map(re.escape, sorted(_MULTIPLIERS, key=len, reverse=True))) + ")$")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$", re.IGNORECASE)
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$")
# Beyond this nobody means a number in a CRM exercise; it also keeps float() from overflowing.
_LARGEST = 1e300


@dataclass(frozen=True)
class ParsedNumber:
    """A number read from text.

    ``value`` is the plain number (multiplier applied, a percentage divided by 100);
    ``percent`` tells whether it was written with a % sign; ``multiplier`` is the
    factor of an explicit ``k``/``m``/``万``/... (1.0 when none was typed);
    ``decimals`` is how many decimals were typed in the mantissa (``12.50%`` → 2,
    ``3e6`` → 0), or None for a number given as a Python float, whose precision is unknown.
    """

    value: float
    percent: bool = False
    multiplier: float = 1.0
    decimals: int | None = None
    text: str = ""

    @property
    def resolution(self) -> float | None:
        """The step of the last typed digit, in plain numbers (``1.25m`` → 10,000; ``12.5%`` → 0.001)."""
        if self.decimals is None:
            return None
        step = 10.0 ** -self.decimals * self.multiplier
        return step / 100.0 if self.percent else step


class AnswerError(ValueError):
    """What the student typed cannot be read; the message says why, in plain words."""


def normalise(text: str) -> str:
    """Fold full-width characters (common with Chinese input methods) and every dash to ASCII, and trim.

    >>> normalise("  １２％ ")
    '12%'
    >>> normalise("−3,778,719")
    '-3,778,719'
    """
    return unicodedata.normalize("NFKC", str(text)).translate(_DASHES).strip()


def _typed_decimals(number: str) -> int:
    """Decimals typed, counting the exponent: ``1.25`` → 2, ``1.2e6`` → −5, ``3e-4`` → 4."""
    mantissa, _dot, exponent = number.lower().partition("e")
    places = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return places - int(exponent) if exponent else places


def _from_number(answer) -> ParsedNumber:
    if isinstance(answer, numbers.Integral):
        if abs(int(answer)) > _LARGEST:  # float(10**400) would raise OverflowError
            raise AnswerError(_("A number with {digits} digits is too large to be a sensible answer.").format(
                digits=len(str(abs(int(answer))))))
        return ParsedNumber(float(answer), decimals=0, text=str(int(answer)))
    try:
        value = float(answer)
    except (OverflowError, ValueError, TypeError):
        # TRANSLATORS: {type} is a Python type name such as str or list; keep it as it is.
        raise AnswerError(_("Type a number; could not read {type}.").format(type=type(answer).__name__)) from None
    if not math.isfinite(value):
        raise AnswerError(_("{answer} is not a finite number.").format(answer=repr(answer)))
    if abs(value) > _LARGEST:
        raise AnswerError(_("{answer} is too large to be a sensible answer.").format(answer=f"{value:.3e}"))
    return ParsedNumber(value, text=repr(value))


def parse_number(answer) -> ParsedNumber:
    """Read one number from a student's answer (see the module docstring for the forms).

    Rejects empty text, words, several numbers, ``NaN`` and numbers too large
    to be sensible, with an :class:`AnswerError` that says why.

    >>> parse_number("12%").value
    0.12
    >>> parse_number(" 1,200 ").value
    1200.0
    >>> parse_number("(3,778,719)").value
    -3778719.0
    >>> parse_number("22.01 Million").value
    22010000.0
    >>> parse_number("1e999")
    Traceback (most recent call last):
    ...
    crmlab.exercises._parse.AnswerError: '1e999' is too large to be a sensible answer.
    """
    if answer is None:
        raise AnswerError(_("Type an answer first."))
    if isinstance(answer, bool):
        raise AnswerError(_("Type a number, not True or False."))
    if isinstance(answer, numbers.Real):
        return _from_number(answer)
    if not isinstance(answer, str):
        raise AnswerError(_("Type a number; got {type}.").format(type=type(answer).__name__))
    text = normalise(answer)
    if not text:
        raise AnswerError(_("Type an answer first."))
    raw = text
    if len(text) > 80:
        raise AnswerError(_("That is too long to be one number: type just the number."))
    # A space (or thin space) before exactly three digits separates thousands: "1 234 567".
    text = re.sub(r"(?<=\d)[ \u00a0\u2009\u202f'](?=\d{3}(?!\d))", ",", text)
    if re.search(r"\d[\s\u00a0\u2009\u202f]+[\d.]", text):
        # TRANSLATORS: {answer} is what the student typed, in quotes.
        raise AnswerError(_("{answer} looks like several numbers; type just one.").format(answer=repr(raw)))
    text = _SPACES.sub("", text)
    negative = False
    percent = False
    multiplier = 1.0
    # Peel signs, currency, percent, multiplier and accounting brackets off both ends, in any order
    # ("-¥1.2m", "¥(1,234)", "(12%)", "508.2 million CNY", "CNY 5.08亿").
    for _attempt in range(8):
        before = text
        if text.startswith("(") and text.endswith(")") and len(text) > 2:
            if negative:
                raise AnswerError(_("{answer} has two minus signs; type one number.").format(answer=repr(raw)))
            negative, text = True, text[1:-1]
        if text[:1] in "+-" and len(text) > 1 and not _NUMBER.match(text):
            # A sign before a currency sign or bracket: "-¥1,200", "-(5)" is refused below.
            if text[0] == "-":
                if negative:
                    raise AnswerError(_("{answer} has two minus signs; type one number.").format(answer=repr(raw)))
                negative = True
            text = text[1:]
        text = _CURRENCY_FRONT.sub("", text)
        text = _CURRENCY_BACK.sub("", text)
        if text.endswith("%") or text.lower().endswith("pct"):
            if percent:
                raise AnswerError(_("{answer} has two percent signs; type one number.").format(answer=repr(raw)))
            percent, text = True, text[:-1] if text.endswith("%") else text[:-3]
        found = _MULTIPLIER_BACK.search(text)
        if found and len(text) > len(found.group(1)) and not text[: found.start()].endswith(("e", "E")):
            if multiplier != 1.0:
                raise AnswerError(_("{answer} has two multipliers; type one, e.g. 1.2m or 120万.").format(
                    answer=repr(raw)))
            multiplier, text = _MULTIPLIERS[found.group(1).lower()], text[: found.start()]
        if text == before:
            break
    if "," in text:
        if _GROUPED.match(text):
            text = text.replace(",", "")
        elif re.fullmatch(r"[+-]?\d+,\d+", text):
            # "0,12" is a decimal comma in much of Europe; say so rather than guess.
            raise AnswerError(_("{answer}: use a dot for decimals (0.12), and commas only between thousands "
                                "(1,200).").format(answer=repr(raw)))
        else:
            raise AnswerError(_("{answer} looks like several numbers; type just one.").format(answer=repr(raw)))
    if not _NUMBER.match(text):
        if any(ch.isdigit() for ch in text):
            raise AnswerError(_("Could not read {answer} as a number: type digits only, e.g. 0.12, 12% or "
                                "1,200.").format(answer=repr(raw)))
        raise AnswerError(_("{answer} is not a number: type digits, e.g. 0.12, 12% or 1,200.").format(
            answer=repr(raw)))
    if negative and text[:1] in "+-":
        raise AnswerError(_("{answer} has two signs; type one number, e.g. -1,234 or (1,234).").format(
            answer=repr(raw)))
    try:
        value = float(text) * multiplier
    except OverflowError:  # pragma: no cover - float() of a str returns inf rather than raising
        value = math.inf
    if not math.isfinite(value) or abs(value) > _LARGEST:
        raise AnswerError(_("{answer} is too large to be a sensible answer.").format(answer=repr(raw)))
    if negative:
        value = -value
    if percent:
        value /= 100.0
    return ParsedNumber(value, percent, multiplier, _typed_decimals(text.lstrip("+-")), raw)


def split_items(answer) -> list[str]:
    """Split a list typed as text (commas, semicolons, slashes, new lines or spaces between single letters).

    >>> split_items(" a, C ;b ")
    ['a', 'C', 'b']
    >>> split_items("AC")
    ['AC']
    >>> split_items(["x", " y "])
    ['x', 'y']
    """
    if answer is None:
        return []
    if isinstance(answer, (list, tuple, set, frozenset)):
        return [normalise(str(a)) for a in answer if normalise(str(a))]
    if isinstance(answer, (bytes, bytearray)):
        answer = answer.decode("utf-8", "replace")
    text = normalise(str(answer))
    parts = re.split(r"[,;/\n、，；]+", text)
    items = [p.strip() for p in parts if p.strip()]
    if len(items) == 1 and re.fullmatch(r"[A-Za-z](\s+[A-Za-z])+", items[0]):
        items = items[0].split()
    return items
