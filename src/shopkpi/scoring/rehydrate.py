"""Scorecards and pay lines back from their JSON records (a frozen snapshot's payload).

A frozen period is never recomputed, so anything that needs typed scorecards for it (the
finance workbook) rebuilds them from the stored records, which carry every field.
"""

from __future__ import annotations

from decimal import Decimal

from shopkpi.ingest.adapters.vocab import EntityKind
from shopkpi.scoring.pay import PayLine
from shopkpi.scoring.scorecard import Applied, DeductionLine, ItemLine, Scorecard, SectionLine, Step
from shopkpi.scoring.sheet import BonusRecord, ItemRecord, PersonRecord
from shopkpi.scoring.subjects import Subject
from shopkpi.scoring.vocab import LineStatus, ScoredEntity


def _d(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _dec(text: str) -> Decimal:
    return Decimal(text)


def subject(p: PersonRecord) -> Subject:
    base = _d(p["bonus"]["bonus_base"]) if p["bonus"] else None
    return Subject(
        p["staff_id"], p["name"], ScoredEntity(p["kind"]), p["role"], p["level"], p["team"], base
    )


def scorecard(p: PersonRecord) -> Scorecard:
    return Scorecard(
        p["plan"],
        p["plan_label"],
        subject(p),
        p["period"],
        tuple(_item(x) for x in p["items"]),
        tuple(
            SectionLine(
                s["name"], _dec(s["base_weight"]), _dec(s["weight"]), _dec(s["contribution"])
            )
            for s in p["sections"]
        ),
        tuple(
            DeductionLine(
                d["label"],
                d["metric"],
                _d(d["count"]),
                _dec(d["points_each"]),
                _d(d["max"]),
                _dec(d["points"]),
                LineStatus(d["status"]),
            )
            for d in p["deductions"]
        ),
        tuple(Applied(Step(a["step"]), a["text"]) for a in p["adjustments"]),
        _dec(p["subtotal"]),
        _dec(p["total"]),
        p["grade"],
        LineStatus(p["status"]),
    )


def pay_line(p: PersonRecord) -> PayLine | None:
    b: BonusRecord | None = p["bonus"]
    if b is None:
        return None
    return PayLine(
        subject(p),
        p["grade"],
        _dec(p["total"]),
        _dec(b["bonus_base"]),
        _dec(b["coefficient"]),
        _dec(b["performance_pay"]),
        _d(b["sales"]),
        _dec(b["commission"]),
        _dec(b["pool_share"]),
        _dec(b["deductions"]),
        _dec(b["bonus"]),
        LineStatus(b["status"]),
        tuple(b["lines"]),
    )


def _item(x: ItemRecord) -> ItemLine:
    return ItemLine(
        x["key"],
        x["section"],
        x["label"],
        EntityKind(x["entity"]),
        x["entity_id"],
        _d(x["raw"]),
        _d(x["target"]),
        _d(x["achievement"]),
        _dec(x["points"]),
        _dec(x["base_weight"]),
        _dec(x["weight"]),
        _dec(x["section_weight"]),
        _dec(x["contribution"]),
        LineStatus(x["status"]),
        x["rule"],
        x["note"],
    )
