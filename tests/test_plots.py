"""Tests of dgi_stats.plots: figures build, read in black and white and render Vietnamese names."""

from __future__ import annotations

import io
import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from dgi_stats import plots
from dgi_stats.exceptions import DGIError
from dgi_stats.scores.pivot import Scores
from dgi_stats.units import UNITS

NAMES = ["Uông Bí", "Đông Triều", "Cẩm Phả", "Ba Chẽ"]
ALL_UNITS = [u.name for u in UNITS]
DIMS = [
    "d1_participation", "d2_transparency", "d3_accountability", "d4_corruption_control",
    "d5_admin_procedures", "d6_public_services", "d7_environment", "d8_e_governance",
]


def _draw(fig: Figure) -> list[str]:
    """Render to PNG and SVG; return the messages of every warning emitted while drawing."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        FigureCanvasAgg(fig).draw()
        fig.savefig(io.BytesIO(), format="svg")
        fig.savefig(io.BytesIO(), format="png")
    return [str(w.message) for w in caught]


def _texts(fig: Figure) -> set[str]:
    out: set[str] = set()
    for ax in fig.axes:
        out |= {t.get_text() for t in ax.get_yticklabels()}
        out |= {t.get_text() for t in ax.texts}
    return out


@pytest.fixture
def rank_sets() -> pd.DataFrame:
    return pd.DataFrame(
        {"unit": NAMES, "estimate": [75.2, 74.1, 74.0, 71.3], "rank": [1, 2, 3, 4],
         "lower": [1, 1, 1, 3], "upper": [2, 3, 3, 4]}
    )


@pytest.fixture
def wide() -> pd.DataFrame:
    rng = np.random.default_rng(20240101)
    return pd.DataFrame(rng.uniform(8, 10, size=(4, 8)), index=NAMES, columns=DIMS)


def test_missing_glyph_check_can_fail() -> None:
    # The glyph check below is meaningful: a character DejaVu Sans lacks does warn.
    fig = plots.rank_interval_plot(
        pd.DataFrame({"unit": ["漢字"], "rank": [1], "lower": [1], "upper": [1]})
    )
    assert any("missing from font" in m for m in _draw(fig))


def test_every_figure_renders_vietnamese_names_without_missing_glyphs(
    rank_sets: pd.DataFrame, wide: pd.DataFrame
) -> None:
    change = pd.DataFrame({"unit": NAMES, "rank_before": [4, 1, 2, 3], "rank_after": [1, 2, 3, 4],
                           "pvalue_adjusted": [0.01, 0.5, 0.7, 0.9]})
    ua = pd.DataFrame({"unit": NAMES, "rank_nominal": [1, 2, 3, 4], "rank_median": [1, 2, 3, 4.0],
                       "rank_q05": [1, 1, 2, 3.0], "rank_q95": [2, 4, 4, 4.0]})
    figures = [
        plots.rank_interval_plot(rank_sets, simultaneous=rank_sets),
        plots.rank_change_plot(change, periods=("2020", "2021")),
        plots.dimension_profile(wide),
        plots.dimension_heatmap(wide),
        plots.uncertainty_band_plot(ua),
    ]
    for fig in figures:
        assert isinstance(fig, Figure)
        messages = _draw(fig)
        assert not [m for m in messages if "missing from font" in m or "Glyph" in m], messages
        legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
        legends += list(fig.legends)
        shown = _texts(fig) | {t.get_text() for leg in legends for t in leg.get_texts()}
        # every name is drawn, with its diacritics (labels may carry a rank prefix)
        for name in NAMES:
            assert any(name in s for s in shown), (name, shown)


def test_figures_use_dejavu_sans(rank_sets: pd.DataFrame) -> None:
    fig = plots.rank_interval_plot(rank_sets)
    label = fig.axes[0].get_yticklabels()[0]
    assert label.get_fontname() == "DejaVu Sans"


def test_rank_interval_plot_orders_by_rank_and_distinguishes_sets_without_colour(
    rank_sets: pd.DataFrame,
) -> None:
    shuffled = rank_sets.iloc[[2, 0, 3, 1]]
    before = shuffled.copy()
    simultaneous = rank_sets.assign(lower=[1, 1, 1, 2], upper=[3, 4, 4, 4])
    fig = plots.rank_interval_plot(shuffled, simultaneous=simultaneous, title="t")
    pd.testing.assert_frame_equal(shuffled, before)  # input not mutated
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == NAMES  # rank 1 at the top
    # marginal and simultaneous sets differ by line style and width, not only colour
    segs = ax.collections
    assert len(segs) == 2
    styles = {(tuple(map(str, c.get_linestyle())), float(c.get_linewidth()[0])) for c in segs}
    assert len(styles) == 2
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels == ["marginal set", "simultaneous set", "observed rank"]


def test_rank_interval_plot_reads_result_objects_and_index_units(rank_sets: pd.DataFrame) -> None:
    class Result:
        def to_frame(self) -> pd.DataFrame:
            return rank_sets.set_index("unit")

    fig = plots.rank_interval_plot(Result())
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == NAMES


def test_rank_interval_plot_bad_input(rank_sets: pd.DataFrame) -> None:
    with pytest.raises(DGIError, match="upper"):
        plots.rank_interval_plot(rank_sets.drop(columns="upper"))
    with pytest.raises(DGIError, match="outside its interval"):
        plots.rank_interval_plot(rank_sets.assign(lower=[2, 1, 1, 3]))
    with pytest.raises(DGIError, match="Ba Chẽ"):
        plots.rank_interval_plot(rank_sets.assign(rank=[1, 2, 3, np.nan]))
    with pytest.raises(DGIError, match="simultaneous"):
        plots.rank_interval_plot(rank_sets, simultaneous=rank_sets.iloc[:2])
    with pytest.raises(DGIError, match="DataFrame"):
        plots.rank_interval_plot([1, 2, 3])
    with pytest.raises(DGIError, match="empty"):
        plots.rank_interval_plot(rank_sets.iloc[:0])


def test_rank_change_plot_marks_significant_changes_by_style() -> None:
    change = pd.DataFrame({"unit": NAMES, "rank_prev": [4, 1, 2, 3], "rank_curr": [1, 2, 3, 4],
                           "pvalue": [0.001, 0.2, 0.04, 0.9]})
    fig = plots.rank_change_plot(change, alpha=0.05, periods=("2020", "2021"))
    ax = fig.axes[0]
    lines = ax.get_lines()
    solid = [ln for ln in lines if ln.get_linestyle() == "-"]
    dashed = [ln for ln in lines if ln.get_linestyle() == "--"]
    assert len(solid) == 2
    assert len(dashed) == 2
    # solid lines join the ranks of the significant units (Uông Bí 4 -> 1 and Cẩm Phả 2 -> 3)
    assert sorted(tuple(ln.get_ydata()) for ln in solid) == [(2, 3), (4, 1)]
    assert all(ln.get_linewidth() > dl.get_linewidth() for ln in solid for dl in dashed)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2020", "2021"]
    # the significance argument overrides the columns; a Series is matched by unit name
    sig = pd.Series([False, False, False, True], index=NAMES[::-1])
    fig2 = plots.rank_change_plot(change, significant=sig)
    solid2 = [ln for ln in fig2.axes[0].get_lines() if ln.get_linestyle() == "-"]
    assert [tuple(ln.get_ydata()) for ln in solid2] == [(4, 1)]


def test_rank_change_plot_spreads_tied_labels_and_reads_bounds() -> None:
    change = pd.DataFrame({"unit": NAMES, "rank_before": [1, 1, 3, 4], "rank_after": [2, 2, 1, 4],
                           "places_gained_lower": [-1, -1, 1, 0]})
    fig = plots.rank_change_plot(change)
    left = sorted(t.get_position()[1] for t in fig.axes[0].texts if t.get_ha() == "right")
    assert len(set(left)) == 4  # the two units tied at rank 1 get distinct label positions
    bold = [t.get_text() for t in fig.axes[0].texts if t.get_fontweight() == "bold"]
    assert all("Cẩm Phả" in b for b in bold)
    assert len(bold) == 2


def test_rank_change_plot_bad_input() -> None:
    change = pd.DataFrame({"unit": NAMES, "rank_before": [4, 1, 2, 3], "rank_after": [1, 2, 3, 4]})
    with pytest.raises(DGIError, match="significance"):
        plots.rank_change_plot(change)
    with pytest.raises(DGIError, match="second period"):
        plots.rank_change_plot(change.drop(columns="rank_after"), significant=[True] * 4)
    with pytest.raises(DGIError, match="one value per unit"):
        plots.rank_change_plot(change, significant=[True])
    with pytest.raises(DGIError, match="alpha"):
        plots.rank_change_plot(change.assign(pvalue=0.1), alpha=1.5)


def test_dimension_profile_thirteen_units_have_distinct_marker_and_style(
) -> None:
    rng = np.random.default_rng(20240101)
    wide = pd.DataFrame(rng.uniform(8, 10, size=(13, 8)), index=ALL_UNITS, columns=DIMS)
    fig = plots.dimension_profile(wide)
    lines = fig.axes[0].get_lines()
    assert len(lines) == 13
    pairs = {(ln.get_marker(), ln.get_linestyle()) for ln in lines}
    assert len(pairs) == 13  # distinguishable without colour
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels[0] == "D1\nparticipation"
    assert labels[-1] == "D8\ne governance"
    assert "D4\ncorruption\ncontrol" in labels  # long names are wrapped
    with pytest.raises(DGIError, match="at most 13"):
        plots.dimension_profile(pd.concat([wide, wide.rename(index=lambda u: u + " 2")]))


def test_dimension_profile_from_scores_draws_confidence_intervals() -> None:
    est = pd.DataFrame([[9.44, 8.72, 75.24], [9.0, 9.1, 72.0]], index=NAMES[:2],
                       columns=["d1_participation", "d2_transparency", "total"])
    se = pd.DataFrame(0.1, index=est.index, columns=est.columns)
    s = Scores.from_estimates(est, se)
    fig = plots.dimension_profile(s)  # total is not a dimension: left out by default
    ax = fig.axes[0]
    assert len(ax.get_xticklabels()) == 2
    assert ax.containers, "error bars expected from the confidence intervals"
    err = ax.containers[0]
    segs = err.lines[2][0].get_segments()
    half = [abs(seg[1][1] - seg[0][1]) / 2 for seg in segs]
    np.testing.assert_allclose(half, 1.959964 * 0.1, rtol=1e-5)  # normal 95 % half-width
    tidy = s.to_frame()
    fig2 = plots.dimension_profile(tidy, units=["Đông Triều"], measures=["d1_participation"])
    assert len(fig2.axes[0].get_lines()) >= 1
    with pytest.raises(DGIError, match="not in the data"):
        plots.dimension_profile(s, units=["Hạ Long"])
    with pytest.raises(DGIError, match="not in the data"):
        plots.dimension_profile(est, measures=["d9_other"])


def test_dimension_heatmap_orders_rows_by_total(wide: pd.DataFrame) -> None:
    with_total = wide.assign(total=[70.0, 75.0, 72.0, 71.0])
    fig = plots.dimension_heatmap(with_total)
    rows = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert rows == ["Đông Triều", "Cẩm Phả", "Ba Chẽ", "Uông Bí"]
    assert len(fig.axes[0].get_xticklabels()) == 8  # the total is not a column of the map
    unsorted = plots.dimension_heatmap(with_total, sort_by=None)
    assert [t.get_text() for t in unsorted.axes[0].get_yticklabels()] == NAMES


def test_dimension_heatmap_prints_every_value(wide: pd.DataFrame) -> None:
    fig = plots.dimension_heatmap(wide, value_format="{:.1f}")
    ax = fig.axes[0]
    printed = sorted(t.get_text() for t in ax.texts)
    assert printed == sorted(f"{v:.1f}" for v in wide.to_numpy().ravel())
    assert len(fig.axes) == 2  # with its colour bar
    with pytest.raises(DGIError, match="missing"):
        plots.dimension_heatmap(wide.assign(d1_participation=np.nan))


def test_uncertainty_band_plot_orders_by_nominal_rank_and_uses_shapes() -> None:
    ua = pd.DataFrame({"nominal": [2, 1, 3], "median": [2.0, 1.5, 3.0], "q05": [1.0, 1.0, 2.0],
                       "q95": [3.0, 2.0, 3.0]}, index=["Cô Tô", "Tiên Yên", "Bình Liêu"])
    fig = plots.uncertainty_band_plot(ua)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Tiên Yên", "Cô Tô", "Bình Liêu"]
    markers = {ln.get_label(): ln.get_marker() for ln in ax.get_lines()}
    assert markers["median rank"] != markers["nominal rank"]
    nominal = next(ln for ln in ax.get_lines() if ln.get_label() == "nominal rank")
    np.testing.assert_array_equal(nominal.get_xdata(), [1, 2, 3])
    with pytest.raises(DGIError, match="95 % rank quantile"):
        plots.uncertainty_band_plot(ua.drop(columns="q95"))


def test_sensitivity_bars_stack_first_order_and_hatched_interactions() -> None:
    sa = pd.DataFrame({"target": ["r_s"] * 3 + ["rank"] * 3,
                       "factor": ["weights", "aggregation", "sampling"] * 2,
                       "first_order": [0.2, 0.05, 0.6, 0.1, 0.1, 0.7],
                       "total_order": [0.3, 0.04, 0.75, 0.2, 0.1, 0.8]})
    with pytest.raises(DGIError, match="several targets"):
        plots.sensitivity_bars(sa)
    with pytest.raises(DGIError, match="not in the data"):
        plots.sensitivity_bars(sa, target="other")
    fig = plots.sensitivity_bars(sa, target="r_s")
    patches = fig.axes[0].patches
    assert len(patches) == 6
    solid, hatched = patches[:3], patches[3:]
    assert all(not p.get_hatch() for p in solid)
    assert all(p.get_hatch() == "///" for p in hatched)
    np.testing.assert_allclose([p.get_width() for p in solid], [0.2, 0.05, 0.6])
    # S_Ti - S_i, with the negative Monte Carlo difference of "aggregation" drawn as 0
    np.testing.assert_allclose([p.get_width() for p in hatched], [0.1, 0.0, 0.15], atol=1e-12)


def test_save_figure_writes_png_and_svg_reproducibly(tmp_path, rank_sets: pd.DataFrame) -> None:
    fig = plots.rank_interval_plot(rank_sets)
    first = plots.save_figure(fig, tmp_path, "ranks")
    assert [p.name for p in first] == ["ranks.png", "ranks.svg"]
    blobs = [p.read_bytes() for p in first]
    assert blobs[0][:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in blobs[1]
    fig2 = plots.rank_interval_plot(rank_sets)
    second = plots.save_figure(fig2, tmp_path, "ranks")
    assert [p.read_bytes() for p in second] == blobs
    with pytest.raises(DGIError, match="existing folder"):
        plots.save_figure(fig, tmp_path / "nope", "ranks")
    with pytest.raises(DGIError, match="plain file name"):
        plots.save_figure(fig, tmp_path, "../ranks")
    with pytest.raises(DGIError, match="formats"):
        plots.save_figure(fig, tmp_path, "ranks", formats=("gif",))
