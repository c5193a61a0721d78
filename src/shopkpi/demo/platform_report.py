"""The platform's own 客服绩效 report for the demo shop, computed from the simulation itself.

This is the "platform's view" that ``shopkpi reconcile`` compares our numbers against, so
it never touches the warehouse or the metric engine: it counts the simulated chat lines,
orders and evaluations directly, by the platform's conventions (FIELD.md §2):

- a buyer counts once per agent per day (a *cell*): 聊天人数 when the buyer wrote, 接待人数
  when the agent also wrote (auto-replies are not the agent), 未回复人数 when it did not;
- sessions split after 10 idle minutes; a reply round is a run of buyer lines ended by the
  first human reply, timed from its first line, capped at 600 s for the average; rounds
  opened outside 08:00–24:00 are left out of the response times (the platform's service
  window), as are rounds nobody answered that day;
- 询单 is a received cell that is not after-sale (a buyer who paid within 21 days and orders
  nothing the same or next day); it converts when an order the buyer places the same or next
  day is credited to the agent under 下单优先判定 × last touch × same-or-previous-day and is
  paid by the export; the rate stays ``延迟统计`` until 4 days after the window closes;
- 上班天数 counts days with a human reply; 客户满意率 is (非常满意 + 满意) / answered
  evaluations, by evaluation date.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from shopkpi.demo.calendar import SERVICE_START
from shopkpi.demo.history import ShopHistory
from shopkpi.demo.model import Message, Order, Side, Staff

RULE = "下单优先判定"
IDLE = dt.timedelta(minutes=10)
ROUND_CAP = 600
SLOW_SECONDS = 120
SLOW_ROUNDS = 3  # slow rounds in a day that make a slow reception
LONG_SESSION = dt.timedelta(minutes=30)
AFTERSALE_DAYS = 21
PAYMENT_BUFFER = dt.timedelta(days=4)
CHAT_SIDES = frozenset({Side.buyer, Side.agent, Side.auto})


@dataclass
class AgentFigures:
    """One agent's numerators and denominators for the period (summable for 汇总)."""

    staff: Staff
    consulted: int = 0
    received: int = 0
    transferred_in: int = 0  # received cells the agent got by a transfer
    transferred_out: int = 0
    buyer_messages: int = 0
    agent_messages: int = 0
    agent_chars: int = 0
    max_concurrent: int = 0
    unreplied: int = 0
    slow: int = 0
    long: int = 0
    first_response_total: int = 0
    first_responses: int = 0
    response_total: int = 0
    responses: int = 0
    session_total: int = 0
    sessions: int = 0
    inquiries: int = 0
    paid_inquiries: int = 0
    days: set[dt.date] = field(default_factory=set)
    evaluations: int = 0
    satisfied: int = 0

    @property
    def direct(self) -> int:
        return self.received - self.transferred_in


@dataclass(frozen=True)
class PlatformReport:
    """The report's period, rule, export time and per-agent figures (in staff id order)."""

    start: dt.date
    end: dt.date
    exported_at: dt.datetime
    agents: list[AgentFigures]

    @property
    def pending(self) -> bool:
        """询单->最终付款 is final once the last order window day plus the buffer has passed."""
        window_closed = dt.datetime.combine(self.end + dt.timedelta(days=2), dt.time())
        return self.exported_at < window_closed + PAYMENT_BUFFER


def report_period(history: ShopHistory) -> tuple[dt.date, dt.date]:
    """The last full calendar month inside the history, else the whole history."""
    start, end = history.options.start, history.options.end
    month_end = end if (end + dt.timedelta(days=1)).day == 1 else end.replace(day=1) - _DAY
    month_start = month_end.replace(day=1)
    if month_start >= start:
        return month_start, month_end
    return start, end


_DAY = dt.timedelta(days=1)
Cell = tuple[dt.date, str, str]  # (day, staff id, buyer nick)


def compute(history: ShopHistory) -> PlatformReport:
    start, end = report_period(history)
    exported = history.final_export
    cells, transfers_in, transfers_out = _cells(history, start, end)
    figures: dict[str, AgentFigures] = {}
    staff = {p.staff_id: p for p in history.staff}

    def of(staff_id: str) -> AgentFigures:
        if staff_id not in figures:
            figures[staff_id] = AgentFigures(staff[staff_id])
        return figures[staff_id]

    credit = _credited_agents(history, exported)
    orders = _orders_by_buyer(history.orders)
    for key, lines in cells.items():
        day, staff_id, nick = key
        f = of(staff_id)
        _count_cell(f, key, lines, key in transfers_in)
        if _is_received(lines) and _is_inquiry(lines, orders.get(nick, []), exported):
            f.inquiries += 1
            f.paid_inquiries += _converted(day, staff_id, orders.get(nick, []), credit, exported)
    for _, staff_id, _ in transfers_out:
        of(staff_id).transferred_out += 1
    for staff_id, sessions in _sessions_by_agent(cells).items():
        of(staff_id).max_concurrent = _max_overlap(sessions)
    for e in history.evaluations:
        if (
            e.evaluated_at is not None
            and e.score is not None
            and start <= e.evaluated_at.date() <= end
        ):
            f = of(e.agent.staff_id)
            f.evaluations += 1
            f.satisfied += e.score <= 1
    agents = sorted(figures.values(), key=lambda f: f.staff.staff_id)
    return PlatformReport(start, end, exported, agents)


def _cells(
    history: ShopHistory, start: dt.date, end: dt.date
) -> tuple[dict[Cell, list[Message]], set[Cell], set[Cell]]:
    """Chat lines per buyer × agent × day in the period; cells entered and left by transfer."""
    cells: dict[Cell, list[Message]] = defaultdict(list)
    transfers_in: set[Cell] = set()
    transfers_out: set[Cell] = set()
    for conv in history.conversations:
        nick = conv.buyer.nick
        for m in conv.messages:
            day = m.at.date()
            if not start <= day <= end:
                continue
            if m.side in CHAT_SIDES:
                cells[(day, m.agent.staff_id, nick)].append(m)
            elif m.side is Side.transfer and m.peer is not None:
                transfers_in.add((day, m.agent.staff_id, nick))
                transfers_out.add((day, m.peer.staff_id, nick))
    for lines in cells.values():
        lines.sort(key=lambda m: m.at)
    return dict(cells), transfers_in, transfers_out


def _is_received(lines: list[Message]) -> bool:
    sides = {m.side for m in lines}
    return Side.buyer in sides and Side.agent in sides


def _count_cell(f: AgentFigures, key: Cell, lines: list[Message], transferred_in: bool) -> None:
    buyer = [m for m in lines if m.side is Side.buyer]
    human = [m for m in lines if m.side is Side.agent]
    f.buyer_messages += len(buyer)
    f.agent_messages += len(human)
    f.agent_chars += sum(len(m.text) for m in human)
    if human:
        f.days.add(key[0])
    if not buyer:
        return
    f.consulted += 1
    if not human:
        f.unreplied += 1
        return
    f.received += 1
    f.transferred_in += transferred_in
    rounds = _rounds(lines)
    f.response_total += sum(min(r, ROUND_CAP) for r in rounds)
    f.responses += len(rounds)
    f.slow += sum(1 for r in rounds if r > SLOW_SECONDS) >= SLOW_ROUNDS
    sessions = _split(lines)
    f.long += any(s[-1].at - s[0].at > LONG_SESSION for s in sessions)
    for session in sessions:
        sides = {m.side for m in session}
        if Side.buyer in sides and Side.agent in sides:
            f.session_total += int((session[-1].at - session[0].at).total_seconds())
            f.sessions += 1
        first = _first_response(session)
        if first is not None:
            f.first_response_total += first
            f.first_responses += 1


def _in_service(at: dt.datetime) -> bool:
    return at.time() >= SERVICE_START


def _rounds(lines: list[Message]) -> list[int]:
    """Answered rounds opened in service hours: seconds from the first buyer line to the reply."""
    rounds: list[int] = []
    opened: dt.datetime | None = None
    for m in lines:
        if m.side is Side.buyer and opened is None:
            opened = m.at
        elif m.side is Side.agent and opened is not None:
            if _in_service(opened):
                rounds.append(int((m.at - opened).total_seconds()))
            opened = None
    return rounds


def _split(lines: list[Message]) -> list[list[Message]]:
    sessions: list[list[Message]] = []
    for m in lines:
        if sessions and m.at - sessions[-1][-1].at <= IDLE:
            sessions[-1].append(m)
        else:
            sessions.append([m])
    return sessions


def _first_response(session: list[Message]) -> int | None:
    first = next((m for m in session if m.side is Side.buyer), None)
    if first is None or not _in_service(first.at):
        return None
    reply = next((m for m in session if m.side is Side.agent and m.at >= first.at), None)
    return None if reply is None else int((reply.at - first.at).total_seconds())


def _sessions_by_agent(
    cells: dict[Cell, list[Message]],
) -> dict[str, list[tuple[dt.datetime, dt.datetime]]]:
    spans: dict[str, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for (_, staff_id, _), lines in cells.items():
        for session in _split(lines):
            if any(m.side is Side.buyer for m in session):
                spans[staff_id].append((session[0].at, session[-1].at))
    return spans


def _max_overlap(spans: Iterable[tuple[dt.datetime, dt.datetime]]) -> int:
    events = sorted([(a, 0) for a, _ in spans] + [(b, 1) for _, b in spans])
    best = now = 0
    for _, kind in events:
        now += 1 if kind == 0 else -1
        best = max(best, now)
    return best


# --- 询单 and its conversion -------------------------------------------------------------


def _orders_by_buyer(orders: list[Order]) -> dict[str, list[Order]]:
    grouped: dict[str, list[Order]] = defaultdict(list)
    for order in orders:
        grouped[order.buyer.nick].append(order)
    return grouped


def _paid(order: Order, exported: dt.datetime) -> bool:
    return order.paid_at is not None and order.paid_at <= exported


def _is_inquiry(lines: list[Message], orders: list[Order], exported: dt.datetime) -> bool:
    """Not after-sale: no payment in the 21 days before, or a new order the same or next day."""
    first = lines[0].at
    recent = any(
        _paid(o, exported)
        and o.paid_at is not None
        and first - _days(AFTERSALE_DAYS) <= o.paid_at < first
        for o in orders
    )
    if not recent:
        return True
    return any(first <= o.created_at and o.created_at.date() <= first.date() + _DAY for o in orders)


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _credited_agents(history: ShopHistory, exported: dt.datetime) -> dict[str, str]:
    """Order id → credited staff id under 下单优先判定 × last touch × same or previous day.

    A touch is a human agent line to the buyer. Creation is the anchor when some agent
    touched the buyer before it; otherwise payment is.
    """
    touches: dict[str, list[tuple[dt.datetime, str]]] = defaultdict(list)
    for conv in history.conversations:
        for m in conv.messages:
            if m.side is Side.agent:
                touches[conv.buyer.nick].append((m.at, m.agent.staff_id))
    for lines in touches.values():
        lines.sort()
    credit: dict[str, str] = {}
    for order in history.orders:
        mine = touches.get(order.buyer.nick, [])
        agent = _last_touch(mine, order.created_at)
        if agent is None and _paid(order, exported):
            assert order.paid_at is not None
            agent = _last_touch(mine, order.paid_at)
        if agent is not None:
            credit[order.order_id] = agent
    return credit


def _last_touch(touches: list[tuple[dt.datetime, str]], anchor: dt.datetime) -> str | None:
    earliest = anchor.date() - _DAY
    before = [staff for at, staff in touches if at <= anchor and at.date() >= earliest]
    return before[-1] if before else None


def _converted(
    day: dt.date, staff_id: str, orders: list[Order], credit: dict[str, str], exported: dt.datetime
) -> int:
    return int(
        any(
            credit.get(o.order_id) == staff_id
            and day <= o.created_at.date() <= day + _DAY
            and _paid(o, exported)
            for o in orders
        )
    )
