"""Review changes per agent (中差评 → 好评), for the customer-care analysis of diagnosis.

A neutral or bad review given in the period belongs to the agent who last wrote to the buyer
between the review and its change (or the 7 days after the review when it never changed);
when nobody wrote, to the agent the order is credited to (``order_credit``). It is recovered
when the buyer changed it to good.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from shopkpi.metrics.periods import Period

CONTACT_DAYS = 7
_NO_CREDIT = (
    "(SELECT NULL::VARCHAR AS shop_id, NULL::VARCHAR AS order_id, "
    "NULL::VARCHAR AS credited_staff_id WHERE false)"
)


@dataclass(frozen=True)
class ReviewStats:
    """An agent's neutral/bad reviews and how many were changed to good."""

    bad: int = 0
    recovered: int = 0


def review_stats(con: duckdb.DuckDBPyConnection, span: Period) -> dict[str, ReviewStats]:
    """staff id → their neutral/bad reviews of the period and the recovered ones."""
    credit = "order_credit" if _exists(con, "order_credit") else _NO_CREDIT
    rows = con.execute(
        f"""WITH r AS (
              SELECT v.shop_id, v.review_id, v.order_id, v.reviewed_at, v.changed_rating,
                     coalesce(v.buyer_nick, o.buyer_nick) AS buyer_nick,
                     coalesce(v.changed_at,
                              v.reviewed_at + INTERVAL {CONTACT_DAYS} DAY) AS until_at
              FROM review AS v
              LEFT JOIN orders AS o ON o.shop_id = v.shop_id AND o.order_id = v.order_id
              WHERE v.rating IN ('neutral', 'bad') AND v.biz_date BETWEEN ? AND ?),
            contact AS (
              SELECT r.shop_id, r.review_id, arg_max(m.staff_id, m.sent_at) AS staff_id
              FROM r JOIN chat_message AS m ON m.shop_id = r.shop_id
                   AND m.buyer_nick = r.buyer_nick AND m.direction = 'agent'
                   AND m.staff_id IS NOT NULL
                   AND m.sent_at BETWEEN r.reviewed_at AND r.until_at
              GROUP BY ALL)
            SELECT coalesce(k.staff_id, c.credited_staff_id) AS staff_id, count(*),
                   count(*) FILTER (WHERE r.changed_rating = 'good')
            FROM r
            LEFT JOIN contact AS k ON k.shop_id = r.shop_id AND k.review_id = r.review_id
            LEFT JOIN {credit} AS c ON c.shop_id = r.shop_id AND c.order_id = r.order_id
            WHERE coalesce(k.staff_id, c.credited_staff_id) IS NOT NULL
            GROUP BY 1 ORDER BY 1""",
        [span.start, span.end],
    ).fetchall()
    return {str(r[0]): ReviewStats(int(r[1]), int(r[2])) for r in rows}


def _exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    rows = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [table]
    ).fetchall()
    return int(rows[0][0]) > 0
