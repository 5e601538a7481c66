"""Complex survey designs: strata, multi-stage clusters, weights, fpc and replicate weights.

:class:`SurveyDesign` is frozen: every transformation (new weights, calibration, replicates) returns a
new design. Rows are never dropped: domains and subsets are handled by the estimators
(``by=`` / ``domain=``), exactly as R's ``survey`` package does for ``svyby`` and ``subset``.

Calibration protocol (for :mod:`dgi_stats.survey.weighting`)
-----------------------------------------------------
A weighting step that changes the weights returns ``design.with_weights(new_weights,
calibration=step)``. ``step`` is any object with a method::

    step.residualize(z: numpy.ndarray, design: SurveyDesign) -> numpy.ndarray

where ``z`` is an ``n x k`` array of influence values (row ``i`` = ``w_i * u_i`` for the current,
calibrated weights) and the return value is the ``n x k`` array of residuals (for example
``z - w * ave(z / w, cell)`` for post-stratification, or ``w * (u - X B)`` for GREG). Taylor variances
apply every stored step, in the order they were added, to the influence values *before* forming PSU
totals; this is how R's ``svyrecvar`` treats ``postStrata`` and calibration. The steps are kept in
``design.calibration`` (a tuple). ``design`` is passed so that a step may look at ``design.weights``
or ``design.data``; it must not modify either.

Replicate designs are calibrated replicate by replicate: ``design.replicate_weights()`` returns the
``n x R`` replicate *analysis* weights, the weighting code calibrates each column and the full-sample
weights, and ``design.with_replicate_weights(base, reps)`` builds the calibrated replicate design
(``scale``, ``rscales``, ``mse`` and the method are kept). That path materialises ``n x R`` weights;
uncalibrated replicate designs never do: they store a PSU x R factor matrix and estimate through
PSU totals.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from dgi_stats._rng import RNGLike, as_generator
from dgi_stats._validation import did_you_mean
from dgi_stats.exceptions import DGIError

__all__ = [
    "LONELY_PSU_OPTIONS",
    "REPLICATE_METHODS",
    "CalibrationStep",
    "ReplicateSpec",
    "SurveyDesign",
]

LONELY_PSU_OPTIONS = ("fail", "remove", "certainty", "adjust", "average")
REPLICATE_METHODS = ("jk1", "jkn", "brr", "fay", "bootstrap", "subbootstrap", "other")

LonelyPSU = Literal["fail", "remove", "certainty", "adjust", "average"]
ColumnOrArray = str | Sequence[Any] | np.ndarray | pd.Series


@runtime_checkable
class CalibrationStep(Protocol):
    """A weighting step whose effect on the variance is a residualisation of influence values."""

    def residualize(self, z: np.ndarray, design: SurveyDesign) -> np.ndarray:
        """Return the ``n x k`` residuals of the ``n x k`` influence values ``z``."""
        ...


@dataclass(frozen=True, slots=True)
class ReplicateSpec:
    """How the replicates of a replicate design are built and combined.

    The replicate analysis weight of row ``i`` in replicate ``r`` is
    ``base[i] * factors[group[i], r]``. ``group`` is the PSU of the row for designs built by
    :meth:`SurveyDesign.replicate` (a PSU x R factor matrix) and the row itself (or a group of rows
    with identical factors) for user-supplied replicate weights.

    Attributes
    ----------
    method : str
        ``"jk1"``, ``"jkn"``, ``"brr"``, ``"fay"``, ``"bootstrap"``, ``"subbootstrap"`` or ``"other"``.
    group : numpy.ndarray
        Integer group code of every row (length n).
    factors : numpy.ndarray
        Groups x replicates factor matrix.
    base : numpy.ndarray
        Row-level base weights the factors multiply (length n).
    scale : float
        Overall variance multiplier.
    rscales : numpy.ndarray
        Per-replicate multipliers (length R).
    mse : bool
        Centre replicates at the full-sample estimate (True) or at their mean (False).
    fay_rho : float or None
        Fay's rho (Fay's method only).
    degf : int
        Degrees of freedom, rank of the replicate weights minus one (R's ``degf``); computed on
        first use and cached.
    df_group, df_factors : numpy.ndarray or None
        The replicate structure the degrees of freedom are counted on when the replicate weights
        were recalibrated (raking, calibration): the factors before calibration. Calibration
        makes the factors vary within PSUs, which raises the rank of the replicate weights
        without adding any independent PSU contrast. None: count on ``group``/``factors``.
    """

    method: str
    group: np.ndarray
    factors: np.ndarray
    base: np.ndarray
    scale: float
    rscales: np.ndarray
    mse: bool
    fay_rho: float | None
    degf_cache: list[int] = field(default_factory=list, repr=False, compare=False)
    df_group: np.ndarray | None = None
    df_factors: np.ndarray | None = None

    def _df_structure(self) -> tuple[np.ndarray, np.ndarray]:
        if self.df_group is not None and self.df_factors is not None:
            return self.df_group, self.df_factors
        return self.group, self.factors

    @property
    def degf(self) -> int:
        """Rank of the replicate analysis weights minus one (R's ``degf``), cached."""
        if not self.degf_cache:
            active = np.zeros(self.factors.shape[0], dtype=bool)
            active[self.group[self.base > 0]] = True
            self.degf_cache.append(_matrix_rank(self.factors[active]) - 1)
        return self.degf_cache[0]

    def domain_degf(self, in_domain: np.ndarray) -> int:
        """Rank of the domain's replicate factors minus one, counted before any recalibration.

        This is the df that intervals and rank inference use. It differs from R's ``degf`` of a
        recalibrated design, which counts the rank of the calibrated replicate weights (e.g. 42
        instead of 14 for a raked bootstrap of a 15-PSU design): calibration adds rank, not PSU
        contrasts, and the inflated count makes t intervals and rank sets too narrow.
        """
        rows = np.asarray(in_domain, dtype=bool) & (self.base > 0)
        group, factors = self._df_structure()
        if rows.all() and self.df_group is None:
            return self.degf
        active = np.zeros(factors.shape[0], dtype=bool)
        active[group[rows]] = True
        return _matrix_rank(factors[active]) - 1

    def with_base(self, base: np.ndarray) -> ReplicateSpec:
        """The same replicates on other base weights (degf kept when the support is unchanged)."""
        same = np.array_equal(base > 0, self.base > 0)
        return ReplicateSpec(
            self.method,
            self.group,
            self.factors,
            base,
            self.scale,
            self.rscales,
            self.mse,
            self.fay_rho,
            list(self.degf_cache) if same else [],
            self.df_group,
            self.df_factors,
        )

    @property
    def n_replicates(self) -> int:
        """Number of replicates R."""
        return int(self.factors.shape[1])

    @property
    def multipliers(self) -> np.ndarray:
        """``scale * rscales`` per replicate."""
        return self.scale * self.rscales


def _private_copy(data: pd.DataFrame) -> pd.DataFrame:
    """A copy the caller cannot change: shallow under pandas copy-on-write, deep otherwise."""
    cow = int(pd.__version__.split(".")[0]) >= 3 or bool(
        getattr(pd.options.mode, "copy_on_write", False) is True
    )
    return data.copy(deep=not cow)


def _column(data: pd.DataFrame, spec: ColumnOrArray, name: str) -> tuple[np.ndarray, str]:
    """Values (as an object/number array) and a label of a design argument."""
    if isinstance(spec, str):
        if spec not in data.columns:
            msg = (
                f"The {name!r} parameter of SurveyDesign names column {spec!r}, which is not in "
                f"data; {did_you_mean([spec], data.columns, what='columns')}."
            )
            raise DGIError(msg)
        return data[spec], spec  # type: ignore[return-value]  # a Series: factorised natively
    arr = np.asarray(spec.to_numpy() if isinstance(spec, pd.Series) else spec)
    if arr.ndim != 1 or arr.shape[0] != len(data):
        msg = (
            f"The {name!r} parameter of SurveyDesign must be a column name or a 1-d array with one "
            f"value per row of data ({len(data)}). Got shape {arr.shape}."
        )
        raise DGIError(msg)
    return arr, name


def _codes(values: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (0..K-1, in sorted order of the labels) and the labels."""
    s = values.reset_index(drop=True) if isinstance(values, pd.Series) else pd.Series(values)
    if s.isna().any():
        rows = np.flatnonzero(s.isna().to_numpy())[:10].tolist()
        msg = (
            f"The {name!r} design variable has missing values at rows {rows} (0-based positions). "
            "Every row needs a stratum / cluster id; fill them in or drop those rows before "
            "building the design."
        )
        raise DGIError(msg)
    codes, labels = pd.factorize(s, sort=True)
    return codes.astype(np.intp), np.asarray(labels)


def _numeric(values: np.ndarray, name: str) -> np.ndarray:
    try:
        if isinstance(values, pd.Series):
            if not (
                pd.api.types.is_numeric_dtype(values.dtype)
                or pd.api.types.is_bool_dtype(values.dtype)
            ):
                raise TypeError
            out = values.to_numpy(dtype=float, na_value=np.nan)
        else:
            out = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        msg = (
            f"The {name!r} parameter of SurveyDesign must be numeric; it holds non-numeric values."
        )
        raise DGIError(msg) from None
    return out


def _check_weights(w: np.ndarray, name: str) -> None:
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        rows = np.flatnonzero(bad)[:10].tolist()
        msg = (
            f"The {name!r} parameter of SurveyDesign has {int(bad.sum())} negative, NaN or infinite "
            f"value(s), at rows {rows} (0-based positions). Weights must be finite and >= 0."
        )
        raise DGIError(msg)


#: Inclusion probabilities at least ``1 - _CERTAINTY_TOL`` mark certainty (self-representing) PSUs.
_CERTAINTY_TOL = 1e-12


@dataclass(frozen=True, slots=True)
class _CertaintyColumns:
    """The design columns of a design with certainty PSUs, restructured as R survey recommends."""

    strata: np.ndarray
    psu: np.ndarray
    ssu: np.ndarray
    fpc: list[np.ndarray]
    certainty_psus: tuple[Any, ...]
    label: str


def _certainty_columns(
    data: pd.DataFrame,
    *,
    strata: ColumnOrArray | None,
    psu: ColumnOrArray | None,
    ssu: ColumnOrArray | None,
    fpc: Any,
    certainty: ColumnOrArray,
    nest: bool,
) -> _CertaintyColumns:
    """Make every certainty PSU a stratum whose SSUs are its PSUs (see ``SurveyDesign``)."""
    n = len(data)
    if psu is None or ssu is None:
        msg = (
            "The 'certainty' parameter of SurveyDesign needs 'psu' and 'ssu': a certainty PSU "
            "becomes a stratum whose SSUs are the PSUs."
        )
        raise DGIError(msg)
    stages: list[Any] = (
        []
        if fpc is None or isinstance(fpc, str | np.ndarray | pd.Series)
        or (len(fpc) > 0 and not isinstance(fpc[0], str) and np.ndim(fpc[0]) == 0)
        else list(fpc)
    )
    if len(stages) not in (2, 3):
        msg = (
            "With 'certainty', the 'fpc' parameter of SurveyDesign must be a sequence of two or "
            "three population sizes: PSUs in the stratum's frame (certainty PSUs included), SSUs in "
            "the PSU's frame and, optionally, units (rows) in the SSU's frame. Got "
            f"{type(fpc).__name__ if fpc is None or isinstance(fpc, str) else f'{len(stages)} stage(s)'}."
        )
        raise DGIError(msg)
    if strata is None:
        s_codes = np.zeros(n, dtype=np.intp)
        s_labels = np.array(["1"], dtype=object)
    else:
        vals, lab = _column(data, strata, "strata")
        s_codes, s_labels = _codes(vals, lab)
    vals, p_lab = _column(data, psu, "psu")
    p_raw, p_raw_labels = _codes(vals, p_lab)
    base = int(p_raw.max()) + 1
    p_codes, p_uniq = pd.factorize(s_codes.astype(np.int64) * base + p_raw, sort=True)
    p_codes = p_codes.astype(np.intp)
    n_psu = len(p_uniq)
    if not nest:
        n_str = np.bincount(p_raw[np.unique(p_codes, return_index=True)[1]], minlength=base)
        if (n_str > 1).any():
            bad = p_raw_labels[n_str > 1][:10].tolist()
            msg = (
                f"PSU id(s) {bad} of {p_lab!r} appear in more than one stratum. If PSU ids are "
                "only unique within strata, pass nest=True; otherwise fix the ids."
            )
            raise DGIError(msg)
    psu_ids = [
        (s_labels[u // base], p_raw_labels[u % base]) if nest else p_raw_labels[u % base]
        for u in p_uniq.tolist()
    ]
    vals, q_lab = _column(data, ssu, "ssu")
    q_raw, q_raw_labels = _codes(vals, q_lab)
    q_codes, q_uniq = pd.factorize(p_codes.astype(np.int64) * (int(q_raw.max()) + 1) + q_raw, sort=True)
    q_codes = q_codes.astype(np.intp)
    q_psu = np.zeros(len(q_uniq), dtype=np.intp)
    q_psu[q_codes] = p_codes

    # certainty flags: booleans, or PSU inclusion probabilities in (0, 1]
    vals, c_lab = _column(data, certainty, "certainty")
    c_series = vals.reset_index(drop=True) if isinstance(vals, pd.Series) else pd.Series(vals)
    all_bool = not c_series.isna().any() and (
        pd.api.types.is_bool_dtype(c_series.dtype)
        or all(isinstance(v, bool | np.bool_) for v in c_series)
    )
    if all_bool:
        flag = c_series.to_numpy(dtype=bool)
    elif pd.api.types.is_numeric_dtype(c_series.dtype) and not pd.api.types.is_bool_dtype(c_series.dtype):
        prob = _numeric(vals, f"certainty ({c_lab})")
        bad = ~np.isfinite(prob) | (prob <= 0) | (prob > 1 + _CERTAINTY_TOL)
        if bad.any():
            rows = np.flatnonzero(bad)[:10].tolist()
            msg = (
                f"The 'certainty' parameter of SurveyDesign ({c_lab!r}) holds PSU inclusion "
                f"probabilities, which must be in (0, 1]; {int(bad.sum())} row(s) are not, at "
                f"rows {rows} (0-based positions)."
            )
            raise DGIError(msg)
        flag = prob >= 1 - _CERTAINTY_TOL
    else:
        msg = (
            f"The 'certainty' parameter of SurveyDesign ({c_lab!r}) must hold booleans or PSU "
            "inclusion probabilities in (0, 1], with no missing values."
        )
        raise DGIError(msg)
    n_cert_rows = np.bincount(p_codes, weights=flag.astype(float), minlength=n_psu)
    psu_cert = n_cert_rows > 0
    mixed = psu_cert & (n_cert_rows < np.bincount(p_codes, minlength=n_psu))
    if mixed.any():
        bad_psu = [psu_ids[i] for i in np.flatnonzero(mixed)[:10]]
        rows = np.flatnonzero(mixed[p_codes])[:10].tolist()
        msg = (
            f"The 'certainty' parameter of SurveyDesign ({c_lab!r}) varies within PSU(s) {bad_psu} "
            f"(rows {rows}, 0-based): a PSU is either a certainty PSU or not."
        )
        raise DGIError(msg)

    # population sizes per stage, constant within stratum / PSU / SSU
    groups = (s_codes, p_codes, q_codes)
    what = ("stratum", "PSU", "SSU")
    sizes: list[np.ndarray] = []
    size_labels: list[str] = []
    for stage, spec in enumerate(stages, start=1):
        vals, lab = _column(data, spec, "fpc")
        f = _numeric(vals, f"fpc ({lab})")
        bad = ~np.isfinite(f) | (f < 1)
        if bad.any():
            rows = np.flatnonzero(bad)[:10].tolist()
            msg = (
                f"With 'certainty', the 'fpc' parameter of SurveyDesign must give population sizes "
                f"(finite, >= 1): stage {stage} ({lab!r}) is not, at rows {rows} (0-based)."
            )
            raise DGIError(msg)
        g = groups[stage - 1]
        lo = np.full(int(g.max()) + 1, np.inf)
        hi = np.full(int(g.max()) + 1, -np.inf)
        np.minimum.at(lo, g, f)
        np.maximum.at(hi, g, f)
        if (hi - lo > 1e-12 * np.maximum(1, hi)).any():
            msg = f"The 'fpc' column {lab!r} (stage {stage}) must be constant within each {what[stage - 1]}."
            raise DGIError(msg)
        sizes.append(lo)
        size_labels.append(lab)

    # stage 1: the non-certainty PSUs of the stratum's frame hold the stratum's other PSUs
    psu_stratum = np.zeros(n_psu, dtype=np.intp)
    psu_stratum[p_codes] = s_codes
    n_strata = len(s_labels)
    n_cert_h = np.bincount(psu_stratum, weights=psu_cert.astype(float), minlength=n_strata)
    n_other_h = np.bincount(psu_stratum, weights=(~psu_cert).astype(float), minlength=n_strata)
    pop_other_h = sizes[0] - n_cert_h
    small = pop_other_h < n_other_h * (1 - 1e-12)
    if small.any():
        listed = "; ".join(
            f"{s_labels[h]}: {sizes[0][h]:g} in the frame, {int(n_cert_h[h])} certainty and "
            f"{int(n_other_h[h])} other PSUs sampled"
            for h in np.flatnonzero(small)[:10]
        )
        msg = (
            f"The stage-1 'fpc' column {size_labels[0]!r} is smaller than the sample: a stratum's "
            f"frame must hold its certainty PSUs and its other sampled PSUs ({listed})."
        )
        raise DGIError(msg)
    # stage 2 and 3: sizes >= the number of sampled SSUs / rows
    for stage, counts, labs in (
        (2, np.bincount(q_psu, minlength=n_psu), psu_ids),
        (3, np.bincount(q_codes, minlength=len(q_uniq)), None),
    ):
        if stage > len(sizes):
            continue
        small = sizes[stage - 1] < counts * (1 - 1e-12)
        if small.any():
            idx = np.flatnonzero(small)[:10]
            where = (
                [labs[i] for i in idx]
                if labs is not None
                else np.flatnonzero(np.isin(q_codes, idx))[:10].tolist()
            )
            unit = "PSU(s)" if labs is not None else "the SSU(s) of rows"
            msg = (
                f"The stage-{stage} 'fpc' column {size_labels[stage - 1]!r} is smaller than the "
                f"number of sampled {'SSUs' if stage == 2 else 'rows'} in {unit} {where}: a "
                "population size must be >= the sample size."
            )
            raise DGIError(msg)

    # restructure: certainty PSU -> stratum, its SSUs -> PSUs, its rows -> SSUs
    cert = psu_cert[p_codes]
    s_str = np.asarray([str(x) for x in s_labels], dtype=object)
    p_str = np.asarray([str(x) for x in p_raw_labels], dtype=object)
    q_str = np.asarray([str(x) for x in q_raw_labels], dtype=object)
    new_strata = s_str[s_codes].copy()
    new_strata[cert] = [f"{a} | certainty PSU {b}" for a, b in zip(s_str[s_codes[cert]], p_str[p_raw[cert]])]
    new_psu = np.where(cert, q_str[q_raw], p_str[p_raw])
    new_ssu = np.where(cert, np.asarray([f"row {i}" for i in range(n)], dtype=object), q_str[q_raw])
    fpc1 = np.where(cert, sizes[1][p_codes], pop_other_h[s_codes])
    fpc2_cert = sizes[2][q_codes] if len(sizes) == 3 else np.full(n, np.inf)
    fpc2 = np.where(cert, fpc2_cert, sizes[1][p_codes])
    return _CertaintyColumns(
        strata=new_strata,
        psu=new_psu,
        ssu=new_ssu,
        fpc=[fpc1, fpc2],
        certainty_psus=tuple(psu_ids[i] for i in np.flatnonzero(psu_cert)),
        label=c_lab,
    )


@dataclass(frozen=True, slots=True, init=False, repr=False, eq=False)
class SurveyDesign:
    """A complex survey design (R's ``svydesign`` / ``svrepdesign``), frozen.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent; a private copy is kept (the caller's frame is never modified).
    weights : str or array-like, optional
        Sampling weights (column name or one value per row). default: None.
    probs : str, array-like or sequence of str, optional
        Selection probabilities, or one column per stage (multiplied). Used when ``weights`` is
        None. default: None (weights from ``fpc`` if given, otherwise 1).
    strata : str or array-like, optional
        Stratum of every row. default: None (one stratum).
    psu : str or array-like, optional
        Primary sampling unit (cluster) of every row. default: None (every row is its own PSU).
    ssu : str or array-like, optional
        Secondary sampling unit within the PSU (used for the second-stage variance when ``fpc`` is
        given, as R's ``survey.ultimate.cluster = FALSE``). default: None.
    fpc : str, array-like or sequence of two, optional
        Finite population correction per stage: population sizes (>= 1; for stage 1 the number of
        PSUs in the stratum, for stage 2 the number of SSUs in the PSU) or sampling fractions
        (< 1). default: None (no correction).
    nest : bool
        PSU ids are only unique within strata (PSU = (stratum, psu)). default: False.
    lonely_psu : {"fail", "remove", "certainty", "adjust", "average"}
        What to do with strata holding a single PSU (R's ``survey.lonely.psu``). default: "fail".
    adjust_domain_lonely : bool
        Also apply ``lonely_psu`` to strata where a domain lies in a single PSU (R's
        ``survey.adjust.domain.lonely``). default: False.
    ultimate_cluster : bool
        Use only the first stage for the variance even with a multi-stage fpc (R's
        ``survey.ultimate.cluster``). default: False.
    certainty : str or array-like, optional
        Certainty (self-representing) PSUs: each PSU's inclusion probability (in (0, 1]; 1 marks
        a certainty PSU) or a boolean flag (True = certainty), constant within a PSU. Needs
        ``psu``, ``ssu`` and ``fpc`` as population sizes ``[N1, N2]`` or ``[N1, N2, N3]``: ``N1``
        the PSUs in the stratum's frame (certainty PSUs included), ``N2`` the SSUs in the PSU's
        frame and, optionally, ``N3`` the units (rows' population) in the SSU's frame. As R
        ``survey`` recommends, every certainty PSU becomes a stratum of its own in which the
        second stage becomes the first: its SSUs are the PSUs (fpc ``N2``) and its rows the SSUs
        (fpc ``N3``; sampled with replacement when ``N3`` is not given). The other PSUs keep
        their stratum with stage-1 fpc ``N1`` minus the stratum's certainty PSUs and stage-2 fpc
        ``N2``. ``strata``, ``psu``, ``ssu`` and ``fpc`` then describe this restructured design
        (PSU ids are nested in the new strata), whose ``degf`` is R's ``degf`` of the same
        design; the weights are not changed. default: None (no certainty PSUs).

    Raises
    ------
    DGIError
        Bad parameters: a column not in ``data``, missing ids, negative weights, probabilities
        outside (0, 1], an fpc smaller than the sample or not constant where it must be, PSU ids
        reused across strata without ``nest``; with ``certainty``: a flag that varies within a
        PSU, no ``ssu``, an ``fpc`` that is not two or three population sizes, or a stratum whose
        frame size is smaller than its certainty plus other sampled PSUs.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"s": ["a", "a", "b", "b"], "c": [1, 2, 3, 4], "w": [2.0, 2, 3, 3]})
    >>> d = SurveyDesign(df, weights="w", strata="s", psu="c")
    >>> d.n, d.n_psu, d.n_strata, d.degf
    (4, 4, 2, 2)

    Certainty PSUs (commune ``c1`` was taken with probability 1): ``c1`` becomes a stratum whose
    villages are its PSUs; the two other communes of ``a`` keep the stratum, with 5 - 1 = 4
    non-certainty communes in its frame.

    >>> df = pd.DataFrame({
    ...     "s": ["a"] * 6, "c": ["c1", "c1", "c2", "c2", "c3", "c3"],
    ...     "v": ["v1", "v2", "v1", "v2", "v1", "v2"], "pi": [1.0, 1, 0.4, 0.4, 0.5, 0.5],
    ...     "communes": 5, "villages": [4, 4, 6, 6, 5, 5], "adults": 50,
    ...     "w": [10.0, 12, 30, 28, 25, 26]})
    >>> d = SurveyDesign(df, weights="w", strata="s", psu="c", ssu="v", certainty="pi",
    ...                  fpc=["communes", "villages", "adults"])
    >>> d.certainty_psus, d.n_strata, d.n_psu, d.degf
    (('c1',), 2, 4, 2)
    """

    data: pd.DataFrame
    weights: np.ndarray
    strata: np.ndarray
    psu: np.ndarray
    ssu: np.ndarray | None
    fpc: tuple[np.ndarray | None, np.ndarray | None]
    nest: bool
    lonely_psu: str
    adjust_domain_lonely: bool
    ultimate_cluster: bool
    calibration: tuple[Any, ...]
    replicates: ReplicateSpec | None
    strata_labels: np.ndarray
    psu_labels: np.ndarray
    psu_stratum: np.ndarray
    n_psu_stratum: np.ndarray
    ssu_psu: np.ndarray | None
    n_ssu_psu: np.ndarray | None
    labels: dict[str, str]
    certainty_psus: tuple[Any, ...] | None

    def __init__(
        self,
        data: pd.DataFrame,
        *,
        weights: ColumnOrArray | None = None,
        probs: ColumnOrArray | Sequence[str] | None = None,
        strata: ColumnOrArray | None = None,
        psu: ColumnOrArray | None = None,
        ssu: ColumnOrArray | None = None,
        fpc: ColumnOrArray | Sequence[ColumnOrArray] | None = None,
        nest: bool = False,
        lonely_psu: LonelyPSU = "fail",
        adjust_domain_lonely: bool = False,
        ultimate_cluster: bool = False,
        certainty: ColumnOrArray | None = None,
    ) -> None:
        if not isinstance(data, pd.DataFrame):
            msg = f"The 'data' parameter of SurveyDesign must be a pandas DataFrame. Got {type(data).__name__}."
            raise DGIError(msg)
        if len(data) == 0:
            msg = "The 'data' parameter of SurveyDesign has no rows."
            raise DGIError(msg)
        if lonely_psu not in LONELY_PSU_OPTIONS:
            msg = (
                f"The 'lonely_psu' parameter of SurveyDesign must be one of {LONELY_PSU_OPTIONS}. "
                f"Got {lonely_psu!r} instead."
            )
            raise DGIError(msg)
        data = _private_copy(data)
        n = len(data)
        labels: dict[str, str] = {}
        certainty_psus: tuple[Any, ...] | None = None
        if certainty is not None:
            restructured = _certainty_columns(
                data, strata=strata, psu=psu, ssu=ssu, fpc=fpc, certainty=certainty, nest=nest
            )
            strata, psu, ssu = restructured.strata, restructured.psu, restructured.ssu
            fpc = restructured.fpc
            nest = True
            certainty_psus = restructured.certainty_psus
            labels["certainty"] = restructured.label

        # strata
        if strata is None:
            s_codes = np.zeros(n, dtype=np.intp)
            s_labels = np.array(["1"], dtype=object)
        else:
            vals, labels["strata"] = _column(data, strata, "strata")
            s_codes, s_labels = _codes(vals, labels["strata"])
        # PSU
        if psu is None:
            psu_raw = np.arange(n)
            p_codes, p_labels = _codes(psu_raw, "psu")
            labels["psu"] = "row"
        else:
            vals, labels["psu"] = _column(data, psu, "psu")
            raw_codes, raw_labels = _codes(vals, labels["psu"])
            if nest:
                base = int(raw_codes.max()) + 1
                key = s_codes.astype(np.int64) * base + raw_codes
                p_codes, uniq = pd.factorize(key, sort=True)
                p_codes = p_codes.astype(np.intp)
                p_labels = np.empty(len(uniq), dtype=object)
                p_labels[:] = list(
                    zip(s_labels[uniq // base].tolist(), raw_labels[uniq % base].tolist())
                )
            else:
                p_codes, p_labels = raw_codes, raw_labels
                # PSU ids reused across strata
                n_str = np.zeros(len(p_labels), dtype=np.intp)
                pairs = np.unique(np.stack([p_codes, s_codes]), axis=1)
                np.add.at(n_str, pairs[0], 1)
                if (n_str > 1).any():
                    bad = p_labels[n_str > 1][:10].tolist()
                    msg = (
                        f"PSU id(s) {bad} of {labels['psu']!r} appear in more than one stratum. "
                        "If PSU ids are only unique within strata, pass nest=True; otherwise "
                        "fix the ids."
                    )
                    raise DGIError(msg)
        n_psu = len(p_labels)
        psu_stratum = np.zeros(n_psu, dtype=np.intp)
        psu_stratum[p_codes] = s_codes
        n_psu_h = np.bincount(psu_stratum, minlength=len(s_labels)).astype(float)

        # SSU
        ssu_codes = None
        ssu_psu = None
        n_ssu_psu = None
        if ssu is not None:
            vals, labels["ssu"] = _column(data, ssu, "ssu")
            raw, _ = _codes(vals, labels["ssu"])
            key = p_codes.astype(np.int64) * (int(raw.max()) + 1) + raw
            ssu_codes_, _u = pd.factorize(key, sort=True)
            ssu_codes = ssu_codes_.astype(np.intp)
            ssu_psu = np.zeros(int(ssu_codes.max()) + 1, dtype=np.intp)
            ssu_psu[ssu_codes] = p_codes
            n_ssu_psu = np.bincount(ssu_psu, minlength=n_psu).astype(float)

        # fpc -> population sizes per stage (stage 1 per stratum, stage 2 per PSU)
        fpc1 = None
        fpc2 = None
        if fpc is not None:
            if isinstance(fpc, str | np.ndarray | pd.Series):
                stages: list[Any] = [fpc]
            else:
                stages = list(fpc)
                if stages and not isinstance(stages[0], str) and np.ndim(stages[0]) == 0:
                    stages = [np.asarray(fpc)]
            if len(stages) > 2:
                msg = "The 'fpc' parameter of SurveyDesign has more than two stages; at most two are supported."
                raise DGIError(msg)
            if len(stages) == 2 and ssu_codes is None:
                msg = "The 'fpc' parameter of SurveyDesign has a second stage but 'ssu' is None."
                raise DGIError(msg)
            for stage, spec in enumerate(stages, start=1):
                vals, lab = _column(data, spec, "fpc")
                f = _numeric(vals, f"fpc ({lab})")
                finite = np.isfinite(f) | ((certainty is not None) & (f == np.inf))
                if not finite.all() or (f <= 0).any():
                    msg = f"The 'fpc' column {lab!r} must be finite and > 0 on every row."
                    raise DGIError(msg)
                group = s_codes if stage == 1 else p_codes
                ngroups = len(s_labels) if stage == 1 else n_psu
                assert ssu_psu is not None or stage == 1
                nsamp = n_psu_h if stage == 1 else n_ssu_psu
                assert nsamp is not None
                # one value per stratum (stage 1) / PSU (stage 2)
                lo = np.full(ngroups, np.inf)
                hi = np.full(ngroups, -np.inf)
                np.minimum.at(lo, group, f)
                np.maximum.at(hi, group, f)
                if (hi - lo > 1e-12 * np.maximum(1, hi)).any():
                    what = "stratum" if stage == 1 else "PSU"
                    msg = f"The 'fpc' column {lab!r} must be constant within each {what}."
                    raise DGIError(msg)
                if (f <= 1).all() and (f < 1).any():
                    pop = nsamp / lo
                elif (f >= 1).all():
                    pop = lo
                else:
                    msg = (
                        f"The 'fpc' column {lab!r} mixes sampling fractions (< 1) and population "
                        "sizes (>= 1); use one or the other."
                    )
                    raise DGIError(msg)
                small = pop < nsamp * (1 - 1e-12)
                if small.any():
                    what = "stratum" if stage == 1 else "PSU"
                    labs = (s_labels if stage == 1 else p_labels)[small][:10].tolist()
                    msg = (
                        f"The 'fpc' column {lab!r} is smaller than the number of sampled units in "
                        f"{what}(s) {labs}: a population size must be >= the sample size "
                        "(a sampling fraction <= 1)."
                    )
                    raise DGIError(msg)
                if stage == 1:
                    fpc1 = pop
                else:
                    fpc2 = pop
            if len(stages) == 1 and ssu_codes is not None:
                fpc2 = np.full(n_psu, np.inf)

        # weights
        if weights is not None:
            vals, labels["weights"] = _column(data, weights, "weights")
            w = _numeric(vals, labels["weights"])
            _check_weights(w, labels["weights"])
        elif probs is not None:
            if isinstance(probs, str | np.ndarray | pd.Series):
                plist: list[Any] = [probs]
            else:
                plist = list(probs)
                if plist and not isinstance(plist[0], str) and np.ndim(plist[0]) == 0:
                    plist = [np.asarray(probs)]
            p = np.ones(n)
            for spec in plist:
                vals, lab = _column(data, spec, "probs")
                pv = _numeric(vals, lab)
                bad = ~np.isfinite(pv) | (pv <= 0) | (pv > 1)
                if bad.any():
                    rows = np.flatnonzero(bad)[:10].tolist()
                    msg = f"The 'probs' column {lab!r} must be in (0, 1]; rows {rows} (0-based) are not."
                    raise DGIError(msg)
                p = p * pv
            w = 1.0 / p
            labels["weights"] = "1/probs"
        elif fpc1 is not None:
            w = fpc1[s_codes] / n_psu_h[s_codes]
            if fpc2 is not None and n_ssu_psu is not None:
                w = w * np.where(np.isinf(fpc2[p_codes]), 1.0, fpc2[p_codes] / n_ssu_psu[p_codes])
            labels["weights"] = "fpc"
        else:
            w = np.ones(n)
            labels["weights"] = "1"
        w = np.array(w, dtype=float)
        w.setflags(write=False)
        for arr in (s_codes, p_codes):
            arr.setflags(write=False)
        _set = object.__setattr__
        _set(self, "data", data)
        _set(self, "weights", w)
        _set(self, "strata", s_codes)
        _set(self, "psu", p_codes)
        _set(self, "ssu", ssu_codes)
        _set(self, "fpc", (fpc1, fpc2))
        _set(self, "nest", bool(nest))
        _set(self, "lonely_psu", lonely_psu)
        _set(self, "adjust_domain_lonely", bool(adjust_domain_lonely))
        _set(self, "ultimate_cluster", bool(ultimate_cluster))
        _set(self, "calibration", ())
        _set(self, "replicates", None)
        _set(self, "strata_labels", s_labels)
        _set(self, "psu_labels", p_labels)
        _set(self, "psu_stratum", psu_stratum)
        _set(self, "n_psu_stratum", n_psu_h)
        _set(self, "ssu_psu", ssu_psu)
        _set(self, "n_ssu_psu", n_ssu_psu)
        _set(self, "labels", labels)
        _set(self, "certainty_psus", certainty_psus)

    # ------------------------------------------------------------------ basic properties
    @property
    def n(self) -> int:
        """Number of rows (respondents)."""
        return len(self.data)

    @property
    def n_psu(self) -> int:
        """Number of PSUs."""
        return len(self.psu_labels)

    @property
    def n_strata(self) -> int:
        """Number of strata."""
        return len(self.strata_labels)

    @property
    def is_replicate(self) -> bool:
        """True for a replicate-weight design."""
        return self.replicates is not None

    @property
    def method(self) -> str:
        """``"taylor"`` or the replicate method."""
        return "taylor" if self.replicates is None else self.replicates.method

    @property
    def degf(self) -> int:
        """Design degrees of freedom (R's ``degf``).

        #PSU - #strata among rows with non-zero weight; for replicate designs the rank of the
        replicate weights minus one.
        """
        if self.replicates is not None:
            return self.replicates.degf
        return self.domain_degf(np.ones(self.n, dtype=bool))

    def domain_degf(self, in_domain: np.ndarray) -> int:
        """Degrees of freedom of the subset design holding the rows ``in_domain`` (R's svyby).

        For replicate designs: the rank of the subset's replicate weights minus one.
        """
        if self.replicates is not None:
            return self.replicates.domain_degf(in_domain)
        keep = np.asarray(in_domain, dtype=bool) & (self.weights > 0)
        if not keep.any():
            return 0
        n_p = np.unique(self.psu[keep]).size
        n_h = np.unique(self.strata[keep]).size
        return int(n_p - n_h)

    # ------------------------------------------------------------------ derived designs
    def _copy(self, **changes: Any) -> SurveyDesign:
        new = object.__new__(SurveyDesign)
        for name in SurveyDesign.__dataclass_fields__:
            object.__setattr__(new, name, changes.get(name, getattr(self, name)))
        return new

    def with_weights(self, new_weights: Any, *, calibration: Any = None) -> SurveyDesign:
        """A new design with other weights (and, optionally, one more calibration step).

        Parameters
        ----------
        new_weights : array-like
            One finite, non-negative weight per row.
        calibration : CalibrationStep, optional
            Appended to :attr:`calibration`; Taylor variances residualise influence values with it.
            default: None.

        Returns
        -------
        SurveyDesign
            The new design (this one is unchanged). For a replicate design the replicate weights
            are rescaled row by row with the base weights; to recalibrate every replicate use
            :meth:`with_replicate_weights`.

        Examples
        --------
        >>> import pandas as pd
        >>> d = SurveyDesign(pd.DataFrame({"y": [1.0, 2.0]}), weights=[1.0, 1.0])
        >>> d.with_weights([2.0, 3.0]).weights.tolist()
        [2.0, 3.0]
        """
        w = np.array(
            new_weights.to_numpy() if isinstance(new_weights, pd.Series) else new_weights,
            dtype=float,
        )
        if w.shape != (self.n,):
            msg = f"The 'new_weights' parameter of with_weights must have {self.n} values. Got shape {w.shape}."
            raise DGIError(msg)
        _check_weights(w, "new_weights")
        w.setflags(write=False)
        cal = self.calibration
        if calibration is not None:
            if not callable(getattr(calibration, "residualize", None)):
                msg = "The 'calibration' parameter of with_weights must have a residualize(z, design) method."
                raise DGIError(msg)
            cal = (*cal, calibration)
        reps = self.replicates
        if reps is not None:
            old = self.weights
            ratio = np.divide(w, old, out=np.ones_like(w), where=old > 0)
            reps = reps.with_base(reps.base * ratio)
        return self._copy(weights=w, calibration=cal, replicates=reps)

    def with_data_column(self, name: str, values: Any) -> SurveyDesign:
        """A new design whose data has one more (or a replaced) column (R's ``update``).

        Examples
        --------
        >>> import pandas as pd
        >>> d = SurveyDesign(pd.DataFrame({"y": [1.0, 2.0]}))
        >>> d.with_data_column("big", d.data["y"] > 1).data["big"].tolist()
        [False, True]
        """
        if isinstance(values, pd.Series):
            vals: Any = values.array
        elif isinstance(values, pd.Categorical | pd.api.extensions.ExtensionArray):
            vals = values
        else:
            vals = np.asarray(values)
        if np.shape(vals) != (self.n,):
            msg = (
                f"with_data_column: 'values' must have {self.n} values. Got shape {np.shape(vals)}."
            )
            raise DGIError(msg)
        data = _private_copy(self.data)
        data[name] = pd.Series(vals, index=data.index)
        return self._copy(data=data)

    # ------------------------------------------------------------------ replicate designs
    def replicate_weights(self) -> np.ndarray:
        """The ``n x R`` replicate analysis weights (materialised; for weighting code only).

        Raises
        ------
        DGIError
            If the design has no replicates.
        """
        reps = self._need_replicates("replicate_weights")
        return reps.base[:, None] * reps.factors[reps.group, :]

    def _need_replicates(self, func: str) -> ReplicateSpec:
        if self.replicates is None:
            msg = (
                f"{func} needs a replicate design; build one with design.replicate(...) or "
                "SurveyDesign.from_replicate_weights(...)."
            )
            raise DGIError(msg)
        return self.replicates

    def with_replicate_weights(self, base: Any, reps: Any) -> SurveyDesign:
        """A replicate design with new full-sample weights ``base`` (n) and replicate weights (n x R).

        ``method``, ``scale``, ``rscales`` and ``mse`` are kept; ``degf`` is recomputed as the
        rank of the new replicate weights minus one (R's ``degf``), while the domain df used for
        inference keep counting the replicate structure before the new weights
        (:meth:`ReplicateSpec.domain_degf`).

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> d = SurveyDesign(pd.DataFrame({"c": [1, 2, 3], "y": [1.0, 2, 4]}), psu="c")
        >>> r = d.replicate("jk1")
        >>> r2 = r.with_replicate_weights(r.weights * 2, r.replicate_weights() * 2)
        >>> float(r2.weights.sum())
        6.0
        """
        spec = self._need_replicates("with_replicate_weights")
        b = np.array(base.to_numpy() if isinstance(base, pd.Series) else base, dtype=float)
        rw = np.asarray(reps.to_numpy() if isinstance(reps, pd.DataFrame) else reps, dtype=float)
        if b.shape != (self.n,) or rw.ndim != 2 or rw.shape[0] != self.n:
            msg = (
                f"with_replicate_weights needs base of length {self.n} and reps of shape "
                f"({self.n}, R). Got {b.shape} and {rw.shape}."
            )
            raise DGIError(msg)
        if rw.shape[1] != spec.n_replicates:
            msg = f"with_replicate_weights: reps has {rw.shape[1]} columns, the design {spec.n_replicates} replicates."
            raise DGIError(msg)
        _check_weights(b, "base")
        if not np.isfinite(rw).all():
            msg = "with_replicate_weights: reps has NaN or infinite values."
            raise DGIError(msg)
        new_spec = _row_level_spec(
            b,
            rw,
            method=spec.method,
            scale=spec.scale,
            rscales=spec.rscales,
            mse=spec.mse,
            fay_rho=spec.fay_rho,
        )
        # domain df stay those of the replicate structure before recalibration (ReplicateSpec)
        df_group, df_factors = spec._df_structure()
        new_spec = dataclasses.replace(new_spec, df_group=df_group, df_factors=df_factors)
        b.setflags(write=False)
        return self._copy(weights=b, replicates=new_spec)

    def replicate(
        self,
        method: str = "bootstrap",
        *,
        n_replicates: int | None = None,
        rng: RNGLike = None,
        fay_rho: float = 0.0,
        mse: bool = False,
    ) -> SurveyDesign:
        """Turn this design into a replicate-weight design (R's ``as.svrepdesign``).

        Replicates are built and stored at the PSU level (a PSU x R factor matrix).

        Parameters
        ----------
        method : {"jk1", "jkn", "brr", "fay", "bootstrap", "subbootstrap"}
            Replicate method. default: "bootstrap".
        n_replicates : int, optional
            Number of replicates for the bootstrap methods (default 50, as R). Ignored by the
            jackknives; for BRR the Hadamard order is chosen automatically.
        rng : int, Generator or None
            Random numbers for the bootstrap methods. default: None.
        fay_rho : float
            Fay's rho for ``method="fay"`` (``"brr"`` is rho = 0). default: 0.
        mse : bool
            Centre replicate variances at the full-sample estimate. default: False.

        Returns
        -------
        SurveyDesign
            A replicate design.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"c": [1, 1, 2, 2, 3, 3], "y": [1.0, 2, 3, 4, 5, 6]})
        >>> r = SurveyDesign(df, psu="c").replicate("jk1")
        >>> r.replicates.n_replicates, r.degf
        (3, 2)
        """
        from dgi_stats.survey.variance.replicate import make_replicates

        if self.replicates is not None:
            msg = "replicate() was called on a design that already has replicate weights."
            raise DGIError(msg)
        if self.calibration:
            msg = (
                "replicate() must be called before calibration: build the replicate design from "
                "the uncalibrated design, then calibrate it (every replicate is recalibrated)."
            )
            raise DGIError(msg)
        gen = as_generator(rng) if method in ("bootstrap", "subbootstrap") else None
        spec = make_replicates(
            self, method, n_replicates=n_replicates, rng=gen, fay_rho=fay_rho, mse=mse
        )
        return self._copy(replicates=spec)

    @classmethod
    def from_replicate_weights(
        cls,
        data: pd.DataFrame,
        *,
        weights: ColumnOrArray,
        replicate_weights: Sequence[str] | np.ndarray | pd.DataFrame,
        method: str = "other",
        scale: float | None = None,
        rscales: Sequence[float] | np.ndarray | None = None,
        mse: bool = False,
        fay_rho: float | None = None,
        combined_weights: bool = True,
    ) -> SurveyDesign:
        """A replicate design from published replicate weights (R's ``svrepdesign``).

        Parameters
        ----------
        data : pandas.DataFrame
            Respondents.
        weights : str or array-like
            Full-sample weights.
        replicate_weights : list of str, ndarray or DataFrame
            The replicate weight columns (n x R).
        method : str
            ``"jk1"``, ``"jkn"``, ``"brr"``, ``"fay"``, ``"bootstrap"``, ``"subbootstrap"`` or
            ``"other"``; sets the default ``scale``. default: "other".
        scale : float, optional
            Variance multiplier; default from the method as R (JK1: (R-1)/R, bootstrap and
            subbootstrap: 1/(R-1), BRR: 1/R, Fay: 1/(R(1-rho)^2), JKn and other: 1).
        rscales : sequence of float, optional
            Per-replicate multipliers. default: 1 (JKn requires them).
        mse : bool
            Centre at the full-sample estimate. default: False.
        fay_rho : float, optional
            Fay's rho (method "fay").
        combined_weights : bool
            Replicate columns are analysis weights (True) or factors multiplying ``weights``
            (False). default: True.

        Returns
        -------
        SurveyDesign

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"y": [1.0, 2, 3], "w": [1.0, 1, 1],
        ...                    "r1": [0.0, 1.5, 1.5], "r2": [1.5, 0, 1.5], "r3": [1.5, 1.5, 0]})
        >>> r = SurveyDesign.from_replicate_weights(df, weights="w", replicate_weights=["r1", "r2", "r3"],
        ...                                         method="jk1")
        >>> r.replicates.scale
        0.6666666666666666
        """
        design = cls(data, weights=weights)
        if isinstance(replicate_weights, pd.DataFrame):
            rw = replicate_weights.to_numpy(dtype=float)
        elif isinstance(replicate_weights, np.ndarray):
            rw = np.asarray(replicate_weights, dtype=float)
        else:
            cols = list(replicate_weights)
            missing = [c for c in cols if c not in data.columns]
            if missing:
                msg = f"The 'replicate_weights' parameter names column(s) {missing} not in data."
                raise DGIError(msg)
            try:
                rw = data[cols].to_numpy(dtype=float)
            except (TypeError, ValueError):
                msg = "The 'replicate_weights' columns must be numeric."
                raise DGIError(msg) from None
        if rw.ndim != 2 or rw.shape[0] != design.n or rw.shape[1] < 2:
            msg = f"The 'replicate_weights' must be n x R with n = {design.n} and R >= 2. Got {rw.shape}."
            raise DGIError(msg)
        bad = ~np.isfinite(rw) | (rw < 0)
        if bad.any():
            rows = np.flatnonzero(bad.any(axis=1))[:10].tolist()
            msg = f"The 'replicate_weights' have negative, NaN or infinite values at rows {rows}."
            raise DGIError(msg)
        if not combined_weights:
            rw = rw * design.weights[:, None]
        if method not in REPLICATE_METHODS:
            msg = f"The 'method' parameter must be one of {REPLICATE_METHODS}. Got {method!r}."
            raise DGIError(msg)
        r = rw.shape[1]
        rho = 0.0 if fay_rho is None else float(fay_rho)
        if scale is None:
            scale = {
                "jk1": (r - 1) / r,
                "bootstrap": 1 / (r - 1),
                "subbootstrap": 1 / (r - 1),
                "brr": 1 / r,
                "fay": 1 / (r * (1 - rho) ** 2),
            }.get(method, 1.0)
        rs = np.ones(r) if rscales is None else np.asarray(rscales, dtype=float)
        if rs.shape != (r,):
            msg = (
                f"The 'rscales' parameter must have one value per replicate ({r}). Got {rs.shape}."
            )
            raise DGIError(msg)
        spec = _row_level_spec(
            design.weights,
            rw,
            method=method,
            scale=float(scale),
            rscales=rs,
            mse=bool(mse),
            fay_rho=fay_rho,
        )
        return design._copy(replicates=spec)

    # ------------------------------------------------------------------ display
    def __repr__(self) -> str:
        kind = (
            "Taylor"
            if self.replicates is None
            else f"{self.replicates.method} ({self.replicates.n_replicates} replicates)"
        )
        return (
            f"SurveyDesign({kind}: n={self.n}, strata={self.n_strata}, PSUs={self.n_psu}, "
            f"degf={self.degf}, weights={self.labels.get('weights')!r}, "
            f"lonely_psu={self.lonely_psu!r}, calibration steps={len(self.calibration)}"
            + ("" if self.certainty_psus is None else f", certainty PSUs={len(self.certainty_psus)}")
            + ")"
        )


def _matrix_rank(f: np.ndarray, tol: float = 1e-5) -> int:
    """Numerical rank (singular values above ``tol`` x the largest, like R's ``qr(tol = 1e-5)``).

    Computed from the eigenvalues of the smaller Gram matrix, which is much faster than an SVD of
    a PSU x replicate matrix with thousands of rows or columns.
    """
    if f.size == 0:
        return 0
    gram = f @ f.T if f.shape[0] <= f.shape[1] else f.T @ f
    ev = np.linalg.eigvalsh(gram)
    top = ev[-1]
    if top <= 0:
        return 0
    return int((ev > (tol**2) * top).sum())


def _row_level_spec(
    base: np.ndarray,
    rw: np.ndarray,
    *,
    method: str,
    scale: float,
    rscales: np.ndarray,
    mse: bool,
    fay_rho: float | None,
) -> ReplicateSpec:
    """Replicate spec from n x R analysis weights, grouping rows with identical factors."""
    pos = base > 0
    safe = np.where(pos, base, 1.0)
    factors_rows = rw / safe[:, None]
    # rows with zero base weight carry their replicate weights as factors of a base of 1
    rep_base = np.where(pos, base, 1.0)
    zero_all = ~pos & (rw == 0).all(axis=1)
    rep_base = np.where(zero_all, 0.0, rep_base)
    uniq, group = np.unique(factors_rows, axis=0, return_inverse=True)
    group = np.asarray(group, dtype=np.intp).ravel()
    return ReplicateSpec(
        method=method,
        group=group,
        factors=uniq,
        base=rep_base,
        scale=float(scale),
        rscales=np.asarray(rscales, dtype=float),
        mse=bool(mse),
        fay_rho=None if fay_rho is None else float(fay_rho),
    )
