"""Total cost of ownership (TCO, 总的拥有成本) of a CRM system: line items, totals, the chapter's audit, risk.

Line items are a long DataFrame with columns ``component`` (one of
:data:`COMPONENTS`), ``year`` (1..N) and ``amount`` (>= 0); extra columns such as
``item``, ``phase`` ("initial"/"ongoing") and ``purpose`` are kept and used by
:func:`audit` when present (the ``crm_costs`` dataset has them all).

* totals: :func:`total` (optionally discounted), :func:`by_year`, :func:`by_component`;
* the chapter's rules of thumb: :func:`audit`; a 10–15 % reserve: :func:`with_contingency`;
* the chapter's warning about short views: :func:`short_view_gap`;
* budget risk: :func:`simulate` (a stated Monte Carlo risk model of overruns, P50/P80/P95 budgets);
* planning: :func:`plan_tco` builds and values a plan from a few assumptions (the
  engine of :func:`crmlab.widgets.tco_planner`); :func:`cost_per_user`, with care;
* spreadsheets: :func:`read_items` and :func:`write_items` (CSV and Excel, lossless).

Examples
--------
>>> from crmlab import datasets, tco
>>> items = datasets.load("crm_costs")
>>> round(tco.total(items) / 1e6, 3)
25.705
>>> tco.audit(items)["ok"].tolist()
[True, False, True, True, False, False]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from crmlab import _checks
from crmlab._results import ResultMixin, one_line_repr
from crmlab.i18n import N_
from crmlab.i18n import gettext as _

__all__ = ["COMPONENTS", "RULES", "validate", "total", "by_year", "by_component", "audit", "readable_audit", "simulate",
           "Simulation", "short_view_gap", "with_contingency", "cost_per_user", "read_items", "write_items", "plan_tco", "TCOPlan"]

#: The chapter's eight TCO components, in the order it lists them.
COMPONENTS = ("licenses", "maintenance", "hardware", "telecom", "external_services",
              "vendor_services", "internal_staff", "other")

#: Rules of thumb from the chapter: name -> (low, high) as decimals.
RULES = {
    "maintenance per year / licence price": (0.15, 0.25),
    "contingency / total TCO": (0.10, 0.15),
    "initial purchase / 5-year TCO": (0.55, 0.65),
    "ongoing support / 5-year TCO": (0.35, 0.45),
    "keep running per year from year 3 / year's cost": (0.15, 0.20),
    "competitive advantage per year from year 3 / year's cost": (0.25, 0.40),
}


def validate(items, max_year: int = 50) -> pd.DataFrame:
    """Check line items and return a clean copy (component str, year int, amount float).

    >>> validate(pd.DataFrame({"component": ["hardware"], "year": [0], "amount": [1.0]}))
    Traceback (most recent call last):
    ...
    ValueError: items.year must be whole numbers from 1 to 50; got 0 in row 0
    """
    _checks.columns("items", items, ["component", "year", "amount"])
    max_year = _checks.whole("max_year", max_year, low=1, high=_checks.MAX_HORIZON)
    # text, True/False or missing years and amounts are refused here, before the range checks below
    _checks.numeric_column("items", items, "year", missing=True, name="items.year")
    _checks.numeric_column("items", items, "amount", missing=True, name="items.amount")
    if items["component"].isna().any():
        row = items.index[items["component"].isna().to_numpy()][0]
        raise _checks.fail("items.component", _("a component in every row"), items.loc[row, "component"], row=row)
    component = items["component"].astype(str)
    unknown = sorted(set(component.unique()) - set(COMPONENTS))
    if unknown:
        raise ValueError(_("items.component has unknown component(s) {unknown}; valid components: "
                           "{components}").format(unknown=unknown, components=", ".join(COMPONENTS)))
    year = pd.to_numeric(items["year"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = ~(np.isfinite(year) & (year % 1 == 0) & (year >= 1) & (year <= max_year))
    if bad.any():
        row = items.index[bad][0]
        raise _checks.fail("items.year", _("whole numbers from 1 to {max_year}").format(max_year=max_year), items.loc[row, "year"], row=row)
    amount = pd.to_numeric(items["amount"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = ~(np.isfinite(amount) & (amount >= 0))
    if bad.any():
        row = items.index[bad][0]
        raise _checks.fail("items.amount", _("finite numbers >= 0 (costs are positive)"), items.loc[row, "amount"],
                           row=row)
    out = items.copy()
    out["component"] = component
    out["year"] = year.astype(np.int64)
    out["amount"] = amount
    return out


def total(items, rate=None) -> float:
    """Total cost; with ``rate``, discounted to year 0 with end-of-year amounts (÷ (1 + rate)^year).

    >>> total(pd.DataFrame({"component": ["other"] * 2, "year": [1, 2], "amount": [110.0, 121.0]}), rate=0.1)
    200.0
    """
    return _total(validate(items), rate)


def _total(clean: pd.DataFrame, rate=None) -> float:
    with np.errstate(over="ignore", invalid="ignore"):
        if rate is None:
            return _checks.finite_result("total", float(clean["amount"].sum()), "items.amount")
        r = _checks.rate("rate", rate)
        return _checks.finite_result("total", float((clean["amount"] / (1 + r) ** clean["year"]).sum()),
                                     "items.amount", "rate")


def by_year(items) -> pd.DataFrame:
    """Year × component table of costs (every component and every year from 1, zeros filled), with a total column.

    >>> by_year(pd.DataFrame({"component": ["licenses", "maintenance"], "year": [1, 2], "amount": [100.0, 18.0]}))[
    ...     ["licenses", "maintenance", "total"]]
    component  licenses  maintenance  total
    year
    1             100.0          0.0  100.0
    2               0.0         18.0   18.0
    """
    return _by_year(validate(items))


def _nonempty(clean: pd.DataFrame) -> pd.DataFrame:
    if clean.empty:
        raise ValueError(_("items must hold at least one line item (component, year, amount); got an empty table"))
    return clean


def _by_year(clean: pd.DataFrame) -> pd.DataFrame:
    # bincount on (year, component) codes: the planner redraws on every slider move,
    # and this is ten times faster than a pivot table.
    n_years = int(_nonempty(clean)["year"].max())
    codes = pd.Categorical(clean["component"], categories=COMPONENTS).codes.astype(np.int64)
    cells = (clean["year"].to_numpy(dtype=np.int64) - 1) * len(COMPONENTS) + codes
    sums = np.bincount(cells, weights=clean["amount"].to_numpy(dtype=float), minlength=n_years * len(COMPONENTS))
    sums = sums.reshape(n_years, len(COMPONENTS))
    table = pd.DataFrame(sums, index=pd.RangeIndex(1, n_years + 1, name="year"),
                         columns=pd.Index(list(COMPONENTS), name="component"))
    with np.errstate(over="ignore", invalid="ignore"):
        table["total"] = sums.sum(axis=1)
    return _checks.finite_result("the yearly costs", table, "items.amount")


def by_component(items) -> pd.Series:
    """Total per component over all years, in the chapter's order (components without costs show 0).

    >>> by_component(pd.DataFrame({"component": ["hardware", "licenses", "hardware"], "year": [1, 1, 4],
    ...                            "amount": [50.0, 100.0, 20.0]})).head(3).tolist()
    [100.0, 0.0, 70.0]
    """
    clean = validate(items)
    sums = clean.groupby("component")["amount"].sum().reindex(list(COMPONENTS), fill_value=0.0)
    return _checks.finite_result("the component totals", sums.rename("amount"), "items.amount")


def _share(part: float, whole: float) -> float:
    return part / whole if whole else float("nan")


def audit(items) -> pd.DataFrame:
    """Check a plan against every rule of thumb in the chapter; one row per rule.

    Each rule, as the chapter (slides 15, 18–20) states it and as it is measured here:

    * **maintenance per year / licence price** — "维护成本通常是该软件的订价或折扣价的一个固定百分点
      (15%-25%)…按年支付": maintenance is 15–25 % of the software's list or discounted
      price, paid every year. Value: the mean over years with maintenance of that
      year's maintenance ÷ the licences owned that year (bought that year or before);
      ``ok`` needs every such year in range (the note lists them).
    * **contingency / total TCO** — "把总成本中的10%-15%分配给应急费用": 10–15 % of the
      total cost goes to contingency. Value: items whose ``purpose`` is "contingency"
      (or whose ``item`` mentions contingency) ÷ the total, contingency included; not
      assessed when the items have neither column.
    * **initial purchase / 5-year TCO** — "最初的购买成本通常在一项五年期CRM TCO中占有55%-65%":
      initial purchase is 55–65 % of a five-year TCO. Value: ``phase`` "initial" (year 1
      when there is no ``phase`` column) ÷ the total.
    * **ongoing support / 5-year TCO** — "持续支持成本…占有35%-45%": the rest, 35–45 %.
      These two rules are stated for a five-year TCO, so a plan covering another
      number of years is not assessed (``ok`` is NA).
    * **keep running per year from year 3 / year's cost** — "在为第三年以及以后的年份进行计划方面,
      企业应指定把每年的项目总成本的15%-20%用于保持系统运行方面(跟上系统bug修补与单点发布)":
      from year 3 on, 15–20 % of each year's total project cost keeps the system
      running (bug fixes, point releases). Value: ``purpose`` "keep_running" ÷ the year's cost.
    * **competitive advantage per year from year 3 / year's cost** — "把每年的25%-40%用于实现竞争优势上
      (…版本升级、功能方面的大幅增加…)": and 25–40 % of each year's cost buys competitive
      advantage (version upgrades, major new functions, infrastructure changes).
      Value: ``purpose`` "advantage" ÷ the year's cost.

    For the last two, the value is the mean share over years 3..N and ``ok`` needs
    every year in range; each line item counts once, under its own purpose (the
    chapter lists bug fixes under both headings). Without a ``purpose`` column
    they are not assessed (``ok`` is NA). The sentence can also be read as
    "15–20 % of the *initial* project cost per year"; notebook 05 compares the readings.

    Returns
    -------
    DataFrame
        Indexed by rule: value (a decimal share), expected (the range as text),
        ok (True, False or NA when the rule cannot be assessed), judged on (what
        ``ok`` was decided on: the value itself, or every year in range for the
        yearly rules, whose value is only the mean of the years) and note (each year).

    Examples
    --------
    >>> from crmlab import datasets
    >>> result = audit(datasets.load("crm_costs"))
    >>> row = result.loc["contingency / total TCO"]
    >>> round(float(row["value"]), 4), row["expected"], bool(row["ok"])
    (0.0601, '10%–15%', False)
    """
    return _audit(_nonempty(validate(items)))


def _audit(clean: pd.DataFrame, years: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`audit` of validated items (``years``: their :func:`by_year` table, when already at hand)."""
    grand = _checks.finite_result("total", clean["amount"].sum(), "items.amount")
    rows = []

    # The frame's text is English (it is data: tests and code read it); attrs["crmlab_text"] keeps each
    # text as (template, fields) so that readable_audit() can show it in the language in use.
    texts = {}

    def add(rule, value, note=("", {}), ok=None, judged=(_JUDGED_VALUE, {})):
        low, high = RULES[rule]
        if ok is None:
            ok = pd.NA if value is None or np.isnan(value) else bool(low - 1e-12 <= value <= high + 1e-12)
        if ok is pd.NA:
            judged = (_JUDGED_NOT_ASSESSED, {})
        texts[rule] = {"judged on": judged, "note": note}
        rows.append({"rule": rule, "value": value, "expected": f"{low:.0%}–{high:.0%}", "ok": ok,
                     "judged on": _english(judged), "note": _english(note)})

    def every_year_ok(rule, shares):
        low, high = RULES[rule]
        return bool(np.all((shares >= low - 1e-12) & (shares <= high + 1e-12)))

    # numpy arrays rather than Series: the planner audits a new plan on every slider move.
    years = _by_year(clean) if years is None else years
    year_index = years.index.to_numpy()
    yearly_total = years["total"].to_numpy()
    amount = clean["amount"].to_numpy(dtype=float)
    purpose = clean["purpose"].astype(str).to_numpy() if "purpose" in clean else None
    owned = np.cumsum(years["licenses"].to_numpy())
    maintenance = years["maintenance"].to_numpy()
    paid = maintenance > 0
    rule = "maintenance per year / licence price"
    if paid.any():
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios = maintenance[paid] / owned[paid]  # inf when nothing is licensed yet
        finite = ratios[np.isfinite(ratios)]
        add(rule, float(finite.mean()) if finite.size else float("inf"), _yearly_note(year_index[paid], ratios),
            every_year_ok(rule, ratios), judged=(_JUDGED_EVERY_YEAR, {"n": len(ratios)}))
    else:
        add(rule, float("nan"), (N_("not assessed: no maintenance in the plan"), {}))

    if purpose is not None or "item" in clean:
        if purpose is not None:
            reserve = purpose == "contingency"
        else:
            reserve = clean["item"].astype(str).str.contains("contingen", case=False).to_numpy()
        add("contingency / total TCO", _share(amount[reserve].sum(), grand))
    else:
        add("contingency / total TCO", float("nan"),
            (N_("not assessed: needs a purpose or item column to find the reserve"), {}))

    initial = (clean["phase"].astype(str).to_numpy() == "initial") if "phase" in clean \
        else clean["year"].to_numpy() == 1
    initial_cost = amount[initial].sum()
    horizon = int(year_index.max())
    for rule, value in (("initial purchase / 5-year TCO", _share(initial_cost, grand)),
                        ("ongoing support / 5-year TCO", _share(grand - initial_cost, grand))):
        if horizon == 5:
            add(rule, value)
        else:
            add(rule, value, (N_("not assessed: the plan covers {horizon} years, the rule is for a 5-year TCO"),
                              {"horizon": horizon}), pd.NA)

    late = (year_index >= 3) & (yearly_total > 0)
    year_of = clean["year"].to_numpy(dtype=np.int64)
    for rule, kind in (("keep running per year from year 3 / year's cost", "keep_running"),
                       ("competitive advantage per year from year 3 / year's cost", "advantage")):
        if purpose is None or not late.any():
            add(rule, float("nan"), (N_("not assessed: needs a purpose column and costs from year 3 on"), {}))
            continue
        mine = purpose == kind
        spend = np.bincount(year_of[mine] - 1, weights=amount[mine], minlength=len(year_index))[:len(year_index)]
        shares = spend[late] / yearly_total[late]
        add(rule, float(shares.mean()), _yearly_note(year_index[late], shares), every_year_ok(rule, shares),
            judged=(_JUDGED_YEARS, {"first": int(year_index[late].min()), "last": int(year_index[late].max())}))
    frame = pd.DataFrame(rows).set_index("rule")
    frame.attrs["crmlab_text"] = texts
    return frame


_JUDGED_VALUE = N_("the value")
_JUDGED_NOT_ASSESSED = N_("not assessed")
_JUDGED_EVERY_YEAR = N_("every year in range ({n} years, see note); value = their mean")
_JUDGED_YEARS = N_("every year {first}–{last} in range (see note); value = their mean")
_YEAR_SHARE = N_("y{year} {share:.1%}")
#: The rules' names as a person reads them (audit()'s index stays the English names).
_RULE_NAMES = (N_("maintenance per year / licence price"), N_("contingency / total TCO"),
               N_("initial purchase / 5-year TCO"), N_("ongoing support / 5-year TCO"),
               N_("keep running per year from year 3 / year's cost"),
               N_("competitive advantage per year from year 3 / year's cost"))


def _yearly_note(years, shares) -> tuple:
    return ("years", [(int(y), float(v)) for y, v in zip(years, shares)])


def _text(entry, translate) -> str:
    template, fields = entry
    if template == "years":
        return ", ".join(translate(_YEAR_SHARE).format(year=y, share=v) for y, v in fields)
    return translate(template).format(**fields) if template else ""


def _english(entry) -> str:
    return _text(entry, lambda text: text)


def readable_audit(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`audit`'s frame with its rule names, ``judged on`` and ``note`` in the language in use.

    The frame :func:`audit` returns is data (English rule names index it); this is the copy to show.

    >>> from crmlab import datasets, i18n
    >>> with i18n.language("zh"):
    ...     readable_audit(audit(datasets.load("crm_costs"))).index[1]
    '应急费用 / TCO 总额'
    """
    if not isinstance(frame, pd.DataFrame) or "crmlab_text" not in frame.attrs:
        raise TypeError(_("frame must be the table tco.audit() returns; got {type}").format(
            type=type(frame).__name__))
    texts = frame.attrs["crmlab_text"]
    shown = frame.copy()
    for column in ("judged on", "note"):
        shown[column] = [_text(texts[rule][column], _) if rule in texts else frame.at[rule, column]
                         for rule in frame.index]
    shown.index = pd.Index([_(rule) for rule in frame.index], name=_("rule"))
    return shown


@dataclass(frozen=True, eq=False)
class Simulation(ResultMixin):
    """Monte Carlo of cost overruns: the planned total and the simulated totals, with budgets at percentiles."""

    planned: float
    totals: np.ndarray
    seed: int
    low: float = -0.1
    mode: float = 0.1
    high: float = 0.8
    correlation: float = 0.8

    _title = N_("TCO Monte Carlo")

    def percentile(self, q: float) -> float:
        """The budget that covers ``q`` % of the simulated scenarios."""
        q = _checks.number("q", q, low=0, high=100)
        return float(np.percentile(self.totals, q))

    @property
    def p50(self) -> float:
        return self.percentile(50)

    @property
    def p80(self) -> float:
        return self.percentile(80)

    @property
    def p95(self) -> float:
        return self.percentile(95)

    def probability_within(self, budget: float) -> float:
        """Share of scenarios whose total stays within ``budget``."""
        b = _checks.number("budget", budget)
        return float(np.mean(self.totals <= b))

    def _headline(self) -> dict:
        return {_("scenarios"): int(self.totals.size), _("planned"): self.planned,
                _("chance the plan is enough"): self.probability_within(self.planned)}

    def to_frame(self) -> pd.DataFrame:
        """Budgets: the plan and the P50/P80/P95 totals, each with its overrun over the plan."""
        rows = [("planned", self.planned)] + [(f"P{q}", self.percentile(q)) for q in (50, 80, 95)]
        frame = pd.DataFrame(rows, columns=["budget", "total"]).set_index("budget")
        frame["overrun"] = frame["total"] / self.planned - 1
        return frame

    def plot(self, ax=None):
        """Histogram of simulated totals with the plan, P50/P80/P95 and the chapter's 35–65 % band."""
        from crmlab.plots.money import plot_simulation

        return plot_simulation(self, ax=ax)

    def __repr__(self) -> str:
        return f"Simulation(scenarios={self.totals.size}, planned={self.planned:,.0f}, P80={self.p80:,.0f})"


def simulate(items, n: int = 10_000, seed: int = 0, low: float = -0.1, mode: float = 0.1,
             high: float = 0.8, correlation: float = 0.8) -> Simulation:
    """Monte Carlo of cost overruns for every (year, component) cost of a plan: a risk model, stated here.

    This is a risk model of the plan's EXECUTION, not the chapter's claim. The
    chapter (slide 21) says that firms which model only the first year or two
    underestimate the cost by 35–65 %; that is an error of SCOPE, which
    :func:`short_view_gap` measures on the plan itself. A plan that already
    covers all eight components and all five years (``crm_costs``) can still
    overrun, and that is what this function models. Each scenario scales every
    year-component cost by 1 + overrun, where

        overrun = correlation × U_scenario + (1 − correlation) × U_scenario,year,component

    and every U is triangular on [low, high] with its peak at ``mode``. The
    assumptions, and why:

    * default low −10 %, mode +10 %, high +80 %: a mean overrun of 26.7 %, close
      to the 27 % average overrun Flyvbjerg and Budzier found over 1,471 IT
      projects ("Why your IT project may be riskier than you think", *Harvard
      Business Review* 89(9), 2011); some projects come in under budget, and
      about one in seven scenarios overruns by more than 50 %;
    * what it leaves out: their "black swans" (one project in six overran by
      200 % on average) lie beyond ``high``; a triangular distribution has no
      fat tail, so read P95 as a lower bound of the tail risk;
    * correlation 0.8: overruns come mostly from causes that hit the whole plan
      (scope changes, delays, an optimistic estimate throughout), so most of the
      variation is shared; the mix keeps every overrun within [low, high] and
      its mean at (low + mode + high) / 3. ``correlation=0`` makes the lines
      independent (risks offset, so the spread is small); ``correlation=1``
      gives every line the same overrun.

    Change any assumption to fit your own history of projects.

    Parameters
    ----------
    items : DataFrame
        Line items (see :func:`validate`).
    n : int
        Number of scenarios.
    seed : int
        Seed of the random generator; the same seed gives the same totals.
    low, mode, high : float
        Triangular distribution of the overrun (decimals, > -1, low <= mode <= high, low < high).
    correlation : float
        Weight of the shared draw, in [0, 1].

    Examples
    --------
    >>> from crmlab import datasets
    >>> sim = simulate(datasets.load("crm_costs"), n=2000, seed=1)
    >>> 1.15 < sim.p50 / sim.planned < 1.35 and sim.p95 / sim.planned < 1.8
    True
    """
    table = by_year(items).drop(columns="total")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(_("n must be a whole number of scenarios >= 1; got {n!r}").format(n=n))
    n = _checks.whole("n", n, low=1, high=_checks.MAX_SCENARIOS, what=_("scenarios"))  # before allocating
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(_("seed must be a whole number >= 0; got {seed!r}").format(seed=seed))
    lo, mo, hi = (_checks.number(k, v, low=-1, low_open=True)
                  for k, v in (("low", low), ("mode", mode), ("high", high)))
    if not lo <= mo <= hi or lo == hi:
        raise ValueError(_("low <= mode <= high must hold with low < high; got low={low}, mode={mode}, high={high}").format(
            low=lo, mode=mo, high=hi))
    rho = _checks.share("correlation", correlation)
    base = table.to_numpy().ravel()
    base = base[base > 0]  # a zero cost stays zero whatever its overrun: skip its draws
    planned = float(base.sum())
    if rho < 1 and n * base.size > 50 * _checks.MAX_SCENARIOS:
        raise ValueError(_("n × cost lines must be at most {most:,} draws; got n = {n:,} "
                           "scenarios × {lines} lines: lower n").format(most=50 * _checks.MAX_SCENARIOS, n=n,
                                                                         lines=base.size))
    rng = np.random.default_rng(seed)
    shared = rng.triangular(lo, mo, hi, size=int(n))
    overrun = rho * shared * planned
    if rho < 1 and base.size:
        own = rng.triangular(lo, mo, hi, size=(int(n), base.size))
        overrun = overrun + (1 - rho) * (own @ base)
    with np.errstate(over="ignore", invalid="ignore"):
        totals = _checks.finite_result("the simulated totals", planned + overrun, "items.amount", "low", "mode",
                                       "high")
    return Simulation(planned, totals, int(seed), lo, mo, hi, rho)


def short_view_gap(items, years: int = 2) -> pd.DataFrame:
    """What a plan that looks only at its first ``years`` years misses of the full TCO.

    The chapter (slide 21, "在实施的头一两年中用CRM的TCO模型把企业CRM方案的成本费低估了35%-65%")
    says firms that model only the first year or two underestimate the cost by
    35–65 %. This measures it on a plan: the cost of the later years as a share
    of the full TCO (how much the short view underestimates), and the full TCO
    as a multiple of the short view.

    Returns
    -------
    DataFrame
        One row per horizon 1..``years``: the cost seen, the cost missed, the
        share of the full TCO missed and the full TCO ÷ the cost seen − 1.

    Examples
    --------
    >>> from crmlab import datasets
    >>> gap = short_view_gap(datasets.load("crm_costs"))
    >>> gap["share of TCO missed"].round(4).tolist()
    [0.439, 0.3344]
    """
    clean = validate(items)
    if clean.empty:
        raise ValueError(_("items must hold at least one line item to compare a short view with the full TCO; "
                           "got an empty table"))
    horizon = int(clean["year"].max())
    k = years
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k < horizon:
        raise ValueError(_("years must be a whole number from 1 to {last} (the plan covers {horizon} "
                           "years); got {years!r}").format(last=horizon - 1, horizon=horizon, years=years))
    yearly = _by_year(clean)["total"]
    full = float(yearly.sum())
    seen = yearly.cumsum().loc[1:k]
    frame = pd.DataFrame({"cost seen": seen, "cost missed": full - seen}, index=pd.RangeIndex(1, k + 1,
                                                                                             name="years modelled"))
    frame["share of TCO missed"] = frame["cost missed"] / full
    frame["TCO above the short view"] = full / frame["cost seen"] - 1
    return frame


def with_contingency(items, share: float = 0.125) -> pd.DataFrame:
    """Add a "Contingency reserve" line in year 1 so that it is ``share`` of the new total (default 12.5 %).

    Any existing contingency line is replaced. The chapter advises 10–15 %.

    >>> plan = pd.DataFrame({"component": ["licenses"], "year": [1], "amount": [875.0]})
    >>> with_contingency(plan)["amount"].tolist()
    [875.0, 125.0]
    """
    s = _checks.number("share", share, low=0, high=1, high_open=True)
    clean = validate(items)
    if "item" in clean:
        clean = clean[~clean["item"].astype(str).str.contains("contingen", case=False)]
    base = clean["amount"].sum()
    line = {c: pd.NA for c in clean.columns}
    line.update({"component": "other", "year": 1, "amount": base * s / (1 - s)})
    if "item" in clean:
        line["item"] = "Contingency reserve"
    if "purpose" in clean:
        line["purpose"] = "contingency"
    if "phase" in clean:
        line["phase"] = "initial"
    _checks.finite_result("the contingency line", [base, line["amount"]], "items.amount", "share")
    return pd.concat([clean, pd.DataFrame([line])], ignore_index=True).astype({"year": "int64", "amount": "float64"})


def cost_per_user(items, users, rate=None) -> float:
    """Total (or discounted) cost divided by the number of users.

    Use it with care, as the chapter warns: cost per user is not a basis for
    choosing a system on its own, because firms differ in strategy, customers
    and ways of doing business, and a cheap system that is not used costs most.

    >>> cost_per_user(pd.DataFrame({"component": ["licenses"], "year": [1], "amount": [600_000.0]}), users=100)
    6000.0
    """
    u = _checks.number("users", users, low=0, low_open=True)
    return _checks.finite_result("cost_per_user", total(items, rate=rate) / u, "items.amount", "users")


def _cny(value: float) -> str:
    """Money for a repr: whole CNY with separators (never 25,233,909.0909 or 4.8e+06)."""
    return f"{value:,.0f} CNY" if np.isfinite(value) else "n/a"


#: Hidden column holding the exact amounts in an Excel workbook (see :func:`write_items`).
_EXACT = "amount (exact)"


def _path(path) -> Path:
    if not isinstance(path, (str, Path)) or not str(path):
        raise _checks.fail("path", _("a file name or pathlib.Path ending in .csv or .xlsx"), path
                           if isinstance(path, (int, float, type(None), list)) else type(path).__name__, TypeError)
    return Path(path)


def read_items(path) -> pd.DataFrame:
    """Read line items from a CSV or an Excel workbook (sheet "line_items", or the first sheet).

    Every component, year and amount is checked as in :func:`validate`. A workbook
    written by :func:`write_items` gives back exactly the amounts written, unless
    an amount was edited in Excel, in which case the edited value is used.
    """
    path = _path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl", dtype={_EXACT: str})
        frame = sheets.get("line_items", next(iter(sheets.values())))
        if _EXACT in frame:
            exact = pd.to_numeric(frame[_EXACT], errors="coerce")
            shown = pd.to_numeric(frame["amount"], errors="coerce")
            # Keep the exact value only where the visible amount still matches it (not edited in Excel).
            same = (exact - shown).abs() <= 1e-9 * shown.abs().clip(lower=1.0)
            frame = frame.drop(columns=_EXACT)
            frame["amount"] = frame["amount"].where(~same, exact)
    elif path.suffix.lower() == ".csv":
        frame = pd.read_csv(path)
    else:
        raise ValueError(_("path must end in .csv or .xlsx; got {name!r}").format(name=path.name))
    return validate(frame)


def write_items(items, path) -> Path:
    """Write line items to CSV or to an Excel workbook (sheet "line_items" plus a "by_year" summary).

    Excel files store numbers with 16 significant digits, which can change the
    last bit of an amount such as 3,294,545.4545454546; when that happens a
    hidden column keeps the exact amounts as text, so that :func:`read_items` loses
    nothing. CSV files keep every digit by themselves.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> plan = with_contingency(pd.DataFrame({"component": ["licenses"], "year": [1], "amount": [1000.0]}), 0.12)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     back = read_items(write_items(plan, Path(folder) / "plan.xlsx"))
    >>> back["amount"].tolist() == plan["amount"].tolist()
    True
    """
    path = _path(path)
    clean = validate(items)
    if path.suffix.lower() == ".xlsx":
        sheet = clean
        amounts = clean["amount"].to_numpy()
        if any(float(f"{a:.16g}") != a for a in amounts):
            sheet = clean.assign(**{_EXACT: [repr(float(a)) for a in amounts]})
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            sheet.to_excel(writer, sheet_name="line_items", index=False)
            if _EXACT in sheet:
                column = writer.sheets["line_items"].column_dimensions
                from openpyxl.utils import get_column_letter

                column[get_column_letter(sheet.columns.get_loc(_EXACT) + 1)].hidden = True
            by_year(clean).to_excel(writer, sheet_name="by_year")
    elif path.suffix.lower() == ".csv":
        clean.to_csv(path, index=False, lineterminator="\n")
    else:
        raise ValueError(_("path must end in .csv or .xlsx; got {name!r}").format(name=path.name))
    return path


# --------------------------------------------------------------------------- planning from assumptions


@dataclass(frozen=True, eq=False)
class TCOPlan(ResultMixin):
    """A TCO plan built from a few assumptions, with its benefits, audit and project returns."""

    assumptions: dict
    items: pd.DataFrame
    benefits: pd.Series
    rate: float

    _title = N_("TCO plan")

    def __repr__(self) -> str:
        a = self.appraisal
        irr = f"{a.irr:.1%}" if np.isfinite(a.irr) else "none"
        payback = "never" if np.isinf(a.payback) else f"{a.payback:.2f} years"
        return (f"TCOPlan(years={self.assumptions['years']}, TCO={_cny(self.total)}, "
                f"present value of TCO={_cny(self.present_value)}, NPV={_cny(a.npv)} at {self.rate:.1%}, "
                f"ROI={self.roi:.1%}, IRR={irr}, payback={payback})")

    @property
    def warnings(self) -> list[str]:
        """Sanity notes on returns too good (or a plan too thin) to be believed; empty when none applies.

        A planner accepts any combination of assumptions; some give a return no
        CRM business case could defend (benefits many times the cost), which says
        the assumptions, not the project, need another look.
        """
        notes = []
        a = self.appraisal
        cost = self.total
        benefit = float(self.benefits.sum())
        if cost > 0 and benefit > 5 * cost:
            notes.append(_("the benefits are {times:,.0f} times the TCO: check that the benefit fits a project of "
                           "{users:,} users").format(times=benefit / cost, users=self.assumptions["users"]))
        if np.isfinite(a.irr) and a.irr > 1.0:
            notes.append(_("an IRR of {irr:.0%} a year means the money doubles in under a year: an IRR this high "
                           "usually reveals a tiny outlay or overstated benefits, not a great project").format(
                irr=a.irr))
        if self.roi > 3.0 and not notes:
            notes.append(_("an ROI of {roi:.0%} is far beyond what CRM business cases report: check the benefit "
                           "assumption").format(roi=self.roi))
        return notes

    @property
    def total(self) -> float:
        """Undiscounted total cost of ownership."""
        return float(self.items["amount"].sum())

    @cached_property
    def _clean(self) -> pd.DataFrame:
        # Validated once: the planner asks a new plan for all of these on every slider move.
        return _nonempty(validate(self.items))

    @cached_property
    def present_value(self) -> float:
        """Total cost discounted to year 0 (end-of-year amounts)."""
        return _total(self._clean, rate=self.rate)

    @cached_property
    def by_year(self) -> pd.DataFrame:
        return _by_year(self._clean)

    @cached_property
    def audit(self) -> pd.DataFrame:
        return _audit(self._clean, self.by_year)

    @cached_property
    def cashflows(self) -> np.ndarray:
        """Net flows at t = 0..N: nothing at t = 0, then each year's benefit minus its cost (end of year)."""
        costs = self.by_year["total"].to_numpy()
        return np.concatenate([[0.0], self.benefits.to_numpy() - costs])

    @cached_property
    def appraisal(self):
        from crmlab import finance

        return finance.appraise(self.rate, self.cashflows)

    @property
    def npv(self) -> float:
        return self.appraisal.npv

    @property
    def roi(self) -> float:
        """(total benefit − TCO) / TCO over the plan's years, undiscounted; NaN when the plan costs nothing."""
        cost = self.total
        return float((self.benefits.sum() - cost) / cost) if cost > 0 else float("nan")

    @property
    def cost_per_user(self) -> float:
        """TCO per named user (read with the chapter's caveat, see :func:`cost_per_user`)."""
        return self.total / self.assumptions["users"]  # users >= 1 is checked by plan_tco

    def _headline(self) -> dict:
        a = self.appraisal
        return {"TCO": self.total, _("present value of TCO"): self.present_value, "NPV": a.npv, "ROI": self.roi,
                "IRR": a.irr, _("payback (years)"): a.payback}

    def to_frame(self) -> pd.DataFrame:
        """Year by year: cost per component, total cost, benefit, net flow and cumulative net flow."""
        frame = self.by_year.rename(columns={"total": "total cost"})
        frame["benefit"] = self.benefits
        frame["net"] = frame["benefit"] - frame["total cost"]
        frame["cumulative net"] = frame["net"].cumsum()
        return frame

    def plot(self, ax=None):
        """Stacked yearly costs by component with the yearly benefit as a line."""
        from crmlab.plots.money import plot_plan

        return plot_plan(self, ax=ax)


def _whole(name: str, value, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, float, np.floating)) \
            or not low <= value <= high or not math.isfinite(value) or float(value) != int(value):
        raise ValueError(_("{name} must be a whole number from {low} to {high}; got {value}").format(
            name=name, low=low, high=high, value=_checks._show(value)))
    return int(value)


#: The assumptions each line of :func:`plan_tco` is computed from (named when a line overflows).
_INPUTS = {
    "CRM named-user licences": "users, licence_price",
    "Third-party licences (database, middleware)": "users, licence_price, third_party_rate",
    "Servers and devices": "users, hardware_per_user",
    "Data lines and telephony": "users, telecom_per_user",
    "System integration and data migration": "users, licence_price, integration_rate",
    "Vendor consulting and initial training": "users, licence_price, vendor_rate",
    "Internal project team": "internal_staff, staff_cost",
    "Software maintenance": "users, licence_price, third_party_rate, maintenance_rate",
    "Upgrades and new functions": "users, licence_price, upgrade_rate",
    "Refresher training": "users, licence_price, training_rate",
    "Internal support team": "internal_staff, staff_cost",
    "Hardware refresh": "users, hardware_per_user, refresh_rate",
}


def plan_tco(users=800, licence_price=6_000.0, maintenance_rate=0.18, internal_staff=6, years=5,
             discount_rate=0.08, annual_benefit=8_000_000.0, *, staff_cost=135_000.0, third_party_rate=0.14,
             hardware_per_user=1_900.0, telecom_per_user=180.0, integration_rate=0.5, vendor_rate=0.28,
             training_rate=0.02, upgrade_rate=0.10, refresh_rate=0.30, contingency=0.12,
             benefit_start=2) -> TCOPlan:
    """Build a TCO plan with all eight components from a few assumptions, and value it.

    The plan follows the chapter's structure: year 1 is the initial purchase and
    implementation, years 2..N are ongoing support. Line items (component, rule):

    * licenses — users × licence price, plus third-party licences (database,
      middleware) at ``third_party_rate`` of that, in year 1;
    * maintenance — ``maintenance_rate`` × all licences, every year from year 2 (keep_running);
    * hardware — ``hardware_per_user`` × users in year 1, and a refresh of
      ``refresh_rate`` of it every third year (years 4, 7, 10);
    * telecom — ``telecom_per_user`` × users, every year;
    * external_services — integration and data migration at ``integration_rate`` ×
      CRM licences in year 1; upgrades and new functions at ``upgrade_rate`` ×
      CRM licences a year from year 2 (advantage);
    * vendor_services — consulting and training at ``vendor_rate`` × CRM licences in
      year 1; refresher training at ``training_rate`` a year after (training is not a
      one-off, the chapter says);
    * internal_staff — ``internal_staff`` people at ``staff_cost`` a year each (their
      full loaded cost), every year: the project team becomes the support team;
    * other — a contingency reserve in year 1 sized to be ``contingency`` of the total.

    Benefits of ``annual_benefit`` a year accrue from year ``benefit_start``. Costs
    and benefits fall at the end of each year, so the project's cash flows are
    0 at t = 0 and benefit − cost at t = 1..N.

    Parameters
    ----------
    users : int
        Named users, 1 to 1,000,000.
    licence_price : float
        Licence price per user (>= 0).
    maintenance_rate : float
        Yearly maintenance as a share of the licence price (decimal, 0..1).
    internal_staff : float
        Internal people (full-time equivalents) on the CRM system, >= 0.
    years : int
        Planning horizon, 2 to 15 years (the chapter's rules assume 5).
    discount_rate : float
        Cost of capital for the NPV (decimal, > -1).
    annual_benefit : float
        Yearly benefit once the system runs (>= 0).

    Returns
    -------
    TCOPlan
        ``items`` (long line items with item, component, year, phase, purpose,
        amount), ``benefits`` by year, ``audit``, ``cashflows``, ``npv``, ``roi``,
        ``appraisal`` and ``plot()``.

    Examples
    --------
    >>> plan = plan_tco()
    >>> round(plan.total / 1e6, 3), round(plan.npv / 1e6, 3), round(plan.roi, 4)
    (25.234, 2.858, 0.2681)
    >>> plan_tco(users=10, annual_benefit=30_000_000, years=10).warnings[0]
    'the benefits are 28 times the TCO: check that the benefit fits a project of 10 users'
    >>> plan_tco(users=0)
    Traceback (most recent call last):
    ...
    ValueError: users must be a whole number from 1 to 1000000; got 0
    """
    n_users = _whole("users", users, 1, 1_000_000)
    horizon = _whole("years", years, 2, 15)
    start = _whole("benefit_start", benefit_start, 1, horizon)
    price = _checks.number("licence_price", licence_price, low=0)
    maintenance = _checks.share("maintenance_rate", maintenance_rate)
    staff = _checks.number("internal_staff", internal_staff, low=0)
    rate = _checks.rate("discount_rate", discount_rate)
    benefit = _checks.number("annual_benefit", annual_benefit, low=0)
    reserve = _checks.number("contingency", contingency, low=0, high=1, high_open=True)
    shares = {k: _checks.number(k, v, low=0) for k, v in (
        ("staff_cost", staff_cost), ("third_party_rate", third_party_rate), ("hardware_per_user", hardware_per_user),
        ("telecom_per_user", telecom_per_user), ("integration_rate", integration_rate), ("vendor_rate", vendor_rate),
        ("training_rate", training_rate), ("upgrade_rate", upgrade_rate), ("refresh_rate", refresh_rate))}

    crm_licences = n_users * price
    all_licences = crm_licences * (1 + shares["third_party_rate"])
    hardware = n_users * shares["hardware_per_user"]
    telecom = n_users * shares["telecom_per_user"]
    people = staff * shares["staff_cost"]
    rows = [
        ("CRM named-user licences", "licenses", 1, "initial", "implementation", crm_licences),
        ("Third-party licences (database, middleware)", "licenses", 1, "initial", "implementation",
         crm_licences * shares["third_party_rate"]),
        ("Servers and devices", "hardware", 1, "initial", "implementation", hardware),
        ("Data lines and telephony", "telecom", 1, "initial", "implementation", telecom),
        ("System integration and data migration", "external_services", 1, "initial", "implementation",
         crm_licences * shares["integration_rate"]),
        ("Vendor consulting and initial training", "vendor_services", 1, "initial", "implementation",
         crm_licences * shares["vendor_rate"]),
        ("Internal project team", "internal_staff", 1, "initial", "implementation", people),
    ]
    for year in range(2, horizon + 1):
        rows += [
            ("Software maintenance", "maintenance", year, "ongoing", "keep_running", all_licences * maintenance),
            ("Data lines and telephony", "telecom", year, "ongoing", "operations", telecom),
            ("Upgrades and new functions", "external_services", year, "ongoing", "advantage",
             crm_licences * shares["upgrade_rate"]),
            ("Refresher training", "vendor_services", year, "ongoing", "operations",
             crm_licences * shares["training_rate"]),
            ("Internal support team", "internal_staff", year, "ongoing", "operations", people),
        ]
        if year % 3 == 1:
            rows.append(("Hardware refresh", "hardware", year, "ongoing", "operations",
                         hardware * shares["refresh_rate"]))
    items = pd.DataFrame(rows, columns=["item", "component", "year", "phase", "purpose", "amount"])
    overflow = ~np.isfinite(items["amount"].to_numpy(dtype=float))
    if overflow.any():  # name the assumptions behind the line, not items.amount, which the user never typed
        item = items["item"].to_numpy()[overflow][0]
        raise ValueError(_("the plan's line {item!r} is not a finite number: {inputs} are too large to "
                           "compute with; use smaller units (thousands, millions)").format(item=item,
                                                                                           inputs=_INPUTS[item]))
    items = items[items["amount"] > 0]
    items = with_contingency(items, share=reserve) if reserve > 0 else items.reset_index(drop=True)
    benefits = pd.Series([benefit if y >= start else 0.0 for y in range(1, horizon + 1)],
                         index=pd.RangeIndex(1, horizon + 1, name="year"), name="benefit", dtype=float)
    assumptions = {"users": n_users, "licence_price": price, "maintenance_rate": maintenance,
                   "internal_staff": staff, "years": horizon, "discount_rate": rate, "annual_benefit": benefit,
                   "contingency": reserve, "benefit_start": start, **shares}
    return TCOPlan(assumptions, items, benefits, rate)
