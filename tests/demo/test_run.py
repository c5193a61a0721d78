"""End to end: ``shopkpi demo`` writes real exports and the real importers take all of them."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopkpi.cli.app import app
from shopkpi.demo import DemoError, DemoOptions, build_demo, generate_demo
from shopkpi.demo.generate import ITEM_REPORT, ORDER_REPORT, PEOPLE_KINDS, QIANNIU_WORKBOOK
from shopkpi.demo.history import simulate
from shopkpi.demo.run import DemoRun
from shopkpi.demo.snapshot import line_status, order_state, refunds_by_order
from shopkpi.ingest.adapters.orders import ORDER_STATUS
from shopkpi.workspace import Workspace

E2E = DemoOptions(staff=6, days=10, scale=0.2)
ORDER_KINDS = (ORDER_REPORT, ITEM_REPORT, QIANNIU_WORKBOOK)
Statuses = tuple[dict[str, str], dict[str, str]]


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e") / "demo"


@pytest.fixture(scope="module")
def first_run(demo_dir: Path) -> DemoRun:
    return build_demo(demo_dir, E2E)


def final_statuses(options: DemoOptions) -> Statuses:
    """Canonical order and line statuses as of the final export, from the simulation."""
    history = simulate(options)
    refunds = refunds_by_order(history.refunds)
    end = history.final_export
    orders, lines = {}, {}
    for order in history.orders:
        mine = refunds.get(order.order_id, [])
        state = order_state(order, mine, end)
        orders[order.order_id] = ORDER_STATUS[state.status]
        for line in order.lines:
            lines[line.line_id] = ORDER_STATUS[line_status(line, state, mine, end)]
    return orders, lines


def warehouse_statuses(ws: Workspace) -> Statuses:
    con = ws.warehouse.con
    orders = dict(con.execute("SELECT order_id, status FROM orders").fetchall())
    lines = dict(con.execute("SELECT line_id, status FROM order_line").fetchall())
    return orders, lines


def test_every_file_imports(first_run: DemoRun) -> None:
    run = first_run
    assert run.refused == []
    assert all(r.status == "ok" and r.quarantined == 0 and r.stale == 0 for r in run.results)
    assert len(run.results) == len(run.files.files)
    for table in ("staff", "staff_account", "orders", "order_line", "chat_message", "shift"):
        assert run.counts[table] > 0, table
    assert run.counts["shipment"] > 0
    assert run.counts["platform_cs_report"] > 0
    assert run.counts["staff"] == E2E.staff  # the roster, not auto-created accounts
    assert {r.adapter for r in run.results} >= {
        "roster",
        "order_report",
        "sales_detail",
        "reception_json",
        "qianniu_chat_text",
        "service_eval",
        "order_report+sales_detail+shipment_report",  # the 千牛 workbook, all three sheets
        "platform_cs_report",  # the platform's own 客服绩效 report, for reconcile
    }


def test_warehouse_ends_at_the_final_statuses(demo_dir: Path, first_run: DemoRun) -> None:
    orders, lines = final_statuses(E2E)
    assert first_run.counts["orders"] == len(orders)
    assert first_run.counts["order_line"] == len(lines)  # CSV and workbook lines share keys
    ws = Workspace(demo_dir)
    try:
        assert warehouse_statuses(ws) == (orders, lines)
    finally:
        ws.close()


def test_import_order_does_not_matter(tmp_path: Path) -> None:
    """Newest export first: the older CSVs are stale and change nothing."""
    ws = Workspace.init(tmp_path / "ws", shop_id="demo", shop_name="示例旗舰店")
    try:
        files = generate_demo(ws.root / "inbox", E2E)
        ws.ingest([f.path for f in files.files if f.kind in PEOPLE_KINDS])
        order_files = [f.path for f in files.files if f.kind in ORDER_KINDS]
        results = [ws.ingestor.ingest_path(p) for p in reversed(order_files)]
        assert all(r.status == "ok" and r.quarantined == 0 for r in results)
        assert all(r.stale > 0 for r in results[1:])
        assert warehouse_statuses(ws) == final_statuses(E2E)
    finally:
        ws.close()


def test_rerun_changes_nothing(demo_dir: Path, first_run: DemoRun) -> None:
    run = build_demo(demo_dir, E2E)
    assert {r.status for r in run.results} == {"skipped"}


def test_refuses_other_options_or_a_foreign_folder(demo_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(DemoError):
        build_demo(demo_dir, DemoOptions(staff=7, days=10, scale=0.2))
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(DemoError):
        build_demo(tmp_path, E2E)


def test_cli_demo(tmp_path: Path) -> None:
    args = ["demo", str(tmp_path / "d"), "--staff", "4", "--days", "3", "--scale", "0.2"]
    result = CliRunner().invoke(app, [*args, "--seed", "9", "--end", "2026-06-18"])
    assert result.exit_code == 0, result.output
    assert "示例工作区" in result.output and "chat_message" in result.output
