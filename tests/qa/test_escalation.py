"""Escalation triggers on hand-written sessions, and the live evaluator against the batch."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from shopkpi.qa.escalation import (
    EmotionPoint,
    LiveEscalation,
    emotion_curve,
    escalations,
    keyword_hits,
    recovered,
)
from shopkpi.qa.model import Category, Finding, QAMessage, Severity, Speaker
from shopkpi.qa.settings import QASettings

T0 = datetime(2024, 10, 1, 2, 0, 0)
B, A, AUTO, SYS = Speaker.buyer, Speaker.agent, Speaker.auto, Speaker.system
# The stub analyzer: these texts are rated, everything else is neutral 0.
RATED = {
    "太慢了": ("negative", -0.75),
    "怎么还不发货": ("negative", -0.5),
    "气人": ("negative", -1.0),
    "我要退款": ("negative", -0.75),
    "退款吧": ("negative", -0.25),
    "好的谢谢": ("positive", 0.5),
    "行吧": ("neutral", 0.0),
}


def emotion(text: str, speaker: Speaker) -> tuple[str, float]:
    return RATED.get(text, ("neutral", 0.0))


def chat(*rows: tuple[Speaker, float, str], session: str = "s1") -> list[QAMessage]:
    """(speaker, seconds after T0, text) → messages m0, m1, … of one session."""
    return [
        QAMessage(f"m{i}", session, "kf1", who, T0 + timedelta(seconds=at), text)
        for i, (who, at, text) in enumerate(rows)
    ]


def rules(found: list[Finding]) -> list[tuple[str, str | None, str]]:
    return [(f.rule, f.message_id, f.severity.value) for f in found]


def test_threat_and_complaint_words_each_get_a_finding_on_their_span() -> None:
    found = escalations(chat((B, 0, "再不处理我就打12315投诉你们")), emotion)
    assert [(f.matched, f.start, f.end, f.severity) for f in found] == [
        ("12315", 7, 12, Severity.critical),
        ("投诉", 12, 14, Severity.high),
    ]
    assert found[0] == Finding(
        "escalation.keyword",
        Category.escalation,
        Severity.critical,
        "s1",
        "m0",
        "kf1",
        "12315",
        7,
        12,
        "买家威胁外部投诉或曝光：「12315」",
    )


def test_a_bad_review_threat_is_high() -> None:
    found = escalations(chat((B, 0, "再不退款就给差评")), emotion)
    assert [(f.matched, f.start, f.end, f.severity) for f in found] == [
        ("差评", 6, 8, Severity.high)
    ]


def test_asking_how_to_remove_a_bad_review_is_no_escalation() -> None:
    for text in ["请问怎么删除差评", "差评可以修改吗", "我不会给你们差评的", "放心不投诉"]:
        assert escalations(chat((B, 0, text)), emotion) == [], text


def test_harmless_words_holding_a_keyword_are_exempt() -> None:
    assert escalations(chat((B, 0, "工商银行卡能付款吗")), emotion) == []
    assert escalations(chat((B, 0, "相机的曝光补偿在哪调")), emotion) == []


def test_an_exempt_occurrence_does_not_hide_a_later_real_one() -> None:
    found = keyword_hits("不会给差评，但这次必须差评", 0.0, QASettings())
    assert [(h.matched, h.start) for h in found] == [("差评", 11)]


def test_refund_escalates_only_with_anger() -> None:
    angry = escalations(chat((B, 0, "垃圾东西，我要退款")), emotion)
    assert [(f.matched, f.start, f.end, f.severity, f.detail) for f in angry] == [
        ("退款", 7, 9, Severity.high, "买家要求「退款」且情绪激动（「垃圾」）")
    ]
    # no anger word: the emotion score decides (-0.75 ≤ -0.6; -0.25 is calmer)
    scored = escalations(chat((B, 0, "我要退款")), emotion)
    assert [(f.matched, f.detail) for f in scored] == [
        ("退款", "买家要求「退款」且情绪激动（情绪分 -0.75）")
    ]
    assert escalations(chat((B, 0, "退款吧")), emotion) == []


def test_negative_streak_survives_agent_messages_and_fires_once_per_streak() -> None:
    session = chat(
        (B, 0, "太慢了"),
        (A, 10, "亲，马上为您查"),
        (B, 20, "怎么还不发货"),
        (AUTO, 21, "[自动回复]稍等"),
        (B, 30, "气人"),  # third negative in a row: fires
        (B, 40, "太慢了"),  # fourth: same streak, no second finding
        (B, 50, "行吧"),  # neutral: resets
        (B, 60, "太慢了"),
        (B, 70, "太慢了"),
        (B, 80, "太慢了"),  # a new streak of three
    )
    found = escalations(session, emotion)
    assert rules(found) == [
        ("escalation.negative_streak", "m4", "high"),
        ("escalation.negative_streak", "m9", "high"),
    ]
    assert found[0].detail == "买家连续 3 条负面消息"


def test_a_non_negative_buyer_message_breaks_the_streak() -> None:
    session = chat((B, 0, "太慢了"), (B, 10, "太慢了"), (B, 20, "行吧"), (B, 30, "太慢了"))
    assert escalations(session, emotion) == []


def test_rising_waits_fire_on_the_message_that_ends_the_third_longer_wait() -> None:
    session = chat((B, 0, "a"), (B, 60, "b"), (B, 150, "c"), (B, 350, "d"), (B, 360, "e"))
    found = escalations(session, emotion)
    assert rules(found) == [("escalation.rising_wait", "m3", "medium")]
    assert found[0].detail == "买家等待连续 3 次变长：60、90、200 秒"
    assert found[0].start is None and found[0].matched == ""


def test_the_answer_ends_the_last_wait_of_a_run() -> None:
    session = chat((B, 0, "a"), (B, 50, "b"), (B, 150, "c"), (A, 400, "来了"))
    assert rules(escalations(session, emotion)) == [("escalation.rising_wait", "m3", "medium")]


def test_rising_waits_broken_by_an_answer_do_not_fire() -> None:
    session = chat(
        (B, 0, "a"),
        (B, 60, "b"),  # wait 60
        (A, 150, "在的"),  # wait 90, answered: the run ends
        (B, 200, "c"),
        (B, 400, "d"),  # wait 200, but only the second wait of this run
    )
    assert escalations(session, emotion) == []


def test_waits_that_do_not_keep_growing_or_stay_short_do_not_fire() -> None:
    shrink = chat((B, 0, "a"), (B, 100, "b"), (B, 150, "c"), (B, 350, "d"))  # 100, 50, 200
    short = chat((B, 0, "a"), (B, 60, "b"), (B, 150, "c"), (B, 320, "d"))  # 60, 90, 170
    assert escalations(shrink, emotion) == []
    assert escalations(short, emotion) == []


def test_auto_replies_do_not_answer_a_wait() -> None:
    session = chat(
        (B, 0, "a"), (AUTO, 5, "[自动回复]"), (B, 60, "b"), (SYS, 61, "x"), (B, 150, "c"),
        (B, 350, "d"),
    )  # fmt: skip
    assert rules(escalations(session, emotion)) == [("escalation.rising_wait", "m5", "medium")]


def test_findings_of_one_message_come_in_rule_order() -> None:
    session = chat((B, 0, "太慢了"), (B, 10, "气人"), (B, 20, "我要退款"))
    assert rules(escalations(session, emotion)) == [
        ("escalation.keyword", "m2", "high"),
        ("escalation.negative_streak", "m2", "high"),
    ]


def test_recovered_when_the_last_rolling_mean_rises_by_the_margin() -> None:
    # rolling means (window 2): -0.75, -0.875, then (-1.0 + 0.5) / 2 = -0.25: up 0.625
    calm = chat((B, 0, "我要退款"), (B, 10, "气人"), (A, 20, "抱歉"), (B, 30, "好的谢谢"))
    assert recovered(calm, emotion)
    # ... then (-1.0 + 0.0) / 2 = -0.5: up only 0.375 < 0.5
    flat = chat((B, 0, "我要退款"), (B, 10, "气人"), (B, 30, "行吧"))
    assert not recovered(flat, emotion)
    # two messages: -1.0, then (-1.0 + 0.5) / 2 = -0.25: up 0.75
    assert recovered(chat((B, 0, "气人"), (B, 10, "好的谢谢")), emotion)


def test_not_recovered_without_a_negative_point_or_when_ending_at_the_worst() -> None:
    assert not recovered(chat((B, 0, "行吧"), (B, 10, "好的谢谢")), emotion)
    assert not recovered(chat((B, 0, "退款吧"), (B, 10, "气人")), emotion)
    assert not recovered(chat((B, 0, "气人")), emotion)
    assert not recovered(chat((A, 0, "您好")), emotion)


def test_recovery_margin_and_window_are_settings() -> None:
    flat = chat((B, 0, "我要退款"), (B, 10, "气人"), (B, 30, "行吧"))
    assert recovered(flat, emotion, QASettings(recovery_margin=0.375))
    # window 1: the last score 0.0 against the worst -1.0
    assert recovered(flat, emotion, QASettings(recovery_window=1))


def test_emotion_curve_lists_buyer_messages_only() -> None:
    session = chat((B, 0, "气人"), (A, 5, "抱歉"), (B, 30, "好的谢谢"))
    assert emotion_curve(session, emotion) == [
        EmotionPoint("m0", T0, -1.0),
        EmotionPoint("m2", T0 + timedelta(seconds=30), 0.5),
    ]


MIXED = chat(
    (B, 0, "太慢了"),
    (A, 4, "在的"),
    (B, 10, "怎么还不发货"),
    (B, 70, "气人"),
    (B, 160, "我要投诉，打12315"),
    (SYS, 165, "转交给 小王"),
    (B, 370, "垃圾，我要退款"),
    (A, 380, "抱歉亲"),
    (B, 390, "好的谢谢"),
)


def live_run(messages: list[QAMessage]) -> list[Finding]:
    live = LiveEscalation(emotion)
    return [f for m in messages for f in live.push(m)]


def test_live_pushes_give_the_batch_findings() -> None:
    batch = escalations(MIXED, emotion)
    assert rules(batch) == [
        ("escalation.negative_streak", "m3", "high"),
        ("escalation.keyword", "m4", "high"),
        ("escalation.keyword", "m4", "critical"),
        ("escalation.keyword", "m6", "high"),
        ("escalation.rising_wait", "m6", "medium"),
    ]
    assert live_run(MIXED) == batch


def test_live_keeps_sessions_apart_and_forgets_closed_ones() -> None:
    one = chat((B, 0, "太慢了"), (B, 10, "太慢了"), session="s1")
    two = chat((B, 5, "太慢了"), (B, 15, "太慢了"), session="s2")
    live = LiveEscalation(emotion)
    pushed = [f for pair in zip(one, two, strict=True) for m in pair for f in live.push(m)]
    assert pushed == [] and len(live) == 2
    live.close("s1")
    assert len(live) == 1
    third = QAMessage("x", "s2", "kf1", B, T0 + timedelta(seconds=20), "太慢了")
    assert rules(live.push(third)) == [("escalation.negative_streak", "x", "high")]


TEXTS = ["太慢了", "气人", "行吧", "好的谢谢", "我要退款", "投诉", "在的", "怎么删差评", "a"]
ROW = st.tuples(st.sampled_from([B, B, A, AUTO, SYS]), st.integers(0, 300), st.sampled_from(TEXTS))


@settings(max_examples=200, deadline=None)
@given(st.lists(ROW, max_size=25), st.integers(1, 4), st.integers(1, 4))
def test_live_equals_batch_on_any_sequence(
    rows: list[tuple[Speaker, int, str]], streak: int, waits: int
) -> None:
    at, timed = 0, []
    for who, gap, text in rows:
        at += gap
        timed.append((who, float(at), text))
    session = chat(*timed)
    s = QASettings(escalation_streak_min=streak, escalation_wait_count=waits)
    live = LiveEscalation(emotion, s)
    assert [f for m in session for f in live.push(m)] == escalations(session, emotion, s)
