"""Scores: covariance propagation, selection, differences and sampling draws.

Every expected value is computed here independently with plain numpy from the same inputs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dgi_stats.exceptions import DGIError
from dgi_stats.scores.pivot import Scores


def _random_scores(rng: np.random.Generator, units=("A", "B", "C"), measures=("x", "y")) -> Scores:
    k = len(units) * len(measures)
    root = rng.normal(size=(k, k))
    cov = root @ root.T / k
    est = pd.DataFrame(rng.normal(5, 1, size=(len(units), len(measures))), index=list(units),
                       columns=list(measures))
    return Scores.from_estimates(est, cov=cov)


def test_from_estimates_diagonal_and_for_measure():
    est = pd.DataFrame({"total": [75.24, 70.1, 68.0]}, index=["Uông Bí", "Hạ Long", "Cô Tô"])
    se = pd.DataFrame({"total": [1.0, 0.5, 2.0]}, index=est.index)
    s = Scores.from_estimates(est, se)
    e, c = s.for_measure("total")
    assert e.tolist() == [75.24, 70.1, 68.0]
    np.testing.assert_array_equal(np.diag(c.to_numpy()), [1.0, 0.25, 4.0])
    assert c.to_numpy()[0, 1] == 0.0
    assert list(c.index) == list(est.index)


def test_linear_map_matches_explicit_kron(rng):
    s = _random_scores(rng)
    w = pd.DataFrame({"x": [1.0, 0.5], "y": [1.0, -2.0]}, index=["sum", "mix"])
    off = pd.Series({"sum": 0.0, "mix": 3.0})
    out = s.linear_map(w, off)
    a_unit = np.vstack([np.eye(2), w.to_numpy()])
    big = np.kron(np.eye(3), a_unit)
    expected_cov = big @ s.cov.to_numpy() @ big.T
    np.testing.assert_allclose(out.cov.to_numpy(), expected_cov, rtol=1e-12)
    np.testing.assert_allclose(out.estimate["sum"], s.estimate["x"] + s.estimate["y"], rtol=1e-12)
    np.testing.assert_allclose(out.estimate["mix"], 0.5 * s.estimate["x"] - 2 * s.estimate["y"] + 3)
    # the variance of the sum for unit B is a' Σ_B a with a = (1, 1)
    sb = s.cov.loc[("B",), ("B",)]
    assert out.std_error.loc["B", "sum"] ** 2 == pytest.approx(float(np.ones(2) @ sb.to_numpy() @ np.ones(2)))


def test_linear_map_refuses_to_overwrite(rng):
    s = _random_scores(rng)
    with pytest.raises(DGIError, match="overwrite"):
        s.linear_map(pd.DataFrame({"x": [1.0]}, index=["y"]))


def test_difference_adds_covariances(rng):
    a = _random_scores(rng)
    b = _random_scores(rng)
    d = a - b
    np.testing.assert_allclose(d.estimate.to_numpy(), a.estimate.to_numpy() - b.estimate.to_numpy())
    np.testing.assert_allclose(d.cov.to_numpy(), a.cov.to_numpy() + b.cov.to_numpy())


def test_select_and_getitem(rng):
    s = _random_scores(rng)
    sub = s["y"].select(units=["C", "A"])
    assert list(sub.units) == ["C", "A"]
    assert sub.cov.loc[("C", "y"), ("A", "y")] == s.cov.loc[("C", "y"), ("A", "y")]
    with pytest.raises(DGIError, match="unknown measure"):
        s["nope"]
    with pytest.raises(DGIError, match="unknown unit"):
        s.select(units=["Z"])


def test_confidence_interval_normal_and_t():
    est = pd.Series([10.0, 20.0], index=["A", "B"], name="m")
    s = Scores.from_estimates(est, pd.Series([1.0, 2.0], index=["A", "B"]), df=5)
    ci = s.confidence_interval(0.95, method="t")
    from scipy import stats

    q = stats.t.ppf(0.975, 5)
    assert ci.loc[("B", "m"), "ci_high"] == pytest.approx(20 + q * 2)
    ci_n = s.confidence_interval(0.9, method="normal")
    assert ci_n.loc[("A", "m"), "ci_low"] == pytest.approx(10 - stats.norm.ppf(0.95))
    with pytest.raises(DGIError, match="confidence_level"):
        s.confidence_interval(1.5)


def test_sampling_draws_reproduce_covariance(rng):
    s = _random_scores(rng)
    draws = s.sampling_draws(40_000, rng=np.random.default_rng(1))
    flat = draws.reshape(len(draws), -1)
    np.testing.assert_allclose(flat.mean(axis=0), s.estimate.to_numpy().ravel(), atol=0.05)
    np.testing.assert_allclose(np.cov(flat.T), s.cov.to_numpy(), atol=0.06)
    again = s.sampling_draws(5, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(again, s.sampling_draws(5, rng=np.random.default_rng(1)))


def test_replicate_draws_have_the_replicate_covariance():
    units, measures = ["A", "B"], ["m"]
    idx = pd.MultiIndex.from_product([units, measures], names=["unit", "measure"])
    reps = pd.DataFrame([[1.0, 2.0], [3.0, 1.0], [2.0, 3.0], [2.0, 2.0]], columns=idx)
    f = np.full(4, 0.25)
    centred = reps.to_numpy() - reps.to_numpy().mean(axis=0)
    cov = (centred * f[:, None]).T @ centred
    s = Scores(pd.DataFrame({"m": [2.0, 2.0]}, index=units), pd.DataFrame(cov, index=idx, columns=idx),
               replicates=reps, replicate_factors=f)
    d = s.sampling_draws(20_000, method="replicates", rng=np.random.default_rng(3)).reshape(20_000, -1)
    np.testing.assert_allclose(np.cov(d.T, ddof=0), cov, atol=0.05)


def test_bad_inputs():
    with pytest.raises(DGIError, match="NaN"):
        Scores.from_estimates(pd.Series([1.0, np.nan], index=["A", "B"]), pd.Series([1.0, 1.0], index=["A", "B"]))
    with pytest.raises(DGIError, match="symmetric"):
        Scores.from_estimates(pd.Series([1.0, 2.0], index=["A", "B"]), cov=[[1.0, 0.5], [0.2, 1.0]])
    with pytest.raises(DGIError, match="positive semi-definite"):
        Scores.from_estimates(pd.Series([1.0, 2.0], index=["A", "B"]), cov=[[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(DGIError, match="std_error"):
        Scores.from_estimates(pd.Series([1.0, 2.0], index=["A", "B"]), pd.Series([1.0, -1.0], index=["A", "B"]))


def test_inputs_not_mutated(rng):
    est = pd.DataFrame({"m": [1.0, 2.0]}, index=["A", "B"])
    se = pd.DataFrame({"m": [0.1, 0.2]}, index=["A", "B"])
    before = (est.copy(), se.copy())
    s = Scores.from_estimates(est, se)
    s.linear_map(pd.DataFrame({"m": [2.0]}, index=["double"]))
    pd.testing.assert_frame_equal(est, before[0])
    pd.testing.assert_frame_equal(se, before[1])
