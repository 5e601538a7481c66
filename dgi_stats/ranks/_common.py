"""Input handling shared by the rank and planning functions: (estimates, cov, df) from a Series, a Scores or replicates.

Degrees of freedom travel with the covariance: a :class:`~dgi_stats.scores.Scores` carries the
design df of each unit; bare ``(estimates, cov)`` need ``df`` (``numpy.inf`` declares the covariance
known, e.g. published standard errors of a large survey).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TypeAlias

import numpy as np
import pandas as pd

from dgi_stats._typing import FloatArray
from dgi_stats._validation import check_covariance, did_you_mean
from dgi_stats.exceptions import DGIDeprecationWarning, DGIError
from dgi_stats.ranks._core import std_errors
from dgi_stats.scores.pivot import Scores
from dgi_stats.survey.estimators import SurveyEstimate
from dgi_stats.survey.variance.replicate import replicate_covariance

__all__ = [
    "LARGE_DF",
    "CovarianceLike",
    "DfLike",
    "EstimatesLike",
    "FactorsLike",
    "RankInput",
    "confidence_level_from",
    "prepare",
    "replicate_columns",
    "resolve_df",
]


#: What the rank functions rank: a Scores (with ``measure``), a by-unit SurveyEstimate, estimates
#: indexed by unit (a Series or one-column DataFrame), or a 1-D array.
EstimatesLike: TypeAlias = Scores | SurveyEstimate | pd.Series | pd.DataFrame | FloatArray | Sequence[float]
#: A covariance of the estimates: p x p (DataFrame indexed by unit, or array); a 1-D array or a
#: Series is read as the variances.
CovarianceLike: TypeAlias = pd.DataFrame | pd.Series | FloatArray
#: Degrees of freedom per unit: one number for all, a Series indexed by unit, or one per unit.
DfLike: TypeAlias = float | pd.Series | FloatArray
#: Replicate factors ``f_r``: one number for all replicates, or one per replicate.
FactorsLike: TypeAlias = float | FloatArray

# above this many degrees of freedom for every unit, t and normal critical values agree to < 1 %
LARGE_DF = 100.0


class RankInput:
    """Validated inputs: unit labels, estimates, covariance (original orientation) and df per unit.

    Parameters
    ----------
    units : pandas.Index
        Unit labels.
    theta : numpy.ndarray
        Estimates.
    cov : numpy.ndarray
        Their covariance.
    df : numpy.ndarray, optional
        Degrees of freedom per unit. default: None (infinite: covariance known).

    Examples
    --------
    >>> ri = RankInput(pd.Index(["a", "b"]), np.array([1.0, 2.0]), np.eye(2), np.array([5.0, 5.0]))
    >>> ri.studentised, ri.subset(np.array([1])).units.tolist()
    (True, ['b'])
    """

    __slots__ = ("cov", "df", "theta", "units")

    def __init__(
        self, units: pd.Index, theta: FloatArray, cov: FloatArray, df: FloatArray | None = None
    ) -> None:
        self.units = units
        self.theta = theta
        self.cov = cov
        self.df = np.full(theta.size, np.inf) if df is None else df

    @property
    def studentised(self) -> bool:
        """True when some unit's df is <= :data:`LARGE_DF` (critical values must account for it)."""
        return bool((self.df <= LARGE_DF).any())

    def subset(self, pos: np.ndarray) -> RankInput:
        """The inputs of the units at positions ``pos``.

        Parameters
        ----------
        pos : numpy.ndarray
            Positions of the units to keep, in the order wanted.

        Returns
        -------
        RankInput
        """
        return RankInput(
            pd.Index(self.units[pos]), self.theta[pos], self.cov[np.ix_(pos, pos)], self.df[pos]
        )

    def critical_law(self) -> str:
        """How critical values treat the covariance, in words (stored in every result).

        Returns
        -------
        str
        """
        if not self.studentised:
            if np.isinf(self.df).all():
                return "normal (covariance declared known: df = inf)"
            return f"normal (every unit has df > {LARGE_DF:g})"
        lo = float(np.min(self.df))
        return (
            "studentised: each unit's variance estimate drawn as a scaled chi-square with its "
            f"design df (smallest df {lo:g})"
        )

    @property
    def se(self) -> FloatArray:
        """Standard errors."""
        return std_errors(self.cov)


def replicate_columns(replicates: pd.DataFrame, units: pd.Index, *, func: str) -> FloatArray:
    """The columns of ``replicates`` (replicates x units) for ``units``, in their order, as floats.

    Parameters
    ----------
    replicates : pandas.DataFrame
        Replicates (rows) x units (columns).
    units : pandas.Index
        The units wanted.
    func : str
        The caller's name, for the messages.

    Returns
    -------
    numpy.ndarray
        Replicates x ``units``.

    Raises
    ------
    DGIError
        A unit has no column.

    Examples
    --------
    >>> reps = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]})
    >>> replicate_columns(reps, pd.Index(["b", "a"]), func="f").tolist()
    [[3.0, 1.0], [4.0, 2.0]]
    """
    missing = [u for u in units if u not in replicates.columns]
    if missing:
        msg = f"The 'replicates' parameter of {func} has no column for unit(s) {missing}."
        raise DGIError(msg)
    return replicates.loc[:, list(units)].to_numpy(dtype=float)


def _cov_from_replicates(
    replicates: pd.DataFrame,
    units: pd.Index,
    theta: FloatArray,
    factors: FactorsLike | None,
    mse: bool,
    func: str,
) -> FloatArray:
    if not isinstance(replicates, pd.DataFrame):
        msg = (
            f"The 'replicates' parameter of {func} must be a DataFrame (replicates x units). "
            f"Got {type(replicates).__name__} instead."
        )
        raise DGIError(msg)
    reps = replicate_columns(replicates, units, func=func)
    n_rep = reps.shape[0]
    if n_rep < 2 or not np.isfinite(reps).all():
        msg = f"The 'replicates' parameter of {func} needs >= 2 rows of finite replicate estimates."
        raise DGIError(msg)
    if factors is None:
        f = np.full(n_rep, 1.0 / (n_rep - 1))
    else:
        f = np.broadcast_to(np.asarray(factors, dtype=float), (n_rep,)).copy()
        if (f < 0).any() or not np.isfinite(f).all():
            msg = f"The 'replicate_factors' parameter of {func} must be finite and non-negative."
            raise DGIError(msg)
    return replicate_covariance(reps, theta, f, mse=mse)


def confidence_level_from(confidence_level: float, coverage: float | None, func: str) -> float:
    """The level, from ``confidence_level`` or the deprecated ``coverage`` keyword (with a warning).

    Parameters
    ----------
    confidence_level : float
        The level given under its name.
    coverage : float or None
        The level given under its deprecated name.
    func : str
        The caller's name, for the warning.

    Returns
    -------
    float
        ``coverage`` when given (a DGIDeprecationWarning), else ``confidence_level``.

    Examples
    --------
    >>> confidence_level_from(0.9, None, "f")
    0.9
    """
    if coverage is None:
        return confidence_level
    warnings.warn(
        f"{func}: 'coverage' is deprecated and will be removed; use 'confidence_level' (the same "
        "number, the one name for the level across dgi_stats).",
        DGIDeprecationWarning,
        stacklevel=3,
    )
    return coverage


def resolve_df(df: DfLike | None, units: pd.Index, *, func: str, source: str = "") -> FloatArray:
    """Degrees of freedom per unit as floats (inf = known), or a DGIError naming the units.

    Parameters
    ----------
    df : float, pandas.Series or numpy.ndarray or None
        A number, a Series indexed by unit or an array with one value per unit.
    units : pandas.Index
        The units.
    func : str
        The caller's name, for the messages.
    source : str
        Why no df is available (for the message when ``df`` is None). default: "".

    Returns
    -------
    numpy.ndarray
        One df per unit (``inf``: known).

    Raises
    ------
    DGIError
        ``df`` missing, of the wrong shape or <= 0 for some unit (the message names them).

    Examples
    --------
    >>> resolve_df(5, pd.Index(["a", "b"]), func="f").tolist()
    [5.0, 5.0]
    """
    hint = (
        f"Pass df=<design df per unit> to {func}, or df=numpy.inf to declare the covariance known "
        "(normal critical values)."
    )
    if df is None:
        what = f" ({source})" if source else ""
        msg = f"{func} needs the degrees of freedom of the covariance{what}. {hint}"
        raise DGIError(msg)
    if isinstance(df, pd.Series):
        missing = [u for u in units if u not in df.index]
        if missing:
            msg = f"The 'df' parameter of {func} has no value for unit(s) {missing}. {hint}"
            raise DGIError(msg)
        vals = df.reindex(units).to_numpy(dtype=float)
    else:
        try:
            arr = np.asarray(df, dtype=float)
        except (TypeError, ValueError) as exc:
            msg = f"The 'df' parameter of {func} must be numeric. {hint}"
            raise DGIError(msg) from exc
        if arr.ndim == 0:
            vals = np.full(len(units), float(arr))
        elif arr.shape == (len(units),):
            vals = arr.copy()
        else:
            msg = (
                f"The 'df' parameter of {func} must be a number or have one value per unit "
                f"({len(units)}). Got shape {arr.shape}."
            )
            raise DGIError(msg)
    bad = ~(vals > 0)
    if bad.any():
        msg = (
            f"The 'df' parameter of {func} must be > 0 for every unit; unit(s) "
            f"{units[bad].tolist()} have {vals[bad].tolist()} (a unit with one PSU has df 0: merge "
            f"or collapse strata, or give it a df). {hint}"
        )
        raise DGIError(msg)
    return vals


def _from_survey_estimate(
    est: SurveyEstimate, measure: str, func: str
) -> tuple[pd.Series, FloatArray, pd.Series]:
    """One variable of a by-domain SurveyEstimate as (estimates by domain, cov, df)."""
    idx = est.estimate.index
    if not isinstance(idx, pd.MultiIndex) or idx.nlevels != 2:
        msg = (
            f"{func} ranks domains: give a SurveyEstimate computed with one 'by' column (units). "
            f"Got an index with levels {list(idx.names)}."
        )
        raise DGIError(msg)
    variables = list(dict.fromkeys(idx.get_level_values(-1)))
    if measure not in variables:
        if len(variables) == 1:
            measure = variables[0]
        else:
            msg = (
                f"The 'measure' parameter of {func} must be one of the SurveyEstimate's variables "
                f"{variables}. Got {measure!r} instead."
            )
            raise DGIError(msg)
    pos = np.flatnonzero(idx.get_level_values(-1) == measure)
    units = pd.Index(idx.get_level_values(0)[pos])
    theta = pd.Series(est.estimate.to_numpy(dtype=float)[pos], index=units, name=measure)
    c = est.cov.to_numpy(dtype=float)[np.ix_(pos, pos)]
    # the Satterthwaite effective df where the design provides them (Taylor), else the design df
    src = est.df if est.df_effective is None else est.df_effective
    dfs = pd.Series(src.to_numpy(dtype=float)[pos], index=units, name="df")
    return theta, c, dfs


def prepare(
    estimates: EstimatesLike,
    cov: CovarianceLike | None,
    *,
    func: str,
    measure: str = "total",
    df: DfLike | None = None,
    replicates: pd.DataFrame | None = None,
    replicate_factors: FactorsLike | None = None,
    replicate_mse: bool = False,
    min_units: int = 2,
) -> RankInput:
    """Validate ``(estimates, cov, df)`` (or a Scores, or replicates) and return arrays with unit labels.

    A Scores input brings its design df (``Scores.df``) unless ``df`` is given; a by-unit
    SurveyEstimate its effective (Satterthwaite) or design df.

    Parameters
    ----------
    estimates : Scores, SurveyEstimate, pandas.Series, pandas.DataFrame or array-like
        What is ranked (see :data:`EstimatesLike`).
    cov : pandas.DataFrame, pandas.Series or numpy.ndarray or None
        Covariance (None with a Scores or SurveyEstimate, or with ``replicates``).
    func : str
        The caller's name, for the messages.
    measure : str
        Measure of a Scores or variable of a SurveyEstimate. default: "total".
    df : float, pandas.Series or numpy.ndarray, optional
        Degrees of freedom per unit. default: None (from the input).
    replicates : pandas.DataFrame, optional
        Replicate estimates (replicates x units) that give ``cov``
        (:func:`dgi_stats.survey.variance.replicate.replicate_covariance`). default: None.
    replicate_factors : float or numpy.ndarray, optional
        ``f_r``. default: 1/(R − 1).
    replicate_mse : bool
        Centre replicates at the estimates. default: False.
    min_units : int
        Fewest units accepted. default: 2.

    Returns
    -------
    RankInput

    Raises
    ------
    DGIError
        Bad estimates, covariance or df (the message names the units).

    Examples
    --------
    >>> ri = prepare(pd.Series([1.0, 2.0], index=["a", "b"]), np.diag([0.1, 0.2]), func="f",
    ...              df=np.inf)
    >>> ri.units.tolist(), ri.se.round(3).tolist(), ri.critical_law()
    (['a', 'b'], [0.316, 0.447], 'normal (covariance declared known: df = inf)')
    """
    source = "bare estimates and covariance carry none"
    if isinstance(estimates, SurveyEstimate):
        if cov is not None:
            msg = f"{func}: pass either a SurveyEstimate or (estimates, cov), not both."
            raise DGIError(msg)
        estimates, cov, est_df = _from_survey_estimate(estimates, measure, func)
        if df is None:
            df = est_df
    if isinstance(estimates, Scores):
        if df is None:
            df = estimates.df_for(measure) if measure in estimates.measures else None
            source = "this Scores has no df"
        if cov is not None:
            msg = f"{func}: pass either a Scores object or (estimates, cov), not both."
            raise DGIError(msg)
        if measure not in estimates.measures:
            msg = (
                f"The 'measure' parameter of {func} must be a measure of the Scores. Got "
                f"{measure!r} instead; {did_you_mean([measure], estimates.measures, what='measures')}."
            )
            raise DGIError(msg)
        est, cov = estimates.for_measure(measure)
        estimates = est
    if isinstance(estimates, pd.DataFrame):
        if estimates.shape[1] != 1:
            msg = (
                f"The 'estimates' parameter of {func} must be a Series indexed by unit (or a "
                f"one-column DataFrame). Got a DataFrame with {estimates.shape[1]} columns."
            )
            raise DGIError(msg)
        estimates = estimates.iloc[:, 0]
    if isinstance(estimates, pd.Series):
        units = pd.Index(estimates.index)
        try:
            theta = estimates.to_numpy(dtype=float)
        except (TypeError, ValueError) as exc:
            msg = f"The 'estimates' parameter of {func} must be numeric."
            raise DGIError(msg) from exc
    else:
        try:
            theta = np.asarray(estimates, dtype=float)
        except (TypeError, ValueError) as exc:
            msg = f"The 'estimates' parameter of {func} must be a numeric Series or 1-D array."
            raise DGIError(msg) from exc
        if theta.ndim != 1:
            msg = f"The 'estimates' parameter of {func} must be 1-D. Got shape {theta.shape}."
            raise DGIError(msg)
        units = pd.RangeIndex(theta.size, name="unit")
    if units.has_duplicates:
        dup = units[units.duplicated()].unique().tolist()
        msg = f"The 'estimates' parameter of {func} has duplicated unit label(s) {dup}."
        raise DGIError(msg)
    p = theta.size
    if p < min_units:
        msg = (
            f"The 'estimates' parameter of {func} needs at least {min_units} units to rank. "
            f"Got {p}."
        )
        raise DGIError(msg)
    bad = ~np.isfinite(theta)
    if bad.any():
        msg = (
            f"The 'estimates' parameter of {func} has NaN or infinite value(s) for unit(s) "
            f"{units[bad].tolist()}; drop or fix those units before ranking."
        )
        raise DGIError(msg)
    if cov is None:
        if replicates is None:
            msg = f"{func} needs 'cov' (or a Scores object, or 'replicates' to build the covariance)."
            raise DGIError(msg)
        c = _cov_from_replicates(replicates, units, theta, replicate_factors, replicate_mse, func)
    elif isinstance(cov, pd.DataFrame):
        if not (set(cov.index) == set(units) and set(cov.columns) == set(units)) or cov.shape != (p, p):
            msg = (
                f"The 'cov' parameter of {func} must be a {p} x {p} DataFrame indexed by the same "
                f"units as 'estimates' on both axes. Got shape {cov.shape}."
            )
            raise DGIError(msg)
        c = cov.loc[list(units), list(units)].to_numpy(dtype=float)
    else:
        c = np.asarray(cov, dtype=float)
    # df first: a unit with one PSU (df 0, often a NaN variance) is then named in the message
    dfs = resolve_df(df, units, func=func, source=source)
    c = check_covariance(c, p, name="cov", func=func)
    return RankInput(units, theta, c, dfs)

