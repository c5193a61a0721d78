"""Each scoring function in words (shown on the scorecard), and which ones need a target."""

from __future__ import annotations

from decimal import Decimal

from shopkpi.scoring.plan import Pair, ScoreSpec
from shopkpi.scoring.text import num
from shopkpi.scoring.vocab import ScoreFunction, TierBasis


def needs_target(spec: ScoreSpec) -> bool:
    """Linear, reverse, tiers on achievement and a bound-less pass/fail compare to a target."""
    f = spec.function
    if f in (ScoreFunction.linear, ScoreFunction.reverse):
        return True
    if f in (ScoreFunction.tiers, ScoreFunction.tiers_at_most):
        return spec.on is TierBasis.achievement
    if f is ScoreFunction.pass_fail and spec.pass_fail is not None:
        return spec.pass_fail.at_least is None and spec.pass_fail.at_most is None
    return False


def rule_text(spec: ScoreSpec, target: Decimal | None, group_size: int | None = None) -> str:
    """``档位：≥0.45→100，≥0.4→80，其余→0`` and the like."""
    f = spec.function
    t = f"目标 {num(target)}，" if target is not None else ""
    match f:
        case ScoreFunction.linear | ScoreFunction.reverse:
            lin = spec.linear if f is ScoreFunction.linear else spec.reverse
            assert lin is not None
            how = "达成率=目标÷实际，" if f is ScoreFunction.reverse else ""
            return (
                f"{f.label}：{t}{how}达成率≤{num(lin.floor)}→0，达到目标→100，"
                f"封顶 {num(lin.cap * 100)}"
            )
        case ScoreFunction.tiers | ScoreFunction.tiers_at_most:
            on = "达成率" if spec.on is TierBasis.achievement else ""
            sign = "≥" if f is ScoreFunction.tiers else "≤"
            tiers: tuple[Pair, ...] = (
                spec.tiers if f is ScoreFunction.tiers else spec.tiers_at_most
            ) or ()
            steps = "，".join(f"{on}{sign}{num(b)}→{num(p)}" for b, p in tiers)
            return f"档位：{t}{steps}，其余→{num(spec.else_points)}"
        case ScoreFunction.pass_fail:
            pf = spec.pass_fail
            assert pf is not None
            bounds = [f"≥{num(pf.at_least)}" if pf.at_least is not None else "",
                      f"≤{num(pf.at_most)}" if pf.at_most is not None else ""]  # fmt: skip
            cond = " 且 ".join(b for b in bounds if b) or "达到目标"
            return f"达标制：{t}{cond}→{num(pf.pass_points)}，否则→{num(pf.fail_points)}"
        case ScoreFunction.rank:
            size = f"（{group_size} 人）" if group_size else ""
            return f"排名百分位：超过组内{size}其他人的比例×100"
        case ScoreFunction.per_event:
            pe = spec.per_event
            assert pe is not None
            cap = f"，最多 {num(pe.max)}" if pe.max is not None else ""
            return f"按次计分：每次 {num(pe.points)} 分{cap}"
        case ScoreFunction.direct:
            return "直接计分（主管评分 0–100）"
