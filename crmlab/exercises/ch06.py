"""Exercises of notebook 06 (ROI and benefits): benefit categories, ROI, NPV, payback, sensitivity, several IRRs.

The project is notebook 06's: the costs of crm_costs and four benefit streams (CNY a year, years 1-5).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from crmlab.exercises import Exercise, Mistake, register

#: Notebook 06's benefit assumptions (section 2), repeated here so the exercises are self-contained.
CUSTOMERS = 12_000                     # group customers served
MARGIN = 60_000.0                      # contribution margin per group customer and year
CHURN_CUT = (0.0, 0.004, 0.008, 0.008, 0.008)   # fewer customers lost each year, share of all
CROSS_SELL = (0, 150, 300, 300, 300)   # extra service contracts sold to existing customers
CROSS_MARGIN = 8_000.0                 # margin per extra contract and year
SAVINGS = (0.0, 500_000.0, 1_000_000.0, 1_000_000.0, 1_000_000.0)       # service cost saved
PRODUCTIVITY = (0.0, 450_000.0, 900_000.0, 900_000.0, 900_000.0)        # account managers' time freed
RATE = 0.08
_OVERRUN = 0.25
#: The tornado of section 6: input -> (low, high); base values in _BASE.
RANGES = {"benefit_scale": (0.7, 1.3), "cost_overrun": (0.0, 0.55), "rate": (0.06, 0.12),
          "churn_cut": (0.004, 0.012), "delay": (0, 1)}
_BASE = {"benefit_scale": 1.0, "cost_overrun": 0.0, "rate": RATE, "churn_cut": 0.008, "delay": 0}
_OPTION = {"benefit_scale": "A", "cost_overrun": "B", "rate": "C", "churn_cut": "D", "delay": "E"}


@lru_cache(maxsize=1)
def _costs() -> np.ndarray:
    from crmlab import datasets, tco

    return tco.by_year(datasets.load("crm_costs"))["total"].to_numpy()


def benefits(scale: float = 1.0, churn_cut: float = 0.008, delay: int = 0) -> np.ndarray:
    """Yearly benefits (years 1-5): retention + cross-selling + savings + productivity, optionally late."""
    churn = np.asarray(CHURN_CUT) * (churn_cut / 0.008)
    yearly = (CUSTOMERS * churn * MARGIN + np.asarray(CROSS_SELL) * CROSS_MARGIN + np.asarray(SAVINGS)
              + np.asarray(PRODUCTIVITY)) * scale
    delay = int(delay)
    return np.concatenate([np.zeros(delay), yearly[: yearly.size - delay]])


def flows(benefit_scale: float = 1.0, cost_overrun: float = 0.0, churn_cut: float = 0.008,
          delay: int = 0) -> np.ndarray:
    """Net cash flows at t = 0..5: nothing at t = 0, then benefits − costs at the end of each year."""
    net = benefits(benefit_scale, churn_cut, delay) - _costs() * (1 + cost_overrun)
    return np.concatenate([[0.0], net])


def project_npv(benefit_scale=1.0, cost_overrun=0.0, rate=RATE, churn_cut=0.008, delay=0) -> float:
    from crmlab import finance

    return finance.npv(rate, flows(benefit_scale, cost_overrun, churn_cut, round(delay)))


@lru_cache(maxsize=1)
def _tornado():
    from crmlab import finance

    return finance.tornado(project_npv, _BASE, RANGES)


def _appraisal(**changes):
    from crmlab import finance

    return finance.appraise(RATE, flows(**changes))


def _roi(overrun: float = _OVERRUN) -> float:
    cost = _costs().sum() * (1 + overrun)
    return float((benefits().sum() - cost) / cost)


register(Exercise(
    id="ch06.roi_overrun",
    prompt=(f"Suppose every cost in crm_costs runs {_OVERRUN:.0%} over plan while the benefits of section 2 "
            "stay as planned. What is the project's five-year ROI "
            "(投资回报率), (total benefit − total cost) ÷ total cost, undiscounted?"),
    kind="number",
    answer=_roi,
    tolerance=0.0005,
    percent=True,
    mistakes=(
        Mistake(lambda: _roi(0.0), "That is the ROI of the plan; raise every cost by 25 % first."),
        Mistake(lambda: float(benefits().sum() / (_costs().sum() * (1 + _OVERRUN))),
                "That is benefit ÷ cost (1 + ROI); subtract the cost from the benefit first."),
        Mistake(lambda: float((benefits().sum() - _costs().sum() * (1 + _OVERRUN)) / benefits().sum()),
                "You divided by the benefits; ROI divides the net gain by the COST."),
    ),
    hint="ROI = (Σ benefits − 1.25 × Σ costs) / (1.25 × Σ costs); crmlab.finance.roi(gain, cost).",
    explanation=("A 25 % overrun cuts the planned return from about 37 % to about 10 %, and a 35 % one would "
                 "wipe it out. Budget with a contingency before you promise an ROI."),
))

register(Exercise(
    id="ch06.npv_delay",
    prompt=(f"The benefits arrive one year late: year-2 benefits in year 3 and so on, and the year-5 benefits fall "
            f"beyond the plan. Costs as planned. What is the NPV at {RATE:.0%}, in CNY?"),
    kind="number",
    answer=lambda: _appraisal(delay=1).npv,
    rel_tolerance=0.002,
    mistakes=(
        Mistake(lambda: _appraisal().npv, "That is the NPV on time; shift every benefit one year later."),
        Mistake(lambda: float(flows(delay=1).sum()), "That is the undiscounted net flow: discount each year at 8 %."),
        Mistake(lambda: float(np.dot(flows(delay=1)[1:], 1.08 ** -np.arange(5))),
                "You discounted year 1 as if it were today; year-1 flows fall at t = 1."),
    ),
    hint="finance.npv(0.08, [0, *(late benefits − costs)]) with late benefits = [0, 0, b2, b3, b4].",
    explanation=("A one-year delay turns a clearly positive NPV negative: the costs stay where they were, the "
                 "largest benefits move out of the plan. Adoption speed is a first-order risk."),
))

register(Exercise(
    id="ch06.payback",
    prompt=("How many years does the on-time project take to pay back, counted from the start of year 1 (t = 0) and "
            "interpolated within the year (finance.payback)?"),
    kind="number",
    answer=lambda: _appraisal().payback,
    tolerance=0.01,
    mistakes=(
        Mistake(lambda: _appraisal().discounted_payback,
                "That is the discounted payback; the question asks the plain one."),
        Mistake(lambda: float(np.ceil(_appraisal().payback)),
                "That counts whole years; interpolate: the flow of the payback year arrives through the year."),
        Mistake(lambda: _appraisal().payback - 1, "You counted from the end of year 1; count from t = 0."),
    ),
    hint="Cumulate the net flows; payback = last year still negative + shortfall ÷ next year's flow.",
    explanation=("Under four years: the project pays back in year 4, a year before the plan ends — comfortable "
                 "only if the benefits really arrive on time."),
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
    explanation=("Only the first four can be priced with some confidence; satisfaction is real but intangible "
                 "until it shows up as retention or cross-selling, so do not add it to the cash flows twice."),
))

register(Exercise(
    id="ch06.tornado_top",
    prompt=("In section 6's tornado chart (inputs swung one at a time: benefit scale 0.7–1.3, cost overrun 0–55 %, "
            "discount rate 6–12 %, churn cut 0.4–1.2 points, benefits late by 0–1 year), which input moves the NPV "
            "most?"),
    kind="choice",
    answer=lambda: _OPTION[_tornado().to_frame().index[0]],
    choices={"A": "The size of the benefits (±30 %)", "B": "The cost overrun (0–55 %)",
             "C": "The discount rate (6–12 %)", "D": "The churn reduction (0.4–1.2 points)",
             "E": "A one-year delay of the benefits"},
    why_wrong={"B": "the overrun matters, but over five years the benefits are larger than the costs, so a "
                    "30 % error in them moves the NPV more.",
               "C": "the rate changes the NPV least here: most flows fall within five years.",
               "D": "the churn cut drives the largest benefit stream and comes a close second; the overall "
                    "benefit scale moves all four streams at once.",
               "E": "a delay costs a lot, but the tornado shows wider swings above it."},
    hint="finance.tornado(model, base, ranges).to_frame() lists the inputs widest swing first.",
    explanation=("The size of the benefits swings the NPV most, with the churn reduction behind most of them a "
                 "close second and the cost overrun third; the discount rate, often argued about longest, "
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
    hint="finance.irrs([-10, 25, -15.6]) and finance.npv(0.25, [-10, 25, -15.6]).",
    explanation=("Between the two IRRs the NPV is positive, outside them negative. When flows change sign more "
                 "than once, judge by the NPV."),
))


def _two_irr_npv() -> float:
    from crmlab import finance

    return finance.npv(0.25, [-10, 25, -15.6])
