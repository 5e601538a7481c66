"""The importance of each component in a composite: weights optimised to target importances
(COINr ``get_opt_weights``) and the variance-based importance of components in a linear total
(Paruolo, Saisana & Saltelli 2013).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize

from dgi_stats._results import Result, frame_repr
from dgi_stats.composite._common import WeightsLike, as_table, check_weights
from dgi_stats.composite.aggregation import aggregate
from dgi_stats.exceptions import DGIError

__all__ = ["OptimisedWeightsResult", "importance_objective", "optimised_weights", "variance_importance"]


@dataclass(frozen=True, slots=True, repr=False)
class OptimisedWeightsResult(Result):
    """Weights optimised so that the components' correlations with the index match target importances.

    Parameters
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
    extra : dict
        Other details of the run (empty by default).

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> x = pd.DataFrame(rng.normal(size=(30, 2)), columns=["a", "b"])
    >>> list(optimised_weights(x).to_frame().columns)
    ['weight', 'target', 'corr_before', 'corr_after']
    """

    weights: pd.Series
    correlations_before: pd.Series
    correlations_after: pd.Series
    target: pd.Series
    objective: float
    converged: bool
    extra: dict[str, object] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """Weight, target and correlations per component.

        Returns
        -------
        pandas.DataFrame
        """
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
    target: Mapping[Hashable, float] | pd.Series | None = None,
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

    Returns
    -------
    OptimisedWeightsResult
        The weights (sum 1), the correlations before and after, and the objective.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(20240101)
    >>> x = pd.DataFrame(rng.normal(size=(40, 2)) * [1.0, 3.0], columns=["a", "b"])
    >>> res = optimised_weights(x, optimiser="precise")
    >>> bool(abs(res.correlations_after["a"] - res.correlations_after["b"]) < 1e-3)
    True
    """
    func = "optimised_weights"
    x = as_table(components, func)
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
def variance_importance(data: pd.DataFrame, weights: WeightsLike | None = None) -> pd.DataFrame:
    """How much each component drives a linear total, next to its nominal weight.

    For ``T = Σ_d w_d D_d``: ``variance_share_d = w_d cov(D_d, T)/var(T)`` (sums to 1),
    ``corr_d = corr(D_d, T)``, ``corr_squared_d`` (Paruolo, Saisana & Saltelli 2013's first-order
    measure for a linear index) and its normalised version.

    Parameters
    ----------
    data : pandas.DataFrame
        Units x components (units with a missing value are dropped).
    weights : dict, Series or array, optional
        Nominal weights (equal when None; rescaled to sum 1).

    Returns
    -------
    pandas.DataFrame
        Per component: ``weight``, ``variance_share``, ``corr``, ``corr_squared``,
        ``corr_squared_share``.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [1.0, 1.5, 1.0, 1.5]})
    >>> variance_importance(d)["variance_share"].round(3).tolist()
    [0.88, 0.12]
    """
    func = "variance_importance"
    x = as_table(data, func).dropna()
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
