"""Tests of the dgi-stats command: bad input fails in one line; `report 2021` renders the full report."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import dgi_stats
from dgi_stats.cli import main, make_parser
from dgi_stats.datasets import load_survey

PACKAGE_PARENT = str(Path(dgi_stats.__file__).resolve().parent.parent)


def _one_line_error(err: str, *needles: str) -> None:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("dgi-stats "), err
    assert "Traceback" not in err
    for n in needles:
        assert n in lines[0], (n, err)


@pytest.fixture
def survey_csv(tmp_path: Path) -> Path:
    path = tmp_path / "survey_2021.csv"
    load_survey(2021).to_csv(path, index=False)
    return path


def test_parser_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith(f"dgi-stats {dgi_stats.__version__}")
    args = make_parser().parse_args(["report", "2022", "--data", "x.csv", "--out", "o"])
    assert (args.year, args.data, args.out, args.variance) == (2022, "x.csv", "o", "taylor")
    assert main(["--help"]) == 0
    assert "report" in capsys.readouterr().out
    assert main([]) == 2  # no subcommand: help on stderr, non-zero
    assert main(["report"]) == 2  # usage error from argparse
    assert main(["report", "twenty"]) == 2
    assert "invalid year" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "needles"),
    [
        (["report", "2019"], ["unknown year 2019", "2020, 2021, 2022, 2023, 2024"]),
        (["report", "2021", "--data", "no/such/survey.csv"], ["survey file not found"]),
        (["report", "2021", "--margins", "no/such/margins.csv"], ["margins file not found"]),
        (["report", "2021", "--replicates", "1", "--variance", "bootstrap"], ["n_replicates"]),
        (["report", "2021", "--confidence-level", "1.5"], ["confidence_level"]),
        (["report", "2020", "--previous-data", "x.csv"], ["2019 has no DGI specification"]),
    ],
)
def test_report_bad_input_one_line_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], needles: list[str]
) -> None:
    out = tmp_path / "out"
    assert main([*argv, "--out", str(out)]) == 2
    _one_line_error(capsys.readouterr().err, "report", *needles)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_report_rejects_columns_that_do_not_match_the_spec(
    tmp_path: Path, survey_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = load_survey(2021).drop(columns=["q101", "q205"]).rename(columns={"village_id": "village"})
    bad = tmp_path / "bad.csv"
    data.to_csv(bad, index=False)
    out = tmp_path / "out"
    assert main(["report", "2021", "--data", str(bad), "--out", str(out)]) == 2
    _one_line_error(capsys.readouterr().err, "does not match the DGI 2021 spec",
                    "village_id", "q101", "q205")
    assert not out.exists()
    # a file in the wrong year's layout is refused the same way (2021 items asked of 2020)
    margins = tmp_path / "margins.csv"
    margins.write_text("district,sex,adults\nUông Bí,female,10\n", encoding="utf-8")
    assert main(["report", "2021", "--data", str(survey_csv), "--margins", str(margins),
                 "--out", str(out)]) == 2
    _one_line_error(capsys.readouterr().err, "margins file", "age_group", "ethnicity")
    assert not out.exists()


def test_module_entry_point_runs_without_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (PACKAGE_PARENT, os.environ.get("PYTHONPATH", "")) if p)}
    bad = subprocess.run([sys.executable, "-m", "dgi_stats", "report", "1999"], capture_output=True,
                         text=True, env=env, cwd=tmp_path, check=False)
    assert bad.returncode == 2
    _one_line_error(bad.stderr, "unknown year 1999")
    assert list(tmp_path.iterdir()) == []


def test_validate(tmp_path: Path, survey_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(survey_csv), "--year", "2021"]) == 0
    out = capsys.readouterr().out
    assert "OK for the DGI 2021 spec" in out
    assert "13 units" in out
    data = load_survey(2021)
    data.loc[data.index[[3, 7]], "q101"] = 57
    bad = tmp_path / "bad_codes.csv"
    data.to_csv(bad, index=False)
    assert main(["validate", str(bad), "--year", "2021"]) == 2
    _one_line_error(capsys.readouterr().err, "validate", "q101", "57")
    assert main(["validate", str(survey_csv), "--year", "2031"]) == 2
    _one_line_error(capsys.readouterr().err, "validate", "2031")


def test_report_2021_html_holds_every_figure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "reports" / "2021"
    assert main(["report", "2021", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "HTML report:" in captured.out
    assert "SYNTHETIC" in captured.out
    assert "Traceback" not in captured.err
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["2021"]  # no temp folder
    html = (out / "dgi_report_2021.html").read_text(encoding="utf-8")
    pngs = sorted((out / "figures").glob("*.png"))
    svgs = sorted((out / "figures").glob("*.svg"))
    assert len(pngs) >= 7
    assert [p.stem for p in pngs] == [p.stem for p in svgs]
    for png in pngs:  # every figure file is embedded in the HTML, byte for byte
        assert base64.b64encode(png.read_bytes()).decode() in html, png.name
    assert 'data-mime-type="application/vnd.jupyter.stderr"' not in html
    assert "Traceback" not in html
    assert "rank_confidence_sets(" not in html
    assert "SYNTHETIC DATA" in html
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["year"] == 2021
    assert summary["synthetic"] is True
    assert set(summary["units"]) == set(dgi_stats.units_frame().index)
    focus = summary["focus"]
    assert focus["unit"] == "Uông Bí"
    assert focus["rank_rise_established"] == (focus["places_gained_lower"] >= 1)
    lo, hi = focus["score_change_ci"]
    assert lo < focus["score_change"] < hi
    ub = summary["units"]["Uông Bí"]
    assert ub["rank_set_simultaneous"][0] <= ub["rank_set_marginal"][0] <= ub["rank"]
    assert ub["rank"] <= ub["rank_set_marginal"][1] <= ub["rank_set_simultaneous"][1]
