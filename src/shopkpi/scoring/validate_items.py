"""Checks of sections and items: weights, references, targets and scoring functions."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal

from shopkpi.ingest.adapters.vocab import EntityKind, Level
from shopkpi.scoring.findings import Finding, Severity
from shopkpi.scoring.load import LoadedPlan, PathPart
from shopkpi.scoring.metrics import metric_info, suggest
from shopkpi.scoring.plan import Item, ScoreSpec
from shopkpi.scoring.rubric import find_criterion
from shopkpi.scoring.rules import needs_target
from shopkpi.scoring.vocab import ScoredEntity, ScoreFunction

HUNDRED = Decimal(100)
Path_ = tuple[PathPart, ...]


def weight_sums(lp: LoadedPlan) -> list[Finding]:
    """Section weights sum to 100; item weights sum to 100 within each section."""
    plan, found = lp.plan, []
    total = sum((s.weight for s in plan.sections), Decimal(0))
    if plan.sections and total != HUNDRED:
        found.append(
            lp.finding(
                f"各部分权重之和是 {_n(total)}，应为 100", "sections", hint=_parts(plan.sections)
            )
        )
    for s, section in enumerate(plan.sections):
        items = sum((it.weight for it in section.items), Decimal(0))
        if items != HUNDRED:
            found.append(
                lp.finding(
                    f"「{section.name}」内各项权重之和是 {_n(items)}，应为 100",
                    "sections",
                    s,
                    "items",
                    hint=_parts(section.items),
                )
            )
    if not plan.sections:
        found.append(
            lp.finding("没有任何考核部分（sections）", "sections", hint="至少写一个部分，如 业绩")
        )
    return found


def _parts(parts: Iterable[object]) -> str:
    shown = [
        f"{getattr(p, 'name', None) or getattr(p, 'key', '')} {_n(getattr(p, 'weight', 0))}"
        for p in parts
    ]
    return "现在：" + "、".join(shown) if shown else "请补上考核项"


def _n(x: Decimal | int) -> str:
    return f"{Decimal(x).normalize():f}"


def duplicate_keys(lp: LoadedPlan) -> list[Finding]:
    """Item keys (``id`` or the metric/rating id) and section names are unique."""
    found: list[Finding] = []
    keys = Counter(it.key for _, _, _, it in lp.plan.items())
    seen: set[str] = set()
    for s, i, _, it in lp.plan.items():
        if keys[it.key] > 1 and it.key in seen:
            hint = "给其中一项写 id（如 id: team_sales），调整项按 id 引用它"
            found.append(
                lp.finding(f"考核项「{it.key}」重复", "sections", s, "items", i, hint=hint)
            )
        seen.add(it.key)
    names = Counter(sec.name for sec in lp.plan.sections)
    for s, sec in enumerate(lp.plan.sections):
        if names[sec.name] > 1:
            found.append(lp.finding(f"部分名「{sec.name}」重复", "sections", s, "name"))
    return found


def item_problems(lp: LoadedPlan, levels: list[str]) -> list[Finding]:
    """Every item: what it names, its target and its scoring function."""
    found: list[Finding] = []
    for s, i, _, it in lp.plan.items():
        at: Path_ = ("sections", s, "items", i)
        found += _reference(lp, it, at)
        found += _target(lp, it, at, levels)
        found += _score(lp, it, at)
    return found


def _reference(lp: LoadedPlan, it: Item, at: Path_) -> list[Finding]:
    if (it.metric is None) == (it.rating is None):
        return [lp.finding("考核项要写 metric（指标）或 rating（主管评分）之一", *at)]
    if it.rating is not None:
        if find_criterion(it.rating) is None:
            hint = "可用：attitude.responsibility/initiative/teamwork/discipline，ability.product_knowledge/coordination/communication/learning"
            return [lp.finding(f"未知的评分维度「{it.rating}」", *at, "rating", hint=hint)]
        return []
    return metric_reference(lp, it.metric or "", it.entity, (*at, "metric"))


def metric_reference(
    lp: LoadedPlan, metric: str, entity: EntityKind | None, at: Path_
) -> list[Finding]:
    """The metric exists, supports the entity it is read for, and has data (or will)."""
    info = metric_info(metric)
    if info is None:
        close = suggest(metric)
        hint = f"是不是 {'、'.join(close)}？" if close else "用 shopkpi metrics 查看全部指标编号"
        return [lp.finding(f"未知指标「{metric}」", *at, hint=hint)]
    kind = entity or EntityKind(lp.plan.entity.value)
    found: list[Finding] = []
    if entity is EntityKind.staff and lp.plan.entity is ScoredEntity.team:
        found.append(
            lp.finding(
                "团队方案的考核项不能取个人（staff）的值", *at, hint="删掉 entity 或写 team/shop"
            )
        )
    elif kind not in info.entities:
        allowed = "、".join(sorted(e.value for e in info.entities))
        found.append(
            lp.finding(
                f"指标「{metric}」没有 {kind.value} 级的值", *at, hint=f"可用：entity: {allowed}"
            )
        )
    if info.upcoming:
        hint = "数据接入前该指标没有值：扣分记 0，门槛和联动不触发，评分卡会注明"
        found.append(
            lp.finding(
                f"指标「{metric}」（{info.name}）的数据来自{info.upcoming}，尚未接入",
                *at,
                hint=hint,
                severity=Severity.warning,
            )
        )
    return found


def _target(lp: LoadedPlan, it: Item, at: Path_, levels: list[str]) -> list[Finding]:
    spec = it.score or ScoreSpec()
    if it.target is None:
        if it.metric is not None and len(spec.functions) == 1 and needs_target(spec):
            return [
                lp.finding(
                    f"「{it.key}」的评分方式需要目标值（target）",
                    *at,
                    hint="写 target: 数值，或按级别 {junior: …, senior: …}",
                )
            ]
        return []
    values = it.target.values() if isinstance(it.target, dict) else [it.target]
    found = [lp.finding("目标值应大于 0", *at, "target") for v in values if v <= 0][:1]
    if isinstance(it.target, dict):
        known = {lv.value for lv in Level} | {"default"}
        found += [
            lp.finding(
                f"目标里的级别「{k}」不存在",
                *at,
                "target",
                k,
                hint="级别：junior、senior、lead 或 default",
            )
            for k in it.target
            if k not in known
        ]
    if isinstance(it.target, dict) and "default" not in it.target:
        for level in levels:
            if level not in it.target:
                hint = f"在 target 里加上 {level}: 数值（或 default: 数值）"
                found.append(
                    lp.finding(f"「{it.key}」没有 {level} 级别的目标", *at, "target", hint=hint)
                )
    return found


def _score(lp: LoadedPlan, it: Item, at: Path_) -> list[Finding]:
    if it.score is None:
        if it.metric is not None:
            return [
                lp.finding(
                    f"指标项「{it.key}」缺少评分方式（score）",
                    *at,
                    hint="如 score: {linear: {floor: 0.5, cap: 1.2}} 或 score: {tiers: [[0.45, 100], [0.40, 80]]}",
                )
            ]
        return []
    spec, here = it.score, (*at, "score")
    functions = spec.functions
    if len(functions) != 1:
        given = "、".join(f.value for f in functions) or "无"
        return [
            lp.finding(
                f"score 应只写一种评分方式（现在：{given}）",
                *here,
                hint="linear / reverse / tiers / tiers_at_most / pass_fail / rank / per_event / direct",
            )
        ]
    found: list[Finding] = []
    f = functions[0]
    for key in ("linear", "reverse"):
        lin = getattr(spec, key)
        if lin is not None and not (0 <= lin.floor < 1 <= lin.cap):
            found.append(
                lp.finding(
                    "linear/reverse 要求 0 ≤ floor < 1 ≤ cap",
                    *here,
                    key,
                    hint="floor 是达成率下限（如 0.5），cap 是封顶（如 1.2）",
                )
            )
    if spec.tiers is not None:
        found += tier_order(lp, spec.tiers, (*here, "tiers"), descending=True)
    if spec.tiers_at_most is not None:
        found += tier_order(lp, spec.tiers_at_most, (*here, "tiers_at_most"), descending=False)
    if f is ScoreFunction.rank and it.rating is not None:
        found.append(lp.finding("主管评分项不能用排名计分", *here))
    return found


def tier_order(
    lp: LoadedPlan, tiers: Sequence[tuple[Decimal, object]], at: Path_, *, descending: bool
) -> list[Finding]:
    """Tiers are listed best first with strictly ordered, distinct bounds."""
    if not tiers:
        return [lp.finding("档位表是空的", *at)]
    bounds = [b for b, _ in tiers]
    found: list[Finding] = []
    for n, (a, b) in enumerate(itertools.pairwise(bounds), start=1):
        if a == b:
            found.append(
                lp.finding(f"档位重叠：门槛 {_n(a)} 出现两次", *at, n, hint="每个门槛只能出现一次")
            )
        elif (a < b) if descending else (a > b):
            order = "从高到低" if descending else "从低到高"
            found.append(
                lp.finding(
                    f"档位顺序不对：{_n(a)} 之后是 {_n(b)}",
                    *at,
                    n,
                    hint=f"按门槛{order}排列（最好的一档在前）",
                )
            )
    return found
