"""dgi_stats: survey statistics for governance indices scored from citizen surveys.

Weighting, design-based confidence intervals (matching R ``survey``), inference on ranks and the
robustness of composite indices, for Quảng Ninh's District Governance Index (DGI), PAPI and any league
table of units scored from sample surveys.
"""

from __future__ import annotations

__version__ = "0.1.0"

from dgi_stats import datasets
from dgi_stats.exceptions import (
    ConvergenceWarning,
    DegenerateReplicateWarning,
    DGIError,
    MissingDataWarning,
    SingletonPSUError,
    SpecError,
    UnknownUnitError,
)
from dgi_stats.io import read_survey
from dgi_stats.scores import Scores
from dgi_stats.scoring import composite_percent, rank, total_from_dimensions, unit_scores
from dgi_stats.spec import IndexSpec, IndicatorScores
from dgi_stats.units import match_unit, units_frame

__all__ = [
    "ConvergenceWarning",
    "DGIError",
    "DegenerateReplicateWarning",
    "IndexSpec",
    "IndicatorScores",
    "MissingDataWarning",
    "Scores",
    "SingletonPSUError",
    "SpecError",
    "UnknownUnitError",
    "__version__",
    "datasets",
    "composite_percent",
    "match_unit",
    "rank",
    "read_survey",
    "total_from_dimensions",
    "unit_scores",
    "units_frame",
]
