"""Every case of R survey's replicate.json (JK1, JKn, bootstrap, subbootstrap, BRR, Fay).

Each case runs on a replicate design built from R's exported replicate weights (``repweights/``,
the only way to reproduce R's random bootstrap draws); deterministic jackknife designs are also
rebuilt by dgi_stats itself (``design.replicate("jk1"|"jkn")``) and must give the same numbers
(replicates compared as a set, since the replicate order differs). Provenance:
tests/reference/r_survey/README.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _r_survey as R

from dgi_stats.exceptions import DGIError
from dgi_stats.survey import estimators as est

J = R.load_json("replicate")
CASES = J["cases"]
REBUILT = [c for c in CASES if c["design"] in R.REBUILD]

pytestmark = pytest.mark.reference


def _run(case, *, rebuild):
    d = R.design("replicate", case["design"], case.get("options"), rebuild=rebuild)
    if case.get("error"):
        with pytest.raises(DGIError):
            R.run_call(d, case["call"], case["design"])
        return None, d
    if case.get("warnings"):  # R warns for jackknife quantile SEs
        with pytest.warns(UserWarning, match="Jackknife replicate weights may not give valid"):
            return R.run_call(d, case["call"], case["design"]), d
    return R.run_call(d, case["call"], case["design"]), d


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_replicate_case_r_weights(case):
    if case["design"] == "rclus1_jk1_mse":
        pytest.skip("R exported no weights for this design; covered by the rebuilt test")
    r, d = _run(case, rebuild=False)
    if r is None:
        return
    info = J["designs"].get(case["design"], {})
    if "replicates" in info:
        assert d.degf == info["replicates"]["degf"], case["call"]
    R.check_case(case, r)


@pytest.mark.parametrize("case", REBUILT, ids=[c["id"] for c in REBUILT])
def test_replicate_case_rebuilt(case):
    r, d = _run(case, rebuild=True)
    if r is None:
        return
    info = J["designs"][case["design"]]["replicates"]
    assert d.degf == info["degf"]
    np.testing.assert_allclose(d.replicates.scale, info["scale"], rtol=1e-12)
    np.testing.assert_allclose(np.sort(d.replicates.rscales), np.sort(info["rscales"]), rtol=1e-12)
    reps = case.get("replicate_estimates")
    case = {**case, "replicate_estimates": None}
    R.check_case(case, r)
    if reps is not None and getattr(r, "replicate_estimates", None) is not None:
        got = np.sort(r.replicate_estimates.to_numpy(), axis=0)
        np.testing.assert_allclose(
            got,
            np.sort(R.matrix(reps), axis=0),
            rtol=1e-9,
            err_msg=f"replicate estimates differ from R for {case['call']}",
        )


@pytest.mark.parametrize("name", ["rclus1_boot", "rclus1_boot_fpc"])
def test_bootstrap_psu_factors_match_row_weights(name):
    """R's PSU-level factors x full-sample weights = R's row-level replicate weights."""
    import pandas as pd

    info = J["designs"][name]
    base = R._taylor(R.REPLICATE_BASE[name])
    f = pd.read_csv(R.REF / "repweights" / f"{name}.psu_factors.csv")
    rows = pd.read_csv(R.REF / "repweights" / f"{name}.csv")
    reps = [c for c in f.columns if c.startswith("rep_")]
    merged = base.data[["dnum"]].merge(f, on="dnum", how="left")
    order = rows["row"].to_numpy() - 1
    np.testing.assert_allclose(
        merged[reps].to_numpy()[order] * base.weights[order, None],
        rows[reps].to_numpy(),
        rtol=1e-12,
    )
    assert info["replicates"]["n_replicates"] == len(reps)


def test_brr_own_hadamard_matches_r_for_a_total():
    """A BRR variance of a total does not depend on which Hadamard matrix is used."""
    dscd = R._taylor("dscd")
    mine = est.total(dscd.replicate("brr"), "alive")
    r_case = next(c for c in CASES if c["id"] == "rscd_brr.total_alive")
    np.testing.assert_allclose(
        mine.std_error.to_numpy(), list(r_case["result"]["se"].values()), rtol=1e-9
    )
    fay = est.total(dscd.replicate("fay", fay_rho=0.3), "alive")
    r_case = next(c for c in CASES if c["id"] == "rscd_fay.total_alive")
    np.testing.assert_allclose(
        fay.std_error.to_numpy(), list(r_case["result"]["se"].values()), rtol=1e-9
    )


def test_every_case_is_run():
    assert len(CASES) == 94
