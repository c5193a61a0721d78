"""Grades (定档): lower bounds inclusive, with an optional forced distribution.

Forced distribution caps the share of a group in a grade: the quota of a grade is
``share × group size`` rounded half up. Going from the best grade down, people beyond a
grade's quota (the lowest totals first) move down one grade, and may cascade further.
Ties are never split: people tied with the last one inside a quota keep the grade, even
if that exceeds the quota. The lowest grade has no quota.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from shopkpi.scoring.plan import Grade
from shopkpi.scoring.scorecard import Applied, Scorecard, Step
from shopkpi.scoring.text import pct


def grade_of(grades: Sequence[Grade], total: Decimal) -> str | None:
    """The best grade whose lower bound the total reaches (bounds inclusive)."""
    for bound, name in sorted(grades, key=lambda g: g[0], reverse=True):
        if total >= bound:
            return name
    return None


def quota(share: Decimal, size: int) -> int:
    return int((share * size).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def force_distribution(
    grades: Sequence[Grade], shares: Mapping[str, Decimal], cards: Sequence[Scorecard]
) -> list[Scorecard]:
    """Apply the forced distribution to a group's scorecards (order is kept)."""
    order = [name for _, name in sorted(grades, key=lambda g: g[0], reverse=True)]
    ranked = sorted(range(len(cards)), key=lambda i: (-cards[i].total, cards[i].subject.id))
    grade = {i: cards[i].grade for i in ranked}
    notes: dict[int, list[str]] = {i: [] for i in ranked}
    for level, name in enumerate(order[:-1]):
        if name not in shares:
            continue
        limit = quota(shares[name], len(cards))
        holders = [i for i in ranked if grade[i] == name]
        if len(holders) <= limit:
            continue
        cut = cards[holders[limit - 1]].total if limit > 0 else None
        lower = order[level + 1]
        for place, i in enumerate(holders):
            if place < limit or cards[i].total == cut:
                continue
            grade[i] = lower
            rank = ranked.index(i) + 1
            notes[i].append(
                f"强制分布：{name}名额 {limit} 人（{pct(shares[name])} × {len(cards)} 人），"
                f"本人总分排第 {rank}，由{name}降为{lower}"
            )
    return [_regrade(c, grade[i], notes[i]) for i, c in enumerate(cards)]


def _regrade(card: Scorecard, grade: str | None, notes: list[str]) -> Scorecard:
    if not notes:
        return card
    applied = card.applied + tuple(Applied(Step.forced_distribution, n) for n in notes)
    return replace(card, grade=grade, applied=applied)
