"""The report notebooks, built from one template so that the five annual reports cannot drift apart.

The template lives inside the package (this module), so an installed dgi_stats can build and run
any year's report without a repository checkout: :func:`build_report_notebook` returns the
notebook of a year, and ``dgi-stats report <year>`` executes it. The committed
``notebooks/dgi_report_<year>.ipynb`` and ``notebooks/papi_case_study.ipynb`` are written by
``notebooks/_make_notebooks.py`` from the same functions (a test checks they are identical), so edit
the template here and regenerate, never the ``.ipynb`` files by hand.

Cell ids are fixed and no outputs are stored, so regenerating gives byte-identical files.
"""

from __future__ import annotations

from typing import Any

from dgi_stats.report.templates._annual import annual_cells
from dgi_stats.report.templates._papi import papi_cells

__all__ = ["build_papi_notebook", "build_report_notebook", "notebook_text"]

Cell = tuple[str, str, tuple[str, ...]]


def _notebook(cells: list[Cell], prefix: str) -> Any:
    import nbformat

    nb = nbformat.v4.new_notebook()
    out = []
    for i, (kind, source, tags) in enumerate(cells):
        if kind == "markdown":
            cell = nbformat.v4.new_markdown_cell(source.strip("\n"))
        else:
            cell = nbformat.v4.new_code_cell(source.strip("\n"))
        cell["id"] = f"{prefix}-{i:02d}"
        if tags:
            cell.metadata["tags"] = list(tags)
        out.append(cell)
    nb.cells = out
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    return nb


def build_report_notebook(year: int) -> Any:
    """The annual report notebook of ``year`` (2020–2024), without outputs.

    Parameters
    ----------
    year : int
        Report year.

    Returns
    -------
    nbformat.NotebookNode

    Examples
    --------
    >>> nb = build_report_notebook(2021)
    >>> nb.cells[0].metadata["tags"], "year = 2021" in nb.cells[0].source
    (['parameters'], True)
    """
    return _notebook(annual_cells(int(year)), f"dgi{int(year)}")


def build_papi_notebook() -> Any:
    """The PAPI case-study notebook (real 2011–2016 provincial data), without outputs.

    Returns
    -------
    nbformat.NotebookNode

    Examples
    --------
    >>> build_papi_notebook().cells[1].metadata["tags"]
    ['parameters']
    """
    return _notebook(papi_cells(), "papi")


def notebook_text(nb: Any) -> str:
    """The notebook as the exact text written to disk (nbformat's JSON, newline-terminated).

    Examples
    --------
    >>> notebook_text(build_papi_notebook()).startswith("{")
    True
    """
    import nbformat

    return nbformat.writes(nb) + "\n"
