"""Performance matrices: where to improve first, seen by customers and against a competitor.

Two tools from the chapter (Tang 2008, after Martilla & James's importance-performance
analysis):

* the **performance-evaluation matrix** (PEM, 绩效评估矩阵) places each service
  attribute by its importance to customers and by how customers rate the firm on it;
  high importance with low performance is where to *concentrate* (重点改进);
* the **relative-performance matrix** (RPM, 相对绩效矩阵) places each attribute by its
  importance and by the firm's gap to its main competitor; high importance with a
  negative gap is an *urgent weakness*.

Using both together is "know yourself and know your competitor" (知己知彼):
:func:`action_list` ranks what to fix first from the two verdicts.

Conventions
-----------
* The importance (and performance) axis splits at a *crosshair*: ``"mean"`` or
  ``"median"`` of the attributes, or a fixed ``(importance, performance)`` point such as
  the scale midpoint ``(3, 3)``. A value equal to the crosshair counts as **high**
  (within a relative tolerance of 1e-12, so a mean that is computed with rounding
  error does not flip a point that lies on it).
* The gap axis of the RPM always splits at 0; a gap of exactly 0 counts as a strength.
* Both matrices keep the input's index and columns and add their own columns.
  The crosshair used is stored in ``frame.attrs["crmlab_matrix"]`` for the plots.
* A matrix built from a sample of respondents places each attribute with sampling error.
  :func:`pem_ci` and :func:`rpm_ci` bootstrap the respondents and give each position a
  confidence interval; an attribute whose interval crosses a crosshair line is
  "too close to call" (:data:`TOO_CLOSE`) rather than in a quadrant.

The matrix is Martilla & James's importance-performance analysis (Martilla, J. A. & James,
J. C. (1977), "Importance-performance analysis", *Journal of Marketing* 41(1): 77–79).

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"importance": [4.5, 4.0, 3.0, 3.5],
...                       "performance": [3.0, 4.5, 3.5, 4.0]},
...                      index=["price", "courtesy", "parking", "decor"])
>>> pem(table)["quadrant"].tolist()
['concentrate here', 'keep up the good work', 'low priority', 'possible overkill']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from numbers import Real

import numpy as np
import pandas as pd

from crmlab import _checks
from crmlab._checks import choice, columns, fail, number
from crmlab._results import ResultMixin
from crmlab.i18n import N_
from crmlab.i18n import gettext as _

__all__ = [
    "PEM_QUADRANTS",
    "RPM_QUADRANTS",
    "pem",
    "rpm",
    "attribute_table",
    "derived_importance",
    "DerivedImportance",
    "action_list",
    "pem_ci",
    "rpm_ci",
    "TOO_CLOSE",
]


#: PEM quadrants in the order (high importance, low performance), (high, high), (low, low), (low, high).
PEM_QUADRANTS = (N_("concentrate here"), N_("keep up the good work"), N_("low priority"), N_("possible overkill"))
#: RPM quadrants in the order (high importance, gap < 0), (high, gap ≥ 0), (low, gap < 0), (low, gap ≥ 0).
RPM_QUADRANTS = (N_("urgent weakness"), N_("competitive strength"), N_("minor weakness"), N_("minor strength"))

_CONVENTIONS = ("mean", "median")
_ATTRS_KEY = "crmlab_matrix"


def _numeric_column(frame: pd.DataFrame, name: str, column: str) -> np.ndarray:
    """A column as finite floats, or an error naming it and the first bad value."""
    values = frame[column]
    arr = _checks.numeric_column(name, frame, column, missing=True)  # no text, True/False or infinity
    bad = ~np.isfinite(arr)
    if bad.any():
        where = values.index[int(np.flatnonzero(bad)[0])]
        raise fail(f"{name}[{column!r}]", _("finite numbers (no missing values)"),
                   _("{value} at row {row!r}").format(value=arr[bad][0], row=where))
    return arr


def _table(data, name: str, required: Sequence[str]) -> pd.DataFrame:
    columns(name, data, required)
    if len(data) == 0:
        raise fail(name, _("a table with at least one attribute (row)"), _("an empty DataFrame"))
    return data


def _centre(values: np.ndarray, convention: str) -> float:
    return float(np.mean(values) if convention == "mean" else np.median(values))


def _is_high(values: np.ndarray, cut: float) -> np.ndarray:
    # Points on the crosshair count as high; the tolerance absorbs rounding in a computed mean.
    return (values >= cut) | np.isclose(values, cut, rtol=1e-12, atol=1e-12)


def _crosshair_point(crosshair, imp: np.ndarray, second: np.ndarray | None) -> tuple[float, float | None]:
    """Resolve ``crosshair`` to numbers: the importance cut and (for PEM) the performance cut."""
    if isinstance(crosshair, str):
        choice("crosshair", crosshair, _CONVENTIONS + ("an (importance, performance) pair",))
        return _centre(imp, crosshair), (None if second is None else _centre(second, crosshair))
    if second is None and isinstance(crosshair, Real) and not isinstance(crosshair, bool):
        return number("crosshair", crosshair), None
    if not isinstance(crosshair, (tuple, list, np.ndarray, pd.Series)) or len(crosshair) != 2:
        raise fail("crosshair", _("'mean', 'median' or an (importance, performance) pair of numbers"), crosshair)
    cut_imp = number("crosshair[0] (importance)", crosshair[0])
    if second is None:
        # The RPM's gap axis always splits at 0; accept (importance, 0) for symmetry with pem.
        gap_cut = number("crosshair[1] (gap)", crosshair[1])
        if gap_cut != 0:
            raise fail("crosshair[1] (gap)", _("0: the relative-performance matrix splits the gap axis at 0"),
                       crosshair[1])
        return cut_imp, None
    return cut_imp, number("crosshair[1] (performance)", crosshair[1])


def _quadrant(high_importance, good, names) -> pd.Categorical:
    """Each row's quadrant: ``names`` are (high, not good), (high, good), (low, not good), (low, good)."""
    labels = np.select([high_importance & ~good, high_importance & good, ~high_importance & ~good],
                       list(names[:3]), default=names[3])
    return pd.Categorical(labels, categories=names)


def pem(data: pd.DataFrame, importance: str = "importance", performance: str = "performance",
        crosshair="mean") -> pd.DataFrame:
    """Performance-evaluation matrix (绩效评估矩阵): classify attributes by importance and performance.

    Parameters
    ----------
    data : DataFrame
        One row per attribute, holding its importance and customer-rated performance
        (e.g. mean ratings from :func:`attribute_table`).
    importance, performance : str
        Column names of the two axes.
    crosshair : {"mean", "median"} or (float, float)
        Where the axes split: the mean or median over the attributes, or a fixed
        (importance, performance) point such as the scale midpoint ``(3, 3)``.
        A value equal to the crosshair counts as high.

    Returns
    -------
    DataFrame
        A copy of ``data`` (same index) with boolean columns ``high_importance`` and
        ``high_performance`` and the ``quadrant``: "concentrate here" (high importance,
        low performance: fix first), "keep up the good work" (high, high), "low priority"
        (low, low) or "possible overkill" (low importance, high performance: resources
        could move elsewhere). ``frame.attrs["crmlab_matrix"]`` records the crosshair.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"importance": [4, 4, 2, 2], "performance": [2, 3, 2, 4]}, index=list("abcd"))
    >>> out = pem(t, crosshair=(4, 3))   # b lies on the performance cut: it counts as high
    >>> out["quadrant"].to_dict()
    {'a': 'concentrate here', 'b': 'keep up the good work', 'c': 'low priority', 'd': 'possible overkill'}
    >>> out.attrs["crmlab_matrix"]["crosshair"]
    (4.0, 3.0)
    """
    _table(data, "data", {"importance": importance, "performance": performance})
    imp = _numeric_column(data, "data", importance)
    perf = _numeric_column(data, "data", performance)
    cut_imp, cut_perf = _crosshair_point(crosshair, imp, perf)
    hi_imp, hi_perf = _is_high(imp, cut_imp), _is_high(perf, cut_perf)
    quadrant = _quadrant(hi_imp, hi_perf, PEM_QUADRANTS)
    out = data.copy()
    out["high_importance"] = hi_imp
    out["high_performance"] = hi_perf
    out["quadrant"] = quadrant
    out.attrs[_ATTRS_KEY] = {
        "kind": "pem", "x": performance, "y": importance, "importance": importance,
        "performance": performance, "crosshair": (cut_imp, cut_perf),
        "convention": crosshair if isinstance(crosshair, str) else "point",
    }
    return out


def rpm(data: pd.DataFrame, importance: str = "importance", own: str = "own", competitor: str = "competitor",
        crosshair="mean") -> pd.DataFrame:
    """Relative-performance matrix (相对绩效矩阵): importance against the gap to a competitor.

    Parameters
    ----------
    data : DataFrame
        One row per attribute with its importance, the firm's own performance and the
        competitor's performance (same scale).
    importance, own, competitor : str
        Column names.
    crosshair : {"mean", "median"} or float or (float, 0)
        Where the importance axis splits (a value equal to it counts as high). The gap
        axis always splits at 0, so a pair must have 0 as its second element.

    Returns
    -------
    DataFrame
        A copy of ``data`` with ``gap = own − competitor``, ``high_importance`` and the
        ``quadrant``: "urgent weakness" (high importance, gap < 0), "competitive
        strength" (high importance, gap ≥ 0), "minor weakness" (low, gap < 0) or
        "minor strength" (low, gap ≥ 0).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"importance": [4.5, 4.0, 3.0, 3.5], "own": [3.0, 4.2, 3.1, 4.0],
    ...                   "competitor": [3.6, 4.2, 3.5, 3.0]}, index=["price", "staff", "parking", "decor"])
    >>> out = rpm(t)
    >>> out[["gap", "quadrant"]].round(2)
             gap              quadrant
    price   -0.6       urgent weakness
    staff    0.0  competitive strength
    parking -0.4        minor weakness
    decor    1.0        minor strength
    """
    _table(data, "data", {"importance": importance, "own": own, "competitor": competitor})
    imp = _numeric_column(data, "data", importance)
    with np.errstate(over="ignore", invalid="ignore"):
        gap = _checks.finite_result("gap", _numeric_column(data, "data", own) - _numeric_column(data, "data", competitor),
                                    "own", "competitor")
    cut_imp, _ = _crosshair_point(crosshair, imp, None)
    hi_imp, ahead = _is_high(imp, cut_imp), gap >= 0
    quadrant = _quadrant(hi_imp, ahead, RPM_QUADRANTS)
    out = data.copy()
    out["gap"] = gap
    out["high_importance"] = hi_imp
    out["quadrant"] = quadrant
    out.attrs[_ATTRS_KEY] = {
        "kind": "rpm", "x": "gap", "y": importance, "importance": importance, "own": own,
        "competitor": competitor, "crosshair": (cut_imp, 0.0),
        "convention": crosshair if isinstance(crosshair, str) else "point",
    }
    return out


def attribute_table(responses: pd.DataFrame, attributes: Sequence[str] | None = None, *, firm: str = "firm",
                    own: str = "own", competitor: str = "competitor", importance_from: str = "all",
                    importance_prefix: str = "imp_", performance_prefix: str = "perf_",
                    names: Mapping[str, str] | pd.Series | None = None) -> pd.DataFrame:
    """Mean importance, own and competitor performance per attribute, from a wide survey.

    Parameters
    ----------
    responses : DataFrame
        One row per respondent, with a ``firm`` column saying whose customer the
        respondent is, and for each attribute ``imp_<attr>`` (stated importance) and
        ``perf_<attr>`` (rated performance of that respondent's firm), like the
        ``service_survey`` dataset. Missing answers (NaN) are skipped.
    attributes : list of str, optional
        Attribute codes (the column suffixes). Default: every ``<attr>`` having both
        an importance and a performance column, in column order.
    firm, own, competitor : str
        The firm column and its values for the firm under study and its competitor.
    importance_from : {"all", "own"}
        Whose stated importance to average: every respondent (the market's view, the
        default, so the PEM and the RPM share one importance axis) or the firm's own
        customers only.
    importance_prefix, performance_prefix : str
        Column-name prefixes.
    names : mapping or Series, optional
        Display names by attribute code, added as a ``name`` column (used by the plots).

    Returns
    -------
    DataFrame
        Indexed by attribute code: ``importance``, ``performance`` (= ``own``, so
        :func:`pem` works with its defaults), ``own``, ``competitor``, ``n_own``,
        ``n_competitor`` (respondents per firm) and ``name`` if given.

    Examples
    --------
    >>> import pandas as pd
    >>> survey = pd.DataFrame({"firm": ["own", "own", "competitor"],
    ...                        "imp_price": [5, 4, 3], "perf_price": [3, 4, 5]})
    >>> attribute_table(survey)
           importance  performance  own  competitor  n_own  n_competitor
    price         4.0          3.5  3.5         5.0      2             1
    """
    columns("responses", responses, {"firm": firm})
    choice("importance_from", importance_from, ("all", "own"))
    for param, value in (("importance_prefix", importance_prefix), ("performance_prefix", performance_prefix)):
        if not isinstance(value, str):
            raise fail(param, _("a column-name prefix (a string such as 'imp_')"), value, TypeError)
    for param, value in (("own", own), ("competitor", competitor)):
        _checks.label(param, value)
    if own == competitor:
        raise fail("competitor", _("a firm other than own = {own!r}").format(own=own), competitor)
    if attributes is None:
        attributes = [c[len(importance_prefix):] for c in responses.columns
                      if isinstance(c, str) and c.startswith(importance_prefix)
                      and f"{performance_prefix}{c[len(importance_prefix):]}" in responses.columns]
        if not attributes:
            raise ValueError(_("responses has no pairs of {importance_prefix}<attr> and {performance_prefix}<attr> "
                               "columns; it has {columns}").format(importance_prefix=importance_prefix,
                                                                   performance_prefix=performance_prefix,
                                                                   columns=list(map(str, responses.columns))))
    elif isinstance(attributes, str) or not isinstance(attributes, Sequence):
        raise fail("attributes", _("a list of attribute codes"), attributes, TypeError)
    attributes = list(attributes)
    if not attributes or any(not isinstance(a, str) or not a for a in attributes) or len(set(attributes)) < len(
            attributes):
        raise fail("attributes", _("a non-empty list of distinct attribute codes (strings)"), attributes,
                   TypeError if any(not isinstance(a, str) for a in attributes) else ValueError)
    imp_cols = [f"{importance_prefix}{a}" for a in attributes]
    perf_cols = [f"{performance_prefix}{a}" for a in attributes]
    columns("responses", responses, imp_cols + perf_cols)
    firms = responses[firm]
    for value, label in ((own, "own"), (competitor, "competitor")):
        if not (firms == value).any():
            raise fail(f"responses[{firm!r}]", _("to contain the {label} firm {value!r}").format(label=label, value=value),
                       sorted(map(str, firms.dropna().unique())))
    numeric = {}
    for col in imp_cols + perf_cols:
        if responses[col].dtype == object and any(isinstance(v, str) for v in responses[col]):
            raise fail(f"responses[{col!r}]", _("numeric ratings"), responses[col].iloc[:3].tolist(), TypeError)
        # a missing answer is skipped (documented); text, True/False and infinity are errors
        numeric[col] = pd.Series(_checks.numeric_column("responses", responses, col, missing=True),
                                 index=responses.index)
    ratings = pd.DataFrame(numeric, index=responses.index)
    is_own, is_comp = (firms == own).to_numpy(), (firms == competitor).to_numpy()
    imp_rows = ratings.loc[is_own if importance_from == "own" else (is_own | is_comp), imp_cols]
    own_perf, comp_perf = ratings.loc[is_own, perf_cols], ratings.loc[is_comp, perf_cols]
    table = pd.DataFrame({
        "importance": imp_rows.mean().to_numpy(),
        "performance": own_perf.mean().to_numpy(),
        "own": own_perf.mean().to_numpy(),
        "competitor": comp_perf.mean().to_numpy(),
        "n_own": int(is_own.sum()),
        "n_competitor": int(is_comp.sum()),
    }, index=pd.Index(attributes, name="attribute"))
    table.index.name = None
    empty = table[["importance", "own", "competitor"]].isna().any(axis=1)
    if empty.any():
        raise fail("responses", _("at least one answer per attribute and firm"),
                   _("no answers for attribute {attribute!r}").format(attribute=table.index[empty.to_numpy()][0]))
    if names is not None:
        table["name"] = [str(pd.Series(names).get(a, a)) for a in attributes]
    return table


@dataclass(frozen=True, repr=False)
class DerivedImportance(ResultMixin):
    """Importance derived from how strongly each attribute drives overall satisfaction.

    ``estimate`` holds standardised OLS coefficients (``method="regression"``) or
    Pearson correlations (``method="correlation"``); ``low``/``high`` are the
    ``level`` confidence limits and ``p_value`` the two-sided test of zero.
    """

    estimate: pd.Series
    low: pd.Series
    high: pd.Series
    p_value: pd.Series
    method: str
    level: float
    n: int
    r_squared: float = field(default=float("nan"))
    _title = N_("Derived importance")

    def _headline(self) -> dict:
        out = {_("method"): self.method, _("respondents"): self.n, _("level"): self.level}
        if self.method == "regression":
            out["R²"] = self.r_squared
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per attribute: estimate, confidence limits, p-value and rank (1 = strongest driver)."""
        return pd.DataFrame({
            "estimate": self.estimate, "low": self.low, "high": self.high, "p_value": self.p_value,
            "rank": self.estimate.rank(ascending=False, method="first").astype(int),
        })

    def plot(self, ax=None, stated: pd.Series | None = None, labels=None):
        """Bars of the derived importance with confidence intervals (and stated importance if given)."""
        from crmlab.plots.customers import derived_importance_plot

        return derived_importance_plot(self, ax=ax, stated=stated, labels=labels)


def derived_importance(responses: pd.DataFrame, overall: str, attributes, method: str = "regression", *,
                       ci: bool = False, level: float = 0.95):
    """Importance derived statistically: what actually moves overall satisfaction.

    Stated importance (asking customers) tends to rate everything as important;
    derived importance asks which attributes move the overall rating.

    Parameters
    ----------
    responses : DataFrame
        One row per respondent. Rows with a missing value in any used column are dropped.
    overall : str
        Column of the overall rating (the dependent variable).
    attributes : list of str or mapping
        Columns of the attribute performance ratings; a mapping ``{label: column}``
        labels the output with its keys.
    method : {"regression", "correlation"}
        ``"regression"``: coefficients of an OLS of the standardised overall rating
        on the standardised attribute ratings (statsmodels), i.e. the change in
        overall satisfaction, in standard deviations, per standard deviation of the
        attribute, holding the others fixed. ``"correlation"``: Pearson r of each
        attribute with the overall rating (Fisher-z confidence interval).
    ci : bool
        False (default) returns the estimates as a Series; True returns a
        :class:`DerivedImportance` result with confidence intervals and p-values.
    level : float
        Confidence level of the intervals.

    Returns
    -------
    Series or DerivedImportance

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(200, 2))
    >>> df = pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "y": 2 * x[:, 0] + 0.5 * x[:, 1]})
    >>> derived_importance(df, "y", ["a", "b"]).round(3)
    a    0.956
    b    0.246
    Name: derived_importance, dtype: float64
    """
    choice("method", method, ("regression", "correlation"))
    level = number("level", level, low=0, high=1, low_open=True, high_open=True)
    _checks.label("overall", overall, frame_name="responses")
    if not isinstance(ci, (bool, np.bool_)):
        raise fail("ci", _("True or False"), ci, TypeError)
    if isinstance(attributes, Mapping):
        labels, cols = [str(k) for k in attributes], list(attributes.values())
    elif isinstance(attributes, str) or not isinstance(attributes, Sequence) or not attributes:
        raise fail("attributes", _("a non-empty list of column names (or a {label: column} mapping)"), attributes,
                   TypeError if isinstance(attributes, str) or not isinstance(attributes, Sequence) else ValueError)
    else:
        labels, cols = [str(c) for c in attributes], list(attributes)
    bad = [c for c in cols if not isinstance(c, (str, int, np.integer))]
    if bad:
        raise fail("attributes", _("column names (text or whole numbers)"), bad[0], TypeError)
    if len(set(cols)) != len(cols) or overall in cols:
        raise fail("attributes", _("distinct columns, not including the overall rating"), cols)
    columns("responses", responses, {"overall": overall, **{f"attributes[{i}]": c for i, c in enumerate(cols)}})
    data = {}
    for col in [overall, *cols]:
        if responses[col].dtype == object and any(isinstance(v, str) for v in responses[col]):
            raise fail(f"responses[{col!r}]", _("numeric ratings"), responses[col].iloc[:3].tolist(), TypeError)
        data[col] = pd.Series(_checks.numeric_column("responses", responses, col, missing=True),
                              index=responses.index)
    frame = pd.DataFrame(data).dropna()
    n, k = len(frame), len(cols)
    if n < k + 2:
        raise fail("responses", _("at least {rows} complete rows for {k} attribute(s)").format(rows=k + 2, k=k),
                   _("{n} complete rows").format(n=n))
    sd = frame.std(ddof=1)
    flat = sd[sd <= 1e-12]
    if len(flat):
        raise fail(f"responses[{flat.index[0]!r}]", _("ratings that vary between respondents"), _("a constant column"))
    z = (frame - frame.mean()) / sd
    index = pd.Index(labels)
    if method == "regression" and k > 1 and np.linalg.matrix_rank(z[cols].to_numpy()) < k:
        # OLS would split the weight of two identical (or collinear) attributes arbitrarily: refuse instead
        corr = np.corrcoef(z[cols].to_numpy(), rowvar=False)
        pairs = [(cols[i], cols[j]) for i in range(k) for j in range(i + 1, k) if abs(corr[i, j]) > 1 - 1e-9]
        raise fail("attributes", _("columns that are not perfectly collinear (regression cannot separate them; "
                   "drop one or use method='correlation')"), pairs[0] if pairs else cols)
    if method == "regression":
        # the two modules, not statsmodels.api: that imports all of statsmodels (1 CPU-s more on first use)
        from statsmodels.regression.linear_model import OLS
        from statsmodels.tools.tools import add_constant

        fit = OLS(z[overall].to_numpy(), add_constant(z[cols].to_numpy(), has_constant="add")).fit()
        conf = fit.conf_int(alpha=1 - level)[1:]
        est, low, high = fit.params[1:], conf[:, 0], conf[:, 1]
        p_value, r_squared = fit.pvalues[1:], float(fit.rsquared)
    else:
        # ndtri and stdtr are scipy.stats.norm.ppf and the t distribution's cdf, without importing
        # scipy.stats (0.8 CPU-s on first use)
        from scipy.special import ndtri, stdtr

        est = np.array([np.corrcoef(z[c], z[overall])[0, 1] for c in cols])
        half = ndtri(0.5 + level / 2) / np.sqrt(n - 3) if n > 3 else np.inf
        fz = np.arctanh(np.clip(est, -1 + 1e-15, 1 - 1e-15))
        low, high = np.tanh(fz - half), np.tanh(fz + half)
        t = est * np.sqrt((n - 2) / np.maximum(1 - est**2, 1e-300))
        p_value, r_squared = 2 * stdtr(n - 2, -np.abs(t)), float("nan")
    series = pd.Series(np.asarray(est, dtype=float), index=index, name="derived_importance")
    if not ci:
        return series
    return DerivedImportance(
        estimate=series,
        low=pd.Series(np.asarray(low, dtype=float), index=index, name="low"),
        high=pd.Series(np.asarray(high, dtype=float), index=index, name="high"),
        p_value=pd.Series(np.asarray(p_value, dtype=float), index=index, name="p_value"),
        method=method, level=level, n=n, r_squared=r_squared,
    )


def action_list(data: pd.DataFrame, importance: str = "importance", performance: str = "performance",
                competitor: str | None = None, crosshair="mean") -> pd.DataFrame:
    """Rank attributes by what to fix first, with the reason.

    The score is importance × shortfall, where the shortfall is how far performance
    lies below the crosshair's performance level (PEM) plus, when a ``competitor``
    column is given, how far the firm trails the competitor (RPM). Attributes are
    ordered first by verdict, then by score:

    1. "fix first": concentrate here (PEM) *and* an urgent weakness (RPM), i.e.
       customers rate it low and the competitor does better — know yourself and know
       your competitor (知己知彼);
    2. "fix": concentrate here (PEM) only;
    3. "catch up": an urgent weakness (RPM) only — acceptable to customers, but the
       competitor is ahead on something that matters;
    4. "watch": low importance with a shortfall;
    5. "no action": nothing below the crosshair nor behind the competitor.

    Parameters
    ----------
    data : DataFrame
        One row per attribute.
    importance, performance : str
        Column names (``performance`` is the firm's own performance).
    competitor : str, optional
        Column of the competitor's performance; adds the RPM verdict.
    crosshair : {"mean", "median"} or (float, float)
        As in :func:`pem` (the RPM uses its importance part).

    Returns
    -------
    DataFrame
        Sorted, indexed like ``data``: ``rank``, ``action``, ``name`` (if ``data`` has one), ``pem`` quadrant,
        ``rpm`` quadrant (if a competitor is given), ``importance``, ``performance``,
        ``shortfall``, ``score`` and ``reason``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"importance": [4.5, 4.0, 3.0, 3.5], "performance": [3.0, 3.2, 3.2, 4.6],
    ...                   "competitor": [3.6, 3.0, 3.4, 3.0]}, index=["price", "speed", "parking", "decor"])
    >>> action_list(t, competitor="competitor")[["rank", "action", "score"]].round(3)
             rank     action  score
    price       1  fix first   4.95
    speed       2        fix   1.20
    parking     3      watch   1.50
    decor       4  no action   0.00
    """
    matrix = pem(data, importance, performance, crosshair)
    cut_imp, cut_perf = matrix.attrs[_ATTRS_KEY]["crosshair"]
    imp = matrix[importance].to_numpy(dtype=float)
    perf = matrix[performance].to_numpy(dtype=float)
    below = np.maximum(cut_perf - perf, 0.0)
    below[matrix["high_performance"].to_numpy()] = 0.0
    concentrate = (matrix["quadrant"] == PEM_QUADRANTS[0]).to_numpy()
    hi_imp = matrix["high_importance"].to_numpy()
    out = pd.DataFrame(index=data.index)
    if "name" in data.columns:
        out["name"] = data["name"]
    out["pem"] = matrix["quadrant"]
    behind = np.zeros(len(data))
    urgent = np.zeros(len(data), dtype=bool)
    if competitor is not None:
        rel = rpm(data.assign(**{"__own": perf}), importance, "__own", competitor, crosshair=cut_imp)
        out["rpm"] = rel["quadrant"]
        behind = np.maximum(-rel["gap"].to_numpy(dtype=float), 0.0)
        urgent = (rel["quadrant"] == RPM_QUADRANTS[0]).to_numpy()
    shortfall = below + behind
    tier = np.select([concentrate & urgent, concentrate, urgent, ~hi_imp & (shortfall > 0)], [0, 1, 2, 3], default=4)
    actions = np.array([N_("fix first"), N_("fix"), N_("catch up"), N_("watch"), N_("no action")])[tier]
    out["importance"], out["performance"] = imp, perf
    if competitor is not None:
        out["competitor"] = data[competitor].to_numpy(dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        out["shortfall"], out["score"] = shortfall, _checks.finite_result("score", imp * shortfall, "importance",
                                                                            "performance", "competitor")
    out.insert(0, "action", actions)
    reasons = []
    for i in range(len(out)):
        parts = [f"importance {imp[i]:.2f} {'≥' if hi_imp[i] else '<'} {cut_imp:.2f}"]
        if below[i] > 0:
            parts.append(f"performance {perf[i]:.2f} is {below[i]:.2f} below {cut_perf:.2f}")
        if behind[i] > 0:
            parts.append(f"competitor ahead by {behind[i]:.2f}")
        if shortfall[i] == 0:
            parts.append("no shortfall")
        reasons.append("; ".join(parts))
    out["reason"] = reasons
    order = np.lexsort((np.arange(len(out)), -out["score"].to_numpy(), tier))
    out = out.iloc[order]
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out


#: The call for an attribute whose confidence interval crosses a crosshair line.
TOO_CLOSE = N_("too close to call")


def _survey_arrays(responses, attributes, firm, own, competitor, importance_prefix, performance_prefix):
    """Ratings as float arrays (respondents × attributes) for the firm's and the competitor's customers."""
    firms = responses[firm]
    is_own, is_comp = (firms == own).to_numpy(), (firms == competitor).to_numpy()
    imp = np.column_stack([pd.to_numeric(responses[f"{importance_prefix}{a}"], errors="raise").to_numpy(float)
                           for a in attributes])
    perf = np.column_stack([pd.to_numeric(responses[f"{performance_prefix}{a}"], errors="raise").to_numpy(float)
                            for a in attributes])
    return imp[is_own], perf[is_own], imp[is_comp], perf[is_comp]


def _means(rows: np.ndarray, pick: np.ndarray) -> np.ndarray:
    """Column means of the resamples ``rows[pick]`` (resamples × columns), missing answers skipped."""
    sample = rows[pick]                      # resamples × respondents × attributes
    count = np.sum(~np.isnan(sample), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.nansum(sample, axis=1) / np.where(count > 0, count, np.nan)


def _bootstrap(responses, kind, attributes, crosshair, n_boot, level, seed, firm, own, competitor,
               importance_from, importance_prefix, performance_prefix, names):
    from crmlab._checks import number as _number

    # The ceiling keeps one call within memory and seconds; 2,000 resamples already give stable 95 % intervals.
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or not 100 <= n_boot <= 100_000:
        raise fail("n_boot", _("a whole number of bootstrap resamples from 100 to 100,000"), n_boot)
    level = _number("level", level, low=0, high=1, low_open=True, high_open=True)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise fail("seed", _("a whole number >= 0 (the random seed, so the intervals are reproducible)"), seed,
                   TypeError if not isinstance(seed, (int, np.integer)) else ValueError)
    table = attribute_table(responses, attributes, firm=firm, own=own, competitor=competitor,
                            importance_from=importance_from, importance_prefix=importance_prefix,
                            performance_prefix=performance_prefix, names=names)
    frame = pem(table, crosshair=crosshair) if kind == "pem" else rpm(table, crosshair=crosshair)
    if not isinstance(crosshair, str) and kind == "pem":
        fixed = frame.attrs[_ATTRS_KEY]["crosshair"]
    else:
        fixed = None
    attrs = list(table.index)
    own_imp, own_perf, comp_imp, comp_perf = _survey_arrays(responses, attrs, firm, own, competitor,
                                                            importance_prefix, performance_prefix)
    rng = np.random.default_rng(int(seed))
    imp_b, second_b = [], []
    chunk = max(1, 400_000 // max(own_imp.size + comp_imp.size, 1))
    n_o, n_c = own_imp.shape[0], comp_imp.shape[0]
    done = 0
    while done < n_boot:
        draws = min(chunk, n_boot - done)
        # Resample each firm's customers separately: the survey fixed how many of each it asked.
        pick_o = rng.integers(0, n_o, size=(draws, n_o))
        pick_c = rng.integers(0, n_c, size=(draws, n_c))
        perf_own, comp = _means(own_perf, pick_o), _means(comp_perf, pick_c)
        if importance_from == "all":
            imp = _means(np.vstack([own_imp, comp_imp]), np.hstack([pick_o, pick_c + n_o]))
        else:
            imp = _means(own_imp, pick_o)
        imp_b.append(imp)
        second_b.append(perf_own if kind == "pem" else perf_own - comp)
        done += draws
    imp_b, second_b = np.vstack(imp_b), np.vstack(second_b)
    keep = np.all(np.isfinite(imp_b), axis=1) & np.all(np.isfinite(second_b), axis=1)
    imp_b, second_b = imp_b[keep], second_b[keep]
    # The crosshair is re-estimated in every resample when it is the mean or median of the attributes.
    if isinstance(crosshair, str):
        centre = np.mean if crosshair == "mean" else np.median
        cut_imp = centre(imp_b, axis=1, keepdims=True)
        cut_second = centre(second_b, axis=1, keepdims=True) if kind == "pem" else np.zeros((len(imp_b), 1))
    else:
        cut_imp = np.full((len(imp_b), 1), frame.attrs[_ATTRS_KEY]["crosshair"][0])
        cut_second = np.full((len(imp_b), 1), fixed[1] if fixed is not None else 0.0)
    imp_margin, second_margin = imp_b - cut_imp, second_b - cut_second
    tail = (1 - level) / 2
    lo_i, hi_i = np.quantile(imp_margin, [tail, 1 - tail], axis=0)
    lo_s, hi_s = np.quantile(second_margin, [tail, 1 - tail], axis=0)
    info = frame.attrs[_ATTRS_KEY]
    point_imp = frame[info["importance"]].to_numpy(float) - info["crosshair"][0]
    point_second = (frame[info["x"]].to_numpy(float) - (info["crosshair"][1] or 0.0))
    second = "performance_margin" if kind == "pem" else "gap"
    frame["importance_margin"] = point_imp
    frame["importance_margin_low"], frame["importance_margin_high"] = lo_i, hi_i
    if kind == "pem":
        frame[second] = point_second
    frame[f"{second}_low"], frame[f"{second}_high"] = lo_s, hi_s
    # An interval that includes 0 crosses its crosshair line: the data cannot say which side the attribute is on.
    crosses_imp = (lo_i <= 0) & (hi_i >= 0)
    crosses_second = (lo_s < 0) & (hi_s >= 0)
    hi_imp_b = imp_margin >= -1e-12
    good_b = second_margin >= (-1e-12 if kind == "pem" else 0.0)
    names_q = PEM_QUADRANTS if kind == "pem" else RPM_QUADRANTS
    code_b = np.where(hi_imp_b, np.where(good_b, 1, 0), np.where(good_b, 3, 2))
    code = np.array([names_q.index(str(q)) for q in frame["quadrant"]])
    frame["stability"] = np.mean(code_b == code[None, :], axis=0)
    frame["too_close"] = crosses_imp | crosses_second
    frame["call"] = np.where(frame["too_close"], TOO_CLOSE, frame["quadrant"].astype(str))
    frame.attrs[_ATTRS_KEY] = {**info, "intervals": {"level": level, "n_boot": int(n_boot), "seed": int(seed),
                                                    "resamples": int(len(imp_b)),
                                                    "importance": "importance_margin", "x": second}}
    return frame


_CI_DOC = """
    Parameters
    ----------
    responses : DataFrame
        One row per respondent, as for :func:`attribute_table` (``firm``, ``imp_<attr>``,
        ``perf_<attr>`` columns), e.g. the ``service_survey`` dataset.
    attributes : list of str, optional
        Attribute codes; default every attribute with both columns.
    crosshair : as in :func:`{kind}`
        A mean or median crosshair is re-estimated in every resample (it is an estimate too).
    n_boot : int
        Bootstrap resamples (>= 100; default 2000).
    level : float
        Confidence level of the intervals (default 0.95, percentile intervals).
    seed : int
        Random seed: the same seed gives the same intervals.
    firm, own, competitor, importance_from, importance_prefix, performance_prefix, names
        As in :func:`attribute_table`.

    Returns
    -------
    DataFrame
        The :func:`{kind}` frame of the attribute table, plus per attribute:
        ``importance_margin`` (importance − crosshair) with ``importance_margin_low`` /
        ``_high``; {second}; ``stability`` (share of resamples that put the attribute in the
        same quadrant); ``too_close`` (an interval includes 0, i.e. crosses a crosshair line)
        and ``call``: the quadrant, or "too close to call". :func:`crmlab.plots.customers.matrix_plot`
        draws the intervals around the crosshair lines.

    Notes
    -----
    Respondents are resampled with replacement within each firm (the survey fixed how many
    customers of each it asked), the attribute table and the crosshair are recomputed from
    every resample, and the percentile interval of each margin is reported.
"""


def pem_ci(responses: pd.DataFrame, attributes: Sequence[str] | None = None, *, crosshair="mean",
           n_boot: int = 2000, level: float = 0.95, seed: int = 0, firm: str = "firm", own: str = "own",
           competitor: str = "competitor", importance_from: str = "all", importance_prefix: str = "imp_",
           performance_prefix: str = "perf_", names: Mapping[str, str] | pd.Series | None = None) -> pd.DataFrame:
    """PEM positions with bootstrap confidence intervals over respondents, and "too close to call".

    Examples
    --------
    >>> from crmlab import datasets
    >>> out = pem_ci(datasets.load("service_survey"), n_boot=500)
    >>> out.loc["complaint_handling", ["quadrant", "call"]].tolist()
    ['concentrate here', 'concentrate here']
    >>> int(out["too_close"].sum()) > 0
    True
    """
    return _bootstrap(responses, "pem", attributes, crosshair, n_boot, level, seed, firm, own, competitor,
                      importance_from, importance_prefix, performance_prefix, names)


def rpm_ci(responses: pd.DataFrame, attributes: Sequence[str] | None = None, *, crosshair="mean",
           n_boot: int = 2000, level: float = 0.95, seed: int = 0, firm: str = "firm", own: str = "own",
           competitor: str = "competitor", importance_from: str = "all", importance_prefix: str = "imp_",
           performance_prefix: str = "perf_", names: Mapping[str, str] | pd.Series | None = None) -> pd.DataFrame:
    """RPM positions with bootstrap confidence intervals over respondents, and "too close to call".

    Examples
    --------
    >>> from crmlab import datasets
    >>> out = rpm_ci(datasets.load("service_survey"), n_boot=500)
    >>> out.loc["complaint_handling", "call"]
    'urgent weakness'
    """
    return _bootstrap(responses, "rpm", attributes, crosshair, n_boot, level, seed, firm, own, competitor,
                      importance_from, importance_prefix, performance_prefix, names)


pem_ci.__doc__ += _CI_DOC.format(kind="pem", second="``performance_margin`` (performance − crosshair) with "
                                 "``performance_margin_low`` / ``_high``")
rpm_ci.__doc__ += _CI_DOC.format(kind="rpm", second="``gap_low`` / ``gap_high`` (the gap's interval; its line is 0)")
