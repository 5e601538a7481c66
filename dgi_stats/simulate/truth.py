"""Exact true scores of a SYNTHETIC population, and the latent unit effects that produce given ones.

True scores
-----------
The **true score** of indicator :math:`j` in unit :math:`u` is the population ratio that the
design-weighted (Hájek) mean of the answered cases estimates:

.. math::

    T_{uj} = \\frac{\\sum_{v \\in u} \\sum_c N_{vc}\\, a_{cj}\\, q_{vcj}\\, E[s_j \\mid v, c]}
                  {\\sum_{v \\in u} \\sum_c N_{vc}\\, a_{cj}\\, q_{vcj}},

with :math:`N_{vc}` the adults of cell :math:`c` in village :math:`v`, :math:`a_{cj}` the
probability of a substantive answer (not "don't know"), :math:`q_{vcj}` the probability that the item
is asked (skip logic) and :math:`E[s_j \\mid v, c]` the expected indicator score under the model, all
exact (normal CDFs, no simulation). Every other measure (sub-dimensions, dimensions, total,
composite) is the spec's exact linear map (:meth:`dgi_stats.scores.spec.IndexSpec.measure_map`) of these
indicator values.

Unit effects are solved per dimension for all units at once (:func:`solve_unit_effects`), and the
true scores of given effects are computed exactly (:func:`population_scores`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dgi_stats.exceptions import DGIError
from dgi_stats.scores.spec import IndexSpec, composite_maximum
from dgi_stats.simulate._common import N_CELLS, match_names
from dgi_stats.simulate.latent import (
    CompiledSpec,
    ItemModel,
    LatentModel,
    category_cdf,
    category_probs,
    compile_spec,
)
from dgi_stats.simulate.population import Population

__all__ = [
    "all_truth",
    "check_spec_population",
    "check_true_scores",
    "population_scores",
    "solve_effects",
    "solve_unit_effects",
]


# ---------------------------------------------------------------------------------------------
# true scores
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Points:
    """Every village x cell of the population: the points over which true scores are averaged."""

    unit: np.ndarray  # unit index of each point
    weights: np.ndarray  # adults
    offsets: np.ndarray  # D x points: commune + village + cell effect
    cell: np.ndarray  # cell index
    beta: np.ndarray  # cell effect

    def subset(self, units: np.ndarray) -> _Points:
        """The points of the units flagged in the boolean array ``units``."""
        idx = np.flatnonzero(units[self.unit])
        return _Points(unit=self.unit[idx], weights=self.weights[idx],
                       offsets=self.offsets[:, idx], cell=self.cell[idx], beta=self.beta[idx])


def _points(pop: Population, model: LatentModel) -> _Points:
    ce = pop.commune_effects.to_numpy()
    ve = pop.village_effects.to_numpy()
    beta = model.cell_effects()
    base = ce[pop.village_commune] + ve  # villages x D
    offs = base[:, None, :] + beta[None, :, None]  # villages x 16 x D
    n_v = base.shape[0]
    vu = pop.commune_unit[pop.village_commune]
    return _Points(
        unit=np.repeat(vu, N_CELLS),
        weights=pop.cell_counts.reshape(-1).astype(float),
        offsets=np.ascontiguousarray(offs.reshape(-1, offs.shape[-1]).T),
        cell=np.tile(np.arange(N_CELLS), n_v),
        beta=np.tile(beta, n_v),
    )


def _item_eta(item: ItemModel, alpha: np.ndarray, pts: _Points) -> np.ndarray:
    if item.dim < 0:
        return pts.beta
    return alpha[:, item.dim][pts.unit] + pts.offsets[item.dim]


def _asked_prob(comp: CompiledSpec, j: int, alpha: np.ndarray, pts: _Points, sd: float,
                cache: dict[int, np.ndarray]) -> np.ndarray | None:
    """P(item j is asked) at every point (product over its filter chain); None = always asked."""
    item = comp.items[j]
    if item.parent < 0:
        return None
    if j in cache:
        return cache[j]
    p = comp.items[item.parent]
    assert item.parent_ok is not None
    probs = category_probs(p, _item_eta(p, alpha, pts), sd)
    out = (1.0 - p.dk_prob[pts.cell]) * probs[:, item.parent_ok].sum(axis=1)
    up = _asked_prob(comp, item.parent, alpha, pts, sd, cache)
    if up is not None:
        out = out * up
    cache[j] = out
    return out


def _indicator_truth(comp: CompiledSpec, which: Sequence[int] | np.ndarray, alpha: np.ndarray, pts: _Points,
                     sd: float, n_units: int) -> np.ndarray:
    """True indicator values (units x ``which``) for unit effects ``alpha`` (units x D)."""
    cache: dict[int, np.ndarray] = {}
    out = np.empty((n_units, len(which)))
    for n, ii in enumerate(which):
        j = int(comp.ind_item[ii])
        item = comp.items[j]
        s = comp.ind_scores[ii]
        eta = _item_eta(item, alpha, pts)
        expected = s[0] + category_cdf(item, eta, sd) @ np.diff(s)
        w = pts.weights * (1.0 - item.dk_prob[pts.cell])
        asked = _asked_prob(comp, j, alpha, pts, sd, cache)
        if asked is not None:
            w = w * asked
        num = np.bincount(pts.unit, weights=w * expected, minlength=n_units)
        den = np.bincount(pts.unit, weights=w, minlength=n_units)
        out[:, n] = np.divide(num, den, out=np.full(n_units, np.nan), where=den > 0)
    return out


def _proxy_points(pts: _Points, n_units: int) -> _Points:
    """A cheap stand-in: per unit and cell, one point at the adult-weighted mean offset."""
    key = pts.unit * N_CELLS + pts.cell
    n = n_units * N_CELLS
    w = np.bincount(key, weights=pts.weights, minlength=n)
    safe = np.where(w > 0, w, 1.0)
    offs = np.vstack([
        np.bincount(key, weights=pts.weights * pts.offsets[d], minlength=n) / safe
        for d in range(pts.offsets.shape[0])
    ])
    cells = np.tile(np.arange(N_CELLS), n_units)
    beta = np.tile(pts.beta[:N_CELLS], n_units)
    return _Points(unit=np.repeat(np.arange(n_units), N_CELLS), weights=w, offsets=offs,
                   cell=cells, beta=beta)


def solve_effects(comp: CompiledSpec, pop: Population, targets: np.ndarray,
                  model: LatentModel) -> np.ndarray:
    """Unit effects alpha (units x D) such that the true dimension scores equal ``targets``.

    For each dimension, all units are solved at once: a starting value from a cheap stand-in
    population (one point per unit and cell), then secant steps on the exact map alpha -> true
    dimension score (strictly increasing), falling back to bracketing with the Illinois method,
    until the true score is within 1e-7 score points of its target (far below the published
    2-decimal precision).

    Parameters
    ----------
    comp : CompiledSpec
        The spec compiled for ``model``.
    pop : Population
        The population.
    targets : numpy.ndarray
        Units (``pop.units`` order) x dimensions: checked true dimension scores
        (:func:`check_true_scores`).
    model : LatentModel
        The model parameters.

    Returns
    -------
    numpy.ndarray
        Units x dimensions.

    Raises
    ------
    DGIError
        If a target cannot be reached by the model.

    Examples
    --------
    >>> from dgi_stats.datasets import load_spec
    >>> from dgi_stats.simulate import simulate_population
    >>> from dgi_stats.simulate.latent import compile_spec
    >>> pop = simulate_population(2021, units=["Cô Tô"], rng=1)
    >>> comp = compile_spec(load_spec(2021), pop.model)
    >>> solve_effects(comp, pop, np.full((1, 8), 9.0), pop.model).shape
    (1, 8)
    """
    pts = _points(pop, model)
    proxy = _proxy_points(pts, len(pop.units))
    sd = model.sd_total
    n_u, n_d = targets.shape
    alpha = np.zeros((n_u, n_d))
    dim_w = comp.weights.loc[list(comp.dim_ids), list(comp.ind_ids)].to_numpy()
    dim_b = comp.offset.loc[list(comp.dim_ids)].to_numpy(dtype=float)
    inds_of = [np.flatnonzero(comp.ind_dim == d) for d in range(n_d)]
    sweeps = 50 if comp.coupled else 1
    for sweep in range(sweeps):
        previous = alpha.copy()
        for d in range(n_d):
            which = inds_of[d]

            def gap(a: np.ndarray, where: _Points, d: int = d, which: np.ndarray = which) -> np.ndarray:
                al = alpha.copy()
                al[:, d] = a
                m = _indicator_truth(comp, which, al, where, sd, n_u)
                return m @ dim_w[d, which] + dim_b[d] - targets[:, d]

            label = f"dimension {comp.dim_ids[d]!r}"
            if sweep == 0:
                start = _vector_root(lambda a: gap(a, proxy), n_u, where=label, units=pop.units,
                                     targets=targets[:, d], tol=1e-6)
            else:  # warm start (coupled dimensions): a converged unit is returned unchanged
                start = alpha[:, d].copy()
            h = 1e-4
            slope = (gap(start + h, proxy) - gap(start - h, proxy)) / (2 * h)
            alpha[:, d] = _secant(
                lambda a, active: gap(a, pts.subset(active)), start, slope,
                where=label, units=pop.units, targets=targets[:, d],
                fallback=lambda a: gap(a, pts),
            )
        if np.array_equal(alpha, previous):
            break
    return alpha


def _secant(f: Callable[[np.ndarray, np.ndarray], np.ndarray], x0: np.ndarray, slope: np.ndarray,
            *, where: str, units: Sequence[str], targets: np.ndarray,
            fallback: Callable[[np.ndarray], np.ndarray], tol: float = 1e-7) -> np.ndarray:
    """Vectorised secant iteration from ``x0`` (first step with the stand-in's ``slope``).

    ``f(x, active)`` evaluates only the units flagged in ``active``; units that have converged drop
    out. The bracketing solver takes over if the iteration misbehaves.
    """
    n = x0.size
    active = np.ones(n, bool)
    x_prev, f_prev = x0, f(x0, active)
    ok_slope = np.isfinite(slope) & (slope > 0)
    x = np.where(ok_slope, x0 - f_prev / np.where(ok_slope, slope, 1.0), x0 + 0.05)
    for _ in range(40):
        active = np.abs(f_prev) >= tol
        if not active.any():
            return x_prev
        fx = np.where(active, f(x, active), 0.0)
        active = np.abs(fx) >= tol
        if not active.any():
            return x
        denom = fx - f_prev
        safe = active & (denom != 0)
        step = np.where(safe, fx * (x - x_prev) / np.where(safe, denom, 1.0), 0.0)
        if not np.all(np.isfinite(step)) or np.any(np.abs(step) > 5) or np.any(active & (denom == 0)):
            break
        x_prev, f_prev = x, fx
        x = x - step
    return _vector_root(fallback, n, where=where, units=units, targets=targets, tol=tol)


def _vector_root(f: Callable[[np.ndarray], np.ndarray], n: int, *, where: str,
                 units: Sequence[str], targets: np.ndarray,
                 tol: float = 1e-12, max_iter: int = 200) -> np.ndarray:
    """Roots of an elementwise increasing function by bracketing + the Illinois method."""
    grid = np.array([-20.0, -4.0, -2.0, 0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 20.0])
    vals = np.vstack([f(np.full(n, g)) for g in grid])  # grid x n
    pos = vals > 0
    if not (np.all(~pos[0]) and np.all(pos[-1])):
        bad = int(np.flatnonzero(pos[0] | ~pos[-1])[0])
        msg = (
            f"true score {targets[bad]!r} of {units[bad]!r}, {where} cannot be reached by the "
            "model; choose a score strictly inside the scale."
        )
        raise DGIError(msg)
    k = np.argmax(pos, axis=0)  # first grid point with f > 0
    cols = np.arange(n)
    a, b = grid[k - 1], grid[k]
    fa, fb = vals[k - 1, cols], vals[k, cols]
    side = np.zeros(n, dtype=np.int64)
    for _ in range(max_iter):
        c = b - fb * (b - a) / (fb - fa)
        c = np.where(np.isfinite(c) & (c > a) & (c < b), c, 0.5 * (a + b))
        fc = f(c)
        done = np.abs(fc) < tol
        if np.all(done | (b - a < 1e-15)):
            return np.where(done, c, np.where(np.abs(fa) < np.abs(fb), a, b))
        right = fc > 0  # root in [a, c]
        # Illinois: halve the retained end's value when the same side is kept twice
        fa = np.where(right & (side == 1), fa / 2, fa)
        fb = np.where(~right & (side == -1), fb / 2, fb)
        a, fa = np.where(right, a, c), np.where(right, fa, fc)
        b, fb = np.where(right, c, b), np.where(right, fc, fb)
        side = np.where(right, 1, -1)
    msg = f"the unit effects of {where} did not converge; report this with the true scores used."
    raise DGIError(msg)  # pragma: no cover


def all_truth(comp: CompiledSpec, pop: Population, alpha: np.ndarray,
              model: LatentModel) -> pd.DataFrame:
    """The exact true score of every indicator and measure, given the unit effects ``alpha``.

    Parameters
    ----------
    comp : CompiledSpec
        The spec compiled for ``model``.
    pop : Population
        The population.
    alpha : numpy.ndarray
        Units (``pop.units`` order) x dimensions.
    model : LatentModel
        The model parameters.

    Returns
    -------
    pandas.DataFrame
        Units (index ``unit``) x indicators, then the measures of the spec's linear map.

    Examples
    --------
    >>> from dgi_stats.datasets import load_spec
    >>> from dgi_stats.simulate import simulate_population
    >>> from dgi_stats.simulate.latent import compile_spec
    >>> pop = simulate_population(2021, units=["Cô Tô"], rng=1)
    >>> comp = compile_spec(load_spec(2021), pop.model)
    >>> bool(all_truth(comp, pop, np.full((1, 8), 2.0), pop.model).loc["Cô Tô", "total"] < 80)
    True
    """
    pts = _points(pop, model)
    ind = _indicator_truth(comp, list(range(len(comp.ind_ids))), alpha, pts, model.sd_total,
                           len(pop.units))
    ind_df = pd.DataFrame(ind, index=pd.Index(pop.units, name="unit"), columns=list(comp.ind_ids))
    agg = ind_df @ comp.weights.T + comp.offset
    return pd.concat([ind_df, agg], axis=1)


def check_spec_population(spec: IndexSpec, pop: Population) -> None:
    """Check that the population's latent effects have one dimension per dimension of ``spec``.

    Parameters
    ----------
    spec : IndexSpec
        The index specification.
    pop : Population
        The population.

    Raises
    ------
    DGIError
        If the numbers of dimensions differ.

    Examples
    --------
    >>> from dgi_stats.datasets import load_spec
    >>> from dgi_stats.simulate import simulate_population
    >>> check_spec_population(load_spec(2021), simulate_population(2021, units=["Cô Tô"], rng=1))
    """
    if len(spec.dimension_ids) != pop.n_dimensions:
        msg = (
            f"the spec has {len(spec.dimension_ids)} dimensions but the population's latent effects "
            f"were drawn for {pop.n_dimensions}; pass n_dimensions={len(spec.dimension_ids)} to "
            "simulate_population."
        )
        raise DGIError(msg)


def check_true_scores(true_scores: object, comp: CompiledSpec, units: Sequence[str]) -> np.ndarray:
    """Validate a unit x dimension table of true scores.

    Parameters
    ----------
    true_scores : object
        Should be a DataFrame: units (index, any accepted spelling) x the spec's dimensions,
        optionally with consistent ``total`` and ``composite`` columns.
    comp : CompiledSpec
        The compiled spec (dimension ids and bounds).
    units : sequence of str
        The simulated units.

    Returns
    -------
    numpy.ndarray
        Units (``units`` order) x dimensions.

    Raises
    ------
    DGIError
        If the table is not a DataFrame, has the wrong rows or columns, a missing value, a value
        outside the scale, or an inconsistent ``total`` or ``composite``.

    Examples
    --------
    >>> from dgi_stats.datasets import load_spec
    >>> from dgi_stats.simulate import LatentModel, calibration_targets
    >>> from dgi_stats.simulate.latent import compile_spec
    >>> comp = compile_spec(load_spec(2021), LatentModel())
    >>> check_true_scores(calibration_targets(2021).loc[["Cô Tô"]], comp, ["Cô Tô"]).shape
    (1, 8)
    """
    if not isinstance(true_scores, pd.DataFrame):
        msg = (
            "The 'true_scores' parameter must be a DataFrame of units (index) x the spec's "
            f"dimensions (columns) {list(comp.dim_ids)}. Got {type(true_scores).__name__}."
        )
        raise DGIError(msg)
    dims = list(comp.dim_ids)
    missing = [d for d in dims if d not in true_scores.columns]
    extra = [c for c in true_scores.columns if c not in dims and c not in ("total", "composite")]
    if missing or extra:
        msg = (
            f"true_scores has the wrong columns: missing {missing}, unexpected {extra}. It needs one "
            f"column per dimension {dims} (total and composite are optional and are checked)."
        )
        raise DGIError(msg)
    try:
        idx = match_names(true_scores.index, units)
    except DGIError as exc:
        msg = f"true_scores has an index entry that is not a unit: {exc}"
        raise DGIError(msg) from None
    if sorted(idx) != sorted(units) or len(idx) != len(units):
        msg = (
            f"true_scores must have one row per simulated unit {list(units)}; got rows {list(idx)}. "
            "Pass units=... to simulate a subset."
        )
        raise DGIError(msg)
    tab = true_scores.copy()
    tab.index = pd.Index(idx)
    vals = tab.loc[list(units), dims].to_numpy(dtype=float)
    if not np.all(np.isfinite(vals)):
        msg = "true_scores has NaN or infinite values; give every unit a score on every dimension."
        raise DGIError(msg)
    outside = (vals <= comp.lo) | (vals >= comp.hi)
    if outside.any():
        r, c = np.argwhere(outside)[0]
        msg = (
            f"true_scores[{units[r]!r}, {dims[c]!r}] = {vals[r, c]!r} is outside the scale: each "
            f"dimension must be strictly between {comp.lo[c]:g} and {comp.hi[c]:g} (the model cannot "
            "reach the bounds)."
        )
        raise DGIError(msg)
    if "total" in tab.columns:
        gap = np.abs(tab.loc[list(units), "total"].to_numpy(dtype=float) - vals.sum(axis=1))
        if np.any(gap > 1e-6):
            msg = "true_scores['total'] is not the sum of the dimensions; drop it or fix it."
            raise DGIError(msg)
    if "composite" in tab.columns:
        factor = 100.0 / composite_maximum(len(dims))
        gap = np.abs(tab.loc[list(units), "composite"].to_numpy(dtype=float) - vals.sum(axis=1) * factor)
        if np.any(gap > 1e-6):
            msg = "true_scores['composite'] is not total / (10 x dimensions) x 100; drop it or fix it."
            raise DGIError(msg)
    return vals


def solve_unit_effects(
    spec: IndexSpec,
    population: Population,
    true_scores: pd.DataFrame,
) -> pd.DataFrame:
    """Latent unit effects that make the model's true dimension scores equal ``true_scores``.

    The true dimension score is strictly increasing in the unit effect :math:`\\alpha_{ud}`; the effects
    of all units are found together for each dimension by bracketing on a grid and the Illinois
    (modified regula falsi) iteration, until the true score is within 1e-7 of its target. When a filter item of one dimension controls items of another, the dimensions are solved
    by Gauss-Seidel sweeps until the effects stop changing.

    Parameters
    ----------
    spec : IndexSpec
        The index specification (items and scaling).
    population : Population
        From :func:`simulate_population`.
    true_scores : pandas.DataFrame
        Units (index, the population's units) x the spec's dimension ids, strictly inside the scale.

    Returns
    -------
    pandas.DataFrame
        Units x dimensions: the effects :math:`\\alpha_{ud}`.

    Raises
    ------
    DGIError
        If ``true_scores`` has the wrong rows or columns or a value outside the scale.

    Examples
    --------
    >>> from dgi_stats.datasets import load_spec
    >>> spec = load_spec(2021)
    >>> from dgi_stats.simulate import calibration_targets, simulate_population
    >>> pop = simulate_population(2021, units=["Cô Tô"], rng=1)
    >>> target = calibration_targets(2021, dimension_ids=spec.dimension_ids).loc[["Cô Tô"]]
    >>> alpha = solve_unit_effects(spec, pop, target)
    >>> truth = population_scores(spec, pop, alpha)
    >>> bool(np.allclose(truth[spec.dimension_ids], target, atol=1e-6))
    True
    """
    check_spec_population(spec, population)
    model = population.model
    comp = compile_spec(spec, model)
    vals = check_true_scores(true_scores, comp, population.units)
    alpha = solve_effects(comp, population, vals, model)
    return pd.DataFrame(alpha, index=pd.Index(population.units, name="unit"), columns=list(comp.dim_ids))


def population_scores(spec: IndexSpec, population: Population, unit_effects: pd.DataFrame) -> pd.DataFrame:
    """The exact true population score of every unit and measure, given the latent unit effects.

    Parameters
    ----------
    spec : IndexSpec
        The index specification.
    population : Population
        From :func:`simulate_population`.
    unit_effects : pandas.DataFrame
        Units x dimensions (from :func:`solve_unit_effects`).

    Returns
    -------
    pandas.DataFrame
        Units (index ``unit``) x ``spec.measure_ids`` (indicators in [0, 1], sub-dimensions,
        dimensions, total, composite %).

    Examples
    --------
    >>> from dgi_stats.datasets import load_spec
    >>> from dgi_stats.simulate import simulate_population
    >>> spec = load_spec(2021)
    >>> pop = simulate_population(2021, units=["Cô Tô"], rng=1)
    >>> alpha = pd.DataFrame(2.0, index=["Cô Tô"], columns=spec.dimension_ids)
    >>> t = population_scores(spec, pop, alpha)
    >>> bool(0 < t.loc["Cô Tô", "total"] < 80)
    True
    """
    check_spec_population(spec, population)
    comp = compile_spec(spec, population.model)
    if not isinstance(unit_effects, pd.DataFrame) or list(unit_effects.columns) != list(comp.dim_ids):
        msg = f"unit_effects must be a DataFrame with the spec's dimension columns {list(comp.dim_ids)}."
        raise DGIError(msg)
    idx = match_names(unit_effects.index, population.units)
    if sorted(idx) != sorted(population.units):
        msg = f"unit_effects must have one row per unit of the population {list(population.units)}."
        raise DGIError(msg)
    ue = unit_effects.copy()
    ue.index = pd.Index(idx)
    alpha = ue.loc[list(population.units)].to_numpy(dtype=float)
    return all_truth(comp, population, alpha, population.model)[spec.measure_ids]
