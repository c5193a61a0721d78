"""Credit-grabbing signals (抢单, 冒领, 改单) over orders and agent contacts (Category.credit).

The facts are small dataclasses the caller fills from ``order_credit`` and the chats of the
attribution window (docs/derive.md); nothing here reads the warehouse.

- ``credit.post_order_contact`` (抢单): the credited agent's first message to the buyer came
  after the order was created, so under 付款判定 (or 下单优先 falling back to payment) the
  agent takes credit for an order they did not influence. High when every message of that
  agent was a filler or a payment chase (亲，付款了吗 / 请尽快付款), medium otherwise.
- ``credit.unserved_claim`` (冒领): a credited order whose buyer the agent never really served:
  no buyer round answered with a real message (neither filler nor chase) of that agent.
  Medium when the buyer wrote and got no real answer, low when the buyer never wrote (a
  pure 催付, which a shop may accept).
- ``credit.manual_price`` (手工改价/改单, medium): 应付 differs from list price × quantity by
  more than ``price_tolerance`` and the order has no campaign. Any order, credited or not.

Order-level findings carry the order id in ``matched``; ``session_id`` is the credited
agent's first session with the buyer when known, else "".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from shopkpi.qa.gaming import normalise
from shopkpi.qa.model import Category, Finding, QAMessage, Severity, Speaker
from shopkpi.qa.settings import QASettings, compiled

POST_ORDER_CONTACT = "credit.post_order_contact"
UNSERVED_CLAIM = "credit.unserved_claim"
MANUAL_PRICE = "credit.manual_price"


@dataclass(frozen=True)
class OrderFact:
    """One order as ``order_credit`` and the order lines show it (money in yuan)."""

    order_id: str
    buyer: str
    created_at: datetime
    paid_at: datetime | None
    goods_amount: Decimal  # 应付 for the goods
    list_amount: Decimal | None  # Σ list price × quantity over the order lines
    campaign_id: str | None
    credited_staff: str | None  # None = silent (静默)
    rule: str  # the attribution rule, e.g. "order_paid/last_touch/same_or_previous_day"


@dataclass(frozen=True)
class ContactFact:
    """One agent's messages with one buyer inside an order's attribution window."""

    staff_id: str
    buyer: str
    first_agent_at: datetime | None
    last_agent_at: datetime | None
    agent_messages: int  # human messages of this agent
    buyer_messages: int
    answered_rounds: int  # buyer rounds answered by a real message (not filler, not chase)
    substantive_messages: int | None = None  # agent messages neither filler nor chase
    session_id: str = ""  # the session of the first agent message
    first_message_id: str | None = None


def is_chase(text: str, settings: QASettings) -> bool:
    """A payment chase: short and matching ``chase_patterns`` (亲，付款了吗)."""
    short = len(normalise(text)) <= settings.chase_max_chars
    return short and any(p.search(text) for p in compiled(settings.chase_patterns))


def contact_from_messages(
    staff_id: str, buyer: str, messages: Sequence[QAMessage], settings: QASettings | None = None
) -> ContactFact:
    """The contact fact of one agent with one buyer from their messages (time order).

    A round is a run of buyer messages; it is answered when a real message of this agent
    comes before the buyer's next message.
    """
    s = settings or QASettings()
    mine = [m for m in messages if m.speaker is Speaker.agent and m.staff_id == staff_id]
    real = {m.message_id for m in mine if not m.is_filler and not is_chase(m.text, s)}
    answered, waiting = 0, False
    for m in messages:
        if m.speaker is Speaker.buyer:
            waiting = True
        elif waiting and m.message_id in real:
            answered, waiting = answered + 1, False
    first = mine[0] if mine else None
    return ContactFact(
        staff_id=staff_id,
        buyer=buyer,
        first_agent_at=first.sent_at if first else None,
        last_agent_at=mine[-1].sent_at if mine else None,
        agent_messages=len(mine),
        buyer_messages=sum(1 for m in messages if m.speaker is Speaker.buyer),
        answered_rounds=answered,
        substantive_messages=len(real),
        session_id=first.session_id if first else "",
        first_message_id=first.message_id if first else None,
    )


def duration(seconds: float) -> str:
    """A delay in words: 45 秒, 12 分钟, 2 小时 5 分钟."""
    whole = int(seconds)
    if whole < 60:
        return f"{whole} 秒"
    if whole < 3600:
        return f"{whole // 60} 分钟"
    hours, minutes = divmod(whole // 60, 60)
    return f"{hours} 小时 {minutes} 分钟" if minutes else f"{hours} 小时"


def _finding(
    rule: str, severity: Severity, order: OrderFact, contact: ContactFact | None, detail: str
) -> Finding:
    return Finding(
        rule=rule,
        category=Category.credit,
        severity=severity,
        session_id=contact.session_id if contact else "",
        message_id=contact.first_message_id if contact else None,
        staff_id=order.credited_staff,
        matched=order.order_id,
        detail=detail,
    )


def post_order_contact(order: OrderFact, contact: ContactFact | None) -> Finding | None:
    """``credit.post_order_contact`` (抢单) for one credited order and its agent's contact."""
    if order.credited_staff is None or contact is None or contact.first_agent_at is None:
        return None
    if contact.first_agent_at <= order.created_at:
        return None
    only_push = contact.substantive_messages == 0
    severity = Severity.high if only_push else Severity.medium
    what = "且只发过渡话术或催付" if only_push else ""
    after = duration((contact.first_agent_at - order.created_at).total_seconds())
    detail = (
        f"订单 {order.order_id} 下单 {after}后，落实客服 {order.credited_staff} 才首次联系买家"
        f"{what}（{order.rule}）"
    )
    return _finding(POST_ORDER_CONTACT, severity, order, contact, detail)


def unserved_claim(order: OrderFact, contact: ContactFact | None) -> Finding | None:
    """``credit.unserved_claim`` (冒领) for one credited order and its agent's contact."""
    if order.credited_staff is None:
        return None
    if contact is not None and contact.answered_rounds > 0:
        return None
    wrote = contact is not None and contact.buyer_messages > 0
    severity = Severity.medium if wrote else Severity.low
    if contact is None:
        why = "没有该客服与买家的聊天"
    else:
        why = "买家咨询未得到实质回复" if wrote else "买家未发过消息"
    detail = f"订单 {order.order_id} 落实给 {order.credited_staff}，但{why}（{order.rule}）"
    return _finding(UNSERVED_CLAIM, severity, order, contact, detail)


def manual_price(
    order: OrderFact, contact: ContactFact | None = None, settings: QASettings | None = None
) -> Finding | None:
    """``credit.manual_price`` (手工改价) for one order."""
    s = settings or QASettings()
    if order.list_amount is None or order.campaign_id is not None:
        return None
    gap = order.goods_amount - order.list_amount
    if abs(gap) <= s.price_tolerance:
        return None
    detail = (
        f"订单 {order.order_id} 应付 {order.goods_amount:.2f} 元，"
        f"标价×数量 {order.list_amount:.2f} 元，相差 {gap:+.2f} 元且无活动"
    )
    return _finding(MANUAL_PRICE, Severity.medium, order, contact, detail)


def credit_findings(
    orders: Sequence[OrderFact],
    contacts: Mapping[tuple[str, str], ContactFact],
    settings: QASettings | None = None,
) -> list[Finding]:
    """All three rules over orders; ``contacts`` keyed by (staff_id, buyer)."""
    s = settings or QASettings()
    found = []
    for order in orders:
        staff = order.credited_staff
        contact = contacts.get((staff, order.buyer)) if staff is not None else None
        for f in (
            post_order_contact(order, contact),
            unserved_claim(order, contact),
            manual_price(order, contact, s),
        ):
            if f is not None:
                found.append(f)
    return found
