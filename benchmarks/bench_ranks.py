"""Benchmark: simultaneous rank confidence sets (MRSW, stepwise, two-sided) at 13, 63 and 3,321 units.

SYNTHETIC inputs: independent estimates, true scores ~ N(70, 3^2), standard errors ~ U(0.5, 2.5),
estimates = truth + noise; the covariance declared known (df = inf, normal critical values) or
estimated with design df 5 per unit (studentised critical values: each draw also perturbs every
unit's variance). Measures wall time and peak resident memory of one call of
``rank_confidence_sets(..., simultaneous=True)`` per configuration, each in a fresh process.

Usage (from the repository root):

    PYTHONPATH=. python benchmarks/bench_ranks.py            # all configurations
    PYTHONPATH=. python benchmarks/bench_ranks.py 3321 1000 diag 5   # one configuration
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

CONFIGS = [
    (13, 100_000, "diag", "inf"), (63, 100_000, "diag", "inf"), (3321, 1000, "diag", "inf"),
    (63, 100_000, "cov", "inf"), (500, 1000, "cov", "inf"),
    (13, 100_000, "diag", "5"), (63, 100_000, "diag", "5"), (3321, 1000, "diag", "5"),
    (500, 1000, "cov", "5"),
]


def run_one(p: int, n_draws: int, dense: bool = False, df: float = float("inf")) -> dict[str, float]:
    import numpy as np
    import pandas as pd

    from dgi_stats.ranks import rank_confidence_sets

    rng = np.random.default_rng(20240101)
    se = rng.uniform(0.5, 2.5, p)
    theta = rng.normal(70.0, 3.0, p) + rng.normal(0.0, se)
    est = pd.Series(theta, index=[f"unit{i:04d}" for i in range(p)])
    if dense:
        # a non-diagonal covariance (a common shared error component), Monte Carlo without pruning
        cov = np.diag(se**2) + 0.1 * np.outer(se, se)
    else:
        cov = np.diag(se**2)
    t0 = time.perf_counter()
    cs = rank_confidence_sets(est, cov, df=df, simultaneous=True, n_draws=n_draws, rng=1)
    elapsed = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return {
        "units": p,
        "n_draws": n_draws,
        "covariance": "dense" if dense else "diagonal",
        "df": df,
        "seconds": round(elapsed, 2),
        "peak_rss_mb": round(peak_mb),
        "steps": int(cs.critical_values.notna().sum(axis=1).iloc[0]),
        "critical_value_step1": round(float(cs.critical_values.iloc[0, 0]), 4),
        "mean_set_width": round(float((cs.upper - cs.lower + 1).mean()), 1),
    }


def main() -> None:
    if len(sys.argv) >= 3:
        dense = len(sys.argv) > 3 and sys.argv[3] == "cov"
        df = float(sys.argv[4]) if len(sys.argv) > 4 else float("inf")
        print(json.dumps(run_one(int(sys.argv[1]), int(sys.argv[2]), dense, df)))
        return
    print(f"cores available: {os.cpu_count()}")
    print("| units | draws | covariance | df | seconds | peak RSS (MB) | steps | c (step 1) | mean set width |")
    print("| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for cfg in CONFIGS:
        args = [sys.executable, __file__, *map(str, cfg)]
        out = subprocess.run(args, capture_output=True, text=True, check=True, env=os.environ)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"| {r['units']} | {r['n_draws']} | {r['covariance']} | {r['df']:g} | {r['seconds']} | "
            f"{r['peak_rss_mb']} | {r['steps']} | {r['critical_value_step1']} | "
            f"{r['mean_set_width']} |"
        )


if __name__ == "__main__":
    main()
