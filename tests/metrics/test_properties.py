"""Invariants on random shops (hypothesis):

- a week or month value is Σnum/Σden over its days, for every additive metric, and it is
  pending exactly when one of its days is;
- re-running compute changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from shopkpi.metrics.catalog import CATALOG
from shopkpi.metrics.model import Grain, Status
from shopkpi.metrics.store import MetricValue, ValueQuery, read_values
from shopkpi.workspace import Workspace
from tests.metrics.conftest import compute
from tests.metrics.derived import Row, create_derived

FIRST = date(2026, 11, 25)  # the data spans a month end and three ISO weeks
DAYS = [FIRST + timedelta(days=i) for i in range(10)]
AS_OF = "2026-12-06 12:00:00"

staff = st.sampled_from(["s1", "s2", "s3", None])
day = st.sampled_from(DAYS)
flag = st.booleans()
seconds = st.integers(0, 1500)
money = st.integers(0, 50_000).map(lambda cents: Decimal(cents) / 100)


@st.composite
def inquiry(draw: st.DrawFn) -> Row:
    return {
        "buyer_nick": draw(st.sampled_from(["b1", "b2", "b3", "b4"])),
        "staff_id": draw(staff),
        "biz_date": draw(day),
        "consulted": draw(flag),
        "received": draw(flag),
        "replied": draw(flag),
        "is_inquiry": draw(flag),
        "slow_rounds": draw(st.integers(0, 4)),
    }


@st.composite
def reply_round(draw: st.DrawFn) -> Row:
    s = draw(seconds)
    return {
        "session_id": "x",
        "staff_id": draw(staff),
        "biz_date": draw(day),
        "response_seconds": s,
        "effective_response_seconds": s + draw(st.integers(0, 100)),
        "capped_seconds": min(s, 600),
        "counted": draw(flag),
        "within_target": s <= 180,
        "slow": s > 120,
    }


@st.composite
def session(draw: st.DrawFn) -> Row:
    return {
        "session_id": "x",
        "buyer_nick": draw(st.sampled_from(["b1", "b2"])),
        "staff_id": draw(staff),
        "biz_date": draw(day),
        "duration_seconds": draw(seconds),
        "buyer_messages": draw(st.integers(0, 5)),
        "agent_messages": draw(st.integers(0, 5)),
        "first_response_seconds": draw(st.none() | seconds),
        "transferred_out": draw(flag),
    }


@st.composite
def order(draw: st.DrawFn) -> Row:
    paid, created = draw(money), draw(day)
    return {
        "order_id": f"o{draw(st.integers(0, 10**9))}",
        "buyer_nick": draw(st.sampled_from(["b1", "b2", "b3"])),
        "credited_staff_id": draw(staff),
        "biz_date": created,
        "paid_biz_date": created + timedelta(days=draw(st.integers(0, 2))),
        "created_at": datetime.combine(created, datetime.min.time()),
        "paid": True,
        "paid_amount": paid,
        "refund_amount": min(paid, draw(money)),
        "sales_amount": paid,
        "item_count": draw(st.integers(1, 4)),
        "final": draw(flag),
    }


@st.composite
def outcome(draw: st.DrawFn) -> Row:
    return {
        "buyer_nick": "b1",
        "staff_id": draw(staff),
        "biz_date": draw(day),
        "ordered_same_day": draw(flag),
        "ordered_next_day": draw(flag),
        "ordered_final": draw(flag),
        "paid_final": draw(flag),
        "final": draw(flag),
    }


shops = st.fixed_dictionaries(
    {
        "inquiry": st.lists(inquiry(), max_size=12),
        "reply_round": st.lists(reply_round(), max_size=12),
        "chat_session": st.lists(session(), max_size=8),
        "order_credit": st.lists(
            order(), min_size=1, max_size=10, unique_by=lambda o: o["order_id"]
        ),
        "inquiry_outcome": st.lists(outcome(), max_size=8),
    }
)
ADDITIVE = [m for m in CATALOG.metrics if m.additive]
# Each example computes the whole catalog (about a second), so examples are few and failing
# ones are reported as found rather than shrunk.
SLOW = settings(
    max_examples=6,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _ratio(num: Decimal, den: Decimal) -> Decimal:
    return (num / den).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def _by_key(values: list[MetricValue]) -> dict[tuple[str, str, str, str], MetricValue]:
    return {(v.metric_id, v.entity_kind.value, v.entity_id, v.period): v for v in values}


@SLOW
@given(tables=shops)
def test_coarse_values_are_sums_over_their_days(
    shop: Workspace, tables: dict[str, list[Row]]
) -> None:
    shop.warehouse.con.execute("DELETE FROM metric_value")  # examples share the workspace
    create_derived(shop.warehouse.con, tables)
    compute(shop, None, AS_OF)
    values = read_values(shop.warehouse.con, ValueQuery())
    days: dict[tuple[str, str, str], list[MetricValue]] = defaultdict(list)
    for v in values:
        if v.grain is Grain.day:
            days[(v.metric_id, v.entity_kind.value, v.entity_id)].append(v)
    checked = 0
    for v in values:
        where = f"{v.metric_id} {v.entity_kind.value} {v.entity_id} {v.period}"
        if v.grain is Grain.day or not CATALOG[v.metric_id].additive:
            continue
        inside = [
            x
            for x in days[(v.metric_id, v.entity_kind.value, v.entity_id)]
            if v.period_start <= x.period_start <= v.period_end
        ]
        assert v.numerator == sum((x.numerator or 0 for x in inside), Decimal(0)), where
        if v.denominator is not None:
            assert v.denominator == sum((x.denominator or 0 for x in inside), Decimal(0)), where
        pending = any(x.status is Status.pending for x in inside)
        assert (v.status is Status.pending) == pending, where
        if pending:
            assert v.value is None
        elif v.denominator:
            assert v.value == _ratio(v.numerator or Decimal(0), v.denominator), where
        checked += 1
    assert checked > 0


@SLOW
@given(tables=shops)
def test_recompute_changes_nothing(shop: Workspace, tables: dict[str, list[Row]]) -> None:
    shop.warehouse.con.execute("DELETE FROM metric_value")
    create_derived(shop.warehouse.con, tables)
    compute(shop, None, AS_OF)
    con = shop.warehouse.con
    before = con.execute("SELECT * FROM metric_value ORDER BY ALL").fetchall()
    compute(shop, None, AS_OF)
    assert con.execute("SELECT * FROM metric_value ORDER BY ALL").fetchall() == before
