"""Attribution on random small shops against a deliberately naive reference.

The reference is a plain Python loop over orders and messages, written from the rule text
(GLOSSARY "Orders and credit"), sharing no code with the SQL. Under every rule each order
gets at most one credited agent, and both give the same credited agent per order, the same
assists and the same credited sales per agent.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopkpi.config.models import AttributionSettings, ShopConfig, WorkspaceConfig
from shopkpi.derive.attribution import steps
from shopkpi.engine import DuckDBEngine
from shopkpi.warehouse.db import Warehouse

SHOP = "p"
ZONE = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 9, 16, 0)  # UTC = 11-10 00:00 in Shanghai
STAFF = ["A", "B", "C"]
BUYERS = ["b1", "b2"]
SLOT = timedelta(hours=2)  # coarse slots make ties and same-instant touches common
SLOTS = 4 * 12


def local_date(utc_ts: datetime) -> date:
    return utc_ts.replace(tzinfo=UTC).astimezone(ZONE).date()


@dataclass(frozen=True)
class Msg:
    buyer: str
    staff: str
    direction: str
    sent_at: datetime

    @property
    def day(self) -> date:
        return local_date(self.sent_at)


@dataclass(frozen=True)
class Order:
    order_id: str
    buyer: str
    created_at: datetime
    paid_at: datetime | None
    paid_amount: Decimal
    postage: Decimal
    refund_amount: Decimal


def _money(cents: int) -> Decimal:
    return Decimal(cents) / 100


msgs = st.lists(
    st.builds(
        Msg,
        st.sampled_from(BUYERS),
        st.sampled_from(STAFF),
        st.sampled_from(["buyer", "agent", "agent", "auto"]),
        st.integers(0, SLOTS).map(lambda i: START + i * SLOT),
    ),
    min_size=6,
    max_size=40,
)


@st.composite
def orders(draw: st.DrawFn) -> list[Order]:
    out = []
    for n in range(draw(st.integers(1, 6))):
        created = START + draw(st.integers(0, SLOTS)) * SLOT
        delay = draw(st.none() | st.integers(0, 24))
        out.append(
            Order(
                f"o{n}",
                draw(st.sampled_from(BUYERS)),
                created,
                None if delay is None else created + delay * SLOT,
                _money(draw(st.integers(0, 30000))),
                _money(draw(st.sampled_from([0, 600, 1000]))),
                _money(draw(st.sampled_from([0, 0, 1500, 99999]))),
            )
        )
    return out


refunds = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 20000), st.sampled_from(["success", "closed"])),
    max_size=6,
)

rules = st.fixed_dictionaries(
    {
        "touch": st.sampled_from(["agent_message", "reception"]),
        "deduct_refunds": st.booleans(),
        "deduct_postage": st.booleans(),
    }
).flatmap(
    lambda base: st.sampled_from(
        [{}, {"window": "hours", "window_hours": 24}, {"window": "hours", "window_hours": 3}]
    ).map(lambda window: {**base, **window})
)


def naive(
    messages: list[Msg],
    order_rows: list[Order],
    refund_rows: list[tuple[Order, Decimal, str]],
    rule: AttributionSettings,
) -> tuple[dict[str, str], set[tuple[str, str]], dict[str, Decimal]]:
    """Credited agent per order, assist pairs, and credited sales per agent."""
    credited: dict[str, str] = {}
    assists: set[tuple[str, str]] = set()
    sales: dict[str, Decimal] = {}
    for order in order_rows:
        if rule.anchor.value == "order_created":
            anchors = [order.created_at]
        elif rule.anchor.value == "order_paid":
            anchors = [order.paid_at]
        else:
            anchors = [order.created_at, order.paid_at]
        chosen: list[Msg] = []
        for anchor in anchors:
            if anchor is None:
                continue
            for m in messages:
                if m.buyer != order.buyer or m.direction != "agent" or m.sent_at > anchor:
                    continue
                if rule.window.value == "hours":
                    if m.sent_at < anchor - timedelta(hours=rule.window_hours or 0):
                        continue
                elif m.day not in (local_date(anchor), local_date(anchor) - timedelta(days=1)):
                    continue
                if rule.touch.value == "reception":
                    wrote = [
                        b
                        for b in messages
                        if b.direction == "buyer"
                        and b.buyer == m.buyer
                        and b.staff == m.staff
                        and b.day == m.day
                    ]
                    if not wrote:
                        continue
                chosen.append(m)
            if chosen:
                break
        if not chosen:
            continue
        if rule.picker.value == "last_touch":
            best_time = max(m.sent_at for m in chosen)
        else:
            best_time = min(m.sent_at for m in chosen)
        winner = min(m.staff for m in chosen if m.sent_at == best_time)
        credited[order.order_id] = winner
        for m in chosen:
            if m.staff != winner:
                assists.add((order.order_id, m.staff))
        refund_total = Decimal(0)
        for refunded_order, amount, status in refund_rows:
            if refunded_order.order_id == order.order_id and status == "success":
                refund_total += amount
        refund = max(order.refund_amount, refund_total)
        amount = Decimal(0)
        if order.paid_at is not None:
            amount = order.paid_amount
            if rule.deduct_refunds:
                amount -= refund
            if rule.deduct_postage:
                amount -= order.postage
            amount = max(amount, Decimal(0))
        sales[winner] = sales.get(winner, Decimal(0)) + amount
    return credited, assists, sales


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    wh = Warehouse(":memory:")
    yield wh.con
    wh.close()


def _load(
    con: duckdb.DuckDBPyConnection,
    messages: list[Msg],
    order_rows: list[Order],
    refund_rows: list[tuple[Order, Decimal, str]],
) -> None:
    for table in ("chat_message", "orders", "refund"):
        con.execute(f"DELETE FROM {table}")
    if messages:
        con.executemany(
            """INSERT INTO chat_message (shop_id, message_id, buyer_nick, account_nick,
               staff_id, direction, sent_at, biz_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                (SHOP, f"m{i}", m.buyer, f"{SHOP}:{m.staff}", m.staff, m.direction, m.sent_at,
                 m.day)
                for i, m in enumerate(messages)
            ],
        )  # fmt: skip
    if order_rows:
        con.executemany(
            """INSERT INTO orders (shop_id, order_id, buyer_nick, created_at, paid_at,
               paid_amount, postage, refund_amount) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                (SHOP, o.order_id, o.buyer, o.created_at, o.paid_at, o.paid_amount, o.postage,
                 o.refund_amount)
                for o in order_rows
            ],
        )  # fmt: skip
    if refund_rows:
        con.executemany(
            """INSERT INTO refund (shop_id, refund_id, order_id, amount, status)
               VALUES (?, ?, ?, ?, ?)""",
            [(SHOP, f"r{i}", o.order_id, a, s) for i, (o, a, s) in enumerate(refund_rows)],
        )


@pytest.mark.parametrize("picker", ["last_touch", "first_touch"])
@pytest.mark.parametrize("anchor", ["order_created", "order_paid", "order_first"])
@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(messages=msgs, order_rows=orders(), refund_spec=refunds, extra=rules)
def test_sql_matches_naive_reference(
    con: duckdb.DuckDBPyConnection,
    anchor: str,
    picker: str,
    messages: list[Msg],
    order_rows: list[Order],
    refund_spec: list[tuple[int, int, str]],
    extra: dict[str, object],
) -> None:
    rule = AttributionSettings.model_validate({"anchor": anchor, "picker": picker, **extra})
    refund_rows = [
        (order_rows[i], _money(cents), status)
        for i, cents, status in refund_spec
        if i < len(order_rows)
    ]
    _load(con, messages, order_rows, refund_rows)
    cfg = WorkspaceConfig(shops=[ShopConfig(id=SHOP, name="随机店")], attribution=rule)
    # Only the two attribution tables: inquiry_outcome needs real inquiry columns.
    DuckDBEngine(con).run(steps(cfg, None)[:2])

    per_order = con.execute(
        "SELECT order_id, count(*) FROM order_credit GROUP BY order_id "
        "HAVING count(*) > 1 UNION ALL "
        "SELECT order_id, count(*) FROM order_attribution WHERE role = 'credited' "
        "GROUP BY order_id HAVING count(*) > 1"
    ).fetchall()
    assert per_order == []  # at most one credited agent per order

    want_credit, want_assists, want_sales = naive(messages, order_rows, refund_rows, rule)
    got_credit = dict(
        con.execute(
            "SELECT order_id, credited_staff_id FROM order_credit "
            "WHERE credited_staff_id IS NOT NULL"
        ).fetchall()
    )
    got_assists = set(
        con.execute("SELECT order_id, staff_id FROM order_attribution WHERE role = 'assist'")
        .fetchall()
    )  # fmt: skip
    got_sales = dict(
        con.execute(
            "SELECT credited_staff_id, sum(sales_amount) FROM order_credit "
            "WHERE credited_staff_id IS NOT NULL GROUP BY credited_staff_id"
        ).fetchall()
    )
    assert got_credit == want_credit
    assert got_assists == want_assists
    assert got_sales == want_sales
    assert con.execute("SELECT count(*) FROM order_credit").fetchall() == [(len(order_rows),)]
