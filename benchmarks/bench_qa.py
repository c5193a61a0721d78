"""Time the chat-QA step of compute on a computed workspace (default: ./demo).

    .venv/bin/python benchmarks/bench_qa.py [WORKSPACE]

Runs ``shopkpi.qa.pipeline.run_qa`` over every day with data, as ``shopkpi compute`` does,
three times, and prints the best time and messages per second.
"""

from __future__ import annotations

import sys
import time

from shopkpi.metrics.compute import data_days
from shopkpi.qa.pipeline import run_qa
from shopkpi.workspace import Workspace


def main() -> None:
    ws = Workspace(sys.argv[1] if len(sys.argv) > 1 else "demo")
    try:
        first, last = data_days(ws.warehouse)
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            result = run_qa(ws.warehouse.con, ws.config, first, last, root=ws.root)
            best = min(best, time.perf_counter() - started)
    finally:
        ws.close()
    print(
        f"sessions {result.sessions:,}, messages {result.messages:,}, findings {result.findings:,}: "
        f"best of 3 {best:.2f} s, {result.messages / best:,.0f} messages/s"
    )


if __name__ == "__main__":
    main()
