"""生意参谋 接待明细 as JSON: the page's own ``data.dataSource`` and session bundles.

Parsing is DuckDB's JSON reader, never a Python loop over records. A bundle is one JSON
object holding one huge array; DuckDB parses a single object on one thread and holds all of
it, so when the file is ``<prefix>[ … ]<closers>`` the array alone is handed to DuckDB as a
top-level array (``format='array'``), which it streams record by record. Anything else
(extra keys after the array, say) falls back to reading the whole object.

Reading runs on a cursor (a second connection to the same database) into an attached
in-memory scratch database, so a malformed file raises there and never aborts the import's
transaction, and the import reads the parsed rows from native DuckDB tables.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from contextlib import suppress
from enum import StrEnum
from pathlib import Path

import duckdb

from shopkpi.errors import FileRefused
from shopkpi.ingest.adapters.chat_common import new_tag
from shopkpi.ingest.adapters.reception import (
    FIELDS,
    JSON_NAMES,
    LABEL,
    MESSAGE_KEYS,
    SESSION_KEYS,
    cleaned_select,
    light_clean,
    stage_reception,
)
from shopkpi.ingest.base import DocumentAdapter, ImportContext, ParseResult
from shopkpi.ingest.reader import SourceFile
from shopkpi.warehouse.db import scalar

_HINT = "请重新下载或重新导出完整的接待明细 JSON 文件"
_BYTE = re.compile(r"at byte (\d+)")
SCRATCH = "shopkpi_scratch"


class Shape(StrEnum):
    """How a file arranges its records."""

    rows = "rows"  # the page's own JSON: one record per message, session fields repeated
    bundle = "bundle"  # one record per session: {"meta": {…}, "messages": […]}


def _struct(keys: tuple[str, ...]) -> str:
    return "STRUCT(" + ", ".join(f'"{k}" VARCHAR' for k in keys) + ")"


_ROW = _struct(SESSION_KEYS + MESSAGE_KEYS)
_SESSION = (
    f"STRUCT(meta {_struct(SESSION_KEYS)}, messages {_struct(MESSAGE_KEYS)}[], "
    + ", ".join(f'"{k}" VARCHAR' for k in SESSION_KEYS)
    + ")"
)
_RECORD = {Shape.rows: _ROW, Shape.bundle: _SESSION}
_ARRAY_KEY = {Shape.rows: "dataSource", Shape.bundle: "sessions"}
_MESSAGE_MARKS = ('"gmtCreated"', '"userNickFrom"', '"msgId"')


def detect_shape(head: str) -> Shape | None:
    """The shape of a reception JSON from its first bytes, or None for other JSON."""
    text = head.lstrip()
    if re.search(r'"sessions"\s*:\s*\[', text) or (
        text.startswith("[") and '"messages"' in text and '"meta"' in text
    ):
        return Shape.bundle
    has_messages = any(mark in text for mark in _MESSAGE_MARKS)
    if has_messages and (re.search(r'"dataSource"\s*:\s*\[', text) or text.startswith("[")):
        return Shape.rows
    return None


def array_span(data: bytes, shape: Shape) -> tuple[int, int] | None:
    """Byte range ``[start, end)`` of the record array when nothing follows it but closers."""
    end = len(data.rstrip())
    start = len(data) - len(data.lstrip())
    if data[start : start + 1] == b"[":
        return (start, end) if data[end - 1 : end] == b"]" else None
    match = re.search(rb'"%s"\s*:\s*\[' % _ARRAY_KEY[shape].encode(), data[: 1 << 16])
    if match is None:
        return None
    open_at, close_at = match.end() - 1, end
    while close_at > open_at and data[close_at - 1] in b" \t\r\n}":
        close_at -= 1
    if data[close_at - 1 : close_at] != b"]":
        return None
    try:  # the prefix and the closers must make a document with the array (emptied) in place
        doc = json.loads(data[: open_at + 1] + data[close_at - 1 : end])
    except ValueError:
        return None
    holder = doc.get("data", doc) if shape is Shape.rows and isinstance(doc, dict) else doc
    if not isinstance(holder, dict) or holder.get(_ARRAY_KEY[shape]) != []:
        return None
    return open_at, close_at


class _Payload:
    """The file as UTF-8 on disk for DuckDB: the original when possible, else a temp copy."""

    def __init__(self, ctx: ImportContext, src: SourceFile) -> None:
        self.data = src.utf8()
        self.original = (
            src.path
            if src.encoding == "utf-8"
            and src.path.is_file()
            and src.path.stat().st_size == len(self.data)
            else None
        )
        self.dir = _temp_dir(ctx)
        self.temps: list[str] = []

    def path_for(self, start: int, end: int) -> str:
        if self.original is not None and (start, end) == (0, len(self.data)):
            return str(self.original)
        fd, name = tempfile.mkstemp(suffix=".json", dir=self.dir)
        self.temps.append(name)
        with os.fdopen(fd, "wb") as out:
            out.write(memoryview(self.data)[start:end])
        return name

    def close(self) -> None:
        for name in self.temps:
            with suppress(OSError):
                os.remove(name)
        self.temps.clear()


def _temp_dir(ctx: ImportContext) -> str | None:
    configured = scalar(ctx.con, "SELECT current_setting('temp_directory')")
    if not configured:
        return None
    path = Path(str(configured))
    path.mkdir(parents=True, exist_ok=True)
    return str(path)


class _Scratch:
    """A cursor and tables in an in-memory database attached beside the warehouse.

    The cursor is a second connection: a read error there leaves the import's transaction
    usable (so the file can be refused cleanly), and its tables are visible to the import.
    """

    def __init__(self, ctx: ImportContext) -> None:
        self.cursor = ctx.con.cursor()
        self.cursor.execute(f"ATTACH IF NOT EXISTS ':memory:' AS {SCRATCH}")
        self.tables: list[str] = []

    def table(self, name: str) -> str:
        self.tables.append(f"{SCRATCH}.{name}_{new_tag('t')}")
        return self.tables[-1]

    def drop(self, table: str) -> None:
        self.cursor.execute(f"DROP TABLE IF EXISTS {table}")

    def close(self) -> None:
        for table in self.tables:
            with suppress(duckdb.Error):
                self.drop(table)
        self.cursor.close()


def load_records(
    cursor: duckdb.DuckDBPyConnection, src: SourceFile, payload: _Payload, shape: Shape, table: str
) -> None:
    """``table`` (column ``r``): every record (message row or session), in file order."""
    span = array_span(payload.data, shape)
    if span is not None:
        fast = f"read_json(?, format='array', records=false, columns={{r: '{_RECORD[shape]}'}})"
        try:
            cursor.execute(
                f"CREATE TABLE {table} AS SELECT r FROM {fast}", [payload.path_for(*span)]
            )
            return
        except duckdb.Error as exc:
            if span == (0, len(payload.data)) or "transform error" in str(exc):
                raise _refused(src, exc, payload.data, span[0]) from exc
    holder = (
        f"data: 'STRUCT(dataSource {_ROW}[])', dataSource: '{_ROW}[]'"
        if shape is Shape.rows
        else f"sessions: '{_SESSION}[]'"
    )
    items = "coalesce(data.dataSource, dataSource)" if shape is Shape.rows else "sessions"
    whole = f"""read_json(?, format='unstructured', records=true,
                maximum_object_size={len(payload.data) + 1}, columns={{{holder}}})"""
    try:
        cursor.execute(
            f"CREATE TABLE {table} AS SELECT unnest({items}) AS r FROM {whole}",
            [payload.path_for(0, len(payload.data))],
        )
    except duckdb.Error as exc:
        raise _refused(src, exc, payload.data, 0) from exc


def _refused(src: SourceFile, exc: duckdb.Error, data: bytes, offset: int) -> FileRefused:
    message = str(exc).splitlines()[0]
    if "transform error" in message:
        return FileRefused(
            src.display_name,
            "unknown_format",
            "JSON 结构不是已知的接待明细格式（字段类型不符）",
            row=1,
            hint="支持生意参谋页面 JSON（data.dataSource）和会话包（sessions / meta / messages）",
        )
    at = _BYTE.search(message)
    row = data[: offset + int(at.group(1))].count(b"\n") + 1 if at else None
    return FileRefused(
        src.display_name,
        "truncated",
        "JSON 文件不完整或已损坏（可能下载中断）",
        row=row,
        hint=_HINT,
    )


def add_bases(cursor: duckdb.DuckDBPyConnection, records: str, bases: str) -> None:
    """``bases``: for each bundle session (by rowid), how many messages come before it."""
    cursor.execute(
        f"""CREATE TABLE {bases} AS SELECT rowid AS rid, coalesce(sum(len(r.messages))
                OVER (ORDER BY rowid ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS base
            FROM {records}"""
    )


def flatten_sql(records: str, shape: Shape, bases: str = "") -> str:
    """The reception relation (canonical string columns + ``__row``) from the records.

    ``__row`` is the message's position in the file's message list; a bundle session with
    no messages yields one row with a NULL ``__row`` so that the session still lands.
    """
    if shape is Shape.rows:
        cols = ", ".join(f'r."{JSON_NAMES[f.name]}" AS {f.name}' for f in FIELDS)
        return f"SELECT rowid + 1 AS __row, {cols} FROM {records}"
    session = ", ".join(
        f'coalesce(r.meta."{JSON_NAMES[f.name]}", r."{JSON_NAMES[f.name]}") AS {f.name}'
        for f in FIELDS[: len(SESSION_KEYS)]
    )
    message = ", ".join(
        f'm."{JSON_NAMES[f.name]}" AS {f.name}' for f in FIELDS[len(SESSION_KEYS) :]
    )
    return f"""
        SELECT base + i AS __row, {session}, {message} FROM (
            SELECT b.base, s.r,
                unnest(CASE WHEN len(s.r.messages) > 0 THEN s.r.messages ELSE [NULL] END) AS m,
                unnest(CASE WHEN len(s.r.messages) > 0 THEN range(1, len(s.r.messages) + 1)
                       ELSE [NULL] END) AS i
            FROM {records} s JOIN {bases} b ON b.rid = s.rowid)"""


class ReceptionJsonAdapter(DocumentAdapter):
    """生意参谋 接待明细 JSON in either shape."""

    NAME = "reception_json"
    LABEL = LABEL
    KINDS = frozenset({"json"})

    def detect(self, src: SourceFile) -> float:
        return 0.95 if detect_shape(src.head()) is not None else 0.0

    def parse(self, ctx: ImportContext, src: SourceFile) -> ParseResult:
        shape = detect_shape(src.head())
        if shape is None:
            raise FileRefused(
                src.display_name, "unknown_format", "JSON 结构不是已知的接待明细格式", row=1
            )
        scratch, payload = _Scratch(ctx), _Payload(ctx, src)
        try:
            records, bases = scratch.table("records"), scratch.table("bases")
            load_records(scratch.cursor, src, payload, shape, records)
            payload.close()
            if shape is Shape.bundle:
                add_bases(scratch.cursor, records, bases)
            # Only now may the import's transaction look: it sees scratch as of its first read.
            messages = "count(*)" if shape is Shape.rows else "sum(len(r.messages))"
            [(records_read, messages_read)] = ctx.con.execute(
                f"SELECT count(*), coalesce({messages}, 0) FROM {records}"
            ).fetchall()
            if not records_read:
                raise FileRefused(
                    src.display_name,
                    "empty",
                    "JSON 里没有任何接待记录",
                    hint="请确认导出的时间范围内有数据",
                )
            cl = cleaned_select(ctx, flatten_sql(records, shape, bases), light_clean)
            names = {**JSON_NAMES, "agent": JSON_NAMES["account_nick"]}
            return stage_reception(
                ctx,
                f"({cl})",
                names,
                adapter=self.NAME,
                source=src.display_name,
                rows_read=int(messages_read),
            )
        finally:
            payload.close()
            scratch.close()
