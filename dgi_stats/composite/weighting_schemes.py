"""Weighting schemes for composite indices (OECD/JRC Handbook §6, COINr).

Equal weights, budget allocation, PCA weights (COINr), factor-analysis weights (the Handbook's
varimax recipe) and :func:`weights`, which picks a scheme by name. The other schemes live beside
this module and are re-exported here: benefit of the doubt (:mod:`~dgi_stats.composite.bod`), AHP
(:mod:`~dgi_stats.composite.pairwise`), weights optimised to target importances and the variance
importance of components (:mod:`~dgi_stats.composite.importance`), the tree of weights
(:mod:`~dgi_stats.composite.hierarchy`) and the weight check (``check_weights``).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from dgi_stats._results import Result, frame_repr
from dgi_stats.composite._common import as_table, check_weights
from dgi_stats.composite.bod import BoDResult, benefit_of_the_doubt
from dgi_stats.composite.hierarchy import Hierarchy, effective_weights
from dgi_stats.composite.importance import (
    OptimisedWeightsResult,
    importance_objective,
    optimised_weights,
    variance_importance,
)
from dgi_stats.composite.pairwise import SAATY_RANDOM_INDEX, AHPResult, ahp
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
    "importance_objective",
    "optimised_weights",
    "pca_weights",
    "variance_importance",
    "varimax",
    "weights",
]


def equal_weights(columns: Sequence[Hashable] | pd.DataFrame) -> pd.Series:
    """Equal weights ``1/Q`` for the columns of a table (or a list of names).

    Parameters
    ----------
    columns : sequence or pandas.DataFrame
        Component names, or a table whose columns are the components.

    Returns
    -------
    pandas.Series
        ``1/Q`` per component.

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

    Returns
    -------
    pandas.Series
        Weights per indicator, summing to 1.

    Examples
    --------
    >>> import pandas as pd
    >>> b = pd.DataFrame({"a": [50, 30], "b": [30, 30], "c": [20, 40]})
    >>> budget_allocation(b).tolist()
    [0.4, 0.3, 0.3]
    """
    b = as_table(budgets, "budget_allocation")
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
    x = as_table(data, func).dropna()
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

    Parameters
    ----------
    data : pandas.DataFrame
        Units x indicators.
    hierarchy : Hierarchy, optional
        Groups the indicators; PCA is run per group.
    level : int
        The level of the weighted elements (the groups are the aggregates at ``level + 1``).

    Returns
    -------
    pandas.Series
        Weight per indicator (each group's vector has unit norm).

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

    Parameters
    ----------
    loadings : numpy.ndarray
        Indicators x factors.
    normalize : bool
        Kaiser normalisation (rows scaled to unit length during the rotation).
    eps : float
        Relative tolerance of the criterion.
    max_iter : int
        Iteration cap.

    Returns
    -------
    numpy.ndarray
        The rotated loadings.

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
class FactorWeightsResult(Result):
    """Factor-analysis weights (Handbook §6.1, Tables 16-18).

    Parameters
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

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> x = pd.DataFrame(rng.normal(size=(30, 3)), columns=["a", "b", "c"])
    >>> list(factor_analysis_weights(x, n_factors=1).to_frame().columns)
    ['weight', 'factor']
    """

    weights: pd.Series
    eigenvalues: pd.Series
    rotated_loadings: pd.DataFrame
    explained_variance: pd.Series
    scaled_squared_loadings: pd.DataFrame
    factor: pd.Series

    def to_frame(self) -> pd.DataFrame:
        """Weight and assigned factor per indicator.

        Returns
        -------
        pandas.DataFrame
        """
        return pd.DataFrame({"weight": self.weights, "factor": self.factor})

    def __repr__(self) -> str:
        return frame_repr("FactorWeightsResult", self.to_frame())


def factor_analysis_weights(data: pd.DataFrame, *, n_factors: int | None = None) -> FactorWeightsResult:
    """Handbook factor-analysis weights: PCA, varimax, squared loadings, explained-variance shares.

    Steps (Handbook §6.1): PCA of the correlation matrix; keep ``n_factors`` (default: eigenvalue > 1);
    varimax-rotate (Kaiser-normalised) the loadings; square them and rescale each factor's column to
    sum 1; assign each indicator to the factor where its scaled squared loading is largest; weight =
    that scaled squared loading x the factor's share of the explained variance; rescale to sum 1.

    Parameters
    ----------
    data : pandas.DataFrame
        Units x indicators (complete cases are used).
    n_factors : int, optional
        Factors retained (default: the eigenvalues above 1).

    Returns
    -------
    FactorWeightsResult
        The weights with the eigenvalues, rotated loadings and factor of each indicator.

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
    **options
        Keyword arguments of the scheme's function (``budgets=`` and ``matrix=`` included).

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
