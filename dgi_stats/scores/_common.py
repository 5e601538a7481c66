"""Array arithmetic of :class:`~dgi_stats.scores.Scores`, shared with the layers above it.

* Scale bounds of the measures (:func:`check_bounds`, :func:`map_bounds`) and the logit interval
  that stays inside them (:func:`logit_interval`).
* The Welch–Satterthwaite df of a difference (:func:`satterthwaite_df`).
* The printed decimal of a published figure (:func:`printed_decimal`).

The replicate covariance has one home, the survey layer
(:func:`dgi_stats.survey.variance.replicate.replicate_covariance`): the estimators, ``Scores``
(:meth:`~dgi_stats.scores.Scores.sampling_draws` resamples the same deviations) and the rank
functions all use it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from scipy import special, stats

from dgi_stats._results import CI_COLUMNS
from dgi_stats._typing import FloatArray
from dgi_stats.exceptions import DGIError

__all__ = [
    "check_bounds",
    "critical_values",
    "interval_columns",
    "logit_interval",
    "map_bounds",
    "map_measure_df",
    "map_unit_covariance",
    "printed_decimal",
    "satterthwaite_df",
]


def check_bounds(bounds: pd.DataFrame | Any, measures: pd.Index, func: str) -> pd.DataFrame:
    """Validate scale bounds and align them to ``measures`` (NaN rows: scale unknown).

    Parameters
    ----------
    bounds : pandas.DataFrame
        Rows: measures (a subset of ``measures``); columns ``low`` and ``high``.
    measures : pandas.Index
        The measures of the Scores.
    func : str
        The caller's name, for the messages.

    Returns
    -------
    pandas.DataFrame
        One row per measure (index named ``measure``), columns ``low`` and ``high``.

    Raises
    ------
    DGIError
        Not a frame with ``low``/``high``, a repeated or unknown measure, or ``low >= high``.

    Examples
    --------
    >>> b = pd.DataFrame({"low": [0.0], "high": [10.0]}, index=["d1"])
    >>> check_bounds(b, pd.Index(["d1", "total"]), "f").to_numpy().tolist()
    [[0.0, 10.0], [nan, nan]]
    """
    if not isinstance(bounds, pd.DataFrame) or not {"low", "high"} <= set(bounds.columns):
        msg = (
            f"The 'bounds' parameter of {func} must be a DataFrame with columns 'low' and 'high' "
            "and one row per measure."
        )
        raise DGIError(msg)
    if bounds.index.has_duplicates:
        dup = bounds.index[bounds.index.duplicated()].unique().tolist()
        msg = f"The 'bounds' parameter of {func} lists measure(s) {dup} more than once."
        raise DGIError(msg)
    unknown = [m for m in bounds.index if m not in measures]
    if unknown:
        msg = (
            f"The 'bounds' parameter of {func} has row(s) {unknown} that are not measures; "
            f"measures are {list(measures)}."
        )
        raise DGIError(msg)
    try:
        b = bounds.loc[:, ["low", "high"]].astype(float).reindex(measures)
    except (TypeError, ValueError):
        msg = f"The 'bounds' parameter of {func} must hold numbers in 'low' and 'high'."
        raise DGIError(msg) from None
    lo, hi = b["low"].to_numpy(), b["high"].to_numpy()
    half = np.isnan(lo) != np.isnan(hi)
    bad = ~np.isnan(lo) & ~np.isnan(hi) & ~(lo < hi)
    if half.any() or bad.any():
        which = list(measures[half | bad])
        msg = (
            f"The 'bounds' parameter of {func} needs low < high for every bounded measure "
            f"(NaN in both columns for an unknown scale, -inf/inf for an open side); measure(s) "
            f"{which} have low={lo[half | bad].tolist()}, high={hi[half | bad].tolist()}."
        )
        raise DGIError(msg)
    b.index.name = "measure"
    return b


def map_bounds(bounds: pd.DataFrame, weights: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """Bounds of ``weights @ x + offset`` by interval arithmetic; NaN when a used measure is unbounded.

    Parameters
    ----------
    bounds : pandas.DataFrame
        Bounds of ``x`` (columns ``low``, ``high``; as from :func:`check_bounds`).
    weights : numpy.ndarray
        n_new x n_measures map.
    offset : numpy.ndarray
        Constant per new measure.

    Returns
    -------
    numpy.ndarray
        ``(n_new, 2)`` array of ``(low, high)``.

    Examples
    --------
    >>> b = pd.DataFrame({"low": [0.0, 0.0], "high": [10.0, 10.0]})
    >>> map_bounds(b, np.array([[1.0, -1.0]]), np.array([0.0])).tolist()
    [[-10.0, 10.0]]
    """
    lo, hi = bounds["low"].to_numpy(dtype=float), bounds["high"].to_numpy(dtype=float)
    out = np.full((weights.shape[0], 2), np.nan)
    for r, w in enumerate(weights):
        used = w != 0
        if not used.any() or np.isnan(lo[used]).any():
            continue  # a constant, or a combination of a measure whose scale is unknown
        wu = w[used]
        a = np.where(wu > 0, wu * lo[used], wu * hi[used])
        b = np.where(wu > 0, wu * hi[used], wu * lo[used])
        out[r] = (a.sum() + offset[r], b.sum() + offset[r])
    bad = ~(out[:, 0] < out[:, 1])  # -inf + inf gives NaN: unknown
    out[bad] = np.nan
    return out


def logit_interval(
    est: np.ndarray, se: np.ndarray, q: np.ndarray, low: np.ndarray, high: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Logit-scale interval on [low, high] with the untransformed-and-clipped fallback.

    Parameters
    ----------
    est, se, q : numpy.ndarray
        Estimates, standard errors and critical values.
    low, high : numpy.ndarray
        The scale of each estimate.

    Returns
    -------
    ci_low, ci_high : numpy.ndarray
        The interval.
    ok : numpy.ndarray
        False where the fallback was used (estimate at or outside a bound, or a zero or
        non-finite standard error).

    Examples
    --------
    >>> lo, hi, ok = logit_interval(np.array([9.6]), np.array([0.16]), np.array([2.57]),
    ...                             np.array([0.0]), np.array([10.0]))
    >>> round(float(lo[0]), 2), round(float(hi[0]), 2), bool(ok[0])
    (8.92, 9.86, True)
    """
    width = high - low
    ok = (est > low) & (est < high) & (se > 0) & np.isfinite(se) & np.isfinite(width)
    x = np.where(ok, (est - low) / np.where(ok, width, 1.0), 0.5)
    g = np.log(x) - np.log1p(-x)
    g_se = np.where(ok, se, 0.0) / (width * x * (1.0 - x))  # se / ((est-low)(high-est)/width)
    with np.errstate(invalid="ignore"):
        lo_t = low + width * special.expit(g - q * g_se)
        hi_t = low + width * special.expit(g + q * g_se)
        lo_c = np.clip(est - q * se, low, high)
        hi_c = np.clip(est + q * se, low, high)
    return np.where(ok, lo_t, lo_c), np.where(ok, hi_t, hi_c), ok


def satterthwaite_df(
    var_a: np.ndarray, df_a: np.ndarray, var_b: np.ndarray, df_b: np.ndarray
) -> np.ndarray:
    """Welch–Satterthwaite df of a sum of two independent variance estimates.

    ``ν = (v_a + v_b)² / (v_a²/ν_a + v_b²/ν_b)``; an infinite ν contributes nothing to the
    denominator (a known variance), and ν is infinite when both are.

    Parameters
    ----------
    var_a, var_b : numpy.ndarray
        The two variance estimates.
    df_a, df_b : numpy.ndarray
        Their degrees of freedom (``numpy.inf``: known).

    Returns
    -------
    numpy.ndarray
        The df of ``var_a + var_b``.

    Examples
    --------
    >>> satterthwaite_df(np.array([1.0]), np.array([5.0]), np.array([1.0]), np.array([5.0]))
    array([10.])
    """
    va, vb = np.asarray(var_a, dtype=float), np.asarray(var_b, dtype=float)
    fa, fb = np.asarray(df_a, dtype=float), np.asarray(df_b, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ta = np.where(np.isinf(fa), 0.0, va**2 / fa)
        tb = np.where(np.isinf(fb), 0.0, vb**2 / fb)
        den = ta + tb
        out = np.where(den > 0, (va + vb) ** 2 / np.where(den > 0, den, 1.0), np.inf)
    # a zero variance with finite df on both sides: the smaller df (nothing to weigh)
    zero = (va + vb) <= 0
    return np.where(zero & np.isfinite(np.minimum(fa, fb)), np.minimum(fa, fb), out)


def printed_decimal(x: float) -> Decimal:
    """The shortest decimal that round-trips to ``x``: how a published figure is written.

    Parameters
    ----------
    x : float
        A score.

    Returns
    -------
    decimal.Decimal
        ``Decimal(repr(x))``.

    Examples
    --------
    >>> printed_decimal(0.1 + 0.2), printed_decimal(75.24)
    (Decimal('0.30000000000000004'), Decimal('75.24'))
    """
    return Decimal(repr(float(x)))


def critical_values(dfs: FloatArray, level: float) -> FloatArray:
    """Two-sided critical values at ``level``: Student t with ``dfs``, normal where ``dfs`` is inf.

    Parameters
    ----------
    dfs : numpy.ndarray
        Degrees of freedom (``numpy.inf``: normal; 0, negative or NaN: no critical value, NaN).
    level : float
        Confidence level in (0, 1).

    Returns
    -------
    numpy.ndarray
        ``t_{ν, (1 + level)/2}`` per entry.

    Examples
    --------
    >>> critical_values(np.array([np.inf, 5.0, 0.0]), 0.95).round(3).tolist()
    [1.96, 2.571, nan]
    """
    finite = np.isfinite(dfs) & (dfs > 0)
    q: FloatArray = np.where(
        finite,
        stats.t.ppf(0.5 + level / 2, np.where(finite, dfs, 1.0)),
        np.where(np.isinf(dfs), stats.norm.ppf(0.5 + level / 2), np.nan),
    )
    return q


def map_unit_covariance(cov: FloatArray, a_unit: FloatArray, n_units: int) -> FloatArray:
    """``A Σ Aᵀ`` for a map ``A = I_units ⊗ a_unit`` that acts unit by unit, without forming ``A``.

    The map is applied to the (unit, measure) axes of the covariance blocks instead of forming
    the block-diagonal (units x measures)² matrix ``kron(I, a_unit)``.

    Parameters
    ----------
    cov : numpy.ndarray
        Covariance of the stacked estimates, unit-major, ``(U M) x (U M)``.
    a_unit : numpy.ndarray
        The per-unit map, ``M' x M``.
    n_units : int
        ``U``.

    Returns
    -------
    numpy.ndarray
        ``(U M') x (U M')``.

    Examples
    --------
    >>> map_unit_covariance(np.eye(4), np.array([[1.0, 1.0]]), 2).tolist()
    [[2.0, 0.0], [0.0, 2.0]]
    """
    n_m = a_unit.shape[1]
    n_new = a_unit.shape[0]
    c4 = cov.reshape(n_units, n_m, n_units, n_m)
    t = np.tensordot(c4, a_unit, axes=([3], [1]))  # (U, M, U, M')
    out = np.tensordot(a_unit, t, axes=([1], [1]))  # (M', U, U, M')
    mapped: FloatArray = out.transpose(1, 0, 2, 3).reshape(n_units * n_new, n_units * n_new)
    return mapped


def map_measure_df(df: FloatArray, weights: FloatArray, *, keep: bool) -> FloatArray:
    """df of new measures ``weights @ x``: the smallest df of the measures each one uses.

    Per-measure df (e.g. of a difference between years) follow a linear map conservatively; a
    new measure that uses no measure (a constant) has infinite df.

    Parameters
    ----------
    df : numpy.ndarray
        Units x measures df.
    weights : numpy.ndarray
        New measures x measures.
    keep : bool
        Return the old measures' df beside the new ones.

    Returns
    -------
    numpy.ndarray
        Units x (old and) new measures.

    Examples
    --------
    >>> map_measure_df(np.array([[5.0, 8.0]]), np.array([[1.0, 1.0], [0.0, 2.0]]), keep=False).tolist()
    [[5.0, 8.0]]
    """
    n_u = df.shape[0]
    used = np.abs(weights) > 0
    extra = np.column_stack(
        [df[:, u].min(axis=1) if u.any() else np.full(n_u, np.inf) for u in used]
    ) if len(used) else np.empty((n_u, 0))
    out: FloatArray = np.hstack([df, extra]) if keep else extra
    return out


def interval_columns(
    x: FloatArray,
    se: FloatArray,
    dfs: FloatArray,
    level: float,
    bounds: pd.DataFrame | None,
    measures: pd.Index,
    transform: str,
    func: str,
) -> dict[str, Any]:
    """The columns of ``Scores.confidence_interval``: estimate, SE, interval, df, level, scale.

    Parameters
    ----------
    x, se, dfs : numpy.ndarray
        Estimates, standard errors and df of the stacked (unit-major) table.
    level : float
        Confidence level.
    bounds : pandas.DataFrame or None
        Scale of each measure (``low``, ``high``), aligned to ``measures``.
    measures : pandas.Index
        The measures (the stacked table repeats them per unit).
    transform : {"auto", "logit", "none"}
        Interval scale (see ``Scores.confidence_interval``).
    func : str
        The caller's name, for the messages.

    Returns
    -------
    dict
        :data:`~dgi_stats._results.CI_COLUMNS` and ``transform``.

    Raises
    ------
    DGIError
        ``transform="logit"`` with a measure without finite bounds.

    Examples
    --------
    >>> c = interval_columns(np.array([5.0]), np.array([1.0]), np.array([np.inf]), 0.95, None,
    ...                      pd.Index(["m"]), "none", "f")
    >>> round(float(c["ci_low"][0]), 2), c["transform"].tolist()
    (3.04, ['none'])
    """
    q = critical_values(dfs, level)
    ci_low, ci_high = x - q * se, x + q * se
    kind = np.full(len(x), "none", dtype=object)
    if transform != "none":
        n_u = len(x) // max(len(measures), 1)
        nan = pd.DataFrame({"low": np.nan, "high": np.nan}, index=measures)
        b = nan if bounds is None else bounds
        lo_m, hi_m = b["low"].to_numpy(dtype=float), b["high"].to_numpy(dtype=float)
        bounded_m = np.isfinite(lo_m) & np.isfinite(hi_m)
        if transform == "logit" and not bounded_m.all():
            msg = (
                f"The 'transform' parameter of {func} is 'logit' but measure(s) "
                f"{list(measures[~bounded_m])} have no finite bounds (Scores.bounds); "
                "use transform='auto' to transform only the bounded measures."
            )
            raise DGIError(msg)
        sel = np.tile(bounded_m, n_u)
        if sel.any():
            lo, hi = np.tile(lo_m, n_u)[sel], np.tile(hi_m, n_u)[sel]
            ci_low[sel], ci_high[sel], ok = logit_interval(x[sel], se[sel], q[sel], lo, hi)
            kind[sel] = np.where(ok, "logit", "clipped")
    # the columns of every confidence_interval() table (CI_COLUMNS), then the interval scale
    columns = dict(zip(CI_COLUMNS, (x, se, ci_low, ci_high, dfs, level), strict=True))
    return {**columns, "transform": kind}
