"""Exercises of notebook 05 (TCO planning): the 8 components, discounting, the audit, contingency, Monte Carlo."""

from __future__ import annotations

from functools import lru_cache

from crmlab.exercises import Exercise, Mistake, register

_RATE = 0.08
_RESERVE = 0.12
_RULE_ITEMS = ("(1) maintenance / licences", "(2) contingency", "(3) initial share", "(4) ongoing share",
               "(5) keep running from year 3", "(6) competitive advantage from year 3")


@lru_cache(maxsize=1)
def _items():
    from crmlab import datasets

    return datasets.load("crm_costs")


def _total() -> float:
    return float(_items()["amount"].sum())


def _discounted(shift: int = 0) -> float:
    items = _items()
    return float((items["amount"] / (1 + _RATE) ** (items["year"] - shift)).sum())


def _share(phase: str) -> float:
    items = _items()
    return float(items.loc[items["phase"] == phase, "amount"].sum()) / _total()


def _reserve() -> float:
    items = _items()
    return float(items.loc[items["purpose"] == "contingency", "amount"].sum())


def _topup() -> float:
    from crmlab import tco

    new = tco.with_contingency(_items(), share=_RESERVE)
    return float(new.loc[new["purpose"] == "contingency", "amount"].sum()) - _reserve()


@lru_cache(maxsize=1)
def _simulation():
    from crmlab import tco

    return tco.simulate(_items(), n=10_000, seed=0)


def _overrun(q: int) -> float:
    sim = _simulation()
    return sim.percentile(q) / sim.planned - 1


def _verdicts() -> list[str]:
    from crmlab import tco

    return ["within" if bool(ok) else "outside" for ok in tco.audit(_items())["ok"]]


register(Exercise(
    id="ch05.tco_pv",
    prompt=(f"Discount the five-year plan in crm_costs to the start of year 1 at {_RATE:.0%}, each year's costs "
            "falling "
            "at the end of that year. What is the present value of the TCO, in CNY (e.g. 21,500,000)?"),
    kind="number",
    answer=lambda: _discounted(),
    rel_tolerance=0.001,
    mistakes=(
        Mistake(_total, "That is the undiscounted total: divide each year's costs by 1.08 to the power of the year."),
        Mistake(lambda: _discounted(shift=1),
                "You treated year 1 as today (t = 0). Here year-1 costs fall at the END of year 1: divide by 1.08^1."),
        Mistake(lambda: _total() / (1 + _RATE) ** 5,
                "You discounted every cost over five years; each year has its own factor."),
    ),
    hint="crmlab.tco.total(items, rate=0.08) divides year y's amounts by 1.08**y.",
    explanation=("Discounting takes nearly 4 million CNY off the plan: money spent in year 5 costs less today "
                 "than money spent in year 1, which is why front-loaded plans look dearer than they are."),
))

register(Exercise(
    id="ch05.initial_share",
    prompt=("What share of crm_costs' five-year TCO is the initial purchase (phase 'initial')? The chapter expects "
            "55–65 %."),
    kind="number",
    answer=lambda: _share("initial"),
    tolerance=0.0005,
    percent=True,
    mistakes=(
        Mistake(lambda: _share("ongoing"),
                "That is the ongoing share (35–45 % expected); the question asks for the initial one."),
        Mistake(lambda: _share("initial") / _share("ongoing"),
                "That is the ratio initial ÷ ongoing; divide the initial cost by the TOTAL instead."),
        Mistake(lambda: float(_items().loc[_items()["component"] == "licenses", "amount"].sum()) / _total(),
                "That is the licences' share; the initial purchase also includes hardware, services and staff "
                "of year 1."),
    ),
    hint="Sum amount where phase == 'initial' and divide by the sum of all amounts (or read tco.audit).",
    explanation=("About 56 %: inside the chapter's 55–65 %, but near the bottom — the ongoing years carry "
                 "more than in a typical plan."),
))

register(Exercise(
    id="ch05.contingency_topup",
    prompt=(f"The plan's contingency reserve is only about 6 % of the TCO. By how much (CNY) must the reserve GROW so "
            f"that it is {_RESERVE:.0%} of the new total? (tco.with_contingency can check you.)"),
    kind="number",
    answer=_topup,
    rel_tolerance=0.002,
    mistakes=(
        Mistake(lambda: _RESERVE * _total() - _reserve(),
                "12 % of the OLD total is not enough: the larger reserve raises the total too. Solve "
                "R = 0.12 × (costs without reserve + R)."),
        Mistake(lambda: _topup() + _reserve(), "That is the new reserve itself; the question asks how much it grows."),
        Mistake(lambda: _RESERVE * (_total() - _reserve()) - _reserve(),
                "12 % of the costs without the reserve is still too small: the reserve must be 12 % of a total "
                "that includes it, R = 0.12/0.88 × the other costs."),
    ),
    hint="Other costs C exclude the reserve; the new reserve is R = 0.12 × C / (1 − 0.12).",
    explanation=("The reserve must nearly double, to about 3.3 million CNY: 10–15 % of the total covers the "
                 "errors and omissions of the estimate, extra training and specialist consultants."),
))

register(Exercise(
    id="ch05.audit_verdicts",
    prompt=("For each rule of thumb, as crmlab.tco.audit applies it to crm_costs, type 'within' or 'outside', in this "
            "order: " + "; ".join(_RULE_ITEMS) + "."),
    kind="labels",
    answer=_verdicts,
    labels=("within", "outside"),
    items=_RULE_ITEMS,
    hint="Run tco.audit(datasets.load('crm_costs')) and read the ok column (True = within).",
    explanation=("Maintenance and the initial/ongoing split pass; the reserve is too small, and from year 3 "
                 "maintenance alone takes a third of each year's cost while upgrades get less than 25 % in "
                 "years 4 and 5."),
))

register(Exercise(
    id="ch05.service_costs",
    prompt=("The chapter says the largest cost element is services (服务成本). Which of the eight components are those "
            "service costs? Choose all that apply."),
    kind="multi",
    answer=("B", "C", "D"),
    choices={
        "A": "Software licences",
        "B": "External service providers (consulting, integration, outsourcing)",
        "C": "Internal staff assigned to the project",
        "D": "The software vendor's professional services",
        "E": "Hardware and its maintenance",
    },
    why_wrong={
        "A": "licences are the product bought, not a service; they are fixed by the quote.",
        "E": "hardware is equipment; its maintenance is a product contract rather than project services.",
    },
    hint="Slide 19–20: 成本最大的要素在于服务成本方面:ESP、内部的与软件厂商等.",
    explanation=("In crm_costs these three make up about 45 % of the TCO, more than licences (24 %). The "
                 "chapter's remedy: staff the project with enough internal people, especially after year 2."),
))

register(Exercise(
    id="ch05.p80_overrun",
    prompt=("Run crmlab.tco.simulate(crm_costs, n=10_000, seed=0) with its default overrun model. By how much does "
            "the P80 budget (enough in 80 % of the scenarios) exceed the plan?"),
    kind="number",
    answer=lambda: _overrun(80),
    tolerance=0.002,
    percent=True,
    mistakes=(
        Mistake(lambda: _overrun(50), "That is the P50 (median) overrun; the P80 budget covers 80 % of scenarios."),
        Mistake(lambda: _overrun(95), "That is the P95 overrun."),
        Mistake(0.35, "35 % is the low end of the chapter's range, not the simulated P80."),
    ),
    hint="sim = tco.simulate(items, n=10_000, seed=0); sim.to_frame() lists the overrun at P50, P80 and P95.",
    explanation=("A budget about 55 % above the plan would have been enough four times in five — the chapter's "
                 "35–65 % underestimate, seen as a risk distribution instead of a single number."),
))
