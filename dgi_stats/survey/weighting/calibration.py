"""Calibration to population totals: linear (GREG), raking and logit, as R's ``calibrate``.

The calibrated weights are ``w_i g_i`` with ``g_i = 1 + F(x_i' η)`` and ``η`` solving the calibration
equations ``Σ w_i g_i x_i = T``:

* ``"linear"``: ``F(u) = u`` clamped to ``[L - 1, U - 1]``. Without bounds this is the closed-form
  GREG ``g = 1 + X (X'WX)^{-1} (T - X'w)`` (R's ``regcalibrate``).
* ``"raking"``: ``F(u) = exp(u) - 1`` (clamped to the bounds).
* ``"logit"``: ``F(u) = (L(U-1) + U(1-L) e^{Au}) / (U - 1 + (1-L) e^{Au}) - 1`` with
  ``A = (U - L)/((U - 1)(1 - L))``; it needs finite bounds ``L < 1 < U``.

``η`` is found by Newton steps with a Moore-Penrose inverse (R's ``grake``), stopping when every
``|misfit_j| / (1 + |T_j|)`` is below ``tol``. A replicate design is calibrated replicate by
replicate. The Taylor variance residualises influence values on the model matrix:
``z <- w · (u - X B̂)``, ``u = z / w``, with ``B̂`` the regression of ``u`` on ``X`` weighted by the
weights *before* calibration (R's ``greg_calibration`` entry of ``postStrata``).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations, product
from typing import Any, Literal, overload

import numpy as np
import pandas as pd

from dgi_stats._results import Result
from dgi_stats._validation import did_you_mean
from dgi_stats.exceptions import ConvergenceWarning, DGIError
from dgi_stats.survey.design import SurveyDesign
from dgi_stats.survey.weighting._common import (
    check_design,
    check_iteration_options,
    finish_weighting,
    validate_margins,
    weights_matrix,
)
from dgi_stats.survey.weighting.greg import GregCalibrationStep

__all__ = ["CalibrationResult", "GregCalibrationStep", "calibrate", "calibrate_weights", "model_matrix"]

Method = Literal["linear", "raking", "logit"]
_METHODS = ("linear", "raking", "logit")


# ---------------------------------------------------------------------------------------------
# model matrix
# ---------------------------------------------------------------------------------------------
# A factor of a term: ("1",) intercept, ("x", col) numeric column, ("i", col, level) indicator.
_Factor = tuple[Any, ...]
_Term = tuple[_Factor, ...]


def _is_numeric(s: pd.Series) -> bool:
    return bool(pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s))


def _levels(s: pd.Series) -> list[Any]:
    if isinstance(s.dtype, pd.CategoricalDtype):
        return list(s.cat.categories)
    return sorted(pd.unique(s.dropna()).tolist(), key=lambda v: (str(type(v)), v))


def _resolve_part(data: pd.DataFrame, part: str, name: str) -> _Factor:
    if part in ("(Intercept)", "Intercept", "intercept", "1"):
        return ("1",)
    if part in data.columns:
        if _is_numeric(data[part]):
            return ("x", part)
        msg = (
            f"calibrate: total {name!r} names the categorical column {part!r}; give one total per "
            f"level as '{part}<level>' (R style, e.g. '{part}{_levels(data[part])[-1]}') or "
            f"'{part}=<level>'."
        )
        raise DGIError(msg)
    if "=" in part:
        col, lev = part.split("=", 1)
        if col in data.columns:
            matches = [v for v in pd.unique(data[col].dropna()) if str(v) == lev]
            if not matches:
                msg = f"calibrate: total {name!r}: level {lev!r} does not occur in column {col!r}."
                raise DGIError(msg)
            return ("i", col, matches[0])
    candidates = []
    for col in data.columns:
        c = str(col)
        if part.startswith(c) and len(part) > len(c) and not _is_numeric(data[col]):
            lev = part[len(c):]
            matches = [v for v in pd.unique(data[col].dropna()) if str(v) == lev]
            if matches:
                candidates.append(("i", col, matches[0]))
    if len(candidates) == 1:
        return candidates[0]
    if len(candidates) > 1:
        msg = (
            f"calibrate: total {name!r} is ambiguous ({[c[1] for c in candidates]}); write it as "
            "'column=level'."
        )
        raise DGIError(msg)
    msg = (
        f"calibrate: total {name!r} matches no column: use '(Intercept)', a numeric column, "
        "'<column><level>' or '<column>=<level>' (and ':' for interactions); "
        f"{did_you_mean([name], data.columns, what='data columns')}."
    )
    raise DGIError(msg)


def _term_name(term: _Term) -> str:
    parts = []
    for f in term:
        if f[0] == "1":
            parts.append("(Intercept)")
        elif f[0] == "x":
            parts.append(str(f[1]))
        else:
            parts.append(f"{f[1]}{f[2]}")
    return ":".join(parts)


def _term_column(data: pd.DataFrame, term: _Term, name: str) -> np.ndarray:
    col = np.ones(len(data))
    for f in term:
        if f[0] == "x":
            v = data[f[1]].to_numpy(dtype=float, na_value=np.nan)
            if np.isnan(v).any():
                rows = np.flatnonzero(np.isnan(v))[:10].tolist()
                msg = (
                    f"calibrate: calibration variable {f[1]!r} (in {name!r}) has missing values at "
                    f"rows {rows} (0-based); impute them or drop those rows before weighting."
                )
                raise DGIError(msg)
            col = col * v
        elif f[0] == "i":
            s = data[f[1]]
            if s.isna().any():
                rows = np.flatnonzero(s.isna().to_numpy())[:10].tolist()
                msg = (
                    f"calibrate: calibration variable {f[1]!r} has missing values at rows {rows} "
                    "(0-based); every respondent needs a category."
                )
                raise DGIError(msg)
            col = col * (s == f[2]).to_numpy(dtype=float)
    return col


def _terms_from_totals(data: pd.DataFrame, totals: pd.Series) -> tuple[list[_Term], np.ndarray]:
    if totals.index.has_duplicates:
        dup = totals.index[totals.index.duplicated()].tolist()[:10]
        msg = f"calibrate: the totals list {dup} more than once."
        raise DGIError(msg)
    try:
        pop = pd.to_numeric(totals, errors="raise").to_numpy(dtype=float)
    except (TypeError, ValueError):
        msg = "The 'totals' parameter of calibrate must hold numeric population totals."
        raise DGIError(msg) from None
    if not np.isfinite(pop).all():
        bad = totals.index[~np.isfinite(pop)].tolist()[:10]
        msg = f"The 'totals' parameter of calibrate has NaN or infinite totals for {bad}."
        raise DGIError(msg)
    terms: list[_Term] = []
    for name in totals.index:
        if isinstance(name, tuple):
            msg = "The 'totals' parameter of calibrate must have a flat index of term names."
            raise DGIError(msg)
        terms.append(tuple(_resolve_part(data, p, str(name)) for p in str(name).split(":")))
    return terms, pop


def _terms_from_margins(data: pd.DataFrame, margins: Sequence[pd.Series]) -> tuple[list[_Term], np.ndarray]:
    """R's ``margins2totals``: treatment-coded model matrix of ``~ v1*v2 + w1*w2 + ...``."""
    names: list[str] = []
    terms: list[_Term] = []
    pops: list[float] = []
    for m in margins:
        cols = [str(c) for c in m.index.names]
        frame = m.index.to_frame(index=False)
        counts = m.to_numpy(dtype=float)
        levels = {c: _levels(data[c]) if isinstance(data[c].dtype, pd.CategoricalDtype) else _levels(frame[c]) for c in cols}
        # all subsets of the margin variables (main effects, then interactions), R's term order
        subsets: list[tuple[str, ...]] = [()]
        for k in range(1, len(cols) + 1):
            subsets += _combinations(cols, k)
        for sub in subsets:
            for combo in _product([levels[c][1:] for c in sub]):
                term: _Term = (("1",),) if not sub else tuple(("i", c, lev) for c, lev in zip(sub, combo, strict=True))
                name = _term_name(term)
                if name in names:
                    continue
                mask = np.ones(len(frame), dtype=bool)
                for c, lev in zip(sub, combo, strict=True):
                    mask &= (frame[c] == lev).to_numpy()
                names.append(name)
                terms.append(term)
                pops.append(float(counts[mask].sum()))
    return terms, np.asarray(pops)


def _combinations(cols: list[str], k: int) -> list[tuple[str, ...]]:
    return list(combinations(cols, k))


def _product(levels: list[list[Any]]) -> list[tuple[Any, ...]]:
    return list(product(*levels))


def model_matrix(
    design: SurveyDesign, totals: pd.Series | Sequence[pd.Series]
) -> tuple[pd.DataFrame, pd.Series]:
    """The calibration model matrix and population totals implied by ``totals``.

    Parameters
    ----------
    design : SurveyDesign
        Design whose data hold the calibration variables.
    totals : pandas.Series or sequence of pandas.Series
        Population totals of model-matrix columns named ``"(Intercept)"``, a numeric column,
        ``"<column><level>"`` / ``"<column>=<level>"`` (indicator) or products joined by ``":"``; or
        margins as for :func:`~dgi_stats.survey.weighting.rake` (converted like R's ``margins2totals``:
        intercept plus treatment-coded main effects and interactions of each margin's variables).

    Returns
    -------
    tuple of (pandas.DataFrame, pandas.Series)
        The n x p model matrix and the p population totals, with the same column names.

    Examples
    --------
    >>> import pandas as pd
    >>> from dgi_stats.survey.design import SurveyDesign
    >>> d = SurveyDesign(pd.DataFrame({"g": ["a", "b", "b"], "x": [1.0, 2, 3]}))
    >>> X, T = model_matrix(d, pd.Series({"(Intercept)": 10.0, "gb": 6.0, "x": 21.0}))
    >>> X.to_numpy().tolist()
    [[1.0, 0.0, 1.0], [1.0, 1.0, 2.0], [1.0, 1.0, 3.0]]
    """
    design = check_design(design, "model_matrix")
    terms, pop, names = _terms(design, totals)
    x = np.column_stack([_term_column(design.data, t, n) for t, n in zip(terms, names, strict=True)])
    return (
        pd.DataFrame(x, index=design.data.index, columns=names),
        pd.Series(pop, index=names, name="population_total"),
    )


def _terms(design: SurveyDesign, totals: Any) -> tuple[list[_Term], np.ndarray, list[str]]:
    if isinstance(totals, pd.Series) and None not in totals.index.names and all(
        str(n) in design.data.columns for n in totals.index.names
    ) and not _looks_like_terms(totals):
        # a single margin (indexed by design variables): treat as margins
        totals = [totals]
    if isinstance(totals, pd.Series):
        terms, pop = _terms_from_totals(design.data, totals)
        return terms, pop, [str(n) for n in totals.index]
    if isinstance(totals, Sequence) and not isinstance(totals, str):
        _, srcs = validate_margins(design, totals, "calibrate")
        terms, pop = _terms_from_margins(design.data, srcs)
        return terms, pop, [_term_name(t) for t in terms]
    msg = (
        "The 'totals' parameter of calibrate must be a pandas Series of population totals of "
        f"model-matrix columns, or a list of margins. Got {type(totals).__name__}."
    )
    raise DGIError(msg)


def _looks_like_terms(totals: pd.Series) -> bool:
    return totals.index.nlevels == 1 and any(
        str(v) == "(Intercept)" or ":" in str(v) for v in totals.index
    )


# ---------------------------------------------------------------------------------------------
# calibration functions (R's cal.linear, cal.raking, cal.logit) and grake
# ---------------------------------------------------------------------------------------------
def _calfun(method: str, lower: float, upper: float) -> tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]:
    if method == "linear":

        def fm1(u: np.ndarray) -> np.ndarray:
            return np.minimum(np.maximum(u + 1, lower), upper) - 1

        def df(u: np.ndarray) -> np.ndarray:
            return ((u < upper - 1) & (u > lower - 1)).astype(float)

    elif method == "raking":

        def fm1(u: np.ndarray) -> np.ndarray:
            with np.errstate(over="ignore"):
                return np.minimum(np.maximum(np.exp(u), lower), upper) - 1

        def df(u: np.ndarray) -> np.ndarray:
            with np.errstate(over="ignore"):
                return np.where((u < upper - 1) & (u > lower - 1), np.exp(u), 0.0)

    else:
        a = (upper - lower) / ((upper - 1) * (1 - lower))

        def fm1(u: np.ndarray) -> np.ndarray:
            with np.errstate(over="ignore", invalid="ignore"):
                e = np.exp(a * u)
                return (lower * (upper - 1) + upper * (1 - lower) * e) / (upper - 1 + (1 - lower) * e) - 1

        def df(u: np.ndarray) -> np.ndarray:
            with np.errstate(over="ignore", invalid="ignore"):
                e = np.exp(a * u)
                den = upper - 1 + (1 - lower) * e
                return upper * (1 - lower) * e * a / den - (
                    (lower * (upper - 1) + upper * (1 - lower) * e) * ((1 - lower) * e * a)
                ) / den**2

    return fm1, df


def _ginv(m: np.ndarray) -> np.ndarray:
    # R's grake: MASS::ginv(Tmat, tol = 256 * .Machine$double.eps)
    return np.linalg.pinv(m, rcond=256 * np.finfo(float).eps)


def _grake(
    x: np.ndarray,
    w: np.ndarray,
    pop: np.ndarray,
    method: str,
    bounds: tuple[float, float],
    tol: float,
    max_iter: int,
) -> tuple[np.ndarray, int, bool, float]:
    """R's ``grake``: Newton iterations for ``g``; returns (g, iterations, converged, misfit)."""
    lower, upper = bounds
    fm1, df = _calfun(method, lower, upper)
    sample_total = x.T @ w
    eta = np.zeros(x.shape[1])
    # pre-scaling when the weights are far too small (R: all population/sample > 20)
    scale = None
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = pop / sample_total
    if np.all(np.isfinite(ratios)) and ratios.min() > 20:
        scale = float(ratios.mean())
        w = w * scale
        sample_total = sample_total * scale
    xeta = x @ eta
    g = 1 + fm1(xeta)
    deriv = df(xeta)
    it = 1
    converged = False
    misfit = pop - sample_total - x.T @ (w * fm1(xeta))
    while True:
        tmat = (x * (w * deriv)[:, None]).T @ x
        misfit = pop - sample_total - x.T @ (w * fm1(xeta))
        deta = _ginv(tmat) @ misfit
        eta = eta + deta
        xeta = x @ eta
        g = 1 + fm1(xeta)
        deriv = df(xeta)
        while it < max_iter and (not np.all(np.isfinite(g)) or not np.all(np.isfinite(deriv))):
            it += 1
            deta = deta / 2
            eta = eta - deta
            xeta = x @ eta
            g = 1 + fm1(xeta)
            deriv = df(xeta)
        misfit = pop - sample_total - x.T @ (w * fm1(xeta))
        rel = np.abs(misfit) / (1 + np.abs(pop))
        if np.all(rel < tol):
            converged = True
            break
        it += 1
        if it > max_iter:
            break
    if scale is not None:
        g = g * scale
    return g, it, converged, float(np.max(np.abs(misfit) / (1 + np.abs(pop))))


def _linear_g(x: np.ndarray, w: np.ndarray, pop: np.ndarray) -> np.ndarray:
    """Closed-form GREG factors (R's ``regcalibrate``): ``g = 1 + X (X'WX)^{-1} (T - X'w)``."""
    whalf = np.sqrt(w)
    xw = x * whalf[:, None]
    tmat = xw.T @ xw
    try:
        tt = np.linalg.solve(tmat, pop - x.T @ w)
    except np.linalg.LinAlgError:
        msg = (
            "calibrate: the calibration model matrix is singular (collinear columns or a column "
            "that is zero for every respondent); drop redundant totals."
        )
        raise DGIError(msg) from None
    return np.asarray(1 + x @ tt)


# ---------------------------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class CalibrationResult(Result):
    """Outcome of :func:`calibrate_weights`.

    Parameters
    ----------
    weights : pandas.Series
        Calibrated full-sample weights.
    g : pandas.Series
        Calibration factors (new weight / old weight).
    totals : pandas.Series
        Population totals of the model-matrix columns.
    achieved : pandas.Series
        Weighted sample totals after calibration.
    method : str
        ``"linear"``, ``"raking"`` or ``"logit"``.
    bounds : tuple of float
        Bounds on ``g``.
    converged : bool
        Whether every relative misfit fell below ``tol``.
    n_iter : int
        Newton iterations (1 for closed-form linear calibration).
    max_rel_misfit : float
        Largest ``|misfit| / (1 + |total|)``.
    design : SurveyDesign or None
        The calibrated design.

    Examples
    --------
    >>> import pandas as pd
    >>> from dgi_stats.survey.design import SurveyDesign
    >>> d = SurveyDesign(pd.DataFrame({"x": [1.0, 2, 3, 4]}), weights=[10.0, 10, 10, 10])
    >>> res = calibrate_weights(d, pd.Series({"(Intercept)": 40.0, "x": 110.0}))
    >>> res.to_frame().columns.tolist()
    ['population_total', 'achieved_total']
    """

    weights: pd.Series
    g: pd.Series
    totals: pd.Series
    achieved: pd.Series
    method: str
    bounds: tuple[float, float]
    converged: bool
    n_iter: int
    max_rel_misfit: float
    design: SurveyDesign | None

    def to_frame(self) -> pd.DataFrame:
        """Population and achieved totals per model-matrix column.

        Returns
        -------
        pandas.DataFrame
            Columns ``population_total`` and ``achieved_total``, one row per model-matrix column.

        Examples
        --------
        >>> import pandas as pd
        >>> from dgi_stats.survey.design import SurveyDesign
        >>> d = SurveyDesign(pd.DataFrame({"x": [1.0, 2, 3, 4]}), weights=[10.0, 10, 10, 10])
        >>> res = calibrate_weights(d, pd.Series({"(Intercept)": 40.0, "x": 110.0}))
        >>> res.to_frame()["achieved_total"].round(6).tolist()
        [40.0, 110.0]
        """
        return pd.DataFrame({"population_total": self.totals, "achieved_total": self.achieved})

    def __repr__(self) -> str:
        return (
            f"CalibrationResult(method={self.method!r}, n={self.weights.size}, columns={self.totals.size}, "
            f"converged={self.converged}, n_iter={self.n_iter}, max_rel_misfit={self.max_rel_misfit:.3g}, "
            f"g_range=({self.g.min():.4g}, {self.g.max():.4g}))"
        )


def _check_bounds(bounds: Any, method: str) -> tuple[float, float]:
    if bounds is None:
        lo, hi = -np.inf, np.inf
    else:
        try:
            lo, hi = (float(b) for b in bounds)
        except (TypeError, ValueError):
            msg = f"The 'bounds' parameter of calibrate must be a pair (lower, upper). Got {bounds!r}."
            raise DGIError(msg) from None
        if np.isnan(lo) or np.isnan(hi) or not lo < 1 < hi:
            msg = (
                "The 'bounds' parameter of calibrate must satisfy lower < 1 < upper (bounds on the "
                f"ratio new weight / old weight). Got {bounds!r}."
            )
            raise DGIError(msg)
    if method == "logit" and not (np.isfinite(lo) and np.isfinite(hi)):
        msg = "calibrate(method='logit') needs finite bounds, e.g. bounds=(0.5, 2.0)."
        raise DGIError(msg)
    return lo, hi


def calibrate_weights(
    design: SurveyDesign,
    totals: pd.Series | Sequence[pd.Series],
    *,
    method: Method = "linear",
    bounds: tuple[float, float] | None = None,
    tol: float = 1e-7,
    max_iter: int = 50,
) -> CalibrationResult:
    """Calibrate a design to population totals and report the fit (R's ``calibrate``).

    Parameters
    ----------
    design : SurveyDesign
        The design to re-weight (not modified). A replicate design has every replicate calibrated.
    totals : pandas.Series or sequence of pandas.Series
        Population totals of model-matrix columns, named ``"(Intercept)"``, a numeric column,
        ``"<column><level>"`` or ``"<column>=<level>"`` (indicators), products joined by ``":"``;
        or a list of margins as for :func:`~dgi_stats.survey.weighting.rake`.
    method : {"linear", "raking", "logit"}
        Calibration function. default: "linear".
    bounds : tuple of float, optional
        ``(L, U)`` bounds on ``g`` = new weight / old weight, ``L < 1 < U``; required for
        ``"logit"``. default: None (unbounded).
    tol : float
        Convergence tolerance on ``|misfit| / (1 + |total|)`` (R's ``epsilon``). default: 1e-7.
    max_iter : int
        Maximum Newton iterations (R's ``maxit``). default: 50.

    Returns
    -------
    CalibrationResult
        Weights, ``g`` factors, achieved totals, convergence and the design (``.design``).

    Raises
    ------
    DGIError
        Unknown columns or levels, NaN totals or calibration variables, a singular model matrix,
        bad bounds.

    Warns
    -----
    ConvergenceWarning
        When the totals are not met within ``max_iter`` iterations (for example, bounds that are
        too tight).

    See Also
    --------
    calibrate, rake, poststratify

    Notes
    -----
    Deville and Särndal's calibration estimator [1]_: minimise a distance between ``g`` and 1
    subject to :math:`\\sum_i w_i g_i x_i = T`.

    References
    ----------
    .. [1] Deville, J.-C., & Särndal, C.-E. (1992). Calibration estimators in survey sampling.
       Journal of the American Statistical Association, 87(418), 376-382.
       https://doi.org/10.1080/01621459.1992.10475217

    Examples
    --------
    >>> import pandas as pd
    >>> from dgi_stats.survey.design import SurveyDesign
    >>> d = SurveyDesign(pd.DataFrame({"x": [1.0, 2, 3, 4]}), weights=[10.0, 10, 10, 10])
    >>> res = calibrate_weights(d, pd.Series({"(Intercept)": 40.0, "x": 110.0}))
    >>> res.achieved.round(6).tolist()
    [40.0, 110.0]
    """
    design = check_design(design, "calibrate")
    if method not in _METHODS:
        msg = f"The 'method' parameter of calibrate must be one of {_METHODS}. Got {method!r} instead."
        raise DGIError(msg)
    lo, hi = _check_bounds(bounds, method)
    check_iteration_options(tol, max_iter, "calibrate")
    xdf, pop_s = model_matrix(design, totals)
    x = xdf.to_numpy(dtype=float)
    pop = pop_s.to_numpy(dtype=float)
    w, names = weights_matrix(design)
    w0 = w[:, 0]
    # R drops columns that are zero in the sample and in the population
    keep = ~((pop == 0) & np.all(x == 0, axis=0))
    zero_col = np.all(x[:, keep] * (w0[:, None] > 0) == 0, axis=0) & (pop[keep] != 0)
    if zero_col.any():
        bad = [c for c, z in zip(pop_s.index[keep], zero_col, strict=True) if z][:10]
        msg = (
            f"calibrate: the sample has no weight in model-matrix column(s) {bad}, whose population "
            "totals are not 0: those totals cannot be met. Collapse categories."
        )
        raise DGIError(msg)
    x = x[:, keep]
    pop = pop[keep]
    cols = [str(c) for c in pop_s.index[keep]]
    unbounded_linear = method == "linear" and lo == -np.inf and hi == np.inf

    def fit(wc: np.ndarray) -> tuple[np.ndarray, int, bool, float]:
        if unbounded_linear:
            g = _linear_g(x, wc, pop)
            rel = np.abs(pop - x.T @ (wc * g)) / (1 + np.abs(pop))
            return g, 1, True, float(rel.max())
        return _grake(x, wc, pop, method, (lo, hi), float(tol), int(max_iter))

    g0, n_iter, converged, misfit = fit(w0)
    failed = [] if converged else ["the full sample"]
    worst = misfit
    new_w = np.empty_like(w)
    new_w[:, 0] = w0 * g0
    if names is not None:
        for j in range(1, w.shape[1]):
            gj, _, ok, mis = fit(w[:, j])
            new_w[:, j] = w[:, j] * gj
            if not ok:
                failed.append(names[j - 1])
                worst = max(worst, mis)
    if failed:
        shown = ", ".join(failed[:5]) + (f" and {len(failed) - 5} more" if len(failed) > 5 else "")
        warnings.warn(
            f"calibrate ({method}) did not converge for {shown} in {max_iter} iterations: "
            f"largest |misfit|/(1+|total|) = {worst:.3g} > tol = {tol:g}. Loosen the bounds, "
            "raise max_iter or drop totals.",
            ConvergenceWarning,
            stacklevel=3,
        )
    bad = ~np.isfinite(new_w) | (new_w < 0)
    if bad.any():
        rows = np.flatnonzero(bad.any(axis=1))[:10].tolist()
        msg = (
            f"calibrate ({method}) produced negative or non-finite weights at rows {rows} (0-based). "
            "Use bounds (e.g. bounds=(0.5, 3)) or method='raking'/'logit', which keep weights positive."
        )
        raise DGIError(msg)
    step = GregCalibrationStep.from_model(x, w0, g0, cols)
    new_design = finish_weighting(design, new_w, step)
    return CalibrationResult(
        weights=pd.Series(new_w[:, 0], index=design.data.index, name="weight"),
        g=pd.Series(g0, index=design.data.index, name="g"),
        totals=pd.Series(pop, index=cols, name="population_total"),
        achieved=pd.Series(x.T @ new_w[:, 0], index=cols, name="achieved_total"),
        method=method,
        bounds=(lo, hi),
        converged=converged,
        n_iter=n_iter,
        max_rel_misfit=misfit,
        design=new_design,
    )


@overload
def calibrate(
    design: SurveyDesign,
    totals: pd.Series | Sequence[pd.Series],
    *,
    method: Method = ...,
    bounds: tuple[float, float] | None = ...,
    tol: float = ...,
    max_iter: int = ...,
    return_result: Literal[False] = ...,
) -> SurveyDesign: ...


@overload
def calibrate(
    design: SurveyDesign,
    totals: pd.Series | Sequence[pd.Series],
    *,
    method: Method = ...,
    bounds: tuple[float, float] | None = ...,
    tol: float = ...,
    max_iter: int = ...,
    return_result: Literal[True],
) -> CalibrationResult: ...


def calibrate(
    design: SurveyDesign,
    totals: pd.Series | Sequence[pd.Series],
    *,
    method: Method = "linear",
    bounds: tuple[float, float] | None = None,
    tol: float = 1e-7,
    max_iter: int = 50,
    return_result: bool = False,
) -> SurveyDesign | CalibrationResult:
    """Calibrate a design to population totals: GREG, raking or logit (R's ``calibrate``).

    Parameters
    ----------
    design : SurveyDesign
        The design to re-weight (not modified).
    totals : pandas.Series or sequence of pandas.Series
        Population totals of model-matrix columns, or margins (see :func:`calibrate_weights`).
    method : {"linear", "raking", "logit"}
        Calibration function. default: "linear".
    bounds : tuple of float, optional
        Bounds ``(L, U)`` on new weight / old weight. default: None.
    tol : float
        Convergence tolerance (R's ``epsilon``). default: 1e-7.
    max_iter : int
        Maximum iterations (R's ``maxit``). default: 50.
    return_result : bool
        Return the :class:`CalibrationResult` instead of the design. default: False.

    Returns
    -------
    SurveyDesign or CalibrationResult
        The calibrated design (with a :class:`GregCalibrationStep` for Taylor variances).

    Raises
    ------
    DGIError
        See :func:`calibrate_weights`.

    Warns
    -----
    ConvergenceWarning
        When the totals are not met within ``max_iter`` iterations.

    See Also
    --------
    calibrate_weights, rake, poststratify

    Notes
    -----
    See the module docstring for the calibration functions and the variance.

    Examples
    --------
    >>> import pandas as pd
    >>> from dgi_stats.survey.design import SurveyDesign
    >>> df = pd.DataFrame({"g": ["a", "a", "b", "b"], "x": [1.0, 2, 3, 4]})
    >>> d = SurveyDesign(df, weights=[10.0, 10, 10, 10])
    >>> cal = calibrate(d, pd.Series({"(Intercept)": 50.0, "gb": 30.0}), method="raking")
    >>> cal.weights.round(6).tolist()
    [10.0, 10.0, 15.0, 15.0]
    """
    res = calibrate_weights(design, totals, method=method, bounds=bounds, tol=tol, max_iter=max_iter)
    if return_result:
        return res
    assert res.design is not None
    return res.design
