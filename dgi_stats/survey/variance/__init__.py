"""Variance estimation for :class:`~dgi_stats.survey.design.SurveyDesign`: Taylor linearisation and replicates.

:mod:`dgi_stats.survey.variance.taylor` computes R ``svyrecvar``-style variances from PSU (and SSU) totals of
influence values; :mod:`dgi_stats.survey.variance.replicate` builds PSU x R replicate factor matrices (JK1,
JKn, BRR, Fay, bootstrap, subbootstrap) and combines replicate estimates;
:mod:`dgi_stats.survey.variance.structured` keeps a covariance as factors
(:class:`~dgi_stats.survey.variance.structured.StructuredCovariance`) so that thousands of domains
never need the dense matrix.
"""

from __future__ import annotations

from dgi_stats.survey.variance.replicate import make_replicates, replicate_variance
from dgi_stats.survey.variance.structured import StructuredCovariance
from dgi_stats.survey.variance.taylor import taylor_covariance, taylor_variance

__all__ = [
    "StructuredCovariance",
    "make_replicates",
    "replicate_variance",
    "taylor_covariance",
    "taylor_variance",
]
