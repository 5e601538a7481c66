"""score(): every indicator mean per unit (available cases) with the joint covariance, then all
measures through the spec's linear map; checked against independent brute-force computations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dgi_stats.exceptions import DGIError
from dgi_stats.scores.index import score
from dgi_stats.survey import estimators as est
from dgi_stats.survey.design import SurveyDesign


class _Spec:
    """A minimal index spec: 3 indicators, 2 sub-dimensions, 1 dimension (DGI style)."""

    indicators = ("i1", "i2", "i3")
    unit_column = "district"

    def score_items(self, data):
        return data[list(self.indicators)].astype(float)

    def measure_map(self):
        w = pd.DataFrame(
            0.0, index=["s1", "s2", "d1", "total", "composite"], columns=list(self.indicators)
        )
        w.loc["s1", ["i1", "i2"]] = 10 / (2 * 2)
        w.loc["s2", "i3"] = 10 / 2
        w.loc["d1"] = w.loc["s1"] + w.loc["s2"]
        w.loc["total"] = w.loc["d1"]
        w.loc["composite"] = w.loc["total"] * 10
        return w, pd.Series(0.0, index=w.index)


@pytest.fixture
def survey(rng):
    """SYNTHETIC: 4 units x 5 communes x 12 respondents, some answers missing."""
    rows = []
    for u in range(4):
        for c in range(5):
            eff = rng.normal(0, 0.1)
            for _ in range(12):
                rows.append(
                    (
                        f"U{u}",
                        f"U{u}-C{c}",
                        *np.clip(rng.normal(0.5 + 0.05 * u + eff, 0.2, 3), 0, 1),
                    )
                )
    df = pd.DataFrame(rows, columns=["district", "commune", "i1", "i2", "i3"])
    df["w"] = rng.uniform(50, 150, len(df))
    miss = rng.random((len(df), 3)) < 0.1
    for j, col in enumerate(["i1", "i2", "i3"]):
        df.loc[miss[:, j], col] = np.nan
    return SurveyDesign(df, weights="w", strata="district", psu="commune")


def test_indicator_means_are_available_case_domain_means(survey):
    s = score(survey, _Spec())
    data = survey.data
    for unit in ["U0", "U3"]:
        for ind in ["i1", "i3"]:
            dom = ((data["district"] == unit) & data[ind].notna()).to_numpy()
            e = est.mean(survey, ind, domain=dom, na_rm=True)
            assert s.estimate.loc[unit, ind] == pytest.approx(e.estimate.iloc[0], rel=1e-13)
            assert s.std_error.loc[unit, ind] == pytest.approx(e.std_error.iloc[0], rel=1e-10)
    assert (s.df_frame == 4).all().all()
    assert (s.meta["design_df"] == 4).all()
    assert s.n.tolist() == [60] * 4
    assert s.missing.loc["U0", "i1"] == int(data.loc[data["district"] == "U0", "i1"].isna().sum())


def _bruteforce_taylor(design, cols):
    """Textbook Taylor covariance written independently with pandas group-bys."""
    data = design.data.assign(_w=design.weights)
    units = sorted(data["district"].unique())
    z = pd.DataFrame(0.0, index=data.index, columns=pd.MultiIndex.from_product([units, cols]))
    for u in units:
        for c in cols:
            m = (data["district"] == u) & data[c].notna()
            wm = data.loc[m, "_w"]
            mean = (wm * data.loc[m, c]).sum() / wm.sum()
            z.loc[m, (u, c)] = wm * (data.loc[m, c] - mean) / wm.sum()
    psu_tot = z.groupby(data["commune"]).sum()
    strata = data.groupby("commune")["district"].first().loc[psu_tot.index]
    cov = np.zeros((z.shape[1], z.shape[1]))
    for _h, grp in psu_tot.groupby(strata.to_numpy()):
        n_h = len(grp)
        dev = grp.to_numpy() - grp.to_numpy().mean(axis=0)
        cov += n_h / (n_h - 1) * dev.T @ dev
    return cov


def test_joint_covariance_against_bruteforce(survey):
    s = score(survey, _Spec()).select(measures=["i1", "i2", "i3"])
    np.testing.assert_allclose(
        s.cov.to_numpy(), _bruteforce_taylor(survey, ["i1", "i2", "i3"]), rtol=1e-10, atol=1e-14
    )


def test_measures_are_linear_in_indicators(survey):
    s = score(survey, _Spec())
    e = s.estimate
    np.testing.assert_allclose(e["d1"], 2.5 * (e["i1"] + e["i2"]) + 5 * e["i3"])
    np.testing.assert_allclose(e["composite"], e["total"] * 10)
    _, cov = s.for_measure("total")
    a = np.array([2.5, 2.5, 5.0])
    block = s.select(units=["U1"], measures=["i1", "i2", "i3"]).cov.to_numpy()
    assert cov.loc["U1", "U1"] == pytest.approx(a @ block @ a)


def test_replicate_design_carries_replicates(survey):
    r = survey.replicate("bootstrap", n_replicates=60, rng=11)
    s = score(r, _Spec())
    assert s.replicates.shape[0] == 60
    assert s.method == "bootstrap"
    # brute force with the materialised n x R weights
    rw = r.replicate_weights()
    data = r.data
    m = ((data["district"] == "U2") & data["i2"].notna()).to_numpy()
    y = data["i2"].to_numpy()
    brute = (rw[m] * y[m, None]).sum(0) / rw[m].sum(0)
    np.testing.assert_allclose(s.replicates[("U2", "i2")].to_numpy(), brute, rtol=1e-12)
    dev = brute - brute.mean()
    assert s.std_error.loc["U2", "i2"] == pytest.approx(
        np.sqrt(r.replicates.scale * dev @ dev), rel=1e-10
    )


def test_unanswered_indicator_in_a_unit_is_an_error(survey):
    d = survey.with_data_column("i3", survey.data["i3"].where(survey.data["district"] != "U1"))
    with pytest.raises(DGIError, match=r"'U1'.*'i3'"):
        score(d, _Spec())
    with pytest.raises(DGIError, match="na_rm"):
        score(survey, _Spec(), na_rm=False)


def test_bundled_2021_survey():
    datasets = pytest.importorskip("dgi_stats.datasets")
    try:
        data = datasets.load_survey(2021)
        spec = datasets.load_spec(2021)
    except (DGIError, FileNotFoundError, NotImplementedError) as exc:  # placeholder loaders
        pytest.skip(f"bundled 2021 survey not available: {exc}")
    d = SurveyDesign(data, weights="design_weight", strata="district", psu="commune_id", nest=True)
    s = score(d, spec)
    assert list(s.measures) == list(spec.measure_ids)
    dims = s.estimate[list(spec.dimension_ids)]
    np.testing.assert_allclose(s.estimate["total"], dims.sum(axis=1), rtol=1e-12)
    np.testing.assert_allclose(s.estimate["composite"], s.estimate["total"] / 80 * 100, rtol=1e-12)
    assert int(s.n.sum()) == len(data)
    per_unit_psus = data.groupby("district")["commune_id"].nunique()
    design_df = (per_unit_psus - 1).loc[s.units].to_numpy()
    np.testing.assert_array_equal(s.meta["design_df"].to_numpy(), design_df)
    # one stratum per unit: the Satterthwaite df of every measure is the design df
    np.testing.assert_allclose(s.df_frame.to_numpy(), np.repeat(design_df[:, None], len(s.measures), 1),
                               rtol=1e-12)
    assert (s.std_error["total"] > 0).all()
