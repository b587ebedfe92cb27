"""Speed of the money chapters: TCO Monte Carlo, the TCO planner's redraw, IRR and NPV, beside baselines.

Targets: ``tco.simulate`` of 100,000 scenarios × 5 years × 8 components under 0.2 s; a planner
update (rebuild the plan, audit, NPV, redraw chart and tables) under 100 ms. Baselines are measured
in the same run:
* Monte Carlo: bare numpy drawing one overrun per scenario, year and component and multiplying the
  full (scenario, year, component) cube — with the triangular distribution crmlab uses, and with a
  PERT (beta) distribution, the other common choice; plus a plain-Python loop over scenarios (the
  spreadsheet-macro approach) timed on 2,000 scenarios and scaled to 100,000.
* Planner: the same update drawn into a new pyplot figure each time (what a naive callback does).
* IRR and NPV: numpy-financial's ``irr`` and ``npv`` on the same series.

Each figure is the best of a few runs. Run: ``python benchmarks/bench_money.py``.
"""

from __future__ import annotations

import importlib.metadata
import io
import random
import statistics
import time
import timeit

import _timing
import numpy as np
import pandas as pd

from crmlab import finance, tco

SCENARIOS = 100_000
YEARS = 5
REPEAT = 5


def best_of(func, repeat: int = REPEAT) -> tuple[float, object]:
    return _timing.best_of(func, repeat)


def dense_plan(seed: int = 0) -> pd.DataFrame:
    """A five-year plan with a cost in every (year, component) cell: 40 cells, none skipped."""
    rng = np.random.default_rng(seed)
    rows = [(c, y, float(rng.uniform(1e5, 2e6))) for y in range(1, YEARS + 1) for c in tco.COMPONENTS]
    return pd.DataFrame(rows, columns=["component", "year", "amount"])


def numpy_cube(base: np.ndarray, draw) -> np.ndarray:
    overrun = draw((SCENARIOS, *base.shape))
    return (base * (1 + overrun)).sum(axis=(1, 2))


def python_loop(base: np.ndarray, n: int, seed: int = 0) -> list[float]:
    rnd = random.Random(seed)
    cells = base.ravel().tolist()
    return [sum(c * (1 + rnd.triangular(0.0, 0.8, 0.5)) for c in cells) for _ in range(n)]


def bench_monte_carlo() -> None:
    plan = dense_plan()
    base = tco.by_year(plan).drop(columns="total").to_numpy()
    rng = np.random.default_rng(0)
    ours, sim = best_of(lambda: tco.simulate(plan, n=SCENARIOS, seed=0))
    tri, _ = best_of(lambda: numpy_cube(base, lambda size: rng.triangular(0.0, 0.5, 0.8, size)))
    # PERT(0, 0.5, 0.8) as a scaled beta distribution
    pert, _ = best_of(lambda: numpy_cube(base, lambda size: 0.8 * rng.beta(3.5, 2.5, size)))
    loop_n = 2_000
    loop, _ = best_of(lambda: python_loop(base, loop_n), repeat=2)
    loop *= SCENARIOS / loop_n
    cells = base.size
    print(f"\nMonte Carlo of overruns: {SCENARIOS:,} scenarios x {YEARS} years x {len(tco.COMPONENTS)} components "
          f"({SCENARIOS * cells:,} draws); target < 0.2 s")
    print(f"  {'crmlab.tco.simulate (shared + own triangular draws)':<52} {ours:8.3f} s   "
          f"{'meets' if ours < 0.2 else 'MISSES'} the target; P80 overrun {sim.p80 / sim.planned - 1:.1%}")
    for name, seconds in (("bare numpy cube, triangular", tri), ("bare numpy cube, PERT (beta)", pert),
                          ("plain Python loop (scaled from 2,000)", loop)):
        print(f"  {name:<52} {seconds:8.3f} s   crmlab is {seconds / ours:5.1f}x faster")


def bench_planner() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from crmlab import widgets
    from crmlab.plots.money import plot_plan
    from crmlab.widgets.planner import _audit_html, planner_view

    box = widgets.tco_planner()
    slider = box.controls["users"]
    values = [820, 840, 860, 880, 900, 920, 940, 960, 980, 1000]

    def move_all():
        times = []
        for v in values:
            start = time.perf_counter()
            slider.value = v
            times.append(time.perf_counter() - start)
        slider.value = 800
        return times

    move_all()  # warm caches (fonts, pandas, matplotlib)
    updates = [t for _ in range(3) for t in move_all()]
    compute = min(timeit.repeat(lambda: planner_view(users=900).plan.audit, number=5, repeat=3)) / 5

    def naive(v):
        view = planner_view(users=v)
        fig, ax = plt.subplots(figsize=(8, 4.6), layout="constrained")
        plot_plan(view.plan, ax=ax)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        plt.close(fig)
        _audit_html(view.plan)

    naive(900)
    naive_times = [best_of(lambda v=v: naive(v), repeat=1)[0] for v in values]
    median, worst = statistics.median(updates), max(updates)
    print("\nTCO planner update (slider move -> plan, audit, NPV, chart and tables redrawn); target < 100 ms")
    naive_median = statistics.median(naive_times)
    print(f"  {'crmlab planner, median of ' + str(len(updates)) + ' moves':<52} {1000 * median:8.1f} ms  "
          f"{'meets' if median < 0.1 else 'MISSES'} the target (slowest {1000 * worst:.1f} ms)")
    print(f"  {'of which plan_tco + audit + NPV (no drawing)':<52} {1000 * compute:8.1f} ms")
    print(f"  {'baseline: new pyplot figure per update, median':<52} {1000 * naive_median:8.1f} ms  "
          f"crmlab is {naive_median / median:4.1f}x faster")


def bench_irr() -> None:
    import numpy_financial as npf

    rng = np.random.default_rng(1)
    print(f"\nIRR and NPV per call vs numpy-financial {importlib.metadata.version('numpy-financial')} "
          "(conventional series: one outlay, then inflows)")
    print(f"  {'flows':>6} {'crmlab irr':>12} {'npf.irr':>10} {'ratio':>6}   "
          f"{'crmlab npv':>11} {'npf.npv':>9} {'ratio':>6}")
    for n in (5, 20, 120, 360):
        flows = np.concatenate([[-rng.uniform(1e5, 1e6)], rng.uniform(0, 2e5 * 12 / n, n - 1)])
        number = 2000 if n <= 20 else 200 if n <= 120 else 20
        ours = min(timeit.repeat(lambda: finance.irr(flows), number=number, repeat=5)) / number
        theirs = min(timeit.repeat(lambda: npf.irr(flows), number=number, repeat=5)) / number
        assert abs(finance.irr(flows) - npf.irr(flows)) < 1e-9
        our_npv = min(timeit.repeat(lambda: finance.npv(0.08, flows), number=2000, repeat=5)) / 2000
        their_npv = min(timeit.repeat(lambda: npf.npv(0.08, flows), number=2000, repeat=5)) / 2000
        print(f"  {n:>6} {1e6 * ours:>10.1f}us {1e6 * theirs:>8.1f}us {ours / theirs:>6.2f}   "
              f"{1e6 * our_npv:>9.1f}us {1e6 * their_npv:>7.1f}us {our_npv / their_npv:>6.2f}")
    print("  (crmlab's irr also confirms each root with a sign-changing bracket and scans for roots the "
          "eigenvalues miss; ratio > 1 is that price)")


def main() -> None:
    print(f"crmlab money benchmarks · numpy {np.__version__} · pandas {pd.__version__}")
    bench_monte_carlo()
    bench_planner()
    bench_irr()


if __name__ == "__main__":
    main()
