"""Exercises of notebook 00 (start here): one of each answer kind."""

from __future__ import annotations

from crmlab.exercises import Exercise, Mistake, register


def _customers_in_log() -> int:
    from crmlab import datasets

    return int(datasets.load("transactions")["customer_id"].nunique())


register(Exercise(
    id="ch00.percent_decimal",
    prompt=("A CRM project's annual budget rises from 2.5 million CNY to 2.8 million CNY. By what rate did it "
            "grow? Type a decimal (0.05) or a percentage (5%)."),
    kind="number",
    answer=(2.8 - 2.5) / 2.5,
    tolerance=0.0005,
    percent=True,
    mistakes=(
        Mistake(0.3, "0.3 is the increase in millions of CNY, not the growth rate: divide it by the starting budget."),
        Mistake((2.8 - 2.5) / 2.8, "You divided by the new budget; growth is measured against the starting value (2.5)."),
        Mistake(2.8 / 2.5, "1.12 is the ratio of the budgets; the growth rate is that ratio minus 1."),
    ),
    hint="Growth rate = (new − old) / old.",
    explanation="(2.8 − 2.5) / 2.5 = 0.12, i.e. 12 %. Rates are decimals in crmlab, and 12% is read as 0.12.",
))

register(Exercise(
    id="ch00.choose_kpi",
    prompt="Which of these is written as a measurable key performance indicator (KPI, 关键绩效指标)?",
    kind="choice",
    answer="C",
    choices={
        "A": "Improve customer relationships",
        "B": "Make customers happier with our service",
        "C": "Raise the 12-month retention rate of group customers from 78 % to 82 % by December",
        "D": "Use the CRM system more",
    },
    why_wrong={
        "A": "an aim, not an indicator: nothing says what to count or what value counts as success.",
        "B": "'happier' has no scale, no target and no deadline.",
        "D": "'more' of what, measured how? A usage rate with a target would be a KPI.",
    },
    hint="A measurable KPI names what is counted, the target value and the deadline (SMART).",
    explanation="It names the measure (12-month retention rate), the target (82 %) and the deadline.",
))

register(Exercise(
    id="ch00.glossary_terms",
    prompt=("Which of these measure the money side of a CRM investment (its costs and financial returns)? "
            "Choose all that apply, e.g. 'A, C'."),
    kind="multi",
    answer=("A", "C", "D"),
    choices={
        "A": "Economic value added (经济增加值, EVA)",
        "B": "Net promoter score (净推荐值, NPS)",
        "C": "Return on investment (投资回报率, ROI)",
        "D": "Total cost of ownership (总拥有成本, TCO)",
        "E": "Customer satisfaction (客户满意度)",
    },
    why_wrong={
        "B": "NPS measures customers' willingness to recommend: a customer measure, not a financial one",
        "E": "satisfaction is a customer-perspective measure; it may drive money later but is not money",
    },
    hint="Ask of each: is it counted in money, or in customers' opinions?",
    explanation="EVA, ROI and TCO are financial; NPS and satisfaction belong to the customer perspective.",
))

register(Exercise(
    id="ch00.customers_in_log",
    prompt=("Load the transactions dataset with crmlab.datasets.load('transactions'). How many different "
            "customers does it contain?"),
    kind="number",
    answer=_customers_in_log,
    tolerance=0.5,
    mistakes=(
        Mistake(lambda: len(__import__("crmlab").datasets.load("transactions")),
                "That is the number of rows (purchases). Count distinct customer_id values with .nunique()."),
    ),
    hint="transactions['customer_id'].nunique()",
    explanation="Each customer appears once per purchase, so count distinct ids, not rows.",
))

register(Exercise(
    id="ch00.kpi_kbi_kci",
    prompt=("Classify each indicator as KPI (results), KBI (behaviour) or KCI (competency), in order, separated "
            "by commas: (1) revenue from group customers; (2) a sales rep logs every client visit in the CRM "
            "within 24 hours; (3) a service agent passes the product-knowledge certification; (4) 12-month "
            "customer retention rate."),
    kind="labels",
    answer=("KPI", "KBI", "KCI", "KPI"),
    labels=("KPI", "KBI", "KCI"),
    items=("(1) revenue", "(2) visit logging", "(3) certification", "(4) retention rate"),
    hint="KPI = results achieved; KBI = the behaviour that produces them; KCI = the capability behind the behaviour.",
    explanation="Results (revenue, retention) are KPIs, the logging habit a KBI, the certified knowledge a KCI.",
))
