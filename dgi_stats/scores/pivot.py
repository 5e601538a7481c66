"""``Scores``: the pivot of dgi_stats — every measure of an index for every unit, with joint uncertainty.

Once a survey has been turned into a :class:`Scores`, nothing downstream touches respondents again.
Linear maps (a dimension = a combination of indicators, total = sum of dimensions, composite % =
total / 80 x 100, a year-on-year difference) propagate the covariance exactly (``A Σ Aᵀ``) and are
applied to every replicate; rank inference takes ``(estimates, cov)`` from :meth:`Scores.for_measure`.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, fields
from typing import Literal

import numpy as np
import pandas as pd

from dgi_stats._results import Summary, frame_repr
from dgi_stats._rng import RNGLike, as_generator
from dgi_stats._validation import check_choice, check_covariance, check_probability, did_you_mean
from dgi_stats.exceptions import DGIError
from dgi_stats.scores._common import (
    check_bounds,
    interval_columns,
    satterthwaite_df,
)
from dgi_stats.scores._uncertainty import (
    DENSE_DRAW_MAX,
    check_fields,
    check_scores_dense,
    deviations,
    diagonal_covariance,
    difference_parts,
    map_measures,
    stacked_positions,
    t_deviations,
)
from dgi_stats.survey.variance.replicate import replicate_deviations
from dgi_stats.survey.variance.structured import LazyCov, StructuredCovariance

__all__ = ["Scores", "satterthwaite_df"]

_IDX_NAMES = ["unit", "measure"]


def _long_index(units: pd.Index, measures: pd.Index) -> pd.MultiIndex:
    return pd.MultiIndex.from_product([units, measures], names=_IDX_NAMES)


def _select_df(
    df: pd.Series | pd.DataFrame | None, units: pd.Index, measures: pd.Index
) -> pd.Series | pd.DataFrame | None:
    """The df of a selection: a per-unit Series follows the units, a frame units and measures."""
    if df is None:
        return None
    if isinstance(df, pd.DataFrame):
        return df.loc[units, measures]
    return df.reindex(units)



@dataclass(frozen=True, slots=True, repr=False, eq=False, init=False)
class Scores:
    """Point estimates of every measure for every unit, with their full covariance.

    Parameters
    ----------
    estimate : pandas.DataFrame
        Units (index) x measures (columns).
    cov : pandas.DataFrame, optional
        Covariance of the stacked estimates; rows and columns are a ``(unit, measure)``
        MultiIndex in unit-major order (the order of ``estimate.stack()``). Give it or
        ``covariance``; read as an attribute it is formed on first access from
        :attr:`covariance`, and refused (a :class:`DGIError` with its size) beyond
        :data:`~dgi_stats.survey.variance.structured.DENSE_LIMIT_BYTES`.
    df : pandas.Series or pandas.DataFrame, optional
        Degrees of freedom of the variance estimates: per unit (a Series; the design df of the
        unit's PSUs, shared by all its measures) or per unit and measure (a DataFrame, e.g. the
        Satterthwaite df of a difference between years). ``numpy.inf`` marks a covariance known
        without error. Used by t intervals and by every rank function. default: None (unknown:
        intervals are normal, rank functions ask for df).
    replicates : pandas.DataFrame, optional
        Replicate estimates: one row per replicate, columns the ``(unit, measure)`` MultiIndex.
    replicate_factors : numpy.ndarray, optional
        ``scale * rscales`` per replicate, so that ``cov = Σ_r f_r (θ_r - c)(θ_r - c)ᵀ``.
    replicate_mse : bool
        Centre replicates at the full-sample estimate (True) or at their mean (False).
    method : str
        How the covariance was obtained ("taylor", "jk1", "bootstrap", "published", ...).
    n : pandas.Series, optional
        Respondents per unit.
    missing : pandas.DataFrame, optional
        Units x indicators: number of missing answers (counted, never silently dropped).
    label : str
        A short description (for example "DGI 2021, SYNTHETIC survey").
    meta : dict
        Free-form provenance carried along.
    bounds : pandas.DataFrame, optional
        Scale of each measure: rows are measures (a subset of the columns of ``estimate``),
        columns ``low`` and ``high`` (``low < high``); a missing row or NaN means the scale is
        unknown. Used by :meth:`confidence_interval` to keep intervals inside the scale; the
        estimates and the covariance never depend on it. default: None (no measure is bounded).
    covariance : StructuredCovariance, optional
        The covariance in structured form, as the design gives it (:func:`~dgi_stats.scores.
        index.score`: the PSU totals of the influence values, sparse when the units are strata,
        or the replicate deviations). default: ``cov`` wrapped. When both are given, ``cov``
        wins.

    Examples
    --------
    >>> import pandas as pd
    >>> s = Scores.from_estimates(pd.DataFrame({"total": [75.0, 72.0]}, index=["A", "B"]),
    ...                           pd.DataFrame({"total": [1.0, 2.0]}, index=["A", "B"]), df=5)
    >>> list(s.confidence_interval().columns[:6])
    ['estimate', 'std_error', 'ci_low', 'ci_high', 'df', 'confidence_level']
    """

    estimate: pd.DataFrame
    cov: pd.DataFrame  # formed lazily from ``covariance`` (see LazyCov)
    df: pd.Series | pd.DataFrame | None
    replicates: pd.DataFrame | None
    replicate_factors: np.ndarray | None
    replicate_mse: bool
    method: str
    n: pd.Series | None
    missing: pd.DataFrame | None
    label: str
    meta: dict[str, object]
    bounds: pd.DataFrame | None
    covariance: StructuredCovariance

    def __init__(
        self,
        estimate: pd.DataFrame,
        cov: pd.DataFrame | None = None,
        df: pd.Series | pd.DataFrame | None = None,
        replicates: pd.DataFrame | None = None,
        replicate_factors: np.ndarray | None = None,
        replicate_mse: bool = False,
        method: str = "taylor",
        n: pd.Series | None = None,
        missing: pd.DataFrame | None = None,
        label: str = "",
        meta: dict[str, object] | None = None,
        bounds: pd.DataFrame | None = None,
        covariance: StructuredCovariance | None = None,
    ) -> None:
        values = {
            "estimate": estimate, "df": df, "replicates": replicates,
            "replicate_factors": replicate_factors, "replicate_mse": replicate_mse,
            "method": method, "n": n, "missing": missing, "label": label,
            "meta": {} if meta is None else meta, "bounds": bounds, "cov": cov,
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)
        covariance = check_fields(self, cov, covariance)
        object.__setattr__(self, "covariance", covariance)
        if self.bounds is not None:
            object.__setattr__(self, "bounds", check_bounds(self.bounds, estimate.columns, "Scores"))

    def _dense_cov(self) -> pd.DataFrame:
        check_scores_dense(*self.estimate.shape)
        idx = _long_index(self.units, self.measures)
        return pd.DataFrame(self.covariance.dense(), index=idx, columns=idx)

    def __getstate__(self) -> list[object]:
        # the stored fields as they are: pickling does not form a dense covariance
        return [_COV_SLOT.__get__(self) if f.name == "cov" else getattr(self, f.name)
                for f in fields(self)]

    def __setstate__(self, state: list[object]) -> None:
        for f, value in zip(fields(self), state, strict=True):
            object.__setattr__(self, f.name, value)

    def replace(self, **changes: object) -> Scores:
        """A copy with some fields changed; the covariance stays structured (not formed dense).

        :func:`dataclasses.replace` works too but reads :attr:`cov`, so it forms the dense
        matrix; this does not.

        Parameters
        ----------
        **changes
            New values of fields (``estimate``, ``df``, ``meta``, ``bounds``, ``covariance``, ...).

        Returns
        -------
        Scores

        Examples
        --------
        >>> import pandas as pd
        >>> s = Scores.from_estimates(pd.Series([75.0], index=["A"], name="total"),
        ...                           pd.Series([1.0], index=["A"]))
        >>> s.replace(label="2021").label
        '2021'
        """
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "cov"}
        values.update(changes)
        out = Scores(**values)  # type: ignore[arg-type]
        if not {"estimate", "cov", "covariance"} & set(changes):  # the dense form, if formed
            _COV_SLOT.__set__(out, _COV_SLOT.__get__(self))
        return out

    def cov_of(
        self, *, units: Sequence[Hashable] | None = None, measures: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """The dense covariance of some units and measures, without forming the full matrix.

        Parameters
        ----------
        units : sequence, optional
            Units, in this order. default: all.
        measures : sequence of str, optional
            Measures, in this order. default: all.

        Returns
        -------
        pandas.DataFrame
            ``(unit, measure)`` MultiIndex (unit-major) on both axes.

        Raises
        ------
        DGIError
            An unknown unit or measure, or a selection beyond the dense limit (the message gives
            its size).

        Examples
        --------
        >>> import pandas as pd
        >>> s = Scores.from_estimates(pd.DataFrame({"total": [75.0, 72.0]}, index=["A", "B"]),
        ...                           pd.DataFrame({"total": [1.0, 2.0]}, index=["A", "B"]))
        >>> s.cov_of(units=["B"]).to_numpy().tolist()
        [[4.0]]
        """
        sub = self.select(units=units, measures=measures)
        check_scores_dense(*sub.estimate.shape, what="Scores.cov_of")
        return sub.cov

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_estimates(
        cls,
        estimate: pd.DataFrame | pd.Series,
        std_error: pd.DataFrame | pd.Series | None = None,
        *,
        cov: pd.DataFrame | np.ndarray | None = None,
        df: pd.Series | float | None = None,
        method: str = "published",
        label: str = "",
        bounds: pd.DataFrame | None = None,
    ) -> Scores:
        """Scores from point estimates and standard errors (units independent), or a full covariance.

        This is how published scores with published standard errors enter dgi_stats, with no microdata.

        Parameters
        ----------
        estimate : DataFrame or Series
            Units x measures (a Series is one measure, named by its ``name`` or ``"score"``).
        std_error : DataFrame or Series, optional
            Same shape; covariances between units and between measures are taken as zero.
        cov : DataFrame or ndarray, optional
            Full covariance of the stacked estimates (unit-major), instead of ``std_error``.
        df : Series or float, optional
            Degrees of freedom per unit; ``numpy.inf`` declares the standard errors known without
            error (e.g. published SEs of a large survey). default: None (unknown: normal
            intervals, and rank functions ask for df).
        method : str
            How the covariance was obtained. default: "published".
        label : str
            A short description. default: "".
        bounds : DataFrame, optional
            Scale of each measure (rows: measures; columns ``low``, ``high``), for intervals that
            stay inside it. default: None (unbounded).

        Returns
        -------
        Scores

        Examples
        --------
        >>> import pandas as pd
        >>> s = Scores.from_estimates(pd.Series([75.0, 72.0], index=["A", "B"], name="total"),
        ...                           pd.Series([1.0, 2.0], index=["A", "B"], name="total"))
        >>> s.std_error["total"].tolist()
        [1.0, 2.0]
        """
        if isinstance(estimate, pd.Series):
            estimate = estimate.to_frame(estimate.name if estimate.name is not None else "score")
        if isinstance(std_error, pd.Series):
            std_error = std_error.to_frame(estimate.columns[0])
        est = estimate.astype(float)
        if est.isna().any().any():
            bad = est.index[est.isna().any(axis=1)].tolist()
            msg = f"The 'estimate' parameter of Scores.from_estimates has NaN for unit(s) {bad}."
            raise DGIError(msg)
        idx = _long_index(est.index, est.columns)
        c: np.ndarray | None
        if cov is not None:
            c = check_covariance(
                np.asarray(cov, dtype=float), est.size, name="cov", func="Scores.from_estimates"
            )
        elif std_error is not None:
            se = std_error.reindex(index=est.index, columns=est.columns).astype(float)
            if se.isna().any().any() or (se.to_numpy() < 0).any():
                msg = (
                    "The 'std_error' parameter of Scores.from_estimates must be non-negative and "
                    "cover every unit and measure of 'estimate'."
                )
                raise DGIError(msg)
            c = None
            if est.size > DENSE_DRAW_MAX:  # many independent estimates: a sparse diagonal factor
                structured = diagonal_covariance(se.to_numpy().ravel())
            else:
                c = np.diag(se.to_numpy().ravel() ** 2)
        else:
            msg = "Scores.from_estimates needs 'std_error' or 'cov'."
            raise DGIError(msg)
        df_s: pd.Series | None
        if df is None:
            df_s = None
        elif isinstance(df, pd.Series):
            df_s = df.reindex(est.index).astype(float)
        else:
            df_s = pd.Series(float(df), index=est.index)
        if c is None:
            return cls(est, df=df_s, method=method, label=label, bounds=bounds,
                       covariance=structured)
        return cls(
            est, pd.DataFrame(c, index=idx, columns=idx), df=df_s, method=method, label=label,
            bounds=bounds,
        )

    # ------------------------------------------------------------------ basic views
    @property
    def units(self) -> pd.Index:
        """The units (rows of :attr:`estimate`)."""
        return self.estimate.index

    @property
    def measures(self) -> pd.Index:
        """The measures (columns of :attr:`estimate`)."""
        return self.estimate.columns

    @property
    def std_error(self) -> pd.DataFrame:
        """Standard errors, units x measures."""
        var = np.clip(self.covariance.diagonal(), 0.0, None)
        return pd.DataFrame(
            np.sqrt(var).reshape(self.estimate.shape), index=self.units, columns=self.measures
        )

    @property
    def df_frame(self) -> pd.DataFrame | None:
        """Degrees of freedom per unit and measure (units x measures), or None when unknown."""
        if self.df is None:
            return None
        if isinstance(self.df, pd.DataFrame):
            return self.df.astype(float)
        vals = np.repeat(self.df.to_numpy(dtype=float)[:, None], len(self.measures), axis=1)
        return pd.DataFrame(vals, index=self.units, columns=self.measures)

    def df_for(self, measure: str) -> pd.Series | None:
        """Degrees of freedom of one measure across units (None when unknown).

        Parameters
        ----------
        measure : str
            A measure.

        Returns
        -------
        pandas.Series or None
            df per unit, named ``"df"``.

        Examples
        --------
        >>> import pandas as pd
        >>> s = Scores.from_estimates(pd.Series([75.0, 72.0], index=["A", "B"], name="total"),
        ...                           pd.Series([1.0, 2.0], index=["A", "B"]), df=5)
        >>> s.df_for("total").tolist()
        [5.0, 5.0]
        """
        frame = self.df_frame
        if frame is None:
            return None
        if measure not in frame.columns:
            msg = f"unknown measure {measure!r}; {did_you_mean([measure], self.measures, what='measures')}."
            raise DGIError(msg)
        return frame[measure].rename("df")

    def _stacked(self) -> np.ndarray:
        return self.estimate.to_numpy(dtype=float).ravel()

    def __getitem__(self, measures: str | Sequence[str]) -> Scores:
        """Scores restricted to one measure or a list of measures (all units)."""
        keep = [measures] if isinstance(measures, str) else list(measures)
        unknown = [m for m in keep if m not in self.measures]
        if unknown:
            msg = f"unknown measure(s) {unknown}; {did_you_mean(unknown, self.measures, what='measures')}."
            raise DGIError(msg)
        return self.select(measures=keep)

    def select(
        self, *, units: Sequence[Hashable] | None = None, measures: Sequence[str] | None = None
    ) -> Scores:
        """Scores restricted to some units and/or measures (covariance and replicates follow).

        Parameters
        ----------
        units : sequence, optional
            Units to keep, in this order. default: all.
        measures : sequence of str, optional
            Measures to keep, in this order. default: all.

        Returns
        -------
        Scores

        Examples
        --------
        >>> import pandas as pd
        >>> s = Scores.from_estimates(pd.Series([75.0, 72.0], index=["A", "B"], name="total"),
        ...                           pd.Series([1.0, 2.0], index=["A", "B"]))
        >>> s.select(units=["B"]).std_error["total"].tolist()
        [2.0]
        """
        u = self.units if units is None else pd.Index(list(units))
        m = self.measures if measures is None else pd.Index(list(measures))
        u_pos, m_pos = self.units.get_indexer(u), self.measures.get_indexer(m)
        if (u_pos < 0).any():
            missing_u = list(u[u_pos < 0])
            msg = f"unknown unit(s) {missing_u}; {did_you_mean(missing_u, self.units, what='units')}."
            raise DGIError(msg)
        if (m_pos < 0).any():
            missing_m = list(m[m_pos < 0])
            msg = f"unknown measure(s) {missing_m}; {did_you_mean(missing_m, self.measures, what='measures')}."
            raise DGIError(msg)
        idx = _long_index(u, m)
        reps = None if self.replicates is None else self.replicates.loc[:, idx]
        miss = None
        if self.missing is not None:
            miss = self.missing.reindex(index=u)
        return Scores(
            self.estimate.loc[u, m],
            df=_select_df(self.df, u, m),
            replicates=reps,
            replicate_factors=self.replicate_factors,
            replicate_mse=self.replicate_mse,
            method=self.method,
            n=None if self.n is None else self.n.reindex(u),
            missing=miss,
            label=self.label,
            meta=dict(self.meta),
            bounds=None if self.bounds is None else self.bounds.loc[m],
            covariance=self.covariance.select(stacked_positions(u_pos, m_pos, len(self.measures))),
        )

    def for_measure(self, measure: str = "total") -> tuple[pd.Series, pd.DataFrame]:
        """``(estimates, cov)`` of one measure across units, the input of rank inference.

        Parameters
        ----------
        measure : str
            default: "total".

        Returns
        -------
        estimates : pandas.Series
            Indexed by unit.
        cov : pandas.DataFrame
            Units x units.

        Examples
        --------
        >>> import pandas as pd
        >>> s = Scores.from_estimates(pd.DataFrame({"total": [75.0, 72.0]}, index=["A", "B"]),
        ...                           pd.DataFrame({"total": [1.0, 2.0]}, index=["A", "B"]))
        >>> est, cov = s.for_measure("total")
        >>> cov.loc["B", "B"]
        np.float64(4.0)
        """
        sub = self[measure]
        est = sub.estimate[measure].rename(measure)
        check_scores_dense(len(sub.units), 1, what=f"Scores.for_measure({measure!r})")
        cov = pd.DataFrame(sub.covariance.dense(), index=sub.units, columns=sub.units)
        return est, cov

    # ------------------------------------------------------------------ inference
    def confidence_interval(
        self,
        confidence_level: float = 0.95,
        *,
        method: Literal["t", "normal"] = "t",
        transform: Literal["auto", "logit", "none"] = "auto",
    ) -> pd.DataFrame:
        """Confidence intervals for every unit and measure, inside each measure's scale.

        Parameters
        ----------
        confidence_level : float
            Between 0 and 1. default: 0.95.
        method : {"t", "normal"}
            Critical value: t quantiles with the design df of each unit and measure (normal where
            df is unknown or infinite), or normal quantiles. default: "t".
        transform : {"auto", "logit", "none"}
            Scale on which the interval is built. ``"logit"``: on
            ``g(x) = logit((x - low) / (high - low))`` with the delta-method standard error
            ``se / ((x - low)(high - x) / (high - low))`` and the same critical value, mapped back,
            so the interval lies inside ``(low, high)`` (every measure needs finite
            :attr:`bounds`). ``"auto"``: logit for measures with finite bounds, untransformed for
            the others. ``"none"``: the symmetric interval ``estimate ± q se`` for every measure.
            default: "auto".

        Returns
        -------
        DataFrame
            Indexed by ``(unit, measure)``, columns ``estimate, std_error, ci_low, ci_high, df,
            confidence_level, transform``. ``transform`` is ``"logit"``, ``"none"``, or
            ``"clipped"`` where a logit interval was asked for but the estimate lies at (or
            outside) a bound or its standard error is zero: the logit is then undefined and the
            untransformed interval clipped to ``[low, high]`` is reported (a zero-width interval
            when the standard error is zero). Estimates and standard errors are never changed.

        Notes
        -----
        The logit interval is R ``survey``'s ``svyciprop(method="logit")`` applied to the measure
        rescaled to [0, 1]. It is asymmetric: near the ceiling its upper end moves in and its
        lower end moves out. See the confidence-interval methodology page for its coverage with
        few PSUs.

        Examples
        --------
        >>> import pandas as pd
        >>> b = pd.DataFrame({"low": [0.0], "high": [10.0]}, index=["d5"])
        >>> s = Scores.from_estimates(pd.Series([9.60], index=["Vân Đồn"], name="d5"),
        ...                           pd.Series([0.16], index=["Vân Đồn"]), df=5, bounds=b)
        >>> ci = s.confidence_interval()
        >>> ci[["ci_low", "ci_high", "transform"]].round(2).to_numpy().tolist()
        [[8.92, 9.86, 'logit']]
        >>> s.confidence_interval(transform="none")[["ci_low", "ci_high"]].round(2).to_numpy().tolist()
        [[9.19, 10.01]]
        """
        func = "Scores.confidence_interval"
        level = check_probability(confidence_level, name="confidence_level", func=func)
        check_choice(method, ("t", "normal"), name="method", func=func)
        check_choice(transform, ("auto", "logit", "none"), name="transform", func=func)
        est = self.estimate.stack()
        se = self.std_error.stack()
        est.index.names = _IDX_NAMES
        se.index.names = _IDX_NAMES
        frame = self.df_frame if method == "t" else None
        dfs = np.full(len(est), np.inf) if frame is None else frame.to_numpy(dtype=float).ravel()
        columns = interval_columns(
            est.to_numpy(dtype=float), se.to_numpy(dtype=float), dfs, level,
            self.bounds, self.measures, transform, func,
        )
        return pd.DataFrame(columns, index=est.index)

    def to_frame(
        self,
        confidence_level: float = 0.95,
        *,
        transform: Literal["auto", "logit", "none"] = "auto",
    ) -> pd.DataFrame:
        """Tidy table: one row per unit and measure with estimate, SE and CI (t with design df).

        Parameters
        ----------
        confidence_level : float
            default: 0.95.
        transform : {"auto", "logit", "none"}
            As in :meth:`confidence_interval`. default: "auto".

        Returns
        -------
        DataFrame
            Columns ``unit, measure`` and those of :meth:`confidence_interval`.
        """
        return self.confidence_interval(confidence_level, transform=transform).reset_index()

    def summary(
        self,
        measure: str = "total",
        confidence_level: float = 0.95,
        *,
        transform: Literal["auto", "logit", "none"] = "auto",
    ) -> Summary:
        """A printable table of one measure (text, HTML or LaTeX).

        Parameters
        ----------
        measure : str
            default: "total".
        confidence_level : float
            default: 0.95.
        transform : {"auto", "logit", "none"}
            As in :meth:`confidence_interval`. default: "auto".

        Returns
        -------
        Summary
        """
        ci = self[measure].confidence_interval(confidence_level, transform=transform)
        ci = ci.droplevel("measure")
        shown = sorted(set(ci["transform"]))
        notes = (
            f"{self.label}" if self.label else "",
            f"variance: {self.method}",
            f"interval scale: {', '.join(shown)}" if shown != ["none"] else "",
        )
        return Summary(f"{measure}: estimates with {confidence_level:.0%} CIs", ci, tuple(n for n in notes if n))

    # ------------------------------------------------------------------ algebra
    def linear_map(
        self,
        weights: pd.DataFrame,
        offset: pd.Series | None = None,
        *,
        keep: bool = True,
    ) -> Scores:
        """Add measures that are linear in existing ones: ``new = weights @ old + offset`` per unit.

        The covariance is propagated exactly (``A Σ Aᵀ``) and replicates are mapped too. Scale
        bounds (:attr:`bounds`) follow by interval arithmetic: a weight ``w >= 0`` adds
        ``w * [low, high]``, a negative one ``w * [high, low]``, then the offset; a new measure
        that uses a measure of unknown scale has unknown bounds.

        Parameters
        ----------
        weights : DataFrame
            New measures (index) x existing measures (columns); missing columns count as 0.
        offset : Series, optional
            Constant per new measure (for example PAPI's 1 + 9u scaling). default: 0.
        keep : bool
            Keep the existing measures beside the new ones. default: True.

        Returns
        -------
        Scores

        Examples
        --------
        >>> import pandas as pd
        >>> b = pd.DataFrame({"low": [0.0, 0.0], "high": [10.0, 10.0]}, index=["x", "y"])
        >>> s = Scores.from_estimates(pd.DataFrame({"x": [9.0], "y": [8.0]}, index=["A"]),
        ...                           pd.DataFrame({"x": [0.2], "y": [0.3]}, index=["A"]), bounds=b)
        >>> w = pd.DataFrame({"x": [1.0, 1.0], "y": [1.0, -1.0]}, index=["sum", "gap"])
        >>> s.linear_map(w).bounds.loc[["sum", "gap"]].to_numpy().tolist()
        [[0.0, 20.0], [-10.0, 10.0]]
        """
        fields_new = map_measures(self, weights, offset, keep=keep)
        return self.replace(**fields_new)

    def difference(
        self,
        before: Scores,
        *,
        correlation: Literal["independent"] = "independent",
        cross_cov: pd.DataFrame | None = None,
    ) -> Scores:
        """``self - before``: the change between two years, with its covariance and df.

        Units and measures are matched by label; only those present in both are kept.

        Parameters
        ----------
        before : Scores
            The earlier year.
        correlation : {"independent"}
            Two separate cross-sections: covariances add. default: "independent".
        cross_cov : DataFrame, optional
            ``Cov(self, before)`` of the stacked estimates (``(unit, measure)`` on both axes, rows
            for ``self``), for panels that re-survey the same PSUs; subtracted twice. default:
            None (independent samples).

        Returns
        -------
        Scores
            The differences. Degrees of freedom per unit and measure: Welch–Satterthwaite
            (:func:`satterthwaite_df`) for independent years; with ``cross_cov`` the smaller of
            the two years' df (conservative). Replicates are not carried (two different samples),
            nor scale bounds (a change is not on the scale of the measure).

        Examples
        --------
        >>> import pandas as pd
        >>> a = Scores.from_estimates(pd.Series([75.0], index=["A"], name="total"),
        ...                           pd.Series([1.0], index=["A"]), df=5)
        >>> b = Scores.from_estimates(pd.Series([70.0], index=["A"], name="total"),
        ...                           pd.Series([1.0], index=["A"]), df=5)
        >>> d = a - b
        >>> float(d.estimate.loc["A", "total"]), float(d.df_for("total")["A"])
        (5.0, 10.0)
        """
        check_choice(correlation, ("independent",), name="correlation", func="Scores.difference")
        units = self.units.intersection(before.units, sort=False)
        measures = self.measures.intersection(before.measures, sort=False)
        if units.empty or measures.empty:
            msg = "Scores.difference: the two Scores share no unit or no measure."
            raise DGIError(msg)
        a = self.select(units=list(units), measures=list(measures))
        b = before.select(units=list(units), measures=list(measures))
        covariance, df = difference_parts(a, b, cross_cov)
        return Scores(
            a.estimate - b.estimate,
            df=df,
            covariance=covariance,
            method=f"difference({a.method}, {b.method})",
            label=f"{a.label} minus {b.label}".strip(),
        )

    def __sub__(self, other: Scores) -> Scores:
        """Difference of two independent years' Scores (see :meth:`difference`)."""
        if not isinstance(other, Scores):
            return NotImplemented
        return self.difference(other)

    def sampling_draws(
        self,
        n_draws: int,
        *,
        method: Literal["normal", "t", "replicates"] = "normal",
        measures: Sequence[str] | None = None,
        rng: RNGLike = None,
    ) -> np.ndarray:
        """Draws of the estimate table that represent sampling error, shape ``(n_draws, units, measures)``.

        ``"normal"`` draws from N(estimate, cov); ``"t"`` draws multivariate t per unit with the
        unit's design df (the Gaussian deviation of a unit divided by ``sqrt(χ²_ν/ν)``, one scale
        per unit; needs :attr:`df`); ``"replicates"`` resamples the stored replicate estimates
        re-centred at the full-sample estimate and rescaled so that their covariance is
        :attr:`cov` (valid for any replicate method).

        Parameters
        ----------
        n_draws : int
            Number of draws.
        method : {"normal", "t", "replicates"}
            default: "normal".
        measures : sequence of str, optional
            Measures drawn. default: all.
        rng : int, numpy.random.Generator or None
            Source of the draws (:mod:`dgi_stats._draws`). default: None.

        Returns
        -------
        numpy.ndarray
            ``(n_draws, units, measures)``.

        Examples
        --------
        >>> import pandas as pd
        >>> s = Scores.from_estimates(pd.Series([75.0, 72.0], index=["A", "B"], name="total"),
        ...                           pd.Series([1.0, 2.0], index=["A", "B"]), df=4)
        >>> s.sampling_draws(10, method="t", rng=1).shape
        (10, 2, 1)
        """
        check_choice(method, ("normal", "t", "replicates"), name="method", func="Scores.sampling_draws")
        gen = as_generator(rng)
        sub = self if measures is None else self.select(measures=list(measures))
        mean = sub._stacked()
        shape = (n_draws, *sub.estimate.shape)
        if method in ("normal", "t"):
            dev = deviations(sub.covariance, n_draws, gen)
            if method == "t":
                dev = t_deviations(dev, sub.df_frame, sub.units, gen)
            return (mean + dev).reshape(shape)
        if sub.replicates is None or sub.replicate_factors is None:
            msg = "Scores.sampling_draws(method='replicates') needs replicate estimates; use method='normal'."
            raise DGIError(msg)
        reps = sub.replicates.to_numpy(dtype=float)
        f = np.asarray(sub.replicate_factors, dtype=float)
        devr = replicate_deviations(reps, mean, mse=sub.replicate_mse) * np.sqrt(f * len(f))[:, None]
        pick = gen.integers(0, len(f), size=n_draws)
        return (mean + devr[pick]).reshape(shape)

    # ------------------------------------------------------------------ display
    def __repr__(self) -> str:
        extra = f"method={self.method!r}" + (f", {self.label}" if self.label else "")
        n_rep = 0 if self.replicates is None else len(self.replicates)
        if n_rep:
            extra += f", {n_rep} replicates"
        return frame_repr("Scores", self.estimate, extra=extra)

    def _repr_html_(self) -> str:
        return self.estimate.to_html(float_format=lambda x: f"{x:.3f}")


_COV_SLOT = Scores.__dict__["cov"]
setattr(Scores, "cov", LazyCov(_COV_SLOT))  # noqa: B010 (replaces the slot descriptor)
