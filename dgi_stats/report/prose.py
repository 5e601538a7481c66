"""What the report says in words, in English or Vietnamese: narration and statements with numbers.

:func:`narrate` shows the narration of a section (:mod:`dgi_stats.report.templates.narration`);
:func:`describe_analysis`, :func:`no_previous_year`, :func:`rank_change_statement` and
:func:`planning_statement` are sentences filled with the numbers of a result (their texts are in
:mod:`dgi_stats.report.templates.labels`).

IPython is imported inside the functions that return its display objects: it is an optional
dependency (the ``notebooks`` extra), needed only in a notebook.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from dgi_stats.datasets import load_published
from dgi_stats.report._common import design_name
from dgi_stats.report.planning import planning_grid
from dgi_stats.report.templates import labels, narration

if TYPE_CHECKING:  # pragma: no cover
    from IPython.display import Markdown

    from dgi_stats.planning import SampleSizePlan
    from dgi_stats.ranks import RankChangeTest
    from dgi_stats.report.analysis import SurveyAnalysis

__all__ = [
    "describe_analysis",
    "narrate",
    "no_previous_year",
    "planning_statement",
    "rank_change_statement",
]


def _say(key: str, lang: str, **fields: object) -> str:
    """The statement ``key`` in ``lang`` filled with ``fields``."""
    return str(labels.pick(labels.STATEMENTS[key], lang).format(**fields))


def narrate(key: str, lang: str = "en", *, year: int | None = None) -> Markdown:
    """The narration of a report section in ``lang`` ("en" or "vi"), as Markdown.

    Parameters
    ----------
    key : str
        The section (a key of :data:`~dgi_stats.report.templates.narration.NARRATION`).
    lang : {"en", "vi"}
        default: "en".
    year : int, optional
        The report year, filled in the text with the year before (default: the text as written,
        with its ``{year}`` and ``{prev}`` fields).

    Returns
    -------
    IPython.display.Markdown

    Examples
    --------
    >>> narrate("summary", "vi").data.splitlines()[1]
    '## 8. Tóm tắt'
    >>> "DGI) 2021: statistical report" in narrate("intro", year=2021).data
    True
    """
    from IPython.display import Markdown  # optional dependency (the notebooks extra)

    text = narration.NARRATION[labels.check_lang(lang)][key]
    if year is not None:
        text = text.format(year=year, prev=year - 1)
    return Markdown(text)


def describe_analysis(analysis: SurveyAnalysis, lang: str = "en") -> Markdown:
    """One sentence (Markdown) on the survey analysed: year, data, respondents, units, weights.

    Parameters
    ----------
    analysis : SurveyAnalysis
        The year's survey through the pipeline (:func:`~dgi_stats.report.analyse_survey`).
    lang : {"en", "vi"}
        default: "en".

    Returns
    -------
    IPython.display.Markdown

    Examples
    --------
    >>> from dgi_stats.report import analyse_survey
    >>> "4,237" in describe_analysis(analyse_survey(2021)).data
    True
    """
    from IPython.display import Markdown  # optional dependency (the notebooks extra)

    data = labels.pick(labels.PHRASES["analysis_synthetic" if analysis.synthetic else "analysis_file"],
                       lang)
    raked = labels.pick(labels.PHRASES["raked" if analysis.margins else "not_raked"], lang)
    text = labels.pick(labels.PHRASES["analysis"], lang).format(
        year=analysis.year, data=data, n=f"{len(analysis.data):,}",
        units=analysis.data[analysis.spec.unit_column].nunique(), raked=raked,
    )
    return Markdown(text)


def no_previous_year(year: int, *, what: str = "change", lang: str = "en") -> Markdown:
    """The note shown instead of a result that needs the year before, when none was given.

    Parameters
    ----------
    year : int
        The report year.
    what : {"change", "uong_bi", "planning"}
        Which part of the report the note replaces. default: "change".
    lang : {"en", "vi"}
        Language. default: "en".

    Returns
    -------
    IPython.display.Markdown

    Examples
    --------
    >>> "--previous-data" in no_previous_year(2021).data
    True
    """
    from IPython.display import Markdown  # optional dependency (the notebooks extra)

    prev = year - 1
    how = _say("how_previous", lang, year=year, prev=prev)
    key = {"uong_bi": "no_previous_uong_bi", "planning": "no_previous_planning"}.get(
        what, "no_previous_change")
    return Markdown(_say(key, lang, year=year, prev=prev) + how)


def _fmt_p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def rank_change_statement(
    test: RankChangeTest, unit: str, *, year: int, synthetic: bool, lang: str = "en"
) -> str:
    """A paragraph (Markdown) answering "is this unit's rank change real?", with every number.

    It reports the three lines of the methods notes: the score change with its interval and
    p-value; the rank change with its one-sided lower confidence bound on places gained (a rise is
    established only when that bound is at least 1); and the published ranks, when there are any.

    Parameters
    ----------
    test : RankChangeTest
        A test of ``unit`` named in advance (``rank_change_test(..., unit=unit)``), or of all units.
    unit : str
        The unit.
    year : int
        The second year of the comparison.
    synthetic : bool
        Whether the surveys are the bundled SYNTHETIC ones (said in the text).
    lang : {"en", "vi"}
        Language. default: "en".

    Returns
    -------
    str

    Examples
    --------
    >>> from dgi_stats.ranks import rank_change_test
    >>> from dgi_stats.report import analyse_survey
    >>> test = rank_change_test(analyse_survey(2020).scores, analyse_survey(2021).scores,
    ...                         unit="Uông Bí", rng=1)
    >>> print(rank_change_statement(test, "Uông Bí", year=2021, synthetic=True).splitlines()[0])
    **Published:** Uông Bí ranked 6 in 2020 and 1 in 2021 (+5 places).
    """
    row = test.to_frame().loc[unit].to_dict()
    level = round(test.confidence_level * 100)
    lo, hi = row["score_change_ci_low"], row["score_change_ci_high"]
    gained = int(row["places_gained"])
    lower = int(row["places_gained_lower"])
    data = _say("data_synthetic" if synthetic else "data_files", lang)
    pub = load_published()
    pub = pub.loc[(pub["index"] == "DGI") & (pub["unit"] == unit) & (pub["measure"] == "rank")]
    ranks = {int(y): int(r) for y, r in zip(pub["year"], pub["rank"], strict=True) if pd.notna(r)}
    lines = []
    if year - 1 in ranks and year in ranks:
        lines.append(_say("published_ranks", lang, unit=unit, r0=ranks[year - 1], y0=year - 1,
                          r1=ranks[year], y1=year, d=ranks[year - 1] - ranks[year]))
    lines.append(_say("score_line", lang, data=data, a=row["score_before"], b=row["score_after"],
                      c=row["score_change"], level=level, lo=lo, hi=hi,
                      p=_fmt_p(float(row["score_change_pvalue"]))))
    verdict = (
        _say("rise_yes", lang, unit=unit, lower=lower, s="s" if lower != 1 else "", level=level)
        if lower >= 1
        else _say("rise_no", lang, alpha=100 - level, level=level, lower=lower)
    )
    lines.append(_say("rank_line", lang, data=data, rb=int(row["rank_before"]), y0=year - 1,
                      ra=int(row["rank_after"]), y1=year, g=gained, verdict=verdict,
                      pv=float(row["pvalue"])))
    return "\n\n".join(lines)


def planning_statement(
    plan: SampleSizePlan, *, delta: float, power: float = 0.8, lang: str = "en"
) -> str:
    """Sentences (Markdown): the power of the current design and the design that reaches ``power``.

    Parameters
    ----------
    plan : SampleSizePlan
        From :func:`~dgi_stats.report.rank_rise_power`.
    delta : float
        The published change of the unit's score.
    power : float
        The target power. default: 0.8.
    lang : {"en", "vi"}
        default: "en".

    Returns
    -------
    str
        The design reaching ``power`` is read from :func:`~dgi_stats.report.planning_grid` (the
        documented longer run).

    Examples
    --------
    >>> from dgi_stats.report import analyse_survey, rank_rise_power
    >>> plan = rank_rise_power(analyse_survey(2020), analyse_survey(2021), unit="Uông Bí",
    ...                        n_surveys=20, rng=1)  # doctest: +SKIP
    >>> planning_statement(plan, delta=6.31)  # doctest: +SKIP
    'With the current design ...'
    """
    row = plan.table.iloc[0]
    unit = plan.unit
    text = _say(
        "plan_main", lang, delta=delta, unit=unit, places=plan.true_places_gained,
        power=row["power"], power_se=row["power_se"], n=plan.n_surveys,
        resp=row["respondents_per_unit"], df=row["df_after"], power_score=row["power_score"],
        target=power, can=_say("can" if row["power"] >= power else "cannot", lang),
    )
    grid, required = planning_grid()
    ok = {k: v for k, v in grid.items() if v[1] >= power}
    if grid:
        if ok:
            name, (n, p, se) = min(ok.items(), key=lambda kv: kv[1][0])
            text += _say("plan_grid_ok", lang, target=power, name=design_name(name, lang), n=n, p=p,
                         se=se)
        else:
            best = max(grid.items(), key=lambda kv: kv[1][1])
            text += _say("plan_grid_none", lang, target=power, name=design_name(best[0], lang),
                         p=best[1][1], se=best[1][2])
    if required:
        parts = [_say("plan_part", lang, choice=design_name(choice, lang), n=n, se=se)
                 for choice, (n, se) in required.items()]
        text += _say("plan_required", lang, target=power, parts="; ".join(parts))
    return text + _say("plan_end", lang)
