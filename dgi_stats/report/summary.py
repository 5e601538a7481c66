"""The headline numbers of a report: built, written as ``summary.json``, read back, tabulated.

:func:`build_summary` gathers the numbers a reader looks for (scores, ranks and rank sets, change,
robustness, planning, with the SHA-256 of every input), :func:`write_summary` writes them as
``summary.json`` byte-identical for identical inputs (so two runs with the same seed can be
compared file to file), :func:`read_json` reads them back and :func:`summary_table` tabulates them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from dgi_stats.exceptions import DGIError
from dgi_stats.report._common import InputFiles, package_version, unit_order, years
from dgi_stats.report.provenance import file_provenance
from dgi_stats.report.tables import change_table

if TYPE_CHECKING:  # pragma: no cover
    from dgi_stats.composite import UncertaintyResult
    from dgi_stats.ranks import (
        PerformanceBands,
        RankChangeTest,
        RankConfidenceSets,
        RankProbabilities,
    )
    from dgi_stats.report.analysis import SurveyAnalysis

__all__ = ["SUMMARY_FILE", "build_summary", "read_json", "summary_table", "write_summary"]

#: File name of the headline numbers in a report folder.
SUMMARY_FILE = "summary.json"


def read_json(path: str | Path) -> dict[str, Any]:
    """Read a JSON object (such as ``summary.json``).

    Parameters
    ----------
    path : str or Path
        The file.

    Returns
    -------
    dict

    Raises
    ------
    DGIError
        If the file holds another JSON value than an object.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = write_summary({"year": 2021}, tmp)
    ...     read_json(p)
    {'year': 2021}
    """
    with Path(path).open(encoding="utf-8") as fh:
        out = json.load(fh)
    if not isinstance(out, dict):
        msg = f"{str(path)!r} does not hold a JSON object."
        raise DGIError(msg)
    return out


def _jsonable(value: object, *, digits: int) -> object:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v, digits=digits) for k, v in value.items()}
    if isinstance(value, pd.Series):
        return {str(k): _jsonable(v, digits=digits) for k, v in value.items()}
    if isinstance(value, pd.DataFrame):
        return {str(k): _jsonable(row, digits=digits) for k, row in value.iterrows()}
    if isinstance(value, list | tuple | np.ndarray | pd.Index):
        return [_jsonable(v, digits=digits) for v in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        x = float(value)
        return None if not math.isfinite(x) else round(x, digits)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Path):
        return str(value)
    msg = f"write_summary cannot store a value of type {type(value).__name__}: {value!r}."
    raise DGIError(msg)


def write_summary(
    summary: Mapping[str, object], output_dir: str | Path, *, digits: int = 10
) -> Path:
    """Write the headline numbers as ``summary.json``, byte-identical for identical inputs.

    Keys are sorted; floats are rounded to ``digits`` decimals (so that the last bits of a
    floating-point sum cannot differ between two runs); NaN becomes ``null``; pandas and numpy
    values become plain JSON.

    Parameters
    ----------
    summary : mapping
        Nested mappings, lists, numbers, strings, Series and DataFrames (by row).
    output_dir : str or Path
        Existing folder.
    digits : int
        Decimals kept. default: 10.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    DGIError
        If a value cannot be stored as JSON.

    Examples
    --------
    >>> import tempfile, pathlib, numpy as np
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = write_summary({"b": np.float64(1 / 3), "a": [np.int64(2), np.nan]}, tmp, digits=4)
    ...     p.read_text(encoding="utf-8")
    '{\\n  "a": [\\n    2,\\n    null\\n  ],\\n  "b": 0.3333\\n}\\n'
    """
    folder = Path(output_dir)
    if not folder.is_dir():
        msg = f"The 'output_dir' parameter of write_summary must be an existing folder. Got {str(folder)!r}."
        raise DGIError(msg)
    payload = _jsonable(summary, digits=digits)
    path = folder / SUMMARY_FILE
    path.write_text(
        json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n",
        encoding="utf-8",
    )
    return path


def _pair(a: object, b: object) -> list[object]:
    return [a, b]


def build_summary(
    analysis: SurveyAnalysis,
    *,
    confidence_level: float,
    seed: int,
    marginal: RankConfidenceSets,
    simultaneous: RankConfidenceSets,
    probabilities: RankProbabilities | None = None,
    movers: RankChangeTest | None = None,
    focus: RankChangeTest | None = None,
    uncertainty: UncertaintyResult | None = None,
    bands: PerformanceBands | None = None,
    planning: Mapping[str, object] | None = None,
    previous: SurveyAnalysis | None = None,
) -> dict[str, Any]:
    """The headline numbers of a report, as a JSON-ready dict (see :func:`write_summary`).

    Parameters
    ----------
    analysis : SurveyAnalysis
        The year's survey through the pipeline (:func:`~dgi_stats.report.analyse_survey`).
    confidence_level : float
        Level of the intervals and rank sets.
    seed : int
        The report's seed (stored, to rerun it).
    marginal, simultaneous : RankConfidenceSets
        The rank confidence sets of the total, one unit at a time and all units at once.
    probabilities : RankProbabilities, optional
        Probabilities of ranking 1st (and in the top k).
    movers : RankChangeTest, optional
        All units, simultaneous.
    focus : RankChangeTest, optional
        One unit named in advance (2021: Uông Bí).
    uncertainty : UncertaintyResult, optional
        The robustness analysis of the weighting (median rank and 5–95 % band per unit).
    bands : PerformanceBands, optional
        Performance bands of the units.
    planning : mapping, optional
        Planning numbers to store as they are (see :func:`planning_summary`).
    previous : SurveyAnalysis, optional
        The survey of the year before that ``movers`` and ``focus`` compare with (see
        :func:`previous_survey`); its files are listed in ``inputs`` as ``previous_survey`` and
        ``previous_margins``. None: no previous year.

    Returns
    -------
    dict
        Keys ``year``, ``data``, ``synthetic`` (True when every survey is the bundled SYNTHETIC
        one, False when none is, "mixed" otherwise), ``previous_year`` (its year and data, or
        None), ``inputs`` (SHA-256 per file, None for a role not used), ``seed``,
        ``confidence_level``, ``variance``, ``respondents``, ``units`` (per unit: total and
        composite with intervals, rank, marginal and simultaneous rank sets, probability of
        ranking 1st, robustness median rank and 5–95 % band), ``change`` (per unit),
        ``focus`` and ``planning`` when given.

    Raises
    ------
    DGIError
        A change test without the previous year's analysis.

    Examples
    --------
    >>> from dgi_stats.ranks import rank_confidence_sets
    >>> from dgi_stats.report import analyse_survey
    >>> analysis = analyse_survey(2021)
    >>> sets = [rank_confidence_sets(analysis.scores, simultaneous=s, rng=1) for s in (False, True)]
    >>> summary = build_summary(analysis, confidence_level=0.95, seed=1, marginal=sets[0],
    ...                         simultaneous=sets[1])
    >>> summary["units"]["Uông Bí"]["rank_set_marginal"]
    [1, 12]
    """
    scores = analysis.scores
    ci = scores.select(measures=["total", "composite"]).confidence_interval(confidence_level)
    files: InputFiles = dict(analysis.files)
    if previous is not None:
        files.update({f"previous_{role}": path for role, path in previous.files.items()})
    elif analysis.year - 1 in years():
        files.update({"previous_survey": None, "previous_margins": None})
    if (movers is not None or focus is not None) and previous is None:
        msg = "build_summary: give the previous year's analysis ('previous') with a change test."
        raise DGIError(msg)
    prov = file_provenance(files)
    kinds = {analysis.synthetic} | ({previous.synthetic} if previous is not None else set())
    synthetic: bool | str = kinds.pop() if len(kinds) == 1 else "mixed"
    m = marginal.to_frame()
    s = simultaneous.to_frame()
    units: dict[str, Any] = {}
    for u in unit_order(scores.units):
        t = ci.loc[(u, "total")]
        c = ci.loc[(u, "composite")]
        entry: dict[str, Any] = {
            "total": t["estimate"],
            "total_ci": _pair(t["ci_low"], t["ci_high"]),
            "composite": c["estimate"],
            "composite_ci": _pair(c["ci_low"], c["ci_high"]),
            "rank": int(m.loc[u, "rank"]),
            "rank_set_marginal": _pair(int(m.loc[u, "lower"]), int(m.loc[u, "upper"])),
            "rank_set_simultaneous": _pair(int(s.loc[u, "lower"]), int(s.loc[u, "upper"])),
        }
        if probabilities is not None:
            for col in probabilities.top_k.columns:
                entry[f"p_{col}"] = float(probabilities.top_k.loc[u, col])
        if bands is not None:
            entry["band"] = int(bands.band.loc[u])
        if uncertainty is not None:
            st = uncertainty.statistics
            entry["robust_median_rank"] = float(st.loc[u, "median"])
            entry["robust_rank_band_5_95"] = _pair(float(st.loc[u, "q5"]), float(st.loc[u, "q95"]))
        units[str(u)] = entry
    out: dict[str, Any] = {
        "year": analysis.year,
        "data": "bundled SYNTHETIC survey" if analysis.synthetic else "survey file",
        "synthetic": synthetic,
        "previous_year": None if previous is None else {
            "year": previous.year,
            "data": "bundled SYNTHETIC survey" if previous.synthetic else "survey file",
        },
        "inputs": {str(k): v if isinstance(v, str) else None for k, v in prov["sha256"].items()},
        "dgi_stats_version": package_version(),
        "seed": int(seed),
        "confidence_level": float(confidence_level),
        "variance": scores.method,
        "respondents": len(analysis.data),
        "units": units,
    }
    if uncertainty is not None:
        out["robust_mean_abs_rank_shift"] = float(uncertainty.rank_shift.mean())
    if movers is not None:
        tab = change_table(movers)
        out["change"] = {
            str(u): {
                "score_change": row["score_change"],
                "score_change_ci": _pair(row["score_change_ci_low"], row["score_change_ci_high"]),
                "score_change_pvalue_holm": row.get("score_change_pvalue_holm", np.nan),
                "rank_before": int(row["rank_before"]),
                "rank_after": int(row["rank_after"]),
                "places_gained": int(row["places_gained"]),
                "places_gained_bounds": _pair(int(row["places_gained_lower"]),
                                              int(row["places_gained_upper"])),
            }
            for u, row in tab.iterrows()
        }
    if focus is not None:
        row = focus.to_frame().iloc[0]
        unit = str(focus.to_frame().index[0])
        out["focus"] = {
            "unit": unit,
            "score_change": row["score_change"],
            "score_change_ci": _pair(row["score_change_ci_low"], row["score_change_ci_high"]),
            "score_change_pvalue": row["score_change_pvalue"],
            "rank_before": int(row["rank_before"]),
            "rank_after": int(row["rank_after"]),
            "places_gained": int(row["places_gained"]),
            "places_gained_lower": int(row["places_gained_lower"]),
            "rank_rise_established": bool(int(row["places_gained_lower"]) >= 1),
            "pvalue_rank_improved": row["pvalue"],
        }
    if planning is not None:
        out["planning"] = dict(planning)
    return out


def summary_table(summary: Mapping[str, object]) -> pd.DataFrame:
    """The per-unit headline numbers of a summary as a table, best rank first.

    Parameters
    ----------
    summary : mapping
        From :func:`build_summary` (or ``summary.json`` read with :func:`read_json`).

    Returns
    -------
    pandas.DataFrame
        Indexed by unit: ``total``, ``total_ci``, ``rank``, the rank sets and, when the summary
        has them, the probability of ranking 1st, the robustness band and the change.

    Examples
    --------
    >>> e = {"total": 75.1, "total_ci": [74.0, 76.0], "rank": 1, "rank_set_marginal": [1, 2],
    ...      "rank_set_simultaneous": [1, 3]}
    >>> summary_table({"units": {"Uông Bí": e}}).loc["Uông Bí", "rank_set_simultaneous"]
    '1–3'
    """
    units = cast("dict[str, dict[str, Any]]", summary["units"])
    changes = cast("dict[str, dict[str, Any]]", summary.get("change", {}))
    rows = {}
    for unit, e in units.items():
        row = {
            "total": e["total"],
            "total_ci": f"[{e['total_ci'][0]:.2f}, {e['total_ci'][1]:.2f}]",
            "rank": e["rank"],
            "rank_set_marginal": f"{e['rank_set_marginal'][0]}–{e['rank_set_marginal'][1]}",
            "rank_set_simultaneous": (
                f"{e['rank_set_simultaneous'][0]}–{e['rank_set_simultaneous'][1]}"
            ),
        }
        if "p_top_1" in e:
            row["p_rank_1"] = e["p_top_1"]
        if "robust_median_rank" in e:
            band = e["robust_rank_band_5_95"]
            row["robust_rank_5_95"] = f"{band[0]:g}–{band[1]:g}"
        change = changes.get(unit)
        if change is not None:
            row["score_change"] = change["score_change"]
            row["places_gained"] = change["places_gained"]
        rows[unit] = row
    out = pd.DataFrame.from_dict(rows, orient="index").sort_values("rank", kind="stable")
    out.index.name = "unit"
    return out
