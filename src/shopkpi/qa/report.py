"""Read the QA tables: findings with filters, a period's summary, a session's QA view."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import duckdb

from shopkpi.errors import ShopkpiError
from shopkpi.qa.model import CATEGORY_LABELS, SEVERITY_LABELS, Category, Severity
from shopkpi.warehouse.db import has_table

SEVERITY_ORDER = (
    "CASE severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END"
)


class QANotComputed(ShopkpiError):
    """The QA tables do not exist yet (``shopkpi compute`` makes them)."""


@dataclass(frozen=True)
class FindingRow:
    finding_id: str
    shop_id: str
    session_id: str
    message_id: str | None
    staff_id: str | None
    biz_date: date
    rule: str
    category: str
    severity: str
    matched: str
    span_start: int | None
    span_end: int | None
    detail: str
    text: str | None = None  # the message's text, when the finding is on a message
    sent_at: datetime | None = None

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS.get(Category(self.category), self.category)

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS.get(Severity(self.severity), self.severity)

    def as_json(self) -> dict[str, Any]:
        return {
            "finding_id": self.finding_id,
            "shop_id": self.shop_id,
            "session_id": self.session_id,
            "message_id": self.message_id,
            "staff_id": self.staff_id,
            "biz_date": self.biz_date.isoformat(),
            "rule": self.rule,
            "category": self.category,
            "severity": self.severity,
            "matched": self.matched,
            "span": None if self.span_start is None else [self.span_start, self.span_end],
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Filters:
    staff: frozenset[str] | None = None  # None: everyone
    category: str | None = None
    severity: str | None = None
    rule: str | None = None
    session_id: str | None = None


@dataclass
class Summary:
    first: date
    last: date
    sessions: int
    messages: int
    buyer_messages: int
    negative_sessions: int
    escalated_sessions: int
    recovered_sessions: int
    agent_messages: int
    violations: int
    evi_sessions: int
    evi_sum: float
    by_category: dict[str, int] = field(default_factory=dict)
    by_severity: dict[str, int] = field(default_factory=dict)
    by_rule: dict[str, int] = field(default_factory=dict)

    @property
    def evi_avg(self) -> float | None:
        return self.evi_sum / self.evi_sessions if self.evi_sessions else None


def computed(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether compute has made the QA tables yet."""
    return has_table(con, "qa_finding")


def _require(con: duckdb.DuckDBPyConnection) -> None:
    if not computed(con):
        raise QANotComputed("还没有质检结果：先运行 shopkpi compute（质检随指标一起计算）")


def findings(
    con: duckdb.DuckDBPyConnection,
    first: date,
    last: date,
    filters: Filters | None = None,
    limit: int | None = 500,
) -> list[FindingRow]:
    """Findings of the days ``first``..``last``, most severe first."""
    _require(con)
    f = filters or Filters()
    where: list[str] = ["f.biz_date BETWEEN ? AND ?"]
    params: list[object] = [first, last]
    if f.staff is not None:
        if not f.staff:
            return []
        where.append(f"f.staff_id IN ({', '.join('?' for _ in f.staff)})")
        params.extend(sorted(f.staff))
    for column, value in (
        ("category", f.category), ("severity", f.severity), ("rule", f.rule),
        ("session_id", f.session_id),
    ):  # fmt: skip
        if value:
            where.append(f"f.{column} = ?")
            params.append(value)
    sql = f"""SELECT f.finding_id, f.shop_id, f.session_id, f.message_id, f.staff_id, f.biz_date,
       f.rule, f.category, f.severity, f.matched, f.span_start, f.span_end, f.detail,
       m.text, m.sent_at
FROM qa_finding AS f
LEFT JOIN chat_message AS m ON m.shop_id = f.shop_id AND m.message_id = f.message_id
WHERE {" AND ".join(where)}
ORDER BY {SEVERITY_ORDER.replace("severity", "f.severity")} DESC, f.biz_date DESC, f.session_id,
         m.sent_at, f.rule, f.finding_id"""
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [FindingRow(*r) for r in con.execute(sql, params).fetchall()]


def finding(con: duckdb.DuckDBPyConnection, finding_id: str) -> FindingRow | None:
    _require(con)
    rows = con.execute(
        """SELECT f.finding_id, f.shop_id, f.session_id, f.message_id, f.staff_id, f.biz_date,
       f.rule, f.category, f.severity, f.matched, f.span_start, f.span_end, f.detail,
       m.text, m.sent_at
FROM qa_finding AS f
LEFT JOIN chat_message AS m ON m.shop_id = f.shop_id AND m.message_id = f.message_id
WHERE f.finding_id = ?""",
        [finding_id],
    ).fetchall()
    return FindingRow(*rows[0]) if rows else None


def summary(
    con: duckdb.DuckDBPyConnection, first: date, last: date, staff: frozenset[str] | None = None
) -> Summary:
    """Counts over the period (``staff``: only these people's sessions and findings)."""
    _require(con)
    who = ""
    params: list[object] = [first, last]
    if staff is not None:
        who = f" AND staff_id IN ({', '.join('?' for _ in staff) or 'NULL'})"
        params.extend(sorted(staff))
    row = con.execute(
        f"""SELECT count(*), coalesce(sum(buyer_messages + agent_messages), 0),
       coalesce(sum(buyer_messages), 0), count(*) FILTER (negative_messages > 0),
       count(*) FILTER (escalations > 0), count(*) FILTER (escalations > 0 AND recovered),
       coalesce(sum(agent_messages), 0), coalesce(sum(compliance_hits + promise_hits), 0),
       count(*) FILTER (agent_messages > 0),
       coalesce(sum(evi) FILTER (agent_messages > 0), 0)
FROM qa_session WHERE biz_date BETWEEN ? AND ?{who}""",
        params,
    ).fetchall()[0]
    n = [int(v) for v in row[:9]]
    result = Summary(
        first, last, sessions=n[0], messages=n[1], buyer_messages=n[2], negative_sessions=n[3],
        escalated_sessions=n[4], recovered_sessions=n[5], agent_messages=n[6], violations=n[7],
        evi_sessions=n[8], evi_sum=float(row[9]),
    )  # fmt: skip
    for column, target in (
        ("category", result.by_category), ("severity", result.by_severity), ("rule", result.by_rule),
    ):  # fmt: skip
        for key, count in con.execute(
            f"""SELECT {column}, count(*) FROM qa_finding WHERE biz_date BETWEEN ? AND ?{who}
                GROUP BY {column} ORDER BY count(*) DESC, {column}""",
            params,
        ).fetchall():
            target[str(key)] = int(count)
    return result


def message_emotions(
    con: duckdb.DuckDBPyConnection,
    first: date,
    last: date,
    staff: frozenset[str] | None = None,
    session_id: str | None = None,
) -> list[dict[str, Any]]:
    """Every analysed message's emotion (label and score), in session and time order."""
    _require(con)
    where: list[str] = ["biz_date BETWEEN ? AND ?"]
    params: list[object] = [first, last]
    if staff is not None:
        where.append(f"staff_id IN ({', '.join('?' for _ in staff) or 'NULL'})")
        params.extend(sorted(staff))
    if session_id is not None:
        where.append("session_id = ?")
        params.append(session_id)
    rows = con.execute(
        f"""SELECT message_id, session_id, staff_id, speaker, sent_at, emotion, emotion_score
            FROM qa_message WHERE {" AND ".join(where)}
            ORDER BY session_id, sent_at, message_id""",
        params,
    ).fetchall()
    keys = ("message_id", "session_id", "staff_id", "speaker", "sent_at", "emotion", "score")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def session_row(con: duckdb.DuckDBPyConnection, session_id: str) -> dict[str, Any] | None:
    """The ``qa_session`` row of a session (EVI and its parts, counts), or None."""
    if not computed(con):
        return None
    cursor = con.execute("SELECT * FROM qa_session WHERE session_id = ?", [session_id])
    names = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    return dict(zip(names, rows[0], strict=True)) if rows else None
