"""Seeded generators of the workbook's synthetic datasets.

Every CSV in ``datasets/`` is written by ``datasets/generate.py`` from the
functions here, so the shipped files can be rebuilt byte-for-byte, and
:func:`crmlab.datasets.load` can make per-student *variants* (same structure
and difficulty, different numbers) by calling them with another seed.

The data are synthetic but built from the chapter's facts (component shares of
a CRM total cost of ownership, the indicator system of a CRM scorecard, the
service attributes of a retail survey); the assumptions are documented in
``datasets/dictionary.yaml`` and ``datasets/README.md``.

Examples
--------
>>> frame = generate("expert_rankings", seed=7)
>>> sorted(frame["round"].unique().tolist())
[1, 2, 3]
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from crmlab.i18n import N_
from crmlab.i18n import gettext as _

# ---------------------------------------------------------------------------
# Retail service-quality survey (performance-evaluation and relative-performance matrices)
# ---------------------------------------------------------------------------

#: Service attributes of the retail survey: code, English name, Chinese name, description.
SERVICE_ATTRIBUTES = (
    ("product_range", "Product range", "商品种类", "Breadth and availability of the assortment"),
    ("price", "Price level", "价格水平", "Prices compared with what the customer expects to pay"),
    ("staff_courtesy", "Staff courtesy", "员工礼貌", "Friendliness and respect shown by staff"),
    ("staff_knowledge", "Staff product knowledge", "员工专业知识", "Staff can answer product questions"),
    ("checkout_speed", "Checkout speed", "结账速度", "Waiting time at the till or online checkout"),
    ("store_environment", "Store environment", "店面环境", "Cleanliness, layout and comfort of the store"),
    ("delivery", "Delivery reliability", "送货可靠性", "Orders arrive complete and on the promised day"),
    ("after_sales", "After-sales service", "售后服务", "Returns, repairs and warranty handling"),
    ("complaint_handling", "Complaint handling", "投诉处理", "Speed and fairness of complaint resolution"),
    ("membership", "Membership programme", "会员积分计划", "Value of the loyalty card and member offers"),
)

# Mean stated importance, own-firm and competitor performance on 1-5 scales.
# Chosen so that every quadrant of both matrices is populated and so that the
# mean and median crosshairs disagree on at least one attribute.
_IMPORTANCE = np.array([4.1, 4.4, 3.9, 3.6, 4.2, 3.3, 4.0, 4.3, 4.5, 3.0])
_OWN = np.array([4.2, 3.5, 4.3, 3.4, 3.3, 4.1, 3.9, 3.6, 3.2, 3.9])
_COMPETITOR = np.array([3.9, 3.9, 3.8, 3.7, 3.6, 3.8, 3.7, 3.4, 3.5, 3.4])
# Weights of the attributes in customers' overall satisfaction (the "derived"
# importance). They deliberately differ from stated importance for price
# (said to matter most, drives satisfaction less) and membership (the reverse).
_DRIVER = np.array([0.10, 0.05, 0.12, 0.06, 0.14, 0.04, 0.10, 0.15, 0.18, 0.10])


def _likert(rng: np.random.Generator, centre: np.ndarray, sd: float, low: int, high: int) -> np.ndarray:
    return np.clip(np.rint(centre + rng.normal(0.0, sd, size=centre.shape)), low, high).astype(int)


def service_survey(seed: int = 20240501, n_own: int = 300, n_competitor: int = 200) -> pd.DataFrame:
    """One row per respondent: importance and performance ratings of 10 attributes."""
    rng = np.random.default_rng(seed)
    # Variants shift the attribute means a little so each student's matrix differs.
    shift = rng.normal(0.0, 0.12, size=(3, _IMPORTANCE.size)) if seed != 20240501 else np.zeros((3, 10))
    rows = []
    for firm, n, perf_mean in (("own", n_own, _OWN + shift[1]), ("competitor", n_competitor, _COMPETITOR + shift[2])):
        halo = rng.normal(0.0, 0.45, size=(n, 1))  # a respondent's general mood lifts every rating
        perf = _likert(rng, perf_mean + halo, 0.75, 1, 5)
        imp = _likert(rng, np.broadcast_to(_IMPORTANCE + shift[0], (n, 10)) + rng.normal(0, 0.3, (n, 1)), 0.7, 1, 5)
        latent = 0.25 + (perf * _DRIVER).sum(axis=1) / _DRIVER.sum() + rng.normal(0.0, 0.45, size=n)
        overall = np.clip(np.rint(latent), 1, 5).astype(int)
        recommend = np.clip(np.rint(2.35 * latent - 1.6 + rng.normal(0.0, 1.1, size=n)), 0, 10).astype(int)
        segment = rng.choice(["member", "non-member"], size=n, p=[0.55, 0.45])
        frame = pd.DataFrame({"firm": firm, "segment": segment})
        for k, (code, *_rest) in enumerate(SERVICE_ATTRIBUTES):
            frame[f"imp_{code}"] = imp[:, k]
        for k, (code, *_rest) in enumerate(SERVICE_ATTRIBUTES):
            frame[f"perf_{code}"] = perf[:, k]
        frame["overall"] = overall
        frame["recommend"] = recommend
        rows.append(frame)
    out = pd.concat(rows, ignore_index=True)
    out.insert(0, "respondent_id", [f"R{i:04d}" for i in range(1, len(out) + 1)])
    return out


def service_attributes(seed: int = 0) -> pd.DataFrame:
    """The dictionary of survey attributes (not random; ``seed`` is accepted for symmetry)."""
    return pd.DataFrame(SERVICE_ATTRIBUTES, columns=["attribute", "name", "name_zh", "description"])


# ---------------------------------------------------------------------------
# CRM project cost line items (TCO)
# ---------------------------------------------------------------------------


def crm_costs(seed: int = 20240601, users: int = 800) -> pd.DataFrame:
    """Five-year cost plan of a telecom operator's group-customer CRM project, one row per line item.

    Built bottom-up from unit prices the way a planning team would: licences per
    named user, maintenance at 18 % of the licence price a year, servers with a
    year-4 refresh, integrator and vendor services front-loaded, an internal
    team that shrinks to a support desk, and a contingency reserve.
    """
    rng = np.random.default_rng(seed)
    if seed != 20240601:
        users = int(rng.integers(500, 1200))

    def noisy(amount: float, sd: float = 0.06) -> float:
        # Quotes are rounded to the nearest 1,000 CNY, as in a real budget.
        return float(np.round(amount * (1 + rng.normal(0.0, sd)) / 1000.0) * 1000.0)

    licence_price = 6000.0
    year3_users = int(round(users * 0.125))
    licences = {1: users * licence_price, 3: year3_users * licence_price}
    # purpose: implementation (initial purchase and roll-out), operations (running
    # the service), keep_running (bug fixes, point releases: the maintenance
    # contract and change requests), advantage (upgrades, new functions, more users).
    items: list[tuple[str, str, int, str, str, float]] = [
        ("CRM named-user licences", "licenses", 1, "initial", "implementation", noisy(licences[1], 0.0)),
        ("Database and middleware licences", "licenses", 1, "initial", "implementation", noisy(650_000)),
        ("Licences for second-wave users", "licenses", 3, "ongoing", "advantage", noisy(licences[3], 0.0)),
    ]
    licence_base = 0.0
    for year in range(1, 6):
        licence_base += licences.get(year, 0.0)
        if year >= 2:
            items.append(("Annual software maintenance (18 %)", "maintenance", year, "ongoing", "keep_running",
                          float(np.round(0.18 * licence_base / 1000.0) * 1000.0)))
    items += [
        ("Application and database servers", "hardware", 1, "initial", "implementation", noisy(1_200_000)),
        ("Mobile devices for field sales", "hardware", 1, "initial", "implementation", noisy(420_000)),
        ("Server refresh", "hardware", 4, "ongoing", "operations", noisy(380_000)),
        ("System integration and data migration", "external_services", 1, "initial", "implementation",
         noisy(2_300_000)),
        ("Integrator change requests", "external_services", 2, "ongoing", "keep_running", noisy(350_000)),
        ("Vendor consulting and configuration", "vendor_services", 1, "initial", "implementation", noisy(1_050_000)),
        ("Initial user training", "vendor_services", 1, "initial", "implementation", noisy(260_000)),
        ("Internal project team", "internal_staff", 1, "initial", "implementation", noisy(1_600_000)),
        ("Other first-year costs (travel, workspace)", "other", 1, "initial", "implementation", noisy(180_000)),
    ]
    for year in range(1, 6):
        items.append(("Data lines and call-centre telephony", "telecom", year,
                      "initial" if year == 1 else "ongoing", "implementation" if year == 1 else "operations",
                      noisy(150_000)))
    for year in range(2, 6):
        items += [
            ("Internal support desk and administrators", "internal_staff", year, "ongoing", "operations",
             noisy(820_000)),
            ("Refresher training", "vendor_services", year, "ongoing", "operations", noisy(90_000)),
            ("Upgrades and new functions", "external_services", year, "ongoing", "advantage",
             noisy(300_000 + 60_000 * year)),
        ]
    frame = pd.DataFrame(items, columns=["item", "component", "year", "phase", "purpose", "amount"])
    initial = frame.loc[frame["phase"] == "initial", "amount"].sum()
    # The planners reserved 12 % of the *initial* spend, which is well under 10 % of
    # the five-year total: one of the gaps the chapter's audit is meant to catch.
    reserve = float(np.round(0.12 * initial / 1000.0) * 1000.0)
    frame.loc[len(frame)] = ["Contingency reserve", "other", 1, "initial", "contingency", reserve]
    order = {c: i for i, c in enumerate(("licenses", "maintenance", "hardware", "telecom", "external_services",
                                         "vendor_services", "internal_staff", "other"))}
    frame = frame.sort_values(["year", "component", "item"], key=lambda s: s.map(order) if s.name == "component" else s)
    return frame.reset_index(drop=True)


# ---------------------------------------------------------------------------
# Firm financials (EVA)
# ---------------------------------------------------------------------------

_FIRMS = (
    # name, revenue (CNY m), EBIT margin, growth, debt/capital, beta, capital turnover, R&D, marketing share
    ("Huaxin Telecom", 18_500.0, 0.16, 0.05, 0.45, 0.85, 0.62, 0.030, 0.040),
    ("Jinhe Retail", 9_200.0, 0.055, 0.03, 0.35, 1.10, 2.10, 0.004, 0.025),
    ("Lanting Property", 12_800.0, 0.19, 0.08, 0.62, 1.35, 0.45, 0.002, 0.015),
)


def firm_financials(seed: int = 20240701) -> pd.DataFrame:
    """Five years (2020-2024) of summary financials for three listed firms, in CNY millions."""
    rng = np.random.default_rng(seed)
    rows = []
    for name, revenue0, margin, growth, debt_share, beta, turnover, rd, mkt in _FIRMS:
        revenue = revenue0 * (1 + (rng.normal(0, 0.08) if seed != 20240701 else 0.0))
        for year in range(2020, 2025):
            revenue *= 1 + growth + rng.normal(0.0, 0.025)
            ebit = revenue * (margin + rng.normal(0.0, 0.012))
            capital = revenue / (turnover * (1 + rng.normal(0.0, 0.03)))
            debt = capital * debt_share
            equity_book = capital - debt
            risk_free = 0.026 + rng.normal(0.0, 0.002)
            rows.append({
                "firm": name,
                "year": year,
                "revenue": revenue,
                "ebit": ebit,
                "tax_rate": 0.25,
                "debt": debt,
                "equity_book": equity_book,
                "equity_market": equity_book * (1.1 + 0.9 * rng.random()),
                "cost_of_debt": risk_free + 0.015 + 0.02 * debt_share,
                "beta": beta + rng.normal(0.0, 0.04),
                "risk_free": risk_free,
                "market_return": 0.085 + rng.normal(0.0, 0.004),
                "rd_expense": revenue * rd,
                "marketing_expense": revenue * mkt,
                "lease_expense": revenue * 0.012,
                "invested_capital": capital,
            })
    frame = pd.DataFrame(rows)
    money = ["revenue", "ebit", "debt", "equity_book", "equity_market", "rd_expense", "marketing_expense",
             "lease_expense", "invested_capital"]
    frame[money] = frame[money].round(1)
    # Keep the balance-sheet identity exact after rounding.
    frame["invested_capital"] = (frame["debt"] + frame["equity_book"]).round(1)
    rates = ["cost_of_debt", "risk_free", "market_return"]
    frame[rates] = frame[rates].round(4)
    frame["beta"] = frame["beta"].round(2)
    return frame


# ---------------------------------------------------------------------------
# CRM scorecard indicators: Delphi rankings, fuzzy votes, targets and actuals
# ---------------------------------------------------------------------------

#: perspective, indicator code, English name, Chinese name, true importance (1-9 scale)
SCORECARD_INDICATORS = (
    ("financial", "profit_growth", "Customer profit growth", "客户利润增长率", 8.2),
    ("financial", "revenue_growth", "Sales revenue growth", "销售收入增长率", 7.6),
    ("financial", "cost_per_customer", "Service cost per customer", "单位客户服务成本", 6.1),
    ("customer", "satisfaction", "Customer satisfaction", "客户满意度", 8.6),
    ("customer", "retention", "Customer retention rate", "客户保持率", 8.0),
    ("customer", "acquisition", "New customer acquisition rate", "新客户获得率", 6.6),
    ("internal_process", "complaint_time", "Complaint resolution time", "投诉处理时间", 7.0),
    ("internal_process", "first_contact", "First-contact resolution rate", "一次解决率", 6.4),
    ("internal_process", "campaign_response", "Campaign response rate", "营销活动响应率", 5.2),
    ("learning_growth", "training_hours", "CRM training hours per employee", "员工CRM培训时数", 4.6),
    ("learning_growth", "system_usage", "CRM system usage rate", "CRM系统使用率", 5.8),
    ("learning_growth", "employee_satisfaction", "Employee satisfaction", "员工满意度", 5.0),
)


def expert_rankings(seed: int = 20240801, experts: int = 10, rounds: int = 3) -> pd.DataFrame:
    """Delphi panel: each expert rates 12 indicators, ranks follow; opinions converge over rounds.

    Each round an expert's rating is a mix of their own view and the panel's
    previous mean (the feedback step), so the spread shrinks round by round.
    Equal ratings give tied, averaged ranks, as in a real panel.
    """
    rng = np.random.default_rng(seed)
    truth = np.array([row[4] for row in SCORECARD_INDICATORS])
    if seed != 20240801:
        truth = truth + rng.normal(0.0, 0.5, size=truth.size)
    own_view = truth + rng.normal(0.0, 1.5, size=(experts, truth.size))
    rows = []
    panel_mean = None
    for rnd in range(1, rounds + 1):
        pull = 0.0 if panel_mean is None else 0.45 + 0.15 * (rnd - 2)
        centre = own_view if panel_mean is None else (1 - pull) * own_view + pull * panel_mean
        ratings = np.clip(np.rint(centre + rng.normal(0.0, 0.4, size=centre.shape)), 1, 9)
        ranks = pd.DataFrame(-ratings).rank(axis=1, method="average").to_numpy()
        panel_mean = ratings.mean(axis=0)
        own_view = centre
        for e in range(experts):
            for k, (perspective, code, *_rest) in enumerate(SCORECARD_INDICATORS):
                rows.append((rnd, f"E{e + 1:02d}", perspective, code, float(ranks[e, k])))
    return pd.DataFrame(rows, columns=["round", "expert", "perspective", "indicator", "rank"])


GRADES = (N_("excellent"), N_("good"), N_("fair"), N_("poor"))


def scorecard_votes(seed: int = 20240901, raters: int = 20) -> pd.DataFrame:
    """Fuzzy-evaluation votes: how many of 20 raters put each indicator in each grade."""
    rng = np.random.default_rng(seed)
    # The CRM system is rated well on customer measures and weakly on learning & growth.
    quality = {"financial": 0.62, "customer": 0.7, "internal_process": 0.55, "learning_growth": 0.42}
    rows = []
    for perspective, code, *_rest in SCORECARD_INDICATORS:
        q = np.clip(quality[perspective] + rng.normal(0.0, 0.08), 0.05, 0.95)
        # Ordered grades: a rater's latent score q splits into 4 bands.
        probs = np.array([q**2, 2 * q * (1 - q) * 0.75, 2 * q * (1 - q) * 0.25 + (1 - q) ** 2 * 0.6, (1 - q) ** 2 * 0.4])
        counts = rng.multinomial(raters, probs / probs.sum())
        rows.append((perspective, code, *counts.tolist()))
    return pd.DataFrame(rows, columns=["perspective", "indicator", *GRADES])


def crm_scorecard(seed: int = 20241001) -> pd.DataFrame:
    """A CRM balanced scorecard: objectives and measures with targets, actuals and global weights."""
    rng = np.random.default_rng(seed)
    spec = (
        # perspective, objective, measure, unit, target, direction, weight
        ("financial", "Grow profitable customers", "Customer profit growth", "share", 0.12, "higher", 0.12),
        ("financial", "Grow profitable customers", "Sales revenue growth", "share", 0.10, "higher", 0.10),
        ("financial", "Serve customers efficiently", "Service cost per customer", "CNY", 180.0, "lower", 0.08),
        ("customer", "Delight customers", "Customer satisfaction (top-2 box)", "share", 0.85, "higher", 0.12),
        ("customer", "Keep customers", "Customer retention rate", "share", 0.80, "higher", 0.12),
        ("customer", "Win new customers", "New customer acquisition rate", "share", 0.15, "higher", 0.06),
        ("internal_process", "Resolve complaints fast", "Complaint resolution time", "hours", 24.0, "lower", 0.10),
        ("internal_process", "Resolve complaints fast", "First-contact resolution rate", "share", 0.75, "higher", 0.07),
        ("internal_process", "Target campaigns", "Campaign response rate", "share", 0.05, "higher", 0.05),
        ("learning_growth", "Build CRM skills", "CRM training hours per employee", "hours", 24.0, "higher", 0.06),
        ("learning_growth", "Use the system", "CRM system usage rate", "share", 0.90, "higher", 0.07),
        ("learning_growth", "Keep staff engaged", "Employee satisfaction (top-2 box)", "share", 0.75, "higher", 0.05),
    )
    # Achievement ratios (actual / target for 'higher') chosen to tell a story:
    # customer measures near target, learning & growth lagging.
    ratio = np.array([0.92, 1.05, 0.95, 0.97, 1.01, 0.80, 0.85, 0.93, 1.10, 0.70, 0.78, 0.90])
    if seed != 20241001:
        ratio = ratio * (1 + rng.normal(0.0, 0.06, size=ratio.size))
    rows = []
    for (perspective, objective, measure, unit, target, direction, weight), r in zip(spec, ratio):
        actual = target * r if direction == "higher" else target / r
        digits = 4 if unit == "share" else 1
        rows.append((perspective, objective, measure, unit, target, round(float(actual), digits), direction, weight))
    return pd.DataFrame(rows, columns=["perspective", "objective", "measure", "unit", "target", "actual",
                                       "direction", "weight"])


# ---------------------------------------------------------------------------
# Customer transaction log (RFM, CLV, BG/NBD)
# ---------------------------------------------------------------------------


def transactions(seed: int = 20241101, customers: int = 2500) -> pd.DataFrame:
    """18 months of purchases by a cohort acquired in Q1 2024, drawn from a BG/NBD process.

    Each customer buys at a Poisson rate λ ~ Gamma(r=0.75, α=6 weeks) while
    alive and, after each repeat purchase, drops out with probability
    p ~ Beta(a=0.8, b=4). Spend per purchase follows the gamma-gamma model
    (average ~ 260 CNY). First purchases are spread over January–March 2024;
    the log ends on 30 June 2025.
    """
    rng = np.random.default_rng(seed)
    start = np.datetime64("2024-01-01")
    end_day = int((np.datetime64("2025-06-30") - start).astype(int))
    lam = rng.gamma(shape=0.75, scale=1 / 6.0, size=customers) / 7.0  # purchases per day
    p_drop = rng.beta(0.8, 4.0, size=customers)
    first = rng.integers(0, 91, size=customers)
    spend_mean = 1.0 / rng.gamma(shape=6.0, scale=1 / 1200.0, size=customers)  # gamma-gamma: ν ~ Gamma(q, γ)
    preferred = rng.choice(["store", "online", "app"], size=customers, p=[0.5, 0.3, 0.2])

    cust_ids, days = [], []
    for i in range(customers):
        t = float(first[i])
        times = [t]
        while True:
            t += rng.exponential(1.0 / lam[i])
            if t > end_day:
                break
            times.append(t)
            if rng.random() < p_drop[i]:
                break
        cust_ids.extend([i] * len(times))
        days.extend(times)
    cust = np.asarray(cust_ids)
    day = np.floor(np.asarray(days)).astype(int)
    amount = rng.gamma(shape=4.0, scale=spend_mean[cust] / 4.0)
    channel = np.where(rng.random(cust.size) < 0.8, preferred[cust],
                       rng.choice(["store", "online", "app"], size=cust.size))
    frame = pd.DataFrame({
        "customer_id": [f"C{c + 1:05d}" for c in cust],
        "date": start + day.astype("timedelta64[D]"),
        "amount": np.round(np.maximum(amount, 5.0), 2),
        "channel": channel,
    })
    return frame.sort_values(["date", "customer_id"], kind="stable").reset_index(drop=True)


#: dataset name -> (generator, default seed)
GENERATORS: dict[str, Callable[..., pd.DataFrame]] = {
    "service_survey": service_survey,
    "service_attributes": service_attributes,
    "crm_costs": crm_costs,
    "firm_financials": firm_financials,
    "expert_rankings": expert_rankings,
    "scorecard_votes": scorecard_votes,
    "crm_scorecard": crm_scorecard,
    "transactions": transactions,
}


def generate(name: str, seed: int | None = None) -> pd.DataFrame:
    """Generate dataset ``name``; ``seed=None`` gives the shipped version."""
    if name not in GENERATORS:
        raise KeyError(_("unknown dataset {name!r}; known datasets: {known}").format(
            name=name, known=", ".join(sorted(GENERATORS))))
    func = GENERATORS[name]
    return func() if seed is None else func(seed=seed)
