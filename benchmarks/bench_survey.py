"""Survey-engine benchmark: per-unit means and SEs of all index measures (Taylor and bootstrap).

Cases: (a) the bundled 2021 survey (SYNTHETIC, ``dgi_stats.datasets.load_survey(2021)``) and (b) the
same survey replicated to 100,000 respondents (copies of the sample with new commune ids, so the
design has 24x as many PSUs). For each case: Taylor linearisation, and Rao-Wu bootstrap with 1,000
replicates (replicate creation included). The input is the respondent x indicator score matrix
(``spec.score_items`` is timed separately) plus the design columns; the output is a ``Scores`` with
every measure (indicators, sub-dimensions, dimensions, total, composite) for every unit and the full
covariance. Each configuration runs in a fresh process to measure its peak memory.

Usage (from the repository root)::

    PYTHONPATH=. python benchmarks/bench_survey.py --repeats 3 --export bench_out

``--export DIR`` also writes the input tables for ``bench_survey.R`` and the svy benchmark::

    Rscript benchmarks/bench_survey.R DIR/big.csv DIR/measure_map.csv bootstrap 1000
    /path/to/svy-venv/bin/python benchmarks/bench_survey.py --svy DIR/big.csv bootstrap
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the svy mode runs in a venv without pandas
    import pandas as pd

N_BIG = 100_000
B = 1000


def _inputs(case: str) -> tuple[pd.DataFrame, object]:
    import numpy as np
    import pandas as pd

    from dgi_stats.datasets import load_spec, load_survey

    data = load_survey(2021)
    spec = load_spec(2021)
    if case == "big":
        k = int(np.ceil(N_BIG / len(data)))
        parts = []
        for i in range(k):
            p = data.copy()
            p["commune_id"] = p["commune_id"].astype(str) + f"#{i}"
            p["respondent_id"] = p["respondent_id"].astype(str) + f"#{i}"
            parts.append(p)
        data = pd.concat(parts, ignore_index=True).iloc[:N_BIG].reset_index(drop=True)
    return data, spec


class _Precomputed:
    """The spec with precomputed indicator scores (so only estimation is timed)."""

    def __init__(self, spec: object, scores: pd.DataFrame) -> None:
        self.spec = spec
        self.scores = scores
        self.weights, self.offset = spec.measure_map()  # type: ignore[attr-defined]

    def score_items(self, data: pd.DataFrame) -> pd.DataFrame:
        return self.scores

    def measure_map(self) -> tuple[pd.DataFrame, pd.Series]:
        return self.weights, self.offset


def run_one(case: str, method: str, repeats: int) -> dict[str, object]:
    import numpy as np

    from dgi_stats.scores.index import score
    from dgi_stats.survey.design import SurveyDesign

    data, spec = _inputs(case)
    t0 = time.perf_counter()
    items = spec.score_items(data)  # type: ignore[attr-defined]
    t_items = time.perf_counter() - t0
    pre = _Precomputed(spec, items.scores)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    times = []
    cpu = []
    parts = []
    peak = 0.0
    for r in range(repeats):
        if r == 0:
            tracemalloc.start()
        c0 = time.process_time()
        t0 = time.perf_counter()
        d = SurveyDesign(
            data, weights="design_weight", strata="district", psu="commune_id", nest=True
        )
        t1 = time.perf_counter()
        if method == "bootstrap":
            d = d.replicate("bootstrap", n_replicates=B, rng=20240101)
        t2 = time.perf_counter()
        s = score(d, pre)
        t3 = time.perf_counter()
        times.append(t3 - t0)
        cpu.append(time.process_time() - c0)
        parts.append((t1 - t0, t2 - t1, t3 - t2))
        if r == 0:
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "case": case,
        "method": method,
        "n": len(data),
        "n_psu": int(d.n_psu),
        "n_measures": int(s.estimate.shape[1]),
        "seconds_min": min(times),
        "seconds_median": float(np.median(times)),
        "cpu_seconds_min": min(cpu),
        "design_s": float(np.median([p[0] for p in parts])),
        "replicates_s": float(np.median([p[1] for p in parts])),
        "score_s": float(np.median([p[2] for p in parts])),
        "score_items_seconds": t_items,
        "peak_alloc_mb": peak,
        "rss_before_mb": rss0,
        "max_rss_mb": rss1,
        "total_se_first_unit": float(s.std_error["total"].iloc[0]),
    }


def run_svy(csv: str, method: str) -> dict[str, object]:
    """The same per-unit indicator means and SEs with the Python package svy (own venv)."""
    import polars as pl
    import svy

    df = pl.read_csv(csv)
    inds = [c for c in df.columns if c not in ("district", "commune_id", "design_weight")]
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    c0 = time.process_time()
    t0 = time.perf_counter()
    smp = svy.Sample(df, svy.Design(stratum="district", psu="commune_id", wgt="design_weight"))
    t_rep = 0.0
    if method.startswith("bootstrap"):
        smp = smp.weighting.create_bs_wgts(B, rstate=20240101)
        t_rep = time.perf_counter() - t0
    kind = "replication" if method.startswith("bootstrap") else "taylor"
    if method.endswith("joint"):
        # one call for all indicators: svy then drops every row with a missing answer anywhere
        # (complete cases), which is NOT the available-case estimate; timed for reference only
        smp.estimation.mean(inds, by="district", drop_nulls=True, method=kind)
    else:
        for ind in inds:
            smp.estimation.mean(ind, by="district", drop_nulls=True, method=kind)
    elapsed = time.perf_counter() - t0
    return {
        "tool": f"svy {svy.__version__}" if hasattr(svy, "__version__") else "svy",
        "method": method,
        "n": df.height,
        "indicators": len(inds),
        "seconds": elapsed,
        "cpu_seconds": time.process_time() - c0,
        "replicate_creation_seconds": t_rep,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_after_read_mb": rss0,
    }


def export(directory: Path) -> None:
    import pandas as pd

    directory.mkdir(parents=True, exist_ok=True)
    for case in ("bundled", "big"):
        data, spec = _inputs(case)
        items = spec.score_items(data).scores  # type: ignore[attr-defined]
        cols = ["district", "commune_id", "design_weight"]
        out = pd.concat([data[cols], items], axis=1)
        out.to_csv(directory / f"{case}.csv", index=False)
    w, b = spec.measure_map()  # type: ignore[attr-defined]
    w.to_csv(directory / "measure_map.csv")
    b.to_csv(directory / "measure_offset.csv")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--export", type=Path, default=None)
    ap.add_argument("--one", nargs=2, default=None, help=argparse.SUPPRESS)
    ap.add_argument(
        "--svy",
        nargs=2,
        default=None,
        metavar=("CSV", "METHOD"),
        help="run the svy comparison (in a venv that has svy) on an exported CSV",
    )
    args = ap.parse_args()
    if args.svy:
        print(json.dumps(run_svy(args.svy[0], args.svy[1])))
        return
    if args.one:
        print(json.dumps(run_one(args.one[0], args.one[1], args.repeats)))
        return
    if args.export:
        export(args.export)
    rows = []
    for case in ("bundled", "big"):
        for method in ("taylor", "bootstrap"):
            out = subprocess.run(
                [sys.executable, __file__, "--one", case, method, "--repeats", str(args.repeats)],
                capture_output=True,
                text=True,
                check=True,
            )
            rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
            print(rows[-1], flush=True)
    import pandas as pd

    table = pd.DataFrame(rows)
    print(
        table.to_markdown(index=False, floatfmt=".3f") if hasattr(table, "to_markdown") else table
    )


if __name__ == "__main__":
    main()
