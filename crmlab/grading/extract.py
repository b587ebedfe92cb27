"""Step 2 of grading: take the answer variables out of a student's kernel as plain data (JSON), never pickle.

:data:`ENCODER` is code run as one last cell in the student's kernel: it writes the
variables the tests read (numbers, text, lists, tuples, sets, dicts, numpy arrays,
pandas Series, Index and DataFrames) as tagged JSON. Anything else becomes a
marker saying which type it was. The grader reads that file with :func:`decode`,
which rebuilds the values with size and depth limits, so nothing the student's
code defined ever runs in the grader: at worst a student forges their own
answers, which they could type anyway.

>>> decode({"t": "list", "v": [{"t": "num", "v": 1.5}, {"t": "str", "v": "price"}, {"t": "blank"}]})
[1.5, 'price', Ellipsis]
>>> decode({"t": "other", "type": "MyClass"})
<an object of type MyClass the grader cannot read>
"""

from __future__ import annotations

import json
import math
from pathlib import Path

__all__ = ["ENCODER", "encoder_cell", "digest", "MAX_BYTES", "Unreadable", "decode", "read_answers", "encode_value"]

MAX_BYTES = 20_000_000
"""Largest answer file the grader reads (bytes); a bigger one counts as no answers."""

_MAX_DEPTH = 8
_MAX_ITEMS = 2_000_000


class Unreadable:
    """Stands for an answer of a type the grader does not read (a function, a class of the student's own...)."""

    def __init__(self, type_name: str):
        self.type_name = str(type_name)[:60]

    def __repr__(self) -> str:
        return f"<an object of type {self.type_name} the grader cannot read>"

    __str__ = __repr__


# Runs inside the student's kernel (see encoder_cell). Uses only the standard library, numpy and
# pandas; it defines nothing that stays in the student's namespace.
ENCODER = r'''
def __crmlab_extract(__names, __path):
    import json, math
    try:
        import numpy as np
    except Exception:
        np = None
    try:
        import pandas as pd
    except Exception:
        pd = None
    budget = [2_000_000]

    def num(x):
        x = float(x)
        return x if math.isfinite(x) else repr(x)

    def enc(v, depth=0):
        budget[0] -= 1
        if budget[0] < 0 or depth > 8:
            return {"t": "other", "type": "too large"}
        if v is None:
            return {"t": "none"}
        if v is Ellipsis:
            return {"t": "blank"}
        if isinstance(v, bool) or (np is not None and isinstance(v, np.bool_)):
            return {"t": "bool", "v": bool(v)}
        if isinstance(v, int) or (np is not None and isinstance(v, np.integer)):
            return {"t": "int", "v": str(int(v))}
        if isinstance(v, float) or (np is not None and isinstance(v, np.floating)):
            return {"t": "num", "v": num(v)}
        if isinstance(v, str):
            return {"t": "str", "v": str(v)[:100_000]}
        if pd is not None and isinstance(v, pd.DataFrame):
            return {"t": "frame", "columns": [enc(c, depth + 1) for c in v.columns],
                    "index": [enc(i, depth + 1) for i in v.index], "index_name": enc(v.index.name, depth + 1),
                    "data": [[enc(x, depth + 2) for x in v[c].tolist()] for c in v.columns]}
        if pd is not None and isinstance(v, pd.Series):
            return {"t": "series", "index": [enc(i, depth + 1) for i in v.index], "name": enc(v.name, depth + 1),
                    "data": [enc(x, depth + 1) for x in v.tolist()]}
        if pd is not None and isinstance(v, pd.Index):
            return {"t": "index", "v": [enc(x, depth + 1) for x in v.tolist()]}
        if np is not None and isinstance(v, np.ndarray):
            return {"t": "array", "v": [enc(x, depth + 1) for x in v.tolist()]}
        if isinstance(v, (list, tuple, set, frozenset)):
            kind = "list" if isinstance(v, list) else "tuple" if isinstance(v, tuple) else "set"
            items = sorted(v, key=repr) if kind == "set" else list(v)
            return {"t": kind, "v": [enc(x, depth + 1) for x in items]}
        if isinstance(v, dict):
            return {"t": "dict", "v": [[enc(k, depth + 1), enc(x, depth + 1)] for k, x in v.items()]}
        if pd is not None and isinstance(v, pd.Timestamp):
            return {"t": "str", "v": v.isoformat()}
        return {"t": "other", "type": type(v).__name__}

    space = globals()
    out = {}
    for name in __names:
        if name in space:
            try:
                out[name] = enc(space[name])
            except Exception as exc:
                out[name] = {"t": "other", "type": type(space[name]).__name__}
    with open(__path, "w", encoding="utf-8") as handle:
        json.dump(out, handle)

__crmlab_extract(__NAMES__, __PATH__)
del __crmlab_extract
'''


def encoder_cell(names, path) -> str:
    """The source of the extraction cell for these variable names and this output file."""
    return ENCODER.replace("__NAMES__", repr(sorted(map(str, names)))).replace("__PATH__", repr(str(path)))


def _key(value):
    """Dict keys and index labels must be hashable: lists become tuples."""
    if isinstance(value, list):
        return tuple(_key(v) for v in value)
    if isinstance(value, set):
        return frozenset(value)
    return value


def decode(obj, depth: int = 0, _budget=None):
    """Rebuild one value from the tagged JSON written by :data:`ENCODER` (limits on depth and items)."""
    import numpy as np
    import pandas as pd

    budget = _budget if _budget is not None else [_MAX_ITEMS]
    budget[0] -= 1
    if budget[0] < 0 or depth > _MAX_DEPTH + 3 or not isinstance(obj, dict):
        return Unreadable("too large" if budget[0] < 0 else "damaged")
    kind = obj.get("t")
    v = obj.get("v")
    sub = lambda x, d=1: decode(x, depth + d, budget)  # noqa: E731 - a short local helper
    if kind == "none":
        return None
    if kind == "blank":
        return Ellipsis
    if kind == "bool":
        return bool(v)
    if kind == "int":
        try:
            return int(str(v)[:400])
        except ValueError:
            return Unreadable("int")
    if kind == "num":
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return float(v)
        return float(v) if v in ("nan", "inf", "-inf") else Unreadable("float")
    if kind == "str":
        return str(v)[:100_000]
    if kind in ("list", "tuple", "set", "array", "index") and isinstance(v, list):
        items = [sub(x) for x in v]
        if kind == "tuple":
            return tuple(items)
        if kind == "set":
            try:
                return set(_key(x) for x in items)
            except TypeError:
                return Unreadable("set")
        if kind == "array":
            try:
                return np.asarray(items)
            except (ValueError, TypeError):
                return Unreadable("ndarray")
        if kind == "index":
            return pd.Index(items)
        return items
    if kind == "dict" and isinstance(v, list):
        out = {}
        for pair in v:
            if isinstance(pair, list) and len(pair) == 2:
                try:
                    out[_key(sub(pair[0]))] = sub(pair[1])
                except TypeError:
                    return Unreadable("dict")
        return out
    if kind == "series" and isinstance(obj.get("data"), list) and isinstance(obj.get("index"), list):
        data, index = [sub(x) for x in obj["data"]], [_key(sub(x)) for x in obj["index"]]
        if len(data) != len(index):
            return Unreadable("Series")
        name = sub(obj.get("name", {"t": "none"}))
        return pd.Series(data, index=index, name=_key(name) if not isinstance(name, Unreadable) else None)
    if kind == "frame" and all(isinstance(obj.get(k), list) for k in ("columns", "index", "data")):
        columns = [_key(sub(x)) for x in obj["columns"]]
        index = [_key(sub(x)) for x in obj["index"]]
        data = obj["data"]
        if len(data) != len(columns) or any(not isinstance(col, list) or len(col) != len(index) for col in data):
            return Unreadable("DataFrame")
        try:
            frame = pd.DataFrame({i: [sub(x, 2) for x in col] for i, col in enumerate(data)}, index=index)
        except (ValueError, TypeError):
            return Unreadable("DataFrame")
        frame.columns = pd.Index(columns) if columns else frame.columns
        frame = frame.infer_objects()
        name = sub(obj.get("index_name", {"t": "none"}))
        frame.index.name = name if isinstance(name, (str, int)) else None
        return frame
    if kind == "other":
        return Unreadable(obj.get("type", "?"))
    return Unreadable("damaged")


def read_answers(path) -> tuple[dict, str | None]:
    """Decode an answer file; returns ``(answers, problem)`` where problem says why nothing could be read."""
    path = Path(path)
    if not path.is_file():
        return {}, "the notebook's answers could not be read (the run ended before they were collected)"
    size = path.stat().st_size
    if size > MAX_BYTES:
        return {}, f"the answers take {size / 1e6:.0f} MB, more than the {MAX_BYTES / 1e6:.0f} MB the grader reads"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return {}, "the notebook's answers could not be read (damaged answer file)"
    if not isinstance(raw, dict):
        return {}, "the notebook's answers could not be read (damaged answer file)"
    budget = [_MAX_ITEMS]
    return {str(k)[:200]: decode(v, 0, budget) for k, v in list(raw.items())[:500]}, None


def encode_value(value) -> dict:
    """Encode a value as :data:`ENCODER` does, in this process (used to compare answers and in tests).

    >>> decode(encode_value({"a": [1, 2.5]}))
    {'a': [1, 2.5]}
    """
    space: dict = {}
    import os
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        target = os.path.join(tmp, "a.json")
        space["value"] = value
        exec(encoder_cell(["value"], target), space)  # our own encoder, on our own value
        with open(target, encoding="utf-8") as handle:
            return json.load(handle)["value"]


def digest(value) -> str:
    """A short fingerprint of a decoded answer, to spot identical answers across students."""
    import hashlib

    def canon(v):
        if isinstance(v, float):
            return round(v, 9) if math.isfinite(v) else repr(v)
        if hasattr(v, "to_dict") and hasattr(v, "index"):
            return canon(v.to_dict())
        if isinstance(v, dict):
            return sorted((repr(k), canon(x)) for k, x in v.items())
        if isinstance(v, (list, tuple)) or (hasattr(v, "tolist") and not isinstance(v, str)):
            return [canon(x) for x in (v.tolist() if hasattr(v, "tolist") else v)]
        if isinstance(v, (set, frozenset)):
            return sorted(repr(x) for x in v)
        return repr(v)

    return hashlib.sha256(json.dumps(canon(value), default=repr).encode()).hexdigest()[:16]
