"""生意参谋 接待/咨询明细: reception sessions with their chat messages (FIELD.md §1.5).

A session is one buyer × one agent account × one calendar day (``dataId`` =
``<yyyymmdd>_<sellerId>_<accountId>_<buyerId>``). Files arrive as the page's own JSON
(``data.dataSource``, one row per message with the session fields repeated), as a bundle of
sessions (``{"sessions": [{"meta": {…}, "messages": […]}]}``, see
:mod:`shopkpi.ingest.adapters.reception_json`) or as an xlsx/CSV download with one row per
message. All three reduce to one relation of raw string columns named like :data:`FIELDS`,
which :func:`stage_reception` cleans, quarantines and stages set-based.

A message is the agent's when its sender (``userNickFrom``) is the session's agent
(``accountNick`` / ``psnNickName``, ``cntaobao`` prefix ignored), another sub-account
(``店铺名:客服名``), the main account or the shop's seller nick; otherwise it is the buyer's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

import duckdb

from shopkpi.errors import FileRefused
from shopkpi.ingest.adapters.chat_common import new_tag, nick_sql, stage_messages
from shopkpi.ingest.adapters.staff_accounts import resolve_staff
from shopkpi.ingest.base import (
    Field,
    FieldKind,
    ImportContext,
    ParseResult,
    Staged,
    TabularAdapter,
)
from shopkpi.ingest.reader import RawTable
from shopkpi.ingest.tabular import q, resolve_columns
from shopkpi.warehouse.db import scalar, scalar_int
from shopkpi.warehouse.schema import TABLES

LABEL = "生意参谋接待明细"
# Canonical field → header names; the first is the JSON key the page and bundles use.
FIELDS: tuple[Field, ...] = (
    Field("data_id", ("dataId", "数据ID", "会话ID", "会话编号")),
    Field("buyer_nick", ("buyerNick", "买家昵称", "买家", "顾客昵称", "客户昵称")),
    Field("psn_nick", ("psnNickName", "客服昵称", "接待客服", "客服")),
    Field("account_nick", ("accountNick", "客服账号", "子账号")),
    Field("start_time", ("startTime", "开始时间", "接待开始时间", "会话开始时间")),
    Field("end_time", ("endTime", "结束时间", "接待结束时间", "会话结束时间")),
    Field("seller_first", ("isSellerFst", "发起方", "会话发起方", "是否客服主动")),
    Field("unreplied", ("isUnReply", "回复状态", "是否未回复")),
    Field("msg_id", ("msgId", "消息ID", "消息编号"), FieldKind.id),
    Field("sent", ("gmtCreated", "发送时间", "消息时间"), FieldKind.ts, required=True),
    Field("sender", ("userNickFrom", "发送方", "发送人", "发送者", "发送方昵称"), required=True),
    Field("receiver", ("userNickTo", "接收方", "接收人", "接收者", "接收方昵称")),
    Field("text", ("msg", "消息内容", "聊天内容", "内容"), required=True),
)
SESSION_KEYS = tuple(f.headers[0] for f in FIELDS[:8])
MESSAGE_KEYS = tuple(f.headers[0] for f in FIELDS[8:])
JSON_NAMES = {f.name: f.headers[0] for f in FIELDS}
_NICKS = ("buyer_nick", "psn_nick", "account_nick", "sender", "receiver")
SELLER_FIRST = {"客服主动跟进": True, "客服发起": True, "卖家发起": True, "买家发起": False}
UNREPLIED = {"未回复": True, "已回复": False}
_MESSAGE_TS = "%Y-%m-%d %H:%M:%S.%g"  # gmtCreated
_SESSION_TS = "%Y-%m-%d %H:%M:%S"  # startTime / endTime
LOCAL_FORMATS = (
    "['%Y-%m-%d %H:%M:%S', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S.%g', '%Y-%m-%d %H:%M:%S.%f',"
    " '%Y/%m/%d %H:%M', '%Y-%m-%d %H:%M', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M:%S.%g']"
)


def light_clean(f: Field) -> str:
    """JSON values need no export-quirk cleaning: blank → NULL."""
    return f"nullif({f.name}, '')"


def sheet_clean(f: Field) -> str:
    """Spreadsheet cells may carry ``="…"``, a leading ``'`` or padding.

    A msgId that Excel turned into scientific notation lost digits: it becomes NULL, so
    the message is keyed by its content hash instead.
    """
    return f"sk_id({f.name})" if f.kind is FieldKind.id else f"sk_text({f.name})"


def _flag(col: str, values: Mapping[str, bool]) -> str:
    cases = " ".join(f"WHEN {q(k)} THEN {str(v).lower()}" for k, v in values.items())
    return f"CASE {col} {cases} ELSE sk_bool({col}) END"


def _ts(col: str, fast: str) -> str:
    """Local timestamp: the platform's own format first, other export styles after.

    Plain ``try_strptime`` (not the ``sk_ts_local`` macro, whose casts can raise): DuckDB
    then prunes it from queries that do not read it.
    """
    return f"coalesce(try_strptime({col}, {q(fast)}), try_strptime({col}, {LOCAL_FORMATS}))"


def cleaned_select(ctx: ImportContext, raw_sql: str, clean: Callable[[Field], str]) -> str:
    """SELECT over ``raw_sql``: cleaned values, send time, agent, session and direction.

    It is never materialised: each consumer in :func:`stage_reception` reads only the
    columns it needs. Session-level times and flags stay raw because they repeat on every
    message row: they are parsed once per session.
    """
    cols = [
        f"{nick_sql(clean(f)) if f.name in _NICKS else clean(f)} AS {f.name}"
        for f in FIELDS
        if f.name != "text"
    ]
    seller = ctx.config.shop(ctx.shop_id).seller_nick
    seller_match = f"OR sender = {q(seller)}" if seller else ""
    day = f"coalesce(local_ts, {_ts('start_time', _SESSION_TS)})"
    return f"""
        WITH r AS (SELECT __row, {", ".join(cols)}, nullif(trim(text), '') AS text FROM ({raw_sql})),
        a AS (
            SELECT *,
                CASE WHEN contains(account_nick, ':') OR NOT contains(coalesce(psn_nick, ''), ':')
                     THEN coalesce(account_nick, psn_nick) ELSE psn_nick END AS agent,
                {_ts("sent", _MESSAGE_TS)} AS local_ts
            FROM r
        )
        SELECT __row, data_id, buyer_nick, agent, sender, text, msg_id, sent, local_ts,
            start_time, end_time, seller_first, unreplied,
            coalesce(data_id, strftime({day}, '%Y%m%d')
                || '_' || coalesce(agent, '') || '_' || coalesce(buyer_nick, '')) AS session_ref,
            CASE
                WHEN sender IS NULL THEN CASE WHEN receiver IN (agent, psn_nick) THEN 'buyer'
                    WHEN receiver = buyer_nick THEN 'agent' ELSE 'system' END
                WHEN sender IN (agent, psn_nick) OR contains(sender, ':')
                    OR sender = split_part(agent, ':', 1) {seller_match} THEN 'agent'
                ELSE 'buyer'
            END AS direction
        FROM a"""


def _quarantine(
    ctx: ImportContext, cl: str, names: Mapping[str, str], source: str, sheet: str | None
) -> int:
    """Messages whose send time is missing or unparseable; the rest of the file lands."""
    column = names["sent"]
    pairs = ", ".join(
        f"{q(names[c])}, {c}"
        for c in ("data_id", "buyer_nick", "agent", "msg_id", "sent", "sender", "text")
        if c in names
    )
    sheet_sql = q(sheet) if sheet else "NULL"
    ctx.con.execute(
        f"""INSERT INTO quarantine SELECT {q(ctx.file_hash)}, {q(source)}, {sheet_sql}, __row,
                {q(column)},
                CASE WHEN sent IS NULL THEN {q(f"列「{column}」缺少发送时间")}
                     ELSE {q(f"列「{column}」无法识别的日期时间「")} || sent || '」' END,
                CAST(json_object({pairs}) AS VARCHAR)
            FROM {cl} WHERE __row IS NOT NULL AND local_ts IS NULL"""
    )
    return scalar_int(
        ctx.con,
        f"""SELECT count(*) FROM quarantine WHERE file_hash = {q(ctx.file_hash)}
            AND sheet IS NOT DISTINCT FROM {sheet_sql}""",
    )


def _stage_sessions(ctx: ImportContext, cl: str, tag: str) -> tuple[Staged, str]:
    """One reception_session row per dataId (or per buyer × agent × day without one).

    Also returns the per-session aggregate table, whose ``days`` list feeds staff resolution.
    """
    tz = q(ctx.timezone)
    start = f"coalesce({_ts('start_time', _SESSION_TS)}, first_msg)"
    exprs = {
        "shop_id": q(ctx.shop_id),
        "data_id": "session_ref",
        "buyer_nick": "buyer_nick",
        "buyer_id": r"""CASE WHEN regexp_full_match(session_ref, '\d{8}_[^_]+_[^_]+_[^_]+')
                        THEN split_part(session_ref, '_', 4) END""",
        "account_nick": "agent",
        "started_at": f"sk_utc({start}, {tz})",
        "ended_at": f"sk_utc(coalesce({_ts('end_time', _SESSION_TS)}, last_msg), {tz})",
        "seller_first": _flag("seller_first", SELLER_FIRST),
        "unreplied": _flag("unreplied", UNREPLIED),
        "biz_date": f"""coalesce(CAST(try_strptime(left(session_ref, 8), '%Y%m%d') AS DATE),
                       CAST({start} AS DATE))""",
    }
    select = ", ".join(
        f"CAST({exprs.get(n, 'NULL')} AS {t}) AS {n}"
        for n, t in TABLES["reception_session"].columns
    )
    agg, temp = f"_chat_sagg_{tag}", f"_chat_sess_{tag}"
    # Start and end times are text until here (one format per file): parsed once per session.
    # ``days``: the local dates its messages fall on, for resolving staff.
    ctx.con.execute(
        f"""CREATE TEMP TABLE {agg} AS
            SELECT session_ref, max(buyer_nick) AS buyer_nick, max(agent) AS agent,
                min(start_time) AS start_time, max(end_time) AS end_time,
                max(seller_first) AS seller_first, max(unreplied) AS unreplied,
                min(local_ts) AS first_msg, max(local_ts) AS last_msg, min(__row) AS _row,
                list_distinct(list(CAST(local_ts AS DATE))) AS days
            FROM {cl} WHERE session_ref IS NOT NULL GROUP BY session_ref"""
    )
    ctx.con.execute(f"CREATE TEMP TABLE {temp} AS SELECT {select}, _row FROM {agg}")
    return Staged("reception_session", temp), agg


def stage_reception(
    ctx: ImportContext,
    cl: str,
    names: Mapping[str, str],
    *,
    adapter: str,
    source: str,
    sheet: str | None = None,
    rows_read: int | None = None,
) -> ParseResult:
    """Quarantine and stage reception rows from ``cl``, a :func:`cleaned_select` in parentheses.

    Rows with a NULL ``__row`` are sessions without messages (bundle shape).
    ``names`` maps each canonical field to the column name the file used, for messages;
    ``rows_read`` is the number of messages when the caller knows it already.
    """
    con = ctx.con
    tag = new_tag("rcp")
    result = ParseResult(adapter)
    result.rows_read = (
        rows_read
        if rows_read is not None
        else scalar_int(con, f"SELECT count(*) FROM {cl} WHERE __row IS NOT NULL")
    )
    result.quarantined = _quarantine(ctx, cl, names, source, sheet)
    if result.rows_read and result.quarantined == result.rows_read:
        _refuse_without_times(con, cl, source, names["sent"])
    sessions, agg = _stage_sessions(ctx, cl, tag)
    staff = resolve_staff(
        ctx,
        f"""SELECT account_nick, biz_date FROM {sessions.temp_table} UNION ALL
            SELECT agent, unnest(days) FROM {agg}""",
        tag,
    )
    con.execute(
        f"""UPDATE {sessions.temp_table} s SET staff_id = m.staff_id FROM {staff.map_table} m
            WHERE m.account_nick = s.account_nick AND m.biz_date = s.biz_date"""
    )
    messages = stage_messages(
        ctx,
        f"""SELECT __row, session_ref, buyer_nick, agent AS account_nick, sender, direction,
                   local_ts, text, msg_id FROM {cl} WHERE __row IS NOT NULL AND local_ts IS NOT NULL""",
        staff.map_table,
        tag,
        result.rows_read - result.quarantined,
    )
    result.duplicates = messages.duplicates
    result.staged = [messages.staged, sessions, *staff.staged]
    result.notes += staff.notes
    latest = scalar(
        con,
        f"""SELECT greatest((SELECT max(sent_at) FROM {messages.staged.temp_table}),
                            (SELECT max(ended_at) FROM {sessions.temp_table}))""",
    )
    result.latest_ts = latest if isinstance(latest, dt.datetime) else None
    return result


def _refuse_without_times(
    con: duckdb.DuckDBPyConnection, cl: str, source: str, column: str
) -> None:
    """A file whose messages all lack a send time is missing the column, not a few values."""
    if scalar_int(con, f"SELECT count(sent) FROM {cl}"):
        return
    raise FileRefused(
        source,
        "missing_column",
        f"所有消息都缺少发送时间「{column}」（识别为{LABEL}）",
        row=1,
        column=column,
        hint=f"请导出包含「{column}」字段的完整接待明细",
    )


class ReceptionSheetAdapter(TabularAdapter):
    """The xlsx/CSV download: one row per message, session fields repeated."""

    NAME = "reception_sheet"
    LABEL = LABEL
    TABLE = "chat_message"
    FIELDS = FIELDS
    SIGNATURE = ("sent", "sender", "text", "buyer_nick", "account_nick", "psn_nick")
    COLLAPSE_EXACT = False

    def stage(self, ctx: ImportContext, raw: RawTable) -> ParseResult:
        columns = resolve_columns(self, raw)
        view = f"_chat_sheet_{new_tag('sheet')}"
        select = ", ".join(
            f"{columns[f.name][0]} AS {f.name}"
            if f.name in columns
            else f"NULL::VARCHAR AS {f.name}"
            for f in FIELDS
        )
        names = {name: header for name, (_, header) in columns.items()}
        names["agent"] = names.get("account_nick", names.get("psn_nick", "accountNick"))
        ctx.con.register(view, raw.table)
        try:
            cl = cleaned_select(ctx, f"SELECT __row, {select} FROM {view}", sheet_clean)
            return stage_reception(
                ctx, f"({cl})", names, adapter=self.NAME, source=raw.source, sheet=raw.sheet
            )
        finally:
            ctx.con.unregister(view)
