"""SYNTHETIC multi-stage PPS samples: inclusion probabilities, design weights and one survey.

Everything this module produces is **SYNTHETIC**. A survey (:func:`simulate_survey`) draws, in each
unit (stratum), communes by systematic PPS on adults (certainty units allowed,
:func:`pps_inclusion_probabilities`), villages by systematic PPS within the sampled communes, and
adults by simple random sampling within the sampled villages; unit nonresponse depends on sex and
age, and the nonresponse-adjusted weights sum to each unit's adults. Answers come from the latent
model (:mod:`dgi_stats.simulate.latent`) and the exact true scores from
:mod:`dgi_stats.simulate.truth`; everything is returned in a frozen :class:`SimulatedSurvey`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from dgi_stats._results import Result, frame_repr
from dgi_stats._rng import RNGLike, as_generator, generator_state
from dgi_stats.exceptions import DGIError
from dgi_stats.scores.spec import IndexSpec
from dgi_stats.simulate._common import (
    CELLS,
    FIRST_YEAR,
    LAST_YEAR,
    N_CELLS,
    UNIT_NAMES,
    check_units,
    check_year,
    match_names,
)
from dgi_stats.simulate.latent import (
    CompiledSpec,
    LatentModel,
    calibration_targets,
    compile_spec,
    draw_answers,
)
from dgi_stats.simulate.population import Population, simulate_population
from dgi_stats.simulate.truth import (
    all_truth,
    check_spec_population,
    check_true_scores,
    solve_effects,
)

__all__ = [
    "Sample",
    "SamplePlan",
    "SimulatedSurvey",
    "SimulationRun",
    "draw_sample",
    "make_plan",
    "pps_inclusion_probabilities",
    "simulate_survey",
    "start_run",
    "systematic",
]

#: Per-unit sample size: an int for every unit or a mapping unit -> int (None: the default).
PerUnit = int | Mapping[str, int] | None


def pps_inclusion_probabilities(sizes: np.ndarray, n: int) -> np.ndarray:
    """First-order inclusion probabilities of a PPS sample of ``n`` units, with certainty units.

    Units whose probability ``n x size / total`` would reach 1 are taken with certainty and the
    remaining draws are spread over the rest in proportion to size, repeatedly.

    Parameters
    ----------
    sizes : numpy.ndarray
        Positive measures of size.
    n : int
        Sample size, ``1 <= n <= len(sizes)``.

    Returns
    -------
    numpy.ndarray
        Probabilities in (0, 1], summing to ``n``.

    Examples
    --------
    >>> pps_inclusion_probabilities(np.array([50.0, 30.0, 10.0, 10.0]), 2).round(4).tolist()
    [1.0, 0.6, 0.2, 0.2]
    """
    s = np.asarray(sizes, dtype=float)
    if s.ndim != 1 or s.size == 0 or np.any(~np.isfinite(s)) or np.any(s <= 0):
        msg = "PPS sizes must be a non-empty 1-d array of positive finite numbers."
        raise DGIError(msg)
    if isinstance(n, bool) or not 1 <= int(n) <= s.size:
        msg = f"A PPS sample needs 1 <= n <= {s.size} units. Got n={n!r}."
        raise DGIError(msg)
    pi = np.zeros(s.size)
    rest = np.ones(s.size, bool)
    left = int(n)
    while left > 0:
        p = left * s[rest] / s[rest].sum()
        cert = p >= 1.0 - 1e-12
        if not cert.any():
            pi[rest] = p
            break
        idx = np.flatnonzero(rest)[cert]
        pi[idx] = 1.0
        rest[idx] = False
        left -= idx.size
    return pi


def systematic(pi: np.ndarray, gen: np.random.Generator) -> np.ndarray:
    """Indices selected by systematic sampling with probabilities ``pi`` after a random ordering.

    Parameters
    ----------
    pi : numpy.ndarray
        Inclusion probabilities summing to the sample size (:func:`pps_inclusion_probabilities`).
    gen : numpy.random.Generator
        Source of randomness (a permutation, then a uniform start).

    Returns
    -------
    numpy.ndarray
        Sorted indices of the selected units.

    Examples
    --------
    >>> pi = pps_inclusion_probabilities(np.array([50.0, 30.0, 10.0, 10.0]), 2)
    >>> int(systematic(pi, np.random.default_rng(1))[0])   # the certainty unit is always in
    0
    """
    perm = gen.permutation(pi.size)
    c = np.concatenate([[0.0], np.cumsum(pi[perm])])
    start = gen.random()
    hits = np.floor(c[1:] - start) - np.floor(c[:-1] - start)
    chosen = perm[hits > 0]
    n = round(float(pi.sum()))
    if chosen.size != n:  # pragma: no cover - floating-point edge
        chosen = perm[np.argsort(-(hits + pi[perm]))[:n]]
    return np.sort(chosen)


@dataclass(frozen=True, slots=True)
class SamplePlan:
    """Sample sizes of a survey: PSUs and villages per PSU in each unit, adults per village.

    Parameters
    ----------
    psus : numpy.ndarray
        Communes (PSUs) drawn in each unit.
    villages : numpy.ndarray
        Villages drawn in each sampled commune, per unit.
    persons : int
        Adults drawn in each sampled village (the issued sample).

    Examples
    --------
    >>> from dgi_stats.simulate import simulate_population
    >>> make_plan(simulate_population(2021, units=["Cô Tô"], rng=1), None, None, 28).villages
    array([6])
    """

    psus: np.ndarray  # per unit
    villages: np.ndarray  # per unit
    persons: int


def _per_unit(value: PerUnit, units: Sequence[str], name: str, default: np.ndarray) -> np.ndarray:
    if value is None:
        return default
    if isinstance(value, Mapping):
        keys = match_names(value, units)
        unknown = sorted(set(keys) - set(units))
        if unknown:
            msg = f"The {name!r} parameter names unit(s) {unknown} that are not simulated."
            raise DGIError(msg)
        out = default.copy()
        pos = {u: i for i, u in enumerate(units)}
        for k, v in zip(keys, value.values()):
            out[pos[k]] = _positive(v, name)
        return out
    return np.full(len(units), _positive(value, name), dtype=np.int64)


def _positive(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or int(value) < 1:
        msg = (
            f"The {name!r} parameter of simulate_survey must be an int >= 1 (or a mapping unit -> "
            f"int). Got {value!r} instead."
        )
        raise DGIError(msg)
    return int(value)


def make_plan(pop: Population, psus_per_unit: PerUnit, villages_per_psu: PerUnit,
              respondents_per_village: int) -> SamplePlan:
    """Check the sample sizes of a survey of ``pop`` and fill in the defaults.

    Parameters
    ----------
    pop : Population
        The population.
    psus_per_unit, villages_per_psu : int, mapping unit -> int, or None
        As in :func:`simulate_survey` (None: the defaults, 6 communes or all of a unit's if
        fewer, and ``ceil(18 / psus)`` villages, at most the fewest of the unit's communes).
    respondents_per_village : int
        Adults drawn per village.

    Returns
    -------
    SamplePlan

    Raises
    ------
    DGIError
        If a size is not a positive int or exceeds the frame (communes of a unit, villages of a
        commune, adults of a village).

    Examples
    --------
    >>> from dgi_stats.simulate import simulate_population
    >>> plan = make_plan(simulate_population(2021, units=["Cô Tô"], rng=1), None, None, 28)
    >>> plan.psus, plan.persons
    (array([3]), 28)
    """
    units = pop.units
    n_comm = np.bincount(pop.commune_unit, minlength=len(units))
    default_psus = np.minimum(6, n_comm)
    psus = _per_unit(psus_per_unit, units, "psus_per_unit", default_psus)
    # default: about 18 villages per unit, but no more per commune than the unit's smallest has
    # (never binds for the DGI units' default sizes, whose communes have 6 villages or more)
    n_vill = np.bincount(pop.village_commune, minlength=pop.commune_unit.size)
    fewest = np.full(len(units), np.iinfo(np.int64).max)
    np.minimum.at(fewest, pop.commune_unit, n_vill)
    default_v = np.minimum(np.ceil(18 / psus).astype(np.int64), fewest)
    vill = _per_unit(villages_per_psu, units, "villages_per_psu", default_v)
    persons = _positive(respondents_per_village, "respondents_per_village")
    too_many = np.flatnonzero(psus > n_comm)
    if too_many.size:
        bad = {units[i]: f"{int(psus[i])} PSUs > {int(n_comm[i])} communes" for i in too_many}
        msg = (
            f"psus_per_unit asks for more communes than the frame has: {bad}. Use at most the "
            "number of communes (all of them are then certainty units)."
        )
        raise DGIError(msg)
    for ui in range(len(units)):
        comms = np.flatnonzero(pop.commune_unit == ui)
        short = comms[n_vill[comms] < vill[ui]]
        if short.size:
            ids = pop.commune_effects.index[short].tolist()
            msg = (
                f"villages_per_psu={int(vill[ui])} for {units[ui]!r}, but commune(s) {ids[:5]} have "
                f"only {int(n_vill[short].min())} villages. Use at most that many villages per PSU."
            )
            raise DGIError(msg)
    vsize = pop.cell_counts.sum(axis=1)
    if persons > vsize.min():
        small = pop.village_effects.index[int(np.argmin(vsize))]
        msg = (
            f"respondents_per_village={persons} exceeds the adults of village {small!r} "
            f"({int(vsize.min())}); use a smaller number."
        )
        raise DGIError(msg)
    return SamplePlan(psus=psus, villages=vill, persons=persons)


@dataclass(frozen=True, slots=True)
class Sample:
    """One drawn sample: per respondent, the unit, commune, village, cell and design quantities.

    Parameters
    ----------
    unit, commune, village, cell : numpy.ndarray
        Indexes of each respondent's unit, commune and village (population order) and cell.
    pi1, pi2, pi3 : numpy.ndarray
        Inclusion probabilities of the three stages (commune; village given the commune; person
        given the village).
    n_issued, n_resp : numpy.ndarray
        Issued sample and respondents of the respondent's village.
    nr_factor : numpy.ndarray
        Nonresponse adjustment factor (``nr_weight / design_weight``).

    Examples
    --------
    >>> from dgi_stats.simulate import simulate_population
    >>> pop = simulate_population(2021, units=["Cô Tô"], rng=1)
    >>> smp = draw_sample(pop, make_plan(pop, None, None, 28), np.random.default_rng(2))
    >>> bool((smp.prob > 0).all() and (smp.pi1 == 1).all())
    True
    """

    unit: np.ndarray
    commune: np.ndarray
    village: np.ndarray
    cell: np.ndarray
    pi1: np.ndarray
    pi2: np.ndarray
    pi3: np.ndarray
    n_issued: np.ndarray
    n_resp: np.ndarray
    nr_factor: np.ndarray

    @property
    def prob(self) -> np.ndarray:
        """Each respondent's inclusion probability: the product of the three stages'."""
        return self.pi1 * self.pi2 * self.pi3


def draw_sample(pop: Population, plan: SamplePlan, gen: np.random.Generator) -> Sample:
    """Draw the respondents of one three-stage sample of ``pop``.

    Parameters
    ----------
    pop : Population
        The population.
    plan : SamplePlan
        Sample sizes (:func:`make_plan`).
    gen : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    Sample

    Raises
    ------
    DGIError
        If no sampled adult of a unit responds.

    Examples
    --------
    >>> from dgi_stats.simulate import simulate_population
    >>> pop = simulate_population(2021, units=["Cô Tô"], rng=1)
    >>> smp = draw_sample(pop, make_plan(pop, None, None, 28), np.random.default_rng(2))
    >>> int(np.unique(smp.village).size) <= 18
    True
    """
    vsize = pop.cell_counts.sum(axis=1).astype(float)
    csize = np.bincount(pop.village_commune, weights=vsize, minlength=pop.commune_unit.size)
    resp_p = pop.model.response_probabilities()
    v_unit, v_comm, v_vill, v_pi1, v_pi2, got_rows = [], [], [], [], [], []
    for ui in range(len(pop.units)):
        comms = np.flatnonzero(pop.commune_unit == ui)
        pi_c = pps_inclusion_probabilities(csize[comms], int(plan.psus[ui]))
        for ci in systematic(pi_c, gen):
            k = comms[ci]
            vills = np.flatnonzero(pop.village_commune == k)
            pi_v = pps_inclusion_probabilities(vsize[vills], int(plan.villages[ui]))
            for vi in systematic(pi_v, gen):
                v = vills[vi]
                issued = gen.multivariate_hypergeometric(pop.cell_counts[v], plan.persons)
                got_rows.append(gen.binomial(issued, resp_p))
                v_unit.append(ui)
                v_comm.append(k)
                v_vill.append(v)
                v_pi1.append(pi_c[ci])
                v_pi2.append(pi_v[vi])
    got = np.vstack(got_rows)  # selected villages x 16 cells
    unit, comm, vill = np.asarray(v_unit), np.asarray(v_comm), np.asarray(v_vill)
    pi1, pi2 = np.asarray(v_pi1), np.asarray(v_pi2)
    pi3 = plan.persons / vsize[vill]
    n_resp = got.sum(axis=1)
    # nonresponse adjustment classes: the village; the commune if one of its sampled villages has
    # no respondent; the unit if one of its sampled communes has none
    dw = 1.0 / (pi1 * pi2 * pi3)
    issued_w = plan.persons * dw
    resp_w = n_resp * dw
    no_one = [pop.units[u] for u in np.unique(unit) if resp_w[unit == u].sum() == 0]
    if no_one:
        msg = (
            f"no sampled adult responded in unit(s) {no_one}; increase respondents_per_village or "
            "the response probabilities of the model."
        )
        raise DGIError(msg)
    cls = np.arange(vill.size)
    empty_comm = np.unique(comm[n_resp == 0])
    if empty_comm.size:
        first = {c: i for i, c in reversed(list(enumerate(comm.tolist())))}
        cls = np.where(np.isin(comm, empty_comm), [first[c] for c in comm.tolist()], cls)
        comm_resp = np.bincount(cls, weights=resp_w, minlength=vill.size)
        empty_unit = np.unique(unit[(comm_resp[cls] == 0)])
        if empty_unit.size:
            first_u = {u: i for i, u in reversed(list(enumerate(unit.tolist())))}
            cls = np.where(np.isin(unit, empty_unit), [first_u[u] for u in unit.tolist()], cls)
    factor = (np.bincount(cls, weights=issued_w, minlength=vill.size)[cls]
              / np.bincount(cls, weights=resp_w, minlength=vill.size)[cls])
    rep = n_resp
    return Sample(
        unit=np.repeat(unit, rep), commune=np.repeat(comm, rep), village=np.repeat(vill, rep),
        cell=np.repeat(np.tile(np.arange(N_CELLS), vill.size), got.ravel()),
        pi1=np.repeat(pi1, rep), pi2=np.repeat(pi2, rep), pi3=np.repeat(pi3, rep),
        n_issued=np.full(int(rep.sum()), plan.persons), n_resp=np.repeat(n_resp, rep),
        nr_factor=np.repeat(factor, rep),
    )


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class SimulatedSurvey(Result):
    """One SYNTHETIC survey: respondents, frame, margins, true scores and the parameters used.

    Parameters
    ----------
    respondents : pandas.DataFrame
        One row per respondent: ``respondent_id``, ``district`` (stratum), ``commune_id`` (PSU),
        ``village_id`` (SSU), ``sex``, ``age_group``, ``ethnicity``, one nullable-integer column per
        questionnaire item (blank = not asked), then the design columns ``pi_commune`` (stage 1),
        ``pi_village`` (stage 2, given the commune), ``pi_person`` (stage 3, issued sample / adults
        of the village), ``prob`` (their product), ``design_weight`` (1 / prob), ``n_issued_village``,
        ``n_resp_village``, ``nr_weight`` (design weight x issued / responding, within the village) and
        the fpc counts ``communes_in_unit``, ``villages_in_commune``, ``adults_in_village``.
    frame : pandas.DataFrame
        The population frame (village x cell adult counts; :attr:`Population.frame`).
    margins : dict of str to pandas.Series
        Population counts for weighting (:func:`frame_margins`).
    true_scores : pandas.DataFrame
        Units x every measure of the spec: the exact true population scores.
    params : dict
        Year, units, sample plan, model parameters, latent unit effects, spec name and year, and the
        generator's starting state (``rng_state``).
    population : Population
        The population the sample was drawn from (reuse it to draw more samples).

    Examples
    --------
    >>> from dgi_stats.datasets import load_spec
    >>> sim = simulate_survey(load_spec(2021), units=["Cô Tô"], rng=1)
    >>> sim.to_frame().columns.tolist()
    ['n_respondents', 'n_communes', 'n_villages', 'true_total', 'true_composite']
    >>> sim.n_surveys
    1
    """

    respondents: pd.DataFrame
    frame: pd.DataFrame
    margins: dict[str, pd.Series]
    true_scores: pd.DataFrame
    params: dict[str, object]
    population: Population

    @property
    def n_surveys(self) -> int:
        """Number of simulated surveys: 1."""
        return 1

    def to_frame(self) -> pd.DataFrame:
        """One row per unit: respondents, sampled communes and villages, true total and composite.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``unit`` (the population's order).
        """
        g = self.respondents.groupby("district", sort=False)
        out = pd.DataFrame({
            "n_respondents": g.size(),
            "n_communes": g["commune_id"].nunique(),
            "n_villages": g["village_id"].nunique(),
        }).reindex(list(self.population.units)).fillna(0).astype("int64")
        out["true_total"] = self.true_scores["total"].to_numpy()
        out["true_composite"] = self.true_scores["composite"].to_numpy()
        out.index.name = "unit"
        return out

    def _summary_title(self) -> str:
        return f"SYNTHETIC simulated survey {self.params['year']}"

    def _summary_notes(self) -> tuple[str, ...]:
        return ("SYNTHETIC: respondents and true scores from a latent model, not survey data.",)

    def __repr__(self) -> str:
        n = self.respondents.groupby("district", sort=False).size().rename("respondents")
        t = pd.concat([n, self.true_scores["total"].rename("true_total")], axis=1)
        return frame_repr(f"SimulatedSurvey[SYNTHETIC {self.params['year']}]", t)


def _same_units(units: Iterable[str] | pd.DataFrame | int, pop: Population) -> bool:
    """Whether ``units`` names exactly the population's units."""
    if isinstance(units, pd.DataFrame | int | np.integer):
        return False
    if all(u in UNIT_NAMES for u in pop.units):
        return check_units(units) == pop.units
    names = match_names([units] if isinstance(units, str) else list(units), pop.units)
    return len(names) == len(pop.units) and set(names) == set(pop.units)


def _setup(
    spec: IndexSpec, year: int | None, units: Iterable[str] | pd.DataFrame | int | None,
    population: Population | None, true_scores: pd.DataFrame | None, model: LatentModel | None,
    gen: np.random.Generator, func: str,
) -> tuple[Population, CompiledSpec, np.ndarray]:
    if not isinstance(spec, IndexSpec):
        msg = f"The 'spec' parameter of {func} must be an IndexSpec (see dgi_stats.datasets.load_spec)."
        raise DGIError(msg)
    if population is not None:
        if not isinstance(population, Population):
            msg = f"The 'population' parameter of {func} must be a Population or None."
            raise DGIError(msg)
        if year is not None and check_year(year, func) != population.year:
            msg = f"year={year} but the population is of {population.year}; drop one of them."
            raise DGIError(msg)
        if units is not None and not _same_units(units, population):
            msg = "units=... disagrees with the population's units; drop units or the population."
            raise DGIError(msg)
        if model is not None and model != population.model:
            msg = "model=... disagrees with the population's model; drop one of them."
            raise DGIError(msg)
        pop = population
    else:
        yr = spec.year if year is None else check_year(year, func)
        pop = simulate_population(yr, units=units, model=model,
                                  n_dimensions=len(spec.dimension_ids), rng=gen)
    check_spec_population(spec, pop)
    comp = compile_spec(spec, pop.model)
    if true_scores is None and pop.unit_effects is not None:  # a frame of simulate_frame
        return pop, comp, pop.unit_effects.to_numpy(dtype=float)
    if true_scores is None:
        if len(comp.dim_ids) != 8 or not FIRST_YEAR <= pop.year <= LAST_YEAR:
            msg = (
                f"there are default true scores only for 8-dimension specs of {FIRST_YEAR}-"
                f"{LAST_YEAR}; pass true_scores=... (units x dimensions)."
            )
            raise DGIError(msg)
        true_scores = calibration_targets(pop.year, dimension_ids=comp.dim_ids).loc[list(pop.units)]
    vals = check_true_scores(true_scores, comp, pop.units)
    alpha = solve_effects(comp, pop, vals, pop.model)
    return pop, comp, alpha


@dataclass(frozen=True, slots=True)
class SimulationRun:
    """What :func:`simulate_survey` and :func:`simulate_estimates` draw their samples from.

    Parameters
    ----------
    spec : IndexSpec
        The index specification.
    gen : numpy.random.Generator
        Source of randomness (advances with every sample).
    state : dict
        The generator's state before anything was drawn.
    pop : Population
        The population.
    comp : CompiledSpec
        The spec compiled for the population's model.
    alpha : numpy.ndarray
        Latent unit effects (units x dimensions).
    plan : SamplePlan
        Sample sizes.

    Examples
    --------
    >>> from dgi_stats.datasets import load_spec
    >>> run = start_run(load_spec(2021), None, ["Cô Tô"], None, None, None, None, None, 28, 1,
    ...                 "example")
    >>> smp, cat = run.draw()
    >>> cat.shape[0] == smp.unit.size
    True
    """

    spec: IndexSpec
    gen: np.random.Generator
    state: dict[str, Any]  # the generator's state before anything was drawn
    pop: Population
    comp: CompiledSpec
    alpha: np.ndarray
    plan: SamplePlan

    def draw(self) -> tuple[Sample, np.ndarray]:
        """One sample of respondents and their answer categories.

        Returns
        -------
        tuple of (Sample, numpy.ndarray)
            The sample and its respondents x items answer categories (:func:`draw_answers`).
        """
        smp = draw_sample(self.pop, self.plan, self.gen)
        ce = self.pop.commune_effects.to_numpy()
        ve = self.pop.village_effects.to_numpy()
        offsets = self.alpha[smp.unit] + ce[smp.commune] + ve[smp.village]
        return smp, draw_answers(self.comp, self.pop.model, offsets, smp.cell, self.gen)

    def truth(self, measures: Sequence[str]) -> pd.DataFrame:
        """The true population scores of ``measures``.

        Parameters
        ----------
        measures : sequence of str
            Measure ids of the spec.

        Returns
        -------
        pandas.DataFrame
            Units x measures.
        """
        return all_truth(self.comp, self.pop, self.alpha, self.pop.model)[list(measures)]

    def params(self) -> dict[str, Any]:
        """The parameters of the run, for :attr:`SimulatedSurvey.params` (a dict)."""
        pop, plan = self.pop, self.plan
        return {
            "synthetic": True,
            "year": pop.year,
            "units": list(pop.units),
            "spec": f"{self.spec.name} {self.spec.year}",
            "psus_per_unit": dict(zip(pop.units, plan.psus.tolist())),
            "villages_per_psu": dict(zip(pop.units, plan.villages.tolist())),
            "respondents_per_village": plan.persons,
            "model": asdict(pop.model),
            "unit_effects": pd.DataFrame(self.alpha, index=pd.Index(pop.units, name="unit"),
                                         columns=list(self.comp.dim_ids)),
            "rng_state": self.state,
        }


def start_run(
    spec: IndexSpec, year: int | None, units: Iterable[str] | pd.DataFrame | int | None,
    population: Population | None, true_scores: pd.DataFrame | None, model: LatentModel | None,
    psus_per_unit: PerUnit, villages_per_psu: PerUnit, respondents_per_village: int,
    rng: RNGLike, func: str,
) -> SimulationRun:
    """Check the arguments shared by the survey simulators; set up population, effects and plan.

    Parameters
    ----------
    spec, year, units, population, true_scores, model, psus_per_unit, villages_per_psu, \
respondents_per_village, rng
        As in :func:`simulate_survey`.
    func : str
        The calling function's name, for the messages.

    Returns
    -------
    SimulationRun

    Examples
    --------
    >>> from dgi_stats.datasets import load_spec
    >>> start_run(load_spec(2021), None, ["Cô Tô"], None, None, None, None, None, 28, 1,
    ...           "example").pop.units
    ('Cô Tô',)
    """
    gen = as_generator(rng)
    state = generator_state(gen)
    pop, comp, alpha = _setup(spec, year, units, population, true_scores, model, gen, func)
    plan = make_plan(pop, psus_per_unit, villages_per_psu, respondents_per_village)
    return SimulationRun(spec, gen, state, pop, comp, alpha, plan)


def simulate_survey(
    spec: IndexSpec,
    *,
    year: int | None = None,
    units: Iterable[str] | pd.DataFrame | int | None = None,
    population: Population | None = None,
    psus_per_unit: PerUnit = None,
    villages_per_psu: PerUnit = None,
    respondents_per_village: int = 28,
    true_scores: pd.DataFrame | None = None,
    model: LatentModel | None = None,
    rng: RNGLike = None,
) -> SimulatedSurvey:
    """Simulate one SYNTHETIC multi-stage survey of the DGI units (or any units), with its true scores.

    Parameters
    ----------
    spec : IndexSpec
        The questionnaire and scoring rules (:func:`dgi_stats.datasets.load_spec`).
    year : int, optional
        Survey year. default: ``spec.year`` (or the population's year).
    units : iterable of str, pandas.DataFrame or int, optional
        Units to simulate. default: all 13 (or the population's units). A table of units or a
        number of units simulates a frame of arbitrary units (:func:`simulate_frame`, with its
        defaults) whose latent unit effects are drawn at random.
    population : Population, optional
        Draw from this population instead of simulating a new one (:func:`simulate_population`
        or :func:`simulate_frame`).
    psus_per_unit : int or mapping unit -> int, optional
        Communes (PSUs) drawn per unit by systematic PPS on adults, certainty units allowed.
        default: 6, or every commune of a unit with fewer (Cô Tô: 3).
    villages_per_psu : int or mapping unit -> int, optional
        Villages drawn per commune by systematic PPS on adults. default: ``ceil(18 / psus)``
        (3, and 6 in Cô Tô), so about 18 villages per unit, but at most the villages of the
        unit's smallest commune.
    respondents_per_village : int
        Adults drawn per village by simple random sampling (the issued sample); unit nonresponse
        leaves about 65 % of them. default: 28 (about 325 respondents per unit).
    true_scores : pandas.DataFrame, optional
        Units x the spec's dimensions: the true dimension scores to simulate (strictly inside the
        scale; optional ``total`` / ``composite`` columns must be consistent). default:
        :func:`calibration_targets` of the year (published figures + invented values); for a
        frame of :func:`simulate_frame`, the true scores of its drawn unit effects.
    model : LatentModel, optional
        Model parameters. default: ``LatentModel()``.
    rng : int, Generator, SeedSequence or None
        Source of randomness. default: None.

    Returns
    -------
    SimulatedSurvey

    Raises
    ------
    DGIError
        If a sample size is not a positive int (no PSUs, negative sizes), a unit is asked for more
        communes than its frame has or more villages than a commune has, ``true_scores`` has the
        wrong shape or a value outside the scale, or the spec does not match the population.

    Notes
    -----
    Inclusion probabilities: :math:`\\pi_1 = m N_k / N` (certainty communes: 1, the others share the
    remaining draws), :math:`\\pi_{2|1} = n_v N_v / N_k` likewise, :math:`\\pi_{3|2} = n / N_v`.
    Since the measure of size is the frame's adult count, the design weights
    :math:`1/(\\pi_1 \\pi_{2|1} \\pi_{3|2})` of the *issued* sample sum exactly to the unit's adults,
    and so do the nonresponse-adjusted weights ``nr_weight`` of the respondents (adjustment within
    each village, or within the commune if a village has no respondent). Unit response depends on
    sex and age (:class:`LatentModel`), so respondents over-represent women and older people; raking
    to :attr:`SimulatedSurvey.margins` corrects it.

    Examples
    --------
    >>> from dgi_stats.datasets import load_spec
    >>> spec = load_spec(2021)
    >>> sim = simulate_survey(spec, units=["Cô Tô", "Ba Chẽ"], rng=20240101)
    >>> sim.respondents.groupby("district")["nr_weight"].sum().round().astype(int).equals(
    ...     sim.margins["district"].sort_index())
    True
    >>> sorted(sim.true_scores.columns[-2:])
    ['composite', 'total']

    Any units: 50 communes of 4 villages, all villages drawn, 20 adults each.

    >>> from dgi_stats.simulate import simulate_frame
    >>> pop = simulate_frame(50, villages_per_unit=4, rng=1)
    >>> big = simulate_survey(spec, population=pop, respondents_per_village=20, rng=2)
    >>> big.respondents["district"].nunique(), big.params["villages_per_psu"]["U0001"]
    (50, 4)
    """
    run = start_run(spec, year, units, population, true_scores, model, psus_per_unit,
                    villages_per_psu, respondents_per_village, rng, "simulate_survey")
    pop, comp = run.pop, run.comp
    smp, cat = run.draw()
    n = smp.unit.size
    communes = pop.commune_effects.index.to_numpy()
    villages = pop.village_effects.index.to_numpy()
    cells = np.asarray(CELLS, dtype=object)
    data: dict[str, Any] = {
        "respondent_id": [f"R{i + 1:05d}" for i in range(n)],
        "district": np.asarray(pop.units, dtype=object)[smp.unit],
        "commune_id": communes[smp.commune],
        "village_id": villages[smp.village],
        "sex": cells[smp.cell, 0],
        "age_group": cells[smp.cell, 1],
        "ethnicity": cells[smp.cell, 2],
    }
    for j, item in enumerate(comp.items):
        c = cat[:, j]
        codes = np.where(c >= 0, item.codes[np.clip(c, 0, None)], 0)
        if item.dk_code is not None:
            codes = np.where(c == -1, item.dk_code, codes)
        col = pd.array(codes, dtype="Int64")
        col[c == -2] = pd.NA
        data[item.id] = col
    prob = smp.prob
    dw = 1.0 / prob
    n_vill = np.bincount(pop.village_commune, minlength=communes.size)
    n_comm = np.bincount(pop.commune_unit, minlength=len(pop.units))
    data.update({
        "pi_commune": smp.pi1,
        "pi_village": smp.pi2,
        "pi_person": smp.pi3,
        "prob": prob,
        "design_weight": dw,
        "n_issued_village": smp.n_issued.astype(np.int64),
        "n_resp_village": smp.n_resp.astype(np.int64),
        "nr_weight": dw * smp.nr_factor,
        "communes_in_unit": n_comm[smp.unit].astype(np.int64),
        "villages_in_commune": n_vill[smp.commune].astype(np.int64),
        "adults_in_village": pop.cell_counts[smp.village].sum(axis=1).astype(np.int64),
    })
    return SimulatedSurvey(
        respondents=pd.DataFrame(data),
        frame=pop.frame,
        margins=pop.margins(),
        true_scores=run.truth(spec.measure_ids),
        params=run.params(),
        population=pop,
    )

