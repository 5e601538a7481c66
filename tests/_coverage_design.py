"""Coverage study of rank inference with ESTIMATED standard errors under DGI-like designs.

SYNTHETIC populations only. Each replication draws a two-stage sample per unit (unit = stratum):
PPS systematic selection of communes (PSUs) by size, optionally one certainty commune made its own
stratum with its villages as PSUs (as R survey recommends for self-representing PSUs), a fixed
number of respondents per selected commune, nonresponse that differs by sex, then raking of the
weights to the unit x sex population counts. Scores are bounded (0–10) and crowd near the ceiling.
The survey layer of dgi_stats (``SurveyDesign``, ``rake``, ``mean``) gives the estimates, their
covariance and the design df; the rank functions take that ``SurveyEstimate`` directly.

Truths are finite-population means, made exactly equal (or exactly spaced) across units by giving
every unit the same population up to a scale of its deviations (heterogeneous variances) and a
shift ``delta``.

Run the full study (the table of docs/methodology/rank_confidence_sets.md)::

    python tests/_coverage_design.py --reps 400 --textbook
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

import dgi_stats as ds

N_UNITS = 13
N_COMMUNES = 80  # non-certainty communes in each unit's frame
VILLAGES = 4  # villages per commune
PER_COMMUNE = 24  # respondents issued per selected commune
RESPONSE = {"female": 0.85, "male": 0.6}


@dataclass(frozen=True)
class Config:
    """One design and truth configuration."""

    name: str
    psus: int  # non-certainty communes sampled per unit
    certainty: bool = False  # one certainty commune per unit, villages as its PSUs
    spacing: float = 0.0  # truth of unit k = mean + spacing * k (0: all equal)
    variance: str = "taylor"  # or a replicate method: "jkn", "bootstrap"
    shift: tuple[float, ...] = ()  # added to unit k's scores (rank-change configurations)

    @property
    def df(self) -> int:
        """Design df per unit: (communes - 1) + (villages of the certainty commune - 1)."""
        return self.psus - 1 + (VILLAGES - 1 if self.certainty else 0)


def make_population(rng: np.random.Generator) -> dict[str, object]:
    """The template unit: commune sizes, commune/village effects, people with sex and a 0–10 score."""
    sizes = rng.integers(300, 1200, N_COMMUNES + 1)  # last commune: the certainty one (large)
    sizes[-1] = 8000
    rows = []
    for c, n_c in enumerate(sizes):
        ce = rng.normal(0, 0.6)
        village = rng.integers(0, VILLAGES, n_c)
        ve = rng.normal(0, 0.3, VILLAGES)[village]
        sex = np.where(rng.random(n_c) < 0.5, "female", "male")
        latent = 8.9 + ce + ve + 0.4 * (sex == "male") + rng.normal(0, 1.3, n_c)
        y = np.clip(np.round(latent), 0, 10)  # bounded, discrete, piled at the ceiling
        rows.append(pd.DataFrame({"commune": c, "village": village, "sex": sex, "y": y}))
    pop = pd.concat(rows, ignore_index=True)
    return {"pop": pop, "sizes": sizes}


def unit_values(base: np.ndarray, k: int, cfg: Config) -> np.ndarray:
    """Unit k's population scores: the template's deviations scaled (0.6–1.4) and shifted."""
    mu = base.mean()
    scale = 0.6 + 0.8 * k / (N_UNITS - 1)
    return mu + scale * (base - mu) + cfg.spacing * k + (cfg.shift[k] if cfg.shift else 0.0)


def pps_systematic(sizes: np.ndarray, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n units by systematic PPS (random order); returns (indices, inclusion probabilities)."""
    pi = n * sizes / sizes.sum()
    order = rng.permutation(sizes.size)
    cum = np.cumsum(pi[order])
    points = rng.random() + np.arange(n)
    picked = order[np.searchsorted(cum, points, side="right")]
    return picked, pi[picked]


def margins_for(popn: dict[str, object], cfg: Config) -> list[pd.Series]:
    """Population counts by unit x sex (the raking margin; the same frame for every unit)."""
    pop = popn["pop"]
    assert isinstance(pop, pd.DataFrame)
    in_frame = pop["commune"].to_numpy() < N_COMMUNES + (1 if cfg.certainty else 0)
    counts = pop.loc[in_frame, "sex"].value_counts().astype(float)
    idx = pd.MultiIndex.from_product(
        [[f"U{k:02d}" for k in range(N_UNITS)], counts.index], names=["unit", "sex"]
    )
    return [pd.Series(np.tile(counts.to_numpy(), N_UNITS), index=idx)]


def draw_sample(popn: dict[str, object], cfg: Config, rng: np.random.Generator) -> pd.DataFrame:
    """One survey of all units: respondent rows with strata, PSUs and design weights."""
    pop = popn["pop"]
    sizes = popn["sizes"]
    assert isinstance(pop, pd.DataFrame)
    assert isinstance(sizes, np.ndarray)
    base = pop["y"].to_numpy(dtype=float)
    sex = pop["sex"].to_numpy()
    village = pop["village"].to_numpy()
    p_resp = np.where(sex == "female", RESPONSE["female"], RESPONSE["male"])
    starts = np.concatenate([[0], np.cumsum(sizes)])  # people are stored commune by commune
    cols: dict[str, list[np.ndarray]] = {k: [] for k in ("unit", "stratum", "psu", "sex", "y", "w")}
    for k in range(N_UNITS):
        unit = f"U{k:02d}"
        yk = unit_values(base, k, cfg)
        picked, pi = pps_systematic(sizes[:N_COMMUNES], cfg.psus, rng)
        chosen = [(int(c), float(q), unit) for c, q in zip(picked, pi)]
        if cfg.certainty:
            chosen.append((N_COMMUNES, 1.0, f"{unit}:certainty"))
        for c, pi_c, stratum in chosen:
            n_c = int(sizes[c])
            take = starts[c] + rng.choice(n_c, size=PER_COMMUNE, replace=False)
            take = take[rng.random(PER_COMMUNE) < p_resp[take]]
            if cfg.certainty and c == N_COMMUNES:
                psu = np.char.add(f"{unit}-c{c}-v", village[take].astype(str))
            else:
                psu = np.full(take.size, f"{unit}-c{c}")
            cols["unit"].append(np.full(take.size, unit))
            cols["stratum"].append(np.full(take.size, stratum))
            cols["psu"].append(psu)
            cols["sex"].append(sex[take])
            cols["y"].append(yk[take])
            cols["w"].append(np.full(take.size, n_c / (pi_c * PER_COMMUNE)))
    return pd.DataFrame({k: np.concatenate(v) for k, v in cols.items()})


def truths(popn: dict[str, object], cfg: Config) -> pd.Series:
    """Finite-population mean score of each unit (what the survey estimates)."""
    pop = popn["pop"]
    assert isinstance(pop, pd.DataFrame)
    base = pop["y"].to_numpy(dtype=float)
    frame = pop["commune"].to_numpy() < N_COMMUNES + (1 if cfg.certainty else 0)
    vals = [unit_values(base, k, cfg)[frame].mean() for k in range(N_UNITS)]
    return pd.Series(vals, index=[f"U{k:02d}" for k in range(N_UNITS)])


def estimate(
    data: pd.DataFrame, margins: list[pd.Series], variance: str = "taylor",
    rng: np.random.Generator | None = None,
) -> ds.SurveyEstimate:
    """The survey layer: design, (replicates,) raking to unit x sex counts, means by unit with df."""
    design = ds.SurveyDesign(data, weights="w", strata="stratum", psu="psu", nest=True)
    if variance == "jkn":
        design = design.replicate("jkn")
    elif variance == "bootstrap":
        design = design.replicate("bootstrap", n_replicates=100, rng=rng)
    raked = ds.rake(design, margins)
    return ds.mean(raked, "y", by="unit")


def true_ranks(truth: pd.Series) -> np.ndarray:
    """Competition ranks of the truths (1 = best; ties share the best rank)."""
    v = truth.to_numpy()
    return 1 + (v[None, :] > v[:, None]).sum(axis=1)


def coverage_run(
    cfg: Config, reps: int, rng: np.random.Generator, *, methods: tuple[str, ...] = ("studentised",),
    n_draws: int = 2000,
    marginal: bool = True,
) -> pd.DataFrame:
    """Joint (simultaneous) and marginal coverage of the rank sets, per method, over ``reps``.

    Methods: "studentised" (design df, the default of the library), "normal" (the covariance
    treated as known: df = inf), "holm" (t p-values with Welch df), "kww" (t quantiles).
    Also the mean length of the simultaneous sets (power: shorter is better at equal coverage).
    """
    popn = make_population(np.random.default_rng(12345))
    truth = truths(popn, cfg)
    r_true = true_ranks(truth)
    margins = margins_for(popn, cfg)
    hits = {m: {"joint": 0, "marginal": 0, "length": 0.0} for m in methods}
    dfs = []
    for _ in range(reps):
        est = estimate(draw_sample(popn, cfg, rng), margins, cfg.variance, rng)
        dfs.append(float(est.df.min()))
        for m in methods:
            kw: dict[str, object] = {"n_draws": n_draws, "rng": rng}
            if m == "normal":
                kw["df"] = np.inf
            elif m in ("holm", "kww"):
                kw = {"method": m}
            sim = ds.rank_confidence_sets(est, measure="y", simultaneous=True, **kw)
            lo, hi = sim.lower.to_numpy(), sim.upper.to_numpy()
            hits[m]["joint"] += int(((lo <= r_true) & (r_true <= hi)).all())
            hits[m]["length"] += float((hi - lo + 1).mean())
            if marginal and m in ("studentised", "normal"):
                mar = ds.rank_confidence_sets(est, measure="y", simultaneous=False, **kw)
                lo_m, hi_m = mar.lower.to_numpy(), mar.upper.to_numpy()
                hits[m]["marginal"] += float(((lo_m <= r_true) & (r_true <= hi_m)).mean())
    rows = []
    for m in methods:
        rows.append(
            {
                "config": cfg.name, "df": cfg.df, "min_df_seen": min(dfs), "method": m,
                "joint_coverage": hits[m]["joint"] / reps,
                "marginal_coverage": (
                    hits[m]["marginal"] / reps
                    if marginal and m in ("studentised", "normal")
                    else np.nan
                ),
                "mean_set_length": hits[m]["length"] / reps, "reps": reps,
            }
        )
    return pd.DataFrame(rows)


def idealised_run(df: int, reps: int, rng: np.random.Generator, method: str) -> float:
    """Joint coverage in the textbook model: 13 strata of df + 1 normal PSU means, all truths equal.

    Unit variances differ (SDs 0.5 to 2); ``method`` "studentised" (design df) or "normal" (the
    estimated covariance treated as known).
    """
    sig = np.linspace(0.5, 2.0, N_UNITS)
    cover = 0
    for _ in range(reps):
        x = rng.normal(0.0, 1.0, (N_UNITS, df + 1)) * sig[:, None]
        est = pd.Series(x.mean(axis=1), index=[f"U{k:02d}" for k in range(N_UNITS)])
        var = x.var(axis=1, ddof=1) / (df + 1)
        sets = ds.rank_confidence_sets(
            est, np.diag(var), df=df if method == "studentised" else np.inf, n_draws=2000,
            rng=rng,
        )
        cover += int((sets.lower.to_numpy() == 1).all())
    return cover / reps


CONFIGS = (
    Config("df2 all-equal", psus=3),
    Config("df5 all-equal", psus=6),
    Config("df10 all-equal", psus=11),
    Config("df5 near-tied", psus=6, spacing=0.03),
    Config("df2 near-tied", psus=3, spacing=0.03),
    Config("certainty df8 all-equal", psus=6, certainty=True),
    Config("df5 spread", psus=6, spacing=0.12),
    Config("df5 all-equal, JKn replicates", psus=6, variance="jkn"),
    Config("df5 all-equal, bootstrap replicates", psus=6, variance="bootstrap"),
)


def main() -> None:
    """Print the coverage table (markdown), one configuration at a time."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument("--configs", type=str, default="", help="comma-separated indices into CONFIGS")
    parser.add_argument("--textbook", action="store_true", help="also the textbook-model table")
    args = parser.parse_args()
    chosen = [int(i) for i in args.configs.split(",")] if args.configs else range(len(CONFIGS))
    t0 = time.time()
    cols = ["config", "df", "method", "joint_coverage", "marginal_coverage", "mean_set_length"]
    print("| " + " | ".join(cols) + " |")
    print("|" + " --- |" * len(cols))
    for i in chosen:
        rng = np.random.default_rng([args.seed, i])
        out = coverage_run(CONFIGS[i], args.reps, rng, methods=("studentised", "normal", "holm", "kww"))
        for row in out[cols].itertuples(index=False):
            cells = [f"{v:.3f}" if isinstance(v, float) else str(v) for v in row]
            print("| " + " | ".join(cells) + " |", flush=True)
    print(f"\n{args.reps} replications per configuration, seed {args.seed}, {time.time() - t0:.0f} s")
    if args.textbook:
        rng = np.random.default_rng([args.seed, 99])
        print("\nTextbook model (normal PSU means, 13 strata, all truths equal), joint coverage:\n")
        print("| df | studentised | normal |\n| --- | --- | --- |")
        for df in (2, 5, 10):
            cov_s = idealised_run(df, args.reps, rng, "studentised")
            cov_n = idealised_run(df, args.reps, rng, "normal")
            print(f"| {df} | {cov_s:.3f} | {cov_n:.3f} |", flush=True)


if __name__ == "__main__":
    main()
