"""The sample a survey needs: power of a rank rise over a grid of designs, from SYNTHETIC surveys.

:func:`required_sample_size` — power of a rise like Uông Bí's (rank 6 → 1 between 2020 and 2021)
over a grid of designs (communes per unit x respondents per village), through the SYNTHETIC survey
simulator (:func:`dgi_stats.simulate.simulate_estimates`): every unit is drawn afresh in both years,
each simulated survey carries its own design SEs and df, and the respondents per unit reaching the
target power are interpolated with their Monte Carlo error (:func:`interpolate_required`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd
from scipy import stats

from dgi_stats._results import (
    CoverageAlias,
    RenamedAttribute,
    Result,
    Summary,
    frame_repr,
    renamed_parameter,
)
from dgi_stats._rng import RNGLike, as_generator, generator_state
from dgi_stats._typing import FloatArray
from dgi_stats._validation import check_choice, check_positive_int, check_probability
from dgi_stats.datasets.recipe import SEED
from dgi_stats.exceptions import DGIError
from dgi_stats.planning._common import binomial_se, bound_ceiling
from dgi_stats.ranks._common import confidence_level_from
from dgi_stats.ranks.change import rank_change_test
from dgi_stats.scores.pivot import satterthwaite_df
from dgi_stats.scores.spec import IndexSpec
from dgi_stats.simulate import Population, simulate_estimates, simulate_population
from dgi_stats.units import UNITS, match_unit

__all__ = ["SampleSizePlan", "interpolate_required", "required_sample_size"]

#: The DGI units, in catalogue order.
UNIT_NAMES: tuple[str, ...] = tuple(u.name for u in UNITS)
_N_SURVEYS = 300
_N_DRAWS = 2000


def interpolate_required(
    size: Sequence[float] | FloatArray | pd.Series,
    power: Sequence[float] | FloatArray | pd.Series,
    power_se: Sequence[float] | FloatArray | pd.Series,
    target: float,
) -> dict[str, Any]:
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
class SampleSizePlan(Result, CoverageAlias):
    """Power of the rank-change test over a grid of survey designs, from SYNTHETIC surveys.

    Parameters
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
        The unit.
    true_change : float
        The unit's true change of ``measure`` between the years.
    true_places_gained : int
        Places the unit truly gains.
    target_power, confidence_level : float
        Target power and confidence level of the tests.
    min_places : int
        Places the lower bound must reach.
    n_surveys : int
        Simulated survey pairs per design (``n_replicates`` is its deprecated name).
    n_draws : int
        Monte Carlo draws of each rank-change test (``n_resamples`` is its deprecated name).
    rng_state : dict
        Bit-generator state before the draws (reproduces the result).

    Examples
    --------
    A minute per design on one core:

    >>> from dgi_stats.datasets import load_spec
    >>> plan = required_sample_size(load_spec(2020), load_spec(2021), communes_per_unit=6,
    ...                             respondents_per_village=28, rng=1)  # doctest: +SKIP
    >>> plan.n_surveys  # doctest: +SKIP
    300
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
    n_surveys: int
    n_draws: int
    rng_state: dict[str, object]
    n_replicates = RenamedAttribute("n_surveys")
    n_resamples = RenamedAttribute("n_draws")

    def to_frame(self) -> pd.DataFrame:
        """The power table (one row per design).

        Returns
        -------
        pandas.DataFrame
        """
        return self.table.copy()

    def summary(self) -> Summary:
        """Power by design and the required sample per design choice, as a :class:`Summary`.

        Returns
        -------
        Summary

        Examples
        --------
        >>> from dgi_stats.datasets import load_spec
        >>> plan = required_sample_size(load_spec(2020), load_spec(2021), n_surveys=250,
        ...                             rng=20240101)  # doctest: +SKIP
        >>> print(plan.summary().as_text())  # doctest: +SKIP
        """
        cols = ["communes_per_unit", "respondents_per_village", "respondents_per_unit",
                "se_after", "df_after", "power", "power_se", "power_rank", "power_score"]
        notes = [
            (f"SYNTHETIC: {self.unit} truly moves {self.true_places_gained} places "
             f"({self.true_change:+.2f} points); every unit is drawn afresh in both years."),
            (f"{self.n_surveys} simulated survey pairs per design; the largest Monte Carlo SE "
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
                 f"{self.n_surveys} survey pairs per design")
        return frame_repr("SampleSizePlan", self.table, extra=extra)


def _int_grid(values: int | Iterable[int], *, name: str, func: str, maximum: int | None = None) -> list[int]:
    items = list(values) if isinstance(values, Iterable) else [values]
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
    se = float(np.sqrt(s1**2 + s2**2))
    change = float(e2 - e1)
    if se <= 0:
        return change > 0
    df = float(satterthwaite_df(np.array([s1**2]), np.array([f1]), np.array([s2**2]),
                                np.array([f2]))[0])
    return change > 0 and 2.0 * float(stats.t.sf(abs(change) / se, df)) < alpha


def required_sample_size(
    spec_before: IndexSpec,
    spec_after: IndexSpec | None = None,
    *,
    unit: str = "Uông Bí",
    year_before: int = 2020,
    year_after: int = 2021,
    communes_per_unit: Sequence[int] | int = (6, 11),
    respondents_per_village: Sequence[int] | int = (28, 60),
    villages_per_commune: int | None = None,
    n_surveys: int = _N_SURVEYS,
    power: float = 0.8,
    confidence_level: float = 0.95,
    coverage: float | None = None,
    min_places: int = 1,
    measure: str = "total",
    n_draws: int = _N_DRAWS,
    population_seed: int | None = None,
    procedure: str = "closed",
    rng: RNGLike = None,
    **renamed: object,
) -> SampleSizePlan:
    """Power of a unit's rank rise over a grid of survey designs, and the sample that reaches it.

    For every design of the grid ``communes_per_unit`` x ``respondents_per_village``,
    ``n_surveys`` pairs of SYNTHETIC surveys (one per year) are drawn with
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
    n_surveys : int
        Simulated survey pairs per design (at least 20). With 300 the binomial Monte Carlo SE of every
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
    n_draws : int
        Monte Carlo draws of each rank-change test's critical values. default: 2000.
    population_seed : int, optional
        Seed of the SYNTHETIC populations (frames and cluster effects). default: that of the
        bundled surveys (:data:`dgi_stats.datasets.recipe.SEED`).
    procedure : {"closed", "projection"}
        The rank-change procedure of :func:`~dgi_stats.ranks.rank_change_test` whose power is
        simulated. default: "closed" (the test's default for a named unit).
    rng : int, Generator or None
        Source of every sample and test draw. default: None.
    **renamed
        ``n_replicates`` and ``n_resamples``: deprecated names of ``n_surveys`` and ``n_draws``
        (a DGIDeprecationWarning).

    Returns
    -------
    SampleSizePlan

    Raises
    ------
    DGIError
        A grid value that is not a positive int (or above the frame's limits), ``n_surveys``
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
    func = "required_sample_size"
    old_surveys = {k: renamed.pop(k) for k in ("n_replicates",) if k in renamed}
    n_surveys = cast(int, renamed_parameter(old_surveys, "n_replicates", "n_surveys", n_surveys,
                                            func=func, default=_N_SURVEYS))
    n_draws = cast(int, renamed_parameter(renamed, "n_resamples", "n_draws", n_draws, func=func,
                                          default=_N_DRAWS))
    power = check_probability(power, name="power", func=func)
    level = confidence_level_from(confidence_level, coverage, func)
    coverage_level = check_probability(level, name="confidence_level", func=func)
    alpha = 1.0 - coverage_level
    n_rep = check_positive_int(n_surveys, name="n_surveys", func=func, minimum=20)
    name = match_unit(str(unit), units=list(UNIT_NAMES))
    n_res = check_positive_int(n_draws, name="n_draws", func=func, minimum=100)
    min_places = check_positive_int(min_places, name="min_places", func=func)
    proc = check_choice(procedure, ("closed", "projection"), name="procedure", func=func)
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
    max_rpv = int(min(int(p_.cell_counts.sum(axis=1).min()) for p_ in pops))
    if rpvs[-1] > max_rpv:
        msg = (f"The 'respondents_per_village' parameter of {func} must hold ints <= {max_rpv} "
               f"(the adults of the frame's smallest village). Got {rpvs[-1]}.")
        raise DGIError(msg)
    units = list(pops[0].units)
    j = units.index(name)
    gen = as_generator(rng)
    state = generator_state(gen)

    def plan_for(pop: Population, c: int) -> tuple[dict[str, int], dict[str, int]]:
        n_comm = np.bincount(pop.commune_unit, minlength=len(pop.units))
        n_vill = np.bincount(pop.village_commune)
        psus, vills = {}, {}
        for ui, u in enumerate(pop.units):
            fewest = int(n_vill[pop.commune_unit == ui].min())
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
                    sp, n_surveys=n_rep, population=pop, psus_per_unit=psus,
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
                rank_ok = False
                if bound_ceiling(e1, e2, s1**2, s2**2, j, z_floor, proc) >= min_places:
                    tests += 1
                    res = rank_change_test(
                        sims[0].scores(r, measure), sims[1].scores(r, measure), unit=name,
                        confidence_level=coverage_level, measure=measure, n_draws=n_res,
                        procedure=proc, rng=gen,
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
                "power": hits / k, "power_se": binomial_se(hits / k, k),
                "power_rank": rank_hits / k, "power_rank_se": binomial_se(rank_hits / k, k),
                "power_score": score_hits / k, "power_score_se": binomial_se(score_hits / k, k),
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
        n_surveys=n_rep, n_draws=n_res, rng_state=state,
    )
