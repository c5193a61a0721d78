"""Simulate the whole history of the demo shop from one seed."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from shopkpi.demo import aftersale, presale, qa_cases
from shopkpi.demo.buyers import BuyerPool
from shopkpi.demo.catalogue import make_catalogue
from shopkpi.demo.evaluations import evaluate
from shopkpi.demo.model import Buyer, Conversation, Evaluation, Order, Product, Refund, Shift, Staff
from shopkpi.demo.options import DemoOptions
from shopkpi.demo.orders import Catalogue, Ids
from shopkpi.demo.people import make_staff
from shopkpi.demo.planted import SlowAgent, plant_slow_agent
from shopkpi.demo.qa_cases import QACases
from shopkpi.demo.sessions import text_keys
from shopkpi.demo.shifts import Duty, make_shifts
from shopkpi.demo.world import World

EXPORT_TIME = dt.time(9, 30)  # exports are pulled the next morning


@dataclass(frozen=True)
class ShopHistory:
    """Everything that happened in the demo shop, before it is written as exports."""

    options: DemoOptions
    staff: list[Staff]
    shifts: list[Shift]
    products: list[Product]
    buyers: list[Buyer]
    conversations: list[Conversation]
    orders: list[Order]
    refunds: list[Refund]
    evaluations: list[Evaluation]
    qa_cases: QACases | None = None  # the chat-QA cases planted in the texts (issue 6)
    slow_agent: SlowAgent | None = None  # the agent planted to slow down (issue 7)

    @property
    def days(self) -> list[dt.date]:
        return [self.options.start + dt.timedelta(days=i) for i in range(self.options.days)]

    @property
    def final_export(self) -> dt.datetime:
        return dt.datetime.combine(self.options.end + dt.timedelta(days=1), EXPORT_TIME)

    @property
    def csv_export(self) -> dt.datetime | None:
        """The last classic CSV export, a day before the final one; None for a one-day history.

        The shop then switched to the 千牛 workbook, which is the final export.
        """
        if self.options.days < 2:
            return None
        return self.final_export - dt.timedelta(days=1)

    @property
    def mid_export(self) -> dt.datetime | None:
        """A mid-period order export, so that the final one updates statuses; None if too short."""
        if self.options.days < 4:
            return None
        return dt.datetime.combine(
            self.options.start + dt.timedelta(days=self.options.days // 2), EXPORT_TIME
        )


def simulate(options: DemoOptions) -> ShopHistory:
    rng = random.Random(options.seed)
    staff, slow = plant_slow_agent(make_staff(rng, options), options)
    days = [options.start + dt.timedelta(days=i) for i in range(options.days)]
    shifts = make_shifts(staff, days)
    products = make_catalogue(rng)
    world = World(
        rng,
        options,
        staff,
        shifts,
        Duty(staff, shifts),
        Catalogue(products),
        BuyerPool(rng),
        Ids(rng),
    )
    for day in days:
        presale.simulate_day(world, day)
    aftersale.simulate(world)
    world.conversations.sort(key=lambda c: (c.messages[0].at, c.buyer.nick))
    world.orders.sort(key=lambda o: (o.created_at, o.order_id))
    evaluations = evaluate(world)
    avoid = text_keys(world.conversations, options)
    cases = qa_cases.plant(options, staff, world.conversations, world.orders, avoid)
    return ShopHistory(
        options=options,
        staff=staff,
        shifts=shifts,
        products=products,
        buyers=world.buyers.buyers,
        conversations=world.conversations,
        orders=world.orders,
        refunds=world.refunds,
        evaluations=evaluations,
        qa_cases=cases,
        slow_agent=slow,
    )
