"""The workbook's datasets: small, documented CSV files checked against a data dictionary.

Each dataset is a CSV file in ``datasets/`` described column by column in
``datasets/dictionary.yaml`` (type, unit, description, allowed range). Loading a
dataset sets the dictionary's dtypes and validates every value, so a file
edited by hand into an impossible state fails loudly, naming file, column
and row.

Examples
--------
>>> from crmlab import datasets
>>> "transactions" in datasets.names()
True
>>> costs = datasets.load("crm_costs")
>>> costs.dtypes["amount"], costs.dtypes["year"]
(dtype('float64'), dtype('int64'))
>>> datasets.describe("crm_costs").loc["year", "range"]
'1 to 5'
>>> datasets.load("crm_cost")
Traceback (most recent call last):
...
KeyError: "unknown dataset 'crm_cost'; did you mean 'crm_costs'? Known datasets: crm_costs, crm_scorecard, ..."
"""

from __future__ import annotations

import difflib
import functools
import inspect
import io
from importlib import resources
from pathlib import Path

import pandas as pd

from crmlab.i18n import gettext as _

__all__ = ["names", "load", "describe", "about", "path", "read_csv", "DatasetError"]

_TYPES = ("int", "float", "str", "date")


class DatasetError(ValueError):
    """A dataset file does not match its data dictionary."""


def _data_dir() -> Path:
    # In a wheel the CSVs are packaged as crmlab/_datasets; in a source checkout
    # (editable install, or running from the repository) they sit in datasets/.
    packaged = resources.files("crmlab") / "_datasets"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "datasets"


@functools.lru_cache(maxsize=1)
def _dictionary() -> dict:
    import yaml  # only needed once, when the first dataset is opened

    with open(_data_dir() / "dictionary.yaml", encoding="utf-8") as handle:
        spec = yaml.safe_load(handle)
    for name, entry in spec.items():
        for col in entry["columns"]:
            if col["type"] not in _TYPES:
                raise DatasetError(f"dictionary.yaml: {name}.{col['name']} has unknown type {col['type']!r}")
    return spec


def names() -> list[str]:
    """Names of the datasets shipped with crmlab, sorted.

    >>> names()[:3]
    ['crm_costs', 'crm_scorecard', 'expert_rankings']
    """
    return sorted(_dictionary())


def _entry(name) -> dict:
    spec = _dictionary()
    if not isinstance(name, str) or name not in spec:
        close = difflib.get_close_matches(str(name), spec, n=1)
        known = ", ".join(sorted(spec))
        if close:
            raise KeyError(_("unknown dataset {name!r}; did you mean {close!r}? Known datasets: {known}").format(
                name=name, close=close[0], known=known))
        raise KeyError(_("unknown dataset {name!r}; Known datasets: {known}").format(name=name, known=known))
    return spec[name]


def path(name: str) -> Path:
    """Path of the CSV file behind dataset ``name``.

    >>> path("transactions").name
    'transactions.csv'
    """
    _entry(name)
    return _data_dir() / f"{name}.csv"


def about(name: str) -> str:
    """Title, source and modelling assumptions of a dataset, as text.

    >>> print(about("crm_costs").splitlines()[0])
    Five-year cost plan of a telecom group-customer CRM project (TCO line items)
    """
    entry = _entry(name)
    return f"{entry['title']}\nSource: {entry['source']}\nAssumptions: {entry['assumptions']}"


def describe(name: str) -> pd.DataFrame:
    """The data dictionary of a dataset: one row per column with type, unit, range and description.

    >>> describe("transactions").columns.tolist()
    ['type', 'unit', 'range', 'description']
    """
    rows = []
    for col in _entry(name)["columns"]:
        if "allowed" in col:
            allowed = "one of: " + ", ".join(map(str, col["allowed"]))
        elif "min" in col and "max" in col:
            allowed = f"{col['min']} to {col['max']}"
        elif "min" in col:
            allowed = f">= {col['min']}"
        elif "max" in col:
            allowed = f"<= {col['max']}"
        else:
            allowed = ""
        rows.append({"column": col["name"], "type": col["type"], "unit": col.get("unit", ""),
                     "range": allowed, "description": col["description"]})
    frame = pd.DataFrame(rows).set_index("column")
    frame.attrs["title"] = _entry(name)["title"]
    return frame


def _where(label: str, positions) -> str:
    first = int(positions[0])
    # Row numbers count data rows from 1; the header is line 1 of the file.
    if len(positions) > 1:
        return _("{label}: row {row} (line {line} of the file) (and {more} more rows)").format(
            label=label, row=first + 1, line=first + 2, more=len(positions) - 1)
    return _("{label}: row {row} (line {line} of the file)").format(label=label, row=first + 1, line=first + 2)


def _coerce(raw: pd.DataFrame, name: str, label: str) -> pd.DataFrame:
    """Turn the all-text frame ``raw`` into typed columns, validating against the dictionary."""
    spec = _entry(name)["columns"]
    expected = [c["name"] for c in spec]
    missing = [c for c in expected if c not in raw.columns]
    if missing:
        raise DatasetError(_("{label}: missing column(s) {missing}; the file has {columns}").format(
            label=label, missing=missing, columns=list(raw.columns)))
    extra = [c for c in raw.columns if c not in expected]
    if extra:
        raise DatasetError(_("{label}: unexpected column(s) {extra}; the dictionary lists {expected}").format(
            label=label, extra=extra, expected=expected))
    out = {}
    for col in spec:
        cname, ctype = col["name"], col["type"]
        text = raw[cname]
        where = _("{label}, column {column!r}").format(label=label, column=cname)
        empty = (text.str.strip() == "").to_numpy().nonzero()[0]
        if empty.size:
            raise DatasetError(_("{where} is empty; every value is required").format(where=_where(where, empty)))
        if ctype == "str":
            values = text.astype("str")
        elif ctype == "date":
            values = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
            bad = values.isna().to_numpy().nonzero()[0]
            if bad.size:
                raise DatasetError(_("{where}: {value!r} is not a date (yyyy-mm-dd)").format(
                    where=_where(where, bad), value=text.iloc[bad[0]]))
        else:
            values = pd.to_numeric(text, errors="coerce")
            bad = (values.isna() | ~values.abs().lt(float("inf"))).to_numpy().nonzero()[0]
            if bad.size:
                raise DatasetError(_("{where}: {value!r} is not a number").format(where=_where(where, bad),
                                                                                   value=text.iloc[bad[0]]))
            if ctype == "int":
                fractional = (values % 1 != 0).to_numpy().nonzero()[0]
                if fractional.size:
                    raise DatasetError(_("{where}: {value!r} is not a whole number").format(
                        where=_where(where, fractional), value=text.iloc[fractional[0]]))
                values = values.astype("int64")
            else:
                values = values.astype("float64")
        if "allowed" in col:
            allowed = [str(a) for a in col["allowed"]]
            bad = (~values.isin(allowed)).to_numpy().nonzero()[0]
            if bad.size:
                raise DatasetError(_("{where}: {value!r} is not one of {allowed}").format(
                    where=_where(where, bad), value=values.iloc[bad[0]], allowed=", ".join(allowed)))
        for bound, op in (("min", "lt"), ("max", "gt")):
            if bound in col:
                limit = pd.Timestamp(col[bound]) if ctype == "date" else col[bound]
                bad = getattr(values, op)(limit).to_numpy().nonzero()[0]
                if bad.size:
                    message = (_("{where}: {value} is below the minimum {limit}") if bound == "min"
                               else _("{where}: {value} is above the maximum {limit}"))
                    raise DatasetError(message.format(where=_where(where, bad), value=text.iloc[bad[0]],
                                                      limit=col[bound]))
        out[cname] = values
    return pd.DataFrame(out)


def read_csv(source, name: str, label: str | None = None) -> pd.DataFrame:
    """Read a CSV (path or file-like) that should follow dataset ``name``'s dictionary, and validate it.

    Use it to check a file you edited or collected yourself against the same rules.

    >>> import io
    >>> read_csv(io.StringIO("item,component,year,phase,purpose,amount\\nServers,hardware,6,initial,implementation,10\\n"),
    ...          "crm_costs")
    Traceback (most recent call last):
    ...
    crmlab.datasets.DatasetError: crm_costs, column 'year': row 1 (line 2 of the file): 6 is above the maximum 5
    """
    _entry(name)
    if not isinstance(source, (str, Path)) and not hasattr(source, "read"):
        raise TypeError(_("source must be a file name, a pathlib.Path or an open file; got {type}").format(
            type=type(source).__name__))
    if label is not None and not isinstance(label, str):
        raise TypeError(_("label must be a string (a name for the file in messages) or None; got {label!r}").format(
            label=label))
    label = label or (str(source) if isinstance(source, (str, Path)) else name)
    try:
        raw = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DatasetError(_("{label}: not a readable CSV file ({exc})").format(label=label, exc=exc)) from None
    return _coerce(raw, name, label)


def _write(frame: pd.DataFrame, target) -> None:
    frame.to_csv(target, index=False, lineterminator="\n", date_format="%Y-%m-%d")


@functools.lru_cache(maxsize=32)
def _load_cached(name: str, variant: int) -> pd.DataFrame:
    if variant == 0:
        file = path(name)
        return read_csv(file, name, label=f"datasets/{file.name}")
    from crmlab import datagen

    func = datagen.GENERATORS[name]
    seed = inspect.signature(func).parameters["seed"].default + variant
    buffer = io.StringIO()
    # Round-trip through CSV text so a variant has exactly the dtypes and
    # precision of the shipped file.
    _write(func(seed=seed), buffer)
    buffer.seek(0)
    return read_csv(buffer, name, label=f"{name} (variant {variant})")


def load(name: str, variant: int | None = None) -> pd.DataFrame:
    """Load a dataset as a DataFrame with the dictionary's dtypes.

    Parameters
    ----------
    name : str
        One of :func:`names`.
    variant : int, optional
        ``None`` or 0 gives the shipped file. A positive integer gives a
        per-student variant: the same generator and structure with other
        random draws, so every student gets different but equivalent numbers.

    Returns
    -------
    pandas.DataFrame
        A fresh copy: changing it does not affect later loads.

    Examples
    --------
    >>> survey = load("service_survey")
    >>> survey.shape
    (500, 25)
    >>> load("service_survey", variant=3).shape
    (500, 25)
    """
    _entry(name)
    if variant is None:
        variant = 0
    if isinstance(variant, bool) or not isinstance(variant, int):
        raise TypeError(_("variant must be None or a whole number >= 0; got {variant!r}").format(variant=variant))
    if variant < 0:
        raise ValueError(_("variant must be None or a whole number >= 0; got {variant!r}").format(variant=variant))
    return _load_cached(name, variant).copy()
