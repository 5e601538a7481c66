"""The survey layer: design, weighting, variance and design-based estimators (as R's ``survey``).

:class:`~dgi_stats.survey.design.SurveyDesign` describes how the sample was drawn;
:mod:`~dgi_stats.survey.weighting` returns re-weighted designs; :mod:`~dgi_stats.survey.variance`
holds Taylor linearisation and replicate variances (and the replicate structure a design stores);
:mod:`~dgi_stats.survey.estimators` gathers the estimators: means, totals, ratios, variances and
contrasts (:mod:`~dgi_stats.survey.means`), quantiles (:mod:`~dgi_stats.survey.quantiles`), tests
and proportion intervals (:mod:`~dgi_stats.survey.inference`), all returning the result objects of
:mod:`~dgi_stats.survey.results`. :func:`~dgi_stats.survey.means.domain_means` is the one entry
point of index scoring into the linearisation engine.
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
