"""The report's tables and banners as a reader sees them, in English or Vietnamese.

:func:`display_table` turns a table of :mod:`dgi_stats.report.tables` (or of a result's
``to_frame()``) into HTML: human headers in the report's language, no index, numbers rounded for
reading, wide tables split, rankings sorted by rank and the columns that need it explained under
the table. :func:`data_banner` flags SYNTHETIC data wherever results are shown.

IPython is imported inside the functions that build its display objects: it is an optional
dependency (the ``notebooks`` extra), needed only in a notebook.
"""

from __future__ import annotations

import html as _html
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from dgi_stats.report._common import design_name, is_dimension, measure_label
from dgi_stats.report.templates import labels

if TYPE_CHECKING:  # pragma: no cover
    from IPython.display import HTML

__all__ = ["data_banner", "display_table"]

_BANNER = (
    '<div style="border:3px solid #000;padding:0.6em 1em;margin:0.5em 0;background:#fff3cd;'
    'font-weight:bold">{text}</div>'
)
_TABLE_CSS = (
    "<style>"
    "table.dgi-table{border-collapse:collapse;margin:0.3em 0 0.6em;font-size:13px;max-width:100%;"
    "table-layout:auto}"
    "table.dgi-table th,table.dgi-table td{border-bottom:1px solid #ccc;padding:3px 7px;"
    "vertical-align:top;white-space:nowrap;text-align:right}"
    "table.dgi-table th{font-weight:bold;background:#f3f3f3;text-align:left}"
    "table.dgi-table td.dgi-text{text-align:left;white-space:normal;overflow-wrap:break-word;"
    "min-width:6em;max-width:30em}"
    "table.dgi-table th{white-space:normal;max-width:14em}"
    "div.dgi-notes{font-size:12px;margin:0 0 1em}"
    "</style>"
)
_P_COLUMNS = frozenset({"score_change_pvalue", "score_change_pvalue_holm", "pvalue", "p_top_1",
                        "p_top_3", "p_rank_1", "power", "power_se", "power_rank", "power_score"})
_INT_COLUMNS = frozenset({"rank", "rank_before", "rank_after", "places_gained", "lower", "nominal",
                          "median", "respondents", "communes", "villages", "adults", "bytes",
                          "year", "dont_know", "refused", "blank", "not_applicable", "answered",
                          "band"})


def data_banner(synthetic: bool, *, what: str | None = None, lang: str = "en") -> HTML:
    """A banner for the report: SYNTHETIC data are flagged in bold wherever they are used.

    Parameters
    ----------
    synthetic : bool
        True when the data are the bundled synthetic survey.
    what : str, optional
        What the banner is about. default: "survey" (in ``lang``).
    lang : {"en", "vi"}
        Language. default: "en".

    Returns
    -------
    IPython.display.HTML
        Displayed as the cell's output (plain text in a terminal).

    Examples
    --------
    >>> "SYNTHETIC" in data_banner(True).data
    True
    """
    from IPython.display import HTML  # optional dependency (the notebooks extra)

    what = what if what is not None else labels.pick(labels.PHRASES["survey"], lang)
    key = "banner_synthetic" if synthetic else "banner_file"
    text = labels.pick(labels.PHRASES[key], lang).format(what=what)
    return HTML(_BANNER.format(text=text))


def _header(column: Any, lang: str) -> str:
    name = str(column)
    if name in labels.HEADERS:
        return labels.pick(labels.HEADERS[name], lang)
    if is_dimension(name):
        return measure_label(name, lang)
    if " / " in name:  # a weighting scenario "<scheme> / <aggregation>"
        parts = name.split(" / ")
        names = labels.SCENARIO_VI if lang == "vi" else labels.SCENARIO_EN
        return " / ".join(names.get(p, p) for p in parts)
    if lang == "vi":
        return labels.SCENARIO_VI.get(name, name.replace("_", " "))
    return name.replace("_", " ")


def _cell(value: Any, column: str, lang: str) -> tuple[str, bool]:
    """(text, is_text) of one table cell: numbers rounded for reading, booleans as yes/no."""
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return "–", False
    if isinstance(value, bool | np.bool_):
        return labels.pick(labels.PHRASES["yes" if value else "no"], lang), True
    if isinstance(value, int | np.integer):
        return f"{int(value):,}" if column not in ("year",) else str(int(value)), False
    if isinstance(value, float | np.floating):
        x = float(value)
        if column in _INT_COLUMNS and x.is_integer():
            return f"{int(x):,}" if column != "year" else str(int(x)), False
        if column in _P_COLUMNS:
            return ("< 0.001" if 0 < x < 0.001 else f"{x:.3f}"), False
        if abs(x) >= 1000:
            return f"{x:,.0f}", False
        return f"{x:.2f}", False
    text = str(value)
    text = (labels.VALUES_VI if lang == "vi" else labels.VALUES_EN).get(text, text)
    return _html.escape(text), True


def _html_table(frame: pd.DataFrame, lang: str, *, two_lines: bool = False) -> str:
    head = "".join(f"<th>{_html.escape(_header(c, lang))}</th>" for c in frame.columns)
    rows = []
    for values in frame.itertuples(index=False, name=None):
        cells = []
        for col, value in zip(frame.columns, values, strict=True):
            text, is_text = _cell(value, str(col), lang)
            if two_lines and " [" in text:
                text = text.replace(" [", "<br>[")
                is_text = False
            cls = ' class="dgi-text"' if is_text else ""
            cells.append(f"<td{cls}>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<table class="dgi-table"><thead><tr>{head}</tr></thead><tbody>'
            + "".join(rows) + "</tbody></table>")


def _with_index(frame: pd.DataFrame, default: str) -> pd.DataFrame:
    if isinstance(frame.index, pd.RangeIndex) and frame.index.name is None:
        return frame.reset_index(drop=True)
    names = [n if n is not None else default for n in frame.index.names]
    out = frame.copy()
    out.index = out.index.set_names(names)
    return out.reset_index()


def _interval(a: Any, b: Any, sep: str = "–") -> str:
    if pd.isna(a) or pd.isna(b):
        return "–"
    fa, fb = float(a), float(b)
    if fa.is_integer() and fb.is_integer():
        return f"{int(fa)}{sep}{int(fb)}"
    return f"{fa:.2f}{sep}{fb:.2f}"


def _translate_check(text: str, lang: str) -> str:
    if lang != "vi":
        return text
    return (text.replace("sum of the 8 dimension scores = total", "tổng điểm 8 lĩnh vực = tổng điểm")
            .replace("total / 80 x 100 = composite %", "tổng điểm / 80 x 100 = chỉ số tổng hợp %")
            .replace("mean of the units: mean total / 80 x 100 = mean composite %",
                     "trung bình các đơn vị: tổng điểm trung bình / 80 x 100 = chỉ số tổng hợp "
                     "trung bình %"))


def _table_parts(frame: pd.DataFrame, kind: str | None, lang: str) -> list[pd.DataFrame]:
    """The frame(s) to show for a table ``kind``: index made a column, columns combined or split so
    that each table fits the page, rows sorted by rank wherever there is a rank."""
    df = _with_index(frame, "indicator" if kind == "nonresponse" else "unit")
    if kind == "published":
        df = df.copy()
        df["measure"] = [
            measure_label(m, lang) if is_dimension(m)
            else labels.pick(labels.PUBLISHED_MEASURES[m], lang) if m in labels.PUBLISHED_MEASURES
            else m
            for m in df["measure"].astype(str)
        ]
        df["rank"] = df["rank"].astype("Int64")
        df = df.sort_values(["year", "rank", "unit"], kind="stable", na_position="last")
    elif kind == "arithmetic":
        df = df.assign(check=[_translate_check(str(c), lang) for c in df["check"]])
    elif kind == "results":
        measures = [c for c in df.columns if c != "unit"]
        return [df[["unit", *measures[i:i + 4]]] for i in range(0, len(measures), 4)]
    elif kind == "ranks":
        df = df.assign(
            marginal_set=[_interval(a, b) for a, b in zip(df["marginal_lower"], df["marginal_upper"],
                                                           strict=True)],
            simultaneous_set=[_interval(a, b) for a, b in
                              zip(df["simultaneous_lower"], df["simultaneous_upper"], strict=True)],
        ).sort_values("rank", kind="stable")
        keep = ["unit", "total", "std_error", "rank", "marginal_set", "simultaneous_set"]
        df = df[keep + [c for c in df.columns if c.startswith("p_") or c == "band"]]
    elif kind == "best":
        df = df.sort_values("rank", kind="stable")
    elif kind == "change":
        df = df.sort_values("rank_after", kind="stable")
        score = df[["unit", "score_before", "score_after"]].assign(
            score_change=[
                f"{c:+.2f} [{lo:+.2f}, {hi:+.2f}]" for c, lo, hi in
                zip(df["score_change"], df["score_change_ci_low"], df["score_change_ci_high"],
                    strict=True)
            ],
        )
        for col in ("score_change_pvalue", "score_change_pvalue_holm"):
            if col in df.columns:
                score[col] = df[col]
        rank = df[["unit", "rank_before", "rank_after", "places_gained"]].assign(
            places_gained_bounds=[_interval(a, b, " to " if lang == "en" else " đến ")
                                  for a, b in zip(df["places_gained_lower"],
                                                  df["places_gained_upper"], strict=True)],
        )
        if "pvalue" in df.columns:
            rank["pvalue"] = df["pvalue"]
        return [score, rank]
    elif kind == "scenarios":
        df = df.sort_values(df.columns[1], kind="stable")
    elif kind == "uncertainty":
        df = df.assign(band_5_95=[_interval(a, b) for a, b in zip(df["q5"], df["q95"], strict=True)])
        df = df[["unit", "nominal", "median", "band_5_95", "mean", "nominal_score"]]
        df = df.sort_values("nominal", kind="stable")
    elif kind == "summary":
        if "total_ci" in df.columns:
            df = df.assign(total_ci=[f"{a:.2f} {b}" for a, b in zip(df["total"], df["total_ci"],
                                                                     strict=True)])
            df = df.drop(columns="total")
        df = df.rename(columns={"score_change": "score_change_point"})
        df = df.sort_values("rank", kind="stable")
    elif kind == "power" and "design" in df.columns:
        df = df.assign(design=[design_name(str(d), lang) for d in df["design"]])
    elif kind == "planning":
        df = df.assign(sample_size_factor=[f"{float(k):g}×" for k in df["sample_size_factor"]])
    return [df]


def display_table(frame: pd.DataFrame | None, lang: str = "en", *, kind: str | None = None) -> HTML:
    """A report table as a reader sees it: human headers in ``lang``, no index, rounded numbers.

    The columns that need one are explained under the table. Wide tables are split (the results
    of 8 dimensions, total and composite in tables of 4 measures; the change table into a score
    and a rank part), rankings are sorted by rank, and text is never truncated.

    Parameters
    ----------
    frame : DataFrame or None
        A table of this module (None shows nothing).
    lang : {"en", "vi"}
        Language of headers and notes. default: "en".
    kind : str, optional
        Which table it is ("published", "arithmetic", "results", "ranks", "best", "change",
        "scenarios", "uncertainty", "summary", "planning", "power", "nonresponse"), for its layout.

    Returns
    -------
    IPython.display.HTML

    Examples
    --------
    >>> import pandas as pd
    >>> t = display_table(pd.DataFrame({"weight_sum_before": [1.5]}, index=pd.Index(["Cô Tô"], name="unit")))
    >>> "<th>Weight total, before raking</th>" in t.data
    True
    """
    from IPython.display import HTML  # optional dependency (the notebooks extra)

    lang = labels.check_lang(lang)
    if frame is None:
        return HTML("")
    parts = _table_parts(frame, kind, lang)
    html = [_TABLE_CSS]
    explained: list[str] = []
    for part in parts:
        html.append(_html_table(part, lang, two_lines=kind == "results"))
        explained += [str(c) for c in part.columns if str(c) in labels.NOTES and str(c) not in explained]
    if explained:
        items = " ".join(
            f"<b>{_html.escape(_header(c, lang))}</b>: {_html.escape(labels.pick(labels.NOTES[c], lang))}"
            for c in explained
        )
        html.append(f'<div class="dgi-notes">{_html.escape(labels.pick(labels.PHRASES["notes"], lang))}. '
                    f"{items}</div>")
    return HTML("".join(html))
