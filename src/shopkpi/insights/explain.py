"""One Chinese paragraph from pacing, an anomaly, its decomposition and root cause.

Wording is fixed so the same facts always give the same text: percentages with one
decimal, yuan with two (thousands separated), a sentence per fact that is present, e.g.
"GMV 为今日进度的 60.0%，低于昨日同时段。较基线下降 300.00 元（-4.3%），主要来自流量转化
（-8.0%，-245.76 元），集中在渠道 直通车、类目 女装。"
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from shopkpi.insights.anomaly import DayCheck
from shopkpi.insights.decompose import Decomposition
from shopkpi.insights.rootcause import Candidate

DIMENSION_LABELS = {
    "category": "类目",
    "channel": "渠道",
    "team": "团队",
    "staff": "客服",
    "hour": "时段",
}


@dataclass(frozen=True)
class PaceFact:
    """Where a metric stands against today's pace, and against yesterday at this time."""

    label: str  # e.g. "GMV"
    progress: float  # actual / expected by now (0.6 = 60%)
    vs_yesterday: float | None = None  # actual / yesterday at the same time


def pct(x: float) -> str:
    """0.0805 → '8.1%' (one decimal)."""
    return f"{x * 100:.1f}%"


def signed_pct(x: float) -> str:
    """-0.08 → '-8.0%'; 0.05 → '+5.0%'."""
    return f"{x * 100:+.1f}%"


def yuan(x: float) -> str:
    """1234.5 → '1,234.50'."""
    return f"{x:,.2f}"


def _pace(p: PaceFact) -> str:
    text = f"{p.label} 为今日进度的 {pct(p.progress)}"
    if p.vs_yesterday is not None:
        word = "高于" if p.vs_yesterday > 1 else "低于" if p.vs_yesterday < 1 else "持平"
        text += f"，{word}昨日同时段"
    return text + "。"


def _anomaly(label: str, c: DayCheck) -> str:
    if c.baseline is None:
        return f"{c.day.isoformat()} {label} {yuan(c.value)}：{c.reason}。"
    return f"{c.day.isoformat()} {label} {yuan(c.value)}，{c.reason}。"


def _decomposition(d: Decomposition) -> str:
    change = float(d.change)
    if change == 0:
        return "较基线持平"
    word = "下降" if change < 0 else "上升"
    text = f"较基线{word} {yuan(abs(change))} 元"
    if d.base:
        text += f"（{signed_pct(change / float(d.base))}）"
    top = d.dominant()
    rel = d.relative[top]
    detail = f"{signed_pct(rel)}，" if rel is not None else ""
    return text + f"，主要来自{top.label}（{detail}{yuan(float(d.cents()[top]))} 元）"


def _causes(causes: Sequence[Candidate]) -> str:
    parts = [
        f"{DIMENSION_LABELS.get(c.dimension, c.dimension)} {'、'.join(c.names)}" for c in causes
    ]
    return "集中在" + "、".join(parts)


def explain(
    label: str = "GMV",
    pace: PaceFact | None = None,
    check: DayCheck | None = None,
    decomposition: Decomposition | None = None,
    causes: Sequence[Candidate] = (),
) -> str:
    """The paragraph; facts that are absent are left out."""
    text = _pace(pace) if pace else ""
    if check is not None and decomposition is None:
        text += _anomaly(label, check)
    clauses = [_decomposition(decomposition)] if decomposition is not None else []
    if causes:
        clauses.append(_causes(causes))
    if clauses:
        text += "，".join(clauses) + "。"
    return text
