"""The QA page, verdicts (audited), the transcript's highlights, the findings API, and
live messages with an API token."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from shopkpi.web import WebSettings, create_app
from shopkpi.workspace import Workspace
from tests.qa.chats import SESSION_A, put_qa_chats
from tests.web.conftest import Clock, csrf, login


@pytest.fixture
def qa_client(shop: Workspace, clock: Clock) -> Iterator[TestClient]:
    put_qa_chats(shop)
    shop.compute("2026-11", datetime(2026, 11, 20, 12))
    shop.close()
    app = create_app(shop.root, WebSettings(session_seconds=3600, clock=clock))
    with TestClient(app) as c:
        yield c
    app.state.ws.close()


def finding_rows(html: str) -> list[tuple[str, str]]:
    """(finding id, category) of each row of the findings table."""
    return re.findall(r'<tr data-finding="([0-9a-f]+)" data-category="(\w+)">', html)


def staff_of_rows(html: str) -> set[str]:
    body = html[html.index('id="findings"') :]
    return set(re.findall(r'<td><a href="/staff/(\w+)">', body))


def test_each_viewer_sees_only_the_findings_they_may(qa_client: TestClient) -> None:
    login(qa_client, "boss")
    page = qa_client.get("/qa?period=2026-11").text
    assert staff_of_rows(page) == {"s1", "s2"}
    qa_client.cookies.clear()
    login(qa_client, "xm")  # staff s1
    page = qa_client.get("/qa?period=2026-11").text
    assert staff_of_rows(page) == {"s1"}
    assert qa_client.get("/qa?period=2026-11&staff=s2").text.count("<tr data-finding=") == 0
    data = qa_client.get("/api/v1/qa/findings?period=2026-11").json()
    assert {f["staff_id"] for f in data["findings"]} == {"s1"}


def test_a_verdict_is_audited_and_counted_per_rule(qa_client: TestClient) -> None:
    login(qa_client, "sup")  # leads A组: s1 and s2
    page = qa_client.get("/qa?period=2026-11&category=compliance").text
    [(fid, category)] = finding_rows(page)[:1]
    assert category == "compliance"
    token = csrf(qa_client, "/qa?period=2026-11")
    r = qa_client.post(
        f"/qa/findings/{fid}/review",
        data={"csrf_token": token, "verdict": "false_positive", "back": "/qa?period=2026-11"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/qa?period=2026-11"
    ws = qa_client.app.state.ws  # type: ignore[attr-defined]
    [entry] = ws.appdb.audit("qa_finding")
    assert (entry.actor, entry.entity_key, entry.old_value) == ("sup", fid, None)
    assert entry.new_value["verdict"] == "false_positive"
    assert ws.appdb.rule_stats() == {"compliance.absolute": {"confirmed": 0, "false_positive": 1}}
    page = qa_client.get("/qa?period=2026-11").text
    assert (
        '<tr data-rule="compliance.absolute"><td>compliance.absolute</td><td>0</td><td>1</td><td>100%</td></tr>'
        in page
    )
    # The API changes it to confirmed; the audit keeps both.
    api_token = qa_client.get("/api/v1/csrf").json()["csrf_token"]
    r = qa_client.post(f"/api/v1/qa/findings/{fid}/review", json={"verdict": "confirmed"}, headers={"X-CSRF-Token": api_token})  # fmt: skip
    assert r.json() == {"finding_id": fid, "verdict": "confirmed", "reviewer": "sup"}
    assert next(e.old_value for e in ws.appdb.audit("qa_finding")) == {
        "verdict": "false_positive",
        "comment": None,
    }


def test_staff_and_finance_cannot_give_verdicts(qa_client: TestClient) -> None:
    login(qa_client, "boss")
    fid = finding_rows(qa_client.get("/qa?period=2026-11").text)[0][0]
    for user in ("xm", "cfo"):
        qa_client.cookies.clear()
        login(qa_client, user)
        r = qa_client.post(f"/qa/findings/{fid}/review", data={"csrf_token": csrf(qa_client, "/"), "verdict": "confirmed"})  # fmt: skip
        assert r.status_code == 403


def test_the_transcript_highlights_spans_and_draws_the_emotion_curve(qa_client: TestClient) -> None:
    login(qa_client, "boss")
    page = qa_client.get(f"/sessions/{quote(SESSION_A)}").text
    assert re.search(
        r'<mark class="qa compliance" title="[^"]*" data-rule="compliance.absolute">全网最低价</mark>',
        page,
    )
    assert 'data-rule="gaming.filler_then_late"' in page
    assert 'id="chart-emotion"' in page and 'id="evi"' in page


def test_live_messages_need_a_token_and_raise_an_alert(qa_client: TestClient) -> None:
    ws = qa_client.app.state.ws  # type: ignore[attr-defined]
    record, token = ws.appdb.create_token("crm", "messages:write", actor="boss")
    message = {
        "message_id": "live-1", "buyer_nick": "t**9", "account_nick": "示例旗舰店:阿强",
        "direction": "buyer", "sent_at": "2026-11-22 10:00:00", "text": "再不处理我就打12315投诉你们",
    }  # fmt: skip
    body = {"messages": [message]}
    assert qa_client.post("/api/v1/messages", json=body).status_code == 401
    assert qa_client.post("/api/v1/messages", json=body, headers={"Authorization": "Bearer skpi_wrong"}).status_code == 401  # fmt: skip
    login(qa_client, "boss")
    assert (
        qa_client.post("/api/v1/messages", json=body).status_code == 403
    )  # a login is not a token
    r = qa_client.post("/api/v1/messages", json=body, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    [result] = r.json()["results"]
    assert result["session"] == "示例旗舰店:阿强|t**9|2026-11-22 02:00:00"  # UTC
    assert {f["rule"] for f in result["findings"]} >= {"escalation.keyword"}
    assert len(result["alerts"]) >= 1
    [alert] = [a for a in ws.appdb.alerts() if a.id == result["alerts"][0]]
    assert (alert.kind, alert.subject, alert.message_id) == (
        "qa_escalation",
        result["session"],
        "live-1",
    )
    listed = qa_client.get("/api/v1/alerts").json()["alerts"]
    assert listed[0]["message_id"] == "live-1"
    # The same rule in the same session stays quiet for 10 minutes.
    again = {**message, "message_id": "live-2", "sent_at": "2026-11-22 10:01:00"}
    r = qa_client.post("/api/v1/messages", json={"messages": [again]}, headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert r.json()["results"][0]["alerts"] == []
    ws.appdb.revoke_token(record.id, actor="boss")
    r = qa_client.post("/api/v1/messages", json=body, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401
