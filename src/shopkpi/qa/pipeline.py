"""The QA step of ``shopkpi compute``: run every analyzer over the period's chat sessions
and store the results in the warehouse.

Tables (rebuilt on every compute, like the derived tables):

- ``qa_message``: every buyer, agent and auto message with its emotion label and score;
- ``qa_session``: one row per chat session: message counts, negative buyer messages and the
  worst emotion, escalations and whether the session recovered, compliance / promise /
  gaming hits, the warmth index (EVI) and personal forms of address;
- ``qa_finding``: one row per finding (rule, category, severity, matched text and its span
  in the message), with a ``finding_id`` that stays the same over recomputes, so a
  supervisor's verdict (app DB ``qa_review``) keeps pointing at the same finding.

The metric family ``quality`` (``metrics/families/quality.py``) reads them.
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa

from shopkpi.config.models import WorkspaceConfig
from shopkpi.qa import credit, escalation, gaming
from shopkpi.qa.compliance import ComplianceRules
from shopkpi.qa.config import QAConfig
from shopkpi.qa.emotion import Emotion, EmotionAnalyzer, analyzer_for
from shopkpi.qa.evi import evi, warmth_findings
from shopkpi.qa.load import QASession, replace_table, sessions
from shopkpi.qa.model import Category, Finding, QAMessage, Speaker
from shopkpi.qa.settings import QASettings
from shopkpi.warehouse.db import has_table

Progress = Callable[[str, float], None]

MESSAGE_SCHEMA = pa.schema(
    [
        ("shop_id", pa.string()),
        ("session_id", pa.string()),
        ("message_id", pa.string()),
        ("staff_id", pa.string()),
        ("biz_date", pa.date32()),
        ("speaker", pa.string()),
        ("sent_at", pa.timestamp("us")),
        ("emotion", pa.string()),
        ("emotion_score", pa.float64()),
    ]
)
SESSION_SCHEMA = pa.schema(
    [
        ("shop_id", pa.string()),
        ("session_id", pa.string()),
        ("staff_id", pa.string()),
        ("buyer_nick", pa.string()),
        ("biz_date", pa.date32()),
        ("buyer_messages", pa.int64()),
        ("agent_messages", pa.int64()),
        ("negative_messages", pa.int64()),
        ("min_emotion", pa.float64()),
        ("escalations", pa.int64()),
        ("recovered", pa.bool_()),
        ("compliance_hits", pa.int64()),
        ("promise_hits", pa.int64()),
        ("gaming_hits", pa.int64()),
        ("evi", pa.float64()),
        ("evi_polite", pa.float64()),
        ("evi_empathy", pa.float64()),
        ("evi_address", pa.float64()),
        ("evi_emoji", pa.float64()),
        ("personal_address", pa.int64()),
    ]
)
FINDING_SCHEMA = pa.schema(
    [
        ("finding_id", pa.string()),
        ("shop_id", pa.string()),
        ("session_id", pa.string()),
        ("message_id", pa.string()),
        ("staff_id", pa.string()),
        ("biz_date", pa.date32()),
        ("rule", pa.string()),
        ("category", pa.string()),
        ("severity", pa.string()),
        ("matched", pa.string()),
        ("span_start", pa.int64()),
        ("span_end", pa.int64()),
        ("detail", pa.string()),
    ]
)
QA_TABLES = ("qa_message", "qa_session", "qa_finding")


@dataclass
class QAResult:
    sessions: int = 0
    messages: int = 0
    findings: int = 0
    seconds: float = 0.0
    by_category: dict[str, int] = field(default_factory=dict)


def finding_id(f: Finding) -> str:
    """Stable over recomputes: the rule, where it matched, and what."""
    key = f"{f.rule}|{f.session_id}|{f.message_id or ''}|{f.start}|{f.matched}"
    return hashlib.sha1(key.encode()).hexdigest()[:16]


class Analyzers:
    """Every analyzer a QA run needs, loaded once (the live endpoint keeps one too)."""

    def __init__(self, config: WorkspaceConfig, root: Path | None = None) -> None:
        self.settings: QAConfig = config.qa
        self.emotion: EmotionAnalyzer = analyzer_for(
            self.settings.emotion, self.settings.emotion_model_dir
        )
        rules = (root / self.settings.rules_file) if root is not None else None
        path = rules if rules is not None and rules.exists() else None
        self.rules = ComplianceRules.load(path, settings=self.settings)
        # Live messages are checked one by one, without the session-level gaming pass, so
        # their rules include the compensation promises too.
        self.live_rules = ComplianceRules.load(path, settings=self.settings, compensation=True)
        self._cache: dict[tuple[str, Speaker], Emotion] = {}

    def feel(self, text: str, speaker: Speaker) -> Emotion:
        key = (text, speaker)
        found = self._cache.get(key)
        if found is None:
            found = self.emotion.analyze(text, speaker)
            if len(self._cache) < 200_000:
                self._cache[key] = found
        return found

    def emotion_fn(self, text: str, speaker: Speaker) -> tuple[str, float]:
        e = self.feel(text, speaker)
        return e.label, e.score

    def compliance(self, m: QAMessage, *, live: bool = False) -> list[Finding]:
        rules = self.live_rules if live else self.rules
        return rules.check(m) if m.speaker in (Speaker.agent, Speaker.auto) else []


def run_qa(
    con: duckdb.DuckDBPyConnection,
    config: WorkspaceConfig,
    first: date | None,
    last: date | None,
    progress: Progress | None = None,
    analyzers: Analyzers | None = None,
    root: Path | None = None,
) -> QAResult:
    """Analyse the chat sessions of the shop-local days ``first``..``last`` (every day when
    None) and replace the QA tables."""
    started = time.perf_counter()
    report = progress or (lambda stage, fraction: None)
    result = QAResult()
    if first is None or last is None or not config.qa.enabled:
        write_tables(con, [], [], [])
        return result
    a = analyzers or Analyzers(config, root)
    s = a.settings
    messages: list[dict[str, object]] = []
    session_rows: list[dict[str, object]] = []
    findings: list[tuple[Finding, str, date]] = []
    templates: dict[tuple[str, date], dict[str, list[str]]] = defaultdict(dict)
    by_buyer: dict[tuple[str, str], list[QASession]] = defaultdict(list)
    report("质检：逐会话分析", 0.0)
    for qs in sessions(con, config, first, last):
        result.sessions += 1
        result.messages += len(qs.messages)
        session_findings = analyse_session(qs, a, messages, session_rows)
        findings.extend((f, qs.shop_id, qs.biz_date) for f in session_findings)
        if qs.staff_id is not None:
            texts = [m.text for m in qs.messages if m.speaker is Speaker.agent]
            if texts:
                templates[(qs.staff_id, qs.biz_date)][qs.session_id] = texts
        by_buyer[(qs.shop_id, qs.buyer_nick)].append(qs)
    report("质检：模板化与抢单冒领", 0.8)
    shop_of = {sid: (shop, day) for (shop, sid, day) in _session_keys(session_rows)}
    for (staff, day), per_session in templates.items():
        for f in gaming.template_findings(staff, per_session, s):
            shop, _ = shop_of.get(f.session_id, ("", day))
            findings.append((f, shop, day))
    for f, shop, day in credit_signals(con, first, last, by_buyer, s):
        findings.append((f, shop, day))
    _count_hits(session_rows, findings)
    finding_rows = [_finding_row(f, shop, day) for f, shop, day in findings]
    write_tables(con, messages, session_rows, finding_rows)
    result.findings = len(finding_rows)
    for f, _, _ in findings:
        result.by_category[f.category.value] = result.by_category.get(f.category.value, 0) + 1
    result.seconds = time.perf_counter() - started
    return result


def analyse_session(
    qs: QASession,
    a: Analyzers,
    message_rows: list[dict[str, object]],
    session_rows: list[dict[str, object]],
) -> list[Finding]:
    """Every per-session analyzer over one session; appends its message and session rows."""
    s = a.settings
    msgs = qs.messages
    negative, worst, buyers, agents = 0, 0.0, 0, 0
    for m in msgs:
        e = a.feel(m.text, m.speaker)
        message_rows.append(
            {
                "shop_id": qs.shop_id, "session_id": qs.session_id, "message_id": m.message_id,
                "staff_id": qs.staff_id, "biz_date": qs.biz_date, "speaker": m.speaker.value,
                "sent_at": m.sent_at, "emotion": e.label, "emotion_score": e.score,
            }
        )  # fmt: skip
        if m.speaker is Speaker.buyer:
            buyers += 1
            worst = min(worst, e.score)
            negative += e.label == "negative"
        elif m.speaker is Speaker.agent:
            agents += 1
    found = escalation.escalations(msgs, a.emotion_fn, s)
    recovered = bool(found) and escalation.recovered(msgs, a.emotion_fn, s)
    for m in msgs:
        found.extend(a.compliance(m))
    found.extend(gaming.session_findings(msgs, s))
    agent_msgs = [m for m in msgs if m.speaker is Speaker.agent]
    warmth = evi(agent_msgs, buyer_name=qs.buyer_nick)
    if agent_msgs:
        found.extend(warmth_findings(agent_msgs, warmth, s.min_evi, s.min_personal_address))
    session_rows.append(
        {
            "shop_id": qs.shop_id, "session_id": qs.session_id, "staff_id": qs.staff_id,
            "buyer_nick": qs.buyer_nick, "biz_date": qs.biz_date, "buyer_messages": buyers,
            "agent_messages": agents, "negative_messages": negative, "min_emotion": worst,
            "escalations": 0, "recovered": recovered, "compliance_hits": 0, "promise_hits": 0,
            "gaming_hits": 0, "evi": float(warmth.total) if agents else 0.0,
            "evi_polite": float(warmth.polite.score), "evi_empathy": float(warmth.empathy.score),
            "evi_address": float(warmth.address.score), "evi_emoji": float(warmth.emoji.score),
            "personal_address": warmth.personal_address_count,
        }
    )  # fmt: skip
    return found


def credit_signals(
    con: duckdb.DuckDBPyConnection,
    first: date,
    last: date,
    by_buyer: dict[tuple[str, str], list[QASession]],
    settings: QASettings,
) -> Iterable[tuple[Finding, str, date]]:
    """抢单 / 冒领 / 改单 on the credited orders created in the period."""
    rows = con.execute(
        """WITH lines AS (
    SELECT shop_id, order_id, sum(price * qty) AS list_amount
    FROM order_line WHERE price IS NOT NULL AND qty IS NOT NULL GROUP BY shop_id, order_id
)
SELECT c.shop_id, c.order_id, c.buyer_nick, c.created_at, c.paid_at, o.goods_amount,
       l.list_amount, o.campaign_id, c.credited_staff_id, c.rule, c.biz_date
FROM order_credit AS c
JOIN orders AS o ON o.shop_id = c.shop_id AND o.order_id = c.order_id
LEFT JOIN lines AS l ON l.shop_id = c.shop_id AND l.order_id = c.order_id
WHERE c.credited_staff_id IS NOT NULL AND c.biz_date BETWEEN ? AND ?
ORDER BY c.shop_id, c.order_id""",
        [first, last],
    ).fetchall()
    for shop, order_id, buyer, created, paid, goods, listed, campaign, staff, rule, day in rows:
        order = credit.OrderFact(
            str(order_id), str(buyer), created, paid,
            Decimal(goods) if goods is not None else Decimal(0),
            Decimal(listed) if listed is not None else None,
            None if campaign is None else str(campaign), str(staff), str(rule),
        )  # fmt: skip
        window = [
            m
            for qs in by_buyer.get((str(shop), str(buyer)), [])
            if day - timedelta(days=1) <= qs.biz_date <= day
            for m in qs.messages
        ]
        contact = (
            credit.contact_from_messages(str(staff), str(buyer), window, settings)
            if window
            else None
        )
        for f in credit.credit_findings(
            [order], {(str(staff), str(buyer)): contact} if contact else {}, settings
        ):
            yield f, str(shop), day


def _session_keys(rows: Sequence[dict[str, object]]) -> Iterable[tuple[str, str, date]]:
    for r in rows:
        yield str(r["shop_id"]), str(r["session_id"]), r["biz_date"]  # type: ignore[misc]


def _count_hits(
    session_rows: list[dict[str, object]], findings: list[tuple[Finding, str, date]]
) -> None:
    column = {
        Category.escalation: "escalations",
        Category.compliance: "compliance_hits",
        Category.promise: "promise_hits",
        Category.gaming: "gaming_hits",
    }
    index = {str(r["session_id"]): r for r in session_rows}
    for f, _, _ in findings:
        name = column.get(f.category)
        row = index.get(f.session_id)
        if name is not None and row is not None:
            row[name] = int(row[name]) + 1  # type: ignore[call-overload]


def _finding_row(f: Finding, shop: str, day: date) -> dict[str, object]:
    return {
        "finding_id": finding_id(f), "shop_id": shop, "session_id": f.session_id,
        "message_id": f.message_id, "staff_id": f.staff_id, "biz_date": day, "rule": f.rule,
        "category": f.category.value, "severity": f.severity.value, "matched": f.matched,
        "span_start": f.start, "span_end": f.end, "detail": f.detail,
    }  # fmt: skip


def write_tables(
    con: duckdb.DuckDBPyConnection,
    messages: list[dict[str, object]],
    session_rows: list[dict[str, object]],
    finding_rows: list[dict[str, object]],
) -> None:
    """Replace the three QA tables (empty tables when there is nothing)."""
    replace_table(con, "qa_message", pa.Table.from_pylist(messages, MESSAGE_SCHEMA))
    replace_table(con, "qa_session", pa.Table.from_pylist(session_rows, SESSION_SCHEMA))
    replace_table(con, "qa_finding", pa.Table.from_pylist(finding_rows, FINDING_SCHEMA))


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the QA tables empty unless they exist (metrics read them)."""
    if not all(has_table(con, name) for name in QA_TABLES):
        write_tables(con, [], [], [])
