"""One writer (DESIGN §8): find a running ``shopkpi serve`` and hand a write job to it.

DuckDB lets one process write a database file. While ``shopkpi serve`` runs it owns the
workspace's warehouse and announces itself in ``.shopkpi/server.json`` (its URL, process id
and host, and a random per-run token; the file is readable by its owner only). A CLI
command that writes (``ingest``, ``compute``, ``close``) first looks for that file:

- no file, or a file left by a server process that no longer runs (same host): the
  command runs itself, as before (the stale file is removed);
- a live server: the command sends its job to the server's ``/api/v1/jobs`` with the token,
  prints the job's progress until it ends, and prints its result;
- a server that runs but cannot be reached: the command refuses with a clear message
  (:class:`ServerUnreachable`) and changes nothing.

The token proves only that the caller can read the workspace folder, which already lets it
write the warehouse file, so the hand-off gives a CLI user no right they lacked.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shopkpi.errors import ShopkpiError

SERVER_FILE = Path(".shopkpi") / "server.json"
TOKEN_HEADER = "Authorization"
ACTOR_HEADER = "X-Shopkpi-Actor"


class ServerUnreachable(ShopkpiError):
    """A server owns the warehouse but does not answer: nothing was done."""


class HandoffFailed(ShopkpiError):
    """The server refused the handed-over job, or the job failed there."""


@dataclass(frozen=True)
class ServerInfo:
    """What a running server wrote into ``.shopkpi/server.json``."""

    url: str
    pid: int
    host: str
    token: str
    started_at: str

    def as_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "pid": self.pid,
            "host": self.host,
            "token": self.token,
            "started_at": self.started_at,
        }


def new_token() -> str:
    return secrets.token_urlsafe(32)


def local_url(host: str, port: int) -> str:
    """The URL a process on this machine uses to reach a server bound to ``host``."""
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def announce(root: Path, url: str, token: str) -> Path:
    """Write ``.shopkpi/server.json`` (owner-only, atomically); returns its path."""
    path = root / SERVER_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    info = ServerInfo(
        url, os.getpid(), socket.gethostname(), token, time.strftime("%Y-%m-%d %H:%M:%S")
    )
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(info.as_json(), out, ensure_ascii=False)
    tmp.replace(path)
    return path


def withdraw(root: Path, token: str) -> None:
    """Remove the server file if it is still this server's (its token)."""
    info = read_server_file(root)
    if info is not None and info.token == token:
        with contextlib.suppress(FileNotFoundError):
            (root / SERVER_FILE).unlink()


def read_server_file(root: Path) -> ServerInfo | None:
    path = root / SERVER_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return ServerInfo(
            str(data["url"]),
            int(data["pid"]),
            str(data["host"]),
            str(data["token"]),
            str(data.get("started_at", "")),
        )
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError) as exc:
        raise ShopkpiError(
            f"{path} 已损坏（{exc}）：如果没有 shopkpi serve 在运行，删除该文件后重试"
        ) from exc


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def running_server(root: Path) -> ServerInfo | None:
    """The server that owns ``root``'s warehouse, or None (a stale file is removed)."""
    info = read_server_file(root)
    if info is None:
        return None
    if info.host == socket.gethostname() and not pid_alive(info.pid):
        with contextlib.suppress(FileNotFoundError):
            (root / SERVER_FILE).unlink()
        return None
    return info


def hand_off(
    info: ServerInfo,
    kind: str,
    actor: str,
    *,
    params: dict[str, Any] | None = None,
    files: Sequence[Path] = (),
    on_progress: Callable[[dict[str, Any]], None] | None = None,
    poll_seconds: float = 0.3,
) -> dict[str, Any]:
    """Submit a ``kind`` job (ingest, compute, close) to the server and wait for its end.

    Returns the finished job (``status`` done); raises :class:`HandoffFailed` when the server
    refuses it or it fails, :class:`ServerUnreachable` when the server cannot be reached.
    """
    import httpx

    headers = {TOKEN_HEADER: f"Bearer {info.token}", ACTOR_HEADER: actor}
    try:
        with httpx.Client(base_url=info.url, headers=headers, timeout=60.0) as client:
            job = _submit(client, kind, params or {}, files)
            seen: tuple[object, ...] = ()
            while True:
                state = (job["status"], job["stage"], job["progress"])
                if state != seen and on_progress is not None:
                    on_progress(job)
                seen = state
                if job["status"] in ("done", "failed"):
                    break
                time.sleep(poll_seconds)
                job = _checked(client.get(f"/api/v1/jobs/{job['id']}"))
    except httpx.TransportError as exc:
        raise ServerUnreachable(
            f"shopkpi serve（进程 {info.pid}，{info.url}）正占用本工作区的仓库，但无法连接"
            f"（{type(exc).__name__}）。没有做任何改动：请等服务启动完成后重试，"
            "或停止该服务后再运行本命令"
        ) from exc
    if job["status"] == "failed":
        raise HandoffFailed(f"服务端任务 {job['id']} 失败：{job['error']}")
    return job


def _submit(
    client: Any, kind: str, params: dict[str, Any], files: Sequence[Path]
) -> dict[str, Any]:
    if kind == "ingest":
        with contextlib.ExitStack() as stack:
            parts = [("files", (p.name, stack.enter_context(p.open("rb")))) for p in files]
            data = {k: str(v) for k, v in params.items() if v is not None}
            return _checked(client.post("/api/v1/jobs/ingest", files=parts, data=data))
    return _checked(client.post(f"/api/v1/jobs/{kind}", json=params))


def _checked(response: Any) -> dict[str, Any]:
    if response.status_code >= 400:
        try:
            detail = response.json().get("detail", response.text)
        except ValueError:
            detail = response.text
        raise HandoffFailed(f"服务拒绝了任务（HTTP {response.status_code}）：{detail}")
    body: dict[str, Any] = response.json()
    return body
