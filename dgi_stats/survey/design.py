"""Complex survey designs: strata, multi-stage clusters, weights, fpc and replicate weights.

:class:`SurveyDesign` is frozen: every transformation (new weights, calibration, replicates) returns a
new design. Rows are never dropped: domains and subsets are handled by the estimators
(``by=`` / ``domain=``), exactly as R's ``survey`` package does for ``svyby`` and ``subset``.

Calibration protocol (for :mod:`dgi_stats.survey.weighting`)
------------------------------------------------------------
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
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from dgi_stats._rng import RNGLike, as_generator
from dgi_stats.exceptions import DGIError
from dgi_stats.survey._design_columns import (
    ColumnOrArray,
    certainty_columns,
    check_weights,
    column_values,
    factor_codes,
    private_copy,
    row_weights,
    stage_population_sizes,
)
from dgi_stats.survey.variance.replicate import (
    REPLICATE_METHODS,
    ReplicateSpec,
    make_replicates,
    replicate_spec_from_weights,
)

__all__ = [
    "LONELY_PSU_OPTIONS",
    "REPLICATE_METHODS",
    "CalibrationStep",
    "ReplicateSpec",
    "SurveyDesign",
]

LONELY_PSU_OPTIONS = ("fail", "remove", "certainty", "adjust", "average")

LonelyPSU = Literal["fail", "remove", "certainty", "adjust", "average"]
#: One weight per row.
WeightsLike = Sequence[float] | np.ndarray | pd.Series


@runtime_checkable
class CalibrationStep(Protocol):
    """A weighting step whose effect on the variance is a residualisation of influence values.

    See the module docstring for the protocol; post-stratification, raking and calibration steps
    of :mod:`dgi_stats.survey.weighting` follow it.

    Examples
    --------
    >>> import numpy as np
    >>> class Centre:
    ...     def residualize(self, z, design):
    ...         return z - z.mean(axis=0)
    >>> isinstance(Centre(), CalibrationStep)
    True
    """

    def residualize(self, z: np.ndarray, design: SurveyDesign) -> np.ndarray:
        """Return the ``n x k`` residuals of the ``n x k`` influence values ``z``.

        Parameters
        ----------
        z : numpy.ndarray
            ``n x k`` influence values (row ``i`` = ``w_i * u_i``).
        design : SurveyDesign
            The design the step belongs to (read only).

        Returns
        -------
        numpy.ndarray
            ``n x k`` residuals.

        Examples
        --------
        >>> import numpy as np
        >>> class Centre:
        ...     def residualize(self, z, design):
        ...         return z - z.mean(axis=0)
        >>> Centre().residualize(np.array([[1.0], [3.0]]), None).ravel().tolist()
        [-1.0, 1.0]
        """
        ...


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
        data = private_copy(data)
        n = len(data)
        labels: dict[str, str] = {}
        certainty_psus: tuple[Any, ...] | None = None
        if certainty is not None:
            restructured = certainty_columns(
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
            vals, labels["strata"] = column_values(data, strata, "strata")
            s_codes, s_labels = factor_codes(vals, labels["strata"])
        # PSU
        if psu is None:
            psu_raw = np.arange(n)
            p_codes, p_labels = factor_codes(psu_raw, "psu")
            labels["psu"] = "row"
        else:
            vals, labels["psu"] = column_values(data, psu, "psu")
            raw_codes, raw_labels = factor_codes(vals, labels["psu"])
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
            vals, labels["ssu"] = column_values(data, ssu, "ssu")
            raw, _ = factor_codes(vals, labels["ssu"])
            key = p_codes.astype(np.int64) * (int(raw.max()) + 1) + raw
            ssu_codes_, _u = pd.factorize(key, sort=True)
            ssu_codes = ssu_codes_.astype(np.intp)
            ssu_psu = np.zeros(int(ssu_codes.max()) + 1, dtype=np.intp)
            ssu_psu[ssu_codes] = p_codes
            n_ssu_psu = np.bincount(ssu_psu, minlength=n_psu).astype(float)

        # fpc -> population sizes per stage (stage 1 per stratum, stage 2 per PSU)
        fpc1, fpc2 = (None, None) if fpc is None else stage_population_sizes(
            data, fpc, certainty=certainty is not None, s_codes=s_codes, s_labels=s_labels,
            p_codes=p_codes, p_labels=p_labels, n_psu_h=n_psu_h, ssu_codes=ssu_codes,
            ssu_psu=ssu_psu, n_ssu_psu=n_ssu_psu,
        )

        w, labels["weights"] = row_weights(
            data, weights=weights, probs=probs, fpc1=fpc1, fpc2=fpc2, s_codes=s_codes,
            p_codes=p_codes, n_psu_h=n_psu_h, n_ssu_psu=n_ssu_psu,
        )
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

        Parameters
        ----------
        in_domain : numpy.ndarray
            One boolean per row.

        Returns
        -------
        int
            #PSU - #strata among the domain's rows with non-zero weight (0 for an empty domain).

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> d = SurveyDesign(pd.DataFrame({"s": ["a", "a", "b", "b"], "c": [1, 2, 3, 4]}),
        ...                  strata="s", psu="c")
        >>> d.domain_degf(np.array([True, True, False, False])), d.degf
        (1, 2)
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

    def with_weights(
        self, new_weights: WeightsLike, *, calibration: CalibrationStep | None = None
    ) -> SurveyDesign:
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
        check_weights(w, "new_weights")
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

    def with_data_column(
        self,
        name: str,
        values: Sequence[object] | np.ndarray | pd.Series | pd.api.extensions.ExtensionArray,
    ) -> SurveyDesign:
        """A new design whose data has one more (or a replaced) column (R's ``update``).

        Parameters
        ----------
        name : str
            Column name.
        values : array-like, Series or Categorical
            One value per row.

        Returns
        -------
        SurveyDesign
            The new design (this one is unchanged).

        Raises
        ------
        DGIError
            ``values`` does not have one value per row.

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
        data = private_copy(self.data)
        data[name] = pd.Series(vals, index=data.index)
        return self._copy(data=data)

    # ------------------------------------------------------------------ replicate designs
    def replicate_weights(self) -> np.ndarray:
        """The ``n x R`` replicate analysis weights (materialised; for weighting code only).

        Returns
        -------
        numpy.ndarray
            ``n x R``: base weight times the factor of the row's group in every replicate.

        Raises
        ------
        DGIError
            If the design has no replicates.

        Examples
        --------
        >>> import pandas as pd
        >>> r = SurveyDesign(pd.DataFrame({"c": [1, 2, 3]}), psu="c").replicate("jk1")
        >>> r.replicate_weights()[0].tolist()
        [0.0, 1.5, 1.5]
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

    def with_replicate_weights(
        self, base: WeightsLike, reps: np.ndarray | pd.DataFrame
    ) -> SurveyDesign:
        """A replicate design with new full-sample weights ``base`` (n) and replicate weights (n x R).

        ``method``, ``scale``, ``rscales`` and ``mse`` are kept; ``degf`` is recomputed as the
        rank of the new replicate weights minus one (R's ``degf``), while the domain df used for
        inference keep counting the replicate structure before the new weights
        (:meth:`ReplicateSpec.domain_degf`).

        Parameters
        ----------
        base : array-like
            New full-sample weights (n, finite, >= 0).
        reps : array-like or DataFrame
            New replicate analysis weights (n x R, R the design's number of replicates).

        Returns
        -------
        SurveyDesign
            The new replicate design (this one is unchanged).

        Raises
        ------
        DGIError
            No replicates, wrong shapes, or non-finite values.

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
        check_weights(b, "base")
        if not np.isfinite(rw).all():
            msg = "with_replicate_weights: reps has NaN or infinite values."
            raise DGIError(msg)
        new_spec = replicate_spec_from_weights(
            b,
            rw,
            method=spec.method,
            scale=spec.scale,
            rscales=spec.rscales,
            mse=spec.mse,
            fay_rho=spec.fay_rho,
        )
        # domain df stay those of the replicate structure before recalibration (ReplicateSpec)
        df_group, df_factors = spec.df_structure()
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
        spec = replicate_spec_from_weights(
            design.weights,
            rw,
            method=method,
            scale=scale,
            rscales=rscales,
            mse=mse,
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
