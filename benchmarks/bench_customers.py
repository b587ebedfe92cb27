"""Speed of crmlab.customers: RFM on 1,000,000 transactions and BG/NBD fitting, beside baselines.

Targets: ``rfm`` on 1,000,000 transactions under 2 s. Baselines are measured in the same run:
* RFM: a bare pandas ``groupby`` that only aggregates (last date, count, sum) — the floor any RFM
  must pay — and the same groupby plus pandas ``rank``/``qcut`` scoring, the usual hand-written RFM.
* BG/NBD: the same log-likelihood maximised with Nelder–Mead and no gradient (the textbook
  spreadsheet-style approach), against crmlab's BFGS with an analytic gradient.

Each figure is the best of a few runs. Run: ``python benchmarks/bench_customers.py``.
"""

from __future__ import annotations

import importlib.metadata

import _timing
import numpy as np
import pandas as pd

from crmlab import customers as cu
from crmlab import datasets

N_TRANSACTIONS = 1_000_000
N_CUSTOMERS = 100_000
REPEAT = 3


def best_of(func, repeat: int = REPEAT) -> tuple[float, object]:
    return _timing.best_of(func, repeat)


def make_log(n: int = N_TRANSACTIONS, customers: int = N_CUSTOMERS, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ids = np.char.add("C", rng.integers(0, customers, n).astype(str))
    return pd.DataFrame({
        "customer_id": pd.array(ids, dtype="str"),
        "date": pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 730, n), unit="D"),
        "amount": rng.gamma(2.0, 100.0, n).round(2),
    })


def groupby_only(log: pd.DataFrame) -> pd.DataFrame:
    return log.groupby("customer_id").agg(last=("date", "max"), frequency=("amount", "size"),
                                          monetary=("amount", "sum"))


def groupby_and_qcut(log: pd.DataFrame, bins: int = 5) -> pd.DataFrame:
    out = groupby_only(log)
    out["recency"] = (log["date"].max() - out["last"]).dt.days
    labels = list(range(1, bins + 1))
    out["r"] = pd.qcut(out["recency"].rank(method="first"), bins, labels=labels[::-1]).astype(int)
    out["f"] = pd.qcut(out["frequency"].rank(method="first"), bins, labels=labels).astype(int)
    out["m"] = pd.qcut(out["monetary"].rank(method="first"), bins, labels=labels).astype(int)
    out["rfm"] = out["r"].astype(str) + out["f"].astype(str) + out["m"].astype(str)
    return out


def nelder_mead_fit(frequency, recency, T):
    from scipy import optimize

    x, tx, big_t = (np.asarray(v, dtype=float) for v in (frequency, recency, T))

    def negative(logp):
        with np.errstate(all="ignore"):
            value = -cu._loglik_terms(np.exp(logp), x, tx, big_t).sum()
        return value if np.isfinite(value) else 1e300

    res = optimize.minimize(negative, np.log([1.0, np.mean(big_t) / 10, 1.0, 1.0]), method="Nelder-Mead",
                            options={"maxiter": 20_000, "xatol": 1e-8, "fatol": 1e-8})
    return np.exp(res.x), -res.fun


def row(label: str, seconds: float, base: float | None = None, note: str = "") -> None:
    ratio = f"{seconds / base:>8.2f}" if base else f"{'':>8}"
    print(f"{label:<52} {seconds:>9.3f} {ratio}  {note}")


def main() -> None:
    log = make_log()
    print(f"RFM on {len(log):,} transactions of {log['customer_id'].nunique():,} customers")
    print(f"{'what':<52} {'best s':>9} {'× base':>8}")
    base, _ = best_of(lambda: groupby_only(log))
    row("pandas groupby (aggregation only, baseline)", base)
    t_qcut, _ = best_of(lambda: groupby_and_qcut(log))
    row("pandas groupby + rank/qcut scores", t_qcut, base)
    t_rfm, out = best_of(lambda: cu.rfm(log))
    row("crmlab.customers.rfm (datetime64 dates)", t_rfm, base, "target < 2 s: " + ("met" if t_rfm < 2 else "MISSED"))
    text_log = log.assign(date=log["date"].dt.strftime("%Y-%m-%d"))
    t_text, _ = best_of(lambda: cu.rfm(text_log), repeat=1)
    row("crmlab.customers.rfm (dates as text, parsed)", t_text, base)
    check = groupby_only(log)
    assert (out["frequency"] == check["frequency"]).all() and np.allclose(out["monetary"], check["monetary"])

    print()
    print("BG/NBD maximum-likelihood fit")
    print(f"{'what':<52} {'best s':>9} {'× base':>8}")
    path = importlib.metadata.distribution("lifetimes").locate_file("lifetimes/datasets/cdnow_customers_summary.csv")
    cdnow = pd.read_csv(path)
    args = (cdnow["frequency"], cdnow["recency"], cdnow["T"])
    base_bg, (p_nm, ll_nm) = best_of(lambda: nelder_mead_fit(*args))
    row("CDNOW (2,357): Nelder-Mead, no gradient (baseline)", base_bg, note=f"LL {ll_nm:.4f}")
    t_bg, fit = best_of(lambda: cu.BetaGeo().fit(*args))
    row("CDNOW (2,357): crmlab BetaGeo().fit", t_bg, base_bg, note=f"LL {fit.log_likelihood:.4f}")
    summary = cu.bgnbd_summary(datasets.load("transactions"), as_of="2025-03-31")
    t_ds, _ = best_of(lambda: cu.BetaGeo().fit(summary["frequency"], summary["recency"], summary["T"]))
    row("transactions dataset (2,500): crmlab BetaGeo().fit", t_ds)
    sim = cu.simulate_bgnbd(100_000, 0.75, 6.0, 0.8, 4.0, T=52, seed=0)
    t_sim, _ = best_of(lambda: cu.BetaGeo().fit(sim["frequency"], sim["recency"], sim["T"]), repeat=1)
    row("simulated (100,000): crmlab BetaGeo().fit", t_sim)


if __name__ == "__main__":
    main()
