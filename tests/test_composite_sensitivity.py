"""Uncertainty and Sobol sensitivity analysis: mechanics, run-by-run recomputation, simulations."""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from dgi_stats import composite as C
from dgi_stats.exceptions import DGIDeprecationWarning, DGIError


@pytest.fixture
def table(rng) -> pd.DataFrame:
    # SYNTHETIC: 9 units x 4 indicators in (1, 10)
    return pd.DataFrame(rng.uniform(2, 9, size=(9, 4)), index=[f"u{i}" for i in range(9)], columns=list("abcd"))


def test_factor_mapping_and_validation():
    f = C.Factor("aggregation", ["arithmetic", "geometric", "harmonic"])
    assert f.index(np.array([0.0, 1 / 3, 0.34, 2 / 3, 0.7, 1.0])).tolist() == [0, 0, 1, 1, 2, 2]
    p = C.Factor("p", bounds=(-1.0, 1.0))
    assert p.value(np.array([0.0, 0.5, 1.0])).tolist() == [-1.0, 0.0, 1.0]
    with pytest.raises(DGIError, match="role must be one of"):
        C.Factor("colour", ["red"])
    with pytest.raises(DGIError, match="either 'alternatives'"):
        C.Factor("weights")
    with pytest.raises(DGIError, match="no alternatives"):
        C.Factor("weights", [])
    with pytest.raises(DGIError, match="only the role 'p'"):
        C.Factor("weights", bounds=(0, 1))


def test_no_factors_reproduces_nominal(table):
    res = C.uncertainty_analysis(table, n_draws=20, rng=1)
    nominal = C.competition_rank(C.aggregate(table))
    assert res.nominal_rank.equals(nominal)
    assert (res.ranks.to_numpy() == nominal.to_numpy()[:, None]).all()
    assert (res.rank_shift == 0).all()
    assert res.statistics[["mean", "median", "q5", "q95"]].eq(res.statistics["nominal"], axis=0).all().all()


def test_runs_match_public_functions(table):
    """Every vectorised run equals normalise() + aggregate() applied to that run's choices."""
    wf = C.weight_noise_factor(dict.fromkeys(table.columns, 0.25), f=0.4, n_draws=7, rng=3)
    factors = [
        C.Factor("normalisation", ["none", {"method": "minmax", "output_range": (1, 10)},
                                   {"method": "zscore", "mean": 10, "sd": 2}, "rank"]),
        wf,
        C.Factor("aggregation", ["arithmetic", "geometric", "harmonic",
                                 {"method": "generalised", "p": 0.5}, "borda", "copeland", "minimum"]),
        C.exclusion_factor(list(table.columns)),
    ]
    res = C.uncertainty_analysis(table, factors=factors, n_draws=60, rng=4)
    norms = dict(zip(factors[0].labels, factors[0].alternatives, strict=True))
    aggs = dict(zip(factors[2].labels, factors[2].alternatives, strict=True))
    wmap = dict(zip(wf.labels, wf.alternatives, strict=True))
    for run in res.design.index[:60]:
        row = res.design.loc[run]
        nopt = norms[row["normalisation"]]
        nopt = {"method": nopt} if isinstance(nopt, str) else dict(nopt)
        y = C.normalise(table, **nopt) if nopt["method"] != "none" else table
        w = wmap[row["weights"]].copy()
        if row["exclude"] != "none":
            w[row["exclude"]] = 0.0
        aopt = aggs[row["aggregation"]]
        aopt = {"method": aopt} if isinstance(aopt, str) else dict(aopt)
        if aopt["method"] in ("borda", "copeland") and row["exclude"] != "none":
            y = y.drop(columns=row["exclude"])
            w = w.drop(row["exclude"])
        expect = C.aggregate(y, w, **aopt)
        assert np.allclose(res.scores[run].to_numpy(), expect.to_numpy(), rtol=1e-12, atol=1e-12), row.to_dict()
        assert res.ranks[run].tolist() == C.competition_rank(expect).tolist()


def test_reproducible_and_rng_state(table):
    fac = [C.Factor("aggregation", ["arithmetic", "geometric"]),
           C.weight_noise_factor(dict.fromkeys(table.columns, 1.0), method="dirichlet", concentration=20, rng=5)]
    a = C.uncertainty_analysis(table, factors=fac, n_draws=50, rng=11)
    b = C.uncertainty_analysis(table, factors=fac, n_draws=50, rng=11)
    c = C.uncertainty_analysis(table, factors=fac, n_draws=50, rng=12)
    assert a.ranks.equals(b.ranks)
    assert not a.design.equals(c.design)
    gen = np.random.default_rng()
    gen.bit_generator.state = a.rng_state  # the stored starting state regenerates the design
    u = gen.random((50, 2))
    labels = np.asarray(fac[0].labels, dtype=object)[fac[0].index(u[:, 0])]
    assert a.design["aggregation"].tolist() == labels.tolist()


def test_dirichlet_weights_keep_sum():
    f = C.weight_noise_factor({"a": 0.2, "b": 0.8}, method="dirichlet", concentration=50, n_draws=200, rng=1)
    w = np.array([np.asarray(a) for a in f.alternatives])
    assert np.allclose(w.sum(axis=1), 1.0)
    assert w.mean(axis=0) == pytest.approx([0.2, 0.8], abs=0.02)
    u = C.weight_noise_factor({"a": 1.0, "b": 1.0}, f=0.25, n_draws=200, rng=1)
    wu = np.array([np.asarray(a) for a in u.alternatives])
    assert wu.min() >= 0.75
    assert wu.max() <= 1.25


def test_continuous_p_factor(table):
    res = C.uncertainty_analysis(
        table, factors=[C.Factor("aggregation", [{"method": "generalised"}]), C.Factor("p", bounds=(-1, 1))],
        n_draws=30, rng=2,
    )
    run = res.design.index[0]
    p = float(res.design.loc[run, "p"])
    assert np.allclose(res.scores[run], C.aggregate(table, method="generalised", p=p))


def test_geometric_zero_error_in_ua(table):
    with pytest.raises(DGIError, match="zeros or negative values"):
        C.uncertainty_analysis(
            table, factors=[C.Factor("normalisation", ["minmax"]), C.Factor("aggregation", ["geometric"])],
            n_draws=5, rng=1,
        )


def _linear_model_runs(gen: np.random.Generator, n: int) -> np.ndarray:
    """y = x1 + 2 x2, x ~ U(0, 1), over the Saltelli blocks A, B, AB_1, AB_2 (n runs each)."""
    a, b = gen.random((n, 2)), gen.random((n, 2))
    blocks = [a, b]
    for i in range(2):
        ab = a.copy()
        ab[:, i] = b[:, i]
        blocks.append(ab)
    return np.concatenate([m[:, 0] + 2 * m[:, 1] for m in blocks])


def test_sobol_indices_linear_model():
    # y = x1 + 2 x2 with x ~ U(0, 1): S1 = 1/5, S2 = 4/5, no interactions
    y = _linear_model_runs(np.random.default_rng(20240101), 4096)
    out = C.sobol_indices(y, 2, n_resamples=200, rng=1)
    assert out["first_order"].to_numpy() == pytest.approx([0.2, 0.8], abs=0.04)
    assert out["total_order"].to_numpy() == pytest.approx([0.2, 0.8], abs=0.03)
    with pytest.raises(DGIError, match="multiple"):
        C.sobol_indices(y[:-1], 2)


def _coverage(n_rep: int, n: int, seed: int) -> np.ndarray:
    gen = np.random.default_rng(seed)
    hits = np.zeros((n_rep, 2, 2), dtype=bool)
    truth = np.array([0.2, 0.8])
    for r in range(n_rep):
        y = _linear_model_runs(gen, n)
        out = C.sobol_indices(y, 2, n_resamples=300, confidence_level=0.9, rng=gen)
        hits[r, 0] = (out["first_order_low"] <= truth) & (truth <= out["first_order_high"])
        hits[r, 1] = (out["total_order_low"] <= truth) & (truth <= out["total_order_high"])
    return hits.mean(axis=0)


def test_sobol_bootstrap_coverage_short():
    cov = _coverage(40, 256, 7)
    assert (cov >= 0.7).all(), cov


@pytest.mark.slow
def test_sobol_bootstrap_coverage_long():
    cov = _coverage(400, 512, 8)
    # nominal 90 %; percentile bootstrap of these estimators is close to nominal
    assert ((cov >= 0.85) & (cov <= 0.96)).all(), cov


def test_sensitivity_pipeline(table):
    same = C.Factor("normalisation", ["none", "none"], role="normalisation")  # cannot matter
    agg = C.Factor("aggregation", ["arithmetic", "harmonic", "minimum"])
    w = C.weight_noise_factor(dict.fromkeys(table.columns, 1.0), f=0.6, n_draws=40, rng=1)
    res = C.sensitivity_analysis(table, factors=[same, agg, w], n_base=128, n_resamples=100, rng=3)
    idx = res.indices
    assert list(idx.index) == ["normalisation", "aggregation", "weights"]
    assert idx.loc["normalisation", "total_order"] == 0.0
    assert idx.loc["normalisation", "first_order"] == 0.0
    assert idx.loc["aggregation", "total_order"] > 0.05
    assert res.y.size == 128 * 5
    assert res.statistics.shape[0] == 9
    # the y of the A block is the mean absolute rank shift of those runs
    nominal = C.competition_rank(C.aggregate(table))
    rs = C.rank_shift(res.ranks.iloc[:, :128], nominal)
    assert np.allclose(rs.to_numpy(), res.y.to_numpy()[:128])
    # groups: weights + aggregation as one factor
    g = C.sensitivity_analysis(table, factors=[same, agg, w], groups={"choices": ["aggregation", "weights"]},
                               n_base=64, n_resamples=50, rng=3)
    assert list(g.indices.index) == ["normalisation", "choices"]
    assert g.y.size == 64 * 4
    # a unit's rank as the target, and a callable target
    u = C.sensitivity_analysis(table, factors=[agg, w], target="u0", n_base=32, n_resamples=20, rng=3)
    assert np.allclose(u.y.to_numpy(), u.ranks.loc["u0"].to_numpy())
    f = C.sensitivity_analysis(table, factors=[agg, w], target=lambda r, s: s[:, 0] - s[:, 1],
                               n_base=32, n_resamples=20, rng=3)
    assert f.y.size == 32 * 4


def test_sensitivity_bad_input(table):
    agg = C.Factor("aggregation", ["arithmetic", "harmonic"])
    with pytest.raises(DGIError, match="unknown factor"):
        C.sensitivity_analysis(table, factors=[agg], groups={"g": ["nope"]}, n_base=8, rng=1)
    with pytest.raises(DGIError, match="'target'"):
        C.sensitivity_analysis(table, factors=[agg], target="zz", n_base=8, n_resamples=5, rng=1)
    with pytest.raises(DGIError, match="at most one factor may have role"):
        C.uncertainty_analysis(table, factors=[agg, C.Factor("agg2", ["geometric"], role="aggregation")], rng=1)
    with pytest.raises(DGIError, match="unique"):
        C.uncertainty_analysis(table, factors=[agg, agg], rng=1)
    with pytest.raises(DGIError, match="negative weight"):
        C.uncertainty_analysis(table, factors=[C.Factor("weights", [[1, -1, 1, 1]])], rng=1)
    with pytest.raises(DGIError, match="does not match the components"):
        C.uncertainty_analysis(table, factors=[C.Factor("weights", [{"a": 1, "b": 1}])], rng=1)
    with pytest.raises(DGIError, match="not a column"):
        C.uncertainty_analysis(table, factors=[C.Factor("exclude", ["zz"])], rng=1)
    with pytest.raises(DGIError, match="needs a Scores"):
        C.uncertainty_analysis(table, sampling=True, rng=1)


def test_rank_statistics_type7():
    r = pd.DataFrame([[1, 2, 3, 4, 10]], index=["a"])
    out = C.rank_statistics(r, pd.Series([2], index=["a"]))
    assert out.loc["a", "q5"] == pytest.approx(1 + 0.05 * 4 * 1)  # type 7: 1 + h (2 - 1), h = 0.2
    assert out.loc["a", "q95"] == pytest.approx(4 + 0.8 * 6)
    assert out.loc["a", "median"] == 3
    assert stats.scoreatpercentile([1, 2, 3, 4, 10], 95) == pytest.approx(out.loc["a", "q95"])


def test_sobol_constant_output_warns():
    from dgi_stats.exceptions import DegenerateReplicateWarning

    with pytest.warns(DegenerateReplicateWarning, match="does not vary"):
        out = C.sobol_indices(np.ones(40), 2, n_resamples=10, rng=1)
    assert out["first_order"].isna().all()


def test_old_names_of_the_draw_counts_still_work_with_a_warning(table):
    new = C.uncertainty_analysis(table, n_draws=20, rng=1)
    with pytest.warns(DGIDeprecationWarning, match="'n_runs' is deprecated.*'n_draws'"):
        old = C.uncertainty_analysis(table, n_runs=20, rng=1)
    assert old.ranks.equals(new.ranks)
    assert new.n_draws == 20
    with pytest.warns(DGIDeprecationWarning, match="'n_sets' is deprecated.*'n_draws'"):
        f = C.weight_noise_factor({"a": 1.0, "b": 1.0}, n_sets=3, rng=1)
    assert len(f.alternatives) == 3
    with pytest.raises(TypeError, match="both 'n_draws' and its deprecated name 'n_runs'"):
        C.uncertainty_analysis(table, n_draws=30, n_runs=20, rng=1)
    with pytest.raises(TypeError, match="unexpected keyword"):
        C.uncertainty_analysis(table, n_iterations=20, rng=1)


def test_the_package_functions_are_not_shadowed_by_modules():
    for name, module in [("weights", "weighting_schemes"), ("aggregate", "aggregation"),
                         ("normalise", "normalisation")]:
        assert callable(getattr(C, name))
        mod = importlib.import_module(f"dgi_stats.composite.{module}")
        assert getattr(mod, name) is getattr(C, name)
    assert C.competition_rank(pd.Series([2.0, 5.0, 5.0])).tolist() == [3.0, 1.0, 1.0]
