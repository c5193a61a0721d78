"""Pacing and metric alerts from ``alerts.yaml``: rules, evaluation, dedupe, delivery.

A rule names a catalog metric, a scope (``shop``, ``team:<name>``, ``staff:<id>``, ``every
staff`` or ``every team``), one condition, a grain (``day`` or ``month-to-date``), the channels
to push to, a quiet period and a severity. ``shopkpi alerts check`` evaluates every rule on
the last day with data (at or before ``--at``):

- ``pace_below: 0.9`` — pace below 0.9. For a total (count or sum) pace is achievement ÷
  time elapsed: month-to-date actual ÷ (month target × days elapsed ÷ days in the month),
  as in ``metrics/pacing.py``; at grain ``day`` the day's actual ÷ (month target ÷ days in
  the month). A level (ratio, mean) is compared with its target directly: actual ÷ target,
  or target ÷ actual when lower is better. No target, no firing.
- ``value_below`` / ``value_above`` — the value itself.
- ``change_below: -0.2`` — the day's value against the same weekday last week (grain day).

Month-to-date values add the day rows (Σ numerator ÷ Σ denominator), so they need an
additive metric. A firing is recorded in the web inbox (the app DB ``alert`` table, kind
``metric``) and pushed to its channels, unless the same rule fired for the same scope and
day within its quiet period (``quiet_minutes``, default 240).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from shopkpi.appdb.db import AppDB
from shopkpi.appdb.qa_state import AlertRecord
from shopkpi.errors import ConfigError
from shopkpi.ingest.adapters.vocab import EntityKind
from shopkpi.insights.alert_rules import (
    RULES_FILE,
    AlertGrain,
    AlertRules,
    Rule,
    load_rules,
)
from shopkpi.insights.channels import ChannelSpec, Delivery, Sender, deliver
from shopkpi.metrics.model import Direction, MetricDef
from shopkpi.metrics.pacing import TOTAL_KINDS
from shopkpi.metrics.periods import month

__all__ = ["RULES_FILE", "AlertRules", "CheckReport", "Firing", "Outcome", "check",
           "escalation_sink", "evaluate", "evaluation_day", "load_rules"]  # fmt: skip

KIND = "metric"  # alert.kind of these alerts (live QA escalations are qa_escalation)
log = logging.getLogger(__name__)


# Evaluation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Firing:
    """A rule whose condition holds for one entity on ``day``."""

    rule: Rule
    shop_id: str
    entity_id: str
    entity_name: str
    team: str | None
    day: date
    value: Decimal
    target: Decimal | None
    measure: Decimal  # pace, value or change, whichever the condition tests

    @property
    def subject(self) -> str:
        """The dedupe key besides the rule: scope key and day."""
        return f"{self.rule.scope.kind.value}:{self.entity_id}@{self.day.isoformat()}"

    @property
    def title(self) -> str:
        spec = self.rule.spec
        return (spec.title or f"{self.rule.metric.name}预警") + f"：{self.entity_name}"

    def message(self) -> str:
        spec, m = self.rule.spec, self.rule.metric
        grain = "当日" if spec.grain is AlertGrain.day else "本月累计"
        text = f"{self.entity_name} {self.day:%m-%d} {m.name}{grain} {_fmt(self.value)}"
        if self.target is not None:
            text += f"（月目标 {_fmt(self.target)}）"
        labels = {"pace_below": "进度比", "change_below": "较上周同日", "value_below": "数值", "value_above": "数值"}  # fmt: skip
        op = ">" if spec.condition.kind == "value_above" else "<"
        measure = f"{_fmt(self.measure)} {op} {_fmt(spec.condition.threshold)}"
        return f"{text}；{labels[spec.condition.kind]} {measure}"


def _fmt(x: Decimal) -> str:
    return f"{x.quantize(Decimal('0.0001')).normalize():f}"


def evaluation_day(con: duckdb.DuckDBPyConnection, at: date) -> date | None:
    """The last day with shop metrics at or before ``at``."""
    rows = con.execute(
        """SELECT max(period_start) FROM metric_value
           WHERE entity_kind = 'shop' AND grain = 'day' AND period_start <= ?""",
        [at],
    ).fetchall()
    found = rows[0][0] if rows else None
    return found if isinstance(found, date) else None


def evaluate(
    con: duckdb.DuckDBPyConnection,
    rules: Sequence[Rule],
    day: date,
    approved: Mapping[tuple[str, str], Decimal] | None = None,
) -> list[Firing]:
    """Every firing of ``rules`` on ``day`` (``approved``: approved proposal targets)."""
    names = dict(con.execute("SELECT staff_id, name FROM staff").fetchall())
    teams = dict(con.execute("SELECT staff_id, team FROM staff").fetchall())
    out: list[Firing] = []
    for rule in rules:
        rows = _day_rows(con, rule, day)
        targets = _targets(con, rule, day, approved or {})
        for (shop, entity), series in rows.items():
            firing = _fire(rule, shop, entity, series, targets.get(entity), day)
            if firing is not None:
                kind = rule.scope.kind
                name = str(names.get(entity, entity)) if kind is EntityKind.staff else entity
                team = teams.get(entity) if kind is EntityKind.staff else None
                team = entity if kind is EntityKind.team else team
                out.append(Firing(rule, shop, entity, name, team, day, *firing))
    return out


Series = dict[date, tuple[Decimal | None, Decimal | None, Decimal | None]]


def _day_rows(
    con: duckdb.DuckDBPyConnection, rule: Rule, day: date
) -> dict[tuple[str, str], Series]:
    start = min(day.replace(day=1), day - timedelta(days=7))
    sql = """SELECT shop_id, entity_id, period_start, numerator, denominator, value
             FROM metric_value
             WHERE entity_kind = ? AND grain = 'day' AND metric_id = ?
               AND period_start BETWEEN ? AND ?"""
    params: list[object] = [rule.scope.kind.value, rule.metric.id, start, day]
    if rule.scope.entity_id is not None:
        sql += " AND entity_id = ?"
        params.append(rule.scope.entity_id)
    out: dict[tuple[str, str], Series] = {}
    for shop, entity, d, num, den, value in con.execute(sql, params).fetchall():
        out.setdefault((str(shop), str(entity)), {})[d] = (num, den, value)
    return out


def _targets(
    con: duckdb.DuckDBPyConnection,
    rule: Rule,
    day: date,
    approved: Mapping[tuple[str, str], Decimal],
) -> dict[str, Decimal]:
    rows = con.execute(
        """SELECT entity_id, value FROM target
           WHERE entity_kind = ? AND period = ? AND metric_id = ? AND value IS NOT NULL""",
        [rule.scope.kind.value, f"{day:%Y-%m}", rule.metric.id],
    ).fetchall()
    found = {str(e): Decimal(v) for e, v in rows}
    if rule.scope.kind is EntityKind.staff:
        found |= {s: v for (s, m), v in approved.items() if m == rule.metric.id}
    return found


def _fire(
    rule: Rule, shop: str, entity: str, series: Series, target: Decimal | None, day: date
) -> tuple[Decimal, Decimal | None, Decimal] | None:
    """(value, target, measure) when the condition holds, else None."""
    cond, grain = rule.spec.condition, rule.spec.grain
    value = _value_at(series, day) if grain is AlertGrain.day else _mtd(rule, series, day)
    if value is None:
        return None
    if cond.kind == "pace_below":
        measure = _pace(rule.metric, value, target, day, grain)
    elif cond.kind == "change_below":
        before = _value_at(series, day - timedelta(days=7))
        measure = value / before - 1 if before else None
    else:
        measure = value
    if measure is None or not cond.fires(measure):
        return None
    return value, target if cond.kind == "pace_below" else None, measure


def _value_at(series: Series, day: date) -> Decimal | None:
    row = series.get(day)
    return None if row is None else row[2]


def _mtd(rule: Rule, series: Series, day: date) -> Decimal | None:
    """Month to date: Σ numerator, or Σ numerator ÷ Σ denominator for a ratio or mean."""
    rows = [r for d, r in series.items() if d.month == day.month and d <= day]
    nums = [r[0] for r in rows if r[0] is not None]
    if not nums:
        return None
    if rule.metric.denominator is None:
        return sum(nums, Decimal(0))
    den = sum((r[1] for r in rows if r[0] is not None and r[1] is not None), Decimal(0))
    return sum(nums, Decimal(0)) / den if den else None


def _pace(
    metric: MetricDef, actual: Decimal, target: Decimal | None, day: date, grain: AlertGrain
) -> Decimal | None:
    if not target:
        return None
    if metric.kind in TOTAL_KINDS:
        days = month(day.year, day.month).end.day
        share = Decimal(day.day) if grain is AlertGrain.month_to_date else Decimal(1)
        return actual / (target * share / days)
    if metric.direction is Direction.higher_better:
        return actual / target
    return target / actual if actual else None


# Checking: dedupe, inbox, delivery -------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What happened to one firing: ``sent``, ``suppressed`` (quiet period) or ``dry_run``."""

    firing: Firing
    status: str
    alert_id: int | None
    deliveries: tuple[Delivery, ...]


@dataclass(frozen=True)
class CheckReport:
    day: date | None
    outcomes: tuple[Outcome, ...]


def check(
    con: duckdb.DuckDBPyConnection,
    db: AppDB,
    rules: AlertRules,
    at: date,
    sender: Sender,
    *,
    dry_run: bool = False,
) -> CheckReport:
    """Evaluate every rule on the last day with data at or before ``at``; record each new
    firing in the inbox and push it, unless it is inside its quiet period."""
    day = evaluation_day(con, at)
    if day is None:
        return CheckReport(None, ())
    approved = db.approved_targets(f"{day:%Y-%m}")
    firings = evaluate(con, [r for r in rules.rules], day, approved)
    return CheckReport(day, tuple(_handle(f, db, sender, dry_run) for f in firings))


def _handle(f: Firing, db: AppDB, sender: Sender, dry_run: bool) -> Outcome:
    spec = f.rule.spec
    last = db.last_alert(KIND, spec.id, f.subject)
    quiet = timedelta(minutes=spec.quiet_minutes)
    if last is not None and db.clock() - last.raised_at < quiet:
        return Outcome(f, "suppressed", last.id, ())
    if dry_run:
        return Outcome(f, "dry_run", None, ())
    record = db.raise_alert(
        kind=KIND, rule=spec.id, severity=spec.severity.value, shop_id=f.shop_id,
        staff_id=f.entity_id if f.rule.scope.kind is EntityKind.staff else None,
        team=f.team, subject=f.subject, title=f.title[:256],
        detail={"text": f.message(), "metric": f.rule.metric.id, "day": f.day.isoformat(),
                "value": str(f.value), "target": None if f.target is None else str(f.target),
                "measure": str(f.measure), "condition": spec.condition.kind,
                "threshold": str(spec.condition.threshold)},
    )  # fmt: skip
    return Outcome(f, "sent", record.id, tuple(deliver(record, f.rule.channels, sender)))


# Live QA escalations ------------------------------------------------------------------


def escalation_sink(
    db: AppDB,
    root: Path,
    *,
    env: Mapping[str, str] | None = None,
    background: bool = True,
    sender: Sender | None = None,
) -> Callable[..., AlertRecord]:
    """An alert sink for ``LiveQA``: records the alert (as ``AppDB.raise_alert`` does) and
    pushes it to ``escalation_channels`` of ``alerts.yaml``, off the request thread unless
    ``background`` is False. Without the file (or with a broken one) it only records."""
    channels: tuple[ChannelSpec, ...] = ()
    path = root / RULES_FILE
    if path.exists():
        try:
            channels = load_rules(path).escalation_channels
        except ConfigError as exc:
            log.warning("alerts.yaml 有误，升级预警只记入收件箱：%s", exc)
    send = sender or Sender(db, os.environ if env is None else env)
    pool = ThreadPoolExecutor(1, "alert-push") if background and channels else None

    def sink(**fields: Any) -> AlertRecord:
        record = db.raise_alert(**fields)
        if channels and pool is not None:
            pool.submit(deliver, record, channels, send)
        elif channels:
            deliver(record, channels, send)
        return record

    return sink
