"""Templates carry the FIELD.md §1.6b headers, and importing them unchanged works."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from shopkpi.cli.app import app
from shopkpi.templates import TemplateKind, write_template
from shopkpi.workspace import Workspace


def _rows(path: Path) -> list[list[object]]:
    book = CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_name(book.sheet_names[0]).to_python()


def test_cli_writes_ratings_template(tmp_path: Path) -> None:
    out = tmp_path / "评分.xlsx"
    result = CliRunner().invoke(app, ["template", "ratings", "--out", str(out)])
    assert result.exit_code == 0, result.output
    header, example = _rows(out)
    assert header == ["员工编号", "周期", "维度", "分数", "评语", "评分人"]
    assert example[:3] == ["S001", "2026-11", "态度.责任心"]


def test_default_file_name(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert write_template(TemplateKind.shifts) == Path("排班表模板.xlsx")
    assert _rows(tmp_path / "排班表模板.xlsx")[0] == ["员工编号", "日期", "上班时间", "下班时间"]


def test_templates_import_unchanged(ws: Workspace, tmp_path: Path) -> None:
    kinds = [TemplateKind.roster, TemplateKind.shifts, TemplateKind.targets, TemplateKind.evals]
    paths = [write_template(k, tmp_path / f"{k}.xlsx") for k in kinds]
    results = [r for path in paths for r in ws.ingest([path])]  # roster first: evals resolve staff
    assert [(r.status, r.adapter, r.accepted) for r in results] == [
        ("ok", "roster", 1),
        ("ok", "shifts", 1),
        ("ok", "targets", 1),
        ("ok", "service_eval", 1),
    ], [r.message for r in results]
    con = ws.warehouse.con
    assert con.execute("SELECT staff_id, role, level, base_salary FROM staff").fetchall() == [
        ("S001", "presale_cs", "junior", Decimal("4000.00"))
    ]
    assert con.execute(
        "SELECT account_nick, valid_from, staff_id FROM staff_account"
    ).fetchall() == [("示例旗舰店:小美", dt.date(2026, 1, 5), "S001")]
    assert con.execute("SELECT * EXCLUDE (_file_hash, _row, _source_ts) FROM shift").fetchall() == [
        ("S001", dt.date(2026, 11, 11), dt.time(9, 0), dt.time(18, 0))
    ]
    assert con.execute(
        "SELECT entity_kind, entity_id, period, metric_id, value FROM target"
    ).fetchall() == [("staff", "S001", "2026-11", "cs_sales", Decimal("30000.0000"))]
    assert con.execute("SELECT staff_id, score, source FROM service_eval").fetchall() == [
        ("S001", 0, "agent_invite")
    ]
