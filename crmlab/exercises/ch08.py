"""Exercises of notebook 08 (customer value): NPS, retention, CLV, RFM and the BG/NBD model.

The chapter works NPS for all own customers, one telecom operator's customer flow, CLV at
300 CNY a year, one cohort, RFM as of 31 March 2025 and customers C00002 and C00005. Every
exercise here works on another panel, so its answer is printed nowhere in the chapter: the
chain's **member** customers, another firm's customer counts, another customer and cohort,
RFM at the end of 2024 and customer C00039.
"""

from __future__ import annotations

from functools import lru_cache

from crmlab.exercises import Exercise, Mistake, register

# A bank's business clients over one year (the retention exercise).
_START, _END, _NEW = 3200, 3350, 610
# CLV exercise inputs: yearly margin (CNY), retention and discount rate.
_MARGIN, _RETENTION, _DISCOUNT = 450.0, 0.85, 0.12
# The cohort exercise: a membership programme's first six years.
_COHORT = {"margin": 250.0, "retention": (0.5, 0.65, 0.75, 0.8, 0.85, 0.85), "discount": 0.08, "horizon": 6,
           "acquisition_cost": 300.0}
_P_ALIVE_CUSTOMER = "C00039"
_CALIBRATION_END = "2025-03-31"
_RFM_DATE = "2024-12-31"


@lru_cache(maxsize=1)
def _members_recommend():
    from crmlab import datasets

    survey = datasets.load("service_survey")
    return survey.loc[(survey["firm"] == "own") & (survey["segment"] == "member"), "recommend"].to_numpy()


def _share(low: int, high: int) -> float:
    scores = _members_recommend()
    return float(((scores >= low) & (scores <= high)).mean())


def _nps() -> float:
    from crmlab import customers

    return customers.nps(_members_recommend())


def _retention() -> float:
    from crmlab import customers

    return customers.retention_rate(_START, _END, _NEW)


def _clv(**changes) -> float:
    from crmlab import customers

    args = {"margin": _MARGIN, "retention": _RETENTION, "discount": _DISCOUNT} | changes
    return customers.clv(**args)


def _cohort(**changes) -> float:
    from crmlab import customers

    args = {**_COHORT, "retention": list(_COHORT["retention"])} | changes
    return customers.clv_cohort(**args).clv


@lru_cache(maxsize=2)
def _bgnbd(as_of: str | None = _CALIBRATION_END):
    from crmlab import customers, datasets

    summary = customers.bgnbd_summary(datasets.load("transactions"), as_of=as_of)
    fit = customers.BetaGeo().fit(summary["frequency"], summary["recency"], summary["T"])
    return summary, fit


def _p_alive(as_of: str | None = _CALIBRATION_END) -> float:
    summary, fit = _bgnbd(as_of)
    row = summary.loc[_P_ALIVE_CUSTOMER]
    return float(fit.p_alive(row["frequency"], row["recency"], row["T"]))


@lru_cache(maxsize=2)
def _rfm(as_of: str):
    from crmlab import customers, datasets

    return customers.rfm(datasets.load("transactions"), as_of=as_of)


def _at_risk(as_of: str = _RFM_DATE) -> float:
    return float((_rfm(as_of)["segment"] == "at risk").mean())


# 1 --------------------------------------------------------------------------------------------------------------

register(Exercise(
    id="ch08.nps_members",
    prompt=("What is the net promoter score (净推荐值) of the chain's own customers who are **members** "
            "(service_survey rows with firm == 'own' and segment == 'member', column recommend)? Give it in NPS "
            "points (−100 to 100) to 1 decimal."),
    kind="number",
    answer=_nps,
    unit="NPS points",
    decimals=1,
    mistakes=(
        Mistake(lambda: _nps() / 100,
                "NPS is neither a share nor a percentage: it is in points from −100 to 100, 100 × (share of "
                "promoters − share of detractors). Type the points without %."),
        Mistake(lambda: 100 * _share(9, 10),
                "That is the share of promoters only; subtract the share of detractors (0–6)."),
        Mistake(lambda: 100 * (_share(7, 10) - _share(0, 6)),
                "You counted passives (7–8) as promoters. Promoters answer 9 or 10 only."),
        Mistake(lambda: 100 * (_share(9, 10) - _share(0, 8)),
                "You counted passives (7–8) as detractors. Detractors answer 0 to 6 only."),
        Mistake(lambda: float(_members_recommend().mean()), "That is the mean score on the 0–10 scale, not the NPS."),
    ),
    hint="Classify each answer as promoter (9–10), passive (7–8) or detractor (0–6), then net the two shares.",
    solution=("168 own members: 59 promoters (9–10), 55 passives, 54 detractors (0–6). NPS = 100 × (59 − 54) / 168 "
              "= **3.0** points (2.976). Its 95 % interval runs from about −9 to +15: not distinguishable from "
              "zero, nor from the non-members."),
    explanation="Members are barely more willing to recommend the chain than other customers; the interval is wide.",
))

# 2 --------------------------------------------------------------------------------------------------------------

register(Exercise(
    id="ch08.retention",
    prompt=(f"A bank had {_START:,} business clients on 1 January and {_END:,} on 31 December; {_NEW} of the "
            "December clients were won during the year. What was the client retention rate (客户保持率)? Give it "
            "as a percent to 1 decimal."),
    kind="number",
    answer=_retention,
    percent=True,
    unit="%",
    decimals=1,
    mistakes=(
        Mistake(_END / _START, "That ratio counts the new clients as if they had been kept: subtract them first."),
        Mistake((_END - _NEW) / _END, "Divide the clients kept by the clients at the START of the year."),
        Mistake(_NEW / _START, "That is the acquisition rate (new clients over the starting base)."),
        Mistake(1 - (_END - _NEW) / _START, "That is the churn rate, 1 − retention."),
        Mistake((_END - _START) / _START, "That is the net growth of the client base, not the share kept."),
    ),
    hint="Retention compares the clients still there at the end, less the newly won ones, with the starting base.",
    solution=(f"Clients kept = {_END:,} − {_NEW} = {_END - _NEW:,}; retention = {_END - _NEW:,} / {_START:,} = "
              f"0.85625 = **85.6 %**. Churn is 14.4 %, although the base grew by 4.7 %."),
    explanation="Net growth hides that about one client in seven left.",
))

# 3 --------------------------------------------------------------------------------------------------------------

register(Exercise(
    id="ch08.clv",
    prompt=(f"A customer brings a margin of {_MARGIN:,.0f} CNY a year, is retained with probability "
            f"{_RETENTION:.0%} a year, and cash is discounted at {_DISCOUNT:.0%} a year. What is the customer's "
            "lifetime value (infinite horizon, margin paid at the end of each year survived)? Give it in CNY to "
            "the nearest yuan (0 decimals)."),
    kind="number",
    answer=lambda: _clv(),
    unit="CNY",
    decimals=0,
    mistakes=(
        Mistake(lambda: _MARGIN / (1 + _DISCOUNT - _RETENTION),
                "m / (1 + d − r) counts a margin today as well (paid at the start of each year); here the "
                "first margin comes at the end of the first year, with probability r."),
        Mistake(lambda: _MARGIN * _RETENTION / (1 - _RETENTION),
                "You left out discounting: the denominator is 1 + d − r."),
        Mistake(lambda: _MARGIN / (1 - _RETENTION), "That ignores both discounting and the first year's survival."),
        Mistake(lambda: _MARGIN * _RETENTION / (1 + _DISCOUNT), "That is only the first year's value."),
    ),
    hint="Use the margin multiple for an infinite horizon: the retained, discounted margins form a geometric series.",
    solution=(f"CLV = m · r / (1 + d − r) = {_MARGIN:.0f} × {_RETENTION} / (1 + {_DISCOUNT} − {_RETENTION}) = "
              f"{_MARGIN * _RETENTION:.1f} / {1 + _DISCOUNT - _RETENTION:.2f} = **1,417 CNY** (1,416.67): a margin "
              f"multiple of {_RETENTION / (1 + _DISCOUNT - _RETENTION):.2f}."),
    explanation="The customer is worth about 3.1 years of margin.",
))

# 4 --------------------------------------------------------------------------------------------------------------

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
    hint="Ask for each change whether the numerator grows or the denominator shrinks.",
    solution=("Retention appears in the numerator and, with a minus sign, in the denominator: a higher r raises "
              "CLV twice (A). A larger margin scales CLV up (C). A higher discount rate enlarges the denominator "
              "(B lowers CLV), and so does lower retention (D). Answer: A, C."),
    explanation=("Retention and margin raise CLV; a higher discount rate lowers it. Retention works through the "
                 "denominator too, so a few points of retention are worth more than they look."),
))

# 5 --------------------------------------------------------------------------------------------------------------

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
    solution=("(1) **RF**: a frequent buyer who bought recently is due again; the chapter's R × F heatmap shows "
              "the share buying next quarter rising towards recent, frequent cells. (2) **FM**: how often times "
              "how much is the spend, hence the profit."),
    explanation=("Recency × frequency says when the next purchase is likely (a frequent buyer who bought recently "
                 "is due again); frequency × monetary value gives the spend, hence the profit, a customer creates."),
))

# 6 --------------------------------------------------------------------------------------------------------------

register(Exercise(
    id="ch08.p_alive",
    prompt=(f"Fit the BG/NBD model on the transactions log up to {_CALIBRATION_END} (the calibration period, in "
            f"weeks). What is the probability that customer {_P_ALIVE_CUSTOMER} is still alive (P(alive))? Give it "
            "as a percent to 1 decimal."),
    kind="number",
    answer=_p_alive,
    percent=True,
    unit="%",
    decimals=1,
    steps=2,
    mistakes=(
        Mistake(lambda: 1 - _p_alive(), "That is the probability the customer has already dropped out: 1 − P(alive)."),
        Mistake(lambda: _p_alive(None),
                f"That uses the whole log, up to June 2025. Calibrate on purchases up to {_CALIBRATION_END} only."),
        Mistake(1.0, "P(alive) = 1 only for customers with no repeat purchase; this one made repeat purchases."),
    ),
    hint=("Summarise the customer's purchases into frequency, recency and T from the first purchase, fit the "
          "model on everyone, then apply Fader, Hardie & Lee's probability that a customer is still alive."),
    solution=(f"Customer {_P_ALIVE_CUSTOMER} bought on six days from 26 January to 23 July 2024: frequency x = 5 "
              "repeat purchases, recency t_x = 25.57 weeks, T = 61.43 weeks to 31 March 2025. With the fitted "
              "r = 0.780, α = 6.761, a = 0.866, b = 4.428:\n\n"
              "P(alive) = 1 / (1 + a / (b + x − 1) · ((α + T) / (α + t_x))^(r + x)) = **11.5 %**.\n\n"
              "Eight months of silence after a purchase every five weeks or so: most likely gone."),
    explanation=("A customer who used to buy every few weeks and has been silent for eight months has most likely "
                 "left; a win-back offer has a small chance of working."),
))

# 7 --------------------------------------------------------------------------------------------------------------

register(Exercise(
    id="ch08.cohort_clv",
    prompt=("A membership programme wins a cohort at an acquisition cost of 300 CNY per member. Each member who "
            "stays pays a margin of 250 CNY at the end of each year; the share of last year's members who stay "
            "is 50 % in year 1, then 65 %, 75 %, 80 %, 85 % and 85 %. Cash is discounted at 8 % a year. What "
            "is the lifetime value per member over these six years, net of the acquisition cost? Give it in "
            "CNY to 2 decimals."),
    kind="number",
    answer=lambda: _cohort(),
    unit="CNY",
    decimals=2,
    steps=3,
    mistakes=(
        Mistake(lambda: _cohort(acquisition_cost=0.0),
                "That is the gross value: subtract the acquisition cost of 300 CNY per member."),
        Mistake(lambda: _cohort(discount=0.0), "You left out discounting: divide year t's value by 1.08^t."),
        Mistake(lambda: _cohort(retention=[_COHORT["retention"][0]] * 6),
                "You kept retention at 50 % every year; it rises with tenure."),
    ),
    hint=("Follow the survivors year by year (multiply the retention rates), discount each year's margin, sum, "
          "then subtract what winning a member cost."),
    solution=("Survivors per member: 0.5, 0.325, 0.24375, 0.195, 0.16575, 0.1408875. Present values of 250 × "
              "survivors / 1.08^t: 115.74, 69.66, 48.37, 35.83, 28.20, 22.20; sum 320.00. Net of 300: "
              "**20.00 CNY** per member. The cohort repays its cost only in year 6."),
    explanation="Barely profitable over six years: a point of first-year retention matters more than later ones.",
))

# 8 --------------------------------------------------------------------------------------------------------------

register(Exercise(
    id="ch08.at_risk_share",
    prompt=(f"Score the transactions log with RFM as of {_RFM_DATE} (5 bins, purchases after that date ignored). "
            "What share of the customers is in the segment 'at risk' (bought often, but not recently)? Give it "
            "as a percent to 1 decimal."),
    kind="number",
    answer=_at_risk,
    percent=True,
    unit="%",
    decimals=1,
    steps=2,
    mistakes=(
        Mistake(lambda: _at_risk(_CALIBRATION_END),
                f"That is the share as of {_CALIBRATION_END} (the chapter's date); score as of {_RFM_DATE}."),
        Mistake(lambda: float((_rfm(_RFM_DATE)["segment"] == "at risk").sum()),
                "That is the number of customers at risk; divide it by the number of customers scored."),
        Mistake(lambda: float((_rfm(_RFM_DATE)["segment"] == "champions").mean()),
                "That is the share of champions (recent and frequent); 'at risk' is frequent but not recent."),
    ),
    hint=("Score recency and frequency into quintiles as of the stated date, then read the segment of each "
          "customer from its recency and frequency levels."),
    solution=(f"As of {_RFM_DATE}, 94 of the 2,500 customers have a low recency score (1–2) and a high frequency "
              "score (4–5): 94 / 2,500 = **3.8 %** (3.76 %)."),
    explanation="Few customers are at risk at the end of 2024; three months later the share is higher.",
))

# 9 --------------------------------------------------------------------------------------------------------------

register(Exercise(
    id="ch08.win_back",
    prompt=("**Managerial judgement.** The retention budget pays for 300 personal win-back calls this quarter. "
            "Using the chapter's RFM segments, P(alive) and expected purchases from the BG/NBD model, and the "
            "customer tiers, whom do you call, and whom do you deliberately not call? Write a short memo "
            "(4–6 sentences)."),
    kind="judgement",
    model_answer=(
        "Call valuable customers who are **slipping but not gone**: high past spend (VIP and key tiers, high M) "
        "with a P(alive) that has fallen to a middling level — roughly 0.2 to 0.7 — because their silence is "
        "long for their usual rhythm. For them a call can still change the outcome, and their expected value "
        "if they stay is large.\n\n"
        "Do not spend calls on customers the model says are almost certainly gone (P(alive) near 0 after a long "
        "silence from a fast buyer, such as C00002), nor on 'champions' who are buying anyway. One-time buyers in "
        "the 'lost' segment have P(alive) = 1 in the model only because they never showed a rhythm; their "
        "expected purchases are low, so a cheap e-mail suits them better than a call. Rank the call list by "
        "expected purchases × margin, check it against the holdout quarter, and measure the calls against a "
        "control group."
    ),
    rubric=(
        "Targets high-value customers whose P(alive) is falling but not near zero.",
        "Leaves out customers who are almost surely gone and champions who buy anyway.",
        "Explains why one-time buyers' P(alive) = 1 does not make them good call targets.",
        "Ranks by expected value (expected purchases × margin or CLV), not by one RFM code alone.",
        "Plans to measure the result (a control group or the next quarter's purchases).",
    ),
    hint="Weigh how likely a call is to change the outcome against what the customer is worth if it does.",
    explanation="A retention budget goes where a call can still change what a valuable customer does.",
))
