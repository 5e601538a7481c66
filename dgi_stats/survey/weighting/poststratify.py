"""Post-stratification (R's ``postStratify``) and the margin helpers shared by raking and calibration.

A *margin* (or a post-stratification *population*) is a :class:`pandas.Series` of population counts
indexed by one or more design variables: the index names are the column names of the design's data,
for example ``pd.Series([4421, 755, 1018], index=pd.Index(["E", "H", "M"], name="stype"))`` or a
Series on a ``(district, sex)`` MultiIndex.

Post-stratification multiplies the weights of the units of cell ``c`` by ``N_c / N̂_c`` (population
count over weighted sample count). Its effect on Taylor variances is a residualisation of the
influence values within cells (R's ``svyrecvar``): ``z <- z - w * (Σ_c z·w⁰/w) / (Σ_c w⁰)``, with ``w⁰``
the weights before and ``w`` the weights after post-stratification.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dgi_stats.survey.design import SurveyDesign
from dgi_stats.survey.weighting._common import (
    cell_sums,
    check_design,
    finish_weighting,
    n_cells,
    parse_margin,
    poststratify_matrix,
    residualize_columns,
    safe_ratio,
    weights_matrix,
)

__all__ = ["PostStratificationStep", "poststratify"]


# ---------------------------------------------------------------------------------------------
# margins: validation and cell codes
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# the variance step
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class PostStratificationStep:
    """Taylor-variance effect of a post-stratification (R's ``postStrata`` entry).

    Parameters
    ----------
    codes : numpy.ndarray
        Post-stratum of every row (0..K-1).
    weights : numpy.ndarray
        Weights right after post-stratification (R's ``attr(, "weights")``).
    old_weights : numpy.ndarray
        Weights right before it (R's ``attr(, "oldweights")``).
    columns : tuple of str
        The post-stratification variables.

    Examples
    --------
    >>> import pandas as pd
    >>> from dgi_stats.survey.design import SurveyDesign
    >>> d = SurveyDesign(pd.DataFrame({"sex": ["f", "f", "m"]}), weights=[1.0, 1, 1])
    >>> ps = poststratify(d, pd.Series([4.0, 2.0], index=pd.Index(["f", "m"], name="sex")))
    >>> step = ps.calibration[-1]
    >>> step.columns, step.codes.tolist()
    (('sex',), [0, 0, 1])
    """

    codes: np.ndarray
    weights: np.ndarray
    old_weights: np.ndarray
    columns: tuple[str, ...]

    def residualize(self, z: np.ndarray, design: SurveyDesign | None = None) -> np.ndarray:
        """Remove post-stratum means: ``z - w * (Σ_c z·w⁰/w) / (Σ_c w⁰)`` (R's ``svyrecvar``).

        Parameters
        ----------
        z : numpy.ndarray
            ``n x k`` influence values (zero outside a domain).
        design : SurveyDesign, optional
            Unused (the step keeps the weights it was computed with, as R does).

        Returns
        -------
        numpy.ndarray
            ``n x k`` residuals.

        Examples
        --------
        >>> import pandas as pd
        >>> from dgi_stats.survey.design import SurveyDesign
        >>> d = SurveyDesign(pd.DataFrame({"sex": ["f", "f", "m"]}), weights=[1.0, 1, 1])
        >>> ps = poststratify(d, pd.Series([4.0, 2.0], index=pd.Index(["f", "m"], name="sex")))
        >>> step = ps.calibration[-1]
        >>> step.residualize(ps.weights).round(12).tolist()   # cell totals are fitted exactly
        [0.0, 0.0, 0.0]
        """
        return residualize_columns(z, self._residualize)

    def _residualize(self, z2: np.ndarray) -> np.ndarray:
        psw = np.array(self.weights, dtype=float)
        oldw = self.old_weights
        psw[(psw == 0) & (oldw == 0)] = 1.0
        k = n_cells(self.codes)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(psw[:, None] > 0, z2 * (oldw / np.where(psw > 0, psw, 1.0))[:, None], 0.0)
            num = cell_sums(self.codes, k, ratio)
        den = np.bincount(self.codes, weights=oldw, minlength=k)
        means = safe_ratio(num, den[:, None], 0.0)
        return np.asarray(z2 - means[self.codes, :] * psw[:, None])

    def __repr__(self) -> str:
        return (
            f"PostStratificationStep(columns={list(self.columns)}, n={self.codes.size}, "
            f"cells={n_cells(self.codes)})"
        )


# ---------------------------------------------------------------------------------------------
# public function
# ---------------------------------------------------------------------------------------------


def poststratify(design: SurveyDesign, population: pd.Series, *, partial: bool = False) -> SurveyDesign:
    """Post-stratify a design to known population counts (R's ``postStratify``).

    Parameters
    ----------
    design : SurveyDesign
        The design to re-weight (not modified). For a replicate design every replicate is
        post-stratified too.
    population : pandas.Series
        Population count of every post-stratum, indexed by one or more design variables (the index
        names are the column names). A data frame with the variables and a ``Freq`` column (R's
        format) is accepted too.
    partial : bool
        Ignore population cells that have no respondents (with a warning) instead of raising.
        default: False.

    Returns
    -------
    SurveyDesign
        A new design whose weights add up to the population count in every post-stratum, with a
        :class:`PostStratificationStep` for Taylor variances.

    Raises
    ------
    DGIError
        Unknown columns, NaN or negative counts, sample categories missing from ``population``, or
        population categories without respondents (unless ``partial=True``).

    Warns
    -----
    UserWarning
        With ``partial=True``, when population cells are ignored.

    See Also
    --------
    rake : several margins at once.
    calibrate : linear, raking and logit calibration.

    Notes
    -----
    The new weight of unit :math:`i` in cell :math:`c` is :math:`w_i N_c / \\hat N_c` with
    :math:`\\hat N_c = \\sum_{j \\in c} w_j`. Taylor variances remove the cell means of the influence
    values, :math:`z_i \\leftarrow z_i - w_i \\sum_{j\\in c} z_j w^0_j / w_j / \\sum_{j \\in c} w^0_j`,
    as R's ``svyrecvar`` does for ``postStratify`` designs [1]_.

    References
    ----------
    .. [1] Lumley, T. (2004). Analysis of complex survey samples. Journal of Statistical Software,
       9(8). https://doi.org/10.18637/jss.v009.i08

    Examples
    --------
    >>> import pandas as pd
    >>> from dgi_stats.survey.design import SurveyDesign
    >>> df = pd.DataFrame({"sex": ["f", "f", "m", "m", "m"], "w": [10.0, 10, 10, 10, 10]})
    >>> pop = pd.Series([60.0, 40.0], index=pd.Index(["f", "m"], name="sex"))
    >>> ps = poststratify(SurveyDesign(df, weights="w"), pop)
    >>> ps.weights.round(4).tolist()
    [30.0, 30.0, 13.3333, 13.3333, 13.3333]
    """
    design = check_design(design, "poststratify")
    margin = parse_margin(design.data, population, func="poststratify", param="population")
    w, names = weights_matrix(design)
    new_w = poststratify_matrix(w, margin, func="poststratify", partial=partial, column_names=names)
    step = PostStratificationStep(
        codes=margin.codes,
        weights=new_w[:, 0].copy(),
        old_weights=w[:, 0].copy(),
        columns=margin.columns,
    )
    return finish_weighting(design, new_w, step)
