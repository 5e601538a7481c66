"""Estimators: API of SurveyEstimate, domains, errors, consistency checks between estimators."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import dgi_stats as ds
from dgi_stats._results import CI_COLUMNS
from dgi_stats.exceptions import DGIError
from dgi_stats.survey import estimators as est
from dgi_stats.survey.design import SurveyDesign
from dgi_stats.testing import assert_estimate_close


@pytest.fixture
def design(rng):
    n = 120
    df = pd.DataFrame(
        {
            "h": np.repeat(["a", "b", "c"], 40),
            "c": np.repeat(np.arange(24), 5),
            "y": rng.normal(10, 2, n),
            "x": rng.uniform(1, 3, n),
            "b": rng.random(n) < 0.3,
            "g": rng.choice(["p", "q"], n),
            "w": rng.uniform(1, 4, n),
        }
    )
    return SurveyDesign(df, weights="w", strata="h", psu="c")


def test_estimate_object(design):
    e = est.mean(design, ["y", "x"], by="g", deff=True)
    assert e.estimate.index.names == ["g", "variable"]
    assert list(e.estimate.index) == [("p", "y"), ("p", "x"), ("q", "y"), ("q", "x")]
    assert e.cov.shape == (4, 4)
    np.testing.assert_allclose(e.cov.to_numpy(), e.cov.to_numpy().T)
    np.testing.assert_allclose(e.std_error.to_numpy(), np.sqrt(np.diag(e.cov.to_numpy())))
    frame = e.to_frame()
    assert list(frame.columns) == [
        "estimate",
        "std_error",
        "ci_low",
        "ci_high",
        "df",
        "confidence_level",
        "deff",
    ]
    assert (e.df == design.degf).all()  # every domain has PSUs in every stratum here
    assert "SurveyEstimate" in repr(e)
    assert "mean" in e.summary().as_text()
    with pytest.raises(AttributeError):
        e.estimate = None  # frozen


def test_confidence_intervals(design):
    e = est.mean(design, "y")
    se, m = e.std_error.iloc[0], e.estimate.iloc[0]
    t = e.confidence_interval(0.9)
    crit = stats.t.ppf(0.95, design.degf)
    assert list(t.columns) == list(CI_COLUMNS)
    np.testing.assert_allclose(
        t[["ci_low", "ci_high"]].iloc[0].to_numpy(), [m - crit * se, m + crit * se]
    )
    assert t["df"].iloc[0] == design.degf
    assert t["confidence_level"].iloc[0] == 0.9
    nrm = e.confidence_interval(0.9, method="normal")
    np.testing.assert_allclose(
        nrm[["ci_low", "ci_high"]].iloc[0].to_numpy(),
        [m - stats.norm.ppf(0.95) * se, m + stats.norm.ppf(0.95) * se],
    )
    p = est.mean(design, "b")
    lg = p.confidence_interval(method="logit").iloc[0]
    assert 0 < lg["ci_low"] < p.estimate.iloc[0] < lg["ci_high"] < 1
    with pytest.raises(DGIError, match="confidence_level"):
        e.confidence_interval(1.5)


def test_mean_is_a_ratio_to_one_and_total_over_total(design):
    d = design.with_data_column("one", np.ones(design.n))
    m = est.mean(d, "y", by="g")
    r = est.ratio(d, "y", "one", by="g")
    np.testing.assert_allclose(r.estimate.to_numpy(), m.estimate.to_numpy(), rtol=1e-13)
    np.testing.assert_allclose(r.cov.to_numpy(), m.cov.to_numpy(), rtol=1e-10)
    t = est.total(d, ["y", "one"])
    np.testing.assert_allclose(t.estimate["y"] / t.estimate["one"], est.mean(d, "y").estimate["y"])


def test_domain_keeps_the_design(design):
    """A subset is a domain: PSUs without members count as zeros (not dropped rows)."""
    mask = (design.data["g"] == "p").to_numpy()
    sub = est.mean(design, "y", domain=mask)
    by = est.mean(design, "y", by="g")
    np.testing.assert_allclose(sub.std_error.iloc[0], by.std_error.iloc[0], rtol=1e-13)
    dropped = SurveyDesign(design.data[mask], weights="w", strata="h", psu="c")
    assert est.mean(dropped, "y").estimate.iloc[0] == pytest.approx(sub.estimate.iloc[0])


def test_categorical_variables_give_proportions(design):
    d = design.with_data_column("cat", pd.Categorical(design.data["g"]))
    e = est.mean(d, "cat")
    assert list(e.estimate.index) == ["catp", "catq"]
    assert e.estimate.sum() == pytest.approx(1.0)


def test_bad_input(design):
    with pytest.raises(DGIError, match=r"'g' is not numeric.*category"):
        est.mean(design, "g")
    with pytest.raises(DGIError, match="'nope' is not a column"):
        est.total(design, "nope")
    d = design.with_data_column("ym", design.data["y"].where(design.data.index != 5))
    with pytest.raises(DGIError, match=r"'ym' has missing values at rows \[5\].*na_rm=True"):
        est.mean(d, "ym")
    assert np.isfinite(est.mean(d, "ym", na_rm=True).estimate.iloc[0])
    with pytest.raises(DGIError, match=r"domain\(s\) \['q'\] have no rows"):
        est.mean(design, "y", by="g", domain=(design.data["g"] == "p").to_numpy())
    with pytest.raises(DGIError, match="'design'"):
        est.mean(design.data, "y")  # type: ignore[arg-type]


def test_na_rm_is_a_domain(design):
    y = design.data["y"].where(design.data["x"] > 1.5)
    d = design.with_data_column("ym", y)
    a = est.mean(d, "ym", na_rm=True)
    b = est.mean(design, "y", domain=y.notna().to_numpy())
    assert_estimate_close(
        a,
        b.__class__(
            **{
                **{f: getattr(b, f) for f in b.__dataclass_fields__},
                "estimate": b.estimate.rename(index={"y": "ym"}),
                "std_error": b.std_error.rename(index={"y": "ym"}),
                "cov": b.cov.rename(index={"y": "ym"}, columns={"y": "ym"}),
                "df": b.df.rename(index={"y": "ym"}),
            }
        ),
        rtol=1e-12,
    )


def test_contrast_and_ttest(design):
    e = est.mean(design, "y", by="g")
    c = est.contrast(e, {"p": -1, "q": 1})
    diff = e.estimate.iloc[1] - e.estimate.iloc[0]
    v = e.cov.to_numpy()
    assert c.estimate.iloc[0] == pytest.approx(diff)
    assert c.std_error.iloc[0] == pytest.approx(np.sqrt(v[0, 0] + v[1, 1] - 2 * v[0, 1]))
    t = est.ttest(design, "y", "g")
    assert t.estimate == pytest.approx(diff)
    assert t.df == design.degf - 1
    assert t.statistic == pytest.approx(diff / c.std_error.iloc[0])


def test_assert_estimate_close_fails_when_different(design):
    e = est.mean(design, "y")
    assert_estimate_close(e, e)
    with pytest.raises(AssertionError, match="estimate"):
        assert_estimate_close(e, {"estimate": {"y": e.estimate.iloc[0] * (1 + 1e-6)}})


def test_replicate_estimates_are_carried(design):
    r = design.replicate("jkn")
    e = est.mean(r, "y", by="g")
    assert e.replicate_estimates.shape == (r.replicates.n_replicates, 2)
    np.testing.assert_allclose(e.replicate_factors, r.replicates.scale * r.replicates.rscales)
    assert e.method == "jkn"


def test_quantile_median(design):
    q = est.quantile(design, "y", [0.25, 0.5, 0.75])
    assert q.estimate.is_monotonic_increasing
    ci = q.confidence_interval()
    assert (ci["ci_low"] <= q.estimate).all()
    assert (q.estimate <= ci["ci_high"]).all()


def test_unit_with_all_zero_weights_is_an_error_naming_it(design):
    data = design.data.assign(w=design.data["w"].where(design.data["h"] != "b", 0.0))
    zero = SurveyDesign(data, weights="w", strata="h", psu="c")
    with pytest.raises(DGIError, match=r"mean: every respondent of 'b' \(h\) has weight 0") as info:
        est.mean(zero, "y", by="h")
    assert "Check the weight column" in str(info.value)
    with pytest.raises(DGIError, match="every respondent in the domain has weight 0"):
        est.mean(zero, "y", domain=(data["h"] == "b").to_numpy())

    class TwoItems:
        def score_items(self, frame):
            return frame[["y", "x"]]

        def measure_map(self):
            return pd.DataFrame({"y": [1.0], "x": [1.0]}, index=["total"]), pd.Series([0.0], index=["total"])

    with pytest.raises(DGIError, match=r"score: every respondent of 'b' \(h\) has weight 0"):
        ds.score(zero, TwoItems(), by="h")
    # the units with positive weights alone are estimated as before (no NaN, df > 0)
    kept = SurveyDesign(data[data["h"] != "b"], weights="w", strata="h", psu="c")
    s = ds.score(kept, TwoItems(), by="h")
    assert list(s.units) == ["a", "c"]
    assert np.isfinite(s.estimate.to_numpy()).all()
    assert (s.df_for("total") > 0).all()
    # totals are defined (zero) for a zero-weight unit, as in R
    assert float(est.total(zero, "y", by="h").estimate.loc[("b", "y")]) == 0.0


@pytest.mark.parametrize("replicate", [False, True])
def test_domain_means_are_the_means_by_domain(design, replicate):
    d = design.replicate("jkn") if replicate else design
    y = d.data[["y", "x"]].to_numpy()
    avail = np.ones_like(y, dtype=bool)
    dm = est.domain_means(d, y, avail, by="g")
    e = est.mean(d, ["y", "x"], by="g")
    np.testing.assert_allclose(dm.estimate.ravel(), e.estimate.to_numpy(), rtol=1e-14)
    np.testing.assert_allclose(dm.cov, e.cov.to_numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(np.repeat(dm.df, 2), e.df.to_numpy())
    assert list(dm.labels) == ["p", "q"]
    assert (dm.replicate_estimates is not None) == replicate
    assert (dm.psu_totals is None) == replicate
    # available cases: a missing value leaves the domain of its column only
    avail[0, 0] = False
    dm2 = est.domain_means(d, y, avail, by="g")
    assert dm2.n_answered[:, 0].sum() == len(y) - 1
    assert dm2.n_answered[:, 1].sum() == len(y)
    with pytest.raises(DGIError, match="n x k"):
        est.domain_means(d, y, avail[:, :1], by="g")


def test_results_are_result_objects(design):
    e = est.mean(design, "y")
    assert e.summary().table.shape[0] == 1
    t = est.ttest(design, "y", "g")
    assert t.to_frame()["pvalue"].iloc[0] == t.pvalue
    assert "t-test" in t.summary().as_text()
    p = est.ciprop(design, "b")
    assert p.to_frame()[["ci_low", "ci_high"]].iloc[0].tolist() == [p.low, p.high]
