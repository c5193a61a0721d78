"""The shipped example plans: valid, copied by ``shopkpi init``, and scoring as written."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from shopkpi.cli.app import app
from shopkpi.scoring.engine import score
from shopkpi.scoring.examples import example_files
from shopkpi.scoring.inputs import Facts, ScoringInput
from shopkpi.scoring.load import load_plan
from shopkpi.scoring.pay import pay
from shopkpi.scoring.validate import check_files
from shopkpi.workspace import Workspace
from tests.scoring.helpers import D, obs, staff

DEMO_ROSTER = [
    staff("E1", "junior"), staff("E2", "senior"),
    staff("E3", "junior", "售后组", "aftersale_cs"), staff("E4", "senior", "售后组", "aftersale_cs"),
]  # fmt: skip


def test_examples_have_no_errors_only_notes_about_data_to_come() -> None:
    report = check_files(example_files(), DEMO_ROSTER)
    assert [p.plan.plan for p in report.plans] == ["售前客服", "售后客服"]
    assert report.errors == []
    assert {f.message.split("（")[0] for f in report.warnings} == {
        "指标「compliance_violations」",
        "指标「compliance_violations_serious」",
    }


def test_init_copies_the_examples_and_never_overwrites_them(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "w")
    plans = sorted(p.name for p in (ws.root / "plans").glob("*.yaml"))
    assert plans == ["售前客服.yaml", "售后客服.yaml"]
    edited = ws.root / "plans" / "售前客服.yaml"
    edited.write_text("# 我的方案\n", encoding="utf-8")
    Workspace.init(tmp_path / "w")
    assert edited.read_text(encoding="utf-8") == "# 我的方案\n"


def test_presale_example_in_the_double_11_month() -> None:
    plan = load_plan(next(p for p in example_files() if p.stem == "售前客服")).plan
    values = [
        obs("E1", "inquiry_to_paid_rate", "0.41"),  # ≥0.40 → 80
        obs("E1", "cs_sales", "44000"),  # junior target 40000: 1.1 → 110
        obs("E1", "avg_response_seconds", "40"),  # ≤45 → 80
        obs("E1", "reply_within_3min_rate", "0.96"),  # ≥0.95 → 100
        obs("E1", "satisfaction_rate", "0.85"),  # at target → 100
        obs("E1", "compliance_violations", "1"),  # −2 points, −20 yuan
    ]
    ratings = {
        ("E1", "ability.product_knowledge"): D(80), ("E1", "ability.communication"): D(90),
        ("E1", "attitude.responsibility"): D(100), ("E1", "attitude.discipline"): D(80),
    }  # fmt: skip
    [card] = score([plan], ScoringInput("2026-11", [DEMO_ROSTER[0]], values, ratings)).cards
    # 双11 weights 35/35/10/10/10: 22.40 + 30.80 + 6.40 + 8.00 + 8.00
    assert [s.contribution for s in card.sections] == [D("75.60"), D("12.60"), D("4.50")]
    assert (card.subtotal, card.total, card.grade) == (D("92.70"), D("90.70"), "金牌")
    [line] = pay(plan, [card], Facts(values))
    # 1500 × 1.2 + (100 + 150 + 200 + 350) + the whole team pool 2000 − 20
    assert (line.performance_pay, line.commission, line.pool_share, line.deductions) == (
        D("1800.00"),
        D("800.00"),
        D("2000.00"),
        D("20.00"),
    )
    assert line.bonus == D("4580.00")


def test_plan_check_command(tmp_path: Path) -> None:
    runner = CliRunner()
    ws = Workspace.init(tmp_path / "w")
    ok = runner.invoke(app, ["plan", "check", "-w", str(ws.root)])
    assert ok.exit_code == 0, ok.output
    assert "2 份方案检查通过" in ok.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "plan: 坏\nsections:\n  - {name: 业绩, weight: 90, items: [{rating: attitude.teamwork, weight: 100}]}\n",
        encoding="utf-8",
    )
    failed = runner.invoke(
        app, ["plan", "check", str(bad), "-w", str(tmp_path)], env={"COLUMNS": "300"}
    )
    assert failed.exit_code == 1
    assert f"{bad}:2: 各部分权重之和是 90，应为 100" in failed.output


def test_schema_command_matches_the_committed_copy(tmp_path: Path) -> None:
    committed = Path(__file__).resolve().parents[2] / "docs" / "plan.schema.json"
    out = tmp_path / "plan.schema.json"
    result = CliRunner().invoke(app, ["plan", "schema", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8"), (
        "run `make docs` to regenerate docs/plan.schema.json"
    )
