"""The closed rank-change bound (docs: methodology, Rank-change tests, Q3b) and the minimum detectable rank change.

Size at the least favourable point with estimated SEs on a realistic design is in
``tests/test_coverage_ranks.py`` (``test_closed_rank_change_size_*``); power against the
projection over the design grid is in ``docs/methodology/rank_change_power.md``. SYNTHETIC numbers
throughout.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import dgi_stats as ds
from dgi_stats.exceptions import DGIError, UnknownUnitError
from dgi_stats.ranks.change import closed_change_bound, rank_change_test


def _year(theta, se=1.0, df=np.inf, names=None):
    names = names or [f"U{i}" for i in range(len(theta))]
    return pd.Series(theta, index=names, dtype=float), np.diag(np.full(len(theta), se**2)), df


def _both(y1, y2, unit, **kw):
    kw.setdefault("n_draws", 20_000)
    kw.setdefault("rng", 1)
    c = rank_change_test(y1, y2, unit=unit, procedure="closed", **kw)
    p = rank_change_test(y1, y2, unit=unit, procedure="projection", **kw)
    return c, p


def test_difference_in_differences_statement_lifts_the_bound():
    """A near-tied neighbour that neither year separates, but whose gap to the unit moved by the
    sum of both years' gaps, no longer costs a place: projection 0, closed 1."""
    # U0 passes U2 clearly; U1 is above U0 by 1.7 SD-of-pair units in year 1 and below by 1.7 in
    # year 2: neither T1 nor T2 of U1 clears the critical value (about 1.95, the max of two), the
    # difference in differences (1.7 x sqrt 2 = 2.40) clears that of the max of the three
    s = np.sqrt(2.0)  # pairwise SD with unit SEs of 1
    y1 = _year([0.0, 1.7 * s, 30.0])
    y2 = _year([40.0, 40.0 - 1.7 * s, 30.0])
    c, p = _both(y1, y2, "U0")
    assert int(p.places_gained_lower["U0"]) == 0
    assert int(c.places_gained_lower["U0"]) == 1
    assert c.pvalue["U0"] < 0.05 <= p.pvalue["U0"]
    assert c.procedure == "closed"
    assert p.procedure == "projection"


def test_clear_moves_agree_with_the_projection():
    th1 = np.arange(13, dtype=float) * 10
    th2 = th1.copy()
    th2[0] = 200.0
    c, p = _both(_year(th1), _year(th2), "U0")
    assert int(c.places_gained_lower["U0"]) == int(p.places_gained_lower["U0"]) == 12
    assert int(c.places_gained_upper["U0"]) == 12
    assert c.pvalue["U0"] < 1e-4
    # a clear fall of U12 from first to last
    th2 = th1.copy()
    th2[12] = -50.0
    c = rank_change_test(_year(th1), _year(th2), unit="U12", n_draws=20_000, rng=2)
    assert int(c.places_gained_upper["U12"]) == -12
    assert c.pvalue_decline["U12"] < 1e-4


def test_no_change_with_ties_claims_nothing():
    y = _year([5.0, 5.0, 5.0, 5.0, 5.0], df=5)
    c = rank_change_test(y, y, unit="U2", n_draws=5000, rng=3)
    assert int(c.places_gained_lower["U2"]) <= 0 <= int(c.places_gained_upper["U2"])
    assert c.pvalue["U2"] == 1.0 or c.pvalue["U2"] > 0.05


def test_pvalue_matches_the_bound_and_the_two_sided_interval_is_wider():
    rng = np.random.default_rng(8)
    for _ in range(6):
        th1 = rng.normal(0, 2, 8)
        th2 = th1 + rng.normal(0, 2, 8)
        th2[3] += 4.0
        c = rank_change_test(_year(th1, df=8), _year(th2, df=8), unit="U3", n_draws=5000, rng=4)
        row = c.table.iloc[0]
        assert (row.places_gained_lower >= 1) == (row.pvalue <= 0.05 + 1e-4)
        assert row.places_gained_ci_low <= row.places_gained_lower
        assert row.places_gained_ci_high >= row.places_gained_upper
        assert row.places_gained_lower <= row.places_gained <= row.places_gained_upper


def test_same_seed_same_table_and_the_array_entry_agrees():
    y1, y2 = _year([0.0, 3.0, 6.0, 9.0], df=5), _year([10.0, 3.0, 6.0, 9.0], df=5)
    a = rank_change_test(y1, y2, unit="U0", n_draws=4000, rng=11)
    b = rank_change_test(y1, y2, unit="U0", n_draws=4000, rng=11)
    pd.testing.assert_frame_equal(a.table, b.table)
    lower = closed_change_bound(y1[0].to_numpy(), y2[0].to_numpy(), y1[1], y2[1], 0,
                                df1=np.full(4, 5.0), df2=np.full(4, 5.0), n_draws=4000, rng=11)
    assert lower == int(a.places_gained_lower["U0"])


def test_a_panel_cross_covariance_narrows_the_difference_in_differences():
    """Positive cross-year covariance (same communes): the change of a gap is estimated more
    precisely, so the closed bound can only gain; the score change SE shrinks as cov algebra says."""
    names = [f"U{i}" for i in range(4)]
    s = np.sqrt(2.0)
    y1 = _year([0.0, 1.2 * s, 30.0, 60.0])
    y2 = _year([40.0, 40.0 - 1.2 * s, 30.0, 60.0])
    cross = pd.DataFrame(0.8 * np.eye(4), index=names, columns=names)
    indep = rank_change_test(y1, y2, unit="U0", n_draws=20_000, rng=5)
    panel = rank_change_test(y1, y2, unit="U0", n_draws=20_000, rng=5, cross_cov=cross)
    assert int(indep.places_gained_lower["U0"]) == 0
    assert int(panel.places_gained_lower["U0"]) == 1
    assert panel.table.score_change_se["U0"] == pytest.approx(np.sqrt(2 - 2 * 0.8), rel=1e-12)
    assert indep.table.score_change_se["U0"] == pytest.approx(np.sqrt(2), rel=1e-12)
    # the long (unit, measure) form of PanelScores.cross_cov gives the same answer
    idx = pd.MultiIndex.from_product([names, ["score"]], names=["unit", "measure"])
    long = pd.DataFrame(0.8 * np.eye(4), index=idx, columns=idx)
    s1 = ds.Scores.from_estimates(y1[0].rename("score"), pd.Series(1.0, index=names), df=np.inf)
    s2 = ds.Scores.from_estimates(y2[0].rename("score"), pd.Series(1.0, index=names), df=np.inf)
    same = rank_change_test(s1, s2, unit="U0", measure="score", n_draws=20_000, rng=5,
                            cross_cov=long)
    assert int(same.places_gained_lower["U0"]) == 1
    assert same.table.score_change_se["U0"] == pytest.approx(np.sqrt(0.4), rel=1e-12)


def test_bad_inputs_are_named():
    y = _year([1.0, 2.0, 3.0])
    with pytest.raises(DGIError, match="'procedure'"):
        rank_change_test(y, y, unit="U0", procedure="fast")
    with pytest.raises(DGIError, match="closed"):
        rank_change_test(y, y, procedure="closed")  # all units: projection only
    with pytest.raises(DGIError, match="closed"):
        rank_change_test(y, y, unit="U0", method="exact", procedure="closed")
    with pytest.raises(DGIError, match="cross_cov"):
        rank_change_test(y, y, unit="U0", cross_cov=np.eye(3))
    bad = pd.DataFrame(np.eye(2), index=["U0", "U1"], columns=["U0", "U1"])
    with pytest.raises(DGIError, match=r"lacks unit\(s\) \['U2'\]"):
        rank_change_test(y, y, unit="U0", cross_cov=bad)
    full = pd.DataFrame(np.eye(3), index=["U0", "U1", "U2"], columns=["U0", "U1", "U2"])
    with pytest.raises(DGIError, match="bonferroni"):
        rank_change_test(y, y, cross_cov=full)


# ------------------------------------------------------------ minimum detectable rank change
def test_minimum_detectable_rank_change_is_confirmed_by_the_test_itself():
    """The reported minimum rise is established in >= the target power of independent survey
    pairs run through rank_change_test (3-sigma), and the rise below it is not."""
    names = [f"U{i}" for i in range(6)]
    est = pd.Series([80.0, 78.0, 76.0, 74.0, 72.0, 70.0], index=names)
    se = pd.Series(0.45, index=names)
    scores = ds.Scores.from_estimates(est.rename("total"), se.rename("total"), df=30)
    res = ds.minimum_detectable_rank_change(scores, units=["U5"], n_surveys=100, rng=1)
    row = res.table.loc["U5"]
    k = int(row.minimum_rise)
    assert 1 <= k <= 5
    assert row.power_at_minimum >= 0.8
    assert (res.power_curve.loc["U5"].dropna().iloc[:-1] < 0.8).all()
    # confirm with the public test on fresh simulated surveys (estimated SEs, df 30)
    rng = np.random.default_rng(2)
    truth2 = est.to_numpy().copy()
    truth2[5] += row.change_needed

    def survey(truth):
        e = truth + rng.normal(0, 0.45, 6)
        v = 0.45**2 * rng.chisquare(30, 6) / 30
        return pd.Series(e, index=names), np.diag(v), 30.0

    n, hits = 150, 0
    for _ in range(n):
        t = rank_change_test(survey(est.to_numpy()), survey(truth2), unit="U5", n_draws=1000,
                             rng=rng)
        hits += int(t.places_gained_lower["U5"] >= 1)
    assert hits / n >= 0.8 - 3 * np.sqrt(0.8 * 0.2 / n), hits / n


def test_minimum_detectable_rank_change_reports_what_cannot_be_detected():
    names = ["A", "B", "C"]
    est = pd.Series([72.0, 71.8, 71.6], index=names)
    res = ds.minimum_detectable_rank_change(est, pd.Series(2.0, index=names), df=5,
                                            n_surveys=20, rng=3)
    assert res.table.loc["A", "max_rise"] == 0
    again = ds.minimum_detectable_rank_change(est, pd.Series(2.0, index=names), df=5,
                                              n_surveys=20, rng=3)
    pd.testing.assert_frame_equal(again.power_curve, res.power_curve)
    assert res.table["minimum_rise"].isna().loc["A"]
    assert "Minimum detectable" in str(res.summary())
    # with a small standard error the rise to the top is detected, and the result says so
    est2 = pd.Series([76.0, 74.0, 72.0, 70.0], index=list("ABCD"))
    res2 = ds.minimum_detectable_rank_change(est2, pd.Series(0.4, index=est2.index), df=20,
                                             units=["D"], n_surveys=60, rng=4)
    assert int(res2.table.loc["D", "minimum_rise"]) in (2, 3)
    assert res2.table.loc["D", "change_needed"] > 0


def test_minimum_detectable_rank_change_compares_procedures_on_the_same_surveys():
    """Same rng, same simulated surveys for both procedures: their power curves are close (the
    closed bound is not uniformly above the projection: its max runs over more statistics), and
    with neighbours about 1.2 pairwise SDs from where the unit lands the closed bound gains."""
    names = [f"U{i}" for i in range(6)]
    est = pd.Series([80.0 - 3.0 * i for i in range(6)], index=names)
    cov = np.diag([1.0] * 6)
    kw = {"df": 20.0, "units": ["U5"], "n_surveys": 60, "power": 0.999, "rng": 5}
    closed = ds.minimum_detectable_rank_change(est, cov, **kw)
    proj = ds.minimum_detectable_rank_change(est, cov, procedure="projection", **kw)
    assert (closed.procedure, proj.procedure) == ("closed", "projection")
    c, p = closed.power_curve.loc["U5"], proj.power_curve.loc["U5"]
    both = c.notna() & p.notna()
    assert both.sum() >= 4
    assert (np.abs(c[both] - p[both]) <= 0.1).all(), (c, p)
    assert (c[both] - p[both]).sum() > 0, (c, p)


def test_minimum_detectable_rank_change_bad_inputs():
    est = pd.Series([72.0, 71.0], index=["A", "B"])
    se = pd.Series(1.0, index=est.index)
    with pytest.raises(DGIError, match="'correlation'"):
        ds.minimum_detectable_rank_change(est, se, df=5, correlation=1.0)
    with pytest.raises(DGIError, match="'power'"):
        ds.minimum_detectable_rank_change(est, se, df=5, power=1.5)
    with pytest.raises(DGIError, match="'procedure'"):
        ds.minimum_detectable_rank_change(est, se, df=5, procedure="projection", correlation=0.5)
    with pytest.raises(DGIError, match="'procedure'"):
        ds.minimum_detectable_rank_change(est, se, df=5, procedure="stepdown")
    with pytest.raises(UnknownUnitError):
        ds.minimum_detectable_rank_change(est, se, df=5, units=["Nowhere"])
