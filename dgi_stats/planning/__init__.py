"""Planning: power of rank claims and the sample size a survey needs (above ``simulate`` and ``ranks``).

:func:`~dgi_stats.planning.sample_size.required_sample_size` simulates surveys of a design to find
the respondents per unit that establish a rank change with a given power;
:func:`~dgi_stats.planning.power.detectable_change` and
:func:`~dgi_stats.planning.power.rank_set_change_probability` answer the same question
analytically from a :class:`~dgi_stats.scores.pivot.Scores`;
:func:`~dgi_stats.planning.detectable_rank.minimum_detectable_rank_change` gives, per unit, the
smallest true rank rise the rank-change test establishes with a given power.
"""

from __future__ import annotations

from dgi_stats.planning.detectable_rank import (
    DetectableRankChange,
    minimum_detectable_rank_change,
)
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
    "DetectableRankChange",
    "RankChangePower",
    "SampleSizePlan",
    "detectable_change",
    "interpolate_required",
    "minimum_detectable_rank_change",
    "rank_set_change_probability",
    "required_sample_size",
]
