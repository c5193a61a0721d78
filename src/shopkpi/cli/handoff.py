"""CLI side of the one-writer rule: when ``shopkpi serve`` owns the workspace, write
commands hand their job to it (:mod:`shopkpi.handoff`) and print its progress and result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from shopkpi.cli.render import console
from shopkpi.handoff import ServerInfo, hand_off, running_server
from shopkpi.ingest.pipeline import ImportResult


def server_for(workspace: Path) -> ServerInfo | None:
    """The server running on ``workspace``, if any (stale announcements are dropped)."""
    return running_server(Path(workspace).resolve())


def run_on_server(
    info: ServerInfo,
    kind: str,
    actor: str,
    params: dict[str, Any],
    files: list[Path] | None = None,
) -> dict[str, Any]:
    """Hand a job to the server, show its progress, return its result."""
    console.print(
        f"[cyan]→[/] shopkpi serve（{info.url}，进程 {info.pid}）正在运行并占用仓库：任务交给服务执行"
    )

    def show(job: dict[str, Any]) -> None:
        percent = int(float(job["progress"]) * 100)
        console.print(
            f"  [dim]任务 {job['id']}[/] {job['status_label']} {percent:>3}% {job['stage']}"
        )

    job = hand_off(info, kind, actor, params=params, files=files or [], on_progress=show)
    result: dict[str, Any] = job["result"] or {}
    return result


def import_results(result: dict[str, Any]) -> list[ImportResult]:
    """The server's per-file import outcomes, as the CLI's summary table shows them."""
    return [
        ImportResult(
            file=f["file"],
            file_hash="",
            status=f["status"],
            adapter=f["adapter"],
            rows_read=f["rows_read"],
            accepted=f["accepted"],
            quarantined=f["quarantined"],
            duplicates=f["duplicates"],
            stale=f["stale"],
            overwritten=f["overwritten"],
            unchanged=f["unchanged"],
            tables=dict(f["tables"]),
            message=f["message"],
        )
        for f in result.get("files", [])
    ]
