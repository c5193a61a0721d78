"""What the app database hands back: small frozen records, never ORM objects."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from shopkpi.errors import Problem, ShopkpiError


class AppDBError(ShopkpiError):
    """A request the app database refuses (bad value, missing reason, …)."""


class AppendOnlyError(AppDBError):
    """An attempt to change or delete a row of an append-only table."""


class RatingsFileError(ShopkpiError):
    """A ratings file with bad rows; every problem is listed and nothing was imported."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:100])
        more = f"\n  …另有 {len(problems) - 100} 处" if len(problems) > 100 else ""
        super().__init__(
            f"{file}: 有 {len(problems)} 处问题，未导入任何评分（全部改好后再导入）：\n{shown}{more}"
        )


class Outcome(StrEnum):
    """What writing one rating did."""

    created = "created"
    changed = "changed"
    unchanged = "unchanged"


@dataclass(frozen=True)
class RatingInput:
    """One rating to write: ``criterion_id`` is the rubric id, ``row`` its line in a file."""

    staff_id: str
    period: str
    criterion_id: str
    score: Decimal
    comment: str | None = None
    rater: str | None = None
    row: int | None = None


@dataclass(frozen=True)
class RatingRecord:
    """A stored rating."""

    staff_id: str
    period: str
    criterion_id: str
    score: Decimal
    comment: str | None
    rater: str | None
    updated_at: dt.datetime


@dataclass(frozen=True)
class RatingsImport:
    """The outcome of importing one ratings file."""

    file: str
    rows: int
    created: int
    changed: int
    unchanged: int


@dataclass(frozen=True)
class Adoption:
    """One adopted plan version; ``created`` is False when the content was already current."""

    plan_name: str
    version: int
    content_hash: str
    content: str
    source_file: str | None
    adopted_by: str
    adopted_at: dt.datetime
    created: bool = True


@dataclass(frozen=True)
class PlanRef:
    """The plan version a snapshot was scored with."""

    plan: str
    version: int
    hash: str

    def as_json(self) -> dict[str, object]:
        return {"plan": self.plan, "version": self.version, "hash": self.hash}


@dataclass(frozen=True)
class Snapshot:
    """A frozen period: ``payload_json`` is the exact text frozen, ``payload`` its value."""

    period: str
    version: int
    plans: tuple[PlanRef, ...]
    inputs_hash: str
    payload_json: str
    payload_hash: str
    frozen_at: dt.datetime
    frozen_by: str
    reason: str | None
    forced: bool
    pending: tuple[str, ...]

    @property
    def payload(self) -> Any:
        return json.loads(self.payload_json)


@dataclass(frozen=True)
class AuditRecord:
    """One audit-log row."""

    id: int
    at: dt.datetime
    actor: str
    action: str
    entity_kind: str
    entity_key: str
    old_value: Any
    new_value: Any
    reason: str | None
