"""Hand-written chats for the QA pipeline tests (times UTC; the shop is UTC+8).

Session A — 小美 (s1) with t**1 on 2026-11-10: the buyer asks; 在的亲 comes after 5 s (a
filler) and the real answer only 210 s after the question (filler then late); the answer
says 全网最低价 (广告法 absolute term) and 保证有效 (a guarantee of efficacy).
Session B — 阿强 (s2) with t**3 on 2026-11-12: three angry buyer messages, the last two
with 投诉 and 12315 (escalation keywords), then an apology and a calm "好的谢谢".
"""

from __future__ import annotations

from shopkpi.workspace import Workspace
from tests.metrics.derived import d, insert, ts

XM, AQ = "示例旗舰店:小美", "示例旗舰店:阿强"
ANSWER = "有货的亲，这是全网最低价，保证有效"
MESSAGES = [
    ("a1", "t**1", XM, "s1", "buyer", "2026-11-10 02:00:00", "这件衣服有货吗"),
    ("a2", "t**1", XM, "s1", "agent", "2026-11-10 02:00:05", "在的亲"),
    ("a3", "t**1", XM, "s1", "agent", "2026-11-10 02:03:30", ANSWER),
    ("a4", "t**1", XM, "s1", "buyer", "2026-11-10 02:04:00", "谢谢"),
    ("b1", "t**3", AQ, "s2", "buyer", "2026-11-12 04:00:00", "怎么还没发货？都三天了"),
    ("b2", "t**3", AQ, "s2", "buyer", "2026-11-12 04:01:00", "再不发货我就投诉你们"),
    ("b3", "t**3", AQ, "s2", "buyer", "2026-11-12 04:02:00", "太差劲了，我要打12315"),
    (
        "b4",
        "t**3",
        AQ,
        "s2",
        "agent",
        "2026-11-12 04:02:30",
        "非常抱歉亲，给您带来不便，马上为您加急处理",
    ),
    ("b5", "t**3", AQ, "s2", "buyer", "2026-11-12 04:05:00", "好的谢谢"),
]
SESSION_A = f"{XM}|t**1|2026-11-10 02:00:00"
SESSION_B = f"{AQ}|t**3|2026-11-12 04:00:00"


def put_qa_chats(ws: Workspace) -> None:
    rows = [
        {
            "shop_id": "demo", "message_id": mid, "buyer_nick": buyer, "account_nick": account,
            "staff_id": staff, "direction": direction, "sent_at": ts(sent), "text": text,
            "biz_date": d(sent[:10]),
        }
        for mid, buyer, account, staff, direction, sent, text in MESSAGES
    ]  # fmt: skip
    insert(ws.warehouse.con, "chat_message", rows)
