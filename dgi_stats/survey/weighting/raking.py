"""Raking (iterative proportional fitting) to several population margins, as R's ``rake``.

Each sweep post-stratifies the weights to every margin in turn. The iterations stop when the largest
change of the weighted cross-classification of all margin variables between two sweeps is below
``tol * sum(w)`` (R's ``control = list(epsilon = tol)`` for ``tol < 1``), or after ``max_iter``
sweeps with a :class:`~dgi_stats.exceptions.ConvergenceWarning`. A replicate design is raked
replicate by replicate, in lockstep with the full sample (the same number of sweeps), as R does.

The Taylor variance of a raked design applies 10 sweeps of ``z <- z - w_m * ave(z / w_m, margin m)``
(``ave`` is the unweighted cell mean and ``w_m`` the weights right after margin ``m`` in the last
sweep) to the influence values, as R's ``svyrecvar``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, overload

import numpy as np
import pandas as pd

from dgi_stats._results import Result, frame_repr
from dgi_stats.exceptions import ConvergenceWarning
from dgi_stats.survey.design import SurveyDesign
from dgi_stats.survey.weighting._common import (
    Margin,
    cell_sums,
    check_design,
    check_iteration_options,
    finish_weighting,
    poststratify_matrix,
    residualize_columns,
    safe_ratio,
    validate_margins,
    weights_matrix,
)

__all__ = ["RakingResult", "RakingStep", "rake", "rake_weights"]

_RAKE_VARIANCE_SWEEPS = 10  # R's svyrecvar: for(iterations in 1:10)


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class RakingStep:
    """Taylor-variance effect of raking (R's ``postStrata`` entry of class ``"raking"``).

    Parameters
    ----------
    codes : tuple of numpy.ndarray
        Cell of every row, one array per margin.
    weights : tuple of numpy.ndarray
        Weights right after each margin's post-stratification in the last sweep.
    columns : tuple of tuple of str
        The variables of each margin.

    Examples
    --------
    >>> import pandas as pd
    >>> from dgi_stats.survey.design import SurveyDesign
    >>> df = pd.DataFrame({"sex": ["f", "f", "m", "m"], "age": ["y", "o", "y", "o"]})
    >>> d = SurveyDesign(df, weights=[10.0, 10, 10, 10])
    >>> by_sex = pd.Series([50.0, 30.0], index=pd.Index(["f", "m"], name="sex"))
    >>> by_age = pd.Series([20.0, 60.0], index=pd.Index(["y", "o"], name="age"))
    >>> res = rake_weights(d, [by_sex, by_age], tol=1e-12)
    >>> res.design.calibration[-1].columns
    (('sex',), ('age',))
    """

    codes: tuple[np.ndarray, ...]
    weights: tuple[np.ndarray, ...]
    columns: tuple[tuple[str, ...], ...]

    def residualize(self, z: np.ndarray, design: SurveyDesign | None = None) -> np.ndarray:
        """Apply 10 sweeps of ``z <- z - w * ave(z / w, margin)`` (unweighted cell means).

        Parameters
        ----------
        z : numpy.ndarray
            ``n x k`` influence values (zero outside a domain).
        design : SurveyDesign, optional
            Unused.

        Returns
        -------
        numpy.ndarray
            ``n x k`` residuals.

        Examples
        --------
        >>> import pandas as pd
        >>> from dgi_stats.survey.design import SurveyDesign
        >>> df = pd.DataFrame({"sex": ["f", "f", "m", "m"], "age": ["y", "o", "y", "o"]})
        >>> d = SurveyDesign(df, weights=[10.0, 10, 10, 10])
        >>> by_sex = pd.Series([50.0, 30.0], index=pd.Index(["f", "m"], name="sex"))
        >>> by_age = pd.Series([20.0, 60.0], index=pd.Index(["y", "o"], name="age"))
        >>> res = rake_weights(d, [by_sex, by_age], tol=1e-12)
        >>> z = res.design.calibration[-1].residualize(res.weights.to_numpy())
        >>> bool(abs(z).max() < 1e-9)   # the weights themselves are fitted exactly
        True
        """
        return residualize_columns(z, self._residualize)

    def _residualize(self, x: np.ndarray) -> np.ndarray:
        prepared = []
        for codes, psw in zip(self.codes, self.weights, strict=True):
            k = int(codes.max()) + 1
            counts = np.maximum(np.bincount(codes, minlength=k), 1).astype(float)  # empty cells unused
            inv = safe_ratio(1.0, psw, 0.0)
            prepared.append((codes, k, counts, psw, inv))
        for _ in range(_RAKE_VARIANCE_SWEEPS):
            for codes, k, counts, psw, inv in prepared:
                means = cell_sums(codes, k, x * inv[:, None]) / counts[:, None]
                x = x - psw[:, None] * means[codes, :]
        return x

    def __repr__(self) -> str:
        return f"RakingStep(margins={[list(c) for c in self.columns]}, n={self.codes[0].size})"


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class RakingResult(Result):
    """Outcome of :func:`rake_weights`.

    Parameters
    ----------
    weights : pandas.Series
        Raked full-sample weights, indexed like the design's data.
    converged : bool
        Whether the change between two sweeps fell below the tolerance.
    n_iter : int
        Number of sweeps over all margins.
    max_abs_margin_error : float
        Largest absolute difference between a weighted margin total and its population count.
    history : pandas.DataFrame
        One row per sweep: ``max_change`` (largest change of a cell of the cross-classification of
        all margin variables) and ``max_abs_margin_error``.
    trimmed : int
        Number of trimmed weights (always 0 here; see :func:`~dgi_stats.survey.weighting.trim_weights`).
    weight_range : tuple of float
        Smallest and largest raked weight.
    tol : float
        The relative tolerance used.
    design : SurveyDesign or None
        The raked design.

    Examples
    --------
    >>> import pandas as pd
    >>> from dgi_stats.survey.design import SurveyDesign
    >>> df = pd.DataFrame({"sex": ["f", "f", "m", "m"], "age": ["y", "o", "y", "o"]})
    >>> d = SurveyDesign(df, weights=[10.0, 10, 10, 10])
    >>> by_sex = pd.Series([50.0, 30.0], index=pd.Index(["f", "m"], name="sex"))
    >>> by_age = pd.Series([20.0, 60.0], index=pd.Index(["y", "o"], name="age"))
    >>> res = rake_weights(d, [by_sex, by_age], tol=1e-12)
    >>> res.to_frame().columns.tolist()
    ['iteration', 'max_change', 'max_abs_margin_error']
    """

    weights: pd.Series
    converged: bool
    n_iter: int
    max_abs_margin_error: float
    history: pd.DataFrame
    trimmed: int
    weight_range: tuple[float, float]
    tol: float
    design: SurveyDesign | None

    def to_frame(self) -> pd.DataFrame:
        """The sweep history with the iteration number as a column.

        Returns
        -------
        pandas.DataFrame
            One row per sweep: ``iteration``, ``max_change``, ``max_abs_margin_error``.

        Examples
        --------
        >>> import pandas as pd
        >>> from dgi_stats.survey.design import SurveyDesign
        >>> df = pd.DataFrame({"sex": ["f", "f", "m", "m"], "age": ["y", "o", "y", "o"]})
        >>> d = SurveyDesign(df, weights=[10.0, 10, 10, 10])
        >>> by_sex = pd.Series([50.0, 30.0], index=pd.Index(["f", "m"], name="sex"))
        >>> by_age = pd.Series([20.0, 60.0], index=pd.Index(["y", "o"], name="age"))
        >>> res = rake_weights(d, [by_sex, by_age], tol=1e-12)
        >>> int(res.to_frame()["iteration"].iloc[0])
        1
        """
        return self.history.reset_index()

    def __repr__(self) -> str:
        extra = (
            f"converged={self.converged}, n_iter={self.n_iter}, "
            f"max_abs_margin_error={self.max_abs_margin_error:.3g}, "
            f"weight_range=({self.weight_range[0]:.4g}, {self.weight_range[1]:.4g})"
        )
        return frame_repr("RakingResult", self.history, extra=extra)


def _joint_codes(data: pd.DataFrame, margins: Sequence[Margin]) -> tuple[np.ndarray, int]:
    cols: list[str] = []
    for m in margins:
        cols += [c for c in m.columns if c not in cols]
    codes = pd.MultiIndex.from_frame(data[cols]).factorize()[0] if len(cols) > 1 else pd.factorize(data[cols[0]])[0]
    codes = np.asarray(codes, dtype=np.intp)
    return codes, int(codes.max()) + 1


def _margin_error(w: np.ndarray, margins: Sequence[Margin]) -> float:
    err = 0.0
    for m in margins:
        tot = cell_sums(m.codes, len(m.labels), w)
        err = max(err, float(np.max(np.abs(tot - m.population))))
    return err


def rake_weights(
    design: SurveyDesign,
    margins: Sequence[pd.Series],
    *,
    tol: float = 1e-10,
    max_iter: int = 100,
) -> RakingResult:
    """Rake a design to population margins and report the iterations (R's ``rake``).

    Parameters
    ----------
    design : SurveyDesign
        The design to re-weight (not modified).
    margins : sequence of pandas.Series
        Population counts, one Series per margin, each indexed by one or more design variables (the
        index names are the column names), e.g. counts by ``(district, sex)`` and by
        ``(district, age_group)``.
    tol : float
        Stop when no cell of the weighted cross-classification of all margin variables changes by
        more than ``tol * sum(weights)`` between two sweeps. R's ``control = list(epsilon = e)`` is
        ``tol = e`` for ``e < 1`` and ``tol = e / sum(weights)`` for ``e >= 1`` (R's default
        ``epsilon = 1`` is loose). default: 1e-10.
    max_iter : int
        Maximum number of sweeps (R's ``maxit``; R's default is 10). default: 100.

    Returns
    -------
    RakingResult
        Raked weights, convergence diagnostics and the raked design (``.design``).

    Raises
    ------
    DGIError
        Unknown columns, NaN or negative counts, margins that disagree on shared totals, sample
        categories absent from a margin, or margin categories absent from the sample.

    Warns
    -----
    ConvergenceWarning
        When the tolerance is not reached within ``max_iter`` sweeps.

    See Also
    --------
    rake : the same, returning the design.
    calibrate : ``method="raking"`` reaches the same weights by Newton steps.

    Notes
    -----
    Iterative proportional fitting [1]_: in every sweep, for every margin :math:`m` and cell
    :math:`c`, :math:`w_i \\leftarrow w_i N_{mc} / \\sum_{j \\in c} w_j`.

    References
    ----------
    .. [1] Deming, W. E., & Stephan, F. F. (1940). On a least squares adjustment of a sampled
       frequency table when the expected marginal totals are known. Annals of Mathematical
       Statistics, 11(4), 427-444. https://doi.org/10.1214/aoms/1177731829

    Examples
    --------
    >>> import pandas as pd
    >>> from dgi_stats.survey.design import SurveyDesign
    >>> df = pd.DataFrame({"sex": ["f", "f", "m", "m"], "age": ["y", "o", "y", "o"]})
    >>> d = SurveyDesign(df, weights=[10.0, 10, 10, 10])
    >>> by_sex = pd.Series([50.0, 30.0], index=pd.Index(["f", "m"], name="sex"))
    >>> by_age = pd.Series([20.0, 60.0], index=pd.Index(["y", "o"], name="age"))
    >>> res = rake_weights(d, [by_sex, by_age], tol=1e-12)
    >>> res.converged, res.max_abs_margin_error < 1e-9
    (True, True)
    """
    design = check_design(design, "rake")
    tol, max_iter = check_iteration_options(tol, max_iter, "rake")
    parsed, _ = validate_margins(design, margins, "rake")
    w, names = weights_matrix(design)
    w0 = w[:, 0].copy()
    joint, n_joint = _joint_codes(design.data, parsed)
    epsilon = tol * float(w0.sum())
    old_table = cell_sums(joint, n_joint, w[:, 0])
    history: list[tuple[int, float, float]] = []
    converged = False
    it = 0
    step_weights: list[np.ndarray] = []
    while it < max_iter:
        step_weights = []
        for m in parsed:
            w = poststratify_matrix(w, m, func="rake", column_names=names)
            step_weights.append(w[:, 0].copy())
        it += 1
        new_table = cell_sums(joint, n_joint, w[:, 0])
        delta = float(np.max(np.abs(old_table - new_table)))
        history.append((it, delta, _margin_error(w[:, 0], parsed)))
        if delta < epsilon:
            converged = True
            break
        old_table = new_table
    err = history[-1][2]
    if not converged:
        warnings.warn(
            f"rake did not converge after {max_iter} sweeps: the cells still changed by "
            f"{history[-1][1]:.3g} (> tol * sum(w) = {epsilon:.3g}); largest margin error "
            f"{err:.3g}. Increase max_iter, check for empty or tiny cells, or collapse categories.",
            ConvergenceWarning,
            stacklevel=2,
        )
    step = RakingStep(
        codes=tuple(m.codes for m in parsed),
        weights=tuple(step_weights),
        columns=tuple(m.columns for m in parsed),
    )
    new_design = finish_weighting(design, w, step)
    hist = pd.DataFrame(history, columns=["iteration", "max_change", "max_abs_margin_error"]).set_index(
        "iteration"
    )
    return RakingResult(
        weights=pd.Series(w[:, 0], index=design.data.index, name="weight"),
        converged=converged,
        n_iter=it,
        max_abs_margin_error=err,
        history=hist,
        trimmed=0,
        weight_range=(float(w[:, 0].min()), float(w[:, 0].max())),
        tol=tol,
        design=new_design,
    )


@overload
def rake(
    design: SurveyDesign,
    margins: Sequence[pd.Series],
    *,
    tol: float = ...,
    max_iter: int = ...,
    return_result: Literal[False] = ...,
) -> SurveyDesign: ...


@overload
def rake(
    design: SurveyDesign,
    margins: Sequence[pd.Series],
    *,
    tol: float = ...,
    max_iter: int = ...,
    return_result: Literal[True],
) -> RakingResult: ...


def rake(
    design: SurveyDesign,
    margins: Sequence[pd.Series],
    *,
    tol: float = 1e-10,
    max_iter: int = 100,
    return_result: bool = False,
) -> SurveyDesign | RakingResult:
    """Rake a design to population margins (iterative proportional fitting, R's ``rake``).

    Parameters
    ----------
    design : SurveyDesign
        The design to re-weight (not modified). A replicate design has every replicate raked.
    margins : sequence of pandas.Series
        Population counts, one Series per margin, each indexed by one or more design variables (the
        index names are the column names).
    tol : float
        Relative tolerance on the change of the weighted cross-classification between sweeps (see
        :func:`rake_weights`). default: 1e-10.
    max_iter : int
        Maximum number of sweeps. default: 100.
    return_result : bool
        Return the :class:`RakingResult` (with ``.design``) instead of the design. default: False.

    Returns
    -------
    SurveyDesign or RakingResult
        The raked design (with a :class:`RakingStep` for Taylor variances), or the full result.

    Raises
    ------
    DGIError
        See :func:`rake_weights`.

    Warns
    -----
    ConvergenceWarning
        When the tolerance is not reached within ``max_iter`` sweeps.

    See Also
    --------
    rake_weights, poststratify, calibrate

    Notes
    -----
    See :func:`rake_weights` and the module docstring for the algorithm and its variance.

    Examples
    --------
    >>> import pandas as pd
    >>> from dgi_stats.survey.design import SurveyDesign
    >>> df = pd.DataFrame({"sex": ["f", "f", "m", "m"], "age": ["y", "o", "y", "o"]})
    >>> d = SurveyDesign(df, weights=[10.0, 10, 10, 10])
    >>> by_sex = pd.Series([50.0, 30.0], index=pd.Index(["f", "m"], name="sex"))
    >>> by_age = pd.Series([20.0, 60.0], index=pd.Index(["y", "o"], name="age"))
    >>> rake(d, [by_sex, by_age]).weights.round(3).tolist()
    [12.5, 37.5, 7.5, 22.5]
    """
    res = rake_weights(design, margins, tol=tol, max_iter=max_iter)
    if return_result:
        return res
    assert res.design is not None
    return res.design
