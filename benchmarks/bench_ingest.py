"""Ingest benchmark: 1M order rows and 10M chat messages in the real export formats.

Usage::

    .venv/bin/python benchmarks/bench_ingest.py [--orders 1000000] [--messages 10000000]
        [--days 60] [--only orders,bundle,text]

Generates the files under ``benchmarks/data/`` (reused when present), then runs
``shopkpi ingest`` on each format in a fresh workspace, as a separate process, and reports
wall time, rows per second and the process's peak resident memory (from ``wait4``).
Results are written down in ``benchmarks/RESULTS.md`` by hand, with the machine they ran on.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gen_chat import generate  # noqa: E402
from gen_orders import write_orders  # noqa: E402

DATA = HERE / "data"


def run_ingest(files: list[Path], label: str) -> tuple[float, float]:
    """Ingest ``files`` into a new workspace in a child process; (seconds, peak GiB)."""
    ws = DATA / f"ws_{label}"
    shutil.rmtree(ws, ignore_errors=True)
    subprocess.run(
        [sys.executable, "-m", "shopkpi", "init", str(ws)], check=True, capture_output=True
    )
    cmd = [sys.executable, "-m", "shopkpi", "ingest", "-w", str(ws), *map(str, files)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(
            f"{label}: ingest failed: {proc.stderr.read().decode() if proc.stderr else ''}"
        )
    return seconds, usage.ru_maxrss / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=10_000_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--only", default="orders,bundle,text")
    args = parser.parse_args()
    only = set(args.only.split(","))
    rows = []
    if "orders" in only:
        path = DATA / f"ExportOrderList202611230900_{args.orders}.csv"
        if not path.exists():
            write_orders(path, args.orders)
        seconds, peak = run_ingest([path], "orders")
        rows.append(("订单报表 CSV (GBK)", args.orders, seconds, peak))
    for fmt, label in (
        ("bundle", "生意参谋 session-bundle JSON"),
        ("text", "千牛 copy-paste text"),
    ):
        if fmt not in only:
            continue
        folder = DATA / f"{fmt}_{args.messages}_{args.days}"
        if not folder.exists():
            generate(folder, fmt, args.messages, args.days)
        files = sorted(folder.iterdir())
        seconds, peak = run_ingest(files, fmt)
        rows.append((label, args.messages, seconds, peak))
    print("| format | rows | seconds | rows/s | peak RSS (GiB) |")
    print("|---|---:|---:|---:|---:|")
    for label, n, seconds, peak in rows:
        print(f"| {label} | {n:,} | {seconds:.1f} | {n / seconds:,.0f} | {peak:.2f} |")


if __name__ == "__main__":
    main()
