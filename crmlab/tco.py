"""Total cost of ownership (TCO, 总拥有成本) of a CRM system: line items, totals, the chapter's audit, risk.

Line items are a long DataFrame with columns ``component`` (one of
:data:`COMPONENTS`), ``year`` (1..N) and ``amount`` (>= 0); extra columns such as
``item``, ``phase`` ("initial"/"ongoing") and ``purpose`` are kept and used by
:func:`audit` when present (the ``crm_costs`` dataset has them all).

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

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from crmlab import _checks
from crmlab._results import ResultMixin

__all__ = ["COMPONENTS", "RULES", "validate", "total", "by_year", "by_component", "audit", "simulate",
           "Simulation", "with_contingency", "cost_per_user", "read_items", "write_items"]

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
    out = items.copy()
    unknown = sorted(set(out["component"].astype(str)) - set(COMPONENTS))
    if unknown:
        raise ValueError(f"items.component has unknown component(s) {unknown}; valid components: "
                         f"{', '.join(COMPONENTS)}")
    year = pd.to_numeric(out["year"], errors="coerce")
    bad = ~(year.notna() & (year % 1 == 0) & (year >= 1) & (year <= max_year))
    if bad.any():
        row = out.index[bad.to_numpy()][0]
        raise ValueError(f"items.year must be whole numbers from 1 to {max_year}; got {out.loc[row, 'year']} in row {row}")
    amount = pd.to_numeric(out["amount"], errors="coerce")
    bad = ~(amount.notna() & np.isfinite(amount) & (amount >= 0))
    if bad.any():
        row = out.index[bad.to_numpy()][0]
        raise ValueError(f"items.amount must be finite numbers >= 0 (costs are positive); got "
                         f"{out.loc[row, 'amount']!r} in row {row}")
    out["component"] = out["component"].astype(str)
    out["year"] = year.astype("int64")
    out["amount"] = amount.astype("float64")
    return out


def total(items, rate=None) -> float:
    """Total cost; with ``rate``, discounted to year 0 with end-of-year amounts (÷ (1 + rate)^year).

    >>> total(pd.DataFrame({"component": ["other"] * 2, "year": [1, 2], "amount": [110.0, 121.0]}), rate=0.1)
    200.0
    """
    clean = validate(items)
    if rate is None:
        return float(clean["amount"].sum())
    r = _checks.rate("rate", rate)
    return float((clean["amount"] / (1 + r) ** clean["year"]).sum())


def by_year(items) -> pd.DataFrame:
    """Year × component table of costs (every component and every year from 1, zeros filled), with a total column."""
    clean = validate(items)
    table = clean.pivot_table(index="year", columns="component", values="amount", aggfunc="sum", fill_value=0.0)
    table = table.reindex(index=range(1, int(clean["year"].max()) + 1), columns=list(COMPONENTS), fill_value=0.0)
    table.columns.name = "component"
    table["total"] = table.sum(axis=1)
    return table


def by_component(items) -> pd.Series:
    """Total per component in the chapter's order, with its share of the TCO."""
    clean = validate(items)
    sums = clean.groupby("component")["amount"].sum().reindex(list(COMPONENTS), fill_value=0.0)
    return sums.rename("amount")


def _share(part: float, whole: float) -> float:
    return part / whole if whole else float("nan")


def audit(items) -> pd.DataFrame:
    """Check a plan against every rule of thumb in the chapter; one row per rule.

    * maintenance per year is 15–25 % of the licence price (the value is the
      average over years with maintenance of maintenance ÷ licences bought before that year);
    * 10–15 % of the total cost is set aside as contingency (items whose ``purpose`` is
      "contingency", or whose ``item`` mentions contingency);
    * initial purchase is 55–65 % and ongoing support 35–45 % of a 5-year TCO (``phase``
      column, or year 1 = initial when it is missing);
    * from year 3 on, 15–20 % of each year's project cost keeps the system running (bug
      fixes, point releases: ``purpose`` "keep_running") and 25–40 % buys competitive
      advantage (upgrades, new functions: ``purpose`` "advantage"). The value is the
      average share over those years and ``ok`` requires every year to be in range
      (the note lists each year). Without a ``purpose`` column these two rules are
      reported as not assessed (``ok`` is NA).
    """
    clean = validate(items)
    grand = clean["amount"].sum()
    rows = []

    def add(rule, value, note=""):
        low, high = RULES[rule]
        ok = pd.NA if value is None or np.isnan(value) else bool(low - 1e-12 <= value <= high + 1e-12)
        rows.append({"rule": rule, "value": value, "expected": f"{low:.0%}–{high:.0%}", "ok": ok, "note": note})

    years = by_year(clean)
    licences_before = years["licenses"].cumsum().shift(1, fill_value=0.0)
    paid = years["maintenance"] > 0
    ratios = years.loc[paid, "maintenance"] / licences_before[paid].replace(0, np.nan)
    add("maintenance per year / licence price", float(ratios.mean()) if paid.any() else float("nan"),
        f"years {', '.join(map(str, ratios.index))}" if paid.any() else "no maintenance in the plan")

    if "purpose" in clean:
        reserve = clean["purpose"].astype(str).eq("contingency")
    elif "item" in clean:
        reserve = clean["item"].astype(str).str.contains("contingen", case=False)
    else:
        reserve = pd.Series(False, index=clean.index)
    add("contingency / total TCO", _share(clean.loc[reserve, "amount"].sum(), grand))

    initial = clean["phase"].astype(str).eq("initial") if "phase" in clean else clean["year"].eq(1)
    initial_cost = clean.loc[initial, "amount"].sum()
    add("initial purchase / 5-year TCO", _share(initial_cost, grand))
    add("ongoing support / 5-year TCO", _share(grand - initial_cost, grand))

    for rule, purpose in (("keep running per year from year 3 / year's cost", "keep_running"),
                          ("competitive advantage per year from year 3 / year's cost", "advantage")):
        later = clean[clean["year"] >= 3]
        if "purpose" not in clean or later.empty:
            add(rule, float("nan"), "not assessed: needs a purpose column and years from 3 on")
            continue
        spend = later[later["purpose"].astype(str).eq(purpose)].groupby("year")["amount"].sum()
        yearly = years.loc[3:, "total"]
        shares = spend.reindex(yearly.index, fill_value=0.0) / yearly
        low, high = RULES[rule]
        note = ", ".join(f"y{y} {v:.1%}" for y, v in shares.items())
        add(rule, float(shares.mean()), note)
        if not shares.between(low - 1e-12, high + 1e-12).all():
            rows[-1]["ok"] = False
    return pd.DataFrame(rows).set_index("rule")


@dataclass(frozen=True)
class Simulation(ResultMixin):
    """Monte Carlo of total cost overruns: planned total and the simulated totals' percentiles."""

    planned: float
    totals: np.ndarray
    seed: int

    _title = "TCO Monte Carlo"

    def percentile(self, q: float) -> float:
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

    def _headline(self) -> dict:
        return {"scenarios": int(self.totals.size), "planned": self.planned}

    def to_frame(self) -> pd.DataFrame:
        rows = [("planned", self.planned)] + [(f"P{q}", self.percentile(q)) for q in (50, 80, 95)]
        frame = pd.DataFrame(rows, columns=["budget", "total"]).set_index("budget")
        frame["overrun"] = frame["total"] / self.planned - 1
        return frame

    def __repr__(self) -> str:
        return f"Simulation(scenarios={self.totals.size}, planned={self.planned:,.0f}, P80={self.p80:,.0f})"


def simulate(items, n: int = 10_000, seed: int = 0, low: float = 0.0, mode: float = 0.5,
             high: float = 0.8) -> Simulation:
    """Simulate cost overruns line by line: each (scenario, year, component) cost grows by a PERT draw.

    The default PERT(min 0, mode 0.5, max 0.8) follows the chapter: plans made
    without a full TCO model run 35–65 % over (up to 80 %). Each of ``n``
    scenarios draws one overrun per year and component, so components and years
    partly offset each other.

    >>> from crmlab import datasets
    >>> sim = simulate(datasets.load("crm_costs"), n=2000, seed=1)
    >>> 1.3 < sim.p50 / sim.planned < 1.6
    True
    """
    table = by_year(items).drop(columns="total")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a whole number of scenarios >= 1; got {n!r}")
    lo, mo, hi = (_checks.number(k, v, low=-1, low_open=True) for k, v in (("low", low), ("mode", mode), ("high", high)))
    if not lo <= mo <= hi or lo == hi:
        raise ValueError(f"low <= mode <= high must hold with low < high; got low={lo}, mode={mo}, high={hi}")
    rng = np.random.default_rng(seed)
    # PERT as a scaled beta distribution.
    alpha = 1 + 4 * (mo - lo) / (hi - lo)
    beta = 1 + 4 * (hi - mo) / (hi - lo)
    base = table.to_numpy()
    overrun = lo + (hi - lo) * rng.beta(alpha, beta, size=(int(n), *base.shape))
    totals = (base * (1 + overrun)).sum(axis=(1, 2))
    return Simulation(float(base.sum()), totals, int(seed))


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
    return pd.concat([clean, pd.DataFrame([line])], ignore_index=True).astype({"year": "int64", "amount": "float64"})


def cost_per_user(items, users, rate=None) -> float:
    """Total (or discounted) cost divided by the number of users.

    Use it with care, as the chapter warns: cost per user is not a basis for
    choosing a system on its own, because firms differ in strategy, customers
    and ways of doing business, and a cheap system that is not used costs most.
    """
    u = _checks.number("users", users, low=0, low_open=True)
    return total(items, rate=rate) / u


def read_items(path) -> pd.DataFrame:
    """Read line items from a CSV or an Excel workbook (sheet "line_items", or the first sheet)."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl")
        frame = sheets.get("line_items", next(iter(sheets.values())))
    elif path.suffix.lower() == ".csv":
        frame = pd.read_csv(path)
    else:
        raise ValueError(f"path must end in .csv or .xlsx; got {path.name!r}")
    return validate(frame)


def write_items(items, path) -> Path:
    """Write line items to CSV or to an Excel workbook (sheet "line_items" plus a "by_year" summary)."""
    path = Path(path)
    clean = validate(items)
    if path.suffix.lower() == ".xlsx":
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            clean.to_excel(writer, sheet_name="line_items", index=False)
            by_year(clean).to_excel(writer, sheet_name="by_year")
    elif path.suffix.lower() == ".csv":
        clean.to_csv(path, index=False, lineterminator="\n")
    else:
        raise ValueError(f"path must end in .csv or .xlsx; got {path.name!r}")
    return path
