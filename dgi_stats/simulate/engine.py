"""SYNTHETIC DGI surveys: population frames, multi-stage PPS samples and answers from a latent model.

Everything this module produces is **SYNTHETIC**. The DGI's microdata, sampling frame and sampling
design are not public; this simulator makes data of the same shape so that every method of
dgi_stats can be run, tested and planned ("how many respondents would make a 5-rank rise
detectable?").

The pieces
----------
* :func:`simulate_population` - a frame of communes/wards and villages/residential groups per unit,
  with adult counts by sex x age group x ethnicity (Kinh / other) and the latent commune and village
  effects of one survey year. Population sizes are **approximate and invented** (of the right order
  for Quảng Ninh: Hạ Long a large city, Cô Tô a small island district, Bình Liêu and Ba Chẽ with large
  ethnic-minority shares); see :func:`unit_profiles`.
* :func:`calibration_targets` - the true dimension scores used by default: every published DGI
  figure is reproduced exactly, everything else is **invented** (see its docstring).
* :func:`solve_unit_effects` / :func:`population_scores` - the latent unit effects that make the
  model's true scores hit a unit x dimension table, and the true scores of every measure.
* :func:`simulate_survey` - one survey: communes by systematic PPS (certainty units allowed),
  villages by systematic PPS within communes, persons by simple random sampling within villages,
  unit nonresponse depending on sex and age, answers from the latent model, "don't know" item
  nonresponse, weights, margins and true scores, in a frozen :class:`SimulatedSurvey`.
* :func:`simulate_estimates` - many replicate surveys' unit-level Hájek estimates, fast (for power
  and sample-size planning).

The latent model
----------------
For respondent :math:`i` in unit :math:`u`, commune :math:`k`, village :math:`v` and population cell
:math:`c` (sex x age group x ethnicity), the latent propensity on dimension :math:`d` is

.. math::

    \\eta_{id} = \\alpha_{ud} + \\gamma_{kd} + \\nu_{vd} + \\beta_c + \\pi_{id},

with :math:`\\alpha` the unit effect (solved so the true scores hit their targets),
:math:`\\gamma, \\nu` commune and village random effects (normal, fixed for a population year),
:math:`\\beta_c` the cell effect (sex, age group, ethnicity) and :math:`\\pi_{id}` a person effect
(normal, shared by the items of a respondent). The answer to item :math:`j` of dimension :math:`d` is
category :math:`\\#\\{l : \\tau_{jl} < \\eta_{id} + \\varepsilon_{ij}\\}` of the item's answer codes
ordered from worst to best score, with :math:`\\varepsilon_{ij} \\sim N(0, 1)` and thresholds
:math:`\\tau_{jl} = \\delta_j + s\\,\\Phi^{-1}(l/L_j)` (an ordered-probit model; binary, Likert and
numeric items alike). Item difficulties are spread deterministically,
:math:`\\delta_j = 0.8\\,(\\{(j+1)\\varphi\\} - 1/2)` with :math:`\\varphi` the golden ratio's fractional
part, so that the true scores do not depend on any random draw; numeric items are answered on a grid
of at most 13 integer values spanning their goalposts. Items that filter other items
(``asked_if``) get no person effect (their noise has the same total variance), so that filter and
filtered items are independent given the cell and the village, which keeps the true scores exactly
computable. "Don't know" is drawn independently of
the answer with a probability depending on the item and the cell.

True scores
-----------
The **true score** of indicator :math:`j` in unit :math:`u` is the population ratio that the
design-weighted (Hájek) mean of the answered cases estimates:

.. math::

    T_{uj} = \\frac{\\sum_{v \\in u} \\sum_c N_{vc}\\, a_{cj}\\, q_{vcj}\\, E[s_j \\mid v, c]}
                  {\\sum_{v \\in u} \\sum_c N_{vc}\\, a_{cj}\\, q_{vcj}},

with :math:`N_{vc}` the adults of cell :math:`c` in village :math:`v`, :math:`a_{cj}` the
probability of a substantive answer (not "don't know"), :math:`q_{vcj}` the probability that the item
is asked (skip logic) and :math:`E[s_j \\mid v, c]` the expected indicator score under the model, all
exact (normal CDFs, no simulation). Every other measure (sub-dimensions, dimensions, total,
composite) is the spec's exact linear map (:meth:`dgi_stats.scores.spec.IndexSpec.measure_map`) of these
indicator values.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import special

from dgi_stats._results import frame_repr
from dgi_stats._rng import RNGLike, as_generator, generator_state
from dgi_stats._validation import check_positive_int
from dgi_stats.exceptions import DGIError
from dgi_stats.units import UNITS, match_units

if TYPE_CHECKING:
    from dgi_stats.scores.spec import IndexSpec

__all__ = [
    "AGE_GROUPS",
    "ETHNICITIES",
    "PUBLISHED_TARGETS",
    "SEXES",
    "LatentModel",
    "Population",
    "SimulatedEstimates",
    "SimulatedSurvey",
    "calibration_targets",
    "frame_margins",
    "population_scores",
    "pps_inclusion_probabilities",
    "simulate_estimates",
    "simulate_population",
    "simulate_survey",
    "solve_unit_effects",
    "unit_profiles",
]

SEXES: tuple[str, ...] = ("female", "male")
AGE_GROUPS: tuple[str, ...] = ("18-29", "30-44", "45-59", "60+")
ETHNICITIES: tuple[str, ...] = ("kinh", "other")
#: The 16 population cells, sex-major then age group then ethnicity.
_CELLS: tuple[tuple[str, str, str], ...] = tuple(
    (s, a, e) for s in SEXES for a in AGE_GROUPS for e in ETHNICITIES
)
_CELL_SEX = np.array([SEXES.index(c[0]) for c in _CELLS])
_CELL_AGE = np.array([AGE_GROUPS.index(c[1]) for c in _CELLS])
_CELL_ETH = np.array([ETHNICITIES.index(c[2]) for c in _CELLS])
_N_CELLS = len(_CELLS)
_FIRST_YEAR, _LAST_YEAR = 2020, 2024
_DIMS_DEFAULT = 8
_UNIT_NAMES: tuple[str, ...] = tuple(u.name for u in UNITS)
_UNIT_CODE = {u.name: u.code for u in UNITS}


# ---------------------------------------------------------------------------------------------
# unit profiles (approximate, invented)
# ---------------------------------------------------------------------------------------------
# name: (communes/wards, adults (approx.), Kinh share, urban, yearly growth)
_PROFILES: dict[str, tuple[int, int, float, bool, float]] = {
    "Hạ Long": (33, 230_000, 0.93, True, 0.015),
    "Uông Bí": (11, 85_000, 0.97, True, 0.012),
    "Cẩm Phả": (16, 135_000, 0.96, True, 0.010),
    "Móng Cái": (17, 75_000, 0.88, True, 0.015),
    "Quảng Yên": (19, 100_000, 0.98, False, 0.010),
    "Đông Triều": (21, 120_000, 0.97, False, 0.010),
    "Vân Đồn": (12, 33_000, 0.85, False, 0.020),
    "Cô Tô": (3, 4_500, 0.97, False, 0.008),
    "Tiên Yên": (11, 35_000, 0.50, False, 0.008),
    "Bình Liêu": (7, 22_000, 0.06, False, 0.006),
    "Đầm Hà": (9, 28_000, 0.68, False, 0.008),
    "Hải Hà": (11, 46_000, 0.75, False, 0.010),
    "Ba Chẽ": (8, 15_000, 0.22, False, 0.006),
}


def unit_profiles() -> pd.DataFrame:
    """The SYNTHETIC population profile of each unit used by :func:`simulate_population`.

    The numbers of communes/wards and adults are **approximate and invented**: of the right order
    for Quảng Ninh's units around 2020 (Hạ Long a large city, Cô Tô a small island district of three
    communes, Bình Liêu and Ba Chẽ with large ethnic-minority shares), but not official statistics.

    Returns
    -------
    pandas.DataFrame
        Indexed by unit: ``n_communes``, ``adults`` (2020 target), ``kinh_share``, ``urban``,
        ``growth`` (yearly growth of the adult population).

    Examples
    --------
    >>> unit_profiles().loc["Cô Tô", "n_communes"]
    np.int64(3)
    """
    frame = pd.DataFrame.from_dict(
        _PROFILES, orient="index",
        columns=["n_communes", "adults", "kinh_share", "urban", "growth"],
    )
    frame.index.name = "unit"
    return frame


# ---------------------------------------------------------------------------------------------
# the model's parameters
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class LatentModel:
    """Parameters of the SYNTHETIC answer, nonresponse and population model (all invented).

    Parameters
    ----------
    sd_commune, sd_village : float
        Standard deviations of the commune and village random effects on the latent scale.
        default: 0.30 and 0.20.
    commune_common : float
        Share of the commune/village effect variance common to all dimensions. default: 0.5.
    persistence : float
        Share of the commune/village effect variance that persists from year to year. default: 0.6.
    sd_person : float
        Standard deviation of the person effect (the item noise has sd 1). default: 0.7.
    person_common : float
        Share of the person effect variance common to all dimensions. default: 0.5.
    effect_female : float
        Latent effect of being a woman. default: -0.10.
    effect_age : tuple of 4 floats
        Latent effects of the age groups 18-29, 30-44, 45-59, 60+. default: (0, 0.05, 0.12, 0.18).
    effect_other_ethnicity : float
        Latent effect of belonging to an ethnic minority. default: -0.20.
    threshold_spread : float
        Spread ``s`` of an item's thresholds. default: 1.0.
    dont_know_min, dont_know_max : float
        Range of the items' base "don't know" rates. default: 0.01 and 0.06.
    dont_know_log_odds : tuple of 3 floats
        Log-odds added to the "don't know" rate for women, people aged 60+ and ethnic minorities.
        default: (0.2, 0.5, 0.7).
    response_sex : tuple of 2 floats
        Base response probabilities of women and men. default: (0.82, 0.62).
    response_age : tuple of 4 floats
        Multipliers of the response probability by age group. default: (0.70, 0.85, 1.0, 1.1).
    """

    sd_commune: float = 0.30
    sd_village: float = 0.20
    commune_common: float = 0.5
    persistence: float = 0.6
    sd_person: float = 0.7
    person_common: float = 0.5
    effect_female: float = -0.10
    effect_age: tuple[float, float, float, float] = (0.0, 0.05, 0.12, 0.18)
    effect_other_ethnicity: float = -0.20
    threshold_spread: float = 1.0
    dont_know_min: float = 0.01
    dont_know_max: float = 0.06
    dont_know_log_odds: tuple[float, float, float] = (0.2, 0.5, 0.7)
    response_sex: tuple[float, float] = (0.82, 0.62)
    response_age: tuple[float, float, float, float] = (0.70, 0.85, 1.0, 1.1)

    def __post_init__(self) -> None:
        for name in ("sd_commune", "sd_village", "sd_person", "threshold_spread"):
            v = getattr(self, name)
            if not np.isfinite(v) or v < 0 or (name == "threshold_spread" and v == 0):
                msg = f"The {name!r} parameter of LatentModel must be a finite number >= 0. Got {v!r}."
                raise DGIError(msg)
        for name in ("commune_common", "persistence", "person_common"):
            v = getattr(self, name)
            if not 0.0 <= v <= 1.0:
                msg = f"The {name!r} parameter of LatentModel must be in [0, 1]. Got {v!r} instead."
                raise DGIError(msg)
        if not 0.0 < self.dont_know_min <= self.dont_know_max < 1.0:
            msg = (
                "LatentModel needs 0 < dont_know_min <= dont_know_max < 1. "
                f"Got {self.dont_know_min!r} and {self.dont_know_max!r}."
            )
            raise DGIError(msg)
        probs = self.response_probabilities()
        if len(self.response_sex) != 2 or len(self.response_age) != 4 or len(self.effect_age) != 4:
            msg = "LatentModel: response_sex needs 2 values, response_age and effect_age 4 values."
            raise DGIError(msg)
        if not np.all((probs > 0) & (probs <= 1)):
            msg = (
                "LatentModel: response_sex x response_age must give response probabilities in "
                f"(0, 1]; got {probs.min():.3g} .. {probs.max():.3g}."
            )
            raise DGIError(msg)

    def cell_effects(self) -> np.ndarray:
        """Latent effect :math:`\\beta_c` of each of the 16 population cells.

        Examples
        --------
        >>> LatentModel().cell_effects()[:2].round(2).tolist()   # women 18-29, Kinh then other
        [-0.1, -0.3]
        """
        return (
            self.effect_female * (_CELL_SEX == 0)
            + np.asarray(self.effect_age, dtype=float)[_CELL_AGE]
            + self.effect_other_ethnicity * (_CELL_ETH == 1)
        )

    def response_probabilities(self) -> np.ndarray:
        """Unit-response probability of each of the 16 population cells.

        Examples
        --------
        >>> LatentModel().response_probabilities()[[0, 8]].round(3).tolist()  # women / men 18-29
        [0.574, 0.434]
        """
        sex = np.asarray(self.response_sex, dtype=float)[_CELL_SEX]
        age = np.asarray(self.response_age, dtype=float)[_CELL_AGE]
        return sex * age

    @property
    def sd_total(self) -> float:
        """Standard deviation of person effect + item noise (the ordered-probit scale)."""
        return float(np.sqrt(1.0 + self.sd_person**2))


# ---------------------------------------------------------------------------------------------
# population
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Population:
    """A SYNTHETIC population of one survey year: frame and latent cluster effects.

    Attributes
    ----------
    year : int
        The survey year.
    units : tuple of str
        Canonical unit names, in catalogue order.
    frame : pandas.DataFrame
        One row per village x cell: ``district``, ``commune_id``, ``village_id``, ``sex``,
        ``age_group``, ``ethnicity``, ``adults``.
    commune_effects, village_effects : pandas.DataFrame
        Latent random effects (rows: commune or village ids; columns: latent dimensions 1..D).
    model : LatentModel
        The model parameters.
    """

    year: int
    units: tuple[str, ...]
    frame: pd.DataFrame
    commune_effects: pd.DataFrame
    village_effects: pd.DataFrame
    model: LatentModel
    # arrays (internal)
    _counts: np.ndarray = field(repr=False)  # villages x 16
    _village_commune: np.ndarray = field(repr=False)  # village -> commune index
    _commune_unit: np.ndarray = field(repr=False)  # commune -> unit index

    @property
    def n_dimensions(self) -> int:
        """Number of latent dimensions the effects were drawn for."""
        return int(self.commune_effects.shape[1])

    def communes(self) -> pd.DataFrame:
        """One row per commune: ``district``, ``commune_id``, ``n_villages``, ``adults``.

        Examples
        --------
        >>> pop = simulate_population(2021, units=["Cô Tô"], rng=1)
        >>> pop.communes().shape[0]
        3
        """
        v = self.villages()
        out = v.groupby(["district", "commune_id"], sort=False).agg(
            n_villages=("village_id", "size"), adults=("adults", "sum")
        )
        return out.reset_index()

    def villages(self) -> pd.DataFrame:
        """One row per village: ``district``, ``commune_id``, ``village_id``, ``adults``.

        Examples
        --------
        >>> pop = simulate_population(2021, units=["Cô Tô"], rng=1)
        >>> pop.villages().columns.tolist()
        ['district', 'commune_id', 'village_id', 'adults']
        """
        return (
            self.frame.groupby(["district", "commune_id", "village_id"], sort=False)["adults"]
            .sum()
            .reset_index()
        )

    def margins(self) -> dict[str, pd.Series]:
        """Population counts of adults for weighting (see :func:`frame_margins`).

        Examples
        --------
        >>> pop = simulate_population(2021, units=["Cô Tô"], rng=1)
        >>> sorted(pop.margins())
        ['district', 'district_age_group', 'district_ethnicity', 'district_sex', 'district_sex_age_group']
        """
        return frame_margins(self.frame)

    def __repr__(self) -> str:
        head = self.communes().groupby("district", sort=False).agg(
            communes=("commune_id", "size"), villages=("n_villages", "sum"), adults=("adults", "sum")
        )
        return frame_repr(f"Population[SYNTHETIC {self.year}]", head)


def frame_margins(frame: pd.DataFrame) -> dict[str, pd.Series]:
    """Population margins (adult counts) from a cell-level frame, in the form raking takes.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns ``district``, ``sex``, ``age_group``, ``ethnicity``, ``adults`` (as
        :attr:`Population.frame` or :func:`dgi_stats.datasets.load_frame`).

    Returns
    -------
    dict of str to pandas.Series
        Integer counts whose index names are survey column names: ``"district"`` (index
        ``district``), ``"district_sex"`` (``district``, ``sex``), ``"district_age_group"``,
        ``"district_ethnicity"`` and ``"district_sex_age_group"`` (``district``, ``sex``,
        ``age_group``). Pass a list of them to a raking function, e.g.
        ``[m["district_sex"], m["district_age_group"]]``.

    Examples
    --------
    >>> pop = simulate_population(2021, units=["Cô Tô", "Ba Chẽ"], rng=1)
    >>> m = frame_margins(pop.frame)
    >>> m["district_sex"].index.names
    FrozenList(['district', 'sex'])
    >>> int(m["district_sex"].sum()) == int(pop.frame["adults"].sum())
    True
    """
    need = ["district", "sex", "age_group", "ethnicity", "adults"]
    missing = [c for c in need if c not in frame.columns]
    if missing:
        msg = f"frame is missing column(s) {missing}; it needs {need}."
        raise DGIError(msg)
    out: dict[str, pd.Series] = {}
    for name, cols in (
        ("district", ["district"]),
        ("district_sex", ["district", "sex"]),
        ("district_age_group", ["district", "age_group"]),
        ("district_ethnicity", ["district", "ethnicity"]),
        ("district_sex_age_group", ["district", "sex", "age_group"]),
    ):
        s = frame.groupby(cols, sort=False)["adults"].sum().astype("int64")
        s.name = "adults"
        out[name] = s
    return out


def _check_units(units: Iterable[str] | None) -> tuple[str, ...]:
    if units is None:
        return _UNIT_NAMES
    if isinstance(units, str):
        units = [units]
    names = match_units(list(units))
    if not names:
        msg = "The 'units' parameter must name at least one unit (or be None for all 13)."
        raise DGIError(msg)
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        msg = f"The 'units' parameter names unit(s) {dup} more than once; list each unit once."
        raise DGIError(msg)
    return tuple(n for n in _UNIT_NAMES if n in names)


def _check_year(year: Any, func: str) -> int:
    if isinstance(year, bool) or not isinstance(year, int | np.integer):
        msg = f"The 'year' parameter of {func} must be an int. Got {year!r} instead."
        raise DGIError(msg)
    return int(year)


def simulate_population(
    year: int,
    *,
    units: Iterable[str] | None = None,
    model: LatentModel | None = None,
    n_dimensions: int = _DIMS_DEFAULT,
    rng: RNGLike = None,
) -> Population:
    """Simulate a SYNTHETIC population frame with latent cluster effects for one survey year.

    The same ``rng`` seed gives the same communes and villages for every year (only the adult counts
    grow, by each unit's invented growth rate) and the same persistent part of the commune and village
    effects; the yearly part of the effects changes with ``year``.

    Parameters
    ----------
    year : int
        Survey year (2020 is the base year of the population sizes).
    units : iterable of str, optional
        Units to include (any spelling :func:`dgi_stats.units.match_unit` accepts).
        default: all 13 DGI units.
    model : LatentModel, optional
        Model parameters. default: ``LatentModel()``.
    n_dimensions : int
        Number of latent dimensions (the spec's dimensions). default: 8.
    rng : int, Generator, SeedSequence or None
        Source of randomness. default: None (fresh entropy).

    Returns
    -------
    Population

    Raises
    ------
    DGIError
        If ``year`` is not an int, a unit is unknown or listed twice, or ``n_dimensions`` < 1.

    Notes
    -----
    Each unit's adults (:func:`unit_profiles`) are split between communes with lognormal shares
    (sd 0.5), each commune has 6 to 20 villages (urban wards more) with lognormal shares (sd 0.5) and
    at least 60 adults; each village's adults are split into the 16 cells by a multinomial draw with
    a unit-specific age profile, about 50.5 % women, and a village-specific Kinh share
    (logit-normal around the unit's share, sd 1.2, so minorities cluster in some villages).

    Examples
    --------
    >>> pop = simulate_population(2021, units=["Cô Tô"], rng=20240101)
    >>> pop.frame.columns.tolist()
    ['district', 'commune_id', 'village_id', 'sex', 'age_group', 'ethnicity', 'adults']
    >>> pop.communes()["commune_id"].tolist()
    ['QN08-C01', 'QN08-C02', 'QN08-C03']
    """
    year = _check_year(year, "simulate_population")
    names = _check_units(units)
    model = LatentModel() if model is None else model
    if not isinstance(model, LatentModel):
        msg = f"The 'model' parameter must be a LatentModel or None. Got {type(model).__name__}."
        raise DGIError(msg)
    n_dim = check_positive_int(n_dimensions, name="n_dimensions", func="simulate_population")
    gen = as_generator(rng)
    base = int(gen.integers(0, 2**63 - 1))

    rows_unit: list[int] = []
    counts_list: list[np.ndarray] = []
    village_commune: list[int] = []
    commune_unit: list[int] = []
    commune_ids: list[str] = []
    village_ids: list[str] = []
    village_district: list[str] = []
    village_commune_id: list[str] = []
    for ui, name in enumerate(names):
        n_comm, adults, kinh, urban, growth = _PROFILES[name]
        # one stream per unit, so a subset of units gets the same frame as the full province
        ug = np.random.default_rng([base, 0, _UNIT_NAMES.index(name)])
        comm_share = ug.lognormal(0.0, 0.5, n_comm)
        comm_share /= comm_share.sum()
        age_profile = np.array([0.30, 0.30, 0.25, 0.15]) if urban else np.array([0.26, 0.28, 0.27, 0.19])
        age_profile = age_profile * ug.lognormal(0.0, 0.05, 4)
        age_profile /= age_profile.sum()
        scale = (1.0 + growth) ** (year - _FIRST_YEAR)
        for ci in range(n_comm):
            cidx = len(commune_ids)
            cid = f"{_UNIT_CODE[name]}-C{ci + 1:02d}"
            commune_ids.append(cid)
            commune_unit.append(ui)
            n_vill = int(ug.integers(10, 21) if urban else ug.integers(6, 15))
            v_share = ug.lognormal(0.0, 0.5, n_vill)
            v_adults = np.maximum(60, np.round(adults * comm_share[ci] * v_share / v_share.sum()))
            logit_k = special.logit(np.clip(kinh, 0.01, 0.99)) + ug.normal(0.0, 1.2, n_vill)
            k_share = special.expit(logit_k)
            female = 0.505 + ug.normal(0.0, 0.01, n_vill)
            for vi in range(n_vill):
                p = np.empty(_N_CELLS)
                sex_p = np.array([female[vi], 1.0 - female[vi]])
                eth_p = np.array([k_share[vi], 1.0 - k_share[vi]])
                p[:] = sex_p[_CELL_SEX] * age_profile[_CELL_AGE] * eth_p[_CELL_ETH]
                cnt = ug.multinomial(int(v_adults[vi]), p / p.sum()).astype(float)
                cnt = np.round(cnt * scale)
                counts_list.append(cnt.astype(np.int64))
                village_commune.append(cidx)
                vid = f"{cid}-V{vi + 1:02d}"
                village_ids.append(vid)
                village_district.append(name)
                village_commune_id.append(cid)
                rows_unit.append(ui)
    counts = np.vstack(counts_list)
    # latent effects: persistent part from the unit streams (year-free), yearly part from (base, year)
    n_comm_total, n_vill_total = len(commune_ids), len(village_ids)
    zc = _effects(base, 1, n_comm_total, n_dim, year, model.commune_common, model.persistence,
                  [commune_unit[i] for i in range(n_comm_total)], names)
    zv = _effects(base, 2, n_vill_total, n_dim, year, model.commune_common, model.persistence,
                  rows_unit, names)
    cols = [f"latent_{d + 1}" for d in range(n_dim)]
    ce = pd.DataFrame(model.sd_commune * zc, index=pd.Index(commune_ids, name="commune_id"),
                      columns=cols)
    ve = pd.DataFrame(model.sd_village * zv, index=pd.Index(village_ids, name="village_id"),
                      columns=cols)
    nv = len(village_ids)
    frame = pd.DataFrame({
        "district": np.repeat(np.asarray(village_district, dtype=object), _N_CELLS),
        "commune_id": np.repeat(np.asarray(village_commune_id, dtype=object), _N_CELLS),
        "village_id": np.repeat(np.asarray(village_ids, dtype=object), _N_CELLS),
        "sex": np.tile(np.asarray([c[0] for c in _CELLS], dtype=object), nv),
        "age_group": np.tile(np.asarray([c[1] for c in _CELLS], dtype=object), nv),
        "ethnicity": np.tile(np.asarray([c[2] for c in _CELLS], dtype=object), nv),
        "adults": counts.reshape(-1),
    })
    return Population(
        year=year,
        units=names,
        frame=frame,
        commune_effects=ce,
        village_effects=ve,
        model=model,
        _counts=counts,
        _village_commune=np.asarray(village_commune, dtype=np.int64),
        _commune_unit=np.asarray(commune_unit, dtype=np.int64),
    )


def _effects(
    base: int, stream: int, n: int, n_dim: int, year: int, common: float, persist: float,
    unit_of_row: Sequence[int], names: Sequence[str],
) -> np.ndarray:
    """Standard-normal cluster effects: common + specific per dimension, persistent + yearly."""
    out = np.empty((n, n_dim))
    rows = np.asarray(unit_of_row)
    for ui, name in enumerate(names):
        idx = np.flatnonzero(rows == ui)
        code = _UNIT_NAMES.index(name)
        pg = np.random.default_rng([base, stream, code])
        yg = np.random.default_rng([base, stream, code, year])
        parts = []
        for g in (pg, yg):
            z0 = g.standard_normal((idx.size, 1))
            zd = g.standard_normal((idx.size, n_dim))
            parts.append(np.sqrt(common) * z0 + np.sqrt(1.0 - common) * zd)
        out[idx] = np.sqrt(persist) * parts[0] + np.sqrt(1.0 - persist) * parts[1]
    return out


# ---------------------------------------------------------------------------------------------
# calibration targets: published figures + invented scores
# ---------------------------------------------------------------------------------------------
#: Published DGI figures (the only real numbers used). Source: Uông Bí city news article
#: "TP Uông Bí: Nâng cao chỉ số hiệu quả quản trị cấp huyện (DGI)" (author Kim Thuỷ) for Uông Bí
#: 2020-2021; https://theleader.vn/quang-ninh-trong-cuoc-dua-cai-cach-1650267359457.htm for the
#: 2021 mean; https://nongnghiep.vn/ha-long-cai-cach-hanh-chinh-tot-nhat-tinh-quang-ninh-d380481.html
#: (Tiên Yên 2023); https://vietnam.vn/es/thanh-pho-cam-pha-dan-dau-chi-so-hai-long-cua-nguoi-dan-tai-quang-ninh
#: (Cô Tô 2024). The 2020 mean is 72.7 - 3.9 (the article's "+3.9 points on 2020").
PUBLISHED_TARGETS: dict[str, Any] = {
    "uong_bi_2021_dimensions": (9.44, 8.72, 9.62, 9.41, 9.67, 9.58, 9.91, 8.89),
    "uong_bi_2021_total": 75.24,
    "uong_bi_2021_rank": 1,
    "uong_bi_2020_total": 68.93,
    "uong_bi_2020_rank": 6,
    "mean_2021_total": 72.7,
    "mean_2020_total": 68.8,
    "rank1_2023": "Tiên Yên",
    "rank1_2024": "Cô Tô",
}

# Invented: the provincial mean total of the years without a published mean, and the 2021 profile
# of dimension means (low transparency and e-governance, high environment, as in PAPI).
_INVENTED_MEANS = {2022: 73.5, 2023: 74.1, 2024: 74.8}
_PROFILE_2021 = np.array([9.15, 8.45, 9.25, 9.10, 9.40, 9.30, 9.50, 8.55])
_TARGET_SEED = 20240101
_DIM_MIN, _DIM_MAX = 5.0, 9.97


@functools.cache
def _invented_targets() -> dict[int, np.ndarray]:
    """Integer cents (13 units x 8 dims) per year; see :func:`calibration_targets`."""
    pub = PUBLISHED_TARGETS
    ub, ty, ct = _UNIT_NAMES.index("Uông Bí"), _UNIT_NAMES.index("Tiên Yên"), _UNIT_NAMES.index("Cô Tô")
    means = {2020: pub["mean_2020_total"], 2021: pub["mean_2021_total"], **_INVENTED_MEANS}
    years = list(range(_FIRST_YEAR, _LAST_YEAR + 1))
    n_u = len(_UNIT_NAMES)
    ub_fixed = {2020: round(pub["uong_bi_2020_total"] * 100), 2021: round(pub["uong_bi_2021_total"] * 100)}
    ub_dims_2021 = np.round(np.asarray(pub["uong_bi_2021_dimensions"]) * 100).astype(np.int64)
    for attempt in range(100_000):
        g = np.random.default_rng([_TARGET_SEED, attempt])
        dev = {2020: g.normal(0.0, 1.4, n_u)}
        for y in years[1:]:
            dev[y] = 0.6 * dev[y - 1] + g.normal(0.0, 1.1, n_u)
        totals: dict[int, np.ndarray] = {}
        for y in years:
            target_sum = round(means[y] * 100) * n_u
            t = (means[y] + dev[y]) * 100.0
            free = np.ones(n_u, bool)
            if y in ub_fixed:
                t[ub] = ub_fixed[y]
                free[ub] = False
            # centre the free units on the published/invented mean, then fix the rounding in cents
            t[free] += (target_sum - t.sum()) / free.sum()
            cents = np.round(t).astype(np.int64)
            rest = target_sum - cents.sum()
            order = np.flatnonzero(free)
            for i in range(abs(int(rest))):
                cents[order[i % order.size]] += np.sign(rest)
            totals[y] = cents
        others = np.delete(np.arange(n_u), ub)
        ok = (
            np.all(totals[2021][others] < ub_fixed[2021])
            and int(np.sum(totals[2020][others] > ub_fixed[2020])) == 5
            and not np.any(totals[2020][others] == ub_fixed[2020])
            and np.all(np.delete(totals[2023], ty) < totals[2023][ty])
            and np.all(np.delete(totals[2024], ct) < totals[2024][ct])
            and all(np.all(totals[y] < 79.0 * 100) for y in years)
        )
        if not ok:
            continue
        out: dict[int, np.ndarray] = {}
        for y in years:
            f = (80.0 - means[y]) / (80.0 - _PROFILE_2021.sum())
            m = 10.0 - (10.0 - _PROFILE_2021) * f
            dims = np.empty((n_u, 8), dtype=np.int64)
            for u in range(n_u):
                if y == 2021 and u == ub:
                    dims[u] = ub_dims_2021
                    continue
                gap = (80.0 - totals[y][u] / 100.0) / (80.0 - m.sum())
                e = g.normal(0.0, 0.12, 8)
                x = np.round((10.0 - (10.0 - m) * gap + e - e.mean()) * 100).astype(np.int64)
                rest = int(totals[y][u] - x.sum())
                for i in range(abs(rest)):
                    x[i % 8] += np.sign(rest)
                dims[u] = x
            out[y] = dims
        bounds_ok = all(
            np.all((d >= _DIM_MIN * 100) & (d <= _DIM_MAX * 100)) for d in out.values()
        )
        above = np.all(out[2021][ub] * n_u > out[2021].sum(axis=0))
        if bounds_ok and above:
            return out
    raise RuntimeError("no invented score table satisfies the published constraints")  # pragma: no cover


def calibration_targets(year: int, *, dimension_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """The default true dimension scores of a SYNTHETIC year (published figures + invented values).

    Every published DGI figure is reproduced exactly (:data:`PUBLISHED_TARGETS`): Uông Bí 2021's
    eight dimension scores (total 75.24, rank 1 of 13, every dimension above the provincial mean),
    Uông Bí 2020's total 68.93 at rank 6, the 2021 and 2020 means over the 13 units (72.7 and 68.8),
    Tiên Yên rank 1 in 2023 and Cô Tô rank 1 in 2024. **Everything else is invented**: the means of
    2022-2024 (73.5, 74.1, 74.8), the other units' scores (unit deviations from the mean: normal,
    sd 1.4 points of total in 2020, then an AR(1) with coefficient 0.6 and innovation sd 1.1), and the
    split of totals into dimensions (a 2021 profile with low transparency and e-governance, moving
    towards the ceiling with the mean, plus noise of sd 0.12). The first draw of a fixed seed that
    satisfies the published constraints is used (rejection sampling: draw 617 of the stream
    ``default_rng([20240101, k])``, k = 0, 1, ...), and values are 2-decimal.

    Parameters
    ----------
    year : int
        2020-2024.
    dimension_ids : sequence of str, optional
        Column labels for the 8 dimensions. default: the DGI ids ``d1_participation`` ...
        ``d8_e_governance``.

    Returns
    -------
    pandas.DataFrame
        13 units (index ``unit``, catalogue order) x 8 dimensions.

    Examples
    --------
    >>> t = calibration_targets(2021)
    >>> round(float(t.loc["Uông Bí"].sum()), 2)
    75.24
    >>> round(float(t.sum(axis=1).mean()), 1)
    72.7
    """
    year = _check_year(year, "calibration_targets")
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        msg = (
            f"The 'year' parameter of calibration_targets must be in {_FIRST_YEAR}-{_LAST_YEAR}. "
            f"Got {year}. Pass true_scores=... to simulate another year."
        )
        raise DGIError(msg)
    ids = list(_DGI_DIMENSIONS if dimension_ids is None else dimension_ids)
    if len(ids) != 8:
        msg = f"The 'dimension_ids' parameter must list 8 dimensions. Got {len(ids)}."
        raise DGIError(msg)
    cents = _invented_targets()[year]
    return pd.DataFrame(cents / 100.0, index=pd.Index(_UNIT_NAMES, name="unit"), columns=ids)


_DGI_DIMENSIONS = (
    "d1_participation", "d2_transparency", "d3_accountability", "d4_corruption_control",
    "d5_admin_procedures", "d6_public_services", "d7_environment", "d8_e_governance",
)


# ---------------------------------------------------------------------------------------------
# compiling a spec into the answer model
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _ItemModel:
    id: str
    codes: np.ndarray  # answer codes, worst to best
    thresholds: np.ndarray  # len(codes) - 1, increasing
    dim: int  # latent dimension index, -1 = none (cell effects only)
    person: bool  # has a person effect (False for filter items)
    dk_code: int | None
    dk_prob: np.ndarray  # P(don't know) per cell
    parent: int  # index of the filter item, -1 = none
    parent_ok: np.ndarray | None  # boolean mask over the parent's categories


@dataclass(frozen=True, slots=True)
class _Compiled:
    items: tuple[_ItemModel, ...]
    order: tuple[int, ...]  # generation order (filters first)
    ind_ids: tuple[str, ...]
    ind_item: np.ndarray  # indicator -> item index
    ind_scores: tuple[np.ndarray, ...]  # score per category of the item
    ind_dim: np.ndarray
    dim_ids: tuple[str, ...]
    weights: pd.DataFrame  # measure_map
    offset: pd.Series
    lo: np.ndarray  # min and max of each dimension
    hi: np.ndarray
    coupled: bool  # a filter in another dimension couples the dimensions


def _numeric_grid(low: float, high: float, vmin: float | None, vmax: float | None) -> np.ndarray:
    a, b = float(np.floor(low)), float(np.ceil(high))
    if vmin is not None:
        a = max(a, float(np.ceil(vmin)))
    if vmax is not None:
        b = min(b, float(np.floor(vmax)))
    if b - a <= 12:
        grid = np.arange(a, b + 1.0)
    else:
        grid = np.unique(np.round(np.linspace(a, b, 13)))
    return grid.astype(np.int64)


@functools.lru_cache(maxsize=16)
def _compile(spec: IndexSpec, model: LatentModel) -> _Compiled:
    items = list(spec.items)
    pos = {it.id: i for i, it in enumerate(items)}
    dim_ids = tuple(spec.dimension_ids)
    item_dim: dict[str, int] = {}
    ind_ids, ind_item_ids, ind_dim = [], [], []
    for di, d in enumerate(spec.dimensions):
        for s in d.subdimensions:
            for ind in s.indicators:
                ind_ids.append(ind.id)
                ind_item_ids.append(ind.item)
                ind_dim.append(di)
                item_dim.setdefault(ind.item, di)
    filters = {it.asked_if[0] for it in items if it.asked_if is not None}
    golden = 0.6180339887498949
    compiled: list[_ItemModel] = []
    code_score: dict[str, np.ndarray] = {}
    for j, it in enumerate(items):
        if it.kind == "numeric":
            assert it.low is not None
            assert it.high is not None
            codes = _numeric_grid(it.low, it.high, it.valid_min, it.valid_max)
            if codes.size < 2:
                msg = f"item {it.id!r}: its goalposts and valid range leave fewer than 2 answer values."
                raise DGIError(msg)
        else:
            codes = np.asarray(it.levels, dtype=np.int64)
        sc = it.score(pd.Series(codes, dtype="float64")).to_numpy(dtype=float)
        if it.id in item_dim:
            key = np.lexsort((it.direction * codes.astype(float), sc))
        else:  # unscored item: binary favourable last, otherwise code order
            fav = np.isin(codes, it.favourable).astype(float)
            key = np.lexsort((codes, fav))
        codes = codes[key]
        code_score[it.id] = sc[key]
        n_cat = codes.size
        delta = 0.8 * (((j + 1) * golden) % 1.0 - 0.5)
        thr = delta + model.threshold_spread * special.ndtri(np.arange(1, n_cat) / n_cat)
        dk = int(it.dont_know[0]) if it.dont_know else None
        dk_base = model.dont_know_min + (model.dont_know_max - model.dont_know_min) * (
            ((j + 1) * 0.7548776662466927) % 1.0
        )
        compiled.append(_ItemModel(
            id=it.id, codes=codes, thresholds=thr, dim=item_dim.get(it.id, -1),
            person=it.id not in filters, dk_code=dk,
            dk_prob=_dk_prob(dk is not None, dk_base, model), parent=-1, parent_ok=None,
        ))
    for j, it in enumerate(items):
        if it.asked_if is not None:
            p = pos[it.asked_if[0]]
            ok = np.isin(compiled[p].codes, it.asked_if[1])
            compiled[j] = replace(compiled[j], parent=p, parent_ok=ok)
    order: list[int] = []
    seen: set[int] = set()

    def visit(j: int) -> None:
        if j in seen:
            return
        seen.add(j)
        if compiled[j].parent >= 0:
            visit(compiled[j].parent)
        order.append(j)

    for j in range(len(items)):
        visit(j)
    ind_item = np.asarray([pos[i] for i in ind_item_ids], dtype=np.int64)
    w, b = spec.measure_map()
    dim_w = w.loc[list(dim_ids)].to_numpy()
    lo = b.loc[list(dim_ids)].to_numpy(dtype=float)
    hi = dim_w.sum(axis=1) + lo
    coupled = False
    for ii, j in enumerate(ind_item):
        p = compiled[j].parent
        while p >= 0:
            if compiled[p].dim not in (-1, ind_dim[ii]):
                coupled = True
            p = compiled[p].parent
    return _Compiled(
        items=tuple(compiled), order=tuple(order), ind_ids=tuple(ind_ids), ind_item=ind_item,
        ind_scores=tuple(code_score[ind_item_ids[i]] for i in range(len(ind_ids))),
        ind_dim=np.asarray(ind_dim, dtype=np.int64), dim_ids=dim_ids, weights=w, offset=b,
        lo=lo, hi=hi, coupled=coupled,
    )


def _dk_prob(has_code: bool, base: float, model: LatentModel) -> np.ndarray:
    """P(don't know) for each of the 16 cells (0 when the item has no don't-know code)."""
    if not has_code:
        return np.zeros(_N_CELLS)
    lo = model.dont_know_log_odds
    z = (
        special.logit(base)
        + lo[0] * (_CELL_SEX == 0)
        + lo[1] * (_CELL_AGE == 3)
        + lo[2] * (_CELL_ETH == 1)
    )
    return special.expit(z)


def _cat_cdf(item: _ItemModel, eta: np.ndarray, sd: float) -> np.ndarray:
    """P(category > l) for l = 0..L-2: Phi((eta - tau_l) / sd), shape eta.shape + (L-1,)."""
    return special.ndtr((eta[..., None] - item.thresholds) / sd)


def _category_probs(item: _ItemModel, eta: np.ndarray, sd: float) -> np.ndarray:
    up = _cat_cdf(item, eta, sd)
    ones = np.ones((*eta.shape, 1))
    zeros = np.zeros((*eta.shape, 1))
    surv = np.concatenate([ones, up, zeros], axis=-1)
    return surv[..., :-1] - surv[..., 1:]


# ---------------------------------------------------------------------------------------------
# true scores
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Points:
    """Every village x cell of the population: the points over which true scores are averaged."""

    unit: np.ndarray  # unit index of each point
    weights: np.ndarray  # adults
    offsets: np.ndarray  # D x points: commune + village + cell effect
    cell: np.ndarray  # cell index
    beta: np.ndarray  # cell effect

    def subset(self, units: np.ndarray) -> _Points:
        """The points of the units flagged in the boolean array ``units``."""
        idx = np.flatnonzero(units[self.unit])
        return _Points(unit=self.unit[idx], weights=self.weights[idx],
                       offsets=self.offsets[:, idx], cell=self.cell[idx], beta=self.beta[idx])


def _points(pop: Population, model: LatentModel) -> _Points:
    ce = pop.commune_effects.to_numpy()
    ve = pop.village_effects.to_numpy()
    beta = model.cell_effects()
    base = ce[pop._village_commune] + ve  # villages x D
    offs = base[:, None, :] + beta[None, :, None]  # villages x 16 x D
    n_v = base.shape[0]
    vu = pop._commune_unit[pop._village_commune]
    return _Points(
        unit=np.repeat(vu, _N_CELLS),
        weights=pop._counts.reshape(-1).astype(float),
        offsets=np.ascontiguousarray(offs.reshape(-1, offs.shape[-1]).T),
        cell=np.tile(np.arange(_N_CELLS), n_v),
        beta=np.tile(beta, n_v),
    )


def _item_eta(item: _ItemModel, alpha: np.ndarray, pts: _Points) -> np.ndarray:
    if item.dim < 0:
        return pts.beta
    return alpha[:, item.dim][pts.unit] + pts.offsets[item.dim]


def _asked_prob(comp: _Compiled, j: int, alpha: np.ndarray, pts: _Points, sd: float,
                cache: dict[int, np.ndarray]) -> np.ndarray | None:
    """P(item j is asked) at every point (product over its filter chain); None = always asked."""
    item = comp.items[j]
    if item.parent < 0:
        return None
    if j in cache:
        return cache[j]
    p = comp.items[item.parent]
    assert item.parent_ok is not None
    probs = _category_probs(p, _item_eta(p, alpha, pts), sd)
    out = (1.0 - p.dk_prob[pts.cell]) * probs[:, item.parent_ok].sum(axis=1)
    up = _asked_prob(comp, item.parent, alpha, pts, sd, cache)
    if up is not None:
        out = out * up
    cache[j] = out
    return out


def _indicator_truth(comp: _Compiled, which: Sequence[int] | np.ndarray, alpha: np.ndarray, pts: _Points,
                     sd: float, n_units: int) -> np.ndarray:
    """True indicator values (units x ``which``) for unit effects ``alpha`` (units x D)."""
    cache: dict[int, np.ndarray] = {}
    out = np.empty((n_units, len(which)))
    for n, ii in enumerate(which):
        j = int(comp.ind_item[ii])
        item = comp.items[j]
        s = comp.ind_scores[ii]
        eta = _item_eta(item, alpha, pts)
        expected = s[0] + _cat_cdf(item, eta, sd) @ np.diff(s)
        w = pts.weights * (1.0 - item.dk_prob[pts.cell])
        asked = _asked_prob(comp, j, alpha, pts, sd, cache)
        if asked is not None:
            w = w * asked
        num = np.bincount(pts.unit, weights=w * expected, minlength=n_units)
        den = np.bincount(pts.unit, weights=w, minlength=n_units)
        out[:, n] = np.divide(num, den, out=np.full(n_units, np.nan), where=den > 0)
    return out


def _proxy_points(pts: _Points, n_units: int) -> _Points:
    """A cheap stand-in: per unit and cell, one point at the adult-weighted mean offset."""
    key = pts.unit * _N_CELLS + pts.cell
    n = n_units * _N_CELLS
    w = np.bincount(key, weights=pts.weights, minlength=n)
    safe = np.where(w > 0, w, 1.0)
    offs = np.vstack([
        np.bincount(key, weights=pts.weights * pts.offsets[d], minlength=n) / safe
        for d in range(pts.offsets.shape[0])
    ])
    cells = np.tile(np.arange(_N_CELLS), n_units)
    beta = np.tile(pts.beta[:_N_CELLS], n_units)
    return _Points(unit=np.repeat(np.arange(n_units), _N_CELLS), weights=w, offsets=offs,
                   cell=cells, beta=beta)


def _solve(comp: _Compiled, pop: Population, targets: np.ndarray, model: LatentModel) -> np.ndarray:
    """Unit effects alpha (units x D) such that the true dimension scores equal ``targets``.

    For each dimension, all units are solved at once: a starting value from a cheap stand-in
    population (one point per unit and cell), then secant steps on the exact map alpha -> true
    dimension score (strictly increasing), falling back to bracketing with the Illinois method,
    until the true score is within 1e-7 score points of its target (far below the published
    2-decimal precision).
    """
    pts = _points(pop, model)
    proxy = _proxy_points(pts, len(pop.units))
    sd = model.sd_total
    n_u, n_d = targets.shape
    alpha = np.zeros((n_u, n_d))
    dim_w = comp.weights.loc[list(comp.dim_ids), list(comp.ind_ids)].to_numpy()
    dim_b = comp.offset.loc[list(comp.dim_ids)].to_numpy(dtype=float)
    inds_of = [np.flatnonzero(comp.ind_dim == d) for d in range(n_d)]
    sweeps = 50 if comp.coupled else 1
    for sweep in range(sweeps):
        previous = alpha.copy()
        for d in range(n_d):
            which = inds_of[d]

            def gap(a: np.ndarray, where: _Points, d: int = d, which: np.ndarray = which) -> np.ndarray:
                al = alpha.copy()
                al[:, d] = a
                m = _indicator_truth(comp, which, al, where, sd, n_u)
                return m @ dim_w[d, which] + dim_b[d] - targets[:, d]

            label = f"dimension {comp.dim_ids[d]!r}"
            if sweep == 0:
                start = _vector_root(lambda a: gap(a, proxy), n_u, where=label, units=pop.units,
                                     targets=targets[:, d], tol=1e-6)
            else:  # warm start (coupled dimensions): a converged unit is returned unchanged
                start = alpha[:, d].copy()
            h = 1e-4
            slope = (gap(start + h, proxy) - gap(start - h, proxy)) / (2 * h)
            alpha[:, d] = _secant(
                lambda a, active: gap(a, pts.subset(active)), start, slope,
                where=label, units=pop.units, targets=targets[:, d],
                fallback=lambda a: gap(a, pts),
            )
        if np.array_equal(alpha, previous):
            break
    return alpha


def _secant(f: Any, x0: np.ndarray, slope: np.ndarray, *, where: str, units: Sequence[str],
            targets: np.ndarray, fallback: Any, tol: float = 1e-7) -> np.ndarray:
    """Vectorised secant iteration from ``x0`` (first step with the stand-in's ``slope``).

    ``f(x, active)`` evaluates only the units flagged in ``active``; units that have converged drop
    out. The bracketing solver takes over if the iteration misbehaves.
    """
    n = x0.size
    active = np.ones(n, bool)
    x_prev, f_prev = x0, f(x0, active)
    ok_slope = np.isfinite(slope) & (slope > 0)
    x = np.where(ok_slope, x0 - f_prev / np.where(ok_slope, slope, 1.0), x0 + 0.05)
    for _ in range(40):
        active = np.abs(f_prev) >= tol
        if not active.any():
            return x_prev
        fx = np.where(active, f(x, active), 0.0)
        active = np.abs(fx) >= tol
        if not active.any():
            return x
        denom = fx - f_prev
        safe = active & (denom != 0)
        step = np.where(safe, fx * (x - x_prev) / np.where(safe, denom, 1.0), 0.0)
        if not np.all(np.isfinite(step)) or np.any(np.abs(step) > 5) or np.any(active & (denom == 0)):
            break
        x_prev, f_prev = x, fx
        x = x - step
    return _vector_root(fallback, n, where=where, units=units, targets=targets, tol=tol)


def _vector_root(f: Any, n: int, *, where: str, units: Sequence[str], targets: np.ndarray,
                 tol: float = 1e-12, max_iter: int = 200) -> np.ndarray:
    """Roots of an elementwise increasing function by bracketing + the Illinois method."""
    grid = np.array([-20.0, -4.0, -2.0, 0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 20.0])
    vals = np.vstack([f(np.full(n, g)) for g in grid])  # grid x n
    pos = vals > 0
    if not (np.all(~pos[0]) and np.all(pos[-1])):
        bad = int(np.flatnonzero(pos[0] | ~pos[-1])[0])
        msg = (
            f"true score {targets[bad]!r} of {units[bad]!r}, {where} cannot be reached by the "
            "model; choose a score strictly inside the scale."
        )
        raise DGIError(msg)
    k = np.argmax(pos, axis=0)  # first grid point with f > 0
    cols = np.arange(n)
    a, b = grid[k - 1], grid[k]
    fa, fb = vals[k - 1, cols], vals[k, cols]
    side = np.zeros(n, dtype=np.int64)
    for _ in range(max_iter):
        c = b - fb * (b - a) / (fb - fa)
        c = np.where(np.isfinite(c) & (c > a) & (c < b), c, 0.5 * (a + b))
        fc = f(c)
        done = np.abs(fc) < tol
        if np.all(done | (b - a < 1e-15)):
            return np.where(done, c, np.where(np.abs(fa) < np.abs(fb), a, b))
        right = fc > 0  # root in [a, c]
        # Illinois: halve the retained end's value when the same side is kept twice
        fa = np.where(right & (side == 1), fa / 2, fa)
        fb = np.where(~right & (side == -1), fb / 2, fb)
        a, fa = np.where(right, a, c), np.where(right, fa, fc)
        b, fb = np.where(right, c, b), np.where(right, fc, fb)
        side = np.where(right, 1, -1)
    msg = f"the unit effects of {where} did not converge; report this with the true scores used."
    raise DGIError(msg)  # pragma: no cover


def _all_truth(comp: _Compiled, pop: Population, alpha: np.ndarray, model: LatentModel) -> pd.DataFrame:
    pts = _points(pop, model)
    ind = _indicator_truth(comp, list(range(len(comp.ind_ids))), alpha, pts, model.sd_total,
                           len(pop.units))
    ind_df = pd.DataFrame(ind, index=pd.Index(pop.units, name="unit"), columns=list(comp.ind_ids))
    agg = ind_df @ comp.weights.T + comp.offset
    return pd.concat([ind_df, agg], axis=1)


def _check_spec_population(spec: IndexSpec, pop: Population) -> None:
    if len(spec.dimension_ids) != pop.n_dimensions:
        msg = (
            f"the spec has {len(spec.dimension_ids)} dimensions but the population's latent effects "
            f"were drawn for {pop.n_dimensions}; pass n_dimensions={len(spec.dimension_ids)} to "
            "simulate_population."
        )
        raise DGIError(msg)


def _check_true_scores(true_scores: Any, comp: _Compiled, units: Sequence[str]) -> np.ndarray:
    """Validate a unit x dimension table; return it as an array in (units, dims) order."""
    if not isinstance(true_scores, pd.DataFrame):
        msg = (
            "The 'true_scores' parameter must be a DataFrame of units (index) x the spec's "
            f"dimensions (columns) {list(comp.dim_ids)}. Got {type(true_scores).__name__}."
        )
        raise DGIError(msg)
    dims = list(comp.dim_ids)
    missing = [d for d in dims if d not in true_scores.columns]
    extra = [c for c in true_scores.columns if c not in dims and c not in ("total", "composite")]
    if missing or extra:
        msg = (
            f"true_scores has the wrong columns: missing {missing}, unexpected {extra}. It needs one "
            f"column per dimension {dims} (total and composite are optional and are checked)."
        )
        raise DGIError(msg)
    try:
        idx = match_units([str(i) for i in true_scores.index])
    except DGIError as exc:
        msg = f"true_scores has an index entry that is not a unit: {exc}"
        raise DGIError(msg) from None
    if sorted(idx) != sorted(units) or len(idx) != len(units):
        msg = (
            f"true_scores must have one row per simulated unit {list(units)}; got rows {list(idx)}. "
            "Pass units=... to simulate a subset."
        )
        raise DGIError(msg)
    tab = true_scores.copy()
    tab.index = pd.Index(idx)
    vals = tab.loc[list(units), dims].to_numpy(dtype=float)
    if not np.all(np.isfinite(vals)):
        msg = "true_scores has NaN or infinite values; give every unit a score on every dimension."
        raise DGIError(msg)
    outside = (vals <= comp.lo) | (vals >= comp.hi)
    if outside.any():
        r, c = np.argwhere(outside)[0]
        msg = (
            f"true_scores[{units[r]!r}, {dims[c]!r}] = {vals[r, c]!r} is outside the scale: each "
            f"dimension must be strictly between {comp.lo[c]:g} and {comp.hi[c]:g} (the model cannot "
            "reach the bounds)."
        )
        raise DGIError(msg)
    if "total" in tab.columns:
        gap = np.abs(tab.loc[list(units), "total"].to_numpy(dtype=float) - vals.sum(axis=1))
        if np.any(gap > 1e-6):
            msg = "true_scores['total'] is not the sum of the dimensions; drop it or fix it."
            raise DGIError(msg)
    if "composite" in tab.columns:
        factor = 100.0 / (10.0 * len(dims))
        gap = np.abs(tab.loc[list(units), "composite"].to_numpy(dtype=float) - vals.sum(axis=1) * factor)
        if np.any(gap > 1e-6):
            msg = "true_scores['composite'] is not total / (10 x dimensions) x 100; drop it or fix it."
            raise DGIError(msg)
    return vals


def solve_unit_effects(
    spec: IndexSpec,
    population: Population,
    true_scores: pd.DataFrame,
) -> pd.DataFrame:
    """Latent unit effects that make the model's true dimension scores equal ``true_scores``.

    The true dimension score is strictly increasing in the unit effect :math:`\\alpha_{ud}`; the effects
    of all units are found together for each dimension by bracketing on a grid and the Illinois
    (modified regula falsi) iteration, until the true score is within 1e-7 of its target. When a filter item of one dimension controls items of another, the dimensions are solved
    by Gauss-Seidel sweeps until the effects stop changing.

    Parameters
    ----------
    spec : IndexSpec
        The index specification (items and scaling).
    population : Population
        From :func:`simulate_population`.
    true_scores : pandas.DataFrame
        Units (index, the population's units) x the spec's dimension ids, strictly inside the scale.

    Returns
    -------
    pandas.DataFrame
        Units x dimensions: the effects :math:`\\alpha_{ud}`.

    Raises
    ------
    DGIError
        If ``true_scores`` has the wrong rows or columns or a value outside the scale.

    Examples
    --------
    >>> from dgi_stats.datasets import load_spec
    >>> spec = load_spec(2021)
    >>> pop = simulate_population(2021, units=["Cô Tô"], rng=1)
    >>> target = calibration_targets(2021, dimension_ids=spec.dimension_ids).loc[["Cô Tô"]]
    >>> alpha = solve_unit_effects(spec, pop, target)
    >>> truth = population_scores(spec, pop, alpha)
    >>> bool(np.allclose(truth[spec.dimension_ids], target, atol=1e-6))
    True
    """
    _check_spec_population(spec, population)
    model = population.model
    comp = _compile(spec, model)
    vals = _check_true_scores(true_scores, comp, population.units)
    alpha = _solve(comp, population, vals, model)
    return pd.DataFrame(alpha, index=pd.Index(population.units, name="unit"), columns=list(comp.dim_ids))


def population_scores(spec: IndexSpec, population: Population, unit_effects: pd.DataFrame) -> pd.DataFrame:
    """The exact true population score of every unit and measure, given the latent unit effects.

    Parameters
    ----------
    spec : IndexSpec
        The index specification.
    population : Population
        From :func:`simulate_population`.
    unit_effects : pandas.DataFrame
        Units x dimensions (from :func:`solve_unit_effects`).

    Returns
    -------
    pandas.DataFrame
        Units (index ``unit``) x ``spec.measure_ids`` (indicators in [0, 1], sub-dimensions,
        dimensions, total, composite %).

    Examples
    --------
    >>> from dgi_stats.datasets import load_spec
    >>> spec = load_spec(2021)
    >>> pop = simulate_population(2021, units=["Cô Tô"], rng=1)
    >>> alpha = pd.DataFrame(2.0, index=["Cô Tô"], columns=spec.dimension_ids)
    >>> t = population_scores(spec, pop, alpha)
    >>> bool(0 < t.loc["Cô Tô", "total"] < 80)
    True
    """
    _check_spec_population(spec, population)
    comp = _compile(spec, population.model)
    if not isinstance(unit_effects, pd.DataFrame) or list(unit_effects.columns) != list(comp.dim_ids):
        msg = f"unit_effects must be a DataFrame with the spec's dimension columns {list(comp.dim_ids)}."
        raise DGIError(msg)
    idx = match_units([str(i) for i in unit_effects.index])
    if sorted(idx) != sorted(population.units):
        msg = f"unit_effects must have one row per unit of the population {list(population.units)}."
        raise DGIError(msg)
    ue = unit_effects.copy()
    ue.index = pd.Index(idx)
    alpha = ue.loc[list(population.units)].to_numpy(dtype=float)
    return _all_truth(comp, population, alpha, population.model)[spec.measure_ids]


# ---------------------------------------------------------------------------------------------
# sampling
# ---------------------------------------------------------------------------------------------
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


def _systematic(pi: np.ndarray, gen: np.random.Generator) -> np.ndarray:
    """Indices selected by systematic sampling with probabilities ``pi`` after a random ordering."""
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
class _Plan:
    psus: np.ndarray  # per unit
    villages: np.ndarray  # per unit
    persons: int


def _per_unit(value: Any, units: Sequence[str], name: str, default: np.ndarray) -> np.ndarray:
    if value is None:
        return default
    if isinstance(value, Mapping):
        keys = match_units([str(k) for k in value])
        unknown = sorted(set(keys) - set(units))
        if unknown:
            msg = f"The {name!r} parameter names unit(s) {unknown} that are not simulated."
            raise DGIError(msg)
        out = default.copy()
        for k, v in zip(keys, value.values()):
            out[list(units).index(k)] = _positive(v, name)
        return out
    return np.full(len(units), _positive(value, name), dtype=np.int64)


def _positive(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or int(value) < 1:
        msg = (
            f"The {name!r} parameter of simulate_survey must be an int >= 1 (or a mapping unit -> "
            f"int). Got {value!r} instead."
        )
        raise DGIError(msg)
    return int(value)


def _make_plan(pop: Population, psus_per_unit: Any, villages_per_psu: Any,
               respondents_per_village: Any) -> _Plan:
    units = pop.units
    n_comm = np.bincount(pop._commune_unit, minlength=len(units))
    default_psus = np.minimum(6, n_comm)
    psus = _per_unit(psus_per_unit, units, "psus_per_unit", default_psus)
    default_v = np.ceil(18 / psus).astype(np.int64)
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
    n_vill = np.bincount(pop._village_commune, minlength=pop._commune_unit.size)
    for ui in range(len(units)):
        comms = np.flatnonzero(pop._commune_unit == ui)
        short = comms[n_vill[comms] < vill[ui]]
        if short.size:
            ids = pop.commune_effects.index[short].tolist()
            msg = (
                f"villages_per_psu={int(vill[ui])} for {units[ui]!r}, but commune(s) {ids[:5]} have "
                f"only {int(n_vill[short].min())} villages. Use at most that many villages per PSU."
            )
            raise DGIError(msg)
    vsize = pop._counts.sum(axis=1)
    if persons > vsize.min():
        small = pop.village_effects.index[int(np.argmin(vsize))]
        msg = (
            f"respondents_per_village={persons} exceeds the adults of village {small!r} "
            f"({int(vsize.min())}); use a smaller number."
        )
        raise DGIError(msg)
    return _Plan(psus=psus, villages=vill, persons=persons)


@dataclass(frozen=True, slots=True)
class _Sample:
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


def _draw_sample(pop: Population, plan: _Plan, gen: np.random.Generator) -> _Sample:
    vsize = pop._counts.sum(axis=1).astype(float)
    csize = np.bincount(pop._village_commune, weights=vsize, minlength=pop._commune_unit.size)
    resp_p = pop.model.response_probabilities()
    v_unit, v_comm, v_vill, v_pi1, v_pi2, got_rows = [], [], [], [], [], []
    for ui in range(len(pop.units)):
        comms = np.flatnonzero(pop._commune_unit == ui)
        pi_c = pps_inclusion_probabilities(csize[comms], int(plan.psus[ui]))
        for ci in _systematic(pi_c, gen):
            k = comms[ci]
            vills = np.flatnonzero(pop._village_commune == k)
            pi_v = pps_inclusion_probabilities(vsize[vills], int(plan.villages[ui]))
            for vi in _systematic(pi_v, gen):
                v = vills[vi]
                issued = gen.multivariate_hypergeometric(pop._counts[v], plan.persons)
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
    return _Sample(
        unit=np.repeat(unit, rep), commune=np.repeat(comm, rep), village=np.repeat(vill, rep),
        cell=np.repeat(np.tile(np.arange(_N_CELLS), vill.size), got.ravel()),
        pi1=np.repeat(pi1, rep), pi2=np.repeat(pi2, rep), pi3=np.repeat(pi3, rep),
        n_issued=np.full(int(rep.sum()), plan.persons), n_resp=np.repeat(n_resp, rep),
        nr_factor=np.repeat(factor, rep),
    )


def _answers(comp: _Compiled, pop: Population, alpha: np.ndarray, smp: _Sample,
             gen: np.random.Generator) -> np.ndarray:
    """Category index (-1 = don't know, -2 = not asked) per respondent x item."""
    model = pop.model
    n = smp.unit.size
    n_dim = alpha.shape[1]
    ce = pop.commune_effects.to_numpy()
    ve = pop.village_effects.to_numpy()
    beta = model.cell_effects()[smp.cell]
    eta = alpha[smp.unit] + ce[smp.commune] + ve[smp.village] + beta[:, None]  # n x D
    g = gen.standard_normal((n, 1))
    h = gen.standard_normal((n, n_dim))
    person = model.sd_person * (np.sqrt(model.person_common) * g + np.sqrt(1 - model.person_common) * h)
    n_items = len(comp.items)
    cat = np.full((n, n_items), -2, dtype=np.int64)
    noise = gen.standard_normal((n, n_items))
    u_dk = gen.random((n, n_items))
    for j in comp.order:
        item = comp.items[j]
        if item.dim >= 0:
            y = eta[:, item.dim] + (person[:, item.dim] + noise[:, j] if item.person
                                    else model.sd_total * noise[:, j])
        else:
            y = beta + model.sd_total * noise[:, j]
        c = np.searchsorted(item.thresholds, y, side="left").astype(np.int64)
        dk = u_dk[:, j] < item.dk_prob[smp.cell]
        c[dk] = -1
        if item.parent >= 0:
            pc = cat[:, item.parent]
            assert item.parent_ok is not None
            asked = (pc >= 0) & item.parent_ok[np.clip(pc, 0, None)]
            c[~asked] = -2
        cat[:, j] = c
    return cat


def _stratum_var(tot: np.ndarray, group: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """With-replacement variance of totals ``tot`` (rows) within groups: Σ n/(n-1)(t - mean)², n."""
    n_g = np.bincount(group, minlength=n_groups).astype(float)
    mean = np.zeros((n_groups, tot.shape[1]))
    np.add.at(mean, group, tot)
    mean /= np.maximum(n_g, 1)[:, None]
    dev = tot - mean[group]
    fac = np.where(n_g > 1, n_g / np.maximum(n_g - 1, 1), 0.0)[group]
    out = np.zeros((n_groups, tot.shape[1]))
    np.add.at(out, group, fac[:, None] * dev**2)
    return out, n_g


def _unit_variances(comp: _Compiled, cat: np.ndarray, smp: _Sample, w: np.ndarray,
                    est: np.ndarray, a_meas: np.ndarray, communes_per_unit: np.ndarray,
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Linearisation variances (units x measures) and design df (units) of one sample's estimates.

    The Hájek indicator means ``est`` (units x indicators) are linearised (weights taken as
    fixed) and mapped to the measures by ``a_meas`` (measures x indicators). Each unit is a
    stratum: its non-certainty communes are the PSUs, with the first-stage fpc ``1 - f``
    (``f`` = sampled / non-certainty communes of the unit) and a second-stage term ``f`` x the
    between-village variance within the sampled communes (the two-stage formula of R survey's
    multistage variance, villages with replacement); every certainty commune (stage-1
    probability 1) is a stratum of its own whose villages are the PSUs (with replacement). The df
    of a unit is its number of PSUs minus its number of strata; a stratum with a single PSU adds
    neither variance nor df.
    """
    n_units = communes_per_unit.size
    n = smp.unit.size
    resid = np.zeros((n, len(comp.ind_ids)))
    for ii in range(len(comp.ind_ids)):
        c = cat[:, comp.ind_item[ii]]
        ok = c >= 0
        s = np.where(ok, comp.ind_scores[ii][np.clip(c, 0, None)], 0.0)
        den = np.bincount(smp.unit, weights=w * ok, minlength=n_units)[smp.unit]
        m = np.nan_to_num(est[smp.unit, ii])
        with np.errstate(invalid="ignore", divide="ignore"):
            resid[:, ii] = np.where(ok & (den > 0), w * (s - m) / np.where(den > 0, den, 1.0), 0.0)
    z = resid @ a_meas.T  # respondents x measures
    cert = smp.pi1 >= 1.0 - 1e-9
    # village totals: the PSUs of certainty communes, the SSUs of the others
    v_ids, v_first, v_inv = np.unique(smp.village, return_index=True, return_inverse=True)
    v_tot = np.zeros((v_ids.size, z.shape[1]))
    np.add.at(v_tot, v_inv, z)
    v_cert, v_comm, v_unit = cert[v_first], smp.commune[v_first], smp.unit[v_first]
    # certainty communes: strata of villages
    c_ids, c_inv = np.unique(v_comm, return_inverse=True)
    within, n_v = _stratum_var(v_tot, c_inv, c_ids.size)
    c_cert = np.zeros(c_ids.size, dtype=bool)
    c_cert[c_inv] = v_cert
    c_unit = np.zeros(c_ids.size, dtype=np.int64)
    c_unit[c_inv] = v_unit
    var = np.zeros((n_units, z.shape[1]))
    np.add.at(var, c_unit[c_cert], within[c_cert])
    df = np.bincount(c_unit[c_cert], weights=np.maximum(n_v[c_cert] - 1, 0), minlength=n_units)
    # non-certainty communes: PSUs of the unit's stratum, with fpc and the second-stage term
    nc = ~c_cert
    c_tot = np.zeros((c_ids.size, z.shape[1]))
    np.add.at(c_tot, c_inv, v_tot)
    between, n_h = _stratum_var(c_tot[nc], c_unit[nc], n_units)
    n_cert = np.bincount(c_unit[c_cert], minlength=n_units)
    pool = np.maximum(communes_per_unit - n_cert, 1).astype(float)
    f = np.clip(n_h / pool, 0.0, 1.0)
    second = np.zeros((n_units, z.shape[1]))
    np.add.at(second, c_unit[nc], within[nc])
    var += np.where(n_h > 1, 1.0 - f, 0.0)[:, None] * between + f[:, None] * second
    df += np.maximum(n_h - 1, 0)
    return var, df


def _unit_estimates(comp: _Compiled, cat: np.ndarray, unit: np.ndarray, w: np.ndarray,
                    n_units: int) -> np.ndarray:
    """Hájek indicator means per unit (units x indicators), answered cases only."""
    out = np.empty((n_units, len(comp.ind_ids)))
    for ii in range(len(comp.ind_ids)):
        c = cat[:, comp.ind_item[ii]]
        ok = c >= 0
        s = np.where(ok, comp.ind_scores[ii][np.clip(c, 0, None)], 0.0)
        num = np.bincount(unit, weights=w * s, minlength=n_units)
        den = np.bincount(unit, weights=w * ok, minlength=n_units)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[:, ii] = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return out


# ---------------------------------------------------------------------------------------------
# public entry points
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class SimulatedSurvey:
    """One SYNTHETIC survey: respondents, frame, margins, true scores and the parameters used.

    Attributes
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
    """

    respondents: pd.DataFrame
    frame: pd.DataFrame
    margins: dict[str, pd.Series]
    true_scores: pd.DataFrame
    params: dict[str, Any]
    population: Population

    def __repr__(self) -> str:
        n = self.respondents.groupby("district", sort=False).size().rename("respondents")
        t = pd.concat([n, self.true_scores["total"].rename("true_total")], axis=1)
        return frame_repr(f"SimulatedSurvey[SYNTHETIC {self.params['year']}]", t)


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class SimulatedEstimates:
    """Unit-level estimates from many SYNTHETIC replicate surveys of one population.

    Attributes
    ----------
    estimates : pandas.DataFrame
        One row per replicate survey; columns the ``(unit, measure)`` MultiIndex (unit-major, the
        layout of :attr:`dgi_stats.Scores.replicates`).
    true_scores : pandas.DataFrame
        Units x measures: the true population values.
    n_respondents : pandas.DataFrame
        Replicate x unit: achieved respondents.
    params : dict
        As :attr:`SimulatedSurvey.params`.
    std_errors : pandas.DataFrame or None
        With ``std_errors=True`` in :func:`simulate_estimates`: each replicate survey's own
        design-based (linearisation) standard errors, laid out like ``estimates``; else None.
    df : pandas.DataFrame or None
        With ``std_errors=True``: replicate x unit design degrees of freedom of those standard
        errors (PSUs minus strata; certainty communes are strata of villages); else None.
    """

    estimates: pd.DataFrame
    true_scores: pd.DataFrame
    n_respondents: pd.DataFrame
    params: dict[str, Any]
    std_errors: pd.DataFrame | None = None
    df: pd.DataFrame | None = None

    def scores(self, replicate: int, measure: str = "total") -> Any:
        """One replicate survey's estimates of ``measure`` as a :class:`~dgi_stats.scores.Scores`.

        The standard errors and design df are the replicate's own (needs ``std_errors=True``);
        units are independent (separate strata).

        Examples
        --------
        >>> from dgi_stats.datasets import load_spec
        >>> res = simulate_estimates(load_spec(2021), n_replicates=2, units=["Cô Tô", "Ba Chẽ"],
        ...                          measures=["total"], std_errors=True, rng=1)
        >>> res.scores(0).df.tolist()
        [15.0, 7.0]
        """
        from dgi_stats.scores.pivot import Scores

        if self.std_errors is None or self.df is None:
            msg = "SimulatedEstimates.scores needs the estimates simulated with std_errors=True."
            raise DGIError(msg)
        if isinstance(replicate, bool) or not isinstance(replicate, int | np.integer) or not (
            0 <= int(replicate) < len(self.estimates)
        ):
            msg = (f"The 'replicate' parameter of SimulatedEstimates.scores must be an int in "
                   f"[0, {len(self.estimates)}). Got {replicate!r} instead.")
            raise DGIError(msg)
        measures = self.estimates.columns.get_level_values("measure").unique()
        if measure not in measures:
            msg = (f"The 'measure' parameter of SimulatedEstimates.scores must be one of "
                   f"{list(measures)}. Got {measure!r} instead.")
            raise DGIError(msg)
        r = int(replicate)
        est = self.estimates.iloc[r].xs(measure, level="measure").rename(measure)
        se = self.std_errors.iloc[r].xs(measure, level="measure").rename(measure)
        df = self.df.iloc[r].astype(float)
        return Scores.from_estimates(est, se, df=df, method="taylor",
                                     label=f"SYNTHETIC simulated survey {r}")

    def errors(self) -> pd.DataFrame:
        """Estimate minus truth, per replicate and (unit, measure).

        Examples
        --------
        >>> from dgi_stats.datasets import load_spec
        >>> res = simulate_estimates(load_spec(2021), n_replicates=2, units=["Cô Tô"],
        ...                          measures=["total"], rng=1)
        >>> res.errors().shape
        (2, 1)
        """
        truth = self.true_scores.stack()
        truth = truth.reindex(self.estimates.columns)
        return self.estimates - truth.to_numpy()

    def __repr__(self) -> str:
        return frame_repr(
            "SimulatedEstimates[SYNTHETIC]", self.estimates,
            extra=f"{len(self.estimates)} replicate surveys",
        )


def _setup(
    spec: IndexSpec, year: int | None, units: Iterable[str] | None, population: Population | None,
    true_scores: pd.DataFrame | None, model: LatentModel | None, gen: np.random.Generator, func: str,
) -> tuple[Population, _Compiled, np.ndarray]:
    from dgi_stats.scores.spec import IndexSpec

    if not isinstance(spec, IndexSpec):
        msg = f"The 'spec' parameter of {func} must be an IndexSpec (see dgi_stats.datasets.load_spec)."
        raise DGIError(msg)
    if population is not None:
        if not isinstance(population, Population):
            msg = f"The 'population' parameter of {func} must be a Population or None."
            raise DGIError(msg)
        if year is not None and _check_year(year, func) != population.year:
            msg = f"year={year} but the population is of {population.year}; drop one of them."
            raise DGIError(msg)
        if units is not None and _check_units(units) != population.units:
            msg = "units=... disagrees with the population's units; drop units or the population."
            raise DGIError(msg)
        if model is not None and model != population.model:
            msg = "model=... disagrees with the population's model; drop one of them."
            raise DGIError(msg)
        pop = population
    else:
        yr = spec.year if year is None else _check_year(year, func)
        pop = simulate_population(yr, units=units, model=model,
                                  n_dimensions=len(spec.dimension_ids), rng=gen)
    _check_spec_population(spec, pop)
    comp = _compile(spec, pop.model)
    if true_scores is None:
        if len(comp.dim_ids) != 8 or not _FIRST_YEAR <= pop.year <= _LAST_YEAR:
            msg = (
                f"there are default true scores only for 8-dimension specs of {_FIRST_YEAR}-"
                f"{_LAST_YEAR}; pass true_scores=... (units x dimensions)."
            )
            raise DGIError(msg)
        true_scores = calibration_targets(pop.year, dimension_ids=comp.dim_ids).loc[list(pop.units)]
    vals = _check_true_scores(true_scores, comp, pop.units)
    alpha = _solve(comp, pop, vals, pop.model)
    return pop, comp, alpha


@dataclass(frozen=True, slots=True)
class _Run:
    """What :func:`simulate_survey` and :func:`simulate_estimates` draw their samples from."""

    spec: IndexSpec
    gen: np.random.Generator
    state: dict[str, Any]  # the generator's state before anything was drawn
    pop: Population
    comp: _Compiled
    alpha: np.ndarray
    plan: _Plan

    def draw(self) -> tuple[_Sample, np.ndarray]:
        """One sample of respondents and their answer categories."""
        smp = _draw_sample(self.pop, self.plan, self.gen)
        return smp, _answers(self.comp, self.pop, self.alpha, smp, self.gen)

    def truth(self, measures: Sequence[str]) -> pd.DataFrame:
        """The true population scores of ``measures`` (units x measures)."""
        return _all_truth(self.comp, self.pop, self.alpha, self.pop.model)[list(measures)]

    def params(self) -> dict[str, Any]:
        from dataclasses import asdict

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


def _start(
    spec: IndexSpec, year: int | None, units: Iterable[str] | None, population: Population | None,
    true_scores: pd.DataFrame | None, model: LatentModel | None, psus_per_unit: Any,
    villages_per_psu: Any, respondents_per_village: int, rng: RNGLike, func: str,
) -> _Run:
    """Check the arguments shared by the survey simulators; set up population, effects and plan."""
    gen = as_generator(rng)
    state = generator_state(gen)
    pop, comp, alpha = _setup(spec, year, units, population, true_scores, model, gen, func)
    plan = _make_plan(pop, psus_per_unit, villages_per_psu, respondents_per_village)
    return _Run(spec, gen, state, pop, comp, alpha, plan)


def simulate_survey(
    spec: IndexSpec,
    *,
    year: int | None = None,
    units: Iterable[str] | None = None,
    population: Population | None = None,
    psus_per_unit: int | Mapping[str, int] | None = None,
    villages_per_psu: int | Mapping[str, int] | None = None,
    respondents_per_village: int = 28,
    true_scores: pd.DataFrame | None = None,
    model: LatentModel | None = None,
    rng: RNGLike = None,
) -> SimulatedSurvey:
    """Simulate one SYNTHETIC multi-stage survey of the DGI units, with its true scores.

    Parameters
    ----------
    spec : IndexSpec
        The questionnaire and scoring rules (:func:`dgi_stats.datasets.load_spec`).
    year : int, optional
        Survey year. default: ``spec.year`` (or the population's year).
    units : iterable of str, optional
        Units to simulate. default: all 13 (or the population's units).
    population : Population, optional
        Draw from this population instead of simulating a new one (:func:`simulate_population`).
    psus_per_unit : int or mapping unit -> int, optional
        Communes (PSUs) drawn per unit by systematic PPS on adults, certainty units allowed.
        default: 6, or every commune of a unit with fewer (Cô Tô: 3).
    villages_per_psu : int or mapping unit -> int, optional
        Villages drawn per commune by systematic PPS on adults. default: ``ceil(18 / psus)``
        (3, and 6 in Cô Tô), so about 18 villages per unit.
    respondents_per_village : int
        Adults drawn per village by simple random sampling (the issued sample); unit nonresponse
        leaves about 65 % of them. default: 28 (about 325 respondents per unit).
    true_scores : pandas.DataFrame, optional
        Units x the spec's dimensions: the true dimension scores to simulate (strictly inside the
        scale; optional ``total`` / ``composite`` columns must be consistent). default:
        :func:`calibration_targets` of the year (published figures + invented values).
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
    """
    run = _start(spec, year, units, population, true_scores, model, psus_per_unit, villages_per_psu,
                 respondents_per_village, rng, "simulate_survey")
    pop, comp = run.pop, run.comp
    smp, cat = run.draw()
    n = smp.unit.size
    communes = pop.commune_effects.index.to_numpy()
    villages = pop.village_effects.index.to_numpy()
    cells = np.asarray(_CELLS, dtype=object)
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
    n_vill = np.bincount(pop._village_commune, minlength=communes.size)
    n_comm = np.bincount(pop._commune_unit, minlength=len(pop.units))
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
        "adults_in_village": pop._counts[smp.village].sum(axis=1).astype(np.int64),
    })
    return SimulatedSurvey(
        respondents=pd.DataFrame(data),
        frame=pop.frame,
        margins=pop.margins(),
        true_scores=run.truth(spec.measure_ids),
        params=run.params(),
        population=pop,
    )


def simulate_estimates(
    spec: IndexSpec,
    *,
    n_replicates: int,
    year: int | None = None,
    units: Iterable[str] | None = None,
    population: Population | None = None,
    psus_per_unit: int | Mapping[str, int] | None = None,
    villages_per_psu: int | Mapping[str, int] | None = None,
    respondents_per_village: int = 28,
    true_scores: pd.DataFrame | None = None,
    model: LatentModel | None = None,
    measures: Sequence[str] | None = None,
    weights: str = "nr_weight",
    rng: RNGLike = None,
    std_errors: bool = False,
) -> SimulatedEstimates:
    """Unit-level estimates from ``n_replicates`` SYNTHETIC surveys of one population (fast).

    Each replicate is a full :func:`simulate_survey` sample (same design, same answer model) drawn
    from one fixed population with fixed true scores, reduced at once to design-weighted (Hájek)
    unit means of the indicators and mapped to every measure, without building respondent tables.
    Use it to plan sample sizes: the spread of ``estimates`` around ``true_scores`` is the sampling
    error of the design, and ranks computed per replicate show how often a true rank is recovered.

    Parameters
    ----------
    spec : IndexSpec
        The index specification.
    n_replicates : int
        Number of surveys to simulate.
    year, units, population, psus_per_unit, villages_per_psu, respondents_per_village, true_scores, model
        As in :func:`simulate_survey`.
    measures : sequence of str, optional
        Measures to return. default: the dimensions, ``"total"`` and ``"composite"``.
    weights : {"nr_weight", "design_weight"}
        Which weights the estimates use. default: "nr_weight".
    rng : int, Generator, SeedSequence or None
        Source of randomness. default: None.
    std_errors : bool
        Also compute each replicate survey's own design-based standard errors and df
        (:attr:`SimulatedEstimates.std_errors`, :attr:`SimulatedEstimates.df`): linearisation
        with the unit as stratum, non-certainty communes as PSUs (with replacement) and every
        certainty commune a stratum of its own with its villages as PSUs. Draws nothing more from
        ``rng``: the estimates are the same as without it. default: False.

    Returns
    -------
    SimulatedEstimates

    Examples
    --------
    >>> from dgi_stats.datasets import load_spec
    >>> spec = load_spec(2021)
    >>> res = simulate_estimates(spec, n_replicates=3, units=["Cô Tô", "Ba Chẽ"], rng=1)
    >>> res.estimates.shape
    (3, 20)
    >>> res.estimates.columns[0]
    ('Cô Tô', 'd1_participation')
    """
    func = "simulate_estimates"
    n_rep = check_positive_int(n_replicates, name="n_replicates", func=func)
    if weights not in ("nr_weight", "design_weight"):
        msg = f"The 'weights' parameter of {func} must be 'nr_weight' or 'design_weight'. Got {weights!r}."
        raise DGIError(msg)
    run = _start(spec, year, units, population, true_scores, model, psus_per_unit, villages_per_psu,
                 respondents_per_village, rng, func)
    pop, comp = run.pop, run.comp
    meas = [*comp.dim_ids, "total", "composite"] if measures is None else list(measures)
    bad = [m for m in meas if m not in spec.measure_ids]
    if bad:
        msg = f"The 'measures' parameter names unknown measure(s) {bad}; use ids from spec.measure_ids."
        raise DGIError(msg)
    n_u = len(pop.units)
    w_map = comp.weights
    ind_pos = {m: i for i, m in enumerate(comp.ind_ids)}
    rows_ind = [m for m in meas if m in ind_pos]
    rows_agg = [m for m in meas if m not in ind_pos]
    a_agg = w_map.loc[rows_agg, list(comp.ind_ids)].to_numpy()
    b_agg = comp.offset.loc[rows_agg].to_numpy(dtype=float)
    out = np.empty((n_rep, n_u, len(meas)))
    n_resp = np.empty((n_rep, n_u), dtype=np.int64)
    pos = {m: k for k, m in enumerate(meas)}
    if not isinstance(std_errors, bool):
        msg = f"The 'std_errors' parameter of {func} must be True or False. Got {std_errors!r}."
        raise DGIError(msg)
    var_out = np.empty((n_rep, n_u, len(meas))) if std_errors else None
    df_out = np.empty((n_rep, n_u)) if std_errors else None
    a_meas = np.zeros((len(meas), len(comp.ind_ids)))
    for m in rows_ind:
        a_meas[pos[m], ind_pos[m]] = 1.0
    for k, m in enumerate(rows_agg):
        a_meas[pos[m]] = a_agg[k]
    n_comm_u = np.bincount(pop._commune_unit, minlength=n_u)
    for r in range(n_rep):
        smp, cat = run.draw()
        w = 1.0 / smp.prob
        if weights == "nr_weight":
            w = w * smp.nr_factor
        est = _unit_estimates(comp, cat, smp.unit, w, n_u)
        for m in rows_ind:
            out[r, :, pos[m]] = est[:, ind_pos[m]]
        if rows_agg:
            agg = est @ a_agg.T + b_agg
            for k, m in enumerate(rows_agg):
                out[r, :, pos[m]] = agg[:, k]
        n_resp[r] = np.bincount(smp.unit, minlength=n_u)
        if var_out is not None and df_out is not None:
            var_out[r], df_out[r] = _unit_variances(comp, cat, smp, w, est, a_meas, n_comm_u)
    cols = pd.MultiIndex.from_product([list(pop.units), meas], names=["unit", "measure"])
    rep_idx = pd.RangeIndex(n_rep, name="replicate")
    unit_idx = pd.Index(pop.units, name="unit")
    return SimulatedEstimates(
        estimates=pd.DataFrame(out.reshape(n_rep, -1), index=rep_idx, columns=cols),
        true_scores=run.truth(meas),
        n_respondents=pd.DataFrame(n_resp, index=rep_idx, columns=unit_idx),
        params=run.params(),
        std_errors=None if var_out is None else pd.DataFrame(
            np.sqrt(var_out).reshape(n_rep, -1), index=rep_idx, columns=cols),
        df=None if df_out is None else pd.DataFrame(df_out, index=rep_idx, columns=unit_idx),
    )
