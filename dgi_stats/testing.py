"""Test helpers: compare survey estimates with each other or with reference outputs (R ``survey``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from dgi_stats._validation import is_instance
from dgi_stats.survey.estimators import SurveyEstimate

__all__ = ["assert_estimate_close"]


def _values(x: Any) -> np.ndarray:
    if isinstance(x, Mapping) and "values" in x:  # R JSON matrix {rows, cols, values}
        return np.array(
            [[np.nan if v is None else v for v in row] for row in x["values"]], dtype=float
        )
    if isinstance(x, Mapping):
        return np.array([np.nan if v is None else v for v in x.values()], dtype=float)
    if hasattr(x, "to_numpy"):
        return np.asarray(x.to_numpy(), dtype=float)
    return np.asarray(x, dtype=float)


def assert_estimate_close(
    result: SurveyEstimate,
    expected: SurveyEstimate | Mapping[str, object],
    *,
    rtol: float = 1e-9,
    atol: float = 1e-12,
    label: str = "",
) -> None:
    """Assert that a :class:`SurveyEstimate` matches another one or an R ``survey`` result.

    Parameters
    ----------
    result : SurveyEstimate
        The estimate to check.
    expected : SurveyEstimate or mapping
        Another estimate, or an R-style result mapping with keys among ``estimate``, ``se``,
        ``vcov`` (``{rows, cols, values}``), ``deff`` and ``df`` (as in the JSON reference files).
        Values are compared in order.
    rtol, atol : float
        Tolerances of :func:`numpy.testing.assert_allclose`. default: 1e-9 and 1e-12.
    label : str
        Shown in the failure message (for example the R call). default: "".

    Raises
    ------
    AssertionError
        With the name of the first quantity that differs.

    Examples
    --------
    >>> import pandas as pd
    >>> from dgi_stats.survey.design import SurveyDesign
    >>> from dgi_stats.survey.estimators import mean
    >>> e = mean(SurveyDesign(pd.DataFrame({"y": [1.0, 2.0, 3.0]})), "y")
    >>> assert_estimate_close(e, {"estimate": {"y": 2.0}, "se": {"y": 0.5773502691896257}})
    """
    if not is_instance(result, SurveyEstimate):
        msg = f"result must be a SurveyEstimate, got {type(result).__name__}"
        raise TypeError(msg)
    pairs: list[tuple[str, Any, Any]] = []
    if not isinstance(expected, Mapping):
        if not is_instance(expected, SurveyEstimate):
            msg = f"expected must be a SurveyEstimate or a mapping, got {type(expected).__name__}"
            raise TypeError(msg)
        pairs = [
            ("estimate", result.estimate, expected.estimate),
            ("std_error", result.std_error, expected.std_error),
            ("cov", result.cov, expected.cov),
            ("df", result.df, expected.df),
        ]
        if result.design_effect is not None and expected.design_effect is not None:
            pairs.append(("design_effect", result.design_effect, expected.design_effect))
    else:
        keys = {"estimate": "estimate", "se": "std_error", "vcov": "cov", "deff": "design_effect"}
        for key, attr in keys.items():
            if key in expected and expected[key] is not None:
                got = getattr(result, attr)
                if got is None:
                    msg = f"{label}: {attr} is missing but the reference has {key!r}"
                    raise AssertionError(msg)
                pairs.append((attr, got, expected[key]))
        if "df" in expected and not isinstance(expected["df"], Mapping):
            pairs.append(("design df", result.design_df, expected["df"]))
    for name, got, want in pairs:
        g, w = _values(got), _values(want)
        if g.size == w.size:
            g = g.reshape(w.shape)
        np.testing.assert_allclose(
            g, w, rtol=rtol, atol=atol, equal_nan=True, err_msg=f"{name} differs {label}".strip()
        )
