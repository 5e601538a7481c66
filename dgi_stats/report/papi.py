"""The PAPI case study: how provincial ranks depend on the weighting scheme (real 2011–2016 data).

The helpers that the PAPI notebook (``templates/papi_case_study.ipynb``) calls: find the PAPI
team's workbook (not bundled), the six dimension scores of a year, the published totals checked,
and one province's rank under several weighting schemes and aggregations.
"""

from __future__ import annotations

import os
from collections.abc import Hashable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from dgi_stats.composite import scenario_ranks
from dgi_stats.exceptions import DGIError
from dgi_stats.scores import total_from_dimensions

__all__ = ["PAPI_FILE", "find_papi_file", "papi_dimensions", "papi_scheme_ranks", "papi_total_check"]

#: A weighting scheme of :func:`~dgi_stats.composite.scenario_ranks`: its name ("equal",
#: "factor_analysis", "bod") or the weights themselves.
SchemeLike: TypeAlias = str | Mapping[Hashable, float] | pd.Series | Sequence[float] | np.ndarray

#: File name of the PAPI team's 2011–2016 workbook.
PAPI_FILE = "PAPI_2011-2016.xlsx"


def find_papi_file(papi_path: str | Path | None = None) -> Path | None:
    """Locate the official PAPI 2011–2016 workbook, or return None when it is absent.

    The workbook is not bundled (it is the PAPI team's publication). With ``papi_path`` only that
    path is tried. Otherwise: ``$DGI_STATS_SHARED/data/papi/``, then ``shared/data/papi/`` beside
    the current folder and each of its parents (a checkout's ``../shared``).

    Parameters
    ----------
    papi_path : str or Path, optional
        The workbook. default: None (search as above).

    Returns
    -------
    Path or None

    Examples
    --------
    >>> find_papi_file("no/such/file.xlsx") is None
    True
    """
    if papi_path is not None:
        p = Path(papi_path)
        return p if p.is_file() else None
    candidates = []
    env = os.environ.get("DGI_STATS_SHARED")
    if env:
        candidates.append(Path(env) / "data" / "papi" / PAPI_FILE)
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        candidates.append(folder / "shared" / "data" / "papi" / PAPI_FILE)
    return next((c for c in candidates if c.is_file()), None)


def papi_dimensions(papi: pd.DataFrame, year: int) -> pd.DataFrame:
    """Provinces (Vietnamese names) x the six dimension scores of one PAPI year (2011–2016).

    Provinces without scores that year (Bắc Giang and Đồng Tháp in 2014) are left out; the
    DataFrame's ``attrs["excluded"]`` lists them.

    Parameters
    ----------
    papi : pandas.DataFrame
        The long table of the workbook (``dgi_stats.datasets`` PAPI reader): columns ``year``,
        ``level``, ``province_vi``, ``measure``, ``value``.
    year : int
        A PAPI year (2011–2016).

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    DGIError
        When the year has no dimension scores.

    Examples
    --------
    >>> import pandas as pd
    >>> papi = pd.DataFrame({"year": 2016, "level": "dimension", "province_vi": ["A", "A", "B"],
    ...                      "measure": ["d1", "d2", "d1"], "value": [5.0, 6.0, 7.0]})
    >>> papi_dimensions(papi, 2016).attrs["excluded"]
    ['B']
    """
    sel = papi.loc[(papi["year"] == year) & (papi["level"] == "dimension")]
    if sel.empty:
        msg = f"papi_dimensions: no dimension scores for year {year}."
        raise DGIError(msg)
    wide = sel.pivot(index="province_vi", columns="measure", values="value")
    wide = wide[sorted(wide.columns)]
    missing = wide.index[wide.isna().any(axis=1)]
    out = wide.drop(index=missing)
    out.index.name = "province"
    out.columns.name = None
    out.attrs["excluded"] = [str(m) for m in missing]
    return out


def papi_scheme_ranks(
    papi: pd.DataFrame,
    province: str = "Quảng Ninh",
    *,
    schemes: Mapping[str, SchemeLike] | None = None,
    aggregations: Sequence[str] = ("arithmetic", "geometric"),
    bod_ratio_bound: float = 2.0,
) -> pd.DataFrame:
    """One province's rank each year under several weighting schemes and aggregations.

    For each year the six dimension scores of every province go through
    :func:`dgi_stats.composite.scenario_ranks`; the row for ``province`` is kept.

    Parameters
    ----------
    papi : pandas.DataFrame
        The long table of the workbook (see :func:`papi_dimensions`).
    province : str
        default: "Quảng Ninh".
    schemes : mapping, optional
        Scenario name -> weighting scheme of :func:`~dgi_stats.composite.scenario_ranks`.
        default: equal, factor analysis and benefit of the doubt.
    aggregations : sequence of str
        default: ("arithmetic", "geometric").
    bod_ratio_bound : float
        Largest ratio of two benefit-of-the-doubt weights. default: 2.0.

    Returns
    -------
    pandas.DataFrame
        Years x scenarios (``"<scheme> / <aggregation>"``), plus ``published_total`` (the sum of the
        dimensions as published, ``equal / arithmetic`` ranks it) and ``n_provinces``.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = [(p, m, v) for p, vals in {"A": (5, 6), "B": (7, 8), "C": (6, 5)}.items()
    ...         for m, v in zip(("d1", "d2"), vals)]
    >>> papi = pd.DataFrame(rows, columns=["province_vi", "measure", "value"]).assign(
    ...     year=2016, level="dimension")
    >>> totals = papi.groupby("province_vi", as_index=False)["value"].sum().assign(
    ...     year=2016, level="total", measure="total")
    >>> papi_scheme_ranks(pd.concat([papi, totals]), "A", schemes={"equal": "equal"},
    ...                   aggregations=["arithmetic"])
          equal / arithmetic  published_total  n_provinces
    year
    2016                   2             11.0            3
    """
    sch = dict(schemes) if schemes is not None else {
        "equal": "equal", "factor analysis": "factor_analysis", "benefit of the doubt": "bod",
    }
    rows = {}
    for year in sorted(pd.unique(papi["year"])):
        dims = papi_dimensions(papi, int(year))
        table = scenario_ranks(dims, schemes=sch, aggregations=list(aggregations),
                               bod_ratio_bound=bod_ratio_bound)
        ranks = table.xs("rank", axis=1, level="value")
        row: dict[str, Any] = {
            f"{col[0]} / {col[1]}": ranks.loc[province, col]
            for col in ranks.columns.to_list() if col[0] != "nominal"
        }
        total = papi.loc[(papi["year"] == year) & (papi["level"] == "total")]
        row["published_total"] = float(total.set_index("province_vi").loc[province, "value"])
        row["n_provinces"] = len(dims)
        rows[int(year)] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "year"
    return out


def papi_total_check(papi: pd.DataFrame) -> pd.DataFrame:
    """Per PAPI year: the largest |published total − sum of the dimensions| over the provinces.

    Uses :func:`dgi_stats.scores.answers.total_from_dimensions`.

    Parameters
    ----------
    papi : pandas.DataFrame
        The long table of the workbook (see :func:`papi_dimensions`).

    Returns
    -------
    pandas.DataFrame
        Indexed by year; columns ``provinces``, ``max_abs_difference``.

    Examples
    --------
    >>> import pandas as pd
    >>> papi = pd.DataFrame({"year": 2016, "province_vi": ["A", "A", "A"],
    ...                      "level": ["dimension", "dimension", "total"],
    ...                      "measure": ["d1", "d2", "total"], "value": [5.0, 6.0, 11.0]})
    >>> papi_total_check(papi)
          provinces  max_abs_difference
    year
    2016          1                 0.0
    """
    rows = {}
    for year in sorted(pd.unique(papi["year"])):
        dims = papi_dimensions(papi, int(year))
        total = papi.loc[(papi["year"] == year) & (papi["level"] == "total")]
        published = total.set_index("province_vi")["value"].reindex(dims.index).astype(float)
        computed = total_from_dimensions(dims)
        rows[int(year)] = {
            "provinces": len(dims),
            "max_abs_difference": float((published - computed).abs().max()),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "year"
    return out
