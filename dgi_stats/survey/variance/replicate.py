"""Replicate weights built and applied at the PSU level, as R's ``as.svrepdesign``.

Every method produces a PSU x R factor matrix ``F``; the replicate analysis weight of a row is its
full-sample weight times the factor of its PSU. Replicate estimates are computed from PSU totals
(``Fᵀ @ totals``), never from an ``n x R`` weight matrix.

* ``jk1``: drop one PSU at a time, others x n/(n - 1); ``scale = (n - 1)/n (1 - f)``.
* ``jkn``: within stratum h, drop one PSU, the stratum's other PSUs x n_h/(n_h - 1);
  ``rscales = (n_h - 1)/n_h (1 - f_h)``, ``scale = 1``.
* ``brr`` / ``fay``: half-samples from a Sylvester Hadamard matrix (two PSUs per stratum); factors
  ``2 - rho`` and ``rho``; ``scale = 1/(R (1 - rho)^2)``.
* ``bootstrap`` (Rao–Wu with ``m_h = n_h``): raw with-replacement counts of the n_h PSUs of each
  stratum (without replacement from ``N_h`` copies with an fpc, as R); ``scale = n̄/((n̄ - 1)(R - 1))``
  with n̄ the harmonic mean of the n_h.
* ``subbootstrap``: n_h - 1 draws, counts x n_h/(n_h - 1); ``scale = 1/(R - 1)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from dgi_stats.exceptions import DGIError, SingletonPSUError

if TYPE_CHECKING:
    from dgi_stats.survey.design import ReplicateSpec, SurveyDesign

__all__ = ["make_replicates", "replicate_variance"]


def _sylvester(order: int) -> np.ndarray:
    h = np.ones((1, 1))
    while h.shape[0] < order:
        h = np.block([[h, h], [h, -h]])
    return h


def make_replicates(
    design: SurveyDesign,
    method: str,
    *,
    n_replicates: int | None = None,
    rng: np.random.Generator | None = None,
    fay_rho: float = 0.0,
    mse: bool = False,
) -> ReplicateSpec:
    """Build the PSU x R replicate factors of ``design`` (see the module docstring).

    Parameters
    ----------
    design : SurveyDesign
        A Taylor design (strata, PSUs, fpc at stage 1).
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
    from dgi_stats.survey.design import ReplicateSpec

    method = method.lower()
    n_psu = design.n_psu
    strat = design.psu_stratum
    n_h = design.n_psu_stratum
    pop = design.fpc[0]
    rscales: np.ndarray
    scale: float
    rho: float | None = None
    if method == "jk1":
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
        f_h = np.ones(design.n_strata) if pop is None else (pop - n_h) / pop
        cols: list[np.ndarray] = []
        rs: list[float] = []
        n_strata = design.n_strata
        for h in range(n_strata):
            members = np.flatnonzero(strat == h)
            nh = members.size
            if nh == 1 and f_h[h] != 0:
                if design.lonely_psu == "fail":
                    msg = (
                        f"Stratum ({design.strata_labels[h]}) has only one PSU: JKn replicates "
                        "need two or more. Set lonely_psu to 'remove', 'certainty', 'average' "
                        "or 'adjust', or merge strata."
                    )
                    raise SingletonPSUError(msg)
                if design.lonely_psu == "adjust":
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
            bad = design.strata_labels[n_h != 2][:10].tolist()
            msg = (
                f"method={method!r} needs exactly two PSUs in every stratum; stratum(s) {bad} "
                "have another number. Pair the PSUs into pseudo-strata first."
            )
            raise DGIError(msg)
        n_strata = design.n_strata
        had = _sylvester(n_strata + 1)
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
            bad = design.strata_labels[n_h < 2][:10].tolist()
            msg = f"method={method!r} needs two or more PSUs in every stratum; stratum(s) {bad} have one."
            raise DGIError(msg)
        factors = np.zeros((n_psu, b))
        for h in range(design.n_strata):
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
    return ReplicateSpec(
        method=method,
        group=np.asarray(design.psu),
        factors=factors,
        base=np.asarray(design.weights, dtype=float),
        scale=float(scale),
        rscales=np.asarray(rscales, dtype=float),
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
    >>> from dgi_stats.survey.design import ReplicateSpec
    >>> spec = ReplicateSpec("other", np.zeros(1, int), np.ones((1, 2)), np.ones(1), 1.0,
    ...                      np.ones(2), False, None)
    >>> replicate_variance(np.array([[1.0], [3.0]]), np.array([2.0]), spec).tolist()
    [[2.0]]
    """
    centre = theta[None, :] if spec.mse else thetas.mean(axis=0, keepdims=True)
    d = thetas - centre
    return (d * spec.multipliers[:, None]).T @ d
