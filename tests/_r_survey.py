"""Helpers for the R ``survey`` reference tests: read the fixtures, build designs, run calls.

Fixtures live in ``tests/reference/r_survey`` (see the README there for provenance). Every case of
the JSON files holds the exact R call; :func:`run_call` translates the handful of call patterns used
there into dgi_stats calls, and :func:`check_case` compares every number R reported.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dgi_stats.survey import estimators as est
from dgi_stats.survey.design import SurveyDesign

REF = Path(__file__).resolve().parent / "reference" / "r_survey"
DATA = REF / "data"
_CI = ["ci_low", "ci_high"]
RTOL = 1e-9
ATOL = 1e-12

API_FACTORS = {
    "stype": ["E", "H", "M"],
    "sch.wide": ["No", "Yes"],
    "comp.imp": ["No", "Yes"],
    "both": ["No", "Yes"],
    "awards": ["No", "Yes"],
    "yr.rnd": ["No", "Yes"],
}
NHANES_AGECAT = ["(0,19]", "(19,39]", "(39,59]", "(59,Inf]"]


@cache
def load_json(name: str) -> dict[str, Any]:
    return json.loads((REF / f"{name}.json").read_text(encoding="utf-8"))


@cache
def dataset(name: str) -> pd.DataFrame:
    if name.startswith("api"):
        df = pd.read_csv(DATA / f"{name}.csv", dtype={"cds": str})
        for col, levels in API_FACTORS.items():
            if col in df.columns:
                df[col] = pd.Categorical(df[col], categories=levels)
        return df
    if name == "nhanes":
        df = pd.read_csv(DATA / "nhanes.csv")
        df["agecat"] = pd.Categorical(df["agecat"], categories=NHANES_AGECAT)
        return df
    if name == "lonely_strat":
        s = dataset("apistrat")
        return pd.concat([s[s["stype"] != "H"], s[s["stype"] == "H"].iloc[[0]]], ignore_index=True)
    if name == "nhanes_lonely":
        n = dataset("nhanes")
        return n[~((n["SDMVSTRA"] == 83) & (n["SDMVPSU"] == 2))].reset_index(drop=True)
    if name == "synthetic_dgi":
        df = pd.read_csv(DATA / "synthetic_dgi_respondents.csv")
        df["age_group"] = pd.Categorical(
            df["age_group"], categories=["18-29", "30-44", "45-59", "60+"]
        )
        return df
    return pd.read_csv(DATA / f"{name}.csv")


def _taylor(name: str, **opts: Any) -> SurveyDesign:
    api = dataset
    table: dict[str, Any] = {
        "dsrs": lambda: SurveyDesign(api("apisrs"), fpc="fpc"),
        "dsrs_nofpc": lambda: SurveyDesign(api("apisrs"), weights="pw"),
        "dstrat": lambda: SurveyDesign(api("apistrat"), strata="stype", weights="pw", fpc="fpc"),
        "dstrat_nofpc": lambda: SurveyDesign(api("apistrat"), strata="stype", weights="pw"),
        "dclus1": lambda: SurveyDesign(api("apiclus1"), psu="dnum", weights="pw", fpc="fpc"),
        "dclus1_nofpc": lambda: SurveyDesign(api("apiclus1"), psu="dnum", weights="pw"),
        "dclus2": lambda: SurveyDesign(
            api("apiclus2"), psu="dnum", ssu="snum", fpc=["fpc1", "fpc2"], **opts
        ),
        "dclus2_nofpc": lambda: SurveyDesign(api("apiclus2"), psu="dnum", ssu="snum", weights="pw"),
        "dmu284": lambda: SurveyDesign(
            api("mu284"), psu="id1", ssu="id2", fpc=["n1", "n2"], **opts
        ),
        "dfpc": lambda: SurveyDesign(
            api("fpc"), weights="weight", psu="psuid", strata="stratid", fpc="Nh", nest=True
        ),
        "dfpc_nofpc": lambda: SurveyDesign(
            api("fpc"), weights="weight", psu="psuid", strata="stratid", nest=True
        ),
        "dnhanes": lambda: SurveyDesign(
            api("nhanes"), psu="SDMVPSU", strata="SDMVSTRA", weights="WTMEC2YR", nest=True
        ),
        "dscd": lambda: SurveyDesign(api("scd"), psu="ambulance", strata="ESA", nest=True),
        "dlonely": lambda: SurveyDesign(api("lonely_strat"), strata="stype", weights="pw", **opts),
        "dlonely_fpc": lambda: SurveyDesign(
            api("lonely_strat"), strata="stype", weights="pw", fpc="fpc", **opts
        ),
        "dnh_lonely": lambda: SurveyDesign(
            api("nhanes_lonely"),
            psu="SDMVPSU",
            strata="SDMVSTRA",
            weights="WTMEC2YR",
            nest=True,
            **opts,
        ),
        "ddgi": lambda: SurveyDesign(
            api("synthetic_dgi"),
            psu="commune_id",
            strata="district",
            weights="design_weight",
            nest=True,
            **opts,
        ),
    }
    return table[name]()


def _factors_design(name: str, base: SurveyDesign, info: dict[str, Any]) -> SurveyDesign:
    """A replicate design from R's exported replicate weights (row-level or PSU-level)."""
    reps = info["replicates"]
    rtype = reps["type"].lower()
    rscales = np.asarray(reps["rscales"], dtype=float)
    if info.get("psu_factors_file"):
        f = pd.read_csv(REF / "repweights" / Path(info["psu_factors_file"]).name)
        rep_cols = [c for c in f.columns if c.startswith("rep_")]
        keys = [c for c in f.columns if not c.startswith("rep_")]
        merged = base.data[keys].merge(f, on=keys, how="left", validate="many_to_one")
        assert not merged[rep_cols].isna().any().any()
        rw = merged[rep_cols].to_numpy(dtype=float) * base.weights[:, None]
    else:
        f = pd.read_csv(REF / "repweights" / Path(info["weights_file"]).name)
        rep_cols = [c for c in f.columns if c.startswith("rep_")]
        order = f["row"].to_numpy() - 1
        rw = np.empty((base.n, len(rep_cols)))
        rw[order] = f[rep_cols].to_numpy(dtype=float)
        assert np.allclose(f["weight"].to_numpy(), base.weights[order], rtol=1e-12)
    return SurveyDesign.from_replicate_weights(
        base.data,
        weights=base.weights,
        replicate_weights=rw,
        method={
            "jk1": "jk1",
            "jkn": "jkn",
            "bootstrap": "bootstrap",
            "subbootstrap": "subbootstrap",
            "brr": "brr",
            "fay": "fay",
        }.get(rtype, "other"),
        scale=float(reps["scale"]),
        rscales=rscales,
        mse=bool(reps["mse"]),
    )


REPLICATE_BASE = {
    "rclus1_jk1": "dclus1",
    "rclus1_jk1_nofpc": "dclus1_nofpc",
    "rclus1_jk1_mse": "dclus1",
    "rstrat_jkn": "dstrat",
    "rstrat_jkn_nofpc": "dstrat_nofpc",
    "rclus2_jk1": "dclus2_nofpc",
    "rclus1_boot": "dclus1_nofpc",
    "rclus1_boot_fpc": "dclus1",
    "rstrat_boot": "dstrat_nofpc",
    "rstrat_subboot": "dstrat_nofpc",
    "rscd_brr": "dscd",
    "rscd_fay": "dscd",
    "rscd_ll": "dscd",
    "rnhanes_jkn": "dnhanes",
    "rnhanes_brr": "dnhanes",
}

# replicate designs whose weights R builds deterministically: we rebuild them ourselves
REBUILD = {
    "rclus1_jk1": ("jk1", {}),
    "rclus1_jk1_nofpc": ("jk1", {}),
    "rclus1_jk1_mse": ("jk1", {"mse": True}),
    "rstrat_jkn": ("jkn", {}),
    "rstrat_jkn_nofpc": ("jkn", {}),
    "rclus2_jk1": ("jk1", {}),
    "rnhanes_jkn": ("jkn", {}),
}


def design(
    group: str, name: str, options: dict[str, Any] | None = None, *, rebuild: bool = True
) -> SurveyDesign:
    """The design of a JSON case (cached: designs are immutable)."""
    key = tuple(sorted((options or {}).items()))
    return _design(group, name, key, rebuild)


@cache
def _design(group: str, name: str, key: tuple[tuple[str, Any], ...], rebuild: bool) -> SurveyDesign:
    options = dict(key)
    opts: dict[str, Any] = {}
    if "survey.lonely.psu" in options:
        opts["lonely_psu"] = options["survey.lonely.psu"]
    if options.get("survey.adjust.domain.lonely"):
        opts["adjust_domain_lonely"] = True
    if options.get("survey.ultimate.cluster"):
        opts["ultimate_cluster"] = True
    if name in REPLICATE_BASE:
        base = _taylor(REPLICATE_BASE[name])
        info = load_json(group)["designs"][name]
        if rebuild and name in REBUILD:
            method, kw = REBUILD[name]
            return base.replicate(method, **kw)
        if name == "rclus1_jk1_mse":
            return base.replicate("jk1", mse=True)
        return _factors_design(name, base, info)
    return _taylor(name, **opts)


# ------------------------------------------------------------------ running calls
def _subset(d: SurveyDesign, expr: str) -> np.ndarray:
    data = d.data
    expr = expr.strip()
    if expr == 'stype == "E"':
        return (data["stype"] == "E").to_numpy(dtype=bool)
    if expr == 'stype %in% c("E", "M")':
        return data["stype"].isin(["E", "M"]).to_numpy(dtype=bool)
    if expr == 'ethnicity == "other" & age_group == "60+"':
        return ((data["ethnicity"] == "other") & (data["age_group"] == "60+")).to_numpy(dtype=bool)
    raise NotImplementedError(expr)


def _vars(formula: str) -> list[str]:
    return [v.strip() for v in formula.strip().lstrip("~").split("+")]


def run_call(d: SurveyDesign, call: str, design_name: str) -> Any:
    """Run one R call pattern (with the design's name) in dgi_stats."""
    c = call.replace(design_name, "DES")
    kw: dict[str, Any] = {}
    if "na.rm = TRUE" in c:
        kw["na_rm"] = True
    if 'deff = "replace"' in c:
        kw["deff"] = "replace"
    elif "deff = TRUE" in c:
        kw["deff"] = True
    for cond in (
        'stype == "E"',
        'stype %in% c("E", "M")',
        'ethnicity == "other" & age_group == "60+"',
    ):
        if f"subset(DES, {cond})" in c:
            kw["domain"] = _subset(d, cond)
    if c.startswith("svycontrast("):
        inner = est.mean(d, "api00", by="stype")
        return est.contrast(inner, {"E": 1, "H": 0, "M": -1})
    if c.startswith("svyby("):
        m = re.match(r"svyby\((~[^,]+), (~[^,]+), ", c)
        assert m
        y, by = _vars(m.group(1)), _vars(m.group(2))
        by_arg: Any = by[0] if len(by) == 1 else by
        if "svyratio" in c:
            den = re.search(r"denominator = (~[\w.]+)", c)
            assert den
            kw.pop("deff", None)
            return est.ratio(d, y, _vars(den.group(1)), by=by_arg, **kw)
        func = est.mean if "svymean" in c else est.total
        return func(d, y, by=by_arg, **kw)
    m = re.match(r"(svymean|svytotal|svyvar)\((~[^,]+), ", c)
    if m:
        fn, y = m.group(1), _vars(m.group(2))
        if fn == "svyvar":
            kw.pop("deff", None)
            return est.var(d, y, **kw)
        return (est.mean if fn == "svymean" else est.total)(d, y, **kw)
    m = re.match(r"svyratio\((~[\w.]+), (~[\w.]+), ", c)
    if m:
        return est.ratio(d, _vars(m.group(1)), _vars(m.group(2)), **kw)
    m = re.match(
        r"svyquantile\((~[\w.]+), DES, quantiles = (c\(([^)]*)\)|[\d.]+), ci = TRUE(.*)\)$", c
    )
    if m:
        qs = [float(v) for v in (m.group(3) or m.group(2)).split(",")]
        rest = m.group(4)
        rest = rest.strip(", ")
        if rest == "df = Inf":
            kw["df"] = np.inf
        elif rest:
            mm = re.fullmatch(r'(interval\.type|qrule) = "(\w+)"', rest)
            if not mm:
                raise NotImplementedError(rest)
            if mm.group(1) == "qrule":
                kw["qrule"] = mm.group(2)
            else:
                kw["interval"] = {"quantile": "replicate"}.get(mm.group(2), mm.group(2))
        return est.quantile(d, _vars(m.group(1)), qs, **kw)
    m = re.match(r"svyciprop\(~(.*), DES, method = \"(\w+)\"", c)
    if m:
        var = m.group(1)
        if var == 'I(sch.wide == "Yes")':
            d = d.with_data_column("flag", (d.data["sch.wide"] == "Yes").to_numpy())
            var = "flag"
        return est.ciprop(d, var, method=m.group(2), **kw)
    m = re.match(r"svyttest\((\w+) ~ (.*), (DES|subset\(DES, .*\))\)$", c)
    if m:
        y, grp = m.group(1), m.group(2)
        if grp == 'I(stype == "M")':
            by = "_grp"
            d = d.with_data_column(by, (d.data["stype"] == "M").to_numpy())
        elif grp == "factor(RIAGENDR)":
            by = "RIAGENDR"
        else:
            by = grp
        return est.ttest(d, y, by, **kw)
    raise NotImplementedError(call)


# ------------------------------------------------------------------ comparisons
def close(
    actual: Any, expected: Any, what: str, call: str, rtol: float = RTOL, atol: float = ATOL
) -> None:
    a = np.asarray(actual, dtype=float)
    e = np.asarray(expected, dtype=float)
    np.testing.assert_allclose(
        a, e, rtol=rtol, atol=atol, err_msg=f"{what} differs from R for {call}"
    )


def matrix(m: dict[str, Any]) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in row] for row in m["values"]], dtype=float)


UNSUPPORTED: dict[str, str] = {}


def unsupported(call: str) -> str | None:
    for key, why in UNSUPPORTED.items():
        if key in call:
            return why
    return None


def _ci(est_: np.ndarray, se: np.ndarray, crit: float) -> np.ndarray:
    return np.column_stack([est_ - crit * se, est_ + crit * se])


def check_case(case: dict[str, Any], r: Any) -> None:
    """Compare every number R recorded for ``case`` with the dgi_stats result ``r``."""
    from scipy import stats

    call = f"{case['id']}: {case['call']}"
    res = case["result"]
    if "by_variable" in res:  # quantiles
        ((_var, q),) = res["by_variable"].items()
        close(r.estimate.to_numpy(), q["quantile"], "quantile", call)
        ci = r.confidence_interval()
        close(ci["ci_low"].to_numpy(), q["ci_lower"], "ci_lower", call)
        close(ci["ci_high"].to_numpy(), q["ci_upper"], "ci_upper", call)
        close(r.std_error.to_numpy(), q["se"], "se", call)
        dfu = res.get("df_used_for_ci_and_se")
        if dfu is not None and "df = Inf" not in case["call"]:
            close(r.df.to_numpy(), np.full(len(q["p"]), float(dfu)), "df", call)
        return
    if "p_value" in res:  # svyttest
        close(r.estimate, res["estimate"], "estimate", call)
        close(r.statistic, res["statistic"], "t statistic", call)
        close(r.df, res["df"], "df", call)
        close(r.pvalue, res["p_value"], "p value", call)
        close(r.confidence_interval(0.95), res["conf_int_95"], "conf.int", call)
        return
    if "ci_95" in res:  # svyciprop
        logit = 'method = "logit"' in case["call"]
        # R's logit interval comes from svyglm's IRLS fit (converged to ~1e-9): compare at 1e-8
        tol = 1e-8 if logit else RTOL
        close(r.estimate, res["estimate"], "estimate", call, rtol=tol)
        close(r.std_error, res["se"], "se", call)
        close([r.low, r.high], res["ci_95"], "ci_95", call, rtol=tol)
        return
    # svystat-like results: mean, total, var, ratio, contrast, svyby
    if "ratio" in res and isinstance(res["ratio"], dict) and "values" in res["ratio"]:
        close(r.estimate.to_numpy(), matrix(res["ratio"]).ravel(), "ratio", call)
        close(r.std_error.to_numpy(), matrix(res["se"]).ravel(), "se", call)
        close(np.diag(r.cov.to_numpy()), matrix(res["var"]).ravel(), "var", call)
    else:
        close(
            r.estimate.to_numpy(),
            [np.nan if v is None else v for v in res["estimate"].values()],
            "estimate",
            call,
        )
        close(
            r.std_error.to_numpy(),
            [np.nan if v is None else v for v in res["se"].values()],
            "se",
            call,
        )
    if "vcov" in res:
        close(r.cov.to_numpy(), matrix(res["vcov"]), "vcov", call)
    if "deff" in res:
        dv = (
            matrix(res["deff"]).ravel()
            if isinstance(res["deff"], dict) and "values" in res["deff"]
            else [np.nan if v is None else v for v in res["deff"].values()]
        )
        assert r.design_effect is not None, f"no design effect for {call}"
        # R computes deff through svyvar; the ratio's deff through svytotal of the linearised variable
        close(r.design_effect.to_numpy(), dv, "deff", call, rtol=1e-8)
    df = float(res["df"])
    assert r.design_df == df, f"design df {r.design_df} != R's degf {df} for {call}"
    est_ = r.estimate.to_numpy()
    se = r.std_error.to_numpy()
    close(
        r.confidence_interval(method="normal")[_CI].to_numpy(),
        matrix(res["ci_normal_95"]),
        "ci_normal_95",
        call,
    )
    close(
        r.confidence_interval(method="t", df=df)[_CI].to_numpy(), matrix(res["ci_t_95"]), "ci_t_95",
        call,
    )
    close(_ci(est_, se, stats.t.ppf(0.975, df)), matrix(res["ci_t_95"]), "ci_t_95 (formula)", call)
    if "df_domain" in res:
        close(r.df.to_numpy(), list(res["df_domain"].values()), "per-domain df", call)
        close(
            r.confidence_interval(method="t")[_CI].to_numpy(),
            matrix(res["ci_t_95_domain_df"]),
            "ci_t_95_domain_df",
            call,
        )
    reps = case.get("replicate_estimates")
    if reps is not None and getattr(r, "replicate_estimates", None) is not None:
        close(r.replicate_estimates.to_numpy(), matrix(reps), "replicate estimates", call)
