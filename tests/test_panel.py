"""Panel designs (the same communes surveyed in two years): score_panel against R survey 4.1-1.

Reference: tests/reference/r_panel (data generator, R script, calls and versions in its README and
JSON header). A stacked two-year SYNTHETIC panel, 3 districts x 3 communes x 9-12 respondents x 2
years: ``svyby(~i1 + i2 + i3, ~district + year, des, svymean, covmat = TRUE)`` on the Taylor
design, on its JKn replicate design, and on the same data with the 2022 communes renamed (no
shared PSU). Then a short coverage simulation: with persistent commune effects, the interval of
a unit's year difference that uses the panel's cross covariance has its nominal coverage, and the
one that treats the years as independent samples is far too wide.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import dgi_stats as ds
from dgi_stats.exceptions import DGIError

TOL = 1e-9
TOTAL = {"i1": 5.0, "i2": 5.0, "i3": 0.5}


class PanelSpec:
    """Three indicators; total = 5 i1 + 5 i2 + 0.5 i3 (the R script's contrast)."""

    unit_column = "district"

    def __init__(self, items: tuple[str, ...] = ("i1", "i2", "i3")) -> None:
        self.items = list(items)

    def score_items(self, data: pd.DataFrame) -> pd.DataFrame:
        return data[self.items].astype(float)

    def measure_map(self) -> tuple[pd.DataFrame, pd.Series]:
        w = pd.DataFrame({i: [TOTAL.get(i, 5.0)] for i in self.items}, index=["total"])
        return w, pd.Series([0.0], index=["total"])


@pytest.fixture(scope="module")
def reference(reference_dir):
    return json.loads((reference_dir / "r_panel" / "panel.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def data(reference_dir):
    """The SYNTHETIC stacked panel, and ``commune2``: the 2022 communes under new ids."""
    d = pd.read_csv(reference_dir / "r_panel" / "panel_SYNTHETIC.csv")
    d["commune2"] = np.where(d["year"] == 2022, d["commune"] + "-new", d["commune"])
    return d


def _design(data: pd.DataFrame, name: str) -> ds.SurveyDesign:
    psu = "commune2" if name == "independent" else "commune"
    des = ds.SurveyDesign(data, weights="w", strata="district", psu=psu, nest=True)
    return des.replicate("jkn") if name == "jkn" else des


def _keys(ref: dict) -> pd.MultiIndex:
    """R's coefficient order as (year, unit, measure)."""
    return pd.MultiIndex.from_tuples(
        list(zip(ref["year"], ref["district"], ref["variable"], strict=True))
    )


# ------------------------------------------------------------------------------------ against R
@pytest.mark.reference
@pytest.mark.parametrize("name", ["taylor", "jkn", "independent"])
def test_means_and_joint_covariance_match_r(reference, data, name):
    ref = reference["designs"][name]
    assert len(data) == reference["provenance"]["rows"]
    panel = ds.score_panel(_design(data, name), PanelSpec(), year="year")
    keys = _keys(ref)
    est = np.array([panel.year(y).estimate.loc[u, v] for y, u, v in keys])
    np.testing.assert_allclose(est, np.array(ref["coef"], dtype=float), rtol=0, atol=TOL)
    got = panel.cov.loc[keys, keys].to_numpy()
    want = np.array(ref["vcov"], dtype=float)
    np.testing.assert_allclose(got, want, rtol=0, atol=TOL)
    # the blocks as the user sees them: within each year, and across years
    for y in panel.years:
        sel = keys.get_level_values(0) == y
        rows = pd.MultiIndex.from_arrays([keys[sel].get_level_values(1), keys[sel].get_level_values(2)])
        np.testing.assert_allclose(
            panel.year(y).cov.loc[rows, rows].to_numpy(), want[np.ix_(sel, sel)], rtol=0, atol=TOL
        )
    after, before = keys.get_level_values(0) == 2022, keys.get_level_values(0) == 2021
    r_idx = pd.MultiIndex.from_arrays([keys[after].get_level_values(1), keys[after].get_level_values(2)])
    c_idx = pd.MultiIndex.from_arrays([keys[before].get_level_values(1), keys[before].get_level_values(2)])
    cross = panel.cross_cov(2022, 2021).loc[r_idx, c_idx].to_numpy()
    np.testing.assert_allclose(cross, want[np.ix_(after, before)], rtol=0, atol=TOL)
    if name == "independent":
        # no shared PSU: zero up to rounding (the PSU totals are centred at their stratum mean,
        # which is zero only up to rounding; R's vcov holds the same ~1e-34 entries)
        assert np.abs(panel.cross_cov(2022, 2021).to_numpy()).max() < 1e-25
    else:
        assert np.abs(cross).max() > 1e-3  # shared communes: clearly not 0


@pytest.mark.reference
@pytest.mark.parametrize("name", ["taylor", "jkn", "independent"])
def test_panel_difference_matches_r_svycontrast(reference, data, name):
    ref = reference["designs"][name]
    unit = reference["contrast_unit"]
    assert reference["total_weights"] == TOTAL
    panel = ds.score_panel(_design(data, name), PanelSpec(), year="year")
    diff = panel.difference(2022, 2021)
    assert diff.estimate.loc[unit, "total"] == pytest.approx(ref["contrast"]["estimate"], abs=TOL)
    var = diff.cov.loc[(unit, "total"), (unit, "total")]
    assert var == pytest.approx(ref["contrast"]["variance"], abs=TOL)
    # df of the panel difference: the smaller of the two years' (here both = R's degf per domain)
    assert (diff.df_for("total") == min(panel.year(2021).df_for("total").min(),
                                        panel.year(2022).df_for("total").min())).all()


@pytest.mark.reference
def test_design_df_per_unit_and_year_match_r_degf(reference, data):
    ref = reference["designs"]["taylor"]
    panel = ds.score_panel(_design(data, "taylor"), PanelSpec(), year="year")
    n_dom = len(ref["degf_by_domain"])
    for i in range(n_dom):
        u, y = ref["district"][i], ref["year"][i]
        assert panel.year(y).meta["design_df"].loc[u] == ref["degf_by_domain"][i]


# ------------------------------------------------------------------------------------ against score()
@pytest.mark.parametrize("name", ["taylor", "jkn"])
def test_each_year_is_what_score_gives_on_that_year_alone(data, name):
    """Every commune surveyed in both years, one stratum per unit: the year's Scores is score()'s."""
    panel = ds.score_panel(_design(data, name), PanelSpec(), year="year")
    for y in panel.years:
        one = ds.score(_design(data[data["year"] == y].reset_index(drop=True), name), PanelSpec())
        got = panel.year(y)
        pd.testing.assert_frame_equal(got.estimate, one.estimate, rtol=0, atol=1e-12)
        pd.testing.assert_frame_equal(got.cov, one.cov, rtol=0, atol=1e-12)
        pd.testing.assert_frame_equal(got.df_frame, one.df_frame)
        pd.testing.assert_series_equal(got.meta["design_df"], one.meta["design_df"])
        pd.testing.assert_series_equal(got.n, one.n)
        assert got.method == one.method


def test_a_partial_panel_scales_each_year_by_the_stacked_strata(data):
    """Not all communes shared: a stratum has more PSUs stacked than in one year.

    With one stratum per unit the linearised values of a unit's mean sum to zero over its PSUs,
    so the year's variance is the year-alone one times ``[n_h / (n_h - 1)] / [n_y / (n_y - 1)]``
    (stacked PSUs ``n_h``, the year's ``n_y``): the with-replacement factor of the stacked stratum,
    as R's svyby on the stacked design computes it. Not exactly score() on the year alone.
    """
    d = data.copy()
    renamed = (d["year"] == 2022) & (d["commune"] == "C21")  # D2: 2 shared + 1 new commune each year
    d.loc[renamed, "commune"] = "C21-new"
    panel = ds.score_panel(_design(d, "taylor"), PanelSpec(), year="year")
    for y in panel.years:
        one = ds.score(_design(d[d["year"] == y].reset_index(drop=True), "taylor"), PanelSpec())
        ratio = (panel.year(y).std_error / one.std_error) ** 2
        np.testing.assert_allclose(ratio.loc["D2"], (4 / 3) / (3 / 2), rtol=1e-12)
        np.testing.assert_allclose(ratio.drop("D2"), 1.0, rtol=1e-12)


def test_score_itself_is_unchanged_by_the_shared_helper(data):
    """score() through score_domains: same units, labels and numbers as one domain_means call."""
    one = data[data["year"] == 2021].reset_index(drop=True)
    design = _design(one, "taylor")
    s = ds.score(design, PanelSpec())
    y = one[["i1", "i2", "i3"]].to_numpy(dtype=float)
    dm = ds.survey.means.domain_means(design, y, np.ones_like(y, dtype=bool), by="district")
    assert s.units.name == "unit"
    assert list(s.units) == list(dm.labels)
    np.testing.assert_array_equal(s.estimate[["i1", "i2", "i3"]].to_numpy(), dm.estimate)
    np.testing.assert_array_equal(s.select(measures=["i1", "i2", "i3"]).cov.to_numpy(), dm.cov)


# ------------------------------------------------------------------------------------ the API
def test_cross_cov_is_what_scores_difference_takes(data):
    panel = ds.score_panel(_design(data, "taylor"), PanelSpec(), year="year", label="SYNTHETIC")
    c = panel.cross_cov(2022, 2021)
    a, b = panel.year(2022), panel.year(2021)
    assert c.index.equals(a.cov.index)
    assert c.columns.equals(b.cov.columns)
    assert list(c.index.names) == ["unit", "measure"]
    pd.testing.assert_frame_equal(panel.difference(2022, 2021).cov, a.difference(b, cross_cov=c).cov)
    # Cov(before, after) is the transpose
    np.testing.assert_allclose(panel.cross_cov(2021, 2022).to_numpy(), c.to_numpy().T, rtol=0, atol=1e-15)
    sub = panel.cross_cov(2022, 2021, measures=["total"])
    assert sub.shape == (3, 3)
    assert sub.loc[("D2", "total"), ("D2", "total")] == c.loc[("D2", "total"), ("D2", "total")]
    assert a.label == "SYNTHETIC, 2022"
    assert a.meta["year"] == 2022


def test_frame_summary_and_repr(data):
    panel = ds.score_panel(_design(data, "taylor"), PanelSpec(), year="year")
    frame = panel.to_frame()
    assert list(frame.columns[:3]) == ["year", "unit", "measure"]
    assert len(frame) == 2 * 3 * 4
    table = panel.summary().table
    assert {"change", "se_change", "se_independent", "correlation"} <= set(table.columns)
    assert (table["se_change"] < table["se_independent"]).all()
    assert "PanelScores" in repr(panel)
    assert "<h4>" in panel._repr_html_()


def test_inputs_are_not_modified(data):
    before = data.copy()
    design = _design(data, "taylor")
    ds.score_panel(design, PanelSpec(), year="year")
    pd.testing.assert_frame_equal(data, before)
    pd.testing.assert_frame_equal(design.data, before)


def test_clear_errors(data):
    design = _design(data, "taylor")
    with pytest.raises(DGIError, match="'year' parameter"):
        ds.score_panel(design, PanelSpec(), year="wave")
    with pytest.raises(DGIError, match="unit column"):
        ds.score_panel(design, PanelSpec(), year="district")
    with pytest.raises(DGIError, match="at least two"):
        ds.score_panel(_design(data[data["year"] == 2021], "taylor"), PanelSpec(), year="year")
    gap = data[~((data["district"] == "D3") & (data["year"] == 2022))]
    with pytest.raises(DGIError, match=r"'D3' has no respondent in year 2022"):
        ds.score_panel(_design(gap, "taylor"), PanelSpec(), year="year")
    with pytest.raises(DGIError, match="'design' parameter"):
        ds.score_panel(data, PanelSpec(), year="year")
    panel = ds.score_panel(design, PanelSpec(), year="year")
    with pytest.raises(DGIError, match=r"'after' parameter.*did you mean 2022"):
        panel.cross_cov("2022", 2021)
    with pytest.raises(DGIError, match="'year' parameter"):
        panel.year(2030)
    with pytest.raises(DGIError, match="'measures' parameter"):
        panel.cross_cov(2022, 2021, measures=["totl"])
    missing = data.copy()
    missing.loc[missing.index[:2], "year"] = np.nan
    with pytest.raises(DGIError, match="missing values"):
        ds.score_panel(_design(missing, "taylor"), PanelSpec(), year="year")


# ------------------------------------------------------------------------------------ coverage
def _simulate_panel(rng: np.random.Generator, n_surveys: int) -> dict[str, np.ndarray]:
    """SYNTHETIC panels: 2 districts x 6 communes x 10 respondents x 2 years, new communes each survey.

    A commune's effect on both indicators is persistent (N(0, 0.3²)) plus yearly (N(0, 0.1²)), so
    its two years' means correlate at about 0.7; the true change of district A's total is
    5 x (0.2 + 0.1) = 1.5. Weights vary by commune and respondent.
    """
    n_comm, n_resp = 6, 10
    mu = {("A", 2021): (0.0, 0.0), ("A", 2022): (0.2, 0.1), ("B", 2021): (0.5, 0.5), ("B", 2022): (0.5, 0.5)}
    spec = PanelSpec(("i1", "i2"))
    out: dict[str, list[float]] = {"change": [], "se_panel": [], "se_indep": [], "covered": []}
    for _ in range(n_surveys):
        frames = []
        for unit in ("A", "B"):
            persistent = rng.normal(0.0, 0.3, n_comm)
            w_comm = rng.uniform(0.5, 2.0, n_comm)
            for year in (2021, 2022):
                yearly = rng.normal(0.0, 0.1, n_comm)
                comm = np.repeat(np.arange(n_comm), n_resp)
                eff = (persistent + yearly)[comm]
                m1, m2 = mu[(unit, year)]
                frames.append(pd.DataFrame({
                    "district": unit, "commune": [f"{unit}{c}" for c in comm], "year": year,
                    "w": w_comm[comm] * rng.uniform(0.8, 1.25, comm.size),
                    "i1": m1 + eff + rng.normal(0.0, 0.5, comm.size),
                    "i2": m2 + eff + rng.normal(0.0, 0.5, comm.size),
                }))
        d = pd.concat(frames, ignore_index=True)
        design = ds.SurveyDesign(d, weights="w", strata="district", psu="commune", nest=True)
        panel = ds.score_panel(design, spec, year="year")
        diff = panel.difference(2022, 2021)
        ci = diff.confidence_interval(transform="none").loc[("A", "total")]
        a, b = panel.year(2022), panel.year(2021)
        out["change"].append(float(ci["estimate"]))
        out["se_panel"].append(float(ci["std_error"]))
        out["se_indep"].append(float(np.hypot(a.std_error.loc["A", "total"], b.std_error.loc["A", "total"])))
        out["covered"].append(float(ci["ci_low"] <= 1.5 <= ci["ci_high"]))
    return {k: np.asarray(v) for k, v in out.items()}


def _check_coverage(sim: dict[str, np.ndarray]) -> dict[str, float]:
    n = len(sim["change"])
    coverage = float(sim["covered"].mean())
    mc_sd = float(sim["change"].std(ddof=1))
    se_panel = float(np.sqrt(np.mean(sim["se_panel"] ** 2)))
    se_indep = float(np.sqrt(np.mean(sim["se_indep"] ** 2)))
    mc_error = np.sqrt(0.95 * 0.05 / n)
    assert coverage >= 0.95 - 3 * mc_error, coverage  # nominal minus 3 Monte Carlo SEs (one-sided)
    assert abs(float(sim["change"].mean()) - 1.5) < 3 * mc_sd / np.sqrt(n)  # unbiased
    assert abs(se_panel / mc_sd - 1.0) < 0.15, (se_panel, mc_sd)  # the panel SE is right
    assert se_indep / mc_sd > 1.25, (se_indep, mc_sd)  # ignoring the cross covariance is not
    return {"coverage": coverage, "ratio_panel": se_panel / mc_sd, "ratio_indep": se_indep / mc_sd}


def test_panel_interval_covers_and_independent_one_is_too_wide():
    sim = _simulate_panel(np.random.default_rng(20261204), 200)
    _check_coverage(sim)


@pytest.mark.slow
def test_panel_interval_covers_and_independent_one_is_too_wide_long():
    sim = _simulate_panel(np.random.default_rng(20261205), 2000)
    res = _check_coverage(sim)
    assert abs(res["coverage"] - 0.95) < 0.02
