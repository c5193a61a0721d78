"""The plan (考核方案) as written in ``plans/*.yaml``: frozen pydantic models, raw form.

The models check shapes and closed vocabularies only. References (metrics, rating criteria,
items named by adjustments), weight sums and tier order are checked by
:mod:`shopkpi.scoring.validate`, which reports every problem with its file and line.
DESIGN §7's example plan is a valid plan; docs/plans.md documents every field.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shopkpi.ingest.adapters.vocab import LEVELS, ROLES, EntityKind, Level, Role
from shopkpi.scoring.vocab import (
    LIFECYCLE_ALIASES,
    CommissionMethod,
    Lifecycle,
    Op,
    PlanPeriod,
    PoolGroup,
    RankGroup,
    ScoredEntity,
    ScoreFunction,
    TierBasis,
)

Pair = tuple[Decimal, Decimal]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


def _role(value: Any) -> Any:
    return ROLES.get(value.strip(), value) if isinstance(value, str) else value


def _level(value: Any) -> Any:
    return LEVELS.get(value.strip(), value) if isinstance(value, str) else value


class AppliesTo(Frozen):
    """Who the plan scores; every given field must match. Roster words (售前, 初级) work too."""

    role: Role | None = None
    level: Level | None = None
    team: str | None = None

    @field_validator("role", mode="before")
    @classmethod
    def _norm_role(cls, value: Any) -> Any:
        return _role(value)

    @field_validator("level", mode="before")
    @classmethod
    def _norm_level(cls, value: Any) -> Any:
        return _level(value)

    @property
    def specificity(self) -> tuple[bool, bool, bool]:
        """Most specific wins: a team match beats a level match beats a role match."""
        return (self.team is not None, self.level is not None, self.role is not None)


class Linear(Frozen):
    """Achievement at or below ``floor`` scores 0, at target 100, above it up to ``cap``×100."""

    floor: Decimal = Decimal(0)
    cap: Decimal = Decimal(1)


class PassFail(Frozen):
    """Pass when the value is ``at_least``/``at_most`` the bound (default: the target)."""

    at_least: Decimal | None = None
    at_most: Decimal | None = None
    pass_points: Decimal = Field(Decimal(100), alias="pass")
    fail_points: Decimal = Field(Decimal(0), alias="fail")


class Rank(Frozen):
    """Percentile of the group beaten: best 100, worst 0 (direction from the metric)."""

    group: RankGroup = RankGroup.plan


class PerEvent(Frozen):
    """``points`` per event (count), clamped to 0..``max``."""

    points: Decimal
    max: Decimal | None = None


class ScoreSpec(Frozen):
    """An item's scoring function: exactly one of the function keys is given."""

    linear: Linear | None = None
    reverse: Linear | None = None
    tiers: tuple[Pair, ...] | None = None
    tiers_at_most: tuple[Pair, ...] | None = None
    on: TierBasis = TierBasis.value
    pass_fail: PassFail | None = None
    rank: Rank | None = None
    per_event: PerEvent | None = None
    direct: bool = False
    else_points: Decimal = Field(Decimal(0), alias="else")

    @property
    def functions(self) -> list[ScoreFunction]:
        """The function keys given (validation requires exactly one)."""
        given = [f for f in ScoreFunction if f is not ScoreFunction.direct]
        found: list[ScoreFunction] = [f for f in given if getattr(self, f.value) is not None]
        return [*found, ScoreFunction.direct] if self.direct else found

    @property
    def function(self) -> ScoreFunction:
        found = self.functions
        return found[0] if found else ScoreFunction.direct


Target = Decimal | dict[str, Decimal]


class Item(Frozen):
    """One line of a section: a metric (``metric``) or a manual rating (``rating``)."""

    id: str | None = None
    metric: str | None = None
    rating: str | None = None
    entity: EntityKind | None = None
    label: str | None = None
    weight: Decimal
    target: Target | None = None
    score: ScoreSpec | None = None

    @field_validator("target", mode="before")
    @classmethod
    def _level_keys(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {str(_level(k)): v for k, v in value.items()}
        return value

    @property
    def key(self) -> str:
        """How adjustments and weight schedules name the item."""
        return self.id or self.metric or self.rating or ""


class Section(Frozen):
    """A weighted group of items (业绩 / 能力 / 态度, or 过程 / 结果)."""

    name: str
    weight: Decimal
    items: tuple[Item, ...]


class ConditionSpec(Frozen):
    """``metric op value`` on the scored entity, its team or the shop."""

    metric: str
    entity: EntityKind | None = None
    op: Op
    value: Decimal


When = str | ConditionSpec


class Deduction(Frozen):
    """Points off the total per event: ``min(count × points_each, max)``."""

    metric: str
    entity: EntityKind | None = None
    points_each: Decimal
    max: Decimal | None = None
    label: str | None = None


class Gate(Frozen):
    """When the condition holds, the total is capped at ``cap_total``."""

    when: When
    cap_total: Decimal
    label: str | None = None


class WeightSchedule(Frozen):
    """Weights for a calendar period (双11, 618, 淡季): section names or item keys → weight."""

    kind: Literal["weight_schedule"]
    season: str
    months: tuple[int, ...] = ()
    weights: dict[str, Decimal]

    @field_validator("season", mode="before")
    @classmethod
    def _season_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value  # season: 618


class LifecycleWeights(Frozen):
    """Item weights per product lifecycle stage, blended by the person's sales mix."""

    kind: Literal["lifecycle"]
    stages: dict[Lifecycle, dict[str, Decimal]]

    @field_validator("stages", mode="before")
    @classmethod
    def _stage_keys(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {LIFECYCLE_ALIASES.get(str(k).strip(), k): v for k, v in value.items()}
        return value


class Link(Frozen):
    """A link between departments: when the condition holds, an item's weight changes."""

    kind: Literal["link"]
    when: When
    item: str
    factor: Decimal | None = None
    percent: Decimal | None = None
    label: str | None = None

    @property
    def multiplier(self) -> Decimal:
        """``factor``, or ``1 + percent/100`` (``percent: -10`` ≡ ``factor: 0.9``)."""
        if self.factor is not None:
            return self.factor
        return Decimal(1) + (self.percent or Decimal(0)) / 100


Adjustment = Annotated[WeightSchedule | LifecycleWeights | Link, Field(discriminator="kind")]


class Commission(Frozen):
    """Tiered commission on credited sales: ``[[lower bound ¥, rate], …]``."""

    metric: str = "cs_sales"
    method: CommissionMethod = CommissionMethod.progressive
    tiers: tuple[Pair, ...]


class Pool(Frozen):
    """A bonus pool split in proportion to score among eligible staff."""

    amount: Decimal
    per: PoolGroup = PoolGroup.team
    min_score: Decimal = Decimal(0)
    exclude_lowest_grade: bool = True


class MoneyDeduction(Frozen):
    """Yuan off the bonus per event: ``min(count × yuan_each, max)``."""

    metric: str
    yuan_each: Decimal
    max: Decimal | None = None
    label: str | None = None


class Bonus(Frozen):
    """Bonus = 绩效基数 × grade coefficient + commission + pool share − deductions."""

    coefficients: dict[str, Decimal] = Field(default_factory=dict)
    commission: Commission | None = None
    pool: Pool | None = None
    deductions: tuple[MoneyDeduction, ...] = ()


Grade = tuple[Decimal, str]


class Plan(Frozen):
    """A scorecard plan (考核方案)."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        populate_by_name=True,
        title="shopkpi 考核方案 (plan)",
    )

    plan: str
    version: str | None = None
    description: str | None = None
    applies_to: AppliesTo = AppliesTo()
    entity: ScoredEntity = ScoredEntity.staff
    period: PlanPeriod = PlanPeriod.month
    levels: tuple[Level, ...] = ()
    sections: tuple[Section, ...]
    deductions: tuple[Deduction, ...] = ()
    gates: tuple[Gate, ...] = ()
    adjustments: tuple[Adjustment, ...] = ()
    grades: tuple[Grade, ...] = ()
    forced_distribution: dict[str, Decimal] | None = None
    bonus: Bonus | None = None

    @field_validator("levels", mode="before")
    @classmethod
    def _norm_levels(cls, value: Any) -> Any:
        return [_level(x) for x in value] if isinstance(value, list) else value

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | float | Decimal) else value

    def items(self) -> list[tuple[int, int, Section, Item]]:
        """Every item with its section index, item index and section."""
        return [
            (s, i, sec, it) for s, sec in enumerate(self.sections) for i, it in enumerate(sec.items)
        ]

    @property
    def title(self) -> str:
        return f"{self.plan}（{self.version}）" if self.version else self.plan
