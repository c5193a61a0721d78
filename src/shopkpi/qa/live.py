"""Live escalation (实时升级预警): evaluate chat messages as they happen.

Shops that can stream from their own tooling post messages to ``POST /api/v1/messages``.
Each message is placed in a live session (same shop, account and buyer; a gap of more than
``session.idle_minutes`` starts a new one, as in the derivations), checked at once by the
incremental escalation evaluator and, for the shop's own words, by the compliance rules,
and every escalation raises an alert for the supervisor of the agent's team. An alert for
the same session and rule is raised once per ``alert_quiet_minutes`` (default 10).

State lives in memory (sessions idle for longer than the idle time are dropped); the
alerts are recorded in the app DB, where the QA page shows them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from shopkpi.config.models import WorkspaceConfig
from shopkpi.qa.escalation import LiveEscalation
from shopkpi.qa.model import Category, Finding, QAMessage, Speaker
from shopkpi.qa.pipeline import Analyzers, finding_id

StaffLookup = Callable[[str, str, datetime], tuple[str | None, str | None]]
AlertSink = Callable[..., Any]


@dataclass(frozen=True)
class LiveMessage:
    """One posted message (``sent_at`` naive UTC)."""

    message_id: str
    shop_id: str
    buyer_nick: str
    account_nick: str
    direction: str  # buyer | agent | auto | system
    sent_at: datetime
    text: str
    staff_id: str | None = None


@dataclass
class _Live:
    session_id: str
    last_at: datetime
    staff_id: str | None
    team: str | None


@dataclass(frozen=True)
class LiveOutcome:
    message_id: str
    session_id: str
    staff_id: str | None
    findings: list[Finding]
    alerts: list[int]


class LiveQA:
    """The server's live evaluator: one per app, thread-safe."""

    def __init__(
        self,
        config: WorkspaceConfig,
        analyzers: Analyzers,
        lookup: StaffLookup,
        alert: AlertSink,
        alert_quiet_minutes: int = 10,
    ) -> None:
        self.config = config
        self.analyzers = analyzers
        self.lookup = lookup
        self.alert = alert
        self.idle = timedelta(minutes=config.session.idle_minutes)
        self.quiet = timedelta(minutes=alert_quiet_minutes)
        self.escalation = LiveEscalation(analyzers.emotion_fn, analyzers.settings)
        self._sessions: dict[tuple[str, str, str], _Live] = {}
        self._alerted: dict[tuple[str, str], datetime] = {}
        self._lock = threading.Lock()
        s = config.session
        self._auto_prefixes = tuple(p for p in s.auto_reply_prefixes if p)
        self._auto_senders = frozenset(s.auto_reply_senders)

    def push(self, m: LiveMessage) -> LiveOutcome:
        """Evaluate one message; alerts are recorded before this returns."""
        with self._lock:
            live = self._session(m)
            speaker = self._speaker(m)
            if speaker is Speaker.system:
                return LiveOutcome(m.message_id, live.session_id, live.staff_id, [], [])
            if speaker is not Speaker.buyer and m.staff_id:
                live.staff_id = m.staff_id
            qm = QAMessage(
                m.message_id, live.session_id, live.staff_id, speaker, m.sent_at, m.text,
                is_filler=False,
            )  # fmt: skip
            found = self.escalation.push(qm)
            found.extend(self.analyzers.compliance(qm, live=True))
            alerts = [a for f in found if (a := self._raise(f, m, live)) is not None]
            self._forget(m.sent_at)
            return LiveOutcome(m.message_id, live.session_id, live.staff_id, found, alerts)

    def _session(self, m: LiveMessage) -> _Live:
        key = (m.shop_id, m.account_nick, m.buyer_nick)
        live = self._sessions.get(key)
        if live is None or m.sent_at - live.last_at > self.idle:
            if live is not None:
                self.escalation.close(live.session_id)
            staff, team = self.lookup(m.shop_id, m.account_nick, m.sent_at)
            sid = f"{m.account_nick}|{m.buyer_nick}|{m.sent_at:%Y-%m-%d %H:%M:%S}"
            live = _Live(sid, m.sent_at, m.staff_id or staff, team)
            self._sessions[key] = live
        live.last_at = max(live.last_at, m.sent_at)
        return live

    def _speaker(self, m: LiveMessage) -> Speaker:
        if m.direction == "agent" and (
            m.account_nick in self._auto_senders or m.text.startswith(self._auto_prefixes)
        ):
            return Speaker.auto
        return Speaker(m.direction)

    def _raise(self, f: Finding, m: LiveMessage, live: _Live) -> int | None:
        if f.category is not Category.escalation:
            return None
        key = (live.session_id, f.rule)
        last = self._alerted.get(key)
        if last is not None and m.sent_at - last < self.quiet:
            return None
        self._alerted[key] = m.sent_at
        title = f"升级预警：买家 {m.buyer_nick} ↔ {m.account_nick}（{f.detail or f.rule}）"
        record = self.alert(
            kind="qa_escalation", rule=f.rule, severity=f.severity.value, shop_id=m.shop_id,
            staff_id=live.staff_id, team=live.team, subject=live.session_id,
            message_id=m.message_id, title=title[:256],
            detail={"text": m.text, "matched": f.matched, "detail": f.detail,
                    "finding_id": finding_id(f), "sent_at": m.sent_at.isoformat(sep=" ")},
        )  # fmt: skip
        return int(record.id)

    def _forget(self, now: datetime) -> None:
        """Drop sessions idle for longer than the idle time (and their alert marks)."""
        if len(self._sessions) < 5000:
            return
        stale = [k for k, v in self._sessions.items() if now - v.last_at > self.idle]
        for key in stale:
            self.escalation.close(self._sessions.pop(key).session_id)
        cutoff = now - self.quiet
        self._alerted = {k: t for k, t in self._alerted.items() if t >= cutoff}


def utc_naive(value: datetime, tz: str) -> datetime:
    """A posted time as naive UTC (a naive time is the shop's local time)."""
    from zoneinfo import ZoneInfo

    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(tz))
    return value.astimezone(UTC).replace(tzinfo=None)


def elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
