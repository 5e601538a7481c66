"""Render absolute-value bars in docstrings literally.

Docstrings in dgi_stats are written for readers of ``help()`` as much as for Sphinx, and use
``|x|`` for an absolute value (``|Δrank|``, ``|T − c|``). In reStructuredText ``|x|`` is a
*substitution reference*, and an undefined one is an error. The documentation defines no
substitutions, so this extension escapes such bars (``\\|x\\|``) before the docstring is parsed.
It leaves alone inline literals and roles (````|x|````, ``:math:`|x|```), tables and line blocks
(lines starting with ``|`` or ``+``), and indented blocks that follow ``.. math::``, a ``::``
paragraph or a doctest prompt.
"""

from __future__ import annotations

import re
from typing import Any

#: Inline markup that must not be touched: inline literals, roles with their text, interpreted text.
_PROTECTED = re.compile(r"(``.+?``|:[\w:.+-]+:`[^`]*`|`[^`]*`_{0,2})")
#: A substitution reference as docutils recognises it: ``|text|`` with no space just inside the bars,
#: not glued to a word character on the outside.
_SUBSTITUTION = re.compile(r"(?<![\w\\|])\|(?=\S)([^|\n]*?\S)\|(?![\w|])")


def _escape_segment(text: str) -> str:
    return _SUBSTITUTION.sub(lambda m: "\\|" + m.group(1) + "\\|", text)


def escape_line(line: str) -> str:
    """Escape the substitution-like ``|x|`` of one line, outside inline literals and roles."""
    parts = _PROTECTED.split(line)
    return "".join(p if i % 2 else _escape_segment(p) for i, p in enumerate(parts))


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def escape_bars(lines: list[str]) -> list[str]:
    """Return *lines* with substitution-like ``|x|`` escaped outside literal and math blocks."""
    out: list[str] = []
    block_indent: int | None = None  # indentation of the directive/paragraph opening a raw block
    in_doctest = False
    for line in lines:
        stripped = line.strip()
        if block_indent is not None:
            if stripped and _indent(line) <= block_indent:
                block_indent = None
            else:
                out.append(line)
                continue
        if in_doctest:
            if stripped:
                out.append(line)
                continue
            in_doctest = False
        if stripped.startswith((">>>", "...")):
            in_doctest = True
            out.append(line)
            continue
        if stripped.startswith((".. math::", ".. code", ".. plot::")):
            block_indent = _indent(line)
            out.append(line)
            continue
        if stripped.endswith("::") and not stripped.startswith(".."):
            block_indent = _indent(line)
            out.append(escape_line(line))
            continue
        if stripped.startswith(("|", "+")):
            out.append(line)
            continue
        out.append(escape_line(line))
    return out


def _process(app: Any, what: str, name: str, obj: Any, options: Any, lines: list[str]) -> None:
    lines[:] = escape_bars(lines)


def setup(app: Any) -> dict[str, Any]:
    """Register the docstring hook (before numpydoc reshapes the docstring)."""
    app.connect("autodoc-process-docstring", _process, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
