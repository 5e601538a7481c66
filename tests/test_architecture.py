"""The package's layers, read from the source: import order, no cycles, no reach-ins, module size.

The layers (docs/contributing.md, "Architecture"), lowest first::

    core      exceptions, _validation, _rng, _results, _typing, _draws, _moved, _version, units
    survey    design, weighting, variance, estimators
    scores    spec, answers, Scores (pivot), score (index)
    ranks, composite
    simulate
    planning
    report
    dgi_stats (the package's public namespace), then cli

``io``, ``plots``, ``datasets`` and ``testing`` sit beside the layers at the level given in
:data:`LEVEL`. A module may import from its own layer or below, never above; within a layer there
are no cycles between packages. Checked on the AST of every module, so a violation fails here
before it confuses a reader.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

from dgi_stats import _moved

PACKAGE = Path(__file__).resolve().parents[1] / "dgi_stats"

#: level of each top-level part of the package (lower imports nothing higher)
LEVEL: dict[str, int] = {
    "exceptions": 0, "_validation": 0, "_rng": 0, "_results": 0, "_typing": 0, "_draws": 0,
    "_moved": 0, "_version": 0, "units": 0,
    "survey": 1,
    "scores": 2, "io": 2,
    "ranks": 3, "composite": 3, "plots": 3, "testing": 3,
    "simulate": 4,
    "datasets": 5,
    "planning": 6,
    "report": 7,
    "__init__": 8, "cli": 9, "__main__": 9,
}
MAX_LINES = 800


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _name(path: Path, root: Path = PACKAGE) -> str:
    rel = path.relative_to(root.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path, root: Path = PACKAGE) -> list[tuple[ast.stmt, str, list[str], bool]]:
    """(node, imported module, names, inside a function) for every dgi_stats import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    me = _name(path, root)
    package = me if path.name == "__init__.py" else me.rsplit(".", 1)[0]
    out = []

    def visit(node: ast.AST, in_func: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = in_func or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                for a in child.names:
                    if a.name.startswith("dgi_stats"):
                        out.append((child, a.name, [], in_func))
            elif isinstance(child, ast.ImportFrom):
                mod = child.module or ""
                if child.level:
                    base = package.split(".")
                    base = base[: len(base) - child.level + 1]
                    mod = ".".join([*base, mod] if mod else base)
                if mod.startswith("dgi_stats"):
                    out.append((child, mod, [a.name for a in child.names], in_func))
            visit(child, inner)

    visit(tree, False)
    return out


def _is_type_checking(path: Path, node: ast.stmt) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for n in ast.walk(tree):
        if (
            isinstance(n, ast.If)
            and "TYPE_CHECKING" in ast.unparse(n.test)
            and any(node.lineno == c.lineno for c in ast.walk(n) if isinstance(c, ast.stmt))
        ):
            return True
    return False


def test_every_part_has_a_level():
    parts = {_part(_name(p)) for p in _modules()}
    assert not parts - set(LEVEL), f"add to LEVEL (and to the architecture docs): {parts - set(LEVEL)}"


def test_no_import_from_a_higher_layer():
    bad = []
    for path in _modules():
        me = _name(path)
        for node, mod, names, _ in _imports(path):
            targets = (
                [mod]
                if names == [] or mod != "dgi_stats"
                else [f"dgi_stats.{n}" if n in LEVEL else "dgi_stats" for n in names]
            )
            for target in targets:
                if LEVEL[_part(target)] > LEVEL[_part(me)] and not _is_type_checking(path, node):
                    bad.append(f"{me}:{node.lineno} imports {target}")
    assert not bad, "imports from a higher layer:\n" + "\n".join(bad)


def test_no_cycles_between_modules():
    graph: dict[str, set[str]] = defaultdict(set)
    names = {_name(p) for p in _modules()}
    for path in _modules():
        me = _name(path)
        for node, mod, imported, _ in _imports(path):
            # imports inside functions count too: a deferred import is still a cycle
            if _is_type_checking(path, node):
                continue
            for target in [mod, *(f"{mod}.{n}" for n in imported)]:
                # a package's __init__ importing its own submodules is not a cycle
                own_submodule = path.name == "__init__.py" and target.startswith(me + ".")
                if (
                    target in names and target != me and not me.startswith(target + ".")
                    and not own_submodule
                ):
                    graph[me].add(target)
    # Tarjan-free check: depth-first search for a back edge
    state: dict[str, int] = {}
    cycles = []

    def dfs(n: str, stack: list[str]) -> None:
        state[n] = 1
        for m in sorted(graph[n]):
            if state.get(m) == 1:
                cycles.append(" -> ".join([*stack[stack.index(m):], m]))
            elif m not in state:
                dfs(m, [*stack, m])
        state[n] = 2

    for n in sorted(graph):
        if n not in state:
            dfs(n, [n])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_no_private_name_imported_across_modules():
    bad = []
    for path in _modules():
        me = _name(path)
        for node, mod, names, _ in _imports(path):
            if mod == me:
                continue
            for n in names:
                if n.startswith("_") and not n.startswith("__"):
                    bad.append(f"{me}:{node.lineno} imports {mod}.{n}")
            last = mod.rsplit(".", 1)[-1]
            if last.startswith("_") and last not in {"_common", "__init__"}:
                # private modules are shared only inside their own package
                owner = mod.rsplit(".", 1)[0]
                if not (me == owner or me.startswith(owner + ".")) and _part(mod) not in {
                    "_validation", "_rng", "_results", "_typing", "_draws", "_moved"
                }:
                    bad.append(f"{me}:{node.lineno} imports the private module {mod}")
            if ".__init__" not in mod and any(
                p.startswith("_") and p != "__init__" for p in mod.split(".")[1:-1]
            ):
                bad.append(f"{me}:{node.lineno} imports through a private package: {mod}")
    assert not bad, "private names imported across modules:\n" + "\n".join(bad)


def test_imports_inside_functions_say_why():
    bad = []
    for path in _modules():
        lines = path.read_text(encoding="utf-8").splitlines()
        tree = ast.parse("\n".join(lines))
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(fn):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    text = lines[node.lineno - 1 : (node.end_lineno or node.lineno)]
                    before = lines[node.lineno - 2] if node.lineno >= 2 else ""
                    if not any("#" in t for t in text) and not before.strip().startswith("#"):
                        bad.append(f"{_name(path)}:{node.lineno}: {text[0].strip()}")
    assert not bad, "imports inside functions without a comment saying why:\n" + "\n".join(
        sorted(set(bad))
    )


def test_modules_are_short_or_say_why():
    bad = []
    for path in _modules():
        text = path.read_text(encoding="utf-8")
        n = text.count("\n")
        if n > MAX_LINES and "cannot split" not in text[:3000]:
            bad.append(f"{path.relative_to(PACKAGE.parent)}: {n} lines")
    assert not bad, f"modules over {MAX_LINES} lines without a note at the top:\n" + "\n".join(bad)


def test_nothing_inside_imports_an_old_module_path():
    bad = []
    for path in _modules():
        if path.name == "_moved.py":
            continue
        for node, mod, names, _ in _imports(path):
            targets = [mod, *(f"{mod}.{n}" for n in names)]
            hit = [t for t in targets if t in _moved.MOVED_MODULES]
            if hit:
                bad.append(f"{_name(path)}:{node.lineno} imports {hit[0]}")
    assert not bad, "old module paths used inside the package:\n" + "\n".join(bad)


@pytest.mark.parametrize("old", sorted(_moved.MOVED_MODULES))
def test_old_module_paths_still_import_with_a_warning(old):
    import importlib  # the deprecated paths are imported here on purpose
    import sys

    from dgi_stats.exceptions import DGIDeprecationWarning

    sys.modules.pop(old, None)
    with pytest.warns(DGIDeprecationWarning, match=old.replace(".", r"\.")):
        module = importlib.import_module(old)
    new = importlib.import_module(_moved.MOVED_MODULES[old])
    for name in getattr(new, "__all__", []):
        assert getattr(module, name) is getattr(new, name)


@pytest.mark.parametrize("key", sorted(_moved.RENAMED))
def test_renamed_names_warn_and_point_to_the_new_object(key):
    import importlib  # the deprecated names are read here on purpose

    from dgi_stats.exceptions import DGIDeprecationWarning

    module, name = key
    new_module, new_name = _moved.RENAMED[key]
    with pytest.warns(DGIDeprecationWarning, match=new_name):
        old = getattr(importlib.import_module(module), name)
    assert old is getattr(importlib.import_module(new_module), new_name)


def test_the_checks_catch_a_violation(tmp_path):
    """The AST reader sees an upward import, a private reach-in and a bare in-function import."""
    fake = tmp_path / "dgi_stats" / "survey"
    fake.mkdir(parents=True)
    src = (
        "from dgi_stats.report import run_report\n"
        "from dgi_stats.scores.pivot import _helper\n"
        "def f():\n"
        "    import dgi_stats.ranks\n"
    )
    (fake / "bad.py").write_text(src, encoding="utf-8")
    found = _imports(fake / "bad.py", root=tmp_path / "dgi_stats")
    assert [m for _, m, _, _ in found] == ["dgi_stats.report", "dgi_stats.scores.pivot", "dgi_stats.ranks"]
    assert found[2][3] is True
    assert LEVEL[_part("dgi_stats.report")] > LEVEL["survey"]
