"""End-to-end national-scale benchmark: survey -> design -> ``score()`` -> rank sets -> rank change.

SYNTHETIC data: a frame of Vietnam's 3,321 post-2025 communes (``simulate_frame``, 8 villages
each) and two independent survey years drawn from it (``simulate_survey``: 4 villages per commune,
about 50 respondents per village, so about 200 per commune), answering the full 2021 index (52
indicators; 87 measures with sub-dimensions, dimensions, total and composite). The surveys are
simulated once and pickled; each configuration then runs in a fresh process that times

1. read: load both years' respondents (``pandas.read_pickle``);
2. design: ``SurveyDesign(data, weights="nr_weight", strata="district", psu="village_id")``
   (the communes are the strata and the units; villages are the PSUs);
2b. rake: to each commune's adults by sex, by age group and by ethnicity (three margins of the
   simulator's population counts; one-way margins, because with half the respondents some
   commune x sex x age cells of the report's crossed margin are empty); the cells stay inside
   communes, so the calibrated influence totals stay sparse (``dgi_stats.survey._calibrated``);
3. score: ``score(design, spec)`` for both years (every measure of every unit, with the
   structured covariance: sparse PSU factors; the dense covariance is never formed);
4. rank sets: ``rank_confidence_sets(year2, measure="total")`` (simultaneous, studentised with
   the design df travelling with the Scores);
5. rank change: ``rank_change_test(year1, year2, measure="total", unit=<first commune>)`` (the
   closed test of one named commune's change in rank against all 3,320 others, from the two
   years' units x units covariances of the total and their design df).

It prints wall seconds per step and the process's peak resident memory (VmHWM). Sizes: 332,
1,107 and 3,321 communes (the growth with units), 3,321 communes with half the respondents, and
3,321 communes scoring only the first 13 indicators (the growth with measures).

Usage (from the repository root)::

    PYTHONPATH=. OPENBLAS_NUM_THREADS=2 python benchmarks/bench_national_scores.py
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

FRAME_UNITS = 3321
MARGINS = ("district_sex", "district_age_group", "district_ethnicity")
VILLAGES = 4
N_DRAWS = 1000


def _peak_rss_mb() -> float:
    """Peak resident memory of this process (VmHWM; ru_maxrss on systems without /proc)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _simulate(units: int, respondents: int, out: Path) -> tuple[Path, Path]:
    """Two SYNTHETIC survey years of ``units`` communes, pickled."""
    import pandas as pd

    from dgi_stats.datasets import load_spec
    from dgi_stats.simulate import simulate_frame, simulate_survey

    spec = load_spec(2021)
    frame = simulate_frame(units, villages_per_unit=8, rng=4)
    paths = []
    for year, seed in ((1, 5), (2, 6)):
        sim = simulate_survey(spec, population=frame, villages_per_psu=VILLAGES,
                              respondents_per_village=respondents, rng=seed)
        p = out / f"national_SYNTHETIC_{units}_{respondents}_y{year}.pkl"
        pd.to_pickle((sim.respondents, [sim.margins[m] for m in MARGINS]), p)
        paths.append(p)
    return paths[0], paths[1]


class _FirstIndicators:
    """The 2021 spec restricted to its first ``k`` indicators (and the measures built on them)."""

    def __init__(self, spec: Any, k: int) -> None:
        self.spec, self.k, self.unit_column = spec, k, spec.unit_column

    def score_items(self, data: Any) -> Any:
        items = self.spec.score_items(data)
        sc = items.scores if hasattr(items, "scores") else items
        return sc.iloc[:, : self.k]

    def measure_map(self) -> Any:
        import numpy as np
        import pandas as pd

        w, off = self.spec.measure_map()
        keep_cols = w.columns[: self.k]
        rows = (w[keep_cols].abs().sum(axis=1) > 0) & (w.drop(columns=keep_cols).abs().sum(axis=1) == 0)
        rows = rows.to_numpy() & (w.index != "total")
        # a total of the kept indicators (equal weights), for the rank steps
        total = pd.DataFrame(np.ones((1, self.k)), index=["total"], columns=keep_cols)
        return (pd.concat([w.loc[rows, keep_cols], total]),
                pd.concat([off[rows], pd.Series([0.0], index=["total"])]))


def _worker(path1: str, path2: str, n_indicators: int) -> dict[str, Any]:
    import numpy as np
    import pandas as pd

    from dgi_stats.datasets import load_spec
    from dgi_stats.ranks import rank_change_test, rank_confidence_sets
    from dgi_stats.scores.index import score
    from dgi_stats.survey.design import SurveyDesign
    from dgi_stats.survey.weighting import rake

    spec: Any = load_spec(2021)
    if n_indicators:
        spec = _FirstIndicators(spec, n_indicators)
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    loaded = [pd.read_pickle(path1), pd.read_pickle(path2)]
    data = [d for d, _ in loaded]
    times["read"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    designs = [
        SurveyDesign(d, weights="nr_weight", strata="district", psu="village_id") for d in data
    ]
    times["design"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    designs = [rake(d, list(m)) for d, (_, m) in zip(designs, loaded, strict=True)]
    times["rake"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    scores = [score(d, spec) for d in designs]
    se = scores[1].std_error  # the variances of every measure, from the factors
    times["score"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    sets = rank_confidence_sets(scores[1], measure="total", n_draws=N_DRAWS, rng=7)
    times["rank_sets"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    unit = scores[1].units[0]
    change = rank_change_test(scores[0], scores[1], measure="total", unit=unit, n_draws=N_DRAWS,
                              rng=8)
    times["rank_change"] = time.perf_counter() - t0
    frame = sets.to_frame()
    width = (frame["upper"] - frame["lower"] + 1).to_numpy(dtype=float)
    return {
        "units": int(scores[1].estimate.shape[0]),
        "respondents": int(sum(len(d) for d in data)),
        "psus": int(designs[1].n_psu),
        "measures": int(scores[1].estimate.shape[1]),
        "estimates": int(scores[1].estimate.size),
        "factor_nnz": int(sum(getattr(t.factor, "nnz", np.asarray(t.factor).size)
                              for t in scores[1].covariance.terms)),
        "max_se_total": float(se["total"].max()),
        "mean_set_width": float(np.mean(width)),
        "change_pvalue": float(change.to_frame()["pvalue"].iloc[0]),
        "times": times,
        "total": float(sum(times.values())),
        "peak_rss_mb": _peak_rss_mb(),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--worker", nargs=3, metavar=("YEAR1", "YEAR2", "INDICATORS"))
    ap.add_argument("--units", type=int, nargs="*", default=[332, 1107, FRAME_UNITS])
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(_worker(args.worker[0], args.worker[1], int(args.worker[2]))))
        return
    tmp = Path(tempfile.mkdtemp())
    cases = [(u, 77, 0) for u in args.units]
    if FRAME_UNITS in args.units:
        cases += [(FRAME_UNITS, 38, 0), (FRAME_UNITS, 77, 13)]
    print("| communes | respondents (2 years) | PSUs | measures | estimates | factor nnz | "
          "read s | design s | rake s | score s (2 years) | rank sets s | rank change s | "
          "total s | peak RSS MB |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
          "| ---: |")
    simulated: dict[tuple[int, int], tuple[Path, Path]] = {}
    for units, rpv, k in cases:
        if (units, rpv) not in simulated:
            simulated[(units, rpv)] = _simulate(units, rpv, tmp)
        p1, p2 = simulated[(units, rpv)]
        cmd = [sys.executable, __file__, "--worker", str(p1), str(p2), str(k)]
        res = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if res.returncode != 0:
            err = res.stderr.strip().splitlines()[-1:] or [f"exit code {res.returncode}"]
            print(f"| {units:,} | failed: {err[0]} |")
            continue
        r = json.loads(res.stdout.strip().splitlines()[-1])
        t = r["times"]
        print(
            f"| {r['units']:,} | {r['respondents']:,} | {r['psus']:,} | {r['measures']} | "
            f"{r['estimates']:,} | {r['factor_nnz']:,} | {t['read']:.2f} | {t['design']:.2f} | "
            f"{t['rake']:.2f} | {t['score']:.2f} | {t['rank_sets']:.2f} | {t['rank_change']:.2f} | "
            f"{r['total']:.1f} | {r['peak_rss_mb']:,.0f} |"
        )
        print(f"  (max SE of total {r['max_se_total']:.2f}, mean rank-set width "
              f"{r['mean_set_width']:.0f}, rank-change p-value of the first commune "
              f"{r['change_pvalue']:.3f})",
              file=sys.stderr)


if __name__ == "__main__":
    main()
