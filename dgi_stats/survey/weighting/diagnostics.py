"""Weight diagnostics: Kish's effective sample size, the weighting design effect, the weight range."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from dgi_stats.exceptions import DGIError
from dgi_stats.survey.design import SurveyDesign
from dgi_stats.survey.weighting._common import complete_columns

__all__ = ["kish_effective_sample_size", "weight_summary", "weighting_design_effect"]


def _weights_and_groups(
    weights: Any, by: str | Sequence[str] | None, func: str
) -> tuple[np.ndarray, pd.Index | None, np.ndarray | None]:
    """Weights as an array and, with ``by``, the group code of every row and the group labels."""
    frame: pd.DataFrame | None = None
    if isinstance(weights, SurveyDesign):
        w = np.asarray(weights.weights, dtype=float)
        frame = weights.data
    elif isinstance(weights, pd.Series):
        w = weights.to_numpy(dtype=float, na_value=np.nan)
    else:
        try:
            w = np.asarray(weights, dtype=float)
        except (TypeError, ValueError):
            msg = f"The 'weights' parameter of {func} must be a SurveyDesign or numeric weights."
            raise DGIError(msg) from None
    if w.ndim != 1 or w.size == 0:
        msg = f"The 'weights' parameter of {func} must be a non-empty 1-d set of weights. Got shape {w.shape}."
        raise DGIError(msg)
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        rows = np.flatnonzero(bad)[:10].tolist()
        msg = f"The 'weights' parameter of {func} has negative or missing values at rows {rows} (0-based)."
        raise DGIError(msg)
    if by is None:
        return w, None, None
    if frame is None:
        msg = f"{func}(by=...) needs a SurveyDesign (whose data hold the 'by' columns)."
        raise DGIError(msg)
    cols = [by] if isinstance(by, str) else list(by)
    sub = complete_columns(frame, cols, param="by", what="the 'by' column(s)", func=func)
    if len(cols) == 1:
        codes, labels = pd.factorize(sub.iloc[:, 0], sort=True)
        index: pd.Index = pd.Index(labels, name=cols[0])
    else:
        mcodes, mlabels = pd.MultiIndex.from_frame(sub).factorize(sort=True)
        codes = mcodes
        index = pd.MultiIndex.from_tuples(list(mlabels), names=cols)
    return w, index, np.asarray(codes, dtype=np.intp)


def _stats(w: np.ndarray) -> dict[str, float]:
    n = w.size
    s1 = float(w.sum())
    s2 = float((w * w).sum())
    mean = s1 / n
    cv2 = float(((w - mean) ** 2).mean()) / mean**2 if mean > 0 else np.nan
    return {
        "n": float(n),
        "sum": s1,
        "min": float(w.min()),
        "max": float(w.max()),
        "mean": mean,
        "ratio_max_min": float(w.max() / w.min()) if w.min() > 0 else np.inf,
        "cv": float(np.sqrt(cv2)),
        "effective_n": s1 * s1 / s2 if s2 > 0 else np.nan,
        "design_effect": 1.0 + cv2,
    }


def _group_stats(weights: Any, by: Any, func: str) -> tuple[list[dict[str, float]], pd.Index | None]:
    """The statistics of all weights (one row, index None) or of every group of ``by``."""
    w, index, codes = _weights_and_groups(weights, by, func)
    if index is None or codes is None:
        return [_stats(w)], None
    return [_stats(w[codes == g]) for g in range(len(index))], index


def _apply(weights: Any, by: Any, func: str, key: str) -> float | pd.Series:
    rows, index = _group_stats(weights, by, func)
    if index is None:
        return rows[0][key]
    return pd.Series([r[key] for r in rows], index=index, name=key)


def kish_effective_sample_size(
    weights: SurveyDesign | pd.Series | np.ndarray | Sequence[float],
    *,
    by: str | Sequence[str] | None = None,
) -> float | pd.Series:
    """Kish's effective sample size ``(Σw)² / Σw²``, overall or by domain.

    Parameters
    ----------
    weights : SurveyDesign, pandas.Series or array-like
        Weights, or a design (its weights).
    by : str or list of str, optional
        Design columns defining domains (needs a design). default: None.

    Returns
    -------
    float or pandas.Series
        The effective sample size (per domain with ``by``).

    Raises
    ------
    DGIError
        Negative or missing weights, unknown ``by`` columns.

    See Also
    --------
    weighting_design_effect, weight_summary

    Notes
    -----
    :math:`n_{eff} = (\\sum w_i)^2 / \\sum w_i^2 = n / (1 + cv^2)` [1]_, with :math:`cv` the
    coefficient of variation of the weights (divisor :math:`n`).

    References
    ----------
    .. [1] Kish, L. (1992). Weighting for unequal Pi. Journal of Official Statistics, 8(2),
       183-200.

    Examples
    --------
    >>> round(kish_effective_sample_size([1.0, 1.0, 2.0, 4.0]), 4)
    2.9091
    """
    return _apply(weights, by, "kish_effective_sample_size", "effective_n")


def weighting_design_effect(
    weights: SurveyDesign | pd.Series | np.ndarray | Sequence[float],
    *,
    by: str | Sequence[str] | None = None,
) -> float | pd.Series:
    """Kish's design effect due to unequal weighting, ``1 + cv²(w) = n Σw² / (Σw)²``.

    Parameters
    ----------
    weights : SurveyDesign, pandas.Series or array-like
        Weights, or a design (its weights).
    by : str or list of str, optional
        Design columns defining domains (needs a design). default: None.

    Returns
    -------
    float or pandas.Series
        The weighting design effect (per domain with ``by``).

    Raises
    ------
    DGIError
        Negative or missing weights, unknown ``by`` columns.

    See Also
    --------
    kish_effective_sample_size, weight_summary

    Notes
    -----
    :math:`deff_w = 1 + cv^2 = n \\sum w_i^2 / (\\sum w_i)^2` [1]_ (divisor :math:`n` in the cv).

    References
    ----------
    .. [1] Kish, L. (1992). Weighting for unequal Pi. Journal of Official Statistics, 8(2),
       183-200.

    Examples
    --------
    >>> weighting_design_effect([1.0, 1.0, 2.0, 4.0])
    1.375
    """
    return _apply(weights, by, "weighting_design_effect", "design_effect")


def weight_summary(
    weights: SurveyDesign | pd.Series | np.ndarray | Sequence[float],
    *,
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """A table of weight diagnostics: n, sum, range, mean, cv, effective n and design effect.

    Parameters
    ----------
    weights : SurveyDesign, pandas.Series or array-like
        Weights, or a design (its weights).
    by : str or list of str, optional
        Design columns defining domains (needs a design). default: None.

    Returns
    -------
    pandas.DataFrame
        One row (``"all"``) or one row per domain, with columns ``n``, ``sum``, ``min``, ``max``,
        ``mean``, ``ratio_max_min``, ``cv``, ``effective_n``, ``design_effect``.

    Raises
    ------
    DGIError
        Negative or missing weights, unknown ``by`` columns.

    See Also
    --------
    kish_effective_sample_size, weighting_design_effect

    Examples
    --------
    >>> weight_summary([1.0, 1.0, 2.0, 4.0])[["n", "min", "max", "design_effect"]]
           n  min  max  design_effect
    all  4.0  1.0  4.0          1.375
    """
    rows, index = _group_stats(weights, by, "weight_summary")
    return pd.DataFrame(rows, index=pd.Index(["all"]) if index is None else index)
