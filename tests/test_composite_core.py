"""Normalisation, weights, aggregation and checks: formulas checked by hand and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dgi_stats import composite as C
from dgi_stats.exceptions import DGIError


@pytest.fixture
def x() -> pd.DataFrame:
    return pd.DataFrame(
        {"a": [1.0, 2.0, 4.0, 3.0], "b": [10.0, 5.0, 0.0, 5.0], "c": [2.0, 2.0, 3.0, 8.0]},
        index=["u1", "u2", "u3", "u4"],
    )


# ------------------------------------------------------------------------------- normalise
def test_minmax_and_direction(x):
    out = C.normalise(x, method="minmax", direction={"b": -1}, output_range=(1, 10))
    assert out["a"].tolist() == [1.0, 4.0, 10.0, 7.0]
    assert out["b"].tolist() == [1.0, 5.5, 10.0, 5.5]  # turned round: 0 is best
    assert out.index.equals(x.index)
    assert x.loc["u1", "a"] == 1.0  # input not mutated


def test_goalposts_clip_and_papi_scale():
    d = pd.DataFrame({"p": [-0.1, 0.0, 0.5, 1.2]})
    out = C.normalise(d, method="goalposts", bounds={"p": (0.0, 1.0)}, output_range=(1, 10))
    assert out["p"].tolist() == [1.0, 1.0, 5.5, 10.0]
    neg = C.normalise(d, method="goalposts", bounds={"p": (0.0, 1.0)}, direction=-1)
    assert neg["p"].tolist() == [1.0, 1.0, 0.5, 0.0]
    scaled = C.normalise(d, method="scaled", bounds={"p": (0.0, 1.0)})
    assert scaled["p"].tolist() == [-0.1, 0.0, 0.5, 1.2]


def test_goalposts_unit_independent():
    d = pd.DataFrame({"p": [0.2, 0.4, 0.9]}, index=["a", "b", "c"])
    full = C.normalise(d, method="goalposts", bounds={"p": (0, 1)})
    part = C.normalise(d.loc[["a", "b"]], method="goalposts", bounds={"p": (0, 1)})
    assert full.loc[["a", "b"]].equals(part)
    mm_full = C.normalise(d, method="minmax")
    mm_part = C.normalise(d.loc[["a", "b"]], method="minmax")
    assert not np.allclose(mm_full.loc[["a", "b"]], mm_part)


def test_zscore_rank_percentiles(x):
    z = C.normalise(x, method="zscore", mean=10, sd=2)
    assert z.mean().to_numpy() == pytest.approx([10, 10, 10])
    assert z.std().to_numpy() == pytest.approx([2, 2, 2])
    r = C.normalise(x, method="rank")
    assert r["b"].tolist() == [4.0, 2.0, 1.0, 2.0]  # ties take the min rank
    pr = C.normalise(x, method="percentile_rank")
    assert pr["a"].tolist() == [0.0, 1 / 3, 1.0, 2 / 3]
    hp = C.normalise(x, method="handbook_percentile")
    assert hp["a"].tolist() == [25.0, 50.0, 100.0, 75.0]


def test_distance_methods(x):
    t = C.normalise(x, method="distance_to_target", target={"a": 3.0, "b": 8.0, "c": 4.0}, cap=True)
    assert t["a"].tolist() == [0.0, 0.5, 1.0, 1.0]
    tn = C.normalise(x[["b"]], method="distance_to_target", target=2.0, direction=-1)
    assert tn["b"].tolist() == [0.0, 0.625, 1.25, 0.625]  # (max - x)/(max - T)
    r = C.normalise(x[["a"]], method="distance_to_reference", reference="u2")
    assert r["a"].tolist() == [0.0, 1.0, 3.0, 2.0]
    with pytest.raises(DGIError, match="reference unit 'u1' has the minimum"):
        C.normalise(x[["a"]], method="distance_to_reference", reference="u1")
    with pytest.raises(DGIError, match="'reference'"):
        C.normalise(x, method="distance_to_reference", reference="nope")


def test_nan_kept_and_not_counted():
    d = pd.DataFrame({"a": [1.0, np.nan, 3.0, 5.0]})
    out = C.normalise(d, method="minmax")
    assert np.isnan(out["a"].iloc[1])
    assert out["a"].dropna().tolist() == [0.0, 0.5, 1.0]
    assert C.normalise(d, method="percentile_rank")["a"].dropna().tolist() == [0.0, 0.5, 1.0]


def test_normalise_bad_input(x):
    with pytest.raises(DGIError, match="'method' parameter of normalise"):
        C.normalise(x, method="magic")
    with pytest.raises(DGIError, match="no \\(low, high\\) for column"):
        C.normalise(x, method="goalposts", bounds={"a": (0, 1)})
    with pytest.raises(DGIError, match="low < high"):
        C.normalise(x[["a"]], method="goalposts", bounds={"a": (1, 1)})
    with pytest.raises(DGIError, match="direction"):
        C.normalise(x, direction={"a": 2})
    with pytest.raises(DGIError, match="not in 'data'"):
        C.normalise(x, direction={"zz": -1})
    with pytest.raises(DGIError, match="constant"):
        C.normalise(pd.DataFrame({"a": [1.0, 1.0]}), method="minmax")
    with pytest.raises(DGIError, match="ratio of raw values"):
        C.normalise(x, method="ratio_to_mean", direction={"a": -1})
    with pytest.raises(DGIError, match="not numeric"):
        C.normalise(pd.DataFrame({"a": ["x", "y"]}))


# ----------------------------------------------------------------------------- aggregate
def test_means_by_hand(x):
    w = {"a": 1.0, "b": 2.0, "c": 1.0}
    ar = C.aggregate(x, w)
    assert ar["u1"] == pytest.approx((1 + 20 + 2) / 4)
    pos = x + 1
    ge = C.aggregate(pos, w, method="geometric")
    assert ge["u2"] == pytest.approx((3 * 36 * 3) ** 0.25)
    ha = C.aggregate(pos, w, method="harmonic")
    assert ha["u2"] == pytest.approx(4 / (1 / 3 + 2 / 6 + 1 / 3))
    g1 = C.aggregate(pos, w, method="generalised", p=1.0)
    assert np.allclose(g1, C.aggregate(pos, w))
    gm1 = C.aggregate(pos, w, method="generalised", p=-1.0)
    assert np.allclose(gm1, ha)
    g0 = C.aggregate(pos, w, method="generalised", p=0.0)
    assert np.allclose(g0, ge)
    gsmall = C.aggregate(pos, w, method="generalised", p=1e-7)
    assert np.allclose(gsmall, ge, rtol=1e-5)
    mn = C.aggregate(pos, w, method="minimum")
    assert mn.tolist() == pos.min(axis=1).tolist()
    # power-mean inequality: harmonic <= geometric <= arithmetic
    assert np.all(ha <= ge + 1e-12)
    assert np.all(ge <= C.aggregate(pos, w) + 1e-12)


def test_borda_and_copeland(x):
    b = C.aggregate(x, method="borda")
    ranks = x.rank(method="min") - 1
    assert b.tolist() == ranks.sum(axis=1).tolist()
    e = C.outranking_matrix(x)
    cop = C.aggregate(x, method="copeland")
    expected = np.sign(e.to_numpy() - 0.5)
    np.fill_diagonal(expected, 0)
    assert cop.tolist() == expected.sum(axis=1).tolist()


def test_aggregate_bad_input(x):
    with pytest.raises(DGIError, match="negative weight"):
        C.aggregate(x, {"a": 1, "b": -1, "c": 1})
    with pytest.raises(DGIError, match="does not match the components: unknown name\\(s\\) \\['z'\\]"):
        C.aggregate(x, {"a": 1, "b": 1, "z": 1})
    with pytest.raises(DGIError, match="missing name"):
        C.aggregate(x, {"a": 1, "b": 1})
    with pytest.raises(DGIError, match="2 entries but there are 3"):
        C.aggregate(x, [1, 2])
    with pytest.raises(DGIError, match="all weights zero"):
        C.aggregate(x, [0, 0, 0])
    with pytest.raises(DGIError, match="unit\\(s\\) \\['u3'\\] have zeros"):
        C.aggregate(x, method="geometric")
    with pytest.raises(DGIError, match="values > 0"):
        C.aggregate(x, method="harmonic")
    with pytest.raises(DGIError, match="needs a finite exponent"):
        C.aggregate(x, method="generalised")
    with pytest.raises(DGIError, match="'method' parameter of aggregate"):
        C.aggregate(x, method="median")
    # a zero with weight 0 is not used, so the geometric mean is fine
    assert np.isfinite(C.aggregate(x.add(pd.Series({"a": 1.0, "b": 0.0, "c": 1.0})), {"a": 1, "b": 0, "c": 1}, method="geometric")).all()


def test_hierarchy_and_effective_weights():
    h = C.Hierarchy.from_groups({"D1": ["i1", "i2"], "D2": ["i3", "i4", "i5"]}, root="total")
    eff = C.effective_weights(h)
    assert eff[["i1", "i3"]].tolist() == pytest.approx([0.25, 1 / 6])
    assert h.levels.to_dict() == {"total": 3, "D1": 2, "i1": 1, "i2": 1, "D2": 2, "i3": 1, "i4": 1, "i5": 1}
    h2 = h.with_weights({"D1": 3.0})
    assert C.effective_weights(h2)["i1"] == pytest.approx(0.375)
    d = pd.DataFrame(np.arange(10.0).reshape(2, 5) + 1, columns=["i1", "i2", "i3", "i4", "i5"])
    agg = C.aggregate_hierarchy(d, h)
    assert np.allclose(agg["total"], d @ eff[["i1", "i2", "i3", "i4", "i5"]].to_numpy())
    # nested geometric mean = flat geometric mean with effective weights
    g = C.aggregate_hierarchy(d, h, method="geometric")
    flat = C.aggregate(d, eff[d.columns], method="geometric")
    assert np.allclose(g["total"], flat)
    with pytest.raises(DGIError, match="not in it"):
        h.with_weights({"D9": 1.0})
    with pytest.raises(DGIError, match="must be finite and >= 0"):
        h.with_weights({"D1": -1.0})
    with pytest.raises(DGIError, match="do not match the hierarchy"):
        C.aggregate_hierarchy(d.rename(columns={"i5": "i6"}), h)
    with pytest.raises(DGIError, match="exactly one root"):
        C.Hierarchy.from_parents({"a": "A", "A": None, "B": None})
    with pytest.raises(DGIError, match="not elements"):
        C.Hierarchy.from_parents({"a": "A", "T": None})
    with pytest.raises(DGIError, match="cycle"):
        C.Hierarchy.from_parents({"a": "b", "b": "a", "T": None})


def test_dgi_effective_weights_unequal():
    # composite.md §3.4: indicator weight = 1/8 x 1/S_d x 1/K_s
    parents: dict[str, str | None] = {"total": None}
    for d, subs in enumerate([[2, 3], [1, 1, 2]]):
        parents[f"d{d}"] = "total"
        for s, k in enumerate(subs):
            parents[f"d{d}_s{s}"] = f"d{d}"
            for i in range(k):
                parents[f"d{d}_s{s}_i{i}"] = f"d{d}_s{s}"
    eff = C.Hierarchy.from_parents(parents).effective_weights()
    assert eff["d0_s0_i0"] == pytest.approx(1 / 2 * 1 / 2 * 1 / 2)
    assert eff["d1_s2_i1"] == pytest.approx(1 / 2 * 1 / 3 * 1 / 2)


# ------------------------------------------------------------------------------- weights
def test_budget_allocation_and_errors():
    b = pd.DataFrame({"a": [50, 30, 40], "b": [30, 30, 40], "c": [20, 40, 20]})
    assert C.budget_allocation(b).tolist() == pytest.approx([0.4, 1 / 3, 80 / 300])
    with pytest.raises(DGIError, match="do not add up to total=100"):
        C.budget_allocation(pd.DataFrame({"a": [50], "b": [30]}))
    with pytest.raises(DGIError, match="non-negative"):
        C.budget_allocation(pd.DataFrame({"a": [110], "b": [-10]}))
    assert C.budget_allocation(pd.DataFrame({"a": [5], "b": [15]}), total=None).tolist() == [0.25, 0.75]


def test_ahp_errors_and_small_cases():
    bad = np.array([[1, 3, 5], [1 / 3, 1, 2], [1 / 4, 1 / 2, 1]])
    with pytest.raises(DGIError, match="not reciprocal"):
        C.ahp(bad)
    with pytest.raises(DGIError, match="square"):
        C.ahp(np.ones((2, 3)))
    with pytest.raises(DGIError, match="positive"):
        C.ahp(np.array([[1, -2], [-0.5, 1]]))
    # a perfectly consistent matrix: a_ij = w_i / w_j -> weights w, lambda_max = n, CR = 0
    w = np.array([0.5, 0.3, 0.2])
    res = C.ahp(w[:, None] / w[None, :])
    assert res.weights.to_numpy() == pytest.approx(w)
    assert res.consistency_ratio == pytest.approx(0.0, abs=1e-12)
    assert res.lambda_max == pytest.approx(3.0)
    # printed two-decimal reciprocals pass the default tolerance
    assert C.ahp(np.array([[1, 3], [0.333, 1]]), rtol=2e-3).consistency_ratio == 0.0
    # an inconsistent matrix has CR > 0.1
    inc = np.array([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]])
    assert not C.ahp(inc).consistent


def test_bod_bounds_and_infeasible():
    d = pd.DataFrame({"a": [1.0, 0.5, 0.0, 0.2], "b": [0.0, 0.5, 1.0, 0.3]}, index=list("pqrs"))
    free = C.benefit_of_the_doubt(d)
    assert free.scores[["p", "q", "r"]].tolist() == pytest.approx([1.0, 1.0, 1.0])
    assert free.scores["s"] == pytest.approx(0.5)  # w = (1, 1): bound by units p, q and r
    eq = C.benefit_of_the_doubt(d, ratio_bound=1.0)  # equal weights, scaled to the best unit
    assert eq.scores.tolist() == pytest.approx([1.0, 1.0, 1.0, 0.5])
    sh = C.benefit_of_the_doubt(d, share_bounds=(0.3, 0.7))
    contrib = sh.weights * d
    share = contrib.div(contrib.sum(axis=1), axis=0)
    assert ((share.loc[["q", "s"]] >= 0.3 - 1e-8) & (share.loc[["q", "s"]] <= 0.7 + 1e-8)).all().all()
    ub = C.benefit_of_the_doubt(d, upper=0.5)
    assert (ub.weights.to_numpy() <= 0.5 + 1e-9).all()
    with pytest.raises(DGIError, match="infeasible"):
        C.benefit_of_the_doubt(d, lower=2.0)
    with pytest.raises(DGIError, match="ratio_bound"):
        C.benefit_of_the_doubt(d, ratio_bound=0.5)
    with pytest.raises(DGIError, match="non-negative"):
        C.benefit_of_the_doubt(d - 0.5)
    with pytest.raises(DGIError, match="'lower' exceeds 'upper'"):
        C.benefit_of_the_doubt(d, lower=0.5, upper=0.1)


def test_pca_and_fa_weights_recover_structure(rng):
    f = rng.normal(size=(300, 2))
    data = pd.DataFrame(
        np.column_stack([f[:, 0], f[:, 0], f[:, 1], f[:, 1]]) + 0.3 * rng.normal(size=(300, 4)),
        columns=list("abcd"),
    )
    fa = C.factor_analysis_weights(data)
    assert fa.factor["a"] == fa.factor["b"] != fa.factor["c"] == fa.factor["d"]
    assert fa.weights.sum() == pytest.approx(1.0)
    pw = C.pca_weights(data)
    assert (pw**2).sum() == pytest.approx(1.0)
    assert pw.sum() > 0
    # varimax keeps communalities
    load = C.pca(data).loadings.iloc[:, :2].to_numpy()
    assert np.allclose((C.varimax(load) ** 2).sum(axis=1), (load**2).sum(axis=1))


def test_variance_importance_sums_and_linear_total():
    d = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0, 5.0], "b": [2.0, 1.0, 2.0, 1.5, 2.5], "c": [1, 1, 2, 2, 3.0]})
    vi = C.variance_importance(d)
    assert vi["variance_share"].sum() == pytest.approx(1.0)
    assert vi["corr_squared_share"].sum() == pytest.approx(1.0)
    t = d.sum(axis=1)
    assert vi.loc["a", "corr"] == pytest.approx(np.corrcoef(d["a"], t)[0, 1])
    assert vi.loc["a", "variance_share"] == pytest.approx(np.cov(d["a"], t)[0, 1] / t.var())


def test_weights_dispatcher(x):
    assert C.weights(x).tolist() == pytest.approx([1 / 3] * 3)
    b = pd.DataFrame({"a": [100, 0], "b": [0, 100], "c": [0, 0]})
    assert C.weights(scheme="budget", budgets=b).tolist() == [0.5, 0.5, 0.0]
    with pytest.raises(DGIError, match="'scheme'"):
        C.weights(x, scheme="magic")


# -------------------------------------------------------------------------------- checks
def test_cronbach_classic_formula(rng):
    d = pd.DataFrame(rng.normal(size=(50, 1)) + rng.normal(size=(50, 4)), columns=list("abcd"))
    res = C.cronbach_alpha(d)
    v = d.var()
    q = 4
    classic = q / (q - 1) * (1 - v.sum() / d.sum(axis=1).var())
    assert res.alpha == pytest.approx(classic)
    aid = C.cronbach_alpha(d[["b", "c", "d"]]).alpha
    assert res.alpha_if_deleted["a"] == pytest.approx(aid)
    assert res.item_rest_correlation["a"] == pytest.approx(np.corrcoef(d["a"], d[["b", "c", "d"]].sum(axis=1))[0, 1])
    with pytest.raises(DGIError, match="'missing'"):
        C.cronbach_alpha(d, missing="drop")


def test_correlations_methods(x):
    assert C.correlations(x, method="spearman").loc["a", "c"] == pytest.approx(x["a"].corr(x["c"], method="spearman"))
    with pytest.raises(DGIError, match="'method'"):
        C.correlations(x, method="distance")


def test_leave_one_out_flat(x):
    out = C.leave_one_out(x)
    nominal = C.competition_rank(C.aggregate(x))
    for c in x.columns:
        r = C.competition_rank(C.aggregate(x.drop(columns=c)))
        assert out.loc[c, "mean_abs_rank_change"] == pytest.approx((r - nominal).abs().mean())
    with pytest.raises(DGIError, match="needs a hierarchy"):
        C.leave_one_out(x, level=2)
