"""Intervals on bounded scales: Scores.bounds, the logit interval, and its coverage with few PSUs.

The coverage simulation draws SYNTHETIC one-unit surveys of ``df + 1`` equal-size communes whose
scores crowd near the ceiling of a 0-10 scale, estimates the mean and its with-replacement
(ultimate-cluster) standard error, and checks the intervals that ``Scores.confidence_interval``
builds from them. ``python tests/test_scores_bounded.py`` prints the full table quoted in
docs/methodology/confidence_intervals.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import special, stats

import dgi_stats as ds
from dgi_stats.exceptions import DGIError
from dgi_stats.scores.pivot import Scores

HIGH = 10.0
_BLOCK = 1000  # simulated surveys per Scores object


# --------------------------------------------------------------------------- simulation
def _true_mean(p0: float, sigma: float) -> float:
    """E[10 expit(logit(p0) + sigma Z)], Z ~ N(0, 1), by Gauss-Hermite quadrature."""
    z, w = np.polynomial.hermite_e.hermegauss(120)
    return float(HIGH * (w * special.expit(special.logit(p0) + sigma * z)).sum() / w.sum())


def _simulated_scores(
    df: int, p0: float, sigma: float, n_rep: int, seed: int, *, n_resp: int = 25, n_items: int = 3
) -> Scores:
    """One Scores "unit" per simulated survey: estimate, SE with ``df`` = communes - 1, scale [0, 10].

    Commune c has success probability ``expit(logit(p0) + sigma z_c)``; each of its ``n_resp``
    respondents answers ``n_items`` binary items; a respondent's score is 10 x their share.
    """
    rng = np.random.default_rng(seed)
    n_psu = df + 1
    p_c = special.expit(special.logit(p0) + sigma * rng.normal(size=(n_rep, n_psu)))
    commune_mean = HIGH * rng.binomial(n_resp * n_items, p_c) / (n_resp * n_items)
    est = commune_mean.mean(axis=1)
    se = commune_mean.std(axis=1, ddof=1) / np.sqrt(n_psu)
    units = pd.RangeIndex(n_rep, name="unit")
    return Scores.from_estimates(
        pd.Series(est, index=units, name="score"),
        pd.Series(se, index=units),
        df=float(df),
        bounds=pd.DataFrame({"low": [0.0], "high": [HIGH]}, index=["score"]),
        method="simulated",
    )


def _coverage(
    df: int, p0: float, sigma: float, n_rep: int, seed: int, *, method: str = "t", transform: str = "auto"
) -> dict[str, float]:
    # blocks of surveys: a Scores holds a dense covariance, so keep each one small
    rng = np.random.default_rng(seed)
    blocks = []
    for size in np.diff(np.r_[0:n_rep:_BLOCK, n_rep]):
        s = _simulated_scores(df, p0, sigma, int(size), int(rng.integers(2**32)))
        blocks.append(s.confidence_interval(0.95, method=method, transform=transform))  # type: ignore[arg-type]
    ci = pd.concat(blocks)
    truth = _true_mean(p0, sigma)
    lo, hi = ci["ci_low"].to_numpy(), ci["ci_high"].to_numpy()
    return {
        "truth": truth,
        "coverage": float(np.mean((lo <= truth) & (truth <= hi))),
        "miss_low": float(np.mean(truth < lo)),  # interval entirely above the truth
        "miss_high": float(np.mean(truth > hi)),
        "crosses_bound": float(np.mean((lo < 0.0) | (hi > HIGH))),
        "mean_width": float(np.mean(hi - lo)),
        "fallback": float(np.mean(ci["transform"] == "clipped")),
    }


# realistic regimes: (p0, sigma) of the commune-level logit; truths 9.55, 9.41, 9.76, 8.83, 5.95
SCENARIOS = [(0.96, 0.5), (0.96, 1.0), (0.985, 1.0), (0.9, 0.7), (0.6, 0.5)]
DFS = [2, 5, 10]


def coverage_table(n_rep: int = 20_000, seed: int = 20240611) -> pd.DataFrame:
    """Coverage of 95 % intervals: t (untransformed), logit-t, and logit with normal quantiles."""
    rows = []
    for df in DFS:
        for i, (p0, sigma) in enumerate(SCENARIOS):
            seed_i = seed + 100 * df + i  # the same surveys for every method
            t = _coverage(df, p0, sigma, n_rep, seed_i, transform="none")
            lg = _coverage(df, p0, sigma, n_rep, seed_i, transform="logit")
            ln = _coverage(df, p0, sigma, n_rep, seed_i, method="normal", transform="logit")
            rows.append({
                "df": df, "truth": round(t["truth"], 2), "sigma": sigma,
                "t": t["coverage"], "t_crosses_10": t["crosses_bound"],
                "t_miss_high": t["miss_high"],
                "logit_t": lg["coverage"], "logit_t_miss_high": lg["miss_high"],
                "logit_normal": ln["coverage"],
                "width_t": t["mean_width"], "width_logit_t": lg["mean_width"],
                "at_bound": lg["fallback"],
            })
    return pd.DataFrame(rows)


def test_logit_t_coverage_near_ceiling_short():
    """df 2, 5, 10 at a true score of 9.55/10: logit-t covers, stays inside, a normal quantile fails."""
    n_rep = 4000  # Monte Carlo SE of a 95 % coverage: 0.0034
    for df in DFS:
        res = _coverage(df, 0.96, 0.5, n_rep, seed=11 + df)
        assert res["coverage"] >= 0.93, (df, res)
        assert res["crosses_bound"] == 0.0
    # the threshold can fail: normal quantiles at df 2 (a wrong method) cover about 0.87
    wrong = _coverage(2, 0.96, 0.5, n_rep, seed=13, method="normal", transform="logit")
    assert wrong["coverage"] < 0.93, wrong
    # and the untransformed t interval crosses the ceiling in most of these surveys at df 2
    assert _coverage(2, 0.96, 0.5, n_rep, seed=13, transform="none")["crosses_bound"] > 0.5


@pytest.mark.slow
def test_logit_t_coverage_grid_long():
    """Full grid (3 df x 5 regimes, 20,000 surveys each): logit-t >= 0.92 and never worse than t."""
    tab = coverage_table()
    assert (tab["logit_t"] >= 0.92).all(), tab
    assert (tab["logit_t"] >= tab["t"] - 0.005).all(), tab
    # near the ceiling the untransformed t interval under-covers somewhere (the reason for logit)
    assert tab["t"].min() < 0.90, tab
    # a wrong critical value fails the same threshold at df 2 and 5
    assert (tab.loc[tab["df"] <= 5, "logit_normal"] < 0.92).any(), tab


# --------------------------------------------------------------------------- score() on 2021
@pytest.fixture(scope="module")
def scores_2021() -> Scores:
    data = ds.datasets.load_survey(2021)  # SYNTHETIC
    design = ds.SurveyDesign(data, weights="nr_weight", strata="district", psu="commune_id")
    return ds.score(design, ds.datasets.load_spec(2021), by="district")


def test_score_sets_bounds_from_spec(scores_2021):
    spec = ds.datasets.load_spec(2021)
    b = scores_2021.bounds
    assert b is not None
    assert list(b.index) == list(scores_2021.measures) == spec.measure_ids
    pd.testing.assert_frame_equal(b, spec.measure_bounds(), check_names=False)
    assert b.loc["d5_admin_procedures"].tolist() == [0.0, 10.0]
    assert b.loc["total"].tolist() == [0.0, 80.0]
    assert b.loc["composite"].tolist() == [0.0, 100.0]
    assert b.loc[spec.indicator_ids].eq([0.0, 1.0]).all().all()


def test_score_intervals_inside_scale_every_unit_and_measure(scores_2021):
    ci = scores_2021.confidence_interval()
    b = scores_2021.bounds.reindex(ci.index.get_level_values("measure"))
    assert (ci["ci_low"].to_numpy() >= b["low"].to_numpy()).all()
    assert (ci["ci_high"].to_numpy() <= b["high"].to_numpy()).all()
    assert (ci["ci_low"] <= ci["estimate"]).all()
    assert (ci["estimate"] <= ci["ci_high"]).all()
    assert set(ci["transform"]) <= {"logit", "clipped"}
    # the clipped rows are exactly the estimates at a bound with zero SE
    clipped = ci[ci["transform"] == "clipped"]
    assert (clipped["std_error"] == 0).all()
    assert (clipped["ci_low"] == clipped["estimate"]).all()
    at_bound = clipped["estimate"].to_numpy()
    cb = scores_2021.bounds.reindex(clipped.index.get_level_values("measure"))
    assert ((at_bound == cb["low"].to_numpy()) | (at_bound == cb["high"].to_numpy())).all()
    # the untransformed intervals do cross the scale (the examples)
    old = scores_2021.confidence_interval(transform="none")
    assert (old["ci_high"].to_numpy() > b["high"].to_numpy()).sum() > 0
    # estimates and standard errors do not depend on the transform
    pd.testing.assert_series_equal(old["estimate"], ci["estimate"])
    pd.testing.assert_series_equal(old["std_error"], ci["std_error"])


def test_transform_none_is_the_old_interval(scores_2021):
    ci = scores_2021.confidence_interval(0.9, transform="none")
    est = scores_2021.estimate.stack().to_numpy()
    se = scores_2021.std_error.stack().to_numpy()
    df = scores_2021.df_frame.to_numpy(dtype=float).ravel()
    q = stats.t.ppf(0.95, df)
    np.testing.assert_allclose(ci["ci_low"], est - q * se, rtol=1e-13)
    np.testing.assert_allclose(ci["ci_high"], est + q * se, rtol=1e-13)
    assert (ci["transform"] == "none").all()
    assert list(ci.columns) == [
        "estimate", "std_error", "ci_low", "ci_high", "df", "confidence_level", "transform"
    ]


def test_logit_interval_formula():
    b = pd.DataFrame({"low": [0.0, 20.0], "high": [10.0, 80.0]}, index=["d5", "total"])
    est = pd.DataFrame({"d5": [9.60], "total": [71.0]}, index=["Vân Đồn"])
    se = pd.DataFrame({"d5": [0.16], "total": [1.5]}, index=["Vân Đồn"])
    s = Scores.from_estimates(est, se, df=5, bounds=b)
    ci = s.confidence_interval(0.95, transform="logit")
    q = stats.t.ppf(0.975, 5)
    for m, lo, hi in (("d5", 0.0, 10.0), ("total", 20.0, 80.0)):
        x, sx = float(est[m].iloc[0]), float(se[m].iloc[0])
        p = (x - lo) / (hi - lo)
        g, gse = np.log(p / (1 - p)), sx / ((x - lo) * (hi - x) / (hi - lo))
        expected = [lo + (hi - lo) / (1 + np.exp(-(g - q * gse))), lo + (hi - lo) / (1 + np.exp(-(g + q * gse)))]
        np.testing.assert_allclose(ci.loc[("Vân Đồn", m), ["ci_low", "ci_high"]].to_numpy(float), expected)
    # normal critical value with method="normal"
    cn = s.confidence_interval(0.95, method="normal", transform="logit").loc[("Vân Đồn", "d5")]
    p, gse = 0.96, 0.16 / (9.6 * 0.4 / 10)
    z = stats.norm.ppf(0.975)
    assert cn["ci_high"] == pytest.approx(10 * special.expit(special.logit(p) + z * gse))


def test_auto_transforms_only_bounded_measures():
    b = pd.DataFrame({"low": [0.0], "high": [10.0]}, index=["x"])
    est = pd.DataFrame({"x": [9.5], "y": [9.5]}, index=["A"])
    se = pd.DataFrame({"x": [0.4], "y": [0.4]}, index=["A"])
    s = Scores.from_estimates(est, se, df=4, bounds=b)
    ci = s.confidence_interval()
    assert ci.loc[("A", "x"), "transform"] == "logit"
    assert ci.loc[("A", "y"), "transform"] == "none"
    assert ci.loc[("A", "y"), "ci_high"] > 10  # unknown scale: nothing to stay inside
    assert ci.loc[("A", "x"), "ci_high"] < 10
    assert Scores.from_estimates(est, se, df=4).confidence_interval()["transform"].eq("none").all()
    with pytest.raises(DGIError, match=r"'transform'.*\['y'\]"):
        s.confidence_interval(transform="logit")


def test_rule_at_the_bounds():
    b = pd.DataFrame({"low": [0.0], "high": [10.0]}, index=["x"])
    est = pd.Series([10.0, 0.0, 10.0, 9.0], index=list("ABCD"), name="x")
    se = pd.Series([0.0, 0.0, 0.3, 0.0], index=list("ABCD"))
    ci = Scores.from_estimates(est, se, df=5, bounds=b).confidence_interval()
    assert ci["transform"].tolist() == ["clipped"] * 4
    q = stats.t.ppf(0.975, 5)
    np.testing.assert_allclose(ci["ci_low"], [10.0, 0.0, 10.0 - q * 0.3, 9.0])
    np.testing.assert_allclose(ci["ci_high"], [10.0, 0.0, 10.0, 9.0])


def test_to_frame_and_summary_follow(scores_2021):
    tf = scores_2021.to_frame()
    assert "transform" in tf.columns
    assert (tf.loc[tf["measure"] == "total", "ci_high"] <= 80.0).all()
    assert (tf.loc[tf["measure"] == "composite", "ci_high"] <= 100.0).all()
    assert (scores_2021.to_frame(transform="none")["transform"] == "none").all()
    text = str(scores_2021.summary("d5_admin_procedures"))
    assert "logit" in text
    assert "d5_admin_procedures" in text


# --------------------------------------------------------------------------- propagation
def _bounded() -> Scores:
    est = pd.DataFrame({"x": [9.0, 5.0], "y": [8.0, 2.0], "z": [1.0, 3.0]}, index=["A", "B"])
    se = est * 0 + 0.5
    b = pd.DataFrame({"low": [0.0, 1.0], "high": [10.0, 5.0]}, index=["x", "y"])  # z: unknown
    return Scores.from_estimates(est, se, df=5, bounds=b)


def test_bounds_through_linear_map_select_and_difference():
    s = _bounded()
    assert np.isnan(s.bounds.loc["z"]).all()
    w = pd.DataFrame(
        {"x": [1.0, 0.5, 1.0, 0.0], "y": [1.0, -2.0, 0.0, 0.0], "z": [0.0, 0.0, 1.0, 0.0]},
        index=["sum", "mix", "with_z", "const"],
    )
    off = pd.Series({"sum": 0.0, "mix": 3.0, "with_z": 0.0, "const": 2.0})
    out = s.linear_map(w, off)
    b = out.bounds
    assert list(b.index) == ["x", "y", "z", "sum", "mix", "with_z", "const"]
    assert b.loc["sum"].tolist() == [1.0, 15.0]
    # 0.5 * [0, 10] - 2 * [1, 5] -> [0 - 10, 5 - 2], plus 3
    assert b.loc["mix"].tolist() == [-7.0, 6.0]
    assert np.isnan(b.loc["with_z"]).all()
    assert np.isnan(b.loc["const"]).all()
    half = out.linear_map(pd.DataFrame({"sum": [0.5]}, index=["half"]), keep=False)
    assert list(half.bounds.index) == ["half"]
    assert half.bounds.loc["half"].tolist() == [0.5, 7.5]
    # the bounds hold for every point of the box (vertices of x in [0, 10], y in [1, 5])
    for xv in (0.0, 10.0):
        for yv in (1.0, 5.0):
            val = 0.5 * xv - 2 * yv + 3
            assert b.loc["mix", "low"] <= val <= b.loc["mix", "high"]
    # select and __getitem__ carry them; difference drops them
    assert s.select(units=["B"], measures=["y"]).bounds.loc["y"].tolist() == [1.0, 5.0]
    assert s[["y", "x"]].bounds.index.tolist() == ["y", "x"]
    assert (s - s).bounds is None
    # linear_map of a Scores without bounds has none
    assert Scores.from_estimates(s.estimate, s.std_error).linear_map(w).bounds is None


def test_score_bounds_agree_with_measure_map_papi():
    from dgi_stats.datasets._specs import load_spec_file

    spec = load_spec_file("papi_2016")
    b = spec.measure_bounds()
    w, off = spec.measure_map()
    lo = w @ pd.Series(0.0, index=spec.indicator_ids) + off
    hi = w @ pd.Series(1.0, index=spec.indicator_ids) + off
    np.testing.assert_allclose(b.loc[w.index, "low"], lo)
    np.testing.assert_allclose(b.loc[w.index, "high"], hi)
    assert b.loc["composite"].tolist() == pytest.approx([10.0, 100.0])
    assert b.loc[spec.dimension_ids].eq([1.0, 10.0]).all().all()


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "bounds, match",
    [
        (pd.DataFrame({"low": [10.0], "high": [10.0]}, index=["x"]), "low < high"),
        (pd.DataFrame({"low": [5.0], "high": [0.0]}, index=["x"]), "low < high"),
        (pd.DataFrame({"low": [0.0], "high": [np.nan]}, index=["x"]), "low < high"),
        (pd.DataFrame({"lo": [0.0], "hi": [1.0]}, index=["x"]), "columns 'low' and 'high'"),
        (pd.DataFrame({"low": [0.0], "high": [1.0]}, index=["nope"]), r"\['nope'\]"),
        (pd.DataFrame({"low": ["a"], "high": [1.0]}, index=["x"]), "numbers"),
        ((0.0, 10.0), "DataFrame"),
    ],
)
def test_bad_bounds(bounds, match):
    est = pd.Series([5.0], index=["A"], name="x")
    with pytest.raises(DGIError, match="'bounds'") as err:
        Scores.from_estimates(est, pd.Series([1.0], index=["A"]), bounds=bounds)
    assert err.match(match)


def test_bad_transform():
    s = _bounded()
    with pytest.raises(DGIError, match="'transform'"):
        s.confidence_interval(transform="log")  # type: ignore[arg-type]


if __name__ == "__main__":  # the table of docs/methodology/confidence_intervals.md
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(coverage_table().round(3).to_string(index=False))
