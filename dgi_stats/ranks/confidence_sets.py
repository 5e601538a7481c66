"""Confidence sets for ranks (Mogstad, Romano, Shaikh & Wilhelm, 2024) and their simple variants.

A confidence set for the rank of a unit is an interval ``[lower, upper]`` of rank numbers that contains
the unit's true rank with probability at least ``confidence_level``: *marginally* (one unit named in advance)
or *simultaneously* (all units of a league table at once). All sets are built by testing one-sided
pairwise hypotheses "θ_a ≤ θ_b" with family-wise error control and counting the claims:
``lower = 1 + #units claimed better``, ``upper = p − #units claimed worse``.

Ranks are competition ranks: rank 1 = highest estimate (``lower_is_better=True`` reverses this), ties
share the best rank (scores 10, 10, 5 → ranks 1, 1, 3).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from dgi_stats._draws import chi_scales, gaussian_draws
from dgi_stats._results import CoverageAlias, Summary, frame_repr
from dgi_stats._rng import RNGLike, as_generator, generator_state
from dgi_stats._typing import BoolArray, FloatArray
from dgi_stats._validation import check_choice, check_positive_int, check_probability
from dgi_stats.exceptions import DGIError
from dgi_stats.ranks._core import (
    ExactMaxLaw,
    MaxLaw,
    MonteCarloMaxLaw,
    Studentisation,
    competition_rank,
    is_diagonal,
    pair_sd,
    pair_t,
    std_errors,
    stepdown,
)
from dgi_stats.ranks._input import LARGE_DF, RankInput, confidence_level_from, prepare
from dgi_stats.scores.pivot import satterthwaite_df

__all__ = [
    "RankConfidenceSets",
    "TauSet",
    "kww_confidence_sets",
    "rank_confidence_sets",
    "tau_best",
    "tau_worst",
]

Kind = Literal["two-sided", "lower", "upper"]
_KINDS = ("two-sided", "lower", "upper")
_METHODS = ("auto", "exact", "monte-carlo", "holm", "bonferroni", "tukey", "kww", "kww-bonferroni")


# ------------------------------------------------------------------------------------ results
@dataclass(frozen=True, slots=True, repr=False)
class RankConfidenceSets(CoverageAlias):
    """Confidence sets for ranks: ``[lower, upper]`` per unit.

    Attributes
    ----------
    units : pandas.Index
        The units, in input order.
    estimate, std_error : pandas.Series
        Point estimates and standard errors (input orientation).
    rank : pandas.Series
        Competition rank of each estimate (1 = best; ties share the best rank).
    lower, upper : pandas.Series
        Bounds of the rank confidence set (integers, 1 <= lower <= rank <= upper <= p).
    confidence_level : float
        Nominal coverage 1 − α.
    simultaneous : bool
        True: all sets cover all true ranks jointly; False: each set covers its own unit's rank.
    kind : str
        "two-sided", "lower" (only ``lower`` is informative; ``upper = p``) or "upper" (``lower = 1``).
    stepdown : bool
        Whether the stepwise (Romano–Wolf) refinement was used.
    method : str
        "exact" (quadrature), "monte-carlo", "holm", "bonferroni", "tukey", "kww", "kww-bonferroni".
    critical_values : pandas.DataFrame
        Critical value of each step (columns ``step_1``, ...), one row for a simultaneous set
        ("all units") or one per unit for marginal sets; empty for Holm/Bonferroni/KWW.
    margin : pandas.Series
        Per unit, the smallest |T − c| over the pairs involving the unit and all steps. Below ~0.02
        a bound may flip with Monte Carlo noise.
    n_resamples : int
        Monte Carlo draws (0 when no simulation was used).
    rng_state : dict or None
        Bit-generator state before the draws (reproduces the result).
    lower_is_better : bool
        Whether rank 1 is the smallest estimate.
    df : pandas.Series or None
        Degrees of freedom of each unit's variance estimate (inf = covariance declared known).
    critical_law : str
        How the critical values treat the estimated covariance: "normal (...)" when every df is
        > 100 or the covariance is declared known, otherwise "studentised: ..." (the law of the
        max statistic includes the sampling error of the variance estimates).
    """

    units: pd.Index
    estimate: pd.Series
    std_error: pd.Series
    rank: pd.Series
    lower: pd.Series
    upper: pd.Series
    confidence_level: float
    simultaneous: bool
    kind: str
    stepdown: bool
    method: str
    critical_values: pd.DataFrame
    margin: pd.Series
    n_resamples: int
    rng_state: dict[str, Any] | None
    lower_is_better: bool = False
    df: pd.Series | None = None
    critical_law: str = ""

    def to_frame(self) -> pd.DataFrame:
        """One row per unit: estimate, std_error, rank, lower, upper, margin (sorted by rank)."""
        out = pd.DataFrame(
            {
                "estimate": self.estimate,
                "std_error": self.std_error,
                "rank": self.rank,
                "lower": self.lower,
                "upper": self.upper,
                "margin": self.margin,
            }
        )
        out.index.name = "unit"
        return out.sort_values(["rank", "lower"], kind="stable")

    def _describe(self) -> str:
        scope = "simultaneous" if self.simultaneous else "marginal"
        step = "stepwise" if self.stepdown else "single-step"
        draws = f", n_resamples={self.n_resamples}" if self.n_resamples else ""
        law = f"; critical values: {self.critical_law}" if self.critical_law else ""
        return (
            f"{scope} {self.kind} {step}, confidence_level={self.confidence_level:g}, "
            f"method={self.method!r}"
            f"{draws}{law}"
        )

    def __repr__(self) -> str:
        return frame_repr(
            "RankConfidenceSets", self.to_frame()[["estimate", "rank", "lower", "upper"]],
            extra=self._describe(),
        )

    def summary(self) -> Summary:
        """A printable table with the guarantee spelled out."""
        p = len(self.units)
        cond = (
            " (approximately, if the survey design is declared correctly; see the methodology "
            "page for the coverage simulations)"
        )
        if self.simultaneous:
            guarantee = (
                f"With probability >= {self.confidence_level:.0%}, every unit's true rank lies in its set "
                f"(joint coverage of all units){cond}."
            )
        else:
            guarantee = (
                f"For each unit separately, its set contains its true rank with probability >= "
                f"{self.confidence_level:.0%}{cond} (marginal: do not compare several units with these "
                "sets)."
            )
        notes = [
            guarantee,
            (
                f"Rank 1 = {'lowest' if self.lower_is_better else 'highest'} estimate; ties share "
                f"the best rank; {p} units."
            ),
            self._describe(),
        ]
        small = self.margin[self.margin < 0.02]
        if self.n_resamples and len(small):
            notes.append(
                f"Bounds of {list(small.index)} sit within 0.02 of a critical value and may change "
                "with the seed or n_resamples."
            )
        return Summary("Confidence sets for ranks", self.to_frame(), tuple(notes))


# ----------------------------------------------------------------------------------- internals
def family_masks(p: int, units_j: np.ndarray, kind: str) -> BoolArray:
    """Ordered-pair family of methods spec §1.2 step 1 for the units ``units_j``."""
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
    """
    return np.ascontiguousarray(draws.T, dtype=np.float32)


def pair_pvalues(t: FloatArray, ia: np.ndarray, ib: np.ndarray, pair_df: FloatArray | None) -> FloatArray:
    """One-sided p-values of the pairs: 1 − Φ(T) (known covariance) or 1 − F_t(T; ν_ab)."""
    tv = t[ia, ib]
    if pair_df is None:
        return np.asarray(stats.norm.sf(tv), dtype=float)
    nu = pair_df[ia, ib]
    return np.asarray(np.where(np.isinf(nu), stats.norm.sf(tv), stats.t.sf(tv, np.where(np.isinf(nu), 1.0, nu))), dtype=float)


def welch_pair_df(cov: FloatArray, df: FloatArray) -> FloatArray:
    """Welch–Satterthwaite df of each pairwise difference (independent variance estimates).

    ``ν_ab = (Σ_aa + Σ_bb)² / (Σ_aa²/ν_a + Σ_bb²/ν_b)`` (:func:`~dgi_stats.scores.satterthwaite_df`
    over all pairs); infinite when both are known.
    """
    v = np.diag(cov)
    return satterthwaite_df(v[:, None], df[:, None], v[None, :], df[None, :])


def _holm_reject(
    t: FloatArray, mask: BoolArray, alpha: float, bonferroni: bool, pair_df: FloatArray | None = None
) -> BoolArray:
    """Holm (or Bonferroni) over the one-sided pair p-values of the family (t with Welch df)."""
    ia, ib = np.nonzero(mask)
    pv = pair_pvalues(t, ia, ib, pair_df)
    m = pv.size
    rej = np.zeros_like(mask)
    if m == 0:
        return rej
    if bonferroni:
        ok = pv <= alpha / m
    else:
        order = np.argsort(pv, kind="stable")
        thresh = alpha / (m - np.arange(m))
        passed = pv[order] <= thresh
        n_rej = m if passed.all() else int(np.argmin(passed))
        ok = np.zeros(m, dtype=bool)
        ok[order[:n_rej]] = True
    rej[ia[ok], ib[ok]] = True
    return rej


def rank_bounds(
    rejected: BoolArray, p: int, j: np.ndarray, kind: str = "two-sided"
) -> tuple[np.ndarray, np.ndarray]:
    """Count the claims (spec §1.2 step 4); "lower" sets report U = p, "upper" sets L = 1."""
    lower = 1 + rejected[:, j].sum(axis=0)
    upper = p - rejected[j, :].sum(axis=1)
    if kind == "lower":
        upper = np.full_like(upper, p)
    elif kind == "upper":
        lower = np.ones_like(lower)
    return lower.astype(np.int64), upper.astype(np.int64)


@dataclass(frozen=True, slots=True)
class _RawSets:
    lower: np.ndarray
    upper: np.ndarray
    crit: list[tuple[float, ...]]
    margin: FloatArray
    method: str
    n_resamples: int
    stepdown: bool


def resolve_method(
    method: str, *, simultaneous: bool, diagonal: bool, func: str, studentised: bool = False
) -> str:
    """Map "auto" to a concrete method and reject impossible combinations."""
    check_choice(method, _METHODS, name="method", func=func)
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
    n_resamples: int,
    gen: np.random.Generator | None,
    draws: FloatArray | None = None,
    df: FloatArray | None = None,
) -> _RawSets:
    """Rank confidence sets on arrays (θ oriented so that larger is better); method already resolved.

    ``df`` (per unit; None or all > 100 = known covariance) switches the critical values to the
    studentised law (Monte Carlo), t p-values with Welch df (Holm/Bonferroni) or t quantiles (KWW).
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
        return _RawSets(lo, hi, [], np.full(p, np.nan), method, 0, False)
    if method in ("holm", "bonferroni"):
        bonf = method == "bonferroni"
        pdf = None if dfs is None else welch_pair_df(cov, dfs)
        if simultaneous:
            rej = _holm_reject(t, family_masks(p, all_units, kind), alpha, bonf, pdf)
            lo, hi = rank_bounds(rej, p, all_units, kind)
        else:
            lo, hi = np.empty(p, np.int64), np.empty(p, np.int64)
            for j in range(p):
                rej = _holm_reject(t, family_masks(p, np.array([j]), kind), alpha, bonf, pdf)
                lo[j], hi[j] = (x[0] for x in rank_bounds(rej, p, np.array([j]), kind))
        return _RawSets(lo, hi, [], np.full(p, np.nan), method, 0, not bonf)
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
        return _RawSets(lo, hi, [(c,)], margin, "tukey", 0, False)
    law: MaxLaw
    n_used = 0
    if method == "monte-carlo":
        if draws is None:
            assert gen is not None
            draws = gaussian_draws(cov, n_resamples, gen)
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
        return _RawSets(lo, hi, [res.critical_values], res.margin, method, n_used, stepwise)
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
    return _RawSets(lo, hi, crit, margin, method, n_used, stepwise)


def studentisation(
    cov: FloatArray, df: FloatArray, n: int, gen: np.random.Generator
) -> Studentisation:
    """Per-unit variance perturbations ``sqrt(χ²_ν/ν)`` for ``n`` draws (unit-major float32)."""
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


def _crit_frame(units: pd.Index, crit: list[tuple[float, ...]], simultaneous: bool) -> pd.DataFrame:
    if not crit:
        return pd.DataFrame(index=pd.Index([], name="unit"))
    n = max(len(c) for c in crit)
    arr = np.full((len(crit), n), np.nan)
    for i, c in enumerate(crit):
        arr[i, : len(c)] = c
    index = pd.Index(["all units"], name="unit") if simultaneous else pd.Index(units, name="unit")
    return pd.DataFrame(arr, index=index, columns=[f"step_{k + 1}" for k in range(n)])


def build_result(
    data: RankInput,
    raw: _RawSets,
    *,
    confidence_level: float,
    simultaneous: bool,
    kind: str,
    rng_state: dict[str, Any] | None,
    lower_is_better: bool,
) -> RankConfidenceSets:
    """Wrap raw bounds in a :class:`RankConfidenceSets`."""
    u = data.units
    oriented = -data.theta if lower_is_better else data.theta
    return RankConfidenceSets(
        units=u,
        estimate=pd.Series(data.theta, index=u, name="estimate"),
        std_error=pd.Series(data.se, index=u, name="std_error"),
        rank=pd.Series(competition_rank(oriented), index=u, name="rank"),
        lower=pd.Series(raw.lower, index=u, name="lower"),
        upper=pd.Series(raw.upper, index=u, name="upper"),
        confidence_level=confidence_level,
        simultaneous=simultaneous,
        kind=kind,
        stepdown=raw.stepdown,
        method=raw.method,
        critical_values=_crit_frame(u, raw.crit, simultaneous),
        margin=pd.Series(raw.margin, index=u, name="margin"),
        n_resamples=raw.n_resamples,
        rng_state=rng_state,
        lower_is_better=lower_is_better,
        df=pd.Series(data.df, index=u, name="df"),
        critical_law=data.critical_law(),
    )


# ------------------------------------------------------------------------------------ public API
def rank_confidence_sets(
    estimates: Any,
    cov: Any = None,
    *,
    confidence_level: float = 0.95,
    coverage: float | None = None,
    simultaneous: bool = True,
    kind: Kind = "two-sided",
    stepdown: bool = True,
    n_resamples: int = 100_000,
    method: str = "auto",
    lower_is_better: bool = False,
    measure: str = "total",
    df: Any = None,
    replicates: pd.DataFrame | None = None,
    replicate_factors: Any = None,
    replicate_mse: bool = False,
    rng: RNGLike = None,
) -> RankConfidenceSets:
    r"""Confidence sets for the ranks of units from estimates and their covariance.

    Implements Mogstad, Romano, Shaikh & Wilhelm (2024) [1]_ (the method of the R package csranks):
    one-sided pairwise hypotheses "θ_a ≤ θ_b" are tested with a max-t stepdown that controls the
    family-wise error rate; for each unit ``lower = 1 + #units claimed better`` and
    ``upper = p − #units claimed worse``.

    Parameters
    ----------
    estimates : pandas.Series, Scores or array-like
        Point estimates indexed by unit, or a :class:`~dgi_stats.scores.Scores` (then ``measure``
        picks the measure and ``cov`` must be None).
    cov : pandas.DataFrame or numpy.ndarray, optional
        Covariance of the estimates (p x p; a 1-D array is read as variances). default: None (taken
        from the Scores or built from ``replicates``).
    confidence_level : float
        Nominal coverage 1 − α, in (0, 1). default: 0.95.
    coverage : float, optional
        Deprecated name of ``confidence_level`` (a DGIDeprecationWarning).
    simultaneous : bool
        Joint coverage of all units (league table) or marginal coverage per unit (a unit named in
        advance). default: True.
    kind : {"two-sided", "lower", "upper"}
        "lower" bounds only how good the rank can be ("at best rank L"), "upper" only how bad.
        default: "two-sided".
    stepdown : bool
        Romano–Wolf stepwise refinement (never wider than single-step). default: True.
    n_resamples : int
        Monte Carlo draws for the critical values. default: 100_000.
    method : str
        "auto" (exact quadrature for marginal sets with a diagonal covariance, Monte Carlo
        otherwise), "exact", "monte-carlo", "holm" (deterministic, any dependence, wider),
        "bonferroni", "tukey" (studentised-range constant; equal SEs, single-step), "kww"
        (Klein–Wright–Wieczorek, Šidák) or "kww-bonferroni". default: "auto".
    lower_is_better : bool
        Rank 1 = smallest estimate. default: False.
    measure : str
        Measure of a Scores input. default: "total".
    df : float, pandas.Series or array-like, optional
        Degrees of freedom of each unit's variance estimate (the design df: PSUs minus strata).
        default: None — taken from the Scores (``Scores.df``); required for bare
        ``(estimates, cov)``, where ``numpy.inf`` declares the covariance known. When some unit
        has df <= 100 the critical values are studentised (see Notes).
    replicates : pandas.DataFrame, optional
        Replicate estimates (replicates x units) used to build ``cov`` when it is None:
        ``cov = Σ_r f_r (θ_r − c)(θ_r − c)ᵀ``. default: None.
    replicate_factors : float or array-like, optional
        ``f_r`` (scale x rscales per replicate). default: 1/(R − 1) (bootstrap).
    replicate_mse : bool
        Centre replicates at the estimates (True) or at their mean (False). default: False.
    rng : int, numpy.random.Generator or None
        Seed or generator for the Monte Carlo draws. default: None.

    Returns
    -------
    RankConfidenceSets
        ``.lower``, ``.upper``, ``.rank``, ``.critical_values``, ``.margin``, ``to_frame()``.

    Raises
    ------
    DGIError
        NaN estimates, fewer than 2 units, a covariance of the wrong shape or not symmetric
        positive semi-definite, ``confidence_level`` outside (0, 1), an unknown option, missing df or
        df <= 0 (the message names the units).

    See Also
    --------
    tau_best, tau_worst, kww_confidence_sets, dgi_stats.ranks.performance_bands

    Notes
    -----
    With :math:`T_{ab} = (\hat\theta_a - \hat\theta_b)/\hat\sigma_{ab}` and
    :math:`\hat\sigma_{ab}^2 = \Sigma_{aa} + \Sigma_{bb} - 2\Sigma_{ab}`, the critical value of an
    active family :math:`I` is the (1 − α)-quantile of
    :math:`\max_{(a,b)\in I} (Z_a - Z_b)/\hat\sigma_{ab}`, :math:`Z \sim N(0, \hat\Sigma)`; pairs with
    :math:`T_{ab} > c` are rejected and the step repeats on the rest. With a covariance known
    without error, coverage holds asymptotically and uniformly in θ, including exact ties (where
    the sets are conservative). Monte Carlo uses one common set of draws for all steps. The exact
    method integrates the law of the max in closed form when units are independent and every pair
    contains the same unit (marginal sets).

    **Estimated covariance, few PSUs.** The DGI estimates each unit's variance from a handful of
    PSUs (design df 2–7), and the normal law above then under-covers badly (joint coverage 68 %
    at df 5 for a nominal 95 %). When some unit has df <= 100 the law of the max is *studentised*:
    each Monte Carlo draw also perturbs every unit's variance, ``Σ* = D Σ̂ D`` with
    :math:`D = \mathrm{diag}(\sqrt{\chi^2_{\nu_u}/\nu_u})` drawn independently per unit, and the
    draw's statistic is :math:`(Z_a - Z_b)/\sigma^*_{ab}`. For independent units with normal
    estimates and scaled chi-square variance estimates this reproduces the sampling law of the
    observed studentised statistics, with Σ̂ in place of Σ; the coverage simulations of the
    methodology page (df 2, 5, 10; PPS, certainty PSUs, raking) check it. Holm/Bonferroni use t
    p-values with Welch–Satterthwaite df per pair, KWW t quantiles per unit.

    Do not use percentile intervals of bootstrapped ranks instead: they under-cover near ties.

    References
    ----------
    .. [1] Mogstad, M., Romano, J. P., Shaikh, A. M. and Wilhelm, D. (2024). Inference for ranks
       with applications to mobility across neighbourhoods and academic achievement across
       countries. Review of Economic Studies 91(1), 476–518. doi:10.1093/restud/rdad006
    .. [2] Romano, J. P. and Wolf, M. (2005). Exact and approximate stepdown methods for multiple
       hypothesis testing. JASA 100(469), 94–108. doi:10.1198/016214504000000539

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> est = pd.Series([-1.0, 0.0, 1.0], index=["a", "b", "c"])
    >>> cs = rank_confidence_sets(est, np.diag([0.1, 0.2, 0.3]), df=np.inf, simultaneous=False)
    >>> cs.to_frame()[["rank", "lower", "upper"]]
          rank  lower  upper
    unit
    c        1      1      2
    b        2      1      3
    a        3      2      3
    >>> sim = rank_confidence_sets(pd.Series([0.0, 1.0, 2.0]), np.eye(3) / 10, df=np.inf,
    ...                            n_resamples=20_000, rng=20240101)
    >>> sim.lower.tolist(), sim.upper.tolist()
    ([2, 1, 1], [3, 3, 2])

    With variances estimated from 6 PSUs per unit (df 5) the critical value is studentised, and
    larger than the normal one:

    >>> t5 = rank_confidence_sets(pd.Series([0.0, 1.0, 2.0]), np.eye(3) / 10, df=5,
    ...                           n_resamples=20_000, rng=20240101)
    >>> round(float(sim.critical_values.iloc[0, 0]), 1), round(float(t5.critical_values.iloc[0, 0]), 1)
    (2.4, 2.9)
    """
    func = "rank_confidence_sets"
    level = confidence_level_from(confidence_level, coverage, func)
    alpha = 1.0 - check_probability(level, name="confidence_level", func=func)
    check_choice(kind, _KINDS, name="kind", func=func)
    n_resamples = check_positive_int(n_resamples, name="n_resamples", func=func, minimum=100)
    data = prepare(
        estimates, cov, func=func, measure=measure, df=df, replicates=replicates,
        replicate_factors=replicate_factors, replicate_mse=replicate_mse,
    )
    theta = -data.theta if lower_is_better else data.theta
    meth = resolve_method(
        method, simultaneous=simultaneous, diagonal=is_diagonal(data.cov), func=func,
        studentised=data.studentised,
    )
    gen = as_generator(rng) if meth == "monte-carlo" else None
    state = generator_state(gen) if gen is not None else None
    raw = raw_rank_sets(
        theta, data.cov, alpha=alpha, simultaneous=simultaneous, kind=kind, stepwise=bool(stepdown),
        method=meth, n_resamples=n_resamples, gen=gen, df=data.df,
    )
    return build_result(
        data, raw, confidence_level=1.0 - alpha, simultaneous=simultaneous, kind=kind, rng_state=state,
        lower_is_better=lower_is_better,
    )


def kww_confidence_sets(
    estimates: Any,
    cov: Any = None,
    *,
    confidence_level: float = 0.95,
    coverage: float | None = None,
    correction: Literal["sidak", "bonferroni"] = "sidak",
    decimals: int | None = None,
    lower_is_better: bool = False,
    measure: str = "total",
    df: Any = None,
) -> RankConfidenceSets:
    r"""Klein–Wright–Wieczorek joint confidence region for all ranks (deterministic).

    Simultaneous intervals ``θ̂_k ± z·SE_k`` for the scores (Šidák ``z`` for independent estimates,
    Bonferroni for any dependence) are compared: ``lower_k = 1 + #{j : lo_j >= hi_k}``,
    ``upper_k = p − #{j : hi_j <= lo_k}``. Joint coverage >= ``confidence_level``; usually wider than the
    MRSW simultaneous sets, but needs no simulation.

    Parameters
    ----------
    estimates : pandas.Series or Scores
        Estimates indexed by unit.
    cov : DataFrame or ndarray, optional
        Covariance (only the variances are used). default: None (from the Scores).
    confidence_level : float
        Joint coverage. default: 0.95.
    coverage : float, optional
        Deprecated name of ``confidence_level`` (a DGIDeprecationWarning).
    correction : {"sidak", "bonferroni"}
        default: "sidak" (valid for independent estimates).
    decimals : int, optional
        Round the interval bounds before comparing them (the published travel-time figure rounds
        to 1 decimal). default: None.
    lower_is_better : bool
        default: False.
    measure : str
        Measure of a Scores input. default: "total".
    df : float, Series or array-like, optional
        Degrees of freedom per unit (t quantiles); default: from the Scores; required for bare
        estimates (``numpy.inf``: normal quantiles, covariance known).

    Returns
    -------
    RankConfidenceSets

    References
    ----------
    .. [1] Klein, M., Wright, T. and Wieczorek, J. (2020). A joint confidence region for an overall
       ranking of populations. JRSS C 69(3), 589–606. doi:10.1111/rssc.12402

    Examples
    --------
    >>> import pandas as pd
    >>> est = pd.Series([16.9, 18.1, 21.1], index=["SD", "NE", "OK"])
    >>> kww_confidence_sets(est, (pd.Series([0.5, 0.3, 0.2]) / 1.644854) ** 2, df=np.inf,
    ...                     confidence_level=0.9, lower_is_better=True).upper.tolist()
    [1, 2, 3]
    """
    func = "kww_confidence_sets"
    level = confidence_level_from(confidence_level, coverage, func)
    alpha = 1.0 - check_probability(level, name="confidence_level", func=func)
    check_choice(correction, ("sidak", "bonferroni"), name="correction", func=func)
    if isinstance(cov, pd.Series):
        cov = cov.to_numpy(dtype=float)
    data = prepare(estimates, cov, func=func, measure=measure, df=df)
    p = data.theta.size
    # numpy rounds half to even, which is symmetric (round(-x) == -round(x)), so rounding the
    # bounds of -θ̂ equals negating the rounded bounds of θ̂
    theta = -data.theta if lower_is_better else data.theta
    lo_o, hi_o = kww_bounds(
        theta, data.se, alpha, bonferroni=correction == "bonferroni", decimals=decimals,
        df=data.df if data.studentised else None,
    )
    method = "kww" if correction == "sidak" else "kww-bonferroni"
    raw = _RawSets(
        np.asarray(lo_o, np.int64), np.asarray(hi_o, np.int64), [], np.full(p, np.nan), method, 0,
        False,
    )
    return build_result(
        data, raw, confidence_level=1.0 - alpha, simultaneous=True, kind="two-sided", rng_state=None,
        lower_is_better=lower_is_better,
    )


@dataclass(frozen=True, slots=True, repr=False)
class TauSet(CoverageAlias):
    """The units that could be among the τ best (or worst), with joint confidence ``confidence_level``.

    Attributes
    ----------
    units : pandas.Index
        All units.
    members : pandas.Index
        Units in the set; units outside it are, with confidence ``confidence_level``, not among the τ
        best (worst).
    in_set : pandas.Series
        Boolean membership per unit.
    tau : int
    which : str
        "best" or "worst".
    confidence_level : float
    rank_sets : RankConfidenceSets
        The one-sided simultaneous sets the membership was read from.
    """

    units: pd.Index
    members: pd.Index
    in_set: pd.Series
    tau: int
    which: str
    confidence_level: float
    rank_sets: RankConfidenceSets

    def to_frame(self) -> pd.DataFrame:
        """Per unit: estimate, rank, the relevant bound and membership."""
        rs = self.rank_sets
        col = "lower" if self.which == "best" else "upper"
        out = pd.DataFrame(
            {"estimate": rs.estimate, "rank": rs.rank, col: getattr(rs, col), "in_set": self.in_set}
        )
        out.index.name = "unit"
        return out.sort_values("rank", kind="stable")

    def __repr__(self) -> str:
        extra = (
            f"tau={self.tau}, {self.which}, confidence_level={self.confidence_level:g}: "
            f"{len(self.members)} of {len(self.units)} units"
        )
        return frame_repr("TauSet", self.to_frame(), extra=extra)


def _tau(
    which: str, estimates: Any, cov: Any, *, tau: int, confidence_level: float, **kw: Any
) -> TauSet:
    """:func:`tau_best` (``which="best"``) or :func:`tau_worst`; ``kw`` go to the rank sets."""
    func = f"tau_{which}"
    check_positive_int(tau, name="tau", func=func)
    kind: Kind = "lower" if which == "best" else "upper"
    rs = rank_confidence_sets(
        estimates, cov, confidence_level=confidence_level, simultaneous=True, kind=kind,
        stepdown=True, **kw
    )
    p = len(rs.units)
    if tau >= p:
        msg = f"The 'tau' parameter of {func} must be smaller than the number of units ({p}). Got {tau}."
        raise DGIError(msg)
    in_set = rs.lower <= tau if which == "best" else rs.upper >= p - tau + 1
    in_set = in_set.rename("in_set")
    return TauSet(rs.units, rs.units[in_set.to_numpy()], in_set, tau, which, rs.confidence_level, rs)


def tau_best(
    estimates: Any,
    cov: Any = None,
    *,
    tau: int = 1,
    confidence_level: float = 0.95,
    coverage: float | None = None,
    n_resamples: int = 100_000,
    method: str = "auto",
    lower_is_better: bool = False,
    measure: str = "total",
    df: Any = None,
    rng: RNGLike = None,
) -> TauSet:
    """The set of units that could be among the τ best, with joint confidence ``confidence_level``.

    Built from the simultaneous stepwise *lower* confidence sets (methods spec §1.4):
    ``S = {j : lower_j <= τ}``; P(every true top-τ unit is in S) >= ``confidence_level``. If ``tau=1`` and
    S has one member, that unit is verifiably the best.

    Parameters
    ----------
    estimates, cov
        As in :func:`rank_confidence_sets`.
    tau : int
        default: 1.
    confidence_level : float
        default: 0.95.
    coverage : float, optional
        Deprecated name of ``confidence_level`` (a DGIDeprecationWarning).
    n_resamples : int
        default: 100_000.
    method : str
        As in :func:`rank_confidence_sets`. default: "auto" (Monte Carlo).
    lower_is_better : bool
        default: False.
    measure : str
        default: "total".
    df : float, Series or array-like, optional
        As in :func:`rank_confidence_sets`. default: None (from the Scores).
    rng : int, Generator or None
        default: None.

    Returns
    -------
    TauSet

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> est = pd.Series([10.0, 9.8, 5.0, 4.0], index=list("abcd"))
    >>> tau_best(est, np.diag([0.04] * 4), df=np.inf, tau=1, n_resamples=10_000,
    ...          rng=1).members.tolist()
    ['a', 'b']
    """
    return _tau(
        "best", estimates, cov, tau=tau,
        confidence_level=confidence_level_from(confidence_level, coverage, "tau_best"),
        n_resamples=n_resamples,
        method=method, lower_is_better=lower_is_better, measure=measure, df=df, rng=rng,
    )


def tau_worst(
    estimates: Any,
    cov: Any = None,
    *,
    tau: int = 1,
    confidence_level: float = 0.95,
    coverage: float | None = None,
    n_resamples: int = 100_000,
    method: str = "auto",
    lower_is_better: bool = False,
    measure: str = "total",
    df: Any = None,
    rng: RNGLike = None,
) -> TauSet:
    """The set of units that could be among the τ worst: ``{j : upper_j >= p − τ + 1}``.

    See :func:`tau_best`; built from the simultaneous stepwise *upper* sets.

    Parameters
    ----------
    estimates, cov, tau, confidence_level, coverage, n_resamples, method, lower_is_better, measure,
    df, rng
        As in :func:`tau_best` (same defaults).

    Returns
    -------
    TauSet

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> est = pd.Series([10.0, 9.8, 5.0, 4.0], index=list("abcd"))
    >>> tau_worst(est, np.diag([0.04] * 4), df=np.inf, tau=1, n_resamples=10_000,
    ...           rng=1).members.tolist()
    ['d']
    """
    return _tau(
        "worst", estimates, cov, tau=tau,
        confidence_level=confidence_level_from(confidence_level, coverage, "tau_worst"),
        n_resamples=n_resamples,
        method=method, lower_is_better=lower_is_better, measure=measure, df=df, rng=rng,
    )
