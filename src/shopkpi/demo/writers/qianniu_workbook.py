"""The newer 千牛 order workbook (FIELD.md §1.2): sheets 订单报表, 销售明细 and 发货报表.

Like the platform's server-side exports, every id, date and text is a text cell (dates as
``YYYY-MM-DD HH:MM:SS``, so Excel keeps all digits of 19-digit ids); money and counts are
numbers. The 销售明细 sheet has the same columns as ``ExportItemList…csv``, 子订单编号
included, so its lines share their keys with the CSV's and a later export updates them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from shopkpi.demo.history import ShopHistory
from shopkpi.demo.model import ZERO, Order
from shopkpi.demo.options import SELLER_ID, SHOP_NAME
from shopkpi.demo.snapshot import OrderState, order_state, refunds_by_order
from shopkpi.demo.writers import item_report
from shopkpi.demo.writers.cells import Id, Value, ts
from shopkpi.demo.writers.sheets import FIXED_CREATED

ORDER_SHEET = "订单报表"
LINE_SHEET = "销售明细"
SHIPMENT_SHEET = "发货报表"
# Order level: 买家实付金额 replaces 买家实际支付金额; receiver details moved to 发货报表.
ORDER_HEADER = (
    "订单编号", "买家会员名", "买家支付宝账号", "买家应付货款", "买家应付邮费", "总金额", "买家实付金额",
    "订单状态", "买家留言", "订单创建时间", "订单付款时间", "发货时间", "确认收货时间", "宝贝标题",
    "宝贝种类", "宝贝总数量", "物流单号", "物流公司", "商家备注", "订单关闭原因", "是否手机订单",
    "退款金额", "确认收货打款金额", "店铺Id", "店铺名称",
)  # fmt: skip
SHIPMENT_HEADER = (
    "订单编号", "买家会员名", "收货人姓名", "联系手机", "收货地址", "运送方式", "物流公司", "物流单号",
    "发货时间",
)  # fmt: skip


@dataclass(frozen=True)
class Sheet:
    name: str
    header: Sequence[str]
    rows: list[list[Value]]


def file_name(at: dt.datetime) -> str:
    return f"千牛订单导出_{at:%Y%m%d%H%M}.xlsx"


def write(folder: Path, history: ShopHistory, at: dt.datetime) -> tuple[Path, int]:
    """Every order created by ``at``, as of ``at``; returns the rows of all three sheets."""
    refunds = refunds_by_order(history.refunds)
    states = [
        (o, order_state(o, refunds.get(o.order_id, []), at))
        for o in history.orders
        if o.created_at <= at
    ]
    sheets = [
        Sheet(ORDER_SHEET, ORDER_HEADER, [_order_row(o, s) for o, s in states]),
        Sheet(LINE_SHEET, item_report.HEADER, item_report.rows_at(history, at)),
        Sheet(SHIPMENT_SHEET, SHIPMENT_HEADER, [_shipment_row(o) for o, s in states if s.shipped]),
    ]
    path = folder / file_name(at)
    write_book(path, sheets)
    return path, sum(len(s.rows) for s in sheets)


def _order_row(order: Order, state: OrderState) -> list[Value]:
    shipped = state.shipped
    return [
        Id(order.order_id), order.buyer.nick, order.buyer.alipay, order.goods_amount, order.postage,
        order.total, order.paid_amount if state.paid else ZERO, state.status, order.buyer_message,
        order.created_at, order.paid_at if state.paid else None,
        order.shipped_at if shipped else None, state.confirmed_at,
        "，".join(line.product.title for line in order.lines), len(order.lines),
        sum(line.qty for line in order.lines), order.tracking_no if shipped else "",
        order.carrier if shipped else "", order.memo, state.close_reason,
        "手机订单" if order.mobile else "", state.refunded, state.settled, Id(SELLER_ID), SHOP_NAME,
    ]  # fmt: skip


def _shipment_row(order: Order) -> list[Value]:
    buyer = order.buyer
    return [
        Id(order.order_id), buyer.nick, buyer.receiver, Id(buyer.phone), buyer.address, "快递",
        order.carrier, Id(order.tracking_no), order.shipped_at,
    ]  # fmt: skip


def write_book(path: Path, sheets: Sequence[Sheet]) -> None:
    """Write ``sheets`` into one workbook whose bytes depend on the data only."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"in_memory": True})
    book.set_properties({"created": FIXED_CREATED, "author": "shopkpi demo"})
    money = book.add_format({"num_format": "0.00"})
    for sheet in sheets:
        ws = book.add_worksheet(sheet.name)
        ws.write_row(0, 0, sheet.header)
        for r, row in enumerate(sheet.rows, start=1):
            for c, value in enumerate(row):
                _write_cell(ws, r, c, value, money)
    book.close()


def _write_cell(ws: Any, r: int, c: int, value: Value, money: Any) -> None:
    if value is None or value == "":
        return
    if isinstance(value, Id):
        ws.write_string(r, c, value.text)
    elif isinstance(value, dt.datetime):
        ws.write_string(r, c, ts(value))
    elif isinstance(value, Decimal):
        ws.write_number(r, c, float(value), money)  # xlsx stores doubles; 2 decimals survive
    elif isinstance(value, int):
        ws.write_number(r, c, value)
    else:
        ws.write_string(r, c, value)
