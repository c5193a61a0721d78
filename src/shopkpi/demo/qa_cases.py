"""Plant the chat-QA cases in the demo shop (issue 6), without moving any other number.

Runs after the simulation on its own RNG (the demo seed and a constant), so it never draws
from the simulation's stream, and it only rewrites texts:

- buyer messages (no metric reads a buyer's words);
- human agent answers that are neither fillers nor auto-replies, each replaced by a text of
  exactly the same length that is not one either (客服字数, the filler and the auto-reply
  rules are the only readers of an agent's words outside the QA step); the copy-paste case
  also pastes fillers over fillers of the same length;
- the list price (商品价格) of one order line per fortnight: the order's 应付 and 实付
  stay, so the line shows a manual price change (手工改价); no metric reads list prices.

Messages, sessions, orders and their times stay as simulated. Buyer-days written as 千牛
copy-paste text (GBK) are left alone. The timing cases (a filler then a late answer, a
post-order contact) cannot be made by texts: they occur in the simulated chats on their own
or not at all (a post-order contact needs an order credited through its payment).

Cases (per fortnight ``F = max(1, days // 14)``, per week ``W = max(1, days // 7)``):

========================== ================================================================
escalation, not recovered  F after-sale chats: 急 → 投诉 → 12315 (critical)
escalation, recovered      F after-sale chats: 投诉 → 差评 → calm thanks; empathic answers
warm agent                 the first 高客单 (premium) pre-sale agent: about 60% of answers
                           with 您, 亲 and the buyer's nick, 抱歉, [微笑] and 😊
curt agent                 the first careless (else slow) pre-sale agent: every answer curt
template                   F chats (≥ 5 agent lines) of one agent (volume first, the
                           warm and curt agents last): each line pasted over a
                           same-length line of the same kind to another buyer that day
广告法 words               W pre-sale answers (全网最低价, 第一, 国家级, 最佳)
promises                   W pre-sale answers (保证不过敏, 必过检测, 终身包退, 30天无理由)
compensation               W after-sale answers (补偿20元, 加微信返现, 私下返红包)
interruption               W buyers who go on (还有，…) seconds after a reply that came
                           within 5 s
manual price               F credited orders: list price above what the buyer paid
========================== ================================================================
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from itertools import pairwise

from shopkpi.config.models import SessionSettings
from shopkpi.demo import qa_phrases as Q
from shopkpi.demo.model import Conversation, Message, Order, Role, Side, Staff
from shopkpi.demo.options import DemoOptions
from shopkpi.demo.sessions import DayBuyer
from shopkpi.derive.messages import strip_filler

SALT = 6_000_006  # the QA cases' RNG: seed * 1009 + SALT (never the simulation's stream)
IDLE_SECONDS = 600  # SessionSettings.idle_minutes: an escalation chat stays one session
QUICK_REPLY, QUICK_FOLLOW = 5, 20  # the interruption rule's defaults (qa settings)
TEMPLATE_MIN_LINES = 5  # gaming.template_ratio looks at chats with at least 5 agent lines
Slot = tuple[int, int]  # (conversation index, message index)


@dataclass
class QACases:
    """What was planted: the case name → the (conversation, message) slots rewritten."""

    slots: dict[str, list[Slot]] = field(default_factory=dict)
    template_chats: list[Slot] = field(default_factory=list)  # first line of each pasted chat
    price_orders: list[str] = field(default_factory=list)  # manual price change
    warm_agent: str | None = None
    curt_agent: str | None = None
    template_agent: str | None = None

    def count(self, case: str) -> int:
        return len(self.slots.get(case, []))


@dataclass
class _Planter:
    rng: random.Random
    conversations: list[Conversation]
    avoid: frozenset[DayBuyer]
    cases: QACases = field(default_factory=QACases)
    used: set[Slot] = field(default_factory=set)

    def rewrite(self, case: str, slot: Slot, text: str) -> None:
        conv = self.conversations[slot[0]]
        old = conv.messages[slot[1]]
        if old.side is Side.agent:  # 客服字数 and the reply clocks must not move
            assert len(text) == len(old.text) and line_kind(text) == line_kind(old.text), text
        conv.messages[slot[1]] = replace(old, text=text)
        self.used.add(slot)
        self.cases.slots.setdefault(case, []).append(slot)

    def message(self, slot: Slot) -> Message:
        return self.conversations[slot[0]].messages[slot[1]]

    def answers(self, ok: Callable[[Conversation, Staff], bool]) -> list[Slot]:
        """Free human answers (not fillers) in conversations not written as text."""
        found = []
        for c, conv in enumerate(self.conversations):
            if (conv.day, conv.buyer.nick) in self.avoid:
                continue
            for i, m in enumerate(conv.messages):
                free = (c, i) not in self.used and m.side is Side.agent
                if free and line_kind(m.text) == "answer" and ok(conv, m.agent):
                    found.append((c, i))
        return found

    def text_for(self, slot: Slot, heads: Sequence[str], tails: Sequence[str]) -> str | None:
        """A text of the slot's exact length: one of ``heads`` (in turn), then tails."""
        conv = self.conversations[slot[0]]
        length = len(conv.messages[slot[1]].text)
        start = self.rng.randrange(len(heads))
        for k in range(len(heads)):
            head = heads[(start + k) % len(heads)]
            if "{buyer}" in head and "*" in conv.buyer.nick:
                continue  # a masked nick (t**8) is no name to call a buyer by
            head = head.format(buyer=conv.buyer.nick)
            text = fit(self.rng, head, tails, length)
            if text is not None and is_plain_answer(text):
                return text
        return None


_SESSION = SessionSettings()


def line_kind(text: str) -> str:
    """How the metrics read a human agent line: auto (auto-reply prefix), filler, answer."""
    if any(p and text.startswith(p) for p in _SESSION.auto_reply_prefixes):
        return "auto"
    norm = strip_filler(text)
    starts = any(
        (phrase := strip_filler(p)) and norm.startswith(phrase) for p in _SESSION.filler_phrases
    )
    return "filler" if starts and len(norm) <= _SESSION.filler_max_chars else "answer"


def is_plain_answer(text: str) -> bool:
    """A safe new answer: no auto-reply prefix and no filler phrase at its start, so it reads
    as an answer whatever its length."""
    if any(p and text.startswith(p) for p in _SESSION.auto_reply_prefixes):
        return False
    norm = strip_filler(text)
    return not any(
        (phrase := strip_filler(p)) and norm.startswith(phrase) for p in _SESSION.filler_phrases
    )


def fit(rng: random.Random, head: str, tails: Sequence[str], length: int) -> str | None:
    """``head`` plus some of ``tails`` (each once, in a shuffled order) and at most two ～,
    exactly ``length`` characters long; None when no such choice exists."""
    need = length - len(head)
    if need < 0:
        return None
    order = list(tails)
    rng.shuffle(order)
    reach: dict[int, list[str]] = {0: []}
    for tail in order:
        for total, chosen in list(reach.items()):
            grown = total + len(tail)
            if grown <= need and grown not in reach:
                reach[grown] = [*chosen, tail]
    for pad in (0, 1, 2):
        if need - pad in reach:
            return head + "".join(reach[need - pad]) + "～" * pad
    return None


def plant(
    options: DemoOptions,
    staff: list[Staff],
    conversations: list[Conversation],
    orders: list[Order],
    avoid: frozenset[DayBuyer],
) -> QACases:
    """Rewrite texts in ``conversations`` (and one list price per fortnight) in place."""
    rng = random.Random(options.seed * 1009 + SALT)
    p = _Planter(rng, conversations, avoid)
    fortnightly, weekly = max(1, options.days // 14), max(1, options.days // 7)
    _escalations(p, fortnightly)
    presale = [s for s in staff if s.role is Role.presale]
    warm = _by_profile(presale, ("premium",))
    curt = _by_profile(presale, ("careless", "slow"))
    rest = [s for s in presale if s not in (warm, curt)]
    rest.sort(key=lambda s: s.traits.profile != "volume")
    aftersale_staff = [s for s in staff if s.role is Role.aftersale]
    for agent in [*rest, *aftersale_staff, warm, curt]:
        if agent is not None and p.cases.template_agent is None:
            p.cases.template_agent = _template(p, agent, fortnightly)
    p.cases.warm_agent = _warm(p, warm)
    p.cases.curt_agent = _curt(p, curt)
    styled = {p.cases.warm_agent, p.cases.curt_agent}

    def plain_presale(conv: Conversation, agent: Staff) -> bool:
        return conv.kind == "presale" and agent.staff_id not in styled

    def aftersale(conv: Conversation, agent: Staff) -> bool:
        return conv.kind == "aftersale"

    _answers(p, "absolute", weekly, plain_presale, Q.ABSOLUTE)
    _answers(p, "promise", weekly, plain_presale, Q.PROMISE)
    _answers(p, "compensation", weekly, aftersale, Q.COMPENSATION)
    _interruptions(p, weekly)
    p.cases.price_orders = _manual_prices(rng, conversations, orders, fortnightly)
    return p.cases


def _by_profile(people: list[Staff], profiles: Sequence[str]) -> Staff | None:
    for profile in profiles:
        for person in people:
            if person.traits.profile == profile:
                return person
    return None


def _escalation_chat(conv: Conversation) -> bool:
    """One after-sale chat with one agent in one session, ≥ 2 buyer lines, answered."""
    chat = [m for m in conv.messages if m.side in (Side.buyer, Side.agent, Side.auto)]
    if conv.kind != "aftersale" or len(chat) != len(conv.messages):
        return False
    buyers = [i for i, m in enumerate(chat) if m.side is Side.buyer]
    answered = any(m.side is Side.agent for m in chat[buyers[0] : buyers[-1]])
    one_session = all(
        (b.at - a.at).total_seconds() <= IDLE_SECONDS and a.at.date() == b.at.date()
        for a, b in pairwise(chat)
    )
    return len(buyers) >= 2 and answered and one_session


def _escalations(p: _Planter, n: int) -> None:
    chats = [
        c
        for c, conv in enumerate(p.conversations)
        if (conv.day, conv.buyer.nick) not in p.avoid and _escalation_chat(conv)
    ]
    angry = [c for c in chats if p.conversations[c].angry] or chats
    picked = p.rng.sample(angry, min(len(angry), 2 * n))
    for k, c in enumerate(sorted(picked)):
        recovered = k % 2 == 1
        lines = Q.RECOVERED if recovered else Q.UNRECOVERED
        case = "escalation_recovered" if recovered else "escalation_unrecovered"
        buyers = [i for i, m in enumerate(p.conversations[c].messages) if m.side is Side.buyer]
        for j, i in enumerate(buyers):
            # the first line, the middle ones, and the last line of the case
            text = lines[0] if j == 0 else lines[-1] if j == len(buyers) - 1 else lines[1]
            p.rewrite(case, (c, i), text)
        if recovered:
            for i, m in enumerate(p.conversations[c].messages):
                if m.side is Side.agent and line_kind(m.text) == "answer":
                    answer = p.text_for((c, i), Q.EMPATHY_HEADS, Q.EMPATHY_TAILS)
                    if answer is not None:
                        p.rewrite("empathy", (c, i), answer)


def _warm(p: _Planter, agent: Staff | None) -> str | None:
    if agent is None:
        return None
    for slot in p.answers(lambda conv, who: who is agent):
        if p.rng.random() < 0.6:
            text = p.text_for(slot, Q.WARM_HEADS, Q.WARM_TAILS)
            if text is not None:
                p.rewrite("warm", slot, text)
    return agent.staff_id


def _curt(p: _Planter, agent: Staff | None) -> str | None:
    if agent is None:
        return None
    for slot in p.answers(lambda conv, who: who is agent):
        text = p.text_for(slot, Q.CURT_HEADS, Q.CURT_TAILS)
        if text is not None:
            p.rewrite("curt", slot, text)
    return agent.staff_id


def _template(p: _Planter, agent: Staff, n: int) -> str | None:
    """Copy-paste: every line of ``n`` long chats of one agent (≥ 5 human lines) is pasted,
    word for word, to other buyers that agent served that day (lines of the same length and
    the same kind, filler or answer, so 客服字数 and the reply clocks stay)."""
    chats = _human_lines(p, agent)
    big = [(key, lines) for key, lines in chats.items() if len(lines) >= TEMPLATE_MIN_LINES]
    p.rng.shuffle(big)
    done = 0
    for (day, buyer, _), lines in big:
        if done == n:
            break
        others = [
            slot
            for (d, b, _), theirs in chats.items()
            if d == day and b != buyer
            for slot in theirs
            if slot not in p.used
        ]
        pairs = _copies(p, lines, others)
        if len(pairs) == len(lines):
            for source, target in pairs:
                p.used.add(source)
                p.rewrite("template", target, p.message(source).text)
            p.cases.template_chats.append(lines[0])
            done += 1
    return agent.staff_id if done else None


def _human_lines(p: _Planter, agent: Staff) -> dict[tuple[dt.date, str, int], list[Slot]]:
    """The agent's human lines per chat session (day, buyer, n-th session of the day)."""
    streams: dict[tuple[dt.date, str], list[tuple[dt.datetime, Slot]]] = defaultdict(list)
    for c, conv in enumerate(p.conversations):
        if (conv.day, conv.buyer.nick) in p.avoid:
            continue
        for i, m in enumerate(conv.messages):
            if m.agent is agent and m.side in (Side.buyer, Side.agent, Side.auto):
                streams[(m.at.date(), conv.buyer.nick)].append((m.at, (c, i)))
    chats: dict[tuple[dt.date, str, int], list[Slot]] = defaultdict(list)
    for (day, buyer), timed in streams.items():
        timed.sort()
        nth, last = 0, timed[0][0]
        for at, slot in timed:
            nth += (at - last).total_seconds() > IDLE_SECONDS
            last = at
            if p.message(slot).side is Side.agent:
                chats[(day, buyer, nth)].append(slot)
    return chats


def _copies(p: _Planter, lines: list[Slot], others: list[Slot]) -> list[tuple[Slot, Slot]]:
    """For each line, another buyer's line of the same length and kind to paste it over."""
    pairs: list[tuple[Slot, Slot]] = []
    taken: set[Slot] = set()
    for source in lines:
        text = p.message(source).text
        kind = line_kind(text)
        for target in others:
            other = p.message(target).text
            if target not in taken and len(other) == len(text) and line_kind(other) == kind:
                pairs.append((source, target))
                taken.add(target)
                break
    return pairs


def _answers(
    p: _Planter,
    case: str,
    n: int,
    ok: Callable[[Conversation, Staff], bool],
    heads: Sequence[str],
) -> None:
    slots = p.answers(ok)
    p.rng.shuffle(slots)
    for slot in slots:
        if p.cases.count(case) >= n:
            return
        text = p.text_for(slot, heads, Q.NEUTRAL_TAILS)
        if text is not None:
            p.rewrite(case, slot, text)


def _interruptions(p: _Planter, n: int) -> None:
    """Buyer → agent within 5 s → buyer within 20 s: the buyer goes on with the question."""
    found = []
    for c, conv in enumerate(p.conversations):
        if (conv.day, conv.buyer.nick) in p.avoid:
            continue
        talk = [(i, m) for i, m in enumerate(conv.messages) if m.side in (Side.buyer, Side.agent)]
        for (_, a), (_, b), (k, f) in zip(talk, talk[1:], talk[2:], strict=False):
            shape = (a.side, b.side, f.side) == (Side.buyer, Side.agent, Side.buyer)
            quick = (b.at - a.at).total_seconds() <= QUICK_REPLY
            again = (f.at - b.at).total_seconds() <= QUICK_FOLLOW
            if shape and quick and again and (c, k) not in p.used:
                found.append((c, k))
    for c, k in p.rng.sample(found, min(n, len(found))):
        line = Q.CONTINUATIONS[p.rng.randrange(len(Q.CONTINUATIONS))]
        p.rewrite("interruption", (c, k), line)


def _manual_prices(
    rng: random.Random, conversations: list[Conversation], orders: list[Order], n: int
) -> list[str]:
    """Orders whose agent served the buyer before they ordered: list price marked up."""
    served: dict[tuple[str, str], list[dt.datetime]] = defaultdict(list)
    for conv in conversations:
        for m in conv.messages:
            if m.side is Side.agent:
                served[(m.agent.staff_id, conv.buyer.nick)].append(m.at)

    def credited(o: Order) -> bool:
        if o.agent is None or o.paid_at is None:
            return False
        day = o.created_at.date() - dt.timedelta(days=1)
        touches = served.get((o.agent.staff_id, o.buyer.nick), [])
        return any(day <= t.date() and t <= o.created_at for t in touches)

    eligible = [o for o in orders if credited(o)]
    picked = sorted(rng.sample(eligible, min(n, len(eligible))), key=lambda o: o.order_id)
    for order in picked:
        line = order.lines[0]
        markup = max(Decimal("5.00"), (line.product.price / 10).quantize(Decimal("1")))
        line.list_price = line.product.price + markup
    return [o.order_id for o in picked]
