"""What-if (``shopkpi plan simulate NEW.yaml``): a draft plan against the plans in use.

The draft replaces the plan of the same name (or joins the set, where the most specific
plan wins as usual), and the period is scored both ways on the same data. Each person
scored by either version gets old vs new total, grade, rank and bonus; the bonus cost
change is Σ new − Σ old. Nothing is written: no adoption, no snapshot, no audit row.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Protocol

from shopkpi.appdb.plans import content_hash
from shopkpi.appdb.records import PlanRef
from shopkpi.errors import ConfigError
from shopkpi.scoring.adoption import DRAFT, ActivePlan, PlanSet
from shopkpi.scoring.run import LiveRun
from shopkpi.scoring.sheet import PersonScore
from shopkpi.scoring.validate import check_files

ZERO = Decimal(0)


class Runner(Protocol):
    def plans(self) -> PlanSet: ...

    def run(self, period: str | None = None, plans: PlanSet | None = None) -> LiveRun: ...


@dataclass(frozen=True)
class Side:
    """One person's result under one plan version."""

    plan: str
    total: Decimal
    grade: str | None
    rank: int
    bonus: Decimal | None
    final: bool


@dataclass(frozen=True)
class SimRow:
    staff_id: str
    name: str
    team: str | None
    old: Side | None
    new: Side | None

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass(frozen=True)
class Simulation:
    """Old vs new for everyone the simulated plan scores (now or before)."""

    period: str
    plan: str
    replaces: PlanRef | None
    rows: tuple[SimRow, ...]
    notes: tuple[str, ...] = ()

    @property
    def old_cost(self) -> Decimal:
        return sum((r.old.bonus or ZERO for r in self.rows if r.old), ZERO)

    @property
    def new_cost(self) -> Decimal:
        return sum((r.new.bonus or ZERO for r in self.rows if r.new), ZERO)

    @property
    def cost_change(self) -> Decimal:
        return self.new_cost - self.old_cost


def simulate(runner: Runner, path: Path, period: str) -> Simulation:
    """Score ``period`` with the plans in use and with ``path`` swapped in.

    Raises:
        ConfigError: the draft plan has errors.
    """
    report = check_files([path])
    if not report.ok or not report.plans:
        raise ConfigError(list(report.errors))
    draft = report.plans[0].plan
    text = path.read_text(encoding="utf-8-sig")
    base = runner.plans()
    kept = tuple(p for p in base.plans if p.plan.plan != draft.plan)
    replaced = next((p.ref for p in base.plans if p.plan.plan == draft.plan), None)
    new_plan = ActivePlan(draft, PlanRef(draft.plan, DRAFT, content_hash(text)), text)
    old = runner.run(period, base)
    new = runner.run(period, PlanSet((*kept, new_plan), base.notes))
    return Simulation(old.period, draft.plan, replaced, _rows(old, new, draft.plan), base.notes)


def _rows(old: LiveRun, new: LiveRun, name: str) -> tuple[SimRow, ...]:
    before = {p.card.subject.id: p for p in old.people}
    after = {p.card.subject.id: p for p in new.people}
    ids = [i for i, p in after.items() if p.card.plan == name]
    ids += [i for i, p in before.items() if p.card.plan == name and i not in ids]
    rows = []
    for i in ids:
        who = (after.get(i) or before[i]).card.subject
        rows.append(SimRow(i, who.name, who.team, _side(before.get(i)), _side(after.get(i))))
    return tuple(rows)


def _side(p: PersonScore | None) -> Side | None:
    if p is None:
        return None
    bonus = p.pay.bonus if p.pay is not None else None
    return Side(p.card.plan, p.card.total, p.card.grade, p.rank, bonus, p.card.final)
