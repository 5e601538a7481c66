"""Helpers shared by the planning modules."""

from __future__ import annotations

import numpy as np

__all__ = ["binomial_se", "bound_ceiling"]


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


def bound_ceiling(
    e1: np.ndarray, e2: np.ndarray, v1: np.ndarray, v2: np.ndarray, j: int, floor: float,
    procedure: str,
) -> int:
    """An upper limit of the rank-change lower bound of unit ``j``, from the statistics alone.

    No critical value of the rank-change test falls below the one-sided normal quantile, so a
    statistic under ``floor`` (that quantile less a margin for Monte Carlo noise) is never
    rejected: the bound cannot exceed the value it would have if every statistic above
    ``floor`` were rejected. A simulation skips the test when this limit is below what it needs.

    Parameters
    ----------
    e1, e2 : numpy.ndarray
        The two years' estimates.
    v1, v2 : numpy.ndarray
        Their estimated variances (units independent).
    j : int
        Position of the unit.
    floor : float
        The smallest possible critical value.
    procedure : {"closed", "projection"}
        The rank-change procedure.

    Returns
    -------
    int

    Examples
    --------
    >>> e = np.array([0.0, 10.0, 20.0])
    >>> bound_ceiling(e, e[::-1], np.ones(3), np.ones(3), 0, 1.4, "projection")
    2
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        t1 = np.delete((e1 - e1[j]) / np.sqrt(v1 + v1[j]), j)
        t2 = np.delete((e2[j] - e2) / np.sqrt(v2 + v2[j]), j)
        t3 = np.delete(((e2[j] - e2) + (e1 - e1[j])) / np.sqrt(v1 + v1[j] + v2 + v2[j]), j)
    r1, r2 = t1 > floor, t2 > floor
    if procedure == "projection":
        return int(r1.sum() + r2.sum() - t1.size)
    none = ~r1 & ~r2 & ~(t3 > floor)
    return int((r1 & r2).sum() - none.sum())
