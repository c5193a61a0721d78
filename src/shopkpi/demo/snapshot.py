"""What an export pulled at time T shows: each order's, line's and refund's status then."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from shopkpi.demo.model import ZERO, Order, OrderLine, Refund

WAITING = "等待买家付款"
PAID = "买家已付款，等待卖家发货"
SHIPPED = "卖家已发货，等待买家确认"
SUCCESS = "交易成功"
CLOSED = "交易关闭"
NOT_CLOSED = "订单未关闭"
NO_REFUND = "没有申请退款"


@dataclass(frozen=True)
class OrderState:
    status: str
    close_reason: str
    paid: bool
    shipped: bool
    confirmed_at: dt.datetime | None
    refunded: Decimal  # successful refunds finished by T
    settled: Decimal | None  # 打款商家金额: paid out to the shop, once final


def order_state(order: Order, refunds: list[Refund], at: dt.datetime) -> OrderState:
    paid = order.paid_at is not None and order.paid_at <= at
    closed = order.closed_at is not None and order.closed_at <= at
    shipped = order.shipped_at is not None and order.shipped_at <= at
    confirmed = order.confirmed_at is not None and order.confirmed_at <= at
    refunded = sum((r.amount for r in refunds if r.success and _done(r, at)), ZERO)
    if not paid:
        status = CLOSED if closed else WAITING
    elif closed:
        status = CLOSED
    elif confirmed:
        status = SUCCESS
    else:
        status = SHIPPED if shipped else PAID
    settled = None
    if status == SUCCESS:
        assert order.confirmed_at is not None
        before = [r for r in refunds if r.success and _done(r, order.confirmed_at)]
        settled = order.paid_amount - sum((r.amount for r in before), ZERO)
    elif status == CLOSED and paid:
        settled = ZERO
    return OrderState(
        status=status,
        close_reason=order.close_reason if status == CLOSED else NOT_CLOSED,
        paid=paid,
        shipped=shipped,
        confirmed_at=order.confirmed_at if confirmed else None,
        refunded=refunded,
        settled=settled,
    )


def line_status(line: OrderLine, order: OrderState, refunds: list[Refund], at: dt.datetime) -> str:
    """A fully refunded line reads 交易关闭 even when the order as a whole succeeded."""
    done = sum((r.amount for r in refunds if r.line is line and r.success and _done(r, at)), ZERO)
    return CLOSED if order.paid and done and done >= line.paid else order.status


def refund_status(refund: Refund, at: dt.datetime) -> str:
    if _done(refund, at):
        return "退款成功" if refund.success else "退款关闭"
    if not refund.need_return:
        return "买家已经申请退款，等待卖家同意"
    assert refund.finished_at is not None
    halfway = refund.requested_at + (refund.finished_at - refund.requested_at) / 2
    return "买家已经退货，等待卖家确认收货" if at >= halfway else "卖家已经同意退款，等待买家退货"


def line_refund_status(line: OrderLine, refunds: list[Refund], at: dt.datetime) -> str:
    mine = [r for r in refunds if r.line is line and r.requested_at <= at]
    return refund_status(mine[-1], at) if mine else NO_REFUND


def refunds_by_order(refunds: list[Refund]) -> dict[str, list[Refund]]:
    grouped: dict[str, list[Refund]] = defaultdict(list)
    for refund in refunds:
        grouped[refund.order.order_id].append(refund)
    return grouped


def _done(refund: Refund, at: dt.datetime) -> bool:
    return refund.finished_at is not None and refund.finished_at <= at
