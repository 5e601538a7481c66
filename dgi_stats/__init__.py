"""dgi_stats: survey statistics for governance indices scored from citizen surveys.

Weighting, design-based confidence intervals (matching R ``survey``), inference on ranks and the
robustness of composite indices, for Quảng Ninh's District Governance Index (DGI), PAPI and any league
table of units scored from sample surveys.
"""

from __future__ import annotations

from dgi_stats import _moved
from dgi_stats._version import __version__

_moved.install()  # old module paths (0.1) import with a deprecation warning for one release


from dgi_stats import (
    composite,
    datasets,
    planning,
    plots,
    ranks,
    report,
    scores,
    simulate,
    survey,
    testing,
)
from dgi_stats.exceptions import (
    ConvergenceWarning,
    DegenerateReplicateWarning,
    DGIDeprecationWarning,
    DGIError,
    DGIWarning,
    MissingDataWarning,
    SingletonPSUError,
    SpecError,
    UnknownUnitError,
)
from dgi_stats.io import read_survey
from dgi_stats.planning import (
    detectable_change,
    minimum_detectable_rank_change,
    rank_set_change_probability,
    required_sample_size,
)
from dgi_stats.ranks import (
    RankChangeTest,
    RankConfidenceSets,
    kww_confidence_sets,
    p_scores,
    pairwise_comparisons,
    performance_bands,
    rank_change_test,
    rank_confidence_sets,
    rank_probabilities,
    tau_best,
    tau_worst,
)
from dgi_stats.scores import (
    IndexSpec,
    IndicatorScores,
    PanelScores,
    Scores,
    competition_rank,
    composite_percent,
    score,
    score_panel,
    total_from_dimensions,
    unit_scores,
)
from dgi_stats.simulate import simulate_estimates, simulate_population, simulate_survey
from dgi_stats.survey.design import SurveyDesign
from dgi_stats.survey.estimators import (
    SurveyEstimate,
    ciprop,
    contrast,
    mean,
    quantile,
    ratio,
    total,
    ttest,
    var,
)
from dgi_stats.survey.weighting import (
    CalibrationResult,
    RakingResult,
    calibrate,
    design_weights,
    kish_effective_sample_size,
    nonresponse_adjust,
    poststratify,
    rake,
    trim_weights,
    weight_summary,
    weighting_design_effect,
)
from dgi_stats.units import match_unit, units_frame

__all__ = [
    "CalibrationResult",
    "ConvergenceWarning",
    "DGIDeprecationWarning",
    "DGIError",
    "DGIWarning",
    "DegenerateReplicateWarning",
    "IndexSpec",
    "IndicatorScores",
    "MissingDataWarning",
    "PanelScores",
    "RakingResult",
    "RankChangeTest",
    "RankConfidenceSets",
    "Scores",
    "SingletonPSUError",
    "SpecError",
    "SurveyDesign",
    "SurveyEstimate",
    "UnknownUnitError",
    "__version__",
    "calibrate",
    "ciprop",
    "competition_rank",
    "composite",
    "composite_percent",
    "contrast",
    "datasets",
    "design_weights",
    "detectable_change",
    "kish_effective_sample_size",
    "kww_confidence_sets",
    "match_unit",
    "mean",
    "minimum_detectable_rank_change",
    "nonresponse_adjust",
    "p_scores",
    "pairwise_comparisons",
    "performance_bands",
    "planning",
    "plots",
    "poststratify",
    "quantile",
    "rake",
    "rank_change_test",
    "rank_confidence_sets",
    "rank_probabilities",
    "rank_set_change_probability",
    "ranks",
    "ratio",
    "read_survey",
    "report",
    "required_sample_size",
    "score",
    "score_panel",
    "scores",
    "simulate",
    "simulate_estimates",
    "simulate_population",
    "simulate_survey",
    "survey",
    "tau_best",
    "tau_worst",
    "testing",
    "total",
    "total_from_dimensions",
    "trim_weights",
    "ttest",
    "unit_scores",
    "units_frame",
    "var",
    "weight_summary",
    "weighting_design_effect",
]


def __getattr__(name: str) -> object:
    # the old top-level modules (dgi_stats.design, .estimation, .weighting, ...) for one release
    old = f"dgi_stats.{name}"
    if old in _moved.MOVED_MODULES:
        import importlib  # only on the deprecated path

        return importlib.import_module(old)
    return _renamed(name)


_renamed = _moved.deprecated_getattr(__name__)
