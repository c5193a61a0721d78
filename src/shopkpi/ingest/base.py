"""Adapter contracts: how a source format declares its headers, fields and target tables.

A *tabular* adapter is data, not code: it lists :class:`Field` s (canonical name, the header
names real exports use, a cleaning kind) and the table they land in. The shared machinery in
:mod:`shopkpi.ingest.tabular` turns that into one set-based SQL statement that cleans every
row, quarantines the bad ones and stages the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    import datetime as dt

    import duckdb

    from shopkpi.config.models import WorkspaceConfig
    from shopkpi.ingest.reader import RawTable, SourceFile


class FieldKind(StrEnum):
    """How a raw cell is cleaned (see ``shopkpi.warehouse.macros``)."""

    id = "id"
    text = "text"
    money = "money"
    decimal = "decimal"
    pct = "pct"
    int = "int"
    ts = "ts"
    date = "date"
    time = "time"
    bool = "bool"
    enum = "enum"


@dataclass(frozen=True)
class Field:
    """One canonical column and the header names it arrives under.

    Attributes:
        name: canonical column name in the target table.
        headers: accepted header names, old and new (``买家实际支付金额`` / ``买家实付金额``).
        kind: how to clean the cell.
        required: a file without any of ``headers`` is refused.
        values: for ``enum``: raw value → canonical value. Unknown values quarantine the row.
        fmt: for ``ts``/``date``: explicit strptime format(s), tried in order (generic mappings).
        not_null: a blank cell quarantines the row (e.g. the natural key).
        pattern: for ``text``: a regex the cleaned cell must fully match; a non-blank cell
            that does not quarantines the row (e.g. a target's 周期 ``2026-11`` / ``2026-W45``).
        pattern_hint: the expected format, shown in the quarantine reason.
    """

    name: str
    headers: tuple[str, ...]
    kind: FieldKind = FieldKind.text
    required: bool = False
    values: Mapping[str, str] | None = None
    fmt: str | tuple[str, ...] | None = None
    not_null: bool = False
    pattern: str | None = None
    pattern_hint: str = ""


@dataclass
class ImportContext:
    """What an adapter needs to know about the import in progress."""

    con: duckdb.DuckDBPyConnection
    config: WorkspaceConfig
    shop_id: str
    timezone: str
    file_hash: str
    display_name: str
    file_ts: dt.datetime | None  # export time from the file name, when it has one


@dataclass
class Staged:
    """Rows ready to upsert: a temp table with the target table's columns plus ``_row``."""

    table: str
    temp_table: str
    # The cleaned rows it came from (every field, ``__row``, ``__errs``), for ``post_stage``.
    cleaned: str = ""


@dataclass
class ParseResult:
    """What an adapter produced from one file (or one sheet)."""

    adapter: str
    staged: list[Staged] = field(default_factory=list)
    rows_read: int = 0
    duplicates: int = 0
    quarantined: int = 0
    latest_ts: dt.datetime | None = None  # latest local event time in the file (UTC)
    notes: list[str] = field(default_factory=list)


class Adapter:
    """Base class for every source format. Subclasses are registered in ``registry``."""

    NAME: ClassVar[str] = ""
    LABEL: ClassVar[str] = ""  # Chinese name shown to users
    KINDS: ClassVar[frozenset[str]] = frozenset()  # source kinds: text, json, xlsx, xls


class TabularAdapter(Adapter):
    """An adapter for one table of rows with a header (CSV, or one xlsx sheet)."""

    KINDS = frozenset({"text", "xlsx", "xls"})
    TABLE: ClassVar[str] = ""
    FIELDS: ClassVar[tuple[Field, ...]] = ()
    # Fields whose presence (under any of their header names) identifies the format;
    # the best-scoring adapter wins.
    SIGNATURE: ClassVar[tuple[str, ...]] = ()
    # Headers that, when present, rule this adapter out (e.g. 子订单编号 for order-level files).
    EXCLUDES: ClassVar[frozenset[str]] = frozenset()
    SHEETS: ClassVar[tuple[str, ...]] = ()  # xlsx sheet names that identify it
    DATE_FIELD: ClassVar[str | None] = None  # local date of this field becomes biz_date
    COLLAPSE_EXACT: ClassVar[bool] = True

    def match(self, raw: RawTable) -> float:
        """Score 0..1: how well the headers (and sheet name) fit this format."""
        headers = set(raw.headers)
        if headers & self.EXCLUDES or not self.SIGNATURE:
            return 0.0
        present = sum(
            1 for name in self.SIGNATURE if headers & set(self.field_by_name(name).headers)
        )
        hit = present / len(self.SIGNATURE)
        if raw.sheet and raw.sheet in self.SHEETS:
            hit += 0.5
        return hit

    def prepare(self, ctx: ImportContext, raw: RawTable) -> RawTable:
        """Hook to reshape the raw table before cleaning (generic mappings' SQL transform)."""
        return raw

    def stage(self, ctx: ImportContext, raw: RawTable) -> ParseResult | None:
        """Hook for formats that stage rows themselves (chat messages with their sessions).

        Return ``None`` (the default) to use the shared field-by-field cleaning.
        """
        return None

    def derived_columns(self, ctx: ImportContext) -> dict[str, str]:
        """SQL expressions over the cleaned columns for target columns no header gives."""
        return {}

    def post_stage(self, ctx: ImportContext, staged: Staged) -> list[Staged]:
        """Hook for extra tables derived from the staged rows (e.g. auto-created staff)."""
        return []

    @classmethod
    def field_by_name(cls, name: str) -> Field:
        return next(f for f in cls.FIELDS if f.name == name)


class DocumentAdapter(Adapter):
    """An adapter that reads a whole file itself (JSON, chat text)."""

    def detect(self, src: SourceFile) -> float:
        raise NotImplementedError

    def parse(self, ctx: ImportContext, src: SourceFile) -> ParseResult:
        raise NotImplementedError
