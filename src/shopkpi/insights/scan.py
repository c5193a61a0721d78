"""A day's anomalies for every shop, team and staff member, explained.

``shop_anomalies`` reads the daily values in ``metric_value`` and checks ``day`` against
each series' robust baseline (``anomaly``). A GMV anomaly (``shop_sales`` of the shop) also
gets an exact decomposition and root-cause candidates, both against the *baseline days*:
the same weekday in the previous ``weeks`` weeks, promotion days left out, averaged.

- With ``traffic_daily`` rows for the shop: GMV (the export's ``paid_amount``) = 访客数 ×
  转化率 × 客单价, and Adtributor over 渠道 and 类目.
- Without them: GMV (``order_credit`` paid orders' ``sales_amount`` by ``paid_biz_date``) =
  订单数 × 笔单价.
- Always: Adtributor over 团队 and 客服 (``cs_sales`` in ``metric_value``) and over 时段
  (paid orders' shop-local hour in ``order_credit``, when that table exists).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import duckdb

from shopkpi.config.models import WorkspaceConfig
from shopkpi.derive.settings import local_ts
from shopkpi.insights.anomaly import AnomalySettings, DayCheck, check_day
from shopkpi.insights.decompose import Decomposition, Funnel, decompose_gmv, decompose_orders
from shopkpi.insights.explain import explain
from shopkpi.insights.rootcause import Candidate, Observation, adtributor
from shopkpi.metrics.catalog import CATALOG
from shopkpi.metrics.model import MetricDef, MetricKind, Unit
from shopkpi.warehouse.db import has_table

DEFAULT_METRICS = ("shop_sales", "cs_sales", "cs_orders", "avg_response_seconds")
GMV_METRIC = "shop_sales"


@dataclass(frozen=True)
class ShopAnomaly:
    """One anomalous series on ``day``, with its explanation where it is the shop's GMV."""

    shop_id: str
    entity_kind: str
    entity_id: str
    metric_id: str
    check: DayCheck
    decomposition: Decomposition | None = None
    causes: tuple[Candidate, ...] = field(default=())

    @property
    def text(self) -> str:
        name = CATALOG.get_metric(self.metric_id).name
        label = "GMV" if self.decomposition is not None else name
        return explain(label, None, self.check, self.decomposition, self.causes)


Key = tuple[str, str, str, str]  # shop, entity kind, entity id, metric


def _series(
    con: duckdb.DuckDBPyConnection, day: date, lookback_days: int, metrics: tuple[str, ...]
) -> dict[Key, dict[date, Decimal | None]]:
    rows = con.execute(
        """SELECT shop_id, entity_kind, entity_id, metric_id, period_start, value
           FROM metric_value
           WHERE grain = 'day' AND period_start BETWEEN ? AND ?
             AND metric_id IN (SELECT unnest(?::VARCHAR[]))""",
        [day - timedelta(days=lookback_days), day, list(metrics)],
    ).fetchall()
    out: dict[Key, dict[date, Decimal | None]] = defaultdict(dict)
    for shop, kind, entity, metric, d, value in rows:
        out[(str(shop), str(kind), str(entity), str(metric))][d] = value
    return out


def baseline_days(day: date, settings: AnomalySettings) -> list[date]:
    """The same weekday in the previous ``weeks`` weeks, promotion days left out."""
    days = (day - timedelta(weeks=w) for w in range(1, settings.weeks + 1))
    return [d for d in days if not settings.is_promotion(d)]


def shop_anomalies(
    con: duckdb.DuckDBPyConnection,
    config: WorkspaceConfig,
    day: date,
    lookback_days: int = 56,
    settings: AnomalySettings | None = None,
    metrics: tuple[str, ...] = DEFAULT_METRICS,
) -> list[ShopAnomaly]:
    """Every series of ``metrics`` that is anomalous on ``day``, GMV ones explained."""
    s = settings or AnomalySettings()
    found: list[ShopAnomaly] = []
    for (shop, kind, entity, metric), series in sorted(
        _series(con, day, lookback_days, metrics).items()
    ):
        definition = CATALOG.get_metric(metric)
        check = check_day(series, day, s, definition.direction)
        if not check.is_anomaly or _too_small(definition, check):
            continue
        if kind == "shop" and metric == GMV_METRIC:
            base = baseline_days(day, s)
            found.append(
                ShopAnomaly(
                    shop,
                    kind,
                    entity,
                    metric,
                    check,
                    _decompose(con, shop, day, base),
                    tuple(adtributor(_observations(con, config, shop, day, base), _DIMS)),
                )
            )
        else:
            found.append(ShopAnomaly(shop, kind, entity, metric, check))
    return found


_DIMS = ("channel", "category", "team", "staff", "hour")


# Totals whose baseline is below these are too small to call anomalous (an agent who sold
# one order on a usual day and none today is not news).
MIN_BASELINE = {Unit.yuan: 300.0}
MIN_COUNT_BASELINE = 3.0


def _too_small(metric: MetricDef, check: DayCheck) -> bool:
    if metric.kind not in (MetricKind.count, MetricKind.sum):
        return False
    floor = MIN_BASELINE.get(metric.unit, MIN_COUNT_BASELINE)
    return check.baseline is None or abs(check.baseline) < floor


def _mean(values: list[float], n: int) -> float:
    return sum(values) / n if n else 0.0


def _traffic(con: duckdb.DuckDBPyConnection, shop: str, days: list[date]) -> dict[date, Funnel]:
    rows = con.execute(
        """SELECT biz_date, sum(visitors), sum(buyers), sum(paid_amount) FROM traffic_daily
           WHERE shop_id = ? AND biz_date IN (SELECT unnest(?::DATE[])) GROUP BY biz_date""",
        [shop, days],
    ).fetchall()
    return {r[0]: Funnel(int(r[1] or 0), int(r[2] or 0), Decimal(r[3] or 0)) for r in rows}


def _orders(
    con: duckdb.DuckDBPyConnection, shop: str, days: list[date]
) -> dict[date, tuple[int, Decimal]]:
    if not has_table(con, "order_credit"):
        return {}
    rows = con.execute(
        """SELECT paid_biz_date, count(*), sum(sales_amount) FROM order_credit
           WHERE shop_id = ? AND paid AND paid_biz_date IN (SELECT unnest(?::DATE[]))
           GROUP BY paid_biz_date""",
        [shop, days],
    ).fetchall()
    return {r[0]: (int(r[1]), Decimal(r[2] or 0)) for r in rows}


def _decompose(
    con: duckdb.DuckDBPyConnection, shop: str, day: date, base: list[date]
) -> Decomposition | None:
    traffic = _traffic(con, shop, [day, *base])
    n = len(base)
    if traffic and day in traffic and n:
        f = [traffic.get(d, Funnel(0, 0, Decimal(0))) for d in base]
        avg = Funnel(
            _mean([float(x.visitors) for x in f], n),
            _mean([float(x.buyers) for x in f], n),
            (sum((Decimal(x.gmv) for x in f), Decimal(0)) / n).quantize(Decimal("0.01")),
        )
        return decompose_gmv(avg, traffic[day])
    orders = _orders(con, shop, [day, *base])
    if day not in orders or not n:
        return None
    o = [orders.get(d, (0, Decimal(0))) for d in base]
    avg_orders = _mean([float(x[0]) for x in o], n)
    avg_gmv = (sum((x[1] for x in o), Decimal(0)) / n).quantize(Decimal("0.01"))
    return decompose_orders((avg_orders, avg_gmv), orders[day])


def _cells(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[object]
) -> dict[tuple[str, date], float]:
    return {(str(r[0]), r[1]): float(r[2] or 0) for r in con.execute(sql, params).fetchall()}


def _observations(
    con: duckdb.DuckDBPyConnection, config: WorkspaceConfig, shop: str, day: date, base: list[date]
) -> list[Observation]:
    """Forecast (mean over the baseline days) and actual per element of each dimension."""
    days = [day, *base]
    queries: dict[str, tuple[str, list[object]]] = {
        "channel": (
            "SELECT channel, biz_date, sum(paid_amount) FROM traffic_daily WHERE shop_id = ? "
            "AND biz_date IN (SELECT unnest(?::DATE[])) GROUP BY ALL",
            [shop, days],
        ),
        "category": (
            "SELECT category, biz_date, sum(paid_amount) FROM traffic_daily WHERE shop_id = ? "
            "AND biz_date IN (SELECT unnest(?::DATE[])) GROUP BY ALL",
            [shop, days],
        ),
    }
    for kind in ("team", "staff"):
        queries[kind] = (
            "SELECT entity_id, period_start, value FROM metric_value WHERE shop_id = ? "
            "AND grain = 'day' AND entity_kind = ? AND metric_id = 'cs_sales' "
            "AND period_start IN (SELECT unnest(?::DATE[]))",
            [shop, kind, days],
        )
    if has_table(con, "order_credit"):
        hour = f"lpad(CAST(hour({local_ts('paid_at', 'shop_id', config)}) AS VARCHAR), 2, '0')"
        queries["hour"] = (
            f"SELECT {hour} || '时', paid_biz_date, sum(sales_amount) FROM order_credit "
            "WHERE shop_id = ? AND paid AND paid_biz_date IN (SELECT unnest(?::DATE[])) GROUP BY ALL",
            [shop, days],
        )
    rows: list[Observation] = []
    for dim, (sql, params) in queries.items():
        cells = _cells(con, sql, params)
        for element in sorted({e for e, _ in cells}):
            forecast = _mean([cells.get((element, d), 0.0) for d in base], len(base))
            rows.append(Observation({dim: element}, forecast, cells.get((element, day), 0.0)))
    return rows


@dataclass(frozen=True)
class TrafficDrop:
    """Where 访客数 fell most over the last ``window`` days: the channel, then the category
    inside it, each against the same days of the ``weeks`` windows before (promotion days
    left out and the rest scaled up to the window)."""

    shop_id: str
    first: date
    last: date
    channel: str
    channel_actual: int
    channel_expected: float
    category: str | None
    category_actual: int | None
    category_expected: float | None
    share: float | None  # the category's part of the channel's drop

    @property
    def channel_change(self) -> float:
        return self.channel_actual / self.channel_expected - 1 if self.channel_expected else 0.0

    @property
    def category_change(self) -> float | None:
        if self.category_actual is None or not self.category_expected:
            return None
        return self.category_actual / self.category_expected - 1

    @property
    def text(self) -> str:
        span = f"{self.first:%m-%d}–{self.last:%m-%d}"
        text = (
            f"{span} 渠道 {self.channel} 访客数比预期（前几周同期 × 全店当前水平）"
            f"低 {-self.channel_change * 100:.1f}%（{self.channel_actual:,} 对 {self.channel_expected:,.0f}）"
        )
        change = self.category_change
        if self.category and change is not None:
            text += f"，集中在类目 {self.category}（低 {-change * 100:.1f}%"
            shown = self.share is not None and 0 < self.share <= 1
            text += f"，占该渠道下降的 {self.share * 100:.0f}%）" if shown and self.share else "）"
        return text


def traffic_drop(
    con: duckdb.DuckDBPyConnection,
    day: date,
    window: int = 5,
    weeks: int = 2,
    settings: AnomalySettings | None = None,
    min_z: float = 4.0,
    min_drop: float = 0.2,
    promo_halo: int = 3,
) -> TrafficDrop | None:
    """The channel × category whose visitors fell furthest below expectation, with its
    channel as a whole, or None when no cell fell by ``min_drop`` with a Poisson z-score
    ≤ −``min_z``.

    Expected visitors of a cell = the mean over the ``weeks`` windows of ``window`` days just
    before this one, promotion days left out and the remaining days scaled to the window;
    z = (actual − expected) / √expected. The cell with the lowest z is named.
    """
    if not has_table(con, "traffic_daily"):
        return None
    s = settings or AnomalySettings()
    first = day - timedelta(days=window - 1)
    start = first - timedelta(days=window * weeks)
    rows = con.execute(
        """SELECT shop_id, channel, category, biz_date, sum(visitors) FROM traffic_daily
           WHERE biz_date BETWEEN ? AND ? GROUP BY ALL""",
        [start, day],
    ).fetchall()
    if not rows:
        return None
    promo = {
        d
        for d in (start + timedelta(days=i) for i in range((day - start).days + 1))
        if s.is_promotion(d)
    }
    now: dict[tuple[str, str, str], int] = defaultdict(int)
    before: dict[tuple[str, str, str], int] = defaultdict(int)
    before_days = {start + timedelta(days=i) for i in range(window * weeks)} - promo
    for shop, channel, category, d, visitors in rows:
        key = (str(shop), str(channel or ""), str(category or ""))
        if d >= first:
            now[key] += int(visitors or 0)
        elif d in before_days:
            before[key] += int(visitors or 0)
    if not before_days:
        return None
    # Expected = the cell's earlier visitors scaled to the window and to the shop's overall
    # level now (a shop-wide dip after 双11 is not a channel's problem): a channel or
    # category is named only when it fell more than the shop as a whole.
    total_before = sum(before.values()) * window / len(before_days)
    level = sum(now.values()) / total_before if total_before else 1.0
    scale = window / len(before_days) * level

    def pick(keys: set[Any], level: int) -> tuple[tuple[str, ...], int, float] | None:
        agg_now: dict[tuple[str, ...], int] = defaultdict(int)
        agg_exp: dict[tuple[str, ...], float] = defaultdict(float)
        for k, v in now.items():
            agg_now[k[:level]] += v
        for k, v in before.items():
            agg_exp[k[:level]] += v * scale
        best = None
        for k in keys:
            exp = agg_exp.get(k, 0.0)
            if exp <= 0:
                continue
            z = (agg_now.get(k, 0) - exp) / exp**0.5
            if best is None or z < best[0]:
                best = (z, k)
        if best is None:
            return None
        return best[1], agg_now.get(best[1], 0), agg_exp[best[1]]

    # The cell (channel × category) that fell furthest below expectation, in Poisson
    # z-scores; then its channel as a whole for context.
    cells = {k for k in (*now, *before) if k[2]}
    found = pick(cells, 3)
    if found is None:
        return None
    (shop, channel, category), c_actual, c_expected = found
    z = (c_actual - c_expected) / c_expected**0.5
    if z > -min_z or c_actual / c_expected - 1 > -min_drop:
        return None
    whole = pick({(shop, channel)}, 2)
    actual, expected = (whole[1], whole[2]) if whole else (c_actual, c_expected)
    share = (c_expected - c_actual) / (expected - actual) if expected > actual else None
    return TrafficDrop(
        shop, first, day, channel, actual, expected, category, c_actual, c_expected, share
    )


@dataclass(frozen=True)
class TrafficAnomaly:
    """A channel × category cell of the traffic export whose 访客数 is anomalous on ``day``
    (a drop in one channel for one category barely moves the shop's totals, so the cells
    are checked one by one; cells with fewer than ``min_visitors`` a day on average are
    left out as too noisy)."""

    shop_id: str
    channel: str
    category: str
    check: DayCheck

    @property
    def text(self) -> str:
        where = "、".join(x for x in (f"渠道 {self.channel}" if self.channel else "",
                                       f"类目 {self.category}" if self.category else "") if x)  # fmt: skip
        c = self.check
        base = c.baseline or 0.0
        direction = "下降" if c.value < base else "上升"
        change = f" {abs(c.value / base - 1) * 100:.1f}%" if base else ""
        return f"访客数{direction}{change}（当日 {c.value:,.0f}，基线 {base:,.0f}），集中在{where}"


def traffic_anomalies(
    con: duckdb.DuckDBPyConnection,
    day: date,
    lookback_days: int = 56,
    settings: AnomalySettings | None = None,
    min_visitors: int = 20,
) -> list[TrafficAnomaly]:
    """Anomalous 访客数 on ``day`` per shop × channel × category of ``traffic_daily``."""
    if not has_table(con, "traffic_daily"):
        return []
    s = settings or AnomalySettings()
    rows = con.execute(
        """SELECT shop_id, channel, category, biz_date, sum(visitors) FROM traffic_daily
           WHERE biz_date BETWEEN ? AND ? GROUP BY ALL""",
        [day - timedelta(days=lookback_days), day],
    ).fetchall()
    cells: dict[tuple[str, str, str], dict[date, Decimal | None]] = defaultdict(dict)
    for shop, channel, category, d, visitors in rows:
        cells[(str(shop), str(channel or ""), str(category or ""))][d] = Decimal(visitors or 0)
    found = []
    for (shop, channel, category), series in sorted(cells.items()):
        history = [float(v) for d, v in series.items() if d < day and v is not None]
        if not history or sum(history) / len(history) < min_visitors:
            continue
        check = check_day(series, day, s)
        if check.is_anomaly:
            found.append(TrafficAnomaly(shop, channel, category, check))
    return found
