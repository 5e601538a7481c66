"""Taylor-linearisation variance from PSU (and SSU) totals of influence values, as R's ``svyrecvar``.

For one stage, ``V = Σ_h c_h Σ_i (Z_hi - Z̄_h)(Z_hi - Z̄_h)ᵀ`` with ``c_h = (1 - f_h) n_h / (n_h - 1)``,
where ``Z_hi`` are the PSU totals of the influence values and ``Z̄_h`` their mean over all ``n_h``
PSUs of the stratum in the full design (PSUs without domain members count as zero). With an fpc at
two stages, ``V = V_1 + Σ_PSU (n_h / N_h) V_2(PSU)`` (R's ``survey.ultimate.cluster = FALSE``).

Lonely PSUs follow R's ``survey.lonely.psu`` and ``survey.adjust.domain.lonely`` options.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

import numpy as np
from scipy import sparse

from dgi_stats.exceptions import SingletonPSUError
from dgi_stats.survey.variance.structured import (
    SPARSE_SHARE,
    FactorTerm,
    StructuredCovariance,
)

if TYPE_CHECKING:
    from dgi_stats.survey.design import SurveyDesign

__all__ = ["effective_df", "taylor_covariance", "taylor_variance"]

_CERTAIN = 1e-7


def _group_sum(codes: np.ndarray, x: np.ndarray, n_groups: int) -> np.ndarray:
    """Sum the rows of ``x`` (m x K) by integer group code."""
    m = len(codes)
    agg = sparse.csr_matrix((np.ones(m), (codes, np.arange(m))), shape=(n_groups, m))
    return np.asarray(agg @ x)


def _onestage(
    z: np.ndarray,
    unit_stratum: np.ndarray,
    n_h: np.ndarray,
    pop_h: np.ndarray | None,
    present: np.ndarray | None,
    *,
    lonely: str,
    adjust_domain: bool,
    stage: int,
    stratum_labels: np.ndarray,
    unit_labels: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Centred unit totals and per-unit scale for one stage.

    Returns ``(zc, scale, n_strat, n_ok)``: ``V = (zc * scale).T @ zc`` before the ``average``
    rescaling ``n_strat / n_ok`` per column.
    """
    k = z.shape[1]
    n_strata = n_h.shape[0]
    if pop_h is None:
        f = np.ones(n_strata)
    else:
        f = np.where(np.isinf(pop_h), 1.0, (pop_h - n_h) / np.where(np.isinf(pop_h), 1.0, pop_h))
    certain = f < _CERTAIN
    scale_h = np.where(n_h > 1, f * n_h / np.maximum(n_h - 1, 1), f)
    sums = _group_sum(unit_stratum, z, n_strata)
    means = sums / n_h[:, None]
    zc = z - means[unit_stratum]
    if present is None:
        nsub = np.broadcast_to(n_h[:, None], (n_strata, k))
    else:
        nsub = _group_sum(unit_stratum, present.astype(float), n_strata)
    active = nsub > 0  # strata present in the (domain) subset, per column
    single = (n_h == 1)[:, None] & active & ~certain[:, None]
    if single.any() and lonely == "fail":
        h = int(np.flatnonzero(single.any(axis=1))[0])
        units = unit_labels[unit_stratum == h].tolist()
        label = stratum_labels[h]
        msg = (
            f"Stratum ({label}) has only one PSU at stage {stage} (PSU {units[0]!r}). Set "
            "lonely_psu to 'remove' or 'certainty' (the stratum contributes nothing), 'adjust' "
            "(centre the lone PSU at zero) or 'average' (use the average variance of the other "
            "strata), or merge the stratum with another."
        )
        raise SingletonPSUError(msg)
    dom_single = (n_h > 1)[:, None] & (nsub == 1) & adjust_domain & ~certain[:, None]
    if dom_single.any():
        hs = np.flatnonzero(dom_single.any(axis=1))
        listed = ", ".join(f"({stratum_labels[h]})" for h in hs[:10])
        msg = (
            f"Stratum {listed} has only one PSU at stage {stage} within the domain; "
            f"lonely_psu={lonely!r} is applied to it (adjust_domain_lonely=True)."
        )
        warnings.warn(msg, UserWarning, stacklevel=5)
    no_centre = np.zeros((n_strata, k), dtype=bool)
    if lonely == "adjust":
        no_centre = single | dom_single
    na = np.zeros((n_strata, k), dtype=bool)
    if lonely == "average":
        na = single | dom_single
    zc = np.where(no_centre[unit_stratum], z, zc)
    drop = na | certain[:, None] | ~active
    zc = np.where(drop[unit_stratum], 0.0, zc)
    scale = scale_h[unit_stratum]
    n_strat = active.sum(axis=0).astype(float)
    n_ok = n_strat - na.sum(axis=0)
    return zc, scale, n_strat, n_ok


def _onestage_sparse(
    z: sparse.csr_matrix,
    unit_stratum: np.ndarray,
    n_h: np.ndarray,
    pop_h: np.ndarray | None,
    present: sparse.csr_matrix | None,
    *,
    lonely: str,
    adjust_domain: bool,
    stage: int,
    stratum_labels: np.ndarray,
    unit_labels: np.ndarray,
) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_onestage` for sparse unit totals, touching only the (stratum, column) cells in use.

    A cell is a stratum and a column with a non-zero total or a present unit; centring fills the
    cell's column for every unit of the stratum (its own domain's PSUs when domains are nested
    in strata), so ``zc`` stays as sparse as ``z`` times the PSUs per stratum. The values are
    those of the dense computation: the same sums in the same order, ``z − mean``.
    """
    n_units, k = z.shape
    n_strata = n_h.shape[0]
    if pop_h is None:
        f = np.ones(n_strata)
    else:
        f = np.where(np.isinf(pop_h), 1.0, (pop_h - n_h) / np.where(np.isinf(pop_h), 1.0, pop_h))
    certain = f < _CERTAIN
    scale_h = np.where(n_h > 1, f * n_h / np.maximum(n_h - 1, 1), f)
    zcoo = sparse.coo_matrix(z)
    zcoo.sum_duplicates()  # sorted by (unit, column): the order of the dense sums
    zi, zj, zv = zcoo.row, zcoo.col, zcoo.data
    zkey = unit_stratum[zi].astype(np.int64) * k + zj
    if present is not None:
        pcoo = sparse.coo_matrix(present)
        pcoo.eliminate_zeros()
        pkey = unit_stratum[pcoo.row].astype(np.int64) * k + pcoo.col
        cells, inv = np.unique(np.concatenate([zkey, pkey]), return_inverse=True)
        zcell, pcell = inv[: len(zkey)], inv[len(zkey) :]
        nsub = np.bincount(pcell, minlength=len(cells)).astype(float)
    else:
        cells, zcell = np.unique(zkey, return_inverse=True)
        nsub = None
    ch, cj = cells // k, cells % k
    sums = np.bincount(zcell, weights=zv, minlength=len(cells))
    means = sums / n_h[ch]
    nsub_c = n_h[ch].astype(float) if nsub is None else nsub
    active = nsub_c > 0
    single = (n_h[ch] == 1) & active & ~certain[ch]
    if lonely == "fail":
        if present is None:
            lone = np.flatnonzero((n_h == 1) & ~certain) if k else np.array([], dtype=np.intp)
        else:
            lone = np.unique(ch[single])
        if lone.size:
            h = int(lone[0])
            units = unit_labels[unit_stratum == h].tolist()
            label = stratum_labels[h]
            msg = (
                f"Stratum ({label}) has only one PSU at stage {stage} (PSU {units[0]!r}). Set "
                "lonely_psu to 'remove' or 'certainty' (the stratum contributes nothing), 'adjust' "
                "(centre the lone PSU at zero) or 'average' (use the average variance of the other "
                "strata), or merge the stratum with another."
            )
            raise SingletonPSUError(msg)
    dom_single = (n_h[ch] > 1) & (nsub_c == 1) & adjust_domain & ~certain[ch]
    if dom_single.any():
        hs = np.unique(ch[dom_single])
        listed = ", ".join(f"({stratum_labels[h]})" for h in hs[:10])
        msg = (
            f"Stratum {listed} has only one PSU at stage {stage} within the domain; "
            f"lonely_psu={lonely!r} is applied to it (adjust_domain_lonely=True)."
        )
        warnings.warn(msg, UserWarning, stacklevel=5)
    no_centre = (single | dom_single) if lonely == "adjust" else np.zeros(len(cells), dtype=bool)
    na = (single | dom_single) if lonely == "average" else np.zeros(len(cells), dtype=bool)
    drop = na | certain[ch] | ~active
    keep_z = ~drop[zcell]
    fill = ~drop & ~no_centre & (means != 0)
    # every unit of the stratum of a filled cell gets -mean in the cell's column
    order = np.argsort(unit_stratum, kind="stable")
    starts = np.concatenate([[0], np.cumsum(n_h)[:-1]]).astype(np.int64)
    fc = np.flatnonzero(fill)
    counts = n_h[ch[fc]].astype(np.int64)
    rep = np.repeat(np.arange(len(fc)), counts)
    offs = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    fill_units = order[starts[ch[fc]][rep] + offs]
    rows = np.concatenate([zi[keep_z], fill_units])
    cols = np.concatenate([zj[keep_z], cj[fc][rep]])
    vals = np.concatenate([zv[keep_z], -means[fc][rep]])
    zc = sparse.csr_matrix((vals, (rows, cols)), shape=(n_units, k))
    zc.sum_duplicates()
    zc.eliminate_zeros()
    scale = scale_h[unit_stratum]
    if present is None:
        n_strat = np.full(k, float(n_strata))
        lone_n = float(((n_h == 1) & ~certain).sum()) if lonely == "average" else 0.0
        n_ok = n_strat - lone_n
    else:
        n_strat = np.bincount(cj[active], minlength=k).astype(float)
        n_ok = n_strat - np.bincount(cj[na], minlength=k)
    return zc, scale, n_strat, n_ok


@dataclass(frozen=True)
class _Stage:
    """One stage of the variance: centred totals, their weights, and the groups they vary within."""

    zc: np.ndarray  # centred totals (units x K)
    weight: np.ndarray  # per-unit multiplier: V_stage = (zc * weight).T @ zc
    group: np.ndarray  # group (stratum; PSU at stage 2) of every unit
    n_units: np.ndarray  # units per group
    n_strat: np.ndarray
    n_ok: np.ndarray


#: PSU (SSU) totals: dense, or scipy sparse when a PSU holds few domains.
Totals: TypeAlias = np.ndarray | sparse.spmatrix


def _as_input(
    z: Totals, present: Totals | None
) -> tuple[np.ndarray | sparse.csr_matrix, np.ndarray | sparse.csr_matrix | None]:
    """Sparse totals stay sparse when mostly zeros; otherwise the dense computation is used."""
    if sparse.issparse(z):
        zs = sparse.csr_matrix(z, dtype=float)
        if zs.nnz < SPARSE_SHARE * zs.shape[0] * zs.shape[1]:
            pr = None if present is None else sparse.csr_matrix(present, dtype=bool)
            return zs, pr
        z = zs.toarray()
    pr_d = None
    if present is not None:
        pr_d = (
            sparse.csr_matrix(present).toarray() if sparse.issparse(present)
            else np.asarray(present, dtype=bool)
        )
    return np.asarray(z, dtype=float), pr_d


def _onestage_any(
    z: Totals,
    present: Totals | None,
    unit_stratum: np.ndarray,
    n_h: np.ndarray,
    pop_h: np.ndarray | None,
    *,
    lonely: str,
    adjust_domain: bool,
    stage: int,
    stratum_labels: np.ndarray,
    unit_labels: np.ndarray,
) -> tuple[Totals, np.ndarray, np.ndarray, np.ndarray]:
    zz, pr = _as_input(z, present)
    if sparse.issparse(zz):
        return _onestage_sparse(
            sparse.csr_matrix(zz), unit_stratum, n_h, pop_h,
            None if pr is None else sparse.csr_matrix(pr),
            lonely=lonely, adjust_domain=adjust_domain, stage=stage,
            stratum_labels=stratum_labels, unit_labels=unit_labels,
        )
    return _onestage(
        np.asarray(zz), unit_stratum, n_h, pop_h, None if pr is None else np.asarray(pr),
        lonely=lonely, adjust_domain=adjust_domain, stage=stage,
        stratum_labels=stratum_labels, unit_labels=unit_labels,
    )


def _stages(
    design: SurveyDesign,
    zp: Totals,
    zs: Totals | None,
    psu_present: Totals | None,
    ssu_present: Totals | None,
) -> list[_Stage]:
    """The first stage (PSUs within strata) and, with a two-stage fpc, the second (SSUs within PSUs).

    R's ``svyrecvar``: ``V = V_1 + Σ_PSU (n_h / N_h) V_2(PSU)``.
    """
    stage1_pop = design.fpc[0]
    zc, scale, n_strat, n_ok = _onestage_any(
        zp, psu_present, design.psu_stratum, design.n_psu_stratum, stage1_pop,
        lonely=design.lonely_psu, adjust_domain=design.adjust_domain_lonely, stage=1,
        stratum_labels=design.strata_labels, unit_labels=design.psu_labels,
    )
    out = [_Stage(zc, scale, design.psu_stratum, design.n_psu_stratum, n_strat, n_ok)]
    if (
        zs is not None
        and design.ssu is not None
        and stage1_pop is not None
        and not design.ultimate_cluster
    ):
        assert design.ssu_psu is not None
        assert design.n_ssu_psu is not None
        frac1 = design.n_psu_stratum / stage1_pop  # n_h / N_h per stratum
        zc2, scale2, n2, ok2 = _onestage_any(
            zs, ssu_present, design.ssu_psu, design.n_ssu_psu, design.fpc[1],
            lonely=design.lonely_psu, adjust_domain=design.adjust_domain_lonely,
            stage=2, stratum_labels=design.psu_labels,
            unit_labels=np.arange(len(design.ssu_psu)),
        )
        w2 = scale2 * frac1[design.psu_stratum[design.ssu_psu]]
        out.append(_Stage(zc2, w2, design.ssu_psu, design.n_ssu_psu, n2, ok2))
    return out


def taylor_covariance(
    design: SurveyDesign,
    zp: Totals,
    *,
    zs: Totals | None = None,
    psu_present: Totals | None = None,
    ssu_present: Totals | None = None,
) -> StructuredCovariance:
    """The Taylor covariance as factors ``V = Σ_stages (zc * scale)ᵀ zc``, without forming it.

    One :class:`~dgi_stats.survey.variance.structured.FactorTerm` per stage: the centred PSU
    (SSU) totals ``zc``, their scale, and with ``lonely_psu="average"`` the first stage's column
    rescaling. Sparse totals (a PSU touching only its own domain's estimates) give sparse factors;
    :meth:`~dgi_stats.survey.variance.structured.StructuredCovariance.dense` returns the numbers
    of :func:`taylor_variance`.

    Parameters
    ----------
    design : SurveyDesign
        The (Taylor) design.
    zp : numpy.ndarray or scipy.sparse matrix
        ``n_psu x K`` PSU totals of the (calibration-residualised) influence values.
    zs : numpy.ndarray or scipy.sparse matrix, optional
        ``n_ssu x K`` SSU totals, for the second-stage term (as in :func:`taylor_variance`).
    psu_present, ssu_present : numpy.ndarray or scipy.sparse matrix, optional
        As in :func:`taylor_variance`.

    Returns
    -------
    StructuredCovariance

    Examples
    --------
    >>> import pandas as pd
    >>> from dgi_stats.survey.design import SurveyDesign
    >>> d = SurveyDesign(pd.DataFrame({"y": [1.0, 2.0, 4.0]}))
    >>> z = (d.data[["y"]].to_numpy() - 7 / 3) / 3
    >>> round(float(taylor_covariance(d, z).diagonal()[0]), 6)
    0.777778
    """
    stages = _stages(design, zp, zs, psu_present, ssu_present)
    first = stages[0]
    mult = None
    if design.lonely_psu == "average":
        # R: sum over strata with a variance x #strata / #strata-with-variance (NaN if none)
        with np.errstate(divide="ignore", invalid="ignore"):
            mult = np.where(first.n_strat > 0, first.n_strat / first.n_ok, 1.0)
    terms = [FactorTerm(first.zc, first.weight, mult)]
    terms += [FactorTerm(st.zc, st.weight) for st in stages[1:]]
    return StructuredCovariance(terms, size=first.zc.shape[1])


def taylor_variance(
    design: SurveyDesign,
    zp: Totals,
    *,
    zs: Totals | None = None,
    psu_present: Totals | None = None,
    ssu_present: Totals | None = None,
) -> np.ndarray:
    """Covariance matrix of estimators whose PSU totals of influence values are ``zp``.

    The dense form of :func:`taylor_covariance`.

    Parameters
    ----------
    design : SurveyDesign
        The (Taylor) design.
    zp : numpy.ndarray or scipy.sparse matrix
        ``n_psu x K`` PSU totals of the (calibration-residualised) influence values.
    zs : numpy.ndarray or scipy.sparse matrix, optional
        ``n_ssu x K`` SSU totals, needed for the second-stage term when the design has an SSU,
        an fpc and ``ultimate_cluster`` is False.
    psu_present, ssu_present : numpy.ndarray or scipy.sparse matrix, optional
        ``n_psu x K`` (``n_ssu x K``) booleans: the PSU (SSU) holds rows of the column's domain.
        Used for lonely PSUs within domains; default: every PSU is present.

    Returns
    -------
    numpy.ndarray
        ``K x K`` covariance matrix.

    Raises
    ------
    DGIError
        The matrix would exceed :data:`~dgi_stats.survey.variance.structured.DENSE_LIMIT_BYTES`.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from dgi_stats.survey.design import SurveyDesign
    >>> d = SurveyDesign(pd.DataFrame({"y": [1.0, 2.0, 4.0]}))
    >>> z = (d.data[["y"]].to_numpy() - 7 / 3) / 3   # influence values of the mean
    >>> round(float(taylor_variance(d, z)[0, 0]), 6)
    0.777778
    """
    return taylor_covariance(
        design, zp, zs=zs, psu_present=psu_present, ssu_present=ssu_present
    ).dense()


def _satterthwaite_sparse(stages: list[_Stage]) -> tuple[np.ndarray, np.ndarray]:
    """``(Σ_g v_g)²`` and ``Σ_g v_g² / d_g`` per column from sparse (or dense) stage factors."""
    k = stages[0].zc.shape[1]
    num = np.zeros(k)
    den = np.zeros(k)
    for st in stages:
        n_groups = st.n_units.shape[0]
        m = len(st.group)
        agg = sparse.csr_matrix((np.ones(m), (st.group, np.arange(m))), shape=(n_groups, m))
        zc = sparse.csr_matrix(st.zc)
        comp = sparse.coo_matrix(agg @ zc.multiply(zc).multiply(st.weight[:, None]).tocsr())
        d = np.maximum(st.n_units - 1, 0).astype(float)[comp.row]
        use = (d > 0) & (comp.data > 0)
        num += np.bincount(comp.col[use], weights=comp.data[use], minlength=k)
        den += np.bincount(comp.col[use], weights=comp.data[use] ** 2 / d[use], minlength=k)
    return num**2, den


def effective_df(
    design: SurveyDesign,
    zp: np.ndarray,
    zs: np.ndarray | None = None,
    *,
    psu_present: np.ndarray | None = None,
    ssu_present: np.ndarray | None = None,
    design_df: np.ndarray | None = None,
) -> np.ndarray:
    """Satterthwaite effective degrees of freedom of each column's variance.

    The variance of :func:`taylor_variance` is a sum of independent components: one per stratum
    at the first stage (``c_h Σ_i (Z_hi − Z̄_h)²`` with ``n_h − 1`` df) and, with a two-stage fpc,
    one per PSU at the second stage (its SSUs' term, ``m_i − 1`` df). With ``v_g`` the components
    and ``d_g`` their df, ``ν = (Σ_g v_g)² / Σ_g v_g² / d_g`` (Satterthwaite 1946).
    It never exceeds the total df of the components that carry variance and
    falls towards one component's df when that component carries most of the variance (a large
    certainty commune whose few villages are its PSUs, a stratum of two communes). A column with
    no variance gets NaN, or with ``design_df`` its design df.

    Parameters
    ----------
    design : SurveyDesign
        The (Taylor) design.
    zp : numpy.ndarray
        ``n_psu x K`` PSU totals of the (calibration-residualised) influence values.
    zs : numpy.ndarray, optional
        ``n_ssu x K`` SSU totals, for the second-stage components (as in :func:`taylor_variance`).
    psu_present, ssu_present : numpy.ndarray, optional
        As in :func:`taylor_variance`.
    design_df : numpy.ndarray, optional
        ``K`` design df (PSUs − strata of each column's domain): the effective df are capped at
        them, and a column without variance (everyone at the ceiling) gets them.

    Returns
    -------
    numpy.ndarray
        ``K`` effective df.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from dgi_stats.survey.design import SurveyDesign
    >>> d = SurveyDesign(pd.DataFrame({"h": [1, 1, 1, 2, 2, 2], "p": range(6)}), strata="h", psu="p")
    >>> z = np.array([[1.0], [-1.0], [0.0], [10.0], [-10.0], [0.0]])
    >>> round(float(effective_df(d, z)[0]), 2)   # stratum 2 dominates: close to its 2 df
    2.04
    """
    stages = _stages(design, zp, zs, psu_present, ssu_present)
    if any(sparse.issparse(st.zc) for st in stages):
        num, den = _satterthwaite_sparse(stages)
    else:
        comps, dfs = [], []
        for st in stages:
            w = np.asarray(st.weight, dtype=float)
            w = w[:, None] if w.ndim == 1 else w
            comps.append(_group_sum(st.group, st.zc * st.zc * w, st.n_units.shape[0]))
            dfs.append(np.maximum(st.n_units - 1, 0).astype(float))
        v_all = np.vstack(comps)
        d_all = np.concatenate(dfs)[:, None]
        use = (d_all > 0) & (v_all > 0)
        num = np.where(use, v_all, 0.0).sum(axis=0) ** 2
        den = np.where(use, v_all**2 / np.where(d_all > 0, d_all, 1.0), 0.0).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        nu = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    if design_df is None:
        return nu
    cap = np.broadcast_to(np.asarray(design_df, dtype=float), nu.shape)
    return np.where(nu > 0, np.minimum(nu, cap), cap)
