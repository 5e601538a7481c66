"""Helpers shared by the frozen result objects: short reprs and text/HTML/LaTeX summaries."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import pandas as pd

from dgi_stats.exceptions import DGIDeprecationWarning

__all__ = ["CoverageAlias", "Summary", "frame_repr"]


class CoverageAlias:
    """Mixin of the rank results: ``coverage``, the deprecated name of ``confidence_level``."""

    __slots__ = ()
    confidence_level: float

    @property
    def coverage(self) -> float:
        """Deprecated name of ``confidence_level`` (a DGIDeprecationWarning)."""
        warnings.warn(
            "'coverage' is deprecated and will be removed; use 'confidence_level'.",
            DGIDeprecationWarning,
            stacklevel=2,
        )
        return self.confidence_level


def frame_repr(name: str, frame: pd.DataFrame, *, extra: str = "", max_rows: int = 6) -> str:
    """A short repr: the class name, shape, and the first and last rows of ``frame``."""
    head = f"{name}({frame.shape[0]} rows x {frame.shape[1]} columns{', ' + extra if extra else ''})"
    with pd.option_context(
        "display.max_rows", max_rows, "display.min_rows", max_rows, "display.width", 120,
        "display.max_columns", 12,
    ):
        return f"{head}\n{frame!s}"


@dataclass(frozen=True, slots=True)
class Summary:
    """A printable summary: a title, a table and notes, as text, HTML or LaTeX."""

    title: str
    table: pd.DataFrame
    notes: tuple[str, ...] = ()

    def as_text(self) -> str:
        """Plain-text summary."""
        lines = [self.title, "=" * len(self.title), self.table.to_string()]
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)

    def as_html(self) -> str:
        """HTML summary (a table with a caption)."""
        notes = "".join(f"<p><em>{n}</em></p>" for n in self.notes)
        return f"<h4>{self.title}</h4>{self.table.to_html(float_format=lambda x: f'{x:.4g}')}{notes}"

    def as_latex(self) -> str:
        """LaTeX summary (a ``tabular``)."""
        return self.table.to_latex(float_format="%.4g", caption=self.title)

    def _repr_html_(self) -> str:
        return self.as_html()

    def __str__(self) -> str:
        return self.as_text()
