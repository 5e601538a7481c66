"""numpydoc validation and honest types for every public name.

Every public function and class (the ``__all__`` of each public namespace) has a numpydoc
docstring that documents each parameter (PR01, PR02, PR07), says what it returns (RT01) and shows
an example (EX01); public methods and properties document their parameters and returns. No public
parameter is typed ``Any`` where a union or protocol could say what it takes. The same checks run
in the Sphinx build (``numpydoc_validation_checks`` in docs/conf.py).
"""

from __future__ import annotations

import importlib
import inspect
import re
import warnings
from collections.abc import Callable

import pytest

numpydoc_validate = pytest.importorskip("numpydoc.validate")

#: public namespaces whose ``__all__`` is the public API
NAMESPACES = (
    "dgi_stats", "dgi_stats.datasets", "dgi_stats.survey", "dgi_stats.survey.weighting",
    "dgi_stats.survey.variance", "dgi_stats.scores", "dgi_stats.ranks", "dgi_stats.composite",
    "dgi_stats.simulate", "dgi_stats.planning", "dgi_stats.report", "dgi_stats.plots",
    "dgi_stats.io", "dgi_stats.units", "dgi_stats.testing",
)
TOP_CHECKS = {"GL08", "PR01", "PR02", "PR07", "RT01", "EX01"}
METHOD_CHECKS = {"GL08", "PR01", "PR02", "PR07", "RT01"}


def _public() -> dict[str, tuple[object, bool]]:
    """``module.qualname`` -> (object, is a top-level name) for every public function, class,
    and public method or property of a public class."""
    out: dict[str, tuple[object, bool]] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for ns in NAMESPACES:
            mod = importlib.import_module(ns)
            for name in getattr(mod, "__all__", []):
                obj = getattr(mod, name)
                if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                    continue
                if not obj.__module__.startswith("dgi_stats"):
                    continue
                key = f"{obj.__module__}.{obj.__qualname__}"
                out[key] = (obj, True)
                if inspect.isclass(obj) and not issubclass(obj, BaseException | Warning):
                    for attr, value in vars(obj).items():
                        if attr.startswith("_"):
                            continue
                        if inspect.isfunction(value) or isinstance(value, property | classmethod | staticmethod):
                            out[f"{key}.{attr}"] = (value, False)
    return out


PUBLIC = _public()


def _problems(key: str, obj: object, top: bool) -> list[str]:
    result = numpydoc_validate.validate(key)
    checks = TOP_CHECKS if top else METHOD_CHECKS
    if inspect.isclass(obj) and issubclass(obj, BaseException):
        checks = {"GL08"}  # exceptions and warnings: a docstring saying when they are raised
    out = []
    for code, message in result["errors"]:
        if code not in checks:
            continue
        if code == "RT01" and (inspect.isclass(obj) or isinstance(obj, property)):
            continue  # classes and properties have no Returns section
        out.append(f"{key}: {code} {message}")
    return out


def test_there_are_public_names_to_check():
    assert len(PUBLIC) > 200
    assert "dgi_stats.scores.pivot.Scores" in PUBLIC


def test_every_public_name_has_a_complete_numpydoc_docstring():
    bad = [p for key, (obj, top) in sorted(PUBLIC.items()) for p in _problems(key, obj, top)]
    assert not bad, f"{len(bad)} numpydoc problem(s):\n" + "\n".join(bad)


def _signature_of(obj: object) -> inspect.Signature | None:
    target: Callable[..., object] | None = None
    if inspect.isclass(obj):
        target = obj.__init__  # type: ignore[misc]
    elif isinstance(obj, classmethod | staticmethod):
        target = obj.__func__
    elif inspect.isfunction(obj):
        target = obj
    if target is None:
        return None
    try:
        return inspect.signature(target)
    except (TypeError, ValueError):
        return None


def test_no_public_parameter_is_typed_any():
    bad = []
    for key, (obj, _) in sorted(PUBLIC.items()):
        sig = _signature_of(obj)
        if sig is None:
            continue
        for name, p in sig.parameters.items():
            if name in {"self", "cls"} or p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
                continue
            if re.search(r"\bAny\b", str(p.annotation)):
                bad.append(f"{key}({name}: {p.annotation})")
    assert not bad, f"{len(bad)} public parameter(s) typed Any:\n" + "\n".join(bad)


def test_the_checks_see_a_bad_docstring():
    """The validator flags an undocumented parameter, a missing Returns and a missing example."""

    def undocumented(x: int) -> int:
        """Do something."""
        return x

    mod = importlib.import_module(__name__)
    mod.undocumented = undocumented  # type: ignore[attr-defined]
    codes = {c for c, _ in numpydoc_validate.validate(f"{__name__}.undocumented")["errors"]}
    assert {"PR01", "RT01", "EX01"} <= codes
