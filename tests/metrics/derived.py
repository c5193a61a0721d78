"""Literal derived tables (docs/derive.md contract) for metric tests.

Tests write a few readable rows per table; every column not given takes the default here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

import duckdb

V, TS, D, INT, B, M = "VARCHAR", "TIMESTAMP", "DATE", "BIGINT", "BOOLEAN", "DECIMAL(18,2)"

CONTRACT: dict[str, tuple[tuple[str, str, object], ...]] = {
    "chat_session": (
        ("shop_id", V, "demo"),
        ("session_id", V, None),
        ("buyer_nick", V, None),
        ("account_nick", V, None),
        ("staff_id", V, None),
        ("biz_date", D, None),
        ("started_at", TS, None),
        ("ended_at", TS, None),
        ("duration_seconds", INT, 0),
        ("buyer_messages", INT, 1),
        ("agent_messages", INT, 1),
        ("auto_messages", INT, 0),
        ("agent_chars", INT, 10),
        ("first_buyer_at", TS, None),
        ("first_response_at", TS, None),
        ("first_clock_at", TS, None),
        ("first_response_seconds", INT, None),
        ("replied", B, True),
        ("transferred_out", B, False),
        ("transferred_in", B, False),
        ("seller_first", B, False),
    ),
    "reply_round": (
        ("shop_id", V, "demo"),
        ("session_id", V, None),
        ("round_no", INT, 1),
        ("buyer_nick", V, None),
        ("account_nick", V, None),
        ("staff_id", V, None),
        ("biz_date", D, None),
        ("opened_at", TS, None),
        ("clock_start_at", TS, None),
        ("answered_at", TS, None),
        ("effective_answered_at", TS, None),
        ("response_seconds", INT, None),
        ("effective_response_seconds", INT, None),
        ("capped_seconds", INT, None),
        ("in_service", B, True),
        ("counted", B, True),
        ("within_target", B, False),
        ("slow", B, False),
    ),
    "inquiry": (
        ("shop_id", V, "demo"),
        ("buyer_nick", V, None),
        ("staff_id", V, None),
        ("account_nick", V, None),
        ("biz_date", D, None),
        ("first_at", TS, None),
        ("last_at", TS, None),
        ("consulted", B, True),
        ("agent_wrote", B, True),
        ("received", B, True),
        ("replied", B, True),
        ("kind", V, "presale"),
        ("is_inquiry", B, True),
        ("slow_rounds", INT, 0),
        ("transferred_out", B, False),
    ),
    "order_credit": (
        ("shop_id", V, "demo"),
        ("order_id", V, None),
        ("buyer_nick", V, None),
        ("created_at", TS, None),
        ("paid_at", TS, None),
        ("biz_date", D, None),
        ("paid_biz_date", D, None),
        ("credited_staff_id", V, None),
        ("touch_at", TS, None),
        ("rule", V, "order_first/last_touch/same_or_previous_day"),
        ("paid", B, True),
        ("paid_amount", M, None),
        ("postage", M, Decimal("0")),
        ("refund_amount", M, Decimal("0")),
        ("sales_amount", M, None),
        ("item_count", INT, 1),
        ("final", B, True),
    ),
    "order_attribution": (
        ("shop_id", V, "demo"),
        ("order_id", V, None),
        ("staff_id", V, None),
        ("role", V, "credited"),
        ("touch_at", TS, None),
    ),
    "inquiry_outcome": (
        ("shop_id", V, "demo"),
        ("buyer_nick", V, None),
        ("staff_id", V, None),
        ("biz_date", D, None),
        ("ordered_same_day", B, False),
        ("ordered_next_day", B, False),
        ("ordered_final", B, False),
        ("paid_final", B, False),
        ("final", B, True),
    ),
}

Row = Mapping[str, object]


def create_derived(con: duckdb.DuckDBPyConnection, tables: Mapping[str, Sequence[Row]]) -> None:
    """Create every contract table (empty unless rows are given) and insert the rows."""
    for name, columns in CONTRACT.items():
        cols = ", ".join(f"{c} {t}" for c, t, _ in columns)
        con.execute(f"CREATE OR REPLACE TABLE {name} ({cols})")
        for row in tables.get(name, ()):
            unknown = set(row) - {c for c, _, _ in columns}
            assert not unknown, f"{name}: unknown columns {unknown}"
            values = [row.get(c, default) for c, _, default in columns]
            marks = ", ".join("?" for _ in columns)
            con.execute(f"INSERT INTO {name} VALUES ({marks})", values)


def insert(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Row]) -> None:
    """Insert rows into a canonical table (columns by name)."""
    for row in rows:
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        con.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(row.values()))


def ts(text: str) -> datetime:
    """A UTC timestamp from ``'2026-11-10 02:00:00'``."""
    return datetime.fromisoformat(text)


def d(text: str) -> date:
    return date.fromisoformat(text)
