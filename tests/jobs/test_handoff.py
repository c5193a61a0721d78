"""One writer (DESIGN §8): while ``shopkpi serve`` runs, CLI write commands hand their job
to it; a browser upload and a CLI ingest at the same time both end correctly."""

from __future__ import annotations

import json
import os
import re
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from shopkpi.appdb.users import Role
from shopkpi.handoff import (
    SERVER_FILE,
    ServerUnreachable,
    announce,
    hand_off,
    local_url,
    read_server_file,
    running_server,
    withdraw,
)
from shopkpi.web import WebSettings, create_app
from shopkpi.workspace import Workspace
from tests.jobs.files import FILE_A, FILE_B, file_a, file_b

PASSWORD = "handoff-pass-1"


def shopkpi(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real CLI in a process of its own (DuckDB's lock is per process)."""
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "shopkpi", *args], cwd=cwd, env=env, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Running:
    root: Path
    url: str
    ws: Workspace  # the server's own workspace (this process)


@pytest.fixture
def served(ws: Workspace) -> Iterator[Running]:
    """``shopkpi serve`` as it runs: the app under uvicorn, announced in server.json."""
    import uvicorn

    ws.appdb.add_user("boss", PASSWORD, Role.admin, actor="setup")
    root = ws.root
    ws.close()
    app = create_app(root, WebSettings())
    port = free_port()
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not uv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    url = local_url("127.0.0.1", port)
    announce(root, url, app.state.local_token)
    yield Running(root, url, app.state.ws)
    uv.should_exit = True
    thread.join(30)
    withdraw(root, app.state.local_token)
    app.state.ws.close()


def form_token(html: str) -> str:
    """The page's CSRF token (secrets.token_urlsafe(32): 43 URL-safe characters)."""
    found = re.findall(r'name="csrf_token" value="([A-Za-z0-9_-]{43})"', html)
    assert len(set(found)) == 1, found
    return str(found[0])


def browser_upload(url: str, name: str, data: bytes) -> str:
    """Log in through the form and upload on the imports page; returns the job id."""
    with httpx.Client(base_url=url, follow_redirects=False, timeout=60) as c:
        token = form_token(c.get("/login").text)
        r = c.post("/login", data={"username": "boss", "password": PASSWORD, "csrf_token": token})
        assert (r.status_code, r.headers["location"]) == (303, "/")
        token = form_token(c.get("/imports").text)
        r = c.post("/imports", data={"csrf_token": token}, files=[("files", (name, data, "text/csv"))])  # fmt: skip
        assert r.status_code == 303, r.text
        return r.headers["location"].removeprefix("/imports?job=")


def test_an_upload_and_a_cli_ingest_at_the_same_time_both_end_correctly(
    served: Running, tmp_path: Path
) -> None:
    cli_file = tmp_path / FILE_B
    cli_file.write_bytes(file_b())
    outcome: dict[str, object] = {}

    def cli() -> None:
        outcome["cli"] = shopkpi("ingest", str(cli_file), "-w", str(served.root), cwd=tmp_path)

    def browser() -> None:
        outcome["job"] = browser_upload(served.url, FILE_A, file_a())

    threads = [threading.Thread(target=cli), threading.Thread(target=browser)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    proc = outcome["cli"]
    assert isinstance(proc, subprocess.CompletedProcess)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "任务交给服务执行" in proc.stdout and "已导入" in proc.stdout
    # The same data as importing both files one after the other without a server.
    reference = Workspace.init(tmp_path / "reference", shop_id="demo", shop_name="示例旗舰店")
    a = tmp_path / FILE_A
    a.write_bytes(file_a())
    reference.ingest([a, cli_file])
    view = served.ws.on_cursor()
    try:
        log = {r["file_name"]: r for r in view.import_log()}
        assert {n: (r["status"], r["accepted"], r["quarantined"]) for n, r in log.items()} == {
            FILE_A: ("ok", 2, 0),
            FILE_B: ("ok", 1, 1),
        }
        for table in ("orders", "order_line", "quarantine"):
            assert business_rows(view, table) == business_rows(reference, table), table
        assert len(business_rows(view, "orders")) == 3
    finally:
        view.warehouse.close()
        reference.close()


def business_rows(ws: Workspace, table: str) -> list[tuple[object, ...]]:
    """A table's rows in its canonical columns (no lineage: import times differ)."""
    from shopkpi.warehouse.schema import TABLES

    columns = ", ".join(name for name, _ in TABLES[table].columns)
    rows = ws.warehouse.con.execute(f"SELECT {columns} FROM {table}").fetchall()
    return sorted(rows, key=repr)


def test_cli_compute_and_close_hand_over_and_print_the_result(
    served: Running, tmp_path: Path
) -> None:
    a = tmp_path / FILE_A
    a.write_bytes(file_a())
    assert shopkpi("ingest", str(a), "-w", str(served.root), cwd=tmp_path).returncode == 0
    proc = shopkpi("compute", "--period", "2026-11", "-w", str(served.root), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "任务交给服务执行" in proc.stdout and "已计算 2026-11" in proc.stdout
    # No plan applies to anyone in this shop: the server's refusal reaches the CLI.
    proc = shopkpi("close", "--period", "2026-11", "-w", str(served.root), cwd=tmp_path)
    assert proc.returncode == 2
    assert "服务端任务" in proc.stderr and "失败" in proc.stderr


def test_reports_and_alert_checks_are_made_by_the_server(served: Running, tmp_path: Path) -> None:
    # Nothing computed in this workspace yet: the server's refusal reaches the CLI.
    proc = shopkpi("report", "daily", "-w", str(served.root), cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "任务交给服务执行" in proc.stdout and "还没有按天的指标值" in proc.stderr
    (served.root / "alerts.yaml").write_text("channels: []\nrules: []\n", encoding="utf-8")
    proc = shopkpi("alerts", "check", "--at", "2026-11-22", "-w", str(served.root), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "任务交给服务执行" in proc.stdout and "没有指标数据" in proc.stdout


def test_a_read_command_names_the_running_server(served: Running, tmp_path: Path) -> None:
    proc = shopkpi("status", "-w", str(served.root), cwd=tmp_path)
    assert proc.returncode == 2
    assert "shopkpi serve 正在运行" in proc.stderr and served.url in proc.stderr


def test_a_server_that_does_not_answer_makes_the_cli_refuse(ws: Workspace, tmp_path: Path) -> None:
    root = ws.root
    ws.close()
    # This test process is alive, but nothing listens on the announced port.
    announce(root, local_url("127.0.0.1", free_port()), "token")
    a = tmp_path / FILE_A
    a.write_bytes(file_a())
    proc = shopkpi("ingest", str(a), "-w", str(root), cwd=tmp_path)
    assert proc.returncode == 2
    assert "无法连接" in proc.stderr and "没有做任何改动" in proc.stderr
    withdraw(root, "token")
    assert Workspace(root).import_log() == []  # nothing was imported


def test_a_stale_announcement_is_removed_and_the_cli_runs_itself(
    ws: Workspace, tmp_path: Path
) -> None:
    root = ws.root
    ws.close()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)  # fmt: skip
    path = announce(root, "http://127.0.0.1:9", "t")
    info = json.loads(path.read_text())
    info["pid"] = int(dead.stdout)
    path.write_text(json.dumps(info))
    a = tmp_path / FILE_A
    a.write_bytes(file_a())
    proc = shopkpi("ingest", str(a), "-w", str(root), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "交给服务" not in proc.stdout and not (root / SERVER_FILE).exists()


def test_the_announcement_is_private_and_withdrawn_only_by_its_server(ws: Workspace) -> None:
    path = announce(ws.root, "http://127.0.0.1:8000", "secret-token")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    info = read_server_file(ws.root)
    assert info is not None and (info.url, info.pid, info.token) == (
        "http://127.0.0.1:8000", os.getpid(), "secret-token"
    )  # fmt: skip
    assert running_server(ws.root) == info
    withdraw(ws.root, "another-servers-token")
    assert path.exists()
    withdraw(ws.root, "secret-token")
    assert not path.exists() and running_server(ws.root) is None


def test_local_urls() -> None:
    assert local_url("0.0.0.0", 8000) == "http://127.0.0.1:8000"
    assert local_url("::", 8000) == "http://[::1]:8000"
    assert local_url("10.0.0.5", 80) == "http://10.0.0.5:80"


def test_hand_off_raises_when_nothing_listens() -> None:
    from shopkpi.handoff import ServerInfo

    info = ServerInfo(local_url("127.0.0.1", free_port()), os.getpid(), "h", "t", "")
    with pytest.raises(ServerUnreachable, match="无法连接"):
        hand_off(info, "compute", "tester", params={})
