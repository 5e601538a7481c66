"""The tree of a composite index: indicators, aggregates and their weights (COINr ``iMeta``).

A :class:`Hierarchy` holds each element's parent and its raw weight among its siblings; the
effective weight of an element is the product of the relative weights on its path to the root.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from dgi_stats._results import frame_repr
from dgi_stats.exceptions import DGIError
from dgi_stats.scores.spec import IndexSpec

__all__ = ["Hierarchy", "effective_weights"]


@dataclass(frozen=True, slots=True, repr=False)
class Hierarchy:
    """A tree of indicators and aggregates, with a weight per element relative to its siblings.

    Parameters
    ----------
    parents : pandas.Series
        Element code -> parent code (the root's parent is NaN/None).
    weight : pandas.Series
        Raw weight of each element inside its parent's group (rescaled to sum 1 per group when used).

    Examples
    --------
    >>> h = Hierarchy.from_groups({"G1": ["a", "b"], "G2": ["c"]}, root="index")
    >>> h.effective_weights()[["a", "c"]].tolist(), h.aggregates()
    ([0.25, 0.5], ['G1', 'G2', 'index'])
    """

    parents: pd.Series
    weight: pd.Series

    def __post_init__(self) -> None:
        par = self.parents
        if par.index.has_duplicates:
            dup = par.index[par.index.duplicated()].tolist()
            msg = f"Hierarchy has duplicated element code(s) {dup}."
            raise DGIError(msg)
        roots = par.index[par.isna()].tolist()
        if len(roots) != 1:
            msg = f"Hierarchy must have exactly one root (an element without parent); found {roots}."
            raise DGIError(msg)
        unknown = sorted({p for p in par.dropna() if p not in par.index})
        if unknown:
            msg = f"Hierarchy names parent(s) {unknown} that are not elements; add them with their parent."
            raise DGIError(msg)
        pmap = self._parent_map()
        for el in pmap:  # cycle check: walk up to the root
            seen = {el}
            p = pmap[el]
            while p is not None:
                if p in seen:
                    msg = f"Hierarchy has a cycle through {el!r}."
                    raise DGIError(msg)
                seen.add(p)
                p = pmap[p]
        if not self.weight.index.equals(par.index):
            msg = "Hierarchy.weight must be indexed like Hierarchy.parents."
            raise DGIError(msg)
        w = self.weight
        if not np.all(np.isfinite(w.to_numpy(dtype=float))) or (w < 0).any():
            msg = f"Hierarchy weights must be finite and >= 0; got {w[(w < 0) | w.isna()].to_dict()}."
            raise DGIError(msg)

    @classmethod
    def from_parents(
        cls,
        parents: Mapping[Hashable, Hashable | None] | pd.Series,
        weights: Mapping[Hashable, float] | pd.Series | None = None,
    ) -> Hierarchy:
        """Build from ``{element: parent}`` (the root maps to None) and optional raw weights (default 1).

        Parameters
        ----------
        parents : dict or Series
            Element -> parent; the root's parent is None.
        weights : dict or Series, optional
            Raw weights of some elements among their siblings (the others get 1).

        Returns
        -------
        Hierarchy

        Examples
        --------
        >>> h = Hierarchy.from_parents({"a": "A", "b": "A", "c": "B", "A": "T", "B": "T", "T": None})
        >>> h.effective_weights().round(3).to_dict()
        {'a': 0.25, 'b': 0.25, 'c': 0.5, 'A': 0.5, 'B': 0.5, 'T': 1.0}
        """
        par = pd.Series(dict(parents), dtype=object)
        par = par.where(par.notna(), None)
        if weights is None:
            w = pd.Series(1.0, index=par.index)
        else:
            unknown = [k for k in dict(weights) if k not in par.index]
            if unknown:
                msg = f"The 'weights' of Hierarchy.from_parents name element(s) {unknown} not in the tree."
                raise DGIError(msg)
            w = pd.Series(1.0, index=par.index)
            for k, v in dict(weights).items():
                w[k] = float(v)
        return cls(par, w.astype(float))

    @classmethod
    def from_groups(
        cls, groups: Mapping[Hashable, Sequence[Hashable]], *, root: str = "index",
        weights: Mapping[Hashable, float] | None = None,
    ) -> Hierarchy:
        """Two-level tree: ``{group: [indicators]}`` under one ``root``.

        Parameters
        ----------
        groups : dict
            Group -> its indicators.
        root : str
            Name of the root aggregate.
        weights : dict, optional
            Raw weights of some elements among their siblings (the others get 1).

        Returns
        -------
        Hierarchy

        Examples
        --------
        >>> Hierarchy.from_groups({"G1": ["a", "b"], "G2": ["c"]}).leaves
        ['a', 'b', 'c']
        """
        parents: dict[Any, Any] = {root: None}
        for g, members in groups.items():
            parents[g] = root
            for m in members:
                parents[m] = g
        return cls.from_parents(parents, weights)

    @classmethod
    def from_coinr_meta(cls, meta: pd.DataFrame) -> Hierarchy:
        """From a COINr ``iMeta`` table (columns ``iCode``, ``Parent``, ``Weight``, ``Type``).

        Rows whose ``Type`` is neither "Indicator" nor "Aggregate" (denominators, groups) are ignored.

        Parameters
        ----------
        meta : pandas.DataFrame
            COINr's ``iMeta``.

        Returns
        -------
        Hierarchy

        Examples
        --------
        >>> meta = pd.DataFrame({"iCode": ["a", "b", "T"], "Parent": ["T", "T", None],
        ...                      "Weight": [1.0, 3.0, 1.0], "Type": ["Indicator", "Indicator", "Aggregate"]})
        >>> Hierarchy.from_coinr_meta(meta).effective_weights().tolist()
        [0.25, 0.75, 1.0]
        """
        m = meta
        if "Type" in m.columns:
            m = m[m["Type"].isin(["Indicator", "Aggregate"])]
        par = pd.Series(m["Parent"].to_numpy(dtype=object), index=m["iCode"].to_numpy(dtype=object))
        par = par.where(par.notna(), None)
        w = pd.Series(m["Weight"].to_numpy(dtype=float), index=par.index)
        return cls(par, w)

    @classmethod
    def from_spec(cls, spec: IndexSpec, *, root: str = "total") -> Hierarchy:
        """From an :class:`~dgi_stats.scores.spec.IndexSpec`: indicators -> sub-dimensions -> dimensions -> root.

        Parameters
        ----------
        spec : IndexSpec
            The index specification.
        root : str
            Name of the root aggregate.

        Returns
        -------
        Hierarchy
            Equal raw weights at every level.

        Examples
        --------
        >>> from dgi_stats import datasets
        >>> h = Hierarchy.from_spec(datasets.load_spec(2021))
        >>> h.root, len(h.children("total"))
        ('total', 8)
        """
        parents: dict[Any, Any] = {root: None}
        for dim in spec.dimensions:
            parents[dim.id] = root
            for sub in dim.subdimensions:
                parents[sub.id] = dim.id
                for ind in sub.indicators:
                    parents[ind.id] = sub.id
        return cls.from_parents(parents)

    # ------------------------------------------------------------------ structure
    def _parent_map(self) -> dict[Any, Any]:
        return {k: (None if (not isinstance(p, str) and pd.isna(p)) else p) for k, p in self.parents.items()}

    def _children_map(self) -> dict[Any, list[Any]]:
        out: dict[Any, list[Any]] = {k: [] for k in self.parents.index}
        for k, p in self._parent_map().items():
            if p is not None:
                out[p].append(k)
        return out

    @property
    def root(self) -> Any:
        """The root element."""
        return self.parents.index[self.parents.isna()][0]

    def children(self, element: Hashable) -> list[Any]:
        """The direct children of ``element`` in tree order.

        Parameters
        ----------
        element : hashable
            An element of the tree.

        Returns
        -------
        list
            Its children (empty for an indicator).

        Examples
        --------
        >>> Hierarchy.from_groups({"G1": ["a", "b"], "G2": ["c"]}).children("G1")
        ['a', 'b']
        """
        return self._children_map().get(element, [])

    @property
    def leaves(self) -> list[Any]:
        """Indicators: the elements that have no children."""
        return [k for k, ch in self._children_map().items() if not ch]

    @property
    def levels(self) -> pd.Series:
        """COINr levels: leaves are level 1; an aggregate is 1 + the highest level of its children."""
        ch = self._children_map()
        lev: dict[Any, int] = {}

        def level(k: Any) -> int:
            if k not in lev:
                lev[k] = 1 if not ch[k] else 1 + max(level(c) for c in ch[k])
            return lev[k]

        return pd.Series({k: level(k) for k in self.parents.index})

    def aggregates(self) -> list[Any]:
        """Aggregates in bottom-up order (children before parents).

        Returns
        -------
        list

        Examples
        --------
        >>> Hierarchy.from_groups({"G1": ["a"], "G2": ["b"]}, root="T").aggregates()
        ['G1', 'G2', 'T']
        """
        lev = self.levels
        return [k for k in lev.sort_values(kind="stable").index if lev[k] > 1]

    def _relative(self) -> dict[Any, float]:
        ch = self._children_map()
        w = dict(zip(self.weight.index, self.weight.to_numpy(dtype=float), strict=True))
        out = dict.fromkeys(self.parents.index, 1.0)
        for agg, kids in ch.items():
            if not kids:
                continue
            tot = sum(w[k] for k in kids)
            if not tot > 0:
                msg = f"Hierarchy: all weights of the children of {agg!r} are zero."
                raise DGIError(msg)
            for k in kids:
                out[k] = w[k] / tot
        return out

    def relative_weights(self) -> pd.Series:
        """Each element's weight divided by the sum over its siblings (root = 1).

        Returns
        -------
        pandas.Series

        Examples
        --------
        >>> h = Hierarchy.from_groups({"G": ["a", "b"]}, weights={"a": 3.0})
        >>> h.relative_weights()[["a", "b"]].tolist()
        [0.75, 0.25]
        """
        return pd.Series(self._relative(), dtype=float).reindex(self.parents.index)

    def effective_weights(self) -> pd.Series:
        """Product of the relative weights on the path to the root; each level sums to 1.

        Returns
        -------
        pandas.Series

        Examples
        --------
        >>> h = Hierarchy.from_groups({"G1": ["a", "b"], "G2": ["c"]})
        >>> h.effective_weights()[["a", "c"]].tolist()
        [0.25, 0.5]
        """
        rel = self._relative()
        par = self._parent_map()
        out = {}
        for el in self.parents.index:
            w, p = 1.0, el
            while p is not None:
                w *= rel[p]
                p = par[p]
            out[el] = w
        return pd.Series(out, dtype=float)

    def with_weights(self, weights: Mapping[Hashable, float] | pd.Series) -> Hierarchy:
        """A copy with some raw weights replaced (names must be elements of the tree).

        Parameters
        ----------
        weights : dict or Series
            New raw weights (finite, >= 0) of some elements.

        Returns
        -------
        Hierarchy

        Examples
        --------
        >>> h = Hierarchy.from_groups({"G1": ["a", "b"], "G2": ["c"]}).with_weights({"G1": 3.0})
        >>> h.effective_weights()[["a", "c"]].tolist()
        [0.375, 0.25]
        """
        unknown = [k for k in dict(weights) if k not in self.parents.index]
        if unknown:
            msg = (
                f"The 'weights' do not match the hierarchy: element(s) {unknown} are not in it "
                f"(elements: {list(self.parents.index)[:12]}...)."
            )
            raise DGIError(msg)
        w = dict(zip(self.weight.index, self.weight.to_numpy(dtype=float), strict=True))
        for k, v in dict(weights).items():
            v = float(v)
            if not np.isfinite(v) or v < 0:
                msg = f"The weight of {k!r} must be finite and >= 0; got {v!r}."
                raise DGIError(msg)
            w[k] = v
        return Hierarchy(self.parents, pd.Series(w, dtype=float).reindex(self.parents.index))

    def to_frame(self) -> pd.DataFrame:
        """Element, parent, level, raw weight, relative weight and effective weight.

        Returns
        -------
        pandas.DataFrame
        """
        return pd.DataFrame(
            {
                "parent": self.parents,
                "level": self.levels,
                "weight": self.weight,
                "relative_weight": self.relative_weights(),
                "effective_weight": self.effective_weights(),
            }
        )

    def __repr__(self) -> str:
        return frame_repr("Hierarchy", self.to_frame())


def effective_weights(hierarchy: Hierarchy) -> pd.Series:
    """Effective weight of every element: the product of relative weights up to the root.

    Parameters
    ----------
    hierarchy : Hierarchy
        The tree and its raw weights.

    Returns
    -------
    pandas.Series
        Effective weight per element (the weights of each level sum to 1).

    Examples
    --------
    >>> h = Hierarchy.from_groups({"G1": ["a", "b"], "G2": ["c", "d", "e"]})
    >>> effective_weights(h)[["a", "c"]].round(4).tolist()
    [0.25, 0.1667]
    """
    if not isinstance(hierarchy, Hierarchy):
        msg = f"effective_weights needs a Hierarchy. Got {type(hierarchy).__name__}."
        raise DGIError(msg)
    return hierarchy.effective_weights()
