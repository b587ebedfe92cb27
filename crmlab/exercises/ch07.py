"""Exercises of notebook 07 (performance matrices): classify attributes, read a gap, choose the first fix."""

from __future__ import annotations

from functools import lru_cache

from crmlab.exercises import Exercise, Mistake, register

# The four attributes of the classification exercise, one per PEM quadrant with the mean crosshair.
_CLASSIFY = ("complaint_handling", "product_range", "staff_knowledge", "membership")
_MEDIAN_OPTIONS = {"A": "delivery", "B": "price", "C": "membership", "D": None}
_FIRST_FIX_OPTIONS = {"A": "price", "B": "complaint_handling", "C": "after_sales", "D": "staff_knowledge"}


@lru_cache(maxsize=1)
def _survey():
    from crmlab import datasets

    return datasets.load("service_survey")


@lru_cache(maxsize=1)
def _table():
    from crmlab import datasets, matrices

    names = datasets.load("service_attributes").set_index("attribute")["name"]
    return matrices.attribute_table(_survey(), names=names)


def _pem(crosshair="mean"):
    from crmlab import matrices

    return matrices.pem(_table(), crosshair=crosshair)


def _classify_answer():
    quadrants = _pem()["quadrant"]
    return [str(quadrants[a]) for a in _CLASSIFY]


def _median_answer():
    by_mean, by_median = _pem("mean"), _pem("median")
    changed = [a for a in by_mean.index if by_mean.at[a, "quadrant"] != by_median.at[a, "quadrant"]]
    target = changed[0] if len(changed) == 1 else None
    return next(k for k, v in _MEDIAN_OPTIONS.items() if v == target)


def _gap(attribute: str) -> float:
    from crmlab import matrices

    return float(matrices.rpm(_table()).at[attribute, "gap"])


def _pem_distance(attribute: str) -> float:
    frame = _pem()
    return float(frame.at[attribute, "performance"] - frame.attrs["crmlab_matrix"]["crosshair"][1])


def _first_fix_answer():
    from crmlab import matrices

    first = matrices.action_list(_table(), competitor="competitor").index[0]
    return next(k for k, v in _FIRST_FIX_OPTIONS.items() if v == first)


def _derived_answer():
    from crmlab import matrices

    own = _survey()[_survey()["firm"] == "own"]
    table = _table()
    derived = matrices.derived_importance(own, "overall", {a: f"perf_{a}" for a in table.index})
    stated_rank = table["importance"].rank(ascending=False)
    derived_rank = derived.rank(ascending=False)
    truths = {
        "A": derived.idxmin() == "price" and stated_rank["price"] <= 3,
        "B": derived_rank["membership"] < stated_rank["membership"],
        "C": bool((stated_rank == derived_rank).all()),
        "D": False,  # derived importance is a regression on the overall rating: it needs that question
        "E": derived.idxmax() == "staff_courtesy" and _pem().at["staff_courtesy", "quadrant"] == "possible overkill",
    }
    return tuple(k for k, v in truths.items() if v)


register(Exercise(
    id="ch07.classify",
    prompt=("Build the performance-evaluation matrix of the service_survey (attribute_table, then pem with the "
            "mean crosshair). Which quadrant is each attribute in? Type four quadrant names in order, separated "
            "by commas: (1) complaint handling; (2) product range; (3) staff product knowledge; "
            "(4) membership programme."),
    kind="labels",
    answer=_classify_answer,
    labels=("concentrate here", "keep up the good work", "low priority", "possible overkill"),
    items=("(1) complaint handling", "(2) product range", "(3) staff product knowledge", "(4) membership programme"),
    hint=("Compare each attribute's importance with the mean importance and its performance with the mean "
          "performance; a value on the line counts as high."),
    explanation=("Complaint handling matters a lot and is rated low (concentrate here); product range matters "
                 "and is rated high (keep up the good work); staff knowledge is below both means (low priority); "
                 "the membership programme is rated well but matters little (possible overkill)."),
))

register(Exercise(
    id="ch07.median_crosshair",
    prompt=("Move the PEM's crosshair from the mean of the attributes to their median. Which attribute changes "
            "quadrant?"),
    kind="choice",
    answer=_median_answer,
    choices={"A": "Delivery reliability", "B": "Price level", "C": "Membership programme",
             "D": "None: the verdict is the same"},
    why_wrong={
        "B": "price is far above both cuts on importance and far below on performance: it stays 'concentrate here'.",
        "C": "the membership programme is the least important attribute under either crosshair.",
        "D": "compare pem(table)['quadrant'] with pem(table, crosshair='median')['quadrant'] row by row.",
    },
    hint=("Compute the mean and the median of the importance column: look for an attribute whose importance "
          "lies between them."),
    explanation=("Delivery reliability's importance lies between the mean and the (higher) median importance, "
                 "so it drops from 'keep up the good work' to 'possible overkill'. Attributes near a crosshair "
                 "are fragile verdicts: say so when you report them."),
))

register(Exercise(
    id="ch07.checkout_gap",
    prompt=("In the relative-performance matrix, what is the gap of checkout speed, own performance minus the "
            "competitor's? Two decimals."),
    kind="number",
    answer=lambda: _gap("checkout_speed"),
    tolerance=0.005,
    mistakes=(
        Mistake(lambda: _pem_distance("checkout_speed"),
                "That is the distance to the PEM's performance crosshair (the mean of our own attributes). The "
                "RPM compares our rating with the competitor's rating of the same attribute."),
        Mistake(lambda: float(_table().at["checkout_speed", "own"]),
                "That is our own performance rating; subtract the competitor's rating from it."),
    ),
    hint="rpm(table).loc['checkout_speed', 'gap'], or own − competitor from the attribute table.",
    explanation=("Our customers rate checkout speed lower than the competitor's customers rate theirs (a negative "
                 "gap): with high importance, that makes it an urgent weakness."),
))

register(Exercise(
    id="ch07.first_fix",
    prompt=("Use both matrices together (action_list with the competitor column). Which attribute should the "
            "chain fix first?"),
    kind="choice",
    answer=_first_fix_answer,
    choices={"A": "Price level", "B": "Complaint handling", "C": "After-sales service",
             "D": "Staff product knowledge"},
    why_wrong={
        "A": ("price is also a 'fix first' attribute, but its shortfall is smaller than complaint handling's and "
              "derived importance says it drives satisfaction least."),
        "C": ("after-sales is 'concentrate here' in the PEM but we are slightly ahead of the competitor: fix it, "
              "but after the attributes where the rival is better."),
        "D": "staff knowledge has a shortfall but low importance: watch it rather than fix it first.",
    },
    hint=("Look for high importance, low performance AND a competitor that does better; then compare "
          "importance × shortfall."),
    explanation=("Complaint handling is the most important attribute, our lowest-rated one and worse than the "
                 "competitor's: both matrices agree, and its importance × shortfall is the largest."),
))

register(Exercise(
    id="ch07.stated_vs_derived",
    prompt=("Compare stated importance (mean imp_ ratings) with derived importance (derived_importance on the own "
            "store's customers, overall satisfaction on the perf_ ratings). Which statements hold? Choose all "
            "that apply."),
    kind="multi",
    answer=_derived_answer,
    choices={
        "A": ("Price is among the three most important attributes by stated importance but drives overall "
              "satisfaction least."),
        "B": "The membership programme ranks higher by derived than by stated importance.",
        "C": "The two methods rank the attributes in the same order.",
        "D": "Derived importance can be computed without asking for overall satisfaction.",
        "E": "Staff courtesy, 'possible overkill' by stated importance, is the strongest driver of satisfaction.",
    },
    why_wrong={
        "C": "they disagree a lot: customers say price matters most, yet it moves their satisfaction least.",
        "D": ("derived importance regresses the overall rating on the attribute ratings: without it there is "
              "nothing to explain."),
    },
    hint="Rank both Series with .rank(ascending=False) and compare them side by side.",
    explanation=("Stated importance says what customers think matters; derived importance shows what moves their "
                 "satisfaction. Use both: an attribute that is 'possible overkill' by stated importance can be a "
                 "hidden driver you must not cut."),
))
