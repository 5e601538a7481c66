"""Tests of dgi_stats.report: the report machinery (papermill, HTML, atomic output) and helpers."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from dgi_stats import report
from dgi_stats.exceptions import DGIError

PARAMS = """\
year = 2021
data_path = None
margins_path = None
output_dir = "."
n_replicates = 10
confidence_level = 0.95
seed = 1
"""

BODY = """\
import pandas as pd
from dgi_stats import plots, report
fig = plots.dimension_heatmap(pd.DataFrame({"d1_participation": [9.4, 8.8]}, index=["Uông Bí", "Ba Chẽ"]))
report.show_figure(fig, "heatmap", output_dir)
"""

SUMMARY = """\
import numpy as np
rng = np.random.default_rng(seed)
_ = report.write_summary({"year": year, "draw": rng.normal(), "n_replicates": n_replicates}, output_dir)
"""


def _tiny_notebook(path: Path, *, fail: bool = False, summary: bool = True) -> Path:
    """A small report-shaped notebook: parameters, a figure, summary.json (and optionally a failure)."""
    cells = [nbformat.v4.new_markdown_cell("# tiny report\n\nSECRET_MARKDOWN_TEXT")]
    params = nbformat.v4.new_code_cell(PARAMS)
    params.metadata["tags"] = ["parameters"]
    cells.append(params)
    if fail:  # fails at once, before the slow imports
        cells.append(nbformat.v4.new_code_cell('raise ValueError("deliberate failure\\nsecond line")'))
    cells.append(nbformat.v4.new_code_cell(BODY))
    if summary:
        cells.append(nbformat.v4.new_code_cell(SUMMARY))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


def assert_clean(html: str, notebook: Path) -> None:
    """No error or stderr output in the executed notebook nor in its HTML rendering."""
    assert 'data-mime-type="application/vnd.jupyter.stderr"' not in html
    assert "Traceback" not in html
    nb = nbformat.read(str(notebook), as_version=4)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", out
            assert not (out["output_type"] == "stream" and out["name"] == "stderr"), out


def _siblings(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.notebook
def test_run_report_writes_everything_atomically(tmp_path: Path) -> None:
    nb = _tiny_notebook(tmp_path / "tiny.ipynb")
    out = tmp_path / "out" / "r2021"
    # a previous report in the folder is replaced as a whole
    out.mkdir(parents=True)
    (out / "summary.json").write_text("{}", encoding="utf-8")
    (out / "stale.txt").write_text("old", encoding="utf-8")
    messages: list[str] = []
    res = report.run_report(2021, output_dir=out, notebook=nb, n_replicates=10, seed=7,
                            progress=messages.append)
    assert res.output_dir == out.absolute()
    assert _siblings(out.parent) == ["r2021"]  # no temporary folder left beside it
    assert not (out / "stale.txt").exists()
    assert {p.name for p in res.figures} == {"heatmap.png", "heatmap.svg"}
    assert res.summary["year"] == 2021
    assert res.summary["n_replicates"] == 10
    assert res.summary["draw"] == round(float(np.random.default_rng(7).normal()), 10)
    assert messages[0].startswith("running the 2021 report")
    assert messages[-1] == "rendering HTML"
    html = res.html.read_text(encoding="utf-8")
    assert "data:image/png;base64," in html  # the figure is embedded
    assert "report.show_figure" not in html  # input cells hidden
    assert "SECRET_MARKDOWN_TEXT" in html
    assert_clean(html, res.notebook)
    executed = nbformat.read(str(res.notebook), as_version=4)
    assert executed.metadata["kernelspec"]["name"] == "python3"
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert "seed = 7" in injected[0].source
    assert 'output_dir = "."' in injected[0].source


def test_refuses_a_foreign_non_empty_folder(tmp_path: Path) -> None:
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("keep me", encoding="utf-8")
    with pytest.raises(report.ReportError, match="not empty"):
        report.run_report(2021, output_dir=foreign, notebook=_tiny_notebook(tmp_path / "t.ipynb"))
    assert _siblings(foreign) == ["thesis.tex"]
    file_out = tmp_path / "a_file"
    file_out.write_text("x", encoding="utf-8")
    with pytest.raises(report.ReportError, match="not a folder"):
        report.run_report(2021, output_dir=file_out, notebook=tmp_path / "t.ipynb")


def test_failing_notebook_leaves_nothing_behind(tmp_path: Path) -> None:
    nb = _tiny_notebook(tmp_path / "bad.ipynb", fail=True)
    out = tmp_path / "out"
    # a previous report survives a failed run untouched
    out.mkdir()
    (out / "summary.json").write_text('{"previous": true}', encoding="utf-8")
    with pytest.raises(report.ReportError) as info:
        report.run_report(2021, output_dir=out, notebook=nb)
    text = str(info.value)
    assert "ValueError: deliberate failure second line" in text
    assert "\n" not in text
    # the previous report is untouched; the failed notebook is kept beside it, inside out
    assert _siblings(out) == ["failed_dgi_report_2021.ipynb", "summary.json"]
    assert str(out / "failed_dgi_report_2021.ipynb") in text
    assert (out / "summary.json").read_text(encoding="utf-8") == '{"previous": true}'
    assert _siblings(tmp_path) == ["bad.ipynb", "out"]
    fresh = tmp_path / "fresh"
    with pytest.raises(report.ReportError):
        report.run_report(2021, output_dir=fresh, notebook=nb)
    assert _siblings(fresh) == ["failed_dgi_report_2021.ipynb"]  # nothing half-written


@pytest.mark.notebook
def test_notebook_without_summary_is_a_failure(tmp_path: Path) -> None:
    nb = _tiny_notebook(tmp_path / "nosummary.ipynb", summary=False)
    with pytest.raises(report.ReportError, match=r"summary\.json"):
        report.run_report(2021, output_dir=tmp_path / "out", notebook=nb)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"year": 2019}, "unknown year 2019"),
        ({"year": "2021"}, "unknown year"),
        ({"year": 2021, "n_replicates": 1}, "n_replicates"),
        ({"year": 2021, "confidence_level": 95}, "confidence_level"),
        ({"year": 2021, "seed": -1}, "seed"),
        ({"year": 2021, "data_path": "no/such/file.csv"}, "survey file not found"),
        ({"year": 2021, "notebook": "no/such.ipynb"}, "notebook not found"),
    ],
)
def test_run_report_rejects_bad_input_before_running(tmp_path: Path, kwargs: dict, match: str) -> None:
    year = kwargs.pop("year")
    with pytest.raises(DGIError, match=match):
        report.run_report(year, output_dir=tmp_path / "out", **kwargs)
    assert not (tmp_path / "out").exists()


def test_check_survey_file_names_missing_columns_and_reads_formats(tmp_path: Path) -> None:
    from dgi_stats.datasets import load_spec

    spec = load_spec(2021)
    cols = {c: [1] for c in spec.item_ids}
    frame = pd.DataFrame({"district": ["Uông Bí"], "commune_id": ["c1"], "village_id": ["v1"],
                          "design_weight": [10.0], **cols})
    frame.drop(columns=["q101"]).to_csv(tmp_path / "a.csv", index=False)
    with pytest.raises(DGIError, match=r"missing column\(s\) q101"):
        report.check_survey_file(tmp_path / "a.csv", spec)
    (tmp_path / "b.xyz").write_text("x", encoding="utf-8")
    with pytest.raises(DGIError, match="unsupported suffix"):
        report.check_survey_file(tmp_path / "b.xyz", spec)
    frame.to_csv(tmp_path / "c.csv", index=False, encoding="utf-16")  # read as read_survey does
    assert report.check_survey_file(tmp_path / "c.csv", spec)["district"].tolist() == ["Uông Bí"]
    with pytest.raises(DGIError, match="not found"):
        report.check_survey_file(tmp_path / "none.csv", spec)


def test_write_summary_is_canonical(tmp_path: Path) -> None:
    s = pd.Series([1.0, np.nan], index=["Uông Bí", "Cô Tô"])
    frame = pd.DataFrame({"rank": [1, 2]}, index=["Uông Bí", "Cô Tô"])
    path = report.write_summary({"z": s, "a": frame, "flag": np.bool_(True), "p": Path("x")}, tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data == {"a": {"Uông Bí": {"rank": 1}, "Cô Tô": {"rank": 2}}, "flag": True, "p": "x",
                    "z": {"Uông Bí": 1.0, "Cô Tô": None}}
    assert list(data) == sorted(data)
    assert "Uông Bí" in path.read_text(encoding="utf-8")  # readable UTF-8, not \\u escapes
    # floats are rounded so that last-bit noise cannot change the file
    a = report.write_summary({"x": 0.1 + 0.2}, tmp_path).read_bytes()
    b = report.write_summary({"x": 0.3}, tmp_path).read_bytes()
    assert a == b
    with pytest.raises(DGIError, match="cannot store"):
        report.write_summary({"x": object()}, tmp_path)
    with pytest.raises(DGIError, match="existing folder"):
        report.write_summary({}, tmp_path / "missing")


def test_file_provenance_hashes(tmp_path: Path) -> None:
    p = tmp_path / "abc.txt"
    p.write_bytes(b"abc")
    prov = report.file_provenance({"survey": p, "margins": None})
    # FIPS 180-2 test vector: SHA-256("abc")
    assert prov.loc["survey", "sha256"] == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
    assert prov.loc["survey", "bytes"] == 3
    assert prov.loc["margins", "file"] == "not used"
    big = tmp_path / "big.bin"
    big.write_bytes(bytes(range(256)) * 10000)
    assert report.file_provenance({"x": big}).loc["x", "sha256"] == hashlib.sha256(
        big.read_bytes()).hexdigest()
    with pytest.raises(DGIError, match="does not exist"):
        report.file_provenance({"survey": tmp_path / "nope"})


def test_package_versions_and_banner() -> None:
    versions = report.package_versions()
    assert {"python", "dgi-stats", "numpy", "pandas", "papermill"} <= set(versions.index)
    assert re.match(r"\d+\.\d+", versions.loc["numpy", "version"])
    assert "SYNTHETIC" in report.data_banner(True).data
    assert "SYNTHETIC" not in report.data_banner(False).data
