"""Variance estimation for :class:`~dgi_stats.survey.design.SurveyDesign`: Taylor linearisation and replicates.

:mod:`dgi_stats.survey.variance.taylor` computes R ``svyrecvar``-style variances from PSU (and SSU) totals of
influence values; :mod:`dgi_stats.survey.variance.replicate` builds PSU x R replicate factor matrices (JK1,
JKn, BRR, Fay, bootstrap, subbootstrap) and combines replicate estimates.
"""

from __future__ import annotations

from dgi_stats.survey.variance.replicate import make_replicates, replicate_variance
from dgi_stats.survey.variance.taylor import taylor_variance

__all__ = ["make_replicates", "replicate_variance", "taylor_variance"]
