"""Bundled index specifications: ``specs/dgi_<year>.toml`` (DGI 2020-2024) and ``specs/*.toml`` examples.

The DGI's official indicator annex (Quyết định 3447/QĐ-UBND) is not public: the bundled DGI specs use
the official 8 dimensions with an illustrative questionnaire (each file's header says so). Swapping in
the official definition means editing the TOML files, not code.
"""

from __future__ import annotations

import re
from importlib.resources import as_file, files

from dgi_stats.exceptions import DGIError
from dgi_stats.scores.spec import IndexSpec

__all__ = ["available_specs", "available_years", "load_spec", "load_spec_file"]

_SPECS = "specs"
_PACKAGE = "dgi_stats.datasets"


def available_years() -> tuple[int, ...]:
    """Years with a bundled DGI specification.

    Returns
    -------
    tuple of int
        Sorted years (2020-2024).

    Examples
    --------
    >>> available_years()
    (2020, 2021, 2022, 2023, 2024)
    """
    years = []
    for entry in files(_PACKAGE).joinpath(_SPECS).iterdir():
        m = re.fullmatch(r"dgi_(\d{4})\.toml", entry.name)
        if m:
            years.append(int(m.group(1)))
    return tuple(sorted(years))


def available_specs() -> tuple[str, ...]:
    """Names of every bundled spec file (without ``.toml``), e.g. ``"dgi_2021"``, ``"papi_2016"``.

    Examples
    --------
    >>> "papi_2016" in available_specs()
    True
    """
    names = [e.name[:-5] for e in files(_PACKAGE).joinpath(_SPECS).iterdir() if e.name.endswith(".toml")]
    return tuple(sorted(names))


def load_spec_file(name: str) -> IndexSpec:
    """Load a bundled spec by file name (see :func:`available_specs`).

    Parameters
    ----------
    name : str
        For example ``"dgi_2021"`` or ``"papi_2016"``.

    Returns
    -------
    IndexSpec

    Raises
    ------
    DGIError
        If there is no such bundled spec.

    Examples
    --------
    >>> load_spec_file("papi_2016").scale
    'papi'
    """
    if name not in available_specs():
        msg = f"no bundled spec named {name!r}; available: {list(available_specs())}."
        raise DGIError(msg)
    with as_file(files(_PACKAGE).joinpath(_SPECS, f"{name}.toml")) as path:
        return IndexSpec.from_toml(path)


def load_spec(year: int) -> IndexSpec:
    """Return the bundled DGI specification of ``year``.

    Parameters
    ----------
    year : int
        A year in :func:`available_years` (2020-2024).

    Returns
    -------
    IndexSpec
        The 8 official DGI dimensions with illustrative sub-dimensions, indicators and items.

    Raises
    ------
    DGIError
        If no spec is bundled for ``year``.

    See Also
    --------
    dgi_stats.scores.spec.IndexSpec.from_toml : load your own (for example the official) definition.

    Examples
    --------
    >>> spec = load_spec(2022)
    >>> spec.year, len(spec.dimensions), "q805" in spec.item_ids
    (2022, 8, True)
    """
    years = available_years()
    if isinstance(year, bool) or not isinstance(year, int) or year not in years:
        msg = (
            f"The 'year' parameter of load_spec must be one of {list(years)}. Got {year!r} instead. "
            "For another year or index, load your own file with IndexSpec.from_toml(path)."
        )
        raise DGIError(msg)
    return load_spec_file(f"dgi_{year}")
