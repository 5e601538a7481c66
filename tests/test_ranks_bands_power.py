"""Pairwise comparisons, performance bands, descriptive summaries and planning (SYNTHETIC data)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from dgi_stats.exceptions import DGIError
from dgi_stats.planning import detectable_change, rank_set_change_probability
from dgi_stats.ranks import (
    p_scores,
    pairwise_comparisons,
    performance_bands,
    rank_change_test,
    rank_probabilities,
)
from dgi_stats.scores.pivot import Scores


# ----------------------------------------------------------------------------- pairwise
def test_pairwise_table_and_adjustments():
    est = pd.Series([75.0, 74.0, 70.0, 69.5], index=list("ABCD"))
    cov = np.diag([0.25, 0.36, 0.25, 0.16])
    pc = pairwise_comparisons(est, cov, df=np.inf)
    t = pc.table
    assert len(t) == 6
    row = t[(t.unit_a == "A") & (t.unit_b == "C")].iloc[0]
    se = np.sqrt(0.25 + 0.25)
    assert row.difference == pytest.approx(5.0)
    assert row.std_error == pytest.approx(se)
    assert row.pvalue == pytest.approx(2 * stats.norm.sf(5.0 / se))
    assert row.ci_low == pytest.approx(5.0 - 1.959964 * se, abs=1e-5)
    np.testing.assert_allclose(t.pvalue_adjusted, multipletests(t.pvalue, method="holm")[1])
    bh = pairwise_comparisons(est, cov, df=np.inf, adjustment="fdr_bh")
    np.testing.assert_allclose(bh.table.pvalue_adjusted,
                               stats.false_discovery_control(bh.table.pvalue.to_numpy()))
    assert (bh.table.pvalue_adjusted <= t.pvalue_adjusted + 1e-12).all()
    m = pc.matrix("difference")
    assert m.loc["C", "A"] == pytest.approx(-5.0)
    assert "PairwiseComparisons" in repr(pc)
    with pytest.raises(DGIError, match="adjustment"):
        pairwise_comparisons(est, cov, df=np.inf, adjustment="tukey")


def test_pairwise_uses_covariance():
    est = pd.Series([1.0, 0.0], index=["a", "b"])
    cov = np.array([[1.0, 0.9], [0.9, 1.0]])
    pc = pairwise_comparisons(est, cov, df=np.inf)
    assert pc.table.std_error.iloc[0] == pytest.approx(np.sqrt(0.2))


# ----------------------------------------------------------------------------- bands
def test_bands_rule_and_guarantee_structure():
    est = pd.Series([80.0, 79.5, 70.0, 69.0, 60.0, 59.9], index=list("abcdef"))
    pb = performance_bands(est, np.diag([0.09] * 6), df=np.inf, n_draws=20_000, rng=1)
    assert pb.bands == (("a", "b"), ("c", "d"), ("e", "f"))
    f = pb.to_frame()
    # every unit of a band has its rank set inside the band's positions
    for k, members in enumerate(pb.bands, start=1):
        start = sum(len(b) for b in pb.bands[: k - 1])
        assert (f.loc[list(members), "lower"] >= start + 1).all()
        assert (f.loc[list(members), "upper"] <= start + len(members)).all()
    # nothing separable -> one band
    flat = performance_bands(pd.Series([1.0, 1.1, 1.2], index=list("xyz")), np.eye(3), df=np.inf,
                             n_draws=5000, rng=1)
    assert flat.bands == (("z", "y", "x"),)
    holm = performance_bands(est, np.diag([0.09] * 6), df=np.inf, method="holm")
    assert holm.band.max() <= pb.band.max()
    assert "PerformanceBands" in repr(pb)


def test_bands_coverage_short(rng):
    """Band claims (every unit of a band truly better than every unit below) hold >= 95 %."""
    truth = np.r_[0.0, 0.0, 0.3, 3.0, 3.2, 6.0, 6.0, 6.1]
    names = [f"u{i}" for i in range(truth.size)]
    n_rep, wrong = 100, 0
    for _ in range(n_rep):
        est = pd.Series(truth + rng.normal(size=truth.size), index=names)
        pb = performance_bands(est, np.eye(truth.size), df=np.inf, n_draws=2000, rng=rng)
        b = pb.band.to_numpy()
        hi = b[:, None] < b[None, :]  # [i, j]: i in a higher band than j
        wrong += int((hi & (truth[:, None] <= truth[None, :])).any())
    assert wrong / n_rep <= 0.05 + 3 * np.sqrt(0.05 * 0.95 / n_rep)


# ----------------------------------------------------------------------------- descriptive
def test_rank_probabilities_are_labelled_and_consistent():
    est = pd.Series([75.2, 74.9, 70.0], index=["A", "B", "C"])
    rp = rank_probabilities(est, np.diag([0.25] * 3), df=np.inf, top_k=(1, 2), n_draws=20_000, rng=3)
    assert "DESCRIPTIVE" in repr(rp)
    np.testing.assert_allclose(rp.probabilities.sum(axis=1), 1.0)
    np.testing.assert_allclose(rp.probabilities.sum(axis=0), 1.0, atol=1e-12)
    assert rp.top_k.loc["A", "top_1"] == pytest.approx(stats.norm.cdf(0.3 / np.sqrt(0.5)), abs=0.01)
    assert rp.top_k.loc["C", "top_1"] < 1e-3
    # expected rank ~ closed form (flat prior) from P-scores
    ps = p_scores(est, np.diag([0.25] * 3), df=np.inf)
    np.testing.assert_allclose(rp.expected_rank, ps.expected_rank, atol=0.02)
    assert "DESCRIPTIVE" in repr(ps)


def test_rank_probabilities_from_replicates():
    units = ["A", "B"]
    cols = pd.MultiIndex.from_product([units, ["total"]], names=["unit", "measure"])
    rng = np.random.default_rng(4)
    reps = pd.DataFrame(rng.normal([10.0, 9.0], 1.0, size=(200, 2)), columns=cols)
    est = pd.DataFrame({"total": [10.0, 9.0]}, index=units)
    s = Scores.from_estimates(est, pd.DataFrame({"total": [1.0, 1.0]}, index=units))
    s = Scores(s.estimate, s.cov, replicates=reps, replicate_factors=np.full(200, 1 / 199))
    rp = rank_probabilities(s, method="replicates", top_k=(1,), n_draws=5000, rng=1)
    assert rp.source == "replicate"
    assert 0.6 < rp.top_k.loc["A", "top_1"] < 0.9
    with pytest.raises(DGIError, match="Scores"):
        rank_probabilities(pd.Series([1.0, 2.0]), np.eye(2), df=np.inf, method="replicates")


# ----------------------------------------------------------------------------- power
def test_detectable_change_formula_and_power():
    d = detectable_change(0.6, 0.8, power=0.8, alpha=0.05)
    s = np.hypot(0.6, 0.8)
    achieved = stats.norm.cdf(d / s - 1.959964) + stats.norm.cdf(-d / s - 1.959964)
    assert achieved == pytest.approx(0.8, abs=1e-6)
    assert d == pytest.approx((1.959964 + 0.841621) * s, rel=1e-3)
    one = detectable_change(0.6, 0.8, alternative="greater")
    assert one == pytest.approx((stats.norm.ppf(0.95) + stats.norm.ppf(0.8)) * s)
    ser = detectable_change(pd.Series([0.5, 1.0], index=["a", "b"]), 0.5)
    assert ser.index.tolist() == ["a", "b"]
    assert ser["b"] > ser["a"]
    sc = Scores.from_estimates(pd.Series([70.0, 71.0], index=["a", "b"], name="total"),
                               pd.Series([0.5, 1.0], index=["a", "b"], name="total"))
    pd.testing.assert_series_equal(detectable_change(sc, sc),
                                   detectable_change(sc.std_error["total"], sc.std_error["total"]))
    with pytest.raises(DGIError, match="power"):
        detectable_change(0.5, 0.5, power=1.2)


def test_detectable_change_simulated_power(rng):
    """A z test at the detectable change rejects in ~80 % of simulated samples."""
    se1, se2 = 0.7, 0.5
    d = detectable_change(se1, se2)
    n = 4000
    z = (d + rng.normal(0, se2, n) - rng.normal(0, se1, n)) / np.hypot(se1, se2)
    assert np.mean(np.abs(z) > 1.959964) == pytest.approx(0.8, abs=0.025)


def test_rank_set_change_probability_monotone():
    est = pd.Series(np.linspace(70, 74, 6), index=list("abcdef"))
    res = rank_set_change_probability(est, np.diag([0.09] * 6), unit="a", delta=[0.0, 2.0, 8.0],
                                      df=np.inf, n_surveys=15, rng=1)
    t = res.table
    assert t.loc[0.0, "true_places_gained"] == 0
    assert t.loc[8.0, "true_places_gained"] == 5
    assert t.loc[0.0, "power_rise"] <= 0.1
    assert t.loc[8.0, "power_rise"] == 1.0
    assert t.power_rise.is_monotonic_increasing
    assert "RankChangePower" in repr(res)
    # with design df each simulated survey estimates its variances: less power, never more
    # (same draws of the estimates: rng=1 both times; 0.36 against 0.56 here)
    t5 = rank_set_change_probability(est, np.diag([0.09] * 6), unit="a", delta=[2.5],
                                     df=5, n_surveys=25, rng=1).table
    known = rank_set_change_probability(est, np.diag([0.09] * 6), unit="a", delta=[2.5],
                                        df=np.inf, n_surveys=25, rng=1).table
    assert t5.power_rise.iloc[0] < known.power_rise.iloc[0]


# ----------------------------------------------------------------------------- bundled surveys
def test_uong_bi_question_on_bundled_surveys():
    """The motivating question on the bundled SYNTHETIC 2020 and 2021 surveys, end to end."""
    from dgi_stats.datasets import load_spec, load_survey
    from dgi_stats.scores.index import score
    from dgi_stats.survey.design import SurveyDesign

    scores = []
    for year in (2020, 2021):
        design = SurveyDesign(load_survey(year), weights="nr_weight", strata="district",
                              psu="commune_id", nest=True)
        scores.append(score(design, load_spec(year), by="district"))
    res = rank_change_test(scores[0], scores[1], unit="Uông Bí", n_draws=20_000, rng=7)
    row = res.table.loc["Uông Bí"]
    assert res.critical_law.startswith("studentised")
    est0, cov0 = scores[0].for_measure("total")
    est1, cov1 = scores[1].for_measure("total")
    # the same numbers through bare (estimates, cov, df): the Scores road and the tuple road agree
    df0, df1 = scores[0].df_for("total"), scores[1].df_for("total")
    same = rank_change_test((est0, cov0, df0), (est1, cov1, df1), unit="Uông Bí",
                            n_draws=20_000, rng=7).table.loc["Uông Bí"]
    pd.testing.assert_series_equal(row, same)
    assert row.places_gained_lower <= row.places_gained <= row.places_gained_upper
    assert (row.places_gained_lower >= 1) == (row.pvalue < 0.05)
    assert row.score_change == pytest.approx(est1["Uông Bí"] - est0["Uông Bí"])
    assert "Uông Bí" in str(res.summary())


@pytest.mark.slow
def test_required_sample_size_through_simulator():
    """Planning through the SYNTHETIC simulator: Uông Bí's published 6 → 1 rise (5 places),
    every unit drawn afresh in both years (more in tests/test_planning.py)."""
    from dgi_stats.datasets import load_spec
    from dgi_stats.planning import required_sample_size

    plan = required_sample_size(load_spec(2020), load_spec(2021), communes_per_unit=6,
                                respondents_per_village=[10, 30], n_surveys=20, rng=1)
    t = plan.table
    assert plan.unit == "Uông Bí"
    assert plan.true_places_gained == 5  # published: rank 6 in 2020, rank 1 in 2021
    assert t.respondents_per_unit.iloc[1] > 2 * t.respondents_per_unit.iloc[0]
    assert t.power.between(0, 1).all()
    assert (t.df_after > 0).all()
    assert "SYNTHETIC" in repr(plan)


@pytest.mark.parametrize("nu", [2, 5, 10, 30])
def test_detectable_change_with_df_matches_statsmodels_power(nu):
    """The t-based detectable change has power 0.8 by statsmodels' t-test power (noncentral t).

    A one-sample t test with n = ν + 1 observations has df ν and noncentrality effect·sqrt(n);
    so the detectable Δ/s = d gives statsmodels' power at effect d/sqrt(n).
    """
    from statsmodels.stats.power import TTestPower

    d = detectable_change(1.0, 0.0, power=0.8, alpha=0.05, df=nu)  # s = 1: Δ = d
    n = nu + 1
    got = TTestPower().power(effect_size=d / np.sqrt(n), nobs=n, alpha=0.05,
                             alternative="two-sided")
    assert got == pytest.approx(0.8, abs=1e-6)
    assert d > detectable_change(1.0, 0.0, power=0.8, alpha=0.05)  # wider than the z answer
