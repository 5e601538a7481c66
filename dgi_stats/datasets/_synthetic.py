"""Bundled SYNTHETIC surveys (being written)."""

from __future__ import annotations

import pandas as pd


def load_survey(year: int) -> pd.DataFrame:
    """SYNTHETIC respondent data of ``year``."""
    raise NotImplementedError


def load_margins(year: int) -> pd.DataFrame:
    """Population margins of ``year``."""
    raise NotImplementedError


def load_frame(year: int) -> pd.DataFrame:
    """Population frame of ``year``."""
    raise NotImplementedError


def load_true_scores(year: int) -> pd.DataFrame:
    """True population scores of ``year``."""
    raise NotImplementedError
