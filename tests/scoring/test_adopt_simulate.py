"""``plan adopt`` (the app scores adopted versions only) and ``plan simulate`` (what-if)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopkpi.cli.app import app
from shopkpi.errors import ConfigError
from shopkpi.scoring.paytext import commission_math
from shopkpi.scoring.vocab import CommissionMethod
from shopkpi.workspace import Workspace
from tests.scoring.shop import PLAN, make_shop, plan_path

ENV = {"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
D = Decimal
TIERS = [(D(0), D("0.01")), (D(10000), D("0.015")), (D(20000), D("0.02")), (D(30000), D("0.025"))]


def run(ws: Workspace, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, [*args, "-w", str(ws.root)], env=ENV)
    return result.exit_code, result.output


def test_commission_is_worked_out_bracket_by_bracket() -> None:
    assert commission_math(D(35000), TIERS, CommissionMethod.progressive) == (
        "10000 × 1% + 10000 × 1.5% + 10000 × 2% + 5000 × 2.5% = 100 + 150 + 200 + 125 = 575"
    )
    assert commission_math(D(35000), TIERS, CommissionMethod.whole_bracket) == (
        "35000 × 2.5% = 875（达到 30000 档，全部按该档比例）"
    )
    assert commission_math(D(5000), TIERS, CommissionMethod.progressive) == "5000 × 1% = 50"
    assert commission_math(D(0), TIERS, CommissionMethod.progressive) == "未达到最低档，提成 0"


def test_before_any_adoption_the_plan_files_are_drafts(ws: Workspace) -> None:
    make_shop(ws)
    sheet = ws.scoring.sheet("2026-11")
    assert [(p.plan, p.version) for p in sheet.plans] == [("测试售前", 0)]
    assert sheet.notes[0].startswith("尚未采用任何考核方案：按 plans/ 中的文件试算（未采用）")
    assert sheet.people[0]["plan_version"] == 0 and sheet.people[0]["total"] == "91.60"


def test_adopt_records_the_version_and_scoring_uses_it(ws: Workspace) -> None:
    make_shop(ws)
    code, out = run(ws, "plan", "adopt", str(plan_path(ws)), "--by", "老板")
    assert code == 0 and "已采用「测试售前」第 1 版（老板" in out
    code, out = run(ws, "plan", "adopt", str(plan_path(ws)), "--by", "主管")
    assert code == 0 and "第 1 版与此文件相同，无需重新采用" in out
    [entry] = ws.appdb.audit("plan", "测试售前")
    assert (entry.action, entry.actor, entry.new_value["version"]) == ("adopt", "老板", 1)
    assert entry.new_value["file"] == "plans/测试售前.yaml"
    # Editing the file changes nothing until it is adopted: the score still uses version 1.
    plan_path(ws).write_text(PLAN.replace("[[90, 金牌]", "[[95, 金牌]"), encoding="utf-8")
    sheet = ws.scoring.sheet("2026-11")
    assert sheet.people[0]["grade"] == "金牌" and sheet.people[0]["plan_version"] == 1
    assert sheet.notes == (
        "plans/测试售前.yaml 与已采用的「测试售前」第 1 版不同；评分仍用第 1 版"
        "（采用新版：shopkpi plan adopt plans/测试售前.yaml）",
    )
    ws.scoring.adopt(plan_path(ws), "老板")
    assert ws.scoring.sheet("2026-11").people[0]["grade"] == "银牌"  # 91.60 < 95
    assert ws.scoring.sheet("2026-11").notes == ()


def test_adopt_refuses_a_plan_with_errors_or_one_competing_for_the_same_people(
    ws: Workspace, tmp_path: Path
) -> None:
    make_shop(ws)
    bad = tmp_path / "bad.yaml"
    bad.write_text(PLAN.replace("weight: 60", "weight: 50"), encoding="utf-8")
    with pytest.raises(ConfigError, match="「业绩」内各项权重之和是 90，应为 100"):
        ws.scoring.adopt(bad, "老板")
    ws.scoring.adopt(plan_path(ws), "老板")
    rival = tmp_path / "rival.yaml"
    rival.write_text(PLAN.replace("plan: 测试售前", "plan: 另一个售前"), encoding="utf-8")
    with pytest.raises(ConfigError, match="适用范围相同"):
        ws.scoring.adopt(rival, "老板")
    assert [a.plan_name for a in ws.appdb.adoptions()] == ["测试售前"]


def test_simulate_reports_changed_grades_and_bonus_without_writing(
    ws: Workspace, tmp_path: Path
) -> None:
    make_shop(ws)
    ws.scoring.adopt(plan_path(ws), "老板")
    new = tmp_path / "new.yaml"
    text = PLAN.replace(
        "[[90, 金牌], [80, 银牌], [70, 铜牌], [0, 待改进]]",
        "[[95, 金牌], [80, 银牌], [10, 铜牌], [0, 待改进]]",
    )
    new.write_text(text.replace("method: progressive", "method: whole_bracket"), encoding="utf-8")
    audit_before = ws.appdb.audit()
    sim = ws.scoring.simulate(new, "2026-11")
    assert (sim.plan, sim.replaces.version if sim.replaces else None) == ("测试售前", 1)
    s1, s2 = sim.rows
    assert s1.old and s1.new and s2.old and s2.new
    # s1: 91.60 stays; 金牌 → 银牌; 1500 × 1.2 + 575 = 2375 → 1500 × 1.0 + 875 = 2375.
    assert (s1.old.grade, s1.new.grade, s1.old.bonus, s1.new.bonus) == (
        "金牌",
        "银牌",
        D("2375.00"),
        D("2375.00"),
    )
    # s2: 14.00 → 铜牌; 2000 × 0.5 + 175 = 1175 → 2000 × 0.8 + 15000 × 1.5% = 1825.
    assert (s2.old.grade, s2.new.grade, s2.old.bonus, s2.new.bonus) == (
        "待改进",
        "铜牌",
        D("1175.00"),
        D("1825.00"),
    )
    assert (s1.new.rank, s2.new.rank, s1.new.total) == (1, 2, D("91.60"))
    assert (sim.old_cost, sim.new_cost, sim.cost_change) == (
        D("3550.00"),
        D("4200.00"),
        D("650.00"),
    )
    assert ws.appdb.audit() == audit_before and [a.version for a in ws.appdb.adoptions()] == [1]
    assert ws.appdb.snapshots("2026-11") == []
    code, out = run(ws, "plan", "simulate", str(new), "-p", "2026-11")
    assert code == 0 and "替换「测试售前」第1版（不保存）" in out
    assert "金牌→银牌" in out and "1175→1825" in out and "¥3550 → ¥4200（+¥650）" in out
