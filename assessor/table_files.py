"""Rows of a CSV or XLSX file with their line numbers, for imports: the first row that is not
empty is the header, named columns in any order. A file that is not CSV or XLSX, is empty,
too large or unreadable is refused as a whole (TableFileError), before anything is stored.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from .errors import DomainError

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")  # what Excel and WPS write CSV in, in China too


class TableFileError(DomainError):
    """file_type (suffix): neither .csv nor .xlsx; file_empty; file_too_large (limit: bytes);
    too_many_rows (limit); file_unreadable (reason, line?): not a CSV or XLSX inside; and for
    the importers, columns_unknown (missing, unknown)."""


@dataclass(frozen=True, slots=True)
class Row:
    line: int  # in the file (CSV) or the sheet (XLSX), from 1
    values: dict[str, str]  # by column name from the header; cells as text, trimmed


@dataclass(frozen=True, slots=True)
class Table:
    columns: tuple[str, ...]  # the header's names, lower case, in file order
    rows: list[Row]  # rows with at least one cell filled


def read_table(path: Path) -> Table:
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise TableFileError("file_type", suffix=suffix)
    size = path.stat().st_size
    if size == 0:
        raise TableFileError("file_empty")
    if size > MAX_FILE_BYTES:
        raise TableFileError("file_too_large", limit=MAX_FILE_BYTES)
    lines = _csv_lines(path.read_bytes()) if suffix == ".csv" else _xlsx_lines(path)
    return _table(lines)


def _table(lines: Iterator[tuple[int, list[str]]]) -> Table:
    header: tuple[str, ...] | None = None
    rows: list[Row] = []
    for line, cells in lines:
        if not any(cells):
            continue
        if header is None:
            header = tuple(cell.lower() for cell in cells)
            continue
        if len(rows) == MAX_ROWS:
            raise TableFileError("too_many_rows", limit=MAX_ROWS)
        padded = cells + [""] * (len(header) - len(cells))
        rows.append(Row(line, {name: padded[index] for index, name in enumerate(header)
                               if name}))
    if header is None:
        raise TableFileError("file_empty")
    return Table(header, rows)


def _csv_lines(raw: bytes) -> Iterator[tuple[int, list[str]]]:
    if b"\0" in raw:
        raise TableFileError("file_unreadable", reason="binary")
    for encoding in TEXT_ENCODINGS:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableFileError("file_unreadable", reason="encoding")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    try:
        for cells in reader:
            yield start, [cell.strip() for cell in cells]
            start = reader.line_num + 1
    except csv.Error as error:
        raise TableFileError("file_unreadable", reason=str(error), line=start) from error


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_lines(path: Path) -> Iterator[tuple[int, list[str]]]:
    import openpyxl  # only imports of XLSX files need it
    from openpyxl.utils.exceptions import InvalidFileException

    if not zipfile.is_zipfile(path):
        raise TableFileError("file_unreadable", reason="not_xlsx")
    try:
        with warnings.catch_warnings():  # openpyxl warns about styles it does not read
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise TableFileError("file_unreadable", reason="not_xlsx") from error
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise TableFileError("file_empty")
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell(value) for value in cells]
    finally:
        book.close()
