"""Real published DGI and PAPI figures (being written)."""

from __future__ import annotations

import pandas as pd


def load_published() -> pd.DataFrame:
    """Return the published figures."""
    raise NotImplementedError
