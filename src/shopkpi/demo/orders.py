"""Orders: baskets, money, and each order's life (paid → shipped → 交易成功, or closed unpaid)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from shopkpi.demo.calendar import is_peak
from shopkpi.demo.model import ZERO, Buyer, Order, OrderLine, Product, Staff
from shopkpi.demo.rand import Rng, cents, chance, delay, digits, pick, span

CARRIERS = (
    ("中通快递", "7", 14),
    ("圆通速递", "YT", 15),
    ("韵达快递", "43", 15),
    ("顺丰速运", "SF", 15),
)
UNPAID_TIMEOUT = dt.timedelta(hours=72)  # 拍下后 72 小时未付款自动关闭
CLOSE_UNPAID = ("买家未付款", "买家未付款", "买家未付款", "买家不想买了", "其他原因")
FREE_SHIPPING_FROM = Decimal("49.00")
BUYER_MESSAGES = ("", "", "", "", "请尽快发货", "不要放驿站，谢谢", "发顺丰", "送人的，不要放发票")


class Ids:
    """Unique 19-digit order/line ids and other platform numbers."""

    def __init__(self, rng: Rng) -> None:
        self.rng = rng
        self._seen: set[str] = set()

    def unique(self, n: int, first: str = "") -> str:
        while True:
            value = digits(self.rng, n, first)
            if value not in self._seen:
                self._seen.add(value)
                return value


class Catalogue:
    """Picks products: by popularity, or towards pricier items for high-price sellers."""

    def __init__(self, products: list[Product]) -> None:
        self.products = products
        self._popularity = [p.popularity for p in products]

    def browse(self, rng: Rng) -> Product:
        return pick(rng, self.products, self._popularity)

    def add_on(self, rng: Rng, upsell: float) -> Product:
        weights = [p.popularity * float(p.price) ** (upsell - 1.0) for p in self.products]
        return pick(rng, self.products, weights)

    def upgrade(self, rng: Rng, product: Product) -> Product:
        pricier = [
            p for p in self.products if p.category == product.category and p.price > product.price
        ]
        return pick(rng, pricier) if pricier else product


def basket(
    rng: Rng, catalogue: Catalogue, first: Product, upsell: float
) -> list[tuple[Product, int]]:
    """The products and quantities a buyer takes; ``upsell`` > 1 means bigger, pricier baskets."""
    if upsell > 1.2 and chance(rng, 0.35):
        first = catalogue.upgrade(rng, first)
    items = [(first, 2 if chance(rng, 0.08 * upsell) else 1)]
    while len(items) < 4 and chance(rng, 0.18 * upsell):
        extra = catalogue.add_on(rng, upsell)
        if all(extra is not p for p, _ in items):
            items.append((extra, 1))
    return items


def new_order(
    rng: Rng,
    ids: Ids,
    buyer: Buyer,
    at: dt.datetime,
    items: list[tuple[Product, int]],
    agent: Staff | None,
) -> Order:
    order_id = ids.unique(19)
    lines = [
        OrderLine(
            order_id if len(items) == 1 else ids.unique(19), product, pick(rng, product.skus), qty
        )
        for product, qty in items
    ]
    goods = sum((line.payable for line in lines), ZERO)
    postage = ZERO if goods >= FREE_SHIPPING_FROM else Decimal("6.00")
    order = Order(
        order_id=order_id,
        buyer=buyer,
        created_at=at,
        lines=lines,
        postage=postage,
        discount=_discount(rng, at.date(), goods),
        agent=agent,
        mobile=chance(rng, 0.88),
        buyer_message=pick(rng, BUYER_MESSAGES),
    )
    _split_payment(order)
    return order


def _discount(rng: Rng, day: dt.date, goods: Decimal) -> Decimal:
    """跨店满减 on peak days (¥50 per ¥300), otherwise an occasional shop coupon."""
    if is_peak(day):
        return Decimal(50 * int(goods // 300)).quantize(Decimal("0.01"))
    if goods >= 100 and chance(rng, 0.15):
        return Decimal(pick(rng, ("5.00", "10.00", "20.00")))
    return ZERO


def _split_payment(order: Order) -> None:
    """Share the discount over the lines by value; the last line takes the rounding."""
    goods = order.goods_amount
    left = order.goods_amount - order.discount
    for line in order.lines[:-1]:
        line.paid = cents(line.payable - order.discount * line.payable / goods)
        left -= line.paid
    order.lines[-1].paid = left


def settle(rng: Rng, order: Order, paid_at: dt.datetime | None) -> None:
    """Set payment, shipping and receipt times (or the unpaid close) from ``paid_at``."""
    if paid_at is None:
        reason = pick(rng, CLOSE_UNPAID)
        wait = UNPAID_TIMEOUT if reason == "买家未付款" else span(minutes=delay(rng, 90, 2, 1400))
        order.closed_at, order.close_reason = order.created_at + wait, reason
        return
    order.paid_at = paid_at
    order.shipped_at = _ship_time(rng, paid_at)
    carrier, prefix, length = pick(rng, CARRIERS)
    order.carrier, order.tracking_no = carrier, prefix + digits(rng, length - len(prefix))
    signed = order.shipped_at + span(hours=rng.uniform(20, 96))
    confirm = signed + span(hours=delay(rng, 60, 0.2, 400))
    order.confirmed_at = min(confirm, order.shipped_at + dt.timedelta(days=10))


def _ship_time(rng: Rng, paid_at: dt.datetime) -> dt.datetime:
    """The warehouse ships in the afternoon; on peak days the backlog takes 1–3 days."""
    day = paid_at.date()
    wait = rng.randint(1, 3) if is_peak(day) else (0 if paid_at.hour < 15 else 1)
    when = dt.datetime.combine(day + dt.timedelta(days=wait), dt.time(15))
    return max(when + span(minutes=rng.randrange(240)), paid_at + dt.timedelta(hours=1))


def payment_delay(rng: Rng) -> dt.timedelta:
    return span(seconds=round(delay(rng, 100, 10, 3000)))
