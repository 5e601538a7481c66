"""Reading survey files: CSV, Parquet, SPSS ``.sav`` and Stata ``.dta``, validated against an IndexSpec.

Text files from the field are often not UTF-8: Vietnamese data saved by Excel or older software come
in Windows-1258 (``cp1258``, tone marks as combining characters) or UTF-16. :func:`read_survey`
decodes UTF-8 (with or without BOM) and UTF-16 (detected by its BOM or its NUL bytes) by itself, and
for anything else raises an error that says to pass ``encoding="cp1258"`` (or the right encoding).
Decoded text is normalised to Unicode NFC, so "Uông Bí" typed on any system matches the catalogue.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from dgi_stats._validation import did_you_mean
from dgi_stats.exceptions import DGIError
from dgi_stats.scores.spec import IndexSpec
from dgi_stats.units import match_units

__all__ = ["SUPPORTED_FORMATS", "decode_text", "read_survey"]

#: File suffixes understood by :func:`read_survey`.
SUPPORTED_FORMATS: dict[str, str] = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".sav": "spss",
    ".zsav": "spss",
    ".dta": "stata",
}

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def _guess_bomless_utf16(raw: bytes) -> str | None:
    """UTF-16 without a BOM: ASCII-heavy text has a NUL in every other byte."""
    head = raw[:4096]
    if len(head) < 4 or b"\x00" not in head:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    half = len(head) // 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def decode_text(raw: bytes, *, encoding: str | None = None, name: str = "file") -> tuple[str, str]:
    """Decode the bytes of a text file and normalise it to Unicode NFC.

    Parameters
    ----------
    raw : bytes
        File content.
    encoding : str, optional
        Codec to use (for example ``"cp1258"``). default: None (UTF-8 or UTF-16, detected).
    name : str
        File name for error messages. default: "file".

    Returns
    -------
    text : str
        The decoded, NFC-normalised text.
    encoding : str
        The codec used.

    Raises
    ------
    DGIError
        If the bytes are not valid in the given or detected encoding; the message says what to pass.

    Examples
    --------
    >>> decode_text("Uông Bí".encode("utf-16"))
    ('Uông Bí', 'utf-16')
    >>> decode_text(b"U\\xf4ng Bi\\xec", encoding="cp1258")[0]   # tone mark as a combining byte
    'Uông Bí'
    """
    if encoding is None:
        for bom, codec in _BOMS:
            if raw.startswith(bom):
                encoding = codec
                break
        else:
            encoding = _guess_bomless_utf16(raw) or "utf-8"
        detected = True
    else:
        detected = False
    try:
        text = raw.decode(encoding)
    except LookupError:
        msg = f"The 'encoding' parameter names an unknown codec {encoding!r}; try 'utf-8', 'cp1258' or 'utf-16'."
        raise DGIError(msg) from None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        if detected:
            msg = (
                f"{name} is not UTF-8 or UTF-16 (byte {raw[exc.start:exc.start + 1]!r} at position "
                f"{exc.start}, line {line}). Vietnamese files saved by Excel or older software are often "
                "Windows-1258: pass encoding='cp1258' (or the file's encoding), or re-save the file as "
                "UTF-8."
            )
        else:
            msg = (
                f"{name} cannot be decoded with encoding={encoding!r} (byte "
                f"{raw[exc.start:exc.start + 1]!r} at position {exc.start}, line {line}). Check the "
                "file's encoding (common: 'utf-8', 'cp1258', 'utf-16') or re-save it as UTF-8."
            )
        raise DGIError(msg) from None
    return unicodedata.normalize("NFC", text), encoding


def _read_csv(path: Path, encoding: str | None) -> tuple[pd.DataFrame, dict[str, Any]]:
    text, used = decode_text(path.read_bytes(), encoding=encoding, name=path.name)
    sep = "\t" if path.suffix.lower() == ".tsv" else ","
    frame = pd.read_csv(io.StringIO(text), sep=sep)
    return frame, {"encoding": used}


def _read_parquet(path: Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    try:
        frame = pd.read_parquet(path)
    except ImportError as exc:
        msg = f"reading {path.name} needs pyarrow: pip install 'dgi-stats[io]' ({exc})."
        raise DGIError(msg) from None
    return frame, {}


def _read_readstat(path: Path, kind: str, encoding: str | None) -> tuple[pd.DataFrame, dict[str, Any]]:
    try:
        import pyreadstat  # optional dependency (the io extra): imported only to read SPSS/Stata
    except ImportError:
        what = "SPSS" if kind == "spss" else "Stata"
        msg = f"reading {what} file {path.name} needs pyreadstat: pip install 'dgi-stats[io]'."
        raise DGIError(msg) from None
    reader = pyreadstat.read_sav if kind == "spss" else pyreadstat.read_dta
    # user_missing=True keeps user-defined missing codes (e.g. 98 don't know, 99 refused) as codes,
    # so that the spec can count them by reason instead of turning them into blanks.
    frame, meta = reader(str(path), apply_value_formats=False, user_missing=True, encoding=encoding)
    attrs = {
        "value_labels": {
            col: {_code(k): str(v) for k, v in labels.items()}
            for col, labels in meta.variable_value_labels.items()
        },
        "column_labels": {
            c: lab for c, lab in zip(meta.column_names, meta.column_labels, strict=False) if lab
        },
    }
    return frame, attrs


def _code(value: Any) -> Any:
    """Value-label keys as ints when they are whole numbers (SPSS stores codes as doubles)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def read_survey(
    path: str | Path,
    spec: IndexSpec | None = None,
    *,
    encoding: str | None = None,
    unit_column: str | None = None,
    units: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Read respondent data from CSV, Parquet, SPSS ``.sav`` or Stata ``.dta``, and validate it.

    Parameters
    ----------
    path : str or pathlib.Path
        The file; its suffix selects the reader (see :data:`SUPPORTED_FORMATS`).
    spec : IndexSpec, optional
        When given, the file must have every item column the spec scores, answer codes the spec
        accepts and unique respondent ids (``spec.respondent_column``, when present); and the unit
        column (``unit_column`` or ``spec.unit_column``) is required. default: None (no checks).
    encoding : str, optional
        Text encoding for CSV files (or SPSS/Stata files that lack one), for example ``"cp1258"``.
        default: None (UTF-8, or UTF-16 detected by its BOM).
    unit_column : str, optional
        Column with unit names; its values are replaced by canonical names from
        :mod:`dgi_stats.units` (tolerant matching: "TP Uông Bí", "uong bi" -> "Uông Bí").
        default: ``spec.unit_column`` when a spec is given, else None (names left as they are).
    units : iterable of str, optional
        Match unit names against this list instead of the 13 DGI units (communes, provinces).
        default: None (the DGI catalogue).

    Returns
    -------
    pandas.DataFrame
        The data, answer codes as numbers. ``attrs`` holds ``"source"`` (file name), ``"format"``,
        ``"encoding"`` (text files), ``"value_labels"`` (SPSS/Stata: ``{column: {code: label}}``)
        and ``"column_labels"`` (SPSS/Stata variable labels).

    Raises
    ------
    DGIError
        Unknown format, undecodable text (the message suggests ``encoding="cp1258"``), missing
        columns, codes outside the spec, duplicate respondent ids.
    UnknownUnitError
        A unit name that matches no unit; the message lists the closest names.

    Notes
    -----
    SPSS user-defined missing values (often 98/99 for "don't know"/"refused") are kept as codes,
    not turned into blanks, so that the spec counts each missing reason.

    Examples
    --------
    >>> import tempfile
    >>> from dgi_stats.datasets import load_spec
    >>> spec = load_spec(2021)
    >>> frame = pd.DataFrame({q: [1, 2] for q in spec.item_ids})
    >>> frame["district"] = ["TP Uông Bí", "co to"]
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "survey.csv"
    ...     frame.to_csv(path, index=False, encoding="utf-16")
    ...     data = read_survey(path, spec)
    >>> data["district"].tolist(), data.attrs["encoding"]
    (['Uông Bí', 'Cô Tô'], 'utf-16')
    """
    p = Path(path)
    kind = SUPPORTED_FORMATS.get(p.suffix.lower())
    if kind is None:
        msg = (
            f"read_survey cannot read {p.name!r}: unsupported suffix {p.suffix!r}. Supported: "
            f"{sorted(SUPPORTED_FORMATS)}; export the data to one of these formats"
            + (" (in Excel: File > Save As > CSV UTF-8)." if p.suffix.lower() in (".xlsx", ".xls") else ".")
        )
        raise DGIError(msg)
    if not p.is_file():
        msg = f"The 'path' parameter of read_survey must be an existing file; {str(p)!r} does not exist."
        raise DGIError(msg)
    if kind == "csv":
        frame, attrs = _read_csv(p, encoding)
    elif kind == "parquet":
        frame, attrs = _read_parquet(p)
    else:
        frame, attrs = _read_readstat(p, kind, encoding)
    frame.attrs.update({"source": p.name, "format": kind, **attrs})
    column = unit_column if unit_column is not None else (spec.unit_column if spec else None)
    if spec is not None:
        needed = [*spec.scored_item_ids, *([column] if column else [])]
        missing = [c for c in needed if c not in frame.columns]
        if missing:
            msg = (
                f"{p.name} is missing required column(s) {missing} for spec {spec.name} {spec.year}; "
                f"{did_you_mean(missing, frame.columns, what='columns of the file', exclude=needed)}. Rename the "
                "columns, pass unit_column=..., or use a spec that matches the questionnaire."
            )
            raise DGIError(msg)
        try:
            spec.validate_answers(frame)
            rid = spec.respondent_column
            if rid in frame.columns and frame[rid].duplicated().any():
                dup = frame[rid][frame[rid].duplicated(keep=False)]
                msg = (
                    f"duplicate respondent ids in column {rid!r}: {list(dict.fromkeys(dup))[:5]} "
                    f"(rows {list(dup.index[:10])}). Remove or renumber the duplicates."
                )
                raise DGIError(msg)
        except DGIError as exc:
            raise DGIError(f"{p.name}: {exc}") from None
    if column is not None:
        if column not in frame.columns:
            msg = (
                f"The 'unit_column' parameter of read_survey names {column!r}, which is not a column "
                f"of {p.name}; {did_you_mean([column], frame.columns, what='columns')}."
            )
            raise DGIError(msg)
        blank = frame[column].isna()
        if blank.any():
            msg = (
                f"{p.name}: column {column!r} is blank in rows {list(frame.index[blank][:10])}; every "
                "respondent needs a unit."
            )
            raise DGIError(msg)
        frame[column] = match_units([str(v) for v in frame[column]], units=units)
    return frame
