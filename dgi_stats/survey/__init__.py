"""The survey layer: design, weighting, variance and design-based estimators (as R's ``survey``).

:class:`~dgi_stats.survey.design.SurveyDesign` describes how the sample was drawn;
:mod:`~dgi_stats.survey.weighting` returns re-weighted designs; :mod:`~dgi_stats.survey.variance`
holds Taylor linearisation and replicate variances; :mod:`~dgi_stats.survey.estimators` gives means,
totals, ratios and quantiles by domain as :class:`~dgi_stats.survey.estimators.SurveyEstimate`.
Nothing here knows about indices or ranks (the layers above).
"""

from __future__ import annotations

from dgi_stats.survey import variance, weighting
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

__all__ = [
    "SurveyDesign",
    "SurveyEstimate",
    "ciprop",
    "contrast",
    "mean",
    "quantile",
    "ratio",
    "total",
    "ttest",
    "var",
    "variance",
    "weighting",
]
