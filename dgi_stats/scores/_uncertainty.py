"""The joint uncertainty of :class:`~dgi_stats.scores.Scores` kept in structured form.

A national index (3,321 communes x 87 measures) has 288,927 estimates; their dense covariance
would hold 8·10¹⁰ numbers (667 GB). What the design gives is much smaller: the PSU (SSU) totals of
the influence values, one sparse row per PSU when the units are strata, or the replicate
deviations (:class:`~dgi_stats.survey.variance.structured.StructuredCovariance`). ``Scores`` keeps
that form in :attr:`Scores.covariance` and works on it:

* standard errors from its diagonal;
* a selection of units and measures (:meth:`Scores.select`, :meth:`Scores.for_measure`) by
  selecting the factor columns, and the dense block of the selection on request;
* the measure map of an index (dimensions, total, composite: the same map in every unit) by
  multiplying the factors by the sparse block-diagonal map ``I_units ⊗ A``;
* a difference between two independent years by stacking the two years' factors;
* Gaussian (and t) draws through the factors (``ξᵀ F``), never through a dense root.

The dense ``Scores.cov`` is formed on first access and refused, with its size and what to use
instead, beyond :data:`~dgi_stats.survey.variance.structured.DENSE_LIMIT_BYTES`. A covariance given
as a dense matrix is wrapped as it is and handled with the dense arithmetic of before (so
published scores and small designs give the same numbers to the last bit).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from dgi_stats._draws import chi_scales, gaussian_draws
from dgi_stats.exceptions import DGIError
from dgi_stats.scores._common import (
    map_bounds,
    map_measure_df,
    map_unit_covariance,
    satterthwaite_df,
)
from dgi_stats.survey.variance.structured import (
    DENSE_LIMIT_BYTES,
    FactorTerm,
    StructuredCovariance,
)

__all__ = [
    "DENSE_DRAW_MAX",
    "add_covariances",
    "check_fields",
    "check_scores_dense",
    "deviations",
    "diagonal_covariance",
    "difference_parts",
    "map_measures",
    "map_units",
    "stacked_positions",
    "t_deviations",
]

#: Up to this many estimates, Gaussian draws go through the dense covariance (as before, so a
#: seed gives the same draws); beyond, through the factors.
DENSE_DRAW_MAX = 4096


def check_scores_dense(n_units: int, n_measures: int, what: str = "Scores.cov") -> None:
    """Refuse a dense Scores covariance beyond the dense limit, naming its size and the alternatives.

    Parameters
    ----------
    n_units, n_measures : int
        The selection (the matrix has ``n_units * n_measures`` rows and columns).
    what : str
        What is asked for, for the message. default: "Scores.cov".

    Raises
    ------
    DGIError
        The dense matrix would exceed
        :data:`~dgi_stats.survey.variance.structured.DENSE_LIMIT_BYTES`.

    Examples
    --------
    >>> check_scores_dense(13, 87)
    >>> check_scores_dense(3321, 87)
    Traceback (most recent call last):
    ...
    dgi_stats.exceptions.DGIError: Scores.cov would be a dense 288,927 x 288,927 matrix (3,321 units x 87 measures; 622.0 GB, more than the limit of 2 GB). Use Scores.std_error for standard errors, Scores.for_measure(measure) for one measure's units x units covariance, Scores.cov_of(units=..., measures=...) or Scores.select(...) for a selection, and the structured Scores.covariance (select, linear_map, draws) for anything else.
    """
    k = n_units * n_measures
    size = k * k * 8
    if size > DENSE_LIMIT_BYTES:
        msg = (
            f"{what} would be a dense {k:,} x {k:,} matrix ({n_units:,} units x {n_measures:,} "
            f"measures; {size / 2**30:,.1f} GB, more than the limit of "
            f"{DENSE_LIMIT_BYTES / 2**30:g} GB). Use Scores.std_error for standard errors, "
            "Scores.for_measure(measure) for one measure's units x units covariance, "
            "Scores.cov_of(units=..., measures=...) or Scores.select(...) for a selection, and "
            "the structured Scores.covariance (select, linear_map, draws) for anything else."
        )
        raise DGIError(msg)


def stacked_positions(unit_pos: np.ndarray, measure_pos: np.ndarray, n_measures: int) -> np.ndarray:
    """Positions of ``(unit, measure)`` pairs in the unit-major stacking, units outer.

    Parameters
    ----------
    unit_pos, measure_pos : numpy.ndarray
        Positions of the units and of the measures kept.
    n_measures : int
        Measures of the full table.

    Returns
    -------
    numpy.ndarray
        ``len(unit_pos) * len(measure_pos)`` positions.

    Examples
    --------
    >>> stacked_positions(np.array([1, 0]), np.array([2]), 3).tolist()
    [5, 2]
    """
    pos: np.ndarray = (np.asarray(unit_pos)[:, None] * n_measures + np.asarray(measure_pos)[None, :])
    return pos.ravel().astype(np.intp)


def diagonal_covariance(std_error: np.ndarray) -> StructuredCovariance:
    """Independent estimates with standard errors ``std_error``: one sparse factor row each.

    Parameters
    ----------
    std_error : numpy.ndarray
        Standard errors of the stacked estimates.

    Returns
    -------
    StructuredCovariance
        ``diag(std_error²)`` without the dense matrix.

    Examples
    --------
    >>> diagonal_covariance(np.array([1.0, 2.0])).dense().tolist()
    [[1.0, 0.0], [0.0, 4.0]]
    """
    se = np.asarray(std_error, dtype=float)
    return StructuredCovariance(
        [FactorTerm(sparse.csr_matrix(sparse.diags(se)), np.ones(se.size))], size=se.size
    )


def map_units(cov: StructuredCovariance, a_unit: np.ndarray, n_units: int) -> StructuredCovariance:
    """The covariance of ``(I_units ⊗ a_unit) θ``: the same measure map applied in every unit.

    A dense covariance is mapped block by block as before
    (:func:`~dgi_stats.scores._common.map_unit_covariance`); factors are multiplied by the
    sparse ``(I ⊗ a_unit)ᵀ``, so nothing of size estimates² is formed.

    Parameters
    ----------
    cov : StructuredCovariance
        Covariance of the unit-major stacked estimates (``n_units * M``).
    a_unit : numpy.ndarray
        ``M' x M`` map of one unit's measures.
    n_units : int
        Number of units.

    Returns
    -------
    StructuredCovariance
        ``(n_units M') x (n_units M')``.

    Examples
    --------
    >>> v = StructuredCovariance.from_dense(np.eye(4))
    >>> map_units(v, np.array([[1.0, 1.0]]), 2).dense().tolist()
    [[2.0, 0.0], [0.0, 2.0]]
    """
    if cov.matrix is not None and not cov.terms:
        return StructuredCovariance.from_dense(map_unit_covariance(cov.matrix, a_unit, n_units))
    a_full = sparse.kron(sparse.identity(n_units, format="csr"), sparse.csr_matrix(a_unit))
    return cov.linear_map(sparse.csr_matrix(a_full.T))


def add_covariances(
    a: StructuredCovariance, b: StructuredCovariance, cross: np.ndarray | None = None
) -> StructuredCovariance:
    """``V_a + V_b - C - Cᵀ``: the covariance of a difference ``θ_a - θ_b``.

    The factors of both are kept side by side (two independent samples: their factor rows are
    different PSUs or replicates); dense parts are added as matrices.

    Parameters
    ----------
    a, b : StructuredCovariance
        Covariances of the same number of estimates.
    cross : numpy.ndarray, optional
        ``C = Cov(θ_a, θ_b)`` (rows for ``a``), dense. default: None (independent).

    Returns
    -------
    StructuredCovariance

    Examples
    --------
    >>> v = StructuredCovariance.from_dense(np.eye(2))
    >>> add_covariances(v, v, np.eye(2) * 0.5).dense().tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    if a.size != b.size:
        msg = f"Covariances of {a.size} and {b.size} estimates cannot be added."
        raise DGIError(msg)
    mats = [m for m in (a.matrix, b.matrix) if m is not None]
    mat: np.ndarray | None = None
    if len(mats) == 2:
        mat = mats[0] + mats[1]
    elif mats:
        mat = mats[0].copy()
    if cross is not None:
        c = np.asarray(cross, dtype=float)
        mat = (np.zeros((a.size, a.size)) if mat is None else mat) - c - c.T
    return StructuredCovariance((*a.terms, *b.terms), size=a.size, matrix=mat)


def deviations(cov: StructuredCovariance, n: int, gen: np.random.Generator) -> np.ndarray:
    """``n`` centred Gaussian draws with covariance ``cov``, shape ``(n, K)``.

    A dense covariance, or a small one (up to :data:`DENSE_DRAW_MAX` estimates), is drawn
    through its dense root (:func:`~dgi_stats._draws.gaussian_draws`, as before); a larger one
    through its factors (:meth:`StructuredCovariance.draws`: one normal per factor row).

    Parameters
    ----------
    cov : StructuredCovariance
        The covariance.
    n : int
        Number of draws.
    gen : numpy.random.Generator
        Source of the normals.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> d = deviations(diagonal_covariance(np.array([1.0, 3.0])), 20_000, np.random.default_rng(1))
    >>> np.round(d.std(axis=0), 1).tolist()
    [1.0, 3.0]
    """
    if cov.matrix is not None and not cov.terms:
        return gaussian_draws(cov.matrix, n, gen)
    if cov.size <= DENSE_DRAW_MAX:
        return gaussian_draws(cov.dense(), n, gen)
    return cov.draws(n, gen)


def check_fields(
    scores: Any, cov: pd.DataFrame | None, covariance: StructuredCovariance | None
) -> StructuredCovariance:
    """Validate the fields of a new Scores and return its structured covariance.

    Parameters
    ----------
    scores : Scores
        The object being built (its ``estimate``, ``df``, ``replicates`` are read).
    cov : pandas.DataFrame or None
        The dense covariance, if given (it wins over ``covariance``).
    covariance : StructuredCovariance or None
        The structured covariance, if given.

    Returns
    -------
    StructuredCovariance
        ``covariance``, or ``cov`` wrapped.

    Raises
    ------
    DGIError
        An empty or duplicated estimate table, a covariance of the wrong size or index, replicates
        without factors, or df not aligned with the estimates.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> s = SimpleNamespace(estimate=pd.DataFrame({"total": [1.0]}, index=["A"]), df=None,
    ...                     replicates=None, replicate_factors=None)
    >>> check_fields(s, None, diagonal_covariance(np.array([1.0]))).size
    1
    """
    est = scores.estimate
    if not isinstance(est, pd.DataFrame) or est.empty:
        msg = "The 'estimate' parameter of Scores must be a non-empty DataFrame (units x measures)."
        raise DGIError(msg)
    if est.index.has_duplicates or est.columns.has_duplicates:
        msg = "Scores.estimate must have unique unit labels (index) and measure labels (columns)."
        raise DGIError(msg)
    k = est.size
    if cov is not None:
        if not isinstance(cov, pd.DataFrame) or cov.shape != (k, k):
            shape = getattr(cov, "shape", None)
            msg = f"Scores.cov must be a {k} x {k} DataFrame (units x measures stacked). Got {shape}."
            raise DGIError(msg)
        idx = pd.MultiIndex.from_product([est.index, est.columns], names=["unit", "measure"])
        if not (cov.index.equals(idx) and cov.columns.equals(idx)):
            msg = (
                "Scores.cov must be indexed by the (unit, measure) MultiIndex of estimate.stack() "
                "on both axes; build it with Scores.from_blocks or Scores.from_estimates."
            )
            raise DGIError(msg)
        covariance = StructuredCovariance.from_dense(cov.to_numpy(dtype=float))
    elif not isinstance(covariance, StructuredCovariance) or covariance.size != k:
        size = getattr(covariance, "size", None)
        msg = (
            f"Scores needs its covariance: 'cov' (a {k} x {k} DataFrame) or 'covariance' (a "
            f"StructuredCovariance of {k} estimates). Got {type(covariance).__name__} of size {size}."
        )
        raise DGIError(msg)
    if scores.replicates is not None and scores.replicate_factors is None:
        msg = "Scores.replicates needs replicate_factors (scale x rscales per replicate)."
        raise DGIError(msg)
    df = scores.df
    if df is not None:
        ok_series = isinstance(df, pd.Series) and df.index.equals(est.index)
        ok_frame = (
            isinstance(df, pd.DataFrame)
            and df.index.equals(est.index)
            and df.columns.equals(est.columns)
        )
        if not (ok_series or ok_frame):
            msg = (
                "Scores.df must be a Series indexed by the units of 'estimate' (design df per "
                "unit) or a DataFrame shaped like 'estimate' (df per unit and measure)."
            )
            raise DGIError(msg)
    return covariance


def t_deviations(
    dev: np.ndarray, df_frame: pd.DataFrame | None, units: pd.Index, gen: np.random.Generator
) -> np.ndarray:
    """Gaussian deviations (draws x (units measures)) made multivariate t with each unit's df.

    Every unit's deviation is divided by ``sqrt(χ²_ν/ν)``, one scale per unit and draw, with
    ``ν`` the smallest df of the unit's measures.

    Parameters
    ----------
    dev : numpy.ndarray
        ``n x (U M)`` centred Gaussian draws, unit-major.
    df_frame : pandas.DataFrame or None
        Units x measures df (None: unknown, an error).
    units : pandas.Index
        The units (for the messages).
    gen : numpy.random.Generator
        Source of the chi-square scales.

    Returns
    -------
    numpy.ndarray
        The t draws, same shape.

    Raises
    ------
    DGIError
        No df, or a df that is not > 0.

    Examples
    --------
    >>> frame = pd.DataFrame({"total": [5.0]}, index=["A"])
    >>> t_deviations(np.ones((3, 1)), frame, frame.index, np.random.default_rng(1)).shape
    (3, 1)
    """
    if df_frame is None:
        msg = (
            "Scores.sampling_draws(method='t') needs degrees of freedom (Scores.df); "
            "use method='normal' for a covariance known without error."
        )
        raise DGIError(msg)
    per_unit = df_frame.to_numpy(dtype=float).min(axis=1)
    bad = ~(per_unit > 0)
    if bad.any():
        msg = (
            "Scores.sampling_draws(method='t'): df must be > 0; unit(s) "
            f"{list(units[bad])} have {per_unit[bad].tolist()}."
        )
        raise DGIError(msg)
    scale = chi_scales(per_unit, dev.shape[0], gen)
    n_m = df_frame.shape[1]
    out: np.ndarray = dev / np.repeat(scale, n_m, axis=1)
    return out


def difference_parts(
    a: Any, b: Any, cross_cov: pd.DataFrame | None
) -> tuple[StructuredCovariance, pd.DataFrame | None]:
    """Covariance and df of ``a - b`` for two Scores with the same units and measures.

    Parameters
    ----------
    a, b : Scores
        The later and the earlier year, aligned (same units and measures, same order).
    cross_cov : pandas.DataFrame, optional
        ``Cov(a, b)`` of the stacked estimates (a panel); None for independent samples.

    Returns
    -------
    covariance : StructuredCovariance
        ``V_a + V_b`` (the two years' factors side by side), minus ``C + Cᵀ`` for a panel.
    df : pandas.DataFrame or None
        Welch–Satterthwaite df for independent years, the smaller of the two years' df with
        ``cross_cov``; None when a year has no df.

    Raises
    ------
    DGIError
        ``cross_cov`` does not cover the ``(unit, measure)`` pairs.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> one = pd.DataFrame({"total": [1.0]}, index=["A"])
    >>> s = SimpleNamespace(units=one.index, measures=one.columns, df_frame=one * 5,
    ...                     std_error=one, covariance=diagonal_covariance(np.array([1.0])))
    >>> cov, df = difference_parts(s, s, None)
    >>> cov.dense().tolist(), df.to_numpy().tolist()
    ([[2.0]], [[10.0]])
    """
    cross = None
    if cross_cov is not None:
        idx = pd.MultiIndex.from_product([a.units, a.measures], names=["unit", "measure"])
        if not isinstance(cross_cov, pd.DataFrame) or not (
            set(idx) <= set(cross_cov.index) and set(idx) <= set(cross_cov.columns)
        ):
            msg = (
                "The 'cross_cov' parameter of Scores.difference must be a DataFrame with the "
                "(unit, measure) pairs of both Scores on both axes."
            )
            raise DGIError(msg)
        cross = cross_cov.loc[idx, idx].to_numpy(dtype=float)
    df: pd.DataFrame | None = None
    fa, fb = a.df_frame, b.df_frame
    if fa is not None and fb is not None:
        if cross_cov is None:
            vals = satterthwaite_df(
                a.std_error.to_numpy() ** 2, fa.to_numpy(), b.std_error.to_numpy() ** 2,
                fb.to_numpy(),
            )
        else:
            vals = np.minimum(fa.to_numpy(), fb.to_numpy())
        df = pd.DataFrame(vals, index=a.units, columns=a.measures)
    return add_covariances(a.covariance, b.covariance, cross), df


def map_measures(
    scores: Any, weights: pd.DataFrame, offset: pd.Series | None, *, keep: bool
) -> dict[str, Any]:
    """The fields of ``scores.linear_map(weights, offset, keep=keep)`` that change.

    The map acts unit by unit: estimates and replicates are mapped on the measure axis, the
    covariance by :func:`map_units` (dense blocks, or factors times the sparse ``I ⊗ A``), df
    per measure conservatively (:func:`~dgi_stats.scores._common.map_measure_df`) and scale
    bounds by interval arithmetic.

    Parameters
    ----------
    scores : Scores
        The scores mapped.
    weights : pandas.DataFrame
        New measures x existing measures.
    offset : pandas.Series or None
        Constant per new measure.
    keep : bool
        Keep the existing measures beside the new ones.

    Returns
    -------
    dict
        ``estimate``, ``df``, ``replicates``, ``meta``, ``bounds``, ``covariance``.

    Raises
    ------
    DGIError
        A new measure would overwrite an existing one.

    Examples
    --------
    >>> from dgi_stats.scores.pivot import Scores
    >>> s = Scores.from_estimates(pd.DataFrame({"x": [1.0], "y": [2.0]}, index=["A"]),
    ...                           pd.DataFrame({"x": [1.0], "y": [1.0]}, index=["A"]))
    >>> w = pd.DataFrame({"x": [1.0], "y": [1.0]}, index=["sum"])
    >>> map_measures(s, w, None, keep=False)["covariance"].dense().tolist()
    [[2.0]]
    """
    w = weights.reindex(columns=scores.measures, fill_value=0.0).astype(float)
    off = pd.Series(0.0, index=w.index) if offset is None else offset.reindex(w.index).fillna(0.0)
    units = scores.units
    new_est = scores.estimate.to_numpy(dtype=float) @ w.to_numpy().T + off.to_numpy()
    new_meas = w.index if not keep else scores.measures.append(w.index)
    if keep and scores.measures.intersection(w.index).size:
        clash = list(scores.measures.intersection(w.index))
        msg = f"linear_map would overwrite existing measure(s) {clash}."
        raise DGIError(msg)
    # the map acts unit by unit: apply it to the (unit, measure) axes of the covariance blocks
    # instead of forming the block-diagonal (units x measures)^2 matrix kron(I, A)
    n_u, n_m = scores.estimate.shape
    a_unit = w.to_numpy()
    if keep:
        a_unit = np.vstack([np.eye(n_m), a_unit])
    mapped_cov = map_units(scores.covariance, a_unit, n_u)
    b_unit = off.to_numpy() if not keep else np.concatenate([np.zeros(n_m), off.to_numpy()])
    if keep:
        est = np.hstack([scores.estimate.to_numpy(dtype=float), new_est])
    else:
        est = new_est
    idx = pd.MultiIndex.from_product([units, new_meas], names=["unit", "measure"])
    reps = None
    if scores.replicates is not None:
        r = scores.replicates.to_numpy(dtype=float).reshape(-1, n_u, n_m) @ a_unit.T + b_unit
        reps = pd.DataFrame(r.reshape(r.shape[0], -1), index=scores.replicates.index, columns=idx)
    new_df: pd.Series | pd.DataFrame | None = scores.df
    if isinstance(scores.df, pd.DataFrame):
        vals = map_measure_df(scores.df.to_numpy(dtype=float), w.to_numpy(), keep=keep)
        new_df = pd.DataFrame(vals, index=units, columns=new_meas)
    new_bounds = None
    if scores.bounds is not None:
        mapped = pd.DataFrame(
            map_bounds(scores.bounds, w.to_numpy(), off.to_numpy(dtype=float)),
            index=w.index, columns=["low", "high"],
        )
        new_bounds = pd.concat([scores.bounds, mapped]) if keep else mapped
    return {
        "estimate": pd.DataFrame(est, index=units, columns=new_meas),
        "df": new_df,
        "replicates": reps,
        "meta": dict(scores.meta),
        "bounds": new_bounds,
        "covariance": mapped_cov,
    }
