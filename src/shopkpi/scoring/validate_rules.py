"""Checks of deductions, gates, adjustments, grades and bonus rules."""

from __future__ import annotations

import difflib
from collections import Counter
from decimal import Decimal

from shopkpi.scoring.conditions import ConditionError, parse_condition
from shopkpi.scoring.findings import Finding, Severity
from shopkpi.scoring.load import LoadedPlan
from shopkpi.scoring.plan import LifecycleWeights, Link, Plan, WeightSchedule, When
from shopkpi.scoring.validate_items import HUNDRED, Path_, _n, metric_reference, tier_order
from shopkpi.scoring.weights import base_weights, replace_weights


def deduction_problems(lp: LoadedPlan) -> list[Finding]:
    found: list[Finding] = []
    for n, d in enumerate(lp.plan.deductions):
        found += metric_reference(lp, d.metric, d.entity, ("deductions", n, "metric"))
        if d.points_each <= 0:
            found.append(
                lp.finding("points_each（每次扣分）应大于 0", "deductions", n, "points_each")
            )
    return found


def gate_problems(lp: LoadedPlan) -> list[Finding]:
    found: list[Finding] = []
    for n, g in enumerate(lp.plan.gates):
        found += condition_problems(lp, g.when, ("gates", n, "when"))
        if g.cap_total < 0:
            found.append(lp.finding("cap_total（总分封顶）不能小于 0", "gates", n, "cap_total"))
    return found


def condition_problems(lp: LoadedPlan, when: When, at: Path_) -> list[Finding]:
    try:
        spec = parse_condition(when)
    except ConditionError as exc:
        return [lp.finding(str(exc), *at, hint="比较符可用 > >= < <= == !=，数值可写百分比如 5%")]
    return metric_reference(
        lp, spec.metric, spec.entity, (*at, "metric") if not isinstance(when, str) else at
    )


def adjustment_problems(lp: LoadedPlan) -> list[Finding]:
    found: list[Finding] = []
    months: Counter[int] = Counter()
    for n, adj in enumerate(lp.plan.adjustments):
        at: Path_ = ("adjustments", n)
        if isinstance(adj, WeightSchedule):
            found += _schedule(lp, adj, at)
            for m in adj.months:
                months[m] += 1
                if months[m] == 2:
                    found.append(
                        lp.finding(
                            f"{m} 月同时落在两个权重时段里",
                            *at,
                            "months",
                            hint="每个月只能属于一个时段",
                        )
                    )
        elif isinstance(adj, LifecycleWeights):
            found += _lifecycle(lp, adj, at)
        else:
            found += _link(lp, adj, at)
    return found


def _unknown_key(lp: LoadedPlan, key: str, at: Path_, *, sections: bool) -> Finding | None:
    plan = lp.plan
    known = [it.key for _, _, _, it in plan.items()] + (
        [s.name for s in plan.sections] if sections else []
    )
    if key in known:
        return None
    close = difflib.get_close_matches(key, known, n=3, cutoff=0.5)
    what = "考核项或部分" if sections else "考核项"
    hint = f"是不是 {'、'.join(close)}？" if close else f"方案里的{what}：{'、'.join(known)}"
    return lp.finding(f"调整项引用了不存在的{what}「{key}」", *at, hint=hint)


def _schedule(lp: LoadedPlan, adj: WeightSchedule, at: Path_) -> list[Finding]:
    found = [
        f for k in adj.weights if (f := _unknown_key(lp, k, (*at, "weights", k), sections=True))
    ]
    found += [
        lp.finding(f"月份 {m} 不在 1–12 之间", *at, "months")
        for m in adj.months
        if not 1 <= m <= 12
    ]
    if not adj.weights:
        found.append(lp.finding("权重时段没有写任何权重（weights）", *at))
    if not found:
        found += _sums_after(lp, adj.weights, at, f"「{adj.season}」时段")
    return found


def _lifecycle(lp: LoadedPlan, adj: LifecycleWeights, at: Path_) -> list[Finding]:
    found: list[Finding] = []
    if not adj.stages:
        found.append(lp.finding("生命周期调整没有写任何阶段（stages）", *at))
    for stage, weights in adj.stages.items():
        here = (*at, "stages", stage.value)
        bad = [f for k in weights if (f := _unknown_key(lp, k, (*here, k), sections=False))]
        found += bad or _sums_after(lp, weights, here, f"{stage.label}")
    return found


def _sums_after(lp: LoadedPlan, weights: dict[str, Decimal], at: Path_, what: str) -> list[Finding]:
    """After replacing weights, sections and items still sum to 100."""
    sections, items = replace_weights(lp.plan, *base_weights(lp.plan), weights)
    found: list[Finding] = []
    total = sum(sections.values(), Decimal(0))
    if total != HUNDRED:
        found.append(lp.finding(f"{what}各部分权重之和是 {_n(total)}，应为 100", *at))
    for sec in lp.plan.sections:
        s = sum((items[it.key] for it in sec.items), Decimal(0))
        if s != HUNDRED:
            found.append(
                lp.finding(
                    f"{what}「{sec.name}」内各项权重之和是 {_n(s)}，应为 100",
                    *at,
                    hint="同一部分里被改的项要一起改，使总和仍为 100",
                )
            )
    return found


def _link(lp: LoadedPlan, adj: Link, at: Path_) -> list[Finding]:
    found = condition_problems(lp, adj.when, (*at, "when"))
    if f := _unknown_key(lp, adj.item, (*at, "item"), sections=False):
        found.append(f)
    if (adj.factor is None) == (adj.percent is None):
        found.append(lp.finding("联动调整要写 factor（如 0.9）或 percent（如 -10）之一", *at))
    elif adj.multiplier < 0:
        found.append(lp.finding("权重调整后不能小于 0", *at))
    return found


def grade_problems(lp: LoadedPlan) -> list[Finding]:
    plan, found = lp.plan, []
    if not plan.grades:
        return (
            [
                lp.finding(
                    "没有定义档位（grades），评分卡不会定档", "plan", severity=Severity.warning
                )
            ]
            if plan.bonus
            else []
        )
    found += tier_order(lp, plan.grades, ("grades",), descending=True)
    names = Counter(name for _, name in plan.grades)
    found += [lp.finding(f"档位名「{n}」重复", "grades") for n, c in names.items() if c > 1]
    lowest = min(b for b, _ in plan.grades)
    if lowest > 0:
        hint = f"低于 {_n(lowest)} 分的人没有档位；把最低一档写成 [0, 名称]"
        found.append(
            lp.finding("最低档位的下限不是 0", "grades", hint=hint, severity=Severity.warning)
        )
    for name, share in (plan.forced_distribution or {}).items():
        if name not in names:
            found.append(
                lp.finding(f"强制分布里的档位「{name}」不存在", "forced_distribution", name)
            )
        if not 0 < share <= 1:
            found.append(
                lp.finding(
                    f"「{name}」的名额比例应在 0 到 1 之间（如 0.2 = 20%）",
                    "forced_distribution",
                    name,
                )
            )
    return found


def bonus_problems(lp: LoadedPlan) -> list[Finding]:
    bonus = lp.plan.bonus
    if bonus is None:
        return []
    names = [name for _, name in lp.plan.grades]
    found = [
        lp.finding(
            f"系数里的档位「{g}」不存在",
            "bonus",
            "coefficients",
            g,
            hint=f"档位：{'、'.join(names)}",
        )
        for g in bonus.coefficients
        if g not in names
    ]
    if bonus.coefficients:
        found += [
            lp.finding(
                f"档位「{g}」没有奖金系数", "bonus", "coefficients", hint="没有系数的档位按 0 计"
            )
            for g in names
            if g not in bonus.coefficients
        ]
    if bonus.commission is not None:
        c = bonus.commission
        found += metric_reference(lp, c.metric, None, ("bonus", "commission", "metric"))
        found += tier_order(lp, c.tiers, ("bonus", "commission", "tiers"), descending=False)
        if c.tiers and min(b for b, _ in c.tiers) != 0:
            found.append(
                lp.finding(
                    "提成第一档应从 0 元开始",
                    "bonus",
                    "commission",
                    "tiers",
                    severity=Severity.warning,
                )
            )
        if any(not 0 <= r <= 1 for _, r in c.tiers):
            found.append(
                lp.finding(
                    "提成比例应在 0 到 1 之间（1.5% 写 0.015）", "bonus", "commission", "tiers"
                )
            )
    if bonus.pool is not None and bonus.pool.amount < 0:
        found.append(lp.finding("奖金池金额不能小于 0", "bonus", "pool", "amount"))
    for n, d in enumerate(bonus.deductions):
        found += metric_reference(lp, d.metric, None, ("bonus", "deductions", n, "metric"))
    return found


def plan_scope(plan: Plan) -> str:
    a = plan.applies_to
    parts = [
        f"角色={a.role.value}" if a.role else "",
        f"级别={a.level.value}" if a.level else "",
        f"团队={a.team}" if a.team else "",
    ]
    return "，".join(p for p in parts if p) or "所有人"
