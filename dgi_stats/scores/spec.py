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

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from dgi_stats._validation import check_columns, check_positive_int
from dgi_stats.exceptions import DGIError
from dgi_stats.scores._common import printed_decimal
from dgi_stats.scores._items import (
    MISSING_REASONS,
    Dimension,
    Indicator,
    IndicatorScores,
    Item,
    SubDimension,
    as_float,
)
from dgi_stats.scores._spec_toml import check_hierarchy, parse_spec, read_toml

__all__ = [
    "MISSING_REASONS",
    "Dimension",
    "IndexSpec",
    "Indicator",
    "IndicatorScores",
    "Item",
    "SubDimension",
    "composite_maximum",
    "composite_percent",
]

#: Highest score of one dimension (every dimension is scored 0-10 or 1-10).
DIMENSION_MAXIMUM = 10.0


def composite_maximum(n_dimensions: int) -> float:
    """The highest possible total of an index with ``n_dimensions`` dimensions: ``10 x n``.

    The composite % is ``total / composite_maximum x 100`` (:func:`composite_percent`).

    Parameters
    ----------
    n_dimensions : int
        Number of dimensions scored 0-10 (or 1-10).

    Returns
    -------
    float
        The maximum total.

    Examples
    --------
    >>> composite_maximum(8)
    80.0
    """
    return DIMENSION_MAXIMUM * n_dimensions


def _composite(x: float, n: int) -> float:
    if not math.isfinite(x):
        return x
    return float(printed_decimal(x) * 100 / Decimal(composite_maximum(n)))


def composite_percent(
    total: float | pd.Series, n_dimensions: int = 8
) -> float | pd.Series:
    """The composite index in %: ``total / (10 x n_dimensions) x 100``, the one home of the formula.

    Computed in decimal arithmetic on the printed value of ``total`` and rounded once to a double,
    so ``composite_percent(75.24)`` is the double nearest to 94.05 (not ``94.04999999999998``).
    :meth:`IndexSpec.composite_percent` takes ``n_dimensions`` from the spec, and the composite
    row of :meth:`IndexSpec.measure_map` is the same ratio as a linear map.

    Parameters
    ----------
    total : float or pandas.Series
        Total score(s) on the 0 - 10 x n_dimensions scale.
    n_dimensions : int
        Number of dimensions scored 0-10. default: 8 (the DGI).

    Returns
    -------
    float or pandas.Series
        The composite in percent (unrounded).

    Raises
    ------
    DGIError
        ``total`` is not a number or Series, or ``n_dimensions`` is not a positive int.

    Examples
    --------
    >>> composite_percent(75.24), composite_percent(68.93), composite_percent(72.7)
    (94.05, 86.1625, 90.875)
    """
    n = check_positive_int(n_dimensions, name="n_dimensions", func="composite_percent")
    if isinstance(total, pd.Series):
        return total.astype(float).map(lambda v: _composite(v, n))
    if isinstance(total, bool) or not isinstance(total, int | float | np.integer | np.floating):
        msg = (
            "The 'total' parameter of composite_percent must be a number or a pandas Series. "
            f"Got {type(total).__name__} instead."
        )
        raise DGIError(msg)
    return _composite(float(total), n)


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

    Parameters
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
        object.__setattr__(
            self, "_item_order", check_hierarchy(self.scale, self.items, self.dimensions, self.path)
        )

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_dict(cls, data: Mapping[str, object], *, source: str = "<dict>") -> IndexSpec:
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
        return cls(**parse_spec(data, source=source))

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
        data, name = read_toml(path)
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

        Parameters
        ----------
        item_id : str
            An item id.

        Returns
        -------
        Item

        Raises
        ------
        DGIError
            No such item.

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

        Returns
        -------
        pandas.DataFrame
            Indexed by indicator.

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
    @property
    def composite_maximum(self) -> float:
        """The highest possible total: 10 x the number of dimensions (:func:`composite_maximum`).

        Examples
        --------
        >>> from dgi_stats.datasets import load_spec
        >>> load_spec(2021).composite_maximum
        80.0
        """
        return composite_maximum(len(self.dimensions))

    def composite_percent(self, total: float | pd.Series) -> float | pd.Series:
        """The composite % of a published total: ``total / composite_maximum x 100``.

        :func:`composite_percent` with this spec's number of dimensions (decimal arithmetic on
        the printed total).

        Parameters
        ----------
        total : float or pandas.Series
            Total score(s).

        Returns
        -------
        float or pandas.Series
            The composite in percent (unrounded).

        Examples
        --------
        >>> from dgi_stats.datasets import load_spec
        >>> load_spec(2021).composite_percent(75.24)
        94.05
        """
        return composite_percent(total, len(self.dimensions))

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
        factor = 100.0 / self.composite_maximum
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
        w.loc["composite"] = w.loc["total"] * 100.0 / self.composite_maximum
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
        arrays = {iid: as_float(answers[iid]) for iid in needed}
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

        Parameters
        ----------
        answers : pandas.DataFrame
            One row per respondent, one column per item.

        Raises
        ------
        DGIError
            A missing item column, or codes outside the spec.

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
        needed = self.scored_item_ids
        check_columns(answers, needed, name="answers")
        self._check_codes(answers, {iid: as_float(answers[iid]) for iid in needed})

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
