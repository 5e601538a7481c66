"""Every case of R survey's lonely_psu.json (survey.lonely.psu / survey.adjust.domain.lonely).

Provenance: tests/reference/r_survey/README.md. Cases where R stops ("fail") must raise a
``SingletonPSUError`` (a ``DGIError``) naming the stratum.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _r_survey as R

from dgi_stats.exceptions import SingletonPSUError

CASES = R.load_json("lonely_psu")["cases"]

pytestmark = pytest.mark.reference


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_lonely_psu_case(case):
    d = R.design("lonely_psu", case["design"], case.get("options"))
    if case.get("error"):
        stratum = case["error"].split("(")[1].split(")")[0]
        with pytest.raises(SingletonPSUError, match=rf"Stratum \({stratum}\) has only one PSU"):
            R.run_call(d, case["call"], case["design"])
        return
    if case.get("warnings"):
        stratum = case["warnings"][0].split("(")[1].split(")")[0]
        with pytest.warns(UserWarning, match=rf"Stratum \({stratum}\) has only one PSU at stage 1"):
            r = R.run_call(d, case["call"], case["design"])
    else:
        r = R.run_call(d, case["call"], case["design"])  # no warning (warnings are errors)
    R.check_case(case, r)


def test_every_case_is_run():
    assert len(CASES) == 54
