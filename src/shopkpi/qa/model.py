"""The data the QA analyzers read and write (plain dataclasses, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Speaker(StrEnum):
    """Who sent a message, as the QA analyzers see it."""

    buyer = "buyer"
    agent = "agent"  # a human agent
    auto = "auto"  # an auto-reply / robot (never counts as the agent's own words)
    system = "system"  # transfers and other platform notices


class Category(StrEnum):
    emotion = "emotion"  # negative emotion of the buyer
    escalation = "escalation"  # a buyer getting angry: a supervisor should step in
    compliance = "compliance"  # 广告法 words and the shop's own forbidden words
    promise = "promise"  # promises and guarantees the shop cannot keep, compensation
    warmth = "warmth"  # EVI below the shop's bar
    gaming = "gaming"  # metric gaming: filler then late answer, interruption, templates
    credit = "credit"  # credit grabbing: 抢单, 冒领, 改单 (manual price change)


class Severity(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


SEVERITY_RANK = {Severity.low: 1, Severity.medium: 2, Severity.high: 3, Severity.critical: 4}
CATEGORY_LABELS = {
    Category.emotion: "负面情绪",
    Category.escalation: "升级预警",
    Category.compliance: "违规用语",
    Category.promise: "违规承诺",
    Category.warmth: "温度不足",
    Category.gaming: "刷指标",
    Category.credit: "抢单冒领",
}
SEVERITY_LABELS = {
    Severity.low: "低",
    Severity.medium: "中",
    Severity.high: "高",
    Severity.critical: "严重",
}


@dataclass(frozen=True)
class QAMessage:
    """One chat message of a session, in time order within its session."""

    message_id: str
    session_id: str
    staff_id: str | None  # the agent of the session (also on buyer messages)
    speaker: Speaker
    sent_at: datetime  # UTC, naive
    text: str
    is_filler: bool = False  # a human "在的/亲稍等" message (session.filler_phrases)


@dataclass(frozen=True)
class Finding:
    """One QA finding: a rule that matched a message (or a whole session).

    ``start``/``end`` are character offsets of ``matched`` in the message text
    (``text[start:end] == matched``); None for session-level findings.
    """

    rule: str  # stable id, e.g. "compliance.absolute", "gaming.filler_then_late"
    category: Category
    severity: Severity
    session_id: str
    message_id: str | None
    staff_id: str | None
    matched: str = ""
    start: int | None = None
    end: int | None = None
    detail: str = ""  # one line in Chinese: why it matched
