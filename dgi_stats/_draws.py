"""One home for sampling draws: centred Gaussian or Student-t draws from a covariance.

The rank functions (critical values, descriptive probabilities), :meth:`Scores.sampling_draws` and
the composite robustness analysis all draw sampling error here. With design degrees of freedom the
draws are multivariate t per unit: the Gaussian draw of unit ``u`` is divided by
``sqrt(χ²_ν/ν)`` with the unit's df ``ν``, one scale per unit shared by all its coordinates (the
unit's measures share its PSUs and so its variance estimate).
"""

from __future__ import annotations

import numpy as np

from dgi_stats._typing import FloatArray

__all__ = ["chi_scales", "covariance_root", "gaussian_draws"]


def covariance_root(cov: FloatArray) -> FloatArray | None:
    """A matrix ``R`` with ``R Rᵀ = cov`` (None when ``cov`` is diagonal: scale by the SDs).

    Cholesky with a tiny ridge when it succeeds; the eigen-decomposition handles rank deficiency.

    Parameters
    ----------
    cov : numpy.ndarray
        A p x p covariance (symmetric positive semi-definite).

    Returns
    -------
    numpy.ndarray or None
        The p x p root, or None for a diagonal ``cov``.

    Examples
    --------
    >>> covariance_root(np.diag([1.0, 4.0])) is None
    True
    >>> r = covariance_root(np.array([[1.0, 0.5], [0.5, 1.0]]))
    >>> np.allclose(r @ r.T, [[1.0, 0.5], [0.5, 1.0]])
    True
    """
    p = cov.shape[0]
    if np.count_nonzero(cov) == np.count_nonzero(np.diagonal(cov)):
        return None
    scale = max(float(np.max(np.abs(np.diagonal(cov)))), 1e-300)
    try:
        chol = np.asarray(np.linalg.cholesky(cov + 1e-12 * scale * np.eye(p)), dtype=np.float64)
        return chol
    except np.linalg.LinAlgError:
        vals, vecs = np.linalg.eigh((cov + cov.T) / 2)
        root: FloatArray = vecs * np.sqrt(np.clip(vals, 0.0, None))
        return root


def gaussian_draws(cov: FloatArray, n: int, gen: np.random.Generator) -> FloatArray:
    """``n`` draws of N(0, cov), shape (n, p) (independent coordinates when cov is diagonal).

    Parameters
    ----------
    cov : numpy.ndarray
        The p x p covariance.
    n : int
        Number of draws.
    gen : numpy.random.Generator
        The source of the draws (``n x p`` standard normals, then the root of ``cov``).

    Returns
    -------
    numpy.ndarray
        ``(n, p)`` centred Gaussian draws.

    Examples
    --------
    >>> d = gaussian_draws(np.diag([1.0, 4.0]), 20_000, np.random.default_rng(1))
    >>> np.round(d.std(axis=0), 1).tolist()
    [1.0, 2.0]
    """
    p = cov.shape[0]
    root = covariance_root(cov)
    if root is None:
        return gen.standard_normal((n, p)) * np.sqrt(np.clip(np.diagonal(cov), 0.0, None))
    return gen.standard_normal((n, p)) @ root.T


def chi_scales(df: FloatArray, n: int, gen: np.random.Generator) -> FloatArray:
    """Draws of ``sqrt(χ²_ν/ν)`` per unit, shape (n, p); exactly 1 where ν is infinite.

    The law of a variance estimate with ν degrees of freedom relative to its target
    (``ν v̂/σ² ~ χ²_ν``), as for a stratum's PSU-level variance under normality.

    Parameters
    ----------
    df : numpy.ndarray
        Degrees of freedom per unit (``numpy.inf``: a variance known without error).
    n : int
        Number of draws.
    gen : numpy.random.Generator
        The source of the chi-square draws (finite df only).

    Returns
    -------
    numpy.ndarray
        ``(n, p)`` scales.

    Examples
    --------
    >>> s = chi_scales(np.array([5.0, np.inf]), 50_000, np.random.default_rng(2))
    >>> round(float((s[:, 0] ** 2).mean()), 1), float(s[:, 1].max())
    (1.0, 1.0)
    """
    nu = np.asarray(df, dtype=float)
    out = np.ones((n, nu.size))
    finite = np.flatnonzero(np.isfinite(nu))
    if finite.size:
        out[:, finite] = np.sqrt(gen.chisquare(nu[finite], size=(n, finite.size)) / nu[finite])
    return out
