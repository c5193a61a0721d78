"""What the demo shop looks like from the outside: its options and what it wrote."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from shopkpi.errors import ShopkpiError

SHOP_ID = "demo"
SHOP_NAME = "示例旗舰店"
SELLER_ID = "2206731234567"  # 生意参谋 sellerId; the numeric shop id in every export
COMPANY = "杭州示例服饰有限公司"
DEFAULT_END = dt.date(2026, 11, 22)  # fixed, so that output never depends on the wall clock
MIN_STAFF = 3  # one supervisor, one pre-sale and one after-sale agent


class DemoError(ShopkpiError):
    """Demo options that cannot produce a shop."""


@dataclass(frozen=True)
class DemoOptions:
    """How big and how long the demo shop is.

    Attributes:
        staff: customer-service headcount, supervisors included.
        days: length of the history, ending on ``end`` (inclusive).
        scale: multiplies buyer traffic (chats and orders), not headcount.
        seed: the only source of randomness.
        end: the last day of history (Beijing time).
    """

    staff: int = 20
    days: int = 56
    scale: float = 1.0
    seed: int = 42
    end: dt.date = DEFAULT_END

    def __post_init__(self) -> None:
        if self.staff < MIN_STAFF:
            raise DemoError(f"--staff 至少为 {MIN_STAFF}（主管、售前、售后各一人）")
        if self.days < 1:
            raise DemoError("--days 至少为 1")
        if not 0 < self.scale <= 50:
            raise DemoError("--scale 必须大于 0 且不超过 50")

    @property
    def start(self) -> dt.date:
        return self.end - dt.timedelta(days=self.days - 1)


@dataclass(frozen=True)
class DemoFile:
    """One export file the demo wrote (``kind`` is the Chinese format name)."""

    kind: str
    path: Path
    rows: int


@dataclass(frozen=True)
class DemoStats:
    """What the generated history holds, before any import."""

    staff: int = 0
    products: int = 0
    buyers: int = 0
    orders: int = 0
    order_lines: int = 0
    silent_orders: int = 0
    unpaid_orders: int = 0
    refunds: int = 0
    sessions: int = 0
    messages: int = 0
    evaluations: int = 0


@dataclass(frozen=True)
class DemoFiles:
    """The files :func:`shopkpi.demo.generate_demo` wrote, in writing order."""

    folder: Path
    files: tuple[DemoFile, ...] = ()
    stats: DemoStats = field(default_factory=DemoStats)
    ratings: DemoFile | None = None  # 主管评分, outside the inbox (it goes to the app DB)
    planted: str = ""  # the planted causes as JSON (demo/planted.py), for planted.json

    def by_kind(self, kind: str) -> list[DemoFile]:
        return [f for f in self.files if f.kind == kind]
