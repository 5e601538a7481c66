"""The catalogue of the 13 DGI units and tolerant name matching."""

from __future__ import annotations

import unicodedata

import pytest

from dgi_stats.exceptions import DGIError, UnknownUnitError
from dgi_stats.units import UNITS, match_unit, match_units, normalise_name, units_frame

# dgi_context.md: cities, towns and districts of Quảng Ninh
CITIES = ["Hạ Long", "Uông Bí", "Cẩm Phả", "Móng Cái"]
TOWNS = ["Quảng Yên", "Đông Triều"]
DISTRICTS = ["Vân Đồn", "Cô Tô", "Tiên Yên", "Bình Liêu", "Đầm Hà", "Hải Hà", "Ba Chẽ"]


def test_thirteen_units_with_types() -> None:
    frame = units_frame()
    assert len(frame) == 13
    assert frame.index.is_unique
    for names, kind in ((CITIES, "city"), (TOWNS, "town"), (DISTRICTS, "district")):
        assert sorted(frame.index[frame["type"] == kind]) == sorted(names)
    assert [u.code for u in UNITS] == [f"QN{i:02d}" for i in range(1, 14)]
    assert frame["slug"].str.fullmatch(r"[a-z_]+").all()
    for name in frame.index:
        assert unicodedata.is_normalized("NFC", name)


@pytest.mark.parametrize(
    "spelling",
    ["Uông Bí", "TP Uông Bí", "TP. Uông Bí", "uong bi", "Uong Bi City", "Thành phố Uông Bí",
     "UONG  BI", "uong_bi", "QN02", "qn02", unicodedata.normalize("NFD", "Uông Bí")],
)
def test_spellings_of_uong_bi(spelling: str) -> None:
    assert match_unit(spelling) == "Uông Bí"


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [("Thị xã Đông Triều", "Đông Triều"), ("dong trieu town", "Đông Triều"),
     ("Huyện Cô Tô", "Cô Tô"), ("H. Ba Che", "Ba Chẽ"), ("dam ha", "Đầm Hà"),
     ("Hai Ha District", "Hải Hà"), ("TX Quang Yen", "Quảng Yên")],
)
def test_other_spellings(spelling: str, canonical: str) -> None:
    assert match_unit(spelling) == canonical


def test_unknown_unit_lists_closest() -> None:
    with pytest.raises(UnknownUnitError, match=r"unknown unit 'Uong Bii'.*closest matches: "
                       r"\[.*'Uông Bí'.*\]") as info:
        match_unit("Uong Bii")
    assert isinstance(info.value, DGIError)
    assert isinstance(info.value, KeyError)
    assert isinstance(info.value, ValueError)


def test_match_units_names_every_unknown() -> None:
    assert match_units(["uong bi", "co to"]) == ["Uông Bí", "Cô Tô"]
    with pytest.raises(UnknownUnitError) as info:
        match_units(["uong bi", "Hà Nội", "Sa Pa"])
    msg = str(info.value)
    assert "'Hà Nội'" in msg
    assert "'Sa Pa'" in msg


def test_custom_unit_list() -> None:
    provinces = ["Quảng Ninh", "Hà Nội", "Hải Phòng"]
    assert match_unit("quang ninh", units=provinces) == "Quảng Ninh"
    with pytest.raises(UnknownUnitError, match="closest matches"):
        match_unit("Uông Bí", units=provinces)


def test_normalise_name() -> None:
    assert normalise_name("Thành phố Hạ Long") == "ha long"
    assert normalise_name("Đầm Hà") == "dam ha"
