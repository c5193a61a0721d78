"""Compute benchmark (issue 3): one large shop, the full metric catalog vs a floor and pandas.

The large shop is made with the demo generator: one realistic shop of ``--staff`` agents is
generated and imported through the real importers (``base_*``), then tiled set-based in
DuckDB into ONE shop ``--copies`` times as large (``shop_*``): the shop id stays, and staff
ids, names, teams, sub-account nicks, buyer nicks and order, line, refund, message,
session and evaluation ids get a ``~k`` suffix per copy, so 30 staff × 10 copies is a
300-agent shop with 10M messages, without a 20 GB Python generator run. Every table the
derivations and metrics read is tiled (chat_message, orders, refund, service_eval, staff,
staff_account, shift), and the rest that hangs off staff or orders too.

Measured, each as a separate process with its peak memory (``os.wait4``), interleaved
(c, a, b, c, a, b, …) so that a drift in machine speed hits all three alike:
  (a) ``shopkpi compute`` — derivations + the full catalog, written to ``metric_value``;
  (b) the pandas reference in ``pandas_reference.py`` (same catalog, plain pandas);
  (c) the floor: one DuckDB window pass over the Parquet messages,
      ``lag(sent_at) over (partition by shop, buyer order by sent_at)`` aggregated to a count.

Usage::

    python benchmarks/bench_compute.py [--staff 30] [--scale 6.3] [--copies 10] [--runs 3]
    python benchmarks/bench_compute.py --copies 30 --runs 1      # 30M messages
    python benchmarks/bench_compute.py --check-demo               # pandas vs shopkpi, small demo
    python benchmarks/bench_compute.py --profile                  # seconds per compute step
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
PYTHON = sys.executable

# Tables copied per shop copy, with the id columns that get the copy's ``~k`` suffix.
TILED: dict[str, tuple[str, ...]] = {
    "orders": ("order_id", "buyer_nick"),
    "order_line": ("line_id", "order_id"),
    "refund": ("refund_id", "order_id", "line_id"),
    "shipment": ("order_id",),
    "chat_message": ("message_id", "buyer_nick", "account_nick", "staff_id", "session_ref"),
    "reception_session": ("data_id", "buyer_nick", "buyer_id", "account_nick", "staff_id"),
    "service_eval": ("eval_id", "buyer_nick", "account_nick", "staff_id"),
    "staff_account": ("account_nick", "staff_id"),
    "staff": ("staff_id", "name", "team", "supervisor"),
    "shift": ("staff_id",),
    "platform_cs_report": ("account_nick",),
}
# System lines name the account a buyer is handed to (``由 服务助手 转交给 店铺:小王``).
TRANSFER_TEXT = r"((转交给|-->)\s*\S+)"
# What the pandas reference reads (exported once per shop, outside the timed runs).
EXPORTED = ("chat_message", "orders", "refund", "service_eval", "staff", "staff_account", "shift")

FLOOR = """
import duckdb, sys
con = duckdb.connect()
print(con.execute(
    "SELECT count(*) FROM (SELECT lag(sent_at) OVER (PARTITION BY shop_id, buyer_nick ORDER BY sent_at) AS prev"
    " FROM read_parquet(?)) WHERE prev IS NOT NULL", [sys.argv[1]]).fetchall())
"""


def build_base(base: Path, staff: int, days: int, scale: float) -> None:
    """Generate and import the base shop (skipped when it exists)."""
    if (base / "warehouse.duckdb").exists():
        return
    from shopkpi.demo.options import DemoOptions
    from shopkpi.demo.run import build_demo

    run = build_demo(base, DemoOptions(staff=staff, days=days, scale=scale))
    print(
        f"base: {run.counts['chat_message']:,} messages, {run.counts['orders']:,} orders "
        f"(generate {run.generate_seconds:.0f} s, import {run.ingest_seconds:.0f} s)"
    )
    shutil.rmtree(base / "inbox", ignore_errors=True)  # the archive keeps every file


def _tiled_expr(table: str, column: str, id_cols: tuple[str, ...]) -> str:
    suffix = "'~' || k::VARCHAR"
    if column in id_cols:
        return f"{column} || {suffix} AS {column}"
    if table == "chat_message" and column == "text":
        return (
            f"CASE WHEN direction = 'system' THEN regexp_replace(text, '{TRANSFER_TEXT}', "
            f"'\\1' || {suffix}) ELSE text END AS text"
        )
    if table == "target" and column == "entity_id":
        return f"CASE WHEN entity_kind IN ('staff', 'team') THEN entity_id || {suffix} END AS entity_id"
    return column


def tile(base: Path, shop: Path, copies: int) -> None:
    """``shop`` = the base workspace with every row copied ``copies`` times into one shop."""
    marker = shop / ".tiled"
    if marker.exists():
        return
    import duckdb

    shutil.rmtree(shop, ignore_errors=True)
    shop.mkdir(parents=True)
    for name in ("shopkpi.yaml", "plans", "mappings", "warehouse.duckdb"):
        src = base / name
        if src.is_dir():
            shutil.copytree(src, shop / name)
        elif src.exists():
            shutil.copy2(src, shop / name)
    con = duckdb.connect(str(shop / "warehouse.duckdb"), config={"memory_limit": "6GB"})
    tables = {**TILED, "target": ("entity_id",)}
    for table, id_cols in tables.items():
        cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
        exprs = ", ".join(_tiled_expr(table, c, id_cols) for c in cols)
        where = " WHERE entity_kind IN ('staff', 'team')" if table == "target" else ""
        con.execute(
            f"INSERT INTO {table} SELECT {exprs} FROM {table}, range(1, ?) t(k){where}", [copies]
        )
    con.close()
    marker.write_text(f"{copies}\n", encoding="utf-8")


def export(shop: Path) -> Path:
    """The tables the pandas reference and the floor read, as Parquet (not timed)."""
    folder = shop / "parquet"
    if (folder / "shift.parquet").exists():
        return folder
    import duckdb

    folder.mkdir(exist_ok=True)
    con = duckdb.connect(str(shop / "warehouse.duckdb"), read_only=True)
    for table in EXPORTED:
        con.execute(f"COPY (SELECT * FROM {table}) TO '{folder / table}.parquet' (FORMAT parquet)")
    con.close()
    return folder


def sizes(shop: Path) -> dict[str, int]:
    import duckdb

    con = duckdb.connect(str(shop / "warehouse.duckdb"), read_only=True)
    out = {}
    for table in ("staff", "chat_message", "orders", "order_line", "refund", "service_eval"):
        rows = con.execute(f"SELECT count(*) FROM {table}").fetchall()
        out[table] = int(rows[0][0])
    shops = con.execute("SELECT count(DISTINCT shop_id) FROM chat_message").fetchall()
    out["shops"] = int(shops[0][0])
    con.close()
    return out


def available_gib() -> float:
    """MemAvailable from /proc/meminfo (GiB)."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024 / 1024
    return float("inf")


def peak_gib(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM, GiB); 0 once it has exited."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


def timed(cmd: list[str], reserve_gib: float = 2.0) -> tuple[float, float]:
    """Wall seconds and peak RSS (GiB) of one process.

    The peak is the child's own VmHWM, polled while it runs: ``ru_maxrss`` from ``wait4``
    also counts the memory the child inherited from this process at fork, which is large
    after an export. The machine is shared: the process is stopped (and the run reported as
    failed) when free memory falls below ``reserve_gib``, rather than letting the kernel's
    OOM killer pick a victim."""
    start = time.perf_counter()
    peak = 0.0
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        stopped = False
        while True:
            peak = max(peak, peak_gib(proc.pid))
            pid, status, _ = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if not stopped and available_gib() < reserve_gib:
                proc.kill()
                stopped = True
            time.sleep(0.1)
        seconds = time.perf_counter() - start
        err.seek(0)
        message = err.read().decode(errors="replace")
    if stopped:
        raise SystemExit(f"{cmd[:3]} stopped: free memory fell below {reserve_gib} GiB")
    if status != 0:
        raise SystemExit(f"{cmd[:3]} failed: {message[-2000:]}")
    return seconds, peak


def bench(shop: Path, runs: int, pandas: bool) -> None:
    parquet = export(shop)
    commands = {
        "c": (
            "floor (one window pass)",
            [PYTHON, "-c", FLOOR, str(parquet / "chat_message.parquet")],
        ),
        "a": (
            "shopkpi compute (full catalog)",
            [PYTHON, "-m", "shopkpi", "compute", "-w", str(shop)],
        ),
    }
    if pandas:
        commands["b"] = ("pandas reference", [PYTHON, str(HERE / "pandas_reference.py"), str(shop)])
    results: dict[str, list[tuple[float, float]]] = {k: [] for k in commands}
    for run in range(runs):
        for key, (label, cmd) in commands.items():
            load = os.getloadavg()[0]
            try:
                seconds, peak = timed(cmd)
            except SystemExit as exc:  # e.g. pandas stopped for memory: keep the others
                print(f"run {run + 1} {label}: {exc}")
                continue
            results[key].append((seconds, peak))
            print(
                f"run {run + 1} {label}: {seconds:.1f} s, {peak:.2f} GiB (load before {load:.2f})",
                flush=True,
            )
    done = {k: v for k, v in results.items() if v}
    median = {k: statistics.median(s for s, _ in v) for k, v in done.items()}
    print("\n| run | wall s (median; min–max) | × floor | peak RSS GiB (max) |")
    print("|---|---:|---:|---:|")
    for key, (label, _) in commands.items():
        if key not in done:
            continue
        secs = [s for s, _ in done[key]]
        peak = max(p for _, p in done[key])
        print(
            f"| {label} | {median[key]:.1f} ({min(secs):.1f}–{max(secs):.1f}) | "
            f"{median[key] / median['c']:.1f} | {peak:.2f} |"
        )
    paired = list(zip(results["a"], results.get("b", []), strict=False))
    if len(paired) == len(results["a"]) and paired:
        print(f"\npandas / shopkpi per run: {', '.join(f'{b[0] / a[0]:.2f}' for a, b in paired)}")
    floors = list(zip(results["c"], results["a"], strict=False))
    print(f"shopkpi / floor per run: {', '.join(f'{a[0] / c[0]:.1f}' for c, a in floors)}")


def _cpu() -> float:
    """CPU seconds of this process (DuckDB's threads included)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def profile(shop: Path, top: int = 15) -> None:
    """Seconds per compute step (in-process, one run): what bounds ``shopkpi compute``."""
    from shopkpi.derive import derivation_steps
    from shopkpi.engine import DuckDBEngine
    from shopkpi.metrics.compute import build_scope, data_days, latest_event
    from shopkpi.metrics.context import MetricContext
    from shopkpi.metrics.steps import metric_steps
    from shopkpi.metrics.store import write_result
    from shopkpi.workspace import Workspace

    ws = Workspace(shop)
    try:
        con = ws.warehouse.con
        as_of = latest_event(ws.warehouse)
        assert as_of is not None
        timings: list[tuple[str, float, float]] = []
        engine = DuckDBEngine(con)

        def run(steps: list) -> None:  # type: ignore[type-arg]
            for step in steps:
                wall, cpu = time.perf_counter(), _cpu()
                engine.run([step])
                timings.append((step.name, time.perf_counter() - wall, _cpu() - cpu))

        run(derivation_steps(ws.config, as_of))
        ctx = MetricContext(ws.config, as_of)
        run(metric_steps(ctx, build_scope(None, ctx, *data_days(ws.warehouse, ctx.local_today()))))
        wall, cpu = time.perf_counter(), _cpu()
        with ws.warehouse.transaction():
            write_result(con, as_of)
        timings.append(("(store metric_value)", time.perf_counter() - wall, _cpu() - cpu))
        total = sum(s for _, s, _ in timings)
        print(f"{'step':>24}  wall s (share)   cpu s")
        for name, seconds, cpu_s in sorted(timings, key=lambda x: -x[2])[:top]:
            print(f"{name:>24}: {seconds:6.2f} ({seconds / total:4.0%})  {cpu_s:6.2f}")
        cpu_total = sum(c for _, _, c in timings)
        print(f"{'all ' + str(len(timings)) + ' steps':>24}: {total:6.2f}         {cpu_total:6.2f}")
    finally:
        ws.close()


def check_demo() -> None:
    """Run shopkpi and the pandas reference on the default demo shop and compare them."""
    root = DATA / "check_demo"
    build_base(root, 20, 56, 1.0)
    export(root)
    subprocess.run(
        [PYTHON, "-m", "shopkpi", "compute", "-w", str(root)], check=True, stdout=subprocess.DEVNULL
    )
    subprocess.run([PYTHON, str(HERE / "pandas_reference.py"), str(root)], check=True)
    subprocess.run([PYTHON, str(HERE / "check_reference.py"), str(root)], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=30)
    parser.add_argument("--days", type=int, default=56)
    parser.add_argument("--scale", type=float, default=6.3)
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-pandas", action="store_true", help="skip (b)")
    parser.add_argument("--profile", action="store_true", help="seconds per compute step")
    parser.add_argument("--check-demo", action="store_true", help="pandas vs shopkpi, small demo")
    args = parser.parse_args()
    if args.check_demo:
        check_demo()
        return
    base = DATA / f"base_s{args.staff}_d{args.days}_x{args.scale}"
    shop = DATA / f"shop_s{args.staff}_d{args.days}_x{args.scale}_c{args.copies}"
    build_base(base, args.staff, args.days, args.scale)
    tile(base, shop, args.copies)
    n = sizes(shop)
    print(
        f"shop: {n['shops']} shop, {n['staff']} staff, {n['chat_message']:,} messages, "
        f"{n['orders']:,} orders, {n['order_line']:,} order lines, {n['refund']:,} refunds, "
        f"{n['service_eval']:,} evaluations"
    )
    if args.profile:
        profile(shop)
        return
    bench(shop, args.runs, not args.no_pandas)
    print(f"\nagreement at this size: python {HERE.name}/check_reference.py {shop}")


if __name__ == "__main__":
    main()
