"""The structured (factor) covariance of the survey estimators against the dense computation.

``mean`` / ``total`` / ``domain_means`` keep the covariance as factors
(:class:`~dgi_stats.survey.variance.structured.StructuredCovariance`): sparse PSU x estimate
factors for Taylor designs without calibration, dense factors for calibrated designs, replicate
deviations for replicate designs. Here the dense form of the factors is checked against the
dense Taylor computation on the same PSU totals (the pre-existing code path), on small SYNTHETIC
designs of every kind: strata = units, units sharing strata and PSUs, raking across units, two
stages with fpc and certainty PSUs, every lonely-PSU option; then ``diagonal``, ``select``,
``linear_map``, the factor, Gaussian draws, the refusal of a huge dense matrix and the laziness of
``SurveyEstimate.cov``.
"""

from __future__ import annotations

import dataclasses
import pickle
import warnings
from functools import cache

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from dgi_stats.datasets import load_spec, load_survey
from dgi_stats.exceptions import DGIError
from dgi_stats.simulate import simulate_frame, simulate_survey
from dgi_stats.survey.design import SurveyDesign
from dgi_stats.survey.means import contrast, domain_means, mean, total
from dgi_stats.survey.results import SurveyEstimate
from dgi_stats.survey.variance import structured
from dgi_stats.survey.variance.structured import FactorTerm, StructuredCovariance
from dgi_stats.survey.variance.taylor import taylor_variance
from dgi_stats.survey.weighting import rake

RTOL = 1e-12


@cache
def survey(units: int = 39) -> pd.DataFrame:
    """SYNTHETIC survey: ``units`` communes of 4 villages (PSUs), provinces of 10 communes."""
    pop = simulate_frame(units, villages_per_unit=4, rng=11)
    sim = simulate_survey(load_spec(2021), population=pop, respondents_per_village=10, rng=12)
    d = sim.respondents
    items = [
        c for c in d.columns
        if c.startswith("q") and pd.api.types.is_numeric_dtype(d[c]) and d[c].notna().all()
    ][:3]
    out = d[["district", "village_id", "sex", "nr_weight", *items]].copy()
    out = out.rename(columns={"district": "unit", **{c: f"y{i + 1}" for i, c in enumerate(items)}})
    out[["y1", "y2", "y3"]] = out[["y1", "y2", "y3"]].astype(float)
    out["prov"] = out["unit"].str[:4]
    out["units_in_prov"] = out.groupby("prov")["unit"].transform("nunique") * 2.0
    out["villages_in_unit"] = 6.0
    return out


def _close(a: np.ndarray, b: np.ndarray, rtol: float = RTOL) -> None:
    b = np.asarray(b, dtype=float)
    finite = np.abs(b[np.isfinite(b)])
    scale = max(float(finite.max()) if finite.size else 1.0, 1e-300)
    np.testing.assert_allclose(a, b, rtol=0, atol=rtol * scale, equal_nan=True)


def _check(design: SurveyDesign, by: str | None, *, sparse_expected: bool) -> None:
    """Structured and dense forms agree; diagonal, factor, select and linear_map are exact."""
    d = design.data
    y = d[["y1", "y2"]].to_numpy()
    avail = np.ones_like(y, dtype=bool)
    avail[::5, 1] = False  # available cases: the domains differ by column
    dm = domain_means(design, y, avail, by=by)
    cov = dm.covariance
    assert cov.is_sparse == sparse_expected
    if dm.psu_totals is not None:
        # the dense computation (pre-existing path) on the same PSU totals
        want = taylor_variance(
            design, dm.psu_totals, zs=dm.ssu_totals, psu_present=dm.psu_present,
            ssu_present=dm.ssu_present,
        )
        assert np.array_equal(cov.dense(), want, equal_nan=True)
    want = cov.dense()
    _close(cov.diagonal(), np.diag(want))
    if not np.isnan(want).any():
        f = cov.factor()
        f = f.toarray() if sparse.issparse(f) else f
        _close(f.T @ f, want)
    pos = np.arange(cov.size)[::-2]
    _close(cov.dense(pos), want[np.ix_(pos, pos)])
    _close(cov.select(pos).dense(), want[np.ix_(pos, pos)])
    a = np.random.default_rng(3).normal(size=(cov.size, 3))
    _close(cov.linear_map(a).dense(), a.T @ want @ a, 1e-11)
    # the estimators' SurveyEstimate: the dense cov (formed lazily) equals the structured one
    e = mean(design, ["y1", "y2"], by=by)
    assert np.array_equal(e.cov.to_numpy(), e.covariance.dense(), equal_nan=True)
    _close(e.std_error.to_numpy() ** 2, np.diag(e.cov.to_numpy()))


def test_strata_are_units_sparse_and_exact():
    d = survey()
    _check(SurveyDesign(d, weights="nr_weight", strata="unit", psu="village_id"), "unit",
           sparse_expected=True)


@pytest.mark.parametrize("strata", ["prov", None])
@pytest.mark.parametrize("by", ["unit", "sex"])
def test_units_sharing_strata_and_domains_across_psus(strata, by):
    d = survey()
    design = SurveyDesign(d, weights="nr_weight", strata=strata, psu="village_id")
    # a PSU touches its unit's estimates (sparse); sex cuts across every PSU (dense-ish)
    _check(design, by, sparse_expected=by == "unit")


def test_raked_across_units_is_exact():
    d = survey()
    base = SurveyDesign(d, weights="nr_weight", strata="prov", psu="village_id")
    sex = d.groupby("sex")["nr_weight"].sum() * np.array([1.1, 0.9])
    prov = d.groupby("prov")["nr_weight"].sum()
    prov = prov * sex.sum() / prov.sum()
    raked = rake(base, [sex, prov])
    # the calibration residuals reach every PSU: the factor is dense, still exact
    _check(raked, "unit", sparse_expected=False)


def test_two_stage_fpc_and_certainty_psus():
    d = survey()
    two = SurveyDesign(d, weights="nr_weight", strata="prov", psu="unit", ssu="village_id",
                       fpc=["units_in_prov", "villages_in_unit"])
    _check(two, "unit", sparse_expected=True)
    # the bundled survey's certainty design: certainty communes are strata of their villages
    b = load_survey(2021).copy()
    b["y1"] = b["q101"].astype(float)
    b["y2"] = (b["q301"] == 1).astype(float)
    cert = SurveyDesign(
        b, weights="nr_weight", strata="district", psu="commune_id", ssu="village_id", nest=True,
        certainty="pi_commune",
        fpc=["communes_in_unit", "villages_in_commune", "adults_in_village"],
    )
    _check(cert, "district", sparse_expected=True)


@pytest.mark.parametrize("lonely", ["average", "adjust", "remove", "certainty"])
@pytest.mark.parametrize("adjust_domain", [False, True])
def test_lonely_psu_options(lonely, adjust_domain):
    d = survey()
    lone = d["unit"].isin(["U0001", "U0002", "U0011"]) & ~d["village_id"].str.endswith("V01")
    d1 = d[~lone]
    design = SurveyDesign(d1, weights="nr_weight", strata="unit", psu="village_id",
                          lonely_psu=lonely, adjust_domain_lonely=adjust_domain)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # lonely PSUs within domains
        _check(design, "unit", sparse_expected=True)
        # domains cutting across strata: presence per (PSU, domain) matters
        design2 = SurveyDesign(d1, weights="nr_weight", strata="prov", psu="village_id",
                               lonely_psu=lonely, adjust_domain_lonely=adjust_domain)
        _check(design2, "unit", sparse_expected=True)


def test_lonely_fail_names_the_stratum_on_the_sparse_path():
    d = survey()
    d1 = d[~(d["unit"].eq("U0002") & ~d["village_id"].str.endswith("V01"))]
    design = SurveyDesign(d1, weights="nr_weight", strata="unit", psu="village_id")
    with pytest.raises(DGIError, match=r"Stratum \(U0002\) has only one PSU"):
        mean(design, "y1", by="unit")


def test_replicate_designs_keep_their_deviations():
    d = survey()
    design = SurveyDesign(d, weights="nr_weight", strata="prov", psu="village_id")
    rep = design.replicate("jkn")
    e = mean(rep, ["y1", "y2"], by="unit")
    (term,) = e.covariance.terms
    assert term.factor.shape == (rep.replicates.factors.shape[1], e.estimate.size)
    dev = e.replicate_estimates.to_numpy() - e.replicate_estimates.to_numpy().mean(axis=0)
    _close(e.cov.to_numpy(), (dev * rep.replicates.multipliers[:, None]).T @ dev)


@pytest.mark.parametrize("lonely", ["fail", "average"])
def test_draws_have_covariance_v(lonely):
    d = survey()
    d1 = d[d["unit"].isin([f"U{i:04d}" for i in range(1, 5)])]
    if lonely == "average":  # one lonely PSU: the column rescaling enters the factor
        d1 = d1[~(d1["unit"].eq("U0001") & ~d1["village_id"].str.endswith("V01"))]
    design = SurveyDesign(d1, weights="nr_weight", strata="prov", psu="village_id",
                          lonely_psu=lonely)
    e = total(design, ["y1", "y2"], by="unit")
    v = e.cov.to_numpy()
    n = 200_000
    x = e.covariance.draws(n, np.random.default_rng(7))
    assert x.shape == (n, v.shape[0])
    sd = np.sqrt(np.diag(v))
    # sampling error of a covariance estimate: about sqrt(2 / n) = 0.3 % of sd_i sd_j;
    # a factor without sqrt(scale) (scale = 4/3 or 3/2 here) would be off by 25 % or more
    np.testing.assert_allclose(np.cov(x, rowvar=False), v, atol=0.02 * np.outer(sd, sd).max())
    np.testing.assert_allclose(x.std(axis=0) / sd, 1.0, atol=0.02)
    assert np.abs(x.mean(axis=0) / sd).max() < 0.02


def test_diagonal_and_dense_of_a_dense_matrix():
    v = np.array([[4.0, 1.0, 0.0], [1.0, 9.0, 2.0], [0.0, 2.0, 1.0]])
    s = StructuredCovariance.from_dense(v)
    assert np.array_equal(s.diagonal(), np.diag(v))
    assert np.array_equal(s.dense(), v)
    assert np.array_equal(s.dense([2, 0]), v[np.ix_([2, 0], [2, 0])])
    assert np.array_equal(s.select([1]).dense(), [[9.0]])
    assert np.allclose(s.linear_map(np.array([[1.0], [-1.0], [0.0]])).dense(), [[11.0]])
    assert s.nbytes == 72
    x = s.draws(100_000, np.random.default_rng(1))
    np.testing.assert_allclose(np.cov(x, rowvar=False), v, atol=0.1)
    with pytest.raises(DGIError, match="dense matrix"):
        s.factor()
    with pytest.raises(DGIError, match="3 rows"):
        s.linear_map(np.ones((2, 1)))


def _huge() -> SurveyEstimate:
    k = 100_000
    idx = pd.Index([f"U{i:06d}" for i in range(k)], name="unit")
    cov = StructuredCovariance(
        [FactorTerm(sparse.identity(k, format="csr"), np.full(k, 4.0))], size=k
    )
    return SurveyEstimate(
        estimate=pd.Series(np.zeros(k), index=idx), std_error=pd.Series(np.full(k, 2.0), index=idx),
        df=pd.Series(np.full(k, 10.0), index=idx), method="taylor", statistic="mean",
        covariance=cov,
    )


def test_huge_dense_covariance_is_refused_with_its_size():
    e = _huge()
    with pytest.raises(DGIError, match=r"100,000 x 100,000 \(74\.5 GB") as info:
        _ = e.cov
    assert "cov_of" in str(info.value)
    assert "std_error" in str(info.value)
    with pytest.raises(DGIError, match="100,000 x 100,000"):
        e.covariance.dense()
    # what to do instead works without the dense matrix
    assert e.covariance.diagonal()[:2].tolist() == [4.0, 4.0]
    assert e.cov_of(["U000001", "U000007"]).to_numpy().tolist() == [[4.0, 0.0], [0.0, 4.0]]
    assert e.confidence_interval().shape == (100_000, 6)
    c = contrast(e, {"U000001": 1.0, "U000002": -1.0})
    assert float(c.std_error.iloc[0]) == pytest.approx(np.sqrt(8.0))


def test_medium_design_never_forms_the_dense_matrix(monkeypatch):
    calls: list[int] = []
    original = StructuredCovariance.dense

    def counting(self: StructuredCovariance, rows: object = None) -> np.ndarray:
        calls.append(self.size)
        return original(self, rows)  # type: ignore[arg-type]

    monkeypatch.setattr(StructuredCovariance, "dense", counting)
    d = survey(300)
    design = SurveyDesign(d, weights="nr_weight", strata="unit", psu="village_id")
    e = mean(design, ["y1", "y2"], by="unit")
    se = e.std_error
    ci = e.confidence_interval()
    assert len(se) == 600
    assert ci.shape == (600, 6)
    assert e.df_effective is not None
    assert e.covariance.is_sparse
    assert calls == []
    block = e.cov_of(["U0003"])
    assert calls == [600]
    assert block.shape == (2, 2)
    monkeypatch.setattr(structured, "DENSE_LIMIT_BYTES", 600 * 600 * 8 - 1)
    with pytest.raises(DGIError, match="600 x 600"):
        _ = e.cov
    monkeypatch.setattr(structured, "DENSE_LIMIT_BYTES", 600 * 600 * 8)
    assert e.cov.shape == (600, 600)
    _close(e.cov.loc[block.index, block.columns].to_numpy(), block.to_numpy())


def test_estimate_keeps_working_as_a_dataclass():
    d = survey()
    e = mean(SurveyDesign(d, weights="nr_weight", strata="unit", psu="village_id"), "y1",
             by="unit")
    assert "cov" in {f.name for f in dataclasses.fields(e)}
    r = dataclasses.replace(e, statistic="other")
    assert r.statistic == "other"
    assert np.array_equal(r.cov.to_numpy(), e.cov.to_numpy())
    cov = e.cov * 2
    assert dataclasses.replace(e, cov=cov).cov is cov  # an explicit dense cov wins
    p = pickle.loads(pickle.dumps(e))
    assert np.array_equal(p.cov.to_numpy(), e.cov.to_numpy())
    positional = SurveyEstimate(e.estimate, e.std_error, e.cov, e.df, "taylor", "mean")
    assert positional.cov is e.cov
    with pytest.raises(TypeError, match="covariance"):
        SurveyEstimate(e.estimate, e.std_error, None, e.df, "taylor", "mean")
