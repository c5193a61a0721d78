"""The warmth index on hand-written chats; every figure is worked out by hand in a comment.

Weights (targets): polite 1.5 (0.5), empathy 1.0 (0.2), address 1.5 (0.5), emoji 1.0 (0.25);
score = min(1, messages with the component / (target × agent messages)).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from shopkpi.qa.evi import EVIResult, evi, warmth_findings
from shopkpi.qa.model import Category, QAMessage, Severity, Speaker

T0 = datetime(2026, 11, 2, 10, 0)


def chat(*lines: tuple[Speaker, str]) -> list[QAMessage]:
    return [
        QAMessage(f"m{i}", "s1", "staff1", speaker, T0 + timedelta(seconds=30 * i), text)
        for i, (speaker, text) in enumerate(lines)
    ]


A, B, AUTO = Speaker.agent, Speaker.buyer, Speaker.auto


def components(result: EVIResult) -> list[tuple[str, int, int, float]]:
    return [(c.name, c.count, c.messages, round(c.score, 4)) for c in result.components]


# Session 1, warm (4 agent messages; targets × 4: polite 2, empathy 0.8, address 2, emoji 1):
#   1 亲亲您好[微笑]，请问有什么可以帮您？  polite 您好 请问 您 (3); address 亲亲; emoji [微笑]
#   2 宝宝别着急，我马上帮您查一下物流😊     polite 您; empathy 别着急 马上帮您; address 宝宝; emoji 😊
#   3 让您久等了，包裹明天就到哦，王女士请放心  polite 您 请; empathy 让您久等了 请放心; address 王女士
#   4 感谢您的耐心，祝您生活愉快~            polite 感谢 您 祝您
# polite 9 in 4/4 → 1; empathy 4 in 2 → 2/0.8 → 1; address 3 in 3 → 3/2 → 1; emoji 2 in 2 → 1
# total = 1.5 + 1.0 + 1.5 + 1.0 = 5.00
WARM = chat(
    (B, "在吗？这个什么时候到"),
    (A, "亲亲您好[微笑]，请问有什么可以帮您？"),
    (A, "宝宝别着急，我马上帮您查一下物流😊"),
    (A, "让您久等了，包裹明天就到哦，王女士请放心"),
    (B, "好的谢谢"),
    (A, "感谢您的耐心，祝您生活愉快~"),
)


def test_a_warm_chat_scores_full_marks() -> None:
    result = evi(WARM, buyer_name="王小红")
    assert result.agent_messages == 4
    assert components(result) == [
        ("polite", 9, 4, 1.0),
        ("empathy", 4, 2, 1.0),
        ("address", 3, 3, 1.0),
        ("emoji", 2, 2, 1.0),
    ]
    assert result.total == 5.0
    assert result.personal_address_count == 3
    assert warmth_findings(WARM, result, min_evi=4.2, min_personal_address=3) == []


# Session 2, cold: five agent messages with no form of any component → 0.00.
COLD = chat(
    (A, "在的"),
    (A, "明天发货"),
    (B, "能便宜吗"),
    (A, "可以的"),
    (A, "没有优惠了"),
    (A, "有问题联系客服"),
)


def test_a_cold_chat_scores_zero_and_misses_both_bars() -> None:
    result = evi(COLD)
    assert (result.agent_messages, result.total, result.personal_address_count) == (5, 0.0, 0)
    found = warmth_findings(COLD, result, min_evi=4.2, min_personal_address=3)
    assert [
        (f.rule, f.category, f.severity, f.session_id, f.message_id, f.staff_id) for f in found
    ] == [
        ("warmth.evi_below_min", Category.warmth, Severity.low, "s1", None, "staff1"),
        ("warmth.address_below_min", Category.warmth, Severity.low, "s1", None, "staff1"),
    ]
    assert found[0].detail == (
        "温度指数 EVI 0.00，低于要求的 4.20（礼貌用语 0.00/1.5，共情 0.00/1，"
        "个性化称呼 0.00/1.5，表情 0.00/1；客服消息 5 条）"
    )
    assert (
        found[1].detail
        == "个性化称呼 0 次，少于每次会话要求的 3 次（亲、宝宝、小仙女、买家姓名等）"
    )


# Session 3, partial (5 agent messages; targets × 5: polite 2.5, empathy 1, address 2.5, emoji 1.25).
# The auto-reply and the buyer's 您好/亲 do not count.
#   1 您好，在的                              polite 您好
#   2 亲，这款有货的                          address 亲
#   3 这个是亲肤面料，申请退款的话七天内都可以   nothing: 亲肤 is not 亲, 申请 is not 请
#   4 不好意思，今天的已经发完了，明天给您发     polite 不好意思 您
#   5 好的/:^_^                               emoji /:^_^
# polite 3 in 2 → 2/2.5 = 0.8 → 1.2; empathy 0 → 0; address 1 in 1 → 1/2.5 = 0.4 → 0.6;
# emoji 1 in 1 → 1/1.25 = 0.8 → 0.8; total = 1.2 + 0 + 0.6 + 0.8 = 2.60
PARTIAL = chat(
    (AUTO, "亲亲，欢迎光临本店[微笑]"),
    (B, "您好，在吗？亲"),
    (A, "您好，在的"),
    (A, "亲，这款有货的"),
    (B, "面料怎么样，可以退吗"),
    (A, "这个是亲肤面料，申请退款的话七天内都可以"),
    (A, "不好意思，今天的已经发完了，明天给您发"),
    (B, "好吧"),
    (A, "好的/:^_^"),
)


def test_a_partly_warm_chat() -> None:
    result = evi(PARTIAL)
    assert components(result) == [
        ("polite", 3, 2, 0.8),
        ("empathy", 0, 0, 0.0),
        ("address", 1, 1, 0.4),
        ("emoji", 1, 1, 0.8),
    ]
    assert [round(c.points, 4) for c in result.components] == [1.2, 0.0, 0.6, 0.8]
    assert result.total == 2.6
    [low, few] = warmth_findings(PARTIAL, result, min_evi=4.2, min_personal_address=3)
    assert low.detail == (
        "温度指数 EVI 2.60，低于要求的 4.20（礼貌用语 1.20/1.5，共情 0.00/1，"
        "个性化称呼 0.60/1.5，表情 0.80/1；客服消息 5 条）"
    )
    assert few.detail.startswith("个性化称呼 1 次，少于每次会话要求的 3 次")


# Session 4, by name and nick (5 agent messages; targets × 5 as in session 3):
#   1 LILY_88 您好您好您好           address the nick lily_88; polite 您好 ×3 (one message)
#   2 李姐，给您带来不便非常抱歉👍🏻   address 李姐 (李娜's surname + 姐); empathy 给您带来不便 非常抱歉;
#                                    polite 您 抱歉; emoji 👍🏻 (one, with its skin tone)
#   3 淘宝和支付宝都可以付款           nothing: 淘宝 and 支付宝 are not 宝
#   4 辛苦您了［大哭］                 empathy 辛苦您了; polite 您; emoji ［大哭］ (full-width brackets)
#   5 好的                            nothing
# polite 6 in 3 → 3/2.5 → 1 → 1.5; empathy 3 in 2 → 2/1 → 1 → 1.0;
# address 2 in 2 → 2/2.5 = 0.8 → 1.2; emoji 2 in 2 → 2/1.25 → 1 → 1.0; total = 4.70
NAMED = chat(
    (A, "LILY_88 您好您好您好"),
    (A, "李姐，给您带来不便非常抱歉👍🏻"),
    (A, "淘宝和支付宝都可以付款"),
    (A, "辛苦您了［大哭］"),
    (A, "好的"),
)


def test_names_nicks_and_the_two_bars_are_independent() -> None:
    result = evi(NAMED, buyer_name=["李娜", "lily_88"])
    assert components(result) == [
        ("polite", 6, 3, 1.0),
        ("empathy", 3, 2, 1.0),
        ("address", 2, 2, 0.8),
        ("emoji", 2, 2, 1.0),
    ]
    assert result.total == pytest.approx(4.7)
    found = warmth_findings(NAMED, result, min_evi=4.2, min_personal_address=3)
    assert [f.rule for f in found] == ["warmth.address_below_min"]
    assert found[0].detail.startswith("个性化称呼 2 次")
    # without the names, only 0 forms of address are left: 0.0 → total 3.50
    assert evi(NAMED).total == 3.5


def test_no_agent_message_means_no_score_and_no_finding() -> None:
    only_buyer = chat((B, "在吗"), (AUTO, "亲亲您好[微笑]"))
    result = evi(only_buyer)
    assert (result.agent_messages, result.total) == (0, 0.0)
    assert warmth_findings(only_buyer, result, min_evi=4.2, min_personal_address=3) == []
    assert warmth_findings(COLD, evi(COLD), min_evi=None, min_personal_address=None) == []
