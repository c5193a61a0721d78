"""Line-level 销售明细 ``ExportItemList<yyyyMMddHHmm>.csv`` (FIELD.md §1.2): one row per 子订单.

The 千牛 workbook's 销售明细 sheet carries the same typed rows (see ``qianniu_workbook``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from shopkpi.demo.history import ShopHistory
from shopkpi.demo.model import ZERO, Order, OrderLine, Refund
from shopkpi.demo.snapshot import (
    OrderState,
    line_refund_status,
    line_status,
    order_state,
    refunds_by_order,
)
from shopkpi.demo.writers.cells import Id, Value, csv_cell, write_csv

HEADER = (
    "子订单编号", "主订单编号", "商品标题", "商品价格", "购买数量", "外部系统编号", "商品属性", "套餐信息",
    "订单状态", "商家编码", "买家应付货款", "买家实付金额", "退款状态", "退款金额", "订单创建时间",
    "订单付款时间", "商品ID", "商家备注", "物流单号", "物流公司",
)  # fmt: skip
NO_REFUND_AMOUNT = "无退款申请"


def file_name(at: dt.datetime) -> str:
    return f"ExportItemList{at:%Y%m%d%H%M}.csv"


def write(folder: Path, history: ShopHistory, at: dt.datetime) -> tuple[Path, int]:
    path = folder / file_name(at)
    rows = ([csv_cell(v) for v in row] for row in rows_at(history, at))
    return path, write_csv(path, HEADER, rows)


def rows_at(history: ShopHistory, at: dt.datetime) -> list[list[Value]]:
    """One typed row per line of every order created by ``at``, as of ``at``."""
    refunds = refunds_by_order(history.refunds)
    rows: list[list[Value]] = []
    for order in history.orders:
        if order.created_at > at:
            continue
        mine = refunds.get(order.order_id, [])
        state = order_state(order, mine, at)
        rows += [_row(order, line, state, mine, at) for line in order.lines]
    return rows


def _row(
    order: Order, line: OrderLine, state: OrderState, refunds: list[Refund], at: dt.datetime
) -> list[Value]:
    asked = [r for r in refunds if r.line is line and r.requested_at <= at]
    refund: Value = sum((r.amount for r in asked), ZERO) if asked else NO_REFUND_AMOUNT
    return [
        Id(line.line_id), Id(order.order_id), line.product.title, line.shown_price, line.qty, "",
        line.sku.props, "", line_status(line, state, refunds, at), line.sku.outer_id, line.payable,
        line.paid if state.paid else ZERO, line_refund_status(line, refunds, at), refund,
        order.created_at, order.paid_at if state.paid else None, line.product.item_id, order.memo,
        order.tracking_no if state.shipped else "", order.carrier if state.shipped else "",
    ]  # fmt: skip
