"""Uncertainty and sensitivity analysis of composite ranks (Handbook §7, COINr ``get_sensitivity``).

A robustness analysis is a set of uncertain **factors**, each with a list of alternatives (or a
continuous range), driven by ``u ~ U(0, 1)``: a discrete factor with K alternatives takes alternative
``ceil(K u)`` (the Handbook's "Russian roulette"; COINr instead cuts the range of the drawn sample into
K equal bins, a minor difference); a continuous one takes ``a + (b - a) u``.

Factor roles (what a factor changes in the pipeline data -> normalise -> weight -> aggregate -> rank):

* ``"data"``: alternative unit x indicator tables, for example draws of the survey's sampling error
  (:func:`sampling_factor`, from the replicate estimates or the covariance of a
  :class:`~dgi_stats.scores.Scores`);
* ``"normalisation"``: :func:`~dgi_stats.composite.normalise` methods (a name or a dict of options);
* ``"weights"``: weight vectors (COINr's noisy weights ``w (1 + ε)``, a Dirichlet around the nominal
  weights, expert budgets) or scheme names ("equal", "factor_analysis");
* ``"aggregation"``: :func:`~dgi_stats.composite.aggregate` methods (a name or a dict with ``p``);
* ``"exclude"``: leave one indicator/dimension out (``None`` keeps all);
* ``"p"``: a continuous exponent of the generalised mean.

The same machinery evaluates a Monte Carlo sample (:func:`uncertainty_analysis`) and a Sobol design
(:func:`sensitivity_analysis`: matrices A, B and AB_i stacked as COINr does - A, then B, then
AB_1..AB_d), with the estimators of COINr (Saltelli 2010 first order, Jansen total order, the variance
of the uncentred outputs with ddof 1). All runs are vectorised over runs.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from dgi_stats._results import Summary, frame_repr
from dgi_stats._rng import RNGLike, as_generator, generator_state
from dgi_stats._validation import check_positive_int, check_probability
from dgi_stats.composite._common import weighted_mean
from dgi_stats.composite.aggregate import AGGREGATION_METHODS, aggregate
from dgi_stats.composite.normalise import _as_table, competition_rank, normalise
from dgi_stats.composite.weights import (
    Hierarchy,
    benefit_of_the_doubt,
    check_weights,
    equal_weights,
    factor_analysis_weights,
)
from dgi_stats.exceptions import DegenerateReplicateWarning, DGIError
from dgi_stats.scores.pivot import Scores

__all__ = [
    "Factor",
    "SensitivityResult",
    "UncertaintyResult",
    "exclusion_factor",
    "leave_one_out",
    "rank_shift",
    "rank_statistics",
    "sampling_factor",
    "scenario_ranks",
    "sensitivity_analysis",
    "sobol_indices",
    "uncertainty_analysis",
    "weight_noise_factor",
]

_ROLES = ("data", "normalisation", "weights", "aggregation", "exclude", "p")


# --------------------------------------------------------------------------------------- factors
@dataclass(frozen=True, slots=True, repr=False)
class Factor:
    """One uncertain input of a robustness analysis.

    Parameters
    ----------
    name : str
        Name shown in the results (for example "weights").
    alternatives : sequence, optional
        The discrete alternatives; alternative ``ceil(K u)`` is used for ``u ~ U(0, 1)``.
    role : str, optional
        What the factor changes: "data", "normalisation", "weights", "aggregation", "exclude" or
        "p" (default: ``name`` when it is one of these).
    bounds : (a, b), optional
        A continuous factor ``a + (b - a) u`` instead of ``alternatives`` (role "p").
    labels : sequence of str, optional
        Labels of the alternatives in the run table (default: derived from the alternatives).

    Examples
    --------
    >>> f = Factor("aggregation", ["arithmetic", "geometric"])
    >>> f.index(np.array([0.1, 0.5, 0.51, 0.99])).tolist()
    [0, 0, 1, 1]
    """

    name: str
    alternatives: tuple[Any, ...] | None = None
    role: str | None = None
    bounds: tuple[float, float] | None = None
    labels: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        role = self.role if self.role is not None else self.name
        if role not in _ROLES:
            msg = (
                f"Factor {self.name!r}: role must be one of {_ROLES} (pass role=... when the name is "
                f"not a role). Got {role!r}."
            )
            raise DGIError(msg)
        object.__setattr__(self, "role", role)
        if (self.alternatives is None) == (self.bounds is None):
            msg = f"Factor {self.name!r} needs either 'alternatives' (discrete) or 'bounds' (continuous)."
            raise DGIError(msg)
        if self.alternatives is not None:
            alts = tuple(self.alternatives)
            if not alts:
                msg = f"Factor {self.name!r} has no alternatives."
                raise DGIError(msg)
            object.__setattr__(self, "alternatives", alts)
            if self.labels is None:
                object.__setattr__(self, "labels", tuple(_label(a, i) for i, a in enumerate(alts)))
            elif len(self.labels) != len(alts):
                msg = f"Factor {self.name!r}: {len(self.labels)} labels for {len(alts)} alternatives."
                raise DGIError(msg)
        elif role != "p":
            msg = f"Factor {self.name!r}: only the role 'p' can be continuous (bounds)."
            raise DGIError(msg)

    @property
    def discrete(self) -> bool:
        """True for a factor with a list of alternatives."""
        return self.alternatives is not None

    def index(self, u: np.ndarray) -> np.ndarray:
        """Alternative index ``ceil(K u) - 1`` (u = 0 maps to the first alternative)."""
        k = len(self.alternatives or ())
        return np.clip(np.ceil(k * np.asarray(u)) - 1, 0, k - 1).astype(int)

    def value(self, u: np.ndarray) -> np.ndarray:
        """Continuous value ``a + (b - a) u``."""
        a, b = self.bounds or (0.0, 1.0)
        return a + (b - a) * np.asarray(u)

    def __repr__(self) -> str:
        if self.discrete:
            return f"Factor({self.name!r}, role={self.role!r}, {len(self.alternatives or ())} alternatives)"
        return f"Factor({self.name!r}, role={self.role!r}, bounds={self.bounds})"


def _label(alt: Any, i: int) -> str:
    if alt is None:
        return "none"
    if isinstance(alt, str):
        return alt
    if isinstance(alt, Mapping) and "method" in alt:
        extra = ",".join(f"{k}={v}" for k, v in alt.items() if k != "method")
        return f"{alt['method']}({extra})" if extra else str(alt["method"])
    return f"#{i + 1}"


def weight_noise_factor(
    weights: Mapping[Any, float] | pd.Series,
    *,
    f: float = 0.25,
    n_sets: int = 100,
    method: str = "uniform",
    concentration: float = 100.0,
    elements: Sequence[Any] | None = None,
    name: str = "weights",
    rng: RNGLike = None,
) -> Factor:
    """A weights factor with ``n_sets`` pre-drawn noisy weight sets around ``weights``.

    ``method="uniform"``: COINr's ``w' = w (1 + ε)``, ε ~ U(-f, f) independently per weight (only the
    ``elements`` listed are perturbed, e.g. the weights of levels 2 and 3). ``method="dirichlet"``:
    ``w' ~ Dirichlet(concentration * w / Σw)``, which keeps the sum.

    Examples
    --------
    >>> fac = weight_noise_factor({"a": 0.5, "b": 0.5}, n_sets=3, rng=1)
    >>> len(fac.alternatives), fac.role
    (3, 'weights')
    """
    gen = as_generator(rng)
    n_sets = check_positive_int(n_sets, name="n_sets", func="weight_noise_factor")
    w = pd.Series(dict(weights), dtype=float)
    if (w < 0).any() or not np.all(np.isfinite(w.to_numpy())):
        msg = "The 'weights' of weight_noise_factor must be finite and >= 0."
        raise DGIError(msg)
    keys = list(w.index) if elements is None else list(elements)
    unknown = [k for k in keys if k not in w.index]
    if unknown:
        msg = f"The 'elements' of weight_noise_factor name unknown weight(s) {unknown}."
        raise DGIError(msg)
    base = np.tile(w.to_numpy(dtype=float), (n_sets, 1))
    cols = np.flatnonzero(w.index.isin(keys))
    if method == "uniform":
        if not 0 <= f < 1:
            msg = f"The 'f' parameter of weight_noise_factor must be in [0, 1). Got {f!r}."
            raise DGIError(msg)
        base[:, cols] = base[:, cols] * (1 + gen.uniform(-f, f, size=(n_sets, len(cols))))
    elif method == "dirichlet":
        sub = w.to_numpy(dtype=float)[cols]
        share = sub / sub.sum()
        base[:, cols] = gen.dirichlet(concentration * share + 1e-12, size=n_sets) * sub.sum()
    else:
        msg = f"The 'method' parameter of weight_noise_factor must be 'uniform' or 'dirichlet'. Got {method!r}."
        raise DGIError(msg)
    alts = [pd.Series(row, index=w.index) for row in base]
    return Factor(name, tuple(alts), role="weights")


def sampling_factor(
    scores: Scores,
    *,
    n_draws: int = 1000,
    method: str = "normal",
    measures: Sequence[str] | None = None,
    name: str = "sampling",
    rng: RNGLike = None,
) -> Factor:
    """A data factor of ``n_draws`` draws of the survey's sampling error from a ``Scores``.

    Uses :meth:`Scores.sampling_draws` (``"normal"`` from the covariance, ``"replicates"`` from the
    re-centred replicate estimates). Each alternative is a units x measures array (rows in the order
    of ``scores.units``, columns in the order of ``measures``).

    Examples
    --------
    >>> import pandas as pd
    >>> from dgi_stats.scores.pivot import Scores
    >>> s = Scores.from_estimates(pd.Series([75.0, 72.0], index=["A", "B"], name="total"),
    ...                           pd.Series([1.0, 2.0], index=["A", "B"], name="total"))
    >>> f = sampling_factor(s, n_draws=3, rng=20240101)
    >>> f.labels, f.alternatives[0].shape
    (('draw_1', 'draw_2', 'draw_3'), (2, 1))
    """
    if not isinstance(scores, Scores):
        msg = f"sampling_factor needs a Scores object. Got {type(scores).__name__}."
        raise DGIError(msg)
    n_draws = check_positive_int(n_draws, name="n_draws", func="sampling_factor")
    meas = list(measures) if measures is not None else list(scores.measures)
    draws = scores.sampling_draws(n_draws, method=method, measures=meas, rng=rng)  # type: ignore[arg-type]
    # plain arrays (units x measures, in the order of scores.units and measures): no per-draw frames
    alts = tuple(draws)
    return Factor(name, alts, role="data", labels=tuple(f"draw_{i + 1}" for i in range(n_draws)))


def exclusion_factor(columns: Sequence[Any], *, include_none: bool = True, name: str = "exclude") -> Factor:
    """Leave one column out: ``None`` (keep all) or each column, with equal probability (Handbook).

    Examples
    --------
    >>> exclusion_factor(["a", "b"]).labels
    ('none', 'a', 'b')
    """
    alts: list[Any] = ([None] if include_none else []) + list(columns)
    return Factor(name, tuple(alts), role="exclude", labels=tuple("none" if a is None else str(a) for a in alts))


# ------------------------------------------------------------------------------------ the model
@dataclass(frozen=True, slots=True)
class _Model:
    """Resolved pipeline: nominal data, columns, weights, factors and global options."""

    base: pd.DataFrame
    weights: np.ndarray
    factors: tuple[Factor, ...]
    direction: Any
    nominal: dict[str, Any]
    hierarchy: Hierarchy | None


def _resolve_weights(alt: Any, model_base: pd.DataFrame, hierarchy: Hierarchy | None) -> np.ndarray:
    cols = list(model_base.columns)
    if isinstance(alt, str):
        if alt == "equal":
            w = equal_weights(cols) if hierarchy is None else hierarchy.effective_weights()[cols]
        elif alt == "factor_analysis":
            w = factor_analysis_weights(model_base).weights
        else:
            msg = f"weights alternative {alt!r}: use 'equal', 'factor_analysis' or explicit weights."
            raise DGIError(msg)
        return np.asarray(w, dtype=float)
    if hierarchy is not None and isinstance(alt, Mapping | pd.Series) and set(dict(alt)) - set(cols):
        eff = hierarchy.with_weights(alt).effective_weights()
        return eff[cols].to_numpy(dtype=float)
    if isinstance(alt, pd.Series) and list(alt.index) == cols:  # fast path for pre-drawn weight sets
        arr = alt.to_numpy(dtype=float)
        if np.all(np.isfinite(arr)) and (arr >= 0).all() and arr.sum() > 0:
            return arr / arr.sum()
    w = check_weights(alt, cols, func="uncertainty_analysis")
    return (w / w.sum()).to_numpy()


def _normalise_stack(x: np.ndarray, spec: Any, columns: list[Any], direction: Any) -> np.ndarray:
    """Normalise every run's table (x: runs x units x columns) along the unit axis."""
    opts: dict[str, Any] = {"method": spec} if isinstance(spec, str) or spec is None else dict(spec)
    method = opts.get("method") or "none"
    if callable(method):
        return np.stack([np.asarray(method(pd.DataFrame(xr, columns=columns)), dtype=float) for xr in x])
    q = len(columns)
    dirs = np.ones(q)
    if direction is not None:
        if isinstance(direction, Mapping | pd.Series):
            dirs = np.array([float(dict(direction).get(c, 1)) for c in columns])
        else:
            dirs = np.full(q, float(direction))
    fast = {"none", "minmax", "zscore", "goalposts", "scaled", "rank", "borda", "percentile_rank"}
    if method not in fast:
        out = np.empty_like(x)
        for r in range(x.shape[0]):
            out[r] = normalise(pd.DataFrame(x[r], columns=columns), direction=direction, **opts).to_numpy()
        return out
    lo, hi = (float(v) for v in opts.get("output_range", (0.0, 1.0)))
    if method in ("goalposts", "scaled"):
        bounds = opts.get("bounds")
        if bounds is None or any(c not in bounds for c in columns):
            msg = f"normalisation {method!r} needs 'bounds' for every column {columns}."
            raise DGIError(msg)
        low = np.array([float(bounds[c][0]) for c in columns])
        high = np.array([float(bounds[c][1]) for c in columns])
        y = np.where(dirs > 0, (x - low) / (high - low), (high - x) / (high - low))
        if method == "goalposts":
            y = np.clip(y, 0.0, 1.0)
        return lo + (hi - lo) * y
    v = x * dirs
    if method == "none":
        return v
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "minmax":
            mn, mx = np.nanmin(v, axis=1, keepdims=True), np.nanmax(v, axis=1, keepdims=True)
            if np.any(mx - mn <= 0):
                msg = "min-max normalisation met a constant column in a run; use another normalisation."
                raise DGIError(msg)
            return lo + (hi - lo) * (v - mn) / (mx - mn)
        if method == "zscore":
            m = np.nanmean(v, axis=1, keepdims=True)
            s = np.nanstd(v, axis=1, ddof=1, keepdims=True)
            return float(opts.get("mean", 0.0)) + float(opts.get("sd", 1.0)) * (v - m) / s
    nan = np.isnan(v)
    less = (v[:, None, :, :] < v[:, :, None, :]).sum(axis=2)  # count of units below each unit
    ranks = np.where(nan, np.nan, less + 1.0)
    if method == "rank":
        return ranks
    if method == "borda":
        return ranks - 1
    n_ok = (~nan).sum(axis=1, keepdims=True)
    return (ranks - 1) / (n_ok - 1)


def _aggregate_stack(x: np.ndarray, w: np.ndarray, spec: Any, p_run: np.ndarray | None) -> np.ndarray:
    """Aggregate runs x units x columns with per-run weights (runs x columns)."""
    opts = _method_options(spec)
    method = opts.get("method", "arithmetic")
    if method not in AGGREGATION_METHODS and method != "bod":
        msg = f"aggregation alternative {method!r} must be one of {AGGREGATION_METHODS} or 'bod'."
        raise DGIError(msg)
    ww = np.broadcast_to(w[:, None, :], x.shape)
    avail = ~np.isnan(x)
    wa = np.where(avail, ww, 0.0)
    wsum = wa.sum(axis=2)
    xs = np.where(avail & (ww > 0), x, 1.0)  # zero-weight components never enter a log or a ratio
    if method == "bod":
        out = np.empty(x.shape[:2])
        rb = opts.get("ratio_bound")
        for r in range(x.shape[0]):
            keep = w[r] > 0  # excluded components (weight 0) leave the LP; BoD chooses its own weights
            out[r] = benefit_of_the_doubt(
                pd.DataFrame(x[r][:, keep]), None if rb is None else float(rb)
            ).scores.to_numpy()
        return out
    if method in ("borda", "copeland"):
        if not avail.all():
            msg = f"aggregation {method!r} needs complete data in every run."
            raise DGIError(msg)
        wn = w / w.sum(axis=1, keepdims=True)
        if method == "borda":
            less = (x[:, None, :, :] < x[:, :, None, :]).sum(axis=2)
            q_used = (w > 0).sum(axis=1)[:, None]
            return q_used * np.einsum("rmq,rq->rm", less.astype(float), wn)
        gt = (x[:, :, None, :] > x[:, None, :, :]).astype(float)
        eq = (x[:, :, None, :] == x[:, None, :, :]).astype(float)
        e = np.einsum("rjkq,rq->rjk", gt, wn) + 0.5 * np.einsum("rjkq,rq->rjk", eq, wn)
        s = np.sign(e - 0.5)
        idx = np.arange(x.shape[1])
        s[:, idx, idx] = 0.0
        return s.sum(axis=2)
    p = opts.get("p")
    if method == "generalised" and p is None:
        if p_run is None:
            msg = "aggregation 'generalised' needs 'p' (in the alternative or a factor with role 'p')."
            raise DGIError(msg)
        p = p_run[:, None]
    needs_positive = method in ("geometric", "harmonic") or (
        method == "generalised" and bool(np.any(np.asarray(p) <= 0))
    )
    if needs_positive and np.any(avail & (ww > 0) & (x <= 0)):
        msg = (
            f"aggregation {method!r} met zeros or negative values in a run; normalise to a range "
            "that excludes 0 (for example {'method': 'minmax', 'output_range': (1, 100)})."
        )
        raise DGIError(msg)
    if method == "minimum":
        out = np.where(avail & (ww > 0), x, np.inf).min(axis=2)
    else:
        out = weighted_mean(wa, xs, wsum, method, p)
    return np.where(wsum > 0, out, np.nan)


def _stack_ranks(scores: np.ndarray) -> np.ndarray:
    """Competition ranks per run (rank 1 = highest), NaN kept."""
    nan = np.isnan(scores)
    above = (scores[:, None, :] > scores[:, :, None]).sum(axis=2)
    return np.where(nan, np.nan, above + 1.0)


def _evaluate(model: _Model, u: np.ndarray, *, chunk: int = 2000) -> np.ndarray:
    """Scores (runs x units) for the u-matrix (runs x factors)."""
    n = u.shape[0]
    cols = list(model.base.columns)
    base = model.base.to_numpy(dtype=float)
    m, q = base.shape
    out = np.empty((n, m))
    resolved: dict[int, Any] = {}
    for j, fac in enumerate(model.factors):
        if fac.role == "data":
            resolved[j] = np.stack([_data_alt(a, model.base) for a in fac.alternatives or ()])
        elif fac.role == "weights":
            resolved[j] = np.stack(
                [_resolve_weights(a, model.base, model.hierarchy) for a in fac.alternatives or ()]
            )
        elif fac.role == "exclude":
            for a in fac.alternatives or ():
                if a is not None and a not in cols:
                    msg = f"exclude alternative {a!r} is not a column ({cols})."
                    raise DGIError(msg)
            resolved[j] = list(fac.alternatives or ())
        elif fac.discrete:
            resolved[j] = list(fac.alternatives or ())
    for start in range(0, n, chunk):
        uu = u[start : start + chunk]
        r = uu.shape[0]
        x = np.broadcast_to(base, (r, m, q)).copy()
        w = np.broadcast_to(model.weights, (r, q)).copy()
        norm = np.zeros(r, dtype=int)
        norm_alts: list[Any] = [model.nominal.get("normalisation", "none")]
        agg = np.zeros(r, dtype=int)
        agg_alts: list[Any] = [model.nominal.get("aggregation", "arithmetic")]
        p_run = None
        excl: list[np.ndarray] = []
        for j, fac in enumerate(model.factors):
            if fac.role == "p":
                p_run = fac.value(uu[:, j])
                continue
            k = fac.index(uu[:, j])
            alts = resolved[j]
            if fac.role == "data":
                x = alts[k]
            elif fac.role == "weights":
                w = alts[k]
            elif fac.role == "normalisation":
                norm, norm_alts = k + 1, [norm_alts[0], *alts]
            elif fac.role == "aggregation":
                agg, agg_alts = k + 1, [agg_alts[0], *alts]
            else:
                mask = np.array([[a == c for c in cols] if a is not None else [False] * q for a in alts])
                excl.append(mask[k])
        for mask in excl:
            w = np.where(mask, 0.0, w)
        y = np.empty((r, m, q))
        for a in np.unique(norm):
            sel = norm == a
            y[sel] = _normalise_stack(x[sel], norm_alts[a], cols, model.direction)
        s = np.empty((r, m))
        for a in np.unique(agg):
            sel = agg == a
            s[sel] = _aggregate_stack(y[sel], w[sel], agg_alts[a], None if p_run is None else p_run[sel])
        out[start : start + r] = s
    return out


def _data_alt(alt: Any, base: pd.DataFrame) -> np.ndarray:
    if isinstance(alt, pd.DataFrame):
        a = alt.reindex(index=base.index, columns=base.columns)
        if a.isna().to_numpy().sum() > base.isna().to_numpy().sum():
            msg = "a data alternative does not cover every unit and column of the nominal data."
            raise DGIError(msg)
        return a.to_numpy(dtype=float)
    arr = np.asarray(alt, dtype=float)
    if arr.shape != base.shape:
        msg = f"a data alternative has shape {arr.shape}; the nominal data are {base.shape}."
        raise DGIError(msg)
    return arr


def _base_table(data: pd.DataFrame | Scores, measures: Sequence[str] | None, func: str) -> pd.DataFrame:
    """The unit x component table analysed: a Scores' estimates or the checked DataFrame."""
    if isinstance(data, Scores):
        meas = list(measures) if measures is not None else _default_measures(data)
        return data.estimate[meas].astype(float)
    base = _as_table(data, func)
    return base[list(measures)] if measures is not None else base


def _method_options(spec: Any) -> dict[str, Any]:
    """A method name or a mapping of options (with "method") as a dict of keyword arguments."""
    return {"method": spec} if isinstance(spec, str) else dict(spec)


def _build_model(
    data: pd.DataFrame | Scores,
    factors: Sequence[Factor],
    *,
    weights: Any,
    hierarchy: Hierarchy | None,
    direction: Any,
    normalisation: Any,
    aggregation: Any,
    measures: Sequence[str] | None,
    func: str,
) -> _Model:
    base = _base_table(data, measures, func)
    if hierarchy is not None:
        leaves = hierarchy.leaves
        if sorted(map(str, leaves)) != sorted(map(str, base.columns)):
            msg = f"{func}: the columns of 'data' do not match the hierarchy's indicators."
            raise DGIError(msg)
        base = base[leaves]
        w0 = hierarchy.effective_weights()[leaves].to_numpy() if weights is None else _resolve_weights(
            weights, base, hierarchy
        )
    else:
        w0 = _resolve_weights(weights if weights is not None else "equal", base, None)
    facs = tuple(factors)
    if not all(isinstance(f, Factor) for f in facs):
        msg = f"The 'factors' parameter of {func} must be a sequence of Factor objects."
        raise DGIError(msg)
    names = [f.name for f in facs]
    if len(set(names)) != len(names):
        msg = f"{func}: factor names must be unique; got {names}."
        raise DGIError(msg)
    for role in ("data", "normalisation", "weights", "aggregation", "p"):
        if sum(f.role == role for f in facs) > 1:
            msg = f"{func}: at most one factor may have role {role!r}."
            raise DGIError(msg)
    return _Model(
        base=base,
        weights=np.asarray(w0, dtype=float),
        factors=facs,
        direction=direction,
        nominal={"normalisation": normalisation, "aggregation": aggregation},
        hierarchy=hierarchy,
    )


def _default_measures(scores: Scores) -> list[str]:
    """The dimensions (``d1_participation`` ...), not sub-dimensions ``d1_s1`` or indicators ``d1_s1_i1``."""
    sub = re.compile(r"d\d+_s\d+(_i\d+)?")
    dims = [c for c in scores.measures if re.match(r"d\d+_", str(c)) and not sub.fullmatch(str(c))]
    return dims if dims else [c for c in scores.measures if c not in ("total", "composite")]


def _with_sampling_factor(
    data: Any,
    factors: Sequence[Factor],
    *,
    sampling: bool | None,
    method: str,
    n_draws: int,
    measures: Sequence[str] | None,
    gen: np.random.Generator,
) -> list[Factor]:
    """``factors`` as a list, led by a sampling-error factor when ``data`` is a Scores and asked for.

    ``sampling=None`` adds it unless a factor already has the role "data".
    """
    facs = list(factors)
    if isinstance(data, Scores):
        if sampling is None:
            sampling = not any(f.role == "data" for f in facs)
        if sampling:
            meas = list(measures) if measures is not None else _default_measures(data)
            facs.insert(
                0, sampling_factor(data, n_draws=n_draws, method=method, measures=meas, rng=gen)
            )
    return facs


# ---------------------------------------------------------------------------- rank statistics
def rank_statistics(ranks: pd.DataFrame, nominal: pd.Series) -> pd.DataFrame:
    """Per unit: nominal, mean, median, 5th and 95th percentile rank over the runs.

    Quantiles are R's type 7 (linear interpolation; numpy's default), as COINr. Missing ranks are
    left out per unit.

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"r1": [1, 2], "r2": [2, 1], "r3": [1, 2]}, index=["a", "b"])
    >>> rank_statistics(r, pd.Series([1, 2], index=["a", "b"]))["mean"].round(3).tolist()
    [1.333, 1.667]
    """
    v = ranks.to_numpy(dtype=float)
    out = pd.DataFrame(
        {
            "nominal": nominal.reindex(ranks.index).astype(float),
            "mean": np.nanmean(v, axis=1),
            "median": np.nanmedian(v, axis=1),
            "q5": np.nanquantile(v, 0.05, axis=1),
            "q95": np.nanquantile(v, 0.95, axis=1),
        },
        index=ranks.index,
    )
    return out


def rank_shift(ranks: pd.DataFrame, nominal: pd.Series) -> pd.Series:
    """Mean absolute rank shift per run, ``R_S = (1/M) Σ_c |rank_nominal(c) - rank_run(c)|`` (Hb eq. 38).

    Parameters
    ----------
    ranks : pandas.DataFrame
        Units x runs.
    nominal : pandas.Series
        The nominal rank of each unit.

    Returns
    -------
    pandas.Series
        One value per run (named ``rank_shift``).

    Examples
    --------
    >>> import pandas as pd
    >>> ranks = pd.DataFrame({"run1": [1, 2, 3], "run2": [3, 2, 1]}, index=["A", "B", "C"])
    >>> rank_shift(ranks, pd.Series([1, 2, 3], index=["A", "B", "C"])).tolist()
    [0.0, 1.3333333333333333]
    """
    v = ranks.to_numpy(dtype=float)
    nom = nominal.reindex(ranks.index).to_numpy(dtype=float)[:, None]
    return pd.Series(np.nanmean(np.abs(v - nom), axis=0), index=ranks.columns, name="rank_shift")


# ------------------------------------------------------------------------------ uncertainty
@dataclass(frozen=True, slots=True, repr=False)
class UncertaintyResult:
    """Monte Carlo uncertainty analysis of ranks.

    Attributes
    ----------
    statistics : pandas.DataFrame
        Per unit: ``nominal``, ``mean``, ``median``, ``q5``, ``q95`` rank, and ``nominal_score``.
    ranks : pandas.DataFrame
        Units x runs.
    scores : pandas.DataFrame
        Units x runs.
    rank_shift : pandas.Series
        Mean absolute rank shift per run.
    design : pandas.DataFrame
        Runs x factors: the alternative (label) or value used in each run.
    nominal_rank, nominal_score : pandas.Series
        The nominal build.
    rng_state : dict
        Starting state of the generator (the analysis can be regenerated exactly).
    """

    statistics: pd.DataFrame
    ranks: pd.DataFrame
    scores: pd.DataFrame
    rank_shift: pd.Series
    design: pd.DataFrame
    nominal_rank: pd.Series
    nominal_score: pd.Series
    rng_state: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """The per-unit rank statistics."""
        return self.statistics

    def summary(self) -> Summary:
        """Rank statistics with the mean rank shift in the notes."""
        notes = (
            f"{self.ranks.shape[1]} runs; mean |rank shift| = {self.rank_shift.mean():.3f}",
        )
        return Summary("Uncertainty analysis of ranks", self.statistics.round(3), notes)

    def __repr__(self) -> str:
        return frame_repr(
            "UncertaintyResult", self.statistics,
            extra=f"runs={self.ranks.shape[1]}, mean R_S={self.rank_shift.mean():.3f}",
        )


def _design_frame(model: _Model, u: np.ndarray) -> pd.DataFrame:
    cols = {}
    for j, fac in enumerate(model.factors):
        if fac.discrete:
            labels = np.asarray(fac.labels, dtype=object)
            cols[fac.name] = labels[fac.index(u[:, j])]
        else:
            cols[fac.name] = fac.value(u[:, j])
    return pd.DataFrame(cols, index=pd.RangeIndex(1, u.shape[0] + 1, name="run"))


def _nominal(model: _Model) -> pd.Series:
    x = model.base.to_numpy(dtype=float)[None]
    y = _normalise_stack(x, model.nominal["normalisation"], list(model.base.columns), model.direction)
    s = _aggregate_stack(y, model.weights[None], model.nominal["aggregation"], None)
    return pd.Series(s[0], index=model.base.index, name="score")


def uncertainty_analysis(
    data: pd.DataFrame | Scores,
    *,
    factors: Sequence[Factor] = (),
    n_runs: int = 1000,
    weights: Any = None,
    hierarchy: Hierarchy | None = None,
    direction: Any = None,
    normalisation: Any = "none",
    aggregation: Any = "arithmetic",
    sampling: bool | None = None,
    sampling_method: str = "normal",
    measures: Sequence[str] | None = None,
    rng: RNGLike = None,
) -> UncertaintyResult:
    """Monte Carlo uncertainty analysis of ranks over any set of choices and the sampling error.

    Parameters
    ----------
    data : pandas.DataFrame or Scores
        A unit x indicator table (TAI, PAPI, any index) or a :class:`~dgi_stats.scores.Scores`
        (units x dimensions with their sampling covariance/replicates).
    factors : sequence of Factor
        The uncertain choices (see the module docstring); for example
        ``[weight_noise_factor(w, f=0.25, rng=1), Factor("aggregation", ["arithmetic", "geometric"])]``.
    n_runs : int
        Monte Carlo runs.
    weights : optional
        Nominal weights (default equal, or the hierarchy's effective weights).
    hierarchy : Hierarchy, optional
        With a hierarchy, weights alternatives may be given for any element (e.g. dimensions) and are
        turned into effective indicator weights; nested power means with the same method at every
        level then equal the flat mean with effective weights (exact with complete data).
    direction : optional
        Indicator directions for the normalisations.
    normalisation, aggregation : optional
        The nominal choices (default: data as given, arithmetic mean).
    sampling : bool, optional
        For ``Scores``: add a sampling-error factor drawn with ``Scores.sampling_draws`` (default True
        for Scores, unless ``factors`` already has a data factor).
    sampling_method : {"normal", "replicates"}
        How sampling draws are made.
    measures : sequence of str, optional
        Columns to use (default for Scores: the dimensions ``d1_...``, else all).
    rng : int, Generator, SeedSequence or None
        The only source of randomness.

    Returns
    -------
    UncertaintyResult

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.DataFrame({"a": [0.9, 0.5, 0.2], "b": [0.1, 0.6, 0.7]}, index=["u", "v", "w"])
    >>> res = uncertainty_analysis(x, factors=[weight_noise_factor({"a": 0.5, "b": 0.5}, f=0.5, rng=1)],
    ...                            n_runs=200, rng=2)
    >>> res.statistics["nominal"].tolist()
    [2.0, 1.0, 3.0]
    """
    func = "uncertainty_analysis"
    n_runs = check_positive_int(n_runs, name="n_runs", func=func)
    gen = as_generator(rng)
    state = generator_state(gen)
    if not isinstance(data, Scores) and sampling:
        msg = f"{func}: sampling=True needs a Scores object as 'data'."
        raise DGIError(msg)
    facs = _with_sampling_factor(
        data, factors, sampling=sampling, method=sampling_method, n_draws=n_runs,
        measures=measures, gen=gen,
    )
    model = _build_model(
        data, facs, weights=weights, hierarchy=hierarchy, direction=direction,
        normalisation=normalisation, aggregation=aggregation, measures=measures, func=func,
    )
    nominal_score = _nominal(model)
    nominal_rank = competition_rank(nominal_score)
    u = gen.random((n_runs, len(model.factors)))
    scores = _evaluate(model, u)
    ranks = _stack_ranks(scores)
    run_cols = pd.RangeIndex(1, n_runs + 1, name="run")
    ranks_df = pd.DataFrame(ranks.T, index=model.base.index, columns=run_cols)
    scores_df = pd.DataFrame(scores.T, index=model.base.index, columns=run_cols)
    stats_ = rank_statistics(ranks_df, nominal_rank)
    stats_["nominal_score"] = nominal_score
    return UncertaintyResult(
        statistics=stats_,
        ranks=ranks_df,
        scores=scores_df,
        rank_shift=rank_shift(ranks_df, nominal_rank),
        design=_design_frame(model, u),
        nominal_rank=nominal_rank,
        nominal_score=nominal_score,
        rng_state=state,
    )


# --------------------------------------------------------------------------------- sensitivity
def sobol_indices(
    y: np.ndarray | pd.Series,
    n_factors: int,
    *,
    names: Sequence[str] | None = None,
    n_resamples: int = 1000,
    confidence_level: float = 0.90,
    rng: RNGLike = None,
) -> pd.DataFrame:
    """First-order (Saltelli 2010) and total-order (Jansen) Sobol indices from stacked runs.

    ``y`` holds ``N (d + 2)`` outputs stacked as COINr: A (N rows), then B, then AB_1 .. AB_d.
    With ``V = var(y_A ∪ y_B)`` (ddof 1, uncentred y, as COINr):
    ``S_i = mean(y_B (y_ABi - y_A)) / V`` and ``S_Ti = Σ (y_A - y_ABi)² / (2 N V)``. Intervals:
    percentile bootstrap over the N base rows (V recomputed in each resample), at
    ``confidence_level`` (0.90 gives COINr's 5 %/95 % bounds). Missing outputs are left out of the
    means and sums (COINr's ``na.rm``).

    Returns
    -------
    pandas.DataFrame
        Per factor: ``first_order``, ``total_order``, ``first_order_low``, ``first_order_high``,
        ``total_order_low``, ``total_order_high``; ``df.attrs["variance"]`` holds V.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(20240101)
    >>> a, b = rng.random((500, 2)), rng.random((500, 2))
    >>> f = lambda m: m[:, 0] + 0.1 * m[:, 1]
    >>> ab = [a.copy() for _ in range(2)]
    >>> for i in range(2):
    ...     ab[i][:, i] = b[:, i]
    >>> y = np.concatenate([f(a), f(b)] + [f(m) for m in ab])
    >>> res = sobol_indices(y, 2, n_resamples=100, rng=1)
    >>> bool(res.loc["x1", "first_order"] > 0.9 and res.loc["x2", "total_order"] < 0.05)
    True
    """
    func = "sobol_indices"
    d = check_positive_int(n_factors, name="n_factors", func=func)
    yy = np.asarray(y, dtype=float).ravel()
    if yy.size % (d + 2):
        msg = f"{func}: len(y) = {yy.size} is not a multiple of n_factors + 2 = {d + 2}."
        raise DGIError(msg)
    n = yy.size // (d + 2)
    level = check_probability(confidence_level, name="confidence_level", func=func)
    n_resamples = check_positive_int(n_resamples, name="n_resamples", func=func, minimum=0) if n_resamples else 0
    labels = list(names) if names is not None else [f"x{i + 1}" for i in range(d)]
    if len(labels) != d:
        msg = f"{func}: {len(labels)} names for {d} factors."
        raise DGIError(msg)
    ya, yb = yy[:n], yy[n : 2 * n]
    yab = yy[2 * n :].reshape(d, n)

    def est(idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # idx: (B, N) row indices; returns (B, d) first- and total-order indices
        a, b = ya[idx], yb[idx]
        ab = yab[:, idx]  # (d, B, N)
        v = np.nanvar(np.concatenate([a, b], axis=1), axis=1, ddof=1)
        s1 = np.nanmean(b * (ab - a), axis=2) / v
        st = np.nansum((a - ab) ** 2, axis=2) / (2 * idx.shape[1] * v)
        return s1.T, st.T

    v_all = float(np.nanvar(np.concatenate([ya, yb]), ddof=1))
    if not v_all > 0:
        warnings.warn(
            f"{func}: the output does not vary across the A and B runs (variance {v_all}); the Sobol "
            "indices are undefined and returned as NaN. Widen the factors or choose another target.",
            DegenerateReplicateWarning,
            stacklevel=2,
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        s1, st = (r[0] for r in est(np.arange(n)[None, :]))
    out = pd.DataFrame({"first_order": s1, "total_order": st}, index=pd.Index(labels, name="factor"))
    if n_resamples:
        gen = as_generator(rng)
        parts = []
        for start in range(0, n_resamples, 200):  # bounded memory: 200 resamples at a time
            m = min(200, n_resamples - start)
            with np.errstate(divide="ignore", invalid="ignore"):
                parts.append(est(gen.integers(0, n, size=(m, n))))
        bs1 = np.vstack([p_[0] for p_ in parts])
        bst = np.vstack([p_[1] for p_ in parts])
        lo, hi = (1 - level) / 2, (1 + level) / 2
        out["first_order_low"] = np.quantile(bs1, lo, axis=0)
        out["first_order_high"] = np.quantile(bs1, hi, axis=0)
        out["total_order_low"] = np.quantile(bst, lo, axis=0)
        out["total_order_high"] = np.quantile(bst, hi, axis=0)
    out.attrs["variance"] = float(np.nanvar(np.concatenate([ya, yb]), ddof=1))
    return out


@dataclass(frozen=True, slots=True, repr=False)
class SensitivityResult:
    """Sobol sensitivity analysis of a rank target.

    Attributes
    ----------
    indices : pandas.DataFrame
        Per factor (or group): first- and total-order indices with bootstrap bounds.
    variance : float
        Variance of the target over the A and B runs.
    y : pandas.Series
        The target per run (A, B, AB_1..AB_d stacked).
    ranks : pandas.DataFrame
        Units x runs.
    statistics : pandas.DataFrame
        Rank statistics over the first 2N runs (A and B), as COINr.
    u : numpy.ndarray
        The design (runs x factors) of U(0, 1) values.
    confidence_level : float
        Level of the bootstrap bounds.
    rng_state : dict
        Starting state of the generator.
    """

    indices: pd.DataFrame
    variance: float
    y: pd.Series
    ranks: pd.DataFrame
    statistics: pd.DataFrame
    u: np.ndarray
    confidence_level: float
    rng_state: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """The Sobol indices."""
        return self.indices

    def summary(self) -> Summary:
        """Sobol indices with the variance and sums in the notes."""
        notes = (
            (f"Var(y) = {self.variance:.4g}; sum S_i = {self.indices['first_order'].sum():.3f}, "
            f"sum S_Ti = {self.indices['total_order'].sum():.3f}"),
        )
        return Summary("Sobol sensitivity indices", self.indices.round(4), notes)

    def __repr__(self) -> str:
        return frame_repr("SensitivityResult", self.indices, extra=f"Var(y)={self.variance:.4g}")


def sensitivity_analysis(
    data: pd.DataFrame | Scores,
    *,
    factors: Sequence[Factor] = (),
    n_base: int = 512,
    target: str | Callable[[np.ndarray, np.ndarray], np.ndarray] = "rank_shift",
    groups: Mapping[str, Sequence[str]] | None = None,
    weights: Any = None,
    hierarchy: Hierarchy | None = None,
    direction: Any = None,
    normalisation: Any = "none",
    aggregation: Any = "arithmetic",
    sampling: bool | None = None,
    sampling_method: str = "normal",
    n_draws: int = 1000,
    measures: Sequence[str] | None = None,
    n_resamples: int = 1000,
    confidence_level: float = 0.90,
    rng: RNGLike = None,
) -> SensitivityResult:
    """Sobol sensitivity analysis (Saltelli design) of a rank target over uncertain factors.

    The design has ``N = n_base`` rows in A and B and ``N (d + 2)`` runs in all, stacked as COINr
    (A, B, AB_1..AB_d), where d is the number of factors or groups. Indices are computed by
    :func:`sobol_indices`.

    Parameters
    ----------
    data, factors, weights, hierarchy, direction, normalisation, aggregation, measures
        As in :func:`uncertainty_analysis`.
    n_base : int
        Base sample size N (use >= 512; at N = 100 first-order intervals span zero).
    target : str or callable
        ``"rank_shift"`` (mean absolute rank shift, COINr), a unit label (that unit's rank), or
        ``target(ranks, scores) -> y`` with ranks/scores as runs x units arrays.
    groups : dict, optional
        ``{group: [factor names]}``: factors of a group switch together in AB (one index per group).
    sampling, sampling_method, n_draws
        For ``Scores``: add a sampling-error factor with ``n_draws`` draws.
    n_resamples, confidence_level
        Bootstrap of the indices.
    rng : int, Generator, SeedSequence or None
        The only source of randomness.

    Returns
    -------
    SensitivityResult

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.DataFrame({"a": [0.9, 0.5, 0.2, 0.4], "b": [0.1, 0.6, 0.8, 0.4]},
    ...                  index=["u", "v", "w", "z"])
    >>> res = sensitivity_analysis(
    ...     x, factors=[weight_noise_factor({"a": 0.5, "b": 0.5}, f=0.6, rng=1),
    ...                 Factor("aggregation", ["arithmetic", "harmonic"])],
    ...     n_base=64, n_resamples=50, rng=2)
    >>> list(res.indices.index)
    ['weights', 'aggregation']
    """
    func = "sensitivity_analysis"
    n = check_positive_int(n_base, name="n_base", func=func, minimum=2)
    gen = as_generator(rng)
    state = generator_state(gen)
    facs = _with_sampling_factor(
        data, factors, sampling=sampling, method=sampling_method, n_draws=n_draws,
        measures=measures, gen=gen,
    )
    model = _build_model(
        data, facs, weights=weights, hierarchy=hierarchy, direction=direction,
        normalisation=normalisation, aggregation=aggregation, measures=measures, func=func,
    )
    names = [f.name for f in model.factors]
    group_of: dict[str, str] = {}
    for g, members in (groups or {}).items():
        for mname in members:
            if mname not in names:
                msg = f"{func}: group {g!r} names unknown factor {mname!r} (factors: {names})."
                raise DGIError(msg)
            if mname in group_of:
                msg = f"{func}: factor {mname!r} is in two groups."
                raise DGIError(msg)
            group_of[mname] = g
    order: list[str] = []
    for nm in names:
        g = group_of.get(nm, nm)
        if g not in order:
            order.append(g)
    if not order:
        msg = f"{func} needs at least one factor."
        raise DGIError(msg)
    d = len(order)
    k = len(names)
    a = gen.random((n, k))
    b = gen.random((n, k))
    blocks = [a, b]
    for g in order:
        ab = a.copy()
        cols = [j for j, nm in enumerate(names) if group_of.get(nm, nm) == g]
        ab[:, cols] = b[:, cols]
        blocks.append(ab)
    u = np.vstack(blocks)
    scores = _evaluate(model, u)
    ranks = _stack_ranks(scores)
    nominal_rank = competition_rank(_nominal(model))
    units = model.base.index
    if callable(target):
        y = np.asarray(target(ranks, scores), dtype=float)
    elif target == "rank_shift":
        y = np.nanmean(np.abs(ranks - nominal_rank.to_numpy()[None, :]), axis=1)
    elif target in units:
        y = ranks[:, units.get_loc(target)]
    else:
        msg = f"The 'target' parameter of {func} must be 'rank_shift', a unit label or a callable. Got {target!r}."
        raise DGIError(msg)
    idx = sobol_indices(y, d, names=order, n_resamples=n_resamples, confidence_level=confidence_level, rng=gen)
    run_cols = pd.RangeIndex(1, u.shape[0] + 1, name="run")
    ranks_df = pd.DataFrame(ranks.T, index=units, columns=run_cols)
    stats_ = rank_statistics(ranks_df.iloc[:, : 2 * n], nominal_rank)
    return SensitivityResult(
        indices=idx,
        variance=float(idx.attrs["variance"]),
        y=pd.Series(y, index=run_cols, name="y"),
        ranks=ranks_df,
        statistics=stats_,
        u=u,
        confidence_level=confidence_level,
        rng_state=state,
    )


# ------------------------------------------------------------------------------- scenarios
def scenario_ranks(
    data: pd.DataFrame | Scores,
    *,
    schemes: Mapping[str, Any] | None = None,
    aggregations: Sequence[Any] = ("arithmetic", "geometric"),
    normalisation: Any = "none",
    direction: Any = None,
    nominal: tuple[str, Any] = ("equal", "arithmetic"),
    bod_ratio_bound: float | None = None,
    measures: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Ranks of every unit under each weighting scheme x aggregation, with |Δrank| vs nominal.

    As Handbook Tables 23 and 38 and COINr ``compare_coins_multi``.

    Parameters
    ----------
    data : pandas.DataFrame or Scores
        Units x indicators (or a Scores: its estimates of ``measures``, default the dimensions).
    schemes : dict, optional
        ``{name: weights}`` where weights is a dict/Series/array, or one of the names "equal",
        "factor_analysis" (Handbook FA weights on the normalised data) or "bod" (benefit of the doubt:
        its own scores, on min-max-normalised data, with ``bod_ratio_bound``; shown once, with
        aggregation "bod"). Default ``{"equal": "equal"}``.
    aggregations : sequence
        Aggregation methods (names or dicts with ``p``).
    normalisation : str or dict
        Normalisation applied before weighting (a method name or options for
        :func:`~dgi_stats.composite.normalise`); default the data as given.
    nominal : (scheme, aggregation)
        The reference build for |Δrank|; the scheme must be a key of ``schemes`` or "equal".

    Returns
    -------
    pandas.DataFrame
        Units x columns ``(scheme, aggregation, value)`` with value "rank" and "abs_shift", preceded
        by the nominal rank ``("nominal", "", "rank")``.

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.DataFrame({"a": [0.9, 0.5, 0.2], "b": [0.1, 0.6, 0.8]}, index=["u", "v", "w"])
    >>> t = scenario_ranks(x, schemes={"equal": "equal", "a_heavy": {"a": 0.8, "b": 0.2}},
    ...                    aggregations=["arithmetic"])
    >>> t[("a_heavy", "arithmetic", "rank")].tolist()
    [1.0, 2.0, 3.0]
    """
    func = "scenario_ranks"
    base = _base_table(data, measures, func)
    opts = _method_options(normalisation)
    norm = normalise(base, direction=direction, **opts) if opts.get("method", "none") != "none" else base
    sch = dict(schemes) if schemes is not None else {"equal": "equal"}
    cols: dict[tuple[str, str, str], pd.Series] = {}
    ranks: dict[tuple[str, str], pd.Series] = {}
    for name, spec in sch.items():
        if isinstance(spec, str) and spec == "bod":
            mm = normalise(base, method="minmax", direction=direction)
            s = benefit_of_the_doubt(mm, bod_ratio_bound).scores
            ranks[(name, "bod")] = competition_rank(s)
            continue
        if isinstance(spec, str):
            if spec == "equal":
                w = equal_weights(norm)
            elif spec == "factor_analysis":
                w = factor_analysis_weights(norm).weights
            else:
                msg = f"{func}: scheme {name!r} = {spec!r}; use 'equal', 'factor_analysis', 'bod' or weights."
                raise DGIError(msg)
        else:
            w = check_weights(spec, list(norm.columns), func=func)
        for agg in aggregations:
            aopts = _method_options(agg)
            label = _label(agg, 0)
            ranks[(name, label)] = competition_rank(aggregate(norm, w, **aopts))
    nom_key = (nominal[0], _label(nominal[1], 0))
    if nom_key not in ranks:
        aopts = _method_options(nominal[1])
        wn = equal_weights(norm) if nominal[0] == "equal" else check_weights(sch[nominal[0]], list(norm.columns))
        nom = competition_rank(aggregate(norm, wn, **aopts))
    else:
        nom = ranks[nom_key]
    cols[("nominal", "", "rank")] = nom
    for (name, label), r in ranks.items():
        cols[(name, label, "rank")] = r
        cols[(name, label, "abs_shift")] = (r - nom).abs()
    out = pd.DataFrame(cols)
    out.columns = pd.MultiIndex.from_tuples(list(cols), names=["scheme", "aggregation", "value"])
    return out


# ---------------------------------------------------------------------------- leave one out
def leave_one_out(
    data: pd.DataFrame,
    *,
    hierarchy: Hierarchy | None = None,
    level: int = 1,
    weights: Any = None,
    method: str = "arithmetic",
    target: str | None = None,
) -> pd.DataFrame:
    """Remove each element of one level in turn, re-aggregate, and compare ranks (COINr ``remove_elements``).

    Parameters
    ----------
    data : pandas.DataFrame
        Units x indicators (normalised).
    hierarchy : Hierarchy, optional
        Without one, ``data``'s columns are aggregated directly and ``level`` must be 1.
    level : int
        The level whose elements are removed one at a time (1 = indicators; 2 = e.g. pillars or
        dimensions). A removed element gets weight 0, so its siblings share its parent's weight.
    weights : optional
        Flat weights when there is no hierarchy (default equal).
    method : str
        Aggregation method (the same at every level).
    target : str, optional
        The aggregate whose rank is compared (default the root, or the flat composite).

    Returns
    -------
    pandas.DataFrame
        One row per removed element: ``mean_abs_rank_change`` (COINr's ``MeanAbsDiff``) and
        ``max_abs_rank_change``; ``df.attrs["ranks"]`` holds units x (nominal + each removal).

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.DataFrame({"a": [3.0, 1.0, 2.0], "b": [1.0, 3.0, 2.5]}, index=["u", "v", "w"])
    >>> leave_one_out(x)["mean_abs_rank_change"].round(3).tolist()
    [1.0, 1.0]
    """
    func = "leave_one_out"
    x = _as_table(data, func)
    from dgi_stats.composite.aggregate import aggregate_hierarchy

    if hierarchy is None:
        if level != 1:
            msg = f"{func}: level={level} needs a hierarchy."
            raise DGIError(msg)
        w = check_weights(weights, list(x.columns), func=func)
        nominal = competition_rank(aggregate(x, w, method=method))
        ranks = {"nominal": nominal}
        for c in x.columns:
            wc = w.copy()
            wc[c] = 0.0
            if not wc.sum() > 0:
                msg = f"{func}: removing {c!r} leaves no weight."
                raise DGIError(msg)
            ranks[c] = competition_rank(aggregate(x, wc, method=method))
    else:
        root = target if target is not None else hierarchy.root
        nominal = competition_rank(aggregate_hierarchy(x, hierarchy, method=method)[root])
        ranks = {"nominal": nominal}
        lev = hierarchy.levels
        elements = [k for k in lev.index if lev[k] == level]
        if not elements:
            msg = f"{func}: the hierarchy has no elements at level {level}."
            raise DGIError(msg)
        for el in elements:
            h = hierarchy.with_weights({el: 0.0})
            ranks[el] = competition_rank(aggregate_hierarchy(x, h, method=method)[root])
    table = pd.DataFrame(ranks)
    diff = table.drop(columns="nominal").sub(table["nominal"], axis=0).abs()
    out = pd.DataFrame({"mean_abs_rank_change": diff.mean(), "max_abs_rank_change": diff.max()})
    out.attrs["ranks"] = table
    return out
