"""Design weights from stage-wise inclusion probabilities, and nonresponse adjustment within cells."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, overload

import numpy as np
import pandas as pd

from dgi_stats._validation import did_you_mean
from dgi_stats.exceptions import DGIError
from dgi_stats.survey.design import SurveyDesign
from dgi_stats.survey.weighting._common import complete_columns, safe_ratio

__all__ = ["design_weights", "nonresponse_adjust"]

_Spec = str | Sequence[Any] | np.ndarray | pd.Series


def _values(data: pd.DataFrame, spec: Any, *, param: str, func: str) -> tuple[np.ndarray, str]:
    if isinstance(spec, str):
        if spec not in data.columns:
            msg = (
                f"The {param!r} parameter of {func} names column {spec!r}, which is not in data; "
                f"{did_you_mean([spec], data.columns, what='columns')}."
            )
            raise DGIError(msg)
        return data[spec].to_numpy(), spec
    arr = np.asarray(spec.to_numpy() if isinstance(spec, pd.Series) else spec)
    if arr.ndim != 1 or arr.shape[0] != len(data):
        msg = (
            f"The {param!r} parameter of {func} must be a column name or one value per row of data "
            f"({len(data)}). Got shape {arr.shape}."
        )
        raise DGIError(msg)
    return arr, param


def _numeric_values(data: pd.DataFrame, spec: Any, *, param: str, what: str, func: str) -> tuple[np.ndarray, str]:
    """Like :func:`_values`, as floats; ``what`` names the values in the not-numeric message."""
    vals, label = _values(data, spec, param=param, func=func)
    try:
        return np.asarray(vals, dtype=float), label
    except (TypeError, ValueError):
        msg = f"{func}: the {what} {label!r} are not numeric."
        raise DGIError(msg) from None


def design_weights(data: pd.DataFrame, probs: _Spec | Sequence[_Spec]) -> pd.Series:
    """Design weights ``1 / (π₁ π₂ ...)`` from stage-wise inclusion probabilities.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent (not modified).
    probs : str, array-like or sequence of these
        The inclusion probability of every stage (conditional on the earlier stages): column names
        or arrays with one value per row, each in (0, 1].

    Returns
    -------
    pandas.Series
        ``design_weight`` indexed like ``data``.

    Raises
    ------
    DGIError
        Unknown columns, non-numeric values, or probabilities that are missing or outside (0, 1]
        (the message names the rows).

    See Also
    --------
    nonresponse_adjust : adjust the design weights for nonresponse within cells.

    Notes
    -----
    The overall inclusion probability of a multi-stage sample is the product of the stage-wise
    (conditional) probabilities, and the Horvitz-Thompson design weight is its inverse [1]_.

    References
    ----------
    .. [1] Horvitz, D. G., & Thompson, D. J. (1952). A generalization of sampling without
       replacement from a finite universe. Journal of the American Statistical Association,
       47(260), 663-685. https://doi.org/10.1080/01621459.1952.10483446

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"p1": [0.1, 0.1, 0.5], "p2": [0.5, 0.25, 1.0]})
    >>> design_weights(df, ["p1", "p2"]).tolist()
    [20.0, 40.0, 2.0]
    """
    if not isinstance(data, pd.DataFrame):
        msg = f"The 'data' parameter of design_weights must be a pandas DataFrame. Got {type(data).__name__}."
        raise DGIError(msg)
    stages: list[Any]
    if isinstance(probs, str | np.ndarray | pd.Series):
        stages = [probs]
    else:
        stages = list(probs)
        if stages and not isinstance(stages[0], str) and np.ndim(stages[0]) == 0:
            stages = [np.asarray(probs)]
    if not stages:
        msg = "The 'probs' parameter of design_weights is empty; give one probability per stage."
        raise DGIError(msg)
    p = np.ones(len(data))
    for spec in stages:
        pv, label = _numeric_values(
            data, spec, param="probs", what="inclusion probabilities", func="design_weights"
        )
        bad = ~np.isfinite(pv) | (pv <= 0) | (pv > 1)
        if bad.any():
            rows = np.flatnonzero(bad)[:10].tolist()
            msg = (
                f"design_weights: the inclusion probabilities {label!r} must be in (0, 1]; rows "
                f"{rows} (0-based positions) hold {pv[bad][:10].tolist()}."
            )
            raise DGIError(msg)
        p = p * pv
    return pd.Series(1.0 / p, index=data.index, name="design_weight")


@overload
def nonresponse_adjust(
    data: SurveyDesign, *, cells: _Spec | Sequence[str], responded: _Spec, weights: _Spec | None = ...
) -> SurveyDesign: ...


@overload
def nonresponse_adjust(
    data: pd.DataFrame, *, cells: _Spec | Sequence[str], responded: _Spec, weights: _Spec | None = ...
) -> pd.Series: ...


def nonresponse_adjust(
    data: SurveyDesign | pd.DataFrame,
    *,
    cells: _Spec | Sequence[str],
    responded: _Spec,
    weights: _Spec | None = None,
) -> SurveyDesign | pd.Series:
    """Weighting-class nonresponse adjustment: respondents carry the weight of their cell.

    Parameters
    ----------
    data : SurveyDesign or pandas.DataFrame
        The sampled units, respondents and nonrespondents (not modified).
    cells : str, array-like or list of str
        Adjustment cell of every unit (one column, several columns crossed, or an array).
    responded : str or array-like
        True (or 1) for respondents, False (or 0) for nonrespondents.
    weights : str or array-like, optional
        Design weights; required for a DataFrame, ignored for a design (its weights are used).
        default: None.

    Returns
    -------
    SurveyDesign or pandas.Series
        For a design, a new design whose nonrespondents have weight 0 (rows are never dropped);
        for a DataFrame, the adjusted weights ``nr_weight`` indexed like the data.

    Raises
    ------
    DGIError
        Unknown columns, missing cells or response flags, weights missing for a DataFrame, or a cell
        with sampled weight but no respondent (collapse it with a neighbour).

    See Also
    --------
    design_weights, dgi_stats.survey.weighting.poststratify

    Notes
    -----
    In cell :math:`c`, respondents get :math:`w_i \\sum_{j \\in c} w_j / \\sum_{j \\in c, r_j=1} w_j`
    and nonrespondents 0, so every cell keeps its weighted sample size [1]_. Variances treat the
    adjusted weights as fixed (as R's ``survey`` does for weights it is given).

    References
    ----------
    .. [1] Kalton, G., & Flores-Cervantes, I. (2003). Weighting methods. Journal of Official
       Statistics, 19(2), 81-97.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"cell": ["a", "a", "a", "b", "b"], "r": [1, 1, 0, 1, 0],
    ...                    "w": [10.0, 10, 10, 5, 5]})
    >>> nonresponse_adjust(df, cells="cell", responded="r", weights="w").tolist()
    [15.0, 15.0, 0.0, 10.0, 0.0]
    """
    func = "nonresponse_adjust"
    design: SurveyDesign | None = None
    if isinstance(data, SurveyDesign):
        design = data
        frame = design.data
        w = np.asarray(design.weights, dtype=float)
    elif isinstance(data, pd.DataFrame):
        frame = data
        if weights is None:
            msg = "nonresponse_adjust needs 'weights' (design weights) when 'data' is a DataFrame."
            raise DGIError(msg)
        w, label = _numeric_values(frame, weights, param="weights", what="weights", func=func)
        bad = ~np.isfinite(w) | (w < 0)
        if bad.any():
            rows = np.flatnonzero(bad)[:10].tolist()
            msg = f"nonresponse_adjust: the weights {label!r} are negative or missing at rows {rows} (0-based)."
            raise DGIError(msg)
    else:
        msg = f"The 'data' parameter of {func} must be a SurveyDesign or a DataFrame. Got {type(data).__name__}."
        raise DGIError(msg)
    # cells
    if isinstance(cells, list | tuple) and cells and all(isinstance(c, str) for c in cells):
        sub = complete_columns(frame, list(cells), param="cells", what="the cell columns", func=func)
        codes, labels = pd.MultiIndex.from_frame(sub).factorize()
        cell_labels = list(labels)
    else:
        vals, label = _values(frame, cells, param="cells", func=func)
        s = pd.Series(vals)
        if s.isna().any():
            rows = np.flatnonzero(s.isna().to_numpy())[:10].tolist()
            msg = f"{func}: the cells {label!r} have missing values at rows {rows} (0-based)."
            raise DGIError(msg)
        codes, labels = pd.factorize(s)
        cell_labels = list(labels)
    codes = np.asarray(codes, dtype=np.intp)
    rv, rlabel = _values(frame, responded, param="responded", func=func)
    r = pd.Series(rv)
    if r.isna().any():
        rows = np.flatnonzero(r.isna().to_numpy())[:10].tolist()
        msg = f"{func}: the response flags {rlabel!r} are missing at rows {rows} (0-based)."
        raise DGIError(msg)
    uniq = set(pd.unique(r).tolist())
    if not uniq <= {0, 1}:  # True == 1 and False == 0
        msg = f"{func}: the response flags {rlabel!r} must be True/False or 1/0. Got values {sorted(map(str, uniq))[:10]}."
        raise DGIError(msg)
    resp = r.astype(bool).to_numpy()
    k = len(cell_labels)
    total = np.bincount(codes, weights=w, minlength=k)
    total_r = np.bincount(codes, weights=w * resp, minlength=k)
    empty = (total > 0) & (total_r <= 0)
    if empty.any():
        cats = [cell_labels[i] for i in np.flatnonzero(empty)[:10]]
        msg = (
            f"{func}: cells {cats} have sampled units but no respondent with positive weight, so "
            "their weight cannot be carried; collapse them with similar cells."
        )
        raise DGIError(msg)
    factor = safe_ratio(total, total_r, 0.0)
    new_w = np.where(resp, w * factor[codes], 0.0)
    if design is not None:
        if design.replicates is not None:
            msg = (
                f"{func} works on the design before replicates are built; adjust for nonresponse "
                "first, then call design.replicate(...)."
            )
            raise DGIError(msg)
        return design.with_weights(new_w)
    return pd.Series(new_w, index=frame.index, name="nr_weight")
