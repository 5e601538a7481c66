"""The building blocks of an index spec: items and how answers become scores, the hierarchy.

:class:`Item` (a questionnaire item and its scoring rule), :class:`Indicator`, :class:`SubDimension`,
:class:`Dimension`, and :class:`IndicatorScores` (respondent-level scores with their missing
counts). :class:`~dgi_stats.scores.spec.IndexSpec` assembles them; all are re-exported by
:mod:`dgi_stats.scores.spec`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from dgi_stats._results import frame_repr
from dgi_stats.exceptions import SpecError

__all__ = [
    "MISSING_REASONS",
    "Dimension",
    "Indicator",
    "IndicatorScores",
    "Item",
    "SubDimension",
    "as_float",
]

#: Reasons why an indicator score is missing, in the column order of ``IndicatorScores.missing``.
MISSING_REASONS: tuple[str, ...] = ("dont_know", "refused", "blank", "not_applicable")


def as_float(codes: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Answer codes as a float array (NaN = blank) and a mask of values that are not numbers.

    Parameters
    ----------
    codes : pandas.Series
        One item's answer codes.

    Returns
    -------
    values : numpy.ndarray
        The codes as floats (NaN where blank or not a number).
    unparsable : numpy.ndarray
        True where a value is present but is not a number.

    Examples
    --------
    >>> x, bad = as_float(pd.Series(["1", "x", None]))
    >>> x.tolist(), bad.tolist()
    ([1.0, nan, nan], [False, True, False])
    """
    if pd.api.types.is_bool_dtype(codes) or pd.api.types.is_numeric_dtype(codes):
        x = codes.to_numpy(dtype=float, na_value=np.nan)
        return x, np.zeros(x.shape, dtype=bool)
    num = pd.to_numeric(codes, errors="coerce")
    x = num.to_numpy(dtype=float, na_value=np.nan)
    return x, np.isnan(x) & codes.notna().to_numpy()


@dataclass(frozen=True, slots=True)
class Item:
    """One questionnaire item and how its answers become a score in [0, 1].

    Parameters
    ----------
    id : str
        Column name in the survey data (for example ``"q101"``).
    text : str
        Question wording as asked (Vietnamese for the DGI).
    kind : {"binary", "likert", "numeric"}
        How the answer is scored (see the module docstring).
    levels : tuple of int
        Valid substantive codes (binary and Likert, in scale order); empty for numeric items.
    favourable : tuple of int
        Binary items: the codes scored 1. default: ().
    direction : {1, -1}
        -1 reverses Likert and numeric scores (higher answer = worse). default: 1.
    low, high : float, optional
        Numeric goalposts (score 0 at ``low`` and 1 at ``high`` before any reversal).
    dont_know, refused : tuple of int
        Codes that mean "don't know" / "refused"; both become missing.
    text_en : str
        English translation of the wording. default: "".
    labels : tuple of str
        Value labels of ``levels`` (same order). default: ().
    valid_min, valid_max : float, optional
        Numeric items: plausible range of a real answer; values outside it are invalid codes.
    asked_if : tuple of (str, tuple of int), optional
        Skip logic: the item is asked only when the answer to item ``asked_if[0]`` is one of
        ``asked_if[1]``; other respondents are "not applicable".
    """

    id: str
    text: str
    kind: Literal["binary", "likert", "numeric"]
    levels: tuple[int, ...] = ()
    favourable: tuple[int, ...] = ()
    direction: int = 1
    low: float | None = None
    high: float | None = None
    dont_know: tuple[int, ...] = ()
    refused: tuple[int, ...] = ()
    text_en: str = ""
    labels: tuple[str, ...] = ()
    valid_min: float | None = None
    valid_max: float | None = None
    asked_if: tuple[str, tuple[int, ...]] | None = None

    def score(self, codes: pd.Series) -> pd.Series:
        """Score valid substantive answers in [0, 1]; every other value becomes NaN.

        Parameters
        ----------
        codes : pandas.Series
            Numeric answer codes (``dont_know``/``refused`` codes and NaN give NaN).

        Returns
        -------
        pandas.Series
            Float scores with the index of ``codes``.

        Examples
        --------
        >>> item = Item("q1", "Hài lòng?", "likert", levels=(1, 2, 3, 4, 5), dont_know=(98,))
        >>> item.score(pd.Series([1, 3, 5, 98])).tolist()
        [0.0, 0.5, 1.0, nan]
        """
        x, _ = as_float(codes)
        return pd.Series(self._score_array(x), index=codes.index, name=codes.name)

    def _score_array(self, x: np.ndarray) -> np.ndarray:
        if self.kind == "binary":
            out = np.isin(x, self.favourable).astype(float)
            out[~np.isin(x, self.levels)] = np.nan
        elif self.kind == "likert":
            lo, hi = float(min(self.levels)), float(max(self.levels))
            out = np.where(np.isin(x, self.levels), (x - lo) / (hi - lo), np.nan)
            if self.direction == -1:
                out = 1.0 - out
        else:
            if self.low is None or self.high is None:
                msg = f"numeric item {self.id!r} needs goalposts low and high."
                raise SpecError(msg)
            with np.errstate(invalid="ignore"):
                out = np.clip((x - self.low) / (self.high - self.low), 0.0, 1.0)
            if self.direction == -1:
                out = 1.0 - out
            out = np.where(np.isfinite(x), out, np.nan)
        out[np.isin(x, [*self.dont_know, *self.refused]) | np.isnan(x)] = np.nan
        return out

    def invalid(self, codes: pd.Series) -> pd.Series:
        """Boolean mask of answers that are neither blank nor a code this item accepts.

        Parameters
        ----------
        codes : pandas.Series
            Answer codes.

        Returns
        -------
        pandas.Series
            True where a code is invalid.

        Examples
        --------
        >>> item = Item("q1", "Có?", "binary", levels=(0, 1), favourable=(1,), refused=(99,))
        >>> item.invalid(pd.Series([0, 1, 2, 99, None])).tolist()
        [False, False, True, False, False]
        """
        x, unparsable = as_float(codes)
        return pd.Series(self._invalid_array(x, unparsable), index=codes.index)

    def _invalid_array(self, x: np.ndarray, unparsable: np.ndarray) -> np.ndarray:
        if self.kind == "numeric":
            bad = np.isinf(x)
            with np.errstate(invalid="ignore"):
                if self.valid_min is not None:
                    bad |= x < self.valid_min
                if self.valid_max is not None:
                    bad |= x > self.valid_max
        else:
            bad = ~np.isin(x, self.levels)
        bad &= ~np.isnan(x) & ~np.isin(x, [*self.dont_know, *self.refused])
        return unparsable | bad

    def describe_codes(self) -> str:
        """The accepted codes in words, for error messages.

        Returns
        -------
        str

        Examples
        --------
        >>> Item("q1", "?", "likert", levels=(1, 2, 3, 4, 5), dont_know=(98,)).describe_codes()
        "levels [1, 2, 3, 4, 5], don't know [98]"
        """
        if self.kind == "numeric":
            lo = "-inf" if self.valid_min is None else f"{self.valid_min:g}"
            hi = "inf" if self.valid_max is None else f"{self.valid_max:g}"
            parts = [f"numbers in [{lo}, {hi}]"]
        else:
            parts = [f"levels {list(self.levels)}"]
        if self.dont_know:
            parts.append(f"don't know {list(self.dont_know)}")
        if self.refused:
            parts.append(f"refused {list(self.refused)}")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Indicator:
    """An indicator: a named score computed from one item.

    Parameters
    ----------
    id : str
        Indicator id (for example ``"d1_s1_i1"``).
    name : str
        Short English name.
    item : str
        Id of the questionnaire item it is computed from.
    name_vi : str
        Vietnamese name. default: "".
    """

    id: str
    name: str
    item: str
    name_vi: str = ""


@dataclass(frozen=True, slots=True)
class SubDimension:
    """A sub-dimension: the mean of its indicators, scaled to its share of the dimension."""

    id: str
    name_vi: str
    name_en: str
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True, slots=True)
class Dimension:
    """A dimension (0-10 for the DGI scale, 1-10 for the PAPI scale): the sum of its sub-dimensions."""

    id: str
    name_vi: str
    name_en: str
    subdimensions: tuple[SubDimension, ...]


@dataclass(frozen=True, slots=True, repr=False)
class IndicatorScores:
    """Respondent-level indicator scores and the count of missing answers.

    Parameters
    ----------
    scores : pandas.DataFrame
        Respondents (the index of the answers) x indicators; values in [0, 1], NaN where missing.
    missing : pandas.DataFrame
        Indicators x reasons (``dont_know``, ``refused``, ``blank``, ``not_applicable``): counts.

    Examples
    --------
    >>> s = IndicatorScores(pd.DataFrame({"i1": [1.0, None]}),
    ...                     pd.DataFrame({"dont_know": [1]}, index=["i1"]))
    >>> s.n_answered.tolist()
    [1]
    """

    scores: pd.DataFrame
    missing: pd.DataFrame

    @property
    def n_answered(self) -> pd.Series:
        """Number of respondents with a valid score, per indicator."""
        return self.scores.notna().sum()

    def __repr__(self) -> str:
        extra = f"{int(self.missing.to_numpy().sum())} missing answers"
        return frame_repr("IndicatorScores", self.scores, extra=extra)
