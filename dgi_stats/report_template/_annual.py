"""Cells of the annual DGI report notebook (one template for 2020–2024).

Tokens replaced per year: ``@YEAR@`` and ``@PREV@`` (the year before). Sections that need the year
before (change, and the published rise of 2021) are included only where they apply. Every number a
reader sees is printed by a dgi_stats call; the markdown only explains.
"""

from __future__ import annotations

FIRST_YEAR = 2020

Cell = tuple[str, str, tuple[str, ...]]

INTRO = """
# District Governance Index (DGI) @YEAR@: statistical report

Quảng Ninh's District Governance Index (*Chỉ số hiệu quả quản trị cấp huyện*, DGI) scores the
province's 13 district-level units on 8 dimensions, each out of 10, from a citizen survey; the total
(out of 80) is their sum and the composite index is the total in % of 80. The published results are
ranks ("1st of 13"). With 13 units, each scored from a few hundred respondents in a handful of
communes, and scores crowded near the ceiling, a rank printed without its uncertainty misleads.
This report gives, for @YEAR@:

1. the published figures, with their sources, and the index arithmetic checked;
2. the survey: sample per unit, weights before and after raking, effective sample sizes, item
   nonresponse;
3. every dimension, the total and the composite per unit with confidence intervals;
4. what the ranks can tell: confidence sets for ranks, tiers of units that cannot be told apart,
   the probability of ranking 1st;
5. the change on the year before (score changes and a rank-change test for every unit);
6. how much the ranks depend on the equal weighting of the 8 dimensions (robustness);
7. planning: the change a survey can detect, and the sample per unit needed (communes, which set
   the design's degrees of freedom, and respondents).

Every number below is computed by a `dgi_stats` function: the notebook holds only narration and
calls. Run it with `dgi-stats report @YEAR@` (HTML, `summary.json` and figures in
`reports/@YEAR@/`), or open it in Jupyter and run all cells.

**Data.** Unless `data_path` is set, the survey is the **SYNTHETIC** survey bundled with
dgi_stats: simulated respondents whose true scores reproduce every published DGI figure (the
rest is invented). The DGI's microdata are not public. Every result computed from the
synthetic survey illustrates the method. It is not a DGI result.

### Running this report on the official data

1. Export the survey with one row per respondent and the columns of the bundled survey:
   `district` (unit names; spellings such as "TP Uông Bí" or "uong bi" are recognised),
   `commune_id` (primary sampling unit), `village_id`, `design_weight` (optionally `nr_weight`,
   the nonresponse-adjusted weight, used when present), `sex`, `age_group`, `ethnicity` and the
   questionnaire items `q...` of the year's specification (list them with
   `dgi_stats.datasets.load_spec(@YEAR@).item_ids`). CSV (UTF-8), Parquet, SPSS `.sav` and
   Stata `.dta` are read. Check the file with `dgi-stats validate survey.csv --year @YEAR@`.
2. The bundled specification uses the official 8 dimensions with an illustrative questionnaire,
   because the official indicator annex (Quyết định 3447/QĐ-UBND) is not public. To use the
   official definitions, edit the TOML file `dgi_stats/datasets/specs/dgi_@YEAR@.toml` (no code
   changes).
3. For raking, give the population's adult counts by district × sex × age group × ethnicity
   (columns `district`, `sex`, `age_group`, `ethnicity`, `adults`) as `margins_path`. Without it,
   the file's weights are used as they are.
4. Run `dgi-stats report @YEAR@ --data survey.csv --margins margins.csv --out reports/@YEAR@-official`
   (the change section also needs the year before: `--previous-data`, `--previous-margins`).
"""

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

# Provenance: package versions and the SHA-256 of every input file
display(report.package_versions())
display(report.file_provenance(report.input_files(
    year, data_path=data_path, margins_path=margins_path, previous_data_path=previous_data_path,
    previous_margins_path=previous_margins_path,
)))
display(report.data_banner(data_path is None))
"""

PUBLISHED_MD = """
## 1. Published figures for @YEAR@

The DGI publishes ranks and a few scores per year, in the provincial press. These are the
published figures for @YEAR@ and @PREV@ bundled with dgi_stats (`load_published()`), each with its
source; figures not found in public sources are absent (an explicit NOT FOUND row marks a known
gap). The table after it checks the index arithmetic on them: the total is the sum of the 8
dimension scores, and the composite is the total in % of 80.
"""

PUBLISHED_CODE = """
display(report.published_figures(year))
report.published_arithmetic(year)
"""

DESIGN_MD = """
## 2. Data and design

The survey is analysed as it was drawn: each unit is a stratum whose communes were selected with
probability proportional to size, villages within communes, adults within villages. A commune
selected with certainty (a large commune of a small unit) is not a sample of communes: it is made a
stratum of its own whose villages are the primary sampling units, and the finite population
corrections come from the frame (communes per unit, villages per commune, adults per village), as
R's `survey` package recommends. A survey file without the frame columns is analysed with
communes drawn with replacement, which overstates the standard errors. The weights are the inverse
inclusion probabilities adjusted for unit nonresponse. Women and older adults answer more often than others,
so the weights are then **raked** to the population's adult counts by unit × sex × age group and by
unit × ethnicity. Variances are by Taylor linearisation, with the raking taken into account (as in
R's `survey` package), unless `variance` says otherwise.

**What the confidence levels rest on.** Every confidence level and error rate in this report is
approximate. It holds when the declared design is the one the sample was drawn with (strata,
communes as primary sampling units, communes taken with certainty, sampling fractions) and when
the weights capture nonresponse. Intervals and rank sets then use critical values from each unit's
design degrees of freedom (the number of primary sampling units minus the number of strata), not
normal ones; their coverage has been checked by simulation at 2, 5 and 10 degrees of freedom.
Whether a unit's sample is adequate depends on its number of communes, which sets its degrees of
freedom, not on its number of respondents; with 1 degree of freedom no error rate can be relied on.
"""

DESIGN_CODE = """
analysis = report.analyse_survey(
    year, data_path=data_path, margins_path=margins_path, variance=variance,
    n_replicates=n_replicates, rng=seeds["survey"],
)
display(report.data_banner(analysis.synthetic))
analysis
"""

SAMPLE_MD = """
**Sample per unit.** Respondents, communes and villages. The weight totals before and after
raking: after raking they equal the unit's adult population. Kish's effective sample size, which
is smaller than the number of respondents because of unequal weights. The weighting design effect.
The number of communes matters most: it sets the unit's design degrees of freedom, which limit how
well its standard error is known, whatever the number of respondents.
"""

SAMPLE_CODE = """
report.sample_table(analysis)
"""

RAKING_MD = """
**What raking does.** The share of women and of the Kinh majority (%) in the sample, weighted before
raking, weighted after raking, and in the population. After raking, the weighted shares equal the
population's.
"""

RAKING_CODE = """
report.weighting_table(analysis)
"""

NONRESPONSE_MD = """
**Item nonresponse.** Answers of "don't know", refusals and blanks are counted, never silently
dropped. Each indicator's mean is taken over the respondents who answered it. The indicators with
the most missing answers:
"""

NONRESPONSE_CODE = """
report.item_nonresponse(analysis, top=10)
"""

RESULTS_MD = """
## 3. Results: scores with confidence intervals

Every dimension (0–10), the total (0–80) and the composite (%) per unit. Each is given as the
estimate with its confidence interval (`confidence_level`). Intervals use t quantiles with each
estimate's effective degrees of freedom (Satterthwaite's, across the strata of the unit: below
the number of communes minus one when one stratum carries most of the variance), and are
computed on the logit of the score's position in its scale and mapped back, so that they stay
inside 0–10, 0–80 and 0–100 (near the ceiling they are asymmetric).
"""

RESULTS_CODE = """
display(report.data_banner(analysis.synthetic))
report.results_table(analysis.scores, confidence_level=confidence_level)
"""

RESULTS_FIG_CODE = """
report.show_figure(
    plots.score_interval_plot(
        analysis.scores, measure="total", confidence_level=confidence_level,
        title=report.figure_title(f"DGI {year}: total score with {confidence_level:.0%} CI",
                                  analysis.synthetic),
    ),
    "total_scores", output_dir,
)
"""

HEATMAP_CODE = """
report.show_figure(
    plots.dimension_heatmap(
        analysis.scores,
        title=report.figure_title(f"DGI {year}: dimension scores", analysis.synthetic),
    ),
    "dimension_heatmap", output_dir,
)
"""

PROFILE_CODE = """
focus = report.focus_units(year, analysis.scores)
report.show_figure(
    plots.dimension_profile(
        analysis.scores, units=focus,
        title=report.figure_title(
            f"DGI {year}: dimension profiles with {confidence_level:.0%} CIs", analysis.synthetic
        ),
    ),
    "dimension_profile", output_dir,
)
"""

TRUTH_MD = """
**Synthetic data only: the truth is known.** The simulator knows every unit's true population
total, so we can check the intervals against it. With real data this table cannot exist.
"""

TRUTH_CODE = """
report.truth_table(analysis, confidence_level=confidence_level)
"""

RANKS_MD = """
## 4. Ranks and their uncertainty

A rank is a statement about all 13 units at once, so its uncertainty depends on every unit's
sampling error. The **confidence set** of a unit's rank is the range of ranks that the data cannot
rule out (Mogstad, Romano, Shaikh & Wilhelm, 2024, *Review of Economic Studies*).

- A **marginal** set covers that unit's true rank with probability at least `confidence_level`.
  Use it when you look at one unit that you chose in advance.
- **Simultaneous** sets cover all the true ranks at once. Use them when you read the whole league
  table.

Both levels are approximate, under the conditions stated in section 2.

**Performance bands** group the units that the data can order. With joint confidence
`confidence_level`, every unit of a band is better than every unit of the bands below it. Within a
band no order is claimed. This is the grounded alternative to colour bands cut at quartiles of the
point estimates.

The probability of ranking 1st (or in the top 3) is computed from draws of the estimates. It
describes the uncertainty and is not a test.
"""

RANKS_CODE = """
marginal = rank_confidence_sets(
    analysis.scores, measure="total", coverage=confidence_level, simultaneous=False,
    rng=seeds["ranks"],
)
simultaneous = rank_confidence_sets(
    analysis.scores, measure="total", coverage=confidence_level, simultaneous=True,
    rng=seeds["ranks"],
)
probabilities = rank_probabilities(
    analysis.scores, measure="total", top_k=(1, 3), n_draws=10_000, rng=seeds["probabilities"]
)
bands = performance_bands(analysis.scores, measure="total", coverage=confidence_level,
                          rng=seeds["ranks"])
display(report.data_banner(analysis.synthetic))
report.rank_table(marginal, simultaneous, probabilities=probabilities, bands=bands.band)
"""

RANKS_FIG_CODE = """
report.show_figure(
    plots.rank_interval_plot(
        marginal, simultaneous=simultaneous,
        title=report.figure_title(
            f"DGI {year}: {confidence_level:.0%} confidence sets for ranks", analysis.synthetic
        ),
    ),
    "rank_sets", output_dir,
)
"""

BEST_MD = """
**Which units could be the best?** This is the set of units that the data cannot exclude from
rank 1, with `confidence_level` confidence (τ-best with τ = 1).
"""

BEST_CODE = """
best = tau_best(analysis.scores, tau=1, measure="total", coverage=confidence_level, rng=seeds["ranks"])
best.to_frame()
"""

CHANGE_MD = """
## 5. Change on @PREV@

The @PREV@ survey goes through the same pipeline as the @YEAR@ survey. The two years are
independent samples, so the covariance of a change is the sum of the two years' covariances.
With the bundled survey, the @PREV@ survey is the bundled one; with a survey file (`data_path`),
it is the @PREV@ survey file given as `previous_data_path` (`--previous-data`). Without it this
section says so and computes nothing: a survey file is never compared with bundled SYNTHETIC data.

For every unit the test reports:

- the score change with its confidence interval, and its p-value (Holm-adjusted across the 13
  units);
- the ranks in the two years;
- a lower and an upper confidence bound on the number of places gained. Together they form an
  interval at `confidence_level`, simultaneous for all units, so they stay valid for "movers" that
  are picked after looking at the table: the probability of any false "rose" or "fell" claim in the
  whole table is at most 1 − `confidence_level` (approximately, under the conditions of section 2).
  A rise is established only when the lower bound is at least 1, and a fall only when the upper
  bound is at most −1.
"""

CHANGE_CODE = """
previous = report.previous_survey(
    year, data_path=data_path, previous_data_path=previous_data_path,
    previous_margins_path=previous_margins_path, variance=variance, n_replicates=n_replicates,
    rng=seeds["previous"],
)
if previous is None:
    movers = None
    display(report.no_previous_year(year))
else:
    movers = rank_change_test(previous.scores, analysis.scores, coverage=confidence_level,
                              rng=seeds["change"])
    display(report.data_banner(analysis.synthetic or previous.synthetic))
    display(report.change_table(movers))
"""

CHANGE_FIG_CODE = """
if movers is not None:
    display(report.show_figure(
        plots.rank_change_plot(
            movers, periods=(str(year - 1), str(year)),
            title=report.figure_title(
                f"DGI ranks {year - 1} → {year}: significant changes solid", analysis.synthetic
            ),
        ),
        "rank_change", output_dir,
    ))
"""

UONG_BI_MD = """
### Is Uông Bí's published rise from 6th to 1st real?

The published claim is about one unit that was **named in advance**, so the test for a single unit
applies. It has more power than the all-units test above. The three parts of the answer are the
score change (with its confidence interval), the rank change (with a one-sided lower confidence
bound at `confidence_level` on places gained, which is not one end of an interval at that level)
and, for context, the published ranks.
"""

UONG_BI_CODE = """
if previous is None:
    uong_bi = None
    display(report.no_previous_year(year, what="uong_bi"))
else:
    uong_bi = rank_change_test(previous.scores, analysis.scores, unit="Uông Bí",
                               coverage=confidence_level, rng=seeds["change"])
    display(report.data_banner(analysis.synthetic))
    display(Markdown(report.rank_change_statement(uong_bi, "Uông Bí", year=year,
                                                  synthetic=analysis.synthetic)))
"""

NO_CHANGE_MD = """
## 5. Change on the year before

@YEAR@ is the first year of the DGI series in dgi_stats, so there is no earlier survey to compare
with.
"""

ROBUST_MD = """
## 6. Robustness: how much do the ranks depend on the weights?

The DGI adds its 8 dimensions with equal weights. Below, the ranks are computed again under other
weighting schemes: factor-analysis weights, benefit-of-the-doubt (each unit's most favourable
weights) and geometric aggregation. Then comes a joint **uncertainty analysis**, which draws the
weights (±25 % noise around equal weights), the aggregation and the survey's sampling error together
in one Monte Carlo. It gives each unit's median rank with a 5–95 % band (the 5th to 95th
percentiles of its rank over the runs: a descriptive band holding the middle 90 % of the runs, not
a confidence set). The Sobol sensitivity indices show which of these choices drives the rank
shifts.
"""

SCENARIO_CODE = """
scenarios = composite.scenario_ranks(
    analysis.scores,
    schemes={"equal": "equal", "factor analysis": "factor_analysis", "benefit of the doubt": "bod"},
    aggregations=("arithmetic", "geometric"),
    bod_ratio_bound=2.0,
)
report.scenario_table(scenarios)
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
display(report.data_banner(analysis.synthetic))
uncertainty.to_frame()
"""

UA_FIG_CODE = """
report.show_figure(
    plots.uncertainty_band_plot(
        uncertainty,
        title=report.figure_title(
            f"DGI {year}: rank bands over weights, aggregation, sampling", analysis.synthetic
        ),
    ),
    "uncertainty_bands", output_dir,
)
"""

SA_CODE = """
sensitivity = composite.sensitivity_analysis(
    analysis.scores, factors=factors, n_base=256, n_resamples=200, rng=seeds["sensitivity"]
)
report.show_figure(
    plots.sensitivity_bars(
        sensitivity,
        title=report.figure_title("Sobol indices of the mean absolute rank shift", analysis.synthetic),
    ),
    "sensitivity", output_dir,
)
"""

PLANNING_MD = """
## 7. Planning the next survey

**The change detectable next year.** A change in a unit's total smaller than the values below is
likely to be missed. The table gives the smallest true change that a test at level
1 − `confidence_level` detects with 80 % power, if next year's survey has the same design as this
one. It also gives the values for samples 2, 4 and 8 times as large (the same design with more
communes, villages and respondents). More communes raise the design's degrees of freedom; more
respondents in the same communes do not.
"""

PLANNING_CODE = """
display(report.data_banner(analysis.synthetic))
report.detectable_change_table(analysis.scores, confidence_level=confidence_level)
"""

PLANNING_RISE_MD = """
**The design a rise like Uông Bí's needs.** Could a survey establish a rise of the published size
(the published change of Uông Bí's total, which took it from 6th to 1st)? Both years' SYNTHETIC
surveys are simulated with every unit drawn afresh (no unit held at its true score), each with its
own design standard errors and degrees of freedom, and the rank-change test is run on each pair.
The power is the share of 300 pairs in which the rise is established, printed with its Monte Carlo
standard error. This cell runs the current design; the grid of larger designs (more respondents
per village, more communes per unit) is the documented command of the methodology page on power.
"""

PLANNING_RISE_CODE = """
if previous is None:
    rise_power = None
    display(report.no_previous_year(year, what="planning"))
else:
    rise = report.published_change("Uông Bí", year)
    rise_power = report.rank_rise_power(previous, analysis, unit="Uông Bí",
                                        confidence_level=confidence_level, rng=seeds["planning"])
    display(rise_power.to_frame()[["respondents_per_unit", "df_after", "se_after", "power",
                                   "power_se", "power_rank", "power_score"]])
    display(Markdown(report.planning_statement(rise_power, delta=rise)))
"""

SUMMARY_MD = """
## 8. Summary

The headline numbers, written to `summary.json` in `output_dir`. The file is identical on every run
with the same seed.
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
report.summary_table(summary)
"""


def annual_cells(year: int) -> list[Cell]:
    """The cells of the report notebook of ``year``."""
    has_previous = year > FIRST_YEAR
    cells: list[Cell] = [
        ("markdown", INTRO, ()),
        ("code", PARAMETERS, ("parameters",)),
        ("code", SETUP, ()),
        ("markdown", PUBLISHED_MD, ()),
        ("code", PUBLISHED_CODE, ()),
        ("markdown", DESIGN_MD, ()),
        ("code", DESIGN_CODE, ()),
        ("markdown", SAMPLE_MD, ()),
        ("code", SAMPLE_CODE, ()),
        ("markdown", RAKING_MD, ()),
        ("code", RAKING_CODE, ()),
        ("markdown", NONRESPONSE_MD, ()),
        ("code", NONRESPONSE_CODE, ()),
        ("markdown", RESULTS_MD, ()),
        ("code", RESULTS_CODE, ()),
        ("code", RESULTS_FIG_CODE, ()),
        ("code", HEATMAP_CODE, ()),
        ("code", PROFILE_CODE, ()),
        ("markdown", TRUTH_MD, ()),
        ("code", TRUTH_CODE, ()),
        ("markdown", RANKS_MD, ()),
        ("code", RANKS_CODE, ()),
        ("code", RANKS_FIG_CODE, ()),
        ("markdown", BEST_MD, ()),
        ("code", BEST_CODE, ()),
    ]
    if has_previous:
        cells += [
            ("markdown", CHANGE_MD, ()),
            ("code", CHANGE_CODE, ()),
            ("code", CHANGE_FIG_CODE, ()),
        ]
        if year == 2021:
            cells += [("markdown", UONG_BI_MD, ()), ("code", UONG_BI_CODE, ())]
    else:
        cells.append(("markdown", NO_CHANGE_MD, ()))
    cells += [
        ("markdown", ROBUST_MD, ()),
        ("code", SCENARIO_CODE, ()),
        ("code", UA_CODE, ()),
        ("code", UA_FIG_CODE, ()),
        ("code", SA_CODE, ()),
        ("markdown", PLANNING_MD, ()),
        ("code", PLANNING_CODE, ()),
    ]
    if year == 2021:
        cells += [("markdown", PLANNING_RISE_MD, ()), ("code", PLANNING_RISE_CODE, ())]
    cells += [("markdown", SUMMARY_MD, ()), ("code", SUMMARY_CODE, ())]
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
