"""Gaming signals and compensation offers on hand-written sessions."""

from __future__ import annotations

from datetime import datetime, timedelta

from shopkpi.qa.gaming import (
    TemplateShare,
    compensation,
    compensation_hits,
    continues,
    day_share,
    filler_then_late,
    interruption,
    template_findings,
    template_ratio,
)
from shopkpi.qa.model import Category, Finding, QAMessage, Severity, Speaker
from shopkpi.qa.settings import QASettings

T0 = datetime(2024, 10, 1, 2, 0, 0)
B, A, AUTO = Speaker.buyer, Speaker.agent, Speaker.auto
S = QASettings()


def chat(*rows: tuple[Speaker, float, str] | tuple[Speaker, float, str, bool]) -> list[QAMessage]:
    """(speaker, seconds after T0, text[, is_filler]) → messages m0, m1, … of session s1."""
    return [
        QAMessage(f"m{i}", "s1", "kf1", r[0], T0 + timedelta(seconds=r[1]), r[2], *r[3:])
        for i, r in enumerate(rows)
    ]


def ids(found: list[Finding]) -> list[tuple[str, str | None]]:
    return [(f.rule, f.message_id) for f in found]


# -- filler then late ---------------------------------------------------------------------


def test_a_fast_filler_before_a_late_answer_is_flagged_on_the_filler() -> None:
    session = chat((B, 0, "这款有黑色吗"), (A, 8, "在的亲", True), (A, 200, "有黑色的"))
    assert filler_then_late(session) == [
        Finding(
            "gaming.filler_then_late",
            Category.gaming,
            Severity.medium,
            "s1",
            "m1",
            "kf1",
            "在的亲",
            0,
            3,
            "提问后 8 秒先发过渡话术，实质回复在 200 秒后",
        )
    ]


def test_a_filler_followed_by_a_fast_answer_is_fine() -> None:
    session = chat((B, 0, "这款有黑色吗"), (A, 8, "在的亲", True), (A, 60, "有黑色的"))
    assert filler_then_late(session) == []


def test_the_late_bounds_are_exclusive_and_the_fast_bound_inclusive() -> None:
    at_limit = chat((B, 0, "有货吗"), (A, 15, "稍等", True), (A, 120, "有的"))
    assert filler_then_late(at_limit) == []  # 120 s is not more than 120
    later = chat((B, 0, "有货吗"), (A, 15, "稍等", True), (A, 121, "有的"))
    assert ids(filler_then_late(later)) == [("gaming.filler_then_late", "m1")]
    slow_filler = chat((B, 0, "有货吗"), (A, 16, "稍等", True), (A, 300, "有的"))
    assert filler_then_late(slow_filler) == []


def test_a_filler_answering_a_greeting_is_fine() -> None:
    session = chat(
        (B, 0, "你好，在吗？"),
        (A, 3, "在的", True),
        (B, 100, "这款有黑色吗"),
        (A, 110, "有黑色的"),
    )
    assert filler_then_late(session) == []


def test_a_filler_with_no_real_answer_while_the_buyer_keeps_waiting() -> None:
    session = chat((B, 0, "这款有黑色吗"), (A, 5, "稍等", True), (B, 200, "？？"))
    found = filler_then_late(session)
    assert [(f.message_id, f.detail) for f in found] == [
        ("m1", "提问后 5 秒先发过渡话术，之后没有实质回复")
    ]
    # the session ends right after the filler: nothing shows the buyer waited
    assert filler_then_late(session[:2]) == []


def test_one_finding_per_round() -> None:
    session = chat(
        (B, 0, "有黑色吗"),
        (B, 2, "M码的"),
        (A, 10, "稍等", True),
        (A, 11, "在的", True),
        (B, 20, "？"),  # a new round, answered by a filler again
        (A, 25, "在的", True),
        (A, 300, "有的"),
    )
    assert ids(filler_then_late(session)) == [
        ("gaming.filler_then_late", "m2"),
        ("gaming.filler_then_late", "m5"),
    ]


# -- interruption ------------------------------------------------------------------------


def test_a_quick_reply_cutting_off_a_question_is_flagged_on_the_reply() -> None:
    session = chat((B, 0, "我想问一下这个尺码"), (A, 3, "亲，有的"), (B, 10, "就是175穿多大"))
    assert interruption(session) == [
        Finding(
            "gaming.interruption",
            Category.gaming,
            Severity.low,
            "s1",
            "m1",
            "kf1",
            "亲，有的",
            0,
            4,
            "买家发言后 3 秒即回复，买家 7 秒后接着说：「就是175穿多大」",
        )
    ]


def test_an_unfinished_message_continues_without_a_starter_word() -> None:
    session = chat((B, 0, "这个尺码"), (AUTO, 1, "[自动回复]"), (A, 2, "有的"), (B, 8, "175穿多大"))
    assert ids(interruption(session)) == [("gaming.interruption", "m2")]


def test_a_follow_up_on_a_new_topic_is_no_interruption() -> None:
    session = chat((B, 0, "这款有货吗"), (A, 2, "有货的亲"), (B, 8, "发什么快递"))
    assert interruption(session) == []


def test_acks_slow_replies_and_late_follow_ups_are_no_interruption() -> None:
    ack = chat((B, 0, "我看看这个"), (A, 2, "好的亲"), (B, 5, "好的，谢谢"))
    slow = chat((B, 0, "这个尺码"), (A, 6, "有的"), (B, 10, "175穿多大"))
    late = chat((B, 0, "这个尺码"), (A, 2, "有的"), (B, 23, "175穿多大"))
    answered_again = chat((B, 0, "这个尺码"), (A, 2, "有的"), (A, 4, "亲"), (B, 8, "175穿多大"))
    for session in (ack, slow, late, answered_again):
        assert interruption(session) == []


def test_continues_heuristic() -> None:
    assert not continues("这个尺码？", "175穿多大", S)  # complete question
    assert not continues("有货吗~", "发什么快递", S)  # final particle, trailing tilde
    assert continues("有货吗", "还有别的颜色吗", S)  # continuation word wins
    assert continues("这个尺码", "175穿多大", S)  # unfinished
    assert not continues("这个尺码", "嗯嗯好的", S)  # acks only
    assert not continues("这个尺码", "？？", S)  # a nudge, not words


# -- template ratio ----------------------------------------------------------------------


def test_template_ratio_counts_copies_from_the_agents_other_sessions() -> None:
    shares = template_ratio(
        {
            "A": ["您好，在的", "这款是纯棉的", "好的亲", "感谢光临"],
            "B": ["您好 在的!", "好的亲", "尺码偏大"],
            "C": ["感谢光临～", "好的亲"],
            "D": ["嗯", "嗯", "😊"],  # repeats within one session are not copies
        }
    )
    assert shares == {
        "A": TemplateShare(3, 4),
        "B": TemplateShare(2, 3),
        "C": TemplateShare(2, 2),
        "D": TemplateShare(0, 3),
    }
    assert shares["A"].ratio == 0.75
    assert day_share(shares) == TemplateShare(7, 12)


def test_template_findings_need_a_share_above_the_max_and_enough_messages() -> None:
    agent_day = {
        "S1": ["a", "b", "c", "d", "e"],
        "S2": ["a", "b", "c", "d", "x"],  # 4/5 = 0.8: not above
        "S3": ["e"],  # 1/1 but one message only
    }
    assert template_findings("kf1", agent_day) == [
        Finding(
            "gaming.template_ratio",
            Category.gaming,
            Severity.low,
            "S1",
            None,
            "kf1",
            detail="5/5 条客服消息与当天其他会话完全相同（100%）",
        )
    ]
    assert TemplateShare(4, 5).over(S) is False
    assert TemplateShare(5, 5).over(S) is True
    assert TemplateShare(4, 4).over(S) is False  # fewer than 5 messages


# -- compensation ------------------------------------------------------------------------


def test_compensation_hits_find_money_offers() -> None:
    assert compensation_hits("亲，给您返现5元，麻烦改成好评") == [(4, 6, "返现")]
    assert compensation_hits("加我微信，私下给您转账") == [
        (0, 4, "加我微信"),
        (5, 11, "私下给您转账"),
    ]
    assert compensation_hits("给您发个红包") == [(4, 6, "红包")]
    assert compensation_hits("我们给您退您差价") == [(4, 8, "退您差价")]
    assert compensation_hits("补偿您10元可以吗") == [(0, 6, "补偿您10元")]


def test_overlapping_matches_keep_the_earliest_longest() -> None:
    assert compensation_hits("送您一张无门槛券") == [(0, 8, "送您一张无门槛券")]


def test_offers_within_policy_are_allowed() -> None:
    assert compensation_hits("可以领取店铺红包哦") == []
    assert compensation_hits("这款是纯棉的") == []


def test_compensation_findings_are_on_agent_messages_only() -> None:
    session = chat((B, 0, "好评返现吗"), (A, 5, "亲，给您返现5元"), (AUTO, 6, "红包活动进行中"))
    assert compensation(session) == [
        Finding(
            "promise.compensation",
            Category.promise,
            Severity.high,
            "s1",
            "m1",
            "kf1",
            "返现",
            4,
            6,
            "客服许诺补偿或优惠：「返现」",
        )
    ]
