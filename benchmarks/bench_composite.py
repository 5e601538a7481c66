"""Timing of the composite robustness analysis: Monte Carlo UA and Sobol SA on 13 units x 8 dimensions.

Run from the repository root:

    PYTHONPATH=. python benchmarks/bench_composite.py [--repeats 3]

The data are SYNTHETIC (13 units x 8 dimensions on 0-10 with standard errors 0.05-0.25), the size
of the DGI. Prints a Markdown table (median wall time over the repeats).
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from dgi_stats import composite as C
from dgi_stats.scores.pivot import Scores

DIMS = [f"d{i}" for i in range(1, 9)]


def synthetic_scores() -> Scores:
    gen = np.random.default_rng(2021)
    units = [f"unit_{i:02d}" for i in range(1, 14)]
    est = pd.DataFrame(np.clip(gen.normal(9.0, 0.35, size=(13, 8)), 6, 9.95), index=units, columns=DIMS)
    se = pd.DataFrame(gen.uniform(0.05, 0.25, size=est.shape), index=units, columns=DIMS)
    return Scores.from_estimates(est, se, label="SYNTHETIC")


def timed(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    s = synthetic_scores()
    table = s.estimate
    w = C.weight_noise_factor(dict.fromkeys(DIMS, 1 / 8), method="dirichlet", concentration=40, n_draws=1000, rng=1)
    noisy = C.weight_noise_factor(dict.fromkeys(DIMS, 1 / 8), f=0.25, n_draws=1000, rng=2)
    agg = C.Factor("aggregation", ["arithmetic", "geometric", "harmonic"])
    norm = C.Factor("normalisation", ["none", {"method": "minmax", "output_range": (1, 10)},
                                      {"method": "zscore", "mean": 10, "sd": 2}])
    excl = C.exclusion_factor(DIMS)
    cases: list[tuple[str, Callable[[], object]]] = [
        ("UA, 10,000 runs: weights (Dirichlet) + aggregation, table",
         lambda: C.uncertainty_analysis(table, factors=[w, agg], n_draws=10_000, rng=3)),
        ("UA, 10,000 runs: sampling error + weights + aggregation, Scores",
         lambda: C.uncertainty_analysis(s, factors=[w, agg], n_draws=10_000, rng=3)),
        ("UA, 10,000 runs: sampling + normalisation + weights (COINr noise) + aggregation + exclusion",
         lambda: C.uncertainty_analysis(s, factors=[norm, noisy, agg, excl], n_draws=10_000, rng=3)),
        ("Sobol, N = 1024, d = 5 (7,168 runs) + 1,000 bootstrap resamples",
         lambda: C.sensitivity_analysis(s, factors=[norm, noisy, agg, excl], n_base=1024,
                                        n_draws=1000, n_resamples=1000, rng=4)),
    ]
    print(f"python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
          f"{os.cpu_count()} CPUs, median of {args.repeats}")
    print()
    print("| case | seconds |")
    print("| --- | --- |")
    for name, fn in cases:
        print(f"| {name} | {timed(fn, args.repeats):.2f} |")


if __name__ == "__main__":
    main()
