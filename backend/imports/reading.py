"""Reading an upload that passed intake, row by row, as {column key: cell}.

Headers are matched by name, not position: a title row above them, "*" marks, "（必填）" suffixes,
spaces and full-width brackets do not matter. Rows stream (an .xlsx through
backend.imports.xlsx_rows, a CSV through the csv module), so 100,000 rows never sit in memory."""

import codecs
import csv
import re
import unicodedata
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import closing
from datetime import date, datetime, time, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

from django.conf import settings

from backend.imports.intake import CHUNK, FileFormat, FileRefused, text_encoding
from backend.imports.spec import Cell, Column
from backend.imports.xlsx_rows import Record, open_first_sheet

HEADER_SEARCH_ROWS = 10
DELIMITERS = (",", "\t", ";")
# What a CSV cell escaped against formula injection looks like (see backend/exports): undone,
# so an exported file imports back unchanged.
ESCAPED_CSV_CELL = re.compile(r"'([=+\-@\t\r].*)", re.DOTALL)
# ="0012": how some systems keep leading zeros in CSV for Excel.
EXCEL_TEXT_FORMULA = re.compile(r'="(.*)"', re.DOTALL)
_REQUIRED_MARK = re.compile(r"[(\[【〔](?:必填|选填|可选|非必填|可不填|必须)项?[)\]】〕]$")
_TRAILING_NOTE = re.compile(r"\([^()]*\)$")
_SPACES = re.compile(r"\s+")


class RowSource:
    """The rows of one file, after the header. A context manager; `rows()` may be called more
    than once, and reads the file again each time."""

    def __init__(
        self,
        *,
        format: FileFormat,
        encoding: str | None,
        header_row: int,
        matched: "HeaderMatch",
        columns: Sequence[Column],
        estimated_rows: int,
        records: Callable[[], Iterator[Record]],
        cell: Callable[[Any], Cell],
        close: Callable[[], None],
    ) -> None:
        self.format = format
        self.encoding = encoding
        self.header_row = header_row
        self.columns: dict[str, str] = dict(matched.found)
        self.unknown_headers: tuple[str, ...] = tuple(matched.unknown)
        self.missing_required: tuple[str, ...] = tuple(
            column.header
            for column in columns
            if column.required and column.key not in self.columns
        )
        self.estimated_rows = estimated_rows
        self.positions: dict[str, int] = dict(matched.positions)  # column key -> 0-based index
        self._records = records
        self._cell = cell
        self._close = close

    def rows(self) -> Iterator[tuple[int, dict[str, Cell]]]:
        """(row number, {column key: cell}) for each non-blank row below the header."""
        limit = settings.DANGJIAN_IMPORT_MAX_ROWS
        data_rows = blank_rows = 0
        for number, values in self._records():
            if number <= self.header_row:
                continue
            cells = {
                key: self._cell(values[index]) if index < len(values) else None
                for key, index in self.positions.items()
            }
            if all(value is None for value in cells.values()):
                # Skipped, but not free to read: a sheet of a million empty rows is refused too.
                blank_rows += 1
                if blank_rows > limit:
                    raise FileRefused(
                        "TOO_MANY_ROWS",
                        f"文件中空行过多（超过 {limit} 行），请删除多余的空行后再上传。",
                    )
                continue
            data_rows += 1
            if data_rows > limit:
                raise FileRefused(
                    "TOO_MANY_ROWS", f"文件超过 {limit} 行数据的上限，请拆分后分批导入。"
                )
            yield number, cells

    def close(self) -> None:
        self._close()

    def __enter__(self) -> "RowSource":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def open_rows(path: Path, fmt: FileFormat, columns: Sequence[Column]) -> RowSource:
    """Open an inspected file (backend.imports.intake.inspect_upload) and find its header."""
    if fmt == FileFormat.XLSX:  # also when given the plain string "xlsx"
        return _open_xlsx(path, columns)
    return _open_csv(path, columns)


# --- headers -----------------------------------------------------------------------------------


def normalize_header(text: str) -> str:
    """The header as compared: NFKC (full-width brackets and letters to ASCII), no whitespace,
    no "*" marks, no "(必填)"-style suffix, case-folded."""
    normal = _SPACES.sub("", unicodedata.normalize("NFKC", text))
    normal = normal.strip("*").rstrip(":")
    normal = _REQUIRED_MARK.sub("", normal).strip("*")
    return normal.casefold()


class HeaderMatch:
    """Which cells of a candidate header row name which columns."""

    def __init__(self, values: Sequence[Any], columns: Sequence[Column]) -> None:
        self.found: dict[str, str] = {}  # key -> header text as in the file, in file order
        self.positions: dict[str, int] = {}
        self.unknown: list[str] = []
        names = _header_names(columns)
        for index, value in enumerate(values):
            text = _SPACES.sub(" ", str(value)).strip() if value is not None else ""
            if not text:
                continue
            normal = normalize_header(text)
            # A format hint in brackets ("出生日期(yyyy-mm-dd)") is dropped only when the whole
            # header matches nothing: "服务时长(小时)" is itself a header.
            key = names.get(normal) or names.get(_TRAILING_NOTE.sub("", normal))
            if key is None or key in self.found:
                self.unknown.append(text)
                continue
            self.found[key] = text
            self.positions[key] = index


def _header_names(columns: Sequence[Column]) -> dict[str, str]:
    names: dict[str, str] = {}
    for column in columns:
        for name in (column.header, *column.synonyms):
            names.setdefault(normalize_header(name), column.key)
    return names


def _find_header(
    records: Iterator[Record], columns: Sequence[Column]
) -> tuple[int, HeaderMatch] | None:
    """The first row with at least two recognised headers (one, for a one-column kind) among
    the first rows; failing that, the row recognising most, or the first non-blank one."""
    enough = min(2, len(columns))
    best: tuple[int, HeaderMatch] | None = None
    for number, values in records:
        if number > HEADER_SEARCH_ROWS:
            break
        if all(value is None or str(value).strip() == "" for value in values):
            continue
        match = HeaderMatch(values, columns)
        if len(match.found) >= enough:
            return number, match
        if best is None or len(match.found) > len(best[1].found):
            best = number, match
    return best


def _no_rows() -> FileRefused:
    return FileRefused("EMPTY", f"文件的前 {HEADER_SEARCH_ROWS} 行中没有表头，或文件中没有数据。")


# --- xlsx --------------------------------------------------------------------------------------


def _open_xlsx(path: Path, columns: Sequence[Column]) -> RowSource:
    sheet = open_first_sheet(path)
    try:
        with closing(sheet.records()) as head:
            found = _find_header(head, columns)
        if found is None:
            raise _no_rows()
    except BaseException:
        sheet.close()
        raise
    header_row, matched = found
    return RowSource(
        format=FileFormat.XLSX,
        encoding=None,
        header_row=header_row,
        matched=matched,
        columns=columns,
        estimated_rows=max(0, sheet.declared_rows - header_row),
        records=sheet.records,
        cell=_xlsx_cell,
        close=sheet.close,
    )


def _xlsx_cell(value: Any) -> Cell:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, datetime):
        return value.date() if value.time() == time() else value
    if isinstance(value, date | int):
        return value  # bool included: TRUE/FALSE cells reach the parsers as booleans
    if isinstance(value, float):
        # Excel stores every number as a float; 13800138000.0 is the integer the user typed.
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value).strip() or None


# --- CSV ---------------------------------------------------------------------------------------


def _open_csv(path: Path, columns: Sequence[Column]) -> RowSource:
    """Comma-separated unless a tab or semicolon finds the header where a comma does not."""
    encoding = text_encoding(path)
    chosen: tuple[str, int, HeaderMatch] | None = None
    for delimiter in DELIMITERS:
        with closing(_csv_records(path, encoding, delimiter)) as head:
            found = _find_header(head, columns)
        if found is None:
            # Blank with commas as separators: only whitespace and commas, which is no header.
            raise _no_rows()
        if chosen is None or len(found[1].found) > len(chosen[2].found):
            chosen = (delimiter, *found)
        if len(found[1].found) >= min(2, len(columns)):
            break
    assert chosen is not None
    delimiter, header_row, matched = chosen
    return RowSource(
        format=FileFormat.CSV,
        encoding=encoding,
        header_row=header_row,
        matched=matched,
        columns=columns,
        estimated_rows=max(0, _line_count(path, encoding) - header_row),
        records=lambda: _csv_records(path, encoding, delimiter),
        cell=_csv_cell,
        close=lambda: None,
    )


def _csv_records(path: Path, encoding: str, delimiter: str) -> Generator[Record, None, None]:
    with path.open(encoding=encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        number = 0
        try:
            for number, values in enumerate(reader, start=1):
                yield number, values
        except csv.Error:
            raise FileRefused(
                "CORRUPT",
                f"CSV 文件第 {number + 1} 行格式错误（引号不配对或单元格过长），请检查后再上传。",
            ) from None
        except UnicodeDecodeError:
            raise FileRefused("BAD_ENCODING", "CSV 文件中有无法识别的字符。") from None


def _csv_cell(value: str) -> Cell:
    text = value.strip()
    if not text:
        return None
    if escaped := ESCAPED_CSV_CELL.fullmatch(text):
        text = escaped.group(1)
    elif quoted := EXCEL_TEXT_FORMULA.fullmatch(text):
        text = quoted.group(1).strip()
    return text or None


def _line_count(path: Path, encoding: str) -> int:
    decoder = codecs.getincrementaldecoder(encoding)()
    lines = 0
    last = ""
    with path.open("rb") as handle:
        while raw := handle.read(CHUNK):
            text = decoder.decode(raw)
            lines += text.count("\n")
            last = text[-1:] or last
    return lines + (1 if last not in ("", "\n") else 0)


# --- values in reports -------------------------------------------------------------------------


def cell_text(cell: Cell) -> str:
    """A cell as the user would read it: what ParsedRow.raw and reports hold."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"  # as Excel shows it
    if isinstance(cell, datetime):
        return cell.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float):
        return f"{cell:.15g}"
    return str(cell)


def mask_value(text: str) -> str:
    """The default mask of a personal value: first and last character kept, stars between
    (张三丰 → 张*丰); two characters keep only the first."""
    if len(text) <= 1:
        return "*" * len(text)
    if len(text) == 2:
        return text[0] + "*"
    return text[0] + "*" * (len(text) - 2) + text[-1]


def reported_value(column: Column, text: str) -> str:
    """`text` as a report may show it: masked when the column is personal."""
    if not column.personal or not text:
        return text
    return (column.mask or mask_value)(text)
