"""The money side of CRM: discounting, project returns, the cost of capital and economic value added.

Conventions (as in numpy-financial): rates are decimals per period, a
cash-flow list starts at t = 0 (today, undiscounted), outflows are negative.

Examples
--------
>>> from crmlab import finance
>>> flows = [-1000, 300, 400, 500]
>>> round(finance.npv(0.10, flows), 4)
-21.0368
>>> round(finance.irr(flows), 4)
0.0889
>>> finance.payback(flows)
2.6
>>> round(finance.eva(nopat=120.0, wacc=0.09, invested_capital=1000.0), 4)
30.0
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crmlab import _checks
from crmlab._results import ResultMixin

__all__ = [
    "npv", "irr", "irrs", "payback", "discounted_payback", "roi",
    "capm", "wacc", "eva", "mva",
    "capitalise", "CapitalisedExpense", "lease_to_debt", "eva_statement", "EVAStatement",
    "tornado", "TornadoResult",
]


def _flows(cashflows, name: str = "cashflows") -> np.ndarray:
    return _checks.vector(name, cashflows, min_len=1)


def _discount_factors(rate: float, n: int) -> np.ndarray:
    return (1.0 + rate) ** -np.arange(n, dtype=float)


def npv(rate, cashflows) -> float:
    """Net present value of ``cashflows`` (flow 0 at t = 0) at ``rate`` per period.

    Same convention as ``numpy_financial.npv``: the first flow is not discounted.

    Parameters
    ----------
    rate : float
        Discount rate per period as a decimal; must be > -1.
    cashflows : sequence of float
        Flows at t = 0, 1, 2, ...

    Examples
    --------
    >>> round(npv(0.08, [-1_000_000, 300_000, 400_000, 500_000]), 2)
    17629.43
    >>> npv(-1, [1, 2])
    Traceback (most recent call last):
    ...
    ValueError: rate must be a number > -1; got -1
    """
    r = _checks.rate("rate", rate)
    flows = _flows(cashflows)
    return float(np.dot(flows, _discount_factors(r, flows.size)))


def irrs(cashflows) -> list[float]:
    """Every internal rate of return of ``cashflows`` (rates > -1 at which NPV = 0), sorted.

    A series whose sign changes more than once can have several IRRs (or none);
    Descartes' rule of signs bounds their number by the number of sign changes.

    >>> [round(r, 4) for r in irrs([-100, 230, -132])]
    [0.1, 0.2]
    """
    flows = _flows(cashflows)
    if flows.size < 2:
        return []
    # NPV is a polynomial in x = 1/(1+r); its positive real roots give the IRRs.
    roots = np.roots(flows[::-1])
    scale = max(1.0, float(np.abs(roots).max())) if roots.size else 1.0
    real = roots[(np.abs(roots.imag) <= 1e-9 * scale) & (roots.real > 0)].real
    rates = sorted({round(float(1.0 / x - 1.0), 12) for x in real})
    return [_polish(flows, r) for r in rates]


def _polish(flows: np.ndarray, r: float) -> float:
    """A few Newton steps on NPV(r) sharpen a root found through the polynomial's eigenvalues."""
    t = np.arange(flows.size, dtype=float)
    for _ in range(20):
        disc = (1.0 + r) ** -t
        f = float(np.dot(flows, disc))
        df = float(np.dot(-t * flows, disc / (1.0 + r)))
        if df == 0 or not math.isfinite(f / df):
            break
        step = f / df
        r_new = r - step
        if r_new <= -1:
            break
        r = r_new
        if abs(step) < 1e-15 * max(1.0, abs(r)):
            break
    return float(r)


def irr(cashflows) -> float:
    """Internal rate of return: the rate at which the NPV of ``cashflows`` is zero.

    When the series has several IRRs, the one closest to zero is returned (as
    numpy-financial does); :func:`irrs` lists them all.

    Raises
    ------
    ValueError
        If the flows never change sign (no rate can make NPV zero) or no real IRR exists.

    Examples
    --------
    >>> round(irr([-100, 39, 59, 55, 20]), 4)
    0.2809
    >>> irr([100, 50])
    Traceback (most recent call last):
    ...
    ValueError: cashflows must change sign at least once (an outflow and an inflow) to have an IRR; got [100.0, 50.0]
    """
    flows = _flows(cashflows)
    nonzero = flows[flows != 0]
    if nonzero.size < 2 or np.all(nonzero > 0) or np.all(nonzero < 0):
        raise ValueError("cashflows must change sign at least once (an outflow and an inflow) to have an IRR; "
                         f"got {flows.tolist()}")
    found = irrs(flows)
    if not found:
        raise ValueError(f"cashflows {flows.tolist()} have no real internal rate of return")
    return min(found, key=abs)


def _payback(flows: np.ndarray) -> float:
    cumulative = np.cumsum(flows)
    if cumulative[0] >= 0:
        return 0.0
    recovered = np.flatnonzero(cumulative >= 0)
    if recovered.size == 0:
        return math.inf
    t = int(recovered[0])
    # Within year t the flow is assumed to arrive evenly, so interpolate linearly.
    return float((t - 1) + (-cumulative[t - 1]) / flows[t])


def payback(cashflows) -> float:
    """Years until the cumulative cash flow first turns non-negative, interpolated within the year.

    Returns ``0.0`` when flow 0 is already non-negative and ``math.inf`` when
    the investment is never repaid.

    Examples
    --------
    >>> payback([-1000, 300, 400, 500])
    2.6
    >>> payback([-1000, 100, 100])
    inf
    """
    return _payback(_flows(cashflows))


def discounted_payback(rate, cashflows) -> float:
    """Payback period of the flows discounted at ``rate`` (interpolated; ``math.inf`` if never repaid).

    >>> round(discounted_payback(0.10, [-1000, 300, 400, 500]), 4)
    inf
    >>> round(discounted_payback(0.10, [-1000, 500, 500, 500]), 4)
    2.352
    """
    r = _checks.rate("rate", rate)
    flows = _flows(cashflows)
    return _payback(flows * _discount_factors(r, flows.size))


def roi(gain, cost) -> float:
    """Return on investment, ``(gain − cost) / cost``, as a decimal.

    >>> roi(gain=1_300_000, cost=1_000_000)
    0.3
    """
    g = _checks.number("gain", gain)
    c = _checks.number("cost", cost, low=0, low_open=True)
    return (g - c) / c


def capm(risk_free, beta, market_return) -> float:
    """Cost of equity by the capital asset pricing model: ``rf + β (rm − rf)``.

    >>> round(capm(risk_free=0.03, beta=1.2, market_return=0.08), 4)
    0.09
    """
    rf = _checks.rate("risk_free", risk_free)
    b = _checks.number("beta", beta)
    rm = _checks.rate("market_return", market_return)
    return rf + b * (rm - rf)


def wacc(equity, debt, cost_of_equity, cost_of_debt, tax_rate) -> float:
    """Weighted average cost of capital: ``E/V·re + D/V·rd·(1 − t)``, with V = E + D.

    Use market values of equity and debt where you have them.

    >>> round(wacc(equity=600, debt=400, cost_of_equity=0.12, cost_of_debt=0.06, tax_rate=0.25), 4)
    0.09
    """
    e = _checks.number("equity", equity, low=0)
    d = _checks.number("debt", debt, low=0)
    if e + d == 0:
        raise ValueError("equity + debt must be positive; got 0")
    re = _checks.rate("cost_of_equity", cost_of_equity)
    rd = _checks.rate("cost_of_debt", cost_of_debt)
    t = _checks.number("tax_rate", tax_rate, low=0, high=1, high_open=True)
    return (e * re + d * rd * (1 - t)) / (e + d)


def eva(nopat, wacc, invested_capital) -> float:
    """Economic value added: ``NOPAT − WACC × invested capital``.

    >>> eva(nopat=150.0, wacc=0.10, invested_capital=1200.0)
    30.0
    """
    n = _checks.number("nopat", nopat)
    w = _checks.rate("wacc", wacc)
    k = _checks.number("invested_capital", invested_capital, low=0)
    return n - w * k


def mva(evas, wacc, terminal_growth=None) -> float:
    """Market value added as the present value of future EVAs, the first at t = 1.

    With ``terminal_growth`` g, the last EVA also continues for ever growing at
    g (a Gordon perpetuity, needs g < wacc).

    >>> round(mva([30, 30, 30], 0.10), 4)
    74.6056
    >>> round(mva([30], 0.10, terminal_growth=0.0), 4)
    300.0
    """
    w = _checks.rate("wacc", wacc)
    values = _checks.vector("evas", evas)
    factors = (1.0 + w) ** -np.arange(1, values.size + 1, dtype=float)
    total = float(np.dot(values, factors))
    if terminal_growth is not None:
        g = _checks.rate("terminal_growth", terminal_growth)
        if g >= w:
            raise ValueError(f"terminal_growth must be below wacc ({w}); got {g}")
        total += float(values[-1] * (1 + g) / (w - g) * factors[-1])
    return total


# --------------------------------------------------------------------------- EVA adjustments


@dataclass(frozen=True)
class CapitalisedExpense(ResultMixin):
    """An expense (R&D, brand marketing) treated as an investment and amortised straight-line."""

    expenses: tuple[float, ...]
    life: int
    asset: float
    amortisation: float
    expense: float

    _title = "Capitalised expense"

    @property
    def nopat_adjustment(self) -> float:
        """Add to operating profit: this year's expense is added back, its amortisation charged."""
        return self.expense - self.amortisation

    def _headline(self) -> dict:
        return {"asset": self.asset, "amortisation": self.amortisation, "profit adjustment": self.nopat_adjustment}

    def to_frame(self) -> pd.DataFrame:
        n = len(self.expenses)
        ages = np.arange(n - 1, -1, -1)
        remaining = np.clip(1 - ages / self.life, 0, None)
        return pd.DataFrame({"years ago": ages, "expense": self.expenses, "unamortised share": remaining,
                             "still on the balance sheet": np.asarray(self.expenses) * remaining})


def capitalise(expenses, life: int) -> CapitalisedExpense:
    """Capitalise a history of expenses (oldest first, the current year last) amortised over ``life`` years.

    The unamortised part of past and current spending becomes an asset added to
    invested capital; this year's amortisation replaces this year's expense in
    NOPAT. Amortisation of a year's spending starts the following year (the
    convention of Damodaran's *Investment Valuation*, ch. 9).

    Examples
    --------
    >>> c = capitalise([100, 100, 100, 100], life=3)
    >>> round(c.asset, 4), round(c.amortisation, 4), round(c.nopat_adjustment, 4)
    (200.0, 100.0, 0.0)
    >>> capitalise([100], life=0)
    Traceback (most recent call last):
    ...
    ValueError: life must be a whole number of years >= 1; got 0
    """
    values = _checks.vector("expenses", expenses, nonnegative=True)
    if isinstance(life, bool) or not isinstance(life, (int, np.integer)) or life < 1:
        raise ValueError(f"life must be a whole number of years >= 1; got {life!r}")
    n = values.size
    ages = np.arange(n - 1, -1, -1)  # the current year's expense has age 0
    asset = float(np.dot(values, np.clip(1 - ages / life, 0, None)))
    amortisation = float(values[(ages >= 1) & (ages <= life)].sum() / life)
    return CapitalisedExpense(tuple(values.tolist()), int(life), asset, amortisation, float(values[-1]))


def lease_to_debt(lease_payment, cost_of_debt, years: int) -> float:
    """Present value of ``years`` future operating-lease payments, to be treated as debt.

    >>> round(lease_to_debt(100, 0.05, 5), 4)
    432.9477
    """
    p = _checks.number("lease_payment", lease_payment, low=0)
    r = _checks.rate("cost_of_debt", cost_of_debt)
    if isinstance(years, bool) or not isinstance(years, (int, np.integer)) or years < 1:
        raise ValueError(f"years must be a whole number >= 1; got {years!r}")
    return float(p * np.sum((1 + r) ** -np.arange(1, years + 1, dtype=float)))


@dataclass(frozen=True)
class EVAStatement(ResultMixin):
    """EVA from operating profit with the accounting adjustments shown as explicit lines."""

    ebit: float
    tax_rate: float
    invested_capital: float
    wacc: float
    profit_adjustments: Mapping[str, float] = field(default_factory=dict)
    capital_adjustments: Mapping[str, float] = field(default_factory=dict)

    _title = "Economic value added"

    @property
    def nopat(self) -> float:
        """Net operating profit after tax, including the adjustments (taxed at the same rate)."""
        return (self.ebit + sum(self.profit_adjustments.values())) * (1 - self.tax_rate)

    @property
    def capital(self) -> float:
        """Invested capital plus the capitalised items."""
        return self.invested_capital + sum(self.capital_adjustments.values())

    @property
    def capital_charge(self) -> float:
        return self.wacc * self.capital

    @property
    def eva(self) -> float:
        return self.nopat - self.capital_charge

    @property
    def return_on_capital(self) -> float:
        return self.nopat / self.capital if self.capital else math.nan

    def _headline(self) -> dict:
        return {"NOPAT": self.nopat, "capital": self.capital, "WACC": self.wacc, "EVA": self.eva,
                "return on capital": self.return_on_capital}

    def to_frame(self) -> pd.DataFrame:
        rows = [("operating profit (EBIT)", self.ebit)]
        rows += [(f"+ {k}", v) for k, v in self.profit_adjustments.items()]
        rows += [("− tax", -(self.ebit + sum(self.profit_adjustments.values())) * self.tax_rate),
                 ("= NOPAT", self.nopat),
                 ("invested capital", self.invested_capital)]
        rows += [(f"+ {k}", v) for k, v in self.capital_adjustments.items()]
        rows += [("= capital", self.capital), ("− capital charge (WACC × capital)", -self.capital_charge),
                 ("= EVA", self.eva)]
        return pd.DataFrame(rows, columns=["line", "amount"]).set_index("line")

    def plot(self, ax=None):
        """Waterfall from NOPAT through the capital charge to EVA."""
        from crmlab.plots.money import plot_eva

        return plot_eva(self, ax=ax)


def eva_statement(ebit, tax_rate, invested_capital, wacc, profit_adjustments=None,
                  capital_adjustments=None) -> EVAStatement:
    """Build an EVA statement from EBIT, with optional named adjustments.

    Parameters
    ----------
    ebit : float
        Operating profit before interest and tax.
    tax_rate : float
        Tax rate applied to operating profit (decimal, 0 <= t < 1).
    invested_capital : float
        Debt plus equity (book values), >= 0.
    wacc : float
        Weighted average cost of capital (decimal).
    profit_adjustments, capital_adjustments : dict, optional
        Named amounts added to operating profit (before tax) and to capital, e.g.
        ``{"R&D capitalised": c.nopat_adjustment}`` and ``{"R&D asset": c.asset}``
        from :func:`capitalise`, or ``{"lease debt": lease_to_debt(...)}``.

    Examples
    --------
    >>> s = eva_statement(ebit=200, tax_rate=0.25, invested_capital=1000, wacc=0.10)
    >>> round(s.nopat, 4), round(s.eva, 4)
    (150.0, 50.0)
    """
    def _named(name, mapping):
        if mapping is None:
            return {}
        if not isinstance(mapping, Mapping):
            raise TypeError(f"{name} must be a dict of name -> amount; got {type(mapping).__name__}")
        return {str(k): _checks.number(f"{name}[{k!r}]", v) for k, v in mapping.items()}

    return EVAStatement(
        ebit=_checks.number("ebit", ebit),
        tax_rate=_checks.number("tax_rate", tax_rate, low=0, high=1, high_open=True),
        invested_capital=_checks.number("invested_capital", invested_capital, low=0),
        wacc=_checks.rate("wacc", wacc),
        profit_adjustments=_named("profit_adjustments", profit_adjustments),
        capital_adjustments=_named("capital_adjustments", capital_adjustments),
    )


# --------------------------------------------------------------------------- sensitivity


@dataclass(frozen=True)
class TornadoResult(ResultMixin):
    """One-at-a-time sensitivity of an output to each input, widest swing first."""

    base: float
    table: pd.DataFrame
    output: str = "output"

    _title = "Sensitivity (tornado)"

    def _headline(self) -> dict:
        return {f"base {self.output}": self.base}

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def plot(self, ax=None):
        from crmlab.plots.money import plot_tornado

        return plot_tornado(self, ax=ax)


def tornado(model: Callable[..., float], base: Mapping[str, float], ranges: Mapping[str, tuple],
            output: str = "NPV") -> TornadoResult:
    """Swing each input between its low and high value, others at base, and record ``model``'s output.

    Parameters
    ----------
    model : callable
        ``model(**inputs) -> float``, e.g. a function computing a project's NPV.
    base : dict
        Base value of every input ``model`` takes.
    ranges : dict
        ``name -> (low, high)`` for the inputs to test (a subset of ``base``).
    output : str
        Name of the output, for labels.

    Examples
    --------
    >>> def project_npv(benefit, cost, rate):
    ...     return npv(rate, [-cost] + [benefit] * 5)
    >>> t = tornado(project_npv, {"benefit": 300, "cost": 1000, "rate": 0.1},
    ...             {"benefit": (240, 360), "rate": (0.08, 0.12), "cost": (900, 1100)})
    >>> t.to_frame().index.tolist()
    ['benefit', 'cost', 'rate']
    """
    if not callable(model):
        raise TypeError(f"model must be a function of the inputs; got {type(model).__name__}")
    if not isinstance(base, Mapping) or not isinstance(ranges, Mapping) or not ranges:
        raise TypeError("base and ranges must be dicts, and ranges must name at least one input")
    unknown = [k for k in ranges if k not in base]
    if unknown:
        raise ValueError(f"ranges names inputs {unknown} that are not in base; base has {list(base)}")
    base_value = float(model(**base))
    rows = []
    for name, bounds in ranges.items():
        if not isinstance(bounds, (tuple, list)) or len(bounds) != 2:
            raise ValueError(f"ranges[{name!r}] must be a (low, high) pair; got {bounds!r}")
        low, high = (_checks.number(f"ranges[{name!r}]", b) for b in bounds)
        out_low = float(model(**{**base, name: low}))
        out_high = float(model(**{**base, name: high}))
        rows.append({"input": name, "low input": low, "high input": high, f"{output} at low": out_low,
                     f"{output} at high": out_high, "swing": abs(out_high - out_low)})
    table = pd.DataFrame(rows).set_index("input").sort_values("swing", ascending=False, kind="stable")
    return TornadoResult(base_value, table, output)
