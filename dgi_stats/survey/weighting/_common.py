"""Helpers shared by the weighting modules: margins, cell sums, the weights of a design.

A *margin* (or a post-stratification *population*) is a :class:`pandas.Series` of population counts
indexed by one or more design variables (see :mod:`~dgi_stats.survey.weighting.poststratify`).
:func:`parse_margin` validates one against the data; :func:`poststratify_matrix` post-stratifies
full-sample and replicate weights at once; :func:`weights_matrix` and :func:`finish_weighting`
take the weights out of a design and put the new ones back.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from dgi_stats._validation import check_positive_int, check_probability, did_you_mean
from dgi_stats.exceptions import DGIError
from dgi_stats.survey.design import SurveyDesign

__all__ = [
    "Margin",
    "cell_sums",
    "check_consistent_margins",
    "check_design",
    "check_iteration_options",
    "complete_columns",
    "finish_weighting",
    "indicator_matrix",
    "margin_name",
    "margin_series",
    "n_cells",
    "parse_margin",
    "poststratify_matrix",
    "residualize_columns",
    "safe_ratio",
    "validate_margins",
    "weights_matrix",
]


@dataclass(frozen=True, slots=True)
class Margin:
    """A validated margin: the cell of every row and the population count of every cell."""

    columns: tuple[str, ...]
    labels: tuple[Any, ...]  # cell labels (scalars or tuples), in the margin's order
    population: np.ndarray  # population count per cell
    codes: np.ndarray  # cell code (0..K-1) of every row
    name: str  # for messages, e.g. "margin 2 (district x sex)"


def check_design(design: Any, func: str) -> SurveyDesign:
    """``design`` if it is a SurveyDesign, else a DGIError naming ``func``."""
    if not isinstance(design, SurveyDesign):
        msg = (
            f"The 'design' parameter of {func} must be a SurveyDesign. Got {type(design).__name__} "
            "instead; build one with dgi_stats.survey.design.SurveyDesign(data, weights=..., ...)."
        )
        raise DGIError(msg)
    return design


def margin_name(i: int | None, columns: Sequence[str]) -> str:
    what = " x ".join(columns)
    return f"margin {i + 1} ({what})" if i is not None else f"population ({what})"


def margin_series(margin: Any) -> Any:
    """An R-style data frame of counts (columns ..., ``Freq``) as a Series; anything else as is."""
    if isinstance(margin, pd.DataFrame) and "Freq" in margin.columns and margin.shape[1] >= 2:
        key_cols = [c for c in margin.columns if c != "Freq"]
        return margin.set_index(key_cols)["Freq"]
    return margin


def parse_margin(
    data: pd.DataFrame,
    margin: Any,
    *,
    func: str,
    param: str,
    index: int | None = None,
) -> Margin:
    """Validate one margin Series against the data and return the cell code of every row."""
    where = f"{param}[{index}]" if index is not None else param
    margin = margin_series(margin)  # R-style data frame of counts (columns ..., Freq): accept it
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
    label = margin_name(index, columns)
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
    return Margin(
        columns=columns,
        labels=tuple(margin.index.tolist()),
        population=pop,
        codes=codes,
        name=label,
    )


def indicator_matrix(codes: np.ndarray, n_cells: int) -> sp.csr_matrix:
    """Sparse cells x rows indicator matrix."""
    n = codes.shape[0]
    return sp.csr_matrix(
        (np.ones(n), (codes, np.arange(n))), shape=(n_cells, n)
    )


def cell_sums(codes: np.ndarray, n_cells: int, values: np.ndarray) -> np.ndarray:
    """Sums of ``values`` (n or n x m) within cells: (K,) or (K, m)."""
    if values.ndim == 1:
        return np.bincount(codes, weights=values, minlength=n_cells)
    if values.shape[1] <= 16:
        out = np.empty((n_cells, values.shape[1]))
        for j in range(values.shape[1]):
            out[:, j] = np.bincount(codes, weights=values[:, j], minlength=n_cells)
        return out
    return np.asarray(indicator_matrix(codes, n_cells) @ values)


def safe_ratio(num: Any, den: np.ndarray, fill: float) -> np.ndarray:
    """``num / den`` where ``den > 0`` and ``fill`` elsewhere (never divides by ``den <= 0``)."""
    pos = den > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.where(pos, num / np.where(pos, den, 1.0), fill))


def n_cells(codes: np.ndarray) -> int:
    """Number of cells of 0-based cell codes (0 without rows)."""
    return int(codes.max()) + 1 if codes.size else 0


def poststratify_matrix(
    w: np.ndarray,
    margin: Margin,
    *,
    func: str,
    partial: bool = False,
    column_names: Sequence[str] | None = None,
) -> np.ndarray:
    """Post-stratify every column of ``w`` (n x m) to ``margin``; return the new weights.

    Column 0 is the full sample; the others are replicates (named by ``column_names``).
    """
    k = len(margin.labels)
    sums = cell_sums(margin.codes, k, w)  # (K, m)
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
    factor = safe_ratio(pop[:, None], sums, 1.0)
    return np.asarray(w * factor[margin.codes, :])


def residualize_columns(z: Any, residualize: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Apply ``residualize`` (n x k -> n x k) to influence values ``z``, n x k or one n-vector."""
    x = np.asarray(z, dtype=float)
    if x.ndim == 1:
        return residualize(x[:, None])[:, 0]
    return residualize(x)


def weights_matrix(design: SurveyDesign) -> tuple[np.ndarray, list[str] | None]:
    """Full-sample weights (column 0) and, for replicate designs, the replicate weights."""
    w = np.asarray(design.weights, dtype=float)[:, None]
    if design.replicates is None:
        return w, None
    reps = np.asarray(design.replicate_weights(), dtype=float)
    names = [f"replicate {j + 1}" for j in range(reps.shape[1])]
    return np.hstack([w, reps]), names


def finish_weighting(design: SurveyDesign, new_w: np.ndarray, step: Any = None) -> SurveyDesign:
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


def check_consistent_margins(margins: Sequence[Margin], sources: Sequence[pd.Series], func: str) -> None:
    """Margins must imply the same totals on the variables they share (or the same grand total)."""
    for i in range(len(margins)):
        for j in range(i + 1, len(margins)):
            a, b = margins[i], margins[j]
            common = [c for c in a.columns if c in b.columns]
            sa = pd.Series(a.population, index=sources[i].index)
            sb = pd.Series(b.population, index=sources[j].index)
            if common:
                ta = sa.groupby(level=common).sum()
                tb = sb.groupby(level=common).sum()
                ta, tb = ta.align(tb, fill_value=0.0)
            else:
                ta = pd.Series([sa.sum()])
                tb = pd.Series([sb.sum()])
            diff = (ta - tb).abs()
            scale = max(float(sa.sum()), float(sb.sum()), 1.0)
            if float(diff.max()) > 1e-9 * scale:
                k = int(np.argmax(diff.to_numpy()))
                worst = diff.index[k]
                where = f"category {worst!r} of {common}" if common else "the grand total"
                msg = (
                    f"{func}: {a.name} and {b.name} disagree on {where}: {ta.to_numpy()[k]:.10g} vs "
                    f"{tb.to_numpy()[k]:.10g}. Raking cannot satisfy both; make the margins "
                    "consistent (e.g. rescale one so the shared totals agree)."
                )
                raise DGIError(msg)


def validate_margins(design: SurveyDesign, margins: Any, func: str) -> tuple[list[Margin], list[pd.Series]]:
    if isinstance(margins, pd.Series | pd.DataFrame) or not isinstance(margins, Sequence):
        msg = (
            f"The 'margins' parameter of {func} must be a list of pandas Series (one per margin). "
            f"Got {type(margins).__name__}; wrap a single margin in a list."
        )
        raise DGIError(msg)
    if len(margins) == 0:
        msg = f"The 'margins' parameter of {func} is empty."
        raise DGIError(msg)
    parsed = [
        parse_margin(design.data, m, func=func, param="margins", index=i) for i, m in enumerate(margins)
    ]
    sources = [margin_series(m) for m in margins]  # every data frame was accepted by parse_margin
    check_consistent_margins(parsed, sources, func)
    return parsed, sources


def check_iteration_options(tol: Any, max_iter: Any, func: str) -> tuple[float, int]:
    """The iteration options of rake and calibrate: ``tol`` in (0, 1) and ``max_iter >= 1``."""
    return (
        check_probability(tol, name="tol", func=func),
        check_positive_int(max_iter, name="max_iter", func=func),
    )


def complete_columns(frame: pd.DataFrame, cols: list[str], *, param: str, what: str, func: str) -> pd.DataFrame:
    """The columns ``cols`` of ``frame``, which must exist and have no missing value."""
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        msg = f"The {param!r} parameter of {func} names unknown column(s) {missing}."
        raise DGIError(msg)
    sub = frame[cols]
    na_rows = sub.isna().any(axis=1).to_numpy()
    if na_rows.any():
        rows = np.flatnonzero(na_rows)[:10].tolist()
        msg = f"{func}: {what} {cols} have missing values at rows {rows} (0-based)."
        raise DGIError(msg)
    return sub
