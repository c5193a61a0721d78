"""Credit-grabbing signals (抢单, 冒领, 改单) on hand-written orders and contacts."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

from shopkpi.qa.credit import (
    ContactFact,
    OrderFact,
    contact_from_messages,
    credit_findings,
    duration,
    is_chase,
    manual_price,
    post_order_contact,
    unserved_claim,
)
from shopkpi.qa.model import Category, Finding, QAMessage, Severity, Speaker
from shopkpi.qa.settings import QASettings

T0 = datetime(2024, 10, 1, 2, 0, 0)
B, A = Speaker.buyer, Speaker.agent
RULE = "order_paid/last_touch/same_or_previous_day"
ORDER = OrderFact(
    order_id="o1",
    buyer="tb_buyer",
    created_at=T0,
    paid_at=T0 + timedelta(minutes=30),
    goods_amount=Decimal("99.00"),
    list_amount=Decimal("99.00"),
    campaign_id=None,
    credited_staff="kf1",
    rule=RULE,
)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def msgs(
    *rows: tuple[Speaker, float, str] | tuple[Speaker, float, str, str, bool],
) -> list[QAMessage]:
    """(speaker, minutes after the order, text[, staff, is_filler]) → messages m0, m1, …"""
    out = []
    for i, row in enumerate(rows):
        who, minutes, text = row[:3]
        staff = row[3] if len(row) > 3 else "kf1"
        filler = row[4] if len(row) > 4 else False
        out.append(QAMessage(f"m{i}", f"s{i // 10}", staff, who, at(minutes), text, filler))
    return out


def test_chases_are_short_payment_reminders() -> None:
    s = QASettings()
    assert is_chase("亲，付款了吗？", s)
    assert is_chase("请尽快付款哦，库存不多了", s)
    assert not is_chase("这款可以拍下后备注颜色，记得付款前选好尺码哦，有问题随时找我", s)
    assert not is_chase("有黑色的", s)


def test_contact_from_messages_counts_rounds_answered_for_real() -> None:
    chat = msgs(
        (B, -20, "有黑色吗"),
        (A, -19, "在的", "kf1", True),  # a filler does not answer for real
        (B, -18, "M码"),
        (A, -17, "有的亲", "kf2", False),  # another agent's answer is not this agent's
        (A, -10, "有黑色M码"),  # answers the open round
        (A, -5, "亲，付款了吗"),  # a chase
        (B, -4, "好的"),
    )
    assert contact_from_messages("kf1", "tb_buyer", chat) == ContactFact(
        staff_id="kf1",
        buyer="tb_buyer",
        first_agent_at=at(-19),
        last_agent_at=at(-5),
        agent_messages=3,
        buyer_messages=3,
        answered_rounds=1,
        substantive_messages=1,
        session_id="s0",
        first_message_id="m1",
    )


def test_first_contact_after_the_order_with_only_chases_is_high() -> None:
    contact = contact_from_messages("kf1", "tb_buyer", msgs((A, 5, "亲，付款了吗")))
    assert post_order_contact(ORDER, contact) == Finding(
        "credit.post_order_contact",
        Category.credit,
        Severity.high,
        "s0",
        "m0",
        "kf1",
        "o1",
        detail=f"订单 o1 下单 5 分钟后，落实客服 kf1 才首次联系买家且只发过渡话术或催付（{RULE}）",
    )


def test_first_contact_after_the_order_with_real_answers_is_medium() -> None:
    chat = msgs((A, 2, "亲，付款了吗"), (B, 3, "能便宜点吗"), (A, 4, "这款已经是活动价了哦"))
    found = post_order_contact(ORDER, contact_from_messages("kf1", "tb_buyer", chat))
    assert found is not None and found.severity == Severity.medium
    assert found.detail == f"订单 o1 下单 2 分钟后，落实客服 kf1 才首次联系买家（{RULE}）"


def test_contact_before_or_at_the_order_or_a_silent_order_is_fine() -> None:
    before = contact_from_messages("kf1", "tb_buyer", msgs((B, -3, "有货吗"), (A, -2, "有的")))
    assert post_order_contact(ORDER, before) is None
    same_second = replace(before, first_agent_at=T0)
    assert post_order_contact(ORDER, same_second) is None
    assert post_order_contact(replace(ORDER, credited_staff=None), before) is None
    assert post_order_contact(ORDER, None) is None


def test_unserved_claims() -> None:
    unanswered = contact_from_messages(
        "kf1", "tb_buyer", msgs((B, -3, "有货吗"), (A, -2, "稍等", "kf1", True))
    )
    found = unserved_claim(ORDER, unanswered)
    assert found is not None
    assert (found.rule, found.severity, found.matched, found.message_id) == (
        "credit.unserved_claim",
        Severity.medium,
        "o1",
        "m1",
    )
    assert found.detail == f"订单 o1 落实给 kf1，但买家咨询未得到实质回复（{RULE}）"
    pushed = contact_from_messages("kf1", "tb_buyer", msgs((A, 5, "亲，付款了吗")))
    cold = unserved_claim(ORDER, pushed)
    assert cold is not None and cold.severity == Severity.low
    assert cold.detail == f"订单 o1 落实给 kf1，但买家未发过消息（{RULE}）"
    missing = unserved_claim(ORDER, None)
    assert missing is not None and missing.session_id == "" and missing.message_id is None
    assert missing.detail == f"订单 o1 落实给 kf1，但没有该客服与买家的聊天（{RULE}）"


def test_a_served_buyer_or_a_silent_order_is_no_unserved_claim() -> None:
    served = contact_from_messages("kf1", "tb_buyer", msgs((B, -3, "有货吗"), (A, -2, "有的")))
    assert unserved_claim(ORDER, served) is None
    assert unserved_claim(replace(ORDER, credited_staff=None), None) is None


def test_manual_price_change_without_a_campaign() -> None:
    cut = replace(ORDER, order_id="o3", goods_amount=Decimal("89.00"))
    assert manual_price(cut) == Finding(
        "credit.manual_price",
        Category.credit,
        Severity.medium,
        "",
        None,
        "kf1",
        "o3",
        detail="订单 o3 应付 89.00 元，标价×数量 99.00 元，相差 -10.00 元且无活动",
    )
    raised = manual_price(replace(ORDER, goods_amount=Decimal("99.02")))
    assert raised is not None and raised.detail.endswith("相差 +0.02 元且无活动")


def test_no_manual_price_with_a_campaign_within_tolerance_or_without_list_price() -> None:
    cut = replace(ORDER, goods_amount=Decimal("89.00"))
    assert manual_price(replace(cut, campaign_id="双11")) is None
    assert manual_price(replace(ORDER, goods_amount=Decimal("99.01"))) is None  # = tolerance
    assert manual_price(replace(ORDER, goods_amount=Decimal("98.995"))) is None
    assert manual_price(replace(cut, list_amount=None)) is None
    wide = QASettings(price_tolerance=Decimal("10.00"))
    assert manual_price(cut, settings=wide) is None


def test_credit_findings_run_every_rule_per_order() -> None:
    orders = [
        replace(ORDER, goods_amount=Decimal("79.90")),  # 抢单 + 冒领 + 改价
        replace(ORDER, order_id="o2", buyer="other"),  # served before the order: nothing
        replace(ORDER, order_id="o4", credited_staff=None, goods_amount=Decimal("1")),
    ]
    contacts = {
        ("kf1", "tb_buyer"): contact_from_messages("kf1", "tb_buyer", msgs((A, 5, "付款了吗"))),
        ("kf1", "other"): contact_from_messages(
            "kf1", "other", msgs((B, -3, "有货吗"), (A, -2, "有的"))
        ),
    }
    found = credit_findings(orders, contacts)
    assert [(f.rule, f.matched, f.severity.value, f.staff_id) for f in found] == [
        ("credit.post_order_contact", "o1", "high", "kf1"),
        ("credit.unserved_claim", "o1", "low", "kf1"),
        ("credit.manual_price", "o1", "medium", "kf1"),
        ("credit.manual_price", "o4", "medium", None),
    ]


def test_duration_in_words() -> None:
    assert [duration(x) for x in (45, 60, 725, 3600, 7500)] == [
        "45 秒",
        "1 分钟",
        "12 分钟",
        "1 小时",
        "2 小时 5 分钟",
    ]
