"""``reply_round`` (回合): a run of buyer messages ended by the first human agent reply.

Built from ``session_message`` (round boundaries: :mod:`shopkpi.derive.messages`).

- **Clocks.** ``opened_at`` is the run's FIRST buyer message (FIELD.md §2: 10:10:15 and
  10:15:20, reply 10:18:10 → 475 s). ``answered_at`` is the first human reply, fillers
  included (the plain clock); ``effective_answered_at`` is the first non-filler human
  reply the same local day (the effective clock; it may come after the buyer's next
  question). Both are measured from ``clock_start_at``.
- **Credit.** ``staff_id`` is the staff member who SENT the reply, not the account owner
  the chat was assigned to. NULL when unanswered.
- **Service hours** (per shop, ``service_hours``). ``in_service``: the round opened on a
  local date that is no day off, inside a window. Otherwise, under ``from_next_opening``
  the clock starts at the next window opening (skipping days off) and under ``exclude``
  the round is not counted. A reply that comes before that opening counts as 0 s.
- **counted**: answered, and in service or measured from the next opening. Rounds never
  cross midnight (FIELD.md §2): one still open at midnight stays unanswered, not counted.
- ``capped_seconds = min(response_seconds, round_cap_seconds)``; ``within_target``
  (≤ ``within_seconds``) and ``slow`` (> ``slow_seconds``) use the plain response time and
  are true only on counted rounds.
"""

from __future__ import annotations

from shopkpi.config.models import WorkspaceConfig
from shopkpi.derive.messages import seconds_between, session_id
from shopkpi.derive.settings import (
    in_service,
    local_ts,
    next_opening,
    out_of_hours_rule,
    time_of_day,
    utc_of_local,
)
from shopkpi.engine import Step


def _rounds() -> str:
    """One row per round: the opening buyer message and the answer."""

    def at_open(col: str) -> str:
        return f"max(CASE WHEN opens_round THEN {col} END)"

    def at_answer(col: str) -> str:
        return f"max(CASE WHEN is_answer THEN {col} END)"

    # A session's rounds have consecutive ``round_seq`` in the order they opened (no two
    # open in the same second of a stream), so the round's number in its session is its
    # ``round_seq`` minus the session's first, no sort needed.
    return f"""SELECT b.shop_id, b.buyer_nick, a.account_nick, g.biz_date, g.round_seq,
           {session_id()} AS session_id,
           g.round_seq - min(g.round_seq) OVER (
               PARTITION BY g.bkey, g.akey, g.session_start_at) + 1 AS round_no,
           g.opened_at, g.effective_answered_at, g.answered_at, f.staff_id
    FROM (
        SELECT bkey, akey, biz_date, round_seq,
               {at_open("session_start_at")} AS session_start_at, {at_open("sent_at")} AS opened_at,
               {at_open("next_real_at")} AS effective_answered_at,
               {at_answer("sent_at")} AS answered_at, {at_answer("skey")} AS skey
        FROM session_message
        WHERE round_seq > 0 AND (opens_round OR is_answer)
        GROUP BY bkey, akey, biz_date, round_seq
    ) AS g
    JOIN key_buyer AS b ON b.bkey = g.bkey
    JOIN key_account AS a ON a.akey = g.akey
    LEFT JOIN key_staff AS f ON f.skey = g.skey"""


def _elapsed(end: str) -> str:
    """Seconds from the clock start to ``end``, never below 0; NULL when ``end`` is NULL.

    (``greatest``/``least`` skip NULLs in DuckDB and Spark, so they cannot be used here.)
    """
    diff = seconds_between("t.clock_start_at", end)
    return f"(CASE WHEN {diff} < 0 THEN 0 ELSE {diff} END)"


def reply_round_sql(config: WorkspaceConfig) -> str:
    s = config.session
    return f"""WITH g AS (
    {_rounds()}
), l AS (
    SELECT g.*, {local_ts("g.opened_at", "g.shop_id", config)} AS local_open FROM g
), s AS (
    SELECT l.*, CAST(local_open AS DATE) AS open_day,
           {in_service("l.shop_id", "CAST(local_open AS DATE)", time_of_day("local_open"), config)}
               AS in_service,
           {out_of_hours_rule("l.shop_id", config)} AS ooh_rule
    FROM l
), n AS (
    -- out of hours under from_next_opening: the next opening (NULL when none is ahead)
    SELECT s.*,
           CASE WHEN NOT s.in_service AND s.ooh_rule = 'from_next_opening'
                THEN {utc_of_local(next_opening("s.shop_id", "s.local_open", config), "s.shop_id", config)}
           END AS next_open_at
    FROM s
), t AS (
    SELECT n.*,
           CASE WHEN n.in_service OR n.next_open_at IS NULL THEN n.opened_at
                ELSE n.next_open_at END AS clock_start_at,
           (n.answered_at IS NOT NULL AND (n.in_service OR n.next_open_at IS NOT NULL)) AS counted
    FROM n
), r AS (
    SELECT t.*, {_elapsed("t.answered_at")} AS response_seconds,
           {_elapsed("t.effective_answered_at")} AS effective_response_seconds
    FROM t
)
SELECT shop_id, session_id,
       round_no,
       buyer_nick, account_nick, staff_id, biz_date, opened_at, clock_start_at, answered_at,
       effective_answered_at, response_seconds, effective_response_seconds,
       CASE WHEN response_seconds > {s.round_cap_seconds} THEN {s.round_cap_seconds}
            ELSE response_seconds END AS capped_seconds,
       in_service, counted,
       coalesce(counted AND response_seconds <= {s.within_seconds}, false) AS within_target,
       coalesce(counted AND response_seconds > {s.slow_seconds}, false) AS slow
FROM r"""


def reply_round_step(config: WorkspaceConfig) -> Step:
    return Step(
        "reply_round",
        reply_round_sql(config),
        doc="回合：买家连续提问到首次人工回复；响应时长（普通/有效/封顶）、服务时间、是否计入",
    )
