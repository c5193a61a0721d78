"""The manual rating criteria (态度 / 能力) a supervisor scores, and their rubric.

A plan item ``{rating: attitude.responsibility}`` names one criterion by its English id; the
ratings file may name it by id or by its Chinese ``维度`` label (``态度.责任心``). A rating is a
score on the rubric's 0–100 scale; the bands below are the descriptors a supervisor scores by.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

SCALE_MAX = Decimal(100)


@dataclass(frozen=True)
class Criterion:
    """One rating criterion: ``group.name`` id, its group and Chinese label, and what it means."""

    id: str
    group: str
    label: str
    description: str

    @property
    def group_label(self) -> str:
        return GROUP_LABELS[self.group]

    @property
    def full_label(self) -> str:
        """``态度.责任心`` — how the ratings template names the criterion."""
        return f"{self.group_label}.{self.label}"


GROUP_LABELS = {"attitude": "态度", "ability": "能力"}

# The rubric bands (lower bound inclusive) every criterion is scored against.
BANDS: tuple[tuple[int, str], ...] = (
    (90, "优秀：持续超出要求，可作为他人榜样"),
    (75, "良好：稳定达到要求，偶有亮点"),
    (60, "合格：基本达到要求，需要提醒"),
    (0, "待改进：多次未达要求，需制定改进计划"),
)

CRITERIA: tuple[Criterion, ...] = (
    Criterion("attitude.responsibility", "attitude", "责任心", "对买家问题跟进到底，不推诿"),
    Criterion("attitude.initiative", "attitude", "主动性", "主动催付、主动推荐、主动发现问题"),
    Criterion("attitude.teamwork", "attitude", "团队协作", "转接顺畅，乐于帮助同事，高峰期补位"),
    Criterion("attitude.discipline", "attitude", "纪律性", "按排班在线，遵守话术与平台规则"),
    Criterion(
        "ability.product_knowledge", "ability", "产品知识", "准确解答商品参数、搭配与售后政策"
    ),
    Criterion("ability.coordination", "ability", "协调能力", "与仓储、运营、售后协同解决问题"),
    Criterion("ability.communication", "ability", "沟通表达", "表达清晰、有同理心，安抚情绪"),
    Criterion("ability.learning", "ability", "学习能力", "新品与活动规则掌握快，培训考核达标"),
)

_BY_KEY: dict[str, Criterion] = {}
for _c in CRITERIA:
    _BY_KEY[_c.id] = _c
    _BY_KEY[_c.full_label] = _c
    _BY_KEY[_c.label] = _c


def find_criterion(name: str) -> Criterion | None:
    """The criterion named by id (``attitude.responsibility``), ``态度.责任心`` or ``责任心``."""
    return _BY_KEY.get(name.strip())


def band(score: Decimal) -> str:
    """The rubric descriptor for a 0–100 score."""
    for lower, text in BANDS:
        if score >= lower:
            return text
    return BANDS[-1][1]
