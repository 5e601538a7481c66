"""The scores layer: an index's spec, scoring answers, and :class:`Scores`, the pivot of the library.

:class:`~dgi_stats.scores.spec.IndexSpec` turns answers into indicator scores and says how
indicators add up to sub-dimensions, dimensions, total and composite;
:func:`~dgi_stats.scores.index.score` estimates every measure of every unit from a survey design;
:class:`~dgi_stats.scores.pivot.Scores` carries the estimates with their joint uncertainty
(covariance, replicates, degrees of freedom) to the rank, composite and planning layers, which never
touch respondents again. :mod:`~dgi_stats.scores.answers` holds the unit-level arithmetic of a
league table (weighted unit means, total, competition ranks); the composite % formula lives with the
spec (:func:`~dgi_stats.scores.spec.composite_percent`).
:func:`~dgi_stats.scores.panel.score_panel` scores a panel (the same communes in several years) with
the covariance across years.
"""

from __future__ import annotations

from dgi_stats.scores.answers import competition_rank, rank, total_from_dimensions, unit_scores
from dgi_stats.scores.index import score
from dgi_stats.scores.panel import PanelScores, score_panel
from dgi_stats.scores.pivot import Scores, satterthwaite_df
from dgi_stats.scores.spec import IndexSpec, IndicatorScores, composite_maximum, composite_percent

__all__ = [
    "IndexSpec",
    "IndicatorScores",
    "PanelScores",
    "Scores",
    "competition_rank",
    "composite_maximum",
    "composite_percent",
    "rank",
    "satterthwaite_df",
    "score",
    "score_panel",
    "total_from_dimensions",
    "unit_scores",
]
