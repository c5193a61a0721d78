"""Diagnosis on the hand-made team (tests/insights/team.py): every quadrant appears."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopkpi.cli.app import app
from shopkpi.insights.catalogue import CatalogueError, load_catalogue
from shopkpi.insights.diagnosis import PersonDiagnosis, diagnose
from shopkpi.workspace import Workspace
from tests.insights.team import make_team
from tests.insights.test_fair import PLAN, put_strata
from tests.metrics.derived import insert
from tests.scoring.shop import put_value


@pytest.fixture
def team(ws: Workspace) -> dict[str, PersonDiagnosis]:
    make_team(ws)
    found = diagnose(ws.warehouse.con, ws.config, "2026-11")
    return {p.staff_id: p for p in found}


def test_each_person_gets_the_findings_worked_out_by_hand(
    team: dict[str, PersonDiagnosis],
) -> None:
    assert {s: p.codes for s, p in team.items()} == {
        "s1": ["on_target", "star", "strong_conversion", "quick"],
        "s2": ["volume_seller", "weak_conversion", "careless"],
        "s3": ["price_seller", "few_inquiries", "strong_conversion", "caring", "slow",
               "slow_but_thorough"],
        "s4": ["short_of_target", "weak_sales", "few_inquiries", "weak_conversion",
               "fast_but_sloppy", "compliance_risk"],
    }  # fmt: skip


def test_findings_carry_their_numbers_and_a_chinese_sentence(
    team: dict[str, PersonDiagnosis],
) -> None:
    short = team["s4"].findings[0]
    assert dict(short.numbers) == {"metric": "cs_sales", "actual": "4000", "target": "10000",
                                   "achievement": "0.4", "elapsed": "1"}  # fmt: skip
    assert (
        short.text
        == "客服销售额 4000.00元，目标 10000.00元，达成 40.0%，时间进度 100.0%：落后于进度。"
    )
    volume = team["s2"].findings[0]
    assert dict(volume.numbers) == {"cs_orders": "100", "cs_orders_median": "70",
                                    "sales_per_buyer": "100", "sales_per_buyer_median": "200"}  # fmt: skip
    assert volume.text.startswith("订单数 100（团队中位数 70），客单价 100.00元（中位数 200.00元）")
    care = team["s3"].findings[3]
    assert care.numbers["bad_reviews"] == 2 and care.numbers["recovered_reviews"] == 2
    careless = team["s2"].findings[2]
    assert careless.numbers["bad_reviews"] == 1 and careless.numbers["recovered_reviews"] == 0
    assert careless.text == (
        "中差评 1 条、挽回为好评 0 条，退货率 12.0%（中位数 5.0%），满意率 80.0%（中位数 90.0%）"
        "：售后关怀不足。"
    )
    slow = team["s3"].findings[4]
    assert dict(slow.numbers)["avg_response_seconds_median"] == "40"
    assert slow.text == "平均响应 90 秒（团队中位数 40 秒）：响应偏慢。"


def test_training_and_role_follow_the_catalogue(team: dict[str, PersonDiagnosis]) -> None:
    assert {s: [t.id for t in p.training] for s, p in team.items()} == {
        "s1": [],
        "s2": ["fabe_sales_talk", "bundle_cross_sell", "product_knowledge",
               "after_sales_handling"],
        "s3": ["proactive_outreach", "response_efficiency"],
        "s4": ["fabe_sales_talk", "bundle_cross_sell", "product_knowledge",
               "proactive_outreach", "compliance"],
    }  # fmt: skip
    roles = {s: (p.role.id, p.role.score) if p.role else None for s, p in team.items()}
    assert roles == {"s1": ("sales", 6), "s2": ("promotion", 2), "s3": ("product", 5), "s4": None}
    assert team["s1"].role is not None
    assert team["s1"].role.reasons == ("量价双优（star）", "转化突出（strong_conversion）", "目标达成（on_target）")  # fmt: skip
    assert team["s4"].training[0].because == ("weak_conversion", "weak_sales", "short_of_target")


def test_staff_filter_and_json(ws: Workspace) -> None:
    make_team(ws)
    (only,) = diagnose(ws.warehouse.con, ws.config, "2026-11", staff="s3")
    payload = only.as_json()
    assert payload["name"] == "价价" and payload["team"] == "A组"
    assert payload["role"] == {"id": "product", "name": "产品专员", "score": 5,
                               "reasons": ["高客单型（price_seller）", "慢而细致（slow_but_thorough）",
                                           "转化突出（strong_conversion）"]}  # fmt: skip


def test_a_workspace_catalogue_replaces_the_default(tmp_path: Path) -> None:
    (tmp_path / "training.yaml").write_text(
        "topics: [{id: t, name: 话术, when: [slow]}]\nroles: [{id: r, name: 售后, strengths: {caring: 1}}]\n",
        encoding="utf-8",
    )
    assert [t.id for t in load_catalogue(tmp_path).topics] == ["t"]
    (tmp_path / "training.yaml").write_text("topics: [{id: t, name: x, when: [nope]}]\nroles: []\n")
    with pytest.raises(CatalogueError, match=r"topics\.0\.when\.0"):
        load_catalogue(tmp_path)


def test_cli_json_lists_findings_training_and_role(ws: Workspace) -> None:
    make_team(ws)
    (ws.root / "training.yaml").write_text(
        "topics: [{id: speed, name: 提速, when: [slow]}]\n"
        "roles: [{id: after, name: 售后客服, strengths: {caring: 1}}]\n",
        encoding="utf-8",
    )
    root = str(ws.root)
    ws.close()
    args = ["diagnose", "--period", "2026-11", "--staff", "s3", "--format", "json", "-w", root]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["period"] == "2026-11"
    (person,) = payload["people"]
    assert [f["code"] for f in person["findings"]] == [
        "price_seller", "few_inquiries", "strong_conversion", "caring", "slow",
        "slow_but_thorough",
    ]  # fmt: skip
    assert person["findings"][1]["numbers"] == {"inquiry_buyers": "100",
                                                "inquiry_buyers_median": "250"}  # fmt: skip
    assert [t["id"] for t in person["training"]] == ["speed"]
    assert person["role"]["id"] == "after" and person["fair"] is None


def test_cli_table(ws: Workspace) -> None:
    make_team(ws)
    root = str(ws.root)
    ws.close()
    result = CliRunner().invoke(app, ["diagnose", "-p", "2026-11", "-w", root],
                                env={"COLUMNS": "200"})  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "人员诊断 · 2026-11" in result.stdout
    assert "量价双优" in result.stdout and "产品专员" in result.stdout
    result = CliRunner().invoke(app, ["diagnose", "-p", "2026-11", "-f", "csv", "-w", root])
    lines = result.stdout.splitlines()
    assert lines[0] == "staff_id,name,team,code,area,numbers,text"
    assert lines[1].startswith('s1,星星,A组,on_target,target,"{""metric"": ""cs_sales""')
    assert len(lines) == 1 + 4 + 3 + 6 + 6


def test_adjusted_conversion_decides_weak_or_hard_traffic(ws: Workspace) -> None:
    # test_fair's strata plus c, who got 4 inquiries about the hard 外套 and converted 1:
    # 外套 2/8 = 0.25, T恤 3/4 = 0.75, team 5/12.  Raw a 0.5, b 0.5, c 0.25 (median 0.5);
    # adjusted a 2/2.5 × 5/12 = 0.333333, b 2/1.5 × 5/12 = 0.555556, c 1/1 × 5/12 = 0.416667
    # (median 0.416667): c's low raw rate is the hard traffic; a, level on raw, is weak.
    c_rows = [("c1", "111", "c", True), *[(f"c{i}", "111", "c", False) for i in (2, 3, 4)]]
    put_strata(ws, [*PLAN, *c_rows])
    insert(ws.warehouse.con, "staff", [{"staff_id": s, "name": s, "team": "B组"} for s in "abc"])
    for staff, rate in (("a", "0.5"), ("b", "0.5"), ("c", "0.25")):
        put_value(ws.warehouse.con, staff, "inquiry_to_paid_rate", rate, None)
    found = {p.staff_id: p for p in diagnose(ws.warehouse.con, ws.config, "2026-11")}
    assert {s: p.codes for s, p in found.items()} == {
        "a": ["weak_conversion"], "b": ["strong_conversion"], "c": ["hard_traffic"],
    }  # fmt: skip
    (hard,) = found["c"].findings
    assert dict(hard.numbers) == {"conversion_raw": "0.25", "conversion_adjusted": "0.416667",
                                  "conversion_median": "0.416667"}  # fmt: skip
    assert hard.text == (
        "原始询单→付款转化率 25.0% 低于团队中位数 50.0%，但按咨询的品类、时段和日期类型调整后为"
        " 41.7%，不低于团队：低转化主要来自接到的询单更难成交。"
    )
    assert found["a"].findings[0].text == (
        "询单→付款转化率按询单结构调整后 33.3%，低于团队中位数 41.7%：成交能力偏弱。"
    )
