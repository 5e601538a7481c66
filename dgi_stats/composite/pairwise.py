"""Analytic hierarchy process: weights from a pairwise comparison matrix (Handbook §6.1, Saaty).

The weights are the principal eigenvector of the reciprocal matrix; Saaty's consistency ratio says
whether the comparisons hang together.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dgi_stats._results import frame_repr
from dgi_stats.exceptions import DGIError

__all__ = ["SAATY_RANDOM_INDEX", "AHPResult", "ahp"]

#: Saaty's random consistency index RI(n) for n = 1..10 (Handbook §6.4).
SAATY_RANDOM_INDEX: dict[int, float] = {
    1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49,
}


@dataclass(frozen=True, slots=True, repr=False)
class AHPResult:
    """Analytic hierarchy process weights.

    Parameters
    ----------
    weights : pandas.Series
        Principal right eigenvector, normalised to sum 1.
    geometric_mean_weights : pandas.Series
        Row geometric means, normalised (a close approximation).
    lambda_max : float
        Principal eigenvalue.
    consistency_index : float
        ``(λ_max - n)/(n - 1)``.
    random_index : float
        Saaty's RI(n) (NaN for n > 10).
    consistency_ratio : float
        ``CI/RI`` (0 for n <= 2; NaN for n > 10). Accept below 0.1.

    Examples
    --------
    >>> res = ahp(np.array([[1, 2], [0.5, 1]]))
    >>> res.to_frame().round(3)["weight"].tolist(), res.consistent
    ([0.667, 0.333], True)
    """

    weights: pd.Series
    geometric_mean_weights: pd.Series
    lambda_max: float
    consistency_index: float
    random_index: float
    consistency_ratio: float

    @property
    def consistent(self) -> bool:
        """True when the consistency ratio is below 0.1."""
        return bool(self.consistency_ratio < 0.1)

    def to_frame(self) -> pd.DataFrame:
        """Eigenvector and geometric-mean weights.

        Returns
        -------
        pandas.DataFrame
        """
        return pd.DataFrame({"weight": self.weights, "geometric_mean_weight": self.geometric_mean_weights})

    def __repr__(self) -> str:
        return frame_repr("AHPResult", self.to_frame(), extra=f"CR={self.consistency_ratio:.4f}")


def ahp(matrix: pd.DataFrame | np.ndarray, *, rtol: float = 1e-3) -> AHPResult:
    """AHP weights from a pairwise comparison matrix (Saaty 1-9 scale, ``a_ji = 1/a_ij``).

    Parameters
    ----------
    matrix : DataFrame or ndarray
        Square, positive, unit diagonal and reciprocal (``a_ij a_ji = 1`` within ``rtol``, so that
        printed values such as 0.33 for 1/3 pass).
    rtol : float
        Tolerance of the reciprocity check.

    Returns
    -------
    AHPResult
        Eigenvector and geometric-mean weights, and the consistency of the comparisons.

    Examples
    --------
    >>> import numpy as np
    >>> res = ahp(np.array([[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]]))
    >>> res.weights.round(3).tolist(), round(res.consistency_ratio, 4)
    ([0.648, 0.23, 0.122], 0.0032)
    """
    func = "ahp"
    names: list[Hashable]
    if isinstance(matrix, pd.DataFrame):
        names = list(matrix.columns)
        if list(matrix.index) != names:
            msg = f"The 'matrix' of {func} must have the same labels on rows and columns in the same order."
            raise DGIError(msg)
        a = matrix.to_numpy(dtype=float)
    else:
        a = np.asarray(matrix, dtype=float)
        names = list(range(a.shape[0])) if a.ndim == 2 else []
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] < 1:
        msg = f"The 'matrix' of {func} must be square. Got shape {a.shape}."
        raise DGIError(msg)
    if not np.all(np.isfinite(a)) or (a <= 0).any():
        msg = f"The 'matrix' of {func} must have positive finite entries."
        raise DGIError(msg)
    n = a.shape[0]
    prod = a * a.T
    if not np.allclose(prod, 1.0, rtol=rtol, atol=0):
        i, j = np.unravel_index(np.argmax(np.abs(prod - 1)), a.shape)
        msg = (
            f"The 'matrix' of {func} is not reciprocal: a[{names[i]!r}, {names[j]!r}] = {a[i, j]:g} but "
            f"a[{names[j]!r}, {names[i]!r}] = {a[j, i]:g} (their product must be 1). Set a_ji = 1/a_ij."
        )
        raise DGIError(msg)
    vals, vecs = np.linalg.eig(a)
    k = int(np.argmax(vals.real))
    lam = float(vals[k].real)
    v = np.abs(vecs[:, k].real)
    w = v / v.sum()
    gm = np.exp(np.log(a).mean(axis=1))
    gm = gm / gm.sum()
    ci = (lam - n) / (n - 1) if n > 1 else 0.0
    ri = SAATY_RANDOM_INDEX.get(n, float("nan"))
    cr = 0.0 if n <= 2 else (ci / ri if np.isfinite(ri) else float("nan"))
    return AHPResult(
        weights=pd.Series(w, index=names),
        geometric_mean_weights=pd.Series(gm, index=names),
        lambda_max=lam,
        consistency_index=float(ci),
        random_index=float(ri),
        consistency_ratio=float(cr),
    )
