"""Cells of the annual DGI report notebook (one template for 2020–2024).

Tokens replaced per year: ``@YEAR@`` and ``@PREV@`` (the year before). Sections that need the year
before (change, and the published rise of 2021) are included only where they apply. Every number a
reader sees is printed by a dgi_stats call. The narration, table headers and figure labels are in
``_text`` in English and Vietnamese; the notebook parameter ``lang`` ("en" or "vi") picks one, so
the narration cells call ``report.narrate`` and the tables go through ``report.display_table``.
"""

from __future__ import annotations

FIRST_YEAR = 2020

Cell = tuple[str, str, tuple[str, ...]]

PARAMETERS = """
# Parameters (papermill replaces this cell's values; literals only)
year = @YEAR@
data_path = None  # None: the bundled SYNTHETIC survey of `year`; else a survey file
margins_path = None  # population counts for raking (None: the bundled ones with the bundled survey)
previous_data_path = None  # the year before (None: bundled SYNTHETIC, but no year before with a data_path)
previous_margins_path = None  # population counts of the year before, for raking
output_dir = "reports/@YEAR@"  # summary.json and figures/ are written here
variance = "taylor"  # taylor (linearisation), jkn (jackknife) or bootstrap
n_replicates = 200  # bootstrap replicates, used with the bootstrap only
confidence_level = 0.95
seed = 20240101
encoding = None  # text encoding of CSV files, e.g. "cp1258" (None: UTF-8 or UTF-16, detected)
lonely_psu = "fail"  # units with one commune: fail, remove, certainty, adjust or average
certainty = None  # certainty-PSU column (None: pi_commune when the frame columns are present; False: none)
fpc = None  # fpc columns per stage (None: the frame columns when present; False: none)
lang = "en"  # language of the report: en or vi
"""

SETUP = """
from pathlib import Path

import pandas as pd
from IPython.display import Markdown, display

from dgi_stats import composite, plots, report
from dgi_stats.ranks import (
    performance_bands,
    rank_change_test,
    rank_confidence_sets,
    rank_probabilities,
    tau_best,
)

pd.set_option("display.float_format", "{:,.3f}".format)
pd.set_option("display.max_columns", 30)
pd.set_option("display.width", 160)
Path(output_dir).mkdir(parents=True, exist_ok=True)
seeds = report.spawn_seeds(
    seed, ["survey", "previous", "ranks", "probabilities", "change", "uncertainty", "sensitivity",
           "planning"]
)

display(report.narrate("intro", lang, year=year))

# Provenance: package versions and the SHA-256 of every input file
display(report.display_table(report.package_versions(), lang))
display(report.display_table(report.file_provenance(report.input_files(
    year, data_path=data_path, margins_path=margins_path, previous_data_path=previous_data_path,
    previous_margins_path=previous_margins_path,
)), lang))
display(report.data_banner(data_path is None, lang=lang))
"""

PUBLISHED_MD = """
report.narrate("published", lang, year=year)
"""

PUBLISHED_CODE = """
display(report.display_table(report.published_figures(year), lang, kind="published"))
report.display_table(report.published_arithmetic(year), lang, kind="arithmetic")
"""

DESIGN_MD = """
report.narrate("design", lang, year=year)
"""

DESIGN_CODE = """
analysis = report.analyse_survey(
    year, data_path=data_path, margins_path=margins_path, variance=variance,
    n_replicates=n_replicates, rng=seeds["survey"], encoding=encoding, lonely_psu=lonely_psu,
    certainty=certainty, fpc=fpc,
)
display(report.data_banner(analysis.synthetic, lang=lang))
report.describe_analysis(analysis, lang)
"""

SAMPLE_MD = """
report.narrate("sample", lang, year=year)
"""

SAMPLE_CODE = """
report.display_table(report.sample_table(analysis), lang)
"""

RAKING_MD = """
report.narrate("raking", lang, year=year)
"""

RAKING_CODE = """
report.display_table(report.weighting_table(analysis), lang)
"""

NONRESPONSE_MD = """
report.narrate("nonresponse", lang, year=year)
"""

NONRESPONSE_CODE = """
report.display_table(report.item_nonresponse(analysis, top=10), lang, kind="nonresponse")
"""

RESULTS_MD = """
report.narrate("results", lang, year=year)
"""

RESULTS_CODE = """
display(report.data_banner(analysis.synthetic, lang=lang))
report.display_table(report.results_table(analysis.scores, confidence_level=confidence_level), lang,
                     kind="results")
"""

RESULTS_FIG_CODE = """
report.show_figure(
    plots.score_interval_plot(
        analysis.scores, measure="total", confidence_level=confidence_level,
        title=report.figure_title("total_scores", analysis.synthetic, lang, year=year,
                                  level=confidence_level),
    ),
    "total_scores", output_dir, lang=lang,
)
"""

HEATMAP_CODE = """
report.show_figure(
    plots.dimension_heatmap(
        analysis.scores,
        title=report.figure_title("dimension_heatmap", analysis.synthetic, lang, year=year),
    ),
    "dimension_heatmap", output_dir, lang=lang,
)
"""

PROFILE_CODE = """
focus = report.focus_units(year, analysis.scores)
report.show_figure(
    plots.dimension_profile(
        analysis.scores, units=focus,
        title=report.figure_title("dimension_profile", analysis.synthetic, lang, year=year,
                                  level=confidence_level),
    ),
    "dimension_profile", output_dir, lang=lang,
)
"""

TRUTH_MD = """
report.narrate("truth", lang, year=year)
"""

TRUTH_CODE = """
report.display_table(report.truth_table(analysis, confidence_level=confidence_level), lang)
"""

RANKS_MD = """
report.narrate("ranks", lang, year=year)
"""

RANKS_CODE = """
marginal = rank_confidence_sets(
    analysis.scores, measure="total", confidence_level=confidence_level, simultaneous=False,
    rng=seeds["ranks"],
)
simultaneous = rank_confidence_sets(
    analysis.scores, measure="total", confidence_level=confidence_level, simultaneous=True,
    rng=seeds["ranks"],
)
probabilities = rank_probabilities(
    analysis.scores, measure="total", top_k=(1, 3), n_draws=10_000, rng=seeds["probabilities"]
)
bands = performance_bands(analysis.scores, measure="total", confidence_level=confidence_level,
                          rng=seeds["ranks"])
display(report.data_banner(analysis.synthetic, lang=lang))
report.display_table(
    report.rank_table(marginal, simultaneous, probabilities=probabilities, bands=bands.band), lang,
    kind="ranks",
)
"""

RANKS_FIG_CODE = """
report.show_figure(
    plots.rank_interval_plot(
        marginal, simultaneous=simultaneous,
        title=report.figure_title("rank_sets", analysis.synthetic, lang, year=year,
                                  level=confidence_level),
    ),
    "rank_sets", output_dir, lang=lang,
)
"""

BEST_MD = """
report.narrate("best", lang, year=year)
"""

BEST_CODE = """
best = tau_best(analysis.scores, tau=1, measure="total", confidence_level=confidence_level, rng=seeds["ranks"])
report.display_table(best.to_frame(), lang, kind="best")
"""

SAMPLE_VS_PUBLISHED_MD = """
report.narrate("sample_vs_published", lang, year=year)
"""

CHANGE_MD = """
report.narrate("change", lang, year=year)
"""

CHANGE_CODE = """
previous = report.previous_survey(
    year, data_path=data_path, previous_data_path=previous_data_path,
    previous_margins_path=previous_margins_path, variance=variance, n_replicates=n_replicates,
    rng=seeds["previous"], encoding=encoding, lonely_psu=lonely_psu, certainty=certainty, fpc=fpc,
)
if previous is None:
    movers = None
    display(report.no_previous_year(year, lang=lang))
else:
    movers = rank_change_test(previous.scores, analysis.scores, confidence_level=confidence_level,
                              rng=seeds["change"])
    display(report.data_banner(analysis.synthetic or previous.synthetic, lang=lang))
    display(report.display_table(report.change_table(movers), lang, kind="change"))
"""

CHANGE_FIG_CODE = """
if movers is not None:
    display(report.show_figure(
        plots.rank_change_plot(
            movers, periods=(str(year - 1), str(year)),
            title=report.figure_title("rank_change", analysis.synthetic, lang, year=year),
        ),
        "rank_change", output_dir, lang=lang,
    ))
"""

UONG_BI_MD = """
report.narrate("uong_bi", lang, year=year)
"""

UONG_BI_CODE = """
if previous is None:
    uong_bi = None
    display(report.no_previous_year(year, what="uong_bi", lang=lang))
else:
    uong_bi = rank_change_test(previous.scores, analysis.scores, unit="Uông Bí",
                               confidence_level=confidence_level, rng=seeds["change"])
    display(report.data_banner(analysis.synthetic, lang=lang))
    display(Markdown(report.rank_change_statement(uong_bi, "Uông Bí", year=year,
                                                  synthetic=analysis.synthetic, lang=lang)))
"""

NO_CHANGE_MD = """
report.narrate("no_change", lang, year=year)
"""

ROBUST_MD = """
report.narrate("robust", lang, year=year)
"""

SCENARIO_CODE = """
scenarios = composite.scenario_ranks(
    analysis.scores,
    schemes={"equal": "equal", "factor analysis": "factor_analysis", "benefit of the doubt": "bod"},
    aggregations=("arithmetic", "geometric"),
    bod_ratio_bound=2.0,
)
report.display_table(report.scenario_table(scenarios), lang, kind="scenarios")
"""

UA_CODE = """
factors = [
    composite.weight_noise_factor(
        composite.equal_weights(analysis.spec.dimension_ids), f=0.25, n_sets=200,
        rng=seeds["uncertainty"],
    ),
    composite.Factor("aggregation", ["arithmetic", "geometric"]),
]
uncertainty = composite.uncertainty_analysis(
    analysis.scores, factors=factors, n_runs=2000, rng=seeds["uncertainty"]
)
display(report.data_banner(analysis.synthetic, lang=lang))
report.display_table(uncertainty.to_frame(), lang, kind="uncertainty")
"""

UA_FIG_CODE = """
report.show_figure(
    plots.uncertainty_band_plot(
        uncertainty,
        title=report.figure_title("uncertainty_bands", analysis.synthetic, lang, year=year),
    ),
    "uncertainty_bands", output_dir, lang=lang,
)
"""

SA_CODE = """
sensitivity = composite.sensitivity_analysis(
    analysis.scores, factors=factors, n_base=256, n_resamples=200, rng=seeds["sensitivity"]
)
report.show_figure(
    plots.sensitivity_bars(
        sensitivity,
        title=report.figure_title("sensitivity", analysis.synthetic, lang),
    ),
    "sensitivity", output_dir, lang=lang,
)
"""

PLANNING_MD = """
report.narrate("planning", lang, year=year)
"""

PLANNING_CODE = """
display(report.data_banner(analysis.synthetic, lang=lang))
report.display_table(report.detectable_change_table(analysis.scores, confidence_level=confidence_level),
                     lang, kind="planning")
"""

PLANNING_RISE_MD = """
report.narrate("planning_rise", lang, year=year)
"""

PLANNING_RISE_CODE = """
if previous is None:
    rise_power = None
    display(report.no_previous_year(year, what="planning", lang=lang))
else:
    rise = report.published_change("Uông Bí", year)
    rise_power = report.rank_rise_power(previous, analysis, unit="Uông Bí",
                                        confidence_level=confidence_level, rng=seeds["planning"])
    display(report.display_table(
        rise_power.to_frame()[["respondents_per_unit", "df_after", "se_after", "power", "power_se",
                               "power_rank", "power_score"]], lang, kind="power",
    ))
    display(Markdown(report.planning_statement(rise_power, delta=rise, lang=lang)))
"""

SUMMARY_MD = """
report.narrate("summary", lang, year=year)
"""

SUMMARY_CODE = """
summary = report.build_summary(
    analysis, confidence_level=confidence_level, seed=seed, marginal=marginal,
    simultaneous=simultaneous, probabilities=probabilities,
    movers=@MOVERS@, focus=@FOCUS@, previous=@PREVIOUS@, uncertainty=uncertainty, bands=bands,
    planning=report.planning_summary(analysis.scores, confidence_level=confidence_level,
                                     rise_power=@RISE@),
)
summary_path = report.write_summary(summary, output_dir)
report.display_table(report.summary_table(summary), lang, kind="summary")
"""


def annual_cells(year: int) -> list[Cell]:
    """The cells of the report notebook of ``year``."""
    has_previous = year > FIRST_YEAR
    cells: list[Cell] = [
        ("code", PARAMETERS, ("parameters",)),
        ("code", SETUP, ()),
        ("code", PUBLISHED_MD, ()),
        ("code", PUBLISHED_CODE, ()),
        ("code", DESIGN_MD, ()),
        ("code", DESIGN_CODE, ()),
        ("code", SAMPLE_MD, ()),
        ("code", SAMPLE_CODE, ()),
        ("code", RAKING_MD, ()),
        ("code", RAKING_CODE, ()),
        ("code", NONRESPONSE_MD, ()),
        ("code", NONRESPONSE_CODE, ()),
        ("code", RESULTS_MD, ()),
        ("code", RESULTS_CODE, ()),
        ("code", RESULTS_FIG_CODE, ()),
        ("code", HEATMAP_CODE, ()),
        ("code", PROFILE_CODE, ()),
        ("code", TRUTH_MD, ()),
        ("code", TRUTH_CODE, ()),
        ("code", RANKS_MD, ()),
        ("code", RANKS_CODE, ()),
        ("code", RANKS_FIG_CODE, ()),
        ("code", BEST_MD, ()),
        ("code", BEST_CODE, ()),
        ("code", SAMPLE_VS_PUBLISHED_MD, ()),
    ]
    if has_previous:
        cells += [
            ("code", CHANGE_MD, ()),
            ("code", CHANGE_CODE, ()),
            ("code", CHANGE_FIG_CODE, ()),
        ]
        if year == 2021:
            cells += [("code", UONG_BI_MD, ()), ("code", UONG_BI_CODE, ())]
    else:
        cells.append(("code", NO_CHANGE_MD, ()))
    cells += [
        ("code", ROBUST_MD, ()),
        ("code", SCENARIO_CODE, ()),
        ("code", UA_CODE, ()),
        ("code", UA_FIG_CODE, ()),
        ("code", SA_CODE, ()),
        ("code", PLANNING_MD, ()),
        ("code", PLANNING_CODE, ()),
    ]
    if year == 2021:
        cells += [("code", PLANNING_RISE_MD, ()), ("code", PLANNING_RISE_CODE, ())]
    cells += [("code", SUMMARY_MD, ()), ("code", SUMMARY_CODE, ())]
    tokens = {
        "@YEAR@": str(year),
        "@PREV@": str(year - 1),
        "@MOVERS@": "movers" if has_previous else "None",
        "@PREVIOUS@": "previous" if has_previous else "None",
        "@FOCUS@": "uong_bi" if year == 2021 else "None",
        "@RISE@": "rise_power" if year == 2021 else "None",
    }
    if not has_previous:
        cells = [(k, t.replace("    rank_change_test,\n", ""), g) for k, t, g in cells]
    if year != 2021:
        cells = [(k, t.replace("import Markdown, display", "import display"), g) for k, t, g in cells]
    out: list[Cell] = []
    for kind, text, tags in cells:
        for token, value in tokens.items():
            text = text.replace(token, value)
        out.append((kind, text, tags))
    return out
