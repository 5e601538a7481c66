"""The evaluation of a robustness analysis: the resolved pipeline and its runs, vectorised.

Shared by :func:`~dgi_stats.composite.uncertainty_analysis` and
:func:`~dgi_stats.composite.sensitivity_analysis`: each run (a row of U(0, 1) values, one per
factor) picks the data, normalisation, weights, exclusion and aggregation, and gives one score per
unit; runs are evaluated in chunks over stacked arrays.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from dgi_stats.composite._common import (
    DirectionLike,
    MethodSpec,
    WeightsLike,
    as_table,
    check_weights,
    method_options,
    weighted_mean,
)
from dgi_stats.composite.aggregation import AGGREGATION_METHODS
from dgi_stats.composite.bod import benefit_of_the_doubt
from dgi_stats.composite.factors import Factor, default_measures
from dgi_stats.composite.hierarchy import Hierarchy
from dgi_stats.composite.normalisation import normalise
from dgi_stats.composite.weighting_schemes import equal_weights, factor_analysis_weights
from dgi_stats.exceptions import DGIError
from dgi_stats.scores.answers import competition_rank
from dgi_stats.scores.pivot import Scores

__all__ = [
    "Model",
    "aggregate_stack",
    "base_table",
    "build_model",
    "design_frame",
    "evaluate",
    "nominal_scores",
    "normalise_stack",
    "resolve_weights",
    "stack_ranks",
]


@dataclass(frozen=True, slots=True)
class Model:
    """Resolved pipeline: nominal data, columns, weights, factors and global options."""

    base: pd.DataFrame
    weights: np.ndarray
    factors: tuple[Factor, ...]
    direction: DirectionLike | None
    nominal: dict[str, Any]
    hierarchy: Hierarchy | None


def resolve_weights(
    alt: WeightsLike | str, model_base: pd.DataFrame, hierarchy: Hierarchy | None
) -> np.ndarray:
    """Indicator weights (summing to 1) of a weights alternative: a scheme name or weights.

    With a hierarchy, weights may name any element; they become effective indicator weights.
    """
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


def normalise_stack(
    x: np.ndarray, spec: MethodSpec | None, columns: list[Any], direction: DirectionLike | None
) -> np.ndarray:
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
    ranks = stats.rankdata(v, method="min", axis=1, nan_policy="omit")  # ascending, ties min
    if method == "rank":
        return ranks
    if method == "borda":
        return ranks - 1
    n_ok = (~nan).sum(axis=1, keepdims=True)
    return (ranks - 1) / (n_ok - 1)


def aggregate_stack(
    x: np.ndarray, w: np.ndarray, spec: MethodSpec, p_run: np.ndarray | None
) -> np.ndarray:
    """Aggregate runs x units x columns with per-run weights (runs x columns)."""
    opts = method_options(spec)
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
            less = stats.rankdata(x, method="min", axis=1) - 1.0  # units below each unit
            q_used = (w > 0).sum(axis=1)[:, None]
            return q_used * np.einsum("rmq,rq->rm", less, wn)
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


def stack_ranks(scores: np.ndarray) -> np.ndarray:
    """Competition ranks per run (runs x units; rank 1 = highest, ties share the best), NaN kept."""
    return np.asarray(competition_rank(scores), dtype=float)


def evaluate(model: Model, u: np.ndarray, *, chunk: int = 2000) -> np.ndarray:
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
            alts: list[Any] = list(fac.alternatives or ())  # weights, checked by resolve_weights
            resolved[j] = np.stack([resolve_weights(a, model.base, model.hierarchy) for a in alts])
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
            y[sel] = normalise_stack(x[sel], norm_alts[a], cols, model.direction)
        s = np.empty((r, m))
        for a in np.unique(agg):
            sel = agg == a
            s[sel] = aggregate_stack(y[sel], w[sel], agg_alts[a], None if p_run is None else p_run[sel])
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


def base_table(data: pd.DataFrame | Scores, measures: Sequence[str] | None, func: str) -> pd.DataFrame:
    """The unit x component table analysed: a Scores' estimates or the checked DataFrame."""
    if isinstance(data, Scores):
        meas = list(measures) if measures is not None else default_measures(data)
        return data.estimate[meas].astype(float)
    base = as_table(data, func)
    return base[list(measures)] if measures is not None else base


def build_model(
    data: pd.DataFrame | Scores,
    factors: Sequence[Factor],
    *,
    weights: WeightsLike | str | None,
    hierarchy: Hierarchy | None,
    direction: DirectionLike | None,
    normalisation: MethodSpec | None,
    aggregation: MethodSpec,
    measures: Sequence[str] | None,
    func: str,
) -> Model:
    """The resolved pipeline of an analysis: checked table, nominal weights and factors."""
    base = base_table(data, measures, func)
    if hierarchy is not None:
        leaves = hierarchy.leaves
        if sorted(map(str, leaves)) != sorted(map(str, base.columns)):
            msg = f"{func}: the columns of 'data' do not match the hierarchy's indicators."
            raise DGIError(msg)
        base = base[leaves]
        w0 = hierarchy.effective_weights()[leaves].to_numpy() if weights is None else resolve_weights(
            weights, base, hierarchy
        )
    else:
        w0 = resolve_weights(weights if weights is not None else "equal", base, None)
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
    return Model(
        base=base,
        weights=np.asarray(w0, dtype=float),
        factors=facs,
        direction=direction,
        nominal={"normalisation": normalisation, "aggregation": aggregation},
        hierarchy=hierarchy,
    )



def design_frame(model: Model, u: np.ndarray) -> pd.DataFrame:
    """Runs x factors: the label (discrete factor) or value (continuous) used in each run."""
    cols = {}
    for j, fac in enumerate(model.factors):
        if fac.discrete:
            labels = np.asarray(fac.labels, dtype=object)
            cols[fac.name] = labels[fac.index(u[:, j])]
        else:
            cols[fac.name] = fac.value(u[:, j])
    return pd.DataFrame(cols, index=pd.RangeIndex(1, u.shape[0] + 1, name="run"))


def nominal_scores(model: Model) -> pd.Series:
    """Scores of the nominal build (no factor applied)."""
    x = model.base.to_numpy(dtype=float)[None]
    y = normalise_stack(x, model.nominal["normalisation"], list(model.base.columns), model.direction)
    s = aggregate_stack(y, model.weights[None], model.nominal["aggregation"], None)
    return pd.Series(s[0], index=model.base.index, name="score")
