"""Coverage and size of rank inference with ESTIMATED standard errors under DGI-like designs.

SYNTHETIC populations and surveys (``tests/_coverage_design.py``): 13 units as strata, PPS
selection of 3–11 communes per unit (design df 2–10), optionally a certainty commune made its own
stratum, nonresponse by sex corrected by raking, bounded scores piled near the ceiling. Estimates,
covariances and df come from the survey layer; nothing is plugged in from the truth.

Thresholds are binomial 3-sigma bounds around the nominal level for the number of replications,
so a method that holds its level passes and one that does not fails: each short test also runs
the wrong variant (normal critical values: the covariance treated as known) through the same
check and asserts that it fails there. The long versions (``-m slow``) use 600 replications and
the issue's 93.5 % floor.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _coverage_design as C

import dgi_stats as ds

NOMINAL = 0.95


def _floor(reps: int, level: float = NOMINAL) -> float:
    """Binomial 3-sigma lower bound of an observed coverage at ``level`` over ``reps``."""
    return level - 3.0 * np.sqrt(level * (1 - level) / reps)


def _ceiling(n: int, alpha: float = 1 - NOMINAL) -> float:
    """Binomial 3-sigma upper bound of an observed rejection rate at ``alpha`` over ``n``."""
    return alpha + 3.0 * np.sqrt(alpha * (1 - alpha) / n)


def _scores(est: ds.SurveyEstimate) -> ds.Scores:
    """A by-unit SurveyEstimate of one variable as Scores (estimates, SEs, design df)."""
    e = est.estimate.droplevel("variable").rename("y")
    se = est.std_error.droplevel("variable").rename("y")
    return ds.Scores.from_estimates(e, se, df=est.df.droplevel("variable"), method="taylor")


# ------------------------------------------------------------------------------ rank sets
def test_df_come_from_the_design():
    """The df reaching the rank functions are the design's: PSUs minus strata per unit."""
    rng = np.random.default_rng(1)
    popn = C.make_population(np.random.default_rng(12345))
    for cfg in (C.Config("a", psus=3), C.Config("b", psus=6, certainty=True)):
        est = C.estimate(C.draw_sample(popn, cfg, rng), C.margins_for(popn, cfg))
        assert set(est.df.unique()) <= {cfg.df, cfg.df - 1}  # a village may go unsampled
        sets = ds.rank_confidence_sets(est, measure="y", n_draws=500, rng=rng)
        assert sets.critical_law.startswith("studentised")
        # the rank functions use the Satterthwaite effective df, never above the design df
        np.testing.assert_array_equal(sets.df.to_numpy(), est.df_effective.to_numpy())
        assert (est.df_effective <= est.df).all()
    # replicate designs, raked: calibration makes replicate factors vary within PSUs, which must
    # not raise the df (a rank count of the calibrated weights gives 6 and 10 for 6 PSUs here)
    data = C.draw_sample(popn, C.Config("c", psus=6), rng)
    margins = C.margins_for(popn, C.Config("c", psus=6))
    for variance in ("jkn", "bootstrap"):
        est = C.estimate(data, margins, variance, rng)
        assert set(est.df.unique()) == {5.0}, (variance, est.df.unique())


@pytest.mark.parametrize("cfg", [C.CONFIGS[0], C.CONFIGS[5]], ids=lambda c: c.name)
def test_rank_set_coverage_short(cfg):
    """Joint and marginal coverage >= nominal (3-sigma) at df 2 and with certainty communes."""
    reps = 80
    out = C.coverage_run(cfg, reps, np.random.default_rng(2026), n_draws=2000)
    row = out.iloc[0]
    assert row.joint_coverage >= _floor(reps), row.to_dict()
    assert row.marginal_coverage >= _floor(reps), row.to_dict()


def test_the_coverage_check_fails_a_wrong_method():
    """Normal critical values (covariance treated as known) fail the same check at df 2."""
    reps = 80
    out = C.coverage_run(
        C.CONFIGS[0], reps, np.random.default_rng(2026), methods=("normal",), marginal=False
    )
    assert out.iloc[0].joint_coverage < _floor(reps), out.iloc[0].to_dict()


@pytest.mark.slow
@pytest.mark.parametrize("cfg", C.CONFIGS, ids=lambda c: c.name)
def test_rank_set_coverage_long(cfg):
    """df 2, 5, 10, near-ties and certainty communes: joint and marginal coverage >= 93.5 %."""
    reps = 600
    out = C.coverage_run(cfg, reps, np.random.default_rng(7), methods=("studentised", "holm"))
    stud = out.set_index("method").loc["studentised"]
    assert stud.joint_coverage >= 0.935, stud.to_dict()
    assert stud.marginal_coverage >= 0.935, stud.to_dict()
    assert out.set_index("method").loc["holm"].joint_coverage >= 0.935


# ----------------------------------------------------------------- score and rank changes
def _change_run(cfg: C.Config, reps: int, rng: np.random.Generator, unit: str = "U06") -> dict:
    """Two independent surveys of one population (no true change): rejection counts."""
    popn = C.make_population(np.random.default_rng(12345))
    margins = C.margins_for(popn, cfg)
    out = {"t05": 0, "t10": 0, "normal05": 0, "rank_claims": 0, "n_scores": 0, "reps": reps}
    for _ in range(reps):
        a = _scores(C.estimate(C.draw_sample(popn, cfg, rng), margins))
        b = _scores(C.estimate(C.draw_sample(popn, cfg, rng), margins))
        ci = (b - a).confidence_interval(NOMINAL)
        z = (ci["estimate"] / ci["std_error"]).abs()
        p_t = 2 * stats.t.sf(z, ci["df"])
        out["t05"] += int((p_t < 0.05).sum())
        out["t10"] += int((p_t < 0.10).sum())
        out["normal05"] += int((2 * stats.norm.sf(z) < 0.05).sum())
        out["n_scores"] += len(z)
        test = ds.rank_change_test(a, b, unit=unit, measure="y", n_draws=2000, rng=rng)
        row = test.table.iloc[0]
        out["rank_claims"] += int(row.places_gained_lower >= 1 or row.places_gained_upper <= -1)
        # the score change of the rank-change test is the Scores difference, to the digit
        assert row.score_change_ci_low == pytest.approx(ci.loc[(unit, "y"), "ci_low"], abs=1e-12)
        assert row.score_change_ci_high == pytest.approx(ci.loc[(unit, "y"), "ci_high"], abs=1e-12)
    return out


def test_change_tests_size_short():
    """No true change, df 2: score-change t test and rank-change test keep their size; the
    normal-quantile score test (the old method) does not."""
    res = _change_run(C.CONFIGS[0], 40, np.random.default_rng(11))
    n = res["n_scores"]
    assert res["t05"] / n <= _ceiling(n), res
    assert res["rank_claims"] / res["reps"] <= _ceiling(res["reps"]), res
    assert res["normal05"] / n > _ceiling(n), res  # the check can fail


@pytest.mark.slow
@pytest.mark.parametrize("psus", [3, 6, 11], ids=["df2", "df5", "df10"])
def test_change_tests_size_long(psus):
    """Size <= α + 3 MC sigma at df 2, 5, 10; at a wrong α (0.10) the same bound is exceeded."""
    res = _change_run(C.Config(f"psus{psus}", psus=psus), 300, np.random.default_rng(psus))
    n = res["n_scores"]
    assert res["t05"] / n <= _ceiling(n), res
    assert res["t10"] / n > _ceiling(n), res  # a test run at α = 0.10 fails the α = 0.05 bound
    assert res["rank_claims"] / res["reps"] <= _ceiling(res["reps"]), res


def test_survey_estimate_input_equals_scores_input():
    """A SurveyEstimate goes into the rank functions directly, with its df."""
    rng = np.random.default_rng(3)
    popn = C.make_population(np.random.default_rng(12345))
    cfg = C.CONFIGS[1]
    est = C.estimate(C.draw_sample(popn, cfg, rng), C.margins_for(popn, cfg))
    a = ds.rank_confidence_sets(est, measure="y", n_draws=2000, rng=5)
    b = ds.rank_confidence_sets(_scores(est), measure="y", n_draws=2000, rng=5)
    pd.testing.assert_frame_equal(a.to_frame(), b.to_frame())
    assert a.critical_law == b.critical_law


# -------------------------------------------- closed rank-change bound at its least favourable point
def _lfc_shifts(year: int, eps: float) -> tuple[float, ...]:
    """Truths where the bound is sharp: U06 goes from last to first, U05 ties it on the null side.

    Year 1: U06 last, U05 just below it (``eps``); year 2: U06 first, U05 just above it. The true
    places gained are 10 (U06 passes ten units, U05 passes U06); a bound above 10 needs a false
    statement about U05, whose three statistics (T¹, T², difference in differences) all sit at
    the null boundary, while every other statement is true and clear. ``eps = 0``: exact ties
    (U05 neither above nor below U06), true gain 11.
    """
    s = np.arange(C.N_UNITS, dtype=float) * 4.0
    s[6], s[5] = (-8.0, -8.0 - eps) if year == 1 else (60.0, 60.0 + eps)
    return tuple(s)


def _closed_size_run(psus: int, reps: int, rng: np.random.Generator, eps: float = 0.02,
                     wrong: bool = False) -> tuple[float, float]:
    """Shares of survey pairs whose lower bound exceeds the TRUE places gained of U06: the
    library's closed bound and (``wrong=True``, same surveys) the wrong variant that ignores
    the design df (normal critical values, covariance treated as known)."""
    popn = C.make_population(np.random.default_rng(12345))
    c1 = C.Config("year 1", psus=psus, shift=_lfc_shifts(1, eps))
    c2 = C.Config("year 2", psus=psus, shift=_lfc_shifts(2, eps))
    margins = C.margins_for(popn, c1)
    t1, t2 = C.truths(popn, c1), C.truths(popn, c2)
    gained = int((t1 > t1["U06"]).sum() - (t2 > t2["U06"]).sum())
    assert gained == (10 if eps > 0 else 11)
    false = np.zeros(2)
    for _ in range(reps):
        a = _scores(C.estimate(C.draw_sample(popn, c1, rng), margins))
        b = _scores(C.estimate(C.draw_sample(popn, c2, rng), margins))
        pairs = [(a, b)]
        if wrong:
            pairs.append(tuple(ds.Scores.from_estimates(x.estimate, x.std_error, df=np.inf)
                               for x in (a, b)))
        for i, (x, y) in enumerate(pairs):
            test = ds.rank_change_test(x, y, unit="U06", measure="y", n_draws=1000, rng=rng)
            assert test.procedure == "closed"
            false[i] += int(test.places_gained_lower.iloc[0] > gained)
    return false[0] / reps, false[1] / reps


def test_closed_rank_change_size_short():
    """The closed bound exceeds the true gain in <= α (3-sigma) of pairs at df 2, at its least
    favourable point (150 pairs; the slow version has 1,000 and shows the check failing the
    wrong variant)."""
    reps = 150
    size, _ = _closed_size_run(3, reps, np.random.default_rng(31))
    assert size <= _ceiling(reps), size


@pytest.mark.slow
@pytest.mark.parametrize(("psus", "eps"), [(3, 0.02), (6, 0.02), (31, 0.02), (6, 0.0)],
                         ids=["df2", "df5", "df30", "df5-exact-ties"])
def test_closed_rank_change_size_long(psus, eps):
    """Size <= α + 3 MC sigma at df 2, 5 and 30, near-ties and exact ties (1,000 pairs); at df 2
    the wrong variant (normal critical values: design df ignored) exceeds the same bound."""
    reps = 1000
    size, wrong = _closed_size_run(psus, reps, np.random.default_rng(psus), eps=eps,
                                   wrong=psus == 3)
    assert size <= _ceiling(reps), (size, wrong)
    if psus == 3:
        assert wrong > _ceiling(reps), (size, wrong)
