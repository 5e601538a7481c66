"""Design-based means, totals, ratios, variances and contrasts (R's ``svymean``, ``svytotal``, ...).

All estimators accept ``by=`` (domains, as R's ``svyby``), ``domain=`` (a subset, as
``subset(design, ...)``: rows are kept, out-of-domain rows contribute zeros) and ``na_rm`` (rows with a
missing value are out of domain). Variances come from influence functions aggregated to PSU totals
(Taylor linearisation) or from replicate factors applied to PSU totals
(:func:`~dgi_stats.survey._common.linearize`).

Design effects follow R: ``deff = v / (svyvar / n * (1 - n / Σw))`` with
``svyvar = Σw (y - ȳ)² / Σw * n / (n - 1)`` and ``n`` the number of rows with non-zero weight;
``deff="replace"`` drops ``(1 - n / Σw)``; for totals the denominator is multiplied by ``(Σw)²``.

:func:`domain_means` is the one entry point of the layers above (index scoring) into the engine.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse

from dgi_stats.exceptions import DGIError
from dgi_stats.survey._common import (
    DomainArg,
    Linearization,
    agg_matrix,
    by_codes,
    check_design,
    check_zero_weights,
    design_variables,
    domain_df,
    domain_mask,
    estimate_index,
    group_totals,
    linearize,
    prepare,
)
from dgi_stats.survey.design import SurveyDesign
from dgi_stats.survey.results import SurveyEstimate
from dgi_stats.survey.variance.structured import StructuredCovariance
from dgi_stats.survey.variance.taylor import effective_df

__all__ = [
    "DeffArg",
    "DomainMeans",
    "contrast",
    "domain_means",
    "mean",
    "ratio",
    "total",
    "var",
]

#: Design effects: False (none), True (without replacement) or "replace" (with replacement).
DeffArg = bool | Literal["replace"]
#: Up to this many estimates, :func:`contrast` uses the dense covariance; beyond, the factors.
CONTRAST_DENSE_MAX = 4096


def _finish(
    design: SurveyDesign,
    lin: Linearization,
    names: list[str],
    labels: pd.Index,
    by_cols: list[str],
    codes: np.ndarray,
    base: np.ndarray,
    statistic: str,
    deff_values: np.ndarray | None,
) -> SurveyEstimate:
    n_dom = len(labels)
    k = len(names)
    idx = estimate_index(labels, names, by_cols)
    est = pd.Series(lin.estimate, index=idx, name=statistic)
    variances = lin.covariance.diagonal()
    se = pd.Series(np.sqrt(np.clip(variances, 0, None)), index=idx, name="std_error")
    dfs = np.repeat(domain_df(design, codes, n_dom, base), k)
    reps = None
    factors = None
    mse = False
    if lin.reps is not None and design.replicates is not None:
        reps = pd.DataFrame(lin.reps, columns=idx)
        reps.index.name = "replicate"
        factors = design.replicates.multipliers
        mse = design.replicates.mse
    eff = None
    if lin.zp is not None:
        e = effective_df(
            design, lin.zp, lin.zs, psu_present=lin.present[0], ssu_present=lin.present[1],
            design_df=dfs,
        )
        eff = pd.Series(e, index=idx, name="df_effective")
    return SurveyEstimate(
        df_effective=eff,
        estimate=est,
        std_error=se,
        covariance=lin.covariance,
        df=pd.Series(dfs, index=idx, name="df"),
        method=design.method,
        statistic=statistic,
        design_effect=None
        if deff_values is None
        else pd.Series(deff_values, index=idx, name="deff"),
        replicate_estimates=reps,
        replicate_factors=factors,
        replicate_mse=mse,
        n=pd.Series(lin.nobs, index=idx, name="n"),
        design_df=design.domain_degf(base),
    )



def mean(
    design: SurveyDesign,
    variables: str | Sequence[str],
    *,
    by: str | Sequence[str] | None = None,
    domain: DomainArg = None,
    na_rm: bool = False,
    deff: DeffArg = False,
) -> SurveyEstimate:
    """Design-based means (R's ``svymean`` / ``svyby(..., svymean)``).

    Parameters
    ----------
    design : SurveyDesign
        Taylor or replicate design.
    variables : str or list of str
        Numeric (or boolean) columns; categorical columns give the proportion of each category
        (named ``column + level`` as R).
    by : str or list of str, optional
        Domain columns (R's ``svyby``). default: None.
    domain : str or array of bool, optional
        Subset (R's ``subset(design, ...)``); rows stay in the design. default: None.
    na_rm : bool
        Rows with a missing value in any variable are out of domain. default: False (error).
    deff : bool or "replace"
        Compute design effects. default: False.

    Returns
    -------
    SurveyEstimate

    Raises
    ------
    DGIError
        Unknown or non-numeric variable, missing values without ``na_rm``, an empty domain, or a
        domain (a ``by`` group) whose respondents all have weight 0 (the message names it; R
        returns NaN with 0 df there).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"h": ["a", "a", "b", "b"], "y": [1.0, 3.0, 2.0, 6.0], "w": [1.0, 1, 2, 2]})
    >>> d = SurveyDesign(df, weights="w", strata="h")
    >>> e = mean(d, "y")
    >>> round(float(e.estimate["y"]), 4), round(float(e.std_error["y"]), 4)
    (3.3333, 1.3744)
    """
    design = check_design(design, "mean")
    names, y, mask, codes, labels, by_cols, base = prepare(
        design, variables, by, domain, na_rm, "mean"
    )
    check_zero_weights(design, codes, labels, by_cols, "mean")
    lin = linearize(design, y, None, mask, codes, len(labels), "mean", want_svyvar=bool(deff))
    dv = None
    if deff:
        v = lin.covariance.diagonal()
        psum, nobs = lin.tx, lin.nobs
        assert lin.svyvar is not None
        if design.replicates is not None:
            nobs = _rep_nobs(design, codes, len(labels), len(names))
        vsrs = (
            lin.svyvar / nobs if deff == "replace" else lin.svyvar * (psum - nobs) / (psum * nobs)
        )
        dv = v / vsrs
    return _finish(design, lin, names, labels, by_cols, codes, base, "mean", dv)


def _rep_nobs(design: SurveyDesign, codes: np.ndarray, n_dom: int, k: int) -> np.ndarray:
    counts = np.bincount(codes[codes >= 0], minlength=n_dom).astype(float)
    return np.repeat(counts, k)


def total(
    design: SurveyDesign,
    variables: str | Sequence[str],
    *,
    by: str | Sequence[str] | None = None,
    domain: DomainArg = None,
    na_rm: bool = False,
    deff: DeffArg = False,
) -> SurveyEstimate:
    """Design-based totals (R's ``svytotal`` / ``svyby(..., svytotal)``).

    Parameters
    ----------
    design : SurveyDesign
        Taylor or replicate design.
    variables : str or list of str
        Numeric (or boolean) columns; categorical columns give one estimate per category
        (named ``column + level`` as R).
    by : str or list of str, optional
        Domain columns (R's ``svyby``). default: None.
    domain : str or array of bool, optional
        Subset (R's ``subset(design, ...)``); rows stay in the design. default: None.
    na_rm : bool
        Rows with a missing value in any variable are out of domain. default: False (error).
    deff : bool or "replace"
        Compute design effects. default: False.

    Returns
    -------
    SurveyEstimate

    Raises
    ------
    DGIError
        Unknown or non-numeric variable, missing values without ``na_rm``, an empty domain.

    Examples
    --------
    >>> import pandas as pd
    >>> d = SurveyDesign(pd.DataFrame({"y": [1.0, 2.0, 3.0], "w": [10.0, 10.0, 10.0]}), weights="w")
    >>> float(total(d, "y").estimate["y"])
    60.0
    """
    design = check_design(design, "total")
    names, y, mask, codes, labels, by_cols, base = prepare(
        design, variables, by, domain, na_rm, "total"
    )
    lin = linearize(design, y, None, mask, codes, len(labels), "total", want_svyvar=bool(deff))
    dv = None
    if deff:
        assert lin.svyvar is not None
        n_all = np.ones(design.n)
        agg = agg_matrix(np.zeros(design.n, dtype=np.intp), 1, codes, len(labels), design.weights)
        psum = group_totals(agg, np.broadcast_to(n_all[:, None], y.shape) * mask, 1)[0]
        nobs = lin.nobs
        vsrs = lin.svyvar * psum**2 / nobs
        if deff != "replace":
            vsrs = vsrs * (psum - nobs) / psum
        dv = lin.covariance.diagonal() / vsrs
    return _finish(design, lin, names, labels, by_cols, codes, base, "total", dv)


def ratio(
    design: SurveyDesign,
    numerator: str | Sequence[str],
    denominator: str | Sequence[str],
    *,
    by: str | Sequence[str] | None = None,
    domain: DomainArg = None,
    na_rm: bool = False,
    deff: DeffArg = False,
) -> SurveyEstimate:
    """Ratios of totals ``Σw y / Σw x`` (R's ``svyratio``), one per numerator/denominator pair.

    Parameters
    ----------
    design : SurveyDesign
        Taylor or replicate design.
    numerator, denominator : str or list of str
        Numeric columns; every numerator is divided by every denominator (names
        ``"num/den"``, as R).
    by : str or list of str, optional
        Domain columns (R's ``svyby``). default: None.
    domain : str or array of bool, optional
        Subset (R's ``subset(design, ...)``); rows stay in the design. default: None.
    na_rm : bool
        Rows with a missing numerator or denominator are out of domain. default: False (error).
    deff : bool or "replace"
        Compute design effects (R's ``deff(svytotal(r, design))`` of the linearised ratio).
        default: False.

    Returns
    -------
    SurveyEstimate

    Examples
    --------
    >>> import pandas as pd
    >>> d = SurveyDesign(pd.DataFrame({"y": [1.0, 2.0, 3.0], "x": [2.0, 2.0, 2.0]}))
    >>> float(ratio(d, "y", "x").estimate["y/x"])
    1.0
    """
    design = check_design(design, "ratio")
    num_names, ny = design_variables(design, numerator, "ratio")
    den_names, dx = design_variables(design, denominator, "ratio")
    base = domain_mask(design, domain, "ratio")
    codes, labels, by_cols = by_codes(design, by, "ratio")
    codes = np.where(base, codes, -1)
    allv = np.column_stack([ny, dx])
    nan = np.isnan(allv).any(axis=1)
    if nan.any() and not na_rm:
        rows = np.flatnonzero(nan)[:10].tolist()
        msg = f"ratio: missing values at rows {rows} (0-based); pass na_rm=True to treat them as out of domain."
        raise DGIError(msg)
    codes = np.where(nan, -1, codes)
    ii = np.repeat(np.arange(len(num_names)), len(den_names))
    jj = np.tile(np.arange(len(den_names)), len(num_names))
    y = np.nan_to_num(ny[:, ii])
    x = np.nan_to_num(dx[:, jj])
    names = [f"{num_names[a]}/{den_names[b]}" for a, b in zip(ii, jj)]
    mask = np.broadcast_to((~nan)[:, None], y.shape)
    lin = linearize(design, y, x, mask, codes, len(labels), "ratio")
    dv = None
    if deff:
        # R: deff(svytotal(r, design)) with r = (y - R x) / X̂
        k = len(names)
        n_dom = len(labels)
        agg = agg_matrix(np.zeros(design.n, dtype=np.intp), 1, codes, n_dom, design.weights)
        psum = group_totals(agg, mask.astype(float), 1)[0]
        th = lin.estimate.reshape(n_dom, k)
        txd = lin.tx.reshape(n_dom, k)
        cc = np.maximum(codes, 0)
        r = np.where(mask & (codes[:, None] >= 0), (y - th[cc] * x) / txd[cc], 0.0)
        rbar = group_totals(agg, r, 1)[0] / psum
        dev = np.where(mask & (codes[:, None] >= 0), r - rbar.reshape(n_dom, k)[cc], 0.0)
        nobs = lin.nobs
        sv = group_totals(agg, dev * dev, 1)[0] / psum * nobs / (nobs - 1)
        vsrs = sv * psum**2 / nobs
        if deff != "replace":
            vsrs = vsrs * (psum - nobs) / psum
        dv = lin.covariance.diagonal() / vsrs
    return _finish(design, lin, names, labels, by_cols, codes, base, "ratio", dv)


def var(
    design: SurveyDesign,
    variables: str | Sequence[str],
    *,
    by: str | Sequence[str] | None = None,
    domain: DomainArg = None,
    na_rm: bool = False,
) -> SurveyEstimate:
    """Population variance estimates (R's ``svyvar``), one per variable.

    ``Σw (y - ȳ)² / Σw * n / (n - 1)``; its standard error treats ``ȳ`` as fixed, as R does.

    Parameters
    ----------
    design : SurveyDesign
        Taylor or replicate design.
    variables : str or list of str
        Numeric (or boolean) columns; categorical columns give one estimate per category
        (named ``column + level`` as R).
    by : str or list of str, optional
        Domain columns (R's ``svyby``). default: None.
    domain : str or array of bool, optional
        Subset (R's ``subset(design, ...)``); rows stay in the design. default: None.
    na_rm : bool
        Rows with a missing value in any variable are out of domain. default: False (error).

    Returns
    -------
    SurveyEstimate

    Raises
    ------
    DGIError
        Unknown or non-numeric variable, missing values without ``na_rm``, an empty domain.

    Examples
    --------
    >>> import pandas as pd
    >>> d = SurveyDesign(pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0]}))
    >>> round(float(var(d, "y").estimate["y"]), 4)
    1.6667
    """
    design = check_design(design, "var")
    names, y, mask, codes, labels, by_cols, base = prepare(
        design, variables, by, domain, na_rm, "var"
    )
    n_dom, k = len(labels), len(names)
    first = linearize(design, y, None, mask, codes, n_dom, "mean", want_svyvar=False)
    ybar = first.estimate.reshape(n_dom, k)
    cc = np.maximum(codes, 0)
    nobs = first.nobs.reshape(n_dom, k)
    u = (y - ybar[cc]) ** 2 * (nobs[cc] / (nobs[cc] - 1))
    u = np.where(mask & (codes[:, None] >= 0), u, 0.0)
    lin = linearize(design, u, None, mask, codes, n_dom, "mean")
    return _finish(design, lin, names, labels, by_cols, codes, base, "variance", None)


def contrast(
    estimate: SurveyEstimate, weights: Mapping[Hashable, float] | Sequence[float] | np.ndarray
) -> SurveyEstimate:
    """A linear combination of estimates with its standard error (R's ``svycontrast``).

    Parameters
    ----------
    estimate : SurveyEstimate
        The estimates (with their covariance).
    weights : mapping or sequence of float
        Coefficients, by label of ``estimate.estimate`` (missing labels count 0) or in order.

    Returns
    -------
    SurveyEstimate
        One estimate named ``"contrast"``; df is the smallest df of the estimates used.

    Raises
    ------
    DGIError
        A label not among the estimates, or ``weights`` of the wrong length.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"g": ["a", "a", "b", "b"], "y": [1.0, 3.0, 2.0, 6.0]})
    >>> e = mean(SurveyDesign(df), "y", by="g")
    >>> float(contrast(e, [-1, 1]).estimate.iloc[0])
    2.0
    """
    idx = estimate.estimate.index
    if isinstance(weights, Mapping):
        coef = np.zeros(len(idx))
        labels0 = [lab[0] if isinstance(lab, tuple) and len(lab) == 2 else lab for lab in idx]
        for key, val in weights.items():
            hits = [i for i, lab in enumerate(idx) if lab == key or labels0[i] == key]
            if not hits:
                msg = f"contrast: label {key!r} is not among the estimates {list(idx)[:20]}."
                raise DGIError(msg)
            coef[hits] = float(val)
    else:
        coef = np.asarray(weights, dtype=float)
        if coef.shape != (len(idx),):
            msg = f"contrast: 'weights' must have {len(idx)} values. Got {coef.shape}."
            raise DGIError(msg)
    est = float(coef @ estimate.estimate.to_numpy())
    if estimate.covariance.size <= CONTRAST_DENSE_MAX:
        var = float(coef @ estimate.cov.to_numpy() @ coef)
    else:  # many estimates: through the factors, without the dense matrix
        var = float(estimate.covariance.linear_map(coef[:, None]).dense()[0, 0])
    used = coef != 0
    dfv = float(estimate.df.to_numpy()[used].min()) if used.any() else float(estimate.design_df)
    out_idx = pd.Index(["contrast"], name="variable")
    reps = None
    if estimate.replicate_estimates is not None:
        reps = pd.DataFrame(estimate.replicate_estimates.to_numpy() @ coef, columns=out_idx)
    return SurveyEstimate(
        estimate=pd.Series([est], index=out_idx, name="contrast"),
        std_error=pd.Series([np.sqrt(max(var, 0.0))], index=out_idx, name="std_error"),
        cov=pd.DataFrame([[var]], index=out_idx, columns=out_idx),
        df=pd.Series([dfv], index=out_idx, name="df"),
        method=estimate.method,
        statistic="contrast",
        replicate_estimates=reps,
        replicate_factors=estimate.replicate_factors,
        replicate_mse=estimate.replicate_mse,
        design_df=estimate.design_df,
    )


@dataclass(frozen=True, slots=True, eq=False)
class DomainMeans:
    """Means of several variables in every domain, with what index scoring needs of them.

    Returned by :func:`domain_means`. Arrays over (domain, variable) pairs are domain-major: pair
    ``(d, j)`` is column ``d * k + j`` of the flat arrays and cell ``[d, j]`` of the D x k ones.

    Parameters
    ----------
    labels : pandas.Index
        The D domains (sorted, as R's ``svyby``).
    estimate : numpy.ndarray
        D x k means (NaN where a domain has no usable value with a non-zero weight).
    covariance : StructuredCovariance
        (D k) x (D k) joint covariance in structured form (sparse factors when the domains are
        strata or nested in strata); the dense :attr:`cov` is formed from it on request.
    weight_total : numpy.ndarray
        D x k sums of the weights of the rows with a usable value (the means' denominators).
    nobs : numpy.ndarray
        D x k rows with a usable value and a non-zero weight.
    n_answered : numpy.ndarray
        D x k rows with a usable value, whatever their weight.
    n_rows : numpy.ndarray
        D rows of every domain.
    df : numpy.ndarray
        D design degrees of freedom of the domains' subset designs (R's ``svyby`` degf).
    psu_influence, ssu_influence : numpy.ndarray, scipy.sparse matrix or None
        Taylor designs: PSU (and, with a two-stage fpc, SSU) totals of the influence values,
        groups x (D k), as computed (scipy sparse unless the design is calibrated); None for
        replicate designs (and ``ssu_influence`` for one stage). :attr:`psu_totals` and
        :attr:`ssu_totals` are their dense forms.
    psu_presence, ssu_presence : numpy.ndarray, scipy.sparse matrix or None
        Whether a domain's usable rows fall in a PSU / SSU (for lonely PSUs within domains); None
        when the variance does not need them. :attr:`psu_present` and :attr:`ssu_present` are
        their dense forms.
    replicate_estimates : numpy.ndarray or None
        Replicate designs: R x (D k) replicate means.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from dgi_stats.survey.design import SurveyDesign
    >>> df = pd.DataFrame({"g": ["a", "a", "b", "b"], "y": [1.0, 3.0, 2.0, np.nan]})
    >>> d = SurveyDesign(df)
    >>> r = domain_means(d, df[["y"]].to_numpy(), ~df[["y"]].isna().to_numpy(), by="g")
    >>> r.estimate.ravel().tolist(), r.n_answered.ravel().tolist(), r.df.tolist()
    ([2.0, 2.0], [2.0, 1.0], [1.0, 1.0])
    """

    labels: pd.Index
    estimate: np.ndarray
    covariance: StructuredCovariance
    weight_total: np.ndarray
    nobs: np.ndarray
    n_answered: np.ndarray
    n_rows: np.ndarray
    df: np.ndarray
    psu_influence: np.ndarray | sparse.spmatrix | None
    ssu_influence: np.ndarray | sparse.spmatrix | None
    psu_presence: np.ndarray | sparse.spmatrix | None
    ssu_presence: np.ndarray | sparse.spmatrix | None
    replicate_estimates: np.ndarray | None
    _cov_cache: np.ndarray | None = field(default=None, init=False, repr=False)

    @property
    def cov(self) -> np.ndarray:
        """(D k) x (D k) dense joint covariance (formed on first access, then kept).

        Raises
        ------
        DGIError
            Beyond :data:`~dgi_stats.survey.variance.structured.DENSE_LIMIT_BYTES`; use
            :attr:`covariance` (``diagonal``, ``select``, ``linear_map``, ``draws``) instead.
        """
        if self._cov_cache is None:
            object.__setattr__(self, "_cov_cache", self.covariance.dense())
        assert self._cov_cache is not None
        return self._cov_cache

    @property
    def psu_totals(self) -> np.ndarray | None:
        """Dense PSU totals of the influence values (groups x (D k)), or None."""
        return _dense_or_none(self.psu_influence)

    @property
    def ssu_totals(self) -> np.ndarray | None:
        """Dense SSU totals of the influence values, or None."""
        return _dense_or_none(self.ssu_influence)

    @property
    def psu_present(self) -> np.ndarray | None:
        """Dense PSU x (D k) presence of the domains' usable rows, or None."""
        return _dense_or_none(self.psu_presence)

    @property
    def ssu_present(self) -> np.ndarray | None:
        """Dense SSU x (D k) presence of the domains' usable rows, or None."""
        return _dense_or_none(self.ssu_presence)


def _dense_or_none(x: np.ndarray | sparse.spmatrix | None) -> np.ndarray | None:
    if x is None:
        return None
    return sparse.csr_matrix(x).toarray() if sparse.issparse(x) else np.asarray(x)


def domain_means(
    design: SurveyDesign,
    values: np.ndarray,
    available: np.ndarray,
    *,
    by: str | Sequence[str] | None = None,
    func: str = "domain_means",
) -> DomainMeans:
    """Available-case means of the columns of ``values`` in every ``by`` domain, jointly.

    Each column's mean in a domain is taken over the domain's rows where ``available`` is True
    (the domain is domain ∩ available), with the joint covariance across domains and columns
    from influence functions aggregated to PSU totals (Taylor) or from replicate factors, as
    :func:`mean` computes it. Unlike :func:`mean`, a domain without a usable value in a column
    is not an error: its mean is NaN and ``n_answered`` says so.

    Parameters
    ----------
    design : SurveyDesign
        Taylor or replicate design.
    values : numpy.ndarray
        n x k values (anything where ``available`` is False is ignored).
    available : numpy.ndarray
        n x k booleans: the value is usable.
    by : str or list of str, optional
        Domain columns of the design's data. default: None (one domain, ``"all"``).
    func : str
        Function name for the error messages. default: "domain_means".

    Returns
    -------
    DomainMeans

    Raises
    ------
    DGIError
        ``design`` is not a SurveyDesign, ``values`` / ``available`` are not n x k, a ``by``
        column is missing or has missing values, or every row of a domain has weight 0.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from dgi_stats.survey.design import SurveyDesign
    >>> df = pd.DataFrame({"g": ["a", "a", "b", "b"], "y": [1.0, 3.0, 2.0, 6.0]})
    >>> r = domain_means(SurveyDesign(df), df[["y"]].to_numpy(), np.ones((4, 1), bool), by="g")
    >>> r.estimate.ravel().tolist(), np.sqrt(np.diag(r.cov)).round(3).tolist()
    ([2.0, 4.0], [0.816, 1.633])
    """
    design = check_design(design, func)
    y = np.ascontiguousarray(values, dtype=float)
    avail = np.asarray(available, dtype=bool)
    if y.ndim != 2 or y.shape[0] != design.n or avail.shape != y.shape:
        msg = (
            f"{func}: 'values' and 'available' must both be n x k with n = {design.n}. "
            f"Got {y.shape} and {avail.shape}."
        )
        raise DGIError(msg)
    codes, labels, by_cols = by_codes(design, by, func)
    check_zero_weights(design, codes, labels, by_cols, func)
    n_dom, k = len(labels), y.shape[1]
    lin = linearize(design, y, None, avail, codes, n_dom, "mean", check_empty=False)
    nobs = lin.nobs.reshape(n_dom, k)
    if bool((design.weights != 0).all()):
        n_ans = nobs
    else:  # nobs counts the rows with a non-zero weight only
        cnt = agg_matrix(np.zeros(design.n, dtype=np.intp), 1, codes, n_dom, np.ones(design.n))
        n_ans = group_totals(cnt, np.ascontiguousarray(avail, dtype=float), 1)[0].reshape(n_dom, -1)
    reps = None
    if lin.reps is not None:
        reps = lin.reps.reshape(lin.reps.shape[0], -1)
    return DomainMeans(
        labels=labels,
        estimate=lin.estimate.reshape(n_dom, k),
        covariance=lin.covariance,
        weight_total=lin.tx.reshape(n_dom, k),
        nobs=nobs,
        n_answered=n_ans,
        n_rows=np.bincount(codes, minlength=n_dom),
        df=domain_df(design, codes, n_dom, np.ones(design.n, bool)),
        psu_influence=lin.zp,
        ssu_influence=lin.zs,
        psu_presence=lin.present[0],
        ssu_presence=lin.present[1],
        replicate_estimates=reps,
    )
