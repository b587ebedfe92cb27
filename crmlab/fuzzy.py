"""Fuzzy comprehensive evaluation (模糊综合评价) of a CRM system, on one level or several.

The chapter evaluates a CRM balanced scorecard with the multi-level fuzzy
comprehensive evaluation method of systems engineering: raters put each
indicator into a grade (excellent, good, fair, poor); the share of raters per
grade is the indicator's *membership* in that grade; weights combine the
indicators' membership rows into one evaluation vector B = A ∘ R.

* :func:`membership_from_votes` — raters' votes → membership matrix R (row shares);
* :func:`evaluate` — B = A ∘ R with one of four composition operators:

  ============== ========== =====================================================
  operator       notation   b_j
  ============== ========== =====================================================
  "weighted_average" M(·,+)  Σ_i a_i r_ij   (uses every indicator; the default)
  "zadeh"        M(∧,∨)     max_i min(a_i, r_ij)   (the main factor decides)
  "product_max"  M(·,∨)     max_i a_i r_ij   (main factor, weight kept as a product)
  "bounded"      M(∧,⊕)     min(1, Σ_i min(a_i, r_ij))   (bounded sum)
  ============== ========== =====================================================

* :func:`evaluate_levels` — indicator → perspective → whole system: each
  perspective's normalised vector becomes a row of the top-level membership matrix;
* :func:`max_membership_validity` — how far the maximum-membership principle can be trusted.

Reading B. The maximum-membership principle (最大隶属原则) names the grade with
the largest b_j. It throws the rest of B away, and it misleads when the vector is
flat or split: with 0.43 "excellent" and 0.31 "good" most of the membership
(0.57) is *not* in "excellent". Every :class:`FuzzyResult` therefore reports

* ``validity`` — the validity index α = (n β − 1) / (2 γ (n − 1)) of the
  maximum-membership principle, β the largest and γ the second largest
  normalised membership, n the number of grades (谢季坚, 刘承平《模糊数学方法及其应用》,
  华中科技大学出版社, section on the validity of the maximum-membership principle,
  最大隶属原则的有效性). α ≥ 1: very effective; 0.5 ≤ α < 1: fairly effective;
  0 < α < 0.5: of low effectiveness; α = 0 (B uniform): invalid; α = ∞ when
  γ = 0 (a single grade);
* ``score_grade`` — with grade scores, the grade whose score is nearest the
  weighted-average score (the weighted-average principle, 加权平均原则);
* ``reliable`` and ``caveats`` — whether the grade by maximum membership can be
  reported as it is: its membership is at least 0.5, α ≥ 0.5, and it agrees with
  ``score_grade``. When not, report the score (and its nearest grade) instead.

Inputs may be lists, arrays, Series or DataFrames. Weights must sum to 1 and
memberships lie in [0, 1].

Examples
--------
>>> R = pd.DataFrame([[0.7, 0.2, 0.1, 0.0], [0.2, 0.3, 0.4, 0.1], [0.3, 0.4, 0.2, 0.1]],
...                  index=["retention", "satisfaction", "cost"], columns=["excellent", "good", "fair", "poor"])
>>> r = evaluate([0.5, 0.3, 0.2], R, grade_scores=[95, 85, 70, 50])
>>> r.vector.round(4).tolist(), r.grade, round(r.score, 2)
([0.47, 0.27, 0.21, 0.05], 'excellent', 84.8)
>>> round(r.validity, 4), r.score_grade, r.reliable
(0.5432, 'good', False)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crmlab._checks import _to_float, choice, fail, vector
from crmlab._checks import weights as check_weights
from crmlab._results import ResultMixin, table_repr
from crmlab.i18n import N_
from crmlab.i18n import gettext as _

__all__ = [
    "OPERATORS",
    "membership_from_votes",
    "evaluate",
    "FuzzyResult",
    "evaluate_levels",
    "LevelsResult",
    "max_membership_validity",
    "validity_level",
    "VALIDITY_LEVELS",
]

#: Lower bounds of the validity index α of the maximum-membership principle and what they mean.
VALIDITY_LEVELS = {"very effective": 1.0, "fairly effective": 0.5, "low effectiveness": 0.0}
#: Smallest membership of the winning grade for the principle to be read as a majority verdict.
_MAJORITY = 0.5

#: Composition operators: name → notation.
OPERATORS = {
    "weighted_average": "M(·,+)",
    "zadeh": "M(∧,∨)",
    "product_max": "M(·,∨)",
    "bounded": "M(∧,⊕)",
}


def _is_label_column(name: str, column: pd.Series) -> bool:
    """True for a text column (indicator names), False for a grade column of numbers.

    A grade column of True/False or of numbers written as text is an error rather
    than a label column: silently moving it to the index would drop that grade.
    """
    if pd.api.types.is_bool_dtype(column):
        raise fail(f"{name}[{column.name!r}]", _("numbers (vote counts or memberships), not True/False"), _("booleans"),
                   TypeError)
    if pd.api.types.is_numeric_dtype(column):
        return False
    values = [v for v in column.tolist() if not (v is None or v is pd.NA or (isinstance(v, float) and v != v))]
    if values and all(isinstance(v, (int, float, np.number)) and not isinstance(v, (bool, np.bool_))
                      for v in values):
        return False  # numbers in an object column: a grade column (missing cells are caught below)
    for v in values:
        if isinstance(v, str):
            try:
                float(v)
            except ValueError:
                continue
            raise fail(f"{name}[{column.name!r}]", _("numbers, not text"), v, TypeError)
    return True


def _numeric_frame(name: str, data, *, default_columns=None) -> pd.DataFrame:
    """A 2-D table of finite floats; non-numeric columns of a DataFrame become its index."""
    if isinstance(data, pd.DataFrame):
        frame = data
        if not frame.columns.is_unique:
            raise fail(name, _("one column per grade (unique column names)"),
                       _("duplicate column {column!r}").format(column=frame.columns[frame.columns.duplicated()][0]))
        labels = [c for c in frame.columns if _is_label_column(name, frame[c])]
        if labels and len(labels) < frame.shape[1]:
            frame = frame.set_index(labels)
    elif isinstance(data, (str, bytes)) or not hasattr(data, "__len__"):
        raise fail(name, _("a table (DataFrame, 2-D array or list of rows)"), data, TypeError)
    else:
        from crmlab._checks import _float_array

        arr = _float_array(name, data, _("a table of numbers"))
        if arr.ndim == 1:
            arr = arr.reshape(1, -1)
        if arr.ndim != 2:
            raise fail(name, _("two-dimensional (rows = indicators, columns = grades)"),
                       _("an array of shape {shape}").format(shape=arr.shape))
        columns = default_columns if default_columns is not None and len(default_columns) == arr.shape[1] else None
        frame = pd.DataFrame(arr, columns=columns)
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        raise fail(name, _("at least one row and one column"), _("shape {shape}").format(shape=frame.shape))
    try:
        values = frame.astype(object).to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError, OverflowError):
        raise fail(name, _("numbers in every grade column"), frame.iloc[:2].to_numpy().tolist(), TypeError) from None
    bad = ~np.isfinite(values)
    if bad.any():
        r, c = (int(x[0]) for x in np.nonzero(bad))
        raise fail(name, _("finite numbers (no missing values)"),
                   _("{value} at row {row!r}, column {column!r}").format(value=values[r, c], row=frame.index[r],
                                                                          column=frame.columns[c]))
    return pd.DataFrame(values, index=frame.index, columns=frame.columns)


def membership_from_votes(votes) -> pd.DataFrame:
    """Membership matrix R from raters' votes: each row's counts divided by the row total.

    Parameters
    ----------
    votes : DataFrame, 2-D array or list of rows
        Rows = indicators, columns = grades, cells = number of raters who put the
        indicator in that grade (non-negative). Text columns of a DataFrame (such
        as ``perspective`` and ``indicator`` in the ``scorecard_votes`` dataset)
        become the row index, so the result can go straight into :func:`evaluate_levels`.

    Returns
    -------
    DataFrame
        Same shape, each row summing to 1.

    Examples
    --------
    >>> votes = pd.DataFrame({"indicator": ["retention", "cost"], "good": [6, 2], "fair": [3, 5], "poor": [1, 3]})
    >>> membership_from_votes(votes)
               good  fair  poor
    indicator
    retention   0.6   0.3   0.1
    cost        0.2   0.5   0.3
    """
    counts = _numeric_frame("votes", votes)
    values = counts.to_numpy()
    if (values < 0).any():
        r, c = (int(x[0]) for x in np.nonzero(values < 0))
        raise fail("votes", _("non-negative counts"),
                   _("{value} at row {row!r}, column {column!r}").format(value=values[r, c], row=counts.index[r],
                                                                          column=counts.columns[c]))
    totals = values.sum(axis=1)
    if (totals == 0).any():
        r = int(np.flatnonzero(totals == 0)[0])
        raise fail("votes", _("at least one vote in every row"), _("no votes in row {row!r}").format(row=counts.index[r]))
    return pd.DataFrame(values / totals[:, None], index=counts.index, columns=counts.columns)


def _membership(membership, name: str = "membership") -> pd.DataFrame:
    frame = _numeric_frame(name, membership)
    values = frame.to_numpy()
    outside = (values < 0) | (values > 1)
    if outside.any():
        r, c = (int(x[0]) for x in np.nonzero(outside))
        raise fail(name, _("memberships between 0 and 1 (use membership_from_votes for vote counts)"),
                   _("{value} at row {row!r}, column {column!r}").format(value=values[r, c], row=frame.index[r],
                                                                          column=frame.columns[c]))
    empty = values.sum(axis=1) == 0
    if empty.any():
        raise fail(name, _("some membership in every row"),
                   _("an all-zero row {row!r}").format(row=frame.index[int(np.flatnonzero(empty)[0])]))
    return frame


def _aligned_weights(weights, index: pd.Index, name: str = "weights") -> np.ndarray:
    """Weights as an array in the order of ``index``; a Series or mapping is matched by label."""
    if isinstance(weights, Mapping) and not isinstance(weights, pd.Series):
        weights = pd.Series(dict(weights))
    if isinstance(weights, pd.Series) and not isinstance(weights.index, pd.RangeIndex):
        if not index.is_unique or not weights.index.is_unique:
            raise fail(name, _("matched to the membership rows by label, so the labels must be unique"),
                       _("duplicate label {label!r}").format(
                           label=[*index[index.duplicated()], *weights.index[weights.index.duplicated()]][0]))
        missing = [k for k in index if k not in weights.index]
        extra = [k for k in weights.index if k not in index]
        if missing or extra:
            raise ValueError(_("{name} must have one weight per row of the membership matrix; "
                               "missing {missing}, not in the matrix {extra}").format(name=name, missing=missing,
                                                                                     extra=extra))
        weights = weights.reindex(index)
    arr = check_weights(name, weights)
    if arr.size != len(index):
        raise fail(name, _("{n} weights (one per row of the membership matrix)").format(n=len(index)),
                   _("{n} weights").format(n=arr.size))
    return arr


def _grade_scores(grade_scores, grades: pd.Index) -> np.ndarray | None:
    if grade_scores is None:
        return None
    if isinstance(grade_scores, Mapping) and not isinstance(grade_scores, pd.Series):
        grade_scores = pd.Series(dict(grade_scores))
    if isinstance(grade_scores, pd.Series) and not isinstance(grade_scores.index, pd.RangeIndex):
        missing = [g for g in grades if g not in grade_scores.index]
        if missing:
            raise ValueError(_("grade_scores has no score for grade(s) {missing}; grades are {grades}").format(
                missing=missing, grades=list(grades)))
        grade_scores = grade_scores.reindex(grades)
    arr = vector("grade_scores", grade_scores)
    if arr.size != len(grades):
        raise fail("grade_scores", _("{n} scores (one per grade)").format(n=len(grades)), grade_scores)
    return arr


def _compose(a: np.ndarray, r: np.ndarray, operator: str) -> np.ndarray:
    """B = A ∘ R for a weight vector a (n,) and membership matrix r (n, m)."""
    if operator == "weighted_average":
        return a @ r
    if operator == "product_max":
        return (a[:, None] * r).max(axis=0)
    low = np.minimum(a[:, None], r)
    if operator == "zadeh":
        return low.max(axis=0)
    return np.minimum(1.0, low.sum(axis=0))


def max_membership_validity(memberships) -> float:
    """Validity index α of the maximum-membership principle for an evaluation vector B.

    α = (n β − 1) / (2 γ (n − 1)), with B normalised to sum 1, β its largest and
    γ its second-largest membership and n the number of grades (谢季坚, 刘承平
    《模糊数学方法及其应用》, 最大隶属原则的有效性). α = 0 when B is uniform (the
    principle picks a grade at random), α = ∞ when only one grade has membership.
    Read α ≥ 1 as very effective, 0.5 ≤ α < 1 as fairly effective, α < 0.5 as of low
    effectiveness (:data:`VALIDITY_LEVELS`).

    Parameters
    ----------
    memberships : array-like
        B: memberships b_j ≥ 0 of at least two grades, not all zero.

    Returns
    -------
    float

    Examples
    --------
    >>> round(max_membership_validity([0.4262, 0.3116, 0.2083, 0.0539]), 4)
    0.377
    >>> max_membership_validity([0.25, 0.25, 0.25, 0.25]), max_membership_validity([0, 1, 0])
    (0.0, inf)
    """
    b = vector("memberships", memberships, nonnegative=True)
    if b.size < 2:
        raise fail("memberships", _("memberships of at least 2 grades"), f"{b.size}")
    total = float(b.sum())
    if total <= 0:
        raise fail("memberships", _("some membership above zero"), _("all zeros"))
    top, second = np.sort(b / total)[::-1][:2]
    n = b.size
    # A uniform B gives n β − 1 = 0 up to rounding: call it exactly 0.
    numerator = n * top - 1.0
    if numerator < 1e-12:
        return 0.0
    if second <= 0:
        return float("inf")
    return float(numerator / (2 * second * (n - 1)))


def validity_level(alpha: float) -> str:
    """Reading of the validity index α: "very effective", "fairly effective", "low effectiveness" or "invalid".

    >>> validity_level(0.377), validity_level(1.2), validity_level(0.0)
    ('low effectiveness', 'very effective', 'invalid')
    """
    # α may be +inf (only one grade has membership), so the finite-number check does not apply.
    alpha = _to_float("alpha", alpha)
    if np.isnan(alpha) or alpha < 0:
        raise fail("alpha", _("a validity index >= 0 (from max_membership_validity)"), alpha)
    if alpha == 0:
        return "invalid"
    return next(level for level, low in VALIDITY_LEVELS.items() if alpha >= low)


@dataclass(frozen=True, eq=False)
class FuzzyResult(ResultMixin):
    """A fuzzy comprehensive evaluation B = A ∘ R.

    Attributes
    ----------
    vector : Series
        B, one membership per grade.
    normalized : Series
        B divided by its sum (sums to 1).
    grade : object
        The grade with the largest membership (maximum-membership principle,
        最大隶属度原则); the first such grade on a tie. Check :attr:`reliable`
        before reporting it.
    score : float or None
        normalized · grade_scores, when grade scores were given (the
        weighted-average principle).
    operator : str
    weights : Series
        The weights used, by indicator.
    membership : DataFrame
        The membership matrix R used.
    """

    vector: pd.Series
    normalized: pd.Series
    grade: object
    score: float | None
    operator: str = "weighted_average"
    weights: pd.Series = field(default=None, repr=False)
    membership: pd.DataFrame = field(default=None, repr=False)
    grade_scores: pd.Series | None = field(default=None, repr=False)

    _title = N_("Fuzzy comprehensive evaluation")

    __repr__ = table_repr

    @property
    def validity(self) -> float:
        """Validity index α of the maximum-membership principle (see :func:`max_membership_validity`)."""
        return max_membership_validity(self.normalized.to_numpy())

    @property
    def validity_level(self) -> str:
        """"very effective" (α ≥ 1), "fairly effective" (α ≥ 0.5), "low effectiveness" or "invalid" (α = 0)."""
        return validity_level(self.validity)

    @property
    def score_grade(self):
        """The grade whose score is nearest the weighted-average score (None without grade scores)."""
        if self.score is None:
            return None
        return self.grade_scores.index[int(np.argmin(np.abs(self.grade_scores.to_numpy() - self.score)))]

    @property
    def caveats(self) -> tuple[str, ...]:
        """Why the grade by maximum membership should not be reported alone (empty when it can)."""
        out = []
        top = float(self.normalized[self.grade])
        if top < _MAJORITY:
            out.append(f"the largest membership ({self.grade}, {top:.3f}) is below 0.5: "
                       f"{1 - top:.3f} of the membership is in other grades")
        if self.validity < VALIDITY_LEVELS["fairly effective"]:
            out.append(f"validity α = {self.validity:.3f} < 0.5 ({self.validity_level})")
        if self.score_grade is not None and self.score_grade != self.grade:
            out.append(f"the score {self.score:.2f} is nearest the grade {self.score_grade!r} "
                       f"({self.grade_scores[self.score_grade]:g}), not {self.grade!r}")
        return tuple(out)

    @property
    def reliable(self) -> bool:
        """True when the maximum-membership grade can be reported: membership ≥ 0.5, α ≥ 0.5, and it agrees
        with the score's nearest grade. When False, report the score (and :attr:`score_grade`) instead."""
        return not self.caveats

    def _headline(self) -> dict:
        out = {_("operator"): f"{self.operator} {OPERATORS[self.operator]}", _("grade"): self.grade}
        if self.score is not None:
            out[_("score")] = self.score
            out[_("score's nearest grade")] = self.score_grade
        out[_("validity α")] = self.validity
        out[_("max-membership grade reliable")] = self.reliable
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per grade: B, normalised B, and the grade's score if given."""
        frame = pd.DataFrame({"B": self.vector, "normalized": self.normalized})
        if self.grade_scores is not None:
            frame["grade_score"] = self.grade_scores
        frame.index.name = "grade"
        return frame

    def plot(self, ax=None):
        """Bar chart of the normalised evaluation vector, the winning grade highlighted."""
        from crmlab.plots.evaluation import fuzzy_plot

        return fuzzy_plot(self, ax=ax)


def evaluate(weights, membership, operator: str = "weighted_average", grade_scores=None) -> FuzzyResult:
    """One-level fuzzy comprehensive evaluation B = A ∘ R.

    Parameters
    ----------
    weights : list, array, Series or mapping
        A: one weight per row of ``membership``, non-negative, summing to 1. A
        Series or mapping is matched to the rows by label.
    membership : DataFrame, 2-D array or list of rows
        R: rows = indicators, columns = grades, r_ij in [0, 1] = how far
        indicator i belongs to grade j (e.g. from :func:`membership_from_votes`).
    operator : {"weighted_average", "zadeh", "product_max", "bounded"}
        How A and R are composed; see the module docstring. The weighted average
        uses every indicator's information and is the usual choice; the others
        let the dominant factor decide.
    grade_scores : list, array, Series or mapping, optional
        A score for each grade (e.g. 95, 85, 70, 50) to turn the evaluation into
        one number: score = normalized · grade_scores.

    Returns
    -------
    FuzzyResult

    Examples
    --------
    The clothing example of Chinese fuzzy-mathematics textbooks, with Zadeh's operator:

    >>> R = [[0.2, 0.5, 0.2, 0.1], [0.7, 0.2, 0.1, 0.0], [0.0, 0.4, 0.5, 0.1], [0.2, 0.3, 0.5, 0.0]]
    >>> evaluate([0.1, 0.2, 0.3, 0.4], R, operator="zadeh").vector.tolist()
    [0.2, 0.3, 0.4, 0.1]
    >>> evaluate([0.5, 0.3, 0.3], R)
    Traceback (most recent call last):
    ...
    ValueError: weights must sum to 1; they sum to 1.1
    """
    choice("operator", operator, OPERATORS)
    r = _membership(membership)
    a = _aligned_weights(weights, r.index)
    b = _compose(a, r.to_numpy(), operator)
    total = float(b.sum())
    if total <= 0:
        raise ValueError(_("the evaluation vector is all zero (every weight meets zero membership), "
                           "so it cannot be normalised; check weights and membership"))
    grades = r.columns
    scores = _grade_scores(grade_scores, grades)
    normalized = b / total
    return FuzzyResult(
        vector=pd.Series(b, index=grades, name="B"),
        normalized=pd.Series(normalized, index=grades, name="normalized"),
        grade=grades[int(np.argmax(b))],
        score=None if scores is None else float(normalized @ scores),
        operator=operator,
        weights=pd.Series(a, index=r.index, name="weight"),
        membership=r,
        grade_scores=None if scores is None else pd.Series(scores, index=grades, name="grade_score"),
    )


# ---------------------------------------------------------------------------
# Several levels
# ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class LevelsResult(ResultMixin):
    """A two-level fuzzy comprehensive evaluation: indicators → groups (perspectives) → whole system.

    Attributes
    ----------
    overall : FuzzyResult
        The top-level evaluation (its membership matrix is ``groups``).
    groups : DataFrame
        One row per group: its normalised evaluation vector (the level-1 membership matrix).
    group_results : dict
        Group → its :class:`FuzzyResult` over its indicators.
    group_weights : Series
        Weight of each group (sum 1).
    indicator_weights : Series
        Weight of each indicator within its group (MultiIndex group, indicator; each group sums to 1).
    """

    overall: FuzzyResult
    groups: pd.DataFrame
    group_results: dict = field(repr=False)
    group_weights: pd.Series = field(repr=False)
    indicator_weights: pd.Series = field(repr=False)

    _title = N_("Multi-level fuzzy comprehensive evaluation")

    __repr__ = table_repr

    @property
    def grade(self):
        """The overall grade (largest membership of the top-level vector)."""
        return self.overall.grade

    @property
    def score(self):
        """The overall score (None without grade scores)."""
        return self.overall.score

    @property
    def reliable(self) -> bool:
        """Whether the overall grade by maximum membership can be reported (see :attr:`FuzzyResult.reliable`)."""
        return self.overall.reliable

    def _headline(self) -> dict:
        return self.overall._headline()

    def to_frame(self) -> pd.DataFrame:
        """One row per group and one for the whole system: weight, normalised memberships, grade (and score)."""
        rows = self.groups.copy()
        rows.loc["overall"] = self.overall.normalized
        rows.insert(0, "weight", [*self.group_weights.tolist(), 1.0])
        results = [*self.group_results.values(), self.overall]
        rows["grade"] = [r.grade for r in results]
        if self.overall.score is not None:
            rows["score"] = [r.score for r in results]
            rows["score grade"] = [r.score_grade for r in results]
        rows["validity"] = [r.validity for r in results]
        rows["reliable"] = [r.reliable for r in results]
        rows.index.name = self.groups.index.name
        return rows

    def plot(self, ax=None):
        """Stacked bars: each group's and the overall membership in each grade."""
        from crmlab.plots.evaluation import levels_plot

        return levels_plot(self, ax=ax)


def _split_groups(membership) -> tuple[dict, str]:
    """Group → membership frame of its indicators, and the name of the group level."""
    if isinstance(membership, Mapping):
        if not membership:
            raise fail("membership", _("a non-empty mapping {group: membership table}"), membership)
        return {g: _membership(m, name=f"membership[{g!r}]") for g, m in membership.items()}, "group"
    frame = _membership(membership)
    if frame.index.nlevels != 2:
        raise ValueError(_("membership must have a two-level row index (group, indicator), e.g. from "
                           "membership_from_votes(votes with 'perspective' and 'indicator' columns), or be a "
                           "mapping {{group: membership}}; got an index with {levels} level(s)").format(
            levels=frame.index.nlevels))
    groups = list(pd.unique(frame.index.get_level_values(0)))
    return {g: frame.xs(g, level=0) for g in groups}, frame.index.names[0] or "group"


def _group_weights_within(weights, parts: dict, global_weights: bool) -> dict:
    """Group → weight array within the group (summing to 1)."""
    if isinstance(weights, Mapping) and not isinstance(weights, pd.Series) and set(weights) == set(parts):
        return {g: _aligned_weights(weights[g], parts[g].index, name=f"weights[{g!r}]") for g in parts}
    if isinstance(weights, pd.Series):
        series = weights
    elif isinstance(weights, Mapping):
        series = pd.Series(dict(weights))
    else:
        arr = vector("weights", weights, nonnegative=True)
        n = sum(len(p) for p in parts.values())
        if arr.size != n:
            raise fail("weights", _("{n} weights (one per indicator, in the membership's row order)").format(n=n),
                       f"{arr.size}")
        series = pd.Series(arr, index=pd.MultiIndex.from_tuples([(g, i) for g, p in parts.items() for i in p.index]))
    out = {}
    for g, part in parts.items():
        if series.index.nlevels == 2:
            if g not in series.index.get_level_values(0):
                raise ValueError(_("weights has no weights for group {group!r}").format(group=g))
            sub = series.xs(g, level=0)
        else:
            sub = series
        missing = [i for i in part.index if i not in sub.index]
        if missing:
            raise ValueError(_("weights lack indicator(s) {missing} of group {group!r}").format(missing=missing, group=g))
        values = vector(f"weights[{g!r}]", sub.reindex(part.index), nonnegative=True)
        if global_weights:
            if values.sum() <= 0:
                raise ValueError(_("weights of group {group!r} are all zero").format(group=g))
            values = values / values.sum()
        out[g] = check_weights(f"weights[{g!r}]", values)
    return out


def evaluate_levels(membership, weights, group_weights=None, operator: str = "weighted_average",
                    top_operator: str | None = None, grade_scores=None) -> LevelsResult:
    """Two-level fuzzy comprehensive evaluation: indicators → perspectives → the whole system.

    Each group (e.g. balanced-scorecard perspective) is first evaluated over its
    own indicators, B_k = A_k ∘ R_k; the normalised vectors B_k become the rows
    of the top-level membership matrix, and the whole system is B = W ∘ [B_1; …; B_K].

    Parameters
    ----------
    membership : DataFrame or mapping
        Either a DataFrame with a two-level row index (group, indicator) and one
        column per grade, e.g. ``membership_from_votes(datasets.load("scorecard_votes"))``;
        or a mapping ``{group: membership table of its indicators}``.
    weights : Series, mapping or sequence
        Indicator weights. Either *within-group* weights (each group's weights sum
        to 1): a Series with the same (group, indicator) index, or a mapping
        ``{group: weights}``; or, when ``group_weights`` is None, *global* weights
        summing to 1 over all indicators (like the ``weight`` column of the
        ``crm_scorecard`` dataset): each group's weight is then the sum of its
        indicators' weights, and the within-group weights their shares. A plain
        sequence follows the row order of ``membership``.
    group_weights : Series, mapping or sequence, optional
        Weight of each group, summing to 1 (a sequence follows the groups' order of
        first appearance).
    operator : str
        Operator of the indicator level (see :func:`evaluate`).
    top_operator : str, optional
        Operator of the top level (default: the same as ``operator``).
    grade_scores : optional
        Scores per grade, giving each group and the system a score.

    Returns
    -------
    LevelsResult

    Examples
    --------
    >>> R = pd.DataFrame([[0.6, 0.4, 0.0], [0.2, 0.6, 0.2], [0.1, 0.5, 0.4]], columns=["good", "fair", "poor"],
    ...                  index=pd.MultiIndex.from_tuples([("customer", "retention"), ("customer", "satisfaction"),
    ...                                                   ("process", "complaint_time")]))
    >>> res = evaluate_levels(R, {"customer": [0.5, 0.5], "process": [1.0]}, group_weights=[0.7, 0.3])
    >>> res.groups.round(4).loc["customer"].tolist(), res.overall.vector.round(4).tolist(), res.grade
    ([0.4, 0.5, 0.1], [0.31, 0.5, 0.19], 'fair')
    """
    choice("operator", operator, OPERATORS)
    top_operator = operator if top_operator is None else choice("top_operator", top_operator, OPERATORS)
    parts, group_name = _split_groups(membership)
    grades = next(iter(parts.values())).columns
    for g, part in parts.items():
        if list(part.columns) != list(grades):
            raise ValueError(_("membership[{group!r}] has grades {grades}; every group needs {needed}").format(
                group=g, grades=list(part.columns), needed=list(grades)))
    global_weights = group_weights is None
    within = _group_weights_within(weights, parts, global_weights)
    if global_weights:
        totals = _global_group_totals(weights, parts)
        if abs(totals.sum() - 1) > 1e-6:
            raise ValueError(_("weights sum to {total:.6g} over all indicators; without group_weights they "
                               "must be global weights summing to 1. If they are weights within each group, "
                               "pass group_weights too").format(total=totals.sum()))
        group_w = check_weights("weights", totals)
    else:
        group_w = _aligned_weights(group_weights, pd.Index(list(parts), name=group_name), name="group_weights")
    results = {g: evaluate(within[g], parts[g], operator=operator, grade_scores=grade_scores) for g in parts}
    level1 = pd.DataFrame([results[g].normalized for g in parts], index=pd.Index(list(parts), name=group_name))
    level1.columns = grades
    overall = evaluate(group_w, level1, operator=top_operator, grade_scores=grade_scores)
    indicator_weights = pd.concat({g: pd.Series(within[g], index=parts[g].index) for g in parts},
                                  names=[group_name])
    indicator_weights.name = "weight"
    return LevelsResult(overall=overall, groups=level1, group_results=results,
                        group_weights=pd.Series(group_w, index=level1.index, name="weight"),
                        indicator_weights=indicator_weights)


def _global_group_totals(weights, parts: dict) -> np.ndarray:
    """Sum of the global indicator weights in each group, in the groups' order."""
    if isinstance(weights, Mapping) and not isinstance(weights, pd.Series) and set(weights) == set(parts):
        return np.array([vector(f"weights[{g!r}]", weights[g], nonnegative=True).sum() for g in parts])
    if isinstance(weights, pd.Series) or isinstance(weights, Mapping):
        series = weights if isinstance(weights, pd.Series) else pd.Series(dict(weights))
        totals = []
        for g, part in parts.items():
            sub = series.xs(g, level=0) if series.index.nlevels == 2 else series
            totals.append(float(vector(f"weights[{g!r}]", sub.reindex(part.index)).sum()))
        return np.array(totals)
    arr = vector("weights", weights, nonnegative=True)
    sizes = np.cumsum([0, *(len(p) for p in parts.values())])
    return np.array([arr[sizes[k]:sizes[k + 1]].sum() for k in range(len(parts))])
