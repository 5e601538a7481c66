"""Sphinx configuration for the dgi_stats documentation.

Build (warnings are errors), from the repository root::

    sphinx-build -W --keep-going -b html docs docs/_build/html
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent

# Document the checked-out package (also when it is not installed), and let the kernels that
# execute the worked examples import the same copy.
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(DOCS / "_ext"))
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p
)
os.environ.setdefault("MPLBACKEND", "Agg")

from dgi_apigen import write_api_pages

import dgi_stats

# -- Project -----------------------------------------------------------------------------------
project = "dgi_stats"
author = "dgi_stats developers"
copyright = "2026, dgi_stats developers"
release = dgi_stats.__version__
version = ".".join(release.split(".")[:2])

# -- Extensions --------------------------------------------------------------------------------
extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    # MathJax shipped with the docs (from the package), so the formulas render offline
    "sphinx-mathjax-offline",
    "numpydoc",
    "sphinxcontrib.bibtex",
    "dgi_docstrings",  # docs/_ext: |x| (absolute value) in docstrings is not a substitution
]

templates_path = ["_templates"]
exclude_patterns = [
    "_build",
    "README.md",
    "Thumbs.db",
    ".DS_Store",
    "**.ipynb_checkpoints",
    "jupyter_execute",
    "_ext",
]
root_doc = "index"
language = "en"
nitpicky = False

# -- API reference: generated from the modules' __all__ lists at every build -------------------
# docs/api/<namespace>.rst is rewritten from ``__all__`` so that new public names appear
# without editing the docs; autosummary then writes one page per object.
_API_PAGES, _API_MISSING = write_api_pages(DOCS / "api")
autosummary_generate = True
autosummary_imported_members = True
autosummary_ignore_module_all = False
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"  # numpydoc renders the types from the docstrings
autoclass_content = "class"

numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks: set[str] = set()
numpydoc_xref_param_type = False
numpydoc_attributes_as_param_list = True

# -- MyST and notebooks ------------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist", "substitution"]
myst_heading_anchors = 3
myst_dmath_double_inline = True

# Worked examples run at build time; a failing example fails the build. "force" re-executes
# every page (about a minute); set DGI_DOCS_EXECUTION=cache for quick local rebuilds.
nb_execution_mode = os.environ.get("DGI_DOCS_EXECUTION", "force")
nb_execution_raise_on_error = True
nb_execution_timeout = 300
nb_execution_show_tb = True
nb_merge_streams = True
nb_execution_cache_path = str(DOCS / "_build" / ".jupyter_cache")

# -- Citations ---------------------------------------------------------------------------------
bibtex_bibfiles = ["references.bib"]
bibtex_default_style = "unsrt"
bibtex_reference_style = "author_year"
bibtex_foot_reference_style = "foot"

# -- HTML --------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"dgi_stats {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_static_path: list[str] = []
html_show_sourcelink = False


def _warn_missing_api(app: object) -> None:
    from sphinx.util import logging

    logger = logging.getLogger("dgi_apigen")
    for namespace, error in _API_MISSING.items():
        logger.warning("public namespace %s is not importable: %s", namespace, error)


def setup(app):
    app.connect("builder-inited", _warn_missing_api)
    return {"parallel_read_safe": True}
