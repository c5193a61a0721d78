"""A hand-made team of four in which each volume × price quadrant appears (month 2026-11).

Team A组 medians: 订单数 70, 客单价 200, 询单人数 250, 询单→付款 0.375, 平均响应 40 s,
一次解决率 0.90, 满意率 0.90, 退货率 0.05, 负面情绪 0.02, 违规/百条 0.

- s1 星星: 100 单 × 300 元 → star; conversion 0.40 → strong; 20 s and no quality gap → quick;
  客服销售额 30000 against target 30000 → on_target.
- s2 量量: 100 × 100 → volume_seller; 0.35 → weak_conversion; one bad review nobody
  recovered, 退货率 0.12 and 满意率 0.80 → careless.
- s3 价价: 40 × 300 → price_seller; 100 inquiries → few_inquiries; 0.45 → strong; two bad
  reviews both changed to good after s3 wrote → caring; 90 s > 1.5 × 40 with no quality gap
  → slow, slow_but_thorough.
- s4 弱弱: 40 × 100 → weak_sales; 200 inquiries → few; 0.20 → weak; 4000 of 10000 →
  short_of_target; 15 s but 一次解决率 0.70, 负面情绪 0.06, 违规 0.5 → fast_but_sloppy,
  compliance_risk.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from shopkpi.workspace import Workspace
from tests.metrics.derived import insert, ts
from tests.scoring.shop import put_value

D = Decimal
STAFF = [
    {"staff_id": "s1", "name": "星星", "role": "presale_cs", "team": "A组"},
    {"staff_id": "s2", "name": "量量", "role": "presale_cs", "team": "A组"},
    {"staff_id": "s3", "name": "价价", "role": "presale_cs", "team": "A组"},
    {"staff_id": "s4", "name": "弱弱", "role": "presale_cs", "team": "A组"},
]
# metric → (s1, s2, s3, s4)
VALUES: dict[str, tuple[str, str, str, str]] = {
    "cs_orders": ("100", "100", "40", "40"),
    "sales_per_buyer": ("300", "100", "300", "100"),
    "cs_sales": ("30000", "10000", "12000", "4000"),
    "inquiry_buyers": ("300", "300", "100", "200"),
    "inquiry_to_paid_rate": ("0.40", "0.35", "0.45", "0.20"),
    "avg_response_seconds": ("20", "60", "90", "15"),
    "first_contact_resolution_rate": ("0.90", "0.90", "0.92", "0.70"),
    "satisfaction_rate": ("0.95", "0.80", "0.90", "0.90"),
    "return_rate": ("0.05", "0.12", "0.04", "0.05"),
    "negative_emotion_session_rate": ("0.02", "0.02", "0.01", "0.06"),
    "compliance_violations_per_100": ("0", "0", "0", "1.5"),
}


def review(rid: str, buyer: str, rating: str, changed: str | None) -> dict[str, object]:
    return {
        "shop_id": "demo", "review_id": rid, "order_id": f"o-{rid}", "buyer_nick": buyer,
        "reviewed_at": ts("2026-11-05 02:00:00"), "rating": rating, "changed_rating": changed,
        "changed_at": ts("2026-11-06 02:00:00") if changed else None,
        "biz_date": date(2026, 11, 5),
    }  # fmt: skip


def agent_line(mid: str, buyer: str, staff: str, at: str) -> dict[str, object]:
    return {"shop_id": "demo", "message_id": mid, "buyer_nick": buyer, "staff_id": staff,
            "account_nick": f"店:{staff}", "direction": "agent", "sent_at": ts(at),
            "text": "亲，给您补发/退款已处理"}  # fmt: skip


def make_team(ws: Workspace) -> Workspace:
    con = ws.warehouse.con
    insert(con, "staff", STAFF)
    for metric, row in VALUES.items():
        for staff, value in zip(("s1", "s2", "s3", "s4"), row, strict=True):
            put_value(con, staff, metric, value, None)
    insert(con, "target", [
        {"entity_kind": "staff", "entity_id": "s1", "period": "2026-11", "metric_id": "cs_sales", "value": D("30000")},
        {"entity_kind": "staff", "entity_id": "s4", "period": "2026-11", "metric_id": "cs_sales", "value": D("10000")},
    ])  # fmt: skip
    insert(con, "review", [
        review("r1", "买家甲", "bad", "good"),
        review("r2", "买家乙", "neutral", "good"),
        review("r3", "买家丙", "bad", None),
        review("r4", "买家丁", "good", None),
    ])  # fmt: skip
    insert(con, "chat_message", [
        agent_line("m1", "买家甲", "s3", "2026-11-05 03:00:00"),
        agent_line("m2", "买家乙", "s3", "2026-11-05 05:00:00"),
        agent_line("m3", "买家丙", "s2", "2026-11-05 04:00:00"),
        agent_line("m4", "买家丙", "s1", "2026-11-20 04:00:00"),  # after the 7-day window
    ])  # fmt: skip
    return ws
