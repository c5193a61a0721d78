"""The server's write-job runner: imports, compute and close as jobs, one at a time."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from shopkpi import jobs as jobs_module
from shopkpi.jobs import Job, JobKind, JobRunner, JobStatus
from shopkpi.workspace import Workspace
from tests.jobs.files import FILE_A, FILE_B, file_a, file_b


@pytest.fixture
def runner(ws: Workspace, tmp_path: Path) -> JobRunner:
    r = JobRunner(ws, tmp_path / "spool")
    yield r
    r.close()


def finished(runner: JobRunner, job: Job) -> Job:
    assert runner.wait(job, 60), f"job {job.id} did not finish"
    return job


def test_an_import_job_imports_each_file_and_reports_it(runner: JobRunner, ws: Workspace) -> None:
    job = finished(runner, runner.submit(
        JobKind.ingest, {"shop": None}, "boss", "web", [(FILE_B, file_b()), (FILE_A, file_a())]
    ))  # fmt: skip
    assert job.status is JobStatus.done and job.error is None
    assert (job.progress, job.stage) == (1.0, "完成")
    files = job.result["files"] if job.result else []
    # Older export first (file A at 11-12 09:00, then B at 11-13 09:00), whatever the order sent.
    assert [(f["file"], f["status"], f["accepted"], f["quarantined"]) for f in files] == [
        (FILE_A, "ok", 2, 0),
        (FILE_B, "ok", 1, 1),
    ]
    assert ws.warehouse.count("orders") == 3
    assert [r["file_name"] for r in ws.quarantined()] == [FILE_B]
    assert not (runner.spool / job.id).exists()  # the spooled uploads are removed


def test_the_same_file_again_is_skipped_and_changes_nothing(
    runner: JobRunner, ws: Workspace
) -> None:
    finished(runner, runner.submit(JobKind.ingest, {}, "boss", "web", [(FILE_A, file_a())]))
    again = finished(runner, runner.submit(JobKind.ingest, {}, "boss", "web", [(FILE_A, file_a())]))
    assert again.result is not None
    assert [f["status"] for f in again.result["files"]] == ["skipped"]
    assert ws.warehouse.count("orders") == 2


def test_an_upload_keeps_only_its_base_name(runner: JobRunner, ws: Workspace) -> None:
    job = runner.submit(JobKind.ingest, {}, "boss", "web", [(f"../../etc/{FILE_A}", file_a())])
    assert [u.path.relative_to(runner.spool).parts[1:] for u in job.uploads] == [("0", FILE_A)]
    finished(runner, job)
    assert [r["file_name"] for r in ws.import_log()] == [FILE_A]


def test_a_refused_close_fails_with_its_message(runner: JobRunner) -> None:
    job = finished(runner, runner.submit(JobKind.close, {"period": "十三月"}, "boss"))
    assert job.status is JobStatus.failed and job.result is None
    assert job.error is not None and "十三月" in job.error
    assert job.as_json()["status_label"] == "失败"


def test_a_bug_in_a_job_fails_it_and_the_runner_goes_on(
    runner: JobRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(ws: Workspace, job: Job, progress: Any) -> dict[str, Any]:
        raise KeyError("oops")

    monkeypatch.setitem(jobs_module.RUNNERS, JobKind.compute, broken)
    bad = finished(runner, runner.submit(JobKind.compute, {}, "boss"))
    assert bad.error == "内部错误：KeyError: 'oops'"
    ok = finished(runner, runner.submit(JobKind.ingest, {}, "boss", "web", [(FILE_A, file_a())]))
    assert ok.status is JobStatus.done


def test_jobs_run_one_at_a_time_in_the_order_submitted(
    runner: JobRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    active, peak, order = [0], [0], []
    lock = threading.Lock()

    def slow(ws: Workspace, job: Job, progress: Any) -> dict[str, Any]:
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        progress("一半", 0.5)
        time.sleep(0.05)
        with lock:
            active[0] -= 1
            order.append(job.params["n"])
        return {"n": job.params["n"]}

    monkeypatch.setitem(jobs_module.RUNNERS, JobKind.compute, slow)
    submitted = [runner.submit(JobKind.compute, {"n": n}, "boss") for n in range(5)]
    for job in submitted:
        finished(runner, job)
    assert peak[0] == 1
    assert order == [0, 1, 2, 3, 4]
    assert [j.params["n"] for j in runner.jobs()] == [4, 3, 2, 1, 0]  # newest first


def test_compute_reports_its_steps_in_order(ws: Workspace) -> None:
    ws.ingest([_write(ws, FILE_A, file_a())])
    seen: list[tuple[str, float]] = []
    ws.compute("2026-11", progress=lambda stage, fraction: seen.append((stage, fraction)))
    assert seen[0][0].startswith("派生 ") and seen[0][1] == 0.0
    assert seen[-1] == ("写入 metric_value", 0.95)
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions)
    assert any(stage.startswith("指标 ") for stage, _ in seen)


def test_the_runner_keeps_the_newest_jobs(ws: Workspace, tmp_path: Path) -> None:
    small = JobRunner(ws, tmp_path / "spool", keep=2)
    try:
        made = [
            finished(small, small.submit(JobKind.close, {"period": "x"}, "boss")) for _ in range(4)
        ]
        # Trimmed on each submit: the two newest remain once the older ones are over.
        assert [j.id for j in small.jobs()] == [made[3].id, made[2].id]
        assert small.get(made[0].id) is None
    finally:
        small.close()


def _write(ws: Workspace, name: str, data: bytes) -> Path:
    path = ws.root / "inbox" / name
    path.write_bytes(data)
    return path
