"""Bundled index specifications (being written)."""

from __future__ import annotations

from typing import Any


def available_years() -> tuple[int, ...]:
    """Years with a bundled specification."""
    raise NotImplementedError


def load_spec(year: int) -> Any:
    """Return the bundled IndexSpec of ``year``."""
    raise NotImplementedError
