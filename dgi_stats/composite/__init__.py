"""Composite indices: normalisation, weighting schemes, aggregation, checks and robustness of ranks.

The toolkit of the OECD/JRC Handbook on Constructing Composite Indicators (2008) and of COINr, plus
a robustness analysis that puts the choice of weights and the survey's sampling error (from a
:class:`~dgi_stats.scores.Scores`) in one Monte Carlo / Sobol design.
"""

from __future__ import annotations

from dgi_stats.composite.aggregate import (
    AGGREGATION_METHODS,
    KemenyResult,
    aggregate,
    aggregate_hierarchy,
    kemeny,
    outranking_matrix,
)
from dgi_stats.composite.checks import CronbachResult, PCAResult, correlations, cronbach_alpha, pca
from dgi_stats.composite.normalise import NORMALISATION_METHODS, competition_rank, normalise
from dgi_stats.composite.sensitivity import (
    Factor,
    SensitivityResult,
    UncertaintyResult,
    exclusion_factor,
    leave_one_out,
    rank_shift,
    rank_statistics,
    sampling_factor,
    scenario_ranks,
    sensitivity_analysis,
    sobol_indices,
    uncertainty_analysis,
    weight_noise_factor,
)
from dgi_stats.composite.weights import (
    SAATY_RANDOM_INDEX,
    AHPResult,
    BoDResult,
    FactorWeightsResult,
    Hierarchy,
    OptimisedWeightsResult,
    ahp,
    benefit_of_the_doubt,
    budget_allocation,
    check_weights,
    effective_weights,
    equal_weights,
    factor_analysis_weights,
    importance_objective,
    optimised_weights,
    pca_weights,
    variance_importance,
    varimax,
    weights,
)

__all__ = [
    "AGGREGATION_METHODS",
    "NORMALISATION_METHODS",
    "SAATY_RANDOM_INDEX",
    "AHPResult",
    "BoDResult",
    "CronbachResult",
    "Factor",
    "FactorWeightsResult",
    "Hierarchy",
    "KemenyResult",
    "OptimisedWeightsResult",
    "PCAResult",
    "SensitivityResult",
    "UncertaintyResult",
    "aggregate",
    "aggregate_hierarchy",
    "ahp",
    "benefit_of_the_doubt",
    "budget_allocation",
    "check_weights",
    "competition_rank",
    "correlations",
    "cronbach_alpha",
    "effective_weights",
    "equal_weights",
    "exclusion_factor",
    "factor_analysis_weights",
    "importance_objective",
    "kemeny",
    "leave_one_out",
    "normalise",
    "optimised_weights",
    "outranking_matrix",
    "pca",
    "pca_weights",
    "rank_shift",
    "rank_statistics",
    "sampling_factor",
    "scenario_ranks",
    "sensitivity_analysis",
    "sobol_indices",
    "uncertainty_analysis",
    "variance_importance",
    "varimax",
    "weight_noise_factor",
    "weights",
]
