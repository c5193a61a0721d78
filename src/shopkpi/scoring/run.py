"""Score a period with a plan set: scorecards, pay, ranks and the hash of every input.

Pure over its inputs (the plans and a :class:`~shopkpi.scoring.inputs.ScoringInput`); the
service reads those from the warehouse and the app DB.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from shopkpi.appdb.audit import jsonable
from shopkpi.appdb.records import PlanRef
from shopkpi.scoring.adoption import PlanSet
from shopkpi.scoring.engine import score
from shopkpi.scoring.inputs import Facts, Observation, ScoringInput
from shopkpi.scoring.pay import pay
from shopkpi.scoring.records import plain
from shopkpi.scoring.scorecard import Scorecard
from shopkpi.scoring.sheet import PersonRecord, PersonScore, person_record, ranks
from shopkpi.scoring.view import ScoreSheet, UnscoredRecord, payload
from shopkpi.scoring.vocab import LineStatus, ScoredEntity

NO_PLAN = "没有适用的考核方案"


@dataclass(frozen=True)
class LiveRun:
    """A period scored now, from the current data and plans (never stored by itself)."""

    period: str
    people: tuple[PersonScore, ...]
    unscored: tuple[UnscoredRecord, ...]
    plans: PlanSet
    inputs_hash: str

    @cached_property
    def records(self) -> tuple[PersonRecord, ...]:
        """Everyone's scorecard record, built once per run (a kept run serves many requests)."""
        return tuple(person_record(p) for p in self.people)

    def sheet(self) -> ScoreSheet:
        refs = tuple(p.ref for p in self.plans.plans)
        return ScoreSheet(
            self.period, self.records, self.unscored, refs, self.inputs_hash, notes=self.plans.notes
        )

    def payload(self) -> object:
        return payload(self.period, [person_record(p) for p in self.people], list(self.unscored))

    def pending(self) -> list[str]:
        """What is still pending (待定), as ``姓名·考核项`` (a close refuses while any is)."""
        out = []
        for p in self.people:
            name = p.card.subject.name
            lines = [x.label for x in p.card.items if x.status is LineStatus.pending]
            lines += [d.label for d in p.card.deductions if d.status is LineStatus.pending]
            if p.card.status is LineStatus.pending and not lines:
                lines = ["门槛条件"]
            if p.pay is not None and p.pay.status is LineStatus.pending and not lines:
                lines = ["奖金"]
            out += [f"{name}·{label}" for label in lines]
        return out


def needs_teams(plans: PlanSet) -> bool:
    return any(p.plan.entity is ScoredEntity.team for p in plans.plans)


def score_period(plans: PlanSet, data: ScoringInput) -> LiveRun:
    """Score ``data`` with ``plans``: scorecards, then pay and ranks per plan."""
    run = score([p.plan for p in plans.plans], data)
    facts = Facts(data.observations)
    by_name = {p.plan.plan: p for p in plans.plans}
    people: list[PersonScore] = []
    for name, active in by_name.items():
        cards = [c for c in run.cards if c.plan == name]
        lines = {x.subject.id: x for x in pay(active.plan, cards, facts)}
        rank = ranks(cards)
        people += [
            PersonScore(c, lines.get(c.subject.id), active.plan, active.ref, rank[c.subject.id])
            for c in _ordered(cards)
        ]
    unscored = [UnscoredRecord(staff_id=s.id, name=s.name, reason=NO_PLAN) for s in run.unmatched]
    unscored += [
        UnscoredRecord(staff_id=s.id, name=s.name, reason=f"多份方案同样适用：{'、'.join(tied)}")
        for s, tied in run.ambiguous
    ]
    refs = [p.ref for p in plans.plans]
    return LiveRun(data.period, tuple(people), tuple(unscored), plans, inputs_hash(data, refs))


def _ordered(cards: Sequence[Scorecard]) -> list[Scorecard]:
    return sorted(cards, key=lambda c: (-c.total, c.subject.id))


def inputs_hash(data: ScoringInput, plans: Sequence[PlanRef]) -> str:
    """sha256 of everything a score depends on: metric values, ratings, targets, sales
    mix, the roster's scored fields and the plan versions."""
    observations = [_observation(o) for o in data.observations]
    doc = {
        "period": data.period,
        "season": data.season,
        "shop_id": data.shop_id,
        "subjects": _rows(plain(s) for s in data.subjects),
        "observations": _rows(observations),
        "ratings": _rows([sid, crit, v] for (sid, crit), v in data.ratings.items()),
        "targets": _rows([eid, metric, v] for (eid, metric), v in data.targets.items()),
        "lifecycle": {k: {s.value: v for s, v in m.items()} for k, m in data.lifecycle_mix.items()},
        "plans": sorted([p.plan, p.version, p.hash] for p in plans),
    }
    text = json.dumps(jsonable(doc), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _rows(rows: Iterable[object]) -> list[object]:
    """JSON-ready rows in a stable order (sorted by their JSON text)."""
    return sorted((jsonable(r) for r in rows), key=lambda r: json.dumps(r, sort_keys=True))


def _observation(o: Observation) -> tuple[object, ...]:
    kind, status = o.entity_kind.value, o.status.value
    return (kind, o.entity_id, o.metric_id, status, o.value, o.numerator, o.denominator)
