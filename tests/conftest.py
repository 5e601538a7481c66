"""Shared fixtures: a seeded generator per test and the read-only ``../shared`` material."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO / "tests" / "reference"


def _shared_dir() -> Path:
    env = os.environ.get("DGI_STATS_SHARED")
    return Path(env) if env else REPO.parent / "shared"


@pytest.fixture
def rng() -> np.random.Generator:
    """A fresh, seeded generator for each test."""
    return np.random.default_rng(20240101)


def skip_unless_ci(reason: str) -> None:
    """Skip a test whose material is absent, except in CI (``CI`` set), where it fails.

    CI runs with ``../shared`` beside the clone, so absent material there is a broken setup, not
    a reason to pass quietly.
    """
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this is an error, not a skip)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The read-only ``../shared`` folder; tests that need it skip when it is absent (fail in CI)."""
    path = _shared_dir()
    if not path.is_dir():
        skip_unless_ci("../shared is absent (read-only reference material)")
    return path


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """The committed reference fixtures (tests/reference)."""
    return REFERENCE



def _encode_cp1258(text: str) -> bytes:
    """Encode Vietnamese text as Windows-1258 does: base letters precomposed, tone marks combining."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


@pytest.fixture(scope="session")
def cp1258() -> Callable[[str], bytes]:
    """A function encoding text as a Windows-1258 (Vietnamese legacy) file would store it."""
    return _encode_cp1258
