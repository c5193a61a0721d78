"""After-sale contacts: refund requests, 'where is my parcel', and angry buyers who escalate."""

from __future__ import annotations

import datetime as dt

from shopkpi.demo import dialogue
from shopkpi.demo.calendar import in_service, next_opening
from shopkpi.demo.model import Order, Refund, Role
from shopkpi.demo.rand import chance, delay, span
from shopkpi.demo.refunds import ANGRY_REASONS
from shopkpi.demo.world import World

LATE_SHIPPING = dt.timedelta(hours=40)


def simulate(world: World) -> None:
    """Contacts per order: about a refund, a late parcel, tracking, or use after receipt."""
    first_refund: dict[str, Refund] = {}
    for refund in world.refunds:
        first_refund.setdefault(refund.order.order_id, refund)
    for order in world.orders:
        _contacts_for(world, order, first_refund.get(order.order_id))


def _contacts_for(world: World, order: Order, refund: Refund | None) -> None:
    rng = world.rng
    if refund is not None and chance(rng, 0.85):
        at = refund.requested_at - span(minutes=rng.uniform(2, 60))
        _contact(world, order, at, refund.reason in ANGRY_REASONS and chance(rng, 0.6))
    if order.paid_at is None or order.shipped_at is None:
        return
    if _shipped_late(order) and chance(rng, 0.5):
        _contact(world, order, order.paid_at + span(hours=rng.uniform(20, 40)), chance(rng, 0.5))
    if chance(rng, 0.22):  # where is my parcel
        _contact(world, order, order.shipped_at + span(hours=rng.uniform(24, 60)), False)
    if order.confirmed_at is not None and chance(rng, 0.06):  # washing, sizes, exchanges
        _contact(world, order, order.confirmed_at - span(hours=rng.uniform(1, 30)), False)


def _shipped_late(order: Order) -> bool:
    return (
        order.paid_at is not None
        and order.shipped_at is not None
        and order.shipped_at - order.paid_at > LATE_SHIPPING
    )


def _contact(world: World, order: Order, at: dt.datetime, angry: bool) -> None:
    rng = world.rng
    if not in_service(at):
        at = next_opening(at) + span(minutes=delay(rng, 30, 1, 120))
    if at > world.horizon or at < order.created_at:
        return
    agent, _ = world.duty.assign(rng, at, Role.aftersale)
    escalate = world.duty.supervisor_of(agent) if angry and chance(rng, 0.3) else None
    if escalate is agent:
        escalate = None
    script = world.script(order.buyer, agent, at, order.lines[0].product)
    lines = dialogue.aftersale(script, angry, escalate)
    world.record(order.buyer, "aftersale", lines, angry)
