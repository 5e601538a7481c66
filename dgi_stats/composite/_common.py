"""Private helpers shared by the composite modules."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["weighted_mean"]


def weighted_mean(w: np.ndarray, x: np.ndarray, wsum: np.ndarray, method: str, p: Any = None) -> Any:
    """Weighted compensatory mean over the last axis (OECD/JRC Handbook §6.2).

    ``method`` is "arithmetic" ``Σ w x / Σ w``, "geometric" ``exp(Σ w ln x / Σ w)``, "harmonic"
    ``Σ w / Σ (w / x)`` or "generalised" ``(Σ w x^p / Σ w)^(1/p)`` (the geometric mean where
    ``p`` is 0; ``p`` a number or an array broadcasting against the result). ``w`` is already 0
    where a component is missing, ``x`` already 1 there (so it never enters a log or a ratio), and
    ``wsum = Σ w``; divisions by zero are left to the caller.
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
