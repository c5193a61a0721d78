"""Refunds: before shipping, returns after receipt, partial compensation, and withdrawn requests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from shopkpi.demo.calendar import is_peak
from shopkpi.demo.model import Order, OrderLine, Refund
from shopkpi.demo.orders import Ids
from shopkpi.demo.rand import Rng, cents, chance, pick, span

BEFORE_SHIPPING = ("不想要了", "拍错/多拍", "未按约定时间发货", "地址填错了")
RETURN = ("尺码不合适", "质量问题", "7天无理由退换货", "颜色/图案/款式与商品描述不符")
PARTIAL = ("少件/漏发", "质量问题", "协商一致退款")
NOTES = {
    "不想要了": "不想要了，麻烦尽快退款",
    "拍错/多拍": "拍错颜色了，重新拍",
    "未按约定时间发货": "说好48小时发货一直不发",
    "地址填错了": "地址填错了，重新下单",
    "尺码不合适": "偏大了，退货",
    "质量问题": "有线头，还有点脱线",
    "7天无理由退换货": "不太喜欢",
    "颜色/图案/款式与商品描述不符": "颜色和图片差别太大",
    "少件/漏发": "少发了一件",
    "协商一致退款": "客服同意补偿",
}
ANGRY_REASONS = frozenset({"未按约定时间发货", "质量问题", "少件/漏发"})


def refunds_for(rng: Rng, ids: Ids, order: Order) -> list[Refund]:
    """Decide whether a paid order is refunded, and update the order's life to match."""
    if order.paid_at is None or order.shipped_at is None:
        return []
    roll = rng.random() * (1.4 if is_peak(order.created_at.date()) else 1.0)
    if roll < 0.03:
        return _before_shipping(rng, ids, order)
    if roll < 0.07:
        return _returned(rng, ids, order)
    if roll < 0.10:
        return [_partial(rng, ids, order)]
    return []


def _before_shipping(rng: Rng, ids: Ids, order: Order) -> list[Refund]:
    assert order.paid_at is not None and order.shipped_at is not None
    window = (order.shipped_at - order.paid_at).total_seconds()
    asked = order.paid_at + span(seconds=rng.uniform(0.05, 0.9) * window)
    done = asked + span(minutes=rng.uniform(3, 600))
    reason = pick(rng, BEFORE_SHIPPING)
    refunds = [
        _refund(ids, order, line, asked, done, line.paid, True, False, reason)
        for line in order.lines
    ]
    order.shipped_at = order.confirmed_at = None
    order.tracking_no = order.carrier = ""
    order.closed_at, order.close_reason = done, "退款"
    return refunds


def _returned(rng: Rng, ids: Ids, order: Order) -> list[Refund]:
    assert order.shipped_at is not None and order.confirmed_at is not None
    asked = order.shipped_at + span(hours=rng.uniform(30, 150))
    done = asked + span(hours=rng.uniform(48, 160))
    reason = pick(rng, RETURN)
    success = chance(rng, 0.85)  # the rest are withdrawn after the agent's help (退货挽回)
    refunds = [
        _refund(ids, order, line, asked, done, line.paid, success, True, reason)
        for line in order.lines
    ]
    if asked >= order.confirmed_at:
        return refunds  # after 交易成功 the order keeps its status; the refund is 售后
    if success:
        order.closed_at, order.close_reason, order.confirmed_at = done, "退款", None
    else:
        order.confirmed_at = max(order.confirmed_at, done + span(hours=rng.uniform(1, 48)))
    return refunds


def _partial(rng: Rng, ids: Ids, order: Order) -> Refund:
    assert order.shipped_at is not None
    line = pick(rng, order.lines)
    asked = order.shipped_at + span(hours=rng.uniform(30, 300))
    done = asked + span(hours=rng.uniform(1, 48))
    reason = pick(rng, PARTIAL)
    whole_line = len(order.lines) > 1 and reason == "少件/漏发"
    amount = (
        line.paid if whole_line else min(line.paid, cents(Decimal(pick(rng, (5, 10, 15, 20, 30)))))
    )
    if not whole_line and amount == line.payable - line.paid:
        amount -= Decimal("1.00")  # 应付 − 实付 = 退款 would read as a netted discount
    return _refund(ids, order, line, asked, done, amount, True, False, reason)


def _refund(
    ids: Ids,
    order: Order,
    line: OrderLine,
    asked: dt.datetime,
    done: dt.datetime,
    amount: Decimal,
    success: bool,
    need_return: bool,
    reason: str,
) -> Refund:
    after_sale = order.confirmed_at is not None and asked >= order.confirmed_at
    if success:
        line.refund += amount
    return Refund(
        refund_id=ids.unique(18, first="1"),
        order=order,
        line=line,
        requested_at=asked,
        finished_at=done,
        amount=amount,
        success=success,
        need_return=need_return,
        after_sale=after_sale,
        reason=reason,
        note=NOTES[reason],
    )
