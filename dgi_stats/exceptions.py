"""Exceptions and warnings raised by dgi_stats.

Every error caused by bad input is a :class:`DGIError`, a subclass of :class:`ValueError`, whose
message names the parameter (or the offending rows) and says what to do.
"""

from __future__ import annotations

__all__ = [
    "ConvergenceWarning",
    "DGIDeprecationWarning",
    "DGIError",
    "DGIWarning",
    "DegenerateReplicateWarning",
    "MissingDataWarning",
    "SingletonPSUError",
    "SpecError",
    "UnknownUnitError",
]


class DGIError(ValueError):
    """Bad input to a dgi_stats function: the message names the parameter and what to do."""


class SpecError(DGIError):
    """An index specification (TOML file or :class:`~dgi_stats.IndexSpec`) is invalid."""


class UnknownUnitError(DGIError, KeyError):
    """A unit name that matches no unit of the catalogue; the message lists the closest names."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class SingletonPSUError(DGIError):
    """A stratum has a single PSU and the design's ``lonely_psu`` policy is ``"fail"``."""


class DGIWarning(UserWarning):
    """Base class of every warning dgi_stats emits (filter them all with this one class)."""


class DGIDeprecationWarning(DGIWarning, FutureWarning):
    """A name kept for one release under its old spelling; the message gives the new one."""


class ConvergenceWarning(DGIWarning):
    """An iterative procedure (raking, calibration) stopped before reaching its tolerance."""


class DegenerateReplicateWarning(DGIWarning):
    """Replicate or bootstrap estimates are degenerate (for example all equal)."""


class MissingDataWarning(DGIWarning):
    """Missing answers were found; they are counted and treated as out of domain, never dropped."""
