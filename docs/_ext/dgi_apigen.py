"""Write the API reference pages of dgi_stats from the public ``__all__`` lists.

Called from ``docs/conf.py`` at every build, before Sphinx reads the sources, so that a name added
to a module's ``__all__`` appears in the API reference without editing the docs. One page per
public namespace (``docs/api/<namespace>.rst``), grouped by the module that defines each object;
autosummary then writes one page per object from its numpydoc docstring.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path
from types import ModuleType

#: Public namespaces documented in the API reference, in reading order. The first must be the
#: package itself. Names exported both at the top level and by a sub-namespace are documented
#: once, at the top level, and linked from the sub-namespace page.
NAMESPACES: tuple[str, ...] = (
    "dgi_stats",
    "dgi_stats.datasets",
    "dgi_stats.survey",
    "dgi_stats.survey.weighting",
    "dgi_stats.scores",
    "dgi_stats.ranks",
    "dgi_stats.composite",
    "dgi_stats.simulate",
    "dgi_stats.planning",
    "dgi_stats.plots",
)
#: Modules whose public names are mostly re-exported by the namespaces above; their pages document
#: the rest (result classes, helpers) and link the re-exported names. Documented when importable.
OPTIONAL_NAMESPACES: tuple[str, ...] = (
    "dgi_stats.survey.design",
    "dgi_stats.survey.estimators",
    "dgi_stats.survey.variance",
    "dgi_stats.survey.variance.replicate",
    "dgi_stats.survey.variance.taylor",
    "dgi_stats.scores.spec",
    "dgi_stats.scores.answers",
    "dgi_stats.scores.pivot",
    "dgi_stats.io",
    "dgi_stats.units",
    "dgi_stats.testing",
    "dgi_stats.report",
)

_TOP = NAMESPACES[0]

#: Section titles of the API pages, by the module that defines an object (first prefix that
#: matches), in reading order.
TOPICS: tuple[tuple[str, str], ...] = (
    ("dgi_stats.scores.pivot", "Scores: every measure of every unit, with its covariance"),
    ("dgi_stats.scores.spec", "Index specification and scoring"),
    ("dgi_stats.scores.answers", "Index specification and scoring"),
    ("dgi_stats.io", "Reading survey files"),
    ("dgi_stats.units", "Units"),
    ("dgi_stats.datasets", "Bundled data"),
    ("dgi_stats.scores", "Index specification and scoring"),
    ("dgi_stats.survey.design", "Survey designs"),
    ("dgi_stats.survey._design_columns", "Survey designs"),
    ("dgi_stats.survey.variance", "Variance"),
    ("dgi_stats.survey.weighting", "Weighting"),
    ("dgi_stats.survey", "Estimation"),
    ("dgi_stats.ranks", "Inference on ranks"),
    ("dgi_stats.composite", "Composite indices"),
    ("dgi_stats.simulate", "Simulation"),
    ("dgi_stats.planning", "Planning: power and sample size"),
    ("dgi_stats.plots", "Plots"),
    ("dgi_stats.report", "Annual reports"),
    ("dgi_stats.testing", "Testing helpers"),
)
_EXCEPTIONS = "Exceptions and warnings"


def _topic(module: str) -> tuple[int, str]:
    """Return (order, title) of the section for an object defined in *module*."""
    titles = [title for _, title in TOPICS]
    for prefix, title in TOPICS:
        if module == prefix or module.startswith(prefix + "."):
            return titles.index(title), title
    return len(TOPICS), f"``{module}``"


def public_names(module: ModuleType) -> list[str]:
    """Return the public names of *module*: its ``__all__`` (or its non-underscore attributes)."""
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in vars(module) if not n.startswith("_")]
    return list(names)


def _kind(obj: object) -> str:
    if inspect.ismodule(obj):
        return "module"
    if inspect.isclass(obj):
        if issubclass(obj, BaseException):
            return "exception"
        return "class"
    if callable(obj):
        return "function"
    return "data"


def _first_line(doc: str | None) -> str:
    if not doc:
        return ""
    for line in doc.strip().splitlines():
        if line.strip():
            return line.strip()
    return ""


def _heading(text: str, char: str) -> str:
    return f"{text}\n{char * len(text)}\n"


def _defining_module(obj: object, namespace: str) -> str:
    mod = getattr(obj, "__module__", None) or namespace
    return str(mod)


def api_page(namespace: str, documented_elsewhere: dict[int, str] | None = None) -> str:
    """Return the reStructuredText source of the API page of *namespace*.

    Parameters
    ----------
    namespace : str
        Dotted module name, for example ``"dgi_stats.ranks"``.
    documented_elsewhere : dict, optional
        ``id(obj) -> qualified name`` of objects already documented on another page; these are
        linked instead of being documented twice (objects of *namespace* itself are never linked).
    """
    documented_elsewhere = documented_elsewhere or {}
    module = importlib.import_module(namespace)
    names = public_names(module)
    lines: list[str] = [
        f".. Generated by docs/_ext/dgi_apigen.py from {namespace}.__all__; do not edit.",
        "",
        _heading(f"``{namespace}``", "="),
        f".. automodule:: {namespace}",
        "   :no-members:",
        "",
        f".. currentmodule:: {namespace}",
        "",
    ]
    groups: dict[tuple[int, str], list[tuple[str, str]]] = {}
    modules: list[str] = []
    data: list[str] = []
    linked: list[tuple[str, str, str]] = []
    for name in names:
        obj = getattr(module, name)
        kind = _kind(obj)
        if kind == "module":
            modules.append(name)
            continue
        if kind == "data":
            data.append(name)
            continue
        if id(obj) in documented_elsewhere:
            role = "class" if kind in {"class", "exception"} else "func"
            if kind == "exception":
                role = "exc"
            linked.append((name, role, documented_elsewhere[id(obj)]))
            continue
        if kind == "exception":
            key = (len(TOPICS) + 1, _EXCEPTIONS)
        else:
            key = _topic(_defining_module(obj, namespace))
        groups.setdefault(key, []).append((name, _defining_module(obj, namespace)))

    for (_, title), members in sorted(groups.items()):
        lines.append(_heading(title, "-"))
        modules_here = sorted({mod for _, mod in members})
        if title != _EXCEPTIONS:
            lines += ["Defined in " + ", ".join(f"``{m}``" for m in modules_here) + ".", ""]
        lines += [".. autosummary::", "   :toctree: generated/", "   :nosignatures:", ""]
        lines += [f"   {name}" for name, _ in members]
        lines.append("")

    if linked:
        lines.append(_heading("Documented elsewhere", "-"))
        lines += [
            f"These names of ``{namespace}`` are documented once, where they are first exported:",
            "",
        ]
        lines += [f"- :{role}:`{name} <{target}>`" for name, role, target in linked]
        lines.append("")

    if modules:
        lines.append(_heading("Sub-packages", "-"))
        for name in modules:
            full = f"{namespace}.{name}"
            target = f":doc:`{full}`" if full in NAMESPACES + OPTIONAL_NAMESPACES else f"``{full}``"
            doc = _first_line(getattr(module, name).__doc__)
            lines.append(f"- ``{name}``: {target}{' — ' + doc if doc else ''}")
        lines.append("")

    if data:
        lines.append(_heading("Data", "-"))
        for name in data:
            shown = repr(getattr(module, name))
            lines.append(f".. py:data:: {name}")
            if len(shown) <= 80 and "\n" not in shown:
                lines.append(f"   :value: {shown}")
            lines.append("")
            if name == "__version__":
                lines += ["   The version of the installed package.", ""]
    return "\n".join(lines).rstrip() + "\n"


def available_namespaces() -> list[str]:
    """Return the documented namespaces: all required ones and the optional ones that import."""
    found = list(NAMESPACES)
    for ns in OPTIONAL_NAMESPACES:
        try:
            importlib.import_module(ns)
        except ImportError:
            continue
        found.append(ns)
    return found


def _missing_page(namespace: str, error: Exception) -> str:
    return "\n".join(
        [
            ".. This file is generated by docs/_ext/dgi_apigen.py; do not edit.",
            "",
            _heading(f"``{namespace}``", "="),
            f"``{namespace}`` could not be imported when these pages were built ({error!s}).",
            "",
        ]
    )


def write_api_pages(api_dir: Path) -> tuple[list[Path], dict[str, str]]:
    """Write ``<namespace>.rst`` for every documented namespace into *api_dir*.

    Files are rewritten only when their content changes, so incremental builds stay incremental.
    Returns the pages and ``{namespace: error}`` for required namespaces that could not be
    imported; ``conf.py`` turns each into a Sphinx warning, so ``-W`` fails the build rather than
    publish an API reference with a hole in it.
    """
    api_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    missing: dict[str, str] = {}
    # Each object is documented once, on the first page that exports it (the top level first);
    # later pages link to it.
    elsewhere: dict[int, str] = {}
    for ns in available_namespaces():
        try:
            text = api_page(ns, elsewhere)
            module = importlib.import_module(ns)
        except ImportError as exc:
            missing[ns] = f"{type(exc).__name__}: {exc}"
            text = _missing_page(ns, exc)
        else:
            for name in public_names(module):
                obj = getattr(module, name)
                if _kind(obj) in {"class", "exception", "function"}:
                    elsewhere.setdefault(id(obj), f"{ns}.{name}")
        path = api_dir / f"{ns}.rst"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    _remove_stale_stubs(api_dir, written)
    index = api_dir / "index.rst"
    text = index_page(available_namespaces())
    if not index.exists() or index.read_text(encoding="utf-8") != text:
        index.write_text(text, encoding="utf-8")
    written.append(index)
    return written, missing


def _remove_stale_stubs(api_dir: Path, pages: list[Path]) -> None:
    """Delete autosummary stubs of names that are no longer public (they would be orphans)."""
    generated = api_dir / "generated"
    if not generated.is_dir():
        return
    expected = set()
    for page in pages:
        namespace = page.stem
        for name in re.findall(
            r"^   ([A-Za-z_]\w*)$", page.read_text(encoding="utf-8"), re.MULTILINE
        ):
            expected.add(f"{namespace}.{name}.rst")
    for stub in generated.glob("*.rst"):
        if stub.name not in expected:
            stub.unlink()


def index_page(namespaces: list[str]) -> str:
    """Return the source of the API reference's index page."""
    main = [ns for ns in namespaces if ns in NAMESPACES]
    other = [ns for ns in namespaces if ns not in NAMESPACES]
    lines = [
        ".. Generated by docs/_ext/dgi_apigen.py; do not edit.",
        "",
        _heading("API reference", "="),
        "Every public name of dgi_stats, generated from the docstrings (numpydoc format) and the",
        "``__all__`` list of each public namespace. Most users only need the top-level namespace",
        "(``import dgi_stats as ds``) and the sub-packages; the modules listed last hold the result",
        "classes and helpers that are not exported at the top level. Every function's *Examples*",
        "section runs as a doctest in the test suite.",
        "",
        ".. toctree::",
        "   :maxdepth: 1",
        "   :caption: Namespaces",
        "",
    ]
    lines += [f"   {ns}" for ns in main]
    if other:
        lines += ["", ".. toctree::", "   :maxdepth: 1", "   :caption: Modules", ""]
        lines += [f"   {ns}" for ns in other]
    return "\n".join(lines) + "\n"
