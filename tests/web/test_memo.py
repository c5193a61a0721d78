"""Results kept per data generation (memo.py): reused while nothing changes, recomputed as
soon as an app-DB change (audited) or a write job happens."""

from __future__ import annotations

import threading
import time

from fastapi.testclient import TestClient

from shopkpi.memo import GenerationMemo
from tests.web.conftest import login


def test_a_key_is_computed_once_per_generation() -> None:
    memo, calls = GenerationMemo(size=2), []

    def compute(tag: str) -> str:
        calls.append(tag)
        return tag

    assert memo.get(1, "a", lambda: compute("a1")) == "a1"
    assert memo.get(1, "a", lambda: compute("a2")) == "a1"  # kept
    assert memo.get(2, "a", lambda: compute("a3")) == "a3"  # new generation: recomputed
    assert memo.get(1, "a", lambda: compute("a4")) == "a4"  # never an older generation's value
    memo.get(1, "b", lambda: compute("b"))
    memo.get(1, "c", lambda: compute("c"))  # size 2: "a" is the least recently used
    assert memo.get(1, "a", lambda: compute("a5")) == "a5"
    assert calls == ["a1", "a3", "a4", "b", "c", "a5"]


def test_requests_together_compute_a_missing_key_once() -> None:
    memo, calls = GenerationMemo(), []

    def slow() -> int:
        calls.append(1)
        time.sleep(0.05)
        return 42

    results: list[int] = []
    threads = [
        threading.Thread(target=lambda: results.append(memo.get(7, "k", slow))) for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [42] * 8 and calls == [1]


def test_a_rating_change_shows_at_once_and_unchanged_pages_are_reused(client: TestClient) -> None:
    login(client, "boss")
    memo = client.app.state.memo  # type: ignore[attr-defined]
    first = client.get("/staff/s1").text
    misses = memo.misses
    assert client.get("/staff/s1").text == first
    assert memo.misses == misses  # nothing changed: everything came from the memo
    token = client.get("/api/v1/csrf").json()["csrf_token"]
    r = client.post(
        "/api/v1/ratings",
        json={
            "staff_id": "s1",
            "period": "2026-11",
            "criterion": "attitude.responsibility",
            "score": "10",
        },
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 200
    after = client.get("/staff/s1").text
    assert after != first and memo.misses > misses  # the audit row moved the generation


def test_a_finished_job_moves_the_generation(client: TestClient) -> None:
    jobs = client.app.state.jobs  # type: ignore[attr-defined]
    before = jobs.generation
    login(client, "boss")
    token = client.get("/api/v1/csrf").json()["csrf_token"]
    r = client.post(
        "/api/v1/jobs/compute", json={"period": "2026-11"}, headers={"X-CSRF-Token": token}
    )
    job = jobs.get(r.json()["id"])
    assert jobs.wait(job, 60)
    assert jobs.generation == before + 1
