"""Proposals end to end on the literal shop (tests/scoring/shop.py): CLI steps by login,
and approved targets feeding the score.

s1 小美: 客服销售额 35000; the 目标表 says 35000 (→ 48.00 points × weights). Approved at
40000 instead: achievement 0.875 → 100 × (0.875 − 0.5) / 0.5 = 75 points → 75 × 60% × 80%
= 36.00; total 25.60 + 36.00 + 18.00 = 79.60 → 铜牌.
s2 阿强: 15000 against the plan's senior 30000 → 0.5 → 0 points. Approved at 15000:
achievement 1 → 100 → 48.00; total 14.00 + 48.00 = 62.00 → 待改进.
"""

from __future__ import annotations

import json

import pytest
from argon2 import PasswordHasher
from typer.testing import CliRunner

from shopkpi.appdb import users
from shopkpi.appdb.records import AppDBError
from shopkpi.appdb.roles import Role
from shopkpi.cli.app import app
from shopkpi.workspace import Workspace
from tests.scoring.shop import make_shop, plan_path

ENV = {"COLUMNS": "250", "NO_COLOR": "1", "TERM": "dumb"}
LOGINS = {
    "boss": (Role.admin, None),
    "sup": (Role.supervisor, "b1"),
    "xm": (Role.staff, "s1"),
    "aq": (Role.staff, "s2"),
    "cfo": (Role.finance, None),
}


@pytest.fixture
def shop(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    monkeypatch.setattr(users, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024))
    make_shop(ws)
    ws.scoring.adopt(plan_path(ws), "老板")
    for name, (role, staff) in LOGINS.items():
        ws.appdb.add_user(name, "password-123", role, staff_id=staff, actor="setup")
    return ws


def cli(ws: Workspace, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(app, [*args, "-w", str(ws.root)], env=ENV)
    assert result.exit_code == code, result.output
    return result.output


def people(ws: Workspace) -> dict[str, tuple[str, str, str, str]]:
    doc = json.loads(cli(ws, "score", "--period", "2026-11", "--format", "json"))
    found = {}
    for p in doc["people"]:
        sales = next(i for i in p["items"] if i["key"] == "cs_sales")
        found[p["staff_id"]] = (sales["target"], sales["points"], p["total"], p["grade"])
    return found


def test_cli_flow_and_approved_targets_change_the_score(shop: Workspace) -> None:
    assert people(shop) == {
        "s1": ("35000", "100.00", "91.60", "金牌"),
        "s2": ("30000", "0", "14.00", "待改进"),
    }
    out = cli(shop, "proposal", "propose", "-p", "2026-11", "--metric", "cs_sales",
              "--value", "45000", "--by", "xm", "-m", "冲一冲")  # fmt: skip
    assert "✓ 提议 #1 s1 2026-11 客服销售额：45000（已提议）" in out
    cli(shop, "proposal", "propose", "-p", "2026-11", "--metric", "cs_sales", "--value", "15000", "--by", "aq")  # fmt: skip
    out = cli(shop, "proposal", "adjust", "1", "--value", "40000", "--by", "sup")
    assert "✓ 提议 #1 s1 2026-11 客服销售额：40000（主管已调整）" in out
    assert "（已批准）" in cli(shop, "proposal", "approve", "1", "--by", "boss")
    assert people(shop)["s1"] == ("40000", "75.00", "79.60", "铜牌")  # s2 not approved yet
    assert people(shop)["s2"] == ("30000", "0", "14.00", "待改进")
    cli(shop, "proposal", "approve", "2", "--by", "boss", "-m", "同意")
    assert people(shop)["s2"] == ("15000", "100.00", "62.00", "待改进")


def test_cli_refusals_are_clear_and_exit_1(shop: Workspace) -> None:
    cli(shop, "proposal", "propose", "-p", "2026-11", "--metric", "cs_sales", "--value", "1", "--by", "xm")  # fmt: skip
    out = cli(shop, "proposal", "propose", "-p", "2026-11", "--metric", "cs_sales",
              "--value", "1", "--by", "xm", "--staff", "s2", code=1)  # fmt: skip
    assert "只能为自己提议目标，不能替员工 s2 提议" in out
    assert "只有店主（管理员）可以批准或驳回目标" in cli(shop, "proposal", "approve", "1", "--by", "sup", code=1)  # fmt: skip
    assert "财务账号只读" in cli(shop, "proposal", "adjust", "1", "--value", "2", "--by", "cfo", code=1)  # fmt: skip
    assert "没有可用的登录账号「nobody」" in cli(shop, "proposal", "approve", "1", "--by", "nobody", code=1)  # fmt: skip


def test_list_shows_only_what_the_login_may_see_with_history(shop: Workspace) -> None:
    cli(shop, "proposal", "propose", "-p", "2026-11", "--metric", "cs_sales", "--value", "45000", "--by", "xm")  # fmt: skip
    cli(shop, "proposal", "propose", "-p", "2026-11", "--metric", "cs_sales", "--value", "15000", "--by", "aq")  # fmt: skip
    cli(shop, "proposal", "reject", "2", "--by", "boss", "-m", "太低")
    mine = json.loads(cli(shop, "proposal", "list", "--by", "aq", "--json"))
    assert [(p["id"], p["staff_id"], p["status"]) for p in mine] == [(2, "s2", "rejected")]
    assert [(h["actor"], h["action_label"], h["comment"]) for h in mine[0]["history"]] == [
        ("aq", "提议", None),
        ("boss", "驳回", "太低"),
    ]
    assert [p["id"] for p in json.loads(cli(shop, "proposal", "list", "--by", "sup", "--json"))] == [1, 2]  # fmt: skip
    table = cli(shop, "proposal", "list", "-p", "2026-11")
    assert (
        "45000" in table
        and "已驳回" in table
        and "驳回 15000（已提议） → 15000（已驳回）（太低）" in table
    )


def test_service_knows_supervisor_teams_from_the_roster(shop: Workspace) -> None:
    sup = shop.proposals.actor("sup")
    assert (sup.role, sup.staff_id, sup.teams) == (Role.supervisor, "b1", frozenset({"A组"}))
    shop.warehouse.con.execute(
        "INSERT INTO staff (staff_id, name, role, level, team) VALUES ('s3', '老周', 'presale_cs', 'junior', 'B组')"
    )
    shop.appdb.add_user("lz", "password-123", Role.staff, staff_id="s3", actor="setup")
    p = shop.proposals.propose(shop.proposals.actor("lz"), "2026-11", "cs_sales", 20000)
    with pytest.raises(AppDBError, match="员工 s3 不在你的团队"):
        shop.proposals.adjust(sup, p.id, 1)
    assert shop.proposals.visible(sup) == []
