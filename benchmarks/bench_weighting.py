"""Speed of crmlab.weighting and crmlab.fuzzy beside bare numpy/scipy baselines measured in the same run.

The methods are small (a 9×9 matrix, a dozen indicators), so what matters is the overhead of
validation and result objects a student pays per call, and that nothing grows badly with the
panel size. Baselines:

* AHP: ``numpy.linalg.eig`` on the same matrix plus the CR arithmetic, no validation;
* Kendall's W: ``scipy.stats.friedmanchisquare`` on the same ranks (it returns m(n−1)W, tie-corrected);
* Delphi (3 rounds × 10 experts × 12 indicators): three pandas ``rank``/``mean``/``std`` passes;
* fuzzy evaluation: one ``a @ R`` in numpy.

Each figure is the best of a few runs. Run: ``python benchmarks/bench_weighting.py``.
"""

from __future__ import annotations

import time

import numpy as np
from scipy import stats

from crmlab import datasets, fuzzy, weighting

REPEAT = 5


def best_of(func, number: int, repeat: int = REPEAT) -> float:
    """Seconds per call, best of ``repeat`` batches of ``number`` calls."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            func()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def row(name: str, ours: float, base: float, base_name: str) -> None:
    print(f"{name:<34} {ours * 1e3:9.3f} ms   {base_name:<30} {base * 1e3:9.3f} ms   ratio {ours / base:6.1f}×")


def main() -> None:
    rng = np.random.default_rng(0)
    n = 9
    upper = rng.choice([*range(1, 10), *(1 / k for k in range(2, 10))], size=(n, n))
    a = np.ones((n, n))
    i, j = np.triu_indices(n, 1)
    a[i, j] = upper[i, j]
    a[j, i] = 1 / upper[i, j]

    def bare_ahp():
        values, vectors = np.linalg.eig(a)
        k = np.argmax(values.real)
        w = np.abs(vectors[:, k].real)
        return w / w.sum(), (values[k].real - n) / (n - 1) / 1.45

    row("ahp(9×9, eigen)", best_of(lambda: weighting.ahp(a), 200), best_of(bare_ahp, 2000), "numpy eig + CR")

    for m, items in ((10, 12), (200, 40)):
        ranks = np.array([rng.permutation(items) + 1 for _ in range(m)], dtype=float)
        row(f"kendall_test({m} experts × {items})", best_of(lambda: weighting.kendall_test(ranks), 100),
            best_of(lambda: stats.friedmanchisquare(*ranks.T), 100), "scipy friedmanchisquare")

    long = datasets.load("expert_rankings")
    tables = [weighting.wide_rankings(g) for _, g in long.groupby("round")]

    def bare_delphi():
        out = []
        for t in tables:
            r = t.rank(axis=1)
            out.append((r.mean(), r.std() / r.mean()))
        return out

    row("delphi(3 rounds, dataset)", best_of(lambda: weighting.delphi(tables), 50), best_of(bare_delphi, 200),
        "pandas rank/mean/std")

    membership = fuzzy.membership_from_votes(datasets.load("scorecard_votes"))
    weights = np.full(len(membership), 1 / len(membership))
    r = membership.to_numpy()
    row("fuzzy.evaluate(12 × 4)", best_of(lambda: fuzzy.evaluate(weights, membership), 200),
        best_of(lambda: weights @ r, 20000), "numpy a @ R")
    row("fuzzy.evaluate_levels(4 groups)", best_of(lambda: fuzzy.evaluate_levels(membership, weights), 100),
        best_of(lambda: weights @ r, 20000), "numpy a @ R")


if __name__ == "__main__":
    main()
