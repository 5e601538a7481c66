"""Write panel_SYNTHETIC.csv: a small SYNTHETIC two-year panel survey (the same communes in both years).

Run from the repository root:   .venv/bin/python tests/reference/r_panel/make_data.py

3 districts (the units and strata) x 3 communes (the PSUs) x 9 to 12 respondents per commune
and year, years 2021 and 2022. Every commune is surveyed in both years under the same id, and
its effect on the answers persists from one year to the next (persistent part N(0, 0.15²), yearly
part N(0, 0.05²)), so the two years' district means are correlated. Weights vary within commune
and year. Indicators: ``i1`` a 0-1 score (4 decimals), ``i2`` a 0/1 answer, ``i3`` a 0-10
rating. No value is missing. Everything is simulated: no real respondent is in the file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20261204
OUT = Path(__file__).resolve().parent / "panel_SYNTHETIC.csv"


def main() -> None:
    rng = np.random.default_rng(SEED)
    rows = []
    for d in range(1, 4):
        for c in range(1, 4):
            commune = f"C{d}{c}"
            persistent = rng.normal(0.0, 0.15)
            base_w = rng.uniform(50.0, 150.0)
            for year in (2021, 2022):
                e = persistent + rng.normal(0.0, 0.05)
                for k in range(int(rng.integers(9, 13))):
                    p = float(np.clip(0.5 + e, 0.05, 0.95))
                    rows.append({
                        "respondent_id": f"{commune}-{year}-{k + 1:02d}",
                        "district": f"D{d}",
                        "commune": commune,
                        "year": year,
                        "w": round(base_w * rng.uniform(0.8, 1.2), 3),
                        "i1": round(float(np.clip(0.5 + e + rng.normal(0.0, 0.2), 0.0, 1.0)), 4),
                        "i2": int(rng.random() < p),
                        "i3": int(np.clip(np.rint(5.0 + 10.0 * e + rng.normal(0.0, 2.0)), 0, 10)),
                    })
    pd.DataFrame(rows).to_csv(OUT, index=False)


if __name__ == "__main__":
    main()
