"""Exercises of notebook 02 (performance pyramid): levels, linkage, a node scored by hand, what-ifs, a decision.

Every number exercise works on data the chapter does not print the answer for: another firm's quality
node (given in the prompt), and what-ifs on the example pyramid that the chapter does not run (faster
tailored offers, financial counting three times as much as market, productivity with waste fixed).
"""

from __future__ import annotations

from crmlab.exercises import Exercise, Mistake, register

_LEVEL_LABELS = ("vision", "business units", "business operating systems", "departments and work centres")
_PLACE = ("flexibility", "waste", "financial", "delivery", "vision")
_SERVE_OPTIONS = {"A": "customer satisfaction", "B": "flexibility", "C": "productivity", "D": "market",
                  "E": "financial"}
_STATUS_OPTIONS = {"A": "on track", "B": "at risk", "C": "off track"}

# Another firm's quality node (a retail bank): (target, actual, direction), equal weights, cap 1.2.
_BANK_QUALITY = ((0.80, 0.72, "higher"),   # first-contact resolution rate
                 (0.004, 0.005, "lower"),  # billing error rate
                 (0.03, 0.02, "lower"))    # repeat-complaint rate
_OFFER_DAYS = 9.0  # what-if: days to launch a tailored offer (target 10, actual 12 in the chapter)


def _example(measures=None, structure=None):
    from crmlab import pyramid

    m = pyramid.example_measures() if measures is None else measures
    return pyramid.from_frame(m, structure=structure)


def _bank_ratios(invert_lower: bool = False):
    ratios = []
    for target, actual, direction in _BANK_QUALITY:
        divide_target = direction == "lower" and not invert_lower
        ratios.append(target / actual if divide_target else actual / target)
    return ratios


def _bank_quality(cap: bool = True, invert_lower: bool = False) -> float:
    ratios = _bank_ratios(invert_lower)
    if cap:
        ratios = [min(r, 1.2) for r in ratios]
    return sum(ratios) / len(ratios)


def _levels_answer():
    from crmlab import pyramid

    structure = pyramid.cross_lynch().drop_duplicates("node").set_index("node")["level"]
    return [_LEVEL_LABELS[int(structure[n])] for n in _PLACE]


def _serves_answer():
    from crmlab import pyramid

    s = pyramid.cross_lynch()
    parents = set(s.loc[s["node"] == "cycle time", "parent"])
    return tuple(k for k, v in _SERVE_OPTIONS.items() if v in parents)


def _faster_offers(actual: float = _OFFER_DAYS):
    from crmlab import pyramid

    m = pyramid.example_measures()
    m.loc[m["measure"] == "Days to launch a tailored offer", "actual"] = actual
    return _example(m)


def _faster_offers_one_parent() -> float:
    # Flexibility's new score reaches market but not financial (it serves both).
    base, new = _example().nodes["score"], _faster_offers().nodes["score"]
    market = _example().rollup("market")
    market_new = (market["contribution"].sum() - market.loc[market["input"] == "flexibility", "contribution"].sum()
                  + 0.25 * new["flexibility"])
    return (market_new + base["financial"]) / 2


def _waste_fixed():
    from crmlab import pyramid

    m = pyramid.example_measures()
    waste = m["node"] == "waste"
    m.loc[waste, "actual"] = m.loc[waste, "target"]
    return _example(m)


def _waste_fixed_status_answer() -> str:
    st = str(_waste_fixed().nodes.at["productivity", "status"])
    return next(k for k, v in _STATUS_OPTIONS.items() if v == st)


def _vision_weights(market: float, financial: float) -> float:
    from crmlab import pyramid

    s = pyramid.cross_lynch()
    s.loc[s["node"] == "market", "weight"] = market
    s.loc[s["node"] == "financial", "weight"] = financial
    return _example(structure=s).score


register(Exercise(
    id="ch02.levels",
    prompt=("Place each node of Cross & Lynch's pyramid on its level, in order, separated by commas: "
            "(1) flexibility; (2) waste; (3) financial; (4) delivery; (5) vision. Levels: vision, business units, "
            "business operating systems, departments and work centres."),
    kind="labels",
    answer=_levels_answer,
    labels=_LEVEL_LABELS,
    items=tuple(f"({k + 1}) {n}" for k, n in enumerate(_PLACE)),
    hint="Market and financial objectives sit just under the vision; quality, delivery, cycle time and waste are "
         "measured where the work is done.",
    explanation=("Vision on top; market and financial for the business units; customer satisfaction, "
                 "flexibility and productivity for the operating systems; quality, delivery, cycle time and "
                 "waste in departments and work centres."),
    solution=("Read the pyramid from the top: level 0 is the vision; level 1 the business units' market and "
              "financial objectives; level 2 the business operating systems (customer satisfaction, flexibility, "
              "productivity); level 3 the departments and work centres (quality, delivery, cycle time, waste). "
              "So: flexibility → business operating systems; waste → departments and work centres; financial → "
              "business units; delivery → departments and work centres; vision → vision."),
))

register(Exercise(
    id="ch02.cycle_time_serves",
    prompt=("In the classic pyramid, which nodes does cycle time feed (the nodes directly above it that its "
            "measures roll up into)? Choose all that apply."),
    kind="multi",
    answer=_serves_answer,
    choices=_SERVE_OPTIONS,
    why_wrong={
        "A": "customer satisfaction is fed by quality and delivery, what the customer sees",
        "D": "market is two levels up; cycle time reaches it only through flexibility",
        "E": "financial is two levels up; cycle time reaches it through flexibility and productivity",
    },
    hint="Cycle time sits on the line between the customer-facing and the efficiency side of the pyramid: which "
         "operating-system criteria does a shorter cycle help directly?",
    explanation=("A shorter cycle lets the firm respond faster (flexibility) and do more with the same people "
                 "(productivity): an internal-efficiency measure that also serves the customer side."),
    solution=("In `pyramid.cross_lynch()` cycle time has two rows, with parents **flexibility** and "
              "**productivity** (B and C). Customer satisfaction is served by quality and delivery; market and "
              "financial are one level higher and are reached only through flexibility and productivity."),
))

register(Exercise(
    id="ch02.flow",
    prompt="In the performance pyramid, how do objectives and measures move between the levels?",
    kind="choice",
    answer="A",
    choices={
        "A": "Objectives flow down from the vision; measures roll up from the work centres",
        "B": "Objectives flow up from the work centres; measures flow down from the vision",
        "C": "Both are set at the top and cascaded down unchanged",
        "D": "Each level sets its own objectives and measures independently",
    },
    why_wrong={
        "B": "that reverses the model: strategy is set at the top, operations are measured at the bottom",
        "C": "measures are taken where the work is done and aggregated upward, not handed down",
        "D": "the point of the pyramid is that the levels are linked, top-down and bottom-up",
    },
    hint="The course: 战略目标自上而下, 经营指标自下而上.",
    explanation="Strategic objectives cascade down (目标自上而下); operating measures aggregate up (指标自下而上).",
    solution=("A. Strategic objectives are set at the vision and cascade down (战略目标自上而下); operating "
              "measures are taken in the departments and work centres and aggregated upward (经营指标自下而上), "
              "which is what `pyramid.from_frame` does when it rolls scores up."),
))

register(Exercise(
    id="ch02.bank_quality",
    prompt=("Another firm, a retail bank, scores the quality node of its CRM pyramid with three equally weighted "
            "measures: first-contact resolution rate (higher is better; target 80 %, actual 72 %), billing error "
            "rate (lower is better; target 0.4 %, actual 0.5 %) and repeat-complaint rate (lower is better; target "
            "3 %, actual 2 %). With the chapter's rules (direction-aware achievement, capped at 1.2, equal "
            "weights), what is the quality node's score? Give it as a percentage of target to one decimal."),
    kind="number",
    answer=_bank_quality,
    percent=True,
    unit="% of target",
    decimals=1,
    steps=2,
    mistakes=(
        Mistake(lambda: _bank_quality(cap=False), "The repeat-complaint rate beats its target by half (3 % vs "
                "2 %), but one measure's achievement is capped at 1.2: apply the cap before averaging."),
        Mistake(lambda: _bank_quality(invert_lower=True), "For the two lower-is-better measures achievement is "
                "target ÷ actual; you divided actual by target, which rewards the higher error rate."),
        Mistake(lambda: _bank_quality(cap=False, invert_lower=True), "Two slips: lower-is-better measures are "
                "target ÷ actual, and each achievement is capped at 1.2 before averaging."),
    ),
    hint="Score each measure in its own direction (is a lower actual good or bad?), apply the cap, then average "
         "with the node's weights.",
    explanation="The capped repeat-complaint rate keeps the node below 100 % despite one measure beating target.",
    solution=("Achievements: first-contact resolution 0.72 / 0.80 = 0.900; billing errors (lower is better) "
              "0.004 / 0.005 = 0.800; repeat complaints 0.03 / 0.02 = 1.500, capped at 1.200. Equal weights: "
              "(0.900 + 0.800 + 1.200) / 3 = 0.9667, i.e. **96.7 %** of target (on track from 95 %). Without "
              "the cap it would be 106.7 %: one star measure would hide the billing errors."),
))

register(Exercise(
    id="ch02.faster_offers",
    prompt=("What-if on the chapter's example pyramid (`pyramid.example_measures()`): suppose the days to launch a "
            "tailored offer fall from 12 to 9 (target 10, lower is better) and nothing else changes. Follow the "
            "change up the pyramid: what does the vision's score become? Give it as a percentage of target to one "
            "decimal."),
    kind="number",
    answer=lambda: _faster_offers().score,
    percent=True,
    unit="% of target",
    decimals=1,
    steps=3,
    mistakes=(
        Mistake(lambda: _example().score, "That is today's vision score: change the measure's actual to 9 days "
                                          "and roll the scores up again."),
        Mistake(lambda: _faster_offers(10 / 0.9).score, "For days (lower is better) achievement is target ÷ "
                "actual = 10 / 9; you used actual ÷ target, which makes the faster launch look worse."),
        Mistake(_faster_offers_one_parent, "Flexibility serves two nodes, market and financial; its new score "
                "has to reach both before the vision averages them (or you typed today's market score)."),
        Mistake(lambda: _faster_offers().nodes.at["flexibility", "score"], "That is the flexibility node; the "
                "question asks for the vision, two levels further up."),
    ),
    hint="A measure changes its node's score; that node's score is an input of every node it serves, and so on "
         "up to the vision. Check the direction and the cap at the first step.",
    explanation=("Faster offers lift flexibility, and because flexibility serves both market and financial the "
                 "gain reaches the vision twice over: more than fixing the waste work centre."),
    solution=("1. Achievement of the measure: 10 / 9 = 1.111 (below the 1.2 cap). 2. Flexibility = mean of its "
              "inputs: (1.111 + 0.943 + 0.958 + 0.883) / 4 = 0.974 (was 0.904). 3. Market = (0.943 + 0.920 + "
              "0.954 + 0.974) / 4 = 0.948; financial = (1.063 + 0.840 + 0.974 + 0.845) / 4 = 0.930. 4. Vision = "
              "(0.948 + 0.930) / 2 = 0.939, i.e. **93.9 %** of target. In code: change the actual in "
              "`example_measures()` and rebuild with `pyramid.from_frame`."),
))

register(Exercise(
    id="ch02.waste_fixed_status",
    prompt=("Productivity is off track in the chapter's pyramid. If both waste measures hit their targets (so the "
            "waste node scores exactly 1.0) and nothing else changes, which status would productivity have?"),
    kind="choice",
    answer=_waste_fixed_status_answer,
    choices=_STATUS_OPTIONS,
    steps=2,
    why_wrong={
        "A": "waste is one of productivity's four equally weighted inputs; its two own measures and cycle time "
             "stay below target, so the mean stays under the 95 % needed for on track",
        "C": "a waste score of 1.0 raises productivity by a quarter of waste's gain, enough to clear 85 %",
    },
    hint="Recompute productivity as the weighted mean of its inputs with waste at 1.0, then compare it with the "
         "status thresholds.",
    explanation="Fixing waste moves productivity up a band, but not to on track: cycle time is the next weak input.",
    solution=("Productivity's inputs (`pyr.rollup('productivity')`): revenue per account manager 0.952, cost to "
              "serve 0.947, cycle time 0.883, waste 0.598 → 1.000. New score (0.952 + 0.947 + 0.883 + 1.000) / 4 "
              "= 0.946: at least 0.85 but below 0.95, so **at risk** (B)."),
))

register(Exercise(
    id="ch02.financial_first",
    prompt=("Management decides that in the vision the financial node should count three times as much as the "
            "market node (weights 3 and 1), with every measure unchanged. What is the vision's score? Give it as "
            "a percentage of target to one decimal."),
    kind="number",
    answer=lambda: _vision_weights(1.0, 3.0),
    percent=True,
    unit="% of target",
    decimals=1,
    steps=2,
    mistakes=(
        Mistake(lambda: _vision_weights(3.0, 1.0), "You gave market the weight 3; the question puts it on "
                                                   "financial."),
        Mistake(lambda: _example().score, "That is the vision with equal weights; weight financial 3 and "
                                          "market 1."),
    ),
    hint="A node's score is the weighted mean of the nodes that serve it: multiply, add, divide by the sum of the "
         "weights.",
    explanation="Financial is the weaker of the two, so weighting it up lowers the vision: same results, new verdict.",
    solution=("The vision's inputs: market 0.9303, financial 0.9130 (`pyr.rollup()`). Weighted mean: "
              "(1 × 0.9303 + 3 × 0.9130) / (1 + 3) = 0.9173, i.e. **91.7 %** of target (still at risk). Weights "
              "change the verdict without any result changing, so agree them before the results are in."),
))

register(Exercise(
    id="ch02.act_first",
    prompt=("You run the CRM programme. This quarter's budget pays for one of two projects of similar cost: "
            "(a) a data-cleaning sprint that brings duplicate customer records and unused licences to target; "
            "(b) a key-account service programme expected to lift key-account satisfaction from 82 % to its "
            "85 % target. Which do you fund first, and what would you want to know before you commit? Use the "
            "pyramid's numbers."),
    kind="judgement",
    hint="Trace each project up the pyramid: which node does it lift, how weak is that node today, and how many "
         "nodes above it does the gain reach?",
    explanation="There is no single right answer; compare yours with the model answer and the rubric.",
    model_answer=(
        "Fund **(a), the data-cleaning sprint**, first. In the pyramid it moves the vision from 92.2 % to 93.4 % "
        "of target (waste rises from 59.8 % to 100 %, productivity from off track to at risk), while (b) moves "
        "the vision only by about 0.1 point: key-account satisfaction is one of four inputs of customer "
        "satisfaction, which is already on track. The sprint is also concrete and quick.\n\n"
        "Before committing I would check: (1) the cost and lasting effect of each project (duplicates come back "
        "without a data-quality process); (2) whether the pyramid's equal weights reflect the strategy (if "
        "winning key accounts is the priority, market may deserve more weight, and (b) gains); (3) what the "
        "score does not capture: satisfaction may lead retention and revenue with a lag, whereas waste is an "
        "internal cost. The pyramid ranks the options; it does not price them."),
    rubric=(
        "Compares the two options by their effect on the vision (or on the nodes they serve), with numbers.",
        "Notices that waste is the weakest node and productivity is off track, while customer satisfaction is "
        "already on track.",
        "Asks about cost, durability or timing of the benefit, not only the score.",
        "Questions the weights or what the pyramid leaves out (lags, strategic priority).",
    ),
))
