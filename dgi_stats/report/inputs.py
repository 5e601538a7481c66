"""The input files of a report: the survey and margins files, their checks, the bundled files.

:func:`check_survey_file` reads a survey file and stops at its first problem,
:func:`survey_problems` lists every problem of a survey table, :func:`read_margins` reads the
population counts for raking, and :func:`previous_inputs` chooses the survey of the year before
(never mixing a survey file with the bundled SYNTHETIC survey). The whole analysis run as a check
is :func:`dgi_stats.report.validate_survey`.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dgi_stats._validation import did_you_mean
from dgi_stats.datasets.recipe import file_names
from dgi_stats.exceptions import DGIError, UnknownUnitError
from dgi_stats.report._common import (
    InputFiles,
    check_year,
    read_table,
    require_columns,
    weight_column,
    years,
)
from dgi_stats.simulate import frame_margins
from dgi_stats.units import match_units

if TYPE_CHECKING:  # pragma: no cover
    from dgi_stats.scores import IndexSpec

__all__ = [
    "DESIGN_COLUMNS",
    "bundled_files",
    "check_survey_file",
    "previous_inputs",
    "read_margins",
    "survey_problems",
]

#: Survey columns the report needs besides the spec's questionnaire items.
DESIGN_COLUMNS = ("district", "commune_id", "village_id", "design_weight")


def survey_problems(data: pd.DataFrame, spec: IndexSpec, *, name: str = "survey file") -> list[str]:
    """Every problem of a survey table that the report would stop at, one message each.

    Checks the columns (the spec's items and :data:`DESIGN_COLUMNS`), the answer codes, unique
    respondent ids, the unit names (replaced **in place** by their canonical names with the
    tolerant matching of :func:`dgi_stats.units.match_units`) and the weights (numeric, finite,
    not negative). The design, raking and scoring are checked by :func:`validate_survey`.

    Parameters
    ----------
    data : pandas.DataFrame
        The survey as read; its unit column is normalised in place.
    spec : IndexSpec
        The year's index specification.
    name : str
        How the messages name the data. default: "survey file".

    Returns
    -------
    list of str
        One message per problem (empty when there is none).

    Examples
    --------
    >>> from dgi_stats.datasets import load_spec, load_survey
    >>> data = load_survey(2021).head(50)
    >>> data.loc[0, "district"] = "TP Uông Bí"
    >>> survey_problems(data, load_spec(2021)), data.loc[0, "district"]
    ([], 'Uông Bí')
    """
    problems: list[str] = []
    if len(data) == 0:
        return [f"{name} has no respondents (no data rows)."]
    unit = spec.unit_column
    required = [*DESIGN_COLUMNS, *spec.item_ids]
    if unit not in required:
        required.insert(0, unit)
    missing = [c for c in required if c not in data.columns]
    if missing:
        problems.append(
            f"{name} does not match the {spec.name} {spec.year} spec: missing column(s) "
            f"{', '.join(missing)}; "
            f"{did_you_mean(missing, data.columns, what='columns of the file', exclude=required)}. "
            "Rename the columns or pass the matching spec."
        )
    if all(c in data.columns for c in spec.scored_item_ids):
        try:
            spec.validate_answers(data)
        except DGIError as exc:
            problems.append(f"{name}: {exc}")
    rid = spec.respondent_column
    if rid in data.columns and data[rid].duplicated().any():
        dup = data[rid][data[rid].duplicated(keep=False)]
        problems.append(
            f"{name}: duplicate respondent ids in column {rid!r}: {list(dict.fromkeys(dup))[:5]} "
            f"(rows {list(dup.index[:10])}). Remove or renumber the duplicates."
        )
    if unit in data.columns:
        blank = data[unit].isna()
        if blank.any():
            problems.append(
                f"{name}: column {unit!r} is blank in rows {list(data.index[blank][:10])}; every "
                "respondent needs a unit."
            )
        else:
            try:
                data[unit] = match_units([str(v) for v in data[unit]])
            except DGIError as exc:
                problems.append(f"{name}: column {unit!r}: {exc}")
    weight = weight_column(data)
    if weight in data.columns:
        w = pd.to_numeric(data[weight], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        bad = ~np.isfinite(w) | (w < 0)
        if bad.any():
            rows = [int(i) for i in np.flatnonzero(bad)[:10]]
            problems.append(
                f"{name}: the weights {weight!r} are negative, missing, non-numeric or infinite in "
                f"{int(bad.sum())} row(s) (0-based rows {rows}{', ...' if bad.sum() > 10 else ''}). "
                "Weights must be numbers >= 0."
            )
    return problems


def check_survey_file(path: str | Path, spec: IndexSpec, *, encoding: str | None = None) -> pd.DataFrame:
    """Read a survey file with :func:`dgi_stats.io.read_survey` and check it against ``spec``.

    Parameters
    ----------
    path : str or Path
        A CSV (UTF-8, UTF-16 or, with ``encoding``, any codec), Parquet, SPSS ``.sav`` or Stata
        ``.dta`` file, one row per respondent. Excel files are refused: save them as CSV.
    spec : IndexSpec
        The year's index specification.
    encoding : str, optional
        Text encoding of a CSV file, for example ``"cp1258"``. default: None (UTF-8 or UTF-16).

    Returns
    -------
    pandas.DataFrame
        The data, unit names replaced by their canonical names ("TP Uông Bí" -> "Uông Bí").

    Raises
    ------
    DGIError
        The first problem found (see :func:`survey_problems`); :func:`validate_survey` lists all.

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
    >>> from dgi_stats.datasets import load_spec
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = pathlib.Path(tmp) / "survey.csv"
    ...     pd.DataFrame({"district": ["Uông Bí"], "q101": [1]}).to_csv(p, index=False)
    ...     check_survey_file(p, load_spec(2021))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dgi_stats.exceptions.DGIError: survey file ... does not match the DGI 2021 spec: missing ...
    """
    p = Path(path)
    data = read_table(p, what="survey", encoding=encoding)
    problems = survey_problems(data, spec, name=f"survey file {str(p)!r}")
    if problems:
        raise (UnknownUnitError if "unknown unit" in problems[0] else DGIError)(problems[0])
    return data


def bundled_files(year: int) -> InputFiles:
    """The bundled SYNTHETIC files of ``year``: its survey and its frame (the margins).

    Parameters
    ----------
    year : int
        A year with a bundled survey.

    Returns
    -------
    dict
        ``{"survey": ..., "margins": ...}``, packaged resources (``importlib.resources``).

    Examples
    --------
    >>> sorted(bundled_files(2021))
    ['margins', 'survey']
    """
    names = file_names(year)
    folder = files("dgi_stats.datasets").joinpath("synthetic")
    return {"survey": folder.joinpath(names["respondents"]), "margins": folder.joinpath(names["frame"])}


def read_margins(path: str | Path, *, encoding: str | None = None) -> dict[str, pd.Series]:
    """Population margins from a table of adult counts by district x sex x age group x ethnicity.

    Parameters
    ----------
    path : str or Path
        CSV, Parquet, SPSS or Stata file (read by :func:`dgi_stats.io.read_survey`) with columns
        ``district``, ``sex``, ``age_group``, ``ethnicity`` and ``adults`` (one row per cell or per
        village x cell, as the bundled frame); district names are matched tolerantly ("TP Uông
        Bí" -> "Uông Bí"), the other categories must be spelled as in the survey file.
    encoding : str, optional
        Text encoding of a CSV file, for example ``"cp1258"``. default: None (UTF-8 or UTF-16).

    Returns
    -------
    dict of str to pandas.Series
        The margins of :func:`dgi_stats.simulate.frame_margins`.

    Raises
    ------
    DGIError
        If the file is missing, unreadable, lacks a column or names an unknown district.

    Examples
    --------
    >>> read_margins("no/such/margins.csv")
    Traceback (most recent call last):
    ...
    dgi_stats.exceptions.DGIError: margins file not found: 'no/such/margins.csv'. Check the path.
    """
    frame = read_table(Path(path), what="margins", encoding=encoding)
    need = ["district", "sex", "age_group", "ethnicity", "adults"]
    require_columns(frame, need, f"margins file {str(path)!r}",
                    hint=f"it needs adult counts with the columns {need}")
    try:
        frame["district"] = match_units([str(v) for v in frame["district"]])
    except DGIError as exc:
        raise DGIError(f"margins file {str(path)!r}: column 'district': {exc}") from None
    return frame_margins(frame)


def previous_inputs(
    year: int,
    *,
    data_path: str | Path | None = None,
    previous_data_path: str | Path | None = None,
    previous_margins_path: str | Path | None = None,
) -> dict[str, Path | None] | None:
    """The survey a report of ``year`` compares with (change section), or None when there is none.

    The rule never mixes a survey file with the bundled SYNTHETIC survey:

    - the bundled survey (``data_path`` None): the bundled SYNTHETIC survey of ``year - 1``
      (its bundled margins unless ``previous_margins_path``);
    - a survey file (``data_path`` given): ``previous_data_path`` (and ``previous_margins_path``)
      when given; without it there is **no previous year**;
    - the first year of the series: no previous year.

    Parameters
    ----------
    year : int
        The report year.
    data_path : str or Path, optional
        The survey file of ``year`` (None: the bundled survey).
    previous_data_path, previous_margins_path : str or Path, optional
        The survey and margins files of ``year - 1``.

    Returns
    -------
    dict or None
        ``{"data_path": ..., "margins_path": ...}`` (None: bundled), or None (no previous year).

    Raises
    ------
    DGIError
        Previous-year files for a year whose year before has no specification; a previous-year
        survey file with the bundled survey (``data_path`` None); previous-year margins without
        the previous-year survey file when ``data_path`` is given.

    Examples
    --------
    >>> previous_inputs(2021)
    {'data_path': None, 'margins_path': None}
    >>> previous_inputs(2021, data_path="survey_2021.csv") is None
    True
    >>> previous_inputs(2020) is None
    True
    """
    year = check_year(year)
    given = previous_data_path is not None or previous_margins_path is not None
    if year - 1 not in years():
        if given:
            msg = f"previous-year files were given, but {year - 1} has no DGI specification."
            raise DGIError(msg)
        return None
    if data_path is None and previous_data_path is not None:
        msg = (
            f"a {year - 1} survey file (previous_data_path / --previous-data) was given without a "
            f"{year} survey file (data_path / --data): the report would compare your "
            f"{year - 1} survey with the bundled SYNTHETIC {year} survey. Give the {year} survey "
            "file as well."
        )
        raise DGIError(msg)
    if data_path is not None and previous_data_path is None:
        if previous_margins_path is not None:
            msg = (
                f"{year - 1} margins (previous_margins_path / --previous-margins) were given "
                f"without the {year - 1} survey file: give it with previous_data_path / "
                "--previous-data."
            )
            raise DGIError(msg)
        return None
    return {
        "data_path": None if previous_data_path is None else Path(previous_data_path),
        "margins_path": None if previous_margins_path is None else Path(previous_margins_path),
    }
