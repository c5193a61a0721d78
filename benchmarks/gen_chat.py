"""Generate chat records at scale in the real export formats (FIELD.md §1.5):

- the 生意参谋 session bundle ``{"sessions": [{"meta": {…}, "messages": […]}]}``, one file
  per day, as export tools write it;
- 千牛 copy-paste text: ``昵称 2026-11-9 9:05:07`` header lines (not zero-padded), the message
  on the next line, CRLF line ends, one file per day.

Set-based in DuckDB, so 10M messages take a minute, not an hour.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

SHOP = "示例旗舰店"
TEXTS = [
    "在吗？这款有货吗",
    "亲，在的哦，有现货的",
    "什么时候发货呀",
    "今天下单48小时内发货哦",
    "能便宜点吗",
    "稍等，我帮您查一下优惠",
    "尺码怎么选？身高170体重65",
    "建议选L码哦亲",
]

MESSAGES_SQL = """
CREATE OR REPLACE TABLE msg AS
SELECT
    i AS n,
    (i // {per_session}) AS session_no,
    (i % {per_session}) AS k,
    {day} AS day_no
FROM range({count}) t(i)
"""

SESSION_SQL = """
CREATE OR REPLACE TABLE m2 AS
SELECT
    n, session_no, k,
    'buyer' || (session_no % 400000)::VARCHAR AS buyer,
    '{shop}:客服' || (session_no % {agents})::VARCHAR AS agent,
    DATE '2026-10-01' + INTERVAL ({day}) DAY + to_seconds(8 * 3600 + (session_no * 7) % 50000 + k * 25) AS ts,
    [{texts}][1 + ((n * 7 + k) % {n_texts})] AS text,
    k % 2 = 1 AS from_agent
FROM msg
"""


def _prepare(con: duckdb.DuckDBPyConnection, day: int, count: int, agents: int) -> None:
    texts = ", ".join("'" + t + "'" for t in TEXTS)
    con.execute(MESSAGES_SQL.format(per_session=8, day=day, count=count))
    con.execute(
        SESSION_SQL.format(shop=SHOP, agents=agents, day=day, texts=texts, n_texts=len(TEXTS))
    )


def write_bundle_day(con: duckdb.DuckDBPyConnection, path: Path, day: int, count: int) -> None:
    """One day of sessions as a session-bundle JSON file."""
    _prepare(con, day, count, agents=40)
    tmp = path.with_suffix(".part")
    con.execute(
        f"""COPY (
            SELECT {{
                'dataId': strftime(min(ts), '%Y%m%d') || '_2200000000_' || any_value(agent) || '_' || any_value(buyer),
                'buyerNick': any_value(buyer), 'psnNickName': any_value(agent),
                'accountNick': any_value(agent),
                'startTime': strftime(min(ts), '%Y-%m-%d %H:%M:%S'),
                'endTime': strftime(max(ts), '%Y-%m-%d %H:%M:%S'),
                'isSellerFst': '买家发起', 'isUnReply': '已回复'
            }} AS meta,
            list({{
                'msgId': 'm{day}_' || n::VARCHAR,
                'gmtCreated': strftime(ts, '%Y-%m-%d %H:%M:%S') || '.000',
                'userNickFrom': CASE WHEN from_agent THEN agent ELSE buyer END,
                'userNickTo': CASE WHEN from_agent THEN buyer ELSE agent END,
                'msg': text
            }} ORDER BY k) AS messages
            FROM m2 GROUP BY session_no ORDER BY session_no
        ) TO '{tmp}' (FORMAT json, ARRAY true)"""
    )
    with path.open("wb") as out:
        out.write(b'{"sessions": ')
        with tmp.open("rb") as src:
            while chunk := src.read(1 << 24):
                out.write(chunk)
        out.write(b"}")
    tmp.unlink()


def write_text_day(con: duckdb.DuckDBPyConnection, path: Path, day: int, count: int) -> None:
    """One day of conversations as 千牛 copy-paste text (UTF-8, CRLF)."""
    _prepare(con, day, count, agents=40)
    tmp = path.with_suffix(".part")
    con.execute(
        f"""COPY (
            SELECT CASE WHEN from_agent THEN agent ELSE buyer END || ' ' ||
                   strftime(ts, '%Y-') || month(ts)::VARCHAR || '-' || day(ts)::VARCHAR || ' ' ||
                   hour(ts)::VARCHAR || strftime(ts, ':%M:%S') || chr(13) || chr(10) || text || chr(13)
            FROM m2 ORDER BY session_no, k
        ) TO '{tmp}' (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\x01')"""
    )
    tmp.replace(path)


def generate(folder: Path, fmt: str, total: int, days: int) -> list[Path]:
    """Write ``total`` messages spread over ``days`` daily files of format ``bundle``/``text``."""
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    per_day = total // days
    paths = []
    for day in range(days):
        if fmt == "bundle":
            path = folder / f"reception_2026{10 + (day + 1) // 31:02d}_day{day:03d}.json"
            write_bundle_day(con, path, day, per_day)
        else:
            path = folder / f"qianniu_chat_day{day:03d}.txt"
            write_text_day(con, path, day, per_day)
        paths.append(path)
    return paths


if __name__ == "__main__":
    out, kind, n, d = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    for p in generate(out, kind, n, d):
        print(p)
