"""Constants and argument checks shared by the modules of :mod:`dgi_stats.simulate`.

Everything the simulator produces is SYNTHETIC; this module holds no model, only the population
cells (sex x age group x ethnicity), the survey years with default true scores, the DGI unit
catalogue as the simulator uses it, and the checks of ``year`` and ``units`` arguments.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from dgi_stats.exceptions import DGIError, UnknownUnitError
from dgi_stats.units import UNITS, match_units, normalise_name

__all__ = [
    "AGE_GROUPS",
    "CELLS",
    "CELL_AGE",
    "CELL_ETH",
    "CELL_SEX",
    "DIMS_DEFAULT",
    "ETHNICITIES",
    "FIRST_YEAR",
    "LAST_YEAR",
    "N_CELLS",
    "SEXES",
    "UNIT_CODE",
    "UNIT_NAMES",
    "check_units",
    "check_year",
    "match_names",
]

SEXES: tuple[str, ...] = ("female", "male")
AGE_GROUPS: tuple[str, ...] = ("18-29", "30-44", "45-59", "60+")
ETHNICITIES: tuple[str, ...] = ("kinh", "other")
#: The 16 population cells, sex-major then age group then ethnicity.
CELLS: tuple[tuple[str, str, str], ...] = tuple(
    (s, a, e) for s in SEXES for a in AGE_GROUPS for e in ETHNICITIES
)
CELL_SEX = np.array([SEXES.index(c[0]) for c in CELLS])
CELL_AGE = np.array([AGE_GROUPS.index(c[1]) for c in CELLS])
CELL_ETH = np.array([ETHNICITIES.index(c[2]) for c in CELLS])
N_CELLS = len(CELLS)
#: Years with default true scores (:func:`dgi_stats.simulate.calibration_targets`); 2020 is also
#: the base year of the invented population sizes.
FIRST_YEAR, LAST_YEAR = 2020, 2024
#: Latent dimensions drawn by default (the DGI's 8 dimensions).
DIMS_DEFAULT = 8
#: The 13 DGI units in catalogue order, and their codes (``QN01`` ...).
UNIT_NAMES: tuple[str, ...] = tuple(u.name for u in UNITS)
UNIT_CODE: dict[str, str] = {u.name: u.code for u in UNITS}
_UNIT_SET = frozenset(UNIT_NAMES)


def check_units(units: Iterable[str] | None) -> tuple[str, ...]:
    """Canonical DGI unit names of ``units`` in catalogue order (None: all 13).

    Parameters
    ----------
    units : iterable of str or None
        Unit names in any spelling :func:`dgi_stats.units.match_unit` accepts.

    Returns
    -------
    tuple of str

    Raises
    ------
    DGIError
        No unit, or a unit listed twice (:class:`~dgi_stats.exceptions.UnknownUnitError` for an
        unknown name).

    Examples
    --------
    >>> check_units(["co to", "Hạ Long"])
    ('Hạ Long', 'Cô Tô')
    """
    if units is None:
        return UNIT_NAMES
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
    return tuple(n for n in UNIT_NAMES if n in names)


def check_year(year: object, func: str) -> int:
    """``year`` as an int, or a DGIError naming ``func``.

    Parameters
    ----------
    year : object
        The value to check.
    func : str
        The calling function's name, for the message.

    Returns
    -------
    int

    Raises
    ------
    DGIError
        If ``year`` is not an int (a bool is not).

    Examples
    --------
    >>> check_year(2021, "simulate_population")
    2021
    """
    if isinstance(year, bool) or not isinstance(year, int | np.integer):
        msg = f"The 'year' parameter of {func} must be an int. Got {year!r} instead."
        raise DGIError(msg)
    return int(year)


def match_names(names: Iterable[object], units: Sequence[str]) -> list[str]:
    """The simulated units that ``names`` designate.

    When every unit of ``units`` is a DGI unit, names are matched against the DGI catalogue (any
    spelling, a code such as ``QN08``; a catalogue unit that is not simulated is returned as is,
    for the caller's message). Otherwise (a frame of :func:`dgi_stats.simulate.simulate_frame`)
    they are matched against ``units`` themselves, ignoring case, diacritics and punctuation,
    with one dictionary look-up per name (fast for thousands of units).

    Parameters
    ----------
    names : iterable
        Names to match (converted with ``str``).
    units : sequence of str
        The simulated units.

    Returns
    -------
    list of str

    Raises
    ------
    UnknownUnitError
        If a name matches no unit; the message lists the closest names.

    Examples
    --------
    >>> match_names(["u0002", "U0001"], ["U0001", "U0002"])
    ['U0002', 'U0001']
    >>> match_names(["co to"], ["Cô Tô", "Ba Chẽ"])
    ['Cô Tô']
    """
    items = [str(n) for n in names]
    if all(u in _UNIT_SET for u in units):
        return match_units(items)
    exact = set(units)
    pool = {normalise_name(u): u for u in units}
    out: list[str] = []
    bad: list[str] = []
    for n in items:
        hit = n if n in exact else pool.get(normalise_name(n))
        if hit is None:
            bad.append(n)
        else:
            out.append(hit)
    if bad:
        match_units(bad[:5], units=list(units))  # raises, naming the closest units
        raise UnknownUnitError(f"unknown unit(s) {bad[:5]}")  # pragma: no cover
    return out
