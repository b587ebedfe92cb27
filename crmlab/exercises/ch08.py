"""Exercises of notebook 08 (customer value): NPS, retention, CLV, RFM and the BG/NBD model."""

from __future__ import annotations

from functools import lru_cache

from crmlab.exercises import Exercise, Mistake, register

# A telecom operator's group-customer base over one year (used in the retention exercise).
_START, _END, _NEW = 1200, 1260, 180
# CLV exercise inputs: yearly margin, retention and discount rate.
_MARGIN, _RETENTION, _DISCOUNT = 300.0, 0.8, 0.1
_P_ALIVE_CUSTOMER = "C00002"
_CALIBRATION_END = "2025-03-31"


@lru_cache(maxsize=1)
def _recommend():
    from crmlab import datasets

    survey = datasets.load("service_survey")
    return survey.loc[survey["firm"] == "own", "recommend"].to_numpy()


def _share(low: int, high: int) -> float:
    scores = _recommend()
    return float(((scores >= low) & (scores <= high)).mean())


@lru_cache(maxsize=1)
def _bgnbd():
    from crmlab import customers, datasets

    summary = customers.bgnbd_summary(datasets.load("transactions"), as_of=_CALIBRATION_END)
    fit = customers.BetaGeo().fit(summary["frequency"], summary["recency"], summary["T"])
    return summary, fit


def _p_alive() -> float:
    summary, fit = _bgnbd()
    row = summary.loc[_P_ALIVE_CUSTOMER]
    return float(fit.p_alive(row["frequency"], row["recency"], row["T"]))


def _nps() -> float:
    from crmlab import customers

    return customers.nps(_recommend())


def _retention() -> float:
    from crmlab import customers

    return customers.retention_rate(_START, _END, _NEW)


def _clv(**changes) -> float:
    from crmlab import customers

    args = {"margin": _MARGIN, "retention": _RETENTION, "discount": _DISCOUNT} | changes
    return customers.clv(**args)


register(Exercise(
    id="ch08.nps_own",
    prompt=("What is the net promoter score (净推荐值) of the chain's own customers in the service_survey (column "
            "recommend, respondents with firm == 'own')? One decimal."),
    kind="number",
    answer=_nps,
    tolerance=0.05,
    mistakes=(
        Mistake(lambda: 100 * _share(9, 10),
                "That is the share of promoters only; subtract the share of detractors (0–6)."),
        Mistake(lambda: 100 * (_share(7, 10) - _share(0, 6)),
                "You counted passives (7–8) as promoters. Promoters answer 9 or 10 only."),
        Mistake(lambda: 100 * (_share(9, 10) - _share(0, 8)),
                "You counted passives (7–8) as detractors. Detractors answer 0 to 6 only."),
        Mistake(lambda: float(_recommend().mean()), "That is the mean score on the 0–10 scale, not the NPS."),
    ),
    hint="NPS = 100 × (share answering 9–10 − share answering 0–6); crmlab.customers.nps does it for you.",
    explanation=("Promoters and detractors almost cancel out, so the NPS is close to zero; its 95 % interval "
                 "(nps_ci) spans roughly ±9 points, so it is not distinguishable from the competitor's."),
))

register(Exercise(
    id="ch08.retention",
    prompt=(f"A telecom operator had {_START:,} group customers on 1 January and {_END:,} on 31 December; "
            f"{_NEW} of the December customers were won during the year. What was the customer retention rate "
            "(客户保持率)?"),
    kind="number",
    answer=_retention,
    tolerance=0.0005,
    percent=True,
    mistakes=(
        Mistake(_END / _START, "That ratio counts the new customers as if they had been kept: subtract them first."),
        Mistake((_END - _NEW) / _END, "Divide the customers kept by the customers at the START of the year."),
        Mistake(_NEW / _START, "That is the acquisition rate (new customers over the starting base)."),
        Mistake(1 - (_END - _NEW) / _START, "That is the churn rate, 1 − retention."),
    ),
    hint="Retention = (customers at the end − new customers) / customers at the start.",
    explanation=f"({_END:,} − {_NEW}) / {_START:,} = 0.90: nine in ten of the January customers stayed.",
))

register(Exercise(
    id="ch08.clv",
    prompt=(f"A customer brings a margin of {_MARGIN:,.0f} CNY a year, is retained with probability "
            f"{_RETENTION:.0%} a year, and cash is discounted at {_DISCOUNT:.0%} a year. What is the "
            "customer's lifetime value (infinite horizon, margin paid at the end of each year survived)?"),
    kind="number",
    answer=lambda: _clv(),
    rel_tolerance=0.001,
    mistakes=(
        Mistake(lambda: _MARGIN / (1 + _DISCOUNT - _RETENTION),
                "m / (1 + d − r) counts a margin today as well (paid at the start of each year); here the "
                "first margin comes at the end of the first year, with probability r."),
        Mistake(lambda: _MARGIN * _RETENTION / (1 - _RETENTION),
                "You left out discounting: use 1 + d − r in the denominator."),
        Mistake(lambda: _MARGIN / (1 - _RETENTION), "That ignores both discounting and the first year's survival."),
        Mistake(lambda: _MARGIN * _RETENTION / (1 + _DISCOUNT), "That is only the first year's value."),
    ),
    hint="CLV = m · r / (1 + d − r); crmlab.customers.clv(margin, retention, discount).",
    explanation="300 × 0.8 / (1 + 0.1 − 0.8) = 800 CNY: the margin multiple is 2.67.",
))

register(Exercise(
    id="ch08.clv_drivers",
    prompt=("Which changes raise the lifetime value CLV = m · r / (1 + d − r) of a profitable customer (m > 0)? "
            "Choose all that apply."),
    kind="multi",
    answer=lambda: tuple(k for k, up in {
        "A": _clv(retention=_RETENTION + 0.05) > _clv(),
        "B": _clv(discount=_DISCOUNT + 0.02) > _clv(),
        "C": _clv(margin=_MARGIN * 1.1) > _clv(),
        "D": _clv(retention=_RETENTION - 0.05) > _clv(),
    }.items() if up),
    choices={
        "A": "Keeping more customers each year (higher retention r)",
        "B": "A higher discount rate d (a higher cost of capital)",
        "C": "A larger yearly margin m (cross-selling, less cost to serve)",
        "D": "Lower retention with the same margin",
    },
    why_wrong={
        "B": "future margins are worth less when discounted more: CLV falls.",
        "D": "fewer customers survive to pay later margins: CLV falls.",
    },
    hint="Try each change with crmlab.customers.clv and compare with the base case.",
    explanation=("Retention and margin raise CLV; a higher discount rate lowers it. Retention works through the "
                 "denominator too, so a few points of retention are worth more than they look."),
))

register(Exercise(
    id="ch08.rfm_pairs",
    prompt=("The courseware combines two RFM measures for each question. Which pair answers each? Type two of "
            "RF, FM, RM, in order: (1) how long until the customer's next purchase; (2) how much profit the "
            "customer creates."),
    kind="labels",
    answer=("RF", "FM"),
    labels=("RF", "FM", "RM"),
    items=("(1) next purchase", "(2) profit"),
    hint="Recency and frequency describe buying rhythm; frequency and monetary value describe money.",
    explanation=("Recency × frequency says when the next purchase is likely (a frequent buyer who bought recently "
                 "is due again); frequency × monetary value gives the spend, hence the profit, a customer creates."),
))

register(Exercise(
    id="ch08.p_alive",
    prompt=(f"Fit the BG/NBD model on the transactions log up to {_CALIBRATION_END} (bgnbd_summary with "
            f"as_of='{_CALIBRATION_END}', weeks). What is the probability that customer {_P_ALIVE_CUSTOMER} is "
            "still alive (P(alive))?"),
    kind="number",
    answer=_p_alive,
    tolerance=0.002,
    percent=True,
    mistakes=(
        Mistake(lambda: 1 - _p_alive(), "That is the probability the customer has already dropped out: 1 − P(alive)."),
        Mistake(1.0, "P(alive) = 1 only for customers with no repeat purchase; this one made repeat purchases."),
    ),
    hint=(f"summary.loc['{_P_ALIVE_CUSTOMER}'] gives frequency, recency and T; pass them to fit.p_alive(...)."),
    explanation=("The customer bought three times early on and then stayed silent for over a year: for someone "
                 "whose rhythm was that fast, a long silence means they have most likely left."),
))
