"""read_survey: CSV (UTF-8, UTF-16, Windows-1258), Parquet, SPSS and Stata, validated against a spec."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dgi_stats.datasets import load_spec
from dgi_stats.exceptions import DGIError, UnknownUnitError
from dgi_stats.io import decode_text, read_survey
from dgi_stats.scores.spec import IndexSpec


@pytest.fixture(scope="module")
def spec() -> IndexSpec:
    return load_spec(2021)


@pytest.fixture
def frame(spec: IndexSpec, rng: np.random.Generator) -> pd.DataFrame:
    """SYNTHETIC answers: 12 respondents with valid codes, unit names in assorted spellings."""
    n = 12
    data: dict[str, object] = {"respondent_id": [f"R{i:03d}" for i in range(n)]}
    data["district"] = ["TP Uông Bí", "uong bi", "Cô Tô", "Co To District"] * 3
    for q in spec.item_ids:
        item = spec.item(q)
        if item.kind == "numeric":
            data[q] = rng.integers(0, 60, n)
        else:
            data[q] = rng.choice([*item.levels, *item.dont_know], n)
    return pd.DataFrame(data)


CANONICAL = ["Uông Bí", "Uông Bí", "Cô Tô", "Cô Tô"] * 3


def _check_roundtrip(got: pd.DataFrame, frame: pd.DataFrame, spec: IndexSpec) -> None:
    assert got["district"].tolist() == CANONICAL
    for q in spec.item_ids:
        np.testing.assert_array_equal(got[q].to_numpy(dtype=float), frame[q].to_numpy(dtype=float))
    scores_got = spec.score_items(got).scores
    scores_exp = spec.score_items(frame).scores
    np.testing.assert_array_equal(scores_got.to_numpy(), scores_exp.to_numpy())


# ---------------------------------------------------------------------------- formats
def test_csv_utf8(tmp_path: Path, frame: pd.DataFrame, spec: IndexSpec) -> None:
    path = tmp_path / "s.csv"
    frame.to_csv(path, index=False)
    got = read_survey(path, spec)
    _check_roundtrip(got, frame, spec)
    assert got.attrs["encoding"] == "utf-8"
    assert got.attrs["format"] == "csv"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_csv_with_bom_is_detected(tmp_path: Path, frame: pd.DataFrame, spec: IndexSpec,
                                  encoding: str) -> None:
    path = tmp_path / "s.csv"
    frame.to_csv(path, index=False, encoding=encoding)
    got = read_survey(path, spec)
    _check_roundtrip(got, frame, spec)
    assert got.attrs["encoding"] == encoding


def test_csv_utf16_without_bom_is_detected(tmp_path: Path, frame: pd.DataFrame,
                                           spec: IndexSpec) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes(frame.to_csv(index=False).encode("utf-16-le"))
    got = read_survey(path, spec)
    assert got.attrs["encoding"] == "utf-16-le"
    _check_roundtrip(got, frame, spec)


def test_csv_cp1258_explains_then_reads_with_encoding(tmp_path: Path, frame: pd.DataFrame,
                                                      spec: IndexSpec,
                                                      cp1258: Callable[[str], bytes]) -> None:
    path = tmp_path / "field.csv"
    path.write_bytes(cp1258(frame.to_csv(index=False)))
    with pytest.raises(DGIError, match=r"field\.csv is not UTF-8.*line 2.*encoding='cp1258'"):
        read_survey(path, spec)
    got = read_survey(path, spec, encoding="cp1258")
    _check_roundtrip(got, frame, spec)
    # decoded names are NFC (precomposed), whatever the file stored
    assert unicodedata.is_normalized("NFC", "".join(got["district"]))


def test_wrong_explicit_encoding_and_unknown_codec(tmp_path: Path, frame: pd.DataFrame,
                                                   cp1258: Callable[[str], bytes]) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes(cp1258(frame.to_csv(index=False)))
    with pytest.raises(DGIError, match=r"cannot be decoded with encoding='utf-8'"):
        read_survey(path, encoding="utf-8")
    with pytest.raises(DGIError, match="unknown codec 'klingon'"):
        read_survey(path, encoding="klingon")


def test_nfd_text_is_normalised() -> None:
    text, _ = decode_text(unicodedata.normalize("NFD", "Uông Bí").encode("utf-8"))
    assert text == "Uông Bí"
    assert len(text) == 7


def test_parquet(tmp_path: Path, frame: pd.DataFrame, spec: IndexSpec) -> None:
    pytest.importorskip("pyarrow")
    path = tmp_path / "s.parquet"
    frame.to_parquet(path)
    _check_roundtrip(read_survey(path, spec), frame, spec)


def _labels(spec: IndexSpec) -> dict[str, dict[int, str]]:
    out = {}
    for it in spec.items:
        if it.labels:
            out[it.id] = {**dict(zip(it.levels, it.labels, strict=True)), 98: "Không biết",
                          99: "Từ chối"}
    return out


def test_spss_keeps_value_labels_and_user_missing(tmp_path: Path, frame: pd.DataFrame,
                                                  spec: IndexSpec) -> None:
    pyreadstat = pytest.importorskip("pyreadstat")
    path = tmp_path / "s.sav"
    labels = _labels(spec)
    # 98/99 declared as user-missing in SPSS: they must stay codes, not become blanks
    pyreadstat.write_sav(
        frame, str(path), variable_value_labels=labels,
        missing_ranges={q: [98, 99] for q in labels},
        column_labels={"q101": "Dân biết, dân bàn"},
    )
    got = read_survey(path, spec)
    _check_roundtrip(got, frame, spec)
    assert got.attrs["value_labels"]["q104"][5] == "Hoàn toàn đồng ý"
    assert got.attrs["value_labels"]["q104"][98] == "Không biết"
    assert got.attrs["column_labels"]["q101"] == "Dân biết, dân bàn"
    assert (got["q104"] == 98).sum() == (frame["q104"] == 98).sum()


def test_stata_keeps_value_labels(tmp_path: Path, frame: pd.DataFrame, spec: IndexSpec) -> None:
    pyreadstat = pytest.importorskip("pyreadstat")
    path = tmp_path / "s.dta"
    labels = _labels(spec)
    pyreadstat.write_dta(frame, str(path), variable_value_labels=labels)
    got = read_survey(path, spec)
    _check_roundtrip(got, frame, spec)
    assert got.attrs["value_labels"]["q101"] == {1: "Có", 2: "Không", 98: "Không biết",
                                                  99: "Từ chối"}


def test_stata_written_by_pandas(tmp_path: Path, frame: pd.DataFrame, spec: IndexSpec) -> None:
    pytest.importorskip("pyreadstat")  # read_survey reads .dta with pyreadstat
    path = tmp_path / "p.dta"
    frame.to_stata(path, write_index=False, version=118)
    _check_roundtrip(read_survey(path, spec), frame, spec)


def test_without_spec_reads_as_is(tmp_path: Path, frame: pd.DataFrame) -> None:
    path = tmp_path / "s.csv"
    frame.to_csv(path, index=False)
    got = read_survey(path)
    assert got["district"].tolist() == frame["district"].tolist()
    got = read_survey(path, unit_column="district")
    assert got["district"].tolist() == CANONICAL


def test_custom_unit_list(tmp_path: Path) -> None:
    path = tmp_path / "communes.csv"
    pd.DataFrame({"commune": ["Phường Yên Thanh", "xa Thuong Yen Cong"]}).to_csv(path, index=False)
    got = read_survey(path, unit_column="commune",
                      units=["Phường Yên Thanh", "Xã Thượng Yên Công"])
    assert got["commune"].tolist() == ["Phường Yên Thanh", "Xã Thượng Yên Công"]


# ---------------------------------------------------------------------------- bad files
def test_unsupported_suffix_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DGIError, match=r"unsupported suffix '\.xlsx'.*\.csv"):
        read_survey(tmp_path / "s.xlsx")
    with pytest.raises(DGIError, match="does not exist"):
        read_survey(tmp_path / "nope.csv")


def test_missing_item_column(tmp_path: Path, frame: pd.DataFrame, spec: IndexSpec) -> None:
    path = tmp_path / "s.csv"
    frame.drop(columns=["q305"]).to_csv(path, index=False)
    with pytest.raises(DGIError, match=r"s\.csv is missing required column\(s\) \['q305'\]"):
        read_survey(path, spec)


def test_missing_unit_column(tmp_path: Path, frame: pd.DataFrame, spec: IndexSpec) -> None:
    path = tmp_path / "s.csv"
    frame.rename(columns={"district": "huyen"}).to_csv(path, index=False)
    with pytest.raises(DGIError, match=r"missing required column\(s\) \['district'\].*unit_column"):
        read_survey(path, spec)
    got = read_survey(path, spec, unit_column="huyen")
    assert got["huyen"].tolist() == CANONICAL


def test_codes_outside_spec(tmp_path: Path, frame: pd.DataFrame, spec: IndexSpec) -> None:
    bad = frame.copy()
    bad.loc[[3, 8], "q202"] = [6, 0]
    path = tmp_path / "s.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(DGIError, match=r"s\.csv: answers has codes outside.*'q202': 2 row\(s\), "
                       r"first rows \[3, 8\] with values \[6, 0\]"):
        read_survey(path, spec)


def test_duplicate_respondent_ids(tmp_path: Path, frame: pd.DataFrame, spec: IndexSpec) -> None:
    bad = frame.copy()
    bad.loc[5, "respondent_id"] = "R001"
    path = tmp_path / "s.parquet"
    pytest.importorskip("pyarrow")
    bad.to_parquet(path)
    with pytest.raises(DGIError, match=r"duplicate respondent ids.*'R001'.*rows \[1, 5\]"):
        read_survey(path, spec)


def test_unknown_unit(tmp_path: Path, frame: pd.DataFrame, spec: IndexSpec) -> None:
    bad = frame.copy()
    bad.loc[2, "district"] = "Uong Bii"
    bad.loc[4, "district"] = "Hà Nội"
    path = tmp_path / "s.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(UnknownUnitError, match=r"'Hà Nội'.*closest matches") as info:
        read_survey(path, spec)
    assert "Uông Bí" in str(info.value)  # suggestion for the misspelt name
    assert isinstance(info.value, DGIError)


def test_blank_unit(tmp_path: Path, frame: pd.DataFrame, spec: IndexSpec) -> None:
    bad = frame.copy()
    bad["district"] = bad["district"].astype(object)
    bad.loc[7, "district"] = None
    path = tmp_path / "s.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(DGIError, match=r"column 'district' is blank in rows \[7\]"):
        read_survey(path, spec)
