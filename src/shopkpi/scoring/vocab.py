"""Closed vocabularies of plans and scorecards, with the Chinese labels users see."""

from __future__ import annotations

from enum import StrEnum


class PlanPeriod(StrEnum):
    """How often a plan scores: 月度 or 周度 (the metric grain it reads)."""

    month = "month"
    week = "week"


class ScoredEntity(StrEnum):
    """Who a plan scores: each staff member (个人) or each team (团队)."""

    staff = "staff"
    team = "team"


class ScoreFunction(StrEnum):
    """The scoring functions of an item (docs/plans.md describes each)."""

    linear = "linear"  # 线性到目标（保底、封顶）
    reverse = "reverse"  # 反向（越低越好）
    tiers = "tiers"  # 档位（下限含）
    tiers_at_most = "tiers_at_most"  # 档位（上限含，越低越好）
    pass_fail = "pass_fail"  # 达标/不达标
    rank = "rank"  # 组内排名百分位
    per_event = "per_event"  # 按次计分
    direct = "direct"  # 直接取值（主管评分 0–100）

    @property
    def label(self) -> str:
        return _FUNCTION_LABELS[self]


_FUNCTION_LABELS = {
    ScoreFunction.linear: "线性",
    ScoreFunction.reverse: "反向线性",
    ScoreFunction.tiers: "档位",
    ScoreFunction.tiers_at_most: "档位（越低越好）",
    ScoreFunction.pass_fail: "达标制",
    ScoreFunction.rank: "排名百分位",
    ScoreFunction.per_event: "按次计分",
    ScoreFunction.direct: "直接计分",
}


class TierBasis(StrEnum):
    """What a tier table compares: the raw value or the achievement (actual / target)."""

    value = "value"
    achievement = "achievement"


class RankGroup(StrEnum):
    """The group a rank percentile is taken in: everyone on the plan, or the same team."""

    plan = "plan"
    team = "team"


class Lifecycle(StrEnum):
    """商品生命周期 (DESIGN §4 ``product.lifecycle``)."""

    new = "new"  # 新品/上新期
    growth = "growth"  # 成长期
    mature = "mature"  # 成熟期
    clearance = "clearance"  # 清仓期

    @property
    def label(self) -> str:
        return _LIFECYCLE_LABELS[self]


_LIFECYCLE_LABELS = {
    Lifecycle.new: "新品期",
    Lifecycle.growth: "成长期",
    Lifecycle.mature: "成熟期",
    Lifecycle.clearance: "清仓期",
}

# Raw stage names a plan may use for each lifecycle stage.
LIFECYCLE_ALIASES: dict[str, Lifecycle] = {
    **{s.value: s for s in Lifecycle},
    "launch": Lifecycle.new,
    "新品": Lifecycle.new,
    "新品期": Lifecycle.new,
    "上新": Lifecycle.new,
    "上新期": Lifecycle.new,
    "成长": Lifecycle.growth,
    "成长期": Lifecycle.growth,
    "成熟": Lifecycle.mature,
    "成熟期": Lifecycle.mature,
    "清仓": Lifecycle.clearance,
    "清仓期": Lifecycle.clearance,
}


class Op(StrEnum):
    """Comparison operators of a gate or link condition."""

    gt = ">"
    ge = ">="
    lt = "<"
    le = "<="
    eq = "=="
    ne = "!="


class CommissionMethod(StrEnum):
    """分段累进 (each bracket at its own rate) or 全额 (all sales at the reached rate)."""

    progressive = "progressive"
    whole_bracket = "whole_bracket"

    @property
    def label(self) -> str:
        return "分段累进" if self is CommissionMethod.progressive else "全额累进"


class PoolGroup(StrEnum):
    """How a bonus pool is split: per team, or across everyone on the plan."""

    team = "team"
    plan = "plan"


class LineStatus(StrEnum):
    """An item's data state: 定稿, 待定 (a buffer has not passed) or 缺失 (no data)."""

    final = "final"
    pending = "pending"
    missing = "missing"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    LineStatus.final: "定稿",
    LineStatus.pending: "待定",
    LineStatus.missing: "缺失",
}
