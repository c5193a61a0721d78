"""Live escalation latency: ``POST /api/v1/messages`` from receipt to alert recorded.

Builds a small demo shop, starts the real server (uvicorn, loopback), creates an API token,
then posts chat messages one per request (the way a streaming client would) and reads the
server's own ``elapsed_ms`` (receipt → findings → alert committed to the app DB) and the
client's round trip. Every third buyer message is an escalation, so most alerts are real
inserts. Target (issue 6): under 50 ms from receipt to alert recorded.

    .venv/bin/python benchmarks/bench_live.py [--messages 600]
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
TEXTS = [
    "在吗，这个什么时候发货",
    "好的，谢谢亲",
    "再不发货我就投诉你们，太差劲了",
    "尺码偏小吗",
    "怎么还没到？都五天了，我要打12315",
    "物流一直不动，急用！！！",
]
AGENT = ["亲，已经为您催促仓库了哦", "这款是全网最低价，放心购买", "非常抱歉给您带来不便"]


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0–1) by linear interpolation between closest ranks."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    pos = (len(ordered) - 1) * q
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def first_account(root: Path) -> str:
    """An agent account of the demo shop (so alerts carry its staff member and team)."""
    import duckdb

    con = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "SELECT account_nick FROM staff_account ORDER BY account_nick"
        ).fetchall()
    finally:
        con.close()
    return str(rows[0][0])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=600)
    args = parser.parse_args()
    shopkpi = str(Path(sys.executable).with_name("shopkpi"))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "demo"
        subprocess.run([shopkpi, "demo", str(root), "--staff", "8", "--days", "14", "--scale", "0.5"],
                       check=True, capture_output=True)  # fmt: skip
        out = subprocess.run(
            [shopkpi, "token", "create", "--scope", "messages:write", "--name", "bench", "-w", str(root)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        token = next(line for line in out.stdout.splitlines() if line.startswith("skpi_"))
        account = first_account(root)
        port = free_port()
        server = subprocess.Popen([shopkpi, "serve", "-w", str(root), "--port", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        try:
            url = f"http://127.0.0.1:{port}"
            with httpx.Client(base_url=url, timeout=30) as c:
                for _ in range(200):
                    try:
                        if c.get("/health").status_code == 200:
                            break
                    except httpx.TransportError:
                        time.sleep(0.1)
                headers = {"Authorization": f"Bearer {token}"}
                start = datetime(2026, 11, 22, 9, 0, 0)
                server_ms: list[float] = []
                client_ms: list[float] = []
                alert_ms: list[float] = []  # requests that recorded an alert
                alerts = 0
                for i in range(args.messages + 20):
                    buyer = f"t**{i // 6}"
                    agent_turn = i % 4 == 3
                    message = {
                        "message_id": f"live-{i}", "buyer_nick": buyer,
                        "account_nick": account,
                        "direction": "agent" if agent_turn else "buyer",
                        "sent_at": (start + timedelta(seconds=20 * i)).isoformat(sep=" "),
                        "text": AGENT[i % 3] if agent_turn else TEXTS[i % len(TEXTS)],
                    }  # fmt: skip
                    t0 = time.perf_counter()
                    r = c.post("/api/v1/messages", json={"messages": [message]}, headers=headers)
                    rtt = (time.perf_counter() - t0) * 1000
                    r.raise_for_status()
                    body = r.json()
                    if i < 20:
                        continue  # warm-up: analyzers load on the first message
                    server_ms.append(body["elapsed_ms"])
                    client_ms.append(rtt)
                    raised = sum(len(x["alerts"]) for x in body["results"])
                    alerts += raised
                    if raised:
                        alert_ms.append(body["elapsed_ms"])
        finally:
            server.terminate()
            server.wait(10)
    result = {
        "messages": len(server_ms),
        "alerts_recorded": alerts,
        "server_ms": {"p50": percentile(server_ms, 0.5), "p95": percentile(server_ms, 0.95),
                      "max": max(server_ms), "mean": statistics.fmean(server_ms)},
        "alert_ms": {"p50": percentile(alert_ms, 0.5), "p95": percentile(alert_ms, 0.95),
                     "max": max(alert_ms)},
        "client_ms": {"p50": percentile(client_ms, 0.5), "p95": percentile(client_ms, 0.95),
                      "max": max(client_ms)},
    }  # fmt: skip
    out_dir = ROOT / "benchmarks" / "data"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "bench_live.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
