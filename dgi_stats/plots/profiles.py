"""Dimension profiles and heatmaps of units' scores."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from dgi_stats._validation import did_you_mean
from dgi_stats.exceptions import DGIError

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

from dgi_stats.plots._common import (
    COLOURS,
    LINESTYLES,
    MARKERS,
    PlotData,
    figure_style,
    measure_label,
    new_axes,
    set_title,
    wide_scores,
)

__all__ = ["dimension_heatmap", "dimension_profile"]


def dimension_profile(
    data: PlotData,
    *,
    units: Sequence[str] | None = None,
    measures: Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
    ylabel: str = "score (0–10)",
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Profile of dimension scores: one line per unit across the dimensions, with CIs when given.

    Parameters
    ----------
    data : DataFrame or Scores
        Either wide (units x measures, index = unit) or tidy as ``Scores.to_frame()``: columns
        ``unit``, ``measure``, ``estimate`` and optionally ``ci_low``, ``ci_high`` (drawn as
        error bars). A ``Scores`` object is accepted.
    units : sequence of str, optional
        Units to draw (in this order). default: all (up to 13 distinguishable styles).
    measures : sequence of str, optional
        Measures on the x axis. default: the dimension ids (``d1_...`` to ``d8_...``) when
        present, else every column.
    labels : mapping, optional
        Axis labels for measures. default: "D1\\nparticipation" from "d1_participation".
    ylabel : str
        y-axis label. default: "score (0–10)".
    title : str, optional
        Axes title.
    ax : matplotlib Axes, optional
        Draw into this Axes.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    DGIError
        If a unit or measure is not in the data, or values are missing.

    Examples
    --------
    >>> import pandas as pd
    >>> wide = pd.DataFrame({"d1_participation": [9.4, 8.9], "d2_transparency": [8.7, 9.1]},
    ...                     index=["Uông Bí", "Đông Triều"])
    >>> fig = dimension_profile(wide)
    >>> len({line.get_marker() for line in fig.axes[0].get_lines()})
    2
    """
    func = "dimension_profile"
    wide = wide_scores(data, measures, func=func)
    lows = highs = None
    tidy = None
    if hasattr(data, "estimate") and callable(getattr(data, "to_frame", None)):
        tidy = data.to_frame()  # type: ignore[operator]  # a Scores-like result
    elif isinstance(data, pd.DataFrame) and {"measure", "ci_low", "ci_high"}.issubset(data.columns):
        tidy = data
    if tidy is not None and {"ci_low", "ci_high"}.issubset(tidy.columns):
        lows = wide_scores(tidy, list(wide.columns), func=func, statistic="ci_low")
        highs = wide_scores(tidy, list(wide.columns), func=func, statistic="ci_high")
    chosen = list(wide.index) if units is None else list(units)
    missing = [u for u in chosen if u not in wide.index]
    if missing:
        msg = f"{func}: unit(s) {missing} not in the data; {did_you_mean(missing, wide.index, what='units')}."
        raise DGIError(msg)
    if len(chosen) > len(MARKERS):
        msg = f"{func} can draw at most {len(MARKERS)} distinguishable units; pass units=[...]."
        raise DGIError(msg)
    x = np.arange(wide.shape[1], dtype=float)
    k = len(chosen)
    with figure_style():
        fig, axes = new_axes(ax, (max(6.4, 0.95 * wide.shape[1] + 2.5), 4.2))
        for j, u in enumerate(chosen):
            dx = (j - (k - 1) / 2) * min(0.06, 0.5 / max(k, 1))
            y = wide.loc[u].to_numpy()
            style: dict[str, Any] = {
                "marker": MARKERS[j % len(MARKERS)],
                "linestyle": LINESTYLES[j % len(LINESTYLES)],
                "color": COLOURS[j % len(COLOURS)],
                "markerfacecolor": "white" if j % 2 else COLOURS[j % len(COLOURS)],
                "linewidth": 1.3,
                "markersize": 6,
                "label": str(u),
            }
            if lows is not None and highs is not None:
                lo = lows.loc[u].to_numpy()
                hi = highs.loc[u].to_numpy()
                axes.errorbar(x + dx, y, yerr=np.vstack([y - lo, hi - y]), capsize=2.5,
                              elinewidth=0.8, **style)
            else:
                axes.plot(x + dx, y, **style)
        axes.set_xticks(x, [measure_label(m, labels) for m in wide.columns], fontsize="small")
        axes.set_ylabel(ylabel)
        axes.grid(axis="y", color="0.9", linewidth=0.6)
        axes.legend(fontsize="small", loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
        set_title(axes, title)
    return fig


def dimension_heatmap(
    data: PlotData,
    *,
    measures: Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
    value_format: str = "{:.2f}",
    cmap: str = "Greys",
    sort_by: str | None = "total",
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Heatmap of units x dimensions with every value printed in its cell.

    The printed numbers carry the information, so the figure reads in black and white; the grey
    scale only helps the eye.

    Parameters
    ----------
    data : DataFrame or Scores
        Wide (units x measures) or tidy (``unit``, ``measure``, ``estimate``), as in
        :func:`dimension_profile`.
    measures : sequence of str, optional
        Columns of the map. default: the dimension ids when present, else every column.
    labels : mapping, optional
        Column labels for measures.
    value_format : str
        Format of the printed values. default: "{:.2f}".
    cmap : str
        A matplotlib colormap name. default: "Greys".
    sort_by : str, optional
        Order the rows by this measure, highest first, when the data have it (the total by
        default); otherwise, or with None, rows keep the data's order. default: "total".
    title : str, optional
        Axes title.
    ax : matplotlib Axes, optional
        Draw into this Axes.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    DGIError
        If a measure is not in the data or values are missing.

    Examples
    --------
    >>> import pandas as pd
    >>> wide = pd.DataFrame({"d1_participation": [9.44, 8.9], "d2_transparency": [8.72, 9.1]},
    ...                     index=["Uông Bí", "Ba Chẽ"])
    >>> fig = dimension_heatmap(wide)
    >>> sorted(t.get_text() for t in fig.axes[0].texts)
    ['8.72', '8.90', '9.10', '9.44']
    """
    func = "dimension_heatmap"
    wide = wide_scores(data, measures, func=func)
    if sort_by is not None:
        try:
            key = wide_scores(data, [sort_by], func=func)[sort_by]
        except DGIError:
            key = None
        if key is not None:
            wide = wide.loc[key.reindex(wide.index).sort_values(ascending=False, kind="stable").index]
    values = wide.to_numpy()
    n_u, n_m = values.shape
    with figure_style():
        fig, axes = new_axes(ax, (max(6.0, 0.85 * n_m + 2.8), 0.9 + 0.42 * n_u))
        image = axes.imshow(values, cmap=cmap, aspect="auto")
        vmin, vmax = float(np.min(values)), float(np.max(values))
        span = vmax - vmin if vmax > vmin else 1.0
        for i in range(n_u):
            for j in range(n_m):
                dark = (values[i, j] - vmin) / span > 0.55
                axes.text(j, i, value_format.format(values[i, j]), ha="center", va="center",
                          fontsize="small", color="white" if dark else "black")
        axes.set_xticks(np.arange(n_m), [measure_label(m, labels) for m in wide.columns],
                        fontsize="small")
        axes.set_yticks(np.arange(n_u), [str(u) for u in wide.index])
        axes.tick_params(length=0)
        for side in axes.spines.values():
            side.set_visible(False)
        fig.colorbar(image, ax=axes, shrink=0.8)
        set_title(axes, title)
    return fig
