"""Input validation shared by every public function (the ``_iv`` step).

Messages follow one pattern: "The 'confidence_level' parameter of rank_confidence_sets must be a float
in the range (0, 1). Got 1.5 instead."
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from dgi_stats.exceptions import DGIError

__all__ = [
    "check_choice",
    "check_columns",
    "check_covariance",
    "check_fraction",
    "check_numeric_columns",
    "check_positive_int",
    "check_probability",
    "did_you_mean",
    "is_instance",
]


def is_instance(obj: Any, cls: type) -> bool:
    """``isinstance``, also true for a copy of ``cls`` from a re-executed module.

    pytest's importlib import mode with ``--doctest-modules`` can execute a module a second time, which
    creates a second class object with the same name and module; results built by one copy must still
    be accepted by functions holding the other.
    """
    t = type(obj)
    return isinstance(obj, cls) or (t.__name__ == cls.__name__ and t.__module__ == cls.__module__)


def did_you_mean(
    wrong: Iterable[Any], valid: Iterable[Any], *, what: str = "names",
    exclude: Iterable[Any] = (),
) -> str:
    """Closest valid names to each wrong one (difflib), then the complete list of valid ``what``.

    Names in ``exclude`` (e.g. columns already used under their right name) are listed but never
    suggested.

    Examples
    --------
    >>> did_you_mean(["q10l"], ["q101", "q102", "district"], what="columns")
    "did you mean 'q101' or 'q102'? The 3 valid columns are: ['q101', 'q102', 'district']"
    """

    def prefix(a: str, b: str) -> int:
        return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))

    pool = [str(v) for v in valid]
    skip = {str(v) for v in exclude}
    close: list[str] = []
    for w in map(str, wrong):
        scored = []
        for cand in (c for c in pool if c not in skip):
            ratio = difflib.SequenceMatcher(None, w.lower(), cand.lower()).ratio()
            if ratio >= 0.6:  # ties: the longer common prefix first ("q10l" before "q801" for "q101")
                scored.append((-ratio, -prefix(w.lower(), cand.lower()), cand))
        hits = [c for _, _, c in sorted(scored)[:3]]
        close.extend(h for h in hits if h not in close)
    head = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    return f"{head}The {len(pool)} valid {what} are: {pool}"


def check_probability(value: Any, *, name: str, func: str) -> float:
    """Check a level or probability strictly inside (0, 1) and return it as a float."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating | np.integer):
        msg = (
            f"The {name!r} parameter of {func} must be a float in the range (0, 1). "
            f"Got {value!r} instead."
        )
        raise DGIError(msg)
    v = float(value)
    if not 0.0 < v < 1.0 or not np.isfinite(v):
        msg = f"The {name!r} parameter of {func} must be a float in the range (0, 1). Got {value!r} instead."
        raise DGIError(msg)
    return v


check_fraction = check_probability


def check_positive_int(value: Any, *, name: str, func: str, minimum: int = 1) -> int:
    """Check an integer ``>= minimum`` and return it."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or int(value) < minimum:
        msg = (
            f"The {name!r} parameter of {func} must be an int >= {minimum}. Got {value!r} instead."
        )
        raise DGIError(msg)
    return int(value)


def check_choice(value: Any, choices: Iterable[str], *, name: str, func: str) -> str:
    """Check that ``value`` is one of ``choices``."""
    opts = tuple(choices)
    if not isinstance(value, str) or value not in opts:
        listed = ", ".join(repr(c) for c in opts)
        msg = f"The {name!r} parameter of {func} must be one of {listed}. Got {value!r} instead."
        raise DGIError(msg)
    return value


def check_columns(data: pd.DataFrame, columns: Sequence[str], *, name: str = "data") -> None:
    """Check that every column in ``columns`` is in ``data``; name the missing ones."""
    if not isinstance(data, pd.DataFrame):
        msg = f"The {name!r} parameter must be a pandas DataFrame. Got {type(data).__name__} instead."
        raise DGIError(msg)
    missing = [c for c in columns if c not in data.columns]
    if missing:
        msg = (
            f"{name} is missing required column(s) {missing}; "
            f"{did_you_mean(missing, data.columns, what='columns')}. Rename the columns or pass the "
            "right names."
        )
        raise DGIError(msg)


def check_numeric_columns(data: pd.DataFrame, columns: Sequence[str], *, name: str = "data") -> None:
    """Check that the columns exist and are numeric (bool counts as numeric)."""
    check_columns(data, columns, name=name)
    bad = [c for c in columns if not (pd.api.types.is_numeric_dtype(data[c]) or pd.api.types.is_bool_dtype(data[c]))]
    if bad:
        msg = (
            f"column(s) {bad} of {name} are not numeric (dtypes "
            f"{[str(data[c].dtype) for c in bad]}); convert them with pd.to_numeric or code them as 0/1."
        )
        raise DGIError(msg)


def check_covariance(
    cov: Any, n: int, *, name: str = "cov", func: str, atol: float = 1e-10
) -> np.ndarray:
    """Return ``cov`` as a symmetric positive semi-definite ``n x n`` float array, or raise."""
    c = np.asarray(cov, dtype=float)
    if c.ndim == 1 and c.shape == (n,):
        c = np.diag(c)
    if c.shape != (n, n):
        msg = f"The {name!r} parameter of {func} must be a {n} x {n} matrix. Got shape {c.shape} instead."
        raise DGIError(msg)
    if not np.all(np.isfinite(c)):
        msg = f"The {name!r} parameter of {func} has NaN or infinite entries."
        raise DGIError(msg)
    scale = max(float(np.max(np.abs(c))), 1e-300)
    if not np.allclose(c, c.T, rtol=0.0, atol=atol * scale):
        i, j = np.unravel_index(np.argmax(np.abs(c - c.T)), c.shape)
        msg = (
            f"The {name!r} parameter of {func} must be symmetric; entry ({i}, {j}) = {c[i, j]!r} "
            f"but ({j}, {i}) = {c[j, i]!r}."
        )
        raise DGIError(msg)
    c = (c + c.T) / 2.0
    diag = np.diag(c)
    if np.count_nonzero(c - np.diag(diag)) == 0:  # diagonal: PSD iff no negative variance
        eig_min = float(diag.min()) if n else 0.0
    else:
        try:  # a (slightly regularised) Cholesky factor exists: PSD up to the tolerance below
            np.linalg.cholesky(c + np.eye(n) * (1e-10 * scale))
            eig_min = 0.0
        except np.linalg.LinAlgError:
            eig_min = float(np.linalg.eigvalsh(c).min())
    if eig_min < -1e-8 * scale:
        msg = (
            f"The {name!r} parameter of {func} must be positive semi-definite; its smallest "
            f"eigenvalue is {eig_min:.3g}."
        )
        raise DGIError(msg)
    return c
