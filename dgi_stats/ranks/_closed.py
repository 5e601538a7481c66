"""Closed-testing bound on the rank change of one unit named in advance (docs: methodology, Rank-change tests, Q3b).

For the named unit ``j`` and every other unit ``k`` there are three one-sided statements:

* ``a``: "k was better than j in year 1" (H¹ₖ: θ¹ₖ ≤ θ¹ⱼ rejected), statistic
  ``T¹ₖ = (θ̂¹ₖ − θ̂¹ⱼ) / σ¹ₖ``;
* ``b``: "j is better than k in year 2" (H²ₖ: θ²ₖ ≥ θ²ⱼ rejected), ``T²ₖ = (θ̂²ⱼ − θ̂²ₖ) / σ²ₖ``;
* ``c``: "k did not overtake j", i.e. not (H¹ₖ and H²ₖ), from the difference in differences
  ``Dₖ = (θ̂²ⱼ − θ̂²ₖ) − (θ̂¹ⱼ − θ̂¹ₖ)`` = the sum of the two differences above, whose mean is
  ≤ 0 when both H¹ₖ and H²ₖ hold; ``T³ₖ = Dₖ / σ(Dₖ)``.

The places gained are ``g = Σₖ (aₖ − bₖ)`` with ``aₖ = 1[θ¹ₖ > θ¹ⱼ]`` and ``bₖ = 1[θ²ₖ > θ²ⱼ]``.
A (1 − α) confidence set for the set S of true hypotheses among the H¹ₖ, H²ₖ is the set of S
whose max-statistic local test does not reject (Goeman and Solari 2011): the local test of S takes
the max of the T¹, T² of S and of the T³ of the pairs whose both hypotheses are in S, against the
(1 − α)-quantile of the same max under the least favourable null (all differences zero). The
lower bound is the smallest g over the confidence set. The local critical values grow with S, so
a stepdown over (A, P) — hypotheses still possibly true, pairs whose difference in differences
is not yet rejected — reaches a superset of the confidence set: every S in it lies in A and its
complete pairs in P. Per unit k the bound counts +1 when both H¹ₖ and H²ₖ are rejected, 0 when one
is, or when neither is but Dₖ is, and −1 otherwise. Without the T³ statements this is the
projection bound ``N₁ + N₂ − (p − 1)`` of the classical stepdown.

The law of the max is a Monte Carlo one: centred Gaussian draws of both years jointly (with their
cross-year covariance for a panel), each year's variances studentised as in
:func:`~dgi_stats.ranks.rank_confidence_sets` when its design df are finite.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dgi_stats._draws import chi_scales, covariance_root
from dgi_stats._rng import RNGLike, as_generator
from dgi_stats._typing import BoolArray, FloatArray
from dgi_stats.ranks._common import LARGE_DF

__all__ = [
    "ChangeLaw", "ClosedBound", "change_statistics", "closed_bound", "closed_change_bound",
    "closed_pvalue", "closed_unit",
]

# draws x statistics held at once (float64): ~64 MB
_CHUNK = 8_000_000


def _ratio(num: FloatArray, var: FloatArray) -> FloatArray:
    """num / sqrt(var); ±inf for a zero variance (−inf for an exact tie, as ``pair_t``)."""
    sd = np.sqrt(np.clip(var, 0.0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(sd > 0, num / np.where(sd > 0, sd, 1.0), np.where(num > 0, np.inf, -np.inf))
    return np.asarray(out, dtype=float)


def change_statistics(
    th1: FloatArray, th2: FloatArray, cov1: FloatArray, cov2: FloatArray, cross: FloatArray,
    j: int, s1: FloatArray | None = None, s2: FloatArray | None = None,
) -> FloatArray:
    """The statistics ``[T¹, T², T³]`` of unit ``j`` (each over the other units), per row.

    Parameters
    ----------
    th1, th2 : numpy.ndarray
        ``(n, p)`` estimates (or centred draws) of the two years.
    cov1, cov2 : numpy.ndarray
        The years' ``p x p`` covariances.
    cross : numpy.ndarray
        ``Cov(θ̂¹, θ̂²)`` (rows year 1), zeros for independent samples.
    j : int
        Position of the named unit.
    s1, s2 : numpy.ndarray, optional
        ``(n, p)`` studentisation scales ``sqrt(χ²_ν/ν)``: row r uses ``D Σ D`` as covariance.

    Returns
    -------
    numpy.ndarray
        ``(n, 3 (p − 1))``: T¹ of the other units, then T², then T³.

    Examples
    --------
    >>> th1, th2 = np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]])
    >>> change_statistics(th1, th2, np.eye(2), np.eye(2), np.zeros((2, 2)), 1).round(3).tolist()
    [[0.707, 0.707, 1.0]]
    """
    p = th1.shape[1]
    k = np.delete(np.arange(p), j)
    n = th1.shape[0]
    one = np.ones((n, p))
    s1 = one if s1 is None else s1
    s2 = one if s2 is None else s2
    a1 = th1[:, k] - th1[:, [j]]
    a2 = th2[:, [j]] - th2[:, k]
    sj1, sk1, sj2, sk2 = s1[:, [j]], s1[:, k], s2[:, [j]], s2[:, k]
    v1 = sk1**2 * np.diag(cov1)[k] + sj1**2 * cov1[j, j] - 2.0 * sk1 * sj1 * cov1[k, j]
    v2 = sj2**2 * cov2[j, j] + sk2**2 * np.diag(cov2)[k] - 2.0 * sj2 * sk2 * cov2[j, k]
    # Cov(θ¹ₖ − θ¹ⱼ, θ²ⱼ − θ²ₖ) = X_kj − X_kk − X_jj + X_jk, X = Cov(θ¹, θ²)
    c12 = (sk1 * sj2 * cross[k, j] - sk1 * sk2 * np.diag(cross)[k]
           - sj1 * sj2 * cross[j, j] + sj1 * sk2 * cross[j, k])
    return np.hstack([_ratio(a1, v1), _ratio(a2, v2), _ratio(a1 + a2, v1 + v2 + 2.0 * c12)])


@dataclass
class ChangeLaw:
    """Monte Carlo law of the max of the null statistics of one unit over active sets.

    Draws are made in chunks from per-chunk seeds, so the law of any active set can be recomputed
    without holding ``n x 3 (p − 1)`` statistics when they do not fit; the per-draw maxima of each
    active set are cached (sorted).

    Parameters
    ----------
    cov1, cov2, cross : numpy.ndarray
        The two years' covariances and their cross covariance (rows year 1).
    df1, df2 : numpy.ndarray or None
        Design df per unit of each year (None: not studentised).
    j : int
        Position of the named unit.
    n : int
        Number of draws.
    gen : numpy.random.Generator
        Source of the chunk seeds.

    Examples
    --------
    >>> law = ChangeLaw(np.eye(3), np.eye(3), np.zeros((3, 3)), None, None, 0, 20_000,
    ...                 np.random.default_rng(1))
    >>> 1.9 < law.quantile(np.ones(4, bool), np.ones(2, bool), 0.95) < 2.6
    True
    """

    cov1: FloatArray
    cov2: FloatArray
    cross: FloatArray
    df1: FloatArray | None
    df2: FloatArray | None
    j: int
    n: int
    gen: np.random.Generator
    _seeds: list[int] = field(default_factory=list)
    _cache: dict[bytes, FloatArray] = field(default_factory=dict)
    _stored: FloatArray | None = None

    def __post_init__(self) -> None:
        p = self.cov1.shape[0]
        per = max(1, _CHUNK // max(1, 3 * (p - 1)))
        sizes = [min(per, self.n - s) for s in range(0, self.n, per)]
        self._seeds = [int(s) for s in self.gen.integers(0, 2**63 - 1, size=len(sizes))]
        self._sizes = sizes
        joint = np.block([[self.cov1, self.cross], [self.cross.T, self.cov2]])
        self._root = covariance_root(joint)
        self._sd = np.sqrt(np.clip(np.diag(joint), 0.0, None))
        if len(sizes) == 1:
            self._stored = self._chunk(0)

    def _chunk(self, i: int) -> FloatArray:
        gen = np.random.default_rng(self._seeds[i])
        n, p = self._sizes[i], self.cov1.shape[0]
        z = gen.standard_normal((n, 2 * p))
        z = z * self._sd if self._root is None else z @ self._root.T
        s1 = None if self.df1 is None else chi_scales(self.df1, n, gen)
        s2 = None if self.df2 is None else chi_scales(self.df2, n, gen)
        return change_statistics(z[:, :p], z[:, p:], self.cov1, self.cov2, self.cross, self.j, s1, s2)

    def maxima(self, ab: BoolArray, c: BoolArray) -> FloatArray:
        """Sorted per-draw max over the active T¹, T² (``ab``) and T³ (``c``) statistics.

        Parameters
        ----------
        ab : numpy.ndarray
            ``2 (p − 1)`` booleans: active T¹ then T².
        c : numpy.ndarray
            ``p − 1`` booleans: active T³.

        Returns
        -------
        numpy.ndarray
        """
        cols = np.flatnonzero(np.concatenate([ab, c]))
        key = cols.tobytes()
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        if cols.size == 0:
            out = np.full(self.n, -np.inf)
        elif self._stored is not None:
            out = self._stored[:, cols].max(axis=1)
        else:
            out = np.concatenate([self._chunk(i)[:, cols].max(axis=1) for i in range(len(self._sizes))])
        out = np.sort(out)
        if len(self._cache) > 256:
            self._cache.clear()
        self._cache[key] = out
        return out

    def quantile(self, ab: BoolArray, c: BoolArray, q: float) -> float:
        """Empirical q-quantile of the max (numpy 'linear', R type 7, as the other rank laws).

        Parameters
        ----------
        ab, c : numpy.ndarray
            Active statistics, as in :meth:`maxima`.
        q : float
            Probability.

        Returns
        -------
        float
        """
        m = self.maxima(ab, c)
        if not np.isfinite(m).any():
            return -np.inf
        h = (m.size - 1) * q
        lo = int(np.floor(h))
        hi = min(lo + 1, m.size - 1)
        if not np.isfinite(m[hi]):
            return float(m[hi])
        return float(m[lo] + (h - lo) * (m[hi] - m[lo]))


@dataclass(frozen=True)
class ClosedBound:
    """Outcome of :func:`closed_bound` for one unit and one direction.

    Parameters
    ----------
    lower : int
        Lower confidence bound on the places gained.
    rejected : numpy.ndarray
        ``3 (p − 1)`` booleans: the statements established (T¹, T², T³).
    critical_values : tuple of float
        Critical value of every step.
    margin : float
        Smallest distance of an active statistic from the critical value of its step.

    Examples
    --------
    >>> ClosedBound(1, np.zeros(3, bool), (2.0,), 0.5).lower
    1
    """

    lower: int
    rejected: BoolArray
    critical_values: tuple[float, ...]
    margin: float


def closed_bound(stats: FloatArray, law: ChangeLaw, alpha: float) -> ClosedBound:
    """The (1 − α) lower confidence bound on the places gained (module docstring).

    Parameters
    ----------
    stats : numpy.ndarray
        Observed ``[T¹, T², T³]`` (:func:`change_statistics`, one row).
    law : ChangeLaw
        Law of the null max.
    alpha : float
        Error rate.

    Returns
    -------
    ClosedBound

    Examples
    --------
    >>> law = ChangeLaw(np.eye(2), np.eye(2), np.zeros((2, 2)), None, None, 1, 20_000,
    ...                 np.random.default_rng(1))
    >>> closed_bound(np.array([5.0, 5.0, 7.0]), law, 0.05).lower
    1
    """
    m = stats.size // 3
    t12, t3 = stats[: 2 * m], stats[2 * m:]
    ab = np.ones(2 * m, dtype=bool)
    pairs = np.ones(m, dtype=bool)
    crit: list[float] = []
    margin = np.inf
    while True:
        c = law.quantile(ab, pairs, 1.0 - alpha)
        crit.append(c)
        act = np.concatenate([t12[ab], t3[pairs]])
        dist = np.abs(act - c)
        dist = dist[np.isfinite(dist)]
        if dist.size:
            margin = min(margin, float(dist.min()))
        new_ab = ab & ~(t12 > c)
        new_pairs = pairs & new_ab[:m] & new_ab[m:] & ~(t3 > c)
        if np.array_equal(new_ab, ab) and np.array_equal(new_pairs, pairs):
            break
        ab, pairs = new_ab, new_pairs
    out1, out2 = ~ab[:m], ~ab[m:]
    both = out1 & out2
    none = ab[:m] & ab[m:] & pairs
    lower = int(both.sum() - none.sum())
    rejected = np.concatenate([out1, out2, ab[:m] & ab[m:] & ~pairs])
    return ClosedBound(lower, rejected, tuple(crit), margin)


def closed_pvalue(stats: FloatArray, law: ChangeLaw, need: int = 1, tol: float = 1e-5) -> float:
    """Smallest α at which the bound reaches ``need`` places (bisection; the bound grows with α).

    Parameters
    ----------
    stats : numpy.ndarray
        Observed statistics.
    law : ChangeLaw
        Law of the null max.
    need : int
        Places. default: 1.
    tol : float
        Precision of the bisection. default: 1e-5.

    Returns
    -------
    float

    Examples
    --------
    >>> law = ChangeLaw(np.eye(2), np.eye(2), np.zeros((2, 2)), None, None, 1, 20_000,
    ...                 np.random.default_rng(1))
    >>> closed_pvalue(np.array([5.0, 5.0, 7.0]), law) < 1e-3
    True
    """
    if closed_bound(stats, law, 1.0 - 1e-12).lower < need:
        return 1.0
    lo, hi = 0.0, 1.0
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        if closed_bound(stats, law, mid).lower >= need:
            hi = mid
        else:
            lo = mid
    return float(hi)


def closed_unit(
    j: int, th: list[FloatArray], covs: list[FloatArray], cross: FloatArray, alpha: float, n: int,
    gen: np.random.Generator, dfs: list[FloatArray | None],
) -> dict[str, Any]:
    """Closed-testing bounds of one named unit (module :mod:`dgi_stats.ranks._closed`)."""
    law = ChangeLaw(covs[0], covs[1], cross, dfs[0], dfs[1], j, n, gen)

    def stats(sign: float) -> FloatArray:
        x1, x2 = sign * th[0][None, :], sign * th[1][None, :]
        return change_statistics(x1, x2, covs[0], covs[1], cross, j)[0]

    rise, fall = stats(1.0), stats(-1.0)
    up, down = closed_bound(rise, law, alpha), closed_bound(fall, law, alpha)
    return {
        "places_gained_lower": up.lower, "places_gained_upper": -down.lower,
        "places_gained_ci_low": closed_bound(rise, law, alpha / 2.0).lower,
        "places_gained_ci_high": -closed_bound(fall, law, alpha / 2.0).lower,
        "pvalue": closed_pvalue(rise, law), "pvalue_decline": closed_pvalue(fall, law),
        "margin": min(up.margin, down.margin), "crit": up.critical_values,
    }


def closed_change_bound(
    theta1: FloatArray, theta2: FloatArray, cov1: FloatArray, cov2: FloatArray, j: int, *,
    df1: FloatArray | None = None, df2: FloatArray | None = None, cross: FloatArray | None = None,
    confidence_level: float = 0.95, n_draws: int = 1000, rng: RNGLike = None,
) -> int:
    """The closed procedure's lower bound on the places gained by unit ``j``, on plain arrays.

    The bound of ``rank_change_test(..., unit=..., procedure="closed")`` without its table,
    p-values and rank sets: what a power simulation needs (no validation beyond shapes; larger
    is better).

    Parameters
    ----------
    theta1, theta2 : numpy.ndarray
        The two years' estimates (p each).
    cov1, cov2 : numpy.ndarray
        Their estimated p x p covariances.
    j : int
        Position of the unit.
    df1, df2 : numpy.ndarray, optional
        Design df per unit (None or all above 100: critical values not studentised).
    cross : numpy.ndarray, optional
        ``Cov(θ̂¹, θ̂²)``, rows year 1 (a panel). default: None (independent years).
    confidence_level : float
        1 − α. default: 0.95.
    n_draws : int
        Monte Carlo draws. default: 1000.
    rng : int, Generator or None
        default: None.

    Returns
    -------
    int

    Examples
    --------
    >>> th1, th2 = np.array([0.0, 10.0, 20.0]), np.array([30.0, 10.0, 20.0])
    >>> closed_change_bound(th1, th2, np.eye(3), np.eye(3), 0, rng=1)
    2
    """
    p = theta1.size
    dfs = [None if d is None or bool((np.asarray(d) > LARGE_DF).all()) else np.asarray(d, float)
           for d in (df1, df2)]
    x = np.zeros((p, p)) if cross is None else cross
    law = ChangeLaw(cov1, cov2, x, dfs[0], dfs[1], j, n_draws, as_generator(rng))
    stats_ = change_statistics(theta1[None, :], theta2[None, :], cov1, cov2, x, j)[0]
    return closed_bound(stats_, law, 1.0 - confidence_level).lower
