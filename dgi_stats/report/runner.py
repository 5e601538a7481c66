"""Run a report notebook with papermill, render HTML, and put the outputs in place or nothing.

:func:`run_report` is what ``dgi-stats report <year>`` does:

1. check the inputs (year, data and margins files, columns against the year's spec) before anything
   runs, so bad input fails fast with a one-line :class:`~dgi_stats.exceptions.DGIError`;
2. take the year's notebook (:func:`report_notebook`: the template shipped in
   :mod:`dgi_stats.report.templates` with its ``year`` set), or a user's notebook;
3. execute it with papermill in a fresh kernel running this very Python and this very dgi_stats,
   inside a temporary folder created beside the output folder;
4. render HTML with nbconvert, input cells hidden, figures embedded;
5. only when everything succeeded, move the folder into place. On any failure the temporary folder
   is removed and the output folder is left as it was: nothing half-written. A notebook that fails
   is kept as ``failed_dgi_report_<year>.ipynb`` in the output folder (the error is in its cell).

The output folder holds the executed notebook, the HTML report, ``summary.json`` (the headline
numbers, identical on every run with the same seed) and ``figures/*.png`` / ``*.svg``.

papermill, nbformat and nbconvert are imported inside the functions that run and render: they are
optional dependencies (the ``notebooks`` extra), and importing dgi_stats must not need them.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from dgi_stats._validation import check_choice, check_positive_int, check_probability
from dgi_stats.exceptions import DGIError
from dgi_stats.report._common import check_year, columns_option
from dgi_stats.report.analysis import VARIANCE_METHODS, validate_survey
from dgi_stats.report.figures import FIGURES_DIR
from dgi_stats.report.inputs import previous_inputs, read_margins
from dgi_stats.report.summary import SUMMARY_FILE, read_json
from dgi_stats.report.templates import build_report_notebook
from dgi_stats.report.templates.labels import LANGS
from dgi_stats.survey.design import LONELY_PSU_OPTIONS

if TYPE_CHECKING:  # pragma: no cover
    from nbformat import NotebookNode

__all__ = [
    "FAILED_PREFIX",
    "KERNEL_NAME",
    "Progress",
    "ReportError",
    "ReportResult",
    "report_notebook",
    "run_report",
]

#: Name of the temporary kernelspec that runs this Python.
KERNEL_NAME = "dgi-stats-report"
#: Name of the executed notebook kept in the output folder when a report fails.
FAILED_PREFIX = "failed_"
#: Characters of a failing cell's error message quoted in full before it is cut.
_ERROR_CHARS = 4000
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

#: A callback told a short message before each long step of a report run.
Progress = Callable[[str], None]


class ReportError(DGIError):
    """A report could not be produced (the notebook failed, or the output folder is unusable)."""


@dataclass(frozen=True, slots=True)
class ReportResult:
    """Where a report run put its outputs.

    Its ``summary`` is the contents of ``summary.json`` (so it does not take the ``summary()``
    method of the result protocol); :meth:`to_frame` lists the files written.

    Parameters
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

    Examples
    --------
    >>> from pathlib import Path
    >>> out = Path("reports/2021")
    >>> result = ReportResult(out, out / "dgi_report_2021.ipynb", out / "dgi_report_2021.html",
    ...                       {"year": 2021}, (out / "figures" / "rank_sets.png",))
    >>> result
    ReportResult(output_dir='reports/2021', html='dgi_report_2021.html', 1 figure files, 1 summary entries)
    >>> result.to_frame()["file"].tolist()
    ['dgi_report_2021.html', 'dgi_report_2021.ipynb', 'summary.json', 'figures/rank_sets.png']
    """

    output_dir: Path
    notebook: Path
    html: Path | None
    summary: dict[str, object] = field(repr=False)
    figures: tuple[Path, ...] = field(repr=False)

    def __repr__(self) -> str:
        return (
            f"ReportResult(output_dir={str(self.output_dir)!r}, html={self.html and self.html.name!r}, "
            f"{len(self.figures)} figure files, {len(self.summary)} summary entries)"
        )

    def to_frame(self) -> pd.DataFrame:
        """The files of the report, one row each: ``output`` (what it is) and ``file``, relative
        to :attr:`output_dir`.

        Returns
        -------
        pandas.DataFrame
        """
        rows = [("html", self.html), ("notebook", self.notebook),
                ("summary", self.output_dir / SUMMARY_FILE)]
        rows += [("figure", p) for p in self.figures]
        kept = [(kind, p.relative_to(self.output_dir).as_posix()) for kind, p in rows if p is not None]
        return pd.DataFrame(kept, columns=["output", "file"])


def report_notebook(year: int) -> NotebookNode:
    """The report notebook of ``year``: the template shipped in the package with ``year`` set.

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
    >>> nb.cells[0].metadata["tags"], nb.cells[1].metadata["tags"]
    (['parameters'], ['injected-parameters'])
    """
    return build_report_notebook(check_year(year))


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


def _one_line(text: str, limit: int | None = 300, *, more: str = "") -> str:
    """``text`` on one line without terminal colours; beyond ``limit`` characters it is cut with
    an explicit marker saying how much was left out (and ``more``: where to read it all)."""
    flat = " ".join(_ANSI.sub("", str(text)).split())
    if limit is None or len(flat) <= limit:
        return flat
    where = f"; {more}" if more else ""
    return f"{flat[:limit]} … [{len(flat) - limit} more characters{where}]"


def _execute(
    notebook: NotebookNode | str,
    out_nb: Path,
    parameters: dict[str, Any],
    workdir: Path,
    *,
    progress_bar: bool,
    failed_copy: Path | None = None,
) -> None:
    """Run ``notebook`` into ``out_nb``; on a failing cell, keep the executed notebook (with the
    error) as ``failed_copy`` and raise a ReportError naming the cell and its own exception."""
    import nbformat  # optional dependency (the notebooks extra)
    import papermill as pm  # optional dependency (the notebooks extra)
    from papermill.exceptions import PapermillExecutionError  # optional (notebooks extra)

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
    nb = nbformat.read(str(out_nb), as_version=4)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(out_nb))


def _render_html(notebook: Path, html: Path) -> None:
    import nbformat  # optional dependency (the notebooks extra)
    from nbconvert import HTMLExporter  # optional dependency (the notebooks extra)

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
    year = check_year(year)
    n_replicates = check_positive_int(n_replicates, name="n_replicates", func="run_report", minimum=2)
    level = check_probability(confidence_level, name="confidence_level", func="run_report")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or int(seed) < 0:
        msg = f"The 'seed' parameter of run_report must be a non-negative int. Got {seed!r} instead."
        raise DGIError(msg)
    check_choice(variance, VARIANCE_METHODS, name="variance", func="run_report")
    check_choice(lonely_psu, LONELY_PSU_OPTIONS, name="lonely_psu", func="run_report")
    check_choice(lang, LANGS, name="lang", func="run_report")
    cert_opt = columns_option(certainty, name="certainty")
    if isinstance(cert_opt, list) and len(cert_opt) == 1:
        certainty = cert_opt[0]
    elif isinstance(cert_opt, list):
        msg = f"The 'certainty' parameter of run_report names one column. Got {certainty!r} instead."
        raise DGIError(msg)
    else:
        certainty = cert_opt
    fpc = columns_option(fpc, name="fpc")
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
    source: NotebookNode | str
    if notebook is not None:
        nb_path = Path(notebook)
        if not nb_path.is_file():
            msg = f"notebook not found: {str(nb_path)!r}."
            raise DGIError(msg)
        source = str(nb_path.resolve())
    out = Path(output_dir if output_dir is not None else Path("reports") / str(year)).absolute()
    _prepare_target(out)
    try:  # the optional dependencies, checked before anything is written
        import nbconvert  # noqa: F401  (optional dependency: is the notebooks extra installed?)
        import papermill  # noqa: F401  (optional dependency: is the notebooks extra installed?)
    except ImportError:
        msg = "dgi-stats report needs the notebooks extra: pip install 'dgi-stats[notebooks]'."
        raise ReportError(msg) from None
    if notebook is None:
        source = report_notebook(year)
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
