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
from typing import Any, Literal, cast

import numpy as np
import pandas as pd

from dgi_stats._results import (
    CoverageAlias,
    RenamedAttribute,
    Result,
    Summary,
    frame_repr,
    renamed_parameter,
)
from dgi_stats._rng import RNGLike, as_generator, generator_state
from dgi_stats._validation import check_choice, check_positive_int, check_probability
from dgi_stats.exceptions import DGIError
from dgi_stats.ranks._common import (
    CovarianceLike,
    DfLike,
    EstimatesLike,
    FactorsLike,
    RankInput,
    confidence_level_from,
    prepare,
)
from dgi_stats.ranks._core import is_diagonal
from dgi_stats.ranks._sets import (
    RawSets,
    family_masks,
    kww_bounds,
    pair_pvalues,
    rank_bounds,
    raw_rank_sets,
    resolve_method,
    studentisation,
    unit_major,
    welch_pair_df,
)
from dgi_stats.scores.answers import competition_rank

__all__ = [
    "RankConfidenceSets",
    "TauSet",
    "kww_confidence_sets",
    "rank_confidence_sets",
    "tau_best",
    "tau_worst",
]

Kind = Literal["two-sided", "lower", "upper"]
# the helpers' home until 0.2 moved the computation to ranks._sets: still importable from here
_MOVED_HELPERS = (family_masks, pair_pvalues, rank_bounds, studentisation, unit_major, welch_pair_df)
#: Default number of Monte Carlo draws of the rank functions.
N_DRAWS = 100_000
_KINDS = ("two-sided", "lower", "upper")


# ------------------------------------------------------------------------------------ results
@dataclass(frozen=True, slots=True, repr=False)
class RankConfidenceSets(Result, CoverageAlias):
    """Confidence sets for ranks: ``[lower, upper]`` per unit.

    Parameters
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
    n_draws : int
        Monte Carlo draws (0 when no simulation was used); ``n_resamples`` is its deprecated name.
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

    Examples
    --------
    >>> cs = rank_confidence_sets(pd.Series([0.0, 1.0, 5.0]), np.eye(3) / 10, df=np.inf,
    ...                           method="holm")
    >>> cs.to_frame()[["rank", "lower", "upper"]].to_numpy().tolist()
    [[1, 1, 1], [2, 2, 3], [3, 2, 3]]
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
    n_draws: int
    rng_state: dict[str, object] | None
    lower_is_better: bool = False
    df: pd.Series | None = None
    critical_law: str = ""
    n_resamples = RenamedAttribute("n_draws")

    def to_frame(self) -> pd.DataFrame:
        """One row per unit: estimate, std_error, rank, lower, upper, margin (sorted by rank).

        Returns
        -------
        pandas.DataFrame
        """
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
        draws = f", n_draws={self.n_draws}" if self.n_draws else ""
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
        """A printable table with the guarantee spelled out.

        Returns
        -------
        Summary
        """
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
        if self.n_draws and len(small):
            notes.append(
                f"Bounds of {list(small.index)} sit within 0.02 of a critical value and may change "
                "with the seed or n_draws."
            )
        return Summary("Confidence sets for ranks", self.to_frame(), tuple(notes))


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
    raw: RawSets,
    *,
    confidence_level: float,
    simultaneous: bool,
    kind: str,
    rng_state: dict[str, object] | None,
    lower_is_better: bool,
) -> RankConfidenceSets:
    """Wrap raw bounds in a :class:`RankConfidenceSets`.

    Parameters
    ----------
    data : RankInput
        The validated inputs.
    raw : RawSets
        The bounds (:func:`~dgi_stats.ranks._sets.raw_rank_sets`).
    confidence_level : float
        The level.
    simultaneous : bool
        Joint or marginal sets.
    kind : str
        "two-sided", "lower" or "upper".
    rng_state : dict or None
        Bit-generator state before the draws.
    lower_is_better : bool
        Rank 1 = smallest estimate.

    Returns
    -------
    RankConfidenceSets

    Examples
    --------
    >>> from dgi_stats.ranks._common import prepare
    >>> data = prepare(pd.Series([1.0, 5.0]), np.eye(2) / 10, func="f", df=np.inf)
    >>> raw = RawSets(np.array([2, 1]), np.array([2, 1]), [], np.full(2, np.nan), "holm", 0, True)
    >>> build_result(data, raw, confidence_level=0.95, simultaneous=True, kind="two-sided",
    ...              rng_state=None, lower_is_better=False).rank.tolist()
    [2, 1]
    """
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
        n_draws=raw.n_draws,
        rng_state=rng_state,
        lower_is_better=lower_is_better,
        df=pd.Series(data.df, index=u, name="df"),
        critical_law=data.critical_law(),
    )


# ------------------------------------------------------------------------------------ public API
def rank_confidence_sets(
    estimates: EstimatesLike,
    cov: CovarianceLike | None = None,
    *,
    confidence_level: float = 0.95,
    coverage: float | None = None,
    simultaneous: bool = True,
    kind: Kind = "two-sided",
    stepdown: bool = True,
    n_draws: int = N_DRAWS,
    method: str = "auto",
    lower_is_better: bool = False,
    measure: str = "total",
    df: DfLike | None = None,
    replicates: pd.DataFrame | None = None,
    replicate_factors: FactorsLike | None = None,
    replicate_mse: bool = False,
    rng: RNGLike = None,
    **renamed: object,
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
    n_draws : int
        Monte Carlo draws for the critical values (at least 100). default: 100_000.
    **renamed
        ``n_resamples``: deprecated name of ``n_draws`` (a DGIDeprecationWarning).
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
    ...                            n_draws=20_000, rng=20240101)
    >>> sim.lower.tolist(), sim.upper.tolist()
    ([2, 1, 1], [3, 3, 2])

    With variances estimated from 6 PSUs per unit (df 5) the critical value is studentised, and
    larger than the normal one:

    >>> t5 = rank_confidence_sets(pd.Series([0.0, 1.0, 2.0]), np.eye(3) / 10, df=5,
    ...                           n_draws=20_000, rng=20240101)
    >>> round(float(sim.critical_values.iloc[0, 0]), 1), round(float(t5.critical_values.iloc[0, 0]), 1)
    (2.4, 2.9)
    """
    func = "rank_confidence_sets"
    level = confidence_level_from(confidence_level, coverage, func)
    alpha = 1.0 - check_probability(level, name="confidence_level", func=func)
    check_choice(kind, _KINDS, name="kind", func=func)
    n_draws = check_positive_int(
        renamed_parameter(renamed, "n_resamples", "n_draws", n_draws, func=func, default=N_DRAWS),
        name="n_draws", func=func, minimum=100,
    )
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
        method=meth, n_draws=n_draws, gen=gen, df=data.df,
    )
    return build_result(
        data, raw, confidence_level=1.0 - alpha, simultaneous=simultaneous, kind=kind, rng_state=state,
        lower_is_better=lower_is_better,
    )


def kww_confidence_sets(
    estimates: EstimatesLike,
    cov: CovarianceLike | None = None,
    *,
    confidence_level: float = 0.95,
    coverage: float | None = None,
    correction: Literal["sidak", "bonferroni"] = "sidak",
    decimals: int | None = None,
    lower_is_better: bool = False,
    measure: str = "total",
    df: DfLike | None = None,
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
    raw = RawSets(
        np.asarray(lo_o, np.int64), np.asarray(hi_o, np.int64), [], np.full(p, np.nan), method, 0,
        False,
    )
    return build_result(
        data, raw, confidence_level=1.0 - alpha, simultaneous=True, kind="two-sided", rng_state=None,
        lower_is_better=lower_is_better,
    )


@dataclass(frozen=True, slots=True, repr=False)
class TauSet(Result, CoverageAlias):
    """The units that could be among the τ best (or worst), with joint confidence ``confidence_level``.

    Parameters
    ----------
    units : pandas.Index
        All units.
    members : pandas.Index
        Units in the set; units outside it are, with confidence ``confidence_level``, not among the τ
        best (worst).
    in_set : pandas.Series
        Boolean membership per unit.
    tau : int
        How many best (or worst) units the set is about.
    which : str
        "best" or "worst".
    confidence_level : float
        The confidence level.
    rank_sets : RankConfidenceSets
        The one-sided simultaneous sets the membership was read from.

    Examples
    --------
    >>> ts = tau_best(pd.Series([9.0, 5.0, 1.0], index=list("abc")), np.eye(3) / 100, df=np.inf,
    ...               n_draws=2000, rng=1)
    >>> ts.members.tolist(), ts.to_frame()["in_set"].tolist()
    (['a'], [True, False, False])
    """

    units: pd.Index
    members: pd.Index
    in_set: pd.Series
    tau: int
    which: str
    confidence_level: float
    rank_sets: RankConfidenceSets

    def to_frame(self) -> pd.DataFrame:
        """Per unit: estimate, rank, the relevant bound and membership.

        Returns
        -------
        pandas.DataFrame
        """
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


def _n_draws(renamed: dict[str, object], n_draws: int, func: str) -> int:
    """``n_draws``, or its deprecated name ``n_resamples`` (warning at the user's call)."""
    value = renamed_parameter(renamed, "n_resamples", "n_draws", n_draws, func=func, default=N_DRAWS)
    return cast(int, value)


def _tau(
    which: str, estimates: EstimatesLike, cov: CovarianceLike | None, *, tau: int,
    confidence_level: float, **kw: Any
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
    estimates: EstimatesLike,
    cov: CovarianceLike | None = None,
    *,
    tau: int = 1,
    confidence_level: float = 0.95,
    coverage: float | None = None,
    n_draws: int = N_DRAWS,
    method: str = "auto",
    lower_is_better: bool = False,
    measure: str = "total",
    df: DfLike | None = None,
    rng: RNGLike = None,
    **renamed: object,
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
    n_draws : int
        Monte Carlo draws. default: 100_000.
    **renamed
        ``n_resamples``: deprecated name of ``n_draws`` (a DGIDeprecationWarning).
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
    >>> tau_best(est, np.diag([0.04] * 4), df=np.inf, tau=1, n_draws=10_000,
    ...          rng=1).members.tolist()
    ['a', 'b']
    """
    n_draws = _n_draws(renamed, n_draws, "tau_best")
    return _tau(
        "best", estimates, cov, tau=tau,
        confidence_level=confidence_level_from(confidence_level, coverage, "tau_best"),
        n_draws=n_draws,
        method=method, lower_is_better=lower_is_better, measure=measure, df=df, rng=rng,
    )


def tau_worst(
    estimates: EstimatesLike,
    cov: CovarianceLike | None = None,
    *,
    tau: int = 1,
    confidence_level: float = 0.95,
    coverage: float | None = None,
    n_draws: int = N_DRAWS,
    method: str = "auto",
    lower_is_better: bool = False,
    measure: str = "total",
    df: DfLike | None = None,
    rng: RNGLike = None,
    **renamed: object,
) -> TauSet:
    """The set of units that could be among the τ worst: ``{j : upper_j >= p − τ + 1}``.

    See :func:`tau_best`; built from the simultaneous stepwise *upper* sets.

    Parameters
    ----------
    estimates : Scores, SurveyEstimate, pandas.Series or array-like
        As in :func:`rank_confidence_sets`.
    cov : DataFrame or ndarray, optional
        As in :func:`rank_confidence_sets`.
    tau : int
        default: 1.
    confidence_level : float
        default: 0.95.
    coverage : float, optional
        Deprecated name of ``confidence_level`` (a DGIDeprecationWarning).
    n_draws : int
        Monte Carlo draws. default: 100_000.
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
    **renamed
        ``n_resamples``: deprecated name of ``n_draws`` (a DGIDeprecationWarning).

    Returns
    -------
    TauSet

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> est = pd.Series([10.0, 9.8, 5.0, 4.0], index=list("abcd"))
    >>> tau_worst(est, np.diag([0.04] * 4), df=np.inf, tau=1, n_draws=10_000,
    ...           rng=1).members.tolist()
    ['d']
    """
    n_draws = _n_draws(renamed, n_draws, "tau_worst")
    return _tau(
        "worst", estimates, cov, tau=tau,
        confidence_level=confidence_level_from(confidence_level, coverage, "tau_worst"),
        n_draws=n_draws,
        method=method, lower_is_better=lower_is_better, measure=measure, df=df, rng=rng,
    )
