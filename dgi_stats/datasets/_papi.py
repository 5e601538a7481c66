"""Read the official PAPI provincial scores workbook (2011-2016) into a tidy DataFrame.

The workbook (``PAPI_2011-2016.xlsx``, one sheet ``<year>_PAPI`` per year, published by the PAPI
team: UNDP, CECODES, VFF-CRT, RTA; https://papi.org.vn) is not bundled with dgi_stats; pass its path.
Each sheet has two header rows (English and Vietnamese names), one row per province (63), and a last
row ``tinhid = 999`` ("Highest": the column maxima, not a province; it is not returned). Columns are
the six 2011-2016 dimensions, each followed by its sub-dimensions, then the unweighted PAPI total.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from dgi_stats.exceptions import DGIError

__all__ = ["PAPI_DIMENSIONS", "load_papi", "papi_wide"]

#: The six PAPI dimensions of 2011-2016 (English header in the workbook -> dimension id).
PAPI_DIMENSIONS: dict[str, str] = {
    "Participation at Local Levels": "d1_participation",
    "Transparency": "d2_transparency",
    "Vertical Accountability": "d3_accountability",
    "Control of Corruption": "d4_corruption_control",
    "Public Administrative Procedures": "d5_admin_procedures",
    "Public Service Delivery": "d6_public_services",
}

_COLUMNS = [
    "year", "province_id", "province", "province_vi", "level", "dimension", "measure",
    "name_en", "name_vi", "value", "note",
]


def _sheet_to_long(raw: pd.DataFrame, year: int, sheet: str) -> pd.DataFrame:
    """Turn one ``<year>_PAPI`` sheet (read with ``header=None``) into tidy rows."""
    names_en = [str(v).strip() for v in raw.iloc[0]]
    names_vi = [str(v).strip() for v in raw.iloc[1]]
    if names_en[:3] != ["tinhid", "tentinh_eng", "tentinh_vie"]:
        msg = (
            f"sheet {sheet!r}: expected the first columns 'tinhid', 'tentinh_eng', 'tentinh_vie', "
            f"got {names_en[:3]}; is this the official PAPI 2011-2016 workbook?"
        )
        raise DGIError(msg)
    # walk the header: a dimension column opens a block of sub-dimension columns; the last is the total
    plan: list[tuple[int, str, str, str]] = []  # (column, level, dimension id, measure id)
    dim_id, n_sub = "", 0
    for j in range(3, len(names_en)):
        name = names_en[j]
        if name in PAPI_DIMENSIONS:
            dim_id, n_sub = PAPI_DIMENSIONS[name], 0
            plan.append((j, "dimension", dim_id, dim_id))
        elif j == len(names_en) - 1:
            plan.append((j, "total", "", "total"))
        elif dim_id:
            n_sub += 1
            plan.append((j, "subdimension", dim_id, f"{dim_id.split('_')[0]}_s{n_sub}"))
        else:
            msg = f"sheet {sheet!r}: column {name!r} comes before any dimension column."
            raise DGIError(msg)
    if sum(p[1] == "dimension" for p in plan) != len(PAPI_DIMENSIONS):
        msg = f"sheet {sheet!r}: expected the {len(PAPI_DIMENSIONS)} PAPI dimensions in the header."
        raise DGIError(msg)
    body = raw.iloc[2:]
    ids = pd.to_numeric(body.iloc[:, 0], errors="coerce")
    body = body[ids.notna() & (ids != 999)]
    frames = []
    for j, level, dim, measure in plan:
        values = pd.to_numeric(body.iloc[:, j], errors="coerce").astype(float)
        frames.append(
            pd.DataFrame({
                "year": year,
                "province_id": pd.to_numeric(body.iloc[:, 0]).astype("int64").to_numpy(),
                "province": body.iloc[:, 1].astype(str).str.strip().to_numpy(),
                "province_vi": body.iloc[:, 2].astype(str).str.strip().to_numpy(),
                "level": level,
                "dimension": dim if dim else None,
                "measure": measure,
                "name_en": names_en[j],
                "name_vi": names_vi[j],
                "value": values.to_numpy(),
                "note": "",
            })
        )
    out = pd.concat(frames, ignore_index=True)
    # provinces without scores: the sheet prints their total as 0 (a sum over nothing)
    dims = out[out["level"] == "dimension"].groupby("province_id")["value"]
    empty = dims.apply(lambda s: bool(s.isna().all()))
    empty_ids = empty.index[empty.to_numpy()]
    if len(empty_ids):
        mask = out["province_id"].isin(empty_ids)
        out.loc[mask & (out["level"] == "total"), "value"] = np.nan
        out.loc[mask, "note"] = "no scores in the source sheet (its total column shows 0)"
    return out


def load_papi(path: str | Path, *, years: list[int] | None = None) -> pd.DataFrame:
    """Read the official PAPI 2011-2016 provincial scores workbook into a tidy DataFrame.

    Parameters
    ----------
    path : str or pathlib.Path
        The workbook ``PAPI_2011-2016.xlsx`` (sheets ``2011_PAPI`` ... ``2016_PAPI``).
    years : list of int, optional
        Years to read. default: every ``<year>_PAPI`` sheet.

    Returns
    -------
    pandas.DataFrame
        One row per province x year x measure, columns ``year``, ``province_id`` (the sheet's
        ``tinhid``), ``province`` (ASCII English name), ``province_vi``, ``level``
        (``"subdimension"``, ``"dimension"`` or ``"total"``), ``dimension`` (dimension id, None for
        the total), ``measure`` (``"d1_s1"`` ..., ``"d1_participation"`` ..., ``"total"``),
        ``name_en``, ``name_vi`` (the sheet's headers), ``value`` (float; NaN where the sheet has no
        score) and ``note``. Sub-dimension ids are positional: in 2016 ``d3_s2`` is "Responsive to
        Citizen Actions" whereas in 2011-2015 it is "People's Inspection Boards" (see ``name_en``).
        The sheet's "Highest" row (column maxima) is not returned. In 2014 Bắc Giang and Đồng Tháp
        have no scores: their values are NaN (the sheet's total of 0 becomes NaN, with a note).

    Raises
    ------
    DGIError
        If the file is missing or does not have the layout described above.

    Examples
    --------
    >>> papi = load_papi("PAPI_2011-2016.xlsx")  # doctest: +SKIP
    >>> papi.query("year == 2016 and province == 'An Giang' and dimension == 'd1_participation'")
    ...     [["measure", "value"]].round(3)  # doctest: +SKIP
    """
    p = Path(path)
    if not p.is_file():
        msg = (
            f"The 'path' parameter of load_papi must be the PAPI 2011-2016 workbook; {str(p)!r} "
            "does not exist."
        )
        raise DGIError(msg)
    sheets = pd.read_excel(p, sheet_name=None, header=None, engine="openpyxl")
    frames = []
    for name, raw in sheets.items():
        head = str(name).split("_")[0]
        if not head.isdigit() or not str(name).endswith("_PAPI"):
            continue
        year = int(head)
        if years is not None and year not in years:
            continue
        frames.append(_sheet_to_long(raw, year, str(name)))
    if not frames:
        msg = f"{p.name}: no '<year>_PAPI' sheet for years {years}; sheets are {list(sheets)}."
        raise DGIError(msg)
    return pd.concat(frames, ignore_index=True)[_COLUMNS]


def papi_wide(papi: pd.DataFrame, year: int, *, level: str | None = None) -> pd.DataFrame:
    """One year of :func:`load_papi` output as a provinces x measures table.

    Parameters
    ----------
    papi : pandas.DataFrame
        The tidy frame returned by :func:`load_papi`.
    year : int
        The year to keep.
    level : {"subdimension", "dimension", "total"}, optional
        Keep only measures of this level. default: None (all, in sheet order).

    Returns
    -------
    pandas.DataFrame
        Index ``province`` (ASCII English name, sheet order), columns measure ids in sheet order.
        Provinces without scores (2014: Bắc Giang, Đồng Tháp) are kept as rows of NaN.

    Raises
    ------
    DGIError
        If ``year`` or ``level`` selects nothing.

    Examples
    --------
    >>> tidy = pd.DataFrame({
    ...     "year": 2016, "province": ["A", "A", "B", "B"], "level": ["dimension", "total"] * 2,
    ...     "measure": ["d1_participation", "total"] * 2, "value": [4.5, 4.5, 5.0, 5.0]})
    >>> float(papi_wide(tidy, 2016).loc["B", "total"])
    5.0
    """
    part = papi[papi["year"] == year]
    if level is not None:
        part = part[part["level"] == level]
    if part.empty:
        msg = f"papi_wide: no rows for year={year!r}, level={level!r}; years are {sorted(set(papi['year']))}."
        raise DGIError(msg)
    provinces = list(dict.fromkeys(part["province"]))
    measures = list(dict.fromkeys(part["measure"]))
    wide = part.pivot(index="province", columns="measure", values="value")
    wide = wide.loc[provinces, measures]
    wide.columns.name = None
    return wide
