"""Survey weighting: design weights, nonresponse, post-stratification, raking, calibration, trimming.

Every function takes a :class:`~dgi_stats.survey.design.SurveyDesign` and returns a *new* design (the input
is never modified) whose Taylor variances account for the weighting step, exactly as R's ``survey``
package does (``postStratify``, ``rake``, ``calibrate``, ``trimWeights``). A replicate design has
every replicate re-weighted.
"""

from __future__ import annotations

from dgi_stats.survey.weighting.calibration import (
    CalibrationResult,
    calibrate,
    calibrate_weights,
    model_matrix,
)
from dgi_stats.survey.weighting.design_weights import design_weights, nonresponse_adjust
from dgi_stats.survey.weighting.diagnostics import (
    kish_effective_sample_size,
    weight_summary,
    weighting_design_effect,
)
from dgi_stats.survey.weighting.greg import GregCalibrationStep
from dgi_stats.survey.weighting.poststratify import PostStratificationStep, poststratify
from dgi_stats.survey.weighting.raking import RakingResult, RakingStep, rake, rake_weights
from dgi_stats.survey.weighting.trimming import trim_weights

__all__ = [
    "CalibrationResult",
    "GregCalibrationStep",
    "PostStratificationStep",
    "RakingResult",
    "RakingStep",
    "calibrate",
    "calibrate_weights",
    "design_weights",
    "kish_effective_sample_size",
    "model_matrix",
    "nonresponse_adjust",
    "poststratify",
    "rake",
    "rake_weights",
    "trim_weights",
    "weight_summary",
    "weighting_design_effect",
]
