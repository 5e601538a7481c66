"""Checks of the documentation sources that need no Sphinx build.

* every public name (``dgi_stats.__all__`` and the public sub-namespaces' ``__all__``) is reachable
  from the API reference, and, after a docs build, present in the objects inventory;
* every public function has a numpydoc Examples section (run by ``--doctest-modules``);
* every methodology page has its required parts (formulas, validation, a worked example,
  references with DOIs) and cites only keys that exist in ``docs/references.bib``;
* ``CITATION.cff``, the citing page, the changelog and the package agree on version and date;
* the documented docs command is the one CI runs.

The build itself (``sphinx-build -W --keep-going -b html docs docs/_build/html``) runs in CI.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import re
from pathlib import Path
from types import ModuleType

import pytest

import dgi_stats

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
DOCS_COMMAND = "sphinx-build -W --keep-going -b html docs docs/_build/html"
METHODOLOGY_PAGES = [
    "index_construction",
    "design_weights",
    "weighting",
    "variance_taylor",
    "variance_replicate",
    "confidence_intervals",
    "rank_confidence_sets",
    "rank_change_tests",
    "performance_bands",
    "power",
    "composite_weights",
    "uncertainty_sensitivity",
]
REQUIRED_SECTIONS = [
    "## Notation",
    "## Formulas",
    "## Assumptions and failure modes",
    "## Implementation",
    "## Validation",
    "## Worked example",
    "## References",
]


def _apigen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dgi_apigen", DOCS / "_ext" / "dgi_apigen.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


APIGEN = _apigen()


def _docstrings_ext() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "dgi_docstrings", DOCS / "_ext" / "dgi_docstrings.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _public(namespace: str) -> list[tuple[str, object]]:
    module = importlib.import_module(namespace)
    return [(name, getattr(module, name)) for name in APIGEN.public_names(module)]


@pytest.fixture(scope="module")
def api_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("api")
    pages, missing = APIGEN.write_api_pages(out)
    assert not missing, f"public namespaces that do not import: {missing}"
    return {p.stem: p.read_text(encoding="utf-8") for p in pages}


def _listed(page: str, name: str) -> bool:
    """True if *name* is an autosummary entry, a link target or a data entry of *page*."""
    patterns = [
        rf"^   {re.escape(name)}$",  # autosummary entry
        rf"<dgi_stats(\.\w+)*\.{re.escape(name)}>`$",  # link to where it is documented
        rf"^\.\. py:data:: {re.escape(name)}$",
        rf"^- ``{re.escape(name)}``: ",  # sub-package
    ]
    return any(re.search(p, page, flags=re.MULTILINE) for p in patterns)


@pytest.mark.parametrize("namespace", APIGEN.available_namespaces())
def test_every_public_name_is_in_the_api_reference(
    namespace: str, api_pages: dict[str, str]
) -> None:
    page = api_pages[namespace]
    names = [name for name, _ in _public(namespace)]
    assert names, f"{namespace} exports nothing"
    absent = [name for name in names if not _listed(page, name)]
    assert not absent, f"{namespace}: public names missing from docs/api/{namespace}.rst: {absent}"
    assert f"   {namespace}" in api_pages["index"]


def test_linked_names_point_to_the_same_object(api_pages: dict[str, str]) -> None:
    for namespace in APIGEN.available_namespaces():
        page = api_pages[namespace]
        for name, obj in _public(namespace):
            link = re.search(rf"<(dgi_stats[\w.]*)\.{re.escape(name)}>`$", page, re.MULTILINE)
            if link is not None:
                target = importlib.import_module(link.group(1))
                assert getattr(target, name) is obj, f"{namespace}.{name} links to another object"


def test_public_names_are_in_the_built_inventory() -> None:
    inventory = DOCS / "_build" / "html" / "objects.inv"
    if not inventory.is_file():
        pytest.skip("docs not built (run the docs command first; CI runs this after the build)")
    sphinx_inventory = pytest.importorskip("sphinx.util.inventory")
    with inventory.open("rb") as f:
        inv = sphinx_inventory.InventoryFile.load(f, "", lambda base, uri: uri)
    documented = {name for entries in inv.values() for name in entries}
    names_of: dict[int, set[str]] = {}
    for namespace in APIGEN.available_namespaces():
        for name, obj in _public(namespace):
            names_of.setdefault(id(obj), set()).add(f"{namespace}.{name}")
    absent = []
    for namespace in APIGEN.available_namespaces():
        for name, obj in _public(namespace):
            candidates = {f"{namespace}.{name}"} if inspect.ismodule(obj) else names_of[id(obj)]
            if not candidates & documented:
                absent.append(f"{namespace}.{name}")
    assert not absent, f"public names not in the built objects inventory: {absent}"


def _public_functions() -> list[tuple[str, object]]:
    seen: dict[int, tuple[str, object]] = {}
    for namespace in APIGEN.available_namespaces():
        for name, obj in _public(namespace):
            if inspect.isfunction(obj) and id(obj) not in seen:
                seen[id(obj)] = (f"{namespace}.{name}", obj)
    return sorted(seen.values(), key=lambda item: item[0])


def test_every_public_function_has_a_doctested_example() -> None:
    lacking = []
    for qualname, func in _public_functions():
        doc = inspect.getdoc(func) or ""
        match = re.search(
            r"^Examples\n-{8,}\n(.*?)(?=^\S[^\n]*\n-{3,}\n|\Z)", doc, re.DOTALL | re.MULTILINE
        )
        if match is None or ">>>" not in match.group(1):
            lacking.append(qualname)
    assert not lacking, f"public functions without a numpydoc Examples section with >>>: {lacking}"


def _bib_entries() -> dict[str, str]:
    text = (DOCS / "references.bib").read_text(encoding="utf-8")
    entries = re.split(r"(?m)^@", text)[1:]
    out = {}
    for entry in entries:
        key = re.match(r"\w+\{([^,]+),", entry)
        assert key is not None, entry[:60]
        out[key.group(1).strip()] = entry
    return out


def test_bibliography_dois_are_well_formed() -> None:
    entries = _bib_entries()
    assert len(entries) >= 20
    for key, entry in entries.items():
        for doi in re.findall(r"doi\s*=\s*\{([^}]*)\}", entry):
            assert re.fullmatch(r"10\.\d{4,9}/\S+", doi), f"{key}: malformed DOI {doi!r}"


@pytest.mark.parametrize("page", METHODOLOGY_PAGES)
def test_methodology_page_has_its_required_parts(page: str) -> None:
    text = (DOCS / "methodology" / f"{page}.md").read_text(encoding="utf-8")
    missing = [s for s in REQUIRED_SECTIONS if s not in text]
    assert not missing, f"{page}.md lacks {missing}"
    sections = [text.index(s) for s in REQUIRED_SECTIONS]
    assert sections == sorted(sections), f"{page}.md: sections out of order"
    assert text.count("$$") >= 2, f"{page}.md has no displayed formula"
    assert "```{code-cell}" in text, f"{page}.md has no worked example"
    assert "{footbibliography}" in text

    bib = _bib_entries()
    cited = {
        key.strip()
        for group in re.findall(r"\{footcite:[pt]\}`([^`]+)`", text)
        for key in group.split(",")
    }
    unknown = cited - set(bib)
    assert not unknown, f"{page}.md cites keys absent from references.bib: {unknown}"
    with_doi = [key for key in cited if "doi" in bib[key]]
    assert with_doi, f"{page}.md cites no reference with a DOI"
    validation = text[text.index("## Validation") : text.index("## Worked example")]
    assert "tests/test_" in validation, f"{page}.md: the validation section names no test file"


def test_every_docs_page_cites_only_known_keys() -> None:
    bib = set(_bib_entries())
    for path in DOCS.rglob("*.md"):
        if "_build" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for group in re.findall(r"\{(?:foot)?cite(?::[pt])?\}`([^`]+)`", text):
            unknown = {key.strip() for key in group.split(",")} - bib
            assert not unknown, f"{path.relative_to(REPO)} cites unknown keys {unknown}"


def _cff_field(name: str) -> str:
    text = (REPO / "CITATION.cff").read_text(encoding="utf-8")
    match = re.search(rf"^{name}:\s*\"?([^\"\n]+)\"?\s*$", text, re.MULTILINE)
    assert match is not None, f"CITATION.cff has no top-level {name}"
    return match.group(1).strip()


def test_citation_metadata_agree() -> None:
    version = _cff_field("version")
    date = _cff_field("date-released")
    assert _cff_field("cff-version") == "1.2.0"
    assert version == dgi_stats.__version__
    citing = (DOCS / "citing.md").read_text(encoding="utf-8")
    assert f"version = {{{version}}}" in citing
    assert f"date    = {{{date}}}" in citing
    changelog = (DOCS / "changelog.md").read_text(encoding="utf-8")
    assert f"## {version} — {date}" in changelog
    cff = (REPO / "CITATION.cff").read_text(encoding="utf-8")
    for doi in re.findall(r"^\s+doi:\s*(\S+)", cff, re.MULTILINE):
        assert doi in citing, f"citing.md does not mirror CITATION.cff's reference {doi}"


def test_documented_docs_command() -> None:
    readme = (DOCS / "README.md").read_text(encoding="utf-8")
    assert DOCS_COMMAND in readme.split("```")[1], "docs/README.md must open with the docs command"
    assert DOCS_COMMAND in (DOCS / "contributing.md").read_text(encoding="utf-8")


def test_referenced_test_files_exist() -> None:
    missing = set()
    for path in DOCS.rglob("*.md"):
        if "_build" in path.parts:
            continue
        for name in re.findall(r"tests/(test_\w+\.py)", path.read_text(encoding="utf-8")):
            if not (REPO / "tests" / name).is_file():
                missing.add(f"{path.relative_to(REPO)}: tests/{name}")
    assert not missing, f"docs name test files that do not exist: {sorted(missing)}"


def test_absolute_value_bars_are_escaped_only_in_running_text() -> None:
    ext = _docstrings_ext()
    assert ext.escape_line("mean |Δrank| over units") == r"mean \|Δrank\| over units"
    assert ext.escape_line("margin min |T − c|.") == r"margin min \|T − c\|."
    for untouched in ["a ``|x|`` literal", "a :math:`|x - y|` role", "x | y | z", "or|x|y"]:
        assert ext.escape_line(untouched) == untouched
    lines = [
        "Notes",
        "-----",
        ".. math::",
        "",
        "   |x| = 1",
        "",
        "after |z| here::",
        "",
        "   |literal|",
        "",
        ">>> f(|x|)",
        "",
        "| a | b |",
        "end |w|",
    ]
    out = ext.escape_bars(lines)
    assert out[4] == "   |x| = 1"
    assert out[6] == r"after \|z\| here::"
    assert out[8] == "   |literal|"
    assert out[10] == ">>> f(|x|)"
    assert out[12] == "| a | b |"
    assert out[13] == r"end \|w\|"


def test_cross_references_in_the_pages_resolve() -> None:
    """Every {func}/{class}/{meth}/{mod} reference of the handwritten pages is in the inventory."""
    inventory = DOCS / "_build" / "html" / "objects.inv"
    if not inventory.is_file():
        pytest.skip("docs not built (run the docs command first; CI runs this after the build)")
    sphinx_inventory = pytest.importorskip("sphinx.util.inventory")
    with inventory.open("rb") as f:
        inv = sphinx_inventory.InventoryFile.load(f, "", lambda base, uri: uri)
    documented = {name for entries in inv.values() for name in entries}
    unresolved = set()
    for path in DOCS.rglob("*.md"):
        if "_build" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for target in re.findall(r"\{(?:func|class|meth|mod|exc)\}`([^`]+)`", text):
            name = target.split("<")[-1].rstrip(">").lstrip("~").strip()
            if name not in documented:
                unresolved.add(f"{path.relative_to(REPO)}: {name}")
    assert not unresolved, f"cross-references to undocumented objects: {sorted(unresolved)}"
