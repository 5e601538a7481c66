"""Monte Carlo uncertainty analysis of composite ranks (Handbook §7, COINr ``get_sensitivity``).

Every run draws one alternative of each uncertain factor (see :mod:`~dgi_stats.composite.factors`)
and ranks the units; the result is the distribution of each unit's rank and of the mean rank shift.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dgi_stats._results import Result, Summary, frame_repr, renamed_parameter
from dgi_stats._rng import RNGLike, as_generator, generator_state
from dgi_stats._validation import check_positive_int
from dgi_stats.composite._common import DirectionLike, MethodSpec, WeightsLike
from dgi_stats.composite._runs import (
    build_model,
    design_frame,
    evaluate,
    nominal_scores,
    stack_ranks,
)
from dgi_stats.composite.factors import Factor, with_sampling_factor
from dgi_stats.composite.hierarchy import Hierarchy
from dgi_stats.exceptions import DGIError
from dgi_stats.scores.answers import competition_rank
from dgi_stats.scores.pivot import Scores

__all__ = ["UncertaintyResult", "rank_shift", "rank_statistics", "uncertainty_analysis"]

_N_DRAWS = 1000  # default number of runs (one object, so that renamed_parameter sees the default)


# ---------------------------------------------------------------------------- rank statistics
def rank_statistics(ranks: pd.DataFrame, nominal: pd.Series) -> pd.DataFrame:
    """Per unit: nominal, mean, median, 5th and 95th percentile rank over the runs.

    Quantiles are R's type 7 (linear interpolation; numpy's default), as COINr. Missing ranks are
    left out per unit.

    Parameters
    ----------
    ranks : pandas.DataFrame
        Units x runs.
    nominal : pandas.Series
        The nominal rank of each unit.

    Returns
    -------
    pandas.DataFrame
        Per unit: ``nominal``, ``mean``, ``median``, ``q5``, ``q95``.

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
class UncertaintyResult(Result):
    """Monte Carlo uncertainty analysis of ranks.

    Parameters
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

    Examples
    --------
    >>> from dgi_stats.composite import Factor
    >>> x = pd.DataFrame({"a": [0.9, 0.5, 0.2], "b": [0.1, 0.6, 0.8]}, index=["u", "v", "w"])
    >>> res = uncertainty_analysis(x, factors=[Factor("aggregation", ["arithmetic", "harmonic"])],
    ...                            n_draws=20, rng=1)
    >>> res.n_draws, list(res.to_frame().columns)
    (20, ['nominal', 'mean', 'median', 'q5', 'q95', 'nominal_score'])
    """

    statistics: pd.DataFrame
    ranks: pd.DataFrame
    scores: pd.DataFrame
    rank_shift: pd.Series
    design: pd.DataFrame
    nominal_rank: pd.Series
    nominal_score: pd.Series
    rng_state: dict[str, object] = field(default_factory=dict)

    @property
    def n_draws(self) -> int:
        """Number of Monte Carlo runs."""
        return int(self.ranks.shape[1])

    def to_frame(self) -> pd.DataFrame:
        """The per-unit rank statistics.

        Returns
        -------
        pandas.DataFrame
            ``statistics``.
        """
        return self.statistics

    def summary(self) -> Summary:
        """Rank statistics with the mean rank shift in the notes.

        Returns
        -------
        Summary
        """
        notes = (
            f"{self.ranks.shape[1]} runs; mean |rank shift| = {self.rank_shift.mean():.3f}",
        )
        return Summary("Uncertainty analysis of ranks", self.statistics.round(3), notes)

    def __repr__(self) -> str:
        return frame_repr(
            "UncertaintyResult", self.statistics,
            extra=f"runs={self.ranks.shape[1]}, mean R_S={self.rank_shift.mean():.3f}",
        )


def uncertainty_analysis(
    data: pd.DataFrame | Scores,
    *,
    factors: Sequence[Factor] = (),
    n_draws: int = _N_DRAWS,
    weights: WeightsLike | str | None = None,
    hierarchy: Hierarchy | None = None,
    direction: DirectionLike | None = None,
    normalisation: MethodSpec | None = "none",
    aggregation: MethodSpec = "arithmetic",
    sampling: bool | None = None,
    sampling_method: str = "normal",
    measures: Sequence[str] | None = None,
    rng: RNGLike = None,
    **kwargs: object,
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
    n_draws : int
        Monte Carlo runs (formerly ``n_runs``, still accepted with a deprecation warning).
    weights : dict, Series, array or str, optional
        Nominal weights, or a scheme name ("equal", "factor_analysis"); default equal, or the
        hierarchy's effective weights.
    hierarchy : Hierarchy, optional
        With a hierarchy, weights alternatives may be given for any element (e.g. dimensions) and are
        turned into effective indicator weights; nested power means with the same method at every
        level then equal the flat mean with effective weights (exact with complete data).
    direction : int, dict or Series, optional
        Indicator directions (+1 / -1) for the normalisations.
    normalisation, aggregation : str or dict, optional
        The nominal choices, a method name or a dict of options with "method" (default: data as
        given, arithmetic mean).
    sampling : bool, optional
        For ``Scores``: add a sampling-error factor drawn with ``Scores.sampling_draws`` (default True
        for Scores, unless ``factors`` already has a data factor).
    sampling_method : {"normal", "replicates"}
        How sampling draws are made.
    measures : sequence of str, optional
        Columns to use (default for Scores: the dimensions ``d1_...``, else all).
    rng : int, Generator, SeedSequence or None
        The only source of randomness.
    **kwargs
        ``n_runs``: the deprecated name of ``n_draws`` (a DGIDeprecationWarning).

    Returns
    -------
    UncertaintyResult
        Rank statistics, ranks and scores per run, the run design and the nominal build.

    Examples
    --------
    >>> import pandas as pd
    >>> from dgi_stats.composite import weight_noise_factor
    >>> x = pd.DataFrame({"a": [0.9, 0.5, 0.2], "b": [0.1, 0.6, 0.7]}, index=["u", "v", "w"])
    >>> res = uncertainty_analysis(x, factors=[weight_noise_factor({"a": 0.5, "b": 0.5}, f=0.5, rng=1)],
    ...                            n_draws=200, rng=2)
    >>> res.statistics["nominal"].tolist()
    [2.0, 1.0, 3.0]
    """
    func = "uncertainty_analysis"
    given = renamed_parameter(kwargs, "n_runs", "n_draws", n_draws, func=func, default=_N_DRAWS)
    n_draws = check_positive_int(given, name="n_draws", func=func)
    gen = as_generator(rng)
    state = generator_state(gen)
    if not isinstance(data, Scores) and sampling:
        msg = f"{func}: sampling=True needs a Scores object as 'data'."
        raise DGIError(msg)
    facs = with_sampling_factor(
        data, factors, sampling=sampling, method=sampling_method, n_draws=n_draws,
        measures=measures, gen=gen,
    )
    model = build_model(
        data, facs, weights=weights, hierarchy=hierarchy, direction=direction,
        normalisation=normalisation, aggregation=aggregation, measures=measures, func=func,
    )
    nominal_score = nominal_scores(model)
    nominal_rank = competition_rank(nominal_score)
    u = gen.random((n_draws, len(model.factors)))
    scores = evaluate(model, u)
    ranks = stack_ranks(scores)
    run_cols = pd.RangeIndex(1, n_draws + 1, name="run")
    ranks_df = pd.DataFrame(ranks.T, index=model.base.index, columns=run_cols)
    scores_df = pd.DataFrame(scores.T, index=model.base.index, columns=run_cols)
    stats_ = rank_statistics(ranks_df, nominal_rank)
    stats_["nominal_score"] = nominal_score
    return UncertaintyResult(
        statistics=stats_,
        ranks=ranks_df,
        scores=scores_df,
        rank_shift=rank_shift(ranks_df, nominal_rank),
        design=design_frame(model, u),
        nominal_rank=nominal_rank,
        nominal_score=nominal_score,
        rng_state=state,
    )
