"""Result objects of the survey estimators: :class:`SurveyEstimate`, :class:`TTestResult`, :class:`PropCI`.

All three mix in :class:`~dgi_stats._results.Result` (``to_frame``, ``summary``); intervals of a
:class:`SurveyEstimate` come as the columns :data:`~dgi_stats._results.CI_COLUMNS`.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, fields
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from dgi_stats._results import CI_COLUMNS, Result, Summary, frame_repr
from dgi_stats._validation import check_choice, check_probability
from dgi_stats.exceptions import DGIError
from dgi_stats.survey.variance.structured import LazyCov, StructuredCovariance, check_dense_size

__all__ = ["PropCI", "SurveyEstimate", "TTestResult"]


@dataclass(frozen=True, slots=True, repr=False, eq=False, init=False)
class SurveyEstimate(Result):
    """Design-based estimates with their covariance, degrees of freedom and design effects.

    Returned by :func:`~dgi_stats.survey.means.mean`, ``total``, ``ratio``, ``var``,
    ``contrast`` and :func:`~dgi_stats.survey.quantiles.quantile`; built by them, not by users.

    Parameters
    ----------
    estimate : pandas.Series
        Indexed by variable, or by ``(domain, variable)`` when ``by`` was given.
    std_error : pandas.Series
        Standard errors (same index).
    cov : pandas.DataFrame, optional
        Full covariance across domains and variables. Give it or ``covariance``; read as an
        attribute it is formed on first access from :attr:`covariance` (a :class:`DGIError`
        beyond :data:`~dgi_stats.survey.variance.structured.DENSE_LIMIT_BYTES`).
    df : pandas.Series
        Degrees of freedom per estimate: the design df of the domain's subset design
        (#PSU - #strata among its rows with non-zero weight, as R's ``degf(subset(...))``);
        for replicate designs the rank of the replicate weights minus one.
    method : str
        ``"taylor"`` or the replicate method.
    statistic : str
        ``"mean"``, ``"total"``, ``"ratio"``, ``"variance"``, ``"quantile"`` or ``"contrast"``.
    design_effect : pandas.Series or None
        Design effects when requested.
    replicate_estimates : pandas.DataFrame or None
        Replicate x estimate (replicate designs).
    replicate_factors : numpy.ndarray or None
        ``scale * rscales`` per replicate.
    replicate_mse : bool
        Replicates centred at the full-sample estimate.
    n : pandas.Series or None
        Rows in each domain (with a non-missing value).
    design_df : int
        Degrees of freedom of the whole design (R's ``degf(design)``).
    interval : pandas.DataFrame or None
        Stored interval (``ci_low``, ``ci_high``) for statistics whose interval is not symmetric
        (quantiles: Woodruff), at ``interval_level``.
    interval_level : float or None
        Confidence level of :attr:`interval`.
    meta : dict
        Free-form information of the estimator.
    df_effective : pandas.Series or None
        Taylor designs: Satterthwaite effective df of each estimate's variance across the strata
        it draws on (:func:`~dgi_stats.survey.variance.taylor.effective_df`; <= :attr:`df`, lower when
        one stratum carries most of the variance). Rank functions use it; intervals use
        :attr:`df` (R's convention) unless ``df=est.df_effective`` is passed. None for replicate
        designs.
    covariance : StructuredCovariance, optional
        The covariance in structured form (Taylor: the factors of every stage, sparse when a
        PSU touches only its own domain's estimates; replicate designs: the replicate
        deviations); default: ``cov`` wrapped. When both are given, ``cov`` wins.

    Examples
    --------
    >>> import pandas as pd
    >>> from dgi_stats.survey.design import SurveyDesign
    >>> from dgi_stats.survey.means import mean
    >>> e = mean(SurveyDesign(pd.DataFrame({"y": [1.0, 2.0, 4.0, 5.0]})), "y")
    >>> e.to_frame().columns.tolist()
    ['estimate', 'std_error', 'ci_low', 'ci_high', 'df', 'confidence_level']
    >>> e.covariance
    StructuredCovariance(1 x 1, 1 term(s), factor)
    """

    estimate: pd.Series
    std_error: pd.Series
    cov: pd.DataFrame  # formed lazily from ``covariance`` (see LazyCov)
    df: pd.Series
    method: str
    statistic: str
    design_effect: pd.Series | None
    replicate_estimates: pd.DataFrame | None
    replicate_factors: np.ndarray | None
    replicate_mse: bool
    n: pd.Series | None
    design_df: int
    interval: pd.DataFrame | None
    interval_level: float | None
    meta: dict[str, object]
    df_effective: pd.Series | None
    covariance: StructuredCovariance

    def __init__(
        self,
        estimate: pd.Series,
        std_error: pd.Series,
        cov: pd.DataFrame | None = None,
        df: pd.Series | None = None,
        method: str | None = None,
        statistic: str | None = None,
        design_effect: pd.Series | None = None,
        replicate_estimates: pd.DataFrame | None = None,
        replicate_factors: np.ndarray | None = None,
        replicate_mse: bool = False,
        n: pd.Series | None = None,
        design_df: int = 0,
        interval: pd.DataFrame | None = None,
        interval_level: float | None = None,
        meta: dict[str, object] | None = None,
        df_effective: pd.Series | None = None,
        covariance: StructuredCovariance | None = None,
    ) -> None:
        if df is None or method is None or statistic is None:
            msg = "SurveyEstimate() needs 'df', 'method' and 'statistic'."
            raise TypeError(msg)
        if cov is not None:
            covariance = StructuredCovariance.from_dense(np.asarray(cov, dtype=float))
        elif covariance is None:
            msg = "SurveyEstimate() needs the covariance: 'cov' (dense) or 'covariance'."
            raise TypeError(msg)
        values = {
            "estimate": estimate, "std_error": std_error, "df": df, "method": method,
            "statistic": statistic, "design_effect": design_effect,
            "replicate_estimates": replicate_estimates, "replicate_factors": replicate_factors,
            "replicate_mse": replicate_mse, "n": n, "design_df": design_df, "interval": interval,
            "interval_level": interval_level, "meta": {} if meta is None else meta,
            "df_effective": df_effective, "covariance": covariance, "cov": cov,
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def _dense_cov(self) -> pd.DataFrame:
        check_dense_size(self.covariance.size, "covariance of the SurveyEstimate")
        idx = self.estimate.index
        return pd.DataFrame(self.covariance.dense(), index=idx, columns=idx)

    def __getstate__(self) -> list[object]:
        # the stored fields as they are: pickling does not form a dense covariance
        return [_COV_SLOT.__get__(self) if f.name == "cov" else getattr(self, f.name)
                for f in fields(self)]

    def __setstate__(self, state: list[object]) -> None:
        for f, value in zip(fields(self), state):
            object.__setattr__(self, f.name, value)

    def cov_of(self, labels: Sequence[Hashable] | pd.Index) -> pd.DataFrame:
        """The dense covariance of some estimates, without forming the full matrix.

        Parameters
        ----------
        labels : sequence of labels
            Labels of :attr:`estimate`; with ``by`` (a MultiIndex) a domain label selects all
            its variables.

        Returns
        -------
        pandas.DataFrame
            Indexed by the selected labels in the order given.

        Raises
        ------
        DGIError
            A label not among the estimates, or a selection beyond the dense limit.

        Examples
        --------
        >>> import pandas as pd
        >>> from dgi_stats.survey.design import SurveyDesign
        >>> from dgi_stats.survey.means import mean
        >>> df = pd.DataFrame({"g": ["a", "a", "b", "b"], "y": [1.0, 3.0, 2.0, 6.0]})
        >>> e = mean(SurveyDesign(df), "y", by="g")
        >>> e.cov_of(["b"]).round(3).to_numpy().tolist()
        [[2.667]]
        """
        idx = self.estimate.index
        pos_list: list[np.ndarray] = []
        for lab in labels:
            try:
                loc = idx.get_loc(lab)
            except (KeyError, TypeError):
                msg = f"cov_of: label {lab!r} is not among the estimates {list(idx)[:10]}."
                raise DGIError(msg) from None
            pos_list.append(np.atleast_1d(np.arange(len(idx))[loc]))
        pos = np.concatenate(pos_list) if pos_list else np.zeros(0, dtype=np.intp)
        sub = idx[pos]
        cached = _COV_SLOT.__get__(self)
        if cached is not None:
            return cached.iloc[pos, pos]
        return pd.DataFrame(self.covariance.dense(pos), index=sub, columns=sub)

    def confidence_interval(
        self,
        confidence_level: float = 0.95,
        *,
        method: Literal["t", "normal", "logit"] = "t",
        df: float | pd.Series | None = None,
    ) -> pd.DataFrame:
        """Confidence intervals, one row per estimate, with the columns :data:`CI_COLUMNS`.

        Parameters
        ----------
        confidence_level : float
            Level of the intervals, in (0, 1). default: 0.95.
        method : {"t", "normal", "logit"}
            ``"t"`` uses :attr:`df` (per domain, as R's ``svyby``) unless ``df`` is given;
            ``"normal"`` is R's ``confint()`` default; ``"logit"`` is R's ``svyciprop(method =
            "logit")`` for proportions (t on the logit scale). default: "t".
        df : float or Series, optional
            Degrees of freedom overriding :attr:`df` (for example the whole design's).

        Returns
        -------
        pandas.DataFrame
            Columns ``estimate, std_error, ci_low, ci_high, df, confidence_level``, indexed as
            :attr:`estimate`; ``df`` is the one the interval used (``inf`` for ``"normal"``).

        Raises
        ------
        DGIError
            ``method="logit"`` with an estimate outside (0, 1).

        Examples
        --------
        >>> import pandas as pd
        >>> from dgi_stats.survey.design import SurveyDesign
        >>> from dgi_stats.survey.means import mean
        >>> d = SurveyDesign(pd.DataFrame({"y": [1.0, 2.0, 4.0, 5.0]}))
        >>> ci = mean(d, "y").confidence_interval(method="normal")
        >>> ci.loc["y", ["ci_low", "ci_high"]].round(3).tolist()
        [1.211, 4.789]
        """
        level = check_probability(
            confidence_level, name="confidence_level", func="confidence_interval"
        )
        method = check_choice(
            method, ("t", "normal", "logit"), name="method", func="confidence_interval"
        )  # type: ignore[assignment]
        est = self.estimate.to_numpy(dtype=float)
        se = self.std_error.to_numpy(dtype=float)
        if (
            self.interval is not None
            and df is None
            and method == "t"
            and self.interval_level is not None
            and abs(level - self.interval_level) < 1e-12
        ):
            return self._ci_frame(
                self.interval["ci_low"].to_numpy(dtype=float),
                self.interval["ci_high"].to_numpy(dtype=float),
                self.df.to_numpy(dtype=float),
                level,
            )
        if method == "normal":
            crit = np.full(est.shape, stats.norm.ppf(0.5 + level / 2))
            dfa = np.full(est.shape, np.inf)
        else:
            if df is None:
                dfa = self.df.to_numpy(dtype=float)
            elif isinstance(df, pd.Series):
                dfa = df.reindex(self.estimate.index).to_numpy(dtype=float)
            else:
                dfa = np.full(est.shape, float(df))
            crit = np.where(
                np.isinf(dfa),
                stats.norm.ppf(0.5 + level / 2),
                stats.t.ppf(0.5 + level / 2, np.maximum(dfa, 1e-300)),
            )
            crit = np.where(dfa > 0, crit, np.nan)
        if method == "logit":
            if ((est <= 0) | (est >= 1)).any():
                msg = "method='logit' needs proportions strictly between 0 and 1."
                raise DGIError(msg)
            eta = np.log(est / (1 - est))
            se_eta = se / (est * (1 - est))
            low = 1 / (1 + np.exp(-(eta - crit * se_eta)))
            high = 1 / (1 + np.exp(-(eta + crit * se_eta)))
        else:
            low, high = est - crit * se, est + crit * se
        return self._ci_frame(low, high, dfa, level)

    def _ci_frame(
        self, low: np.ndarray, high: np.ndarray, dfa: np.ndarray, level: float
    ) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "estimate": self.estimate.to_numpy(dtype=float),
                "std_error": self.std_error.to_numpy(dtype=float),
                "ci_low": low,
                "ci_high": high,
                "df": dfa,
                "confidence_level": level,
            },
            index=self.estimate.index,
            columns=list(CI_COLUMNS),
        )

    def to_frame(self, confidence_level: float = 0.95) -> pd.DataFrame:
        """The estimates with their t intervals (and design effects).

        Parameters
        ----------
        confidence_level : float
            Level of the intervals. default: 0.95.

        Returns
        -------
        pandas.DataFrame
            :meth:`confidence_interval` at ``confidence_level`` (columns :data:`CI_COLUMNS`),
            plus ``deff`` when design effects were computed.

        Examples
        --------
        >>> import pandas as pd
        >>> from dgi_stats.survey.design import SurveyDesign
        >>> from dgi_stats.survey.means import mean
        >>> e = mean(SurveyDesign(pd.DataFrame({"y": [1.0, 2.0, 4.0, 5.0]})), "y", deff="replace")
        >>> e.to_frame().columns.tolist()[-1]
        'deff'
        """
        out = self.confidence_interval(confidence_level)
        out["df"] = self.df.to_numpy(dtype=float)
        if self.design_effect is not None:
            out["deff"] = self.design_effect
        return out

    def summary(self, confidence_level: float = 0.95) -> Summary:
        """A printable summary table.

        Parameters
        ----------
        confidence_level : float
            Level of the intervals. default: 0.95.

        Returns
        -------
        Summary
            Title, :meth:`to_frame` and notes (variance method, design df).

        Examples
        --------
        >>> import pandas as pd
        >>> from dgi_stats.survey.design import SurveyDesign
        >>> from dgi_stats.survey.means import mean
        >>> mean(SurveyDesign(pd.DataFrame({"y": [1.0, 2.0]})), "y").summary().title
        'Survey mean'
        """
        notes = [f"variance: {self.method}", f"design df: {self.design_df}"]
        return Summary(f"Survey {self.statistic}", self.to_frame(confidence_level), tuple(notes))

    def __repr__(self) -> str:
        return frame_repr(f"SurveyEstimate[{self.statistic}, {self.method}]", self.to_frame())

    def _repr_html_(self) -> str:
        return self.to_frame()._repr_html_()  # type: ignore[operator]


_COV_SLOT = SurveyEstimate.__dict__["cov"]
setattr(SurveyEstimate, "cov", LazyCov(_COV_SLOT))  # noqa: B010 (replaces the slot descriptor)


@dataclass(frozen=True, slots=True)
class TTestResult(Result):
    """Design-based t-test of a difference between two domain means (R's ``svyttest``).

    Returned by :func:`~dgi_stats.survey.inference.ttest`.

    Parameters
    ----------
    statistic : float
        The t statistic.
    df : float
        Degrees of freedom (design df of the (sub)design minus one).
    pvalue : float
        p-value for ``alternative``.
    estimate : float
        Difference of the means, second group minus first.
    std_error : float
        Its standard error.
    alternative : str
        ``"two-sided"``, ``"less"`` or ``"greater"``.
    groups : tuple
        The two groups, in sorted order.

    Examples
    --------
    >>> import pandas as pd
    >>> from dgi_stats.survey.design import SurveyDesign
    >>> from dgi_stats.survey.inference import ttest
    >>> df = pd.DataFrame({"g": [0, 1] * 4, "y": [1.0, 2, 1.5, 2.5, 0.5, 3, 1, 2]})
    >>> ttest(SurveyDesign(df), "y", "g").to_frame().columns.tolist()
    ['estimate', 'std_error', 'statistic', 'df', 'pvalue', 'alternative']
    """

    statistic: float
    df: float
    pvalue: float
    estimate: float
    std_error: float
    alternative: str
    groups: tuple[Any, Any]

    def confidence_interval(self, confidence_level: float = 0.95) -> tuple[float, float]:
        """Two-sided t interval for the difference (second group minus first).

        Parameters
        ----------
        confidence_level : float
            Level of the interval, in (0, 1). default: 0.95.

        Returns
        -------
        tuple of float
            ``(low, high)``.

        Examples
        --------
        >>> r = TTestResult(2.0, 10.0, 0.07, 1.0, 0.5, "two-sided", ("a", "b"))
        >>> [round(v, 3) for v in r.confidence_interval()]
        [-0.114, 2.114]
        """
        level = check_probability(
            confidence_level, name="confidence_level", func="TTestResult.confidence_interval"
        )
        crit = float(stats.t.ppf(0.5 + level / 2, self.df))
        return self.estimate - crit * self.std_error, self.estimate + crit * self.std_error

    def to_frame(self) -> pd.DataFrame:
        """The test as a one-row DataFrame indexed by the contrast ``"second - first"``.

        Returns
        -------
        pandas.DataFrame
            Columns ``estimate, std_error, statistic, df, pvalue, alternative``.

        Examples
        --------
        >>> TTestResult(2.0, 10.0, 0.07, 1.0, 0.5, "two-sided", ("a", "b")).to_frame().index[0]
        'b - a'
        """
        return pd.DataFrame(
            {
                "estimate": [self.estimate],
                "std_error": [self.std_error],
                "statistic": [self.statistic],
                "df": [self.df],
                "pvalue": [self.pvalue],
                "alternative": [self.alternative],
            },
            index=pd.Index([f"{self.groups[1]} - {self.groups[0]}"], name="contrast"),
        )

    def _summary_title(self) -> str:
        return "Design-based t-test"


@dataclass(frozen=True, slots=True)
class PropCI(Result):
    """A proportion with its confidence interval (R's ``svyciprop``).

    Returned by :func:`~dgi_stats.survey.inference.ciprop`.

    Parameters
    ----------
    estimate : float
        The proportion.
    std_error : float
        Its standard error.
    low, high : float
        Interval limits.
    df : float
        Degrees of freedom of the interval.
    confidence_level : float
        Level of the interval.
    method : str
        ``"logit"`` or ``"mean"``.

    Examples
    --------
    >>> import pandas as pd
    >>> from dgi_stats.survey.design import SurveyDesign
    >>> from dgi_stats.survey.inference import ciprop
    >>> r = ciprop(SurveyDesign(pd.DataFrame({"y": [True, False, True, True]})), "y")
    >>> r.to_frame().columns.tolist()
    ['estimate', 'std_error', 'ci_low', 'ci_high', 'df', 'confidence_level', 'method']
    """

    estimate: float
    std_error: float
    low: float
    high: float
    df: float
    confidence_level: float
    method: str

    def to_frame(self) -> pd.DataFrame:
        """The proportion and its interval as a one-row DataFrame.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`CI_COLUMNS` and ``method``.

        Examples
        --------
        >>> PropCI(0.5, 0.1, 0.3, 0.7, 9.0, 0.95, "mean").to_frame()["ci_high"].tolist()
        [0.7]
        """
        return pd.DataFrame(
            {
                "estimate": [self.estimate],
                "std_error": [self.std_error],
                "ci_low": [self.low],
                "ci_high": [self.high],
                "df": [self.df],
                "confidence_level": [self.confidence_level],
                "method": [self.method],
            },
            index=pd.Index(["proportion"]),
        )

    def _summary_title(self) -> str:
        return f"Proportion ({self.method} interval)"
