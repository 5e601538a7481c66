"""Pairwise comparisons of units and performance bands (tiers the data can order).

:func:`pairwise_comparisons` gives every pair's difference with its standard error, interval and
p-value, adjusted for multiplicity with statsmodels' ``multipletests`` (Holm: family-wise error;
Benjamini–Hochberg: false discovery rate — an exploratory heat map, not rank intervals).

:func:`performance_bands` splits a league table into bands such that, with joint confidence
``confidence_level``, every unit of a band is truly better than every unit of every lower band — the
statistically grounded alternative to colouring a table by quartiles of the point estimates.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import cast

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

from dgi_stats._results import CoverageAlias, Result, frame_repr, renamed_parameter
from dgi_stats._rng import RNGLike
from dgi_stats._validation import check_choice, check_probability
from dgi_stats.ranks._common import (
    CovarianceLike,
    DfLike,
    EstimatesLike,
    confidence_level_from,
    prepare,
)
from dgi_stats.ranks._core import pair_sd
from dgi_stats.ranks._sets import welch_pair_df
from dgi_stats.ranks.confidence_sets import N_DRAWS, RankConfidenceSets, rank_confidence_sets
from dgi_stats.scores.answers import competition_rank

__all__ = ["PairwiseComparisons", "PerformanceBands", "pairwise_comparisons", "performance_bands"]

_ADJ = ("holm", "fdr_bh", "bonferroni", "none")


@dataclass(frozen=True, slots=True, repr=False)
class PairwiseComparisons(Result):
    """All pairwise differences between units.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per unordered pair, the better-estimated unit first: ``unit_a``, ``unit_b``,
        ``difference`` (a − b), ``std_error``, ``ci_low``, ``ci_high`` (unadjusted, at
        ``confidence_level``), ``z``, ``pvalue`` (two-sided), ``pvalue_adjusted``, ``reject``
        (adjusted p-value <= 1 − confidence_level).
    adjustment : str
        "holm" (family-wise error rate), "fdr_bh" (false discovery rate), "bonferroni" or "none".
    confidence_level : float
        The confidence level.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> pc = pairwise_comparisons(pd.Series([2.0, 1.0], index=["A", "B"]), np.eye(2), df=np.inf)
    >>> pc.to_frame()[["unit_a", "unit_b", "difference"]].to_numpy().tolist()
    [['A', 'B', 1.0]]
    """

    table: pd.DataFrame
    adjustment: str
    confidence_level: float

    def to_frame(self) -> pd.DataFrame:
        """The table of pairs.

        Returns
        -------
        pandas.DataFrame
        """
        return self.table.copy()

    def matrix(self, column: str = "pvalue_adjusted") -> pd.DataFrame:
        """A symmetric unit x unit matrix of one column (for a heat map).

        Parameters
        ----------
        column : str
            A column of :attr:`table`; differences, statistics and interval ends change sign
            below the diagonal. default: "pvalue_adjusted".

        Returns
        -------
        pandas.DataFrame
            Units x units, NaN on the diagonal.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> pc = pairwise_comparisons(pd.Series([2.0, 1.0], index=["A", "B"]), np.eye(2), df=np.inf)
        >>> pc.matrix("difference").loc["B", "A"]
        np.float64(-1.0)
        """
        t = self.table
        units = pd.unique(pd.concat([t.unit_a, t.unit_b]).to_numpy())
        m = pd.DataFrame(np.nan, index=units, columns=units)
        for a, b, v in zip(t.unit_a, t.unit_b, t[column]):
            m.loc[a, b] = v
            m.loc[b, a] = -v if column in ("difference", "z", "ci_low", "ci_high") else v
        return m

    def __repr__(self) -> str:
        n_rej = int(self.table.reject.sum())
        extra = (
            f"adjustment={self.adjustment!r}, confidence_level={self.confidence_level:g}, "
            f"{n_rej} of {len(self.table)} pairs differ"
        )
        return frame_repr("PairwiseComparisons", self.table, extra=extra)


def pairwise_comparisons(
    estimates: EstimatesLike,
    cov: CovarianceLike | None = None,
    *,
    adjustment: str = "holm",
    confidence_level: float = 0.95,
    lower_is_better: bool = False,
    measure: str = "total",
    df: DfLike | None = None,
) -> PairwiseComparisons:
    r"""Differences between all pairs of units, with multiplicity-adjusted p-values.

    Parameters
    ----------
    estimates : pandas.Series or Scores
        Estimates by unit.
    cov : DataFrame or ndarray, optional
        Covariance of the estimates (off-diagonal terms enter the pair SEs). default: None.
    adjustment : {"holm", "fdr_bh", "bonferroni", "none"}
        Multiplicity adjustment (statsmodels ``multipletests``). Holm controls the family-wise
        error rate; "fdr_bh" the expected share of false "a differs from b" claims — use it for an
        exploratory heat map only (it gives no coverage statement for ranks). default: "holm".
    confidence_level : float
        Level of the (unadjusted) intervals; ``1 − confidence_level`` is the level of ``reject``.
        default: 0.95.
    lower_is_better : bool
        Order each pair so that the better unit is ``unit_a``. default: False.
    measure : str
        Measure of a Scores input. default: "total".
    df : float, Series or array-like, optional
        Degrees of freedom per unit. default: None (from the Scores; required for bare
        estimates, ``numpy.inf`` = covariance known).

    Returns
    -------
    PairwiseComparisons

    Notes
    -----
    :math:`z_{ab} = (\hat\theta_a - \hat\theta_b)/\hat\sigma_{ab}`,
    :math:`\hat\sigma_{ab}^2 = \Sigma_{aa} + \Sigma_{bb} - 2\Sigma_{ab}`, two-sided p-values and
    intervals from Student t with the Welch–Satterthwaite df of the pair (normal when both units'
    df are infinite).

    References
    ----------
    .. [1] Holm, S. (1979). A simple sequentially rejective multiple test procedure. Scand. J.
       Statist. 6, 65–70.
    .. [2] Benjamini, Y. and Hochberg, Y. (1995). Controlling the false discovery rate. JRSS B 57,
       289–300. doi:10.1111/j.2517-6161.1995.tb02031.x

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> pc = pairwise_comparisons(pd.Series([75.0, 74.0, 70.0], index=["A", "B", "C"]),
    ...                           np.diag([0.25, 0.25, 0.25]), df=np.inf)
    >>> pc.table[["unit_a", "unit_b", "difference", "reject"]]
      unit_a unit_b  difference  reject
    0      A      B         1.0   False
    1      A      C         5.0    True
    2      B      C         4.0    True
    """
    func = "pairwise_comparisons"
    level = check_probability(confidence_level, name="confidence_level", func=func)
    check_choice(adjustment, _ADJ, name="adjustment", func=func)
    data = prepare(estimates, cov, func=func, measure=measure, df=df)
    theta = -data.theta if lower_is_better else data.theta
    order = np.argsort(-theta, kind="stable")
    sd = pair_sd(data.cov)
    ia, ib = np.triu_indices(theta.size, 1)
    a, b = order[ia], order[ib]
    diff = data.theta[a] - data.theta[b]
    s = sd[a, b]
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(s > 0, diff / np.where(s > 0, s, 1.0), np.where(diff == 0, 0.0, np.inf))
    nu = welch_pair_df(data.cov, data.df)[a, b]
    known = np.isinf(nu)
    nu1 = np.where(known, 1.0, nu)
    pv = np.where(known, 2.0 * stats.norm.sf(np.abs(z)), 2.0 * stats.t.sf(np.abs(z), nu1))
    alpha = 1.0 - level
    if adjustment == "none":
        padj = pv
    else:
        padj = multipletests(pv, alpha=alpha, method=adjustment)[1]
    q = np.where(known, stats.norm.ppf(0.5 + level / 2.0), stats.t.ppf(0.5 + level / 2.0, nu1))
    table = pd.DataFrame(
        {
            "unit_a": data.units[a], "unit_b": data.units[b], "difference": diff, "std_error": s,
            "ci_low": diff - q * s, "ci_high": diff + q * s, "df": nu, "z": z, "pvalue": pv,
            "pvalue_adjusted": padj, "reject": padj <= alpha,
        }
    )
    return PairwiseComparisons(table, adjustment, level)


@dataclass(frozen=True, slots=True, repr=False)
class PerformanceBands(Result, CoverageAlias):
    """Bands of units ordered with joint confidence ``confidence_level``; no order is claimed within a band.

    Parameters
    ----------
    units : pandas.Index
        The units, in input order.
    band : pandas.Series
        Band of each unit (1 = top band).
    bands : tuple of tuple
        The units of each band, best band first, units by rank inside a band.
    confidence_level : float
        The confidence level.
    rank_sets : RankConfidenceSets
        The simultaneous rank sets the bands were read from.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> pb = performance_bands(pd.Series([9.0, 5.0, 1.0], index=list("abc")), np.eye(3) / 100,
    ...                        df=np.inf, n_draws=2000, rng=1)
    >>> pb.band.tolist(), pb.summary().title
    ([1, 2, 3], 'PerformanceBands')
    """

    units: pd.Index
    band: pd.Series
    bands: tuple[tuple[Hashable, ...], ...]
    confidence_level: float
    rank_sets: RankConfidenceSets

    def to_frame(self) -> pd.DataFrame:
        """Per unit: estimate, rank, rank-set bounds and band (sorted by rank).

        Returns
        -------
        pandas.DataFrame
        """
        out = self.rank_sets.to_frame()[["estimate", "std_error", "rank", "lower", "upper"]]
        out["band"] = self.band
        return out

    def __repr__(self) -> str:
        extra = f"{len(self.bands)} bands, confidence_level={self.confidence_level:g}"
        return frame_repr("PerformanceBands", self.to_frame(), extra=extra)


def performance_bands(
    estimates: EstimatesLike,
    cov: CovarianceLike | None = None,
    *,
    confidence_level: float = 0.95,
    coverage: float | None = None,
    method: str = "auto",
    n_draws: int = N_DRAWS,
    lower_is_better: bool = False,
    measure: str = "total",
    df: DfLike | None = None,
    rng: RNGLike = None,
    **renamed: object,
) -> PerformanceBands:
    """Split units into bands that the data order, with joint confidence ``confidence_level``.

    Rule: compute the simultaneous two-sided stepwise rank confidence sets ``[L_j, U_j]``
    (:func:`~dgi_stats.ranks.rank_confidence_sets`). Cut the table after position m (1 <= m < p)
    when exactly m units have ``U_j <= m`` and every other unit has ``L_j >= m + 1``. The bands are
    the runs of units between consecutive cuts.

    Claim (approximate; design and df declared correctly): with probability >= ``confidence_level`` every
    unit of a band is truly better than every unit of every lower band (on the joint coverage
    event, ``rank_a <= m < rank_b`` for a above a cut and b below it, and competition ranks then
    order the true scores strictly). Within a band
    the data establish no complete split; some pairs inside a band may still differ (see
    :func:`pairwise_comparisons`). Unlike quartile colour bands of the point estimates, a band
    boundary is never drawn between units the data cannot tell apart.

    Parameters
    ----------
    estimates, cov
        As in :func:`~dgi_stats.ranks.rank_confidence_sets`.
    confidence_level : float
        Joint confidence. default: 0.95.
    coverage : float, optional
        Deprecated name of ``confidence_level`` (a DGIDeprecationWarning).
    method : str
        Method of the rank sets: "auto" (Monte Carlo), "monte-carlo", "holm" (deterministic,
        wider) or "bonferroni". default: "auto".
    n_draws : int
        Monte Carlo draws of the rank sets. default: 100_000.
    lower_is_better : bool
        default: False.
    measure : str
        default: "total".
    df : float, Series or array-like, optional
        As in :func:`~dgi_stats.ranks.rank_confidence_sets`. default: None (from the Scores).
    rng : int, Generator or None
        default: None.
    **renamed
        ``n_resamples``: deprecated name of ``n_draws`` (a DGIDeprecationWarning).

    Returns
    -------
    PerformanceBands

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> est = pd.Series([80.0, 79.5, 70.0, 69.0, 60.0], index=list("abcde"))
    >>> pb = performance_bands(est, np.diag([0.09] * 5), df=np.inf, n_draws=20_000,
    ...                        rng=20240101)
    >>> pb.bands
    (('a', 'b'), ('c', 'd'), ('e',))
    """
    func = "performance_bands"
    level = check_probability(
        confidence_level_from(confidence_level, coverage, func), name="confidence_level", func=func
    )
    check_choice(method, ("auto", "monte-carlo", "holm", "bonferroni"), name="method", func=func)
    n_draws = cast(
        int, renamed_parameter(renamed, "n_resamples", "n_draws", n_draws, func=func, default=N_DRAWS)
    )
    rs = rank_confidence_sets(
        estimates, cov, confidence_level=level, simultaneous=True, kind="two-sided", stepdown=True,
        n_draws=n_draws, method=method, lower_is_better=lower_is_better, measure=measure,
        df=df, rng=rng,
    )
    lower = rs.lower.to_numpy()
    upper = rs.upper.to_numpy()
    p = lower.size
    order = np.lexsort(
        (np.arange(p), competition_rank(rs.estimate.to_numpy(dtype=float), ascending=lower_is_better))
    )
    cuts = []
    for m in range(1, p):
        top = upper <= m
        if top.sum() == m and (lower[~top] >= m + 1).all():
            cuts.append(m)
    band = np.empty(p, dtype=np.int64)
    groups: list[tuple[Hashable, ...]] = []
    start = 0
    for k, end in enumerate([*cuts, p], start=1):
        members = order[start:end]
        band[members] = k
        groups.append(tuple(rs.units[members]))
        start = end
    return PerformanceBands(
        units=rs.units, band=pd.Series(band, index=rs.units, name="band"), bands=tuple(groups),
        confidence_level=rs.confidence_level, rank_sets=rs,
    )
