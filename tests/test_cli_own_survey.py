"""Your own survey through `dgi-stats validate` / `dgi-stats report` exactly as through the API.

One reader (``read_survey``: UTF-8, Windows-1258, UTF-16, labelled SPSS, Stata, Parquet), unit names
made canonical once, `validate` as strong as the report's analysis, the design options of the API on
the command line, and "did you mean" with the complete list of valid names.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from dgi_stats import report
from dgi_stats.cli import main, make_parser
from dgi_stats.datasets import load_spec, load_survey
from dgi_stats.exceptions import DGIError, UnknownUnitError

VARIANTS = {"Uông Bí": "TP Uông Bí", "Cô Tô": "co to"}


def _errors(err: str) -> list[str]:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert "Traceback" not in err
    assert all(ln.startswith("dgi-stats ") for ln in lines), err
    return lines


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    """The bundled 2021 survey with unit names as a field team might type them."""
    data = load_survey(2021)
    data["district"] = data["district"].replace(VARIANTS)
    return data


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The API on the bundled survey written as a plain UTF-8 CSV (canonical names)."""
    path = tmp_path_factory.mktemp("reference") / "survey_2021.csv"
    load_survey(2021).to_csv(path, index=False)
    return report.analyse_survey(2021, data_path=path)


def _numeric_for_readstat(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for c in out.columns:
        if pd.api.types.is_numeric_dtype(out[c]):
            out[c] = out[c].astype(float)
        else:
            out[c] = out[c].astype(object)
    return out


def _write(frame: pd.DataFrame, folder: Path, kind: str,
           cp1258: Callable[[str], bytes]) -> tuple[Path, list[str]]:
    """Write ``frame`` in one of the formats; return the path and the CLI options it needs."""
    if kind == "utf-8":
        path = folder / "own.csv"
        frame.to_csv(path, index=False)
        return path, []
    if kind == "utf-16":
        path = folder / "own.csv"
        frame.to_csv(path, index=False, encoding="utf-16")
        return path, []
    if kind == "cp1258":
        path = folder / "own.csv"
        path.write_bytes(cp1258(frame.to_csv(index=False)))
        return path, ["--encoding", "cp1258"]
    if kind == "parquet":
        path = folder / "own.parquet"
        frame.to_parquet(path, index=False)
        return path, []
    import pyreadstat

    spec = load_spec(2021)
    if kind == "sav":
        path = folder / "own.sav"
        labels = {q: {1.0: "yes", 2.0: "no", 98.0: "don't know"} for q in spec.item_ids[:20]}
        pyreadstat.write_sav(_numeric_for_readstat(frame), str(path), variable_value_labels=labels,
                             column_labels={"district": "Huyện / thành phố"},
                             missing_ranges={q: [98.0] for q in spec.item_ids[:20]})
        return path, []
    assert kind == "dta"
    path = folder / "own.dta"
    pyreadstat.write_dta(_numeric_for_readstat(frame), str(path))
    return path, []


# ------------------------------------------------------------------ one reader, every format
@pytest.mark.parametrize("kind", ["utf-8", "cp1258", "utf-16", "sav", "dta", "parquet"])
def test_own_file_passes_validate_and_reads_as_the_api(
    tmp_path: Path, survey: pd.DataFrame, kind: str, cp1258: Callable[[str], bytes],
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, options = _write(survey, tmp_path, kind, cp1258)
    assert main(["validate", str(path), "--year", "2021", *options]) == 0, capsys.readouterr().err
    assert "OK for the DGI 2021 spec" in capsys.readouterr().out
    encoding = options[1] if options else None
    data = report.check_survey_file(path, load_spec(2021), encoding=encoding)
    # unit names are canonical once read; answers identical to the bundled survey's
    bundled = load_survey(2021)
    assert data["district"].tolist() == bundled["district"].tolist()
    items = load_spec(2021).item_ids
    np.testing.assert_array_equal(data[items].to_numpy(dtype=float, na_value=np.nan),
                                  bundled[items].to_numpy(dtype=float, na_value=np.nan))


def test_windows_1258_needs_encoding_and_says_so(
    tmp_path: Path, survey: pd.DataFrame, cp1258: Callable[[str], bytes],
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, _ = _write(survey, tmp_path, "cp1258", cp1258)
    assert main(["validate", str(path), "--year", "2021"]) == 2
    (line,) = _errors(capsys.readouterr().err)
    assert "--encoding cp1258" in line
    out = tmp_path / "out"
    assert main(["report", "2021", "--data", str(path), "--out", str(out)]) == 2
    (line,) = _errors(capsys.readouterr().err)
    assert "--encoding cp1258" in line
    assert not out.exists()


def test_labelled_spss_through_analyse_survey_equals_the_csv(
    tmp_path: Path, survey: pd.DataFrame, reference: Any, cp1258: Callable[[str], bytes]
) -> None:
    path, _ = _write(survey, tmp_path, "sav", cp1258)
    got = report.analyse_survey(2021, data_path=path)
    assert "Uông Bí" in got.scores.units
    assert "Cô Tô" in got.scores.units
    pd.testing.assert_frame_equal(got.scores.estimate, reference.scores.estimate)
    pd.testing.assert_frame_equal(got.scores.std_error, reference.scores.std_error)


def test_excel_refused_the_same_way_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "own.xlsx"
    path.write_bytes(b"PK\x03\x04")
    assert main(["validate", str(path), "--year", "2021"]) == 2
    (val,) = _errors(capsys.readouterr().err)
    out = tmp_path / "out"
    assert main(["report", "2021", "--data", str(path), "--out", str(out)]) == 2
    (rep,) = _errors(capsys.readouterr().err)
    assert not out.exists()
    with pytest.raises(DGIError, match=r"unsupported suffix '\.xlsx'.*CSV UTF-8") as api:
        report.analyse_survey(2021, data_path=path)
    for message in (val, rep):
        assert "unsupported suffix '.xlsx'" in message
        assert "CSV UTF-8" in message
        assert message.split("error: ", 1)[1] == " ".join(str(api.value).split())


# ------------------------------------------------------------------ unit names
def test_unit_name_variants_are_canonical_in_the_analysis(
    tmp_path: Path, survey: pd.DataFrame, reference: Any
) -> None:
    path = tmp_path / "own.csv"
    survey.to_csv(path, index=False)
    got = report.analyse_survey(2021, data_path=path)
    assert list(got.scores.units) == list(reference.scores.units)
    assert set(got.data["district"]) == set(reference.data["district"])
    pd.testing.assert_frame_equal(got.scores.estimate, reference.scores.estimate)
    # margins with the same variants are matched too
    frame = pd.DataFrame({"district": ["TP Uông Bí", "co to"], "sex": ["female", "male"],
                          "age_group": ["18-29", "30-44"], "ethnicity": ["Kinh", "Kinh"],
                          "adults": [10, 20]})
    mpath = tmp_path / "margins.csv"
    frame.to_csv(mpath, index=False, encoding="utf-16")
    got_margins = report.read_margins(mpath)
    assert "Uông Bí" in str(got_margins["district_sex_age_group"].index.tolist())


def test_unknown_unit_one_clear_error_with_closest_matches(
    tmp_path: Path, survey: pd.DataFrame
) -> None:
    data = survey.copy()
    data.loc[data["district"] == "TP Uông Bí", "district"] = "Uong Bee"
    path = tmp_path / "own.csv"
    data.to_csv(path, index=False)
    with pytest.raises(UnknownUnitError, match=r"unknown unit 'Uong Bee'.*closest matches.*Uông Bí"):
        report.analyse_survey(2021, data_path=path)


# ------------------------------------------------------------------ validate = the report's checks
def test_validate_reports_every_problem_once(
    tmp_path: Path, survey: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    data = survey.copy()
    data.loc[data.index[[0, 5]], "nr_weight"] = -1.0
    data.loc[data["district"] == "co to", "district"] = "Co Toh Island"
    path = tmp_path / "own.csv"
    data.to_csv(path, index=False)
    assert main(["validate", str(path), "--year", "2021"]) == 2
    lines = _errors(capsys.readouterr().err)
    assert len(lines) == 2, lines
    unit_line, weight_line = lines
    assert "unknown unit 'Co Toh Island'" in unit_line
    assert "Cô Tô" in unit_line
    assert "nr_weight" in weight_line
    assert "negative" in weight_line
    assert "[0, 5]" in weight_line
    # the API finds the same problems
    found = report.validate_survey(2021, path)
    assert not found.ok
    assert len(found.problems) == 2
    # and the report refuses the file before running anything
    out = tmp_path / "out"
    assert main(["report", "2021", "--data", str(path), "--out", str(out)]) == 2
    (line,) = _errors(capsys.readouterr().err)
    assert "2 problems" in line
    assert "Co Toh Island" in line
    assert "nr_weight" in line
    assert not out.exists()


def test_validate_checks_the_margins(
    tmp_path: Path, survey: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "own.csv"
    survey.to_csv(path, index=False)
    margins = tmp_path / "margins.csv"
    margins.write_text("district,sex,adults\nUông Bí,female,10\n", encoding="utf-8")
    assert main(["validate", str(path), "--year", "2021", "--margins", str(margins)]) == 2
    (line,) = _errors(capsys.readouterr().err)
    assert "margins file" in line
    assert "age_group" in line


def _single_psu(survey: pd.DataFrame, *, frame_columns: bool) -> pd.DataFrame:
    """Móng Cái (no certainty commune) with a single commune."""
    unit = survey["district"] == "Móng Cái"
    keep = survey.loc[unit, "commune_id"].iloc[0]
    data = survey[~unit | (survey["commune_id"] == keep)].reset_index(drop=True)
    if not frame_columns:
        data = data.drop(columns=list(report.FRAME_COLUMNS))
    return data


@pytest.mark.parametrize("frame_columns", [True, False])
def test_single_psu_unit_with_and_without_lonely_psu(
    tmp_path: Path, survey: pd.DataFrame, frame_columns: bool,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "own.csv"
    _single_psu(survey, frame_columns=frame_columns).to_csv(path, index=False)
    assert main(["validate", str(path), "--year", "2021"]) == 2
    (line,) = _errors(capsys.readouterr().err)
    assert "Móng Cái" in line
    assert "only one PSU" in line
    assert "lonely_psu" in line
    # with a lonely-PSU rule the design has a variance for the unit (the API uses it) but no
    # degrees of freedom, so the report could not give its interval: validate says so, once
    assert main(["validate", str(path), "--year", "2021", "--lonely-psu", "adjust"]) == 2
    (line,) = _errors(capsys.readouterr().err)
    assert "['Móng Cái']" in line
    assert "0 design degrees of freedom" in line
    assert "lonely_psu='adjust'" in line
    got = report.analyse_survey(2021, data_path=path, lonely_psu="adjust")
    assert got.design.lonely_psu == "adjust"
    assert np.isfinite(got.scores.std_error.loc["Móng Cái", "total"])
    assert (got.design.certainty_psus is not None) == frame_columns


def test_certainty_and_fpc_options(tmp_path: Path, survey: pd.DataFrame, reference: Any,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "own.csv"
    survey.to_csv(path, index=False)
    assert reference.design.certainty_psus is not None  # the bundled frame columns by default
    plain = report.analyse_survey(2021, data_path=path, certainty=False, fpc=False)
    assert plain.design.certainty_psus is None
    assert not np.allclose(plain.scores.std_error.to_numpy(), reference.scores.std_error.to_numpy())
    same = report.analyse_survey(
        2021, data_path=path, certainty="pi_commune",
        fpc="communes_in_unit,villages_in_commune,adults_in_village",
    )
    pd.testing.assert_frame_equal(same.scores.std_error, reference.scores.std_error)
    assert report.design_options(survey, certainty="none", fpc="none") == (None, None)
    assert main(["validate", str(path), "--year", "2021", "--certainty", "none", "--fpc",
                 "communes_in_unit,villages_in_commune"]) == 0
    assert main(["validate", str(path), "--year", "2021", "--fpc", "communes_in_unit,nope"]) == 2
    (line,) = _errors(capsys.readouterr().err)
    assert "'nope'" in line
    assert "fpc" in line


def test_cli_design_options_reach_the_notebook(
    tmp_path: Path, survey: pd.DataFrame, monkeypatch: pytest.MonkeyPatch,
    cp1258: Callable[[str], bytes], capsys: pytest.CaptureFixture[str],
) -> None:
    path, _ = _write(survey, tmp_path, "cp1258", cp1258)
    seen: dict[str, Any] = {}

    def fake_execute(source: Any, target: Path, params: dict[str, Any], cwd: Path,
                     **_: Any) -> None:
        seen.update(params)
        raise report.ReportError("stopped by the test")

    monkeypatch.setattr(report.runner, "_execute", fake_execute)
    out = tmp_path / "out"
    argv = ["report", "2021", "--data", str(path), "--encoding", "cp1258", "--lonely-psu",
            "average", "--certainty", "pi_commune", "--fpc",
            "communes_in_unit,villages_in_commune,adults_in_village", "--variance", "jkn",
            "--confidence-level", "0.9", "--lang", "vi", "--out", str(out)]
    assert main(argv) == 1
    assert "stopped by the test" in capsys.readouterr().err
    assert seen["encoding"] == "cp1258"
    assert seen["lonely_psu"] == "average"
    assert seen["certainty"] == "pi_commune"
    assert seen["fpc"] == ["communes_in_unit", "villages_in_commune", "adults_in_village"]
    assert (seen["variance"], seen["confidence_level"], seen["lang"]) == ("jkn", 0.9, "vi")
    args = make_parser().parse_args(["validate", "x.csv", "--year", "2021"])
    assert (args.lonely_psu, args.certainty, args.fpc, args.encoding, args.variance) == (
        "fail", None, None, None, "taylor")
    for method in ("jkn", "bootstrap"):
        assert make_parser().parse_args(["report", "2021", "--variance", method]).variance == method


# ------------------------------------------------------------------ did you mean
def test_did_you_mean_gives_closest_then_complete_list(tmp_path: Path, reference: Any) -> None:
    from dgi_stats.ranks import rank_confidence_sets
    from dgi_stats.survey.design import SurveyDesign

    data = reference.data
    with pytest.raises(DGIError, match="did you mean 'nr_weight'") as exc:
        SurveyDesign(data, weights="nr_weigth")
    assert f"The {data.shape[1]} valid columns" in str(exc.value)
    assert repr(str(data.columns[-1])) in str(exc.value)  # the complete list, not the first 30
    scores = reference.scores
    with pytest.raises(DGIError, match="did you mean 'total'") as exc:
        scores["totl"]
    assert f"The {len(scores.measures)} valid measures" in str(exc.value)
    assert repr(str(scores.measures[-1])) in str(exc.value)
    with pytest.raises(DGIError, match="did you mean 'total'") as exc:
        rank_confidence_sets(scores, measure="totl")
    assert repr(str(scores.measures[-1])) in str(exc.value)  # not cut at 12
    own = load_survey(2021).rename(columns={"q101": "q10l"})
    path = tmp_path / "own.csv"
    own.to_csv(path, index=False)
    with pytest.raises(DGIError, match=r"missing column\(s\) q101; did you mean 'q10l'\?"):
        report.check_survey_file(path, load_spec(2021))


# ------------------------------------------------------------------ the full report, own file
def test_report_on_own_windows_1258_file(
    tmp_path: Path, survey: pd.DataFrame, cp1258: Callable[[str], bytes],
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, options = _write(survey, tmp_path, "cp1258", cp1258)
    out = tmp_path / "out"
    assert main(["report", "2021", "--data", str(path), *options, "--no-html", "-q",
                 "--out", str(out)]) == 0, capsys.readouterr().err
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["synthetic"] is False
    text = json.dumps(summary, ensure_ascii=False)
    assert "Uông Bí" in text
    assert "Cô Tô" in text
    assert "TP Uông Bí" not in text


def test_report_refuses_a_single_psu_unit_before_running(
    tmp_path: Path, survey: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    import pyreadstat

    path = tmp_path / "own.sav"
    pyreadstat.write_sav(_numeric_for_readstat(_single_psu(survey, frame_columns=True)), str(path))
    out = tmp_path / "out"
    assert main(["report", "2021", "--data", str(path), "-q", "--out", str(out)]) == 2
    (line,) = _errors(capsys.readouterr().err)
    assert "only one PSU" in line
    assert not out.exists()
    assert main(["report", "2021", "--data", str(path), "--lonely-psu", "remove", "-q",
                 "--out", str(out)]) == 2
    (line,) = _errors(capsys.readouterr().err)
    assert "0 design degrees of freedom" in line
    assert not out.exists()


def test_readme_shows_own_file_in_two_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import re
    import shlex

    from tests.conftest import REPO

    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.+?)\n```", text, flags=re.DOTALL)
    validate, run = blocks[2].splitlines()
    own = tmp_path / "my_survey_2021.csv"
    load_survey(2021).to_csv(own, index=False)
    v_argv = [str(own) if a.endswith(".csv") else a for a in shlex.split(validate)[1:]]
    assert v_argv[0] == "validate"
    assert main(v_argv) == 0, capsys.readouterr().err
    r_argv = shlex.split(run)[1:]
    args = make_parser().parse_args(r_argv)
    assert args.command == "report"
    assert args.data == "my_survey_2021.csv"
    assert shlex.split(validate)[2] == args.data
