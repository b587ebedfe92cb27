"""Exercises of notebook 04 (economic value added): CAPM, WACC, EVA of a firm and of a CRM investment."""

from __future__ import annotations

from functools import lru_cache

from crmlab.exercises import Exercise, Mistake, register

_YEAR = 2024
# The CRM investment of section 6, re-done in the last exercise with another firm's WACC and a shorter life.
_CRM_BENEFIT = 8_000_000.0
_CRM_TAX = 0.25
_CRM_LIFE = 4


@lru_cache(maxsize=1)
def _financials():
    from crmlab import datasets

    return datasets.load("firm_financials")


def _row(firm: str):
    data = _financials()
    return data[(data["firm"] == firm) & (data["year"] == _YEAR)].iloc[0]


def _jinhe(column: str) -> float:
    return float(_row("Jinhe Retail")[column])


def _lanting(column: str) -> float:
    return float(_row("Lanting Property")[column])


def _ke(firm: str) -> float:
    from crmlab import finance

    r = _row(firm)
    return finance.capm(r["risk_free"], r["beta"], r["market_return"])


def _wacc(firm: str, equity: str = "equity_market", tax: bool = True) -> float:
    from crmlab import finance

    r = _row(firm)
    return finance.wacc(r[equity], r["debt"], _ke(firm), r["cost_of_debt"], r["tax_rate"] if tax else 0.0)


def _nopat(firm: str) -> float:
    r = _row(firm)
    return r["ebit"] * (1 - r["tax_rate"])


def _eva(firm: str) -> float:
    from crmlab import finance

    return finance.eva(_nopat(firm), _wacc(firm), _row(firm)["invested_capital"])


@lru_cache(maxsize=1)
def _crm_inputs() -> tuple[float, float]:
    """Initial purchase of crm_costs (capitalised at t = 0) and the mean yearly running cost of years 2-5."""
    from crmlab import datasets

    items = datasets.load("crm_costs")
    investment = float(items.loc[items["phase"] == "initial", "amount"].sum())
    running = float(items[items["year"] >= 2].groupby("year")["amount"].sum().mean())
    return investment, running


def _crm(life: int = _CRM_LIFE, firm: str = "Lanting Property"):
    from crmlab import finance

    investment, running = _crm_inputs()
    return finance.investment_eva(investment, [_CRM_BENEFIT - running] * 5, _wacc(firm), _CRM_TAX, life=life)


register(Exercise(
    id="ch04.cost_of_equity",
    prompt=(f"Use the CAPM (资本资产定价模型) to compute Jinhe Retail's cost of equity in {_YEAR} from firm_financials "
            "(columns risk_free, beta, market_return)."),
    kind="number",
    answer=lambda: _ke("Jinhe Retail"),
    tolerance=0.0005,
    percent=True,
    mistakes=(
        Mistake(lambda: _jinhe("risk_free") + _jinhe("beta") * _jinhe("market_return"),
                "Beta multiplies the market risk PREMIUM (market return − risk-free rate), not the market return."),
        Mistake(lambda: _jinhe("beta") * (_jinhe("market_return") - _jinhe("risk_free")),
                "That is only the risk premium the shareholders ask for: add the risk-free rate."),
        Mistake(lambda: _jinhe("beta") * _jinhe("market_return"),
                "Beta × market return leaves out the risk-free rate and applies beta to the whole market return."),
    ),
    hint="ke = rf + β × (rm − rf); crmlab.finance.capm(risk_free, beta, market_return).",
    explanation="With β ≈ 1.08 Jinhe's shareholders ask for slightly more than the market's expected return.",
))

register(Exercise(
    id="ch04.wacc",
    prompt=(f"What is Jinhe Retail's weighted average cost of capital (加权平均资本成本) in {_YEAR}? Weight equity and debt "
            "at MARKET values (equity_market, debt), use your CAPM cost of equity and the after-tax cost of debt."),
    kind="number",
    answer=lambda: _wacc("Jinhe Retail"),
    tolerance=0.0005,
    percent=True,
    mistakes=(
        Mistake(lambda: _wacc("Jinhe Retail", equity="equity_book"),
                "You weighted equity at its book value; investors value it at market value (equity_market)."),
        Mistake(lambda: _wacc("Jinhe Retail", tax=False),
                "Interest is tax-deductible: use the after-tax cost of debt, rd × (1 − t)."),
        Mistake(lambda: _ke("Jinhe Retail"), "That is the cost of equity alone; blend it with the cost of debt."),
    ),
    hint="WACC = E/V · ke + D/V · rd · (1 − t) with V = E + D at market values; crmlab.finance.wacc(...).",
    explanation=("Debt is cheaper than equity and its interest saves tax, so the WACC lies below the cost of "
                 "equity; with little debt Jinhe's WACC stays close to its cost of equity."),
))

register(Exercise(
    id="ch04.eva_lanting",
    prompt=(f"Compute Lanting Property's EVA (经济增加值) for {_YEAR} in CNY million: NOPAT = EBIT × (1 − tax_rate), "
            "WACC at market weights with the CAPM cost of equity, capital = invested_capital. No adjustments."),
    kind="number",
    answer=lambda: _eva("Lanting Property"),
    tolerance=0.5,
    mistakes=(
        Mistake(lambda: _lanting("ebit") - _wacc("Lanting Property") * _lanting("invested_capital"),
                "You charged the capital against EBIT before tax: take tax off first (NOPAT = EBIT × (1 − t))."),
        Mistake(lambda: (_lanting("ebit") - _lanting("cost_of_debt") * _lanting("debt")) * (1 - _lanting("tax_rate"))
                - _wacc("Lanting Property") * _lanting("invested_capital"),
                "You started from net income, which already paid interest: the WACC charge covers the lenders "
                "too, so start from NOPAT (before interest)."),
        Mistake(lambda: _nopat("Lanting Property") - _ke("Lanting Property") * _lanting("invested_capital"),
                "You charged the cost of equity on all the capital; debt and equity together cost the WACC."),
        Mistake(lambda: _nopat("Lanting Property") - _wacc("Lanting Property") * (_lanting("equity_market")
                                                                              + _lanting("debt")),
                "The capital charge applies to the capital invested (invested_capital), not to the firm's "
                "market value."),
    ),
    hint="EVA = NOPAT − WACC × invested capital; crmlab.finance.eva_frame does every firm-year at once.",
    explanation=("Lanting earns about 5.8 % on its capital but its capital costs about 7 %: a profit in the "
                 "accounts, a loss of value for its investors."),
))

register(Exercise(
    id="ch04.profit_vs_eva",
    prompt=(f"Lanting Property reports a net profit of about 1.4 billion CNY in {_YEAR}, yet its EVA is negative. "
            "What does this tell you?"),
    kind="choice",
    answer=lambda: "A" if (_eva("Lanting Property") < 0 < _lanting("ebit")) else "B",
    choices={
        "A": "Its return on capital is below the cost of that capital: it earns a profit but destroys value.",
        "B": "Its accounts must be wrong: a profitable firm cannot have a negative EVA.",
        "C": "EVA ignores the cost of debt, so it is always below net income.",
        "D": "The firm is making a loss and will run out of cash.",
    },
    why_wrong={
        "B": "both can be right: accounting profit charges only interest, EVA also charges the shareholders' capital.",
        "C": "EVA charges the cost of debt AND of equity (through the WACC); that is why it is lower.",
        "D": "it makes an accounting profit and positive cash flow; EVA says the capital would earn more elsewhere.",
    },
    hint="Compare the return on capital (NOPAT ÷ capital) with the WACC: the spread decides EVA's sign.",
    explanation=("This is the point of Stern Stewart's EVA: accounting profit ignores the cost of equity; EVA "
                 "asks whether the capital earns at least what investors could earn at similar risk."),
))

register(Exercise(
    id="ch04.crm_mva",
    prompt=(f"Redo section 6's CRM investment with two changes: Lanting Property's {_YEAR} WACC and depreciation over "
            f"{_CRM_LIFE} years instead of 5 (investment = the initial purchase in crm_costs at t = 0; EBITDA "
            f"{_CRM_BENEFIT / 1e6:.0f} million − the mean running cost of years 2–5, for 5 years; tax "
            f"{_CRM_TAX:.0%}). What is its MVA, the present value of its EVAs, in CNY (e.g. 4,100,000)?"),
    kind="number",
    answer=lambda: _crm().mva,
    rel_tolerance=0.002,
    mistakes=(
        Mistake(lambda: float(_crm().evas.sum()),
                "That is the undiscounted sum of the EVAs: discount each at the WACC."),
        Mistake(lambda: _crm(life=5).mva, "That uses 5-year depreciation; the exercise writes the system off in 4."),
        Mistake(lambda: _crm(life=_CRM_LIFE, firm="Huaxin Telecom").mva,
                "That is Huaxin Telecom's WACC (section 6); use Lanting Property's."),
        Mistake(lambda: float(_crm().evas[0]), "That is only the first year's EVA."),
    ),
    hint="crmlab.finance.investment_eva(investment, [ebitda] * 5, wacc, 0.25, life=4).mva",
    explanation=("Faster depreciation moves EVA between years (lower early, higher later) but hardly changes "
                 "the MVA: only the tax timing differs. And the MVA equals the investment's NPV."),
))

register(Exercise(
    id="ch04.adjustments",
    prompt=("Which of these steps increase the CAPITAL on which EVA charges the cost of capital? "
            "Choose all that apply."),
    kind="multi",
    answer=("A", "B"),
    choices={
        "A": "Capitalising past R&D or brand-marketing spending as an asset, amortised over its useful life",
        "B": "Treating operating leases as debt (the present value of the lease payments)",
        "C": "Adding this year's R&D expense back to operating profit",
        "D": "Weighting equity at market rather than book value in the WACC",
    },
    why_wrong={
        "C": "that changes NOPAT (the profit side), not the capital base.",
        "D": "that changes the WACC (the rate), not the capital it is charged on.",
    },
    hint="Separate the three inputs of EVA: NOPAT, the WACC and the capital. Which step changes which?",
    explanation=("Capitalised R&D and lease debt both enter invested capital; each comes with a NOPAT "
                 "adjustment too (amortisation instead of the expense, lease interest added back)."),
))
