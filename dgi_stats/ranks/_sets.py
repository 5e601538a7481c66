"""The computation of rank confidence sets on arrays: families, Holm/Bonferroni, KWW, the stepdown run.

:func:`raw_rank_sets` turns ``(θ, Σ, df)`` (θ oriented so that larger is better) into the bounds of
the sets; :mod:`dgi_stats.ranks.confidence_sets` validates the inputs and wraps the bounds in a
:class:`~dgi_stats.ranks.RankConfidenceSets`. The rank-change tests reuse the families, the claim
counting and the studentisation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests

from dgi_stats._draws import chi_scales, gaussian_draws
from dgi_stats._typing import BoolArray, FloatArray
from dgi_stats._validation import check_choice
from dgi_stats.exceptions import DGIError
from dgi_stats.ranks._common import LARGE_DF
from dgi_stats.ranks._core import (
    ExactMaxLaw,
    MaxLaw,
    MonteCarloMaxLaw,
    Studentisation,
    is_diagonal,
    pair_sd,
    pair_t,
    std_errors,
    stepdown,
)
from dgi_stats.scores.pivot import satterthwaite_df

__all__ = [
    "METHODS",
    "RawSets",
    "family_masks",
    "holm_reject",
    "kww_bounds",
    "pair_pvalues",
    "rank_bounds",
    "raw_rank_sets",
    "resolve_method",
    "studentisation",
    "unit_major",
    "welch_pair_df",
]

#: The methods of :func:`~dgi_stats.ranks.rank_confidence_sets`.
METHODS = ("auto", "exact", "monte-carlo", "holm", "bonferroni", "tukey", "kww", "kww-bonferroni")


def family_masks(p: int, units_j: np.ndarray, kind: str) -> BoolArray:
    """Ordered-pair family of methods spec §1.2 step 1 for the units ``units_j``.

    Parameters
    ----------
    p : int
        Number of units.
    units_j : numpy.ndarray
        Positions of the units whose rank is bounded.
    kind : {"two-sided", "lower", "upper"}
        "lower": pairs (k, j) "k better than j"; "upper": pairs (j, k); "two-sided": both.

    Returns
    -------
    numpy.ndarray
        p x p booleans (never the diagonal).

    Examples
    --------
    >>> family_masks(3, np.array([0]), "lower").astype(int).tolist()
    [[0, 0, 0], [1, 0, 0], [1, 0, 0]]
    """
    mask = np.zeros((p, p), dtype=bool)
    if kind in ("two-sided", "lower"):
        mask[:, units_j] = True  # (k, j): "k better than j"
    if kind in ("two-sided", "upper"):
        mask[units_j, :] = True  # (j, k): "j better than k"
    np.fill_diagonal(mask, False)
    return mask


def unit_major(draws: FloatArray) -> FloatArray:
    """Draws as a C-contiguous (p, n) float32 array, the layout of the Monte Carlo max computation.

    Single precision halves the memory traffic; its rounding (~1e-7 relative) is far below the
    Monte Carlo error of a critical value (~1e-3).

    Parameters
    ----------
    draws : numpy.ndarray
        ``(n, p)`` draws.

    Returns
    -------
    numpy.ndarray
        ``(p, n)`` float32, C-contiguous.

    Examples
    --------
    >>> unit_major(np.zeros((5, 2))).shape, unit_major(np.zeros((5, 2))).dtype
    ((2, 5), dtype('float32'))
    """
    return np.ascontiguousarray(draws.T, dtype=np.float32)


def pair_pvalues(t: FloatArray, ia: np.ndarray, ib: np.ndarray, pair_df: FloatArray | None) -> FloatArray:
    """One-sided p-values of the pairs: 1 − Φ(T) (known covariance) or 1 − F_t(T; ν_ab).

    Parameters
    ----------
    t : numpy.ndarray
        p x p pairwise statistics.
    ia, ib : numpy.ndarray
        The pairs (rows and columns of ``t``).
    pair_df : numpy.ndarray, optional
        Welch df of each pair (None: normal).

    Returns
    -------
    numpy.ndarray
        One p-value per pair.

    Examples
    --------
    >>> t = np.array([[0.0, 1.96], [-1.96, 0.0]])
    >>> pair_pvalues(t, np.array([0]), np.array([1]), None).round(3).tolist()
    [0.025]
    """
    tv = t[ia, ib]
    if pair_df is None:
        return np.asarray(stats.norm.sf(tv), dtype=float)
    nu = pair_df[ia, ib]
    return np.asarray(np.where(np.isinf(nu), stats.norm.sf(tv), stats.t.sf(tv, np.where(np.isinf(nu), 1.0, nu))), dtype=float)


def welch_pair_df(cov: FloatArray, df: FloatArray) -> FloatArray:
    """Welch–Satterthwaite df of each pairwise difference (independent variance estimates).

    ``ν_ab = (Σ_aa + Σ_bb)² / (Σ_aa²/ν_a + Σ_bb²/ν_b)`` (:func:`~dgi_stats.scores.satterthwaite_df`
    over all pairs); infinite when both are known.

    Parameters
    ----------
    cov : numpy.ndarray
        p x p covariance (its diagonal is used).
    df : numpy.ndarray
        Degrees of freedom per unit.

    Returns
    -------
    numpy.ndarray
        p x p df.

    Examples
    --------
    >>> welch_pair_df(np.eye(2), np.array([5.0, 5.0]))[0, 1]
    np.float64(10.0)
    """
    v = np.diag(cov)
    return satterthwaite_df(v[:, None], df[:, None], v[None, :], df[None, :])


def holm_reject(
    t: FloatArray, mask: BoolArray, alpha: float, bonferroni: bool, pair_df: FloatArray | None = None
) -> BoolArray:
    """Holm (or Bonferroni) over the one-sided pair p-values of the family (t with Welch df).

    statsmodels' ``multipletests`` (``method="holm"`` or ``"bonferroni"``) on
    :func:`pair_pvalues` of the pairs of ``mask``.

    Parameters
    ----------
    t : numpy.ndarray
        p x p pairwise statistics.
    mask : numpy.ndarray
        The family (p x p booleans).
    alpha : float
        Family-wise error rate.
    bonferroni : bool
        Bonferroni instead of Holm.
    pair_df : numpy.ndarray, optional
        Welch df of each pair (None: normal p-values).

    Returns
    -------
    numpy.ndarray
        p x p booleans: the rejected hypotheses.

    Examples
    --------
    >>> t = np.array([[0.0, 3.0], [-3.0, 0.0]])
    >>> holm_reject(t, ~np.eye(2, dtype=bool), 0.05, False).tolist()
    [[False, True], [False, False]]
    """
    ia, ib = np.nonzero(mask)
    pv = pair_pvalues(t, ia, ib, pair_df)
    rej = np.zeros_like(mask)
    if pv.size == 0:
        return rej
    ok = multipletests(pv, alpha=alpha, method="bonferroni" if bonferroni else "holm")[0]
    rej[ia[ok], ib[ok]] = True
    return rej


def rank_bounds(
    rejected: BoolArray, p: int, j: np.ndarray, kind: str = "two-sided"
) -> tuple[np.ndarray, np.ndarray]:
    """Count the claims (spec §1.2 step 4); "lower" sets report U = p, "upper" sets L = 1.

    Parameters
    ----------
    rejected : numpy.ndarray
        p x p booleans: ``rejected[a, b]`` claims "a is better than b".
    p : int
        Number of units.
    j : numpy.ndarray
        Positions of the units whose bounds are wanted.
    kind : {"two-sided", "lower", "upper"}
        default: "two-sided".

    Returns
    -------
    lower, upper : numpy.ndarray
        Rank bounds of the units ``j`` (int64).

    Examples
    --------
    >>> rej = np.array([[False, True], [False, False]])
    >>> [b.tolist() for b in rank_bounds(rej, 2, np.array([0, 1]))]
    [[1, 2], [1, 2]]
    """
    lower = 1 + rejected[:, j].sum(axis=0)
    upper = p - rejected[j, :].sum(axis=1)
    if kind == "lower":
        upper = np.full_like(upper, p)
    elif kind == "upper":
        lower = np.ones_like(lower)
    return lower.astype(np.int64), upper.astype(np.int64)


@dataclass(frozen=True, slots=True)
class RawSets:
    """Bounds of rank sets on arrays, with the critical values, margins and method used.

    Examples
    --------
    >>> RawSets(np.array([1]), np.array([2]), [], np.array([np.nan]), "holm", 0, True).method
    'holm'
    """

    lower: np.ndarray
    upper: np.ndarray
    crit: list[tuple[float, ...]]
    margin: FloatArray
    method: str
    n_draws: int
    stepdown: bool


def resolve_method(
    method: str, *, simultaneous: bool, diagonal: bool, func: str, studentised: bool = False
) -> str:
    """Map "auto" to a concrete method and reject impossible combinations.

    Parameters
    ----------
    method : str
        One of :data:`METHODS`.
    simultaneous, diagonal, studentised : bool
        The sets asked for, whether the covariance is diagonal, whether some df <= 100.
    func : str
        The caller's name, for the messages.

    Returns
    -------
    str
        The method to run.

    Raises
    ------
    DGIError
        An unknown method, or one that cannot give the sets asked for.

    Examples
    --------
    >>> resolve_method("auto", simultaneous=False, diagonal=True, func="f")
    'exact'
    >>> resolve_method("auto", simultaneous=True, diagonal=True, func="f")
    'monte-carlo'
    """
    check_choice(method, METHODS, name="method", func=func)
    if method == "auto":
        return "exact" if (diagonal and not simultaneous and not studentised) else "monte-carlo"
    if studentised and method in ("exact", "tukey"):
        msg = (
            f"The 'method' parameter of {func}: {method!r} assumes a covariance known without "
            f"error, but some unit has df <= {LARGE_DF:g}. Use method='monte-carlo' (studentised "
            "critical values), 'holm' or 'kww' (t-based), or declare df=numpy.inf."
        )
        raise DGIError(msg)
    if method == "exact" and (simultaneous or not diagonal):
        msg = (
            f"The 'method' parameter of {func}: 'exact' (quadrature) needs marginal sets "
            "(simultaneous=False) and a diagonal covariance (independent units). Use "
            "method='monte-carlo' or 'holm' instead."
        )
        raise DGIError(msg)
    return method


def raw_rank_sets(
    theta: FloatArray,
    cov: FloatArray,
    *,
    alpha: float,
    simultaneous: bool,
    kind: str,
    stepwise: bool,
    method: str,
    n_draws: int,
    gen: np.random.Generator | None,
    draws: FloatArray | None = None,
    df: FloatArray | None = None,
) -> RawSets:
    """Rank confidence sets on arrays (θ oriented so that larger is better); method already resolved.

    ``df`` (per unit; None or all > 100 = known covariance) switches the critical values to the
    studentised law (Monte Carlo), t p-values with Welch df (Holm/Bonferroni) or t quantiles (KWW).

    Parameters
    ----------
    theta, cov : numpy.ndarray
        Estimates (larger = better) and their covariance.
    alpha : float
        1 − confidence level.
    simultaneous, stepwise : bool
        Joint sets; Romano–Wolf stepdown.
    kind : {"two-sided", "lower", "upper"}
        Which bounds.
    method : str
        A resolved method (:func:`resolve_method`).
    n_draws : int
        Monte Carlo draws.
    gen : numpy.random.Generator or None
        Source of the draws (Monte Carlo only).
    draws : numpy.ndarray, optional
        Ready-made ``(n, p)`` centred draws instead of drawing.
    df : numpy.ndarray, optional
        Degrees of freedom per unit.

    Returns
    -------
    RawSets

    Examples
    --------
    >>> raw = raw_rank_sets(np.array([0.0, 1.0, 5.0]), np.eye(3) / 10, alpha=0.05,
    ...                     simultaneous=True, kind="two-sided", stepwise=True, method="holm",
    ...                     n_draws=0, gen=None)
    >>> raw.lower.tolist(), raw.upper.tolist()
    ([2, 2, 1], [3, 3, 1])
    """
    p = theta.size
    studentised = df is not None and bool((df <= LARGE_DF).any())
    dfs = df if studentised else None
    sd = pair_sd(cov)
    t = pair_t(theta, sd)
    se = std_errors(cov)
    diagonal = is_diagonal(cov)
    all_units = np.arange(p)
    if method in ("kww", "kww-bonferroni"):
        lo, hi = kww_bounds(theta, se, alpha, bonferroni=method == "kww-bonferroni", df=dfs)
        return RawSets(lo, hi, [], np.full(p, np.nan), method, 0, False)
    if method in ("holm", "bonferroni"):
        bonf = method == "bonferroni"
        pdf = None if dfs is None else welch_pair_df(cov, dfs)
        if simultaneous:
            rej = holm_reject(t, family_masks(p, all_units, kind), alpha, bonf, pdf)
            lo, hi = rank_bounds(rej, p, all_units, kind)
        else:
            lo, hi = np.empty(p, np.int64), np.empty(p, np.int64)
            for j in range(p):
                rej = holm_reject(t, family_masks(p, np.array([j]), kind), alpha, bonf, pdf)
                lo[j], hi[j] = (x[0] for x in rank_bounds(rej, p, np.array([j]), kind))
        return RawSets(lo, hi, [], np.full(p, np.nan), method, 0, not bonf)
    if method == "tukey":
        if not simultaneous or kind != "two-sided" or not diagonal or not np.allclose(se, se[0]):
            msg = (
                "method='tukey' gives the studentised-range critical value, exact only for a "
                "simultaneous two-sided set with a diagonal covariance and equal standard errors; "
                "use method='monte-carlo' (the same procedure for any covariance)."
            )
            raise DGIError(msg)
        c = float(stats.studentized_range.ppf(1.0 - alpha, p, np.inf) / np.sqrt(2.0))
        mask = family_masks(p, all_units, kind)
        rej = mask & (t > c)
        lo, hi = rank_bounds(rej, p, all_units, kind)
        dist = np.where(mask, np.abs(t - c), np.inf)
        margin = np.minimum(dist.min(axis=0), dist.min(axis=1))
        return RawSets(lo, hi, [(c,)], margin, "tukey", 0, False)
    law: MaxLaw
    n_used = 0
    if method == "monte-carlo":
        if draws is None:
            assert gen is not None
            draws = gaussian_draws(cov, n_draws, gen)
        n_used = draws.shape[0]
        stud = None
        if dfs is not None:
            assert gen is not None
            stud = studentisation(cov, dfs, n_used, gen)
        law = MonteCarloMaxLaw(
            [unit_major(draws)], [sd], [se if diagonal else None], [stud] if stud else []
        )
    if simultaneous:
        fam = family_masks(p, all_units, kind)
        res = stepdown([t], [fam], law, alpha, stepwise=stepwise)
        lo, hi = rank_bounds(res.rejected[0], p, all_units, kind)
        return RawSets(lo, hi, [res.critical_values], res.margin, method, n_used, stepwise)
    lo, hi = np.empty(p, np.int64), np.empty(p, np.int64)
    margin = np.full(p, np.inf)
    crit: list[tuple[float, ...]] = []
    for j in range(p):
        jj = np.array([j])
        if method == "exact":
            law = ExactMaxLaw([se], j)
        res = stepdown([t], [family_masks(p, jj, kind)], law, alpha, stepwise=stepwise)
        lo[j], hi[j] = (x[0] for x in rank_bounds(res.rejected[0], p, jj, kind))
        margin[j] = res.margin[j]
        crit.append(res.critical_values)
    return RawSets(lo, hi, crit, margin, method, n_used, stepwise)


def studentisation(
    cov: FloatArray, df: FloatArray, n: int, gen: np.random.Generator
) -> Studentisation:
    """Per-unit variance perturbations ``sqrt(χ²_ν/ν)`` for ``n`` draws (unit-major float32).

    Parameters
    ----------
    cov : numpy.ndarray
        The estimated covariance.
    df : numpy.ndarray
        Degrees of freedom per unit.
    n : int
        Number of draws.
    gen : numpy.random.Generator
        Source of the chi-square draws (:func:`dgi_stats._draws.chi_scales`).

    Returns
    -------
    Studentisation

    Examples
    --------
    >>> st = studentisation(np.eye(2), np.array([5.0, np.inf]), 4, np.random.default_rng(1))
    >>> st.scale.shape, bool((st.scale[1] == 1).all())
    ((2, 4), True)
    """
    return Studentisation(unit_major(chi_scales(df, n, gen)), cov)


def kww_bounds(
    theta: FloatArray,
    se: FloatArray,
    alpha: float,
    *,
    bonferroni: bool,
    decimals: int | None = None,
    df: FloatArray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Klein–Wright–Wieczorek joint rank region from simultaneous intervals (larger = better).

    With ``df`` the per-unit quantiles are Student t with the unit's df (exact for a normal
    estimate with an independent scaled chi-square variance estimate).

    Parameters
    ----------
    theta, se : numpy.ndarray
        Estimates (larger = better) and standard errors.
    alpha : float
        1 − joint confidence level.
    bonferroni : bool
        Bonferroni instead of Šidák.
    decimals : int, optional
        Round the interval bounds before comparing them.
    df : numpy.ndarray, optional
        Degrees of freedom per unit (t quantiles).

    Returns
    -------
    lower, upper : numpy.ndarray
        Rank bounds (int64).

    Examples
    --------
    >>> [b.tolist() for b in kww_bounds(np.array([0.0, 10.0]), np.ones(2), 0.05, bonferroni=False)]
    [[2, 1], [2, 1]]
    """
    p = theta.size
    tail = alpha / (2.0 * p) if bonferroni else (1.0 - (1.0 - alpha) ** (1.0 / p)) / 2.0
    if df is None:
        z = stats.norm.ppf(1.0 - tail)
    else:
        z = np.where(np.isinf(df), stats.norm.ppf(1.0 - tail), stats.t.ppf(1.0 - tail, np.where(np.isinf(df), 1.0, df)))
    lo, hi = theta - z * se, theta + z * se
    if decimals is not None:
        lo, hi = np.round(lo, decimals), np.round(hi, decimals)
    off = ~np.eye(p, dtype=bool)
    above = (lo[None, :] >= hi[:, None]) & off  # [k, j]: j's interval entirely above k's
    below = (hi[None, :] <= lo[:, None]) & off
    return (1 + above.sum(axis=1)).astype(np.int64), (p - below.sum(axis=1)).astype(np.int64)
