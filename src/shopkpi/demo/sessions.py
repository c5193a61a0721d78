"""生意参谋 reception sessions: chat lines grouped per day × agent × buyer, as the platform does."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from shopkpi.demo.model import Buyer, Conversation, Message, Side, Staff
from shopkpi.demo.options import SELLER_ID, DemoOptions

CHAT_SIDES = frozenset({Side.buyer, Side.agent, Side.auto})
DayBuyer = tuple[dt.date, str]  # (day, buyer nick): the unit that goes to one source only


@dataclass(frozen=True)
class ReceptionSession:
    day: dt.date
    agent: Staff
    buyer: Buyer
    messages: tuple[Message, ...]

    @property
    def data_id(self) -> str:
        """``<yyyymmdd>_<sellerId>_<accountId>_<buyerId>``."""
        return f"{self.day:%Y%m%d}_{SELLER_ID}_{self.agent.account_id}_{self.buyer.buyer_id}"

    @property
    def seller_first(self) -> bool:
        return self.messages[0].side is not Side.buyer

    @property
    def unreplied(self) -> bool:
        """A buyer wrote and no human agent answered (auto-replies do not count)."""
        sides = {m.side for m in self.messages}
        return Side.buyer in sides and Side.agent not in sides


def reception_sessions(
    conversations: Iterable[Conversation], skip: frozenset[DayBuyer] = frozenset()
) -> list[ReceptionSession]:
    grouped: dict[tuple[dt.date, str, str], list[Message]] = defaultdict(list)
    buyers: dict[str, Buyer] = {}
    agents: dict[str, Staff] = {}
    for conv in conversations:
        buyers[conv.buyer.nick] = conv.buyer
        for m in conv.messages:
            if m.side in CHAT_SIDES and (m.at.date(), conv.buyer.nick) not in skip:
                agents[m.agent.staff_id] = m.agent
                grouped[(m.at.date(), m.agent.staff_id, conv.buyer.nick)].append(m)
    sessions = [
        ReceptionSession(day, agents[staff_id], buyers[nick], tuple(sorted(lines, key=_when)))
        for (day, staff_id, nick), lines in grouped.items()
    ]
    sessions.sort(key=lambda s: (s.messages[0].at, s.agent.staff_id, s.buyer.nick))
    return sessions


def _when(message: Message) -> dt.datetime:
    return message.at


def text_keys(conversations: list[Conversation], options: DemoOptions) -> frozenset[DayBuyer]:
    """The buyer-days the demo writes as 千牛 copy-paste text (2–6 of them)."""
    wanted = max(2, min(6, round(4 * options.scale * options.days / 56)))
    return pick_for_text(conversations, wanted)


def pick_for_text(conversations: list[Conversation], wanted: int) -> frozenset[DayBuyer]:
    """A few buyer-days to hand over as 千牛 copy-paste text instead of 生意参谋 JSON.

    Prefers conversations with a transfer and one left overnight (system lines), so the
    text files show every line type; the rest are spread evenly over the period.
    """
    with_transfer = [c for c in conversations if any(m.side is Side.transfer for m in c.messages)]
    offline = [c for c in conversations if sum(m.side is Side.system for m in c.messages) >= 2]
    others = [c for c in conversations if len(c.messages) >= 4]
    chosen: list[Conversation] = offline[:1] + _spread(with_transfer, max(wanted - 2, 1))
    chosen += _spread(others, max(wanted - len(chosen), 0))
    return frozenset((c.day, c.buyer.nick) for c in chosen[:wanted])


def _spread(items: list[Conversation], n: int) -> list[Conversation]:
    if n <= 0 or not items:
        return []
    step = max(len(items) // n, 1)
    return items[step // 2 :: step][:n]
