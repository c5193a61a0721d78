"""The imports page and /api/v1/jobs: uploads, compute and close run as server jobs."""

from __future__ import annotations

import re
import time
from typing import Any

from fastapi.testclient import TestClient

from tests.jobs.files import FILE_A, FILE_B, file_a, file_b
from tests.web.conftest import csrf, login

CSV = "text/csv"


def upload(client: TestClient, *files: tuple[str, bytes], token: str | None = None) -> Any:
    token = csrf(client, "/imports") if token is None else token
    parts = [("files", (name, data, CSV)) for name, data in files]
    return client.post("/imports", data={"csrf_token": token}, files=parts, follow_redirects=False)


def api_token(client: TestClient) -> str:
    token: str = client.get("/api/v1/csrf").json()["csrf_token"]
    return token


def wait_job(client: TestClient, job_id: str, **headers: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        job: dict[str, Any] = client.get(f"/api/v1/jobs/{job_id}", headers=headers).json()
        if job["status"] in ("done", "failed"):
            return job
        assert time.monotonic() < deadline, job
        time.sleep(0.05)


def test_an_upload_shows_its_summary_and_its_quarantined_rows(client: TestClient) -> None:
    assert login(client, "boss") == 303
    r = upload(client, (FILE_A, file_a()), (FILE_B, file_b()))
    assert r.status_code == 303
    job_id = r.headers["location"].removeprefix("/imports?job=")
    page = client.get(r.headers["location"]).text
    current = page[page.index('id="current-job"') : page.index("上传平台导出文件")]
    assert f'data-job="{job_id}"' in current and 'data-status="done"' in current
    rows = re.findall(r'<tr data-file="([^"]+)" class="(\w+)"><td>[^<]*</td><td>([^<]+)</td><td>[^<]*</td><td>(\d+)</td><td>(\d+)</td>', current)  # fmt: skip
    assert rows == [(FILE_A, "ok", "已导入", "2", "2"), (FILE_B, "ok", "已导入", "2", "1")]
    assert f'href="/imports/quarantine?file={FILE_B}">1</a>' in current
    log = page[page.index('id="import-log"') :]
    assert log.count("<tr data-file=") == 2
    quarantine = client.get(f"/imports/quarantine?file={FILE_B}").text
    body = quarantine[quarantine.index("<tbody>") : quarantine.index("</tbody>")]
    assert body.count("<tr>") == 1 and "9.9E+18" in body and f"<td>{FILE_B}</td>" in body


def test_the_same_upload_again_is_skipped(client: TestClient) -> None:
    login(client, "boss")
    upload(client, (FILE_A, file_a()))
    page = client.get(upload(client, (FILE_A, file_a())).headers["location"]).text
    current = page[page.index('id="current-job"') : page.index("上传平台导出文件")]
    assert f'<tr data-file="{FILE_A}" class="skipped">' in current and "已跳过" in current


def test_an_upload_without_a_file_or_a_valid_token_is_refused(client: TestClient) -> None:
    login(client, "sup")  # supervisors import too
    r = client.post("/imports", data={"csrf_token": csrf(client, "/imports")})
    assert r.status_code == 422 and "请选择要上传的文件" in r.text
    r = upload(client, (FILE_A, file_a()), token="forged")
    assert r.status_code == 403 and "CSRF" in r.text
    assert client.get("/api/v1/jobs").json() == {"jobs": []}  # nothing was queued


def test_staff_and_finance_may_not_import(client: TestClient) -> None:
    for user in ("xm", "cfo"):
        client.cookies.clear()
        login(client, user)
        assert client.get("/imports").status_code == 403
        assert "/imports" not in client.get("/").text.split("<main>")[0]  # no nav link
        assert upload(client, (FILE_A, file_a()), token=csrf(client, "/")).status_code == 403


def test_api_upload_and_compute_run_as_jobs(client: TestClient) -> None:
    login(client, "boss")
    token = api_token(client)
    files = [("files", (FILE_A, file_a(), CSV))]
    r = client.post("/api/v1/jobs/ingest", files=files, headers={"X-CSRF-Token": token})
    assert r.status_code == 202 and r.json()["kind"] == "ingest" and r.json()["actor"] == "boss"
    job = wait_job(client, r.json()["id"])
    assert job["status"] == "done" and job["progress"] == 1.0
    assert [(f["file"], f["accepted"]) for f in job["result"]["files"]] == [(FILE_A, 2)]
    r = client.post("/api/v1/jobs/compute", json={"period": "2026-11"}, headers={"X-CSRF-Token": token})  # fmt: skip
    job = wait_job(client, r.json()["id"])
    assert job["status"] == "done", job["error"]
    assert job["result"]["periods"] == ["2026-11"] and job["result"]["rows"] > 0
    listed = [j["kind"] for j in client.get("/api/v1/jobs").json()["jobs"]]
    assert listed == ["compute", "ingest"]
    page = client.get(f"/jobs/{r.json()['id']}").text
    assert "计算指标任务" in page and "已计算 2026-11" in page


def test_a_cli_hand_off_authenticates_with_the_server_token(client: TestClient) -> None:
    token = client.app.state.local_token  # type: ignore[attr-defined]
    files = [("files", (FILE_A, file_a(), CSV))]
    bearer = {"Authorization": f"Bearer {token}", "X-Shopkpi-Actor": "li"}
    r = client.post("/api/v1/jobs/ingest", files=files, headers=bearer)
    assert r.status_code == 202
    assert (r.json()["actor"], r.json()["via"]) == ("cli:li", "cli")
    assert wait_job(client, r.json()["id"], **bearer)["status"] == "done"
    wrong = {"Authorization": "Bearer not-the-token"}
    r = client.post("/api/v1/jobs/ingest", files=files, headers=wrong)
    assert r.status_code == 401 and "令牌无效" in r.json()["detail"]
    assert client.get("/api/v1/jobs", headers=wrong).status_code == 401
    # Without any credentials: the usual 401.
    assert client.post("/api/v1/jobs/compute", json={}).status_code == 401


def test_an_api_compute_with_a_bad_period_is_refused_before_queueing(client: TestClient) -> None:
    login(client, "boss")
    headers = {"X-CSRF-Token": api_token(client)}
    r = client.post("/api/v1/jobs/compute", json={"period": "十三月"}, headers=headers)
    assert r.status_code == 422
    r = client.post("/api/v1/jobs/compute", json={"as_of": "昨天"}, headers=headers)
    assert r.status_code == 422 and "as_of" in r.json()["detail"]
    assert client.get("/api/v1/jobs").json() == {"jobs": []}
