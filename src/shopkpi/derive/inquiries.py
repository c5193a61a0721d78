"""``inquiry`` (咨询/接待/询单): buyer × staff × shop-local day.

Built from ``session_message`` (buyer and human agent messages; auto-replies never count).
Each message counts for its own ``staff_id`` (the account's owner that day for buyer
messages, the sender for replies). Messages on an account mapped to no staff member form
their own row per account (``staff_id`` NULL). ``account_nick`` is the (first, by name)
account of the row.

- ``consulted``: the buyer sent at least one message; ``agent_wrote``: the staff member sent
  a human message (a reply, a 催付, a follow-up); ``received``: both.
- ``replied`` (回复, the platform's rule): the buyer wrote and a human agent message came
  the same day, before or after the buyer's; so 未回复 is a buyer who only wrote and was
  never written to ("买家只发了消息，客服一直没回复"). A buyer who answered the agent's
  follow-up and got no further message is replied: the buyer's message needed no answer.
- ``first_at``/``last_at``: the row's first and last buyer or human agent message.
- **After-sale** (``session.aftersale_days``, default 21). The row is ``aftersale`` when
  the buyer paid an order (``orders.paid_at``) at or before ``first_at`` on a local date at
  most ``aftersale_days`` before ``biz_date``, and created no order from ``first_at`` to
  the end of the inquiry window after it: to the end of the next local day under
  ``same_or_previous_day``, or ``attribution.window_hours`` after ``first_at``. Otherwise
  ``presale``. ``is_inquiry`` = received and presale.
- ``slow_rounds``: slow reply rounds the staff member answered, by the round's opening day.
- ``transferred_out``: one of the staff member's sessions with the buyer that day was
  transferred out.
"""

from __future__ import annotations

from shopkpi.config.models import InquiryWindow, WorkspaceConfig
from shopkpi.derive.settings import local_date
from shopkpi.engine import Step

STAFF_KEY = """CASE WHEN staff_id IS NULL THEN 'account:' || account_nick
                ELSE 'staff:' || staff_id END"""
ROW = ("shop_id", "buyer_nick", "staff_key", "biz_date")


def _join(left: str, right: str) -> str:
    return " AND ".join(f"{left}.{c} = {right}.{c}" for c in ROW)


def _group(alias: str) -> str:
    return ", ".join(f"{alias}.{c}" for c in ROW)


def _flag(condition: str) -> str:
    return f"max(CASE WHEN {condition} THEN 1 ELSE 0 END) = 1"


def _reorder_window(config: WorkspaceConfig) -> str:
    rule = config.attribution
    if rule.window is InquiryWindow.hours:
        return f"o.created_at <= g.first_at + INTERVAL {int(rule.window_hours or 0)} HOUR"
    created = local_date("o.created_at", "o.shop_id", config)
    return f"{created} <= g.biz_date + 1"


def _aftersale(config: WorkspaceConfig) -> str:
    """CTEs ``recent`` (paid within the after-sale days) and ``reorder`` (ordered again)."""
    days = config.session.aftersale_days
    paid_date = local_date("o.paid_at", "o.shop_id", config)
    return f"""recent AS (
    SELECT {_group("g")} FROM g
    JOIN orders AS o
      ON o.shop_id = g.shop_id AND o.buyer_nick = g.buyer_nick
     AND o.paid_at <= g.first_at
     AND {paid_date} >= g.biz_date - {days}
    GROUP BY {_group("g")}
), reorder AS (
    SELECT {_group("g")} FROM g
    JOIN orders AS o
      ON o.shop_id = g.shop_id AND o.buyer_nick = g.buyer_nick
     AND o.created_at >= g.first_at AND {_reorder_window(config)}
    GROUP BY {_group("g")}
)"""


def inquiry_sql(config: WorkspaceConfig) -> str:
    return f"""WITH k AS (
    -- grouped on the integer keys: a staff member, or an account mapped to no one
    SELECT bkey, skey, CASE WHEN skey IS NULL THEN akey END AS unmapped, biz_date,
           min(akey) AS akey, min(sent_at) AS first_at, max(sent_at) AS last_at,
           {_flag("direction = 'buyer'")} AS consulted,
           {_flag("direction = 'agent'")} AS agent_wrote
    FROM session_message
    WHERE direction IN ('buyer', 'agent')
    GROUP BY bkey, skey, CASE WHEN skey IS NULL THEN akey END, biz_date
), g AS (
    SELECT b.shop_id, b.buyer_nick, {STAFF_KEY} AS staff_key, k.biz_date, f.staff_id,
           a.account_nick, k.first_at, k.last_at, k.consulted, k.agent_wrote
    FROM k
    JOIN key_buyer AS b ON b.bkey = k.bkey
    JOIN key_account AS a ON a.akey = k.akey
    LEFT JOIN key_staff AS f ON f.skey = k.skey
), slow AS (
    SELECT shop_id, buyer_nick, {STAFF_KEY} AS staff_key, biz_date,
           CAST(sum(CASE WHEN slow THEN 1 ELSE 0 END) AS BIGINT) AS slow_rounds
    FROM reply_round
    WHERE answered_at IS NOT NULL
    GROUP BY shop_id, buyer_nick, {STAFF_KEY}, biz_date
), moved AS (
    SELECT shop_id, buyer_nick, {STAFF_KEY} AS staff_key, biz_date
    FROM chat_session
    WHERE transferred_out
    GROUP BY shop_id, buyer_nick, {STAFF_KEY}, biz_date
), {_aftersale(config)}
SELECT g.shop_id, g.buyer_nick, g.staff_id, g.account_nick, g.biz_date, g.first_at, g.last_at,
       g.consulted, g.agent_wrote, (g.consulted AND g.agent_wrote) AS received,
       (g.consulted AND g.agent_wrote) AS replied,
       CASE WHEN r.shop_id IS NOT NULL AND x.shop_id IS NULL THEN 'aftersale'
            ELSE 'presale' END AS kind,
       (g.consulted AND g.agent_wrote AND NOT (r.shop_id IS NOT NULL AND x.shop_id IS NULL))
           AS is_inquiry,
       coalesce(sl.slow_rounds, 0) AS slow_rounds,
       m.shop_id IS NOT NULL AS transferred_out
FROM g
LEFT JOIN recent AS r ON {_join("r", "g")}
LEFT JOIN reorder AS x ON {_join("x", "g")}
LEFT JOIN slow AS sl ON {_join("sl", "g")}
LEFT JOIN moved AS m ON {_join("m", "g")}"""


def inquiry_step(config: WorkspaceConfig) -> Step:
    return Step(
        "inquiry",
        inquiry_sql(config),
        doc="咨询/接待/询单：买家 × 客服 × 天；售前/售后（21 天规则）、慢响应回合、转出",
    )
