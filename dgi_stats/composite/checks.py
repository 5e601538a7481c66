"""Multivariate checks of a composite's indicators (Handbook §4, COINr ``get_corr``/``get_cronbach``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from dgi_stats._results import Result, frame_repr
from dgi_stats.composite._common import as_table
from dgi_stats.exceptions import DGIError

__all__ = ["CronbachResult", "PCAResult", "correlations", "cronbach_alpha", "pca"]


def correlations(data: pd.DataFrame, *, method: str = "pearson") -> pd.DataFrame:
    """Correlation matrix of the indicators (pairwise complete; Pearson, Spearman or Kendall).

    Parameters
    ----------
    data : pandas.DataFrame
        Units x indicators.
    method : {"pearson", "spearman", "kendall"}
        The correlation coefficient.

    Returns
    -------
    pandas.DataFrame
        Indicators x indicators.

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [1.0, 3.0, 2.0]})
    >>> float(correlations(x).loc["a", "b"])
    0.5
    """
    if method not in ("pearson", "spearman", "kendall"):
        msg = f"The 'method' parameter of correlations must be 'pearson', 'spearman' or 'kendall'. Got {method!r}."
        raise DGIError(msg)
    return as_table(data, "correlations").corr(method=method)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True, repr=False)
class CronbachResult(Result):
    """Cronbach's alpha with item diagnostics (Handbook Table 11).

    Parameters
    ----------
    alpha : float
        ``Q/(Q-1) (1 - Σ var(x_q)/var(Σ x_q))`` on the complete cases.
    alpha_if_deleted : pandas.Series
        Alpha of the other Q - 1 items.
    item_rest_correlation : pandas.Series
        Correlation of each item with the sum of the other items.
    standardised : bool
        Whether the items were standardised (z-scores) first.
    n : int
        Complete cases in the data.

    Examples
    --------
    >>> x = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [2.0, 2.0, 4.0, 4.0]})
    >>> list(cronbach_alpha(x).to_frame().columns)
    ['alpha_if_deleted', 'item_rest_correlation']
    """

    alpha: float
    alpha_if_deleted: pd.Series
    item_rest_correlation: pd.Series
    standardised: bool
    n: int

    def to_frame(self) -> pd.DataFrame:
        """Alpha if deleted and item-rest correlation per item.

        Returns
        -------
        pandas.DataFrame
        """
        return pd.DataFrame(
            {"alpha_if_deleted": self.alpha_if_deleted, "item_rest_correlation": self.item_rest_correlation}
        )

    def __repr__(self) -> str:
        return frame_repr("CronbachResult", self.to_frame(), extra=f"alpha={self.alpha:.4f}")


def _alpha(c: np.ndarray) -> float:
    q = c.shape[0]
    return float(q / (q - 1) * (1 - np.trace(c) / c.sum()))


def cronbach_alpha(data: pd.DataFrame, *, standardise: bool = False, missing: str = "pairwise") -> CronbachResult:
    """Cronbach's alpha of a set of indicators, with alpha-if-deleted and item-rest correlations.

    Computed from the covariance matrix, as COINr does (``α = Q² c̄_off / Σ_ij C_ij``, the same
    number as ``Q/(Q-1) (1 - Σ var(x_q)/var(Σ x_q))``). With ``missing="pairwise"`` (COINr's
    default, R ``cov(use = "pairwise.complete.obs")``) each covariance uses the units observed on
    both indicators; ``"complete"`` keeps the complete cases only. The Handbook standardises first
    when the variances differ (``standardise=True`` uses the correlation matrix; TAI: 0.704).
    The item-rest correlation of item j is ``Σ_{k≠j} C_jk / sqrt(C_jj Σ_{k,l≠j} C_kl)``.

    Parameters
    ----------
    data : pandas.DataFrame
        Units x items (indicators).
    standardise : bool
        Use the correlation matrix (standardised items) instead of the covariance matrix.
    missing : {"pairwise", "complete"}
        How missing values are handled.

    Returns
    -------
    CronbachResult
        Alpha, alpha if each item is deleted, and the item-rest correlations.

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [2.0, 2.0, 4.0, 4.0], "c": [1.0, 3.0, 2.0, 4.0]})
    >>> round(cronbach_alpha(x).alpha, 4)
    0.8
    """
    if missing not in ("pairwise", "complete"):
        msg = f"The 'missing' parameter of cronbach_alpha must be 'pairwise' or 'complete'. Got {missing!r}."
        raise DGIError(msg)
    x = as_table(data, "cronbach_alpha")
    if missing == "complete":
        x = x.dropna()
    q = x.shape[1]
    n = int(x.notna().all(axis=1).sum())
    if q < 2 or int(x.notna().sum().min()) < 3:
        msg = f"cronbach_alpha needs at least 2 items with 3 observed units each; got {q} items."
        raise DGIError(msg)
    c = (x.corr() if standardise else x.cov(ddof=1)).to_numpy()
    if not np.all(np.isfinite(c)):
        msg = "cronbach_alpha: a covariance is undefined (a constant item or too few units observed in common)."
        raise DGIError(msg)
    alpha = _alpha(c)
    cols = list(x.columns)
    aid, irc = [], []
    for j in range(q):
        keep = [i for i in range(q) if i != j]
        sub = c[np.ix_(keep, keep)]
        aid.append(_alpha(sub) if q > 2 else float("nan"))
        irc.append(float(c[j, keep].sum() / np.sqrt(c[j, j] * sub.sum())))
    return CronbachResult(
        alpha=alpha,
        alpha_if_deleted=pd.Series(aid, index=cols),
        item_rest_correlation=pd.Series(irc, index=cols),
        standardised=standardise,
        n=n,
    )


@dataclass(frozen=True, slots=True, repr=False)
class PCAResult(Result):
    """Principal components of the correlation matrix (Handbook Tables 7-8).

    Parameters
    ----------
    eigenvalues : pandas.Series
        In decreasing order.
    explained : pandas.Series
        Share of the total variance per component.
    loadings : pandas.DataFrame
        Indicators x components: eigenvector x sqrt(eigenvalue) (signs arbitrary).
    eigenvectors : pandas.DataFrame
        Unit-norm eigenvectors.
    n_kaiser : int
        Components with eigenvalue > 1.
    kmo : float
        Kaiser-Meyer-Olkin sampling adequacy (>= 0.6 is usually asked for).
    kmo_per_item : pandas.Series
        Per-indicator measure of sampling adequacy.
    bartlett_statistic, bartlett_df, bartlett_pvalue : float
        Bartlett's sphericity test ``-(n - 1 - (2p + 5)/6) ln|R|`` on ``p(p - 1)/2`` df.
    n : int
        Complete cases used.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> x = pd.DataFrame(rng.normal(size=(30, 3)), columns=["a", "b", "c"])
    >>> pca(x).to_frame().shape[0]
    3
    """

    eigenvalues: pd.Series
    explained: pd.Series
    loadings: pd.DataFrame
    eigenvectors: pd.DataFrame
    n_kaiser: int
    kmo: float
    kmo_per_item: pd.Series
    bartlett_statistic: float
    bartlett_df: int
    bartlett_pvalue: float
    n: int

    def to_frame(self) -> pd.DataFrame:
        """Eigenvalue, share and cumulative share per component.

        Returns
        -------
        pandas.DataFrame
        """
        return pd.DataFrame(
            {"eigenvalue": self.eigenvalues, "explained": self.explained, "cumulative": self.explained.cumsum()}
        )

    def __repr__(self) -> str:
        return frame_repr("PCAResult", self.to_frame(), extra=f"KMO={self.kmo:.3f}")


def pca(data: pd.DataFrame) -> PCAResult:
    """PCA of the correlation matrix with the Kaiser rule, KMO and Bartlett's test.

    Parameters
    ----------
    data : pandas.DataFrame
        Units x indicators (complete cases are used).

    Returns
    -------
    PCAResult
        Eigenvalues, explained variance, loadings, the Kaiser count, KMO and Bartlett's test.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(20240101)
    >>> z = rng.normal(size=(100, 1))
    >>> res = pca(pd.DataFrame(z + 0.5 * rng.normal(size=(100, 3)), columns=list("abc")))
    >>> res.n_kaiser, round(float(res.explained.sum()), 6)
    (1, 1.0)
    """
    x = as_table(data, "pca").dropna()
    n, p = x.shape
    if n < 3 or p < 2:
        msg = f"pca needs at least 3 complete units and 2 indicators; got {n} x {p}."
        raise DGIError(msg)
    r = np.corrcoef(x.to_numpy(), rowvar=False)
    if not np.all(np.isfinite(r)):
        msg = "pca: a column is constant, so its correlations are undefined."
        raise DGIError(msg)
    vals, vecs = np.linalg.eigh(r)
    order = np.argsort(vals)[::-1]
    vals, vecs = vals[order], vecs[:, order]
    names = [f"pc_{i + 1}" for i in range(p)]
    cols = list(x.columns)
    load = vecs * np.sqrt(np.clip(vals, 0, None))
    # KMO from the anti-image (partial) correlations
    inv = np.linalg.pinv(r)
    d = np.sqrt(np.outer(np.diag(inv), np.diag(inv)))
    partial = -inv / d
    off = ~np.eye(p, dtype=bool)
    r2 = np.where(off, r**2, 0.0)
    p2 = np.where(off, partial**2, 0.0)
    kmo = float(r2.sum() / (r2.sum() + p2.sum()))
    kmo_item = r2.sum(axis=0) / (r2.sum(axis=0) + p2.sum(axis=0))
    sign, logdet = np.linalg.slogdet(r)
    stat = float(-(n - 1 - (2 * p + 5) / 6) * logdet) if sign > 0 else float("inf")
    df = p * (p - 1) // 2
    return PCAResult(
        eigenvalues=pd.Series(vals, index=names),
        explained=pd.Series(vals / vals.sum(), index=names),
        loadings=pd.DataFrame(load, index=cols, columns=names),
        eigenvectors=pd.DataFrame(vecs, index=cols, columns=names),
        n_kaiser=int((vals > 1).sum()),
        kmo=kmo,
        kmo_per_item=pd.Series(kmo_item, index=cols),
        bartlett_statistic=stat,
        bartlett_df=df,
        bartlett_pvalue=float(stats.chi2.sf(stat, df)),
        n=n,
    )
