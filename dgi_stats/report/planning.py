"""The planning section of the report: the change a survey can detect, and the power of a rise.

Report-side tables and numbers built on :mod:`dgi_stats.planning`: :func:`detectable_change_table`
(the score change detectable next year, for this sample and larger ones), :func:`rank_rise_power`
(the power to establish a unit's rank rise, by simulation), :func:`planning_grid` (the documented
longer grid of designs) and :func:`planning_summary` (the planning numbers of ``summary.json``).
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources import files
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

from dgi_stats._results import renamed_parameter
from dgi_stats._rng import RNGLike
from dgi_stats.datasets import load_published, load_true_scores
from dgi_stats.exceptions import DGIError
from dgi_stats.planning import SampleSizePlan, detectable_change, required_sample_size
from dgi_stats.report._common import decimals

if TYPE_CHECKING:  # pragma: no cover
    from dgi_stats.report.analysis import SurveyAnalysis
    from dgi_stats.scores import Scores

__all__ = [
    "detectable_change_table",
    "planning_grid",
    "planning_summary",
    "planning_truth",
    "published_change",
    "rank_rise_power",
]

#: Simulated pairs of surveys of :func:`rank_rise_power` (one object: the default and the check
#: of its deprecated name compare by identity).
_N_SURVEYS = 300


def detectable_change_table(
    scores: Scores,
    *,
    size_factors: Sequence[float] = (1, 2, 4, 8),
    power: float = 0.8,
    confidence_level: float = 0.95,
    measure: str = "total",
) -> pd.DataFrame:
    """The score change detectable next year with ``power``, for the current sample and larger ones.

    Uses :func:`dgi_stats.planning.detectable_change`: a two-sided t test of the change between two
    independent years, both years' standard errors equal to this year's and each unit's df the
    Satterthwaite df of two such years. A sample ``k`` times as large means the same design with
    ``k`` times as many communes (and villages and respondents): standard errors divided by
    ``sqrt(k)`` (the design effect stays the same) and a unit's df ``k (ν + 1) − 1`` (k times as
    many PSUs). More respondents in the same communes would lower the SEs far less and leave the
    df unchanged.

    Parameters
    ----------
    scores : Scores
        This year's scores.
    size_factors : sequence of float
        Sample sizes as multiples of this one. default: (1, 2, 4, 8).
    power : float
        default: 0.8.
    confidence_level : float
        The test's level is ``1 - confidence_level``. default: 0.95.
    measure : str
        default: "total".

    Returns
    -------
    pandas.DataFrame
        One row per factor ``k``: ``respondents_per_unit`` (mean), ``communes_per_unit`` (mean),
        and the detectable change of ``measure`` for the median unit and for the least precise
        unit.

    Examples
    --------
    >>> import pandas as pd
    >>> from dgi_stats.scores.pivot import Scores
    >>> s = Scores.from_estimates(pd.Series([70.0, 71.0], index=["a", "b"], name="total"),
    ...                           pd.Series([0.5, 0.6], index=["a", "b"]), df=5)
    >>> t = detectable_change_table(s, size_factors=(1, 4))
    >>> bool(t.loc[4.0, "detectable_change_median_unit"] < t.loc[1.0, "detectable_change_median_unit"] / 2)
    True
    """
    se = scores.std_error[measure]
    dfs = scores.df_for(measure)
    nu = pd.Series(np.inf, index=se.index) if dfs is None else dfs.reindex(se.index)
    n = float(np.mean(np.asarray(scores.n, dtype=float))) if scores.n is not None else np.nan
    rows = {}
    for k in size_factors:
        scaled = se / np.sqrt(float(k))
        nu_k = float(k) * (nu + 1.0) - 1.0
        # two equal years: Welch-Satterthwaite df of the difference = 2 nu_k
        mdc = detectable_change(scaled, scaled, power=power, alpha=1 - confidence_level,
                                df=2.0 * nu_k)
        rows[float(k)] = {
            "respondents_per_unit": float(n) * float(k),
            "df_per_unit_median": float(np.median(nu_k)),
            "detectable_change_median_unit": float(np.median(np.asarray(mdc, dtype=float))),
            "detectable_change_least_precise_unit": float(np.max(np.asarray(mdc, dtype=float))),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "sample_size_factor"
    return out


def planning_truth(analysis: SurveyAnalysis, measure: str = "total") -> pd.Series:
    """The scores a planning simulation starts from.

    Parameters
    ----------
    analysis : SurveyAnalysis
        The year's survey through the pipeline (:func:`~dgi_stats.report.analyse_survey`).
    measure : str
        default: "total".

    Returns
    -------
    pandas.Series
        The true scores for the SYNTHETIC survey (known to the simulator), the estimates for a
        survey file.

    Examples
    --------
    >>> from dgi_stats.report import analyse_survey
    >>> float(planning_truth(analyse_survey(2021))["Uông Bí"])
    75.24
    """
    if analysis.synthetic:
        truth = load_true_scores(analysis.year, measures="all")[measure]
        return truth.reindex(analysis.scores.units).astype(float).rename(measure)
    return analysis.scores.estimate[measure].astype(float)


def published_change(unit: str, year: int, measure: str = "total") -> float:
    """The published change of ``measure`` for ``unit`` from ``year - 1`` to ``year``.

    Parameters
    ----------
    unit : str
        A unit with published figures.
    year : int
        The second year of the change.
    measure : str
        default: "total".

    Returns
    -------
    float
        Rounded to the published decimals.

    Raises
    ------
    DGIError
        When either year's figure is not published.

    Examples
    --------
    >>> published_change("Uông Bí", 2021)
    6.31
    """
    pub = load_published()
    sel = pub.loc[(pub["index"] == "DGI") & (pub["unit"] == unit) & (pub["measure"] == measure)]
    values = dict(zip(sel["year"].astype(int), sel["value"].astype(float), strict=True))
    if year not in values or year - 1 not in values:
        msg = f"no published {measure} of {unit!r} for both {year - 1} and {year}."
        raise DGIError(msg)
    after, before = values[year], values[year - 1]
    digits = max(decimals(after), decimals(before))
    return round(after - before, digits)


def planning_grid() -> tuple[dict[str, tuple[float, float, float]], dict[str, tuple[float, float]]]:
    """The documented SYNTHETIC planning grid (docs/methodology/power.md), with its provenance.

    Read from ``dgi_stats/datasets/planning/uong_bi_rise_power_SYNTHETIC.csv``, whose header holds
    the command, seed and version that made it (the grid takes about 30 minutes, too long for a
    report run).

    Returns
    -------
    tuple of dict
        ``{design: (respondents per unit, power, Monte Carlo SE)}`` and
        ``{design choice: (respondents per unit for 80 % power, Monte Carlo SE)}``.

    Examples
    --------
    >>> grid, required = planning_grid()
    >>> max(p for _, p, _ in grid.values()) > 0.8
    True
    """
    path = files("dgi_stats.datasets").joinpath("planning", "uong_bi_rise_power_SYNTHETIC.csv")
    with path.open(encoding="utf-8") as fh:
        table = pd.read_csv(fh, comment="#")
    vals = table[["respondents_per_unit", "power", "power_se"]].to_numpy(dtype=float)
    kinds, names = table["kind"].tolist(), [str(x) for x in table["design"]]
    grid = {
        name: (float(v[0]), float(v[1]), float(v[2]))
        for kind, name, v in zip(kinds, names, vals, strict=True)
        if kind == "design"
    }
    required = {
        name: (float(v[0]), float(v[2]))
        for kind, name, v in zip(kinds, names, vals, strict=True)
        if kind == "required"
    }
    return grid, required


def rank_rise_power(
    before: SurveyAnalysis,
    after: SurveyAnalysis | None = None,
    *,
    unit: str,
    confidence_level: float = 0.95,
    communes_per_unit: Sequence[int] | int = 6,
    respondents_per_village: Sequence[int] | int = 28,
    n_surveys: int = _N_SURVEYS,
    rng: RNGLike = None,
    **renamed: object,
) -> SampleSizePlan:
    """Power to establish ``unit``'s rank rise, by simulating both years' surveys afresh.

    Calls :func:`dgi_stats.planning.required_sample_size` with the two analyses' specifications
    and years: SYNTHETIC surveys of every unit in both years (none held at its truth), each with
    its own design SEs and df, the rank-change test on each pair, and the binomial Monte Carlo
    error of every power. The default is the bundled design only (6 communes, 3 villages, 28
    adults per village: about 325 respondents per unit), which runs in about a minute; the grid
    that answers "which design reaches 80 %" is the documented command of
    docs/methodology/power.md (:func:`planning_grid`).

    Parameters
    ----------
    before, after : SurveyAnalysis
        The two years (``after`` None: the year after ``before`` with its specification).
    unit : str
        The unit whose rise is tested.
    confidence_level : float
        default: 0.95.
    communes_per_unit, respondents_per_village : int or sequence of int
        The designs simulated. default: 6 and 28 (the bundled design).
    n_surveys : int
        Simulated pairs of surveys per design (formerly ``n_replicates``, still accepted with a
        deprecation warning). default: 300.
    rng : int, Generator, SeedSequence or None
        default: None.
    **renamed
        ``n_replicates``: deprecated name of ``n_surveys`` (a DGIDeprecationWarning).

    Returns
    -------
    SampleSizePlan

    Examples
    --------
    >>> from dgi_stats.report import analyse_survey
    >>> plan = rank_rise_power(analyse_survey(2020), analyse_survey(2021), unit="Uông Bí",
    ...                        n_surveys=20, rng=1)  # doctest: +SKIP
    >>> 0 <= plan.table["power"].iloc[0] <= 1  # doctest: +SKIP
    True
    """
    n_surveys = cast(int, renamed_parameter(renamed, "n_replicates", "n_surveys", n_surveys,
                                            func="rank_rise_power", default=_N_SURVEYS))
    spec_after = before.spec if after is None else after.spec
    year_after = before.year + 1 if after is None else after.year
    return required_sample_size(
        before.spec, spec_after, unit=unit, year_before=before.year, year_after=year_after,
        communes_per_unit=communes_per_unit, respondents_per_village=respondents_per_village,
        n_surveys=n_surveys, confidence_level=confidence_level, rng=rng,
    )


def planning_summary(
    scores: Scores, *, confidence_level: float = 0.95, rise_power: SampleSizePlan | None = None,
    power: float = 0.8,
) -> dict[str, object]:
    """Planning numbers for ``summary.json``: detectable changes and, optionally, rise power.

    Parameters
    ----------
    scores : Scores
        This year's scores.
    confidence_level : float
        default: 0.95.
    rise_power : SampleSizePlan, optional
        From :func:`rank_rise_power`.
    power : float
        The target power. default: 0.8.

    Returns
    -------
    dict
        ``detectable_change`` (by respondents per unit: median and least precise unit), and with
        ``rise_power``: ``rank_rise_power`` (design -> power and its Monte Carlo SE, with
        respondents per unit) and ``respondents_per_unit_for_power`` (the first simulated design
        reaching ``power``; None when none does).

    Examples
    --------
    >>> from dgi_stats.report import analyse_survey
    >>> sorted(planning_summary(analyse_survey(2021).scores))
    ['detectable_change', 'power']
    """
    mdc = detectable_change_table(scores, confidence_level=confidence_level, power=power)
    out: dict[str, object] = {
        "power": power,
        "detectable_change": {
            f"{row['respondents_per_unit']:.0f}": {
                "median_unit": row["detectable_change_median_unit"],
                "least_precise_unit": row["detectable_change_least_precise_unit"],
            }
            for _, row in mdc.iterrows()
        },
    }
    if rise_power is not None:
        table = rise_power.table
        out["rank_rise_power"] = {
            str(design): {
                "respondents_per_unit": float(row["respondents_per_unit"]),
                "power": float(row["power"]),
                "power_mc_se": float(row["power_se"]),
            }
            for design, row in table.iterrows()
        }
        reached = table.loc[table["power"] >= power].sort_values("respondents_per_unit")
        out["respondents_per_unit_for_power"] = (
            None if reached.empty else float(reached["respondents_per_unit"].iloc[0])
        )
    return out
