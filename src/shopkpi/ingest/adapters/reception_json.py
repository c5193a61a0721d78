"""生意参谋 接待明细 as JSON: the page's own ``data.dataSource`` and session bundles.

Parsing is DuckDB's JSON reader, never a Python loop over records. A bundle is one JSON
object holding one huge array; DuckDB parses a single object on one thread and holds all of
it, so when the file is ``<prefix>[ … ]<closers>`` the array alone is handed to DuckDB as a
top-level array (``format='array'``), which it streams record by record. Anything else
(extra keys after the array, say) falls back to reading the whole object.

Reading runs on a cursor (a second connection to the same database), so a malformed file
raises there and never aborts the import's transaction before the file is refused.
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
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from shopkpi.errors import FileRefused
from shopkpi.ingest.adapters.chat_common import new_tag
from shopkpi.ingest.adapters.reception import (
    FIELDS,
    JSON_NAMES,
    LABEL,
    MESSAGE_KEYS,
    SESSION_KEYS,
    stage_reception,
)
from shopkpi.ingest.base import DocumentAdapter, ImportContext, ParseResult
from shopkpi.ingest.reader import SourceFile
from shopkpi.warehouse.db import scalar

_HINT = "请重新下载或重新导出完整的接待明细 JSON 文件"
_BYTE = re.compile(r"at byte (\d+)")


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


def _temp_dir(ctx: ImportContext) -> str | None:
    configured = scalar(ctx.con, "SELECT current_setting('temp_directory')")
    if not configured:
        return None
    path = Path(str(configured))
    path.mkdir(parents=True, exist_ok=True)
    return str(path)


def read_records(ctx: ImportContext, src: SourceFile, shape: Shape) -> pa.Table:
    """Every record (message row or session) as struct column ``r``, in file order."""
    payload = _Payload(ctx, src)
    cursor = ctx.con.cursor()
    try:
        span = array_span(payload.data, shape)
        if span is not None:
            sql = f"SELECT r FROM read_json(?, format='array', records=false, columns={{r: '{_RECORD[shape]}'}})"
            try:
                return cursor.sql(sql, params=[payload.path_for(*span)]).to_arrow_table()
            except duckdb.Error as exc:
                if span == (0, len(payload.data)) or "transform error" in str(exc):
                    raise _refused(src, exc, payload.data, span[0]) from exc
        holder = (
            f"data: 'STRUCT(dataSource {_ROW}[])', dataSource: '{_ROW}[]'"
            if shape is Shape.rows
            else f"sessions: '{_SESSION}[]'"
        )
        items = "coalesce(data.dataSource, dataSource)" if shape is Shape.rows else "sessions"
        sql = f"""SELECT unnest({items}) AS r FROM read_json(?, format='unstructured',
                  records=true, maximum_object_size={len(payload.data) + 1}, columns={{{holder}}})"""
        try:
            return cursor.sql(sql, params=[payload.path_for(0, len(payload.data))]).to_arrow_table()
        except duckdb.Error as exc:
            raise _refused(src, exc, payload.data, 0) from exc
    finally:
        cursor.close()
        payload.close()


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


def _with_rows(records: pa.Table, shape: Shape) -> pa.Table:
    """Add ``__row`` (rows) or ``__base`` (bundle: messages before this session)."""
    n = records.num_rows
    if shape is Shape.rows:
        return records.append_column("__row", pa.array(np.arange(1, n + 1, dtype=np.int64)))
    messages = pc.struct_field(records.column("r"), "messages")
    lengths = pc.fill_null(pc.list_value_length(messages), 0).to_numpy(zero_copy_only=False)
    base = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64) if n else lengths
    return records.append_column("__base", pa.array(base, pa.int64()))


def _raw_sql(view: str, shape: Shape) -> str:
    """Flatten registered records into the reception relation (canonical string columns)."""
    if shape is Shape.rows:
        cols = ", ".join(f'r."{JSON_NAMES[f.name]}" AS {f.name}' for f in FIELDS)
        return f"SELECT __row, {cols} FROM {view}"
    session = ", ".join(
        f'coalesce(r.meta."{JSON_NAMES[f.name]}", r."{JSON_NAMES[f.name]}") AS {f.name}'
        for f in FIELDS[: len(SESSION_KEYS)]
    )
    message = ", ".join(
        f'm."{JSON_NAMES[f.name]}" AS {f.name}' for f in FIELDS[len(SESSION_KEYS) :]
    )
    return f"""
        SELECT __base + i AS __row, {session}, {message} FROM (
            SELECT __base, r,
                unnest(CASE WHEN len(r.messages) > 0 THEN r.messages ELSE [NULL] END) AS m,
                unnest(CASE WHEN len(r.messages) > 0 THEN range(1, len(r.messages) + 1)
                       ELSE [NULL] END) AS i
            FROM {view})"""


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
        records = _with_rows(read_records(ctx, src, shape), shape)
        if records.num_rows == 0:
            raise FileRefused(
                src.display_name,
                "empty",
                "JSON 里没有任何接待记录",
                hint="请确认导出的时间范围内有数据",
            )
        view = f"_chat_json_{new_tag('json')}"
        ctx.con.register(view, records)
        try:
            names = {**JSON_NAMES, "agent": JSON_NAMES["account_nick"]}
            return stage_reception(
                ctx, _raw_sql(view, shape), names, adapter=self.NAME, source=src.display_name
            )
        finally:
            ctx.con.unregister(view)
