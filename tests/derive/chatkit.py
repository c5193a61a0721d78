"""Helpers for the chat-derivation tests: literal messages and orders, run, read rows.

Times in the tests are Asia/Shanghai wall clock (UTC+8); ``utc()`` subtracts 8 hours by
hand, and ``biz_date`` is the local date as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from shopkpi.config.models import ServiceHours, WorkspaceConfig
from shopkpi.derive import chat_steps
from shopkpi.engine import DuckDBEngine
from shopkpi.workspace import Workspace

SHOP = "demo"
A, B, C = "示例旗舰店:A", "示例旗舰店:B", "示例旗舰店:C"
STAFF = {A: "S1", B: "S2", C: "S3"}


def utc(local: str) -> datetime:
    """Shanghai wall clock → naive UTC (minus 8 hours)."""
    return datetime.fromisoformat(local) - timedelta(hours=8)


def day(text: str) -> date:
    return date.fromisoformat(text)


@dataclass(frozen=True)
class Msg:
    """One chat_message row; ``staff`` defaults to the account's owner."""

    buyer: str
    account: str
    direction: str
    at: str  # local wall clock
    text: str = "你好"
    staff: str | None = ""


def add_messages(ws: Workspace, messages: list[Msg]) -> None:
    rows = [
        (
            SHOP,
            f"m{n}",
            m.buyer,
            m.account,
            STAFF.get(m.account) if m.staff == "" else m.staff,
            m.direction,
            utc(m.at),
            m.text,
            day(m.at[:10]),
        )
        for n, m in enumerate(messages, 1)
    ]
    ws.warehouse.con.executemany(
        """INSERT INTO chat_message (shop_id, message_id, buyer_nick, account_nick, staff_id,
               direction, sent_at, text, biz_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        rows,
    )


def add_order(ws: Workspace, order_id: str, buyer: str, created: str, paid: str | None) -> None:
    ws.warehouse.con.execute(
        """INSERT INTO orders (shop_id, order_id, buyer_nick, created_at, paid_at, paid_amount,
               biz_date) VALUES (?, ?, ?, ?, ?, ?, ?)""",
        [
            SHOP,
            order_id,
            buyer,
            utc(created),
            utc(paid) if paid else None,
            Decimal("99.00"),
            day(created[:10]),
        ],
    )


def configure(ws: Workspace, hours: ServiceHours | None = None, **session: Any) -> WorkspaceConfig:
    """The workspace config with session settings and the shop's service hours replaced."""
    config = ws.config
    shops = config.shops
    if hours is not None:
        shops = [shops[0].model_copy(update={"service_hours": hours}), *shops[1:]]
    return config.model_copy(
        update={"session": config.session.model_copy(update=session), "shops": shops}
    )


def derive(ws: Workspace, config: WorkspaceConfig | None = None) -> None:
    DuckDBEngine(ws.warehouse.con).run(chat_steps(config or ws.config))


def rows(ws: Workspace, sql: str) -> list[tuple[Any, ...]]:
    return ws.warehouse.con.execute(sql).fetchall()
