"""Exercises of notebook 02 (performance pyramid): levels, linkage, roll-up by hand, what-if."""

from __future__ import annotations

from crmlab.exercises import Exercise, Mistake, register

_LEVEL_LABELS = ("vision", "business units", "business operating systems", "departments and work centres")
_PLACE = ("flexibility", "waste", "financial", "delivery", "vision")
_SERVE_OPTIONS = {"A": "customer satisfaction", "B": "flexibility", "C": "productivity", "D": "market",
                  "E": "financial"}


def _example():
    from crmlab import pyramid

    return pyramid.from_frame(pyramid.example_measures(), objectives=pyramid.EXAMPLE_OBJECTIVES)


def _waste_measures():
    m = _example().measures
    return m[m["node"] == "waste"]


def _waste_score() -> float:
    return float(_example().nodes.loc["waste", "score"])


def _waste_inverted() -> float:
    # actual / target for lower-is-better measures, capped like every achievement.
    w = _waste_measures()
    return float((w["actual"] / w["target"]).clip(upper=1.2).mean())


def _waste_uncapped_inverted() -> float:
    w = _waste_measures()
    return float((w["actual"] / w["target"]).mean())


def _levels_answer():
    from crmlab import pyramid

    structure = pyramid.cross_lynch().drop_duplicates("node").set_index("node")["level"]
    return [_LEVEL_LABELS[int(structure[n])] for n in _PLACE]


def _serves_answer():
    from crmlab import pyramid

    s = pyramid.cross_lynch()
    parents = set(s.loc[s["node"] == "cycle time", "parent"])
    return tuple(k for k, v in _SERVE_OPTIONS.items() if v in parents)


def _fixed_waste_score() -> float:
    from crmlab import pyramid

    m = pyramid.example_measures()
    waste = m["node"] == "waste"
    m.loc[waste, "actual"] = m.loc[waste, "target"]
    return pyramid.from_frame(m).score


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
    hint="Look at pyramid.cross_lynch(): the rows where node is 'cycle time'.",
    explanation=("A shorter cycle lets the firm respond faster (flexibility) and do more with the same people "
                 "(productivity): an internal-efficiency measure that also serves the customer side."),
))

register(Exercise(
    id="ch02.waste_score",
    prompt=("In the example CRM pyramid, the waste node has two lower-is-better measures: duplicate customer "
            "records (target 2 %, actual 3.5 %) and unused CRM licences (target 5 %, actual 8 %). With equal "
            "weights, what is the waste node's score (mean achievement, 1.0 = on target)?"),
    kind="number",
    answer=_waste_score,
    tolerance=0.001,
    mistakes=(
        Mistake(_waste_inverted, "For a lower-is-better measure achievement is target / actual; you divided actual "
                                 "by target, which rewards the overrun (and then hits the 1.2 cap)."),
        Mistake(_waste_uncapped_inverted, "You divided actual by target: for lower-is-better measures it is "
                                          "target / actual."),
    ),
    hint="0.02 / 0.035 and 0.05 / 0.08, then the mean.",
    explanation="(0.5714 + 0.625) / 2 = 0.598: the waste node is well off track.",
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
))

register(Exercise(
    id="ch02.fix_waste",
    prompt=("What-if: in the example pyramid (crmlab.pyramid.example_measures()), suppose both waste measures hit "
            "their targets exactly and nothing else changes. What would the vision's score become? (Rebuild the "
            "pyramid with the changed actuals.)"),
    kind="number",
    answer=_fixed_waste_score,
    tolerance=0.001,
    mistakes=(
        Mistake(lambda: _example().score, "That is today's score: set the waste actuals equal to their targets "
                                          "and rebuild with pyramid.from_frame."),
        Mistake(1.0, "Only the waste node reaches 1.0; the other nodes keep their scores, so the vision stays "
                     "below 1."),
    ),
    hint="m = pyramid.example_measures(); m.loc[m.node == 'waste', 'actual'] = m.loc[m.node == 'waste', 'target']; "
         "pyramid.from_frame(m).score",
    explanation=("Waste rises from about 0.60 to 1.00; through productivity and financial the vision gains a bit "
                 "over one point: one work centre is a small share of the whole, but the gain reaches the top."),
))
