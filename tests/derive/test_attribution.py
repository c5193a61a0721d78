"""Order attribution on one small literal shop, with every expected number worked by hand.

The shop (Asia/Shanghai, UTC+8; times below are LOCAL and ``utc()`` subtracts 8 h):

- b1 writes to A on 11-10 09:59, A answers 10:00; writes to B on 11-11 08:59, B answers 09:01;
  o1 created 11-11 12:00; C chases at 12:02 (b1 never wrote to C); paid 12:05.
  paid 200.00, postage 0, orders.refund_amount 15.00, no refund rows → refund 15.00.
- b2 writes to A 11-11 13:59, A answers 14:00; o2 created 14:30; C chases 11-13 09:00
  (seller-first); paid 11-13 10:00. paid 99.00, postage 8.00, refund row success 99.00.
- b3 chats with B on 11-09 (14:59 / 15:00); o3 created 11-11 20:00, paid 20:01 (50.00);
  B answers again at 20:30, after the order → o3 is silent (静默) under every rule here.
- b4 writes to C 15:59, C answers 16:00, B's account auto-replies 16:05 (auto: never a
  touch); o4 created 16:10, never paid.
- b5 writes to A 11-11 06:58, A answers 07:00; o5 created 07:30 (= 11-10 23:30 UTC, so a
  UTC date would miss the window), paid 07:31. paid 120.00, postage 10.00,
  orders.refund_amount 20.00, refunds: success 30.00 and closed 50.00 → refund 30.00.
- b6: o6 created 21:00 with no chat before; B chases 21:30, b6 answers 21:35, paid 21:40.
  paid 60.00, postage 6.00.
The latest event is o2's payment, 11-13 10:00 local.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import duckdb
import pytest
import sqlglot

from shopkpi.config.models import (
    AttributionAnchor,
    AttributionPicker,
    AttributionSettings,
    InquiryWindow,
    ShopConfig,
    TouchRule,
    WorkspaceConfig,
)
from shopkpi.derive.attribution import rule_label, steps
from shopkpi.engine import DuckDBEngine
from shopkpi.warehouse.db import Warehouse

SHOP = "demo"
ORDERS = ("o1", "o2", "o3", "o4", "o5", "o6")


def utc(local: str) -> datetime:
    """Shanghai wall clock → naive UTC (hand conversion: minus 8 hours)."""
    return datetime.fromisoformat(local) - timedelta(hours=8)


def d(text: str) -> date:
    return date.fromisoformat(text)


M = Decimal

# (message_id, buyer, account staff, direction, local sent_at)
MESSAGES = [
    ("m1", "b1", "A", "buyer", "2026-11-10 09:59"),
    ("m2", "b1", "A", "agent", "2026-11-10 10:00"),
    ("m3", "b1", "B", "buyer", "2026-11-11 08:59"),
    ("m4", "b1", "B", "agent", "2026-11-11 09:01"),
    ("m5", "b1", "C", "agent", "2026-11-11 12:02"),
    ("m6", "b2", "A", "buyer", "2026-11-11 13:59"),
    ("m7", "b2", "A", "agent", "2026-11-11 14:00"),
    ("m8", "b2", "C", "agent", "2026-11-13 09:00"),
    ("m9", "b3", "B", "buyer", "2026-11-09 14:59"),
    ("m10", "b3", "B", "agent", "2026-11-09 15:00"),
    ("m11", "b3", "B", "buyer", "2026-11-11 20:25"),
    ("m12", "b3", "B", "agent", "2026-11-11 20:30"),
    ("m13", "b4", "C", "buyer", "2026-11-11 15:59"),
    ("m14", "b4", "C", "agent", "2026-11-11 16:00"),
    ("m15", "b4", "B", "auto", "2026-11-11 16:05"),
    ("m16", "b5", "A", "buyer", "2026-11-11 06:58"),
    ("m17", "b5", "A", "agent", "2026-11-11 07:00"),
    ("m18", "b6", "B", "agent", "2026-11-11 21:30"),
    ("m19", "b6", "B", "buyer", "2026-11-11 21:35"),
]

# (order, buyer, created, paid, paid_amount, postage, orders.refund_amount, items)
ORDER_ROWS = [
    ("o1", "b1", "2026-11-11 12:00", "2026-11-11 12:05", "200.00", "0.00", "15.00", 2),
    ("o2", "b2", "2026-11-11 14:30", "2026-11-13 10:00", "99.00", "8.00", "0.00", 1),
    ("o3", "b3", "2026-11-11 20:00", "2026-11-11 20:01", "50.00", "0.00", "0.00", 1),
    ("o4", "b4", "2026-11-11 16:10", None, None, "0.00", "0.00", 1),
    ("o5", "b5", "2026-11-11 07:30", "2026-11-11 07:31", "120.00", "10.00", "20.00", 3),
    ("o6", "b6", "2026-11-11 21:00", "2026-11-11 21:40", "60.00", "6.00", "0.00", 1),
]

# (refund, order, requested, finished, amount, status)
REFUNDS = [
    ("r2", "o2", "2026-11-12 10:00", "2026-11-12 12:00", "99.00", "success"),
    ("r5a", "o5", "2026-11-11 18:00", "2026-11-12 09:00", "30.00", "success"),
    ("r5b", "o5", "2026-11-11 19:00", "2026-11-12 10:00", "50.00", "closed"),
]

# inquiry rows (the sibling step's table, written literally here):
# (buyer, staff, biz_date, local first_at, is_inquiry)
INQUIRIES = [
    ("b1", "A", "2026-11-10", "2026-11-10 09:59", True),
    ("b1", "B", "2026-11-11", "2026-11-11 08:59", True),
    ("b2", "A", "2026-11-11", "2026-11-11 13:59", True),
    ("b3", "B", "2026-11-09", "2026-11-09 14:59", True),
    ("b5", "A", "2026-11-11", "2026-11-11 08:00", True),  # after o5 (07:30)
    ("b4", "C", "2026-11-11", "2026-11-11 15:59", True),
    ("b6", "B", "2026-11-11", "2026-11-11 21:35", False),
]


def _load(con: duckdb.DuckDBPyConnection) -> None:
    con.executemany(
        """INSERT INTO chat_message (shop_id, message_id, buyer_nick, account_nick, staff_id,
           direction, sent_at, biz_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            (SHOP, mid, buyer, f"店:{staff}", staff, direction, utc(t), d(t[:10]))
            for mid, buyer, staff, direction, t in MESSAGES
        ],
    )
    con.executemany(
        """INSERT INTO orders (shop_id, order_id, buyer_nick, created_at, paid_at, status,
           paid_amount, postage, refund_amount, item_count, biz_date)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            (SHOP, o, b, utc(c), p and utc(p), "paid" if p else "waiting_payment",
             a and M(a), M(post), M(refund), n, d(c[:10]))
            for o, b, c, p, a, post, refund, n in ORDER_ROWS
        ],
    )  # fmt: skip
    con.executemany(
        """INSERT INTO refund (shop_id, refund_id, order_id, requested_at, finished_at, amount,
           status) VALUES (?, ?, ?, ?, ?, ?, ?)""",
        [(SHOP, r, o, utc(q), utc(f), M(a), s) for r, o, q, f, a, s in REFUNDS],
    )
    con.execute(
        """CREATE TABLE inquiry (shop_id VARCHAR, buyer_nick VARCHAR, staff_id VARCHAR,
           account_nick VARCHAR, biz_date DATE, first_at TIMESTAMP, last_at TIMESTAMP,
           consulted BOOLEAN, received BOOLEAN, replied BOOLEAN, kind VARCHAR,
           is_inquiry BOOLEAN, slow_rounds BIGINT, transferred_out BOOLEAN)"""
    )
    con.executemany(
        "INSERT INTO inquiry VALUES (?, ?, ?, ?, ?, ?, ?, true, true, true, ?, ?, 0, false)",
        [
            (SHOP, b, s, f"店:{s}", d(day), utc(t), utc(t), "presale", inq)
            for b, s, day, t, inq in INQUIRIES
        ],
    )


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    wh = Warehouse(":memory:")
    _load(wh.con)
    yield wh.con
    wh.close()


def config(**rule: object) -> WorkspaceConfig:
    return WorkspaceConfig(
        shops=[ShopConfig(id=SHOP, name="示例旗舰店")],
        attribution=AttributionSettings.model_validate(rule),
    )


def run(
    con: duckdb.DuckDBPyConnection, cfg: WorkspaceConfig, as_of: datetime | None = None
) -> None:
    DuckDBEngine(con).run(steps(cfg, as_of))


def credited(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    rows = con.execute("SELECT order_id, credited_staff_id FROM order_credit").fetchall()
    return {str(o): s for o, s in rows}


def expect(*staff: str | None) -> dict[str, str | None]:
    return dict(zip(ORDERS, staff, strict=True))


_ = None
# Expected credited agent of o1..o6, worked by hand from the module docstring.
DAY = {
    ("order_created", "last_touch"): expect("B", "A", _, "C", "A", _),
    ("order_created", "first_touch"): expect("A", "A", _, "C", "A", _),
    ("order_paid", "last_touch"): expect("C", "C", _, _, "A", "B"),
    ("order_paid", "first_touch"): expect("A", "C", _, _, "A", "B"),
    ("order_first", "last_touch"): expect("B", "A", _, "C", "A", "B"),
    ("order_first", "first_touch"): expect("A", "A", _, "C", "A", "B"),
}
# 24 h: o1's creation window starts 11-10 12:00, so A (11-10 10:00) drops out.
HOURS_24 = {
    ("order_created", "last_touch"): expect("B", "A", _, "C", "A", _),
    ("order_created", "first_touch"): expect("B", "A", _, "C", "A", _),
    ("order_paid", "last_touch"): expect("C", "C", _, _, "A", "B"),
    ("order_paid", "first_touch"): expect("B", "C", _, _, "A", "B"),
    ("order_first", "last_touch"): expect("B", "A", _, "C", "A", "B"),
    ("order_first", "first_touch"): expect("B", "A", _, "C", "A", "B"),
}
# 48 h: A is back for o1, and o2's payment window (from 11-11 10:00) reaches A's 14:00.
# o3 stays silent: B's 11-09 15:00 is 53 h before its creation.
HOURS_48 = {
    ("order_created", "last_touch"): expect("B", "A", _, "C", "A", _),
    ("order_created", "first_touch"): expect("A", "A", _, "C", "A", _),
    ("order_paid", "last_touch"): expect("C", "C", _, _, "A", "B"),
    ("order_paid", "first_touch"): expect("A", "A", _, _, "A", "B"),
    ("order_first", "last_touch"): expect("B", "A", _, "C", "A", "B"),
    ("order_first", "first_touch"): expect("A", "A", _, "C", "A", "B"),
}


@pytest.mark.parametrize(("anchor", "picker"), list(DAY))
def test_six_rules_same_or_previous_day(
    con: duckdb.DuckDBPyConnection, anchor: str, picker: str
) -> None:
    run(con, config(anchor=anchor, picker=picker))
    assert credited(con) == DAY[anchor, picker]


@pytest.mark.parametrize(
    ("hours", "anchor", "picker"),
    [(24, a, p) for a, p in HOURS_24] + [(48, a, p) for a, p in HOURS_48],
)
def test_six_rules_hours_window(
    con: duckdb.DuckDBPyConnection, hours: int, anchor: str, picker: str
) -> None:
    run(con, config(anchor=anchor, picker=picker, window="hours", window_hours=hours))
    table = HOURS_24 if hours == 24 else HOURS_48
    assert credited(con) == table[anchor, picker]


def attribution(con: duckdb.DuckDBPyConnection) -> set[tuple[object, ...]]:
    return set(
        con.execute("SELECT order_id, staff_id, role, touch_at FROM order_attribution").fetchall()
    )


def test_default_rule_assists_touch_times_and_rule_label(con: duckdb.DuckDBPyConnection) -> None:
    run(con, config())
    assert attribution(con) == {
        ("o1", "B", "credited", utc("2026-11-11 09:01")),
        ("o1", "A", "assist", utc("2026-11-10 10:00")),
        ("o2", "A", "credited", utc("2026-11-11 14:00")),
        ("o4", "C", "credited", utc("2026-11-11 16:00")),
        ("o5", "A", "credited", utc("2026-11-11 07:00")),
        ("o6", "B", "credited", utc("2026-11-11 21:30")),
    }
    rows = con.execute(
        "SELECT DISTINCT rule FROM order_credit UNION ALL "
        "SELECT touch_at::VARCHAR FROM order_credit WHERE order_id = 'o1'"
    ).fetchall()
    assert rows == [("order_first/last_touch/same_or_previous_day",), ("2026-11-11 01:01:00",)]


def test_assists_under_payment_anchor(con: duckdb.DuckDBPyConnection) -> None:
    run(con, config(anchor="order_paid", picker="last_touch"))
    assert attribution(con) == {
        ("o1", "C", "credited", utc("2026-11-11 12:02")),
        ("o1", "B", "assist", utc("2026-11-11 09:01")),
        ("o1", "A", "assist", utc("2026-11-10 10:00")),
        ("o2", "C", "credited", utc("2026-11-13 09:00")),
        ("o5", "A", "credited", utc("2026-11-11 07:00")),
        ("o6", "B", "credited", utc("2026-11-11 21:30")),
    }


def test_silent_and_unpaid_orders(con: duckdb.DuckDBPyConnection) -> None:
    run(con, config())
    rows = con.execute(
        "SELECT order_id, credited_staff_id, touch_at, paid, sales_amount FROM order_credit "
        "WHERE order_id IN ('o3', 'o4') ORDER BY order_id"
    ).fetchall()
    assert rows == [
        ("o3", None, None, True, M("50.00")),  # silent: its 静默销售额 is 50.00
        ("o4", "C", utc("2026-11-11 16:00"), False, M("0.00")),  # credited order, no payment
    ]
    run(con, config(anchor="order_paid"))
    assert credited(con)["o4"] is None


def test_reception_touch_rule(con: duckdb.DuckDBPyConnection) -> None:
    # C's chases (o1 12:02, o2 11-13) were never answered that day: not a 接待.
    run(con, config(anchor="order_paid", touch="reception"))
    assert credited(con) == expect("B", _, _, _, "A", "B")


def test_dates_refunds_and_default_sales(con: duckdb.DuckDBPyConnection) -> None:
    run(con, config())
    rows = con.execute(
        "SELECT order_id, biz_date, paid_biz_date, refund_amount, sales_amount, item_count "
        "FROM order_credit ORDER BY order_id"
    ).fetchall()
    assert rows == [
        ("o1", d("2026-11-11"), d("2026-11-11"), M("15.00"), M("185.00"), 2),  # orders row
        ("o2", d("2026-11-11"), d("2026-11-13"), M("99.00"), M("0.00"), 1),  # refund table
        ("o3", d("2026-11-11"), d("2026-11-11"), M("0.00"), M("50.00"), 1),
        ("o4", d("2026-11-11"), None, M("0.00"), M("0.00"), 1),
        ("o5", d("2026-11-11"), d("2026-11-11"), M("30.00"), M("90.00"), 3),  # max(20, 30)
        ("o6", d("2026-11-11"), d("2026-11-11"), M("0.00"), M("60.00"), 1),
    ]
    per_staff = con.execute(
        "SELECT credited_staff_id, sum(sales_amount) FROM order_credit "
        "GROUP BY ALL ORDER BY 1 NULLS LAST"
    ).fetchall()
    # A: o2 0 + o5 90; B: o1 185 + o6 60; C: o4 0; silent: o3 50.
    assert per_staff == [
        ("A", M("90.00")),
        ("B", M("245.00")),
        ("C", M("0.00")),
        (None, M("50.00")),
    ]


@pytest.mark.parametrize(
    ("refunds", "postage", "sales"),
    [
        (True, False, ["185.00", "0.00", "50.00", "0.00", "90.00", "60.00"]),
        (False, False, ["200.00", "99.00", "50.00", "0.00", "120.00", "60.00"]),
        (True, True, ["185.00", "0.00", "50.00", "0.00", "80.00", "54.00"]),  # o2 floors at 0
        (False, True, ["200.00", "91.00", "50.00", "0.00", "110.00", "54.00"]),
    ],
)
def test_deduction_switches(
    con: duckdb.DuckDBPyConnection, refunds: bool, postage: bool, sales: list[str]
) -> None:
    run(con, config(deduct_refunds=refunds, deduct_postage=postage))
    rows = con.execute("SELECT order_id, sales_amount FROM order_credit ORDER BY 1").fetchall()
    assert rows == list(zip(ORDERS, [M(s) for s in sales], strict=True))


def finals(con: duckdb.DuckDBPyConnection, table: str = "order_credit") -> set[object]:
    return {f for (f,) in con.execute(f"SELECT DISTINCT final FROM {table}").fetchall()}


@pytest.mark.parametrize(
    ("buffer", "as_of", "final"),
    [
        # All orders were created 11-11; final once the as_of local date > 11-11 + buffer.
        (4, None, False),  # as_of = latest event, 11-13 10:00 local
        (2, None, False),  # 11-13 is not after 11-13
        (1, None, True),  # 11-13 > 11-12
        (4, utc("2026-11-15 23:59:59"), False),
        (4, utc("2026-11-16 00:00:00"), True),
        (4, datetime(2026, 11, 16, tzinfo=ZoneInfo("Asia/Shanghai")), True),
        (4, datetime(2026, 11, 15, 23, 59, tzinfo=ZoneInfo("Asia/Shanghai")), False),
    ],
)
def test_pending_until_payment_buffer_passes(
    con: duckdb.DuckDBPyConnection, buffer: int, as_of: datetime | None, final: bool
) -> None:
    run(con, config(payment_buffer_days=buffer), as_of)
    assert finals(con) == {final}


def outcomes(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return con.execute(
        "SELECT buyer_nick, staff_id, biz_date, ordered_same_day, ordered_next_day, "
        "ordered_final, paid_final, final FROM inquiry_outcome ORDER BY 1, 2"
    ).fetchall()


def test_credited_conversion_is_the_default(con: duckdb.DuckDBPyConnection) -> None:
    # Only orders credited to the inquiry's agent (default rule: o1→B, o2→A, o3 silent,
    # o4→C, o5→A, o6→B), created on D or D+1, created or paid at/after first_at.
    run(con, config(), utc("2026-11-14 00:00"))  # as_of local date 11-14
    T, F = True, False
    assert outcomes(con) == [
        ("b1", "A", d("2026-11-10"), F, F, F, F, F),  # o1 is B's, not A's
        ("b1", "B", d("2026-11-11"), T, T, T, T, F),  # o1 12:00 after 08:59, paid 11-11
        ("b2", "A", d("2026-11-11"), T, T, T, T, F),  # o2 is A's, paid 11-13 ≤ 11-15
        ("b3", "B", d("2026-11-09"), F, F, F, F, T),  # o3 is silent; 11-13 < 11-14: final
        ("b4", "C", d("2026-11-11"), T, T, T, F, F),  # o4 is C's, never paid
        ("b5", "A", d("2026-11-11"), F, F, F, F, F),  # o5 (A's) came before the inquiry
    ]


def test_credited_conversion_by_payment_and_window(con: duckdb.DuckDBPyConnection) -> None:
    # b6 becomes an inquiry at 21:30: o6 (created 21:00, before it) is credited to B by its
    # payment (21:40 ≥ 21:30), so it converts the payment only, not the ordering.
    con.execute(
        """UPDATE inquiry SET is_inquiry = true, first_at = TIMESTAMP '2026-11-11 13:30'
           WHERE buyer_nick = 'b6'"""
    )
    # b1 asked B on 11-09 10:00 too: o1 (B's, created 11-11) is outside that row's D..D+1
    con.execute(
        """INSERT INTO inquiry VALUES ('demo', 'b1', 'B', '店:B', DATE '2026-11-09',
           TIMESTAMP '2026-11-09 02:00', TIMESTAMP '2026-11-09 02:00', true, true, true,
           'presale', true, 0, false)"""
    )
    run(con, config(), utc("2026-11-14 00:00"))
    T, F = True, False
    rows = sorted(r for r in outcomes(con) if r[0] in ("b1", "b6") and r[1] == "B")
    assert rows == [
        ("b1", "B", d("2026-11-09"), F, F, F, F, T),  # 11-09 + 4 = 11-13 < 11-14: final
        ("b1", "B", d("2026-11-11"), T, T, T, T, F),
        ("b6", "B", d("2026-11-11"), F, F, F, T, F),
    ]


def test_credited_conversion_hours_window(con: duckdb.DuckDBPyConnection) -> None:
    # 24 h from the inquiry's last message: o1 (B's, 11-11 12:00) is 3 h after B's 08:59
    # row, and o2 (A's, 11-11 14:30) 31 min after A's 13:59 row; the rest as by day.
    run(con, config(window="hours", window_hours=24), utc("2026-11-14 00:00"))
    T, F = True, False
    assert [r[3:7] for r in outcomes(con)] == [
        (F, F, F, F),
        (T, T, T, T),
        (T, T, T, T),
        (F, F, F, F),
        (T, T, T, F),
        (F, F, F, F),
    ]


def test_inquiry_outcome_with_default_buffer(con: duckdb.DuckDBPyConnection) -> None:
    run(con, config(conversion="buyer"), utc("2026-11-14 00:00"))  # as_of local date 11-14
    T, F = True, False
    assert outcomes(con) == [
        ("b1", "A", d("2026-11-10"), F, T, T, T, F),  # o1 the next day
        ("b1", "B", d("2026-11-11"), T, T, T, T, F),
        ("b2", "A", d("2026-11-11"), T, T, T, T, F),  # paid 11-13 ≤ 11-15
        ("b3", "B", d("2026-11-09"), F, F, T, T, T),  # o3 on 11-11 ≤ 11-13; 11-13 < 11-14
        ("b4", "C", d("2026-11-11"), T, T, T, F, F),  # never paid
        ("b5", "A", d("2026-11-11"), F, F, F, F, F),  # o5 came before the inquiry
    ]  # b6's row is not an inquiry: no outcome row


def test_inquiry_outcome_with_one_day_buffer(con: duckdb.DuckDBPyConnection) -> None:
    run(con, config(payment_buffer_days=1, conversion="buyer"))  # as_of: local 11-13
    T, F = True, False
    assert outcomes(con) == [
        ("b1", "A", d("2026-11-10"), F, T, T, T, T),  # o1 on 11-11 ≤ 11-11
        ("b1", "B", d("2026-11-11"), T, T, T, T, T),
        ("b2", "A", d("2026-11-11"), T, T, T, F, T),  # paid 11-13 > 11-12
        ("b3", "B", d("2026-11-09"), F, F, F, F, T),  # o3 on 11-11 > 11-10
        ("b4", "C", d("2026-11-11"), T, T, T, F, T),
        ("b5", "A", d("2026-11-11"), F, F, F, F, T),
    ]


def test_second_shop_in_another_zone_uses_its_own_dates(con: duckdb.DuckDBPyConnection) -> None:
    # Shop "us" in New York (UTC-5 in November): order at 11-11 01:00 UTC = 11-10 20:00 local.
    con.execute(
        """INSERT INTO orders (shop_id, order_id, buyer_nick, created_at, paid_at, paid_amount,
           postage, refund_amount) VALUES ('us', 'u1', 'x', TIMESTAMP '2026-11-11 01:00',
           TIMESTAMP '2026-11-11 01:00', 10.00, 0, 0)"""
    )
    con.execute(
        """INSERT INTO chat_message (shop_id, message_id, buyer_nick, account_nick, staff_id,
           direction, sent_at, biz_date) VALUES ('us', 'u', 'x', 'us:Z', 'Z', 'agent',
           TIMESTAMP '2026-11-09 14:00', DATE '2026-11-09')"""
    )  # 11-09 09:00 local: the day before 11-10, so inside the window
    cfg = WorkspaceConfig(
        shops=[
            ShopConfig(id=SHOP, name="示例旗舰店"),
            ShopConfig(id="us", name="US", timezone="America/New_York"),
        ]
    )
    run(con, cfg)
    rows = con.execute(
        "SELECT order_id, biz_date, credited_staff_id FROM order_credit "
        "WHERE order_id IN ('u1', 'o5') ORDER BY 1"
    ).fetchall()
    assert rows == [("o5", d("2026-11-11"), "A"), ("u1", d("2026-11-10"), "Z")]


def test_rule_label() -> None:
    rule = AttributionSettings(
        anchor=AttributionAnchor.order_paid,
        picker=AttributionPicker.first_touch,
        window=InquiryWindow.hours,
        window_hours=48,
        touch=TouchRule.reception,
    )
    assert rule_label(rule) == "order_paid/first_touch/48h"


@pytest.mark.parametrize("window", [{}, {"window": "hours", "window_hours": 24}])
@pytest.mark.parametrize("touch", ["agent_message", "reception"])
@pytest.mark.parametrize("anchor", ["order_created", "order_paid", "order_first"])
def test_sql_is_portable_to_spark(window: dict[str, object], touch: str, anchor: str) -> None:
    cfg = WorkspaceConfig(
        shops=[ShopConfig(id=SHOP, name="示例"), ShopConfig(id="us", name="US", timezone="UTC")],
        attribution=AttributionSettings.model_validate(
            {"anchor": anchor, "touch": touch, **window}
        ),
    )
    for step in steps(cfg, None) + steps(cfg, datetime(2026, 11, 20)):
        assert step.fast_sql is None
        spark = sqlglot.transpile(step.sql, read="duckdb", write="spark")[0]
        assert "ASOF" not in spark.upper() and "QUALIFY" not in spark.upper()
        assert "FROM_UTC_TIMESTAMP" in spark
