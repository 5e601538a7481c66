"""``Scores`` with a structured covariance against the dense computation.

``score()`` keeps the design's structured covariance (PSU factors, sparse when the units are
strata) once the table of unit means is large (``DENSE_INDICATORS_MAX``) and forms the dense
matrix only on request. Here the structured path (forced by setting the threshold to 0) is checked
against the dense path of before on small SYNTHETIC designs where the covariance across units is
not zero: units that share PSUs and strata, and raking to margins that cut across units; then
``select``, ``for_measure``, ``linear_map``, ``difference``, draws, pickling, the refusal of a huge
``.cov`` with its size, and rank inference taking its covariance from a structured Scores.
"""

from __future__ import annotations

import dataclasses
import pickle
from functools import cache

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from dgi_stats.datasets import load_spec
from dgi_stats.exceptions import DGIError
from dgi_stats.ranks import rank_confidence_sets
from dgi_stats.scores import index as index_module
from dgi_stats.scores.index import score
from dgi_stats.scores.pivot import Scores
from dgi_stats.simulate import simulate_frame, simulate_survey
from dgi_stats.survey.design import SurveyDesign
from dgi_stats.survey.variance.structured import StructuredCovariance
from dgi_stats.survey.weighting import rake

RTOL = 1e-12


class TinySpec:
    """Three indicators, a dimension and a total (5 x the sum), as an index spec does."""

    def score_items(self, data: pd.DataFrame) -> pd.DataFrame:
        return data[["y1", "y2", "y3"]]

    def measure_map(self) -> tuple[pd.DataFrame, pd.Series]:
        w = pd.DataFrame(
            {"y1": [1.0, 5.0], "y2": [1.0, 5.0], "y3": [0.0, 5.0]}, index=["d1", "total"]
        )
        return w, pd.Series([0.0, 1.0], index=["d1", "total"])


@cache
def survey() -> pd.DataFrame:
    """SYNTHETIC survey: 24 communes of 4 villages (PSUs), provinces of 8 communes."""
    pop = simulate_frame(24, villages_per_unit=4, rng=21)
    sim = simulate_survey(load_spec(2021), population=pop, respondents_per_village=12, rng=22)
    d = sim.respondents
    items = [
        c for c in d.columns
        if c.startswith("q") and pd.api.types.is_numeric_dtype(d[c]) and d[c].notna().all()
    ][:3]
    out = d[["district", "village_id", "sex", "nr_weight", *items]].copy()
    out = out.rename(columns={"district": "unit", **{c: f"y{i + 1}" for i, c in enumerate(items)}})
    out[["y1", "y2", "y3"]] = out[["y1", "y2", "y3"]].astype(float)
    out.loc[out.index[::7], "y2"] = np.nan  # available cases: the domains differ by indicator
    out["prov"] = out["unit"].str[:4]
    # units that share PSUs: the province x sex (every village holds both)
    out["group"] = out["prov"] + "-" + out["sex"].astype(str)
    return out


def designs() -> dict[str, tuple[SurveyDesign, str]]:
    d = survey()
    base = SurveyDesign(d, weights="nr_weight", strata="prov", psu="village_id")
    w = d["nr_weight"]
    prov = w.groupby(d["prov"]).sum() * np.linspace(0.9, 1.1, d["prov"].nunique())
    sex = w.groupby(d["sex"]).sum() * np.linspace(1.15, 0.85, d["sex"].nunique())
    sex = sex * (prov.sum() / sex.sum())  # consistent grand totals
    raked = rake(base, [sex, prov])  # margins across units: every unit's residuals move
    strata_units = SurveyDesign(d, weights="nr_weight", strata="unit", psu="village_id")
    return {
        "units are strata": (strata_units, "unit"),
        "units share strata": (base, "unit"),
        "units share PSUs": (base, "group"),
        "raked across units": (raked, "unit"),
        "raked, units share PSUs": (raked, "group"),
    }


def _close(a: np.ndarray, b: np.ndarray, rtol: float = RTOL) -> None:
    b = np.asarray(b, dtype=float)
    scale = max(float(np.nanmax(np.abs(b))), 1e-300)
    np.testing.assert_allclose(np.asarray(a, dtype=float), b, rtol=0, atol=rtol * scale)


def _both(design: SurveyDesign, by: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Scores, Scores]:
    dense = score(design, TinySpec(), by=by)
    with monkeypatch.context() as m:
        m.setattr(index_module, "DENSE_INDICATORS_MAX", 0)
        structured = score(design, TinySpec(), by=by)
    return dense, structured


@pytest.mark.parametrize("case", list(designs()))
def test_structured_scores_equal_dense(case, monkeypatch):
    design, by = designs()[case]
    dense, st = _both(design, by, monkeypatch)
    assert st.covariance.matrix is None
    assert st.covariance.terms
    assert dense.covariance.matrix is not None
    want = dense.cov.to_numpy()
    # the covariance across units is not zero here (the test would see a lost block)
    n_m = len(dense.measures)
    if case not in ("units are strata", "units share strata"):  # means: zero across units
        assert np.abs(want[:n_m, n_m:]).max() > 1e-6 * np.abs(want).max()
    assert st.estimate.equals(dense.estimate)
    _close(st.cov.to_numpy(), want)
    _close(st.std_error.to_numpy(), dense.std_error.to_numpy())
    _close(st.df_frame.to_numpy(), dense.df_frame.to_numpy(), 1e-10)
    assert st.cov.index.equals(dense.cov.index)
    # a selection, one measure across units, a block of units and measures
    units = list(dense.units[::-2])
    _close(st.select(units=units, measures=["total", "y1"]).cov.to_numpy(),
           dense.select(units=units, measures=["total", "y1"]).cov.to_numpy())
    _close(st.for_measure("total")[1].to_numpy(), dense.for_measure("total")[1].to_numpy())
    _close(st.cov_of(units=units[:2]).to_numpy(), dense.cov_of(units=units[:2]).to_numpy())
    # linear maps on the factors: a new measure, and the difference between two years
    w = pd.DataFrame({"d1": [2.0], "y3": [-1.0]}, index=["contrast"])
    _close(st.linear_map(w).cov.to_numpy(), dense.linear_map(w).cov.to_numpy())
    _close((st - st).cov.to_numpy(), (dense - dense).cov.to_numpy())
    _close((st - st).df_frame.to_numpy(), (dense - dense).df_frame.to_numpy(), 1e-10)


def test_structured_draws_have_the_covariance(monkeypatch):
    design, by = designs()["raked, units share PSUs"]
    _, st = _both(design, by, monkeypatch)
    with monkeypatch.context() as m:  # the factor draws (large tables), not the dense root
        from dgi_stats.scores import _uncertainty

        m.setattr(_uncertainty, "DENSE_DRAW_MAX", 0)
        draws = st.sampling_draws(40_000, measures=["total"], rng=5)[:, :, 0]
    emp = np.cov(draws, rowvar=False)
    want = st.for_measure("total")[1].to_numpy()
    # 40,000 draws: the empirical covariance within a few % of the largest variance
    assert np.abs(emp - want).max() < 0.05 * np.abs(want).max()
    assert np.abs(draws.mean(axis=0) - st.estimate["total"].to_numpy()).max() < 0.05 * np.sqrt(
        want.diagonal().max()
    )


def test_rank_inference_takes_the_structure(monkeypatch):
    design, by = designs()["raked across units"]
    dense, st = _both(design, by, monkeypatch)
    a = rank_confidence_sets(dense, measure="total", n_draws=2000, rng=3)
    b = rank_confidence_sets(st, measure="total", n_draws=2000, rng=3)
    pd.testing.assert_frame_equal(a.to_frame(), b.to_frame())


def test_huge_cov_is_refused_with_its_size():
    n = 100_000
    units = pd.Index([f"u{i}" for i in range(n)], name="unit")
    s = Scores.from_estimates(
        pd.Series(np.linspace(60.0, 80.0, n), index=units, name="total"),
        pd.Series(np.full(n, 1.5), index=units, name="total"),
        df=5,
    )
    assert s.covariance.is_sparse  # a sparse diagonal factor, not a 100,000² matrix
    with pytest.raises(DGIError, match=r"100,000 x 100,000 matrix .*74\.5 GB.*for_measure"):
        _ = s.cov
    with pytest.raises(DGIError, match=r"100,000 x 100,000.*74\.5 GB"):
        s.for_measure("total")
    assert s.std_error["total"].iloc[-1] == 1.5
    block = s.cov_of(units=["u3", "u99999"])
    assert block.to_numpy().tolist() == [[2.25, 0.0], [0.0, 2.25]]
    ci = s.confidence_interval()
    assert len(ci) == n
    d = s - s
    assert d.std_error["total"].iloc[0] == pytest.approx(1.5 * np.sqrt(2))
    draws = s.sampling_draws(3, method="t", rng=1)
    assert draws.shape == (3, n, 1)


def test_national_cov_message_names_alternatives():
    est = pd.DataFrame(np.ones((3321, 87)), index=pd.RangeIndex(3321, name="unit"),
                       columns=[f"m{i}" for i in range(87)])
    cov = StructuredCovariance([], size=est.size)
    s = Scores(est, covariance=cov)
    with pytest.raises(DGIError, match=r"288,927 x 288,927 .*3,321 units x 87 measures.*622\.0 GB"):
        _ = s.cov
    assert s.for_measure("m3")[1].shape == (3321, 3321)


def test_pickle_and_replace_keep_the_structure(monkeypatch):
    design, by = designs()["units share PSUs"]
    _, st = _both(design, by, monkeypatch)
    slot = Scores.__dict__["cov"].slot
    assert slot.__get__(st) is None  # not formed
    back = pickle.loads(pickle.dumps(st))
    assert slot.__get__(back) is None
    assert back.covariance.terms
    _close(back.cov.to_numpy(), st.cov.to_numpy())
    r = st.replace(label="x")
    assert r.covariance is st.covariance
    assert r.label == "x"
    # dataclasses.replace reads .cov (forms it), and an explicit dense cov wins
    r2 = dataclasses.replace(st, label="y")
    assert r2.covariance.matrix is not None
    _close(r2.cov.to_numpy(), st.cov.to_numpy())


def test_bad_covariance_is_refused():
    est = pd.DataFrame({"total": [1.0, 2.0]}, index=["A", "B"])
    with pytest.raises(DGIError, match="needs its covariance"):
        Scores(est)
    with pytest.raises(DGIError, match="StructuredCovariance of 2 estimates"):
        Scores(est, covariance=StructuredCovariance.from_dense(np.eye(3)))
    f = sparse.csr_matrix(np.eye(2))
    s = Scores(est, covariance=StructuredCovariance.from_dense(f.toarray()))
    assert s.std_error["total"].tolist() == [1.0, 1.0]


def _nested_designs() -> dict[str, tuple[SurveyDesign, str]]:
    """Raking whose cells stay inside units or provinces (sparse calibrated totals apply)."""
    d = survey().copy()
    d["half"] = d["village_id"].astype(str).str[-1].isin(list("02468")).map({True: "a", False: "b"})
    base = SurveyDesign(d, weights="nr_weight", strata="unit", psu="village_id")
    w = d["nr_weight"]

    def margins(block: str) -> list[pd.Series]:
        a = w.groupby([d[block], d["sex"]]).sum()
        a = a * np.linspace(0.9, 1.1, len(a))
        b = w.groupby([d[block], d["half"]]).sum()
        b = b * np.linspace(1.1, 0.9, len(b))
        scale = a.groupby(level=0).sum() / b.groupby(level=0).sum()
        b = b * scale.reindex(b.index.get_level_values(0)).to_numpy()
        return [a, b]

    by_unit = rake(base, margins("unit"))
    by_prov = rake(base, margins("prov"))
    return {
        "raked within units, by unit": (by_unit, "unit"),
        "raked within provinces, by unit": (by_prov, "unit"),
        "raked within provinces, units share PSUs": (by_prov, "group"),
    }


@pytest.mark.parametrize("case", list(_nested_designs()))
def test_calibrated_totals_within_blocks_equal_dense(case, monkeypatch):
    """Calibration cells inside units (or provinces): the sparse PSU totals of the calibrated
    influence values give the dense computation's estimates, covariance and df."""
    from dgi_stats.survey import _common as survey_common
    from dgi_stats.survey._calibrated import calibration_blocks
    from dgi_stats.survey.means import mean

    design, by = _nested_designs()[case]
    blocks = calibration_blocks(design)
    assert blocks is not None and blocks.max() >= 2  # noqa: PT018
    dense = mean(design, ["y1", "y2", "y3"], by=by, na_rm=True)
    ran = []

    def spy(*args, **kwargs):
        out = packed_totals(*args, **kwargs)
        ran.append(out is not None)
        return out

    packed_totals = survey_common.packed_influence_totals
    with monkeypatch.context() as m:
        m.setattr(survey_common, "PACKED_MIN_CELLS", 0)
        m.setattr(survey_common, "packed_influence_totals", spy)
        packed = mean(design, ["y1", "y2", "y3"], by=by, na_rm=True)
        st = score(design, TinySpec(), by=by)
    assert ran  # the sparse totals were computed, not the dense fallback
    assert all(ran)
    assert all(not sparse.issparse(t.factor) for t in dense.covariance.terms)
    if case == "raked within units, by unit":  # a PSU touches its own unit's estimates only
        assert any(sparse.issparse(t.factor) for t in packed.covariance.terms)
    np.testing.assert_array_equal(packed.estimate.to_numpy(), dense.estimate.to_numpy())
    want = dense.cov.to_numpy()
    if by == "group":  # domains sharing PSUs: non-zero covariance across domains
        k = 3
        assert np.abs(want[:k, k:]).max() > 1e-6 * np.abs(want).max()
    _close(packed.cov.to_numpy(), want)
    _close(np.asarray(packed.df, dtype=float), np.asarray(dense.df, dtype=float), 1e-10)
    ref = score(design, TinySpec(), by=by)
    _close(st.cov.to_numpy(), ref.cov.to_numpy())
    _close(st.df_frame.to_numpy(), ref.df_frame.to_numpy(), 1e-10)


def test_calibration_across_blocks_keeps_the_dense_totals():
    """A margin that joins every unit (national sex totals) leaves one block: dense totals."""
    from dgi_stats.survey._calibrated import calibration_blocks

    design, _ = designs()["raked across units"]
    assert calibration_blocks(design) is None


def test_calibration_across_units_too_large_is_refused_with_its_size(monkeypatch):
    """Margins that join the units at a scale whose dense calibrated factor would not fit: a
    clear error with the size and what to do, not an attempt to allocate it."""
    from dgi_stats.survey import _common as survey_common
    from dgi_stats.survey.means import mean

    design, by = designs()["raked across units"]
    with monkeypatch.context() as m:
        m.setattr(survey_common, "DENSE_LIMIT_BYTES", 1000)
        with pytest.raises(DGIError, match=r"PSUs x .* estimates matrix .* GB.*Calibrate within"):
            mean(design, ["y1", "y2", "y3"], by=by, na_rm=True)
    design_in, by_in = _nested_designs()["raked within units, by unit"]
    with monkeypatch.context() as m:  # within units: the sparse totals need no dense matrix
        m.setattr(survey_common, "DENSE_LIMIT_BYTES", 1000)
        m.setattr(survey_common, "PACKED_MIN_CELLS", 0)
        assert mean(design_in, ["y1"], by=by_in).estimate.notna().all()
