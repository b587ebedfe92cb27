"""A balanced scorecard (平衡计分卡) for CRM: measures, achievement, perspectives and a weighted total.

Kaplan & Norton's balanced scorecard looks at performance from four
perspectives (course 14.1.5): **financial** (财务), **customer** (客户),
**internal process** (内部流程) and **learning & growth** (学习与成长). Each
perspective has objectives, each objective one or more measures with a target,
an actual value, a direction and a weight.

Conventions
-----------
* **Achievement** of a measure = actual / target when higher is better, and
  target / actual when lower is better (a cost or a resolution time), capped to
  [0, ``cap``] with ``cap = 1.2`` by default: over-achievement counts, but at most
  20 % above target, so one star measure cannot hide a failing one. A negative
  actual (e.g. shrinking revenue) scores 0; a lower-is-better actual of 0 scores ``cap``.
* **Weights** are global: they sum to 1 over all measures (as in the
  ``crm_scorecard`` dataset). A perspective's weight is the sum of its measures'
  weights; its achievement is the weighted mean of its measures' achievements.
* The **total** score = Σ weight × achievement (1.0 = every target exactly met).
* **Status** of a score: "on track" if ≥ 0.95, "at risk" if ≥ 0.85, else
  "off track" (:data:`STATUS_THRESHOLDS`; the pyramid uses the same rule). The
  rule applies to the exact score; figures and widgets print scores with
  :func:`percent_label`, which *truncates* to one decimal (0.8453 → "84.5%",
  never "85%"), so a printed figure never reaches a threshold its status has not:
  rounding to whole percents showed "85%" for both an off-track 0.8453 and an
  at-risk 0.8511.

Examples
--------
>>> import pandas as pd
>>> card = from_frame(pd.DataFrame({
...     "perspective": ["financial", "customer", "internal process", "learning & growth"],
...     "measure": ["Revenue growth", "Retention rate", "Complaint hours", "Training hours"],
...     "target": [0.10, 0.80, 24, 20], "actual": [0.11, 0.76, 30, 20],
...     "direction": ["higher", "higher", "lower", "higher"], "weight": [0.3, 0.3, 0.2, 0.2]}))
>>> round(card.total, 4), card.status
(0.975, 'on track')
>>> card.by_perspective()["achievement"].round(4).tolist()
[1.1, 0.95, 0.8, 1.0]
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from crmlab import _checks
from crmlab._checks import choice, columns, fail, number
from crmlab._results import ResultMixin, table_repr
from crmlab.i18n import N_
from crmlab.i18n import gettext as _

__all__ = [
    "PERSPECTIVES",
    "PERSPECTIVE_NAMES",
    "DIRECTIONS",
    "STATUS_THRESHOLDS",
    "REQUIRED_COLUMNS",
    "achievement",
    "status",
    "percent_label",
    "from_frame",
    "read",
    "Scorecard",
]

#: The four perspectives, in the order Kaplan & Norton draw them (codes used in the datasets).
PERSPECTIVES = ("financial", "customer", "internal_process", "learning_growth")
#: Display names, English and Chinese.
PERSPECTIVE_NAMES = {
    "financial": N_("Financial 财务"),
    "customer": N_("Customer 客户"),
    "internal_process": N_("Internal process 内部流程"),
    "learning_growth": N_("Learning & growth 学习与成长"),
}
#: "higher" is better (revenue, retention) or "lower" is better (cost, resolution time).
DIRECTIONS = ("higher", "lower")
#: Lower bounds of the statuses: a score ≥ 0.95 is on track, ≥ 0.85 at risk, anything lower off track.
STATUS_THRESHOLDS = {N_("on track"): 0.95, N_("at risk"): 0.85}
#: Columns a scorecard table must have (``objective`` and ``unit`` are optional).
REQUIRED_COLUMNS = ("perspective", "measure", "target", "actual", "direction", "weight")

_ALIASES = {
    "finance": "financial",
    "customers": "customer",
    "internal": "internal_process",
    "process": "internal_process",
    "internal_processes": "internal_process",
    "internal_business_process": "internal_process",
    "learning": "learning_growth",
    "learning_and_growth": "learning_growth",
    "learning_growth": "learning_growth",
    "learning_development": "learning_growth",
}


def _perspective_code(value) -> str | None:
    """Map 'Internal process', 'learning & growth', '内部流程' … to the code, or None if unknown."""
    text = str(value).strip()
    for code, name in PERSPECTIVE_NAMES.items():
        if text == name.split(" ")[-1]:  # the Chinese name
            return code
    key = re.sub(r"[^a-z]+", "_", text.lower().replace("&", " and ")).strip("_")
    if key in PERSPECTIVES:
        return key
    key = _ALIASES.get(key, key)
    return key if key in PERSPECTIVES else None


def _scalar(name: str, value) -> float:
    if isinstance(value, (float, np.floating)) and not math.isfinite(value):
        raise fail(name, _("finite numbers"), value)
    return number(name, value)


def achievement(target, actual, direction="higher", cap: float = 1.2) -> np.ndarray | float:
    """Achievement ratio of measures: actual/target (higher is better) or target/actual (lower), capped to [0, cap].

    Parameters
    ----------
    target, actual : number or array-like
        Targets must be > 0 (a ratio to a zero or negative target has no meaning:
        restate such a measure, e.g. as a rate or with a baseline).
    direction : "higher", "lower" or array-like of them
    cap : float
        Upper bound of a single measure's achievement (≥ 1).

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> achievement(0.8, 0.76), achievement(24, 30, "lower"), achievement(10, 15)
    (0.95, 0.8, 1.2)
    """
    cap = number("cap", cap, low=1)
    scalar = _checks.ndim("target", target) == 0 and _checks.ndim("actual", actual) == 0 and \
        _checks.ndim("direction", direction) == 0
    # numbers under the input policy: "0.1" (text), True and missing values are errors naming the argument
    t, a = (np.atleast_1d(_checks._float_array(k, v, "numbers") if np.ndim(v) else _scalar(k, v))
            for k, v in (("target", target), ("actual", actual)))
    if isinstance(direction, (str, list, tuple, np.ndarray, pd.Series)) and np.ndim(direction) <= 1:
        d = np.atleast_1d(np.asarray(direction, dtype=object))
    else:
        raise fail("direction", _("'higher', 'lower' or a list of them"), direction, TypeError)
    try:
        t, a, d = np.broadcast_arrays(t, a, d)
    except ValueError:
        raise fail(_("target, actual and direction"), _("of matching lengths"),
                   _("lengths {target}, {actual}, {direction}").format(target=t.size, actual=a.size,
                                                                       direction=d.size)) from None
    for name, arr in (("target", t), ("actual", a)):
        if not np.all(np.isfinite(arr)):
            k = int(np.flatnonzero(~np.isfinite(arr))[0])
            raise fail(name, _("finite numbers"), _("{value} at position {position}").format(value=arr[k], position=k))
    bad = [x for x in d if not isinstance(x, str) or x not in DIRECTIONS]
    if bad:
        raise fail("direction", _("'higher' or 'lower'"), bad[0])
    if np.any(t <= 0):
        k = int(np.flatnonzero(t <= 0)[0])
        raise fail("target", _("> 0 (achievement is a ratio to the target)"),
                   _("{value:g} at position {position}").format(value=t[k], position=k))
    lower = d == "lower"
    if np.any(lower & (a < 0)):
        k = int(np.flatnonzero(lower & (a < 0))[0])
        raise fail("actual", _(">= 0 for a lower-is-better measure"),
                   _("{value:g} at position {position}").format(value=a[k], position=k))
    # Ratios that overflow are far above the cap anyway.
    with np.errstate(divide="ignore", over="ignore"):
        ratio = np.where(lower, np.divide(t, a, out=np.full_like(t, np.inf), where=a > 0), a / t)
    out = np.clip(ratio, 0.0, cap)
    return float(out[0]) if scalar else out


def status(score, thresholds: Mapping | None = None):
    """Status label(s) of achievement score(s): "on track", "at risk" or "off track".

    Parameters
    ----------
    score : float or array-like
        Achievement score(s); NaN (a measure or node without data) gets the label "no data".
    thresholds : mapping, optional
        ``{"on track": 0.95, "at risk": 0.85}`` (the default, :data:`STATUS_THRESHOLDS`).

    Examples
    --------
    >>> status(0.97), status(0.9), status(0.6)
    ('on track', 'at risk', 'off track')
    """
    th = dict(STATUS_THRESHOLDS if thresholds is None else _checks.mapping(
        "thresholds", thresholds, _("a mapping with keys 'on track' and 'at risk'")))
    if set(th) != set(STATUS_THRESHOLDS):
        raise fail("thresholds", _("a mapping with keys 'on track' and 'at risk'"), thresholds)
    on, risk = number("thresholds['on track']", th["on track"]), number("thresholds['at risk']", th["at risk"])
    if risk > on:
        raise fail("thresholds", _("'at risk' at most 'on track'"), thresholds)
    if _checks.ndim("score", score) == 0:
        values = np.asarray(math.nan if isinstance(score, (float, np.floating)) and math.isnan(score)
                            else number("score", score))
    else:
        values = _checks._float_array("score", score, _("achievement scores"))
        if np.isinf(values).any():
            raise fail("score", _("finite achievement scores (NaN for no data)"), values[np.isinf(values)][0])
    labels = np.where(values >= on, N_("on track"), np.where(values >= risk, N_("at risk"), N_("off track")))
    labels = np.where(np.isnan(values), N_("no data"), labels)
    return str(labels) if labels.ndim == 0 else labels.tolist()


def percent_label(score, decimals: int = 1, thresholds: Mapping | None = None) -> str:
    """A score as a percentage of target for display, never rounded up onto a status threshold.

    Statuses compare the exact score with the thresholds (95 % and 85 % by
    default). Rounding can print a score that misses a threshold as the threshold
    itself: 0.8453 (off track) printed "85%", like the at-risk 0.8511. So the
    score is rounded to ``decimals`` as usual, except when rounding would carry it
    up to or past a threshold it has not reached; then it is truncated instead
    (0.84996 → "84.9%"). The printed figure and the status always agree.

    Parameters
    ----------
    score : float
    decimals : int
        Decimals of the percentage (1: "84.5%").
    thresholds : mapping, optional
        Status thresholds (default :data:`STATUS_THRESHOLDS`).

    Examples
    --------
    >>> percent_label(0.8453), percent_label(0.8511), percent_label(0.92382), percent_label(0.84996)
    ('84.5%', '85.1%', '92.4%', '84.9%')
    >>> percent_label(0.85), percent_label(0.94999), percent_label(float("nan"))
    ('85.0%', '94.9%', 'no data')
    """
    value = _checks._to_float("score", score)  # NaN is documented as "no data"; text, bools, None are not
    if np.isnan(value):
        return "no data"
    if not abs(value) <= 1e6:  # beyond that a "percent of target" is no longer a display figure
        raise _checks.fail("score", _("a finite score (achievement as a decimal, 0.85 = 85 %) within ±1e6"), value)
    decimals = _checks.whole("decimals", decimals, low=0, high=6)
    step = 10 ** (decimals + 2)
    shown = round(value * step) / step
    if status(shown, thresholds) != status(value, thresholds):
        shown = np.floor(value * step) / step
    return f"{shown:.{int(decimals)}%}"


@dataclass(frozen=True, eq=False)
class Scorecard(ResultMixin):
    """A scored balanced scorecard.

    Attributes
    ----------
    measures : DataFrame
        One row per measure: perspective, objective, measure, unit, target,
        actual, direction, weight, achievement, contribution (= weight × achievement), status.
    cap : float
        Cap on one measure's achievement.
    thresholds : dict
        Status thresholds.
    """

    measures: pd.DataFrame
    cap: float = 1.2
    thresholds: dict = field(default_factory=lambda: dict(STATUS_THRESHOLDS))

    _title = N_("Balanced scorecard")

    __repr__ = table_repr

    @property
    def total(self) -> float:
        """Weighted total achievement Σ weight × achievement (1.0 = all targets met)."""
        return float(self.measures["contribution"].sum())

    @property
    def status(self) -> str:
        """Status of the total score."""
        return status(self.total, self.thresholds)

    @property
    def perspective_weights(self) -> pd.Series:
        """Weight of each perspective (sum of its measures' weights)."""
        return self.by_perspective()["weight"]

    def by_perspective(self) -> pd.DataFrame:
        """One row per perspective (in Kaplan & Norton's order): weight, achievement, contribution, status."""
        m = self.measures
        grouped = m.groupby("perspective", sort=False, observed=True)
        frame = pd.DataFrame({"weight": grouped["weight"].sum(), "contribution": grouped["contribution"].sum(),
                              "measures": grouped.size()})
        frame = frame.reindex([p for p in PERSPECTIVES if p in frame.index])
        # A perspective whose weights are all 0 has no achievement of its own: weight its measures equally.
        mean = grouped["achievement"].mean().reindex(frame.index)
        with np.errstate(invalid="ignore", divide="ignore"):
            frame["achievement"] = np.where(frame["weight"] > 0, frame["contribution"] / frame["weight"], mean)
        frame["status"] = status(frame["achievement"].to_numpy(), self.thresholds)
        frame.insert(0, "name", [PERSPECTIVE_NAMES[p] for p in frame.index])
        frame.index.name = "perspective"
        return frame[["name", "weight", "measures", "achievement", "contribution", "status"]]

    def _headline(self) -> dict:
        return {_("total score"): self.total, _("status"): self.status, _("measures"): len(self.measures),
                _("cap"): self.cap}

    def to_frame(self) -> pd.DataFrame:
        """The measures table (see :attr:`measures`)."""
        return self.measures.copy()

    def _repr_html_(self) -> str:
        base = super()._repr_html_()
        persp = self.by_perspective().to_html(float_format=lambda x: f"{x:,.4f}", border=0)
        head, _sep, rest = base.partition("</p>")
        by_perspective, measures = _("By perspective"), _("Measures")
        return f"{head}</p><p><i>{by_perspective}</i></p>{persp}<p><i>{measures}</i></p>{rest}"

    def reweight(self, perspective_weights) -> Scorecard:
        """The same scorecard with new perspective weights; measures keep their shares within a perspective.

        Parameters
        ----------
        perspective_weights : mapping or Series
            Perspective → weight, non-negative, summing to 1 (perspectives may be
            written like the input, e.g. "learning & growth"). Perspectives not
            named get weight 0.

        Examples
        --------
        >>> card = from_frame(pd.DataFrame({"perspective": ["financial", "customer"], "measure": ["a", "b"],
        ...     "target": [1, 1], "actual": [1.0, 0.5], "direction": "higher", "weight": [0.5, 0.5]}))
        >>> round(card.reweight({"financial": 0.8, "customer": 0.2}).total, 4)
        0.9
        """
        from crmlab._checks import weights as check_weights

        if isinstance(perspective_weights, pd.Series):
            perspective_weights = perspective_weights.to_dict()
        if not isinstance(perspective_weights, Mapping):
            raise fail("perspective_weights", _("a mapping {perspective: weight}"), perspective_weights, TypeError)
        new = {}
        for key, value in perspective_weights.items():
            code = _perspective_code(key)
            if code is None:
                raise ValueError(_("perspective_weights has unknown perspective {key!r}; valid: {valid}").format(
                    key=key, valid=", ".join(PERSPECTIVES)))
            if code not in set(self.measures["perspective"]):
                raise ValueError(_("perspective_weights names {code!r}, which has no measures in this scorecard").format(
                    code=code))
            new[code] = value
        arr = check_weights("perspective_weights", list(new.values()))
        target = dict(zip(new, arr))
        m = self.measures.copy()
        group_total = m.groupby("perspective", observed=True)["weight"].transform("sum").to_numpy()
        count = m.groupby("perspective", observed=True)["weight"].transform("size").to_numpy()
        share = np.where(group_total > 0, m["weight"].to_numpy() / np.where(group_total > 0, group_total, 1), 1 / count)
        m["weight"] = share * m["perspective"].map(lambda p: target.get(p, 0.0)).to_numpy(dtype=float)
        m["contribution"] = m["weight"] * m["achievement"]
        return replace(self, measures=m)

    def plot(self, ax=None, by: str = "measure"):
        """Achievement per measure (``by="measure"``) or per perspective (``by="perspective"``), target line at 1."""
        from crmlab.plots.evaluation import scorecard_plot

        return scorecard_plot(self, ax=ax, by=by)


def from_frame(frame: pd.DataFrame, cap: float = 1.2, thresholds: Mapping | None = None) -> Scorecard:
    """Score a balanced scorecard given as a table, one row per measure.

    Parameters
    ----------
    frame : DataFrame
        Columns ``perspective``, ``measure``, ``target``, ``actual``, ``direction``
        (``"higher"``/``"lower"``) and ``weight`` (global, summing to 1); optional
        ``objective`` and ``unit``. Perspectives may be written as codes
        (``internal_process``), names ("Learning & growth") or in Chinese (内部流程).
    cap : float
        Cap of a measure's achievement (default 1.2, see the module docstring).
    thresholds : mapping, optional
        Status thresholds (default :data:`STATUS_THRESHOLDS`).

    Returns
    -------
    Scorecard

    Raises
    ------
    ValueError
        Missing columns, an unknown perspective (the valid ones are listed), an
        unknown direction, weights not summing to 1, a zero or negative target,
        or a missing number (the row is named).

    Examples
    --------
    >>> from_frame(pd.DataFrame({"perspective": ["sales"], "measure": ["x"], "target": [1], "actual": [1],
    ...                          "direction": ["higher"], "weight": [1]}))
    Traceback (most recent call last):
    ...
    ValueError: perspective 'sales' in row 0 is not a balanced-scorecard perspective; valid: financial, customer, internal_process, learning_growth
    """
    columns("frame", frame, REQUIRED_COLUMNS)
    cap = number("cap", cap, low=1)
    thresholds = dict(STATUS_THRESHOLDS if thresholds is None else _checks.mapping(
        "thresholds", thresholds, _("a mapping with keys 'on track' and 'at risk'")))
    status(1.0, thresholds)  # validates the thresholds
    if len(frame) == 0:
        raise fail("frame", _("at least one measure (row)"), _("an empty table"))
    m = frame.reset_index(drop=True).copy()
    codes = [_perspective_code(p) for p in m["perspective"]]
    for row, (given, code) in enumerate(zip(m["perspective"], codes)):
        if code is None:
            raise ValueError(_("perspective {given!r} in row {row} is not a balanced-scorecard perspective; "
                               "valid: {valid}").format(given=given, row=row, valid=", ".join(PERSPECTIVES)))
    m["perspective"] = codes
    for col in ("target", "actual", "weight"):
        _checks.numeric_column("frame", m, col, missing=True)  # no text, True/False or infinity
        values = pd.to_numeric(m[col], errors="coerce")
        bad = values.isna()
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise fail(f"frame[{col!r}]", _("a number in every row"), m[col].iloc[row], row=row,
                       note=f" ({m['measure'].iloc[row]!r})")
        m[col] = values.astype(float)
    direction = m["direction"].astype(str).str.strip().str.lower()
    for row, d in enumerate(direction):
        if d not in DIRECTIONS:
            raise ValueError(_("direction {direction!r} in row {row} ({measure!r}) must be one of {options}").format(
                direction=m["direction"].iloc[row], row=row, measure=m["measure"].iloc[row],
                options=", ".join(map(repr, DIRECTIONS))))
    m["direction"] = direction
    zero = m["target"] <= 0
    if zero.any():
        row = int(np.flatnonzero(zero.to_numpy())[0])
        raise ValueError(_("target of {measure!r} (row {row}) is {target:g}; targets "
                           "must be > 0 because achievement is a ratio to the target (restate the measure, e.g. as a "
                           "rate, or set a small positive target)").format(
            measure=m["measure"].iloc[row], row=row, target=m["target"].iloc[row]))
    negative = m["weight"] < 0
    if negative.any():
        row = int(np.flatnonzero(negative.to_numpy())[0])
        raise fail("frame['weight']", _("non-negative"), m["weight"].iloc[row], row=row)
    total = float(m["weight"].sum())
    if abs(total - 1) > 1e-6:
        raise ValueError(_("frame: weights must sum to 1 over all measures; they sum to {total:.6g}").format(total=total))
    if "objective" not in m.columns:
        m["objective"] = m["measure"]
    if "unit" not in m.columns:
        m["unit"] = ""
    m["achievement"] = achievement(m["target"].to_numpy(), m["actual"].to_numpy(), m["direction"].to_numpy(), cap)
    m["contribution"] = m["weight"] * m["achievement"]
    m["status"] = status(m["achievement"].to_numpy(), thresholds)
    order = {p: k for k, p in enumerate(PERSPECTIVES)}
    m = m.iloc[np.argsort([order[p] for p in m["perspective"]], kind="stable")].reset_index(drop=True)
    keep = ["perspective", "objective", "measure", "unit", "target", "actual", "direction", "weight",
            "achievement", "contribution", "status"]
    return Scorecard(measures=m[keep + [c for c in m.columns if c not in keep]], cap=cap, thresholds=thresholds)


def _from_yaml(path: Path) -> pd.DataFrame:
    import yaml

    with open(path, encoding="utf-8") as handle:
        try:
            data = yaml.safe_load(handle)
        except yaml.YAMLError as exc:
            raise ValueError(_("{file} is not valid YAML: {exc}").format(file=path.name, exc=exc)) from None
    if isinstance(data, Mapping) and "measures" in data:
        rows = data["measures"]
    elif isinstance(data, Mapping):
        # The nested form: perspective → list of measures.
        rows = []
        for perspective, items in data.items():
            if not isinstance(items, list):
                raise ValueError(_("{file}: under {perspective!r} expected a list of measures; got {type}").format(
                    file=path.name, perspective=perspective, type=type(items).__name__))
            rows.extend({"perspective": perspective, **item} for item in items if isinstance(item, Mapping))
    elif isinstance(data, list):
        rows = data
    else:
        raise ValueError(_("{file}: expected a list of measures, a 'measures:' list, or perspectives with "
                           "lists of measures").format(file=path.name))
    if not isinstance(rows, list) or not all(isinstance(r, Mapping) for r in rows):
        raise ValueError(_("{file}: each measure must be a mapping such as "
                           "{{measure: ..., target: ..., actual: ..., direction: ..., weight: ...}}").format(
            file=path.name))
    return pd.DataFrame(rows)


def read(path, cap: float = 1.2, thresholds: Mapping | None = None) -> Scorecard:
    """Read a scorecard you wrote yourself from a CSV, Excel or YAML file and score it.

    CSV/Excel: one row per measure with the columns of :func:`from_frame`.
    YAML: either a list of measures (each a mapping with those keys), a
    ``measures:`` key holding that list, or the nested form::

        financial:
          - measure: Customer profit growth
            target: 0.12
            actual: 0.11
            direction: higher
            weight: 0.3
        customer:
          - measure: Customer retention rate
            ...

    Parameters
    ----------
    path : str or Path
        ``.csv``, ``.xlsx``/``.xls``, ``.yaml``/``.yml``.
    cap, thresholds
        As in :func:`from_frame`.

    Returns
    -------
    Scorecard
    """
    if not isinstance(path, (str, Path)):
        raise fail("path", _("a file path (str or Path)"), path, TypeError)
    path = Path(path)
    suffix = path.suffix.lower()
    choice("path suffix", suffix, (".csv", ".xlsx", ".xls", ".yaml", ".yml"))
    if not path.exists():
        raise FileNotFoundError(_("no scorecard file at {path}").format(path=path))
    if suffix == ".csv":
        frame = pd.read_csv(path)
    elif suffix in (".xlsx", ".xls"):
        frame = pd.read_excel(path)
    else:
        frame = _from_yaml(path)
    return from_frame(frame, cap=cap, thresholds=thresholds)
