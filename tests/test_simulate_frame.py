"""dgi_stats.simulate at national scale: SYNTHETIC frames of any units (simulate_frame)."""

from __future__ import annotations

import hashlib
import time

import numpy as np
import pandas as pd
import pytest

from dgi_stats.datasets import load_spec
from dgi_stats.exceptions import DGIError, UnknownUnitError
from dgi_stats.simulate import (
    population_scores,
    simulate_estimates,
    simulate_frame,
    simulate_population,
    simulate_survey,
    solve_unit_effects,
)

N_COMMUNES = 3321  # Vietnam's communes and wards after the 2025 reform


@pytest.fixture(scope="module")
def spec():
    return load_spec(2021)


@pytest.fixture(scope="module")
def national(spec):
    """3,321 communes x 4 villages drawn x 50 adults: one SYNTHETIC national year (timed)."""
    t0, c0 = time.perf_counter(), time.process_time()
    pop = simulate_frame(N_COMMUNES, villages_per_unit=8, rng=2025)
    t1 = time.perf_counter()
    sim = simulate_survey(spec, population=pop, villages_per_psu=4, respondents_per_village=50,
                          rng=2026)
    t2, c2 = time.perf_counter(), time.process_time()
    print(f"\nSYNTHETIC national year: frame {t1 - t0:.2f} s, survey {t2 - t1:.2f} s, "
          f"total {t2 - t0:.2f} s wall, {c2 - c0:.2f} s CPU, {len(sim.respondents):,} respondents")
    return pop, sim


def test_national_year_shapes_and_labels(spec, national):
    pop, sim = national
    assert len(pop.units) == N_COMMUNES
    assert pop.units[0] == "U0001"
    assert pop.units[-1] == "U3321"
    assert pop.frame.shape == (N_COMMUNES * 8 * 16, 7)
    assert pop.unit_effects is not None
    assert pop.unit_effects.shape == (N_COMMUNES, len(spec.dimension_ids))
    r = sim.respondents
    assert r["district"].nunique() == N_COMMUNES
    assert (r.groupby("district")["village_id"].nunique() <= 4).all()
    assert (r["pi_commune"] == 1).all()  # one commune per unit: its villages are the PSUs
    # 50 drawn per village, about 65 % respond
    assert 0.5 * N_COMMUNES * 4 * 50 < len(r) < 0.8 * N_COMMUNES * 4 * 50
    assert sim.true_scores.shape == (N_COMMUNES, len(spec.measure_ids))
    adults = sim.margins["district"]
    np.testing.assert_allclose(r.groupby("district")["nr_weight"].sum()[adults.index], adults,
                               rtol=1e-9)
    assert sim.params["synthetic"] is True
    assert "SYNTHETIC" in repr(pop)
    assert "SYNTHETIC" in repr(sim)
    assert "SYNTHETIC" in str(sim.summary())
    # the drawn unit effects are what the survey simulated, and its truth is theirs
    np.testing.assert_array_equal(sim.params["unit_effects"].to_numpy(), pop.unit_effects.to_numpy())
    spec.validate_answers(r.head(2000))


def test_frame_same_seed_same_frame_and_survey(spec):
    a = simulate_frame(40, villages_per_unit=5, rng=7)
    b = simulate_frame(40, villages_per_unit=5, rng=7)
    pd.testing.assert_frame_equal(a.frame, b.frame)
    pd.testing.assert_frame_equal(a.unit_effects, b.unit_effects)
    pd.testing.assert_frame_equal(a.village_effects, b.village_effects)
    s1 = simulate_survey(spec, population=a, respondents_per_village=20, rng=8)
    s2 = simulate_survey(spec, population=b, respondents_per_village=20, rng=8)
    pd.testing.assert_frame_equal(s1.respondents, s2.respondents)
    pd.testing.assert_frame_equal(s1.true_scores, s2.true_scores)
    c = simulate_frame(40, villages_per_unit=5, rng=9)
    assert not c.frame["adults"].equals(a.frame["adults"])
    # another year: same villages, the persistent part of the effects is shared
    later = simulate_frame(40, villages_per_unit=5, year=2024, rng=7)
    assert later.frame["village_id"].equals(a.frame["village_id"])
    corr = np.corrcoef(a.unit_effects.to_numpy().ravel(), later.unit_effects.to_numpy().ravel())
    assert 0.3 < corr[0, 1] < 0.95


def test_units_table_and_entry_points(spec):
    units = pd.DataFrame({
        "unit": ["Phường Hồng Gai", "Xã Cô Tô", "Đặc khu Vân Đồn"],
        "adults": [40_000, 4_500, 35_000],
        "n_villages": [12, 6, 9],
        "n_communes": [2, 1, 3],
        "urban": [True, False, False],
        "kinh_share": [0.97, 0.95, 0.85],
    })
    pop = simulate_frame(units, rng=3)
    prof = pop.to_frame()
    assert list(prof.index) == list(units["unit"])
    assert prof["n_villages"].tolist() == [12, 6, 9]
    assert prof["n_communes"].tolist() == [2, 1, 3]
    for u, adults in zip(units["unit"], units["adults"]):
        assert prof.loc[u, "adults"] == pytest.approx(adults, rel=0.1)
    # simulate_population and simulate_survey take the table (or a count) directly
    pd.testing.assert_frame_equal(simulate_population(2020, units=units, rng=3).frame, pop.frame)
    sim = simulate_survey(spec, units=units, year=2020, psus_per_unit={"Xa Co To": 1},
                          villages_per_psu=2, respondents_per_village=15, rng=3)
    assert sim.params["psus_per_unit"]["Xã Cô Tô"] == 1
    pd.testing.assert_frame_equal(sim.frame, pop.frame)
    sim2 = simulate_survey(spec, population=pop, units=["xa co to", "Phường Hồng Gai",
                                                        "Đặc khu Vân Đồn"],
                           respondents_per_village=15, rng=3)
    assert sim2.respondents["district"].nunique() == 3
    # given true scores are solved for the drawn frame as for the DGI units
    target = pd.DataFrame(9.0, index=units["unit"], columns=spec.dimension_ids)
    alpha = solve_unit_effects(spec, pop, target)
    np.testing.assert_allclose(population_scores(spec, pop, alpha)[spec.dimension_ids], target,
                               atol=1e-6)
    res = simulate_estimates(spec, n_surveys=2, population=pop, true_scores=target,
                             measures=["total"], respondents_per_village=15, rng=4)
    np.testing.assert_allclose(res.true_scores["total"], 72.0, atol=1e-6)
    est = simulate_estimates(spec, n_surveys=2, units=25, measures=["total"], std_errors=True,
                             respondents_per_village=15, rng=4)
    assert est.estimates.shape == (2, 25)
    assert (est.df.to_numpy() > 0).all()


def test_bad_frames_raise(spec):
    with pytest.raises(DGIError, match="units"):
        simulate_frame(0)
    with pytest.raises(DGIError, match="units"):
        simulate_frame("U0001")  # type: ignore[arg-type]
    with pytest.raises(DGIError, match="unknown column"):
        simulate_frame(pd.DataFrame({"size": [1]}, index=["A"]))
    with pytest.raises(DGIError, match="more than once"):
        simulate_frame(pd.DataFrame({"adults": [100, 200]}, index=["A", "A"]))
    with pytest.raises(DGIError, match="n_villages"):
        simulate_frame(pd.DataFrame({"n_villages": [0]}, index=["A"]))
    with pytest.raises(DGIError, match="village per commune"):
        simulate_frame(pd.DataFrame({"n_villages": [2], "n_communes": [3]}, index=["A"]))
    with pytest.raises(DGIError, match="kinh_share"):
        simulate_frame(pd.DataFrame({"kinh_share": [1.5]}, index=["A"]))
    with pytest.raises(DGIError, match="urban_share"):
        simulate_frame(3, urban_share=2.0)
    with pytest.raises(DGIError, match="adults"):
        simulate_frame(3, adults=-5)
    with pytest.raises(DGIError, match="villages_per_unit"):
        simulate_frame(3, villages_per_unit=0)
    pop = simulate_frame(3, villages_per_unit=3, rng=1)
    with pytest.raises(DGIError, match="villages_per_psu=4"):
        simulate_survey(spec, population=pop, villages_per_psu=4, rng=1)
    with pytest.raises(UnknownUnitError):
        simulate_survey(spec, population=pop, psus_per_unit={"U0009": 1}, rng=1)
    with pytest.raises(DGIError, match="disagrees"):
        simulate_survey(spec, population=pop, units=5, rng=1)


def test_dgi_default_path_is_byte_identical_to_before():
    # hash of the 13-unit default path, recorded before simulate_frame existed
    sim = simulate_survey(load_spec(2021), respondents_per_village=10, rng=20260101)
    h = hashlib.sha256()
    h.update(sim.respondents.to_csv(index=False, lineterminator="\n", float_format="%.17g").encode())
    h.update(sim.true_scores.to_csv(lineterminator="\n", float_format="%.17g").encode())
    h.update(sim.frame.to_csv(index=False, lineterminator="\n").encode())
    assert len(sim.respondents) == 1521
    assert h.hexdigest() == "2e4be0a126945b3615ee518f0cda8fa87533137fc6a96ccde061883bbc3dc653"
    assert sim.population.unit_effects is None
