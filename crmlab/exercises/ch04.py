"""Exercises of notebook 04 (economic value added): CAPM, WACC, EVA of a firm and of a CRM investment.

The chapter works through the firms' 2024 figures; the exercises use 2022 (and, for the capitalisation,
another amortisation life), so that no answer is printed in the chapter.
"""

from __future__ import annotations

from functools import lru_cache

from crmlab.exercises import Exercise, Mistake, register

_YEAR = 2022
_LATEST = 2024
# The CRM investment of section 6, re-done with another firm's WACC and a shorter life.
_CRM_BENEFIT = 8_000_000.0
_CRM_TAX = 0.25
_CRM_LIFE = 4
_MKT_LIFE = 3  # Jinhe's marketing capitalised over 3 years (the chapter uses 2)


@lru_cache(maxsize=1)
def _financials():
    from crmlab import datasets

    return datasets.load("firm_financials")


def _row(firm: str, year: int = _YEAR):
    data = _financials()
    return data[(data["firm"] == firm) & (data["year"] == year)].iloc[0]


def _get(firm: str, column: str, year: int = _YEAR) -> float:
    return float(_row(firm, year)[column])


def _ke(firm: str, year: int = _YEAR) -> float:
    from crmlab import finance

    r = _row(firm, year)
    return finance.capm(r["risk_free"], r["beta"], r["market_return"])


def _wacc(firm: str, year: int = _YEAR, equity: str = "equity_market", tax: bool = True, ke=None) -> float:
    from crmlab import finance

    r = _row(firm, year)
    return finance.wacc(r[equity], r["debt"], _ke(firm, year) if ke is None else ke, r["cost_of_debt"],
                        r["tax_rate"] if tax else 0.0)


def _nopat(firm: str, year: int = _YEAR) -> float:
    r = _row(firm, year)
    return r["ebit"] * (1 - r["tax_rate"])


def _eva(firm: str, year: int = _YEAR, wacc=None) -> float:
    from crmlab import finance

    w = _wacc(firm, year) if wacc is None else wacc
    return finance.eva(_nopat(firm, year), w, _row(firm, year)["invested_capital"])


def _eva_rounding_slack(firm: str) -> float:
    """How far an EVA built from the WACC rounded to 4 decimals (7.03 % shown as 0.0703) can be off."""
    w = _wacc(firm)
    return abs(_eva(firm, wacc=round(w, 4)) - _eva(firm)) + 0.06


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
    return finance.investment_eva(investment, [_CRM_BENEFIT - running] * 5, _wacc(firm, _LATEST), _CRM_TAX,
                                  life=life)


def _marketing_asset(life: int = _MKT_LIFE) -> float:
    from crmlab import finance

    data = _financials()
    history = data[data["firm"] == "Jinhe Retail"].sort_values("year")["marketing_expense"].tolist()
    return finance.capitalise(history, life=life).asset


def _marketing(life: int = _MKT_LIFE, taxed: bool = False) -> float:
    """Change in Jinhe's 2024 EVA from capitalising its marketing over ``life`` years (CNY million)."""
    from crmlab import finance

    data = _financials()
    history = data[data["firm"] == "Jinhe Retail"].sort_values("year")["marketing_expense"].tolist()
    asset = finance.capitalise(history, life=life)
    w = _wacc("Jinhe Retail", _LATEST)
    adjustment = asset.nopat_adjustment * ((1 - _get("Jinhe Retail", "tax_rate", _LATEST)) if taxed else 1.0)
    return adjustment - w * asset.asset


register(Exercise(
    id="ch04.cost_of_equity",
    prompt=(f"Use the CAPM (资本资产定价模型) to compute Jinhe Retail's cost of equity in {_YEAR} from firm_financials "
            "(columns risk_free, beta, market_return). Give it as a percent to 2 decimals."),
    kind="number",
    answer=lambda: _ke("Jinhe Retail"),
    percent=True,
    unit="%",
    decimals=2,
    mistakes=(
        Mistake(lambda: _get("Jinhe Retail", "risk_free") + _get("Jinhe Retail", "beta")
                * _get("Jinhe Retail", "market_return"),
                "Beta multiplies the market risk PREMIUM (market return − risk-free rate), not the market return."),
        Mistake(lambda: _get("Jinhe Retail", "beta") * (_get("Jinhe Retail", "market_return")
                                                         - _get("Jinhe Retail", "risk_free")),
                "That is only the risk premium the shareholders ask for: add the risk-free rate."),
        Mistake(lambda: _ke("Jinhe Retail", _LATEST),
                f"That is Jinhe's cost of equity in {_LATEST}, which the chapter shows; use the {_YEAR} row."),
    ),
    hint="The CAPM prices only the market risk: a risk-free return plus beta times the market risk premium.",
    solution=("Take Jinhe Retail's 2022 row: $k_e = r_f + \\beta\\,(r_m - r_f)$. Subtract the risk-free rate "
              "from the market return to get the premium, multiply by beta, add the risk-free rate back. "
              "`finance.capm(r.risk_free, r.beta, r.market_return)` checks it."),
    explanation="With β above 1 Jinhe's shareholders ask for more than the market's expected return.",
))

register(Exercise(
    id="ch04.wacc",
    prompt=(f"What is Jinhe Retail's weighted average cost of capital (加权平均资本成本) in {_YEAR}? Compute the CAPM "
            "cost of equity first, then weight equity and debt at MARKET values (equity_market, debt) and use the "
            "after-tax cost of debt. Give it as a percent to 2 decimals."),
    kind="number",
    answer=lambda: _wacc("Jinhe Retail"),
    percent=True,
    unit="%",
    decimals=2,
    tolerance=0.0001,  # also a WACC built from the cost of equity rounded to 2 decimals, as asked before
    steps=2,
    mistakes=(
        Mistake(lambda: _wacc("Jinhe Retail", equity="equity_book"),
                "You weighted equity at its book value; investors value it at market value (equity_market)."),
        Mistake(lambda: _wacc("Jinhe Retail", tax=False),
                "Interest is tax-deductible: use the after-tax cost of debt, rd × (1 − t)."),
        Mistake(lambda: _ke("Jinhe Retail"), "That is the cost of equity alone; blend it with the cost of debt."),
        Mistake(lambda: _wacc("Jinhe Retail", _LATEST), f"That is the {_LATEST} WACC the chapter shows; use {_YEAR}."),
    ),
    hint="Weight each source of capital by its share of the firm's market value; debt's cost is after tax.",
    solution=("1. Cost of equity by the CAPM from the 2022 row (previous exercise).\n"
              "2. V = equity_market + debt; WACC = E/V · k_e + D/V · r_d · (1 − t).\n"
              "`finance.wacc(r.equity_market, r.debt, ke, r.cost_of_debt, r.tax_rate)` checks it."),
    explanation=("Debt is cheaper than equity and its interest saves tax, so the WACC lies below the cost of "
                 "equity; with little debt Jinhe's WACC stays close to its cost of equity."),
))

register(Exercise(
    id="ch04.eva_huaxin",
    prompt=(f"Compute Huaxin Telecom's EVA (经济增加值) for {_YEAR}: the CAPM cost of equity, the WACC at market "
            "weights, NOPAT = EBIT × (1 − tax_rate), capital = invested_capital, no adjustments. Give it in "
            "million CNY to 1 decimal."),
    kind="number",
    answer=lambda: _eva("Huaxin Telecom"),
    unit="million CNY",
    scale=1e6,
    decimals=1,
    # A WACC rounded as the chapter shows it (4 decimals, e.g. 0.0703) moves EVA by up to this much.
    tolerance=_eva_rounding_slack("Huaxin Telecom"),
    steps=3,
    mistakes=(
        Mistake(lambda: _get("Huaxin Telecom", "ebit") - _wacc("Huaxin Telecom")
                * _get("Huaxin Telecom", "invested_capital"),
                "You charged the capital against EBIT before tax: take tax off first (NOPAT = EBIT × (1 − t))."),
        Mistake(lambda: (_get("Huaxin Telecom", "ebit") - _get("Huaxin Telecom", "cost_of_debt")
                         * _get("Huaxin Telecom", "debt")) * (1 - _get("Huaxin Telecom", "tax_rate"))
                - _wacc("Huaxin Telecom") * _get("Huaxin Telecom", "invested_capital"),
                "You started from net income, which already paid interest: the WACC charge covers the lenders "
                "too, so start from NOPAT (before interest)."),
        Mistake(lambda: _nopat("Huaxin Telecom") - _ke("Huaxin Telecom") * _get("Huaxin Telecom", "invested_capital"),
                "You charged the cost of equity on all the capital; debt and equity together cost the WACC."),
        Mistake(lambda: _nopat("Huaxin Telecom") - _wacc("Huaxin Telecom")
                * (_get("Huaxin Telecom", "equity_market") + _get("Huaxin Telecom", "debt")),
                "The capital charge applies to the capital invested (invested_capital), not to the firm's "
                "market value."),
        Mistake(lambda: _eva("Huaxin Telecom", wacc=_wacc("Huaxin Telecom", equity="equity_book")),
                "Your WACC weights equity at book value; the chapter's EVA uses market-value weights."),
    ),
    hint="Three links: the cost of equity, the blended cost of capital, then profit after tax less a charge for "
         "all the capital.",
    solution=("1. $k_e$ by the CAPM from Huaxin's 2022 row.\n"
              "2. WACC at market weights with the after-tax cost of debt.\n"
              "3. NOPAT = EBIT × (1 − t); EVA = NOPAT − WACC × invested_capital.\n"
              "`finance.eva_frame(data)` gives every firm-year at once: read the Huaxin Telecom 2022 row. "
              "A WACC rounded to 4 decimals moves the answer by about a million CNY; that is accepted."),
    explanation="Huaxin earned more on its capital than it cost, though by a thinner spread than in 2024.",
))

register(Exercise(
    id="ch04.profit_vs_eva",
    prompt=(f"Lanting Property reports a net profit of about 1.4 billion CNY in {_LATEST}, yet its EVA is negative. "
            "What does this tell you?"),
    kind="choice",
    answer=lambda: "A" if (_eva("Lanting Property", _LATEST) < 0 < _get("Lanting Property", "ebit", _LATEST)) else "B",
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
    solution=("Lanting's ROIC (about 5.8 %) is below its WACC (about 7 %), so EVA = (ROIC − WACC) × capital < 0 "
              "although net income, which charges only interest, is positive: answer A."),
    explanation=("This is the point of Stern Stewart's EVA: accounting profit ignores the cost of equity; EVA "
                 "asks whether the capital earns at least what investors could earn at similar risk."),
))

register(Exercise(
    id="ch04.crm_mva",
    prompt=(f"Redo section 6's CRM investment with two changes: Lanting Property's {_LATEST} WACC and depreciation "
            f"over {_CRM_LIFE} years instead of 5 (investment = the initial purchase in crm_costs at t = 0; EBITDA "
            f"{_CRM_BENEFIT / 1e6:.0f} million − the mean running cost of years 2–5, for 5 years; tax "
            f"{_CRM_TAX:.0%}). What is its MVA, the present value of its EVAs? Give it in million CNY to 2 "
            "decimals."),
    kind="number",
    answer=lambda: _crm().mva / 1e6,
    unit="million CNY",
    scale=1e6,
    decimals=2,
    steps=2,
    mistakes=(
        Mistake(lambda: float(_crm().evas.sum()) / 1e6,
                "That is the undiscounted sum of the EVAs: discount each at the WACC."),
        Mistake(lambda: _crm(life=5).mva / 1e6,
                "That uses 5-year depreciation; the exercise writes the system off in 4."),
        Mistake(lambda: _crm(life=_CRM_LIFE, firm="Huaxin Telecom").mva / 1e6,
                "That is Huaxin Telecom's WACC (section 6); use Lanting Property's."),
        Mistake(lambda: float(_crm().evas[0]) / 1e6, "That is only the first year's EVA."),
    ),
    hint="Build the year-by-year EVA table (capital at the start of each year, depreciation, NOPAT, capital "
         "charge), then discount the EVAs at the WACC.",
    solution=("1. Investment = sum of the initial phase of crm_costs; running cost = mean yearly cost of years "
              "2–5; EBITDA = 8 million − running cost for 5 years.\n"
              "2. Depreciation = investment ÷ 4 in years 1–4, 0 in year 5; capital at the start of each year "
              "falls by it; EVA = (EBITDA − depreciation)(1 − 0.25) − WACC × capital; MVA = Σ EVA / (1+WACC)^t.\n"
              "`finance.investment_eva(investment, [ebitda] * 5, wacc, 0.25, life=4).mva` checks it; it equals "
              "the NPV of the cash flows."),
    explanation=("Faster depreciation moves EVA between years (lower early, higher later) but hardly changes "
                 "the MVA: only the tax timing differs. And the MVA equals the investment's NPV."),
))

register(Exercise(
    id="ch04.marketing_life",
    prompt=(f"Capitalise Jinhe Retail's marketing over {_MKT_LIFE} years instead of the chapter's 2 (history "
            f"2020–{_LATEST} from firm_financials, the cash-tax convention: the add-back is NOT taxed, WACC at "
            f"market weights for {_LATEST}). By how much does the adjustment change Jinhe's {_LATEST} EVA "
            "(adjusted − as reported)? Give it in million CNY to 1 decimal, negative if EVA falls."),
    kind="number",
    answer=_marketing,
    unit="million CNY",
    scale=1e6,
    decimals=1,
    tolerance=0.3,  # the WACC rounded to 4 decimals moves the capital charge on the asset by up to ~0.05
    steps=3,
    mistakes=(
        Mistake(lambda: _marketing(taxed=True),
                "You taxed the add-back. The expense was deducted for tax in full, so its tax saving stays: "
                "add (expense − amortisation) after tax."),
        Mistake(lambda: _marketing(life=2), "That is the 2-year life of the chapter; use 3 years."),
        Mistake(lambda: -_wacc("Jinhe Retail", _LATEST) * _marketing_asset(),
                "That is only the extra capital charge; add back this year's expense less its amortisation."),
    ),
    hint="Capitalising moves an expense to the balance sheet: a profit side (expense added back, amortisation "
         "charged) and a capital side (the unamortised asset, charged at the WACC).",
    solution=("1. Asset: each year's spending times its unamortised share (this year 1, last year 2/3, two years "
              "ago 1/3); amortisation: a third of each of the three previous years' spending.\n"
              "2. NOPAT change = this year's expense − amortisation (after tax, cash-tax convention).\n"
              "3. EVA change = that − WACC × asset. `finance.capitalise(history, life=3)` gives asset and "
              "`nopat_adjustment`."),
    explanation=("A longer life keeps more past spending on the balance sheet: the capital charge grows, and "
                 "how the history moved (growing, flat or cut) decides the sign of the profit side."),
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
    solution=("A and B: the research or brand asset and the lease debt both enter invested capital. C changes "
              "NOPAT; D changes the WACC."),
    explanation=("Capitalised R&D and lease debt both enter invested capital; each comes with a NOPAT "
                 "adjustment too (amortisation instead of the expense, lease interest added back)."),
))

register(Exercise(
    id="ch04.bonus_judgement",
    prompt=("Lanting Property's board wants to pay its division managers a bonus. One director proposes net "
            "profit as the measure, another EVA. Using the chapter's numbers for Lanting (profits every year, "
            "EVA negative every year, a large positive MVA), which would you recommend, with which adjustments, "
            "and what would you watch out for?"),
    kind="judgement",
    hint="Think about what each measure charges for, what it lets managers game, and what the market already expects.",
    explanation="EVA charges all the capital a manager uses; net profit charges only the interest.",
    model_answer=(
        "Recommend **EVA**, not net profit. Net profit rewards growth bought with capital that earns less than "
        "it costs: Lanting's managers could grow profits every year while destroying value, as the five years "
        "show. EVA charges the capital they tie up, so a bonus on EVA (or on its improvement, which is fairer "
        "for a division starting below zero) rewards raising ROIC above the WACC or releasing capital.\n\n"
        "Adjustments: treat the operating leases as debt (they are real obligations) and recompute the WACC "
        "with them; capitalise spending that builds a lasting asset only if it is material, and fix the "
        "choices once so managers cannot change them year to year.\n\n"
        "Watch out: EVA is a one-year measure and can reward cutting R&D or maintenance (the cut raises this "
        "year's EVA); pair it with multi-year targets or a bonus bank. The positive MVA says the market "
        "expects a turnaround: targets should ask for the EVA improvement that MVA prices in."),
    rubric=(
        "chooses EVA (or EVA improvement) and says why net profit misleads here",
        "uses Lanting's numbers: profits every year but ROIC below WACC, EVA negative",
        "names adjustments (leases as debt, capitalisation) and keeps them consistent year to year",
        "names a risk of EVA bonuses: short-termism, cutting investment, gaming",
        "links the target to what the market expects (MVA)",
    ),
))
