"""The QA step of compute: qa_message, qa_session and qa_finding on hand-written chats,
stable finding ids, and the quality metrics."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from shopkpi.qa import report
from shopkpi.workspace import Workspace
from tests.qa.chats import SESSION_A, SESSION_B, put_qa_chats

AS_OF = datetime(2026, 11, 20, 12)


def computed(ws: Workspace) -> Workspace:
    put_qa_chats(ws)
    ws.compute("2026-11", AS_OF)
    return ws


def rows(ws: Workspace, sql: str) -> list[tuple[object, ...]]:
    return ws.warehouse.con.execute(sql).fetchall()


def test_every_message_gets_an_emotion_and_every_session_a_row(ws: Workspace) -> None:
    computed(ws)
    assert rows(ws, "SELECT count(*), count(emotion) FROM qa_message") == [(9, 9)]
    sessions = rows(
        ws,
        """SELECT session_id, staff_id, buyer_messages, agent_messages FROM qa_session
           ORDER BY session_id""",
    )
    assert sessions == [(SESSION_A, "s1", 2, 2), (SESSION_B, "s2", 4, 1)]


def test_the_planted_cases_are_found_with_exact_spans(ws: Workspace) -> None:
    computed(ws)
    found = {
        (r.rule, r.message_id, r.matched, r.span_start, r.span_end)
        for r in report.findings(
            ws.warehouse.con, AS_OF.date().replace(day=1), AS_OF.date(), None, None
        )
    }
    # 全网最低价 is characters 7–11 of "有货的亲，这是全网最低价，保证有效".
    assert ("compliance.absolute", "a3", "全网最低价", 7, 12) in found
    assert any(
        rule.startswith("promise.") and mid == "a3" and "保证有效" in m
        for rule, mid, m, _, _ in found
    )
    assert ("gaming.filler_then_late", "a2") in {(rule, mid) for rule, mid, _, _, _ in found}
    keywords = {(mid, m) for rule, mid, m, _, _ in found if rule == "escalation.keyword"}
    assert {("b2", "投诉"), ("b3", "12315")} <= keywords
    severities = dict(
        rows(ws, "SELECT matched, severity FROM qa_finding WHERE rule = 'escalation.keyword'")
    )
    assert severities["12315"] == "critical" and severities["投诉"] == "high"


def test_finding_ids_are_stable_over_recomputes(ws: Workspace) -> None:
    computed(ws)
    before = rows(ws, "SELECT finding_id, rule FROM qa_finding ORDER BY finding_id")
    ws.compute("2026-11", AS_OF)
    assert rows(ws, "SELECT finding_id, rule FROM qa_finding ORDER BY finding_id") == before
    assert len(before) == len({f for f, _ in before})


def test_quality_metrics_aggregate_over_sessions(ws: Workspace) -> None:
    computed(ws)
    values = dict(
        rows(
            ws,
            """SELECT metric_id, value FROM metric_value
               WHERE entity_kind = 'shop' AND grain = 'month' AND period = '2026-11'
                 AND metric_id IN ('escalations', 'compliance_violations_per_100')""",
        )
    )
    assert values["escalations"] == Decimal(1)  # session B
    hits = rows(
        ws, "SELECT sum(compliance_hits + promise_hits), sum(agent_messages) FROM qa_session"
    )
    # 全网最低价 and 保证有效 in three human agent messages: 100 × 2 / 3.
    assert hits == [(2, 3)]
    assert values["compliance_violations_per_100"] == Decimal("66.666667")
