"""Weight trimming with R's ``trimWeights`` redistribution rule."""

from __future__ import annotations

from typing import Any

import numpy as np

from dgi_stats.exceptions import DGIError
from dgi_stats.survey.design import SurveyDesign
from dgi_stats.survey.weighting._common import check_design, finish_weighting, weights_matrix

__all__ = ["trim_weights"]

_MAX_STRICT_PASSES = 100_000


def _trim_once(w: np.ndarray, lower: float, upper: float, slack: float = 0.0) -> tuple[np.ndarray, int]:
    outside = (w < lower - slack * abs(lower)) | (w > upper + slack * abs(upper))
    n_out = int(outside.sum())
    if n_out == 0:
        return w, 0
    inside = ~outside
    if not inside.any():
        msg = (
            f"trim_weights: every weight lies outside [{lower:g}, {upper:g}], so the trimmed amount "
            "cannot be redistributed; widen the bounds."
        )
        raise DGIError(msg)
    new = np.clip(w, lower, upper)
    trimmed = float((w - new).sum())
    new[inside] = new[inside] + trimmed / inside.sum()
    return new, n_out


def _trim_vector(w: np.ndarray, lower: float, upper: float, strict: bool) -> tuple[np.ndarray, int]:
    new, n_out = _trim_once(w, lower, upper)
    total_out = n_out
    if strict:
        passes = 1
        # weights sitting on a bound receive part of every redistribution, so the passes only
        # converge geometrically: stop when nothing is outside by more than a relative 1e-12
        while n_out and passes < _MAX_STRICT_PASSES:
            new, n_out = _trim_once(new, lower, upper, slack=1e-12)
            total_out += n_out
            passes += 1
        if n_out:
            msg = f"trim_weights(strict=True) did not settle within {_MAX_STRICT_PASSES} passes."
            raise DGIError(msg)
    return new, total_out


def trim_weights(
    design: SurveyDesign,
    *,
    lower: float | None = None,
    upper: float | None = None,
    strict: bool = False,
) -> SurveyDesign:
    """Trim extreme weights and spread the trimmed amount equally (R's ``trimWeights``).

    Parameters
    ----------
    design : SurveyDesign
        The design whose weights are trimmed (not modified).
    lower : float, optional
        Smallest allowed weight. default: None (no lower bound).
    upper : float, optional
        Largest allowed weight. default: None (no upper bound).
    strict : bool
        Repeat until no weight is outside the bounds (the redistribution can push weights past a
        bound). default: False (one pass, as R's default).

    Returns
    -------
    SurveyDesign
        A design with trimmed weights; the total weight is unchanged and the calibration steps of
        ``design`` are kept (as R does). A replicate design has the full-sample weights and every
        replicate column trimmed by the same rule.

    Raises
    ------
    DGIError
        If neither bound is given, ``lower > upper``, or the bounds cannot hold the total weight
        (``n * lower > sum(w)`` or ``n * upper < sum(w)`` among units with positive weight).

    See Also
    --------
    dgi_stats.survey.weighting.weight_summary : the weight range before and after trimming.

    Notes
    -----
    Weights outside ``[lower, upper]`` are set to the bound; the total removed (or added) is
    divided equally among the units inside the bounds:
    :math:`w_i \\leftarrow w_i + \\sum_j (w_j - \\mathrm{clip}(w_j)) / n_{inside}`. This keeps
    :math:`\\sum_i w_i` but not calibrated totals [1]_.

    References
    ----------
    .. [1] Lumley, T. (2010). Complex Surveys: A Guide to Analysis Using R. Wiley.
       https://doi.org/10.1002/9780470580066

    Examples
    --------
    >>> import pandas as pd
    >>> from dgi_stats.survey.design import SurveyDesign
    >>> d = SurveyDesign(pd.DataFrame({"y": [1.0, 2, 3, 4]}), weights=[1.0, 2, 3, 10])
    >>> trim_weights(d, upper=6).weights.round(4).tolist()
    [2.3333, 3.3333, 4.3333, 6.0]
    """
    design = check_design(design, "trim_weights")
    if lower is None and upper is None:
        msg = "trim_weights needs at least one of 'lower' and 'upper'."
        raise DGIError(msg)
    lo = -np.inf if lower is None else _bound(lower, "lower")
    hi = np.inf if upper is None else _bound(upper, "upper")
    if lo > hi:
        msg = f"The 'lower' parameter of trim_weights ({lo:g}) exceeds 'upper' ({hi:g})."
        raise DGIError(msg)
    w, names = weights_matrix(design)
    out = np.empty_like(w)
    for j in range(w.shape[1]):
        col = w[:, j]
        if strict:
            n = col.size
            total = float(col.sum())
            if n * lo > total * (1 + 1e-12) or n * hi < total * (1 - 1e-12):
                label = "the full sample" if j == 0 else (names[j - 1] if names else f"column {j}")
                msg = (
                    f"trim_weights(strict=True): the bounds [{lo:g}, {hi:g}] cannot hold the total "
                    f"weight {total:.6g} of {n} units in {label}; widen them."
                )
                raise DGIError(msg)
        out[:, j], _ = _trim_vector(col, lo, hi, strict)
    return finish_weighting(design, out)


def _bound(v: Any, name: str) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating) or np.isnan(v):
        msg = f"The {name!r} parameter of trim_weights must be a number. Got {v!r} instead."
        raise DGIError(msg)
    return float(v)
