"""Exercises of notebook 03 (balanced scorecard): perspectives, Kendall's W and AHP by hand, reading Delphi rounds,
a fuzzy evaluation of another firm and when its grade can be trusted, a re-weighted scorecard, a board report.

Every number exercise works on data whose answer the chapter does not print: a 4 × 5 ranking table and a
3 × 3 AHP matrix given in the prompt, a retail bank's rater votes, and perspective weights the chapter does
not try.
"""

from __future__ import annotations

from functools import lru_cache

from crmlab.exercises import Exercise, Mistake, register

_PERSPECTIVE_LABELS = ("financial", "customer", "internal process", "learning & growth")
_CLASSIFY = ("New customer acquisition rate", "CRM training hours per employee", "Customer profit growth",
             "Complaint resolution time", "CRM system usage rate")

# Four experts rank five indicators (1 = most important), no ties: Kendall's W by hand.
_RANKS = ((1, 2, 3, 4, 5), (2, 1, 3, 5, 4), (1, 3, 2, 4, 5), (3, 1, 2, 5, 4))
_AHP_MATRIX = [[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]]
# A retail bank's CRM system: 20 raters' votes (excellent, good, fair, poor) on three indicators, and weights.
_BANK_VOTES = ((8, 7, 4, 1), (5, 9, 5, 1), (6, 6, 6, 2))
_BANK_WEIGHTS = (0.5, 0.3, 0.2)
_GRADE_SCORES = (95, 85, 70, 50)
_NEW_WEIGHTS = {"financial": 0.4, "customer": 0.3, "internal_process": 0.2, "learning_growth": 0.1}


def _kendall_parts():
    m, n = len(_RANKS), len(_RANKS[0])
    sums = [sum(r[j] for r in _RANKS) for j in range(n)]
    mean = m * (n + 1) / 2
    s = sum((x - mean) ** 2 for x in sums)
    return m, n, s


def _kendall_w(*, square_m: bool = True, cubic: bool = True, twelve: bool = True) -> float:
    m, n, s = _kendall_parts()
    denominator = (m**2 if square_m else m) * ((n**3 - n) if cubic else n**2)
    return (12 if twelve else 1) * s / denominator


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
    from crmlab import datasets, weighting

    return weighting.delphi(datasets.load("expert_rankings"))


def _delphi_truths() -> dict:
    d = _delphi()
    w = d.concordance["W"]
    top2 = d.final_weights.sort_values(ascending=False).index[:2]
    gap = float(d.final_weights[top2[0]] - d.final_weights[top2[1]])
    settled = gap >= 0.005 and not set(top2) & set(d.disputed)
    return {
        "A": bool(w.is_monotonic_increasing and w.diff().dropna().gt(0).all()),
        # After feedback the experts see each other's mean ranks: their rankings are no longer independent, which
        # the chi-square test assumes. The statement claims the test still proves agreement beyond chance.
        "B": False,
        "C": bool(d.converged),
        "D": settled,
        "E": bool(d.final_weights.sum() > 1.0 + 1e-9),
        "F": bool(d.concordance["p_value"].iloc[0] < 0.01),
    }


def _delphi_answer():
    return tuple(k for k, v in _delphi_truths().items() if v)


def _bank(weights=_BANK_WEIGHTS):
    from crmlab import fuzzy

    membership = fuzzy.membership_from_votes(list(_BANK_VOTES))
    return fuzzy.evaluate(list(weights), membership, grade_scores=list(_GRADE_SCORES))


def _bank_alpha_variant(*, two: bool = True, second: str = "second", n_minus_1: bool = True) -> float:
    b = sorted(_bank().normalized.tolist(), reverse=True)
    n = len(b)
    gamma = b[1] if second == "second" else b[-1]
    return (n * b[0] - 1) / ((2 if two else 1) * gamma * ((n - 1) if n_minus_1 else n))


def _card():
    from crmlab import datasets, scorecard

    return scorecard.from_frame(datasets.load("crm_scorecard"))


def _reweighted(weights) -> float:
    return _card().reweight(weights).total


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
    solution=("(1) acquisition answers *who are our customers* → customer; (2) training hours build people's "
              "capability → learning & growth; (3) profit growth is the shareholders' question → financial; "
              "(4) complaint resolution time measures a key process → internal process; (5) system usage is the "
              "capability of the CRM system itself → learning & growth."),
))

register(Exercise(
    id="ch03.kendall_by_hand",
    prompt=("Four experts rank five CRM indicators A–E (1 = most important, no ties): expert 1: A 1, B 2, C 3, "
            "D 4, E 5; expert 2: A 2, B 1, C 3, D 5, E 4; expert 3: A 1, B 3, C 2, D 4, E 5; expert 4: A 3, B 1, "
            "C 2, D 5, E 4. Compute Kendall's coefficient of concordance W by hand (rank sums, S, then W). Give W "
            "as a coefficient between 0 and 1 to 3 decimals."),
    kind="number",
    answer=_kendall_w,
    unit="coefficient",
    decimals=3,
    steps=3,
    mistakes=(
        Mistake(lambda: _kendall_parts()[2], "That is S, the sum of squared deviations of the rank sums; W = "
                                             "12 S / (m² (n³ − n))."),
        Mistake(lambda: _kendall_w(square_m=False), "The denominator has m², the number of experts squared, "
                                                    "not m: W cannot exceed 1."),
        Mistake(lambda: _kendall_w(cubic=False), "The denominator has n³ − n (here 125 − 5), not n²."),
        Mistake(lambda: _kendall_w(twelve=False), "You left out the factor 12 in W = 12 S / (m² (n³ − n))."),
        Mistake(lambda: _kendall_parts()[0] * (_kendall_parts()[1] - 1) * _kendall_w(),
                "That is the chi-square statistic m (n − 1) W, not W itself."),
    ),
    hint="Add each indicator's ranks over the experts, measure how far the rank sums spread around their mean "
         "(S), and divide by the largest spread m experts could produce.",
    explanation="W is fairly high: the experts agree on the top pair and the bottom pair, not on the order inside.",
    solution=("Rank sums: A 1+2+1+3 = 7, B 2+1+3+1 = 7, C 3+3+2+2 = 10, D 4+5+4+5 = 18, E 5+4+5+4 = 18. Their "
              "mean is m(n + 1)/2 = 4 × 6 / 2 = 12. S = (7−12)² + (7−12)² + (10−12)² + (18−12)² + (18−12)² = "
              "25 + 25 + 4 + 36 + 36 = 126. W = 12 S / (m² (n³ − n)) = 12 × 126 / (16 × 120) = 1512 / 1920 = "
              "**0.7875** (0.788 or 0.787 at 3 decimals). Check: `weighting.kendall_w` on the table."),
))

register(Exercise(
    id="ch03.ahp_cr",
    prompt=("A manager compares three CRM objectives in pairs: retention is 3 times as important as satisfaction "
            "and 5 times as important as acquisition; satisfaction is 3 times as important as acquisition. "
            "Matrix: [[1, 3, 5], [1/3, 1, 3], [1/5, 1/3, 1]]. Find λmax, then the consistency index CI, then the "
            "consistency ratio CR with Saaty's random index RI = 0.58 for n = 3. Give CR as a decimal to 3 "
            "decimals."),
    kind="number",
    answer=lambda: _ahp().cr,
    unit="ratio",
    decimals=3,
    steps=3,
    mistakes=(
        Mistake(lambda: _ahp().ci, "That is the consistency index CI = (λmax − n)/(n − 1). Divide it by the "
                                   "random index RI = 0.58 for n = 3."),
        Mistake(lambda: _ahp().lambda_max - 3, "That is λmax − n; divide by n − 1 for CI, then by RI = 0.58 "
                                               "for CR."),
        Mistake(lambda: _ahp().ci / 0.52, "You divided CI by 0.52, the random index of another table (e.g. "
                                          "Alonso & Lamata's); the prompt asks for Saaty's RI = 0.58."),
        Mistake(lambda: (_ahp().lambda_max - 3) / 0.58, "You divided λmax − n by RI; CI first divides it by "
                                                        "n − 1 = 2."),
    ),
    hint="λmax is the largest eigenvalue of the matrix (or the mean of (A w)_i / w_i for the priority vector w); "
         "CI measures how far it exceeds n; CR compares CI with random matrices of the same size.",
    explanation="CR is far below 0.10: the judgments are acceptably consistent.",
    solution=("Priority vector (principal eigenvector, normalised): w ≈ (0.637, 0.258, 0.105). A w ≈ (1.936, "
              "0.785, 0.318), so (A w)_i / w_i ≈ (3.039, 3.039, 3.039) and λmax ≈ 3.0385. CI = (3.0385 − 3) / "
              "(3 − 1) = 0.0193. CR = CI / RI = 0.0193 / 0.58 = **0.0332** (0.033 at 3 decimals) < 0.10: "
              "consistent. Check: `weighting.ahp(matrix).cr`."),
))

register(Exercise(
    id="ch03.delphi_statements",
    prompt=("Read the chapter's three Delphi rounds (`weighting.delphi` on the expert_rankings dataset). Which "
            "statements are true? Choose all that apply."),
    kind="multi",
    answer=_delphi_answer,
    choices={
        "A": "Kendall's W rises from each round to the next",
        "B": "Round 3's chi-square p-value proves that the experts agree far beyond chance",
        "C": "By the CV ≤ 0.25 rule every indicator has converged in round 3",
        "D": "Round 3 settles whether customer satisfaction or customer profit growth matters more",
        "E": "The round-3 weights sum to more than 1 because W < 1",
        "F": "Round 1's agreement is significant at the 1 % level",
    },
    why_wrong={
        "B": "the chi-square test assumes the experts rank independently; after rounds of feedback each expert "
             "has seen the panel's mean ranks, so part of the agreement is produced by the feedback itself. Only "
             "round 1 can be tested that way",
        "C": "several top indicators still have CV > 0.25 (see result.disputed): the experts agree they matter most "
             "but not on their exact order",
        "D": "their round-3 weights differ only in the fourth decimal and both are still disputed (CV > 0.25): "
             "in practice a tie",
        "E": "rank-sum weights always sum to 1; W measures agreement, it does not scale the weights",
    },
    steps=2,
    hint="Look at the concordance table (W and p-value per round), the CVs of the last round and the final weights "
         "of the top indicators. Ask what a significance test assumes about the experts.",
    explanation=("W climbs round by round; round 1, ranked independently, is already significant; later rounds' "
                 "p-values cannot be read as independent confirmation, and the top two indicators are tied."),
    solution=("A is true (W 0.47 → 0.70 → 0.86). F is true: round 1's p-value is far below 0.01, and round 1 is "
              "the round the experts rank independently. B is false: feedback makes the later rankings dependent, "
              "so the chi-square test's null hypothesis (independent random rankings) no longer describes how they "
              "were made. C is false (7 indicators still have CV > 0.25). D is false: satisfaction and profit "
              "growth differ by well under 0.001 in weight and are both disputed. E is false: rank-sum weights "
              "sum to 1 by construction. Answer: **A, F**."),
))

register(Exercise(
    id="ch03.bank_fuzzy_score",
    prompt=("A retail bank has its CRM system graded by 20 raters (votes excellent / good / fair / poor): "
            "service quality 8 / 7 / 4 / 1, system usage 5 / 9 / 5 / 1, data quality 6 / 6 / 6 / 2. The "
            "indicators weigh 0.5, 0.3 and 0.2. With the weighted-average operator M(·,+) and the grade scores "
            "excellent 95, good 85, fair 70, poor 50, what is the bank's score? Give it in points to 2 decimals."),
    kind="number",
    answer=lambda: _bank().score,
    unit="points",
    decimals=2,
    steps=3,
    mistakes=(
        Mistake(lambda: _bank((1 / 3, 1 / 3, 1 / 3)).score, "That is the score with equal weights; weight the "
                                                             "rows 0.5, 0.3 and 0.2."),
        Mistake(85, "85 is the score of the grade with the largest membership; the weighted-average score uses "
                    "every grade: Σ b_j × score_j."),
        Mistake(lambda: 20 * _bank().score, "You used the vote counts as memberships; a membership is the share "
                                            "of raters (votes ÷ 20)."),
    ),
    hint="Turn the votes into memberships (shares of raters), combine the rows with the weights into one "
         "evaluation vector B, then weight the grade scores by B.",
    explanation="A score in the low 80s sits between fair (70) and good (85), nearer good.",
    solution=("Memberships (votes ÷ 20): service (0.40, 0.35, 0.20, 0.05), usage (0.25, 0.45, 0.25, 0.05), data "
              "(0.30, 0.30, 0.30, 0.10). B = 0.5 × service + 0.3 × usage + 0.2 × data = (0.335, 0.370, 0.235, "
              "0.060). Score = 0.335 × 95 + 0.370 × 85 + 0.235 × 70 + 0.060 × 50 = 31.825 + 31.450 + 16.450 + "
              "3.000 = **82.725** points (82.73 or 82.72 at 2 decimals). Check: `fuzzy.evaluate(weights, "
              "membership, grade_scores=...)`."),
))

register(Exercise(
    id="ch03.bank_validity",
    prompt=("For the same bank, the maximum-membership principle grades the system 'good'. How far can that "
            "grade be trusted? Compute the validity index α = (nβ − 1) / (2γ(n − 1)) of the principle, where β "
            "is the largest and γ the second-largest membership of the normalised evaluation vector B and n the "
            "number of grades. Give α as a decimal to 3 decimals."),
    kind="number",
    answer=lambda: _bank().validity,
    unit="index",
    decimals=3,
    steps=2,
    mistakes=(
        Mistake(lambda: _bank_alpha_variant(two=False), "You left out the 2 in the denominator 2γ(n − 1)."),
        Mistake(lambda: _bank_alpha_variant(second="smallest"), "γ is the *second-largest* membership, not the "
                                                                "smallest."),
        Mistake(lambda: _bank_alpha_variant(n_minus_1=False), "The denominator has n − 1 = 3 (four grades), "
                                                              "not n."),
        Mistake(lambda: _bank((1 / 3, 1 / 3, 1 / 3)).validity, "That is α of the equal-weight vector; use the "
                                                               "weights 0.5, 0.3, 0.2."),
    ),
    hint="First build B as in the previous exercise; then find its largest and second-largest memberships and "
         "put them into the validity formula.",
    explanation=("α is below 0.5, and the largest membership is below 0.5 too: report the score, not 'good' "
                 "alone."),
    solution=("B = (0.335, 0.370, 0.235, 0.060), so β = 0.370 (good), γ = 0.335 (excellent), n = 4. α = (4 × 0.370 "
              "− 1) / (2 × 0.335 × 3) = 0.480 / 2.010 = **0.2388** (0.239 at 3 decimals). α < 0.5 means the "
              "principle is of low effectiveness here: 'good' wins by only 0.035 and holds 37 % of the membership. "
              "`fuzzy.evaluate(...).validity` gives the same; `.reliable` is False."),
))

register(Exercise(
    id="ch03.strategy_weights",
    prompt=("The board wants the CRM scorecard to lean towards results: perspective weights financial 0.4, "
            "customer 0.3, internal process 0.2, learning & growth 0.1, each measure keeping its share within its "
            "perspective. What is the total score of the crm_scorecard dataset with these weights? Give it as a "
            "percentage of target to one decimal."),
    kind="number",
    answer=lambda: _reweighted(_NEW_WEIGHTS),
    percent=True,
    unit="% of target",
    decimals=1,
    steps=2,
    mistakes=(
        Mistake(lambda: _card().total, "That is the total with the dataset's own weights; apply the board's "
                                       "perspective weights."),
        Mistake(lambda: _reweighted(dict(zip(_NEW_WEIGHTS, (0.1, 0.2, 0.3, 0.4)))), "You reversed the weights: "
                "financial gets 0.4 and learning & growth 0.1."),
        Mistake(lambda: float(_card().measures["achievement"].mean()), "That is the plain mean of the twelve "
                "achievements; weight each perspective's achievement by the board's weight."),
    ),
    hint="A perspective's achievement does not depend on the perspective weights; the total is the weighted sum "
         "of the four perspective achievements.",
    explanation=("Moving weight away from the weak learning & growth perspective flatters the total: the reason "
                 "weights must be agreed before the results are in."),
    solution=("Perspective achievements (`card.by_perspective()`): financial 0.9713, customer 0.9520, internal "
              "process 0.9328, learning & growth 0.7867. Total = 0.4 × 0.9713 + 0.3 × 0.9520 + 0.2 × 0.9328 + "
              "0.1 × 0.7867 = 0.3885 + 0.2856 + 0.1866 + 0.0787 = **0.9393**, i.e. 93.9 % of target (at risk). "
              "Check: `card.reweight({...}).total`."),
))

register(Exercise(
    id="ch03.board_report",
    prompt=("The board's summary slide reads \"CRM system: excellent\". Using this chapter's numbers (the "
            "scorecard, the Delphi rounds and the fuzzy evaluation), what would you put on the slide instead, and "
            "what would you ask the evaluation team to change before the next evaluation?"),
    kind="judgement",
    hint="Check whether the largest membership is a majority and agrees with the score; then look at what the "
         "scorecard and the way the inputs were collected add.",
    explanation="There is no single right answer; compare yours with the model answer and the rubric.",
    model_answer=(
        "**On the slide:** \"CRM system: score 84.3 on the raters' grade scale (poor 50 … excellent 95), "
        "between fair (70) and good (85), nearer good; 92.4 % of target on the scorecard, at risk; learning & "
        "growth off track (78.7 % of target: training hours and system usage).\" Not \"excellent\": only 43 % "
        "of the membership is in excellent, the validity index of the maximum-membership principle is 0.38 "
        "(low), and the score falls below the 85 assigned to good.\n\n"
        "**Ask the team to:** (1) report the weighted-average score with the membership vector, and a grade only "
        "when the largest membership is at least 0.5 and agrees with the score; (2) give raters the scorecard "
        "data before they vote: they rated customer acquisition mostly excellent while it is at 80 % of target; "
        "(3) agree the weights before the results, since equal or AHP weights move the total; (4) not present "
        "the later Delphi rounds' p-values as proof of agreement, since feedback makes the rankings dependent; "
        "and (5) run a fourth round or a discussion on the seven indicators still disputed."),
    rubric=(
        "Replaces the grade with the score (and its nearest grade), citing the membership below 0.5 or the low "
        "validity index.",
        "Brings in the scorecard: total at risk and learning & growth off track.",
        "Notices at least one problem with the inputs: raters' votes that contradict the data, weights chosen "
        "after the fact, or Delphi p-values read as independent agreement.",
        "Proposes concrete changes to the process, not only to the wording.",
    ),
))
