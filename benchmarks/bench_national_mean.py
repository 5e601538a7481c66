"""National-scale benchmark of ``mean(design, items, by="unit")`` on a SYNTHETIC survey.

The design has every commune of Vietnam as a unit (3,321 units, the strata), 4 villages per unit
(the PSUs, all drawn) and about 50 respondents per village (about 664,000 rows), simulated with
:func:`dgi_stats.simulate.simulate_frame` and :func:`dgi_stats.simulate.simulate_survey`. For
comparison the same runs on a 13-unit design of the same shape. The survey is simulated once
(with 20 items) and pickled; each configuration runs in a fresh process that loads it: the wall
time of ``mean`` (best of ``--repeats``), the ``tracemalloc`` peak of one more call (numpy's
allocations are traced) and the process's peak RSS after the timed calls (in brackets: after
loading the data and building the design).

With ``--r`` the 2-item national case is also timed in R's ``survey`` package
(``svyby(~y1 + y2, ~unit, design, svymean)``), through ``Rscript``, with a time limit.

Usage (from the repository root)::

    PYTHONPATH=. python benchmarks/bench_national_mean.py --repeats 3 --r
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

N_UNITS = 3321
VILLAGES = 4
RESPONDENTS = 77  # issued per village; unit nonresponse leaves about 50
R_LIMIT = 300  # seconds allowed to R per run


def _simulate(units: int, n_items: int, path: Path) -> None:
    """Simulate the SYNTHETIC survey and keep the design columns and ``n_items`` items."""
    import pandas as pd

    from dgi_stats.datasets import load_spec
    from dgi_stats.simulate import simulate_frame, simulate_survey

    spec = load_spec(2021)
    pop = simulate_frame(units, villages_per_unit=VILLAGES, rng=1)
    sim = simulate_survey(spec, population=pop, respondents_per_village=RESPONDENTS, rng=2)
    data = sim.respondents
    items = [
        c for c in data.columns
        if c.startswith("q") and pd.api.types.is_numeric_dtype(data[c]) and data[c].notna().all()
    ][:n_items]
    if len(items) < n_items:
        msg = f"only {len(items)} complete numeric items"
        raise RuntimeError(msg)
    names = [f"y{i + 1}" for i in range(len(items))]
    data = data.rename(columns={"district": "unit", **dict(zip(items, names))})
    data = data[["unit", "village_id", "nr_weight", *names]].astype(dict.fromkeys(names, float))
    data.to_pickle(path)


def _peak_rss_mb() -> float:
    """The process's peak resident memory (VmHWM; ru_maxrss would include the parent's on Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _worker(path: str, n_items: int, repeats: int) -> dict[str, object]:
    import pandas as pd

    from dgi_stats.survey.design import SurveyDesign
    from dgi_stats.survey.means import mean

    data = pd.read_pickle(path)
    names = [f"y{i + 1}" for i in range(n_items)]
    design = SurveyDesign(data, weights="nr_weight", strata="unit", psu="village_id")
    rss0 = _peak_rss_mb()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        e = mean(design, names, by="unit")
        se = e.std_error
        times.append(time.perf_counter() - t0)
    rss = _peak_rss_mb()
    del e
    tracemalloc.start()
    e = mean(design, names, by="unit")
    ci = e.confidence_interval()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "units": int(data["unit"].nunique()),
        "rows": len(data),
        "items": n_items,
        "estimates": len(se),
        "seconds": min(times),
        "peak_mb": peak / 2**20,
        "rss_before_mb": rss0,
        "rss_mb": rss,
        "ci_rows": len(ci),
    }


def _run_r(csv: str, units: int | None = None) -> str:
    """Time ``svyby(~y1 + y2, ~unit, design, svymean)`` in R (on the first ``units`` units)."""
    subset = "" if units is None else f"d <- d[d$unit %in% head(sort(unique(d$unit)), {units}), ]"
    script = f"""
suppressMessages(library(survey))
d <- read.csv("{csv}")
{subset}
des <- svydesign(ids = ~village_id, strata = ~unit, weights = ~nr_weight, data = d)
t <- system.time(r <- svyby(~y1 + y2, ~unit, des, svymean))
cat(sprintf("%.1f %.1f %d\\n", t[["elapsed"]], t[["user.self"]], nrow(r)))
"""
    with tempfile.NamedTemporaryFile("w", suffix=".R", delete=False) as fh:
        fh.write(script)
    try:
        res = subprocess.run(
            ["Rscript", fh.name], capture_output=True, text=True, timeout=R_LIMIT, check=True
        )
    except subprocess.TimeoutExpired:
        return f"not finished within {R_LIMIT} s"
    wall, cpu, n = res.stdout.split()
    return f"{wall} s wall ({cpu} s CPU), {n} units"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--r", action="store_true", help="also time R survey's svyby (2 items)")
    ap.add_argument("--worker", nargs=2, metavar=("DATA", "ITEMS"))
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(_worker(args.worker[0], int(args.worker[1]), args.repeats)))
        return
    tmp = Path(tempfile.mkdtemp())
    print("| units | rows | items | estimates | mean() s | tracemalloc peak MB | "
          "peak RSS MB (design loaded) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for units in (13, N_UNITS):
        path = tmp / f"survey_{units}.pkl"
        _simulate(units, 20, path)
        for items in (2, 20):
            cmd = [sys.executable, __file__, "--worker", str(path), str(items),
                   "--repeats", str(args.repeats)]
            res = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if res.returncode != 0:
                err = res.stderr.strip().splitlines()[-1:] or [f"exit code {res.returncode}"]
                print(f"| {units:,} | | {items} | | failed: {err[0]} | | |")
                continue
            r = json.loads(res.stdout.strip().splitlines()[-1])
            print(
                f"| {r['units']:,} | {r['rows']:,} | {r['items']} | {r['estimates']:,} | "
                f"{r['seconds']:.2f} | {r['peak_mb']:,.0f} | "
                f"{r['rss_mb']:,.0f} ({r['rss_before_mb']:,.0f}) |"
            )
    if args.r:
        import pandas as pd

        csv = tmp / "national.csv"
        pd.read_pickle(tmp / f"survey_{N_UNITS}.pkl")[["unit", "village_id", "nr_weight", "y1", "y2"]].to_csv(
            csv, index=False
        )
        print("\nR survey `svyby(~y1 + y2, ~unit, design, svymean)`:")
        for units in (100, 1000, None):
            print(f"- {units or N_UNITS:,} units: {_run_r(str(csv), units)}")


if __name__ == "__main__":
    main()
