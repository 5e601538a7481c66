"""Scoring an index from a survey design: every measure of every unit, with its joint uncertainty.

:func:`score` is where the survey layer meets the index: the unit means of the indicators come
from the design's linearised (or replicate) estimator, and every other measure of the spec
(sub-dimensions, dimensions, total, composite) is the spec's linear map of them, applied by
:meth:`~dgi_stats.scores.pivot.Scores.linear_map` with exact covariance.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np
import pandas as pd
from scipy import sparse

from dgi_stats._validation import is_instance
from dgi_stats.exceptions import DGIError
from dgi_stats.scores.pivot import Scores
from dgi_stats.survey.design import SurveyDesign
from dgi_stats.survey.means import domain_means
from dgi_stats.survey.variance.taylor import effective_df

__all__ = ["DENSE_INDICATORS_MAX", "IndexLike", "score", "score_domains", "unit_column"]

#: Up to this many (unit, indicator) means, :func:`score` forms their dense covariance and maps it
#: as a matrix; beyond, it keeps the design's structured covariance (sparse PSU factors) and maps
#: the factors, so a national index never forms a matrix of size estimates².
DENSE_INDICATORS_MAX = 4096


@runtime_checkable
class IndexLike(Protocol):
    """What :func:`score` needs of an index: an :class:`~dgi_stats.scores.spec.IndexSpec`, or any
    object with these two methods (and optionally ``measure_bounds()`` and ``unit_column``).

    Examples
    --------
    >>> from dgi_stats.datasets import load_spec
    >>> isinstance(load_spec(2021), IndexLike)
    True
    """

    def score_items(self, data: pd.DataFrame) -> object:
        """Indicator scores, one row per respondent (a DataFrame, or an object with ``.scores``)."""

    def measure_map(self) -> tuple[pd.DataFrame, pd.Series]:
        """Weights and offsets: every other measure as a linear map of the indicator means."""


def score(
    design: SurveyDesign,
    spec: IndexLike,
    *,
    by: str | None = None,
    na_rm: bool = True,
    label: str = "",
) -> Scores:
    """Every measure of an index for every unit, with the full joint covariance.

    Each indicator's mean per unit is computed over the respondents who answered it (the domain
    is unit ∩ answered), with the joint covariance across units and indicators from influence
    functions (or replicates); :meth:`Scores.linear_map` then adds sub-dimensions, dimensions,
    total and composite with exact covariance.

    Parameters
    ----------
    design : SurveyDesign
        The survey design (its data hold the answers).
    spec : IndexSpec or IndexLike
        Provides ``score_items(data)``, ``measure_map()`` and optionally ``measure_bounds()``.
    by : str, optional
        Column of the units. default: the spec's ``unit_column`` (an :class:`IndexSpec` says
        which column holds its units; ``"district"`` for the bundled DGI specs).
    na_rm : bool
        Available-case analysis per indicator (missing answers are out of domain). With False a
        missing indicator score raises. default: True.
    label : str
        Stored in the result. default: "".

    Returns
    -------
    Scores
        Indicators, then the rows of ``spec.measure_map()``, for every unit; ``df`` per unit and
        measure: for Taylor designs the Satterthwaite effective df of the measure's variance
        across the unit's strata and stages (:func:`~dgi_stats.survey.variance.taylor.effective_df`),
        capped at the design df (R's ``svyby`` degf, kept in ``meta["design_df"]``); for
        replicate designs the design df; replicate estimates for replicate designs; ``bounds`` (the scale of every
        measure) from ``spec.measure_bounds()`` when the spec has it (an :class:`IndexSpec` does),
        so that intervals stay inside the scale.

    Raises
    ------
    DGIError
        A unit whose respondents all have weight 0 (or whose respondents answering an indicator
        all have weight 0): the message names the unit; R's ``svyby`` would return NaN with 0 df.
        A unit where nobody answered an indicator.

    Examples
    --------
    A two-indicator index (one dimension = 5 x (i1 + i2)) on a SYNTHETIC survey:

    >>> import numpy as np, pandas as pd
    >>> class TinySpec:
    ...     def score_items(self, data):
    ...         return data[["i1", "i2"]]
    ...     def measure_map(self):
    ...         w = pd.DataFrame({"i1": [5.0], "i2": [5.0]}, index=["total"])
    ...         return w, pd.Series([0.0], index=["total"])
    >>> rng = np.random.default_rng(20240101)
    >>> df = pd.DataFrame({"district": np.repeat(["A", "B"], 40), "commune": np.repeat(np.arange(8), 10),
    ...                    "i1": rng.random(80), "i2": rng.random(80)})
    >>> s = score(SurveyDesign(df, strata="district", psu="commune"), TinySpec(), by="district")
    >>> list(s.measures), s.meta["design_df"].tolist()
    (['i1', 'i2', 'total'], [3.0, 3.0])
    >>> s.df_for("total").round(2).tolist()   # Satterthwaite: one stratum per unit, the same
    [3.0, 3.0]
    """

    if not is_instance(design, SurveyDesign):
        msg = (
            "The 'design' parameter of score must be a SurveyDesign. "
            f"Got {type(design).__name__}."
        )
        raise DGIError(msg)
    unit = unit_column(spec, by, "score")
    out, _ = score_domains(design, spec, [unit], na_rm=na_rm, label=label, func="score")
    return out


def unit_column(spec: IndexLike, by: str | None, func: str) -> str:
    """The column of the units: ``by``, or the spec's ``unit_column`` when ``by`` is None.

    Parameters
    ----------
    spec : IndexSpec or IndexLike
        The index (its ``unit_column`` attribute, if any, is the default).
    by : str, optional
        The column given by the caller.
    func : str
        The calling function's name, for the error message.

    Returns
    -------
    str

    Raises
    ------
    DGIError
        ``by`` is None and the spec has no ``unit_column``.

    Examples
    --------
    >>> from dgi_stats.datasets import load_spec
    >>> unit_column(load_spec(2021), None, "score")
    'district'
    """
    if by is None:
        by = getattr(spec, "unit_column", None)
        if not isinstance(by, str):
            msg = (
                f"{func}: the spec has no unit_column, so the 'by' parameter must name the column "
                "of the units (for example by='district')."
            )
            raise DGIError(msg)
    return by


def score_domains(
    design: SurveyDesign,
    spec: IndexLike,
    by: list[str],
    *,
    na_rm: bool = True,
    label: str = "",
    func: str = "score",
) -> tuple[Scores, pd.Index]:
    """Every measure of an index in every domain of the ``by`` columns, jointly (what :func:`score` does).

    The indicator means of all domains come from ONE call of
    :func:`~dgi_stats.survey.means.domain_means`, so their covariance across domains is exact
    (the same PSUs' influence totals, or the same replicate factors), and the spec's linear map
    adds the other measures. :func:`score` is this with one ``by`` column (the units);
    :func:`~dgi_stats.scores.panel.score_panel` crosses the units with the survey year.

    Parameters
    ----------
    design : SurveyDesign
        The survey design (its data hold the answers).
    spec : IndexSpec or IndexLike
        Provides ``score_items(data)``, ``measure_map()`` and optionally ``measure_bounds()``.
    by : list of str
        Domain columns (R's ``svyby`` order: the first column varies fastest).
    na_rm : bool
        Available-case analysis per indicator. default: True.
    label : str
        Stored in the result. default: "".
    func : str
        The calling function's name, for the error messages. default: "score".

    Returns
    -------
    scores : Scores
        As :func:`score` describes; its units are the domain labels for one ``by`` column, or the
        domains' positions (0, 1, ...) in ``labels`` for several.
    labels : pandas.Index
        The domains (a MultiIndex for several ``by`` columns), in the order of the units.

    Raises
    ------
    DGIError
        As :func:`score` (the messages name a domain where they name a unit).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> class TinySpec:
    ...     def score_items(self, data):
    ...         return data[["i1"]]
    ...     def measure_map(self):
    ...         return pd.DataFrame({"i1": [10.0]}, index=["total"]), pd.Series([0.0], index=["total"])
    >>> rng = np.random.default_rng(7)
    >>> df = pd.DataFrame({"district": np.repeat(["A", "B"], 20), "year": np.tile([1, 2], 20),
    ...                    "commune": np.repeat(np.arange(4), 10), "i1": rng.random(40)})
    >>> s, labels = score_domains(SurveyDesign(df, strata="district", psu="commune"), TinySpec(),
    ...                           ["district", "year"])
    >>> labels.tolist(), list(s.units)
    ([('A', 1), ('B', 1), ('A', 2), ('B', 2)], [0, 1, 2, 3])
    """
    items = spec.score_items(design.data)
    sc = items.scores if hasattr(items, "scores") else items
    if not isinstance(sc, pd.DataFrame) or len(sc) != design.n:
        msg = (
            f"{func}: spec.score_items(data) must return one row of indicator scores per respondent."
        )
        raise DGIError(msg)
    ind_ids = list(sc.columns)
    y = np.ascontiguousarray(sc.to_numpy(dtype=float))
    avail = ~np.isnan(y)
    if not na_rm and not avail.all():
        j = int(np.flatnonzero(~avail.all(axis=0))[0])
        msg = f"{func}: indicator {ind_ids[j]!r} has missing scores; pass na_rm=True (available cases)."
        raise DGIError(msg)
    dm = domain_means(design, y, avail, by=by, func=func)
    labels = dm.labels
    n_dom, k = len(labels), len(ind_ids)
    n_ans = dm.n_answered  # respondents with an answer (dm.nobs counts those with a weight)
    if (n_ans == 0).any():
        d, j = (int(v[0]) for v in np.nonzero(n_ans == 0))
        msg = f"{func}: nobody in unit {labels[d]!r} answered indicator {ind_ids[j]!r}; its mean is undefined."
        raise DGIError(msg)
    zero = (dm.weight_total == 0) & (n_ans > 0)
    if zero.any():
        d, j = (int(v[0]) for v in np.nonzero(zero))
        msg = (
            f"{func}: every respondent of unit {labels[d]!r} who answered indicator "
            f"{ind_ids[j]!r} has weight 0, so its mean is 0/0 (no estimate). Check the weight "
            "column, or give those respondents their positive weights."
        )
        raise DGIError(msg)
    if isinstance(labels, pd.MultiIndex):  # several by columns: domains by position
        units = pd.RangeIndex(n_dom, name="unit")
    else:
        units = pd.Index(labels, name="unit")
    indicators = pd.Index(ind_ids, name="measure")
    long = pd.MultiIndex.from_product([units, indicators], names=["unit", "measure"])
    reps = None
    factors = None
    mse = False
    if dm.replicate_estimates is not None and design.replicates is not None:
        reps = pd.DataFrame(dm.replicate_estimates, columns=long)
        reps.index.name = "replicate"
        factors = design.replicates.multipliers
        mse = design.replicates.mse
    dfs = pd.Series(dm.df, index=units, name="df")
    n_unit = pd.Series(dm.n_rows, index=units, name="n")
    missing = pd.DataFrame(
        dm.n_rows[:, None] - n_ans, index=units, columns=indicators
    ).astype(int)
    # a small table keeps the dense covariance (the numbers of before, to the last bit); a large
    # one the structured form, whose dense matrix is formed only on request
    small = dm.covariance.size <= DENSE_INDICATORS_MAX
    indicator_scores = Scores(
        pd.DataFrame(dm.estimate, index=units, columns=indicators),
        pd.DataFrame(dm.cov, index=long, columns=long) if small else None,
        df=dfs,
        replicates=reps,
        replicate_factors=factors,
        replicate_mse=mse,
        method=design.method,
        n=n_unit,
        missing=missing,
        label=label,
        covariance=None if small else dm.covariance,
    )
    # every other measure is linear in the unit's indicator means: measure = A @ means + b, per unit
    weights, offset = spec.measure_map()
    if pd.Index(ind_ids).append(pd.Index(map(str, weights.index))).has_duplicates:
        msg = f"{func}: spec.measure_map() rows repeat indicator ids; measure ids must be unique."
        raise DGIError(msg)
    w_map = weights.reindex(columns=ind_ids, fill_value=0.0).astype(float)
    w_map.index = pd.Index(map(str, w_map.index), name="measure")
    out = indicator_scores.linear_map(w_map, offset.rename(index=str))
    if dm.psu_influence is not None:
        # Satterthwaite effective df of every measure of every unit, from the PSU totals of the
        # measure's influence values (a measure's influence values are the same linear map of the
        # indicators'): when one stratum of a unit (a large certainty commune) carries most of its
        # variance, the df fall towards that stratum's. Never above the design df of the unit.
        m_full = np.vstack([np.eye(k), w_map.to_numpy()])
        # the totals of every domain's measures: (PSUs x D k) @ (I_D ⊗ m_fullᵀ), sparse
        m_map = sparse.csr_matrix(sparse.kron(sparse.identity(n_dom), sparse.csr_matrix(m_full.T)))
        # presence of a domain's rows in a PSU is the same for all its measures
        spread = sparse.csr_matrix(
            sparse.kron(sparse.identity(n_dom), np.ones((k, m_full.shape[0])))
        )
        z_meas = _times(dm.psu_influence, m_map)
        assert z_meas is not None
        eff = effective_df(
            design,
            z_meas,
            _times(dm.ssu_influence, m_map),
            psu_present=_present(dm.psu_presence, spread),
            ssu_present=_present(dm.ssu_presence, spread),
            design_df=np.repeat(dfs.to_numpy(dtype=float), m_full.shape[0]),
        ).reshape(n_dom, m_full.shape[0])
        meta = {**out.meta, "design_df": dfs, "df_rule": "satterthwaite"}
        out = out.replace(df=pd.DataFrame(eff, index=out.units, columns=out.measures), meta=meta)
    else:
        out = out.replace(meta={**out.meta, "design_df": dfs, "df_rule": "design"})
    if hasattr(spec, "measure_bounds"):
        # the scale of every measure, for intervals that stay inside it
        b = spec.measure_bounds()
        b = b.set_axis(pd.Index(map(str, b.index), name="measure")).reindex(out.measures)
        out = out.replace(bounds=b)
    return out, labels


def _times(z: np.ndarray | sparse.spmatrix | None, m: sparse.csr_matrix) -> np.ndarray | sparse.csr_matrix | None:
    """``z @ m`` (sparse when ``z`` is), or None."""
    if z is None:
        return None
    if sparse.issparse(z):
        return sparse.csr_matrix(sparse.csr_matrix(z) @ m)
    return np.asarray(z @ m)


def _present(x: np.ndarray | sparse.spmatrix | None, spread: sparse.csr_matrix) -> np.ndarray | sparse.csr_matrix | None:
    """Presence of every measure of a domain: any of its indicators present (None stays None)."""
    if x is None:
        return None
    if sparse.issparse(x):
        out = sparse.csr_matrix(sparse.csr_matrix(x, dtype=float) @ spread) > 0
        return sparse.csr_matrix(out)
    return np.asarray(np.asarray(x, dtype=float) @ spread) > 0
