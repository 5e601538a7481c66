"""COINr 1.1.14 ASEM example (read-only ../shared/coinr_asem; skipped when absent).

Outputs of COINr's example coin and of the vignette's uncertainty/sensitivity analysis are
reproduced from the intermediate data sets (see the folder's README for the pipeline).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dgi_stats import composite as C

pytestmark = pytest.mark.reference

PILLARS = ["ConEcFin", "Environ", "Instit", "P2P", "Physical", "Political", "Social", "SusEcFin"]


@pytest.fixture(scope="module")
def asem(shared_dir):
    d = shared_dir / "coinr_asem"
    if not d.is_dir():
        pytest.skip("coinr_asem reference data absent")

    def read(name: str) -> pd.DataFrame:
        return pd.read_csv(d / name)

    meta = read("ASEM_iMeta.csv")
    return {
        "meta": meta,
        "hierarchy": C.Hierarchy.from_coinr_meta(meta),
        "indicators": meta.loc[meta["Type"] == "Indicator", "iCode"].tolist(),
        "read": read,
    }


def _dset(asem, name: str) -> pd.DataFrame:
    return asem["read"](f"ASEM_example_dset_{name}.csv").set_index("uCode")


def test_effective_weights(asem):
    ref = asem["read"]("ASEM_eff_weights.csv").set_index("iCode")
    eff = C.effective_weights(asem["hierarchy"]).reindex(ref.index)
    assert np.allclose(eff, ref["EffWeight"], rtol=0, atol=1e-14)
    assert eff["Goods"] == pytest.approx(0.02)
    assert eff["Renew"] == pytest.approx(1 / 30)
    lev = asem["hierarchy"].levels
    for level in (1, 2, 3, 4):
        assert C.effective_weights(asem["hierarchy"])[lev == level].sum() == pytest.approx(1.0)


def test_normalised_dataset(asem):
    treated = _dset(asem, "Treated")
    ref = _dset(asem, "Normalised")
    ind = asem["indicators"]
    direction = asem["meta"].set_index("iCode").loc[ind, "Direction"].astype(int).to_dict()
    out = C.normalise(treated[ind], method="minmax", direction=direction, output_range=(0, 100))
    assert np.allclose(out.to_numpy(), ref[ind].to_numpy(), rtol=0, atol=1e-11)


def test_aggregated_dataset_and_results(asem):
    norm = _dset(asem, "Normalised")[asem["indicators"]]
    ref = _dset(asem, "Aggregated")
    out = C.aggregate_hierarchy(norm, asem["hierarchy"])
    assert np.allclose(out.to_numpy(), ref[out.columns].to_numpy(), rtol=0, atol=1e-11)
    res = asem["read"]("ASEM_example_results_amean.csv").set_index("uCode")
    for col in ["Index", "Conn", "Sust", *PILLARS]:
        # results are stored rounded to 6 significant figures
        assert np.allclose(out[col].reindex(res.index), res[col], rtol=0, atol=5e-6)
    rank = C.competition_rank(out["Index"]).reindex(res.index)
    assert (rank == res["Rank"]).all()
    assert res.index[:6].tolist() == ["CHE", "NLD", "DNK", "NOR", "BEL", "SWE"]


def test_geometric_build(asem):
    treated = _dset(asem, "Treated")
    ind = asem["indicators"]
    direction = asem["meta"].set_index("iCode").loc[ind, "Direction"].astype(int).to_dict()
    norm = C.normalise(treated[ind], method="minmax", direction=direction, output_range=(1, 100))
    out = C.aggregate_hierarchy(norm, asem["hierarchy"], method="geometric")
    ref = asem["read"]("ASEM_example_results_gmean.csv").set_index("uCode")
    cols = ["Index", "Conn", "Sust", *PILLARS]
    assert np.allclose(out[cols].reindex(ref.index), ref[cols], rtol=0, atol=5e-6)
    assert (C.competition_rank(out["Index"]).reindex(ref.index) == ref["Rank"]).all()
    # composite.md §4.2 alternative build: mean |rank change| vs the arithmetic build 2.86, BGR 30 -> 25
    arith = C.aggregate_hierarchy(_dset(asem, "Normalised")[ind], asem["hierarchy"])
    shift = (C.competition_rank(out["Index"]) - C.competition_rank(arith["Index"])).abs()
    assert shift.mean() == pytest.approx(2.86, abs=0.005)
    assert C.competition_rank(out["Index"])["BGR"] == 25


def test_aggregation_vignette_dat_thresh():
    x = pd.DataFrame({"a": [1, 2, 3], "b": [3, np.nan, np.nan], "c": [1, np.nan, 1]}, dtype=float)
    out = C.aggregate(x, min_share=2 / 3)
    assert out.iloc[0] == pytest.approx(5 / 3)
    assert np.isnan(out.iloc[1])
    assert out.iloc[2] == pytest.approx(2.0)


def test_borda_normalisation_vignette(asem):
    raw = _dset(asem, "Raw")
    b = C.normalise(raw[["LPI"]], method="borda")["LPI"]
    assert b[["AUS", "AUT", "BEL", "BGD"]].tolist() == [36, 44, 45, 4]


def test_pca_weights_level2(asem):
    agg = _dset(asem, "Aggregated")
    w = C.pca_weights(agg, hierarchy=asem["hierarchy"], level=2)
    ref = {
        "Physical": 0.5118, "ConEcFin": 0.3050, "Political": 0.3548, "Instit": 0.5082,
        "P2P": 0.5108, "Environ": 0.6513, "Social": -0.7444, "SusEcFin": 0.1473,
    }
    for k, v in ref.items():
        assert w[k] == pytest.approx(v, abs=5e-5), k


def test_optimised_weights_level3(asem):
    agg = _dset(asem, "Aggregated")
    res = C.optimised_weights(agg[["Conn", "Sust"]])
    # COINr vignette: Conn 0.3902, Sust 0.6098; correlations before 0.9398/0.8383, after 0.8971/0.8925
    assert res.weights.round(4).tolist() == [0.3902, 0.6098]
    assert res.correlations_before.round(4).tolist() == [0.9398, 0.8383]
    assert res.correlations_after.round(4).tolist() == [0.8971, 0.8925]
    precise = C.optimised_weights(agg[["Conn", "Sust"]], optimiser="precise")
    assert precise.correlations_after.iloc[0] == pytest.approx(precise.correlations_after.iloc[1], abs=1e-6)
    assert precise.objective < res.objective


def test_cronbach(asem):
    ref = asem["read"]("ASEM_example_cronbach_normalised_by_pillar.csv").set_index("group")
    norm = _dset(asem, "Normalised")
    h = asem["hierarchy"]
    for g in ref.index:
        a = C.cronbach_alpha(norm[h.children(g)]).alpha
        assert a == pytest.approx(ref.loc[g, "cronbach_alpha"], rel=0, abs=1e-12), g
    # P2P on raw data (pairwise-complete covariances, as COINr): 0.05127
    raw = _dset(asem, "Raw")
    assert C.cronbach_alpha(raw[h.children("P2P")]).alpha == pytest.approx(0.05127, abs=5e-6)
    assert C.cronbach_alpha(norm[asem["indicators"]]).alpha == pytest.approx(0.8986, abs=5e-5)
    agg = _dset(asem, "Aggregated")
    assert C.cronbach_alpha(agg[PILLARS]).alpha == pytest.approx(0.7538, abs=5e-5)


def test_sobol_indices_from_stored_runs(asem):
    y = asem["read"]("ASEM_vignette_SA_y.csv")["mean_abs_rank_shift"].to_numpy()
    ref = asem["read"]("ASEM_vignette_SA_SensInd.csv").set_index("Variable")
    names = ["Winmax", "Normalisation", "Weights", "Aggregation"]
    out = C.sobol_indices(y, 4, names=names, n_resamples=500, rng=20240101)
    assert np.allclose(out["first_order"], ref.loc[names, "Si"], rtol=0, atol=1e-14)
    assert np.allclose(out["total_order"], ref.loc[names, "STi"], rtol=0, atol=1e-14)
    assert out.attrs["variance"] == pytest.approx(0.6279, abs=5e-5)
    # bootstrap bounds: different random streams from R, so only the same ballpark
    assert np.all(out["first_order_low"] < out["first_order"])
    assert np.all(out["total_order_high"] > out["total_order"])
    assert np.allclose(out["total_order_low"], ref.loc[names, "STi_q5"], atol=0.06)
    assert np.allclose(out["total_order_high"], ref.loc[names, "STi_q95"], atol=0.06)


def test_ua_rank_statistics_from_stored_runs(asem):
    ranks = asem["read"]("ASEM_vignette_UA_Ranks.csv").set_index("uCode")
    ref = asem["read"]("ASEM_vignette_UA_RankStats.csv").set_index("uCode")
    out = C.rank_statistics(ranks.drop(columns="Nominal"), ranks["Nominal"])
    assert np.array_equal(out.to_numpy(), ref[["Nominal", "Mean", "Median", "Q5", "Q95"]].to_numpy()) or np.allclose(
        out.to_numpy(), ref[["Nominal", "Mean", "Median", "Q5", "Q95"]].to_numpy(), rtol=0, atol=1e-12
    )
    assert out.loc["AUT"].tolist() == [7, 7.0, 7, 5.95, 9]


def test_sa_rank_statistics_and_rank_shift_from_stored_runs(asem):
    ranks = asem["read"]("ASEM_vignette_SA_Ranks.csv").set_index("uCode")
    ref = asem["read"]("ASEM_vignette_SA_RankStats.csv").set_index("uCode")
    runs = ranks.drop(columns="Nominal")
    # COINr's RankStats of an SA use only the first 2N = 200 runs
    out = C.rank_statistics(runs.iloc[:, :200], ranks["Nominal"])
    assert np.allclose(out.to_numpy(), ref[["Nominal", "Mean", "Median", "Q5", "Q95"]].to_numpy(), rtol=0, atol=1e-12)
    y = asem["read"]("ASEM_vignette_SA_y.csv")["mean_abs_rank_shift"].to_numpy()
    assert np.allclose(C.rank_shift(runs, ranks["Nominal"]).to_numpy(), y, rtol=0, atol=1e-13)


def test_ua_pipeline_on_asem_reproduces_nominal_and_is_plausible(asem):
    """Our own UA on the ASEM normalised data: same nominal ranks, weights noise + aggregation."""
    treated = _dset(asem, "Treated")
    ind = asem["indicators"]
    h = asem["hierarchy"]
    direction = asem["meta"].set_index("iCode").loc[ind, "Direction"].astype(int).to_dict()
    lev = h.levels
    upper = [k for k in lev.index if lev[k] in (2, 3)]
    noisy = C.weight_noise_factor(h.weight, f=0.25, n_draws=50, elements=upper, rng=1)
    res = C.uncertainty_analysis(
        treated[ind],
        factors=[
            C.Factor("normalisation", [{"method": "minmax", "output_range": (1, 100)},
                                       {"method": "zscore", "mean": 10, "sd": 2}]),
            noisy,
            C.Factor("aggregation", ["arithmetic", "geometric"]),
        ],
        hierarchy=h, direction=direction, normalisation={"method": "minmax", "output_range": (0, 100)},
        n_draws=200, rng=2,
    )
    ref = asem["read"]("ASEM_example_results_amean.csv").set_index("uCode")
    assert (res.nominal_rank.reindex(ref.index) == ref["Rank"]).all()
    assert np.allclose(res.nominal_score.reindex(ref.index), ref["Index"], atol=5e-6)
    # COINr's vignette UA: CHE is 1st in every run; mean |rank shift| of the order of 1-3
    assert res.statistics.loc["CHE", "q95"] <= 2
    assert 0.3 < res.rank_shift.mean() < 4


def test_remove_elements_level2(asem):
    norm = _dset(asem, "Normalised")[asem["indicators"]]
    out = C.leave_one_out(norm, hierarchy=asem["hierarchy"], level=2)
    # composite.md §4.2: COINr remove_elements(Level = 2) MeanAbsDiff (three decimals)
    ref = {
        "Physical": 1.529, "ConEcFin": 2.627, "Political": 2.902, "Instit": 1.176,
        "P2P": 1.686, "Environ": 3.098, "Social": 3.961, "SusEcFin": 2.627,
    }
    for k, v in ref.items():
        assert out.loc[k, "mean_abs_rank_change"] == pytest.approx(v, abs=5e-4), k
    assert out.attrs["ranks"]["nominal"].min() == 1
