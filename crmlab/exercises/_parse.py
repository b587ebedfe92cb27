"""Reading what a student typed, without ``eval``.

Students type answers the way they write them on paper: ``12%``, ``0.12``,
``1,200``, ``¥1,200``, ``1.2 万``, `` B ``, ``a, c``. These helpers turn such text into
numbers, option keys and label lists, or explain why they cannot.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

# Currency signs and words that may surround a number; they carry no value.
_CURRENCY = re.compile(r"(?i)^(?:cny|rmb|usd|eur|[¥$€£])\s*|\s*(?:cny|rmb|usd|eur|yuan|元|[¥$€£])$")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$", re.IGNORECASE)
_SCALE = {"k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "万": 1e4, "亿": 1e8}
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$")


@dataclass(frozen=True)
class ParsedNumber:
    """A number read from text; ``percent`` tells whether it was written with a % sign."""

    value: float
    percent: bool = False


class AnswerError(ValueError):
    """What the student typed cannot be read; the message says why, in plain words."""


def normalise(text: str) -> str:
    """Fold full-width characters (common with Chinese input methods) and trim.

    >>> normalise("  １２％ ")
    '12%'
    """
    return unicodedata.normalize("NFKC", text).strip()


def parse_number(answer) -> ParsedNumber:
    """Read one number from a student's answer.

    Accepts ints and floats, and text such as ``"12%"``, ``"-0.5"``, ``"1,200"``,
    ``"¥1,200.50"``, ``"1.2k"``, ``"3 万"``. Rejects empty text, words,
    several numbers, ``NaN`` and numbers too large to be finite.

    >>> parse_number("12%")
    ParsedNumber(value=0.12, percent=True)
    >>> parse_number(" 1,200 ").value
    1200.0
    >>> parse_number("1e999")
    Traceback (most recent call last):
    ...
    crmlab.exercises._parse.AnswerError: '1e999' is too large to be a sensible answer.
    """
    if answer is None:
        raise AnswerError("Type an answer first.")
    if isinstance(answer, bool):
        raise AnswerError("Type a number, not True or False.")
    if isinstance(answer, (int, float)):
        if not math.isfinite(float(answer)):
            raise AnswerError(f"{answer!r} is not a finite number.")
        return ParsedNumber(float(answer))
    if not isinstance(answer, str):
        raise AnswerError(f"Type a number; got {type(answer).__name__}.")
    text = normalise(answer)
    if not text:
        raise AnswerError("Type an answer first.")
    raw = text
    text = text.replace(" ", "").replace("\u00a0", "")
    percent = False
    if text.endswith("%"):
        percent, text = True, text[:-1]
    text = _CURRENCY.sub("", text)
    text = _CURRENCY.sub("", text)  # a sign in front and a word behind: "¥1,200元"
    scale = 1.0
    for suffix, factor in sorted(_SCALE.items(), key=lambda kv: -len(kv[0])):
        if text.lower().endswith(suffix) and len(text) > len(suffix):
            scale, text = factor, text[: -len(suffix)]
            break
    if "," in text:
        if _GROUPED.match(text):
            text = text.replace(",", "")
        elif re.fullmatch(r"[+-]?\d+,\d+", text):
            # "0,12" is a decimal comma in much of Europe; say so rather than guess.
            raise AnswerError(f"{raw!r}: use a dot for decimals (0.12), and commas only between thousands (1,200).")
        else:
            raise AnswerError(f"{raw!r} looks like several numbers; type just one.")
    if not _NUMBER.match(text):
        if any(ch.isdigit() for ch in text):
            raise AnswerError(f"Could not read {raw!r} as a number: type digits only, e.g. 0.12, 12% or 1,200.")
        raise AnswerError(f"{raw!r} is not a number: type digits, e.g. 0.12, 12% or 1,200.")
    value = float(text) * scale
    if not math.isfinite(value):
        raise AnswerError(f"{raw!r} is too large to be a sensible answer.")
    if percent:
        value /= 100.0
    return ParsedNumber(value, percent)


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
    text = normalise(str(answer))
    parts = re.split(r"[,;/\n、，；]+", text)
    items = [p.strip() for p in parts if p.strip()]
    if len(items) == 1 and re.fullmatch(r"[A-Za-z](\s+[A-Za-z])+", items[0]):
        items = items[0].split()
    return items
