"""Input validation shared by every method module.

Every error names the argument, says what was expected and shows what was
given, so a student can fix the call without reading the source.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from numbers import Real

import numpy as np
import pandas as pd


def _show(value, limit: int = 60) -> str:
    if isinstance(value, np.generic):  # a student should read -5.0, not np.float64(-5.0)
        value = value.item()
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def fail(name: str, expected: str, given, exc: type[Exception] = ValueError, *, row=None,
         note: str = "") -> Exception:
    """Build the standard error: ``name`` must be ``expected``; got ``given`` (in row ``row``).

    >>> fail("items.amount", "finite numbers >= 0", np.float64(-5.0), row=3)
    ValueError('items.amount must be finite numbers >= 0; got -5.0 in row 3')
    """
    where = "" if row is None else f" in row {row}"
    return exc(f"{name} must be {expected}; got {_show(given)}{where}{note}")


def number(name: str, value, *, low=None, high=None, low_open=False, high_open=False) -> float:
    """Return ``value`` as a finite float, checking optional bounds.

    >>> number("rate", 0.1, low=-1, low_open=True)
    0.1
    >>> number("rate", -1, low=-1, low_open=True)
    Traceback (most recent call last):
    ...
    ValueError: rate must be a number > -1; got -1
    """
    if isinstance(value, bool) or not isinstance(value, (Real, np.number)):
        raise fail(name, "a number", value, TypeError)
    out = float(value)
    if not math.isfinite(out):
        raise fail(name, "a finite number", value)
    if low is not None and (out <= low if low_open else out < low):
        raise fail(name, f"a number {'>' if low_open else '>='} {low}", value)
    if high is not None and (out >= high if high_open else out > high):
        raise fail(name, f"a number {'<' if high_open else '<='} {high}", value)
    return out


def rate(name: str, value) -> float:
    """A rate as a decimal (0.12 for 12 %), which must be > -1."""
    return number(name, value, low=-1, low_open=True)


def share(name: str, value) -> float:
    """A share as a decimal in [0, 1]."""
    return number(name, value, low=0, high=1)


def vector(name: str, values, *, min_len: int = 1, nonnegative: bool = False) -> np.ndarray:
    """Return a 1-D float array of finite numbers (lists, arrays and Series are accepted)."""
    if isinstance(values, (str, bytes)) or not isinstance(values, (Iterable, np.ndarray, pd.Series)):
        raise fail(name, "a sequence of numbers", values, TypeError)
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise fail(name, "a sequence of numbers", values, TypeError) from None
    if arr.ndim != 1:
        raise fail(name, "one-dimensional", f"an array of shape {arr.shape}")
    if arr.size < min_len:
        raise fail(name, f"at least {min_len} value(s)", values)
    if not np.all(np.isfinite(arr)):
        bad = int(np.flatnonzero(~np.isfinite(arr))[0])
        raise fail(name, "finite numbers (no NaN or infinity)", f"{arr[bad]} at position {bad}")
    if nonnegative and np.any(arr < 0):
        bad = int(np.flatnonzero(arr < 0)[0])
        raise fail(name, "non-negative", f"{arr[bad]} at position {bad}")
    return arr


def columns(name: str, frame, required: Sequence[str]) -> pd.DataFrame:
    """Check that ``frame`` is a DataFrame holding every column in ``required``."""
    if not isinstance(frame, pd.DataFrame):
        raise fail(name, "a pandas DataFrame", type(frame).__name__, TypeError)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{name} is missing column(s) {missing}; it has {list(map(str, frame.columns))}"
        )
    return frame


def choice(name: str, value, options: Iterable[str]) -> str:
    """Check that ``value`` is one of ``options`` and list them when it is not.

    >>> choice("method", "eigen", ("eigen", "geometric"))
    'eigen'
    >>> choice("method", "mean", ("eigen", "geometric"))
    Traceback (most recent call last):
    ...
    ValueError: method must be one of 'eigen', 'geometric'; got 'mean'
    """
    options = tuple(options)
    if value not in options:
        raise ValueError(
            f"{name} must be one of {', '.join(map(repr, options))}; got {_show(value)}"
        )
    return value


def weights(name: str, values, *, tol: float = 1e-6) -> np.ndarray:
    """Weights: non-negative, finite and summing to 1 (within ``tol``)."""
    arr = vector(name, values, nonnegative=True)
    total = float(arr.sum())
    if abs(total - 1.0) > tol:
        raise ValueError(f"{name} must sum to 1; they sum to {total:.6g}")
    return arr
