"""Placing an order: the basket, payment now / after a 催付 chase / never, then any refunds."""

from __future__ import annotations

import datetime as dt

from shopkpi.demo import dialogue
from shopkpi.demo.calendar import next_opening
from shopkpi.demo.model import Buyer, Product, Staff
from shopkpi.demo.orders import basket, new_order, payment_delay, settle
from shopkpi.demo.rand import chance, delay, pick, span
from shopkpi.demo.refunds import refunds_for
from shopkpi.demo.world import World

PAY_NOW = 0.80
PAY_LATER = 0.04  # pays hours later on their own (the next morning, after payday)
CHASED = 0.07  # unpaid at first, chased by the agent; the rest never pay
CHASE_SUCCESS = 0.45
MEMOS = ("优先发货", "送运费险", "顺丰补差已付", "赠品：袜子一双")  # 订单备注 by the agent


def place_order(
    world: World, buyer: Buyer, at: dt.datetime, agent: Staff | None, product: Product
) -> None:
    rng = world.rng
    upsell = agent.traits.upsell if agent is not None else 1.0
    order = new_order(
        rng, world.ids, buyer, at, basket(rng, world.catalogue, product, upsell), agent
    )
    if agent is not None and chance(rng, 0.08):
        order.memo = f"{agent.nick}：{pick(rng, MEMOS)}"
    roll = rng.random()
    if roll < PAY_NOW:
        settle(rng, order, at + payment_delay(rng))
    elif roll < PAY_NOW + PAY_LATER:
        settle(rng, order, at + span(hours=rng.uniform(2, 20)))
    elif roll < PAY_NOW + PAY_LATER + CHASED and agent is not None:
        settle(rng, order, _chase(world, buyer, agent, at, product))
    else:
        settle(rng, order, None)
    if order.paid_at is not None:
        world.buyers.bought(buyer)
        world.refunds += refunds_for(rng, world.ids, order)
    world.orders.append(order)


def _chase(
    world: World, buyer: Buyer, agent: Staff, created: dt.datetime, product: Product
) -> dt.datetime | None:
    """催付: the agent reminds the buyer; returns when the buyer pays, if they do."""
    rng = world.rng
    at = next_opening(created + span(minutes=delay(rng, 60, 20, 240)))
    if at > world.horizon:
        return None
    pays = chance(rng, CHASE_SUCCESS)
    lines = dialogue.chase(world.script(buyer, agent, at, product), pays)
    world.record(buyer, "chase", lines)
    return lines[-1].at + span(minutes=delay(rng, 5, 0.5, 60)) if pays else None
