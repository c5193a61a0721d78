"""What ``score`` shows for a period: the live scores, or a frozen snapshot's.

A frozen period is shown from its snapshot text alone (never recomputed), so the JSON of a
frozen version is the same bytes whatever is imported or recomputed afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypedDict, cast

from shopkpi.appdb.records import PlanRef, Snapshot
from shopkpi.scoring.sheet import PersonRecord, text


class UnscoredRecord(TypedDict):
    """Someone on the roster who got no scorecard, and why."""

    staff_id: str
    name: str
    reason: str


class Payload(TypedDict):
    """What a freeze stores (as canonical JSON text)."""

    period: str
    people: list[PersonRecord]
    unscored: list[UnscoredRecord]


@dataclass(frozen=True)
class FrozenInfo:
    """Which snapshot version is shown, and the period's other versions."""

    version: int
    versions: tuple[int, ...]
    frozen_at: str
    frozen_by: str
    reason: str | None
    forced: bool
    pending: tuple[str, ...]
    payload_hash: str


@dataclass(frozen=True)
class ScoreSheet:
    """Every scorecard of a period, live or frozen; ``notes`` are warnings for humans."""

    period: str
    people: tuple[PersonRecord, ...]
    unscored: tuple[UnscoredRecord, ...]
    plans: tuple[PlanRef, ...]
    inputs_hash: str
    frozen: FrozenInfo | None = None
    notes: tuple[str, ...] = ()

    @property
    def total_bonus(self) -> Decimal:
        """Σ bonus of everyone with a bonus (the period's bonus cost)."""
        return sum((Decimal(p["bonus"]["bonus"]) for p in self.people if p["bonus"]), Decimal(0))

    def person(self, staff_id: str) -> PersonRecord | None:
        return next((p for p in self.people if p["staff_id"] == staff_id), None)

    def document(self) -> dict[str, object]:
        """The ``score --format json`` document (no notes: they depend on the moment)."""
        f = self.frozen
        snapshot = None
        if f is not None:
            snapshot = {
                "version": f.version,
                "versions": list(f.versions),
                "frozen_at": f.frozen_at,
                "frozen_by": f.frozen_by,
                "reason": f.reason,
                "forced": f.forced,
                "pending": list(f.pending),
                "payload_hash": f.payload_hash,
            }
        return {
            "period": self.period,
            "frozen": f is not None,
            "snapshot": snapshot,
            "inputs_hash": self.inputs_hash,
            "plans": [p.as_json() for p in self.plans],
            "total_bonus": text(self.total_bonus),
            "people": list(self.people),
            "unscored": list(self.unscored),
        }


def payload(
    period: str, people: Sequence[PersonRecord], unscored: Sequence[UnscoredRecord]
) -> Payload:
    return Payload(period=period, people=list(people), unscored=list(unscored))


def frozen_sheet(snap: Snapshot, versions: Sequence[int]) -> ScoreSheet:
    """The sheet of one frozen version, from its stored text alone."""
    data = cast(Payload, snap.payload)
    info = FrozenInfo(
        snap.version,
        tuple(versions),
        snap.frozen_at.isoformat(sep=" ", timespec="seconds"),
        snap.frozen_by,
        snap.reason,
        snap.forced,
        snap.pending,
        snap.payload_hash,
    )
    return ScoreSheet(
        data["period"],
        tuple(data["people"]),
        tuple(data["unscored"]),
        snap.plans,
        snap.inputs_hash,
        info,
    )
