"""Figures for reports: rank intervals, rank changes, dimension profiles, uncertainty and sensitivity.

Every function takes plain pandas input with documented columns — or a result object, whose
``to_frame()`` output is used — and returns a :class:`matplotlib.figure.Figure` built without
:mod:`matplotlib.pyplot`, so no global figure state is touched and nothing needs closing. matplotlib is
imported only when a figure is drawn.

The figures read in black and white: series differ by marker, line style or hatching, never by colour
alone. Text is set in DejaVu Sans (shipped with matplotlib), which has every glyph of Vietnamese unit
names such as "Uông Bí", "Đông Triều", "Cẩm Phả" and "Ba Chẽ".

Unit labels come from a ``unit`` column (or ``district``, ``province``), else from the index.
"""

from __future__ import annotations

from dgi_stats.plots._common import save_figure
from dgi_stats.plots.intervals import rank_change_plot, rank_interval_plot, score_interval_plot
from dgi_stats.plots.profiles import dimension_heatmap, dimension_profile
from dgi_stats.plots.robustness import sensitivity_bars, uncertainty_band_plot

__all__ = [
    "dimension_heatmap",
    "dimension_profile",
    "rank_change_plot",
    "rank_interval_plot",
    "save_figure",
    "score_interval_plot",
    "sensitivity_bars",
    "uncertainty_band_plot",
]
