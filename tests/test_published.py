"""load_published: real figures only, one row per figure, each with its source."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from dgi_stats.datasets import load_published
from dgi_stats.units import match_unit, units_frame

COLUMNS = ["index", "year", "unit", "measure", "value", "rank", "n_units", "source", "note"]


@pytest.fixture(scope="module")
def pub() -> pd.DataFrame:
    return load_published()


def test_columns_and_types(pub: pd.DataFrame) -> None:
    assert list(pub.columns) == COLUMNS
    assert set(pub["index"]) == {"DGI", "PAPI"}
    assert pub["year"].dtype == "int64"
    assert pub["rank"].dtype == "Int64"
    assert pub["value"].dtype == "float64"
    assert pub["source"].notna().all()
    assert (pub["source"].str.len() > 10).all()


def test_one_row_per_figure(pub: pd.DataFrame) -> None:
    key = pub[["index", "year", "unit", "measure"]].astype(str)
    assert not key.duplicated().any()


def test_dgi_units_are_canonical_catalogue_names(pub: pd.DataFrame) -> None:
    dgi_units = pub.loc[(pub["index"] == "DGI") & pub["unit"].notna(), "unit"]
    catalogue = set(units_frame().index)
    for unit in dgi_units:
        assert match_unit(unit) == unit
        assert unit in catalogue
    assert set(pub.loc[pub["index"] == "PAPI", "unit"].dropna()) == {"Quảng Ninh"}


def test_uong_bi_2021_dimensions_with_source(pub: pd.DataFrame) -> None:
    ub = pub[(pub["year"] == 2021) & (pub["unit"] == "Uông Bí")].set_index("measure")
    dims = [m for m in ub.index if re.fullmatch(r"d[1-8]_\w+", m)]
    assert len(dims) == 8
    assert ub.loc[dims, "source"].str.contains("Kim Thuỷ").all()
    assert ub.loc["rank", "rank"] == 1
    assert ub.loc["rank", "n_units"] == 13


def test_rank_rows_are_consistent(pub: pd.DataFrame) -> None:
    ranks = pub[pub["measure"] == "rank"]
    known = ranks[ranks["value"].notna()]
    assert (known["value"] == known["rank"].astype(float)).all()
    assert pub.loc[pub["measure"] != "rank", "rank"].isna().all()


def test_unknown_figures_are_absent_not_guessed(pub: pd.DataFrame) -> None:
    # the 2022 DGI winner is not public: an explicit NOT FOUND row without unit or value
    row = pub[(pub["index"] == "DGI") & (pub["year"] == 2022)]
    assert len(row) == 1
    assert pd.isna(row["unit"].iloc[0])
    assert pd.isna(row["value"].iloc[0])
    assert "NOT FOUND" in row["note"].iloc[0]
    # no DGI figures for units other than the three with public results
    assert set(pub.loc[pub["index"] == "DGI", "unit"].dropna()) == {"Uông Bí", "Tiên Yên", "Cô Tô"}
    # the implied rank is labelled as implied
    r2020 = pub[(pub["year"] == 2020) & (pub["unit"] == "Uông Bí") & (pub["measure"] == "rank")]
    assert r2020["rank"].iloc[0] == 6
    assert "implied" in r2020["note"].iloc[0]


def test_papi_quang_ninh_totals(pub: pd.DataFrame) -> None:
    papi = pub[(pub["index"] == "PAPI") & (pub["unit"] == "Quảng Ninh")]
    totals = papi[papi["measure"] == "total"].set_index("year")
    ranks = papi[papi["measure"] == "rank"].set_index("year")["rank"]
    assert sorted(totals.index) == [2019, 2020, 2022, 2024]
    assert ranks.to_dict() == {2019: 3, 2020: 1, 2022: 1, 2024: 1}
    assert "48.881" in totals.loc[2020, "note"]
    assert "quang-ninh-leads-in-papi-2020-rankings" in totals.loc[2020, "source"]
    mean24 = pub[(pub["index"] == "PAPI") & (pub["measure"] == "mean_total")]
    assert mean24["year"].tolist() == [2024]


def test_every_figure_and_source_is_in_the_context_file(pub: pd.DataFrame,
                                                        shared_dir: Path) -> None:
    """Nothing invented: each value is printed in methods/dgi_context.md, each URL is cited there."""
    text = (shared_dir / "methods" / "dgi_context.md").read_text(encoding="utf-8")
    for row in pub.itertuples():
        if pd.notna(row.value):
            assert f"{row.value:g}" in text, row
        for url in re.findall(r"https?://\S+", str(row.source)):
            assert url in text, url
        for slug in re.findall(r'"([a-z0-9-]{20,})"', str(row.source)):
            assert slug in text, slug
