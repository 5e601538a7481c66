"""Input handling shared by the rank functions: (estimates, cov) from a Series, a Scores or replicates."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from dgi_stats._typing import FloatArray
from dgi_stats._validation import check_covariance
from dgi_stats.exceptions import DGIError
from dgi_stats.ranks._core import std_errors
from dgi_stats.scores import Scores

__all__ = ["RankInput", "prepare", "replicate_columns"]


class RankInput:
    """Validated inputs: unit labels, estimates and covariance (original orientation)."""

    __slots__ = ("cov", "theta", "units")

    def __init__(self, units: pd.Index, theta: FloatArray, cov: FloatArray) -> None:
        self.units = units
        self.theta = theta
        self.cov = cov

    @property
    def se(self) -> FloatArray:
        """Standard errors."""
        return std_errors(self.cov)


def replicate_columns(replicates: pd.DataFrame, units: pd.Index, *, func: str) -> FloatArray:
    """The columns of ``replicates`` (replicates x units) for ``units``, in their order, as floats."""
    missing = [u for u in units if u not in replicates.columns]
    if missing:
        msg = f"The 'replicates' parameter of {func} has no column for unit(s) {missing}."
        raise DGIError(msg)
    return replicates.loc[:, list(units)].to_numpy(dtype=float)


def _cov_from_replicates(
    replicates: pd.DataFrame,
    units: pd.Index,
    theta: FloatArray,
    factors: Any,
    mse: bool,
    func: str,
) -> FloatArray:
    if not isinstance(replicates, pd.DataFrame):
        msg = (
            f"The 'replicates' parameter of {func} must be a DataFrame (replicates x units). "
            f"Got {type(replicates).__name__} instead."
        )
        raise DGIError(msg)
    reps = replicate_columns(replicates, units, func=func)
    n_rep = reps.shape[0]
    if n_rep < 2 or not np.isfinite(reps).all():
        msg = f"The 'replicates' parameter of {func} needs >= 2 rows of finite replicate estimates."
        raise DGIError(msg)
    if factors is None:
        f = np.full(n_rep, 1.0 / (n_rep - 1))
    else:
        f = np.broadcast_to(np.asarray(factors, dtype=float), (n_rep,)).copy()
        if (f < 0).any() or not np.isfinite(f).all():
            msg = f"The 'replicate_factors' parameter of {func} must be finite and non-negative."
            raise DGIError(msg)
    centre = theta if mse else reps.mean(axis=0)
    dev = reps - centre
    return (dev * f[:, None]).T @ dev


def prepare(
    estimates: Any,
    cov: Any,
    *,
    func: str,
    measure: str = "total",
    replicates: pd.DataFrame | None = None,
    replicate_factors: Any = None,
    replicate_mse: bool = False,
    min_units: int = 2,
) -> RankInput:
    """Validate ``(estimates, cov)`` (or a Scores, or replicates) and return arrays with unit labels."""
    if isinstance(estimates, Scores):
        if cov is not None:
            msg = f"{func}: pass either a Scores object or (estimates, cov), not both."
            raise DGIError(msg)
        if measure not in estimates.measures:
            msg = (
                f"The 'measure' parameter of {func} must be one of the Scores' measures "
                f"{list(estimates.measures)[:12]}. Got {measure!r} instead."
            )
            raise DGIError(msg)
        est, cov = estimates.for_measure(measure)
        estimates = est
    if isinstance(estimates, pd.DataFrame):
        if estimates.shape[1] != 1:
            msg = (
                f"The 'estimates' parameter of {func} must be a Series indexed by unit (or a "
                f"one-column DataFrame). Got a DataFrame with {estimates.shape[1]} columns."
            )
            raise DGIError(msg)
        estimates = estimates.iloc[:, 0]
    if isinstance(estimates, pd.Series):
        units = pd.Index(estimates.index)
        try:
            theta = estimates.to_numpy(dtype=float)
        except (TypeError, ValueError) as exc:
            msg = f"The 'estimates' parameter of {func} must be numeric."
            raise DGIError(msg) from exc
    else:
        try:
            theta = np.asarray(estimates, dtype=float)
        except (TypeError, ValueError) as exc:
            msg = f"The 'estimates' parameter of {func} must be a numeric Series or 1-D array."
            raise DGIError(msg) from exc
        if theta.ndim != 1:
            msg = f"The 'estimates' parameter of {func} must be 1-D. Got shape {theta.shape}."
            raise DGIError(msg)
        units = pd.RangeIndex(theta.size, name="unit")
    if units.has_duplicates:
        dup = units[units.duplicated()].unique().tolist()
        msg = f"The 'estimates' parameter of {func} has duplicated unit label(s) {dup}."
        raise DGIError(msg)
    p = theta.size
    if p < min_units:
        msg = (
            f"The 'estimates' parameter of {func} needs at least {min_units} units to rank. "
            f"Got {p}."
        )
        raise DGIError(msg)
    bad = ~np.isfinite(theta)
    if bad.any():
        msg = (
            f"The 'estimates' parameter of {func} has NaN or infinite value(s) for unit(s) "
            f"{units[bad].tolist()}; drop or fix those units before ranking."
        )
        raise DGIError(msg)
    if cov is None:
        if replicates is None:
            msg = f"{func} needs 'cov' (or a Scores object, or 'replicates' to build the covariance)."
            raise DGIError(msg)
        c = _cov_from_replicates(replicates, units, theta, replicate_factors, replicate_mse, func)
    elif isinstance(cov, pd.DataFrame):
        if not (set(cov.index) == set(units) and set(cov.columns) == set(units)) or cov.shape != (p, p):
            msg = (
                f"The 'cov' parameter of {func} must be a {p} x {p} DataFrame indexed by the same "
                f"units as 'estimates' on both axes. Got shape {cov.shape}."
            )
            raise DGIError(msg)
        c = cov.loc[list(units), list(units)].to_numpy(dtype=float)
    else:
        c = cov
    c = check_covariance(c, p, name="cov", func=func)
    return RankInput(units, theta, c)

