"""Design-based tests and proportion intervals: :func:`ttest` (R's ``svyttest``), :func:`ciprop` (``svyciprop``)."""

from __future__ import annotations

from typing import Literal

import numpy as np
from scipy import stats

from dgi_stats._validation import check_choice, check_probability
from dgi_stats.exceptions import DGIError
from dgi_stats.survey._common import DomainArg, check_design, design_variables, domain_mask
from dgi_stats.survey.design import SurveyDesign
from dgi_stats.survey.means import contrast, mean
from dgi_stats.survey.results import PropCI, TTestResult

__all__ = ["ciprop", "ttest"]


def ttest(
    design: SurveyDesign,
    y: str,
    by: str,
    *,
    domain: DomainArg = None,
    na_rm: bool = False,
    alternative: Literal["two-sided", "less", "greater"] = "two-sided",
) -> TTestResult:
    """Design-based t-test of the difference between two domain means (R's ``svyttest``).

    The difference is (second group - first group) in sorted order of ``by``; df is the design
    df of the (sub)design minus one.

    Parameters
    ----------
    design : SurveyDesign
        Taylor or replicate design.
    y : str
        Numeric column.
    by : str
        Column with exactly two groups (in the domain).
    domain : str or array of bool, optional
        Subset (R's ``subset(design, ...)``). default: None.
    na_rm : bool
        Accepted for symmetry with the other estimators; rows with a missing ``y`` are always
        out of domain, as R's ``svyttest``. default: False.
    alternative : {"two-sided", "less", "greater"}
        Alternative hypothesis. default: "two-sided".

    Returns
    -------
    TTestResult

    Raises
    ------
    DGIError
        ``by`` does not define exactly two groups in the domain.

    Examples
    --------
    >>> import pandas as pd
    >>> from dgi_stats.survey.design import SurveyDesign
    >>> df = pd.DataFrame({"g": [0, 1] * 4, "y": [1.0, 2, 1.5, 2.5, 0.5, 3, 1, 2]})
    >>> r = ttest(SurveyDesign(df), "y", "g")
    >>> round(r.estimate, 3), r.df
    (1.375, 6.0)
    """
    design = check_design(design, "ttest")
    alternative = check_choice(
        alternative, ("two-sided", "less", "greater"), name="alternative", func="ttest"
    )  # type: ignore[assignment]
    e = mean(design, y, by=by, domain=domain, na_rm=True)
    if len(e.estimate) != 2:
        msg = f"ttest: 'by' ({by!r}) must define exactly two groups in the domain. Got {len(e.estimate)}."
        raise DGIError(msg)
    c = contrast(e, [-1.0, 1.0])
    base = domain_mask(design, domain, "ttest")
    _, yv = design_variables(design, y, "ttest")
    base = base & ~np.isnan(yv).any(axis=1)
    dfv = float(design.domain_degf(base) - 1)
    est = float(c.estimate.iloc[0])
    se = float(c.std_error.iloc[0])
    t = est / se
    if alternative == "two-sided":
        p = 2 * stats.t.sf(abs(t), dfv)
    elif alternative == "greater":
        p = stats.t.sf(t, dfv)
    else:
        p = stats.t.cdf(t, dfv)
    groups = tuple(lab[0] for lab in e.estimate.index)
    return TTestResult(float(t), dfv, float(p), est, se, alternative, (groups[0], groups[1]))


def ciprop(
    design: SurveyDesign,
    variable: str,
    *,
    method: Literal["logit", "mean"] = "logit",
    confidence_level: float = 0.95,
    domain: DomainArg = None,
    na_rm: bool = False,
) -> PropCI:
    """Confidence interval for a proportion (R's ``svyciprop``, methods ``"logit"`` and ``"mean"``).

    ``variable`` is a 0/1 or boolean column. ``"logit"``: ``expit(logit(p̂) ± t(df) SE/(p̂(1-p̂)))``;
    ``"mean"``: ``p̂ ± t(df) SE``; df is the design df of the (sub)design.

    Parameters
    ----------
    design : SurveyDesign
        Taylor or replicate design.
    variable : str
        A 0/1 or boolean column.
    method : {"logit", "mean"}
        Interval method. default: "logit".
    confidence_level : float
        Level of the interval. default: 0.95.
    domain : str or array of bool, optional
        Subset (R's ``subset(design, ...)``). default: None.
    na_rm : bool
        Rows with a missing value are out of domain. default: False (error).

    Returns
    -------
    PropCI

    Raises
    ------
    DGIError
        ``variable`` is not a 0/1 variable, or bad arguments.

    Examples
    --------
    >>> import pandas as pd
    >>> from dgi_stats.survey.design import SurveyDesign
    >>> d = SurveyDesign(pd.DataFrame({"y": [True, False, True, True]}))
    >>> r = ciprop(d, "y")
    >>> r.estimate
    0.75
    """
    design = check_design(design, "ciprop")
    method = check_choice(method, ("logit", "mean"), name="method", func="ciprop")  # type: ignore[assignment]
    level = check_probability(confidence_level, name="confidence_level", func="ciprop")
    e = mean(design, variable, domain=domain, na_rm=na_rm)
    vals = e.estimate.to_numpy()
    if ((vals < 0) | (vals > 1)).any():
        msg = f"ciprop: {variable!r} must be a 0/1 or boolean variable."
        raise DGIError(msg)
    base = domain_mask(design, domain, "ciprop")
    dfv = float(design.domain_degf(base))
    ci = e.confidence_interval(level, method=method if method == "logit" else "t", df=dfv)
    return PropCI(
        float(vals[0]),
        float(e.std_error.iloc[0]),
        float(ci["ci_low"].iloc[0]),
        float(ci["ci_high"].iloc[0]),
        dfv,
        level,
        method,
    )
