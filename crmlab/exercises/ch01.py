"""Exercises of notebook 01 (performance evaluation): vague indicators, principles, KPI/KBI/KCI, process vs outcome."""

from __future__ import annotations

from crmlab.exercises import Exercise, Mistake, register

# The courseware's drill (绩效考核指标改错题): eight indicators a company set for its staff.
VAGUE_DRILL = {
    "A": "Collect payments for goods promptly (及时收回货款)",
    "B": "Use time effectively (有效地使用时间)",
    "C": "Sell 13,000 units of product A in the first quarter (产品A一季度的销售量达到13000件)",
    "D": "Update the market data every two weeks (每两周更新一次市场数据)",
    "E": "Save on the department's spending (节约部门的开支)",
    "F": "Keep the department's office-supply costs below 5,000 CNY (将部门的办公用品费用控制在5000元以下)",
    "G": "Expand market share (扩大市场占有率)",
    "H": "Ensure the data are accurate (保证数据的准确性)",
}


def _scorecard():
    from crmlab import datasets, scorecard

    return scorecard.from_frame(datasets.load("crm_scorecard"))


def _financial_weight() -> float:
    return float(_scorecard().by_perspective().loc["financial", "weight"])


def _financial_count_share() -> float:
    measures = _scorecard().measures
    return float((measures["perspective"] == "financial").mean())


register(Exercise(
    id="ch01.vague_kpis",
    prompt=("The courseware's drill: a company set these indicators for its staff. Which of them are NOT "
            "quantified, so that nobody could say at the end of the period whether they were met? Choose all "
            "that apply, e.g. 'A, B'."),
    kind="multi",
    answer=("A", "B", "E", "G", "H"),
    choices=VAGUE_DRILL,
    why_wrong={
        "C": "it names the quantity (13,000 units), the product and the period (Q1): measurable as written",
        "D": "it names a frequency (every two weeks) that can be checked against the update log",
        "F": "it names a ceiling (5,000 CNY) that the accounts can confirm",
    },
    hint="Ask of each: what number would you look up at the end of the period, and what value counts as success?",
    explanation=("A, B, E, G and H name a direction but no measure, target or deadline. Rewritten, for example: "
                 "A → 'collect 95 % of receivables within 30 days of invoice'; E → 'cut department spending 5 % "
                 "below last year's budget'; G → 'raise group-customer market share from 31 % to 33 % by "
                 "December'; H → 'keep the customer-record error rate below 1 % in the monthly audit'."),
))

register(Exercise(
    id="ch01.kpi_kbi_kci",
    prompt=("Classify each indicator of a CRM sales team as KPI (results), KBI (behaviour) or KCI (competency), "
            "in order, separated by commas: (1) key-account retention rate; (2) client visits each account "
            "manager logs in the CRM system per week; (3) account managers certified in solution selling; "
            "(4) group-customer revenue growth; (5) share of complaints escalated to a supervisor within 2 hours."),
    kind="labels",
    answer=("KPI", "KBI", "KCI", "KPI", "KBI"),
    labels=("KPI", "KBI", "KCI"),
    items=("(1) retention rate", "(2) visits logged", "(3) certification", "(4) revenue growth",
           "(5) complaints escalated"),
    hint=("KPI: a result the business wants; KBI: an activity people do that produces results; KCI: a capability "
          "a person has."),
    explanation=("Retention and revenue growth are results (KPIs); logging visits and escalating complaints are "
                 "behaviours (KBIs); a certification shows a competency (KCI). Performance = results + the "
                 "behaviours and competencies behind them."),
))

register(Exercise(
    id="ch01.all_financial",
    prompt=("A CRM programme's scorecard has ten measures: revenue, gross margin, cost per customer, cash "
            "collected, and six other money figures. Which principle of the indicator system does it break most "
            "directly?"),
    kind="choice",
    answer="B",
    choices={
        "A": "Indicators must agree with the CRM goals (goal alignment, 目标一致)",
        "B": "Balance financial and non-financial indicators (财务与非财务指标平衡)",
        "C": "Combine quantitative and qualitative indicators (定量与定性相结合)",
        "D": "Combine strategic and tactical goals (战略目标与战术目标相结合)",
    },
    why_wrong={
        "A": "money results can well be aligned with CRM goals; the problem is that nothing else is measured",
        "C": "money figures are quantitative, but the flaw named is that they are all financial, not that none is "
             "qualitative",
        "D": "revenue and margin can be strategic; the missing piece is customers, processes and people",
    },
    hint="What kind of indicator is missing entirely?",
    explanation=("Financial results lag: they show what customers, processes and people did months ago. Without "
                 "customer, process and learning measures the scorecard cannot warn or explain; it also breaks the "
                 "short-term/long-term principle."),
))

register(Exercise(
    id="ch01.financial_share",
    prompt=("Load the CRM scorecard with crmlab.datasets.load('crm_scorecard'). What share of the total weight "
            "sits on financial measures? Type a decimal or a percentage."),
    kind="number",
    answer=_financial_weight,
    tolerance=0.0005,
    percent=True,
    mistakes=(
        Mistake(_financial_count_share, "That is the share of financial measures by count (3 of 12). Sum the "
                                        "weight column of the financial rows instead."),
        Mistake(lambda: 1 - _financial_weight(), "That is the non-financial share; the question asks for the "
                                                 "financial one."),
    ),
    hint="card.by_perspective() or: frame[frame.perspective == 'financial'].weight.sum()",
    explanation="0.12 + 0.10 + 0.08 = 0.30: 30 % financial and 70 % non-financial, a balanced split.",
))

register(Exercise(
    id="ch01.process_or_outcome",
    prompt=("CRM evaluation looks at the implementation process and at its outcome. Label each indicator "
            "'process' or 'outcome', in order, separated by commas: (1) go-live milestones met on schedule; "
            "(2) error rate of records migrated into the new system; (3) customer retention rate one year after "
            "go-live; (4) revenue growth from group customers; (5) share of staff trained before go-live."),
    kind="labels",
    answer=("process", "process", "outcome", "outcome", "process"),
    labels=("process", "outcome"),
    items=("(1) milestones", "(2) migration errors", "(3) retention rate", "(4) revenue growth", "(5) staff trained"),
    hint="Process indicators are fed back to steer the implementation while it runs; outcome indicators judge "
         "what it delivered.",
    explanation=("Milestones, migration quality and training describe how the implementation is going (process, "
                 "实施过程评价); retention and revenue describe what it achieved (outcome, 效果评价)."),
))
