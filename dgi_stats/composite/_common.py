"""Helpers shared by the composite modules: the table check, weight check, weighted means, aliases."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from dgi_stats.exceptions import DGIError

__all__ = [
    "DirectionLike",
    "MethodSpec",
    "WeightsLike",
    "alternative_label",
    "as_table",
    "check_weights",
    "method_options",
    "weighted_mean",
]

#: Weights of components: one per column, by name (mapping or Series) or by position (array).
WeightsLike: TypeAlias = Mapping[Hashable, float] | pd.Series | Sequence[float] | np.ndarray
#: Direction of indicators: +1 / -1 for every column, or per column.
DirectionLike: TypeAlias = int | Mapping[Hashable, int] | pd.Series
#: A method by name, or a mapping of options with the key ``"method"`` (e.g. ``{"method":
#: "generalised", "p": 0.5}``).
MethodSpec: TypeAlias = str | Mapping[str, Any]


def alternative_label(alt: object, i: int) -> str:
    """A short label of a method alternative: its name, ``method(options)``, or ``#i``.

    Parameters
    ----------
    alt : object
        A method name, a mapping of options with ``"method"``, None, or anything else.
    i : int
        The alternative's position (0-based), for the ``#i`` fallback.

    Returns
    -------
    str
        The label.

    Examples
    --------
    >>> alternative_label({"method": "generalised", "p": 0.5}, 0), alternative_label([1, 2], 2)
    ('generalised(p=0.5)', '#3')
    """
    if alt is None:
        return "none"
    if isinstance(alt, str):
        return alt
    if isinstance(alt, Mapping) and "method" in alt:
        extra = ",".join(f"{k}={v}" for k, v in alt.items() if k != "method")
        return f"{alt['method']}({extra})" if extra else str(alt["method"])
    return f"#{i + 1}"


def as_table(data: pd.DataFrame | pd.Series, func: str) -> pd.DataFrame:
    """A unit x indicator table as a float DataFrame (a Series becomes one column).

    Parameters
    ----------
    data : pandas.DataFrame or pandas.Series
        Units (index) x indicators (columns), every column numeric.
    func : str
        The calling function's name, for the messages.

    Returns
    -------
    pandas.DataFrame
        ``data`` as floats.

    Raises
    ------
    DGIError
        Not a DataFrame or Series, empty, or with a non-numeric column.

    Examples
    --------
    >>> as_table(pd.Series([1, 2], name="a"), "f").dtypes.tolist()
    [dtype('float64')]
    """
    if isinstance(data, pd.Series):
        data = data.to_frame(data.name if data.name is not None else "value")
    if not isinstance(data, pd.DataFrame):
        msg = (
            f"The 'data' parameter of {func} must be a pandas DataFrame (units x indicators). "
            f"Got {type(data).__name__} instead."
        )
        raise DGIError(msg)
    if data.empty:
        msg = f"The 'data' parameter of {func} is empty."
        raise DGIError(msg)
    bad = [c for c in data.columns if not pd.api.types.is_numeric_dtype(data[c])]
    if bad:
        msg = f"column(s) {bad} of 'data' in {func} are not numeric; convert them with pd.to_numeric."
        raise DGIError(msg)
    return data.astype(float)


def check_weights(
    weights: WeightsLike | None, columns: Sequence[Hashable], *, name: str = "weights", func: str = "aggregate"
) -> pd.Series:
    """Validate weights against ``columns`` and return them as a float Series in column order.

    ``None`` gives equal weights. A mapping or Series must name exactly the columns (a missing or an
    unknown name is an error); an array must have one entry per column. Weights must be finite,
    non-negative and not all zero. They are returned as given (not rescaled).

    Parameters
    ----------
    weights : dict, Series, array or None
        The weights to check.
    columns : sequence
        The component names, in order.
    name : str
        The parameter's name, for the messages.
    func : str
        The calling function's name, for the messages.

    Returns
    -------
    pandas.Series
        One float weight per column, indexed by ``columns``.

    Raises
    ------
    DGIError
        Names or length that do not match, NaN, infinite or negative weights, or all zero.

    Examples
    --------
    >>> check_weights({"a": 1, "b": 3}, ["a", "b"]).tolist()
    [1.0, 3.0]
    """
    cols: list[Any] = list(columns)
    if weights is None:
        return pd.Series(1.0 / len(cols), index=pd.Index(cols), dtype=float)
    if isinstance(weights, Mapping | pd.Series):
        keys = list(weights.keys())
        unknown = [k for k in keys if k not in cols]
        missing = [c for c in cols if c not in keys]
        if unknown or missing:
            msg = (
                f"The {name!r} parameter of {func} does not match the components: "
                f"unknown name(s) {unknown}, missing name(s) {missing}. Give one weight per component "
                f"({cols[:12]}{'...' if len(cols) > 12 else ''})."
            )
            raise DGIError(msg)
        w = pd.Series([float(weights[c]) for c in cols], index=pd.Index(cols), dtype=float)
    else:
        arr = np.asarray(weights, dtype=float).ravel()
        if arr.size != len(cols):
            msg = (
                f"The {name!r} parameter of {func} has {arr.size} entries but there are {len(cols)} "
                "components; give one weight per component."
            )
            raise DGIError(msg)
        w = pd.Series(arr, index=pd.Index(cols), dtype=float)
    if not np.all(np.isfinite(w.to_numpy())):
        msg = f"The {name!r} parameter of {func} has NaN or infinite weights: {w[~np.isfinite(w)].to_dict()}."
        raise DGIError(msg)
    if (w < 0).any():
        msg = (
            f"The {name!r} parameter of {func} has negative weight(s) {w[w < 0].to_dict()}; "
            "weights must be >= 0 (turn an indicator round with 'direction' instead)."
        )
        raise DGIError(msg)
    if not w.sum() > 0:
        msg = f"The {name!r} parameter of {func} has all weights zero."
        raise DGIError(msg)
    return w


def method_options(spec: MethodSpec) -> dict[str, Any]:
    """A method name or a mapping of options (with ``"method"``) as a dict of keyword arguments.

    Parameters
    ----------
    spec : str or mapping
        ``"geometric"`` or ``{"method": "generalised", "p": 0.5}``.

    Returns
    -------
    dict
        Keyword arguments, with ``"method"``.

    Examples
    --------
    >>> method_options("geometric")
    {'method': 'geometric'}
    """
    return {"method": spec} if isinstance(spec, str) else dict(spec)


def weighted_mean(
    w: np.ndarray, x: np.ndarray, wsum: np.ndarray, method: str, p: float | np.ndarray | None = None
) -> np.ndarray:
    """Weighted compensatory mean over the last axis (OECD/JRC Handbook §6.2).

    ``method`` is "arithmetic" ``Σ w x / Σ w``, "geometric" ``exp(Σ w ln x / Σ w)``, "harmonic"
    ``Σ w / Σ (w / x)`` or "generalised" ``(Σ w x^p / Σ w)^(1/p)`` (the geometric mean where
    ``p`` is 0). Divisions by zero are left to the caller.

    Parameters
    ----------
    w : numpy.ndarray
        Weights, already 0 where a component is missing.
    x : numpy.ndarray
        Values, already 1 where a component is missing (so it never enters a log or a ratio).
    wsum : numpy.ndarray
        ``Σ w`` over the last axis.
    method : str
        "arithmetic", "geometric", "harmonic" or "generalised".
    p : float or numpy.ndarray, optional
        Exponent of "generalised": a number, or an array broadcasting against the result.

    Returns
    -------
    numpy.ndarray
        The means (the shape of ``x`` without its last axis).

    Examples
    --------
    >>> w, x = np.array([[1.0, 1.0]]), np.array([[1.0, 4.0]])
    >>> weighted_mean(w, x, w.sum(axis=-1), "geometric").tolist()
    [2.0]
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "arithmetic":
            return (w * x).sum(axis=-1) / wsum
        if method == "geometric":
            return np.exp((w * np.log(x)).sum(axis=-1) / wsum)
        if method == "harmonic":
            return wsum / (w / x).sum(axis=-1)
        # "generalised"
        pp = np.asarray(p, dtype=float)
        pz = np.isclose(pp, 0.0)
        safe = np.where(pz, 1.0, pp)
        gen_ = ((w * x ** safe[..., None]).sum(axis=-1) / wsum) ** (1.0 / safe)
        if not pz.any():
            return gen_
        geo = np.exp((w * np.log(x)).sum(axis=-1) / wsum)
        return np.where(pz, geo, gen_)
