"""Chinese labels the workbook shows for roles, levels, steps and plan settings."""

from __future__ import annotations

from decimal import Decimal

from shopkpi.ingest.adapters.vocab import Level, Role
from shopkpi.metrics.catalog import CATALOG
from shopkpi.metrics.model import Unit
from shopkpi.report.cells import Shape
from shopkpi.scoring.plan import AppliesTo, Target
from shopkpi.scoring.scorecard import Step
from shopkpi.scoring.text import num
from shopkpi.scoring.vocab import LineStatus, PlanPeriod, ScoredEntity

ROLE_LABELS: dict[str, str] = {
    Role.presale_cs.value: "售前",
    Role.aftersale_cs.value: "售后",
    Role.operations.value: "运营",
    Role.sales.value: "销售",
    Role.supply_chain.value: "供应链",
    Role.design.value: "设计",
    Role.supervisor.value: "主管",
}
LEVEL_LABELS: dict[str, str] = {
    Level.junior.value: "初级",
    Level.senior.value: "高级",
    Level.lead.value: "组长",
}
STEP_LABELS = {
    Step.weight_schedule: "权重调整（日历时段）",
    Step.lifecycle: "权重调整（商品生命周期）",
    Step.link: "部门联动",
    Step.deduction: "扣分",
    Step.gate: "门槛",
    Step.forced_distribution: "强制分布",
    Step.note: "说明",
}
PERIOD_LABELS = {PlanPeriod.month: "月度", PlanPeriod.week: "周度"}
ENTITY_LABELS = {ScoredEntity.staff: "个人", ScoredEntity.team: "团队"}


def role_label(role: str | None) -> str | None:
    """``presale_cs`` → ``售前``; an unknown role shows as written."""
    if role is None:
        return None
    return ROLE_LABELS.get(role, role)


def level_label(level: str | None) -> str | None:
    if level is None:
        return None
    return LEVEL_LABELS.get(level, level)


def status_label(*statuses: LineStatus) -> str:
    """待定 when any is pending, else 缺失 when any is missing, else 定稿."""
    for s in (LineStatus.pending, LineStatus.missing):
        if s in statuses:
            return s.label
    return LineStatus.final.label


def metric_shape(metric: str | None) -> Shape:
    """How a metric's values show: rates as %, yuan as money, the rest as numbers."""
    if metric is None:
        return Shape.score  # a manual rating, 0–100
    unit = CATALOG[metric].unit if metric in CATALOG else None
    if unit is Unit.ratio:
        return Shape.percent
    if unit is Unit.yuan:
        return Shape.money
    return Shape.score if unit is Unit.score else Shape.number


def applies_text(applies: AppliesTo, entity: ScoredEntity) -> str:
    """``售前 · 初级 · A组`` (every field the plan names), or ``全部``."""
    parts = [
        role_label(applies.role.value) if applies.role else None,
        level_label(applies.level.value) if applies.level else None,
        applies.team,
    ]
    shown = " · ".join(p for p in parts if p) or "全部"
    return f"{shown}（{ENTITY_LABELS[entity]}）"


def target_text(target: Target | None) -> str | None:
    """``0.85``, or per level ``初级 40000；高级 70000``."""
    if target is None:
        return None
    if isinstance(target, Decimal):
        return num(target)
    return "；".join(f"{level_label(k) or k} {num(v)}" for k, v in target.items())
