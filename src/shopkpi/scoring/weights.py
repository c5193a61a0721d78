"""Effective weights: the plan's weights after its adjustments, each one explained.

Order: a weight schedule for the calendar period replaces weights; product lifecycle
weights blend by the person's credited-sales mix; links between departments multiply an
item's weight. Schedules and lifecycle tables keep each section summing to 100 (validation
checks it); a link does not renormalise, so a cut lowers the most the person can score.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from shopkpi.scoring.conditions import describe, holds, parse_condition
from shopkpi.scoring.metrics import metric_label
from shopkpi.scoring.plan import ConditionSpec, LifecycleWeights, Link, Plan, WeightSchedule
from shopkpi.scoring.scorecard import Applied, Step
from shopkpi.scoring.text import item_label, num, pct
from shopkpi.scoring.vocab import Lifecycle, LineStatus

Weights = dict[str, Decimal]


@dataclass(frozen=True)
class Reading:
    """A condition metric's value for the scored subject; ``where`` names whose (店铺/团队)."""

    value: Decimal | None
    status: LineStatus
    where: str


Lookup = Callable[[ConditionSpec], Reading]


@dataclass(frozen=True)
class Context:
    """What adjustments depend on: the calendar period, the sales mix, metric lookups."""

    season: str | None
    month: int | None
    mix: Mapping[Lifecycle, Decimal]
    lookup: Lookup


@dataclass(frozen=True)
class Effective:
    sections: Weights
    items: Weights
    applied: tuple[Applied, ...]


def base_weights(plan: Plan) -> tuple[Weights, Weights]:
    sections = {s.name: s.weight for s in plan.sections}
    items = {it.key: it.weight for _, _, _, it in plan.items()}
    return sections, items


def replace_weights(
    plan: Plan, sections: Weights, items: Weights, new: Mapping[str, Decimal]
) -> tuple[Weights, Weights]:
    """``new`` weights by section name or item key replace the current ones."""
    s = {k: new.get(k, v) for k, v in sections.items()}
    i = {k: new.get(k, v) for k, v in items.items()}
    return s, i


def effective(plan: Plan, ctx: Context) -> Effective:
    sections, items = base_weights(plan)
    applied: list[Applied] = []
    schedule = active_schedule(plan, ctx)
    if schedule is not None:
        new_s, new_i = replace_weights(plan, sections, items, schedule.weights)
        applied.append(
            Applied(
                Step.weight_schedule,
                f"日历时段「{schedule.season}」权重：{_changes(plan, sections | items, new_s | new_i)}",
            )
        )
        sections, items = new_s, new_i
    for adj in plan.adjustments:
        if isinstance(adj, LifecycleWeights):
            items, note = _blend(plan, items, adj, ctx.mix)
            applied.append(note)
        elif isinstance(adj, Link):
            items, maybe = _link(plan, items, adj, ctx.lookup)
            applied += maybe
    return Effective(sections, items, tuple(applied))


def active_schedule(plan: Plan, ctx: Context) -> WeightSchedule | None:
    """The schedule named by the run's season, else the first whose months hold the period."""
    schedules = [a for a in plan.adjustments if isinstance(a, WeightSchedule)]
    if ctx.season is not None:
        return next((s for s in schedules if s.season == ctx.season), None)
    return next((s for s in schedules if ctx.month in s.months), None)


def _blend(
    plan: Plan, items: Weights, adj: LifecycleWeights, mix: Mapping[Lifecycle, Decimal]
) -> tuple[Weights, Applied]:
    total = sum((v for v in mix.values() if v > 0), Decimal(0))
    if total <= 0:
        return items, Applied(Step.lifecycle, "无商品生命周期销售数据，按基础权重计")
    shares = {stage: v / total for stage, v in mix.items() if v > 0}
    out = {
        key: sum(
            (share * adj.stages.get(stage, {}).get(key, w) for stage, share in shares.items()),
            Decimal(0),
        )
        for key, w in items.items()
    }
    parts = "、".join(f"{stage.label} {pct(share)}" for stage, share in shares.items())
    return out, Applied(
        Step.lifecycle, f"按所售商品生命周期加权（{parts}）：{_changes(plan, items, out)}"
    )


def _link(plan: Plan, items: Weights, adj: Link, lookup: Lookup) -> tuple[Weights, list[Applied]]:
    spec = parse_condition(adj.when)
    reading = lookup(spec)
    value, where = reading.value, reading.where
    label = adj.label or f"部门联动（{metric_label(spec.metric)}）"
    if value is None:
        return items, [
            Applied(Step.note, f"{label}：{where}{metric_label(spec.metric)}无数据，未调整")
        ]
    if not holds(value, spec.op, spec.value):
        return items, []
    out = dict(items)
    out[adj.item] = items[adj.item] * adj.multiplier
    why = f"{where}{metric_label(spec.metric)} = {num(value)}，满足 {describe(spec)}"
    return out, [Applied(Step.link, f"{label}：{why}；{_changes(plan, items, out)}")]


def _changes(plan: Plan, old: Weights, new: Weights) -> str:
    labels = {it.key: item_label(it) for _, _, _, it in plan.items()}
    diffs = [f"{labels.get(k, k)} {num(old[k])}→{num(new[k])}" for k in new if new[k] != old.get(k)]
    return "，".join(diffs) or "权重不变"
