"""The catalogue of DGI units (Quảng Ninh's 13 district-level units) and tolerant name matching.

Names are matched ignoring case, Vietnamese diacritics, punctuation and administrative prefixes or
suffixes ("TP Uông Bí", "uong bi", "Uong Bi City" and "Thành phố Uông Bí" are one unit). An unknown
name raises :class:`~dgi_stats.exceptions.UnknownUnitError` listing the closest matches.

The codes ``QN01`` ... ``QN13`` are this package's own identifiers (the order of the province's list of
cities, towns and districts), not official statistical codes.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from dgi_stats.exceptions import UnknownUnitError

__all__ = ["UNITS", "Unit", "match_unit", "match_units", "normalise_name", "units_frame"]


@dataclass(frozen=True, slots=True)
class Unit:
    """One district-level unit: code, Vietnamese name, English name, ASCII slug and type.

    Parameters
    ----------
    code : str
        Catalogue code (``"QN01"`` ...).
    name : str
        Canonical Vietnamese name.
    name_en : str
        English (ASCII) name.
    slug : str
        ASCII identifier (file names, columns).
    type : {"city", "town", "district"}
        Administrative type.

    Examples
    --------
    >>> UNITS[1].name, UNITS[1].slug
    ('Uông Bí', 'uong_bi')
    """

    code: str
    name: str
    name_en: str
    slug: str
    type: str  # "city" | "town" | "district"


UNITS: tuple[Unit, ...] = (
    Unit("QN01", "Hạ Long", "Ha Long", "ha_long", "city"),
    Unit("QN02", "Uông Bí", "Uong Bi", "uong_bi", "city"),
    Unit("QN03", "Cẩm Phả", "Cam Pha", "cam_pha", "city"),
    Unit("QN04", "Móng Cái", "Mong Cai", "mong_cai", "city"),
    Unit("QN05", "Quảng Yên", "Quang Yen", "quang_yen", "town"),
    Unit("QN06", "Đông Triều", "Dong Trieu", "dong_trieu", "town"),
    Unit("QN07", "Vân Đồn", "Van Don", "van_don", "district"),
    Unit("QN08", "Cô Tô", "Co To", "co_to", "district"),
    Unit("QN09", "Tiên Yên", "Tien Yen", "tien_yen", "district"),
    Unit("QN10", "Bình Liêu", "Binh Lieu", "binh_lieu", "district"),
    Unit("QN11", "Đầm Hà", "Dam Ha", "dam_ha", "district"),
    Unit("QN12", "Hải Hà", "Hai Ha", "hai_ha", "district"),
    Unit("QN13", "Ba Chẽ", "Ba Che", "ba_che", "district"),
)

# Administrative words that may precede or follow a unit's name (already normalised).
_AFFIXES = (
    "thanh pho",
    "tp",
    "thi xa",
    "tx",
    "huyen",
    "h",
    "city",
    "town",
    "district",
    "dist",
)


def normalise_name(name: str) -> str:
    """Lower-case ASCII form of ``name`` without diacritics, punctuation or administrative affixes.

    Parameters
    ----------
    name : str
        A unit name as written.

    Returns
    -------
    str
        Its normalised form (the key of tolerant matching).

    Examples
    --------
    >>> normalise_name("TP. Uông Bí")
    'uong bi'
    >>> normalise_name("Dong Trieu Town")
    'dong trieu'
    """
    text = unicodedata.normalize("NFD", str(name).replace("Đ", "D").replace("đ", "d"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn").lower()
    text = re.sub(r"[^a-z0-9]+", " ", text.replace("_", " ")).strip()
    changed = True
    while changed:
        changed = False
        for affix in _AFFIXES:
            if text.startswith(affix + " ") and len(text) > len(affix) + 1:
                text, changed = text[len(affix) + 1 :].strip(), True
            if text.endswith(" " + affix) and len(text) > len(affix) + 1:
                text, changed = text[: -len(affix) - 1].strip(), True
    return text


_INDEX: dict[str, Unit] = {}
for _u in UNITS:
    for _key in (_u.code.lower(), _u.name, _u.name_en, _u.slug):
        _INDEX[normalise_name(_key)] = _u
    _INDEX[_u.code.lower()] = _u


def match_unit(name: str, *, units: Iterable[str] | None = None) -> str:
    """Return the canonical Vietnamese name of the unit that ``name`` designates.

    Parameters
    ----------
    name : str
        A unit name in any common spelling, or a code such as ``"QN02"``.
    units : iterable of str, optional
        Match against these names instead of the DGI catalogue (for PAPI provinces, communes or any
        other set of units). default: the 13 DGI units.

    Returns
    -------
    str
        The canonical name.

    Raises
    ------
    UnknownUnitError
        If no unit matches; the message lists the closest names.

    Examples
    --------
    >>> match_unit("uong bi"), match_unit("Uong Bi City"), match_unit("TP Uông Bí")
    ('Uông Bí', 'Uông Bí', 'Uông Bí')
    """
    if units is not None:
        pool = {normalise_name(u): str(u) for u in units}
        key = normalise_name(name)
        if key in pool:
            return pool[key]
        close = difflib.get_close_matches(key, list(pool), n=3, cutoff=0.5)
        suggestions = [pool[c] for c in close] or sorted(pool.values())[:5]
        msg = f"unknown unit {name!r}; closest matches: {suggestions}. Check the spelling."
        raise UnknownUnitError(msg)
    key = normalise_name(name)
    if key in _INDEX:
        return _INDEX[key].name
    if str(name).strip().lower() in _INDEX:
        return _INDEX[str(name).strip().lower()].name
    close = difflib.get_close_matches(key, list(_INDEX), n=3, cutoff=0.5)
    suggestions = list(dict.fromkeys(_INDEX[c].name for c in close)) or [u.name for u in UNITS[:3]]
    msg = (
        f"unknown unit {name!r}: not one of the 13 DGI units; closest matches: {suggestions}. "
        "Check the spelling, or pass units=... to match against your own list of units."
    )
    raise UnknownUnitError(msg)


def match_units(names: Iterable[str], *, units: Iterable[str] | None = None) -> list[str]:
    """Vectorised :func:`match_unit`; the error names every unknown value at once.

    Parameters
    ----------
    names : iterable of str
        Names as written in the data.
    units : iterable of str, optional
        The units to match against. default: None (the 13 DGI units).

    Returns
    -------
    list of str
        The canonical names, in the order of ``names``.

    Raises
    ------
    UnknownUnitError
        Some names match no unit (all of them are listed).

    Examples
    --------
    >>> match_units(["uong bi", "TX Quảng Yên"])
    ['Uông Bí', 'Quảng Yên']
    """
    pool = None if units is None else list(units)
    out: list[str] = []
    bad: list[str] = []
    for n in names:
        try:
            out.append(match_unit(n, units=pool))
        except UnknownUnitError as exc:
            bad.append(str(exc))
    if bad:
        raise UnknownUnitError("; ".join(dict.fromkeys(bad)))
    return out


def units_frame() -> pd.DataFrame:
    """The catalogue as a DataFrame indexed by the canonical Vietnamese name.

    Returns
    -------
    pandas.DataFrame
        Columns ``code, name_en, slug, type``.

    Examples
    --------
    >>> units_frame().loc["Cô Tô", "type"]
    'district'
    """
    frame = pd.DataFrame(
        [(u.name, u.code, u.name_en, u.slug, u.type) for u in UNITS],
        columns=["unit", "code", "name_en", "slug", "type"],
    )
    return frame.set_index("unit")
