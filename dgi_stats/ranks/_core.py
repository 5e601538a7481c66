"""Computational core of rank inference: pairwise statistics, max-statistic laws, stepdown.

Everything here works on plain arrays. A *family* of one-sided pairwise hypotheses is a list of
boolean ``p x p`` masks, one per block (a block is one survey year; the rank-change tests use two);
``mask[a, b]`` means the hypothesis H(a▷b): "θ_a ≤ θ_b", whose rejection is the claim "a is truly
better than b". The statistic is ``T[a, b] = (θ̂_a − θ̂_b) / σ_ab``. The critical value of an active
family is the (1 − α)-quantile of the max over the family of the same standardised differences of a
centred Gaussian vector with the estimated covariance (methods spec §1.2), computed either exactly by
quadrature (§1.3: diagonal covariance, every pair containing the same unit) or by Monte Carlo.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from scipy import optimize, special

from dgi_stats._typing import BoolArray, FloatArray

__all__ = [
    "ExactMaxLaw",
    "MaxLaw",
    "MonteCarloMaxLaw",
    "StepdownResult",
    "Studentisation",
    "adjusted_pvalues",
    "count_pvalue",
    "is_diagonal",
    "pair_sd",
    "pair_t",
    "std_errors",
    "stepdown",
]

# quadrature of methods spec §1.3: a uniform grid with trapezoid weights. The spec's grid is 8001
# nodes on [-10, 10] (step 0.0025). For c > 0 the integrand is smooth (analytic), and the
# trapezoid rule on a Gaussian-weighted analytic integrand converges geometrically: with a step of
# 1/10 of the narrowest feature of the integrand (width s_k / s_j in z units), capped at 0.05, the
# result agrees with the 8001-node grid to ~1e-12 (checked in the tests). A pair family with both
# orientations of a pair at c <= 0 (kinks from the max(0, .)) and s_j = 0 use the fine grid.
_FINE_STEP = 0.0025


@functools.lru_cache(maxsize=64)
def _grid_n(n: int) -> tuple[FloatArray, FloatArray]:
    z = np.linspace(-10.0, 10.0, n)
    w = np.full(n, z[1] - z[0]) * np.exp(-0.5 * z**2) / np.sqrt(2 * np.pi)
    w[[0, -1]] *= 0.5
    keep = w > 1e-300
    return z[keep], w[keep]


def _grid(step: float) -> tuple[FloatArray, FloatArray]:
    """Uniform grid on [−10, 10] with spacing <= step (node counts rounded up to a multiple of 50)."""
    n = int(np.ceil(20.0 / step / 50.0)) * 50 + 1
    return _grid_n(n)


# elements per temporary array in the Monte Carlo max computation (~32 MB of float64)
_CHUNK = 4_000_000


def is_diagonal(cov: FloatArray) -> bool:
    """True when every off-diagonal entry of ``cov`` is exactly zero."""
    return bool(np.count_nonzero(cov) == np.count_nonzero(np.diagonal(cov)))


def std_errors(cov: FloatArray) -> FloatArray:
    """Standard errors sqrt(Σ_aa) (negative rounding noise on the diagonal read as 0)."""
    return np.sqrt(np.clip(np.diag(cov), 0.0, None))


def _inverse_sd(s: FloatArray) -> FloatArray:
    """1/s elementwise, 0 where s = 0 (a pair with no sampling variance adds nothing to a max)."""
    return np.where(s > 0, 1.0 / np.where(s > 0, s, 1.0), 0.0)


def pair_sd(cov: FloatArray) -> FloatArray:
    """Matrix of pairwise standard deviations σ_ab = sqrt(Σ_aa + Σ_bb − 2Σ_ab) (0 on the diagonal)."""
    d = np.diag(cov)
    v = d[:, None] + d[None, :] - 2.0 * cov
    np.fill_diagonal(v, 0.0)
    return np.sqrt(np.clip(v, 0.0, None))


def pair_t(theta: FloatArray, sd: FloatArray) -> FloatArray:
    """Matrix of pairwise statistics T_ab = (θ̂_a − θ̂_b)/σ_ab; ±inf (or −inf for equal) when σ_ab = 0."""
    diff = theta[:, None] - theta[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        t = diff / sd
    zero = sd == 0
    t[zero] = np.where(diff[zero] > 0, np.inf, -np.inf)
    return t


class MaxLaw(Protocol):
    """Law of the max statistic over an active family (one mask per block)."""

    def cdf(self, active: Sequence[BoolArray], t: float) -> float:
        """P(M(active) ≤ t)."""
        ...

    def quantile(self, active: Sequence[BoolArray], q: float) -> float:
        """q-quantile of M(active)."""
        ...


# ---------------------------------------------------------------------------------------- exact
@dataclass
class ExactMaxLaw:
    """Exact law (quadrature, methods spec §1.3) for families whose pairs all contain unit ``j``.

    Each block (year) has its own vector of standard errors; blocks are independent, so the law of
    the max over the union is the product of the blocks' laws.
    """

    se: Sequence[FloatArray]
    j: int
    fine: bool = False
    _prep_cache: dict[tuple[int, bytes, bool], tuple[list[tuple[FloatArray, FloatArray, bool, bool, bool]], FloatArray]] = field(default_factory=dict)

    def _prepare(
        self, g: int, up: BoolArray, down: BoolArray, nonpos: bool
    ) -> tuple[list[tuple[FloatArray, FloatArray, bool, bool, bool]], FloatArray]:
        """Grid-dependent arrays of one block: per row group (U = s_j z / s_k, R = σ_jk / s_k)."""
        key = (g, np.packbits(np.concatenate([up, down])).tobytes(), nonpos)
        hit = self._prep_cache.get(key)
        if hit is not None:
            return hit
        se = self.se[g]
        sj = se[self.j]
        others = np.flatnonzero(up | down)
        sk_all = se[others]
        two_sided = bool((up[others] & down[others]).any())
        if self.fine or sj == 0 or (nonpos and two_sided):
            step = _FINE_STEP
        else:
            narrow = float(np.min(sk_all)) / sj / 10.0 if sk_all.size else 0.05
            step = float(np.clip(narrow, _FINE_STEP, 0.05))
        grid, weights = _grid(step)
        groups = []
        for rows, use_a, use_b in (
            (up[others] & down[others], True, True),
            (up[others] & ~down[others], True, False),
            (~up[others] & down[others], False, True),
        ):
            if not rows.any():
                continue
            sk = sk_all[rows][:, None]
            sjk = np.sqrt(sj**2 + sk_all[rows] ** 2)[:, None]
            with np.errstate(divide="ignore", invalid="ignore"):
                u = sj * grid[None, :] / sk
                r = sjk / sk
            groups.append((u, r, use_a, use_b, bool((sk == 0).any())))
        if len(self._prep_cache) > 256:
            self._prep_cache.clear()
        self._prep_cache[key] = (groups, weights)
        return groups, weights

    def _block_cdf(self, g: int, up: BoolArray, down: BoolArray, c: float) -> float:
        if not (up.any() or down.any()):
            return 1.0
        groups, weights = self._prepare(g, up, down, c <= 0)
        prod = np.ones(weights.size)
        for u, r, use_a, use_b, zero in groups:
            with np.errstate(divide="ignore", invalid="ignore"):
                cr = c * r
                term = special.ndtr(u + cr) if use_a else np.ones((1, weights.size))
                if use_b:
                    term = term - special.ndtr(u - cr)
            if zero:
                term = np.nan_to_num(term, nan=0.0)
            np.clip(term, 0.0, None, out=term)
            prod *= np.prod(term, axis=0)
        return float(min(1.0, np.dot(weights, prod)))

    def cdf(self, active: Sequence[BoolArray], t: float) -> float:
        """P(M(active) ≤ t) by quadrature; product over independent blocks."""
        if not np.isfinite(t):
            return 1.0 if t > 0 else 0.0
        out = 1.0
        for g, mask in enumerate(active):
            out *= self._block_cdf(g, mask[:, self.j], mask[self.j, :], t)
        return out

    def quantile(self, active: Sequence[BoolArray], q: float) -> float:
        """Root of P(M ≤ c) = q (brentq, tolerance 1e−10).

        For q > 1/2 the root lies between the quantile of one N(0, 1) and the Bonferroni bound
        over the m active pairs, which gives a narrow bracket; otherwise [−5, 12].
        """
        f = lambda c: self.cdf(active, c) - q
        m = int(sum(int(a[:, self.j].sum() + a[self.j, :].sum()) for a in active))
        if m == 0:
            return -np.inf
        if q > 0.5:
            lo = float(special.ndtri(q)) - 1e-6
            hi = float(special.ndtri(1.0 - (1.0 - q) / m)) + 1e-6
        else:
            lo, hi = -5.0, 12.0
        if f(lo) >= 0:
            return lo
        if f(hi) <= 0:
            return hi
        return float(optimize.brentq(f, lo, hi, xtol=1e-10))


# ---------------------------------------------------------------------------------- Monte Carlo
@dataclass(frozen=True)
class Studentisation:
    """Per-draw variance perturbation of one block: the studentised max statistic.

    ``scale`` (p x n_draws, unit-major) holds ``d = sqrt(χ²_ν/ν)`` per unit and draw; the variance
    estimate of the draw is ``D Σ̂ D`` (``D = diag(d)``), so a pair's standard deviation in draw r is
    ``sqrt(d_a² Σ_aa + d_b² Σ_bb − 2 d_a d_b Σ_ab)``. ``cov`` is the block's estimated covariance.
    """

    scale: FloatArray
    cov: FloatArray


def _std_diff(
    zt: FloatArray, sa: np.ndarray, sb: np.ndarray, cs: slice, si: FloatArray, flag: bool,
    stud: Studentisation | None,
) -> FloatArray:
    """Standardised differences (z_a − z_b)/σ_ab of pairs ``sa, sb`` over the draws ``cs``.

    ``si`` is 1/σ_ab (fixed σ, known covariance) as a column; with ``stud`` the σ of each draw is
    rebuilt from the perturbed variances instead. ``flag``: both orientations (absolute value).
    """
    d = zt[sa, cs] - zt[sb, cs]
    if flag:
        np.abs(d, out=d)
    if stud is None:
        d *= si
        return d
    ds_a = stud.scale[sa, cs]
    ds_b = stud.scale[sb, cs]
    c = stud.cov
    va = np.diagonal(c)[sa][:, None].astype(d.dtype)
    vb = np.diagonal(c)[sb][:, None].astype(d.dtype)
    cab = c[sa, sb][:, None].astype(d.dtype)
    den = ds_a * ds_a * va + ds_b * ds_b * vb - 2.0 * ds_a * ds_b * cab
    np.clip(den, 0.0, None, out=den)
    np.sqrt(den, out=den)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.where(den > 0, d / np.where(den > 0, den, 1.0), -np.inf).astype(d.dtype)
    return d


def _max_over_pairs(
    zt: FloatArray, ia: np.ndarray, ib: np.ndarray, inv: FloatArray, sym: np.ndarray | None = None,
    stud: Studentisation | None = None,
) -> FloatArray:
    """max over the listed pairs of (z_a − z_b)·inv_ab for every draw, chunked.

    ``zt`` is unit-major (p x n_draws) so that gathering a pair's two rows is contiguous. Pairs
    flagged in ``sym`` stand for both orientations (a, b) and (b, a): |z_a − z_b|·inv_ab. With
    ``stud`` each draw has its own pair standard deviations (:class:`Studentisation`).
    """
    n = zt.shape[1]
    out = np.full(n, -np.inf)
    if sym is None:
        sym = np.zeros(ia.size, dtype=bool)
    for flag in (True, False):
        sel = sym == flag
        pa, pb, pi = ia[sel], ib[sel], inv[sel]
        if pa.size == 0:
            continue
        pair_chunk = max(1, min(pa.size, _CHUNK // min(n, 8192)))
        col_chunk = max(1, min(n, _CHUNK // pair_chunk))
        for p0 in range(0, pa.size, pair_chunk):
            sl = slice(p0, p0 + pair_chunk)
            sa, sb, si = pa[sl], pb[sl], pi[sl][:, None].astype(zt.dtype)
            for c0 in range(0, n, col_chunk):
                cs = slice(c0, c0 + col_chunk)
                d = _std_diff(zt, sa, sb, cs, si, flag, stud)
                np.maximum(out[cs], d.max(axis=0), out=out[cs], casting="unsafe")
    return out


def _pair_list(mask: BoolArray, sd: FloatArray) -> tuple[np.ndarray, np.ndarray, FloatArray, np.ndarray]:
    """Pairs of ``mask`` with both orientations merged into one 'symmetric' pair."""
    both = mask & mask.T
    upper = np.triu(both, 1)
    single = mask & ~both
    ia1, ib1 = np.nonzero(upper)
    ia2, ib2 = np.nonzero(single)
    ia = np.concatenate([ia1, ia2])
    ib = np.concatenate([ib1, ib2])
    sym = np.concatenate([np.ones(ia1.size, bool), np.zeros(ia2.size, bool)])
    return ia, ib, _inverse_sd(sd[ia, ib]), sym


def _max_pruned_diag(
    z: FloatArray, se0: FloatArray, mask: BoolArray, k_top: int = 48, scale: FloatArray | None = None
) -> FloatArray:
    """Exact per-draw max of (z_a − z_b)/σ_ab over ``mask`` for a diagonal covariance, by pruning.

    For each draw a lower bound m0 is taken from the pairs among the most extreme units; a pair can
    beat m0 > 0 only if z_a − z_b > m0·σ_ab ≥ m0·(s_a + s_b)/√2, i.e. u_a > v_b with
    u = z − k·s, v = z + k·s, k = m0/√2; those candidate pairs are enumerated from sorted v and
    evaluated exactly. Nothing of size draws x pairs is ever built. With ``scale`` (p x n, the
    studentisation of :class:`Studentisation`) draw r uses the standard errors ``se0 * scale[:, r]``.
    """
    p, n = z.shape
    out = np.empty(n)
    k_top = min(k_top, p)
    rows_any = mask.any(axis=1)
    cols_any = mask.any(axis=0)
    ridx = np.flatnonzero(rows_any)
    cidx = np.flatnonzero(cols_any)
    for r in range(n):
        zr = z[:, r].copy()
        se = se0 if scale is None else se0 * scale[:, r]
        s2 = se**2
        # candidate extremes: largest z (and z/s) among rows, smallest among columns
        zr_rows, zr_cols = zr[ridx], zr[cidx]
        with np.errstate(divide="ignore", invalid="ignore"):
            top = np.unique(
                np.concatenate(
                    [
                        ridx[np.argpartition(-zr_rows, k_top - 1)[:k_top]]
                        if ridx.size > k_top
                        else ridx,
                        ridx[np.argpartition(-zr_rows / se[ridx], k_top - 1)[:k_top]]
                        if ridx.size > k_top
                        else ridx,
                    ]
                )
            )
            bot = np.unique(
                np.concatenate(
                    [
                        cidx[np.argpartition(zr_cols, k_top - 1)[:k_top]]
                        if cidx.size > k_top
                        else cidx,
                        cidx[np.argpartition(zr_cols / se[cidx], k_top - 1)[:k_top]]
                        if cidx.size > k_top
                        else cidx,
                    ]
                )
            )
            blk = (zr[top][:, None] - zr[bot][None, :]) / np.sqrt(s2[top][:, None] + s2[bot][None, :])
        blk = np.where(mask[np.ix_(top, bot)] & np.isfinite(blk), blk, -np.inf)
        m0 = float(blk.max()) if blk.size else -np.inf
        if not m0 > 0:
            ia, ib = np.nonzero(mask)
            with np.errstate(divide="ignore"):
                inv = 1.0 / np.sqrt(s2[ia] + s2[ib])
            inv[~np.isfinite(inv)] = 0.0
            out[r] = max(m0, float(_max_over_pairs(zr[:, None], ia, ib, inv)[0]))
            continue
        k = m0 / np.sqrt(2.0)
        u = zr[ridx] - k * se[ridx]
        v = zr[cidx] + k * se[cidx]
        order = np.argsort(v)
        vs = v[order]
        cnt = np.searchsorted(vs, u, side="left")
        total = int(cnt.sum())
        if total == 0:
            out[r] = m0
            continue
        a = np.repeat(ridx, cnt)
        starts = np.repeat(np.cumsum(cnt) - cnt, cnt)
        pos = np.arange(total) - starts
        b = cidx[order[pos]]
        keep = mask[a, b]
        a, b = a[keep], b[keep]
        if a.size == 0:
            out[r] = m0
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            vals = (zr[a] - zr[b]) / np.sqrt(s2[a] + s2[b])
        vals = vals[np.isfinite(vals)]
        out[r] = max(m0, float(vals.max())) if vals.size else m0
    return out


@dataclass
class MonteCarloMaxLaw:
    """Monte Carlo law of the max statistic from centred Gaussian draws, one array per block.

    ``draws[g]`` has shape (p, n_resamples) (unit-major); ``sd[g]`` is the pairwise SD matrix of
    block g.
    Maxima are cached per active family, so the stepdown and the p-value searches reuse them.
    """

    draws: Sequence[FloatArray]
    sd: Sequence[FloatArray]
    diag_se: Sequence[FloatArray | None]
    stud: Sequence[Studentisation | None] = ()
    _cache: dict[bytes, FloatArray] = field(default_factory=dict)

    def _stud(self, g: int) -> Studentisation | None:
        return self.stud[g] if self.stud else None

    def maxima(self, active: Sequence[BoolArray]) -> FloatArray:
        """Per-draw max of the standardised differences over the active family (all blocks)."""
        key = b"".join(np.packbits(m).tobytes() for m in active)
        if key in self._cache:
            return self._cache[key]
        n = self.draws[0].shape[1]
        out = np.full(n, -np.inf)
        for g, (z, sd, se, mask) in enumerate(zip(self.draws, self.sd, self.diag_se, active)):
            n_active = int(mask.sum())
            if n_active == 0:
                continue
            stud = self._stud(g)
            if se is not None and n_active * n > 50_000_000 and mask.shape[0] > 64:
                m = _max_pruned_diag(z, se, mask, scale=None if stud is None else stud.scale)
            else:
                ia, ib, inv, sym = _pair_list(mask, sd)
                m = _max_over_pairs(z, ia, ib, inv, sym, stud)
            np.maximum(out, m, out=out)
        if len(self._cache) > 64:
            self._cache.clear()
        self._cache[key] = out
        return out

    def suffix_cdf(
        self, gs: np.ndarray, ia: np.ndarray, ib: np.ndarray, tv: FloatArray,
        rest: FloatArray | None = None,
    ) -> FloatArray:
        """Empirical P(max over pairs l.. ≤ tv[l]) for every l, pairs listed in stepdown order.

        One pass over the draws: the per-draw maxima of all the nested families are suffix maxima
        of the pairs' statistics. ``rest`` (one value per draw): the max over further pairs that
        follow the listed ones (included in every suffix).
        """
        n = self.draws[0].shape[1]
        m = tv.size
        counts = np.zeros(m)
        inv = np.empty(m)
        for g, sd in enumerate(self.sd):
            sel = gs == g
            inv[sel] = _inverse_sd(sd[ia[sel], ib[sel]])
        col_chunk = max(1, min(n, _CHUNK // max(m, 1)))
        for c0 in range(0, n, col_chunk):
            cs = slice(c0, c0 + col_chunk)
            d = np.empty((m, min(col_chunk, n - c0)), dtype=self.draws[0].dtype)
            for g, z in enumerate(self.draws):
                sel = np.flatnonzero(gs == g)
                d[sel] = _std_diff(
                    z, ia[sel], ib[sel], cs, inv[sel][:, None].astype(d.dtype), False, self._stud(g)
                )
            suffix = np.maximum.accumulate(d[::-1], axis=0)[::-1]
            if rest is not None:
                np.maximum(suffix, rest[cs][None, :], out=suffix)
            counts += (suffix <= tv[:, None]).sum(axis=1)
        return counts / n

    def cdf(self, active: Sequence[BoolArray], t: float) -> float:
        """Empirical P(M ≤ t)."""
        return float(np.mean(self.maxima(active) <= t))

    def quantile(self, active: Sequence[BoolArray], q: float) -> float:
        """Empirical q-quantile (numpy 'linear' = R type 7, as csranks)."""
        m = self.maxima(active)
        if not np.isfinite(m).any():
            return -np.inf
        return float(np.quantile(m, q))


# ------------------------------------------------------------------------------------- stepdown
@dataclass(frozen=True)
class StepdownResult:
    """Outcome of the stepdown: rejected masks, critical value per step, margin per unit."""

    rejected: list[BoolArray]
    critical_values: tuple[float, ...]
    margin: FloatArray


def stepdown(
    t: Sequence[FloatArray],
    family: Sequence[BoolArray],
    law: MaxLaw,
    alpha: float,
    *,
    stepwise: bool = True,
) -> StepdownResult:
    """Romano–Wolf stepdown over the family (methods spec §1.2 step 3; strict ``T > c``)."""
    p = family[0].shape[0]
    active = [f.copy() for f in family]
    rejected = [np.zeros_like(f) for f in family]
    crit: list[float] = []
    margin = np.full(p, np.inf)
    while any(a.any() for a in active):
        c = law.quantile(active, 1.0 - alpha)
        crit.append(c)
        new_any = False
        for g, (tg, ag) in enumerate(zip(t, active)):
            if not ag.any():
                continue
            dist = np.where(ag, np.abs(tg - c), np.inf)
            dist[~np.isfinite(dist)] = np.inf
            np.minimum(margin, dist.min(axis=1), out=margin)
            np.minimum(margin, dist.min(axis=0), out=margin)
            new = ag & (tg > c)
            if new.any():
                new_any = True
                rejected[g] |= new
                ag &= ~new
        if not new_any or not stepwise:
            break
    return StepdownResult(rejected, tuple(crit), margin)


def _pairs_by_t(
    t: Sequence[FloatArray], family: Sequence[BoolArray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, FloatArray]:
    """The pairs of the family as (block, a, b, T) arrays, in decreasing order of T (stable)."""
    gs_l, ia_l, ib_l, tl = [], [], [], []
    for g, (tg, f) in enumerate(zip(t, family)):
        a, b = np.nonzero(f)
        gs_l.append(np.full(a.size, g))
        ia_l.append(a)
        ib_l.append(b)
        tl.append(np.asarray(tg[a, b], dtype=float))
    gs, ia, ib = np.concatenate(gs_l), np.concatenate(ia_l), np.concatenate(ib_l)
    tv = np.concatenate(tl)
    order = np.argsort(-tv, kind="stable")
    return gs[order], ia[order], ib[order], tv[order]


#: Families with more pairs than this get the adjusted p-values of their tail without a pass over
#: every pair and draw (:func:`_monte_carlo_raw`).
HEAD_PAIRS = 200_000


def _monte_carlo_raw(
    law: MonteCarloMaxLaw, family: Sequence[BoolArray], gs: np.ndarray, ia: np.ndarray,
    ib: np.ndarray, tv: FloatArray,
) -> FloatArray:
    """``F_{I_l}(t_(l))`` for every position l, or 0 where the adjusted p-value is already 1.

    For a large family (thousands of units), the pairs after a cut ``L`` whose suffix max exceeds
    ``t_(L)`` in every draw have adjusted p-value 1 (the running max of ``1 − F`` reaches 1 at
    ``L``), and the suffix maxima of the pairs before ``L`` are their own suffix maxima combined
    with the max over the pairs from ``L`` on (from the law's pruned maxima). Equal to the
    one-pass computation (the maxima are the same numbers); used when the family has more than
    :data:`HEAD_PAIRS` pairs and a cut is found.
    """
    m = tv.size
    if m <= HEAD_PAIRS:
        return law.suffix_cdf(gs, ia, ib, tv)
    floor = float(np.min(law.maxima(family)))
    for tau in (0.5 * floor, 0.25 * floor, 0.0):
        cut = int(np.searchsorted(-tv, -tau, side="right"))  # first position with t <= tau
        if cut >= m or cut > m // 2:  # no tail worth skipping
            continue
        rest_masks = [np.zeros_like(f) for f in family]
        for g, mask in enumerate(rest_masks):
            sel = np.flatnonzero(gs[cut:] == g) + cut
            mask[ia[sel], ib[sel]] = True
        rest = law.maxima(rest_masks)
        if float(np.min(rest)) > float(tv[cut]):
            raw = np.zeros(m)
            if cut:
                raw[:cut] = law.suffix_cdf(gs[:cut], ia[:cut], ib[:cut], tv[:cut], rest=rest)
            return raw
    return law.suffix_cdf(gs, ia, ib, tv)


def adjusted_pvalues(
    t: Sequence[FloatArray], family: Sequence[BoolArray], law: MaxLaw
) -> list[FloatArray]:
    """Stepdown-adjusted p-values of every pair of the family, one ``p x p`` array per block.

    The stepdown rejects pairs in decreasing order of T; the pair in position l (0-based) is
    rejected at level α iff its adjusted p-value ``max_{i <= l} (1 − F_{I_i}(t_(i)))`` is below α,
    where ``I_i`` is the family without the i pairs of largest T. Entries outside the family are NaN.
    """
    gs, ia, ib, tv = _pairs_by_t(t, family)
    if isinstance(law, MonteCarloMaxLaw):
        raw = _monte_carlo_raw(law, family, gs, ia, ib, tv)
    else:
        active = [f.copy() for f in family]
        raw = np.empty(tv.size)
        for pos in range(tv.size):
            raw[pos] = law.cdf(active, float(tv[pos]))
            active[gs[pos]][ia[pos], ib[pos]] = False
    adj = np.minimum(np.maximum.accumulate(1.0 - raw), 1.0)
    out = [np.full(f.shape, np.nan) for f in family]
    for g in range(len(family)):
        sel = gs == g
        out[g][ia[sel], ib[sel]] = adj[sel]
    return out


def count_pvalue(
    t: Sequence[FloatArray], family: Sequence[BoolArray], law: MaxLaw, need: int
) -> float:
    """p-value of "the stepdown over ``family`` makes at least ``need`` rejections".

    Equals the stepdown-adjusted p-value of the pair in position ``need`` (pairs in decreasing
    order of T): ``max_{i < need} (1 − F_{I_i}(t_(i)))``. Terms whose Bonferroni bound
    ``|I_i|·(1 − Φ(t_(i)))`` cannot exceed the running maximum are skipped (they cannot change it).
    """
    if need <= 0:
        return 0.0
    gs, ia, ib, tv = _pairs_by_t(t, family)
    if need > tv.size:
        return 1.0
    m = tv.size
    best = 0.0
    # the normal-tail Bonferroni bound is not a bound for a studentised law (heavier tails)
    can_skip = not getattr(law, "stud", ())
    for i in range(need - 1, -1, -1):
        bound = (m - i) * float(special.ndtr(-tv[i])) if np.isfinite(tv[i]) else (
            0.0 if tv[i] > 0 else 1.0
        )
        if can_skip and i < need - 1 and bound <= best:
            continue
        active = [f.copy() for f in family]
        for k in range(i):
            active[gs[k]][ia[k], ib[k]] = False
        best = max(best, 1.0 - law.cdf(active, float(tv[i])))
    return float(min(best, 1.0))
