"""Input validation shared by every method module: the one input policy of crmlab.

Every error names the argument, says what was expected and shows what was
given, so a student can fix the call without reading the source. The policy:

* **Numbers** are Python ints and floats, numpy scalars of every width
  (``np.float32``, ``np.int8``, ``np.uint64`` ...), ``decimal.Decimal`` and
  ``fractions.Fraction``. Booleans are *not* numbers (``True`` is not 1), and
  neither is text: ``"0.1"`` is refused with a ``TypeError`` -- only the
  exercise parser (:mod:`crmlab.exercises`) reads what a student types.
* **Missing values** -- ``None``, ``NaN``, ``pd.NA``, ``pd.NaT`` -- are errors
  that say the value is missing, unless a function documents what it does with
  missing data. Pandas nullable dtypes (``Int64``, ``Float64``, ``boolean``)
  are accepted, their ``<NA>`` counting as missing.
* **Sizes** that decide how much memory a call allocates -- scenarios,
  horizons, years, customers -- are whole numbers with a documented ceiling
  (:data:`MAX_HORIZON`, :data:`MAX_SCENARIOS`, :data:`MAX_CUSTOMERS`), checked
  before anything is allocated.
* **Results** are checked finite before they are returned
  (:func:`finite_result`): a sum of huge amounts that overflows to infinity is
  an error naming the inputs that caused it, never a silent ``inf`` or ``NaN``.
* **Column names** passed as arguments (``customer="client"``) are checked by
  :func:`columns` with the parameter's name, so a typo names the argument.
"""

from __future__ import annotations

import decimal
import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from numbers import Real

import numpy as np
import pandas as pd

from crmlab.i18n import gettext as _
from crmlab.i18n import pgettext


def _show(value, limit: int = 60) -> str:
    if isinstance(value, np.generic):  # a student should read -5.0, not np.float64(-5.0)
        value = value.item()
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


#: Ceiling of a horizon in periods (years, quarters ...): a century of months, far beyond any CRM plan.
MAX_HORIZON = 1_200
#: Ceiling of Monte Carlo scenarios in one simulation.
MAX_SCENARIOS = 1_000_000
#: Ceiling of simulated customers (rows) in one call.
MAX_CUSTOMERS = 1_000_000


def is_missing(value) -> bool:
    """True for ``None``, ``NaN`` (float or numpy), ``pd.NA`` and ``pd.NaT``.

    >>> [is_missing(v) for v in (None, float("nan"), pd.NA, pd.NaT, 0, "NA")]
    [True, True, True, True, False, False]
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, (float, np.floating)):
        return math.isnan(value)
    if isinstance(value, decimal.Decimal):
        return value.is_nan()
    return False


def fail(name: str, expected: str, given, exc: type[Exception] = ValueError, *, row=None,
         note: str = "") -> Exception:
    """Build the standard error: ``name`` must be ``expected``; got ``given`` (in row ``row``).

    >>> fail("items.amount", "finite numbers >= 0", np.float64(-5.0), row=3)
    ValueError('items.amount must be finite numbers >= 0; got -5.0 in row 3')
    """
    # TRANSLATORS: {name} is an argument's name and {given} a Python value: keep both as they are.
    if row is None:
        text = _("{name} must be {expected}; got {given}").format(name=name, expected=expected, given=_show(given))
    else:
        text = _("{name} must be {expected}; got {given} in row {row}").format(name=name, expected=expected,
                                                                               given=_show(given), row=row)
    return exc(text + note)


def number(name: str, value, *, low=None, high=None, low_open=False, high_open=False) -> float:
    """Return ``value`` as a finite float, checking optional bounds.

    >>> number("rate", 0.1, low=-1, low_open=True)
    0.1
    >>> number("rate", -1, low=-1, low_open=True)
    Traceback (most recent call last):
    ...
    ValueError: rate must be a number > -1; got -1
    """
    out = _to_float(name, value)
    if not math.isfinite(out):
        raise fail(name, _("a finite number"), value)
    if low is not None and (out <= low if low_open else out < low):
        raise fail(name, _("a number {op} {bound}").format(op=">" if low_open else ">=", bound=low), value)
    if high is not None and (out >= high if high_open else out > high):
        raise fail(name, _("a number {op} {bound}").format(op="<" if high_open else "<=", bound=high), value)
    return out


def _to_float(name: str, value) -> float:
    """``value`` as a float under the policy (no bools, no text, missing values named); may be inf or NaN."""
    if isinstance(value, (bool, np.bool_)):
        raise fail(name, _("a number, not True/False"), value, TypeError)
    if is_missing(value) and not isinstance(value, (float, np.floating, decimal.Decimal)):
        raise fail(name, _("a number"), value, TypeError, note=_(" (a missing value)"))
    if isinstance(value, str):
        raise fail(name, _("a number, not text (type 0.1, not '0.1')"), value, TypeError)
    if not isinstance(value, (Real, np.number, decimal.Decimal)) or isinstance(value, np.complexfloating):
        raise fail(name, _("a number"), value if _is_plain(value) else type(value).__name__, TypeError)
    try:
        return float(value)
    except OverflowError:  # an int with hundreds of digits
        raise fail(name, _("a finite number"), value) from None


def _is_plain(value) -> bool:
    return isinstance(value, (int, float, str, list, tuple, dict, type(None))) or value is pd.NA


def ndim(name: str, value) -> int:
    """``np.ndim(value)``, but ragged nested lists are an error naming the argument, not a numpy ValueError."""
    try:
        return int(np.ndim(value))
    except ValueError:
        raise fail(name, _("a number or a flat list of numbers"), _("rows of different lengths")) from None


def whole(name: str, value, *, low: int | None = None, high: int | None = None, what: str = "") -> int:
    """Return ``value`` as an int: a whole number (int or numpy integer, not bool or float) in [low, high].

    ``high`` is the documented ceiling of a size and is checked before anything is allocated.

    >>> whole("years", 5, low=1, high=MAX_HORIZON)
    5
    >>> whole("years", 10**9, low=1, high=MAX_HORIZON)
    Traceback (most recent call last):
    ...
    ValueError: years must be a whole number from 1 to 1,200; got 1000000000
    """
    span = (_("from {low} to {high}").format(low=f"{low:,}", high=f"{high:,}") if low is not None and high is not None
            else f">= {low:,}" if low is not None else f"<= {high:,}" if high is not None else "")
    # "a whole number" alone is also an exercise's precision ("to a whole number"): a context keeps them apart.
    expected = (_("a whole number {span}").format(span=span) if span
                else pgettext("what an argument must be", "a whole number")) + (f" ({what})" if what else "")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        if isinstance(value, (float, np.floating)) and math.isfinite(value) and float(value).is_integer():
            value = int(value)  # 5.0 is a whole number; 5.5 is not
        else:
            raise fail(name, expected, value, TypeError if not isinstance(value, (Real, np.number))
                       or isinstance(value, (bool, np.bool_)) else ValueError)
    out = int(value)
    if (low is not None and out < low) or (high is not None and out > high):
        raise fail(name, expected, out)
    return out


def finite_result(what: str, value, *inputs: str):
    """Return ``value`` (a number, array, Series or DataFrame) if every number in it is finite.

    Otherwise raise a ValueError saying that ``what`` overflowed and naming the
    ``inputs`` that produced it, so a result is never a silent inf or NaN.

    >>> finite_result("npv", 12.5, "rate", "cashflows")
    12.5
    >>> finite_result("npv", float("inf"), "cashflows")
    Traceback (most recent call last):
    ...
    ValueError: npv is not a finite number (inf): cashflows are too large or too small to compute with; use smaller units (thousands, millions)
    """
    if isinstance(value, pd.DataFrame):
        numeric = value.select_dtypes("number")
        arr = numeric.to_numpy(dtype=float, na_value=np.nan) if numeric.size else np.zeros(0)
    elif isinstance(value, pd.Series):
        arr = value.to_numpy(dtype=float, na_value=np.nan) if value.dtype.kind in "fiucb" or str(
            value.dtype) in ("Float64", "Int64") else np.zeros(0)
    else:
        arr = np.asarray(value, dtype=float)
    if arr.size and not np.all(np.isfinite(arr)):
        bad = arr[~np.isfinite(arr)].ravel()[0]
        names = ", ".join(inputs) if inputs else _("the inputs")
        if len(inputs) == 1 and not inputs[0].endswith("s"):
            text = _("{what} is not a finite number ({bad}): {names} is too large or too small to compute with; "
                     "use smaller units (thousands, millions)")
        else:
            text = _("{what} is not a finite number ({bad}): {names} are too large or too small to compute with; "
                     "use smaller units (thousands, millions)")
        raise ValueError(text.format(what=what, bad=bad, names=names))
    return value


def mapping(name: str, value, expected: str | None = None, *, optional: bool = True):
    """``value`` if it is a mapping (dict or Series), ``None`` if it is missing and ``optional``.

    ``expected`` says what was expected in the error (default: a dict).
    """
    expected = _("a dict") if expected is None else expected
    if value is None and optional:
        return None
    if isinstance(value, pd.Series):
        return value.to_dict()
    if not isinstance(value, Mapping):
        raise fail(name, expected, value if _is_plain(value) else type(value).__name__, TypeError)
    return value


def label(name: str, value, *, frame_name: str | None = None) -> Hashable:
    """A column or row label given as an argument: a non-empty string or a number, not missing or a list."""
    if isinstance(value, (bool, np.bool_)) or is_missing(value) or not isinstance(value, Hashable) or (
            isinstance(value, str) and not value) or isinstance(value, (tuple, frozenset)):
        expected = (_("a column name of {frame} (a string)").format(frame=frame_name) if frame_name
                    else _("a column name (a string)"))
        raise fail(name, expected, value, TypeError if not isinstance(value, str) else ValueError)
    return value


def rate(name: str, value) -> float:
    """A rate as a decimal (0.12 for 12 %), which must be > -1."""
    return number(name, value, low=-1, low_open=True)


def share(name: str, value) -> float:
    """A share as a decimal in [0, 1]."""
    return number(name, value, low=0, high=1)


def vector(name: str, values, *, min_len: int = 1, nonnegative: bool = False) -> np.ndarray:
    """Return a 1-D float array of finite numbers (lists, arrays and Series are accepted)."""
    arr = _float_array(name, values, _("a sequence of numbers"))
    if arr.ndim != 1:
        raise fail(name, _("one-dimensional"), _("an array of shape {shape}").format(shape=arr.shape))
    if arr.size < min_len:
        raise fail(name, _("at least {n} value(s)").format(n=min_len), values)
    if not np.isfinite(arr).all():
        bad = int(np.flatnonzero(~np.isfinite(arr))[0])
        raise fail(name, _("finite numbers (no NaN or infinity)"),
                   _("{value} at position {position}").format(value=arr[bad], position=bad))
    if nonnegative and (arr < 0).any():
        bad = int(np.flatnonzero(arr < 0)[0])
        raise fail(name, _("non-negative"), _("{value} at position {position}").format(value=arr[bad], position=bad))
    return arr


def _float_array(name: str, values, expected: str) -> np.ndarray:
    """Any-dimensional float array of ``values`` under the policy: no text, no bools, missing values named."""
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, (Iterable, np.ndarray, pd.Series)):
        raise fail(name, expected, values if _is_plain(values) else type(values).__name__, TypeError)
    dtype = getattr(values, "dtype", None)
    # (a numpy dtype is never pandas' "boolean"; str() of a dtype costs more than the rest of the check)
    if dtype is not None and ((not isinstance(dtype, np.dtype) and str(dtype) == "boolean")
                              or getattr(dtype, "kind", "") == "b"):
        raise fail(name, _("{expected}, not True/False").format(expected=expected), _("booleans"), TypeError)
    if dtype is not None and getattr(dtype, "kind", "") in "iuf" and not isinstance(dtype, pd.CategoricalDtype):
        # numpy arrays and Series of any width, and the nullable Int64/Float64 (their <NA> is missing)
        raw = pd.Series(values).to_numpy(dtype=float, na_value=np.nan) if not isinstance(values, np.ndarray) \
            else values
        if np.isnan(raw).any() and not isinstance(values, np.ndarray) and pd.isna(pd.Series(values)).any():
            i = int(np.flatnonzero(np.isnan(raw))[0])
            raise fail(name, _("{expected} with no missing values").format(expected=expected),
                       _("<NA> at position {position}").format(position=i))
        return np.asarray(raw, dtype=float)
    try:
        raw = np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values
    except (TypeError, ValueError):
        raw = None
    if raw is None or (raw.dtype == object and any(isinstance(v, (list, tuple, np.ndarray, pd.Series))
                                                   for v in raw.ravel())):
        raise fail(name, _("{expected} (a flat list, or rows of equal length)").format(expected=expected),
                   _("rows of different lengths") if isinstance(values, (list, tuple)) else type(values).__name__)
    if raw.dtype.kind == "b":
        raise fail(name, _("{expected}, not True/False").format(expected=expected), _("booleans"), TypeError)
    if raw.dtype.kind in "USMm":
        raise fail(name, _("{expected}, not text or dates").format(expected=expected),
                   raw.ravel()[0] if raw.size else _("text"), TypeError)
    if raw.dtype == object:
        for i, v in enumerate(raw.ravel()):
            if isinstance(v, (bool, np.bool_, str)) or not (isinstance(v, (Real, np.number, decimal.Decimal))
                                                              or is_missing(v)):
                raise fail(name, _("{expected} (not text, True/False or other objects)").format(expected=expected),
                           _("{value} at position {position}").format(value=_show(v), position=i), TypeError)
            if is_missing(v) and not isinstance(v, (float, np.floating)):
                raise fail(name, _("{expected} with no missing values").format(expected=expected),
                           _("{value} at position {position}").format(value=_show(v), position=i))
    try:
        return np.asarray(raw, dtype=float)
    except OverflowError:
        raise fail(name, _("finite numbers (no NaN or infinity)"), _("a number too large for a float")) from None
    except (TypeError, ValueError):
        raise fail(name, expected, values if _is_plain(values) else type(values).__name__, TypeError) from None


def numeric_column(frame_name: str, frame: pd.DataFrame, column, *, nonnegative: bool = False,
                   integer: bool = False, missing: bool = False, name: str | None = None) -> np.ndarray:
    """A DataFrame column as a float array: numeric dtype (nullable ones too), no text, no bools.

    Missing values are an error naming the row unless ``missing=True`` (then they are NaN).
    Errors call the column ``name`` (default ``frame_name['column']``).
    """
    name = name or f"{frame_name}[{column!r}]"
    s = frame[column]
    if isinstance(s, pd.DataFrame):
        raise ValueError(_("{frame} has more than one column named {column}; column names must be unique").format(
            frame=frame_name, column=repr(column)))
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(object)
    if s.dtype.kind == "b" or str(s.dtype) == "boolean":
        raise fail(name, _("numbers, not True/False"), _("booleans"), TypeError)
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
        for row, v in s.items():
            if isinstance(v, (bool, np.bool_, str)) or not (isinstance(v, (Real, np.number, decimal.Decimal))
                                                              or is_missing(v)):
                raise fail(name, _("numeric (not text or True/False)"), v, TypeError, row=row)
    elif s.dtype.kind not in "iuf" and str(s.dtype) not in ("Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16",
                                                             "UInt32", "UInt64", "Float32", "Float64"):
        raise fail(name, _("numeric"), _("a column of dtype {dtype}").format(dtype=s.dtype), TypeError)
    try:
        arr = s.to_numpy(dtype=float, na_value=np.nan)
    except OverflowError:
        raise fail(name, _("finite numbers"), _("a number too large for a float")) from None
    bad = np.isinf(arr) | (np.isnan(arr) if not missing else False)
    if np.any(bad):
        row = frame.index[int(np.flatnonzero(bad)[0])]
        raise fail(name, _("finite numbers") if missing else _("finite numbers with no missing values"),
                   s.loc[row] if frame.index.is_unique else arr[bad][0], row=row)
    if nonnegative and np.any(arr < 0):
        row = frame.index[int(np.flatnonzero(arr < 0)[0])]
        raise fail(name, _("numbers >= 0"), arr[arr < 0][0], row=row)
    if integer and np.any(np.isfinite(arr) & (arr != np.round(arr))):
        i = int(np.flatnonzero(np.isfinite(arr) & (arr != np.round(arr)))[0])
        raise fail(name, _("whole numbers"), arr[i], row=frame.index[i])
    return arr


def columns(name: str, frame, required) -> pd.DataFrame:
    """Check that ``frame`` is a DataFrame holding every column in ``required``.

    ``required`` is a list of column names, or a dict ``{parameter: column}`` when
    the columns are arguments (``customer="client"``): a bad or absent column then
    names the parameter too.
    """
    if not isinstance(frame, pd.DataFrame):
        raise fail(name, _("a pandas DataFrame"), type(frame).__name__, TypeError)
    if isinstance(required, Mapping):
        for param, column in required.items():
            label(param, column, frame_name=name)
        missing = [c for c in required.values() if c not in frame.columns]
        if missing:
            which = [p for p, c in required.items() if c in missing]
            raise ValueError(_("{name} is missing column(s) {missing} (given as {given}); it has {columns}").format(
                name=name, missing=missing, given=", ".join(which), columns=list(map(str, frame.columns))))
        return frame
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValueError(_("{name} is missing column(s) {missing}; it has {columns}").format(
            name=name, missing=missing, columns=list(map(str, frame.columns))))
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
    try:
        known = any(value is o or (type(value) is type(o) and bool(value == o)) for o in options)
    except (TypeError, ValueError):  # pd.NA, arrays: never one of the options
        known = False
    if not known:
        raise ValueError(_("{name} must be one of {options}; got {given}").format(
            name=name, options=", ".join(map(repr, options)), given=_show(value)))
    return value


def weights(name: str, values, *, tol: float = 1e-6) -> np.ndarray:
    """Weights: non-negative, finite and summing to 1 (within ``tol``)."""
    arr = vector(name, values, nonnegative=True)
    total = float(arr.sum())
    if abs(total - 1.0) > tol:
        raise ValueError(_("{name} must sum to 1; they sum to {total}").format(name=name, total=f"{total:.6g}"))
    return arr


def array(name: str, values, *, ndim: int | None = None) -> np.ndarray:
    """A float array of finite numbers of any shape (``ndim`` to require one), under the same policy as :func:`vector`."""
    arr = _float_array(name, values, _("numbers") if ndim != 2 else _("a table of numbers (rows of equal length)"))
    if ndim is not None and arr.ndim != ndim:
        raise fail(name, _("{n}-dimensional").format(n=ndim), _("an array of shape {shape}").format(shape=arr.shape))
    if not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise fail(name, _("finite numbers (no NaN or infinity)"),
                   _("{value} at position {position}").format(value=arr[tuple(bad)], position=tuple(bad.tolist())))
    return arr


_TEXT = ("currency", "cmap", "colour", "leader_colour", "agg", "by")
_OPTIONAL_TEXT = ("title", "fmt")
_POSITIVE = ("fontsize", "pad", "gap")
_COUNTS = ("max_iter", "max_frequency")
_SEQUENCES = ("x", "y", "frequency", "actual", "predicted")
_FRAMES = ("frame", "actions", "items", "table")


def _kind_names(value) -> set:
    return {c.__name__ for c in type(value).__mro__}


def plot_args(args: Mapping, **expected) -> None:
    """Check the arguments of a plot function at its entry, by parameter name (one line per function).

    ``expected`` maps a parameter to the class name(s) its value must have (a result
    object such as ``"AHPResult"``, or ``"Mapping"``); the other parameters are
    checked by their conventional names: ``ax`` None or a matplotlib Axes,
    ``fontsize``/``pad``/``gap`` positive numbers, ``title``/``fmt`` text or None,
    ``currency``/``cmap``/``agg`` text, ``max_frequency``/``max_iter``/``top`` whole
    numbers, ``labels`` None or a mapping or sequence, ``x``/``y`` numbers, and
    frames (``frame``, ``actions``, ``items``, ``table``) non-empty DataFrames.

    >>> plot_args({"result": 3, "ax": None}, result=("AHPResult",))
    Traceback (most recent call last):
    ...
    TypeError: result must be a AHPResult (from the crmlab function that makes it); got 'int'
    """
    for name, value in args.items():
        if name in expected:
            kinds = expected[name]
            ok = bool(_kind_names(value) & set(kinds)) or ("Mapping" in kinds and isinstance(value, Mapping)) or (
                "DataFrame" in kinds and isinstance(value, pd.DataFrame))
            if not ok:
                # TRANSLATORS: {kinds} are class names joined by " or " (translated separately).
                raise fail(name, _("a {kinds} (from the crmlab function that makes it)").format(
                    kinds=_(" or ").join(kinds)), type(value).__name__, TypeError)
            if isinstance(value, pd.DataFrame) and value.empty:
                raise fail(name, _("a table with at least one row"), _("an empty DataFrame"))
        elif name == "ax":
            if value is not None and "Axes" not in _kind_names(value):
                raise fail("ax", _("None or a matplotlib Axes"), type(value).__name__, TypeError)
        elif name in _POSITIVE:  # the plot code uses the value itself: a float, below absurd sizes
            if isinstance(value, decimal.Decimal):
                raise fail(name, _("a number (int or float)"), value, TypeError)
            number(name, value, low=0, low_open=True, high=1e6)
        elif name in _COUNTS:
            whole(name, value, low=1, high=10_000)
        elif name == "top" and value is not None and not isinstance(value, Mapping):
            whole(name, value, low=1, high=10_000)
        elif name in _TEXT or (name in _OPTIONAL_TEXT and value is not None):
            if not isinstance(value, str):
                raise fail(name, _("text (a string) or None") if name in _OPTIONAL_TEXT else _("text (a string)"),
                           value, TypeError)
        elif name in ("rows", "cols") or (name == "values" and value is not None and "values" not in expected):
            label(name, value)
        elif name == "labels" and value is not None and not isinstance(value, str):  # a str names a column
            if isinstance(value, bytes) or not isinstance(value, (Mapping, pd.Series, pd.Index, list, tuple,
                                                                          np.ndarray)):
                raise fail(name, _("None, a mapping {key: label} or a list of labels"), value, TypeError)
        elif name in _SEQUENCES or (name == "rates" and value is not None):
            vector(name, value)
        elif name in ("low", "high") and value is not None:
            if isinstance(value, decimal.Decimal):
                raise fail(name, _("a number (int or float)"), value, TypeError)
            number(name, value, low=-1e100, high=1e100)
        elif name in _FRAMES:
            if not isinstance(value, pd.DataFrame):
                raise fail(name, _("a pandas DataFrame"), type(value).__name__, TypeError)
            if value.empty:
                raise fail(name, _("a table with at least one row"), _("an empty DataFrame"))
