"""The SYNTHETIC latent model: its parameters, a spec compiled into it, answers and default targets.

Everything the model produces is **SYNTHETIC**. This module holds :class:`LatentModel` (all the
model's invented parameters), the compilation of an :class:`~dgi_stats.scores.spec.IndexSpec` into
ordered-probit items (:func:`compile_spec`), the draw of respondents' answers
(:func:`draw_answers`) and the default true scores of a year (:func:`calibration_targets`, the
published DGI figures plus invented values, :data:`PUBLISHED_TARGETS`). The exact true scores the
model implies are in :mod:`dgi_stats.simulate.truth`.

The latent model
----------------
For respondent :math:`i` in unit :math:`u`, commune :math:`k`, village :math:`v` and population cell
:math:`c` (sex x age group x ethnicity), the latent propensity on dimension :math:`d` is

.. math::

    \\eta_{id} = \\alpha_{ud} + \\gamma_{kd} + \\nu_{vd} + \\beta_c + \\pi_{id},

with :math:`\\alpha` the unit effect (solved so the true scores hit their targets),
:math:`\\gamma, \\nu` commune and village random effects (normal, fixed for a population year),
:math:`\\beta_c` the cell effect (sex, age group, ethnicity) and :math:`\\pi_{id}` a person effect
(normal, shared by the items of a respondent). The answer to item :math:`j` of dimension :math:`d` is
category :math:`\\#\\{l : \\tau_{jl} < \\eta_{id} + \\varepsilon_{ij}\\}` of the item's answer codes
ordered from worst to best score, with :math:`\\varepsilon_{ij} \\sim N(0, 1)` and thresholds
:math:`\\tau_{jl} = \\delta_j + s\\,\\Phi^{-1}(l/L_j)` (an ordered-probit model; binary, Likert and
numeric items alike). Item difficulties are spread deterministically,
:math:`\\delta_j = 0.8\\,(\\{(j+1)\\varphi\\} - 1/2)` with :math:`\\varphi` the golden ratio's fractional
part, so that the true scores do not depend on any random draw; numeric items are answered on a grid
of at most 13 integer values spanning their goalposts. Items that filter other items
(``asked_if``) get no person effect (their noise has the same total variance), so that filter and
filtered items are independent given the cell and the village, which keeps the true scores exactly
computable. "Don't know" is drawn independently of
the answer with a probability depending on the item and the cell.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from dgi_stats.exceptions import DGIError
from dgi_stats.scores.spec import IndexSpec
from dgi_stats.simulate._common import (
    CELL_AGE,
    CELL_ETH,
    CELL_SEX,
    FIRST_YEAR,
    LAST_YEAR,
    N_CELLS,
    UNIT_NAMES,
    check_year,
)

__all__ = [
    "DGI_DIMENSIONS",
    "PUBLISHED_TARGETS",
    "CompiledSpec",
    "ItemModel",
    "LatentModel",
    "calibration_targets",
    "category_cdf",
    "category_probs",
    "compile_spec",
    "draw_answers",
]


# ---------------------------------------------------------------------------------------------
# the model's parameters
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class LatentModel:
    """Parameters of the SYNTHETIC answer, nonresponse and population model (all invented).

    Parameters
    ----------
    sd_commune, sd_village : float
        Standard deviations of the commune and village random effects on the latent scale.
        default: 0.30 and 0.20.
    commune_common : float
        Share of the commune/village effect variance common to all dimensions. default: 0.5.
    persistence : float
        Share of the commune/village effect variance that persists from year to year. default: 0.6.
    sd_person : float
        Standard deviation of the person effect (the item noise has sd 1). default: 0.7.
    person_common : float
        Share of the person effect variance common to all dimensions. default: 0.5.
    effect_female : float
        Latent effect of being a woman. default: -0.10.
    effect_age : tuple of 4 floats
        Latent effects of the age groups 18-29, 30-44, 45-59, 60+. default: (0, 0.05, 0.12, 0.18).
    effect_other_ethnicity : float
        Latent effect of belonging to an ethnic minority. default: -0.20.
    threshold_spread : float
        Spread ``s`` of an item's thresholds. default: 1.0.
    dont_know_min, dont_know_max : float
        Range of the items' base "don't know" rates. default: 0.01 and 0.06.
    dont_know_log_odds : tuple of 3 floats
        Log-odds added to the "don't know" rate for women, people aged 60+ and ethnic minorities.
        default: (0.2, 0.5, 0.7).
    response_sex : tuple of 2 floats
        Base response probabilities of women and men. default: (0.82, 0.62).
    response_age : tuple of 4 floats
        Multipliers of the response probability by age group. default: (0.70, 0.85, 1.0, 1.1).

    Raises
    ------
    DGIError
        If a parameter is out of range (negative sd, share outside [0, 1], response
        probabilities outside (0, 1]).

    Examples
    --------
    >>> m = LatentModel(sd_village=0.3)
    >>> m.sd_village, round(m.sd_total, 4)
    (0.3, 1.2207)
    """

    sd_commune: float = 0.30
    sd_village: float = 0.20
    commune_common: float = 0.5
    persistence: float = 0.6
    sd_person: float = 0.7
    person_common: float = 0.5
    effect_female: float = -0.10
    effect_age: tuple[float, float, float, float] = (0.0, 0.05, 0.12, 0.18)
    effect_other_ethnicity: float = -0.20
    threshold_spread: float = 1.0
    dont_know_min: float = 0.01
    dont_know_max: float = 0.06
    dont_know_log_odds: tuple[float, float, float] = (0.2, 0.5, 0.7)
    response_sex: tuple[float, float] = (0.82, 0.62)
    response_age: tuple[float, float, float, float] = (0.70, 0.85, 1.0, 1.1)

    def __post_init__(self) -> None:
        for name in ("sd_commune", "sd_village", "sd_person", "threshold_spread"):
            v = getattr(self, name)
            if not np.isfinite(v) or v < 0 or (name == "threshold_spread" and v == 0):
                msg = f"The {name!r} parameter of LatentModel must be a finite number >= 0. Got {v!r}."
                raise DGIError(msg)
        for name in ("commune_common", "persistence", "person_common"):
            v = getattr(self, name)
            if not 0.0 <= v <= 1.0:
                msg = f"The {name!r} parameter of LatentModel must be in [0, 1]. Got {v!r} instead."
                raise DGIError(msg)
        if not 0.0 < self.dont_know_min <= self.dont_know_max < 1.0:
            msg = (
                "LatentModel needs 0 < dont_know_min <= dont_know_max < 1. "
                f"Got {self.dont_know_min!r} and {self.dont_know_max!r}."
            )
            raise DGIError(msg)
        probs = self.response_probabilities()
        if len(self.response_sex) != 2 or len(self.response_age) != 4 or len(self.effect_age) != 4:
            msg = "LatentModel: response_sex needs 2 values, response_age and effect_age 4 values."
            raise DGIError(msg)
        if not np.all((probs > 0) & (probs <= 1)):
            msg = (
                "LatentModel: response_sex x response_age must give response probabilities in "
                f"(0, 1]; got {probs.min():.3g} .. {probs.max():.3g}."
            )
            raise DGIError(msg)

    def cell_effects(self) -> np.ndarray:
        """Latent effect :math:`\\beta_c` of each of the 16 population cells.

        Returns
        -------
        numpy.ndarray
            16 effects, cells in :data:`~dgi_stats.simulate._common.CELLS` order.

        Examples
        --------
        >>> LatentModel().cell_effects()[:2].round(2).tolist()   # women 18-29, Kinh then other
        [-0.1, -0.3]
        """
        return (
            self.effect_female * (CELL_SEX == 0)
            + np.asarray(self.effect_age, dtype=float)[CELL_AGE]
            + self.effect_other_ethnicity * (CELL_ETH == 1)
        )

    def response_probabilities(self) -> np.ndarray:
        """Unit-response probability of each of the 16 population cells.

        Returns
        -------
        numpy.ndarray
            16 probabilities in (0, 1].

        Examples
        --------
        >>> LatentModel().response_probabilities()[[0, 8]].round(3).tolist()  # women / men 18-29
        [0.574, 0.434]
        """
        sex = np.asarray(self.response_sex, dtype=float)[CELL_SEX]
        age = np.asarray(self.response_age, dtype=float)[CELL_AGE]
        return sex * age

    @property
    def sd_total(self) -> float:
        """Standard deviation of person effect + item noise (the ordered-probit scale)."""
        return float(np.sqrt(1.0 + self.sd_person**2))


# ---------------------------------------------------------------------------------------------
# calibration targets: published figures + invented scores
# ---------------------------------------------------------------------------------------------
#: Published DGI figures (the only real numbers used). Source: Uông Bí city news article
#: "TP Uông Bí: Nâng cao chỉ số hiệu quả quản trị cấp huyện (DGI)" (author Kim Thuỷ) for Uông Bí
#: 2020-2021; https://theleader.vn/quang-ninh-trong-cuoc-dua-cai-cach-1650267359457.htm for the
#: 2021 mean; https://nongnghiep.vn/ha-long-cai-cach-hanh-chinh-tot-nhat-tinh-quang-ninh-d380481.html
#: (Tiên Yên 2023); https://vietnam.vn/es/thanh-pho-cam-pha-dan-dau-chi-so-hai-long-cua-nguoi-dan-tai-quang-ninh
#: (Cô Tô 2024). The 2020 mean is 72.7 - 3.9 (the article's "+3.9 points on 2020").
PUBLISHED_TARGETS: dict[str, Any] = {
    "uong_bi_2021_dimensions": (9.44, 8.72, 9.62, 9.41, 9.67, 9.58, 9.91, 8.89),
    "uong_bi_2021_total": 75.24,
    "uong_bi_2021_rank": 1,
    "uong_bi_2020_total": 68.93,
    "uong_bi_2020_rank": 6,
    "mean_2021_total": 72.7,
    "mean_2020_total": 68.8,
    "rank1_2023": "Tiên Yên",
    "rank1_2024": "Cô Tô",
}

# Invented: the provincial mean total of the years without a published mean, and the 2021 profile
# of dimension means (low transparency and e-governance, high environment, as in PAPI).
_INVENTED_MEANS = {2022: 73.5, 2023: 74.1, 2024: 74.8}
_PROFILE_2021 = np.array([9.15, 8.45, 9.25, 9.10, 9.40, 9.30, 9.50, 8.55])
_TARGET_SEED = 20240101
_DIM_MIN, _DIM_MAX = 5.0, 9.97


@functools.cache
def _invented_targets() -> dict[int, np.ndarray]:
    """Integer cents (13 units x 8 dims) per year; see :func:`calibration_targets`."""
    pub = PUBLISHED_TARGETS
    ub, ty, ct = UNIT_NAMES.index("Uông Bí"), UNIT_NAMES.index("Tiên Yên"), UNIT_NAMES.index("Cô Tô")
    means = {2020: pub["mean_2020_total"], 2021: pub["mean_2021_total"], **_INVENTED_MEANS}
    years = list(range(FIRST_YEAR, LAST_YEAR + 1))
    n_u = len(UNIT_NAMES)
    ub_fixed = {2020: round(pub["uong_bi_2020_total"] * 100), 2021: round(pub["uong_bi_2021_total"] * 100)}
    ub_dims_2021 = np.round(np.asarray(pub["uong_bi_2021_dimensions"]) * 100).astype(np.int64)
    for attempt in range(100_000):
        g = np.random.default_rng([_TARGET_SEED, attempt])
        dev = {2020: g.normal(0.0, 1.4, n_u)}
        for y in years[1:]:
            dev[y] = 0.6 * dev[y - 1] + g.normal(0.0, 1.1, n_u)
        totals: dict[int, np.ndarray] = {}
        for y in years:
            target_sum = round(means[y] * 100) * n_u
            t = (means[y] + dev[y]) * 100.0
            free = np.ones(n_u, bool)
            if y in ub_fixed:
                t[ub] = ub_fixed[y]
                free[ub] = False
            # centre the free units on the published/invented mean, then fix the rounding in cents
            t[free] += (target_sum - t.sum()) / free.sum()
            cents = np.round(t).astype(np.int64)
            rest = target_sum - cents.sum()
            order = np.flatnonzero(free)
            for i in range(abs(int(rest))):
                cents[order[i % order.size]] += np.sign(rest)
            totals[y] = cents
        others = np.delete(np.arange(n_u), ub)
        ok = (
            np.all(totals[2021][others] < ub_fixed[2021])
            and int(np.sum(totals[2020][others] > ub_fixed[2020])) == 5
            and not np.any(totals[2020][others] == ub_fixed[2020])
            and np.all(np.delete(totals[2023], ty) < totals[2023][ty])
            and np.all(np.delete(totals[2024], ct) < totals[2024][ct])
            and all(np.all(totals[y] < 79.0 * 100) for y in years)
        )
        if not ok:
            continue
        out: dict[int, np.ndarray] = {}
        for y in years:
            f = (80.0 - means[y]) / (80.0 - _PROFILE_2021.sum())
            m = 10.0 - (10.0 - _PROFILE_2021) * f
            dims = np.empty((n_u, 8), dtype=np.int64)
            for u in range(n_u):
                if y == 2021 and u == ub:
                    dims[u] = ub_dims_2021
                    continue
                gap = (80.0 - totals[y][u] / 100.0) / (80.0 - m.sum())
                e = g.normal(0.0, 0.12, 8)
                x = np.round((10.0 - (10.0 - m) * gap + e - e.mean()) * 100).astype(np.int64)
                rest = int(totals[y][u] - x.sum())
                for i in range(abs(rest)):
                    x[i % 8] += np.sign(rest)
                dims[u] = x
            out[y] = dims
        bounds_ok = all(
            np.all((d >= _DIM_MIN * 100) & (d <= _DIM_MAX * 100)) for d in out.values()
        )
        above = np.all(out[2021][ub] * n_u > out[2021].sum(axis=0))
        if bounds_ok and above:
            return out
    raise RuntimeError("no invented score table satisfies the published constraints")  # pragma: no cover


def calibration_targets(year: int, *, dimension_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """The default true dimension scores of a SYNTHETIC year (published figures + invented values).

    Every published DGI figure is reproduced exactly (:data:`PUBLISHED_TARGETS`): Uông Bí 2021's
    eight dimension scores (total 75.24, rank 1 of 13, every dimension above the provincial mean),
    Uông Bí 2020's total 68.93 at rank 6, the 2021 and 2020 means over the 13 units (72.7 and 68.8),
    Tiên Yên rank 1 in 2023 and Cô Tô rank 1 in 2024. **Everything else is invented**: the means of
    2022-2024 (73.5, 74.1, 74.8), the other units' scores (unit deviations from the mean: normal,
    sd 1.4 points of total in 2020, then an AR(1) with coefficient 0.6 and innovation sd 1.1), and the
    split of totals into dimensions (a 2021 profile with low transparency and e-governance, moving
    towards the ceiling with the mean, plus noise of sd 0.12). The first draw of a fixed seed that
    satisfies the published constraints is used (rejection sampling: draw 617 of the stream
    ``default_rng([20240101, k])``, k = 0, 1, ...), and values are 2-decimal.

    Parameters
    ----------
    year : int
        2020-2024.
    dimension_ids : sequence of str, optional
        Column labels for the 8 dimensions. default: the DGI ids ``d1_participation`` ...
        ``d8_e_governance``.

    Returns
    -------
    pandas.DataFrame
        13 units (index ``unit``, catalogue order) x 8 dimensions.

    Examples
    --------
    >>> t = calibration_targets(2021)
    >>> round(float(t.loc["Uông Bí"].sum()), 2)
    75.24
    >>> round(float(t.sum(axis=1).mean()), 1)
    72.7
    """
    year = check_year(year, "calibration_targets")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        msg = (
            f"The 'year' parameter of calibration_targets must be in {FIRST_YEAR}-{LAST_YEAR}. "
            f"Got {year}. Pass true_scores=... to simulate another year."
        )
        raise DGIError(msg)
    ids = list(DGI_DIMENSIONS if dimension_ids is None else dimension_ids)
    if len(ids) != 8:
        msg = f"The 'dimension_ids' parameter must list 8 dimensions. Got {len(ids)}."
        raise DGIError(msg)
    cents = _invented_targets()[year]
    return pd.DataFrame(cents / 100.0, index=pd.Index(UNIT_NAMES, name="unit"), columns=ids)


#: The DGI's dimension ids: the default columns of :func:`calibration_targets`.
DGI_DIMENSIONS = (
    "d1_participation", "d2_transparency", "d3_accountability", "d4_corruption_control",
    "d5_admin_procedures", "d6_public_services", "d7_environment", "d8_e_governance",
)


# ---------------------------------------------------------------------------------------------
# compiling a spec into the answer model
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ItemModel:
    """One questionnaire item compiled into the ordered-probit answer model.

    Parameters
    ----------
    id : str
        Item id.
    codes : numpy.ndarray
        Answer codes ordered from worst to best score.
    thresholds : numpy.ndarray
        The ``len(codes) - 1`` increasing thresholds on the latent scale.
    dim : int
        Index of the item's latent dimension; -1 for an unscored item (cell effects only).
    person : bool
        Whether the item has a person effect (False for filter items).
    dk_code : int or None
        The "don't know" code, if the item has one.
    dk_prob : numpy.ndarray
        P("don't know") in each of the 16 cells.
    parent : int
        Index of the item's filter item; -1 if always asked.
    parent_ok : numpy.ndarray or None
        Boolean mask over the filter item's categories that lead to this item.

    Examples
    --------
    >>> from dgi_stats.datasets import load_spec
    >>> item = compile_spec(load_spec(2021), LatentModel()).items[0]
    >>> item.thresholds.size == item.codes.size - 1
    True
    """

    id: str
    codes: np.ndarray  # answer codes, worst to best
    thresholds: np.ndarray  # len(codes) - 1, increasing
    dim: int  # latent dimension index, -1 = none (cell effects only)
    person: bool  # has a person effect (False for filter items)
    dk_code: int | None
    dk_prob: np.ndarray  # P(don't know) per cell
    parent: int  # index of the filter item, -1 = none
    parent_ok: np.ndarray | None  # boolean mask over the parent's categories


@dataclass(frozen=True, slots=True)
class CompiledSpec:
    """An index specification compiled into the answer model (:func:`compile_spec`).

    Parameters
    ----------
    items : tuple of ItemModel
        The items, in the spec's order.
    order : tuple of int
        Generation order of the items (filter items before the items they filter).
    ind_ids : tuple of str
        Indicator ids.
    ind_item : numpy.ndarray
        Item index of each indicator.
    ind_scores : tuple of numpy.ndarray
        Score of each category of the indicator's item (worst to best).
    ind_dim : numpy.ndarray
        Dimension index of each indicator.
    dim_ids : tuple of str
        Dimension ids.
    weights : pandas.DataFrame
        Measures x indicators, with ``offset`` the spec's linear map
        (:meth:`~dgi_stats.scores.spec.IndexSpec.measure_map`).
    offset : pandas.Series
        Offset of each measure.
    lo, hi : numpy.ndarray
        Lowest and highest score of each dimension.
    coupled : bool
        Whether a filter item of one dimension controls items of another.

    Examples
    --------
    >>> from dgi_stats.datasets import load_spec
    >>> comp = compile_spec(load_spec(2021), LatentModel())
    >>> len(comp.dim_ids), len(comp.ind_ids), comp.coupled
    (8, 52, False)
    """

    items: tuple[ItemModel, ...]
    order: tuple[int, ...]  # generation order (filters first)
    ind_ids: tuple[str, ...]
    ind_item: np.ndarray  # indicator -> item index
    ind_scores: tuple[np.ndarray, ...]  # score per category of the item
    ind_dim: np.ndarray
    dim_ids: tuple[str, ...]
    weights: pd.DataFrame  # measure_map
    offset: pd.Series
    lo: np.ndarray  # min and max of each dimension
    hi: np.ndarray
    coupled: bool  # a filter in another dimension couples the dimensions


def _numeric_grid(low: float, high: float, vmin: float | None, vmax: float | None) -> np.ndarray:
    a, b = float(np.floor(low)), float(np.ceil(high))
    if vmin is not None:
        a = max(a, float(np.ceil(vmin)))
    if vmax is not None:
        b = min(b, float(np.floor(vmax)))
    if b - a <= 12:
        grid = np.arange(a, b + 1.0)
    else:
        grid = np.unique(np.round(np.linspace(a, b, 13)))
    return grid.astype(np.int64)


@functools.lru_cache(maxsize=16)
def compile_spec(spec: IndexSpec, model: LatentModel) -> CompiledSpec:
    """Compile ``spec`` into ordered-probit items under ``model`` (cached).

    Parameters
    ----------
    spec : IndexSpec
        The questionnaire and scoring rules.
    model : LatentModel
        The model parameters (threshold spread, "don't know" rates).

    Returns
    -------
    CompiledSpec

    Raises
    ------
    DGIError
        If a numeric item's goalposts and valid range leave fewer than 2 answer values.

    Examples
    --------
    >>> from dgi_stats.datasets import load_spec
    >>> compile_spec(load_spec(2021), LatentModel()).dim_ids[0]
    'd1_participation'
    """
    items = list(spec.items)
    pos = {it.id: i for i, it in enumerate(items)}
    dim_ids = tuple(spec.dimension_ids)
    item_dim: dict[str, int] = {}
    ind_ids, ind_item_ids, ind_dim = [], [], []
    for di, d in enumerate(spec.dimensions):
        for s in d.subdimensions:
            for ind in s.indicators:
                ind_ids.append(ind.id)
                ind_item_ids.append(ind.item)
                ind_dim.append(di)
                item_dim.setdefault(ind.item, di)
    filters = {it.asked_if[0] for it in items if it.asked_if is not None}
    golden = 0.6180339887498949
    compiled: list[ItemModel] = []
    code_score: dict[str, np.ndarray] = {}
    for j, it in enumerate(items):
        if it.kind == "numeric":
            assert it.low is not None
            assert it.high is not None
            codes = _numeric_grid(it.low, it.high, it.valid_min, it.valid_max)
            if codes.size < 2:
                msg = f"item {it.id!r}: its goalposts and valid range leave fewer than 2 answer values."
                raise DGIError(msg)
        else:
            codes = np.asarray(it.levels, dtype=np.int64)
        sc = it.score(pd.Series(codes, dtype="float64")).to_numpy(dtype=float)
        if it.id in item_dim:
            key = np.lexsort((it.direction * codes.astype(float), sc))
        else:  # unscored item: binary favourable last, otherwise code order
            fav = np.isin(codes, it.favourable).astype(float)
            key = np.lexsort((codes, fav))
        codes = codes[key]
        code_score[it.id] = sc[key]
        n_cat = codes.size
        delta = 0.8 * (((j + 1) * golden) % 1.0 - 0.5)
        thr = delta + model.threshold_spread * special.ndtri(np.arange(1, n_cat) / n_cat)
        dk = int(it.dont_know[0]) if it.dont_know else None
        dk_base = model.dont_know_min + (model.dont_know_max - model.dont_know_min) * (
            ((j + 1) * 0.7548776662466927) % 1.0
        )
        compiled.append(ItemModel(
            id=it.id, codes=codes, thresholds=thr, dim=item_dim.get(it.id, -1),
            person=it.id not in filters, dk_code=dk,
            dk_prob=_dk_prob(dk is not None, dk_base, model), parent=-1, parent_ok=None,
        ))
    for j, it in enumerate(items):
        if it.asked_if is not None:
            p = pos[it.asked_if[0]]
            ok = np.isin(compiled[p].codes, it.asked_if[1])
            compiled[j] = replace(compiled[j], parent=p, parent_ok=ok)
    order: list[int] = []
    seen: set[int] = set()

    def visit(j: int) -> None:
        if j in seen:
            return
        seen.add(j)
        if compiled[j].parent >= 0:
            visit(compiled[j].parent)
        order.append(j)

    for j in range(len(items)):
        visit(j)
    ind_item = np.asarray([pos[i] for i in ind_item_ids], dtype=np.int64)
    w, b = spec.measure_map()
    dim_w = w.loc[list(dim_ids)].to_numpy()
    lo = b.loc[list(dim_ids)].to_numpy(dtype=float)
    hi = dim_w.sum(axis=1) + lo
    coupled = False
    for ii, j in enumerate(ind_item):
        p = compiled[j].parent
        while p >= 0:
            if compiled[p].dim not in (-1, ind_dim[ii]):
                coupled = True
            p = compiled[p].parent
    return CompiledSpec(
        items=tuple(compiled), order=tuple(order), ind_ids=tuple(ind_ids), ind_item=ind_item,
        ind_scores=tuple(code_score[ind_item_ids[i]] for i in range(len(ind_ids))),
        ind_dim=np.asarray(ind_dim, dtype=np.int64), dim_ids=dim_ids, weights=w, offset=b,
        lo=lo, hi=hi, coupled=coupled,
    )


def _dk_prob(has_code: bool, base: float, model: LatentModel) -> np.ndarray:
    """P(don't know) for each of the 16 cells (0 when the item has no don't-know code)."""
    if not has_code:
        return np.zeros(N_CELLS)
    lo = model.dont_know_log_odds
    z = (
        special.logit(base)
        + lo[0] * (CELL_SEX == 0)
        + lo[1] * (CELL_AGE == 3)
        + lo[2] * (CELL_ETH == 1)
    )
    return special.expit(z)


def category_cdf(item: ItemModel, eta: np.ndarray, sd: float) -> np.ndarray:
    """P(category > l) for l = 0..L-2: Phi((eta - tau_l) / sd).

    Parameters
    ----------
    item : ItemModel
        The item.
    eta : numpy.ndarray
        Latent means.
    sd : float
        Standard deviation of person effect + item noise.

    Returns
    -------
    numpy.ndarray
        Shape ``eta.shape + (L - 1,)``.

    Examples
    --------
    >>> from dgi_stats.datasets import load_spec
    >>> item = compile_spec(load_spec(2021), LatentModel()).items[0]
    >>> category_cdf(item, np.zeros(3), 1.0).shape == (3, item.codes.size - 1)
    True
    """
    return special.ndtr((eta[..., None] - item.thresholds) / sd)


def category_probs(item: ItemModel, eta: np.ndarray, sd: float) -> np.ndarray:
    """Probability of each category of ``item`` at latent means ``eta``.

    Parameters
    ----------
    item : ItemModel
        The item.
    eta : numpy.ndarray
        Latent means.
    sd : float
        Standard deviation of person effect + item noise.

    Returns
    -------
    numpy.ndarray
        Shape ``eta.shape + (L,)``; sums to 1 over the last axis.

    Examples
    --------
    >>> from dgi_stats.datasets import load_spec
    >>> item = compile_spec(load_spec(2021), LatentModel()).items[0]
    >>> float(category_probs(item, np.zeros(2), 1.0).sum(axis=-1)[0])
    1.0
    """
    up = category_cdf(item, eta, sd)
    ones = np.ones((*eta.shape, 1))
    zeros = np.zeros((*eta.shape, 1))
    surv = np.concatenate([ones, up, zeros], axis=-1)
    return surv[..., :-1] - surv[..., 1:]


# ---------------------------------------------------------------------------------------------
# answers
# ---------------------------------------------------------------------------------------------
def draw_answers(comp: CompiledSpec, model: LatentModel, offsets: np.ndarray, cell: np.ndarray,
                 gen: np.random.Generator) -> np.ndarray:
    """Draw every respondent's answer category to every item of a compiled spec.

    Parameters
    ----------
    comp : CompiledSpec
        The spec compiled for ``model`` (:func:`compile_spec`).
    model : LatentModel
        The model parameters.
    offsets : numpy.ndarray
        Respondents x latent dimensions: unit + commune + village effects of each respondent.
    cell : numpy.ndarray
        Each respondent's population cell (0-15).
    gen : numpy.random.Generator
        Source of randomness (person effects, item noise, "don't know" draws, in this order).

    Returns
    -------
    numpy.ndarray
        Respondents x items: category index (worst to best; -1 = don't know, -2 = not asked).

    Examples
    --------
    >>> from dgi_stats.datasets import load_spec
    >>> comp = compile_spec(load_spec(2021), LatentModel())
    >>> cat = draw_answers(comp, LatentModel(), np.full((4, 8), 2.0), np.arange(4),
    ...                    np.random.default_rng(1))
    >>> cat.shape == (4, len(comp.items)), bool(cat.min() >= -2)
    (True, True)
    """
    n = cell.size
    n_dim = offsets.shape[1]
    beta = model.cell_effects()[cell]
    eta = offsets + beta[:, None]  # n x D
    g = gen.standard_normal((n, 1))
    h = gen.standard_normal((n, n_dim))
    person = model.sd_person * (np.sqrt(model.person_common) * g + np.sqrt(1 - model.person_common) * h)
    n_items = len(comp.items)
    cat = np.full((n, n_items), -2, dtype=np.int64)
    noise = gen.standard_normal((n, n_items))
    u_dk = gen.random((n, n_items))
    for j in comp.order:
        item = comp.items[j]
        if item.dim >= 0:
            y = eta[:, item.dim] + (person[:, item.dim] + noise[:, j] if item.person
                                    else model.sd_total * noise[:, j])
        else:
            y = beta + model.sd_total * noise[:, j]
        c = np.searchsorted(item.thresholds, y, side="left").astype(np.int64)
        dk = u_dk[:, j] < item.dk_prob[cell]
        c[dk] = -1
        if item.parent >= 0:
            pc = cat[:, item.parent]
            assert item.parent_ok is not None
            asked = (pc >= 0) & item.parent_ok[np.clip(pc, 0, None)]
            c[~asked] = -2
        cat[:, j] = c
    return cat
