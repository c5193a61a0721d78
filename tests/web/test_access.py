"""Who sees whose scorecard: staff only themselves, supervisors their team, finance all."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import login

# (user, staff id) → allowed; s1, s2 are in A组 (led by sup's b1), s3 in B组.
MATRIX = [
    ("xm", "s1", True),
    ("xm", "s2", False),
    ("aq", "s2", True),
    ("aq", "s1", False),
    ("aq", "s3", False),
    ("sup", "s1", True),
    ("sup", "s3", False),
    ("cfo", "s1", True),
    ("cfo", "s2", True),
    ("boss", "s2", True),
]


@pytest.mark.parametrize(("user", "staff", "allowed"), MATRIX)
def test_scorecard_page_and_api(client: TestClient, user: str, staff: str, allowed: bool) -> None:
    assert login(client, user) == 303
    page = client.get(f"/staff/{staff}")
    api = client.get(f"/api/v1/scorecards/{staff}")
    if allowed:
        assert (page.status_code, api.status_code) == (200, 200)
        assert api.json()["scorecard"]["staff_id"] == staff
    else:
        assert (page.status_code, api.status_code) == (403, 403)
        assert "total" not in api.text
        assert "无权查看" in page.text


def test_staff_cannot_probe_unknown_ids(client: TestClient) -> None:
    assert login(client, "xm") == 303
    assert client.get("/api/v1/scorecards/nobody").status_code == 403


def test_finance_reads_scores_and_pay(client: TestClient) -> None:
    assert login(client, "cfo") == 303
    card = client.get("/api/v1/scorecards/s1").json()
    # Hand-computed in tests/scoring/shop.py: 25.60 + 48.00 + 18.00.
    assert card["period"] == "2026-11"
    assert card["scorecard"]["total"] == "91.60"
    assert card["scorecard"]["grade"] == "金牌"
    assert card["scorecard"]["bonus"]["bonus"] == "2375.00"
    s2 = client.get("/api/v1/scorecards/s2").json()["scorecard"]
    assert (s2["total"], s2["bonus"]["bonus"]) == ("14.00", "1175.00")


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("boss", ["s1", "s2"]),
        ("cfo", ["s1", "s2"]),
        ("sup", ["s1", "s2"]),
        ("xm", ["s1"]),
        ("aq", ["s2"]),
    ],
)
def test_ranking_shows_only_visible_staff(
    client: TestClient, user: str, expected: list[str]
) -> None:
    assert login(client, user) == 303
    rows = client.get("/api/v1/ranking").json()["rows"]
    assert [r["staff_id"] for r in rows] == expected
