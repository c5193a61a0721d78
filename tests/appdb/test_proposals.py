"""KPI proposals (共创): the state machine, who may take which step, history and audit rows.

Roster: s1 小美 and s2 阿强 in A组 (led by b1), s3 老周 in B组. Every step reads the fixed
clock once (tests/appdb/conftest.py: 10:00:00, then one second later each call).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from shopkpi.appdb.db import AppDB
from shopkpi.appdb.models import KpiProposalEvent
from shopkpi.appdb.proposal_rules import Actor, ProposalAction, ProposalStatus
from shopkpi.appdb.records import AppDBError, AppendOnlyError
from shopkpi.appdb.roles import Role

TEAMS: dict[str, str | None] = {"s1": "A组", "s2": "A组", "b1": "A组", "s3": "B组"}
XM = Actor("xm", Role.staff, "s1")
LZ = Actor("lz", Role.staff, "s3")
SUP = Actor("sup", Role.supervisor, "b1", frozenset({"A组"}))
BOSS = Actor("boss", Role.admin)
CFO = Actor("cfo", Role.finance)
ADJUST, APPROVE, REJECT = ProposalAction.adjust, ProposalAction.approve, ProposalAction.reject


def at(second: int) -> dt.datetime:
    return dt.datetime(2026, 12, 1, 10, 0, second)


def test_propose_revise_adjust_approve_keeps_every_step(appdb: AppDB) -> None:
    p = appdb.propose_target(XM, "2026-11", "cs_sales", "36000", comment="上月 33000")
    assert (p.id, p.staff_id, p.status, p.proposed_value) == (
        1,
        "s1",
        ProposalStatus.proposed,
        36000,
    )
    appdb.propose_target(XM, "2026年11月", "cs_sales", "38000")
    appdb.proposal_step(SUP, 1, ADJUST, value="32000", teams=TEAMS, comment="按团队目标分解")
    done = appdb.proposal_step(BOSS, 1, APPROVE, teams=TEAMS)
    assert (done.proposed_value, done.adjusted_value, done.approved_value) == (38000, 32000, 32000)
    assert done.status is ProposalStatus.approved
    steps = [(e.at, e.actor, e.action.value, e.old, e.new, e.comment) for e in done.events]
    assert steps == [
        (at(0), "xm", "propose", None, {"status": "proposed", "value": "36000"}, "上月 33000"),
        (at(1), "xm", "revise", {"status": "proposed", "value": "36000"},
         {"status": "proposed", "value": "38000"}, None),
        (at(2), "sup", "adjust", {"status": "proposed", "value": "38000"},
         {"status": "adjusted", "value": "32000"}, "按团队目标分解"),
        (at(3), "boss", "approve", {"status": "adjusted", "value": "32000"},
         {"status": "approved", "value": "32000"}, None),
    ]  # fmt: skip
    assert appdb.approved_targets("2026-11") == {("s1", "cs_sales"): Decimal("32000")}
    assert appdb.approved_targets("2026-12") == {}


def test_every_step_is_in_the_audit_log(appdb: AppDB) -> None:
    appdb.propose_target(XM, "2026-11", "cs_sales", 36000)
    appdb.proposal_step(BOSS, 1, REJECT, teams=TEAMS, comment="低于上月实际")
    rows = appdb.audit("kpi_proposal")
    assert [(r.actor, r.action, r.entity_key, r.reason) for r in rows] == [
        ("boss", "reject", "s1/2026-11/cs_sales", "低于上月实际"),
        ("xm", "propose", "s1/2026-11/cs_sales", None),
    ]
    assert rows[0].old_value == {"status": "proposed", "value": "36000"}
    assert rows[0].new_value == {"status": "rejected", "value": "36000"}


def test_approving_an_unadjusted_proposal_takes_the_proposed_value(appdb: AppDB) -> None:
    appdb.propose_target(XM, "2026-11", "inquiry_to_paid_rate", "0.4525")
    p = appdb.proposal_step(BOSS, 1, APPROVE, teams=TEAMS)
    assert (p.adjusted_value, p.approved_value) == (None, Decimal("0.4525"))
    assert appdb.approved_targets("2026-11") == {("s1", "inquiry_to_paid_rate"): Decimal("0.4525")}


def test_a_rejected_proposal_can_be_proposed_again(appdb: AppDB) -> None:
    appdb.propose_target(XM, "2026-11", "cs_sales", 36000)
    appdb.proposal_step(SUP, 1, ADJUST, value=30000, teams=TEAMS)
    appdb.proposal_step(BOSS, 1, REJECT, teams=TEAMS, comment="重新提")
    p = appdb.propose_target(XM, "2026-11", "cs_sales", 34000)
    assert (p.status, p.proposed_value, p.adjusted_value, p.approved_value) == (
        ProposalStatus.proposed, 34000, None, None,
    )  # fmt: skip
    assert [e.action.value for e in p.events] == ["propose", "adjust", "reject", "propose"]
    assert p.events[-1].old == {"status": "rejected", "value": "30000"}


@pytest.mark.parametrize(
    ("steps", "last", "message"),
    [
        (["approve"], "approve", "目标提议当前为「已批准」，不能批准"),
        (["approve"], "adjust", "目标提议当前为「已批准」，不能调整"),
        (["approve"], "propose", "目标提议当前为「已批准」，不能提议"),
        (["adjust"], "propose", "目标提议当前为「主管已调整」，不能提议"),
        (["reject"], "adjust", "目标提议当前为「已驳回」，不能调整"),
        (["reject"], "approve", "目标提议当前为「已驳回」，不能批准"),
    ],
)
def test_illegal_transitions_are_refused_and_write_nothing(
    appdb: AppDB, steps: list[str], last: str, message: str
) -> None:
    appdb.propose_target(XM, "2026-11", "cs_sales", 36000)
    for s in steps:
        actor = SUP if s == "adjust" else BOSS
        appdb.proposal_step(actor, 1, ProposalAction(s), value=30000, teams=TEAMS, comment="理由")
    before = appdb.proposal(1)
    with pytest.raises(AppDBError, match=message):
        if last == "propose":
            appdb.propose_target(XM, "2026-11", "cs_sales", 40000)
        else:
            actor = SUP if last == "adjust" else BOSS
            appdb.proposal_step(actor, 1, ProposalAction(last), value=1, teams=TEAMS, comment="x")
    assert appdb.proposal(1) == before
    assert len(appdb.audit("kpi_proposal")) == 1 + len(steps)


@pytest.mark.parametrize(
    ("actor", "action", "message"),
    [
        (SUP, ADJUST, "员工 s3 不在你的团队"),
        (XM, ADJUST, "员工 s3 不在你的团队"),
        (LZ, ADJUST, "员工 s3 不在你的团队"),
        (SUP, APPROVE, "只有店主（管理员）可以批准或驳回目标"),
        (LZ, REJECT, "只有店主（管理员）可以批准或驳回目标"),
        (CFO, APPROVE, "财务账号只读"),
        (CFO, ADJUST, "财务账号只读"),
    ],
)
def test_steps_outside_ones_role_are_refused(
    appdb: AppDB, actor: Actor, action: ProposalAction, message: str
) -> None:
    appdb.propose_target(LZ, "2026-11", "cs_sales", 20000)
    with pytest.raises(AppDBError, match=message):
        appdb.proposal_step(actor, 1, action, value=1, teams=TEAMS, comment="x")
    assert appdb.proposal(1) is not None and appdb.proposal(1).status is ProposalStatus.proposed  # type: ignore[union-attr]


def test_staff_cannot_propose_for_someone_else(appdb: AppDB) -> None:
    with pytest.raises(AppDBError, match="只能为自己提议目标，不能替员工 s2 提议"):
        appdb.propose_target(XM, "2026-11", "cs_sales", 36000, staff_id="s2")
    with pytest.raises(AppDBError, match="只能为自己提议目标，不能替员工 s1 提议"):
        appdb.propose_target(SUP, "2026-11", "cs_sales", 36000, staff_id="s1")
    with pytest.raises(AppDBError, match="财务账号只读"):
        appdb.propose_target(CFO, "2026-11", "cs_sales", 36000, staff_id="s1")
    assert appdb.proposals() == []


@pytest.mark.parametrize(
    ("period", "metric", "value", "message"),
    [
        ("11月", "cs_sales", "1", "无法识别的周期「11月」"),
        ("2026-11", "gmv_total", "1", "未知的指标「gmv_total」"),
        ("2026-11", "cs_sales", "-5", "目标值「-5」超出范围"),
        ("2026-11", "cs_sales", "很多", "目标值「很多」不是数字"),
        ("2026-11", "inquiry_to_paid_rate", "0.12345", "最多 4 位小数"),
    ],
)
def test_bad_proposals_are_refused(
    appdb: AppDB, period: str, metric: str, value: str, message: str
) -> None:
    with pytest.raises(AppDBError, match=message):
        appdb.propose_target(XM, period, metric, value)
    assert appdb.proposals() == []


def test_rejecting_needs_a_reason_and_adjusting_a_value(appdb: AppDB) -> None:
    appdb.propose_target(XM, "2026-11", "cs_sales", 36000)
    with pytest.raises(AppDBError, match="驳回必须填写理由"):
        appdb.proposal_step(BOSS, 1, REJECT, teams=TEAMS, comment="  ")
    with pytest.raises(AppDBError, match="调整目标需要给出新的目标值"):
        appdb.proposal_step(SUP, 1, ADJUST, teams=TEAMS)
    with pytest.raises(AppDBError, match="没有编号为 9 的目标提议"):
        appdb.proposal_step(BOSS, 9, APPROVE, teams=TEAMS)
    assert [e.action.value for e in appdb.proposal(1).events] == ["propose"]  # type: ignore[union-attr]


def _events(db: AppDB) -> list[tuple[object, ...]]:
    with db.engine.connect() as con:
        return [tuple(r) for r in con.execute(text("SELECT * FROM kpi_proposal_event ORDER BY id"))]


@pytest.mark.parametrize(
    "sql", ["UPDATE kpi_proposal_event SET actor = 'x'", "DELETE FROM kpi_proposal_event"]
)
def test_database_rejects_changes_to_the_history(appdb: AppDB, sql: str) -> None:
    appdb.propose_target(XM, "2026-11", "cs_sales", 36000)
    appdb.proposal_step(SUP, 1, ADJUST, value=30000, teams=TEAMS)
    before = _events(appdb)
    assert len(before) == 2
    with (
        pytest.raises(DBAPIError, match="kpi_proposal_event is append-only"),
        appdb.engine.begin() as con,
    ):
        con.execute(text(sql))
    assert _events(appdb) == before


def test_orm_changes_to_the_history_are_refused(appdb: AppDB) -> None:
    appdb.propose_target(XM, "2026-11", "cs_sales", 36000)
    with pytest.raises(AppendOnlyError), appdb.session() as session:
        session.scalars(select(KpiProposalEvent)).one().comment = "改写"
    with pytest.raises(AppendOnlyError), appdb.session() as session:
        session.execute(update(KpiProposalEvent).values(actor="x"))
    with pytest.raises(AppendOnlyError), appdb.session() as session:
        session.execute(delete(KpiProposalEvent))
    assert appdb.proposal(1).events[0].comment is None  # type: ignore[union-attr]
