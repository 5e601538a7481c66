"""dgi_stats.simulate: SYNTHETIC populations, multi-stage PPS samples, answers and true scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dgi_stats.datasets import load_spec
from dgi_stats.datasets._specs import load_spec_file
from dgi_stats.exceptions import DGIDeprecationWarning, DGIError, UnknownUnitError
from dgi_stats.scores.spec import IndexSpec
from dgi_stats.simulate import (
    LatentModel,
    calibration_targets,
    frame_margins,
    population_scores,
    pps_inclusion_probabilities,
    simulate_estimates,
    simulate_population,
    simulate_survey,
    solve_unit_effects,
    unit_profiles,
)
from dgi_stats.simulate.sampling import systematic

SMALL = ["Cô Tô", "Ba Chẽ"]


@pytest.fixture(scope="module")
def spec():
    return load_spec(2021)


@pytest.fixture(scope="module")
def small_pop():
    return simulate_population(2021, units=SMALL, rng=11)


@pytest.fixture(scope="module")
def small_survey(spec, small_pop):
    return simulate_survey(spec, population=small_pop, rng=12)


# ---------------------------------------------------------------------------------------------
# population
# ---------------------------------------------------------------------------------------------
def test_population_frame_matches_profiles(small_pop):
    prof = unit_profiles()
    comm = small_pop.communes()
    assert comm.groupby("district").size().to_dict() == {
        u: int(prof.loc[u, "n_communes"]) for u in SMALL
    }
    adults = small_pop.frame.groupby("district")["adults"].sum()
    for u in SMALL:  # invented approximate sizes are hit to within a few per cent
        assert adults[u] == pytest.approx(prof.loc[u, "adults"], rel=0.15)
    assert (comm["n_villages"] >= 6).all()
    assert (small_pop.villages()["adults"] >= 60).all()
    other = small_pop.frame.query("ethnicity == 'other'").groupby("district")["adults"].sum() / adults
    assert other["Ba Chẽ"] > 0.5
    assert other["Cô Tô"] < 0.2


def test_population_same_seed_same_structure_across_years_and_subsets():
    a = simulate_population(2020, rng=5)
    b = simulate_population(2024, rng=5)
    assert a.frame["village_id"].equals(b.frame["village_id"])
    assert b.frame["adults"].sum() > a.frame["adults"].sum()
    # the persistent part of the cluster effects is shared, so effects correlate across years
    corr = np.corrcoef(a.commune_effects.to_numpy().ravel(), b.commune_effects.to_numpy().ravel())
    assert 0.3 < corr[0, 1] < 0.95
    sub = simulate_population(2020, units=["Ba Chẽ"], rng=5)
    full = a.frame[a.frame["district"] == "Ba Chẽ"].reset_index(drop=True)
    pd.testing.assert_frame_equal(sub.frame, full)
    c = simulate_population(2020, rng=6)
    assert not c.frame["adults"].equals(a.frame["adults"])


def test_frame_margins_are_sums_of_the_frame(small_pop):
    m = frame_margins(small_pop.frame)
    total = int(small_pop.frame["adults"].sum())
    for s in m.values():
        assert int(s.sum()) == total
    assert list(m["district_sex_age_group"].index.names) == ["district", "sex", "age_group"]
    with pytest.raises(DGIError, match="missing column"):
        frame_margins(small_pop.frame.drop(columns="sex"))


# ---------------------------------------------------------------------------------------------
# PPS sampling
# ---------------------------------------------------------------------------------------------
def test_pps_probabilities_with_certainty_units():
    pi = pps_inclusion_probabilities(np.array([50.0, 30.0, 10.0, 10.0]), 2)
    np.testing.assert_allclose(pi, [1.0, 0.6, 0.2, 0.2])
    pi = pps_inclusion_probabilities(np.array([5.0, 3.0, 2.0]), 3)
    np.testing.assert_allclose(pi, 1.0)
    rng = np.random.default_rng(0)
    sizes = rng.lognormal(0, 1, 30)
    pi = pps_inclusion_probabilities(sizes, 6)
    assert pi.sum() == pytest.approx(6.0)
    assert (pi <= 1).all()
    assert (pi > 0).all()
    free = pi < 1
    ratio = pi[free] / sizes[free]
    np.testing.assert_allclose(ratio, ratio[0])  # proportional to size among non-certainty units


@pytest.mark.parametrize(("sizes", "n"), [([1.0, 2.0], 0), ([1.0, 2.0], 3), ([1.0, -2.0], 1),
                                          ([], 1), ([1.0, np.nan], 1)])
def test_pps_probabilities_reject_bad_input(sizes, n):
    with pytest.raises(DGIError):
        pps_inclusion_probabilities(np.array(sizes, dtype=float), n)


def _inclusion_frequencies(n_draws: int, rng: np.random.Generator):
    sizes = np.array([40.0, 25, 12, 9, 6, 4, 2, 1, 1])
    pi = pps_inclusion_probabilities(sizes, 4)
    hits = np.zeros(sizes.size)
    for _ in range(n_draws):
        chosen = systematic(pi, rng)
        assert chosen.size == 4
        hits[chosen] += 1
    return pi, hits / n_draws


def test_systematic_pps_inclusion_frequencies(rng):
    pi, freq = _inclusion_frequencies(3000, rng)
    se = np.sqrt(pi * (1 - pi) / 3000)
    assert (np.abs(freq - pi) <= 4 * se + 1e-12).all(), (freq, pi)


@pytest.mark.slow
def test_systematic_pps_inclusion_frequencies_long(rng):
    pi, freq = _inclusion_frequencies(100_000, rng)
    se = np.sqrt(pi * (1 - pi) / 100_000)
    assert (np.abs(freq - pi) <= 4 * se + 1e-12).all(), (freq, pi)


# ---------------------------------------------------------------------------------------------
# the survey
# ---------------------------------------------------------------------------------------------
def test_survey_columns_codes_and_weights(spec, small_survey):
    r = small_survey.respondents
    first = ["respondent_id", "district", "commune_id", "village_id", "sex", "age_group", "ethnicity"]
    assert list(r.columns[:7]) == first
    assert set(spec.item_ids) <= set(r.columns)
    spec.validate_answers(r)
    for col in ("pi_commune", "pi_village", "pi_person", "prob", "design_weight", "nr_weight",
                "communes_in_unit", "villages_in_commune", "adults_in_village"):
        assert col in r.columns
    adults = small_survey.margins["district"]
    np.testing.assert_allclose(r.groupby("district")["nr_weight"].sum()[adults.index], adults, rtol=1e-12)
    assert ((r["pi_commune"] > 0) & (r["pi_commune"] <= 1)).all()
    assert (r.loc[r["district"] == "Cô Tô", "pi_commune"] == 1).all()  # all 3 communes: certainty
    plan = small_survey.params
    assert plan["psus_per_unit"] == {"Cô Tô": 3, "Ba Chẽ": 6}
    assert plan["villages_per_psu"] == {"Cô Tô": 6, "Ba Chẽ": 3}
    assert r.groupby("district")["village_id"].nunique().to_dict() == {"Ba Chẽ": 18, "Cô Tô": 18}
    assert (r["n_resp_village"] <= r["n_issued_village"]).all()
    assert r["respondent_id"].is_unique
    assert small_survey.params["synthetic"] is True


def test_same_seed_same_survey_different_seed_different(spec):
    a = simulate_survey(spec, units=SMALL, rng=3)
    b = simulate_survey(spec, units=SMALL, rng=3)
    pd.testing.assert_frame_equal(a.respondents, b.respondents)
    pd.testing.assert_frame_equal(a.true_scores, b.true_scores)
    c = simulate_survey(spec, units=SMALL, rng=4)
    assert not a.respondents["nr_weight"].equals(c.respondents["nr_weight"])


def test_inputs_are_not_mutated(spec, small_pop):
    target = calibration_targets(2021).loc[SMALL]
    before = target.copy()
    frame_before = small_pop.frame.copy()
    simulate_survey(spec, population=small_pop, true_scores=target, rng=1)
    pd.testing.assert_frame_equal(target, before)
    pd.testing.assert_frame_equal(small_pop.frame, frame_before)


def test_default_true_scores_are_the_calibration_targets(spec, small_survey):
    target = calibration_targets(2021, dimension_ids=spec.dimension_ids).loc[SMALL]
    truth = small_survey.true_scores
    np.testing.assert_allclose(truth[spec.dimension_ids], target, atol=1e-6)
    np.testing.assert_allclose(truth["total"], target.sum(axis=1), atol=1e-6)
    np.testing.assert_allclose(truth["composite"], target.sum(axis=1) / 80 * 100, atol=1e-6)
    assert list(truth.columns) == spec.measure_ids


def test_what_if_uong_bi_improves_by_three_points(spec):
    pop = simulate_population(2021, units=["Uông Bí", "Cô Tô"], rng=2)
    base = calibration_targets(2021).loc[["Uông Bí", "Cô Tô"]]
    better = base.copy()
    # 3 points where there is room below the ceiling of 10 (+3/8 everywhere would push
    # d5_admin_procedures to 10.045, which is rejected)
    moved = ["d2_transparency", "d8_e_governance", "d1_participation", "d4_corruption_control"]
    better.loc["Uông Bí", moved] += [1.0, 1.0, 0.5, 0.5]
    a = simulate_survey(spec, population=pop, true_scores=base, rng=1)
    b = simulate_survey(spec, population=pop, true_scores=better, rng=1)
    diff = b.true_scores["total"] - a.true_scores["total"]
    assert diff["Uông Bí"] == pytest.approx(3.0, abs=1e-6)
    assert diff["Cô Tô"] == pytest.approx(0.0, abs=1e-6)
    alpha_a = a.params["unit_effects"]
    alpha_b = b.params["unit_effects"]

    assert (alpha_b.loc["Uông Bí", moved] > alpha_a.loc["Uông Bí", moved]).all()
    too_much = base.copy()
    too_much.loc["Uông Bí"] += 3 / 8
    with pytest.raises(DGIError, match="outside the scale"):
        simulate_survey(spec, population=pop, true_scores=too_much, rng=1)


def test_true_scores_are_the_exact_model_expectation(spec, small_pop):
    # large samples of the model land on the exact true scores (population_scores): the truth is
    # the model's expectation, not a number the solver merely hands back. Dimension errors of one
    # sample of ~1,000-3,000 respondents per unit have SD <= 0.10; the mean over 20 samples has an
    # MC SE <= 0.023, so 0.1 is > 4 SEs, and a truth off by 0.2 fails.
    alpha = pd.DataFrame(1.5, index=SMALL, columns=spec.dimension_ids)
    truth = population_scores(spec, small_pop, alpha)
    target = truth[spec.dimension_ids]
    res = simulate_estimates(spec, n_surveys=20, population=small_pop, true_scores=target,
                             psus_per_unit={"Cô Tô": 3, "Ba Chẽ": 8}, villages_per_psu=6,
                             respondents_per_village=60, rng=9)
    assert res.n_respondents.to_numpy().min() > 500
    err = res.errors()
    dims = err.columns.get_level_values(1).isin(spec.dimension_ids)
    assert dims.sum() == len(SMALL) * len(spec.dimension_ids)
    assert np.abs(err.loc[:, dims].mean().to_numpy()).max() < 0.1, err.loc[:, dims].mean()


def test_unbiased_when_response_is_uniform(spec):
    # with response independent of the cell, nr-weighted Hájek estimates are unbiased for the truth
    model = LatentModel(response_sex=(0.7, 0.7), response_age=(1.0, 1.0, 1.0, 1.0))
    pop = simulate_population(2021, units=SMALL, model=model, rng=21)
    res = simulate_estimates(spec, n_surveys=30, population=pop, measures=["total"], rng=22)
    err = res.errors()
    z = err.mean() / (err.std(ddof=1) / np.sqrt(len(err)))
    assert (z.abs() < 4).all(), z


@pytest.mark.slow
def test_unbiased_when_response_is_uniform_long(spec):
    model = LatentModel(response_sex=(0.7, 0.7), response_age=(1.0, 1.0, 1.0, 1.0))
    pop = simulate_population(2021, units=["Uông Bí", "Hải Hà", "Cô Tô"], model=model, rng=23)
    res = simulate_estimates(spec, n_surveys=400, population=pop, rng=24)
    err = res.errors()
    z = err.mean() / (err.std(ddof=1) / np.sqrt(len(err)))
    assert (z.abs() < 4).all(), z


def test_nonresponse_overrepresents_women_and_older_people(spec):
    sim = simulate_survey(spec, units=["Hạ Long", "Cẩm Phả"], rng=31)
    r = sim.respondents
    pop_f = sim.margins["district_sex"].xs("female", level="sex").sum() / sim.margins["district"].sum()
    assert (r["sex"] == "female").mean() > pop_f + 0.04
    age = sim.margins["district_age_group"].groupby(level="age_group").sum()
    assert (r["age_group"] == "18-29").mean() < age["18-29"] / age.sum() - 0.03


def test_simulate_estimates_layout(spec, small_pop):
    res = simulate_estimates(spec, n_surveys=3, population=small_pop, rng=1)
    assert res.estimates.shape == (3, 2 * 10)
    assert list(res.estimates.columns.names) == ["unit", "measure"]
    assert res.estimates.columns[0] == ("Cô Tô", "d1_participation")
    assert res.n_respondents.shape == (3, 2)
    assert res.errors().shape == res.estimates.shape
    assert "SYNTHETIC" in repr(res)
    again = simulate_estimates(spec, n_surveys=3, population=small_pop, rng=1)
    pd.testing.assert_frame_equal(res.estimates, again.estimates)
    dw = simulate_estimates(spec, n_surveys=2, population=small_pop, weights="design_weight",
                            measures=["d1_s1_i1", "total"], rng=1)
    assert dw.estimates.shape == (2, 4)


def test_simulate_estimates_agrees_with_simulate_survey(spec, small_pop):
    # one replicate of simulate_estimates is the same sample as simulate_survey with the same seed
    sim = simulate_survey(spec, population=small_pop, rng=np.random.default_rng(5))
    res = simulate_estimates(spec, n_surveys=1, population=small_pop,
                             rng=np.random.default_rng(5))
    r = sim.respondents
    s = spec.score_items(r).scores
    w = r["nr_weight"].to_numpy()[:, None]
    ok = s.notna().to_numpy()
    for unit in SMALL:
        m = (r["district"] == unit).to_numpy()
        means = np.nansum(s.to_numpy()[m] * w[m], axis=0) / (ok[m] * w[m]).sum(axis=0)
        wmap, b = spec.measure_map()
        total = float(wmap.loc["total", spec.indicator_ids].to_numpy() @ means + b["total"])
        assert res.estimates.loc[0, (unit, "total")] == pytest.approx(total, abs=1e-9)


def test_filter_item_in_another_dimension_and_papi_scale():
    # skip logic across dimensions couples the unit effects; the solver still hits every target
    toy = IndexSpec.from_dict({
        "index": {"name": "Toy", "year": 2021, "scale": "papi"},
        "defaults": {"dont_know": [98]},
        "items": [
            {"id": "q1", "text": "Used?", "kind": "binary", "levels": [1, 2], "favourable": [1]},
            {"id": "q2", "text": "Satisfied?", "kind": "likert", "levels": [1, 2, 3, 4, 5],
             "asked_if": {"item": "q1", "codes": [1]}},
            {"id": "q3", "text": "Minutes", "kind": "numeric", "low": 0, "high": 60,
             "direction": -1, "dont_know": [9998]},
        ],
        "dimensions": [
            {"id": "a", "name_vi": "A", "name_en": "A", "subdimensions": [
                {"id": "a_s1", "name_vi": "A1", "name_en": "A1",
                 "indicators": [{"id": "a_s1_i1", "name": "used", "item": "q1"}]}]},
            {"id": "b", "name_vi": "B", "name_en": "B", "subdimensions": [
                {"id": "b_s1", "name_vi": "B1", "name_en": "B1",
                 "indicators": [{"id": "b_s1_i1", "name": "sat", "item": "q2"}]},
                {"id": "b_s2", "name_vi": "B2", "name_en": "B2",
                 "indicators": [{"id": "b_s2_i1", "name": "time", "item": "q3"}]}]},
        ],
    })
    pop = simulate_population(2022, units=SMALL, n_dimensions=2, rng=4)
    target = pd.DataFrame({"a": [6.0, 8.5], "b": [9.2, 4.0]}, index=SMALL)
    alpha = solve_unit_effects(toy, pop, target)
    truth = population_scores(toy, pop, alpha)
    np.testing.assert_allclose(truth[["a", "b"]], target, atol=1e-6)
    sim = simulate_survey(toy, population=pop, true_scores=target, rng=5)
    r = sim.respondents
    assert (r["q2"].isna() == (r["q1"] != 1)).all()
    toy.validate_answers(r)
    with pytest.raises(DGIError, match="default true scores"):
        simulate_survey(toy, population=pop, rng=1)


def test_papi_2016_spec_runs():
    papi = load_spec_file("papi_2016")
    n_dim = len(papi.dimension_ids)
    pop = simulate_population(2016, units=["Cô Tô"], n_dimensions=n_dim, rng=1)
    target = pd.DataFrame(5.5, index=["Cô Tô"], columns=papi.dimension_ids)
    sim = simulate_survey(papi, population=pop, true_scores=target, rng=2)
    np.testing.assert_allclose(sim.true_scores[papi.dimension_ids], target, atol=1e-6)
    # on the PAPI scale a dimension below 1 is outside the scale
    with pytest.raises(DGIError, match="outside the scale"):
        simulate_survey(papi, population=pop, true_scores=target - 5.0, rng=2)


# ---------------------------------------------------------------------------------------------
# calibration targets
# ---------------------------------------------------------------------------------------------
def test_calibration_targets_are_deterministic_two_decimal_values():
    for year in range(2020, 2025):
        t = calibration_targets(year)
        assert t.shape == (13, 8)
        np.testing.assert_allclose(t * 100, np.round(t * 100), atol=1e-9)
        pd.testing.assert_frame_equal(t, calibration_targets(year))
    with pytest.raises(DGIError, match="2020-2024"):
        calibration_targets(2019)
    with pytest.raises(DGIError, match="8 dimensions"):
        calibration_targets(2021, dimension_ids=["a", "b"])


# ---------------------------------------------------------------------------------------------
# bad parameters
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"psus_per_unit": 0}, "psus_per_unit"),
        ({"psus_per_unit": -2}, "psus_per_unit"),
        ({"psus_per_unit": 2.5}, "psus_per_unit"),
        ({"psus_per_unit": 7}, "more communes than the frame"),
        ({"psus_per_unit": {"Cô Tô": 4}}, "more communes than the frame"),
        ({"psus_per_unit": {"Hạ Long": 4}}, "not simulated"),
        ({"villages_per_psu": 0}, "villages_per_psu"),
        ({"villages_per_psu": 50}, "villages_per_psu=50"),
        ({"respondents_per_village": -5}, "respondents_per_village"),
        ({"respondents_per_village": 0}, "respondents_per_village"),
        ({"respondents_per_village": 100_000}, "exceeds the adults"),
        ({"year": 2022}, "population is of 2021"),
        ({"units": ["Hạ Long"]}, "disagrees"),
    ],
)
def test_bad_sample_parameters_raise(spec, small_pop, kwargs, match):
    with pytest.raises(DGIError, match=match):
        simulate_survey(spec, population=small_pop, rng=1, **kwargs)


def _targets(spec):
    return calibration_targets(2021, dimension_ids=spec.dimension_ids).loc[SMALL]


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda t: t.drop(columns="d3_accountability"), "wrong columns"),
        (lambda t: t.assign(extra=1.0), "wrong columns"),
        (lambda t: t.iloc[:1], "one row per simulated unit"),
        (lambda t: pd.concat([t, t.iloc[:1]]), "one row per simulated unit"),
        (lambda t: t.rename(index={"Cô Tô": "Atlantis"}), "not a unit"),
        (lambda t: t.assign(d1_participation=10.0), "outside the scale"),
        (lambda t: t.assign(d1_participation=0.0), "outside the scale"),
        (lambda t: t.assign(d2_transparency=-1.0), "outside the scale"),
        (lambda t: t.assign(d2_transparency=12.0), "outside the scale"),
        (lambda t: t.assign(d2_transparency=np.nan), "NaN"),
        (lambda t: t.assign(total=1.0), "total"),
        (lambda t: t.assign(composite=1.0), "composite"),
        (lambda t: t.to_numpy(), "must be a DataFrame"),
    ],
)
def test_bad_true_scores_raise(spec, small_pop, change, match):
    with pytest.raises(DGIError, match=match):
        simulate_survey(spec, population=small_pop, true_scores=change(_targets(spec)), rng=1)


def test_consistent_total_and_composite_columns_are_accepted(spec, small_pop):
    t = _targets(spec)
    t = t.assign(total=t.sum(axis=1), composite=t.sum(axis=1) / 80 * 100)
    sim = simulate_survey(spec, population=small_pop, true_scores=t, rng=1)
    np.testing.assert_allclose(sim.true_scores["total"], t["total"], atol=1e-6)
    # unit names are matched tolerantly
    t2 = _targets(spec).rename(index={"Cô Tô": "Co To", "Ba Chẽ": "ba che"})
    simulate_survey(spec, population=small_pop, true_scores=t2, rng=1)


def test_other_bad_arguments(spec, small_pop):
    with pytest.raises(DGIError, match="IndexSpec"):
        simulate_survey("dgi_2021", rng=1)  # type: ignore[arg-type]
    with pytest.raises(UnknownUnitError):
        simulate_population(2021, units=["Atlantis"], rng=1)
    with pytest.raises(DGIError, match="more than once"):
        simulate_population(2021, units=["Cô Tô", "Co To"], rng=1)
    with pytest.raises(DGIError, match="'year'"):
        simulate_population("2021", rng=1)  # type: ignore[arg-type]
    with pytest.raises(DGIError, match="n_dimensions"):
        simulate_population(2021, units=SMALL, n_dimensions=0, rng=1)
    with pytest.raises(DGIError, match="rng"):
        simulate_population(2021, units=SMALL, rng="seed")  # type: ignore[arg-type]
    with pytest.raises(DGIError, match="n_surveys"):
        simulate_estimates(spec, n_surveys=0, population=small_pop, rng=1)
    with pytest.raises(TypeError, match="n_surveys"):
        simulate_estimates(spec, population=small_pop, rng=1)
    with pytest.raises(DGIError, match="weights"):
        simulate_estimates(spec, n_surveys=1, population=small_pop, weights="w", rng=1)
    with pytest.raises(DGIError, match="measures"):
        simulate_estimates(spec, n_surveys=1, population=small_pop, measures=["nope"], rng=1)
    pop6 = simulate_population(2021, units=SMALL, n_dimensions=6, rng=1)
    with pytest.raises(DGIError, match="dimensions"):
        simulate_survey(spec, population=pop6, rng=1)
    with pytest.raises(DGIError, match="sd_commune"):
        LatentModel(sd_commune=-1.0)
    with pytest.raises(DGIError, match="response probabilities"):
        LatentModel(response_sex=(0.9, 0.9), response_age=(1.0, 1.0, 1.0, 1.2))
    with pytest.raises(DGIError, match="persistence"):
        LatentModel(persistence=1.5)


def test_reprs_say_synthetic(small_pop, small_survey):
    assert "SYNTHETIC" in repr(small_pop)
    assert "SYNTHETIC" in repr(small_survey)


def test_empty_villages_fall_back_to_commune_and_unit_nonresponse_classes(spec):
    # with very low response many sampled villages (and some communes) have no respondent; the
    # nonresponse adjustment then works within the commune (or unit), and nr_weight still sums to
    # the adults of each unit exactly
    model = LatentModel(response_sex=(0.06, 0.06), response_age=(1.0, 1.0, 1.0, 1.0))
    pop = simulate_population(2021, units=["Hạ Long", "Uông Bí"], model=model, rng=41)
    sim = simulate_survey(spec, population=pop, respondents_per_village=4, rng=42)
    r = sim.respondents
    villages = r.groupby("district")["village_id"].nunique()
    assert (villages < 18).all()  # some sampled villages have no respondent
    adults = sim.margins["district"]
    np.testing.assert_allclose(r.groupby("district")["nr_weight"].sum()[adults.index], adults,
                               rtol=1e-12)
    with pytest.raises(DGIError, match="no sampled adult responded"):
        simulate_survey(spec, population=pop, respondents_per_village=1, psus_per_unit=1,
                        villages_per_psu=1, rng=43)


# ---------------------------------------------------------------------------------------------
# result protocol and renamed names
# ---------------------------------------------------------------------------------------------
def test_results_have_to_frame_and_summary(spec, small_pop, small_survey):
    pf = small_pop.to_frame()
    assert list(pf.index) == SMALL
    assert pf["adults"].sum() == small_pop.frame["adults"].sum()
    assert "SYNTHETIC" in str(small_pop.summary())
    sf = small_survey.to_frame()
    assert sf["n_respondents"].sum() == len(small_survey.respondents)
    np.testing.assert_array_equal(sf["true_total"], small_survey.true_scores["total"])
    assert small_survey.n_surveys == 1
    assert "SYNTHETIC" in small_survey._repr_html_()
    res = simulate_estimates(spec, n_surveys=4, population=small_pop, measures=["total"],
                             std_errors=True, rng=3)
    assert res.n_surveys == 4
    tab = res.to_frame()
    assert list(tab.index) == [(u, "total") for u in SMALL]
    np.testing.assert_allclose(tab["bias"], res.errors().mean())
    np.testing.assert_allclose(tab["rmse"] ** 2, tab["bias"] ** 2 + tab["std_dev"] ** 2 * 3 / 4)
    assert (tab["mean_std_error"] > 0).all()
    assert "SYNTHETIC" in str(res.summary())


def test_n_replicates_is_the_deprecated_name_of_n_surveys(spec, small_pop):
    new = simulate_estimates(spec, n_surveys=2, population=small_pop, measures=["total"], rng=5)
    with pytest.warns(DGIDeprecationWarning, match="n_surveys"):
        old = simulate_estimates(spec, n_replicates=2, population=small_pop, measures=["total"],
                                 rng=5)
    pd.testing.assert_frame_equal(new.estimates, old.estimates)
    with pytest.raises(TypeError, match="both"):
        simulate_estimates(spec, n_surveys=2, n_replicates=2, population=small_pop, rng=5)
    with pytest.raises(TypeError, match="unexpected"):
        simulate_estimates(spec, n_surveys=2, population=small_pop, n_sims=3, rng=5)
