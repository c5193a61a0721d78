"""A chat session's transcript (聊天记录): its messages, each classified as the metrics
read it (auto-reply, filler, transfer), so a number's evidence can be checked by eye.

The session comes from ``chat_session``; its messages are the ``chat_message`` rows of the
same buyer and account between the session's first and last message, plus the system
lines of that buyer from the first message until ``idle_minutes`` after the last (a transfer
is a system line, possibly on another account, and often follows the last message).
Auto-replies and fillers follow the ``session:`` settings exactly as the derivation does
(:mod:`shopkpi.derive.messages`); buyer nicks are shown as stored (masked by the platform).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import duckdb

from shopkpi.config.models import WorkspaceConfig
from shopkpi.derive.messages import _direction, _filler, _stripped
from shopkpi.derive.sessions import _target
from shopkpi.errors import ShopkpiError
from shopkpi.warehouse.db import has_table

DIRECTION_LABELS = {"buyer": "买家", "agent": "客服", "auto": "自动回复", "system": "系统"}


class SessionNotFound(ShopkpiError):
    """No ``chat_session`` row has this id (or the sessions are not derived yet)."""


@dataclass(frozen=True)
class ChatLine:
    """One message; ``direction`` as the metrics read it (an auto-reply prefix makes an
    agent line ``auto``); ``transfer_to``: the account a system line hands the buyer to."""

    message_id: str
    sent_at: datetime
    direction: str
    account_nick: str | None
    staff_id: str | None
    text: str | None
    filler: bool
    transfer_to: str | None

    @property
    def direction_label(self) -> str:
        return DIRECTION_LABELS.get(self.direction, self.direction)


@dataclass(frozen=True)
class Transcript:
    """A session's header (who, when, transfers) and its messages in time order."""

    session_id: str
    shop_id: str
    buyer_nick: str
    account_nick: str
    staff_id: str | None
    biz_date: date
    started_at: datetime
    ended_at: datetime
    transferred_out: bool
    transferred_in: bool
    lines: list[ChatLine]


_HEADER = """SELECT shop_id, session_id, buyer_nick, account_nick, staff_id, biz_date,
       started_at, ended_at, transferred_out, transferred_in
FROM chat_session WHERE session_id = ? ORDER BY shop_id LIMIT 1"""


def transcript(
    con: duckdb.DuckDBPyConnection, config: WorkspaceConfig, session_id: str
) -> Transcript:
    """The session ``session_id`` (``account|buyer|start``) with its messages."""
    head = _rows(con, _HEADER, [session_id]) if has_table(con, "chat_session") else []
    if not head:
        raise SessionNotFound(f"找不到会话 {session_id!r}（会话在 shopkpi compute 时生成）")
    shop, sid, buyer, account, staff, day, start, end, out, into = head[0]
    # a transfer line comes after the session's last message, within the idle time
    params = [
        shop,
        buyer,
        start,
        end,
        account,
        end + timedelta(minutes=config.session.idle_minutes),
    ]
    lines = [ChatLine(*r) for r in _rows(con, _messages_sql(config), params)]
    return Transcript(
        sid, shop, buyer, account, staff, day, start, end, bool(out), bool(into), lines
    )


def _messages_sql(config: WorkspaceConfig) -> str:
    s = config.session
    return f"""WITH m AS (
    SELECT message_id, sent_at, {_direction(s)} AS direction, account_nick, staff_id, text,
           CASE WHEN direction = 'agent' THEN {_stripped("text")} END AS norm
    FROM chat_message
    WHERE shop_id = $1 AND buyer_nick = $2 AND sent_at >= $3
      AND (account_nick = $5 AND direction <> 'system' AND sent_at <= $4
           OR direction = 'system' AND sent_at <= $6)
)
SELECT message_id, sent_at, direction, account_nick, staff_id, text,
       direction = 'agent' AND {_filler(s)} AS filler,
       CASE WHEN direction = 'system' THEN {_target(config)} END AS transfer_to
FROM m
ORDER BY sent_at, CASE direction WHEN 'buyer' THEN 0 WHEN 'agent' THEN 1 ELSE 2 END,
         message_id"""


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> list[Any]:
    return con.execute(sql, params).fetchall()
