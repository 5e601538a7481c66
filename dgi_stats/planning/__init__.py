"""Planning: power of rank claims and the sample size a survey needs (above ``simulate`` and ``ranks``).

:func:`~dgi_stats.planning.sample_size.required_sample_size` simulates surveys of a design to find
the respondents per unit that establish a rank change with a given power;
:func:`~dgi_stats.planning.power.detectable_change` and
:func:`~dgi_stats.planning.power.rank_set_change_probability` answer the same question
analytically from a :class:`~dgi_stats.scores.pivot.Scores`.
"""

from __future__ import annotations

from dgi_stats.planning.power import (
    RankChangePower,
    detectable_change,
    rank_set_change_probability,
)
from dgi_stats.planning.sample_size import (
    SampleSizePlan,
    interpolate_required,
    required_sample_size,
)

__all__ = [
    "RankChangePower",
    "SampleSizePlan",
    "detectable_change",
    "interpolate_required",
    "rank_set_change_probability",
    "required_sample_size",
]
