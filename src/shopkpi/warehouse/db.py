"""DuckDB connection, schema versions and migrations."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from shopkpi.errors import ShopkpiError
from shopkpi.warehouse.macros import MACROS
from shopkpi.warehouse.schema import TABLES


class WarehouseBusy(ShopkpiError):
    """Another process holds the warehouse file's write lock."""


Migration = Callable[[duckdb.DuckDBPyConnection], None]


def _migration_1(con: duckdb.DuckDBPyConnection) -> None:
    """Create every canonical table."""
    for table in TABLES.values():
        con.execute(table.ddl())


def _migration_platform_report(con: duckdb.DuckDBPyConnection) -> None:
    """The platform's 客服绩效 report (``platform_cs_report``), for ``shopkpi reconcile``."""
    con.execute(TABLES["platform_cs_report"].ddl())


def _migration_metric_value(con: duckdb.DuckDBPyConnection) -> None:
    """``metric_value``: computed metrics per entity × period (``shopkpi compute``)."""
    con.execute(TABLES["metric_value"].ddl())


def _migration_traffic_review(con: duckdb.DuckDBPyConnection) -> None:
    """``traffic_daily`` and ``review`` in their issue-7 shape (traffic and review importers).

    Version 1 created both with placeholder columns no importer ever wrote. An empty old
    table is replaced; one that somehow holds rows is kept as ``<name>_v1`` beside the new one.
    """
    for name in ("review", "traffic_daily"):
        table = TABLES[name]
        found = [
            str(r[0])
            for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ?"
                " ORDER BY ordinal_position",
                [name],
            ).fetchall()
        ]
        if found and found != [c for c, _ in table.all_columns]:
            if scalar_int(con, f"SELECT count(*) FROM {name}"):
                con.execute(f"ALTER TABLE {name} RENAME TO {name}_v1")
            else:
                con.execute(f"DROP TABLE {name}")
        con.execute(table.ddl())


# Append new migrations here; never edit an old one. Version N = len(MIGRATIONS[:N]).
MIGRATIONS: list[Migration] = [
    _migration_1,
    _migration_platform_report,
    _migration_metric_value,
    _migration_traffic_review,
]
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass
class Warehouse:
    """A DuckDB warehouse file (or ``:memory:``) with the canonical schema applied."""

    path: str
    memory_limit: str = "4GB"
    temp_directory: str | None = None
    threads: int | None = None
    read_only: bool = False
    con: duckdb.DuckDBPyConnection = field(init=False, repr=False)

    def __post_init__(self) -> None:
        config: dict[str, str | bool | int | float | list[str]] = {
            "memory_limit": self.memory_limit
        }
        if self.temp_directory:
            config["temp_directory"] = self.temp_directory
        if self.threads:
            config["threads"] = self.threads
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(self.path, read_only=self.read_only, config=config)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            # DuckDB allows one writing process (DESIGN §8).
            raise WarehouseBusy(
                f"仓库 {self.path} 正被另一个进程使用（DuckDB 只允许一个写入进程）。"
                "请等该进程结束，或停止正在运行的 shopkpi 服务后再试"
            ) from exc
        self.con.execute("SET TimeZone = 'UTC'")
        for macro in MACROS:
            self.con.execute(macro)
        if not self.read_only:
            self.migrate()

    def schema_version(self) -> int:
        exists = scalar(
            self.con,
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'",
        )
        if not exists:
            return 0
        version = scalar(self.con, "SELECT max(version) FROM schema_version")
        return int(version) if version is not None else 0  # type: ignore[call-overload]

    def migrate(self) -> int:
        """Apply pending migrations in order, each in its own transaction."""
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER, applied_at TIMESTAMP)"
        )
        current = self.schema_version()
        for version in range(current + 1, SCHEMA_VERSION + 1):
            with self.transaction():
                MIGRATIONS[version - 1](self.con)
                self.con.execute(
                    "INSERT INTO schema_version VALUES (?, now()::TIMESTAMP)", [version]
                )
        return SCHEMA_VERSION

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All or nothing: commit on success, roll back on any exception."""
        self.con.begin()
        try:
            yield self.con
        except BaseException:
            self.con.rollback()
            raise
        self.con.commit()

    def cursor(self, *, macros: bool = False) -> Warehouse:
        """This warehouse on a new cursor of the same database, for one thread or request.

        A DuckDB connection must not be used by two threads at once; cursors of one
        database may run side by side. Settings (time zone) and TEMP macros belong to a
        connection, so the cursor sets the time zone again; the export-cleaning macros only
        ingestion uses cost ~45 ms a cursor (26 macros), so they come only with ``macros``.
        Closing the cursor leaves ``self`` open.
        """
        view = copy.copy(self)
        view.con = self.con.cursor()
        view.con.execute("SET TimeZone = 'UTC'")
        for macro in MACROS if macros else ():
            view.con.execute(macro)
        return view

    def count(self, table: str) -> int:
        return scalar_int(self.con, f"SELECT count(*) FROM {table}")

    def close(self) -> None:
        self.con.close()


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether table ``name`` exists (derived tables appear with the first compute)."""
    rows = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchall()
    return bool(rows[0][0])


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> object:
    """The first value of the first row (None when no row); always drains the result.

    DuckDB 2 refuses new work on a connection whose last result was not fully fetched,
    so never leave a ``fetchone()`` behind.
    """
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None


def scalar_int(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> int:
    """Like :func:`scalar` for counts: NULL becomes 0."""
    value = scalar(con, sql, params)
    return 0 if value is None else int(str(value))
