"""One item of a scorecard: read its value, find its target, apply its scoring function.

A missing value (no row, or a row with no value because its denominator is 0) scores 0
and shows as 缺失. A pending value scores provisionally and shows as 待定.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from shopkpi.ingest.adapters.vocab import EntityKind
from shopkpi.scoring import functions as fn
from shopkpi.scoring.inputs import Facts, Observation, Ratings
from shopkpi.scoring.metrics import metric_info
from shopkpi.scoring.plan import Item, ScoreSpec
from shopkpi.scoring.rubric import find_criterion
from shopkpi.scoring.rules import needs_target, rule_text
from shopkpi.scoring.subjects import Subject
from shopkpi.scoring.vocab import LineStatus, RankGroup, ScoreFunction, TierBasis

ZERO = Decimal("0.00")
ACHIEVEMENT = Decimal("0.0001")  # achievements are shown (and stored) to 4 decimals


@dataclass(frozen=True)
class Env:
    """What items read besides the plan: metric values, ratings, targets, rank groups."""

    facts: Facts
    ratings: Ratings = field(default_factory=dict)
    targets: Mapping[tuple[str, str], Decimal] = field(default_factory=dict)
    shop_id: str = ""
    # (item key, group id) → the values of everyone in the rank group
    groups: Mapping[tuple[str, str], Sequence[Decimal]] = field(default_factory=dict)


@dataclass(frozen=True)
class Reading:
    """An item before weighting."""

    entity: EntityKind
    entity_id: str
    raw: Decimal | None
    target: Decimal | None
    achievement: Decimal | None
    points: Decimal
    status: LineStatus
    rule: str
    note: str | None = None


def entity_of(entity: EntityKind | None, s: Subject, shop_id: str) -> tuple[EntityKind, str]:
    """Whose value an item or condition reads: the subject itself, its team or the shop."""
    if entity is EntityKind.shop:
        return EntityKind.shop, shop_id
    if entity is EntityKind.team:
        return EntityKind.team, s.team or s.id
    return EntityKind(s.kind.value), s.id


def group_id(group: RankGroup, s: Subject) -> str:
    return s.team or "" if group is RankGroup.team else "*"


def value_of(
    it: Item, s: Subject, env: Env
) -> tuple[EntityKind, str, Decimal | None, LineStatus, str | None]:
    """The item's raw value with its status and, when it has none, why."""
    kind, eid = entity_of(it.entity, s, env.shop_id)
    if it.rating is not None:
        c = find_criterion(it.rating)
        rating = env.ratings.get((s.id, c.id if c else it.rating))
        note = None if rating is not None else "主管尚未评分"
        return (
            kind,
            eid,
            rating,
            LineStatus.final if rating is not None else LineStatus.missing,
            note,
        )
    obs = env.facts.get(kind, eid, it.metric or "")
    return (kind, eid, *observed(obs))


def observed(obs: Observation | None) -> tuple[Decimal | None, LineStatus, str | None]:
    if obs is None:
        return None, LineStatus.missing, "本期没有该指标的数据"
    value = obs.best_value
    if obs.status is LineStatus.pending:
        return value, LineStatus.pending, "观察期未过，暂按当前数计分，还会变"
    if value is None:
        return None, LineStatus.missing, "分母为 0，没有数值"
    return value, LineStatus.final, None


def target_of(it: Item, s: Subject, eid: str, env: Env) -> Decimal | None:
    """A personal target from the 目标表 first, then the plan's (per level, or default)."""
    if it.metric is not None and (eid, it.metric) in env.targets:
        return env.targets[(eid, it.metric)]
    if isinstance(it.target, dict):
        return it.target.get(s.level or "", it.target.get("default"))
    return it.target


def read_item(it: Item, s: Subject, env: Env) -> Reading:
    """Score one item for one subject."""
    kind, eid, raw, status, note = value_of(it, s, env)
    spec = it.score or ScoreSpec(direct=True)
    target = target_of(it, s, eid, env)
    group = env.groups.get((it.key, group_id(spec.rank.group, s))) if spec.rank else None
    rule = rule_text(spec, target, len(group) if group else None)
    if raw is None:
        return Reading(kind, eid, None, target, None, ZERO, status, rule, note)
    if target is None and needs_target(spec):
        return Reading(
            kind,
            eid,
            raw,
            None,
            None,
            ZERO,
            LineStatus.missing,
            rule,
            f"没有 {s.level or ''} 级别的目标",
        )
    ach, points = apply(spec, raw, target, _higher(it), group or [raw])
    shown = ach.quantize(ACHIEVEMENT, rounding=ROUND_HALF_UP) if ach is not None else None
    return Reading(kind, eid, raw, target, shown, points, status, rule, note)


def _higher(it: Item) -> bool:
    info = metric_info(it.metric) if it.metric else None
    return info.higher_is_better if info else True


def apply(
    spec: ScoreSpec, value: Decimal, target: Decimal | None, higher: bool, group: Sequence[Decimal]
) -> tuple[Decimal | None, Decimal]:
    """(achievement, points) of ``value`` under ``spec``."""
    f = spec.function
    ach = fn.achievement(value, target) if target else None
    match f:
        case ScoreFunction.linear:
            lin = spec.linear
            assert lin is not None and ach is not None
            return ach, fn.linear(ach, lin.floor, lin.cap)
        case ScoreFunction.reverse:
            rev = spec.reverse
            assert rev is not None and target is not None
            r = fn.reverse_achievement(value, target)
            return r, fn.linear(r, rev.floor, rev.cap)
        case ScoreFunction.tiers | ScoreFunction.tiers_at_most:
            basis = ach if spec.on is TierBasis.achievement else value
            assert basis is not None
            tiers = spec.tiers if f is ScoreFunction.tiers else spec.tiers_at_most
            step = fn.tiers_at_least if f is ScoreFunction.tiers else fn.tiers_at_most
            return ach, step(basis, tiers or (), spec.else_points)
        case ScoreFunction.pass_fail:
            pf = spec.pass_fail
            assert pf is not None
            lo, hi = pf.at_least, pf.at_most
            if lo is None and hi is None:
                lo, hi = (target, None) if higher else (None, target)
            return ach, fn.pass_fail(value, lo, hi, pf.pass_points, pf.fail_points)
        case ScoreFunction.rank:
            return ach, fn.rank_percentile(value, group, higher)
        case ScoreFunction.per_event:
            pe = spec.per_event
            assert pe is not None
            return ach, fn.per_event(value, pe.points, pe.max)
        case ScoreFunction.direct:
            return ach, fn.direct(value)
