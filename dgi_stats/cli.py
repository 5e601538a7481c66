"""The ``dgi-stats`` command (also ``python -m dgi_stats``).

Subcommands
-----------
``dgi-stats report YEAR [--data PATH] [--margins PATH] [--previous-data PATH] [--out DIR]``
    Run the annual report notebook of YEAR (on the bundled SYNTHETIC survey unless ``--data`` is
    given), write the executed notebook, an HTML report, ``summary.json`` and the figures to DIR
    (default ``reports/YEAR``), and print where they are. With ``--data``, the change on the year
    before needs that year's file (``--previous-data``); without it the report has no change
    section (a survey file is never compared with the bundled SYNTHETIC survey). A failed run
    keeps the executed notebook as ``DIR/failed_dgi_report_YEAR.ipynb``.
``dgi-stats validate FILE --year YEAR [--margins PATH] [design options]``
    Run every check the report's analysis makes on a survey file (columns, answer codes, unit
    names, weights, then the design with its certainty PSUs, fpc and lonely PSUs, raking and
    scoring) and print one message per problem.

Both read files with :func:`dgi_stats.read_survey` (CSV in UTF-8 or UTF-16, other encodings with
``--encoding``; Parquet; SPSS; Stata; Excel files are refused: save them as CSV) and take the
design options of :func:`dgi_stats.report.analyse_survey`: ``--lonely-psu``, ``--certainty``,
``--fpc``, ``--variance`` (taylor, jkn or bootstrap).

Bad input ends with a one-line message on stderr and a non-zero exit status (2 for bad input, 1 when
the report notebook fails), never with a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from dgi_stats import __version__
from dgi_stats.datasets import load_spec
from dgi_stats.exceptions import DGIError
from dgi_stats.report import VARIANCE_METHODS, ReportError, run_report, validate_survey
from dgi_stats.report.templates.labels import LANGS
from dgi_stats.survey.design import LONELY_PSU_OPTIONS

__all__ = ["main", "make_parser"]

PROG = "dgi-stats"
EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def _year(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        msg = f"invalid year {text!r}: give a four-digit year such as 2021"
        raise argparse.ArgumentTypeError(msg) from None


def _add_design_options(cmd: argparse.ArgumentParser) -> None:
    """Options of the survey's reading and design, shared by ``report`` and ``validate``."""
    cmd.add_argument("--encoding", metavar="CODEC",
                     help="text encoding of CSV files, e.g. cp1258 (default: UTF-8 or UTF-16, detected)")
    cmd.add_argument("--lonely-psu", choices=LONELY_PSU_OPTIONS, default="fail",
                     help="units with a single commune (PSU): fail (default), remove, certainty, "
                          "adjust or average, as SurveyDesign's lonely_psu")
    cmd.add_argument("--certainty", metavar="COLUMN",
                     help="column of the communes' inclusion probabilities (1 = certainty PSU) or a "
                          "certainty flag; 'none' for no certainty PSUs (default: pi_commune when the "
                          "file has the frame columns pi_commune, communes_in_unit, "
                          "villages_in_commune, adults_in_village)")
    cmd.add_argument("--fpc", metavar="COL1,COL2[,COL3]",
                     help="population sizes per stage (communes in the unit, villages in the commune[, "
                          "adults in the village]); 'none' for no fpc (default: the frame columns when "
                          "present)")
    cmd.add_argument("--variance", choices=VARIANCE_METHODS, default="taylor",
                     help="variance method: taylor linearisation (default), jkn (delete-one-commune "
                          "jackknife) or bootstrap (Rao-Wu) replicates")
    cmd.add_argument("--replicates", type=int, default=200, metavar="N",
                     help="bootstrap replicates with --variance bootstrap (default: 200)")


def make_parser() -> argparse.ArgumentParser:
    """The argument parser of ``dgi-stats``.

    Returns
    -------
    argparse.ArgumentParser

    Examples
    --------
    >>> args = make_parser().parse_args(["report", "2021", "--out", "out"])
    >>> args.command, args.year, args.out
    ('report', 2021, 'out')
    """
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Survey statistics for governance indices (DGI, PAPI): annual reports and checks.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    rep = sub.add_parser(
        "report",
        help="run the annual report notebook of a year and render it as HTML",
        description=(
            "Execute the report notebook of YEAR with papermill and render HTML (code hidden). "
            "Without --data the bundled SYNTHETIC survey is used."
        ),
    )
    rep.add_argument("year", type=_year, help="report year (2020-2024)")
    rep.add_argument("--data", metavar="PATH",
                     help="survey file (CSV, Parquet, SPSS .sav, Stata .dta; Excel: save as CSV)")
    rep.add_argument("--margins", metavar="PATH",
                     help="adult counts by district, sex, age_group, ethnicity for raking")
    rep.add_argument("--previous-data", metavar="PATH",
                     help="survey file of the year before, for the change section (needs --data; "
                          "with --data but without it, the report has no change section)")
    rep.add_argument("--previous-margins", metavar="PATH",
                     help="margins of the year before (with --previous-data)")
    rep.add_argument("--out", metavar="DIR", help="output folder (default: reports/YEAR)")
    _add_design_options(rep)
    rep.add_argument("--confidence-level", type=float, default=0.95, metavar="LEVEL",
                     help="level of intervals and rank sets (default: 0.95)")
    rep.add_argument("--seed", type=int, default=20240101, help="random seed (default: 20240101)")
    rep.add_argument("--lang", choices=LANGS, default="en",
                     help="language of the report: en (English, default) or vi (Vietnamese)")
    rep.add_argument("--notebook", metavar="PATH",
                     help="run this notebook instead of the packaged template")
    rep.add_argument("--no-html", action="store_true", help="do not render HTML")
    rep.add_argument("--progress", action="store_true", help="show a progress bar per notebook cell")
    rep.add_argument("-q", "--quiet", action="store_true", help="print only the output paths")

    val = sub.add_parser(
        "validate",
        help="check a survey file against a year's index specification",
        description=(
            "Run every check the report's analysis of FILE would make (columns and answer codes of "
            "YEAR's spec, unit names, weights, design, lonely PSUs, raking to --margins, scoring) and "
            "print one message per problem."
        ),
    )
    val.add_argument("file", help="survey file (CSV, Parquet, SPSS .sav, Stata .dta)")
    val.add_argument("--year", type=_year, required=True, help="specification year (2020-2024)")
    val.add_argument("--margins", metavar="PATH",
                     help="adult counts by district, sex, age_group, ethnicity for raking")
    _add_design_options(val)
    return parser


def _error(command: str, message: str) -> None:
    text = " ".join(str(message).split())
    if "encoding=" in text and "--encoding" not in text:  # read_survey's advice, in CLI terms
        text += " On the command line: --encoding CODEC (e.g. --encoding cp1258)."
    print(f"{PROG} {command}: error: {text}", file=sys.stderr)


def _inputs(summary: dict[str, object]) -> dict[str, object]:
    """The ``inputs`` of a report's summary (role -> SHA-256)."""
    inputs = summary.get("inputs", {})
    return inputs if isinstance(inputs, dict) else {}


def _report(args: argparse.Namespace) -> int:
    def progress(msg: str) -> None:
        if not args.quiet:
            print(f"[{PROG} report {args.year}] {msg}...", file=sys.stderr, flush=True)

    try:
        result = run_report(
            args.year,
            data_path=args.data,
            margins_path=args.margins,
            previous_data_path=args.previous_data,
            previous_margins_path=args.previous_margins,
            output_dir=args.out,
            variance=args.variance,
            n_replicates=args.replicates,
            confidence_level=args.confidence_level,
            seed=args.seed,
            notebook=args.notebook,
            html=not args.no_html,
            progress=progress,
            progress_bar=args.progress,
            encoding=args.encoding,
            lonely_psu=args.lonely_psu,
            certainty=args.certainty,
            fpc=args.fpc,
            lang=args.lang,
        )
    except ReportError as exc:
        _error("report", str(exc))
        return EXIT_FAILED
    except DGIError as exc:
        _error("report", str(exc))
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        _error("report", "interrupted; nothing was written")
        return 130
    out = result.output_dir
    try:
        shown = out.relative_to(Path.cwd())
    except ValueError:
        shown = out
    lines = [f"Report for {args.year} written to {shown}/"]
    if result.html is not None:
        lines.append(f"  HTML report:       {shown / result.html.name}")
    lines.append(f"  executed notebook: {shown / result.notebook.name}")
    lines.append(f"  headline numbers:  {shown / 'summary.json'}")
    n_fig = len({p.stem for p in result.figures})
    lines.append(f"  figures:           {shown / 'figures'}/ ({n_fig} figures, PNG and SVG)")
    if args.data is None:
        lines.append("  (bundled SYNTHETIC survey: not the DGI's microdata; see the report's banner)")
    elif args.previous_data is None and "previous_survey" in _inputs(result.summary):
        lines.append(f"  (no --previous-data: the report has no change on {args.year - 1})")
    print("\n".join(lines))
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    try:
        spec = load_spec(args.year)
        found = validate_survey(
            args.year, args.file, margins_path=args.margins, encoding=args.encoding,
            variance=args.variance, n_replicates=args.replicates, lonely_psu=args.lonely_psu,
            certainty=args.certainty, fpc=args.fpc,
        )
    except DGIError as exc:
        _error("validate", str(exc))
        return EXIT_BAD_INPUT
    for problem in found.problems:
        _error("validate", problem)
    if found.problems or found.data is None:
        return EXIT_BAD_INPUT
    data = found.data
    unit = spec.unit_column
    n_units = data[unit].nunique()
    items = spec.item_ids
    n_missing = int(data[items].isna().sum().sum())
    print(
        f"{args.file}: OK for the {spec.name} {spec.year} spec — {len(data)} respondents in "
        f"{n_units} units, {len(items)} items, {n_missing} empty answers."
    )
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``dgi-stats`` with ``argv`` (default: the command line) and return the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name. default: ``sys.argv[1:]``.

    Returns
    -------
    int
        0 on success, 2 on bad input, 1 when a report notebook fails.

    Examples
    --------
    >>> main(["validate", "no-such-file.csv", "--year", "2021"])
    2
    """
    parser = make_parser()
    try:
        args = parser.parse_args(None if argv is None else list(argv))
    except SystemExit as exc:  # --help, --version, or a usage error (already printed)
        return int(exc.code) if isinstance(exc.code, int) else EXIT_BAD_INPUT
    if args.command == "report":
        return _report(args)
    if args.command == "validate":
        return _validate(args)
    parser.print_help(sys.stderr)
    return EXIT_BAD_INPUT


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
