"""Descriptive rank summaries: rank probabilities, P-scores, expected ranks.

These are **descriptive**: statements about simulated draws (a flat-prior Gaussian posterior or the
sampling replicates), *not* tests or confidence statements. Percentile intervals of simulated ranks
under-cover when units are close or tied; for claims about ranks use
:func:`~dgi_stats.ranks.rank_confidence_sets` and :func:`~dgi_stats.ranks.rank_change_test`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from dgi_stats._draws import chi_scales, gaussian_draws
from dgi_stats._results import Result, frame_repr
from dgi_stats._rng import RNGLike, as_generator, generator_state
from dgi_stats._validation import check_choice, check_positive_int
from dgi_stats.exceptions import DGIError
from dgi_stats.ranks._common import (
    CovarianceLike,
    DfLike,
    EstimatesLike,
    prepare,
    replicate_columns,
)
from dgi_stats.ranks._core import pair_sd, pair_t
from dgi_stats.ranks._sets import welch_pair_df
from dgi_stats.scores.answers import competition_rank
from dgi_stats.scores.pivot import Scores

__all__ = ["PScores", "RankProbabilities", "p_scores", "rank_probabilities"]

_LABEL = "DESCRIPTIVE (not a test or confidence statement)"


@dataclass(frozen=True, slots=True, repr=False)
class RankProbabilities(Result):
    """Probabilities of each rank from simulated draws — DESCRIPTIVE, not a test.

    Parameters
    ----------
    units : pandas.Index
        The units, in input order.
    rank : pandas.Series
        Rank of the point estimates.
    probabilities : pandas.DataFrame
        ``P(rank = r)`` per unit (rows) and rank r (columns 1..p).
    top_k : pandas.DataFrame
        ``P(rank <= k)`` for each requested k (columns ``top_1``, ``top_3``, ...).
    expected_rank : pandas.Series
        Mean simulated rank.
    n_draws : int
        Monte Carlo draws.
    source : str
        "normal" (draws from N(estimate, cov), a flat-prior Gaussian posterior) or "replicates".
    rng_state : dict or None
        Bit-generator state before the draws (reproduces the result).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rp = rank_probabilities(pd.Series([9.0, 1.0], index=["a", "b"]), np.eye(2) / 100,
    ...                         df=np.inf, top_k=(1,), n_draws=100, rng=1)
    >>> rp.to_frame()["top_1"].tolist()
    [1.0, 0.0]
    """

    units: pd.Index
    rank: pd.Series
    probabilities: pd.DataFrame
    top_k: pd.DataFrame
    expected_rank: pd.Series
    n_draws: int
    source: str
    rng_state: dict[str, object] | None

    def to_frame(self) -> pd.DataFrame:
        """Per unit: rank of the estimate, P(top k) columns, expected rank (sorted by rank).

        Returns
        -------
        pandas.DataFrame
        """
        out = pd.concat([self.rank, self.top_k, self.expected_rank], axis=1)
        out.index.name = "unit"
        return out.sort_values("rank", kind="stable")

    def __repr__(self) -> str:
        return frame_repr(
            "RankProbabilities", self.to_frame(),
            extra=f"{_LABEL}; {self.n_draws} {self.source} draws",
        )


def rank_probabilities(
    estimates: EstimatesLike,
    cov: CovarianceLike | None = None,
    *,
    top_k: Sequence[int] = (1, 3),
    n_draws: int = 10_000,
    replicates: pd.DataFrame | None = None,
    method: str = "auto",
    lower_is_better: bool = False,
    measure: str = "total",
    df: DfLike | None = None,
    rng: RNGLike = None,
) -> RankProbabilities:
    """Probability that each unit ranks 1st, in the top k, or at each rank — DESCRIPTIVE.

    Draws the estimates from N(estimate, cov) (a flat-prior Gaussian posterior, i.e. a parametric
    bootstrap; ``method="normal"``) or, with design df, from a multivariate t per unit (each unit's
    deviation divided by ``sqrt(χ²_ν/ν)``; ``method="t"``), or resamples the stored replicate estimates of a Scores
    (``method="replicates"``, through :meth:`Scores.sampling_draws`), or takes the draws given in
    ``replicates``; ranks each draw and counts.

    Parameters
    ----------
    estimates : pandas.Series or Scores
        Point estimates by unit.
    cov : DataFrame or ndarray, optional
        Covariance of the estimates. default: None (from the Scores).
    top_k : sequence of int
        The k of the "P(rank <= k)" columns. default: (1, 3).
    n_draws : int
        Number of draws. default: 10_000.
    replicates : pandas.DataFrame, optional
        Ready-made draws of the estimates (rows = draws, columns = units). default: None.
    method : {"auto", "normal", "t", "replicates"}
        Gaussian draws, t draws with the units' df, or resampled replicates of a Scores input.
        "auto": t when some unit has df <= 100, Gaussian otherwise. default: "auto".
    lower_is_better : bool
        default: False.
    measure : str
        Measure of a Scores input. default: "total".
    df : float, Series or array-like, optional
        Degrees of freedom per unit. default: None (from the Scores; required for bare estimates
        with the Gaussian/t draws, ``numpy.inf`` = covariance known).
    rng : int, Generator or None
        default: None.

    Returns
    -------
    RankProbabilities

    Notes
    -----
    These are statements of belief about simulated ranks, not confidence statements: they carry no
    error-rate guarantee, and percentile intervals of simulated ranks under-cover near ties
    (Xie, Singh & Zhang 2009; Hall & Miller 2009). Label them as descriptive.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> est = pd.Series([75.2, 74.9, 70.0], index=["A", "B", "C"])
    >>> rp = rank_probabilities(est, np.diag([0.25, 0.25, 0.25]), df=np.inf, n_draws=4000,
    ...                         rng=20240101)
    >>> round(float(rp.top_k.loc["A", "top_1"]), 2)  # exact value Φ(0.3 / √0.5) = 0.664
    0.67
    """
    func = "rank_probabilities"
    n_draws = check_positive_int(n_draws, name="n_draws", func=func)
    ks = [check_positive_int(k, name="top_k", func=func) for k in top_k]
    gen = as_generator(rng)
    state = generator_state(gen)
    check_choice(method, ("auto", "normal", "t", "replicates"), name="method", func=func)
    base: np.ndarray
    if method == "replicates":
        if not isinstance(estimates, Scores):
            msg = f"{func}(method='replicates') needs a Scores input with replicate estimates."
            raise DGIError(msg)
        est_s, _ = estimates.for_measure(measure)
        units = pd.Index(est_s.index)
        draws = estimates.sampling_draws(
            n_draws, method="replicates", measures=[measure], rng=gen
        )[:, :, 0]
        base = est_s.to_numpy(dtype=float)
        source, n_used = "replicate", n_draws
    elif replicates is not None:
        if isinstance(estimates, Scores):
            estimates, cov = estimates.for_measure(measure)
        if not isinstance(estimates, pd.Series):
            msg = (
                f"{func}(replicates=...) needs the estimates as a Series indexed by unit (or a "
                f"Scores). Got {type(estimates).__name__} instead."
            )
            raise DGIError(msg)
        units = pd.Index(estimates.index)
        draws = replicate_columns(replicates, units, func=func)
        base = estimates.to_numpy(dtype=float)
        source = "given"
        n_used = draws.shape[0]
    else:
        data = prepare(estimates, cov, func=func, measure=measure, df=df)
        units = data.units
        use_t = method == "t" or (method == "auto" and data.studentised)
        dev = gaussian_draws(data.cov, n_draws, gen)
        if use_t:
            dev = dev / chi_scales(data.df, n_draws, gen)
        draws = data.theta + dev
        base = data.theta
        source = "t" if use_t else "normal"
        n_used = n_draws
    p = len(units)
    if any(k > p for k in ks):
        msg = f"The 'top_k' parameter of {func} must have values <= the number of units ({p})."
        raise DGIError(msg)
    ranks = competition_rank(np.asarray(draws, dtype=float), ascending=lower_is_better)
    probs = np.stack([(ranks == r).mean(axis=0) for r in range(1, p + 1)], axis=1)
    return RankProbabilities(
        units=units,
        rank=pd.Series(
            competition_rank(base.astype(float), ascending=lower_is_better), index=units, name="rank"
        ),
        probabilities=pd.DataFrame(probs, index=units, columns=pd.RangeIndex(1, p + 1, name="rank")),
        top_k=pd.DataFrame({f"top_{k}": (ranks <= k).mean(axis=0) for k in ks}, index=units),
        expected_rank=pd.Series(ranks.mean(axis=0), index=units, name="expected_rank"),
        n_draws=n_used,
        source=source,
        rng_state=state,
    )


@dataclass(frozen=True, slots=True, repr=False)
class PScores(Result):
    """P-scores and flat-prior expected ranks — DESCRIPTIVE (closed form, deterministic).

    Parameters
    ----------
    p_score : pandas.Series
        ``P_j = mean over k != j of Φ((θ̂_j − θ̂_k)/σ̂_jk)`` in [0, 1] (1 = surely best).
    expected_rank : pandas.Series
        ``1 + (p − 1)(1 − P_j)``, the expected rank under a flat-prior Gaussian posterior.
    rank : pandas.Series
        Rank of the point estimates.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> p_scores(pd.Series([1.0, 0.0], index=["a", "b"]), np.eye(2) / 2, df=np.inf).rank.tolist()
    [1, 2]
    """

    p_score: pd.Series
    expected_rank: pd.Series
    rank: pd.Series

    def to_frame(self) -> pd.DataFrame:
        """Per unit: rank, P-score, expected rank (sorted by rank).

        Returns
        -------
        pandas.DataFrame
        """
        out = pd.concat([self.rank, self.p_score, self.expected_rank], axis=1)
        out.index.name = "unit"
        return out.sort_values("rank", kind="stable")

    def __repr__(self) -> str:
        return frame_repr("PScores", self.to_frame(), extra=_LABEL)


def p_scores(
    estimates: EstimatesLike,
    cov: CovarianceLike | None = None,
    *,
    lower_is_better: bool = False,
    measure: str = "total",
    df: DfLike | None = None,
) -> PScores:
    r"""P-scores (Rücker & Schwarzer 2015) and flat-prior expected ranks — DESCRIPTIVE.

    Parameters
    ----------
    estimates : pandas.Series or Scores
        Point estimates by unit.
    cov : DataFrame or ndarray, optional
        Covariance. default: None (from the Scores).
    lower_is_better : bool
        default: False.
    measure : str
        default: "total".
    df : float, Series or array-like, optional
        Degrees of freedom per unit: Φ is replaced by the t cdf with the pair's Welch df.
        default: None (from the Scores; required for bare estimates, ``numpy.inf`` = normal).

    Returns
    -------
    PScores

    Notes
    -----
    :math:`P_j = \frac{1}{p-1}\sum_{k\ne j}\Phi\big((\hat\theta_j-\hat\theta_k)/\hat\sigma_{jk}\big)`,
    :math:`E[r_j] = 1 + (p-1)(1-P_j)`; with a flat-prior Gaussian posterior SUCRA equals the
    P-score. No coverage guarantee.

    References
    ----------
    .. [1] Rücker, G. and Schwarzer, G. (2015). Ranking treatments in frequentist network
       meta-analysis works without resampling methods. BMC Med. Res. Methodol. 15:58.
       doi:10.1186/s12874-015-0060-8

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> ps = p_scores(pd.Series([1.0, 0.0], index=["a", "b"]), np.eye(2) / 2, df=np.inf)
    >>> ps.p_score.round(4).tolist(), ps.expected_rank.round(4).tolist()
    ([0.8413, 0.1587], [1.1587, 1.8413])
    """
    data = prepare(estimates, cov, func="p_scores", measure=measure, df=df)
    theta = -data.theta if lower_is_better else data.theta
    p = theta.size
    sd = pair_sd(data.cov)
    tt = pair_t(theta, sd)
    nu = welch_pair_df(data.cov, data.df)
    known = np.isinf(nu)
    phi = np.where(known, stats.norm.cdf(tt), stats.t.cdf(tt, np.where(known, 1.0, nu)))
    phi = np.where((sd == 0) & (theta[:, None] == theta[None, :]), 0.5, phi)
    np.fill_diagonal(phi, 0.0)
    ps = phi.sum(axis=1) / (p - 1)
    u = data.units
    return PScores(
        p_score=pd.Series(ps, index=u, name="p_score"),
        expected_rank=pd.Series(1 + (p - 1) * (1 - ps), index=u, name="expected_rank"),
        rank=pd.Series(competition_rank(theta), index=u, name="rank"),
    )
