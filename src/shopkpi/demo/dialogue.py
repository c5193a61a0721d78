"""Turn a planned contact into timed chat lines: questions, fillers, auto-replies, transfers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shopkpi.demo import phrases as P
from shopkpi.demo.catalogue import CLOTHES as CLOTHING_SIZES
from shopkpi.demo.model import Buyer, Message, Product, Side, Sku, Staff
from shopkpi.demo.options import SHOP_NAME
from shopkpi.demo.rand import Rng, chance, delay, pick


@dataclass
class Script:
    """Appends chat lines on a running clock; the current agent may change (transfer)."""

    rng: Rng
    buyer: Buyer
    agent: Staff
    at: dt.datetime
    load: float
    words: dict[str, str]

    def __post_init__(self) -> None:
        self.lines: list[Message] = []

    def say(self, side: Side, template: str, agent: Staff | None = None) -> None:
        words = {**self.words, "nick": self.agent.nick}
        self.lines.append(Message(self.at, side, agent or self.agent, template.format_map(words)))

    def buyer_says(self, template: str, think: float = 25.0) -> None:
        if self.lines:
            self.at += _seconds(delay(self.rng, think, 2, 900))
        self.say(Side.buyer, template)

    def auto_reply(self, template: str) -> None:
        self.at += _seconds(self.rng.uniform(1, 3))
        self.say(Side.auto, template)

    def agent_says(self, template: str, typing: float = 1.0) -> None:
        mean = self.agent.traits.reply_seconds * self.load * typing
        if self.agent.traits.slow_from is not None:  # the planted slowdown (demo/planted.py)
            mean *= self.agent.traits.reply_factor(self.at.date())
        self.at += _seconds(delay(self.rng, mean, 3, 900))
        self.say(Side.agent, template)

    def transfer(self, to: Staff) -> None:
        """千牛 hand-over (``A --> B``): ``to`` takes over from here."""
        self.at += _seconds(self.rng.uniform(5, 30))
        self.lines.append(Message(self.at, Side.transfer, to, "", peer=self.agent))
        self.agent = to

    def system(self, text: str) -> None:
        """A 千牛 system line; only the copy-paste text carries these."""
        self.lines.append(Message(self.at, Side.system, self.agent, text))


def _seconds(value: float) -> dt.timedelta:
    return dt.timedelta(seconds=round(value))


def words_for(rng: Rng, buyer: Buyer, product: Product, sku: Sku) -> dict[str, str]:
    weight = rng.randint(85, 170)  # 斤
    return {
        "short": product.short,
        "color": sku.color,
        "size": _size_for(weight) if sku.size in CLOTHING_SIZES else sku.size,
        "city": buyer.city,
        "item_id": product.item_id,
        "height": str(rng.randint(152, 185)),
        "weight": str(weight),
        "shop": SHOP_NAME,
    }


def _size_for(weight: int) -> str:
    """The size an agent recommends for a weight in 斤."""
    for limit, size in ((100, "S"), (115, "M"), (130, "L"), (150, "XL")):
        if weight < limit:
            return size
    return "XXL"


@dataclass(frozen=True)
class PresalePlan:
    """What happens in one pre-sale chat, decided before the words are chosen."""

    online: bool  # an agent is on shift
    missed: bool  # the agent never replies (careless)
    buys: bool
    forbidden: bool  # the agent slips an absolute advertising term
    busy: bool  # 双11 crowd: the busy auto-reply
    transfer_to: Staff | None = None


def presale(s: Script, plan: PresalePlan) -> list[Message]:
    rng = s.rng
    if chance(rng, 0.2):
        s.buyer_says(P.PRODUCT_LINK)
    if chance(rng, 0.5):
        s.buyer_says(pick(rng, P.GREETINGS), think=6)
    topics = [
        (topic, rng.randrange(len(P.TOPICS[topic][0])))
        for topic in rng.sample(sorted(P.TOPICS), k=rng.choice((1, 1, 2, 2, 3)))
    ]
    s.buyer_says(_question(topics[0]), think=8)
    if chance(rng, 0.5):
        s.system(pick(rng, P.ENTRY_SOURCES))
    if not plan.online:
        s.auto_reply(P.AUTO_NIGHT)
        s.system(P.TRANSFER_REASONS[0].format(to=s.agent.account))
        s.system(P.TRANSFER_REASONS[1])
        return s.lines
    if plan.busy and chance(rng, 0.7):
        s.auto_reply(P.AUTO_BUSY)
    elif chance(rng, 0.5):
        s.auto_reply(pick(rng, P.AUTO_WELCOME))
    if plan.missed:
        if chance(rng, 0.6):
            s.buyer_says(pick(rng, P.BUYER_NUDGE), think=120)
        return s.lines
    _answer_topics(s, plan, topics)
    _close(s, plan.buys)
    return s.lines


def _question(topic: tuple[str, int]) -> str:
    return P.TOPICS[topic[0]][0][topic[1]]


def _answer(topic: tuple[str, int]) -> str:
    return P.TOPICS[topic[0]][1][topic[1]]


def _answer_topics(s: Script, plan: PresalePlan, topics: list[tuple[str, int]]) -> None:
    """Each question gets its answer; the first may get a filler first (在的亲) and a transfer."""
    rng = s.rng
    slip = rng.randrange(len(topics)) if plan.forbidden else -1
    for i, topic in enumerate(topics):
        if i:
            s.buyer_says(_question(topic))
        if i == 0 and chance(rng, 0.4):
            s.agent_says(pick(rng, P.FILLERS), typing=0.6)
        s.agent_says(pick(rng, P.FORBIDDEN) if i == slip else _answer(topic))
        if i == 0 and plan.transfer_to is not None:
            s.agent_says(pick(rng, P.TRANSFER_OUT), typing=0.5)
            s.transfer(plan.transfer_to)
            s.agent_says(pick(rng, P.TRANSFER_IN))
        if chance(rng, 0.35):
            s.buyer_says(pick(rng, P.FOLLOW_UPS))


def _close(s: Script, buys: bool) -> None:
    rng = s.rng
    if buys:
        s.buyer_says(pick(rng, P.BUYER_CLOSE_BUY))
        if chance(rng, 0.7):
            s.agent_says(pick(rng, P.AGENT_CLOSE), typing=0.7)
    elif chance(rng, 0.5):
        s.buyer_says(pick(rng, P.BUYER_CLOSE_NO))
        if chance(rng, 0.4):
            s.agent_says(pick(rng, P.AGENT_CLOSE), typing=0.7)


def night_follow_up(s: Script, buys: bool) -> list[Message]:
    """The agent answers a night message the next morning (客服主动跟进)."""
    s.say(Side.agent, pick(s.rng, P.NIGHT_FOLLOW_UP))
    if buys or chance(s.rng, 0.4):
        s.buyer_says(pick(s.rng, P.BUYER_CLOSE_BUY if buys else P.BUYER_CLOSE_NO), think=300)
    return s.lines


def chase(s: Script, pays: bool) -> list[Message]:
    """催付: the agent reminds a buyer who ordered but has not paid."""
    s.say(Side.agent, pick(s.rng, P.CHASE))
    if pays:
        s.buyer_says(pick(s.rng, P.CHASE_REPLY_PAY), think=240)
    elif chance(s.rng, 0.3):
        s.buyer_says(pick(s.rng, P.CHASE_REPLY_NO), think=600)
    return s.lines


def aftersale(s: Script, angry: bool, escalate_to: Staff | None) -> list[Message]:
    """After-sale contact; angry buyers push (急, 投诉, 差评) and may reach the supervisor."""
    rng = s.rng
    asks, answers = (
        (P.ANGRY_ASK, P.ANGRY_ANSWER) if angry else (P.AFTERSALE_ASK, P.AFTERSALE_ANSWER)
    )
    s.buyer_says(pick(rng, asks))
    if chance(rng, 0.3):
        s.auto_reply(pick(rng, P.AUTO_WELCOME))
    s.agent_says(pick(rng, answers))
    if angry:
        s.buyer_says(pick(rng, P.ANGRY_ASK), think=40)
        if escalate_to is not None:
            s.transfer(escalate_to)
        s.agent_says(pick(rng, P.ANGRY_ANSWER))
        s.buyer_says(pick(rng, P.ANGRY_LAST), think=60)
    elif chance(rng, 0.6):
        s.buyer_says(pick(rng, P.THANKS))
    return s.lines
