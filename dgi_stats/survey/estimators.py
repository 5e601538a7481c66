"""Design-based estimators that reproduce R's ``survey`` package: means, totals, ratios, quantiles.

All estimators accept ``by=`` (domains, as R's ``svyby``), ``domain=`` (a subset, as
``subset(design, ...)``: rows are kept, out-of-domain rows contribute zeros) and ``na_rm`` (rows with a
missing value are out of domain). Variances come from influence functions aggregated to PSU totals
(Taylor linearisation) or from replicate factors applied to PSU totals; nothing loops over rows or
domains, and replicate designs never materialise an ``n x R`` weight matrix.

Design effects follow R: ``deff = v / (svyvar / n * (1 - n / Σw))`` with
``svyvar = Σw (y - ȳ)² / Σw * n / (n - 1)`` and ``n`` the number of rows with non-zero weight;
``deff="replace"`` drops ``(1 - n / Σw)``; for totals the denominator is multiplied by ``(Σw)²``.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import sparse, stats

from dgi_stats._results import Summary, frame_repr
from dgi_stats._validation import check_choice, check_probability, did_you_mean, is_instance
from dgi_stats.exceptions import DGIError
from dgi_stats.survey.design import SurveyDesign
from dgi_stats.survey.variance.replicate import replicate_variance
from dgi_stats.survey.variance.taylor import effective_df, taylor_variance

__all__ = [
    "PropCI",
    "SurveyEstimate",
    "TTestResult",
    "ciprop",
    "contrast",
    "mean",
    "quantile",
    "ratio",
    "total",
    "ttest",
    "var",
]

DeffArg = bool | Literal["replace"]
_CHUNK = 256


# ====================================================================== result objects
@dataclass(frozen=True, slots=True, repr=False, eq=False)
class SurveyEstimate:
    """Design-based estimates with their covariance, degrees of freedom and design effects.

    Attributes
    ----------
    estimate : pandas.Series
        Indexed by variable, or by ``(domain, variable)`` when ``by`` was given.
    std_error : pandas.Series
        Standard errors (same index).
    cov : pandas.DataFrame
        Full covariance across domains and variables.
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
        Stored interval (``low``, ``high``) for statistics whose interval is not symmetric
        (quantiles: Woodruff), at ``interval_level``.
    df_effective : pandas.Series or None
        Taylor designs: Satterthwaite effective df of each estimate's variance across the strata
        it draws on (:func:`~dgi_stats.survey.variance.taylor.effective_df`; <= :attr:`df`, lower when
        one stratum carries most of the variance). Rank functions use it; intervals use
        :attr:`df` (R's convention) unless ``df=est.df_effective`` is passed. None for replicate
        designs.
    """

    estimate: pd.Series
    std_error: pd.Series
    cov: pd.DataFrame
    df: pd.Series
    method: str
    statistic: str
    design_effect: pd.Series | None = None
    replicate_estimates: pd.DataFrame | None = None
    replicate_factors: np.ndarray | None = None
    replicate_mse: bool = False
    n: pd.Series | None = None
    design_df: int = 0
    interval: pd.DataFrame | None = None
    interval_level: float | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    df_effective: pd.Series | None = None

    def confidence_interval(
        self,
        confidence_level: float = 0.95,
        *,
        method: Literal["t", "normal", "logit"] = "t",
        df: float | pd.Series | None = None,
    ) -> pd.DataFrame:
        """Confidence intervals (columns ``low``, ``high``).

        Parameters
        ----------
        confidence_level : float
            default: 0.95.
        method : {"t", "normal", "logit"}
            ``"t"`` uses :attr:`df` (per domain, as R's ``svyby``) unless ``df`` is given;
            ``"normal"`` is R's ``confint()`` default; ``"logit"`` is R's ``svyciprop(method =
            "logit")`` for proportions (t on the logit scale). default: "t".
        df : float or Series, optional
            Degrees of freedom overriding :attr:`df` (for example the whole design's).

        Returns
        -------
        pandas.DataFrame

        Examples
        --------
        >>> import pandas as pd
        >>> from dgi_stats.survey.design import SurveyDesign
        >>> d = SurveyDesign(pd.DataFrame({"y": [1.0, 2.0, 4.0, 5.0]}))
        >>> mean(d, "y").confidence_interval(method="normal").loc["y"].round(3).tolist()
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
            return self.interval.copy()
        if method == "normal":
            crit = np.full(est.shape, stats.norm.ppf(0.5 + level / 2))
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
        return pd.DataFrame({"low": low, "high": high}, index=self.estimate.index)

    def to_frame(self, confidence_level: float = 0.95) -> pd.DataFrame:
        """``estimate, std_error, ci_low, ci_high, df, confidence_level`` (and ``deff``)."""
        ci = self.confidence_interval(confidence_level)
        out = pd.DataFrame(
            {
                "estimate": self.estimate,
                "std_error": self.std_error,
                "ci_low": ci["low"],
                "ci_high": ci["high"],
                "df": self.df,
                "confidence_level": confidence_level,
            }
        )
        if self.design_effect is not None:
            out["deff"] = self.design_effect
        return out

    def summary(self, confidence_level: float = 0.95) -> Summary:
        """A printable summary table."""
        notes = [f"variance: {self.method}", f"design df: {self.design_df}"]
        return Summary(f"Survey {self.statistic}", self.to_frame(confidence_level), tuple(notes))

    def __repr__(self) -> str:
        return frame_repr(f"SurveyEstimate[{self.statistic}, {self.method}]", self.to_frame())

    def _repr_html_(self) -> str:
        return self.to_frame()._repr_html_()  # type: ignore[operator]


@dataclass(frozen=True, slots=True)
class TTestResult:
    """Design-based t-test of a difference between two domain means (R's ``svyttest``)."""

    statistic: float
    df: float
    pvalue: float
    estimate: float
    std_error: float
    alternative: str
    groups: tuple[Any, Any]

    def confidence_interval(self, confidence_level: float = 0.95) -> tuple[float, float]:
        """Two-sided t interval for the difference (second group minus first)."""
        level = check_probability(
            confidence_level, name="confidence_level", func="TTestResult.confidence_interval"
        )
        crit = float(stats.t.ppf(0.5 + level / 2, self.df))
        return self.estimate - crit * self.std_error, self.estimate + crit * self.std_error


@dataclass(frozen=True, slots=True)
class PropCI:
    """A proportion with its confidence interval (R's ``svyciprop``)."""

    estimate: float
    std_error: float
    low: float
    high: float
    df: float
    confidence_level: float
    method: str


# ====================================================================== helpers
def _check_design(design: Any, func: str) -> SurveyDesign:
    if not is_instance(design, SurveyDesign):
        msg = (
            f"The 'design' parameter of {func} must be a SurveyDesign. Got {type(design).__name__}."
        )
        raise DGIError(msg)
    return design


def _as_list(x: str | Sequence[str], name: str, func: str) -> list[str]:
    if isinstance(x, str):
        return [x]
    out = list(x)
    if not out or not all(isinstance(c, str) for c in out):
        msg = f"The {name!r} parameter of {func} must be a column name or a list of column names."
        raise DGIError(msg)
    return out


def _variables(
    design: SurveyDesign, variables: str | Sequence[str], func: str
) -> tuple[list[str], np.ndarray]:
    """Numeric matrix (n x k, NaN = missing); categorical columns become indicator columns."""
    cols = _as_list(variables, "variables", func)
    data = design.data
    names: list[str] = []
    mats: list[np.ndarray] = []
    for c in cols:
        if c not in data.columns:
            msg = (
                f"{func}: variable {c!r} is not a column of the design's data; "
                f"{did_you_mean([c], data.columns, what='columns')}."
            )
            raise DGIError(msg)
        s = data[c]
        if isinstance(s.dtype, pd.CategoricalDtype):
            miss = s.isna().to_numpy()
            for lev in s.cat.categories:
                v = (s == lev).to_numpy(dtype=float)
                v[miss] = np.nan
                mats.append(v)
                names.append(f"{c}{lev}")
        elif pd.api.types.is_bool_dtype(s.dtype) or pd.api.types.is_numeric_dtype(s.dtype):
            mats.append(s.to_numpy(dtype=float, na_value=np.nan))
            names.append(c)
        else:
            msg = (
                f"{func}: variable {c!r} is not numeric (dtype {s.dtype}). Convert it to numbers, "
                "or to a pandas Categorical (astype('category')) to estimate the proportion of "
                "each category."
            )
            raise DGIError(msg)
    y = np.column_stack(mats)
    if np.isinf(y).any():
        j = int(np.flatnonzero(np.isinf(y).any(axis=0))[0])
        msg = f"{func}: variable {names[j]!r} has infinite values."
        raise DGIError(msg)
    return names, y


def _domain_mask(design: SurveyDesign, domain: Any, func: str) -> np.ndarray:
    if domain is None:
        return np.ones(design.n, dtype=bool)
    if isinstance(domain, str):
        if domain not in design.data.columns:
            msg = f"The 'domain' parameter of {func} names column {domain!r}, which is not in data."
            raise DGIError(msg)
        vals = design.data[domain]
    else:
        vals = pd.Series(np.asarray(domain))
    if len(vals) != design.n:
        msg = f"The 'domain' parameter of {func} must have one value per row ({design.n})."
        raise DGIError(msg)
    if vals.isna().any() or not pd.api.types.is_bool_dtype(vals.dtype):
        msg = f"The 'domain' parameter of {func} must be a boolean column or array without missing values."
        raise DGIError(msg)
    return vals.to_numpy(dtype=bool)


def _by_codes(
    design: SurveyDesign, by: str | Sequence[str] | None, func: str
) -> tuple[np.ndarray, pd.Index, list[str]]:
    if by is None:
        return np.zeros(design.n, dtype=np.intp), pd.Index(["all"]), []
    cols = _as_list(by, "by", func)
    data = design.data
    missing = [c for c in cols if c not in data.columns]
    if missing:
        msg = f"The 'by' parameter of {func} names column(s) {missing} not in the design's data."
        raise DGIError(msg)
    frame = data[cols]
    na = frame.isna().any(axis=1).to_numpy()
    if na.any():
        rows = np.flatnonzero(na)[:10].tolist()
        msg = (
            f"The 'by' column(s) {cols} of {func} have missing values at rows {rows} (0-based); "
            "give those rows a group or exclude them with 'domain='."
        )
        raise DGIError(msg)
    if len(cols) == 1:
        codes, uniq = pd.factorize(frame[cols[0]], sort=True)
        if isinstance(frame[cols[0]].dtype, pd.CategoricalDtype):
            cats = frame[cols[0]].cat.categories
            present = pd.Index(cats)[np.isin(np.arange(len(cats)), frame[cols[0]].cat.codes)]
            codes = pd.Index(present).get_indexer(frame[cols[0]])
            uniq = present
        labels = pd.Index(np.asarray(uniq), name=cols[0])
        return np.asarray(codes, dtype=np.intp), labels, cols
    # several columns: R orders the first factor fastest
    key_codes = []
    key_labels = []
    for c in cols:
        cc, uu = pd.factorize(frame[c], sort=True)
        key_codes.append(cc)
        key_labels.append(np.asarray(uu))
    sizes = [len(u) for u in key_labels]
    combined = np.zeros(design.n, dtype=np.int64)
    mult = 1
    for cc, s in zip(key_codes, sizes):
        combined += cc.astype(np.int64) * mult
        mult *= s
    uniq_comb, codes = np.unique(combined, return_inverse=True)
    tuples = []
    for u in uniq_comb:
        parts = []
        rem = int(u)
        for lab, s in zip(key_labels, sizes):
            parts.append(lab[rem % s])
            rem //= s
        tuples.append(tuple(parts))
    labels = pd.MultiIndex.from_tuples(tuples, names=cols)
    return np.asarray(codes, dtype=np.intp).ravel(), labels, cols


def _agg_matrix(
    groups: np.ndarray, n_groups: int, codes: np.ndarray, n_dom: int, w: np.ndarray
) -> sparse.csr_matrix:
    keep = codes >= 0
    rows = groups[keep].astype(np.int64) * n_dom + codes[keep]
    return sparse.csr_matrix(
        (w[keep], (rows, np.flatnonzero(keep))), shape=(n_groups * n_dom, len(codes))
    )


def _totals(agg: sparse.csr_matrix, cols: np.ndarray, n_groups: int) -> np.ndarray:
    """(n_groups, D*k) totals, domain-major columns."""
    out = np.asarray(agg @ cols)
    return out.reshape(n_groups, -1)


@dataclass
class _Lin:
    estimate: np.ndarray
    cov: np.ndarray
    reps: np.ndarray | None
    tx: np.ndarray
    nobs: np.ndarray
    svyvar: np.ndarray | None
    zp: np.ndarray | None = None  # PSU totals of the influence values (Taylor designs)
    zs: np.ndarray | None = None  # SSU totals (two-stage fpc designs)
    present: tuple[np.ndarray | None, np.ndarray | None] = (None, None)


def _engine(
    design: SurveyDesign,
    y: np.ndarray,
    x: np.ndarray | None,
    mask: np.ndarray,
    codes: np.ndarray,
    n_dom: int,
    kind: Literal["mean", "total", "ratio"],
    *,
    want_svyvar: bool = False,
    check_empty: bool = True,
) -> _Lin:
    """Estimates and covariance of domain means / totals / ratios.

    ``y``, ``x`` are n x k (x None for means and totals); ``mask`` n x k marks usable values;
    ``codes`` the domain of each row (-1: none). Columns of the result are domain-major
    (domain d, variable j -> d * k + j). Everything is aggregated once to (PSU or replicate
    group) x domain totals; variances are computed from those totals.
    """
    n, k = y.shape
    w = design.weights
    maskf = np.ascontiguousarray(mask, dtype=float)
    yz = np.array(y, dtype=float, order="C")
    yz[~np.asarray(mask, dtype=bool)] = 0.0
    if x is None:
        xz = maskf
    else:
        xz = np.array(x, dtype=float, order="C")
        xz[~np.asarray(mask, dtype=bool)] = 0.0
    zeros = np.zeros(n, dtype=np.intp)
    cnt_mat = _agg_matrix(zeros, 1, codes, n_dom, (w != 0).astype(float))
    nobs = _totals(cnt_mat, maskf, 1)[0]
    spec = design.replicates
    if spec is None:
        group, n_g, gw = design.psu, design.n_psu, w
    else:
        group, n_g, gw = spec.group, spec.factors.shape[0], spec.base
    agg = _agg_matrix(group, n_g, codes, n_dom, gw)
    sy = _totals(agg, yz, n_g)
    sx = _totals(agg, xz, n_g)
    if gw is w or np.array_equal(gw, w):
        ty, tx = sy.sum(axis=0), sx.sum(axis=0)
    else:
        agg_d = _agg_matrix(zeros, 1, codes, n_dom, w)
        ty, tx = _totals(agg_d, yz, 1)[0], _totals(agg_d, xz, 1)[0]
    if kind == "total":
        theta = ty.copy()
    else:
        if check_empty and (tx == 0).any():
            bad = int(np.flatnonzero(tx == 0)[0])
            msg = (
                f"empty domain: domain #{bad // k} has no respondent with a usable value (or a "
                f"zero denominator) for variable #{bad % k}; drop it from 'by' or check the data."
            )
            raise DGIError(msg)
        with np.errstate(divide="ignore", invalid="ignore"):
            theta = ty / tx
    sv = None
    if want_svyvar:
        # svyvar = Σw(y - ȳ)² / Σw * n/(n-1) within each domain
        agg_d = _agg_matrix(zeros, 1, codes, n_dom, w)
        sw = _totals(agg_d, maskf, 1)[0]
        ybar_rows = (_totals(agg_d, yz, 1)[0] / sw).reshape(n_dom, k)
        dev = np.where(mask & (codes[:, None] >= 0), y - ybar_rows[np.maximum(codes, 0)], 0.0)
        ss = _totals(agg_d, np.ascontiguousarray(dev * dev), 1)[0]
        sv = ss / sw * nobs / (nobs - 1)
    reps = None
    if spec is not None:
        ry = _rep_product(spec.factors, sy)
        if kind == "total":
            reps = ry
        else:
            rx = _rep_product(spec.factors, sx)
            with np.errstate(divide="ignore", invalid="ignore"):
                reps = ry / rx
        cov = replicate_variance(reps, theta, spec)
    else:
        cov, zp, zs, present = _taylor_cov(
            design, yz, xz, maskf, codes, n_dom, theta, tx, kind, sy, sx
        )
        return _Lin(theta, cov, reps, tx, nobs, sv, zp, zs, present)
    return _Lin(theta, cov, reps, tx, nobs, sv)


def _taylor_cov(
    design: SurveyDesign,
    yz: np.ndarray,
    xz: np.ndarray,
    maskf: np.ndarray,
    codes: np.ndarray,
    n_dom: int,
    theta: np.ndarray,
    tx: np.ndarray,
    kind: str,
    sy: np.ndarray,
    sx: np.ndarray,
) -> tuple[
    np.ndarray, np.ndarray, np.ndarray | None, tuple[np.ndarray | None, np.ndarray | None]
]:
    """Taylor covariance, and the PSU (SSU) totals of influence values it was computed from."""
    n, k = yz.shape
    w = design.weights
    need_ssu = design.ssu is not None and design.fpc[0] is not None and not design.ultimate_cluster
    need_present = (
        design.adjust_domain_lonely
        or design.lonely_psu == "average"
        or bool((design.n_psu_stratum == 1).any())
    ) and not design.calibration
    denom = np.ones_like(tx) if kind == "total" else tx
    th = np.zeros_like(theta) if kind == "total" else theta
    psu_present = None
    ssu_present = None
    if need_present:
        ones = np.ones(n)
        cnt = _agg_matrix(design.psu, design.n_psu, codes, n_dom, ones)
        psu_present = _totals(cnt, maskf, design.n_psu) > 0
        if need_ssu:
            assert design.ssu is not None
            assert design.ssu_psu is not None
            n_ssu = len(design.ssu_psu)
            cnt2 = _agg_matrix(design.ssu, n_ssu, codes, n_dom, ones)
            ssu_present = _totals(cnt2, maskf, n_ssu) > 0
    if not design.calibration:
        zp = sy if kind == "total" else (sy - th * sx) / denom
        zs = None
        if need_ssu:
            assert design.ssu is not None
            assert design.ssu_psu is not None
            n_ssu = len(design.ssu_psu)
            agg2 = _agg_matrix(design.ssu, n_ssu, codes, n_dom, w)
            sy2 = _totals(agg2, yz, n_ssu)
            zs = sy2 if kind == "total" else (sy2 - th * _totals(agg2, xz, n_ssu)) / denom
        cov = taylor_variance(design, zp, zs=zs, psu_present=psu_present, ssu_present=ssu_present)
        return cov, zp, zs, (psu_present, ssu_present)
    # calibrated designs: row-level influence values, residualised, in column chunks
    big_k = n_dom * k
    psu_mat = sparse.csr_matrix((np.ones(n), (design.psu, np.arange(n))), shape=(design.n_psu, n))
    ssu_mat = None
    if need_ssu:
        assert design.ssu is not None
        assert design.ssu_psu is not None
        ssu_mat = sparse.csr_matrix(
            (np.ones(n), (design.ssu, np.arange(n))), shape=(len(design.ssu_psu), n)
        )
    zp = np.empty((design.n_psu, big_k))
    zs_all = None if ssu_mat is None else np.empty((ssu_mat.shape[0], big_k))
    for start in range(0, big_k, _CHUNK):
        idx = np.arange(start, min(big_k, start + _CHUNK))
        d_idx, j_idx = idx // k, idx % k
        inside = codes[:, None] == d_idx[None, :]
        z = inside * w[:, None] * (yz[:, j_idx] - th[idx] * xz[:, j_idx]) / denom[idx]
        for step in design.calibration:
            z = np.asarray(step.residualize(z, design), dtype=float)
        z = np.ascontiguousarray(z)
        zp[:, idx] = psu_mat @ z
        if ssu_mat is not None and zs_all is not None:
            zs_all[:, idx] = ssu_mat @ z
    cov = taylor_variance(design, zp, zs=zs_all, psu_present=None, ssu_present=None)
    return cov, zp, zs_all, (None, None)


def _rep_product(factors: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """``factors.T @ totals`` (R x K), through a sparse product when most group totals are zero.

    With domains nested in strata (units), a PSU holds totals for one domain only, so the
    group x (domain, variable) matrix is mostly zeros.
    """
    nnz = np.count_nonzero(totals)
    if nnz < 0.25 * totals.size:
        return np.asarray((sparse.csc_matrix(totals).T @ factors).T)
    return factors.T @ totals


def _index(labels: pd.Index, names: list[str], by_cols: list[str]) -> pd.Index:
    if not by_cols:
        return pd.Index(names, name="variable")
    tuples = [(*(lab if isinstance(lab, tuple) else (lab,)), v) for lab in labels for v in names]
    return pd.MultiIndex.from_tuples(tuples, names=[*by_cols, "variable"])


def _domain_df(design: SurveyDesign, codes: np.ndarray, n_dom: int, base: np.ndarray) -> np.ndarray:
    out = np.empty(n_dom)
    for d in range(n_dom):  # a handful of domains; each call is vectorised
        out[d] = design.domain_degf(base & (codes == d))
    return out


def _finish(
    design: SurveyDesign,
    lin: _Lin,
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
    idx = _index(labels, names, by_cols)
    est = pd.Series(lin.estimate, index=idx, name=statistic)
    se = pd.Series(np.sqrt(np.clip(np.diag(lin.cov), 0, None)), index=idx, name="std_error")
    cov = pd.DataFrame(lin.cov, index=idx, columns=idx)
    dfs = np.repeat(_domain_df(design, codes, n_dom, base), k)
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
        cov=cov,
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


def _domain_name(labels: pd.Index, d: int) -> str:
    label = labels[d]
    return repr(tuple(label) if isinstance(label, tuple) else label)


def _check_zero_weights(
    design: SurveyDesign, codes: np.ndarray, labels: pd.Index, by_cols: list[str], func: str
) -> None:
    """Refuse a domain whose rows all have zero weight: its mean would be 0/0 (NaN with 0 df).

    R's ``svyby`` returns NaN there without a word; a zero-weight unit is almost always a data
    error (the wrong weight column, or a nonresponse adjustment that zeroed the unit), so say so.
    """
    keep = codes >= 0
    n_dom = len(labels)
    rows = np.bincount(codes[keep], minlength=n_dom)
    wsum = np.bincount(codes[keep], weights=np.abs(design.weights[keep]), minlength=n_dom)
    bad = np.flatnonzero((rows > 0) & (wsum == 0))
    if not bad.size:
        return
    if by_cols:
        names = ", ".join(_domain_name(labels, int(d)) for d in bad)
        where = f"every respondent of {names} ({', '.join(by_cols)}) has weight 0"
    else:
        where = "every respondent in the domain has weight 0"
    msg = (
        f"{func}: {where}, so the weighted mean is 0/0 (no estimate, 0 degrees of freedom). "
        "Check the weight column (the wrong column, or a nonresponse adjustment that zeroed "
        "the unit?), give those respondents their positive weights, or leave the unit out by "
        "dropping its rows before building the design."
    )
    raise DGIError(msg)


def _prepare(
    design: SurveyDesign,
    variables: str | Sequence[str],
    by: str | Sequence[str] | None,
    domain: Any,
    na_rm: bool,
    func: str,
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, pd.Index, list[str], np.ndarray]:
    names, y = _variables(design, variables, func)
    base = _domain_mask(design, domain, func)
    codes, labels, by_cols = _by_codes(design, by, func)
    codes = np.where(base, codes, -1)
    nan = np.isnan(y)
    if nan.any() and not na_rm:
        j = int(np.flatnonzero(nan.any(axis=0))[0])
        rows = np.flatnonzero(nan[:, j])[:10].tolist()
        msg = (
            f"{func}: variable {names[j]!r} has missing values at rows {rows} (0-based). Pass "
            "na_rm=True to treat rows with a missing value as out of domain (R's na.rm = TRUE)."
        )
        raise DGIError(msg)
    complete = ~nan.any(axis=1)
    codes = np.where(complete, codes, -1)
    mask = np.broadcast_to(complete[:, None], y.shape)
    present = np.bincount(codes[codes >= 0], minlength=len(labels))
    if (present == 0).any():
        empty = [labels[int(i)] for i in np.flatnonzero(present == 0)][:10]
        msg = (
            f"{func}: domain(s) {empty} have no rows (after 'domain=' and na_rm); an empty "
            "domain has no estimate. Drop it or check the subset."
        )
        raise DGIError(msg)
    return names, y, mask, codes, labels, by_cols, base


# ====================================================================== public estimators
def mean(
    design: SurveyDesign,
    variables: str | Sequence[str],
    *,
    by: str | Sequence[str] | None = None,
    domain: Any = None,
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
    design = _check_design(design, "mean")
    names, y, mask, codes, labels, by_cols, base = _prepare(
        design, variables, by, domain, na_rm, "mean"
    )
    _check_zero_weights(design, codes, labels, by_cols, "mean")
    lin = _engine(design, y, None, mask, codes, len(labels), "mean", want_svyvar=bool(deff))
    dv = None
    if deff:
        v = np.diag(lin.cov)
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
    domain: Any = None,
    na_rm: bool = False,
    deff: DeffArg = False,
) -> SurveyEstimate:
    """Design-based totals (R's ``svytotal`` / ``svyby(..., svytotal)``).

    Parameters are those of :func:`mean`.

    Returns
    -------
    SurveyEstimate

    Examples
    --------
    >>> import pandas as pd
    >>> d = SurveyDesign(pd.DataFrame({"y": [1.0, 2.0, 3.0], "w": [10.0, 10.0, 10.0]}), weights="w")
    >>> float(total(d, "y").estimate["y"])
    60.0
    """
    design = _check_design(design, "total")
    names, y, mask, codes, labels, by_cols, base = _prepare(
        design, variables, by, domain, na_rm, "total"
    )
    lin = _engine(design, y, None, mask, codes, len(labels), "total", want_svyvar=bool(deff))
    dv = None
    if deff:
        assert lin.svyvar is not None
        n_all = np.ones(design.n)
        agg = _agg_matrix(np.zeros(design.n, dtype=np.intp), 1, codes, len(labels), design.weights)
        psum = _totals(agg, np.broadcast_to(n_all[:, None], y.shape) * mask, 1)[0]
        nobs = lin.nobs
        vsrs = lin.svyvar * psum**2 / nobs
        if deff != "replace":
            vsrs = vsrs * (psum - nobs) / psum
        dv = np.diag(lin.cov) / vsrs
    return _finish(design, lin, names, labels, by_cols, codes, base, "total", dv)


def ratio(
    design: SurveyDesign,
    numerator: str | Sequence[str],
    denominator: str | Sequence[str],
    *,
    by: str | Sequence[str] | None = None,
    domain: Any = None,
    na_rm: bool = False,
    deff: DeffArg = False,
) -> SurveyEstimate:
    """Ratios of totals ``Σw y / Σw x`` (R's ``svyratio``), one per numerator/denominator pair.

    Parameters
    ----------
    numerator, denominator : str or list of str
        Numeric columns; every numerator is divided by every denominator (names
        ``"num/den"``, as R).
    by, domain, na_rm, deff
        As in :func:`mean` (rows with a missing numerator or denominator are out of domain).

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
    design = _check_design(design, "ratio")
    num_names, ny = _variables(design, numerator, "ratio")
    den_names, dx = _variables(design, denominator, "ratio")
    base = _domain_mask(design, domain, "ratio")
    codes, labels, by_cols = _by_codes(design, by, "ratio")
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
    lin = _engine(design, y, x, mask, codes, len(labels), "ratio")
    dv = None
    if deff:
        # R: deff(svytotal(r, design)) with r = (y - R x) / X̂
        k = len(names)
        n_dom = len(labels)
        agg = _agg_matrix(np.zeros(design.n, dtype=np.intp), 1, codes, n_dom, design.weights)
        psum = _totals(agg, mask.astype(float), 1)[0]
        th = lin.estimate.reshape(n_dom, k)
        txd = lin.tx.reshape(n_dom, k)
        cc = np.maximum(codes, 0)
        r = np.where(mask & (codes[:, None] >= 0), (y - th[cc] * x) / txd[cc], 0.0)
        rbar = _totals(agg, r, 1)[0] / psum
        dev = np.where(mask & (codes[:, None] >= 0), r - rbar.reshape(n_dom, k)[cc], 0.0)
        nobs = lin.nobs
        sv = _totals(agg, dev * dev, 1)[0] / psum * nobs / (nobs - 1)
        vsrs = sv * psum**2 / nobs
        if deff != "replace":
            vsrs = vsrs * (psum - nobs) / psum
        dv = np.diag(lin.cov) / vsrs
    return _finish(design, lin, names, labels, by_cols, codes, base, "ratio", dv)


def var(
    design: SurveyDesign,
    variables: str | Sequence[str],
    *,
    by: str | Sequence[str] | None = None,
    domain: Any = None,
    na_rm: bool = False,
) -> SurveyEstimate:
    """Population variance estimates (R's ``svyvar``), one per variable.

    ``Σw (y - ȳ)² / Σw * n / (n - 1)``; its standard error treats ``ȳ`` as fixed, as R does.

    Returns
    -------
    SurveyEstimate

    Examples
    --------
    >>> import pandas as pd
    >>> d = SurveyDesign(pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0]}))
    >>> round(float(var(d, "y").estimate["y"]), 4)
    1.6667
    """
    design = _check_design(design, "var")
    names, y, mask, codes, labels, by_cols, base = _prepare(
        design, variables, by, domain, na_rm, "var"
    )
    n_dom, k = len(labels), len(names)
    first = _engine(design, y, None, mask, codes, n_dom, "mean", want_svyvar=False)
    ybar = first.estimate.reshape(n_dom, k)
    cc = np.maximum(codes, 0)
    nobs = first.nobs.reshape(n_dom, k)
    u = (y - ybar[cc]) ** 2 * (nobs[cc] / (nobs[cc] - 1))
    u = np.where(mask & (codes[:, None] >= 0), u, 0.0)
    lin = _engine(design, u, None, mask, codes, n_dom, "mean")
    return _finish(design, lin, names, labels, by_cols, codes, base, "variance", None)


def contrast(
    estimate: SurveyEstimate, weights: Mapping[Any, float] | Sequence[float] | np.ndarray
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
    var = float(coef @ estimate.cov.to_numpy() @ coef)
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


def _qs(
    x: np.ndarray, w: np.ndarray, p: float
) -> tuple[np.ndarray, np.ndarray, float, int, int, float]:
    order = np.argsort(x, kind="stable")
    xs = x[order]
    # R accumulates sum() and cumsum() in long double and rounds to double: do the same so that
    # ties at a cumulative share of exactly p are resolved as R resolves them
    cum_ld = np.cumsum(w[order].astype(np.longdouble))
    cumw = cum_ld.astype(float)
    tot = float(cum_ld[-1])
    below = np.flatnonzero(cumw <= p * tot)
    pos = int(below[-1]) if below.size else 0
    nxt = pos if pos == len(xs) - 1 else pos + 1
    if not below.size:
        nxt = 0
    wlow = p - cumw[pos] / tot
    return xs, cumw, tot, pos, nxt, wlow


def _qrule(x: np.ndarray, w: np.ndarray, p: float, rule: str = "math") -> float:
    """R's ``qrule_math`` (smallest x with weighted ECDF >= p), ``qrule_school``, ``qrule_hf7``."""
    keep = w != 0
    x, w = x[keep], w[keep]
    if rule == "hf7":
        order = np.argsort(x, kind="stable")
        xs = x[order]
        cumw = np.cumsum(w[order].astype(np.longdouble)).astype(float)
        n = len(xs)
        pk = np.concatenate([[0.0], cumw[:-1]]) / cumw[n - 2]
        return float(np.interp(p, pk, xs))
    xs, _cumw, _tot, pos, nxt, wlow = _qs(x, w, p)
    if wlow == 0:
        return float(xs[pos] if rule == "math" else (xs[pos] + xs[nxt]) / 2)
    return float(xs[nxt])


def _qrule_math(x: np.ndarray, w: np.ndarray, p: float) -> float:
    return _qrule(x, w, p, "math")


def quantile(
    design: SurveyDesign,
    variables: str | Sequence[str],
    quantiles: float | Sequence[float] = 0.5,
    *,
    by: str | Sequence[str] | None = None,
    domain: Any = None,
    na_rm: bool = False,
    confidence_level: float = 0.95,
    interval: Literal["woodruff", "beta", "score", "replicate"] = "woodruff",
    qrule: Literal["math", "school", "hf7"] = "math",
    df: float | None = None,
) -> SurveyEstimate:
    """Quantiles (R's ``svyquantile`` with ``qrule = "math"``) with Woodruff intervals.

    The quantile is the smallest value whose weighted cumulative share is >= p. The Woodruff
    interval takes ``p̂ = mean(I(x <= q̂)) ± t(df) SE`` and maps the limits back through the same
    rule; the standard error is ``(high - low) / (2 t(df))``. ``df`` (default: the design df of the
    domain) may be given, e.g. ``np.inf`` for normal intervals. ``interval="beta"`` and
    ``"score"`` are R's ``interval.type = "beta"`` (Korn–Graubard-type beta limits for ``F(q)``) and
    ``"score"`` (Fuller's score-test inversion); ``qrule`` may also be R's ``"school"`` or
    ``"hf7"``. ``interval="replicate"`` (replicate
    designs) uses the replicate quantiles instead (R's ``interval.type = "quantile"``).

    Returns
    -------
    SurveyEstimate
        Indexed by (domain,) variable and ``p``; :attr:`SurveyEstimate.interval` holds the
        interval at ``confidence_level``.

    Examples
    --------
    >>> import pandas as pd
    >>> d = SurveyDesign(pd.DataFrame({"y": [float(v) for v in range(1, 11)]}))
    >>> float(quantile(d, "y", 0.5).estimate.iloc[0])
    5.0
    """
    design = _check_design(design, "quantile")
    level = check_probability(confidence_level, name="confidence_level", func="quantile")
    interval = check_choice(
        interval, ("woodruff", "beta", "score", "replicate"), name="interval", func="quantile"
    )  # type: ignore[assignment]
    qrule = check_choice(qrule, ("math", "school", "hf7"), name="qrule", func="quantile")  # type: ignore[assignment]
    ps: list[float] = (
        [float(quantiles)]  # type: ignore[arg-type]
        if np.ndim(quantiles) == 0
        else [float(v) for v in quantiles]  # type: ignore[union-attr]
    )
    for p in ps:
        check_probability(p, name="quantiles", func="quantile")
    names, y, _mask, codes, labels, by_cols, _base = _prepare(
        design, variables, by, domain, na_rm, "quantile"
    )
    if interval == "replicate" and design.replicates is None:
        msg = "quantile: interval='replicate' needs a replicate design."
        raise DGIError(msg)
    if interval == "replicate" and design.method in ("jk1", "jkn"):
        warnings.warn(
            "Jackknife replicate weights may not give valid standard errors for quantiles "
            "(use bootstrap replicates or interval='woodruff').",
            UserWarning,
            stacklevel=2,
        )
    rows_idx: list[tuple[Any, ...]] = []
    est, lo, hi, se, dfs = [], [], [], [], []
    w = design.weights
    alpha = 1 - level
    for d in range(len(labels)):
        ind = codes == d
        dfd = float(design.domain_degf(ind)) if df is None else float(df)
        crit = (
            stats.t.ppf(1 - alpha / 2, dfd) if np.isfinite(dfd) else stats.norm.ppf(1 - alpha / 2)
        )
        for j, name in enumerate(names):
            xj = y[ind, j]
            wj = w[ind]
            for p in ps:
                q = _qrule(xj, wj, float(p), qrule)
                low, high = _quantile_interval(
                    design, y[:, j], ind, xj, wj, q, float(p), qrule, interval, crit, alpha, dfd
                )
                est.append(q)
                lo.append(low)
                hi.append(high)
                se.append((high - low) / (2 * crit))
                dfs.append(dfd)
                lab = labels[d]
                prefix = (lab if isinstance(lab, tuple) else (lab,)) if by_cols else ()
                rows_idx.append((*prefix, name, float(p)))
    idx = pd.MultiIndex.from_tuples(rows_idx, names=[*by_cols, "variable", "p"])
    se_arr = np.asarray(se, dtype=float)
    return SurveyEstimate(
        estimate=pd.Series(est, index=idx, name="quantile", dtype=float),
        std_error=pd.Series(se_arr, index=idx, name="std_error"),
        cov=pd.DataFrame(np.diag(se_arr**2), index=idx, columns=idx),
        df=pd.Series(dfs, index=idx, name="df"),
        method=design.method,
        statistic="quantile",
        design_df=design.degf,
        interval=pd.DataFrame({"low": lo, "high": hi}, index=idx),
        interval_level=level,
    )


def _quantile_interval(
    design: SurveyDesign,
    ycol: np.ndarray,
    ind: np.ndarray,
    xj: np.ndarray,
    wj: np.ndarray,
    q: float,
    p: float,
    qrule: str,
    interval: str,
    crit: float,
    alpha: float,
    dfd: float,
) -> tuple[float, float]:
    sub = np.where(ind, 0, -1).astype(np.intp)
    ones = np.ones((design.n, 1), bool)

    def prop_le(theta: float) -> tuple[float, float]:
        flag = np.where(ind, np.nan_to_num(ycol) <= theta, 0.0)
        lin = _engine(design, flag[:, None], None, ones, sub, 1, "mean")
        return float(lin.estimate[0]), float(np.sqrt(lin.cov[0, 0]))

    if interval == "replicate":
        spec = design.replicates
        assert spec is not None
        fac = spec.factors[spec.group[ind]]
        bw = spec.base[ind]
        reps = np.array([_qrule(xj, bw * fac[:, r], p, qrule) for r in range(fac.shape[1])])
        v = replicate_variance(reps[:, None], np.array([q]), spec)[0, 0]
        return q - np.sqrt(v) * crit, q + np.sqrt(v) * crit
    if interval == "score":
        from scipy.optimize import brentq

        def score_stat(theta: float, limit: float) -> float:
            flag = np.where(ind, (np.nan_to_num(ycol) > theta) - (1 - p), 0.0)
            lin = _engine(design, flag[:, None], None, ones, sub, 1, "mean")
            return float(lin.estimate[0] / np.sqrt(lin.cov[0, 0])) - limit

        q75, q25 = np.percentile(xj, [75, 25])
        iqr = q75 - q25
        lo_t, hi_t = xj.min() + iqr / 100, xj.max() - iqr / 100
        tol = 1e-10
        qlow = brentq(score_stat, lo_t, hi_t, args=(crit,), xtol=tol)
        qup = brentq(score_stat, lo_t, hi_t, args=(-crit,), xtol=tol)
        return (
            _qrule(xj, wj, float(np.mean(xj <= qlow)), qrule),
            _qrule(xj, wj, float(np.mean(xj <= qup)), qrule),
        )
    pm, sp = prop_le(q)
    if interval == "beta":
        n_eff = pm * (1 - pm) / sp**2
        n_eff = (
            n_eff * (stats.t.ppf(alpha / 2, int(ind.sum()) - 1) / stats.t.ppf(alpha / 2, dfd)) ** 2
        )
        pl = float(stats.beta.ppf(alpha / 2, n_eff * pm, n_eff * (1 - pm) + 1))
        pu = float(stats.beta.ppf(1 - alpha / 2, n_eff * pm + 1, n_eff * (1 - pm)))
    else:
        pl, pu = pm - crit * sp, pm + crit * sp
    low = np.nan if (np.isnan(pl) or pl < 0) else _qrule(xj, wj, pl, qrule)
    high = np.nan if (np.isnan(pu) or pu > 1) else _qrule(xj, wj, pu, qrule)
    return low, high


def ttest(
    design: SurveyDesign,
    y: str,
    by: str,
    *,
    domain: Any = None,
    na_rm: bool = False,
    alternative: Literal["two-sided", "less", "greater"] = "two-sided",
) -> TTestResult:
    """Design-based t-test of the difference between two domain means (R's ``svyttest``).

    The difference is (second group - first group) in sorted order of ``by``; df is the design
    df of the (sub)design minus one.

    Returns
    -------
    TTestResult

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"g": [0, 1] * 4, "y": [1.0, 2, 1.5, 2.5, 0.5, 3, 1, 2]})
    >>> r = ttest(SurveyDesign(df), "y", "g")
    >>> round(r.estimate, 3), r.df
    (1.375, 6.0)
    """
    design = _check_design(design, "ttest")
    alternative = check_choice(
        alternative, ("two-sided", "less", "greater"), name="alternative", func="ttest"
    )  # type: ignore[assignment]
    e = mean(design, y, by=by, domain=domain, na_rm=True)
    if len(e.estimate) != 2:
        msg = f"ttest: 'by' ({by!r}) must define exactly two groups in the domain. Got {len(e.estimate)}."
        raise DGIError(msg)
    c = contrast(e, [-1.0, 1.0])
    base = _domain_mask(design, domain, "ttest")
    _, yv = _variables(design, y, "ttest")
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
    domain: Any = None,
    na_rm: bool = False,
) -> PropCI:
    """Confidence interval for a proportion (R's ``svyciprop``, methods ``"logit"`` and ``"mean"``).

    ``variable`` is a 0/1 or boolean column. ``"logit"``: ``expit(logit(p̂) ± t(df) SE/(p̂(1-p̂)))``;
    ``"mean"``: ``p̂ ± t(df) SE``; df is the design df of the (sub)design.

    Returns
    -------
    PropCI

    Examples
    --------
    >>> import pandas as pd
    >>> d = SurveyDesign(pd.DataFrame({"y": [True, False, True, True]}))
    >>> r = ciprop(d, "y")
    >>> r.estimate
    0.75
    """
    design = _check_design(design, "ciprop")
    method = check_choice(method, ("logit", "mean"), name="method", func="ciprop")  # type: ignore[assignment]
    level = check_probability(confidence_level, name="confidence_level", func="ciprop")
    e = mean(design, variable, domain=domain, na_rm=na_rm)
    vals = e.estimate.to_numpy()
    if ((vals < 0) | (vals > 1)).any():
        msg = f"ciprop: {variable!r} must be a 0/1 or boolean variable."
        raise DGIError(msg)
    base = _domain_mask(design, domain, "ciprop")
    dfv = float(design.domain_degf(base))
    ci = e.confidence_interval(level, method=method if method == "logit" else "t", df=dfv)
    return PropCI(
        float(vals[0]),
        float(e.std_error.iloc[0]),
        float(ci["low"].iloc[0]),
        float(ci["high"].iloc[0]),
        dfv,
        level,
        method,
    )


# ====================================================================== index scores
