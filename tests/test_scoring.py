"""Scoring: unit-level measures, ranks and the DGI's published arithmetic."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dgi_stats.datasets import load_published, load_spec
from dgi_stats.exceptions import (
    DGIDeprecationWarning,
    DGIError,
    MissingDataWarning,
    UnknownUnitError,
)
from dgi_stats.scores.answers import (
    competition_rank,
    composite_percent,
    rank,
    total_from_dimensions,
    unit_scores,
)
from dgi_stats.scores.spec import IndexSpec
from dgi_stats.units import units_frame

DIMS = [
    "d1_participation", "d2_transparency", "d3_accountability", "d4_corruption_control",
    "d5_admin_procedures", "d6_public_services", "d7_environment", "d8_e_governance",
]


# ---------------------------------------------------------------------------- published arithmetic
@pytest.fixture(scope="module")
def published() -> pd.DataFrame:
    return load_published()


def _figure(pub: pd.DataFrame, index: str, year: int, unit: str | None, measure: str) -> float:
    rows = pub[(pub["index"] == index) & (pub["year"] == year) & (pub["measure"] == measure)]
    rows = rows[rows["unit"].isna()] if unit is None else rows[rows["unit"] == unit]
    assert len(rows) == 1, (index, year, unit, measure)
    return float(rows["value"].iloc[0])


def test_uong_bi_2021_total_and_composite(published: pd.DataFrame) -> None:
    dims = pd.Series({d: _figure(published, "DGI", 2021, "Uông Bí", d) for d in DIMS})
    total = total_from_dimensions(dims)
    assert isinstance(total, float)
    published_total = _figure(published, "DGI", 2021, "Uông Bí", "total")
    assert total == published_total  # exact: decimal arithmetic on the printed scores
    assert round(total, 2) == 75.24
    comp = composite_percent(total)
    assert round(comp, 2) == _figure(published, "DGI", 2021, "Uông Bí", "composite")
    assert round(comp, 2) == 94.05


def test_uong_bi_2020_composite(published: pd.DataFrame) -> None:
    total = _figure(published, "DGI", 2020, "Uông Bí", "total")
    comp = composite_percent(total)
    assert comp == 86.1625
    assert round(comp, 2) == _figure(published, "DGI", 2020, "Uông Bí", "composite") == 86.16


def test_mean_2021_composite(published: pd.DataFrame) -> None:
    mean_total = _figure(published, "DGI", 2021, None, "mean_total")
    comp = composite_percent(mean_total)
    assert comp == 90.875
    assert round(comp, 1) == _figure(published, "DGI", 2021, None, "mean_composite") == 90.9


def test_total_from_dimensions_frame_and_nan() -> None:
    dims = pd.DataFrame([[9.44, 8.72], [np.nan, 1.0]], index=["a", "b"])
    got = total_from_dimensions(dims)
    assert isinstance(got, pd.Series)
    assert got["a"] == 18.16
    assert np.isnan(got["b"])  # never a partial sum
    with pytest.raises(DGIError, match="'dims' parameter of total_from_dimensions"):
        total_from_dimensions([9.44, 8.72])  # type: ignore[arg-type]


def test_composite_percent_options() -> None:
    assert composite_percent(44.66, n_dimensions=8) == pytest.approx(55.825)
    assert composite_percent(30.0, n_dimensions=6) == 50.0
    s = composite_percent(pd.Series({"a": 75.24, "b": 68.93}))
    assert isinstance(s, pd.Series)
    assert s.round(2).tolist() == [94.05, 86.16]
    with pytest.raises(DGIError, match="'n_dimensions' parameter of composite_percent"):
        composite_percent(75.0, n_dimensions=0)
    with pytest.raises(DGIError, match="'total' parameter of composite_percent"):
        composite_percent("75")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- ranks
def test_competition_rank_ties_share_best_rank() -> None:
    s = pd.Series({"A": 70.0, "B": 72.0, "C": 72.0, "D": 69.0, "E": np.nan})
    r = competition_rank(s)
    assert r.dtype == "Int64"
    assert r.tolist()[:4] == [3, 1, 1, 4]
    assert r.isna().tolist() == [False, False, False, False, True]
    assert competition_rank(s, ascending=True).tolist()[:4] == [2, 3, 3, 1]
    # the same rule as pandas' "min" ranking, NaN kept out
    expect = s.rank(method="min", ascending=False, na_option="keep").astype("Int64")
    assert competition_rank(s).equals(expect)
    # arrays: along the last axis, int64
    arr = competition_rank(np.array([[10.0, 10.0, 5.0], [1.0, 3.0, 2.0]]))
    assert arr.dtype == np.int64
    assert arr.tolist() == [[1, 1, 3], [3, 1, 2]]
    frame = competition_rank(pd.DataFrame({"x": [1.0, 2.0], "y": [2.0, 1.0]}))
    assert frame["x"].tolist() == [2, 1]
    assert frame["y"].tolist() == [1, 2]


def test_competition_rank_uses_unrounded_scores() -> None:
    # both print as 75.24 but are not tied
    s = pd.Series({"X": 75.236, "Y": 75.244, "Z": 75.24})
    assert s.round(2).nunique() == 1
    assert competition_rank(s).tolist() == [3, 1, 2]


def test_competition_rank_bad_input() -> None:
    with pytest.raises(DGIError, match="'scores' parameter of competition_rank"):
        competition_rank([1.0, 2.0])  # type: ignore[call-overload]
    with pytest.raises(DGIError, match="'scores' parameter of competition_rank"):
        competition_rank(pd.Series(["a", "b"]))
    with pytest.raises(DGIError, match="'ascending' parameter of competition_rank"):
        competition_rank(pd.Series([1.0]), ascending=1)  # type: ignore[arg-type]


def test_rank_is_a_deprecated_alias() -> None:
    s = pd.Series({"A": 70.0, "B": 72.0, "C": 72.0, "D": 69.0, "E": np.nan})
    with pytest.warns(DGIDeprecationWarning, match="competition_rank"):
        r = rank(s)
    assert r.equals(competition_rank(s))
    with pytest.warns(DGIDeprecationWarning):
        assert rank(s, method="dense").tolist()[:4] == [2, 1, 1, 3]
    with pytest.warns(DGIDeprecationWarning), pytest.raises(DGIError, match="'method' parameter of rank must be one of"):
        rank(pd.Series([1.0]), method="average")  # type: ignore[arg-type]
    with pytest.warns(DGIDeprecationWarning), pytest.raises(DGIError, match="'scores' parameter of rank"):
        rank([1.0, 2.0])  # type: ignore[arg-type]


def test_composite_percent_has_one_home() -> None:
    from dgi_stats.scores import spec as spec_module

    assert composite_percent is spec_module.composite_percent
    spec = load_spec(2021)
    assert spec.composite_maximum == 80.0
    assert spec.composite_percent(75.24) == composite_percent(75.24) == 94.05


# ---------------------------------------------------------------------------- unit scores
@pytest.fixture(scope="module")
def spec() -> IndexSpec:
    return load_spec(2021)


def _answers(spec: IndexSpec, rng: np.random.Generator, n_per_unit: int = 30) -> pd.DataFrame:
    """SYNTHETIC answers for three units, with don't-know codes and blanks."""
    units = ["Uông Bí", "Cô Tô", "Hạ Long"]
    n = n_per_unit * len(units)
    data: dict[str, object] = {
        "respondent_id": [f"R{i:04d}" for i in range(n)],
        "district": np.repeat(units, n_per_unit),
        "w": rng.uniform(0.5, 3.0, n),
    }
    for q in spec.item_ids:
        item = spec.item(q)
        if item.kind == "numeric":
            col = rng.integers(0, int(min(item.valid_max or 200, 200)), n).astype(float)
        elif item.asked_if is None and item.id in {"q105", "q301", "q304", "q501", "q504", "q507",
                                                   "q801"}:
            col = rng.choice([1, 1, 1, 2], n).astype(float)  # filters: mostly "yes"
        else:
            col = rng.choice([*item.levels, *item.levels, 98], n).astype(float)
        col[rng.uniform(size=n) < 0.03] = np.nan
        data[q] = col
    return pd.DataFrame(data)


def test_unit_scores_are_hajek_means_then_measure_map(spec: IndexSpec,
                                                      rng: np.random.Generator) -> None:
    answers = _answers(spec, rng)
    got = unit_scores(answers, spec, weights="w")
    assert list(got.columns) == spec.measure_ids
    assert got.index.name == "district"
    # indicator means written out directly for every unit
    ind = spec.score_items(answers).scores
    for unit, rows in answers.groupby("district"):
        x = ind.loc[rows.index]
        for col in spec.indicator_ids:
            ok = x[col].notna()
            expected = np.average(x.loc[ok, col], weights=rows.loc[ok, "w"])
            np.testing.assert_allclose(got.loc[unit, col], expected, rtol=1e-12)
    w, b = spec.measure_map()
    derived = got[spec.indicator_ids] @ w.T + b
    pd.testing.assert_frame_equal(got[w.index], derived, check_names=False, rtol=1e-12)
    # the rules: total = sum of dimensions, composite = total / 80 x 100
    np.testing.assert_allclose(got["total"], got[DIMS].sum(axis=1), rtol=1e-12)
    np.testing.assert_allclose(got["composite"], got["total"] / 80 * 100, rtol=1e-12)
    assert ((got[DIMS] >= 0) & (got[DIMS] <= 10)).all().all()


def test_unit_scores_unweighted_equals_plain_means(spec: IndexSpec,
                                                   rng: np.random.Generator) -> None:
    answers = _answers(spec, rng)
    got = unit_scores(answers, spec)
    ind = spec.score_items(answers).scores.assign(district=answers["district"])
    expected = ind.groupby("district").mean()
    pd.testing.assert_frame_equal(got[spec.indicator_ids], expected.loc[got.index, spec.indicator_ids],
                                  check_names=False, rtol=1e-12)


def test_unit_scores_do_not_modify_answers(spec: IndexSpec, rng: np.random.Generator) -> None:
    answers = _answers(spec, rng)
    before = answers.copy(deep=True)
    unit_scores(answers, spec, weights="w", expected_units=["Uông Bí", "Cô Tô", "Hạ Long"])
    pd.testing.assert_frame_equal(answers, before)


def test_unit_scores_match_r_svyby_means(shared_dir: Path) -> None:
    """Hájek domain means equal R survey's svyby(..., svymean) point estimates.

    R (survey 4.1-1; shared/reference/r_survey/lonely_psu.json, case
    'ddgi.other60.by_district_mean.adjust.adjust_domain_FALSE'):
    svyby(~dgi_index, ~district, subset(ddgi, ethnicity == "other" & age_group == "60+"), svymean)
    with ddgi = svydesign(ids = ~commune_id, strata = ~district, weights = ~design_weight,
    nest = TRUE, data = respondents.csv). A numeric item with goalposts 0 and 10 turns dgi_index
    (0-10) into an indicator in [0, 1].
    """
    data = pd.read_csv(shared_dir / "data" / "synthetic_dgi" / "respondents.csv")
    ref = json.loads((shared_dir / "reference" / "r_survey" / "lonely_psu.json").read_text())
    case = next(c for c in ref["cases"]
                if c["id"] == "ddgi.other60.by_district_mean.adjust.adjust_domain_FALSE")
    expected = pd.Series(case["result"]["estimate"])
    toy = IndexSpec.from_dict({
        "index": {"name": "toy", "year": 2024, "unit_column": "district"},
        "items": [{"id": "dgi_index", "text": "index", "kind": "numeric", "low": 0, "high": 10}],
        "dimensions": [{"id": "d1", "name_vi": "x", "name_en": "x", "subdimensions": [
            {"id": "d1_s1", "name_vi": "x", "name_en": "x",
             "indicators": [{"id": "d1_s1_i1", "name": "index", "item": "dgi_index"}]}]}],
    })
    domain = data[(data["ethnicity"] == "other") & (data["age_group"] == "60+")]
    got = unit_scores(domain, toy, weights="design_weight")
    np.testing.assert_allclose(got["d1_s1_i1"] * 10, expected[got.index], rtol=1e-12)


# ---------------------------------------------------------------------------- bad input
def test_unit_scores_missing_columns(spec: IndexSpec, rng: np.random.Generator) -> None:
    answers = _answers(spec, rng)
    with pytest.raises(DGIError, match=r"missing required column\(s\) \['district'\]"):
        unit_scores(answers.drop(columns=["district"]), spec)
    with pytest.raises(DGIError, match=r"missing required column\(s\) \['weight'\]"):
        unit_scores(answers, spec, weights="weight")
    with pytest.raises(DGIError, match=r"missing required column\(s\) \['q402'\]"):
        unit_scores(answers.drop(columns=["q402"]), spec)


@pytest.mark.parametrize("bad", [np.nan, 0.0, -1.5, np.inf])
def test_unit_scores_bad_weights(spec: IndexSpec, rng: np.random.Generator, bad: float) -> None:
    answers = _answers(spec, rng)
    answers.loc[[4, 17], "w"] = bad
    with pytest.raises(DGIError, match=r"'weights' parameter of unit_scores names column 'w'.*"
                       r"2 NaN, infinite, zero or negative.*first rows \[4, 17\]"):
        unit_scores(answers, spec, weights="w")


def test_unit_scores_duplicate_ids(spec: IndexSpec, rng: np.random.Generator) -> None:
    answers = _answers(spec, rng)
    answers.loc[10, "respondent_id"] = answers.loc[3, "respondent_id"]
    with pytest.raises(DGIError, match=r"duplicate respondent ids.*rows \[3, 10\]"):
        unit_scores(answers, spec)


def test_unit_scores_codes_outside_spec(spec: IndexSpec, rng: np.random.Generator) -> None:
    answers = _answers(spec, rng)
    answers.loc[[2, 5], "q606"] = [0, 9]
    with pytest.raises(DGIError, match=r"'q606': 2 row\(s\), first rows \[2, 5\] with values "
                       r"\[0.0, 9.0\]"):
        unit_scores(answers, spec)


def test_unit_scores_unknown_unit(spec: IndexSpec, rng: np.random.Generator) -> None:
    answers = _answers(spec, rng)
    answers["district"] = answers["district"].replace({"Cô Tô": "Co Too"})
    with pytest.raises(UnknownUnitError, match=r"'Co Too'.*closest matches.*Cô Tô"):
        unit_scores(answers, spec, expected_units=list(units_frame().index))


def test_unit_scores_names_matched_to_expected(spec: IndexSpec, rng: np.random.Generator) -> None:
    answers = _answers(spec, rng)
    answers["district"] = answers["district"].replace({"Uông Bí": "TP Uong Bi"})
    expected_units = ["Uông Bí", "Cô Tô", "Hạ Long"]
    got = unit_scores(answers, spec, expected_units=expected_units)
    assert got.index.tolist() == expected_units


def test_unit_scores_unit_without_respondents(spec: IndexSpec, rng: np.random.Generator) -> None:
    answers = _answers(spec, rng)
    with pytest.raises(DGIError, match=r"unit\(s\) \['Ba Chẽ'\] of expected_units have no "
                       r"respondents"):
        unit_scores(answers, spec, expected_units=["Uông Bí", "Cô Tô", "Hạ Long", "Ba Chẽ"])


def test_unit_scores_blank_unit(spec: IndexSpec, rng: np.random.Generator) -> None:
    answers = _answers(spec, rng)
    answers["district"] = answers["district"].astype(object)
    answers.loc[6, "district"] = None
    with pytest.raises(DGIError, match=r"column 'district'.*blank in rows \[6\]"):
        unit_scores(answers, spec)


def test_unit_without_answers_for_an_indicator_warns(spec: IndexSpec,
                                                     rng: np.random.Generator) -> None:
    answers = _answers(spec, rng)
    answers.loc[answers["district"] == "Cô Tô", "q203"] = 98
    with pytest.warns(MissingDataWarning, match=r"1 unit x indicator cell\(s\).*Cô Tô/d2_s2_i1"):
        got = unit_scores(answers, spec)
    assert np.isnan(got.loc["Cô Tô", "d2_s2_i1"])
    assert np.isnan(got.loc["Cô Tô", "total"])
    assert not got.loc[["Uông Bí", "Hạ Long"], "total"].isna().any()


def test_unit_scores_rejects_non_spec(rng: np.random.Generator) -> None:
    with pytest.raises(DGIError, match="'spec' parameter of unit_scores must be an IndexSpec"):
        unit_scores(pd.DataFrame({"a": [1]}), "dgi_2021")  # type: ignore[arg-type]


def test_unit_order(spec: IndexSpec, rng: np.random.Generator) -> None:
    answers = _answers(spec, rng)
    got = unit_scores(answers, spec)
    assert got.index.tolist() == ["Hạ Long", "Uông Bí", "Cô Tô"]  # catalogue order QN01, QN02, QN08
    answers["district"] = answers["district"].replace({"Hạ Long": "Commune X"})
    assert unit_scores(answers, spec).index.tolist() == sorted(["Commune X", "Uông Bí", "Cô Tô"])
