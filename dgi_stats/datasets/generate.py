"""Regenerate the bundled SYNTHETIC DGI surveys (2020-2024), byte for byte.

Run from the repository root::

    python -m dgi_stats.datasets.generate                 # rewrite dgi_stats/datasets/synthetic/
    python -m dgi_stats.datasets.generate --out DIR --years 2021

For each year it writes three gzip-compressed CSV files (gzip header time 0, no file name, so the
bytes depend only on the content):

* ``dgi_<year>_SYNTHETIC_respondents.csv.gz``: the respondent table of
  :func:`dgi_stats.simulate.simulate_survey`;
* ``dgi_<year>_SYNTHETIC_frame.csv.gz``: the population frame (village x sex x age group x
  ethnicity adult counts), from which :func:`dgi_stats.datasets.load_margins` derives the margins;
* ``dgi_<year>_SYNTHETIC_true_scores.csv.gz``: the exact true population score of every unit and
  measure.

The population is simulated once from :data:`SEED` (so communes and villages are the same every
year; adult counts grow and the cluster effects change partly from year to year), and each year's
sample from ``SeedSequence([SEED, year])``. The true dimension scores are
:func:`dgi_stats.simulate.calibration_targets` (published figures + invented values).
"""

from __future__ import annotations

import argparse
import gzip
import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from dgi_stats.datasets._specs import load_spec
from dgi_stats.datasets.recipe import RESPONDENTS_PER_VILLAGE, SEED, YEARS, file_names
from dgi_stats.simulate import simulate_population, simulate_survey

__all__ = ["RESPONDENTS_PER_VILLAGE", "SEED", "YEARS", "file_names", "generate_year", "main"]

_WEIGHT_FORMAT = "%.12g"
_SCORE_FORMAT = "%.10f"


def _write_gz(frame: pd.DataFrame, path: Path, float_format: str) -> None:
    text = frame.to_csv(index=False, lineterminator="\n", float_format=float_format)
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(text.encode("utf-8"))
    path.write_bytes(buf.getvalue())


def generate_year(year: int, out_dir: str | Path) -> list[Path]:
    """Simulate the bundled SYNTHETIC survey of ``year`` and write its three files to ``out_dir``.

    Parameters
    ----------
    year : int
        One of :data:`YEARS`.
    out_dir : str or pathlib.Path
        Destination folder (created if needed).

    Returns
    -------
    list of pathlib.Path
        The files written.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:  # doctest: +SKIP
    ...     [p.name for p in generate_year(2021, tmp)]   # a few seconds; tested in the test suite
    ['dgi_2021_SYNTHETIC_respondents.csv.gz', 'dgi_2021_SYNTHETIC_frame.csv.gz', ...]
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    spec = load_spec(year)
    population = simulate_population(year, n_dimensions=len(spec.dimension_ids),
                                     rng=np.random.SeedSequence(SEED))
    sim = simulate_survey(
        spec, population=population, respondents_per_village=RESPONDENTS_PER_VILLAGE,
        rng=np.random.SeedSequence([SEED, year]),
    )
    names = file_names(year)
    paths = [out / names[k] for k in ("respondents", "frame", "true_scores")]
    _write_gz(sim.respondents, paths[0], _WEIGHT_FORMAT)
    _write_gz(sim.frame, paths[1], _WEIGHT_FORMAT)
    truth = sim.true_scores.reset_index()
    _write_gz(truth, paths[2], _SCORE_FORMAT)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point (``python -m dgi_stats.datasets.generate``).

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``): ``--out DIR`` and ``--years Y [Y ...]``.

    Returns
    -------
    int
        0 on success.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "synthetic",
                        help="output folder (default: the package's datasets/synthetic)")
    parser.add_argument("--years", type=int, nargs="+", default=list(YEARS))
    args = parser.parse_args(argv)
    for year in args.years:
        for path in generate_year(year, args.out):
            print(f"wrote {path.name} ({path.stat().st_size / 1024:.0f} kB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
