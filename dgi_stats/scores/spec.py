"""``IndexSpec``: the declarative description of an index, loaded from a TOML file.

An index is a hierarchy: dimensions (each scored 0-10 or 1-10) made of sub-dimensions, made of
indicators, each computed from one questionnaire item:

* ``binary``: 1 if the answer is one of the item's ``favourable`` codes, else 0;
* ``likert``: the ordered ``levels`` mapped linearly to [0, 1] (a 1..5 scale gives ``(x - 1) / 4``),
  reversed (``1 - ...``) when ``direction = -1``;
* ``numeric``: goalposts, ``clip((x - low) / (high - low), 0, 1)``, reversed when ``direction = -1``.

The item's ``dont_know`` and ``refused`` codes become missing (counted, never dropped); a blank cell
is missing too, and an item with ``asked_if`` (skip logic) is "not applicable" for respondents whose
answer to the filter item is not one of the listed codes.

At unit level every sub-dimension ``s`` of a dimension with ``k`` sub-dimensions gets
``u_s`` = mean of its indicators' unit means (in [0, 1]) and

* ``scale = "dgi"``: sub-dimension = ``10 u_s / k`` (in [0, 10/k]), dimension = their sum (0-10);
* ``scale = "papi"``: sub-dimension = ``(1 + 9 u_s) / k`` (in [1/k, 10/k]), dimension in [1, 10];

and in both cases total = sum of the dimensions, composite % = total / (10 x n_dimensions) x 100.
All of this is the exact linear map returned by :meth:`IndexSpec.measure_map`.

The TOML layout (see ``dgi_stats/datasets/specs/dgi_2021.toml`` for a full example)::

    [index]
    name = "DGI"
    year = 2021
    scale = "dgi"                  # or "papi"
    unit_column = "district"
    respondent_column = "respondent_id"

    [defaults]                     # optional: codes inherited by every item that does not set its own
    dont_know = [98]
    refused = [99]

    [[items]]
    id = "q101"
    text = "..."                   # questionnaire wording (Vietnamese)
    text_en = "..."
    kind = "likert"                # "binary" | "likert" | "numeric"
    levels = [1, 2, 3, 4, 5]
    direction = 1
    asked_if = { item = "q100", codes = [1] }   # optional skip logic

    [[dimensions]]
    id = "d1_participation"
    name_vi = "..."
    name_en = "..."
    [[dimensions.subdimensions]]
    id = "d1_s1"
    name_vi = "..."
    name_en = "..."
    indicators = [{ id = "d1_s1_i1", name = "...", item = "q101" }]
"""

from __future__ import annotations

import difflib
import math
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

import numpy as np
import pandas as pd

from dgi_stats._results import frame_repr
from dgi_stats.exceptions import DGIError, SpecError

__all__ = [
    "MISSING_REASONS",
    "Dimension",
    "IndexSpec",
    "Indicator",
    "IndicatorScores",
    "Item",
    "SubDimension",
]

#: Reasons why an indicator score is missing, in the column order of ``IndicatorScores.missing``.
MISSING_REASONS: tuple[str, ...] = ("dont_know", "refused", "blank", "not_applicable")

_KINDS = ("binary", "likert", "numeric")
_SCALES = ("dgi", "papi")

_INDEX_KEYS = {
    "name",
    "year",
    "scale",
    "unit_column",
    "respondent_column",
    "version",
    "description",
    "source",
    "notes",
}
_TOP_KEYS = {"index", "defaults", "items", "dimensions"}
_DEFAULT_KEYS = {"dont_know", "refused"}
_ITEM_KEYS = {
    "id",
    "text",
    "text_en",
    "kind",
    "levels",
    "labels",
    "favourable",
    "direction",
    "low",
    "high",
    "valid_min",
    "valid_max",
    "dont_know",
    "refused",
    "asked_if",
}
_ASKED_IF_KEYS = {"item", "codes"}
_DIMENSION_KEYS = {"id", "name_vi", "name_en", "subdimensions"}
_SUBDIMENSION_KEYS = {"id", "name_vi", "name_en", "indicators"}
_INDICATOR_KEYS = {"id", "name", "name_vi", "item"}


def _as_float(codes: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Answer codes as a float array (NaN = blank) and a mask of values that are not numbers."""
    if pd.api.types.is_bool_dtype(codes) or pd.api.types.is_numeric_dtype(codes):
        x = codes.to_numpy(dtype=float, na_value=np.nan)
        return x, np.zeros(x.shape, dtype=bool)
    num = pd.to_numeric(codes, errors="coerce")
    x = num.to_numpy(dtype=float, na_value=np.nan)
    return x, np.isnan(x) & codes.notna().to_numpy()


# ---------------------------------------------------------------------------------------------
# building blocks
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Item:
    """One questionnaire item and how its answers become a score in [0, 1].

    Parameters
    ----------
    id : str
        Column name in the survey data (for example ``"q101"``).
    text : str
        Question wording as asked (Vietnamese for the DGI).
    kind : {"binary", "likert", "numeric"}
        How the answer is scored (see the module docstring).
    levels : tuple of int
        Valid substantive codes (binary and Likert, in scale order); empty for numeric items.
    favourable : tuple of int
        Binary items: the codes scored 1. default: ().
    direction : {1, -1}
        -1 reverses Likert and numeric scores (higher answer = worse). default: 1.
    low, high : float, optional
        Numeric goalposts (score 0 at ``low`` and 1 at ``high`` before any reversal).
    dont_know, refused : tuple of int
        Codes that mean "don't know" / "refused"; both become missing.
    text_en : str
        English translation of the wording. default: "".
    labels : tuple of str
        Value labels of ``levels`` (same order). default: ().
    valid_min, valid_max : float, optional
        Numeric items: plausible range of a real answer; values outside it are invalid codes.
    asked_if : tuple of (str, tuple of int), optional
        Skip logic: the item is asked only when the answer to item ``asked_if[0]`` is one of
        ``asked_if[1]``; other respondents are "not applicable".
    """

    id: str
    text: str
    kind: Literal["binary", "likert", "numeric"]
    levels: tuple[int, ...] = ()
    favourable: tuple[int, ...] = ()
    direction: int = 1
    low: float | None = None
    high: float | None = None
    dont_know: tuple[int, ...] = ()
    refused: tuple[int, ...] = ()
    text_en: str = ""
    labels: tuple[str, ...] = ()
    valid_min: float | None = None
    valid_max: float | None = None
    asked_if: tuple[str, tuple[int, ...]] | None = None

    def score(self, codes: pd.Series) -> pd.Series:
        """Score valid substantive answers in [0, 1]; every other value becomes NaN.

        Parameters
        ----------
        codes : pandas.Series
            Numeric answer codes (``dont_know``/``refused`` codes and NaN give NaN).

        Returns
        -------
        pandas.Series
            Float scores with the index of ``codes``.

        Examples
        --------
        >>> item = Item("q1", "Hài lòng?", "likert", levels=(1, 2, 3, 4, 5), dont_know=(98,))
        >>> item.score(pd.Series([1, 3, 5, 98])).tolist()
        [0.0, 0.5, 1.0, nan]
        """
        x, _ = _as_float(codes)
        return pd.Series(self._score_array(x), index=codes.index, name=codes.name)

    def _score_array(self, x: np.ndarray) -> np.ndarray:
        if self.kind == "binary":
            out = np.isin(x, self.favourable).astype(float)
            out[~np.isin(x, self.levels)] = np.nan
        elif self.kind == "likert":
            lo, hi = float(min(self.levels)), float(max(self.levels))
            out = np.where(np.isin(x, self.levels), (x - lo) / (hi - lo), np.nan)
            if self.direction == -1:
                out = 1.0 - out
        else:
            if self.low is None or self.high is None:
                msg = f"numeric item {self.id!r} needs goalposts low and high."
                raise SpecError(msg)
            with np.errstate(invalid="ignore"):
                out = np.clip((x - self.low) / (self.high - self.low), 0.0, 1.0)
            if self.direction == -1:
                out = 1.0 - out
            out = np.where(np.isfinite(x), out, np.nan)
        out[np.isin(x, [*self.dont_know, *self.refused]) | np.isnan(x)] = np.nan
        return out

    def invalid(self, codes: pd.Series) -> pd.Series:
        """Boolean mask of answers that are neither blank nor a code this item accepts.

        Examples
        --------
        >>> item = Item("q1", "Có?", "binary", levels=(0, 1), favourable=(1,), refused=(99,))
        >>> item.invalid(pd.Series([0, 1, 2, 99, None])).tolist()
        [False, False, True, False, False]
        """
        x, unparsable = _as_float(codes)
        return pd.Series(self._invalid_array(x, unparsable), index=codes.index)

    def _invalid_array(self, x: np.ndarray, unparsable: np.ndarray) -> np.ndarray:
        if self.kind == "numeric":
            bad = np.isinf(x)
            with np.errstate(invalid="ignore"):
                if self.valid_min is not None:
                    bad |= x < self.valid_min
                if self.valid_max is not None:
                    bad |= x > self.valid_max
        else:
            bad = ~np.isin(x, self.levels)
        bad &= ~np.isnan(x) & ~np.isin(x, [*self.dont_know, *self.refused])
        return unparsable | bad

    def describe_codes(self) -> str:
        """The accepted codes in words, for error messages.

        Examples
        --------
        >>> Item("q1", "?", "likert", levels=(1, 2, 3, 4, 5), dont_know=(98,)).describe_codes()
        "levels [1, 2, 3, 4, 5], don't know [98]"
        """
        if self.kind == "numeric":
            lo = "-inf" if self.valid_min is None else f"{self.valid_min:g}"
            hi = "inf" if self.valid_max is None else f"{self.valid_max:g}"
            parts = [f"numbers in [{lo}, {hi}]"]
        else:
            parts = [f"levels {list(self.levels)}"]
        if self.dont_know:
            parts.append(f"don't know {list(self.dont_know)}")
        if self.refused:
            parts.append(f"refused {list(self.refused)}")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Indicator:
    """An indicator: a named score computed from one item.

    Parameters
    ----------
    id : str
        Indicator id (for example ``"d1_s1_i1"``).
    name : str
        Short English name.
    item : str
        Id of the questionnaire item it is computed from.
    name_vi : str
        Vietnamese name. default: "".
    """

    id: str
    name: str
    item: str
    name_vi: str = ""


@dataclass(frozen=True, slots=True)
class SubDimension:
    """A sub-dimension: the mean of its indicators, scaled to its share of the dimension."""

    id: str
    name_vi: str
    name_en: str
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True, slots=True)
class Dimension:
    """A dimension (0-10 for the DGI scale, 1-10 for the PAPI scale): the sum of its sub-dimensions."""

    id: str
    name_vi: str
    name_en: str
    subdimensions: tuple[SubDimension, ...]


@dataclass(frozen=True, slots=True, repr=False)
class IndicatorScores:
    """Respondent-level indicator scores and the count of missing answers.

    Attributes
    ----------
    scores : pandas.DataFrame
        Respondents (the index of the answers) x indicators; values in [0, 1], NaN where missing.
    missing : pandas.DataFrame
        Indicators x reasons (``dont_know``, ``refused``, ``blank``, ``not_applicable``): counts.
    """

    scores: pd.DataFrame
    missing: pd.DataFrame

    @property
    def n_answered(self) -> pd.Series:
        """Number of respondents with a valid score, per indicator."""
        return self.scores.notna().sum()

    def __repr__(self) -> str:
        extra = f"{int(self.missing.to_numpy().sum())} missing answers"
        return frame_repr("IndicatorScores", self.scores, extra=extra)


# ---------------------------------------------------------------------------------------------
# parsing helpers (each raises SpecError naming the file and the key)
# ---------------------------------------------------------------------------------------------
def _fail(source: str, where: str, problem: str, fix: str) -> SpecError:
    return SpecError(f"{source}: {where}: {problem}. {fix}")


def _check_keys(d: Mapping[str, Any], allowed: set[str], source: str, where: str) -> None:
    if not isinstance(d, Mapping):
        raise _fail(source, where, f"expected a table, got {type(d).__name__}", "Check the TOML syntax.")
    unknown = sorted(set(d) - allowed)
    if unknown:
        hints = []
        for k in unknown:
            close = difflib.get_close_matches(k, sorted(allowed), n=1)
            hints.append(f"{k!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise _fail(
            source,
            where,
            f"unknown key(s) {', '.join(hints)}",
            f"Allowed keys are {sorted(allowed)}; fix the spelling or remove the key.",
        )


def _require(d: Mapping[str, Any], key: str, source: str, where: str) -> Any:
    if key not in d:
        raise _fail(source, where, f"missing required key {key!r}", f"Add {key} = ... to this table.")
    return d[key]


def _str(value: Any, source: str, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(source, where, f"expected a non-empty string, got {value!r}", "Quote the value.")
    return value


def _codes(value: Any, source: str, where: str) -> tuple[int, ...]:
    if isinstance(value, int) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise _fail(source, where, f"expected a list of integer codes, got {value!r}", "Write e.g. [1, 2].")
    return tuple(value)


def _number(value: Any, source: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _fail(source, where, f"expected a finite number, got {value!r}", "Write e.g. 0 or 120.")
    return float(value)


_T = TypeVar("_T")


def _field(
    d: Mapping[str, Any], key: str, source: str, where: str,
    parse: Callable[[Any, str, str], _T],
) -> _T:
    """The required ``key`` of table ``d``, checked by ``parse`` (errors name ``where.key``)."""
    return parse(_require(d, key, source, where), source, f"{where}.{key}")


def _table_id(
    raw: Any, allowed: set[str], source: str, where: str, kind: str, *, position: bool = True
) -> tuple[str, str]:
    """Check the keys of a table that has an ``id`` and read the id.

    Until the id is read, errors name the table ``kind 'id' (where)`` (without ``(where)`` if not
    ``position``) when it has a string id, else ``where``. Returns the id and ``kind 'id'``, the
    name of the table in later errors.
    """
    if isinstance(raw, Mapping) and isinstance(raw.get("id"), str):
        where = f"{kind} {raw['id']!r}" + (f" ({where})" if position else "")
    _check_keys(raw, allowed, source, where)
    tid = _field(raw, "id", source, where, _str)
    return tid, f"{kind} {tid!r}"


def _nonempty_list(d: Mapping[str, Any], key: str, source: str, where: str, what: str, fix: str) -> list[Any]:
    """The required ``key`` of ``d``: a list with at least one ``what``."""
    value = _require(d, key, source, where)
    if not isinstance(value, list) or not value:
        raise _fail(source, f"{where}.{key}", f"needs at least one {what}", fix)
    return value


def _parse_item(raw: Mapping[str, Any], defaults: Mapping[str, Any], source: str, pos: int) -> Item:
    iid, where = _table_id(raw, _ITEM_KEYS, source, f"items[{pos}]", "item")
    kind = _require(raw, "kind", source, where)
    if kind not in _KINDS:
        raise _fail(
            source, f"{where}.kind", f"unknown kind {kind!r}", f"Use one of {list(_KINDS)}."
        )
    text = _field(raw, "text", source, where, _str)
    direction = raw.get("direction", 1)
    if direction not in (1, -1) or isinstance(direction, bool):
        raise _fail(source, f"{where}.direction", f"got {direction!r}", "Use 1 or -1.")
    dk = _codes(raw.get("dont_know", defaults.get("dont_know", [])), source, f"{where}.dont_know")
    rf = _codes(raw.get("refused", defaults.get("refused", [])), source, f"{where}.refused")
    levels: tuple[int, ...] = ()
    favourable: tuple[int, ...] = ()
    low = high = vmin = vmax = None
    if kind in ("binary", "likert"):
        levels = _field(raw, "levels", source, where, _codes)
        if len(set(levels)) != len(levels) or len(levels) < 2:
            raise _fail(
                source, f"{where}.levels", f"needs at least 2 distinct codes, got {list(levels)}",
                "List every substantive answer code once.",
            )
        if kind == "likert" and list(levels) != sorted(levels):
            raise _fail(
                source, f"{where}.levels", f"Likert levels must be increasing, got {list(levels)}",
                "List the codes in scale order and use direction = -1 to reverse the scale.",
            )
        for key in ("low", "high", "valid_min", "valid_max"):
            if key in raw:
                raise _fail(source, f"{where}.{key}", f"only numeric items take {key!r}", "Remove it.")
    if kind == "binary":
        favourable = _field(raw, "favourable", source, where, _codes)
        if not favourable or not set(favourable) < set(levels):
            raise _fail(
                source, f"{where}.favourable",
                f"{list(favourable)} must be a non-empty proper subset of levels {list(levels)}",
                "List the codes that count as the favourable answer.",
            )
    elif "favourable" in raw:
        raise _fail(source, f"{where}.favourable", "only binary items take 'favourable'", "Remove it.")
    if kind == "numeric":
        if "levels" in raw:
            raise _fail(source, f"{where}.levels", "numeric items take goalposts, not levels",
                        "Replace levels with low = ... and high = ....")
        low = _field(raw, "low", source, where, _number)
        high = _field(raw, "high", source, where, _number)
        if not low < high:
            raise _fail(source, f"{where}.low/high", f"need low < high, got {low} and {high}",
                        "Swap them and set direction = -1 if smaller is better.")
        if "valid_min" in raw:
            vmin = _number(raw["valid_min"], source, f"{where}.valid_min")
        if "valid_max" in raw:
            vmax = _number(raw["valid_max"], source, f"{where}.valid_max")
    overlap = sorted((set(dk) | set(rf)) & set(levels)) + sorted(set(dk) & set(rf))
    if overlap:
        raise _fail(
            source, where, f"code(s) {overlap} are both a level and a don't-know/refused code",
            "Give don't know and refused codes of their own (e.g. 98, 99).",
        )
    labels = tuple(str(v) for v in raw.get("labels", []))
    if labels and len(labels) != len(levels):
        raise _fail(source, f"{where}.labels", f"{len(labels)} labels for {len(levels)} levels",
                    "Give one label per level, in the same order.")
    asked_if = None
    if "asked_if" in raw:
        cond, wc = raw["asked_if"], f"{where}.asked_if"
        _check_keys(cond, _ASKED_IF_KEYS, source, wc)
        asked_if = (_field(cond, "item", source, wc, _str), _field(cond, "codes", source, wc, _codes))
    return Item(
        id=iid, text=text, kind=kind, levels=levels, favourable=favourable, direction=direction,
        low=low, high=high, dont_know=dk, refused=rf, text_en=str(raw.get("text_en", "")),
        labels=labels, valid_min=vmin, valid_max=vmax, asked_if=asked_if,
    )


def _parse_dimension(raw: Mapping[str, Any], source: str, pos: int) -> Dimension:
    did, where = _table_id(raw, _DIMENSION_KEYS, source, f"dimensions[{pos}]", "dimension")
    subs_raw = _nonempty_list(raw, "subdimensions", source, where, "sub-dimension",
                              "Add [[dimensions.subdimensions]] tables under it.")
    subs = []
    for j, s in enumerate(subs_raw):
        sid, w = _table_id(s, _SUBDIMENSION_KEYS, source, f"{where}.subdimensions[{j}]", "sub-dimension",
                           position=False)
        inds_raw = _nonempty_list(s, "indicators", source, w, "indicator",
                                  "Add indicators = [{ id = ..., name = ..., item = ... }].")
        inds = []
        for k, ind in enumerate(inds_raw):
            wi = f"{w}.indicators[{k}]"
            _check_keys(ind, _INDICATOR_KEYS, source, wi)
            inds.append(
                Indicator(
                    id=_field(ind, "id", source, wi, _str),
                    name=_field(ind, "name", source, wi, _str),
                    item=_field(ind, "item", source, wi, _str),
                    name_vi=str(ind.get("name_vi", "")),
                )
            )
        subs.append(
            SubDimension(
                id=sid,
                name_vi=_field(s, "name_vi", source, w, _str),
                name_en=_field(s, "name_en", source, w, _str),
                indicators=tuple(inds),
            )
        )
    return Dimension(
        id=did,
        name_vi=_field(raw, "name_vi", source, where, _str),
        name_en=_field(raw, "name_en", source, where, _str),
        subdimensions=tuple(subs),
    )


def _topological_items(items: Sequence[Item], source: str) -> tuple[str, ...]:
    """Order items so that every filter item comes before the items it controls; reject cycles."""
    by_id = {it.id: it for it in items}
    order: list[str] = []
    state: dict[str, int] = {}  # 1 = visiting, 2 = done

    def visit(iid: str, path: list[str]) -> None:
        if state.get(iid) == 2:
            return
        if state.get(iid) == 1:
            cycle = [*path[path.index(iid):], iid]
            raise _fail(
                source, f"item {iid!r}.asked_if",
                f"skip-logic cycle {' -> '.join(cycle)}",
                "An item cannot (directly or indirectly) filter itself; remove one asked_if.",
            )
        state[iid] = 1
        cond = by_id[iid].asked_if
        if cond is not None:
            visit(cond[0], [*path, iid])
        state[iid] = 2
        order.append(iid)

    for it in items:
        visit(it.id, [])
    return tuple(order)


# ---------------------------------------------------------------------------------------------
# IndexSpec
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class IndexSpec:
    """The declarative description of an index: items, indicators, hierarchy and scaling rules.

    Build it with :meth:`from_toml` (a user's file), :meth:`from_dict`, or
    :func:`dgi_stats.datasets.load_spec` (the bundled DGI specifications, 2020-2024). Construction
    validates everything (unknown keys, kinds, items, duplicate ids, skip-logic cycles) and raises
    :class:`~dgi_stats.exceptions.SpecError` naming the file, the key and the fix.

    Attributes
    ----------
    name : str
        Index name ("DGI", "PAPI", ...).
    year : int
        The survey year this version applies to.
    scale : {"dgi", "papi"}
        Sub-dimension scaling rule (see the module docstring).
    items : tuple of Item
        Questionnaire items, in questionnaire order (look one up with :meth:`item`).
    dimensions : tuple of Dimension
        The hierarchy, in publication order.
    unit_column : str
        Column of the survey data holding the unit (default "district").
    respondent_column : str
        Column holding respondent ids (default "respondent_id").
    version, description, source, notes : str
        Free text carried from the file.
    path : str
        Where the spec was read from ("<dict>" when built in code).

    Examples
    --------
    >>> from dgi_stats.datasets import load_spec
    >>> spec = load_spec(2021)
    >>> spec.name, spec.year, spec.scale, len(spec.dimension_ids)
    ('DGI', 2021, 'dgi', 8)
    >>> spec.dimension_ids[0], spec.measure_ids[-2:]
    ('d1_participation', ['total', 'composite'])
    """

    name: str
    year: int
    scale: Literal["dgi", "papi"]
    items: tuple[Item, ...]
    dimensions: tuple[Dimension, ...]
    unit_column: str = "district"
    respondent_column: str = "respondent_id"
    version: str = ""
    description: str = ""
    source: str = ""
    notes: str = ""
    path: str = "<dict>"
    _item_order: tuple[str, ...] = field(default=(), init=False)

    def __post_init__(self) -> None:
        src = self.path
        if self.scale not in _SCALES:
            raise _fail(src, "index.scale", f"unknown scale {self.scale!r}", f"Use one of {list(_SCALES)}.")
        if not self.dimensions:
            raise _fail(src, "dimensions", "no dimensions", "Add [[dimensions]] tables.")
        seen: dict[str, str] = {}
        for what, ids in (
            ("item", [it.id for it in self.items]),
            ("dimension", [d.id for d in self.dimensions]),
            ("sub-dimension", [s.id for d in self.dimensions for s in d.subdimensions]),
            ("indicator", self.indicator_ids),
        ):
            for i in ids:
                if i in seen or i in ("total", "composite"):
                    first = seen.get(i, "reserved measure name")
                    raise _fail(
                        src, f"{what} {i!r}", f"duplicate id (already used by: {first})",
                        "Every item, dimension, sub-dimension and indicator needs its own id.",
                    )
                seen[i] = what
        items = {it.id: it for it in self.items}
        for d in self.dimensions:
            for s in d.subdimensions:
                for ind in s.indicators:
                    if ind.item not in items:
                        close = difflib.get_close_matches(ind.item, list(items), n=3)
                        raise _fail(
                            src, f"indicator {ind.id!r}.item",
                            f"unknown item {ind.item!r}" + (f" (closest: {close})" if close else ""),
                            "Add the item under [[items]] or fix the reference.",
                        )
        for it in self.items:
            if it.asked_if is not None and it.asked_if[0] not in items:
                raise _fail(
                    src, f"item {it.id!r}.asked_if.item", f"unknown item {it.asked_if[0]!r}",
                    "Point asked_if at an item listed under [[items]].",
                )
        object.__setattr__(self, "_item_order", _topological_items(self.items, src))

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "<dict>") -> IndexSpec:
        """Build a spec from the parsed TOML structure (``[index]``, ``[[items]]``, ``[[dimensions]]``).

        Parameters
        ----------
        data : mapping
            The structure described in the module docstring.
        source : str
            Name used in error messages. default: "<dict>".

        Returns
        -------
        IndexSpec

        Raises
        ------
        SpecError
            On any unknown key, unknown kind or item, duplicate id or skip-logic cycle.

        Examples
        --------
        >>> spec = IndexSpec.from_dict({
        ...     "index": {"name": "Toy", "year": 2024, "scale": "dgi"},
        ...     "items": [{"id": "q1", "text": "Hài lòng?", "kind": "likert", "levels": [1, 2, 3]}],
        ...     "dimensions": [{"id": "d1", "name_vi": "Một", "name_en": "One", "subdimensions": [
        ...         {"id": "d1_s1", "name_vi": "A", "name_en": "A",
        ...          "indicators": [{"id": "d1_s1_i1", "name": "satisfied", "item": "q1"}]}]}],
        ... })
        >>> spec.measure_ids
        ['d1_s1_i1', 'd1_s1', 'd1', 'total', 'composite']
        """
        _check_keys(data, _TOP_KEYS, source, "top level")
        index = _require(data, "index", source, "top level")
        _check_keys(index, _INDEX_KEYS, source, "[index]")
        defaults = data.get("defaults", {})
        _check_keys(defaults, _DEFAULT_KEYS, source, "[defaults]")
        items_raw = _require(data, "items", source, "top level")
        dims_raw = _require(data, "dimensions", source, "top level")
        if not isinstance(items_raw, list) or not isinstance(dims_raw, list):
            raise _fail(source, "items/dimensions", "expected arrays of tables",
                        "Write [[items]] and [[dimensions]] tables.")
        year = _require(index, "year", source, "[index]")
        if isinstance(year, bool) or not isinstance(year, int):
            raise _fail(source, "index.year", f"expected an integer year, got {year!r}", "Write e.g. 2021.")
        scale = index.get("scale", "dgi")
        if scale not in _SCALES:
            raise _fail(source, "index.scale", f"unknown scale {scale!r}", f"Use one of {list(_SCALES)}.")
        return cls(
            name=_str(_require(index, "name", source, "[index]"), source, "index.name"),
            year=year,
            scale=scale,
            items=tuple(_parse_item(r, defaults, source, i) for i, r in enumerate(items_raw)),
            dimensions=tuple(_parse_dimension(r, source, i) for i, r in enumerate(dims_raw)),
            unit_column=str(index.get("unit_column", "district")),
            respondent_column=str(index.get("respondent_column", "respondent_id")),
            version=str(index.get("version", "")),
            description=str(index.get("description", "")),
            source=str(index.get("source", "")),
            notes=str(index.get("notes", "")),
            path=source,
        )

    @classmethod
    def from_toml(cls, path: str | Path) -> IndexSpec:
        """Read and validate a spec from a TOML file.

        Parameters
        ----------
        path : str or pathlib.Path
            The TOML file (UTF-8).

        Returns
        -------
        IndexSpec

        Raises
        ------
        SpecError
            If the file is not valid TOML or the spec is invalid; the message names the file and key.

        Examples
        --------
        >>> from importlib.resources import as_file, files
        >>> with as_file(files("dgi_stats.datasets") / "specs" / "dgi_2021.toml") as p:
        ...     spec = IndexSpec.from_toml(p)
        >>> spec.year
        2021
        """
        p = Path(path)
        name = p.name
        try:
            text = p.read_bytes().decode("utf-8-sig")
        except FileNotFoundError:
            msg = f"spec file {str(p)!r} does not exist; check the 'path' argument of IndexSpec.from_toml."
            raise SpecError(msg) from None
        except UnicodeDecodeError as exc:
            msg = f"{name}: not UTF-8 ({exc}); save the spec file as UTF-8."
            raise SpecError(msg) from None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            msg = f"{name}: invalid TOML: {exc}. Fix the syntax at that line."
            raise SpecError(msg) from None
        return cls.from_dict(data, source=name)

    # ------------------------------------------------------------------ ids and lookups
    @property
    def item_ids(self) -> list[str]:
        """Item ids in questionnaire order."""
        return [it.id for it in self.items]

    @property
    def indicator_ids(self) -> list[str]:
        """Indicator ids in hierarchy order."""
        return [i.id for d in self.dimensions for s in d.subdimensions for i in s.indicators]

    @property
    def subdimension_ids(self) -> list[str]:
        """Sub-dimension ids in hierarchy order."""
        return [s.id for d in self.dimensions for s in d.subdimensions]

    @property
    def dimension_ids(self) -> list[str]:
        """Dimension ids in publication order."""
        return [d.id for d in self.dimensions]

    @property
    def measure_ids(self) -> list[str]:
        """Indicators, sub-dimensions, dimensions, then ``"total"`` and ``"composite"``."""
        return [
            *self.indicator_ids, *self.subdimension_ids, *self.dimension_ids, "total", "composite"
        ]

    @property
    def scored_item_ids(self) -> list[str]:
        """Items used by at least one indicator, plus the filter items they depend on."""
        items = {it.id: it for it in self.items}
        needed: set[str] = set()
        stack = [i.item for d in self.dimensions for s in d.subdimensions for i in s.indicators]
        while stack:
            iid = stack.pop()
            if iid not in needed:
                needed.add(iid)
                cond = items[iid].asked_if
                if cond is not None:
                    stack.append(cond[0])
        return [i for i in self.item_ids if i in needed]

    def item(self, item_id: str) -> Item:
        """Return the item with id ``item_id``.

        Examples
        --------
        >>> from dgi_stats.datasets import load_spec
        >>> load_spec(2021).item("q101").kind
        'binary'
        """
        for it in self.items:
            if it.id == item_id:
                return it
        msg = f"spec {self.name} {self.year} has no item {item_id!r}; items are {self.item_ids[:10]}..."
        raise DGIError(msg)

    def to_frame(self) -> pd.DataFrame:
        """One row per indicator: its dimension, sub-dimension, item and scoring rule.

        Examples
        --------
        >>> from dgi_stats.datasets import load_spec
        >>> load_spec(2021).to_frame().loc["d1_s1_i1", ["dimension", "item", "kind"]].tolist()
        ['d1_participation', 'q101', 'binary']
        """
        items = {it.id: it for it in self.items}
        rows = []
        for d in self.dimensions:
            for s in d.subdimensions:
                for ind in s.indicators:
                    it = items[ind.item]
                    rows.append({
                        "indicator": ind.id,
                        "name": ind.name,
                        "subdimension": s.id,
                        "dimension": d.id,
                        "item": it.id,
                        "kind": it.kind,
                        "direction": it.direction,
                        "text": it.text,
                        "text_en": it.text_en,
                        "asked_if": None if it.asked_if is None else it.asked_if[0],
                    })
        return pd.DataFrame(rows).set_index("indicator")

    def __repr__(self) -> str:
        return (
            f"IndexSpec(name={self.name!r}, year={self.year}, scale={self.scale!r}, "
            f"{len(self.dimensions)} dimensions, {len(self.subdimension_ids)} sub-dimensions, "
            f"{len(self.indicator_ids)} indicators, {len(self.items)} items, path={self.path!r})"
        )

    # ------------------------------------------------------------------ scaling
    def measure_map(self) -> tuple[pd.DataFrame, pd.Series]:
        """The exact linear map from unit-level indicator means to every other measure.

        Returns
        -------
        weights : pandas.DataFrame
            Rows: sub-dimensions, dimensions, ``"total"``, ``"composite"``; columns: indicators.
        offset : pandas.Series
            Constant per row (non-zero only on the PAPI scale).

        Notes
        -----
        With :math:`m` the vector of a unit's indicator means (each in [0, 1]),
        ``measure = weights @ m + offset``. For sub-dimension :math:`s` of a dimension with
        :math:`k` sub-dimensions and :math:`n_s` indicators, :math:`u_s = \\sum_{j \\in s} m_j / n_s`;
        the DGI scale gives :math:`10 u_s / k`, the PAPI scale :math:`(1 + 9 u_s) / k`. A dimension
        is the sum of its sub-dimensions, the total the sum of the dimensions, and the composite
        ``total / (10 D) x 100`` for :math:`D` dimensions. Passing the map to
        :meth:`dgi_stats.Scores.linear_map` propagates the covariance exactly.

        Examples
        --------
        >>> from dgi_stats.datasets import load_spec
        >>> spec = load_spec(2021)
        >>> w, b = spec.measure_map()
        >>> m = pd.Series(1.0, index=spec.indicator_ids)   # every indicator at its maximum
        >>> float((w @ m + b)["total"]), float((w @ m + b)["composite"])
        (80.0, 100.0)
        """
        inds = self.indicator_ids
        rows = [*self.subdimension_ids, *self.dimension_ids, "total", "composite"]
        w = pd.DataFrame(0.0, index=rows, columns=inds)
        b = pd.Series(0.0, index=rows)
        for d in self.dimensions:
            k = len(d.subdimensions)
            for s in d.subdimensions:
                n = len(s.indicators)
                cols = [i.id for i in s.indicators]
                if self.scale == "dgi":
                    w.loc[s.id, cols] = 10.0 / (k * n)
                else:
                    w.loc[s.id, cols] = 9.0 / (k * n)
                    b[s.id] = 1.0 / k
            subs = [s.id for s in d.subdimensions]
            w.loc[d.id] = w.loc[subs].sum()
            b[d.id] = b[subs].sum()
        w.loc["total"] = w.loc[self.dimension_ids].sum()
        b["total"] = b[self.dimension_ids].sum()
        factor = 100.0 / (10.0 * len(self.dimensions))
        w.loc["composite"] = w.loc["total"] * factor
        b["composite"] = b["total"] * factor
        return w, b

    def measure_bounds(self) -> pd.DataFrame:
        """The scale of every measure: the smallest and largest value it can take.

        Indicators (unit means of item scores) lie in [0, 1]; the other measures follow from
        :meth:`measure_map` (all weights are non-negative): on the DGI scale a sub-dimension of a
        dimension with :math:`k` sub-dimensions spans [0, 10/k], a dimension [0, 10], the total
        [0, 10 D] and the composite [0, 100]; on the PAPI scale [1/k, 10/k], [1, 10], [D, 10 D]
        and [10, 100].

        Returns
        -------
        pandas.DataFrame
            Rows: :attr:`measure_ids`; columns ``low`` and ``high``.

        Examples
        --------
        >>> from dgi_stats.datasets import load_spec
        >>> b = load_spec(2021).measure_bounds()
        >>> b.loc[["d1_s1_i1", "d1_participation", "total", "composite"]].to_numpy().tolist()
        [[0.0, 1.0], [0.0, 10.0], [0.0, 80.0], [0.0, 100.0]]
        >>> from dgi_stats.datasets._specs import load_spec_file
        >>> load_spec_file("papi_2016").measure_bounds().loc["total"].tolist()
        [6.0, 60.0]
        """
        w, b = self.measure_map()
        inds = self.indicator_ids
        wv = w.to_numpy(dtype=float)
        low = np.concatenate([np.zeros(len(inds)), np.where(wv < 0, wv, 0.0).sum(axis=1) + b.to_numpy()])
        high = np.concatenate([np.ones(len(inds)), np.where(wv > 0, wv, 0.0).sum(axis=1) + b.to_numpy()])
        idx = pd.Index([*inds, *map(str, w.index)], name="measure")
        return pd.DataFrame({"low": low, "high": high}, index=idx)

    def aggregate_map(self) -> tuple[pd.DataFrame, pd.Series]:
        """Linear map from sub-dimension scores to dimensions, total and composite.

        Useful for published data that stop at the sub-dimension level (PAPI's provincial files):
        each dimension is the sum of its sub-dimensions whatever the scale.

        Returns
        -------
        weights : pandas.DataFrame
            Rows: dimensions, ``"total"``, ``"composite"``; columns: sub-dimensions.
        offset : pandas.Series
            All zeros (kept for symmetry with :meth:`measure_map`).

        Examples
        --------
        >>> from dgi_stats.datasets import load_spec
        >>> w, b = load_spec(2021).aggregate_map()
        >>> float(w.loc["d1_participation"].sum())
        3.0
        """
        subs = self.subdimension_ids
        rows = [*self.dimension_ids, "total", "composite"]
        w = pd.DataFrame(0.0, index=rows, columns=subs)
        for d in self.dimensions:
            w.loc[d.id, [s.id for s in d.subdimensions]] = 1.0
        w.loc["total"] = w.loc[self.dimension_ids].sum()
        w.loc["composite"] = w.loc["total"] * 100.0 / (10.0 * len(self.dimensions))
        return w, pd.Series(0.0, index=rows)

    # ------------------------------------------------------------------ scoring
    def score_items(self, answers: pd.DataFrame) -> IndicatorScores:
        """Turn respondents' answer codes into indicator scores in [0, 1].

        Parameters
        ----------
        answers : pandas.DataFrame
            One row per respondent, one column per item (integer codes; blank = NaN). Other columns
            are ignored. It is never modified.

        Returns
        -------
        IndicatorScores
            ``.scores`` (respondents x indicators, index of ``answers``) and ``.missing``
            (indicators x reasons ``dont_know``, ``refused``, ``blank``, ``not_applicable``).

        Raises
        ------
        DGIError
            If an item column is missing, respondent ids are duplicated, or a code is outside the
            spec (the message lists the first offending rows and values).

        Notes
        -----
        Every respondent falls in exactly one class per indicator: a score, or one of the missing
        reasons, so ``n_answered + missing.sum(axis=1) == len(answers)``. Skip logic: an item with
        ``asked_if`` is ``not_applicable`` when the filter item's answer is not one of the listed
        codes, including when the filter itself is missing (don't know, refused, blank) or not
        applicable; an answer recorded despite the filter is counted as ``not_applicable`` and not
        scored. ``dont_know``/``refused``/``blank`` are counted only among applicable respondents.

        Examples
        --------
        >>> from dgi_stats.datasets import load_spec
        >>> spec = load_spec(2021)
        >>> answers = pd.DataFrame({q: [1, 1] for q in spec.item_ids})
        >>> answers.loc[1, "q104"] = 98                       # don't know
        >>> res = spec.score_items(answers)
        >>> res.scores.loc[:, "d1_s2_i2"].tolist(), int(res.missing.loc["d1_s2_i2", "dont_know"])
        ([0.0, nan], 1)
        """
        from dgi_stats._validation import check_columns

        needed = self.scored_item_ids
        check_columns(answers, needed, name="answers")
        rid = self.respondent_column
        if rid in answers.columns:
            dup = answers[rid].duplicated(keep=False) & answers[rid].notna()
            if dup.any():
                values = list(dict.fromkeys(answers.loc[dup, rid].tolist()))[:5]
                rows = list(answers.index[dup][:10])
                msg = (
                    f"answers has duplicate respondent ids in column {rid!r}: {values} "
                    f"(rows {rows}). Each respondent must appear once; remove or renumber the duplicates."
                )
                raise DGIError(msg)
        arrays = {iid: _as_float(answers[iid]) for iid in needed}
        self._check_codes(answers, arrays)
        items = {it.id: it for it in self.items}
        n = len(answers)
        applicable: dict[str, np.ndarray] = {}
        effective: dict[str, np.ndarray] = {}
        for iid in self._item_order:
            if iid not in arrays:
                continue
            cond = items[iid].asked_if
            ok = np.ones(n, dtype=bool)
            if cond is not None:
                ok = applicable[cond[0]] & np.isin(effective[cond[0]], cond[1])
            applicable[iid] = ok
            effective[iid] = np.where(ok, arrays[iid][0], np.nan)
        scores: dict[str, np.ndarray] = {}
        missing: dict[str, dict[str, int]] = {}
        for d in self.dimensions:
            for s in d.subdimensions:
                for ind in s.indicators:
                    it = items[ind.item]
                    raw, ok = arrays[it.id][0], applicable[it.id]
                    scores[ind.id] = it._score_array(effective[it.id])
                    missing[ind.id] = {
                        "dont_know": int((ok & np.isin(raw, it.dont_know)).sum()),
                        "refused": int((ok & np.isin(raw, it.refused)).sum()),
                        "blank": int((ok & np.isnan(raw)).sum()),
                        "not_applicable": int((~ok).sum()),
                    }
        frame = pd.DataFrame(scores, index=answers.index, columns=self.indicator_ids, dtype=float)
        miss = pd.DataFrame.from_dict(missing, orient="index")[list(MISSING_REASONS)]
        miss.index.name = "indicator"
        return IndicatorScores(scores=frame, missing=miss.astype("int64"))

    def validate_answers(self, answers: pd.DataFrame) -> None:
        """Check columns and codes of ``answers`` without scoring; raise :class:`DGIError` if bad.

        Examples
        --------
        >>> from dgi_stats.datasets import load_spec
        >>> spec = load_spec(2021)
        >>> bad = pd.DataFrame({q: [1] for q in spec.item_ids}).assign(q104=7)
        >>> spec.validate_answers(bad)
        Traceback (most recent call last):
        ...
        dgi_stats.exceptions.DGIError: answers has codes outside the spec ...
        """
        from dgi_stats._validation import check_columns

        needed = self.scored_item_ids
        check_columns(answers, needed, name="answers")
        self._check_codes(answers, {iid: _as_float(answers[iid]) for iid in needed})

    def _check_codes(
        self,
        answers: pd.DataFrame,
        arrays: Mapping[str, tuple[np.ndarray, np.ndarray]],
        max_rows: int = 5,
    ) -> None:
        items = {it.id: it for it in self.items}
        problems = []
        for iid, (x, unparsable) in arrays.items():
            it = items[iid]
            bad = it._invalid_array(x, unparsable)
            if bad.any():
                idx = answers.index[bad]
                vals = answers[iid].iloc[np.flatnonzero(bad)[:max_rows]].tolist()
                problems.append(
                    f"column {iid!r}: {int(bad.sum())} row(s), first rows {list(idx[:max_rows])} "
                    f"with values {vals} (valid: {it.describe_codes()})"
                )
        if problems:
            msg = (
                f"answers has codes outside the spec {self.name} {self.year} ({self.path}): "
                + "; ".join(problems)
                + ". Recode these answers, or declare the codes as levels / dont_know / refused "
                "in the spec."
            )
            raise DGIError(msg)
