"""Benefit-of-the-doubt composite scores (DEA; OECD/JRC Handbook §6.1, eqs 19-22).

Each unit gets its most favourable weights: one linear program per unit, solved with
:func:`scipy.optimize.linprog` (HiGHS).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

from dgi_stats._results import Result, frame_repr
from dgi_stats.composite._common import as_table
from dgi_stats.exceptions import DGIError

__all__ = ["BoDResult", "benefit_of_the_doubt"]


@dataclass(frozen=True, slots=True, repr=False)
class BoDResult(Result):
    """Benefit-of-the-doubt composite scores.

    Parameters
    ----------
    scores : pandas.Series
        CI per unit in [0, 1].
    weights : pandas.DataFrame
        Units x indicators: each unit's own optimal weights (often not unique when CI = 1).
    n_frontier : int
        Number of units scoring 1 (within 1e-9).
    ratio_bound : float or None
        The weight-ratio bound used.

    Examples
    --------
    >>> x = pd.DataFrame({"a": [1.0, 0.5], "b": [0.0, 0.4]}, index=["u", "v"])
    >>> benefit_of_the_doubt(x).to_frame()["score"].tolist()
    [1.0, 1.0]
    """

    scores: pd.Series
    weights: pd.DataFrame
    n_frontier: int
    ratio_bound: float | None

    def to_frame(self) -> pd.DataFrame:
        """Scores and the weights per unit.

        Returns
        -------
        pandas.DataFrame
        """
        return pd.concat([self.scores.rename("score"), self.weights], axis=1)

    def __repr__(self) -> str:
        return frame_repr("BoDResult", self.to_frame(), extra=f"n_frontier={self.n_frontier}")


def benefit_of_the_doubt(
    data: pd.DataFrame,
    ratio_bound: float | None = None,
    *,
    lower: Mapping[Hashable, float] | float | None = None,
    upper: Mapping[Hashable, float] | float | None = None,
    share_bounds: tuple[float, float] | Mapping[Hashable, tuple[float, float]] | None = None,
) -> BoDResult:
    """Benefit-of-the-doubt (DEA) scores: each unit's most favourable weights (Handbook eqs 19-22).

    For unit c, ``CI_c = max_w Σ_q w_q I_qc`` subject to ``Σ_q w_q I_qk <= 1`` for every unit k and
    ``w >= 0``, plus the restrictions below; solved with :func:`scipy.optimize.linprog` (HiGHS).

    Parameters
    ----------
    data : pandas.DataFrame
        Units x indicators, normalised and non-negative (the Handbook uses min-max), no NaN.
    ratio_bound : float, optional
        ``ρ >= 1``: every pair of weights satisfies ``w_q <= ρ w_r``.
    lower, upper : float or dict, optional
        Absolute bounds on the weights (per indicator with a dict).
    share_bounds : (L, U) or dict of (L, U), optional
        Pie-share bounds ``L <= w_q I_qc / Σ_r w_r I_rc <= U`` for the unit being scored.

    Returns
    -------
    BoDResult

    Raises
    ------
    DGIError
        Negative or missing data, ``ratio_bound < 1``, or bounds that leave no feasible weights.

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.DataFrame({"a": [1.0, 0.5, 0.0], "b": [0.0, 0.5, 1.0]}, index=["u1", "u2", "u3"])
    >>> benefit_of_the_doubt(x).scores.tolist()
    [1.0, 1.0, 1.0]
    >>> benefit_of_the_doubt(x, ratio_bound=1.0).scores.round(3).tolist()
    [1.0, 1.0, 1.0]
    """
    func = "benefit_of_the_doubt"
    x = as_table(data, func)
    if x.isna().any().any():
        bad = x.index[x.isna().any(axis=1)].tolist()
        msg = f"{func}: unit(s) {bad} have missing values; impute them first."
        raise DGIError(msg)
    if (x.to_numpy() < 0).any():
        bad = x.index[(x < 0).any(axis=1)].tolist()
        msg = f"{func} needs non-negative normalised data; unit(s) {bad} have negative values (min-max first)."
        raise DGIError(msg)
    mat = x.to_numpy()
    m, q = mat.shape
    cols = list(x.columns)
    rows_ub = [mat]
    rhs = [np.ones(m)]
    if ratio_bound is not None:
        rho = float(ratio_bound)
        if not (np.isfinite(rho) and rho >= 1):
            msg = f"The 'ratio_bound' parameter of {func} must be a float >= 1. Got {ratio_bound!r}."
            raise DGIError(msg)
        pairs = [(a, b) for a in range(q) for b in range(q) if a != b]
        rr = np.zeros((len(pairs), q))
        for k, (a, b) in enumerate(pairs):
            rr[k, a] = 1.0
            rr[k, b] = -rho
        rows_ub.append(rr)
        rhs.append(np.zeros(len(pairs)))
    lo = _bound_vector(lower, cols, 0.0, "lower", func)
    hi = _bound_vector(upper, cols, np.inf, "upper", func)
    if (lo > hi).any():
        msg = f"{func}: 'lower' exceeds 'upper' for {[c for c, a, b in zip(cols, lo, hi, strict=True) if a > b]}."
        raise DGIError(msg)
    bounds = list(zip(lo, [None if not np.isfinite(h) else h for h in hi], strict=True))
    shares: dict[Any, tuple[float, float]] | None = None
    if share_bounds is not None:
        if isinstance(share_bounds, Mapping):
            shares = {c: tuple(share_bounds.get(c, (0.0, 1.0))) for c in cols}  # type: ignore[misc]
        else:
            shares = dict.fromkeys(cols, tuple(share_bounds))  # type: ignore[arg-type]
    a_ub_base = np.vstack(rows_ub)
    b_ub_base = np.concatenate(rhs)
    scores = np.empty(m)
    wts = np.empty((m, q))
    for c in range(m):
        a_ub, b_ub = a_ub_base, b_ub_base
        if shares is not None:
            extra = []
            for j, col in enumerate(cols):
                lo_s, hi_s = (float(v) for v in shares[col])
                e = np.zeros(q)
                e[j] = mat[c, j]
                extra.append(e - hi_s * mat[c])  # w_j I_jc - U Σ w I_c <= 0
                extra.append(lo_s * mat[c] - e)  # L Σ w I_c - w_j I_jc <= 0
            a_ub = np.vstack([a_ub, np.array(extra)])
            b_ub = np.concatenate([b_ub, np.zeros(len(extra))])
        res = optimize.linprog(-mat[c], A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
        if res.status == 2:
            msg = (
                f"{func}: the weight bounds are infeasible (no weights satisfy them for unit "
                f"{x.index[c]!r}); relax 'lower', 'upper', 'share_bounds' or 'ratio_bound'."
            )
            raise DGIError(msg)
        if res.status != 0:
            msg = f"{func}: the LP for unit {x.index[c]!r} failed ({res.message}); check the bounds."
            raise DGIError(msg)
        scores[c] = -res.fun
        wts[c] = res.x
    s = pd.Series(scores, index=x.index, name="bod")
    return BoDResult(
        scores=s,
        weights=pd.DataFrame(wts, index=x.index, columns=cols),
        n_frontier=int((scores >= 1 - 1e-9).sum()),
        ratio_bound=None if ratio_bound is None else float(ratio_bound),
    )


def _bound_vector(value: Any, cols: list[Any], default: float, name: str, func: str) -> np.ndarray:
    if value is None:
        return np.full(len(cols), default)
    if isinstance(value, Mapping):
        unknown = [k for k in value if k not in cols]
        if unknown:
            msg = f"The {name!r} parameter of {func} names unknown indicator(s) {unknown}."
            raise DGIError(msg)
        out = np.array([float(value.get(c, default)) for c in cols])
    else:
        out = np.full(len(cols), float(value))
    if (out < 0).any():
        msg = f"The {name!r} parameter of {func} must be >= 0."
        raise DGIError(msg)
    return out
