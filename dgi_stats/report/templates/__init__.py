"""The report notebooks: two template notebooks shipped inside the package, and their texts.

``dgi_report.ipynb`` is the one annual report of every year (2020–2024) and
``papi_case_study.ipynb`` the PAPI case study; each has a cell tagged ``parameters``. A year's
report is the template with its parameters set through papermill's parameterisation API
(:func:`papermill.parameterize.parameterize_notebook`: a cell tagged ``injected-parameters``
after the ``parameters`` cell), never an edit of a cell's source. What differs between the years
(the change on the year before, the published rise of a unit named in advance) is decided by the
notebook from its ``year`` when it runs, so the five reports cannot drift apart.

The templates live inside the package, so an installed dgi_stats can build and run any year's
report without a repository checkout: :func:`build_report_notebook` returns the notebook of a
year, and ``dgi-stats report <year>`` executes it. The committed
``notebooks/dgi_report_<year>.ipynb`` and ``notebooks/papi_case_study.ipynb`` are written by
``notebooks/_make_notebooks.py`` from the same functions (a test checks they are identical), so
edit the templates (in Jupyter, outputs cleared) and regenerate, never the committed copies.

Cell ids are fixed and no outputs are stored, so regenerating gives byte-identical files.

The narration of the sections is in :mod:`~dgi_stats.report.templates.narration`, the headers,
notes, figure texts and sentences in :mod:`~dgi_stats.report.templates.labels`, each in English and
Vietnamese.
"""

from __future__ import annotations

from importlib.resources import files
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from nbformat import NotebookNode

__all__ = [
    "INJECTED_CELL_ID",
    "PAPI_TEMPLATE",
    "REPORT_TEMPLATE",
    "build_papi_notebook",
    "build_report_notebook",
    "notebook_text",
    "read_template",
]

#: File name of the annual report template inside this package.
REPORT_TEMPLATE = "dgi_report.ipynb"
#: File name of the PAPI case-study template inside this package.
PAPI_TEMPLATE = "papi_case_study.ipynb"
#: Cell id of the parameters cell that papermill injects (fixed, so that files are reproducible).
INJECTED_CELL_ID = "injected-parameters"


def read_template(name: str) -> NotebookNode:
    """A template notebook shipped in this package, as nbformat reads it.

    Parameters
    ----------
    name : str
        :data:`REPORT_TEMPLATE` or :data:`PAPI_TEMPLATE`.

    Returns
    -------
    nbformat.NotebookNode

    Examples
    --------
    >>> nb = read_template(REPORT_TEMPLATE)
    >>> nb.cells[0].metadata["tags"]
    ['parameters']
    """
    import nbformat  # optional dependency (the notebooks extra)

    text = files(__name__).joinpath(name).read_text(encoding="utf-8")
    return nbformat.reads(text, as_version=4)


def build_report_notebook(year: int) -> NotebookNode:
    """The annual report notebook of ``year``: the template with ``year`` set, without outputs.

    The parameter is set with :func:`papermill.parameterize.parameterize_notebook`, which adds a
    cell tagged ``injected-parameters`` after the template's ``parameters`` cell (its id is fixed
    to :data:`INJECTED_CELL_ID`).

    Parameters
    ----------
    year : int
        Report year (2020–2024).

    Returns
    -------
    nbformat.NotebookNode

    Examples
    --------
    >>> nb = build_report_notebook(2021)
    >>> nb.cells[1].metadata["tags"], nb.cells[1].source
    (['injected-parameters'], '# Parameters\\nyear = 2021\\n')
    """
    from papermill.parameterize import parameterize_notebook  # optional (notebooks extra)

    nb = read_template(REPORT_TEMPLATE)
    # papermill reads every cell's tags and records the parameters in the notebook's metadata
    # (as its own notebook loader prepares them); the empty tag lists are removed afterwards
    nb.metadata.setdefault("papermill", {})
    for cell in nb.cells:
        cell.metadata.setdefault("tags", [])
    nb = parameterize_notebook(nb, {"year": int(year)})
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata["tags"]:
            cell["id"] = INJECTED_CELL_ID
        if not cell.metadata["tags"]:
            del cell.metadata["tags"]
    return nb


def build_papi_notebook() -> NotebookNode:
    """The PAPI case-study notebook (real 2011–2016 provincial data), without outputs.

    Returns
    -------
    nbformat.NotebookNode
        The template as shipped: its parameters (the workbook's path, the province) are set when
        it runs.

    Examples
    --------
    >>> build_papi_notebook().cells[1].metadata["tags"]
    ['parameters']
    """
    return read_template(PAPI_TEMPLATE)


def notebook_text(nb: NotebookNode) -> str:
    """The notebook as the exact text written to disk (nbformat's JSON, newline-terminated).

    Parameters
    ----------
    nb : nbformat.NotebookNode

    Returns
    -------
    str

    Examples
    --------
    >>> notebook_text(build_papi_notebook()).startswith("{")
    True
    """
    import nbformat  # optional dependency (the notebooks extra)

    return str(nbformat.writes(nb)) + "\n"
