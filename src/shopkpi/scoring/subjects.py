"""Who is scored: a staff member or a team, and which plan applies to them.

When several plans match, the most specific wins: a plan naming the team beats one naming
the level, which beats one naming only the role. Two equally specific matches are an error
(``plan check`` reports it; the engine scores nobody with an ambiguous plan).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from shopkpi.scoring.plan import AppliesTo, Plan
from shopkpi.scoring.vocab import ScoredEntity


@dataclass(frozen=True)
class Subject:
    """A staff member (from the roster) or a team, as the scorer sees them."""

    id: str
    name: str
    kind: ScoredEntity = ScoredEntity.staff
    role: str | None = None
    level: str | None = None
    team: str | None = None
    bonus_base: Decimal | None = None  # 绩效基数


def team_subject(team: str) -> Subject:
    return Subject(team, team, ScoredEntity.team, team=team)


def matches(applies: AppliesTo, s: Subject) -> bool:
    """Every field the plan names equals the subject's."""
    return (
        (applies.role is None or applies.role.value == s.role)
        and (applies.level is None or applies.level.value == s.level)
        and (applies.team is None or applies.team == s.team)
    )


@dataclass(frozen=True)
class Choice:
    """The plan chosen for a subject: ``index`` into the plans, or the tied indices."""

    index: int | None
    tied: tuple[int, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return len(self.tied) > 1


def choose(plans: Sequence[Plan], s: Subject) -> Choice:
    """The most specific plan for ``s`` among those scoring its kind of entity."""
    found = [i for i, p in enumerate(plans) if p.entity is s.kind and matches(p.applies_to, s)]
    if not found:
        return Choice(None)
    best = max(plans[i].applies_to.specificity for i in found)
    tied = tuple(i for i in found if plans[i].applies_to.specificity == best)
    return Choice(tied[0] if len(tied) == 1 else None, tied)
