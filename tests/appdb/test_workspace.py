"""The app DB behind the Workspace and the CLI: location, roster check, commands, ingest."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import inspect
from typer.testing import CliRunner

from shopkpi.appdb.migrate import current, head
from shopkpi.appdb.records import RatingsFileError
from shopkpi.appdb.url import resolve_url
from shopkpi.cli.app import app
from shopkpi.templates import TemplateKind, write_template
from shopkpi.workspace import Workspace

ENV = {"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
Writer = Callable[..., Path]


def test_app_db_lives_in_the_workspace_and_is_migrated(ws: Workspace) -> None:
    db = ws.appdb
    assert db.url.database == str(ws.root / "app.db")
    assert (ws.root / "app.db").exists()
    assert current(db.engine) == head() == "0005"
    tables = set(inspect(db.engine).get_table_names())
    assert {"rating", "audit_log", "plan_adoption", "scorecard_snapshot"} <= tables
    assert {"kpi_proposal", "kpi_proposal_event"} <= tables


def test_url_resolution(tmp_path: Path) -> None:
    assert resolve_url("sqlite:///app.db", tmp_path).database == str(tmp_path / "app.db")
    assert resolve_url("sqlite:////srv/x/app.db", tmp_path).database == "/srv/x/app.db"
    pg = resolve_url("postgresql://kpi@db:5432/shop", tmp_path)
    assert (pg.drivername, pg.host, pg.database) == ("postgresql+psycopg", "db", "shop")


def test_staff_ids_are_checked_once_a_roster_exists(ws: Workspace, ratings_csv: Writer) -> None:
    s002 = ratings_csv("s002.csv", "S002,2026-11,态度.责任心,80,,王主管")
    assert ws.staff_ids() is None
    assert ws.import_ratings(s002, "王主管").created == 1  # no roster yet: not checked
    roster = write_template(TemplateKind.roster, ws.root / "inbox" / "员工花名册.xlsx")
    [imported] = ws.ingest([roster])
    assert imported.status == "ok", imported.message
    assert ws.staff_ids() == frozenset({"S001"})
    changed = ratings_csv("s002b.csv", "S002,2026-11,态度.责任心,60,,王主管")
    with pytest.raises(RatingsFileError, match="未知的员工编号「S002」"):
        ws.import_ratings(changed, "王主管")
    assert ws.appdb.ratings_for("2026-11") == {
        ("S002", "attitude.responsibility"): Decimal("80.00")
    }


def test_ingest_refuses_a_ratings_file_and_points_to_the_importer(
    ws: Workspace, ratings_csv: Writer
) -> None:
    [result] = ws.ingest([ratings_csv("主管评分.csv", "S001,2026-11,态度.责任心,90,,王主管")])
    assert result.status == "refused"
    assert result.error is not None and result.error.reason == "ratings_file"
    assert "shopkpi ratings import 主管评分.csv" in result.message
    assert ws.warehouse.count("staff") == 0 and ws.appdb.ratings() == []


def test_cli_import_and_list(ws: Workspace, ratings_csv: Writer) -> None:
    ws.close()
    root = str(ws.root)
    path = ratings_csv("r.csv", "S001,2026-11,态度.责任心,90,,王主管", "S001,2026-11,主动性,75,,")
    runner = CliRunner()
    result = runner.invoke(
        app, ["ratings", "import", str(path), "--by", "李店长", "-w", root], env=ENV
    )
    assert result.exit_code == 0, result.output
    assert "读取 2 条评分，新增 2，修改 0，未变 0" in result.output
    again = runner.invoke(
        app, ["ratings", "import", str(path), "--by", "李店长", "-w", root], env=ENV
    )
    assert "新增 0，修改 0，未变 2" in again.output
    listed = runner.invoke(app, ["ratings", "list", "-p", "2026/11", "--json", "-w", root], env=ENV)
    assert listed.exit_code == 0, listed.output
    rows = [
        (r["staff_id"], r["criterion_id"], r["score"], r["rater"])
        for r in json.loads(listed.output)
    ]
    assert rows == [
        ("S001", "attitude.initiative", "75.00", "李店长"),
        ("S001", "attitude.responsibility", "90.00", "王主管"),
    ]
    table = runner.invoke(app, ["ratings", "list", "-w", root], env=ENV)
    assert "态度.主动性" in table.output and "态度.责任心" in table.output


def test_cli_bad_file_exits_1_with_row_and_column(ws: Workspace, ratings_csv: Writer) -> None:
    ws.close()
    path = ratings_csv("bad.csv", "S001,2026-11,态度.责任心,150,,王主管")
    result = CliRunner().invoke(
        app, ["ratings", "import", str(path), "--by", "王主管", "-w", str(ws.root)], env=ENV
    )
    assert result.exit_code == 1
    assert "bad.csv:2 [分数]: 分数 150 超出 0–100" in result.output
