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

import contextlib
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from dgi_stats._validation import did_you_mean
from dgi_stats.exceptions import DGIError

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

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

FONT = "DejaVu Sans"
#: Marker, line-style and colour cycles: every series differs by marker and line style, so the
#: figures read in black and white; the colours (Okabe–Ito) only help on screen.
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">", "h", "p", "8")
LINESTYLES = ("-", "--", ":", "-.")
COLOURS = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#999999")
_UNIT_COLUMNS = ("unit", "district", "province")
_DIMENSION_RE = re.compile(r"^d\d+_(?!s\d+(_|$))[a-z][a-z0-9_]*$")


# ---------------------------------------------------------------------------------------- helpers
@contextlib.contextmanager
def _style() -> Iterator[None]:
    """Font and output settings for every figure of this module (restored on exit)."""
    import matplotlib as mpl

    with mpl.rc_context(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [FONT],
            "svg.fonttype": "path",  # glyphs as paths: the SVG shows the names without the font
            "svg.hashsalt": "dgi_stats",  # deterministic element ids
            "axes.spines.top": False,
            "axes.spines.right": False,
            "hatch.linewidth": 0.8,
        }
    ):
        yield


def _new_axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure

    if ax is not None:
        fig = ax.get_figure()
        if fig is None:  # pragma: no cover - an Axes always belongs to a figure
            msg = "The 'ax' parameter must be an Axes that belongs to a Figure."
            raise DGIError(msg)
        return fig, ax  # type: ignore[return-value]
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def _as_frame(data: Any, *, func: str, name: str = "data") -> pd.DataFrame:
    """A copy of ``data`` as a DataFrame (a result object's ``to_frame()``); never mutates input."""
    if isinstance(data, pd.Series):
        return data.to_frame()
    if isinstance(data, pd.DataFrame):
        frame = data.copy()
    elif callable(getattr(data, "to_frame", None)):
        frame = data.to_frame()
        if not isinstance(frame, pd.DataFrame):
            msg = f"The {name!r} parameter of {func}: to_frame() did not return a DataFrame."
            raise DGIError(msg)
    else:
        msg = (
            f"The {name!r} parameter of {func} must be a pandas DataFrame or a result object with "
            f"to_frame(). Got {type(data).__name__} instead."
        )
        raise DGIError(msg)
    if frame.empty:
        msg = f"The {name!r} parameter of {func} is empty: there is nothing to plot."
        raise DGIError(msg)
    return frame


def _optional_column(frame: pd.DataFrame, aliases: Sequence[str]) -> str | None:
    """The first of ``aliases`` that is a column of ``frame``, or None."""
    for a in aliases:
        if a in frame.columns:
            return a
    return None


def _column(frame: pd.DataFrame, aliases: Sequence[str], *, what: str, func: str) -> str:
    """The first of ``aliases`` that is a column of ``frame``; a clear error otherwise."""
    found = _optional_column(frame, aliases)
    if found is not None:
        return found
    msg = (
        f"{func} needs a column for the {what}: one of {list(aliases)}; the data has columns "
        f"{[str(c) for c in frame.columns]}. Rename the column or pass a result's to_frame()."
    )
    raise DGIError(msg)


def _numeric(frame: pd.DataFrame, column: str, *, func: str) -> np.ndarray:
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        rows = [str(x) for x in _unit_labels(frame)[bad]][:10]
        msg = f"{func}: column {column!r} has missing or non-numeric values for {rows}."
        raise DGIError(msg)
    return values


def _unit_labels(frame: pd.DataFrame) -> np.ndarray:
    for c in _UNIT_COLUMNS:
        if c in frame.columns:
            return frame[c].astype(str).to_numpy()
    return frame.index.astype(str).to_numpy()


def _measure_label(measure: str, labels: Mapping[str, str] | None) -> str:
    """"d1_participation" -> "D1\\nparticipation" unless ``labels`` names it."""
    if labels is not None and measure in labels:
        return labels[measure]
    import textwrap

    m = re.match(r"^d(\d+)_(.+)$", str(measure))
    if m:
        return f"D{m.group(1)}\n" + textwrap.fill(m.group(2).replace("_", " "), width=12, break_long_words=False)
    return str(measure).replace("_", " ")


def _wide_scores(
    data: Any, measures: Sequence[str] | None, *, func: str, statistic: str = "estimate"
) -> pd.DataFrame:
    """Units x measures table from a wide frame or a tidy ``Scores.to_frame()``-style frame."""
    if hasattr(data, "estimate") and isinstance(getattr(data, "estimate", None), pd.DataFrame):
        if statistic == "estimate":
            frame = data.estimate.copy()
        else:
            tidy = data.to_frame()
            frame = tidy.pivot(index="unit", columns="measure", values=statistic)
    else:
        frame = _as_frame(data, func=func)
        if {"measure", statistic}.issubset(frame.columns):
            ucol = _column(frame, _UNIT_COLUMNS, what="unit", func=func)
            order_u = pd.unique(frame[ucol])
            order_m = pd.unique(frame["measure"])
            frame = frame.pivot(index=ucol, columns="measure", values=statistic)
            frame = frame.reindex(index=order_u, columns=order_m)
    if measures is None:
        dims = [c for c in frame.columns if _DIMENSION_RE.match(str(c))]
        measures = dims if dims else list(frame.columns)
    missing = [m for m in measures if m not in frame.columns]
    if missing:
        msg = f"{func}: measure(s) {missing} not in the data; {did_you_mean(missing, frame.columns, what='measures')}."
        raise DGIError(msg)
    out = frame.loc[:, list(measures)].apply(pd.to_numeric, errors="coerce").astype(float)
    if out.isna().any().any():
        bad = out.index[out.isna().any(axis=1)].astype(str).tolist()
        msg = f"{func}: missing or non-numeric values for unit(s) {bad}."
        raise DGIError(msg)
    return out


def _legend_below(axes: Any, ncol: int = 3) -> None:
    """A frameless legend under the plot, so it never hides data.

    On a figure of its own it is a figure legend placed outside the axes (constrained layout makes
    room for it); in a caller's Axes it goes in the Axes' best corner.
    """
    fig = axes.get_figure()
    if fig is not None and len(fig.axes) == 1 and fig.get_layout_engine() is not None:
        handles, labels = axes.get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncol=ncol, fontsize="small",
                   frameon=False)
    else:
        axes.legend(loc="best", fontsize="small")


def _integer_rank_axis(axis: Any, n: int) -> None:
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True, nbins=min(n, 13)))


def _required_numeric(
    frame: pd.DataFrame, columns: Sequence[str], *, what: str, func: str
) -> tuple[np.ndarray, ...]:
    """Check that every column exists (``what`` formats its description), then read them as floats."""
    for c in columns:
        _column(frame, (c,), what=what.format(c), func=func)
    return tuple(_numeric(frame, c, func=func) for c in columns)


def _outside(units: np.ndarray, value: np.ndarray, low: np.ndarray, high: np.ndarray) -> list[str]:
    """Units whose ``value`` lies outside ``[low, high]``."""
    if np.any(low > value) or np.any(high < value):
        return units[(low > value) | (high < value)].tolist()
    return []


def _row_axes(
    ax: Axes | None, n: int, *, base: float = 0.9, per_row: float = 0.38
) -> tuple[Figure, Axes, np.ndarray]:
    """Axes for one row per unit (height grows with ``n``) and the rows' y positions, first on top."""
    fig, axes = _new_axes(ax, (6.4, base + per_row * n))
    return fig, axes, np.arange(n)[::-1].astype(float)


def _capped_interval(
    axes: Any, y: np.ndarray, low: np.ndarray, high: np.ndarray, *, color: str, linewidth: float,
    markersize: float, label: str, **line: Any,
) -> None:
    """Horizontal intervals ``[low, high]`` at heights ``y`` with an end cap at both ends."""
    axes.hlines(y, low, high, color=color, linewidth=linewidth, label=label, **line)
    axes.plot(low, y, "|", color=color, markersize=markersize)
    axes.plot(high, y, "|", color=color, markersize=markersize)


def _set_title(axes: Any, title: str | None) -> None:
    if title:
        axes.set_title(title)


def _finish_rows(
    axes: Any, y: np.ndarray, labels: Sequence[str], *, xlabel: str, title: str | None,
    rank_max: float | None = None,
) -> None:
    """Unit labels, x label, vertical grid, legend below and title of a one-row-per-unit figure.

    With ``rank_max`` the x axis is a rank axis from 1 to ``max(n, rank_max)`` with integer ticks.
    """
    axes.set_yticks(y, list(labels))
    if rank_max is not None:
        n = len(y)
        axes.set_xlim(0.3, max(n, rank_max) + 0.7)
        _integer_rank_axis(axes.xaxis, n)
    axes.set_xlabel(xlabel)
    axes.grid(axis="x", color="0.9", linewidth=0.6)
    axes.set_axisbelow(True)
    _legend_below(axes)
    _set_title(axes, title)


# --------------------------------------------------------------------------------------- figures
def rank_interval_plot(
    data: Any,
    *,
    simultaneous: Any = None,
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
    frame = _as_frame(data, func=func)
    rank, lower, upper = _required_numeric(frame, ("rank", "lower", "upper"), what="{} rank", func=func)
    units = _unit_labels(frame)
    bad = _outside(units, rank, lower, upper)
    if bad:
        msg = f"{func}: the rank of {bad} lies outside its interval [lower, upper]."
        raise DGIError(msg)
    est_col = _optional_column(frame, ("estimate",))
    tiebreak = -_numeric(frame, est_col, func=func) if est_col else np.zeros(len(rank))
    order = np.lexsort((tiebreak, rank))
    second = None
    if simultaneous is not None:
        sframe = _as_frame(simultaneous, func=func, name="simultaneous")
        sunits = _unit_labels(sframe)
        lookup = dict(zip(sunits, range(len(sunits)), strict=True))
        missing = [u for u in units if u not in lookup]
        if missing:
            msg = f"{func}: 'simultaneous' has no row for unit(s) {missing}."
            raise DGIError(msg)
        pos = np.array([lookup[u] for u in units])
        second = (_numeric(sframe, "lower", func=func)[pos], _numeric(sframe, "upper", func=func)[pos])
    n = len(units)
    with _style():
        fig, axes, y = _row_axes(ax, n)  # best rank at the top
        off = 0.17 if second is not None else 0.0
        lo, hi, rk = lower[order], upper[order], rank[order]
        axes.hlines(y + off, lo - 0.3, hi + 0.3, color="0.55", linewidth=5, label=f"{labels[0]} set")
        if second is not None:
            slo, shi = second[0][order], second[1][order]
            _capped_interval(axes, y - off, slo - 0.3, shi + 0.3, color="black", linewidth=1.3,
                             markersize=8, label=f"{labels[1]} set", linestyles="--")
        axes.plot(rk, y + off, "o", color="black", markerfacecolor="white", markersize=6,
                  markeredgewidth=1.5, label="observed rank", linestyle="none")
        _finish_rows(axes, y, units[order].tolist(), xlabel="rank (1 = highest score)", title=title,
                     rank_max=float(np.max(upper)))
    return fig


def score_interval_plot(
    data: Any,
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
        frame = data[measure].confidence_interval(confidence_level).droplevel("measure")
    else:
        frame = _as_frame(data, func=func)
        if "measure" in frame.columns:
            if measure not in set(frame["measure"]):
                msg = f"{func}: measure {measure!r} not in the data."
                raise DGIError(msg)
            frame = frame.loc[frame["measure"] == measure]
    est, low, high = _required_numeric(frame, ("estimate", "ci_low", "ci_high"), what="{}", func=func)
    units = _unit_labels(frame)
    bad = _outside(units, est, low, high)
    if bad:
        msg = f"{func}: the interval of {bad} does not contain its estimate."
        raise DGIError(msg)
    order = np.argsort(-est, kind="stable")
    n = len(units)
    with _style():
        fig, axes, y = _row_axes(ax, n)
        _capped_interval(axes, y, low[order], high[order], color="black", linewidth=1.6, markersize=8,
                         label="confidence interval")
        axes.plot(est[order], y, "o", color="black", markersize=6, linestyle="none",
                  label="estimate")
        _finish_rows(axes, y, units[order].tolist(),
                     xlabel=xlabel if xlabel is not None else measure, title=title)
    return fig


def rank_change_plot(
    data: Any,
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
    frame = _as_frame(data, func=func)
    bcol = _column(frame, ("rank_before", "rank_prev"), what="rank in the first period", func=func)
    acol = _column(frame, ("rank_after", "rank_curr"), what="rank in the second period", func=func)
    units = _unit_labels(frame)
    before = _numeric(frame, bcol, func=func)
    after = _numeric(frame, acol, func=func)
    sig = _significance(frame, significant, alpha, units, func=func)
    n = len(units)
    with _style():
        fig, axes = _new_axes(ax, (6.4, 1.2 + 0.36 * n))
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
        from matplotlib.lines import Line2D

        handles = [
            Line2D([], [], linestyle="-", color="black", linewidth=2.2, marker="o",
                   label="significant change"),
            Line2D([], [], linestyle="--", color="0.6", linewidth=1.0, marker="o",
                   markerfacecolor="white", label="not significant"),
        ]
        axes.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=2,
                    fontsize="small", frameon=False)
        _set_title(axes, title)
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
        sig = _numeric(frame, "places_gained_lower", func=func) >= 1
        if "places_gained_upper" in frame.columns:
            sig |= _numeric(frame, "places_gained_upper", func=func) <= -1
        return sig
    for col in ("pvalue_adjusted", "pvalue"):
        if col in frame.columns:
            return _numeric(frame, col, func=func) < alpha
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


def dimension_profile(
    data: Any,
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
    wide = _wide_scores(data, measures, func=func)
    lows = highs = None
    tidy = None
    if hasattr(data, "estimate") and callable(getattr(data, "to_frame", None)):
        tidy = data.to_frame()
    elif isinstance(data, pd.DataFrame) and {"measure", "ci_low", "ci_high"}.issubset(data.columns):
        tidy = data
    if tidy is not None and {"ci_low", "ci_high"}.issubset(tidy.columns):
        lows = _wide_scores(tidy, list(wide.columns), func=func, statistic="ci_low")
        highs = _wide_scores(tidy, list(wide.columns), func=func, statistic="ci_high")
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
    with _style():
        fig, axes = _new_axes(ax, (max(6.4, 0.95 * wide.shape[1] + 2.5), 4.2))
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
        axes.set_xticks(x, [_measure_label(m, labels) for m in wide.columns], fontsize="small")
        axes.set_ylabel(ylabel)
        axes.grid(axis="y", color="0.9", linewidth=0.6)
        axes.legend(fontsize="small", loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
        _set_title(axes, title)
    return fig


def dimension_heatmap(
    data: Any,
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
    wide = _wide_scores(data, measures, func=func)
    if sort_by is not None:
        try:
            key = _wide_scores(data, [sort_by], func=func)[sort_by]
        except DGIError:
            key = None
        if key is not None:
            wide = wide.loc[key.reindex(wide.index).sort_values(ascending=False, kind="stable").index]
    values = wide.to_numpy()
    n_u, n_m = values.shape
    with _style():
        fig, axes = _new_axes(ax, (max(6.0, 0.85 * n_m + 2.8), 0.9 + 0.42 * n_u))
        image = axes.imshow(values, cmap=cmap, aspect="auto")
        vmin, vmax = float(np.min(values)), float(np.max(values))
        span = vmax - vmin if vmax > vmin else 1.0
        for i in range(n_u):
            for j in range(n_m):
                dark = (values[i, j] - vmin) / span > 0.55
                axes.text(j, i, value_format.format(values[i, j]), ha="center", va="center",
                          fontsize="small", color="white" if dark else "black")
        axes.set_xticks(np.arange(n_m), [_measure_label(m, labels) for m in wide.columns],
                        fontsize="small")
        axes.set_yticks(np.arange(n_u), [str(u) for u in wide.index])
        axes.tick_params(length=0)
        for side in axes.spines.values():
            side.set_visible(False)
        fig.colorbar(image, ax=axes, shrink=0.8)
        _set_title(axes, title)
    return fig


def uncertainty_band_plot(
    data: Any,
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
    frame = _as_frame(data, func=func)
    ncol = _column(frame, ("rank_nominal", "nominal", "nominal_rank"), what="nominal rank", func=func)
    mcol = _column(frame, ("rank_median", "median", "median_rank"), what="median rank", func=func)
    lcol = _column(frame, ("rank_q05", "q05", "q5", "rank_p05", "p05"), what="5 % rank quantile",
                   func=func)
    hcol = _column(frame, ("rank_q95", "q95", "rank_p95", "p95"), what="95 % rank quantile", func=func)
    units = _unit_labels(frame)
    nominal = _numeric(frame, ncol, func=func)
    median = _numeric(frame, mcol, func=func)
    low = _numeric(frame, lcol, func=func)
    high = _numeric(frame, hcol, func=func)
    order = np.argsort(nominal, kind="stable")
    n = len(units)
    with _style():
        fig, axes, y = _row_axes(ax, n)
        _capped_interval(axes, y, low[order], high[order], color="0.35", linewidth=2.0, markersize=9,
                         label="5–95 % band")
        axes.plot(nominal[order], y, "D", color="black", markerfacecolor="white", markersize=9,
                  linestyle="none", label="nominal rank")
        axes.plot(median[order], y, "o", color="black", markersize=4.5, linestyle="none",
                  label="median rank")
        _finish_rows(axes, y, units[order].tolist(), xlabel=xlabel, title=title,
                     rank_max=float(np.max(high)))
    return fig


def sensitivity_bars(
    data: Any,
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
    frame = _as_frame(data, func=func)
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
    scol = _column(frame, ("S_i", "first_order", "s1", "S1", "si"), what="first-order index",
                   func=func)
    tcol = _column(frame, ("S_Ti", "total_order", "st", "ST", "sti"), what="total-order index",
                   func=func)
    factors = (frame["factor"].astype(str).to_numpy() if "factor" in frame.columns
               else frame.index.astype(str).to_numpy())
    first = _numeric(frame, scol, func=func)
    total = _numeric(frame, tcol, func=func)
    bounds = {}
    for name in ("first_order", "total_order"):
        if f"{name}_low" in frame.columns and f"{name}_high" in frame.columns:
            bounds[name] = (_numeric(frame, f"{name}_low", func=func),
                            _numeric(frame, f"{name}_high", func=func))
    n = len(factors)
    inverted = [str(f) for f, a, b in zip(factors, first, total, strict=True) if a > b]
    with _style():
        fig, axes, y = _row_axes(ax, n, base=1.3 if inverted else 1.0, per_row=0.45)
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
        _legend_below(axes, ncol=2 if bounds else 3)
        _set_title(axes, title)
        if inverted:
            why = ("Monte Carlo error: see the intervals (a larger n_base narrows them)."
                   if bounds else
                   "Monte Carlo error: a larger n_base or bootstrap intervals show it.")
            axes.set_xlabel(f"Sobol index\nNote: S_i > S_Ti for: {', '.join(inverted)}.\n{why}")
    return fig


def save_figure(
    fig: Figure,
    directory: str | Path,
    name: str,
    *,
    formats: Sequence[str] = ("png", "svg"),
    dpi: int = 150,
) -> list[Path]:
    """Write ``fig`` as ``directory/name.<format>`` for each format, reproducibly.

    PNG and SVG files carry no creation date, and SVG element ids are fixed, so the same figure
    gives the same bytes on every run.

    Parameters
    ----------
    fig : matplotlib Figure
        The figure to write.
    directory : str or Path
        Existing output folder.
    name : str
        File name without extension (letters, digits, ``_``, ``-``, ``.``).
    formats : sequence of str
        Any of "png", "svg", "pdf". default: ("png", "svg").
    dpi : int
        Resolution of raster formats. default: 150.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    DGIError
        If the folder does not exist, the name is not a plain file name or a format is unknown.

    Examples
    --------
    >>> import pandas as pd, tempfile
    >>> fig = dimension_heatmap(pd.DataFrame({"d1_participation": [9.4]}, index=["Cô Tô"]))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     [p.name for p in save_figure(fig, tmp, "heatmap")]
    ['heatmap.png', 'heatmap.svg']
    """
    folder = Path(directory)
    if not folder.is_dir():
        msg = f"The 'directory' parameter of save_figure must be an existing folder. Got {str(folder)!r}."
        raise DGIError(msg)
    if not re.fullmatch(r"[A-Za-z0-9_.\-]+", name):
        msg = f"The 'name' parameter of save_figure must be a plain file name. Got {name!r} instead."
        raise DGIError(msg)
    unknown = [f for f in formats if f not in ("png", "svg", "pdf")]
    if unknown:
        msg = f"The 'formats' parameter of save_figure accepts 'png', 'svg', 'pdf'. Got {unknown}."
        raise DGIError(msg)
    metadata = {"png": {"Software": None}, "svg": {"Date": None}, "pdf": {"CreationDate": None}}
    written = []
    with _style():
        for fmt in formats:
            path = folder / f"{name}.{fmt}"
            fig.savefig(path, format=fmt, dpi=dpi, metadata=metadata[fmt])
            written.append(path)
    return written
