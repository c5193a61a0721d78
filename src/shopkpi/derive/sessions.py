"""``chat_session`` (会话): one buyer with one account, split by idle time and local midnight.

Built from ``session_message`` (see :mod:`shopkpi.derive.messages` for the split rules).

- ``started_at``/``ended_at``: first and last buyer, human or auto message; the idle time
  between sessions is not counted, so ``duration_seconds = ended_at − started_at``.
- ``staff_id``: the staff member of the session's first message (the account's owner that
  day). Reply rounds, by contrast, are credited to whoever sent the reply.
- ``first_response_at``: the first human agent message at or after the session's first
  buyer message on the same local date, even when it comes after the session ended (a
  reply after more than ``idle_minutes`` of silence opens the next session, which is then
  ``seller_first``); ``replied`` when there is one. A reply after midnight is no reply.
- **First response** (首次响应, the platform's per-session figure). ``first_clock_at`` is
  when its clock starts, by the same service-hours rule as reply rounds: the first buyer
  message when it is in service hours; otherwise the next opening under
  ``from_next_opening``, and NULL (not counted) under ``exclude``. ``first_response_seconds``
  = ``first_response_at − first_clock_at`` (0 when the reply came before the opening), only
  when the reply falls inside the session (``first_response_at <= ended_at``): a later reply
  answers a session that went quiet, and is timed by the reply rounds instead (capped at
  ``round_cap_seconds``), as the platform does.
- ``seller_first``: the session's first message is the seller's (human or auto).
- **Transfers.** ``transferred_out``/``transferred_in`` come from two sources:
  consecutive sessions of a buyer (ordered by their first buyer or human message) on
  different accounts, the later starting at most ``idle_minutes`` after the earlier's last
  buyer or human message (or overlapping it); and system lines matching
  ``transfer_patterns`` (``转交给 X``, ``A --> X``). For such a line at time *t* naming account X, the *from* session is the
  buyer's session on another account, the same local day, started at or before *t* (the
  one that ended last); the *to* session is the buyer's first session on X that day not
  ended before *t*. Nothing is marked when there is no *from* session (an offline message
  assigned to X by 服务助手 is not a hand-over between agents); *out* is marked even
  when X never wrote.
"""

from __future__ import annotations

from shopkpi.config.models import WorkspaceConfig
from shopkpi.derive.messages import seconds_between, session_id
from shopkpi.derive.settings import (
    in_service,
    lit,
    local_ts,
    next_opening,
    out_of_hours_rule,
    time_of_day,
    utc_of_local,
)
from shopkpi.engine import Step


def _flag(condition: str) -> str:
    return f"max(CASE WHEN {condition} THEN 1 ELSE 0 END) = 1"


def _count(condition: str) -> str:
    return f"CAST(sum(CASE WHEN {condition} THEN 1 ELSE 0 END) AS BIGINT)"


def _target(config: WorkspaceConfig) -> str:
    """SQL: the account a system line hands the buyer to (NULL when it is no transfer)."""
    found = [
        f"nullif(regexp_extract(text, {lit(p)}, 1), '')" for p in config.session.transfer_patterns
    ]
    if not found:
        return "CAST(NULL AS VARCHAR)"
    first = found[0] if len(found) == 1 else f"coalesce({', '.join(found)})"
    return f"replace({first}, '：', ':')"


def _aggregate() -> str:
    """CTE body of ``agg``: one row per session, grouped on the integer keys of
    ``session_message`` and given its strings back afterwards."""
    return f"""SELECT b.shop_id, {session_id()} AS session_id, b.buyer_nick, a.account_nick,
           f.staff_id, g.biz_date, g.started_at, g.ended_at, g.buyer_messages,
           g.agent_messages, g.auto_messages, g.agent_chars, g.first_buyer_at,
           g.first_response_at, g.first_live_at, g.last_live_at, g.seller_first, g.bkey,
           g.akey
    FROM (
    SELECT bkey, akey, session_start_at,
           coalesce(max(CASE WHEN new_session THEN skey END), max(skey)) AS skey,
           min(biz_date) AS biz_date, min(sent_at) AS started_at, max(sent_at) AS ended_at,
           {_count("direction = 'buyer'")} AS buyer_messages,
           {_count("direction = 'agent'")} AS agent_messages,
           {_count("direction = 'auto'")} AS auto_messages,
           CAST(sum(agent_chars) AS BIGINT) AS agent_chars,
           min(CASE WHEN direction = 'buyer' THEN sent_at END) AS first_buyer_at,
           min(CASE WHEN direction = 'buyer' THEN next_agent_at END) AS first_response_at,
           min(CASE WHEN direction <> 'auto' THEN sent_at END) AS first_live_at,
           max(CASE WHEN direction <> 'auto' THEN sent_at END) AS last_live_at,
           {_flag("new_session AND direction <> 'buyer'")} AS seller_first
    FROM session_message
    GROUP BY bkey, akey, session_start_at
    ) AS g
    JOIN key_buyer AS b ON b.bkey = g.bkey
    JOIN key_account AS a ON a.akey = g.akey
    LEFT JOIN key_staff AS f ON f.skey = g.skey"""


def _consecutive_transfers(config: WorkspaceConfig) -> str:
    """CTE ``moved``: per session with buyer or human messages, whether the buyer's
    conversation came from (``xfer_in``) or went on to (``xfer_out``) another account."""
    idle = f"INTERVAL '{config.session.idle_minutes * 60}' SECOND"
    # bkey is (shop, buyer) and akey sorts as account_nick does within a shop
    order = "PARTITION BY bkey ORDER BY first_live_at, akey, session_id"
    return f"""live AS (
    SELECT shop_id, session_id, account_nick,
           first_live_at, last_live_at,
           lag(account_nick) OVER ({order}) AS prev_account,
           lag(last_live_at) OVER ({order}) AS prev_last_at,
           lead(account_nick) OVER ({order}) AS next_account,
           lead(first_live_at) OVER ({order}) AS next_first_at
    FROM agg
    WHERE first_live_at IS NOT NULL
), moved AS (
    SELECT shop_id, session_id,
           coalesce(prev_account <> account_nick
                    AND prev_last_at >= first_live_at - {idle}, false) AS xfer_in,
           coalesce(next_account <> account_nick
                    AND next_first_at <= last_live_at + {idle}, false) AS xfer_out
    FROM live
)"""


def _system_transfers(config: WorkspaceConfig) -> str:
    """CTEs ``sys_from``/``sys_to``: sessions handed over by a system line (see module doc)."""
    return f"""sys AS (
    SELECT DISTINCT shop_id, buyer_nick, sent_at, biz_date, {_target(config)} AS target
    FROM chat_message
    WHERE direction = 'system' AND buyer_nick IS NOT NULL AND sent_at IS NOT NULL
      AND text IS NOT NULL
), src AS (
    SELECT x.shop_id, x.buyer_nick, x.sent_at, x.biz_date, x.target, a.session_id,
           row_number() OVER (PARTITION BY x.shop_id, x.buyer_nick, x.sent_at, x.target
                              ORDER BY a.ended_at DESC, a.session_id) AS pick
    FROM sys AS x
    JOIN agg AS a
      ON a.shop_id = x.shop_id AND a.buyer_nick = x.buyer_nick AND a.biz_date = x.biz_date
     AND a.account_nick <> x.target AND a.started_at <= x.sent_at
    WHERE x.target IS NOT NULL
), dst AS (
    SELECT s.shop_id, a.session_id,
           row_number() OVER (PARTITION BY s.shop_id, s.buyer_nick, s.sent_at, s.target
                              ORDER BY a.started_at, a.session_id) AS pick
    FROM src AS s
    JOIN agg AS a
      ON a.shop_id = s.shop_id AND a.buyer_nick = s.buyer_nick AND a.biz_date = s.biz_date
     AND a.account_nick = s.target AND a.ended_at >= s.sent_at
    WHERE s.pick = 1
), sys_from AS (
    SELECT DISTINCT shop_id, session_id FROM src WHERE pick = 1
), sys_to AS (
    SELECT DISTINCT shop_id, session_id FROM dst WHERE pick = 1
)"""


def _first_clock(config: WorkspaceConfig) -> str:
    """CTEs ``loc`` and ``clocked``: ``agg`` plus ``first_clock_at`` (see module doc)."""
    local = "loc.local_first"
    day = f"CAST({local} AS DATE)"
    opening = utc_of_local(next_opening("loc.shop_id", local, config), "loc.shop_id", config)
    return f"""loc AS (
    SELECT agg.*, {local_ts("agg.first_buyer_at", "agg.shop_id", config)} AS local_first
    FROM agg
), clocked AS (
    SELECT loc.*,
           CASE WHEN {in_service("loc.shop_id", day, time_of_day(local), config)}
                    THEN loc.first_buyer_at
                WHEN {out_of_hours_rule("loc.shop_id", config)} = 'from_next_opening'
                    THEN {opening}
           END AS first_clock_at
    FROM loc
)"""


def _first_response_seconds() -> str:
    diff = seconds_between("a.first_clock_at", "a.first_response_at")
    return f"""CASE WHEN a.first_response_at <= a.ended_at
            THEN (CASE WHEN {diff} < 0 THEN 0 ELSE {diff} END) END"""


def chat_session_sql(config: WorkspaceConfig) -> str:
    return f"""WITH agg AS (
    {_aggregate()}
), {_first_clock(config)}, {_consecutive_transfers(config)}, {_system_transfers(config)}
SELECT a.shop_id, a.session_id, a.buyer_nick, a.account_nick, a.staff_id, a.biz_date,
       a.started_at, a.ended_at, {seconds_between("a.started_at", "a.ended_at")} AS duration_seconds,
       a.buyer_messages, a.agent_messages, a.auto_messages, a.agent_chars,
       a.first_buyer_at, a.first_response_at, a.first_clock_at,
       {_first_response_seconds()} AS first_response_seconds,
       a.first_response_at IS NOT NULL AS replied,
       (coalesce(c.xfer_out, false) OR o.session_id IS NOT NULL) AS transferred_out,
       (coalesce(c.xfer_in, false) OR i.session_id IS NOT NULL) AS transferred_in,
       a.seller_first
FROM clocked AS a
LEFT JOIN moved AS c ON c.shop_id = a.shop_id AND c.session_id = a.session_id
LEFT JOIN sys_from AS o ON o.shop_id = a.shop_id AND o.session_id = a.session_id
LEFT JOIN sys_to AS i ON i.shop_id = a.shop_id AND i.session_id = a.session_id"""


def chat_session_step(config: WorkspaceConfig) -> Step:
    return Step(
        "chat_session",
        chat_session_sql(config),
        doc="会话：买家 × 子账号，空闲超时与零点切分；首次响应（服务时间规则）、消息数、转接",
    )
