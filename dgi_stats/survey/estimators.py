"""Design-based estimators that reproduce R's ``survey`` package: means, totals, ratios, quantiles.

This module gathers the estimators under one name; each lives in the module of its concept:

- :mod:`~dgi_stats.survey.means`: :func:`mean`, :func:`total`, :func:`ratio`, :func:`var`,
  :func:`contrast` and :func:`domain_means` (the entry point of index scoring);
- :mod:`~dgi_stats.survey.quantiles`: :func:`quantile`;
- :mod:`~dgi_stats.survey.inference`: :func:`ttest`, :func:`ciprop`;
- :mod:`~dgi_stats.survey.results`: :class:`SurveyEstimate`, :class:`TTestResult`,
  :class:`PropCI`;
- :mod:`~dgi_stats.survey._common`: the linearisation engine they share.

Examples
--------
>>> import pandas as pd
>>> from dgi_stats.survey.design import SurveyDesign
>>> from dgi_stats.survey.estimators import mean
>>> float(mean(SurveyDesign(pd.DataFrame({"y": [1.0, 3.0]})), "y").estimate["y"])
2.0
"""

from __future__ import annotations

from dgi_stats.survey.inference import ciprop, ttest
from dgi_stats.survey.means import (
    DeffArg,  # noqa: F401  (re-exported for annotations; not in __all__)
    DomainMeans,
    contrast,
    domain_means,
    mean,
    ratio,
    total,
    var,
)
from dgi_stats.survey.quantiles import quantile
from dgi_stats.survey.results import PropCI, SurveyEstimate, TTestResult

__all__ = [
    "DomainMeans",
    "PropCI",
    "SurveyEstimate",
    "TTestResult",
    "ciprop",
    "contrast",
    "domain_means",
    "mean",
    "quantile",
    "ratio",
    "total",
    "ttest",
    "var",
]
