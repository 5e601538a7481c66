"""DGI-facing robustness analysis on Scores: scenario table, joint weights + sampling-error UA.

All DGI numbers here are SYNTHETIC (made up for the tests or from the bundled SYNTHETIC surveys);
none is a published DGI figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from dgi_stats import composite as C
from dgi_stats.exceptions import DGIError
from dgi_stats.scores.pivot import Scores
from dgi_stats.units import units_frame

DIMS = [
    "d1_participation", "d2_transparency", "d3_accountability", "d4_corruption_control",
    "d5_admin_procedures", "d6_public_services", "d7_environment", "d8_e_governance",
]


@pytest.fixture
def synthetic_scores() -> Scores:
    """SYNTHETIC 2021-like Scores: 13 units x 8 dimensions on 0-10, standard errors 0.05-0.25."""
    gen = np.random.default_rng(2021)
    units = units_frame().index
    level = gen.normal(9.0, 0.25, size=(len(units), 1))
    est = pd.DataFrame(np.clip(level + gen.normal(0, 0.3, size=(len(units), 8)), 6, 9.95),
                       index=units, columns=DIMS)
    se = pd.DataFrame(gen.uniform(0.05, 0.25, size=est.shape), index=units, columns=DIMS)
    return Scores.from_estimates(est, se, label="SYNTHETIC 2021-like scores")


def test_scenario_table_on_scores(synthetic_scores):
    expert = dict(zip(DIMS, [0.10, 0.15, 0.10, 0.20, 0.15, 0.15, 0.05, 0.10], strict=True))
    t = C.scenario_ranks(
        synthetic_scores,
        schemes={"EW": "equal", "FA": "factor_analysis", "expert": expert, "BoD": "bod"},
        aggregations=["arithmetic", "geometric", {"method": "generalised", "p": -2}],
        nominal=("EW", "arithmetic"), bod_ratio_bound=2.0,
    )
    est = synthetic_scores.estimate
    total_rank = C.competition_rank(est.sum(axis=1))
    assert t[("nominal", "", "rank")].equals(total_rank)
    assert t[("EW", "arithmetic", "rank")].equals(total_rank)
    geo = C.competition_rank(np.exp(np.log(est).mean(axis=1)))
    assert t[("EW", "geometric", "rank")].tolist() == geo.tolist()
    ex = C.competition_rank(est @ pd.Series(expert))
    assert t[("expert", "arithmetic", "rank")].tolist() == ex.tolist()
    assert (t[("expert", "arithmetic", "abs_shift")] == (ex - total_rank).abs()).all()
    assert ("BoD", "bod", "rank") in t.columns
    assert ("BoD", "geometric", "rank") not in t.columns
    ranks = t.xs("rank", level="value", axis=1)
    assert ranks.min().min() >= 1
    assert ranks.max().max() <= 13
    # every scenario ranks all 13 units
    assert ranks.notna().all().all()


def test_sampling_only_ua_matches_normal_theory(synthetic_scores):
    """With sampling error only, P(unit i ranks above unit j) = Φ(Δ/σ) for the equal-weight mean."""
    res = C.uncertainty_analysis(synthetic_scores, n_draws=4000, rng=7)
    est = synthetic_scores.estimate.mean(axis=1)
    var = (synthetic_scores.std_error**2).sum(axis=1) / 64
    order = est.sort_values(ascending=False).index
    i, j = order[0], order[1]
    p_theory = stats.norm.cdf((est[i] - est[j]) / np.sqrt(var[i] + var[j]))
    p_mc = (res.scores.loc[i] > res.scores.loc[j]).mean()
    assert abs(p_mc - p_theory) < 4 * np.sqrt(p_theory * (1 - p_theory) / 4000) + 1e-3
    # the mean of the simulated composite is the estimate, its sd the propagated standard error
    assert np.allclose(res.scores.mean(axis=1), est, atol=4 * np.sqrt(var.max() / 4000))
    assert np.allclose(res.scores.std(axis=1), np.sqrt(var), rtol=0.06)
    assert list(res.design.columns) == ["sampling"]


def test_joint_weights_and_sampling_ua(synthetic_scores):
    wf = C.weight_noise_factor(dict.fromkeys(DIMS, 1 / 8), method="dirichlet", concentration=40,
                               n_draws=500, rng=3)
    agg = C.Factor("aggregation", ["arithmetic", "geometric"])
    joint = C.uncertainty_analysis(synthetic_scores, factors=[wf, agg], n_draws=3000, rng=8)
    only_w = C.uncertainty_analysis(synthetic_scores, factors=[wf, agg], sampling=False, n_draws=3000, rng=8)
    only_s = C.uncertainty_analysis(synthetic_scores, n_draws=3000, rng=8)
    assert list(joint.design.columns) == ["sampling", "weights", "aggregation"]
    nominal = C.competition_rank(synthetic_scores.estimate.sum(axis=1))
    for r in (joint, only_w, only_s):
        assert r.nominal_rank.equals(nominal)
        st = r.statistics
        assert (st["q5"] <= st["median"]).all()
        assert (st["median"] <= st["q95"]).all()
    # joint uncertainty is at least as large as either source on average
    assert joint.rank_shift.mean() >= max(only_w.rank_shift.mean(), only_s.rank_shift.mean()) - 0.05
    width = (joint.statistics["q95"] - joint.statistics["q5"]).mean()
    assert width >= (only_w.statistics["q95"] - only_w.statistics["q5"]).mean() - 0.1
    assert "nominal_score" in joint.to_frame().columns
    assert "mean |rank shift|" in joint.summary().as_text()


def test_sampling_from_replicates():
    # SYNTHETIC Scores with 50 replicate estimates (bootstrap-like, factor 1/(R-1))
    gen = np.random.default_rng(5)
    units = ["A", "B", "C"]
    est = pd.DataFrame([[9.0, 8.0], [8.5, 8.6], [7.0, 9.5]], index=units, columns=["d1", "d2"])
    reps = est.to_numpy().ravel() + gen.normal(0, 0.2, size=(50, 6))
    idx = pd.MultiIndex.from_product([units, ["d1", "d2"]], names=["unit", "measure"])
    centre = reps.mean(axis=0)
    factors = np.full(50, 1 / 49)
    cov = (factors[:, None] * (reps - centre)).T @ (reps - centre)
    s = Scores(est, pd.DataFrame(cov, index=idx, columns=idx), replicates=pd.DataFrame(reps, columns=idx),
               replicate_factors=factors, method="bootstrap", label="SYNTHETIC")
    res = C.uncertainty_analysis(s, sampling_method="replicates", measures=["d1", "d2"], n_draws=2000, rng=1)
    draws = np.stack([res.scores[c].to_numpy() for c in res.scores.columns])
    # composite = mean of d1, d2; its sd across draws matches the replicate covariance
    a = np.kron(np.eye(3), np.array([[0.5, 0.5]]))
    sd = np.sqrt(np.diag(a @ cov @ a.T))
    assert np.allclose(draws.std(axis=0), sd, rtol=0.1)


def test_sobol_with_sampling_factor(synthetic_scores):
    tiny = Scores.from_estimates(synthetic_scores.estimate, synthetic_scores.std_error * 1e-9)
    wf = C.weight_noise_factor(dict.fromkeys(DIMS, 1 / 8), f=0.5, n_draws=200, rng=3)
    res = C.sensitivity_analysis(tiny, factors=[wf], n_base=256, n_draws=200, n_resamples=100, rng=4)
    assert list(res.indices.index) == ["sampling", "weights"]
    assert res.indices.loc["sampling", "total_order"] < 0.02
    assert res.indices.loc["weights", "total_order"] > 0.5
    big = C.sensitivity_analysis(synthetic_scores, factors=[wf], n_base=256, n_draws=200, n_resamples=100, rng=4)
    assert big.indices.loc["sampling", "total_order"] > res.indices.loc["sampling", "total_order"]


def test_variance_importance_of_dimensions(synthetic_scores):
    vi = C.variance_importance(synthetic_scores.estimate)
    assert vi["weight"].tolist() == pytest.approx([1 / 8] * 8)
    assert vi["variance_share"].sum() == pytest.approx(1.0)
    # the dimension that varies most across units has the largest share of the total's variance
    assert vi["variance_share"].idxmax() in synthetic_scores.estimate.var().nlargest(3).index


def test_scenario_bad_scheme(synthetic_scores):
    with pytest.raises(DGIError, match="scheme 'x'"):
        C.scenario_ranks(synthetic_scores, schemes={"x": "magic"})


_CACHE: dict[str, Scores] = {}


def _bundled_2021_scores() -> Scores:
    if "s" in _CACHE:
        return _CACHE["s"]
    try:
        from dgi_stats import datasets
        from dgi_stats.scores.index import score
        from dgi_stats.survey.design import SurveyDesign

        data = datasets.load_survey(2021)
        spec = datasets.load_spec(2021)
        design = SurveyDesign(data, weights="nr_weight", strata="district", psu="commune_id")
        _CACHE["s"] = score(design, spec, by="district", label="DGI 2021, SYNTHETIC survey")
        return _CACHE["s"]
    except (ImportError, NotImplementedError) as exc:  # pragma: no cover
        pytest.skip(f"bundled 2021 survey pipeline unavailable: {exc}")


def test_bundled_2021_survey_joint_ua():
    s = _bundled_2021_scores()
    wf = C.weight_noise_factor(dict.fromkeys(DIMS, 1 / 8), method="dirichlet", concentration=50,
                               n_draws=200, rng=1)
    res = C.uncertainty_analysis(s, factors=[wf, C.Factor("aggregation", ["arithmetic", "geometric"])],
                                 n_draws=2000, rng=2)
    # nominal: equal-weight mean of the 8 dimensions ranks like the spec's total (sum of dimensions)
    assert res.nominal_rank.equals(C.competition_rank(s.estimate["total"]))
    assert set(res.statistics.index) == set(units_frame().index)
    st = res.statistics
    inside = ((st["q5"] <= st["nominal"]) & (st["nominal"] <= st["q95"])).mean()
    assert inside >= 0.75
    t = C.scenario_ranks(s, schemes={"EW": "equal", "BoD": "bod"}, bod_ratio_bound=2.0)
    assert t[("EW", "arithmetic", "rank")].equals(res.nominal_rank)


def test_spec_hierarchy_reproduces_dgi_scoring():
    """Hierarchical equal weights of the 2021 spec = the DGI's scoring (dimension = 10 x mean of
    sub-dimension means; total = sum of dimensions), on the bundled SYNTHETIC survey."""
    s = _bundled_2021_scores()
    from dgi_stats import datasets

    spec = datasets.load_spec(2021)
    h = C.Hierarchy.from_spec(spec)
    agg = C.aggregate_hierarchy(s.estimate[spec.indicator_ids], h)
    dims = spec.dimension_ids
    assert np.allclose(agg[dims] * 10, s.estimate[dims], rtol=0, atol=1e-12)
    assert np.allclose(agg["total"] * 10 * len(dims), s.estimate["total"], rtol=0, atol=1e-11)
    eff = h.effective_weights()[spec.indicator_ids]
    assert eff.sum() == pytest.approx(1.0)
    # indicator weights are not equal: 1/8 x 1/S_d x 1/K_s
    assert eff.nunique() > 1
