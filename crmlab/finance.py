"""The money side of CRM: discounting, project returns, the cost of capital and economic value added.

* project appraisal: :func:`npv`, :func:`irr` (and every root with :func:`irrs`),
  :func:`payback`, :func:`discounted_payback`, :func:`roi`, all at once with
  :func:`appraise`, and :func:`npv_profile`;
* cost of capital: :func:`capm`, :func:`wacc`;
* economic value added: :func:`eva`, :func:`mva`, line by line with
  :func:`eva_statement` and the explicit adjustments :func:`capitalise` and
  :func:`lease_to_debt`, for every firm-year with :func:`eva_frame`, and for one
  investment with :func:`investment_eva`;
* sensitivity: :func:`tornado`.

Conventions (as in numpy-financial): rates are decimals per period, a
cash-flow list starts at t = 0 (today, undiscounted), outflows are negative.
A rate of -100 % or below is an error, never a silent NaN.

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
from crmlab._results import ResultMixin, one_line_repr
from crmlab.i18n import N_
from crmlab.i18n import gettext as _

__all__ = [
    "npv", "irr", "irrs", "payback", "discounted_payback", "roi", "appraise", "Appraisal", "npv_profile",
    "capm", "wacc", "eva", "mva",
    "capitalise", "CapitalisedExpense", "lease_to_debt", "eva_statement", "EVAStatement", "eva_frame",
    "investment_eva", "InvestmentEVA",
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
    with np.errstate(over="ignore", invalid="ignore"):
        value = float(np.dot(flows, _discount_factors(r, flows.size)))
    return _checks.finite_result("npv", value, "rate", "cashflows")


def _irr_candidates(poly: np.ndarray) -> np.ndarray:
    """Positive real roots x = 1/(1 + r) of the NPV polynomial, from companion-matrix eigenvalues.

    The eigenvalues are taken of whichever orientation has the larger leading
    coefficient, the polynomial in x or the one in 1/x = 1 + r: a leading
    coefficient tiny beside the others (a negligible last flow) would otherwise
    swamp the companion matrix and hide the roots that matter.
    """
    flip = abs(poly[0]) < abs(poly[-1])
    roots = np.roots(poly[::-1] if flip else poly)
    if roots.size == 0:
        return roots.real
    scale = max(1.0, float(np.abs(roots).max()))
    # Eigenvalues of a real root can pick up a tiny imaginary part; accept those and let
    # _refine decide whether a real root really lies there.
    near_real = roots[(np.abs(roots.imag) <= 1e-7 * scale) & (roots.real > 0)].real
    return np.unique(1.0 / near_real if flip else near_real)


def _horner(coeffs: list[float], x: float) -> tuple[float, float]:
    """Value and derivative of a polynomial (highest power first) at x.

    Plain Python floats: for the few dozen coefficients of a cash-flow series
    this is several times faster than numpy's per-call overhead.
    """
    value, slope = 0.0, 0.0
    for c in coeffs:
        slope = slope * x + value
        value = value * x + c
    return value, slope


def _refine(coeffs: list[float], x: float) -> float | None:
    """Sharpen a candidate root of the polynomial and confirm it, or return None if no real root is there.

    Newton steps polish the eigenvalue; the root is then confirmed by a bracket
    [x(1 - e), x(1 + e)] over which the polynomial changes sign, solved with
    Brent's method when the bracket is wider than rounding. A root of even
    multiplicity (the NPV touches zero without crossing) is kept when the
    polynomial is zero there to rounding.
    """
    for _ in range(50):
        fx, dfx = _horner(coeffs, x)
        if dfx == 0 or not math.isfinite(fx / dfx):
            break
        step = fx / dfx
        if x - step <= 0:
            break
        x -= step
        if abs(step) <= 1e-15 * x:
            break
    for eps in (1e-13, 1e-11, 1e-9, 1e-7, 1e-5, 1e-3):
        a, b = x * (1 - eps), x * (1 + eps)
        fa, fb = _horner(coeffs, a)[0], _horner(coeffs, b)[0]
        if fa == 0:
            return a
        if fb == 0:
            return b
        if (fa < 0) != (fb < 0):
            if eps <= 1e-13:
                return x
            from scipy import optimize

            return float(optimize.brentq(lambda v: _horner(coeffs, v)[0], a, b, xtol=1e-300, rtol=1e-15))
    size = _horner([abs(c) for c in coeffs], x)[0]
    return x if abs(_horner(coeffs, x)[0]) <= 1e-10 * size else None


#: Where :func:`irrs` scans the NPV for sign changes: x = 1/(1 + r) from 1e-4 to 1000, i.e. rates
#: from 999,900 % down to -99.9 %, on a logarithmic grid.
_SCAN_LOW, _SCAN_HIGH = 1e-4, 1e3
_SCAN_X = np.geomspace(_SCAN_LOW, _SCAN_HIGH, 281)


def _scan_brackets(poly: np.ndarray) -> list[tuple[float, float]]:
    """Intervals of x over which the NPV polynomial changes sign, from a grid scan."""
    with np.errstate(over="ignore", invalid="ignore"):
        values = np.polyval(poly, _SCAN_X)
    finite = np.isfinite(values)
    x, v = _SCAN_X[finite], values[finite]
    change = np.flatnonzero(np.sign(v[:-1]) * np.sign(v[1:]) < 0)
    exact = [(float(z), float(z)) for z in x[v == 0]]  # a grid point that is itself a root
    return [(float(x[i]), float(x[i + 1])) for i in change] + exact


def irrs(cashflows) -> list[float]:
    """Every internal rate of return of ``cashflows`` (rates > -1 at which NPV = 0), sorted.

    A series whose sign changes more than once can have several IRRs (or none);
    Descartes' rule of signs bounds their number by the number of sign changes.
    When a bracketing search can be sure it has them all (one sign change, or as
    many sign changes of the NPV over the rates below as the flows have), each
    root is solved in its bracket and confirmed (:func:`_fast_irrs`). Otherwise
    roots come from two searches whose results are merged: the eigenvalues of
    the NPV polynomial in x = 1/(1 + r) (as numpy-financial), each confirmed by a
    sign-changing bracket, and a scan of the NPV over rates from -99.9 % to
    999,900 % whose sign changes are solved with Brent's method, which catches
    roots the eigenvalues lose to rounding. Rates within 1e-9 of -100 % (from
    negligible late flows) are not reported.

    >>> [round(r, 4) for r in irrs([-100, 230, -132])]
    [0.1, 0.2]
    >>> [round(r, 4) for r in irrs([-252, 1431, -3035, 2850, -1000])]
    [0.25, 0.3333, 0.4286, 0.6667]
    """
    flows = _flows(cashflows)
    return _irrs(flows, flows.tolist())


def _irrs(flows: np.ndarray, values: list[float]) -> list[float]:
    """:func:`irrs` of validated flows (``values`` is ``flows.tolist()``)."""
    changes = _sign_changes(values)
    if changes == 0:  # no positive root: every coefficient has the same sign
        return []
    fast = _fast_irrs(values, changes)
    if fast is not None:
        return fast
    poly = flows[::-1] / np.abs(flows).max()  # highest power of x first: the last flow has the highest power
    # A last flow below 1e-200 of the largest (a subnormal, in effect zero) would overflow the
    # companion matrix; dropping it changes the NPV by less than rounding.
    poly = poly[np.argmax(np.abs(poly) >= 1e-200):]
    coeffs = poly.tolist()
    roots = [x for x in (_refine(coeffs, float(c)) for c in _irr_candidates(poly)) if x is not None]
    for a, b in _scan_brackets(poly):
        if any(a * (1 - 1e-12) <= x <= b * (1 + 1e-12) for x in roots):
            continue
        if a == b:
            roots.append(a)
            continue
        from scipy import optimize

        roots.append(float(optimize.brentq(lambda v: _horner(coeffs, v)[0], a, b, xtol=1e-300, rtol=1e-15)))
    return _rates(roots)


#: x^t at every point of the scan grid, for the series of up to this many flows that :func:`_fast_irrs`
#: scans with one matrix product (at most 1e3^63 = 1e189: no overflow for flows scaled to at most 1).
_FAST_MAX_FLOWS = 64
_SCAN_POWERS = _SCAN_X[:, None] ** np.arange(_FAST_MAX_FLOWS)


def _sign_changes(values: list[float]) -> int:
    """How many times the nonzero values change sign (Descartes' bound on the number of IRRs)."""
    changes, last = 0, 0.0
    for v in values:
        if v != 0:
            if last != 0 and (v > 0) != (last > 0):
                changes += 1
            last = v
    return changes


def _bracketed_root(coeffs: list[float], lo: float, hi: float, x: float, low_sign: bool) -> float | None:
    """The root of the polynomial in [lo, hi] (hi may be infinite), whose sign at lo's side is ``low_sign``.

    Newton steps from x, bisecting (or doubling x, while hi is infinite) whenever a
    step would leave the bracket, which shrinks with every value: the bracket holds
    a single root, so the sign of the polynomial says on which side of it any x
    lies. The root is then confirmed by :func:`_refine`, the same sign-changing
    bracket the eigenvalue path applies to its candidates. None when the search
    fails (no convergence, overflow) or the root is not confirmed.
    """
    bounds = (lo * (1 - 1e-12), hi * (1 + 1e-12))
    for _ in range(200):
        fx, dfx = _horner(coeffs, x)
        if not math.isfinite(fx):
            return None
        if fx == 0:
            return x
        if (fx > 0) == low_sign:
            lo = x
        else:
            hi = x
        step = fx / dfx if dfx != 0 else math.nan
        if abs(step) <= 1e-12 * x:  # converging quadratically: _refine's Newton step finishes it
            break
        nxt = x - step
        if not lo < nxt < hi:  # Newton would leave the bracket (or is undefined): bisect it, or widen it
            nxt = 2.0 * x if hi == math.inf else 0.5 * (lo + hi)
        if not lo < nxt < hi:  # the bracket is as narrow as floating point allows
            break
        x = nxt
    else:
        return None
    root = _refine(coeffs, x)
    return root if root is not None and bounds[0] <= root <= bounds[1] else None


def _fast_irrs(values: list[float], changes: int) -> list[float] | None:
    """Every IRR by a bracketing search that is sure to have found them all, or None to take the general path.

    Descartes' rule of signs: the NPV polynomial in x = 1/(1 + r) has at most
    ``changes`` positive roots, and a number of the same parity.

    * One sign change (a conventional series: outlays, then inflows): exactly one
      root, a simple one, and NPV(x) / x^m (m the power at which the coefficients
      change sign) is monotonic in x, so the sign of the NPV brackets it from
      x = 1 (a rate of 0 %) on.
    * More: the NPV on the scan grid of :func:`irrs` (one matrix product); when
      it changes sign ``changes`` times, each interval holds exactly one simple
      root and there is no other, so solving each interval finds them all.

    Each root is found by :func:`_bracketed_root` and confirmed by a
    sign-changing bracket. Plain Python floats: for the few dozen coefficients
    of a cash-flow series this beats building and solving a companion matrix.
    None when the search cannot be sure (fewer sign changes on the grid than
    Descartes allows: a pair of close roots, an even root or one outside the
    grid; a grid point that is itself a root; a series too long for the table;
    a negligible last flow, which :func:`irrs` drops; a root outside the scanned
    rates): :func:`irrs` then takes the eigenvalue and scan path.
    """
    scale = max(abs(v) for v in values)
    coeffs = [v / scale for v in reversed(values)]  # highest power of x first
    while coeffs[0] == 0:
        coeffs.pop(0)
    if abs(coeffs[0]) < 1e-200:
        return None
    if changes == 1:
        low_sign = next(c for c in reversed(coeffs) if c != 0) > 0  # sign of the NPV as x -> 0+
        root = _bracketed_root(coeffs, 0.0, math.inf, 1.0, low_sign)
        roots = [] if root is None else [root]
    else:
        if len(coeffs) > _FAST_MAX_FLOWS:
            return None
        grid = _SCAN_POWERS[:, :len(coeffs)] @ np.array(coeffs[::-1])
        negative = grid < 0
        change = np.flatnonzero(negative[:-1] != negative[1:]).tolist()
        if len(change) != changes or not grid.all():
            return None
        roots = []
        for i in change:
            lo, hi = float(_SCAN_X[i]), float(_SCAN_X[i + 1])
            g_lo, g_hi = float(grid[i]), float(grid[i + 1])
            start = lo + (hi - lo) * g_lo / (g_lo - g_hi)  # where the chord between the grid points crosses 0
            root = _bracketed_root(coeffs, lo, hi, start if lo < start < hi else 0.5 * (lo + hi), g_lo > 0)
            if root is None:
                return None
            roots.append(root)
    if len(roots) != changes or not all(_SCAN_LOW <= x <= _SCAN_HIGH for x in roots):
        return None  # outside the rates irrs scans (-99.9 % to 999,900 %): irrs decides, as for any series
    return _rates(roots)


def _rates(roots: list[float]) -> list[float]:
    """Rates r = 1/x - 1 of the roots x, sorted, without duplicates (1e-9) or artefacts near -100 %."""
    rates: list[float] = []
    # x above 1e9 means a rate within 1e-9 of -100 %: an artefact of negligible late flows, not a return.
    for r in sorted(1.0 / x - 1.0 for x in roots if x < 1e9):
        if not rates or abs(r - rates[-1]) > 1e-9 * max(1.0, abs(r)):
            rates.append(float(r))
    return rates


def irr(cashflows) -> float:
    """Internal rate of return: the rate at which the NPV of ``cashflows`` is zero.

    The NPV is a polynomial in x = 1/(1 + r), and :func:`irrs` finds its
    positive real roots: for a conventional series (one sign change, so exactly
    one root by Descartes' rule of signs) by Newton steps kept inside a bracket
    that the sign of the NPV narrows; otherwise by a scan of the NPV over the
    rates and, unless that scan finds as many roots as Descartes allows, from
    the eigenvalues of the companion matrix too (as numpy-financial does). Each
    root is confirmed by a bracket over which the NPV changes sign (refined with
    Brent's method where needed), so a returned rate is a genuine root, not an
    artefact of rounding.

    Several IRRs: a series whose sign changes more than once (say an outlay,
    inflows, then a large clean-up cost) can have several IRRs or none. Then
    the one closest to zero is returned, the rule numpy-financial 1.0 uses, and
    :func:`irrs` lists them all; with several IRRs the IRR rule says little, so
    judge such projects by their NPV at the cost of capital.

    Raises
    ------
    ValueError
        If the flows never change sign (no rate can make the NPV zero) or the
        NPV has no real root (the series changes sign but NPV never reaches zero).

    Examples
    --------
    >>> round(irr([-100, 39, 59, 55, 20]), 4)
    0.2809
    >>> round(irr([-1000, 800, 150, 150, 150, 150, -150]), 4)  # IRRs -50 % and 15.24 %
    0.1524
    >>> irr([100, 50])
    Traceback (most recent call last):
    ...
    ValueError: cashflows must change sign at least once (an outflow and an inflow) to have an IRR; got [100.0, 50.0]
    """
    flows = _flows(cashflows)
    values = flows.tolist()
    if _sign_changes(values) == 0:
        raise ValueError(_("cashflows must change sign at least once (an outflow and an inflow) to have an IRR; "
                           "got {values}").format(values=values))
    found = _irrs(flows, values)
    if not found:
        raise ValueError(_("cashflows {flows} have no real internal rate of return: the NPV never "
                           "reaches zero at any rate > -1").format(flows=flows.tolist()))
    return min(found, key=abs)


def _payback(flows: np.ndarray) -> float:
    with np.errstate(over="ignore", invalid="ignore"):
        cumulative = _checks.finite_result("the cumulative cash flow", np.cumsum(flows), "cashflows")
    if cumulative[-1] < 0:
        return math.inf
    negative = np.flatnonzero(cumulative < 0)
    if negative.size == 0:
        return 0.0
    t = int(negative[-1])  # the last time the project is still in the red
    # Within the next period the flow is assumed to arrive evenly, so interpolate linearly.
    return float(t + (-cumulative[t]) / flows[t + 1])


def payback(cashflows) -> float:
    """Years until the cumulative cash flow turns non-negative for good, interpolated within the year.

    Flows arrive evenly within each year, so the fraction of the year is the
    shortfall left at its start divided by the year's flow. "For good" matters
    only for series whose cumulative flow dips below zero again after first
    recovering (a server refresh, a clean-up cost): the payback is then the
    last recovery, since money recovered and lost again has not paid back.
    Returns ``0.0`` when the cumulative flow is never negative and
    ``math.inf`` when the investment is never repaid.

    Examples
    --------
    >>> payback([-1000, 300, 400, 500])
    2.6
    >>> payback([0, -1000, 300, 400, 500])  # the outlay during year 1, counted from t = 0
    3.6
    >>> payback([-1000, 100, 100])
    inf
    """
    return _payback(_flows(cashflows))


def discounted_payback(rate, cashflows) -> float:
    """Payback period of the flows discounted at ``rate`` (interpolated; ``math.inf`` if never repaid).

    Same rules as :func:`payback`, applied to the present values of the flows.

    >>> discounted_payback(0.10, [-1000, 300, 400, 500])
    inf
    >>> round(discounted_payback(0.10, [-1000, 500, 500, 500]), 4)
    2.352
    """
    r = _checks.rate("rate", rate)
    flows = _flows(cashflows)
    with np.errstate(over="ignore", invalid="ignore"):
        present = _checks.finite_result("the discounted cash flow", flows * _discount_factors(r, flows.size),
                                        "rate", "cashflows")
    return _payback(present)


def roi(gain, cost) -> float:
    """Return on investment, ``(gain − cost) / cost``, as a decimal.

    >>> roi(gain=1_300_000, cost=1_000_000)
    0.3
    """
    g = _checks.number("gain", gain)
    c = _checks.number("cost", cost, low=0, low_open=True)
    with np.errstate(over="ignore"):
        return _checks.finite_result("roi", (g - c) / c, "gain", "cost")


def capm(risk_free, beta, market_return) -> float:
    """Cost of equity by the capital asset pricing model: ``rf + β (rm − rf)``.

    >>> round(capm(risk_free=0.03, beta=1.2, market_return=0.08), 4)
    0.09
    """
    rf = _checks.rate("risk_free", risk_free)
    b = _checks.number("beta", beta)
    rm = _checks.rate("market_return", market_return)
    return _checks.finite_result("capm", rf + b * (rm - rf), "risk_free", "beta", "market_return")


def wacc(equity, debt, cost_of_equity, cost_of_debt, tax_rate) -> float:
    """Weighted average cost of capital: ``E/V·re + D/V·rd·(1 − t)``, with V = E + D.

    Use market values of equity and debt where you have them.

    >>> round(wacc(equity=600, debt=400, cost_of_equity=0.12, cost_of_debt=0.06, tax_rate=0.25), 4)
    0.09
    """
    e = _checks.number("equity", equity, low=0)
    d = _checks.number("debt", debt, low=0)
    if e + d == 0:
        raise ValueError(_("equity + debt must be positive; got 0"))
    re = _checks.rate("cost_of_equity", cost_of_equity)
    rd = _checks.rate("cost_of_debt", cost_of_debt)
    t = _checks.number("tax_rate", tax_rate, low=0, high=1, high_open=True)
    with np.errstate(over="ignore", invalid="ignore"):
        value = float(np.float64(e) * re + np.float64(d) * rd * (1 - t)) / float(np.float64(e) + d)
    return _checks.finite_result("wacc", value, "equity", "debt")


def eva(nopat, wacc, invested_capital) -> float:
    """Economic value added: ``NOPAT − WACC × invested capital``.

    >>> eva(nopat=150.0, wacc=0.10, invested_capital=1200.0)
    30.0
    """
    n = _checks.number("nopat", nopat)
    w = _checks.rate("wacc", wacc)
    k = _checks.number("invested_capital", invested_capital, low=0)
    with np.errstate(over="ignore", invalid="ignore"):
        value = float(np.float64(n) - np.float64(w) * k)
    return _checks.finite_result("eva", value, "nopat", "wacc", "invested_capital")


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
    with np.errstate(over="ignore", invalid="ignore"):
        factors = (1.0 + w) ** -np.arange(1, values.size + 1, dtype=float)
        total = float(np.dot(values, factors))
        if terminal_growth is not None:
            g = _checks.rate("terminal_growth", terminal_growth)
            if g >= w:
                raise ValueError(_("terminal_growth must be below wacc ({w}); got {g}").format(w=w, g=g))
            total += float(values[-1] * (1 + g) / (w - g) * factors[-1])
    return _checks.finite_result("mva", total, "evas", "wacc", "terminal_growth")


# --------------------------------------------------------------------------- project appraisal


def _amount(value: float) -> str:
    """An amount for a repr: whole units with separators from 10,000 up, 4 decimals below (unit-less examples)."""
    if not math.isfinite(value):
        return "∞" if value > 0 else "−∞" if value < 0 else "nan"
    return f"{value:,.0f}" if abs(value) >= 1e4 else f"{value:,.4f}"


def _years(value: float) -> str:
    return "never" if math.isinf(value) else f"{value:.4f}"


@dataclass(frozen=True)
class Appraisal(ResultMixin):
    """A project's cash flows judged by NPV, IRR, payback and discounted payback at one discount rate."""

    def __repr__(self) -> str:
        # Money as money: 4,786,429, never 4,786,429.3583; small unit-less flows keep their decimals.
        irr = f"{self.irr:.4f}" if math.isfinite(self.irr) else "none"
        return (f"Appraisal(rate={self.rate:.4f}, NPV={_amount(self.npv)}, IRR={irr}, "
                f"payback (years)={_years(self.payback)}, discounted payback (years)={_years(self.discounted_payback)})")

    rate: float
    cashflows: tuple[float, ...]
    npv: float
    irr: float
    irrs: tuple[float, ...]
    payback: float
    discounted_payback: float
    profitability_index: float

    _title = N_("Project appraisal")

    def _headline(self) -> dict:
        return {_("rate"): self.rate, "NPV": self.npv, "IRR": self.irr, _("payback (years)"): self.payback,
                _("discounted payback (years)"): self.discounted_payback}

    def to_frame(self) -> pd.DataFrame:
        """One row per period: flow, discount factor, present value and the two cumulative sums."""
        flows = np.asarray(self.cashflows)
        factors = _discount_factors(self.rate, flows.size)
        frame = pd.DataFrame({"cash flow": flows, "discount factor": factors, "present value": flows * factors})
        frame["cumulative"] = frame["cash flow"].cumsum()
        frame["cumulative present value"] = frame["present value"].cumsum()
        frame.index.name = "t"
        return frame

    def profile(self, rates=None) -> pd.DataFrame:
        """NPV at each of ``rates`` (default: 0 to 2 × the larger of the IRR and the rate, 41 points)."""
        return npv_profile(self.cashflows, rates if rates is not None else self._default_rates())

    def _default_rates(self) -> np.ndarray:
        top = max(self.rate, self.irr if math.isfinite(self.irr) else 0.0, 0.05)
        return np.linspace(0.0, 2 * top, 41)

    def plot(self, ax=None, kind: str = "cashflows", rates=None, currency: str = ""):
        """``kind="cashflows"``: yearly flows and cumulative (discounted) cash; ``"profile"``: NPV against
        the discount rate, at ``rates`` if given (default: 0 to twice the larger of the IRR and the rate).
        ``currency`` names the flows' unit for the axis ("CNY"); without it the axis says "the input's unit"."""
        from crmlab.plots import money

        _checks.choice("kind", kind, ("cashflows", "profile"))
        if kind == "cashflows":
            return money.plot_cashflows(self, ax=ax, currency=currency)
        return money.plot_npv_profile(self, ax=ax, rates=rates, currency=currency)


def appraise(rate, cashflows) -> Appraisal:
    """Appraise a project: NPV, IRR, payback, discounted payback and profitability index.

    Parameters
    ----------
    rate : float
        Discount rate (the cost of capital) per period, > -1.
    cashflows : sequence of float
        Net flows at t = 0, 1, 2, ... (outflows negative).

    Returns
    -------
    Appraisal
        ``irr`` is NaN when the flows have no IRR (all IRRs are in ``irrs``);
        ``profitability_index`` is the present value of the inflows divided by
        that of the outflows (above 1 exactly when the NPV is positive).

    Examples
    --------
    >>> a = appraise(0.10, [-2000, 500, 500, 5000])
    >>> round(a.npv, 2), round(a.irr, 4), a.payback, round(a.discounted_payback, 4)
    (2624.34, 0.5108, 2.2, 2.3014)
    """
    r = _checks.rate("rate", rate)
    flows = _flows(cashflows)
    with np.errstate(over="ignore", invalid="ignore"):
        present = _checks.finite_result("the present values", flows * _discount_factors(r, flows.size),
                                        "rate", "cashflows")
        _checks.finite_result("npv", present.sum(), "rate", "cashflows")
        _checks.finite_result("the cumulative cash flow", np.cumsum(flows), "cashflows")
    all_irrs = tuple(irrs(flows))
    changes_sign = np.any(flows > 0) and np.any(flows < 0)
    outflows = -present[present < 0].sum()
    return Appraisal(
        rate=r, cashflows=tuple(flows.tolist()), npv=float(present.sum()),
        irr=min(all_irrs, key=abs) if (all_irrs and changes_sign) else math.nan, irrs=all_irrs,
        payback=_payback(flows), discounted_payback=_payback(present),
        profitability_index=float(present[present > 0].sum() / outflows) if outflows > 0 else math.nan,
    )


def npv_profile(cashflows, rates) -> pd.DataFrame:
    """NPV of ``cashflows`` at each discount rate in ``rates`` (a frame with columns rate, NPV).

    >>> npv_profile([-100, 60, 60], [0.0, 0.1]).round(4).to_dict("list")
    {'rate': [0.0, 0.1], 'NPV': [20.0, 4.1322]}
    """
    flows = _flows(cashflows)
    values = _checks.vector("rates", rates)
    if np.any(values <= -1):
        raise ValueError(_("rates must all be > -1; got {rate}").format(rate=values[values <= -1][0]))
    t = np.arange(flows.size, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        npvs = _checks.finite_result("npv", ((1.0 + values[:, None]) ** -t) @ flows, "cashflows", "rates")
    return pd.DataFrame({"rate": values, "NPV": npvs})


# --------------------------------------------------------------------------- EVA adjustments


@dataclass(frozen=True)
class CapitalisedExpense(ResultMixin):
    """An expense (R&D, brand marketing) treated as an investment and amortised straight-line."""

    __repr__ = one_line_repr

    expenses: tuple[float, ...]
    life: int
    asset: float
    amortisation: float
    expense: float

    _title = N_("Capitalised expense")

    @property
    def nopat_adjustment(self) -> float:
        """This year's expense added back less its amortisation charged.

        Pass it to :func:`eva_statement` as a ``nopat_adjustments`` entry (added
        after tax): the whole expense was deducted for tax, so the tax saving
        stays in NOPAT. It is positive when spending grows (this year's expense
        exceeds the amortisation of earlier years) and negative when it is cut.
        """
        return self.expense - self.amortisation

    def _headline(self) -> dict:
        return {_("asset"): self.asset, _("amortisation"): self.amortisation,
                _("profit adjustment"): self.nopat_adjustment}

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

    Damodaran's Cisco 2005 research asset (*Damodaran on Valuation*, 2nd ed.,
    Illustration 3.2: R&D 2000-2005, five-year life): 9,918.2 and 3,280.2.

    >>> cisco = capitalise([2704, 3922, 3448, 3135, 3192, 3320], life=5)
    >>> round(cisco.asset, 4), round(cisco.amortisation, 4)
    (9918.2, 3280.2)
    >>> capitalise([100], life=0)
    Traceback (most recent call last):
    ...
    ValueError: life must be a whole number of years >= 1; got 0
    """
    values = _checks.vector("expenses", expenses, nonnegative=True)
    if isinstance(life, bool) or not isinstance(life, (int, np.integer)) or life < 1:
        raise ValueError(_("life must be a whole number of years >= 1; got {life!r}").format(life=life))
    life = _checks.whole("life", life, low=1, high=_checks.MAX_HORIZON, what=_("years"))
    n = values.size
    ages = np.arange(n - 1, -1, -1)  # the current year's expense has age 0
    with np.errstate(over="ignore", invalid="ignore"):
        asset = _checks.finite_result("asset", float(np.dot(values, np.clip(1 - ages / life, 0, None))),
                                      "expenses")
        amortisation = _checks.finite_result("amortisation", float(values[(ages >= 1) & (ages <= life)].sum() / life),
                                             "expenses")
    return CapitalisedExpense(tuple(values.tolist()), int(life), asset, amortisation, float(values[-1]))


def lease_to_debt(lease_payment, cost_of_debt, years: int) -> float:
    """Present value of ``years`` future operating-lease payments, to be treated as debt.

    >>> round(lease_to_debt(100, 0.05, 5), 4)
    432.9477
    """
    p = _checks.number("lease_payment", lease_payment, low=0)
    r = _checks.rate("cost_of_debt", cost_of_debt)
    if isinstance(years, bool) or not isinstance(years, (int, np.integer)) or years < 1:
        raise ValueError(_("years must be a whole number >= 1; got {years!r}").format(years=years))
    years = _checks.whole("years", years, low=1, high=_checks.MAX_HORIZON)  # ceiling before allocating
    with np.errstate(over="ignore", invalid="ignore"):
        value = float(p * np.sum((1 + r) ** -np.arange(1, years + 1, dtype=float)))
    return _checks.finite_result("lease_to_debt", value, "lease_payment", "cost_of_debt", "years")


@dataclass(frozen=True)
class EVAStatement(ResultMixin):
    """EVA from operating profit with the accounting adjustments shown as explicit lines."""

    __repr__ = one_line_repr

    ebit: float
    tax_rate: float
    invested_capital: float
    wacc: float
    profit_adjustments: Mapping[str, float] = field(default_factory=dict)
    capital_adjustments: Mapping[str, float] = field(default_factory=dict)
    nopat_adjustments: Mapping[str, float] = field(default_factory=dict)

    _title = N_("Economic value added")

    @property
    def operating_tax(self) -> float:
        """Tax on operating profit: ``tax_rate`` × (EBIT + the pre-tax ``profit_adjustments``)."""
        return (self.ebit + sum(self.profit_adjustments.values())) * self.tax_rate

    @property
    def nopat(self) -> float:
        """Net operating profit after tax.

        ``(EBIT + profit_adjustments) × (1 − t) + nopat_adjustments``: pre-tax
        adjustments (lease interest) are taxed with operating profit; the
        ``nopat_adjustments`` of a capitalised expense (expense − amortisation)
        are added after tax, because the firm deducted the whole expense from
        its taxable income and keeps that tax saving (the cash-tax convention
        of Stern Stewart and of Damodaran, *Damodaran on Valuation*, 2nd ed.,
        2006, Illustration 3.6).
        """
        return self.ebit + sum(self.profit_adjustments.values()) - self.operating_tax \
            + sum(self.nopat_adjustments.values())

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
        return {"NOPAT": self.nopat, _("capital"): self.capital, "WACC": self.wacc, "EVA": self.eva,
                _("return on capital"): self.return_on_capital}

    def to_frame(self) -> pd.DataFrame:
        rows = [("operating profit (EBIT)", self.ebit)]
        rows += [(f"+ {k}", v) for k, v in self.profit_adjustments.items()]
        rows += [("− tax on operating profit", -self.operating_tax)]
        rows += [(f"+ {k} (after tax)", v) for k, v in self.nopat_adjustments.items()]
        rows += [("= NOPAT", self.nopat),
                 ("invested capital", self.invested_capital)]
        rows += [(f"+ {k}", v) for k, v in self.capital_adjustments.items()]
        rows += [("= capital", self.capital), ("− capital charge (WACC × capital)", -self.capital_charge),
                 ("= EVA", self.eva)]
        return pd.DataFrame(rows, columns=["line", "amount"]).set_index("line")

    def plot(self, ax=None, currency: str = ""):
        """Waterfall from NOPAT through the capital charge to EVA; ``currency`` labels the axis ("CNY million")."""
        from crmlab.plots.money import plot_eva

        return plot_eva(self, ax=ax, currency=currency)


def eva_statement(ebit, tax_rate, invested_capital, wacc, profit_adjustments=None,
                  capital_adjustments=None, nopat_adjustments=None) -> EVAStatement:
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
    profit_adjustments : dict, optional
        Named amounts added to operating profit BEFORE tax and taxed with it, e.g.
        the interest part of operating leases treated as debt,
        ``{"lease interest": rd × lease_to_debt(...)}``.
    capital_adjustments : dict, optional
        Named amounts added to invested capital, e.g. ``{"R&D asset": c.asset}``
        from :func:`capitalise` or ``{"lease debt": lease_to_debt(...)}``.
    nopat_adjustments : dict, optional
        Named amounts added AFTER tax, e.g. ``{"R&D": c.nopat_adjustment}`` (this
        year's expense − its amortisation): the expense stays deductible for tax,
        so its tax saving is kept (Stern Stewart's cash operating taxes; Damodaran).

    Examples
    --------
    >>> s = eva_statement(ebit=200, tax_rate=0.25, invested_capital=1000, wacc=0.10)
    >>> round(s.nopat, 4), round(s.eva, 4)
    (150.0, 50.0)

    Damodaran's Cisco 2005 (*Damodaran on Valuation*, 2nd ed., Illustrations 3.2
    and 3.6): EBIT 7,416, tax 36.8 %, R&D capitalised over five years:

    >>> rd = capitalise([2704, 3922, 3448, 3135, 3192, 3320], life=5)
    >>> cisco = eva_statement(7416, 0.368, 0, 0.0, nopat_adjustments={"R&D": rd.nopat_adjustment})
    >>> round(cisco.nopat, 4)
    4726.712
    """
    def _named(name, mapping):
        if mapping is None:
            return {}
        if not isinstance(mapping, Mapping):
            raise TypeError(_("{name} must be a dict of name -> amount; got {type}").format(
                name=name, type=type(mapping).__name__))
        return {str(k): _checks.number(f"{name}[{k!r}]", v) for k, v in mapping.items()}

    statement = EVAStatement(
        ebit=_checks.number("ebit", ebit),
        tax_rate=_checks.number("tax_rate", tax_rate, low=0, high=1, high_open=True),
        invested_capital=_checks.number("invested_capital", invested_capital, low=0),
        wacc=_checks.rate("wacc", wacc),
        profit_adjustments=_named("profit_adjustments", profit_adjustments),
        capital_adjustments=_named("capital_adjustments", capital_adjustments),
        nopat_adjustments=_named("nopat_adjustments", nopat_adjustments),
    )
    with np.errstate(over="ignore", invalid="ignore"):
        _checks.finite_result("the EVA statement", [statement.nopat, statement.capital, statement.eva], "ebit",
                              "invested_capital", "profit_adjustments", "capital_adjustments")
    return statement


_FINANCIAL_COLUMNS = ("ebit", "tax_rate", "debt", "equity_book", "equity_market", "cost_of_debt", "beta",
                      "risk_free", "market_return", "invested_capital")


def eva_frame(financials) -> pd.DataFrame:
    """Accounting profit, economic profit and EVA for every row of a table of firm financials.

    One call does the chapter's chain for each firm-year: CAPM cost of equity,
    WACC at market-value weights, NOPAT = EBIT × (1 − t), EVA = NOPAT − WACC ×
    invested capital, beside the accounting view (net income after interest)
    and the market's verdict, market value added = (market equity + debt) −
    invested capital. No accounting adjustments are made; use
    :func:`eva_statement` with :func:`capitalise` / :func:`lease_to_debt` for those.

    Two residual incomes, two views. ``eva`` is the entity view: operating
    profit before interest (NOPAT) less the WACC (market-value weights) on all
    the capital. ``economic_profit`` is the equity view: net income, after the
    interest actually paid, less the cost of equity on BOOK equity. They agree
    only when the debt costs what the WACC assumes and book and market weights
    coincide; where book equity is a small share of capital while market equity
    is a large share of value (Lanting Property), the two can differ in sign
    (Lanting 2020: economic profit +236, EVA −22, CNY million).

    Capital timing: each row charges the capital of the SAME year (the
    ``invested_capital`` column, a year-end balance as the dataset records it),
    a common simplification when only one balance a year is published;
    :func:`investment_eva` charges the capital at the START of each year, which
    is what makes the present value of its EVAs equal the NPV.

    Parameters
    ----------
    financials : DataFrame
        Columns ebit, tax_rate, debt, equity_book, equity_market, cost_of_debt,
        beta, risk_free, market_return, invested_capital (the ``firm_financials``
        dataset has them); other columns such as firm and year are kept in front.

    Returns
    -------
    DataFrame
        The identifying columns plus cost_of_equity, wacc, nopat, net_income,
        equity_charge (cost of equity × book equity), economic_profit (net
        income − equity charge), capital_charge, eva, roic (NOPAT ÷ capital;
        NaN where invested capital is 0), spread (ROIC − WACC) and mva_market.

    Examples
    --------
    >>> from crmlab import datasets
    >>> table = eva_frame(datasets.load("firm_financials"))
    >>> latest = table[table["year"] == 2024].set_index("firm")
    >>> latest["eva"].round(1).to_dict()
    {'Huaxin Telecom': 852.5, 'Jinhe Retail': -129.2, 'Lanting Property': -508.2}
    >>> bool((latest["net_income"] > 0).all())  # all three report an accounting profit
    True
    """
    _checks.columns("financials", financials, _FINANCIAL_COLUMNS)
    data = {}
    for name in _FINANCIAL_COLUMNS:
        data[name] = _checks.numeric_column("financials", financials, name, name=f"financials.{name}",
                                            nonnegative=name in ("debt", "equity_market", "invested_capital"))
    if np.any(data["tax_rate"] < 0) or np.any(data["tax_rate"] >= 1):
        raise ValueError(_("financials.tax_rate must be decimals in [0, 1); got {rate}").format(
            rate=data['tax_rate'][(data['tax_rate'] < 0) | (data['tax_rate'] >= 1)][0]))
    value = data["equity_market"] + data["debt"]
    if np.any(value <= 0):
        raise ValueError(_("financials: equity_market + debt must be positive in every row"))
    keep = [c for c in financials.columns if c not in _FINANCIAL_COLUMNS and financials[c].dtype.kind not in "fc"]
    out = financials[keep].copy()
    ke = data["risk_free"] + data["beta"] * (data["market_return"] - data["risk_free"])
    after_tax_debt = data["cost_of_debt"] * (1 - data["tax_rate"])
    w = (data["equity_market"] * ke + data["debt"] * after_tax_debt) / value
    nopat = data["ebit"] * (1 - data["tax_rate"])
    net_income = (data["ebit"] - data["cost_of_debt"] * data["debt"]) * (1 - data["tax_rate"])
    capital = data["invested_capital"]
    out["cost_of_equity"] = ke
    out["wacc"] = w
    out["nopat"] = nopat
    out["net_income"] = net_income
    out["equity_charge"] = ke * data["equity_book"]
    out["economic_profit"] = net_income - out["equity_charge"]
    out["capital_charge"] = w * capital
    out["eva"] = nopat - w * capital
    out["roic"] = np.divide(nopat, capital, out=np.full_like(nopat, np.nan), where=capital > 0)
    out["spread"] = out["roic"] - w
    out["mva_market"] = value - capital
    computed = [c for c in out.columns if c not in keep and c not in ("roic", "spread")]
    with np.errstate(over="ignore", invalid="ignore"):
        _checks.finite_result("eva_frame", out[computed], "financials")
    return out


@dataclass(frozen=True)
class InvestmentEVA(ResultMixin):
    """Year-by-year EVA of one investment (a CRM system) and its MVA, the present value of those EVAs."""

    def __repr__(self) -> str:
        return (f"InvestmentEVA(investment={_amount(self.investment)}, WACC={self.wacc:.4f}, "
                f"MVA = PV of EVA={_amount(self.mva)}, NPV={_amount(self.npv)})")

    investment: float
    wacc: float
    tax_rate: float
    life: int
    ebitda: tuple[float, ...]

    _title = N_("EVA of an investment")

    def to_frame(self) -> pd.DataFrame:
        """Per year: capital at the start, depreciation, EBIT, NOPAT, capital charge, EVA and cash flow."""
        years = np.arange(1, len(self.ebitda) + 1)
        depreciation = np.where(years <= self.life, self.investment / self.life, 0.0)
        capital = self.investment - np.concatenate([[0.0], np.cumsum(depreciation)[:-1]])
        ebit = np.asarray(self.ebitda) - depreciation
        nopat = ebit * (1 - self.tax_rate)
        charge = self.wacc * capital
        frame = pd.DataFrame({"capital at start": capital, "depreciation": depreciation, "EBITDA": self.ebitda,
                              "EBIT": ebit, "NOPAT": nopat, "capital charge": charge, "EVA": nopat - charge,
                              "cash flow": nopat + depreciation}, index=pd.Index(years, name="year"))
        return frame

    @property
    def evas(self) -> np.ndarray:
        return self.to_frame()["EVA"].to_numpy()

    @property
    def mva(self) -> float:
        """Present value of the EVAs at the WACC (the investment's market value added)."""
        return mva(self.evas, self.wacc)

    @property
    def npv(self) -> float:
        """NPV of -investment at t = 0 and the yearly cash flows (NOPAT + depreciation)."""
        return npv(self.wacc, [-self.investment, *self.to_frame()["cash flow"]])

    def _headline(self) -> dict:
        return {_("investment"): self.investment, "WACC": self.wacc, _("MVA = PV of EVA"): self.mva, "NPV": self.npv}

    def plot(self, ax=None, currency: str = ""):
        """Yearly EVA bars with NOPAT and the capital charge; ``currency`` names the unit ("CNY")."""
        from crmlab.plots.money import plot_investment_eva

        return plot_investment_eva(self, ax=ax, currency=currency)


def investment_eva(investment, ebitda, wacc, tax_rate, life: int | None = None) -> InvestmentEVA:
    """EVA of an investment, year by year, with straight-line depreciation of its capital.

    Each year, NOPAT = (EBITDA − depreciation) × (1 − t) and the capital charge is
    WACC × the capital still invested at the start of the year (cost less
    depreciation so far). The present value of the EVAs (the MVA) then equals the
    NPV of the investment's cash flows, NOPAT + depreciation: judging an investment by
    its EVA each year and by its NPV once gives the same verdict.

    Parameters
    ----------
    investment : float
        Capital spent at t = 0 (> 0).
    ebitda : sequence of float
        Operating gain before depreciation, interest and tax in years 1..N (benefits less running costs).
    wacc : float
        Weighted average cost of capital (> -1).
    tax_rate : float
        Tax rate on operating profit, 0 <= t < 1.
    life : int, optional
        Years of straight-line depreciation (default: N, the number of years given).

    Examples
    --------
    >>> e = investment_eva(1000, [500, 500, 500], wacc=0.10, tax_rate=0.25)
    >>> e.evas.round(2).tolist()
    [25.0, 58.33, 91.67]
    >>> round(e.mva, 4), round(e.npv, 4)
    (139.8072, 139.8072)
    """
    cost = _checks.number("investment", investment, low=0, low_open=True)
    flows = _checks.vector("ebitda", ebitda)
    w = _checks.rate("wacc", wacc)
    t = _checks.number("tax_rate", tax_rate, low=0, high=1, high_open=True)
    n = flows.size if life is None else life
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(_("life must be a whole number of years >= 1; got {life!r}").format(life=life))
    n = _checks.whole("life", n, low=1, high=_checks.MAX_HORIZON, what=_("years"))
    result = InvestmentEVA(cost, w, t, int(n), tuple(flows.tolist()))
    with np.errstate(over="ignore", invalid="ignore"):
        _checks.finite_result("investment_eva", result.to_frame(), "investment", "ebitda", "wacc")
        _checks.finite_result("investment_eva", [result.mva, result.npv], "investment", "ebitda", "wacc")
    return result


# --------------------------------------------------------------------------- sensitivity


@dataclass(frozen=True)
class TornadoResult(ResultMixin):
    """One-at-a-time sensitivity of an output to each input, widest swing first."""

    __repr__ = one_line_repr

    base: float
    table: pd.DataFrame
    output: str = "output"

    _title = N_("Sensitivity (tornado)")

    def _headline(self) -> dict:
        return {_("base {output}").format(output=self.output): self.base}

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def plot(self, ax=None, currency: str = "", labels=None):
        """Tornado chart; ``currency`` names the output's unit, ``labels`` maps inputs to display words."""
        from crmlab.plots.money import plot_tornado

        return plot_tornado(self, ax=ax, currency=currency, labels=labels)


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
        raise TypeError(_("model must be a function of the inputs; got {type}").format(type=type(model).__name__))
    if not isinstance(base, Mapping) or not isinstance(ranges, Mapping) or not ranges:
        raise TypeError(_("base and ranges must be dicts, and ranges must name at least one input"))
    unknown = [k for k in ranges if k not in base]
    if unknown:
        raise ValueError(_("ranges names inputs {unknown} that are not in base; base has {base}").format(
            unknown=unknown, base=list(base)))
    for key, value in base.items():
        _checks.number(f"base[{key!r}]", value)
    if not isinstance(output, str):
        raise _checks.fail("output", _("the name of the output (a string such as 'NPV')"), output, TypeError)

    def run(inputs: dict, source: str) -> float:
        # The model is the user's own function: say which inputs it failed on, and refuse a non-finite output.
        try:
            value = model(**inputs)
        except TypeError as exc:
            raise TypeError(_("model(**{source}) failed: {exc}; model must accept every input in base").format(
                source=source, exc=exc)) from None
        return _checks.number(_("the model's {output} at {source}").format(output=output, source=source), value)

    base_value = run(dict(base), "base")
    rows = []
    for name, bounds in ranges.items():
        if not isinstance(bounds, (tuple, list)) or len(bounds) != 2:
            raise ValueError(_("ranges[{name!r}] must be a (low, high) pair; got {bounds!r}").format(name=name, bounds=bounds))
        low, high = (_checks.number(f"ranges[{name!r}]", b) for b in bounds)
        out_low = run({**base, name: low}, f"ranges[{name!r}] low")
        out_high = run({**base, name: high}, f"ranges[{name!r}] high")
        rows.append({"input": name, "low input": low, "high input": high, f"{output} at low": out_low,
                     f"{output} at high": out_high, "swing": abs(out_high - out_low)})
    table = pd.DataFrame(rows).set_index("input").sort_values("swing", ascending=False, kind="stable")
    return TornadoResult(base_value, table, output)
