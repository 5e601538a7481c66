"""Robustness figures: uncertainty bands of ranks and sensitivity indices."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dgi_stats.exceptions import DGIError

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

from dgi_stats.plots._common import (
    PlotData,
    as_frame,
    capped_interval,
    column,
    figure_style,
    finish_rows,
    legend_below,
    numeric,
    row_axes,
    set_title,
    unit_labels,
)

__all__ = ["sensitivity_bars", "uncertainty_band_plot"]


def uncertainty_band_plot(
    data: PlotData,
    *,
    title: str | None = None,
    xlabel: str = "rank (1 = highest score)",
    ax: Axes | None = None,
) -> Figure:
    """Median rank with its 5–95 % band and the nominal rank, units ordered by nominal rank.

    Parameters
    ----------
    data : DataFrame or result object
        One row per unit with the nominal rank (``rank_nominal`` or ``nominal``), the median rank
        (``rank_median`` or ``median``), and the band (``rank_q05`` / ``q05`` / ``q5`` and
        ``rank_q95`` / ``q95``), as ``UncertaintyResult.to_frame()`` of
        :func:`dgi_stats.composite.uncertainty_analysis`.
    title : str, optional
        Axes title.
    xlabel : str
        x-axis label. default: "rank (1 = highest score)".
    ax : matplotlib Axes, optional
        Draw into this Axes.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    DGIError
        If a required column is missing or not numeric.

    See Also
    --------
    rank_interval_plot : confidence sets for ranks (inference, not a descriptive band).

    Examples
    --------
    >>> import pandas as pd
    >>> ua = pd.DataFrame({"unit": ["Cô Tô", "Tiên Yên"], "rank_nominal": [1, 2],
    ...                    "rank_median": [1.0, 2.0], "rank_q05": [1.0, 1.0], "rank_q95": [2.0, 3.0]})
    >>> fig = uncertainty_band_plot(ua)
    >>> fig.legends[0].get_texts()[0].get_text()
    '5–95 % band'
    """
    func = "uncertainty_band_plot"
    frame = as_frame(data, func=func)
    ncol = column(frame, ("rank_nominal", "nominal", "nominal_rank"), what="nominal rank", func=func)
    mcol = column(frame, ("rank_median", "median", "median_rank"), what="median rank", func=func)
    lcol = column(frame, ("rank_q05", "q05", "q5", "rank_p05", "p05"), what="5 % rank quantile",
                   func=func)
    hcol = column(frame, ("rank_q95", "q95", "rank_p95", "p95"), what="95 % rank quantile", func=func)
    units = unit_labels(frame)
    nominal = numeric(frame, ncol, func=func)
    median = numeric(frame, mcol, func=func)
    low = numeric(frame, lcol, func=func)
    high = numeric(frame, hcol, func=func)
    order = np.argsort(nominal, kind="stable")
    n = len(units)
    with figure_style():
        fig, axes, y = row_axes(ax, n)
        capped_interval(axes, y, low[order], high[order], color="0.35", linewidth=2.0, markersize=9,
                         label="5–95 % band")
        axes.plot(nominal[order], y, "D", color="black", markerfacecolor="white", markersize=9,
                  linestyle="none", label="nominal rank")
        axes.plot(median[order], y, "o", color="black", markersize=4.5, linestyle="none",
                  label="median rank")
        finish_rows(axes, y, units[order].tolist(), xlabel=xlabel, title=title,
                     rank_max=float(np.max(high)))
    return fig


def sensitivity_bars(
    data: PlotData,
    *,
    target: str | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Sobol indices per factor: first order S_i solid, with the interaction part S_Ti − S_i hatched.

    Parameters
    ----------
    data : DataFrame or result object
        One row per factor (name in ``factor`` or the index) with the first-order index (``S_i``,
        ``first_order``, ``s1`` or ``S1``) and the total-order index (``S_Ti``, ``total_order``,
        ``st`` or ``ST``). If a ``target`` column holds several targets, pass ``target=``.
    target : str, optional
        Which target to draw when the data hold several. default: None.
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
        If a column is missing, or several targets are present and ``target`` is not given.

    Notes
    -----
    Monte Carlo estimates of S_Ti can fall below S_i; the hatched part is then drawn as 0, the
    total mark shows the estimate as it is and a note above the plot names the factors concerned.
    When the data hold the bootstrap bounds of :func:`dgi_stats.composite.sobol_indices`
    (``first_order_low`` / ``_high``, ``total_order_low`` / ``_high``), they are drawn as Monte
    Carlo intervals.

    Examples
    --------
    >>> import pandas as pd
    >>> sa = pd.DataFrame({"factor": ["weights", "sampling"], "S_i": [0.2, 0.6], "S_Ti": [0.3, 0.75]})
    >>> fig = sensitivity_bars(sa)
    >>> [p.get_hatch() == "///" for p in fig.axes[0].patches]
    [False, False, True, True]
    """
    func = "sensitivity_bars"
    frame = as_frame(data, func=func)
    if "target" in frame.columns:
        targets = pd.unique(frame["target"])
        if target is None and len(targets) > 1:
            msg = f"{func}: the data hold several targets {list(targets)}; pass target=..."
            raise DGIError(msg)
        if target is not None:
            if target not in set(targets):
                msg = f"{func}: target {target!r} not in the data; available: {list(targets)}."
                raise DGIError(msg)
            frame = frame.loc[frame["target"] == target]
    scol = column(frame, ("S_i", "first_order", "s1", "S1", "si"), what="first-order index",
                   func=func)
    tcol = column(frame, ("S_Ti", "total_order", "st", "ST", "sti"), what="total-order index",
                   func=func)
    factors = (frame["factor"].astype(str).to_numpy() if "factor" in frame.columns
               else frame.index.astype(str).to_numpy())
    first = numeric(frame, scol, func=func)
    total = numeric(frame, tcol, func=func)
    bounds = {}
    for name in ("first_order", "total_order"):
        if f"{name}_low" in frame.columns and f"{name}_high" in frame.columns:
            bounds[name] = (numeric(frame, f"{name}_low", func=func),
                            numeric(frame, f"{name}_high", func=func))
    n = len(factors)
    inverted = [str(f) for f, a, b in zip(factors, first, total, strict=True) if a > b]
    with figure_style():
        fig, axes, y = row_axes(ax, n, base=1.3 if inverted else 1.0, per_row=0.45)
        axes.barh(y, first, color="0.3", edgecolor="black", label="first order $S_i$")
        axes.barh(y, np.clip(total - first, 0.0, None), left=first, color="white",
                  edgecolor="black", hatch="///", label="interactions $S_{Ti} - S_i$")
        axes.plot(total, y, "|", color="black", markersize=14, markeredgewidth=2,
                  label="total order $S_{Ti}$")
        right = float(np.max(total))
        if "first_order" in bounds:
            lo, hi = bounds["first_order"]
            axes.errorbar(first, y - 0.12, xerr=[np.clip(first - lo, 0, None),
                                                 np.clip(hi - first, 0, None)],
                          fmt="none", ecolor="tab:orange", elinewidth=1.5, capsize=3,
                          label="Monte Carlo interval of $S_i$")
            right = max(right, float(np.max(hi)))
        if "total_order" in bounds:
            lo, hi = bounds["total_order"]
            axes.errorbar(total, y + 0.12, xerr=[np.clip(total - lo, 0, None),
                                                 np.clip(hi - total, 0, None)],
                          fmt="none", ecolor="tab:blue", elinewidth=1.5, capsize=3,
                          label="Monte Carlo interval of $S_{Ti}$")
            right = max(right, float(np.max(hi)))
        axes.set_yticks(y, factors.tolist())
        axes.set_xlabel("Sobol index")
        axes.set_xlim(0, max(1.0, right * 1.05))
        legend_below(axes, ncol=2 if bounds else 3)
        set_title(axes, title)
        if inverted:
            why = ("Monte Carlo error: see the intervals (a larger n_base narrows them)."
                   if bounds else
                   "Monte Carlo error: a larger n_base or bootstrap intervals show it.")
            axes.set_xlabel(f"Sobol index\nNote: S_i > S_Ti for: {', '.join(inverted)}.\n{why}")
    return fig
