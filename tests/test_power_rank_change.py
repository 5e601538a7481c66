"""The power study of the rank-change test (``tests/_power_rank_change.py``) on a tiny SYNTHETIC grid.

Checks that the study's probabilities are probabilities with their Monte Carlo SEs, that one seed
gives one table, that more respondents do not lose power for a large rise, and that without a true
rise the test claims one at most about 5 % of the time. The committed table
(``docs/methodology/rank_change_power.md``) comes from the same function on the full grid.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _power_rank_change as P

SEED = 20261204


def _size_ok(row: pd.Series, alpha: float = 0.05) -> bool:
    """P(lower >= 1) under no true rise is at most α + 3 Monte Carlo SEs (SE at α if larger)."""
    se = max(float(row["p_lower_ge_1_se"]), float(np.sqrt(alpha * (1 - alpha) / row["pairs"])))
    return float(row["p_lower_ge_1"]) <= alpha + 3 * se


@pytest.fixture(scope="module")
def tiny() -> pd.DataFrame:
    """20 communes per unit, 300 and 3,000 respondents, no rise and an 8-place rise, 12 pairs."""
    return P.power_grid(("dgi",), communes=(20,), respondents=(300, 3000), rises=(0, 8), reps=12,
                        seed=SEED, n_draws=500)


def test_probabilities_with_monte_carlo_se(tiny: pd.DataFrame) -> None:
    assert len(tiny) == 4
    for col in ("p_lower_ge_1", "p_lower_ge_r"):
        p, se = tiny[col], tiny[col + "_se"]
        assert ((p >= 0) & (p <= 1)).all()
        assert np.allclose(se, np.sqrt(p * (1 - p) / tiny["pairs"]))
    # lower >= r (r >= 1) is the stronger claim
    assert (tiny["p_lower_ge_r"] <= tiny["p_lower_ge_1"]).all()
    assert (tiny["tests_run"] <= tiny["pairs"]).all()
    # every simulated survey carries its own design df (20 communes: at least 19)
    assert (tiny["df_mean"] >= 19).all()
    assert tiny.loc[tiny["rise"] == 0, "true_change"].eq(0).all()
    assert (tiny.loc[tiny["rise"] == 8, "true_change"] > 0).all()


def test_more_respondents_do_not_lose_power(tiny: pd.DataFrame) -> None:
    r8 = tiny[tiny["rise"] == 8].set_index("respondents")
    small, big = r8.loc[300], r8.loc[3000]
    se = np.hypot(small["p_lower_ge_1_se"], big["p_lower_ge_1_se"])
    assert big["p_lower_ge_1"] >= small["p_lower_ge_1"] - 3 * max(se, 0.05)
    assert big["se_mean"] < small["se_mean"]


def test_size_without_a_true_rise(tiny: pd.DataFrame) -> None:
    for _, row in tiny[tiny["rise"] == 0].iterrows():
        assert _size_ok(row)


def test_same_seed_same_table() -> None:
    kw = {"communes": (6,), "respondents": (300,), "rises": (0, 3), "reps": 4, "n_draws": 200}
    a = P.power_grid(("dgi",), seed=SEED, **kw)  # type: ignore[arg-type]
    b = P.power_grid(("dgi",), seed=SEED, **kw)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(a, b)
    c = P.power_grid(("dgi",), seed=SEED + 1, **kw)  # type: ignore[arg-type]
    assert not np.allclose(a["se_mean"], c["se_mean"])


def test_markdown_table(tiny: pd.DataFrame) -> None:
    text = P.markdown(tiny)
    assert "r = 0 (size)" in text
    assert "± " in text


@pytest.mark.slow
def test_size_without_a_true_rise_long() -> None:
    """200 pairs of the bundled-size design and of the 20-commune designs: the size holds."""
    out = P.power_grid(("dgi",), communes=(6, 20), respondents=(300, 1000), rises=(0,), reps=200,
                       seed=SEED)
    for _, row in out.iterrows():
        assert _size_ok(row)
