"""The one place where dgi_stats turns an ``rng`` argument into a :class:`numpy.random.Generator`."""

from __future__ import annotations

from typing import Any

import numpy as np

from dgi_stats.exceptions import DGIError

RNGLike = int | np.random.Generator | np.random.SeedSequence | None

__all__ = ["RNGLike", "as_generator", "generator_state"]


def as_generator(rng: RNGLike, *, name: str = "rng") -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` from ``rng``.

    A Generator is used as it is (so the caller's stream advances); an int or SeedSequence seeds a new
    PCG64 generator; ``None`` draws fresh entropy.
    """
    if isinstance(rng, bool):
        msg = f"The {name!r} parameter must be an int, numpy Generator, SeedSequence or None. Got a bool."
        raise DGIError(msg)
    if rng is None or isinstance(rng, int | np.integer | np.random.SeedSequence):
        return np.random.default_rng(rng)
    if isinstance(rng, np.random.Generator):
        return rng
    msg = (
        f"The {name!r} parameter must be an int, numpy Generator, SeedSequence or None. "
        f"Got {type(rng).__name__} instead."
    )
    raise DGIError(msg)


def generator_state(rng: np.random.Generator) -> dict[str, Any]:
    """Return a copy of the generator's bit-generator state, to store in a result (``rng_state``)."""
    return dict(rng.bit_generator.state)
