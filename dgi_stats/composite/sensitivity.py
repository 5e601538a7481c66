"""Sobol sensitivity analysis of composite ranks (Handbook §7, COINr ``get_sensitivity``).

The runs of a Sobol design (matrices A, B and AB_i stacked as COINr does - A, then B, then
AB_1..AB_d) are evaluated by the machinery of the uncertainty analysis, and the first- and
total-order indices are estimated as COINr does (Saltelli 2010 first order, Jansen total order, the
variance of the uncentred outputs with ddof 1), with percentile-bootstrap bounds.

The factors, the uncertainty analysis and the scenario comparisons, which lived in this module
before 0.2, are re-exported here so that their old import path keeps working.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dgi_stats._results import Result, Summary, frame_repr
from dgi_stats._rng import RNGLike, as_generator, generator_state
from dgi_stats._validation import check_positive_int, check_probability
from dgi_stats.composite._common import DirectionLike, MethodSpec, WeightsLike
from dgi_stats.composite._runs import build_model, evaluate, nominal_scores, stack_ranks
from dgi_stats.composite.factors import (
    Factor,
    exclusion_factor,
    sampling_factor,
    weight_noise_factor,
    with_sampling_factor,
)
from dgi_stats.composite.hierarchy import Hierarchy
from dgi_stats.composite.scenarios import leave_one_out, scenario_ranks
from dgi_stats.composite.uncertainty import (
    UncertaintyResult,
    rank_shift,
    rank_statistics,
    uncertainty_analysis,
)
from dgi_stats.exceptions import DegenerateReplicateWarning, DGIError
from dgi_stats.scores.answers import competition_rank
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

    Parameters
    ----------
    y : numpy.ndarray or pandas.Series
        The ``N (d + 2)`` outputs, stacked A, B, AB_1 .. AB_d.
    n_factors : int
        d, the number of factors (or groups).
    names : sequence of str, optional
        Factor names (default ``x1 .. xd``).
    n_resamples : int
        Bootstrap resamples of the base rows (0: no intervals).
    confidence_level : float
        Level of the percentile intervals.
    rng : int, Generator, SeedSequence or None
        The only source of randomness (the bootstrap).

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
class SensitivityResult(Result):
    """Sobol sensitivity analysis of a rank target.

    Parameters
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

    Examples
    --------
    >>> x = pd.DataFrame({"a": [0.9, 0.5, 0.2], "b": [0.1, 0.6, 0.8]}, index=["u", "v", "w"])
    >>> res = sensitivity_analysis(x, factors=[Factor("aggregation", ["arithmetic", "harmonic"])],
    ...                            n_base=16, n_resamples=0, rng=1)
    >>> list(res.to_frame().index)
    ['aggregation']
    """

    indices: pd.DataFrame
    variance: float
    y: pd.Series
    ranks: pd.DataFrame
    statistics: pd.DataFrame
    u: np.ndarray
    confidence_level: float
    rng_state: dict[str, object] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """The Sobol indices.

        Returns
        -------
        pandas.DataFrame
            ``indices``.
        """
        return self.indices

    def summary(self) -> Summary:
        """Sobol indices with the variance and sums in the notes.

        Returns
        -------
        Summary
        """
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
    weights: WeightsLike | str | None = None,
    hierarchy: Hierarchy | None = None,
    direction: DirectionLike | None = None,
    normalisation: MethodSpec | None = "none",
    aggregation: MethodSpec = "arithmetic",
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
        The indices, the target and the ranks per run, and the design.

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
    facs = with_sampling_factor(
        data, factors, sampling=sampling, method=sampling_method, n_draws=n_draws,
        measures=measures, gen=gen,
    )
    model = build_model(
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
    scores = evaluate(model, u)
    ranks = stack_ranks(scores)
    nominal_rank = competition_rank(nominal_scores(model))
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
