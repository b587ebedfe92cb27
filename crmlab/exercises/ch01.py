"""Exercises of notebook 01 (performance evaluation).

Vague indicators, principles, the purposes of an indicator system, KPI/KBI/KCI (both readings), process vs
outcome; three computations the chapter does not print (efficiency vs results, the leading indicators'
weighted achievement, the daily rate a quantified KPI demands) and a judgement question.
"""

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


_LEADING = ("internal_process", "learning_growth")


def _leading():
    from crmlab import datasets, scorecard

    measures = scorecard.from_frame(datasets.load("crm_scorecard")).measures
    return measures[measures["perspective"].isin(_LEADING)], measures


def _weighted(frame) -> float:
    return float((frame["weight"] * frame["achievement"]).sum() / frame["weight"].sum())


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
    solution=("**A, B, E, G, H.** Ask of each what number you would look up at the end of the period: A "
              "('promptly'), B ('effectively'), E ('save') and G ('expand') give a direction with no measure, "
              "target or deadline, and H ('accurate') no threshold. C names 13,000 units in Q1, D a frequency "
              "(every two weeks) and F a ceiling (5,000 CNY): each can be checked. The chapter's rewrites show "
              "how to fix the five."),
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
                 "behaviours (KBIs); a certification shows a competency (KCI)."),
    solution=("**KPI, KBI, KCI, KPI, KBI.** (1) retention and (4) revenue growth are results the business wants; "
              "(2) logging visits and (5) escalating complaints within 2 hours are things people do; (3) a "
              "certification is a capability a person has. In the first reading of the web article the chapter "
              "cites, performance = KCI (competency) + KBI (behaviour) + KPI (results)."),
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
    solution=("**B.** Ten money measures and nothing else: no customer, process or learning & growth indicator, "
              "so principle 2 (balance financial and non-financial indicators) is broken first. The measures may "
              "well serve the CRM goals (A), and they are quantitative (C) — the problem is what is missing."),
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
    solution=("**process, process, outcome, outcome, process.** Milestones, migration errors and training are "
              "measured while the project runs and fed back to steer it; retention a year after go-live and "
              "revenue growth judge what the system delivered."),
))

register(Exercise(
    id="ch01.efficiency_change",
    prompt=("A call centre resolved 12,400 complaints last year with 40 agents, and 15,500 this year with 52 "
            "agents. Performance (绩效) is results and efficiency: by what rate did the complaints resolved per "
            "agent change? Give it as a percent to one decimal (negative for a fall)."),
    kind="number",
    answer=(15_500 / 52) / (12_400 / 40) - 1,
    decimals=1,
    percent=True,
    steps=2,
    mistakes=(
        Mistake(15_500 / 12_400 - 1, "That is the growth of the results (complaints resolved); efficiency divides "
                                     "them by the agents first."),
        Mistake(52 / 40 - 1, "That is the growth of the staff; compare complaints per agent in the two years."),
        Mistake(15_500 / 52 - 12_400 / 40, "That is the change in complaints per agent (an absolute change); the "
                                           "question asks for the rate: divide by last year's value."),
    ),
    hint="Two steps: complaints per agent in each year, then the growth rate of that ratio.",
    explanation=("More complaints were resolved, but each agent resolved fewer: better results, lower "
                 "efficiency — the chapter's point that results alone are not performance."),
    solution=("1. Complaints per agent: last year 12,400 / 40 = 310.0; this year 15,500 / 52 = 298.1.\n"
              "2. Rate of change: 298.08 / 310 − 1 = **−0.0385**, i.e. **−3.8 %**. Results rose 25 % while "
              "efficiency fell."),
))

register(Exercise(
    id="ch01.leading_achievement",
    prompt=("In the crm_scorecard, the leading indicators are the six measures of the internal_process and "
            "learning_growth perspectives. What is their weighted achievement, Σ(weight × achievement) / Σ weight "
            "over those six measures (scorecard.from_frame gives each measure's achievement)? Give it as a "
            "percent of target to one decimal."),
    kind="number",
    answer=lambda: _weighted(_leading()[0]),
    decimals=1,
    percent=True,
    steps=2,
    mistakes=(
        Mistake(lambda: float(_leading()[0]["achievement"].mean()),
                "That is the plain mean of the six achievements; weight each by its measure's weight."),
        Mistake(lambda: float((_leading()[0]["weight"] * _leading()[0]["achievement"]).sum()),
                "That is Σ(weight × achievement) alone: divide by the weights of the six measures (0.40), or it "
                "reads as a share of the whole scorecard."),
        Mistake(lambda: float(_leading()[1].pipe(lambda m: m[~m["perspective"].isin(_LEADING)]).pipe(_weighted)),
                "That is the lagging indicators' achievement (financial and customer)."),
        Mistake(lambda: _weighted(_leading()[1]), "That is the whole scorecard's weighted achievement; keep only "
                                                  "the internal-process and learning & growth measures."),
    ),
    hint="Two steps: weight each leading measure's achievement and add up, then divide by their total weight.",
    explanation=("The leading indicators are clearly below target while the lagging ones are close to it: the "
                 "early warning the chapter describes."),
    solution=("1. Σ(weight × achievement) over the six measures = 0.3468 (their weights sum to 0.40).\n"
              "2. Weighted achievement = 0.3468 / 0.40 = **0.8670**, i.e. **86.7 %** of target. The lagging "
              "measures reach 96.2 %."),
))

register(Exercise(
    id="ch01.march_rate",
    prompt=("A quantified KPI can be tracked: take the courseware's indicator C, 'sell 13,000 units of product A "
            "in the first quarter'. By 28 February the team has sold 7,900 units. At what average rate must it "
            "sell during March (31 days) to meet the target? Give it in units per day to one decimal."),
    kind="number",
    answer=(13_000 - 7_900) / 31,
    decimals=1,
    unit="units per day",
    steps=2,
    mistakes=(
        Mistake(13_000 / 90, "That is the daily rate for the whole quarter (90 days); what is left is 5,100 units in "
                             "31 days."),
        Mistake(13_000 / 31, "That asks March to sell the whole target; subtract the 7,900 units already sold."),
        Mistake(5_100 / 30, "March has 31 days."),
        Mistake(7_900 / 59, "That is the rate so far (January and February); the question asks for the rate March "
                            "needs."),
    ),
    hint="Two steps: how many units are still missing, then spread them over the days left.",
    explanation=("The rate needed in March is well above the rate so far: a quantified KPI tells the team in "
                 "time that it must speed up (principle 5, measurement with direction)."),
    solution=("1. Units still to sell: 13,000 − 7,900 = 5,100.\n"
              "2. Per day over March's 31 days: 5,100 / 31 = **164.5 units per day**, against 7,900 / 59 = 133.9 "
              "a day so far."),
))

register(Exercise(
    id="ch01.indicator_purposes",
    prompt=("An indicator system serves three purposes (seed 003): support decisions (decide), guide ongoing "
            "activities and strategies (guide), predict the future state (predict). Label each use 'decide', "
            "'guide' or 'predict', in order, separated by commas: (1) the board compares the scorecards of two "
            "CRM vendors' pilots to choose one; (2) a weekly dashboard of visits logged tells account managers "
            "whom to call next; (3) the retention trend of key accounts is used to forecast next year's revenue; "
            "(4) the complaint-resolution time shown each morning makes the service team re-route calls."),
    kind="labels",
    answer=("decide", "guide", "predict", "guide"),
    labels=("decide", "guide", "predict"),
    items=("(1) vendor choice", "(2) weekly dashboard", "(3) revenue forecast", "(4) morning resolution time"),
    hint="Ask of each: is a choice being made, is work under way being steered, or is the future being estimated?",
    explanation=("A choice between vendors is a decision; dashboards that steer visits and calls guide ongoing "
                 "activities; a forecast from a trend predicts."),
    solution=("**decide, guide, predict, guide.** (1) chooses between options (辅助决策制定); (2) and (4) steer "
              "work already under way (指导进行中的活动或策略); (3) estimates a future state (预测未来的状态)."),
))

register(Exercise(
    id="ch01.kbi_second_reading",
    prompt=("The web article the chapter cites (seed 002) also reads the three indicators another way: KPI for "
            "reaching targets, KBI for the state of the business (业务状况, 'the barometer of business operations'), "
            "KCI for the customer relationship ('the thermometer'). Under this second reading, which of these is a "
            "KBI of a CRM sales team?"),
    kind="choice",
    answer="B",
    choices={
        "A": "Key-account retention rate against its 82 % target",
        "B": "Open opportunities in the sales pipeline and orders in process, counted each week",
        "C": "Key accounts' satisfaction score in the yearly survey",
        "D": "Account managers certified in solution selling",
    },
    why_wrong={
        "A": "a result measured against a target: a KPI in both readings",
        "C": "the customer relationship's thermometer: a KCI in the second reading",
        "D": "a competency: the KCI of the first reading (岗位胜任力), not a state of the business",
    },
    hint="A barometer shows the current state of the weather: which measure shows how the business is running now?",
    explanation="Pipeline and orders in process show how the business is running week by week.",
    solution=("**B.** In the second reading a KBI shows how the business is running (业务状况): the pipeline and "
              "the orders in process. A measures a result against a target (KPI), C the customer relationship "
              "(KCI as key customer indicator), D a competency (KCI in the first reading)."),
))

register(Exercise(
    id="ch01.richness_focus",
    prompt=("A CRM team proposes 40 indicators covering brand, customer assets, customer behaviour, marketing, "
            "sales, the service centre, field service, logistics and the website. Which advice follows the "
            "principle of combining richness and focus (指标的丰富性和针对性结合, seed 003)?"),
    kind="choice",
    answer="C",
    choices={
        "A": "Keep all 40 with equal weights, so that nothing is left out",
        "B": "Keep only the financial indicators, which are the ones the board reads",
        "C": "Keep the complete system as the map, but pick a few focused indicators on what the CRM gains and "
             "loses, find the bottleneck and tackle it first",
        "D": "Replace the indicators by one overall satisfaction score",
    },
    why_wrong={
        "A": "richness without focus: with 40 equal weights no bottleneck stands out and nobody knows where to start",
        "B": "focus without richness, and it breaks the balance of financial and non-financial indicators",
        "D": "one score neither covers the system nor points at a bottleneck",
    },
    hint="The principle asks for both: a complete picture, and a few indicators where the effort goes first.",
    explanation="Seed 003: grasp the key points, find the bottleneck, break through one at a time (由点到面).",
    solution=("**C.** A complete CRM evaluation is rich (seed 003 lists brand, customer assets, behaviour, "
              "marketing, sales, service, field service, logistics and website performance), but it should still "
              "set focused indicators on the CRM's gains and losses (得与失): grasp the key points, find the "
              "bottleneck, break through one at a time and build the whole system from there."),
))

register(Exercise(
    id="ch01.judge_training_cut",
    prompt=("In the crm_scorecard, financial and customer results are on track while learning & growth is off "
            "track (training hours and system usage well below target). The CFO proposes to cut next year's CRM "
            "training budget by half, since \"the results are fine\". As the CRM manager, what do you recommend, "
            "and which numbers from this chapter support you? Write four or five sentences."),
    kind="judgement",
    model_answer=(
        "Do not cut training now. Learning & growth measures are leading indicators: they move before the "
        "financial and customer results, so today's good results say little about next year. Training reaches "
        "only 70 % of its target hours and system usage 78 % of target, and the leading indicators together "
        "are well below target while the lagging ones are close to it — an early warning. Cutting the budget "
        "would deepen exactly the gap the scorecard flags, and breaks the principle of balancing short- and "
        "long-term interests. I would rather keep the budget, tie it to usage (a KBI with a target in a KBI "
        "responsibility letter for each team) and review retention and satisfaction in two quarters; if usage "
        "rises and results hold, the training pays; if not, cut then."),
    rubric=(
        "Explains that learning & growth indicators lead and financial results lag",
        "Uses the scorecard's numbers (training hours, system usage, or the leading indicators' achievement)",
        "Names the principle at stake (short vs long term, or financial vs non-financial balance)",
        "Proposes something measurable to decide later (a KBI target, a review date)",
    ),
    hint="Which indicators move first, and what do the learning & growth measures say about next year?",
))
