"""Exercises of notebook 06 (ROI and benefits): benefit categories, ROI, NPV, payback, sensitivity, several IRRs.\n\nThe project is notebook 06's: the costs of crm_costs and four benefit streams (CNY a year, years 1-5). The\nretention stream is priced as chapter 08 prices customers: each year's saved customers form a cohort that stays\nand decays with the retention rate (:func:`crmlab.customers.clv_cohort`). The chapter shows the project at 8 %\non time; the exercises use another rate, a delay, an overrun and another retention rate.\n"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from crmlab.exercises import Exercise, Mistake, register

#: Notebook 06's benefit assumptions (section 2), repeated here so the exercises are self-contained.
CUSTOMERS = 12_000                     # group customers served
MARGIN = 60_000.0                      # contribution margin per group customer and year
CHURN_CUT = (0.0, 0.002, 0.004, 0.004, 0.004)   # share of all customers saved from leaving, each year
RETENTION = 0.90                       # yearly retention of a group customer once saved
CROSS_SELL = (0, 150, 300, 300, 300)   # extra service contracts sold to existing customers
CROSS_MARGIN = 8_000.0                 # margin per extra contract and year
SAVINGS = (0.0, 500_000.0, 1_000_000.0, 1_000_000.0, 1_000_000.0)       # service cost saved
PRODUCTIVITY = (0.0, 450_000.0, 900_000.0, 900_000.0, 900_000.0)        # account managers' time freed
RATE = 0.08
_RATE_EX = 0.10       # the hurdle rate of the exercises
_OVERRUN = 0.25
_RETENTION_EX = 0.85  # another retention rate for the cohort exercise
#: The tornado of section 6: input -> (low, high); base values in _BASE. The overrun's high end is the P80 of
#: chapter 05's risk model (tco.simulate(crm_costs, n=10_000, seed=0)), computed in _tornado.
RANGES = {"benefit_scale": (0.7, 1.3), "cost_overrun": (0.0, None), "rate": (0.06, 0.12),
          "churn_cut": (0.002, 0.006), "delay": (0, 1)}
_BASE = {"benefit_scale": 1.0, "cost_overrun": 0.0, "rate": RATE, "churn_cut": 0.004, "delay": 0}
_OPTION = {"benefit_scale": "A", "cost_overrun": "B", "rate": "C", "churn_cut": "D", "delay": "E"}


@lru_cache(maxsize=1)
def _costs() -> np.ndarray:
    from crmlab import datasets, tco

    return tco.by_year(datasets.load("crm_costs"))["total"].to_numpy()


def retention_benefit(churn_cut: float = 0.004, retention: float = RETENTION) -> np.ndarray:
    """Yearly margin (years 1-5) of the customers saved: each year's cohort stays and decays with ``retention``.\n\n    The cohort saved in year k (``CUSTOMERS`` × the year's churn cut) pays its margin in year k, and its\n    survivors (× ``retention`` a year) in every later year of the plan: chapter 08's ``clv_cohort`` with the\n    retention sequence 1, r, r, ... and no discounting (the project's NPV discounts).\n    """
    from crmlab import customers

    cuts = np.asarray(CHURN_CUT) * (churn_cut / 0.004)
    out = np.zeros(len(cuts))
    for k, cut in enumerate(cuts):
        if cut <= 0:
            continue
        horizon = len(cuts) - k
        cohort = customers.clv_cohort(MARGIN, [1.0] + [retention] * (horizon - 1), 0.0, horizon=horizon,
                                      customers=CUSTOMERS * cut)
        out[k:] += cohort.table["present_value"].to_numpy()
    return out


def benefits(scale: float = 1.0, churn_cut: float = 0.004, delay: int = 0, retention: float = RETENTION) -> np.ndarray:
    """Yearly benefits (years 1-5): retention + cross-selling + savings + productivity, optionally late."""
    yearly = (retention_benefit(churn_cut, retention) + np.asarray(CROSS_SELL) * CROSS_MARGIN + np.asarray(SAVINGS)
              + np.asarray(PRODUCTIVITY)) * scale
    delay = int(delay)
    return np.concatenate([np.zeros(delay), yearly[: yearly.size - delay]])


def flows(benefit_scale: float = 1.0, cost_overrun: float = 0.0, churn_cut: float = 0.004,
          delay: int = 0) -> np.ndarray:
    """Net cash flows at t = 0..5: nothing at t = 0, then benefits − costs at the end of each year."""
    net = benefits(benefit_scale, churn_cut, delay) - _costs() * (1 + cost_overrun)
    return np.concatenate([[0.0], net])


def project_npv(benefit_scale=1.0, cost_overrun=0.0, rate=RATE, churn_cut=0.004, delay=0) -> float:
    from crmlab import finance

    return finance.npv(rate, flows(benefit_scale, cost_overrun, churn_cut, round(delay)))


@lru_cache(maxsize=1)
def p80_overrun() -> float:
    """The P80 overrun of chapter 05's risk model on crm_costs (10,000 scenarios, seed 0)."""
    from crmlab import datasets, tco

    sim = tco.simulate(datasets.load("crm_costs"), n=10_000, seed=0)
    return sim.p80 / sim.planned - 1


@lru_cache(maxsize=1)
def _tornado():
    from crmlab import finance

    ranges = {**RANGES, "cost_overrun": (0.0, p80_overrun())}
    return finance.tornado(project_npv, _BASE, ranges)


def _appraisal(rate: float = RATE, **changes):
    from crmlab import finance

    return finance.appraise(rate, flows(**changes))


def _roi(overrun: float = _OVERRUN) -> float:
    cost = _costs().sum() * (1 + overrun)
    return float((benefits().sum() - cost) / cost)


register(Exercise(
    id="ch06.roi_overrun",
    prompt=(f"Suppose every cost in crm_costs runs {_OVERRUN:.0%} over plan while the benefits of section 2 "
            "stay as planned. What is the project's five-year ROI (投资回报率), (total benefit − total cost) ÷ "
            "total cost, undiscounted? Give it as a percent to 1 decimal."),
    kind="number",
    answer=_roi,
    percent=True,
    unit="%",
    decimals=1,
    steps=2,
    mistakes=(
        Mistake(lambda: _roi(0.0), "That is the ROI of the plan; raise every cost by 25 % first."),
        Mistake(lambda: float(benefits().sum() / (_costs().sum() * (1 + _OVERRUN))),
                "That is benefit ÷ cost (1 + ROI); subtract the cost from the benefit first."),
        Mistake(lambda: float((benefits().sum() - _costs().sum() * (1 + _OVERRUN)) / benefits().sum()),
                "You divided by the benefits; ROI divides the net gain by the COST."),
        Mistake(lambda: _roi(0.0) - _OVERRUN, "Subtracting the overrun from the ROI is not enough: the overrun also "
                "raises the cost you divide by."),
    ),
    hint="Scale the total cost by the overrun first, then compare the benefits with that larger cost.",
    solution=("1. Total cost = 1.25 × Σ yearly costs of crm_costs; total benefit = Σ yearly benefits of section 2.\n"
              "2. ROI = (total benefit − total cost) ÷ total cost (`finance.roi(gain, cost)`)."),
    explanation=("The overrun that wipes the ROI out is the plan's ROI itself: benefit ÷ cost − 1. Budget with "
                 "a contingency before you promise an ROI."),
))

register(Exercise(
    id="ch06.npv_delay",
    prompt=(f"The benefits arrive one year late (year-2 benefits in year 3 and so on; the year-5 benefits fall "
            f"beyond the plan), costs as planned, and the hurdle rate is {_RATE_EX:.0%} instead of 8 %. What is the "
            "NPV? Give it in million CNY to 2 decimals."),
    kind="number",
    answer=lambda: _appraisal(rate=_RATE_EX, delay=1).npv / 1e6,
    unit="million CNY",
    scale=1e6,
    decimals=2,
    steps=2,
    mistakes=(
        Mistake(lambda: _appraisal(rate=_RATE_EX).npv / 1e6, "That is the NPV on time; shift every benefit one "
                "year later."),
        Mistake(lambda: _appraisal(delay=1).npv / 1e6, "That is the late project at 8 %; discount at 10 %."),
        Mistake(lambda: float(flows(delay=1).sum()) / 1e6, "That is the undiscounted net flow: discount each year."),
        Mistake(lambda: float(np.dot(flows(delay=1)[1:], (1 + _RATE_EX) ** -np.arange(5))) / 1e6,
                "You discounted year 1 as if it were today; year-1 flows fall at t = 1."),
    ),
    hint="Shift the benefit series one year, rebuild the net flows with the costs where they were, then discount "
         "at the new rate.",
    solution=("1. Late benefits = [0, 0, b2, b3, b4] (year-5 benefits drop out); net flow_y = late benefit_y − "
              "cost_y.\n2. NPV = Σ net flow_y / 1.10^y with nothing at t = 0: `finance.npv(0.10, [0, *net])`."),
    explanation=("A one-year delay costs more than a two-point higher hurdle rate: the costs stay where they "
                 "were and the largest benefits move out of the plan. Adoption speed is a first-order risk."),
))

register(Exercise(
    id="ch06.payback",
    prompt=(f"What is the on-time project's DISCOUNTED payback at {_RATE_EX:.0%} (the chapter shows it at 8 %), "
            "counted from the start of year 1 (t = 0) and interpolated within the year? Give it in years to 2 "
            "decimals."),
    kind="number",
    answer=lambda: _appraisal(rate=_RATE_EX).discounted_payback,
    unit="years",
    decimals=2,
    mistakes=(
        Mistake(lambda: _appraisal(rate=_RATE_EX).payback,
                "That is the plain payback; discount each flow before you cumulate."),
        Mistake(lambda: _appraisal().discounted_payback, "That is the discounted payback at 8 %."),
        Mistake(lambda: float(np.ceil(_appraisal(rate=_RATE_EX).discounted_payback)),
                "That counts whole years; interpolate: the flow of the payback year arrives through the year."),
        Mistake(lambda: _appraisal(rate=_RATE_EX).discounted_payback - 1,
                "You counted from the end of year 1; count from t = 0."),
    ),
    hint="Cumulate the discounted net flows and interpolate within the year in which the sum turns positive.",
    solution=("Discount each net flow: pv_y = flow_y / 1.10^y; cumulate; payback = the last year still negative "
              "+ its shortfall ÷ the next year's discounted flow. `finance.discounted_payback(0.10, flows)`."),
    explanation=("The higher the hurdle rate, the later the discounted payback: the later years' money counts "
                 "for less."),
))

register(Exercise(
    id="ch06.retention_cohorts",
    prompt=(f"In section 2 the customers saved each year stay and decay with a retention of {RETENTION:.0%} a "
            f"year. If a saved group customer's retention were {_RETENTION_EX:.0%} instead, what would the "
            "retention benefit be in year 5? Give it in million CNY to 2 decimals."),
    kind="number",
    answer=lambda: float(retention_benefit(retention=_RETENTION_EX)[-1]) / 1e6,
    unit="million CNY",
    scale=1e6,
    decimals=2,
    steps=2,
    mistakes=(
        Mistake(lambda: float(retention_benefit()[-1]) / 1e6, "That is with 90 % retention; use 85 %."),
        Mistake(lambda: CUSTOMERS * CHURN_CUT[-1] * MARGIN / 1e6,
                "That counts only the customers saved in year 5: those saved in years 2-4 are still there "
                "(fewer each year)."),
        Mistake(lambda: CUSTOMERS * sum(CHURN_CUT) * MARGIN / 1e6,
                "You kept every saved customer for ever: each cohort shrinks by the retention rate every year."),
    ),
    hint="Follow each year's cohort of saved customers to year 5: it shrinks by the retention rate every year "
         "after it was saved.",
    solution=("1. Cohorts: 12,000 × 0.2 % saved in year 2, 12,000 × 0.4 % in each of years 3, 4, 5.\n"
              "2. In year 5: Σ cohort_k × 0.85^(5 − k) customers, × 60,000 CNY of margin. "
              "`customers.clv_cohort(60_000, [1, 0.85, ...], 0, horizon, customers=cohort)` gives each cohort's "
              "yearly margin."),
    explanation=("Saved customers are an asset that builds up: the yearly benefit grows while new cohorts are "
                 "saved, and how fast it grows depends on how long they stay."),
))

register(Exercise(
    id="ch06.benefit_labels",
    prompt=("Classify each benefit of a CRM system into one of the categories revenue growth, retention, cost "
            "reduction, efficiency, intangible: (1) fewer group customers leave at contract renewal; (2) existing "
            "customers buy a second data line; (3) fewer call-centre agents are needed; (4) account managers spend "
            "less time on reports and more with customers; (5) customer satisfaction scores rise."),
    kind="labels",
    answer=["retention", "revenue growth", "cost reduction", "efficiency", "intangible"],
    labels=("revenue growth", "retention", "cost reduction", "efficiency", "intangible"),
    items=("(1) fewer customers leave", "(2) second data line", "(3) fewer call-centre agents",
           "(4) less time on reports", "(5) higher satisfaction"),
    hint="Ask what changes in the accounts: revenue kept, revenue added, cost cut, time freed, or nothing yet.",
    solution="retention, revenue growth, cost reduction, efficiency, intangible.",
    explanation=("Only the first four can be priced with some confidence; satisfaction is real but intangible "
                 "until it shows up as retention or cross-selling, so do not add it to the cash flows twice."),
))

register(Exercise(
    id="ch06.tornado_top",
    prompt=("In section 6's tornado chart (inputs swung one at a time: benefit scale 0.7–1.3, cost overrun from 0 "
            "to chapter 05's P80, discount rate 6–12 %, churn cut 0.2–0.6 points of customers saved a year, "
            "benefits late by 0–1 year), which input moves the NPV most?"),
    kind="choice",
    answer=lambda: _OPTION[_tornado().to_frame().index[0]],
    choices={"A": "The size of the benefits (±30 %)", "B": "The cost overrun (0 to the P80)",
             "C": "The discount rate (6–12 %)", "D": "The churn cut (0.2–0.6 points)",
             "E": "A one-year delay of the benefits"},
    why_wrong={"B": "the overrun matters, but over five years the benefits are larger than the costs, so a "
                    "30 % error in them moves the NPV more.",
               "C": "the rate changes the NPV least here: most flows fall within five years.",
               "D": "the churn cut drives the largest benefit stream, but the overall benefit scale moves all "
                    "four streams at once.",
               "E": "a delay costs a lot, but the tornado shows wider swings above it."},
    hint="The tornado sorts the inputs by the width of their bars: the top bar is the widest swing.",
    solution="Read the top bar of the chart (or the first row of `sensitivity.to_frame()`): the benefit scale.",
    explanation=("The size of the benefits swings the NPV most; the discount rate, often argued about longest, "
                 "matters least. Spend estimation effort on the benefits."),
))

register(Exercise(
    id="ch06.two_irrs",
    prompt=("A CRM outsourcing deal has flows −10, +25, −15.6 (CNY million at t = 0, 1, 2): it has two IRRs, 20 % and "
            "30 %. The cost of capital is 25 %. What should you conclude?"),
    kind="choice",
    answer=lambda: "A" if _two_irr_npv() > 0 else "B",
    choices={
        "A": "The IRR rule is ambiguous here; the NPV at 25 % is slightly positive, so the deal (barely) adds value.",
        "B": "Reject: the IRR of 20 % is below the 25 % cost of capital.",
        "C": "Accept: the IRR of 30 % is above the 25 % cost of capital, so the NPV is large.",
        "D": "The deal has no IRR, so it cannot be evaluated.",
    },
    why_wrong={
        "B": "with two IRRs neither is 'the' return; the NPV at the cost of capital decides.",
        "C": "accepting is right here, but not because of the 30 % IRR: the NPV is tiny (about 16,000 CNY).",
        "D": "it has two IRRs (check with finance.irrs); and NPV evaluates any project.",
    },
    hint="When the flows change sign twice, look at the NPV at the cost of capital instead of comparing an IRR "
         "with it.",
    solution=("NPV at 25 % = −10 + 25/1.25 − 15.6/1.25² = −10 + 20 − 9.984 = 0.016 million CNY > 0; the NPV is "
              "positive between the two IRRs. Answer A."),
    explanation=("Between the two IRRs the NPV is positive, outside them negative. When flows change sign more "
                 "than once, judge by the NPV."),
))


def _two_irr_npv() -> float:
    from crmlab import finance

    return finance.npv(0.25, [-10, 25, -15.6])


register(Exercise(
    id="ch06.go_judgement",
    prompt=("The board must decide whether to approve the telecom CRM project. Using the chapter's numbers (the NPV "
            "on plan, the tornado, the break-even benefits on plan and at chapter 05's P80 overrun), would you "
            "approve it, and on which conditions?"),
    kind="judgement",
    hint="Weigh the NPV on plan against what the tornado and the break-even say could go wrong.",
    explanation="A positive NPV on plan is the start of the decision, not the end: the conditions manage the risks the tornado shows.",
    model_answer=(
        "Approve, **with conditions**, because the NPV at the 8 % hurdle rate is positive on plan but the case "
        "is not robust: a P80 cost overrun or a one-year delay turns the NPV negative, and at the P80 overrun "
        "the benefits must come in above plan to break even.\n\n"
        "Conditions: (1) the benefits decide the case, so name an owner for each stream and track them (churn "
        "of group customers, contracts sold, agents not hired, account managers' time actually re-used); "
        "(2) a staged roll-out with a gate after year 2: if the churn cut or cross-selling is behind plan, stop "
        "or re-scope; (3) a contingency and scope control (chapter 05) so that the overrun stays below the P80; "
        "(4) do not add intangibles such as satisfaction to the cash flows. The discount rate matters least: "
        "do not spend the board's time on it."),
    rubric=(
        "states the decision and that NPV on plan is positive but fragile",
        "uses the tornado: benefits (size, churn cut, timing) matter most, the rate least",
        "uses the break-even: at the P80 overrun benefits must exceed plan",
        "sets conditions: benefit owners and tracking, a stage gate, cost control",
        "does not count intangibles twice",
    ),
))
