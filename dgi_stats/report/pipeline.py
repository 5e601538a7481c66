"""Annual reports: run a report notebook with papermill, render HTML, and helpers the notebooks call.

:func:`run_report` is what ``dgi-stats report <year>`` does:

1. check the inputs (year, data and margins files, columns against the year's spec) before anything
   runs, so bad input fails fast with a one-line :class:`~dgi_stats.exceptions.DGIError`;
2. build the year's notebook from the template shipped inside the package
   (:mod:`dgi_stats.report.templates`; the committed ``notebooks/dgi_report_<year>.ipynb`` are
   generated from the same template by ``notebooks/_make_notebooks.py``, so they cannot drift
   apart, and an installed package needs no repository checkout), or take a user's notebook;
3. execute it with papermill in a fresh kernel running this very Python and this very dgi_stats,
   inside a temporary folder created beside the output folder;
4. render HTML with nbconvert, input cells hidden, figures embedded;
5. only when everything succeeded, move the folder into place. On any failure the temporary folder
   is removed and the output folder is left as it was: nothing half-written. A notebook that fails
   is kept as ``failed_dgi_report_<year>.ipynb`` in the output folder (the error is in its cell).

The output folder holds the executed notebook, the HTML report, ``summary.json`` (the headline
numbers, identical on every run with the same seed) and ``figures/*.png`` / ``*.svg``.

The other functions are the small helpers the notebooks call (provenance, the SYNTHETIC banner,
saving figures, writing ``summary.json``) so that a notebook holds narration and calls only.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import math
import os
import platform
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from dgi_stats.exceptions import DGIError

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from dgi_stats.scores.spec import IndexSpec

__all__ = [
    "CHANGE_COLUMNS",
    "DESIGN_COLUMNS",
    "FAILED_PREFIX",
    "FIGURES_DIR",
    "FRAME_COLUMNS",
    "KERNEL_NAME",
    "PAPI_FILE",
    "RAKING_MARGINS",
    "ReportError",
    "ReportResult",
    "SUMMARY_FILE",
    "SurveyAnalysis",
    "SurveyCheck",
    "VARIANCE_METHODS",
    "analyse_survey",
    "build_summary",
    "change_table",
    "check_survey_file",
    "data_banner",
    "describe_analysis",
    "design_options",
    "detectable_change_table",
    "display_table",
    "figure_title",
    "file_provenance",
    "find_papi_file",
    "focus_units",
    "input_files",
    "item_nonresponse",
    "narrate",
    "no_previous_year",
    "package_versions",
    "papi_dimensions",
    "papi_scheme_ranks",
    "papi_total_check",
    "planning_grid",
    "planning_statement",
    "planning_summary",
    "planning_truth",
    "previous_inputs",
    "previous_survey",
    "published_arithmetic",
    "published_change",
    "published_figures",
    "rank_change_statement",
    "rank_rise_power",
    "rank_table",
    "read_json",
    "read_margins",
    "report_notebook",
    "results_table",
    "run_report",
    "sample_table",
    "scenario_table",
    "show_figure",
    "spawn_seeds",
    "summary_table",
    "survey_problems",
    "truth_table",
    "validate_survey",
    "weighting_table",
    "write_summary",
]

SUMMARY_FILE = "summary.json"
FIGURES_DIR = "figures"
KERNEL_NAME = "dgi-stats-report"
_PACKAGES = (
    "dgi-stats", "numpy", "scipy", "pandas", "statsmodels", "matplotlib", "papermill", "nbconvert",
)
#: Survey columns the report needs besides the spec's questionnaire items.
DESIGN_COLUMNS = ("district", "commune_id", "village_id", "design_weight")

Progress = Callable[[str], None]


class ReportError(DGIError):
    """A report could not be produced (the notebook failed, or the output folder is unusable)."""


@dataclass(frozen=True, slots=True)
class ReportResult:
    """Where a report run put its outputs.

    Attributes
    ----------
    output_dir : Path
        The report folder.
    notebook : Path
        The executed notebook.
    html : Path or None
        The HTML report (None when HTML was not requested).
    summary : dict
        The contents of ``summary.json``.
    figures : tuple of Path
        Figure files (PNG and SVG), sorted.
    """

    output_dir: Path
    notebook: Path
    html: Path | None
    summary: dict[str, Any] = field(repr=False)
    figures: tuple[Path, ...] = field(repr=False)

    def __repr__(self) -> str:
        return (
            f"ReportResult(output_dir={str(self.output_dir)!r}, html={self.html and self.html.name!r}, "
            f"{len(self.figures)} figure files, {len(self.summary)} summary entries)"
        )


# ------------------------------------------------------------------------------- input checks
def _years() -> tuple[int, ...]:
    from dgi_stats.datasets import available_years

    return tuple(available_years())


def _check_year(year: Any) -> int:
    years = _years()
    if isinstance(year, bool) or not isinstance(year, int | np.integer) or int(year) not in years:
        listed = ", ".join(map(str, years))
        msg = f"unknown year {year!r}: dgi_stats has DGI specifications and reports for {listed}."
        raise DGIError(msg)
    return int(year)


def _read_table(path: str | Path, *, what: str, encoding: str | None = None) -> pd.DataFrame:
    """Read a file with :func:`dgi_stats.io.read_survey` (the one reader), after a clear check that
    it exists. Excel files are refused the same way as by ``read_survey`` (save them as CSV)."""
    from dgi_stats.io import read_survey

    p = Path(path)
    if not p.exists():
        msg = f"{what} file not found: {str(p)!r}. Check the path."
        raise DGIError(msg)
    if not p.is_file():
        msg = f"{what} path {str(p)!r} is not a file."
        raise DGIError(msg)
    try:
        return read_survey(p, encoding=encoding)
    except DGIError as exc:
        raise DGIError(f"{what} file: {exc}") from None
    except (ValueError, OSError) as exc:
        msg = f"cannot read {what} file {str(p)!r}: {exc}".replace("\n", " ")
        raise DGIError(msg) from None


def _weight_column(data: pd.DataFrame) -> str:
    """The column the report takes the weights from: nonresponse-adjusted when present."""
    return "nr_weight" if "nr_weight" in data.columns else "design_weight"


def survey_problems(data: pd.DataFrame, spec: IndexSpec, *, name: str = "survey file") -> list[str]:
    """Every problem of a survey table that the report would stop at, one message each.

    Checks the columns (the spec's items and :data:`DESIGN_COLUMNS`), the answer codes, unique
    respondent ids, the unit names (replaced **in place** by their canonical names with the
    tolerant matching of :func:`dgi_stats.units.match_units`) and the weights (numeric, finite,
    not negative). The design, raking and scoring are checked by :func:`validate_survey`.

    Parameters
    ----------
    data : pandas.DataFrame
        The survey as read; its unit column is normalised in place.
    spec : IndexSpec
        The year's index specification.
    name : str
        How the messages name the data. default: "survey file".

    Returns
    -------
    list of str
        One message per problem (empty when there is none).
    """
    from dgi_stats._validation import did_you_mean
    from dgi_stats.units import match_units

    problems: list[str] = []
    if len(data) == 0:
        return [f"{name} has no respondents (no data rows)."]
    unit = spec.unit_column
    required = [*DESIGN_COLUMNS, *spec.item_ids]
    if unit not in required:
        required.insert(0, unit)
    missing = [c for c in required if c not in data.columns]
    if missing:
        problems.append(
            f"{name} does not match the {spec.name} {spec.year} spec: missing column(s) "
            f"{', '.join(missing)}; "
            f"{did_you_mean(missing, data.columns, what='columns of the file', exclude=required)}. "
            "Rename the columns or pass the matching spec."
        )
    if all(c in data.columns for c in spec.scored_item_ids):
        try:
            spec.validate_answers(data)
        except DGIError as exc:
            problems.append(f"{name}: {exc}")
    rid = spec.respondent_column
    if rid in data.columns and data[rid].duplicated().any():
        dup = data[rid][data[rid].duplicated(keep=False)]
        problems.append(
            f"{name}: duplicate respondent ids in column {rid!r}: {list(dict.fromkeys(dup))[:5]} "
            f"(rows {list(dup.index[:10])}). Remove or renumber the duplicates."
        )
    if unit in data.columns:
        blank = data[unit].isna()
        if blank.any():
            problems.append(
                f"{name}: column {unit!r} is blank in rows {list(data.index[blank][:10])}; every "
                "respondent needs a unit."
            )
        else:
            try:
                data[unit] = match_units([str(v) for v in data[unit]])
            except DGIError as exc:
                problems.append(f"{name}: column {unit!r}: {exc}")
    weight = _weight_column(data)
    if weight in data.columns:
        w = pd.to_numeric(data[weight], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        bad = ~np.isfinite(w) | (w < 0)
        if bad.any():
            rows = [int(i) for i in np.flatnonzero(bad)[:10]]
            problems.append(
                f"{name}: the weights {weight!r} are negative, missing, non-numeric or infinite in "
                f"{int(bad.sum())} row(s) (0-based rows {rows}{', ...' if bad.sum() > 10 else ''}). "
                "Weights must be numbers >= 0."
            )
    return problems


def check_survey_file(path: str | Path, spec: IndexSpec, *, encoding: str | None = None) -> pd.DataFrame:
    """Read a survey file with :func:`dgi_stats.io.read_survey` and check it against ``spec``.

    Parameters
    ----------
    path : str or Path
        A CSV (UTF-8, UTF-16 or, with ``encoding``, any codec), Parquet, SPSS ``.sav`` or Stata
        ``.dta`` file, one row per respondent. Excel files are refused: save them as CSV.
    spec : IndexSpec
        The year's index specification.
    encoding : str, optional
        Text encoding of a CSV file, for example ``"cp1258"``. default: None (UTF-8 or UTF-16).

    Returns
    -------
    pandas.DataFrame
        The data, unit names replaced by their canonical names ("TP Uông Bí" -> "Uông Bí").

    Raises
    ------
    DGIError
        The first problem found (see :func:`survey_problems`); :func:`validate_survey` lists all.

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
    >>> from dgi_stats.datasets import load_spec
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = pathlib.Path(tmp) / "survey.csv"
    ...     pd.DataFrame({"district": ["Uông Bí"], "q101": [1]}).to_csv(p, index=False)
    ...     check_survey_file(p, load_spec(2021))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dgi_stats.exceptions.DGIError: survey file ... does not match the DGI 2021 spec: missing ...
    """
    p = Path(path)
    data = _read_table(p, what="survey", encoding=encoding)
    problems = survey_problems(data, spec, name=f"survey file {str(p)!r}")
    if problems:
        from dgi_stats.exceptions import UnknownUnitError

        raise (UnknownUnitError if "unknown unit" in problems[0] else DGIError)(problems[0])
    return data


def _check_inputs(
    year: int, data_path: str | Path | None, margins_path: str | Path | None,
    **options: Any,
) -> tuple[Path | None, Path | None]:
    """Resolve the input files and run :func:`validate_survey` on a survey file (``options``:
    its keyword arguments), so that a report never starts on a file its analysis would refuse."""
    data = None
    margins = None
    if margins_path is not None:
        margins = Path(margins_path).resolve()
        if not margins.exists():
            msg = f"margins file not found: {str(margins_path)!r}. Check the path."
            raise DGIError(msg)
    if data_path is not None:
        data = Path(data_path).resolve()
        found = validate_survey(year, data, margins_path=margins, **options)
        if found.problems:
            if len(found.problems) == 1:
                raise DGIError(found.problems[0])
            listed = " ".join(f"({i}) {m}" for i, m in enumerate(found.problems, 1))
            msg = f"{len(found.problems)} problems (see `dgi-stats validate`): {listed}"
            raise DGIError(msg)
    elif margins is not None:
        read_margins(margins, encoding=options.get("encoding"))
    return data, margins


# ------------------------------------------------------------------------------- notebooks
def report_notebook(year: int) -> Any:
    """The report notebook of ``year``, built from the template shipped in the package.

    Parameters
    ----------
    year : int
        A year with a bundled specification.

    Returns
    -------
    nbformat.NotebookNode
        Identical to the committed ``notebooks/dgi_report_<year>.ipynb``.

    Raises
    ------
    DGIError
        If the year is unknown.

    Examples
    --------
    >>> nb = report_notebook(2021)
    >>> nb.cells[0].metadata["tags"]
    ['parameters']
    """
    from dgi_stats.report.templates import build_report_notebook

    return build_report_notebook(_check_year(year))


@contextlib.contextmanager
def _kernel_for_this_python() -> Iterator[str]:
    """A temporary kernelspec that runs ``sys.executable`` with this dgi_stats importable.

    The spec lives in a temporary folder put first on ``JUPYTER_PATH`` for the duration (the
    environment is restored afterwards), so the report never runs in some other Python that a
    user-level "python3" kernelspec may point to.
    """
    package_parent = str(Path(__file__).resolve().parents[2])  # the folder holding dgi_stats/
    pythonpath = os.pathsep.join(p for p in (package_parent, os.environ.get("PYTHONPATH", "")) if p)
    with tempfile.TemporaryDirectory(prefix="dgi-stats-kernel-") as tmp:
        spec_dir = Path(tmp) / "kernels" / KERNEL_NAME
        spec_dir.mkdir(parents=True)
        spec = {
            "argv": [
                sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                "--IPKernelApp.log_level=ERROR",
            ],
            "display_name": "Python 3 (dgi-stats report)",
            "language": "python",
            "env": {"PYTHONPATH": pythonpath, "MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
        }
        (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
        old = os.environ.get("JUPYTER_PATH")
        os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (tmp, old) if p)
        try:
            yield KERNEL_NAME
        finally:
            if old is None:
                os.environ.pop("JUPYTER_PATH", None)
            else:
                os.environ["JUPYTER_PATH"] = old


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _one_line(text: str, limit: int | None = 300, *, more: str = "") -> str:
    """``text`` on one line without terminal colours; beyond ``limit`` characters it is cut with
    an explicit marker saying how much was left out (and ``more``: where to read it all)."""
    flat = " ".join(_ANSI.sub("", str(text)).split())
    if limit is None or len(flat) <= limit:
        return flat
    where = f"; {more}" if more else ""
    return f"{flat[:limit]} … [{len(flat) - limit} more characters{where}]"


#: Name of the executed notebook kept in the output folder when a report fails.
FAILED_PREFIX = "failed_"
#: Characters of a failing cell's error message quoted in full before it is cut.
_ERROR_CHARS = 4000


def _execute(
    notebook: Any,
    out_nb: Path,
    parameters: dict[str, Any],
    workdir: Path,
    *,
    progress_bar: bool,
    failed_copy: Path | None = None,
) -> None:
    """Run ``notebook`` into ``out_nb``; on a failing cell, keep the executed notebook (with the
    error) as ``failed_copy`` and raise a ReportError naming the cell and its own exception."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    with _kernel_for_this_python() as kernel:
        try:
            pm.execute_notebook(
                notebook,
                str(out_nb),
                parameters=parameters,
                kernel_name=kernel,
                cwd=str(workdir),
                progress_bar=progress_bar,
                log_output=False,
                execution_timeout=1800,
            )
        except PapermillExecutionError as exc:
            kept: Path | None = failed_copy
            if kept is not None:
                try:
                    kept.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(out_nb, kept)
                except OSError:
                    kept = None
            where = (
                f"the executed notebook, with the error, is {kept}" if kept is not None
                else "the executed notebook could not be kept"
            )
            error = _one_line(exc.evalue, _ERROR_CHARS, more=f"see {kept}" if kept else "")
            msg = f"the report notebook failed in cell {exc.exec_count}: {exc.ename}: {error} ({where})"
            raise ReportError(msg) from None
    # the executed notebook names the standard kernel, so it opens anywhere
    import nbformat

    nb = nbformat.read(str(out_nb), as_version=4)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(out_nb))


def _render_html(notebook: Path, html: Path) -> None:
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(str(notebook), as_version=4)
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb)
    html.write_text(body, encoding="utf-8")


def _prepare_target(out: Path) -> None:
    if out.exists():
        if not out.is_dir():
            msg = f"output path {str(out)!r} exists and is not a folder; choose another --out."
            raise ReportError(msg)
        # a notebook kept from a failed run does not make the folder foreign
        others = [
            p for p in out.iterdir()
            if not (p.name.startswith(FAILED_PREFIX) and p.suffix == ".ipynb")
        ]
        if others and not (out / SUMMARY_FILE).is_file():
            msg = (
                f"output folder {str(out)!r} is not empty and holds no previous report; choose "
                "another --out (a previous report folder is replaced)."
            )
            raise ReportError(msg)
    out.parent.mkdir(parents=True, exist_ok=True)


def _move_into_place(tmp: Path, out: Path) -> None:
    """Replace ``out`` by ``tmp`` (both on the same file system: renames only)."""
    old = None
    if out.exists():
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        out.rename(old)
    try:
        tmp.rename(out)
    except OSError:
        if old is not None:
            old.rename(out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def run_report(
    year: int,
    *,
    data_path: str | Path | None = None,
    margins_path: str | Path | None = None,
    previous_data_path: str | Path | None = None,
    previous_margins_path: str | Path | None = None,
    output_dir: str | Path | None = None,
    variance: str = "taylor",
    n_replicates: int = 200,
    confidence_level: float = 0.95,
    seed: int = 20240101,
    notebook: str | Path | None = None,
    html: bool = True,
    progress: Progress | None = None,
    progress_bar: bool = False,
    encoding: str | None = None,
    lonely_psu: str = "fail",
    certainty: str | bool | None = None,
    fpc: str | Sequence[str] | bool | None = None,
    lang: str = "en",
) -> ReportResult:
    """Execute the report notebook of ``year`` and write its outputs into ``output_dir``.

    Parameters
    ----------
    year : int
        Report year (2020–2024).
    data_path : str or Path, optional
        A survey file (CSV, Parquet, SPSS, Stata) with the bundled data's columns. default: None,
        the bundled SYNTHETIC survey of ``year``.
    margins_path : str or Path, optional
        Population counts for raking (see :func:`read_margins`). default: None (the bundled margins
        with the bundled data; no raking with a survey file).
    previous_data_path, previous_margins_path : str or Path, optional
        The same for the year before (change section). default: None — with the bundled survey,
        the bundled SYNTHETIC survey of the year before; with a ``data_path``, no previous year
        (the change section says so: a survey file is never compared with the bundled SYNTHETIC
        survey). See :func:`previous_inputs`.
    output_dir : str or Path, optional
        Report folder. default: ``reports/<year>`` in the current folder. A previous report there
        is replaced; any other non-empty folder is refused.
    variance : {"taylor", "jkn", "bootstrap"}
        Variance method (see :func:`analyse_survey`). default: "taylor".
    n_replicates : int
        Bootstrap replicates (``variance="bootstrap"``). default: 200.
    confidence_level : float
        Level of every interval and set. default: 0.95.
    seed : int
        Seed of every random step; the same seed gives the same ``summary.json``. default: 20240101.
    notebook : str or Path, optional
        Run this notebook instead of the packaged template (it must have a ``parameters`` cell).
    html : bool
        Render the HTML report. default: True.
    progress : callable, optional
        Called with a short message before each long step. default: None (silent).
    progress_bar : bool
        Show papermill's cell progress bar on stderr. default: False.
    encoding : str, optional
        Text encoding of the CSV input files, e.g. ``"cp1258"``. default: None (UTF-8 or UTF-16).
    lonely_psu : {"fail", "remove", "certainty", "adjust", "average"}
        Units with a single commune (see :class:`~dgi_stats.survey.design.SurveyDesign`). default: "fail".
    certainty, fpc : optional
        Certainty-PSU column and fpc columns (see :func:`design_options`). default: None, the
        bundled frame columns when the survey has them.
    lang : {"en", "vi"}
        Language of the report (notebook parameter ``lang``). default: "en".

    Returns
    -------
    ReportResult

    Raises
    ------
    DGIError
        Bad input (unknown year, missing or unreadable file, columns that do not match the spec,
        bad parameters, previous-year files that would mix a survey file with the bundled
        SYNTHETIC survey), checked before anything runs.
    ReportError
        The notebook failed (the message names the cell and its exception; the executed notebook
        with the error is kept as ``output_dir/failed_dgi_report_<year>.ipynb``, and a previous
        report there is left as it was) or the output folder cannot be used.

    Examples
    --------
    >>> run_report(2021, output_dir="reports/2021")  # doctest: +SKIP
    ReportResult(output_dir='reports/2021', html='dgi_report_2021.html', ...)
    """
    say = progress or (lambda _msg: None)
    from dgi_stats._validation import check_choice, check_positive_int, check_probability

    year = _check_year(year)
    n_replicates = check_positive_int(n_replicates, name="n_replicates", func="run_report", minimum=2)
    level = check_probability(confidence_level, name="confidence_level", func="run_report")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or int(seed) < 0:
        msg = f"The 'seed' parameter of run_report must be a non-negative int. Got {seed!r} instead."
        raise DGIError(msg)
    check_choice(variance, VARIANCE_METHODS, name="variance", func="run_report")
    from dgi_stats.survey.design import LONELY_PSU_OPTIONS

    check_choice(lonely_psu, LONELY_PSU_OPTIONS, name="lonely_psu", func="run_report")
    check_choice(lang, ("en", "vi"), name="lang", func="run_report")
    cert_opt = _columns_option(certainty, name="certainty")
    if isinstance(cert_opt, list) and len(cert_opt) == 1:
        certainty = cert_opt[0]
    elif isinstance(cert_opt, list):
        msg = f"The 'certainty' parameter of run_report names one column. Got {certainty!r} instead."
        raise DGIError(msg)
    else:
        certainty = cert_opt
    fpc = _columns_option(fpc, name="fpc")
    options = {"encoding": encoding, "variance": variance, "n_replicates": n_replicates,
               "lonely_psu": lonely_psu, "certainty": certainty, "fpc": fpc}
    data, margins = _check_inputs(year, data_path, margins_path, **options)
    prev_data: Path | None = None
    prev_margins: Path | None = None
    prev = previous_inputs(year, data_path=data_path, previous_data_path=previous_data_path,
                           previous_margins_path=previous_margins_path)
    if prev is not None:
        prev_data, prev_margins = _check_inputs(year - 1, prev["data_path"], prev["margins_path"],
                                                **options)
    if notebook is not None:
        nb_path = Path(notebook)
        if not nb_path.is_file():
            msg = f"notebook not found: {str(nb_path)!r}."
            raise DGIError(msg)
        source: Any = str(nb_path.resolve())
    else:
        source = report_notebook(year)
    out = Path(output_dir if output_dir is not None else Path("reports") / str(year)).absolute()
    _prepare_target(out)
    try:
        import nbconvert  # noqa: F401
        import papermill  # noqa: F401
    except ImportError:
        msg = "dgi-stats report needs the notebooks extra: pip install 'dgi-stats[notebooks]'."
        raise ReportError(msg) from None
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    name = f"dgi_report_{year}"
    try:
        (tmp / FIGURES_DIR).mkdir()
        params = {
            "year": year,
            "data_path": None if data is None else str(data),
            "margins_path": None if margins is None else str(margins),
            "previous_data_path": None if prev_data is None else str(prev_data),
            "previous_margins_path": None if prev_margins is None else str(prev_margins),
            "output_dir": ".",
            "variance": variance,
            "n_replicates": n_replicates,
            "confidence_level": level,
            "seed": int(seed),
            "encoding": encoding,
            "lonely_psu": lonely_psu,
            "certainty": certainty,
            "fpc": fpc,
            "lang": lang,
        }
        say(f"running the {year} report notebook (about a minute; progress per cell with --progress)")
        _execute(source, tmp / f"{name}.ipynb", params, tmp, progress_bar=progress_bar,
                 failed_copy=out / f"{FAILED_PREFIX}{name}.ipynb")
        if not (tmp / SUMMARY_FILE).is_file():
            msg = f"the report notebook ran but wrote no {SUMMARY_FILE}; is it a dgi_stats report?"
            raise ReportError(msg)
        if html:
            say("rendering HTML")
            _render_html(tmp / f"{name}.ipynb", tmp / f"{name}.html")
        _move_into_place(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    summary = read_json(out / SUMMARY_FILE)
    figures = tuple(sorted((out / FIGURES_DIR).glob("*.*")))
    return ReportResult(
        output_dir=out,
        notebook=out / f"{name}.ipynb",
        html=(out / f"{name}.html") if html else None,
        summary=summary,
        figures=figures,
    )


# ------------------------------------------------------------------------ notebook helpers
def read_json(path: str | Path) -> dict[str, Any]:
    """Read a JSON object (such as ``summary.json``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = write_summary({"year": 2021}, tmp)
    ...     read_json(p)
    {'year': 2021}
    """
    with Path(path).open(encoding="utf-8") as fh:
        out = json.load(fh)
    if not isinstance(out, dict):
        msg = f"{str(path)!r} does not hold a JSON object."
        raise DGIError(msg)
    return out


def _jsonable(value: Any, *, digits: int) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v, digits=digits) for k, v in value.items()}
    if isinstance(value, pd.Series):
        return {str(k): _jsonable(v, digits=digits) for k, v in value.items()}
    if isinstance(value, pd.DataFrame):
        return {str(k): _jsonable(row, digits=digits) for k, row in value.iterrows()}
    if isinstance(value, list | tuple | np.ndarray | pd.Index):
        return [_jsonable(v, digits=digits) for v in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        x = float(value)
        return None if not math.isfinite(x) else round(x, digits)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Path):
        return str(value)
    msg = f"write_summary cannot store a value of type {type(value).__name__}: {value!r}."
    raise DGIError(msg)


def write_summary(
    summary: Mapping[str, Any], output_dir: str | Path, *, digits: int = 10
) -> Path:
    """Write the headline numbers as ``summary.json``, byte-identical for identical inputs.

    Keys are sorted; floats are rounded to ``digits`` decimals (so that the last bits of a
    floating-point sum cannot differ between two runs); NaN becomes ``null``; pandas and numpy
    values become plain JSON.

    Parameters
    ----------
    summary : mapping
        Nested mappings, lists, numbers, strings, Series and DataFrames (by row).
    output_dir : str or Path
        Existing folder.
    digits : int
        Decimals kept. default: 10.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    DGIError
        If a value cannot be stored as JSON.

    Examples
    --------
    >>> import tempfile, pathlib, numpy as np
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = write_summary({"b": np.float64(1 / 3), "a": [np.int64(2), np.nan]}, tmp, digits=4)
    ...     p.read_text(encoding="utf-8")
    '{\\n  "a": [\\n    2,\\n    null\\n  ],\\n  "b": 0.3333\\n}\\n'
    """
    folder = Path(output_dir)
    if not folder.is_dir():
        msg = f"The 'output_dir' parameter of write_summary must be an existing folder. Got {str(folder)!r}."
        raise DGIError(msg)
    payload = _jsonable(summary, digits=digits)
    path = folder / SUMMARY_FILE
    path.write_text(
        json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n",
        encoding="utf-8",
    )
    return path


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
                import dgi_stats

                rows[name] = f"{dgi_stats.__version__} (not installed; imported from source)"
            else:
                rows[name] = "not installed"
    return pd.DataFrame({"version": pd.Series(rows)}).rename_axis("package")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_provenance(files: Mapping[str, Any]) -> pd.DataFrame:
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


_BANNER = (
    '<div style="border:3px solid #000;padding:0.6em 1em;margin:0.5em 0;background:#fff3cd;'
    'font-weight:bold">{text}</div>'
)


def data_banner(synthetic: bool, *, what: str | None = None, lang: str = "en") -> Any:
    """A banner for the report: SYNTHETIC data are flagged in bold wherever they are used.

    Parameters
    ----------
    synthetic : bool
        True when the data are the bundled synthetic survey.
    what : str, optional
        What the banner is about. default: "survey" (in ``lang``).
    lang : {"en", "vi"}
        Language. default: "en".

    Returns
    -------
    IPython.display.HTML
        Displayed as the cell's output (plain text in a terminal).

    Examples
    --------
    >>> "SYNTHETIC" in data_banner(True).data
    True
    """
    from IPython.display import HTML

    t = _texts()
    what = what if what is not None else t.pick(t.PHRASES["survey"], lang)
    text = t.pick(t.PHRASES["banner_synthetic" if synthetic else "banner_file"], lang).format(what=what)
    return HTML(_BANNER.format(text=text))


def figure_title(text: str, synthetic: bool, lang: str = "en", **fields: Any) -> str:
    """A figure title, with a second line "SYNTHETIC data" when the data are synthetic.

    ``text`` is a title, or the key of a report figure (``"total_scores"``, ...) whose title in
    ``lang`` is filled with ``fields`` (``year``, ``level``).

    Examples
    --------
    >>> figure_title("DGI 2021", True)
    'DGI 2021\\nSYNTHETIC data: illustration, not DGI results'
    >>> figure_title("dimension_heatmap", False, "vi", year=2021)
    'DGI 2021: điểm các lĩnh vực'
    """
    t = _texts()
    if text in t.FIGURE_TITLES:
        if "year" in fields and "prev" not in fields:
            fields["prev"] = int(fields["year"]) - 1
        text = t.pick(t.FIGURE_TITLES[text], lang).format(**fields)
    if synthetic:
        text = f"{text}\n{t.pick(t.PHRASES['synthetic_title'], lang)}"
    if lang == "en":
        return text
    import textwrap  # Vietnamese titles run longer: keep them inside narrow figures

    return "\n".join(textwrap.fill(part, 48) for part in text.split("\n"))


def show_figure(
    fig: Figure, name: str, output_dir: str | Path, *, alt_text: str | None = None, lang: str = "en"
) -> Any:
    """Save ``fig`` as ``figures/<name>.png`` and ``.svg`` under ``output_dir`` and return the PNG.

    Returning an :class:`IPython.display.Image` makes the figure the cell's output, so the HTML
    report embeds it.

    Parameters
    ----------
    fig : matplotlib Figure
    name : str
        File name without extension.
    output_dir : str or Path
        The report folder (``figures/`` is created inside).
    alt_text : str, optional
        Text alternative of the image in the HTML report. default: the report's description of
        the figure ``name`` in ``lang``, else the figure's title, else the name with spaces.
    lang : {"en", "vi"}
        Language of the texts drawn in the figure (labels, legends) and of the alt text.
        default: "en".

    Returns
    -------
    IPython.display.Image

    Examples
    --------
    >>> import pandas as pd, tempfile
    >>> from dgi_stats.plots import dimension_heatmap
    >>> fig = dimension_heatmap(pd.DataFrame({"d1_participation": [9.4]}, index=["Cô Tô"]))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     show_figure(fig, "heatmap", tmp).format
    'png'
    """
    from IPython.display import Image

    from dgi_stats.plots import save_figure

    t = _texts()
    lang = t.check_lang(lang)
    _translate_figure(fig, lang)
    folder = Path(output_dir) / FIGURES_DIR
    folder.mkdir(parents=True, exist_ok=True)
    paths = save_figure(fig, folder, name, formats=("png", "svg"))
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    alt = alt_text or (t.pick(t.FIGURE_ALT[name], lang) if name in t.FIGURE_ALT else "")
    if not alt:
        alt = " ".join(titles).replace("\n", " ") or name.replace("_", " ")
    return Image(data=paths[0].read_bytes(), format="png", alt=alt)


# ------------------------------------------------------------------- display in two languages
_TABLE_CSS = (
    "<style>"
    "table.dgi-table{border-collapse:collapse;margin:0.3em 0 0.6em;font-size:13px;max-width:100%;"
    "table-layout:auto}"
    "table.dgi-table th,table.dgi-table td{border-bottom:1px solid #ccc;padding:3px 7px;"
    "vertical-align:top;white-space:nowrap;text-align:right}"
    "table.dgi-table th{font-weight:bold;background:#f3f3f3;text-align:left}"
    "table.dgi-table td.dgi-text{text-align:left;white-space:normal;overflow-wrap:break-word;"
    "min-width:6em;max-width:30em}"
    "table.dgi-table th{white-space:normal;max-width:14em}"
    "div.dgi-notes{font-size:12px;margin:0 0 1em}"
    "</style>"
)
_P_COLUMNS = frozenset({"score_change_pvalue", "score_change_pvalue_holm", "pvalue", "p_top_1",
                        "p_top_3", "p_rank_1", "power", "power_se", "power_rank", "power_score"})
_INT_COLUMNS = frozenset({"rank", "rank_before", "rank_after", "places_gained", "lower", "nominal",
                          "median", "respondents", "communes", "villages", "adults", "bytes",
                          "year", "dont_know", "refused", "blank", "not_applicable", "answered",
                          "band"})


def _texts() -> Any:
    from dgi_stats.report.templates import _text

    return _text


def narrate(key: str, lang: str = "en", *, year: int | None = None) -> Any:
    """The narration of a report section in ``lang`` ("en" or "vi"), as Markdown.

    Examples
    --------
    >>> narrate("summary", "vi").data.splitlines()[1]
    '## 8. Tóm tắt'
    """
    from IPython.display import Markdown

    t = _texts()
    text = t.NARRATION[t.check_lang(lang)][key]
    if year is not None:
        text = text.replace("@YEAR@", str(year)).replace("@PREV@", str(year - 1))
    return Markdown(text)


def _measure_label(measure: str, lang: str) -> str:
    """A measure's name for a header: dimensions by their name, total and composite by theirs."""
    t = _texts()
    if measure in t.HEADERS:
        return t.pick(t.HEADERS[measure], lang)
    from dgi_stats.datasets import available_years, load_spec

    for year in sorted(available_years(), reverse=True):
        for i, dim in enumerate(load_spec(year).dimensions, start=1):
            if dim.id == measure:
                return f"{i}. {dim.name_vi if lang == 'vi' else dim.name_en}"
    return measure


def _header(column: Any, lang: str) -> str:
    t = _texts()
    name = str(column)
    if name in t.HEADERS:
        return t.pick(t.HEADERS[name], lang)
    if _is_dimension(name):
        return _measure_label(name, lang)
    if " / " in name:  # a weighting scenario "<scheme> / <aggregation>"
        parts = name.split(" / ")
        names = t.SCENARIO_VI if lang == "vi" else t.SCENARIO_EN
        return " / ".join(names.get(p, p) for p in parts)
    if lang == "vi":
        return t.SCENARIO_VI.get(name, name.replace("_", " "))
    return name.replace("_", " ")


def _cell(value: Any, column: str, lang: str) -> tuple[str, bool]:
    """(text, is_text) of one table cell: numbers rounded for reading, booleans as yes/no."""
    import html as _html

    t = _texts()
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return "–", False
    if isinstance(value, bool | np.bool_):
        return t.pick(t.PHRASES["yes" if value else "no"], lang), True
    if isinstance(value, int | np.integer):
        return f"{int(value):,}" if column not in ("year",) else str(int(value)), False
    if isinstance(value, float | np.floating):
        x = float(value)
        if column in _INT_COLUMNS and x.is_integer():
            return f"{int(x):,}" if column != "year" else str(int(x)), False
        if column in _P_COLUMNS:
            return ("< 0.001" if 0 < x < 0.001 else f"{x:.3f}"), False
        if abs(x) >= 1000:
            return f"{x:,.0f}", False
        return f"{x:.2f}", False
    text = str(value)
    text = (t.VALUES_VI if lang == "vi" else t.VALUES_EN).get(text, text)
    return _html.escape(text), True


def _html_table(frame: pd.DataFrame, lang: str, *, two_lines: bool = False) -> str:
    import html as _html

    head = "".join(f"<th>{_html.escape(_header(c, lang))}</th>" for c in frame.columns)
    rows = []
    for values in frame.itertuples(index=False, name=None):
        cells = []
        for col, value in zip(frame.columns, values, strict=True):
            text, is_text = _cell(value, str(col), lang)
            if two_lines and " [" in text:
                text = text.replace(" [", "<br>[")
                is_text = False
            cls = ' class="dgi-text"' if is_text else ""
            cells.append(f"<td{cls}>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<table class="dgi-table"><thead><tr>{head}</tr></thead><tbody>'
            + "".join(rows) + "</tbody></table>")


def _with_index(frame: pd.DataFrame, default: str) -> pd.DataFrame:
    if isinstance(frame.index, pd.RangeIndex) and frame.index.name is None:
        return frame.reset_index(drop=True)
    names = [n if n is not None else default for n in frame.index.names]
    out = frame.copy()
    out.index = out.index.set_names(names)
    return out.reset_index()


def _interval(a: Any, b: Any, sep: str = "–") -> str:
    if pd.isna(a) or pd.isna(b):
        return "–"
    fa, fb = float(a), float(b)
    if fa.is_integer() and fb.is_integer():
        return f"{int(fa)}{sep}{int(fb)}"
    return f"{fa:.2f}{sep}{fb:.2f}"


def _design_name(text: str, lang: str) -> str:
    """A survey design's name of the planning section in ``lang``."""
    if lang != "vi":
        return text
    for pattern, repl in _texts().DESIGN_VI:
        text = re.sub(pattern, repl, text)
    return text


def _translate_check(text: str, lang: str) -> str:
    if lang != "vi":
        return text
    return (text.replace("sum of the 8 dimension scores = total", "tổng điểm 8 lĩnh vực = tổng điểm")
            .replace("total / 80 x 100 = composite %", "tổng điểm / 80 x 100 = chỉ số tổng hợp %")
            .replace("mean of the units: mean total / 80 x 100 = mean composite %",
                     "trung bình các đơn vị: tổng điểm trung bình / 80 x 100 = chỉ số tổng hợp "
                     "trung bình %"))


def _table_parts(frame: pd.DataFrame, kind: str | None, lang: str) -> list[pd.DataFrame]:
    """The frame(s) to show for a table ``kind``: index made a column, columns combined or split so
    that each table fits the page, rows sorted by rank wherever there is a rank."""
    t = _texts()
    df = _with_index(frame, "indicator" if kind == "nonresponse" else "unit")
    if kind == "published":
        df = df.copy()
        df["measure"] = [
            _measure_label(m, lang) if _is_dimension(m)
            else t.pick(t.PUBLISHED_MEASURES[m], lang) if m in t.PUBLISHED_MEASURES else m
            for m in df["measure"].astype(str)
        ]
        df["rank"] = df["rank"].astype("Int64")
        df = df.sort_values(["year", "rank", "unit"], kind="stable", na_position="last")
    elif kind == "arithmetic":
        df = df.assign(check=[_translate_check(str(c), lang) for c in df["check"]])
    elif kind == "results":
        measures = [c for c in df.columns if c != "unit"]
        return [df[["unit", *measures[i:i + 4]]] for i in range(0, len(measures), 4)]
    elif kind == "ranks":
        df = df.assign(
            marginal_set=[_interval(a, b) for a, b in zip(df["marginal_lower"], df["marginal_upper"],
                                                           strict=True)],
            simultaneous_set=[_interval(a, b) for a, b in
                              zip(df["simultaneous_lower"], df["simultaneous_upper"], strict=True)],
        ).sort_values("rank", kind="stable")
        keep = ["unit", "total", "std_error", "rank", "marginal_set", "simultaneous_set"]
        df = df[keep + [c for c in df.columns if c.startswith("p_") or c == "band"]]
    elif kind == "best":
        df = df.sort_values("rank", kind="stable")
    elif kind == "change":
        df = df.sort_values("rank_after", kind="stable")
        score = df[["unit", "score_before", "score_after"]].assign(
            score_change=[
                f"{c:+.2f} [{lo:+.2f}, {hi:+.2f}]" for c, lo, hi in
                zip(df["score_change"], df["score_change_ci_low"], df["score_change_ci_high"],
                    strict=True)
            ],
        )
        for col in ("score_change_pvalue", "score_change_pvalue_holm"):
            if col in df.columns:
                score[col] = df[col]
        rank = df[["unit", "rank_before", "rank_after", "places_gained"]].assign(
            places_gained_bounds=[_interval(a, b, " to " if lang == "en" else " đến ")
                                  for a, b in zip(df["places_gained_lower"],
                                                  df["places_gained_upper"], strict=True)],
        )
        if "pvalue" in df.columns:
            rank["pvalue"] = df["pvalue"]
        return [score, rank]
    elif kind == "scenarios":
        df = df.sort_values(df.columns[1], kind="stable")
    elif kind == "uncertainty":
        df = df.assign(band_5_95=[_interval(a, b) for a, b in zip(df["q5"], df["q95"], strict=True)])
        df = df[["unit", "nominal", "median", "band_5_95", "mean", "nominal_score"]]
        df = df.sort_values("nominal", kind="stable")
    elif kind == "summary":
        if "total_ci" in df.columns:
            df = df.assign(total_ci=[f"{a:.2f} {b}" for a, b in zip(df["total"], df["total_ci"],
                                                                     strict=True)])
            df = df.drop(columns="total")
        df = df.rename(columns={"score_change": "score_change_point"})
        df = df.sort_values("rank", kind="stable")
    elif kind == "power" and "design" in df.columns:
        df = df.assign(design=[_design_name(str(d), lang) for d in df["design"]])
    elif kind == "planning":
        df = df.assign(sample_size_factor=[f"{float(k):g}×" for k in df["sample_size_factor"]])
    return [df]


def display_table(frame: pd.DataFrame | None, lang: str = "en", *, kind: str | None = None) -> Any:
    """A report table as a reader sees it: human headers in ``lang``, no index, rounded numbers.

    The columns that need one are explained under the table. Wide tables are split (the results
    of 8 dimensions, total and composite in tables of 4 measures; the change table into a score
    and a rank part), rankings are sorted by rank, and text is never truncated.

    Parameters
    ----------
    frame : DataFrame or None
        A table of this module (None shows nothing).
    lang : {"en", "vi"}
        Language of headers and notes. default: "en".
    kind : str, optional
        Which table it is ("published", "arithmetic", "results", "ranks", "best", "change",
        "scenarios", "uncertainty", "summary", "planning", "power", "nonresponse"), for its layout.

    Returns
    -------
    IPython.display.HTML

    Examples
    --------
    >>> import pandas as pd
    >>> t = display_table(pd.DataFrame({"weight_sum_before": [1.5]}, index=pd.Index(["Cô Tô"], name="unit")))
    >>> "<th>Weight total, before raking</th>" in t.data
    True
    """
    from IPython.display import HTML

    t = _texts()
    lang = t.check_lang(lang)
    if frame is None:
        return HTML("")
    parts = _table_parts(frame, kind, lang)
    html = [_TABLE_CSS]
    explained: list[str] = []
    for part in parts:
        html.append(_html_table(part, lang, two_lines=kind == "results"))
        explained += [str(c) for c in part.columns if str(c) in t.NOTES and str(c) not in explained]
    if explained:
        import html as _html

        items = " ".join(
            f"<b>{_html.escape(_header(c, lang))}</b>: {_html.escape(t.pick(t.NOTES[c], lang))}"
            for c in explained
        )
        html.append(f'<div class="dgi-notes">{_html.escape(t.pick(t.PHRASES["notes"], lang))}. '
                    f"{items}</div>")
    return HTML("".join(html))


def describe_analysis(analysis: Any, lang: str = "en") -> Any:
    """One sentence (Markdown) on the survey analysed: year, data, respondents, units, weights."""
    from IPython.display import Markdown

    t = _texts()
    data = t.pick(t.PHRASES["analysis_synthetic" if analysis.synthetic else "analysis_file"], lang)
    raked = t.pick(t.PHRASES["raked" if analysis.margins else "not_raked"], lang)
    text = t.pick(t.PHRASES["analysis"], lang).format(
        year=analysis.year, data=data, n=f"{len(analysis.data):,}",
        units=analysis.data[analysis.spec.unit_column].nunique(), raked=raked,
    )
    return Markdown(text)


def _translate_figure(fig: Figure, lang: str) -> None:
    """Put the texts drawn in ``fig`` (labels, ticks, legends) into ``lang``."""
    from matplotlib.text import Text

    t = _texts()
    note = "Note: S_i > S_Ti for: "

    def line(text: str) -> str:
        short = re.match(r"^D(\d)\n", text)
        if short and lang == "vi" and short.group(1) in t.DIMENSION_SHORT_VI:
            return f"LV{short.group(1)}\n{t.DIMENSION_SHORT_VI[short.group(1)]}"
        if _is_dimension(text):
            return _measure_label(text, lang)
        if lang != "vi":
            return text
        if text.startswith(note):
            names = text[len(note):].rstrip(".").split(", ")
            return t.FIGURE_VI[note] + ", ".join(t.FIGURE_VI.get(n, n) for n in names) + "."
        return t.FIGURE_VI.get(text, text)

    import functools

    from matplotlib.ticker import FixedFormatter, FuncFormatter

    for ax in fig.axes:  # categorical tick labels are redrawn from their formatter
        for axis in (ax.xaxis, ax.yaxis):
            formatter = axis.get_major_formatter()
            if isinstance(formatter, FixedFormatter):
                formatter.seq = [line(str(s)) for s in formatter.seq]
            elif isinstance(formatter, FuncFormatter) and isinstance(formatter.func, functools.partial):
                func = formatter.func
                if func.args and isinstance(func.args[0], dict):
                    labels = {k: line(str(v)) for k, v in func.args[0].items()}
                    formatter.func = functools.partial(func.func, labels, *func.args[1:])
    for artist in fig.findobj(Text):
        text = artist.get_text()
        if text:
            whole = line(text)
            artist.set_text(whole if whole != text else "\n".join(line(p) for p in text.split("\n")))


def _require_columns(frame: pd.DataFrame, columns: Sequence[str], what: str, *, hint: str = "") -> None:
    """Raise a DGIError naming ``what``'s missing ``columns`` (then ``hint``, when given)."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        msg = f"{what} lacks column(s) {missing}" + (f": {hint}." if hint else ".")
        raise DGIError(msg)


# ---------------------------------------------------------------------- survey pipeline helpers
#: Margins the report rakes to (names of :func:`dgi_stats.simulate.frame_margins`).
RAKING_MARGINS = ("district_sex_age_group", "district_ethnicity")
#: Variance methods of :func:`analyse_survey`.
VARIANCE_METHODS = ("taylor", "jkn", "bootstrap")


@dataclass(frozen=True, slots=True, repr=False)
class SurveyAnalysis:
    """One year's survey taken through the report's pipeline (design, raking, scores).

    Attributes
    ----------
    year : int
    spec : IndexSpec
        The year's index specification.
    data : pandas.DataFrame
        Respondents as read (never modified).
    synthetic : bool
        True for the bundled SYNTHETIC survey.
    files : dict
        Role ("survey", "margins") -> the file used (for provenance); None when not used.
    margins : tuple of pandas.Series
        Population margins raked to (empty when the survey was not raked).
    design : SurveyDesign
        The design with the survey's weights (nonresponse-adjusted when available), before raking
        (a replicate design unless the variance is by Taylor linearisation).
    raked : SurveyDesign
        The design after raking every replicate to ``margins`` (``design`` when not raked).
    scores : Scores
        Every measure for every unit with its covariance and replicate estimates.
    weight_column : str
        The data column the weights were taken from.
    """

    year: int
    spec: Any
    data: pd.DataFrame
    synthetic: bool
    files: dict[str, Any]
    margins: tuple[pd.Series, ...]
    design: Any
    raked: Any
    scores: Any
    weight_column: str

    def __repr__(self) -> str:
        kind = "SYNTHETIC bundled survey" if self.synthetic else "survey file"
        return (
            f"SurveyAnalysis({self.year}, {kind}, {len(self.data)} respondents, "
            f"{self.scores.estimate.shape[0]} units, raked={bool(self.margins)})"
        )


def _bundled_files(year: int) -> dict[str, Any]:
    """The bundled SYNTHETIC files of ``year`` (importlib.resources Traversables)."""
    from importlib.resources import files as resource_files

    from dgi_stats.datasets.generate import file_names

    names = file_names(year)
    folder = resource_files("dgi_stats.datasets").joinpath("synthetic")
    return {"survey": folder.joinpath(names["respondents"]), "margins": folder.joinpath(names["frame"])}


def read_margins(path: str | Path, *, encoding: str | None = None) -> dict[str, pd.Series]:
    """Population margins from a table of adult counts by district x sex x age group x ethnicity.

    Parameters
    ----------
    path : str or Path
        CSV, Parquet, SPSS or Stata file (read by :func:`dgi_stats.io.read_survey`) with columns
        ``district``, ``sex``, ``age_group``, ``ethnicity`` and ``adults`` (one row per cell or per
        village x cell, as the bundled frame); district names are matched tolerantly ("TP Uông
        Bí" -> "Uông Bí"), the other categories must be spelled as in the survey file.
    encoding : str, optional
        Text encoding of a CSV file, for example ``"cp1258"``. default: None (UTF-8 or UTF-16).

    Returns
    -------
    dict of str to pandas.Series
        The margins of :func:`dgi_stats.simulate.frame_margins`.

    Raises
    ------
    DGIError
        If the file is missing, unreadable, lacks a column or names an unknown district.
    """
    from dgi_stats.simulate.engine import frame_margins
    from dgi_stats.units import match_units

    frame = _read_table(Path(path), what="margins", encoding=encoding)
    need = ["district", "sex", "age_group", "ethnicity", "adults"]
    _require_columns(frame, need, f"margins file {str(path)!r}",
                     hint=f"it needs adult counts with the columns {need}")
    try:
        frame["district"] = match_units([str(v) for v in frame["district"]])
    except DGIError as exc:
        raise DGIError(f"margins file {str(path)!r}: column 'district': {exc}") from None
    return frame_margins(frame)


def _margins_from(obj: Any) -> dict[str, pd.Series]:
    from dgi_stats.simulate.engine import frame_margins

    if isinstance(obj, Mapping):
        return dict(obj)
    if isinstance(obj, pd.DataFrame):
        return frame_margins(obj)
    msg = f"unexpected margins object of type {type(obj).__name__}."
    raise DGIError(msg)


#: Columns of the bundled surveys that describe the sampling frame: the commune's inclusion
#: probability (certainty PSUs have 1) and the population sizes of the two stages and of the village.
FRAME_COLUMNS = ("pi_commune", "communes_in_unit", "villages_in_commune", "adults_in_village")


def _columns_option(value: Any, *, name: str) -> list[str] | bool | None:
    """``None`` (default), ``False`` (none) or column names (a list, or one string "a,b")."""
    if value is None or value is False:
        return value
    if isinstance(value, str):
        if value.strip().lower() in ("", "none"):
            return False
        return [c.strip() for c in value.split(",") if c.strip()]
    if isinstance(value, Sequence) and all(isinstance(c, str) for c in value):
        return list(value)
    msg = (
        f"The {name!r} parameter must be None (the bundled frame columns when present), False "
        f"(none) or column name(s). Got {value!r} instead."
    )
    raise DGIError(msg)


def design_options(
    data: pd.DataFrame, *, certainty: Any = None, fpc: Any = None
) -> tuple[str | None, list[str] | None]:
    """The certainty and fpc columns of the report's design for ``data``.

    Parameters
    ----------
    data : pandas.DataFrame
        The survey.
    certainty : str, False or None
        Column of the communes' inclusion probabilities (1 = certainty PSU) or a certainty flag;
        False: no certainty PSUs. default: None, ``"pi_commune"`` when the survey has every column
        of :data:`FRAME_COLUMNS` (as the bundled surveys), else none.
    fpc : list of str, str "a,b[,c]", False or None
        Population sizes per stage (see :class:`~dgi_stats.survey.design.SurveyDesign`); False: no fpc.
        default: None, the bundled columns when present (``communes_in_unit``,
        ``villages_in_commune`` and, with certainty PSUs, ``adults_in_village``), else none.

    Returns
    -------
    (certainty, fpc) : (str or None, list of str or None)
    """
    cert = _columns_option(certainty, name="certainty")
    fpc_opt = _columns_option(fpc, name="fpc")
    bundled = all(c in data.columns for c in FRAME_COLUMNS)
    if cert is None:
        cert_col: str | None = FRAME_COLUMNS[0] if bundled and fpc_opt is not False else None
    elif cert is False:
        cert_col = None
    else:
        assert isinstance(cert, list)
        if len(cert) != 1:
            msg = f"The 'certainty' parameter names one column. Got {certainty!r} instead."
            raise DGIError(msg)
        cert_col = cert[0]
    if fpc_opt is None:
        stages = FRAME_COLUMNS[1:] if cert_col is not None else FRAME_COLUMNS[1:3]
        fpc_cols = list(stages) if bundled else None
    elif fpc_opt is False:
        fpc_cols = None
    else:
        assert isinstance(fpc_opt, list)
        fpc_cols = fpc_opt
    return cert_col, fpc_cols


def _design(data: pd.DataFrame, spec: Any, *, lonely_psu: str, certainty: Any, fpc: Any) -> Any:
    """The report's design: strata = units, PSU = commune, SSU = village, the report's weights."""
    from dgi_stats.survey.design import SurveyDesign

    cert_col, fpc_cols = design_options(data, certainty=certainty, fpc=fpc)
    return SurveyDesign(
        data, weights=_weight_column(data), strata=spec.unit_column, psu="commune_id",
        ssu="village_id", nest=True, certainty=cert_col, fpc=fpc_cols,
        lonely_psu=lonely_psu,  # type: ignore[arg-type]
    )


def analyse_survey(
    year: int,
    *,
    data_path: str | Path | None = None,
    margins_path: str | Path | None = None,
    variance: str = "taylor",
    n_replicates: int = 200,
    rng: Any = None,
    encoding: str | None = None,
    lonely_psu: str = "fail",
    certainty: Any = None,
    fpc: Any = None,
) -> SurveyAnalysis:
    """Take one year's survey through the report's pipeline: design, raking, scores.

    The steps, each a dgi_stats call: read the survey (the bundled SYNTHETIC one when
    ``data_path`` is None) with :func:`dgi_stats.io.read_survey`, unit names made canonical
    ("TP Uông Bí" -> "Uông Bí"); build a stratified (unit) two-stage (commune, village) design
    with the nonresponse-adjusted weights (``nr_weight``, else ``design_weight``), certainty
    communes and fpc from the frame columns when present; rake it to the
    population margins (unit x sex x age group and unit x ethnicity; the bundled margins with the
    bundled survey, ``margins_path`` otherwise, no raking when a survey file comes without
    margins); score every measure of the year's spec with :func:`dgi_stats.scores.index.score`.

    Variances are by Taylor linearisation with the raking step residualised (R's ``svyrecvar``
    after ``rake``), by default. ``variance="jkn"`` (delete-one-PSU jackknife) and
    ``"bootstrap"`` (Rao–Wu, ``n_replicates``) rake every replicate again; they fail with a clear
    error when a raking category of a unit occurs in too few PSUs for some replicate to contain
    it (with the bootstrap, a category found in 2 of 6 communes is missing from about 13 % of the
    replicates), which is why Taylor is the default.

    Parameters
    ----------
    year : int
        Survey year (its spec is :func:`dgi_stats.datasets.load_spec`).
    data_path, margins_path : str or Path, optional
        Survey file and margins file (see :func:`check_survey_file`, :func:`read_margins`).
    variance : {"taylor", "jkn", "bootstrap"}
        Variance method. default: "taylor".
    n_replicates : int
        Bootstrap replicates (``variance="bootstrap"`` only). default: 200.
    rng : int, Generator or None
        Random numbers of the bootstrap. default: None.
    encoding : str, optional
        Text encoding of CSV files (survey and margins), e.g. ``"cp1258"``. default: None
        (UTF-8 or UTF-16, detected).
    lonely_psu : {"fail", "remove", "certainty", "adjust", "average"}
        Strata (units) with a single PSU (commune); see :class:`~dgi_stats.survey.design.SurveyDesign`.
        default: "fail".
    certainty, fpc : optional
        Certainty-PSU column and fpc columns (see :func:`design_options`). default: None, the
        bundled frame columns when the survey has them.

    Returns
    -------
    SurveyAnalysis

    Raises
    ------
    DGIError
        Bad files or parameters (see the functions called).
    """
    from dgi_stats import datasets

    year = _check_year(year)
    spec = datasets.load_spec(year)
    synthetic = data_path is None
    files: dict[str, Any]
    if synthetic:
        data = datasets.load_survey(year)
        margins_all: dict[str, pd.Series] | None = _margins_from(datasets.load_margins(year))
        files = _bundled_files(year)
        if margins_path is not None:
            margins_all = read_margins(margins_path, encoding=encoding)
            files["margins"] = Path(margins_path)
    else:
        assert data_path is not None
        data = check_survey_file(data_path, spec, encoding=encoding)
        files = {"survey": Path(data_path), "margins": None}
        margins_all = None
        if margins_path is not None:
            margins_all = read_margins(margins_path, encoding=encoding)
            files["margins"] = Path(margins_path)
    return _analyse(
        year, spec, data, synthetic=synthetic, files=files, margins_all=margins_all,
        variance=variance, n_replicates=n_replicates, rng=rng, lonely_psu=lonely_psu,
        certainty=certainty, fpc=fpc,
    )


def _analyse(
    year: int, spec: Any, data: pd.DataFrame, *, synthetic: bool, files: dict[str, Any],
    margins_all: dict[str, pd.Series] | None, variance: str, n_replicates: int, rng: Any,
    lonely_psu: str, certainty: Any, fpc: Any,
) -> SurveyAnalysis:
    """Design, raking and scores of a survey table that was read and checked."""
    from dgi_stats._rng import as_generator
    from dgi_stats._validation import check_choice
    from dgi_stats.survey.design import LONELY_PSU_OPTIONS
    from dgi_stats.scores.index import score
    from dgi_stats.survey.weighting import rake

    gen = as_generator(rng)
    unit = spec.unit_column
    check_choice(variance, VARIANCE_METHODS, name="variance", func="analyse_survey")
    check_choice(lonely_psu, LONELY_PSU_OPTIONS, name="lonely_psu", func="analyse_survey")
    # certainty communes as strata of their own with stage-1 and stage-2 fpc from the frame when
    # the file carries them (the bundled surveys do); otherwise communes drawn with replacement.
    # Which one was used: design.certainty_psus (None without certainty PSUs).
    design = _design(data, spec, lonely_psu=lonely_psu, certainty=certainty, fpc=fpc)
    if variance == "jkn":
        design = design.replicate("jkn")
    elif variance == "bootstrap":
        design = design.replicate("bootstrap", n_replicates=n_replicates, rng=gen)
    margins: tuple[pd.Series, ...] = ()
    raked = design
    if margins_all is not None:
        missing = [m for m in RAKING_MARGINS if m not in margins_all]
        if missing:
            msg = f"the margins lack {missing}; they need {list(RAKING_MARGINS)}."
            raise DGIError(msg)
        margins = tuple(margins_all[m] for m in RAKING_MARGINS)
        raked = rake(design, list(margins))
    label = f"DGI {year}, " + ("SYNTHETIC survey" if synthetic else "survey file")
    scores = score(raked, spec, by=unit, label=label)
    return SurveyAnalysis(
        year=year, spec=spec, data=data, synthetic=synthetic, files=files, margins=margins,
        design=design, raked=raked, scores=scores, weight_column=_weight_column(data),
    )


@dataclass(frozen=True, slots=True, repr=False)
class SurveyCheck:
    """What :func:`validate_survey` found.

    Attributes
    ----------
    data : pandas.DataFrame or None
        The survey as read, unit names canonical (None when the file could not be read).
    problems : list of str
        One message per problem; empty when the report's analysis runs on the file.
    """

    data: pd.DataFrame | None
    problems: list[str]

    @property
    def ok(self) -> bool:
        """True when there is no problem."""
        return not self.problems

    def __repr__(self) -> str:
        n = "unreadable" if self.data is None else f"{len(self.data)} respondents"
        return f"SurveyCheck({n}, {len(self.problems)} problem(s))"


def validate_survey(
    year: int,
    data_path: str | Path,
    *,
    margins_path: str | Path | None = None,
    encoding: str | None = None,
    variance: str = "taylor",
    n_replicates: int = 200,
    lonely_psu: str = "fail",
    certainty: Any = None,
    fpc: Any = None,
    rng: Any = 0,
) -> SurveyCheck:
    """Every check the report's analysis makes on a survey file, all problems collected.

    Reads the file as :func:`analyse_survey` does, checks it with :func:`survey_problems`
    (columns, answer codes, respondent ids, unit names, weights) and the margins file, then,
    when these pass, builds the design exactly as :func:`analyse_survey` (certainty PSUs, fpc,
    lonely PSUs, replicates), rakes it to the margins and scores it, reporting the error of any
    step. ``dgi-stats validate`` prints one line per problem.

    Parameters
    ----------
    year : int
        Survey year.
    data_path : str or Path
        The survey file.
    margins_path, encoding, variance, n_replicates, lonely_psu, certainty, fpc
        As for :func:`analyse_survey`.
    rng : int, Generator or None
        Random numbers of the bootstrap. default: 0.

    Returns
    -------
    SurveyCheck

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from dgi_stats.datasets import load_survey
    >>> data = load_survey(2021)
    >>> data.loc[3, "nr_weight"] = -1.0
    >>> data.loc[data["district"] == "Cô Tô", "district"] = "Co To Island"
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "survey.csv"
    ...     data.to_csv(path, index=False)
    ...     found = validate_survey(2021, path)
    >>> found.ok, len(found.problems)
    (False, 2)
    """
    from dgi_stats import datasets

    year = _check_year(year)
    spec = datasets.load_spec(year)
    p = Path(data_path)
    try:
        data = _read_table(p, what="survey", encoding=encoding)
    except DGIError as exc:
        return SurveyCheck(None, [str(exc)])
    problems = survey_problems(data, spec, name=f"survey file {str(p)!r}")
    margins_all = None
    if margins_path is not None:
        try:
            margins_all = read_margins(margins_path, encoding=encoding)
        except DGIError as exc:
            problems.append(str(exc))
    if not problems:
        files = {"survey": p, "margins": None if margins_path is None else Path(margins_path)}
        try:
            analysis = _analyse(
                year, spec, data, synthetic=False, files=files, margins_all=margins_all,
                variance=variance, n_replicates=n_replicates, rng=rng, lonely_psu=lonely_psu,
                certainty=certainty, fpc=fpc,
            )
        except DGIError as exc:
            problems.append(f"the report's analysis of {str(p)!r} fails: {exc}")
        else:
            df = analysis.scores.df_frame
            if df is not None and "total" in df.columns:
                zero = [str(u) for u in df.index[~(df["total"].to_numpy(dtype=float) >= 1)]]
                if zero:
                    problems.append(
                        f"unit(s) {zero} of {str(p)!r} have 0 design degrees of freedom (a single "
                        f"commune; lonely_psu={lonely_psu!r} gives a variance but no degrees of "
                        "freedom), so the report can give them no confidence interval, rank set or "
                        "test. Survey at least two communes per unit, or merge the unit with "
                        "another in the file's district column."
                    )
    return SurveyCheck(data, problems)


def previous_inputs(
    year: int,
    *,
    data_path: str | Path | None = None,
    previous_data_path: str | Path | None = None,
    previous_margins_path: str | Path | None = None,
) -> dict[str, Path | None] | None:
    """The survey a report of ``year`` compares with (change section), or None when there is none.

    The rule never mixes a survey file with the bundled SYNTHETIC survey:

    - the bundled survey (``data_path`` None): the bundled SYNTHETIC survey of ``year - 1``
      (its bundled margins unless ``previous_margins_path``);
    - a survey file (``data_path`` given): ``previous_data_path`` (and ``previous_margins_path``)
      when given; without it there is **no previous year**;
    - the first year of the series: no previous year.

    Returns
    -------
    dict or None
        ``{"data_path": ..., "margins_path": ...}`` (None: bundled), or None (no previous year).

    Raises
    ------
    DGIError
        Previous-year files for a year whose year before has no specification; a previous-year
        survey file with the bundled survey (``data_path`` None); previous-year margins without
        the previous-year survey file when ``data_path`` is given.

    Examples
    --------
    >>> previous_inputs(2021)
    {'data_path': None, 'margins_path': None}
    >>> previous_inputs(2021, data_path="survey_2021.csv") is None
    True
    >>> previous_inputs(2020) is None
    True
    """
    year = _check_year(year)
    given = previous_data_path is not None or previous_margins_path is not None
    if year - 1 not in _years():
        if given:
            msg = f"previous-year files were given, but {year - 1} has no DGI specification."
            raise DGIError(msg)
        return None
    if data_path is None and previous_data_path is not None:
        msg = (
            f"a {year - 1} survey file (previous_data_path / --previous-data) was given without a "
            f"{year} survey file (data_path / --data): the report would compare your "
            f"{year - 1} survey with the bundled SYNTHETIC {year} survey. Give the {year} survey "
            "file as well."
        )
        raise DGIError(msg)
    if data_path is not None and previous_data_path is None:
        if previous_margins_path is not None:
            msg = (
                f"{year - 1} margins (previous_margins_path / --previous-margins) were given "
                f"without the {year - 1} survey file: give it with previous_data_path / "
                "--previous-data."
            )
            raise DGIError(msg)
        return None
    return {
        "data_path": None if previous_data_path is None else Path(previous_data_path),
        "margins_path": None if previous_margins_path is None else Path(previous_margins_path),
    }


def previous_survey(
    year: int,
    *,
    data_path: str | Path | None = None,
    previous_data_path: str | Path | None = None,
    previous_margins_path: str | Path | None = None,
    variance: str = "taylor",
    n_replicates: int = 200,
    rng: Any = None,
    encoding: str | None = None,
    lonely_psu: str = "fail",
    certainty: Any = None,
    fpc: Any = None,
) -> SurveyAnalysis | None:
    """The survey of ``year - 1`` through :func:`analyse_survey` (with the same options), chosen
    by :func:`previous_inputs`; None when there is no previous year (then nothing is read)."""
    prev = previous_inputs(year, data_path=data_path, previous_data_path=previous_data_path,
                           previous_margins_path=previous_margins_path)
    if prev is None:
        return None
    return analyse_survey(
        year - 1, data_path=prev["data_path"], margins_path=prev["margins_path"],
        variance=variance, n_replicates=n_replicates, rng=rng, encoding=encoding,
        lonely_psu=lonely_psu, certainty=certainty, fpc=fpc,
    )


def no_previous_year(year: int, *, what: str = "change", lang: str = "en") -> Any:
    """The note shown instead of a result that needs the year before, when none was given.

    Parameters
    ----------
    year : int
        The report year.
    what : {"change", "uong_bi", "planning"}
        Which part of the report the note replaces. default: "change".
    lang : {"en", "vi"}
        Language. default: "en".

    Returns
    -------
    IPython.display.Markdown

    Examples
    --------
    >>> "--previous-data" in no_previous_year(2021).data
    True
    """
    from IPython.display import Markdown

    t = _texts()
    prev = year - 1
    how = t.pick(t.STATEMENTS["how_previous"], lang).format(year=year, prev=prev)
    key = {"uong_bi": "no_previous_uong_bi", "planning": "no_previous_planning"}.get(
        what, "no_previous_change")
    return Markdown(t.pick(t.STATEMENTS[key], lang).format(year=year, prev=prev) + how)


# ------------------------------------------------------------------------- report sections
def spawn_seeds(seed: int, names: Sequence[str]) -> dict[str, np.random.SeedSequence]:
    """Independent seeds for the named random steps of a report, all derived from ``seed``.

    Each step gets its own stream, so adding or reordering a step never changes the numbers of the
    others.

    Examples
    --------
    >>> seeds = spawn_seeds(1, ["survey", "ranks"])
    >>> int(np.random.default_rng(seeds["ranks"]).integers(10**6)) == int(
    ...     np.random.default_rng(spawn_seeds(1, ["survey", "ranks"])["ranks"]).integers(10**6))
    True
    """
    children = np.random.SeedSequence(int(seed)).spawn(len(names))
    return dict(zip(names, children, strict=True))


def input_files(
    year: int,
    *,
    data_path: str | Path | None = None,
    margins_path: str | Path | None = None,
    previous_data_path: str | Path | None = None,
    previous_margins_path: str | Path | None = None,
) -> dict[str, Any]:
    """Every input file a report of ``year`` reads (bundled resources when paths are None).

    Roles ``survey`` and ``margins``, then, when the year before has a specification,
    ``previous_survey`` and ``previous_margins``: the files chosen by :func:`previous_inputs`
    (None, listed as "not used", when there is no previous year).

    Examples
    --------
    >>> sorted(input_files(2021))
    ['margins', 'previous_margins', 'previous_survey', 'survey']
    >>> input_files(2021, data_path="survey_2021.csv")["previous_survey"] is None
    True
    """
    year = _check_year(year)
    if data_path is None:
        files = _bundled_files(year)
    else:
        files = {"survey": Path(data_path), "margins": None}
    if margins_path is not None:
        files["margins"] = Path(margins_path)
    prev = previous_inputs(year, data_path=data_path, previous_data_path=previous_data_path,
                           previous_margins_path=previous_margins_path)
    if prev is not None:
        if prev["data_path"] is None:  # the bundled survey of the year before
            bundled = _bundled_files(year - 1)
            files["previous_survey"] = bundled["survey"]
            files["previous_margins"] = (
                bundled["margins"] if prev["margins_path"] is None else prev["margins_path"]
            )
        else:
            files["previous_survey"] = prev["data_path"]
            files["previous_margins"] = prev["margins_path"]
    elif year - 1 in _years():
        files["previous_survey"] = None
        files["previous_margins"] = None
    return files


def published_figures(year: int, *, index: str = "DGI") -> pd.DataFrame:
    """The published figures of ``year`` and the year before, with their sources.

    Examples
    --------
    >>> pub = published_figures(2021)
    >>> float(pub.query("unit == 'Uông Bí' and measure == 'total' and year == 2021")["value"].iloc[0])
    75.24
    """
    from dgi_stats.datasets import load_published

    pub = load_published()
    keep = (pub["index"] == index) & pub["year"].isin([year - 1, year])
    cols = ["year", "unit", "measure", "value", "rank", "source", "note"]
    return pub.loc[keep, cols].sort_values(["year", "unit", "measure"], kind="stable").reset_index(drop=True)


def _decimals(x: float) -> int:
    text = repr(float(x))
    return len(text.split(".")[1]) if "." in text and "e" not in text else 0


def published_arithmetic(year: int) -> pd.DataFrame:
    """Check the published index arithmetic of ``year`` with dgi_stats' scoring functions.

    Where a unit's eight dimension scores are published, their sum
    (:func:`dgi_stats.scores.answers.total_from_dimensions`) is compared with the published total;
    published totals are turned into the composite % (:func:`dgi_stats.scores.answers.composite_percent`)
    and compared with the published composite, rounded as published.

    Returns
    -------
    pandas.DataFrame
        One row per check: ``check``, ``computed``, ``published``, ``agrees`` (computed rounded to
        the published decimals equals the published value). Empty when the year has no such
        figures.

    Examples
    --------
    >>> row = published_arithmetic(2021).iloc[0]
    >>> float(row["computed"]), float(row["published"]), bool(row["agrees"])
    (75.24, 75.24, True)
    """
    from dgi_stats.datasets import load_published, load_spec
    from dgi_stats.scores.answers import composite_percent, total_from_dimensions

    pub = load_published()
    pub = pub.loc[(pub["index"] == "DGI") & (pub["year"] == year)]
    dims = load_spec(year).dimension_ids
    rows = []
    for unit, grp in pub.dropna(subset=["unit"]).groupby("unit", sort=True):
        vals = grp.set_index("measure")["value"]
        if set(dims) <= set(vals.index) and "total" in vals.index:
            total = total_from_dimensions(vals[dims].astype(float))
            rows.append((f"{unit}: sum of the 8 dimension scores = total", total, float(vals["total"])))
        if "total" in vals.index and "composite" in vals.index:
            comp = composite_percent(float(vals["total"]), len(dims))
            rows.append((f"{unit}: total / 80 x 100 = composite %", comp, float(vals["composite"])))
    means = pub.loc[pub["unit"].isna()].set_index("measure")["value"]
    if "mean_total" in means.index and "mean_composite" in means.index:
        comp = composite_percent(float(means["mean_total"]), len(dims))
        rows.append(("mean of the units: mean total / 80 x 100 = mean composite %", comp,
                     float(means["mean_composite"])))
    out = pd.DataFrame(rows, columns=["check", "computed", "published"])
    out["agrees"] = [
        bool(round(float(c), _decimals(p)) == p) for c, p in zip(out["computed"], out["published"], strict=True)
    ]
    return out


def sample_table(analysis: SurveyAnalysis) -> pd.DataFrame:
    """Sample and weights per unit: respondents, PSUs, villages, weight sums, effective sizes.

    Columns: ``respondents``, ``communes`` (PSUs), ``villages``, ``adults`` (population, from the
    margins; NA without margins), ``weight_sum_before`` / ``weight_sum_after`` raking,
    ``effective_n_before`` / ``effective_n_after`` (Kish), ``weighting_deff_after``.
    """
    from dgi_stats.survey.weighting import (
        kish_effective_sample_size,
        weight_summary,
        weighting_design_effect,
    )

    unit = analysis.spec.unit_column
    data = analysis.data
    grouped = data.groupby(unit, sort=True)
    out = pd.DataFrame(
        {
            "respondents": grouped.size(),
            "communes": grouped["commune_id"].nunique(),
            "villages": grouped["village_id"].nunique(),
        }
    )
    if analysis.margins:
        out["adults"] = analysis.margins[0].groupby(level=unit).sum().reindex(out.index).astype("Int64")
    else:
        out["adults"] = pd.array([pd.NA] * len(out), dtype="Int64")
    before = weight_summary(analysis.design, by=unit)
    after = weight_summary(analysis.raked, by=unit)
    out["weight_sum_before"] = before["sum"].reindex(out.index)
    out["weight_sum_after"] = after["sum"].reindex(out.index)
    for col, value in (
        ("effective_n_before", kish_effective_sample_size(analysis.design, by=unit)),
        ("effective_n_after", kish_effective_sample_size(analysis.raked, by=unit)),
        ("weighting_deff_after", weighting_design_effect(analysis.raked, by=unit)),
    ):
        out[col] = pd.Series(value).reindex(out.index)
    return out.reindex(_unit_order(out.index)).rename_axis("unit")


def _unit_order(index: pd.Index) -> pd.Index:
    """Units in the catalogue order (cities, towns, districts), unknown names after, as given."""
    from dgi_stats.units import UNITS

    known = [u.name for u in UNITS if u.name in set(index)]
    rest = [u for u in index if u not in set(known)]
    return pd.Index(known + rest, name=index.name)


def weighting_table(analysis: SurveyAnalysis) -> pd.DataFrame:
    """Share of women and of the Kinh majority per unit: sample, weighted before and after raking,
    population.

    Raking is meant to move the weighted shares onto the population shares; the table shows it did.
    Columns ``<group>_<stage>`` with group ``female`` / ``kinh`` and stage ``sample`` (unweighted),
    ``before`` (survey weights), ``after`` (raked weights), ``population`` (from the margins; NaN
    without margins), in %.
    """
    unit = analysis.spec.unit_column
    data = analysis.data
    w_before = pd.Series(np.asarray(analysis.design.weights, dtype=float), index=data.index)
    w_after = pd.Series(np.asarray(analysis.raked.weights, dtype=float), index=data.index)
    cols: dict[str, pd.Series] = {}
    margins = {tuple(m.index.names): m for m in analysis.margins}
    for group, column, level in (("female", "sex", "female"), ("kinh", "ethnicity", "kinh")):
        if column not in data.columns:
            continue
        flag = (data[column] == level).astype(float)
        g = data[unit]
        cols[f"{group}_sample"] = flag.groupby(g).mean() * 100
        for stage, w in (("before", w_before), ("after", w_after)):
            cols[f"{group}_{stage}"] = (flag * w).groupby(g).sum() / w.groupby(g).sum() * 100
        pop = None
        for names, m in margins.items():
            if column in names:
                pop = m.groupby(level=[unit, column]).sum()
        if pop is not None:
            share = pop.xs(level, level=column) / pop.groupby(level=unit).sum() * 100
            cols[f"{group}_population"] = share.astype(float)
        else:
            cols[f"{group}_population"] = pd.Series(np.nan, index=cols[f"{group}_sample"].index)
    out = pd.DataFrame(cols)
    return out.reindex(_unit_order(out.index)).rename_axis("unit")


def item_nonresponse(analysis: SurveyAnalysis, *, top: int | None = 10) -> pd.DataFrame:
    """Missing answers per indicator, by reason, counted (never dropped), most missing first.

    Columns: ``item``, ``dont_know``, ``refused``, ``blank``, ``not_applicable``, ``answered``,
    ``missing_pct`` (don't know + refused + blank, as % of those asked). ``top`` keeps the first
    rows (None: all).
    """
    scored = analysis.spec.score_items(analysis.data)
    miss = scored.missing.copy()
    asked = len(analysis.data) - miss["not_applicable"]
    missing = miss["dont_know"] + miss["refused"] + miss["blank"]
    item_of = {ind.id: ind.item for d in analysis.spec.dimensions for s in d.subdimensions
               for ind in s.indicators}
    miss.insert(0, "item", [item_of.get(i, "") for i in miss.index])
    miss["answered"] = asked - missing
    miss["missing_pct"] = (missing / asked.where(asked > 0) * 100).astype(float)
    miss = miss.sort_values("missing_pct", ascending=False, kind="stable")
    return miss if top is None else miss.head(top)


def results_table(
    scores: Any, *, confidence_level: float = 0.95, measures: Sequence[str] | None = None
) -> pd.DataFrame:
    """Every dimension, the total and the composite % per unit as "estimate [low, high]" text.

    Parameters
    ----------
    scores : Scores
    confidence_level : float
        Level of the intervals (t with the design df). default: 0.95.
    measures : sequence of str, optional
        default: the dimensions, ``total`` and ``composite``.

    Returns
    -------
    pandas.DataFrame
        Units (catalogue order) x measures, strings such as ``"9.44 [9.31, 9.57]"``.
    """
    if measures is None:
        measures = [m for m in scores.measures if _is_dimension(m)] + ["total", "composite"]
    ci = scores.select(measures=list(measures)).confidence_interval(confidence_level)
    text = (
        ci["estimate"].map("{:.2f}".format) + " ["
        + ci["ci_low"].map("{:.2f}".format) + ", " + ci["ci_high"].map("{:.2f}".format) + "]"
    )
    wide = text.unstack("measure").reindex(columns=list(measures))
    return wide.reindex(_unit_order(wide.index)).rename_axis("unit")


def _is_dimension(measure: Any) -> bool:
    return bool(re.match(r"^d\d+_(?!s\d+(_|$))[a-z][a-z0-9_]*$", str(measure)))


def truth_table(analysis: SurveyAnalysis, *, confidence_level: float = 0.95) -> pd.DataFrame | None:
    """For the SYNTHETIC survey: the total's estimate and interval beside the true population total.

    The simulator knows the truth, so the reader can see intervals at work. Returns None for a
    survey file (whose truth is unknown).

    Columns: ``estimate``, ``ci_low``, ``ci_high``, ``true_total``, ``covered``.
    """
    if not analysis.synthetic:
        return None
    from dgi_stats.datasets import load_true_scores

    truth = load_true_scores(analysis.year, measures="all")["total"]
    ci = analysis.scores["total"].confidence_interval(confidence_level).droplevel("measure")
    out = ci[["estimate", "ci_low", "ci_high"]].copy()
    out["true_total"] = truth.reindex(out.index).astype(float)
    out["covered"] = (out["ci_low"] <= out["true_total"]) & (out["true_total"] <= out["ci_high"])
    return out.reindex(_unit_order(out.index)).rename_axis("unit")


def focus_units(year: int, scores: Any) -> list[str]:
    """Units a report looks at closely: those with a published figure for ``year`` or the year
    before, and the unit with the highest estimated total.

    Examples
    --------
    >>> import pandas as pd
    >>> from dgi_stats.scores.pivot import Scores
    >>> s = Scores.from_estimates(pd.DataFrame({"total": [70.0, 71.0]}, index=["Uông Bí", "Cô Tô"]),
    ...                           pd.DataFrame({"total": [1.0, 1.0]}, index=["Uông Bí", "Cô Tô"]))
    >>> focus_units(2021, s)
    ['Uông Bí', 'Cô Tô']
    """
    from dgi_stats.datasets import load_published

    pub = load_published()
    sel = pub.loc[(pub["index"] == "DGI") & pub["year"].isin([year - 1, year])]
    names = [u for u in pd.unique(sel["unit"].dropna()) if u in set(scores.units)]
    best = str(scores.estimate["total"].idxmax())
    return list(dict.fromkeys([*map(str, names), best]))


def rank_table(
    marginal: Any,
    simultaneous: Any,
    *,
    probabilities: Any = None,
    bands: pd.Series | None = None,
) -> pd.DataFrame:
    """One row per unit (best first): total, rank, marginal and simultaneous rank sets, P(1st).

    Parameters
    ----------
    marginal, simultaneous : RankConfidenceSets
        From :func:`dgi_stats.ranks.rank_confidence_sets` with ``simultaneous=False`` / ``True``.
    probabilities : RankProbabilities, optional
        From :func:`dgi_stats.ranks.rank_probabilities` (adds its ``top_k`` columns, descriptive).
    bands : pandas.Series, optional
        Performance band of each unit.

    Returns
    -------
    pandas.DataFrame
        Columns ``total``, ``std_error``, ``rank``, ``marginal_lower``, ``marginal_upper``,
        ``simultaneous_lower``, ``simultaneous_upper`` and optionally ``p_top_1`` ... and ``band``.
    """
    m = marginal.to_frame()
    s = simultaneous.to_frame().reindex(m.index)
    out = pd.DataFrame(
        {
            "total": m["estimate"],
            "std_error": m["std_error"],
            "rank": m["rank"].astype(int),
            "marginal_lower": m["lower"].astype(int),
            "marginal_upper": m["upper"].astype(int),
            "simultaneous_lower": s["lower"].astype(int),
            "simultaneous_upper": s["upper"].astype(int),
        },
        index=m.index,
    )
    if probabilities is not None:
        topk = probabilities.top_k.reindex(out.index)
        for col in topk.columns:
            out[f"p_{col}"] = topk[col].astype(float)
    if bands is not None:
        out["band"] = bands.reindex(out.index)
    out.index.name = "unit"
    return out


CHANGE_COLUMNS = (
    "score_before", "score_after", "score_change", "score_change_ci_low", "score_change_ci_high",
    "score_change_pvalue", "score_change_pvalue_holm", "rank_before", "rank_after",
    "places_gained", "places_gained_lower", "places_gained_upper", "pvalue",
)


def change_table(test: Any) -> pd.DataFrame:
    """The score change and the rank change of every unit from a rank-change test, best first.

    Parameters
    ----------
    test : RankChangeTest
        From :func:`dgi_stats.ranks.rank_change_test` (all units, simultaneous).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`CHANGE_COLUMNS` that the test reports, sorted by rank after.
    """
    table = test.to_frame()
    cols = [c for c in CHANGE_COLUMNS if c in table.columns]
    out = table[cols].sort_values("rank_after", kind="stable")
    out.index.name = "unit"
    return out


def _fmt_p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def rank_change_statement(
    test: Any, unit: str, *, year: int, synthetic: bool, lang: str = "en"
) -> str:
    """A paragraph (Markdown) answering "is this unit's rank change real?", with every number.

    It reports the three lines of the methods notes: the score change with its interval and
    p-value; the rank change with its one-sided lower confidence bound on places gained (a rise is
    established only when that bound is at least 1); and the published ranks, when there are any.

    Parameters
    ----------
    test : RankChangeTest
        A test of ``unit`` named in advance (``rank_change_test(..., unit=unit)``), or of all units.
    unit : str
        The unit.
    year : int
        The second year of the comparison.
    synthetic : bool
        Whether the surveys are the bundled SYNTHETIC ones (said in the text).
    lang : {"en", "vi"}
        Language. default: "en".
    """
    from dgi_stats.datasets import load_published

    row = test.to_frame().loc[unit]
    level = round(test.confidence_level * 100)
    lo, hi = row["score_change_ci_low"], row["score_change_ci_high"]
    gained = int(row["places_gained"])
    lower = int(row["places_gained_lower"])
    t = _texts()

    def say(key: str, **fields: Any) -> str:
        return str(t.pick(t.STATEMENTS[key], lang).format(**fields))

    data = say("data_synthetic" if synthetic else "data_files")
    pub = load_published()
    pub = pub.loc[(pub["index"] == "DGI") & (pub["unit"] == unit) & (pub["measure"] == "rank")]
    ranks = {int(y): int(r) for y, r in zip(pub["year"], pub["rank"], strict=True) if pd.notna(r)}
    lines = []
    if year - 1 in ranks and year in ranks:
        lines.append(say("published_ranks", unit=unit, r0=ranks[year - 1], y0=year - 1,
                         r1=ranks[year], y1=year, d=ranks[year - 1] - ranks[year]))
    lines.append(say("score_line", data=data, a=row["score_before"], b=row["score_after"],
                     c=row["score_change"], level=level, lo=lo, hi=hi,
                     p=_fmt_p(float(row["score_change_pvalue"]))))
    verdict = (
        say("rise_yes", unit=unit, lower=lower, s="s" if lower != 1 else "", level=level)
        if lower >= 1
        else say("rise_no", alpha=100 - level, level=level, lower=lower)
    )
    lines.append(say("rank_line", data=data, rb=int(row["rank_before"]), y0=year - 1,
                     ra=int(row["rank_after"]), y1=year, g=gained, verdict=verdict,
                     pv=float(row["pvalue"])))
    return "\n\n".join(lines)


def _pair(a: Any, b: Any) -> list[Any]:
    return [a, b]


def build_summary(
    analysis: SurveyAnalysis,
    *,
    confidence_level: float,
    seed: int,
    marginal: Any,
    simultaneous: Any,
    probabilities: Any = None,
    movers: Any = None,
    focus: Any = None,
    uncertainty: Any = None,
    bands: Any = None,
    planning: Mapping[str, Any] | None = None,
    previous: SurveyAnalysis | None = None,
) -> dict[str, Any]:
    """The headline numbers of a report, as a JSON-ready dict (see :func:`write_summary`).

    Parameters
    ----------
    analysis : SurveyAnalysis
    confidence_level : float
    seed : int
    marginal, simultaneous : RankConfidenceSets
    probabilities : RankProbabilities, optional
    movers : RankChangeTest, optional
        All units, simultaneous.
    focus : RankChangeTest, optional
        One unit named in advance (2021: Uông Bí).
    uncertainty : UncertaintyResult, optional
    bands : PerformanceBands, optional
    planning : mapping, optional
        Planning numbers to store as they are (see :func:`planning_summary`).
    previous : SurveyAnalysis, optional
        The survey of the year before that ``movers`` and ``focus`` compare with (see
        :func:`previous_survey`); its files are listed in ``inputs`` as ``previous_survey`` and
        ``previous_margins``. None: no previous year.

    Returns
    -------
    dict
        Keys ``year``, ``data``, ``synthetic`` (True when every survey is the bundled SYNTHETIC
        one, False when none is, "mixed" otherwise), ``previous_year`` (its year and data, or
        None), ``inputs`` (SHA-256 per file, None for a role not used), ``seed``,
        ``confidence_level``, ``variance``, ``respondents``, ``units`` (per unit: total and
        composite with intervals, rank, marginal and simultaneous rank sets, probability of
        ranking 1st, robustness median rank and 5–95 % band), ``change`` (per unit),
        ``focus`` and ``planning`` when given.
    """
    import dgi_stats

    scores = analysis.scores
    ci = scores.select(measures=["total", "composite"]).confidence_interval(confidence_level)
    files = dict(analysis.files)
    if previous is not None:
        files.update({f"previous_{role}": path for role, path in previous.files.items()})
    elif analysis.year - 1 in _years():
        files.update({"previous_survey": None, "previous_margins": None})
    if (movers is not None or focus is not None) and previous is None:
        msg = "build_summary: give the previous year's analysis ('previous') with a change test."
        raise DGIError(msg)
    prov = file_provenance(files)
    kinds = {analysis.synthetic} | ({previous.synthetic} if previous is not None else set())
    synthetic: bool | str = kinds.pop() if len(kinds) == 1 else "mixed"
    m = marginal.to_frame()
    s = simultaneous.to_frame()
    units: dict[str, Any] = {}
    for u in _unit_order(scores.units):
        t = ci.loc[(u, "total")]
        c = ci.loc[(u, "composite")]
        entry: dict[str, Any] = {
            "total": t["estimate"],
            "total_ci": _pair(t["ci_low"], t["ci_high"]),
            "composite": c["estimate"],
            "composite_ci": _pair(c["ci_low"], c["ci_high"]),
            "rank": int(m.loc[u, "rank"]),
            "rank_set_marginal": _pair(int(m.loc[u, "lower"]), int(m.loc[u, "upper"])),
            "rank_set_simultaneous": _pair(int(s.loc[u, "lower"]), int(s.loc[u, "upper"])),
        }
        if probabilities is not None:
            for col in probabilities.top_k.columns:
                entry[f"p_{col}"] = float(probabilities.top_k.loc[u, col])
        if bands is not None:
            entry["band"] = int(bands.band.loc[u])
        if uncertainty is not None:
            st = uncertainty.statistics
            entry["robust_median_rank"] = float(st.loc[u, "median"])
            entry["robust_rank_band_5_95"] = _pair(float(st.loc[u, "q5"]), float(st.loc[u, "q95"]))
        units[str(u)] = entry
    out: dict[str, Any] = {
        "year": analysis.year,
        "data": "bundled SYNTHETIC survey" if analysis.synthetic else "survey file",
        "synthetic": synthetic,
        "previous_year": None if previous is None else {
            "year": previous.year,
            "data": "bundled SYNTHETIC survey" if previous.synthetic else "survey file",
        },
        "inputs": {str(k): v if isinstance(v, str) else None for k, v in prov["sha256"].items()},
        "dgi_stats_version": dgi_stats.__version__,
        "seed": int(seed),
        "confidence_level": float(confidence_level),
        "variance": scores.method,
        "respondents": len(analysis.data),
        "units": units,
    }
    if uncertainty is not None:
        out["robust_mean_abs_rank_shift"] = float(uncertainty.rank_shift.mean())
    if movers is not None:
        tab = change_table(movers)
        out["change"] = {
            str(u): {
                "score_change": row["score_change"],
                "score_change_ci": _pair(row["score_change_ci_low"], row["score_change_ci_high"]),
                "score_change_pvalue_holm": row.get("score_change_pvalue_holm", np.nan),
                "rank_before": int(row["rank_before"]),
                "rank_after": int(row["rank_after"]),
                "places_gained": int(row["places_gained"]),
                "places_gained_bounds": _pair(int(row["places_gained_lower"]),
                                              int(row["places_gained_upper"])),
            }
            for u, row in tab.iterrows()
        }
    if focus is not None:
        row = focus.to_frame().iloc[0]
        unit = str(focus.to_frame().index[0])
        out["focus"] = {
            "unit": unit,
            "score_change": row["score_change"],
            "score_change_ci": _pair(row["score_change_ci_low"], row["score_change_ci_high"]),
            "score_change_pvalue": row["score_change_pvalue"],
            "rank_before": int(row["rank_before"]),
            "rank_after": int(row["rank_after"]),
            "places_gained": int(row["places_gained"]),
            "places_gained_lower": int(row["places_gained_lower"]),
            "rank_rise_established": bool(int(row["places_gained_lower"]) >= 1),
            "pvalue_rank_improved": row["pvalue"],
        }
    if planning is not None:
        out["planning"] = dict(planning)
    return out


def summary_table(summary: Mapping[str, Any]) -> pd.DataFrame:
    """The per-unit headline numbers of a summary as a table, best rank first."""
    rows = {}
    for unit, e in summary["units"].items():
        row = {
            "total": e["total"],
            "total_ci": f"[{e['total_ci'][0]:.2f}, {e['total_ci'][1]:.2f}]",
            "rank": e["rank"],
            "rank_set_marginal": f"{e['rank_set_marginal'][0]}–{e['rank_set_marginal'][1]}",
            "rank_set_simultaneous": (
                f"{e['rank_set_simultaneous'][0]}–{e['rank_set_simultaneous'][1]}"
            ),
        }
        if "p_top_1" in e:
            row["p_rank_1"] = e["p_top_1"]
        if "robust_median_rank" in e:
            band = e["robust_rank_band_5_95"]
            row["robust_rank_5_95"] = f"{band[0]:g}–{band[1]:g}"
        change = summary.get("change", {}).get(unit)
        if change is not None:
            row["score_change"] = change["score_change"]
            row["places_gained"] = change["places_gained"]
        rows[unit] = row
    out = pd.DataFrame.from_dict(rows, orient="index").sort_values("rank", kind="stable")
    out.index.name = "unit"
    return out


# ------------------------------------------------------------------------ PAPI case study
PAPI_FILE = "PAPI_2011-2016.xlsx"


def find_papi_file(papi_path: str | Path | None = None) -> Path | None:
    """Locate the official PAPI 2011–2016 workbook, or return None when it is absent.

    The workbook is not bundled (it is the PAPI team's publication). With ``papi_path`` only that
    path is tried. Otherwise: ``$DGI_STATS_SHARED/data/papi/``, then ``shared/data/papi/`` beside
    the current folder and each of its parents (a checkout's ``../shared``).

    Examples
    --------
    >>> find_papi_file("no/such/file.xlsx") is None
    True
    """
    if papi_path is not None:
        p = Path(papi_path)
        return p if p.is_file() else None
    candidates = []
    env = os.environ.get("DGI_STATS_SHARED")
    if env:
        candidates.append(Path(env) / "data" / "papi" / PAPI_FILE)
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        candidates.append(folder / "shared" / "data" / "papi" / PAPI_FILE)
    return next((c for c in candidates if c.is_file()), None)


def papi_dimensions(papi: pd.DataFrame, year: int) -> pd.DataFrame:
    """Provinces (Vietnamese names) x the six dimension scores of one PAPI year (2011–2016).

    Provinces without scores that year (Bắc Giang and Đồng Tháp in 2014) are left out; the
    DataFrame's ``attrs["excluded"]`` lists them.
    """
    sel = papi.loc[(papi["year"] == year) & (papi["level"] == "dimension")]
    if sel.empty:
        msg = f"papi_dimensions: no dimension scores for year {year}."
        raise DGIError(msg)
    wide = sel.pivot(index="province_vi", columns="measure", values="value")
    wide = wide[sorted(wide.columns)]
    missing = wide.index[wide.isna().any(axis=1)]
    out = wide.drop(index=missing)
    out.index.name = "province"
    out.columns.name = None
    out.attrs["excluded"] = [str(m) for m in missing]
    return out


def papi_scheme_ranks(
    papi: pd.DataFrame,
    province: str = "Quảng Ninh",
    *,
    schemes: Mapping[str, Any] | None = None,
    aggregations: Sequence[str] = ("arithmetic", "geometric"),
    bod_ratio_bound: float = 2.0,
) -> pd.DataFrame:
    """One province's rank each year under several weighting schemes and aggregations.

    For each year the six dimension scores of every province go through
    :func:`dgi_stats.composite.scenario_ranks`; the row for ``province`` is kept.

    Returns
    -------
    pandas.DataFrame
        Years x scenarios (``"<scheme> / <aggregation>"``), plus ``published_total`` (the sum of the
        dimensions as published, ``equal / arithmetic`` ranks it) and ``n_provinces``.
    """
    from dgi_stats.composite import scenario_ranks

    sch = dict(schemes) if schemes is not None else {
        "equal": "equal", "factor analysis": "factor_analysis", "benefit of the doubt": "bod",
    }
    rows = {}
    for year in sorted(pd.unique(papi["year"])):
        dims = papi_dimensions(papi, int(year))
        table = scenario_ranks(dims, schemes=sch, aggregations=list(aggregations),
                               bod_ratio_bound=bod_ratio_bound)
        ranks = table.xs("rank", axis=1, level="value")
        row: dict[str, Any] = {
            f"{col[0]} / {col[1]}": ranks.loc[province, col]
            for col in ranks.columns.to_list() if col[0] != "nominal"
        }
        total = papi.loc[(papi["year"] == year) & (papi["level"] == "total")]
        row["published_total"] = float(total.set_index("province_vi").loc[province, "value"])
        row["n_provinces"] = len(dims)
        rows[int(year)] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "year"
    return out


def papi_total_check(papi: pd.DataFrame) -> pd.DataFrame:
    """Per PAPI year: the largest |published total − sum of the dimensions| over the provinces.

    Uses :func:`dgi_stats.scores.answers.total_from_dimensions`. Columns ``provinces``,
    ``max_abs_difference``.
    """
    from dgi_stats.scores.answers import total_from_dimensions

    rows = {}
    for year in sorted(pd.unique(papi["year"])):
        dims = papi_dimensions(papi, int(year))
        total = papi.loc[(papi["year"] == year) & (papi["level"] == "total")]
        published = total.set_index("province_vi")["value"].reindex(dims.index).astype(float)
        computed = total_from_dimensions(dims)
        rows[int(year)] = {
            "provinces": len(dims),
            "max_abs_difference": float((published - computed).abs().max()),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "year"
    return out


def scenario_table(scenarios: pd.DataFrame) -> pd.DataFrame:
    """Ranks of :func:`dgi_stats.composite.scenario_ranks` as integers, one column per scenario
    (``"<scheme> / <aggregation>"``), units by nominal rank.
    """
    ranks = scenarios.xs("rank", axis=1, level="value")
    out = pd.DataFrame(
        {(f"{col[0]} / {col[1]}" if col[1] else col[0]): ranks[col] for col in ranks.columns.to_list()},
        index=ranks.index,
    )
    out = out.astype("Int64").sort_values(out.columns[0], kind="stable")
    out.index.name = "unit"
    return out


# ------------------------------------------------------------------------------- planning
def detectable_change_table(
    scores: Any,
    *,
    size_factors: Sequence[float] = (1, 2, 4, 8),
    power: float = 0.8,
    confidence_level: float = 0.95,
    measure: str = "total",
) -> pd.DataFrame:
    """The score change detectable next year with ``power``, for the current sample and larger ones.

    Uses :func:`dgi_stats.planning.detectable_change`: a two-sided t test of the change between two
    independent years, both years' standard errors equal to this year's and each unit's df the
    Satterthwaite df of two such years. A sample ``k`` times as large means the same design with
    ``k`` times as many communes (and villages and respondents): standard errors divided by
    ``sqrt(k)`` (the design effect stays the same) and a unit's df ``k (ν + 1) − 1`` (k times as
    many PSUs). More respondents in the same communes would lower the SEs far less and leave the
    df unchanged.

    Returns
    -------
    pandas.DataFrame
        One row per factor ``k``: ``respondents_per_unit`` (mean), ``communes_per_unit`` (mean),
        and the detectable change of ``measure`` for the median unit and for the least precise
        unit.

    Examples
    --------
    >>> import pandas as pd
    >>> from dgi_stats.scores.pivot import Scores
    >>> s = Scores.from_estimates(pd.Series([70.0, 71.0], index=["a", "b"], name="total"),
    ...                           pd.Series([0.5, 0.6], index=["a", "b"]), df=5)
    >>> t = detectable_change_table(s, size_factors=(1, 4))
    >>> bool(t.loc[4.0, "detectable_change_median_unit"] < t.loc[1.0, "detectable_change_median_unit"] / 2)
    True
    """
    from dgi_stats.planning import detectable_change

    se = scores.std_error[measure]
    dfs = scores.df_for(measure)
    nu = pd.Series(np.inf, index=se.index) if dfs is None else dfs.reindex(se.index)
    n = float(np.mean(np.asarray(scores.n, dtype=float))) if scores.n is not None else np.nan
    rows = {}
    for k in size_factors:
        scaled = se / np.sqrt(float(k))
        nu_k = float(k) * (nu + 1.0) - 1.0
        # two equal years: Welch-Satterthwaite df of the difference = 2 nu_k
        mdc = detectable_change(scaled, scaled, power=power, alpha=1 - confidence_level,
                                df=2.0 * nu_k)
        rows[float(k)] = {
            "respondents_per_unit": float(n) * float(k),
            "df_per_unit_median": float(np.median(nu_k)),
            "detectable_change_median_unit": float(np.median(np.asarray(mdc, dtype=float))),
            "detectable_change_least_precise_unit": float(np.max(np.asarray(mdc, dtype=float))),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "sample_size_factor"
    return out


def planning_truth(analysis: SurveyAnalysis, measure: str = "total") -> pd.Series:
    """The scores a planning simulation starts from: the true scores for the SYNTHETIC survey
    (known to the simulator), the estimates for a survey file."""
    if analysis.synthetic:
        from dgi_stats.datasets import load_true_scores

        truth = load_true_scores(analysis.year, measures="all")[measure]
        return truth.reindex(analysis.scores.units).astype(float).rename(measure)
    return analysis.scores.estimate[measure].astype(float)


def published_change(unit: str, year: int, measure: str = "total") -> float:
    """The published change of ``measure`` for ``unit`` from ``year - 1`` to ``year``.

    Examples
    --------
    >>> published_change("Uông Bí", 2021)
    6.31
    """
    from dgi_stats.datasets import load_published

    pub = load_published()
    sel = pub.loc[(pub["index"] == "DGI") & (pub["unit"] == unit) & (pub["measure"] == measure)]
    values = dict(zip(sel["year"].astype(int), sel["value"].astype(float), strict=True))
    if year not in values or year - 1 not in values:
        msg = f"no published {measure} of {unit!r} for both {year - 1} and {year}."
        raise DGIError(msg)
    after, before = values[year], values[year - 1]
    digits = max(_decimals(after), _decimals(before))
    return round(after - before, digits)


def planning_grid() -> tuple[dict[str, tuple[float, float, float]], dict[str, tuple[float, float]]]:
    """The documented SYNTHETIC planning grid (docs/methodology/power.md), with its provenance.

    Read from ``dgi_stats/datasets/planning/uong_bi_rise_power_SYNTHETIC.csv``, whose header holds
    the command, seed and version that made it (the grid takes about 30 minutes, too long for a
    report run).

    Returns
    -------
    tuple of dict
        ``{design: (respondents per unit, power, Monte Carlo SE)}`` and
        ``{design choice: (respondents per unit for 80 % power, Monte Carlo SE)}``.

    Examples
    --------
    >>> grid, required = planning_grid()
    >>> max(p for _, p, _ in grid.values()) > 0.8
    True
    """
    path = files("dgi_stats.datasets").joinpath("planning", "uong_bi_rise_power_SYNTHETIC.csv")
    with path.open(encoding="utf-8") as fh:
        table = pd.read_csv(fh, comment="#")
    vals = table[["respondents_per_unit", "power", "power_se"]].to_numpy(dtype=float)
    kinds, names = table["kind"].tolist(), [str(x) for x in table["design"]]
    grid = {
        name: (float(v[0]), float(v[1]), float(v[2]))
        for kind, name, v in zip(kinds, names, vals, strict=True)
        if kind == "design"
    }
    required = {
        name: (float(v[0]), float(v[2]))
        for kind, name, v in zip(kinds, names, vals, strict=True)
        if kind == "required"
    }
    return grid, required


def rank_rise_power(
    before: SurveyAnalysis,
    after: SurveyAnalysis | None = None,
    *,
    unit: str,
    confidence_level: float = 0.95,
    communes_per_unit: Sequence[int] | int = 6,
    respondents_per_village: Sequence[int] | int = 28,
    n_replicates: int = 300,
    rng: Any = None,
) -> Any:
    """Power to establish ``unit``'s rank rise, by simulating both years' surveys afresh.

    Calls :func:`dgi_stats.planning.required_sample_size` with the two analyses' specifications
    and years: SYNTHETIC surveys of every unit in both years (none held at its truth), each with
    its own design SEs and df, the rank-change test on each pair, and the binomial Monte Carlo
    error of every power. The default is the bundled design only (6 communes, 3 villages, 28
    adults per village: about 325 respondents per unit), which runs in about a minute; the grid
    that answers "which design reaches 80 %" is the documented command of
    docs/methodology/power.md (:func:`planning_grid`).

    Returns
    -------
    SampleSizePlan
    """
    from dgi_stats.planning import required_sample_size

    spec_after = before.spec if after is None else after.spec
    year_after = before.year + 1 if after is None else after.year
    return required_sample_size(
        before.spec, spec_after, unit=unit, year_before=before.year, year_after=year_after,
        communes_per_unit=communes_per_unit, respondents_per_village=respondents_per_village,
        n_replicates=n_replicates, confidence_level=confidence_level, rng=rng,
    )


def planning_statement(plan: Any, *, delta: float, power: float = 0.8, lang: str = "en") -> str:
    """Sentences (Markdown): the power of the current design and the design that reaches ``power``.

    ``plan`` is a :class:`~dgi_stats.planning.SampleSizePlan` (:func:`rank_rise_power`); the design
    reaching ``power`` is read from :func:`planning_grid` (the documented longer run).
    """
    t = _texts()

    def say(key: str, **fields: Any) -> str:
        return str(t.pick(t.STATEMENTS[key], lang).format(**fields))

    row = plan.table.iloc[0]
    unit = plan.unit
    text = say(
        "plan_main", delta=delta, unit=unit, places=plan.true_places_gained, power=row["power"],
        power_se=row["power_se"], n=plan.n_replicates, resp=row["respondents_per_unit"],
        df=row["df_after"], power_score=row["power_score"], target=power,
        can=say("can" if row["power"] >= power else "cannot"),
    )
    grid, required = planning_grid()
    ok = {k: v for k, v in grid.items() if v[1] >= power}
    if grid:
        if ok:
            name, (n, p, se) = min(ok.items(), key=lambda kv: kv[1][0])
            text += say("plan_grid_ok", target=power, name=_design_name(name, lang), n=n, p=p, se=se)
        else:
            best = max(grid.items(), key=lambda kv: kv[1][1])
            text += say("plan_grid_none", target=power, name=_design_name(best[0], lang), p=best[1][1],
                        se=best[1][2])
    if required:
        parts = [say("plan_part", choice=_design_name(choice, lang), n=n, se=se)
                 for choice, (n, se) in required.items()]
        text += say("plan_required", target=power, parts="; ".join(parts))
    return text + say("plan_end")


def planning_summary(
    scores: Any, *, confidence_level: float = 0.95, rise_power: Any = None,
    power: float = 0.8,
) -> dict[str, Any]:
    """Planning numbers for ``summary.json``: detectable changes and, optionally, rise power.

    Returns
    -------
    dict
        ``detectable_change`` (by respondents per unit: median and least precise unit), and with
        ``rise_power`` (a :class:`~dgi_stats.planning.SampleSizePlan` from :func:`rank_rise_power`):
        ``rank_rise_power`` (design -> power and its Monte Carlo SE, with respondents per unit)
        and ``respondents_per_unit_for_power`` (the first simulated design reaching ``power``;
        None when none does).
    """
    mdc = detectable_change_table(scores, confidence_level=confidence_level, power=power)
    out: dict[str, Any] = {
        "power": power,
        "detectable_change": {
            f"{row['respondents_per_unit']:.0f}": {
                "median_unit": row["detectable_change_median_unit"],
                "least_precise_unit": row["detectable_change_least_precise_unit"],
            }
            for _, row in mdc.iterrows()
        },
    }
    if rise_power is not None:
        table = rise_power.table
        out["rank_rise_power"] = {
            str(design): {
                "respondents_per_unit": float(row["respondents_per_unit"]),
                "power": float(row["power"]),
                "power_mc_se": float(row["power_se"]),
            }
            for design, row in table.iterrows()
        }
        reached = table.loc[table["power"] >= power].sort_values("respondents_per_unit")
        out["respondents_per_unit_for_power"] = (
            None if reached.empty else float(reached["respondents_per_unit"].iloc[0])
        )
    return out
