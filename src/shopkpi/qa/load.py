"""Read the warehouse's chats as QA sessions, and write the QA tables back.

Messages are placed in the ``chat_session`` rows ``shopkpi compute`` derived (same buyer,
account and time span), classified as the metrics read them (an agent line with an
auto-reply prefix or from an auto-reply account is ``auto``; fillers flagged by the
``session.filler_phrases`` rule), in the order the derivations use.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import pyarrow as pa

from shopkpi.config.models import WorkspaceConfig
from shopkpi.derive.messages import _direction, _filler, _stripped
from shopkpi.qa.model import QAMessage, Speaker


@dataclass(frozen=True)
class QASession:
    """One chat session with its messages (system lines left out) in time order."""

    shop_id: str
    session_id: str
    staff_id: str | None
    buyer_nick: str
    account_nick: str
    biz_date: date
    started_at: datetime
    messages: tuple[QAMessage, ...]


def messages_sql(config: WorkspaceConfig) -> str:
    s = config.session
    return f"""WITH m AS (
    SELECT shop_id, message_id, buyer_nick, account_nick, sent_at, biz_date, text,
           {_direction(s)} AS direction,
           CASE WHEN direction = 'agent' THEN {_stripped("text")} END AS norm
    FROM chat_message
    WHERE direction <> 'system' AND biz_date BETWEEN $1 AND $2
)
SELECT x.shop_id, x.session_id, x.staff_id, x.buyer_nick, x.account_nick, x.biz_date,
       x.started_at, m.message_id, m.direction, m.sent_at, coalesce(m.text, '') AS text,
       m.direction = 'agent' AND {_filler(s)} AS filler
FROM m
JOIN chat_session AS x
  ON x.shop_id = m.shop_id AND x.buyer_nick = m.buyer_nick
 AND x.account_nick = m.account_nick AND x.biz_date = m.biz_date
 AND m.sent_at BETWEEN x.started_at AND x.ended_at
ORDER BY x.shop_id, x.session_id, m.sent_at,
         CASE m.direction WHEN 'buyer' THEN 0 WHEN 'agent' THEN 1 ELSE 2 END, m.message_id"""


def sessions(
    con: duckdb.DuckDBPyConnection, config: WorkspaceConfig, first: date, last: date
) -> Iterator[QASession]:
    """The chat sessions of the shop-local days ``first``..``last`` with their messages."""
    cursor = con.execute(messages_sql(config), [first, last])
    current: list[tuple[object, ...]] = []
    while batch := cursor.fetchmany(10_000):
        for row in batch:
            if current and (row[0], row[1]) != (current[0][0], current[0][1]):
                yield _session(current)
                current = []
            current.append(row)
    if current:
        yield _session(current)


def _session(rows: list[tuple[object, ...]]) -> QASession:
    shop, sid, staff, buyer, account, day, start = rows[0][:7]
    messages = tuple(
        QAMessage(
            str(r[7]), str(sid), None if staff is None else str(staff), Speaker(str(r[8])),
            r[9], str(r[10]), bool(r[11]),  # type: ignore[arg-type]
        )
        for r in rows
    )  # fmt: skip
    return QASession(
        str(shop), str(sid), None if staff is None else str(staff), str(buyer), str(account),
        day, start, messages,  # type: ignore[arg-type]
    )  # fmt: skip


def replace_table(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    """``CREATE OR REPLACE TABLE name`` from an Arrow table (one statement)."""
    view = f"_qa_{name}_arrow"
    con.register(view, table)
    try:
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM {view}")
    finally:
        con.unregister(view)
