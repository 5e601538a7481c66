"""The report's figures: titles in two languages, the texts drawn translated, saved and shown.

:func:`figure_title` gives a figure's title in the report's language (with a SYNTHETIC line when
the data are synthetic), and :func:`show_figure` puts the texts drawn in a figure into that
language, saves it as PNG and SVG under ``figures/`` and returns the PNG as the cell's output.

matplotlib is imported inside :func:`_translate_figure` (as in :mod:`dgi_stats.plots`, so that
importing dgi_stats stays fast) and IPython inside :func:`show_figure` (an optional dependency,
the ``notebooks`` extra).
"""

from __future__ import annotations

import functools
import re
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from dgi_stats.plots import save_figure
from dgi_stats.report._common import is_dimension, measure_label
from dgi_stats.report.templates import labels

if TYPE_CHECKING:  # pragma: no cover
    from IPython.display import Image
    from matplotlib.figure import Figure

__all__ = ["FIGURES_DIR", "figure_title", "show_figure"]

#: Folder of the figures inside a report folder.
FIGURES_DIR = "figures"


def figure_title(text: str, synthetic: bool, lang: str = "en", **fields: float | str) -> str:
    """A figure title, with a second line "SYNTHETIC data" when the data are synthetic.

    Parameters
    ----------
    text : str
        A title, or the key of a report figure (``"total_scores"``, ...) whose title in ``lang``
        is filled with ``fields``.
    synthetic : bool
        True when the data are the bundled SYNTHETIC survey.
    lang : {"en", "vi"}
        Language. default: "en".
    **fields
        ``year`` (``prev`` is the year before unless given) and ``level``.

    Returns
    -------
    str

    Examples
    --------
    >>> figure_title("DGI 2021", True)
    'DGI 2021\\nSYNTHETIC data: illustration, not DGI results'
    >>> figure_title("dimension_heatmap", False, "vi", year=2021)
    'DGI 2021: điểm các lĩnh vực'
    """
    if text in labels.FIGURE_TITLES:
        if "year" in fields and "prev" not in fields:
            fields["prev"] = int(fields["year"]) - 1
        text = labels.pick(labels.FIGURE_TITLES[text], lang).format(**fields)
    if synthetic:
        text = f"{text}\n{labels.pick(labels.PHRASES['synthetic_title'], lang)}"
    if lang == "en":
        return text
    # Vietnamese titles run longer: keep them inside narrow figures
    return "\n".join(textwrap.fill(part, 48) for part in text.split("\n"))


def show_figure(
    fig: Figure, name: str, output_dir: str | Path, *, alt_text: str | None = None, lang: str = "en"
) -> Image:
    """Save ``fig`` as ``figures/<name>.png`` and ``.svg`` under ``output_dir`` and return the PNG.

    Returning an :class:`IPython.display.Image` makes the figure the cell's output, so the HTML
    report embeds it.

    Parameters
    ----------
    fig : matplotlib Figure
        A figure of :mod:`dgi_stats.plots` (or any matplotlib figure).
    name : str
        File name without extension.
    output_dir : str or Path
        The report folder (``figures/`` is created inside).
    alt_text : str, optional
        Text alternative of the image in the HTML report. default: the report's description of
        the figure ``name`` in ``lang``, else the figure's title, else the name with spaces.
    lang : {"en", "vi"}
        Language of the texts drawn in the figure (labels, legends) and of the alt text.
        default: "en".

    Returns
    -------
    IPython.display.Image

    Examples
    --------
    >>> import pandas as pd, tempfile
    >>> from dgi_stats.plots import dimension_heatmap
    >>> fig = dimension_heatmap(pd.DataFrame({"d1_participation": [9.4]}, index=["Cô Tô"]))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     show_figure(fig, "heatmap", tmp).format
    'png'
    """
    from IPython.display import Image  # optional dependency (the notebooks extra)

    lang = labels.check_lang(lang)
    _translate_figure(fig, lang)
    folder = Path(output_dir) / FIGURES_DIR
    folder.mkdir(parents=True, exist_ok=True)
    paths = save_figure(fig, folder, name, formats=("png", "svg"))
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    alt = alt_text or (labels.pick(labels.FIGURE_ALT[name], lang) if name in labels.FIGURE_ALT else "")
    if not alt:
        alt = " ".join(titles).replace("\n", " ") or name.replace("_", " ")
    return Image(data=paths[0].read_bytes(), format="png", alt=alt)


def _translate_figure(fig: Figure, lang: str) -> None:
    """Put the texts drawn in ``fig`` (labels, ticks, legends) into ``lang``."""
    from matplotlib.text import Text  # imported when a figure is drawn (fast package import)
    from matplotlib.ticker import FixedFormatter, FuncFormatter  # likewise, as in dgi_stats.plots

    note = "Note: S_i > S_Ti for: "

    def line(text: str) -> str:
        short = re.match(r"^D(\d)\n", text)
        if short and lang == "vi" and short.group(1) in labels.DIMENSION_SHORT_VI:
            return f"LV{short.group(1)}\n{labels.DIMENSION_SHORT_VI[short.group(1)]}"
        if is_dimension(text):
            return measure_label(text, lang)
        if lang != "vi":
            return text
        if text.startswith(note):
            names = text[len(note):].rstrip(".").split(", ")
            return labels.FIGURE_VI[note] + ", ".join(labels.FIGURE_VI.get(n, n) for n in names) + "."
        return labels.FIGURE_VI.get(text, text)

    for ax in fig.axes:  # categorical tick labels are redrawn from their formatter
        for axis in (ax.xaxis, ax.yaxis):
            formatter = axis.get_major_formatter()
            if isinstance(formatter, FixedFormatter):
                formatter.seq = [line(str(s)) for s in formatter.seq]
            elif isinstance(formatter, FuncFormatter) and isinstance(formatter.func, functools.partial):
                func = formatter.func
                if func.args and isinstance(func.args[0], dict):
                    labels_ = {k: line(str(v)) for k, v in func.args[0].items()}
                    formatter.func = functools.partial(func.func, labels_, *func.args[1:])
    for artist in fig.findobj(Text):
        text = artist.get_text()
        if text:
            whole = line(text)
            artist.set_text(whole if whole != text else "\n".join(line(p) for p in text.split("\n")))
