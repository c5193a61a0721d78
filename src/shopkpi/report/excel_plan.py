"""The ``考核方案`` sheet: each plan as a readable table, then its YAML text verbatim.

Finance sees which plan (name, version, adopted version, content hash) produced the
numbers, and how: sections and items with weights, targets and scoring rules; deductions,
gates, adjustments, grades and the bonus rules.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from shopkpi.report.cells import Grid, Shape, Value
from shopkpi.report.labels import PERIOD_LABELS, applies_text, target_text
from shopkpi.scoring.conditions import ConditionError, describe, parse_condition
from shopkpi.scoring.metrics import metric_label
from shopkpi.scoring.plan import Adjustment, LifecycleWeights, Link, Plan, WeightSchedule, When
from shopkpi.scoring.rules import rule_text
from shopkpi.scoring.text import item_label, num, pct
from shopkpi.scoring.vocab import PoolGroup

ITEM_HEADER = ["部分", "部分权重", "评分项", "标识", "权重", "目标", "计分方式"]
Cells = list[Value]


@dataclass(frozen=True)
class PlanSource:
    """A plan as the workbook shows it: the parsed plan and, where known, the exact YAML
    text it came from, its adopted version (``plan adopt``) and the sha256 of that text."""

    plan: Plan
    text: str | None = None
    adopted_version: int | None = None
    content_hash: str | None = None

    @property
    def digest(self) -> str | None:
        """The given content hash, else the sha256 of ``text`` (as ``plan adopt`` computes)."""
        if self.content_hash is not None or self.text is None:
            return self.content_hash
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def write_plan_sheet(grid: Grid, sources: Sequence[PlanSource]) -> None:
    row = 0
    if not sources:
        grid.note(0, "本期没有考核方案")
    for source in sources:
        row = _plan(grid, row, source) + 1
    grid.fit()


def _plan(grid: Grid, row: int, source: PlanSource) -> int:
    p = source.plan
    grid.note(row, f"考核方案：{p.title}", grid.styles.title)
    facts: list[tuple[str, Value]] = [
        ("方案", p.plan),
        ("版本", p.version),
        ("采用版本", str(source.adopted_version) if source.adopted_version else None),
        ("内容哈希（sha256）", source.digest),
        ("适用对象", applies_text(p.applies_to, p.entity)),
        ("考核周期", PERIOD_LABELS[p.period]),
        ("说明", p.description),
    ]
    shown = [(k, v) for k, v in facts if v is not None]
    for i, (key, value) in enumerate(shown, start=row + 1):
        grid.put(i, 0, key, grid.styles.header)
        grid.note(i, str(value), grid.styles.cell[Shape.text], col=1)
    row += len(shown) + 2
    row = _table(grid, row, "分项与权重", ITEM_HEADER, _item_rows(p))
    for title, header, rows in _rule_tables(p):
        row = _table(grid, row, title, header, rows)
    return _yaml(grid, row, source.text)


def _table(grid: Grid, row: int, title: str, header: list[str], rows: list[Cells]) -> int:
    if not rows:
        return row
    grid.note(row, title, grid.styles.heading)
    grid.header(row + 1, header)
    for i, values in enumerate(rows, start=row + 2):
        grid.row(i, [(v, grid.styles.cell[_shape(v)]) for v in values])
    return row + len(rows) + 3


def _shape(value: Value) -> Shape:
    return Shape.text if value is None or isinstance(value, str) else Shape.number


def _item_rows(p: Plan) -> list[Cells]:
    return [
        [
            sec.name, sec.weight, item_label(it), it.key, it.weight, target_text(it.target),
            rule_text(it.score, None) if it.score else "直接计分（主管评分 0–100）",
        ]
        for _, _, sec, it in p.items()
    ]  # fmt: skip


def _rule_tables(p: Plan) -> list[tuple[str, list[str], list[Cells]]]:
    labels = {it.key: item_label(it) for _, _, _, it in p.items()}
    return [
        ("扣分", ["扣分项", "指标", "每次扣分", "上限"],
         [[d.label or metric_label(d.metric), d.metric, d.points_each, d.max] for d in p.deductions]),
        ("门槛", ["名称", "条件", "总分封顶"],
         [[g.label or "门槛", _when(g.when), g.cap_total] for g in p.gates]),
        ("权重调整", ["类型", "条件或时段", "调整"],
         [r for a in p.adjustments for r in _adjustment_rows(a, labels)]),
        ("等级（下限含）", ["等级", "总分下限", "等级系数"], _grade_rows(p)),
        ("提成", ["指标", "方式", "销售额下限（含）", "提成比例"], _commission_rows(p)),
        ("奖金池", ["金额", "分配范围", "最低总分", "排除最低等级"], _pool_rows(p)),
        ("扣款", ["扣款项", "指标", "每次扣款（元）", "上限（元）"],
         [[d.label or metric_label(d.metric), d.metric, d.yuan_each, d.max]
          for d in (p.bonus.deductions if p.bonus else ())]),
    ]  # fmt: skip


def _when(when: When) -> str:
    try:
        return describe(parse_condition(when))
    except ConditionError:
        return str(when)


def _weights(weights: dict[str, Decimal], labels: dict[str, str]) -> str:
    return "，".join(f"{labels.get(k, k)} {num(v)}" for k, v in weights.items())


def _adjustment_rows(a: Adjustment, labels: dict[str, str]) -> list[Cells]:
    if isinstance(a, WeightSchedule):
        months = f"（{'、'.join(f'{m}月' for m in a.months)}）" if a.months else ""
        return [["日历时段", f"{a.season}{months}", _weights(a.weights, labels)]]
    if isinstance(a, LifecycleWeights):
        return [["商品生命周期", s.label, _weights(w, labels)] for s, w in a.stages.items()]
    assert isinstance(a, Link)
    return [["部门联动", _when(a.when), f"{labels.get(a.item, a.item)} 权重 ×{num(a.multiplier)}"]]


def _grade_rows(p: Plan) -> list[Cells]:
    coefficients = p.bonus.coefficients if p.bonus else {}
    return [[name, bound, coefficients.get(name)] for bound, name in p.grades]


def _commission_rows(p: Plan) -> list[Cells]:
    c = p.bonus.commission if p.bonus else None
    if c is None:
        return []
    return [[metric_label(c.metric), c.method.label, bound, pct(rate)] for bound, rate in c.tiers]


def _pool_rows(p: Plan) -> list[Cells]:
    pool = p.bonus.pool if p.bonus else None
    if pool is None:
        return []
    per = "每个团队" if pool.per is PoolGroup.team else "方案内所有人"
    return [[pool.amount, per, pool.min_score, "是" if pool.exclude_lowest_grade else "否"]]


def _yaml(grid: Grid, row: int, text: str | None) -> int:
    if text is None:
        return row
    grid.note(row, "方案原文（YAML）", grid.styles.heading)
    lines = text.splitlines()
    for i, line in enumerate(lines, start=row + 1):
        grid.note(i, line, grid.styles.code)
    return row + len(lines) + 2
