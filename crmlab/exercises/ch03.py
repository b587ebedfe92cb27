"""Exercises of notebook 03 (balanced scorecard): perspectives, Kendall's W, AHP consistency, Delphi, fuzzy grades."""

from __future__ import annotations

from functools import lru_cache

from crmlab.exercises import Exercise, Mistake, register

_AHP_MATRIX = [[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]]
_PERSPECTIVE_LABELS = ("financial", "customer", "internal process", "learning & growth")
_CLASSIFY = ("New customer acquisition rate", "CRM training hours per employee", "Customer profit growth",
             "Complaint resolution time", "CRM system usage rate")
_GRADE_OPTIONS = {"A": "excellent", "B": "good", "C": "fair", "D": "poor"}
_GRADE_SCORES = {"excellent": 95, "good": 85, "fair": 70, "poor": 50}


@lru_cache(maxsize=1)
def _rankings():
    from crmlab import datasets

    return datasets.load("expert_rankings")


def _round_table(k: int):
    from crmlab import weighting

    long = _rankings()
    return weighting.wide_rankings(long[long["round"] == k])


def _w(k: int) -> float:
    from crmlab import weighting

    return weighting.kendall_w(_round_table(k))


def _w_without_ties(k: int) -> float:
    # Kendall's W without the tie correction: 12 S / (m²(n³ − n)).
    table = _round_table(k).rank(axis=1)
    m, n = table.shape
    sums = table.sum(axis=0)
    return float(12 * ((sums - sums.mean()) ** 2).sum() / (m**2 * (n**3 - n)))


def _ahp():
    from crmlab import weighting

    return weighting.ahp(_AHP_MATRIX)


def _classify_answer():
    from crmlab import datasets, scorecard

    frame = datasets.load("crm_scorecard").set_index("measure")
    names = {code: name.rsplit(" ", 1)[0].lower() for code, name in scorecard.PERSPECTIVE_NAMES.items()}
    return [names[frame.at[m, "perspective"]] for m in _CLASSIFY]


@lru_cache(maxsize=1)
def _delphi():
    from crmlab import weighting

    return weighting.delphi(_rankings())


def _delphi_truths() -> dict:
    d = _delphi()
    w = d.concordance["W"]
    return {
        "A": bool(w.is_monotonic_increasing),
        "B": bool(d.concordance["p_value"].iloc[-1] < 0.01),
        "C": bool(d.converged),
        "D": d.final_weights.idxmax() == "satisfaction",
        "E": bool(d.final_weights.sum() > 1.0 + 1e-9),
    }


def _delphi_answer():
    return tuple(k for k, v in _delphi_truths().items() if v)


def _levels():
    from crmlab import datasets, fuzzy

    membership = fuzzy.membership_from_votes(datasets.load("scorecard_votes"))
    weights = _delphi().final_weights
    global_weights = weights.reindex(membership.index.get_level_values("indicator")).to_numpy()
    return fuzzy.evaluate_levels(membership, global_weights, grade_scores=_GRADE_SCORES)


def _learning_grade_answer():
    grade = _levels().group_results["learning_growth"].grade
    return next(k for k, v in _GRADE_OPTIONS.items() if v == grade)


def _card():
    from crmlab import datasets, scorecard

    return scorecard.from_frame(datasets.load("crm_scorecard"))


def _equal_total() -> float:
    return _card().reweight(dict.fromkeys(("financial", "customer", "internal_process", "learning_growth"),
                                          0.25)).total


def _equal_measures_total() -> float:
    return float(_card().measures["achievement"].mean())


register(Exercise(
    id="ch03.perspectives",
    prompt=("Put each CRM measure in its balanced-scorecard perspective, in order, separated by commas: "
            "(1) new customer acquisition rate; (2) CRM training hours per employee; (3) customer profit growth; "
            "(4) complaint resolution time; (5) CRM system usage rate. Perspectives: financial, customer, "
            "internal process, learning & growth."),
    kind="labels",
    answer=_classify_answer,
    labels=_PERSPECTIVE_LABELS,
    items=tuple(f"({k + 1}) {m}" for k, m in enumerate(_CLASSIFY)),
    hint="Whose question does each measure answer: shareholders (financial), customers, the key processes, or the "
         "people and systems that make improvement possible (learning & growth)?",
    explanation=("Acquisition is a customer measure; training hours and system usage build capability (learning & "
                 "growth); profit growth is financial; complaint resolution time measures a key process."),
))

register(Exercise(
    id="ch03.kendall_round1",
    prompt=("Take round 1 of the expert_rankings dataset (crmlab.weighting.wide_rankings on the rows where "
            "round == 1). What is Kendall's W, with the correction for ties? Give 3 decimals."),
    kind="number",
    answer=lambda: _w(1),
    tolerance=0.0015,
    mistakes=(
        Mistake(lambda: _w_without_ties(1), "That W ignores the tied ranks: the experts gave equal ranks, so "
                                            "subtract m·Σ(t³ − t) in the denominator (kendall_w does it)."),
        Mistake(lambda: _w(3), "That is round 3, after two rounds of feedback; the question asks for round 1."),
    ),
    hint="long = datasets.load('expert_rankings'); weighting.kendall_w(weighting.wide_rankings(long[long['round'] == 1]))",
    explanation=("W ≈ 0.47 in round 1: moderate agreement. Feeding the mean ranks back raises it to about 0.86 by "
                 "round 3, the convergence the Delphi method aims for."),
))

register(Exercise(
    id="ch03.ahp_cr",
    prompt=("A manager compares three CRM objectives in pairs: retention is 3 times as important as satisfaction "
            "and 5 times as important as acquisition; satisfaction is 3 times as important as acquisition. "
            "Matrix: [[1, 3, 5], [1/3, 1, 3], [1/5, 1/3, 1]]. What is the consistency ratio CR? Give 3 decimals."),
    kind="number",
    answer=lambda: _ahp().cr,
    tolerance=0.0015,
    mistakes=(
        Mistake(lambda: _ahp().ci, "That is the consistency index CI = (λmax − n)/(n − 1). Divide it by the "
                                   "random index RI = 0.58 for n = 3."),
        Mistake(lambda: _ahp().lambda_max - 3, "That is λmax − n; divide by n − 1 for CI, then by RI = 0.58 for CR."),
    ),
    hint="weighting.ahp(matrix).cr",
    explanation="λmax ≈ 3.039, CI ≈ 0.019, CR = CI / 0.58 ≈ 0.033 < 0.10: the judgments are acceptably consistent.",
))

register(Exercise(
    id="ch03.delphi_statements",
    prompt=("Run crmlab.weighting.delphi on the expert_rankings dataset. Which statements are true? Choose all that "
            "apply."),
    kind="multi",
    answer=_delphi_answer,
    choices={
        "A": "Kendall's W rises from each round to the next",
        "B": "The round-3 agreement is significant at the 1 % level",
        "C": "By the CV ≤ 0.25 rule every indicator has converged in round 3",
        "D": "Customer satisfaction has the largest weight in round 3",
        "E": "The round-3 weights sum to more than 1 because W < 1",
    },
    why_wrong={
        "C": "several top indicators still have CV > 0.25 (see result.disputed): the experts agree they matter most "
             "but not on their exact order",
        "E": "rank-sum weights always sum to 1; W measures agreement, it does not scale the weights",
    },
    hint="Look at result.concordance, result.disputed and result.final_weights.",
    explanation=("W climbs 0.47 → 0.70 → 0.86 and is highly significant; satisfaction edges out profit growth; "
                 "but the CV rule still flags the top indicators, whose mean ranks are small."),
))

register(Exercise(
    id="ch03.learning_grade",
    prompt=("Evaluate the CRM system with crmlab.fuzzy.evaluate_levels: membership from the scorecard_votes "
            "dataset, the round-3 Delphi weights as global indicator weights, the weighted-average operator. "
            "Which grade does the learning & growth perspective get by the maximum-membership principle?"),
    kind="choice",
    answer=_learning_grade_answer,
    choices=_GRADE_OPTIONS,
    why_wrong={
        "A": "excellent is the usual grade of the customer-facing perspectives; look at the learning & growth row",
        "B": "compare the memberships in the learning & growth row again: which one is the largest?",
        "D": "poor is the largest membership of no perspective here",
    },
    hint="result.group_results['learning_growth'].grade, or the row of result.to_frame().",
    explanation=("Raters put system usage and employee satisfaction mostly in 'fair', so learning & growth is the "
                 "weak perspective even though the whole system grades 'excellent'."),
))

register(Exercise(
    id="ch03.equal_weights",
    prompt=("Score the crm_scorecard dataset with crmlab.scorecard.from_frame, then give the four perspectives equal "
            "weights (0.25 each) with card.reweight, keeping each measure's share within its perspective. What is "
            "the total score? Give 4 decimals."),
    kind="number",
    answer=_equal_total,
    tolerance=0.0005,
    mistakes=(
        Mistake(lambda: _card().total, "That is the total with the dataset's own weights; reweight first."),
        Mistake(_equal_measures_total, "That is the plain mean of the twelve achievements; within a perspective the "
                                       "measures keep their own shares, which are not equal."),
    ),
    hint="card.reweight({'financial': 0.25, 'customer': 0.25, 'internal_process': 0.25, 'learning_growth': 0.25}).total",
    explanation=("Equal weights move weight from the strong financial and customer perspectives to learning & "
                 "growth, so the total falls a little: weights are a strategic choice, not a detail."),
))
