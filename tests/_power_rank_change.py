"""Power study of the current rank-change test (:func:`dgi_stats.ranks.rank_change_test`), SYNTHETIC.

For a unit named in advance whose TRUE rank rises by ``r`` places between two years, how often does
the test establish the rise (``places_gained_lower >= 1``) and its full size
(``places_gained_lower >= r``)? Pairs of SYNTHETIC surveys are drawn with
:func:`dgi_stats.simulate.simulate_estimates` (every unit sampled afresh in both years, each survey
with its own linearisation SEs and design df, as :func:`dgi_stats.planning.required_sample_size`
does) over a grid of designs: communes per unit x respondents per unit. ``r = 0`` (no true change)
measures the size of the test.

Scenarios (13 units each; the named unit is the last of year 1 and passes ``r`` units, landing
midway between the ``r``-th and ``(r + 1)``-th units above it; the others keep their scores):

* ``dgi``: the bundled SYNTHETIC true totals of 2021 (:func:`dgi_stats.datasets.load_true_scores`);
* ``papi``: the spacing of the top 13 provinces of the official PAPI 2016 totals (6 dimensions,
  rescaled x 8/6 to the DGI's 8-dimension total), centred on the DGI 2021 mean. The bundled
  published PAPI figures (:func:`dgi_stats.datasets.load_published`) hold one province only, so the
  spacing is read from the official PAPI 2011-2016 workbook in ``../shared`` (skipped when absent).

One SYNTHETIC population (13 units of 60 communes x 4 villages) serves every design, year and
rise; the year-1 surveys of a design are shared by its rises (each paired with independent year-2
surveys in which only the named unit's truth differs). Every probability
comes with its binomial Monte Carlo SE. Each grid point draws from its own child of one
``SeedSequence``: the same ``--seed`` gives the same table whatever ``--jobs``.

Run ``python tests/_power_rank_change.py --help``; the command behind the committed table is in
``docs/methodology/rank_change_power.md``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from dgi_stats.datasets import load_spec, load_true_scores
from dgi_stats.datasets._papi import load_papi, papi_wide
from dgi_stats.planning._common import binomial_se
from dgi_stats.ranks import rank_change_test
from dgi_stats.simulate import SimulatedEstimates, simulate_estimates, simulate_frame

REPO = Path(__file__).resolve().parents[1]
YEAR = 2021
RISES = (0, 1, 2, 3, 5, 8)
COMMUNES = (6, 12, 20)
RESPONDENTS = (300, 1000, 3000)
VILLAGES_PER_COMMUNE = 3  # the bundled design's
RESPONSE_RATE = 0.65  # about 65 % of the issued sample responds (LatentModel)
FRAME_COMMUNES = 60  # communes per unit in the SYNTHETIC frame
FRAME_VILLAGES = 4  # villages per commune in the frame
FRAME_ADULTS = 4_000_000  # adults per unit: villages big enough for 3,000 respondents in 6 communes
PAD = "PAD (not ranked)"
MEASURE = "total"
SCENARIOS = ("dgi", "papi")


def papi_path() -> Path:
    """The official PAPI 2011-2016 workbook in the read-only ``../shared`` folder."""
    env = os.environ.get("DGI_STATS_SHARED")
    shared = Path(env) if env else REPO.parent / "shared"
    return shared / "data" / "papi" / "PAPI_2011-2016.xlsx"


def year1_dimensions(scenario: str) -> pd.DataFrame:
    """True dimension scores of the 13 units in year 1 (rows in descending true total).

    ``dgi``: the bundled 2021 truths. ``papi``: each DGI unit keeps its dimension profile, shifted
    equally on every dimension so that the totals have the spacing of the top 13 PAPI 2016
    provinces (x 8/6), centred on the DGI mean; the unit of rank i takes the PAPI total of rank i.
    """
    spec = load_spec(YEAR)
    dims = list(spec.dimension_ids)
    truth = load_true_scores(YEAR)
    truth = truth.sort_values(MEASURE, ascending=False)
    base = truth[dims]
    if scenario == "dgi":
        return base
    if scenario != "papi":
        raise ValueError(f"unknown scenario {scenario!r}")
    papi = load_papi(papi_path(), years=[2016])
    n_dims = papi_wide(papi, 2016, level="dimension").shape[1]
    tot = papi_wide(papi, 2016, level="total")[MEASURE].dropna().sort_values(ascending=False)
    top = tot.iloc[: len(base)].to_numpy() * len(dims) / n_dims
    target = top - top.mean() + float(truth[MEASURE].mean())
    shift = (target - base.sum(axis=1).to_numpy()) / len(dims)
    return base + shift[:, None]


def scenario_truths(scenario: str, rises: Sequence[int]) -> tuple[pd.DataFrame, dict[int, pd.DataFrame],
                                                                  str, dict[int, float]]:
    """Year-1 true dimension scores and, per rise r, the year-2 ones (units x dimensions).

    The named unit (last in year 1) gains the same amount on every dimension so that its total
    lands midway between the r-th and (r + 1)-th units above it (1 point above the top for a rise
    to 1st); the others are unchanged. A padding unit (never ranked) closes both tables. Returns
    the year-1 table, the year-2 tables by rise, the named unit and its true total change by rise.
    """
    d1 = year1_dimensions(scenario)
    n_dims = d1.shape[1]
    totals = d1.sum(axis=1).to_numpy()
    name = str(d1.index[-1])
    p = len(d1)
    pad = d1.iloc[[0]].rename(index={d1.index[0]: PAD})
    y1 = pd.concat([d1, pad])
    y2, change = {}, {}
    for r in rises:
        if not 0 <= r <= p - 1:
            raise ValueError(f"a rise of {r} places is impossible among {p} units")
        if r == 0:
            new = totals[-1]
        else:
            upper = totals[p - 1 - r - 1] if r < p - 1 else totals[0] + 2.0
            new = 0.5 * (totals[p - 1 - r] + upper)
        change[r] = float(new - totals[-1])
        y = y1.copy()
        y.loc[name] += change[r] / n_dims
        y2[r] = y
    for y in (y1, *y2.values()):
        y.index.name = "unit"
        if not ((y.to_numpy() > 0.0) & (y.to_numpy() < 9.95)).all():
            raise ValueError("a true dimension score left the scale")
    return y1, y2, name, change


@dataclass(frozen=True)
class GridPoint:
    """One design of one scenario, with its own seed."""

    scenario: str
    communes: int
    respondents: int
    rises: tuple[int, ...]
    reps: int
    n_draws: int
    seed: np.random.SeedSequence
    frame_seed: np.random.SeedSequence


def run_point(gp: GridPoint) -> list[dict[str, object]]:
    """Simulate ``gp.reps`` survey pairs of one design and test the named unit for every rise.

    One population (frame, cluster effects) serves both years and every rise; year 1 is drawn
    once and paired with an independent year-2 survey per rise (only the named unit's truth
    differs between the rises).
    """
    spec = load_spec(YEAR)
    y1, y2, name, change = scenario_truths(gp.scenario, gp.rises)
    units = list(y1.index)
    table = pd.DataFrame({"adults": float(FRAME_ADULTS), "n_communes": FRAME_COMMUNES,
                          "n_villages": FRAME_COMMUNES * FRAME_VILLAGES}, index=units)
    # a one-commune unit (a certainty PSU) that is never ranked: simulate_estimates' standard
    # errors fail on a survey without any certainty commune
    table.loc[PAD] = [FRAME_ADULTS / 20, 1, VILLAGES_PER_COMMUNE]
    pop = simulate_frame(table, year=YEAR, n_dimensions=len(spec.dimension_ids), rng=gp.frame_seed)
    rpv = int(np.ceil(gp.respondents / (VILLAGES_PER_COMMUNE * gp.communes * RESPONSE_RATE)))
    smallest = int(pop.cell_counts.sum(axis=1).min())
    if rpv > smallest:
        raise ValueError(f"{rpv} respondents per village but the smallest village has {smallest}")
    psus = dict.fromkeys(units, gp.communes)
    psus[PAD] = 1
    gen = np.random.default_rng(gp.seed)
    # the closed test draws from its own stream, so the projection's numbers (and the surveys)
    # are those of the baseline table
    gen_closed = np.random.default_rng(
        np.random.SeedSequence(gp.seed.entropy, spawn_key=(*gp.seed.spawn_key, 10_000)))

    def survey(truth: pd.DataFrame) -> SimulatedEstimates:
        return simulate_estimates(spec, n_surveys=gp.reps, population=pop, true_scores=truth,
                                  psus_per_unit=psus, villages_per_psu=VILLAGES_PER_COMMUNE,
                                  respondents_per_village=rpv, measures=[MEASURE],
                                  std_errors=True, rng=gen)

    keep = [u for u in units if u != PAD]
    p = len(keep)
    j = keep.index(name)
    alpha = 0.05
    # the screen of required_sample_size: no stepdown critical value falls below this
    z_floor = float(stats.norm.ppf(1.0 - alpha)) - 0.25

    def arrays(s: SimulatedEstimates) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        est = s.estimates.xs(MEASURE, axis=1, level="measure")[keep].to_numpy(float)
        se = pd.DataFrame(s.std_errors).xs(MEASURE, axis=1, level="measure")[keep].to_numpy(float)
        return est, se, pd.DataFrame(s.df)[keep].to_numpy(float)

    before = survey(y1)
    e1s, s1s, f1s = arrays(before)
    rows = []
    for r in gp.rises:
        after = survey(y2[r])
        e2s, s2s, f2s = arrays(after)
        hit1 = hitk = tests = 0
        c_hit1 = c_hitk = c_tests = 0
        lowers, c_lowers = [], []
        for i in range(gp.reps):
            e1, e2, s1, s2 = e1s[i], e2s[i], s1s[i], s2s[i]
            with np.errstate(divide="ignore", invalid="ignore"):
                t1 = np.delete((e1 - e1[j]) / np.sqrt(s1**2 + s1[j] ** 2), j)
                t2 = np.delete((e2[j] - e2) / np.sqrt(s2**2 + s2[j] ** 2), j)
            possible = int((t1 > z_floor).sum() + (t2 > z_floor).sum())
            lower = -(p - 1)
            if possible >= p:  # lower >= 1 needs p claims among the 2 (p - 1) hypotheses
                tests += 1
                # each survey's own estimates, SEs and design df (units are independent strata),
                # as SimulatedEstimates.scores gives them
                res = rank_change_test((pd.Series(e1, index=keep), np.diag(s1**2), f1s[i]),
                                       (pd.Series(e2, index=keep), np.diag(s2**2), f2s[i]),
                                       unit=name,
                                       confidence_level=1 - alpha, n_draws=gp.n_draws, rng=gen)
                lower = int(res.places_gained_lower.iloc[0])
            lowers.append(lower)
            hit1 += lower >= 1
            hitk += lower >= max(r, 1)
            # the closed bound on the same pair: lower >= 1 needs, for every other unit, one
            # statement (T1, T2 or the difference in differences T3) and, for one unit, both T1
            # and T2; no critical value falls below z_floor
            with np.errstate(divide="ignore", invalid="ignore"):
                t3 = np.delete(((e2[j] - e2) + (e1 - e1[j]))
                               / np.sqrt(s1**2 + s1[j] ** 2 + s2**2 + s2[j] ** 2), j)
            any_stmt = (t1 > z_floor) | (t2 > z_floor) | (t3 > z_floor)
            c_lower = -(p - 1)
            if any_stmt.all() and ((t1 > z_floor) & (t2 > z_floor)).any():
                c_tests += 1
                res = rank_change_test((pd.Series(e1, index=keep), np.diag(s1**2), f1s[i]),
                                       (pd.Series(e2, index=keep), np.diag(s2**2), f2s[i]),
                                       unit=name, procedure="closed",
                                       confidence_level=1 - alpha, n_draws=gp.n_draws,
                                       rng=gen_closed)
                c_lower = int(res.places_gained_lower.iloc[0])
            c_lowers.append(c_lower)
            c_hit1 += c_lower >= 1
            c_hitk += c_lower >= max(r, 1)
        n = float(gp.reps)
        rows.append({
            "scenario": gp.scenario, "unit": name, "communes": gp.communes,
            "respondents": gp.respondents, "respondents_per_village": rpv,
            "respondents_achieved": float(after.n_respondents[name].mean()),
            "df_mean": float(np.mean([s.df[name].mean() for s in (before, after)])),
            "se_mean": float(np.sqrt(np.mean([(s[:, j] ** 2).mean() for s in (s1s, s2s)]))),
            "sd_estimate": float(np.sqrt(0.5 * (e1s[:, j].var(ddof=1) + e2s[:, j].var(ddof=1)))),
            "rise": r, "true_change": change[r], "pairs": gp.reps, "tests_run": tests,
            "p_lower_ge_1": hit1 / n, "p_lower_ge_1_se": binomial_se(hit1 / n, n),
            "p_lower_ge_r": hitk / n, "p_lower_ge_r_se": binomial_se(hitk / n, n),
            "mean_lower": float(np.mean(np.maximum(lowers, 0))),
            "closed_tests_run": c_tests,
            "closed_p_lower_ge_1": c_hit1 / n, "closed_p_lower_ge_1_se": binomial_se(c_hit1 / n, n),
            "closed_p_lower_ge_r": c_hitk / n, "closed_p_lower_ge_r_se": binomial_se(c_hitk / n, n),
            "closed_mean_lower": float(np.mean(np.maximum(c_lowers, 0))),
            "closed_below_projection": int(np.sum(np.maximum(c_lowers, 0) < np.maximum(lowers, 0))),
        })
    return rows


def power_grid(scenarios: Sequence[str] = ("dgi",), communes: Sequence[int] = COMMUNES,
               respondents: Sequence[int] = RESPONDENTS, rises: Sequence[int] = RISES,
               reps: int = 100, seed: int = 20261204, n_draws: int = 2000,
               jobs: int = 1) -> pd.DataFrame:
    """Power of the rank-change test over the grid: one row per scenario x design x rise.

    Columns: the design (``communes``, target ``respondents`` per unit, ``respondents_per_village``,
    ``respondents_achieved``), the named unit's mean design df ``df_mean`` and RMS estimated SE
    ``se_mean``, the ``rise`` r and its ``true_change`` in points, ``pairs`` (survey pairs),
    ``tests_run`` (pairs not screened out), ``p_lower_ge_1`` = P(places_gained_lower >= 1) and
    ``p_lower_ge_r`` = P(places_gained_lower >= max(r, 1)), each with its Monte Carlo SE (``_se``),
    and ``mean_lower`` (mean of the bound floored at 0).
    """
    # one child per known scenario, whichever are run: a scenario's table does not depend on
    # which others run with it
    scen_seeds = dict(zip(SCENARIOS, np.random.SeedSequence(seed).spawn(len(SCENARIOS))))
    points = []
    for scenario in scenarios:
        ss = scen_seeds[scenario]
        frame_seed, *design_seeds = ss.spawn(1 + len(communes) * len(respondents))
        k = 0
        for c in communes:
            for n in respondents:
                points.append(GridPoint(scenario, int(c), int(n), tuple(int(r) for r in rises),
                                        int(reps), int(n_draws), design_seeds[k], frame_seed))
                k += 1
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            out = list(pool.map(run_point, points))
    else:
        out = [run_point(gp) for gp in points]
    return pd.DataFrame([row for rows in out for row in rows])


def _cell(p: float, se: float) -> str:
    return f"{p:.2f} ± {se:.2f}"


def markdown(table: pd.DataFrame) -> str:
    """Markdown tables: per scenario, P(lower >= 1) and P(lower >= r) by design and rise."""
    parts = []
    for scenario, sub in table.groupby("scenario", sort=False):
        ch = sub.groupby("rise")["true_change"].first()
        head_r = sorted(int(r) for r in sub["rise"].unique())
        for col, what in (("p_lower_ge_1", "projection, P(places_gained_lower ≥ 1)"),
                          ("closed_p_lower_ge_1", "closed, P(places_gained_lower ≥ 1)"),
                          ("p_lower_ge_r", "projection, P(places_gained_lower ≥ r)"),
                          ("closed_p_lower_ge_r", "closed, P(places_gained_lower ≥ r)")):
            rs = head_r if col.endswith("_ge_1") else [r for r in head_r if r > 1]
            if not rs:
                continue
            parts.append(f"**{scenario}: {what}**\n")
            hdr = ["communes", "respondents", "SE", "df"] + [
                f"r = {r} (+{ch[r]:.2f})" if r else "r = 0 (size)" for r in rs]
            parts.append("| " + " | ".join(hdr) + " |")
            parts.append("| " + " | ".join(["---"] * len(hdr)) + " |")
            for (c, n), d in sub.groupby(["communes", "respondents"], sort=True):
                d = d.set_index("rise")
                cells = [str(c), f"{n} ({d['respondents_achieved'].iloc[0]:.0f})",
                         f"{d['se_mean'].iloc[0]:.2f}", f"{d['df_mean'].iloc[0]:.0f}"]
                cells += [_cell(d.loc[r, col], d.loc[r, col + "_se"]) for r in rs]
                parts.append("| " + " | ".join(cells) + " |")
            parts.append("")
    return "\n".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: run the grid, print the Markdown tables, write the CSV."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=100, help="survey pairs per design (default 100)")
    ap.add_argument("--quick", action="store_true",
                    help="a small grid (6 and 20 communes x 300 and 3000 respondents, r in 0, 1, 8, "
                         "20 pairs, dgi only) for a smoke run")
    ap.add_argument("--out", type=Path, default=Path("rank_change_power_SYNTHETIC.csv"),
                    help="CSV file to write")
    ap.add_argument("--scenarios", nargs="+", default=["dgi", "papi"], choices=list(SCENARIOS))
    ap.add_argument("--seed", type=int, default=20261204)
    ap.add_argument("--n-draws", type=int, default=2000, help="Monte Carlo draws per test")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes (same table for any)")
    args = ap.parse_args(argv)
    scenarios = list(args.scenarios)
    if "papi" in scenarios and not papi_path().is_file():
        print(f"PAPI workbook absent ({papi_path()}): papi scenario skipped", file=sys.stderr)
        scenarios.remove("papi")
    kw: dict[str, object] = {}
    if args.quick:
        kw = {"communes": (6, 20), "respondents": (300, 3000), "rises": (0, 1, 8)}
        scenarios = scenarios[:1]
        args.reps = min(args.reps, 20)
    start = time.perf_counter()
    table = power_grid(scenarios, reps=args.reps, seed=args.seed, n_draws=args.n_draws,
                       jobs=args.jobs, **kw)  # type: ignore[arg-type]
    took = time.perf_counter() - start
    table.to_csv(args.out, index=False)
    print(markdown(table))
    print(f"SYNTHETIC; {args.reps} survey pairs per design; seed {args.seed}; {took:.0f} s; "
          f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
