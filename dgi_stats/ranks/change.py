"""Did a unit's rank change between two years? Rank-change tests with error-rate control.

Three separate questions (methods spec §5.1), each with its own (approximate) error-rate control:

* the **score** change of a unit (z test; Holm-adjusted across units when all are screened);
* the **rank** change of one unit named in advance (§5.2): a (1 − α) lower confidence bound on the
  number of places gained, from one stepdown over the one-sided within-year pairwise hypotheses
  "k was better than j in year 1" and "j is better than k in year 2";
* the rank changes of **all** units at once (§5.3), for a league table of "significant movers" picked
  after seeing the data: the two years' simultaneous two-sided rank sets from one stepdown over both
  years' pairs, giving joint intervals ``[L1 − U2, U1 − L2]`` for the places gained.

A rise of the printed rank is established at level α when ``places_gained_lower >= 1``. Years are
treated as independent samples (separate cross-sections); the Bonferroni variant (``method=
"bonferroni"``) needs no assumption about the dependence between years.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, TypeAlias, cast

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

from dgi_stats._draws import gaussian_draws
from dgi_stats._results import (
    CoverageAlias,
    RenamedAttribute,
    Result,
    Summary,
    frame_repr,
    renamed_parameter,
)
from dgi_stats._rng import RNGLike, as_generator, generator_state
from dgi_stats._typing import BoolArray, FloatArray
from dgi_stats._validation import check_choice, check_positive_int, check_probability
from dgi_stats.exceptions import DGIError
from dgi_stats.ranks._closed import closed_change_bound, closed_unit
from dgi_stats.ranks._common import (
    CovarianceLike,
    DfLike,
    RankInput,
    confidence_level_from,
    prepare,
)
from dgi_stats.ranks._core import (
    ExactMaxLaw,
    MaxLaw,
    MonteCarloMaxLaw,
    adjusted_pvalues,
    count_pvalue,
    is_diagonal,
    pair_sd,
    pair_t,
    std_errors,
    stepdown,
)
from dgi_stats.ranks._sets import family_masks, rank_bounds, studentisation, unit_major
from dgi_stats.scores.answers import competition_rank
from dgi_stats.scores.pivot import Scores
from dgi_stats.units import match_unit

__all__ = ["RankChangeTest", "closed_change_bound", "rank_change_test"]

_METHODS = ("auto", "exact", "monte-carlo", "bonferroni")
_PROCEDURES = ("auto", "closed", "projection")
_N_DRAWS = 100_000

#: One year of :func:`rank_change_test`: a Scores, or ``(estimates, cov)`` / ``(estimates, cov, df)``.
YearLike: TypeAlias = (
    Scores | tuple[pd.Series, CovarianceLike] | tuple[pd.Series, CovarianceLike, DfLike | None]
)


@dataclass(frozen=True, slots=True, repr=False)
class RankChangeTest(Result, CoverageAlias):
    """Result of :func:`rank_change_test`: rank and score changes with their bounds.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per tested unit; the columns are also available as attributes:
        ``rank_before``, ``rank_after``, ``places_gained`` (observed, positive = moved up),
        ``places_gained_lower`` / ``places_gained_upper`` (one-sided (1 − α) confidence bounds on
        the true places gained: ``lower >= 1`` establishes a rise, ``upper <= −1`` a fall),
        ``places_gained_ci_low`` / ``places_gained_ci_high`` (two-sided confidence interval),
        ``pvalue`` (for "the rank improved"), ``pvalue_decline``, ``lower_before`` ...
        ``upper_after`` (the two years' rank sets), ``score_before``, ``score_after``,
        ``score_change``, ``score_change_se``, ``score_change_ci_low``/``_high``,
        ``score_change_df`` (Welch–Satterthwaite), ``score_change_pvalue`` (two-sided t; the
        interval and p-value are those of ``(after - before).confidence_interval()``) and, when
        all units are screened,
        ``score_change_pvalue_holm``; ``margin`` (distance of the deciding statistics from
        their critical values; below ~0.02 Monte Carlo results may flip).
    units : pandas.Index
        Units ranked (present in both years).
    unit : str or None
        The unit named in advance, or None (all units, simultaneous).
    confidence_level : float
        The confidence level.
    method : str
        The method used.
    excluded_units : tuple
        Units present in only one year (not ranked; ranks are within the common units).
    critical_values : tuple of float
        Critical values of the stepdown deciding a rise (improvement family, or joint family).
    n_draws : int
        Monte Carlo draws (0 when none were used); ``n_resamples`` is its deprecated name.
    rng_state : dict or None
        Bit-generator state before the draws (reproduces the result).
    critical_law : str
        How the critical values treat the estimated covariances ("normal (...)" or
        "studentised: ...", as in :class:`~dgi_stats.ranks.RankConfidenceSets`).
    procedure : str
        "closed" (named unit, difference-in-differences statements) or "projection".

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> y1 = pd.Series([70.0, 72.0, 74.0], index=["A", "B", "C"])
    >>> y2 = pd.Series([79.0, 72.0, 74.0], index=["A", "B", "C"])
    >>> res = rank_change_test((y1, np.eye(3) / 4, np.inf), (y2, np.eye(3) / 4, np.inf), unit="A",
    ...                        n_draws=10_000, rng=1)
    >>> res.to_frame()[["rank_before", "rank_after"]].to_numpy().tolist(), res.procedure
    ([[3, 1]], 'closed')
    """

    table: pd.DataFrame
    units: pd.Index
    unit: str | None
    confidence_level: float
    method: str
    excluded_units: tuple[Hashable, ...]
    critical_values: tuple[float, ...]
    n_draws: int
    rng_state: dict[str, object] | None
    critical_law: str = ""
    procedure: str = "projection"
    n_resamples = RenamedAttribute("n_draws")

    def _col(self, name: str) -> pd.Series:
        return self.table[name]

    @property
    def rank_before(self) -> pd.Series:
        """Rank in the first year (within the common units)."""
        return self._col("rank_before")

    @property
    def rank_after(self) -> pd.Series:
        """Rank in the second year."""
        return self._col("rank_after")

    @property
    def places_gained(self) -> pd.Series:
        """Observed places gained, ``rank_before − rank_after``."""
        return self._col("places_gained")

    @property
    def places_gained_lower(self) -> pd.Series:
        """(1 − α) lower confidence bound on the true places gained (>= 1: rise established)."""
        return self._col("places_gained_lower")

    @property
    def places_gained_upper(self) -> pd.Series:
        """(1 − α) upper confidence bound on the true places gained (<= −1: fall established)."""
        return self._col("places_gained_upper")

    @property
    def pvalue(self) -> pd.Series:
        """p-value for "the rank improved" (smallest α at which ``places_gained_lower >= 1``)."""
        return self._col("pvalue")

    @property
    def pvalue_decline(self) -> pd.Series:
        """p-value for "the rank got worse"."""
        return self._col("pvalue_decline")

    @property
    def score_change(self) -> pd.Series:
        """Estimated score change, after − before."""
        return self._col("score_change")

    @property
    def score_change_ci(self) -> pd.DataFrame:
        """Confidence interval of the score change (columns ``low``, ``high``)."""
        return self.table[["score_change_ci_low", "score_change_ci_high"]].set_axis(
            ["low", "high"], axis=1
        )

    @property
    def score_change_pvalue(self) -> pd.Series:
        """Two-sided p-value of "the score changed" (unadjusted)."""
        return self._col("score_change_pvalue")

    def to_frame(self) -> pd.DataFrame:
        """The table (one row per tested unit).

        Returns
        -------
        pandas.DataFrame
        """
        return self.table.copy()

    def __repr__(self) -> str:
        cols = ["rank_before", "rank_after", "places_gained", "places_gained_lower", "pvalue",
                "score_change", "score_change_pvalue"]
        scope = f"unit={self.unit!r}" if self.unit is not None else "all units (simultaneous)"
        return frame_repr(
            "RankChangeTest", self.table[cols],
            extra=f"{scope}, confidence_level={self.confidence_level:g}, method={self.method!r}",
        )

    def summary(self) -> Summary:
        """The three-line report of methods spec §5.4 for each tested unit.

        Returns
        -------
        Summary
        """
        lv = f"{self.confidence_level:.0%}"
        notes = []
        for u, r in self.table.iterrows():
            score = (
                f"{u}: score {r.score_before:.2f} -> {r.score_after:.2f}, change "
                f"{r.score_change:+.2f} ({lv} CI {r.score_change_ci_low:+.2f} to "
                f"{r.score_change_ci_high:+.2f}; p = {r.score_change_pvalue:.3g})."
            )
            rank = f"rank {int(r.rank_before)} -> {int(r.rank_after)} ({int(r.places_gained):+d} places); "
            if r.places_gained_lower >= 1:
                rank += (f"the rank improved by at least {int(r.places_gained_lower)} place(s) "
                         f"({lv} lower bound; p = {r.pvalue:.3g}).")
            elif r.places_gained_upper <= -1:
                rank += (f"the rank fell by at least {-int(r.places_gained_upper)} place(s) "
                         f"({lv} bound; p = {r.pvalue_decline:.3g}).")
            else:
                rank += (f"a change of rank cannot be established at {1 - self.confidence_level:.0%} "
                         f"(one-sided {lv} bounds: at least {int(r.places_gained_lower)} and at "
                         f"most {int(r.places_gained_upper)} places gained).")
            notes.append(score + " " + rank)
        if self.unit is not None:
            notes.append("Valid for a unit named before seeing the results; for a unit picked "
                         "because it moved, use unit=None (simultaneous).")
        else:
            notes.append("Simultaneous over all units: valid for movers picked from the table.")
        if self.excluded_units:
            notes.append(f"Not ranked (present in one year only): {list(self.excluded_units)}.")
        if self.critical_law:
            notes.append(f"Critical values: {self.critical_law}.")
        return Summary("Rank change test", self.to_frame(), tuple(notes))


# --------------------------------------------------------------------------------------- inputs
def _year(x: YearLike, *, name: str, measure: str) -> tuple[Scores, RankInput | None]:
    """One year as a one-measure Scores, with its rank input when it was validated here.

    An ``(estimates, cov, df)`` tuple is validated once, by
    :func:`~dgi_stats.ranks._common.prepare`, and carried as a Scores built from the validated
    arrays; a Scores is validated after the units of both years are matched.
    """
    func = "rank_change_test"
    if isinstance(x, Scores):
        if measure not in x.measures:
            msg = (
                f"The 'measure' parameter of {func} must be one of the measures of {name!r}: "
                f"{list(x.measures)}. Got {measure!r} instead."
            )
            raise DGIError(msg)
        return x[measure], None
    if isinstance(x, tuple) and len(x) in (2, 3):
        df = x[2] if len(x) == 3 else None
        data = prepare(x[0], x[1], func=func, df=df)
        idx = pd.MultiIndex.from_product([data.units, [measure]], names=["unit", "measure"])
        scores = Scores(
            pd.DataFrame({measure: data.theta}, index=data.units),
            pd.DataFrame(data.cov, index=idx, columns=idx),
            df=pd.Series(data.df, index=data.units),
            method="given",
        )
        return scores, data
    msg = (
        f"The {name!r} parameter of {func} must be a Scores or an (estimates, cov, df) tuple. "
        f"Got {type(x).__name__} instead."
    )
    raise DGIError(msg)


def _common(
    before: tuple[Scores, RankInput | None],
    after: tuple[Scores, RankInput | None],
    *,
    measure: str,
    missing_units: str = "error",
) -> tuple[Scores, Scores, RankInput, RankInput, tuple[Any, ...]]:
    """The units of both years; units of one year only raise (``"error"``) or are set aside."""
    (before_s, a), (after_s, b) = before, after
    units = before_s.units.intersection(after_s.units, sort=False)
    only_before = before_s.units.difference(units).tolist()
    only_after = after_s.units.difference(units).tolist()
    excluded = tuple(only_before + only_after)
    if excluded and missing_units == "error":
        parts = []
        if only_before:
            parts.append(f"{only_before} only in 'before' (missing from 'after')")
        if only_after:
            parts.append(f"{only_after} only in 'after' (missing from 'before')")
        msg = (
            "rank_change_test: the two years do not have the same units: " + "; ".join(parts)
            + ". Ranks within different sets of units cannot be compared. Pass "
            "missing_units=\"drop\" to rank both years within their common units (the others "
            "are listed in excluded_units), or give both years the same units."
        )
        raise DGIError(msg)
    if len(units) < 2:
        msg = "rank_change_test: the two years share fewer than 2 units; nothing to rank."
        raise DGIError(msg)
    keep = list(units)
    sel_before, sel_after = before_s.select(units=keep), after_s.select(units=keep)

    def rank_input(year: Scores, given: RankInput | None) -> RankInput:
        if given is None:
            return prepare(year, None, func="rank_change_test", measure=measure)
        return given.subset(given.units.get_indexer(units))

    return sel_before, sel_after, rank_input(sel_before, a), rank_input(sel_after, b), excluded


# -------------------------------------------------------------------------------------- helpers
def _laws(
    covs: list[FloatArray], sds: list[FloatArray], method: str, n: int, gen: np.random.Generator | None,
    j: int | None, dfs: list[FloatArray | None],
) -> MaxLaw:
    """The law of the max over the blocks (years): exact, Monte Carlo, studentised Monte Carlo."""
    if method == "exact":
        assert j is not None
        return ExactMaxLaw([std_errors(c) for c in covs], j)
    assert gen is not None
    draws = [unit_major(gaussian_draws(c, n, gen)) for c in covs]
    diag = [np.sqrt(np.diag(c)) if is_diagonal(c) else None for c in covs]
    stud = [None if d is None else studentisation(c, d, n, gen) for c, d in zip(covs, dfs)]
    return MonteCarloMaxLaw(draws, sds, diag, stud if any(x is not None for x in stud) else [])


def _needed_pvalue(adj: list[FloatArray], pairs: list[BoolArray], need: int) -> float:
    """p-value of "at least ``need`` rejections among ``pairs``" from adjusted p-values."""
    vals = np.sort(np.concatenate([a[m] for a, m in zip(adj, pairs)]))
    if need <= 0:
        return 0.0
    if need > vals.size:
        return 1.0
    return float(vals[need - 1])


def _kth_smallest(vals: FloatArray, need: int) -> float:
    """The ``need``-th smallest value (1 when there are fewer): :func:`_needed_pvalue` on a
    vector already cut to the pairs of interest."""
    if need <= 0:
        return 0.0
    if need > vals.size:
        return 1.0
    return float(np.partition(vals, need - 1)[need - 1])


def _bonf_pvalue(a1: FloatArray, a2: FloatArray, need: int) -> float:
    """min over splits n1 + n2 = need of 2·max(p1(n1), p2(n2)) (p(0) = 0)."""
    s1 = np.concatenate([[0.0], np.sort(a1)])
    s2 = np.concatenate([[0.0], np.sort(a2)])
    best = 1.0
    for n1 in range(len(s1)):
        n2 = need - n1
        if 0 <= n2 < len(s2):
            best = min(best, 2.0 * max(s1[n1], s2[n2]))
    return float(min(best, 1.0))


def _single_unit(
    j: int, t: list[FloatArray], covs: list[FloatArray], sds: list[FloatArray], alpha: float,
    method: str, n: int, gen: np.random.Generator | None, dfs: list[FloatArray | None],
) -> dict[str, Any]:
    p = t[0].shape[0]
    jj = np.array([j])
    col = family_masks(p, jj, "lower")  # (k, j): k better than j
    row = family_masks(p, jj, "upper")  # (j, k): j better than k
    both = col | row
    out: dict[str, Any] = {}
    if method == "bonferroni":
        half = alpha / 2.0
        exact_ok = all(is_diagonal(c) for c in covs) and all(d is None for d in dfs)
        sub = "exact" if exact_ok else "monte-carlo"

        def one(g: int, fam: BoolArray, a: float) -> tuple[BoolArray, FloatArray, float, FloatArray]:
            law = _laws([covs[g]], [sds[g]], sub, n, gen, j, [dfs[g]])
            res = stepdown([t[g]], [fam], law, a)
            adj = adjusted_pvalues([t[g]], [fam], law)[0]
            return res.rejected[0], res.margin, (res.critical_values or (np.nan,))[0], adj

        r1c, m1c, c1, a1c = one(0, col, half)
        r2r, m2r, c2, a2r = one(1, row, half)
        r1r, _, _, a1r = one(0, row, half)
        r2c, _, _, a2c = one(1, col, half)
        out["places_gained_lower"] = int(r1c.sum() + r2r.sum() - (p - 1))
        out["places_gained_upper"] = -int(r1r.sum() + r2c.sum() - (p - 1))
        out["pvalue"] = _bonf_pvalue(a1c[col], a2r[row], p)
        out["pvalue_decline"] = _bonf_pvalue(a1r[row], a2c[col], p)
        out["margin"] = float(min(m1c[j], m2r[j]))
        out["crit"] = (c1, c2)
        # two-sided sets at 1 − α/2 per year
        r1, r2 = one(0, both, half)[0], one(1, both, half)[0]
    else:
        law = _laws(covs, sds, method, n, gen, j, dfs)
        imp = stepdown(t, [col, row], law, alpha)
        dec = stepdown(t, [row, col], law, alpha)
        out["places_gained_lower"] = int(imp.rejected[0].sum() + imp.rejected[1].sum() - (p - 1))
        out["places_gained_upper"] = -int(dec.rejected[0].sum() + dec.rejected[1].sum() - (p - 1))
        out["pvalue"] = count_pvalue(t, [col, row], law, p)
        out["pvalue_decline"] = count_pvalue(t, [row, col], law, p)
        out["margin"] = float(imp.margin[j])
        out["crit"] = imp.critical_values
        r1, r2 = stepdown(t, [both, both], law, alpha).rejected
    (lb,), (ub,) = rank_bounds(r1, p, jj)
    (la,), (ua,) = rank_bounds(r2, p, jj)
    out.update(
        lower_before=int(lb), upper_before=int(ub), lower_after=int(la), upper_after=int(ua),
        places_gained_ci_low=int(lb - ua), places_gained_ci_high=int(ub - la),
    )
    return out


def _unit_rank_sets(
    j: int, t: list[FloatArray], covs: list[FloatArray], sds: list[FloatArray], alpha: float,
    n: int, gen: np.random.Generator, dfs: list[FloatArray | None], cross: FloatArray | None,
) -> tuple[tuple[int, int], tuple[int, int]]:
    """The named unit's two-sided rank sets in both years: jointly for independent years, each
    at 1 − α/2 (Bonferroni, any dependence) for a panel."""
    p = t[0].shape[0]
    jj = np.array([j])
    both = family_masks(p, jj, "lower") | family_masks(p, jj, "upper")
    if cross is None:
        r1, r2 = stepdown(t, [both, both], _laws(covs, sds, "monte-carlo", n, gen, j, dfs), alpha).rejected
    else:
        r1, r2 = (
            stepdown([t[g]], [both], _laws([covs[g]], [sds[g]], "monte-carlo", n, gen, j, [dfs[g]]),
                     alpha / 2.0).rejected[0]
            for g in range(2)
        )
    (lb,), (ub,) = rank_bounds(r1, p, jj)
    (la,), (ua,) = rank_bounds(r2, p, jj)
    return (int(lb), int(ub)), (int(la), int(ua))


def _long_cross(cross: FloatArray, units: pd.Index, keep: pd.Index, measure: str) -> pd.DataFrame:
    """``Cov(after, before)`` of the ``keep`` units in the long form of :meth:`Scores.difference`."""
    pos = units.get_indexer(keep)
    idx = pd.MultiIndex.from_product([keep, [measure]], names=["unit", "measure"])
    return pd.DataFrame(cross[np.ix_(pos, pos)].T, index=idx, columns=idx)


def _cross_matrix(cross_cov: pd.DataFrame | None, units: pd.Index, measure: str) -> FloatArray | None:
    """``Cov(before, after)`` over ``units`` (rows: before) from the ``cross_cov`` parameter.

    ``cross_cov`` is ``Cov(after, before)`` as :meth:`PanelScores.cross_cov
    <dgi_stats.scores.PanelScores.cross_cov>` gives it (a ``(unit, measure)`` index on both axes,
    rows for ``after``) or a plain units x units frame for the measure.
    """
    if cross_cov is None:
        return None
    func = "rank_change_test"
    if not isinstance(cross_cov, pd.DataFrame):
        msg = (f"The 'cross_cov' parameter of {func} must be a DataFrame: Cov(after, before), rows "
               f"for 'after'. Got {type(cross_cov).__name__} instead.")
        raise DGIError(msg)
    frame = cross_cov
    if isinstance(frame.index, pd.MultiIndex):
        if measure not in frame.index.get_level_values(-1) or measure not in frame.columns.get_level_values(-1):
            msg = f"The 'cross_cov' parameter of {func} has no rows or columns for measure {measure!r}."
            raise DGIError(msg)
        rows = frame.index.get_level_values(-1) == measure
        cols = frame.columns.get_level_values(-1) == measure
        frame = frame.loc[rows, cols].droplevel(-1, axis=0).droplevel(-1, axis=1)
    missing = [u for u in units if u not in frame.index or u not in frame.columns]
    if missing:
        msg = (f"The 'cross_cov' parameter of {func} lacks unit(s) {missing} (it must cover the "
               "units of both years on both axes).")
        raise DGIError(msg)
    mat = frame.loc[list(units), list(units)].to_numpy(dtype=float)
    if not np.isfinite(mat).all():
        msg = f"The 'cross_cov' parameter of {func} has non-finite entries."
        raise DGIError(msg)
    return np.asarray(mat.T)


def _all_units(
    t: list[FloatArray], covs: list[FloatArray], sds: list[FloatArray], alpha: float, method: str,
    n: int, gen: np.random.Generator, dfs: list[FloatArray | None],
) -> dict[str, Any]:
    p = t[0].shape[0]
    fam = family_masks(p, np.arange(p), "two-sided")
    if method == "bonferroni":
        half = alpha / 2.0
        rej: list[BoolArray] = []
        adj: list[FloatArray] = []
        crit: list[float] = []
        margin = np.full(p, np.inf)
        for g in range(2):
            law = _laws([covs[g]], [sds[g]], "monte-carlo", n, gen, None, [dfs[g]])
            res = stepdown([t[g]], [fam], law, half)
            rej.append(res.rejected[0])
            adj.append(2.0 * adjusted_pvalues([t[g]], [fam], law)[0])
            crit.extend(res.critical_values)
            margin = np.minimum(margin, res.margin)
    else:
        law = _laws(covs, sds, "monte-carlo", n, gen, None, dfs)
        res = stepdown(t, [fam, fam], law, alpha)
        rej = res.rejected
        adj = adjusted_pvalues(t, [fam, fam], law)
        crit, margin = list(res.critical_values), res.margin
    lb, ub = rank_bounds(rej[0], p, np.arange(p))
    la, ua = rank_bounds(rej[1], p, np.arange(p))
    pv, pvd = np.empty(p), np.empty(p)
    for j in range(p):
        # the pairs (k, j) of year 1 and (j, k) of year 2 (a rise), and the reverse (a fall)
        up = np.concatenate([np.delete(adj[0][:, j], j), np.delete(adj[1][j, :], j)])
        down = np.concatenate([np.delete(adj[0][j, :], j), np.delete(adj[1][:, j], j)])
        pv[j] = min(1.0, _kth_smallest(up, p))
        pvd[j] = min(1.0, _kth_smallest(down, p))
    return {
        "lower_before": lb, "upper_before": ub, "lower_after": la, "upper_after": ua,
        "places_gained_lower": lb - ua, "places_gained_upper": ub - la,
        "places_gained_ci_low": lb - ua, "places_gained_ci_high": ub - la,
        "pvalue": pv, "pvalue_decline": pvd, "margin": margin, "crit": tuple(crit),
    }


# ------------------------------------------------------------------------------------ public API
def rank_change_test(
    before: YearLike,
    after: YearLike,
    unit: str | None = None,
    *,
    confidence_level: float = 0.95,
    coverage: float | None = None,
    method: str = "auto",
    measure: str = "total",
    n_draws: int = _N_DRAWS,
    lower_is_better: bool = False,
    missing_units: str = "error",
    procedure: str = "auto",
    cross_cov: pd.DataFrame | None = None,
    rng: RNGLike = None,
    **renamed: object,
) -> RankChangeTest:
    r"""Test whether units' ranks changed between two years, with the rate of false claims controlled.

    Parameters
    ----------
    before, after : Scores or tuple (estimates, cov, df)
        The two years: a :class:`~dgi_stats.scores.Scores` (``measure`` picks the measure; its
        design df are used) or a tuple of a Series of estimates indexed by unit, its covariance
        and the df per unit (``numpy.inf``: covariance known). Both years must have the same
        units unless ``missing_units="drop"``.
    unit : str, optional
        A unit named in advance (matched tolerantly, e.g. "uong bi"): test its rank change alone
        (methods spec §5.2; more powerful). default: None — all units at once, simultaneously
        (§5.3; valid for movers picked after seeing the table).
    confidence_level : float
        1 − α. default: 0.95.
    coverage : float, optional
        Deprecated name of ``confidence_level`` (a DGIDeprecationWarning).
    method : {"auto", "exact", "monte-carlo", "bonferroni"}
        "exact": quadrature (one unit, diagonal covariances, independent years); "monte-carlo";
        "bonferroni": each year at level α/2 (any dependence between the years). "auto" = exact
        when possible, else Monte Carlo. default: "auto".
    measure : str
        Measure of Scores inputs. default: "total".
    n_draws : int
        Monte Carlo draws (at least 100). default: 100_000.
    lower_is_better : bool
        default: False.
    missing_units : {"error", "drop"}
        What to do with a unit present in one year only. "error": raise a
        :class:`~dgi_stats.exceptions.DGIError` naming the units and the year each is missing
        from. "drop": leave them out and rank both years within the common units (so ranks are
        "among the units of both years", not the published ranks); they are listed in
        ``excluded_units`` and in ``summary()``. default: "error".
    procedure : {"auto", "closed", "projection"}
        For a named unit: "closed", the closed-testing bound that adds the difference-in-differences
        statements "k did not overtake the unit" (methodology page "Rank-change tests", Q3b; Monte Carlo
        critical values); "projection", the projection of both years' rank statements (§5.2).
        "auto" = "closed" unless ``method`` is "exact" or "bonferroni" (projection only). All
        units at once always use the projection (§5.3). default: "auto".
    cross_cov : pandas.DataFrame, optional
        ``Cov(after, before)`` for a panel that re-surveys the same PSUs: the frame
        :meth:`PanelScores.cross_cov <dgi_stats.scores.PanelScores.cross_cov>` returns (a
        ``(unit, measure)`` index on both axes, rows for ``after``), or a units x units frame for
        ``measure``. Used by the score change and by the closed procedure's joint law; the
        projection needs ``method="bonferroni"`` with it (valid under any dependence). default:
        None (independent samples).
    rng : int, Generator or None
        default: None.
    **renamed
        ``n_resamples``: deprecated name of ``n_draws`` (a DGIDeprecationWarning).

    Returns
    -------
    RankChangeTest
        ``.places_gained_lower`` (>= 1: a rise is established), ``.pvalue``, the two years' rank
        sets, the score change with its interval, ``to_frame()``, ``summary()``.

    Raises
    ------
    UnknownUnitError
        ``unit`` matches no unit of the data (the message lists the closest names).
    DGIError
        Bad estimates or covariances, ``confidence_level`` outside (0, 1), fewer than 2 common units, or
        a unit present in one year only with ``missing_units="error"``.

    See Also
    --------
    rank_confidence_sets, dgi_stats.planning.detectable_change

    Notes
    -----
    For one unit j, with :math:`T^{(1)}_{kj}` and :math:`T^{(2)}_{jk}` the within-year pairwise
    statistics, one Romano–Wolf stepdown over the family "k better than j in year 1" ∪ "j better
    than k in year 2" (critical values from the max over both years; exact when the covariances are
    diagonal and the years independent) gives :math:`N_1` and :math:`N_2` claims and the lower
    bound :math:`LB_j = N_1 + N_2 - (p - 1)` on the places gained; P(false claim) <= α. The
    p-value is the smallest α with :math:`LB_j \ge 1` (the stepdown-adjusted p-value of the p-th
    claim). With design df <= 100 the critical values are studentised (each year's variance
    estimates perturbed as scaled chi-squares; see :func:`rank_confidence_sets`). The score change
    is ``after - before`` as :class:`~dgi_stats.scores.Scores` arithmetic: t interval and test with
    Welch–Satterthwaite df; Holm adjustment across units when all units are screened. The rank question and the score question differ: a unit may rise many places
    while its score falls, and vice versa. Add linking-error variance to the covariances if the
    questionnaire or scaling changed between years.

    References
    ----------
    .. [1] Mogstad, M., Romano, J. P., Shaikh, A. M. and Wilhelm, D. (2024). Inference for ranks
       with applications to mobility across neighbourhoods and academic achievement across
       countries. Review of Economic Studies 91(1), 476–518. doi:10.1093/restud/rdad006

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> units = ["A", "B", "C", "D"]
    >>> y1 = pd.Series([70.0, 72.0, 74.0, 76.0], index=units)
    >>> y2 = pd.Series([79.0, 72.0, 74.0, 76.0], index=units)
    >>> cov = np.diag([0.25] * 4)
    >>> res = rank_change_test((y1, cov, np.inf), (y2, cov, np.inf), unit="A")
    >>> int(res.places_gained["A"]), int(res.places_gained_lower["A"]), bool(res.pvalue["A"] < 0.05)
    (3, 3, True)
    """
    func = "rank_change_test"
    level = confidence_level_from(confidence_level, coverage, func)
    alpha = 1.0 - check_probability(level, name="confidence_level", func=func)
    check_choice(method, _METHODS, name="method", func=func)
    n_draws = check_positive_int(
        cast(int, renamed_parameter(renamed, "n_resamples", "n_draws", n_draws, func=func,
                                    default=_N_DRAWS)),
        name="n_draws", func=func, minimum=100,
    )
    check_choice(missing_units, ("error", "drop"), name="missing_units", func=func)
    check_choice(procedure, _PROCEDURES, name="procedure", func=func)
    before_s, after_s, a, b, excluded = _common(
        _year(before, name="before", measure=measure),
        _year(after, name="after", measure=measure),
        measure=measure, missing_units=missing_units,
    )
    units = a.units
    p = len(units)
    sign = -1.0 if lower_is_better else 1.0
    th = [sign * a.theta, sign * b.theta]
    covs = [a.cov, b.cov]
    sds = [pair_sd(c) for c in covs]
    t = [pair_t(x, s) for x, s in zip(th, sds)]
    dfs: list[FloatArray | None] = [x.df if x.studentised else None for x in (a, b)]
    studentised = any(d is not None for d in dfs)
    diagonal = all(is_diagonal(c) for c in covs)
    cross = _cross_matrix(cross_cov, units, measure)
    proc = procedure
    if proc == "auto":
        proc = "projection" if unit is None or method in ("exact", "bonferroni") else "closed"
    if proc == "closed" and (unit is None or method in ("exact", "bonferroni")):
        msg = (f"The 'procedure' parameter of {func}: 'closed' is for one named unit with "
               "method='auto' or 'monte-carlo'; all units at once, 'exact' and 'bonferroni' use "
               "the projection.")
        raise DGIError(msg)
    if cross is not None and proc == "projection" and method != "bonferroni":
        msg = (f"{func}: with 'cross_cov' (a panel) the projection needs method='bonferroni' "
               "(valid under any dependence between the years); or name a unit and use the "
               "closed procedure.")
        raise DGIError(msg)
    state: dict[str, Any] | None
    if unit is not None and proc == "closed":
        name = match_unit(str(unit), units=[str(u) for u in units])
        j = int(np.flatnonzero(np.asarray([str(u) for u in units]) == name)[0])
        meth = "monte-carlo"
        closed_gen = as_generator(rng)
        state = generator_state(closed_gen)
        res = closed_unit(j, th, covs, np.zeros((p, p)) if cross is None else cross, alpha,
                          n_draws, closed_gen, dfs)
        idx = pd.Index([units[j]])
        pos = np.array([j])
        n_used = n_draws
        (lb, ub), (la, ua) = _unit_rank_sets(j, t, covs, sds, alpha, n_draws, closed_gen, dfs, cross)
        res.update(lower_before=lb, upper_before=ub, lower_after=la, upper_after=ua)
    elif unit is not None:
        name = match_unit(str(unit), units=[str(u) for u in units])
        j = int(np.flatnonzero(np.asarray([str(u) for u in units]) == name)[0])
        exact_ok = diagonal and not studentised
        meth = ("exact" if exact_ok else "monte-carlo") if method == "auto" else method
        if meth == "exact" and not exact_ok:
            msg = (f"The 'method' parameter of {func}: 'exact' needs diagonal covariances "
                   "(independent units) known without error (df = inf); use 'monte-carlo' "
                   "(studentised when df is finite) or 'bonferroni'.")
            raise DGIError(msg)
        needs_mc = meth == "monte-carlo" or (meth == "bonferroni" and not exact_ok)
        gen = as_generator(rng) if needs_mc else None
        state = generator_state(gen) if gen is not None else None
        res = _single_unit(j, t, covs, sds, alpha, meth, n_draws, gen, dfs)
        idx = pd.Index([units[j]])
        pos = np.array([j])
        n_used = n_draws if needs_mc else 0
    else:
        meth = "monte-carlo" if method in ("auto", "exact") else method
        if method == "exact":
            msg = (f"The 'method' parameter of {func}: 'exact' is available for one named unit "
                   "only; all units at once use 'monte-carlo' or 'bonferroni'.")
            raise DGIError(msg)
        gen = as_generator(rng)
        state = generator_state(gen)
        res = _all_units(t, covs, sds, alpha, meth, n_draws, gen, dfs)
        idx = pd.Index(units)
        pos = np.arange(p)
        n_used = n_draws
    crit = tuple(float(c) for c in res.pop("crit"))
    r1 = competition_rank(th[0])[pos]
    r2 = competition_rank(th[1])[pos]
    # the score change is the Scores difference: one covariance, one (Satterthwaite) df, one
    # interval, whichever road the user takes
    diff = after_s.select(units=list(idx)).difference(
        before_s.select(units=list(idx)),
        cross_cov=None if cross is None else _long_cross(cross, units, idx, measure),
    )
    ci = diff.confidence_interval(1.0 - alpha).droplevel("measure")
    ci_dfs = ci["df"].to_numpy(dtype=float)
    change = ci["estimate"].to_numpy()
    se = ci["std_error"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, change / np.where(se > 0, se, 1.0), np.sign(change) * np.inf)
    finite = np.isfinite(ci_dfs)
    pz = np.where(
        finite,
        2.0 * stats.t.sf(np.abs(z), np.where(finite, ci_dfs, 1.0)),
        2.0 * stats.norm.sf(np.abs(z)),
    )
    table = pd.DataFrame(
        {
            "rank_before": r1, "rank_after": r2, "places_gained": r1 - r2,
            "places_gained_lower": res["places_gained_lower"],
            "places_gained_upper": res["places_gained_upper"],
            "places_gained_ci_low": res["places_gained_ci_low"],
            "places_gained_ci_high": res["places_gained_ci_high"],
            "pvalue": res["pvalue"], "pvalue_decline": res["pvalue_decline"],
            "lower_before": res["lower_before"], "upper_before": res["upper_before"],
            "lower_after": res["lower_after"], "upper_after": res["upper_after"],
            "score_before": a.theta[pos], "score_after": b.theta[pos], "score_change": change,
            "score_change_se": se, "score_change_ci_low": ci["ci_low"].to_numpy(),
            "score_change_ci_high": ci["ci_high"].to_numpy(), "score_change_df": ci_dfs,
            "z": z, "score_change_pvalue": pz,
        },
        index=idx,
    )
    if unit is None:
        table["score_change_pvalue_holm"] = multipletests(pz, method="holm")[1]
    table["margin"] = res["margin"][pos] if unit is None else res["margin"]
    int_cols = [c for c in table.columns if c.startswith(("rank_", "places_", "lower_", "upper_"))]
    table[int_cols] = table[int_cols].astype(np.int64)
    table.index.name = "unit"
    return RankChangeTest(
        table=table, units=pd.Index(units), unit=None if unit is None else str(idx[0]),
        confidence_level=1.0 - alpha, method=meth, procedure=proc, excluded_units=excluded, critical_values=crit,
        n_draws=n_used, rng_state=state,
        critical_law=a.critical_law() if a.studentised or not b.studentised else b.critical_law(),
    )
