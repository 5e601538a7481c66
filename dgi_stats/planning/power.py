"""Power of score and rank claims: detectable changes, and rank-set changes by simulation.

* :func:`detectable_change` — the smallest true score change a two-sample z test detects with a
  given power (from the two years' standard errors).
* :func:`rank_set_change_probability` — for a true change of Δ points in one unit (everything else
  fixed), the probability that the rank-change test establishes a rise and that the unit's rank
  sets move, by simulation from the Gaussian approximation.

The sample a survey needs (:func:`~dgi_stats.planning.sample_size.required_sample_size`,
:func:`~dgi_stats.planning.sample_size.interpolate_required`) lives in
:mod:`dgi_stats.planning.sample_size` and is re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd
from scipy import optimize, stats

from dgi_stats._draws import chi_scales, gaussian_draws
from dgi_stats._results import (
    CoverageAlias,
    RenamedAttribute,
    Result,
    frame_repr,
    renamed_parameter,
)
from dgi_stats._rng import RNGLike, as_generator, generator_state
from dgi_stats._typing import FloatArray
from dgi_stats._validation import check_choice, check_positive_int, check_probability, did_you_mean
from dgi_stats.exceptions import DGIError
from dgi_stats.planning._common import binomial_se
from dgi_stats.planning.sample_size import (
    UNIT_NAMES,
    SampleSizePlan,
    interpolate_required,
    required_sample_size,
)
from dgi_stats.ranks._common import (
    CovarianceLike,
    DfLike,
    EstimatesLike,
    confidence_level_from,
    prepare,
)
from dgi_stats.ranks.change import rank_change_test
from dgi_stats.scores.pivot import Scores, satterthwaite_df
from dgi_stats.units import match_unit

__all__ = [
    "RankChangePower",
    "SampleSizePlan",
    "detectable_change",
    "interpolate_required",
    "rank_set_change_probability",
    "required_sample_size",
]

# the sample-size planning lived here until 0.2: still importable from this module
_MOVED = (UNIT_NAMES, SampleSizePlan, interpolate_required, required_sample_size)
_N_SURVEYS = 200


def _se_of(x: float | pd.Series | Scores, measure: str, name: str) -> pd.Series | float:
    if isinstance(x, Scores):
        if measure not in x.measures:
            msg = (
                f"The {name!r} Scores has no measure {measure!r}; "
                f"{did_you_mean([measure], x.measures, what='measures')}."
            )
            raise DGIError(msg)
        return x.std_error[measure]
    if isinstance(x, pd.Series):
        return x.astype(float)
    if isinstance(x, int | float | np.floating | np.integer) and not isinstance(x, bool):
        return float(x)
    msg = (f"The {name!r} parameter of detectable_change must be a float, a Series of standard "
           f"errors by unit or a Scores. Got {type(x).__name__} instead.")
    raise DGIError(msg)


def detectable_change(
    se_before: float | pd.Series | Scores,
    se_after: float | pd.Series | Scores,
    *,
    power: float = 0.8,
    alpha: float = 0.05,
    alternative: str = "two-sided",
    measure: str = "total",
    df: float | pd.Series | None = None,
) -> pd.Series | float:
    r"""Minimum true score change detectable with the given power (two independent years).

    Parameters
    ----------
    se_before, se_after : float, pandas.Series or Scores
        Standard errors of the estimates in the two years (per unit as a Series, or a Scores from
        which ``measure`` is taken), under the design considered.
    power : float
        Target power. default: 0.8.
    alpha : float
        Test level. default: 0.05.
    alternative : {"two-sided", "greater"}
        Two-sided z test, or one-sided for an increase. default: "two-sided".
    measure : str
        Measure of Scores inputs. default: "total".
    df : float or pandas.Series, optional
        Degrees of freedom of the change's t test (e.g. the Welch–Satterthwaite df of the two
        years' design df; per unit as a Series). default: None — taken from the two Scores when
        both are given (Satterthwaite), otherwise a normal (z) test.

    Returns
    -------
    float or pandas.Series
        The smallest Δ > 0 with P(reject | true change Δ) = power.

    Notes
    -----
    With :math:`s = \sqrt{SE_1^2 + SE_2^2}`, solves
    :math:`\Phi(\Delta/s - z_{1-\alpha/2}) + \Phi(-\Delta/s - z_{1-\alpha/2}) = \text{power}`
    (two-sided; the second term is the negligible wrong-direction tail) or
    :math:`\Phi(\Delta/s - z_{1-\alpha}) = \text{power}` (one-sided). With ``df`` the same
    equations with the noncentral t law: :math:`P(|T_{\nu,\Delta/s}| > t_{\nu,1-\alpha/2}) =
    \text{power}` — with 10 df (two years of 5) the detectable change is about 11 % larger than
    the normal approximation says.

    Examples
    --------
    >>> round(detectable_change(0.6, 0.6), 3)
    2.376
    >>> round(detectable_change(0.6, 0.6, df=10), 3)
    2.639
    """
    func = "detectable_change"
    power = check_probability(power, name="power", func=func)
    alpha = check_probability(alpha, name="alpha", func=func)
    if alternative not in ("two-sided", "greater"):
        msg = f"The 'alternative' parameter of {func} must be 'two-sided' or 'greater'. Got {alternative!r}."
        raise DGIError(msg)
    s1 = _se_of(se_before, measure, "se_before")
    s2 = _se_of(se_after, measure, "se_after")
    if df is None and isinstance(se_before, Scores) and isinstance(se_after, Scores):
        d1, d2 = se_before.df_for(measure), se_after.df_for(measure)
        if d1 is not None and d2 is not None:
            common = d1.index.intersection(d2.index, sort=False)
            var1 = np.asarray(s1.reindex(common), dtype=float) ** 2  # type: ignore[union-attr]
            var2 = np.asarray(s2.reindex(common), dtype=float) ** 2  # type: ignore[union-attr]
            df = pd.Series(
                satterthwaite_df(
                    var1, d1.reindex(common).to_numpy(), var2, d2.reindex(common).to_numpy()
                ),
                index=common,
            )
    if isinstance(s1, pd.Series) or isinstance(s2, pd.Series):
        a1 = s1 if isinstance(s1, pd.Series) else None
        a2 = s2 if isinstance(s2, pd.Series) else None
        index = (a1 if a1 is not None else a2).index  # type: ignore[union-attr]
        if a1 is not None and a2 is not None:
            index = a1.index.intersection(a2.index, sort=False)
        v1 = a1.reindex(index) if a1 is not None else pd.Series(s1, index=index)
        v2 = a2.reindex(index) if a2 is not None else pd.Series(s2, index=index)
        s = np.sqrt(v1.to_numpy(dtype=float) ** 2 + v2.to_numpy(dtype=float) ** 2)
    else:
        s = np.atleast_1d(np.sqrt(float(s1) ** 2 + float(s2) ** 2))
        index = None
    if (~np.isfinite(s)).any() or (s < 0).any():
        msg = f"{func}: standard errors must be finite and non-negative."
        raise DGIError(msg)
    if df is None:
        nu = np.full(s.shape, np.inf)
    elif isinstance(df, pd.Series):
        if index is None:
            msg = f"The 'df' parameter of {func} is a Series but the standard errors are numbers."
            raise DGIError(msg)
        nu = df.reindex(index).to_numpy(dtype=float)
    else:
        nu = np.full(s.shape, float(df))
    if np.isnan(nu).any() or (nu <= 0).any():
        msg = f"The 'df' parameter of {func} must be > 0 (numpy.inf for a z test) for every unit."
        raise DGIError(msg)
    out = np.array([_detectable_multiple(float(v), power, alpha, alternative) for v in nu]) * s
    if index is None:
        return float(out[0])
    return pd.Series(out, index=index, name="detectable_change")


def _detectable_multiple(nu: float, power: float, alpha: float, alternative: str) -> float:
    """Δ/s reached with ``power`` by a z (ν = inf) or t(ν) test at level ``alpha``."""
    if np.isinf(nu):
        if alternative == "greater":
            return float(stats.norm.ppf(1 - alpha) + stats.norm.ppf(power))
        z = stats.norm.ppf(1 - alpha / 2)
        if power <= alpha:
            return 0.0
        return float(optimize.brentq(
            lambda d: stats.norm.cdf(d - z) + stats.norm.cdf(-d - z) - power, 0.0, 50.0,
            xtol=1e-12,
        ))
    if alternative == "greater":
        q = stats.t.ppf(1 - alpha, nu)
        return float(optimize.brentq(
            lambda d: np.nan_to_num(stats.nct.sf(q, nu, d), nan=1.0) - power, 0.0, 40.0,
            xtol=1e-10,
        ))
    q = stats.t.ppf(1 - alpha / 2, nu)
    if power <= alpha:
        return 0.0
    return float(optimize.brentq(
        # far in the tail scipy's noncentral t returns NaN: there the power is 1 and the
        # wrong-direction tail 0
        lambda d: np.nan_to_num(stats.nct.sf(q, nu, d), nan=1.0)
        + np.nan_to_num(stats.nct.cdf(-q, nu, d), nan=0.0) - power,
        0.0, 40.0, xtol=1e-10,
    ))


def _tested_pairs(
    pairs: Iterable[tuple[FloatArray, FloatArray]],
    covs: Sequence[FloatArray],
    units: pd.Index,
    name: str,
    confidence_level: float,
    dfs: Sequence[FloatArray] | None = None,
    gen: np.random.Generator | None = None,
    procedure: str = "closed",
) -> Iterator[pd.Series]:
    """The rank-change test of unit ``name`` on each simulated pair of years: its table row.

    Without ``dfs`` the covariances are the simulation's own, known without error (df = inf).
    With ``dfs`` (per unit, each year) every simulated survey also draws its own variance
    estimates, ``Σ_uu χ²_ν/ν`` per unit (units independent), and the test runs on them with
    those df, as it would on a real survey.
    """
    for e1, e2 in pairs:
        ins: list[tuple[FloatArray, Any]]
        if dfs is None:
            ins = [(covs[0], np.inf), (covs[1], np.inf)]
        else:
            assert gen is not None
            ins = []
            for c, d in zip(covs, dfs):
                scale = chi_scales(d, 1, gen)[0] ** 2
                ins.append((np.diag(np.diag(c) * scale), d))
        res = rank_change_test(
            (pd.Series(e1, index=units), ins[0][0], ins[0][1]),
            (pd.Series(e2, index=units), ins[1][0], ins[1][1]),
            unit=name, confidence_level=confidence_level, n_draws=2000, procedure=procedure,
            rng=gen,
        )
        yield res.table.iloc[0]


@dataclass(frozen=True, slots=True, repr=False)
class RankChangePower(Result, CoverageAlias):
    """Operating characteristics of the rank-change test for true score changes Δ of one unit.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per Δ: ``true_places_gained``, ``power_rise`` (P(places_gained_lower >= 1)),
        ``p_set_moved`` (P(the unit's year-2 rank set is better at one end or both)),
        ``p_sets_disjoint`` (P(year-2 set entirely above the year-1 set)), ``score_power``
        (P(the score-change z test rejects)), and Monte Carlo standard errors.
    unit : str
        The unit.
    confidence_level : float
        The confidence level.
    n_surveys : int
        Simulated pairs of surveys per Δ; ``n_sims`` is its deprecated name.
    rng_state : dict
        Bit-generator state before the draws (reproduces the result).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> est = pd.Series([70.0, 71.0, 72.0], index=list("abc"))
    >>> res = rank_set_change_probability(est, np.eye(3) / 25, unit="a", delta=3.0, df=np.inf,
    ...                                   n_surveys=5, rng=1)
    >>> res.n_surveys, list(res.to_frame().index)
    (5, [3.0])
    """

    table: pd.DataFrame
    unit: str
    confidence_level: float
    n_surveys: int
    rng_state: dict[str, object]
    n_sims = RenamedAttribute("n_surveys")

    def to_frame(self) -> pd.DataFrame:
        """The table (one row per Δ).

        Returns
        -------
        pandas.DataFrame
        """
        return self.table.copy()

    def __repr__(self) -> str:
        return frame_repr("RankChangePower", self.table,
                          extra=f"unit={self.unit!r}, confidence_level={self.confidence_level:g}, "
                                f"{self.n_surveys} simulated survey pairs")


def rank_set_change_probability(
    estimates: EstimatesLike,
    cov: CovarianceLike | None = None,
    *,
    unit: str,
    delta: float | Sequence[float],
    cov_after: CovarianceLike | None = None,
    confidence_level: float = 0.95,
    coverage: float | None = None,
    n_surveys: int = _N_SURVEYS,
    measure: str = "total",
    df: DfLike | None = None,
    procedure: str = "closed",
    rng: RNGLike = None,
    **renamed: object,
) -> RankChangePower:
    """Probability that a true change of Δ points in one unit moves its rank sets and rank-change test.

    The year-1 truth is ``estimates``; the year-2 truth adds ``delta`` to ``unit`` only. Both years'
    estimates are drawn from N(truth, cov) (independent years; ``cov_after`` defaults to ``cov``),
    and :func:`~dgi_stats.ranks.rank_change_test` (the unit named in advance) is run on each draw.
    With design df (from a Scores, or ``df``) each simulated survey also draws its own variance
    estimates (scaled chi-square with the unit's df; units independent) and the test uses them
    with those df, as on a real survey; ``df=numpy.inf`` treats the covariance as known (a
    cheaper, optimistic answer). For the full design-based answer, simulate the surveys:
    :func:`required_sample_size`.

    Parameters
    ----------
    estimates : pandas.Series or Scores
        The year-1 true scores (for planning: current estimates).
    cov : DataFrame or ndarray, optional
        Covariance of the year-1 estimates under the design. default: None (from the Scores).
    unit : str
        The unit whose score changes.
    delta : float or sequence of float
        True score change(s) of ``unit`` (points of the measure).
    cov_after : DataFrame or ndarray, optional
        Covariance in year 2. default: same as ``cov``.
    confidence_level : float
        1 − α of the tests. default: 0.95.
    coverage : float, optional
        Deprecated name of ``confidence_level`` (a DGIDeprecationWarning).
    n_surveys : int
        Simulated pairs of surveys per Δ. default: 200.
    measure : str
        default: "total".
    df : float, Series or array-like, optional
        Degrees of freedom per unit of both years' variance estimates. default: None — from the
        Scores; required for bare estimates (``numpy.inf``: covariance known).
    procedure : {"closed", "projection"}
        The rank-change procedure of :func:`~dgi_stats.ranks.rank_change_test` (for a named
        unit). default: "closed" (the test's default).
    rng : int, Generator or None
        default: None.
    **renamed
        ``n_sims``: deprecated name of ``n_surveys`` (a DGIDeprecationWarning).

    Returns
    -------
    RankChangePower

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> est = pd.Series([70.0, 71.0, 72.0, 73.0, 74.0], index=list("abcde"))
    >>> res = rank_set_change_probability(est, np.diag([0.04] * 5), unit="a", delta=[0.0, 6.0],
    ...                                   df=np.inf, n_surveys=10, rng=20240101)
    >>> res.table["power_rise"].tolist()
    [0.0, 1.0]
    """
    func = "rank_set_change_probability"
    level = confidence_level_from(confidence_level, coverage, func)
    coverage_level = check_probability(level, name="confidence_level", func=func)
    proc = check_choice(procedure, ("closed", "projection"), name="procedure", func=func)
    n_surveys = check_positive_int(
        cast(int, renamed_parameter(renamed, "n_sims", "n_surveys", n_surveys, func=func,
                                    default=_N_SURVEYS)),
        name="n_surveys", func=func,
    )
    data = prepare(estimates, cov, func=func, measure=measure, df=df)
    cov2 = data.cov if cov_after is None else prepare(
        pd.Series(data.theta, index=data.units), cov_after, func=func, df=data.df
    ).cov
    name = match_unit(str(unit), units=[str(u) for u in data.units])
    j = [str(u) for u in data.units].index(name)
    label = data.units[j]
    gen = as_generator(rng)
    state = generator_state(gen)
    deltas = np.atleast_1d(np.asarray(delta, dtype=float))
    rows = []
    for d in deltas:
        truth2 = data.theta.copy()
        truth2[j] += d
        e1 = data.theta + gaussian_draws(data.cov, n_surveys, gen)
        e2 = truth2 + gaussian_draws(cov2, n_surveys, gen)
        rise = moved = disjoint = score = 0
        dfs = [data.df, data.df] if data.studentised else None
        for t in _tested_pairs(
            zip(e1, e2), (data.cov, cov2), data.units, name, coverage_level, dfs, gen, proc
        ):
            rise += int(t.places_gained_lower >= 1)
            moved += int(t.lower_after < t.lower_before or t.upper_after < t.upper_before)
            disjoint += int(t.upper_after < t.lower_before)
            score += int(t.score_change_pvalue < 1 - coverage_level)  # t test with its df
        r1 = 1 + int((data.theta > data.theta[j]).sum())
        r2 = 1 + int((truth2 > truth2[j]).sum())
        k = float(n_surveys)
        rows.append({
            "delta": d, "true_places_gained": r1 - r2, "power_rise": rise / k,
            "power_rise_se": binomial_se(rise / k, k), "p_set_moved": moved / k,
            "p_sets_disjoint": disjoint / k, "score_power": score / k,
        })
    table = pd.DataFrame(rows).set_index("delta")
    return RankChangePower(table, str(label), coverage_level, n_surveys, state)
