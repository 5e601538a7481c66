"""Old homes of moved modules and renamed public names, kept for one release as deprecated aliases.

Release 0.2 (see "Unreleased" in the changelog) gives the package its layers (``survey`` →
``scores`` → ``ranks``/``composite`` → ``simulate`` → ``planning`` → ``report``). Code written
for 0.1 keeps working for one release:
importing an old module path, or reading an old name, gives the object from its new home and a
:class:`~dgi_stats.exceptions.DGIDeprecationWarning` that names it. Every alias is listed here and
in the changelog; all of them go in 0.3.

Nothing inside the package imports an old path (a test checks this).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import warnings
from types import ModuleType
from typing import Any

from dgi_stats.exceptions import DGIDeprecationWarning

__all__ = ["MOVED_MODULES", "RENAMED", "deprecated_getattr", "install"]

REMOVED_IN = "0.3"

#: old module path -> new module path
MOVED_MODULES: dict[str, str] = {
    "dgi_stats.design": "dgi_stats.survey.design",
    "dgi_stats.estimation": "dgi_stats.survey.estimators",
    "dgi_stats.weighting": "dgi_stats.survey.weighting",
    "dgi_stats.weighting.calibration": "dgi_stats.survey.weighting.calibration",
    "dgi_stats.weighting.design_weights": "dgi_stats.survey.weighting.design_weights",
    "dgi_stats.weighting.diagnostics": "dgi_stats.survey.weighting.diagnostics",
    "dgi_stats.weighting.poststratify": "dgi_stats.survey.weighting.poststratify",
    "dgi_stats.weighting.raking": "dgi_stats.survey.weighting.raking",
    "dgi_stats.weighting.trimming": "dgi_stats.survey.weighting.trimming",
    "dgi_stats.variance": "dgi_stats.survey.variance",
    "dgi_stats.variance.replicate": "dgi_stats.survey.variance.replicate",
    "dgi_stats.variance.taylor": "dgi_stats.survey.variance.taylor",
    "dgi_stats.spec": "dgi_stats.scores.spec",
    "dgi_stats.scoring": "dgi_stats.scores.answers",
    "dgi_stats.ranks.power": "dgi_stats.planning.power",
    "dgi_stats.report_template": "dgi_stats.report.templates",
    # composite modules renamed so that they no longer share names with the functions
    # ds.composite.weights / .aggregate / .normalise (the attributes stay the functions)
    "dgi_stats.composite.weights": "dgi_stats.composite.weighting_schemes",
    "dgi_stats.composite.aggregate": "dgi_stats.composite.aggregation",
    "dgi_stats.composite.normalise": "dgi_stats.composite.normalisation",
}

#: (module, old name) -> (new module, new name) for names renamed or moved out of a namespace
RENAMED: dict[tuple[str, str], tuple[str, str]] = {
    # ds.rank sat beside ds.ranks; the one competition rank has a name that says what it is
    ("dgi_stats", "rank"): ("dgi_stats.scores", "competition_rank"),
    ("dgi_stats.ranks", "RankChangePower"): ("dgi_stats.planning", "RankChangePower"),
    ("dgi_stats.ranks", "SampleSizePlan"): ("dgi_stats.planning", "SampleSizePlan"),
    ("dgi_stats.ranks", "detectable_change"): ("dgi_stats.planning", "detectable_change"),
    ("dgi_stats.ranks", "rank_set_change_probability"): (
        "dgi_stats.planning",
        "rank_set_change_probability",
    ),
    ("dgi_stats.ranks", "required_sample_size"): ("dgi_stats.planning", "required_sample_size"),
}


def _warn(old: str, new: str, stacklevel: int) -> None:
    warnings.warn(
        f"{old} is deprecated and will be removed in dgi_stats {REMOVED_IN}; use {new}.",
        DGIDeprecationWarning,
        stacklevel=stacklevel,
    )


def deprecated_getattr(module: str) -> Any:
    """A module ``__getattr__`` that serves the module's renamed names with a deprecation warning.

    Parameters
    ----------
    module : str
        The module's ``__name__``; its entries in :data:`RENAMED` are served.

    Returns
    -------
    callable
        ``__getattr__(name)`` for the module.

    Examples
    --------
    >>> getter = deprecated_getattr("dgi_stats.ranks")
    >>> callable(getter)
    True
    """

    def __getattr__(name: str) -> Any:
        target = RENAMED.get((module, name))
        if target is None:
            msg = f"module {module!r} has no attribute {name!r}"
            raise AttributeError(msg)
        new_module, new_name = target
        _warn(f"{module}.{name}", f"{new_module}.{new_name}", stacklevel=3)
        return getattr(importlib.import_module(new_module), new_name)

    return __getattr__


class _MovedModuleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports an old module path as a thin module that forwards to the new one."""

    def find_spec(
        self, fullname: str, path: Any = None, target: Any = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in MOVED_MODULES:
            return None
        return importlib.machinery.ModuleSpec(
            fullname, self, is_package=MOVED_MODULES[fullname] + ".__init__" in _PACKAGES
        )

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None  # the default module

    def exec_module(self, module: ModuleType) -> None:
        new = MOVED_MODULES[module.__name__]
        _warn(f"the module {module.__name__}", new, stacklevel=_import_stacklevel())
        target = importlib.import_module(new)

        def __getattr__(name: str) -> Any:
            return getattr(target, name)

        module.__getattr__ = __getattr__  # type: ignore[method-assign]
        module.__all__ = list(getattr(target, "__all__", []))  # type: ignore[attr-defined]
        module.__doc__ = f"Deprecated alias of :mod:`{new}` (removed in {REMOVED_IN})."
        if hasattr(target, "__path__"):
            module.__path__ = []  # submodules resolve through MOVED_MODULES


_PACKAGES = {
    "dgi_stats.survey.weighting.__init__",
    "dgi_stats.survey.variance.__init__",
    "dgi_stats.report.templates.__init__",
}


def _import_stacklevel() -> int:
    # point the warning at the first frame outside importlib's machinery
    frame = sys._getframe(1)
    level = 1
    while frame is not None and (
        frame.f_code.co_filename.startswith("<frozen importlib")
        or frame.f_code.co_filename == __file__
    ):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level + 1


def install() -> None:
    """Put the finder of old module paths on ``sys.meta_path`` (once).

    Examples
    --------
    >>> install()  # idempotent
    >>> sum(isinstance(f, _MovedModuleFinder) for f in sys.meta_path)
    1
    """
    if not any(isinstance(f, _MovedModuleFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _MovedModuleFinder())
