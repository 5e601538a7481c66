"""Provenance of a report: package versions, its input files with their SHA-256, its random seeds.

A reader can check that a report was made with the same software (:func:`package_versions`) from
the same data (:func:`input_files`, :func:`file_provenance`), and rerun its random steps
(:func:`spawn_seeds`: one independent stream per step, all from one seed).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import platform
from collections.abc import Mapping, Sequence
from importlib.resources.abc import Traversable
from pathlib import Path

import numpy as np
import pandas as pd

from dgi_stats.exceptions import DGIError
from dgi_stats.report._common import InputFiles, check_year, package_version, years
from dgi_stats.report.inputs import bundled_files, previous_inputs

__all__ = ["file_provenance", "input_files", "package_versions", "spawn_seeds"]

_PACKAGES = (
    "dgi-stats", "numpy", "scipy", "pandas", "statsmodels", "matplotlib", "papermill", "nbconvert",
)


def package_versions() -> pd.DataFrame:
    """Versions of Python and of the packages a report depends on.

    Returns
    -------
    pandas.DataFrame
        Indexed by package, one column ``version`` ("not installed" when absent).

    Examples
    --------
    >>> package_versions().loc["python", "version"] == __import__("platform").python_version()
    True
    """
    rows = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            rows[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            if name == "dgi-stats":
                rows[name] = f"{package_version()} (not installed; imported from source)"
            else:
                rows[name] = "not installed"
    return pd.DataFrame({"version": pd.Series(rows)}).rename_axis("package")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_provenance(files: Mapping[str, str | Path | Traversable | None]) -> pd.DataFrame:
    """SHA-256 and size of each input file, so a reader can check the report used the same data.

    Parameters
    ----------
    files : mapping
        Role (for example "survey") -> path, or a packaged resource (``importlib.resources``).
        A value of None is listed as "not used".

    Returns
    -------
    pandas.DataFrame
        Indexed by role; columns ``file``, ``bytes``, ``sha256``.

    Raises
    ------
    DGIError
        If a file does not exist.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = pathlib.Path(tmp) / "x.csv"
    ...     _ = p.write_bytes(b"abc")
    ...     file_provenance({"survey": p}).loc["survey", "sha256"][:16]
    'ba7816bf8f01cfea'
    """
    rows: list[tuple[str, str, int | None, str | None]] = []
    for role, path in files.items():
        if path is None:
            rows.append((role, "not used", None, None))
            continue
        if isinstance(path, str | Path):
            p = Path(path)
            if not p.is_file():
                msg = f"file_provenance: the {role} file {str(p)!r} does not exist."
                raise DGIError(msg)
            rows.append((role, p.name, p.stat().st_size, _sha256(p)))
        else:  # a packaged resource (importlib.resources Traversable)
            blob = path.read_bytes()
            rows.append((role, f"{path.name} (bundled)", len(blob), hashlib.sha256(blob).hexdigest()))
    frame = pd.DataFrame(rows, columns=["role", "file", "bytes", "sha256"]).set_index("role")
    frame["bytes"] = frame["bytes"].astype("Int64")
    return frame


def input_files(
    year: int,
    *,
    data_path: str | Path | None = None,
    margins_path: str | Path | None = None,
    previous_data_path: str | Path | None = None,
    previous_margins_path: str | Path | None = None,
) -> InputFiles:
    """Every input file a report of ``year`` reads (bundled resources when paths are None).

    Roles ``survey`` and ``margins``, then, when the year before has a specification,
    ``previous_survey`` and ``previous_margins``: the files chosen by :func:`previous_inputs`
    (None, listed as "not used", when there is no previous year).

    Parameters
    ----------
    year : int
        The report year.
    data_path, margins_path, previous_data_path, previous_margins_path : str or Path, optional
        As for :func:`dgi_stats.report.run_report`.

    Returns
    -------
    dict
        Role -> path, packaged resource or None.

    Examples
    --------
    >>> sorted(input_files(2021))
    ['margins', 'previous_margins', 'previous_survey', 'survey']
    >>> input_files(2021, data_path="survey_2021.csv")["previous_survey"] is None
    True
    """
    year = check_year(year)
    files: InputFiles
    if data_path is None:
        files = bundled_files(year)
    else:
        files = {"survey": Path(data_path), "margins": None}
    if margins_path is not None:
        files["margins"] = Path(margins_path)
    prev = previous_inputs(year, data_path=data_path, previous_data_path=previous_data_path,
                           previous_margins_path=previous_margins_path)
    if prev is not None:
        if prev["data_path"] is None:  # the bundled survey of the year before
            bundled = bundled_files(year - 1)
            files["previous_survey"] = bundled["survey"]
            files["previous_margins"] = (
                bundled["margins"] if prev["margins_path"] is None else prev["margins_path"]
            )
        else:
            files["previous_survey"] = prev["data_path"]
            files["previous_margins"] = prev["margins_path"]
    elif year - 1 in years():
        files["previous_survey"] = None
        files["previous_margins"] = None
    return files


def spawn_seeds(seed: int, names: Sequence[str]) -> dict[str, np.random.SeedSequence]:
    """Independent seeds for the named random steps of a report, all derived from ``seed``.

    Each step gets its own stream, so adding or reordering a step never changes the numbers of the
    others.

    Parameters
    ----------
    seed : int
        The report's seed.
    names : sequence of str
        The random steps.

    Returns
    -------
    dict of str to numpy.random.SeedSequence

    Examples
    --------
    >>> seeds = spawn_seeds(1, ["survey", "ranks"])
    >>> int(np.random.default_rng(seeds["ranks"]).integers(10**6)) == int(
    ...     np.random.default_rng(spawn_seeds(1, ["survey", "ranks"])["ranks"]).integers(10**6))
    True
    """
    children = np.random.SeedSequence(int(seed)).spawn(len(names))
    return dict(zip(names, children, strict=True))
