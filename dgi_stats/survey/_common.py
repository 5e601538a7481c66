"""The linearisation engine shared by the survey estimators, and their input checks.

:func:`linearize` computes domain means, totals or ratios with their covariance from PSU (Taylor)
or replicate-group totals, aggregated once; nothing loops over rows or domains, and replicate
designs never materialise an ``n x R`` weight matrix. The other functions read and check the
estimators' arguments (design, variables, ``by``, ``domain``). Names here are shared by
:mod:`~dgi_stats.survey.means`, :mod:`~dgi_stats.survey.quantiles` and
:mod:`~dgi_stats.survey.inference`; the public entry point for other layers is
:func:`~dgi_stats.survey.means.domain_means`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import sparse

from dgi_stats._validation import did_you_mean, is_instance
from dgi_stats.exceptions import DGIError
from dgi_stats.survey._calibrated import calibration_blocks, packed_influence_totals
from dgi_stats.survey.design import SurveyDesign
from dgi_stats.survey.variance.replicate import replicate_structured
from dgi_stats.survey.variance.structured import DENSE_LIMIT_BYTES, StructuredCovariance
from dgi_stats.survey.variance.taylor import taylor_covariance

__all__ = [
    "CHUNK",
    "DENSE_SUM_CELLS",
    "DomainArg",
    "Linearization",
    "agg_matrix",
    "as_list",
    "by_codes",
    "check_design",
    "check_zero_weights",
    "design_variables",
    "domain_df",
    "domain_mask",
    "domain_name",
    "estimate_index",
    "group_totals",
    "linearize",
    "pair_totals",
    "prepare",
]

#: Columns of influence values residualised at once for calibrated designs.
CHUNK = 256
#: Beyond this many PSU x estimate cells, a calibrated design whose calibration cells stay within
#: blocks of rows (:mod:`dgi_stats.survey._calibrated`) gets sparse PSU totals; below it, the
#: dense computation (every bundled survey).
PACKED_MIN_CELLS = 2**22
#: Up to this many group x estimate cells, domain totals are summed from the dense group totals.
DENSE_SUM_CELLS = 2**22
#: A subset of the rows: a boolean column name or one boolean per row.
DomainArg = str | Sequence[bool] | np.ndarray | pd.Series | None


def check_design(design: Any, func: str) -> SurveyDesign:
    if not is_instance(design, SurveyDesign):
        msg = (
            f"The 'design' parameter of {func} must be a SurveyDesign. Got {type(design).__name__}."
        )
        raise DGIError(msg)
    return design


def as_list(x: str | Sequence[str], name: str, func: str) -> list[str]:
    if isinstance(x, str):
        return [x]
    out = list(x)
    if not out or not all(isinstance(c, str) for c in out):
        msg = f"The {name!r} parameter of {func} must be a column name or a list of column names."
        raise DGIError(msg)
    return out


def design_variables(
    design: SurveyDesign, variables: str | Sequence[str], func: str
) -> tuple[list[str], np.ndarray]:
    """Numeric matrix (n x k, NaN = missing); categorical columns become indicator columns."""
    cols = as_list(variables, "variables", func)
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


def domain_mask(design: SurveyDesign, domain: DomainArg, func: str) -> np.ndarray:
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


def by_codes(
    design: SurveyDesign, by: str | Sequence[str] | None, func: str
) -> tuple[np.ndarray, pd.Index, list[str]]:
    if by is None:
        return np.zeros(design.n, dtype=np.intp), pd.Index(["all"]), []
    cols = as_list(by, "by", func)
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


def agg_matrix(
    groups: np.ndarray, n_groups: int, codes: np.ndarray, n_dom: int, w: np.ndarray
) -> sparse.csr_matrix:
    keep = codes >= 0
    rows = groups[keep].astype(np.int64) * n_dom + codes[keep]
    return sparse.csr_matrix(
        (w[keep], (rows, np.flatnonzero(keep))), shape=(n_groups * n_dom, len(codes))
    )


def group_totals(agg: sparse.csr_matrix, cols: np.ndarray, n_groups: int) -> np.ndarray:
    """(n_groups, D*k) totals, domain-major columns."""
    out = np.asarray(agg @ cols)
    return out.reshape(n_groups, -1)


@dataclass
class Linearization:
    estimate: np.ndarray
    covariance: StructuredCovariance
    reps: np.ndarray | None
    tx: np.ndarray
    nobs: np.ndarray
    svyvar: np.ndarray | None
    # PSU totals of the influence values (Taylor designs; scipy sparse unless calibrated)
    zp: np.ndarray | sparse.spmatrix | None = None
    zs: np.ndarray | sparse.spmatrix | None = None  # SSU totals (two-stage fpc designs)
    present: tuple[Any, Any] = (None, None)

    @property
    def cov(self) -> np.ndarray:
        """The dense covariance (small estimates only: quantile intervals, tests)."""
        return self.covariance.dense()


def linearize(
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
) -> Linearization:
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
    cnt_mat = agg_matrix(zeros, 1, codes, n_dom, (w != 0).astype(float))
    nobs = group_totals(cnt_mat, maskf, 1)[0]
    spec = design.replicates
    if spec is None:
        group, n_g, gw = design.psu, design.n_psu, w
    else:
        group, n_g, gw = spec.group, spec.factors.shape[0], spec.base
    sparse_totals = spec is None
    if sparse_totals:
        # Taylor: PSU x (domain, variable) totals as sparse matrices (a PSU holds few domains)
        sy, sx = pair_totals(group, n_g, codes, n_dom, gw, [yz, xz])
        if n_g * n_dom * k <= DENSE_SUM_CELLS:  # the dense column sums, as before
            ty, tx = sy.toarray().sum(axis=0), sx.toarray().sum(axis=0)
        else:
            ty = np.bincount(sy.col, weights=sy.data, minlength=n_dom * k)
            tx = np.bincount(sx.col, weights=sx.data, minlength=n_dom * k)
    else:
        agg = agg_matrix(group, n_g, codes, n_dom, gw)
        sy = group_totals(agg, yz, n_g)
        sx = group_totals(agg, xz, n_g)
        if gw is w or np.array_equal(gw, w):
            ty, tx = sy.sum(axis=0), sx.sum(axis=0)
        else:
            agg_d = agg_matrix(zeros, 1, codes, n_dom, w)
            ty, tx = group_totals(agg_d, yz, 1)[0], group_totals(agg_d, xz, 1)[0]
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
        agg_d = agg_matrix(zeros, 1, codes, n_dom, w)
        sw = group_totals(agg_d, maskf, 1)[0]
        ybar_rows = (group_totals(agg_d, yz, 1)[0] / sw).reshape(n_dom, k)
        dev = np.where(mask & (codes[:, None] >= 0), y - ybar_rows[np.maximum(codes, 0)], 0.0)
        ss = group_totals(agg_d, np.ascontiguousarray(dev * dev), 1)[0]
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
        cov = replicate_structured(reps, theta, spec)
        return Linearization(theta, cov, reps, tx, nobs, sv)
    if not design.calibration:
        cov, zp, zs, present = _taylor_cov_sparse(
            design, yz, xz, maskf, codes, n_dom, theta, tx, kind, sy, sx
        )
        return Linearization(theta, cov, reps, tx, nobs, sv, zp, zs, present)
    cov, zpd, zsd, _ = _taylor_cov_calibrated(design, yz, xz, codes, n_dom, theta, tx, kind)
    return Linearization(theta, cov, reps, tx, nobs, sv, zpd, zsd, (None, None))


def pair_totals(
    groups: np.ndarray,
    n_groups: int,
    codes: np.ndarray,
    n_dom: int,
    w: np.ndarray,
    columns: list[np.ndarray],
) -> list[sparse.coo_matrix]:
    """Group x (domain, variable) weighted totals of each n x k matrix, as sparse matrices.

    Only the (group, domain) pairs that hold rows are stored (the explicit entries, zero or not,
    are the same for every matrix); each total sums the pair's rows in row order, as the dense
    :func:`group_totals` of :func:`agg_matrix` does. Columns are domain-major (``d * k + j``).
    """
    keep = codes >= 0
    key = groups[keep].astype(np.int64) * n_dom + codes[keep]
    pairs, inv = np.unique(key, return_inverse=True)
    inv = inv.ravel()
    agg = sparse.csr_matrix(
        (w[keep], (inv, np.flatnonzero(keep))), shape=(len(pairs), len(codes))
    )
    k = columns[0].shape[1]
    rows = np.repeat(pairs // n_dom, k)
    cols = ((pairs % n_dom)[:, None] * k + np.arange(k)[None, :]).ravel()
    shape = (n_groups, n_dom * k)
    return [
        sparse.coo_matrix((np.asarray(agg @ c).ravel(), (rows, cols)), shape=shape)
        for c in columns
    ]


def _taylor_cov_sparse(
    design: SurveyDesign,
    yz: np.ndarray,
    xz: np.ndarray,
    maskf: np.ndarray,
    codes: np.ndarray,
    n_dom: int,
    theta: np.ndarray,
    tx: np.ndarray,
    kind: str,
    sy: sparse.coo_matrix,
    sx: sparse.coo_matrix,
) -> tuple[
    StructuredCovariance,
    sparse.csr_matrix,
    sparse.csr_matrix | None,
    tuple[sparse.csr_matrix | None, sparse.csr_matrix | None],
]:
    """Taylor covariance (structured) from sparse PSU (SSU) totals of the influence values."""
    n = yz.shape[0]
    w = design.weights
    need_ssu = design.ssu is not None and design.fpc[0] is not None and not design.ultimate_cluster
    need_present = (
        design.adjust_domain_lonely
        or design.lonely_psu == "average"
        or bool((design.n_psu_stratum == 1).any())
    )
    denom = np.ones_like(tx) if kind == "total" else tx
    th = np.zeros_like(theta) if kind == "total" else theta

    def influence(ty: sparse.coo_matrix, tx_: sparse.coo_matrix) -> sparse.csr_matrix:
        if kind == "total":
            data = ty.data
        else:  # the same pattern in both: (sy - θ sx) / x̂ entry by entry
            data = (ty.data - th[ty.col] * tx_.data) / denom[ty.col]
        return sparse.csr_matrix((data, (ty.row, ty.col)), shape=ty.shape)

    def present(groups: np.ndarray, n_groups: int) -> sparse.csr_matrix:
        (cnt,) = pair_totals(groups, n_groups, codes, n_dom, np.ones(n), [maskf])
        out = sparse.csr_matrix((cnt.data > 0, (cnt.row, cnt.col)), shape=cnt.shape)
        out.eliminate_zeros()
        return out

    zp = influence(sy, sx)
    zs = None
    psu_present = present(design.psu, design.n_psu) if need_present else None
    ssu_present = None
    if need_ssu:
        assert design.ssu is not None
        assert design.ssu_psu is not None
        n_ssu = len(design.ssu_psu)
        sy2, sx2 = pair_totals(design.ssu, n_ssu, codes, n_dom, w, [yz, xz])
        zs = influence(sy2, sx2)
        if need_present:
            ssu_present = present(design.ssu, n_ssu)
    cov = taylor_covariance(design, zp, zs=zs, psu_present=psu_present, ssu_present=ssu_present)
    return cov, zp, zs, (psu_present, ssu_present)


def _taylor_cov_calibrated(
    design: SurveyDesign,
    yz: np.ndarray,
    xz: np.ndarray,
    codes: np.ndarray,
    n_dom: int,
    theta: np.ndarray,
    tx: np.ndarray,
    kind: str,
) -> tuple[StructuredCovariance, Any, Any, None]:
    """Calibrated designs: row-level influence values, residualised in column chunks.

    The residuals of the calibration regression are non-zero in every PSU that holds an
    auxiliary, so the PSU totals (the factor) are dense: PSUs x estimates, exact, but never
    estimates x estimates.
    """
    n, k = yz.shape
    w = design.weights
    need_ssu = design.ssu is not None and design.fpc[0] is not None and not design.ultimate_cluster
    denom = np.ones_like(tx) if kind == "total" else tx
    th = np.zeros_like(theta) if kind == "total" else theta
    big_k = n_dom * k
    if design.n_psu * big_k > PACKED_MIN_CELLS:
        blocks = calibration_blocks(design)
        if blocks is not None:

            def influence(rows: np.ndarray, j: int) -> np.ndarray:
                at = codes[rows] * k + j
                return np.asarray(w[rows] * (yz[rows, j] - th[at] * xz[rows, j]) / denom[at])

            groups = [(design.psu, design.n_psu)]
            if need_ssu:
                assert design.ssu is not None
                assert design.ssu_psu is not None
                groups.append((design.ssu, len(design.ssu_psu)))
            packed = packed_influence_totals(design, influence, k, codes, n_dom, blocks, groups)
            if packed is not None:
                zs_p = packed[1] if need_ssu else None
                cov = taylor_covariance(design, packed[0], zs=zs_p, psu_present=None,
                                        ssu_present=None)
                return cov, packed[0], zs_p, None
    size = design.n_psu * big_k * 8
    if size > DENSE_LIMIT_BYTES:
        msg = (
            f"The calibrated variance of {big_k:,} estimates needs a dense {design.n_psu:,} PSUs x "
            f"{big_k:,} estimates matrix ({size / 2**30:,.1f} GB, more than the limit of "
            f"{DENSE_LIMIT_BYTES / 2**30:g} GB): a calibration margin joins the domains (a cell "
            "spans several of them), so every domain's residuals reach every PSU. Calibrate "
            "within the domains (margins crossed with the unit, as the DGI rakes each district "
            "to its own counts; those stay sparse), estimate fewer domains or variables at once, "
            "or use replicate weights (design.replicate(...))."
        )
        raise DGIError(msg)
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
    for start in range(0, big_k, CHUNK):
        idx = np.arange(start, min(big_k, start + CHUNK))
        d_idx, j_idx = idx // k, idx % k
        inside = codes[:, None] == d_idx[None, :]
        z = inside * w[:, None] * (yz[:, j_idx] - th[idx] * xz[:, j_idx]) / denom[idx]
        for step in design.calibration:
            z = np.asarray(step.residualize(z, design), dtype=float)
        z = np.ascontiguousarray(z)
        zp[:, idx] = psu_mat @ z
        if ssu_mat is not None and zs_all is not None:
            zs_all[:, idx] = ssu_mat @ z
    cov = taylor_covariance(design, zp, zs=zs_all, psu_present=None, ssu_present=None)
    return cov, zp, zs_all, None


def _rep_product(factors: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """``factors.T @ totals`` (R x K), through a sparse product when most group totals are zero.

    With domains nested in strata (units), a PSU holds totals for one domain only, so the
    group x (domain, variable) matrix is mostly zeros.
    """
    nnz = np.count_nonzero(totals)
    if nnz < 0.25 * totals.size:
        return np.asarray((sparse.csc_matrix(totals).T @ factors).T)
    return factors.T @ totals


def estimate_index(labels: pd.Index, names: list[str], by_cols: list[str]) -> pd.Index:
    if not by_cols:
        return pd.Index(names, name="variable")
    tuples = [(*(lab if isinstance(lab, tuple) else (lab,)), v) for lab in labels for v in names]
    return pd.MultiIndex.from_tuples(tuples, names=[*by_cols, "variable"])


def domain_df(design: SurveyDesign, codes: np.ndarray, n_dom: int, base: np.ndarray) -> np.ndarray:
    """Design df of every domain's subset design: ``design.domain_degf(base & (codes == d))``.

    Taylor designs count the (domain, PSU) and (domain, stratum) pairs among the rows with a
    non-zero weight at once (thousands of domains in one pass); replicate designs ask the
    replicate weights' rank domain by domain.
    """
    if design.replicates is not None:
        out = np.empty(n_dom)
        for d in range(n_dom):  # a handful of domains; each call is vectorised
            out[d] = design.domain_degf(base & (codes == d))
        return out
    keep = np.asarray(base, dtype=bool) & (codes >= 0) & (design.weights > 0)
    dom = codes[keep].astype(np.int64)

    def distinct(groups: np.ndarray) -> np.ndarray:
        size = int(groups.max()) + 1 if groups.size else 1
        pairs = np.unique(dom * size + groups[keep].astype(np.int64))
        return np.bincount(pairs // size, minlength=n_dom)

    return (distinct(design.psu) - distinct(design.strata)).astype(float)


def domain_name(labels: pd.Index, d: int) -> str:
    label = labels[d]
    return repr(tuple(label) if isinstance(label, tuple) else label)


def check_zero_weights(
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
        names = ", ".join(domain_name(labels, int(d)) for d in bad)
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


def prepare(
    design: SurveyDesign,
    variables: str | Sequence[str],
    by: str | Sequence[str] | None,
    domain: DomainArg,
    na_rm: bool,
    func: str,
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, pd.Index, list[str], np.ndarray]:
    names, y = design_variables(design, variables, func)
    base = domain_mask(design, domain, func)
    codes, labels, by_cols = by_codes(design, by, func)
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


