"""``shopkpi close``: refuses while pending, records a forced close's reason, freezes scores
that never change afterwards, and corrections become new versions with both visible."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from shopkpi.cli.app import app
from shopkpi.scoring.service import ScoringError
from shopkpi.workspace import Workspace
from tests.scoring.shop import make_shop, plan_path, put_value

ENV = {"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}


def run(ws: Workspace, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, [*args, "-w", str(ws.root)], env=ENV)
    return result.exit_code, result.output


def score_json(ws: Workspace, *args: str) -> str:
    code, out = run(ws, "score", "-p", "2026-11", "-f", "json", *args)
    assert code == 0, out
    return out


@pytest.fixture
def pending_shop(ws: Workspace) -> Workspace:
    """s2's 询单→最终付款 is still inside its payment buffer (待定)."""
    make_shop(ws, s2_pending=True)
    ws.scoring.adopt(plan_path(ws), "老板")
    return ws


def test_close_refuses_while_items_are_pending(pending_shop: Workspace) -> None:
    code, out = run(pending_shop, "close", "-p", "2026-11", "--by", "财务")
    assert code == 1
    assert "还有 1 项待定（阿强·询单→最终付款转化率…）" in out and "--force --reason" in out
    assert pending_shop.appdb.snapshots("2026-11") == []
    code, out = run(pending_shop, "close", "-p", "2026-11", "--by", "财务", "--force")
    assert code == 1 and "必须说明原因" in out
    assert pending_shop.appdb.snapshots("2026-11") == []


def test_forced_close_records_the_reason_and_the_pending_items(pending_shop: Workspace) -> None:
    args = (
        "close",
        "-p",
        "2026-11",
        "--by",
        "财务",
        "--force",
        "--reason",
        "月底发薪，转化率先按当前数",
    )
    code, out = run(pending_shop, *args)
    assert code == 0, out
    assert "2026-11 已封账：第 1 版，2 人" in out and "（强制，含待定项）" in out
    [snap] = pending_shop.appdb.snapshots("2026-11")
    assert (snap.version, snap.frozen_by, snap.forced) == (1, "财务", True)
    assert (snap.reason, snap.pending) == (
        "月底发薪，转化率先按当前数",
        ("阿强·询单→最终付款转化率",),
    )
    assert [(p.plan, p.version) for p in snap.plans] == [("测试售前", 1)]
    [entry] = pending_shop.appdb.audit("snapshot", "2026-11")
    assert (entry.action, entry.actor, entry.reason) == (
        "freeze",
        "财务",
        "月底发薪，转化率先按当前数",
    )
    doc = json.loads(score_json(pending_shop))
    assert doc["frozen"] and doc["snapshot"]["version"] == 1 and doc["snapshot"]["forced"]
    assert [p["status"] for p in doc["people"]] == ["final", "pending"]


def test_a_frozen_period_is_never_recomputed(pending_shop: Workspace) -> None:
    ws = pending_shop
    code, _ = run(ws, "close", "-p", "2026-11", "--by", "财务", "--force", "--reason", "先封")
    assert code == 0
    frozen_json = score_json(ws)
    frozen_card = run(ws, "scorecard", "s2", "-p", "2026-11")[1]
    # New data for the month: the buffer passed (s2 converted 0.46), more sales, a new rating.
    put_value(ws.warehouse.con, "s2", "inquiry_to_paid_rate", "46", "100")
    put_value(ws.warehouse.con, "s2", "cs_sales", "30000", None)
    ws.appdb.set_rating("s2", "2026-11", "attitude.responsibility", 95, actor="王主管")
    assert score_json(ws) == frozen_json  # byte for byte
    assert run(ws, "scorecard", "s2", "-p", "2026-11")[1] == frozen_card
    live = json.loads(score_json(ws, "--live"))
    assert [p["total"] for p in live["people"]] == ["99.00", "91.60"]  # 32 + 48 + 19 for s2
    assert json.loads(frozen_json)["people"][1]["total"] == "14.00"


def test_a_correction_is_version_2_and_both_stay_visible(pending_shop: Workspace) -> None:
    ws = pending_shop
    run(ws, "close", "-p", "2026-11", "--by", "财务", "--force", "--reason", "先封")
    first = score_json(ws)
    put_value(ws.warehouse.con, "s2", "inquiry_to_paid_rate", "46", "100")
    code, out = run(ws, "close", "-p", "2026-11", "--by", "财务")
    assert code == 1 and "更正需要说明原因" in out
    code, out = run(ws, "close", "-p", "2026-11", "--by", "财务", "--reason", "转化率定稿后更正")
    assert code == 0 and "2026-11 已更正：第 2 版" in out
    latest = json.loads(score_json(ws))
    assert (latest["snapshot"]["version"], latest["snapshot"]["versions"]) == (2, [1, 2])
    assert latest["snapshot"]["reason"] == "转化率定稿后更正" and not latest["snapshot"]["forced"]
    assert [p["total"] for p in latest["people"]] == ["91.60", "46.00"]  # s2: 32 + 0 + 14
    again = json.loads(score_json(ws, "--version", "1"))
    assert again["people"] == json.loads(first)["people"]
    assert again["snapshot"]["versions"] == [1, 2]
    code, out = run(ws, "close", "--list", "-p", "2026-11")
    assert code == 0 and "第1版" in out and "第2版" in out and "转化率定稿后更正" in out
    code, out = run(ws, "score", "-p", "2026-11", "--version", "3")
    assert code == 1 and "没有第 3 版封账（已有版本：1、2）" in out


def test_close_needs_adopted_plans(ws: Workspace) -> None:
    make_shop(ws)  # the plan file is in plans/ but nobody adopted it
    with pytest.raises(ScoringError, match="「测试售前」尚未采用"):
        ws.scoring.close("2026-11", "财务")
    assert ws.appdb.snapshots("2026-11") == []
