"""Annual reports: run a report notebook with papermill, render HTML, and helpers the notebooks call.

:func:`run_report` is what ``dgi-stats report <year>`` does: check the inputs, set the year in the
report template shipped in the package (:mod:`dgi_stats.report.templates`), execute it in a fresh
kernel, render HTML and put the outputs in place only when everything succeeded (see
:mod:`dgi_stats.report.runner`). The output folder holds the executed notebook, the HTML report,
``summary.json`` (the headline numbers, identical on every run with the same seed) and
``figures/*.png`` / ``*.svg``.

The other functions are what the notebooks call, so that a notebook holds narration and calls
only. One module per concept:

- :mod:`~dgi_stats.report.runner`: running a report (:func:`run_report`, :func:`report_notebook`);
- :mod:`~dgi_stats.report.inputs`: the input files and their checks (:func:`check_survey_file`,
  :func:`survey_problems`, :func:`read_margins`, :func:`previous_inputs`);
- :mod:`~dgi_stats.report.analysis`: the survey through the pipeline (:func:`analyse_survey`,
  :func:`previous_survey`, :func:`design_options`, :func:`validate_survey`);
- :mod:`~dgi_stats.report.provenance`: package versions, input files and their SHA-256, seeds;
- :mod:`~dgi_stats.report.tables`: the tables of the DGI report, as DataFrames;
- :mod:`~dgi_stats.report.display` and :mod:`~dgi_stats.report.figures`: tables, banners and
  figures as a reader sees them, in English or Vietnamese;
- :mod:`~dgi_stats.report.prose`: narration and statements with numbers;
- :mod:`~dgi_stats.report.planning`: the planning section (detectable change, power of a rise);
- :mod:`~dgi_stats.report.summary`: the headline numbers and ``summary.json``;
- :mod:`~dgi_stats.report.papi`: the PAPI case study.
"""

from __future__ import annotations

from dgi_stats.report import (
    templates as templates,  # the subpackage, importable as report.templates (not an API name)
)
from dgi_stats.report.analysis import (
    FRAME_COLUMNS,
    RAKING_MARGINS,
    VARIANCE_METHODS,
    SurveyAnalysis,
    SurveyCheck,
    analyse_survey,
    design_options,
    previous_survey,
    validate_survey,
)
from dgi_stats.report.display import data_banner, display_table
from dgi_stats.report.figures import FIGURES_DIR, figure_title, show_figure
from dgi_stats.report.inputs import (
    DESIGN_COLUMNS,
    check_survey_file,
    previous_inputs,
    read_margins,
    survey_problems,
)
from dgi_stats.report.papi import (
    PAPI_FILE,
    find_papi_file,
    papi_dimensions,
    papi_scheme_ranks,
    papi_total_check,
)
from dgi_stats.report.planning import (
    detectable_change_table,
    planning_grid,
    planning_summary,
    planning_truth,
    published_change,
    rank_rise_power,
)
from dgi_stats.report.prose import (
    describe_analysis,
    narrate,
    no_previous_year,
    planning_statement,
    rank_change_statement,
)
from dgi_stats.report.provenance import file_provenance, input_files, package_versions, spawn_seeds
from dgi_stats.report.runner import (
    FAILED_PREFIX,
    KERNEL_NAME,
    ReportError,
    ReportResult,
    report_notebook,
    run_report,
)
from dgi_stats.report.summary import (
    SUMMARY_FILE,
    build_summary,
    read_json,
    summary_table,
    write_summary,
)
from dgi_stats.report.tables import (
    CHANGE_COLUMNS,
    change_table,
    focus_units,
    item_nonresponse,
    published_arithmetic,
    published_figures,
    rank_table,
    results_table,
    sample_table,
    scenario_table,
    truth_table,
    weighting_table,
)

__all__ = [
    "CHANGE_COLUMNS",
    "DESIGN_COLUMNS",
    "FAILED_PREFIX",
    "FIGURES_DIR",
    "FRAME_COLUMNS",
    "KERNEL_NAME",
    "PAPI_FILE",
    "RAKING_MARGINS",
    "SUMMARY_FILE",
    "VARIANCE_METHODS",
    "ReportError",
    "ReportResult",
    "SurveyAnalysis",
    "SurveyCheck",
    "analyse_survey",
    "build_summary",
    "change_table",
    "check_survey_file",
    "data_banner",
    "describe_analysis",
    "design_options",
    "detectable_change_table",
    "display_table",
    "figure_title",
    "file_provenance",
    "find_papi_file",
    "focus_units",
    "input_files",
    "item_nonresponse",
    "narrate",
    "no_previous_year",
    "package_versions",
    "papi_dimensions",
    "papi_scheme_ranks",
    "papi_total_check",
    "planning_grid",
    "planning_statement",
    "planning_summary",
    "planning_truth",
    "previous_inputs",
    "previous_survey",
    "published_arithmetic",
    "published_change",
    "published_figures",
    "rank_change_statement",
    "rank_rise_power",
    "rank_table",
    "read_json",
    "read_margins",
    "report_notebook",
    "results_table",
    "run_report",
    "sample_table",
    "scenario_table",
    "show_figure",
    "spawn_seeds",
    "summary_table",
    "survey_problems",
    "truth_table",
    "validate_survey",
    "weighting_table",
    "write_summary",
]
