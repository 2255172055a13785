"""Streaming the rows of an .xlsx's first visible worksheet.

openpyxl opens the workbook — content types, workbook and relationships, styles (which sheets
exist, which are hidden, which cell styles are dates) — all through defusedxml. The worksheet and
its shared strings, nearly all of the bytes, are parsed here with ElementTree's C parser instead:
openpyxl's read-only worksheet goes through defusedxml's pure-Python parser at ~3,000 rows/s (and
first scans a whole sheet that has no <dimension>), far too slow for a 100,000-row import.
EntityGuard is what makes the C parser safe: it refuses any DOCTYPE or ENTITY, and any encoding
but UTF-8, before the parser sees a byte of it, so there is never an entity to expand."""

import re
import warnings
import zipfile
import zlib
from collections.abc import Container, Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from importlib import import_module
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError, iterparse

from defusedxml import DefusedXmlException
from django.core.exceptions import ImproperlyConfigured
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.xml.constants import SHARED_STRINGS

from backend.imports.intake import (
    CHUNK,
    ENTITIES_MESSAGE,
    RESAVE,
    FileRefused,
    check_xml_encoding,
)

Record = tuple[int, Sequence[Any]]  # (row number as Excel shows it, the row's values)

MAX_ROW_NUMBER = 1_048_576  # Excel's limits
MAX_COLUMN = 16_384
CORRUPT_MESSAGE = "文件已损坏或格式不正确，无法读取。" + RESAVE

# Every parser openpyxl opens the workbook with; each must be defusedxml's.
_OPENPYXL_PARSERS = (
    ("openpyxl.packaging.manifest", "fromstring"),
    ("openpyxl.packaging.relationship", "fromstring"),
    ("openpyxl.reader.workbook", "fromstring"),
    ("openpyxl.reader.excel", "fromstring"),
    ("openpyxl.styles.stylesheet", "fromstring"),
)
# What parsing a malformed part raises (a shared string index out of range, a bad cell
# reference, XML that is not well-formed …).
_MALFORMED = (
    ParseError,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    OverflowError,
)
_ENTITY_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]*\d*:?[A-Z]*(\d+)\"")
_ROW_START = re.compile(rb"<(?:\w+:)?row[\s/>]")
_ESCAPED_CHARACTER = re.compile(r"_x([0-9A-Fa-f]{4})_")


class EntityGuard:
    """A read-only stream over an XML part that refuses DTDs and non-UTF-8 encodings."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._tail: bytes | None = None

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        if self._tail is None:
            check_xml_encoding(data)
            self._tail = b""
        window = self._tail + data
        if any(marker in window for marker in _ENTITY_MARKERS):
            raise FileRefused("XML_ENTITIES", ENTITIES_MESSAGE)
        self._tail = window[-16:]
        return data


@contextmanager
def malformed_refused() -> Iterator[None]:
    """What openpyxl or the parser raise on a hostile or broken workbook, as FileRefused.
    openpyxl wraps parser errors in ValueError, so the cause is looked at too."""
    try:
        yield
    except _MALFORMED as error:
        if isinstance(error, DefusedXmlException) or isinstance(
            error.__cause__, DefusedXmlException
        ):
            raise FileRefused("XML_ENTITIES", ENTITIES_MESSAGE) from None
        raise FileRefused("CORRUPT", CORRUPT_MESSAGE) from None


@dataclass
class XlsxSheet:
    """The first visible worksheet of an open workbook; close() closes the archive."""

    archive: zipfile.ZipFile
    path: str
    shared_strings: list[str]
    date_styles: Container[int]
    timedelta_styles: Container[int]
    epoch: datetime
    declared_rows: int  # from <dimension>, else the row tags counted: an estimate only

    def records(self) -> Generator[Record, None, None]:
        """Every <row> element, in order, as (number, values by 0-based column)."""
        with malformed_refused(), self.archive.open(self.path) as stream:
            yield from self._rows(EntityGuard(stream))

    def close(self) -> None:
        self.archive.close()

    def _rows(self, source: EntityGuard) -> Iterator[Record]:
        number = 0
        sheet_data: Element | None = None
        # Start events only to find <sheetData>, so that rows already read can be dropped from
        # it: a cleared element still costs ~100 bytes while it hangs on its parent.
        for event, element in iterparse(source, ("start", "end")):  # noqa: S314 (EntityGuard)
            if event == "start":
                if sheet_data is None and _local(element.tag) == "sheetData":
                    sheet_data = element
                continue
            name = _local(element.tag)
            if name != "row":
                if name not in _ROW_PARTS:
                    element.clear()  # nothing outside rows is kept
                continue
            number = int(element.get("r") or number + 1)
            if not 0 < number <= MAX_ROW_NUMBER:
                raise FileRefused("CORRUPT", CORRUPT_MESSAGE)
            yield number, self._values(element)
            if sheet_data is not None:
                sheet_data.clear()
            else:
                element.clear()

    def _values(self, row: Element) -> list[Any]:
        values: list[Any] = []
        column = 0
        for cell in row:
            if _local(cell.tag) != "c":
                continue
            reference = cell.get("r")
            column = _column(reference) if reference else column + 1
            if column > MAX_COLUMN:
                raise FileRefused("CORRUPT", CORRUPT_MESSAGE)
            value = self._value(cell)
            if value is None:
                continue
            if column > len(values):
                values.extend([None] * (column - len(values)))
            values[column - 1] = value
        return values

    def _value(self, cell: Element) -> Any:
        kind = cell.get("t", "n")
        text: str | None = None
        for child in cell:
            name = _local(child.tag)
            if name == "v":
                text = child.text
            elif name == "is" and kind == "inlineStr":
                return _string(child)
        if text is None:
            return None
        if kind == "s":
            index = int(text)
            if index < 0:
                raise FileRefused("CORRUPT", CORRUPT_MESSAGE)
            return self.shared_strings[index]
        if kind in ("str", "e", "inlineStr"):
            return _unescape(text)
        if kind == "b":
            return text.strip() in ("1", "true")
        if kind == "d":
            return from_ISO8601(text)
        number = _number(text)
        style = int(cell.get("s") or 0)
        if style in self.date_styles:
            try:
                return from_excel(number, self.epoch, timedelta=style in self.timedelta_styles)
            except (OverflowError, ValueError):
                return number  # marked as a date, but no date Excel can show: the number stays
        return number


def open_first_sheet(path: Path) -> XlsxSheet:
    """Open an inspected .xlsx (backend.imports.intake) at its first visible worksheet."""
    require_defused_openpyxl()
    with malformed_refused(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about extensions it does not read
        reader = ExcelReader(path, read_only=True, data_only=True, keep_links=False)
        try:
            reader.read_manifest()
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.wb)
            sheet_path = _first_visible_sheet(reader)
            strings = _shared_strings(reader)
            declared_rows = _declared_rows(reader.archive, sheet_path)
        except BaseException:
            reader.archive.close()
            raise
    return XlsxSheet(
        archive=reader.archive,
        path=sheet_path,
        shared_strings=strings,
        date_styles=reader.wb._date_formats,  # type: ignore[attr-defined]
        timedelta_styles=reader.wb._timedelta_formats,  # type: ignore[attr-defined]
        epoch=reader.wb.epoch,
        declared_rows=declared_rows,
    )


def require_defused_openpyxl() -> None:
    """openpyxl parses with defusedxml only when it is installed and not disabled with
    OPENPYXL_DEFUSEDXML=False (nor replaced by lxml); refuse to read workbooks otherwise."""
    for module_name, attribute in _OPENPYXL_PARSERS:
        parser = getattr(import_module(module_name), attribute)
        if not getattr(parser, "__module__", "").startswith("defusedxml"):
            raise ImproperlyConfigured(
                f"{module_name}.{attribute} is not defusedxml's: install defusedxml, do not set "
                "OPENPYXL_DEFUSEDXML=False."
            )


def _first_visible_sheet(reader: ExcelReader) -> str:
    for sheet, relationship in reader.parser.find_sheets():
        is_worksheet = relationship.Type.endswith("/worksheet")
        if is_worksheet and sheet.state == "visible" and relationship.target in reader.valid_files:
            return str(relationship.target)
    raise FileRefused("EMPTY", "文件中没有可见的工作表。")


def _shared_strings(reader: ExcelReader) -> list[str]:
    part = reader.package.find(SHARED_STRINGS)
    if part is None:
        return []
    strings = []
    table: Element | None = None
    with reader.archive.open(part.PartName[1:]) as stream:
        events = iterparse(EntityGuard(stream), ("start", "end"))  # noqa: S314 (as in _rows)
        for event, element in events:
            if table is None:
                table = element  # <sst>, whose read children are dropped as in _rows
            if event == "end" and _local(element.tag) == "si":
                strings.append(_string(element))
                table.clear()
    return strings


def _declared_rows(archive: zipfile.ZipFile, sheet_path: str) -> int:
    """The last row of <dimension>, which comes before the rows; writers that stream (openpyxl's
    write-only mode among them) leave it out, and then the row tags are counted."""
    with archive.open(sheet_path) as stream:
        head = stream.read(64 * 1024)
        found = _DIMENSION.search(head)
        if found:
            return int(found.group(1))
        count = len(_ROW_START.findall(head))
        tail = head[-16:]
        while chunk := stream.read(CHUNK):
            window = tail + chunk
            # Tags wholly inside the carried-over tail were counted with the previous chunk.
            count += len(_ROW_START.findall(window)) - len(_ROW_START.findall(tail))
            tail = window[-16:]
    return count


# Elements inside a row, read when the row ends.
_ROW_PARTS = frozenset({"c", "v", "f", "is", "t", "r", "rPr", "rPh", "phoneticPr"})


@lru_cache(maxsize=512)  # bounded: a hostile file may use millions of distinct tags
def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _column(reference: str) -> int:
    return column_index_from_string(reference.rstrip("0123456789"))


def _string(element: Element) -> str:
    """The text of an <si> or <is>: its <t>, or the <t> of each rich-text run <r>; phonetic
    guides (<rPh>) are not part of the value."""
    parts = []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts += [run.text or "" for run in child if _local(run.tag) == "t"]
    return _unescape("".join(parts))


def _unescape(text: str) -> str:
    """Excel writes characters XML cannot hold as _xHHHH_ (a line break in a cell: _x000D_)."""
    if "_x" not in text:
        return text
    return _ESCAPED_CHARACTER.sub(lambda found: chr(int(found.group(1), 16)), text)


def _number(text: str) -> int | float:
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)
