"""Compute benchmark (issue 3): a large shop, the full metric catalog vs a floor and pandas.

The large shop is made with the demo generator: one realistic shop of ``--staff`` agents is
generated and imported through the real importers, then tiled set-based in DuckDB into
``--copies`` shops (ids suffixed per copy; an agency's many shops), so 300 staff and 10M
messages come from 30 staff × 10 copies without a 20 GB Python generator run.

Measured, each as a separate process with its peak memory (``os.wait4``):
  (a) ``shopkpi compute`` — derivations + the full catalog;
  (b) the pandas reference in ``pandas_reference.py`` (same catalog, plain pandas), when present;
  (c) the floor: one DuckDB window pass over the Parquet messages,
      ``lag(sent_at) over (partition by shop, buyer order by sent_at)`` aggregated to a count.

Usage::

    .venv/bin/python benchmarks/bench_compute.py [--staff 30] [--copies 10] [--scale 4.6] [--days 56]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"

# Canonical tables copied per shop, and the id columns that get the copy's suffix.
TILED = {
    "orders": ("order_id", "buyer_nick"),
    "order_line": ("line_id", "order_id"),
    "refund": ("refund_id", "order_id", "line_id"),
    "chat_message": ("message_id", "buyer_nick", "account_nick", "staff_id", "session_ref"),
    "reception_session": ("data_id", "buyer_nick", "account_nick", "staff_id"),
    "service_eval": ("eval_id", "buyer_nick", "account_nick", "staff_id"),
    "staff_account": ("account_nick", "staff_id"),
}


def build(root: Path, staff: int, days: int, scale: float) -> None:
    """Generate and import the base shop (skipped when it exists)."""
    if (root / "shopkpi.yaml").exists():
        return
    from shopkpi.demo.options import DemoOptions
    from shopkpi.demo.run import build_demo

    build_demo(root, DemoOptions(staff=staff, days=days, scale=scale))


def tile(root: Path, copies: int) -> None:
    """Copy the base shop's rows into ``copies`` shops inside the warehouse."""
    import duckdb

    con = duckdb.connect(str(root / "warehouse.duckdb"))
    shops = [r[0] for r in con.execute("SELECT DISTINCT shop_id FROM orders").fetchall()]
    if len(shops) > 1:
        return
    for table, id_cols in TILED.items():
        cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
        exprs = []
        for c in cols:
            if c == "shop_id":
                exprs.append("shop_id || '_' || k::VARCHAR AS shop_id")
            elif c in id_cols:
                exprs.append(f"{c} || '~' || k::VARCHAR AS {c}")
            else:
                exprs.append(c)
        con.execute(
            f"INSERT INTO {table} SELECT {', '.join(exprs)} FROM {table}, range(1, ?) t(k)",
            [copies],
        )
    con.execute(
        "INSERT INTO staff SELECT staff_id || '~' || k::VARCHAR, * EXCLUDE (staff_id) "
        "FROM staff, range(1, ?) t(k)",
        [copies],
    )
    con.close()


def timed(cmd: list[str]) -> tuple[float, float]:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"{cmd[:3]} failed: {err[-2000:]}")
    return seconds, usage.ru_maxrss / 1024 / 1024


FLOOR = """
import duckdb, sys
con = duckdb.connect()
print(con.execute(
    "SELECT count(*) FROM (SELECT lag(sent_at) OVER (PARTITION BY shop_id, buyer_nick ORDER BY sent_at) AS prev"
    " FROM read_parquet(?)) WHERE prev IS NOT NULL", [sys.argv[1]]).fetchall())
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--staff", type=int, default=30)
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--days", type=int, default=56)
    parser.add_argument("--scale", type=float, default=4.6)
    args = parser.parse_args()
    root = DATA / f"shop_{args.staff}x{args.copies}_{args.days}_{args.scale}"
    build(root, args.staff, args.days, args.scale)
    tile(root, args.copies)
    import duckdb

    con = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    messages = con.execute("SELECT count(*) FROM chat_message").fetchall()[0][0]
    orders = con.execute("SELECT count(*) FROM orders").fetchall()[0][0]
    staff = con.execute("SELECT count(*) FROM staff").fetchall()[0][0]
    parquet = root / "messages.parquet"
    if not parquet.exists():
        con.execute(f"COPY (SELECT * FROM chat_message) TO '{parquet}' (FORMAT parquet)")
    con.close()
    print(f"shop: {staff} staff, {messages:,} messages, {orders:,} orders")
    rows = [("floor (one window pass)", *timed([sys.executable, "-c", FLOOR, str(parquet)]))]
    rows.append(
        (
            "shopkpi compute (full catalog)",
            *timed([sys.executable, "-m", "shopkpi", "compute", "-w", str(root)]),
        )
    )
    reference = HERE / "pandas_reference.py"
    if reference.exists():
        rows.append(("pandas reference", *timed([sys.executable, str(reference), str(root)])))
    floor = rows[0][1]
    print("| run | seconds | × floor | peak RSS (GiB) |")
    print("|---|---:|---:|---:|")
    for label, seconds, peak in rows:
        print(f"| {label} | {seconds:.1f} | {seconds / floor:.1f} | {peak:.2f} |")


if __name__ == "__main__":
    main()
