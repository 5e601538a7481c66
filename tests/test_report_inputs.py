"""What a report reads and how it fails: a survey file is never compared with the bundled SYNTHETIC
survey, every input file is in the provenance, and a failed notebook is kept inside the output
folder with the cell's own error."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import nbformat
import pytest

from dgi_stats import report
from dgi_stats.cli import main
from dgi_stats.datasets import load_survey
from dgi_stats.datasets.generate import file_names
from dgi_stats.exceptions import DGIError
from dgi_stats.ranks import rank_confidence_sets

BUNDLED_2020 = file_names(2020)["respondents"]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _one_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture(scope="module")
def own_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A user's survey files of 2021 and 2020 (the bundled surveys, saved as CSV files)."""
    folder = tmp_path_factory.mktemp("own")
    out = {}
    for year in (2021, 2020):
        path = folder / f"mine_{year}.csv"
        load_survey(year).to_csv(path, index=False)
        out[str(year)] = path
    return out


# ----------------------------------------------------------------------- the previous year's files
def test_previous_year_is_never_bundled_with_a_survey_file(own_files: dict[str, Path]) -> None:
    mine, mine_2020 = own_files["2021"], own_files["2020"]
    # the bundled survey: the bundled year before, as always
    assert report.previous_inputs(2021) == {"data_path": None, "margins_path": None}
    # a survey file without the previous year's file: no previous year at all
    assert report.previous_inputs(2021, data_path=mine) is None
    assert report.previous_survey(2021, data_path=mine) is None
    assert report.previous_inputs(2021, data_path=mine, previous_data_path=mine_2020) == {
        "data_path": mine_2020, "margins_path": None,
    }
    assert report.previous_inputs(2020) is None
    with pytest.raises(DGIError, match="bundled SYNTHETIC 2021 survey"):
        report.previous_inputs(2021, previous_data_path=mine_2020)
    with pytest.raises(DGIError, match="previous-data"):
        report.previous_inputs(2021, data_path=mine, previous_margins_path="m.csv")
    with pytest.raises(DGIError, match="2019 has no DGI specification"):
        report.previous_inputs(2020, data_path=mine, previous_data_path=mine_2020)


def test_input_files_list_the_previous_year(own_files: dict[str, Path]) -> None:
    mine, mine_2020 = own_files["2021"], own_files["2020"]
    bundled = report.input_files(2021)
    assert bundled["previous_survey"].name == BUNDLED_2020
    alone = report.input_files(2021, data_path=mine)
    assert alone == {"survey": mine, "margins": None, "previous_survey": None,
                     "previous_margins": None}
    prov = report.file_provenance(alone)
    assert prov.loc["previous_survey", "file"] == "not used"
    both = report.input_files(2021, data_path=mine, previous_data_path=mine_2020)
    assert both["previous_survey"] == mine_2020
    assert "previous_survey" not in report.input_files(2020)  # the first year has none


def test_report_refuses_a_previous_file_with_the_bundled_survey(
    tmp_path: Path, own_files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["report", "2021", "--previous-data", str(own_files["2020"]),
                 "--out", str(out)]) == 2
    line = _one_line(capsys.readouterr().err)
    assert "bundled SYNTHETIC 2021 survey" in line
    assert not out.exists()


def test_summary_lists_every_input_and_says_synthetic_truthfully(
    own_files: dict[str, Path],
) -> None:
    mine, mine_2020 = own_files["2021"], own_files["2020"]
    analysis = report.analyse_survey(2021, data_path=mine)
    previous = report.analyse_survey(2020, data_path=mine_2020)
    bundled_prev = report.analyse_survey(2020)
    kw = {
        "confidence_level": 0.95, "seed": 1,
        "marginal": rank_confidence_sets(analysis.scores, simultaneous=False, rng=1,
                                         n_draws=1000),
        "simultaneous": rank_confidence_sets(analysis.scores, simultaneous=True, rng=1,
                                             n_draws=1000),
    }
    alone = report.build_summary(analysis, **kw)
    assert alone["synthetic"] is False
    assert alone["previous_year"] is None
    assert alone["inputs"] == {"survey": _sha(mine), "margins": None, "previous_survey": None,
                               "previous_margins": None}
    both = report.build_summary(analysis, previous=previous, **kw)
    assert both["synthetic"] is False
    assert both["previous_year"] == {"year": 2020, "data": "survey file"}
    assert both["inputs"]["previous_survey"] == _sha(mine_2020)
    # only reachable through the API; the report itself never mixes
    assert report.build_summary(analysis, previous=bundled_prev, **kw)["synthetic"] == "mixed"
    with pytest.raises(DGIError, match="previous"):
        report.build_summary(analysis, movers=object(), **kw)


# ------------------------------------------------------------------------------------ failures
FAILING = """\
from dgi_stats.exceptions import DGIError
raise DGIError("unknown unit 'Uông Bí' " + "x" * 400 + " END_OF_THE_MESSAGE")
"""


def _failing_notebook(path: Path) -> Path:
    params = nbformat.v4.new_code_cell('year = 2021\noutput_dir = "."')
    params.metadata["tags"] = ["parameters"]
    cells = [params, nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell(FAILING)]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


def test_failed_notebook_is_kept_in_out_with_the_cells_own_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nb = _failing_notebook(tmp_path / "failing.ipynb")
    out = tmp_path / "out"
    assert main(["report", "2021", "--notebook", str(nb), "--out", str(out), "-q"]) == 1
    line = _one_line(capsys.readouterr().err)
    kept = out / "failed_dgi_report_2021.ipynb"
    # the cell's own exception, type and whole message (not cut after a few hundred characters)
    assert "failed in cell 4: DGIError: unknown unit 'Uông Bí' xxx" in line  # 4: after injection
    assert "END_OF_THE_MESSAGE" in line
    assert str(kept) in line
    assert sorted(p.name for p in out.iterdir()) == [kept.name]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["failing.ipynb", "out"]  # no temp folder
    executed = nbformat.read(str(kept), as_version=4)
    errors = [o for c in executed.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors[0].ename == "DGIError"
    # the folder holding only a kept failure is not foreign: the next run may use it
    report.runner._prepare_target(out)


def test_long_error_is_cut_with_an_explicit_marker() -> None:
    text = report.runner._one_line("a\n" * 50, 10, more="see failed.ipynb")
    assert text == "a a a a a  … [89 more characters; see failed.ipynb]"
    assert report.runner._one_line("\x1b[31mred\x1b[0m\nline", None) == "red line"


# ----------------------------------------------------------------------------------- full runs
def test_own_survey_without_previous_data_has_no_change_section(
    tmp_path: Path, own_files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    mine = own_files["2021"]
    out = tmp_path / "r"
    assert main(["report", "2021", "--data", str(mine), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "no --previous-data: the report has no change on 2020" in printed
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["synthetic"] is False
    assert summary["previous_year"] is None
    assert "change" not in summary
    assert "focus" not in summary
    assert "rank_rise_power" not in summary["planning"]
    assert summary["inputs"] == {"survey": _sha(mine), "margins": None, "previous_survey": None,
                                 "previous_margins": None}
    html = (out / "dgi_report_2021.html").read_text(encoding="utf-8")
    assert BUNDLED_2020 not in html  # the bundled 2020 survey is neither read nor listed
    assert "No 2020 survey was given" in html
    assert "--previous-data" in html
    assert "Score (the survey files)" not in html
    assert "the bundled SYNTHETIC surveys" not in html
    assert "SYNTHETIC 2020" not in html
    assert mine.name in html  # the provenance table
    assert not (out / "figures" / "rank_change.png").exists()
    assert "Traceback" not in html


@pytest.mark.slow
def test_own_surveys_of_both_years_are_all_in_the_provenance(
    tmp_path: Path, own_files: dict[str, Path]
) -> None:
    mine, mine_2020 = own_files["2021"], own_files["2020"]
    out = tmp_path / "r"
    assert main(["report", "2021", "--data", str(mine), "--previous-data", str(mine_2020),
                 "--out", str(out), "-q"]) == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["synthetic"] is False
    assert summary["previous_year"] == {"year": 2020, "data": "survey file"}
    assert summary["inputs"] == {"survey": _sha(mine), "margins": None,
                                 "previous_survey": _sha(mine_2020), "previous_margins": None}
    assert summary["focus"]["unit"] == "Uông Bí"
    html = (out / "dgi_report_2021.html").read_text(encoding="utf-8")
    assert mine_2020.name in html
    assert BUNDLED_2020 not in html
    assert "Score (the survey files)" in html
