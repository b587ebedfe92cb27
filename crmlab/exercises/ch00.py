"""Exercises of notebook 00 (start here): one of each answer kind, two multi-step ones and a judgement question.

These are warm-ups: the policy scan for printed answers exempts chapter 00.
"""

from __future__ import annotations

from crmlab.exercises import Exercise, Mistake, register


def _purchases_per_customer():
    from crmlab import datasets

    return datasets.load("transactions").groupby("customer_id").size()


def _customers_in_log() -> int:
    return int(len(_purchases_per_customer()))


def _repeat_share() -> float:
    return float((_purchases_per_customer() > 1).mean())


def _rows_in_log() -> int:
    return int(_purchases_per_customer().sum())


register(Exercise(
    id="ch00.percent_decimal",
    prompt=("A CRM project's annual budget rises from 2.5 million CNY to 2.8 million CNY. By what rate did it "
            "grow? Give it as a percent to one decimal (e.g. 5.0%), or as a decimal to three decimals (0.050)."),
    kind="number",
    answer=(2.8 - 2.5) / 2.5,
    decimals=1,
    percent=True,
    mistakes=(
        Mistake(0.3, "0.3 is the increase in millions of CNY, not the growth rate: divide it by the starting budget."),
        Mistake((2.8 - 2.5) / 2.8, "You divided by the new budget; growth is measured against the starting value (2.5)."),
        Mistake(2.8 / 2.5, "1.12 is the ratio of the budgets; the growth rate is that ratio minus 1."),
    ),
    hint="A growth rate is the change divided by the starting value.",
    explanation="(2.8 − 2.5) / 2.5 = 0.12, i.e. 12 %. Rates are decimals in crmlab, and 12% is read as 0.12.",
    solution=("Growth rate = (new − old) / old = (2.8 − 2.5) / 2.5 = 0.3 / 2.5 = **0.12**, i.e. **12.0 %**. "
              "Dividing by the new budget (0.3 / 2.8 = 0.107) measures against the wrong base."),
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
    solution=("**C.** Only C names what is counted (the 12-month retention rate of group customers), the target "
              "(82 %, up from 78 %) and the deadline (December). A, B and D state a wish with no measure, no "
              "target and no date, so nobody could say at the end of the year whether they were met."),
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
        "D": "Total cost of ownership (总的拥有成本, TCO)",
        "E": "Customer satisfaction (客户满意度)",
    },
    why_wrong={
        "B": "NPS measures customers' willingness to recommend: a customer measure, not a financial one",
        "E": "satisfaction is a customer-perspective measure; it may drive money later but is not money",
    },
    hint="Ask of each: is it counted in money, or in customers' opinions?",
    explanation="EVA, ROI and TCO are financial; NPS and satisfaction belong to the customer perspective.",
    solution=("**A, C and D.** EVA (profit after a charge for capital), ROI (gain per unit of cost) and TCO "
              "(every cost over the system's life) are counted in money. NPS and satisfaction are what customers "
              "say: customer measures that may drive money later (chapter 08)."),
))

register(Exercise(
    id="ch00.customers_in_log",
    prompt=("Load the transactions dataset with crmlab.datasets.load('transactions'). How many different "
            "customers does it contain? Give a whole number of customers."),
    kind="number",
    answer=_customers_in_log,
    decimals=0,
    unit="customers",
    mistakes=(
        Mistake(_rows_in_log, "That is the number of rows (purchases). Count the distinct values of customer_id."),
    ),
    hint="Each purchase is a row: count the distinct customer identifiers, not the rows.",
    explanation="Each customer appears once per purchase, so count distinct ids, not rows.",
    solution=("`transactions['customer_id'].nunique()` counts the distinct ids: **2,500** customers. "
              "`len(transactions)` gives 13,137, the number of purchases."),
))

register(Exercise(
    id="ch00.repeat_share",
    prompt=("In the same transactions dataset, what share of the customers bought more than once? Give it as a "
            "percent to one decimal."),
    kind="number",
    answer=_repeat_share,
    decimals=1,
    percent=True,
    steps=2,
    mistakes=(
        Mistake(lambda: 1 - _repeat_share(), "That is the share of customers who bought only once: the question "
                                             "asks for those who came back."),
        Mistake(lambda: 1 - _customers_in_log() / _rows_in_log(),
                "That is the share of purchases that were repeat purchases; the question counts customers, not "
                "purchases."),
    ),
    hint="Two steps: count the purchases of each customer, then take the share of customers with more than one.",
    explanation="Most of the cohort came back at least once: repeat buying is what chapter 08's models describe.",
    solution=("1. Purchases per customer: `counts = transactions.groupby('customer_id').size()` (2,500 customers).\n"
              "2. Share with more than one: `(counts > 1).mean()` = 2,128 / 2,500 = **0.8512**, i.e. **85.1 %**."),
))

register(Exercise(
    id="ch00.average_growth",
    prompt=("A CRM budget grows from 2.0 million CNY to 2.6 million CNY in year 1 and to 2.7 million CNY in "
            "year 2. What is its average annual growth rate over the two years (the constant yearly rate that "
            "leads from 2.0 to 2.7)? Give it as a percent to one decimal."),
    kind="number",
    answer=(2.7 / 2.0) ** 0.5 - 1,
    decimals=1,
    percent=True,
    steps=2,
    mistakes=(
        Mistake((0.6 / 2.0 + 0.1 / 2.6) / 2, "That is the arithmetic mean of the two yearly rates (30 % and 3.8 %); "
                                             "a constant rate compounds: (1 + g)² = 2.7 / 2.0."),
        Mistake((2.7 - 2.0) / 2.0 / 2, "That divides the total growth (35 %) by two years, which ignores "
                                       "compounding."),
        Mistake((2.7 - 2.0) / 2.0, "That is the growth over both years together; the question asks for the rate "
                                   "per year."),
    ),
    hint="A constant yearly rate compounds: find the rate that, applied twice, turns 2.0 into 2.7.",
    explanation="The compound (geometric) average is a little below the arithmetic mean of the yearly rates.",
    solution=("1. Growth over two years: 2.7 / 2.0 = 1.35.\n"
              "2. Constant yearly rate: (1 + g)² = 1.35, so g = √1.35 − 1 = 1.1619 − 1 = **0.1619**, i.e. "
              "**16.2 %** a year (check: 2.0 × 1.1619² = 2.7)."),
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
    solution=("**KPI, KBI, KCI, KPI.** Revenue and retention are results the business wants (KPI); logging every "
              "visit within 24 hours is a behaviour (KBI); passing the certification shows a competency (KCI)."),
))

register(Exercise(
    id="ch00.judge_one_number",
    prompt=("A manager says: \"Revenue from group customers rose 6 % this year, so our new CRM system works.\" In "
            "three or four sentences, say whether you agree and what you would look at before deciding."),
    kind="judgement",
    model_answer=(
        "Not yet. Revenue is one result (a KPI) and it lags: it may have risen because of prices, the market or "
        "a few large contracts, not the CRM. Before deciding I would compare it with the plan and with last "
        "year's trend, and look at what the CRM is meant to change: retention of group customers, the cost to "
        "serve them, whether staff actually use the system (logins, visits logged). I would also set the gain "
        "against what the system costs over its life (TCO, chapter 05) — a 6 % rise that costs more than it "
        "earns is not success."),
    rubric=(
        "Does not accept one result as proof: says other causes could explain it",
        "Names at least one customer or process measure (retention, cost to serve, complaints)",
        "Names a behaviour or usage measure of the system (KBI: logins, visits logged)",
        "Weighs the benefit against the cost of the system",
    ),
    hint="Think of what else could have raised revenue, and of what the CRM is meant to change.",
))
