"""Metric gaming signals (刷指标) and compensation promises, over one session's messages.

- ``gaming.filler_then_late`` (medium): a round's answer (its first human agent message, as
  in ``reply_round``) is a filler sent at most ``filler_fast_seconds`` after the round's first
  buyer message, and the first real (non-filler) human message after it comes more than
  ``filler_late_seconds`` after that buyer message, or never while the session runs on past
  that. The filler stops the first-response clock; the buyer still waits. Not when the
  round's buyer messages are only greetings (在吗 → 在的 is the right answer). One finding
  per round, on the filler.
- ``gaming.interruption`` (low): a human agent message right after a buyer message and at
  most ``interrupt_reply_seconds`` later, followed next (auto and system messages aside) by
  a buyer message at most ``interrupt_followup_seconds`` after the reply that continues the
  same question (:func:`continues`). On the agent's reply.
- ``gaming.template_ratio`` (low, session level): the share of an agent's messages in a
  session that are exact copies, spaces, punctuation and case aside, of messages the same
  agent sent in other sessions that day is above ``template_ratio_max``, with at least
  ``template_min_messages`` agent messages (:func:`template_ratio` over one agent-day).
- ``promise.compensation`` (high, Category.promise): an agent message offering money, red
  packets, price-difference refunds, coupons, 返现 or 加微信 (``compensation_patterns``,
  minus ``compensation_allowed``). :func:`compensation_hits` is the one matcher; the
  compliance rules use it too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from shopkpi.derive.messages import STRIP
from shopkpi.qa.model import Category, Finding, QAMessage, Severity, Speaker
from shopkpi.qa.settings import QASettings, compiled

FILLER_THEN_LATE = "gaming.filler_then_late"
INTERRUPTION = "gaming.interruption"
TEMPLATE_RATIO = "gaming.template_ratio"
COMPENSATION = "promise.compensation"
_STRIP = re.compile(STRIP)
_TRAILING = " \t\r\n\u3000~～"


def normalise(text: str) -> str:
    """The text compared for templates and phrases: NFKC, lower case, no spaces/punctuation."""
    return _STRIP.sub("", unicodedata.normalize("NFKC", text).lower())


def only_phrases(text: str, phrases: Sequence[str]) -> bool:
    """True when the text is nothing but these phrases (你好在吗 = 你好 + 在吗).

    A text with nothing left after normalising (？？, an emoji) is not: it may be a nudge.
    """
    rest = normalise(text)
    if not rest:
        return False
    known = sorted({normalise(p) for p in phrases} - {""}, key=len, reverse=True)
    while rest:
        head = next((p for p in known if rest.startswith(p)), None)
        if head is None:
            return False
        rest = rest[len(head) :]
    return True


def continues(previous: str, follow_up: str, settings: QASettings) -> bool:
    """Whether the buyer's follow-up goes on with the question of their previous message.

    Heuristic: the follow-up has words (not only punctuation or emoji) and is not only
    greetings or acks, and either it starts with a
    continuation word (还有, 而且, 就是, 我是说, 然后, 另外) or the previous message did not
    end as a complete sentence (？ ? 。 ！ ! or a final particle 吗 呢 么 嘛 吧). Buyers often
    skip punctuation, so an unpunctuated statement followed by a new question is a false
    positive ("我要黑色的" then "发什么快递"), and so is 还有 opening a new topic.
    """
    s = settings
    head = normalise(follow_up)
    if not head or only_phrases(follow_up, [*s.greeting_phrases, *s.ack_phrases]):
        return False
    if any(head.startswith(normalise(w)) for w in s.continuation_starters if normalise(w)):
        return True
    ended = previous.rstrip(_TRAILING).endswith(tuple(e for e in s.complete_endings if e))
    return not ended


def _seconds(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds()


def _on_message(
    m: QAMessage, rule: str, category: Category, severity: Severity, detail: str
) -> Finding:
    return Finding(
        rule=rule,
        category=category,
        severity=severity,
        session_id=m.session_id,
        message_id=m.message_id,
        staff_id=m.staff_id,
        matched=m.text,
        start=0,
        end=len(m.text),
        detail=detail,
    )


def filler_then_late(
    messages: Sequence[QAMessage], settings: QASettings | None = None
) -> list[Finding]:
    """``gaming.filler_then_late`` over one session (messages in time order)."""
    s = settings or QASettings()
    next_real: list[QAMessage | None] = [None] * len(messages)
    upcoming: QAMessage | None = None
    for i in range(len(messages) - 1, -1, -1):
        m = messages[i]
        next_real[i] = upcoming
        if m.speaker is Speaker.agent and not m.is_filler:
            upcoming = m
    found = []
    asked: list[QAMessage] = []  # the open round's buyer messages
    greetings = [*s.greeting_phrases, *s.ack_phrases]
    for i, m in enumerate(messages):
        if m.speaker is Speaker.buyer:
            asked.append(m)
            continue
        if m.speaker is not Speaker.agent or not asked:
            continue
        opened, question = asked[0].sent_at, list(asked)
        asked.clear()
        fast = _seconds(opened, m.sent_at)
        if not m.is_filler or fast > s.filler_fast_seconds:
            continue
        if all(only_phrases(q.text, greetings) for q in question):
            continue
        real = next_real[i]
        late = _seconds(opened, (real or messages[-1]).sent_at)
        if late > s.filler_late_seconds:
            then = f"实质回复在 {late:g} 秒后" if real else "之后没有实质回复"
            detail = f"提问后 {fast:g} 秒先发过渡话术，{then}"
            found.append(_on_message(m, FILLER_THEN_LATE, Category.gaming, Severity.medium, detail))
    return found


def interruption(
    messages: Sequence[QAMessage], settings: QASettings | None = None
) -> list[Finding]:
    """``gaming.interruption`` over one session (messages in time order)."""
    s = settings or QASettings()
    talk = [m for m in messages if m.speaker in (Speaker.buyer, Speaker.agent)]
    found = []
    for prev, reply, follow in zip(talk, talk[1:], talk[2:], strict=False):
        if (prev.speaker, reply.speaker, follow.speaker) != (
            Speaker.buyer,
            Speaker.agent,
            Speaker.buyer,
        ):
            continue
        quick = _seconds(prev.sent_at, reply.sent_at)
        again = _seconds(reply.sent_at, follow.sent_at)
        if quick > s.interrupt_reply_seconds or again > s.interrupt_followup_seconds:
            continue
        if continues(prev.text, follow.text, s):
            detail = (
                f"买家发言后 {quick:g} 秒即回复，买家 {again:g} 秒后接着说：「{follow.text[:30]}」"
            )
            found.append(_on_message(reply, INTERRUPTION, Category.gaming, Severity.low, detail))
    return found


@dataclass(frozen=True)
class TemplateShare:
    """An agent's messages in one session (or one day) and how many are cross-session copies."""

    copies: int
    messages: int

    @property
    def ratio(self) -> float:
        return self.copies / self.messages if self.messages else 0.0

    def over(self, settings: QASettings) -> bool:
        """Above ``template_ratio_max`` with at least ``template_min_messages`` messages."""
        s = settings
        return self.messages >= s.template_min_messages and self.ratio > s.template_ratio_max


def template_ratio(agent_texts_by_session: Mapping[str, Sequence[str]]) -> dict[str, TemplateShare]:
    """Per session of one agent-day: the agent's messages that also occur, normalised, in
    another session of the same agent that day. Repeats within one session are not copies;
    a message that normalises to nothing (emoji only) never is.
    """
    norm = {sid: [normalise(t) for t in texts] for sid, texts in agent_texts_by_session.items()}
    sessions_of: dict[str, set[str]] = {}
    for sid, texts in norm.items():
        for t in texts:
            sessions_of.setdefault(t, set()).add(sid)
    return {
        sid: TemplateShare(sum(1 for t in texts if t and len(sessions_of[t]) > 1), len(texts))
        for sid, texts in norm.items()
    }


def day_share(shares: Mapping[str, TemplateShare]) -> TemplateShare:
    """The agent-day figure: all sessions' copies over all their messages."""
    return TemplateShare(
        sum(x.copies for x in shares.values()), sum(x.messages for x in shares.values())
    )


def template_findings(
    staff_id: str,
    agent_texts_by_session: Mapping[str, Sequence[str]],
    settings: QASettings | None = None,
) -> list[Finding]:
    """``gaming.template_ratio`` for one agent-day: session id → the agent's message texts."""
    s = settings or QASettings()
    shares = template_ratio(agent_texts_by_session)
    found = []
    for sid in sorted(shares):
        share = shares[sid]
        if share.over(s):
            detail = (
                f"{share.copies}/{share.messages} 条客服消息与当天其他会话完全相同"
                f"（{share.ratio:.0%}）"
            )
            found.append(
                Finding(
                    TEMPLATE_RATIO,
                    Category.gaming,
                    Severity.low,
                    sid,
                    None,
                    staff_id,
                    detail=detail,
                )
            )
    return found


def compensation_hits(text: str, settings: QASettings | None = None) -> list[tuple[int, int, str]]:
    """Compensation offers in one text: (start, end, matched), in order, not overlapping.

    Matches of ``compensation_patterns`` that lie inside a ``compensation_allowed`` match are
    dropped; of overlapping matches the earliest (then the longest) is kept.
    """
    s = settings or QASettings()
    spans = [m.span() for p in compiled(s.compensation_patterns) for m in p.finditer(text)]
    spans = [(a, b) for a, b in spans if b > a]
    if not spans:
        return []
    allowed = [m.span() for p in compiled(s.compensation_allowed) for m in p.finditer(text)]
    kept: list[tuple[int, int, str]] = []
    for a, b in sorted(spans, key=lambda x: (x[0], -x[1])):
        inside = any(x <= a and b <= y for x, y in allowed)
        if not inside and (not kept or a >= kept[-1][1]):
            kept.append((a, b, text[a:b]))
    return kept


def compensation(
    messages: Sequence[QAMessage], settings: QASettings | None = None
) -> list[Finding]:
    """``promise.compensation`` on the human agent messages of one session."""
    s = settings or QASettings()
    found = []
    for m in messages:
        if m.speaker is not Speaker.agent:
            continue
        for a, b, matched in compensation_hits(m.text, s):
            found.append(
                Finding(
                    rule=COMPENSATION,
                    category=Category.promise,
                    severity=Severity.high,
                    session_id=m.session_id,
                    message_id=m.message_id,
                    staff_id=m.staff_id,
                    matched=matched,
                    start=a,
                    end=b,
                    detail=f"客服许诺补偿或优惠：「{matched}」",
                )
            )
    return found


def session_findings(
    messages: Sequence[QAMessage], settings: QASettings | None = None
) -> list[Finding]:
    """Filler-then-late, interruption and compensation findings of one session."""
    s = settings or QASettings()
    return [*filler_then_late(messages, s), *interruption(messages, s), *compensation(messages, s)]
