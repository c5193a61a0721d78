"""Each adjustment kind: weight schedule (calendar), product lifecycle, department link."""

from __future__ import annotations

from shopkpi.ingest.adapters.vocab import EntityKind
from shopkpi.scoring.engine import score
from shopkpi.scoring.inputs import ScoringInput
from shopkpi.scoring.scorecard import Scorecard, Step
from shopkpi.scoring.vocab import Lifecycle
from tests.scoring.helpers import D, obs, plan, staff

BASE = """
plan: 调整
sections:
  - name: 业绩
    weight: 80
    items:
      - metric: inquiry_to_paid_rate
        weight: 40
        score: {tiers: [[0.45, 100], [0.40, 80], [0.35, 60]]}
      - {metric: cs_sales, weight: 60, target: 20000, score: {linear: {floor: 0.5, cap: 1.2}}}
  - name: 态度
    weight: 20
    items: [{rating: attitude.responsibility, weight: 100}]
adjustments:
"""
SCHEDULE = """
  - kind: weight_schedule
    season: 双11
    months: [11]
    weights: {inquiry_to_paid_rate: 30, cs_sales: 70, 业绩: 90, 态度: 10}
"""
LIFECYCLE = """
  - kind: lifecycle
    stages:
      launch: {inquiry_to_paid_rate: 60, cs_sales: 40}
      成熟期: {inquiry_to_paid_rate: 20, cs_sales: 80}
"""
LINK = """
  - kind: link
    when: {metric: fulfilment_overdue_rate, entity: shop, op: ">", value: 0.05}
    item: cs_sales
    factor: 0.9
"""
# Without adjustments: 80 × 40% × 80% + 110 × 60% × 80% + 90 × 20% = 25.60 + 52.80 + 18.00
UNADJUSTED = D("96.40")


def card(adjustment: str, period: str = "2026-10", **kw: object) -> Scorecard:
    values = [obs("s1", "inquiry_to_paid_rate", "0.42"), obs("s1", "cs_sales", "22000")]
    values += kw.pop("extra", [])  # type: ignore[arg-type]
    data = ScoringInput(
        period,
        [staff("s1")],
        values,
        {("s1", "attitude.responsibility"): D(90)},
        shop_id="shop1",
        **kw,
    )  # type: ignore[arg-type]
    [c] = score([plan(BASE + adjustment)], data).cards
    return c


def test_weight_schedule_applies_in_its_month() -> None:
    c = card(SCHEDULE, "2026-11")
    # 80 × 30% × 90% + 110 × 70% × 90% + 90 × 10% = 21.60 + 69.30 + 9.00
    assert c.total == D("99.90")
    assert (c.item("cs_sales").base_weight, c.item("cs_sales").weight) == (D(60), D(70))
    assert (c.section("业绩").base_weight, c.section("业绩").weight) == (D(80), D(90))
    assert c.applied[0].step is Step.weight_schedule
    assert c.applied[0].text == (
        "日历时段「双11」权重：业绩 80→90，态度 20→10，询单→最终付款转化率 40→30，客服销售额 60→70"
    )


def test_weight_schedule_outside_its_month_or_by_season_name() -> None:
    assert card(SCHEDULE, "2026-10").total == UNADJUSTED
    assert card(SCHEDULE, "2026-10", season="双11").total == D("99.90")
    assert card(SCHEDULE, "2026-11", season="618").total == UNADJUSTED


def test_lifecycle_weights_blend_by_the_sales_mix() -> None:
    mix = {"s1": {Lifecycle.new: D(3000), Lifecycle.mature: D(1000)}}
    c = card(LIFECYCLE, lifecycle_mix=mix)
    # shares 75% / 25%: rate 0.75×60 + 0.25×20 = 50, sales 0.75×40 + 0.25×80 = 50
    assert c.item("inquiry_to_paid_rate").weight == D(50) and c.item("cs_sales").weight == D(50)
    assert c.total == D("94.00")  # 32.00 + 44.00 + 18.00
    assert c.applied[0].text == (
        "按所售商品生命周期加权（新品期 75%、成熟期 25%）：询单→最终付款转化率 40→50，客服销售额 60→50"
    )


def test_lifecycle_without_data_or_stage_table_keeps_base_weights() -> None:
    assert card(LIFECYCLE).total == UNADJUSTED
    assert card(LIFECYCLE).applied[0].text == "无商品生命周期销售数据，按基础权重计"
    growth_only = card(LIFECYCLE, lifecycle_mix={"s1": {Lifecycle.growth: D(500)}})
    assert growth_only.total == UNADJUSTED


def test_link_cuts_the_item_weight_when_the_shop_condition_holds() -> None:
    c = card(LINK, extra=[obs("shop1", "fulfilment_overdue_rate", "0.07", EntityKind.shop)])
    assert c.item("cs_sales").weight == D("54.0")
    assert c.total == D("91.12")  # 25.60 + 110 × 54% × 80% (47.52) + 18.00
    assert c.applied[0].step is Step.link
    assert c.applied[0].text == (
        "部门联动（发货超时率）：店铺发货超时率 = 0.07，满足 fulfilment_overdue_rate > 0.05；"
        "客服销售额 60→54"
    )


def test_link_by_percent_on_its_boundary_and_without_data() -> None:
    percent = LINK.replace("factor: 0.9", "percent: -10")
    c = card(percent, extra=[obs("shop1", "fulfilment_overdue_rate", "0.07", EntityKind.shop)])
    assert c.total == D("91.12")
    at_bound = card(LINK, extra=[obs("shop1", "fulfilment_overdue_rate", "0.05", EntityKind.shop)])
    assert at_bound.total == UNADJUSTED and at_bound.applied == ()
    no_data = card(LINK)
    assert no_data.total == UNADJUSTED
    assert no_data.applied[0].text == "部门联动（发货超时率）：店铺发货超时率无数据，未调整"


def test_text_condition_with_a_percentage() -> None:
    text = LINK.replace(
        '{metric: fulfilment_overdue_rate, entity: shop, op: ">", value: 0.05}',
        '"inquiry_to_paid_rate < 45%"',
    )
    assert card(text).item("cs_sales").weight == D("54.0")  # the person's own 0.42 < 0.45
