"""Replicate weights built and applied at the PSU level, as R's ``as.svrepdesign``.

Every method produces a PSU x R factor matrix ``F``; the replicate analysis weight of a row is its
full-sample weight times the factor of its PSU. Replicate estimates are computed from PSU totals
(``Fᵀ @ totals``), never from an ``n x R`` weight matrix.

* ``jk1``: drop one PSU at a time, others x n/(n - 1); ``scale = (n - 1)/n (1 - f)``.
* ``jkn``: within stratum h, drop one PSU, the stratum's other PSUs x n_h/(n_h - 1);
  ``rscales = (n_h - 1)/n_h (1 - f_h)``, ``scale = 1``.
* ``brr`` / ``fay``: half-samples from a Sylvester Hadamard matrix (``scipy.linalg.hadamard``) (two PSUs per stratum); factors
  ``2 - rho`` and ``rho``; ``scale = 1/(R (1 - rho)^2)``.
* ``bootstrap`` (Rao–Wu with ``m_h = n_h``): raw with-replacement counts of the n_h PSUs of each
  stratum (without replacement from ``N_h`` copies with an fpc, as R); ``scale = n̄/((n̄ - 1)(R - 1))``
  with n̄ the harmonic mean of the n_h.
* ``subbootstrap``: n_h - 1 draws, counts x n_h/(n_h - 1); ``scale = 1/(R - 1)``.

This module works on arrays: it knows the replicate structure (:class:`ReplicateSpec`) and how to
build it, not :class:`~dgi_stats.survey.design.SurveyDesign`, which imports it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from scipy.linalg import hadamard

from dgi_stats._typing import FloatArray
from dgi_stats.exceptions import DGIError, SingletonPSUError
from dgi_stats.survey.variance.structured import FactorTerm, StructuredCovariance

__all__ = [
    "REPLICATE_METHODS",
    "ReplicateSpec",
    "StratifiedPSUs",
    "make_replicates",
    "matrix_rank",
    "replicate_covariance",
    "replicate_deviations",
    "replicate_factors",
    "replicate_spec_from_weights",
    "replicate_structured",
    "replicate_variance",
]

REPLICATE_METHODS = ("jk1", "jkn", "brr", "fay", "bootstrap", "subbootstrap", "other")


@dataclass(frozen=True, slots=True)
class ReplicateSpec:
    """How the replicates of a replicate design are built and combined.

    The replicate analysis weight of row ``i`` in replicate ``r`` is
    ``base[i] * factors[group[i], r]``. ``group`` is the PSU of the row for designs built by
    :meth:`SurveyDesign.replicate` (a PSU x R factor matrix) and the row itself (or a group of rows
    with identical factors) for user-supplied replicate weights.

    Attributes
    ----------
    method : str
        ``"jk1"``, ``"jkn"``, ``"brr"``, ``"fay"``, ``"bootstrap"``, ``"subbootstrap"`` or ``"other"``.
    group : numpy.ndarray
        Integer group code of every row (length n).
    factors : numpy.ndarray
        Groups x replicates factor matrix.
    base : numpy.ndarray
        Row-level base weights the factors multiply (length n).
    scale : float
        Overall variance multiplier.
    rscales : numpy.ndarray
        Per-replicate multipliers (length R).
    mse : bool
        Centre replicates at the full-sample estimate (True) or at their mean (False).
    fay_rho : float or None
        Fay's rho (Fay's method only).
    degf : int
        Degrees of freedom, rank of the replicate weights minus one (R's ``degf``); computed on
        first use and cached.
    df_group, df_factors : numpy.ndarray or None
        The replicate structure the degrees of freedom are counted on when the replicate weights
        were recalibrated (raking, calibration): the factors before calibration. Calibration
        makes the factors vary within PSUs, which raises the rank of the replicate weights
        without adding any independent PSU contrast. None: count on ``group``/``factors``.

    Examples
    --------
    A JK1 design with two PSUs (one row each):

    >>> import numpy as np
    >>> s = ReplicateSpec("jk1", np.arange(2), np.array([[0.0, 2.0], [2.0, 0.0]]),
    ...                   np.ones(2), 0.5, np.ones(2), False, None)
    >>> s.n_replicates, s.degf, s.multipliers.tolist()
    (2, 1, [0.5, 0.5])
    """

    method: str
    group: np.ndarray
    factors: np.ndarray
    base: np.ndarray
    scale: float
    rscales: np.ndarray
    mse: bool
    fay_rho: float | None
    degf_cache: list[int] = field(default_factory=list, repr=False, compare=False)
    df_group: np.ndarray | None = None
    df_factors: np.ndarray | None = None

    def df_structure(self) -> tuple[np.ndarray, np.ndarray]:
        """The ``(group, factors)`` the domain degrees of freedom are counted on.

        Returns
        -------
        tuple of numpy.ndarray
            ``(df_group, df_factors)`` when the replicates were recalibrated, else
            ``(group, factors)``.

        Examples
        --------
        >>> import numpy as np
        >>> s = ReplicateSpec("jk1", np.arange(2), np.array([[0.0, 2.0], [2.0, 0.0]]),
        ...                   np.ones(2), 0.5, np.ones(2), False, None)
        >>> s.df_structure()[1].shape
        (2, 2)
        """
        if self.df_group is not None and self.df_factors is not None:
            return self.df_group, self.df_factors
        return self.group, self.factors

    @property
    def degf(self) -> int:
        """Rank of the replicate analysis weights minus one (R's ``degf``), cached."""
        if not self.degf_cache:
            active = np.zeros(self.factors.shape[0], dtype=bool)
            active[self.group[self.base > 0]] = True
            self.degf_cache.append(matrix_rank(self.factors[active]) - 1)
        return self.degf_cache[0]

    def domain_degf(self, in_domain: np.ndarray) -> int:
        """Rank of the domain's replicate factors minus one, counted before any recalibration.

        This is the df that intervals and rank inference use. It differs from R's ``degf`` of a
        recalibrated design, which counts the rank of the calibrated replicate weights (e.g. 42
        instead of 14 for a raked bootstrap of a 15-PSU design): calibration adds rank, not PSU
        contrasts, and the inflated count makes t intervals and rank sets too narrow.

        Parameters
        ----------
        in_domain : numpy.ndarray
            One boolean per row.

        Returns
        -------
        int
            The domain's degrees of freedom.

        Examples
        --------
        >>> import numpy as np
        >>> s = ReplicateSpec("jk1", np.arange(3), 1.5 * (1 - np.eye(3)), np.ones(3), 2 / 3,
        ...                   np.ones(3), False, None)
        >>> s.domain_degf(np.array([True, True, False])), s.degf
        (1, 2)
        """
        rows = np.asarray(in_domain, dtype=bool) & (self.base > 0)
        group, factors = self.df_structure()
        if rows.all() and self.df_group is None:
            return self.degf
        active = np.zeros(factors.shape[0], dtype=bool)
        active[group[rows]] = True
        return matrix_rank(factors[active]) - 1

    def with_base(self, base: np.ndarray) -> ReplicateSpec:
        """The same replicates on other base weights (degf kept when the support is unchanged).

        Parameters
        ----------
        base : numpy.ndarray
            New row-level base weights (length n).

        Returns
        -------
        ReplicateSpec

        Examples
        --------
        >>> import numpy as np
        >>> s = ReplicateSpec("jk1", np.arange(2), np.array([[0.0, 2.0], [2.0, 0.0]]),
        ...                   np.ones(2), 0.5, np.ones(2), False, None)
        >>> s.with_base(np.full(2, 3.0)).base.tolist()
        [3.0, 3.0]
        """
        same = np.array_equal(base > 0, self.base > 0)
        return ReplicateSpec(
            self.method,
            self.group,
            self.factors,
            base,
            self.scale,
            self.rscales,
            self.mse,
            self.fay_rho,
            list(self.degf_cache) if same else [],
            self.df_group,
            self.df_factors,
        )

    @property
    def n_replicates(self) -> int:
        """Number of replicates R."""
        return int(self.factors.shape[1])

    @property
    def multipliers(self) -> np.ndarray:
        """``scale * rscales`` per replicate."""
        return self.scale * self.rscales



def matrix_rank(f: np.ndarray, tol: float = 1e-5) -> int:
    """Numerical rank (singular values above ``tol`` x the largest, like R's ``qr(tol = 1e-5)``).

    Computed from the eigenvalues of the smaller Gram matrix, which is much faster than an SVD of
    a PSU x replicate matrix with thousands of rows or columns.

    Parameters
    ----------
    f : numpy.ndarray
        A 2-d matrix (groups x replicates).
    tol : float
        Relative tolerance on the singular values. default: 1e-5.

    Returns
    -------
    int
        The numerical rank.

    Examples
    --------
    >>> import numpy as np
    >>> matrix_rank(np.array([[1.0, 2.0], [2.0, 4.0]]))
    1
    """
    if f.size == 0:
        return 0
    gram = f @ f.T if f.shape[0] <= f.shape[1] else f.T @ f
    ev = np.linalg.eigvalsh(gram)
    top = ev[-1]
    if top <= 0:
        return 0
    return int((ev > (tol**2) * top).sum())


def _row_level_spec(
    base: np.ndarray,
    rw: np.ndarray,
    *,
    method: str,
    scale: float,
    rscales: np.ndarray,
    mse: bool,
    fay_rho: float | None,
) -> ReplicateSpec:
    """Replicate spec from n x R analysis weights, grouping rows with identical factors."""
    pos = base > 0
    safe = np.where(pos, base, 1.0)
    factors_rows = rw / safe[:, None]
    # rows with zero base weight carry their replicate weights as factors of a base of 1
    rep_base = np.where(pos, base, 1.0)
    zero_all = ~pos & (rw == 0).all(axis=1)
    rep_base = np.where(zero_all, 0.0, rep_base)
    uniq, group = np.unique(factors_rows, axis=0, return_inverse=True)
    group = np.asarray(group, dtype=np.intp).ravel()
    return ReplicateSpec(
        method=method,
        group=group,
        factors=uniq,
        base=rep_base,
        scale=float(scale),
        rscales=np.asarray(rscales, dtype=float),
        mse=bool(mse),
        fay_rho=None if fay_rho is None else float(fay_rho),
    )


def replicate_spec_from_weights(
    base: np.ndarray,
    rw: np.ndarray,
    *,
    method: str = "other",
    scale: float | None = None,
    rscales: Sequence[float] | np.ndarray | None = None,
    mse: bool = False,
    fay_rho: float | None = None,
) -> ReplicateSpec:
    """The replicate structure of ``n x R`` replicate analysis weights (R's ``svrepdesign``).

    Rows with identical factors ``rw / base`` share a group, so that replicate estimates are
    computed from group totals.

    Parameters
    ----------
    base : numpy.ndarray
        Full-sample weights (length n).
    rw : numpy.ndarray
        Replicate analysis weights (n x R), finite and >= 0.
    method : str
        One of :data:`REPLICATE_METHODS`; sets the default ``scale``. default: "other".
    scale : float, optional
        Variance multiplier; default from the method as R (JK1: (R-1)/R, bootstrap and
        subbootstrap: 1/(R-1), BRR: 1/R, Fay: 1/(R(1-rho)^2), JKn and other: 1).
    rscales : sequence of float, optional
        Per-replicate multipliers. default: 1.
    mse : bool
        Centre at the full-sample estimate. default: False.
    fay_rho : float, optional
        Fay's rho (method "fay"). default: None.

    Returns
    -------
    ReplicateSpec

    Raises
    ------
    DGIError
        Unknown method, or ``rscales`` without one value per replicate.

    Examples
    --------
    >>> import numpy as np
    >>> rw = np.array([[0.0, 1.5, 1.5], [1.5, 0.0, 1.5], [1.5, 1.5, 0.0]])
    >>> s = replicate_spec_from_weights(np.ones(3), rw, method="jk1")
    >>> round(s.scale, 4), s.n_replicates
    (0.6667, 3)
    """
    if method not in REPLICATE_METHODS:
        msg = f"The 'method' parameter must be one of {REPLICATE_METHODS}. Got {method!r}."
        raise DGIError(msg)
    r = rw.shape[1]
    rho = 0.0 if fay_rho is None else float(fay_rho)
    if scale is None:
        scale = {
            "jk1": (r - 1) / r,
            "bootstrap": 1 / (r - 1),
            "subbootstrap": 1 / (r - 1),
            "brr": 1 / r,
            "fay": 1 / (r * (1 - rho) ** 2),
        }.get(method, 1.0)
    rs = np.ones(r) if rscales is None else np.asarray(rscales, dtype=float)
    if rs.shape != (r,):
        msg = f"The 'rscales' parameter must have one value per replicate ({r}). Got {rs.shape}."
        raise DGIError(msg)
    return _row_level_spec(
        base, rw, method=method, scale=float(scale), rscales=rs, mse=bool(mse), fay_rho=fay_rho
    )


class StratifiedPSUs(Protocol):
    """What :func:`make_replicates` reads of a design (a :class:`SurveyDesign` has all of it).

    Examples
    --------
    >>> import pandas as pd
    >>> from dgi_stats.survey.design import SurveyDesign
    >>> isinstance(SurveyDesign(pd.DataFrame({"c": [1, 2]}), psu="c").n_psu_stratum.sum(), float)
    True
    """

    @property
    def psu(self) -> np.ndarray: ...
    @property
    def weights(self) -> np.ndarray: ...
    @property
    def psu_stratum(self) -> np.ndarray: ...
    @property
    def n_psu_stratum(self) -> np.ndarray: ...
    @property
    def strata_labels(self) -> np.ndarray: ...
    @property
    def fpc(self) -> tuple[np.ndarray | None, np.ndarray | None]: ...
    @property
    def lonely_psu(self) -> str: ...


def replicate_factors(
    psu_stratum: np.ndarray,
    n_psu_stratum: np.ndarray,
    method: str,
    *,
    strata_labels: np.ndarray | None = None,
    stratum_population: np.ndarray | None = None,
    lonely_psu: str = "fail",
    n_replicates: int | None = None,
    rng: np.random.Generator | None = None,
    fay_rho: float = 0.0,
) -> tuple[np.ndarray, float, np.ndarray, float | None]:
    """The PSU x R replicate factors of a stratified design (see the module docstring).

    Parameters
    ----------
    psu_stratum : numpy.ndarray
        Stratum code (0..H-1) of every PSU.
    n_psu_stratum : numpy.ndarray
        Number of PSUs of every stratum (length H).
    method : {"jk1", "jkn", "brr", "fay", "bootstrap", "subbootstrap"}
        Replicate method.
    strata_labels : numpy.ndarray, optional
        Stratum labels, for messages. default: None (the codes).
    stratum_population : numpy.ndarray, optional
        Population number of PSUs of every stratum (stage-1 fpc). default: None (no fpc).
    lonely_psu : str
        R's ``survey.lonely.psu`` for one-PSU strata (JKn). default: "fail".
    n_replicates : int, optional
        Bootstrap replicates (default 50).
    rng : numpy.random.Generator, optional
        Random numbers (bootstrap methods).
    fay_rho : float
        Fay's rho. default: 0.

    Returns
    -------
    tuple
        ``(factors, scale, rscales, fay_rho)``: the PSU x R factor matrix, the overall variance
        multiplier, the per-replicate multipliers and Fay's rho (None except for BRR and Fay).

    Raises
    ------
    DGIError
        Unknown method, a structure the method cannot use (BRR without two PSUs per stratum,
        bootstrap with a one-PSU stratum, JK1 with a stratum-specific fpc or a single PSU).
    SingletonPSUError
        JKn with a one-PSU stratum (not sampled entirely) and ``lonely_psu="fail"``.

    Examples
    --------
    >>> import numpy as np
    >>> f, scale, rscales, rho = replicate_factors(np.zeros(3, int), np.array([3.0]), "jk1")
    >>> f[:, 0].tolist(), round(scale, 4)
    ([0.0, 1.5, 1.5], 0.6667)
    """
    if strata_labels is None:
        strata_labels = np.arange(np.asarray(n_psu_stratum).size)
    method = method.lower()
    strat = np.asarray(psu_stratum, dtype=np.intp)
    n_psu = strat.size
    n_h = np.asarray(n_psu_stratum, dtype=float)
    n_strata_all = n_h.size
    pop = stratum_population
    rscales: np.ndarray
    scale: float
    rho: float | None = None
    if method == "jk1":
        if n_psu < 2:
            msg = "method='jk1' needs two or more PSUs; the design has one."
            raise DGIError(msg)
        f = 1.0
        if pop is not None:
            if np.unique(pop).size > 1:
                msg = (
                    "method='jk1' needs a single fpc for the whole design; with stratum-specific "
                    "fpc use method='jkn'."
                )
                raise DGIError(msg)
            f = float((pop[0] - n_psu) / pop[0])
        factors = np.full((n_psu, n_psu), n_psu / (n_psu - 1))
        np.fill_diagonal(factors, 0.0)
        scale = f * (n_psu - 1) / n_psu
        rscales = np.ones(n_psu)
    elif method == "jkn":
        f_h = np.ones(n_strata_all) if pop is None else (pop - n_h) / pop
        cols: list[np.ndarray] = []
        rs: list[float] = []
        n_strata = n_strata_all
        for h in range(n_strata):
            members = np.flatnonzero(strat == h)
            nh = members.size
            if nh == 1 and f_h[h] == 0:
                # a one-PSU stratum sampled entirely (fpc: f = 0) has no sampling variance, as in
                # Taylor linearisation: it gets no replicate (n_h / (n_h - 1) would divide by 0)
                continue
            if nh == 1:
                if lonely_psu == "fail":
                    msg = (
                        f"Stratum ({strata_labels[h]}) has only one PSU: JKn replicates "
                        "need two or more. Set lonely_psu to 'remove', 'certainty', 'average' "
                        "or 'adjust', or merge strata."
                    )
                    raise SingletonPSUError(msg)
                if lonely_psu == "adjust":
                    col = np.where(strat == h, 0.0, n_strata / (n_strata - 1))
                    cols.append(col)
                    rs.append((n_strata - 1) / n_strata)
                continue
            for j in members:
                col = np.ones(n_psu)
                col[members] = nh / (nh - 1)
                col[j] = 0.0
                cols.append(col)
                rs.append((nh - 1) / nh * f_h[h])
        factors = np.column_stack(cols)
        scale = 1.0
        rscales = np.asarray(rs)
    elif method in ("brr", "fay"):
        rho = float(fay_rho) if method == "fay" else 0.0
        if not 0.0 <= rho < 1.0:
            msg = f"The 'fay_rho' parameter must be in [0, 1). Got {fay_rho!r}."
            raise DGIError(msg)
        if not (n_h == 2).all():
            bad = strata_labels[n_h != 2][:10].tolist()
            msg = (
                f"method={method!r} needs exactly two PSUs in every stratum; stratum(s) {bad} "
                "have another number. Pair the PSUs into pseudo-strata first."
            )
            raise DGIError(msg)
        n_strata = n_strata_all
        had = hadamard(1 << int(n_strata).bit_length())  # Sylvester order >= n_strata + 1
        r = had.shape[0]
        factors = np.empty((n_psu, r))
        for h in range(n_strata):
            first, second = np.flatnonzero(strat == h)
            plus = had[h + 1] > 0
            factors[first] = np.where(plus, 2 - rho, rho)
            factors[second] = np.where(plus, rho, 2 - rho)
        scale = 1.0 / (r * (1 - rho) ** 2)
        rscales = np.ones(r)
    elif method in ("bootstrap", "subbootstrap"):
        b = 50 if n_replicates is None else int(n_replicates)
        if b < 2:
            msg = f"The 'n_replicates' parameter must be >= 2. Got {n_replicates!r}."
            raise DGIError(msg)
        if rng is None:
            rng = np.random.default_rng()
        if (n_h < 2).any():
            bad = strata_labels[n_h < 2][:10].tolist()
            msg = f"method={method!r} needs two or more PSUs in every stratum; stratum(s) {bad} have one."
            raise DGIError(msg)
        factors = np.zeros((n_psu, b))
        for h in range(n_strata_all):
            members = np.flatnonzero(strat == h)
            nh = members.size
            if method == "bootstrap":
                if pop is None or np.isinf(pop[h]):
                    draws = rng.integers(0, nh, size=(b, nh))
                    counts = np.bincount(
                        (draws + nh * np.arange(b)[:, None]).ravel(), minlength=b * nh
                    ).reshape(b, nh)
                else:
                    big = round(float(pop[h]))
                    counts = rng.multivariate_hypergeometric(
                        np.full(nh, big // nh) + (np.arange(nh) < big % nh), nh, size=b
                    )
                factors[members] = counts.T
            else:
                draws = rng.integers(0, nh, size=(b, nh - 1))
                counts = np.bincount(
                    (draws + nh * np.arange(b)[:, None]).ravel(), minlength=b * nh
                ).reshape(b, nh)
                factors[members] = counts.T * nh / (nh - 1)
        if method == "bootstrap":
            nbar = float(1.0 / np.mean(1.0 / n_h))
            scale = nbar / ((nbar - 1) * (b - 1))
        else:
            scale = 1.0 / (b - 1)
        rscales = np.ones(b)
    else:
        msg = (
            "The 'method' parameter of replicate must be one of 'jk1', 'jkn', 'brr', 'fay', "
            f"'bootstrap', 'subbootstrap'. Got {method!r} instead."
        )
        raise DGIError(msg)
    return factors, float(scale), np.asarray(rscales, dtype=float), rho


def make_replicates(
    design: StratifiedPSUs,
    method: str,
    *,
    n_replicates: int | None = None,
    rng: np.random.Generator | None = None,
    fay_rho: float = 0.0,
    mse: bool = False,
) -> ReplicateSpec:
    """The PSU-level replicate structure of a Taylor design (R's ``as.svrepdesign``).

    Parameters
    ----------
    design : SurveyDesign
        A Taylor design (strata, PSUs, fpc at stage 1); any object with the attributes of
        :class:`StratifiedPSUs`.
    method : {"jk1", "jkn", "brr", "fay", "bootstrap", "subbootstrap"}
        Replicate method.
    n_replicates : int, optional
        Bootstrap replicates (default 50).
    rng : numpy.random.Generator, optional
        Random numbers (bootstrap methods).
    fay_rho : float
        Fay's rho. default: 0.
    mse : bool
        Centre at the full-sample estimate. default: False.

    Returns
    -------
    ReplicateSpec

    Examples
    --------
    >>> import pandas as pd
    >>> from dgi_stats.survey.design import SurveyDesign
    >>> d = SurveyDesign(pd.DataFrame({"c": [1, 2, 3, 4]}), psu="c")
    >>> spec = make_replicates(d, "jk1")
    >>> spec.factors[0].tolist(), round(spec.scale, 4)
    ([0.0, 1.3333333333333333, 1.3333333333333333, 1.3333333333333333], 0.75)
    """
    method = method.lower()
    factors, scale, rscales, rho = replicate_factors(
        design.psu_stratum,
        design.n_psu_stratum,
        method,
        strata_labels=design.strata_labels,
        stratum_population=design.fpc[0],
        lonely_psu=design.lonely_psu,
        n_replicates=n_replicates,
        rng=rng,
        fay_rho=fay_rho,
    )
    return ReplicateSpec(
        method=method,
        group=np.asarray(design.psu),
        factors=factors,
        base=np.asarray(design.weights, dtype=float),
        scale=scale,
        rscales=rscales,
        mse=bool(mse),
        fay_rho=rho,
    )


def replicate_variance(thetas: np.ndarray, theta: np.ndarray, spec: ReplicateSpec) -> np.ndarray:
    """``scale Σ_r rscales_r (θ_r - c)(θ_r - c)ᵀ`` with ``c`` the replicate mean or ``θ`` (mse).

    Parameters
    ----------
    thetas : numpy.ndarray
        R x K replicate estimates.
    theta : numpy.ndarray
        K full-sample estimates.
    spec : ReplicateSpec
        Scale, rscales and mse.

    Returns
    -------
    numpy.ndarray
        K x K covariance.

    Examples
    --------
    >>> import numpy as np
    >>> spec = ReplicateSpec("other", np.zeros(1, int), np.ones((1, 2)), np.ones(1), 1.0,
    ...                      np.ones(2), False, None)
    >>> replicate_variance(np.array([[1.0], [3.0]]), np.array([2.0]), spec).tolist()
    [[2.0]]
    """
    return replicate_covariance(thetas, theta, spec.multipliers, mse=spec.mse)


def replicate_structured(
    thetas: np.ndarray, theta: np.ndarray, spec: ReplicateSpec
) -> StructuredCovariance:
    """:func:`replicate_variance` kept as factors: ``V = Σ_r f_r (θ_r − c)(θ_r − c)ᵀ``.

    One factor row per replicate (the deviations ``θ_r − c``) with weight ``f_r``; the dense form
    is :func:`replicate_variance`'s matrix.

    Parameters
    ----------
    thetas : numpy.ndarray
        R x K replicate estimates.
    theta : numpy.ndarray
        K full-sample estimates.
    spec : ReplicateSpec
        Scale, rscales and mse.

    Returns
    -------
    StructuredCovariance

    Examples
    --------
    >>> spec = ReplicateSpec("other", np.zeros(1, int), np.ones((1, 2)), np.ones(1), 1.0,
    ...                      np.ones(2), False, None)
    >>> replicate_structured(np.array([[1.0], [3.0]]), np.array([2.0]), spec).dense().tolist()
    [[2.0]]
    """
    dev = replicate_deviations(thetas, theta, mse=spec.mse)
    return StructuredCovariance([FactorTerm(dev, spec.multipliers)], size=dev.shape[1])


def replicate_deviations(replicates: FloatArray, estimate: FloatArray, *, mse: bool) -> FloatArray:
    """Deviations ``θ_r − c`` of the replicate estimates from their centre, shape (R, K).

    Parameters
    ----------
    replicates : numpy.ndarray
        R x K replicate estimates.
    estimate : numpy.ndarray
        The K full-sample estimates.
    mse : bool
        Centre at ``estimate`` (True) or at the mean of the replicates (False).

    Returns
    -------
    numpy.ndarray
        R x K deviations.

    Examples
    --------
    >>> replicate_deviations(np.array([[1.0], [3.0]]), np.array([1.5]), mse=False).ravel().tolist()
    [-1.0, 1.0]
    >>> replicate_deviations(np.array([[1.0], [3.0]]), np.array([1.5]), mse=True).ravel().tolist()
    [-0.5, 1.5]
    """
    centre = estimate if mse else replicates.mean(axis=0)
    dev: FloatArray = replicates - centre
    return dev


def replicate_covariance(
    replicates: FloatArray, estimate: FloatArray, factors: FloatArray, *, mse: bool
) -> FloatArray:
    """The replicate covariance ``Σ_r f_r (θ_r − c)(θ_r − c)ᵀ``, shape (K, K).

    Parameters
    ----------
    replicates : numpy.ndarray
        R x K replicate estimates.
    estimate : numpy.ndarray
        The K full-sample estimates.
    factors : numpy.ndarray
        ``f_r`` per replicate (scale x rscales; ``1/(R − 1)`` for a plain bootstrap).
    mse : bool
        Centre at ``estimate`` (True) or at the mean of the replicates (False).

    Returns
    -------
    numpy.ndarray
        K x K covariance.

    Examples
    --------
    >>> reps = np.array([[1.0], [3.0]])
    >>> replicate_covariance(reps, np.array([2.0]), np.array([1.0, 1.0]), mse=False).tolist()
    [[2.0]]
    """
    dev = replicate_deviations(replicates, estimate, mse=mse)
    cov: FloatArray = (dev * factors[:, None]).T @ dev
    return cov
