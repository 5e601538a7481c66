"""Rank-change tests (methods spec ranks.md §5).

Reference: ``pisa_math_rank_change_2018_2022.csv`` (../shared/data/ranks; methods spec §7.5): the
§5.2 single-country bounds computed by exact quadrature (improvement and decline, joint family;
Bonferroni variant), and the §5.3 all-country two-year simultaneous intervals (5·10^5 draws), each
with a stability flag; PISA math 2018 → 2022, 37 countries in both years, years independent, no
linking error (a numerical reference, not a substantive PISA claim).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dgi_stats.exceptions import DGIError, UnknownUnitError
from dgi_stats.ranks.change import rank_change_test
from dgi_stats.scores.pivot import Scores


@pytest.fixture(scope="module")
def pisa_years(shared_dir):
    d = pd.read_csv(shared_dir / "data" / "ranks" / "pisa_2018_2022_oecd.csv").set_index("country")
    d2 = d.dropna(subset=["math_score_2022"])
    # csranks treats the published SEs as known: df = inf
    y1 = (d.math_score_2018, np.diag(d.math_se_2018.to_numpy() ** 2), np.inf)
    y2 = (d2.math_score_2022, np.diag(d2.math_se_2022.to_numpy() ** 2), np.inf)
    ref = pd.read_csv(
        shared_dir / "data" / "ranks" / "pisa_math_rank_change_2018_2022.csv"
    ).set_index("country")
    return y1, y2, ref


FAST_COUNTRIES = ["Australia", "Ireland", "Iceland", "Norway", "Chile", "Greece", "Japan"]


def _check_country(y1, y2, ref, c):
    # Luxembourg has no 2022 score: rank both years within the 37 countries of both
    r = rank_change_test(y1, y2, unit=c, missing_units="drop", procedure="projection")
    row = ref.loc[c]
    assert r.excluded_units == ("Luxembourg",)
    assert r.rank_before[c] == row.rank_2018
    assert r.rank_after[c] == row.rank_2022
    assert r.places_gained[c] == row.rank_rise
    assert r.score_change[c] == pytest.approx(row.score_change, abs=1e-3)
    assert r.table.z[c] == pytest.approx(row.z_score_change, abs=1e-4)
    assert r.score_change_pvalue[c] == pytest.approx(row.p_score_change, rel=2e-3)
    if row.improve_stable:
        assert r.places_gained_lower[c] == row.improve_LB_joint_exact
        assert r.table.margin[c] == pytest.approx(row.improve_margin_joint, abs=2e-3)
    else:
        assert abs(r.places_gained_lower[c] - row.improve_LB_joint_exact) <= 1
    if row.decline_stable:
        assert -r.places_gained_upper[c] == row.decline_LB_joint_exact
    else:
        assert abs(-r.places_gained_upper[c] - row.decline_LB_joint_exact) <= 1
    # p-value and bound agree: a rise is established at 5 % iff pvalue < 0.05
    assert (r.places_gained_lower[c] >= 1) == (r.pvalue[c] < 0.05)
    assert (r.places_gained_upper[c] <= -1) == (r.pvalue_decline[c] < 0.05)


@pytest.mark.reference
@pytest.mark.parametrize("country", FAST_COUNTRIES)
def test_rc_e_single_country_exact(pisa_years, country):
    y1, y2, ref = pisa_years
    _check_country(y1, y2, ref, country)


@pytest.mark.reference
@pytest.mark.slow
def test_rc_e_all_countries_exact_and_bonferroni(pisa_years):
    y1, y2, ref = pisa_years
    for c in ref.index:
        _check_country(y1, y2, ref, c)
        rb = rank_change_test(y1, y2, unit=c, method="bonferroni", missing_units="drop")
        want = ref.loc[c, "improve_LB_bonferroni_exact"]
        if ref.loc[c, "improve_margin_bonf"] > 0.02:
            assert rb.places_gained_lower[c] == want, c
        else:
            assert abs(rb.places_gained_lower[c] - want) <= 1, c


@pytest.mark.reference
@pytest.mark.slow
def test_rc_e_simultaneous_two_years(pisa_years):
    y1, y2, ref = pisa_years
    r = rank_change_test(y1, y2, n_draws=200_000, rng=11, missing_units="drop")
    got = r.table.loc[ref.index]
    stable = ref.simul2y_stable.to_numpy()
    lo_diff = (got.places_gained_ci_low - ref.simul2y_DeltaLo_mc5e5).abs().to_numpy()
    hi_diff = (got.places_gained_ci_high - ref.simul2y_DeltaHi_mc5e5).abs().to_numpy()
    assert (lo_diff[stable] == 0).all()
    assert (hi_diff[stable] == 0).all()
    assert (lo_diff <= 1).all()
    assert (hi_diff <= 1).all()
    # the max over both years' pairs exceeds each year's own max (reference step-1 critical values
    # 3.8354 for 2018 and 3.8191 for 2022, methods spec §7.2, over 38 and 37 countries)
    assert r.critical_values[0] > 3.8354


@pytest.mark.reference
def test_rc_e_bonferroni_fast(pisa_years):
    y1, y2, ref = pisa_years
    for c in ("Iceland", "Canada"):
        rb = rank_change_test(y1, y2, unit=c, method="bonferroni", missing_units="drop")
        assert rb.places_gained_lower[c] == ref.loc[c, "improve_LB_bonferroni_exact"]


# --------------------------------------------------------------------------- synthetic behaviour
UNITS13 = [f"U{i:02d}" for i in range(13)]


def _year(theta, se=1.0):
    s = pd.Series(theta, index=UNITS13[: len(theta)])
    return s, np.diag(np.full(len(theta), se**2)), np.inf


def test_clear_rise_is_detected_exact_and_mc():
    # SYNTHETIC: unit U00 moves from bottom to top with huge gaps
    th1 = np.arange(13, dtype=float) * 10
    th2 = th1.copy()
    th2[0] = 200.0
    exact = rank_change_test(_year(th1), _year(th2), unit="U00", procedure="projection")
    assert exact.method == "exact"
    assert exact.places_gained["U00"] == 12
    assert exact.places_gained_lower["U00"] == 12
    assert exact.pvalue["U00"] < 1e-6
    mc = rank_change_test(_year(th1), _year(th2), unit="U00", method="monte-carlo",
                          n_draws=20_000, rng=1)
    assert mc.places_gained_lower["U00"] == 12
    allu = rank_change_test(_year(th1), _year(th2), n_draws=20_000, rng=1)
    assert allu.places_gained_lower["U00"] == 12
    assert allu.places_gained_lower.drop("U00").max() <= 0
    assert "score_change_pvalue_holm" in allu.table


def test_scores_inputs_and_unit_matching():
    # SYNTHETIC scores in the DGI catalogue's names
    from dgi_stats.units import UNITS

    names = [u.name for u in UNITS]
    rng = np.random.default_rng(3)
    est1 = pd.Series(rng.normal(70, 2, 13), index=names, name="total")
    est2 = pd.Series(rng.normal(70, 2, 13), index=names, name="total")
    se = pd.Series(0.8, index=names, name="total")
    s1, s2 = Scores.from_estimates(est1, se, df=5), Scores.from_estimates(est2, se, df=5)
    r = rank_change_test(s1, s2, unit="uong bi")
    assert r.unit == "Uông Bí"
    assert list(r.table.index) == ["Uông Bí"]
    with pytest.raises(UnknownUnitError, match="closest matches"):
        rank_change_test(s1, s2, unit="Uong Bii City Nowhere")
    with pytest.raises(DGIError, match="measure"):
        rank_change_test(s1, s2, unit="Uông Bí", measure="d1_participation")
    text = str(r.summary())
    assert "Uông Bí" in text


def test_bad_inputs():
    y = _year(np.arange(5.0))
    with pytest.raises(DGIError, match="confidence_level"):
        rank_change_test(y, y, confidence_level=1.5)
    with pytest.raises(DGIError, match="Scores or an"):
        rank_change_test([1, 2], y)
    with pytest.raises(DGIError, match="symmetric"):
        rank_change_test(y, (y[0], np.triu(np.ones((5, 5))), np.inf))
    with pytest.raises(DGIError, match="degrees of freedom"):
        rank_change_test(y, (y[0], y[1]))
    with pytest.raises(DGIError, match=r"U01"):
        rank_change_test(y, (y[0], y[1], pd.Series([5.0, 0.0, 5, 5, 5], index=y[0].index)))
    with pytest.raises(DGIError, match="exact"):
        rank_change_test(y, y, method="exact")
    single = (pd.Series([1.0], index=["U00"]), np.eye(1), np.inf)
    with pytest.raises(DGIError, match="at least 2"):
        rank_change_test(single, single)


def test_missing_units_error_names_the_units_and_years():
    y1 = _year(np.arange(6.0))  # U00 ... U05
    s2 = pd.Series(np.arange(6.0) + 1.0, index=[*UNITS13[1:6], "U09"])  # U00 gone, U09 new
    y2 = (s2, np.eye(6), np.inf)
    with pytest.raises(DGIError) as info:
        rank_change_test(y1, y2)
    text = str(info.value)
    assert "['U00'] only in 'before'" in text
    assert "['U09'] only in 'after'" in text
    assert 'missing_units="drop"' in text
    with pytest.raises(DGIError, match="U00"):  # the same for a unit named in advance
        rank_change_test(y1, y2, unit="U02")
    with pytest.raises(DGIError, match="missing_units"):
        rank_change_test(y1, y2, missing_units="ignore")


def test_missing_units_drop_ranks_within_the_common_units():
    y1 = _year([10.0, 20.0, 30.0, 40.0, 50.0])  # U00 ... U04
    s2 = pd.Series([60.0, 20.0, 30.0, 40.0], index=UNITS13[:4])  # U04 missing after
    y2 = (s2, np.eye(4), np.inf)
    r = rank_change_test(y1, y2, unit="U00", missing_units="drop")
    assert r.excluded_units == ("U04",)
    assert list(r.units) == UNITS13[:4]
    assert int(r.rank_before["U00"]) == 4  # last of the 4 common units, not of 5
    assert int(r.rank_after["U00"]) == 1
    assert any("U04" in note for note in r.summary().notes)
    # the same units in both years: nothing excluded with either option
    same = _year([10.0, 20.0, 30.0])
    assert rank_change_test(same, same, unit="U00").excluded_units == ()
    assert rank_change_test(same, same, unit="U00", missing_units="drop").excluded_units == ()


def _size_sim(truth, se, n_rep, rng, unit_idx=0, method="exact"):
    """Share of replications in which a rise (or fall) of unit 0 is wrongly claimed."""
    p = len(truth)
    false_rise = false_fall = 0
    for _ in range(n_rep):
        y1 = truth + rng.normal(0, se, p)
        y2 = truth + rng.normal(0, se, p)
        r = rank_change_test(_year(y1, se), _year(y2, se), unit=UNITS13[unit_idx], method=method,
                             n_draws=2000, rng=rng)
        u = UNITS13[unit_idx]
        false_rise += int(r.places_gained_lower[u] >= 1)
        false_fall += int(r.places_gained_upper[u] <= -1)
    return false_rise / n_rep, false_fall / n_rep


def test_size_short(rng):
    """No true score changes: a rise (or fall) is claimed in <= α (+ MC error) of samples.

    Short version: 100 replications of a truth with an exact tie and a near-tie around the tested
    unit (the least favourable region); exact quadrature for speed. Binomial 3-sigma bound at
    α = 0.05, n = 100: 0.05 + 3·sqrt(0.05·0.95/100) = 0.115. A false rise needs two false
    pairwise claims (one per year), so the observed rate is far below α — this bound checks
    validity only; the next test shows on the building block that the bound can fail.
    """
    truth = np.r_[0.0, 0.0, 0.05, np.linspace(1, 4, 10)]
    rise, fall = _size_sim(truth, 1.0, 100, rng)
    assert rise <= 0.115
    assert fall <= 0.115


def _block_false_claims(alpha: float, n_rep: int, rng: np.random.Generator) -> float:
    """Share of samples in which the year-1 family "k better than j" makes a false claim.

    All 13 units tied with SE 1: every claim is false, and a false claim happens iff the first
    step rejects (later steps only follow a rejection), i.e. iff max_k T_kj exceeds the library's
    first critical value, the exact (1 − α) quantile of that max: the family-wise error is α.
    """
    from dgi_stats.ranks import rank_confidence_sets

    est = pd.Series(np.arange(13.0), index=UNITS13)
    sets = rank_confidence_sets(est, np.eye(13), df=np.inf, confidence_level=1 - alpha,
                                simultaneous=False, kind="lower", method="exact")
    c = float(sets.critical_values.loc[UNITS13[6], "step_1"])
    x = rng.normal(0.0, 1.0, (n_rep, 13))
    t = (np.delete(x, 6, axis=1) - x[:, [6]]) / np.sqrt(2.0)
    return float((t.max(axis=1) > c).mean())


def test_building_block_size_is_alpha_and_the_bound_bites(rng):
    """The pairwise family of the rank-change test errs at exactly α when all units are tied.

    The 3-sigma bound at α = 0.05 holds at α = 0.05 and is exceeded when the family is run at a
    wrong α = 0.08 (bound 0.060 at n = 4,000).
    """
    n = 4000
    bound = 0.05 + 3 * np.sqrt(0.05 * 0.95 / n)
    assert _block_false_claims(0.05, n, rng) <= bound
    assert _block_false_claims(0.08, n, rng) > bound


@pytest.mark.slow
@pytest.mark.parametrize(
    "truth",
    [np.zeros(13), np.r_[0.0, 0.0, 0.05, np.linspace(2, 8, 10)], np.linspace(0, 1.2, 13)],
    ids=["all-tied", "near-ties", "close"],
)
def test_size_long(truth):
    rng = np.random.default_rng(99)
    rise, fall = _size_sim(truth, 1.0, 2000, rng, unit_idx=6)
    bound = 0.05 + 3 * np.sqrt(0.05 * 0.95 / 2000)
    assert rise <= bound
    assert fall <= bound


@pytest.mark.slow
def test_size_simultaneous_all_units():
    """All-units version: P(any false mover claim) <= α when nothing changes (ties)."""
    rng = np.random.default_rng(5)
    truth = np.r_[np.zeros(5), np.linspace(1, 4, 8)]
    n_rep, hits = 400, 0
    for _ in range(n_rep):
        y1 = truth + rng.normal(0, 1, 13)
        y2 = truth + rng.normal(0, 1, 13)
        r = rank_change_test(_year(y1), _year(y2), n_draws=4000, rng=rng)
        hits += int((r.places_gained_lower >= 1).any() or (r.places_gained_upper <= -1).any())
    assert hits / n_rep <= 0.05 + 3 * np.sqrt(0.05 * 0.95 / n_rep)


@pytest.mark.parametrize("method", ["monte-carlo", "bonferroni"])
def test_all_units_large_family_path_gives_the_same_table(method, monkeypatch):
    """The adjusted p-values of a large family (thousands of units) skip the pass over the tail
    of pairs whose adjusted p-value is already 1; forced on 80 units it gives the same table as
    the one-pass computation, number for number."""
    from dgi_stats.ranks import _core

    p = 80
    rng = np.random.default_rng(11)
    names = [f"C{i:03d}" for i in range(p)]
    truth = np.sort(rng.normal(70.0, 3.0, p))

    def year():
        est = pd.Series(truth + rng.normal(0.0, 0.5, p), index=names)
        return est, np.diag(np.full(p, 0.25)), 5.0

    a, b = year(), year()
    from dgi_stats.ranks import change as change_module

    recorded: list[list[np.ndarray]] = [[], []]
    real_adj = change_module.adjusted_pvalues

    def run(i):
        def rec(*args):
            out = real_adj(*args)
            recorded[i].extend(out)
            return out

        with monkeypatch.context() as m:
            m.setattr(change_module, "adjusted_pvalues", rec)
            return rank_change_test(a, b, method=method, n_draws=500, rng=3).table

    want = run(0)
    sizes = []
    real = _core.MonteCarloMaxLaw.suffix_cdf

    def spy(self, gs, ia, ib, tv, rest=None):
        sizes.append(tv.size)
        return real(self, gs, ia, ib, tv, rest=rest)

    with monkeypatch.context() as m:
        m.setattr(_core, "HEAD_PAIRS", 100)
        m.setattr(_core.MonteCarloMaxLaw, "suffix_cdf", spy)
        got = run(1)
    for x, y in zip(recorded[0], recorded[1], strict=True):  # every adjusted p-value
        np.testing.assert_array_equal(x, y)
    pairs = p * (p - 1) * (2 if method == "monte-carlo" else 1)
    assert sizes
    assert max(sizes) <= pairs // 2, (sizes, pairs)  # only the head was passed over
    pd.testing.assert_frame_equal(got, want)
