"""Shared pieces of the figures: style, axes, input checks and the black-and-white series cycles."""

from __future__ import annotations

import contextlib
import re
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from dgi_stats._validation import did_you_mean
from dgi_stats.exceptions import DGIError


@runtime_checkable
class HasFrame(Protocol):
    """A result object of the library: anything with ``to_frame()`` returning a DataFrame.

    Examples
    --------
    >>> isinstance(pd.Series([1.0]), HasFrame)
    True
    """

    def to_frame(self) -> pd.DataFrame:
        """The result as a DataFrame."""


#: What the figures take: a DataFrame, a Series or a result object with ``to_frame()``.
PlotData = pd.DataFrame | pd.Series | HasFrame

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "COLOURS",
    "DIMENSION_RE",
    "FONT",
    "LINESTYLES",
    "MARKERS",
    "UNIT_COLUMNS",
    "HasFrame",
    "PlotData",
    "as_frame",
    "capped_interval",
    "column",
    "figure_style",
    "finish_rows",
    "integer_rank_axis",
    "legend_below",
    "measure_label",
    "new_axes",
    "numeric",
    "optional_column",
    "outside",
    "required_numeric",
    "row_axes",
    "save_figure",
    "set_title",
    "unit_labels",
    "wide_scores",
]

FONT = "DejaVu Sans"
#: Marker, line-style and colour cycles: every series differs by marker and line style, so the
#: figures read in black and white; the colours (Okabe–Ito) only help on screen.
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">", "h", "p", "8")
LINESTYLES = ("-", "--", ":", "-.")
COLOURS = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#999999")
UNIT_COLUMNS = ("unit", "district", "province")
DIMENSION_RE = re.compile(r"^d\d+_(?!s\d+(_|$))[a-z][a-z0-9_]*$")



# ---------------------------------------------------------------------------------------- helpers
@contextlib.contextmanager
def figure_style() -> Iterator[None]:
    """Font and output settings for every figure of this module (restored on exit)."""
    import matplotlib as mpl  # matplotlib only when a figure is drawn (import cost)

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


def new_axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure  # lazily, as above

    if ax is not None:
        fig = ax.get_figure()
        if fig is None:  # pragma: no cover - an Axes always belongs to a figure
            msg = "The 'ax' parameter must be an Axes that belongs to a Figure."
            raise DGIError(msg)
        return fig, ax  # type: ignore[return-value]
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def as_frame(data: PlotData, *, func: str, name: str = "data") -> pd.DataFrame:
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


def optional_column(frame: pd.DataFrame, aliases: Sequence[str]) -> str | None:
    """The first of ``aliases`` that is a column of ``frame``, or None."""
    for a in aliases:
        if a in frame.columns:
            return a
    return None


def column(frame: pd.DataFrame, aliases: Sequence[str], *, what: str, func: str) -> str:
    """The first of ``aliases`` that is a column of ``frame``; a clear error otherwise."""
    found = optional_column(frame, aliases)
    if found is not None:
        return found
    msg = (
        f"{func} needs a column for the {what}: one of {list(aliases)}; the data has columns "
        f"{[str(c) for c in frame.columns]}. Rename the column or pass a result's to_frame()."
    )
    raise DGIError(msg)


def numeric(frame: pd.DataFrame, column: str, *, func: str) -> np.ndarray:
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        rows = [str(x) for x in unit_labels(frame)[bad]][:10]
        msg = f"{func}: column {column!r} has missing or non-numeric values for {rows}."
        raise DGIError(msg)
    return values


def unit_labels(frame: pd.DataFrame) -> np.ndarray:
    for c in UNIT_COLUMNS:
        if c in frame.columns:
            return frame[c].astype(str).to_numpy()
    return frame.index.astype(str).to_numpy()


def measure_label(measure: str, labels: Mapping[str, str] | None) -> str:
    """"d1_participation" -> "D1\\nparticipation" unless ``labels`` names it."""
    if labels is not None and measure in labels:
        return labels[measure]
    m = re.match(r"^d(\d+)_(.+)$", str(measure))
    if m:
        return f"D{m.group(1)}\n" + textwrap.fill(m.group(2).replace("_", " "), width=12, break_long_words=False)
    return str(measure).replace("_", " ")


def wide_scores(
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
        frame = as_frame(data, func=func)
        if {"measure", statistic}.issubset(frame.columns):
            ucol = column(frame, UNIT_COLUMNS, what="unit", func=func)
            order_u = pd.unique(frame[ucol])
            order_m = pd.unique(frame["measure"])
            frame = frame.pivot(index=ucol, columns="measure", values=statistic)
            frame = frame.reindex(index=order_u, columns=order_m)
    if measures is None:
        dims = [c for c in frame.columns if DIMENSION_RE.match(str(c))]
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


def legend_below(axes: Any, ncol: int = 3) -> None:
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


def integer_rank_axis(axis: Any, n: int) -> None:
    from matplotlib.ticker import MaxNLocator  # lazily, as above

    axis.set_major_locator(MaxNLocator(integer=True, nbins=min(n, 13)))


def required_numeric(
    frame: pd.DataFrame, columns: Sequence[str], *, what: str, func: str
) -> tuple[np.ndarray, ...]:
    """Check that every column exists (``what`` formats its description), then read them as floats."""
    for c in columns:
        column(frame, (c,), what=what.format(c), func=func)
    return tuple(numeric(frame, c, func=func) for c in columns)


def outside(units: np.ndarray, value: np.ndarray, low: np.ndarray, high: np.ndarray) -> list[str]:
    """Units whose ``value`` lies outside ``[low, high]``."""
    if np.any(low > value) or np.any(high < value):
        return units[(low > value) | (high < value)].tolist()
    return []


def row_axes(
    ax: Axes | None, n: int, *, base: float = 0.9, per_row: float = 0.38
) -> tuple[Figure, Axes, np.ndarray]:
    """Axes for one row per unit (height grows with ``n``) and the rows' y positions, first on top."""
    fig, axes = new_axes(ax, (6.4, base + per_row * n))
    return fig, axes, np.arange(n)[::-1].astype(float)


def capped_interval(
    axes: Any, y: np.ndarray, low: np.ndarray, high: np.ndarray, *, color: str, linewidth: float,
    markersize: float, label: str, **line: Any,
) -> None:
    """Horizontal intervals ``[low, high]`` at heights ``y`` with an end cap at both ends."""
    axes.hlines(y, low, high, color=color, linewidth=linewidth, label=label, **line)
    axes.plot(low, y, "|", color=color, markersize=markersize)
    axes.plot(high, y, "|", color=color, markersize=markersize)


def set_title(axes: Any, title: str | None) -> None:
    if title:
        axes.set_title(title)


def finish_rows(
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
        integer_rank_axis(axes.xaxis, n)
    axes.set_xlabel(xlabel)
    axes.grid(axis="x", color="0.9", linewidth=0.6)
    axes.set_axisbelow(True)
    legend_below(axes)
    set_title(axes, title)


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
    >>> from dgi_stats.plots import dimension_heatmap
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
    with figure_style():
        for fmt in formats:
            path = folder / f"{name}.{fmt}"
            fig.savefig(path, format=fmt, dpi=dpi, metadata=metadata[fmt])
            written.append(path)
    return written


