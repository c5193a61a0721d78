"""The plan model: DESIGN §7's example parses; aliases and defaults resolve."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from shopkpi.errors import ConfigError
from shopkpi.ingest.adapters.vocab import Level, Role
from shopkpi.scoring.conditions import ConditionError, parse_condition
from shopkpi.scoring.load import load_plan
from shopkpi.scoring.plan import LifecycleWeights, Link
from shopkpi.scoring.vocab import Lifecycle, Op, ScoreFunction
from tests.conftest import SHARED_DATA
from tests.scoring.helpers import BASIC, D, plan

# shared/DESIGN.md sits beside the checkout (tests/conftest.py finds shared/data the same way)
DESIGN = SHARED_DATA.parent / "DESIGN.md"


def test_design_example_plan_parses() -> None:
    if not DESIGN.exists():
        pytest.skip("shared/DESIGN.md is not beside this checkout")
    example = DESIGN.read_text(encoding="utf-8").split("```yaml", 1)[1].split("```", 1)[0]
    p = plan(example)
    assert p.plan == "售前客服-2026-11" and p.applies_to.role is Role.presale_cs
    rate, sales = p.sections[0].items
    assert rate.score is not None and rate.score.function is ScoreFunction.tiers
    assert sales.target == {"junior": D(20000), "senior": D(30000)}
    assert p.grades[0] == (D(90), "金牌")


def test_roster_words_and_lifecycle_aliases() -> None:
    p = plan(
        BASIC.replace("{role: presale_cs}", "{role: 售前, level: 初级}").replace(
            "junior: 20000", "初级: 20000"
        )
        + "adjustments: [{kind: lifecycle, stages: {launch: {cs_sales: 60}, 清仓: {cs_sales: 60}}}]\n"
    )
    assert (p.applies_to.role, p.applies_to.level) == (Role.presale_cs, Level.junior)
    assert p.sections[0].items[1].target == {"junior": D(20000), "senior": D(30000)}
    adj = p.adjustments[0]
    assert isinstance(adj, LifecycleWeights)
    assert list(adj.stages) == [Lifecycle.new, Lifecycle.clearance]


def test_link_multiplier_from_factor_or_percent() -> None:
    link = Link(kind="link", when="x > 1", item="a", percent=D(-10))
    assert link.multiplier == D("0.9")
    assert Link(kind="link", when="x > 1", item="a", factor=D("0.8")).multiplier == D("0.8")


def test_condition_text_is_parsed_without_eval() -> None:
    c = parse_condition("compliance_violations_serious >= 3")
    assert (c.metric, c.op, c.value) == ("compliance_violations_serious", Op.ge, D(3))
    assert parse_condition("refund_rate<5%").value == Decimal("0.05")
    for bad in ("__import__('os') > 1", "a > b", "a >> 1", "a > 1 or 1"):
        with pytest.raises(ConditionError):
            parse_condition(bad)


def test_load_plan_raises_with_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("plan: x\nsections: 3\nbogus: 1\n", encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_plan(path)
    assert [p.line for p in exc.value.problems] == [2, 3]
