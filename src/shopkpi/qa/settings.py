"""QA thresholds and word lists for escalation, gaming and credit signals (``qa:`` in
shopkpi.yaml).

Every field carries its default and a description; the rules that read them are in
``qa/escalation.py``, ``qa/gaming.py`` and ``qa/credit.py`` (docs/qa.md). Patterns are
Python regular expressions matched against the raw message text; phrase lists are compared
with spaces and punctuation removed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, field_validator

CRITICAL_KEYWORDS = ["12315", "工商", "消协", "律师", "曝光", "举报", "媒体", "起诉", "法院"]
HIGH_KEYWORDS = ["投诉", "差评", "骗子", "骗人", "欺诈"]
REFUND_KEYWORDS = ["退款", "退钱", "退货"]
ANGER_WORDS = ["气死", "垃圾", "坑人", "坑爹", "恶心", "什么破", "太差", "忽悠", "无语", "离谱"]
_REMOVE = "(?:删除?|撤销?|撤回|修改|更改|改|取消)"
ESCALATION_EXEMPTIONS = [
    # asking how to remove or change a 差评 is not a threat
    rf"(?:怎么|怎样|如何|能不能|能否|可以|可不可以|想|要)?{_REMOVE}(?:一下|掉)?(?:这个|那个|我的)?差评",
    rf"差评(?:怎么|怎样|如何|能不能|能否|可以|可不可以)?(?:给)?{_REMOVE}",
    # saying they will not complain
    r"(?:不会|不想|不打算|没打算|没有|没|不)(?:给|打|写)?(?:你们?|您)?(?:差评|投诉)",
    # the same characters in harmless words
    r"工商银行",
    r"多媒体",
    r"曝光(?:度|补偿|时间|模式|不足|过度)|过曝|欠曝",
]
COMPENSATION_PATTERNS = [
    r"红包",
    r"返现",
    r"返(?:您|你)?\d+(?:元|块)",
    r"加(?:个|一下)?(?:我的?)?(?:微信|薇信|威信|vx|VX|wx|WX|v信|V信)",
    # the shop pays the buyer a difference (not 顺丰需要补差价: the buyer pays it)
    r"(?:退|返还)(?:您|你)?(?:个)?差价|(?:补|给)(?:您|你)(?:退|补)?(?:个)?差价",
    r"(?:补偿|赔偿|赔|补)(?:给)?(?:您|你)(?:\d+(?:元|块))?|给(?:您|你)(?:补偿|赔偿)",
    r"(?:给|送)(?:您|你)(?:一张|个|张)?\w{0,6}?(?:优惠)?券",
    r"(?:私人|私下)(?:优惠)?券",  # 无门槛券 / 专属券 are ordinary coupon types
    r"(?:私下|单独)?(?:给您|给你)?(?:转账|转钱)|(?:支付宝|微信)(?:转|打)(?:给)?(?:您|你)",
    r"(?:好评|五星|晒图)(?:后)?(?:返|送|有礼)",
]
COMPENSATION_ALLOWED = [
    # pointing the buyer to the shop's public coupons is ordinary sales talk
    r"(?:领取?|使用|用)(?:一下)?(?:店铺|页面|首页|详情页)的?(?:红包|(?:优惠)?券)",
]
GREETINGS = [
    "在吗",
    "在不在",
    "在么",
    "在嘛",
    "有人吗",
    "你好",
    "您好",
    "亲",
    "哈喽",
    "hello",
    "hi",
]
ACKS = [
    "好的",
    "好滴",
    "好",
    "嗯",
    "恩",
    "哦",
    "噢",
    "ok",
    "谢谢",
    "多谢",
    "收到",
    "知道了",
    "明白",
]
ACKS += ["行", "可以", "了解"]
CHASE_PATTERNS = [
    r"(?:付款|支付|付钱)了?(?:吗|没|嘛|么)",
    r"(?:尽快|及时|记得|抓紧|赶紧|早点)(?:付款|支付|拍下|下单)",
    r"还没(?:有)?(?:付款|支付)",
    r"未(?:付款|支付)",
]


def compiled(regexes: Sequence[str]) -> tuple[re.Pattern[str], ...]:
    """The patterns compiled (cached: the live endpoint compiles each list once)."""
    return _compiled(tuple(regexes))


@lru_cache(maxsize=64)
def _compiled(regexes: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(r) for r in regexes if r)


class QASettings(BaseModel):
    """质检 thresholds for escalation, gaming and credit-grabbing signals."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # -- escalation (升级预警) ------------------------------------------------------------
    escalation_critical_keywords: list[str] = Field(
        default_factory=lambda: list(CRITICAL_KEYWORDS),
        description="Buyer words that threaten outside action (12315, 工商, 律师 …): "
        "escalation.keyword at severity critical.",
    )
    escalation_high_keywords: list[str] = Field(
        default_factory=lambda: list(HIGH_KEYWORDS),
        description="Buyer words of complaint (投诉, 差评, 骗子 …): escalation.keyword at "
        "severity high.",
    )
    escalation_refund_keywords: list[str] = Field(
        default_factory=lambda: list(REFUND_KEYWORDS),
        description="Refund words that escalate (high) only together with anger: an "
        "escalation_anger_words entry in the same message, or the message's emotion score "
        "at or below escalation_anger_score.",
    )
    escalation_anger_words: list[str] = Field(
        default_factory=lambda: list(ANGER_WORDS),
        description="Anger words that turn a refund word into an escalation.",
    )
    escalation_anger_score: float = Field(
        -0.6,
        ge=-1,
        le=1,
        description="An emotion score at or below this makes a refund message angry.",
    )
    escalation_exemptions: list[str] = Field(
        default_factory=lambda: list(ESCALATION_EXEMPTIONS),
        description="Regexes; a keyword inside a match is not a trigger (asking how to "
        "remove a 差评, 不会给差评, 工商银行, 曝光补偿 …).",
    )
    escalation_streak_min: int = Field(
        3,
        ge=1,
        description="escalation.negative_streak: this many buyer messages in a row labelled "
        "negative (agent messages between them do not reset the streak).",
    )
    escalation_wait_count: int = Field(
        3,
        ge=1,
        description="escalation.rising_wait: this many consecutive unanswered waits, each "
        "longer than the one before …",
    )
    escalation_wait_seconds: int = Field(
        180,
        ge=0,
        description="… and the last longer than this many seconds.",
    )
    recovery_window: int = Field(
        2,
        ge=1,
        description="Escalation recovery: the rolling mean of buyer emotion scores runs over "
        "this many buyer messages.",
    )
    recovery_margin: float = Field(
        0.5,
        ge=0,
        le=2,
        description="Escalation recovery: the final rolling mean must be at least this far "
        "above the lowest one.",
    )
    # -- gaming (刷指标) ------------------------------------------------------------------
    filler_fast_seconds: int = Field(
        15,
        ge=0,
        description="gaming.filler_then_late: the filler came at most this many seconds "
        "after the buyer's question (the first-response target it games) …",
    )
    filler_late_seconds: int = Field(
        120,
        ge=0,
        description="… and the first real answer more than this many seconds after it.",
    )
    greeting_phrases: list[str] = Field(
        default_factory=lambda: list(GREETINGS),
        description="A buyer message made only of these (and ack_phrases) is a greeting: "
        "a filler is its proper answer, and it never continues a question.",
    )
    ack_phrases: list[str] = Field(
        default_factory=lambda: list(ACKS),
        description="Acknowledgements: a follow-up made only of these does not continue a "
        "question.",
    )
    interrupt_reply_seconds: int = Field(
        5,
        ge=0,
        description="gaming.interruption: the agent replied at most this many seconds after "
        "the buyer's message …",
    )
    interrupt_followup_seconds: int = Field(
        20,
        ge=0,
        description="… and the buyer went on with the same question at most this many "
        "seconds after the reply.",
    )
    continuation_starters: list[str] = Field(
        default_factory=lambda: ["还有", "而且", "就是", "我是说", "然后", "另外"],
        description="A follow-up starting with one of these continues the question.",
    )
    complete_endings: list[str] = Field(
        default_factory=lambda: ["？", "?", "。", "！", "!", "吗", "呢", "么", "嘛", "吧"],
        description="A buyer message ending with one of these is a complete question: only "
        "a follow-up with a continuation starter continues it.",
    )
    template_ratio_max: float = Field(
        0.8,
        ge=0,
        le=1,
        description="gaming.template_ratio: flag a session whose share of agent messages "
        "copied from the agent's other sessions that day is above this …",
    )
    template_min_messages: int = Field(
        5,
        ge=1,
        description="… when it has at least this many agent messages.",
    )
    compensation_patterns: list[str] = Field(
        default_factory=lambda: list(COMPENSATION_PATTERNS),
        description="promise.compensation: agent offers of money, red packets, price-"
        "difference refunds, coupons, 返现 or 加微信 (the single list; compliance uses it).",
    )
    compensation_allowed: list[str] = Field(
        default_factory=lambda: list(COMPENSATION_ALLOWED),
        description="Regexes for offers within policy; a compensation match inside one is dropped.",
    )
    # -- credit grabbing (抢单/冒领/改单) ---------------------------------------------------
    chase_patterns: list[str] = Field(
        default_factory=lambda: list(CHASE_PATTERNS),
        description="Payment chases (亲，付款了吗 / 请尽快付款): with fillers, the messages "
        "that do not count as serving the buyer.",
    )
    chase_max_chars: int = Field(
        20,
        ge=1,
        description="A chase is at most this long without spaces and punctuation; a longer "
        "message carries a real answer.",
    )
    price_tolerance: Decimal = Field(
        Decimal("0.01"),
        ge=0,
        description="credit.manual_price: 应付 may differ from list price × quantity by at "
        "most this many yuan without a campaign.",
    )

    @field_validator(
        "escalation_exemptions", "compensation_patterns", "compensation_allowed", "chase_patterns"
    )
    @classmethod
    def _regexes_compile(cls, value: list[str]) -> list[str]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"正则表达式无效：{pattern!r}（{exc}）") from exc
        return value
