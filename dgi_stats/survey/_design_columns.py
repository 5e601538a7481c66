"""Design columns of :class:`~dgi_stats.survey.design.SurveyDesign`: ids, codes, weights, certainty PSUs.

Helpers of the design constructor, kept apart from the design itself: reading a design argument
(a column name or one value per row), factorising ids, checking weights and restructuring a design
with certainty (self-representing) PSUs as R ``survey`` recommends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from dgi_stats._validation import did_you_mean
from dgi_stats.exceptions import DGIError

__all__ = [
    "CERTAINTY_TOL",
    "CertaintyColumns",
    "ColumnOrArray",
    "certainty_columns",
    "check_weights",
    "column_values",
    "factor_codes",
    "numeric_values",
    "private_copy",
    "row_weights",
    "stage_population_sizes",
]

ColumnOrArray = str | Sequence[Any] | np.ndarray | pd.Series


def private_copy(data: pd.DataFrame) -> pd.DataFrame:
    """A copy the caller cannot change: shallow under pandas copy-on-write, deep otherwise."""
    cow = int(pd.__version__.split(".")[0]) >= 3 or bool(
        getattr(pd.options.mode, "copy_on_write", False) is True
    )
    return data.copy(deep=not cow)


def column_values(data: pd.DataFrame, spec: ColumnOrArray, name: str) -> tuple[np.ndarray, str]:
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


def factor_codes(values: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
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


def numeric_values(values: np.ndarray, name: str) -> np.ndarray:
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


def check_weights(w: np.ndarray, name: str) -> None:
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        rows = np.flatnonzero(bad)[:10].tolist()
        msg = (
            f"The {name!r} parameter of SurveyDesign has {int(bad.sum())} negative, NaN or infinite "
            f"value(s), at rows {rows} (0-based positions). Weights must be finite and >= 0."
        )
        raise DGIError(msg)


#: Inclusion probabilities at least ``1 - CERTAINTY_TOL`` mark certainty (self-representing) PSUs.
CERTAINTY_TOL = 1e-12


@dataclass(frozen=True, slots=True)
class CertaintyColumns:
    """The design columns of a design with certainty PSUs, restructured as R survey recommends."""

    strata: np.ndarray
    psu: np.ndarray
    ssu: np.ndarray
    fpc: list[np.ndarray]
    certainty_psus: tuple[Any, ...]
    label: str


def certainty_columns(
    data: pd.DataFrame,
    *,
    strata: ColumnOrArray | None,
    psu: ColumnOrArray | None,
    ssu: ColumnOrArray | None,
    fpc: Any,
    certainty: ColumnOrArray,
    nest: bool,
) -> CertaintyColumns:
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
        vals, lab = column_values(data, strata, "strata")
        s_codes, s_labels = factor_codes(vals, lab)
    vals, p_lab = column_values(data, psu, "psu")
    p_raw, p_raw_labels = factor_codes(vals, p_lab)
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
    vals, q_lab = column_values(data, ssu, "ssu")
    q_raw, q_raw_labels = factor_codes(vals, q_lab)
    q_codes, q_uniq = pd.factorize(p_codes.astype(np.int64) * (int(q_raw.max()) + 1) + q_raw, sort=True)
    q_codes = q_codes.astype(np.intp)
    q_psu = np.zeros(len(q_uniq), dtype=np.intp)
    q_psu[q_codes] = p_codes

    # certainty flags: booleans, or PSU inclusion probabilities in (0, 1]
    vals, c_lab = column_values(data, certainty, "certainty")
    c_series = vals.reset_index(drop=True) if isinstance(vals, pd.Series) else pd.Series(vals)
    all_bool = not c_series.isna().any() and (
        pd.api.types.is_bool_dtype(c_series.dtype)
        or all(isinstance(v, bool | np.bool_) for v in c_series)
    )
    if all_bool:
        flag = c_series.to_numpy(dtype=bool)
    elif pd.api.types.is_numeric_dtype(c_series.dtype) and not pd.api.types.is_bool_dtype(c_series.dtype):
        prob = numeric_values(vals, f"certainty ({c_lab})")
        bad = ~np.isfinite(prob) | (prob <= 0) | (prob > 1 + CERTAINTY_TOL)
        if bad.any():
            rows = np.flatnonzero(bad)[:10].tolist()
            msg = (
                f"The 'certainty' parameter of SurveyDesign ({c_lab!r}) holds PSU inclusion "
                f"probabilities, which must be in (0, 1]; {int(bad.sum())} row(s) are not, at "
                f"rows {rows} (0-based positions)."
            )
            raise DGIError(msg)
        flag = prob >= 1 - CERTAINTY_TOL
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
        vals, lab = column_values(data, spec, "fpc")
        f = numeric_values(vals, f"fpc ({lab})")
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
    return CertaintyColumns(
        strata=new_strata,
        psu=new_psu,
        ssu=new_ssu,
        fpc=[fpc1, fpc2],
        certainty_psus=tuple(psu_ids[i] for i in np.flatnonzero(psu_cert)),
        label=c_lab,
    )


def stage_population_sizes(
    data: pd.DataFrame,
    fpc: ColumnOrArray | Sequence[ColumnOrArray],
    *,
    certainty: bool,
    s_codes: np.ndarray,
    s_labels: np.ndarray,
    p_codes: np.ndarray,
    p_labels: np.ndarray,
    n_psu_h: np.ndarray,
    ssu_codes: np.ndarray | None,
    ssu_psu: np.ndarray | None,
    n_ssu_psu: np.ndarray | None,
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Population sizes per stage from ``fpc``: per stratum (stage 1) and per PSU (stage 2).

    ``fpc`` gives population sizes (>= 1) or sampling fractions (< 1), one column per stage,
    constant within a stratum (stage 1) or PSU (stage 2). ``certainty``: the design was
    restructured for certainty PSUs (an infinite stage-2 size marks sampling with replacement).
    """
    n_psu = len(p_labels)
    fpc1 = None
    fpc2 = None
    fpc1 = None
    fpc2 = None
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
        vals, lab = column_values(data, spec, "fpc")
        f = numeric_values(vals, f"fpc ({lab})")
        finite = np.isfinite(f) | (certainty & (f == np.inf))
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

    return fpc1, fpc2


def row_weights(
    data: pd.DataFrame,
    *,
    weights: ColumnOrArray | None,
    probs: ColumnOrArray | Sequence[str] | None,
    fpc1: np.ndarray | None,
    fpc2: np.ndarray | None,
    s_codes: np.ndarray,
    p_codes: np.ndarray,
    n_psu_h: np.ndarray,
    n_ssu_psu: np.ndarray | None,
) -> tuple[np.ndarray, str]:
    """The weight of every row and its label: from ``weights``, ``probs``, the fpc, or 1."""
    n = len(data)
    if weights is not None:
        vals, label = column_values(data, weights, "weights")
        w = numeric_values(vals, label)
        check_weights(w, label)
    elif probs is not None:
        if isinstance(probs, str | np.ndarray | pd.Series):
            plist: list[Any] = [probs]
        else:
            plist = list(probs)
            if plist and not isinstance(plist[0], str) and np.ndim(plist[0]) == 0:
                plist = [np.asarray(probs)]
        p = np.ones(n)
        for spec in plist:
            vals, lab = column_values(data, spec, "probs")
            pv = numeric_values(vals, lab)
            bad = ~np.isfinite(pv) | (pv <= 0) | (pv > 1)
            if bad.any():
                rows = np.flatnonzero(bad)[:10].tolist()
                msg = f"The 'probs' column {lab!r} must be in (0, 1]; rows {rows} (0-based) are not."
                raise DGIError(msg)
            p = p * pv
        w = 1.0 / p
        label = "1/probs"
    elif fpc1 is not None:
        w = fpc1[s_codes] / n_psu_h[s_codes]
        if fpc2 is not None and n_ssu_psu is not None:
            w = w * np.where(np.isinf(fpc2[p_codes]), 1.0, fpc2[p_codes] / n_ssu_psu[p_codes])
        label = "fpc"
    else:
        w = np.ones(n)
        label = "1"
    return np.asarray(w, dtype=float), label
