"""Writing rows to .xlsx (openpyxl write-only: rows go to disk as they come) or .csv (UTF-8 with
a BOM, so Excel on Chinese Windows opens it as UTF-8). Neither keeps more than one row in memory.

Formula injection: a text cell beginning with = + - @ tab or CR would be taken as a formula by
Excel or LibreOffice (a CSV cell "=HYPERLINK(…)" becomes a live link). In xlsx such a cell is
written as a string with the quotePrefix style (shown as typed, never evaluated); in CSV, which
has no types, it is prefixed with an apostrophe, as OWASP recommends."""

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, BinaryIO, Protocol

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from backend.exports.spec import ExportColumn, ExportFormat, Value

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

CONTENT_TYPES = {
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.CSV: "text/csv; charset=utf-8",
}


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def _plain(value: Value) -> Value:
    """Values both formats share: booleans in words, aware times in local time (Excel has no
    time zones), Decimals as they are."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, microsecond=0)
    return value


class RowWriter(Protocol):
    def write_row(self, values: Sequence[Value]) -> None: ...

    def close(self) -> None:
        """Finish the file; nothing is written after."""
        ...


class XlsxWriter:
    """One sheet: a bold, frozen header row, then the rows."""

    def __init__(self, out: BinaryIO, title: str, columns: Sequence[ExportColumn]) -> None:
        self._out = out
        self._book = Workbook(write_only=True)
        self._sheet = self._book.create_sheet(title=title[:31])
        for index, column in enumerate(columns, start=1):
            self._sheet.column_dimensions[get_column_letter(index)].width = column.width
        self._sheet.freeze_panes = "A2"
        bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
        header = []
        for column in columns:
            cell = self._text_cell(column.header)
            cell.font, cell.fill = bold, fill
            header.append(cell)
        self._sheet.append(header)

    def _text_cell(self, text: str) -> Cell:
        cell = WriteOnlyCell(self._sheet, value=text)
        cell.data_type = "s"  # never a formula ("=…") or an error code ("#REF!")
        if looks_like_formula(text):
            cell.quotePrefix = True
        return cell

    def _text(self, text: str) -> Any:
        """Plain text as it is; text Excel would not take as text, as a string cell."""
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
        if looks_like_formula(text) or text.startswith("#"):
            return self._text_cell(text)
        return text

    def write_row(self, values: Sequence[Value]) -> None:
        self._sheet.append(
            [self._text(value) if isinstance(value, str) else _plain(value) for value in values]
        )

    def close(self) -> None:
        self._book.save(self._out)


class CsvWriter:
    """Comma-separated, CRLF line ends, every field as text."""

    def __init__(self, out: BinaryIO, columns: Sequence[ExportColumn]) -> None:
        self._text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
        self._csv = csv.writer(self._text)
        self._csv.writerow([csv_cell(column.header) for column in columns])

    def write_row(self, values: Sequence[Value]) -> None:
        self._csv.writerow([csv_cell(value) for value in values])

    def close(self) -> None:
        self._text.flush()
        self._text.detach()  # leaves `out` open for the caller


def csv_cell(value: Value) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    text = str(value)
    if isinstance(value, str) and looks_like_formula(text):
        return "'" + text
    return text


def open_writer(
    fmt: ExportFormat, out: BinaryIO, *, title: str, columns: Sequence[ExportColumn]
) -> RowWriter:
    if fmt is ExportFormat.XLSX:
        return XlsxWriter(out, title, columns)
    return CsvWriter(out, columns)


def file_suffix(fmt: ExportFormat) -> str:
    return f".{fmt.value}"
