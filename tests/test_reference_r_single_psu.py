"""A unit (stratum) with a single commune under every lonely-PSU rule, against R survey 4.1-1.

Reference: tests/reference/r_single_psu (script, calls and versions in its README and JSON header).
The SYNTHETIC 2021 survey with Cô Tô reduced to one commune. What R shows, and this library
matches: the lonely unit's own standard error is 0 under "remove", "certainty" and "adjust" and
undefined (NaN) under "average" — no rule gives a unit with one PSU a usable variance of its own
mean; the rules only decide what the lonely stratum adds to estimates *across* strata. So the
library gives the unit 0 design degrees of freedom, and everything that needs a variance (an
interval, a rank set, a test) refuses it by name instead of treating the unit as known exactly.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import dgi_stats as ds
from dgi_stats.exceptions import DGIError

pytestmark = pytest.mark.reference

RULES = ("remove", "certainty", "adjust", "average")


@pytest.fixture(scope="module")
def reference(reference_dir):
    return json.loads((reference_dir / "r_single_psu" / "single_psu_2021.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def data(reference):
    lonely = reference["single_psu_unit"]
    d = ds.datasets.load_survey(2021)
    keep = (d["district"] != lonely["district"]) | (d["commune_id"] == lonely["commune_id"])
    d = d.loc[keep].copy()
    assert len(d) == reference["provenance"]["rows_used"]
    for v in reference["variables"]:
        d[v] = (d[v.removeprefix("fav_")] == 1).astype(float)
    return d


def _design(data: pd.DataFrame, rule: str) -> ds.SurveyDesign:
    return ds.SurveyDesign(
        data, weights="nr_weight", strata="district", psu="commune_id", nest=True, lonely_psu=rule
    )


@pytest.mark.parametrize("rule", RULES)
def test_estimates_and_standard_errors_match_r(reference, data, rule):
    ref = reference["rules"][rule]
    design = _design(data, rule)
    for v in reference["variables"]:
        got = ds.mean(design, v, by="district")
        assert len(got.estimate) == len(ref["by_district"][v]) == 13
        for unit, r in ref["by_district"][v].items():
            assert got.estimate.loc[(unit, v)] == pytest.approx(r["estimate"], abs=1e-12)
            if r["se"] is None:  # R: NaN (nothing to average within the lonely domain)
                assert np.isnan(got.std_error.loc[(unit, v)])
            else:
                assert got.std_error.loc[(unit, v)] == pytest.approx(r["se"], abs=1e-12)
        overall = ds.mean(design, v)
        assert float(overall.estimate.iloc[0]) == pytest.approx(ref["overall"][v]["estimate"], abs=1e-12)
        assert float(overall.std_error.iloc[0]) == pytest.approx(ref["overall"][v]["se"], abs=1e-12)
        assert float(np.asarray(overall.df).ravel()[0]) == ref["degf"]


@pytest.mark.parametrize("rule", RULES)
def test_the_lonely_unit_has_no_variance_of_its_own_and_zero_df(reference, data, rule):
    lonely = reference["single_psu_unit"]["district"]
    got = ds.mean(_design(data, rule), "fav_q101", by="district")
    se = float(got.std_error.loc[(lonely, "fav_q101")])
    assert se == 0.0 or np.isnan(se)
    df = got.df.xs("fav_q101", level="variable") if got.df.index.nlevels > 1 else got.df
    assert float(df.loc[lonely]) == 0.0
    assert (df.drop(lonely) == 5.0).all()  # 6 communes in one stratum each, as R's degf per district
    ci = got.confidence_interval().loc[(lonely, "fav_q101")]
    bounds = ci[[c for c in ci.index if c in {"low", "high", "ci_low", "ci_high"}]]
    assert len(bounds) == 2
    assert bounds.isna().all()  # no interval, not a zero-width one


@pytest.mark.parametrize("rule", ["adjust", "average"])
def test_rank_inference_refuses_the_lonely_unit_by_name(reference, data, rule):
    lonely = reference["single_psu_unit"]["district"]
    got = ds.mean(_design(data, rule), "fav_q101", by="district")
    with pytest.raises(DGIError, match=lonely):
        ds.rank_confidence_sets(got, rng=np.random.default_rng(1))
