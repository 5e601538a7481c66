"""Unit tests of dgi_stats.survey.weighting: errors, warnings, non-mutation, design weights, nonresponse,
diagnostics, replicate designs, and a coverage simulation of raked estimates.

Numbers compared with an outside source: the SYNTHETIC DGI-like survey's ``base_weight`` and
``design_weight`` columns (computed in R by ``shared/data/synthetic_dgi/generate_synthetic_dgi.R``
as ``1 / (pi_commune * pi_village * n / N_adults_village)`` with ``n = n_target`` and ``n_resp_village``);
the R ``survey`` reference comparisons are in ``test_reference_r_calibration.py``.
"""

from __future__ import annotations

import warnings
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dgi_stats.exceptions import ConvergenceWarning, DGIError
from dgi_stats.survey import estimators as est
from dgi_stats.survey.design import SurveyDesign
from dgi_stats.survey.weighting import (
    calibrate,
    calibrate_weights,
    design_weights,
    kish_effective_sample_size,
    model_matrix,
    nonresponse_adjust,
    poststratify,
    rake,
    rake_weights,
    trim_weights,
    weight_summary,
    weighting_design_effect,
)

REF = Path(__file__).resolve().parent / "reference"


@cache
def _dgi() -> pd.DataFrame:
    # SYNTHETIC DGI-like respondents (see tests/reference/r_survey/README)
    df = pd.read_csv(REF / "r_survey" / "data" / "synthetic_dgi_respondents.csv")
    df["age_group"] = pd.Categorical(df["age_group"], categories=["18-29", "30-44", "45-59", "60+"])
    return df


def _margin(name: str) -> pd.Series:
    m = pd.read_csv(REF / "r_survey_calibration" / "data" / f"synthetic_dgi_margins_{name}.csv")
    return m.set_index([c for c in m.columns if c != "Freq"])["Freq"]


def _ddgi() -> SurveyDesign:
    return SurveyDesign(_dgi(), psu="commune_id", strata="district", weights="design_weight", nest=True)


def _toy() -> SurveyDesign:
    df = pd.DataFrame({
        "sex": ["f", "f", "f", "m", "m", "m"],
        "age": ["y", "o", "o", "y", "y", "o"],
        "x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        "c": [1, 1, 2, 2, 3, 3],
    })
    return SurveyDesign(df, psu="c", weights=[10.0, 12.0, 8.0, 9.0, 11.0, 10.0])


SEX = pd.Series([40.0, 30.0], index=pd.Index(["f", "m"], name="sex"))
AGE = pd.Series([25.0, 45.0], index=pd.Index(["y", "o"], name="age"))


# ------------------------------------------------------------------ design weights and nonresponse
def test_design_weights_reproduce_generator_base_weight() -> None:
    df = _dgi()
    stage3 = df["n_target"] / df["N_adults_village"]
    w = design_weights(df, ["pi_commune", "pi_village", stage3])
    np.testing.assert_allclose(w.to_numpy(), df["base_weight"].to_numpy(), rtol=1e-12)
    assert w.name == "design_weight"
    assert w.index.equals(df.index)


def test_design_weights_rejects_bad_probabilities() -> None:
    df = pd.DataFrame({"p": [0.5, 0.0, 1.2, np.nan]})
    with pytest.raises(DGIError, match=r"rows \[1, 2, 3\]"):
        design_weights(df, "p")
    with pytest.raises(DGIError, match="not in data"):
        design_weights(df, "nope")


def test_nonresponse_adjust_reproduces_generator_design_weight() -> None:
    # rebuild the 20 sampled persons per village: the respondents plus (20 - n_resp) nonrespondents
    df = _dgi()
    resp = df[["village_id", "base_weight"]].assign(responded=True)
    per_village = df.groupby("village_id").agg(
        n_target=("n_target", "first"), n_resp=("n_resp_village", "first"), w=("base_weight", "first")
    )
    missing = per_village.loc[per_village.index.repeat(per_village["n_target"] - per_village["n_resp"])]
    nonresp = pd.DataFrame({"village_id": missing.index, "base_weight": missing["w"].to_numpy(),
                            "responded": False})
    sample = pd.concat([resp, nonresp], ignore_index=True)
    before = sample.copy()
    adj = nonresponse_adjust(sample, cells="village_id", responded="responded", weights="base_weight")
    pd.testing.assert_frame_equal(sample, before)
    np.testing.assert_allclose(adj.iloc[: len(df)].to_numpy(), df["design_weight"].to_numpy(), rtol=1e-12)
    assert (adj.iloc[len(df):] == 0).all()
    # the cell totals are kept
    np.testing.assert_allclose(adj.groupby(sample["village_id"]).sum().to_numpy(),
                               sample.groupby("village_id")["base_weight"].sum().to_numpy(), rtol=1e-12)


def test_nonresponse_adjust_on_a_design_and_errors() -> None:
    df = pd.DataFrame({"cell": ["a", "a", "b", "b"], "r": [1, 0, 0, 0], "w": [1.0, 3.0, 2.0, 2.0]})
    with pytest.raises(DGIError, match=r"cells \['b'\]"):
        nonresponse_adjust(df, cells="cell", responded="r", weights="w")
    with pytest.raises(DGIError, match="needs 'weights'"):
        nonresponse_adjust(df, cells="cell", responded="r")
    df2 = df.assign(r=[1, 0, 1, 0])
    d = SurveyDesign(df2, weights="w")
    d2 = nonresponse_adjust(d, cells=["cell"], responded="r")
    assert d2.weights.tolist() == [4.0, 0.0, 4.0, 0.0]
    assert d.weights.tolist() == [1.0, 3.0, 2.0, 2.0]
    with pytest.raises(DGIError, match="True/False or 1/0"):
        nonresponse_adjust(df2.assign(r=[1, 2, 0, 1]), cells="cell", responded="r", weights="w")


# ------------------------------------------------------------------ post-stratification
def test_poststratify_hits_counts_and_keeps_input() -> None:
    d = _toy()
    data_before = d.data.copy()
    w_before = d.weights.copy()
    ps = poststratify(d, SEX)
    tot = pd.Series(ps.weights).groupby(d.data["sex"].to_numpy()).sum()
    np.testing.assert_allclose(tot.to_numpy(), [40.0, 30.0])
    pd.testing.assert_frame_equal(d.data, data_before)
    np.testing.assert_array_equal(d.weights, w_before)
    assert d.calibration == ()
    assert len(ps.calibration) == 1


def test_poststratify_accepts_r_style_frame() -> None:
    frame = pd.DataFrame({"sex": ["f", "m"], "Freq": [40.0, 30.0]})
    np.testing.assert_allclose(poststratify(_toy(), frame).weights, poststratify(_toy(), SEX).weights)


@pytest.mark.parametrize(
    ("population", "match"),
    [
        (pd.Series([40.0, 30.0], index=pd.Index(["f", "m"], name="gender")), r"unknown column\(s\) \['gender'\]"),
        (pd.Series([40.0, 30.0], index=["f", "m"]), "unnamed index level"),
        (pd.Series([40.0, np.nan], index=pd.Index(["f", "m"], name="sex")), "finite and >= 0"),
        (pd.Series([40.0, -1.0], index=pd.Index(["f", "m"], name="sex")), "finite and >= 0"),
        (pd.Series([40.0], index=pd.Index(["f"], name="sex")), r"absent from the population counts.*'m': 3"),
        (pd.Series([40.0, 30.0, 5.0], index=pd.Index(["f", "m", "x"], name="sex")),
         r"population categories \['x'\] are absent from the sample"),
        (pd.Series([40.0, 30.0, 5.0], index=pd.Index(["f", "m", "f"], name="sex")), "more than once"),
        ([40.0, 30.0], "pandas Series"),
    ],
)
def test_poststratify_bad_population(population: object, match: str) -> None:
    with pytest.raises(DGIError, match=match):
        poststratify(_toy(), population)  # type: ignore[arg-type]


def test_poststratify_partial_warns_and_ignores() -> None:
    pop = pd.Series([40.0, 30.0, 5.0], index=pd.Index(["f", "m", "x"], name="sex"))
    with pytest.warns(UserWarning, match=r"\['x'\].*ignored"):
        ps = poststratify(_toy(), pop, partial=True)
    assert ps.weights.sum() == pytest.approx(70.0)


def test_poststratify_missing_category_in_data() -> None:
    d = SurveyDesign(pd.DataFrame({"sex": ["f", None, "m"]}), weights=[1.0, 1.0, 1.0])
    with pytest.raises(DGIError, match=r"missing values at rows \[1\]"):
        poststratify(d, SEX)


def test_poststratify_replicate_with_empty_cell_raises() -> None:
    df = pd.DataFrame({"sex": ["f", "f", "m", "m"], "c": [1, 2, 3, 4]})
    r = SurveyDesign(df, psu="c", weights=[1.0, 1.0, 1.0, 1.0]).replicate("jk1")
    # a two-respondent cell survives deleting one PSU, so this works ...
    poststratify(r, pd.Series([2.0, 2.0], index=pd.Index(["f", "m"], name="sex")))
    # ... but a one-respondent cell is empty in the replicate that deletes it
    df1 = pd.DataFrame({"sex": ["f", "m", "m", "m"], "c": [1, 2, 3, 4]})
    r1 = SurveyDesign(df1, psu="c", weights=[1.0, 1.0, 1.0, 1.0]).replicate("jk1")
    with pytest.raises(DGIError, match=r"replicate 1 has no weight in category 'f'"):
        poststratify(r1, pd.Series([2.0, 2.0], index=pd.Index(["f", "m"], name="sex")))


# ------------------------------------------------------------------ raking
def test_rake_reproduces_margins_and_reports() -> None:
    d = _ddgi()
    before = d.weights.copy()
    res = rake(d, [_margin("district_sex"), _margin("district_age")], tol=1e-12, return_result=True)
    assert res.converged
    assert 1 < res.n_iter < 100
    assert res.max_abs_margin_error < 1e-6
    assert res.trimmed == 0
    assert res.weight_range == (res.weights.min(), res.weights.max())
    assert list(res.history.columns) == ["max_change", "max_abs_margin_error"]
    assert len(res.history) == res.n_iter
    assert "converged=True" in repr(res)
    assert res.design is not None
    w = pd.Series(res.design.weights, index=d.data.index)
    by_ds = w.groupby([d.data["district"], d.data["sex"]]).sum()
    np.testing.assert_allclose(by_ds.to_numpy(), _margin("district_sex").loc[by_ds.index].to_numpy(), rtol=1e-10)
    np.testing.assert_array_equal(d.weights, before)
    # raking and calibrate(method="raking") reach the same weights (R: max difference 1.5e-9)
    cal = calibrate(d, [_margin("district_sex"), _margin("district_age")], method="raking", tol=1e-12, max_iter=100)
    np.testing.assert_allclose(cal.weights, res.design.weights, rtol=1e-8)


def test_rake_convergence_warning() -> None:
    with pytest.warns(ConvergenceWarning, match="did not converge after 1 sweeps"):
        res = rake_weights(_ddgi(), [_margin("district_sex"), _margin("district_age")], tol=1e-12, max_iter=1)
    assert not res.converged
    assert res.n_iter == 1


def test_rake_inconsistent_margins() -> None:
    m_ds = _margin("district_sex").copy()
    m_ds.iloc[0] += 1000.0
    with pytest.raises(DGIError, match=r"margin 1 \(district x sex\) and margin 2 \(district x age_group\) disagree on category 'D01'"):
        rake(_ddgi(), [m_ds, _margin("district_age")])
    age2 = AGE * 2
    with pytest.raises(DGIError, match="disagree on the grand total"):
        rake(_toy(), [SEX, age2])


def test_rake_margin_category_absent_from_sample() -> None:
    extra = pd.Series([5.0], index=pd.MultiIndex.from_tuples([("D01", "90+")], names=["district", "age_group"]))
    m_da2 = pd.concat([_margin("district_age"), extra])
    m_ds2 = _margin("district_sex").copy()
    m_ds2[("D01", "female")] += 5.0
    with pytest.raises(DGIError, match=r"margin 2 \(district x age_group\).*\[\('D01', '90\+'\)\] are absent from the sample"):
        rake(_ddgi(), [m_ds2, m_da2])
    # a sample category missing from a margin is named too
    with pytest.raises(DGIError, match=r"margin 1 \(district x sex\).*\('D01', 'female'\)"):
        rake(_ddgi(), [_margin("district_sex").drop(("D01", "female")), _margin("district_age")])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"tol": 0.0}, "'tol'"), ({"tol": 2.0}, "'tol'"), ({"max_iter": 0}, "'max_iter'")],
)
def test_rake_bad_options(kwargs: dict[str, float], match: str) -> None:
    with pytest.raises(DGIError, match=match):
        rake(_toy(), [SEX, AGE], **kwargs)  # type: ignore[arg-type]


def test_rake_needs_a_list_and_a_design() -> None:
    with pytest.raises(DGIError, match="list of pandas Series"):
        rake(_toy(), SEX)  # type: ignore[arg-type]
    with pytest.raises(DGIError, match="must be a SurveyDesign"):
        rake(_toy().data, [SEX])  # type: ignore[arg-type]


def test_rake_keeps_earlier_calibration_steps() -> None:
    d = poststratify(_toy(), SEX)
    r = rake(d, [SEX, AGE])
    assert len(r.calibration) == 2


# ------------------------------------------------------------------ calibration
def test_calibrate_result_and_names() -> None:
    d = _toy()
    totals = pd.Series({"(Intercept)": 70.0, "sexm": 30.0, "x": 250.0, "sex=m:x": 160.0})
    X, T = model_matrix(d, totals)
    assert list(X.columns) == list(totals.index)
    np.testing.assert_array_equal(X["sex=m:x"].to_numpy(), [0, 0, 0, 4.0, 5.0, 6.0])
    for method in ("linear", "raking"):
        res = calibrate_weights(d, totals, method=method)  # type: ignore[arg-type]
        np.testing.assert_allclose(res.achieved.to_numpy(), T.to_numpy(), rtol=1e-7)
        np.testing.assert_allclose(res.weights.to_numpy(), d.weights * res.g.to_numpy())
        assert res.converged
        assert set(res.to_frame().columns) == {"population_total", "achieved_total"}


@pytest.mark.parametrize(
    ("totals", "kwargs", "match"),
    [
        (pd.Series({"(Intercept)": 70.0, "nope": 1.0}), {}, "matches no column"),
        (pd.Series({"(Intercept)": 70.0, "sex": 30.0}), {}, "categorical column 'sex'"),
        (pd.Series({"(Intercept)": 70.0, "sex=z": 30.0}), {}, "level 'z' does not occur"),
        (pd.Series({"(Intercept)": 70.0, "x": np.nan}), {}, "NaN or infinite"),
        (pd.Series({"(Intercept)": 70.0, "x": 250.0}), {"method": "logit"}, "needs finite bounds"),
        (pd.Series({"(Intercept)": 70.0, "x": 250.0}), {"bounds": (1.2, 2.0)}, "lower < 1 < upper"),
        (pd.Series({"(Intercept)": 70.0, "x": 250.0}), {"method": "greg"}, "'method'"),
        (pd.Series({"(Intercept)": 70.0, "sexf": 40.0, "sexm": 30.0}), {}, "singular"),
    ],
)
def test_calibrate_errors(totals: pd.Series, kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(DGIError, match=match):
        calibrate(_toy(), totals, **kwargs)  # type: ignore[arg-type]


def test_calibrate_missing_calibration_variable() -> None:
    d = SurveyDesign(pd.DataFrame({"x": [1.0, np.nan, 3.0]}), weights=[1.0, 1.0, 1.0])
    with pytest.raises(DGIError, match=r"missing values at rows \[1\]"):
        calibrate(d, pd.Series({"(Intercept)": 3.0, "x": 6.0}))


def test_calibrate_tight_bounds_do_not_converge() -> None:
    totals = pd.Series({"(Intercept)": 90.0, "x": 250.0})
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        res = calibrate_weights(_toy(), totals, bounds=(0.99, 1.01), max_iter=10)
    assert not res.converged


def test_unbounded_linear_calibration_can_give_negative_weights() -> None:
    totals = pd.Series({"(Intercept)": 70.0, "x": 1000.0})
    with pytest.raises(DGIError, match="negative or non-finite weights"):
        calibrate(_toy(), totals)


def test_calibrate_with_margins_equals_poststratify_for_one_margin() -> None:
    d = _toy()
    np.testing.assert_allclose(calibrate(d, [SEX]).weights, poststratify(d, SEX).weights, rtol=1e-12)
    np.testing.assert_allclose(calibrate(d, SEX).weights, poststratify(d, SEX).weights, rtol=1e-12)


# ------------------------------------------------------------------ trimming
def test_trim_weights_rules_and_errors() -> None:
    d = calibrate(_toy(), pd.Series({"(Intercept)": 70.0, "sexm": 30.0}))
    t = trim_weights(d, upper=11.0)
    assert t.weights.sum() == pytest.approx(d.weights.sum())
    assert t.calibration == d.calibration  # R keeps the calibration for the variance
    with pytest.raises(DGIError, match="at least one"):
        trim_weights(d)
    with pytest.raises(DGIError, match="exceeds"):
        trim_weights(d, lower=5, upper=4)
    with pytest.raises(DGIError, match="cannot hold the total"):
        trim_weights(d, upper=5, strict=True)
    with pytest.raises(DGIError, match="every weight lies outside"):
        trim_weights(d, lower=100)
    same = trim_weights(d, lower=0.0, upper=1e9)
    np.testing.assert_array_equal(same.weights, d.weights)


def test_trim_weights_strict_stays_inside() -> None:
    w = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 30.0])
    d = SurveyDesign(pd.DataFrame({"y": np.arange(6.0)}), weights=w)
    one = trim_weights(d, upper=8.0)
    assert one.weights.max() > 8.0 - 1e-12  # one pass: redistribution pushes others to 5.4
    strict = trim_weights(d, upper=6.0, strict=True)
    assert strict.weights.max() <= 6.0 + 1e-12
    assert strict.weights.sum() == pytest.approx(w.sum())


def test_trim_replicate_design() -> None:
    df = pd.DataFrame({"c": [1, 1, 2, 2, 3, 3], "y": np.arange(6.0)})
    r = SurveyDesign(df, psu="c", weights=[1.0, 1, 1, 1, 1, 9]).replicate("jk1")
    t = trim_weights(r, upper=4.0)
    reps = t.replicate_weights()
    np.testing.assert_allclose(reps.sum(axis=0), r.replicate_weights().sum(axis=0))
    assert t.weights.max() <= 4.0 + 1e-12


# ------------------------------------------------------------------ diagnostics
def test_diagnostics_against_formulae_and_engine() -> None:
    d = _ddgi()
    w = d.weights
    ess = kish_effective_sample_size(d)
    assert ess == pytest.approx(w.sum() ** 2 / (w**2).sum(), rel=1e-12)
    deff = weighting_design_effect(w)
    assert deff == pytest.approx(1 + w.var(ddof=0) / w.mean() ** 2, rel=1e-12)
    assert deff == pytest.approx(w.size / ess, rel=1e-12)
    by = kish_effective_sample_size(d, by="district")
    assert isinstance(by, pd.Series)
    assert len(by) == 13
    grouped = pd.DataFrame({"g": d.data["district"].to_numpy(), "w": w}).groupby("g")["w"]
    direct = grouped.sum() ** 2 / grouped.apply(lambda x: (x**2).sum())
    np.testing.assert_allclose(by.to_numpy(), direct.reindex(by.index).to_numpy(), rtol=1e-12)
    tab = weight_summary(d, by=["district", "sex"])
    assert tab.shape == (26, 9)
    assert tab["n"].sum() == d.n
    np.testing.assert_allclose(tab["sum"].sum(), w.sum())
    with pytest.raises(DGIError, match="negative or missing"):
        kish_effective_sample_size([1.0, -1.0])
    with pytest.raises(DGIError, match="needs a SurveyDesign"):
        weight_summary(w, by="district")


# ------------------------------------------------------------------ coverage simulation
def _coverage(n_rep: int, rng: np.random.Generator) -> float:
    """Coverage of nominal 95 % t intervals for a population mean after raking.

    Population: 20,000 people in 2 sexes x 3 age groups; y depends on both. The sample is a
    Bernoulli sample whose inclusion depends on the cell (a nonresponse-like bias that raking to the
    sex and age margins removes); the design weight is the inverse of the *average* rate.
    """
    big_n = 10_000
    sex = rng.integers(0, 2, big_n)
    age = rng.integers(0, 3, big_n)
    y = 2.0 + 1.5 * sex + 0.8 * age + rng.normal(0, 1.5, big_n)
    truth = y.mean()
    rate = 0.015 * (1 + sex) * (1 + 0.5 * age)
    m_sex = pd.Series(np.bincount(sex).astype(float), index=pd.Index([0, 1], name="sex"))
    m_age = pd.Series(np.bincount(age).astype(float), index=pd.Index([0, 1, 2], name="age"))
    hits = 0
    for _ in range(n_rep):
        take = rng.random(big_n) < rate
        df = pd.DataFrame({"sex": sex[take], "age": age[take], "y": y[take]})
        d = SurveyDesign(df, weights=np.full(len(df), big_n / take.sum()))
        raked = rake(d, [m_sex, m_age], tol=1e-10)
        e = est.mean(raked, "y")
        ci = e.confidence_interval(0.95, method="t")
        hits += int(ci["ci_low"].iloc[0] <= truth <= ci["ci_high"].iloc[0])
    return hits / n_rep


def test_raked_mean_coverage_short(rng: np.random.Generator) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cov = _coverage(60, rng)
    assert 0.85 <= cov <= 1.0


@pytest.mark.slow
def test_raked_mean_coverage_long(rng: np.random.Generator) -> None:
    cov = _coverage(2000, rng)
    assert 0.935 <= cov <= 0.965
