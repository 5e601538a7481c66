"""One year's survey through the report's pipeline: design, raking, scores.

:func:`analyse_survey` is the analysis every report runs (the bundled SYNTHETIC survey or a
survey file), :func:`previous_survey` the same for the year before, :func:`design_options` the
certainty and fpc columns of the design, and :func:`validate_survey` runs the whole analysis as a
check, collecting every problem instead of stopping at the first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from dgi_stats import datasets
from dgi_stats._results import Result, Summary
from dgi_stats._rng import RNGLike, as_generator
from dgi_stats._validation import check_choice
from dgi_stats.exceptions import DGIError
from dgi_stats.report._common import (
    ColumnsOption,
    InputFiles,
    check_year,
    columns_option,
    read_table,
    weight_column,
)
from dgi_stats.report.inputs import (
    bundled_files,
    check_survey_file,
    previous_inputs,
    read_margins,
    survey_problems,
)
from dgi_stats.scores import score
from dgi_stats.simulate import frame_margins
from dgi_stats.survey.design import LONELY_PSU_OPTIONS, SurveyDesign
from dgi_stats.survey.weighting import rake

if TYPE_CHECKING:  # pragma: no cover
    from dgi_stats.scores import IndexSpec, Scores

__all__ = [
    "FRAME_COLUMNS",
    "RAKING_MARGINS",
    "VARIANCE_METHODS",
    "SurveyAnalysis",
    "SurveyCheck",
    "analyse_survey",
    "design_options",
    "previous_survey",
    "validate_survey",
]

#: Margins the report rakes to (names of :func:`dgi_stats.simulate.frame_margins`).
RAKING_MARGINS = ("district_sex_age_group", "district_ethnicity")
#: Variance methods of :func:`analyse_survey`.
VARIANCE_METHODS = ("taylor", "jkn", "bootstrap")
#: Columns of the bundled surveys that describe the sampling frame: the commune's inclusion
#: probability (certainty PSUs have 1) and the population sizes of the two stages and of the village.
FRAME_COLUMNS = ("pi_commune", "communes_in_unit", "villages_in_commune", "adults_in_village")


@dataclass(frozen=True, slots=True, repr=False)
class SurveyAnalysis(Result):
    """One year's survey taken through the report's pipeline (design, raking, scores).

    Made by :func:`analyse_survey`; its ``to_frame()`` is every measure of every unit with its
    interval, its ``summary()`` the totals.

    Parameters
    ----------
    year : int
        The survey year.
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

    Examples
    --------
    >>> analysis = analyse_survey(2021)
    >>> analysis
    SurveyAnalysis(2021, SYNTHETIC bundled survey, 4237 respondents, 13 units, raked=True)
    >>> analysis.to_frame().columns[:4].tolist()
    ['unit', 'measure', 'estimate', 'std_error']
    """

    year: int
    spec: IndexSpec
    data: pd.DataFrame
    synthetic: bool
    files: InputFiles
    margins: tuple[pd.Series, ...]
    design: SurveyDesign
    raked: SurveyDesign
    scores: Scores
    weight_column: str

    def __repr__(self) -> str:
        kind = "SYNTHETIC bundled survey" if self.synthetic else "survey file"
        return (
            f"SurveyAnalysis({self.year}, {kind}, {len(self.data)} respondents, "
            f"{self.scores.estimate.shape[0]} units, raked={bool(self.margins)})"
        )

    def to_frame(self, confidence_level: float = 0.95) -> pd.DataFrame:
        """Every measure of every unit with its interval (:meth:`Scores.to_frame`).

        Parameters
        ----------
        confidence_level : float
            default: 0.95.

        Returns
        -------
        pandas.DataFrame
        """
        return self.scores.to_frame(confidence_level)

    def summary(self) -> Summary:
        """The total of every unit with its 95 % interval, and how the survey was analysed.

        Returns
        -------
        Summary
        """
        kind = "SYNTHETIC bundled survey" if self.synthetic else "survey file"
        raked = "raked to the population margins" if self.margins else "not raked"
        table = self.scores["total"].confidence_interval(0.95).droplevel("measure")
        return Summary(
            f"DGI {self.year}, {kind}: {len(self.data)} respondents", table,
            (f"weights: {self.weight_column}, {raked}", f"variance: {self.scores.method}"),
        )


def design_options(
    data: pd.DataFrame, *, certainty: ColumnsOption = None, fpc: ColumnsOption = None
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

    Examples
    --------
    >>> from dgi_stats.datasets import load_survey
    >>> design_options(load_survey(2021))
    ('pi_commune', ['communes_in_unit', 'villages_in_commune', 'adults_in_village'])
    >>> design_options(load_survey(2021), certainty=False)
    (None, ['communes_in_unit', 'villages_in_commune'])
    """
    cert = columns_option(certainty, name="certainty")
    fpc_opt = columns_option(fpc, name="fpc")
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


def _design(
    data: pd.DataFrame, spec: IndexSpec, *, lonely_psu: str, certainty: ColumnsOption,
    fpc: ColumnsOption,
) -> SurveyDesign:
    """The report's design: strata = units, PSU = commune, SSU = village, the report's weights."""
    cert_col, fpc_cols = design_options(data, certainty=certainty, fpc=fpc)
    return SurveyDesign(
        data, weights=weight_column(data), strata=spec.unit_column, psu="commune_id",
        ssu="village_id", nest=True, certainty=cert_col, fpc=fpc_cols,
        lonely_psu=lonely_psu,  # type: ignore[arg-type]
    )


def _margins_from(obj: Mapping[str, pd.Series] | pd.DataFrame) -> dict[str, pd.Series]:
    """The margins of a mapping (as they are) or of a population frame (:func:`frame_margins`)."""
    if isinstance(obj, Mapping):
        return dict(obj)
    if isinstance(obj, pd.DataFrame):
        return frame_margins(obj)
    msg = f"unexpected margins object of type {type(obj).__name__}."
    raise DGIError(msg)


def analyse_survey(
    year: int,
    *,
    data_path: str | Path | None = None,
    margins_path: str | Path | None = None,
    variance: str = "taylor",
    n_replicates: int = 200,
    rng: RNGLike = None,
    encoding: str | None = None,
    lonely_psu: str = "fail",
    certainty: ColumnsOption = None,
    fpc: ColumnsOption = None,
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
    rng : int, Generator, SeedSequence or None
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

    Examples
    --------
    >>> analysis = analyse_survey(2021)
    >>> analysis.synthetic, analysis.scores.method
    (True, 'taylor')
    """
    year = check_year(year)
    spec = datasets.load_spec(year)
    synthetic = data_path is None
    files: InputFiles
    if synthetic:
        data = datasets.load_survey(year)
        margins_all: dict[str, pd.Series] | None = _margins_from(datasets.load_margins(year))
        files = bundled_files(year)
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
    year: int, spec: IndexSpec, data: pd.DataFrame, *, synthetic: bool, files: InputFiles,
    margins_all: dict[str, pd.Series] | None, variance: str, n_replicates: int, rng: RNGLike,
    lonely_psu: str, certainty: ColumnsOption, fpc: ColumnsOption,
) -> SurveyAnalysis:
    """Design, raking and scores of a survey table that was read and checked."""
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
        design=design, raked=raked, scores=scores, weight_column=weight_column(data),
    )


def previous_survey(
    year: int,
    *,
    data_path: str | Path | None = None,
    previous_data_path: str | Path | None = None,
    previous_margins_path: str | Path | None = None,
    variance: str = "taylor",
    n_replicates: int = 200,
    rng: RNGLike = None,
    encoding: str | None = None,
    lonely_psu: str = "fail",
    certainty: ColumnsOption = None,
    fpc: ColumnsOption = None,
) -> SurveyAnalysis | None:
    """The survey of ``year - 1`` through :func:`analyse_survey`, or None without a previous year.

    The survey is chosen by :func:`previous_inputs`; without a previous year nothing is read.

    Parameters
    ----------
    year : int
        The report year.
    data_path, previous_data_path, previous_margins_path : str or Path, optional
        As for :func:`previous_inputs`.
    variance, n_replicates, rng, encoding, lonely_psu, certainty, fpc
        As for :func:`analyse_survey` (the same options as the report year's survey).

    Returns
    -------
    SurveyAnalysis or None

    Examples
    --------
    >>> previous_survey(2020) is None
    True
    >>> previous_survey(2021).year
    2020
    """
    prev = previous_inputs(year, data_path=data_path, previous_data_path=previous_data_path,
                           previous_margins_path=previous_margins_path)
    if prev is None:
        return None
    return analyse_survey(
        year - 1, data_path=prev["data_path"], margins_path=prev["margins_path"],
        variance=variance, n_replicates=n_replicates, rng=rng, encoding=encoding,
        lonely_psu=lonely_psu, certainty=certainty, fpc=fpc,
    )


@dataclass(frozen=True, slots=True, repr=False)
class SurveyCheck(Result):
    """What :func:`validate_survey` found.

    Parameters
    ----------
    data : pandas.DataFrame or None
        The survey as read, unit names canonical (None when the file could not be read).
    problems : list of str
        One message per problem; empty when the report's analysis runs on the file.

    Examples
    --------
    >>> found = SurveyCheck(None, ["survey file not found: 'x.csv'. Check the path."])
    >>> found, found.ok
    (SurveyCheck(unreadable, 1 problem(s)), False)
    >>> found.to_frame()
                                                  problem
    number
    1       survey file not found: 'x.csv'. Check the path.
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

    def to_frame(self) -> pd.DataFrame:
        """One row per problem (column ``problem``), numbered from 1.

        Returns
        -------
        pandas.DataFrame
        """
        index = pd.RangeIndex(1, len(self.problems) + 1, name="number")
        return pd.DataFrame({"problem": list(self.problems)}, index=index)

    def _summary_title(self) -> str:
        return "Survey check: OK" if self.ok else f"Survey check: {len(self.problems)} problem(s)"


def validate_survey(
    year: int,
    data_path: str | Path,
    *,
    margins_path: str | Path | None = None,
    encoding: str | None = None,
    variance: str = "taylor",
    n_replicates: int = 200,
    lonely_psu: str = "fail",
    certainty: ColumnsOption = None,
    fpc: ColumnsOption = None,
    rng: RNGLike = 0,
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
    rng : int, Generator, SeedSequence or None
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
    year = check_year(year)
    spec = datasets.load_spec(year)
    p = Path(data_path)
    try:
        data = read_table(p, what="survey", encoding=encoding)
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
        files: InputFiles = {"survey": p, "margins": None if margins_path is None else Path(margins_path)}
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
                        f"unit(s) {zero} of {str(p)!r} have 0 design degrees of freedom: a single "
                        "commune, so the survey cannot estimate the unit's own sampling variance "
                        f"(with lonely_psu={lonely_psu!r} its standard error is 0 or undefined, "
                        "as in R's survey package), and the report can give it no confidence "
                        "interval, rank set or test. Survey at least two communes per unit, or "
                        "merge the unit with another in the file's district column."
                    )
    return SurveyCheck(data, problems)
