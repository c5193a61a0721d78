"""The demo shop's 生意参谋 traffic export: day × channel × category, with the planted drop.

Buyers, sub-orders and paid amounts come from the simulated orders (each paid order's
lines of one category are credited to one channel, drawn by the channel's share), so the
traffic export agrees with the order exports in magnitude. Visitors follow from each
channel's typical conversion rate, page views from a few pages per visitor.

The planted drop (:mod:`shopkpi.demo.planted`): from its first day on, the channel keeps
only 40 % of its visitors in the category, and of the orders it would have brought only
the share those visitors make (the buyers who did not come are missing from the export,
as in a real drop; the order exports are left as simulated).

Draws come from a generator of their own (seeded from the demo seed), so the rest of the
demo stays byte-identical whether or not this file is written.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from shopkpi.demo.history import ShopHistory
from shopkpi.demo.model import ZERO, Order
from shopkpi.demo.planted import DROP_CHANNEL, DROP_KEPT, TrafficDrop, drop_days
from shopkpi.demo.writers.cells import Cell, money, write_csv

SEED_OFFSET = 0x7A11F1C  # traffic draws: random.Random(seed + SEED_OFFSET)

# channel, share of paying buyers, typical payment conversion of its visitors
CHANNELS: tuple[tuple[str, float, float], ...] = (
    ("手淘搜索", 0.36, 0.045),
    ("直通车", 0.22, 0.030),
    ("首页推荐", 0.18, 0.015),
    ("购物车", 0.14, 0.080),
    ("站外", 0.10, 0.010),
)
HEADER = (
    "统计日期", "流量来源", "商品类目", "访客数", "浏览量", "支付买家数", "支付转化率", "支付金额",
    "支付子订单数",
)  # fmt: skip


@dataclass(frozen=True)
class TrafficRow:
    day: dt.date
    channel: str
    category: str
    visitors: int
    page_views: int
    buyers: int
    orders: int  # paid sub-orders (lines)
    paid: Decimal


def planted_drop(history: ShopHistory) -> TrafficDrop | None:
    """The drop this history plants: 直通车 in the best-selling category, or None."""
    first = drop_days(history.options)
    if first is None:
        return None
    sales: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for order in history.orders:
        if order.paid_at is not None:
            for line in order.lines:
                sales[line.product.category] += line.paid
    categories = sorted({p.category for p in history.products})
    category = max(categories, key=lambda c: (sales[c], c))
    return TrafficDrop(DROP_CHANNEL, category, first, DROP_KEPT)


def traffic_rows(history: ShopHistory, drop: TrafficDrop | None) -> list[TrafficRow]:
    """Every day × channel × category of the history, in that order."""
    opts = history.options
    rng = random.Random(opts.seed + SEED_OFFSET)
    categories = sorted({p.category for p in history.products})
    paid: dict[tuple[dt.date, str], list[Order]] = defaultdict(list)
    for order in history.orders:
        if order.paid_at is not None and opts.start <= order.paid_at.date() <= opts.end:
            for category in sorted({line.product.category for line in order.lines}):
                paid[(order.paid_at.date(), category)].append(order)
    names = [c for c, _, _ in CHANNELS]
    shares = [s for _, s, _ in CHANNELS]
    # Orders go to channels first; visitors then follow a smooth level per channel ×
    # category (its average (orders + 0.6) ÷ conversion over the history) moved by the
    # day's shop-wide order volume (weekdays, 双11) and a little noise — real traffic is
    # much steadier than the few orders of one cell, which is what makes a planted drop
    # stand out from day-to-day noise.
    assigned: dict[tuple[dt.date, str, str], list[Order]] = {}
    for day in history.days:
        for category in categories:
            by_channel: dict[str, list[Order]] = defaultdict(list)
            for order in sorted(paid[(day, category)], key=lambda o: o.order_id):
                by_channel[rng.choices(names, shares)[0]].append(order)
            for channel, _, _ in CHANNELS:
                assigned[(day, channel, category)] = by_channel[channel]
    days = list(history.days)
    per_day = {d: sum(len(paid[(d, c)]) for c in categories) for d in days}
    mean_day = sum(per_day.values()) / len(days) if days else 0.0
    level = {
        (channel, category): sum(len(assigned[(d, channel, category)]) + 0.6 for d in days)
        / len(days)
        / rate
        for channel, _, rate in CHANNELS
        for category in categories
    }
    rows: list[TrafficRow] = []
    for day in days:
        factor = per_day[day] / mean_day if mean_day else 1.0
        for category in categories:
            for channel, _, _ in CHANNELS:
                orders = assigned[(day, channel, category)]
                visitors = round(level[(channel, category)] * factor * rng.uniform(0.93, 1.07))
                if (
                    drop
                    and (channel, category) == (drop.channel, drop.category)
                    and day >= drop.first_day
                ):
                    visitors = round(visitors * drop.kept)
                    orders = [o for o in orders if rng.random() < drop.kept]
                visitors = max(visitors, len(orders))
                lines = [
                    line for o in orders for line in o.lines if line.product.category == category
                ]
                rows.append(
                    TrafficRow(
                        day,
                        channel,
                        category,
                        visitors,
                        round(visitors * rng.uniform(1.8, 3.0)),
                        len({o.buyer.nick for o in orders}),
                        len(lines),
                        sum((line.paid for line in lines), ZERO),
                    )
                )
    return rows


def write(folder: Path, history: ShopHistory, drop: TrafficDrop | None) -> tuple[Path, int]:
    """``流量来源_<start>-<end>.csv`` (GBK), with the 汇总 line 生意参谋 puts under each day."""
    opts = history.options
    path = folder / f"流量来源_{opts.start:%Y%m%d}-{opts.end:%Y%m%d}.csv"
    rows = traffic_rows(history, drop)
    cells: list[list[Cell]] = []
    for day in history.days:
        today = [r for r in rows if r.day == day]
        cells += [_cells(r) for r in today]
        total = TrafficRow(
            day,
            "汇总",
            "",
            sum(r.visitors for r in today),
            sum(r.page_views for r in today),
            sum(r.buyers for r in today),
            sum(r.orders for r in today),
            sum((r.paid for r in today), ZERO),
        )
        cells.append(_cells(total))
    write_csv(path, HEADER, cells)
    return path, len(rows)


def _cells(r: TrafficRow) -> list[Cell]:
    rate = f"{100 * r.buyers / r.visitors:.2f}%" if r.visitors else "0.00%"
    return [
        r.day.isoformat(), r.channel, r.category, str(r.visitors), str(r.page_views),
        str(r.buyers), rate, money(r.paid), str(r.orders),
    ]  # fmt: skip
