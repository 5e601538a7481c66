"""Composite indices: normalisation, weighting schemes, aggregation, checks and robustness of ranks.

The toolkit of the OECD/JRC Handbook on Constructing Composite Indicators (2008) and of COINr, plus
a robustness analysis that puts the choice of weights and the survey's sampling error (from a
:class:`~dgi_stats.scores.Scores`) in one Monte Carlo / Sobol design.

Modules: :mod:`~dgi_stats.composite.normalisation`, :mod:`~dgi_stats.composite.weighting_schemes`
(with :mod:`~dgi_stats.composite.hierarchy`, :mod:`~dgi_stats.composite.bod`,
:mod:`~dgi_stats.composite.pairwise` and :mod:`~dgi_stats.composite.importance`),
:mod:`~dgi_stats.composite.aggregation`, :mod:`~dgi_stats.composite.checks`, and the robustness
analysis in :mod:`~dgi_stats.composite.factors`, :mod:`~dgi_stats.composite.uncertainty`,
:mod:`~dgi_stats.composite.sensitivity` and :mod:`~dgi_stats.composite.scenarios`. The functions
``normalise``, ``weights`` and ``aggregate`` are attributes of this package; their modules have
other names, so that ``dgi_stats.composite.weights`` is always the function.
"""

from __future__ import annotations

import sys
import types

from dgi_stats.composite._common import check_weights
from dgi_stats.composite.aggregation import (
    AGGREGATION_METHODS,
    KemenyResult,
    aggregate,
    aggregate_hierarchy,
    kemeny,
    outranking_matrix,
)
from dgi_stats.composite.bod import BoDResult, benefit_of_the_doubt
from dgi_stats.composite.checks import CronbachResult, PCAResult, correlations, cronbach_alpha, pca
from dgi_stats.composite.factors import (
    Factor,
    exclusion_factor,
    sampling_factor,
    weight_noise_factor,
)
from dgi_stats.composite.hierarchy import Hierarchy, effective_weights
from dgi_stats.composite.importance import (
    OptimisedWeightsResult,
    importance_objective,
    optimised_weights,
    variance_importance,
)
from dgi_stats.composite.normalisation import NORMALISATION_METHODS, normalise
from dgi_stats.composite.pairwise import SAATY_RANDOM_INDEX, AHPResult, ahp
from dgi_stats.composite.scenarios import leave_one_out, scenario_ranks
from dgi_stats.composite.sensitivity import SensitivityResult, sensitivity_analysis, sobol_indices
from dgi_stats.composite.uncertainty import (
    UncertaintyResult,
    rank_shift,
    rank_statistics,
    uncertainty_analysis,
)
from dgi_stats.composite.weighting_schemes import (
    FactorWeightsResult,
    budget_allocation,
    equal_weights,
    factor_analysis_weights,
    pca_weights,
    varimax,
    weights,
)
from dgi_stats.scores.answers import competition_rank

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

#: Package attributes that are functions although a deprecated module path of the same name exists
#: (``dgi_stats.composite.weights`` and so on, served by :mod:`dgi_stats._moved`).
_FUNCTIONS_NOT_MODULES = frozenset({"aggregate", "normalise", "weights"})


class _CompositePackage(types.ModuleType):
    """The package module, keeping ``weights``, ``aggregate`` and ``normalise`` the functions.

    Importing a submodule sets it as an attribute of its package; importing a deprecated path such
    as ``dgi_stats.composite.weights`` would otherwise replace the function by the alias module.
    """

    def __setattr__(self, name: str, value: object) -> None:
        if name in _FUNCTIONS_NOT_MODULES and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _CompositePackage
