"""SYNTHETIC DGI surveys: population frames, multi-stage PPS samples and answers from a latent model.

Everything simulated here is **SYNTHETIC** and labelled so wherever it appears. The DGI's microdata,
sampling frame and sampling design are not public; this simulator makes data of the same shape so
that every method of dgi_stats can be run, tested and planned ("how many respondents would make a
5-rank rise detectable?").

The pieces, one module per concept:

* :mod:`~dgi_stats.simulate.population` - frames: :func:`simulate_population` (the 13 DGI units,
  invented sizes of the right order, :func:`unit_profiles`), :func:`simulate_frame` (any list of
  units, e.g. every commune of Vietnam, with latent unit effects drawn at random),
  :class:`Population` and :func:`frame_margins`;
* :mod:`~dgi_stats.simulate.latent` - the latent answer model (:class:`LatentModel`) and the
  default true scores of a year (:func:`calibration_targets`: every published DGI figure,
  :data:`PUBLISHED_TARGETS`, plus invented values);
* :mod:`~dgi_stats.simulate.truth` - exact true scores (:func:`population_scores`) and the latent
  unit effects that hit given ones (:func:`solve_unit_effects`);
* :mod:`~dgi_stats.simulate.sampling` - one survey (:func:`simulate_survey`): communes and villages
  by systematic PPS (:func:`pps_inclusion_probabilities`), adults by simple random sampling,
  nonresponse, weights, margins and true scores in a :class:`SimulatedSurvey`;
* :mod:`~dgi_stats.simulate.estimates` - many surveys' unit-level estimates, fast
  (:func:`simulate_estimates`, for power and sample-size planning).
"""

from __future__ import annotations

from dgi_stats.simulate._common import AGE_GROUPS, ETHNICITIES, SEXES
from dgi_stats.simulate.estimates import SimulatedEstimates, simulate_estimates
from dgi_stats.simulate.latent import PUBLISHED_TARGETS, LatentModel, calibration_targets
from dgi_stats.simulate.population import (
    Population,
    frame_margins,
    simulate_frame,
    simulate_population,
    unit_profiles,
)
from dgi_stats.simulate.sampling import (
    SimulatedSurvey,
    pps_inclusion_probabilities,
    simulate_survey,
)
from dgi_stats.simulate.truth import population_scores, solve_unit_effects

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
    "simulate_frame",
    "simulate_population",
    "simulate_survey",
    "solve_unit_effects",
    "unit_profiles",
]
