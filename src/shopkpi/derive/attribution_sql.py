"""SQL fragments for order attribution: ``as_of`` and touches (portable DuckDB SQL)."""

from __future__ import annotations

from datetime import UTC, datetime

from shopkpi.config.models import TouchRule
from shopkpi.derive.settings import lit


def as_of_cte(as_of: datetime | None) -> str:
    """A one-row CTE body with ``as_of_at`` (UTC): ``as_of`` (naive = UTC) or the latest event.

    Pending/final is judged against this, never ``now()``, so re-running gives the same rows.
    """
    if as_of is not None:
        utc = as_of.astimezone(UTC).replace(tzinfo=None) if as_of.tzinfo else as_of
        return f"SELECT CAST({lit(utc.isoformat(sep=' '))} AS TIMESTAMP) AS as_of_at"
    events = [
        ("chat_message", "sent_at"),
        ("orders", "created_at"),
        ("orders", "paid_at"),
        ("refund", "requested_at"),
        ("refund", "finished_at"),
    ]
    union = " UNION ALL ".join(f"SELECT max({col}) AS t FROM {table}" for table, col in events)
    return f"SELECT max(t) AS as_of_at FROM ({union}) AS ev"


def touch_cte(touch: TouchRule) -> str:
    """Touches: human agent messages to a buyer (``direction = 'agent'``; auto-replies have
    their own direction and never count), with the sender's ``staff_id`` and ``sent_at``.

    Under ``reception`` a message counts only if the buyer also wrote to that account on
    that shop-local day: the platform's 接待 (both sides sent a message).
    """
    base = """SELECT m.shop_id, m.buyer_nick, m.staff_id, m.sent_at, m.biz_date
    FROM chat_message AS m"""
    where = """WHERE m.direction = 'agent' AND m.staff_id IS NOT NULL
      AND m.buyer_nick IS NOT NULL AND m.sent_at IS NOT NULL"""
    if touch is TouchRule.agent_message:
        return f"{base}\n    {where}"
    return f"""{base}
    JOIN (SELECT DISTINCT shop_id, buyer_nick, account_nick, biz_date
          FROM chat_message WHERE direction = 'buyer') AS b
      ON b.shop_id = m.shop_id AND b.buyer_nick = m.buyer_nick
     AND b.account_nick = m.account_nick AND b.biz_date = m.biz_date
    {where}"""
