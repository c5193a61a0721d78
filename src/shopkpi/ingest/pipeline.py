"""Import one file atomically: detect, parse, quarantine, upsert, log, archive."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from shopkpi.config.models import WorkspaceConfig
from shopkpi.errors import FileRefused
from shopkpi.ingest.base import ImportContext, ParseResult, TabularAdapter
from shopkpi.ingest.reader import RawTable, SourceFile, read_csv_bytes, read_workbook
from shopkpi.ingest.registry import (
    builtin_documents,
    builtin_tabular,
    choose_document,
    choose_tabular,
)
from shopkpi.ingest.tabular import stage_tabular
from shopkpi.warehouse.db import Warehouse, scalar
from shopkpi.warehouse.upsert import UpsertStats, upsert

_FILE_TS = re.compile(r"(20\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?!\d)")


@dataclass
class ImportResult:
    """What happened to one file; one row of ``shopkpi ingest``'s summary table."""

    file: str
    file_hash: str
    status: str  # ok | skipped | refused
    adapter: str = ""
    rows_read: int = 0
    accepted: int = 0
    quarantined: int = 0
    duplicates: int = 0
    stale: int = 0
    overwritten: int = 0
    unchanged: int = 0
    tables: dict[str, int] = field(default_factory=dict)
    message: str = ""
    error: FileRefused | None = None


def file_time_from_name(name: str, tz: str) -> dt.datetime | None:
    """``ExportOrderList202611160930.csv`` → 2026-11-16 09:30 local, as UTC."""
    match = _FILE_TS.search(name)
    if not match:
        return None
    parts = [int(p) if p else 0 for p in match.groups()]
    try:
        year, month, day, hour, minute, second = parts
        local = dt.datetime(year, month, day, hour, minute, second, tzinfo=ZoneInfo(tz))
    except ValueError:
        return None
    return local.astimezone(dt.UTC).replace(tzinfo=None)


class Ingestor:
    """Imports files into a warehouse; one transaction per file."""

    def __init__(
        self,
        warehouse: Warehouse,
        config: WorkspaceConfig,
        archive_dir: Path | None = None,
        extra_adapters: list[TabularAdapter] | None = None,
    ) -> None:
        self.warehouse = warehouse
        self.config = config
        self.archive_dir = archive_dir
        self.tabular = [*(extra_adapters or []), *builtin_tabular()]
        self.documents = builtin_documents()

    def ingest_path(
        self, path: Path, shop_id: str | None = None, *, force: bool = False
    ) -> ImportResult:
        """Import one file; a refused file is reported in the result, not raised."""
        data = path.read_bytes()
        return self.ingest_bytes(path, data, shop_id, force=force)

    def ingest_bytes(
        self, path: Path, data: bytes, shop_id: str | None = None, *, force: bool = False
    ) -> ImportResult:
        file_hash = hashlib.sha256(data).hexdigest()
        src = SourceFile(path, data)
        con = self.warehouse.con
        if not force and self._already_imported(file_hash):
            return ImportResult(
                src.display_name, file_hash, "skipped", message="同一文件已导入过，未做任何改动"
            )
        shop = self.config.shop(shop_id)
        started = _now()
        ctx = ImportContext(
            con,
            self.config,
            shop.id,
            shop.timezone,
            file_hash,
            src.display_name,
            file_time_from_name(src.display_name, shop.timezone),
        )
        try:
            with self.warehouse.transaction():
                # A forced re-import replaces this file's quarantine rows, never adds to them.
                con.execute("DELETE FROM quarantine WHERE file_hash = ?", [file_hash])
                result = self._import(ctx, src)
                self._archive(src, file_hash)
                self._log(ctx, src, result, started, "ok")
        except FileRefused as exc:
            result = ImportResult(
                src.display_name, file_hash, "refused", message=str(exc), error=exc
            )
            with self.warehouse.transaction():
                self._log(ctx, src, result, started, "refused")
            return result
        finally:
            _drop_temp_tables(con)
        return result

    def _already_imported(self, file_hash: str) -> bool:
        return bool(
            scalar(
                self.warehouse.con,
                "SELECT count(*) FROM import_log WHERE file_hash = ? AND status = 'ok'",
                [file_hash],
            )
        )

    def _import(self, ctx: ImportContext, src: SourceFile) -> ImportResult:
        parses = self._parse(ctx, src)
        latest = [p.latest_ts for p in parses if p.latest_ts is not None]
        source_ts = ctx.file_ts or (max(latest) if latest else None) or _now()
        result = ImportResult(src.display_name, ctx.file_hash, "ok")
        result.adapter = "+".join(dict.fromkeys(p.adapter for p in parses))
        notes: list[str] = []
        for parse in parses:
            result.rows_read += parse.rows_read
            result.quarantined += parse.quarantined
            result.duplicates += parse.duplicates
            notes += parse.notes
            for staged in parse.staged:
                stats = upsert(ctx.con, staged.table, staged.temp_table, ctx.file_hash, source_ts)
                _add(result, staged.table, stats)
        result.accepted = result.rows_read - result.quarantined - result.duplicates
        result.message = "；".join(notes)
        return result

    def _parse(self, ctx: ImportContext, src: SourceFile) -> list[ParseResult]:
        if not src.data:
            raise FileRefused(
                src.display_name, "empty", "文件是空的", hint="请确认导出是否完成后重新导出"
            )
        kind = src.kind
        if kind in ("xlsx", "xls"):
            return self._parse_tables(ctx, src, read_workbook(src))
        document = choose_document(src, self.documents)
        if kind == "json":
            if document is None:
                raise _unknown(src.display_name, "JSON 结构不是已知的接待明细格式")
            return [document.parse(ctx, src)]
        if document is not None:
            return [document.parse(ctx, src)]
        return self._parse_tables(ctx, src, [read_csv_bytes(src.utf8(), src.display_name)])

    def _parse_tables(
        self, ctx: ImportContext, src: SourceFile, tables: list[RawTable]
    ) -> list[ParseResult]:
        chosen = [(raw, choose_tabular(raw, self.tabular)) for raw in tables]
        known = [(raw, a) for raw, a in chosen if a is not None]
        if not known:
            _refuse_ratings_file(tables)
            headers = "、".join(tables[0].headers[:6])
            raise _unknown(src.display_name, f"无法根据表头识别文件格式（表头：{headers}…）")
        results = [stage_tabular(ctx, adapter, raw) for raw, adapter in known]
        skipped = [raw.sheet or raw.source for raw, a in chosen if a is None]
        if skipped:
            results[0].notes.append(f"未识别的工作表已跳过：{'、'.join(s or '' for s in skipped)}")
        return results

    def _archive(self, src: SourceFile, file_hash: str) -> None:
        if self.archive_dir is None:
            return
        target = self.archive_dir / file_hash[:2] / f"{file_hash}{src.path.suffix.lower()}"
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(target.suffix + ".part")
            if src.path.exists():
                shutil.copyfile(src.path, tmp)
            else:
                tmp.write_bytes(src.data)
            tmp.replace(target)

    def _log(
        self,
        ctx: ImportContext,
        src: SourceFile,
        r: ImportResult,
        started: dt.datetime,
        status: str,
    ) -> None:
        con = ctx.con
        con.execute("DELETE FROM import_log WHERE file_hash = ?", [ctx.file_hash])
        con.execute(
            "INSERT INTO import_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                ctx.file_hash,
                src.display_name,
                r.adapter,
                ctx.shop_id,
                src.encoding,
                ctx.file_ts,
                r.rows_read,
                r.accepted,
                r.quarantined,
                r.duplicates,
                r.stale,
                r.overwritten,
                r.unchanged,
                started,
                _now(),
                status,
                r.message,
            ],
        )


def _add(result: ImportResult, table: str, stats: UpsertStats) -> None:
    result.stale += stats.stale
    result.overwritten += stats.overwritten
    result.unchanged += stats.unchanged
    result.tables[table] = result.tables.get(table, 0) + stats.inserted + stats.overwritten


def _refuse_ratings_file(tables: list[RawTable]) -> None:
    """A 主管评分 file belongs in the app DB (with its audit trail), not the warehouse."""
    from shopkpi.appdb.ratings_file import looks_like_ratings

    for raw in tables:
        if looks_like_ratings(raw.headers):
            raise FileRefused(
                raw.label,
                "ratings_file",
                "这是主管评分表（员工编号、周期、维度、分数），评分保存在应用数据库，不经过 ingest 导入",
                row=1,
                hint=f"请运行 `shopkpi ratings import {raw.source} --by 你的名字`",
            )


def _unknown(name: str, detail: str) -> FileRefused:
    return FileRefused(
        name,
        "unknown_format",
        detail,
        row=1,
        hint="支持：订单报表、宝贝报表/销售明细、退款报表、生意参谋接待明细、千牛聊天记录、服务评价、员工花名册/排班/目标；其他格式请在 mappings/ 写列映射",
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _drop_temp_tables(con: object) -> None:
    rows = con.execute(  # type: ignore[attr-defined]
        "SELECT table_name FROM duckdb_tables() WHERE temporary AND table_name LIKE '\\_%' ESCAPE '\\'"
    ).fetchall()
    for (name,) in rows:
        con.execute(f'DROP TABLE IF EXISTS temp."{name}"')  # type: ignore[attr-defined]
