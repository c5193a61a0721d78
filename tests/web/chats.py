"""Chat messages for the drill-down tests (times UTC; the shop is UTC+8).

s1 小美, 2026-11-10 (10:00 local), buyer t**1: a question, an auto-reply (never a
response), the filler 在的亲 at 20 s (stops the plain clock), the real answer at 50 s,
then a second question at 02:01:30 answered at 02:02:00 (30 s).
s1, 2026-11-11, buyer t**2: a question answered at 40 s, then a system line hands the
buyer to 阿强 20 s after the session's last message (a transfer out).
s2 阿强, 2026-11-12, buyer t**3: a question answered at 10 s.

So s1's 首次响应时间 = (20 + 40) / 2 = 30 s (the filler counts for the plain clock), and
平均响应时间 = (20 + 30 + 40) / 3 = 30 s over three rounds.
"""

from __future__ import annotations

from decimal import Decimal

from shopkpi.workspace import Workspace
from tests.metrics.derived import d, insert, ts

XM, AQ = "示例旗舰店:小美", "示例旗舰店:阿强"
MESSAGES = [
    ("m01", "t**1", XM, "s1", "buyer", "2026-11-10 02:00:00", "这件有货吗"),
    ("m02", "t**1", XM, "s1", "auto", "2026-11-10 02:00:05", "[自动回复]您好，欢迎光临"),
    ("m03", "t**1", XM, "s1", "agent", "2026-11-10 02:00:20", "在的亲"),
    ("m04", "t**1", XM, "s1", "agent", "2026-11-10 02:00:50", "有货的，今天下单今天发"),
    ("m05", "t**1", XM, "s1", "buyer", "2026-11-10 02:01:30", "好的，红色也有吗"),
    ("m06", "t**1", XM, "s1", "agent", "2026-11-10 02:02:00", "红色也有的"),
    ("m07", "t**2", XM, "s1", "buyer", "2026-11-11 03:00:00", "能便宜点吗"),
    ("m08", "t**2", XM, "s1", "agent", "2026-11-11 03:00:40", "这款已经是活动价了"),
    ("m09", "t**2", XM, None, "system", "2026-11-11 03:01:00", "转交给 示例旗舰店:阿强"),
    ("m10", "t**3", AQ, "s2", "buyer", "2026-11-12 04:00:00", "什么时候发货"),
    ("m11", "t**3", AQ, "s2", "agent", "2026-11-12 04:00:10", "今天就发"),
]
SESSION_1 = f"{XM}|t**1|2026-11-10 02:00:00"
SESSION_2 = f"{XM}|t**2|2026-11-11 03:00:00"
SESSION_3 = f"{AQ}|t**3|2026-11-12 04:00:00"


def put_chats(ws: Workspace) -> None:
    """The messages above, then a full compute of 2026-11 (derivations and metrics)."""
    rows = [
        {
            "shop_id": "demo",
            "message_id": mid,
            "buyer_nick": buyer,
            "account_nick": account,
            "staff_id": staff,
            "direction": direction,
            "sent_at": ts(sent),
            "text": text,
            "biz_date": d(sent[:10]),
        }
        for mid, buyer, account, staff, direction, sent, text in MESSAGES
    ]
    insert(ws.warehouse.con, "chat_message", rows)
    insert(ws.warehouse.con, "orders", ORDERS)
    insert(ws.warehouse.con, "refund", REFUNDS)


# t**1 orders 10 minutes after asking 小美 and pays 199.00; 20.00 is refunded later, so
# 小美's 客服销售额 is 179.00. t**3 orders after asking 阿强: 99.00 for 阿强.
ORDERS = [
    {
        "shop_id": "demo",
        "order_id": "o1",
        "buyer_nick": "t**1",
        "created_at": ts("2026-11-10 02:10:00"),
        "paid_at": ts("2026-11-10 02:11:00"),
        "status": "交易成功",
        "paid_amount": Decimal("199.00"),
        "refund_amount": Decimal("20.00"),
    },
    {
        "shop_id": "demo",
        "order_id": "o2",
        "buyer_nick": "t**3",
        "created_at": ts("2026-11-12 04:05:00"),
        "paid_at": ts("2026-11-12 04:06:00"),
        "status": "交易成功",
        "paid_amount": Decimal("99.00"),
        "refund_amount": Decimal("0.00"),
    },
]
REFUNDS = [
    {
        "shop_id": "demo",
        "refund_id": "r1",
        "order_id": "o1",
        "requested_at": ts("2026-11-12 01:00:00"),
        "kind": "refund_only",
        "status": "success",
        "amount": Decimal("20.00"),
        "reason": "少发配件",
    }
]
