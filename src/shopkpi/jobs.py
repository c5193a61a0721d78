"""Write jobs run by the one process that owns the warehouse (DESIGN §8).

While ``shopkpi serve`` runs it is the warehouse's only writer. Everything that writes
(imports, compute, month-end close) becomes a :class:`Job` on the server's
:class:`JobRunner`: one worker thread runs the jobs one after another, so two writes never
overlap, and each job reports its stage and progress while it runs. Browser uploads and
CLI commands handed over by :mod:`shopkpi.handoff` land on the same queue.

Jobs live in the server's memory (the newest ``keep``); what they changed is recorded
where it always is: the import log and quarantine in the warehouse, snapshots and the
audit log in the app DB.
"""

from __future__ import annotations

import itertools
import logging
import queue
import shutil
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from shopkpi.errors import ShopkpiError

if TYPE_CHECKING:
    from shopkpi.ingest.pipeline import ImportResult
    from shopkpi.workspace import Workspace

log = logging.getLogger(__name__)

Progress = Callable[[str, float], None]


class JobKind(StrEnum):
    ingest = "ingest"
    compute = "compute"
    close = "close"
    alerts = "alerts"  # evaluate alerts.yaml and push what fires
    report = "report"  # a daily or monthly report, optionally pushed to channels


class JobStatus(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


KIND_LABELS = {
    JobKind.ingest: "导入",
    JobKind.compute: "计算指标",
    JobKind.close: "封账",
    JobKind.alerts: "预警检查",
    JobKind.report: "报告",
}
STATUS_LABELS = {
    JobStatus.queued: "排队中",
    JobStatus.running: "运行中",
    JobStatus.done: "完成",
    JobStatus.failed: "失败",
}


@dataclass(frozen=True)
class Upload:
    """A file to import, spooled to disk under its original name."""

    name: str
    path: Path


@dataclass
class Job:
    """One write job: what was asked, by whom, and how far it got."""

    id: str
    kind: JobKind
    actor: str
    via: str  # "web" | "cli"
    params: dict[str, Any]
    created_at: datetime
    status: JobStatus = JobStatus.queued
    progress: float = 0.0
    stage: str = "排队中"
    started_at: datetime | None = None
    finished_at: datetime | None = None
    result: dict[str, Any] | None = None
    error: str | None = None
    uploads: tuple[Upload, ...] = ()
    seq: int = 0  # submission order
    finished: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def over(self) -> bool:
        return self.status in (JobStatus.done, JobStatus.failed)

    def as_json(self) -> dict[str, Any]:
        def iso(t: datetime | None) -> str | None:
            return t.isoformat(timespec="seconds") if t else None

        return {
            "id": self.id,
            "kind": self.kind.value,
            "kind_label": KIND_LABELS[self.kind],
            "actor": self.actor,
            "via": self.via,
            "params": self.params,
            "status": self.status.value,
            "status_label": STATUS_LABELS[self.status],
            "progress": round(self.progress, 4),
            "stage": self.stage,
            "created_at": iso(self.created_at),
            "started_at": iso(self.started_at),
            "finished_at": iso(self.finished_at),
            "result": self.result,
            "error": self.error,
        }


class JobRunner:
    """Runs write jobs one at a time on a worker thread of the owning process.

    ``ws`` is the process's workspace; each job runs on a warehouse cursor of its own
    (with the cleaning macros imports need). ``spool`` holds uploaded files until their
    job has imported them.
    """

    def __init__(self, ws: Workspace, spool: Path, keep: int = 200) -> None:
        self.ws = ws
        self.spool = spool
        self.keep = keep
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._seq = itertools.count(1)
        self.generation = 0  # bumped after every job: the warehouse may have changed

    def submit(
        self,
        kind: JobKind,
        params: dict[str, Any],
        actor: str,
        via: str = "web",
        files: Sequence[tuple[str, bytes | BinaryIO]] = (),
    ) -> Job:
        """Queue a job; ``files`` (name, content or open binary file) are spooled to disk
        for an import job."""
        job_id = uuid.uuid4().hex[:12]
        uploads = tuple(self._spool(job_id, i, name, data) for i, (name, data) in enumerate(files))
        job = Job(job_id, kind, actor, via, params, _now(), uploads=uploads, seq=next(self._seq))
        with self._lock:
            self._jobs[job_id] = job
            self._trim()
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="shopkpi-jobs", daemon=True)
                self._thread.start()
        self._queue.put(job)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def jobs(self) -> list[Job]:
        """Every job kept, newest first."""
        with self._lock:
            return sorted(self._jobs.values(), key=lambda j: j.seq, reverse=True)

    def wait(self, job: Job, timeout: float | None = None) -> bool:
        """Wait until ``job`` is over (True) or ``timeout`` seconds pass (False)."""
        return job.finished.wait(timeout)

    def close(self, timeout: float = 60.0) -> None:
        """Stop taking jobs; let the running one finish (up to ``timeout`` seconds)."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout)

    def _spool(self, job_id: str, index: int, name: str, data: bytes | BinaryIO) -> Upload:
        # Keep the base name only (it carries the export time); never a path from outside.
        safe = Path(name.replace("\\", "/")).name.strip() or f"upload-{index}"
        folder = self.spool / job_id / str(index)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / safe
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            with path.open("wb") as out:
                shutil.copyfileobj(data, out, 1 << 20)
        return Upload(safe, path)

    def _trim(self) -> None:
        over = [j for j in sorted(self._jobs.values(), key=lambda j: j.seq) if j.over]
        for job in over[: max(0, len(self._jobs) - self.keep)]:
            del self._jobs[job.id]

    def _loop(self) -> None:
        while (job := self._queue.get()) is not None:
            self._run(job)

    def _run(self, job: Job) -> None:
        job.status, job.started_at, job.stage = JobStatus.running, _now(), "开始"

        def progress(stage: str, fraction: float) -> None:
            job.stage, job.progress = stage, max(0.0, min(1.0, fraction))

        view = self.ws.on_cursor(macros=True)
        try:
            job.result = RUNNERS[job.kind](view, job, progress)
            job.status, job.progress, job.stage = JobStatus.done, 1.0, "完成"
        except ShopkpiError as exc:
            job.status, job.error, job.stage = JobStatus.failed, str(exc), "失败"
        except Exception as exc:  # a bug: keep the server up, show and log it
            log.exception("job %s (%s) failed", job.id, job.kind)
            job.status, job.stage = JobStatus.failed, "失败"
            job.error = f"内部错误：{type(exc).__name__}: {exc}"
        finally:
            view.warehouse.close()
            job.finished_at = _now()
            self.generation += 1
            if job.uploads:
                shutil.rmtree(self.spool / job.id, ignore_errors=True)
            job.finished.set()


def import_json(result: ImportResult) -> dict[str, Any]:
    """One file's import outcome, as the API and the CLI hand-off show it."""
    error = result.error
    return {
        "file": result.file,
        "status": result.status,
        "adapter": result.adapter,
        "rows_read": result.rows_read,
        "accepted": result.accepted,
        "quarantined": result.quarantined,
        "duplicates": result.duplicates,
        "stale": result.stale,
        "overwritten": result.overwritten,
        "unchanged": result.unchanged,
        "tables": dict(result.tables),
        "message": result.message,
        "error": None
        if error is None
        else {
            "reason": error.reason,
            "row": error.row,
            "column": error.column,
            "hint": error.hint,
            "message": str(error),
        },
    }


def _ingest(ws: Workspace, job: Job, progress: Progress) -> dict[str, Any]:
    from shopkpi.workspace import oldest_export_first

    shop = job.params.get("shop")
    paths = oldest_export_first([u.path for u in job.uploads])
    files: list[dict[str, Any]] = []
    for i, path in enumerate(paths):
        progress(f"导入 {path.name}（{i + 1}/{len(paths)}）", i / len(paths))
        files.append(import_json(ws.ingestor.ingest_path(path, shop)))
    return {"files": files}


def _compute(ws: Workspace, job: Job, progress: Progress) -> dict[str, Any]:
    as_of = job.params.get("as_of")
    result = ws.compute(
        job.params.get("period"),
        datetime.fromisoformat(as_of) if as_of else None,
        progress=progress,
    )
    return {
        "as_of": result.as_of.isoformat(sep=" ", timespec="seconds"),
        "periods": [p.label for p in result.periods],
        "rows": result.rows,
        "derive_seconds": round(result.derive_seconds, 3),
        "metric_seconds": round(result.metric_seconds, 3),
    }


def _close(ws: Workspace, job: Job, progress: Progress) -> dict[str, Any]:
    progress("评分并冻结", 0.1)
    p = job.params
    snap = ws.scoring.close(p["period"], job.actor, p.get("reason"), bool(p.get("force")))
    return {
        "period": snap.period,
        "version": snap.version,
        "forced": snap.forced,
        "people": len(snap.payload["people"]),
        "inputs_hash": snap.inputs_hash,
    }


def _alerts(ws: Workspace, job: Job, progress: Progress) -> dict[str, Any]:
    import os
    from datetime import date

    from shopkpi.insights.alerts import RULES_FILE, check, load_rules
    from shopkpi.insights.channels import Sender

    progress("评估预警规则", 0.1)
    rules = load_rules(ws.root / RULES_FILE)
    at = date.fromisoformat(job.params["at"]) if job.params.get("at") else date.today()
    dry = bool(job.params.get("dry_run"))
    report = check(ws.warehouse.con, ws.appdb, rules, at, Sender(ws.appdb, os.environ), dry_run=dry)
    return {
        "day": None if report.day is None else report.day.isoformat(),
        "outcomes": [
            {
                "rule": o.firing.rule.spec.id,
                "message": o.firing.message(),
                "status": o.status,
                "deliveries": [{"channel": d.channel, "ok": d.ok} for d in o.deliveries],
            }
            for o in report.outcomes
        ],
    }


def _report(ws: Workspace, job: Job, progress: Progress) -> dict[str, Any]:
    from datetime import date

    from shopkpi.insights import report as r

    p = job.params
    progress("生成报告", 0.1)
    if p.get("kind") == "monthly":
        m = r.monthly_report(ws, p.get("period"))
        title, text = f"月报 {m.shop_id} {m.period}", r.monthly_text(m)
    else:
        day = date.fromisoformat(p["day"]) if p.get("day") else None
        at = datetime.fromisoformat(p["at"]) if p.get("at") else None
        d = r.daily_report(ws, day, at)
        title, text = f"日报 {d.shop_id} {d.day.isoformat()}", r.daily_text(d)
    deliveries = []
    if p.get("send"):
        progress("推送", 0.6)
        deliveries = [
            {"channel": x.channel, "ok": x.ok, "attempts": x.attempts, "error": x.error}
            for x in r.push(ws, list(p["send"]), title, text, f"{p.get('kind') or 'daily'}_report")
        ]
    return {"title": title, "text": text, "deliveries": deliveries}


RUNNERS: dict[JobKind, Callable[[Workspace, Job, Progress], dict[str, Any]]] = {
    JobKind.ingest: _ingest,
    JobKind.compute: _compute,
    JobKind.close: _close,
    JobKind.alerts: _alerts,
    JobKind.report: _report,
}


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
