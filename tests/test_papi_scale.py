"""The PAPI scale on the official 2011-2016 provincial data (read from ../shared; never committed).

dgi_context.md: "each dimension 1-10 and equal to the sum of its sub-dimension scores; a dimension with
k sub-dimensions gives each sub-dimension the range [1/k, 10/k]; total = plain sum of dimensions",
e.g. An Giang 2016, participation = 0.874 + 1.552 + 1.145 + 0.910 = 4.481.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dgi_stats.datasets._papi import load_papi, papi_wide
from dgi_stats.datasets._specs import load_spec_file
from dgi_stats.exceptions import DGIError
from dgi_stats.scores.spec import IndexSpec

pytest.importorskip("openpyxl")


@pytest.fixture(scope="module")
def papi(shared_dir: Path) -> pd.DataFrame:
    path = shared_dir / "data" / "papi" / "PAPI_2011-2016.xlsx"
    if not path.is_file():
        pytest.skip("official PAPI 2011-2016 workbook absent")
    return load_papi(path)


@pytest.fixture(scope="module")
def spec() -> IndexSpec:
    return load_spec_file("papi_2016")


def _wide(papi: pd.DataFrame, year: int) -> pd.DataFrame:
    part = papi[(papi["year"] == year) & (papi["note"] == "")]
    return part.pivot(index="province", columns="measure", values="value")


def test_layout(papi: pd.DataFrame) -> None:
    assert sorted(papi["year"].unique()) == [2011, 2012, 2013, 2014, 2015, 2016]
    per_year = papi.groupby("year")["province_id"].nunique()
    assert (per_year == 63).all()
    assert set(papi["level"]) == {"subdimension", "dimension", "total"}
    counts = papi[(papi["year"] == 2016) & (papi["province"] == "Quang Ninh")]["level"].value_counts()
    assert counts.to_dict() == {"subdimension": 22, "dimension": 6, "total": 1}
    assert "Highest" not in set(papi["province"])


def test_an_giang_2016_participation(papi: pd.DataFrame) -> None:
    ag = papi[(papi["year"] == 2016) & (papi["province"] == "An Giang")].set_index("measure")
    subs = ag.loc[["d1_s1", "d1_s2", "d1_s3", "d1_s4"], "value"].round(3).tolist()
    assert subs == [0.874, 1.552, 1.145, 0.910]
    assert round(ag.loc["d1_participation", "value"], 3) == 4.481


@pytest.mark.parametrize("year", [2011, 2012, 2013, 2014, 2015, 2016])
def test_dimension_is_sum_of_subdimensions_and_total_sum_of_dimensions(
    papi: pd.DataFrame, spec: IndexSpec, year: int
) -> None:
    wide = _wide(papi, year)
    assert len(wide) == (61 if year == 2014 else 63)  # 2014: two provinces without scores
    w, b = spec.aggregate_map()
    computed = wide[spec.subdimension_ids] @ w.T + b
    # sheets store scores to ~7 significant digits (float32 in 2015-2016)
    np.testing.assert_allclose(computed[spec.dimension_ids], wide[spec.dimension_ids], atol=5e-6)
    np.testing.assert_allclose(computed["total"], wide["total"], atol=2e-5)
    # and the published total is the sum of the published dimensions
    np.testing.assert_allclose(wide[spec.dimension_ids].sum(axis=1), wide["total"], atol=1e-9)


@pytest.mark.parametrize("year", [2011, 2012, 2013, 2014, 2015, 2016])
def test_subdimensions_span_papi_ranges(papi: pd.DataFrame, spec: IndexSpec, year: int) -> None:
    wide = _wide(papi, year)
    w, b = spec.measure_map()
    lowest, highest = b, w.sum(axis=1) + b  # every indicator at 0 / at 1
    subs = wide[spec.subdimension_ids]
    assert (subs >= lowest[spec.subdimension_ids] - 1e-9).all().all()
    assert (subs <= highest[spec.subdimension_ids] + 1e-9).all().all()
    dims = wide[spec.dimension_ids]
    assert ((dims >= 1) & (dims <= 10)).all().all()
    assert ((wide["total"] >= 6) & (wide["total"] <= 60)).all()


def test_spec_hierarchy_mirrors_the_official_2016_sheet(papi: pd.DataFrame,
                                                        spec: IndexSpec) -> None:
    heads = papi[(papi["year"] == 2016) & (papi["province"] == "Ha Noi")].set_index("measure")
    for d in spec.dimensions:
        assert heads.loc[d.id, "name_vi"] == d.name_vi
        for s in d.subdimensions:
            assert heads.loc[s.id, "name_vi"] == s.name_vi
            assert heads.loc[s.id, "dimension"] == d.id


def test_provinces_without_scores_are_kept_as_missing(papi: pd.DataFrame) -> None:
    empty = papi[(papi["year"] == 2014) & (papi["note"] != "")]
    assert set(empty["province"]) == {"Bac Giang", "Dong Thap"}
    assert empty["value"].isna().all()  # the sheet's total of 0 is not a score


def test_load_papi_bad_path(tmp_path: Path) -> None:
    with pytest.raises(DGIError, match="'path' parameter of load_papi"):
        load_papi(tmp_path / "missing.xlsx")


@pytest.mark.parametrize("year", [2011, 2016])
def test_measure_map_rebuilds_dimensions_from_papi_scaling(
    papi: pd.DataFrame, spec: IndexSpec, year: int
) -> None:
    """Invert each sub-dimension to its [0, 1] mean u_s = (k * score - 1) / 9, push it through the
    full PAPI-scale measure map (one indicator per sub-dimension here) and get the published
    sub-dimensions, dimensions and totals back."""
    wide = papi_wide(papi, year).dropna()
    k = pd.Series({s.id: len(d.subdimensions) for d in spec.dimensions for s in d.subdimensions})
    u = (wide[spec.subdimension_ids] * k - 1) / 9
    assert ((u >= -1e-7) & (u <= 1 + 1e-7)).all().all()
    indicators = u.set_axis([f"{s}_i1" for s in u.columns], axis=1)[spec.indicator_ids]
    w, b = spec.measure_map()
    rebuilt = indicators @ w.T + b
    np.testing.assert_allclose(rebuilt[spec.subdimension_ids], wide[spec.subdimension_ids],
                               atol=1e-12)
    np.testing.assert_allclose(rebuilt[spec.dimension_ids], wide[spec.dimension_ids], atol=5e-6)
    np.testing.assert_allclose(rebuilt["total"], wide["total"], atol=2e-5)
    np.testing.assert_allclose(rebuilt["composite"], wide["total"] / 60 * 100, atol=1e-4)


def test_papi_wide(papi: pd.DataFrame) -> None:
    wide = papi_wide(papi, 2014)
    assert wide.shape == (63, 29)
    assert wide.loc[["Bac Giang", "Dong Thap"]].isna().all().all()
    assert papi_wide(papi, 2016, level="dimension").columns[0] == "d1_participation"
    with pytest.raises(DGIError, match="no rows for year=2030"):
        papi_wide(papi, 2030)
