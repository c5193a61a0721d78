"""Turn raw file bytes into string tables: encoding sniffing, CSV/xlsx/JSON reading.

Everything here is format-agnostic. Adapters (``shopkpi.ingest.adapters``) decide what
the columns mean. Values stay strings at this stage; cleaning happens set-based in SQL.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from shopkpi.errors import FileRefused

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
_WS = " \t\r\n\u3000\ufeff\xa0"
# Rows whose first non-empty cell is one of these are report summaries, not data.
SUMMARY_MARKERS = frozenset({"汇总", "均值", "汇总值", "合计", "总计", "平均值", "平均"})


def clean_header(name: object) -> str:
    """Strip whitespace (incl. full-width and BOM) and Excel's ``="…"`` wrapper."""
    text = "" if name is None else str(name)
    text = text.strip(_WS)
    if text.startswith('="') and text.endswith('"'):
        text = text[2:-1]
    return text.strip(_WS)


@dataclass
class SourceFile:
    """One file to import, with lazily decoded text."""

    path: Path
    data: bytes
    display_name: str = ""
    _text: str | None = field(default=None, repr=False)
    _utf8: bytes | None = field(default=None, repr=False)
    encoding: str | None = None

    def __post_init__(self) -> None:
        if not self.display_name:
            self.display_name = self.path.name

    @property
    def kind(self) -> str:
        """``xlsx``, ``xls``, ``json`` or ``text`` from the content, not the file name."""
        head = self.data[:8]
        if head.startswith(ZIP_MAGIC):
            return "xlsx"
        if head.startswith(OLE_MAGIC):
            return "xls"
        stripped = self.head().lstrip(_WS)[:1] if self.data else ""
        if stripped in ("{", "["):
            return "json"
        return "text"

    def head(self, size: int = 1 << 16) -> str:
        """The first ``size`` bytes decoded leniently, for format detection only."""
        chunk = self.data[:size]
        if chunk.startswith(b"\xef\xbb\xbf"):
            return chunk[3:].decode("utf-8", errors="ignore")
        if chunk.startswith((b"\xff\xfe", b"\xfe\xff")):
            return chunk.decode("utf-16", errors="ignore")
        try:
            return chunk.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start >= len(chunk) - 3:  # a character cut at the chunk's end
                return chunk[: exc.start].decode("utf-8")
        return chunk.decode("gb18030", errors="ignore")

    @property
    def text(self) -> str:
        """The whole file decoded (BOM, UTF-8, then GB18030)."""
        if self._text is None:
            self._text = self.utf8().decode("utf-8")
        return self._text

    def utf8(self) -> bytes:
        """The whole file as UTF-8 bytes, without a BOM; cached.

        Large files never become one Python ``str``: UTF-8 is validated by Arrow, and
        GB18030 is transcoded in chunks.
        """
        if self._utf8 is None:
            self._utf8, self.encoding = to_utf8(self.data, self.display_name)
        return self._utf8


def to_utf8(data: bytes, name: str) -> tuple[bytes, str]:
    """Decode by BOM, then strict UTF-8, then strict GB18030 (a superset of GBK).

    Raises:
        FileRefused: when no encoding decodes the whole file, or it holds binary data.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        body, encoding = data[3:], "utf-8-sig"
        if not _valid_utf8(body):
            raise _encoding_error(name, body)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        body, encoding = data.decode("utf-16").encode("utf-8"), "utf-16"
    elif _valid_utf8(data):
        body, encoding = data, "utf-8"
    else:
        body, encoding = _gb18030_to_utf8(data, name), "gb18030"
    if b"\x00" in body:
        raise FileRefused(
            name, "encoding", "文件含有二进制内容，不是文本表格", hint="请导出为 CSV 或 xlsx"
        )
    return body, encoding


def _valid_utf8(data: bytes) -> bool:
    try:
        pa.array([data], pa.binary()).cast(pa.string())
    except pa.ArrowInvalid:
        return False
    return True


def _gb18030_to_utf8(data: bytes, name: str) -> bytes:
    decoder = codecs.getincrementaldecoder("gb18030")("strict")
    out = io.BytesIO()
    step = 1 << 24
    for start in range(0, len(data), step):
        try:
            out.write(
                decoder.decode(data[start : start + step], final=start + step >= len(data)).encode(
                    "utf-8"
                )
            )
        except UnicodeDecodeError as exc:
            raise _encoding_error(name, data, start + exc.start) from exc
    return out.getvalue()


def _encoding_error(name: str, data: bytes, position: int | None = None) -> FileRefused:
    if position is None:
        try:
            data.decode("utf-8")
            position = 0
        except UnicodeDecodeError as exc:
            position = exc.start
    line = data[:position].count(b"\n") + 1
    return FileRefused(
        name,
        "encoding",
        f"无法识别文件编码（既不是 UTF-8 也不是 GBK/GB18030），第 {line} 行附近有无法解码的字节",
        row=line,
        hint="请用平台导出的原始文件，或在 Excel 中另存为「CSV UTF-8」后再导入",
    )


@dataclass
class RawTable:
    """A sheet or CSV as strings: cleaned headers, columns ``c0..cN``, source row numbers."""

    source: str
    sheet: str | None
    headers: list[str]
    table: pa.Table  # columns c0..cN (string) plus __row (int64, 1-based line in the file)

    @property
    def label(self) -> str:
        return f"{self.source}[{self.sheet}]" if self.sheet else self.source


def _col_names(n: int) -> list[str]:
    return [f"c{i}" for i in range(n)]


def read_csv_text(text: str, name: str) -> RawTable:
    """Parse CSV text where every cell stays a string (see :func:`read_csv_bytes`)."""
    return read_csv_bytes(text.encode("utf-8"), name)


def read_csv_bytes(data: bytes, name: str) -> RawTable:
    """Parse UTF-8 CSV bytes where every cell stays a string; the delimiter is sniffed.

    Raises:
        FileRefused: empty file, truncated file (unbalanced quotes, short last row).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.strip(b" \t\r\n"):
        raise FileRefused(name, "empty", "文件是空的", hint="请确认导出是否完成后重新导出")
    if data.count(b'"') % 2:
        raise FileRefused(
            name,
            "truncated",
            "文件被截断：引号没有成对出现（最后一行可能不完整）",
            row=data.count(b"\n") + 1,
            hint="请重新下载或重新导出完整文件",
        )
    end = data.find(b"\n")
    header_line = (data if end < 0 else data[:end]).decode("utf-8").rstrip("\r")
    delimiter = "\t" if header_line.count("\t") > header_line.count(",") else ","
    try:
        cells = next(csv.reader([header_line], delimiter=delimiter))
    except csv.Error as exc:  # e.g. a bare carriage return inside the header line
        raise FileRefused(
            name,
            "bad_header",
            f"第1行表头无法解析（{exc}）",
            row=1,
            hint="表头中有单独的回车符或不成对的引号：请用平台重新导出，或用 Excel 另存为 CSV",
        ) from exc
    headers = [clean_header(h) for h in cells]
    while headers and headers[-1] == "":
        headers.pop()
    if not headers:
        raise FileRefused(name, "empty", "第1行没有表头", row=1, hint="请保留导出文件的表头行")
    table = _parse_rows(data, len(headers), name, delimiter)
    if table.num_rows == 0:
        raise FileRefused(
            name, "empty", "文件只有表头，没有数据行", hint="请确认导出的时间范围内有数据"
        )
    return RawTable(name, None, headers, table)


def _parse_rows(data: bytes, width: int, name: str, delimiter: str = ",") -> pa.Table:
    for extra in (0, 1):
        names = _col_names(width + extra)
        try:
            table = pacsv.read_csv(
                io.BytesIO(data),
                read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=1 << 24),
                parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        except pa.ArrowInvalid as exc:
            msg = str(exc)
            match = re.search(r"Expected (\d+) columns, got (\d+)", msg)
            if match and int(match.group(2)) == width + 1 and extra == 0:
                continue  # rows carry a trailing separator the header lacks
            raise FileRefused(
                name,
                "truncated",
                f"文件结构不完整：{_short_arrow_error(msg)}",
                row=_row_of_error(data, msg),
                hint="某行的列数和表头不一致，文件可能被截断或被手工改坏；请重新导出",
            ) from exc
        table = table.select(_col_names(width))
        return _with_rows(table, data)
    raise AssertionError("unreachable")


def _short_arrow_error(msg: str) -> str:
    match = re.search(r"Expected (\d+) columns, got (\d+)", msg)
    if match:
        return f"表头有 {match.group(1)} 列，但某行只有 {match.group(2)} 列"
    return msg.splitlines()[0]


def _row_of_error(data: bytes, msg: str) -> int | None:
    match = re.search(r"got \d+: (.*)$", msg, flags=re.S)
    if not match:
        return None
    snippet = match.group(1).strip().encode("utf-8")[:40]
    pos = data.rfind(snippet) if snippet else -1
    return data[:pos].count(b"\n") + 1 if pos >= 0 else None


def _with_rows(table: pa.Table, data: bytes) -> pa.Table:
    """Append ``__row``: the 1-based file line where each record starts (header = 1)."""
    import numpy as np
    import pyarrow.compute as pc

    n = table.num_rows
    starts = np.arange(n, dtype=np.int64) + 2
    if b'"' in data and n:
        # Quoted values may span lines: shift later records by the newlines inside values.
        extra = np.zeros(n, dtype=np.int64)
        for col in table.columns:
            extra += pc.fill_null(pc.count_substring(col, "\n"), 0).to_numpy(zero_copy_only=False)
        starts[1:] += np.cumsum(extra)[:-1]
    return table.append_column("__row", pa.array(starts, pa.int64()))


def cell_to_str(value: object) -> str:
    """Render an xlsx cell as the string a CSV export would have carried."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            # Beyond 2**53 Excel has already lost digits: keep the damage visible.
            return str(int(value)) if abs(value) < 2**53 else f"{value:.15E}"
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, dt.timedelta):
        return str(value.total_seconds())
    return str(value)


def read_workbook(src: SourceFile) -> list[RawTable]:
    """Read every non-empty sheet of an xlsx/xls workbook as string tables.

    The header row is the first of the first 10 rows with at least 2 non-empty cells
    (生意参谋 downloads put a title and a date range above the header).

    Raises:
        FileRefused: encrypted workbook, or one calamine cannot open.
    """
    name = src.display_name
    if src.data.startswith(OLE_MAGIC) and _ENCRYPTED_MARK in src.data:
        raise FileRefused(
            name,
            "encrypted",
            "这是加密的 Excel 文件（「已卖出的宝贝」导出常见），无法读取",
            hint="请在 Excel 中打开后「另存为」xlsx 或 CSV（不设密码），或改用千牛「订单报表」导出",
        )
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(src.data))
    except Exception as exc:  # calamine raises several error types
        raise FileRefused(
            name, "unreadable", f"无法打开 Excel 文件：{exc}", hint="请确认文件完整，或重新导出"
        ) from exc
    tables: list[RawTable] = []
    for sheet_name in book.sheet_names:
        rows = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        table = rows_to_raw(rows, name, sheet_name)
        if table is not None:
            tables.append(table)
    if not tables:
        raise FileRefused(name, "empty", "工作簿里没有数据", hint="请确认导出的时间范围内有数据")
    return tables


def rows_to_raw(rows: Sequence[Sequence[object]], name: str, sheet: str | None) -> RawTable | None:
    """Build a RawTable from python rows (header detection included); None when empty."""
    header_idx = None
    for i, row in enumerate(rows[:10]):
        if sum(1 for c in row if cell_to_str(c).strip(_WS)) >= 2:
            header_idx = i
            break
    if header_idx is None:
        return None
    headers = [clean_header(cell_to_str(c)) for c in rows[header_idx]]
    while headers and headers[-1] == "":
        headers.pop()
    width = len(headers)
    body = rows[header_idx + 1 :]
    cols: list[list[str]] = [[] for _ in range(width)]
    line_numbers: list[int] = []
    for offset, row in enumerate(body):
        cells = [cell_to_str(c) for c in row[:width]]
        if not any(c.strip(_WS) for c in cells):
            continue
        cells += [""] * (width - len(cells))
        for i, cell in enumerate(cells):
            cols[i].append(cell)
        line_numbers.append(header_idx + 2 + offset)
    if not line_numbers:
        return None
    arrays = [pa.array(c, pa.string()) for c in cols]
    arrays.append(pa.array(line_numbers, pa.int64()))
    table = pa.Table.from_arrays(arrays, names=[*_col_names(width), "__row"])
    return RawTable(name, sheet, headers, table)
