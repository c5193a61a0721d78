"""The training and role catalogue (``insights/data/training.yaml``, or a workspace's own
``training.yaml``): which finding codes call for which training topic, and which strengths
point to which role."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shopkpi.errors import ShopkpiError

CATALOGUE_FILE = "training.yaml"


class FindingCode(StrEnum):
    """The stable codes of diagnosis findings (docs/insights.md lists their rules)."""

    short_of_target = "short_of_target"
    on_target = "on_target"
    star = "star"
    volume_seller = "volume_seller"
    price_seller = "price_seller"
    weak_sales = "weak_sales"
    few_inquiries = "few_inquiries"
    weak_conversion = "weak_conversion"
    strong_conversion = "strong_conversion"
    hard_traffic = "hard_traffic"
    caring = "caring"
    careless = "careless"
    slow = "slow"
    quick = "quick"
    fast_but_sloppy = "fast_but_sloppy"
    slow_but_thorough = "slow_but_thorough"
    sloppy = "sloppy"
    compliance_risk = "compliance_risk"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    FindingCode.short_of_target: "目标落后",
    FindingCode.on_target: "目标达成",
    FindingCode.star: "量价双优",
    FindingCode.volume_seller: "走量型",
    FindingCode.price_seller: "高客单型",
    FindingCode.weak_sales: "量价偏弱",
    FindingCode.few_inquiries: "询单偏少",
    FindingCode.weak_conversion: "转化偏弱",
    FindingCode.strong_conversion: "转化突出",
    FindingCode.hard_traffic: "询单难度高",
    FindingCode.caring: "用心关怀",
    FindingCode.careless: "关怀不足",
    FindingCode.slow: "响应偏慢",
    FindingCode.quick: "又快又稳",
    FindingCode.fast_but_sloppy: "快而粗糙",
    FindingCode.slow_but_thorough: "慢而细致",
    FindingCode.sloppy: "质量偏弱",
    FindingCode.compliance_risk: "合规风险",
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Topic(_Frozen):
    id: str
    name: str
    description: str = ""
    when: list[FindingCode] = Field(min_length=1)


class Role(_Frozen):
    id: str
    name: str
    strengths: dict[FindingCode, int] = Field(min_length=1)


class Catalogue(_Frozen):
    topics: list[Topic]
    roles: list[Role]


class CatalogueError(ShopkpiError):
    """A training.yaml that does not parse or names unknown finding codes."""


def load_catalogue(root: Path | None) -> Catalogue:
    """The workspace's ``training.yaml`` when ``root`` has one, else the packaged default."""
    local = root / CATALOGUE_FILE if root is not None else None
    if local is not None and local.is_file():
        text, where = local.read_text("utf-8"), str(local)
    else:
        ref = resources.files("shopkpi.insights").joinpath("data", CATALOGUE_FILE)
        text, where = ref.read_text("utf-8"), CATALOGUE_FILE
    try:
        return Catalogue.model_validate(yaml.safe_load(text))
    except (yaml.YAMLError, ValidationError) as exc:
        problems = _problems(exc)
        raise CatalogueError(f"{where}: 培训目录有误：{problems}") from exc


def _problems(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
    return str(exc)


@dataclass(frozen=True)
class TopicPick:
    """A recommended topic and the finding codes that call for it."""

    id: str
    name: str
    description: str
    because: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "description": self.description,
                "because": list(self.because)}  # fmt: skip


@dataclass(frozen=True)
class RolePick:
    """The suggested role, its score and the strengths behind it."""

    id: str
    name: str
    score: int
    reasons: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "score": self.score,
                "reasons": list(self.reasons)}  # fmt: skip


def pick_topics(cat: Catalogue, codes: Collection[FindingCode]) -> tuple[TopicPick, ...]:
    """Topics whose ``when`` meets the codes, in catalogue order."""
    picks = []
    for t in cat.topics:
        because = tuple(c.value for c in t.when if c in codes)
        if because:
            picks.append(TopicPick(t.id, t.name, t.description, because))
    return tuple(picks)


def pick_role(cat: Catalogue, codes: Collection[FindingCode]) -> RolePick | None:
    """The role with the highest strength score (> 0); ties go to the earlier role."""
    best: RolePick | None = None
    for r in cat.roles:
        matched = [c for c in r.strengths if c in codes]
        score = sum(r.strengths[c] for c in matched)
        if score > 0 and (best is None or score > best.score):
            reasons = tuple(f"{c.label}（{c.value}）" for c in matched)
            best = RolePick(r.id, r.name, score, reasons)
    return best
