"""服务评价: invitations after chats, and the buyer's 0 (非常满意) … 4 (非常不满意) answer."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

from shopkpi.demo.model import Conversation, Evaluation, Side, Staff
from shopkpi.demo.rand import Rng, chance, delay, pick, span
from shopkpi.demo.world import World

SCORE_WEIGHTS = (60.0, 25.0, 8.0, 4.0, 3.0)
INVITE, SELF, SYSTEM = 0, 1, 2  # 来源: 客服邀评, 消费者自主评价, 系统邀评


def evaluate(world: World) -> list[Evaluation]:
    found = (_evaluation(world.rng, c) for c in world.conversations)
    return [_as_of(e, world.horizon) for e in found if e is not None and _seen(e, world.horizon)]


def _seen(e: Evaluation, horizon: dt.datetime) -> bool:
    return (e.invited_at or e.at) <= horizon


def _as_of(e: Evaluation, horizon: dt.datetime) -> Evaluation:
    """An answer that comes after the export is still an open invitation in it."""
    if e.evaluated_at is not None and e.evaluated_at > horizon:
        return replace(e, evaluated_at=None, score=None)
    return e


def _evaluation(rng: Rng, conv: Conversation) -> Evaluation | None:
    human = [m for m in conv.messages if m.side is Side.agent]
    end = conv.messages[-1].at
    if not human:  # nobody answered: the platform may ask the buyer itself
        if conv.kind != "presale" or not chance(rng, 0.15):
            return None
        invited = end + dt.timedelta(hours=1)
        return _answer(rng, conv, conv.messages[0].agent, invited, SYSTEM, 2.5)
    agent = human[-1].agent
    penalty = agent.traits.eval_penalty + (2.0 if conv.angry else 0.0)
    if chance(rng, 0.3):
        invited = end + span(seconds=rng.uniform(10, 90))
        if chance(rng, 0.55):
            return _answer(rng, conv, agent, invited, INVITE, penalty)
        return Evaluation(agent, conv.buyer, invited, None, None, INVITE)  # never answered
    if chance(rng, 0.04):
        return _answer(rng, conv, agent, None, SELF, penalty, start=end)
    return None


def _answer(
    rng: Rng,
    conv: Conversation,
    agent: Staff,
    invited: dt.datetime | None,
    source: int,
    penalty: float,
    start: dt.datetime | None = None,
) -> Evaluation:
    base = invited or start
    assert base is not None
    evaluated = base + span(minutes=delay(rng, 12, 0.2, 600))
    weights = [w * math.exp(0.45 * penalty * (i - 1)) for i, w in enumerate(SCORE_WEIGHTS)]
    return Evaluation(agent, conv.buyer, invited, evaluated, pick(rng, range(5), weights), source)
