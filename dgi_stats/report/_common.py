"""Helpers shared by the modules of :mod:`dgi_stats.report` (not part of the public API).

The year check, the tolerant reading of an input table, the report's weight column, the
``certainty``/``fpc`` option parsing, unit order, dimension names in two languages and the design
names of the planning section: each used by more than one module of the report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TypeAlias

import numpy as np
import pandas as pd

from dgi_stats._version import __version__
from dgi_stats.datasets import available_years, load_spec
from dgi_stats.exceptions import DGIError
from dgi_stats.io import read_survey
from dgi_stats.report.templates import labels
from dgi_stats.units import UNITS

__all__ = [
    "ColumnsOption",
    "InputFiles",
    "check_year",
    "columns_option",
    "decimals",
    "design_name",
    "is_dimension",
    "measure_label",
    "package_version",
    "read_table",
    "require_columns",
    "unit_order",
    "weight_column",
    "years",
]

#: Input files of a report by role ("survey", "margins", ...): a path, a packaged resource of the
#: bundled data, or None when the role is not used.
InputFiles: TypeAlias = dict[str, Traversable | Path | None]
#: A design option naming columns: None (the default), False (none) or column name(s), as a
#: sequence or as one string "a,b".
ColumnsOption: TypeAlias = str | Sequence[str] | bool | None

_DIMENSION = re.compile(r"^d\d+_(?!s\d+(_|$))[a-z][a-z0-9_]*$")


def package_version() -> str:
    """This dgi_stats' ``__version__``.

    """
    return __version__


def years() -> tuple[int, ...]:
    """The years with a bundled DGI specification (and a report)."""
    return tuple(available_years())


def check_year(year: object) -> int:
    """``year`` as an int when it is a report year, else a one-line DGIError listing the years."""
    known = years()
    if isinstance(year, bool) or not isinstance(year, int | np.integer) or int(year) not in known:
        listed = ", ".join(map(str, known))
        msg = f"unknown year {year!r}: dgi_stats has DGI specifications and reports for {listed}."
        raise DGIError(msg)
    return int(year)


def read_table(path: str | Path, *, what: str, encoding: str | None = None) -> pd.DataFrame:
    """Read a file with :func:`dgi_stats.io.read_survey` (the one reader), after a clear check that
    it exists. Excel files are refused the same way as by ``read_survey`` (save them as CSV)."""
    p = Path(path)
    if not p.exists():
        msg = f"{what} file not found: {str(p)!r}. Check the path."
        raise DGIError(msg)
    if not p.is_file():
        msg = f"{what} path {str(p)!r} is not a file."
        raise DGIError(msg)
    try:
        return read_survey(p, encoding=encoding)
    except DGIError as exc:
        raise DGIError(f"{what} file: {exc}") from None
    except (ValueError, OSError) as exc:
        msg = f"cannot read {what} file {str(p)!r}: {exc}".replace("\n", " ")
        raise DGIError(msg) from None


def weight_column(data: pd.DataFrame) -> str:
    """The column the report takes the weights from: nonresponse-adjusted when present."""
    return "nr_weight" if "nr_weight" in data.columns else "design_weight"


def require_columns(frame: pd.DataFrame, columns: Sequence[str], what: str, *, hint: str = "") -> None:
    """Raise a DGIError naming ``what``'s missing ``columns`` (then ``hint``, when given)."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        msg = f"{what} lacks column(s) {missing}" + (f": {hint}." if hint else ".")
        raise DGIError(msg)


def columns_option(value: ColumnsOption, *, name: str) -> list[str] | bool | None:
    """``None`` (default), ``False`` (none) or column names (a list, or one string "a,b")."""
    if value is None or value is False:
        return value
    if isinstance(value, str):
        if value.strip().lower() in ("", "none"):
            return False
        return [c.strip() for c in value.split(",") if c.strip()]
    if isinstance(value, Sequence) and all(isinstance(c, str) for c in value):
        return list(value)
    msg = (
        f"The {name!r} parameter must be None (the bundled frame columns when present), False "
        f"(none) or column name(s). Got {value!r} instead."
    )
    raise DGIError(msg)


def is_dimension(measure: object) -> bool:
    """True for a dimension id such as ``d1_participation`` (not a subdimension ``d1_s1``)."""
    return bool(_DIMENSION.match(str(measure)))


def unit_order(index: pd.Index) -> pd.Index:
    """Units in the catalogue order (cities, towns, districts), unknown names after, as given."""
    known = [u.name for u in UNITS if u.name in set(index)]
    rest = [u for u in index if u not in set(known)]
    return pd.Index(known + rest, name=index.name)


def decimals(x: float) -> int:
    """Decimals written in ``x`` (as Python prints it), to round a computed value alike."""
    text = repr(float(x))
    return len(text.split(".")[1]) if "." in text and "e" not in text else 0


def measure_label(measure: str, lang: str) -> str:
    """A measure's name for a header: dimensions by their name, total and composite by theirs."""
    if measure in labels.HEADERS:
        return labels.pick(labels.HEADERS[measure], lang)
    for year in sorted(available_years(), reverse=True):
        for i, dim in enumerate(load_spec(year).dimensions, start=1):
            if dim.id == measure:
                return f"{i}. {dim.name_vi if lang == 'vi' else dim.name_en}"
    return measure


def design_name(text: str, lang: str) -> str:
    """A survey design's name of the planning section in ``lang``."""
    if lang != "vi":
        return text
    for pattern, repl in labels.DESIGN_VI:
        text = re.sub(pattern, repl, text)
    return text
