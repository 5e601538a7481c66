"""Every case of R survey's linearization.json (Taylor linearisation) reproduced to rtol 1e-9.

Provenance: tests/reference/r_survey/README.md (R 4.2.2, survey 4.1-1, survey_reference.R); the
R call of each case is its test id's case and is printed in every assertion message.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _r_survey as R

from dgi_stats.exceptions import DGIError

CASES = R.load_json("linearization")["cases"]

pytestmark = pytest.mark.reference


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_linearization_case(case):
    why = R.unsupported(case["call"])
    if why:
        pytest.xfail(why)
    d = R.design("linearization", case["design"], case.get("options"))
    before = d.data.copy()
    if case.get("error"):
        with pytest.raises(DGIError):
            R.run_call(d, case["call"], case["design"])
        return
    r = R.run_call(d, case["call"], case["design"])
    R.check_case(case, r)
    assert d.data.equals(before), "the design's data was modified"


def test_every_case_is_run():
    assert len(CASES) == 146
