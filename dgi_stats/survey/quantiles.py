"""Design-based quantiles (R's ``svyquantile``) with Woodruff, beta, score or replicate intervals."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats
from scipy.optimize import brentq

from dgi_stats._validation import check_choice, check_probability
from dgi_stats.exceptions import DGIError
from dgi_stats.survey._common import DomainArg, check_design, linearize, prepare
from dgi_stats.survey.design import SurveyDesign
from dgi_stats.survey.results import SurveyEstimate
from dgi_stats.survey.variance.replicate import replicate_variance

__all__ = ["quantile"]


def _qs(
    x: np.ndarray, w: np.ndarray, p: float
) -> tuple[np.ndarray, np.ndarray, float, int, int, float]:
    order = np.argsort(x, kind="stable")
    xs = x[order]
    # R accumulates sum() and cumsum() in long double and rounds to double: do the same so that
    # ties at a cumulative share of exactly p are resolved as R resolves them
    cum_ld = np.cumsum(w[order].astype(np.longdouble))
    cumw = cum_ld.astype(float)
    tot = float(cum_ld[-1])
    below = np.flatnonzero(cumw <= p * tot)
    pos = int(below[-1]) if below.size else 0
    nxt = pos if pos == len(xs) - 1 else pos + 1
    if not below.size:
        nxt = 0
    wlow = p - cumw[pos] / tot
    return xs, cumw, tot, pos, nxt, wlow


def _qrule(x: np.ndarray, w: np.ndarray, p: float, rule: str = "math") -> float:
    """R's ``qrule_math`` (smallest x with weighted ECDF >= p), ``qrule_school``, ``qrule_hf7``."""
    keep = w != 0
    x, w = x[keep], w[keep]
    if rule == "hf7":
        order = np.argsort(x, kind="stable")
        xs = x[order]
        cumw = np.cumsum(w[order].astype(np.longdouble)).astype(float)
        n = len(xs)
        pk = np.concatenate([[0.0], cumw[:-1]]) / cumw[n - 2]
        return float(np.interp(p, pk, xs))
    xs, _cumw, _tot, pos, nxt, wlow = _qs(x, w, p)
    if wlow == 0:
        return float(xs[pos] if rule == "math" else (xs[pos] + xs[nxt]) / 2)
    return float(xs[nxt])


def _qrule_math(x: np.ndarray, w: np.ndarray, p: float) -> float:
    return _qrule(x, w, p, "math")


def quantile(
    design: SurveyDesign,
    variables: str | Sequence[str],
    quantiles: float | Sequence[float] = 0.5,
    *,
    by: str | Sequence[str] | None = None,
    domain: DomainArg = None,
    na_rm: bool = False,
    confidence_level: float = 0.95,
    interval: Literal["woodruff", "beta", "score", "replicate"] = "woodruff",
    qrule: Literal["math", "school", "hf7"] = "math",
    df: float | None = None,
) -> SurveyEstimate:
    """Quantiles (R's ``svyquantile`` with ``qrule = "math"``) with Woodruff intervals.

    The quantile is the smallest value whose weighted cumulative share is >= p. The Woodruff
    interval takes ``p̂ = mean(I(x <= q̂)) ± t(df) SE`` and maps the limits back through the same
    rule; the standard error is ``(high - low) / (2 t(df))``. ``df`` (default: the design df of the
    domain) may be given, e.g. ``np.inf`` for normal intervals. ``interval="beta"`` and
    ``"score"`` are R's ``interval.type = "beta"`` (Korn–Graubard-type beta limits for ``F(q)``) and
    ``"score"`` (Fuller's score-test inversion); ``qrule`` may also be R's ``"school"`` or
    ``"hf7"``. ``interval="replicate"`` (replicate
    designs) uses the replicate quantiles instead (R's ``interval.type = "quantile"``).

    Parameters
    ----------
    design : SurveyDesign
        Taylor or replicate design.
    variables : str or list of str
        Numeric columns.
    quantiles : float or sequence of float
        Probabilities p in [0, 1]. default: 0.5.
    by : str or list of str, optional
        Domain columns (R's ``svyby``). default: None.
    domain : str or array of bool, optional
        Subset (R's ``subset(design, ...)``). default: None.
    na_rm : bool
        Rows with a missing value are out of domain. default: False (error).
    confidence_level : float
        Level of the stored interval. default: 0.95.
    interval : {"woodruff", "beta", "score", "replicate"}
        Interval type (see above). default: "woodruff".
    qrule : {"math", "school", "hf7"}
        R's quantile rule. default: "math".
    df : float, optional
        Degrees of freedom of the interval. default: None (the domain's design df).

    Returns
    -------
    SurveyEstimate
        Indexed by (domain,) variable and ``p``; :attr:`SurveyEstimate.interval` holds the
        interval at ``confidence_level`` (``confidence_interval()`` at that level returns it).

    Raises
    ------
    DGIError
        Bad arguments, or ``interval="replicate"`` on a Taylor design.

    Examples
    --------
    >>> import pandas as pd
    >>> from dgi_stats.survey.design import SurveyDesign
    >>> d = SurveyDesign(pd.DataFrame({"y": [float(v) for v in range(1, 11)]}))
    >>> float(quantile(d, "y", 0.5).estimate.iloc[0])
    5.0
    """
    design = check_design(design, "quantile")
    level = check_probability(confidence_level, name="confidence_level", func="quantile")
    interval = check_choice(
        interval, ("woodruff", "beta", "score", "replicate"), name="interval", func="quantile"
    )  # type: ignore[assignment]
    qrule = check_choice(qrule, ("math", "school", "hf7"), name="qrule", func="quantile")  # type: ignore[assignment]
    ps: list[float] = (
        [float(quantiles)]  # type: ignore[arg-type]
        if np.ndim(quantiles) == 0
        else [float(v) for v in quantiles]  # type: ignore[union-attr]
    )
    for p in ps:
        check_probability(p, name="quantiles", func="quantile")
    names, y, _mask, codes, labels, by_cols, _base = prepare(
        design, variables, by, domain, na_rm, "quantile"
    )
    if interval == "replicate" and design.replicates is None:
        msg = "quantile: interval='replicate' needs a replicate design."
        raise DGIError(msg)
    if interval == "replicate" and design.method in ("jk1", "jkn"):
        warnings.warn(
            "Jackknife replicate weights may not give valid standard errors for quantiles "
            "(use bootstrap replicates or interval='woodruff').",
            UserWarning,
            stacklevel=2,
        )
    rows_idx: list[tuple[Any, ...]] = []
    est, lo, hi, se, dfs = [], [], [], [], []
    w = design.weights
    alpha = 1 - level
    for d in range(len(labels)):
        ind = codes == d
        dfd = float(design.domain_degf(ind)) if df is None else float(df)
        crit = (
            stats.t.ppf(1 - alpha / 2, dfd) if np.isfinite(dfd) else stats.norm.ppf(1 - alpha / 2)
        )
        for j, name in enumerate(names):
            xj = y[ind, j]
            wj = w[ind]
            for p in ps:
                q = _qrule(xj, wj, float(p), qrule)
                low, high = _quantile_interval(
                    design, y[:, j], ind, xj, wj, q, float(p), qrule, interval, crit, alpha, dfd
                )
                est.append(q)
                lo.append(low)
                hi.append(high)
                se.append((high - low) / (2 * crit))
                dfs.append(dfd)
                lab = labels[d]
                prefix = (lab if isinstance(lab, tuple) else (lab,)) if by_cols else ()
                rows_idx.append((*prefix, name, float(p)))
    idx = pd.MultiIndex.from_tuples(rows_idx, names=[*by_cols, "variable", "p"])
    se_arr = np.asarray(se, dtype=float)
    return SurveyEstimate(
        estimate=pd.Series(est, index=idx, name="quantile", dtype=float),
        std_error=pd.Series(se_arr, index=idx, name="std_error"),
        cov=pd.DataFrame(np.diag(se_arr**2), index=idx, columns=idx),
        df=pd.Series(dfs, index=idx, name="df"),
        method=design.method,
        statistic="quantile",
        design_df=design.degf,
        interval=pd.DataFrame({"ci_low": lo, "ci_high": hi}, index=idx),
        interval_level=level,
    )


def _quantile_interval(
    design: SurveyDesign,
    ycol: np.ndarray,
    ind: np.ndarray,
    xj: np.ndarray,
    wj: np.ndarray,
    q: float,
    p: float,
    qrule: str,
    interval: str,
    crit: float,
    alpha: float,
    dfd: float,
) -> tuple[float, float]:
    sub = np.where(ind, 0, -1).astype(np.intp)
    ones = np.ones((design.n, 1), bool)

    def prop_le(theta: float) -> tuple[float, float]:
        flag = np.where(ind, np.nan_to_num(ycol) <= theta, 0.0)
        lin = linearize(design, flag[:, None], None, ones, sub, 1, "mean")
        return float(lin.estimate[0]), float(np.sqrt(lin.cov[0, 0]))

    if interval == "replicate":
        spec = design.replicates
        assert spec is not None
        fac = spec.factors[spec.group[ind]]
        bw = spec.base[ind]
        reps = np.array([_qrule(xj, bw * fac[:, r], p, qrule) for r in range(fac.shape[1])])
        v = replicate_variance(reps[:, None], np.array([q]), spec)[0, 0]
        return q - np.sqrt(v) * crit, q + np.sqrt(v) * crit
    if interval == "score":
        def score_stat(theta: float, limit: float) -> float:
            flag = np.where(ind, (np.nan_to_num(ycol) > theta) - (1 - p), 0.0)
            lin = linearize(design, flag[:, None], None, ones, sub, 1, "mean")
            return float(lin.estimate[0] / np.sqrt(lin.cov[0, 0])) - limit

        q75, q25 = np.percentile(xj, [75, 25])
        iqr = q75 - q25
        lo_t, hi_t = xj.min() + iqr / 100, xj.max() - iqr / 100
        tol = 1e-10
        qlow = brentq(score_stat, lo_t, hi_t, args=(crit,), xtol=tol)
        qup = brentq(score_stat, lo_t, hi_t, args=(-crit,), xtol=tol)
        return (
            _qrule(xj, wj, float(np.mean(xj <= qlow)), qrule),
            _qrule(xj, wj, float(np.mean(xj <= qup)), qrule),
        )
    pm, sp = prop_le(q)
    if interval == "beta":
        n_eff = pm * (1 - pm) / sp**2
        n_eff = (
            n_eff * (stats.t.ppf(alpha / 2, int(ind.sum()) - 1) / stats.t.ppf(alpha / 2, dfd)) ** 2
        )
        pl = float(stats.beta.ppf(alpha / 2, n_eff * pm, n_eff * (1 - pm) + 1))
        pu = float(stats.beta.ppf(1 - alpha / 2, n_eff * pm + 1, n_eff * (1 - pm)))
    else:
        pl, pu = pm - crit * sp, pm + crit * sp
    low = np.nan if (np.isnan(pl) or pl < 0) else _qrule(xj, wj, pl, qrule)
    high = np.nan if (np.isnan(pu) or pu > 1) else _qrule(xj, wj, pu, qrule)
    return low, high
