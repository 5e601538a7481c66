"""Helpers shared by the planning modules."""

from __future__ import annotations

import numpy as np

__all__ = ["binomial_se"]


def binomial_se(p_hat: float, n: float) -> float:
    """Monte Carlo standard error of a simulated proportion, ``sqrt(p (1 − p) / n)``.

    Parameters
    ----------
    p_hat : float
        The simulated proportion.
    n : float
        The number of simulated surveys (or pairs of surveys).

    Returns
    -------
    float
        Its standard error.

    Examples
    --------
    >>> binomial_se(0.5, 100)
    0.05
    """
    return float(np.sqrt(p_hat * (1 - p_hat) / n))
