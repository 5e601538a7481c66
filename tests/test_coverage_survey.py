"""Coverage of nominal 95 % intervals for unit means, Taylor and bootstrap (SYNTHETIC population).

Population: 4 units (strata) x 400 communes (clusters) x 60 adults; a commune effect and an adult
effect. Each replication draws 8 communes per unit by simple random sampling and 10 adults per
commune, then estimates the 4 unit means with t(df) intervals (df = 7 per unit, R's svyby
convention). Sampling fractions are small (2 %), so the with-replacement variance is nearly unbiased.
The long version (>= 2,000 replications) is marked slow and must land in [93.5 %, 96.5 %]; the short
version in the default run uses a binomial tolerance of 4 standard errors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dgi_stats.survey import estimators as est
from dgi_stats.survey.design import SurveyDesign

N_UNITS, N_COMMUNES, N_ADULTS = 4, 400, 60
N_SAMPLED_COMMUNES, N_SAMPLED_ADULTS = 8, 10


def _population(rng):
    unit_mean = np.array([0.45, 0.5, 0.55, 0.6])
    commune = unit_mean[:, None] + rng.normal(0, 0.06, (N_UNITS, N_COMMUNES))
    adults = commune[:, :, None] + rng.normal(0, 0.15, (N_UNITS, N_COMMUNES, N_ADULTS))
    return adults, adults.mean(axis=(1, 2))


def _sample(pop, rng):
    rows = []
    for u in range(N_UNITS):
        communes = rng.choice(N_COMMUNES, N_SAMPLED_COMMUNES, replace=False)
        for c in communes:
            people = rng.choice(N_ADULTS, N_SAMPLED_ADULTS, replace=False)
            rows.append(
                np.column_stack(
                    [
                        np.full(N_SAMPLED_ADULTS, u),
                        np.full(N_SAMPLED_ADULTS, u * 1000 + c),
                        pop[u, c, people],
                    ]
                )
            )
    arr = np.vstack(rows)
    w = (N_COMMUNES / N_SAMPLED_COMMUNES) * (N_ADULTS / N_SAMPLED_ADULTS)
    return pd.DataFrame(
        {"unit": arr[:, 0].astype(int), "commune": arr[:, 1].astype(int), "y": arr[:, 2], "w": w}
    )


def _coverage(method, n_rep, seed):
    rng = np.random.default_rng(seed)
    pop, truth = _population(rng)
    hits = 0
    total = 0
    for _ in range(n_rep):
        d = SurveyDesign(_sample(pop, rng), weights="w", strata="unit", psu="commune")
        if method == "bootstrap":
            d = d.replicate("bootstrap", n_replicates=100, rng=rng)
        e = est.mean(d, "y", by="unit")
        ci = e.confidence_interval(0.95)
        assert (e.df == N_SAMPLED_COMMUNES - 1).all()
        t = truth[[lab[0] for lab in ci.index]]
        hits += int(((ci["ci_low"].to_numpy() <= t) & (t <= ci["ci_high"].to_numpy())).sum())
        total += len(t)
    return hits / total, total


@pytest.mark.parametrize("method", ["taylor", "bootstrap"])
def test_coverage_short(method):
    cover, n = _coverage(method, 150, 20240101)
    tol = 4 * np.sqrt(0.95 * 0.05 / n)
    assert abs(cover - 0.95) < tol, f"{method}: coverage {cover:.4f} over {n} intervals"


@pytest.mark.slow
@pytest.mark.parametrize("method", ["taylor", "bootstrap"])
def test_coverage_long(method):
    cover, n = _coverage(method, 2000, 20240102)
    assert 0.935 <= cover <= 0.965, f"{method}: coverage {cover:.4f} over {n} intervals"
