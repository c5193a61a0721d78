"""Compliance rules: every ad-law category, the exemptions, promises and the shop's own rules.

Expected spans are counted by hand on the original text (``text[start:end] == matched``).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from shopkpi.errors import ConfigError
from shopkpi.qa.compliance import ComplianceRules, compensation_findings, duration_days
from shopkpi.qa.model import Category, QAMessage, Severity, Speaker
from shopkpi.qa.settings import QASettings

RULES = ComplianceRules.load()


def say(text: str, speaker: Speaker = Speaker.agent) -> QAMessage:
    return QAMessage("m1", "s1", "staff1", speaker, datetime(2026, 11, 2, 10, 0), text)


def hits(text: str, rules: ComplianceRules = RULES) -> list[tuple[str, str, int, int]]:
    found = rules.check(say(text))
    for f in found:
        assert text[f.start : f.end] == f.matched  # type: ignore[misc]
    return [(f.rule, f.matched, f.start, f.end) for f in found]  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # absolute (广告法 第九条第(三)项)
        ("这款是我们家最好的面料", [("compliance.absolute", "最好", 6, 8)]),
        ("这是最佳选择", [("compliance.absolute", "最佳", 2, 4)]),
        ("全店最便宜了", [("compliance.absolute", "最便宜", 2, 5)]),
        ("这是全网最低价", [("compliance.absolute", "全网最低价", 2, 7)]),
        ("销量第一", [("compliance.absolute", "第一", 2, 4)]),
        ("全网唯一正品", [("compliance.absolute", "唯一", 2, 4)]),
        (
            "国家级品质，顶级面料",
            [("compliance.absolute", "国家级", 0, 3), ("compliance.absolute", "顶级", 6, 8)],
        ),
        ("首选品牌", [("compliance.absolute", "首选", 0, 2)]),
        # false claim
        ("100%正品", [("compliance.false_claim", "100%", 0, 4)]),
        ("百分百满意", [("compliance.false_claim", "百分百", 0, 3)]),
        # authority
        ("国宴特供", [("compliance.authority", "特供", 2, 4)]),
        # medical
        ("可以根治湿疹", [("compliance.medical", "根治", 2, 4)]),
        # finance
        (
            "保本无风险",
            [("compliance.finance", "保本", 0, 2), ("compliance.finance", "无风险", 2, 5)],
        ),
        # education
        ("包过考试", [("compliance.education", "包过", 0, 2)]),
    ],
)
def test_each_ad_law_category_is_flagged(
    text: str, expected: list[tuple[str, str, int, int]]
) -> None:
    assert hits(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "最近上新很多，这是最后一件了，最佳使用时间是开封后三个月",
        "最佳保存期限是12个月，最佳赏味期在开封后一周",
        "最多3天发货，最快明天到，最晚周五",
        "您最好先拍照，最好用温水洗",
        "最新款，最大号，最重要的是尺码",
        "第一时间给您处理，第一次购买可以领券",
        "唯一的订单号在这里",
        "１００％纯棉",
        "电商专供款，和线下不一样",
        "国家级非遗手艺",
        "治愈系玩偶",
        "这是保本价了",
        "已经打包过了",
        "首选顺丰发货",
        "我们保证发货",
        "保证按时发出",
        "不保证效果哦",
        "7天无理由退换",
        "一年包换",
    ],
)
def test_exempt_contexts_are_not_flagged(text: str) -> None:
    assert hits(text) == []


def test_the_detail_cites_the_article() -> None:
    [finding] = RULES.check(say("这是最佳选择"))
    assert finding.detail == "广告法第九条第(三)项 绝对化用语「最佳」"
    assert finding.category is Category.compliance
    assert finding.severity is Severity.high
    assert (finding.session_id, finding.message_id, finding.staff_id) == ("s1", "m1", "staff1")


def test_spans_point_into_the_original_text_after_full_width_and_emoji() -> None:
    text = "😊😊亲，ＮＯ.１品牌，全店  最便宜！"
    # 😊0 😊1 亲2 ，3 Ｎ4 Ｏ5 .6 １7 品8 牌9 ，10 全11 店12 ␠13 ␠14 最15 便16 宜17 ！18
    assert hits(text) == [
        ("compliance.absolute", "ＮＯ.１", 4, 8),
        ("compliance.absolute", "最便宜", 15, 18),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("保证有效", [("promise.guarantee", "保证有效", 0, 4)]),
        ("亲，保证不过敏的", [("promise.guarantee", "保证不过敏", 2, 7)]),
        ("承诺七天见效", [("promise.guarantee", "承诺七天见效", 0, 6)]),
        ("必过检测", [("promise.guarantee", "必过检测", 0, 4)]),
        # the guarantee ends at its first effect word
        (
            "保证100%有效",
            [("compliance.false_claim", "100%", 2, 6), ("promise.guarantee", "保证100%", 0, 6)],
        ),
    ],
)
def test_guarantees_need_an_effect(text: str, expected: list[tuple[str, str, int, int]]) -> None:
    assert sorted(hits(text)) == sorted(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("有问题随时退", [("promise.return_policy", "随时退", 3, 6)]),
        ("终身包退哦", [("promise.return_policy", "终身包退", 0, 4)]),
        ("坏了包换一辈子", [("promise.return_policy", "包换一辈子", 2, 7)]),
        (
            "不满意全额退还，运费我们出",
            [("promise.return_policy", "不满意全额退还，运费我们出", 0, 13)],
        ),
        ("30天无理由退换", [("promise.return_policy", "30天无理由退", 0, 7)]),
        ("无理由退一年", [("promise.return_policy", "无理由退一年", 0, 6)]),
        ("半个月包退", [("promise.return_policy", "半个月包退", 0, 5)]),
    ],
)
def test_promises_beyond_the_return_policy(
    text: str, expected: list[tuple[str, str, int, int]]
) -> None:
    assert hits(text) == expected
    [finding] = RULES.check(say(text))
    assert finding.category is Category.promise
    assert "超出店铺退货政策" in finding.detail


def test_duration_days() -> None:
    assert duration_days("30天无理由") == 30
    assert duration_days("十五天") == 15
    assert duration_days("半个月") == 15
    assert duration_days("两周") == 14
    assert duration_days("一年") == 365
    assert duration_days("无理由") is None


def test_buyer_and_system_messages_are_never_flagged() -> None:
    text = "最好的！保证有效！随时退！国家级！"
    assert RULES.check(say(text, Speaker.buyer)) == []
    assert RULES.check(say(text, Speaker.system)) == []
    assert len(RULES.check(say(text, Speaker.agent))) == 4


def test_auto_replies_are_the_shops_words_and_are_checked() -> None:
    [finding] = RULES.check(say("欢迎光临，全店最低价", Speaker.auto))
    assert finding.matched == "最低价"
    assert finding.detail.startswith("（自动回复）广告法第九条第(三)项")


SETTINGS = QASettings(
    compensation_patterns=[r"给(?:您|你)补偿|补偿(?:您|你)\d+元", r"加(?:我)?微信", r"返\d+元"],
    compensation_allowed=[r"领取?店铺的?优惠券"],
)


def test_compensation_uses_the_gaming_matcher_and_is_reported_on_demand() -> None:
    rules = ComplianceRules.load(settings=SETTINGS)
    assert rules.check(say("给您补偿5元")) == []  # the gaming signals report it per session
    found = compensation_findings(rules, say("给您补偿5元，或者加我微信返5元"))
    # 给0 您1 补2 偿3 5 4 元5 ，6 或7 者8 加9 我10 微11 信12 返13 5 14 元15
    assert [(f.rule, f.category, f.matched, f.start, f.end) for f in found] == [
        ("promise.compensation", Category.promise, "给您补偿", 0, 4),
        ("promise.compensation", Category.promise, "加我微信", 9, 13),
        ("promise.compensation", Category.promise, "返5元", 13, 16),
    ]
    assert compensation_findings(rules, say("加我微信", Speaker.buyer)) == []
    live = ComplianceRules.load(settings=SETTINGS, compensation=True)
    assert [f.matched for f in live.check(say("补偿您10元，全店最低价"))] == [
        "补偿您10元",
        "最低价",
    ]


SHOP_RULES = """\
return_policy_days: 15
disable: [compliance.false_claim]
rules:
  - id: shop.competitor
    pattern: [隔壁店, 某宝]
    severity: low
  - id: shop.wechat
    pattern: '加\\s*(?:我)?(?:微信|vx)'
    category: promise
    severity: high
    exempt: ['不(?:用|要)加']
    speakers: [agent]
    detail: 引导站外联系「{matched}」
"""


def test_shop_rules_from_yaml(tmp_path: Path) -> None:
    path = tmp_path / "qa_rules.yaml"
    path.write_text(SHOP_RULES, encoding="utf-8")
    rules = ComplianceRules.load(path)
    assert hits("隔壁店比我们贵", rules) == [("shop.competitor", "隔壁店", 0, 3)]
    [finding] = rules.check(say("隔壁店比我们贵"))
    assert (finding.severity, finding.detail) == (
        Severity.low,
        "店铺规则 shop.competitor「隔壁店」",
    )
    [finding] = rules.check(say("亲，加 VX 聊"))
    assert (finding.rule, finding.matched, finding.start, finding.end) == (
        "shop.wechat",
        "加 VX",
        2,
        6,
    )
    assert (finding.category, finding.detail) == (Category.promise, "引导站外联系「加 VX」")
    assert hits("不用加微信", rules) == []  # exempt
    assert rules.check(say("加微信", Speaker.auto)) == []  # the rule is for agents only
    assert hits("100%正品", rules) == []  # disabled
    assert hits("15天无理由退换", rules) == []  # within the shop's 15 days
    [finding] = rules.check(say("30天无理由退换"))
    assert finding.detail == "承诺的无理由退货期超出店铺退货政策（15天）「30天无理由退」"


def test_a_missing_shop_file_adds_no_rules(tmp_path: Path) -> None:
    rules = ComplianceRules.load(tmp_path / "qa_rules.yaml")
    assert hits("最佳", rules) == [("compliance.absolute", "最佳", 0, 2)]


BAD_RULES = """\
rules:
  - id: shop.ok
    pattern: [隔壁店]
  - id: shop.bad
    pattern: '加(微信'
  - id: shop.buyer
    pattern: [差评]
    speakers: [buyer]
"""


def test_rule_validation_names_the_file_line_and_rule(tmp_path: Path) -> None:
    path = tmp_path / "qa_rules.yaml"
    path.write_text(BAD_RULES, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        ComplianceRules.load(path)
    problems = [str(p) for p in caught.value.problems]
    assert len(problems) == 2
    assert problems[0].startswith(f"{path}:5: 第2条规则 rules.1.pattern")
    assert "正则表达式无效：'加(微信'" in problems[0]
    assert problems[1].startswith(f"{path}:8: 第3条规则 rules.2.speakers.0")


def test_duplicate_ids_and_unknown_disabled_rules_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "qa_rules.yaml"
    path.write_text("rules:\n  - {id: a, pattern: [x]}\n  - {id: a, pattern: [y]}\n", "utf-8")
    with pytest.raises(ConfigError, match="规则 id 重复：a"):
        ComplianceRules.load(path)
    path.write_text("disable: [compliance.nope]\n", "utf-8")
    with pytest.raises(ConfigError, match="未知规则"):
        ComplianceRules.load(path)
