"""Power and planning by simulation: every unit drawn afresh, Monte Carlo errors (SYNTHETIC data)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dgi_stats.datasets import load_spec
from dgi_stats.exceptions import DGIError
from dgi_stats.planning.power import SampleSizePlan, interpolate_required, required_sample_size
from dgi_stats.simulate import simulate_estimates

SPECS = (load_spec(2020), load_spec(2021))


@pytest.fixture(scope="module")
def bundled_plan() -> SampleSizePlan:
    """The bundled design only (6 communes, 28 per village), 300 survey pairs (about a minute)."""
    return required_sample_size(*SPECS, communes_per_unit=6, respondents_per_village=28,
                                n_surveys=300, rng=20240101)


@pytest.fixture(scope="module")
def short_plan() -> SampleSizePlan:
    """The bundled design, 40 survey pairs (a few seconds)."""
    return required_sample_size(*SPECS, communes_per_unit=6, respondents_per_village=28,
                                n_surveys=40, rng=20240101)


# ------------------------------------------------------------------------------ interpolation
def test_interpolation_on_a_constructed_monotone_curve():
    n = np.array([100.0, 200.0, 400.0, 800.0])
    p = 1 - np.exp(-n / 300)  # known monotone curve
    se = np.full(4, 0.02)
    out = interpolate_required(n, p, se, 0.5)
    a, b = 1, 2  # 0.487 < 0.5 <= 0.736
    expected = n[a] + (0.5 - p[a]) * (n[b] - n[a]) / (p[b] - p[a])
    assert out["reached"] == "interpolated"
    assert out["required"] == pytest.approx(expected)
    assert (out["bracket_low"], out["bracket_high"]) == (200.0, 400.0)
    # the delta-method SE agrees with finite differences of the interpolant
    d = p[b] - p[a]
    grad = np.array([-(n[b] - n[a]) * (p[b] - 0.5) / d**2, -(n[b] - n[a]) * (0.5 - p[a]) / d**2])
    assert out["required_se"] == pytest.approx(float(np.sqrt((grad**2 * 0.02**2).sum())))
    eps = 1e-6
    bumped = interpolate_required(n, p + np.array([0, eps, 0, 0]), se, 0.5)["required"]
    assert (bumped - out["required"]) / eps == pytest.approx(grad[0], rel=1e-4)
    # exact grid hit, below the grid, never reached
    assert interpolate_required(n, p, se, float(p[2]))["required"] == pytest.approx(400.0)
    assert interpolate_required(n, p, se, 0.1)["reached"] == "at or below the grid"
    never = interpolate_required(n, p, se, 0.99)
    assert never["required"] is None
    assert never["reached"] == "not reached"
    assert never["max_power"] == pytest.approx(p[-1])


def test_interpolation_bad_input():
    with pytest.raises(DGIError, match="'size'"):
        interpolate_required([200, 100], [0.1, 0.9], [0.01, 0.01], 0.8)
    with pytest.raises(DGIError, match="'target'"):
        interpolate_required([100, 200], [0.1, 0.9], [0.01, 0.01], 1.5)
    with pytest.raises(DGIError, match="equal-length"):
        interpolate_required([100, 200], [0.1], [0.01, 0.01], 0.8)


# ------------------------------------------------------------------------------ simulator SEs
def test_simulated_std_errors_match_the_design():
    """Each simulated survey's own SEs are close to the true sampling SD (no with-replacement
    inflation), and asking for them changes no estimate."""
    kw = {"n_surveys": 60, "measures": ["total"], "rng": 7}
    plain = simulate_estimates(SPECS[1], **kw)
    res = simulate_estimates(SPECS[1], std_errors=True, **kw)
    pd.testing.assert_frame_equal(plain.estimates, res.estimates)
    assert plain.std_errors is None
    assert plain.df is None
    sd = res.estimates.std(ddof=1)
    rms = np.sqrt((res.std_errors**2).mean())
    ratio = (rms / sd).to_numpy()
    assert (ratio > 0.75).all(), dict(zip(sd.index, ratio.round(2)))
    assert (ratio < 1.4).all(), dict(zip(sd.index, ratio.round(2)))
    assert np.median(ratio) < 1.2  # the old with-replacement SEs were up to 3.5 x too large
    df = res.df.iloc[0]
    assert df["Hạ Long"] == 5
    assert df["Cô Tô"] == 15
    sc = res.scores(0)
    assert sc.df is not None
    assert sc.std_error["total"].equals(
        res.std_errors.iloc[0].xs("total", level="measure").rename("total"))
    with pytest.raises(DGIError, match="replicate"):
        res.scores(60)
    with pytest.raises(DGIError, match="std_errors=True"):
        plain.scores(0)


# ------------------------------------------------------------------------------ the plan
def test_short_plan_draws_every_unit_afresh(short_plan):
    plan = short_plan
    t = plan.table
    row = t.iloc[0]
    assert row.power_se == pytest.approx(np.sqrt(row.power * (1 - row.power) / 40))
    assert plan.unit == "Uông Bí"
    assert plan.true_places_gained == 5
    assert row.power < 0.3
    # every unit is drawn afresh: all units' estimates vary over the replicate surveys
    sd = plan.estimate_sd.iloc[0]
    assert (sd > 0.2).all(), sd[sd <= 0.2]
    assert "Monte Carlo SE" in plan.summary().as_text()


@pytest.mark.slow
def test_bundled_design_power_and_mc_error(bundled_plan, capsys):
    plan = bundled_plan
    t = plan.table
    assert len(t) == 1
    assert plan.n_surveys == 300
    row = t.iloc[0]
    print(t[["power", "power_se", "power_rank", "power_score"]].to_string())
    out = capsys.readouterr().out
    assert "power_se" in out
    # the printed MC error is the binomial SE, and it is below 0.03
    assert row.power_se == pytest.approx(np.sqrt(row.power * (1 - row.power) / 300))
    assert (t[["power_se", "power_rank_se", "power_score_se"]] < 0.03).all().all()
    # Uông Bí truly moves 6th -> 1st (published), but the bundled design cannot establish it
    assert plan.unit == "Uông Bí"
    assert plan.true_places_gained == 5
    assert plan.true_change == pytest.approx(75.24 - 68.93, abs=0.01)
    assert row.power < 0.2
    assert row.power_score > 0.9  # the score rise itself is plain to see
    # every unit is drawn afresh: all units' estimates vary over the replicate surveys
    sd = plan.estimate_sd.iloc[0]
    assert (sd > 0.2).all(), sd[sd <= 0.2]
    assert "SYNTHETIC" in plan.summary().as_text()
    assert "SampleSizePlan" in repr(plan)
    assert plan.to_frame().equals(t)


def test_plan_reproducible_with_the_same_rng():
    kw = {"communes_per_unit": 6, "respondents_per_village": 10, "n_surveys": 20,
              "n_draws": 200}
    a = required_sample_size(*SPECS, rng=np.random.default_rng(5), **kw)
    b = required_sample_size(*SPECS, rng=np.random.default_rng(5), **kw)
    pd.testing.assert_frame_equal(a.table, b.table)
    pd.testing.assert_frame_equal(a.estimate_sd, b.estimate_sd)
    assert a.rng_state == b.rng_state


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"n_surveys": 10}, "'n_surveys'"),
        ({"communes_per_unit": [6, 0]}, "'communes_per_unit'"),
        ({"respondents_per_village": [28, 500]}, "'respondents_per_village'"),
        ({"respondents_per_village": []}, "'respondents_per_village'"),
        ({"power": 1.2}, "'power'"),
        ({"confidence_level": 0.0}, "'confidence_level'"),
        ({"villages_per_commune": 0}, "'villages_per_commune'"),
        ({"measure": "nope"}, "'measure'"),
        ({"spec_after": "2021"}, "'spec_after'"),
    ],
)
def test_plan_bad_input(kw, match):
    args = {"communes_per_unit": 6, "respondents_per_village": 28, "rng": 1}
    args.update(kw)
    spec_after = args.pop("spec_after", SPECS[1])
    with pytest.raises(DGIError, match=match):
        required_sample_size(SPECS[0], spec_after, **args)


def test_plan_unknown_unit():
    with pytest.raises(DGIError, match=r"Atlantis|unit"):
        required_sample_size(*SPECS, unit="Atlantis", communes_per_unit=6,
                             respondents_per_village=28, rng=1)


@pytest.mark.slow
def test_power_rises_to_one_at_the_largest_design():
    """At every commune, 6 villages and 60 adults per village (~3,200 respondents per unit) the
    rise is established almost always; with 6 communes almost never: it can fail both ways.
    (About 10 minutes.)"""
    plan = required_sample_size(*SPECS, communes_per_unit=[6, 40], respondents_per_village=60,
                                villages_per_commune=6, n_surveys=300, rng=11)
    t = plan.table.set_index("communes_per_unit")
    assert t.loc[40, "power"] > 0.85
    assert t.loc[6, "power"] < 0.1
    assert (plan.table.power_se < 0.03).all()
    assert list(plan.required.index) == ["more communes, 60 per village"]
    assert plan.required["reached"].iloc[0] == "interpolated"


def test_report_planning_helpers(short_plan):
    from dgi_stats import report

    text = report.planning_statement(short_plan, delta=6.31)
    assert "cannot detect a 5-place rise" in text
    assert "Monte Carlo SE" in text
    row = short_plan.table.iloc[0]
    assert f"{row['power']:.1%}" in text
    grid, required = report.planning_grid()
    assert set(required) == {"more adults per village, every commune",
                             "more communes, 60 adults per village"}
    if grid and any(v[1] >= 0.8 for v in grid.values()):
        assert "smallest design that reaches 80%" in text
    summary = report.planning_summary(report_scores(), rise_power=short_plan)
    (_design, entry), = summary["rank_rise_power"].items()
    assert entry["power"] == pytest.approx(row["power"])
    assert entry["power_mc_se"] == pytest.approx(row["power_se"])
    assert summary["respondents_per_unit_for_power"] is None


def report_scores():
    from dgi_stats.scores.pivot import Scores

    est = pd.Series([70.0, 71.0], index=["a", "b"], name="total")
    return Scores.from_estimates(est, pd.Series([0.5, 0.6], index=["a", "b"], name="total"), df=5.0)


def test_old_count_names_are_deprecated_aliases():
    """``n_surveys`` (simulated surveys) and ``n_draws`` (Monte Carlo draws) are the one names."""
    from dgi_stats.exceptions import DGIDeprecationWarning
    from dgi_stats.planning import rank_set_change_probability

    est = pd.Series([70.0, 71.0, 72.0, 73.0, 74.0], index=list("abcde"))
    cov = np.diag([0.04] * 5)
    new = rank_set_change_probability(est, cov, unit="a", delta=[6.0], df=np.inf, n_surveys=5, rng=1)
    with pytest.warns(DGIDeprecationWarning, match="n_surveys"):
        old = rank_set_change_probability(est, cov, unit="a", delta=[6.0], df=np.inf, n_sims=5, rng=1)
    pd.testing.assert_frame_equal(new.table, old.table)
    assert new.n_surveys == 5
    with pytest.warns(DGIDeprecationWarning, match="n_surveys"):
        assert new.n_sims == 5
    kw = {"communes_per_unit": 6, "respondents_per_village": 10}
    with pytest.warns(DGIDeprecationWarning, match="n_surveys"), pytest.raises(DGIError, match="n_surveys"):
        required_sample_size(*SPECS, n_replicates=10, **kw)
    with pytest.warns(DGIDeprecationWarning, match="n_draws"), pytest.raises(DGIError, match="n_draws"):
        required_sample_size(*SPECS, n_resamples=10, **kw)
