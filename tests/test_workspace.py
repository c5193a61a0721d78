"""``shopkpi init`` and the Workspace facade."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopkpi.cli.app import app
from shopkpi.errors import WorkspaceError
from shopkpi.workspace import Workspace


def test_init_writes_commented_config_and_folders(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["init", str(tmp_path / "w"), "--shop-id", "s9"])
    assert result.exit_code == 0, result.output
    root = tmp_path / "w"
    for folder in ("plans", "inbox", "archive", "mappings"):
        assert (root / folder).is_dir()
    text = (root / "shopkpi.yaml").read_text(encoding="utf-8")
    assert "# " in text and "下单优先判定" in text
    assert Workspace(root).config.shop().id == "s9"


def test_init_never_overwrites_an_existing_config(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path, shop_id="keep")
    Workspace.init(tmp_path, shop_id="other")
    assert Workspace(ws.root).config.shop().id == "keep"


def test_a_folder_without_config_is_not_a_workspace(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="shopkpi init"):
        Workspace(tmp_path)


def test_ingest_command_imports_inbox_and_prints_summary(ws: Workspace) -> None:
    from tests.ingest.test_orders import CLASSIC_HEADER, classic_row

    (ws.root / "inbox" / "ExportOrderList202611160930.csv").write_bytes(
        f"{CLASSIC_HEADER}\r\n{classic_row()}\r\n".encode("gbk")
    )
    ws.close()
    runner = CliRunner()
    first = runner.invoke(app, ["ingest", "-w", str(ws.root)], env={"COLUMNS": "200"})
    assert first.exit_code == 0, first.output
    assert "已导入" in first.output and "order_report" in first.output
    second = runner.invoke(app, ["ingest", "-w", str(ws.root)], env={"COLUMNS": "200"})
    assert "已跳过" in second.output


def test_ingest_command_exits_nonzero_when_a_file_is_refused(ws: Workspace, tmp_path: Path) -> None:
    bad = tmp_path / "empty.csv"
    bad.write_bytes(b"")
    ws.close()
    result = CliRunner().invoke(app, ["ingest", "-w", str(ws.root), str(bad)])
    assert result.exit_code == 1
    assert "文件是空的" in result.output


def test_quarantine_and_imports_commands_show_rejected_rows(ws: Workspace) -> None:
    from tests.ingest.test_orders import CLASSIC_HEADER, classic_row

    path = ws.root / "inbox" / "ExportOrderList202611160930.csv"
    path.write_bytes(
        f"{CLASSIC_HEADER}\r\n{classic_row()}\r\n{classic_row(order_id='1.93068E+15')}\r\n".encode(
            "gbk"
        )
    )
    ws.ingest()
    [row] = ws.quarantined()
    assert (row["file_name"], row["row_number"], row["column_name"]) == (path.name, 3, "订单编号")
    [log] = ws.import_log()
    assert (log["status"], log["accepted"], log["quarantined"]) == ("ok", 1, 1)
    ws.close()
    runner = CliRunner()
    shown = runner.invoke(app, ["quarantine", "-w", str(ws.root)], env={"COLUMNS": "250"})
    assert shown.exit_code == 0 and "科学计数法" in shown.output
    logged = runner.invoke(app, ["imports", "-w", str(ws.root)], env={"COLUMNS": "250"})
    assert logged.exit_code == 0 and "order_report" in logged.output
