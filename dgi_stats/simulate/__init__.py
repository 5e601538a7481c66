"""SYNTHETIC DGI surveys: population frames, multi-stage PPS samples and answers from a latent model.

Everything simulated here is SYNTHETIC and labelled so wherever it appears.
"""

from __future__ import annotations

from dgi_stats.simulate.engine import (
    AGE_GROUPS,
    ETHNICITIES,
    PUBLISHED_TARGETS,
    SEXES,
    LatentModel,
    Population,
    SimulatedEstimates,
    SimulatedSurvey,
    calibration_targets,
    frame_margins,
    population_scores,
    pps_inclusion_probabilities,
    simulate_estimates,
    simulate_population,
    simulate_survey,
    solve_unit_effects,
    unit_profiles,
)

__all__ = [
    "AGE_GROUPS",
    "ETHNICITIES",
    "PUBLISHED_TARGETS",
    "SEXES",
    "LatentModel",
    "Population",
    "SimulatedEstimates",
    "SimulatedSurvey",
    "calibration_targets",
    "frame_margins",
    "population_scores",
    "pps_inclusion_probabilities",
    "simulate_estimates",
    "simulate_population",
    "simulate_survey",
    "solve_unit_effects",
    "unit_profiles",
]
