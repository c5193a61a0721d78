"""Plan matching: the most specific plan wins (team > level > role); ties are ambiguous."""

from __future__ import annotations

from shopkpi.scoring.engine import score
from shopkpi.scoring.inputs import ScoringInput
from shopkpi.scoring.plan import Plan
from shopkpi.scoring.subjects import choose
from tests.scoring.helpers import plan, staff

BODY = """
sections: [{name: 态度, weight: 100, items: [{rating: attitude.teamwork, weight: 100}]}]
"""


def named(name: str, applies: str) -> Plan:
    return plan(f"plan: {name}\napplies_to: {applies}\n{BODY}")


PLANS = [
    named("按角色", "{role: presale_cs}"),
    named("按级别", "{level: senior}"),
    named("按团队", "{team: A组}"),
    named("角色加级别", "{role: 售前, level: 高级}"),  # roster words map to presale_cs / senior
]


def test_most_specific_plan_wins() -> None:
    assert choose(PLANS, staff("1", "senior", "A组")).index == 2  # team beats everything
    assert choose(PLANS, staff("2", "senior", "B组")).index == 3  # role+level beats level
    assert choose(PLANS, staff("3", "junior", "B组")).index == 0  # only the role plan
    assert choose(PLANS, staff("4", "junior", "B组", role="aftersale_cs")).index is None


def test_equally_specific_plans_are_ambiguous_and_score_nobody() -> None:
    plans = [named("甲", "{role: presale_cs}"), named("乙", "{role: presale_cs}")]
    result = score(plans, ScoringInput("2026-10", [staff("1")]))
    assert result.cards == ()
    assert [(s.id, names) for s, names in result.ambiguous] == [("1", ("甲", "乙"))]


def test_a_plan_scores_only_periods_of_its_grain() -> None:
    weekly = plan(f"plan: 周\nperiod: week\napplies_to: {{role: presale_cs}}\n{BODY}")
    assert score([weekly], ScoringInput("2026-10", [staff("1")])).cards == ()
    assert len(score([weekly], ScoringInput("2026-W45", [staff("1")])).cards) == 1
