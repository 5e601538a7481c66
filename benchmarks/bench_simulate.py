"""Benchmark: simulating SYNTHETIC DGI surveys with dgi_stats.simulate.

Run from the repository root:

    PYTHONPATH=. python benchmarks/bench_simulate.py [--repeat 3]

Prints a Markdown table (median wall-clock seconds over the repeats) for:

* a 13-unit year of about 5,000 respondents from scratch (population frame, solving the latent unit
  effects for the default true scores, sampling, answers, weights, true scores);
* the same survey drawn from an existing population (unit effects still solved);
* replicate surveys' unit-level estimates with ``simulate_estimates``: the one-off setup (population,
  unit effects, true scores) and then the time per extra replicate survey;
* a national year: ``simulate_frame`` for Vietnam's 3,321 communes (8 villages each, latent unit
  effects drawn at random) and ``simulate_survey`` drawing 4 villages x 50 adults per commune.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import numpy as np

from dgi_stats.datasets import load_spec
from dgi_stats.simulate import (
    simulate_estimates,
    simulate_frame,
    simulate_population,
    simulate_survey,
)

CPU: list[float] = []


def _time(fn, repeat: int) -> tuple[float, object]:
    times, cpu, out = [], [], None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    CPU.append(statistics.median(cpu))
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    spec = load_spec(2021)
    rpv = 34  # 13 units x 18 villages x 34 drawn x ~0.68 response = about 5,000 respondents

    t_full, sim = _time(lambda: simulate_survey(spec, respondents_per_village=rpv, rng=1), args.repeat)
    n = len(sim.respondents)  # type: ignore[attr-defined]
    pop = simulate_population(2021, rng=1)
    t_pop, _ = _time(lambda: simulate_survey(spec, population=pop, respondents_per_village=rpv, rng=2),
                     args.repeat)
    n_rep = 20

    def reps(k: int) -> object:
        return simulate_estimates(spec, n_surveys=k, population=pop,
                                  respondents_per_village=rpv, rng=3)

    t_one, _ = _time(lambda: reps(1), args.repeat)
    t_many, _ = _time(lambda: reps(n_rep + 1), args.repeat)
    t_rep = t_many - t_one  # n_rep extra surveys, without the one-off setup

    def national() -> object:
        frame = simulate_frame(3321, villages_per_unit=8, rng=4)
        return simulate_survey(spec, population=frame, villages_per_psu=4,
                               respondents_per_village=50, rng=5)

    t_nat, nat = _time(national, args.repeat)
    n_nat = len(nat.respondents)  # type: ignore[attr-defined]
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    c_full, c_pop, c_one, c_many, c_nat = CPU
    print("| case | respondents | wall seconds | CPU seconds |")
    print("| --- | --- | --- | --- |")
    print(f"| `simulate_survey`, 13 units from scratch | {n} | {t_full:.2f} | {c_full:.2f} |")
    print(f"| `simulate_survey`, existing population | ~{n} | {t_pop:.2f} | {c_pop:.2f} |")
    print(f"| `simulate_estimates`, setup + 1 replicate | ~{n} | {t_one:.2f} | {c_one:.2f} |")
    print(f"| `simulate_estimates`, each further replicate survey | ~{n} | {t_rep / n_rep:.3f} | "
          f"{(c_many - c_one) / n_rep:.3f} |")
    print(f"| `simulate_frame` + `simulate_survey`, 3,321 communes x 4 villages x 50 drawn "
          f"(national year) | {n_nat} | {t_nat:.2f} | {c_nat:.2f} |")


if __name__ == "__main__":
    main()
