"""The Workspace facade: the one entry point for the CLI, the web app and tests."""

from __future__ import annotations

import copy
from collections.abc import Callable, Collection, Iterable, Sequence
from contextlib import suppress
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from shopkpi.config.loader import load_config
from shopkpi.config.models import WorkspaceConfig
from shopkpi.config.template import render_config
from shopkpi.errors import WorkspaceError
from shopkpi.ingest.pipeline import ImportResult, Ingestor
from shopkpi.memo import Memo, no_memo
from shopkpi.warehouse.db import Warehouse, WarehouseBusy

if TYPE_CHECKING:
    from shopkpi.appdb.db import AppDB
    from shopkpi.appdb.records import RatingsImport
    from shopkpi.ingest.adapters.vocab import EntityKind
    from shopkpi.metrics.api import Shown
    from shopkpi.metrics.compute import ComputeResult
    from shopkpi.metrics.explain import Explanation
    from shopkpi.metrics.pacing import Overview
    from shopkpi.metrics.report import EntityRow
    from shopkpi.metrics.transcript import Transcript
    from shopkpi.metrics.trend import Trend
    from shopkpi.planning.proposals import ProposalService
    from shopkpi.scoring.service import ScoringService
    from shopkpi.scoring.validate import CheckReport

CONFIG_FILE = "shopkpi.yaml"
FOLDERS = ("plans", "inbox", "archive", "mappings")
IMPORTABLE = {".csv", ".txt", ".xlsx", ".xls", ".json", ".tsv"}


class Workspace:
    """A shop's workspace folder: config, plans, inbox, archive and the warehouse."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).resolve()
        if not (self.root / CONFIG_FILE).exists():
            raise WorkspaceError(
                f"{self.root} 不是 shopkpi 工作区（没有 {CONFIG_FILE}）；请先运行 `shopkpi init {self.root}`"
            )
        self.config: WorkspaceConfig = load_config(self.root / CONFIG_FILE)
        # Keeps expensive read results while the data stays the same; only the server,
        # the one writer, binds a real one (memo.py), per request.
        self.memo: Memo = no_memo

    @classmethod
    def init(
        cls, root: Path | str, *, shop_id: str = "my_shop", shop_name: str = "我的店铺"
    ) -> Workspace:
        """Create the folders and a commented ``shopkpi.yaml`` (never overwrites one)."""
        path = Path(root)
        path.mkdir(parents=True, exist_ok=True)
        for folder in FOLDERS:
            (path / folder).mkdir(exist_ok=True)
        config = path / CONFIG_FILE
        if not config.exists():
            config.write_text(render_config(shop_id, shop_name), encoding="utf-8")
        from shopkpi.scoring.examples import copy_examples

        copy_examples(path / "plans")
        return cls(path)

    def path(self, relative: str) -> Path:
        p = Path(relative)
        return p if p.is_absolute() else self.root / p

    @cached_property
    def warehouse(self) -> Warehouse:
        engine = self.config.engine
        location = engine.warehouse
        try:
            return Warehouse(
                location if location == ":memory:" else str(self.path(location)),
                memory_limit=engine.memory_limit,
                temp_directory=str(self.path(engine.temp_directory)),
                threads=engine.threads,
            )
        except WarehouseBusy as exc:
            from shopkpi.handoff import running_server

            server = running_server(self.root)
            if server is None:
                raise
            raise WarehouseBusy(
                f"shopkpi serve 正在运行（{server.url}，进程 {server.pid}）并独占本工作区的仓库。"
                "导入、计算和封账命令会自动交给该服务执行；其他命令请在网页或 /api/v1 查看，"
                "或先停止该服务"
            ) from exc

    @cached_property
    def appdb(self) -> AppDB:
        """The app database (ratings, plan adoptions, snapshots, audit log) at
        ``engine.database_url``; a relative SQLite path is inside the workspace."""
        from shopkpi.appdb.db import AppDB

        return AppDB(self.config.engine.database_url, root=self.root)

    @cached_property
    def scoring(self) -> ScoringService:
        """Scores of this workspace: adopt plans, score, scorecards, close, simulate."""
        from shopkpi.scoring.service import ScoringService

        return ScoringService(
            self.warehouse.con, self.appdb, self.root, self.config.week_start, memo=self.memo
        )

    @property
    def proposals(self) -> ProposalService:
        """KPI proposals (共创): propose, adjust, approve, reject, list (on this cursor)."""
        from shopkpi.planning.proposals import ProposalService

        return ProposalService(self.appdb, self.warehouse.con)

    def on_cursor(self, *, macros: bool = False, memo: Memo | None = None) -> Workspace:
        """This workspace reading the warehouse through its own cursor (one per request
        of the web app, so that concurrent requests never share a DuckDB connection).

        The view shares the config and the app DB; close it with ``view.warehouse.close()``,
        which leaves this workspace's connection open. It reads, scores and computes;
        ingesting through it needs the export-cleaning macros (``macros=True``, ~45 ms).
        """
        appdb = self.appdb
        view = copy.copy(self)
        view.__dict__.pop("scoring", None)
        view.__dict__.pop("ingestor", None)
        view.__dict__.update(warehouse=self.warehouse.cursor(macros=macros), appdb=appdb)
        view.memo = memo or no_memo
        return view

    def staff_ids(self) -> frozenset[str] | None:
        """Every staff id in the warehouse, or None while the ``staff`` table is empty."""
        rows = self.warehouse.con.execute("SELECT staff_id FROM staff").fetchall()
        return frozenset(str(r[0]) for r in rows) if rows else None

    def import_ratings(self, path: Path, actor: str) -> RatingsImport:
        """Import a 主管评分 file into the app DB, checking staff ids against the roster."""
        return self.appdb.import_ratings(path, actor, self.staff_ids())

    @cached_property
    def ingestor(self) -> Ingestor:
        from shopkpi.ingest.adapters.generic import load_mappings

        extra = load_mappings(self.root, self.config.ingest.mappings)
        return Ingestor(self.warehouse, self.config, self.root / "archive", extra)

    def inbox_files(self) -> list[Path]:
        inbox = self.root / "inbox"
        return sorted(p for p in inbox.rglob("*") if p.is_file() and p.suffix.lower() in IMPORTABLE)

    def ingest(
        self, paths: Iterable[Path] | None = None, shop_id: str | None = None
    ) -> list[ImportResult]:
        """Import files (default: everything in ``inbox/``); already-imported files are skipped."""
        files = list(paths) if paths is not None else self.inbox_files()
        return [self.ingestor.ingest_path(p, shop_id) for p in oldest_export_first(files)]

    def table_counts(self) -> dict[str, int]:
        from shopkpi.warehouse.schema import TABLES

        return {name: self.warehouse.count(name) for name in TABLES}

    def import_log(self, limit: int = 50) -> list[dict[str, object]]:
        """The most recent imports, newest first."""
        return self._rows(
            """SELECT file_name, adapter, status, rows_read, accepted, quarantined, duplicates,
                      stale, overwritten, finished_at, message
               FROM import_log ORDER BY finished_at DESC LIMIT ?""",
            [limit],
        )

    def quarantined(
        self, file_name: str | None = None, limit: int = 200
    ) -> list[dict[str, object]]:
        """Quarantined rows (file, row, column, reason, raw row), optionally for one file."""
        return self._rows(
            """SELECT file_name, sheet, row_number, column_name, reason, raw FROM quarantine
               WHERE ? IS NULL OR file_name = ? ORDER BY file_name, row_number LIMIT ?""",
            [file_name, file_name, limit],
        )

    def compute(
        self,
        period: str | None = None,
        as_of: datetime | None = None,
        progress: Callable[[str, float], None] | None = None,
    ) -> ComputeResult:
        """Rebuild the derived tables and the metric values of ``period`` (default: every
        month with data), judged as of ``as_of`` (default: the latest event in the data).
        ``progress(stage, fraction)`` is called before each step."""
        from shopkpi.metrics.compute import compute_metrics

        return compute_metrics(
            self.warehouse, self.config, period, as_of, progress=progress, root=self.root
        )

    def show(
        self,
        period: str | None = None,
        entity: EntityKind | None = None,
        metrics: Sequence[str] | None = None,
    ) -> Shown:
        """Stored metric values of a period (default: the latest computed month)."""
        from shopkpi.metrics.api import show

        return show(self.warehouse.con, period, entity, metrics)

    def explain(
        self, staff: str, metric: str, period: str | None = None, limit: int = 200
    ) -> Explanation:
        """The sessions, rounds, orders and refunds behind one staff member's number."""
        from shopkpi.metrics.api import explain_for

        return explain_for(self.warehouse.con, self.config, staff, metric, period, limit)

    def transcript(self, session_id: str) -> Transcript:
        """A chat session's messages, classified as the metrics read them (聊天记录)."""
        from shopkpi.metrics.transcript import transcript

        return transcript(self.warehouse.con, self.config, session_id)

    def trend(
        self, metric: str, period: str | None = None, teams: Collection[str] | None = None
    ) -> Trend:
        """A metric's day values in a month (default: the latest computed) for the shop
        and each team (``teams``: only these)."""
        from shopkpi.metrics.api import period_label
        from shopkpi.metrics.catalog import CATALOG
        from shopkpi.metrics.trend import daily_trend

        label = period_label(self.warehouse.con, period)
        return daily_trend(self.warehouse.con, CATALOG.get_metric(metric), label, teams)

    def ranking(
        self, period: str | None = None, by: str = "cs_sales"
    ) -> tuple[str, list[EntityRow]]:
        """Staff ranked by a metric (default 客服销售额) in a period."""
        from shopkpi.metrics.api import top_staff

        return top_staff(self.warehouse.con, period, by)

    def overview(self, period: str | None = None) -> Overview:
        """Shop KPIs of a month (default: the latest computed) with pacing against targets."""
        from shopkpi.metrics.api import period_label
        from shopkpi.metrics.pacing import overview

        con = self.warehouse.con
        found: Overview = self.memo(
            ("overview", period), lambda: overview(con, period_label(con, period))
        )
        return found

    def _rows(self, sql: str, params: list[object]) -> list[dict[str, object]]:
        cursor = self.warehouse.con.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def check_plans(self, files: Sequence[Path] | None = None) -> CheckReport:
        """Check plan files (default: ``plans/*.yaml``) against the catalog, the rubric and,
        when the warehouse has one, the roster's levels."""
        from shopkpi.scoring.roster import read_roster
        from shopkpi.scoring.validate import check_files, plan_files

        paths = list(files) if files else plan_files(self.root / "plans")
        location = self.config.engine.warehouse
        roster = []
        if location != ":memory:" and self.path(location).exists():
            with suppress(WarehouseBusy):  # another process writes: check without the roster
                roster = read_roster(self.warehouse.con)
        return check_files(paths, roster or None)

    def close(self) -> None:
        if "warehouse" in self.__dict__:
            self.warehouse.close()
        if "appdb" in self.__dict__:
            self.appdb.close()


def oldest_export_first(files: list[Path]) -> list[Path]:
    """Import older exports first so that newer statuses are applied last."""
    from shopkpi.ingest.pipeline import file_time_from_name

    return sorted(files, key=lambda p: (str(file_time_from_name(p.name, "UTC") or ""), p.name))
