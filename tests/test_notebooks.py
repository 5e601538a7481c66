"""The report notebooks: committed without outputs, generated from one template, reproducible.

Default run: static checks of every notebook (each annual report is the template with its year set
by papermill's parameterisation, nothing else), the reproducibility of a report's random steps
in-process, and the PAPI notebook's clean stop when the workbook is absent. The full executions
(every annual report twice with the same seed, identical summary.json, and the sections that depend
on the year; the PAPI case study on the real data) are marked ``notebook``:
``pytest -m notebook tests/test_notebooks.py``.
"""

from __future__ import annotations

import ast
import json
import re
import time
from importlib.resources import files
from pathlib import Path

import nbformat
import pytest

from dgi_stats import report
from dgi_stats.datasets import available_years
from dgi_stats.report.templates import (
    INJECTED_CELL_ID,
    PAPI_TEMPLATE,
    REPORT_TEMPLATE,
    build_papi_notebook,
    build_report_notebook,
    notebook_text,
    read_template,
)
from dgi_stats.report.templates.narration import NARRATION

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
YEARS = list(available_years())
REQUIRED_PARAMETERS = {
    "year", "data_path", "margins_path", "output_dir", "n_replicates", "confidence_level", "seed",
}
ALL_NOTEBOOKS = [f"dgi_report_{y}.ipynb" for y in YEARS] + ["papi_case_study.ipynb"]


def _read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(str(NOTEBOOKS / name), as_version=4)


def _code(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if c.cell_type == "code"]


def test_report_years_are_2020_to_2024() -> None:
    assert YEARS == [2020, 2021, 2022, 2023, 2024]


@pytest.mark.parametrize("name", ALL_NOTEBOOKS)
def test_committed_notebook_has_no_outputs_and_is_valid(name: str) -> None:
    nb = _read(name)
    nbformat.validate(nb)
    for cell in _code(nb):
        assert cell.outputs == [], f"{name}: a code cell has outputs"
        assert cell.execution_count is None, f"{name}: a code cell has an execution count"
    assert "widgets" not in nb.metadata


@pytest.mark.parametrize("year", YEARS)
def test_committed_report_is_the_template(year: int) -> None:
    text = (NOTEBOOKS / f"dgi_report_{year}.ipynb").read_text(encoding="utf-8")
    assert text == notebook_text(build_report_notebook(year)), (
        "the notebook differs from dgi_stats.report.templates; run python notebooks/_make_notebooks.py"
    )


def test_committed_papi_notebook_is_the_template() -> None:
    text = (NOTEBOOKS / "papi_case_study.ipynb").read_text(encoding="utf-8")
    assert text == notebook_text(build_papi_notebook())


def _literals(source: str, name: str) -> dict[str, object]:
    """The assignments of a parameters cell, each checked to be a literal."""
    values = {}
    for node in ast.parse(source).body:
        assert isinstance(node, ast.Assign), ast.dump(node)
        assert len(node.targets) == 1, ast.dump(node)
        assert isinstance(node.targets[0], ast.Name)
        assert isinstance(node.value, ast.Constant), f"{name}: {ast.unparse(node)} is not a literal"
        values[node.targets[0].id] = node.value.value
    return values


@pytest.mark.parametrize("name", ALL_NOTEBOOKS)
def test_parameters_cell_holds_literals_only(name: str) -> None:
    code = _code(_read(name))
    first = code[0]
    assert first.metadata.get("tags") == ["parameters"]
    names = _literals(first.source, name)
    if name.startswith("dgi_report"):
        assert set(names) >= REQUIRED_PARAMETERS
        assert names["data_path"] is None
        # the year is set by papermill's parameterisation: an injected cell, literals only
        injected = code[1]
        assert injected.metadata.get("tags") == ["injected-parameters"]
        assert injected.id == INJECTED_CELL_ID
        assert _literals(injected.source, name) == {"year": int(name[11:15])}


def test_annual_reports_differ_only_in_their_year() -> None:
    template = read_template(REPORT_TEMPLATE)
    for year in YEARS:
        nb = _read(f"dgi_report_{year}.ipynb")
        cells = [c for c in nb.cells if c.id != INJECTED_CELL_ID]
        assert [(c.id, c.cell_type, c.source) for c in cells] == [
            (c.id, c.cell_type, c.source) for c in template.cells
        ]
        assert nb.metadata["papermill"]["parameters"] == {"year": year}


def test_templates_ship_in_the_package() -> None:
    folder = files("dgi_stats.report.templates")
    for name in (REPORT_TEMPLATE, PAPI_TEMPLATE):
        nb = nbformat.reads(folder.joinpath(name).read_text(encoding="utf-8"), as_version=4)
        nbformat.validate(nb)
        assert sum(c.metadata.get("tags") == ["parameters"] for c in nb.cells) == 1
        assert all(c.get("outputs", []) == [] for c in nb.cells)
    assert notebook_text(build_papi_notebook()) == folder.joinpath(PAPI_TEMPLATE).read_text(
        encoding="utf-8")


def test_report_structure() -> None:
    nb = read_template(REPORT_TEMPLATE)
    code = _code(nb)
    assert "package_versions()" in code[1].source
    assert "file_provenance(" in code[1].source
    text = "\n".join(c.source for c in nb.cells)
    # the narration is in the text catalogue (English and Vietnamese), shown by report.narrate
    keys = [k for pair in re.findall(r'report\.narrate\("(\w+)"(?: if [^"]* else "(\w+)")?', text)
            for k in pair if k]
    assert "no_change" in keys  # the first year of the series says there is no change to show
    markdown = "\n".join(NARRATION["en"][k] for k in keys)
    for heading in ("## 1. Published figures", "## 2. Data and design", "## 3. Results",
                    "## 4. Ranks", "## 5. Change", "## 6. Robustness", "## 7. Planning",
                    "## 8. Summary", "Running this report on the official data",
                    "Uông Bí's published rise"):
        assert heading in markdown, heading
    assert all(set(NARRATION[lang]) == set(NARRATION["en"]) for lang in NARRATION)
    assert text.count("data_banner(") >= 4  # the SYNTHETIC banner wherever results are shown
    assert "write_summary(" in code[-1].source
    # narration and calls: no statistics written in the notebook
    for cell in code:
        for banned in ("import numpy", "import scipy", "import statsmodels", ".mean(", ".std(",
                       "np."):
            assert banned not in cell.source, banned
    # what depends on the year is decided when the notebook runs, from `year`
    assert "has_previous_year = year - 1 in available_years()" in code[1].source
    assert "rank_change_test(previous.scores" in text


def test_papi_notebook_stops_cleanly_without_the_workbook(tmp_path: Path) -> None:
    import papermill as pm

    out = tmp_path / "papi.ipynb"
    with report.runner._kernel_for_this_python() as kernel:
        pm.execute_notebook(
            str(NOTEBOOKS / "papi_case_study.ipynb"), str(out), kernel_name=kernel,
            parameters={"papi_path": str(tmp_path / "absent.xlsx"), "output_dir": str(tmp_path)},
            progress_bar=False, cwd=str(tmp_path),
        )
    nb = nbformat.read(str(out), as_version=4)
    outputs = [o for c in _code(nb) for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    texts = [o.get("data", {}).get("text/markdown", "") for o in outputs]
    assert any("was not found" in t for t in texts)
    assert not (tmp_path / "figures").exists()


def test_random_steps_of_a_report_are_reproducible(tmp_path: Path) -> None:
    # The random steps of a report (rank sets, rank probabilities, uncertainty analysis) give the
    # same summary.json for the same seed; the full two-run check is under the notebook marker.
    from dgi_stats import composite
    from dgi_stats.ranks import rank_confidence_sets
    from dgi_stats.ranks.descriptive import rank_probabilities

    analysis = report.analyse_survey(2023)

    def run(seed: int, folder: Path) -> bytes:
        seeds = report.spawn_seeds(seed, ["ranks", "probabilities", "uncertainty"])
        marginal = rank_confidence_sets(analysis.scores, simultaneous=False, rng=seeds["ranks"],
                                        n_draws=2000)
        simultaneous = rank_confidence_sets(analysis.scores, simultaneous=True,
                                            rng=seeds["ranks"], n_draws=2000)
        probs = rank_probabilities(analysis.scores, n_draws=2000, rng=seeds["probabilities"])
        factors = [composite.weight_noise_factor(
            composite.equal_weights(analysis.spec.dimension_ids), n_draws=20,
            rng=seeds["uncertainty"])]
        ua = composite.uncertainty_analysis(analysis.scores, factors=factors, n_draws=200,
                                            rng=seeds["uncertainty"])
        summary = report.build_summary(analysis, confidence_level=0.95, seed=seed,
                                       marginal=marginal, simultaneous=simultaneous,
                                       probabilities=probs, uncertainty=ua)
        folder.mkdir()
        return report.write_summary(summary, folder).read_bytes()

    first = run(11, tmp_path / "a")
    assert run(11, tmp_path / "b") == first
    assert run(12, tmp_path / "c") != first  # the seed matters (the test can fail)


@pytest.mark.notebook
@pytest.mark.parametrize("year", YEARS)
def test_report_runs_and_is_reproducible(year: int, tmp_path: Path) -> None:
    durations = []
    results = []
    for run in ("first", "second"):
        start = time.perf_counter()
        results.append(report.run_report(year, output_dir=tmp_path / run, seed=7))
        durations.append(time.perf_counter() - start)
    a, b = results
    assert (a.output_dir / "summary.json").read_bytes() == (b.output_dir / "summary.json").read_bytes()
    assert {p.name for p in a.figures} == {p.name for p in b.figures}
    html = a.html.read_text(encoding="utf-8")
    assert 'data-mime-type="application/vnd.jupyter.stderr"' not in html
    assert "Traceback" not in html
    # the sections that depend on the year
    summary = json.loads((a.output_dir / "summary.json").read_text(encoding="utf-8"))
    assert ("change" in summary) == (year > 2020)
    assert ("rank_change.png" in {p.name for p in a.figures}) == (year > 2020)
    assert ("focus" in summary) == (year == 2021)
    assert ("rank_rise_power" in summary["planning"]) == (year == 2021)
    assert ("published rise from 6th to 1st" in html) == (year == 2021)
    assert ("is the first year of the DGI series" in html) == (year == 2020)
    print(f"dgi_report_{year}: {durations[0]:.0f} s and {durations[1]:.0f} s")


@pytest.mark.notebook
def test_papi_case_study_on_the_real_data(shared_dir: Path, tmp_path: Path) -> None:
    import papermill as pm

    workbook = shared_dir / "data" / "papi" / "PAPI_2011-2016.xlsx"
    if not workbook.is_file():
        pytest.skip("PAPI workbook absent")
    out = tmp_path / "papi.ipynb"
    with report.runner._kernel_for_this_python() as kernel:
        pm.execute_notebook(
            str(NOTEBOOKS / "papi_case_study.ipynb"), str(out), kernel_name=kernel,
            parameters={"papi_path": str(workbook), "output_dir": str(tmp_path), "n_draws": 300},
            progress_bar=False, cwd=str(tmp_path),
        )
    nb = nbformat.read(str(out), as_version=4)
    outputs = [o for c in _code(nb) for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert (tmp_path / "figures" / "papi_2016_uncertainty.png").is_file()
