"""Power and planning for score and rank changes.

* :func:`detectable_change` — the smallest true score change a two-sample z test detects with a
  given power (from the two years' standard errors).
* :func:`rank_set_change_probability` — for a true change of Δ points in one unit (everything else
  fixed), the probability that the rank-change test establishes a rise and that the unit's rank
  sets move, by simulation from the Gaussian approximation.
* :func:`required_sample_size` — power of a rise like Uông Bí's (rank 6 → 1 between 2020 and
  2021) over a grid of designs (communes per unit x respondents per village), through the
  SYNTHETIC survey simulator (:func:`dgi_stats.simulate.simulate_estimates`): every unit is drawn
  afresh in both years, each simulated survey carries its own design SEs and df, and the
  respondents per unit reaching the target power are interpolated with their Monte Carlo error
  (:func:`interpolate_required`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from dgi_stats._draws import chi_scales, gaussian_draws
from dgi_stats._results import CoverageAlias, Summary, frame_repr
from dgi_stats._rng import RNGLike, as_generator, generator_state
from dgi_stats._typing import FloatArray
from dgi_stats._validation import check_positive_int, check_probability, did_you_mean
from dgi_stats.exceptions import DGIError
from dgi_stats.ranks._input import confidence_level_from, prepare
from dgi_stats.ranks.change import rank_change_test
from dgi_stats.scores.pivot import Scores, satterthwaite_df
from dgi_stats.units import UNITS, match_unit

UNIT_NAMES: tuple[str, ...] = tuple(u.name for u in UNITS)

__all__ = [
    "RankChangePower",
    "SampleSizePlan",
    "detectable_change",
    "interpolate_required",
    "rank_set_change_probability",
    "required_sample_size",
]


def _se_of(x: Any, measure: str, name: str) -> pd.Series | float:
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
    se_before: Any,
    se_after: Any,
    *,
    power: float = 0.8,
    alpha: float = 0.05,
    alternative: str = "two-sided",
    measure: str = "total",
    df: Any = None,
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
            unit=name, confidence_level=confidence_level, n_resamples=2000, rng=gen,
        )
        yield res.table.iloc[0]


def _binomial_se(p_hat: float, n: float) -> float:
    """Monte Carlo standard error of a simulated proportion."""
    return float(np.sqrt(p_hat * (1 - p_hat) / n))


@dataclass(frozen=True, slots=True, repr=False)
class RankChangePower(CoverageAlias):
    """Operating characteristics of the rank-change test for true score changes Δ of one unit.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per Δ: ``true_places_gained``, ``power_rise`` (P(places_gained_lower >= 1)),
        ``p_set_moved`` (P(the unit's year-2 rank set is better at one end or both)),
        ``p_sets_disjoint`` (P(year-2 set entirely above the year-1 set)), ``score_power``
        (P(the score-change z test rejects)), and Monte Carlo standard errors.
    unit : str
    confidence_level : float
    n_sims : int
    rng_state : dict
    """

    table: pd.DataFrame
    unit: str
    confidence_level: float
    n_sims: int
    rng_state: dict[str, Any]

    def to_frame(self) -> pd.DataFrame:
        """The table."""
        return self.table.copy()

    def __repr__(self) -> str:
        return frame_repr("RankChangePower", self.table,
                          extra=f"unit={self.unit!r}, confidence_level={self.confidence_level:g}, "
                                f"{self.n_sims} sims")


def rank_set_change_probability(
    estimates: Any,
    cov: Any = None,
    *,
    unit: str,
    delta: float | Sequence[float],
    cov_after: Any = None,
    confidence_level: float = 0.95,
    coverage: float | None = None,
    n_sims: int = 200,
    measure: str = "total",
    df: Any = None,
    rng: RNGLike = None,
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
    n_sims : int
        Simulated pairs of surveys per Δ. default: 200.
    measure : str
        default: "total".
    df : float, Series or array-like, optional
        Degrees of freedom per unit of both years' variance estimates. default: None — from the
        Scores; required for bare estimates (``numpy.inf``: covariance known).
    rng : int, Generator or None
        default: None.

    Returns
    -------
    RankChangePower

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> est = pd.Series([70.0, 71.0, 72.0, 73.0, 74.0], index=list("abcde"))
    >>> res = rank_set_change_probability(est, np.diag([0.04] * 5), unit="a", delta=[0.0, 6.0],
    ...                                   df=np.inf, n_sims=10, rng=20240101)
    >>> res.table["power_rise"].tolist()
    [0.0, 1.0]
    """
    func = "rank_set_change_probability"
    level = confidence_level_from(confidence_level, coverage, func)
    coverage_level = check_probability(level, name="confidence_level", func=func)
    n_sims = check_positive_int(n_sims, name="n_sims", func=func)
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
        e1 = data.theta + gaussian_draws(data.cov, n_sims, gen)
        e2 = truth2 + gaussian_draws(cov2, n_sims, gen)
        rise = moved = disjoint = score = 0
        dfs = [data.df, data.df] if data.studentised else None
        for t in _tested_pairs(
            zip(e1, e2), (data.cov, cov2), data.units, name, coverage_level, dfs, gen
        ):
            rise += int(t.places_gained_lower >= 1)
            moved += int(t.lower_after < t.lower_before or t.upper_after < t.upper_before)
            disjoint += int(t.upper_after < t.lower_before)
            score += int(t.score_change_pvalue < 1 - coverage_level)  # t test with its df
        r1 = 1 + int((data.theta > data.theta[j]).sum())
        r2 = 1 + int((truth2 > truth2[j]).sum())
        k = float(n_sims)
        rows.append({
            "delta": d, "true_places_gained": r1 - r2, "power_rise": rise / k,
            "power_rise_se": _binomial_se(rise / k, k), "p_set_moved": moved / k,
            "p_sets_disjoint": disjoint / k, "score_power": score / k,
        })
    table = pd.DataFrame(rows).set_index("delta")
    return RankChangePower(table, str(label), coverage_level, n_sims, state)


# --------------------------------------------------------------------- planning by simulation
def interpolate_required(size: Any, power: Any, power_se: Any, target: float) -> dict[str, Any]:
    r"""Size at which a simulated power curve first reaches ``target``, with its Monte Carlo SE.

    Linear interpolation between the two grid points that bracket the first crossing of
    ``target``; the standard error propagates the binomial Monte Carlo errors of those two powers
    (delta method).

    Parameters
    ----------
    size : array-like of float
        Increasing design sizes (e.g. respondents per unit).
    power, power_se : array-like of float
        Simulated power at each size and its Monte Carlo standard error.
    target : float
        Power to reach, in (0, 1).

    Returns
    -------
    dict
        ``required`` (None when no grid point reaches ``target``; the first size when it is
        already reached there), ``required_se``, ``bracket_low``, ``bracket_high`` (the grid
        sizes around the crossing), ``reached`` ("interpolated", "at or below the grid" or "not
        reached") and ``max_power`` with ``max_power_se``.

    Notes
    -----
    With :math:`p_a < t \le p_b` at sizes :math:`n_a < n_b` and :math:`d = p_b - p_a`,
    :math:`n^* = n_a + (t - p_a)(n_b - n_a)/d` and
    :math:`SE(n^*) = (n_b - n_a)/d^2 \sqrt{(p_b - t)^2 SE_a^2 + (t - p_a)^2 SE_b^2}`.

    Examples
    --------
    >>> out = interpolate_required([100, 200, 300], [0.2, 0.6, 1.0], [0.02, 0.03, 0.0], 0.8)
    >>> out["required"], round(out["required_se"], 2), out["reached"]
    (250.0, 3.75, 'interpolated')
    """
    func = "interpolate_required"
    n = np.asarray(size, dtype=float)
    p = np.asarray(power, dtype=float)
    se = np.asarray(power_se, dtype=float)
    target = check_probability(target, name="target", func=func)
    if n.ndim != 1 or n.size == 0 or p.shape != n.shape or se.shape != n.shape:
        msg = f"The 'size', 'power' and 'power_se' parameters of {func} must be equal-length 1-d sequences."
        raise DGIError(msg)
    if not (np.isfinite(n).all() and np.isfinite(p).all() and np.isfinite(se).all()):
        msg = f"The 'size', 'power' and 'power_se' parameters of {func} must be finite."
        raise DGIError(msg)
    if (np.diff(n) <= 0).any():
        msg = f"The 'size' parameter of {func} must be strictly increasing. Got {n.tolist()}."
        raise DGIError(msg)
    k = int(np.argmax(p))
    out: dict[str, Any] = {"required": None, "required_se": np.nan, "bracket_low": np.nan,
                           "bracket_high": np.nan, "reached": "not reached",
                           "max_power": float(p[k]), "max_power_se": float(se[k])}
    hit = np.flatnonzero(p >= target)
    if hit.size == 0:
        return out
    b = int(hit[0])
    if b == 0:
        out.update(required=float(n[0]), required_se=0.0, bracket_low=np.nan,
                   bracket_high=float(n[0]), reached="at or below the grid")
        return out
    a = b - 1
    d = p[b] - p[a]
    dn = n[b] - n[a]
    req = n[a] + (target - p[a]) * dn / d
    req_se = dn / d**2 * np.sqrt((p[b] - target) ** 2 * se[a] ** 2 + (target - p[a]) ** 2 * se[b] ** 2)
    out.update(required=float(req), required_se=float(req_se), bracket_low=float(n[a]),
               bracket_high=float(n[b]), reached="interpolated")
    return out


@dataclass(frozen=True, slots=True, repr=False)
class SampleSizePlan(CoverageAlias):
    """Power of the rank-change test over a grid of survey designs, from SYNTHETIC surveys.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per design (index ``design``): ``communes_per_unit`` (asked; each unit takes at
        most its frame's communes), ``respondents_per_village`` (issued), ``villages_per_commune``
        (median over units), achieved means ``respondents_per_unit`` and
        ``respondents_per_commune``, the unit's mean design ``df_before``/``df_after``, the
        root-mean-square estimated SE ``se_before``/``se_after`` and the spread of its estimates
        over the replicate surveys ``sd_before``/``sd_after``; ``power`` (share of survey pairs
        in which the rise is established: ``places_gained_lower >= min_places`` *and* the score
        change test rejects upwards), ``power_rank`` (the rank bound alone), ``power_score``
        (the score test alone), each with its binomial Monte Carlo SE (``*_se``), and
        ``n_tests`` (pairs on which the rank test had to run; the others cannot reach the
        bound).
    required : pandas.DataFrame
        One row per design choice (``choice``): "more respondents per village" at each number of
        communes, "more communes per unit" at each number of respondents per village; the
        respondents per unit at which ``power`` reaches the target by linear interpolation
        (:func:`interpolate_required`), its Monte Carlo SE, the bracketing grid sizes, whether
        it was reached and the largest power on that axis with its SE.
    estimate_sd : pandas.DataFrame
        Design x (year, unit): standard deviation of every unit's estimate over the replicate
        surveys (every unit is drawn afresh in every replicate: none is held at its truth).
    true_scores : pandas.DataFrame
        Units x years: the true scores of ``measure`` the surveys estimate.
    unit : str
    true_change : float
        The unit's true change of ``measure`` between the years.
    true_places_gained : int
    target_power, confidence_level : float
    min_places, n_replicates, n_resamples : int
    rng_state : dict
    """

    table: pd.DataFrame
    required: pd.DataFrame
    estimate_sd: pd.DataFrame
    true_scores: pd.DataFrame
    unit: str
    true_change: float
    true_places_gained: int
    target_power: float
    confidence_level: float
    min_places: int
    n_replicates: int
    n_resamples: int
    rng_state: dict[str, Any]

    def to_frame(self) -> pd.DataFrame:
        """The power table (one row per design)."""
        return self.table.copy()

    def summary(self) -> Summary:
        """Power by design and the required sample per design choice, as a :class:`Summary`.

        Examples
        --------
        >>> from dgi_stats.datasets import load_spec
        >>> plan = required_sample_size(load_spec(2020), load_spec(2021), n_replicates=250,
        ...                             rng=20240101)  # doctest: +SKIP
        >>> print(plan.summary().as_text())  # doctest: +SKIP
        """
        cols = ["communes_per_unit", "respondents_per_village", "respondents_per_unit",
                "se_after", "df_after", "power", "power_se", "power_rank", "power_score"]
        notes = [
            (f"SYNTHETIC: {self.unit} truly moves {self.true_places_gained} places "
             f"({self.true_change:+.2f} points); every unit is drawn afresh in both years."),
            (f"{self.n_replicates} simulated survey pairs per design; the largest Monte Carlo SE "
             f"of a power is {float(self.table['power_se'].max()):.3f}."),
        ]
        worst = float(self.table["power_se"].max())
        if worst >= 0.03:
            notes.append(f"Monte Carlo SE up to {worst:.3f}: use more replicates (300 keep it < 0.03).")
        for choice, row in self.required.iterrows():
            if row["reached"] == "not reached":
                notes.append(
                    f"{choice}: {self.target_power:.0%} power not reached on the grid (largest "
                    f"power {row['max_power']:.2f} ± {row['max_power_se']:.2f}).")
            else:
                notes.append(
                    f"{choice}: {self.target_power:.0%} power at about "
                    f"{row['required_respondents_per_unit']:.0f} ± "
                    f"{row['required_respondents_per_unit_se']:.0f} respondents per unit.")
        return Summary("Power of the rank-change test by design (SYNTHETIC)",
                       self.table[cols], tuple(notes))

    def __repr__(self) -> str:
        extra = (f"SYNTHETIC; unit={self.unit!r}, {self.true_places_gained} places, "
                 f"{self.n_replicates} survey pairs per design")
        return frame_repr("SampleSizePlan", self.table, extra=extra)


def _int_grid(values: Any, *, name: str, func: str, maximum: int | None = None) -> list[int]:
    try:
        items = list(values)
    except TypeError:
        items = [values]
    if not items:
        msg = f"The {name!r} parameter of {func} needs at least one value."
        raise DGIError(msg)
    out = sorted({check_positive_int(v, name=name, func=func) for v in items})
    if maximum is not None and out[-1] > maximum:
        msg = (f"The {name!r} parameter of {func} must hold ints <= {maximum} (the frame's "
               f"smallest village). Got {out[-1]}.")
        raise DGIError(msg)
    return out


def _score_rejects(e1: FloatArray, s1: FloatArray, f1: FloatArray, e2: FloatArray,
                   s2: FloatArray, f2: FloatArray, alpha: float) -> bool:
    """Two-sided t test of ``after - before`` (Satterthwaite df) rejects, upwards."""
    from dgi_stats.scores.pivot import satterthwaite_df

    se = float(np.sqrt(s1**2 + s2**2))
    change = float(e2 - e1)
    if se <= 0:
        return change > 0
    df = float(satterthwaite_df(np.array([s1**2]), np.array([f1]), np.array([s2**2]),
                                np.array([f2]))[0])
    return change > 0 and 2.0 * float(stats.t.sf(abs(change) / se, df)) < alpha


def required_sample_size(
    spec_before: Any,
    spec_after: Any = None,
    *,
    unit: str = "Uông Bí",
    year_before: int = 2020,
    year_after: int = 2021,
    communes_per_unit: Sequence[int] | int = (6, 11),
    respondents_per_village: Sequence[int] | int = (28, 60),
    villages_per_commune: int | None = None,
    n_replicates: int = 300,
    power: float = 0.8,
    confidence_level: float = 0.95,
    coverage: float | None = None,
    min_places: int = 1,
    measure: str = "total",
    n_resamples: int = 2000,
    population_seed: int | None = None,
    rng: RNGLike = None,
) -> SampleSizePlan:
    """Power of a unit's rank rise over a grid of survey designs, and the sample that reaches it.

    For every design of the grid ``communes_per_unit`` x ``respondents_per_village``,
    ``n_replicates`` pairs of SYNTHETIC surveys (one per year) are drawn with
    :func:`dgi_stats.simulate.simulate_estimates`: every unit is sampled afresh in both years
    (multi-stage PPS samples of fixed populations whose true scores reproduce the published DGI
    figures; with the defaults Uông Bí truly moves from 6th in 2020 to 1st in 2021). Each
    simulated survey carries its own design-based standard errors and design df, and
    :func:`~dgi_stats.ranks.rank_change_test` is run on the two surveys as
    :class:`~dgi_stats.scores.Scores` with the unit named in advance. Power = share of pairs in
    which ``places_gained_lower >= min_places`` and the score-change t test rejects upwards. The
    respondents per unit needed for ``power`` are interpolated per design choice: more
    respondents per village at a fixed number of communes, or more communes at a fixed number of
    respondents per village.

    Parameters
    ----------
    spec_before, spec_after : IndexSpec
        Specifications of the two years (``spec_after`` default: ``spec_before``).
    unit : str
        The unit whose rise is planned for. default: "Uông Bí".
    year_before, year_after : int
        default: 2020, 2021.
    communes_per_unit : int or sequence of int
        Communes (PSUs) drawn per unit; a unit with fewer communes in its frame takes all of them
        (Uông Bí has 11, Cô Tô 3). default: (6, 11) (the bundled design, and every commune of
        Uông Bí).
    respondents_per_village : int or sequence of int
        Adults issued per village (about 65 % respond); at most 60 (the frame's smallest
        village). default: (28, 60) (the bundled design, and the most the frame allows).
    villages_per_commune : int, optional
        Villages drawn per commune (capped at the fewest villages of a unit's communes).
        default: the bundled design's (3; 6 in Cô Tô).
    n_replicates : int
        Survey pairs per design (at least 20). With 300 the binomial Monte Carlo SE of every
        power is below 0.029 (below 0.024 beyond 0.8 or below 0.2); the summary flags any SE of
        0.03 or more. default: 300.
    power : float
        Target power. default: 0.8.
    confidence_level : float
        1 − α of the tests. default: 0.95.
    coverage : float, optional
        Deprecated name of ``confidence_level`` (a DGIDeprecationWarning).
    min_places : int
        Places the lower bound must reach (1 = "the rank improved"). default: 1.
    measure : str
        default: "total".
    n_resamples : int
        Monte Carlo draws of each rank-change test's critical values. default: 2000.
    population_seed : int, optional
        Seed of the SYNTHETIC populations (frames and cluster effects). default: that of the
        bundled surveys (:data:`dgi_stats.datasets.generate.SEED`).
    rng : int, Generator or None
        Source of every sample and test draw. default: None.

    Returns
    -------
    SampleSizePlan

    Raises
    ------
    DGIError
        A grid value that is not a positive int (or above the frame's limits), ``n_replicates``
        below 20, ``power`` or ``confidence_level`` outside (0, 1), an unknown unit or measure.

    See Also
    --------
    interpolate_required, dgi_stats.simulate.simulate_estimates

    Notes
    -----
    The design SEs of the simulated surveys are linearisation SEs with certainty communes as
    strata of villages and a first-stage fpc (:func:`dgi_stats.simulate.simulate_estimates` with
    ``std_errors=True``); over replicate surveys they are within a few percent of the true
    sampling SD for most units, and up to about 30 % above it where every commune is taken
    (villages then count as drawn with replacement), which makes the power slightly
    conservative. Pairs that cannot establish the rise (fewer than ``p`` pairwise statistics
    beyond the one-sided normal quantile less 0.25, below which no stepdown critical value
    falls) are counted as failures without running the test. The truths beyond the published
    figures are invented (SYNTHETIC): the answer is a planning figure, not a property of the
    real DGI.

    Examples
    --------
    About a minute per design on one core:

    >>> from dgi_stats.datasets import load_spec
    >>> plan = required_sample_size(load_spec(2020), load_spec(2021), communes_per_unit=6,
    ...                             respondents_per_village=[28, 60], rng=20240101)  # doctest: +SKIP
    >>> plan.required  # doctest: +SKIP
    """
    from dgi_stats.datasets.generate import SEED
    from dgi_stats.scores.spec import IndexSpec
    from dgi_stats.simulate.engine import simulate_estimates, simulate_population

    func = "required_sample_size"
    power = check_probability(power, name="power", func=func)
    level = confidence_level_from(confidence_level, coverage, func)
    coverage_level = check_probability(level, name="confidence_level", func=func)
    alpha = 1.0 - coverage_level
    n_rep = check_positive_int(n_replicates, name="n_replicates", func=func, minimum=20)
    name = match_unit(str(unit), units=list(UNIT_NAMES))
    n_res = check_positive_int(n_resamples, name="n_resamples", func=func, minimum=100)
    min_places = check_positive_int(min_places, name="min_places", func=func)
    comms = _int_grid(communes_per_unit, name="communes_per_unit", func=func)
    rpvs = _int_grid(respondents_per_village, name="respondents_per_village", func=func)
    if villages_per_commune is not None:
        villages_per_commune = check_positive_int(villages_per_commune,
                                                  name="villages_per_commune", func=func)
    spec_after = spec_before if spec_after is None else spec_after
    for nm, sp in (("spec_before", spec_before), ("spec_after", spec_after)):
        if not isinstance(sp, IndexSpec):
            msg = f"The {nm!r} parameter of {func} must be an IndexSpec (dgi_stats.datasets.load_spec)."
            raise DGIError(msg)
        if measure not in sp.measure_ids:
            msg = f"The 'measure' parameter of {func} names no measure of {nm!r}. Got {measure!r}."
            raise DGIError(msg)
    seed = SEED if population_seed is None else check_positive_int(
        population_seed, name="population_seed", func=func)
    years = (year_before, year_after)
    specs = (spec_before, spec_after)
    pops = [simulate_population(y, n_dimensions=len(sp.dimension_ids),
                                rng=np.random.SeedSequence(seed)) for y, sp in zip(years, specs)]
    max_rpv = int(min(int(p_._counts.sum(axis=1).min()) for p_ in pops))
    if rpvs[-1] > max_rpv:
        msg = (f"The 'respondents_per_village' parameter of {func} must hold ints <= {max_rpv} "
               f"(the adults of the frame's smallest village). Got {rpvs[-1]}.")
        raise DGIError(msg)
    units = list(pops[0].units)
    j = units.index(name)
    gen = as_generator(rng)
    state = generator_state(gen)

    def plan_for(pop: Any, c: int) -> tuple[dict[str, int], dict[str, int]]:
        n_comm = np.bincount(pop._commune_unit, minlength=len(pop.units))
        n_vill = np.bincount(pop._village_commune)
        psus, vills = {}, {}
        for ui, u in enumerate(pop.units):
            fewest = int(n_vill[pop._commune_unit == ui].min())
            v = villages_per_commune or int(np.ceil(18 / min(6, int(n_comm[ui]))))
            psus[u] = int(min(c, n_comm[ui]))
            vills[u] = int(min(v, fewest))
        return psus, vills

    z_floor = float(stats.norm.ppf(1.0 - alpha)) - 0.25
    rows, sds = [], {}
    truth: dict[int, pd.Series] = {}
    for c in comms:
        for rpv in rpvs:
            label = f"{c} communes x {rpv} per village"
            sims = []
            for sp, pop in zip(specs, pops):
                psus, vills = plan_for(pop, c)
                sims.append(simulate_estimates(
                    sp, n_replicates=n_rep, population=pop, psus_per_unit=psus,
                    villages_per_psu=vills, respondents_per_village=rpv, measures=[measure],
                    std_errors=True, rng=gen,
                ))
            est = [s.estimates.xs(measure, axis=1, level="measure")[units].to_numpy(float) for s in sims]
            ses = [pd.DataFrame(s.std_errors).xs(measure, axis=1, level="measure")[units]
                   .to_numpy(float) for s in sims]
            dfs = [pd.DataFrame(s.df)[units].to_numpy(float) for s in sims]
            for y, s in zip(years, sims):
                truth[y] = s.true_scores[measure].reindex(units).astype(float)
            hits = rank_hits = score_hits = tests = 0
            for r in range(n_rep):
                e1, e2 = est[0][r], est[1][r]
                s1, s2 = ses[0][r], ses[1][r]
                score_ok = _score_rejects(e1[j], s1[j], dfs[0][r, j], e2[j], s2[j], dfs[1][r, j],
                                          alpha)
                with np.errstate(divide="ignore", invalid="ignore"):
                    t1 = (e1 - e1[j]) / np.sqrt(s1**2 + s1[j] ** 2)
                    t2 = (e2[j] - e2) / np.sqrt(s2**2 + s2[j] ** 2)
                possible = int((np.delete(t1, j) > z_floor).sum() + (np.delete(t2, j) > z_floor).sum())
                rank_ok = False
                if possible >= len(units) - 1 + min_places:
                    tests += 1
                    res = rank_change_test(
                        sims[0].scores(r, measure), sims[1].scores(r, measure), unit=name,
                        confidence_level=coverage_level, measure=measure, n_resamples=n_res,
                        rng=gen,
                    )
                    rank_ok = int(res.table["places_gained_lower"].iloc[0]) >= min_places
                rank_hits += rank_ok
                score_hits += score_ok
                hits += rank_ok and score_ok
            k = float(n_rep)
            n_unit = float(np.mean([s.n_respondents.to_numpy(float).mean() for s in sims]))
            psus0, _ = plan_for(pops[1], c)
            n_comm_mean = float(np.mean(list(psus0.values())))
            _, vills1 = plan_for(pops[1], c)
            rows.append({
                "design": label, "communes_per_unit": c, "respondents_per_village": rpv,
                "villages_per_commune": float(np.median(list(vills1.values()))),
                "respondents_per_unit": n_unit,
                "respondents_per_commune": n_unit / n_comm_mean,
                "df_before": float(dfs[0][:, j].mean()), "df_after": float(dfs[1][:, j].mean()),
                "se_before": float(np.sqrt((ses[0][:, j] ** 2).mean())),
                "se_after": float(np.sqrt((ses[1][:, j] ** 2).mean())),
                "sd_before": float(est[0][:, j].std(ddof=1)),
                "sd_after": float(est[1][:, j].std(ddof=1)),
                "power": hits / k, "power_se": _binomial_se(hits / k, k),
                "power_rank": rank_hits / k, "power_rank_se": _binomial_se(rank_hits / k, k),
                "power_score": score_hits / k, "power_score_se": _binomial_se(score_hits / k, k),
                "n_tests": tests,
            })
            sds[label] = pd.Series(
                np.concatenate([e.std(axis=0, ddof=1) for e in est]),
                index=pd.MultiIndex.from_product([list(years), units], names=["year", "unit"]),
            )
    table = pd.DataFrame(rows).set_index("design")
    req_rows = {}
    axes = [(f"more respondents per village, {c} communes", table[table.communes_per_unit == c])
            for c in comms if len(rpvs) > 1]
    axes += [(f"more communes, {r} per village", table[table.respondents_per_village == r])
             for r in rpvs if len(comms) > 1]
    for choice, sub in axes:
        sub = sub.sort_values("respondents_per_unit")
        out = interpolate_required(sub["respondents_per_unit"], sub["power"], sub["power_se"], power)
        req_rows[choice] = {
            "required_respondents_per_unit": out["required"],
            "required_respondents_per_unit_se": out["required_se"],
            "bracket_low": out["bracket_low"], "bracket_high": out["bracket_high"],
            "reached": out["reached"], "max_power": out["max_power"],
            "max_power_se": out["max_power_se"],
        }
    required = pd.DataFrame.from_dict(req_rows, orient="index")
    required.index.name = "choice"
    t0, t1 = truth[year_before], truth[year_after]
    gain = int((t0 > t0.iloc[j]).sum() - (t1 > t1.iloc[j]).sum())
    return SampleSizePlan(
        table=table, required=required, estimate_sd=pd.DataFrame(sds).T,
        true_scores=pd.DataFrame({year_before: t0, year_after: t1}),
        unit=name, true_change=float(t1.iloc[j] - t0.iloc[j]), true_places_gained=gain,
        target_power=power, confidence_level=coverage_level, min_places=min_places,
        n_replicates=n_rep,
        n_resamples=n_res, rng_state=state,
    )
