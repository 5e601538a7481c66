"""Rank and score intervals of every unit, and rank changes between two years."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from dgi_stats._validation import did_you_mean
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
    new_axes,
    numeric,
    optional_column,
    outside,
    required_numeric,
    row_axes,
    set_title,
    unit_labels,
)

__all__ = ["rank_change_plot", "rank_interval_plot", "score_interval_plot"]


# --------------------------------------------------------------------------------------- figures
def rank_interval_plot(
    data: PlotData,
    *,
    simultaneous: PlotData | None = None,
    labels: tuple[str, str] = ("marginal", "simultaneous"),
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Caterpillar plot of confidence sets for ranks, units ordered by their rank.

    Parameters
    ----------
    data : DataFrame or result object
        One row per unit with columns ``rank``, ``lower``, ``upper`` (integer ranks, 1 = best) and
        optionally ``estimate`` (breaks rank ties in the ordering); unit names in ``unit`` /
        ``district`` or the index. A result with ``to_frame()`` (such as
        ``RankConfidenceSets``) is accepted.
    simultaneous : DataFrame or result object, optional
        A second set of intervals for the same units (typically simultaneous sets), drawn beside
        the first with a dashed line and end caps. default: None.
    labels : tuple of str
        Legend labels of ``data`` and ``simultaneous``. default: ("marginal", "simultaneous").
    title : str, optional
        Axes title. default: None.
    ax : matplotlib Axes, optional
        Draw into this Axes instead of a new figure. default: None.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    DGIError
        If a required column is missing, values are not numeric, or ``simultaneous`` names units
        that are not in ``data``.

    See Also
    --------
    uncertainty_band_plot : median rank with a 5–95 % band from an uncertainty analysis.

    Examples
    --------
    >>> import pandas as pd
    >>> sets = pd.DataFrame({"unit": ["Uông Bí", "Cẩm Phả", "Ba Chẽ"], "rank": [1, 2, 3],
    ...                      "lower": [1, 1, 2], "upper": [2, 3, 3]})
    >>> fig = rank_interval_plot(sets, title="Ranks")
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['Uông Bí', 'Cẩm Phả', 'Ba Chẽ']
    """
    func = "rank_interval_plot"
    frame = as_frame(data, func=func)
    rank, lower, upper = required_numeric(frame, ("rank", "lower", "upper"), what="{} rank", func=func)
    units = unit_labels(frame)
    bad = outside(units, rank, lower, upper)
    if bad:
        msg = f"{func}: the rank of {bad} lies outside its interval [lower, upper]."
        raise DGIError(msg)
    est_col = optional_column(frame, ("estimate",))
    tiebreak = -numeric(frame, est_col, func=func) if est_col else np.zeros(len(rank))
    order = np.lexsort((tiebreak, rank))
    second = None
    if simultaneous is not None:
        sframe = as_frame(simultaneous, func=func, name="simultaneous")
        sunits = unit_labels(sframe)
        lookup = dict(zip(sunits, range(len(sunits)), strict=True))
        missing = [u for u in units if u not in lookup]
        if missing:
            msg = f"{func}: 'simultaneous' has no row for unit(s) {missing}."
            raise DGIError(msg)
        pos = np.array([lookup[u] for u in units])
        second = (numeric(sframe, "lower", func=func)[pos], numeric(sframe, "upper", func=func)[pos])
    n = len(units)
    with figure_style():
        fig, axes, y = row_axes(ax, n)  # best rank at the top
        off = 0.17 if second is not None else 0.0
        lo, hi, rk = lower[order], upper[order], rank[order]
        axes.hlines(y + off, lo - 0.3, hi + 0.3, color="0.55", linewidth=5, label=f"{labels[0]} set")
        if second is not None:
            slo, shi = second[0][order], second[1][order]
            capped_interval(axes, y - off, slo - 0.3, shi + 0.3, color="black", linewidth=1.3,
                             markersize=8, label=f"{labels[1]} set", linestyles="--")
        axes.plot(rk, y + off, "o", color="black", markerfacecolor="white", markersize=6,
                  markeredgewidth=1.5, label="observed rank", linestyle="none")
        finish_rows(axes, y, units[order].tolist(), xlabel="rank (1 = highest score)", title=title,
                     rank_max=float(np.max(upper)))
    return fig


def score_interval_plot(
    data: PlotData,
    *,
    measure: str = "total",
    confidence_level: float = 0.95,
    xlabel: str | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Estimates of one measure with their confidence intervals, units ordered best first.

    Parameters
    ----------
    data : Scores or DataFrame
        A ``Scores`` (its intervals at ``confidence_level`` are used), a tidy frame as
        ``Scores.to_frame()`` (``unit``, ``measure``, ``estimate``, ``ci_low``, ``ci_high``), or
        one row per unit with ``estimate``, ``ci_low``, ``ci_high`` (unit in ``unit`` or the index).
    measure : str
        The measure to draw (Scores or tidy input). default: "total".
    confidence_level : float
        Level of the intervals of a Scores input. default: 0.95.
    xlabel : str, optional
        default: the measure's name.
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
        If the measure or a column is missing, or an interval does not contain its estimate.

    Examples
    --------
    >>> import pandas as pd
    >>> est = pd.DataFrame({"estimate": [74.2, 75.6], "ci_low": [72.2, 74.2], "ci_high": [76.2, 77.0]},
    ...                    index=["Uông Bí", "Vân Đồn"])
    >>> fig = score_interval_plot(est)
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['Vân Đồn', 'Uông Bí']
    """
    func = "score_interval_plot"
    if hasattr(data, "confidence_interval") and hasattr(data, "measures"):
        if measure not in list(data.measures):
            msg = f"{func}: measure {measure!r} not in the Scores; {did_you_mean([measure], data.measures, what='measures')}."
            raise DGIError(msg)
        # a Scores (duck-typed: plots sit beside the scores layer)
        frame = data[measure].confidence_interval(confidence_level).droplevel("measure")  # type: ignore[index]
    else:
        frame = as_frame(data, func=func)
        if "measure" in frame.columns:
            if measure not in set(frame["measure"]):
                msg = f"{func}: measure {measure!r} not in the data."
                raise DGIError(msg)
            frame = frame.loc[frame["measure"] == measure]
    est, low, high = required_numeric(frame, ("estimate", "ci_low", "ci_high"), what="{}", func=func)
    units = unit_labels(frame)
    bad = outside(units, est, low, high)
    if bad:
        msg = f"{func}: the interval of {bad} does not contain its estimate."
        raise DGIError(msg)
    order = np.argsort(-est, kind="stable")
    n = len(units)
    with figure_style():
        fig, axes, y = row_axes(ax, n)
        capped_interval(axes, y, low[order], high[order], color="black", linewidth=1.6, markersize=8,
                         label="confidence interval")
        axes.plot(est[order], y, "o", color="black", markersize=6, linestyle="none",
                  label="estimate")
        finish_rows(axes, y, units[order].tolist(),
                     xlabel=xlabel if xlabel is not None else measure, title=title)
    return fig


def rank_change_plot(
    data: PlotData,
    *,
    significant: Sequence[bool] | pd.Series | None = None,
    alpha: float = 0.05,
    periods: tuple[str, str] = ("before", "after"),
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Slope chart of ranks in two periods, significant changes drawn solid and bold.

    Parameters
    ----------
    data : DataFrame or result object
        One row per unit with the two ranks in ``rank_before`` / ``rank_after`` (or ``rank_prev`` /
        ``rank_curr``). Significance is read, in order, from ``significant`` (bool), from
        confidence bounds on places gained (``places_gained_lower`` ≥ 1: a rise,
        ``places_gained_upper`` ≤ −1: a fall; as ``RankChangeTest.to_frame()``), or from
        ``pvalue_adjusted`` or ``pvalue`` (< ``alpha``), unless the ``significant`` parameter is
        given.
    significant : sequence of bool or Series, optional
        Which units' changes are significant (overrides the columns); a Series is matched on unit
        names. default: None.
    alpha : float
        Level for p-value columns. default: 0.05.
    periods : tuple of str
        Labels of the two columns (for example ("2020", "2021")). default: ("before", "after").
    title : str, optional
        Axes title. default: None.
    ax : matplotlib Axes, optional
        Draw into this Axes. default: None.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    DGIError
        If a rank column is missing or no significance information is available.

    See Also
    --------
    rank_interval_plot

    Examples
    --------
    >>> import pandas as pd
    >>> change = pd.DataFrame({"unit": ["Uông Bí", "Hạ Long", "Cô Tô"], "rank_before": [3, 1, 2],
    ...                        "rank_after": [1, 2, 3], "pvalue_adjusted": [0.01, 0.6, 0.8]})
    >>> fig = rank_change_plot(change, periods=("2020", "2021"))
    >>> sorted({line.get_linestyle() for line in fig.axes[0].get_lines()})
    ['-', '--']
    """
    func = "rank_change_plot"
    frame = as_frame(data, func=func)
    bcol = column(frame, ("rank_before", "rank_prev"), what="rank in the first period", func=func)
    acol = column(frame, ("rank_after", "rank_curr"), what="rank in the second period", func=func)
    units = unit_labels(frame)
    before = numeric(frame, bcol, func=func)
    after = numeric(frame, acol, func=func)
    sig = _significance(frame, significant, alpha, units, func=func)
    n = len(units)
    with figure_style():
        fig, axes = new_axes(ax, (6.4, 1.2 + 0.36 * n))
        for i in np.argsort(after, kind="stable"):
            if sig[i]:
                axes.plot([0, 1], [before[i], after[i]], linestyle="-", color="black", linewidth=2.2,
                          marker="o", markersize=6)
            else:
                axes.plot([0, 1], [before[i], after[i]], linestyle="--", color="0.6", linewidth=1.0,
                          marker="o", markerfacecolor="white", markersize=5)
        for x, ranks, ha in ((0.0, before, "right"), (1.0, after, "left")):
            ypos = _spread(ranks)
            for i in range(n):
                label = f"{int(ranks[i])}  {units[i]}"
                axes.text(x - 0.04 if ha == "right" else x + 0.04, ypos[i], label, ha=ha, va="center",
                          fontsize="small", fontweight="bold" if sig[i] else "normal")
        axes.set_xlim(-0.75, 1.75)
        top = float(max(before.max(), after.max()))
        axes.set_ylim(top + 0.7, 0.3)
        axes.set_xticks([0, 1], list(periods))
        axes.set_yticks([])
        for side in ("left", "bottom"):
            axes.spines[side].set_visible(False)
        axes.tick_params(axis="x", length=0)
        from matplotlib.lines import Line2D  # matplotlib only when a figure is drawn

        handles = [
            Line2D([], [], linestyle="-", color="black", linewidth=2.2, marker="o",
                   label="significant change"),
            Line2D([], [], linestyle="--", color="0.6", linewidth=1.0, marker="o",
                   markerfacecolor="white", label="not significant"),
        ]
        axes.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=2,
                    fontsize="small", frameon=False)
        set_title(axes, title)
    return fig


def _significance(
    frame: pd.DataFrame, significant: Any, alpha: float, units: np.ndarray, *, func: str
) -> np.ndarray:
    if not 0 < float(alpha) < 1:
        msg = f"The 'alpha' parameter of {func} must be a float in the range (0, 1). Got {alpha!r} instead."
        raise DGIError(msg)
    if significant is not None:
        if isinstance(significant, pd.Series):
            s = significant.copy()
            s.index = s.index.astype(str)
            missing = [u for u in units if u not in s.index]
            if missing:
                msg = f"The 'significant' parameter of {func} has no value for unit(s) {missing}."
                raise DGIError(msg)
            return s.reindex(units).astype(bool).to_numpy()
        arr = np.asarray(significant, dtype=bool)
        if arr.shape != (len(units),):
            msg = f"The 'significant' parameter of {func} must have one value per unit ({len(units)})."
            raise DGIError(msg)
        return arr
    if "significant" in frame.columns:
        return frame["significant"].astype(bool).to_numpy()
    if "places_gained_lower" in frame.columns:
        sig = numeric(frame, "places_gained_lower", func=func) >= 1
        if "places_gained_upper" in frame.columns:
            sig |= numeric(frame, "places_gained_upper", func=func) <= -1
        return sig
    for col in ("pvalue_adjusted", "pvalue"):
        if col in frame.columns:
            return numeric(frame, col, func=func) < alpha
    msg = (
        f"{func} needs significance: a column 'significant', 'places_gained_lower' (and "
        "'places_gained_upper'), 'pvalue_adjusted' or 'pvalue', or the 'significant' parameter."
    )
    raise DGIError(msg)


def _spread(ranks: np.ndarray, gap: float = 0.42) -> np.ndarray:
    """Label positions: tied ranks are spread vertically so their labels do not overlap."""
    pos = ranks.astype(float).copy()
    for r in np.unique(ranks):
        idx = np.flatnonzero(ranks == r)
        if idx.size > 1:
            pos[idx] = r + gap * (np.arange(idx.size) - (idx.size - 1) / 2)
    return pos
