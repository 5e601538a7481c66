"""From respondents' answers to unit-level measures, ranks and index arithmetic.

* :func:`unit_scores`: survey-weighted (Hájek) means of the indicator scores per unit, then the
  spec's exact linear map to sub-dimensions, dimensions, total and composite % (point estimates; the
  design-based version with covariance is :func:`dgi_stats.scores.index.score`).
* :func:`competition_rank`: the one ranking rule of the library, on unrounded scores (rank 1 =
  highest; ties share the best rank: 1, 1, 3). :func:`rank` is its deprecated former name.
* :func:`total_from_dimensions`: the DGI's published total (plain sum of the dimension scores);
  :func:`composite_percent` (total / (10 x n_dimensions) x 100) lives with the spec
  (:func:`dgi_stats.scores.spec.composite_percent`) and is re-exported here.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from decimal import Decimal
from typing import Literal, overload

import numpy as np
import pandas as pd
from scipy import stats

from dgi_stats._typing import FloatArray, IntArray
from dgi_stats._validation import check_choice, check_columns
from dgi_stats.exceptions import DGIDeprecationWarning, DGIError, MissingDataWarning
from dgi_stats.scores._common import printed_decimal
from dgi_stats.scores.spec import IndexSpec, composite_percent
from dgi_stats.units import UNITS, match_units

__all__ = [
    "competition_rank",
    "composite_percent",
    "rank",
    "total_from_dimensions",
    "unit_scores",
]


def _check_weights(data: pd.DataFrame, weights: str, func: str, max_rows: int = 5) -> pd.Series:
    check_columns(data, [weights], name="answers")
    w = pd.to_numeric(data[weights], errors="coerce").astype(float)
    bad = ~np.isfinite(w.to_numpy()) | (w.to_numpy() <= 0)
    if bad.any():
        rows = list(data.index[bad][:max_rows])
        vals = data.loc[rows, weights].tolist()
        msg = (
            f"The 'weights' parameter of {func} names column {weights!r}, which has "
            f"{int(bad.sum())} NaN, infinite, zero or negative value(s); first rows {rows} with values "
            f"{vals}. Every respondent needs a positive weight: fix or impute these weights (or drop "
            "the respondents explicitly before scoring)."
        )
        raise DGIError(msg)
    return w


def _unit_labels(
    data: pd.DataFrame, by: str, expected_units: Sequence[str] | None, func: str
) -> tuple[pd.Series, list[str]]:
    check_columns(data, [by], name="answers")
    raw = data[by]
    if raw.isna().any():
        rows = list(data.index[raw.isna().to_numpy()][:5])
        msg = f"column {by!r} (the 'by' parameter of {func}) is blank in rows {rows}; every respondent needs a unit."
        raise DGIError(msg)
    names = [str(v) for v in raw.tolist()]
    uniq = list(dict.fromkeys(names))
    if expected_units is None:
        catalogue = [u.name for u in UNITS]
        if set(uniq) <= set(catalogue):
            return pd.Series(names, index=data.index), [u for u in catalogue if u in set(uniq)]
        return pd.Series(names, index=data.index), sorted(uniq)
    expected = [str(u) for u in expected_units]
    canon = dict(zip(uniq, match_units(uniq, units=expected), strict=True))
    labels = pd.Series([canon[n] for n in names], index=data.index)
    empty = [u for u in expected if u not in set(labels)]
    if empty:
        msg = (
            f"unit(s) {empty} of expected_units have no respondents in column {by!r}. Check the unit "
            "names and the data, or leave those units out of expected_units."
        )
        raise DGIError(msg)
    return labels, expected


def unit_scores(
    answers: pd.DataFrame,
    spec: IndexSpec,
    *,
    weights: str | None = None,
    by: str | None = None,
    expected_units: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Unit-level point estimates of every measure: weighted indicator means, then the measure map.

    Parameters
    ----------
    answers : pandas.DataFrame
        One row per respondent: the spec's item columns, the unit column and the weights. Never
        modified.
    spec : IndexSpec
        The index definition.
    weights : str, optional
        Column of survey weights (positive and finite). default: None (every respondent weighs 1).
    by : str, optional
        Column holding the unit. default: ``spec.unit_column``.
    expected_units : sequence of str, optional
        The units that must be present (for example ``dgi_stats.units.units_frame().index``). Names
        in the data are matched to them tolerantly (case, diacritics, "TP ..." prefixes); a name that
        matches none raises :class:`~dgi_stats.exceptions.UnknownUnitError`, and an expected unit
        without respondents raises :class:`~dgi_stats.exceptions.DGIError`. default: None (the units
        found in the data, as written: in catalogue order when they are all canonical DGI unit
        names, otherwise sorted).

    Returns
    -------
    pandas.DataFrame
        Units (index, named ``by``) x ``spec.measure_ids`` (indicators in [0, 1], sub-dimensions,
        dimensions, ``total``, ``composite``).

    Raises
    ------
    DGIError
        Missing columns, bad weights, blank units, duplicate respondent ids or codes outside the spec.
    UnknownUnitError
        A unit name that is not in ``expected_units``.

    Warns
    -----
    MissingDataWarning
        When a unit has no valid answer for an indicator: that indicator and every measure built on
        it are NaN for the unit.

    Notes
    -----
    For unit :math:`u` and indicator :math:`j`, the Hájek mean over respondents with a valid score
    is :math:`\\hat m_{uj} = \\sum_{i \\in u, j} w_i x_{ij} / \\sum_{i \\in u, j} w_i`; the other
    measures are ``W @ m + b`` with ``(W, b) = spec.measure_map()``.

    Examples
    --------
    >>> from dgi_stats.datasets import load_spec
    >>> spec = load_spec(2021)
    >>> answers = pd.DataFrame({q: [1, 1, 1, 1] for q in spec.item_ids})
    >>> answers["q101"] = [1, 2, 2, 2]                    # binary: 1 = yes (favourable)
    >>> answers["district"] = ["Uông Bí", "Uông Bí", "Cô Tô", "Cô Tô"]
    >>> answers["w"] = [1.0, 3.0, 2.0, 2.0]
    >>> res = unit_scores(answers, spec, weights="w")
    >>> float(res.loc["Uông Bí", "d1_s1_i1"]), res.index.tolist()    # (1 x 1 + 3 x 0) / 4
    (0.25, ['Uông Bí', 'Cô Tô'])
    """
    func = "unit_scores"
    if not isinstance(spec, IndexSpec):
        msg = f"The 'spec' parameter of {func} must be an IndexSpec. Got {type(spec).__name__} instead."
        raise DGIError(msg)
    by = spec.unit_column if by is None else by
    check_columns(answers, [by], name="answers")
    w = (
        pd.Series(1.0, index=answers.index)
        if weights is None
        else _check_weights(answers, weights, func)
    )
    labels, units = _unit_labels(answers, by, expected_units, func)
    ind = spec.score_items(answers).scores
    x = ind.to_numpy(dtype=float)
    answered = ~np.isnan(x)
    wx = np.where(answered, x, 0.0) * w.to_numpy()[:, None]
    wa = answered * w.to_numpy()[:, None]
    codes = pd.Categorical(labels, categories=units).codes
    num = np.zeros((len(units), x.shape[1]))
    den = np.zeros((len(units), x.shape[1]))
    np.add.at(num, codes, wx)
    np.add.at(den, codes, wa)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    means_df = pd.DataFrame(means, index=pd.Index(units, name=by), columns=ind.columns)
    if np.isnan(means).any():
        rows, cols = np.nonzero(np.isnan(means))
        listed = [f"{units[r]}/{means_df.columns[c]}" for r, c in zip(rows[:5], cols[:5], strict=True)]
        warnings.warn(
            f"{rows.size} unit x indicator cell(s) have no valid answer (first: {listed}); "
            "those indicators and the measures built on them are NaN for those units.",
            MissingDataWarning,
            stacklevel=2,
        )
    wmap, offset = spec.measure_map()
    derived = means_df.to_numpy() @ wmap.to_numpy().T + offset.to_numpy()
    out = pd.concat(
        [means_df, pd.DataFrame(derived, index=means_df.index, columns=wmap.index)], axis=1
    )
    return out[spec.measure_ids]


@overload
def competition_rank(scores: pd.Series, *, ascending: bool = False) -> pd.Series: ...
@overload
def competition_rank(scores: pd.DataFrame, *, ascending: bool = False) -> pd.DataFrame: ...
@overload
def competition_rank(scores: FloatArray, *, ascending: bool = False) -> IntArray: ...
def competition_rank(
    scores: pd.Series | pd.DataFrame | FloatArray, *, ascending: bool = False
) -> pd.Series | pd.DataFrame | IntArray:
    """Competition ranks: rank 1 = highest score, ties share the best rank (10, 10, 5 → 1, 1, 3).

    The one ranking rule of dgi_stats (league tables, rank inference, composite indices), on the
    unrounded scores: the rank of a unit is 1 + the number of units with a strictly better score.

    Parameters
    ----------
    scores : pandas.Series, pandas.DataFrame or numpy.ndarray
        Scores indexed by unit (a DataFrame: each column ranked separately), or an array (ranked
        along its last axis: a 2-D array of draws x units gives the ranks of every draw). NaN
        scores get no rank (``<NA>`` in a Series or DataFrame, NaN in an array) and do not count.
    ascending : bool
        Rank 1 = lowest score instead. default: False.

    Returns
    -------
    pandas.Series, pandas.DataFrame or numpy.ndarray
        Integer ranks: ``Int64`` with the index (and columns) of ``scores``; for an array, int64
        (float with NaN when ``scores`` has NaN).

    Raises
    ------
    DGIError
        If ``scores`` is not numeric, or not a Series, DataFrame or array.

    Examples
    --------
    >>> s = pd.Series({"A": 75.24, "B": 75.24, "C": 72.7, "D": 68.93, "E": np.nan})
    >>> competition_rank(s).tolist()
    [1, 1, 3, 4, <NA>]
    >>> competition_rank(s, ascending=True).tolist()
    [3, 3, 2, 1, <NA>]
    >>> competition_rank(np.array([[10.0, 10.0, 5.0], [1.0, 3.0, 2.0]])).tolist()
    [[1, 1, 3], [3, 1, 2]]
    """
    func = "competition_rank"
    if not isinstance(ascending, bool):
        msg = f"The 'ascending' parameter of {func} must be a bool. Got {ascending!r} instead."
        raise DGIError(msg)
    if isinstance(scores, pd.DataFrame):
        return scores.apply(lambda col: competition_rank(col, ascending=ascending))
    if isinstance(scores, pd.Series):
        if not (pd.api.types.is_numeric_dtype(scores) and not pd.api.types.is_bool_dtype(scores)):
            msg = (
                f"The 'scores' parameter of {func} must be numeric scores indexed by unit. Got a "
                f"Series of dtype {scores.dtype} instead."
            )
            raise DGIError(msg)
        values = competition_rank(scores.to_numpy(dtype=float, na_value=np.nan), ascending=ascending)
        return pd.Series(values, index=scores.index, name=scores.name).astype("Int64")
    if not isinstance(scores, np.ndarray) or scores.dtype.kind not in "iuf" or scores.ndim == 0:
        msg = (
            f"The 'scores' parameter of {func} must be a numeric pandas Series or DataFrame indexed "
            f"by unit, or a numeric array. Got {type(scores).__name__} instead."
        )
        raise DGIError(msg)
    x = scores.astype(float, copy=False)
    oriented = x if ascending else -x
    if np.isnan(x).any():
        out: IntArray = stats.rankdata(oriented, method="min", axis=-1, nan_policy="omit")
        return out
    ranks: IntArray = stats.rankdata(oriented, method="min", axis=-1).astype(np.int64)
    return ranks


def rank(
    scores: pd.Series,
    *,
    method: Literal["competition", "dense"] = "competition",
    ascending: bool = False,
) -> pd.Series:
    """Deprecated: use :func:`competition_rank` (a DGIDeprecationWarning); removed in 0.3.

    Parameters
    ----------
    scores : pandas.Series
        Scores indexed by unit. NaN scores get no rank (``<NA>``).
    method : {"competition", "dense"}
        ``"competition"``: :func:`competition_rank`; ``"dense"``: no gaps (1, 1, 2).
        default: "competition".
    ascending : bool
        Rank 1 = lowest score instead. default: False.

    Returns
    -------
    pandas.Series
        Integer ranks (``Int64``), same index as ``scores``.

    Raises
    ------
    DGIError
        If ``scores`` is not a numeric Series or ``method`` is unknown.

    Examples
    --------
    >>> import warnings
    >>> s = pd.Series({"A": 75.24, "B": 75.24, "C": 72.7, "D": 68.93})
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     rank(s).tolist(), rank(s, method="dense").tolist()
    ([1, 1, 3, 4], [1, 1, 2, 3])
    """
    warnings.warn(
        "dgi_stats.rank is deprecated and will be removed in dgi_stats 0.3; use "
        "dgi_stats.scores.competition_rank (for dense ranks: pandas Series.rank(method='dense')).",
        DGIDeprecationWarning,
        stacklevel=2,
    )
    check_choice(method, ("competition", "dense"), name="method", func="rank")
    if not isinstance(scores, pd.Series) or not (
        pd.api.types.is_numeric_dtype(scores) and not pd.api.types.is_bool_dtype(scores)
    ):
        msg = (
            "The 'scores' parameter of rank must be a numeric pandas Series indexed by unit. "
            f"Got {type(scores).__name__} instead."
        )
        raise DGIError(msg)
    if not isinstance(ascending, bool):
        msg = f"The 'ascending' parameter of rank must be a bool. Got {ascending!r} instead."
        raise DGIError(msg)
    if method == "competition":
        return competition_rank(scores, ascending=ascending)
    r = scores.astype(float).rank(method="dense", ascending=ascending, na_option="keep")
    return r.astype("Int64")


def _sum_rows(values: np.ndarray) -> np.ndarray:
    out = np.full(values.shape[0], np.nan)
    for k, row in enumerate(values):
        if not np.isnan(row).any():
            out[k] = float(sum((printed_decimal(v) for v in row), Decimal(0)))
    return out


def total_from_dimensions(dims: pd.Series | pd.DataFrame) -> float | pd.Series:
    """The DGI total ("điểm xã hội học"): the plain sum of the dimension scores.

    Each score is read as the shortest decimal that represents it (how it is printed) and the sum
    is done in decimal arithmetic, so published two-decimal scores add up exactly as on paper
    (``9.44 + ... + 8.89`` gives the double nearest to 75.24, not ``75.24000000000001``).

    Parameters
    ----------
    dims : pandas.Series or pandas.DataFrame
        One unit's dimension scores (Series) or units x dimensions (DataFrame). A missing dimension
        makes the total NaN (never a partial sum).

    Returns
    -------
    float or pandas.Series
        The total (per unit for a DataFrame).

    Examples
    --------
    >>> dims = pd.Series([9.44, 8.72, 9.62, 9.41, 9.67, 9.58, 9.91, 8.89])
    >>> total_from_dimensions(dims)
    75.24
    """
    if isinstance(dims, pd.Series):
        vals = pd.to_numeric(dims, errors="raise").to_numpy(dtype=float)[None, :]
        return float(_sum_rows(vals)[0])
    if isinstance(dims, pd.DataFrame):
        return pd.Series(_sum_rows(dims.to_numpy(dtype=float)), index=dims.index, name="total")
    msg = (
        "The 'dims' parameter of total_from_dimensions must be a pandas Series or DataFrame. "
        f"Got {type(dims).__name__} instead."
    )
    raise DGIError(msg)
