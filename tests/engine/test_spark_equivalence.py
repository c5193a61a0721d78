"""The same steps on DuckDB (with and without fast paths) and on PySpark give the same rows.

Runs every derivation and metric step on a small demo shop, then a handful of hand-written
steps aimed at the dialect rewrites (engine/spark_sql.py) on rows chosen to expose them:
fractional seconds, spans across midnight, Sundays, NULLs and decimal averages.
Rows are compared sorted; DECIMAL, integer, text, DATE, TIME and TIMESTAMP values must be
equal, DOUBLE values equal to 1e-9 (the engines add floats in different orders).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

import duckdb
import pytest

from shopkpi.config.models import (
    AttributionAnchor,
    AttributionPicker,
    InquiryWindow,
    OutOfHoursRule,
    ServiceHours,
    ServiceWindow,
    ShopConfig,
    TouchRule,
    WorkspaceConfig,
)
from shopkpi.demo.options import DemoOptions
from shopkpi.demo.run import build_demo
from shopkpi.engine import DuckDBEngine, Step
from shopkpi.workspace import Workspace

pytestmark = pytest.mark.spark

DEMO = DemoOptions(staff=4, days=7, scale=0.3)

Rows = list[tuple[object, ...]]
Snapshot = dict[str, tuple[list[str], Rows]]


# --- comparison -----------------------------------------------------------------------------


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | Decimal):
        return "exact"  # DuckDB's HUGEINT sums and Spark's BIGINT sums are both exact
    if isinstance(value, float):
        return "float"
    return type(value).__name__


def _sort_key(row: tuple[object, ...]) -> tuple[tuple[str, str], ...]:
    def one(v: object) -> tuple[str, str]:
        if isinstance(v, float):
            return ("float", "nan" if math.isnan(v) else f"{v:.9e}")
        if isinstance(v, int | Decimal) and not isinstance(v, bool):
            return ("exact", f"{Decimal(v):.6f}".rjust(40))
        return (_kind(v), str(v))

    return tuple(one(v) for v in row)


def _same(a: object, b: object) -> bool:
    if _kind(a) != _kind(b):
        return False
    if isinstance(a, float) and isinstance(b, float):
        return a == b or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def diff_rows(name: str, left: Rows, right: Rows, labels: tuple[str, str]) -> list[str]:
    """Readable differences between two row sets (empty when they are the same)."""
    if len(left) != len(right):
        return [f"{name}: {len(left)} rows on {labels[0]}, {len(right)} on {labels[1]}"]
    problems = []
    for a, b in zip(sorted(left, key=_sort_key), sorted(right, key=_sort_key), strict=True):
        if len(a) != len(b) or not all(_same(x, y) for x, y in zip(a, b, strict=True)):
            problems.append(f"{name}:\n  {labels[0]}: {a!r}\n  {labels[1]}: {b!r}")
            if len(problems) >= 3:
                break
    return problems


def diff_snapshots(left: Snapshot, right: Snapshot, labels: tuple[str, str]) -> list[str]:
    problems = []
    for name, (columns, rows) in left.items():
        other_columns, other_rows = right[name]
        if columns != other_columns:
            problems.append(f"{name}: columns {columns} vs {other_columns}")
            continue
        problems += diff_rows(name, rows, other_rows, labels)
    return problems


def duck_snapshot(con: duckdb.DuckDBPyConnection, steps: Sequence[Step]) -> Snapshot:
    snap: Snapshot = {}
    for step in steps:
        result = con.execute(f"SELECT * FROM {step.name}")
        columns = [d[0] for d in result.description or []]
        snap[step.name] = (columns, result.fetchall())
    return snap


def spark_snapshot(engine: Any, steps: Sequence[Step]) -> Snapshot:
    from shopkpi.engine.spark import arrow_rows

    snap: Snapshot = {}
    for step in steps:
        table = engine.session.table(step.name).toArrow()
        snap[step.name] = (list(table.column_names), arrow_rows(table))
    return snap


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from shopkpi.engine.spark import local_session

    session = local_session(cores=1, app_name="shopkpi-equivalence", small_data=True)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    root = tmp_path_factory.mktemp("spark") / "demo"
    build_demo(root, DEMO)
    ws = Workspace(root)
    # The chat-QA tables come from Python analyzers run inside the DuckDB compute; Spark
    # takes them as inputs, like the canonical tables (engine/spark.py).
    ws.compute()
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def demo_engine(demo_ws: Workspace, spark: Any) -> Any:
    """A SparkEngine holding the demo's canonical tables."""
    from shopkpi.engine.spark import SparkEngine

    engine = SparkEngine(spark)
    loaded = engine.load(demo_ws.warehouse.con)
    assert loaded["chat_message"] > 0 and loaded["orders"] > 0 and loaded["refund"] > 0
    return engine


def all_steps(ws: Workspace, config: WorkspaceConfig, *, metrics: bool = True) -> list[Step]:
    """Every derivation step, then every metric step (as ``shopkpi compute`` runs them)."""
    from shopkpi.derive import derivation_steps
    from shopkpi.metrics.compute import build_scope, data_days, latest_event
    from shopkpi.metrics.context import MetricContext
    from shopkpi.metrics.steps import metric_steps

    as_of = latest_event(ws.warehouse)
    assert as_of is not None
    derive = derivation_steps(config, as_of)
    if not metrics:
        return derive
    DuckDBEngine(ws.warehouse.con).run(derive)  # the metric scope reads the derived days
    ctx = MetricContext(config, as_of)
    scope = build_scope(None, ctx, *data_days(ws.warehouse))
    return derive + metric_steps(ctx, scope)


def assert_identical(ws: Workspace, engine: Any, steps: Sequence[Step]) -> Snapshot:
    """Run ``steps`` on DuckDB with and without fast paths and on Spark; all must agree."""
    con = ws.warehouse.con
    DuckDBEngine(con, use_fast_paths=True).run(steps)
    fast = duck_snapshot(con, steps)
    DuckDBEngine(con, use_fast_paths=False).run(steps)
    portable = duck_snapshot(con, steps)
    assert diff_snapshots(fast, portable, ("fast", "portable")) == []
    engine.run(steps)
    assert diff_snapshots(portable, spark_snapshot(engine, steps), ("duckdb", "spark")) == []
    return portable


# The non-default rules, each built into different SQL by the derive builders.
def _variant(config: WorkspaceConfig, name: str) -> WorkspaceConfig:
    shop = config.shops[0]
    if name == "paid_first_touch_hours":
        hours = ServiceHours(
            windows=[
                ServiceWindow(start=dt.time(9, 0), end=dt.time(12, 0)),
                ServiceWindow(start=dt.time(13, 30), end=dt.time(22, 0)),
            ],
            days_off=[DEMO.end - dt.timedelta(days=2)],
            out_of_hours=OutOfHoursRule.exclude,
        )
        attribution = config.attribution.model_copy(
            update={
                "anchor": AttributionAnchor.order_paid,
                "picker": AttributionPicker.first_touch,
                "window": InquiryWindow.hours,
                "window_hours": 24,
                "touch": TouchRule.reception,
                "deduct_postage": True,
            }
        )
        shops = [shop.model_copy(update={"service_hours": hours})]
    else:  # created_last_touch_other_zone
        attribution = config.attribution.model_copy(
            update={
                "anchor": AttributionAnchor.order_created,
                "deduct_refunds": False,
                "payment_buffer_days": 1,
            }
        )
        other = ShopConfig(id="second", name="第二店", timezone="Asia/Tokyo")
        shops = [shop.model_copy(update={"timezone": "Europe/Berlin"}), other]
    session = config.session.model_copy(update={"idle_minutes": 5, "aftersale_days": 3})
    return config.model_copy(
        update={"attribution": attribution, "shops": shops, "session": session}
    )


# --- the tests ------------------------------------------------------------------------------


def test_demo_steps_identical_on_duckdb_and_spark(demo_ws: Workspace, demo_engine: Any) -> None:
    steps = all_steps(demo_ws, demo_ws.config)
    names = {s.name for s in steps}
    assert {"chat_session", "reply_round", "inquiry", "order_credit", "metric_result"} <= names
    result = assert_identical(demo_ws, demo_engine, steps)
    assert result["metric_result"][1], "the demo should produce metric values"
    assert result["order_credit"][1] and result["reply_round"][1]


@pytest.mark.parametrize("variant", ["paid_first_touch_hours", "created_last_touch_other_zone"])
def test_other_rules_identical_on_duckdb_and_spark(
    demo_ws: Workspace, demo_engine: Any, variant: str
) -> None:
    config = _variant(demo_ws.config, variant)
    result = assert_identical(demo_ws, demo_engine, all_steps(demo_ws, config, metrics=False))
    assert result["order_credit"][1] and result["reply_round"][1]


# Rows that expose each rewrite: fractional seconds, a span across midnight, a Sunday,
# NULLs, decimals whose average is not a short decimal.
PROBE_SQL = """
SELECT * FROM (VALUES
  (1, 'a', TIMESTAMP '2026-11-21 23:59:59.900', TIMESTAMP '2026-11-22 00:00:01.100',
      DATE '2026-11-22', CAST(1.10 AS DECIMAL(18,2)), TIME '08:00:00', '首响'),
  (2, 'a', TIMESTAMP '2026-11-22 16:30:00', TIMESTAMP '2026-11-22 16:40:30.500',
      DATE '2026-11-23', CAST(1.01 AS DECIMAL(18,2)), TIME '12:30:00', NULL),
  (3, 'b', TIMESTAMP '2026-11-23 10:00:00', NULL,
      DATE '2026-11-24', CAST(1.00 AS DECIMAL(18,2)), NULL, 'abc'),
  (4, 'b', TIMESTAMP '2026-11-23 10:00:00.250', TIMESTAMP '2026-11-25 09:00:00',
      NULL, NULL, TIME '23:59:59', '客服中文')
) AS v(id, grp, a, b, d, m, t, s)
"""

PROBE_STEPS = [
    Step(
        "probe_window",
        """SELECT id, grp, a,
                  lag(a) OVER (PARTITION BY grp ORDER BY a) AS prev_a,
                  epoch(a) - epoch(lag(a) OVER (PARTITION BY grp ORDER BY a)) AS gap,
                  row_number() OVER (PARTITION BY grp ORDER BY a DESC) AS rn,
                  sum(m) OVER (PARTITION BY grp) AS grp_m
           FROM probe""",
    ),
    Step(
        "probe_latest_touch",
        """SELECT x.id, y.id AS touch_id, y.a AS touch_at
           FROM probe AS x JOIN probe AS y
             ON y.a <= x.a AND y.a >= x.a - INTERVAL 1 DAY AND y.id <> x.id
           QUALIFY row_number() OVER (PARTITION BY x.id ORDER BY y.a DESC, y.id) = 1""",
    ),
    Step(
        "probe_dates",
        """SELECT id,
                  date_diff('second', a, b) AS d_sec, date_diff('minute', a, b) AS d_min,
                  date_diff('day', a, b) AS d_day, epoch(b) - epoch(a) AS span,
                  epoch(b - a) AS span2, CAST(a AS DATE) AS a_date, d + 1 AS next_day,
                  d - 21 AS window_start, d + INTERVAL 3 DAY AS fcr_end,
                  d - INTERVAL 21 DAY AS window_from, date_trunc('day', a) AS a_day,
                  dayofweek(d) AS dow, isodow(d) AS iso, hour(a) AS h,
                  CAST(a AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai' AS DATE) AS local_day,
                  a AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai' AS local_ts,
                  a + INTERVAL (id * 2) MINUTE AS later,
                  CAST(a AS TIME) AS a_time, t, CAST(a AS TIME) >= t AS after_open,
                  CAST(d AS TIMESTAMP) + INTERVAL 8 HOUR AS opens
           FROM probe""",
    ),
    Step(
        "probe_money",
        """SELECT grp, sum(m) AS total, avg(m) AS mean, sum(m) / count(*) AS per_row,
                  CAST(sum(m) AS DECIMAL(18,2)) AS total2, count(*) AS n,
                  count(*) FILTER (WHERE m > 1) AS over_one, count_if(b IS NULL) AS open,
                  sum(CASE WHEN m IS NULL THEN 1 ELSE 0 END) AS missing,
                  median(id) AS med, quantile_cont(id, 0.9) AS p90,
                  CAST(quantile_disc(id, 0.5) AS DOUBLE) AS p50d,
                  CAST(quantile_disc(id, 0.9) AS DOUBLE) AS p90d, max(a) AS last_a, bool_or(b IS NULL) AS any_open
           FROM probe GROUP BY grp""",
    ),
    Step(
        "probe_text",
        """SELECT id, CASE WHEN s IS NULL THEN 'none' WHEN length(s) > 2 THEN 'long'
                           ELSE 'short' END AS size,
                  coalesce(s, '') || '#' || CAST(id AS VARCHAR) AS label,
                  strlen(s) AS bytes, lower(grp) AS g, s LIKE '%中%' AS has_zh,
                  regexp_matches(coalesce(s, ''), '^[a-z]+$') AS ascii
           FROM probe""",
    ),
]


def test_probe_steps_identical_on_duckdb_and_spark(spark: Any) -> None:
    from shopkpi.engine.spark import SparkEngine

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"CREATE TABLE probe AS {PROBE_SQL}")
    DuckDBEngine(con).run(PROBE_STEPS)
    expected = duck_snapshot(con, PROBE_STEPS)

    engine = SparkEngine(spark)
    engine.load(con, ["probe"])
    engine.run(PROBE_STEPS)
    assert diff_snapshots(expected, spark_snapshot(engine, PROBE_STEPS), ("duckdb", "spark")) == []
    assert engine.rows("SELECT count(*) FROM probe_dates WHERE d_day = 1") == [(1,)]
