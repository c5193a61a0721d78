"""千牛 chat records copied as text (FIELD.md §1.5) → ``chat_message``.

What a copy looks like::

    tb_小明 2026-11-9 9:05:07          header: nick, then a time that is not zero-padded
    在吗？这件有货吗                    content, one or more lines
    示例旗舰店:小美                      a nick alone, with the time on the next line
    2026-11-9 9:05:20
    在的亲
    已读                                read state: dropped
    示例旗舰店:小美 --> 示例旗舰店:小王 2026-11-9 9:06:00   transfer: later messages are 小王's
    由 服务助手 转交给 示例旗舰店:小王    system lines (direction ``system``)
    当前用户来自 商品详情页

The agent side is a sub-account (``店铺名:客服名``), the shop's main account or its seller
nick; the buyer is the other party. A file may hold many conversations, optionally split
by separator lines (``=====``). Parsing is vectorised: Arrow splits the lines, one SQL
statement classifies them with regexes, window functions carry the header state forward.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from shopkpi.ingest.adapters.chat_common import new_tag, sql_list, stage_messages
from shopkpi.ingest.adapters.staff_accounts import resolve_staff
from shopkpi.ingest.base import DocumentAdapter, ImportContext, ParseResult
from shopkpi.ingest.reader import SourceFile
from shopkpi.ingest.tabular import q
from shopkpi.warehouse.db import scalar, scalar_int

# Line patterns (RE2 in DuckDB, and Python's re for detection). Extend these, not the code.
DATETIME = r"\d{4}[-/]\d{1,2}[-/]\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?"
NICK = r"[^\s,，\t]+"
HEADER = rf"^({NICK})\s+({DATETIME})$"
TIME_ONLY = rf"^({DATETIME})$"
TRANSFER = rf"^(.+?)\s*-->\s*(.+?)\s+({DATETIME})$"
SYSTEM = (
    r"^由\s*\S+\s*转交给",
    r"^原因[:：]",
    r"^当前用户来自",
    r"^(系统消息|系统提示)",
    r"撤回了一条消息$",
)
HANDOVER_TO = r"转交给\s*(\S+)"
READ_STATES = ("已读", "未读", "发送中", "发送失败")
SEPARATOR = r"^[-=─—_*]{5,}$"
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M")
TIME_COLUMN = "时间"
_SAMPLE_LINES = 200


def detect_chat_text(head: str) -> float:
    """0.9 when ``head`` reads as a chat copy; CSVs (their first line a header row) never do."""
    lines = [line.strip() for line in head.splitlines() if line.strip()][:_SAMPLE_LINES]
    if len(lines) > 1 and not head.endswith("\n"):
        lines = lines[:-1]  # the sample may cut the last line
    if not lines or lines[0].count(",") + lines[0].count("\t") >= 2:
        return 0.0
    header, time_only, transfer = re.compile(HEADER), re.compile(TIME_ONLY), re.compile(TRANSFER)
    system = re.compile("|".join(SYSTEM))
    starts = [
        bool(header.match(line) or transfer.match(line) or system.search(line))
        or (i + 1 < len(lines) and bool(time_only.match(lines[i + 1])))
        for i, line in enumerate(lines[:3])
    ]
    headers = sum(1 for line in lines if header.match(line) or time_only.match(line))
    return 0.9 if any(starts) and headers and headers / len(lines) >= 0.1 else 0.0


def split_lines(data: bytes) -> pa.Table:
    """``n`` (1-based line number), ``line`` (trimmed), and its neighbours ``prev``/``next``."""
    text = pa.array([data], pa.large_binary()).cast(pa.large_string())
    lines = pc.utf8_trim(pc.list_flatten(pc.split_pattern(text, "\n")), " \t\r\u3000\ufeff")
    n = len(lines)
    empty = pa.array([""], pa.large_string())
    prev = pa.concat_arrays([empty, lines.slice(0, max(n - 1, 0))])
    nxt = pa.concat_arrays([lines.slice(1), empty])
    numbers = pa.array(np.arange(1, n + 1, dtype=np.int64))
    return pa.table({"n": numbers, "line": lines, "prev": prev, "next": nxt})


def _ends_with_time(col: str) -> str:
    """SQL: a cheap guard before the regexes, true for every line that ends in a time."""
    return f"(ascii(right({col}, 1)) BETWEEN 48 AND 57 AND contains(right({col}, 6), ':'))"


def _classified_sql(view: str) -> str:
    """Meaningful lines (blank and read-state lines dropped): kind, and for events the nick,
    time text and the account a transfer hands over to. Each regex runs only behind a guard.
    """
    system = q("|".join(SYSTEM))
    ends = _ends_with_time("line")
    return f"""
        SELECT n, line, kind,
            CASE WHEN kind = 'header' THEN coalesce(nullif(h.nick, ''), prev) END AS nick,
            CASE kind WHEN 'transfer' THEN t.ts WHEN 'header' THEN coalesce(nullif(h.ts, ''), line)
                END AS ts_text,
            CASE WHEN kind = 'transfer' THEN t.dst
                 WHEN kind = 'system' THEN nullif(regexp_extract(line, {q(HANDOVER_TO)}, 1), '')
                 END AS handover_to
        FROM (
            SELECT *,
                CASE
                    WHEN line = '' OR line IN ({", ".join(q(s) for s in READ_STATES)}) THEN 'drop'
                    WHEN t.ts <> '' THEN 'transfer'
                    WHEN h.ts <> '' THEN 'header'
                    WHEN time_only AND regexp_full_match(prev, {q(NICK)}) THEN 'header'
                    WHEN {_ends_with_time("next")} AND regexp_full_match(next, {q(TIME_ONLY)})
                         AND regexp_full_match(line, {q(NICK)}) THEN 'nick'
                    WHEN regexp_full_match(line, {q(SEPARATOR)}) THEN 'separator'
                    WHEN regexp_matches(line, {system}) THEN 'system'
                    ELSE 'content'
                END AS kind
            FROM (
                SELECT n, line, prev, next,
                    CASE WHEN {ends} THEN regexp_extract(line, {q(HEADER)}, ['nick', 'ts']) END AS h,
                    CASE WHEN contains(line, '-->')
                         THEN regexp_extract(line, {q(TRANSFER)}, ['src', 'dst', 'ts']) END AS t,
                    {ends} AND regexp_full_match(line, {q(TIME_ONLY)}) AS time_only
                FROM {view}))
        WHERE kind NOT IN ('drop', 'nick')"""


def _events_sql(ctx: ImportContext, lines: str) -> str:
    """One row per message (header, system or transfer line) with its text and parties.

    A message's text is the run of content lines after its event line; the common
    single-line case comes from ``lead`` and only longer runs are aggregated.
    """
    seller = ctx.config.shop(ctx.shop_id).seller_nick
    agents = sql_list([*([seller] if seller else []), *ctx.config.session.auto_reply_senders])
    formats = "[" + ", ".join(q(f) for f in TIME_FORMATS) + "]"
    events = "('header', 'system', 'transfer')"
    state = "PARTITION BY seg ORDER BY n"
    return f"""
        WITH s AS (
            SELECT *,
                sum(CASE WHEN kind = 'separator' THEN 1 ELSE 0 END) OVER w AS seg,
                max(CASE WHEN kind IN {events} THEN n END) OVER w AS owner,
                lead(kind) OVER (ORDER BY n) AS k1, lead(kind, 2) OVER (ORDER BY n) AS k2,
                lead(line) OVER (ORDER BY n) AS l1
            FROM {lines}
            WINDOW w AS (ORDER BY n ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
        ), long AS (
            SELECT owner, string_agg(line, chr(10) ORDER BY n) AS body FROM s
            WHERE kind = 'content' AND owner IN (
                SELECT n FROM s WHERE kind IN {events} AND k1 = 'content' AND k2 = 'content')
            GROUP BY owner
        ), mains AS (
            SELECT DISTINCT split_part(nick, ':', 1) AS main FROM s WHERE contains(nick, ':')
        ), e AS (
            SELECT s.n, s.seg, s.kind, s.nick, s.ts_text, s.handover_to, s.line AS line_text,
                CASE WHEN s.k1 = 'content' THEN coalesce(long.body, s.l1) END AS body,
                try_strptime(s.ts_text, {formats}) AS ts,
                CASE WHEN s.kind <> 'header' THEN 'system'
                     WHEN contains(s.nick, ':') OR list_contains({agents}, s.nick)
                          OR m.main IS NOT NULL THEN 'agent'
                     ELSE 'buyer' END AS direction
            FROM s LEFT JOIN long ON long.owner = s.n LEFT JOIN mains m ON m.main = s.nick
            WHERE s.kind IN {events}
        ), p AS (
            SELECT *,
                CASE WHEN kind = 'header' THEN body
                     ELSE concat_ws(chr(10), line_text, body) END AS text,
                coalesce(
                    last_value(CASE WHEN direction = 'buyer' THEN nick END IGNORE NULLS) OVER w,
                    first_value(CASE WHEN direction = 'buyer' THEN nick END IGNORE NULLS) OVER f
                ) AS buyer_nick,
                coalesce(
                    last_value(ts IGNORE NULLS) OVER w, first_value(ts IGNORE NULLS) OVER f
                ) AS ts_filled
            FROM e
            WINDOW w AS ({state} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
                   f AS ({state} ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)
        )
        SELECT n AS __row, nick, ts_text, text, direction, buyer_nick,
            CASE WHEN kind = 'header' THEN ts ELSE ts_filled END AS local_ts,
            coalesce(
                last_value(CASE WHEN direction = 'agent' THEN nick ELSE handover_to END IGNORE NULLS) OVER w,
                first_value(CASE WHEN direction = 'agent' THEN nick ELSE handover_to END IGNORE NULLS) OVER f
            ) AS account_nick
        FROM p
        WINDOW w AS (PARTITION BY seg, buyer_nick ORDER BY n
                     ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
               f AS (PARTITION BY seg, buyer_nick ORDER BY n
                     ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)"""


def _quarantine(ctx: ImportContext, events: str, source: str) -> int:
    """Headers whose time does not parse (``2026-13-45 9:05:07``); their message is held back."""
    bad = f"{events} WHERE local_ts IS NULL"
    ctx.con.execute(
        f"""INSERT INTO quarantine SELECT {q(ctx.file_hash)}, {q(source)}, NULL, __row,
                {q(TIME_COLUMN)}, {q(f"列「{TIME_COLUMN}」无法识别的日期时间「")} || coalesce(ts_text, '') || '」',
                CAST(json_object('昵称', nick, {q(TIME_COLUMN)}, ts_text, '内容', text) AS VARCHAR)
            FROM {bad}"""
    )
    return scalar_int(ctx.con, f"SELECT count(*) FROM {bad}")


class ChatTextAdapter(DocumentAdapter):
    """千牛 聊天记录 copied and pasted into a text file (GBK or UTF-8, CRLF or LF)."""

    NAME = "qianniu_chat_text"
    LABEL = "千牛聊天记录"
    KINDS = frozenset({"text"})

    def detect(self, src: SourceFile) -> float:
        return detect_chat_text(src.head())

    def parse(self, ctx: ImportContext, src: SourceFile) -> ParseResult:
        con, tag = ctx.con, new_tag("txt")
        view, lines, events = f"_chat_lines_{tag}", f"_chat_tl_{tag}", f"_chat_ev_{tag}"
        con.register(view, split_lines(src.utf8()))
        try:
            con.execute(f"CREATE TEMP TABLE {lines} AS {_classified_sql(view)}")
        finally:
            con.unregister(view)
        con.execute(f"CREATE TEMP TABLE {events} AS {_events_sql(ctx, lines)}")
        result = ParseResult(self.NAME)
        result.rows_read = scalar_int(con, f"SELECT count(*) FROM {events}")
        result.quarantined = _quarantine(ctx, events, src.display_name)
        good = f"{events} WHERE local_ts IS NOT NULL"
        staff = resolve_staff(
            ctx, f"SELECT account_nick, CAST(local_ts AS DATE) AS biz_date FROM {good}", tag
        )
        messages = stage_messages(
            ctx,
            f"""SELECT __row, NULL::VARCHAR AS session_ref, buyer_nick, account_nick,
                       nick AS sender, direction, local_ts, text, NULL::VARCHAR AS msg_id
                FROM {good}""",
            staff.map_table,
            tag,
            result.rows_read - result.quarantined,
        )
        result.duplicates = messages.duplicates
        result.staged = [messages.staged, *staff.staged]
        result.notes += staff.notes + _orphan_note(ctx, lines)
        latest = scalar(con, f"SELECT max(sent_at) FROM {messages.staged.temp_table}")
        result.latest_ts = latest if isinstance(latest, dt.datetime) else None
        return result


def _orphan_note(ctx: ImportContext, lines: str) -> list[str]:
    """Content before the first header has no sender or time; say that it was skipped."""
    count = scalar_int(
        ctx.con,
        f"""SELECT count(*) FROM {lines} WHERE kind = 'content'
            AND n < coalesce((SELECT min(n) FROM {lines} WHERE kind = 'header'), 9223372036854775807)""",
    )
    return [f"文件开头有 {count} 行内容没有发送人和时间，已跳过"] if count else []
