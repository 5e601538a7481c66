"""Inference on ranks: confidence sets for ranks, rank-change tests, performance bands, planning.

Every rank claim made here controls its error rate (family-wise, at level 1 − confidence_level),
approximately and provided the design and its degrees of freedom are declared correctly, except the
functions of :mod:`dgi_stats.ranks.descriptive` (rank probabilities, P-scores), which are labelled
descriptive. Ranks are competition ranks: rank 1 = best (highest by default), ties share
the best rank (scores 10, 10, 5 → ranks 1, 1, 3). Methods: ``methods/ranks.md`` of the project's
reference material; main reference Mogstad, Romano, Shaikh & Wilhelm (2024), doi:10.1093/restud/rdad006.
"""

from __future__ import annotations

from dgi_stats._moved import deprecated_getattr
from dgi_stats.ranks.bands import (
    PairwiseComparisons,
    PerformanceBands,
    pairwise_comparisons,
    performance_bands,
)
from dgi_stats.ranks.change import RankChangeTest, rank_change_test
from dgi_stats.ranks.confidence_sets import (
    RankConfidenceSets,
    TauSet,
    kww_confidence_sets,
    rank_confidence_sets,
    tau_best,
    tau_worst,
)
from dgi_stats.ranks.descriptive import PScores, RankProbabilities, p_scores, rank_probabilities

__all__ = [
    "PScores",
    "PairwiseComparisons",
    "PerformanceBands",
    "RankChangeTest",
    "RankConfidenceSets",
    "RankProbabilities",
    "TauSet",
    "kww_confidence_sets",
    "p_scores",
    "pairwise_comparisons",
    "performance_bands",
    "rank_change_test",
    "rank_confidence_sets",
    "rank_probabilities",
    "tau_best",
    "tau_worst",
]

# power and sample size moved to dgi_stats.planning (0.2); the old names warn for one release
__getattr__ = deprecated_getattr(__name__)
