"""``Scores``: the pivot of dgi_stats — every measure of an index for every unit, with joint uncertainty.

Once a survey has been turned into a :class:`Scores`, nothing downstream touches respondents again.
Linear maps (a dimension = a combination of indicators, total = sum of dimensions, composite % =
total / 80 x 100, a year-on-year difference) propagate the covariance exactly (``A Σ Aᵀ``) and are
applied to every replicate; rank inference takes ``(estimates, cov)`` from :meth:`Scores.for_measure`.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from dgi_stats._draws import chi_scales, gaussian_draws
from dgi_stats._results import CI_COLUMNS, Summary, frame_repr
from dgi_stats._rng import RNGLike, as_generator
from dgi_stats._validation import check_choice, check_covariance, check_probability, did_you_mean
from dgi_stats.exceptions import DGIError
from dgi_stats.scores._common import (
    check_bounds,
    critical_values,
    logit_interval,
    map_bounds,
    map_measure_df,
    map_unit_covariance,
    satterthwaite_df,
)
from dgi_stats.survey.variance.replicate import replicate_deviations

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



@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Scores:
    """Point estimates of every measure for every unit, with their full covariance.

    Parameters
    ----------
    estimate : pandas.DataFrame
        Units (index) x measures (columns).
    cov : pandas.DataFrame
        Covariance of the stacked estimates; rows and columns are a ``(unit, measure)``
        MultiIndex in unit-major order (the order of ``estimate.stack()``).
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

    Examples
    --------
    >>> import pandas as pd
    >>> s = Scores.from_estimates(pd.DataFrame({"total": [75.0, 72.0]}, index=["A", "B"]),
    ...                           pd.DataFrame({"total": [1.0, 2.0]}, index=["A", "B"]), df=5)
    >>> list(s.confidence_interval().columns[:6])
    ['estimate', 'std_error', 'ci_low', 'ci_high', 'df', 'confidence_level']
    """

    estimate: pd.DataFrame
    cov: pd.DataFrame
    df: pd.Series | pd.DataFrame | None = None
    replicates: pd.DataFrame | None = None
    replicate_factors: np.ndarray | None = None
    replicate_mse: bool = False
    method: str = "taylor"
    n: pd.Series | None = None
    missing: pd.DataFrame | None = None
    label: str = ""
    meta: dict[str, object] = field(default_factory=dict)
    bounds: pd.DataFrame | None = None

    def __post_init__(self) -> None:
        est = self.estimate
        if not isinstance(est, pd.DataFrame) or est.empty:
            msg = "The 'estimate' parameter of Scores must be a non-empty DataFrame (units x measures)."
            raise DGIError(msg)
        if est.index.has_duplicates or est.columns.has_duplicates:
            msg = "Scores.estimate must have unique unit labels (index) and measure labels (columns)."
            raise DGIError(msg)
        k = est.size
        if not isinstance(self.cov, pd.DataFrame) or self.cov.shape != (k, k):
            shape = getattr(self.cov, "shape", None)
            msg = f"Scores.cov must be a {k} x {k} DataFrame (units x measures stacked). Got {shape}."
            raise DGIError(msg)
        idx = _long_index(est.index, est.columns)
        if not (self.cov.index.equals(idx) and self.cov.columns.equals(idx)):
            msg = (
                "Scores.cov must be indexed by the (unit, measure) MultiIndex of estimate.stack() "
                "on both axes; build it with Scores.from_blocks or Scores.from_estimates."
            )
            raise DGIError(msg)
        if self.replicates is not None and self.replicate_factors is None:
            msg = "Scores.replicates needs replicate_factors (scale x rscales per replicate)."
            raise DGIError(msg)
        if self.df is not None:
            ok_series = isinstance(self.df, pd.Series) and self.df.index.equals(est.index)
            ok_frame = (
                isinstance(self.df, pd.DataFrame)
                and self.df.index.equals(est.index)
                and self.df.columns.equals(est.columns)
            )
            if not (ok_series or ok_frame):
                msg = (
                    "Scores.df must be a Series indexed by the units of 'estimate' (design df per "
                    "unit) or a DataFrame shaped like 'estimate' (df per unit and measure)."
                )
                raise DGIError(msg)
        if self.bounds is not None:
            object.__setattr__(self, "bounds", check_bounds(self.bounds, est.columns, "Scores"))

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
        var = np.clip(np.diag(self.cov.to_numpy()), 0.0, None)
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
        missing_u = [x for x in u if x not in self.units]
        if missing_u:
            msg = f"unknown unit(s) {missing_u}; {did_you_mean(missing_u, self.units, what='units')}."
            raise DGIError(msg)
        idx = _long_index(u, m)
        reps = None if self.replicates is None else self.replicates.loc[:, idx]
        miss = None
        if self.missing is not None:
            miss = self.missing.reindex(index=u)
        return Scores(
            self.estimate.loc[u, m],
            self.cov.loc[idx, idx],
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
        cov = pd.DataFrame(sub.cov.to_numpy(), index=sub.units, columns=sub.units)
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
        q = critical_values(dfs, level)
        x, s_e = est.to_numpy(dtype=float), se.to_numpy(dtype=float)
        ci_low, ci_high = x - q * s_e, x + q * s_e
        kind = np.full(len(est), "none", dtype=object)
        if transform != "none":
            n_u = self.estimate.shape[0]
            nan = pd.DataFrame({"low": np.nan, "high": np.nan}, index=self.measures)
            b = nan if self.bounds is None else self.bounds
            lo_m, hi_m = b["low"].to_numpy(dtype=float), b["high"].to_numpy(dtype=float)
            bounded_m = np.isfinite(lo_m) & np.isfinite(hi_m)
            if transform == "logit" and not bounded_m.all():
                msg = (
                    f"The 'transform' parameter of {func} is 'logit' but measure(s) "
                    f"{list(self.measures[~bounded_m])} have no finite bounds (Scores.bounds); "
                    "use transform='auto' to transform only the bounded measures."
                )
                raise DGIError(msg)
            sel = np.tile(bounded_m, n_u)
            if sel.any():
                lo, hi = np.tile(lo_m, n_u)[sel], np.tile(hi_m, n_u)[sel]
                ci_low[sel], ci_high[sel], ok = logit_interval(x[sel], s_e[sel], q[sel], lo, hi)
                kind[sel] = np.where(ok, "logit", "clipped")
        # the columns of every confidence_interval() table (CI_COLUMNS), then the interval scale
        columns = dict(zip(CI_COLUMNS, (x, s_e, ci_low, ci_high, dfs, level), strict=True))
        return pd.DataFrame({**columns, "transform": kind}, index=est.index)

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
        w = weights.reindex(columns=self.measures, fill_value=0.0).astype(float)
        off = pd.Series(0.0, index=w.index) if offset is None else offset.reindex(w.index).fillna(0.0)
        units = self.units
        new_est = self.estimate.to_numpy(dtype=float) @ w.to_numpy().T + off.to_numpy()
        new_meas = w.index if not keep else self.measures.append(w.index)
        if keep and self.measures.intersection(w.index).size:
            msg = f"linear_map would overwrite existing measure(s) {list(self.measures.intersection(w.index))}."
            raise DGIError(msg)
        # the map acts unit by unit: apply it to the (unit, measure) axes of the covariance blocks
        # instead of forming the block-diagonal (units x measures)^2 matrix kron(I, A)
        n_u, n_m = self.estimate.shape
        a_unit = w.to_numpy()
        if keep:
            a_unit = np.vstack([np.eye(n_m), a_unit])
        cov = map_unit_covariance(self.cov.to_numpy(), a_unit, n_u)
        b_unit = off.to_numpy() if not keep else np.concatenate([np.zeros(n_m), off.to_numpy()])
        if keep:
            est = np.hstack([self.estimate.to_numpy(dtype=float), new_est])
        else:
            est = new_est
        idx = _long_index(units, new_meas)
        reps = None
        if self.replicates is not None:
            r = self.replicates.to_numpy(dtype=float).reshape(-1, n_u, n_m) @ a_unit.T + b_unit
            reps = pd.DataFrame(r.reshape(r.shape[0], -1), index=self.replicates.index, columns=idx)
        new_df: pd.Series | pd.DataFrame | None = self.df
        if isinstance(self.df, pd.DataFrame):
            vals = map_measure_df(self.df.to_numpy(dtype=float), w.to_numpy(), keep=keep)
            new_df = pd.DataFrame(vals, index=units, columns=new_meas)
        new_bounds = None
        if self.bounds is not None:
            mapped = pd.DataFrame(
                map_bounds(self.bounds, w.to_numpy(), off.to_numpy(dtype=float)),
                index=w.index, columns=["low", "high"],
            )
            new_bounds = pd.concat([self.bounds, mapped]) if keep else mapped
        return Scores(
            pd.DataFrame(est, index=units, columns=new_meas),
            pd.DataFrame(cov, index=idx, columns=idx),
            df=new_df,
            replicates=reps,
            replicate_factors=self.replicate_factors,
            replicate_mse=self.replicate_mse,
            method=self.method,
            n=self.n,
            missing=self.missing,
            label=self.label,
            meta=dict(self.meta),
            bounds=new_bounds,
        )

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
        cov = a.cov + b.cov
        if cross_cov is not None:
            idx = a.cov.index
            if not isinstance(cross_cov, pd.DataFrame) or not (
                set(idx) <= set(cross_cov.index) and set(idx) <= set(cross_cov.columns)
            ):
                msg = (
                    "The 'cross_cov' parameter of Scores.difference must be a DataFrame with the "
                    "(unit, measure) pairs of both Scores on both axes."
                )
                raise DGIError(msg)
            c = cross_cov.loc[idx, idx]
            cov = cov - c - c.T.to_numpy()
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
        return Scores(
            a.estimate - b.estimate,
            cov,
            df=df,
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
            dev = gaussian_draws(sub.cov.to_numpy(), n_draws, gen)
            if method == "t":
                frame = sub.df_frame
                if frame is None:
                    msg = (
                        "Scores.sampling_draws(method='t') needs degrees of freedom (Scores.df); "
                        "use method='normal' for a covariance known without error."
                    )
                    raise DGIError(msg)
                per_unit = frame.to_numpy(dtype=float).min(axis=1)
                bad = ~(per_unit > 0)
                if bad.any():
                    msg = (
                        "Scores.sampling_draws(method='t'): df must be > 0; unit(s) "
                        f"{list(sub.units[bad])} have {per_unit[bad].tolist()}."
                    )
                    raise DGIError(msg)
                scale = chi_scales(per_unit, n_draws, gen)
                n_m = sub.estimate.shape[1]
                dev = dev / np.repeat(scale, n_m, axis=1)
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
