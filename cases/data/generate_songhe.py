"""Write the data of case 4 (Songhe Group's performance review): songhe_review.csv and songhe_hotel_kpis.csv.

Run from anywhere: ``python cases/data/generate_songhe.py [OUTPUT_FOLDER]`` (default: this folder). The
output is byte-for-byte reproducible.
Each file holds 100 variants (column ``variant``, 0-99) drawn with seeds 20110609 + variant; variant 0 is
the one discussed in class, and the case notebook picks a student's variant from their student number.

Assumptions (synthetic data, written for crmlab):

* Twelve departments: six business units with revenue (CNY million) and six support departments measured
  by the share of their service-level commitments met. Years 2023 and 2024, the two years of the review.
* Revenue: each unit's market grows by a unit-specific rate around 4 % a year (s.d. 3 points) plus a yearly
  shock (s.d. 4 points). The review set every unit's target at last year's actual revenue plus 30 %.
* ``rules_reported``: rule violations the department reported in other departments during the year. The
  new system made human resources, internal audit and finance the enforcers, so they report many.
* ``peer_score`` (0-100): the mean mark the other departments gave in the annual review. It rises a little
  with the department's real performance (revenue growth or service level, standardised: +2 points per
  standard deviation) and falls by 0.25 points per violation the department reported (people mark down
  those who report them), plus noise (s.d. 3 points).
* The hotel division's redesigned KPI set (songhe_hotel_kpis.csv): six measures over the four
  balanced-scorecard perspectives with realistic targets; actuals vary around the targets.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
VARIANTS = 100
BASE_SEED = 20110609

# name, kind, 2022 revenue (CNY million) or base service level, typical violations reported per year
DEPARTMENTS = (
    ("Hotels", "business", 820.0, 4),
    ("Travel agency", "business", 310.0, 3),
    ("Restaurants", "business", 450.0, 5),
    ("Bus lines", "business", 260.0, 3),
    ("Mall leasing", "business", 380.0, 2),
    ("Property services", "business", 190.0, 4),
    ("Human resources", "support", 0.90, 70),
    ("Finance", "support", 0.92, 25),
    ("Internal audit", "support", 0.88, 40),
    ("IT", "support", 0.86, 8),
    ("Procurement", "support", 0.89, 15),
    ("Administration", "support", 0.91, 10),
)

# measure, perspective, unit, direction, weight, target, relative spread of the actual around the target
HOTEL_KPIS = (
    ("Revenue growth", "financial", "share", "higher", 0.25, 0.06, 0.45),
    ("Gross operating profit margin", "financial", "share", "higher", 0.15, 0.32, 0.08),
    ("Guest satisfaction (top-2 box)", "customer", "share", "higher", 0.20, 0.85, 0.06),
    ("Repeat-guest share", "customer", "share", "higher", 0.15, 0.30, 0.15),
    ("Complaint resolution time", "internal_process", "hours", "lower", 0.15, 24.0, 0.20),
    ("Training hours per employee", "learning_growth", "hours", "higher", 0.10, 30.0, 0.20),
)


def review(variant: int) -> pd.DataFrame:
    rng = np.random.default_rng(BASE_SEED + variant)
    n = len(DEPARTMENTS)
    kind = np.array([d[1] for d in DEPARTMENTS])
    business = kind == "business"
    trend = rng.normal(0.04, 0.03, n)
    level = np.array([d[2] for d in DEPARTMENTS], dtype=float)
    rows = []
    for year in (2023, 2024):
        growth = trend + rng.normal(0, 0.04, n)
        service = np.clip(np.array([d[2] for d in DEPARTMENTS]) + rng.normal(0, 0.03, n), 0.5, 1.0)
        performance = np.where(business, growth, service)
        z = np.zeros(n)
        for mask in (business, ~business):
            z[mask] = (performance[mask] - performance[mask].mean()) / performance[mask].std()
        reported = rng.poisson([d[3] for d in DEPARTMENTS])
        peer = np.clip(78 + 2 * z - 0.25 * reported + rng.normal(0, 3, n), 0, 100)
        actual = level * (1 + growth)
        for i, (name, k, _, _) in enumerate(DEPARTMENTS):
            rows.append({
                "variant": variant, "year": year, "department": name, "kind": k,
                "peer_score": round(float(peer[i]), 1), "rules_reported": int(reported[i]),
                "revenue_prev": round(float(level[i]), 1) if business[i] else np.nan,
                "revenue_target": round(float(level[i] * 1.30), 1) if business[i] else np.nan,
                "revenue_actual": round(float(actual[i]), 1) if business[i] else np.nan,
                "service_level": np.nan if business[i] else round(float(service[i]), 3),
            })
        level = np.where(business, actual, level)
    return pd.DataFrame(rows)


def hotel_kpis(variant: int) -> pd.DataFrame:
    rng = np.random.default_rng(BASE_SEED + 5000 + variant)
    rows = []
    for measure, perspective, unit, direction, weight, target, spread in HOTEL_KPIS:
        # Actuals scatter around realistic targets: most measures near target, some a little short.
        actual = target * (1 + rng.normal(-0.02, spread / 2))
        digits = 3 if unit == "share" else 1
        rows.append({"variant": variant, "measure": measure, "perspective": perspective, "unit": unit,
                     "direction": direction, "weight": weight, "target": target,
                     "actual": round(float(max(actual, 0.001)), digits)})
    return pd.DataFrame(rows)


def main(out: Path = HERE) -> None:
    out = Path(out)
    pd.concat([review(v) for v in range(VARIANTS)]).to_csv(out / "songhe_review.csv", index=False,
                                                           lineterminator="\n")
    pd.concat([hotel_kpis(v) for v in range(VARIANTS)]).to_csv(out / "songhe_hotel_kpis.csv", index=False,
                                                               lineterminator="\n")


if __name__ == "__main__":
    main(*sys.argv[1:2])
