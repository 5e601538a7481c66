"""Panel designs: the same communes surveyed in two (or more) years, scored from one design.

When a commune (PSU) is re-surveyed, its residents' answers in the two years share the commune's
persistent character, so the two years' unit scores are correlated: ``Cov(θ̂_before, θ̂_after)``
is not zero. :func:`score_panel` scores every unit in every year from ONE design over the stacked
years, with the indicator means of all (unit, year) domains from a single
:func:`~dgi_stats.survey.means.domain_means` call, so that the covariance across years is exact: by
linearisation, the PSU totals of a commune's influence values in both years enter the same
stratum sum; with replicate weights, both years' estimates move with the same replicate factors.
:class:`PanelScores` hands out each year's :class:`~dgi_stats.scores.pivot.Scores`, the cross-year
covariance in the form :meth:`Scores.difference` takes, and the year difference with it.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from dgi_stats._results import Result, Summary, frame_repr
from dgi_stats._validation import did_you_mean, is_instance
from dgi_stats.exceptions import DGIError
from dgi_stats.scores.index import IndexLike, score_domains, unit_column
from dgi_stats.scores.pivot import Scores
from dgi_stats.survey.design import SurveyDesign

__all__ = ["PanelScores", "score_panel"]

_LONG = ["unit", "measure"]


def _relabel(s: Scores, units: pd.Index, year: Hashable, label: str) -> Scores:
    """``s`` (units by position) with its units relabelled ``units``, for one year."""
    pos = s.units
    long = pd.MultiIndex.from_product([units, s.measures], names=_LONG)
    meta: dict[str, object] = {**s.meta, "year": year}
    design_df = s.meta.get("design_df")
    if isinstance(design_df, pd.Series):  # the per-unit design df of all domains: this year's
        meta["design_df"] = design_df.loc[pos].set_axis(units)
    return Scores(
        s.estimate.set_axis(units, axis=0),
        df=None if s.df is None else s.df.set_axis(units, axis=0),
        replicates=None if s.replicates is None else s.replicates.set_axis(long, axis=1),
        replicate_factors=s.replicate_factors,
        replicate_mse=s.replicate_mse,
        method=s.method,
        n=None if s.n is None else s.n.set_axis(units),
        missing=None if s.missing is None else s.missing.set_axis(units, axis=0),
        label=label,
        meta=meta,
        bounds=s.bounds,
        covariance=s.covariance,
    )


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class PanelScores(Result):
    """Every measure of every unit in every year of a panel, with the covariance across years.

    Returned by :func:`score_panel`; build it with that function.

    Parameters
    ----------
    years : tuple
        The year labels, sorted.
    scores : dict
        Year label -> that year's :class:`~dgi_stats.scores.pivot.Scores` (units indexed as
        :func:`~dgi_stats.scores.index.score` gives them, with that year's df).
    cov : pandas.DataFrame
        Joint covariance of all years' estimates: a ``(year, unit, measure)`` MultiIndex on both
        axes (year-major, then each year's ``(unit, measure)`` order).
    unit_column, year_column : str
        The design's columns of the units and of the years.
    method : str
        How the covariance was obtained ("taylor", "jkn", ...).
    label : str
        A short description. default: "".

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from dgi_stats.survey.design import SurveyDesign
    >>> class TinySpec:
    ...     def score_items(self, data):
    ...         return data[["i1", "i2"]]
    ...     def measure_map(self):
    ...         return pd.DataFrame({"i1": [5.0], "i2": [5.0]}, index=["total"]), pd.Series([0.0], index=["total"])
    >>> rng = np.random.default_rng(3)
    >>> commune = np.repeat(np.arange(6), 20)            # 6 communes, each surveyed in both years
    >>> effect = rng.normal(0, 0.2, 6)[commune]          # a commune's persistent character
    >>> df = pd.DataFrame({"district": np.where(commune < 3, "A", "B"), "commune": commune,
    ...                    "year": np.tile([2021, 2022], 60),
    ...                    "i1": effect + rng.random(120), "i2": effect + rng.random(120)})
    >>> p = score_panel(SurveyDesign(df, strata="district", psu="commune"), TinySpec(),
    ...                 year="year", by="district")
    >>> p.years
    (2021, 2022)
    >>> p.cross_cov(2022, 2021, measures=["total"]).shape
    (2, 2)
    >>> d = p.difference(2022, 2021)
    >>> bool(d.std_error.loc["A", "total"] < (p.year(2022) - p.year(2021)).std_error.loc["A", "total"])
    True
    """

    years: tuple[Hashable, ...]
    scores: dict[Hashable, Scores]
    cov: pd.DataFrame
    unit_column: str
    year_column: str
    method: str
    label: str = ""

    def _check_year(self, y: Hashable, name: str, func: str) -> Hashable:
        if y in self.years:
            return y
        matches = [v for v in self.years if str(v) == str(y)]
        hint = f" (did you mean {matches[0]!r}?)" if matches else ""
        msg = (
            f"The '{name}' parameter of {func} must be one of the years {list(self.years)}. "
            f"Got {y!r}{hint}."
        )
        raise DGIError(msg)

    def year(self, year: Hashable) -> Scores:
        """One year's Scores: every measure of every unit, as :func:`score` gives it on that year.

        Parameters
        ----------
        year : hashable
            A year label (one of :attr:`years`).

        Returns
        -------
        Scores
            Units indexed as :func:`~dgi_stats.scores.index.score` gives them; df per unit of
            that year; replicate estimates for replicate designs (the same replicate factors in
            every year).

        Raises
        ------
        DGIError
            ``year`` is not one of :attr:`years`.
        """
        return self.scores[self._check_year(year, "year", "PanelScores.year")]

    def cross_cov(
        self, after: Hashable, before: Hashable, measures: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """``Cov(θ̂_after, θ̂_before)``: the covariance between two years' estimates.

        Parameters
        ----------
        after, before : hashable
            Two years (rows for ``after``, columns for ``before``).
        measures : sequence of str, optional
            Measures kept on both axes, in this order. default: all.

        Returns
        -------
        pandas.DataFrame
            A ``(unit, measure)`` MultiIndex on both axes (the units of each year, unit-major),
            rows for ``after``: exactly the ``cross_cov`` that
            :meth:`Scores.difference <dgi_stats.scores.pivot.Scores.difference>` takes. Zero for
            units whose communes were not re-surveyed.

        Raises
        ------
        DGIError
            A year not in :attr:`years`, or an unknown measure.
        """
        func = "PanelScores.cross_cov"
        a = self._check_year(after, "after", func)
        b = self._check_year(before, "before", func)
        years = self.cov.index.get_level_values(0)
        block = pd.DataFrame(
            self.cov.to_numpy()[np.ix_(years == a, years == b)],
            index=self.scores[a].cov.index,
            columns=self.scores[b].cov.index,
        )
        if measures is None:
            return block
        keep = list(measures)
        all_m = self.scores[a].measures
        unknown = [m for m in keep if m not in all_m]
        if unknown:
            msg = (
                f"The 'measures' parameter of {func} names unknown measure(s) {unknown}; "
                f"{did_you_mean(unknown, all_m, what='measures')}."
            )
            raise DGIError(msg)
        rows = pd.MultiIndex.from_product([self.scores[a].units, keep], names=_LONG)
        cols = pd.MultiIndex.from_product([self.scores[b].units, keep], names=_LONG)
        return block.reindex(index=rows, columns=cols)

    def difference(self, after: Hashable, before: Hashable) -> Scores:
        """``after - before`` for every unit and measure, with the panel's cross-year covariance.

        Parameters
        ----------
        after, before : hashable
            Two years.

        Returns
        -------
        Scores
            :meth:`Scores.difference <dgi_stats.scores.pivot.Scores.difference>` with
            ``cross_cov=self.cross_cov(after, before)``: variance ``V_after + V_before - C - Cᵀ``;
            df per unit and measure the smaller of the two years' (conservative).

        Raises
        ------
        DGIError
            A year not in :attr:`years`.
        """
        a = self._check_year(after, "after", "PanelScores.difference")
        b = self._check_year(before, "before", "PanelScores.difference")
        return self.scores[a].difference(self.scores[b], cross_cov=self.cross_cov(a, b))

    def to_frame(
        self,
        confidence_level: float = 0.95,
        *,
        transform: Literal["auto", "logit", "none"] = "auto",
    ) -> pd.DataFrame:
        """Tidy table: one row per year, unit and measure with estimate, SE and CI.

        Parameters
        ----------
        confidence_level : float
            default: 0.95.
        transform : {"auto", "logit", "none"}
            As in :meth:`Scores.confidence_interval`. default: "auto".

        Returns
        -------
        pandas.DataFrame
            Column ``year`` (named by :attr:`year_column`), then those of :meth:`Scores.to_frame`.
        """
        parts = []
        for y in self.years:
            part = self.scores[y].to_frame(confidence_level, transform=transform)
            part.insert(0, self.year_column, [y] * len(part))
            parts.append(part)
        return pd.concat(parts, ignore_index=True)

    def summary(self, measure: str = "total") -> Summary:
        """One measure per unit: each year's estimate and SE, the change and its SE.

        Parameters
        ----------
        measure : str
            default: "total".

        Returns
        -------
        Summary
            Per unit: estimate and SE in every year; for the last year minus the first, the
            change, its SE with the cross-year covariance (``se_change``), the SE that treating
            the years as independent samples would give (``se_independent``), and the
            correlation of the two years' estimates.
        """
        first, last = self.years[0], self.years[-1]
        cols: dict[str, pd.Series] = {}
        for y in self.years:
            s = self.scores[y][measure]
            cols[f"estimate_{y}"] = s.estimate[measure]
            cols[f"se_{y}"] = s.std_error[measure]
        d = self.difference(last, first)[measure]
        se_a, se_b = self.scores[last][measure].std_error[measure], self.scores[first][measure].std_error[measure]
        c = np.diag(self.cross_cov(last, first, measures=[measure]).to_numpy())
        cols["change"] = d.estimate[measure]
        cols["se_change"] = d.std_error[measure]
        cols["se_independent"] = (se_a**2 + se_b**2) ** 0.5
        cols["correlation"] = pd.Series(c, index=d.units) / (se_a * se_b)
        table = pd.DataFrame(cols)
        notes = (
            *((self.label,) if self.label else ()),
            f"variance: {self.method}; change = {last} minus {first}",
        )
        return Summary(f"{measure}: panel of {len(self.years)} years", table, notes)

    def __repr__(self) -> str:
        table = pd.DataFrame({y: self.scores[y].estimate.iloc[:, -1] for y in self.years})
        measure = self.scores[self.years[0]].measures[-1]
        extra = f"{measure!r} by {self.year_column}, method={self.method!r}"
        if self.label:
            extra += f", {self.label}"
        return frame_repr("PanelScores", table, extra=extra)


def score_panel(
    design: SurveyDesign,
    spec: IndexLike,
    *,
    year: str,
    by: str | None = None,
    na_rm: bool = True,
    label: str = "",
) -> PanelScores:
    """Every measure of an index for every unit in every year of a panel, with the cross-year covariance.

    ``design`` is ONE design over the stacked years: a ``year`` column, and the same PSU id for a
    commune surveyed in several years (strata as declared, typically the unit). The indicator
    means of every (unit, year) domain come from one call of
    :func:`~dgi_stats.survey.means.domain_means` with ``by=[unit, year]``, so their joint
    covariance, across years included, is that of R's ``svyby(..., ~unit + year, svymean,
    covmat = TRUE)`` on the stacked design: by linearisation, a commune's PSU total holds its
    influence values of both years; with replicate weights, both years use the same replicate
    factors. The spec's linear map then adds the other measures, as in
    :func:`~dgi_stats.scores.index.score`.

    Parameters
    ----------
    design : SurveyDesign
        The stacked design (Taylor or replicate).
    spec : IndexSpec or IndexLike
        Provides ``score_items(data)``, ``measure_map()`` and optionally ``measure_bounds()``.
    year : str
        Column of the design's data holding the survey year (any sortable labels).
    by : str, optional
        Column of the units. default: the spec's ``unit_column``.
    na_rm : bool
        Available-case analysis per indicator. default: True.
    label : str
        Stored in the result (each year's Scores is labelled ``"<label>, <year>"``). default: "".

    Returns
    -------
    PanelScores
        Each year's :class:`~dgi_stats.scores.pivot.Scores` (:meth:`PanelScores.year`) keeps that
        year's df per unit, as :func:`score` gives them; the df of a panel difference
        (:meth:`PanelScores.difference`) is the smaller of the two years' (what
        :meth:`Scores.difference` does with ``cross_cov``).

    Raises
    ------
    DGIError
        ``design`` is not a SurveyDesign; the ``year`` column is missing, has missing values,
        is the unit column, or holds fewer than two years; a unit is missing in a year; and
        every error of :func:`score` (naming the (unit, year) domain).

    Notes
    -----
    Each year's covariance block is what :func:`score` gives on that year's rows alone when every
    PSU of a stratum is surveyed in every year. A stratum whose PSUs are not all shared has more
    PSUs in the stacked design than in each year, and the with-replacement factor
    ``n_h / (n_h - 1)`` of the stacked stratum is used (as R does on the stacked design).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from dgi_stats.survey.design import SurveyDesign
    >>> class TinySpec:
    ...     def score_items(self, data):
    ...         return data[["i1"]]
    ...     def measure_map(self):
    ...         return pd.DataFrame({"i1": [10.0]}, index=["total"]), pd.Series([0.0], index=["total"])
    >>> rng = np.random.default_rng(5)
    >>> commune = np.repeat(np.arange(4), 20)
    >>> df = pd.DataFrame({"district": np.where(commune < 2, "A", "B"), "commune": commune,
    ...                    "year": np.tile(["y1", "y2"], 40),
    ...                    "i1": rng.normal(0, 0.3, 4)[commune] + rng.random(80)})
    >>> p = score_panel(SurveyDesign(df, strata="district", psu="commune"), TinySpec(),
    ...                 year="year", by="district")
    >>> p.years, list(p.year("y2").units)
    (('y1', 'y2'), ['A', 'B'])
    """
    func = "score_panel"
    if not is_instance(design, SurveyDesign):
        msg = f"The 'design' parameter of {func} must be a SurveyDesign. Got {type(design).__name__}."
        raise DGIError(msg)
    unit = unit_column(spec, by, func)
    data = design.data
    if not isinstance(year, str) or year not in data.columns:
        msg = (
            f"The 'year' parameter of {func} must name a column of the design's data. Got {year!r}; "
            f"{did_you_mean([str(year)], data.columns, what='columns')}."
        )
        raise DGIError(msg)
    if year == unit:
        msg = f"The 'year' parameter of {func} names the unit column {unit!r}; give the column of the years."
        raise DGIError(msg)
    if unit not in data.columns:
        msg = f"The 'by' parameter of {func} names column {unit!r}, which is not in the design's data."
        raise DGIError(msg)
    if data[year].isna().any():
        rows = np.flatnonzero(data[year].isna().to_numpy())[:10].tolist()
        msg = f"The 'year' column {year!r} of {func} has missing values at rows {rows} (0-based)."
        raise DGIError(msg)
    years = tuple(pd.Index(pd.unique(data[year])).sort_values())
    if len(years) < 2:
        msg = (
            f"The 'year' column {year!r} of {func} holds {len(years)} year(s) {list(years)}; a panel "
            "needs at least two (use score() for one year)."
        )
        raise DGIError(msg)
    present = pd.crosstab(data[unit], data[year]) > 0
    gaps = [(u, y) for u in present.index for y in present.columns if not present.loc[u, y]]
    if gaps:
        u, y = gaps[0]
        msg = (
            f"{func}: unit {u!r} has no respondent in year {y!r} (column {year!r}); every unit "
            f"must be surveyed in every year ({len(gaps)} missing (unit, year) pair(s)). Drop the "
            "unit, or score the years that have it."
        )
        raise DGIError(msg)
    full, labels = score_domains(design, spec, [unit, year], na_rm=na_rm, label=label, func=func)
    # domains in R's svyby order (unit fastest): each year's units are a contiguous run
    dom_year = labels.get_level_values(1)
    dom_unit = labels.get_level_values(0)
    scores: dict[Hashable, Scores] = {}
    for y in years:
        pos = np.flatnonzero(dom_year == y)
        units = pd.Index(dom_unit[pos], name="unit")
        name = f"{label}, {y}" if label else str(y)
        scores[y] = _relabel(full.select(units=list(full.units[pos])), units, y, name)
    order = np.concatenate([np.flatnonzero(dom_year == y) for y in years])
    n_m = len(full.measures)
    flat = (order[:, None] * n_m + np.arange(n_m)).ravel()
    idx = pd.MultiIndex.from_tuples(
        [(y, u, m) for y in years for u in scores[y].units for m in full.measures],
        names=[year, "unit", "measure"],
    )
    cov = pd.DataFrame(full.cov.to_numpy()[np.ix_(flat, flat)], index=idx, columns=idx)
    return PanelScores(
        years=years, scores=scores, cov=cov, unit_column=unit, year_column=year,
        method=full.method, label=label,
    )
