"""A tiny scored shop: two pre-sale agents and a supervisor, literal metric values, one
plan, a personal target and two ratings. Every expected number is worked out by hand.

s1 小美 (junior, 绩效基数 1500): 询单→最终付款 0.42 → tier 80 → 80 × 40% × 80% = 25.60;
客服销售额 35000 against her personal target 35000 (目标表; the plan says 20000) →
achievement 1 → 100 → 100 × 60% × 80% = 48.00; 态度.责任心 90 → 90 × 100% × 20% = 18.00;
total 91.60 → 金牌. Bonus 1500 × 1.2 = 1800 + progressive commission on 35000 (100 + 150 +
200 + 125 = 575) = 2375.00.

s2 阿强 (senior, 2000): 0.30 → 0; 15000 / 30000 = 0.5 → 0 (the floor); rating 70 → 14.00;
total 14.00 → 待改进. Bonus 2000 × 0.5 = 1000 + commission 100 + 75 = 175 → 1175.00.
"""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import duckdb

from shopkpi.workspace import Workspace
from tests.metrics.derived import d, insert

D = Decimal
PLAN_FILE = "测试售前.yaml"
PLAN = textwrap.dedent(
    """\
    plan: 测试售前
    version: "2026-11"
    applies_to: {role: presale_cs}
    period: month
    sections:
      - name: 业绩
        weight: 80
        items:
          - metric: inquiry_to_paid_rate
            weight: 40
            score: {tiers: [[0.45, 100], [0.40, 80], [0.35, 60]], else: 0}
          - metric: cs_sales
            weight: 60
            target: {junior: 20000, senior: 30000}
            score: {linear: {floor: 0.5, cap: 1.2}}
      - name: 态度
        weight: 20
        items: [{rating: attitude.responsibility, weight: 100}]
    grades: [[90, 金牌], [80, 银牌], [70, 铜牌], [0, 待改进]]
    bonus:
      coefficients: {金牌: 1.2, 银牌: 1.0, 铜牌: 0.8, 待改进: 0.5}
      commission:
        metric: cs_sales
        method: progressive
        tiers: [[0, 0.01], [10000, 0.015], [20000, 0.02], [30000, 0.025]]
    """
)
STAFF = [
    {"staff_id": "s1", "name": "小美", "role": "presale_cs", "level": "junior", "team": "A组", "bonus_base": D("1500")},
    {"staff_id": "s2", "name": "阿强", "role": "presale_cs", "level": "senior", "team": "A组", "bonus_base": D("2000")},
    {"staff_id": "b1", "name": "王主管", "role": "supervisor", "level": "lead", "team": "A组", "bonus_base": D("3000")},
]  # fmt: skip
ACCOUNTS = [
    {"shop_id": "demo", "account_nick": "示例旗舰店:小美", "staff_id": "s1", "valid_from": d("2026-01-01")},
    {"shop_id": "demo", "account_nick": "示例旗舰店:阿强", "staff_id": "s2", "valid_from": d("2026-01-01")},
]  # fmt: skip


def put_value(
    con: duckdb.DuckDBPyConnection,
    staff: str,
    metric: str,
    numerator: str,
    denominator: str | None,
    *,
    pending: bool = False,
    period: tuple[str, str, str] = ("2026-11", "2026-11-01", "2026-11-30"),
) -> None:
    """Store one month value (a pending row has no value, as compute stores it)."""
    num, den = D(numerator), D(denominator) if denominator else None
    value = None if pending else (num / den if den else num)
    con.execute(
        "DELETE FROM metric_value WHERE entity_id = ? AND metric_id = ? AND period = ?",
        [staff, metric, period[0]],
    )
    con.execute(
        """INSERT INTO metric_value (shop_id, entity_kind, entity_id, grain, period,
               period_start, period_end, metric_id, numerator, denominator, value, status)
           VALUES ('demo', 'staff', ?, 'month', ?, ?, ?, ?, ?, ?, ?, ?)""",
        [staff, period[0], d(period[1]), d(period[2]), metric, num, den, value,
         "pending" if pending else "final"],
    )  # fmt: skip


def make_shop(ws: Workspace, *, s2_pending: bool = False) -> Workspace:
    """Roster, month values, a personal target, ratings and the plan file (not adopted)."""
    for example in (ws.root / "plans").glob("*.yaml"):
        example.unlink()  # the copied examples would compete for the same people
    (ws.root / "plans" / PLAN_FILE).write_text(PLAN, encoding="utf-8")
    con = ws.warehouse.con
    insert(con, "staff", STAFF)
    insert(con, "staff_account", ACCOUNTS)
    put_value(con, "s1", "inquiry_to_paid_rate", "42", "100")
    put_value(con, "s1", "cs_sales", "35000", None)
    put_value(con, "s2", "inquiry_to_paid_rate", "30", "100", pending=s2_pending)
    put_value(con, "s2", "cs_sales", "15000", None)
    insert(con, "target", [
        {"entity_kind": "staff", "entity_id": "s1", "period": "2026-11", "metric_id": "cs_sales", "value": D("35000")},
        {"entity_kind": "staff", "entity_id": "s1", "period": "2026-10", "metric_id": "cs_sales", "value": D("99999")},
    ])  # fmt: skip
    ws.appdb.set_rating("s1", "2026-11", "attitude.responsibility", 90, actor="王主管")
    ws.appdb.set_rating("s2", "2026-11", "态度.责任心", 70, actor="王主管")
    return ws


def plan_path(ws: Workspace) -> Path:
    return ws.root / "plans" / PLAN_FILE
