"""``score()`` on the bundled SYNTHETIC DGI 2021 survey against R ``survey`` 4.1-1.

The reference files in ``tests/reference/r_dgi`` were made by ``make_reference.R`` there (see the
README beside it): R scores every respondent's answers from ``indicator_map_2021.csv`` (the 2021
spec's scoring rules and measure map, written by :func:`indicator_map` below), builds
``svydesign(ids = ~commune_id, strata = ~district, weights = ~nr_weight, nest = TRUE)``, rakes it to
the bundled margins with ``rake()`` (or turns it into a bootstrap replicate design) and computes
every indicator's available-case mean per unit and the sub-dimensions, dimensions, total and
composite with ``svytotal`` + ``svycontrast`` (checked in R against ``svyby(..., svyratio)``). This
test rebuilds the same designs with dgi_stats (as :func:`dgi_stats.report.analyse_survey` does for
the annual report) and checks every estimate, standard error, degree of freedom and exported
covariance.

All data here are SYNTHETIC.

Run ``python tests/test_reference_r_dgi.py`` from the repository root to rewrite
``indicator_map_2021.csv`` from the spec (then re-run the R generator).
"""

from __future__ import annotations

import hashlib
import io
import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

pytestmark = pytest.mark.reference

YEAR = 2021
REF = Path(__file__).resolve().parent / "reference" / "r_dgi"
MAP_FILE = REF / f"indicator_map_{YEAR}.csv"
DESIGNS = ("taylor", "raked", "raked3", "bootstrap")
TAYLOR_DESIGNS = ("taylor", "raked", "raked3")
RTOL = {"taylor": 1e-9, "raked": 1e-9, "raked3": 1e-9, "bootstrap": 1e-9}
SE_ATOL = 1e-14
#: Raking margins (names of :func:`dgi_stats.datasets.load_margins`) of each raked reference.
RAKE_MARGINS = {
    "raked": ("district_sex_age_group", "district_ethnicity"),
    "raked3": ("district_sex", "district_age_group", "district_ethnicity"),
}
MAP_COLUMNS = [
    "indicator", "item", "kind", "levels", "favourable", "direction", "low", "high",
    "dont_know", "refused", "valid_min", "valid_max", "asked_if_item", "asked_if_codes",
    "subdimension", "dimension", "w_subdimension", "w_dimension", "w_total", "w_composite",
    "b_subdimension", "b_dimension", "b_total", "b_composite",
]


# --------------------------------------------------------------------------- the indicator map
def _codes(values: tuple[int, ...]) -> str:
    return " ".join(str(int(v)) for v in values)


def indicator_map(spec: Any) -> pd.DataFrame:
    """The spec's scoring rules and measure map as one flat table (what the R generator reads).

    One row per indicator (hierarchy order) with its item's scoring rule, its sub-dimension and
    dimension, and its coefficient in (and the offset of) its sub-dimension, dimension, total and
    composite in ``spec.measure_map()``; then one row per filter item that no indicator uses (blank
    ``indicator``), so that R can apply the skip logic (``asked_if``). Code lists are
    space-separated integers.
    """
    weights, offset = spec.measure_map()
    items = {it.id: it for it in spec.items}

    def item_fields(it: Any) -> dict[str, Any]:
        return {
            "item": it.id,
            "kind": it.kind,
            "levels": _codes(it.levels),
            "favourable": _codes(it.favourable),
            "direction": int(it.direction),
            "low": it.low,
            "high": it.high,
            "dont_know": _codes(it.dont_know),
            "refused": _codes(it.refused),
            "valid_min": it.valid_min,
            "valid_max": it.valid_max,
            "asked_if_item": "" if it.asked_if is None else it.asked_if[0],
            "asked_if_codes": "" if it.asked_if is None else _codes(it.asked_if[1]),
        }

    rows = []
    for d in spec.dimensions:
        for s in d.subdimensions:
            for ind in s.indicators:
                rows.append({
                    "indicator": ind.id,
                    **item_fields(items[ind.item]),
                    "subdimension": s.id,
                    "dimension": d.id,
                    "w_subdimension": float(weights.loc[s.id, ind.id]),
                    "w_dimension": float(weights.loc[d.id, ind.id]),
                    "w_total": float(weights.loc["total", ind.id]),
                    "w_composite": float(weights.loc["composite", ind.id]),
                    "b_subdimension": float(offset[s.id]),
                    "b_dimension": float(offset[d.id]),
                    "b_total": float(offset["total"]),
                    "b_composite": float(offset["composite"]),
                })
    used = {r["item"] for r in rows}
    for iid in spec.scored_item_ids:
        if iid not in used:
            rows.append({"indicator": "", **item_fields(items[iid])})
    return pd.DataFrame(rows, columns=MAP_COLUMNS)


def indicator_map_csv(spec: Any) -> str:
    """:func:`indicator_map` as the exact CSV text committed in ``tests/reference/r_dgi``."""
    buf = io.StringIO()
    indicator_map(spec).to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def _main() -> None:
    from dgi_stats.datasets import load_spec

    MAP_FILE.write_text(indicator_map_csv(load_spec(YEAR)), encoding="utf-8")
    print(f"wrote {MAP_FILE}")


# --------------------------------------------------------------------------- reference files
REPO = Path(__file__).resolve().parents[1]


@cache
def reference(design: str) -> dict[str, Any]:
    return json.loads((REF / f"score_{YEAR}_{design}.json").read_text(encoding="utf-8"))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@cache
def python_design(design: str) -> Any:
    """The design R used for ``design``, rebuilt with dgi_stats (as the annual report builds it).

    The data carry, for every indicator ``k``, ``y_<k>`` (score, 0 where missing) and ``a_<k>``
    (1 if answered), the variables of R's ``svyratio`` calls, computed here by the spec.
    """
    from dgi_stats.datasets import load_margins, load_spec, load_survey
    from dgi_stats.survey.design import SurveyDesign
    from dgi_stats.survey.weighting import rake

    data = load_survey(YEAR)
    sc = load_spec(YEAR).score_items(data).scores
    extra = pd.concat(
        [sc.fillna(0.0).add_prefix("y_"), sc.notna().astype(float).add_prefix("a_")], axis=1
    )
    data = pd.concat([data, extra], axis=1)
    if design == "bootstrap":
        # R's bootstrap factors of every PSU, applied to the respondents of that PSU
        ref = reference("bootstrap")
        key = pd.MultiIndex.from_arrays(
            [ref["replicate_psu"]["district"], ref["replicate_psu"]["commune_id"]]
        )
        row = key.get_indexer(pd.MultiIndex.from_frame(data[["district", "commune_id"]]))
        assert (row >= 0).all()
        factors = np.asarray(ref["replicate_factors"], float)[row]
        return SurveyDesign.from_replicate_weights(
            data, weights="nr_weight", replicate_weights=data["nr_weight"].to_numpy()[:, None] * factors,
            method="bootstrap", scale=ref["scale"], rscales=ref["rscales"], mse=bool(ref["mse"]),
        )
    des = SurveyDesign(data, weights="nr_weight", strata="district", psu="commune_id", nest=True)
    if design != "taylor":
        margins = load_margins(YEAR)
        # R: rake(..., control = list(maxit = 100, epsilon = 1e-12))
        des = rake(des, [margins[m] for m in RAKE_MARGINS[design]], tol=1e-12, max_iter=100)
    return des


@cache
def python_scores(design: str) -> Any:
    """``score()`` on the design R used for ``design``."""
    from dgi_stats.datasets import load_spec
    from dgi_stats.scores.index import score

    return score(python_design(design), load_spec(YEAR), by="district")


def _frame(ref: dict[str, Any], key: str, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(ref[key], index=ref["units"], columns=columns, dtype=float)


# --------------------------------------------------------------------------- tests
def test_indicator_map_is_the_spec(reference_dir: Path) -> None:
    """The CSV R scores with is exactly what the 2021 spec says today (fails on any drift)."""
    from dgi_stats.datasets import load_spec

    spec = load_spec(YEAR)
    committed = (reference_dir / "r_dgi" / MAP_FILE.name).read_text(encoding="utf-8")
    assert committed == indicator_map_csv(spec), (
        f"{MAP_FILE.name} no longer matches load_spec({YEAR}); run `python tests/test_reference_r_dgi.py` "
        "then `Rscript tests/reference/r_dgi/make_reference.R` from the repository root"
    )
    # the four coefficients per indicator rebuild the whole measure map, zeros included
    table = pd.read_csv(io.StringIO(committed), keep_default_na=False, dtype=str)
    table = table[table["indicator"] != ""]
    weights, offset = spec.measure_map()
    rebuilt = pd.DataFrame(0.0, index=weights.index, columns=weights.columns)
    b = pd.Series(0.0, index=offset.index)
    for row in table.itertuples(index=False):
        for level, measure in (("subdimension", row.subdimension), ("dimension", row.dimension),
                               ("total", "total"), ("composite", "composite")):
            rebuilt.loc[measure, row.indicator] = float(getattr(row, f"w_{level}"))
            b[measure] = float(getattr(row, f"b_{level}"))
    pd.testing.assert_frame_equal(rebuilt, weights, check_exact=True)
    pd.testing.assert_series_equal(b, offset, check_exact=True, check_names=False)
    assert list(table["indicator"]) == spec.indicator_ids
    assert set(pd.read_csv(io.StringIO(committed), dtype=str)["item"]) == set(spec.scored_item_ids)


@pytest.mark.parametrize("design", DESIGNS)
def test_reference_inputs_unchanged(design: str) -> None:
    """The data the R references were computed from are the committed data (else regenerate)."""
    ref = reference(design)
    assert ref["header"]["survey_version"] == "4.1.1"
    for entry in ref["header"]["inputs"]:
        path = REPO / entry["path"]
        assert _sha256(path) == entry["sha256"], (
            f"{entry['path']} changed since the R reference {ref['header']['date']}; regenerate with "
            "`Rscript tests/reference/r_dgi/make_reference.R` from the repository root"
        )


@pytest.mark.parametrize("design", DESIGNS)
def test_estimates_and_standard_errors(design: str) -> None:
    """Every indicator, sub-dimension, dimension, total and composite of every unit, and its SE."""
    ref = reference(design)
    s = python_scores(design)
    measures = ref["measures"]
    assert list(s.measures) == measures
    assert sorted(s.units) == sorted(ref["units"])
    est = s.estimate.loc[ref["units"], measures]
    se = s.std_error.loc[ref["units"], measures]
    r_est, r_se = _frame(ref, "estimate", measures), _frame(ref, "std_error", measures)
    np.testing.assert_allclose(est.to_numpy(), r_est.to_numpy(), rtol=RTOL[design], atol=0)
    # atol: an indicator every respondent of a unit scores alike has SE 0 (R: ~1e-17 of rounding)
    np.testing.assert_allclose(se.to_numpy(), r_se.to_numpy(), rtol=RTOL[design], atol=SE_ATOL)


@pytest.mark.parametrize("design", DESIGNS)
def test_degrees_of_freedom_and_counts(design: str) -> None:
    ref = reference(design)
    s = python_scores(design)
    units = ref["units"]
    r_df = np.asarray(ref["degf"], float)
    np.testing.assert_array_equal(s.meta["design_df"].loc[units].to_numpy(), r_df)
    # Taylor: each unit is one stratum, so the effective df of every measure is R's degf
    if s.meta.get("df_rule") == "satterthwaite":
        np.testing.assert_allclose(s.df_frame.loc[units].to_numpy(),
                                   np.repeat(r_df[:, None], len(s.measures), 1), rtol=1e-12)
    np.testing.assert_array_equal(s.n.loc[units].to_numpy(), np.asarray(ref["n"]))
    ids = [m for m in ref["measures"] if m in s.missing.columns]
    answered = pd.DataFrame(ref["n_answered"], index=units, columns=ref["measures"][: len(ids)])
    assert list(answered.columns) == ids
    np.testing.assert_array_equal(
        (s.n.loc[units].to_numpy()[:, None] - s.missing.loc[units, ids].to_numpy()), answered.to_numpy()
    )


def _symmetric(upper: list[float], k: int) -> np.ndarray:
    """A k x k symmetric matrix from its upper triangle stored row by row (diagonal included)."""
    m = np.zeros((k, k))
    m[np.triu_indices(k)] = upper
    return m + np.triu(m, 1).T


def _block(s: Any, units: list[str], measures: list[str]) -> np.ndarray:
    idx = pd.MultiIndex.from_product([units, measures], names=["unit", "measure"])
    return s.cov.loc[idx, idx].to_numpy()


@pytest.mark.parametrize("design", DESIGNS)
def test_headline_covariance_of_every_unit(design: str) -> None:
    """The 11 x 11 covariance of the 8 dimensions, total and composite within each unit."""
    ref = reference(design)
    s = python_scores(design)
    head = ref["headline_measures"]
    for unit, rows in ref["headline_cov"].items():
        r = np.asarray(rows, float)
        np.testing.assert_allclose(_block(s, [unit], head), r, rtol=RTOL[design],
                                   atol=RTOL[design] * np.abs(r).max(), err_msg=unit)


@pytest.mark.parametrize("design", DESIGNS)
def test_indicator_covariance(design: str) -> None:
    """The full indicator x indicator covariance of the exported units."""
    ref = reference(design)
    s = python_scores(design)
    ids = ref["measures"][: len(ref["n_answered"][0])]
    assert ref["indicator_cov"], "the reference exports at least one unit's indicator covariance"
    for unit, upper in ref["indicator_cov"].items():
        r = _symmetric(upper, len(ids))
        np.testing.assert_allclose(_block(s, [unit], ids), r, rtol=RTOL[design],
                                   atol=RTOL[design] * np.abs(r).max(), err_msg=unit)


@pytest.mark.parametrize("design", TAYLOR_DESIGNS)
def test_covariance_between_units(design: str) -> None:
    """R's svyby(covmat = TRUE) of one indicator across the 13 units (zero off the diagonal)."""
    ref = reference(design)["cross_unit_cov"]
    s = python_scores(design)
    r = np.asarray(ref["cov"], float)
    py = _block(s, ref["units"], [ref["measure"]])
    np.testing.assert_allclose(py, r, rtol=RTOL[design], atol=RTOL[design] * np.abs(r).max())


def test_annual_report_pipeline_matches_r() -> None:
    """The scores of the annual report (analyse_survey) are R's raked scores.

    The report's design declares certainty communes and the stage fpc from the frame, so its
    standard errors are R's of that design: checked to 1e-7 in
    tests/test_certainty.py::test_report_pipeline_matches_r_raked (reference
    tests/reference/r_certainty). This reference (with-replacement communes) fixes the estimates,
    which do not depend on the variance design.
    """
    from dgi_stats.report.analysis import RAKING_MARGINS, analyse_survey

    assert tuple(RAKING_MARGINS) == RAKE_MARGINS["raked"]
    ref = reference("raked")
    s = analyse_survey(YEAR).scores
    measures = ref["measures"]
    np.testing.assert_allclose(s.estimate.loc[ref["units"], measures].to_numpy(),
                               _frame(ref, "estimate", measures).to_numpy(), rtol=1e-7, atol=0)




@pytest.mark.parametrize("design", TAYLOR_DESIGNS)
def test_indicator_means_by_ratio(design: str) -> None:
    """``estimation.ratio`` by unit reproduces R's svyby(~y_k, ~district, denominator = ~a_k, svyratio)."""
    from dgi_stats.survey.estimators import ratio

    ref = reference(design)
    check = ref["svyratio_check"]
    des = python_design(design)
    units = ref["units"]
    r_est = pd.DataFrame(check["estimate"], index=units, columns=check["indicators"], dtype=float)
    r_se = pd.DataFrame(check["std_error"], index=units, columns=check["indicators"], dtype=float)
    for k in check["indicators"]:
        res = ratio(des, f"y_{k}", f"a_{k}", by="district")
        est = res.estimate.xs(f"y_{k}/a_{k}", level=-1).loc[units]
        se = res.std_error.xs(f"y_{k}/a_{k}", level=-1).loc[units]
        np.testing.assert_allclose(est.to_numpy(), r_est[k].to_numpy(), rtol=RTOL[design], atol=0,
                                   err_msg=k)
        np.testing.assert_allclose(se.to_numpy(), r_se[k].to_numpy(), rtol=RTOL[design],
                                   atol=SE_ATOL, err_msg=k)


def test_bootstrap_replicates_of_total_and_composite() -> None:
    """The 50 replicate estimates of every unit's total and composite under R's bootstrap factors."""
    ref = reference("bootstrap")
    s = python_scores("bootstrap")
    assert s.replicates is not None
    for unit, rows in ref["replicates_total_composite"].items():
        py = s.replicates.loc[:, [(unit, "total"), (unit, "composite")]].to_numpy()
        np.testing.assert_allclose(py, np.asarray(rows, float), rtol=1e-9, atol=0, err_msg=unit)


if __name__ == "__main__":
    _main()
