"""What the month-end close page (月结封账) and its API show: versions and pending items."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shopkpi.appdb.records import Snapshot
from shopkpi.errors import ShopkpiError
from shopkpi.scoring.view import frozen_sheet
from shopkpi.workspace import Workspace


@dataclass(frozen=True)
class VersionRow:
    """One frozen version of a period: who froze it, when, why, and what it holds."""

    version: int
    frozen_at: str
    frozen_by: str
    reason: str | None
    forced: bool
    pending: tuple[str, ...]
    people: int
    total_bonus: str
    plans: str

    def as_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "frozen_at": self.frozen_at,
            "frozen_by": self.frozen_by,
            "reason": self.reason,
            "forced": self.forced,
            "pending": list(self.pending),
            "people": self.people,
            "total_bonus": self.total_bonus,
            "plans": self.plans,
        }


@dataclass(frozen=True)
class CloseStatus:
    """A period's close status; ``pending`` and ``problem`` come from scoring it now."""

    period: str
    versions: tuple[VersionRow, ...]
    pending: tuple[str, ...]
    problem: str | None

    @property
    def frozen(self) -> bool:
        return bool(self.versions)

    def as_json(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "status": "frozen" if self.frozen else "open",
            "versions": [v.as_json() for v in self.versions],
            "pending": list(self.pending),
            "problem": self.problem,
        }


def close_status(ws: Workspace, period: str | None) -> CloseStatus:
    """The status of ``period`` (default: the latest month with metric values).

    Raises:
        ScoringError: the period cannot be parsed, or there are no metric values at all.
    """
    label = ws.scoring.period(period)
    snaps = ws.scoring.snapshots(label)
    versions = tuple(_row(s, [x.version for x in snaps]) for s in snaps)
    try:
        pending, problem = tuple(ws.scoring.run(label).pending()), None
    except ShopkpiError as exc:
        pending, problem = (), str(exc)
    return CloseStatus(label, versions, pending, problem)


def _row(s: Snapshot, versions: list[int]) -> VersionRow:
    sheet = frozen_sheet(s, versions)
    return VersionRow(
        s.version,
        s.frozen_at.isoformat(sep=" ", timespec="seconds"),
        s.frozen_by,
        s.reason,
        s.forced,
        s.pending,
        len(sheet.people),
        f"{sheet.total_bonus:.2f}",
        "、".join(f"{p.plan} 第{p.version}版" for p in s.plans),
    )
