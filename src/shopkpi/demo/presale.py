"""Pre-sale traffic: buyers ask, agents answer (or not), some buyers order the same or next day."""

from __future__ import annotations

import datetime as dt

from shopkpi.demo import dialogue
from shopkpi.demo.calendar import demand, in_service, is_peak, load, next_opening, sample_time
from shopkpi.demo.model import Buyer, Product, Role, Staff
from shopkpi.demo.people import active
from shopkpi.demo.purchase import place_order
from shopkpi.demo.rand import chance, count, delay, span
from shopkpi.demo.world import World

CHATS_PER_AGENT = 16.0  # pre-sale buyers per agent on an ordinary day at --scale 1
SILENT_PER_AGENT = 5.0  # orders with no chat, per pre-sale agent-day
SAME_DAY_SHARE = 0.7


def simulate_day(world: World, day: dt.date) -> None:
    agents = sum(1 for p in world.staff if p.role is Role.presale and active(p, day)) or 1
    base = agents * world.options.scale * demand(day)
    for _ in range(count(world.rng, CHATS_PER_AGENT * base)):
        _inquiry(world, sample_time(world.rng, day))
    for _ in range(count(world.rng, SILENT_PER_AGENT * base)):
        _silent_order(world, sample_time(world.rng, day))


def _inquiry(world: World, at: dt.datetime) -> None:
    rng = world.rng
    buyer = world.buyers.arrive()
    agent, online = world.duty.assign(rng, at, Role.presale)
    product = world.catalogue.browse(rng)
    traits = agent.traits
    missed = online and chance(rng, traits.miss_rate * load(at.date()))
    odds = traits.conversion * (0.2 if missed else 1.0) * (1.1 if is_peak(at.date()) else 1.0)
    plan = dialogue.PresalePlan(
        online=online,
        missed=missed,
        buys=chance(rng, odds),
        forbidden=chance(rng, traits.forbidden_rate),
        busy=is_peak(at.date()),
        transfer_to=_transfer_target(world, at, agent) if online and not missed else None,
    )
    script = world.script(buyer, agent, at, product)
    lines = dialogue.presale(script, plan)
    world.record(buyer, "presale", lines)
    serving, end = script.agent, lines[-1].at
    if not online:
        end = _answer_next_morning(world, buyer, agent, end, product, plan.buys)
    if plan.buys:
        _order_after_chat(world, buyer, serving, product, end)


def _transfer_target(world: World, at: dt.datetime, agent: Staff) -> Staff | None:
    if not chance(world.rng, 0.05):
        return None
    role = Role.aftersale if chance(world.rng, 0.6) else Role.presale
    return world.duty.colleague(world.rng, at, role, agent)


def _answer_next_morning(
    world: World, buyer: Buyer, agent: Staff, asked: dt.datetime, product: Product, buys: bool
) -> dt.datetime:
    if in_service(asked):  # everyone was off shift: someone picks it up later
        at = asked + span(minutes=delay(world.rng, 50, 5, 240))
    else:
        at = next_opening(asked) + span(minutes=delay(world.rng, 40, 1, 180))
    lines = dialogue.night_follow_up(world.script(buyer, agent, at, product), buys)
    world.record(buyer, "night_followup", lines)
    return lines[-1].at


def _order_after_chat(
    world: World, buyer: Buyer, agent: Staff, product: Product, chat_end: dt.datetime
) -> None:
    rng = world.rng
    if chance(rng, SAME_DAY_SHARE):
        at = chat_end + span(minutes=delay(rng, 15, 0.5, 300))
    else:
        at = sample_time(rng, chat_end.date() + dt.timedelta(days=1))
    if at.date() <= world.options.end:
        place_order(world, buyer, at, agent, product)


def _silent_order(world: World, at: dt.datetime) -> None:
    buyer = world.buyers.arrive()
    place_order(world, buyer, at, None, world.catalogue.browse(world.rng))
