"""The ratings entry form: rubric fields, Chinese validation next to the field, audit rows,
and who may rate whom (s1, s2 in A组 led by sup's b1; s3 in B组)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.web.manage_helpers import as_user, cells

RESP = "score__attitude.responsibility"
RESP_COMMENT = "comment__attitude.responsibility"


def post(client: TestClient, token: str, staff: str, **fields: str) -> object:
    data = {"csrf_token": token, "staff_id": staff, "period": "2026-11", **fields}
    return client.post("/ratings", data=data, follow_redirects=False)


def test_form_shows_every_criterion_with_its_rubric(client: TestClient) -> None:
    as_user(client, "sup")
    html = client.get("/ratings?period=2026-11&staff=s2").text
    rows = re.findall(r'<tr data-criterion="([\w.]+)">', html)
    assert rows == [
        "attitude.responsibility", "attitude.initiative", "attitude.teamwork",
        "attitude.discipline", "ability.product_knowledge", "ability.coordination",
        "ability.communication", "ability.learning",
    ]  # fmt: skip
    assert f'name="{RESP}" value="70.00"' in html  # the stored rating, prefilled
    assert "≥90 优秀：持续超出要求，可作为他人榜样" in html
    assert "对买家问题跟进到底，不推诿" in html


def test_saving_writes_ratings_audit_and_the_score(client: TestClient) -> None:
    token = as_user(client, "sup")
    fields = {RESP: "85", RESP_COMMENT: "跟进认真", "score__ability.learning": "77.5"}
    r = post(client, token, "s2", **fields)
    assert r.status_code == 303  # type: ignore[attr-defined]
    assert r.headers["location"] == "/ratings?period=2026-11&staff=s2&saved=2"  # type: ignore[attr-defined]
    html = client.get("/ratings?period=2026-11").text
    assert [c[:6] for c in cells(html, "ratings")] == [
        ["s1", "小美", "态度.责任心", "90.00", "", "王主管"],
        ["s2", "阿强", "能力.学习能力", "77.50", "", "sup"],
        ["s2", "阿强", "态度.责任心", "85.00", "跟进认真", "sup"],
    ]
    as_user(client, "boss")
    entries = client.get("/api/v1/audit?kind=rating").json()["entries"]
    assert [e["entity_key"] for e in entries] == [
        "s2/2026-11/ability.learning",  # newest first
        "s2/2026-11/attitude.responsibility",
        "s2/2026-11/attitude.responsibility",
        "s1/2026-11/attitude.responsibility",
    ]
    row = entries[1]
    assert (row["actor"], row["action"], row["reason"]) == ("sup", "update", "网页录入")
    assert row["old_value"] == {"score": "70.00", "comment": None, "rater": "王主管"}
    assert row["new_value"] == {"score": "85.00", "comment": "跟进认真", "rater": "sup"}
    # 态度 85 × 100% × 20% = 17.00 (was 70 → 14.00); s2's other items score 0.
    assert client.get("/api/v1/scorecards/s2").json()["scorecard"]["total"] == "17.00"


@pytest.mark.parametrize(
    ("score", "message"),
    [
        ("120", "分数 120 超出 0–100：请填写 0 到 100 之间的分数，最多两位小数"),
        ("87.555", "分数 87.555 超过两位小数：请填写 0 到 100 之间的分数，最多两位小数"),
        ("优秀", "分数「优秀」不是数字：请填写 0 到 100 之间的分数，最多两位小数"),
    ],
)
def test_bad_scores_are_shown_next_to_the_field_and_nothing_is_saved(
    client: TestClient, score: str, message: str
) -> None:
    token = as_user(client, "boss")
    r = post(client, token, "s1", **{RESP: score, "score__ability.learning": "80"})
    assert r.status_code == 422  # type: ignore[attr-defined]
    row = r.text[r.text.index('<tr data-criterion="attitude.responsibility">') :]  # type: ignore[attr-defined]
    row = row.split("</tr>")[0]
    assert f'<div class="error field-error">{message}</div>' in row
    assert f'value="{score}"' in row  # what was typed stays in the field
    scores = {(x["staff_id"], x["criterion"]): x["score"] for x in client.get("/api/v1/ratings?period=2026-11").json()["ratings"]}  # fmt: skip
    assert scores == {("s1", "attitude.responsibility"): "90.00", ("s2", "attitude.responsibility"): "70.00"}  # fmt: skip


@pytest.mark.parametrize(
    ("user", "staff"),
    [("sup", "s3"), ("sup", "b1"), ("xm", "s1"), ("aq", "s1"), ("cfo", "s1")],
)
def test_who_may_not_rate(client: TestClient, user: str, staff: str) -> None:
    token = as_user(client, user)
    r = post(client, token, staff, **{RESP: "60"})
    assert r.status_code == 403  # type: ignore[attr-defined]
    assert "无权为该员工录入评分" in r.text  # type: ignore[attr-defined]
    api = client.post(
        "/api/v1/ratings",
        json={"staff_id": staff, "period": "2026-11", "criterion": "责任心", "score": "60"},
        headers={"X-CSRF-Token": token},
    )
    assert api.status_code == 403


def test_form_post_needs_the_csrf_token(client: TestClient) -> None:
    as_user(client, "boss")
    r = post(client, "forged", "s1", **{RESP: "60"})
    assert r.status_code == 403  # type: ignore[attr-defined]


def test_staff_see_only_their_own_ratings_and_no_form(client: TestClient) -> None:
    as_user(client, "xm")
    html = client.get("/ratings?period=2026-11&staff=s2").text
    assert [c[:4] for c in cells(html, "ratings")] == [["s1", "小美", "态度.责任心", "90.00"]]
    assert 'id="rating-form"' not in html
    body = client.get("/api/v1/ratings?period=2026-11").json()
    assert [(r["staff_id"], r["score"]) for r in body["ratings"]] == [("s1", "90.00")]


def test_api_rating_needs_csrf_header_and_validates(client: TestClient) -> None:
    token = as_user(client, "sup")
    body = {"staff_id": "s1", "period": "2026年11月", "criterion": "态度.主动性", "score": 88}
    assert client.post("/api/v1/ratings", json=body).status_code == 403
    ok = client.post("/api/v1/ratings", json=body, headers={"X-CSRF-Token": token})
    assert ok.json() == {"outcome": "created"}
    again = client.post("/api/v1/ratings", json=body, headers={"X-CSRF-Token": token})
    assert again.json() == {"outcome": "unchanged"}
    bad = client.post(
        "/api/v1/ratings", json={**body, "score": "101"}, headers={"X-CSRF-Token": token}
    )
    assert bad.status_code == 422
    assert bad.json()["detail"] == "分数 101 超出 0–100：请给 0 到 100 之间的分数，最多两位小数"
    client.cookies.clear()
    assert client.post("/api/v1/ratings", json=body).status_code == 401
