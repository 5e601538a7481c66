"""Confidence sets for ranks: behaviour, bad input, properties (Hypothesis) and coverage simulations.

Reference cases (csranks, KWW, Tukey constants) are in test_ranks_reference.py. All data here are
SYNTHETIC.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dgi_stats.exceptions import DGIError
from dgi_stats.ranks._core import (
    MonteCarloMaxLaw,
    _max_over_pairs,
    _max_pruned_diag,
)
from dgi_stats.ranks.confidence_sets import (
    family_masks,
    rank_confidence_sets,
    tau_best,
    tau_worst,
)
from dgi_stats.scores.answers import competition_rank
from dgi_stats.scores.pivot import Scores

UNITS = [f"U{i:02d}" for i in range(13)]


# ------------------------------------------------------------------------------------ basics
def test_competition_rank_ties_share_best():
    assert competition_rank(np.array([10.0, 10.0, 5.0])).tolist() == [1, 1, 3]
    assert competition_rank(np.array([1.0, 3.0, 3.0, 2.0])).tolist() == [4, 1, 1, 3]


def test_result_object_and_frame():
    est = pd.Series([75.0, 74.0, 70.0, 60.0], index=["A", "B", "C", "D"])
    cs = rank_confidence_sets(est, np.diag([0.5, 0.5, 0.5, 0.5]), df=np.inf, n_draws=5000, rng=1)
    f = cs.to_frame()
    assert list(f.columns) == ["estimate", "std_error", "rank", "lower", "upper", "margin"]
    assert f.index.tolist() == ["A", "B", "C", "D"]
    assert cs.rng_state is not None
    assert cs.n_draws == 5000
    assert "RankConfidenceSets" in repr(cs)
    assert "simultaneous" in repr(cs)
    assert "joint coverage" in cs.summary().as_text()
    assert cs.critical_values.index.tolist() == ["all units"]
    with pytest.raises(AttributeError):
        cs.confidence_level = 0.5  # type: ignore[misc]
    # same seed, same numbers
    cs2 = rank_confidence_sets(est, np.diag([0.5] * 4), df=np.inf, n_draws=5000, rng=1)
    pd.testing.assert_frame_equal(cs.critical_values, cs2.critical_values)


def test_inputs_are_not_mutated():
    est = pd.Series([3.0, 1.0, 2.0], index=["a", "b", "c"])
    cov = pd.DataFrame(np.eye(3), index=est.index, columns=est.index)
    e0, c0 = est.copy(), cov.copy()
    rank_confidence_sets(est, cov, df=np.inf, simultaneous=False)
    pd.testing.assert_series_equal(est, e0)
    pd.testing.assert_frame_equal(cov, c0)


def test_cov_dataframe_is_aligned_by_label():
    est = pd.Series([3.0, 1.0, 2.0], index=["a", "b", "c"])
    cov = pd.DataFrame(np.diag([0.1, 0.2, 0.3]), index=["a", "b", "c"], columns=["a", "b", "c"])
    shuffled = cov.loc[["c", "a", "b"], ["b", "c", "a"]]
    r1 = rank_confidence_sets(est, cov, df=np.inf, simultaneous=False)
    r2 = rank_confidence_sets(est, shuffled, df=np.inf, simultaneous=False)
    pd.testing.assert_series_equal(r1.std_error, r2.std_error)


def test_scores_and_replicates_inputs():
    est = pd.Series([75.0, 74.0, 70.0], index=["A", "B", "C"], name="total")
    se = pd.Series([0.5, 0.6, 0.7], index=["A", "B", "C"], name="total")
    s = Scores.from_estimates(est, se, df=np.inf)
    a = rank_confidence_sets(s, simultaneous=False)
    b = rank_confidence_sets(est, np.diag(se.to_numpy() ** 2), df=np.inf, simultaneous=False)
    pd.testing.assert_frame_equal(a.to_frame(), b.to_frame())
    # replicates: cov = sum f_r (θ_r − mean)(θ_r − mean)'
    rng = np.random.default_rng(2)
    reps = pd.DataFrame(rng.normal(size=(50, 3)) * se.to_numpy() + est.to_numpy(),
                        columns=["A", "B", "C"])
    r = rank_confidence_sets(est, df=np.inf, replicates=reps, simultaneous=False)
    np.testing.assert_allclose(r.std_error.to_numpy(), reps.std(ddof=1).to_numpy())
    with pytest.raises(DGIError, match="measure"):
        rank_confidence_sets(s, measure="nope")


def test_lower_is_better_reverses():
    est = pd.Series([1.0, 5.0, 9.0], index=list("abc"))
    cov = np.diag([0.01] * 3)
    hi = rank_confidence_sets(est, cov, df=np.inf, simultaneous=False)
    lo = rank_confidence_sets(est, cov, df=np.inf, simultaneous=False, lower_is_better=True)
    assert hi.rank.tolist() == [3, 2, 1]
    assert lo.rank.tolist() == [1, 2, 3]
    assert lo.lower.tolist() == [1, 2, 3]
    assert lo.upper.tolist() == [1, 2, 3]


def test_holm_is_never_narrower_than_mrsw_and_kww_valid_shape():
    rng = np.random.default_rng(4)
    est = pd.Series(np.sort(rng.normal(0, 3, 13)), index=UNITS)
    cov = np.diag(rng.uniform(0.5, 1.5, 13))
    mrsw = rank_confidence_sets(est, cov, df=np.inf, n_draws=50_000, rng=1)
    holm = rank_confidence_sets(est, cov, df=np.inf, method="holm")
    stable = mrsw.margin > 0.05
    assert (holm.lower[stable] <= mrsw.lower[stable]).all()
    assert (holm.upper[stable] >= mrsw.upper[stable]).all()
    bonf = rank_confidence_sets(est, cov, df=np.inf, method="bonferroni")
    assert (bonf.lower <= holm.lower).all()
    assert (bonf.upper >= holm.upper).all()
    kww = rank_confidence_sets(est, cov, df=np.inf, method="kww")
    assert ((kww.lower <= kww.rank) & (kww.rank <= kww.upper)).all()


def test_non_diagonal_covariance_uses_monte_carlo():
    # SYNTHETIC: strongly positively correlated estimates make differences precise
    p = 5
    est = pd.Series([0.0, 0.5, 1.0, 1.5, 2.0], index=list("abcde"))
    cov = 0.95 * np.ones((p, p)) + 0.05 * np.eye(p)
    dep = rank_confidence_sets(est, cov, df=np.inf, simultaneous=False, n_draws=20_000, rng=1)
    assert dep.method == "monte-carlo"
    ind = rank_confidence_sets(est, np.diag(np.diag(cov)), df=np.inf, simultaneous=False)
    assert ((dep.upper - dep.lower) <= (ind.upper - ind.lower)).all()
    assert (dep.upper - dep.lower).sum() < (ind.upper - ind.lower).sum()
    with pytest.raises(DGIError, match="diagonal"):
        rank_confidence_sets(est, cov, df=np.inf, simultaneous=False, method="exact")


def test_tau_sets():
    est = pd.Series([10.0, 9.9, 9.8, 5.0, 4.9, 0.0], index=list("abcdef"))
    cov = np.diag([0.01] * 6)
    assert tau_best(est, cov, df=np.inf, tau=1, n_draws=20_000, rng=1).members.tolist() == ["a", "b", "c"]
    assert set(tau_best(est, cov, df=np.inf, tau=3, n_draws=20_000, rng=1).members) == {"a", "b", "c"}
    assert tau_worst(est, cov, df=np.inf, tau=1, n_draws=20_000, rng=1).members.tolist() == ["f"]
    assert "TauSet" in repr(tau_best(est, cov, df=np.inf, n_draws=1000, rng=1))
    with pytest.raises(DGIError, match="tau"):
        tau_best(est, cov, df=np.inf, tau=6, n_draws=1000)


# ------------------------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"confidence_level": 1.5}, "confidence_level"),
        ({"confidence_level": 0.0}, "confidence_level"),
        ({"kind": "both"}, "kind"),
        ({"method": "bootstrap"}, "method"),
        ({"n_draws": 10}, "n_draws"),
        ({"rng": "seed"}, "rng"),
    ],
)
def test_bad_options(kwargs, match):
    est = pd.Series([1.0, 2.0, 3.0])
    kw = {"n_draws": 1000, "rng": 1} | kwargs
    with pytest.raises(DGIError, match=match):
        rank_confidence_sets(est, np.eye(3), df=np.inf, **kw)


def test_bad_data():
    est = pd.Series([1.0, 2.0, 3.0], index=list("abc"))
    with pytest.raises(DGIError, match="symmetric"):
        rank_confidence_sets(est, np.array([[1, 0.5, 0], [0, 1, 0], [0, 0, 1.0]]), df=np.inf)
    with pytest.raises(DGIError, match="positive semi-definite"):
        rank_confidence_sets(est, np.array([[1, 2, 0], [2, 1, 0], [0, 0, 1.0]]), df=np.inf)
    with pytest.raises(DGIError, match="3 x 3"):
        rank_confidence_sets(est, np.eye(4), df=np.inf)
    with pytest.raises(DGIError, match=r"NaN.*\['b'\]"):
        rank_confidence_sets(pd.Series([1.0, np.nan, 3.0], index=list("abc")), np.eye(3), df=np.inf)
    with pytest.raises(DGIError, match="at least 2 units"):
        rank_confidence_sets(pd.Series([1.0], index=["a"]), np.eye(1), df=np.inf)
    with pytest.raises(DGIError, match="same units"):
        rank_confidence_sets(est, pd.DataFrame(np.eye(3), index=list("abd"), columns=list("abd")), df=np.inf)
    with pytest.raises(DGIError, match="duplicated"):
        rank_confidence_sets(pd.Series([1.0, 2.0], index=["a", "a"]), np.eye(2), df=np.inf)
    with pytest.raises(DGIError, match="needs 'cov'"):
        rank_confidence_sets(est)
    with pytest.raises(DGIError, match="tukey"):
        rank_confidence_sets(est, np.diag([1.0, 2.0, 3.0]), df=np.inf, method="tukey")


# ------------------------------------------------------------------------- Monte Carlo engine
def test_pruned_max_equals_brute_force():
    """The pruned per-draw max (large p, diagonal) equals the brute-force max exactly."""
    rng = np.random.default_rng(11)
    p, n = 150, 40
    se = rng.uniform(0.3, 3.0, p)
    z = np.ascontiguousarray((rng.standard_normal((n, p)) * se).T)
    mask = ~np.eye(p, dtype=bool)
    mask[rng.random((p, p)) < 0.3] = False  # an arbitrary active family
    ia, ib = np.nonzero(mask)
    inv = 1.0 / np.sqrt(se[ia] ** 2 + se[ib] ** 2)
    brute = _max_over_pairs(z, ia, ib, inv)
    pruned = _max_pruned_diag(z, se, mask)
    np.testing.assert_allclose(pruned, brute, rtol=1e-12)


def test_large_p_path_matches_small_path():
    rng = np.random.default_rng(12)
    p = 120
    se = rng.uniform(0.5, 2.0, p)
    z = np.ascontiguousarray((rng.standard_normal((500, p)) * se).T)
    sd = np.sqrt(se[:, None] ** 2 + se[None, :] ** 2)
    fam = [family_masks(p, np.arange(p), "two-sided")]
    pruned = MonteCarloMaxLaw([z], [sd], [se]).maxima(fam)  # p > 64 and many pairs: pruned
    brute = MonteCarloMaxLaw([z], [sd], [None]).maxima(fam)
    np.testing.assert_allclose(pruned, brute, rtol=1e-6)


# ------------------------------------------------------------------------- property tests
@st.composite
def _problems(draw):
    p = draw(st.integers(3, 7))
    theta = np.array(draw(st.lists(st.sampled_from([0.0, 0.5, 1.0, 1.5, 3.0, 6.0]),
                                   min_size=p, max_size=p)))
    # perturbations on a 0.01 grid: distinct values stay distinct after any shift/rescale below
    theta = theta + np.array(draw(st.lists(st.integers(-20, 20), min_size=p, max_size=p))) / 100
    se = np.array(draw(st.lists(st.floats(0.2, 2.0), min_size=p, max_size=p)))
    return pd.Series(theta, index=[f"u{i}" for i in range(p)]), np.diag(se**2)


SETTINGS = settings(max_examples=15, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(_problems())
def test_property_bounds_nesting(prob):
    est, cov = prob
    p = len(est)
    marg = rank_confidence_sets(est, cov, df=np.inf, simultaneous=False)
    kw = {"n_draws": 20_000, "rng": 3}
    sim = rank_confidence_sets(est, cov, df=np.inf, **kw)
    single = rank_confidence_sets(est, cov, df=np.inf, stepdown=False, **kw)
    for cs in (marg, sim, single):
        assert ((cs.lower >= 1) & (cs.lower <= cs.rank) & (cs.rank <= cs.upper)
                & (cs.upper <= p)).all()
    # stepwise ⊆ single-step (same draws)
    assert (sim.lower >= single.lower).all()
    assert (sim.upper <= single.upper).all()
    # simultaneous ⊇ marginal, away from knife edges (MC vs exact)
    ok = (sim.margin > 0.03) & (marg.margin > 0.03)
    assert (sim.lower[ok] <= marg.lower[ok]).all()
    assert (sim.upper[ok] >= marg.upper[ok]).all()
    low = rank_confidence_sets(est, cov, df=np.inf, simultaneous=False, kind="lower")
    up = rank_confidence_sets(est, cov, df=np.inf, simultaneous=False, kind="upper")
    assert (low.upper == p).all()
    assert (up.lower == 1).all()


@SETTINGS
@given(_problems(), st.floats(-100, 100), st.floats(0.1, 10))
def test_property_shift_rescale_invariance(prob, shift, scale):
    est, cov = prob
    a = rank_confidence_sets(est, cov, df=np.inf, simultaneous=False)
    b = rank_confidence_sets(est * scale + shift, cov * scale**2, df=np.inf, simultaneous=False)
    ok = a.margin > 1e-6
    assert (a.lower[ok] == b.lower[ok]).all()
    assert (a.upper[ok] == b.upper[ok]).all()
    assert (a.rank == b.rank).all()


@SETTINGS
@given(_problems(), st.randoms(use_true_random=False))
def test_property_permutation_equivariance(prob, rnd):
    est, cov = prob
    perm = list(range(len(est)))
    rnd.shuffle(perm)
    a = rank_confidence_sets(est, cov, df=np.inf, simultaneous=False)
    b = rank_confidence_sets(est.iloc[perm], cov[np.ix_(perm, perm)], df=np.inf, simultaneous=False)
    pd.testing.assert_series_equal(a.lower, b.lower.loc[a.units])
    pd.testing.assert_series_equal(a.upper, b.upper.loc[a.units])
    h1 = rank_confidence_sets(est, cov, df=np.inf, method="holm")
    h2 = rank_confidence_sets(est.iloc[perm], cov[np.ix_(perm, perm)], df=np.inf, method="holm")
    pd.testing.assert_series_equal(h1.lower, h2.lower.loc[h1.units])


@SETTINGS
@given(_problems())
def test_property_tau_sets_nested(prob):
    est, cov = prob
    p = len(est)
    sets = [set(tau_best(est, cov, df=np.inf, tau=t, n_draws=5000, rng=2).members) for t in range(1, p)]
    assert all(a <= b for a, b in itertools.pairwise(sets))


# ------------------------------------------------------------------------- coverage
def _true_rank(theta):
    return competition_rank(theta)


TRUTHS = {
    # SYNTHETIC truths: exact ties, near-ties and spread, 13 DGI-like units, SE = 1
    "ties": np.r_[0.0, 0.0, 0.0, 0.1, 0.1, np.linspace(1.0, 4.0, 8)],
    "near-ties": np.linspace(0.0, 1.2, 13),
}


def _coverage(truth, n_rep, rng, *, simultaneous, n_draws=2000):
    p = truth.size
    covered_all = 0
    covered_unit = np.zeros(p)
    for _ in range(n_rep):
        est = pd.Series(truth + rng.normal(size=p), index=UNITS[:p])
        cs = rank_confidence_sets(est, np.eye(p), df=np.inf, simultaneous=simultaneous,
                                  n_draws=n_draws, rng=rng)
        r = _true_rank(truth)
        inside = (cs.lower.to_numpy() <= r) & (r <= cs.upper.to_numpy())
        covered_unit += inside
        covered_all += int(inside.all())
    return covered_unit / n_rep, covered_all / n_rep


def test_coverage_short(rng):
    """Short coverage check (SYNTHETIC, 13 units with ties): simultaneous joint coverage >= 95 %
    and marginal coverage of each unit >= 95 %, up to 3 binomial SEs.
    """
    truth = TRUTHS["ties"]
    _, joint = _coverage(truth, 150, rng, simultaneous=True)
    assert joint >= 0.95 - 3 * np.sqrt(0.05 * 0.95 / 150)
    # marginal (exact quadrature) on 6 units to keep it short
    sub = np.r_[0.0, 0.0, 0.1, 0.5, 1.0, 2.0]
    unit_cov, _ = _coverage(sub, 60, rng, simultaneous=False)
    assert unit_cov.min() >= 0.95 - 3 * np.sqrt(0.05 * 0.95 / 60)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(TRUTHS))
def test_coverage_long(name):
    rng = np.random.default_rng(2024)
    truth = TRUTHS[name]
    n_rep = 1000
    tol = 3 * np.sqrt(0.05 * 0.95 / n_rep)
    _, joint = _coverage(truth, n_rep, rng, simultaneous=True, n_draws=5000)
    assert joint >= 0.95 - tol
    unit_cov, _ = _coverage(truth, 400, rng, simultaneous=False)
    assert unit_cov.min() >= 0.95 - 3 * np.sqrt(0.05 * 0.95 / 400)


def test_degrees_of_freedom_inputs():
    """df travel with the covariance: from Scores, given, or an error naming the units."""
    est = pd.Series([75.0, 74.0, 70.0], index=["A", "B", "C"], name="total")
    se = pd.Series([0.5, 0.6, 0.7], index=["A", "B", "C"], name="total")
    cov = np.diag(se.to_numpy() ** 2)
    with pytest.raises(DGIError, match=r"degrees of freedom.*df=numpy.inf"):
        rank_confidence_sets(est, cov)
    with pytest.raises(DGIError, match=r"this Scores has no df"):
        rank_confidence_sets(Scores.from_estimates(est, se), n_draws=500)
    df_bad = pd.Series([5.0, 0.0, np.nan], index=["A", "B", "C"])
    with pytest.raises(DGIError, match=r"\['B', 'C'\]"):
        rank_confidence_sets(est, cov, df=df_bad)
    with pytest.raises(DGIError, match=r"no value for unit\(s\) \['C'\]"):
        rank_confidence_sets(est, cov, df=pd.Series([5.0, 5.0], index=["A", "B"]))
    with pytest.raises(DGIError, match="exact"):
        rank_confidence_sets(est, cov, df=5, simultaneous=False, method="exact")
    s5 = Scores.from_estimates(est, se, df=pd.Series([5.0, 4.0, 3.0], index=est.index))
    r = rank_confidence_sets(s5, n_draws=2000, rng=1)
    assert r.df.tolist() == [5.0, 4.0, 3.0]
    assert r.critical_law.startswith("studentised")
    assert r.method == "monte-carlo"
    known = rank_confidence_sets(est, cov, df=np.inf, n_draws=2000, rng=1)
    assert known.critical_law.startswith("normal (covariance declared known")
    large = rank_confidence_sets(est, cov, df=500, n_draws=2000, rng=1)
    assert large.critical_law.startswith("normal (every unit has df > 100")
    # the studentised critical value is larger, and decreases towards the normal one with df
    c = [
        float(rank_confidence_sets(est, cov, df=d, n_draws=20_000, rng=3).critical_values.iloc[0, 0])
        for d in (2, 5, 30, np.inf)
    ]
    assert c[0] > c[1] > c[2] > c[3]
    # explicit df overrides the Scores' df
    r_inf = rank_confidence_sets(s5, df=np.inf, n_draws=2000, rng=1)
    assert r_inf.critical_law.startswith("normal")


def test_holm_and_kww_use_t_with_df():
    est = pd.Series(np.linspace(0, 3, 6), index=list("abcdef"))
    cov = np.eye(6) * 0.1
    for method in ("holm", "kww"):
        wide = rank_confidence_sets(est, cov, df=2, method=method)
        narrow = rank_confidence_sets(est, cov, df=np.inf, method=method)
        assert ((wide.upper - wide.lower) >= (narrow.upper - narrow.lower)).all()
        assert ((wide.upper - wide.lower) > (narrow.upper - narrow.lower)).any()


def test_coverage_is_a_deprecated_alias_of_confidence_level():
    """One name for the level across the library; the old keyword and attribute still work."""
    from dgi_stats.exceptions import DGIDeprecationWarning, DGIWarning

    est = pd.Series([75.0, 74.0, 70.0], index=["A", "B", "C"])
    cov = np.diag([0.25, 0.36, 0.49])
    new = rank_confidence_sets(est, cov, df=np.inf, confidence_level=0.9, simultaneous=False)
    with pytest.warns(DGIDeprecationWarning, match="confidence_level"):
        old = rank_confidence_sets(est, cov, df=np.inf, coverage=0.9, simultaneous=False)
    pd.testing.assert_frame_equal(new.to_frame(), old.to_frame())
    assert new.confidence_level == 0.9
    with pytest.warns(DGIWarning):
        assert new.coverage == 0.9
    with pytest.raises(DGIError, match="confidence_level"):
        rank_confidence_sets(est, cov, df=np.inf, confidence_level=1.5)


def test_n_draws_is_the_one_name_for_monte_carlo_draws():
    """``n_resamples`` (parameter and attribute) is a deprecated alias of ``n_draws``."""
    from dgi_stats._results import Result
    from dgi_stats.exceptions import DGIDeprecationWarning
    from dgi_stats.ranks import performance_bands, rank_change_test

    est = pd.Series([75.0, 74.0, 70.0], index=["A", "B", "C"])
    cov = np.diag([0.25, 0.36, 0.49])
    new = rank_confidence_sets(est, cov, df=np.inf, n_draws=1000, rng=1)
    with pytest.warns(DGIDeprecationWarning, match="n_draws"):
        old = rank_confidence_sets(est, cov, df=np.inf, n_resamples=1000, rng=1)
    pd.testing.assert_frame_equal(new.to_frame(), old.to_frame())
    assert isinstance(new, Result)
    assert new.n_draws == 1000
    with pytest.warns(DGIDeprecationWarning, match="n_draws"):
        assert new.n_resamples == 1000
    with pytest.raises(TypeError, match="both"):
        rank_confidence_sets(est, cov, df=np.inf, n_draws=2000, n_resamples=1000)
    with pytest.raises(TypeError, match="unexpected"):
        rank_confidence_sets(est, cov, df=np.inf, n_sims=1000)
    with pytest.warns(DGIDeprecationWarning, match="n_draws"):
        tb = tau_best(est, cov, df=np.inf, n_resamples=1000, rng=1)
    assert tb.rank_sets.n_draws == 1000
    assert "TauSet" in tb.summary().as_text()
    with pytest.warns(DGIDeprecationWarning, match="n_draws"):
        pb = performance_bands(est, cov, df=np.inf, n_resamples=1000, rng=1)
    assert pb.rank_sets.n_draws == 1000
    assert "<table" in pb._repr_html_()
    with pytest.warns(DGIDeprecationWarning, match="n_draws"):
        rc = rank_change_test((est, cov, np.inf), (est, cov, np.inf), n_resamples=1000, rng=1)
    assert rc.n_draws == 1000


def test_holm_through_statsmodels_matches_the_step_down_rule():
    """``holm_reject`` (statsmodels multipletests) rejects exactly as Holm's rule written out."""
    from dgi_stats.ranks._sets import holm_reject, pair_pvalues

    rng = np.random.default_rng(4)
    for _ in range(50):
        p = 6
        t = rng.normal(scale=2.5, size=(p, p))
        mask = rng.random((p, p)) < 0.6
        np.fill_diagonal(mask, False)
        for bonferroni in (False, True):
            got = holm_reject(t, mask, 0.05, bonferroni)
            ia, ib = np.nonzero(mask)
            pv = pair_pvalues(t, ia, ib, None)
            m = pv.size
            if bonferroni:
                ok = pv <= 0.05 / m
            else:
                order = np.argsort(pv, kind="stable")
                passed = pv[order] <= 0.05 / (m - np.arange(m))
                n_rej = m if passed.all() else int(np.argmin(passed))
                ok = np.zeros(m, dtype=bool)
                ok[order[:n_rej]] = True
            expect = np.zeros_like(mask)
            expect[ia[ok], ib[ok]] = True
            assert (got == expect).all()
