"""The BG/NBD model: Fader, Hardie & Lee (2005) on the CDNOW sample, and recovery of known parameters.

Source: Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005), '"Counting your customers" the easy way:
an alternative to the Pareto/NBD model', Marketing Science 24(2): 275-284, section 4 (CDNOW sample of
2,357 customers, 39-week calibration): r = 0.243, alpha = 4.414, a = 0.793, b = 2.426,
LL = -9582.4; and Fader & Hardie's note "Implementing the BG/NBD model" (2005): a customer with
x = 2, t_x = 30.43, T = 38.86 is expected to make 1.226 purchases in the next 39 weeks.
The CDNOW summary is the copy shipped in the lifetimes 0.11.3 wheel (data only; lifetimes is not imported).
"""

from __future__ import annotations

import importlib.metadata

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from scipy import special  # noqa: E402

from crmlab import customers as cu  # noqa: E402
from crmlab import datasets  # noqa: E402


@pytest.fixture(scope="module")
def cdnow():
    try:
        path = importlib.metadata.distribution("lifetimes").locate_file(
            "lifetimes/datasets/cdnow_customers_summary.csv")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("lifetimes 0.11.3 (test-only dependency, for its CDNOW data) is not installed")
    return pd.read_csv(path)


@pytest.fixture(scope="module")
def cdnow_fit(cdnow):
    return cu.BetaGeo().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])


def test_reproduces_fader_hardie_lee_2005(cdnow, cdnow_fit):
    assert len(cdnow) == 2357
    fit = cdnow_fit
    assert fit.converged
    assert round(fit.r, 3) == 0.243
    assert round(fit.alpha, 3) == 4.414
    assert round(fit.a, 3) == 0.793
    assert round(fit.b, 3) == 2.426
    assert fit.log_likelihood == pytest.approx(-9582.43, abs=0.005)


def test_conditional_expectation_of_the_implementation_note(cdnow_fit):
    assert round(cdnow_fit.conditional_expected_purchases(39, 2, 30.43, 38.86), 3) == 1.226


def test_the_optimum_is_a_maximum(cdnow, cdnow_fit):
    x, tx, big_t = (cdnow[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    best = cu.bgnbd_log_likelihood(cdnow_fit.params, x, tx, big_t).sum()
    assert best == pytest.approx(cdnow_fit.log_likelihood)
    for j in range(4):
        for step in (0.99, 1.01):
            p = cdnow_fit.params.to_numpy().copy()
            p[j] *= step
            assert cu.bgnbd_log_likelihood(p, x, tx, big_t).sum() < best
    assert (cdnow_fit.se > 0).all() and cdnow_fit.se["r"] < cdnow_fit.r / 5


def test_log_likelihood_matches_the_direct_formula():
    """FHL (2005) eq. 6 evaluated without logs for small inputs."""
    r, alpha, a, b = 0.5, 3.0, 1.2, 2.5
    x, tx, big_t = np.array([0, 1, 4]), np.array([0.0, 2.0, 7.5]), np.array([10.0, 10.0, 9.0])
    beta = special.beta
    common = special.gamma(r + x) * alpha**r / special.gamma(r)
    first = beta(a, b + x) / beta(a, b) * common / (alpha + big_t) ** (r + x)
    second = np.where(x > 0, beta(a + 1, b + np.maximum(x, 1) - 1) / beta(a, b) * common / (alpha + tx) ** (r + x), 0)
    np.testing.assert_allclose(cu.bgnbd_log_likelihood((r, alpha, a, b), x, tx, big_t), np.log(first + second))


def test_log_likelihood_is_stable_for_heavy_buyers():
    ll = cu.bgnbd_log_likelihood((0.24, 4.4, 0.79, 2.4), [500, 2000], [99.0, 99.9], [100.0, 100.0])
    assert np.all(np.isfinite(ll))


def test_analytic_gradient():
    params = np.array([0.3, 5.0, 0.9, 2.0])
    x, tx, big_t = np.array([0.0, 1, 3, 10]), np.array([0, 5.0, 20.0, 30.0]), np.array([39.0, 30.0, 35.0, 38.0])
    _, grad = cu._loglik_terms(params, x, tx, big_t, grad=True)
    for j in range(4):
        step = np.zeros(4)
        step[j] = 1e-6
        numeric = (cu._loglik_terms(params + step, x, tx, big_t) - cu._loglik_terms(params - step, x, tx, big_t)) / 2e-6
        np.testing.assert_allclose(grad[j], numeric, rtol=1e-5, atol=1e-8)


def test_recovers_known_parameters_from_the_simulator():
    true = pd.Series({"r": 0.75, "alpha": 6.0, "a": 0.8, "b": 4.0})
    data = cu.simulate_bgnbd(20_000, *true, T=52, seed=2024)
    fit = cu.BetaGeo().fit(data["frequency"], data["recency"], data["T"])
    z = (fit.params - true) / fit.se
    assert (z.abs() < 3).all(), z
    assert ((fit.params - true).abs() / true < 0.1).all()


def test_simulated_counts_match_the_model_distribution():
    """The simulator and the model's P(X(t) = x) (FHL eq. 8) describe the same process."""
    params = dict(r=0.6, alpha=4.0, a=0.9, b=3.0)
    data = cu.simulate_bgnbd(40_000, **params, T=30, seed=7)
    model = cu.BetaGeoResult(**params, log_likelihood=0.0, n=1, converged=True, iterations=0, se=pd.Series(),
                             frequency=pd.Series([0.0]), recency=pd.Series([0.0]), T=pd.Series([30.0]))
    expected = model.probability_of_purchases(np.arange(6), 30)
    observed = np.bincount(data["frequency"], minlength=6)[:6] / len(data)
    np.testing.assert_allclose(observed, expected, atol=0.01)
    assert data["frequency"].mean() == pytest.approx(model.expected_purchases(30), rel=0.03)
    assert (data["recency"] <= data["T"]).all() and (data.loc[data["frequency"] == 0, "recency"] == 0).all()


def test_predictions_are_consistent(cdnow_fit):
    fit = cdnow_fit
    # E[X(t)] = Σ x P(X(t) = x).
    xs = np.arange(0, 400)
    assert fit.expected_purchases(39) == pytest.approx(np.sum(xs * fit.probability_of_purchases(xs, 39)), rel=1e-6)
    assert fit.probability_of_purchases(xs, 39).sum() == pytest.approx(1.0, abs=1e-6)
    assert fit.expected_purchases(0) == 0.0
    # No repeat purchase: certainly alive. A long silence after many purchases: probably gone.
    assert fit.p_alive(0, 0, 38.86) == 1.0
    assert fit.p_alive(10, 5.0, 38.86) < 0.05 < fit.p_alive(10, 38.0, 38.86)
    assert fit.p_alive(2, 30.43, 38.86) > fit.p_alive(2, 30.43, 50.0)
    pred = fit.predict(39)
    assert len(pred) == fit.n and pred["p_alive"].between(0, 1).all()
    assert pred["expected"].iloc[0] == pytest.approx(fit.conditional_expected_purchases(39, 2, 30.43, 38.86))
    table = fit.frequency_table()
    assert table["actual"].sum() == fit.n and table["expected"].sum() == pytest.approx(fit.n)
    assert table.loc["0", "actual"] == 1411  # FHL (2005) Figure 2: 1,411 customers made no repeat purchase


def test_fit_result_display_and_plot(cdnow_fit):
    frame = cdnow_fit.to_frame()
    assert list(frame.index) == ["r", "alpha", "a", "b"] and list(frame.columns) == ["estimate", "se"]
    assert "BG/NBD" in cdnow_fit._repr_html_()
    ax = cdnow_fit.plot()
    assert [t.get_text() for t in ax.get_xticklabels()][-1] == "7+"
    plt.close("all")


def test_summary_from_a_log_by_hand():
    # a buys twice on 1 Jan (one purchase day), on 15 Jan and on 5 Feb (holdout); b once on 8 Jan.
    log = pd.DataFrame({"customer_id": ["a", "a", "a", "b", "a"],
                        "date": ["2025-01-01", "2025-01-01", "2025-01-15", "2025-01-08", "2025-02-05"],
                        "amount": [10.0, 20.0, 50.0, 5.0, 40.0]})
    out = cu.bgnbd_summary(log, amount="amount", as_of="2025-01-29", holdout_end="2025-02-26")
    assert out.loc["a"].to_dict() == {"frequency": 1, "recency": 2.0, "T": 4.0, "monetary": 50.0, "holdout": 1,
                                      "holdout_length": 4.0}
    assert out.loc["b", ["frequency", "recency", "T", "monetary", "holdout"]].tolist() == [0, 0.0, 3.0, 0.0, 0]
    days = cu.bgnbd_summary(log, unit="day")
    assert days.loc["a"].tolist() == [2, 35.0, 35.0]  # as of the last date, 5 Feb


def test_the_dataset_recovers_its_generating_process():
    """transactions is drawn from BG/NBD with r = 0.75, alpha = 6 weeks, a = 0.8, b = 4 (data dictionary)."""
    log = datasets.load("transactions")
    summary = cu.bgnbd_summary(log, as_of="2025-03-31", holdout_end="2025-06-30")
    fit = cu.BetaGeo().fit(summary["frequency"], summary["recency"], summary["T"])
    true = pd.Series({"r": 0.75, "alpha": 6.0, "a": 0.8, "b": 4.0})
    assert ((fit.params - true).abs() / fit.se < 3).all()
    predicted = fit.conditional_expected_purchases(13)
    assert predicted.sum() == pytest.approx(summary["holdout"].sum(), rel=0.05)


def test_input_errors():
    fit = cu.BetaGeo()
    with pytest.raises(ValueError, match="recency must be <= T .*; got '40 > T = 38.86 at position 1'"):
        fit.fit([1, 2, 0, 0], [5.0, 40.0, 0, 0], 38.86)
    with pytest.raises(ValueError, match="frequency must be whole numbers of repeat purchases"):
        fit.fit([1.5, 2, 0, 0], [5.0, 6.0, 0, 0], 38.86)
    with pytest.raises(ValueError, match="frequency must be non-negative"):
        fit.fit([-1, 2, 0, 0], [5.0, 6.0, 0, 0], 38.86)
    with pytest.raises(ValueError, match="T must be > 0"):
        fit.fit([1, 2, 0, 0], [0.0, 0.0, 0, 0], [1, 1, 0, 1])
    with pytest.raises(ValueError, match="recency must be 0 for customers with no repeat purchase"):
        fit.fit([0, 2, 0, 0], [5.0, 6.0, 0, 0], 38.86)
    with pytest.raises(ValueError, match="frequency, recency and T must be the same length"):
        fit.fit([0, 2, 0, 0], [0, 6.0, 0], 38.86)
    with pytest.raises(ValueError, match="frequency must be at least 4 customers"):
        fit.fit([0, 2], [0, 6.0], 38.86)
    with pytest.raises(ValueError, match="params must be four positive numbers"):
        cu.bgnbd_log_likelihood((1, 1, 1), [0], [0], [1])
    with pytest.raises(ValueError, match="n must be a whole number of customers >= 1"):
        cu.simulate_bgnbd(0, 1, 1, 1, 1)
    with pytest.raises(ValueError, match="holdout_end must be after as_of"):
        cu.bgnbd_summary(pd.DataFrame({"customer_id": ["a"], "date": ["2025-01-01"]}), holdout_end="2024-12-01")
    with pytest.raises(ValueError, match="unit must be one of 'day', 'week'"):
        cu.bgnbd_summary(pd.DataFrame({"customer_id": ["a"], "date": ["2025-01-01"]}), unit="month")


def _small_sample(n: int = 60):
    # The first 60 customers of the transactions log: too few for four parameters (issue 13).
    log = datasets.load("transactions")
    keep = sorted(log["customer_id"].unique())[:n]
    return cu.bgnbd_summary(log[log["customer_id"].isin(keep)], as_of="2025-03-31")


def test_a_degenerate_fit_on_small_data_warns_and_predict_refuses():
    """Issue 13: on 60 customers the fit ran a and b off to ~1e6 with NaN standard errors and predict() carried on."""
    small = _small_sample()
    with pytest.warns(cu.BetaGeoWarning, match=r"BG/NBD fit on 60 customers is unreliable: the optimiser did not "
                                               r"converge; a = .* and b = .* run off to infinity.*a few hundred"):
        fit = cu.BetaGeo().fit(small["frequency"], small["recency"], small["T"])
    assert not fit.converged and not fit.reliable and fit.a > 1e4 and fit.se[["a", "b"]].isna().all()
    assert "converged=False" in repr(fit) and "unreliable=" in repr(fit)
    assert "unreliable" in fit._repr_html_() and "iterations" in fit._repr_html_()
    with pytest.raises(ValueError, match=r"this BG/NBD fit is unreliable .* pass allow_unreliable=True"):
        fit.predict(13)
    assert len(fit.predict(13, allow_unreliable=True)) == 60


def test_a_sound_fit_is_quiet_and_shows_its_convergence(recwarn):
    log = datasets.load("transactions")
    summary = cu.bgnbd_summary(log, as_of="2025-03-31")
    fit = cu.BetaGeo().fit(summary["frequency"], summary["recency"], summary["T"])
    assert not [w for w in recwarn if issubclass(w.category, cu.BetaGeoWarning)]
    assert fit.reliable and fit.problems == ()
    assert "converged=True" in repr(fit) and "iterations=" in repr(fit) and "unreliable" not in repr(fit)
    assert len(fit.predict(13)) == len(summary)
