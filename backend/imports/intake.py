"""The first look at an upload, before anything parses it: is it small enough, is it really an
.xlsx or a text CSV, and is it free of macros, encryption, zip bombs and XML entity declarations.

Everything here reads bytes. An .xlsx is judged first by its central directory (declared sizes,
so a 10 GB bomb is refused without inflating a byte), then by one bounded inflate of every part
that checks the declared sizes were true and looks for what an XML parser must never see."""

import codecs
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

from django.conf import settings


class FileFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


class FileRefused(Exception):
    """The upload cannot be imported. `message` is Chinese and says what the user can do."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


RESAVE = "请用 Excel 打开并另存为 .xlsx（Excel 工作簿）后再上传。"
ZIP_BOMB_MESSAGE = "文件解压后的大小异常（疑似压缩炸弹），已拒绝。" + RESAVE
ENTITIES_MESSAGE = "文件中含有 XML 实体声明（DOCTYPE/ENTITY），出于安全原因已拒绝。" + RESAVE

MACRO_SUFFIXES = frozenset({".xlsm", ".xltm", ".xlam"})
ZIP_MAGIC = b"PK"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
BINARY_MAGICS = (
    (b"\x89PNG\r\n\x1a\n", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF8", "GIF 图片"),
    (b"%PDF-", "PDF 文档"),
    (b"\x1f\x8b", "gzip 压缩包"),
    (b"Rar!\x1a\x07", "RAR 压缩包"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包"),
)
# Exported "Excel" files from other systems are often HTML or SpreadsheetML renamed to .xls.
MARKUP_STARTS = ("<!doctype", "<html", "<?xml", "<table", "<head", "<meta")

MAX_ENTRIES = 1000
MAX_RATIO = 200
# Small parts may compress far better than 200:1 (a few KB of repeated styles); they cannot
# matter, since the sum of all parts is bounded anyway.
RATIO_FLOOR = 1024 * 1024
CHUNK = 256 * 1024
# The reader (backend.imports.xlsx_rows) builds each <row> element, with all its cells, in memory,
# and containers like <cols> or <mergeCells> keep their children until they end; these bound how
# big one can get. Real rows are a few KB; a row of 16,384 filled cells is under 1 MB.
MAX_ROW_BYTES = 1024 * 1024
MAX_OUTSIDE_ROWS_BYTES = 8 * 1024 * 1024
SHARED_STRINGS_PER_ROW = 16

_NAME = rb"(?:[A-Za-z_][\w.-]*:)?"
_LAST_ROW_TAG = re.compile(rb"(?s).*(?:<" + _NAME + rb"row[\s/>]|</" + _NAME + rb"row>)")
_SHEET_DATA_END = re.compile(rb"</" + _NAME + rb"sheetData>")
_SHARED_STRING = re.compile(rb"<" + _NAME + rb"si[\s/>]")
_ENTITY_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")
_DECLARED_ENCODING = re.compile(rb"""\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_MACRO_CONTENT_TYPES = (b"macroenabled", b"vbaproject", b"macrosheet")
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def inspect_upload(path: Path, filename: str) -> FileFormat:
    """The file's format, or FileRefused. Cheap checks first: size, name, magic bytes."""
    size = path.stat().st_size
    limit = settings.DANGJIAN_IMPORT_MAX_BYTES
    if size > limit:
        raise FileRefused(
            "TOO_LARGE", f"文件大小超过上限（{_megabytes(limit)}），请拆分后分批导入。"
        )
    if size == 0:
        raise FileRefused("EMPTY", "文件是空的。")
    suffix = Path(filename).suffix.lower()
    if suffix in MACRO_SUFFIXES:
        raise _macro_refused()
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(ZIP_MAGIC):
        _inspect_xlsx(path, size)
        return FileFormat.XLSX
    if head.startswith(OLE2_MAGIC):
        raise _ole2_refused(path)
    for magic, what in BINARY_MAGICS:
        if head.startswith(magic):
            raise FileRefused(
                "UNKNOWN_FORMAT", f"文件内容是 {what}，不是 Excel（.xlsx）或 CSV 文件。"
            )
    text_encoding(path)  # refuses binary files and undecodable text
    return FileFormat.CSV


def text_encoding(path: Path) -> str:
    """How a CSV is encoded: a BOM decides; otherwise UTF-8 if every byte decodes as UTF-8, else
    GB18030 (a superset of GBK, which Excel on Chinese Windows writes)."""
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith(codecs.BOM_UTF8):
        candidates: tuple[str, ...] = ("utf-8-sig",)
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)  # Excel's "Unicode 文本"
    else:
        candidates = ("utf-8", "gb18030")
    for encoding in candidates:
        if _decodes(path, encoding):
            return encoding
    raise FileRefused(
        "BAD_ENCODING", "无法识别 CSV 文件的编码，请另存为“CSV UTF-8（逗号分隔）”后再上传。"
    )


def check_xml_encoding(head: bytes) -> None:
    """Refuses an XML part in any encoding but UTF-8 (all Excel writes), whose bytes the scans
    for DOCTYPE here and in backend.imports.xlsx_rows could not see through."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<"):
        raise _corrupt("（含有非 UTF-8 编码的部件）")
    declared = _DECLARED_ENCODING.match(head.removeprefix(codecs.BOM_UTF8))
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        raise _corrupt("（含有非 UTF-8 编码的部件）")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _macro_refused() -> FileRefused:
    return FileRefused(
        "MACRO",
        "文件是含宏的工作簿，出于安全原因不能导入。请另存为不含宏的 .xlsx（Excel 工作簿）后再上传。",
    )


def _corrupt(detail: str = "") -> FileRefused:
    return FileRefused("CORRUPT", f"文件已损坏或格式不正确{detail}。{RESAVE}")


def _ole2_refused(path: Path) -> FileRefused:
    """OLE2 is either an Excel 97-2003 .xls or an OOXML workbook wrapped by password encryption;
    the latter holds a stream named EncryptedPackage."""
    if _ENCRYPTED_PACKAGE in path.read_bytes():
        return FileRefused(
            "ENCRYPTED",
            "文件设置了打开密码（已加密），无法读取。请在 Excel 中取消密码，另存为 .xlsx 后再上传。",
        )
    return FileRefused(
        "UNKNOWN_FORMAT",
        "这是旧版 Excel 97-2003（.xls）文件。请在 Excel 或 WPS 中另存为 .xlsx 后再上传。",
    )


# --- CSV ---------------------------------------------------------------------------------------


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as handle:
        first = True
        while True:
            raw = handle.read(CHUNK)
            try:
                text = decoder.decode(raw, final=not raw)
            except UnicodeDecodeError:
                return False
            if "\x00" in text:
                raise FileRefused("UNKNOWN_FORMAT", "文件不是 Excel（.xlsx）或 CSV 文件。")
            if first and text.lstrip().lower().startswith(MARKUP_STARTS):
                raise FileRefused(
                    "UNKNOWN_FORMAT",
                    "文件是网页或 XML 格式（常见于其他系统导出的 .xls），" + RESAVE,
                )
            first = False
            if not raw:
                return True


# --- xlsx --------------------------------------------------------------------------------------


def _inspect_xlsx(path: Path, size: int) -> None:
    _check_entry_count(path, size)
    try:
        with zipfile.ZipFile(path) as archive, path.open("rb") as handle:
            entries = archive.infolist()
            _check_declared_sizes(entries)
            _check_parts(entries)
            for entry in entries:
                _scan_part(handle, entry)
    except FileRefused:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, struct.error, ValueError, OSError):
        raise _corrupt() from None


def _check_entry_count(path: Path, size: int) -> None:
    """Read from the end-of-central-directory record, before zipfile builds an index of what
    could be hundreds of thousands of entries."""
    with path.open("rb") as handle:
        handle.seek(max(0, size - 65_557))  # the record (22 bytes) plus the longest comment
        tail = handle.read()
        end = tail.rfind(b"PK\x05\x06")
        if end < 0 or end + 22 > len(tail):
            raise _corrupt()
        count = struct.unpack("<H", tail[end + 10 : end + 12])[0]
        locator = end - 20
        if count == 0xFFFF and locator >= 0 and tail[locator : locator + 4] == b"PK\x06\x07":
            record_at = struct.unpack("<Q", tail[locator + 8 : locator + 16])[0]
            handle.seek(record_at)
            record = handle.read(56)
            if len(record) < 56 or record[:4] != b"PK\x06\x06":
                raise _corrupt()
            count = struct.unpack("<Q", record[32:40])[0]
    if count > MAX_ENTRIES:
        raise FileRefused(
            "ZIP_BOMB", f"文件包含 {count} 个部件，超过 {MAX_ENTRIES} 个的上限。{RESAVE}"
        )


def _check_declared_sizes(entries: list[zipfile.ZipInfo]) -> None:
    budget = settings.DANGJIAN_IMPORT_MAX_UNCOMPRESSED
    total = 0
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise FileRefused(
                "ENCRYPTED", "文件已加密，无法读取。请取消密码保护，另存为 .xlsx 后再上传。"
            )
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _corrupt("（使用了 Excel 不使用的压缩方式）")
        declared, packed = entry.file_size, entry.compress_size
        # Deflate never grows data by more than a few bytes per block, so more compressed
        # bytes than that means the declared size is a lie.
        if packed > declared + declared // 64 + 1024:
            raise FileRefused("ZIP_BOMB", ZIP_BOMB_MESSAGE)
        if declared >= RATIO_FLOOR and declared > MAX_RATIO * packed:
            raise FileRefused("ZIP_BOMB", ZIP_BOMB_MESSAGE)
        total += declared
        if total > budget:
            raise FileRefused("ZIP_BOMB", ZIP_BOMB_MESSAGE)


def _check_parts(entries: list[zipfile.ZipInfo]) -> None:
    names = {entry.filename for entry in entries}
    for name in names:
        lowered = name.lower()
        if lowered.endswith("vbaproject.bin") or lowered.startswith("xl/macrosheets/"):
            raise _macro_refused()
    if "xl/workbook.bin" in names:
        raise FileRefused("UNKNOWN_FORMAT", "这是二进制工作簿（.xlsb）。" + RESAVE)
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise FileRefused("UNKNOWN_FORMAT", "文件是压缩包，但不是 Excel 工作簿（.xlsx）。" + RESAVE)


def _scan_part(handle: BinaryIO, entry: zipfile.ZipInfo) -> None:
    """Inflate one part, in bounded chunks, refusing what must not be parsed."""
    name = entry.filename
    rows = _RowWatch() if name.startswith("xl/worksheets/") else None
    is_content_types = name == "[Content_Types].xml"
    shared_strings = 0
    shared_strings_limit = settings.DANGJIAN_IMPORT_MAX_ROWS * SHARED_STRINGS_PER_ROW
    tail = b""
    for chunk in _inflated(handle, entry):
        if not tail:
            check_xml_encoding(chunk)
        window = tail + chunk
        if any(marker in window for marker in _ENTITY_MARKERS):
            raise FileRefused("XML_ENTITIES", ENTITIES_MESSAGE)
        if is_content_types and any(m in window.lower() for m in _MACRO_CONTENT_TYPES):
            raise _macro_refused()
        if rows is not None:
            rows.feed(window, len(chunk))
        if name == "xl/sharedStrings.xml":
            # Tags wholly inside the carried-over tail were counted with the previous chunk.
            shared_strings += len(_SHARED_STRING.findall(window)) - len(
                _SHARED_STRING.findall(tail)
            )
            if shared_strings > shared_strings_limit:
                raise FileRefused("TOO_MANY_ROWS", "文件中的文本单元格过多，请拆分后分批导入。")
        tail = window[-16:]


def _inflated(handle: BinaryIO, entry: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's bytes, inflated from its local header on, stopping as soon as it yields more
    than the central directory declared (a lying bomb) and checking the CRC at the end."""
    handle.seek(entry.header_offset)
    header = handle.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise _corrupt()
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    handle.seek(entry.header_offset + 30 + name_length + extra_length)
    inflater = zlib.decompressobj(-15) if entry.compress_type == zipfile.ZIP_DEFLATED else None
    left = entry.compress_size
    produced = 0
    crc = 0
    pending = b""
    while True:
        if not pending and left > 0:
            pending = handle.read(min(CHUNK, left))
            if not pending:
                raise _corrupt()
            left -= len(pending)
        if inflater is None:
            out, pending = pending, b""
        else:
            out = inflater.decompress(pending, CHUNK)
            pending = inflater.unconsumed_tail
        produced += len(out)
        if produced > entry.file_size:
            raise FileRefused("ZIP_BOMB", ZIP_BOMB_MESSAGE)
        crc = zlib.crc32(out, crc)
        if out:
            yield out
        if inflater is not None and inflater.eof:
            break
        # A full chunk may leave output inside the inflater even when all input is in.
        if not pending and left == 0 and len(out) < CHUNK:
            break
    if inflater is not None and not inflater.eof:
        raise _corrupt()
    if produced != entry.file_size or crc != entry.CRC:
        raise _corrupt()


class _RowWatch:
    """Bounds the bytes between row tags inside <sheetData>, and outside it. Measured per chunk,
    so a stretch is caught within one chunk of its limit."""

    def __init__(self) -> None:
        self.since_tag = 0
        self.seen_row = False
        self.after_rows = False

    def feed(self, window: bytes, new: int) -> None:
        if not self.after_rows:
            end = _SHEET_DATA_END.search(window) if b"sheetData>" in window else None
            if end is not None:
                self.after_rows = True
                self.since_tag = len(window) - end.end()
            else:
                last = _LAST_ROW_TAG.match(window)
                if last is not None:
                    self.seen_row = True
                    self.since_tag = len(window) - last.end()
                else:
                    self.since_tag += new
        else:
            self.since_tag += new
        limit = MAX_ROW_BYTES if self.seen_row and not self.after_rows else MAX_OUTSIDE_ROWS_BYTES
        if self.since_tag > limit:
            raise FileRefused("CORRUPT", "工作表中有一行或一段内容异常巨大，已拒绝。" + RESAVE)
