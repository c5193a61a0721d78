"""Month-end freeze: versions, never-changed history, pending items and reasons."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shopkpi.appdb.db import AppDB
from shopkpi.appdb.records import AppDBError, PlanRef

PLANS = [PlanRef("售前客服", 1, "aa11"), PlanRef("售后客服", 2, "bb22")]
PAYLOAD = {
    "scorecards": [{"staff_id": "S001", "total": Decimal("87.50"), "grade": "银牌"}],
    "bonuses": {"S001": Decimal("1750.00")},
}
FROZEN_TEXT = (
    '{"bonuses":{"S001":"1750.00"},'
    '"scorecards":[{"grade":"银牌","staff_id":"S001","total":"87.50"}]}'
)


def test_first_freeze_is_version_1_with_exact_payload(appdb: AppDB) -> None:
    snap = appdb.freeze("2026-11", plans=PLANS, inputs_hash="in1", payload=PAYLOAD, actor="财务")
    assert (snap.period, snap.version, snap.plans, snap.inputs_hash) == (
        "2026-11",
        1,
        tuple(PLANS),
        "in1",
    )
    assert snap.payload_json == FROZEN_TEXT
    assert snap.payload["bonuses"] == {"S001": "1750.00"}
    assert (snap.frozen_by, snap.frozen_at, snap.forced, snap.pending) == (
        "财务",
        dt.datetime(2026, 12, 1, 10, 0, 0),
        False,
        (),
    )
    assert appdb.snapshots("2026-11") == [snap]


def test_correction_is_version_2_and_version_1_stays(appdb: AppDB) -> None:
    first = appdb.freeze("2026-11", plans=PLANS, inputs_hash="in1", payload=PAYLOAD, actor="财务")
    with pytest.raises(AppDBError, match="更正需要说明原因"):
        appdb.freeze("2026-11", plans=PLANS, inputs_hash="in2", payload={}, actor="财务")
    corrected = {**PAYLOAD, "bonuses": {"S001": Decimal("1800.00")}}
    second = appdb.freeze(
        "2026-11",
        plans=PLANS,
        inputs_hash="in2",
        payload=corrected,
        actor="老板",
        reason="S001 退款单核销有误",
    )
    assert (second.version, second.reason, second.inputs_hash) == (2, "S001 退款单核销有误", "in2")
    assert appdb.snapshots("2026-11") == [first, second]
    assert appdb.snapshots("2026-11")[0].payload_json == FROZEN_TEXT
    assert appdb.latest_snapshot("2026-11") == second
    other = appdb.freeze("2026-12", plans=PLANS, inputs_hash="d", payload={}, actor="财务")
    assert other.version == 1
    log = [(a.action, a.entity_key, a.old_value, a.reason) for a in reversed(appdb.audit())]
    assert [entry[:3] for entry in log] == [
        ("freeze", "2026-11", None),
        ("correct", "2026-11", {"version": 1}),
        ("freeze", "2026-12", None),
    ]
    assert log[1][3] == "S001 退款单核销有误"


def test_pending_items_need_force_and_a_reason(appdb: AppDB) -> None:
    pending = ["S003 inquiry_to_paid_rate"]
    with pytest.raises(AppDBError, match="还有 1 项待定"):
        appdb.freeze(
            "2026-11", plans=PLANS, inputs_hash="x", payload={}, actor="财务", pending=pending
        )
    with pytest.raises(AppDBError, match="必须说明原因"):
        appdb.freeze(
            "2026-11",
            plans=PLANS,
            inputs_hash="x",
            payload={},
            actor="财务",
            pending=pending,
            forced=True,
        )
    assert appdb.snapshots("2026-11") == []
    snap = appdb.freeze(
        "2026-11",
        plans=PLANS,
        inputs_hash="x",
        payload={},
        actor="财务",
        pending=pending,
        forced=True,
        reason="发薪日前必须出数",
    )
    assert (snap.version, snap.forced, snap.pending, snap.reason) == (
        1,
        True,
        ("S003 inquiry_to_paid_rate",),
        "发薪日前必须出数",
    )
