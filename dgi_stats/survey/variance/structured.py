"""The covariance of many estimates kept as factors, without forming the dense matrix.

A design-based covariance is a sum of cross-products: for Taylor linearisation
``V = Σ_stages (zc * scale)ᵀ zc`` with ``zc`` the centred PSU (SSU) totals of the influence values
(:mod:`~dgi_stats.survey.variance.taylor`), for replicate weights ``V = Σ_r f_r (θ_r − c)(θ_r − c)ᵀ``
(:mod:`~dgi_stats.survey.variance.replicate`). Each is ``V = Fᵀ F`` with ``F`` the factor rows
scaled by the square roots of their weights. With one unit (domain) per stratum or domains nested
in strata, a PSU touches only its own domain's estimates, so ``F`` is sparse and has as many
non-zeros as the PSU totals, while the dense ``V`` of 3,321 communes x 2 measures already holds
44 million numbers. :class:`StructuredCovariance` keeps the factors and gives the variances
(:meth:`~StructuredCovariance.diagonal`), dense blocks for a selection of estimates
(:meth:`~StructuredCovariance.dense`), linear maps of the estimates
(:meth:`~StructuredCovariance.linear_map`) and Gaussian draws (:meth:`~StructuredCovariance.draws`)
from them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
from scipy import sparse

from dgi_stats.exceptions import DGIError

__all__ = [
    "DENSE_LIMIT_BYTES",
    "FactorTerm",
    "LazyCov",
    "StructuredCovariance",
    "check_dense_size",
    "crossprod",
]

#: Largest dense covariance (bytes of float64) formed on request; larger requests raise DGIError.
DENSE_LIMIT_BYTES = 2 * 2**30
#: A factor with fewer than this share of non-zeros is multiplied as a sparse matrix.
SPARSE_SHARE = 0.25

#: A factor: a dense array or a scipy sparse matrix (rows x estimates).
Factor: TypeAlias = np.ndarray | sparse.spmatrix


def crossprod(zc: Factor, weight: np.ndarray) -> np.ndarray:
    """``(zc * weight)ᵀ zc``, through a sparse product when ``zc`` is mostly zeros.

    Parameters
    ----------
    zc : numpy.ndarray or scipy.sparse matrix
        Rows x K factor.
    weight : numpy.ndarray
        One weight per row.

    Returns
    -------
    numpy.ndarray
        K x K dense cross-product.

    Examples
    --------
    >>> crossprod(np.array([[1.0, 0.0], [2.0, 1.0]]), np.array([1.0, 2.0])).tolist()
    [[9.0, 4.0], [4.0, 2.0]]
    """
    if sparse.issparse(zc):
        zs = sparse.csr_matrix(zc)
        zs.eliminate_zeros()
        if zs.nnz < SPARSE_SHARE * zs.shape[0] * zs.shape[1]:
            scaled = sparse.diags(weight) @ zs
            return np.asarray((zs.T @ scaled).toarray())
        zc = zs.toarray()
    z = np.asarray(zc)
    if np.count_nonzero(z) < SPARSE_SHARE * z.size:
        zs = sparse.csr_matrix(z)
        scaled = sparse.diags(weight) @ zs
        return np.asarray((zs.T @ scaled).toarray())
    return (z * weight[:, None]).T @ z


@dataclass(frozen=True)
class FactorTerm:
    """One cross-product ``V_t = D (Zᵀ diag(w) Z) D`` of a :class:`StructuredCovariance`.

    Parameters
    ----------
    factor : numpy.ndarray or scipy.sparse.csr_matrix
        ``Z``: rows (PSUs, SSUs or replicates) x K estimates.
    weight : numpy.ndarray
        ``w``: one non-negative weight per row (the Taylor ``scale``, the replicate ``f_r``).
    column_scale : numpy.ndarray or None
        ``m``: ``D = diag(sqrt(m))`` (R's ``lonely.psu = "average"`` rescaling); None for none.

    Examples
    --------
    >>> t = FactorTerm(np.array([[1.0], [-1.0]]), np.array([2.0, 2.0]))
    >>> t.factor.shape
    (2, 1)
    """

    factor: Factor
    weight: np.ndarray
    column_scale: np.ndarray | None = None

    def block(self, rows: np.ndarray | None) -> np.ndarray:
        """The dense ``V_t`` of the estimates at positions ``rows`` (all when None)."""
        z = self.factor if rows is None else self.factor[:, rows]
        v = crossprod(z, self.weight)
        if self.column_scale is not None:
            m = self.column_scale if rows is None else self.column_scale[rows]
            with np.errstate(invalid="ignore"):  # 0 x inf: no stratum with a variance
                v = v * np.sqrt(np.outer(m, m))
        return v

    def root(self) -> Factor:
        """``diag(sqrt(w)) Z D``: the rows of ``F`` with ``V_t = Fᵀ F``."""
        sw = np.sqrt(self.weight)
        if sparse.issparse(self.factor):
            f: Factor = sparse.csr_matrix(sparse.diags(sw) @ self.factor)
            if self.column_scale is not None:
                f = sparse.csr_matrix(f @ sparse.diags(np.sqrt(self.column_scale)))
            return f
        out = np.asarray(self.factor) * sw[:, None]
        if self.column_scale is not None:
            out = out * np.sqrt(self.column_scale)[None, :]
        return out


class StructuredCovariance:
    """A K x K covariance kept as ``V = Σ_t D_t Z_tᵀ diag(w_t) Z_t D_t`` (or as a dense matrix).

    Built by the survey estimators (Taylor: one term per stage; replicate designs: one term of
    replicate deviations); wrap a dense matrix with :meth:`from_dense`. Nothing here forms the
    K x K matrix except :meth:`dense`, which refuses beyond :data:`DENSE_LIMIT_BYTES`.

    Parameters
    ----------
    terms : sequence of FactorTerm
        The cross-products, all with K columns.
    size : int
        K, the number of estimates.
    matrix : numpy.ndarray, optional
        A dense K x K covariance instead of (added to) the terms.

    Examples
    --------
    >>> z = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 2.0], [0.0, -2.0]])
    >>> v = StructuredCovariance([FactorTerm(z, np.full(4, 0.5))], size=2)
    >>> v.diagonal().tolist(), v.dense().tolist()
    ([1.0, 4.0], [[1.0, 0.0], [0.0, 4.0]])
    """

    __slots__ = ("matrix", "size", "terms")

    def __init__(
        self, terms: Sequence[FactorTerm], *, size: int, matrix: np.ndarray | None = None
    ) -> None:
        self.terms: tuple[FactorTerm, ...] = tuple(terms)
        self.size = int(size)
        self.matrix = None if matrix is None else np.asarray(matrix, dtype=float)
        for t in self.terms:
            if t.factor.shape[1] != self.size:
                msg = f"A factor has {t.factor.shape[1]} columns; the covariance has {self.size}."
                raise DGIError(msg)

    @classmethod
    def from_dense(cls, matrix: np.ndarray) -> StructuredCovariance:
        """Wrap a dense covariance matrix.

        Parameters
        ----------
        matrix : numpy.ndarray
            K x K covariance.

        Returns
        -------
        StructuredCovariance

        Examples
        --------
        >>> StructuredCovariance.from_dense(np.eye(2)).diagonal().tolist()
        [1.0, 1.0]
        """
        m = np.asarray(matrix, dtype=float)
        return cls((), size=m.shape[0], matrix=m)

    @property
    def shape(self) -> tuple[int, int]:
        """``(K, K)``."""
        return (self.size, self.size)

    @property
    def nbytes(self) -> int:
        """Bytes of the dense K x K float64 matrix (what :meth:`dense` would allocate)."""
        return self.size * self.size * 8

    @property
    def is_sparse(self) -> bool:
        """Whether every factor is a scipy sparse matrix (and there is no dense part)."""
        return self.matrix is None and all(sparse.issparse(t.factor) for t in self.terms)

    def diagonal(self) -> np.ndarray:
        """The K variances, without forming the matrix.

        Returns
        -------
        numpy.ndarray

        Examples
        --------
        >>> z = np.array([[1.0, 2.0], [3.0, 0.0]])
        >>> StructuredCovariance([FactorTerm(z, np.ones(2))], size=2).diagonal().tolist()
        [10.0, 4.0]
        """
        out = np.zeros(self.size) if self.matrix is None else np.diagonal(self.matrix).copy()
        for t in self.terms:
            if sparse.issparse(t.factor):
                f = sparse.csr_matrix(t.factor)
                d = np.asarray(f.multiply(f).T @ t.weight).ravel()
            else:
                z = np.asarray(t.factor)
                d = (z * z * t.weight[:, None]).sum(axis=0)
            if t.column_scale is not None:
                with np.errstate(invalid="ignore"):  # 0 x inf: no stratum with a variance
                    d = d * t.column_scale
            out = out + d
        return out

    def _positions(self, rows: Sequence[int] | np.ndarray | None) -> np.ndarray | None:
        if rows is None:
            return None
        pos = np.asarray(rows)
        if pos.dtype == bool:
            pos = np.flatnonzero(pos)
        pos = pos.astype(np.intp)
        if pos.size and (pos.min() < -self.size or pos.max() >= self.size):
            msg = f"Estimate positions must lie in [0, {self.size}). Got {pos.min()}..{pos.max()}."
            raise DGIError(msg)
        return pos

    def dense(self, rows: Sequence[int] | np.ndarray | None = None) -> np.ndarray:
        """The dense covariance of the estimates at positions ``rows`` (default: all).

        Parameters
        ----------
        rows : sequence of int or boolean array, optional
            Positions of the estimates. default: None (all K).

        Returns
        -------
        numpy.ndarray
            ``len(rows) x len(rows)`` block.

        Raises
        ------
        DGIError
            The block would exceed :data:`DENSE_LIMIT_BYTES` (the message gives its size).

        Examples
        --------
        >>> z = np.array([[1.0, 2.0, 0.0], [3.0, 0.0, 1.0]])
        >>> StructuredCovariance([FactorTerm(z, np.ones(2))], size=3).dense([0, 2]).tolist()
        [[10.0, 3.0], [3.0, 1.0]]
        """
        pos = self._positions(rows)
        n = self.size if pos is None else len(pos)
        check_dense_size(n)
        if self.matrix is not None:
            v = self.matrix if pos is None else self.matrix[np.ix_(pos, pos)]
            v = v.copy()
        else:
            v = np.zeros((n, n))
        first = True
        for t in self.terms:
            b = t.block(pos)
            v = b if first and self.matrix is None else v + b
            first = False
        return v

    def select(self, positions: Sequence[int] | np.ndarray) -> StructuredCovariance:
        """The covariance of a subset of the estimates, still structured.

        Parameters
        ----------
        positions : sequence of int or boolean array
            Positions of the estimates to keep, in the order wanted.

        Returns
        -------
        StructuredCovariance

        Examples
        --------
        >>> v = StructuredCovariance.from_dense(np.diag([1.0, 2.0, 3.0]))
        >>> v.select([2, 0]).diagonal().tolist()
        [3.0, 1.0]
        """
        pos = self._positions(positions)
        assert pos is not None
        terms = [
            FactorTerm(
                sparse.csr_matrix(t.factor[:, pos]) if sparse.issparse(t.factor)
                else np.asarray(t.factor)[:, pos],
                t.weight,
                None if t.column_scale is None else t.column_scale[pos],
            )
            for t in self.terms
        ]
        mat = None if self.matrix is None else self.matrix[np.ix_(pos, pos)]
        return StructuredCovariance(terms, size=len(pos), matrix=mat)

    def linear_map(self, matrix: np.ndarray | sparse.spmatrix) -> StructuredCovariance:
        """The covariance of ``Aᵀ θ`` for a K x J matrix ``A`` (sums, differences, contrasts).

        Each factor is multiplied on the right: ``F A``; the result is ``Aᵀ V A``.

        Parameters
        ----------
        matrix : numpy.ndarray or scipy.sparse matrix
            K x J coefficients, one column per new estimate.

        Returns
        -------
        StructuredCovariance
            J x J.

        Raises
        ------
        DGIError
            ``matrix`` does not have K rows.

        Examples
        --------
        >>> v = StructuredCovariance.from_dense(np.diag([1.0, 2.0]))
        >>> v.linear_map(np.array([[1.0], [-1.0]])).dense().tolist()   # var(θ1 − θ2)
        [[3.0]]
        """
        a = matrix if sparse.issparse(matrix) else np.asarray(matrix, dtype=float)
        if a.ndim != 2 or a.shape[0] != self.size:
            msg = f"linear_map needs a matrix with {self.size} rows. Got shape {a.shape}."
            raise DGIError(msg)
        j = a.shape[1]
        terms = []
        for t in self.terms:
            z = t.factor
            scale_out = None
            if t.column_scale is not None:
                finite = np.isfinite(t.column_scale)
                root_m = np.sqrt(np.where(finite, t.column_scale, 0.0))
                z = (
                    sparse.csr_matrix(z @ sparse.diags(root_m)) if sparse.issparse(z)
                    else np.asarray(z) * root_m[None, :]
                )
                if not finite.all():  # an estimate without variance (NaN) spreads to its maps
                    touched = np.asarray(abs(a[~finite, :]).sum(axis=0)).ravel() > 0
                    scale_out = np.where(touched, np.nan, 1.0)
            prod = z @ a
            z2: Factor = sparse.csr_matrix(prod) if sparse.issparse(prod) else np.asarray(prod)
            terms.append(FactorTerm(z2, t.weight, scale_out))
        mat = None
        if self.matrix is not None:
            ad = sparse.csr_matrix(a).toarray() if sparse.issparse(a) else np.asarray(a)
            mat = ad.T @ self.matrix @ ad
        return StructuredCovariance(terms, size=j, matrix=mat)

    def factor(self) -> Factor:
        """``F`` with ``V = Fᵀ F``: the weighted factor rows of every term, stacked.

        Returns
        -------
        numpy.ndarray or scipy.sparse.csr_matrix
            Rows x K (sparse when every term is sparse).

        Raises
        ------
        DGIError
            The covariance holds a dense matrix part (no factor is kept).

        Examples
        --------
        >>> z = np.array([[1.0], [-1.0]])
        >>> StructuredCovariance([FactorTerm(z, np.full(2, 4.0))], size=1).factor().tolist()
        [[2.0], [-2.0]]
        """
        if self.matrix is not None:
            msg = "This covariance is a dense matrix; it keeps no factor."
            raise DGIError(msg)
        roots = [t.root() for t in self.terms]
        if not roots:
            return sparse.csr_matrix((0, self.size))
        if all(sparse.issparse(r) for r in roots):
            return sparse.csr_matrix(sparse.vstack(roots))
        return np.vstack([sparse.csr_matrix(r).toarray() if sparse.issparse(r) else r for r in roots])

    def draws(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` centred Gaussian draws with covariance exactly ``V``: ``ξᵀ F`` with ``ξ ~ N(0, I)``.

        One standard normal per factor row and draw (a dense matrix part is drawn through its
        root), so the cost is ``n x rows`` normals and ``n x nnz(F)`` products.

        Parameters
        ----------
        n : int
            Number of draws.
        rng : numpy.random.Generator
            Source of the normals.

        Returns
        -------
        numpy.ndarray
            ``n x K`` draws.

        Raises
        ------
        DGIError
            A term has negative row weights (no real factor).

        Examples
        --------
        >>> z = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 3.0], [0.0, -3.0]])
        >>> v = StructuredCovariance([FactorTerm(z, np.full(4, 0.5))], size=2)
        >>> d = v.draws(20_000, np.random.default_rng(1))
        >>> np.round(d.std(axis=0), 1).tolist()
        [1.0, 3.0]
        """
        out = np.zeros((n, self.size))
        for t in self.terms:
            if (t.weight < 0).any():
                msg = "draws need non-negative row weights; this covariance has negative ones."
                raise DGIError(msg)
            f = t.root()
            xi = rng.standard_normal((n, f.shape[0]))
            out += np.asarray((f.T @ xi.T).T) if sparse.issparse(f) else xi @ f
        if self.matrix is not None:
            vals, vecs = np.linalg.eigh(self.matrix)
            root = vecs * np.sqrt(np.clip(vals, 0.0, None))
            out += rng.standard_normal((n, self.size)) @ root.T
        return out

    def __repr__(self) -> str:
        kind = "sparse" if self.is_sparse else "dense" if self.matrix is not None else "factor"
        return f"StructuredCovariance({self.size} x {self.size}, {len(self.terms)} term(s), {kind})"


def check_dense_size(n: int, what: str = "covariance") -> None:
    """Refuse an ``n x n`` dense matrix larger than :data:`DENSE_LIMIT_BYTES`.

    Parameters
    ----------
    n : int
        Rows (= columns) of the requested matrix.
    what : str
        What is requested, for the message. default: "covariance".

    Raises
    ------
    DGIError
        With the size (rows x columns, GB) and what to use instead.

    Examples
    --------
    >>> check_dense_size(10)
    """
    size = n * n * 8
    if size > DENSE_LIMIT_BYTES:
        msg = (
            f"The dense {what} would be {n:,} x {n:,} ({size / 2**30:,.1f} GB, more than the "
            f"limit of {DENSE_LIMIT_BYTES / 2**30:g} GB). Use std_error (or .covariance."
            "diagonal()) for variances, .cov_of(labels) for the covariance of a selection of "
            "estimates, or the structured form .covariance (select, linear_map, draws) instead."
        )
        raise DGIError(msg)


class LazyCov:
    """The ``cov`` field of an estimate object, formed from its ``covariance`` on first access.

    Used by ``SurveyEstimate.cov`` and ``Scores.cov``: the owner's ``_dense_cov()`` forms it.
    Wraps the dataclass slot of the field ``cov`` (None until formed), so that ``cov`` stays a
    field (constructor argument, :func:`dataclasses.fields`) while a national-scale object never
    forms its dense matrix unless asked; beyond the dense limit the request raises a DGIError
    naming the size and what to use instead.

    Parameters
    ----------
    slot : member descriptor
        The slot of the field.

    Examples
    --------
    >>> LazyCov(None).slot is None
    True
    """

    __slots__ = ("slot",)

    def __init__(self, slot: Any) -> None:
        self.slot = slot

    def __get__(self, obj: Any, objtype: type | None = None) -> Any:
        if obj is None:
            return self
        value = self.slot.__get__(obj, objtype)
        if value is None:
            value = obj._dense_cov()
            self.slot.__set__(obj, value)
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        self.slot.__set__(obj, value)
