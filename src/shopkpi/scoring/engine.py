"""The scoring engine: plans + metric values + ratings → one scorecard per subject.

For each subject the most specific matching plan is chosen (team > level > role). Items
are scored (:mod:`~shopkpi.scoring.items`), weighted with the adjusted weights
(:mod:`~shopkpi.scoring.weights`), summed per section; deductions come off; gates cap; the
grade follows; a forced distribution is applied across everyone on the same plan.

Rounding: each item's points and contribution are rounded to 2 decimals (half up); section
contributions and the total are sums of rounded contributions, so they add up exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from shopkpi.ingest.adapters.vocab import EntityKind
from shopkpi.metrics.periods import PeriodError, parse_period
from shopkpi.scoring.conditions import describe, holds, parse_condition
from shopkpi.scoring.functions import per_event, round_points
from shopkpi.scoring.grades import force_distribution, grade_of
from shopkpi.scoring.inputs import Facts, ScoringInput
from shopkpi.scoring.items import Env, entity_of, group_id, observed, read_item
from shopkpi.scoring.metrics import metric_label
from shopkpi.scoring.plan import ConditionSpec, Deduction, Plan, When
from shopkpi.scoring.scorecard import Applied, DeductionLine, ItemLine, Scorecard, SectionLine, Step
from shopkpi.scoring.subjects import Subject, choose
from shopkpi.scoring.text import item_label, num
from shopkpi.scoring.vocab import LineStatus
from shopkpi.scoring.weights import Context, Lookup, Reading, effective

ZERO = Decimal(0)
_WHERE = {EntityKind.shop: "店铺", EntityKind.team: "团队", EntityKind.staff: ""}


@dataclass(frozen=True)
class ScoringRun:
    """Scorecards of a period, and who could not be scored (no plan, or two equal plans)."""

    period: str
    cards: tuple[Scorecard, ...]
    unmatched: tuple[Subject, ...]
    ambiguous: tuple[tuple[Subject, tuple[str, ...]], ...]


def score(plans: Sequence[Plan], data: ScoringInput) -> ScoringRun:
    """Score every subject of ``data`` with its plan."""
    plans = _of_grain(plans, data.period)
    groups: dict[int, list[Subject]] = {}
    unmatched, ambiguous = [], []
    for s in data.subjects:
        choice = choose(plans, s)
        if choice.index is not None:
            groups.setdefault(choice.index, []).append(s)
        elif choice.ambiguous:
            ambiguous.append((s, tuple(plans[i].plan for i in choice.tied)))
        else:
            unmatched.append(s)
    facts = Facts(data.observations)
    cards = [
        c for i, members in groups.items() for c in score_group(plans[i], members, data, facts)
    ]
    return ScoringRun(data.period, tuple(cards), tuple(unmatched), tuple(ambiguous))


def _of_grain(plans: Sequence[Plan], period: str) -> list[Plan]:
    try:
        grain = parse_period(period).grain.value
    except PeriodError:
        return list(plans)
    return [p for p in plans if p.period.value == grain]


def score_group(
    plan: Plan, members: Sequence[Subject], data: ScoringInput, facts: Facts
) -> list[Scorecard]:
    """Score everyone on one plan (rank items and forced distribution need the group)."""
    plain = Env(facts, data.ratings, data.targets, data.shop_id)
    env = Env(facts, data.ratings, data.targets, data.shop_id, _rank_groups(plan, members, plain))
    cards = [score_card(plan, s, data, env) for s in members]
    if plan.forced_distribution:
        cards = force_distribution(plan.grades, plan.forced_distribution, cards)
    return cards


def _rank_groups(
    plan: Plan, members: Sequence[Subject], env: Env
) -> dict[tuple[str, str], list[Decimal]]:
    groups: dict[tuple[str, str], list[Decimal]] = {}
    for _, _, _, it in plan.items():
        if it.score is None or it.score.rank is None:
            continue
        for s in members:
            value = read_item(it.model_copy(update={"score": None}), s, env).raw
            if value is not None:
                groups.setdefault((it.key, group_id(it.score.rank.group, s)), []).append(value)
    return groups


def score_card(plan: Plan, s: Subject, data: ScoringInput, env: Env) -> Scorecard:
    """One subject's scorecard under ``plan``."""
    readings: list[Reading] = []

    def lookup(spec: ConditionSpec) -> Reading:
        kind, eid = entity_of(spec.entity, s, data.shop_id)
        value, status, _ = observed(env.facts.get(kind, eid, spec.metric))
        readings.append(Reading(value, status, _WHERE[kind]))
        return readings[-1]

    ctx = Context(data.season, data.month, data.lifecycle_mix.get(s.id, {}), lookup)
    eff = effective(plan, ctx)
    lines = _lines(plan, s, env, eff.sections, eff.items)
    sections = _sections(plan, lines, eff.sections)
    subtotal = sum((sec.contribution for sec in sections), ZERO)
    deductions = tuple(_deduction(d, s, env) for d in plan.deductions)
    applied = list(eff.applied) + [a for d in deductions if (a := _deduction_note(d))]
    total = max(subtotal - sum((d.points for d in deductions), ZERO), ZERO)
    for gate in plan.gates:
        total, note = _gate(gate.when, gate.cap_total, gate.label, total, lookup)
        applied += note
    statuses = [*(x.status for x in lines), *(d.status for d in deductions)]
    statuses += [r.status for r in readings]
    status = LineStatus.pending if LineStatus.pending in statuses else LineStatus.final
    return Scorecard(
        plan.plan,
        plan.version,
        s,
        data.period,
        lines,
        sections,
        deductions,
        tuple(applied),
        subtotal,
        total,
        grade_of(plan.grades, total),
        status,
    )


def _sections(
    plan: Plan, lines: tuple[ItemLine, ...], weights: dict[str, Decimal]
) -> tuple[SectionLine, ...]:
    """Each section's contribution: the sum of its items' rounded contributions."""
    return tuple(
        SectionLine(
            sec.name,
            sec.weight,
            weights[sec.name],
            sum((ln.contribution for ln in lines if ln.section == sec.name), ZERO),
        )
        for sec in plan.sections
    )


def _lines(
    plan: Plan, s: Subject, env: Env, sections: dict[str, Decimal], items: dict[str, Decimal]
) -> tuple[ItemLine, ...]:
    out = []
    for _, _, sec, it in plan.items():
        r = read_item(it, s, env)
        w, sw = items[it.key], sections[sec.name]
        contribution = round_points(r.points * w * sw / 10000)
        out.append(
            ItemLine(
                it.key,
                sec.name,
                item_label(it),
                r.entity,
                r.entity_id,
                r.raw,
                r.target,
                r.achievement,
                r.points,
                it.weight,
                w,
                sw,
                contribution,
                r.status,
                r.rule,
                r.note,
            )
        )
    return tuple(out)


def _deduction(d: Deduction, s: Subject, env: Env) -> DeductionLine:
    kind, eid = entity_of(d.entity, s, env.shop_id)
    count, status, _ = observed(env.facts.get(kind, eid, d.metric))
    points = per_event(count, d.points_each, d.max) if count is not None else ZERO
    return DeductionLine(
        d.label or metric_label(d.metric), d.metric, count, d.points_each, d.max, points, status
    )


def _deduction_note(d: DeductionLine) -> Applied | None:
    if d.count is None:
        return Applied(Step.note, f"扣分（{d.label}）：无数据，记 0 分")
    if not d.points:
        return None
    cap = f"（最多 {num(d.maximum)} 分）" if d.maximum is not None else ""
    text = (
        f"扣分：{d.label} {num(d.count)} 次 × {num(d.points_each)} 分 = 扣 {num(d.points)} 分{cap}"
    )
    return Applied(Step.deduction, text)


def _gate(
    when: When, cap: Decimal, label: str | None, total: Decimal, lookup: Lookup
) -> tuple[Decimal, list[Applied]]:
    spec = parse_condition(when)
    reading = lookup(spec)
    name = label or f"门槛（{metric_label(spec.metric)}）"
    if reading.value is None:
        return total, [
            Applied(Step.note, f"{name}：{reading.where}{metric_label(spec.metric)}无数据，未判断")
        ]
    if not holds(reading.value, spec.op, spec.value):
        return total, []
    why = (
        f"{reading.where}{metric_label(spec.metric)} = {num(reading.value)}，满足 {describe(spec)}"
    )
    if total <= cap:
        return total, [
            Applied(Step.gate, f"{name}：{why}；总分 {num(total)} 未超过封顶 {num(cap)}")
        ]
    return cap, [Applied(Step.gate, f"{name}：{why}；总分封顶 {num(cap)}（原 {num(total)}）")]
