"""Normalisation of unit x indicator tables (OECD/JRC Handbook §5, COINr ``Normalise``).

Every method works column by column over the units (rows). Directions are applied first: a
negative-direction indicator is turned round (``x -> -x``, as COINr does) before the formula, except
for fixed goalposts and distance to target, whose bounds stay in the indicator's own units.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from dgi_stats._validation import check_choice
from dgi_stats.composite._common import DirectionLike, as_table
from dgi_stats.exceptions import DGIError
from dgi_stats.scores.answers import competition_rank

# competition_rank lived here before 0.2; its one home is dgi_stats.scores.answers
__all__ = ["NORMALISATION_METHODS", "competition_rank", "normalise"]

# Methods that are ratios of raw values: turning an indicator round (x -> -x) makes no sense for them.
_RATIO_METHODS = (
    "fraction_of_max",
    "ratio_to_mean",
    "ratio_to_best",
    "ratio_to_worst",
    "difference_from_mean",
    "difference_from_worst",
    "above_below_mean",
)

NORMALISATION_METHODS = (
    "none",
    "goalposts",
    "minmax",
    "zscore",
    "scaled",
    "rank",
    "percentile_rank",
    "handbook_percentile",
    "borda",
    "categorical",
    "distance_to_target",
    "distance_to_reference",
    "distance_to_max",
    *_RATIO_METHODS,
)

# Handbook Table 15 categorical scale: percentile (100 rank / n) thresholds -> score.
_CATEGORICAL = ((95.0, 100.0), (85.0, 80.0), (65.0, 60.0), (35.0, 50.0), (15.0, 40.0), (5.0, 20.0))


def _per_column(
    value: Any, columns: pd.Index, *, name: str, default: Any, func: str
) -> dict[Any, Any]:
    """Expand a scalar or a mapping into one value per column (unknown keys are an error)."""
    if value is None:
        return dict.fromkeys(columns, default)
    if isinstance(value, Mapping | pd.Series):
        keys = list(value.keys())
        unknown = [k for k in keys if k not in columns]
        if unknown:
            msg = f"The {name!r} parameter of {func} names column(s) {unknown} that are not in 'data'."
            raise DGIError(msg)
        return {c: (value[c] if c in keys else default) for c in columns}
    return dict.fromkeys(columns, value)


def _directions(direction: DirectionLike | None, columns: pd.Index, func: str) -> dict[Any, int]:
    out = _per_column(direction, columns, name="direction", default=1, func=func)
    for c, d in out.items():
        if d not in (1, -1):
            msg = f"The 'direction' parameter of {func} must be +1 or -1 per column; got {d!r} for {c!r}."
            raise DGIError(msg)
    return {c: int(d) for c, d in out.items()}


def normalise(
    data: pd.DataFrame,
    *,
    method: str = "minmax",
    bounds: Mapping[str, tuple[float, float]] | None = None,
    direction: DirectionLike | None = None,
    output_range: tuple[float, float] = (0.0, 1.0),
    mean: float = 0.0,
    sd: float = 1.0,
    target: float | Mapping[str, float] | pd.Series | None = None,
    reference: Hashable | None = None,
    cap: bool = False,
    threshold: float = 0.2,
) -> pd.DataFrame:
    """Normalise each column of a unit x indicator table.

    Parameters
    ----------
    data : pandas.DataFrame
        Units (index) x indicators (columns), numeric. NaN stays NaN and is left out of the column
        statistics (min, max, mean, sd, ranks).
    method : str
        One of

        * ``"goalposts"``: fixed bounds ``(L, U)`` per column from ``bounds``:
          ``lo + (hi - lo) * clip((x - L)/(U - L), 0, 1)`` with ``(lo, hi) = output_range``;
          negative direction ``clip((U - x)/(U - L), 0, 1)``. PAPI's 1-10 scale is
          ``output_range=(1, 10)``, the DGI's 0-10 ``(0, 10)``. Unit-independent.
        * ``"minmax"``: ``lo + (hi - lo)(x - min)/(max - min)`` over the units.
        * ``"zscore"``: ``mean + sd (x - x̄)/s`` (s with n - 1).
        * ``"scaled"``: ``(x - L)/(U - L)`` with ``bounds`` but no clipping, times ``output_range``.
        * ``"rank"``: ascending rank, ties = min (higher value, higher rank number; Handbook Table 15).
        * ``"percentile_rank"``: ``(rank - 1)/(n - 1)`` (COINr). ``"handbook_percentile"``:
          ``100 rank / n`` (Handbook Table 15).
        * ``"borda"``: ``rank - 1``.
        * ``"categorical"``: Handbook Table 15 scale on ``100 rank / n``: >= 95 -> 100, >= 85 -> 80,
          >= 65 -> 60, >= 35 -> 50, >= 15 -> 40, >= 5 -> 20, else 0.
        * ``"distance_to_target"``: ``(x - min)/(T - min)`` (negative direction
          ``(max - x)/(max - T)``) with ``target`` T; ``cap=True`` caps at 1.
        * ``"distance_to_reference"``: ``(x - min)/(x_ref - min)`` with the ``reference`` unit.
        * ``"distance_to_max"``: ``(x - min)/(max - min)``; ``"fraction_of_max"``: ``x/max``.
        * ``"ratio_to_mean"`` ``x/x̄``, ``"ratio_to_best"`` ``x/max``, ``"ratio_to_worst"``
          ``x/min``, ``"difference_from_mean"`` ``(x - x̄)/x̄``, ``"difference_from_worst"``
          ``(x - min)/min``, ``"above_below_mean"``: +1 if ``x/x̄ > 1 + threshold``, -1 if
          ``x/x̄ < 1 - threshold``, else 0.
        * ``"none"``: the data unchanged (directions still applied).
    bounds : dict, optional
        ``{column: (low, high)}`` goalposts in the indicator's own units (``"goalposts"``,
        ``"scaled"``); every column needs one.
    direction : int or dict or Series, optional
        +1 (higher is better, default) or -1 per column.
    output_range : tuple of float
        ``(lo, hi)`` of ``"minmax"``, ``"goalposts"`` and ``"scaled"``; default (0, 1).
    mean, sd : float
        Target mean and standard deviation of ``"zscore"`` (COINr's SA vignette uses 10 and 2).
    target : float or dict, optional
        Target per column for ``"distance_to_target"``.
    reference : hashable, optional
        The reference unit (row label) of ``"distance_to_reference"``.
    cap : bool
        Cap distance-to-target/reference scores at 1.
    threshold : float
        ``p`` of ``"above_below_mean"`` (Handbook Table 15 uses 0.2).

    Returns
    -------
    pandas.DataFrame
        Same index and columns as ``data``.

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.DataFrame({"a": [1.0, 2.0, 4.0], "b": [10.0, 5.0, 0.0]}, index=["u1", "u2", "u3"])
    >>> normalise(x, method="minmax").round(3)["a"].tolist()
    [0.0, 0.333, 1.0]
    >>> normalise(x, method="goalposts", bounds={"a": (0, 5), "b": (0, 10)},
    ...           direction={"b": -1}, output_range=(1, 10))["b"].tolist()
    [1.0, 5.5, 10.0]
    """
    func = "normalise"
    check_choice(method, NORMALISATION_METHODS, name="method", func=func)
    x = as_table(data, func)
    dirs = _directions(direction, x.columns, func)
    lo, hi = _check_range(output_range, func)
    out = pd.DataFrame(index=x.index, columns=x.columns, dtype=float)

    if method in ("goalposts", "scaled"):
        if bounds is None:
            msg = f"method={method!r} of {func} needs 'bounds' = {{column: (low, high)}} for every column."
            raise DGIError(msg)
        missing = [c for c in x.columns if c not in bounds]
        if missing:
            msg = f"The 'bounds' parameter of {func} has no (low, high) for column(s) {missing}."
            raise DGIError(msg)
        for c in x.columns:
            low, high = (float(v) for v in bounds[c])
            if not high > low:
                msg = f"The 'bounds' of column {c!r} in {func} must have low < high; got ({low}, {high})."
                raise DGIError(msg)
            v = x[c].to_numpy()
            y = (v - low) / (high - low) if dirs[c] == 1 else (high - v) / (high - low)
            if method == "goalposts":
                y = np.clip(y, 0.0, 1.0)
            out[c] = lo + (hi - lo) * y
        return out

    if method in _RATIO_METHODS and any(d == -1 for d in dirs.values()):
        neg = [c for c, d in dirs.items() if d == -1]
        msg = (
            f"method={method!r} of {func} is a ratio of raw values and cannot turn round "
            f"negative-direction column(s) {neg}; invert those indicators first or use another method."
        )
        raise DGIError(msg)

    targets = _per_column(target, x.columns, name="target", default=None, func=func)
    for c in x.columns:
        raw = x[c]
        if method == "distance_to_target":
            t = targets[c]
            if t is None:
                msg = f"method='distance_to_target' of {func} needs a 'target' for column {c!r}."
                raise DGIError(msg)
            if dirs[c] == 1:
                y = (raw - raw.min()) / (float(t) - raw.min())
            else:
                y = (raw.max() - raw) / (raw.max() - float(t))
            out[c] = y.clip(upper=1.0) if cap else y
            continue
        signed = raw * dirs[c]
        out[c] = _column(signed, method, lo=lo, hi=hi, mean=mean, sd=sd, reference=reference,
                         cap=cap, threshold=threshold, column=c)
    return out


def _check_range(output_range: Any, func: str) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in output_range)
    except (TypeError, ValueError):
        msg = f"The 'output_range' parameter of {func} must be a pair (lo, hi). Got {output_range!r}."
        raise DGIError(msg) from None
    if not hi > lo:
        msg = f"The 'output_range' parameter of {func} must have lo < hi. Got {output_range!r}."
        raise DGIError(msg)
    return lo, hi


def _column(
    v: pd.Series,
    method: str,
    *,
    lo: float,
    hi: float,
    mean: float,
    sd: float,
    reference: Any,
    cap: bool,
    threshold: float,
    column: Any,
) -> pd.Series:
    n = int(v.notna().sum())
    if method == "none":
        return v
    if method in ("minmax", "distance_to_max"):
        rng_ = v.max() - v.min()
        if not rng_ > 0:
            msg = f"column {column!r} is constant (or has < 2 values): min-max normalisation divides by 0."
            raise DGIError(msg)
        y = (v - v.min()) / rng_
        return lo + (hi - lo) * y if method == "minmax" else y
    if method == "zscore":
        s = v.std(ddof=1)
        if not s > 0:
            msg = f"column {column!r} has zero standard deviation: z-scores divide by 0."
            raise DGIError(msg)
        return mean + sd * (v - v.mean()) / s
    ranks = v.rank(ascending=True, method="min", na_option="keep")
    if method == "rank":
        return ranks
    if method == "borda":
        return ranks - 1
    if method == "percentile_rank":
        return (ranks - 1) / (n - 1)
    if method in ("handbook_percentile", "categorical"):
        pct = 100.0 * ranks / n
        if method == "handbook_percentile":
            return pct
        cat = pd.Series(0.0, index=v.index).where(pct.notna())
        for cut, score in reversed(_CATEGORICAL):
            cat = cat.mask(pct >= cut, score)
        return cat
    if method == "distance_to_reference":
        if reference is None or reference not in v.index:
            msg = (
                "method='distance_to_reference' of normalise needs 'reference' = a unit (row label) "
                f"of 'data'; got {reference!r}."
            )
            raise DGIError(msg)
        den = v[reference] - v.min()
        if den == 0:
            msg = f"the reference unit {reference!r} has the minimum of column {column!r}: division by 0."
            raise DGIError(msg)
        y = (v - v.min()) / den
        return y.clip(upper=1.0) if cap else y
    if method == "fraction_of_max" or method == "ratio_to_best":
        return v / v.max()
    if method == "ratio_to_mean":
        return v / v.mean()
    if method == "ratio_to_worst":
        return v / v.min()
    if method == "difference_from_mean":
        return (v - v.mean()) / v.mean()
    if method == "difference_from_worst":
        return (v - v.min()) / v.min()
    # above_below_mean
    r = v / v.mean()
    res = pd.Series(0.0, index=v.index).where(v.notna())
    return res.mask(r > 1 + threshold, 1.0).mask(r < 1 - threshold, -1.0)
