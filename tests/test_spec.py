"""IndexSpec: bundled specs, scoring rules, the measure map and invalid spec files."""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dgi_stats.datasets import available_years, load_spec
from dgi_stats.datasets._specs import available_specs, load_spec_file
from dgi_stats.exceptions import DGIError, SpecError
from dgi_stats.scores.pivot import Scores
from dgi_stats.scores.spec import MISSING_REASONS, IndexSpec, Item

# The 8 DGI dimensions, ids from the project contract, Vietnamese names as in dgi_context.md
DGI_DIMENSIONS = [
    ("d1_participation", "Tham gia của người dân ở cấp cơ sở"),
    ("d2_transparency", "Công khai, minh bạch"),
    ("d3_accountability", "Trách nhiệm giải trình với người dân"),
    ("d4_corruption_control", "Kiểm soát tham nhũng trong khu vực công"),
    ("d5_admin_procedures", "Thủ tục hành chính công"),
    ("d6_public_services", "Cung ứng dịch vụ công"),
    ("d7_environment", "Quản trị môi trường"),
    ("d8_e_governance", "Quản trị điện tử"),
]

SPEC_DIR = files("dgi_stats.datasets").joinpath("specs")


def _spec_text(year: int) -> str:
    return SPEC_DIR.joinpath(f"dgi_{year}.toml").read_text(encoding="utf-8")


def _write(tmp_path: Path, text: str, name: str = "spec.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _all_ones(spec: IndexSpec, n: int = 3) -> pd.DataFrame:
    """Answers where every item has code 1 (so every filter item says 'yes')."""
    return pd.DataFrame({q: [1] * n for q in spec.item_ids})


# ---------------------------------------------------------------------------- bundled specs
def test_available_years() -> None:
    assert available_years() == (2020, 2021, 2022, 2023, 2024)


@pytest.mark.parametrize("year", [2020, 2021, 2022, 2023, 2024])
def test_bundled_spec_structure(year: int) -> None:
    spec = load_spec(year)
    assert (spec.name, spec.year, spec.scale, spec.unit_column) == ("DGI", year, "dgi", "district")
    assert [(d.id, d.name_vi) for d in spec.dimensions] == DGI_DIMENSIONS
    for d in spec.dimensions:
        assert 2 <= len(d.subdimensions) <= 4, d.id
        for s in d.subdimensions:
            assert s.id.startswith(d.id.split("_")[0] + "_s")
            assert 2 <= len(s.indicators) <= 3, s.id
            assert all(i.id.startswith(s.id + "_i") for i in s.indicators)
    for it in spec.items:
        assert re.fullmatch(r"q\d{3}", it.id)
        assert it.text
        assert it.text_en
    assert spec.measure_ids[-2:] == ["total", "composite"]
    assert len(spec.measure_ids) == len(set(spec.measure_ids))


@pytest.mark.parametrize("year", [2020, 2021, 2022, 2023, 2024])
def test_bundled_spec_header_says_illustrative(year: int) -> None:
    header = "\n".join(
        line for line in _spec_text(year).splitlines() if line.startswith("#")
    )
    assert "3447/QĐ-UBND" in header
    assert "NOT public" in header
    assert "ILLUSTRATIVE" in header
    assert "edit this TOML" in header


def test_specs_are_versioned_by_year() -> None:
    s21, s22 = load_spec(2021), load_spec(2022)
    assert "q805" not in s21.item_ids
    assert "q805" in s22.item_ids
    assert s21.dimension_ids == s22.dimension_ids
    assert set(s21.indicator_ids) < set(s22.indicator_ids)
    assert load_spec(2020).item_ids == s21.item_ids


def test_load_spec_unknown_year() -> None:
    with pytest.raises(DGIError, match=r"'year' parameter of load_spec.*2019.*from_toml"):
        load_spec(2019)
    with pytest.raises(DGIError, match="no bundled spec"):
        load_spec_file("dgi_1999")


def test_from_toml_equals_load_spec(tmp_path: Path) -> None:
    path = _write(tmp_path, _spec_text(2023), "copy.toml")
    a, b = IndexSpec.from_toml(path), load_spec(2023)
    assert a.items == b.items
    assert a.dimensions == b.dimensions
    assert a.path == "copy.toml"


def test_papi_example_spec_is_bundled() -> None:
    assert "papi_2016" in available_specs()
    spec = load_spec_file("papi_2016")
    assert spec.scale == "papi"
    assert [len(d.subdimensions) for d in spec.dimensions] == [4, 3, 3, 4, 4, 4]


def test_to_frame_and_item_lookup() -> None:
    spec = load_spec(2021)
    frame = spec.to_frame()
    assert list(frame.index) == spec.indicator_ids
    assert frame.loc["d5_s1_i2", "kind"] == "numeric"
    assert frame.loc["d5_s1_i2", "asked_if"] == "q501"
    assert spec.item("q401").direction == -1
    with pytest.raises(DGIError, match="no item 'q000'"):
        spec.item("q000")
    assert "52 indicators" in repr(spec)


# ---------------------------------------------------------------------------- item scoring rules
def test_likert_maps_linearly_and_reverses() -> None:
    up = Item("a", "?", "likert", levels=(1, 2, 3, 4, 5))
    down = Item("b", "?", "likert", levels=(1, 2, 3, 4, 5), direction=-1)
    codes = pd.Series([1, 2, 3, 4, 5])
    np.testing.assert_allclose(up.score(codes), (codes - 1) / 4)
    np.testing.assert_allclose(down.score(codes), 1 - (codes - 1) / 4)
    four = Item("c", "?", "likert", levels=(1, 2, 3, 4))
    np.testing.assert_allclose(four.score(pd.Series([1, 2, 4])), [0, 1 / 3, 1])


def test_binary_favourable_codes() -> None:
    yes = Item("a", "?", "binary", levels=(1, 2), favourable=(1,))
    no = Item("b", "?", "binary", levels=(1, 2), favourable=(2,))
    assert yes.score(pd.Series([1, 2])).tolist() == [1.0, 0.0]
    assert no.score(pd.Series([1, 2])).tolist() == [0.0, 1.0]


def test_numeric_goalposts_clip_and_reverse() -> None:
    wait = Item("a", "?", "numeric", low=0.0, high=120.0, direction=-1, dont_know=(9998,))
    got = wait.score(pd.Series([0, 30, 120, 500, 9998]))
    np.testing.assert_allclose(got[:4], [1.0, 0.75, 0.0, 0.0])
    assert np.isnan(got[4])
    up = Item("b", "?", "numeric", low=10.0, high=20.0)
    np.testing.assert_allclose(up.score(pd.Series([5, 15, 25])), [0.0, 0.5, 1.0])


def test_dont_know_refused_blank_and_not_applicable_counted() -> None:
    spec = load_spec(2021)
    answers = _all_ones(spec, 6)
    answers["q104"] = [1, 5, 98, 99, np.nan, 3]  # Likert, no filter
    answers["q105"] = [1, 1, 2, 2, 98, 1]  # filter of q106 / q107
    answers["q107"] = [5, 98, 4, 1, 3, np.nan]
    res = spec.score_items(answers)
    assert list(res.missing.columns) == list(MISSING_REASONS)
    np.testing.assert_allclose(res.scores["d1_s2_i2"], [0, 1, np.nan, np.nan, np.nan, 0.5])
    assert res.missing.loc["d1_s2_i2"].tolist() == [1, 1, 1, 0]
    # q107 (indicator d1_s3_i2) is asked only when q105 == 1: rows 2, 3 (no) and 4 (don't know)
    # are not applicable whatever they answered
    np.testing.assert_allclose(res.scores["d1_s3_i2"], [1, np.nan, np.nan, np.nan, np.nan, np.nan])
    assert res.missing.loc["d1_s3_i2"].tolist() == [1, 0, 1, 3]
    # every respondent is accounted for: answered + all missing reasons = n
    total = res.n_answered + res.missing.sum(axis=1)
    assert (total == len(answers)).all()


def test_skip_logic_chains() -> None:
    base = {
        "index": {"name": "T", "year": 2024},
        "items": [
            {"id": "a", "text": "A?", "kind": "binary", "levels": [1, 2], "favourable": [1]},
            {"id": "b", "text": "B?", "kind": "binary", "levels": [1, 2], "favourable": [1],
             "asked_if": {"item": "a", "codes": [1]}},
            {"id": "c", "text": "C?", "kind": "likert", "levels": [1, 2, 3],
             "asked_if": {"item": "b", "codes": [1]}},
        ],
        "dimensions": [{"id": "d1", "name_vi": "x", "name_en": "x", "subdimensions": [
            {"id": "s1", "name_vi": "x", "name_en": "x",
             "indicators": [{"id": "i1", "name": "c", "item": "c"}]}]}],
    }
    spec = IndexSpec.from_dict(base)
    # c is applicable only if a == 1 and b == 1; b given while a == 2 does not count
    answers = pd.DataFrame({"a": [1, 1, 2], "b": [1, 2, 1], "c": [3, 3, 3]})
    res = spec.score_items(answers)
    np.testing.assert_allclose(res.scores["i1"], [1.0, np.nan, np.nan])
    assert res.missing.loc["i1", "not_applicable"] == 2


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_scores_in_unit_interval(data: st.DataObject) -> None:
    spec = load_spec(2022)
    n = data.draw(st.integers(1, 8))
    cols = {}
    for it in spec.scored_item_ids:
        item = spec.item(it)
        if item.kind == "numeric":
            pool = st.one_of(st.floats(0, item.valid_max or 1e4), st.sampled_from(item.dont_know))
        else:
            pool = st.sampled_from([*item.levels, *item.dont_know, *item.refused])
        cols[it] = data.draw(st.lists(pool, min_size=n, max_size=n))
    res = spec.score_items(pd.DataFrame(cols))
    values = res.scores.to_numpy()
    finite = values[~np.isnan(values)]
    assert ((finite >= 0) & (finite <= 1)).all()
    assert ((res.n_answered + res.missing.sum(axis=1)) == n).all()


def test_string_codes_from_csv_are_accepted() -> None:
    spec = load_spec(2021)
    answers = _all_ones(spec, 2).astype(str)
    res = spec.score_items(answers)
    assert res.scores["d1_s1_i1"].tolist() == [1.0, 1.0]


def test_score_items_does_not_modify_answers() -> None:
    spec = load_spec(2021)
    answers = _all_ones(spec, 4)
    answers.loc[1, "q104"] = 98
    answers["respondent_id"] = ["a", "b", "c", "d"]
    before = answers.copy(deep=True)
    spec.score_items(answers)
    pd.testing.assert_frame_equal(answers, before)


# ---------------------------------------------------------------------------- bad answers
def test_missing_item_column() -> None:
    spec = load_spec(2021)
    answers = _all_ones(spec).drop(columns=["q203", "q608"])
    with pytest.raises(DGIError, match=r"missing required column\(s\) \['q203', 'q608'\]"):
        spec.score_items(answers)


def test_duplicate_respondent_ids() -> None:
    spec = load_spec(2021)
    answers = _all_ones(spec, 4).assign(respondent_id=["R1", "R2", "R2", "R3"])
    with pytest.raises(DGIError, match=r"duplicate respondent ids.*'R2'.*rows \[1, 2\]"):
        spec.score_items(answers)


def test_codes_outside_spec_name_rows_and_values() -> None:
    spec = load_spec(2021)
    answers = _all_ones(spec, 10)
    answers["q104"] = [1, 2, 7, 3, 0, 5, 5, 6, 1, 1]
    answers["q503"] = [5.0] * 9 + [-3.0]
    with pytest.raises(DGIError) as info:
        spec.score_items(answers)
    msg = str(info.value)
    assert "column 'q104': 3 row(s), first rows [2, 4, 7] with values [7, 0, 6]" in msg
    assert "levels [1, 2, 3, 4, 5]" in msg
    assert "column 'q503': 1 row(s), first rows [9] with values [-3.0]" in msg
    assert "dgi_2021.toml" in msg


def test_non_numeric_code_is_an_invalid_code() -> None:
    spec = load_spec(2021)
    answers = _all_ones(spec, 3).astype(object)
    answers.loc[1, "q101"] = "yes"
    with pytest.raises(DGIError, match=r"column 'q101'.*rows \[1\] with values \['yes'\]"):
        spec.validate_answers(answers)


# ---------------------------------------------------------------------------- measure map
def _expected_dgi_measures(spec: IndexSpec, m: pd.Series) -> pd.Series:
    """The scaling rules written out directly from the hierarchy (independent of measure_map)."""
    out = {}
    for d in spec.dimensions:
        k = len(d.subdimensions)
        total = 0.0
        for s in d.subdimensions:
            u = np.mean([m[i.id] for i in s.indicators])
            out[s.id] = 10 * u / k if spec.scale == "dgi" else (1 + 9 * u) / k
            total += out[s.id]
        out[d.id] = total
    out["total"] = sum(out[d] for d in spec.dimension_ids)
    out["composite"] = out["total"] / (10 * len(spec.dimensions)) * 100
    return pd.Series(out)


@pytest.mark.parametrize("name", ["dgi_2021", "dgi_2024", "papi_2016"])
def test_measure_map_matches_rules(name: str, rng: np.random.Generator) -> None:
    spec = load_spec_file(name)
    w, b = spec.measure_map()
    assert list(w.index) == [*spec.subdimension_ids, *spec.dimension_ids, "total", "composite"]
    assert list(w.columns) == spec.indicator_ids
    m = pd.Series(rng.uniform(size=len(spec.indicator_ids)), index=spec.indicator_ids)
    got = w @ m + b
    expected = _expected_dgi_measures(spec, m)
    pd.testing.assert_series_equal(got, expected.loc[got.index], check_names=False, rtol=1e-12)


@pytest.mark.parametrize(("name", "lo", "hi"), [("dgi_2021", 0.0, 10.0), ("papi_2016", 1.0, 10.0)])
def test_measure_map_ranges(name: str, lo: float, hi: float) -> None:
    spec = load_spec_file(name)
    w, b = spec.measure_map()
    n_dim = len(spec.dimensions)
    zero = b
    one = w.sum(axis=1) + b
    np.testing.assert_allclose(zero[spec.dimension_ids], lo)
    np.testing.assert_allclose(one[spec.dimension_ids], hi)
    np.testing.assert_allclose([zero["total"], one["total"]], [lo * n_dim, hi * n_dim])
    np.testing.assert_allclose(one["composite"], 100.0)
    for d in spec.dimensions:  # each sub-dimension spans [lo/k, 10/k]
        k = len(d.subdimensions)
        for s in d.subdimensions:
            np.testing.assert_allclose([zero[s.id], one[s.id]], [lo / k, 10 / k])


def test_aggregate_map_is_consistent_with_measure_map() -> None:
    spec = load_spec(2022)
    w, b = spec.measure_map()
    a, a0 = spec.aggregate_map()
    subs = spec.subdimension_ids
    composed_w = a @ w.loc[subs]
    composed_b = a @ b[subs] + a0
    pd.testing.assert_frame_equal(composed_w, w.loc[a.index], check_names=False)
    pd.testing.assert_series_equal(composed_b, b[a.index], check_names=False)


def test_measure_map_feeds_scores_linear_map(rng: np.random.Generator) -> None:
    spec = load_spec(2021)
    units = pd.Index(["Uông Bí", "Cô Tô", "Hạ Long"], name="unit")
    est = pd.DataFrame(rng.uniform(0.6, 1, (3, len(spec.indicator_ids))), index=units,
                       columns=spec.indicator_ids)
    se = pd.DataFrame(0.02, index=units, columns=spec.indicator_ids)
    s = Scores.from_estimates(est, se)
    w, b = spec.measure_map()
    full = s.linear_map(w, b)
    assert list(full.measures) == spec.measure_ids
    expected = est.apply(lambda row: _expected_dgi_measures(spec, row), axis=1)
    pd.testing.assert_frame_equal(full.estimate[expected.columns], expected, check_names=False)
    # independent indicators with SE 0.02: Var(total) = sum_j w_j^2 * 0.02^2
    var_total = float((w.loc["total"] ** 2).sum() * 0.02**2)
    np.testing.assert_allclose(full.std_error.loc["Cô Tô", "total"], np.sqrt(var_total))


# ---------------------------------------------------------------------------- bad spec files
def _edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "pattern"),
    [
        # typo in a key
        ('kind = "likert"', 'knd = "likert"', (r"spec\.toml: item 'q104'.*unknown key\(s\) 'knd' "
                                                r"\(did you mean 'kind'\?\).*Allowed keys")),
        # unknown kind
        ('kind = "likert"', 'kind = "likret"', (r"spec\.toml: item 'q104'\.kind: unknown kind "
                                                 r"'likret'.*Use one of \['binary', 'likert', 'numeric'\]")),
        # indicator referencing an unknown item
        ('item = "q203"', 'item = "q2O3"', (r"indicator 'd2_s2_i1'\.item: unknown item 'q2O3' "
                                             r"\(closest: \[.*'q203'.*\]\).*Add the item")),
        # duplicate ids
        ('id = "d1_s2_i1"', 'id = "d1_s1_i1"', r"indicator 'd1_s1_i1'.*duplicate id"),
        ('id = "q102"', 'id = "q101"', r"item 'q101'.*duplicate id"),
        # unknown scale, key typo in [index]
        ('scale = "dgi"', 'scale = "pappi"', r"index\.scale: unknown scale 'pappi'"),
        ('unit_column = "district"', 'unit_colum = "district"', (r"\[index\].*'unit_colum' "
                                                                  r"\(did you mean 'unit_column'\?\)")),
        # favourable code not a level
        ("favourable = [1]", "favourable = [3]", r"item 'q101'\.favourable.*proper subset"),
        # skip logic pointing nowhere
        ('asked_if = { item = "q105"', 'asked_if = { item = "q1O5"',
         r"item 'q106'\.asked_if\.item: unknown item 'q1O5'"),
        # don't-know code colliding with a level
        ("dont_know = [98]", "dont_know = [5]", r"code\(s\) \[5\] are both a level"),
        # invalid TOML
        ('name = "DGI"', 'name = "DGI', r"spec\.toml: invalid TOML"),
    ],
)
def test_spec_typos_raise_spec_error(tmp_path: Path, old: str, new: str, pattern: str) -> None:
    path = _write(tmp_path, _edit(_spec_text(2021), old, new))
    with pytest.raises(SpecError, match=pattern):
        IndexSpec.from_toml(path)


def test_skip_logic_cycle_raises(tmp_path: Path) -> None:
    text = _spec_text(2021)
    # q105 filters q106; make q105 depend on q106 as well -> q105 -> q106 -> q105
    text = _edit(
        text,
        'id = "q105"\n',
        'id = "q105"\nasked_if = { item = "q106", codes = [1] }\n',
    )
    path = _write(tmp_path, text)
    with pytest.raises(SpecError, match=r"spec\.toml: item '.*'\.asked_if: skip-logic cycle "
                       r"(q105 -> q106 -> q105|q106 -> q105 -> q106).*remove one asked_if"):
        IndexSpec.from_toml(path)


def test_self_cycle_raises() -> None:
    data = {
        "index": {"name": "T", "year": 2024},
        "items": [{"id": "a", "text": "A", "kind": "binary", "levels": [1, 2], "favourable": [1],
                   "asked_if": {"item": "a", "codes": [1]}}],
        "dimensions": [{"id": "d1", "name_vi": "x", "name_en": "x", "subdimensions": [
            {"id": "s1", "name_vi": "x", "name_en": "x",
             "indicators": [{"id": "i1", "name": "a", "item": "a"}]}]}],
    }
    with pytest.raises(SpecError, match=r"<dict>: item 'a'\.asked_if: skip-logic cycle a -> a"):
        IndexSpec.from_dict(data)


def test_missing_file_and_non_utf8_spec(tmp_path: Path, cp1258: Callable[[str], bytes]) -> None:
    with pytest.raises(SpecError, match="does not exist"):
        IndexSpec.from_toml(tmp_path / "nope.toml")
    path = tmp_path / "cp.toml"
    path.write_bytes(cp1258(_spec_text(2021)))
    with pytest.raises(SpecError, match=r"cp\.toml: not UTF-8.*save the spec file as UTF-8"):
        IndexSpec.from_toml(path)


def test_reserved_measure_names_cannot_be_ids() -> None:
    data = {
        "index": {"name": "T", "year": 2024},
        "items": [{"id": "a", "text": "A", "kind": "likert", "levels": [1, 2]}],
        "dimensions": [{"id": "total", "name_vi": "x", "name_en": "x", "subdimensions": [
            {"id": "s1", "name_vi": "x", "name_en": "x",
             "indicators": [{"id": "i1", "name": "a", "item": "a"}]}]}],
    }
    with pytest.raises(SpecError, match=r"dimension 'total'.*reserved measure name"):
        IndexSpec.from_dict(data)


def test_spec_is_frozen() -> None:
    import dataclasses

    spec = load_spec(2021)
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.scale = "papi"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.items[0].kind = "numeric"  # type: ignore[misc]
