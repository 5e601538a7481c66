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

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from dgi_stats._validation import did_you_mean
from dgi_stats.exceptions import DGIError

if TYPE_CHECKING:
    from dgi_stats.survey.design import SurveyDesign

__all__ = ["PostStratificationStep", "poststratify"]


# ---------------------------------------------------------------------------------------------
# margins: validation and cell codes
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Margin:
    """A validated margin: the cell of every row and the population count of every cell."""

    columns: tuple[str, ...]
    labels: tuple[Any, ...]  # cell labels (scalars or tuples), in the margin's order
    population: np.ndarray  # population count per cell
    codes: np.ndarray  # cell code (0..K-1) of every row
    name: str  # for messages, e.g. "margin 2 (district x sex)"


def _check_design(design: Any, func: str) -> SurveyDesign:
    from dgi_stats.survey.design import SurveyDesign

    if not isinstance(design, SurveyDesign):
        msg = (
            f"The 'design' parameter of {func} must be a SurveyDesign. Got {type(design).__name__} "
            "instead; build one with dgi_stats.survey.design.SurveyDesign(data, weights=..., ...)."
        )
        raise DGIError(msg)
    return design


def _margin_name(i: int | None, columns: Sequence[str]) -> str:
    what = " x ".join(columns)
    return f"margin {i + 1} ({what})" if i is not None else f"population ({what})"


def _margin_series(margin: Any) -> Any:
    """An R-style data frame of counts (columns ..., ``Freq``) as a Series; anything else as is."""
    if isinstance(margin, pd.DataFrame) and "Freq" in margin.columns and margin.shape[1] >= 2:
        key_cols = [c for c in margin.columns if c != "Freq"]
        return margin.set_index(key_cols)["Freq"]
    return margin


def _parse_margin(
    data: pd.DataFrame,
    margin: Any,
    *,
    func: str,
    param: str,
    index: int | None = None,
) -> _Margin:
    """Validate one margin Series against the data and return the cell code of every row."""
    where = f"{param}[{index}]" if index is not None else param
    margin = _margin_series(margin)  # R-style data frame of counts (columns ..., Freq): accept it
    if not isinstance(margin, pd.Series):
        msg = (
            f"The {where!r} parameter of {func} must be a pandas Series of population counts indexed "
            f"by design variables (the index names are column names). Got {type(margin).__name__}."
        )
        raise DGIError(msg)
    names = list(margin.index.names)
    if any(n is None for n in names):
        msg = (
            f"The {where!r} parameter of {func} has an unnamed index level; name each level after "
            "the data column it classifies, e.g. pd.Series(counts, index=pd.Index(levels, "
            "name='sex')) or margin.rename_axis(['district', 'sex'])."
        )
        raise DGIError(msg)
    columns = tuple(str(n) for n in names)
    if len(set(columns)) != len(columns):
        msg = f"The {where!r} parameter of {func} names a column twice in its index: {list(columns)}."
        raise DGIError(msg)
    missing = [c for c in columns if c not in data.columns]
    if missing:
        msg = (
            f"The {where!r} parameter of {func} is indexed by unknown column(s) {missing}; "
            f"{did_you_mean(missing, data.columns, what='data columns')}."
        )
        raise DGIError(msg)
    label = _margin_name(index, columns)
    try:
        pop = pd.to_numeric(margin, errors="raise").to_numpy(dtype=float)
    except (TypeError, ValueError):
        msg = f"The population counts of {label} in {func} must be numeric."
        raise DGIError(msg) from None
    bad = ~np.isfinite(pop) | (pop < 0)
    if bad.any():
        cats = [margin.index[i] for i in np.flatnonzero(bad)[:10]]
        msg = (
            f"The population counts of {label} in {func} must be finite and >= 0; categories "
            f"{cats} have {pop[bad][:10].tolist()}."
        )
        raise DGIError(msg)
    if margin.index.has_duplicates:
        dup = margin.index[margin.index.duplicated()].unique().tolist()[:10]
        msg = f"{label} in {func} lists categories {dup} more than once."
        raise DGIError(msg)
    sub = data[list(columns)]
    na_rows = sub.isna().any(axis=1).to_numpy()
    if na_rows.any():
        rows = np.flatnonzero(na_rows)[:10].tolist()
        msg = (
            f"{label} in {func}: column(s) {list(columns)} have missing values at rows {rows} "
            "(0-based positions); every respondent needs a category to be weighted."
        )
        raise DGIError(msg)
    if len(columns) == 1:
        keys: pd.Index = pd.Index(sub.iloc[:, 0])
        m_index = margin.index if margin.index.nlevels == 1 else margin.index.get_level_values(0)
    else:
        keys = pd.MultiIndex.from_frame(sub)
        m_index = margin.index
    codes = np.asarray(m_index.get_indexer(keys), dtype=np.intp)
    if (codes < 0).any():
        absent = pd.Series(list(keys[codes < 0]), dtype=object).value_counts()
        shown = {str(k): int(v) for k, v in list(absent.items())[:10]}
        msg = (
            f"{label} in {func}: sample categories absent from the population counts (category: "
            f"number of rows) {shown}. Add them to the margin (with their population count) or "
            "recode the data; check that the data and the margin use the same labels and types."
        )
        raise DGIError(msg)
    return _Margin(
        columns=columns,
        labels=tuple(margin.index.tolist()),
        population=pop,
        codes=codes,
        name=label,
    )


def _indicator(codes: np.ndarray, n_cells: int) -> sp.csr_matrix:
    """Sparse cells x rows indicator matrix."""
    n = codes.shape[0]
    return sp.csr_matrix(
        (np.ones(n), (codes, np.arange(n))), shape=(n_cells, n)
    )


def _cell_sums(codes: np.ndarray, n_cells: int, values: np.ndarray) -> np.ndarray:
    """Sums of ``values`` (n or n x m) within cells: (K,) or (K, m)."""
    if values.ndim == 1:
        return np.bincount(codes, weights=values, minlength=n_cells)
    if values.shape[1] <= 16:
        out = np.empty((n_cells, values.shape[1]))
        for j in range(values.shape[1]):
            out[:, j] = np.bincount(codes, weights=values[:, j], minlength=n_cells)
        return out
    return np.asarray(_indicator(codes, n_cells) @ values)


def _ratio(num: Any, den: np.ndarray, fill: float) -> np.ndarray:
    """``num / den`` where ``den > 0`` and ``fill`` elsewhere (never divides by ``den <= 0``)."""
    pos = den > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.where(pos, num / np.where(pos, den, 1.0), fill))


def _n_cells(codes: np.ndarray) -> int:
    """Number of cells of 0-based cell codes (0 without rows)."""
    return int(codes.max()) + 1 if codes.size else 0


def _poststratify_matrix(
    w: np.ndarray,
    margin: _Margin,
    *,
    func: str,
    partial: bool = False,
    column_names: Sequence[str] | None = None,
) -> np.ndarray:
    """Post-stratify every column of ``w`` (n x m) to ``margin``; return the new weights.

    Column 0 is the full sample; the others are replicates (named by ``column_names``).
    """
    k = len(margin.labels)
    sums = _cell_sums(margin.codes, k, w)  # (K, m)
    pop = margin.population
    counts = np.bincount(margin.codes, minlength=k)
    # R: a cell with units in the sample but no population is an error ("can't happen")
    only_sample = (pop == 0) & (sums[:, 0] > 0)
    if only_sample.any():
        cats = [margin.labels[i] for i in np.flatnonzero(only_sample)[:10]]
        msg = (
            f"{margin.name} in {func}: categories {cats} have a population count of 0 but "
            "respondents with positive weight; fix the population counts or recode the data."
        )
        raise DGIError(msg)
    # a population category without sample weight cannot be reached
    absent = (pop > 0) & (sums[:, 0] <= 0)
    if absent.any():
        cats = [margin.labels[i] for i in np.flatnonzero(absent)[:10]]
        if not partial:
            n_rows = counts[absent][:10].tolist()
            msg = (
                f"{margin.name} in {func}: population categories {cats} are absent from the sample "
                f"(respondents in them: {n_rows}, total weight 0). Collapse them with a neighbouring "
                "category"
                + (", or pass partial=True to ignore them." if func == "poststratify" else ".")
            )
            raise DGIError(msg)
        warnings.warn(
            f"{margin.name} in {func}: population categories {cats} are absent from the sample and "
            "were ignored (partial=True); the weights do not add up to the population total.",
            UserWarning,
            stacklevel=3,
        )
    if w.shape[1] > 1:
        # replicates: every replicate must reach every populated cell it is asked to reach
        bad = (pop[:, None] > 0) & ~absent[:, None] & (sums[:, 1:] <= 0)
        if bad.any():
            i, j = np.argwhere(bad)[0]
            rep = column_names[j] if column_names is not None else f"replicate {j + 1}"
            msg = (
                f"{margin.name} in {func}: {rep} has no weight in category {margin.labels[i]!r}, so "
                "that replicate cannot be post-stratified; collapse small categories."
            )
            raise DGIError(msg)
    factor = _ratio(pop[:, None], sums, 1.0)
    return np.asarray(w * factor[margin.codes, :])


# ---------------------------------------------------------------------------------------------
# the variance step
# ---------------------------------------------------------------------------------------------
def _residualize_columns(z: Any, residualize: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Apply ``residualize`` (n x k -> n x k) to influence values ``z``, n x k or one n-vector."""
    x = np.asarray(z, dtype=float)
    if x.ndim == 1:
        return residualize(x[:, None])[:, 0]
    return residualize(x)


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class PostStratificationStep:
    """Taylor-variance effect of a post-stratification (R's ``postStrata`` entry).

    Attributes
    ----------
    codes : numpy.ndarray
        Post-stratum of every row (0..K-1).
    weights : numpy.ndarray
        Weights right after post-stratification (R's ``attr(, "weights")``).
    old_weights : numpy.ndarray
        Weights right before it (R's ``attr(, "oldweights")``).
    columns : tuple of str
        The post-stratification variables.
    """

    codes: np.ndarray
    weights: np.ndarray
    old_weights: np.ndarray
    columns: tuple[str, ...]

    def residualize(self, z: np.ndarray, design: Any = None) -> np.ndarray:
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
        """
        return _residualize_columns(z, self._residualize)

    def _residualize(self, z2: np.ndarray) -> np.ndarray:
        psw = np.array(self.weights, dtype=float)
        oldw = self.old_weights
        psw[(psw == 0) & (oldw == 0)] = 1.0
        k = _n_cells(self.codes)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(psw[:, None] > 0, z2 * (oldw / np.where(psw > 0, psw, 1.0))[:, None], 0.0)
            num = _cell_sums(self.codes, k, ratio)
        den = np.bincount(self.codes, weights=oldw, minlength=k)
        means = _ratio(num, den[:, None], 0.0)
        return np.asarray(z2 - means[self.codes, :] * psw[:, None])

    def __repr__(self) -> str:
        return (
            f"PostStratificationStep(columns={list(self.columns)}, n={self.codes.size}, "
            f"cells={_n_cells(self.codes)})"
        )


# ---------------------------------------------------------------------------------------------
# public function
# ---------------------------------------------------------------------------------------------
def _weights_matrix(design: SurveyDesign) -> tuple[np.ndarray, list[str] | None]:
    """Full-sample weights (column 0) and, for replicate designs, the replicate weights."""
    w = np.asarray(design.weights, dtype=float)[:, None]
    if design.replicates is None:
        return w, None
    reps = np.asarray(design.replicate_weights(), dtype=float)
    names = [f"replicate {j + 1}" for j in range(reps.shape[1])]
    return np.hstack([w, reps]), names


def _finish(design: SurveyDesign, new_w: np.ndarray, step: Any = None) -> SurveyDesign:
    """A new design with the weights ``new_w`` (n x (1 + R)) and, if given, one more calibration step.

    The calibration steps of ``design`` are kept.
    """
    if design.replicates is None:
        return design.with_weights(new_w[:, 0], calibration=step)
    out = design.with_replicate_weights(new_w[:, 0], new_w[:, 1:])
    if step is None:
        return out
    # keep the step so that a Taylor variance of the same weights is still right
    return out._copy(calibration=(*design.calibration, step))


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
    design = _check_design(design, "poststratify")
    margin = _parse_margin(design.data, population, func="poststratify", param="population")
    w, names = _weights_matrix(design)
    new_w = _poststratify_matrix(w, margin, func="poststratify", partial=partial, column_names=names)
    step = PostStratificationStep(
        codes=margin.codes,
        weights=new_w[:, 0].copy(),
        old_weights=w[:, 0].copy(),
        columns=margin.columns,
    )
    return _finish(design, new_w, step)
