"""SYNTHETIC population frames: units, communes, villages and adults by sex, age and ethnicity.

Everything this module produces is **SYNTHETIC**. :func:`simulate_population` builds the frame of the
13 DGI units from their invented profiles (:func:`unit_profiles`); :func:`simulate_frame` builds one
for any list of units (a table of sizes, villages and urban/rural, or just a number of units), fast
enough for every commune of Vietnam in one run. A :class:`Population` holds the frame (one row per
village x population cell), the latent commune and village effects of one survey year and, for
frames of :func:`simulate_frame`, latent unit effects drawn at random. :func:`frame_margins` turns a
frame into the population margins that raking takes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special

from dgi_stats._results import Result, frame_repr
from dgi_stats._rng import RNGLike, as_generator
from dgi_stats._validation import check_positive_int
from dgi_stats.exceptions import DGIError
from dgi_stats.simulate._common import (
    CELL_AGE,
    CELL_ETH,
    CELL_SEX,
    CELLS,
    DIMS_DEFAULT,
    FIRST_YEAR,
    N_CELLS,
    UNIT_CODE,
    UNIT_NAMES,
    check_units,
    check_year,
)
from dgi_stats.simulate.latent import LatentModel

__all__ = ["Population", "frame_margins", "simulate_frame", "simulate_population", "unit_profiles"]


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
# population
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Population(Result):
    """A SYNTHETIC population of one survey year: frame and latent cluster effects.

    Made by :func:`simulate_population` (the 13 DGI units) or :func:`simulate_frame` (any units).

    Parameters
    ----------
    year : int
        The survey year.
    units : tuple of str
        Unit names: canonical DGI names in catalogue order, or the names given to
        :func:`simulate_frame` in their order.
    frame : pandas.DataFrame
        One row per village x cell: ``district``, ``commune_id``, ``village_id``, ``sex``,
        ``age_group``, ``ethnicity``, ``adults``.
    commune_effects, village_effects : pandas.DataFrame
        Latent random effects (rows: commune or village ids; columns: latent dimensions 1..D).
    model : LatentModel
        The model parameters.
    unit_effects : pandas.DataFrame or None
        Latent unit effects drawn at random (units x latent dimensions), for frames of
        :func:`simulate_frame`: the simulators use them when no true scores are given. None for
        the DGI units, whose effects are solved from true scores (:func:`calibration_targets`).
    _counts, _village_commune, _commune_unit : numpy.ndarray
        The frame as arrays (read them as :attr:`cell_counts`, :attr:`village_commune` and
        :attr:`commune_unit`).

    Examples
    --------
    >>> pop = simulate_population(2021, units=["Cô Tô"], rng=1)
    >>> pop.to_frame().loc["Cô Tô"].tolist()
    [3, 26, 4564]
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
    unit_effects: pd.DataFrame | None = None

    @property
    def cell_counts(self) -> np.ndarray:
        """Adults of each village (rows, frame order) in each of the 16 cells (int64; read only)."""
        return self._counts

    @property
    def village_commune(self) -> np.ndarray:
        """Index of each village's commune (in :attr:`commune_effects` order; read only)."""
        return self._village_commune

    @property
    def commune_unit(self) -> np.ndarray:
        """Index of each commune's unit (in :attr:`units` order; read only)."""
        return self._commune_unit

    @property
    def n_dimensions(self) -> int:
        """Number of latent dimensions the effects were drawn for."""
        return int(self.commune_effects.shape[1])

    def communes(self) -> pd.DataFrame:
        """One row per commune: ``district``, ``commune_id``, ``n_villages``, ``adults``.

        Returns
        -------
        pandas.DataFrame

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

        Returns
        -------
        pandas.DataFrame

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

        Returns
        -------
        dict of str to pandas.Series

        Examples
        --------
        >>> pop = simulate_population(2021, units=["Cô Tô"], rng=1)
        >>> sorted(pop.margins())
        ['district', 'district_age_group', 'district_ethnicity', 'district_sex', 'district_sex_age_group']
        """
        return frame_margins(self.frame)

    def to_frame(self) -> pd.DataFrame:
        """One row per unit: ``n_communes``, ``n_villages`` and ``adults`` of the frame.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``unit``.

        Examples
        --------
        >>> simulate_population(2021, units=["Cô Tô"], rng=1).to_frame().columns.tolist()
        ['n_communes', 'n_villages', 'adults']
        """
        out = self.communes().groupby("district", sort=False).agg(
            n_communes=("commune_id", "size"), n_villages=("n_villages", "sum"),
            adults=("adults", "sum"),
        )
        out.index.name = "unit"
        return out

    def _summary_title(self) -> str:
        return f"SYNTHETIC population {self.year}"

    def _summary_notes(self) -> tuple[str, ...]:
        return ("SYNTHETIC: invented sizes and latent effects, not official statistics.",)

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


def simulate_population(
    year: int,
    *,
    units: Iterable[str] | pd.DataFrame | int | None = None,
    model: LatentModel | None = None,
    n_dimensions: int = DIMS_DEFAULT,
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
    units : iterable of str, pandas.DataFrame or int, optional
        DGI units to include (any spelling :func:`dgi_stats.units.match_unit` accepts).
        default: all 13 DGI units. A table of units or a number of units builds the frame of
        arbitrary units instead: ``simulate_frame(units, year=year, model=model,
        n_dimensions=n_dimensions, rng=rng)`` (see :func:`simulate_frame`).
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
    if isinstance(units, pd.DataFrame | int | np.integer) and not isinstance(units, bool):
        table = units if isinstance(units, pd.DataFrame) else int(units)
        return simulate_frame(table, year=year, model=model, n_dimensions=n_dimensions, rng=rng)
    if isinstance(units, bool):
        msg = "The 'units' parameter must be unit names, a table of units or a number of units."
        raise DGIError(msg)
    year = check_year(year, "simulate_population")
    names = check_units(units)
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
        ug = np.random.default_rng([base, 0, UNIT_NAMES.index(name)])
        comm_share = ug.lognormal(0.0, 0.5, n_comm)
        comm_share /= comm_share.sum()
        age_profile = np.array([0.30, 0.30, 0.25, 0.15]) if urban else np.array([0.26, 0.28, 0.27, 0.19])
        age_profile = age_profile * ug.lognormal(0.0, 0.05, 4)
        age_profile /= age_profile.sum()
        scale = (1.0 + growth) ** (year - FIRST_YEAR)
        for ci in range(n_comm):
            cidx = len(commune_ids)
            cid = f"{UNIT_CODE[name]}-C{ci + 1:02d}"
            commune_ids.append(cid)
            commune_unit.append(ui)
            n_vill = int(ug.integers(10, 21) if urban else ug.integers(6, 15))
            v_share = ug.lognormal(0.0, 0.5, n_vill)
            v_adults = np.maximum(60, np.round(adults * comm_share[ci] * v_share / v_share.sum()))
            logit_k = special.logit(np.clip(kinh, 0.01, 0.99)) + ug.normal(0.0, 1.2, n_vill)
            k_share = special.expit(logit_k)
            female = 0.505 + ug.normal(0.0, 0.01, n_vill)
            for vi in range(n_vill):
                p = np.empty(N_CELLS)
                sex_p = np.array([female[vi], 1.0 - female[vi]])
                eth_p = np.array([k_share[vi], 1.0 - k_share[vi]])
                p[:] = sex_p[CELL_SEX] * age_profile[CELL_AGE] * eth_p[CELL_ETH]
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
    return _assemble(
        year, names, model, counts, np.asarray(village_district, dtype=object),
        np.asarray(village_commune_id, dtype=object), village_ids, commune_ids,
        np.asarray(village_commune, dtype=np.int64), np.asarray(commune_unit, dtype=np.int64), zc, zv,
    )


def _assemble(
    year: int, names: tuple[str, ...], model: LatentModel, counts: np.ndarray,
    village_district: np.ndarray, village_commune_id: np.ndarray, village_ids: Sequence[str],
    commune_ids: Sequence[str], village_commune: np.ndarray, commune_unit: np.ndarray,
    zc: np.ndarray, zv: np.ndarray, unit_effects: pd.DataFrame | None = None,
) -> Population:
    """The Population of a frame given as arrays (villages x cells counts, ids, indexes, effects)."""
    n_dim = zc.shape[1]
    cols = [f"latent_{d + 1}" for d in range(n_dim)]
    ce = pd.DataFrame(model.sd_commune * zc, index=pd.Index(commune_ids, name="commune_id"),
                      columns=cols)
    ve = pd.DataFrame(model.sd_village * zv, index=pd.Index(village_ids, name="village_id"),
                      columns=cols)
    nv = len(village_ids)
    frame = pd.DataFrame({
        "district": np.repeat(village_district, N_CELLS),
        "commune_id": np.repeat(village_commune_id, N_CELLS),
        "village_id": np.repeat(np.asarray(village_ids, dtype=object), N_CELLS),
        "sex": np.tile(np.asarray([c[0] for c in CELLS], dtype=object), nv),
        "age_group": np.tile(np.asarray([c[1] for c in CELLS], dtype=object), nv),
        "ethnicity": np.tile(np.asarray([c[2] for c in CELLS], dtype=object), nv),
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
        _village_commune=village_commune,
        _commune_unit=commune_unit,
        unit_effects=unit_effects,
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
        code = UNIT_NAMES.index(name)
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
# frames of any units
# ---------------------------------------------------------------------------------------------
#: Share of the variance of the drawn unit effects common to all dimensions (the DGI's solved unit
#: effects correlate about 0.7 across dimensions).
UNIT_EFFECT_COMMON = 0.7
_FRAME_COLUMNS = ("adults", "n_villages", "n_communes", "urban", "kinh_share", "growth")


def _unit_table(
    units: pd.DataFrame | int, villages_per_unit: int, adults: float, urban_share: float,
    kinh_share: float, gen: np.random.Generator,
) -> pd.DataFrame:
    """The units' table with every column of :func:`simulate_frame` filled in."""
    func = "simulate_frame"
    if isinstance(units, pd.DataFrame):
        tab = units.copy()
        if "unit" in tab.columns:
            tab = tab.set_index("unit")
        unknown = [c for c in tab.columns if c not in (*_FRAME_COLUMNS, "code")]
        if unknown:
            msg = (f"The 'units' table of {func} has unknown column(s) {unknown}; it takes "
                   f"{['unit', 'code', *_FRAME_COLUMNS]} (unit names as index or 'unit').")
            raise DGIError(msg)
        names = [str(u) for u in tab.index]
    elif isinstance(units, int | np.integer) and not isinstance(units, bool):
        n = check_positive_int(units, name="units", func=func)
        width = max(4, len(str(n)))
        names = [f"U{i + 1:0{width}d}" for i in range(n)]
        tab = pd.DataFrame(index=pd.Index(names))
    else:
        msg = (f"The 'units' parameter of {func} must be a DataFrame of units or a number of units. "
               f"Got {type(units).__name__} instead.")
        raise DGIError(msg)
    if not names:
        msg = f"The 'units' table of {func} is empty; give at least one unit."
        raise DGIError(msg)
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})[:5]
        msg = f"The 'units' table of {func} names unit(s) {dup} more than once."
        raise DGIError(msg)
    n_u = len(names)
    tab.index = pd.Index(names, name="unit")
    if "code" not in tab.columns:
        width = max(4, len(str(n_u)))
        tab["code"] = [f"U{i + 1:0{width}d}" for i in range(n_u)]
    if "adults" not in tab.columns:
        tab["adults"] = np.maximum(60.0, np.round(adults * gen.lognormal(0.0, 0.5, n_u)))
    if "n_villages" not in tab.columns:
        tab["n_villages"] = villages_per_unit
    if "n_communes" not in tab.columns:
        tab["n_communes"] = 1
    if "urban" not in tab.columns:
        tab["urban"] = gen.random(n_u) < urban_share
    if "kinh_share" not in tab.columns:
        tab["kinh_share"] = kinh_share
    if "growth" not in tab.columns:
        tab["growth"] = 0.0
    for col in ("n_villages", "n_communes"):
        v = pd.to_numeric(tab[col], errors="coerce").to_numpy(dtype=float)
        if not np.all(np.isfinite(v) & (v >= 1) & (v == np.round(v))):
            msg = f"The {col!r} column of the units of {func} must hold ints >= 1."
            raise DGIError(msg)
        tab[col] = v.astype(np.int64)
    if (tab["n_villages"] < tab["n_communes"]).any():
        msg = f"Every unit of {func} needs at least one village per commune (n_villages >= n_communes)."
        raise DGIError(msg)
    checks = {
        "adults": lambda v: v > 0,
        "kinh_share": lambda v: (v >= 0) & (v <= 1),
        "growth": lambda v: v > -1,
    }
    for col, ok in checks.items():
        v = pd.to_numeric(tab[col], errors="coerce").to_numpy(dtype=float)
        if not np.all(np.isfinite(v) & ok(v)):
            msg = f"The {col!r} column of the units of {func} has a missing or impossible value."
            raise DGIError(msg)
        tab[col] = v
    tab["urban"] = tab["urban"].astype(bool)
    return tab[["code", *_FRAME_COLUMNS]]


def _check_fraction(value: object, name: str, func: str, *, open_low: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        msg = f"The {name!r} parameter of {func} must be a number in [0, 1]. Got {value!r} instead."
        raise DGIError(msg)
    v = float(value)
    if not (0.0 < v <= 1.0 if open_low else 0.0 <= v <= 1.0):
        msg = f"The {name!r} parameter of {func} must be a number in [0, 1]. Got {value!r} instead."
        raise DGIError(msg)
    return v


def simulate_frame(
    units: pd.DataFrame | int,
    *,
    year: int = FIRST_YEAR,
    villages_per_unit: int = 8,
    adults: float = 20_000,
    urban_share: float = 0.3,
    kinh_share: float = 0.85,
    unit_effect_mean: float = 2.0,
    unit_effect_sd: float = 0.25,
    model: LatentModel | None = None,
    n_dimensions: int = DIMS_DEFAULT,
    rng: RNGLike = None,
) -> Population:
    """Simulate a SYNTHETIC population frame of any units (for example every commune of Vietnam).

    Unlike :func:`simulate_population`, which knows only the 13 DGI units, this builds a frame for
    a table of units (sizes, villages, urban/rural) or for ``n`` units named ``U0001``, ``U0002``
    ..., vectorised so that thousands of units take seconds. Each unit has ``n_communes`` communes
    (PSUs; default 1, the unit itself is then the commune and its villages are the PSUs) among
    which its ``n_villages`` villages are split evenly. The latent unit effects are drawn at
    random (there are no published targets for arbitrary units) and stored in
    :attr:`Population.unit_effects`; :func:`simulate_survey` and :func:`simulate_estimates` use
    them when no ``true_scores`` are given, and the true scores they imply are exact as always.
    Everything is **SYNTHETIC**: names, sizes and effects are invented.

    Parameters
    ----------
    units : pandas.DataFrame or int
        A table with one row per unit, unit names as index (or a ``unit`` column) and any of the
        columns ``adults`` (adult population), ``n_villages`` (villages of the unit),
        ``n_communes`` (communes, the PSUs), ``urban`` (bool), ``kinh_share`` (share of the Kinh
        majority), ``growth`` (yearly growth of the adults from 2020) and ``code`` (prefix of the
        commune and village ids); missing columns take the defaults below. Or a number of units.
    year : int
        Survey year. default: 2020.
    villages_per_unit : int
        Villages of each unit without an ``n_villages`` value. default: 8.
    adults : float
        Typical adults of a unit without an ``adults`` value: each such unit gets
        ``adults x lognormal(0, 0.5)`` (at least 60). default: 20,000.
    urban_share : float
        Probability that a unit without an ``urban`` value is urban (urban units have younger
        adults). default: 0.3.
    kinh_share : float
        Kinh share of units without a ``kinh_share`` value. default: 0.85.
    unit_effect_mean, unit_effect_sd : float
        Mean and standard deviation of the drawn latent unit effects (the DGI's solved effects
        have mean about 2.0 and sd about 0.25; 70 % of the variance is common to all dimensions,
        and the effects persist from year to year as much as the cluster effects do).
        default: 2.0 and 0.25.
    model : LatentModel, optional
        Model parameters. default: ``LatentModel()``.
    n_dimensions : int
        Number of latent dimensions (the spec's dimensions). default: 8.
    rng : int, Generator, SeedSequence or None
        Source of randomness. default: None (fresh entropy).

    Returns
    -------
    Population
        With :attr:`Population.unit_effects` set.

    Raises
    ------
    DGIError
        If ``units`` is neither a table nor a positive int, the table has an unknown column, a
        duplicated name or an impossible value (fewer villages than communes, a share outside
        [0, 1]), or another parameter is out of range.

    Notes
    -----
    The same ``rng`` seed gives the same communes and villages for every year (adults grow by
    ``growth``) and the same persistent part of the cluster and unit effects. Villages get
    lognormal shares (sd 0.5) of their commune's adults (at least 60), communes lognormal shares
    of the unit's; each village's adults are split into the 16 cells by a multinomial draw with
    the unit's age profile (urban or rural), about 50.5 % women and a logit-normal Kinh share
    around the unit's (sd 1.2), as in :func:`simulate_population`. The frame has one row per
    village x cell (3,321 communes x 8 villages: about 425,000 rows).

    Examples
    --------
    >>> pop = simulate_frame(3, villages_per_unit=4, rng=1)
    >>> pop.units
    ('U0001', 'U0002', 'U0003')
    >>> pop.villages()["village_id"].head(2).tolist()
    ['U0001-C01-V01', 'U0001-C01-V02']
    >>> pop.unit_effects.shape
    (3, 8)
    >>> units = pd.DataFrame({"adults": [12_000, 3_000], "n_villages": [10, 5],
    ...                       "urban": [True, False]}, index=["Phường A", "Xã B"])
    >>> simulate_frame(units, rng=1).to_frame()["n_villages"].tolist()
    [10, 5]
    """
    func = "simulate_frame"
    year = check_year(year, func)
    model = LatentModel() if model is None else model
    if not isinstance(model, LatentModel):
        msg = f"The 'model' parameter must be a LatentModel or None. Got {type(model).__name__}."
        raise DGIError(msg)
    n_dim = check_positive_int(n_dimensions, name="n_dimensions", func=func)
    vpu = check_positive_int(villages_per_unit, name="villages_per_unit", func=func)
    share_urban = _check_fraction(urban_share, "urban_share", func)
    share_kinh = _check_fraction(kinh_share, "kinh_share", func)
    lowest = {"adults": 1e-9, "unit_effect_mean": -np.inf, "unit_effect_sd": 0.0}
    for name, value in (("adults", adults), ("unit_effect_mean", unit_effect_mean),
                        ("unit_effect_sd", unit_effect_sd)):
        number = isinstance(value, int | float | np.integer | np.floating) and not isinstance(
            value, bool)
        if not number or not np.isfinite(float(value)) or float(value) < lowest[name]:
            kind = " > 0" if name == "adults" else " >= 0" if name == "unit_effect_sd" else ""
            msg = f"The {name!r} parameter of {func} must be a finite number{kind}. Got {value!r}."
            raise DGIError(msg)
    gen = as_generator(rng)
    base = int(gen.integers(0, 2**63 - 1))
    tab = _unit_table(units, vpu, float(adults), share_urban, share_kinh,
                      np.random.default_rng([base, 10]))
    names = tuple(tab.index)
    n_u = len(names)
    g = np.random.default_rng([base, 11])  # the frame: year-free, so every year has the same one
    # communes
    n_comm = tab["n_communes"].to_numpy()
    commune_unit = np.repeat(np.arange(n_u), n_comm)
    comm_share = g.lognormal(0.0, 0.5, commune_unit.size)
    comm_share /= np.bincount(commune_unit, weights=comm_share)[commune_unit]
    first_comm = np.concatenate([[0], np.cumsum(n_comm)[:-1]])
    comm_rank = np.arange(commune_unit.size) - first_comm[commune_unit]
    # villages, split evenly between the unit's communes
    n_vill_u = tab["n_villages"].to_numpy()
    n_vill = n_vill_u[commune_unit] // n_comm[commune_unit] + (
        comm_rank < n_vill_u[commune_unit] % n_comm[commune_unit])
    village_commune = np.repeat(np.arange(commune_unit.size), n_vill)
    village_unit = commune_unit[village_commune]
    first_vill = np.concatenate([[0], np.cumsum(n_vill)[:-1]])
    vill_rank = np.arange(village_commune.size) - first_vill[village_commune]
    v_share = g.lognormal(0.0, 0.5, village_commune.size)
    v_share /= np.bincount(village_commune, weights=v_share)[village_commune]
    unit_adults = tab["adults"].to_numpy(dtype=float)
    v_adults = np.maximum(60, np.round(unit_adults[village_unit] * comm_share[village_commune] * v_share))
    # cell probabilities: the unit's age profile, the village's sex ratio and Kinh share
    urban = tab["urban"].to_numpy(dtype=bool)
    age = np.where(urban[:, None], [0.30, 0.30, 0.25, 0.15], [0.26, 0.28, 0.27, 0.19])
    age = age * g.lognormal(0.0, 0.05, (n_u, 4))
    age /= age.sum(axis=1, keepdims=True)
    kinh = tab["kinh_share"].to_numpy(dtype=float)
    k_share = special.expit(special.logit(np.clip(kinh[village_unit], 0.01, 0.99))
                            + g.normal(0.0, 1.2, village_unit.size))
    female = 0.505 + g.normal(0.0, 0.01, village_unit.size)
    sex_p = np.column_stack([female, 1.0 - female])
    eth_p = np.column_stack([k_share, 1.0 - k_share])
    p = sex_p[:, CELL_SEX] * age[village_unit][:, CELL_AGE] * eth_p[:, CELL_ETH]
    p /= p.sum(axis=1, keepdims=True)
    counts = g.multinomial(v_adults.astype(np.int64), p).astype(float)
    scale = (1.0 + tab["growth"].to_numpy(dtype=float)) ** (year - FIRST_YEAR)
    counts = np.round(counts * scale[village_unit][:, None]).astype(np.int64)
    # ids
    codes = tab["code"].astype(str).to_numpy()
    commune_ids = [f"{codes[u]}-C{r + 1:02d}" for u, r in zip(commune_unit.tolist(), comm_rank.tolist())]
    cid = np.asarray(commune_ids, dtype=object)
    village_ids = [f"{c}-V{r + 1:02d}" for c, r in zip(cid[village_commune].tolist(), vill_rank.tolist())]
    # latent effects: persistent part year-free, yearly part from (base, stream, year)
    zc = _mixed_effects(base, 12, commune_unit.size, n_dim, year, model.commune_common,
                        model.persistence)
    zv = _mixed_effects(base, 13, village_unit.size, n_dim, year, model.commune_common,
                        model.persistence)
    za = _mixed_effects(base, 14, n_u, n_dim, year, UNIT_EFFECT_COMMON, model.persistence)
    alpha = pd.DataFrame(float(unit_effect_mean) + float(unit_effect_sd) * za,
                         index=pd.Index(names, name="unit"),
                         columns=[f"latent_{d + 1}" for d in range(n_dim)])
    return _assemble(
        year, names, model, counts, np.asarray(names, dtype=object)[village_unit],
        cid[village_commune], village_ids, commune_ids, village_commune.astype(np.int64),
        commune_unit.astype(np.int64), zc, zv, unit_effects=alpha,
    )


def _mixed_effects(base: int, stream: int, n: int, n_dim: int, year: int, common: float,
                   persist: float) -> np.ndarray:
    """Standard-normal effects of ``n`` rows: common + specific, persistent + yearly (vectorised)."""
    parts = []
    for g in (np.random.default_rng([base, stream]), np.random.default_rng([base, stream, year])):
        z0 = g.standard_normal((n, 1))
        zd = g.standard_normal((n, n_dim))
        parts.append(np.sqrt(common) * z0 + np.sqrt(1.0 - common) * zd)
    return np.sqrt(persist) * parts[0] + np.sqrt(1.0 - persist) * parts[1]
