"""The HTML report as a reader sees it, checked without a browser, in English and Vietnamese.

Each language's 2021 report is rendered once (module-scoped fixtures). The English run is part of
the default suite; the Vietnamese run is marked ``notebook`` (``pytest -m notebook``), so CI builds
both languages.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from dgi_stats import report

# The page is read at 1,400 px; the notebook's content area is narrower.
PAGE_WIDTH_PX = 1200
CHAR_PX = 7.5  # average width of a character of the table font
CELL_PADDING_PX = 16
WRAP_CHARS = 30  # text cells wrap (also inside long words) at 30em: more lines, not more width
SNAKE = re.compile(r"^[a-z]+(_[a-z0-9]+)+$")


class _Report(HTMLParser):
    """Tables (header and cell texts), images (alt) and headings of an HTML report."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[str, list[list[str]]]] = []
        self.images: list[dict[str, str | None]] = []
        self.headings: list[str] = []
        self.text = ""
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append({"th": [], "rows": []})
        elif tag == "tr" and self.tables:
            self._row = []
            self.tables[-1]["rows"].append(self._row)
        elif tag in ("th", "td"):
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")
        elif tag == "img":
            self.images.append(dict(attrs))
        elif tag in ("h1", "h2", "h3"):
            self._heading = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._cell is not None:
            text = "".join(self._cell).strip()
            if tag == "th" and self.tables:
                self.tables[-1]["th"].append([text])
            elif self._row is not None:
                self._row.append(text)
            self._cell = None
        elif tag in ("h1", "h2", "h3") and self._heading is not None:
            self.headings.append("".join(self._heading).replace("¶", "").strip())
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._heading is not None:
            self._heading.append(data)


def _render(tmp_path_factory: pytest.TempPathFactory, lang: str) -> _Report:
    out = tmp_path_factory.mktemp(f"report_{lang}") / "2021"
    result = report.run_report(2021, output_dir=out, lang=lang)
    assert result.html is not None
    parsed = _Report()
    parsed.text = Path(result.html).read_text(encoding="utf-8")
    parsed.feed(parsed.text)
    return parsed


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> _Report:
    return _render(tmp_path_factory, "en")


@pytest.fixture(scope="module")
def vietnamese(tmp_path_factory: pytest.TempPathFactory) -> _Report:
    return _render(tmp_path_factory, "vi")


def _width(table: dict[str, list[list[str]]]) -> float:
    """Estimated width (px) of a table: per column, its longest line (wrapped text at WRAP_CHARS)."""
    # headers wrap between words: a header is as wide as its longest word
    columns = {j: max(map(len, h[0].split()), default=0) for j, h in enumerate(table["th"])}
    for row in table["rows"]:
        for j, cell in enumerate(row):
            longest = max(min(len(line), WRAP_CHARS) for line in cell.split("\n")) if cell else 0
            columns[j] = max(columns.get(j, 0), longest)
    return sum(n * CHAR_PX + CELL_PADDING_PX for n in columns.values())


def _check_readable(page: _Report) -> None:
    assert page.tables, "no table in the report"
    for table in page.tables:
        headers = [h[0] for h in table["th"]]
        assert _width(table) <= PAGE_WIDTH_PX, (headers, _width(table))
        snake = [h for h in headers if SNAKE.match(h)]
        assert not snake, f"raw column names as headers: {snake}"
        assert "" not in headers, f"an unnamed (index) header: {headers}"
        for row in table["rows"]:
            for cell in row:
                assert "…" not in cell, f"truncated cell {cell!r}"
                assert not cell.endswith("..."), f"truncated cell {cell!r}"
    reprs = re.findall(r"\b(?:SurveyAnalysis|Scores|RankConfidenceSets|TauBest\w*)\(", page.text)
    assert not reprs, f"object reprs printed in the report: {reprs}"
    assert page.images, "no figure in the report"
    for img in page.images:
        assert (img.get("alt") or "").strip(), f"an image without alt text: {sorted(img)}"


def test_english_report_is_readable(english: _Report) -> None:
    _check_readable(english)
    assert any(h.startswith("3. Results") for h in english.headings), english.headings


@pytest.mark.notebook
def test_vietnamese_report_is_readable_and_vietnamese(vietnamese: _Report) -> None:
    _check_readable(vietnamese)
    english_titles = ("Published figures", "Data and design", "Results", "Ranks and their",
                      "Change on", "Robustness", "Planning the next", "Summary")
    for heading in vietnamese.headings:
        assert not any(t in heading for t in english_titles), heading
    assert any(h.startswith("3. Kết quả") for h in vietnamese.headings), vietnamese.headings
    english_headers = {"Unit", "Rank", "Estimate", "Respondents", "Standard error", "Source"}
    headers = {h[0] for table in vietnamese.tables for h in table["th"]}
    assert not headers & english_headers, headers & english_headers
    # SYNTHETIC data stay labelled, in Vietnamese too
    assert "DỮ LIỆU MÔ PHỎNG (TỔNG HỢP, SYNTHETIC)" in vietnamese.text
