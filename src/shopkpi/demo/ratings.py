"""Supervisors' monthly ratings (主管评分) that agree with how each agent behaves.

A supervisor sees what the KPIs see and more: the careless agent who leaves buyers
unanswered gets low 责任心 and 纪律性, the slow one low 主动性 and 学习能力, the fast,
high-volume and premium sellers high marks. Each score is the profile's typical mark plus
a little noise, from its own seeded stream, so that adding ratings changes no other file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shopkpi.demo.history import ShopHistory
from shopkpi.demo.model import Role, Staff
from shopkpi.demo.rand import Rng

CRITERIA = (
    "attitude.responsibility", "attitude.initiative", "attitude.teamwork", "attitude.discipline",
    "ability.product_knowledge", "ability.coordination", "ability.communication", "ability.learning",
)  # fmt: skip
# profile → typical mark per criterion, in CRITERIA order (0–100)
MARKS: dict[str, tuple[int, ...]] = {
    "volume": (84, 90, 80, 82, 86, 80, 86, 84),
    "premium": (86, 84, 80, 84, 92, 82, 90, 86),
    "fast": (88, 88, 86, 90, 84, 84, 84, 88),
    "steady": (80, 74, 80, 82, 78, 78, 78, 76),
    "slow": (70, 62, 72, 66, 72, 70, 72, 64),
    "careless": (56, 66, 68, 55, 66, 64, 62, 66),
}
NOISE = 3  # ± points around the typical mark
COMMENTS = {
    ("careless", "attitude.responsibility"): "多次漏回买家消息，跟进不到底",
    ("careless", "attitude.discipline"): "话术使用不规范，出现违规用语",
    ("slow", "attitude.initiative"): "响应偏慢，很少主动催付和推荐",
    ("slow", "ability.learning"): "活动规则掌握较慢",
    ("premium", "ability.product_knowledge"): "商品参数和搭配讲解专业",
    ("volume", "attitude.initiative"): "高峰期主动补位，接待量大",
    ("fast", "attitude.discipline"): "在线及时，响应快",
}


@dataclass(frozen=True)
class Rating:
    staff: Staff
    month: dt.date
    criterion: str
    score: int
    comment: str
    rater: str


def monthly_ratings(history: ShopHistory) -> list[Rating]:
    """One rating per agent × month employed × criterion (supervisors are not rated)."""
    rng = Rng(history.options.seed * 7919 + 101)
    out = []
    for month in sorted({d.replace(day=1) for d in history.days}):
        for person in history.staff:
            if person.role is Role.supervisor or not _employed_in(person, month):
                continue
            profile = person.traits.profile
            for criterion, mark in zip(CRITERIA, MARKS[profile], strict=True):
                score = min(100, max(0, mark + rng.randint(-NOISE, NOISE)))
                comment = COMMENTS.get((profile, criterion), "")
                out.append(Rating(person, month, criterion, score, comment, person.supervisor))
    return out


def _employed_in(person: Staff, month: dt.date) -> bool:
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return person.hired_on < following and (person.left_on is None or person.left_on >= month)
