"""Ranks of a composite under alternative builds: weighting schemes x aggregations (Handbook
Tables 23 and 38, COINr ``compare_coins_multi``) and leaving one element out (COINr
``remove_elements``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from dgi_stats.composite._common import (
    DirectionLike,
    MethodSpec,
    WeightsLike,
    alternative_label,
    as_table,
    check_weights,
    method_options,
)
from dgi_stats.composite._runs import base_table
from dgi_stats.composite.aggregation import aggregate, aggregate_hierarchy
from dgi_stats.composite.bod import benefit_of_the_doubt
from dgi_stats.composite.hierarchy import Hierarchy
from dgi_stats.composite.normalisation import normalise
from dgi_stats.composite.weighting_schemes import equal_weights, factor_analysis_weights
from dgi_stats.exceptions import DGIError
from dgi_stats.scores.answers import competition_rank
from dgi_stats.scores.pivot import Scores

__all__ = ["leave_one_out", "scenario_ranks"]


def scenario_ranks(
    data: pd.DataFrame | Scores,
    *,
    schemes: Mapping[str, WeightsLike | str] | None = None,
    aggregations: Sequence[MethodSpec] = ("arithmetic", "geometric"),
    normalisation: MethodSpec = "none",
    direction: DirectionLike | None = None,
    nominal: tuple[str, MethodSpec] = ("equal", "arithmetic"),
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
    direction : int, dict or Series, optional
        Indicator directions (+1 / -1) for the normalisations.
    nominal : (scheme, aggregation)
        The reference build for |Δrank|; the scheme must be a key of ``schemes`` or "equal".
    bod_ratio_bound : float, optional
        The weight-ratio bound of the "bod" scheme (see
        :func:`~dgi_stats.composite.benefit_of_the_doubt`).
    measures : sequence of str, optional
        Columns to use (default for Scores: the dimensions ``d1_...``, else all).

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
    [1, 2, 3]
    """
    func = "scenario_ranks"
    base = base_table(data, measures, func)
    opts = method_options(normalisation)
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
            aopts = method_options(agg)
            label = alternative_label(agg, 0)
            ranks[(name, label)] = competition_rank(aggregate(norm, w, **aopts))
    nom_key = (nominal[0], alternative_label(nominal[1], 0))
    if nom_key not in ranks:
        aopts = method_options(nominal[1])
        wn = (
            equal_weights(norm)
            if nominal[0] == "equal"
            else check_weights(sch[nominal[0]], list(norm.columns))  # type: ignore[arg-type]  # a name fails here
        )
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
    weights: WeightsLike | None = None,
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
    x = as_table(data, func)
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
