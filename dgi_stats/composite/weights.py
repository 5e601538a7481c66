"""Weighting schemes for composite indices (OECD/JRC Handbook §6, COINr).

Equal and hierarchical weights with effective weights through the hierarchy, budget allocation,
PCA weights (COINr), factor-analysis weights (the Handbook's varimax recipe), benefit of the doubt
(DEA, an LP per unit solved with :func:`scipy.optimize.linprog`), AHP (eigenvector, Saaty's
consistency ratio), weights optimised to target importances (COINr ``get_opt_weights``) and the
variance-based importance of each component in a linear total.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

from dgi_stats._results import frame_repr
from dgi_stats.composite.normalise import _as_table
from dgi_stats.exceptions import DGIError

__all__ = [
    "SAATY_RANDOM_INDEX",
    "AHPResult",
    "BoDResult",
    "FactorWeightsResult",
    "Hierarchy",
    "OptimisedWeightsResult",
    "ahp",
    "benefit_of_the_doubt",
    "budget_allocation",
    "check_weights",
    "effective_weights",
    "equal_weights",
    "factor_analysis_weights",
    "optimised_weights",
    "pca_weights",
    "variance_importance",
    "varimax",
    "weights",
]

#: Saaty's random consistency index RI(n) for n = 1..10 (Handbook §6.4).
SAATY_RANDOM_INDEX: dict[int, float] = {
    1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49,
}


# ---------------------------------------------------------------------------------------- weights
def check_weights(
    weights: Any, columns: Sequence[Any], *, name: str = "weights", func: str = "aggregate"
) -> pd.Series:
    """Validate weights against ``columns`` and return them as a float Series in column order.

    ``None`` gives equal weights. A mapping or Series must name exactly the columns (a missing or an
    unknown name is an error); an array must have one entry per column. Weights must be finite,
    non-negative and not all zero. They are returned as given (not rescaled).

    Examples
    --------
    >>> check_weights({"a": 1, "b": 3}, ["a", "b"]).tolist()
    [1.0, 3.0]
    """
    cols = list(columns)
    if weights is None:
        return pd.Series(1.0 / len(cols), index=pd.Index(cols), dtype=float)
    if isinstance(weights, Mapping | pd.Series):
        keys = list(weights.keys())
        unknown = [k for k in keys if k not in cols]
        missing = [c for c in cols if c not in keys]
        if unknown or missing:
            msg = (
                f"The {name!r} parameter of {func} does not match the components: "
                f"unknown name(s) {unknown}, missing name(s) {missing}. Give one weight per component "
                f"({cols[:12]}{'...' if len(cols) > 12 else ''})."
            )
            raise DGIError(msg)
        w = pd.Series([float(weights[c]) for c in cols], index=pd.Index(cols), dtype=float)
    else:
        arr = np.asarray(weights, dtype=float).ravel()
        if arr.size != len(cols):
            msg = (
                f"The {name!r} parameter of {func} has {arr.size} entries but there are {len(cols)} "
                "components; give one weight per component."
            )
            raise DGIError(msg)
        w = pd.Series(arr, index=pd.Index(cols), dtype=float)
    if not np.all(np.isfinite(w.to_numpy())):
        msg = f"The {name!r} parameter of {func} has NaN or infinite weights: {w[~np.isfinite(w)].to_dict()}."
        raise DGIError(msg)
    if (w < 0).any():
        msg = (
            f"The {name!r} parameter of {func} has negative weight(s) {w[w < 0].to_dict()}; "
            "weights must be >= 0 (turn an indicator round with 'direction' instead)."
        )
        raise DGIError(msg)
    if not w.sum() > 0:
        msg = f"The {name!r} parameter of {func} has all weights zero."
        raise DGIError(msg)
    return w


def equal_weights(columns: Sequence[Any] | pd.DataFrame) -> pd.Series:
    """Equal weights ``1/Q`` for the columns of a table (or a list of names).

    Examples
    --------
    >>> equal_weights(["a", "b", "c", "d"]).tolist()
    [0.25, 0.25, 0.25, 0.25]
    """
    cols = list(columns.columns) if isinstance(columns, pd.DataFrame) else list(columns)
    if not cols:
        msg = "equal_weights needs at least one component."
        raise DGIError(msg)
    return pd.Series(1.0 / len(cols), index=pd.Index(cols), dtype=float)


# -------------------------------------------------------------------------------------- hierarchy
@dataclass(frozen=True, slots=True, repr=False)
class Hierarchy:
    """A tree of indicators and aggregates, with a weight per element relative to its siblings.

    Attributes
    ----------
    parents : pandas.Series
        Element code -> parent code (the root's parent is NaN/None).
    weight : pandas.Series
        Raw weight of each element inside its parent's group (rescaled to sum 1 per group when used).
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
        cls, parents: Mapping[Any, Any] | pd.Series, weights: Mapping[Any, float] | pd.Series | None = None
    ) -> Hierarchy:
        """Build from ``{element: parent}`` (the root maps to None) and optional raw weights (default 1).

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
        cls, groups: Mapping[Any, Sequence[Any]], *, root: str = "index",
        weights: Mapping[Any, float] | None = None,
    ) -> Hierarchy:
        """Two-level tree: ``{group: [indicators]}`` under one ``root``.

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
        """
        m = meta
        if "Type" in m.columns:
            m = m[m["Type"].isin(["Indicator", "Aggregate"])]
        par = pd.Series(m["Parent"].to_numpy(dtype=object), index=m["iCode"].to_numpy(dtype=object))
        par = par.where(par.notna(), None)
        w = pd.Series(m["Weight"].to_numpy(dtype=float), index=par.index)
        return cls(par, w)

    @classmethod
    def from_spec(cls, spec: Any, *, root: str = "total") -> Hierarchy:
        """From an :class:`~dgi_stats.scores.spec.IndexSpec`: indicators -> sub-dimensions -> dimensions -> root."""
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

    def children(self, element: Any) -> list[Any]:
        """The direct children of ``element`` in tree order."""
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
        """Aggregates in bottom-up order (children before parents)."""
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
        """Each element's weight divided by the sum over its siblings (root = 1)."""
        return pd.Series(self._relative(), dtype=float).reindex(self.parents.index)

    def effective_weights(self) -> pd.Series:
        """Product of the relative weights on the path to the root; each level sums to 1."""
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

    def with_weights(self, weights: Mapping[Any, float] | pd.Series) -> Hierarchy:
        """A copy with some raw weights replaced (names must be elements of the tree)."""
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
        """Element, parent, level, raw weight, relative weight and effective weight."""
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


# ------------------------------------------------------------------------------ budget allocation
def budget_allocation(budgets: pd.DataFrame, *, total: float | None = 100.0) -> pd.Series:
    """Budget-allocation weights: the mean of the experts' budgets, rescaled to sum 1.

    Parameters
    ----------
    budgets : pandas.DataFrame
        Experts (rows) x indicators (columns): points given by each expert.
    total : float or None
        Points each expert distributes (100 by default). Rows that do not add up to it are an error;
        ``None`` rescales each row to sum 1 first.

    Examples
    --------
    >>> import pandas as pd
    >>> b = pd.DataFrame({"a": [50, 30], "b": [30, 30], "c": [20, 40]})
    >>> budget_allocation(b).tolist()
    [0.4, 0.3, 0.3]
    """
    b = _as_table(budgets, "budget_allocation")
    if b.isna().any().any() or (b.to_numpy() < 0).any():
        msg = "The 'budgets' of budget_allocation must be non-negative with no missing values."
        raise DGIError(msg)
    sums = b.sum(axis=1)
    if total is not None:
        bad = sums.index[~np.isclose(sums.to_numpy(), float(total), rtol=1e-9, atol=1e-9)].tolist()
        if bad:
            msg = (
                f"expert row(s) {bad} of 'budgets' do not add up to total={total}; fix them or pass "
                "total=None to rescale each expert's budget."
            )
            raise DGIError(msg)
    if (sums <= 0).any():
        msg = f"expert row(s) {sums.index[sums <= 0].tolist()} of 'budgets' give no points."
        raise DGIError(msg)
    w = b.div(sums, axis=0).mean(axis=0)
    return w / w.sum()


# ----------------------------------------------------------------------------- PCA / FA weights
def _corr_complete(data: pd.DataFrame, func: str) -> tuple[np.ndarray, int]:
    x = _as_table(data, func).dropna()
    if len(x) < 3:
        msg = f"{func} needs at least 3 complete units; got {len(x)}."
        raise DGIError(msg)
    sd = x.std(ddof=1)
    if (sd <= 0).any():
        msg = f"column(s) {sd.index[sd <= 0].tolist()} are constant; {func} cannot use them."
        raise DGIError(msg)
    return np.corrcoef(x.to_numpy(), rowvar=False), len(x)


def pca_weights(data: pd.DataFrame, *, hierarchy: Hierarchy | None = None, level: int = 2) -> pd.Series:
    """COINr's PCA weights: the first principal component's eigenvector, per aggregation group.

    For each group (the children of each aggregate at ``level``; all columns when ``hierarchy`` is
    None) PCA is run on the correlation matrix of the complete cases; the weights are the components
    of the first eigenvector (unit norm). Their sign is arbitrary: dgi_stats orients each group's
    vector so that its components add up to a positive number. Components can be negative.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(20240101)
    >>> z = rng.normal(size=(50, 1))
    >>> x = pd.DataFrame(z + rng.normal(size=(50, 3)), columns=["a", "b", "c"])
    >>> w = pca_weights(x)
    >>> bool(np.isclose((w ** 2).sum(), 1.0))
    True
    """
    if hierarchy is None:
        groups = {"all": list(data.columns)}
    else:
        lev = hierarchy.levels
        groups = {a: hierarchy.children(a) for a in lev.index[lev == level + 1]}
        if not groups:
            msg = f"pca_weights: the hierarchy has no aggregates above level {level}."
            raise DGIError(msg)
    out = {}
    for members in groups.values():
        missing = [m for m in members if m not in data.columns]
        if missing:
            msg = f"pca_weights: column(s) {missing} of the hierarchy are not in 'data'."
            raise DGIError(msg)
        r, _ = _corr_complete(data[members], "pca_weights")
        vals, vecs = np.linalg.eigh(r)
        v = vecs[:, np.argmax(vals)]
        if v.sum() < 0:
            v = -v
        out.update(dict(zip(members, v, strict=True)))
    return pd.Series(out, dtype=float)


def varimax(loadings: np.ndarray, *, normalize: bool = True, eps: float = 1e-5, max_iter: int = 1000) -> np.ndarray:
    """Varimax rotation of a loading matrix (the algorithm of R's ``stats::varimax``).

    Examples
    --------
    >>> import numpy as np
    >>> a = np.array([[0.8, 0.3], [0.7, 0.4], [0.3, 0.8], [0.2, 0.9]])
    >>> r = varimax(a)
    >>> bool(np.allclose((r ** 2).sum(axis=1), (a ** 2).sum(axis=1)))
    True
    """
    x = np.asarray(loadings, dtype=float)
    p, nc = x.shape
    if nc < 2:
        return x.copy()
    sc = np.sqrt((x**2).sum(axis=1)) if normalize else np.ones(p)
    x = x / sc[:, None]
    tt = np.eye(nc)
    d = 0.0
    for _ in range(max_iter):
        z = x @ tt
        b = x.T @ (z**3 - z @ np.diag((z**2).sum(axis=0)) / p)
        u, s, vt = np.linalg.svd(b)
        tt = u @ vt
        dpast, d = d, float(s.sum())
        if d < dpast * (1 + eps):
            break
    return (x @ tt) * sc[:, None]


@dataclass(frozen=True, slots=True, repr=False)
class FactorWeightsResult:
    """Factor-analysis weights (Handbook §6.1, Tables 16-18).

    Attributes
    ----------
    weights : pandas.Series
        Indicator weights (sum 1).
    eigenvalues : pandas.Series
        Eigenvalues of the correlation matrix.
    rotated_loadings : pandas.DataFrame
        Varimax-rotated loadings of the retained factors.
    explained_variance : pandas.Series
        Variance explained by each rotated factor (column sums of squared loadings).
    scaled_squared_loadings : pandas.DataFrame
        Squared rotated loadings, each factor's column rescaled to sum 1.
    factor : pandas.Series
        The factor each indicator is assigned to.
    """

    weights: pd.Series
    eigenvalues: pd.Series
    rotated_loadings: pd.DataFrame
    explained_variance: pd.Series
    scaled_squared_loadings: pd.DataFrame
    factor: pd.Series

    def to_frame(self) -> pd.DataFrame:
        """Weight and assigned factor per indicator."""
        return pd.DataFrame({"weight": self.weights, "factor": self.factor})

    def __repr__(self) -> str:
        return frame_repr("FactorWeightsResult", self.to_frame())


def factor_analysis_weights(data: pd.DataFrame, *, n_factors: int | None = None) -> FactorWeightsResult:
    """Handbook factor-analysis weights: PCA, varimax, squared loadings, explained-variance shares.

    Steps (Handbook §6.1): PCA of the correlation matrix; keep ``n_factors`` (default: eigenvalue > 1);
    varimax-rotate (Kaiser-normalised) the loadings; square them and rescale each factor's column to
    sum 1; assign each indicator to the factor where its scaled squared loading is largest; weight =
    that scaled squared loading x the factor's share of the explained variance; rescale to sum 1.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(20240101)
    >>> f = rng.normal(size=(60, 2))
    >>> x = pd.DataFrame(np.repeat(f, 2, axis=1) + 0.5 * rng.normal(size=(60, 4)), columns=list("abcd"))
    >>> res = factor_analysis_weights(x, n_factors=2)
    >>> round(float(res.weights.sum()), 6)
    1.0
    """
    r, _ = _corr_complete(data, "factor_analysis_weights")
    vals, vecs = np.linalg.eigh(r)
    order = np.argsort(vals)[::-1]
    vals, vecs = vals[order], vecs[:, order]
    q = r.shape[0]
    m = int((vals > 1).sum()) if n_factors is None else int(n_factors)
    if not 1 <= m <= q:
        msg = f"The 'n_factors' parameter of factor_analysis_weights must be in 1..{q}. Got {n_factors!r}."
        raise DGIError(msg)
    load = vecs[:, :m] * np.sqrt(np.clip(vals[:m], 0, None))
    rot = varimax(load)
    sq = rot**2
    expl = sq.sum(axis=0)
    scaled = sq / expl
    assign = np.argmax(scaled, axis=1)
    w = scaled[np.arange(q), assign] * (expl[assign] / expl.sum())
    w = w / w.sum()
    cols = list(data.columns)
    fnames = [f"factor_{i + 1}" for i in range(m)]
    return FactorWeightsResult(
        weights=pd.Series(w, index=cols),
        eigenvalues=pd.Series(vals, index=[f"pc_{i + 1}" for i in range(q)]),
        rotated_loadings=pd.DataFrame(rot, index=cols, columns=fnames),
        explained_variance=pd.Series(expl, index=fnames),
        scaled_squared_loadings=pd.DataFrame(scaled, index=cols, columns=fnames),
        factor=pd.Series([fnames[i] for i in assign], index=cols),
    )


# ------------------------------------------------------------------------- benefit of the doubt
@dataclass(frozen=True, slots=True, repr=False)
class BoDResult:
    """Benefit-of-the-doubt composite scores.

    Attributes
    ----------
    scores : pandas.Series
        CI per unit in [0, 1].
    weights : pandas.DataFrame
        Units x indicators: each unit's own optimal weights (often not unique when CI = 1).
    n_frontier : int
        Number of units scoring 1 (within 1e-9).
    ratio_bound : float or None
        The weight-ratio bound used.
    """

    scores: pd.Series
    weights: pd.DataFrame
    n_frontier: int
    ratio_bound: float | None

    def to_frame(self) -> pd.DataFrame:
        """Scores and the weights per unit."""
        return pd.concat([self.scores.rename("score"), self.weights], axis=1)

    def __repr__(self) -> str:
        return frame_repr("BoDResult", self.to_frame(), extra=f"n_frontier={self.n_frontier}")


def benefit_of_the_doubt(
    data: pd.DataFrame,
    ratio_bound: float | None = None,
    *,
    lower: Mapping[Any, float] | float | None = None,
    upper: Mapping[Any, float] | float | None = None,
    share_bounds: tuple[float, float] | Mapping[Any, tuple[float, float]] | None = None,
) -> BoDResult:
    """Benefit-of-the-doubt (DEA) scores: each unit's most favourable weights (Handbook eqs 19-22).

    For unit c, ``CI_c = max_w Σ_q w_q I_qc`` subject to ``Σ_q w_q I_qk <= 1`` for every unit k and
    ``w >= 0``, plus the restrictions below; solved with :func:`scipy.optimize.linprog` (HiGHS).

    Parameters
    ----------
    data : pandas.DataFrame
        Units x indicators, normalised and non-negative (the Handbook uses min-max), no NaN.
    ratio_bound : float, optional
        ``ρ >= 1``: every pair of weights satisfies ``w_q <= ρ w_r``.
    lower, upper : float or dict, optional
        Absolute bounds on the weights (per indicator with a dict).
    share_bounds : (L, U) or dict of (L, U), optional
        Pie-share bounds ``L <= w_q I_qc / Σ_r w_r I_rc <= U`` for the unit being scored.

    Returns
    -------
    BoDResult

    Raises
    ------
    DGIError
        Negative or missing data, ``ratio_bound < 1``, or bounds that leave no feasible weights.

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.DataFrame({"a": [1.0, 0.5, 0.0], "b": [0.0, 0.5, 1.0]}, index=["u1", "u2", "u3"])
    >>> benefit_of_the_doubt(x).scores.tolist()
    [1.0, 1.0, 1.0]
    >>> benefit_of_the_doubt(x, ratio_bound=1.0).scores.round(3).tolist()
    [1.0, 1.0, 1.0]
    """
    func = "benefit_of_the_doubt"
    x = _as_table(data, func)
    if x.isna().any().any():
        bad = x.index[x.isna().any(axis=1)].tolist()
        msg = f"{func}: unit(s) {bad} have missing values; impute them first."
        raise DGIError(msg)
    if (x.to_numpy() < 0).any():
        bad = x.index[(x < 0).any(axis=1)].tolist()
        msg = f"{func} needs non-negative normalised data; unit(s) {bad} have negative values (min-max first)."
        raise DGIError(msg)
    mat = x.to_numpy()
    m, q = mat.shape
    cols = list(x.columns)
    rows_ub = [mat]
    rhs = [np.ones(m)]
    if ratio_bound is not None:
        rho = float(ratio_bound)
        if not (np.isfinite(rho) and rho >= 1):
            msg = f"The 'ratio_bound' parameter of {func} must be a float >= 1. Got {ratio_bound!r}."
            raise DGIError(msg)
        pairs = [(a, b) for a in range(q) for b in range(q) if a != b]
        rr = np.zeros((len(pairs), q))
        for k, (a, b) in enumerate(pairs):
            rr[k, a] = 1.0
            rr[k, b] = -rho
        rows_ub.append(rr)
        rhs.append(np.zeros(len(pairs)))
    lo = _bound_vector(lower, cols, 0.0, "lower", func)
    hi = _bound_vector(upper, cols, np.inf, "upper", func)
    if (lo > hi).any():
        msg = f"{func}: 'lower' exceeds 'upper' for {[c for c, a, b in zip(cols, lo, hi, strict=True) if a > b]}."
        raise DGIError(msg)
    bounds = list(zip(lo, [None if not np.isfinite(h) else h for h in hi], strict=True))
    shares: dict[Any, tuple[float, float]] | None = None
    if share_bounds is not None:
        if isinstance(share_bounds, Mapping):
            shares = {c: tuple(share_bounds.get(c, (0.0, 1.0))) for c in cols}  # type: ignore[misc]
        else:
            shares = dict.fromkeys(cols, tuple(share_bounds))  # type: ignore[arg-type]
    a_ub_base = np.vstack(rows_ub)
    b_ub_base = np.concatenate(rhs)
    scores = np.empty(m)
    wts = np.empty((m, q))
    for c in range(m):
        a_ub, b_ub = a_ub_base, b_ub_base
        if shares is not None:
            extra = []
            for j, col in enumerate(cols):
                lo_s, hi_s = (float(v) for v in shares[col])
                e = np.zeros(q)
                e[j] = mat[c, j]
                extra.append(e - hi_s * mat[c])  # w_j I_jc - U Σ w I_c <= 0
                extra.append(lo_s * mat[c] - e)  # L Σ w I_c - w_j I_jc <= 0
            a_ub = np.vstack([a_ub, np.array(extra)])
            b_ub = np.concatenate([b_ub, np.zeros(len(extra))])
        res = optimize.linprog(-mat[c], A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
        if res.status == 2:
            msg = (
                f"{func}: the weight bounds are infeasible (no weights satisfy them for unit "
                f"{x.index[c]!r}); relax 'lower', 'upper', 'share_bounds' or 'ratio_bound'."
            )
            raise DGIError(msg)
        if res.status != 0:
            msg = f"{func}: the LP for unit {x.index[c]!r} failed ({res.message}); check the bounds."
            raise DGIError(msg)
        scores[c] = -res.fun
        wts[c] = res.x
    s = pd.Series(scores, index=x.index, name="bod")
    return BoDResult(
        scores=s,
        weights=pd.DataFrame(wts, index=x.index, columns=cols),
        n_frontier=int((scores >= 1 - 1e-9).sum()),
        ratio_bound=None if ratio_bound is None else float(ratio_bound),
    )


def _bound_vector(value: Any, cols: list[Any], default: float, name: str, func: str) -> np.ndarray:
    if value is None:
        return np.full(len(cols), default)
    if isinstance(value, Mapping):
        unknown = [k for k in value if k not in cols]
        if unknown:
            msg = f"The {name!r} parameter of {func} names unknown indicator(s) {unknown}."
            raise DGIError(msg)
        out = np.array([float(value.get(c, default)) for c in cols])
    else:
        out = np.full(len(cols), float(value))
    if (out < 0).any():
        msg = f"The {name!r} parameter of {func} must be >= 0."
        raise DGIError(msg)
    return out


# ------------------------------------------------------------------------------------------- AHP
@dataclass(frozen=True, slots=True, repr=False)
class AHPResult:
    """Analytic hierarchy process weights.

    Attributes
    ----------
    weights : pandas.Series
        Principal right eigenvector, normalised to sum 1.
    geometric_mean_weights : pandas.Series
        Row geometric means, normalised (a close approximation).
    lambda_max : float
        Principal eigenvalue.
    consistency_index : float
        ``(λ_max - n)/(n - 1)``.
    random_index : float
        Saaty's RI(n) (NaN for n > 10).
    consistency_ratio : float
        ``CI/RI`` (0 for n <= 2; NaN for n > 10). Accept below 0.1.
    """

    weights: pd.Series
    geometric_mean_weights: pd.Series
    lambda_max: float
    consistency_index: float
    random_index: float
    consistency_ratio: float

    @property
    def consistent(self) -> bool:
        """True when the consistency ratio is below 0.1."""
        return bool(self.consistency_ratio < 0.1)

    def to_frame(self) -> pd.DataFrame:
        """Eigenvector and geometric-mean weights."""
        return pd.DataFrame({"weight": self.weights, "geometric_mean_weight": self.geometric_mean_weights})

    def __repr__(self) -> str:
        return frame_repr("AHPResult", self.to_frame(), extra=f"CR={self.consistency_ratio:.4f}")


def ahp(matrix: pd.DataFrame | np.ndarray, *, rtol: float = 1e-3) -> AHPResult:
    """AHP weights from a pairwise comparison matrix (Saaty 1-9 scale, ``a_ji = 1/a_ij``).

    Parameters
    ----------
    matrix : DataFrame or ndarray
        Square, positive, unit diagonal and reciprocal (``a_ij a_ji = 1`` within ``rtol``, so that
        printed values such as 0.33 for 1/3 pass).
    rtol : float
        Tolerance of the reciprocity check.

    Examples
    --------
    >>> import numpy as np
    >>> res = ahp(np.array([[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]]))
    >>> res.weights.round(3).tolist(), round(res.consistency_ratio, 4)
    ([0.648, 0.23, 0.122], 0.0032)
    """
    func = "ahp"
    names: list[Any]
    if isinstance(matrix, pd.DataFrame):
        names = list(matrix.columns)
        if list(matrix.index) != names:
            msg = f"The 'matrix' of {func} must have the same labels on rows and columns in the same order."
            raise DGIError(msg)
        a = matrix.to_numpy(dtype=float)
    else:
        a = np.asarray(matrix, dtype=float)
        names = list(range(a.shape[0])) if a.ndim == 2 else []
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] < 1:
        msg = f"The 'matrix' of {func} must be square. Got shape {a.shape}."
        raise DGIError(msg)
    if not np.all(np.isfinite(a)) or (a <= 0).any():
        msg = f"The 'matrix' of {func} must have positive finite entries."
        raise DGIError(msg)
    n = a.shape[0]
    prod = a * a.T
    if not np.allclose(prod, 1.0, rtol=rtol, atol=0):
        i, j = np.unravel_index(np.argmax(np.abs(prod - 1)), a.shape)
        msg = (
            f"The 'matrix' of {func} is not reciprocal: a[{names[i]!r}, {names[j]!r}] = {a[i, j]:g} but "
            f"a[{names[j]!r}, {names[i]!r}] = {a[j, i]:g} (their product must be 1). Set a_ji = 1/a_ij."
        )
        raise DGIError(msg)
    vals, vecs = np.linalg.eig(a)
    k = int(np.argmax(vals.real))
    lam = float(vals[k].real)
    v = np.abs(vecs[:, k].real)
    w = v / v.sum()
    gm = np.exp(np.log(a).mean(axis=1))
    gm = gm / gm.sum()
    ci = (lam - n) / (n - 1) if n > 1 else 0.0
    ri = SAATY_RANDOM_INDEX.get(n, float("nan"))
    cr = 0.0 if n <= 2 else (ci / ri if np.isfinite(ri) else float("nan"))
    return AHPResult(
        weights=pd.Series(w, index=names),
        geometric_mean_weights=pd.Series(gm, index=names),
        lambda_max=lam,
        consistency_index=float(ci),
        random_index=float(ri),
        consistency_ratio=float(cr),
    )


# ----------------------------------------------------------------------------- optimised weights
@dataclass(frozen=True, slots=True, repr=False)
class OptimisedWeightsResult:
    """Weights optimised so that the components' correlations with the index match target importances.

    Attributes
    ----------
    weights : pandas.Series
        Optimised weights (sum 1).
    correlations_before, correlations_after : pandas.Series
        Pearson correlation of each component with the index at the starting and final weights.
    target : pandas.Series
        Target importances (sum 1).
    objective : float
        Final objective: ``log(mean((t - c/Σc)^2))`` for "balance" (floored at log 1e-300), ``Σ c``
        for "infomax".
    converged : bool
        Whether the optimiser reported success.
    """

    weights: pd.Series
    correlations_before: pd.Series
    correlations_after: pd.Series
    target: pd.Series
    objective: float
    converged: bool
    extra: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """Weight, target and correlations per component."""
        return pd.DataFrame(
            {
                "weight": self.weights,
                "target": self.target,
                "corr_before": self.correlations_before,
                "corr_after": self.correlations_after,
            }
        )

    def __repr__(self) -> str:
        return frame_repr("OptimisedWeightsResult", self.to_frame())


def importance_objective(correlations: np.ndarray, target: np.ndarray) -> float:
    """COINr's balance objective ``log(mean_j (t_j - c_j/Σc)^2)``.

    Parameters
    ----------
    correlations : numpy.ndarray
        Correlation of each component with the index.
    target : numpy.ndarray
        Target importances, summing to 1.

    Returns
    -------
    float
        The objective; lower is better (perfect balance gives the floor ``log(1e-300)``).

    Examples
    --------
    >>> import numpy as np
    >>> round(importance_objective(np.array([0.9, 0.8]), np.array([0.5, 0.5])), 3)
    -7.053
    """
    c = np.asarray(correlations, dtype=float)
    return float(np.log(max(float(np.mean((target - c / c.sum()) ** 2)), 1e-300)))


def optimised_weights(
    components: pd.DataFrame,
    *,
    target: Mapping[Any, float] | pd.Series | None = None,
    method: str = "balance",
    aggregation: str = "arithmetic",
    index: Callable[[pd.Series], pd.Series] | None = None,
    optimiser: str = "coinr",
    reltol: float = 0.1,
    max_iter: int = 500,
) -> OptimisedWeightsResult:
    """Weights whose components' correlations with the index match target importances (COINr-style).

    Parameters
    ----------
    components : pandas.DataFrame
        Units x components at one level (for example the sub-indices).
    target : dict or Series, optional
        Target importances (rescaled to sum 1); default equal.
    method : {"balance", "infomax"}
        "balance" minimises ``log(mean_j (t_j - c_j/Σc)^2)`` with ``c_j = corr(component_j, index)``;
        "infomax" maximises ``Σ c_j``.
    aggregation : str
        How the index is formed from the components (see :func:`aggregate`) when ``index`` is None.
    index : callable, optional
        ``index(weights) -> Series`` of index values per unit, for indices whose weights act deeper in
        a hierarchy.
    optimiser : {"coinr", "precise"}
        ``"coinr"``: R's ``optim`` Nelder-Mead (Nash's ``nmmin``, ported) on COINr's objective
        ``log(mean((t - c/Σc)^2))`` from the start ``t`` with ``reltol`` and ``max_iter`` function
        evaluations, which reproduces COINr's ``get_opt_weights``; the loose default reltol 0.1 stops
        near, not at, the optimum. ``"precise"``: scipy's Nelder-Mead to a tight tolerance on the
        mean squared deviation (same minimiser), for an exact balance.
    reltol, max_iter : float, int
        Relative tolerance and evaluation cap of the "coinr" optimiser (COINr: 0.1 and 500).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(20240101)
    >>> x = pd.DataFrame(rng.normal(size=(40, 2)) * [1.0, 3.0], columns=["a", "b"])
    >>> res = optimised_weights(x, optimiser="precise")
    >>> bool(abs(res.correlations_after["a"] - res.correlations_after["b"]) < 1e-3)
    True
    """
    from dgi_stats.composite.aggregate import aggregate

    func = "optimised_weights"
    x = _as_table(components, func)
    cols = list(x.columns)
    t = check_weights(target, cols, name="target", func=func)
    t = t / t.sum()
    if method not in ("balance", "infomax"):
        msg = f"The 'method' parameter of {func} must be 'balance' or 'infomax'. Got {method!r}."
        raise DGIError(msg)

    xv = x.to_numpy()
    complete = not np.isnan(xv).any()

    def make_index(w: np.ndarray) -> np.ndarray:
        if index is not None:
            return np.asarray(index(pd.Series(w, index=cols)), dtype=float)
        if aggregation == "arithmetic" and complete:
            return xv @ (w / w.sum())
        return aggregate(x, pd.Series(w, index=cols), method=aggregation).to_numpy()


    def corrs(w: np.ndarray) -> np.ndarray:
        y = make_index(w)
        return np.array([np.corrcoef(xv[:, j], y)[0, 1] for j in range(len(cols))])

    def obj(theta: np.ndarray) -> float:
        w = np.abs(theta)
        if not w.sum() > 0:
            return np.inf
        c = corrs(w / w.sum())
        if method == "infomax":
            return -float(c.sum())
        # the mean squared deviation has the same minimiser as its log and no -inf at a perfect fit
        return float(np.mean((t.to_numpy() - c / c.sum()) ** 2))

    if optimiser not in ("coinr", "precise"):
        msg = f"The 'optimiser' parameter of {func} must be 'coinr' or 'precise'. Got {optimiser!r}."
        raise DGIError(msg)
    start = t.to_numpy()
    before = corrs(start)
    if optimiser == "coinr":

        def obj_log(theta: np.ndarray) -> float:
            val = obj(theta)
            return val if method == "infomax" else float(np.log(val)) if val > 0 else -np.inf

        x_best, _, _n_eval, code = _r_nelder_mead(obj_log, start, reltol=reltol, max_eval=max_iter)
        converged = code == 0
    else:
        res = optimize.minimize(
            obj, start, method="Nelder-Mead",
            options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": 20 * max_iter, "maxfev": 40 * max_iter},
        )
        x_best, converged = res.x, bool(res.success)
    w = np.abs(x_best)
    w = w / w.sum()
    after = corrs(w)
    return OptimisedWeightsResult(
        weights=pd.Series(w, index=cols),
        correlations_before=pd.Series(before, index=cols),
        correlations_after=pd.Series(after, index=cols),
        target=t,
        objective=(float(after.sum()) if method == "infomax" else importance_objective(after, t.to_numpy())),
        converged=bool(converged),
    )


def _r_nelder_mead(
    fn: Callable[[np.ndarray], float], start: np.ndarray, *, reltol: float, max_eval: int
) -> tuple[np.ndarray, float, int, int]:
    """R's ``optim(method = "Nelder-Mead")`` (J. C. Nash's ``nmmin``; alpha 1, beta 0.5, gamma 2).

    Returns the best point, its value, the number of evaluations and R's ``convergence`` code
    (0 converged, 1 evaluation cap reached, 10 degenerate simplex).
    """
    big = 1.0e35
    b = np.array(start, dtype=float)
    n = b.size
    n1 = n + 1
    p = np.zeros((n1, n + 2))  # rows 0..n-1: coordinates, row n: values; column n+1: centroid

    def f_(x: np.ndarray) -> float:
        v = float(fn(x))
        return v if np.isfinite(v) else big

    f = float(fn(b))
    if not np.isfinite(f):
        msg = "optimised_weights: the objective cannot be evaluated at the starting weights."
        raise DGIError(msg)
    funcount = 1
    convtol = reltol * (abs(f) + reltol)
    p[n, 0] = f
    p[:n, 0] = b
    low = 0  # index of the lowest vertex
    step = max(0.1 * float(np.max(np.abs(b))), 0.0) or 0.1
    size = 0.0
    for j in range(1, n1):
        p[:n, j] = b
        trystep = step
        while p[j - 1, j] == b[j - 1]:
            p[j - 1, j] = b[j - 1] + trystep
            trystep *= 10
        size += trystep
    oldsize = size
    calcvert = True
    code = 0
    c = n + 1
    while True:
        if calcvert:
            for j in range(n1):
                if j != low:
                    p[n, j] = f_(p[:n, j].copy())
                    funcount += 1
            calcvert = False
        vl = p[n, low]
        vh = vl
        high = low
        for j in range(n1):
            if j != low:
                fj = p[n, j]
                if fj < vl:
                    low, vl = j, fj
                if fj > vh:
                    high, vh = j, fj
        if vh <= vl + convtol:
            break
        p[:n, c] = (p[:n, :n1].sum(axis=1) - p[:n, high]) / n
        b = 2.0 * p[:n, c] - p[:n, high]
        vr = f_(b)
        funcount += 1
        if vr < vl:
            p[n, c] = vr
            ext = 2.0 * b - p[:n, c]
            p[:n, c] = b
            b = ext
            fe = f_(b)
            funcount += 1
            if fe < vr:
                p[:n, high] = b
                p[n, high] = fe
            else:
                p[:n, high] = p[:n, c]
                p[n, high] = vr
        else:
            if vr < vh:
                p[:n, high] = b
                p[n, high] = vr
            b = 0.5 * p[:n, high] + 0.5 * p[:n, c]
            fc = f_(b)
            funcount += 1
            if fc < p[n, high]:
                p[:n, high] = b
                p[n, high] = fc
            elif vr >= vh:
                calcvert = True
                size = 0.0
                for j in range(n1):
                    if j != low:
                        p[:n, j] = 0.5 * (p[:n, j] - p[:n, low]) + p[:n, low]
                        size += float(np.abs(p[:n, j] - p[:n, low]).sum())
                if size < oldsize:
                    oldsize = size
                else:
                    code = 10
                    break
        if funcount > max_eval:
            code = 1
            break
    return p[:n, low].copy(), float(p[n, low]), funcount, code


# -------------------------------------------------------------------------- variance importance
def variance_importance(data: pd.DataFrame, weights: Any = None) -> pd.DataFrame:
    """How much each component drives a linear total, next to its nominal weight.

    For ``T = Σ_d w_d D_d``: ``variance_share_d = w_d cov(D_d, T)/var(T)`` (sums to 1),
    ``corr_d = corr(D_d, T)``, ``corr_squared_d`` (Paruolo, Saisana & Saltelli 2013's first-order
    measure for a linear index) and its normalised version.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [1.0, 1.5, 1.0, 1.5]})
    >>> variance_importance(d)["variance_share"].round(3).tolist()
    [0.88, 0.12]
    """
    func = "variance_importance"
    x = _as_table(data, func).dropna()
    w = check_weights(weights, list(x.columns), func=func)
    w = w / w.sum()
    xv = x.to_numpy()
    t = xv @ w.to_numpy()
    var_t = float(np.var(t, ddof=1))
    if not var_t > 0:
        msg = f"{func}: the total does not vary across units."
        raise DGIError(msg)
    cov = np.array([np.cov(xv[:, j], t, ddof=1)[0, 1] for j in range(xv.shape[1])])
    sd = xv.std(axis=0, ddof=1)
    corr = cov / (sd * np.sqrt(var_t))
    c2 = corr**2
    return pd.DataFrame(
        {
            "weight": w,
            "variance_share": w.to_numpy() * cov / var_t,
            "corr": corr,
            "corr_squared": c2,
            "corr_squared_share": c2 / c2.sum(),
        },
        index=x.columns,
    )


# ------------------------------------------------------------------------------------ dispatcher
_SCHEMES = ("equal", "pca", "factor_analysis", "budget", "ahp", "optimised")


def weights(data: pd.DataFrame | None = None, scheme: str = "equal", **options: Any) -> pd.Series:
    """Weights by scheme name (a dispatcher over the functions of this module).

    Parameters
    ----------
    data : pandas.DataFrame, optional
        Units x components (used by "equal", "pca", "factor_analysis", "optimised").
    scheme : {"equal", "pca", "factor_analysis", "budget", "ahp", "optimised"}
        "budget" needs ``budgets=`` (experts x components); "ahp" needs ``matrix=``. The other
        keyword options go to the scheme's function.

    Returns
    -------
    pandas.Series
        Weights indexed by component. PCA weights are returned as COINr gives them (unit norm, may
        be negative); all other schemes sum to 1.

    Examples
    --------
    >>> import pandas as pd
    >>> weights(pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 1.0]})).tolist()
    [0.5, 0.5]
    """
    if scheme not in _SCHEMES:
        msg = f"The 'scheme' parameter of weights must be one of {_SCHEMES}. Got {scheme!r} instead."
        raise DGIError(msg)
    if scheme == "budget":
        return budget_allocation(options.pop("budgets"), **options)
    if scheme == "ahp":
        return ahp(options.pop("matrix"), **options).weights
    if data is None:
        msg = f"weights(scheme={scheme!r}) needs 'data'."
        raise DGIError(msg)
    if scheme == "equal":
        return equal_weights(data)
    if scheme == "pca":
        return pca_weights(data, **options)
    if scheme == "factor_analysis":
        return factor_analysis_weights(data, **options).weights
    return optimised_weights(data, **options).weights
