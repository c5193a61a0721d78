"""Escalation triggers (升级预警): a buyer getting angry, so that a supervisor steps in.

Three rules over one session's messages in time order (Category.escalation):

- ``escalation.keyword``: a buyer message with a threat word (12315, 工商, 消协, 律师, 曝光,
  举报 …: critical), a complaint word (投诉, 差评, 骗子 …: high), or a refund word with anger
  (an anger word in the message, or an emotion score at or below ``escalation_anger_score``:
  high). A word inside an ``escalation_exemptions`` match does not count (怎么删差评,
  不会给差评, 工商银行). One finding per distinct word per message, spanning its first
  occurrence.
- ``escalation.negative_streak`` (high): ``escalation_streak_min`` buyer messages in a row
  labelled negative. Agent, auto and system messages between them do not reset the streak;
  a non-negative buyer message does. Fires once per streak, on the message that completes it.
- ``escalation.rising_wait`` (medium): the buyer keeps waiting longer. Each buyer message
  opens a wait that ends at the next buyer message or at the next human agent message
  (fillers included; auto-replies never end a wait). An agent message ends the unanswered
  run. Fires once per run, on the message that ends the wait, when the last
  ``escalation_wait_count`` waits of the run each grew and the last is longer than
  ``escalation_wait_seconds``.

The emotion analyzer is injected (:data:`EmotionFn`) and called once per buyer message.
:func:`escalations` is the batch form; :class:`LiveEscalation` gives the same findings one
message at a time for the live endpoint.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from typing import NamedTuple

from shopkpi.qa.model import Category, Finding, QAMessage, Severity, Speaker
from shopkpi.qa.settings import QASettings, compiled

EmotionFn = Callable[[str, Speaker], tuple[str, float]]
"""(text, speaker) → (label in negative/neutral/positive, score in [-1, 1])."""

NEGATIVE = "negative"
KEYWORD, STREAK, RISING_WAIT = (
    "escalation.keyword",
    "escalation.negative_streak",
    "escalation.rising_wait",
)


class EmotionPoint(NamedTuple):
    """One point of a session's emotion curve (buyer messages only)."""

    message_id: str
    sent_at: datetime
    score: float


@dataclass(frozen=True)
class KeywordHit:
    """One escalation word in a buyer message (``text[start:end] == matched``)."""

    start: int
    end: int
    matched: str
    severity: Severity
    detail: str


def keyword_hits(text: str, score: float, settings: QASettings) -> list[KeywordHit]:
    """The escalation words of one buyer message whose emotion score is ``score``.

    Each distinct word once, at its first occurrence outside every exemption match; a refund
    word only when the message is angry. Ordered by position.
    """
    s = settings
    exempt: list[tuple[int, int]] | None = None  # computed on the first occurrence found

    def first(word: str) -> int:
        nonlocal exempt
        at = text.find(word)
        while at >= 0:
            if exempt is None:
                exempt = [
                    m.span() for p in compiled(s.escalation_exemptions) for m in p.finditer(text)
                ]
            if not any(a <= at and at + len(word) <= b for a, b in exempt):
                return at
            at = text.find(word, at + 1)
        return -1

    hits = []
    lists = (
        (s.escalation_critical_keywords, Severity.critical, "买家威胁外部投诉或曝光：「{}」"),
        (s.escalation_high_keywords, Severity.high, "买家表示投诉或差评：「{}」"),
    )
    for words, severity, note in lists:
        for word in dict.fromkeys(w for w in words if w):
            at = first(word)
            if at >= 0:
                hits.append(KeywordHit(at, at + len(word), word, severity, note.format(word)))
    hits.extend(_refund_hits(text, score, s, first))
    return sorted(hits, key=lambda h: (h.start, h.end))


def _refund_hits(
    text: str, score: float, s: QASettings, first: Callable[[str], int]
) -> list[KeywordHit]:
    anger = next((w for w in s.escalation_anger_words if w and w in text), None)
    if anger is None and score > s.escalation_anger_score:
        return []
    why = f"「{anger}」" if anger else f"情绪分 {score:.2f}"
    hits = []
    for word in dict.fromkeys(w for w in s.escalation_refund_keywords if w):
        at = first(word)
        if at >= 0:
            detail = f"买家要求「{word}」且情绪激动（{why}）"
            hits.append(KeywordHit(at, at + len(word), word, Severity.high, detail))
    return hits


def keyword_finding(m: QAMessage, hit: KeywordHit) -> Finding:
    return Finding(
        rule=KEYWORD,
        category=Category.escalation,
        severity=hit.severity,
        session_id=m.session_id,
        message_id=m.message_id,
        staff_id=m.staff_id,
        matched=hit.matched,
        start=hit.start,
        end=hit.end,
        detail=hit.detail,
    )


def streak_finding(m: QAMessage, count: int) -> Finding:
    return _whole_message(m, STREAK, Severity.high, f"买家连续 {count} 条负面消息")


def wait_finding(m: QAMessage, waits: Sequence[float]) -> Finding:
    shown = "、".join(f"{w:g}" for w in waits)
    return _whole_message(
        m, RISING_WAIT, Severity.medium, f"买家等待连续 {len(waits)} 次变长：{shown} 秒"
    )


def _whole_message(m: QAMessage, rule: str, severity: Severity, detail: str) -> Finding:
    return Finding(
        rule=rule,
        category=Category.escalation,
        severity=severity,
        session_id=m.session_id,
        message_id=m.message_id,
        staff_id=m.staff_id,
        detail=detail,
    )


def escalations(
    messages: Sequence[QAMessage], emotion: EmotionFn, settings: QASettings | None = None
) -> list[Finding]:
    """Escalation findings of one session (messages in time order), in message order."""
    s = settings or QASettings()
    scored = {m.message_id: emotion(m.text, m.speaker) for m in messages if _is_buyer(m)}
    found: list[tuple[int, int, Finding]] = []
    position = {m.message_id: i for i, m in enumerate(messages)}
    for m in messages:
        if _is_buyer(m):
            for hit in keyword_hits(m.text, scored[m.message_id][1], s):
                found.append((position[m.message_id], 0, keyword_finding(m, hit)))
    for m, count in _streak_ends(messages, scored, s.escalation_streak_min):
        found.append((position[m.message_id], 1, streak_finding(m, count)))
    for m, waits in _rising_waits(messages, s):
        found.append((position[m.message_id], 2, wait_finding(m, waits)))
    found.sort(key=lambda row: (row[0], row[1]))
    return [f for _, _, f in found]


def _is_buyer(m: QAMessage) -> bool:
    return m.speaker is Speaker.buyer


def _streak_ends(
    messages: Sequence[QAMessage], scored: dict[str, tuple[str, float]], need: int
) -> list[tuple[QAMessage, int]]:
    """The buyer messages that complete a run of ``need`` negative buyer messages."""
    buyers = [m for m in messages if _is_buyer(m)]
    negative = [scored[m.message_id][0] == NEGATIVE for m in buyers]
    ends = []
    for i, m in enumerate(buyers):
        start = i - need + 1
        before = start - 1
        run = start >= 0 and all(negative[start : i + 1])
        if run and (before < 0 or not negative[before]):
            ends.append((m, need))
    return ends


def _runs(messages: Sequence[QAMessage]) -> list[tuple[list[QAMessage], QAMessage | None]]:
    """Unanswered runs: consecutive buyer messages and the human message that ends them."""
    runs: list[tuple[list[QAMessage], QAMessage | None]] = []
    current: list[QAMessage] = []
    for m in messages:
        if _is_buyer(m):
            current.append(m)
        elif m.speaker is Speaker.agent and current:
            runs.append((current, m))
            current = []
    if current:
        runs.append((current, None))
    return runs


def _rising_waits(
    messages: Sequence[QAMessage], s: QASettings
) -> list[tuple[QAMessage, list[float]]]:
    """(the message that ends the wait, the rising waits) for each run that fires."""
    fired = []
    for buyers, answer in _runs(messages):
        enders = [*buyers[1:], *([answer] if answer else [])]
        waits = [
            (e.sent_at - b.sent_at).total_seconds() for b, e in zip(buyers, enders, strict=False)
        ]
        for i, wait in enumerate(waits):
            chain = waits[max(0, i - s.escalation_wait_count + 1) : i + 1]
            rising = all(a < b for a, b in pairwise(chain))
            full = len(chain) == s.escalation_wait_count
            if full and rising and wait > s.escalation_wait_seconds:
                fired.append((enders[i], chain))
                break
    return fired


def emotion_curve(messages: Sequence[QAMessage], emotion: EmotionFn) -> list[EmotionPoint]:
    """The buyer's emotion score per buyer message, for the transcript viewer."""
    return [
        EmotionPoint(m.message_id, m.sent_at, emotion(m.text, m.speaker)[1])
        for m in messages
        if _is_buyer(m)
    ]


def recovered(
    messages: Sequence[QAMessage], emotion: EmotionFn, settings: QASettings | None = None
) -> bool:
    """Escalation recovery: the session ends calmer than its worst point.

    Over the buyer's messages, the rolling mean of emotion scores over the last
    ``recovery_window`` messages (fewer at the start) is taken at each message. The session
    has recovered when the rolling mean at its last buyer message is at least
    ``recovery_margin`` above the lowest rolling mean and the lowest window holds a message
    labelled negative. A session that was never negative has nothing to recover from (False).
    """
    s = settings or QASettings()
    rated = [emotion(m.text, m.speaker) for m in messages if _is_buyer(m)]
    if not rated:
        return False
    w = s.recovery_window
    windows = [rated[max(0, i - w + 1) : i + 1] for i in range(len(rated))]
    means = [sum(score for _, score in win) / len(win) for win in windows]
    worst = min(range(len(means)), key=lambda i: means[i])
    fell = any(label == NEGATIVE for label, _ in windows[worst])
    return fell and means[-1] - means[worst] >= s.recovery_margin


@dataclass
class _SessionState:
    """What :class:`LiveEscalation` keeps per open session."""

    streak: int = 0
    pending_at: datetime | None = None  # the last buyer message while the run is unanswered
    waits: tuple[float, ...] = ()  # the run's rising chain so far (at most wait_count)
    fired: bool = False  # the run has raised its rising-wait finding


class LiveEscalation:
    """Escalation findings as messages arrive, the same as :func:`escalations` gives.

    Push each session's messages in time order; constant work per message. Call
    :meth:`close` when a session ends to free its state.
    """

    def __init__(self, emotion: EmotionFn, settings: QASettings | None = None) -> None:
        self._emotion = emotion
        self._s = settings or QASettings()
        self._states: dict[str, _SessionState] = {}

    def __len__(self) -> int:
        return len(self._states)

    def close(self, session_id: str) -> None:
        self._states.pop(session_id, None)

    def push(self, m: QAMessage) -> list[Finding]:
        """The findings that this message raises in its session."""
        state = self._states.setdefault(m.session_id, _SessionState())
        if m.speaker is Speaker.buyer:
            return self._buyer(state, m)
        if m.speaker is Speaker.agent:
            found = self._wait(state, m)
            state.pending_at, state.waits, state.fired = None, (), False
            return found
        return []

    def _buyer(self, state: _SessionState, m: QAMessage) -> list[Finding]:
        label, score = self._emotion(m.text, m.speaker)
        found = [keyword_finding(m, hit) for hit in keyword_hits(m.text, score, self._s)]
        state.streak = state.streak + 1 if label == NEGATIVE else 0
        if state.streak == self._s.escalation_streak_min:
            found.append(streak_finding(m, state.streak))
        found.extend(self._wait(state, m))
        state.pending_at = m.sent_at
        return found

    def _wait(self, state: _SessionState, m: QAMessage) -> list[Finding]:
        if state.pending_at is None:
            return []
        wait = (m.sent_at - state.pending_at).total_seconds()
        grew = bool(state.waits) and wait > state.waits[-1]
        need = self._s.escalation_wait_count
        state.waits = (*state.waits, wait)[-need:] if grew else (wait,)
        ready = len(state.waits) == need and wait > self._s.escalation_wait_seconds
        if ready and not state.fired:
            state.fired = True
            return [wait_finding(m, state.waits)]
        return []
