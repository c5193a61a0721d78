"""``shopkpi report daily|monthly``: text, HTML, xlsx, and the push to a group robot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from shopkpi.cli.app import app
from shopkpi.demo import DemoOptions
from shopkpi.demo.run import build_demo
from shopkpi.workspace import Workspace
from tests.insights.conftest import Hook

runner = CliRunner()
OPTIONS = DemoOptions(staff=6, days=10, scale=0.3, seed=7)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("reports") / "demo"
    build_demo(root, OPTIONS)
    ws = Workspace(root)
    ws.compute()
    ws.close()
    yield root


def invoke(*args: str) -> str:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_daily_text_html_and_xlsx(demo: Path, tmp_path: Path) -> None:
    text = invoke("report", "daily", "-w", str(demo))
    assert text.startswith("【日报】demo · 2026-11-22\n")
    assert "当日指标（较前一天 / 较上周同日）：" in text and "- 店铺销售额：" in text
    html_path = tmp_path / "daily.html"
    invoke("report", "daily", "-f", "html", "-o", str(html_path), "-w", str(demo))
    page = html_path.read_text(encoding="utf-8")
    assert (
        page.startswith('<!doctype html><html lang="zh-CN">')
        and "<h1>日报 demo 2026-11-22</h1>" in page
    )
    xlsx = tmp_path / "daily.xlsx"
    invoke("report", "daily", "-f", "xlsx", "-o", str(xlsx), "-w", str(demo))
    book = load_workbook(xlsx)
    assert book.sheetnames == ["报告", "当日指标", "异常", "流量异常"]
    assert book["报告"]["A1"].value == "日报 demo 2026-11-22"
    assert [c.value for c in book["当日指标"][1]] == ["指标", "当日", "前一天", "上周同日"]


def test_monthly_has_ranking_and_diagnosis(demo: Path) -> None:
    text = invoke("report", "monthly", "--period", "2026-11", "-w", str(demo))
    assert text.startswith("【月报】demo · 2026-11\n")
    assert "客服销售额排行（前 10）：" in text and "诊断：" in text


def test_the_monthly_workbook_names_topics_and_roles(demo: Path, tmp_path: Path) -> None:
    from shopkpi.insights.diagnosis import diagnose

    xlsx = tmp_path / "monthly.xlsx"
    invoke(
        "report", "monthly", "--period", "2026-11", "-f", "xlsx", "-o", str(xlsx), "-w", str(demo)
    )
    rows = list(load_workbook(xlsx)["诊断"].iter_rows(values_only=True))
    ws = Workspace(demo)
    try:
        people = diagnose(ws.warehouse.con, ws.config, "2026-11")
    finally:
        ws.close()
    assert rows[0] == ("员工", "姓名", "发现", "培训建议", "建议岗位")
    assert [(r[0], r[3] or "", r[4] or "") for r in rows[1:]] == [
        (p.staff_id, "、".join(t.name for t in p.training), p.role.name if p.role else "")
        for p in people
    ]
    assert not any("{" in str(r[3]) or "{" in str(r[4]) for r in rows[1:])  # names, not dicts


def test_the_daily_report_is_pushed_to_a_group_robot(demo: Path, hook: Hook) -> None:
    (demo / "alerts.yaml").write_text(
        f"channels:\n  - id: 客服群\n    type: wecom\n    webhook: {hook.url}\n", encoding="utf-8"
    )
    try:
        out = invoke("report", "daily", "--send", "客服群", "-w", str(demo))
        assert "✓ 客服群：已发送（1 次）" in out
        [post] = hook.posts
        assert post["body"]["msgtype"] == "markdown"
        assert "日报" in post["body"]["markdown"]["content"]
        ws = Workspace(demo)
        try:
            [inbox] = [a for a in ws.appdb.alerts() if a.kind == "report"]
            assert (inbox.rule, inbox.title) == ("daily_report", "日报 demo 2026-11-22")
        finally:
            ws.close()
        unknown = runner.invoke(app, ["report", "daily", "--send", "nope", "-w", str(demo)])
        assert unknown.exception is not None and "alerts.yaml 中没有渠道 nope" in str(
            unknown.exception
        )
    finally:
        (demo / "alerts.yaml").unlink()
