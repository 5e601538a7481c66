"""Real published DGI and PAPI figures (``published.csv``), one row per figure, with its source.

Nothing in this file is estimated, simulated or guessed. Where a figure is unknown it is absent; the
one exception is an explicit "NOT FOUND" row for the 2022 DGI winner (unit and value empty), so that
the gap is visible rather than silent.
"""

from __future__ import annotations

from importlib.resources import files

import pandas as pd

__all__ = ["load_published"]

_COLUMNS = ["index", "year", "unit", "measure", "value", "rank", "n_units", "source", "note"]


def load_published() -> pd.DataFrame:
    """Return every published DGI and PAPI figure bundled with dgi_stats.

    Returns
    -------
    pandas.DataFrame
        One row per figure, columns:

        ``index``
            ``"DGI"`` or ``"PAPI"``.
        ``year``
            Survey year the figure refers to (int).
        ``unit``
            Canonical unit name (``"Uông Bí"``, ``"Quảng Ninh"``); missing (NA) for means over all
            units and for the 2022 DGI winner, which was not found.
        ``measure``
            A dimension id (``"d1_participation"`` ...), ``"total"``, ``"composite"`` (%),
            ``"rank"``, ``"rank_change"`` (ranks moved up), ``"dimensions_above_mean"``,
            ``"mean_total"``, ``"mean_composite"``, ``"mean_total_change"``.
        ``value``
            The figure as published (float; NaN only on the NOT FOUND row).
        ``rank``
            The published rank on ``"rank"`` rows (``Int64``, 1 = best), NA elsewhere.
        ``n_units``
            Number of units the index covered that year (13 for the DGI, 63 for PAPI).
        ``source``
            The address or article the figure comes from.
        ``note``
            Context (scale, how a figure was derived, known discrepancies).

    Notes
    -----
    Uông Bí's 2020 rank 6 is *implied* by the 2021 article ("up 5 ranks" to 1st) and noted as such.
    Quảng Ninh's PAPI 2020 total is 48.811 (news.gov.vn); some agency reports print 48.881.

    Examples
    --------
    >>> pub = load_published()
    >>> ub = pub.query("index == 'DGI' and year == 2021 and unit == 'Uông Bí'")
    >>> float(ub.set_index("measure").loc["total", "value"])
    75.24
    >>> sorted(pub["index"].unique())
    ['DGI', 'PAPI']
    """
    path = files("dgi_stats.datasets").joinpath("published.csv")
    with path.open("r", encoding="utf-8") as f:
        frame = pd.read_csv(
            f,
            comment="#",
            dtype={
                "index": "string",
                "unit": "string",
                "measure": "string",
                "source": "string",
                "note": "string",
            },
            keep_default_na=False,
            na_values={"value": [""], "rank": [""], "n_units": [""], "unit": [""]},
        )
    frame["year"] = frame["year"].astype("int64")
    frame["value"] = frame["value"].astype(float)
    frame["rank"] = frame["rank"].astype("Int64")
    frame["n_units"] = frame["n_units"].astype("Int64")
    return frame[_COLUMNS]
