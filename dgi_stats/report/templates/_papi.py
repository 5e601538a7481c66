"""Cells of the PAPI case-study notebook: how provincial ranks depend on the weighting scheme."""

from __future__ import annotations

Cell = tuple[str, str, tuple[str, ...]]

INTRO = """
# PAPI 2011–2016: how much do provincial ranks depend on the weights?

PAPI, the Provincial Governance and Public Administration Performance Index (UNDP, CECODES,
VFF-CRT, RTA), is the national parent of the DGI. From 2011 to 2016 it scored all 63 provinces on
six dimensions, each from 1 to 10. The total is their plain sum, so every dimension has the same
weight. This notebook uses the **real, official** provincial scores, read from the PAPI team's
workbook `PAPI_2011-2016.xlsx`. It asks how each province's rank, and Quảng Ninh's in particular,
would change under other reasonable weighting schemes and under geometric aggregation, and how
wide the rank band is when the weights vary.

The workbook is not bundled with dgi_stats. Set `papi_path` to your copy. By default the notebook
looks for `shared/data/papi/PAPI_2011-2016.xlsx` beside the repository. When the file is absent
the notebook says so and stops cleanly: it skips every analysis cell and raises no error.

Every number below comes from a `dgi_stats` call. The notebook only narrates.
"""

PARAMETERS = """
# Parameters (papermill replaces this cell's values; literals only)
papi_path = None  # None: look for shared/data/papi/PAPI_2011-2016.xlsx beside the repository
province = "Quảng Ninh"
output_dir = "reports/papi"
n_runs = 2000
seed = 20240101
"""

LOAD = """
from pathlib import Path

import pandas as pd
from IPython.display import Markdown, display

from dgi_stats import composite, plots, report
from dgi_stats.datasets._papi import load_papi

pd.set_option("display.precision", 3)
pd.set_option("display.width", 160)
Path(output_dir).mkdir(parents=True, exist_ok=True)
display(report.package_versions())
papi_file = report.find_papi_file(papi_path)
if papi_file is None:
    papi = None
    display(Markdown(
        "**The PAPI 2011–2016 workbook was not found**"
        + (f" at `{papi_path}`" if papi_path else " (shared/data/papi/ beside the repository)")
        + ". The rest of this notebook is skipped. Set `papi_path` to the file to run it."
    ))
else:
    papi = load_papi(papi_file)
    display(report.file_provenance({"papi": papi_file}))
    display(Markdown(f"Read {papi['province'].nunique()} provinces, years "
                     f"{', '.join(map(str, sorted(papi['year'].unique())))} (REAL published data)."))
"""

CHECK_MD = """
## 1. The published totals are the plain sum of the dimensions

Before changing the weights, check the rule that the workbook follows: a province's total equals
the sum of its six dimension scores. The table shows the largest absolute difference for each year.
"""

CHECK_CODE = """
if papi is not None:
    display(report.papi_total_check(papi))
"""

SCHEMES_MD = """
## 2. The province's rank under other weighting schemes

In each year all provinces are ranked under three weighting schemes, each with arithmetic and with
geometric aggregation. The schemes are:

- **equal** weights: the published rule;
- **factor analysis** weights: the OECD/JRC Handbook's varimax recipe, which gives more weight to
  dimensions that carry common information;
- **benefit of the doubt**: each province gets its own most favourable weights, with the ratio of
  any two weights bounded by 2.

The table gives the province's rank in each scenario (1 = best).
"""

SCHEMES_CODE = """
if papi is not None:
    display(report.papi_scheme_ranks(papi, province))
"""

UA_MD = """
## 3. Rank bands when the weights vary (2016)

The weights are drawn ±25 % around equal weights, and the aggregation is arithmetic or geometric.
For every province this gives the median rank with its 5–95 % band (the middle 90 % of the runs,
a descriptive band, not a confidence set). PAPI publishes no standard errors per province in this
workbook, so this band shows the weighting choice alone, not the sampling error.
"""

UA_CODE = """
if papi is not None:
    dims_2016 = report.papi_dimensions(papi, 2016)
    factors = [
        composite.weight_noise_factor(composite.equal_weights(dims_2016), f=0.25, n_sets=200,
                                      rng=seed),
        composite.Factor("aggregation", ["arithmetic", "geometric"]),
    ]
    ua = composite.uncertainty_analysis(dims_2016, factors=factors, n_runs=n_runs, rng=seed)
    display(ua.to_frame().loc[[province]])
    display(report.show_figure(
        plots.uncertainty_band_plot(
            ua.to_frame().sort_values("nominal").head(20),
            title="PAPI 2016, top 20 provinces: median rank and 5–95 % band under weight choices",
        ),
        "papi_2016_uncertainty", output_dir,
    ))
"""


def papi_cells() -> list[Cell]:
    """The cells of the PAPI case-study notebook."""
    return [
        ("markdown", INTRO, ()),
        ("code", PARAMETERS, ("parameters",)),
        ("code", LOAD, ()),
        ("markdown", CHECK_MD, ()),
        ("code", CHECK_CODE, ()),
        ("markdown", SCHEMES_MD, ()),
        ("code", SCHEMES_CODE, ()),
        ("markdown", UA_MD, ()),
        ("code", UA_CODE, ()),
    ]
