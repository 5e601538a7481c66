"""What a design can detect: the smallest true rank rise the rank-change test establishes.

:func:`minimum_detectable_rank_change` answers, for every unit, "how many places would this unit
have to rise truly for the test of :func:`~dgi_stats.ranks.rank_change_test` (the unit named in
advance, closed procedure by default) to establish a rise with 80 % power?", under the design that produced
the given scores (their covariance and design df), by simulation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from dgi_stats._draws import chi_scales, covariance_root
from dgi_stats._results import Result, Summary, frame_repr
from dgi_stats._rng import RNGLike, as_generator, generator_state
from dgi_stats._typing import FloatArray
from dgi_stats._validation import check_choice, check_positive_int, check_probability
from dgi_stats.exceptions import DGIError
from dgi_stats.planning._common import binomial_se, bound_ceiling
from dgi_stats.ranks._common import CovarianceLike, DfLike, EstimatesLike, prepare
from dgi_stats.ranks.change import closed_change_bound, rank_change_test
from dgi_stats.units import match_unit

__all__ = ["DetectableRankChange", "minimum_detectable_rank_change"]


@dataclass(frozen=True, slots=True, repr=False)
class DetectableRankChange(Result):
    """Result of :func:`minimum_detectable_rank_change`.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per unit: ``rank`` (current), ``estimate``, ``std_error``, ``df``,
        ``max_rise`` (places above it), ``minimum_rise`` (smallest true rise established with
        the target power; missing when no rise up to ``max_rise`` is), ``change_needed`` (the
        true score change of that rise, points), ``power_at_minimum`` and its Monte Carlo
        ``power_se``.
    power_curve : pandas.DataFrame
        Units x rises (1 ... max): the estimated power P(places_gained_lower >= 1) of every rise
        simulated (the search stops at the first rise reaching the target; later rises are NaN).
    power : float
        Target power.
    confidence_level : float
        Confidence level of the test.
    correlation : float
        Correlation of a unit's estimates between the years (0: independent samples).
    n_surveys : int
        Simulated survey pairs per rise.
    n_draws : int
        Monte Carlo draws of each test's critical values.
    procedure : str
        The rank-change procedure simulated ("closed" or "projection").
    rng_state : dict
        Bit-generator state before the simulation.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> est = pd.Series([78.0, 74.0, 70.0], index=["A", "B", "C"])
    >>> res = minimum_detectable_rank_change(est, np.diag([0.04] * 3), df=np.inf, n_surveys=20,
    ...                                      rng=1)
    >>> res.table.loc["C", ["max_rise", "minimum_rise"]].tolist()
    [2, 1]
    """

    table: pd.DataFrame
    power_curve: pd.DataFrame
    power: float
    confidence_level: float
    correlation: float
    n_surveys: int
    n_draws: int
    procedure: str
    rng_state: dict[str, object]

    def to_frame(self) -> pd.DataFrame:
        """The per-unit table.

        Returns
        -------
        pandas.DataFrame
        """
        return self.table.copy()

    def summary(self) -> Summary:
        """The table with a note on what the figures assume.

        Returns
        -------
        Summary
        """
        notes = (
            (f"Smallest true rise (places) that the rank-change test (unit named in advance, "
             f"{self.procedure} procedure, {self.confidence_level:.0%}) establishes in at least "
             f"{self.power:.0%} of {self.n_surveys} simulated survey pairs."),
            ("Year-1 truths = the current estimates; year 2 = the same design, the unit's true "
             "score raised to land midway between the units it passes; other units unchanged."),
            ("Missing minimum_rise: no rise up to the top of the table reaches the target power "
             "under this design."),
        )
        return Summary("Minimum detectable rank change", self.to_frame(), notes)

    def __repr__(self) -> str:
        return frame_repr("DetectableRankChange", self.table,
                          extra=f"power={self.power:g}, confidence_level={self.confidence_level:g}")


def _target(theta: FloatArray, j: int, r: int, sd_top: float) -> float:
    """True score of unit ``j`` after a rise of ``r`` places: midway between the r-th and
    (r + 1)-th units above it; above the first by one pairwise SD for a rise to the top."""
    above = np.sort(theta[theta > theta[j]])[::-1]  # best first
    if r == above.size:
        return float(above[0] + sd_top)
    return float(0.5 * (above[above.size - r] + above[above.size - r - 1]))


def _bound(
    proc: str, e1: FloatArray, e2: FloatArray, c1: FloatArray, c2: FloatArray, j: int,
    dfs: FloatArray, cross: FloatArray, level: float, n_draws: int, seed: int, units: pd.Index,
) -> int:
    """The chosen procedure's lower bound on the places gained by unit ``j`` in one simulated pair."""
    if proc == "closed":
        return closed_change_bound(e1, e2, c1, c2, j, df1=dfs, df2=dfs,
                                   cross=cross if cross.any() else None,
                                   confidence_level=level, n_draws=n_draws, rng=seed)
    test = rank_change_test(
        (pd.Series(e1, index=units), c1, dfs), (pd.Series(e2, index=units), c2, dfs),
        unit=str(units[j]), confidence_level=level, n_draws=n_draws, procedure="projection",
        rng=seed,
    )
    return int(test.table["places_gained_lower"].iloc[0])


def minimum_detectable_rank_change(
    estimates: EstimatesLike,
    cov: CovarianceLike | None = None,
    *,
    measure: str = "total",
    df: DfLike | None = None,
    units: list[str] | None = None,
    power: float = 0.8,
    confidence_level: float = 0.95,
    correlation: float = 0.0,
    n_surveys: int = 200,
    n_draws: int = 1000,
    procedure: str = "closed",
    rng: RNGLike = None,
) -> DetectableRankChange:
    """Per unit, the smallest true rank rise the rank-change test would establish with the target power.

    The year-1 truths are the given estimates; year 2 repeats the design (same covariance and
    design df) with one unit's true score raised so that it passes ``r`` units (landing midway
    between the r-th and (r + 1)-th units above it; one pairwise SD above the first for a rise to
    the top), the others unchanged. Each simulated survey draws its estimates from
    N(truth, cov) and its own variance estimates (a scaled chi-square with the unit's df per
    unit, as the critical values assume), and the test of :func:`~dgi_stats.ranks.rank_change_test`
    (unit named in advance, ``procedure``) is run on them. Rises are tried from 1 upwards with
    the same random numbers; the first whose power P(places_gained_lower >= 1) reaches ``power``
    is reported.

    Parameters
    ----------
    estimates : Scores, SurveyEstimate, Series or array
        Current estimates (a Scores gives its covariance and design df).
    cov : DataFrame or ndarray, optional
        Their covariance (not with a Scores).
    measure : str
        Measure of a Scores. default: "total".
    df : float, Series or array, optional
        Design df per unit (``numpy.inf``: covariance known). default: None (from a Scores).
    units : list of str, optional
        Units to report (names matched tolerantly). default: None (all).
    power : float
        Target power. default: 0.8.
    confidence_level : float
        1 − α of the test. default: 0.95.
    correlation : float
        Correlation of each unit's estimates between the two years, in [0, 1): 0 for separate
        samples; a panel that re-surveys the same communes has a positive one (the cross
        covariance ``correlation * cov`` is passed to the test). default: 0.0.
    n_surveys : int
        Simulated survey pairs per rise (the power's Monte Carlo SE is at most
        ``0.5 / sqrt(n_surveys)``). default: 200.
    n_draws : int
        Monte Carlo draws of each test's critical values. default: 1000.
    procedure : {"closed", "projection"}
        The rank-change procedure of :func:`~dgi_stats.ranks.rank_change_test` whose power is
        simulated; both see the same simulated surveys for the same ``rng``, so their tables
        compare pair by pair. "projection" needs ``correlation=0``. default: "closed".
    rng : int, Generator or None
        default: None.

    Returns
    -------
    DetectableRankChange
        ``table`` (one row per unit: ``minimum_rise``, ``change_needed``, ``power_at_minimum``
        ...), ``power_curve``, ``summary()``.

    Raises
    ------
    DGIError
        Bad estimates, covariance or df; ``power`` or ``confidence_level`` outside (0, 1);
        ``correlation`` outside [0, 1); ``procedure`` unknown, or "projection" with a
        correlation.
    UnknownUnitError
        A name in ``units`` matches no unit.

    See Also
    --------
    dgi_stats.ranks.rank_change_test, rank_set_change_probability, required_sample_size

    Examples
    --------
    >>> import pandas as pd
    >>> est = pd.Series([78.0, 76.0, 74.0, 72.0], index=["A", "B", "C", "D"])
    >>> res = minimum_detectable_rank_change(est, pd.Series(0.25, index=est.index), df=5,
    ...                                      units=["D"], n_surveys=40, rng=3)
    >>> list(res.table.columns[:5])
    ['rank', 'estimate', 'std_error', 'df', 'max_rise']
    """
    func = "minimum_detectable_rank_change"
    power = check_probability(power, name="power", func=func)
    level = check_probability(confidence_level, name="confidence_level", func=func)
    if not 0.0 <= float(correlation) < 1.0:
        msg = (f"The 'correlation' parameter of {func} must be in [0, 1) (0: independent "
               f"samples). Got {correlation!r}.")
        raise DGIError(msg)
    n_surveys = check_positive_int(n_surveys, name="n_surveys", func=func, minimum=10)
    n_draws = check_positive_int(n_draws, name="n_draws", func=func, minimum=100)
    proc = check_choice(procedure, ("closed", "projection"), name="procedure", func=func)
    if proc == "projection" and float(correlation) != 0.0:
        msg = (f"The 'procedure' parameter of {func}: the projection is simulated for "
               "independent years only (correlation=0); use procedure='closed' for a panel.")
        raise DGIError(msg)
    data = prepare(estimates, cov, func=func, df=df, measure=measure)
    theta, sigma, dfs = data.theta, data.cov, data.df
    names = [str(u) for u in data.units]
    chosen = (list(range(len(names))) if units is None
              else [names.index(match_unit(str(u), units=names)) for u in units])
    gen = as_generator(rng)
    state = generator_state(gen)
    p = theta.size
    root = covariance_root(sigma)
    sd = np.sqrt(np.clip(np.diag(sigma), 0.0, None))
    floor = float(stats.norm.ppf(level)) - 0.25
    rho = float(correlation)
    rows, curves = [], {}
    for j in chosen:
        u1 = gen.standard_normal((n_surveys, p))
        u2 = rho * u1 + np.sqrt(1.0 - rho**2) * gen.standard_normal((n_surveys, p))
        noise = [(u @ root.T) if root is not None else u * sd for u in (u1, u2)]
        scales = [chi_scales(dfs, n_surveys, gen) for _ in range(2)]
        seeds = gen.integers(0, 2**63 - 1, size=n_surveys)
        max_rise = int((theta > theta[j]).sum())
        curve: dict[int, float] = {}
        found: int | None = None
        best = int(np.argmax(theta))
        top = float(np.sqrt(sigma[j, j] + sigma[best, best]))
        for r in range(1, max_rise + 1):
            truth2 = theta.copy()
            truth2[j] = _target(theta, j, r, top)
            hits = 0
            for i in range(n_surveys):
                e1, e2 = theta + noise[0][i], truth2 + noise[1][i]
                d1, d2 = scales[0][i], scales[1][i]
                c1 = sigma * np.outer(d1, d1)
                c2 = sigma * np.outer(d2, d2)
                if bound_ceiling(e1, e2, np.diag(c1), np.diag(c2), j, floor, proc) < 1:
                    continue
                hits += _bound(proc, e1, e2, c1, c2, j, dfs, rho * sigma * np.outer(d1, d2),
                               level, n_draws, int(seeds[i]), data.units) >= 1
            curve[r] = hits / n_surveys
            if curve[r] >= power:
                found = r
                break
        curves[names[j]] = curve
        pw = curve[found] if found is not None else np.nan
        rows.append({
            "unit": names[j], "rank": int((theta > theta[j]).sum() + 1),
            "estimate": float(theta[j]), "std_error": float(sd[j]), "df": float(dfs[j]),
            "max_rise": max_rise, "minimum_rise": found,
            "change_needed": (np.nan if found is None
                              else _target(theta, j, found, top) - float(theta[j])),
            "power_at_minimum": pw,
            "power_se": binomial_se(pw, n_surveys) if found is not None else np.nan,
        })
    table = pd.DataFrame(rows).set_index("unit")
    table["minimum_rise"] = table["minimum_rise"].astype("Int64")
    width = max([max(c, default=0) for c in curves.values()], default=0)
    curve_frame = pd.DataFrame(
        [[curves[u].get(r, np.nan) for r in range(1, width + 1)] for u in table.index],
        index=table.index, columns=pd.Index(range(1, width + 1), name="rise"),
    )
    return DetectableRankChange(
        table=table, power_curve=curve_frame, power=power, confidence_level=level,
        correlation=rho, n_surveys=n_surveys, n_draws=n_draws, procedure=proc, rng_state=state,
    )
