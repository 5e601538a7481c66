"""Power and planning for score and rank changes.

* :func:`detectable_change` — the smallest true score change a two-sample z test detects with a
  given power (from the two years' standard errors).
* :func:`rank_set_change_probability` — for a true change of Δ points in one unit (everything else
  fixed), the probability that the rank-change test establishes a rise and that the unit's rank
  sets move, by simulation from the Gaussian approximation.
* :func:`required_sample_size` — respondents per unit needed for a rise like Uông Bí's (rank 6 →
  1 between 2020 and 2021) to be established, through the SYNTHETIC survey simulator
  (:func:`dgi_stats.simulate.simulate_estimates`): every design size is simulated as full
  multi-stage samples in both years.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from dgi_stats._results import frame_repr
from dgi_stats._rng import RNGLike, as_generator, generator_state
from dgi_stats._typing import FloatArray
from dgi_stats._validation import check_positive_int, check_probability
from dgi_stats.exceptions import DGIError
from dgi_stats.ranks._input import prepare
from dgi_stats.ranks.change import rank_change_test
from dgi_stats.ranks.confidence_sets import gaussian_draws
from dgi_stats.scores import Scores
from dgi_stats.units import match_unit

__all__ = [
    "RankChangePower",
    "SampleSizePlan",
    "detectable_change",
    "rank_set_change_probability",
    "required_sample_size",
]


def _se_of(x: Any, measure: str, name: str) -> pd.Series | float:
    if isinstance(x, Scores):
        if measure not in x.measures:
            msg = f"The {name!r} Scores has no measure {measure!r}; available: {list(x.measures)[:12]}."
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

    Returns
    -------
    float or pandas.Series
        The smallest Δ > 0 with P(reject | true change Δ) = power.

    Notes
    -----
    With :math:`s = \sqrt{SE_1^2 + SE_2^2}`, solves
    :math:`\Phi(\Delta/s - z_{1-\alpha/2}) + \Phi(-\Delta/s - z_{1-\alpha/2}) = \text{power}`
    (two-sided; the second term is the negligible wrong-direction tail) or
    :math:`\Phi(\Delta/s - z_{1-\alpha}) = \text{power}` (one-sided).

    Examples
    --------
    >>> round(detectable_change(0.6, 0.6), 3)
    2.376
    """
    func = "detectable_change"
    power = check_probability(power, name="power", func=func)
    alpha = check_probability(alpha, name="alpha", func=func)
    if alternative not in ("two-sided", "greater"):
        msg = f"The 'alternative' parameter of {func} must be 'two-sided' or 'greater'. Got {alternative!r}."
        raise DGIError(msg)
    s1 = _se_of(se_before, measure, "se_before")
    s2 = _se_of(se_after, measure, "se_after")
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
    if alternative == "greater":
        k = stats.norm.ppf(1 - alpha) + stats.norm.ppf(power)
    else:
        z = stats.norm.ppf(1 - alpha / 2)
        if power <= alpha:
            k = 0.0
        else:
            k = optimize.brentq(
                lambda d: stats.norm.cdf(d - z) + stats.norm.cdf(-d - z) - power, 0.0, 50.0,
                xtol=1e-12,
            )
    out = k * s
    if index is None:
        return float(out[0])
    return pd.Series(out, index=index, name="detectable_change")


def _tested_pairs(
    pairs: Iterable[tuple[FloatArray, FloatArray]],
    covs: Sequence[FloatArray],
    units: pd.Index,
    name: str,
    coverage: float,
) -> Iterator[pd.Series]:
    """The rank-change test of unit ``name`` on each simulated pair of years: its table row."""
    for e1, e2 in pairs:
        res = rank_change_test(
            (pd.Series(e1, index=units), covs[0]), (pd.Series(e2, index=units), covs[1]),
            unit=name, coverage=coverage,
        )
        yield res.table.iloc[0]


def _binomial_se(p_hat: float, n: float) -> float:
    """Monte Carlo standard error of a simulated proportion."""
    return float(np.sqrt(p_hat * (1 - p_hat) / n))


@dataclass(frozen=True, slots=True, repr=False)
class RankChangePower:
    """Operating characteristics of the rank-change test for true score changes Δ of one unit.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per Δ: ``true_places_gained``, ``power_rise`` (P(places_gained_lower >= 1)),
        ``p_set_moved`` (P(the unit's year-2 rank set is better at one end or both)),
        ``p_sets_disjoint`` (P(year-2 set entirely above the year-1 set)), ``score_power``
        (P(the score-change z test rejects)), and Monte Carlo standard errors.
    unit : str
    coverage : float
    n_sims : int
    rng_state : dict
    """

    table: pd.DataFrame
    unit: str
    coverage: float
    n_sims: int
    rng_state: dict[str, Any]

    def to_frame(self) -> pd.DataFrame:
        """The table."""
        return self.table.copy()

    def __repr__(self) -> str:
        return frame_repr("RankChangePower", self.table,
                          extra=f"unit={self.unit!r}, coverage={self.coverage:g}, {self.n_sims} sims")


def rank_set_change_probability(
    estimates: Any,
    cov: Any = None,
    *,
    unit: str,
    delta: float | Sequence[float],
    cov_after: Any = None,
    coverage: float = 0.95,
    n_sims: int = 200,
    measure: str = "total",
    rng: RNGLike = None,
) -> RankChangePower:
    """Probability that a true change of Δ points in one unit moves its rank sets and rank-change test.

    The year-1 truth is ``estimates``; the year-2 truth adds ``delta`` to ``unit`` only. Both years'
    estimates are drawn from N(truth, cov) (independent years; ``cov_after`` defaults to ``cov``),
    and :func:`~dgi_stats.ranks.rank_change_test` (exact, the unit named in advance) is run on
    each draw.

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
    coverage : float
        1 − α of the tests. default: 0.95.
    n_sims : int
        Simulated pairs of surveys per Δ. default: 200.
    measure : str
        default: "total".
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
    ...                                   n_sims=10, rng=20240101)
    >>> res.table["power_rise"].tolist()
    [0.0, 1.0]
    """
    func = "rank_set_change_probability"
    coverage = check_probability(coverage, name="coverage", func=func)
    n_sims = check_positive_int(n_sims, name="n_sims", func=func)
    data = prepare(estimates, cov, func=func, measure=measure)
    cov2 = data.cov if cov_after is None else prepare(
        pd.Series(data.theta, index=data.units), cov_after, func=func
    ).cov
    name = match_unit(str(unit), units=[str(u) for u in data.units])
    j = [str(u) for u in data.units].index(name)
    label = data.units[j]
    gen = as_generator(rng)
    state = generator_state(gen)
    deltas = np.atleast_1d(np.asarray(delta, dtype=float))
    rows = []
    zq = stats.norm.ppf(0.5 + coverage / 2)
    for d in deltas:
        truth2 = data.theta.copy()
        truth2[j] += d
        e1 = data.theta + gaussian_draws(data.cov, n_sims, gen)
        e2 = truth2 + gaussian_draws(cov2, n_sims, gen)
        rise = moved = disjoint = score = 0
        for t in _tested_pairs(zip(e1, e2), (data.cov, cov2), data.units, name, coverage):
            rise += int(t.places_gained_lower >= 1)
            moved += int(t.lower_after < t.lower_before or t.upper_after < t.upper_before)
            disjoint += int(t.upper_after < t.lower_before)
            score += int(abs(t.z) > zq)
        r1 = 1 + int((data.theta > data.theta[j]).sum())
        r2 = 1 + int((truth2 > truth2[j]).sum())
        k = float(n_sims)
        rows.append({
            "delta": d, "true_places_gained": r1 - r2, "power_rise": rise / k,
            "power_rise_se": _binomial_se(rise / k, k), "p_set_moved": moved / k,
            "p_sets_disjoint": disjoint / k, "score_power": score / k,
        })
    table = pd.DataFrame(rows).set_index("delta")
    return RankChangePower(table, str(label), coverage, n_sims, state)


@dataclass(frozen=True, slots=True, repr=False)
class SampleSizePlan:
    """Power of the rank-change test by design size, from SYNTHETIC simulated surveys.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per design (``respondents_per_village``, ``scale`` and ``extrapolated``: see
        :func:`required_sample_size`): mean respondents per unit (``n_per_unit``),
        ``power_rise`` (share of simulated survey pairs in which ``places_gained_lower >=
        min_places``), its Monte Carlo SE, ``power_score`` (score change z test) and the design SEs
        of the unit's estimate in both years.
    required : str or None
        Label of the smallest design whose power reaches ``power`` (None: none of them).
    required_n_per_unit : float or None
        The corresponding mean respondents per unit.
    unit : str
    power, coverage : float
    min_places : int
    n_replicates : int
    rng_state : dict
    """

    table: pd.DataFrame
    required: str | None
    required_n_per_unit: float | None
    unit: str
    power: float
    coverage: float
    min_places: int
    n_replicates: int
    rng_state: dict[str, Any]

    def to_frame(self) -> pd.DataFrame:
        """The table."""
        return self.table.copy()

    def __repr__(self) -> str:
        req = "none of the designs" if self.required is None else (
            f"{self.required} (~{self.required_n_per_unit:.0f} respondents per unit)")
        extra = (f"SYNTHETIC; unit={self.unit!r}, power {self.power:g} reached by {req}; "
                 f"{self.n_replicates} simulated survey pairs per design")
        return frame_repr("SampleSizePlan", self.table, extra=extra)


def required_sample_size(
    spec_before: Any,
    spec_after: Any = None,
    *,
    unit: str = "Uông Bí",
    year_before: int = 2020,
    year_after: int = 2021,
    respondents_per_village: Sequence[int] = (10, 20, 30, 45),
    psus_per_unit: int | None = None,
    villages_per_psu: int | None = None,
    scale_factors: Sequence[float] = (2, 4, 8, 16, 32),
    n_replicates: int = 100,
    power: float = 0.8,
    coverage: float = 0.95,
    min_places: int = 1,
    measure: str = "total",
    true_scores_before: pd.DataFrame | None = None,
    true_scores_after: pd.DataFrame | None = None,
    rng: RNGLike = None,
) -> SampleSizePlan:
    """Respondents per unit needed for a unit's rank rise to be established, by simulation.

    For every design size, ``n_replicates`` SYNTHETIC surveys of each year are drawn with
    :func:`dgi_stats.simulate.simulate_estimates` (multi-stage PPS samples of fixed populations,
    true scores = :func:`dgi_stats.simulate.calibration_targets` of each year unless given; with the
    defaults, Uông Bí moves from rank 6 in 2020 to rank 1 in 2021 as published). The sampling
    standard error of every unit's estimate under the design is taken from the spread of the
    replicate surveys, and the exact rank-change test (:func:`rank_change_test`, the unit named in
    advance) is run on each pair of surveys. Power = share of pairs with
    ``places_gained_lower >= min_places``.

    Designs larger than the simulated frame allows (villages have a few dozen adults) are
    *extrapolated* (rows with ``extrapolated=True``): the largest simulated design scaled by a
    factor f in every stage (f times the clusters and respondents, so the design effect is
    unchanged), i.e. standard errors divided by √f, with Gaussian estimates around the true scores.

    Parameters
    ----------
    spec_before, spec_after : IndexSpec
        Specifications of the two years (``spec_after`` default: ``spec_before``).
    unit : str
        default: "Uông Bí".
    year_before, year_after : int
        default: 2020, 2021.
    respondents_per_village : sequence of int
        Design sizes simulated (the simulator's ``respondents_per_village``; with its default of
        about 18 villages per unit and 70 % response, 10 → ~115 and 45 → ~515 respondents per
        unit; the smallest villages have about 60 adults). default: (10, 20, 30, 45).
    psus_per_unit, villages_per_psu : int, optional
        Passed to the simulator to try designs with more clusters. default: the simulator's.
    scale_factors : sequence of float
        Extrapolation factors applied to the largest simulated design (empty: none).
        default: (2, 4, 8, 16, 32).
    n_replicates : int
        Simulated surveys (pairs) per year and design. default: 100.
    power : float
        Target power. default: 0.8.
    coverage : float
        1 − α of the test. default: 0.95.
    min_places : int
        Places the lower bound must reach (1 = "the rank improved"). default: 1.
    measure : str
        default: "total".
    true_scores_before, true_scores_after : DataFrame, optional
        Units x dimensions true scores (see :func:`dgi_stats.simulate.simulate_survey`).
    rng : int, Generator or None
        default: None.

    Returns
    -------
    SampleSizePlan

    Notes
    -----
    The tests use the design SEs as known (estimated from the replicates), which slightly flatters
    power relative to an analysis that estimates SEs from each survey. The true scores beyond the
    published figures are invented (SYNTHETIC), so the answer is a planning figure, not a property
    of the real DGI. Expect large numbers: a rank rise is established only when the unit is
    statistically separated from (nearly) every other unit in both years (methods spec §5.4).

    Examples
    --------
    Minutes of simulation (the test suite runs a small version under the ``slow`` marker):

    >>> from dgi_stats.datasets import load_spec
    >>> plan = required_sample_size(load_spec(2020), load_spec(2021),
    ...                             n_replicates=100, rng=20240101)  # doctest: +SKIP
    >>> plan.required_n_per_unit  # doctest: +SKIP
    """
    from dgi_stats.simulate import simulate_estimates

    func = "required_sample_size"
    power = check_probability(power, name="power", func=func)
    coverage = check_probability(coverage, name="coverage", func=func)
    n_rep = check_positive_int(n_replicates, name="n_replicates", func=func, minimum=3)
    min_places = check_positive_int(min_places, name="min_places", func=func)
    sizes = sorted(check_positive_int(s, name="respondents_per_village", func=func)
                   for s in respondents_per_village)
    if not sizes:
        msg = f"The 'respondents_per_village' parameter of {func} needs at least one size."
        raise DGIError(msg)
    factors = [float(f) for f in scale_factors]
    if any(not np.isfinite(f) or f <= 1 for f in factors):
        msg = f"The 'scale_factors' parameter of {func} must hold numbers > 1. Got {factors}."
        raise DGIError(msg)
    spec_after = spec_before if spec_after is None else spec_after
    gen = as_generator(rng)
    state = generator_state(gen)
    zq = stats.norm.ppf(0.5 + coverage / 2)
    rows = []

    def run(pairs: Any, covs: list[FloatArray], units: pd.Index, name: str) -> tuple[int, int]:
        hits = score_hits = 0
        for t in _tested_pairs(pairs, covs, units, name, coverage):
            hits += int(t.places_gained_lower >= min_places)
            score_hits += int(t.z > zq)
        return hits, score_hits

    def row(label: str, size: int, f: float, n_unit: float, hits: int, score_hits: int,
            se: list[pd.Series], name: str, true_gain: int) -> dict[str, Any]:
        p_hat = hits / n_rep
        return {
            "design": label, "respondents_per_village": size, "scale": f,
            "extrapolated": f > 1, "n_per_unit": n_unit, "power_rise": p_hat,
            "power_rise_se": _binomial_se(p_hat, n_rep),
            "power_score": score_hits / n_rep, "se_before": float(se[0][name]) / np.sqrt(f),
            "se_after": float(se[1][name]) / np.sqrt(f), "true_places_gained": true_gain,
        }

    name = unit
    last: dict[str, Any] = {}
    for size in sizes:
        sims = [
            simulate_estimates(
                spec, n_replicates=n_rep, year=year, respondents_per_village=size,
                psus_per_unit=psus_per_unit, villages_per_psu=villages_per_psu,
                true_scores=ts, measures=[measure], rng=gen,
            )
            for spec, year, ts in ((spec_before, year_before, true_scores_before),
                                   (spec_after, year_after, true_scores_after))
        ]
        est = [s.estimates.xs(measure, axis=1, level="measure") for s in sims]
        units = est[0].columns.intersection(est[1].columns, sort=False)
        name = match_unit(str(unit), units=[str(u) for u in units])
        se: list[pd.Series] = [pd.Series(e[units].std(ddof=1)) for e in est]
        covs = [np.diag(x.to_numpy(dtype=float) ** 2) for x in se]
        truth = [s.true_scores[measure].reindex(units).to_numpy(dtype=float) for s in sims]
        j = list(units).index(name)
        true_gain = int((truth[0] > truth[0][j]).sum() - (truth[1] > truth[1][j]).sum())
        pairs = zip(est[0][units].to_numpy(dtype=float), est[1][units].to_numpy(dtype=float))
        hits, score_hits = run(pairs, covs, units, name)
        n_unit = float(np.mean([s.n_respondents[name].mean() for s in sims]))
        rows.append(row(f"simulated rpv={size}", size, 1.0, n_unit, hits, score_hits, se, name,
                        true_gain))
        last = {"size": size, "se": se, "covs": covs, "truth": truth, "units": units,
                "n_unit": n_unit, "true_gain": true_gain}
    for f in factors:
        covs_f = [c / f for c in last["covs"]]
        draws = [t + gaussian_draws(c, n_rep, gen) for t, c in zip(last["truth"], covs_f)]
        hits, score_hits = run(zip(draws[0], draws[1]), covs_f, last["units"], name)
        rows.append(row(f"rpv={last['size']} x{f:g} (extrapolated)", last["size"], f,
                        last["n_unit"] * f, hits, score_hits, last["se"], name, last["true_gain"]))
    table = pd.DataFrame(rows).set_index("design")
    ok = table.index[table.power_rise.to_numpy() >= power]
    req = None if len(ok) == 0 else str(ok[0])
    return SampleSizePlan(
        table=table, required=req,
        required_n_per_unit=None if req is None else float(table["n_per_unit"].loc[req]),
        unit=name, power=power, coverage=coverage, min_places=min_places, n_replicates=n_rep,
        rng_state=state,
    )
