"""The uncertain factors of a robustness analysis of composite ranks (Handbook §7, COINr).

A robustness analysis is a set of uncertain **factors**, each with a list of alternatives (or a
continuous range), driven by ``u ~ U(0, 1)``: a discrete factor with K alternatives takes alternative
``ceil(K u)`` (the Handbook's "Russian roulette"; COINr instead cuts the range of the drawn sample into
K equal bins, a minor difference); a continuous one takes ``a + (b - a) u``.

Factor roles (what a factor changes in the pipeline data -> normalise -> weight -> aggregate -> rank):

* ``"data"``: alternative unit x indicator tables, for example draws of the survey's sampling error
  (:func:`sampling_factor`, from the replicate estimates or the covariance of a
  :class:`~dgi_stats.scores.Scores`);
* ``"normalisation"``: :func:`~dgi_stats.composite.normalise` methods (a name or a dict of options);
* ``"weights"``: weight vectors (COINr's noisy weights ``w (1 + ε)``, a Dirichlet around the nominal
  weights, expert budgets) or scheme names ("equal", "factor_analysis");
* ``"aggregation"``: :func:`~dgi_stats.composite.aggregate` methods (a name or a dict with ``p``);
* ``"exclude"``: leave one indicator/dimension out (``None`` keeps all);
* ``"p"``: a continuous exponent of the generalised mean.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from dgi_stats._results import renamed_parameter
from dgi_stats._rng import RNGLike, as_generator
from dgi_stats._validation import check_positive_int
from dgi_stats.composite._common import alternative_label
from dgi_stats.exceptions import DGIError
from dgi_stats.scores.pivot import Scores

__all__ = ["Factor", "exclusion_factor", "sampling_factor", "weight_noise_factor"]

_N_SETS = 100  # default number of weight sets (one object, so that renamed_parameter sees it)

_ROLES = ("data", "normalisation", "weights", "aggregation", "exclude", "p")


# --------------------------------------------------------------------------------------- factors
@dataclass(frozen=True, slots=True, repr=False)
class Factor:
    """One uncertain input of a robustness analysis.

    Parameters
    ----------
    name : str
        Name shown in the results (for example "weights").
    alternatives : sequence, optional
        The discrete alternatives; alternative ``ceil(K u)`` is used for ``u ~ U(0, 1)``.
    role : str, optional
        What the factor changes: "data", "normalisation", "weights", "aggregation", "exclude" or
        "p" (default: ``name`` when it is one of these).
    bounds : (a, b), optional
        A continuous factor ``a + (b - a) u`` instead of ``alternatives`` (role "p").
    labels : sequence of str, optional
        Labels of the alternatives in the run table (default: derived from the alternatives).

    Examples
    --------
    >>> f = Factor("aggregation", ["arithmetic", "geometric"])
    >>> f.index(np.array([0.1, 0.5, 0.51, 0.99])).tolist()
    [0, 0, 1, 1]
    """

    name: str
    alternatives: tuple[object, ...] | None = None
    role: str | None = None
    bounds: tuple[float, float] | None = None
    labels: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        role = self.role if self.role is not None else self.name
        if role not in _ROLES:
            msg = (
                f"Factor {self.name!r}: role must be one of {_ROLES} (pass role=... when the name is "
                f"not a role). Got {role!r}."
            )
            raise DGIError(msg)
        object.__setattr__(self, "role", role)
        if (self.alternatives is None) == (self.bounds is None):
            msg = f"Factor {self.name!r} needs either 'alternatives' (discrete) or 'bounds' (continuous)."
            raise DGIError(msg)
        if self.alternatives is not None:
            alts = tuple(self.alternatives)
            if not alts:
                msg = f"Factor {self.name!r} has no alternatives."
                raise DGIError(msg)
            object.__setattr__(self, "alternatives", alts)
            if self.labels is None:
                object.__setattr__(self, "labels", tuple(alternative_label(a, i) for i, a in enumerate(alts)))
            elif len(self.labels) != len(alts):
                msg = f"Factor {self.name!r}: {len(self.labels)} labels for {len(alts)} alternatives."
                raise DGIError(msg)
        elif role != "p":
            msg = f"Factor {self.name!r}: only the role 'p' can be continuous (bounds)."
            raise DGIError(msg)

    @property
    def discrete(self) -> bool:
        """True for a factor with a list of alternatives."""
        return self.alternatives is not None

    def index(self, u: np.ndarray) -> np.ndarray:
        """Alternative index ``ceil(K u) - 1`` (u = 0 maps to the first alternative).

        Parameters
        ----------
        u : numpy.ndarray
            Values in [0, 1].

        Returns
        -------
        numpy.ndarray
            Integer indices into ``alternatives``.

        Examples
        --------
        >>> Factor("aggregation", ["arithmetic", "geometric"]).index(np.array([0.0, 0.7])).tolist()
        [0, 1]
        """
        k = len(self.alternatives or ())
        return np.clip(np.ceil(k * np.asarray(u)) - 1, 0, k - 1).astype(int)

    def value(self, u: np.ndarray) -> np.ndarray:
        """Continuous value ``a + (b - a) u``.

        Parameters
        ----------
        u : numpy.ndarray
            Values in [0, 1].

        Returns
        -------
        numpy.ndarray

        Examples
        --------
        >>> Factor("p", bounds=(-1.0, 1.0)).value(np.array([0.0, 0.75])).tolist()
        [-1.0, 0.5]
        """
        a, b = self.bounds or (0.0, 1.0)
        return a + (b - a) * np.asarray(u)

    def __repr__(self) -> str:
        if self.discrete:
            return f"Factor({self.name!r}, role={self.role!r}, {len(self.alternatives or ())} alternatives)"
        return f"Factor({self.name!r}, role={self.role!r}, bounds={self.bounds})"


def weight_noise_factor(
    weights: Mapping[Hashable, float] | pd.Series,
    *,
    f: float = 0.25,
    n_draws: int = _N_SETS,
    method: str = "uniform",
    concentration: float = 100.0,
    elements: Sequence[Hashable] | None = None,
    name: str = "weights",
    rng: RNGLike = None,
    **kwargs: object,
) -> Factor:
    """A weights factor with ``n_draws`` pre-drawn noisy weight sets around ``weights``.

    ``method="uniform"``: COINr's ``w' = w (1 + ε)``, ε ~ U(-f, f) independently per weight (only the
    ``elements`` listed are perturbed, e.g. the weights of levels 2 and 3). ``method="dirichlet"``:
    ``w' ~ Dirichlet(concentration * w / Σw)``, which keeps the sum.

    Parameters
    ----------
    weights : dict or Series
        The nominal weights, by element (indicators, or any elements of a hierarchy).
    f : float
        Half-width of the uniform noise, in [0, 1).
    n_draws : int
        Number of weight sets drawn (formerly ``n_sets``, still accepted with a deprecation
        warning).
    method : {"uniform", "dirichlet"}
        The noise.
    concentration : float
        Dirichlet concentration (larger: closer to the nominal weights).
    elements : sequence, optional
        The weights perturbed (default all).
    name : str
        The factor's name.
    rng : int, Generator, SeedSequence or None
        The only source of randomness.
    **kwargs
        ``n_sets``: the deprecated name of ``n_draws`` (a DGIDeprecationWarning).

    Returns
    -------
    Factor
        A discrete factor with role "weights" and one Series of weights per alternative.

    Examples
    --------
    >>> fac = weight_noise_factor({"a": 0.5, "b": 0.5}, n_draws=3, rng=1)
    >>> len(fac.alternatives), fac.role
    (3, 'weights')
    """
    n_sets = renamed_parameter(
        kwargs, "n_sets", "n_draws", n_draws, func="weight_noise_factor", default=_N_SETS
    )
    gen = as_generator(rng)
    n_sets = check_positive_int(n_sets, name="n_draws", func="weight_noise_factor")
    w = pd.Series(dict(weights), dtype=float)
    if (w < 0).any() or not np.all(np.isfinite(w.to_numpy())):
        msg = "The 'weights' of weight_noise_factor must be finite and >= 0."
        raise DGIError(msg)
    keys = list(w.index) if elements is None else list(elements)
    unknown = [k for k in keys if k not in w.index]
    if unknown:
        msg = f"The 'elements' of weight_noise_factor name unknown weight(s) {unknown}."
        raise DGIError(msg)
    base = np.tile(w.to_numpy(dtype=float), (n_sets, 1))
    cols = np.flatnonzero(w.index.isin(keys))
    if method == "uniform":
        if not 0 <= f < 1:
            msg = f"The 'f' parameter of weight_noise_factor must be in [0, 1). Got {f!r}."
            raise DGIError(msg)
        base[:, cols] = base[:, cols] * (1 + gen.uniform(-f, f, size=(n_sets, len(cols))))
    elif method == "dirichlet":
        sub = w.to_numpy(dtype=float)[cols]
        share = sub / sub.sum()
        base[:, cols] = gen.dirichlet(concentration * share + 1e-12, size=n_sets) * sub.sum()
    else:
        msg = f"The 'method' parameter of weight_noise_factor must be 'uniform' or 'dirichlet'. Got {method!r}."
        raise DGIError(msg)
    alts = [pd.Series(row, index=w.index) for row in base]
    return Factor(name, tuple(alts), role="weights")


def sampling_factor(
    scores: Scores,
    *,
    n_draws: int = 1000,
    method: str = "normal",
    measures: Sequence[str] | None = None,
    name: str = "sampling",
    rng: RNGLike = None,
) -> Factor:
    """A data factor of ``n_draws`` draws of the survey's sampling error from a ``Scores``.

    Uses :meth:`Scores.sampling_draws` (``"normal"`` from the covariance, ``"replicates"`` from the
    re-centred replicate estimates). Each alternative is a units x measures array (rows in the order
    of ``scores.units``, columns in the order of ``measures``).

    Parameters
    ----------
    scores : Scores
        Estimates with their sampling covariance (and replicates).
    n_draws : int
        Number of draws.
    method : {"normal", "replicates"}
        How the draws are made.
    measures : sequence of str, optional
        The measures drawn (default all of ``scores``).
    name : str
        The factor's name.
    rng : int, Generator, SeedSequence or None
        The only source of randomness.

    Returns
    -------
    Factor
        A discrete factor with role "data", labels ``draw_1 ...``.

    Examples
    --------
    >>> import pandas as pd
    >>> from dgi_stats.scores.pivot import Scores
    >>> s = Scores.from_estimates(pd.Series([75.0, 72.0], index=["A", "B"], name="total"),
    ...                           pd.Series([1.0, 2.0], index=["A", "B"], name="total"))
    >>> f = sampling_factor(s, n_draws=3, rng=20240101)
    >>> f.labels, f.alternatives[0].shape
    (('draw_1', 'draw_2', 'draw_3'), (2, 1))
    """
    if not isinstance(scores, Scores):
        msg = f"sampling_factor needs a Scores object. Got {type(scores).__name__}."
        raise DGIError(msg)
    n_draws = check_positive_int(n_draws, name="n_draws", func="sampling_factor")
    meas = list(measures) if measures is not None else list(scores.measures)
    draws = scores.sampling_draws(n_draws, method=method, measures=meas, rng=rng)  # type: ignore[arg-type]
    # plain arrays (units x measures, in the order of scores.units and measures): no per-draw frames
    alts = tuple(draws)
    return Factor(name, alts, role="data", labels=tuple(f"draw_{i + 1}" for i in range(n_draws)))


def exclusion_factor(columns: Sequence[Hashable], *, include_none: bool = True, name: str = "exclude") -> Factor:
    """Leave one column out: ``None`` (keep all) or each column, with equal probability (Handbook).

    Parameters
    ----------
    columns : sequence
        The columns (or hierarchy elements) that may be left out.
    include_none : bool
        Include the alternative "keep all".
    name : str
        The factor's name.

    Returns
    -------
    Factor
        A discrete factor with role "exclude".

    Examples
    --------
    >>> exclusion_factor(["a", "b"]).labels
    ('none', 'a', 'b')
    """
    alts: list[Any] = ([None] if include_none else []) + list(columns)
    return Factor(name, tuple(alts), role="exclude", labels=tuple("none" if a is None else str(a) for a in alts))



# ------------------------------------------------------------------------ the sampling-error factor
def default_measures(scores: Scores) -> list[str]:
    """The dimensions (``d1_participation`` ...), not sub-dimensions ``d1_s1`` or indicators ``d1_s1_i1``."""
    sub = re.compile(r"d\d+_s\d+(_i\d+)?")
    dims = [c for c in scores.measures if re.match(r"d\d+_", str(c)) and not sub.fullmatch(str(c))]
    return dims if dims else [c for c in scores.measures if c not in ("total", "composite")]


def with_sampling_factor(
    data: pd.DataFrame | Scores,
    factors: Sequence[Factor],
    *,
    sampling: bool | None,
    method: str,
    n_draws: int,
    measures: Sequence[str] | None,
    gen: np.random.Generator,
) -> list[Factor]:
    """``factors`` as a list, led by a sampling-error factor when ``data`` is a Scores and asked for.

    ``sampling=None`` adds it unless a factor already has the role "data".
    """
    facs = list(factors)
    if isinstance(data, Scores):
        if sampling is None:
            sampling = not any(f.role == "data" for f in facs)
        if sampling:
            meas = list(measures) if measures is not None else default_measures(data)
            facs.insert(
                0, sampling_factor(data, n_draws=n_draws, method=method, measures=meas, rng=gen)
            )
    return facs
