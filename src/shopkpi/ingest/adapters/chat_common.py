"""Shared staging of chat messages: auto-replies, the message key, staff, canonical columns.

Every chat source (生意参谋 接待明细 JSON/xlsx, 千牛 copy-paste text) first reduces its file
to one SQL relation of messages with these columns, then calls :func:`stage_messages`:

``__row`` (position in the file), ``session_ref``, ``buyer_nick``, ``account_nick`` (the
agent's sub-account), ``sender``, ``direction`` (buyer / agent / system), ``local_ts``
(shop-local TIMESTAMP), ``text`` and ``msg_id`` (NULL when the source has none).

The message key follows DESIGN §5: ``msgId`` when the source has one (duplicates collapse);
otherwise a hash of shop, buyer, account, sent_at, direction, text and the message's ordinal
among identical messages, so two identical messages sent in the same second are both kept:
``md5(fields)`` for the first, ``md5(md5(fields) || ':' || ordinal)`` for the later ones.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from enum import StrEnum

from shopkpi.ingest.base import ImportContext, Staged
from shopkpi.ingest.tabular import q
from shopkpi.warehouse.db import scalar_int
from shopkpi.warehouse.schema import TABLES

_counter = itertools.count()
CNTAOBAO = "cntaobao"


class Direction(StrEnum):
    """Who sent a chat message (GLOSSARY: 买家 / 客服 / 自动回复 / 系统)."""

    buyer = "buyer"
    agent = "agent"
    auto = "auto"
    system = "system"


@dataclass(frozen=True)
class StagedMessages:
    """The staged ``chat_message`` rows and how many input rows collapsed into others."""

    staged: Staged
    count: int
    duplicates: int


def new_tag(prefix: str) -> str:
    """A unique suffix for this import's temp tables (the pipeline drops ``_*`` temps)."""
    return f"{prefix}_{next(_counter)}"


def nick_sql(col: str) -> str:
    """SQL: a nick as staff_account stores it: no ``cntaobao`` API prefix, ``：`` → ``:``.

    ``cntaobao店铺：小美`` → ``店铺:小美``. Plain string functions, no regex: this runs on
    every message.
    """
    plain = f"replace({col}, '：', ':')"
    return f"CASE WHEN starts_with({plain}, {q(CNTAOBAO)}) THEN {plain}[{len(CNTAOBAO) + 1}:] ELSE {plain} END"


def sql_list(values: list[str]) -> str:
    """SQL list literal of strings (``[]::VARCHAR[]`` when empty)."""
    return "[" + ", ".join(q(v) for v in values) + "]::VARCHAR[]"


def auto_reply_expr(ctx: ImportContext, direction: str, sender: str, text: str) -> str:
    """SQL: ``auto`` for auto-replies, else ``direction`` unchanged.

    An auto-reply is an agent message whose text starts with a configured prefix
    (``[自动回复]`` …), or any message from a configured auto-reply sender (robots).
    """
    settings = ctx.config.session
    prefixes = " OR ".join(
        f"starts_with({text}, {q(p)})" for p in settings.auto_reply_prefixes if p
    )
    senders = sql_list(list(settings.auto_reply_senders))
    by_text = f"({direction} = 'agent' AND ({prefixes}))" if prefixes else "false"
    return f"CASE WHEN list_contains({senders}, {sender}) OR {by_text} THEN 'auto' ELSE {direction} END"


def select_columns(table: str, exprs: dict[str, str]) -> str:
    """``CAST(expr AS type) AS col`` for every column of ``table`` (NULL where not given)."""
    parts = []
    for name, sql_type in TABLES[table].columns:
        parts.append(f"CAST({exprs.get(name, 'NULL')} AS {sql_type}) AS {name}")
    return ", ".join(parts)


def stage_messages(
    ctx: ImportContext, source_sql: str, staff_map: str | None, tag: str, source_rows: int
) -> StagedMessages:
    """Stage ``source_sql`` (the message contract above) as ``chat_message`` rows.

    ``staff_map`` is a table (account_nick, biz_date, staff_id) from
    :func:`shopkpi.ingest.adapters.staff_accounts.resolve_staff`; ``source_rows`` is how
    many rows ``source_sql`` yields (the caller knows; counting again would re-run it).
    """
    con = ctx.con
    temp = f"_chat_msg_{tag}"
    direction = auto_reply_expr(ctx, "direction", "sender", "text")
    fields = ", ".join(
        f"coalesce(CAST({c} AS VARCHAR), '')"
        for c in ("buyer_nick", "account_nick", "sent_at", "dir", "text")
    )
    staff_join = (
        f"LEFT JOIN {staff_map} sm ON sm.account_nick = o.account_nick AND sm.biz_date = o.biz_date"
        if staff_map
        else ""
    )
    columns = select_columns(
        "chat_message",
        {
            "shop_id": q(ctx.shop_id),
            "message_id": "coalesce(o.msg_id, CASE WHEN o.ord = 1 THEN o.h ELSE md5(o.h || ':' || o.ord) END)",
            "session_ref": "o.session_ref",
            "buyer_nick": "o.buyer_nick",
            "account_nick": "o.account_nick",
            "staff_id": "sm.staff_id" if staff_map else "NULL",
            "direction": "o.dir",
            "sent_at": "o.sent_at",
            "text": "o.text",
            "biz_date": "o.biz_date",
        },
    )
    con.execute(
        f"""CREATE TEMP TABLE {temp} AS
        WITH d AS (
            SELECT *, {direction} AS dir, sk_utc(local_ts, {q(ctx.timezone)}) AS sent_at,
                   CAST(local_ts AS DATE) AS biz_date
            FROM ({source_sql})
        ), k AS (
            -- the content hash only for messages without a platform id
            SELECT *, CASE WHEN msg_id IS NULL
                      THEN md5(concat_ws(chr(31), {q(ctx.shop_id)}, {fields})) END AS h
            FROM d
        ), o AS (
            -- ordinal among identical messages; for platform ids, copies of one message
            SELECT *, row_number() OVER (PARTITION BY msg_id, h ORDER BY __row) AS ord FROM k
        )
        SELECT {columns}, o.__row AS _row FROM o {staff_join}
        WHERE o.msg_id IS NULL OR o.ord = 1"""
    )
    count = scalar_int(con, f"SELECT count(*) FROM {temp}")
    return StagedMessages(Staged("chat_message", temp), count, source_rows - count)
