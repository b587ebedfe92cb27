"""Customer value: satisfaction and loyalty measures, tiers, lifetime value, RFM and the BG/NBD model.

* Satisfaction (客户满意度) and loyalty: :func:`nps` / :func:`nps_ci` (net promoter
  score, 净推荐值) and :func:`csat` / :func:`csat_ci` (top-box satisfaction share),
  each with a confidence interval.
* Customer flows: :func:`retention_rate` (客户保持率), :func:`churn_rate` (客户流失率),
  :func:`acquisition_rate` (客户获得率), :func:`customer_flow`, and
  :func:`period_retention` from a transaction log.
* Customer tiers (客户分级): :func:`customer_tiers` into VIP / key / ordinary / small
  customers (VIP客户, 主要客户, 普通客户, 小客户) and the Pareto share :func:`pareto_share`.
* Customer lifetime value (客户终身价值, CLV): :func:`clv` (m·r/(1 + d − r), or a finite
  horizon) and the period-by-period :func:`clv_cohort`.
* RFM analysis (最近一次消费, 消费频率, 消费金额): :func:`rfm`.
* The BG/NBD model of repeat buying (Fader, Hardie & Lee 2005): :class:`BetaGeo`,
  :func:`bgnbd_summary` to build its (frequency, recency, T) input from a log, and
  :func:`simulate_bgnbd` to draw data from known parameters.

Rates and shares are decimals; NPS is on its own −100..100 scale.

Examples
--------
>>> nps([10, 9, 9, 8, 7, 6, 3, 10, 9, 5])
20.0
>>> round(clv(margin=100, retention=0.8, discount=0.12), 4)
250.0
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from numbers import Integral, Real

import numpy as np
import pandas as pd

from crmlab import _checks
from crmlab._checks import choice, columns, fail, number, share, vector
from crmlab._results import ResultMixin
from crmlab.i18n import N_
from crmlab.i18n import gettext as _

__all__ = [
    "nps", "nps_ci", "NPSResult", "csat", "csat_ci", "CSATResult", "wilson_interval",
    "retention_rate", "churn_rate", "acquisition_rate", "customer_flow", "CustomerFlow", "period_retention",
    "TIER_NAMES", "TIER_SHARES", "customer_tiers", "CustomerTiers", "pareto_share",
    "clv", "clv_cohort", "CohortCLV",
    "rfm", "RFM_SEGMENTS", "NEW_SEGMENT", "rfm_segment",
    "BetaGeo", "BetaGeoResult", "BetaGeoWarning", "bgnbd_log_likelihood", "bgnbd_summary", "simulate_bgnbd",
]


# ---------------------------------------------------------------------------
# Satisfaction and loyalty: NPS and CSAT
# ---------------------------------------------------------------------------


def _z(level: float) -> float:
    from scipy.special import ndtri

    return float(ndtri(0.5 + level / 2))


_CSAT_ADVICE = N_("For satisfaction ratings (e.g. 1–5) use csat(scores, top=(4, 5)) instead.")


def _nps_scores(scores, scale_checked: bool = False) -> np.ndarray:
    arr = vector("scores", scores)
    bad = (arr != np.round(arr)) | (arr < 0) | (arr > 10)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise fail("scores", _("whole numbers from 0 to 10 (likelihood to recommend)"),
                   _("{value:g} at position {position}").format(value=arr[i], position=i), note=". " + _(_CSAT_ADVICE))
    if not isinstance(scale_checked, (bool, np.bool_)):
        raise fail("scale_checked", _("True or False"), scale_checked, TypeError)
    # A 1–5 rating passes the range check but is not a 0–10 answer: with nobody above 5 every answer would count
    # as a detractor and NPS = −100. Refuse that unless the caller says the scale really is 0–10.
    if arr.size > 1 and arr.min() >= 1 and arr.max() <= 5 and not scale_checked:
        raise ValueError(_("scores look like a 1–5 rating, not 0–10 likelihood-to-recommend answers: all {n} "
                           "lie between 1 and 5, so every one would count as a detractor (NPS = −100). {advice} "
                           "If they really are 0–10 answers, pass scale_checked=True.").format(
            n=arr.size, advice=_(_CSAT_ADVICE)))
    return arr


def nps(scores, *, scale_checked: bool = False) -> float:
    """Net promoter score (净推荐值): % promoters (9–10) − % detractors (0–6), from −100 to 100.

    Parameters
    ----------
    scores : sequence of int
        Answers to "How likely are you to recommend us to a friend?" on 0–10.
        A value that is not a whole number from 0 to 10 raises ``ValueError``, and so
        do answers that all lie between 1 and 5 (a satisfaction rating typed in by
        mistake: use :func:`csat`), unless ``scale_checked=True``.
    scale_checked : bool
        True when answers that all lie between 1 and 5 really are 0–10 answers.

    Examples
    --------
    >>> nps([10, 9, 8, 7, 2])   # 2 promoters, 1 detractor out of 5
    20.0
    """
    arr = _nps_scores(scores, scale_checked)
    return float(100.0 * (np.mean(arr >= 9) - np.mean(arr <= 6)))


@dataclass(frozen=True, repr=False)
class NPSResult(ResultMixin):
    """NPS with its parts and a confidence interval (see :func:`nps_ci`)."""

    nps: float
    promoters: float
    passives: float
    detractors: float
    n: int
    se: float
    low: float
    high: float
    level: float
    _title = N_("Net promoter score (净推荐值)")

    def _headline(self) -> dict:
        return {"NPS": self.nps, _("{level} CI").format(level=f"{self.level:.0%}"):
                _("{low} to {high}").format(low=f"{self.low:.1f}", high=f"{self.high:.1f}"), "n": self.n}

    def to_frame(self) -> pd.DataFrame:
        """Shares of promoters, passives and detractors."""
        return pd.DataFrame({"share": [self.promoters, self.passives, self.detractors],
                             "respondents": [round(s * self.n) for s in (self.promoters, self.passives,
                                                                         self.detractors)]},
                            index=pd.Index(["promoters (9-10)", "passives (7-8)", "detractors (0-6)"], name="group"))

    def plot(self, ax=None):
        """Stacked bar of detractors, passives and promoters with the NPS and its interval."""
        from crmlab.plots.customers import nps_plot

        return nps_plot(self, ax=ax)


def nps_ci(scores, level: float = 0.95, *, scale_checked: bool = False) -> NPSResult:
    """NPS with a confidence interval from the multinomial variance.

    With promoter share p_P and detractor share p_D among n answers,
    NPS = 100 (p_P − p_D) and

        Var(NPS) = 100² · [p_P + p_D − (p_P − p_D)²] / n,

    the variance of the mean of a score that is +1 for a promoter, −1 for a
    detractor and 0 otherwise. The interval is NPS ± z·SE (Wald), clipped to
    [−100, 100]; it is reliable when n is in the dozens or more and neither
    group share is close to 0 or 1 (all-promoter samples give a zero-width interval).

    Examples
    --------
    >>> res = nps_ci([10] * 50 + [8] * 30 + [3] * 20)
    >>> res.nps, round(res.se, 4), round(res.low, 2), round(res.high, 2)
    (30.0, 7.8102, 14.69, 45.31)
    """
    arr = _nps_scores(scores, scale_checked)
    level = number("level", level, low=0, high=1, low_open=True, high_open=True)
    n = arr.size
    p_pro, p_det = float(np.mean(arr >= 9)), float(np.mean(arr <= 6))
    value = 100.0 * (p_pro - p_det)
    se = 100.0 * math.sqrt(max(p_pro + p_det - (p_pro - p_det) ** 2, 0.0) / n)
    half = _z(level) * se
    return NPSResult(nps=value, promoters=p_pro, passives=1.0 - p_pro - p_det, detractors=p_det, n=n, se=se,
                     low=max(value - half, -100.0), high=min(value + half, 100.0), level=level)


def _top_box(scores, top) -> tuple[np.ndarray, np.ndarray]:
    arr = vector("scores", scores)
    if isinstance(top, (Real, np.number)) and not isinstance(top, bool):
        top = (top,)
    if isinstance(top, (str, bytes)) or not isinstance(top, (Sequence, np.ndarray, set, frozenset)) or len(top) == 0:
        raise fail("top", _("a non-empty collection of the scores that count as satisfied, e.g. (4, 5)"), top, TypeError)
    top_arr = vector("top", list(top))
    return arr, np.isin(arr, top_arr)


def csat(scores, top=(4, 5)) -> float:
    """Customer satisfaction score: the share of answers in the top box (0..1).

    Parameters
    ----------
    scores : sequence of numbers
        Satisfaction ratings, e.g. on 1–5.
    top : collection of numbers
        The ratings that count as satisfied; default 4 and 5 ("satisfied" and "very satisfied").

    Examples
    --------
    >>> csat([5, 4, 4, 3, 2, 5, 1, 4])
    0.625
    """
    _, hit = _top_box(scores, top)
    return float(hit.mean())


def wilson_interval(successes: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion (Wilson 1927; no continuity correction).

    Unlike the Wald interval p ± z·sqrt(p(1 − p)/n), it stays inside [0, 1] and
    keeps its coverage for small n and shares near 0 or 1.

    Examples
    --------
    >>> [round(x, 4) for x in wilson_interval(81, 263)]   # Newcombe (1998), example (i)
    [0.2553, 0.3662]
    """
    if isinstance(n, bool) or not isinstance(n, Integral) or n < 1:
        raise fail("n", _("a whole number >= 1"), n)
    if isinstance(successes, bool) or not isinstance(successes, Integral) or not 0 <= successes <= n:
        raise fail("successes", _("a whole number from 0 to n = {n}").format(n=n), successes)
    n = _checks.whole("n", n, low=1, high=10**15)  # beyond 1e15 a float cannot count one by one
    level = number("level", level, low=0, high=1, low_open=True, high_open=True)
    z = _z(level)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    _checks.finite_result("wilson_interval", [centre, half], "successes", "n", "level")
    return max(centre - half, 0.0), min(centre + half, 1.0)


@dataclass(frozen=True, repr=False)
class CSATResult(ResultMixin):
    """Top-box satisfaction share with a Wilson interval (see :func:`csat_ci`)."""

    csat: float
    satisfied: int
    n: int
    low: float
    high: float
    level: float
    distribution: pd.Series = field(compare=False, repr=False)
    _title = N_("Customer satisfaction (top-box share)")

    def _headline(self) -> dict:
        return {"CSAT": self.csat, _("{level} CI").format(level=f"{self.level:.0%}"):
                _("{low} to {high}").format(low=f"{self.low:.4f}", high=f"{self.high:.4f}"), "n": self.n}

    def to_frame(self) -> pd.DataFrame:
        """Answers per rating with their shares."""
        return pd.DataFrame({"respondents": self.distribution, "share": self.distribution / self.n})


def csat_ci(scores, top=(4, 5), level: float = 0.95) -> CSATResult:
    """CSAT with a Wilson score interval (see :func:`wilson_interval`).

    Examples
    --------
    >>> res = csat_ci([5] * 30 + [4] * 40 + [3] * 20 + [2] * 10)
    >>> res.csat, round(res.low, 4), round(res.high, 4)
    (0.7, 0.6042, 0.7811)
    """
    arr, hit = _top_box(scores, top)
    lo, hi = wilson_interval(int(hit.sum()), int(arr.size), level)
    counts = pd.Series(arr).value_counts().sort_index()
    counts.index = [f"{v:g}" for v in counts.index]
    counts.index.name, counts.name = "rating", "respondents"
    return CSATResult(csat=float(hit.mean()), satisfied=int(hit.sum()), n=int(arr.size), low=lo, high=hi,
                      level=float(level), distribution=counts)


# ---------------------------------------------------------------------------
# Retention, churn, acquisition
# ---------------------------------------------------------------------------


def _counts(customers_start, customers_end, new_customers) -> tuple[float, float, float]:
    start = number("customers_start", customers_start, low=0, low_open=True)
    end = number("customers_end", customers_end, low=0)
    new = number("new_customers", new_customers, low=0)
    if new > end:
        raise fail("new_customers", _("at most customers_end = {end:g} (new customers are part of the end count)").format(
            end=end), new)
    if end - new > start:
        raise fail("customers_end − new_customers", _("at most customers_start = {start:g} "
                   "(more customers kept than there were at the start)").format(start=start), end - new)
    return start, end, new


def retention_rate(customers_start, customers_end, new_customers) -> float:
    """Customer retention rate (客户保持率) over a period: (E − N) / S.

    ``S`` customers at the start, ``E`` at the end, of whom ``N`` were acquired during the period.

    Examples
    --------
    >>> retention_rate(200, 180, 40)
    0.7
    """
    start, end, new = _counts(customers_start, customers_end, new_customers)
    return (end - new) / start


def churn_rate(customers_start, customers_end, new_customers) -> float:
    """Churn rate (客户流失率): the share of starting customers lost, 1 − retention rate.

    Examples
    --------
    >>> round(churn_rate(200, 180, 40), 4)
    0.3
    """
    return 1.0 - retention_rate(customers_start, customers_end, new_customers)


def acquisition_rate(new_customers, customers_start) -> float:
    """Customer acquisition rate (客户获得率): new customers as a share of the starting base.

    Examples
    --------
    >>> acquisition_rate(40, 200)
    0.2
    """
    start = number("customers_start", customers_start, low=0, low_open=True)
    return _checks.finite_result("acquisition_rate", number("new_customers", new_customers, low=0) / start,
                                 "new_customers", "customers_start")


@dataclass(frozen=True, repr=False)
class CustomerFlow(ResultMixin):
    """Customers kept, lost and won over a period (see :func:`customer_flow`)."""

    customers_start: float
    customers_end: float
    new_customers: float
    retained: float
    lost: float
    retention: float
    churn: float
    acquisition: float
    growth: float
    _title = N_("Customer flow")

    def _headline(self) -> dict:
        return {_("retention"): self.retention, _("churn"): self.churn, _("acquisition"): self.acquisition,
                _("net growth"): self.growth}

    def to_frame(self) -> pd.DataFrame:
        """Counts of customers at the start, kept, lost, won and at the end."""
        return pd.DataFrame({"customers": [self.customers_start, self.retained, self.lost, self.new_customers,
                                           self.customers_end]},
                            index=pd.Index(["at start", "retained", "lost", "acquired", "at end"], name="flow"))


def customer_flow(customers_start, customers_end, new_customers) -> CustomerFlow:
    """Retention, churn, acquisition and net growth of the customer base in one result.

    Examples
    --------
    >>> f = customer_flow(200, 180, 40)
    >>> f.retained, f.lost, f.retention, round(f.churn, 4), f.acquisition, f.growth
    (140.0, 60.0, 0.7, 0.3, 0.2, -0.1)
    """
    start, end, new = _counts(customers_start, customers_end, new_customers)
    retained = end - new
    return CustomerFlow(customers_start=start, customers_end=end, new_customers=new, retained=retained,
                        lost=start - retained, retention=retained / start, churn=1 - retained / start,
                        acquisition=new / start, growth=(end - start) / start)


_PERIODS = {"month": "M", "quarter": "Q", "year": "Y"}


# Day and month as the first two numbers (03/02/2025, 3.2.25, 03-02-2025): the order is a convention.
_DAY_MONTH = re.compile(r"^\s*(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?!\d)")
_DATE_HELP = N_("pass dayfirst=True (DD/MM/YYYY, the usual order in China and Europe), dayfirst=False "
                 "(MM/DD/YYYY, the US order) or date_format='%d/%m/%Y'")


def _day_first(text: pd.Series, name: str, dayfirst) -> bool | None:
    """Whether day/month text puts the day first: from ``dayfirst``, or from the text when it cannot be misread.

    None when no value has a day and a month as its first two numbers. Text where some value could be read
    both ways (03/02/2025) is refused unless ``dayfirst`` says which, and so is text that mixes the orders.
    """
    parts = text.str.extract(_DAY_MONTH)
    found = parts[0].notna().to_numpy()
    if not found.any():
        return None
    if dayfirst is not None:
        if not isinstance(dayfirst, (bool, np.bool_)):
            raise fail("dayfirst", _("True (day first), False (month first) or None"), dayfirst, TypeError)
        return bool(dayfirst)
    first = parts[0].to_numpy(dtype=float)[found]
    second = parts[2].to_numpy(dtype=float)[found]
    values = text.to_numpy()[found]
    day_first, month_first = first > 12, second > 12
    if day_first.any() and month_first.any():
        raise ValueError(_("{name} mixes day-first and month-first dates ({day!r} and "
                           "{month!r}): fix the data or pass date_format= for the one order used").format(
            name=name, day=values[day_first][0], month=values[month_first][0]))
    both = (first <= 12) & (second <= 12)
    if both.any():
        clue = ""
        if day_first.any():
            clue = _(" (the column also has {value!r}, which suggests day first)").format(value=values[day_first][0])
        elif month_first.any():
            clue = _(" (the column also has {value!r}, which suggests month first)").format(
                value=values[month_first][0])
        raise ValueError(_("{name} has dates such as {value!r} that read as day/month or as month/day"
                           "{clue}; crmlab does not guess: {help}").format(name=name, value=values[both][0], clue=clue,
                                                                           help=_(_DATE_HELP)))
    return bool(day_first.any())


def _dates(frame: pd.DataFrame, name: str, column: str, dayfirst=None, date_format=None) -> pd.Series:
    """Parse a date column (strings or datetimes) to datetime64, naming the first value that does not parse.

    ISO dates (2024-03-31) parse as they are. Text with the day and the month as its first two numbers
    (03/02/2025) needs ``dayfirst`` or ``date_format`` unless every value shows the order (25/02/2025); one
    format is used for the whole column, never a guess per value.
    """
    values = frame[column]
    label = name if name == column else f"{name}[{column!r}]"
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = values
    elif pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        # Numbers would be read as nanoseconds since 1970: refuse rather than guess.
        raise fail(label, _("dates (datetime64 or text such as '2024-03-31'), not numbers"),
                   values.iloc[:3].tolist(), TypeError)
    else:
        # Parse each distinct text once (a log repeats the same few hundred dates), then map back to the rows.
        codes, uniques = pd.factorize(values)
        if len(uniques) == 0:
            raise fail(label, _("a date in every row"), _("a missing date at row {row!r}").format(row=values.index[0]))
        parsed_unique = _parse_text(pd.Series(uniques, dtype=object), label, dayfirst, date_format)
        stamps = parsed_unique.to_numpy()[np.maximum(codes, 0)]
        parsed = pd.Series(stamps, index=values.index, name=values.name)
        if (codes < 0).any():
            parsed[codes < 0] = pd.NaT
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    if parsed.isna().any():
        where = parsed.index[parsed.isna().to_numpy()][0]
        raise fail(label, _("a date in every row"), _("a missing date at row {row!r}").format(row=where))
    return parsed


def _parse_text(values: pd.Series, label: str, dayfirst, date_format) -> pd.Series:
    """Parse distinct, non-missing date texts with one format for all (see :func:`_dates`)."""
    text = values.astype(str)
    if date_format is not None:
        if not isinstance(date_format, str) or "%" not in date_format:
            raise fail("date_format", _("a strptime format such as '%d/%m/%Y' or '%Y-%m-%d'"), date_format,
                       TypeError if not isinstance(date_format, str) else ValueError)
        fmt = date_format
    else:
        try:
            return pd.to_datetime(values, errors="raise", format="ISO8601")
        except (TypeError, ValueError, OverflowError):
            order = _day_first(text, label, dayfirst)
            fmt = "infer" if order is None else _slashed_format(text, order)
    if fmt == "infer":
        from pandas.tseries.api import guess_datetime_format

        fmt = guess_datetime_format(str(text.iloc[0])) if len(text) else None
        if fmt is None:
            raise fail(label, _("dates that parse (e.g. '2024-03-31')"), values.iloc[0] if len(text) else None)
    parsed = pd.to_datetime(values, errors="coerce", format=fmt)
    bad = parsed.isna().to_numpy()
    if bad.any():
        first = values[bad].iloc[0]
        try:
            pd.Timestamp(first)
            readable = True
        except (TypeError, ValueError, OverflowError):
            readable = False
        if not readable and date_format is None:
            how = "dates that parse (e.g. '2024-03-31')"
        elif date_format is not None:
            how = f"dates in the format date_format={fmt!r}"
        elif dayfirst is not None:
            how = f"dates in the order dayfirst={bool(dayfirst)} gives ({fmt})"
        else:
            how = f"dates in one format, like the first one ({fmt}); for another format pass date_format="
        raise fail(label, how, first)
    return parsed


def _slashed_format(text: pd.Series, dayfirst: bool) -> str:
    """The strptime format of day/month text such as 03/02/2025 (separator and year length from the first value)."""
    match = _DAY_MONTH.match(str(text.iloc[0]))
    if match is None:
        return "infer"
    sep, year = match.group(2), "%Y" if len(match.group(4)) == 4 else "%y"
    head = f"%d{sep}%m" if dayfirst else f"%m{sep}%d"
    rest = str(text.iloc[0])[match.end():].strip()
    if not rest:
        return f"{head}{sep}{year}"
    from pandas.tseries.api import guess_datetime_format

    whole = guess_datetime_format(str(text.iloc[0]), dayfirst=dayfirst)
    return whole if whole is not None and whole.startswith(head) else f"{head}{sep}{year}"


def _as_of(as_of, name: str = "as_of", dayfirst=None, date_format=None) -> pd.Timestamp:
    if isinstance(as_of, str) and _DAY_MONTH.match(as_of):
        # Same rule as the log's dates: 03/02/2025 is refused unless the order is given.
        return _dates(pd.DataFrame({name: [as_of]}), name, name, dayfirst, date_format).iloc[0]
    try:
        stamp = pd.Timestamp(as_of)
    except (TypeError, ValueError):
        raise fail(name, _("a date such as '2025-06-30'"), as_of) from None
    if pd.isna(stamp):
        raise fail(name, _("a date such as '2025-06-30'"), as_of)
    return stamp.tz_localize(None) if stamp.tzinfo is not None else stamp


def _customer_ids(frame: pd.DataFrame, name: str, column: str) -> pd.Series:
    ids = frame[column]
    if ids.isna().any():
        where = ids.index[ids.isna().to_numpy()][0]
        raise fail(f"{name}[{column!r}]", _("a customer id in every row"), _("a missing id at row {row!r}").format(row=where))
    return ids


def period_retention(transactions: pd.DataFrame, customer: str = "customer_id", date: str = "date",
                     period: str = "quarter", *, dayfirst: bool | None = None,
                     date_format: str | None = None) -> pd.DataFrame:
    """Period-by-period retention of *active* customers from a transaction log.

    A customer is active in a period if they buy in it. For each period: ``active``
    customers, ``new`` (first purchase ever), ``retained`` (also active in the
    previous period), ``returning`` (active again after a gap), ``lost`` (active in
    the previous period, not in this one), ``retention`` = retained / active in the
    previous period, ``churn`` = 1 − retention and ``acquisition`` = new / active in
    the previous period. The first period has no previous one: its rates are NaN.

    Text dates such as 03/02/2025, which read as day/month or month/day, need
    ``dayfirst`` (True or False) or ``date_format`` (e.g. ``"%d/%m/%Y"``); they are
    never guessed.

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": ["a", "b", "a", "c", "b"],
    ...                     "date": ["2024-01-05", "2024-02-01", "2024-04-02", "2024-05-09", "2024-08-01"]})
    >>> period_retention(log)[["active", "new", "retained", "returning", "lost", "retention"]]
            active  new  retained  returning  lost  retention
    period
    2024Q1       2    2         0          0     0        NaN
    2024Q2       2    1         1          0     1        0.5
    2024Q3       1    0         0          1     2        0.0
    """
    choice("period", period, tuple(_PERIODS))
    columns("transactions", transactions, {"customer": customer, "date": date})
    if len(transactions) == 0:
        raise fail("transactions", _("at least one transaction"), _("an empty DataFrame"))
    ids = _customer_ids(transactions, "transactions", customer)
    when = pd.PeriodIndex(_dates(transactions, "transactions", date, dayfirst, date_format)
                          .dt.to_period(_PERIODS[period]))
    codes, _uniques = pd.factorize(ids)
    periods = pd.period_range(when.min(), when.max(), freq=_PERIODS[period])
    slot = when.asi8 - periods[0].ordinal
    active = np.zeros((len(periods), codes.max() + 1), dtype=bool)
    active[slot, codes] = True
    first = np.argmax(active, axis=0)
    prev = np.vstack([np.zeros((1, active.shape[1]), dtype=bool), active[:-1]])
    ever_before = np.cumsum(active, axis=0) - active > 0
    out = pd.DataFrame({
        "active": active.sum(axis=1),
        "new": np.bincount(first, minlength=len(periods)),
        "retained": (active & prev).sum(axis=1),
        "returning": (active & ~prev & ever_before).sum(axis=1),
        "lost": (prev & ~active).sum(axis=1),
    }, index=pd.Index(periods.astype(str), name="period"))
    base = out["active"].shift(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["retention"] = out["retained"] / base
        out["churn"] = 1 - out["retention"]
        out["acquisition"] = out["new"] / base
    return out


# ---------------------------------------------------------------------------
# Customer tiers and the Pareto share
# ---------------------------------------------------------------------------

#: Tier names, most valuable first: VIP客户, 主要客户 (key), 普通客户 (ordinary), 小客户 (small).
TIER_NAMES = (N_("VIP"), N_("key"), N_("ordinary"), N_("small"))
#: Default shares of customers per tier (the customer pyramid 客户金字塔: 1 %, 4 %, 15 %, 80 %).
TIER_SHARES = (0.01, 0.04, 0.15, 0.80)


def _values(values) -> pd.Series:
    series = pd.Series(values) if isinstance(values, dict) else values
    arr = vector("values", series, nonnegative=True)  # shares of a total need values >= 0
    if isinstance(series, pd.Series) and not series.index.is_unique:
        raise fail("values", _("one value per customer (a unique index)"),
                   _("duplicate label {label!r}").format(label=series.index[series.index.duplicated()][0]))
    _checks.finite_result("the total value", arr.sum(), "values")
    index = series.index if isinstance(series, pd.Series) else pd.RangeIndex(arr.size)
    return pd.Series(arr, index=index, name=getattr(series, "name", None))


def _order_desc(arr: np.ndarray) -> np.ndarray:
    # Largest first; ties keep the order of appearance.
    return np.argsort(-arr, kind="stable")


def pareto_share(values, top: float = 0.2) -> float:
    """Share of the total value that comes from the most valuable ``top`` share of customers.

    The concentration curve through (k/n, share of the k largest values) is
    interpolated linearly, so ``top`` need not be a multiple of 1/n.
    The "80/20 rule" (二八定律) says this is about 0.8 for ``top = 0.2``.

    Examples
    --------
    >>> pareto_share([50, 20, 10, 10, 5, 2, 1, 1, 0.5, 0.5], top=0.2)
    0.7
    """
    top = share("top", top)
    arr = _values(values).to_numpy()
    total = arr.sum()
    if total <= 0:
        raise fail("values", _("a positive total"), _("a total of {total:g}").format(total=total))
    curve = np.concatenate([[0.0], np.cumsum(arr[_order_desc(arr)]) / total])
    return float(np.interp(top, np.linspace(0, 1, arr.size + 1), curve))


@dataclass(frozen=True, repr=False)
class CustomerTiers(ResultMixin):
    """Customers grouped into value tiers (see :func:`customer_tiers`)."""

    tier: pd.Series
    summary: pd.DataFrame
    top20_share: float
    values: pd.Series = field(compare=False, repr=False)
    _title = N_("Customer tiers (客户分级)")

    def _headline(self) -> dict:
        return {_("customers"): int(self.summary["customers"].sum()), _("total value"): float(self.values.sum()),
                _("value share of top 20 %"): self.top20_share}

    def to_frame(self) -> pd.DataFrame:
        """Per tier: customers, their share, total and mean value, value share."""
        return self.summary

    def plot(self, ax=None):
        """Share of customers against share of value per tier (see also ``plots.customers.concentration_plot``)."""
        from crmlab.plots.customers import tiers_plot

        return tiers_plot(self, ax=ax)


def customer_tiers(values, shares=TIER_SHARES, labels=TIER_NAMES) -> CustomerTiers:
    """Split customers into value tiers: the customer pyramid (客户金字塔).

    Customers are sorted by value, largest first; the first ``shares[0]`` of
    them form the first tier, and so on. Tier sizes are the cumulative shares
    times the number of customers, rounded to the nearest whole customer. Equal
    values share a tier, whatever the order of the rows: customers tied across a
    tier boundary all join the higher tier (which is then a little larger than
    its share).

    Parameters
    ----------
    values : Series or sequence of numbers
        Value per customer (e.g. profit or spend), indexed by customer.
    shares : sequence of float
        Share of customers in each tier, most valuable first, summing to 1. Default
        :data:`TIER_SHARES` = (0.01, 0.04, 0.15, 0.80): VIP, key, ordinary, small.
    labels : sequence of str
        Tier names, same length as ``shares``.

    Returns
    -------
    CustomerTiers
        ``tier`` (Series of tier names by customer), ``summary`` (per tier: customers,
        customer_share, value, value_share, mean_value -- NaN for a tier with no customers)
        and ``top20_share``.

    Examples
    --------
    >>> t = customer_tiers([5, 50, 1, 20, 2, 10, 1, 10, 0.5, 0.5], shares=(0.1, 0.1, 0.3, 0.5))
    >>> t.tier.tolist()
    ['ordinary', 'VIP', 'small', 'key', 'small', 'ordinary', 'small', 'ordinary', 'small', 'small']
    >>> t.summary["value_share"].round(2).tolist()
    [0.5, 0.2, 0.25, 0.05]
    """
    series = _values(values)
    share_arr = vector("shares", shares, nonnegative=True)
    if abs(share_arr.sum() - 1) > 1e-6:
        raise fail("shares", _("shares of customers summing to 1"), list(shares))
    if not isinstance(labels, (list, tuple, np.ndarray, pd.Index, pd.Series)) or any(
            not isinstance(v, str) or not v for v in labels):
        raise fail("labels", _("{n} distinct tier names (one per share)").format(n=len(share_arr)),
                   labels if isinstance(labels, (str, int, float, type(None))) else type(labels).__name__,
                   TypeError)
    if isinstance(labels, str) or len(labels) != len(share_arr) or len(set(labels)) != len(labels):
        raise fail("labels", _("{n} distinct tier names (one per share)").format(n=len(share_arr)), labels)
    arr = series.to_numpy()
    n = arr.size
    total = arr.sum()
    if total <= 0:
        raise fail("values", _("a positive total"), _("a total of {total:g}").format(total=total))
    bounds = np.floor(np.cumsum(share_arr) * n + 0.5 + 1e-9).astype(int)
    bounds[-1] = n
    # Each customer's place is that of the first customer with the same value ("min" rank), so the
    # tier depends on the value alone, not on the row order.
    position = pd.Series(-arr).rank(method="min").to_numpy().astype(int) - 1
    tier_idx = np.searchsorted(bounds, position, side="right")
    names = np.asarray(labels, dtype=object)[tier_idx]
    tier = pd.Series(pd.Categorical(names, categories=list(labels)), index=series.index, name="tier")
    grouped = pd.DataFrame({"tier": tier, "value": arr}).groupby("tier", observed=False)["value"]
    summary = pd.DataFrame({"customers": grouped.size(), "value": grouped.sum()})
    summary["customer_share"] = summary["customers"] / n
    summary["value_share"] = summary["value"] / total
    with np.errstate(invalid="ignore"):
        summary["mean_value"] = summary["value"] / summary["customers"].where(summary["customers"] > 0)
    summary = summary[["customers", "customer_share", "value", "value_share", "mean_value"]]
    summary.index = pd.Index(list(labels), name="tier")
    return CustomerTiers(tier=tier, summary=summary, top20_share=pareto_share(series, 0.2), values=series)


# ---------------------------------------------------------------------------
# Customer lifetime value
# ---------------------------------------------------------------------------


def clv(margin, retention, discount, horizon: int | None = None) -> float:
    """Customer lifetime value (客户终身价值) of a customer who has just been won.

    The customer pays the margin ``m`` at the end of each period they are still
    a customer; they stay from one period to the next with probability ``r``;
    cash is discounted at ``d`` per period. So

        CLV = Σ_{t=1..H} m · r^t / (1 + d)^t,

    which for an infinite horizon (``horizon=None``) is m · r / (1 + d − r), the
    margin multiple of Gupta & Lehmann (2003).

    Parameters
    ----------
    margin : float
        Margin per customer per period (money; may be negative).
    retention : float
        Retention rate per period, a decimal in [0, 1].
    discount : float
        Discount rate per period, a decimal > −1.
    horizon : int, optional
        Number of periods; None for an infinite horizon.

    Examples
    --------
    >>> round(clv(100, 0.8, 0.12), 4)      # margin multiple 0.8 / 0.32 = 2.5
    250.0
    >>> round(clv(100, 0.8, 0.12, horizon=3), 4)
    158.8921
    """
    m = number("margin", margin)
    r = share("retention", retention)
    d = number("discount", discount, low=-1, low_open=True)
    ratio = r / (1 + d)
    if horizon is None:
        if ratio >= 1:
            raise fail("retention", _("below 1 + discount = {bound:g} for an infinite horizon "
                       "(otherwise the value never stops growing)").format(bound=1 + d), r)
        with np.errstate(over="ignore", invalid="ignore"):
            return _checks.finite_result("clv", float(np.float64(m) * r / (1 + d - r)), "margin", "retention",
                                         "discount")
    if isinstance(horizon, bool) or not isinstance(horizon, Integral) or horizon < 1:
        raise fail("horizon", _("a whole number of periods >= 1, or None for an infinite horizon"), horizon)
    horizon = _checks.whole("horizon", horizon, low=1, high=_checks.MAX_HORIZON, what=_("periods"))
    t = np.arange(1, int(horizon) + 1)
    with np.errstate(over="ignore", invalid="ignore"):
        return _checks.finite_result("clv", float(m * np.sum(ratio**t)), "margin", "retention", "discount")


@dataclass(frozen=True, repr=False)
class CohortCLV(ResultMixin):
    """A cohort's value period by period (see :func:`clv_cohort`)."""

    table: pd.DataFrame
    clv: float
    total: float
    customers: float
    acquisition_cost: float
    _title = N_("Cohort lifetime value")

    def _headline(self) -> dict:
        return {_("CLV per customer"): self.clv, _("cohort value"): self.total, _("customers"): self.customers}

    def to_frame(self) -> pd.DataFrame:
        """Per period: customers still active, margin, discount factor, present value, cumulative value."""
        return self.table

    def plot(self, ax=None):
        """Present value per customer and period (bars) and cumulative CLV per customer (line)."""
        from crmlab.plots.customers import cohort_plot

        return cohort_plot(self, ax=ax)


def _per_period(name: str, value, horizon: int, checker) -> np.ndarray:
    if isinstance(value, (Real, np.number)) and not isinstance(value, bool):
        return np.full(horizon, checker(name, value))
    arr = vector(name, value)
    if arr.size != horizon:
        raise fail(name, _("one number or {horizon} numbers (one per period)").format(horizon=horizon),
                   _("{n} numbers").format(n=arr.size))
    for i, v in enumerate(arr):
        checker(f"{name}[{i}]", v)
    return arr


def clv_cohort(margin, retention, discount, horizon: int, customers: float = 1.0,
               acquisition_cost: float = 0.0) -> CohortCLV:
    """Finite-horizon lifetime value of a cohort, period by period.

    Period t's survivors are ``customers`` × r_1 × … × r_t; each pays margin m_t at
    the end of the period, discounted by (1 + d)^t. ``margin`` and ``retention``
    may be single numbers or one number per period (e.g. retention that rises
    with tenure). CLV per customer = total present value / customers −
    ``acquisition_cost``.

    Examples
    --------
    >>> c = clv_cohort(100, 0.8, 0.12, horizon=3, customers=1000)
    >>> c.table.round(2)
            active  margin  discount_factor  present_value  cumulative_clv
    period
    1        800.0   100.0             0.89       71428.57           71.43
    2        640.0   100.0             0.80       51020.41          122.45
    3        512.0   100.0             0.71       36443.15          158.89
    >>> round(c.clv, 4)
    158.8921
    """
    if isinstance(horizon, bool) or not isinstance(horizon, Integral) or horizon < 1:
        raise fail("horizon", _("a whole number of periods >= 1"), horizon)
    horizon = _checks.whole("horizon", horizon, low=1, high=_checks.MAX_HORIZON, what=_("periods"))
    m = _per_period("margin", margin, horizon, number)
    r = _per_period("retention", retention, horizon, share)
    d = number("discount", discount, low=-1, low_open=True)
    size = number("customers", customers, low=0, low_open=True)
    cost = number("acquisition_cost", acquisition_cost)
    t = np.arange(1, horizon + 1)
    active = size * np.cumprod(r)
    factor = (1 + d) ** -t.astype(float)
    pv = active * m * factor
    with np.errstate(over="ignore", invalid="ignore"):
        table = pd.DataFrame({"active": active, "margin": m, "discount_factor": factor, "present_value": pv,
                              "cumulative_clv": np.cumsum(pv) / size - cost}, index=pd.Index(t, name="period"))
        total = float(pv.sum())
        _checks.finite_result("clv_cohort", table, "margin", "customers", "discount")
        _checks.finite_result("clv_cohort", total / size - cost, "margin", "customers", "acquisition_cost")
    return CohortCLV(table=table, clv=total / size - cost, total=total, customers=size, acquisition_cost=cost)


# ---------------------------------------------------------------------------
# RFM
# ---------------------------------------------------------------------------

#: Segment of a customer by (recency level, frequency level); levels are "low", "mid", "high".
#: :func:`rfm` labels a customer "new customers" instead when the first purchase is recent (see ``new_within``).
RFM_SEGMENTS = {
    ("high", "high"): N_("champions"),
    ("high", "mid"): N_("potential loyalists"),
    ("high", "low"): N_("promising"),
    ("mid", "high"): N_("loyal customers"),
    ("mid", "mid"): N_("need attention"),
    ("mid", "low"): N_("about to sleep"),
    ("low", "high"): N_("at risk"),
    ("low", "mid"): N_("hibernating"),
    ("low", "low"): N_("lost"),
}


def _level_code(score: np.ndarray, bins: int) -> np.ndarray:
    """0 (low), 1 (mid) or 2 (high) for scores 1..bins."""
    pos = (score - 1) / (bins - 1)
    return np.where(pos < 0.4, 0, np.where(pos > 0.6, 2, 1))


def rfm_segment(r, f, bins: int = 5):
    """Segment name(s) for recency and frequency scores (1 = worst, ``bins`` = best).

    A score's level is "low" when (score − 1)/(bins − 1) < 0.4, "high" when it is
    > 0.6 and "mid" otherwise (with 5 bins: 1–2 low, 3 mid, 4–5 high). The segment
    is :data:`RFM_SEGMENTS` [(recency level, frequency level)]:

    ============  ================  ===================  ================
    R \\ F         low               mid                  high
    ============  ================  ===================  ================
    high          promising         potential loyalists  champions
    mid           about to sleep    need attention       loyal customers
    low           lost              hibernating          at risk
    ============  ================  ===================  ================

    Recency and frequency together say how likely a next purchase is (the chapter's
    "recency × frequency → next purchase"); the monetary score is reported beside it.
    A low frequency says little about a customer who has only just arrived: :func:`rfm`
    calls customers whose first purchase is recent "new customers" instead (:data:`NEW_SEGMENT`).

    Examples
    --------
    >>> rfm_segment(5, 5), rfm_segment(1, 5), rfm_segment(3, 2)
    ('champions', 'at risk', 'about to sleep')
    """
    bins = _checks.whole("bins", bins, low=2, high=9)
    scalar = _checks.ndim("r", r) == 0 and _checks.ndim("f", f) == 0
    r_arr = np.atleast_1d(number("r", r) if np.ndim(r) == 0 else vector("r", r))
    f_arr = np.atleast_1d(number("f", f) if np.ndim(f) == 0 else vector("f", f))
    for name, arr in (("r", r_arr), ("f", f_arr)):
        bad = (arr < 1) | (arr > bins) | (arr != np.round(arr))
        if bad.any():
            raise fail(name, _("whole-number scores from 1 to bins = {bins}").format(bins=bins), arr[bad][0])
    if r_arr.size != f_arr.size and 1 not in (r_arr.size, f_arr.size):
        raise fail(_("r and f"), _("the same length"), _("lengths {r} and {f}").format(r=r_arr.size, f=f_arr.size))
    r_arr, f_arr = np.broadcast_arrays(r_arr, f_arr)
    levels = ("low", "mid", "high")
    table = np.array([[RFM_SEGMENTS[(rl, fl)] for fl in levels] for rl in levels], dtype=object)
    names = table[_level_code(r_arr, bins), _level_code(f_arr, bins)]   # one array lookup, not one per customer
    return str(names[0]) if scalar else names


#: Segment of customers too new to have a purchase frequency (see :func:`rfm`).
NEW_SEGMENT = N_("new customers")


def _score(values: np.ndarray, bins: int, best_low: bool) -> np.ndarray:
    """Scores 1..bins from the mid-rank: customers with equal values share a score, whatever the row order.

    A customer's position is the share of customers with a worse value plus half the share tied with it
    (the middle of its tie group, as in mid-ranks); the score is the ``bins``-quantile that position falls
    in. Without ties this cuts the customers into ``bins`` groups of (nearly) equal size.
    """
    key = -values if best_low else values  # larger key = better
    ordered = np.sort(key)
    worse = np.searchsorted(ordered, key, side="left")
    tied = np.searchsorted(ordered, key, side="right") - worse
    # Integer arithmetic: (worse + tied / 2) / n × bins, floored, without rounding error at the cuts.
    return np.minimum(1 + ((2 * worse + tied) * bins) // (2 * values.size), bins).astype(np.int64)


def _exact_ties(totals: np.ndarray, codes: np.ndarray, amounts: np.ndarray) -> np.ndarray:
    """Per-customer totals whose ties do not depend on the order of the rows.

    A float sum depends on the order of its terms in the last bits, so two customers with the same purchases
    could get totals one ulp apart, and a different score, in one row order but not in another. Totals that
    are equal or within rounding (1e-9 relative) of another customer's are recomputed with ``math.fsum``,
    which is correctly rounded and so does not depend on the order.
    """
    ordered = np.sort(totals)
    close = np.abs(np.diff(ordered)) <= 1e-9 * np.maximum(np.abs(ordered[1:]), 1.0)
    if not close.any():
        return totals
    suspects = np.flatnonzero(np.isin(totals, np.concatenate([ordered[:-1][close], ordered[1:][close]])))
    rows = np.isin(codes, suspects)
    sub_codes, sub_amounts = codes[rows], amounts[rows]
    order = np.argsort(sub_codes, kind="stable")
    sub_codes, sub_amounts = sub_codes[order], sub_amounts[order]
    starts = np.flatnonzero(np.r_[True, sub_codes[1:] != sub_codes[:-1]])
    out = totals.copy()
    for customer, chunk in zip(sub_codes[starts], np.split(sub_amounts, starts[1:])):
        out[customer] = math.fsum(chunk)
    return out


def rfm(transactions: pd.DataFrame, customer: str = "customer_id", date: str = "date", amount: str = "amount",
        as_of=None, bins: int = 5, monetary: str = "total", *, new_within: int = 90, dayfirst: bool | None = None,
        date_format: str | None = None) -> pd.DataFrame:
    """RFM analysis: recency, frequency and monetary value per customer, scored 1..``bins``.

    Parameters
    ----------
    transactions : DataFrame
        One row per purchase with a customer id, a date (datetime or parseable
        text) and an amount (≥ 0).
    customer, date, amount : str
        Column names.
    as_of : date, optional
        The analysis date; default the last date in the log. Purchases after it are
        ignored, so RFM "as of" an earlier date can be checked against what came next.
    bins : int
        Number of score levels, 2–9; ``bins`` is best (most recent, most frequent,
        largest spend) and 1 worst. Customers are ranked and cut into ``bins``
        groups of (nearly) equal size. Customers with the same value get the same
        score (the quantile of the middle of their tie group), so the scores never
        depend on the order of the rows; with many ties the groups are unequal.
    monetary : {"total", "mean"}
        Monetary value as total spend or mean spend per purchase.
    new_within : int
        A customer whose first purchase lies fewer than ``new_within`` days before
        ``as_of`` and whose frequency level is low is in the segment "new customers"
        (too new to have bought often) instead of the R × F segment. Default 90 (a quarter).
    dayfirst, date_format : optional
        How to read text dates such as 03/02/2025 (day/month or month/day); required
        for such text, which is never guessed. ISO dates (2025-02-03) need neither.

    Returns
    -------
    DataFrame
        Indexed by customer (sorted): ``recency`` (whole days from the last purchase
        to ``as_of``), ``frequency`` (purchases), ``monetary``, scores ``r``, ``f``,
        ``m``, the ``rfm`` code such as "545", the ``segment`` (see :func:`rfm_segment`)
        and ``tenure`` (whole days from the first purchase to ``as_of``).

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": ["a", "b", "a", "c", "d", "a", "d"],
    ...                     "date": ["2025-01-02", "2025-01-05", "2025-02-01", "2025-02-10",
    ...                              "2025-03-01", "2025-03-20", "2025-03-30"],
    ...                     "amount": [50, 400, 70, 20, 90, 60, 30]})
    >>> rfm(log, as_of="2025-03-31", bins=2, new_within=60)
                 recency  frequency  monetary  r  f  m  rfm        segment  tenure
    customer_id
    a                 11          3     180.0  2  2  2  222      champions      88
    b                 85          1     400.0  1  1  2  112           lost      85
    c                 49          1      20.0  1  1  1  111  new customers      49
    d                  1          2     120.0  2  2  1  221      champions      30
    """
    columns("transactions", transactions, {"customer": customer, "date": date, "amount": amount})
    choice("monetary", monetary, ("total", "mean"))
    if isinstance(bins, bool) or not isinstance(bins, Integral) or not 2 <= bins <= 9:
        raise fail("bins", _("a whole number from 2 to 9 (one digit per score in the code)"), bins)
    if len(transactions) == 0:
        raise fail("transactions", _("at least one transaction"), _("an empty DataFrame"))
    ids = _customer_ids(transactions, "transactions", customer)
    when = _dates(transactions, "transactions", date, dayfirst, date_format)
    if isinstance(new_within, bool) or not isinstance(new_within, Integral) or new_within < 0:
        raise fail("new_within", _("a whole number of days >= 0 (0: no customer is new)"), new_within)
    if transactions[amount].dtype == object and any(isinstance(v, str) for v in transactions[amount]):
        raise fail(f"transactions[{amount!r}]", _("numeric amounts"), transactions[amount].iloc[:3].tolist(),
                   TypeError)
    money = _checks.numeric_column("transactions", transactions, amount, missing=True)
    bad = ~np.isfinite(money) | (money < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise fail(f"transactions[{amount!r}]", _("amounts >= 0 (refunds belong in a separate column)"),
                   _("{value:g} at row {row!r}").format(value=money[i], row=transactions.index[i]))
    day = when.to_numpy().astype("datetime64[D]").astype(np.int64)
    cut = int(day.max()) if as_of is None else \
        int(np.datetime64(_as_of(as_of, "as_of", dayfirst, date_format).to_datetime64(), "D").astype(np.int64))
    keep = day <= cut
    if not keep.any():
        raise fail("as_of", _("on or after the first purchase ({first})").format(first=np.datetime64(int(day.min()), "D")),
                   as_of)
    if not keep.all():
        ids, day, money = ids[keep], day[keep], money[keep]
    codes, uniques = pd.factorize(ids, sort=False)
    k = uniques.size
    frequency = np.bincount(codes, minlength=k)
    spend = _exact_ties(np.bincount(codes, weights=money, minlength=k), codes, money)
    last = np.full(k, np.iinfo(np.int64).min)
    np.maximum.at(last, codes, day)
    first = np.full(k, np.iinfo(np.int64).max)
    np.minimum.at(first, codes, day)
    recency = cut - last
    with np.errstate(over="ignore", invalid="ignore"):
        value = _checks.finite_result("the monetary value", spend if monetary == "total" else spend / frequency,
                                      "transactions", "amount")
    r = _score(recency.astype(float), bins, best_low=True)
    f = _score(frequency.astype(float), bins, best_low=False)
    m = _score(value, bins, best_low=False)
    code = (r * 100 + f * 10 + m).astype(str)
    segment = np.asarray(rfm_segment(r, f, bins), dtype=object)
    tenure = cut - first
    segment[(tenure < new_within) & (_level_code(f.astype(float), bins) == 0)] = NEW_SEGMENT
    out = pd.DataFrame({"recency": recency, "frequency": frequency, "monetary": value, "r": r, "f": f, "m": m,
                        "rfm": pd.array(code, dtype="str"), "segment": segment, "tenure": tenure},
                       index=pd.Index(uniques, name=customer))
    out["segment"] = pd.Categorical(out["segment"], categories=[NEW_SEGMENT, *dict.fromkeys(RFM_SEGMENTS.values())])
    return out.sort_index()


# ---------------------------------------------------------------------------
# BG/NBD
# ---------------------------------------------------------------------------


def _bgnbd_data(frequency, recency, T):
    x = vector("frequency", frequency, nonnegative=True)
    tx = vector("recency", recency, nonnegative=True)
    big_t = vector("T", T) if _checks.ndim("T", T) else np.full(x.size, number("T", T))
    if not x.size == tx.size == big_t.size:
        raise fail(_("frequency, recency and T"), _("the same length"),
                   _("lengths {frequency}, {recency}, {T}").format(frequency=x.size, recency=tx.size, T=big_t.size))
    if np.any(x != np.round(x)):
        i = int(np.flatnonzero(x != np.round(x))[0])
        raise fail("frequency", _("whole numbers of repeat purchases"),
                   _("{value:g} at position {position}").format(value=x[i], position=i))
    if np.any(big_t <= 0):
        i = int(np.flatnonzero(big_t <= 0)[0])
        raise fail("T", _("> 0 (time since the first purchase)"),
                   _("{value:g} at position {position}").format(value=big_t[i], position=i))
    if np.any(tx > big_t * (1 + 1e-9)):
        i = int(np.flatnonzero(tx > big_t * (1 + 1e-9))[0])
        raise fail("recency", _("<= T (the last purchase cannot come after the end of the period)"),
                   _("{recency:g} > T = {T:g} at position {position}").format(recency=tx[i], T=big_t[i], position=i))
    if np.any((x == 0) & (tx > 0)):
        i = int(np.flatnonzero((x == 0) & (tx > 0))[0])
        raise fail("recency", _("0 for customers with no repeat purchase"),
                   _("{value:g} at position {position}").format(value=tx[i], position=i))
    return x, tx, big_t


def _loglik_terms(params, x, tx, big_t, grad: bool = False):
    """Per-customer log-likelihood of the BG/NBD model and, optionally, its gradient in (r, α, a, b).

    ln L = A1 + ln(exp(A2) + [x > 0] exp(A3)) with
    A1 = lnΓ(r + x) − lnΓ(r) + r ln α,
    A2 = ln B(a, b + x) − ln B(a, b) − (r + x) ln(α + T),
    A3 = ln B(a + 1, b + x − 1) − ln B(a, b) − (r + x) ln(α + t_x),
    combined with logaddexp so large x and T never overflow (Fader, Hardie & Lee 2005, eq. 6).
    """
    from scipy.special import betaln, digamma, gammaln

    r, alpha, a, b = params
    rep = x > 0
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    lb = betaln(a, b)
    a2 = betaln(a, b + x) - lb - (r + x) * np.log(alpha + big_t)
    xm = np.where(rep, x, 1.0)  # keeps b + x − 1 > 0 where the term is unused
    a3 = np.where(rep, betaln(a + 1, b + xm - 1) - lb - (r + x) * np.log(alpha + tx), -np.inf)
    tail = np.logaddexp(a2, a3)
    ll = a1 + tail
    if not grad:
        return ll
    w2, w3 = np.exp(a2 - tail), np.exp(a3 - tail)
    psi_ab, psi_abx = digamma(a + b), digamma(a + b + x)
    d_r = digamma(r + x) - digamma(r) + np.log(alpha) - w2 * np.log(alpha + big_t) - w3 * np.log(alpha + tx)
    d_alpha = r / alpha - w2 * (r + x) / (alpha + big_t) - w3 * (r + x) / (alpha + tx)
    d_a = w2 * (psi_ab - psi_abx) + w3 * (digamma(a + 1) - digamma(a) + psi_ab - psi_abx)
    d_b = (w2 * (digamma(b + x) - digamma(b) + psi_ab - psi_abx)
           + w3 * (digamma(b + xm - 1) - digamma(b) + psi_ab - psi_abx))
    return ll, np.vstack([d_r, d_alpha, d_a, d_b])


def bgnbd_log_likelihood(params, frequency, recency, T) -> np.ndarray:
    """Per-customer log-likelihood of the BG/NBD model at ``params = (r, alpha, a, b)``.

    Examples
    --------
    >>> ll = bgnbd_log_likelihood((0.243, 4.414, 0.793, 2.426), [2, 0], [30.43, 0], [38.86, 38.86])
    >>> ll.round(4).tolist()
    [-9.4586, -0.5547]
    """
    p = vector("params", params)
    if p.size != 4 or np.any(p <= 0):
        raise fail("params", _("four positive numbers (r, alpha, a, b)"), list(params))
    with np.errstate(all="ignore"):
        return _checks.finite_result("the log-likelihood", _loglik_terms(p, *_bgnbd_data(frequency, recency, T)),
                                     "params", "frequency", "recency", "T")


@dataclass(frozen=True)
class BetaGeo:
    """The BG/NBD model of repeat buying ("buy till you die"; Fader, Hardie & Lee 2005).

    While alive, a customer buys at a Poisson rate λ, with λ ~ Gamma(r, α) across
    customers; after each repeat purchase they drop out for good with probability
    p, with p ~ Beta(a, b). :meth:`fit` estimates (r, α, a, b) by maximum likelihood
    from each customer's repeat-purchase count x (frequency), the time of their last
    purchase t_x (recency) and the time since their first purchase T, all measured
    from the first purchase in one time unit (e.g. weeks).

    Parameters
    ----------
    maxiter : int
        Iteration limit of the optimiser (BFGS on log-parameters with an analytic gradient).
    tol : float
        Gradient tolerance of the optimiser (on the mean log-likelihood).

    Examples
    --------
    >>> data = simulate_bgnbd(5000, r=0.75, alpha=6.0, a=0.8, b=4.0, T=52, seed=1)
    >>> fit = BetaGeo().fit(data["frequency"], data["recency"], data["T"])   # not data.T (the transpose)
    >>> fit.params.round(2).tolist()
    [0.73, 5.83, 0.81, 3.99]
    """

    maxiter: int = 2000
    tol: float = 1e-9

    def fit(self, frequency, recency, T, initial=None) -> BetaGeoResult:
        """Fit by maximum likelihood; returns a :class:`BetaGeoResult`.

        ``initial`` optionally gives starting values (r, alpha, a, b).
        """
        from scipy import optimize

        index = frequency.index if isinstance(frequency, pd.Series) else pd.RangeIndex(len(np.atleast_1d(frequency)))
        x, tx, big_t = _bgnbd_data(frequency, recency, T)
        if x.size < 4:
            raise fail("frequency", _("at least 4 customers to estimate 4 parameters"),
                           _("{n} customers").format(n=x.size))
        if initial is None:
            start = np.log([1.0, max(float(np.mean(big_t)), 1e-3) / 10.0, 1.0, 1.0])
        else:
            p0 = vector("initial", initial)
            if p0.size != 4 or np.any(p0 <= 0):
                raise fail("initial", _("four positive numbers (r, alpha, a, b)"), list(initial))
            start = np.log(p0)
        n = x.size

        def objective(logp):
            p = np.exp(logp)
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                ll, g = _loglik_terms(p, x, tx, big_t, grad=True)
            value, gradient = -ll.sum() / n, -(g.sum(axis=1) * p) / n
            if not np.isfinite(value) or not np.all(np.isfinite(gradient)):
                return 1e10, np.zeros(4)
            return value, gradient

        res = optimize.minimize(objective, start, jac=True, method="BFGS",
                                options={"gtol": self.tol, "maxiter": self.maxiter})
        logp = res.x
        params = np.exp(logp)
        ll = float(_loglik_terms(params, x, tx, big_t).sum())
        se = self._standard_errors(logp, x, tx, big_t)
        converged = bool(res.success or np.max(np.abs(objective(logp)[1])) < 1e-6)
        # A pair that ran off to infinity sits on a flat ridge of the likelihood (only a/(a+b), or r/alpha,
        # is identified), so the inverse Hessian there is rounding noise, finite or not by the order of a sum:
        # report no standard error for it (the run-off itself is the problem _fit_problems names).
        for pair in ((2, 3), (0, 1)):
            if np.any(params[list(pair)] > _RUNAWAY):
                se[list(pair)] = np.nan
        problems = _fit_problems(params, se, converged, x)
        if problems:
            warnings.warn(_("BG/NBD fit on {n} customers is unreliable: {problems}. {advice}").format(
                n=n, problems="; ".join(problems), advice=_(_FIT_ADVICE)), BetaGeoWarning, stacklevel=2)
        return BetaGeoResult(r=float(params[0]), alpha=float(params[1]), a=float(params[2]), b=float(params[3]),
                             log_likelihood=ll, n=int(n), converged=converged, iterations=int(res.nit),
                             problems=problems,
                             se=pd.Series(se, index=["r", "alpha", "a", "b"], name="se"),
                             frequency=pd.Series(x, index=index, name="frequency"),
                             recency=pd.Series(tx, index=index, name="recency"),
                             T=pd.Series(big_t, index=index, name="T"))

    @staticmethod
    def _standard_errors(logp, x, tx, big_t) -> np.ndarray:
        """Standard errors from the observed information (central differences of the analytic gradient)."""
        def grad(lp):
            p = np.exp(lp)
            return _loglik_terms(p, x, tx, big_t, grad=True)[1].sum(axis=1) * p

        h = 1e-5
        hess = np.empty((4, 4))
        for j in range(4):
            step = np.zeros(4)
            step[j] = h
            hess[:, j] = (grad(logp + step) - grad(logp - step)) / (2 * h)
        hess = (hess + hess.T) / 2
        try:
            cov = np.linalg.inv(-hess)
        except np.linalg.LinAlgError:
            return np.full(4, np.nan)
        var = np.diag(cov)
        # Delta method: se(θ) = θ · se(log θ).
        return np.where(var > 0, np.exp(logp) * np.sqrt(np.abs(var)), np.nan)


class BetaGeoWarning(UserWarning):
    """A BG/NBD fit that did not converge or ran to a boundary (its predictions are unreliable)."""


_FIT_ADVICE = N_("Four parameters need a few hundred customers with repeat purchases: use more customers or a "
                  "longer calibration period, or a simpler summary (RFM) for this data")
# Above this a gamma or beta parameter has run off to infinity: its distribution has collapsed to one value.
_RUNAWAY = 1e4


def _fit_problems(params, se, converged: bool, x) -> tuple[str, ...]:
    """What makes a BG/NBD fit unreliable, in words (empty when nothing does)."""
    r, alpha, a, b = params
    problems = []
    if not converged:
        problems.append(_("the optimiser did not converge"))
    if a > _RUNAWAY or b > _RUNAWAY:
        problems.append(_("a = {a:.3g} and b = {b:.3g} run off to infinity (the data cannot tell customers' drop-out "
                          "probabilities apart, so every customer gets the same one, a/(a+b) = {share:.3f})").format(
            a=a, b=b, share=a / (a + b)))
    if r > _RUNAWAY or alpha > _RUNAWAY:
        problems.append(_("r = {r:.3g} and alpha = {alpha:.3g} run off to infinity (every customer gets the same "
                          "purchase rate, r/alpha = {rate:.3g} per time unit)").format(r=r, alpha=alpha,
                                                                                      rate=r / alpha))
    ran_off = {"a", "b"} if a > _RUNAWAY or b > _RUNAWAY else set()
    ran_off |= {"r", "alpha"} if r > _RUNAWAY or alpha > _RUNAWAY else set()
    names = [k for k, v in zip(("r", "alpha", "a", "b"), se) if not np.isfinite(v) and k not in ran_off]
    if names:
        problems.append(_("the standard errors of {names} cannot be computed").format(names=", ".join(names)))
    if int(np.sum(x > 0)) < 4:
        problems.append(_("only {n} customer(s) made a repeat purchase").format(n=int(np.sum(x > 0))))
    return tuple(problems)


def _as_array(name, value):
    return vector(name, value) if np.ndim(value) else np.asarray(number(name, value))


@dataclass(frozen=True, repr=False)
class BetaGeoResult(ResultMixin):
    """A fitted BG/NBD model: parameters, log-likelihood and predictions.

    Time is in the unit of the data the model was fitted on (e.g. weeks).

    Examples
    --------
    >>> data = simulate_bgnbd(3000, r=0.75, alpha=6.0, a=0.8, b=4.0, T=52, seed=3)
    >>> fit = BetaGeo().fit(data["frequency"], data["recency"], data["T"])
    >>> round(fit.expected_purchases(52), 2)          # a new customer's first year
    3.59
    >>> round(fit.p_alive(frequency=4, recency=10, T=52), 3)    # four repeat purchases, silent since week 10
    0.019
    >>> round(fit.conditional_expected_purchases(13, frequency=4, recency=50, T=52), 2)
    0.89
    """

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    n: int
    converged: bool
    iterations: int
    se: pd.Series = field(compare=False)
    frequency: pd.Series = field(compare=False, repr=False)
    recency: pd.Series = field(compare=False, repr=False)
    T: pd.Series = field(compare=False, repr=False)
    #: Why the fit is unreliable, in words (empty for a sound fit); see :class:`BetaGeoWarning`.
    problems: tuple = field(default=(), compare=False)
    _title = N_("BG/NBD model")

    @property
    def params(self) -> pd.Series:
        """The estimates r, alpha, a, b as a Series."""
        return pd.Series([self.r, self.alpha, self.a, self.b], index=["r", "alpha", "a", "b"], name="estimate")

    def _headline(self) -> dict:
        out = {_("log-likelihood"): self.log_likelihood, _("customers"): self.n, _("converged"): self.converged,
               _("iterations"): self.iterations}
        if self.problems:
            out[_("unreliable")] = "; ".join(self.problems)
        return out

    @property
    def reliable(self) -> bool:
        """True when the fit converged to finite parameters with standard errors (``problems`` is empty)."""
        return not self.problems

    def to_frame(self) -> pd.DataFrame:
        """Parameter estimates with standard errors."""
        return pd.DataFrame({"estimate": self.params, "se": self.se})

    def expected_purchases(self, t):
        """E[X(t)]: expected repeat purchases in (0, t] of a customer just acquired (FHL 2005, eq. 9)."""
        from scipy.special import hyp2f1

        t = _as_array("t", t)
        if np.any(t < 0):
            raise fail("t", _("a length of time >= 0"), t)
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        z = t / (alpha + t)
        with np.errstate(all="ignore"):
            out = (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, z))
        _checks.finite_result("expected_purchases", out, "t")
        return float(out) if out.ndim == 0 else out

    def _customer(self, frequency, recency, T):
        if frequency is None:
            return self.frequency.to_numpy(), self.recency.to_numpy(), self.T.to_numpy()
        if np.ndim(frequency) == 0:
            x, tx, big_t = _bgnbd_data([frequency], [recency], [T])
            return x[0], tx[0], big_t[0]
        return _bgnbd_data(frequency, recency, T)

    def p_alive(self, frequency=None, recency=None, T=None):
        """P(alive | x, t_x, T): probability that a customer has not dropped out (FHL 2005, eq. 11).

        Without arguments, for every fitted customer. Customers without repeat purchases have P = 1.
        """
        return self._p_alive(*self._customer(frequency, recency, T))

    def _p_alive(self, x, tx, big_t):
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        with np.errstate(divide="ignore", invalid="ignore"):
            odds = np.where(x > 0, a / (b + np.maximum(x, 1) - 1)
                            * np.exp((r + x) * (np.log(alpha + big_t) - np.log(alpha + tx))), 0.0)
        out = 1.0 / (1.0 + odds)
        return float(out) if np.ndim(out) == 0 else out

    def conditional_expected_purchases(self, t, frequency=None, recency=None, T=None):
        """E[Y(t) | x, t_x, T]: expected purchases in the next ``t`` time units (FHL 2005, eq. 10)."""
        from scipy.special import hyp2f1

        t = number("t", t, low=0)
        x, tx, big_t = self._customer(frequency, recency, T)
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        z = t / (alpha + big_t + t)
        head = (a + b + x - 1) / (a - 1)
        bracket = 1 - ((alpha + big_t) / (alpha + big_t + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z)
        out = head * bracket * self._p_alive(x, tx, big_t)
        _checks.finite_result("conditional_expected_purchases", out, "t", "frequency", "recency", "T")
        return float(out) if np.ndim(out) == 0 else out

    def probability_of_purchases(self, x, t):
        """P(X(t) = x): probability of exactly ``x`` repeat purchases in (0, t] (FHL 2005, eq. 8)."""
        from scipy.special import betaln, gammaln

        x_arr = np.atleast_1d(number("x", x) if np.ndim(x) == 0 else vector("x", x, nonnegative=True))
        if np.any(x_arr < 0) or np.any(x_arr != np.round(x_arr)) or np.any(x_arr > 10_000):
            raise fail("x", _("whole numbers of repeat purchases from 0 to 10,000"), x)
        t = number("t", t, low=0, low_open=True)
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        lb = betaln(a, b)
        log_q, log_p = np.log(alpha / (alpha + t)), np.log(t / (alpha + t))
        first = np.exp(betaln(a, b + x_arr) - lb + gammaln(r + x_arr) - gammaln(r) - gammaln(x_arr + 1)
                       + r * log_q + x_arr * log_p)
        out = first.copy()
        for i, xi in enumerate(x_arr):
            if xi > 0:
                j = np.arange(int(xi))
                partial = np.exp(gammaln(r + j) - gammaln(r) - gammaln(j + 1) + r * log_q + j * log_p).sum()
                out[i] += np.exp(betaln(a + 1, b + xi - 1) - lb) * (1 - partial)
        _checks.finite_result("probability_of_purchases", out, "x", "t")
        return float(out[0]) if np.ndim(x) == 0 else out

    def predict(self, t, *, allow_unreliable: bool = False) -> pd.DataFrame:
        """For every fitted customer: frequency, recency, T, P(alive) and expected purchases in the next ``t``.

        An unreliable fit (see ``problems``) raises ``ValueError`` with the reason, unless
        ``allow_unreliable=True``.
        """
        if self.problems and not allow_unreliable:
            raise ValueError(_("this BG/NBD fit is unreliable ({problems}), so its predictions would "
                               "be too. {advice}. To predict anyway, pass allow_unreliable=True.").format(
                problems="; ".join(self.problems), advice=_(_FIT_ADVICE)))
        return pd.DataFrame({"frequency": self.frequency, "recency": self.recency, "T": self.T,
                             "p_alive": self.p_alive(), "expected": self.conditional_expected_purchases(t)})

    def frequency_table(self, max_frequency: int = 7) -> pd.DataFrame:
        """Customers by repeat purchases in calibration, actual against expected ("7+" pools the tail)."""
        if isinstance(max_frequency, bool) or not isinstance(max_frequency, Integral) or max_frequency < 1:
            raise fail("max_frequency", _("a whole number >= 1"), max_frequency)
        max_frequency = _checks.whole("max_frequency", max_frequency, low=1, high=10_000)
        x = np.minimum(self.frequency.to_numpy(), max_frequency).astype(int)
        actual = np.bincount(x, minlength=max_frequency + 1)
        expected = np.zeros(max_frequency + 1)
        for big_t, count in pd.Series(self.T.to_numpy()).value_counts().items():
            probs = self.probability_of_purchases(np.arange(max_frequency), big_t)
            expected[:-1] += count * probs
            expected[-1] += count * (1 - probs.sum())
        labels = [str(i) for i in range(max_frequency)] + [f"{max_frequency}+"]
        return pd.DataFrame({"actual": actual, "expected": expected},
                            index=pd.Index(labels, name="repeat purchases"))

    def plot(self, ax=None, max_frequency: int = 7):
        """Actual and expected numbers of customers by repeat purchases (model fit check)."""
        from crmlab.plots.customers import bgnbd_plot

        return bgnbd_plot(self, ax=ax, max_frequency=max_frequency)


def simulate_bgnbd(n: int, r: float, alpha: float, a: float, b: float, T=52.0, seed: int = 0) -> pd.DataFrame:
    """Draw (frequency, recency, T) for ``n`` customers from a BG/NBD process with known parameters.

    Each customer makes a first purchase at time 0, then buys at Poisson rate
    λ ~ Gamma(shape r, rate α) until either time T or dropping out, which happens
    with probability p ~ Beta(a, b) right after each repeat purchase.

    Parameters
    ----------
    n : int
        Number of customers.
    r, alpha, a, b : float
        Model parameters (all > 0).
    T : float or sequence of float
        Observation length per customer (one number for all, or one each).
    seed : int
        Random seed.

    Examples
    --------
    >>> simulate_bgnbd(3, r=1.0, alpha=2.0, a=1.0, b=3.0, T=10, seed=0).round(2)
       frequency  recency     T
    0          3     8.11  10.0
    1          2     0.74  10.0
    2          0     0.00  10.0
    """
    if isinstance(n, bool) or not isinstance(n, Integral) or n < 1:
        raise fail("n", _("a whole number of customers >= 1"), n)
    n = _checks.whole("n", n, low=1, high=_checks.MAX_CUSTOMERS, what=_("customers"))  # before allocating
    seed = _checks.whole("seed", seed, low=0)
    r, alpha = number("r", r, low=0, low_open=True), number("alpha", alpha, low=0, low_open=True)
    a, b = number("a", a, low=0, low_open=True), number("b", b, low=0, low_open=True)
    big_t = vector("T", T) if _checks.ndim("T", T) else np.full(int(n), number("T", T, low=0, low_open=True))
    if not np.all(np.isfinite(big_t)) or np.any(big_t > 1e12):
        raise fail("T", _("observation lengths up to 1e12 (in the unit of the data)"), T if np.ndim(T) == 0 else
                   float(big_t.max()))
    if big_t.size != n or np.any(big_t <= 0):
        raise fail("T", _("a positive number or {n} positive numbers").format(n=n), T)
    rng = np.random.default_rng(seed)
    lam = rng.gamma(shape=r, scale=1.0 / alpha, size=n)
    p = rng.beta(a, b, size=n)
    x = np.zeros(n, dtype=np.int64)
    tx = np.zeros(n)
    now = np.zeros(n)
    alive = np.ones(n, dtype=bool)
    while alive.any():
        idx = np.flatnonzero(alive)
        now[idx] += rng.exponential(1.0, size=idx.size) / np.maximum(lam[idx], 1e-300)
        bought = now[idx] <= big_t[idx]
        buyers = idx[bought]
        x[buyers] += 1
        tx[buyers] = now[buyers]
        drop = rng.random(buyers.size) < p[buyers]
        alive[idx[~bought]] = False
        alive[buyers[drop]] = False
    return pd.DataFrame({"frequency": x, "recency": tx, "T": big_t})


_UNITS = {"day": 1.0, "week": 7.0}


def bgnbd_summary(transactions: pd.DataFrame, customer: str = "customer_id", date: str = "date",
                  amount: str | None = None, as_of=None, unit: str = "week", holdout_end=None, *,
                  dayfirst: bool | None = None, date_format: str | None = None) -> pd.DataFrame:
    """Summarise a transaction log into the BG/NBD inputs (frequency, recency, T) per customer.

    Purchases are counted per calendar day (several on one day count once, as in
    Fader, Hardie & Lee 2005). ``frequency`` = purchase days − 1 (repeat purchases),
    ``recency`` = time from the first to the last purchase day, ``T`` = time from the
    first purchase to ``as_of``; times are in ``unit`` ("week" = 7 days, or "day").
    Customers whose first purchase falls after ``as_of`` are left out.

    Parameters
    ----------
    transactions : DataFrame
        The log (customer id, date, optionally amount).
    amount : str, optional
        If given, adds ``monetary`` = mean amount of the repeat purchase days (0 with no repeat purchase).
    as_of : date, optional
        End of the calibration period; default the last date in the log.
    unit : {"week", "day"}
    holdout_end : date, optional
        If given, adds ``holdout`` = purchase days in (as_of, holdout_end] and ``holdout_length`` in ``unit``.
    dayfirst, date_format : optional
        How to read text dates such as 03/02/2025 (day/month or month/day); required
        for such text, which is never guessed.

    Examples
    --------
    >>> log = pd.DataFrame({"customer_id": ["a", "a", "a", "b", "a"],
    ...                     "date": ["2025-01-01", "2025-01-01", "2025-01-15", "2025-01-08", "2025-02-05"]})
    >>> bgnbd_summary(log, as_of="2025-01-29", holdout_end="2025-02-26")
                 frequency  recency    T  holdout  holdout_length
    customer_id
    a                    1      2.0  4.0        1             4.0
    b                    0      0.0  3.0        0             4.0
    """
    choice("unit", unit, tuple(_UNITS))
    need = {"customer": customer, "date": date, **({"amount": amount} if amount is not None else {})}
    columns("transactions", transactions, need)
    if len(transactions) == 0:
        raise fail("transactions", _("at least one transaction"), _("an empty DataFrame"))
    ids = _customer_ids(transactions, "transactions", customer)
    day = _dates(transactions, "transactions", date, dayfirst, date_format).to_numpy() \
        .astype("datetime64[D]").astype(np.int64)
    frame = pd.DataFrame({"id": ids.to_numpy(), "day": day})
    if amount is not None:
        money = _checks.numeric_column("transactions", transactions, amount, missing=True)
        if not np.all(np.isfinite(money)) or np.any(money < 0):
            i = int(np.flatnonzero(~np.isfinite(money) | (money < 0))[0])
            raise fail(f"transactions[{amount!r}]", _("amounts >= 0"),
                       _("{value!r} at row {row}").format(value=transactions[amount].iloc[i], row=i))
        frame["money"] = money
    cut = int(day.max()) if as_of is None else \
        int(np.datetime64(_as_of(as_of, "as_of", dayfirst, date_format).to_datetime64(), "D").astype(np.int64))
    calib = frame[frame["day"] <= cut]
    if calib.empty:
        raise fail("as_of", _("on or after the first purchase in the log"), as_of)
    per_day = calib.groupby(["id", "day"], sort=True).agg(**({"money": ("money", "sum")} if amount else {})) \
        if amount else calib.drop_duplicates(["id", "day"]).set_index(["id", "day"]).sort_index()
    days = per_day.reset_index()
    grouped = days.groupby("id", sort=True)["day"]
    first, last, count = grouped.min(), grouped.max(), grouped.size()
    scale = _UNITS[unit]
    out = pd.DataFrame({"frequency": (count - 1).astype(np.int64), "recency": (last - first) / scale,
                        "T": (cut - first) / scale})
    if amount is not None:
        days["repeat"] = days["day"] != days["id"].map(first)
        rep = days[days["repeat"]].groupby("id")["money"].mean()
        out["monetary"] = rep.reindex(out.index).fillna(0.0)
    if holdout_end is not None:
        end = int(np.datetime64(_as_of(holdout_end, "holdout_end", dayfirst, date_format).to_datetime64(), "D")
                  .astype(np.int64))
        if end <= cut:
            raise fail("holdout_end", _("after as_of ({as_of})").format(as_of=np.datetime64(cut, "D")), holdout_end)
        later = frame[(frame["day"] > cut) & (frame["day"] <= end)].drop_duplicates(["id", "day"])
        out["holdout"] = later.groupby("id").size().reindex(out.index).fillna(0).astype(np.int64)
        out["holdout_length"] = (end - cut) / scale
    out.index.name = customer
    return out
