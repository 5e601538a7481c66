"""The result protocol shared by every frozen result object, and its helpers.

Every result of the library (a confidence set, a test, an estimate, a weighting or robustness run)
is a frozen dataclass that mixes in :class:`Result` and so answers the same four questions the
same way:

- ``to_frame()`` — the result as a DataFrame indexed by unit (or by the result's natural key);
- ``summary()`` — a :class:`Summary` (title, table, notes) printable as text, HTML or LaTeX;
- ``_repr_html_()`` — the summary in a notebook;
- ``confidence_interval(confidence_level=...)``, where the result has intervals — a DataFrame with
  the columns :data:`CI_COLUMNS` (``estimate, std_error, ci_low, ci_high, df, confidence_level``).

One name per quantity across the library: ``confidence_level`` for the level of intervals and
sets (never ``coverage`` or ``alpha``), ``n_draws`` for Monte Carlo repetitions (draws,
resamples, runs), ``n_replicates`` for replicate weights of a survey design, ``n_surveys`` for
simulated surveys. Old names stay one release through :class:`RenamedAttribute` and
:func:`renamed_parameter`, with a :class:`~dgi_stats.exceptions.DGIDeprecationWarning`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import pandas as pd

from dgi_stats.exceptions import DGIDeprecationWarning

__all__ = [
    "CI_COLUMNS",
    "CoverageAlias",
    "RenamedAttribute",
    "Result",
    "Summary",
    "frame_repr",
    "renamed_parameter",
]

#: Columns of every ``confidence_interval()`` table, in this order.
CI_COLUMNS: tuple[str, ...] = (
    "estimate", "std_error", "ci_low", "ci_high", "df", "confidence_level",
)
#: Version in which the deprecated names go.
REMOVED_IN = "0.3"


class RenamedAttribute:
    """A read-only attribute under its old name, with a deprecation warning pointing to the new one.

    Parameters
    ----------
    new : str
        The attribute's current name.

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class R:
    ...     n_draws: int
    ...     n_sims = RenamedAttribute("n_draws")
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     R(5).n_sims, w[0].category.__name__
    (5, 'DGIDeprecationWarning')
    """

    def __init__(self, new: str) -> None:
        self.new = new
        self.old = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.old = name

    def __get__(self, obj: object, objtype: type | None = None) -> object:
        if obj is None:
            return self
        warnings.warn(
            f"'{self.old}' is deprecated and will be removed in dgi_stats {REMOVED_IN}; "
            f"use '{self.new}'.",
            DGIDeprecationWarning,
            stacklevel=2,
        )
        return getattr(obj, self.new)


def renamed_parameter(
    kwargs: dict[str, object], old: str, new: str, value: object, *, func: str, default: object
) -> object:
    """The value of parameter ``new``, taking it from its old name ``old`` (with a warning).

    Functions that renamed a parameter accept ``**kwargs`` only for the old name and call this.

    Parameters
    ----------
    kwargs : dict
        The extra keyword arguments the function received; ``old`` is removed from it.
    old, new : str
        Old and current parameter names.
    value : object
        The value given under the current name.
    func : str
        The function's name, for the messages.
    default : object
        The current parameter's default (to tell whether both names were given).

    Returns
    -------
    object
        The value to use.

    Raises
    ------
    TypeError
        Both names given, or any other unexpected keyword left in ``kwargs``.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     renamed_parameter({"n_sims": 50}, "n_sims", "n_draws", 1000, func="f", default=1000)
    50
    """
    if old in kwargs:
        if value is not default:
            msg = f"{func}() got both {new!r} and its deprecated name {old!r}; give {new!r} only."
            raise TypeError(msg)
        warnings.warn(
            f"{func}(): the parameter {old!r} is deprecated and will be removed in dgi_stats "
            f"{REMOVED_IN}; use {new!r}.",
            DGIDeprecationWarning,
            stacklevel=3,
        )
        value = kwargs.pop(old)
    if kwargs:
        msg = f"{func}() got unexpected keyword argument(s) {sorted(kwargs)}."
        raise TypeError(msg)
    return value


class Result:
    """Mixin of every frozen result object: ``to_frame()``, ``summary()`` and ``_repr_html_``.

    A result defines :meth:`to_frame`; it may override :meth:`_summary_title` and
    :meth:`_summary_notes` (the defaults are the class name and no notes) or :meth:`summary`
    itself.

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class Demo(Result):
    ...     values: pd.Series
    ...     def to_frame(self) -> pd.DataFrame:
    ...         return self.values.to_frame("value")
    >>> print(Demo(pd.Series([1.5], index=["A"])).summary())
    Demo
    ====
       value
    A    1.5
    """

    __slots__ = ()

    def to_frame(self) -> pd.DataFrame:
        """The result as a DataFrame."""
        raise NotImplementedError

    def _summary_title(self) -> str:
        return type(self).__name__

    def _summary_notes(self) -> tuple[str, ...]:
        return ()

    def summary(self) -> Summary:
        """Title, table and notes; print it, or use ``.as_html()`` / ``.as_latex()``.

        Returns
        -------
        Summary
        """
        return Summary(self._summary_title(), self.to_frame(), self._summary_notes())

    def _repr_html_(self) -> str:
        return self.summary().as_html()


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
