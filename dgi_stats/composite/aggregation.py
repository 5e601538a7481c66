"""Aggregation of normalised indicators into a composite (OECD/JRC Handbook §6.2, COINr ``Aggregate``).

Compensatory means (arithmetic, geometric, harmonic, generalised power mean), rank-based methods
(Borda, Copeland), the outranking matrix and the exact Kemeny (Condorcet-Kemeny-Young-Levenglick)
ranking by a linear-ordering integer program (:func:`scipy.optimize.milp`).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, sparse

from dgi_stats._results import Result, frame_repr
from dgi_stats._validation import check_choice
from dgi_stats.composite._common import WeightsLike, as_table, check_weights, weighted_mean
from dgi_stats.composite.hierarchy import Hierarchy
from dgi_stats.exceptions import DGIError

__all__ = [
    "AGGREGATION_METHODS",
    "KemenyResult",
    "aggregate",
    "aggregate_hierarchy",
    "kemeny",
    "outranking_matrix",
]

AGGREGATION_METHODS = (
    "arithmetic",
    "geometric",
    "harmonic",
    "generalised",
    "minimum",
    "borda",
    "copeland",
)


def aggregate(
    data: pd.DataFrame,
    weights: WeightsLike | None = None,
    *,
    method: str = "arithmetic",
    p: float | None = None,
    min_share: float | None = None,
) -> pd.Series:
    """Aggregate the columns of a unit x indicator table into one score per unit.

    Parameters
    ----------
    data : pandas.DataFrame
        Units x components (normalised). NaN drops out of the numerator and the weight sum (COINr).
    weights : dict, Series or array, optional
        One non-negative weight per column (rescaled over each unit's available components);
        equal weights when None.
    method : str
        ``"arithmetic"`` ``Σ w I / Σ w``; ``"geometric"`` ``exp(Σ w ln I / Σ w)`` (needs I > 0);
        ``"harmonic"`` ``Σ w / Σ (w/I)`` (needs I > 0); ``"generalised"`` ``(Σ w I^p / Σ w)^(1/p)``
        with ``p`` (p = 0 is the geometric mean; p < 0 needs I > 0, p > 0 needs I >= 0);
        ``"minimum"`` the smallest component (p -> -inf); ``"borda"`` ``Q Σ_q w_q (rank_qc - 1)`` with
        ascending ranks (ties min), weights rescaled to sum 1 and Q the number of components with
        positive weight (with equal weights, the Borda count of Handbook eq. 29);
        ``"copeland"`` ``Σ_k sgn(e_jk - 1/2)`` from the weighted outranking matrix.
    p : float, optional
        Exponent of the generalised mean.
    min_share : float, optional
        COINr's ``dat_thresh``: a unit whose share of non-missing components is below it gets NaN.

    Returns
    -------
    pandas.Series
        Score per unit, named ``"score"``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> x = pd.DataFrame({"a": [1, 2, 3], "b": [3, np.nan, np.nan], "c": [1, np.nan, 1]},
    ...                  dtype=float)
    >>> aggregate(x, min_share=2 / 3).round(4).tolist()
    [1.6667, nan, 2.0]
    >>> aggregate(pd.DataFrame({"a": [21.0, 6.0], "b": [1.0, 6.0], "c": [1.0, 6.0], "d": [1.0, 6.0]}),
    ...           method="geometric").round(2).tolist()
    [2.14, 6.0]
    """
    func = "aggregate"
    check_choice(method, AGGREGATION_METHODS, name="method", func=func)
    x = as_table(data, func)
    w = check_weights(weights, list(x.columns), func=func)
    if method == "generalised":
        if p is None or not np.isfinite(float(p)):
            msg = "method='generalised' of aggregate needs a finite exponent 'p'."
            raise DGIError(msg)
        if float(p) == 0.0:
            method = "geometric"
    vals = x.to_numpy()
    wv = w.to_numpy()
    avail = ~np.isnan(vals)
    used = avail & (wv > 0)
    if method in ("borda", "copeland"):
        if not avail.all():
            bad = x.index[~avail.all(axis=1)].tolist()
            msg = f"method={method!r} of aggregate needs complete data; unit(s) {bad} have NaN."
            raise DGIError(msg)
        if method == "borda":
            ranks = x.rank(ascending=True, method="min").to_numpy() - 1
            out = int((wv > 0).sum()) * ranks @ (wv / wv.sum())
        else:
            sgn = np.sign(outranking_matrix(x, w).to_numpy() - 0.5)
            np.fill_diagonal(sgn, 0.0)
            out = sgn.sum(axis=1)
        return pd.Series(out, index=x.index, name="score")
    if method in ("geometric", "harmonic") or (method == "generalised" and float(p) < 0):  # type: ignore[arg-type]
        bad_mask = used & (vals <= 0)
        if bad_mask.any():
            bad = x.index[bad_mask.any(axis=1)].tolist()
            cols = x.columns[bad_mask.any(axis=0)].tolist()
            msg = (
                f"method={method!r} of aggregate needs values > 0, but unit(s) {bad} have zeros or "
                f"negative values in column(s) {cols}; normalise to a range that excludes 0 "
                "(e.g. min-max to [1, 100] or goalposts to [1, 10])."
            )
            raise DGIError(msg)
    if method == "generalised" and float(p) > 0 and (used & (vals < 0)).any():  # type: ignore[arg-type]
        bad = x.index[(used & (vals < 0)).any(axis=1)].tolist()
        msg = f"method='generalised' with p > 0 needs values >= 0; unit(s) {bad} have negative values."
        raise DGIError(msg)
    ww = np.where(avail, wv, 0.0)
    wsum = ww.sum(axis=1)
    xs = np.where(used, vals, 1.0)  # components with zero weight never enter a log or a ratio
    if method == "minimum":  # minimum over the components with positive weight
        out = np.where(used, vals, np.inf).min(axis=1)
        out[~used.any(axis=1)] = np.nan
    else:
        out = weighted_mean(ww, xs, wsum, method, None if p is None else float(p))
    out = np.where(wsum > 0, out, np.nan)
    if min_share is not None:
        share = avail.mean(axis=1)
        out = np.where(share >= float(min_share) - 1e-12, out, np.nan)
    return pd.Series(out, index=x.index, name="score")


def aggregate_hierarchy(
    data: pd.DataFrame,
    hierarchy: Hierarchy,
    *,
    method: str | dict[int, str] = "arithmetic",
    p: float | None = None,
    min_share: float | None = None,
) -> pd.DataFrame:
    """Aggregate indicators level by level through a hierarchy (COINr's "Aggregated" data set).

    Parameters
    ----------
    data : pandas.DataFrame
        Units x indicators: one column per leaf of ``hierarchy`` (extra columns are an error).
    hierarchy : Hierarchy
        The tree and the weights (rescaled to sum 1 inside each group).
    method : str or dict
        Aggregation method (see :func:`aggregate`), or ``{level: method}`` for levels 2, 3, ...
    p, min_share
        As in :func:`aggregate`.

    Returns
    -------
    pandas.DataFrame
        The indicators followed by every aggregate, bottom-up.

    Examples
    --------
    >>> import pandas as pd
    >>> h = Hierarchy.from_groups({"G1": ["a", "b"], "G2": ["c"]}, root="index")
    >>> x = pd.DataFrame({"a": [1.0, 3.0], "b": [3.0, 3.0], "c": [4.0, 0.0]})
    >>> aggregate_hierarchy(x, h)["index"].tolist()
    [3.0, 1.5]
    """
    if not isinstance(hierarchy, Hierarchy):
        msg = f"The 'hierarchy' parameter of aggregate_hierarchy must be a Hierarchy. Got {type(hierarchy).__name__}."
        raise DGIError(msg)
    leaves = hierarchy.leaves
    x = as_table(data, "aggregate_hierarchy")
    missing = [c for c in leaves if c not in x.columns]
    extra = [c for c in x.columns if c not in leaves]
    if missing or extra:
        msg = (
            "The columns of 'data' do not match the hierarchy's indicators: "
            f"missing {missing}, not in the hierarchy {extra}."
        )
        raise DGIError(msg)
    out = x[leaves].copy()
    lev = hierarchy.levels
    for agg in hierarchy.aggregates():
        m = method if isinstance(method, str) else method.get(int(lev[agg]), "arithmetic")
        ch = hierarchy.children(agg)
        out[agg] = aggregate(out[ch], hierarchy.weight[ch], method=m, p=p, min_share=min_share)
    return out


def outranking_matrix(data: pd.DataFrame, weights: WeightsLike | None = None) -> pd.DataFrame:
    """Weighted outranking matrix ``e_jk = Σ_q w_q [x_qj > x_qk] + ½ Σ_q w_q [x_qj = x_qk]`` (Hb eq. 32).

    Weights are rescaled to sum 1, so ``e_jk + e_kj = 1``. Works on raw data.

    Parameters
    ----------
    data : pandas.DataFrame
        Units x indicators, complete.
    weights : dict, Series or array, optional
        Indicator weights (equal when None).

    Returns
    -------
    pandas.DataFrame
        Units x units, ``e_jk`` (0 on the diagonal).

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.DataFrame({"a": [3.0, 1.0], "b": [1.0, 1.0]}, index=["u", "v"])
    >>> outranking_matrix(x).to_numpy().tolist()
    [[0.0, 0.75], [0.25, 0.0]]
    """
    x = as_table(data, "outranking_matrix")
    if x.isna().any().any():
        bad = x.index[x.isna().any(axis=1)].tolist()
        msg = f"outranking_matrix needs complete data; unit(s) {bad} have NaN."
        raise DGIError(msg)
    w = check_weights(weights, list(x.columns), func="outranking_matrix").to_numpy()
    w = w / w.sum()
    v = x.to_numpy()
    gt = (v[:, None, :] > v[None, :, :]).astype(float)
    eq = (v[:, None, :] == v[None, :, :]).astype(float)
    e = gt @ w + 0.5 * (eq @ w)
    np.fill_diagonal(e, 0.0)
    return pd.DataFrame(e, index=x.index, columns=x.index)


@dataclass(frozen=True, slots=True, repr=False)
class KemenyResult(Result):
    """Exact Kemeny (C-K-Y-L) ranking(s).

    Parameters
    ----------
    ranking : pandas.Series
        Rank per unit (1 = best) of the reported optimal ranking: among all optimal rankings found,
        the one that lists units earlier in the input order first wherever the optima differ
        (lexicographically smallest vector of positions).
    rankings : list of list
        Every optimal ranking found (unit labels, best first).
    score : float
        The optimal ``Σ_{j above k} e_jk``.
    complete : bool
        True when all optimal rankings were enumerated (False when ``max_solutions`` was reached).
    outranking : pandas.DataFrame
        The outranking matrix used.

    Examples
    --------
    >>> x = pd.DataFrame({"a": [2.0, 1.0], "b": [2.0, 1.0]}, index=["u", "v"])
    >>> kemeny(x).to_frame()["rank"].tolist()
    [1, 2]
    """

    ranking: pd.Series
    rankings: list[list[Hashable]]
    score: float
    complete: bool
    outranking: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """Rank per unit of the reported ranking.

        Returns
        -------
        pandas.DataFrame
        """
        return self.ranking.to_frame("rank")

    def __repr__(self) -> str:
        return frame_repr(
            "KemenyResult", self.to_frame(),
            extra=f"score={self.score:g}, n_optimal={len(self.rankings)}, complete={self.complete}",
        )


def kemeny(
    data: pd.DataFrame,
    weights: WeightsLike | None = None,
    *,
    from_outranking: bool = False,
    max_solutions: int = 100,
    max_units: int = 30,
) -> KemenyResult:
    """Exact Kemeny ranking: the order maximising ``Σ_{j above k} e_jk`` (Handbook eq. 33).

    Solved as a linear-ordering integer program with :func:`scipy.optimize.milp` (binary ``x_jk`` for
    ``j < k`` and the 3-cycle constraints ``0 <= x_jk + x_kl - x_jl <= 1``). All optimal rankings are
    enumerated with no-good cuts, up to ``max_solutions``.

    Parameters
    ----------
    data : pandas.DataFrame
        Units x indicators (raw or normalised), or the outranking matrix when ``from_outranking``.
    weights : optional
        Indicator weights (equal when None); ignored when ``from_outranking``.
    from_outranking : bool
        Treat ``data`` as an outranking matrix (units x units, ``e_jk + e_kj = 1``).
    max_solutions : int
        Stop after this many optimal rankings.
    max_units : int
        Refuse larger problems (the program has O(M^3) constraints); ~25 units solve in well under
        a second.

    Returns
    -------
    KemenyResult
        The reported optimal ranking, every optimal ranking found, and the outranking matrix.

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.DataFrame({"a": [3.0, 2.0, 1.0], "b": [1.0, 3.0, 2.0], "c": [2.0, 3.0, 1.0]},
    ...                  index=["u", "v", "w"])
    >>> kemeny(x).rankings
    [['v', 'u', 'w']]
    """
    if from_outranking:
        e_df = as_table(data, "kemeny")
        if list(e_df.index) != list(e_df.columns):
            msg = "kemeny(from_outranking=True) needs a square matrix with the same unit labels on both axes."
            raise DGIError(msg)
    else:
        e_df = outranking_matrix(data, weights)
    units = list(e_df.index)
    m = len(units)
    if m > max_units:
        msg = f"kemeny: {m} units exceed max_units={max_units}; the exact program grows as M^3."
        raise DGIError(msg)
    e = e_df.to_numpy()
    if m == 1:
        return KemenyResult(pd.Series([1], index=units, name="rank"), [units], 0.0, True, e_df)
    pairs = [(j, k) for j in range(m) for k in range(j + 1, m)]
    pid = {pk: i for i, pk in enumerate(pairs)}
    nvar = len(pairs)
    c = np.array([-(e[j, k] - e[k, j]) for j, k in pairs])
    const = float(sum(e[k, j] for j, k in pairs))
    rows, cols, vals = [], [], []
    r = 0
    for j in range(m):
        for k in range(j + 1, m):
            for el in range(k + 1, m):
                rows += [r, r, r]
                cols += [pid[(j, k)], pid[(k, el)], pid[(j, el)]]
                vals += [1.0, 1.0, -1.0]
                r += 1
    cons = []
    if r:
        a = sparse.csr_array((vals, (rows, cols)), shape=(r, nvar))
        cons.append(optimize.LinearConstraint(a, np.zeros(r), np.ones(r)))
    integrality = np.ones(nvar)
    bounds = optimize.Bounds(np.zeros(nvar), np.ones(nvar))
    solutions: list[np.ndarray] = []
    best = None
    cuts: list[np.ndarray] = []
    complete = False
    while len(solutions) < max_solutions:
        allc = list(cons)
        if cuts:
            cm = np.vstack(cuts)
            ub = np.array([cut[cut > 0].sum() - 1 for cut in cuts])
            allc.append(optimize.LinearConstraint(cm, -np.inf, ub))
        res = optimize.milp(c, constraints=allc, integrality=integrality, bounds=bounds)
        if res.status != 0 or res.x is None:
            complete = True
            break
        val = const - float(res.fun)
        if best is not None and val < best - 1e-9:
            complete = True
            break
        best = val if best is None else best
        xs = np.round(res.x)
        solutions.append(xs)
        cuts.append(np.where(xs > 0.5, 1.0, -1.0))
    orders = []
    for xs in solutions:
        above = np.zeros(m)  # number of units ranked above each unit
        for (j, k), v in zip(pairs, xs, strict=True):
            if v > 0.5:
                above[k] += 1
            else:
                above[j] += 1
        orders.append(above.astype(int))
    orders.sort(key=lambda pos: tuple(pos))
    rankings = [[units[i] for i in np.argsort(pos)] for pos in orders]
    ranking = pd.Series(orders[0] + 1, index=units, name="rank")
    return KemenyResult(ranking, rankings, float(best if best is not None else 0.0), complete, e_df)
