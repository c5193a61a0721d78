"""``shopkpi plan check``: every problem in every plan file, each with file, line and hint.

Parsing problems (shapes, closed vocabularies) come from the pydantic models; the checks
here cover references, weight sums, targets per level, tier order, adjustments, grades,
bonus rules, and plans that compete for the same people. Nothing stops at the first
problem.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from shopkpi.scoring.findings import Finding, Severity, sort_key
from shopkpi.scoring.load import LoadedPlan, read_plan
from shopkpi.scoring.plan import Plan
from shopkpi.scoring.subjects import Subject, choose, matches
from shopkpi.scoring.validate_items import duplicate_keys, item_problems, weight_sums
from shopkpi.scoring.validate_rules import (
    adjustment_problems,
    bonus_problems,
    deduction_problems,
    gate_problems,
    grade_problems,
    plan_scope,
)
from shopkpi.scoring.vocab import ScoredEntity


@dataclass(frozen=True)
class CheckReport:
    """The plans that parsed, and every finding (errors and warnings)."""

    files: tuple[str, ...]
    plans: tuple[LoadedPlan, ...]
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors


def plan_files(folder: Path) -> list[Path]:
    """The plan files of a workspace's ``plans/`` folder."""
    return sorted(p for p in folder.glob("*") if p.suffix.lower() in (".yaml", ".yml"))


def check_files(paths: Iterable[Path], roster: Sequence[Subject] | None = None) -> CheckReport:
    """Parse and check every file; then check the plans against each other."""
    files, plans, findings = [], [], []
    for path in paths:
        files.append(str(path))
        loaded, found = read_plan(path)
        findings += found
        if loaded is not None:
            plans.append(loaded)
            findings += check_plan(loaded, roster)
    findings += overlaps(plans)
    if roster is not None:
        findings += uncovered(plans, roster)
    return CheckReport(tuple(files), tuple(plans), tuple(sorted(findings, key=sort_key)))


def check_plan(lp: LoadedPlan, roster: Sequence[Subject] | None = None) -> list[Finding]:
    """Every problem within one parsed plan (a repeated note is given once)."""
    found = [
        *weight_sums(lp),
        *duplicate_keys(lp),
        *item_problems(lp, levels_needed(lp.plan, roster)),
        *deduction_problems(lp),
        *gate_problems(lp),
        *adjustment_problems(lp),
        *grade_problems(lp),
        *bonus_problems(lp),
    ]
    notes = {f.message: f for f in reversed(found) if not f.is_error}
    return [f for f in found if f.is_error or notes[f.message] is f]


def levels_needed(plan: Plan, roster: Sequence[Subject] | None) -> list[str]:
    """The levels a per-level target must cover: those of the roster people the plan
    applies to when a roster is known, else the plan's declared ``levels``."""
    if plan.entity is ScoredEntity.team:
        return []
    if plan.applies_to.level is not None:
        return [plan.applies_to.level.value]
    if roster:
        found = {s.level for s in roster if s.level and matches(plan.applies_to, s)}
        return sorted(found)
    return [lv.value for lv in plan.levels]


def overlaps(plans: Sequence[LoadedPlan]) -> list[Finding]:
    """Two plans with the same scope (equally specific, same people) cannot both apply."""
    found: list[Finding] = []
    for n, a in enumerate(plans):
        for b in plans[n + 1 :]:
            if _scope(a.plan) == _scope(b.plan):
                scope = plan_scope(a.plan)
                hint = (
                    "最具体的方案优先（团队 > 级别 > 角色）；两份同样具体的方案要删掉一份或缩小范围"
                )
                for this, other in ((a, b), (b, a)):
                    msg = f"方案「{this.plan.plan}」与 {other.path} 的「{other.plan.plan}」适用范围相同（{scope}）"
                    found.append(this.finding(msg, "applies_to", hint=hint))
    return found


def _scope(plan: Plan) -> tuple[object, ...]:
    a = plan.applies_to
    return (plan.entity, plan.period, a.role, a.level, a.team)


def uncovered(plans: Sequence[LoadedPlan], roster: Sequence[Subject]) -> list[Finding]:
    """A warning naming roster staff no plan applies to."""
    if not plans:
        return []
    raw = [lp.plan for lp in plans]
    left = [s.name for s in roster if choose(raw, s).index is None and not choose(raw, s).ambiguous]
    if not left:
        return []
    names = "、".join(left[:10]) + ("等" if len(left) > 10 else "")
    hint = "如需考核他们，新增一份 applies_to 覆盖他们的方案"
    return [
        Finding(
            plans[0].path,
            f"{len(left)} 名员工没有适用的考核方案：{names}",
            None,
            hint=hint,
            severity=Severity.warning,
        )
    ]
