"""Concurrent requests: each reads the warehouse through its own DuckDB cursor
(``deps.request_ws``), so 20 requests at once give the same answers as one at a time."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from tests.web.conftest import login

PATHS = [
    "/api/v1/ranking",
    "/api/v1/scorecards/s1",
    "/api/v1/ranking?by=inquiry_to_paid_rate",
    "/api/v1/scorecards/s2",
]


def test_twenty_concurrent_requests_agree_with_serial_ones(client: TestClient) -> None:
    assert login(client, "boss") == 303
    serial = {p: client.get(p).json() for p in PATHS}
    assert [r["staff_id"] for r in serial["/api/v1/ranking"]["rows"]] == ["s1", "s2"]
    assert serial["/api/v1/scorecards/s1"]["scorecard"]["total"] == "91.60"

    def fetch(i: int) -> tuple[str, int, object]:
        path = PATHS[i % len(PATHS)]
        r = client.get(path)
        return path, r.status_code, r.json()

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(fetch, range(20)))
    assert [status for _, status, _ in results] == [200] * 20
    assert all(body == serial[path] for path, _, body in results)


def test_pages_render_concurrently(client: TestClient) -> None:
    assert login(client, "boss") == 303
    one = client.get("/staff/s1").text

    def fetch(_: int) -> tuple[int, str]:
        r = client.get("/staff/s1")
        return r.status_code, r.text

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(fetch, range(20)))
    assert all(status == 200 and text == one for status, text in results)
