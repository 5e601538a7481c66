"""Reading an index spec from TOML: parsing, validation, and messages that name the file and key.

Every problem raises :class:`~dgi_stats.exceptions.SpecError` with the file, the key (``item
'q101'.levels``) and the fix. :class:`~dgi_stats.scores.spec.IndexSpec` calls
:func:`read_toml`, :func:`parse_spec` and :func:`check_hierarchy`; the TOML layout is described in
:mod:`dgi_stats.scores.spec`.
"""

from __future__ import annotations

import difflib
import math
import tomllib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from dgi_stats.exceptions import SpecError
from dgi_stats.scores._items import Dimension, Indicator, Item, SubDimension

__all__ = ["SCALES", "check_hierarchy", "parse_spec", "read_toml"]

_KINDS = ("binary", "likert", "numeric")
SCALES = ("dgi", "papi")

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


def check_hierarchy(
    scale: str, items_: Sequence[Item], dimensions: Sequence[Dimension], source: str
) -> tuple[str, ...]:
    """Validate a spec's hierarchy and return its items in skip-logic order.

    Parameters
    ----------
    scale : str
        ``"dgi"`` or ``"papi"``.
    items_ : sequence of Item
        The questionnaire items.
    dimensions : sequence of Dimension
        The hierarchy.
    source : str
        The spec's file name, for the messages.

    Returns
    -------
    tuple of str
        Item ids, every filter item before the items it controls.

    Raises
    ------
    SpecError
        Unknown scale, no dimensions, duplicate ids, unknown items or skip-logic cycles.

    Examples
    --------
    >>> it = Item("q1", "?", "binary", levels=(1, 2), favourable=(1,))
    >>> sub = SubDimension("s1", "A", "A", (Indicator("i1", "x", "q1"),))
    >>> check_hierarchy("dgi", [it], [Dimension("d1", "Một", "One", (sub,))], "<dict>")
    ('q1',)
    """
    src = source
    if scale not in SCALES:
        raise _fail(src, "index.scale", f"unknown scale {scale!r}", f"Use one of {list(SCALES)}.")
    if not dimensions:
        raise _fail(src, "dimensions", "no dimensions", "Add [[dimensions]] tables.")
    seen: dict[str, str] = {}
    for what, ids in (
        ("item", [it.id for it in items_]),
        ("dimension", [d.id for d in dimensions]),
        ("sub-dimension", [s.id for d in dimensions for s in d.subdimensions]),
        ("indicator", [i.id for d in dimensions for s in d.subdimensions for i in s.indicators]),
    ):
        for i in ids:
            if i in seen or i in ("total", "composite"):
                first = seen.get(i, "reserved measure name")
                raise _fail(
                    src, f"{what} {i!r}", f"duplicate id (already used by: {first})",
                    "Every item, dimension, sub-dimension and indicator needs its own id.",
                )
            seen[i] = what
    by_id = {it.id: it for it in items_}
    for d in dimensions:
        for s in d.subdimensions:
            for ind in s.indicators:
                if ind.item not in by_id:
                    close = difflib.get_close_matches(ind.item, list(by_id), n=3)
                    raise _fail(
                        src, f"indicator {ind.id!r}.item",
                        f"unknown item {ind.item!r}" + (f" (closest: {close})" if close else ""),
                        "Add the item under [[items]] or fix the reference.",
                    )
    for it in items_:
        if it.asked_if is not None and it.asked_if[0] not in by_id:
            raise _fail(
                src, f"item {it.id!r}.asked_if.item", f"unknown item {it.asked_if[0]!r}",
                "Point asked_if at an item listed under [[items]].",
            )
    return _topological_items(items_, src)


def parse_spec(data: Mapping[str, Any], *, source: str) -> dict[str, Any]:
    """The keyword arguments of :class:`~dgi_stats.scores.spec.IndexSpec` from the parsed TOML.

    Parameters
    ----------
    data : mapping
        ``[index]``, optional ``[defaults]``, ``[[items]]`` and ``[[dimensions]]``.
    source : str
        Name used in error messages.

    Returns
    -------
    dict
        ``name, year, scale, items, dimensions, unit_column, respondent_column, version,
        description, source, notes, path``.

    Raises
    ------
    SpecError
        On any unknown key, unknown kind or malformed value (the message names file and key).

    Examples
    --------
    >>> kw = parse_spec({
    ...     "index": {"name": "Toy", "year": 2024},
    ...     "items": [{"id": "q1", "text": "?", "kind": "likert", "levels": [1, 2, 3]}],
    ...     "dimensions": [{"id": "d1", "name_vi": "Một", "name_en": "One", "subdimensions": [
    ...         {"id": "d1_s1", "name_vi": "A", "name_en": "A",
    ...          "indicators": [{"id": "d1_s1_i1", "name": "x", "item": "q1"}]}]}],
    ... }, source="toy.toml")
    >>> kw["scale"], kw["items"][0].levels
    ('dgi', (1, 2, 3))
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
    if scale not in SCALES:
        raise _fail(source, "index.scale", f"unknown scale {scale!r}", f"Use one of {list(SCALES)}.")
    return {
        "name": _str(_require(index, "name", source, "[index]"), source, "index.name"),
        "year": year,
        "scale": scale,
        "items": tuple(_parse_item(r, defaults, source, i) for i, r in enumerate(items_raw)),
        "dimensions": tuple(_parse_dimension(r, source, i) for i, r in enumerate(dims_raw)),
        "unit_column": str(index.get("unit_column", "district")),
        "respondent_column": str(index.get("respondent_column", "respondent_id")),
        "version": str(index.get("version", "")),
        "description": str(index.get("description", "")),
        "source": str(index.get("source", "")),
        "notes": str(index.get("notes", "")),
        "path": source,
    }


def read_toml(path: str | Path) -> tuple[dict[str, Any], str]:
    """Read a spec file: its parsed TOML and its file name (for the messages).

    Parameters
    ----------
    path : str or pathlib.Path
        The TOML file (UTF-8, with or without a byte-order mark).

    Returns
    -------
    data : dict
        The parsed TOML.
    name : str
        The file name.

    Raises
    ------
    SpecError
        The file does not exist, is not UTF-8 or not valid TOML.

    Examples
    --------
    >>> read_toml("no_such_spec.toml")
    Traceback (most recent call last):
    ...
    dgi_stats.exceptions.SpecError: spec file 'no_such_spec.toml' does not exist; ...
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
    return data, name
