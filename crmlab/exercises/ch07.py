"""Exercises of notebook 07 (performance matrices).

The chapter works the whole ``service_survey`` with the mean and median crosshairs and
derived importance among the chain's own customers. Every exercise here works on another
panel, so its answer is printed nowhere in the chapter: the **members** or the
**non-members** segment, a manager's fixed crosshair (4, 3.5), importance from the chain's
own customers only, or derived importance among the **competitor's** customers.
"""

from __future__ import annotations

from functools import lru_cache

from crmlab.exercises import Exercise, Mistake, register

#: A manager's absolute standard: "important" means 4 or more, "good enough" 3.5 or more (1–5 scales).
_STANDARD = (4.0, 3.5)
_CLASSIFY = ("price", "after_sales", "checkout_speed", "delivery")
_CROSSHAIR_OPTIONS = {"A": "product_range", "B": "price", "C": "checkout_speed", "D": "delivery",
                      "E": "after_sales", "F": "membership"}
_FIX_FIRST_OPTIONS = {"A": "complaint_handling", "B": "checkout_speed", "C": "price", "D": "after_sales",
                      "E": "staff_knowledge"}
_CLOSE_OPTIONS = {"A": "product_range", "B": "staff_courtesy", "C": "staff_knowledge", "D": "checkout_speed",
                  "E": "delivery", "F": "after_sales", "G": "complaint_handling"}
_GAP_ATTRIBUTE = "complaint_handling"
_MARGIN_ATTRIBUTE = "price"


@lru_cache(maxsize=1)
def _survey():
    from crmlab import datasets

    return datasets.load("service_survey")


@lru_cache(maxsize=1)
def _names():
    from crmlab import datasets

    return datasets.load("service_attributes").set_index("attribute")["name"]


def _responses(segment: str | None):
    survey = _survey()
    return survey if segment is None else survey[survey["segment"] == segment]


@lru_cache(maxsize=8)
def _table(segment: str | None = None, importance_from: str = "all"):
    from crmlab import matrices

    return matrices.attribute_table(_responses(segment), names=_names(), importance_from=importance_from)


def _quadrants(segment, crosshair):
    from crmlab import matrices

    return matrices.pem(_table(segment), crosshair=crosshair)["quadrant"].astype(str)


def _keys(options, attributes) -> tuple[str, ...]:
    return tuple(k for k, v in options.items() if v in set(attributes))


# 1 --------------------------------------------------------------------------------------------------------------

register(Exercise(
    id="ch07.classify",
    prompt=("Take the **members** only (service_survey rows with segment == 'member', both firms) and build their "
            "attribute table. Place the PEM's crosshair at a manager's fixed standard instead of the mean: "
            "importance 4 ('important') and performance 3.5 ('good enough'). Which quadrant is each attribute "
            "in? Type four quadrant names in order, separated by commas: (1) price level; (2) after-sales "
            "service; (3) checkout speed; (4) delivery reliability."),
    kind="labels",
    answer=lambda: [_quadrants("member", _STANDARD)[a] for a in _CLASSIFY],
    labels=("concentrate here", "keep up the good work", "low priority", "possible overkill"),
    items=("(1) price level", "(2) after-sales service", "(3) checkout speed", "(4) delivery reliability"),
    hint=("Compare each attribute's mean importance with 4 and its mean performance with 3.5; a value on the "
          "line counts as high."),
    solution=("Members: 275 respondents. Mean importance and own performance (1–5):\n\n"
              "| attribute | importance | performance | quadrant at (4, 3.5) |\n|---|---|---|---|\n"
              "| price level | 4.29 ≥ 4 | 3.54 ≥ 3.5 | keep up the good work |\n"
              "| after-sales service | 4.23 ≥ 4 | 3.51 ≥ 3.5 | keep up the good work |\n"
              "| checkout speed | 4.12 ≥ 4 | 3.24 < 3.5 | concentrate here |\n"
              "| delivery reliability | 3.90 < 4 | 3.78 ≥ 3.5 | possible overkill |\n\n"
              "Price and after-sales clear 3.5 by less than 0.05 points: a verdict that a few respondents could "
              "flip (the bootstrap section of the chapter)."),
    explanation=("A fixed standard asks an absolute question (is it good enough?) where the mean asks a relative "
                 "one (is it better than our other attributes?). Price and after-sales pass the standard only "
                 "just."),
))

# 2 --------------------------------------------------------------------------------------------------------------


def _crosshair_answer():
    by_mean, by_point = _quadrants("non-member", "mean"), _quadrants("non-member", _STANDARD)
    return _keys(_CROSSHAIR_OPTIONS, [a for a in by_mean.index if by_mean[a] != by_point[a]])


register(Exercise(
    id="ch07.fixed_crosshair",
    prompt=("Take the **non-members** only (segment == 'non-member', both firms). Build their PEM twice: with the "
            "mean crosshair and with the fixed standard (importance 4, performance 3.5). Which attributes change "
            "quadrant? Choose all that apply."),
    kind="multi",
    answer=_crosshair_answer,
    choices={"A": "Product range", "B": "Price level", "C": "Checkout speed", "D": "Delivery reliability",
             "E": "After-sales service", "F": "Membership programme"},
    why_wrong={
        "B": "price stays 'concentrate here': 4.32 is above both importance cuts and 3.45 below both performance cuts.",
        "C": "checkout speed stays 'concentrate here' under either crosshair.",
        "F": "the membership programme is unimportant and rated above both performance cuts: 'possible overkill' "
             "either way.",
    },
    steps=2,
    hint=("First compute the mean crosshair of the non-members' table; then compare each attribute with both "
          "crosshairs. The attributes that move lie between the two cuts on one axis."),
    solution=("Non-members' mean crosshair: importance 3.87, performance 3.67. The fixed standard (4, 3.5) raises "
              "the importance cut and lowers the performance cut, so an attribute moves if its importance lies "
              "between 3.87 and 4 or its performance between 3.5 and 3.67:\n\n"
              "* product range, importance 3.99: keep up the good work → possible overkill;\n"
              "* delivery reliability, importance 3.93: keep up the good work → possible overkill;\n"
              "* after-sales service, performance 3.51: concentrate here → keep up the good work.\n\n"
              "Answer: A, D, E."),
    explanation=("Three of ten verdicts depend on where the crosshair is: report the convention, and treat "
                 "attributes near a line as uncertain."),
))

# 3 --------------------------------------------------------------------------------------------------------------


def _gap(segment, attribute) -> float:
    table = _table(segment)
    return float(table.at[attribute, "own"] - table.at[attribute, "competitor"])


register(Exercise(
    id="ch07.member_gap",
    prompt=("Members only (segment == 'member'): in the relative-performance matrix, what is the gap of complaint "
            "handling, our performance minus the competitor's? Give it in rating points (1–5 scale) to 2 "
            "decimals, with its sign."),
    kind="number",
    answer=lambda: _gap("member", _GAP_ATTRIBUTE),
    unit="points",
    decimals=2,
    gap_scale=True,
    steps=2,
    mistakes=(
        Mistake(lambda: _gap(None, _GAP_ATTRIBUTE),
                "That is the gap of the whole survey (the chapter's matrix). Keep the members only, then compare."),
        Mistake(lambda: float(_table("member").at[_GAP_ATTRIBUTE, "own"] - _table("member")["own"].mean()),
                "That is the distance to the PEM's performance crosshair (the mean of our own attributes). The "
                "RPM compares our rating with the competitor's rating of the same attribute."),
        Mistake(lambda: float(_table("member").at[_GAP_ATTRIBUTE, "own"]),
                "That is our own performance rating; subtract the competitor's rating from it."),
    ),
    hint=("Average the performance ratings of complaint handling separately for the chain's and the competitor's "
          "members, then take own − competitor."),
    solution=("Members who shop at the chain (168) rate complaint handling 3.15 on average; members who shop at "
              "the competitor (107) rate theirs 3.42. Gap = 3.15 − 3.42 = **−0.27** points: an urgent weakness, "
              "as complaint handling is the most important attribute."),
    explanation=("Our members rate complaint handling lower than the competitor's members rate theirs: a negative "
                 "gap on the most important attribute."),
))

# 4 --------------------------------------------------------------------------------------------------------------


def _fix_first_answer():
    from crmlab import matrices

    actions = matrices.action_list(_table("non-member"), competitor="competitor")
    return _keys(_FIX_FIRST_OPTIONS, actions.index[actions["action"] == "fix first"])


register(Exercise(
    id="ch07.fix_first",
    prompt=("Non-members only (segment == 'non-member'): combine both matrices (the ranked action list with the "
            "competitor column, mean crosshair). Which attributes get the verdict 'fix first'? Choose all that "
            "apply."),
    kind="multi",
    answer=_fix_first_answer,
    choices={"A": "Complaint handling", "B": "Checkout speed", "C": "Price level", "D": "After-sales service",
             "E": "Staff product knowledge"},
    why_wrong={
        "E": ("staff product knowledge is rated low and the competitor does better, but its importance is below "
              "the crosshair: 'watch', not 'fix first'."),
    },
    steps=2,
    hint=("'Fix first' needs both verdicts: concentrate here in the PEM (high importance, low performance) and an "
          "urgent weakness in the RPM (high importance, the competitor ahead)."),
    solution=("Non-members' crosshair: importance 3.87, performance 3.67. Concentrate here: complaint handling "
              "(3.15), checkout speed (3.27), price (3.45), after-sales (3.51). Gaps to the competitor: −0.43, "
              "−0.35, −0.44 and **−0.01**: all four are urgent weaknesses too, so all four are 'fix first' "
              "(A, B, C, D). Staff knowledge (importance 3.53) is only 'watch'.\n\n"
              "After-sales is 'fix first' on a gap of one hundredth of a point: among all respondents it is a "
              "narrow strength. Such a verdict can be noise (exercise 7 asks how to tell)."),
    explanation=("After-sales service joins the list only because the competitor's non-members rate it 0.01 "
                 "points higher: a verdict to check against its confidence interval before acting on it."),
))

# 5 --------------------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _rival_derived():
    from crmlab import matrices

    survey = _survey()
    rival = survey[survey["firm"] == "competitor"]
    return matrices.derived_importance(rival, "overall", {a: f"perf_{a}" for a in _table().index}, ci=True)


def _derived_answer():
    derived = _rival_derived()
    estimate = derived.estimate
    stated_rank = _table()["importance"].rank(ascending=False)
    derived_rank = estimate.rank(ascending=False)
    truths = {
        "A": estimate.idxmax() == "complaint_handling",
        "B": estimate["price"] < estimate["delivery"],
        "C": estimate.idxmax() == "staff_courtesy",
        "D": derived_rank["delivery"] < stated_rank["delivery"],
        "E": bool((derived.p_value < 0.05).all()),
    }
    return tuple(k for k, v in truths.items() if v)


register(Exercise(
    id="ch07.stated_vs_derived",
    prompt=("Estimate derived importance among the **competitor's** customers (firm == 'competitor'): regress "
            "their overall satisfaction on their ten perf_ ratings, standardised, and compare with the stated "
            "importance of the whole survey. Which statements hold? Choose all that apply."),
    kind="multi",
    answer=_derived_answer,
    choices={
        "A": "Complaint handling is the strongest driver of the competitor's customers' satisfaction.",
        "B": "Price drives their satisfaction less than delivery reliability does.",
        "C": "Staff courtesy is their strongest driver, as it is for the chain's own customers.",
        "D": "Delivery reliability ranks higher by derived importance than by stated importance.",
        "E": "Every attribute's coefficient differs from zero at the 5 % level.",
    },
    why_wrong={
        "C": "among the competitor's customers staff courtesy is only the fourth driver; complaint handling leads.",
        "E": ("five coefficients (price, staff knowledge, store environment, after-sales, membership) have "
              "p-values above 0.05: 200 respondents cannot tell them from zero."),
    },
    steps=2,
    hint=("Run the standardised regression on the competitor's customers only, rank its coefficients, and put "
          "that ranking beside the ranking of the mean stated importance."),
    solution=("Standardised OLS on the 200 competitor customers: complaint handling 0.26 (rank 1), delivery 0.19 "
              "(2), product range 0.18 (3), staff courtesy 0.15 (4), checkout 0.13 (5), after-sales 0.09, "
              "price 0.08, membership 0.07, staff knowledge 0.07, store environment 0.07. Stated importance "
              "ranks delivery 6th. So A, B and D hold; C fails (courtesy is 4th) and E fails (five p-values "
              "above 0.05)."),
    explanation=("Each firm's customers are moved by different things: the rival wins satisfaction with "
                 "complaint handling and delivery, the chain with staff courtesy and product range."),
))

# 6 --------------------------------------------------------------------------------------------------------------


def _margin() -> float:
    table = _table(None, "own")
    return float(table.at[_MARGIN_ATTRIBUTE, "importance"] - table["importance"].mean())


register(Exercise(
    id="ch07.own_importance_margin",
    prompt=("Build the attribute table with importance from the chain's **own customers only** "
            "(importance_from='own'). How far above the PEM's mean importance crosshair does the price level "
            "lie? Give the difference in rating points (1–5 scale) to 2 decimals."),
    kind="number",
    answer=_margin,
    unit="points",
    decimals=2,
    gap_scale=True,
    steps=2,
    mistakes=(
        Mistake(lambda: float(_table().at[_MARGIN_ATTRIBUTE, "importance"] - _table()["importance"].mean()),
                "That is the margin with importance from all respondents (the chapter's table). Use the chain's "
                "own customers only."),
        Mistake(lambda: float(_table(None, "own").at[_MARGIN_ATTRIBUTE, "importance"]),
                "That is the importance of price itself; subtract the crosshair (the mean importance of the ten "
                "attributes)."),
        Mistake(lambda: float(_table(None, "own").at[_MARGIN_ATTRIBUTE, "importance"]
                              - _table(None, "own")["importance"].median()),
                "That is the distance to the median crosshair; the prompt asks for the mean."),
    ),
    hint="Average the importance ratings over the chain's own customers, then subtract the mean over the ten attributes.",
    solution=("Own customers (300): price importance 4.2433; mean importance of the ten attributes 3.8363. "
              "Margin = 4.2433 − 3.8363 = **0.41** points (0.4070), against 0.44 with importance from all "
              "respondents: our own customers care a little less about price than the market does."),
    explanation=("Price is important to our own customers by any crosshair, though a little less than to the "
                 "market: its PEM verdict rests on performance."),
))

# 7 --------------------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _member_rpm_ci():
    from crmlab import matrices

    return matrices.rpm_ci(_responses("member"), names=_names(), n_boot=2000, seed=0)


def _close_answer():
    frame = _member_rpm_ci()
    return _keys(_CLOSE_OPTIONS, frame.index[frame["too_close"]])


register(Exercise(
    id="ch07.too_close",
    prompt=("Members only (segment == 'member'): bootstrap the relative-performance matrix over respondents "
            "(2,000 resamples, seed 0, 95 % intervals, mean crosshair). Which attributes are **too close to "
            "call**? Choose all that apply."),
    kind="multi",
    answer=_close_answer,
    choices={"A": "Product range", "B": "Staff courtesy", "C": "Staff product knowledge", "D": "Checkout speed",
             "E": "Delivery reliability", "F": "After-sales service", "G": "Complaint handling"},
    why_wrong={
        "A": "product range's gap interval and its importance interval both stay clear of the lines.",
        "D": "checkout speed is behind the competitor in every resample, and well above the importance line.",
        "G": "complaint handling's gap interval lies wholly below 0 and its importance far above the line.",
    },
    steps=2,
    hint=("Resample respondents within each firm, recompute the table and the crosshair each time, and look at "
          "whether each attribute's 95 % interval crosses the importance line or the gap line at 0."),
    solution=("Resample the 168 chain members and the 107 competitor members separately, 2,000 times (seed 0); "
              "in each resample recompute the table, the mean importance crosshair and the gaps. 95 % intervals:\n\n"
              "| attribute | gap | gap interval | importance − crosshair | interval | call |\n|---|---|---|---|---|---|\n"
              "| product range | +0.36 | +0.16 to +0.56 | +0.18 | +0.11 to +0.26 | competitive strength |\n"
              "| staff courtesy | +0.46 | +0.25 to +0.66 | −0.05 | −0.14 to +0.03 | too close to call |\n"
              "| staff knowledge | −0.16 | −0.36 to +0.05 | −0.32 | −0.40 to −0.24 | too close to call |\n"
              "| checkout speed | −0.37 | −0.60 to −0.15 | +0.26 | +0.18 to +0.34 | urgent weakness |\n"
              "| delivery | +0.11 | −0.12 to +0.34 | +0.04 | −0.04 to +0.12 | too close to call |\n"
              "| after-sales | +0.11 | −0.12 to +0.32 | +0.37 | +0.29 to +0.45 | too close to call |\n"
              "| complaint handling | −0.27 | −0.50 to −0.05 | +0.51 | +0.44 to +0.57 | urgent weakness |\n\n"
              "Answer: B, C, E, F (store environment, not listed, is too close to call as well)."),
    explanation=("Four of the members' ten RPM verdicts are noise at this sample size: only the clear calls "
                 "should drive spending."),
))

# 8 --------------------------------------------------------------------------------------------------------------

register(Exercise(
    id="ch07.budget",
    prompt=("**Managerial judgement.** The board funds two service improvements this year. Using the chapter's "
            "matrices for the whole survey — PEM, RPM, the action list, derived importance and the bootstrap "
            "intervals — which two attributes do you fund, and what do you tell the board about after-sales "
            "service and delivery reliability, which the RPM calls competitive strengths? Write a short memo "
            "(4–6 sentences)."),
    kind="judgement",
    model_answer=(
        "Fund **complaint handling** and **checkout speed**. Both are 'concentrate here' in the PEM and urgent "
        "weaknesses in the RPM, and both verdicts are clear calls: their 95 % bootstrap intervals stay away from "
        "every crosshair line. Complaint handling is also the most important attribute, our lowest rated and a "
        "strong driver of satisfaction. Price is 'fix first' too, but derived importance says it moves our "
        "customers' satisfaction least: a price cut would buy little satisfaction for a lot of margin.\n\n"
        "After-sales service and delivery reliability are **not** strengths to advertise: their gaps (+0.06 "
        "and +0.06) have intervals from about −0.10 to +0.2, so the survey cannot say whether we are ahead "
        "or behind. Keep them level, measure them again with a larger sample, and do not cut their budgets "
        "on the strength of this matrix."
    ),
    rubric=(
        "Funds attributes that both matrices flag and whose intervals do not cross a line (complaint handling, "
        "checkout speed).",
        "Weighs price against derived importance instead of following stated importance alone.",
        "Calls after-sales and delivery 'too close to call', not strengths, citing their intervals.",
        "Says which crosshair the verdicts rest on, or that attributes near a line are fragile.",
        "Proposes a follow-up: a larger sample or a re-measurement before acting on the uncertain attributes.",
    ),
    hint="Combine the two matrices' verdicts with the intervals and with what drives satisfaction.",
    explanation=("A matrix ranks attributes; the decision also needs how sure the ranking is and what each fix "
                 "would buy."),
))
