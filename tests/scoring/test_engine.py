"""The scorecard breakdown on literal inputs: hand-computed points, contributions, totals."""

from __future__ import annotations

from shopkpi.ingest.adapters.vocab import EntityKind
from shopkpi.scoring.engine import score
from shopkpi.scoring.inputs import ScoringInput
from shopkpi.scoring.scorecard import Scorecard, Step
from shopkpi.scoring.subjects import team_subject
from shopkpi.scoring.vocab import LineStatus
from tests.scoring.helpers import BASIC, D, obs, pending, plan, staff

RESP = "attitude.responsibility"


def run(
    observations: list, ratings: dict, subjects: list | None = None, text: str = BASIC
) -> dict[str, Scorecard]:
    people = subjects or [staff("s1"), staff("s2", "senior"), staff("s3")]
    data = ScoringInput("2026-10", people, observations, ratings, shop_id="shop1")
    return {c.subject.id: c for c in score([plan(text)], data).cards}


def test_item_breakdown_deduction_and_grade() -> None:
    cards = run(
        [
            obs("s1", "inquiry_to_paid_rate", "0.42"),  # tier ≥0.40 → 80
            obs("s1", "cs_sales", "22000"),  # junior target 20000: 1.1 → 110
            obs("s1", "compliance_violations", "3"),  # 3 × 2 = 6 points off
            obs("s1", "compliance_violations_serious", "1"),
        ],
        {("s1", RESP): D(90)},
        [staff("s1")],
    )
    c = cards["s1"]
    sales = c.item("cs_sales")
    assert (sales.raw, sales.target, sales.achievement, sales.points) == (
        D(22000),
        D(20000),
        D("1.1000"),
        D("110.00"),
    )
    assert (sales.base_weight, sales.weight, sales.section_weight) == (D(60), D(60), D(80))
    assert sales.contribution == D("52.80")  # 110 × 60% × 80%
    assert sales.label == "客服销售额" and sales.status is LineStatus.final
    assert c.item("inquiry_to_paid_rate").contribution == D("25.60")  # 80 × 40% × 80%
    assert c.item(RESP).contribution == D("18.00")  # 90 × 100% × 20%
    assert c.section("业绩").contribution == D("78.40")
    assert c.subtotal == D("96.40")
    assert c.deductions[0].points == D("6.00")
    assert c.total == D("90.40") and c.grade == "金牌" and c.final
    assert "扣分：违规次数 3 次 × 2 分 = 扣 6 分（最多 10 分）" in [a.text for a in c.applied]


def test_level_target_and_gate_cap() -> None:
    cards = run(
        [
            obs("s2", "inquiry_to_paid_rate", "0.45"),  # exactly on the top tier → 100
            obs("s2", "cs_sales", "22000"),  # senior target 30000: 0.7333… → 46.67
            obs("s2", "compliance_violations", "0"),
            obs("s2", "compliance_violations_serious", "4"),  # > 3: total capped at 60
        ],
        {("s2", RESP): D(70)},
        [staff("s2", "senior")],
    )
    c = cards["s2"]
    assert c.item("inquiry_to_paid_rate").points == D("100.00")
    assert c.item("cs_sales").target == D(30000)
    assert c.item("cs_sales").points == D("46.67")
    assert c.item("cs_sales").contribution == D("22.40")  # 46.67 × 0.6 × 0.8 = 22.4016
    assert c.subtotal == D("68.40")  # 32.00 + 22.40 + 14.00
    assert c.total == D("60") and c.grade == "待改进"
    gate = [a for a in c.applied if a.step is Step.gate]
    assert gate[0].text == (
        "门槛（严重违规次数）：严重违规次数 = 4，满足 compliance_violations_serious > 3；"
        "总分封顶 60（原 68.4）"
    )


def test_gate_not_triggered_on_its_boundary() -> None:
    cards = run(
        [
            obs("s1", "inquiry_to_paid_rate", "0.30"),
            obs("s1", "compliance_violations_serious", "3"),
        ],
        {},
        [staff("s1")],
    )
    assert not [a for a in cards["s1"].applied if a.step is Step.gate]


def test_missing_metric_scores_zero_and_pending_metric_makes_the_total_pending() -> None:
    cards = run(
        [pending("s3", "inquiry_to_paid_rate", "41", "100")],  # provisional 0.41 → 80
        {("s3", RESP): D(80)},
        [staff("s3")],
    )
    c = cards["s3"]
    rate, sales = c.item("inquiry_to_paid_rate"), c.item("cs_sales")
    assert (rate.status, rate.raw, rate.points) == (LineStatus.pending, D("0.41"), D("80.00"))
    assert (sales.status, sales.raw, sales.points, sales.contribution) == (
        LineStatus.missing,
        None,
        D(0),
        D(0),
    )
    assert sales.note == "本期没有该指标的数据"
    assert c.total == D("41.60")  # 25.60 + 0 + 16.00
    assert c.status is LineStatus.pending and not c.final
    assert c.deductions[0].status is LineStatus.missing and c.deductions[0].points == 0
    notes = [a.text for a in c.applied if a.step is Step.note]
    assert notes == [
        "扣分（违规次数）：无数据，记 0 分",
        "门槛（严重违规次数）：严重违规次数无数据，未判断",
    ]


def test_a_value_with_zero_denominator_is_missing() -> None:
    cards = run([obs("s1", "inquiry_to_paid_rate", None)], {}, [staff("s1")])
    line = cards["s1"].item("inquiry_to_paid_rate")
    assert (line.status, line.points, line.note) == (LineStatus.missing, D(0), "分母为 0，没有数值")


def test_missing_rating_and_missing_level_target() -> None:
    cards = run([obs("s9", "cs_sales", "30000")], {}, [staff("s9", "lead")])
    c = cards["s9"]
    assert c.item(RESP).status is LineStatus.missing and c.item(RESP).note == "主管尚未评分"
    assert c.item("cs_sales").status is LineStatus.missing and c.item("cs_sales").points == 0


TEAM_PART = """
plan: 售前-团队分
applies_to: {role: presale_cs}
sections:
  - name: 业绩
    weight: 100
    items:
      - {metric: cs_sales, weight: 50, target: 20000, score: {linear: {}}}
      - {id: team_sales, metric: cs_sales, entity: team, weight: 30, target: 100000, score: {linear: {}}}
      - {metric: inquiry_to_paid_rate, entity: shop, weight: 20, score: {pass_fail: {at_least: 0.4}}}
"""


def test_team_and_shop_components_in_an_individual_score() -> None:
    data = [
        obs("s1", "cs_sales", "10000"),  # 0.5 → 50 → 25.00
        obs("A组", "cs_sales", "80000", EntityKind.team),  # 0.8 → 80 → 24.00
        obs("shop1", "inquiry_to_paid_rate", "0.41", EntityKind.shop),  # pass → 100 → 20.00
    ]
    c = run(data, {}, [staff("s1")], TEAM_PART)["s1"]
    team = c.item("team_sales")
    assert (team.entity, team.entity_id, team.points, team.contribution) == (
        EntityKind.team,
        "A组",
        D("80.00"),
        D("24.00"),
    )
    assert c.item("inquiry_to_paid_rate").entity_id == "shop1"
    assert c.total == D("69.00")


TEAM_PLAN = """
plan: 团队
entity: team
sections:
  - name: 团队业绩
    weight: 100
    items:
      - {metric: cs_sales, weight: 70, target: 100000, score: {linear: {cap: 1.2}}}
      - {metric: satisfaction_rate, weight: 30, score: {tiers: [[0.9, 100], [0.8, 70]]}}
grades: [[80, 优秀], [0, 待提升]]
"""


def test_a_team_is_scored_on_a_team_plan() -> None:
    data = [
        obs("A组", "cs_sales", "125000", EntityKind.team),
        obs("A组", "satisfaction_rate", "0.85", EntityKind.team),
    ]
    result = score(
        [plan(TEAM_PLAN)], ScoringInput("2026-10", [team_subject("A组"), staff("s1")], data)
    )
    [card] = result.cards
    assert card.subject.id == "A组"
    assert card.item("cs_sales").points == D("120.00")  # 1.25, capped at 1.2
    assert card.total == D("105.00")  # 120 × 0.7 + 70 × 0.3
    assert card.grade == "优秀"
    assert [s.id for s in result.unmatched] == ["s1"]  # no staff plan given


RANKED = """
plan: 售后-排名
applies_to: {role: aftersale_cs}
sections:
  - name: 业绩
    weight: 100
    items:
      - {metric: reply_rate, weight: 50, score: {rank: {}}}
      - {metric: avg_response_seconds, weight: 50, score: {rank: {group: team}}}
"""


def test_rank_percentile_within_the_plan_and_within_the_team() -> None:
    people = [
        staff(s, role="aftersale_cs", team=t) for s, t in (("a", "X"), ("b", "X"), ("c", "Y"))
    ]
    data = [
        obs("a", "reply_rate", "0.99"), obs("b", "reply_rate", "0.98"), obs("c", "reply_rate", "0.97"),
        obs("a", "avg_response_seconds", "20"), obs("b", "avg_response_seconds", "10"),
        obs("c", "avg_response_seconds", "50"),
    ]  # fmt: skip
    cards = run(data, {}, people, RANKED)
    assert [cards[s].item("reply_rate").points for s in "abc"] == [D(100), D(50), D(0)]
    # lower is better, ranked within team X (a, b); c is alone in Y
    assert [cards[s].item("avg_response_seconds").points for s in "abc"] == [D(0), D(100), D(100)]
    assert cards["a"].item("reply_rate").rule == "排名百分位：超过组内（3 人）其他人的比例×100"


def test_a_scorecard_as_a_json_record() -> None:
    import json

    from shopkpi.scoring.records import plain

    c = run([obs("s1", "cs_sales", "22000")], {("s1", RESP): D(90)}, [staff("s1")])["s1"]
    record = json.loads(json.dumps(plain(c), ensure_ascii=False))
    assert (record["total"], record["grade"], record["status"]) == ("70.80", "铜牌", "final")
    sales = next(i for i in record["items"] if i["key"] == "cs_sales")
    assert (sales["points"], sales["contribution"], sales["status"]) == ("110.00", "52.80", "final")
    assert record["subject"]["id"] == "s1"
