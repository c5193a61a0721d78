"""The simulation's shared state: one seeded RNG, the team, the goods, the buyers, and the record."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from shopkpi.demo.buyers import BuyerPool
from shopkpi.demo.calendar import load
from shopkpi.demo.dialogue import Script, words_for
from shopkpi.demo.model import Buyer, Conversation, Message, Order, Product, Refund, Shift, Staff
from shopkpi.demo.options import DemoOptions
from shopkpi.demo.orders import Catalogue, Ids
from shopkpi.demo.rand import Rng, pick
from shopkpi.demo.shifts import Duty


@dataclass
class World:
    rng: Rng
    options: DemoOptions
    staff: list[Staff]
    shifts: list[Shift]
    duty: Duty
    catalogue: Catalogue
    buyers: BuyerPool
    ids: Ids
    conversations: list[Conversation] = field(default_factory=list)
    orders: list[Order] = field(default_factory=list)
    refunds: list[Refund] = field(default_factory=list)

    @property
    def horizon(self) -> dt.datetime:
        """The last moment of history: the end day's 23:59:59."""
        return dt.datetime.combine(self.options.end, dt.time(23, 59, 59))

    def script(self, buyer: Buyer, agent: Staff, at: dt.datetime, product: Product) -> Script:
        words = words_for(self.rng, buyer, product, pick(self.rng, product.skus))
        return Script(self.rng, buyer, agent, at, load(at.date()), words)

    def record(self, buyer: Buyer, kind: str, lines: list[Message], angry: bool = False) -> None:
        """Keep a conversation, cut at the horizon."""
        kept = [m for m in lines if m.at <= self.horizon]
        if kept:
            self.conversations.append(Conversation(buyer, kind, kept, angry))
