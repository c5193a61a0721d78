"""``shopkpi compute``: derivations, then the metric steps, then ``metric_value``."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from shopkpi.config.models import WorkspaceConfig
from shopkpi.engine import DuckDBEngine, Engine
from shopkpi.engine.base import Step
from shopkpi.errors import ShopkpiError
from shopkpi.metrics.context import MetricContext, date_lit
from shopkpi.metrics.model import Grain
from shopkpi.metrics.periods import Period, covering, parse_period
from shopkpi.metrics.steps import Scope, metric_steps
from shopkpi.metrics.store import write_result
from shopkpi.warehouse.db import Warehouse

# The events whose latest time is the default as_of (as in the derivations).
_EVENTS = (
    ("chat_message", "sent_at"),
    ("orders", "created_at"),
    ("orders", "paid_at"),
    ("refund", "requested_at"),
    ("refund", "finished_at"),
)


class NoData(ShopkpiError):
    """Nothing to compute: the warehouse holds no chats or orders."""


@dataclass(frozen=True)
class ComputeResult:
    """What a compute did: the requested periods, the ``as_of`` used and the row count."""

    as_of: datetime
    periods: tuple[Period, ...]
    rows: int
    derive_seconds: float
    metric_seconds: float


def latest_event(warehouse: Warehouse) -> datetime | None:
    union = " UNION ALL ".join(f"SELECT max({c}) AS t FROM {t}" for t, c in _EVENTS)
    rows = warehouse.con.execute(f"SELECT max(t) FROM ({union}) AS ev").fetchall()
    value = rows[0][0] if rows else None
    return value if isinstance(value, datetime) else None


def utc_naive(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def data_days(warehouse: Warehouse, today: date | None = None) -> tuple[date | None, date | None]:
    """The first and last day with chats, orders or evaluations (the derived tables must
    exist), and with ``today`` also shifts up to today (a roster runs ahead of the data)."""
    shifts = (
        f"UNION ALL SELECT biz_date FROM shift WHERE biz_date <= {date_lit(today)}" if today else ""
    )
    rows = warehouse.con.execute(
        f"""SELECT min(d), max(d) FROM (
             SELECT biz_date AS d FROM inquiry
             UNION ALL SELECT biz_date FROM chat_session
             UNION ALL SELECT biz_date FROM order_credit
             UNION ALL SELECT paid_biz_date FROM order_credit
             UNION ALL SELECT biz_date FROM service_eval
             {shifts}) AS days"""
    ).fetchall()
    first, last = rows[0] if rows else (None, None)
    return (first, last) if isinstance(first, date) and isinstance(last, date) else (None, None)


def build_scope(
    period: str | None, ctx: MetricContext, first: date | None, last: date | None
) -> Scope:
    """The requested period and its days, or (no period) every month, week and day with data."""
    today = ctx.local_today()
    if period is not None:
        p = parse_period(period, ctx.config.week_start)
        return Scope((p,) if p.grain is Grain.day else (p, *p.days()), first, last, today)
    if first is None or last is None:
        raise NoData("仓库里还没有聊天或订单数据；请先用 shopkpi ingest 导入")
    return Scope(tuple(covering(first, last, ctx.config.week_start)), first, last, today)


def compute_metrics(
    warehouse: Warehouse,
    config: WorkspaceConfig,
    period: str | None = None,
    as_of: datetime | None = None,
    *,
    derive: bool = True,
    engine: Engine | None = None,
    progress: Callable[[str, float], None] | None = None,
    root: Path | None = None,
) -> ComputeResult:
    """Rebuild the derived tables (unless ``derive`` is false) and the metric values of the
    period (default: every month with data), judged as of ``as_of`` (default: the latest
    event in the data). ``progress(stage, fraction)``, if given, is told of each step;
    ``root`` is the workspace folder (the shop's own QA rules file lives there)."""
    resolved = utc_naive(as_of) if as_of else latest_event(warehouse)
    if resolved is None:
        raise NoData("仓库里还没有聊天或订单数据；请先用 shopkpi ingest 导入")
    runner = engine or DuckDBEngine(warehouse.con)
    report = progress or _silent
    started = time.perf_counter()
    if derive:
        from shopkpi.derive import derivation_steps

        _run_steps(runner, derivation_steps(config, resolved), "派生", 0.0, 0.4, report)
    derived = time.perf_counter()
    ctx = MetricContext(config, resolved)
    days = data_days(warehouse, ctx.local_today())
    from shopkpi.qa.pipeline import ensure_tables, run_qa

    if derive:  # chat QA (Python analyzers) feeds the quality metrics
        report("质检", 0.4)
        run_qa(warehouse.con, config, days[0], days[1], progress=None, root=root)
    else:
        ensure_tables(warehouse.con)
    scope = build_scope(period, ctx, *days)
    _run_steps(runner, metric_steps(ctx, scope), "指标", 0.5, 0.95, report)
    report("写入 metric_value", 0.95)
    with warehouse.transaction():
        rows = write_result(warehouse.con, resolved)
    requested = (
        scope.periods[:1] if period else tuple(p for p in scope.periods if p.grain is Grain.month)
    )
    return ComputeResult(
        resolved, requested, rows, derived - started, time.perf_counter() - derived
    )


def _run_steps(
    runner: Engine,
    steps: Sequence[Step],
    label: str,
    start: float,
    end: float,
    report: Callable[[str, float], None],
) -> None:
    """Run ``steps`` one by one, reporting each as a share of ``start``..``end``."""
    for i, step in enumerate(steps):
        report(
            f"{label} {step.name}（{i + 1}/{len(steps)}）", start + (end - start) * i / len(steps)
        )
        runner.run([step])


def _silent(stage: str, fraction: float) -> None:
    """No progress reporting."""
