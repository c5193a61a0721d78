"""End to end: ``shopkpi demo`` writes real exports and the real importers take all of them."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopkpi.cli.app import app
from shopkpi.demo import DemoError, DemoOptions, build_demo

E2E = DemoOptions(staff=6, days=10, scale=0.2)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e") / "demo"


def test_every_file_imports(demo_dir: Path) -> None:
    run = build_demo(demo_dir, E2E)
    assert run.refused == []
    assert all(r.status == "ok" and r.quarantined == 0 for r in run.results)
    assert len(run.results) == len(run.files.files)
    for table in ("staff", "staff_account", "orders", "order_line", "chat_message", "shift"):
        assert run.counts[table] > 0, table
    assert run.counts["staff"] == E2E.staff  # the roster, not auto-created accounts
    assert {r.adapter for r in run.results} >= {
        "roster",
        "order_report",
        "sales_detail",
        "reception_json",
        "qianniu_chat_text",
        "service_eval",
    }


def test_rerun_changes_nothing(demo_dir: Path) -> None:
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
