"""The generic adapter: any CSV/xlsx mapped onto a canonical table by a YAML file.

For platforms and systems without a built-in adapter (JD, PDD, Douyin, a shop's ERP, a CRM).
A mapping names the target table, the headers that identify the file, and for each
canonical column the source header (with an optional date format or value map). An optional
``transform`` is a DuckDB SELECT over the table ``src`` (columns named by their headers)
for reshaping that a column map cannot express, such as looking up a reply's parent row.

Example (``mappings/olist_leads.yaml``)::

    name: olist_leads
    label: Olist 线索
    table: external_inquiry
    match: [mql_id, first_contact_date, origin]
    columns:
      inquiry_id: mql_id
      buyer_nick: mql_id
      created_at: {column: first_contact_date, format: "%d-%m-%Y"}
      channel: origin
"""

from __future__ import annotations

import re
from glob import glob
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, ConfigDict, field_validator, model_validator
from pydantic import Field as PydField

from shopkpi.config.loader import load_yaml_model
from shopkpi.errors import ConfigError, FileRefused, Problem
from shopkpi.ingest.adapters.vocab import COLUMN_VOCABULARIES
from shopkpi.ingest.base import Field, FieldKind, ImportContext, TabularAdapter
from shopkpi.ingest.reader import RawTable
from shopkpi.ingest.tabular import q
from shopkpi.warehouse.schema import TABLES

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_SQL_KIND = {
    "TIMESTAMP": FieldKind.ts,
    "DATE": FieldKind.date,
    "TIME": FieldKind.time,
    "BIGINT": FieldKind.int,
    "BOOLEAN": FieldKind.bool,
    "DECIMAL(18,2)": FieldKind.money,
    "DECIMAL(18,4)": FieldKind.decimal,
}
_TIMEZONE_AWARE = ("%z", "%Z")


class ColumnSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    column: str
    format: str | list[str] | None = None
    values: dict[str, str] | None = None


class Mapping(BaseModel):
    """One generic mapping file."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str
    label: str = ""
    table: str
    match: list[str] = PydField(default_factory=list)
    columns: dict[str, str | ColumnSpec]
    constants: dict[str, str] = PydField(default_factory=dict)
    transform: str | None = None
    date_column: str | None = None  # which timestamp gives biz_date (default: first one mapped)

    @field_validator("name")
    @classmethod
    def _check_name(cls, v: str) -> str:
        if not _NAME.match(v):
            raise ValueError("name must be snake_case letters, digits and '_'")
        return v

    @field_validator("table")
    @classmethod
    def _check_table(cls, v: str) -> str:
        if v not in TABLES or not TABLES[v].lineage:
            raise ValueError(
                f"unknown table {v!r}; one of: {', '.join(t.name for t in TABLES.values() if t.lineage)}"
            )
        return v

    @model_validator(mode="after")
    def _check_columns(self) -> Mapping:
        known = set(TABLES[self.table].column_names)
        unknown = sorted((set(self.columns) | set(self.constants)) - known)
        if unknown:
            raise ValueError(f"columns not in table {self.table}: {', '.join(unknown)}")
        missing = [
            k
            for k in TABLES[self.table].key
            if k not in self.columns and k not in self.constants and k != "shop_id"
        ]
        if missing:
            raise ValueError(f"the natural key of {self.table} needs: {', '.join(missing)}")
        return self

    def spec(self, name: str) -> ColumnSpec:
        value = self.columns[name]
        return ColumnSpec(column=value) if isinstance(value, str) else value


class GenericAdapter(TabularAdapter):
    """A TabularAdapter built from a :class:`Mapping`."""

    def __init__(self, mapping: Mapping) -> None:
        self.mapping = mapping
        self.NAME = f"generic:{mapping.name}"  # type: ignore[misc]
        self.LABEL = mapping.label or mapping.name  # type: ignore[misc]
        self.TABLE = mapping.table  # type: ignore[misc]
        table = TABLES[mapping.table]
        types = dict(table.columns)
        fields = []
        for name in mapping.columns:
            spec = mapping.spec(name)
            kind = _SQL_KIND.get(types[name], FieldKind.text)
            if kind is FieldKind.text and (name in table.key or name.endswith("_id")):
                kind = FieldKind.id
            values = spec.values or COLUMN_VOCABULARIES.get((mapping.table, name))
            if values:
                kind = FieldKind.enum
            header = name if mapping.transform else spec.column
            fields.append(
                Field(
                    name,
                    (header,),
                    kind,
                    required=True,
                    values=values,
                    fmt=tuple(spec.format) if isinstance(spec.format, list) else spec.format,
                    not_null=name in table.key,
                )
            )
        self.FIELDS = tuple(fields)  # type: ignore[misc]
        ts_fields = [f.name for f in fields if f.kind is FieldKind.ts]
        self.DATE_FIELD = mapping.date_column or (ts_fields[0] if ts_fields else None)  # type: ignore[misc]
        self._match = set(mapping.match or [mapping.spec(n).column for n in mapping.columns])

    def match(self, raw: RawTable) -> float:
        present = len(self._match & set(raw.headers)) / max(len(self._match), 1)
        return present + 0.01 if present == 1 else present  # user mappings beat built-ins

    def prepare(self, ctx: ImportContext, raw: RawTable) -> RawTable:
        if not self.mapping.transform:
            return raw
        con = ctx.con
        renamed = raw.table.rename_columns([*raw.headers, "__row"])
        con.register("src", renamed)
        try:
            out: pa.Table = con.sql(
                f"SELECT * FROM ({self.mapping.transform}) ORDER BY __row"
                if "__row" in self.mapping.transform
                else f"SELECT t.*, row_number() OVER () + 1 AS __row FROM ({self.mapping.transform}) t"
            ).to_arrow_table()
        except Exception as exc:  # duckdb raises many error types
            raise FileRefused(
                raw.label,
                "mapping",
                f"映射 {self.mapping.name} 的 transform SQL 出错：{exc}",
                hint="请修改 mappings/ 中的 transform",
            ) from exc
        finally:
            con.unregister("src")
        headers = [c for c in out.column_names if c != "__row"]
        arrays = [pc.cast(out[c], pa.string()) for c in headers]
        rows = pc.cast(out["__row"], pa.int64())
        table = pa.Table.from_arrays(
            [*arrays, rows], names=[*[f"c{i}" for i in range(len(headers))], "__row"]
        )
        return RawTable(raw.source, raw.sheet, headers, table)

    def derived_columns(self, ctx: ImportContext) -> dict[str, str]:
        return {name: q(value) for name, value in self.mapping.constants.items()}


def load_mappings(root: Path, patterns: list[str]) -> list[TabularAdapter]:
    """Load every mapping file matching ``patterns`` (relative to ``root``); report all problems."""
    adapters: list[TabularAdapter] = []
    problems: list[Problem] = []
    for pattern in patterns:
        for name in sorted(glob(str(root / pattern))):
            try:
                adapters.append(GenericAdapter(load_yaml_model(Path(name), Mapping)))
            except ConfigError as exc:
                problems += exc.problems
    if problems:
        raise ConfigError(problems)
    return adapters
