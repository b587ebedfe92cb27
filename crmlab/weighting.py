"""Weights for an indicator system: expert rankings (Delphi, Kendall's W) and pairwise comparisons (AHP).

The chapter (14.1.5) sets the weights of a CRM balanced scorecard by asking
experts to *rank* the indicators, feeding the mean ranks back and ranking again
until the panel agrees (the Delphi method, 德尔菲法); the analytic hierarchy
process (AHP, 层次分析法) is the other common route: compare the indicators in
pairs and take the principal eigenvector of the comparison matrix.

* :func:`ahp` — weights, λmax, consistency index and ratio of a pairwise comparison
  matrix (Saaty 1980), and the judgments to revisit when it is inconsistent;
* :func:`pairwise_matrix` — build that matrix from a few judgments such as
  ``{("retention", "acquisition"): 3}``;
* :func:`kendall_w`, :func:`kendall_test` — how far a panel of experts agrees
  (Kendall's coefficient of concordance W with the correction for ties, and its
  chi-square test);
* :func:`rank_weights` — weights from the experts' mean ranks (rank-sum method);
* :func:`delphi` — the rounds of a Delphi survey side by side: weights, W and the
  coefficient of variation of each indicator's ranks, and whether the panel has converged.

Rankings are given as a DataFrame (rows = experts, columns = items) or a 2-D
array; rank 1 is the most important item.

Examples
--------
>>> result = ahp([[1, 3, 5], [1/3, 1, 3], [1/5, 1/3, 1]], labels=["retention", "satisfaction", "acquisition"])
>>> result.weights.round(4).tolist()
[0.637, 0.2583, 0.1047]
>>> round(result.cr, 4), result.consistent
(0.0332, True)
>>> round(kendall_w([[1, 2, 3], [1, 3, 2], [2, 1, 3]]), 4)
0.4444
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crmlab._checks import choice, fail, number
from crmlab._results import ResultMixin, table_repr
from crmlab.i18n import N_
from crmlab.i18n import gettext as _

__all__ = [
    "RANDOM_INDEX",
    "SAATY_SCALE",
    "ahp",
    "AHPResult",
    "pairwise_matrix",
    "kendall_w",
    "kendall_test",
    "KendallResult",
    "rank_weights",
    "wide_rankings",
    "delphi",
    "DelphiResult",
    "agreement",
]

#: Saaty's random consistency index RI by matrix size n (mean CI of random reciprocal matrices).
RANDOM_INDEX = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49}

#: Saaty's 1–9 scale of relative importance (the even numbers are compromises between neighbours).
SAATY_SCALE = {
    1: "equal importance",
    3: "moderate importance",
    5: "strong importance",
    7: "very strong importance",
    9: "extreme importance",
}

_TOL = 1e-6
_CR_LIMIT = 0.10
_FRACTION = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(?:/\s*([0-9]*\.?[0-9]+))?\s*$")
# Every value of the 1–9 scale and its reciprocal, for suggesting a revised judgment.
_SCALE_VALUES = np.array(sorted({*range(1, 10), *(1 / k for k in range(2, 10))}))


# ---------------------------------------------------------------------------
# AHP
# ---------------------------------------------------------------------------


def _judgment(value, where: str) -> float:
    """One cell of a comparison matrix as a float; strings such as "1/3" are read as fractions."""
    if isinstance(value, str):
        match = _FRACTION.match(value)
        if not match:
            raise fail(where, _("a positive number or a fraction such as '1/3'"), value)
        num = float(match.group(1))
        den = float(match.group(2)) if match.group(2) is not None else 1.0
        if den == 0:
            raise fail(where, _("a fraction with a non-zero denominator"), value)
        return num / den
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        raise fail(where, _("a positive number"), value, TypeError)
    try:
        return float(value)
    except OverflowError:
        raise fail(where, _("a positive finite number"), value) from None


def _cell(labels: list, i: int, j: int) -> str:
    return f"matrix[{labels[i]!r}, {labels[j]!r}]"


def _comparison_matrix(matrix, labels) -> tuple[np.ndarray, list]:
    """Validate a pairwise comparison matrix; return it as floats with its labels."""
    if isinstance(matrix, pd.DataFrame):
        frame = matrix
        if list(frame.columns) != list(frame.index):
            if set(frame.columns) == set(frame.index) and len(frame.columns) == len(frame.index):
                frame = frame[list(frame.index)]  # same items, columns in another order
            else:
                raise ValueError(_("matrix rows and columns must name the same items in the same order; "
                                   "got rows {rows} and columns {columns}").format(
                    rows=list(frame.index), columns=list(frame.columns)))
        rows = frame.to_numpy(dtype=object).tolist()
        default_labels = list(frame.index)
    elif isinstance(matrix, (str, bytes)) or not hasattr(matrix, "__len__"):
        raise fail("matrix", _("a square table of pairwise judgments (list of lists, array or DataFrame)"),
                   matrix, TypeError)
    else:
        arr = np.asarray(matrix, dtype=object)
        if arr.ndim != 2:
            raise fail("matrix", _("two-dimensional (a square table)"), _("an array of shape {shape}").format(shape=arr.shape))
        rows = arr.tolist()
        default_labels = list(range(len(rows)))
    n = len(rows)
    if n == 0 or any(len(r) != n for r in rows):
        raise fail("matrix", _("square (as many columns as rows)"),
                   _("{n} rows of lengths {lengths}").format(n=n, lengths=[len(r) for r in rows]))
    if labels is None:
        labels = default_labels
    else:
        if isinstance(labels, str) or not hasattr(labels, "__len__"):
            raise fail("labels", _("a sequence of item names"), labels, TypeError)
        labels = list(labels)
        if len(labels) != n:
            raise fail("labels", _("{n} names (one per row of matrix)").format(n=n), labels)
        if len(set(labels)) != n:
            raise fail("labels", _("unique names"), labels)
    if n > max(RANDOM_INDEX):
        raise ValueError(_("matrix has {n} items; AHP here compares at most {most} "
                           "(Saaty's random index table ends there, and people cannot judge more pairs "
                           "consistently): group the items into a hierarchy").format(n=n, most=max(RANDOM_INDEX)))
    try:
        if any(isinstance(v, (bool, np.bool_)) for r in rows for v in r):
            raise TypeError  # True is not a judgment: read cell by cell to name it
        a = np.array(rows, dtype=float)
    except (TypeError, ValueError, OverflowError):  # fractions written as text, or junk: read cell by cell
        a = np.array([[_judgment(rows[i][j], _cell(labels, i, j)) for j in range(n)] for i in range(n)])
    bad = ~(np.isfinite(a) & (a > 0))
    if bad.any():
        i, j = (int(x[0]) for x in np.nonzero(bad))
        raise fail(_cell(labels, i, j), _("a positive finite number"), rows[i][j])
    for i in range(n):
        if abs(a[i, i] - 1) > _TOL:
            raise fail(_cell(labels, i, i), _("1 (an item is equally important as itself)"), a[i, i])
    for i in range(n):
        for j in range(i + 1, n):
            if abs(a[i, j] * a[j, i] - 1) > _TOL:
                raise ValueError(_(
                    "{cell} × {mirror} must equal 1 (reciprocal judgments); "
                    "got {a:g} × {b:g} = {product:g}. Write exact reciprocals, "
                    "e.g. 1/3 rather than 0.33").format(cell=_cell(labels, i, j), mirror=_cell(labels, j, i),
                                                       a=a[i, j], b=a[j, i], product=a[i, j] * a[j, i]))
    return a, labels


def _priorities(a: np.ndarray, method: str) -> tuple[np.ndarray, float]:
    """Priority vector (sums to 1) and λmax of a validated comparison matrix."""
    n = a.shape[0]
    if method == "eigen":
        values, vectors = np.linalg.eig(a)
        # Perron–Frobenius: a positive matrix has one real eigenvalue larger than
        # all others in modulus, with a positive eigenvector.
        k = int(np.argmax(values.real))
        w = np.abs(vectors[:, k].real)
        w = w / w.sum()
        lambda_max = float(values[k].real)
    else:
        w = np.exp(np.log(a).mean(axis=1))
        w = w / w.sum()
        # For an approximate vector, λmax is estimated as the mean of (A w)_i / w_i.
        lambda_max = float(np.mean(a @ w / w))
    # λmax ≥ n for every positive reciprocal matrix; clip round-off below n.
    return w, max(lambda_max, float(n))


def _consistency(lambda_max: float, n: int) -> tuple[float, float]:
    if n <= 2:
        return 0.0, 0.0
    ci = (lambda_max - n) / (n - 1)
    return ci, ci / RANDOM_INDEX[n]


#: Weights closer than this are equal: identical judgments give weights that differ only by floating-point noise.
RANK_TOLERANCE = 1e-9


def _tied_ranks(weights: np.ndarray, tol: float = RANK_TOLERANCE) -> np.ndarray:
    """Rank 1 = largest weight; weights within ``tol`` of each other share the best rank of their group.

    >>> _tied_ranks(np.array([0.35091288743135, 0.350912887431356, 0.19, 0.11])).tolist()
    [1, 1, 3, 4]
    """
    w = np.asarray(weights, dtype=float)
    # Rank = 1 + the number of weights larger by more than the tolerance ("min" ranking of near-ties).
    return 1 + (w[None, :] > w[:, None] + tol).sum(axis=1)


@dataclass(frozen=True, eq=False)
class AHPResult(ResultMixin):
    """Priority weights from a pairwise comparison matrix and its consistency.

    Attributes
    ----------
    weights : Series
        Priority of each item; sums to 1.
    lambda_max : float
        Principal eigenvalue λmax (``method="geometric"``: mean of (A w)_i / w_i).
    ci : float
        Consistency index (λmax − n)/(n − 1).
    cr : float
        Consistency ratio CI / RI(n); 0 when n ≤ 2.
    consistent : bool
        ``cr <= 0.10``, Saaty's rule of thumb.
    matrix : DataFrame
        The comparison matrix as validated.
    method : str
        ``"eigen"`` or ``"geometric"``.
    """

    weights: pd.Series
    lambda_max: float
    ci: float
    cr: float
    consistent: bool
    matrix: pd.DataFrame = field(repr=False)
    method: str = "eigen"

    _title = N_("AHP priority weights")

    __repr__ = table_repr

    def _headline(self) -> dict:
        return {"n": len(self.weights), "λmax": self.lambda_max, "CI": self.ci, "CR": self.cr,
                _("consistent (CR ≤ 0.10)"): self.consistent}

    def to_frame(self) -> pd.DataFrame:
        """One row per item: its weight and its rank (1 = most important)."""
        frame = pd.DataFrame({"weight": self.weights, "rank": _tied_ranks(self.weights.to_numpy())})
        frame.index.name = "item"
        return frame

    def revisit(self, top: int = 3) -> pd.DataFrame:
        """The judgments that disagree most with the weights, to discuss again first.

        For each pair (i, j) the weights imply the judgment w_i / w_j. The
        *deviation* is how many times the judgment a_ij is too large or too small
        compared with that: max(a_ij / (w_i/w_j), (w_i/w_j) / a_ij) ≥ 1. The pairs
        with the largest deviation are the likeliest slips. ``suggested`` is the
        1–9 scale value (or reciprocal) nearest to the implied judgment, and
        ``cr_if_revised`` the consistency ratio after changing only that judgment
        (and its reciprocal) to the suggestion.

        Parameters
        ----------
        top : int
            How many pairs to list (all pairs if larger).

        Returns
        -------
        DataFrame
            Columns ``row``, ``column``, ``judgment``, ``implied``, ``deviation``,
            ``suggested``, ``cr_if_revised``; largest deviation first.
        """
        top = int(number("top", top, low=1))
        a = self.matrix.to_numpy(dtype=float)
        labels = list(self.matrix.index)
        w = self.weights.to_numpy()
        n = len(w)
        i, j = np.triu_indices(n, k=1)
        implied = w[i] / w[j]
        ratio = a[i, j] / implied
        deviation = np.maximum(ratio, 1 / ratio)
        nearest = _SCALE_VALUES[np.argmin(np.abs(np.log(_SCALE_VALUES)[None, :] - np.log(implied)[:, None]), axis=1)]
        order = np.argsort(-deviation, kind="stable")[:top]
        rows = []
        for k in order:
            revised = a.copy()
            revised[i[k], j[k]] = nearest[k]
            revised[j[k], i[k]] = 1 / nearest[k]
            _, lam = _priorities(revised, self.method)
            rows.append((labels[i[k]], labels[j[k]], a[i[k], j[k]], implied[k], deviation[k], nearest[k],
                         _consistency(lam, n)[1]))
        return pd.DataFrame(rows, columns=["row", "column", "judgment", "implied", "deviation", "suggested",
                                           "cr_if_revised"])

    def _repr_html_(self) -> str:
        html = super()._repr_html_()
        if self.consistent:
            return html
        advice = self.revisit().to_html(index=False, float_format=lambda x: f"{x:,.4f}", border=0)
        warning = _("CR = {cr} &gt; 0.10: revisit these judgments first").format(cr=f"{self.cr:.4f}")
        why = _("(largest deviation from what the weights imply)")
        return html[: -len("</div>")] + f"<p><b>{warning}</b> {why}</p>" + advice + "</div>"

    def plot(self, ax=None):
        """Bar chart of the weights, largest first, with the consistency ratio in the title."""
        from crmlab.plots.evaluation import ahp_plot

        return ahp_plot(self, ax=ax)


def ahp(matrix, labels=None, method: str = "eigen") -> AHPResult:
    """Priority weights and consistency of a pairwise comparison matrix (Saaty's AHP).

    Parameters
    ----------
    matrix : list of lists, 2-D array or DataFrame
        a_ij = how many times more important item i is than item j on Saaty's
        1–9 scale; a_ii = 1 and a_ji = 1/a_ij. Cells may be numbers or strings
        such as ``"1/3"`` (handy when the matrix comes from a CSV file). A
        DataFrame's index gives the labels.
    labels : sequence, optional
        Item names (default: the DataFrame index, or 0..n−1).
    method : {"eigen", "geometric"}
        ``"eigen"``: the principal right eigenvector (Saaty); ``"geometric"``: the
        normalised row geometric means, with λmax estimated as the mean of
        (A w)_i / w_i. The two agree exactly for a consistent matrix.

    Returns
    -------
    AHPResult
        ``weights`` (sum 1), ``lambda_max``, ``ci = (λmax − n)/(n − 1)``,
        ``cr = ci / RANDOM_INDEX[n]`` (0 when n ≤ 2) and ``consistent = cr <= 0.10``.
        When the matrix is inconsistent, ``result.revisit()`` lists the judgments
        to reconsider.

    Raises
    ------
    ValueError
        If the matrix is not square, has a non-positive cell, a diagonal cell
        other than 1, a pair with a_ij·a_ji ≠ 1 (tolerance 1e-6), or more than 10 items.

    Examples
    --------
    A perfectly consistent matrix (a_ij = w_i / w_j) gives back w and CR = 0:

    >>> r = ahp([[1, 2, 4], [1/2, 1, 2], [1/4, 1/2, 1]], labels=["a", "b", "c"])
    >>> r.weights.round(4).to_dict(), round(r.cr, 4)
    ({'a': 0.5714, 'b': 0.2857, 'c': 0.1429}, 0.0)
    >>> ahp([[1, 3], [0.33, 1]])
    Traceback (most recent call last):
    ...
    ValueError: matrix[0, 1] × matrix[1, 0] must equal 1 (reciprocal judgments); got 3 × 0.33 = 0.99. Write exact reciprocals, e.g. 1/3 rather than 0.33
    """
    choice("method", method, ("eigen", "geometric"))
    a, labels = _comparison_matrix(matrix, labels)
    n = a.shape[0]
    w, lambda_max = _priorities(a, method)
    ci, cr = _consistency(lambda_max, n)
    index = pd.Index(labels, name="item")
    return AHPResult(
        weights=pd.Series(w, index=index, name="weight"),
        lambda_max=lambda_max,
        ci=ci,
        cr=cr,
        consistent=bool(cr <= _CR_LIMIT),
        matrix=pd.DataFrame(a, index=index, columns=list(labels)),
        method=method,
    )


def pairwise_matrix(judgments: Mapping, labels: Sequence | None = None) -> pd.DataFrame:
    """Build a full reciprocal comparison matrix from the judgments above its diagonal.

    Parameters
    ----------
    judgments : mapping
        ``{(i, j): a_ij}`` for each pair of items, read "i is a_ij times as
        important as j" (a value below 1, e.g. ``1/3``, means j is more important).
        Every unordered pair must appear exactly once.
    labels : sequence, optional
        The items in the order wanted; default: order of first appearance.

    Returns
    -------
    DataFrame
        The n × n matrix with ones on the diagonal and a_ji = 1/a_ij, ready for :func:`ahp`.

    Examples
    --------
    >>> pairwise_matrix({("retention", "acquisition"): 3, ("retention", "cost"): 5,
    ...                  ("acquisition", "cost"): 2}).round(4)
                 retention  acquisition  cost
    retention       1.0000          3.0   5.0
    acquisition     0.3333          1.0   2.0
    cost            0.2000          0.5   1.0
    """
    if not isinstance(judgments, Mapping) or not judgments:
        raise fail("judgments", _("a non-empty mapping {(item_i, item_j): a_ij}"), judgments, TypeError)
    seen: list = []
    pairs = {}
    for key, value in judgments.items():
        if not isinstance(key, tuple) or len(key) != 2:
            raise fail(_("judgments key"), _("a pair (item_i, item_j)"), key, TypeError)
        i, j = key
        if i == j:
            raise fail(f"judgments[{key!r}]", _("a pair of two different items"), key)
        if frozenset(key) in pairs:
            raise ValueError(_("judgments compare {i!r} and {j!r} twice; give each pair once").format(i=i, j=j))
        v = _judgment(value, f"judgments[{key!r}]")
        if not math.isfinite(v) or v <= 0:
            raise fail(f"judgments[{key!r}]", _("a positive finite number"), value)
        pairs[frozenset(key)] = (i, j, v)
        seen.extend(x for x in key if x not in seen)
    if labels is None:
        labels = seen
    else:
        if isinstance(labels, (str, bytes)) or not isinstance(labels, (list, tuple, np.ndarray, pd.Index, pd.Series)):
            raise fail("labels", _("a sequence of item names"), labels, TypeError)
        labels = list(labels)
        unknown = [x for x in seen if x not in labels]
        if unknown:
            raise ValueError(_("judgments name item(s) {unknown} that are not in labels {labels}").format(
                unknown=unknown, labels=labels))
    n = len(labels)
    missing = [(labels[p], labels[q]) for p in range(n) for q in range(p + 1, n)
               if frozenset((labels[p], labels[q])) not in pairs]
    if missing:
        raise ValueError(_("judgments lack {missing} pair(s), e.g. {examples}; "
                           "{n} items need all {pairs} pairs").format(missing=len(missing), examples=missing[:3],
                                                                     n=n, pairs=n * (n - 1) // 2))
    pos = {lab: k for k, lab in enumerate(labels)}
    a = np.ones((n, n))
    for i, j, v in pairs.values():
        a[pos[i], pos[j]] = v
        a[pos[j], pos[i]] = 1 / v
    return pd.DataFrame(a, index=labels, columns=labels)


# ---------------------------------------------------------------------------
# Expert rankings: Kendall's W and rank-sum weights
# ---------------------------------------------------------------------------


def _rank_table(rankings, name: str = "rankings", min_experts: int = 2) -> pd.DataFrame:
    """Rankings as a float DataFrame (experts × items), each row re-ranked with average ranks."""
    if isinstance(rankings, pd.Series) and min_experts <= 1:
        frame = rankings.to_frame().T
    elif isinstance(rankings, pd.DataFrame):
        frame = rankings
    elif isinstance(rankings, (str, bytes)) or not hasattr(rankings, "__len__"):
        raise fail(name, _("a DataFrame or 2-D array (rows = experts, columns = items)"), rankings, TypeError)
    else:
        arr = np.asarray(rankings, dtype=object)
        if arr.ndim == 1 and min_experts <= 1:
            arr = arr.reshape(1, -1)
        if arr.ndim != 2:
            raise fail(name, _("two-dimensional (rows = experts, columns = items)"),
                       _("an array of shape {shape}").format(shape=arr.shape))
        frame = pd.DataFrame(arr)
    m, n = frame.shape
    if not frame.columns.is_unique:
        raise fail(name, _("one column per item (unique item labels)"),
                   _("duplicate item {item!r}").format(item=frame.columns[frame.columns.duplicated()][0]))
    cells = frame.to_numpy(dtype=object).ravel()
    odd = [v for v in cells if isinstance(v, (bool, np.bool_, str))]
    if odd:  # True is not a rank, and "2" is text: the input policy reads neither as a number
        raise fail(name, _("numeric ranks (not text or True/False)"), odd[0], TypeError)
    if m < min_experts:
        raise fail(name, _("rankings by at least {min_experts} expert(s) (one row each)").format(min_experts=min_experts),
                   _("{m} row(s)").format(m=m))
    if n < 2:
        raise fail(name, _("at least 2 items (columns) to rank"), _("{n} column(s)").format(n=n))
    try:
        values = frame.to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise fail(name, _("numeric ranks"), frame.iloc[:2].to_numpy().tolist(), TypeError) from None
    bad = ~np.isfinite(values)
    if bad.any():
        r, c = (int(x[0]) for x in np.nonzero(bad))
        raise fail(name, _("a rank for every item by every expert (no missing values)"),
                   _("{value} for expert {expert!r}, item {item!r}").format(
                       value=values[r, c], expert=frame.index[r], item=frame.columns[c]))
    table = pd.DataFrame(values, index=frame.index, columns=frame.columns)
    # Re-ranking makes 1,2,2,4 and 1,2,2,3 and 1,2.5,2.5,4 the same tied ranking.
    return table.rank(axis=1, method="average")


@dataclass(frozen=True, eq=False)
class KendallResult(ResultMixin):
    """Kendall's coefficient of concordance W and its chi-square test.

    Attributes
    ----------
    w : float
        W in [0, 1] with the tie correction; 1 = all experts rank alike.
    chi2 : float
        m (n − 1) W, approximately chi-square with n − 1 degrees of freedom when
        there is no agreement (use it for n ≥ 7; for fewer items see the exact tables).
    df : int
        n − 1.
    p_value : float
        P(χ² ≥ chi2) under no agreement.
    m, n : int
        Number of experts and items.
    rank_sums : Series
        Sum of each item's (average) ranks over the experts.
    """

    w: float
    chi2: float
    df: int
    p_value: float
    m: int
    n: int
    rank_sums: pd.Series

    _title = N_("Kendall's coefficient of concordance")

    __repr__ = table_repr

    def _headline(self) -> dict:
        return {"W": self.w, "χ²": self.chi2, _("df"): self.df, _("p-value"): self.p_value, _("experts"): self.m}

    def to_frame(self) -> pd.DataFrame:
        """One row per item: rank sum and mean rank."""
        frame = pd.DataFrame({"rank_sum": self.rank_sums, "mean_rank": self.rank_sums / self.m})
        frame.index.name = "item"
        return frame


def _kendall(table: pd.DataFrame) -> KendallResult:
    # chdtrc(k, x) is scipy.stats.chi2.sf(x, k) without importing scipy.stats (0.8 CPU-s on first use)
    from scipy.special import chdtrc

    ranks = table.to_numpy()
    m, n = ranks.shape
    sums = ranks.sum(axis=0)
    s = float(((sums - sums.mean()) ** 2).sum())
    # Tie correction (Kendall 1948; Siegel & Castellan 1988, eq. 9.16): each
    # expert's tie groups of size t remove (t^3 - t) from the maximum spread.
    ordered = np.sort(ranks, axis=1)
    starts = np.ones_like(ordered, dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    counts = np.diff(np.append(np.flatnonzero(starts.ravel()), starts.size))  # run lengths = tie groups
    ties = float((counts**3 - counts).sum())
    denominator = m**2 * (n**3 - n) - m * ties
    if denominator <= 0:
        raise ValueError(_("rankings: every expert tied all items, so agreement is undefined; "
                           "ask the experts to put the items in order"))
    w = 12 * s / denominator
    chi2 = m * (n - 1) * w
    return KendallResult(w=float(w), chi2=float(chi2), df=n - 1, p_value=float(chdtrc(n - 1, chi2)),
                         m=m, n=n, rank_sums=pd.Series(sums, index=table.columns, name="rank_sum"))


def kendall_test(rankings) -> KendallResult:
    """Kendall's W with the tie correction, and its chi-square test of agreement.

    W = 12 S / (m²(n³ − n) − m Σ T), where S is the sum of squared deviations of
    the items' rank sums from their mean, m the number of experts, n of items, and
    T = Σ (t³ − t) over each expert's groups of t tied items. The test statistic
    m (n − 1) W is the Friedman statistic (corrected for ties) and is compared
    with the chi-square distribution with n − 1 degrees of freedom.

    Parameters
    ----------
    rankings : DataFrame or 2-D array
        Rows = experts, columns = items, rank 1 = most important. Each row is
        re-ranked with average ranks, so tied ranks may be written 1, 2, 2, 4 or
        1, 2.5, 2.5, 4 (and scores where smaller means more important also work).

    Returns
    -------
    KendallResult

    Examples
    --------
    >>> t = kendall_test([[1, 2, 3, 4], [1, 3, 2, 4], [2, 1, 3, 4]])
    >>> round(t.w, 4), round(t.chi2, 4), t.df, round(t.p_value, 4)
    (0.7778, 7.0, 3, 0.0719)
    """
    return _kendall(_rank_table(rankings))


def kendall_w(rankings) -> float:
    """Kendall's coefficient of concordance W (0 = no agreement, 1 = identical rankings), tie-corrected.

    See :func:`kendall_test` for the formula, the input and the significance test.

    Examples
    --------
    Two experts tie items b and c:

    >>> round(kendall_w([[1, 2.5, 2.5, 4], [1, 2, 3, 4], [1, 2.5, 2.5, 4]]), 4)
    0.9762
    """
    return kendall_test(rankings).w


_RANK_METHODS = ("rank_sum", "reciprocal")


def rank_weights(rankings, method: str = "rank_sum") -> pd.Series:
    """Weights of items from the experts' rankings.

    Each expert's row is re-ranked with average ranks; r̄_j is item j's mean rank
    over the experts and n the number of items.

    * ``"rank_sum"`` (default, the rank-sum method of Stillwell, Seaver & Edwards 1981):
      w_j = (n + 1 − r̄_j) / Σ_k (n + 1 − r̄_k) = 2 (n + 1 − r̄_j) / (n (n + 1)).
      The top item of a unanimous panel gets n times the weight of the last.
    * ``"reciprocal"``: w_j = (1 / r̄_j) / Σ_k (1 / r̄_k), which favours the top ranks more.

    Parameters
    ----------
    rankings : DataFrame, 2-D array, or one ranking (1-D)
        Rows = experts, columns = items, rank 1 = most important.
    method : {"rank_sum", "reciprocal"}

    Returns
    -------
    Series
        One weight per item (the DataFrame's columns), summing to 1.

    Examples
    --------
    >>> rank_weights([[1, 2, 3], [1, 3, 2]]).round(4).tolist()
    [0.5, 0.25, 0.25]
    >>> rank_weights([1, 2, 3, 4]).tolist()
    [0.4, 0.3, 0.2, 0.1]
    """
    choice("method", method, _RANK_METHODS)
    table = _rank_table(rankings, min_experts=1)
    mean_rank = table.mean(axis=0)
    n = table.shape[1]
    raw = (n + 1 - mean_rank) if method == "rank_sum" else 1 / mean_rank
    weights = raw / raw.sum()
    weights.name = "weight"
    return weights


def wide_rankings(long: pd.DataFrame, item: str = "indicator", expert: str = "expert",
                  rank: str = "rank") -> pd.DataFrame:
    """Turn long rankings (one row per expert and item) into the wide table (experts × items).

    Items keep their order of first appearance.

    Examples
    --------
    >>> long = pd.DataFrame({"expert": ["E1", "E1", "E2", "E2"], "indicator": ["a", "b", "a", "b"],
    ...                      "rank": [1, 2, 2, 1]})
    >>> wide_rankings(long)
    indicator  a  b
    expert
    E1         1  2
    E2         2  1
    """
    from crmlab._checks import columns as need

    need("long", long, {"expert": expert, "item": item, "rank": rank})
    if len(long) == 0:
        raise fail("long", _("at least one ranking (row)"), _("an empty table"))
    for param, column in (("expert", expert), ("item", item)):
        if long[column].isna().any():
            row = long.index[long[column].isna().to_numpy()][0]
            raise fail(f"long[{column!r}]", _("a label in every row (the {param} column)").format(param=param),
                       long.loc[row, column],
                       row=row)
    from crmlab._checks import numeric_column

    numeric_column("long", long, rank)
    dup = long.duplicated([expert, item])
    if dup.any():
        row = long.loc[dup].iloc[0]
        raise ValueError(_("long has two ranks for expert {expert!r} and {item} {label!r}; "
                           "give one rank per expert and item (for several rounds, select one round first)").format(
            expert=row[expert], item=item, label=row[item]))
    order = list(pd.unique(long[item]))
    table = long.pivot(index=expert, columns=item, values=rank)
    if table.isna().to_numpy().any():
        r, c = (int(x[0]) for x in np.nonzero(table.isna().to_numpy()))
        raise ValueError(_("long must give every expert a rank for every {item}; expert {expert!r} has "
                           "no rank for {label!r}").format(item=item, expert=table.index[r], label=table.columns[c]))
    return table[order]


# ---------------------------------------------------------------------------
# Delphi rounds
# ---------------------------------------------------------------------------

_AGREEMENT = ((0.2, "very weak"), (0.4, "weak"), (0.6, "moderate"), (0.8, "strong"))


def agreement(w: float) -> str:
    """Verbal reading of Kendall's W after Schmidt (1997), *Decision Sciences* 28(3): 763–774.

    Schmidt anchors W = 0.1, 0.3, 0.5, 0.7 and 0.9 at very weak, weak, moderate,
    strong and unusually strong agreement; W gets the label of the nearest anchor.

    >>> [agreement(w) for w in (0.05, 0.47, 0.7, 0.86)]
    ['very weak', 'moderate', 'strong', 'unusually strong']
    """
    w = number("w", w, low=0, high=1)
    return next((label for limit, label in _AGREEMENT if w < limit), "unusually strong")


@dataclass(frozen=True, eq=False)
class DelphiResult(ResultMixin):
    """Rounds of a Delphi ranking survey: weights, agreement and spread per round.

    Attributes
    ----------
    weights : DataFrame
        Rank-sum weights, one row per round, one column per item.
    mean_ranks : DataFrame
        Mean rank of each item in each round.
    cv : DataFrame
        Coefficient of variation of each item's ranks (sample standard deviation / mean).
    concordance : DataFrame
        Per round: ``W``, ``chi2``, ``df``, ``p_value``, ``agreement`` (see
        :func:`agreement`), ``experts`` and ``max_cv``.
    converged : bool
        True when, in the last round, every item's CV is at most ``cv_threshold``.
    cv_threshold : float
    """

    weights: pd.DataFrame
    mean_ranks: pd.DataFrame
    cv: pd.DataFrame
    concordance: pd.DataFrame
    converged: bool
    cv_threshold: float

    _title = N_("Delphi rounds")

    __repr__ = table_repr

    @property
    def final_weights(self) -> pd.Series:
        """The weights of the last round (sum 1)."""
        return self.weights.iloc[-1].rename("weight")

    @property
    def disputed(self) -> list:
        """Items whose CV in the last round is above ``cv_threshold`` (the experts still disagree on them)."""
        last = self.cv.iloc[-1]
        return list(last.index[(last > self.cv_threshold).to_numpy()])

    def _headline(self) -> dict:
        last = self.concordance.iloc[-1]
        return {_("rounds"): len(self.weights), _("W (last round)"): float(last["W"]),
                _("p-value"): float(last["p_value"]), _("max CV"): float(last["max_cv"]),
                _("converged (CV ≤ {threshold})").format(threshold=f"{self.cv_threshold:g}"): self.converged}

    def to_frame(self) -> pd.DataFrame:
        """One row per item: its weight in each round, and its mean rank and CV in the last round."""
        frame = self.weights.T.copy()
        frame.columns = [f"weight r{r}" for r in self.weights.index]
        frame["mean rank"] = self.mean_ranks.iloc[-1]
        frame["CV"] = self.cv.iloc[-1]
        frame.index.name = "item"
        return frame

    def plot(self, ax=None):
        """Each item's weight across the rounds, with Kendall's W of each round under the axis."""
        from crmlab.plots.evaluation import delphi_plot

        return delphi_plot(self, ax=ax)


def _rounds(rounds, item: str) -> list[tuple[object, object]]:
    """(label, rankings) per round from a list, a mapping or a long frame with a ``round`` column."""
    if isinstance(rounds, pd.DataFrame):
        if "round" not in rounds.columns:
            raise ValueError(_("rounds: a single DataFrame must be long, with a 'round' column (plus 'expert', "
                               "{item!r} and 'rank'); got columns {columns}. "
                               "Pass a list of wide tables (one per round) otherwise").format(
                item=item, columns=list(map(str, rounds.columns))))
        return [(r, wide_rankings(g, item=item)) for r, g in rounds.groupby("round", sort=True)]
    if isinstance(rounds, Mapping):
        return list(rounds.items())
    if isinstance(rounds, (str, bytes)) or not isinstance(rounds, Sequence):
        raise fail("rounds", _("a list of rankings (one per round), a mapping or a long DataFrame"), rounds, TypeError)
    return [(k + 1, r) for k, r in enumerate(rounds)]


def delphi(rounds, cv_threshold: float = 0.25, item: str = "indicator") -> DelphiResult:
    """Summarise the rounds of a Delphi ranking survey.

    In each round the experts rank the indicators; the panel's mean ranks are
    fed back and the experts rank again (course 14.1.5). For every round this
    gives the rank-sum weights (:func:`rank_weights`), Kendall's W with its test
    (:func:`kendall_test`) and each item's coefficient of variation
    CV = s / r̄ of its ranks (sample standard deviation over mean rank).

    The panel has **converged** when, in the last round, every item's CV is at
    most ``cv_threshold`` (0.25 is a common rule; some studies use 0.20 or 0.30);
    ``result.disputed`` lists the items still above it. Read W beside it: it
    should rise across rounds and be significant. The CV of *ranks* is larger for
    items near the top of the ranking (their mean rank is small), so a panel can
    agree strongly overall (high W) while still ordering its top items differently.

    The chi-square test of each round (``concordance["p_value"]``) assumes the
    experts rank independently. That holds in round 1 only: from round 2 on each
    expert has seen the panel's mean ranks, so the rankings are dependent and part
    of the agreement is made by the feedback. Read later rounds' W as a
    description of how alike the rankings have become, not their p-values as
    further evidence of agreement.

    Parameters
    ----------
    rounds : list, mapping or long DataFrame
        One rankings table per round (rows = experts, columns = items, same items
        in every round); or a mapping ``{round label: rankings}``; or a long
        DataFrame with columns ``round``, ``expert``, ``rank`` and the item column
        (like the ``expert_rankings`` dataset).
    cv_threshold : float
        Largest acceptable CV, > 0.
    item : str
        Name of the item column of a long DataFrame.

    Returns
    -------
    DelphiResult

    Examples
    --------
    >>> r1 = [[1, 2, 3], [3, 1, 2], [2, 3, 1], [1, 3, 2]]
    >>> r2 = [[1, 2, 3], [1, 2, 3], [2, 1, 3], [1, 2, 3]]
    >>> d = delphi([r1, r2])
    >>> d.concordance["W"].round(4).tolist(), d.converged
    ([0.0625, 0.8125], False)
    >>> d.cv.round(4).iloc[-1].tolist()
    [0.4, 0.2857, 0.0]
    """
    threshold = number("cv_threshold", cv_threshold, low=0, low_open=True)
    items = _rounds(rounds, item)
    if not items:
        raise fail("rounds", _("at least one round of rankings"), rounds)
    weights, means, cvs, stats_rows, labels = [], [], [], [], []
    columns = None
    for label, rankings in items:
        table = _rank_table(rankings, name=f"rounds[{label!r}]")
        if columns is None:
            columns = list(table.columns)
        elif set(table.columns) != set(columns) or len(table.columns) != len(columns):
            raise ValueError(_("rounds[{label!r}] ranks items {items}; the first round ranked "
                               "{first}: every round must rank the same items").format(
                label=label, items=list(table.columns), first=columns))
        table = table[columns]
        test = _kendall(table)
        mean_rank = table.mean(axis=0)
        cv = table.std(axis=0, ddof=1) / mean_rank
        weights.append(rank_weights(table))
        means.append(mean_rank)
        cvs.append(cv)
        stats_rows.append((test.w, test.chi2, test.df, test.p_value, agreement(test.w), test.m, float(cv.max())))
        labels.append(label)
    index = pd.Index(labels, name="round")
    frames = [pd.DataFrame(rows, index=index) for rows in (weights, means, cvs)]
    for frame in frames:
        frame.columns.name = "item"
    concordance = pd.DataFrame(stats_rows, index=index, columns=["W", "chi2", "df", "p_value", "agreement",
                                                                      "experts", "max_cv"])
    return DelphiResult(weights=frames[0], mean_ranks=frames[1], cv=frames[2], concordance=concordance,
                        converged=bool(concordance["max_cv"].iloc[-1] <= threshold), cv_threshold=threshold)
