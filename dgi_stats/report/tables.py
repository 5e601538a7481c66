"""The tables of the annual DGI report, as DataFrames (shown by :func:`~dgi_stats.report.display_table`).

Published figures and their arithmetic, the sample and its weights, item nonresponse, results
with intervals, the SYNTHETIC truth, ranks with their confidence sets, change on the year before
and ranks under other weighting schemes. Units come in the catalogue order (cities, towns,
districts) or by rank.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dgi_stats.datasets import load_published, load_spec, load_true_scores
from dgi_stats.report._common import decimals, is_dimension, unit_order
from dgi_stats.scores import composite_percent, total_from_dimensions
from dgi_stats.survey.weighting import (
    kish_effective_sample_size,
    weight_summary,
    weighting_design_effect,
)

if TYPE_CHECKING:  # pragma: no cover
    from dgi_stats.ranks import RankChangeTest, RankConfidenceSets, RankProbabilities
    from dgi_stats.report.analysis import SurveyAnalysis
    from dgi_stats.scores import Scores

__all__ = [
    "CHANGE_COLUMNS",
    "change_table",
    "focus_units",
    "item_nonresponse",
    "published_arithmetic",
    "published_figures",
    "rank_table",
    "results_table",
    "sample_table",
    "scenario_table",
    "truth_table",
    "weighting_table",
]

#: Columns of :func:`change_table`, in this order (those the rank-change test reports).
CHANGE_COLUMNS = (
    "score_before", "score_after", "score_change", "score_change_ci_low", "score_change_ci_high",
    "score_change_pvalue", "score_change_pvalue_holm", "rank_before", "rank_after",
    "places_gained", "places_gained_lower", "places_gained_upper", "pvalue",
)


def published_figures(year: int, *, index: str = "DGI") -> pd.DataFrame:
    """The published figures of ``year`` and the year before, with their sources.

    Parameters
    ----------
    year : int
        The report year.
    index : str
        Which index. default: "DGI".

    Returns
    -------
    pandas.DataFrame
        Columns ``year``, ``unit``, ``measure``, ``value``, ``rank``, ``source``, ``note``.

    Examples
    --------
    >>> pub = published_figures(2021)
    >>> float(pub.query("unit == 'Uông Bí' and measure == 'total' and year == 2021")["value"].iloc[0])
    75.24
    """
    pub = load_published()
    keep = (pub["index"] == index) & pub["year"].isin([year - 1, year])
    cols = ["year", "unit", "measure", "value", "rank", "source", "note"]
    return pub.loc[keep, cols].sort_values(["year", "unit", "measure"], kind="stable").reset_index(drop=True)


def published_arithmetic(year: int) -> pd.DataFrame:
    """Check the published index arithmetic of ``year`` with dgi_stats' scoring functions.

    Where a unit's eight dimension scores are published, their sum
    (:func:`dgi_stats.scores.answers.total_from_dimensions`) is compared with the published total;
    published totals are turned into the composite % (:func:`dgi_stats.scores.answers.composite_percent`)
    and compared with the published composite, rounded as published.

    Parameters
    ----------
    year : int
        The report year.

    Returns
    -------
    pandas.DataFrame
        One row per check: ``check``, ``computed``, ``published``, ``agrees`` (computed rounded to
        the published decimals equals the published value). Empty when the year has no such
        figures.

    Examples
    --------
    >>> row = published_arithmetic(2021).iloc[0]
    >>> float(row["computed"]), float(row["published"]), bool(row["agrees"])
    (75.24, 75.24, True)
    """
    pub = load_published()
    pub = pub.loc[(pub["index"] == "DGI") & (pub["year"] == year)]
    dims = load_spec(year).dimension_ids
    rows = []
    for unit, grp in pub.dropna(subset=["unit"]).groupby("unit", sort=True):
        vals = grp.set_index("measure")["value"]
        if set(dims) <= set(vals.index) and "total" in vals.index:
            total = total_from_dimensions(vals[dims].astype(float))
            rows.append((f"{unit}: sum of the 8 dimension scores = total", total, float(vals["total"])))
        if "total" in vals.index and "composite" in vals.index:
            comp = composite_percent(float(vals["total"]), len(dims))
            rows.append((f"{unit}: total / 80 x 100 = composite %", comp, float(vals["composite"])))
    means = pub.loc[pub["unit"].isna()].set_index("measure")["value"]
    if "mean_total" in means.index and "mean_composite" in means.index:
        comp = composite_percent(float(means["mean_total"]), len(dims))
        rows.append(("mean of the units: mean total / 80 x 100 = mean composite %", comp,
                     float(means["mean_composite"])))
    out = pd.DataFrame(rows, columns=["check", "computed", "published"])
    out["agrees"] = [
        bool(round(float(c), decimals(p)) == p) for c, p in zip(out["computed"], out["published"], strict=True)
    ]
    return out


def sample_table(analysis: SurveyAnalysis) -> pd.DataFrame:
    """Sample and weights per unit: respondents, PSUs, villages, weight sums, effective sizes.

    Parameters
    ----------
    analysis : SurveyAnalysis
        The year's survey through the pipeline (:func:`~dgi_stats.report.analyse_survey`).

    Returns
    -------
    pandas.DataFrame
        Columns: ``respondents``, ``communes`` (PSUs), ``villages``, ``adults`` (population, from
        the margins; NA without margins), ``weight_sum_before`` / ``weight_sum_after`` raking,
        ``effective_n_before`` / ``effective_n_after`` (Kish), ``weighting_deff_after``.

    Examples
    --------
    >>> from dgi_stats.report import analyse_survey
    >>> sample_table(analyse_survey(2021)).loc["Uông Bí", ["respondents", "communes"]].tolist()
    [315, 6]
    """
    unit = analysis.spec.unit_column
    data = analysis.data
    grouped = data.groupby(unit, sort=True)
    out = pd.DataFrame(
        {
            "respondents": grouped.size(),
            "communes": grouped["commune_id"].nunique(),
            "villages": grouped["village_id"].nunique(),
        }
    )
    if analysis.margins:
        out["adults"] = analysis.margins[0].groupby(level=unit).sum().reindex(out.index).astype("Int64")
    else:
        out["adults"] = pd.array([pd.NA] * len(out), dtype="Int64")
    before = weight_summary(analysis.design, by=unit)
    after = weight_summary(analysis.raked, by=unit)
    out["weight_sum_before"] = before["sum"].reindex(out.index)
    out["weight_sum_after"] = after["sum"].reindex(out.index)
    for col, value in (
        ("effective_n_before", kish_effective_sample_size(analysis.design, by=unit)),
        ("effective_n_after", kish_effective_sample_size(analysis.raked, by=unit)),
        ("weighting_deff_after", weighting_design_effect(analysis.raked, by=unit)),
    ):
        out[col] = pd.Series(value).reindex(out.index)
    return out.reindex(unit_order(out.index)).rename_axis("unit")


def weighting_table(analysis: SurveyAnalysis) -> pd.DataFrame:
    """Share of women and of the Kinh majority per unit: sample, weighted before and after raking,
    population.

    Raking is meant to move the weighted shares onto the population shares; the table shows it did.

    Parameters
    ----------
    analysis : SurveyAnalysis
        The year's survey through the pipeline (:func:`~dgi_stats.report.analyse_survey`).

    Returns
    -------
    pandas.DataFrame
        Columns ``<group>_<stage>`` with group ``female`` / ``kinh`` and stage ``sample``
        (unweighted), ``before`` (survey weights), ``after`` (raked weights), ``population`` (from
        the margins; NaN without margins), in %.

    Examples
    --------
    >>> from dgi_stats.report import analyse_survey
    >>> row = weighting_table(analyse_survey(2021)).loc["Uông Bí"]
    >>> bool(abs(row["female_after"] - row["female_population"]) < 1e-6)
    True
    """
    unit = analysis.spec.unit_column
    data = analysis.data
    w_before = pd.Series(np.asarray(analysis.design.weights, dtype=float), index=data.index)
    w_after = pd.Series(np.asarray(analysis.raked.weights, dtype=float), index=data.index)
    cols: dict[str, pd.Series] = {}
    margins = {tuple(m.index.names): m for m in analysis.margins}
    for group, column, level in (("female", "sex", "female"), ("kinh", "ethnicity", "kinh")):
        if column not in data.columns:
            continue
        flag = (data[column] == level).astype(float)
        g = data[unit]
        cols[f"{group}_sample"] = flag.groupby(g).mean() * 100
        for stage, w in (("before", w_before), ("after", w_after)):
            cols[f"{group}_{stage}"] = (flag * w).groupby(g).sum() / w.groupby(g).sum() * 100
        pop = None
        for names, m in margins.items():
            if column in names:
                pop = m.groupby(level=[unit, column]).sum()
        if pop is not None:
            share = pop.xs(level, level=column) / pop.groupby(level=unit).sum() * 100
            cols[f"{group}_population"] = share.astype(float)
        else:
            cols[f"{group}_population"] = pd.Series(np.nan, index=cols[f"{group}_sample"].index)
    out = pd.DataFrame(cols)
    return out.reindex(unit_order(out.index)).rename_axis("unit")


def item_nonresponse(analysis: SurveyAnalysis, *, top: int | None = 10) -> pd.DataFrame:
    """Missing answers per indicator, by reason, counted (never dropped), most missing first.

    Parameters
    ----------
    analysis : SurveyAnalysis
        The year's survey through the pipeline (:func:`~dgi_stats.report.analyse_survey`).
    top : int or None
        Keep the first rows. default: 10 (None: all).

    Returns
    -------
    pandas.DataFrame
        Columns: ``item``, ``dont_know``, ``refused``, ``blank``, ``not_applicable``, ``answered``,
        ``missing_pct`` (don't know + refused + blank, as % of those asked).

    Examples
    --------
    >>> from dgi_stats.report import analyse_survey
    >>> item_nonresponse(analyse_survey(2021), top=1)["item"].tolist()
    ['q403']
    """
    scored = analysis.spec.score_items(analysis.data)
    miss = scored.missing.copy()
    asked = len(analysis.data) - miss["not_applicable"]
    missing = miss["dont_know"] + miss["refused"] + miss["blank"]
    item_of = {ind.id: ind.item for d in analysis.spec.dimensions for s in d.subdimensions
               for ind in s.indicators}
    miss.insert(0, "item", [item_of.get(i, "") for i in miss.index])
    miss["answered"] = asked - missing
    miss["missing_pct"] = (missing / asked.where(asked > 0) * 100).astype(float)
    miss = miss.sort_values("missing_pct", ascending=False, kind="stable")
    return miss if top is None else miss.head(top)


def results_table(
    scores: Scores, *, confidence_level: float = 0.95, measures: Sequence[str] | None = None
) -> pd.DataFrame:
    """Every dimension, the total and the composite % per unit as "estimate [low, high]" text.

    Parameters
    ----------
    scores : Scores
        Every measure of every unit (``analysis.scores``).
    confidence_level : float
        Level of the intervals (t with the design df). default: 0.95.
    measures : sequence of str, optional
        default: the dimensions, ``total`` and ``composite``.

    Returns
    -------
    pandas.DataFrame
        Units (catalogue order) x measures, strings such as ``"9.44 [9.31, 9.57]"``.

    Examples
    --------
    >>> from dgi_stats.report import analyse_survey
    >>> results_table(analyse_survey(2021).scores).loc["Uông Bí", "d1_participation"]
    '9.51 [9.30, 9.66]'
    """
    if measures is None:
        measures = [m for m in scores.measures if is_dimension(m)] + ["total", "composite"]
    ci = scores.select(measures=list(measures)).confidence_interval(confidence_level)
    text = (
        ci["estimate"].map("{:.2f}".format) + " ["
        + ci["ci_low"].map("{:.2f}".format) + ", " + ci["ci_high"].map("{:.2f}".format) + "]"
    )
    wide = text.unstack("measure").reindex(columns=list(measures))
    return wide.reindex(unit_order(wide.index)).rename_axis("unit")


def truth_table(analysis: SurveyAnalysis, *, confidence_level: float = 0.95) -> pd.DataFrame | None:
    """For the SYNTHETIC survey: the total's estimate and interval beside the true population total.

    The simulator knows the truth, so the reader can see intervals at work.

    Parameters
    ----------
    analysis : SurveyAnalysis
        The year's survey through the pipeline (:func:`~dgi_stats.report.analyse_survey`).
    confidence_level : float
        default: 0.95.

    Returns
    -------
    pandas.DataFrame or None
        Columns: ``estimate``, ``ci_low``, ``ci_high``, ``true_total``, ``covered``. None for a
        survey file (whose truth is unknown).

    Examples
    --------
    >>> from dgi_stats.report import analyse_survey
    >>> float(truth_table(analyse_survey(2021)).loc["Uông Bí", "true_total"])
    75.24
    """
    if not analysis.synthetic:
        return None
    truth = load_true_scores(analysis.year, measures="all")["total"]
    ci = analysis.scores["total"].confidence_interval(confidence_level).droplevel("measure")
    out = ci[["estimate", "ci_low", "ci_high"]].copy()
    out["true_total"] = truth.reindex(out.index).astype(float)
    out["covered"] = (out["ci_low"] <= out["true_total"]) & (out["true_total"] <= out["ci_high"])
    return out.reindex(unit_order(out.index)).rename_axis("unit")


def focus_units(year: int, scores: Scores) -> list[str]:
    """Units a report looks at closely: those with a published figure for ``year`` or the year
    before, and the unit with the highest estimated total.

    Parameters
    ----------
    year : int
        The report year.
    scores : Scores
        The year's scores.

    Returns
    -------
    list of str

    Examples
    --------
    >>> import pandas as pd
    >>> from dgi_stats.scores.pivot import Scores
    >>> s = Scores.from_estimates(pd.DataFrame({"total": [70.0, 71.0]}, index=["Uông Bí", "Cô Tô"]),
    ...                           pd.DataFrame({"total": [1.0, 1.0]}, index=["Uông Bí", "Cô Tô"]))
    >>> focus_units(2021, s)
    ['Uông Bí', 'Cô Tô']
    """
    pub = load_published()
    sel = pub.loc[(pub["index"] == "DGI") & pub["year"].isin([year - 1, year])]
    names = [u for u in pd.unique(sel["unit"].dropna()) if u in set(scores.units)]
    best = str(scores.estimate["total"].idxmax())
    return list(dict.fromkeys([*map(str, names), best]))


def rank_table(
    marginal: RankConfidenceSets,
    simultaneous: RankConfidenceSets,
    *,
    probabilities: RankProbabilities | None = None,
    bands: pd.Series | None = None,
) -> pd.DataFrame:
    """One row per unit (best first): total, rank, marginal and simultaneous rank sets, P(1st).

    Parameters
    ----------
    marginal, simultaneous : RankConfidenceSets
        From :func:`dgi_stats.ranks.rank_confidence_sets` with ``simultaneous=False`` / ``True``.
    probabilities : RankProbabilities, optional
        From :func:`dgi_stats.ranks.rank_probabilities` (adds its ``top_k`` columns, descriptive).
    bands : pandas.Series, optional
        Performance band of each unit.

    Returns
    -------
    pandas.DataFrame
        Columns ``total``, ``std_error``, ``rank``, ``marginal_lower``, ``marginal_upper``,
        ``simultaneous_lower``, ``simultaneous_upper`` and optionally ``p_top_1`` ... and ``band``.

    Examples
    --------
    >>> from dgi_stats.ranks import rank_confidence_sets
    >>> from dgi_stats.report import analyse_survey
    >>> scores = analyse_survey(2021).scores
    >>> sets = [rank_confidence_sets(scores, simultaneous=s, rng=1) for s in (False, True)]
    >>> rank_table(*sets).columns.tolist()[:3]
    ['total', 'std_error', 'rank']
    """
    m = marginal.to_frame()
    s = simultaneous.to_frame().reindex(m.index)
    out = pd.DataFrame(
        {
            "total": m["estimate"],
            "std_error": m["std_error"],
            "rank": m["rank"].astype(int),
            "marginal_lower": m["lower"].astype(int),
            "marginal_upper": m["upper"].astype(int),
            "simultaneous_lower": s["lower"].astype(int),
            "simultaneous_upper": s["upper"].astype(int),
        },
        index=m.index,
    )
    if probabilities is not None:
        topk = probabilities.top_k.reindex(out.index)
        for col in topk.columns:
            out[f"p_{col}"] = topk[col].astype(float)
    if bands is not None:
        out["band"] = bands.reindex(out.index)
    out.index.name = "unit"
    return out


def change_table(test: RankChangeTest) -> pd.DataFrame:
    """The score change and the rank change of every unit from a rank-change test, best first.

    Parameters
    ----------
    test : RankChangeTest
        From :func:`dgi_stats.ranks.rank_change_test` (all units, simultaneous).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`CHANGE_COLUMNS` that the test reports, sorted by rank after.

    Examples
    --------
    >>> from dgi_stats.ranks import rank_change_test
    >>> from dgi_stats.report import analyse_survey
    >>> test = rank_change_test(analyse_survey(2020).scores, analyse_survey(2021).scores, rng=1)
    >>> change_table(test).columns[:3].tolist()
    ['score_before', 'score_after', 'score_change']
    """
    table = test.to_frame()
    cols = [c for c in CHANGE_COLUMNS if c in table.columns]
    out = table[cols].sort_values("rank_after", kind="stable")
    out.index.name = "unit"
    return out


def scenario_table(scenarios: pd.DataFrame) -> pd.DataFrame:
    """Ranks of :func:`dgi_stats.composite.scenario_ranks` as integers, one column per scenario
    (``"<scheme> / <aggregation>"``), units by nominal rank.

    Parameters
    ----------
    scenarios : pandas.DataFrame
        The table of :func:`dgi_stats.composite.scenario_ranks`.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> from dgi_stats.composite import scenario_ranks
    >>> from dgi_stats.report import analyse_survey
    >>> scenarios = scenario_ranks(analyse_survey(2021).scores, schemes={"equal": "equal"})
    >>> scenario_table(scenarios).columns.tolist()
    ['nominal', 'equal / arithmetic', 'equal / geometric']
    """
    ranks = scenarios.xs("rank", axis=1, level="value")
    out = pd.DataFrame(
        {(f"{col[0]} / {col[1]}" if col[1] else col[0]): ranks[col] for col in ranks.columns.to_list()},
        index=ranks.index,
    )
    out = out.astype("Int64").sort_values(out.columns[0], kind="stable")
    out.index.name = "unit"
    return out
