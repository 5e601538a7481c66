"""SurveyDesign: construction, bad input (clear errors, nothing mutated), calibration protocol,
replicate designs built at the PSU level."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy.linalg import hadamard

from dgi_stats.exceptions import DGIError, SingletonPSUError
from dgi_stats.survey import estimators as est
from dgi_stats.survey.design import SurveyDesign


@pytest.fixture
def frame():
    return pd.DataFrame(
        {
            "h": ["a"] * 4 + ["b"] * 4,
            "c": [1, 1, 2, 2, 3, 3, 4, 4],
            "y": [1.0, 2.0, 3.0, 5.0, 2.0, 2.5, 4.0, 6.0],
            "w": [2.0, 2.0, 2.0, 2.0, 3.0, 3.0, 3.0, 3.0],
            "N": [10, 10, 10, 10, 20, 20, 20, 20],
            "s": ["x", "y"] * 4,
        }
    )


def test_basic_properties(frame):
    d = SurveyDesign(frame, weights="w", strata="h", psu="c")
    assert (d.n, d.n_psu, d.n_strata, d.degf) == (8, 4, 2, 2)
    assert d.weights.tolist() == frame["w"].tolist()
    assert not d.weights.flags.writeable
    assert d.data is not frame
    assert d.data.equals(frame)


def test_data_is_a_private_copy(frame):
    before = frame.copy()
    d = SurveyDesign(frame, weights="w", strata="h", psu="c")
    frame.loc[0, "y"] = 99.0
    assert d.data.loc[0, "y"] == 1.0
    est.mean(d, "y", by="h")
    est.total(d.replicate("jk1"), "y")
    assert d.data.equals(before)


@pytest.mark.parametrize("bad", [-1.0, np.nan, np.inf])
def test_bad_weights_name_the_column_and_rows(frame, bad):
    frame = frame.assign(w=frame["w"].where(frame.index != 3, bad))
    with pytest.raises(DGIError, match=r"'w'.*rows \[3\]"):
        SurveyDesign(frame, weights="w")


def test_unknown_column(frame):
    with pytest.raises(DGIError, match=r"'strata'.*'nope'"):
        SurveyDesign(frame, strata="nope")


def test_psu_reused_across_strata_needs_nest(frame):
    f = frame.assign(c=[1, 1, 2, 2, 1, 1, 2, 2])
    with pytest.raises(DGIError, match=r"more than one stratum.*nest=True"):
        SurveyDesign(f, strata="h", psu="c")
    d = SurveyDesign(f, strata="h", psu="c", nest=True)
    assert d.n_psu == 4


def test_fpc_smaller_than_sample(frame):
    f = frame.assign(N=[1] * 4 + [20] * 4)
    with pytest.raises(DGIError, match=r"smaller than the number of sampled units.*'a'"):
        SurveyDesign(f, strata="h", psu="c", fpc="N")


def test_fpc_counts_and_fractions_agree(frame):
    a = SurveyDesign(frame, weights="w", strata="h", psu="c", fpc="N")
    f = frame.assign(frac=[0.2] * 4 + [0.1] * 4)
    b = SurveyDesign(f, weights="w", strata="h", psu="c", fpc="frac")
    np.testing.assert_allclose(est.mean(a, "y").cov, est.mean(b, "y").cov, rtol=1e-14)
    # with f = 2/10, the stratum variance is multiplied by (1 - f)
    c = SurveyDesign(frame, weights="w", strata="h", psu="c")
    assert est.mean(a, "y").std_error.iloc[0] < est.mean(c, "y").std_error.iloc[0]


def test_stagewise_probabilities(frame):
    f = frame.assign(p1=0.5, p2=[0.25] * 4 + [1 / 6] * 4)
    d = SurveyDesign(f, probs=["p1", "p2"], strata="h", psu="c")
    np.testing.assert_allclose(d.weights, [8.0] * 4 + [12.0] * 4)


def test_lonely_psu_fail_names_stratum_psu_and_options(frame):
    f = frame.assign(h=["a"] * 6 + ["b"] * 2)
    d = SurveyDesign(f, strata="h", psu="c")  # construction works (as R)
    with pytest.raises(
        SingletonPSUError, match=r"Stratum \(b\).*PSU 4.*'remove'.*'adjust'.*'average'"
    ):
        est.mean(d, "y")
    for option in ("remove", "certainty", "adjust", "average"):
        est.mean(SurveyDesign(f, strata="h", psu="c", lonely_psu=option), "y")
    with pytest.raises(DGIError, match="lonely_psu"):
        SurveyDesign(f, lonely_psu="drop")  # type: ignore[arg-type]


def test_certainty_psu_contributes_nothing_even_under_fail(frame):
    # a stratum with a single PSU sampled with certainty (fpc = 1 PSU) is not lonely
    f = frame.assign(h=["a"] * 6 + ["b"] * 2, N=[10] * 6 + [1] * 2)
    d = SurveyDesign(f, strata="h", psu="c", fpc="N")
    assert np.isfinite(est.mean(d, "y").std_error.iloc[0])


def test_degf_counts_only_rows_with_nonzero_weight(frame):
    f = frame.assign(w=[2.0] * 4 + [0.0, 0.0, 3.0, 3.0])
    assert SurveyDesign(f, weights="w", strata="h", psu="c").degf == 1


def test_with_weights_appends_calibration_and_keeps_the_original(frame):
    d = SurveyDesign(frame, weights="w", strata="h", psu="c")

    class Identity:
        def residualize(self, z, design):
            return z

    d2 = d.with_weights(frame["w"] * 2, calibration=Identity())
    assert d.calibration == ()
    assert len(d2.calibration) == 1
    assert d.weights[0] == 2.0
    assert d2.weights[0] == 4.0
    # the row-level (calibrated) path with an identity step equals the PSU fast path
    a = est.mean(d.with_weights(frame["w"] * 2), "y", by="s")
    b = est.mean(d2, "y", by="s")
    np.testing.assert_allclose(b.cov.to_numpy(), a.cov.to_numpy(), rtol=1e-12, atol=1e-15)
    with pytest.raises(DGIError, match="residualize"):
        d.with_weights(frame["w"], calibration=object())
    with pytest.raises(DGIError, match="new_weights"):
        d.with_weights([1.0, -1.0] * 4)


class _PostStratify:
    """R's postStratify residualisation: z - w * ave(z / w, cell) (unweighted cell means)."""

    def __init__(self, cells):
        self.cells = np.asarray(cells)

    def residualize(self, z, design):
        w = design.weights[:, None]
        codes, _ = pd.factorize(self.cells)
        sums = np.zeros((codes.max() + 1, z.shape[1]))
        np.add.at(sums, codes, z / w)
        means = sums / np.bincount(codes)[:, None]
        return z - w * means[codes]


@pytest.mark.reference
def test_calibration_protocol_reproduces_r_poststratify(reference_dir):
    """postStratify(dclus1, ~stype, pop.types): weights from R, variance through the protocol.

    R 4.2.2 / survey 4.1-1, calibration.json case ``dclus1_ps.mean_api00`` (see the README).
    """
    ref = reference_dir / "r_survey"
    data = pd.read_csv(ref / "data" / "apiclus1.csv")
    w = pd.read_csv(ref / "weights" / "dclus1_ps.csv").sort_values("row")["weight"].to_numpy()
    d = SurveyDesign(data, psu="dnum", weights="pw", fpc="fpc")
    ps = d.with_weights(w, calibration=_PostStratify(data["stype"]))
    case = json.loads((ref / "calibration_dclus1_ps.json").read_text())
    e = est.mean(ps, "api00")
    np.testing.assert_allclose(e.estimate.iloc[0], case["result"]["estimate"]["api00"], rtol=1e-9)
    np.testing.assert_allclose(
        e.std_error.iloc[0], case["result"]["se"]["api00"], rtol=1e-9, err_msg=case["call"]
    )


# ------------------------------------------------------------------ replicate designs
def test_replicates_are_stored_per_psu(frame):
    d = SurveyDesign(frame, weights="w", strata="h", psu="c")
    r = d.replicate("bootstrap", n_replicates=30, rng=1)
    assert r.replicates.factors.shape == (4, 30)
    assert r.replicates.group.tolist() == d.psu.tolist()
    rw = r.replicate_weights()
    np.testing.assert_allclose(rw, d.weights[:, None] * r.replicates.factors[d.psu])


def test_same_seed_same_replicates(frame):
    d = SurveyDesign(frame, weights="w", strata="h", psu="c")
    a = d.replicate("bootstrap", n_replicates=20, rng=5).replicates.factors
    b = d.replicate("bootstrap", n_replicates=20, rng=5).replicates.factors
    c = d.replicate("bootstrap", n_replicates=20, rng=6).replicates.factors
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_bootstrap_counts_per_stratum(frame):
    d = SurveyDesign(frame, weights="w", strata="h", psu="c")
    f = d.replicate("bootstrap", n_replicates=200, rng=2).replicates.factors
    # Rao-Wu with m_h = n_h: the counts of a stratum sum to n_h in every replicate
    np.testing.assert_array_equal(f[:2].sum(axis=0), 2)
    np.testing.assert_array_equal(f[2:].sum(axis=0), 2)
    s = d.replicate("subbootstrap", n_replicates=50, rng=2).replicates
    np.testing.assert_allclose(s.factors[:2].sum(axis=0), 2.0)  # (n_h - 1) draws x n_h/(n_h - 1)
    assert s.scale == pytest.approx(1 / 49)


def test_brr_balance_and_fay():
    df = pd.DataFrame({"h": np.repeat(np.arange(5), 2), "c": np.arange(10), "y": np.arange(10.0)})
    d = SurveyDesign(df, strata="h", psu="c")
    r = d.replicate("brr").replicates
    assert r.factors.shape == (10, 8)
    # every PSU is in exactly half of the half-samples; the pair members alternate
    np.testing.assert_array_equal((r.factors > 0).sum(axis=1), 4)
    np.testing.assert_array_equal(r.factors[0::2] + r.factors[1::2], 2.0)
    assert r.scale == pytest.approx(1 / 8)
    f = d.replicate("fay", fay_rho=0.5).replicates
    assert set(np.unique(f.factors)) == {0.5, 1.5}
    assert f.scale == pytest.approx(1 / (8 * 0.25))
    with pytest.raises(DGIError, match="exactly two PSUs"):
        SurveyDesign(df.assign(h=[0, 0, 0, 1, 1, 2, 2, 3, 3, 4]), strata="h", psu="c").replicate(
            "brr"
        )


def test_replicate_fast_path_equals_materialised_weights(frame):
    """Estimates through PSU totals equal the textbook computation on n x R weights."""
    d = SurveyDesign(frame, weights="w", strata="h", psu="c")
    r = d.replicate("bootstrap", n_replicates=40, rng=3)
    e = est.mean(r, "y", by="s")
    rw = r.replicate_weights()
    y = frame["y"].to_numpy()
    thetas = []
    for g in ["x", "y"]:
        m = (frame["s"] == g).to_numpy()
        thetas.append((rw[m] * y[m, None]).sum(0) / rw[m].sum(0))
    thetas = np.column_stack(thetas)
    np.testing.assert_allclose(e.replicate_estimates.to_numpy(), thetas, rtol=1e-12)
    dev = thetas - thetas.mean(axis=0)
    np.testing.assert_allclose(e.cov.to_numpy(), r.replicates.scale * dev.T @ dev, rtol=1e-12)


def test_from_replicate_weights_and_recalibration_hook(frame):
    d = SurveyDesign(frame, weights="w", strata="h", psu="c")
    r = d.replicate("jk1")
    rw = r.replicate_weights()
    user = SurveyDesign.from_replicate_weights(
        frame.assign(**{f"r{i}": rw[:, i] for i in range(rw.shape[1])}),
        weights="w",
        replicate_weights=[f"r{i}" for i in range(rw.shape[1])],
        method="jk1",
    )
    assert user.degf == r.degf == 3
    np.testing.assert_allclose(est.mean(user, "y").cov, est.mean(r, "y").cov, rtol=1e-12)
    r2 = r.with_replicate_weights(r.weights * 2, rw * 2)
    np.testing.assert_allclose(est.mean(r2, "y").cov, est.mean(r, "y").cov, rtol=1e-12)
    with pytest.raises(DGIError, match="replicate_weights"):
        SurveyDesign.from_replicate_weights(frame, weights="w", replicate_weights=["nope"])
    with pytest.raises(DGIError, match="needs a replicate design"):
        d.replicate_weights()


def test_jkn_one_psu_census_stratum_contributes_nothing():
    # stratum "c" has one PSU and fpc = 1 PSU in the population (f = 0): sampled entirely, it has
    # no sampling variance (as in Taylor linearisation) and gets no replicate instead of n/(n-1)
    rng = np.random.default_rng(3)
    df = pd.DataFrame({
        "s": ["a"] * 6 + ["b"] * 4 + ["c"] * 3, "c": [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 6],
        "N": [10] * 6 + [2] * 4 + [1] * 3, "y": rng.normal(size=13),
    })
    d = SurveyDesign(df, strata="s", psu="c", fpc="N")
    r = d.replicate("jkn")
    assert r.replicates.n_replicates == 5
    np.testing.assert_allclose(
        est.mean(r, "y").std_error.to_numpy(), est.mean(d, "y").std_error.to_numpy(), rtol=1e-12
    )
    # without the fpc the same stratum is a lonely PSU: refused under lonely_psu="fail"
    with pytest.raises(DGIError, match="only one PSU"):
        SurveyDesign(df, strata="s", psu="c").replicate("jkn")


def test_jk1_needs_two_psus():
    with pytest.raises(DGIError, match="two or more PSUs"):
        SurveyDesign(pd.DataFrame({"y": [1.0, 2.0], "c": [1, 1]}), psu="c").replicate("jk1")


def test_brr_uses_the_sylvester_hadamard_matrix():
    df = pd.DataFrame({"h": np.repeat(np.arange(3), 2), "c": np.arange(6), "y": np.arange(6.0)})
    f = SurveyDesign(df, strata="h", psu="c").replicate("brr").replicates.factors
    had = hadamard(4)
    np.testing.assert_array_equal(f[0::2] == 2.0, had[1:4] > 0)
