"""The simulated shop has what a supervisor's reports need: a peak, silent and unpaid orders,
refunds, evaluations, and agents who differ."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable

from shopkpi.demo import phrases
from shopkpi.demo.history import ShopHistory
from shopkpi.demo.model import Role, Side, Staff
from shopkpi.demo.sessions import reception_sessions
from shopkpi.demo.snapshot import WAITING, order_state
from tests.demo.conftest import SMALL

PEAK = dt.date(2026, 11, 11)


def test_team_shape(small_history: ShopHistory) -> None:
    staff = small_history.staff
    assert len(staff) == SMALL.staff
    roles = Counter(p.role for p in staff)
    assert roles[Role.supervisor] >= 1 and roles[Role.presale] > roles[Role.aftersale] >= 1
    accounts = {p.account for p in staff}
    assert len(accounts) == len(staff) and all(a.startswith("示例旗舰店:") for a in accounts)
    assert {p.traits.profile for p in staff} >= {"volume", "premium", "fast", "slow", "careless"}


def test_peak_on_double_eleven(small_history: ShopHistory) -> None:
    per_day = Counter(o.created_at.date() for o in small_history.orders)
    ordinary = statistics.median(n for d, n in per_day.items() if d > PEAK + dt.timedelta(days=2))
    assert per_day[PEAK] >= 3 * ordinary
    assert per_day[PEAK] == max(per_day.values())


def test_silent_unpaid_and_refunded_orders(small_history: ShopHistory) -> None:
    orders = small_history.orders
    assert any(o.agent is None for o in orders)  # 静默
    assert any(o.paid_at is None and o.close_reason == "买家未付款" for o in orders)
    end = small_history.final_export
    assert any(order_state(o, [], end).status == WAITING for o in orders)  # still unpaid
    refunds = small_history.refunds
    assert any(r.order.shipped_at is None for r in refunds)  # before shipping
    assert any(r.need_return and r.success for r in refunds)  # returned after shipping
    assert any(r.amount < r.line.paid for r in refunds)  # partial


def test_orders_follow_chats_same_and_next_day(small_history: ShopHistory) -> None:
    chats: dict[str, list[dt.date]] = defaultdict(list)
    for conv in small_history.conversations:
        chats[conv.buyer.nick].append(conv.day)
    gaps = Counter(
        min((o.created_at.date() - d).days for d in chats[o.buyer.nick] if d <= o.created_at.date())
        for o in small_history.orders
        if o.agent is not None
    )
    assert gaps[0] > gaps[1] > 0


def test_buyers_return_and_some_are_masked(small_history: ShopHistory) -> None:
    per_buyer = Counter(o.buyer.nick for o in small_history.orders)
    assert any(n > 1 for n in per_buyer.values())
    assert any("**" in b.nick for b in small_history.buyers)


def test_chat_text_has_every_kind_of_line(small_history: ShopHistory) -> None:
    lines = [m for c in small_history.conversations for m in c.messages]
    texts = {m.text for m in lines}
    assert any(m.side is Side.auto and m.text.startswith("[自动回复]") for m in lines)
    assert any(m.side is Side.transfer for m in lines)
    assert texts & set(phrases.FILLERS)
    assert texts & set(phrases.FORBIDDEN)
    assert any(word in t for t in texts for word in ("急", "投诉", "差评"))
    assert any(m.at.hour < 8 for m in lines if m.side is Side.buyer)  # night chats


def test_evaluations_span_the_scale(small_history: ShopHistory) -> None:
    scores = Counter(e.score for e in small_history.evaluations)
    assert set(scores) == {0, 1, 2, 3, 4, None}
    assert {e.source for e in small_history.evaluations} == {0, 1, 2}


def _by_profile(
    history: ShopHistory,
    value: dict[str, list[float]],
    average: Callable[[list[float]], float] = statistics.mean,
) -> dict[str, float]:
    by_profile: dict[str, list[float]] = defaultdict(list)
    staff = {p.staff_id: p for p in history.staff}
    for staff_id, values in value.items():
        by_profile[staff[staff_id].traits.profile] += values
    return {k: average(v) for k, v in by_profile.items() if v}


def test_agents_differ_as_a_supervisor_would_see(small_history: ShopHistory) -> None:
    first_reply: dict[str, list[float]] = defaultdict(list)
    unreplied: dict[str, list[float]] = defaultdict(list)
    for s in reception_sessions(small_history.conversations):
        if s.agent.role is not Role.presale or s.seller_first:
            continue
        unreplied[s.agent.staff_id].append(float(s.unreplied))
        human = [m.at for m in s.messages if m.side is Side.agent]
        if human:
            first_reply[s.agent.staff_id].append((human[0] - s.messages[0].at).total_seconds())
    speed = _by_profile(small_history, first_reply, statistics.median)  # nights wait for 08:00
    missed = _by_profile(small_history, unreplied)
    assert speed["fast"] < speed["volume"] < speed["slow"]
    assert missed["careless"] > 2 * missed["volume"]
    value = _order_value(small_history)
    assert value["premium"] > value["volume"]
    buyers = Counter(
        s.agent.traits.profile for s in reception_sessions(small_history.conversations)
    )
    assert buyers["volume"] > buyers["premium"]


def _order_value(history: ShopHistory) -> dict[str, float]:
    values: dict[str, list[float]] = defaultdict(list)
    for order in history.orders:
        agent: Staff | None = order.agent
        if agent is not None:
            values[agent.staff_id].append(float(order.goods_amount))
    return _by_profile(history, values)
