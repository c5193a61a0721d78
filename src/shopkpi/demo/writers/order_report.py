"""Classic 订单报表 ``ExportOrderList<yyyyMMddHHmm>.csv`` (FIELD.md §1.1): GBK, CRLF, ``="…"`` ids."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from shopkpi.demo.history import ShopHistory
from shopkpi.demo.model import Order
from shopkpi.demo.options import SELLER_ID, SHOP_NAME
from shopkpi.demo.snapshot import OrderState, order_state, refunds_by_order
from shopkpi.demo.writers.cells import Cell, excel_id, money, ts, write_csv

# The classic header, in order, trailing spaces included.
CLASSIC_HEADER = (
    "订单编号", "买家会员名", "买家支付宝账号", "买家应付货款", "买家应付邮费", "买家支付积分", "总金额",
    "返点积分", "买家实际支付金额", "买家实际支付积分", "订单状态", "买家留言", "收货人姓名", "收货地址 ",
    "运送方式", "联系电话 ", "联系手机", "订单创建时间", "订单付款时间 ", "宝贝标题 ", "宝贝种类 ",
    "物流单号 ", "物流公司", "订单备注", "宝贝总数量", "店铺Id", "店铺名称", "订单关闭原因", "卖家服务费",
    "买家服务费", "发票抬头", "是否手机订单", "分阶段订单信息", "特权订金订单id", "定金排名", "修改后的sku",
    "修改后的收货地址", "异常信息", "天猫卡券抵扣", "集分宝抵扣", "是否是O2O交易",
)  # fmt: skip
# Newer exports append these.
NEWER_COLUMNS = ("退款金额", "预约门店", "确认收货时间", "打款商家金额", "是否代付", "是否信用购")


def file_name(at: dt.datetime) -> str:
    return f"ExportOrderList{at:%Y%m%d%H%M}.csv"


def write(folder: Path, history: ShopHistory, at: dt.datetime, newer: bool) -> tuple[Path, int]:
    """Every order created by ``at``, with its status as of ``at``."""
    refunds = refunds_by_order(history.refunds)
    header = CLASSIC_HEADER + (NEWER_COLUMNS if newer else ())
    rows = (
        _row(o, order_state(o, refunds.get(o.order_id, []), at), newer)
        for o in history.orders
        if o.created_at <= at
    )
    path = folder / file_name(at)
    return path, write_csv(path, header, rows)


def _row(order: Order, state: OrderState, newer: bool) -> list[Cell]:
    paid = order.paid_amount if state.paid else None
    row: list[Cell] = [
        excel_id(order.order_id), order.buyer.nick, order.buyer.alipay, money(order.goods_amount),
        money(order.postage), "0", money(order.total), "0", money(paid) or "0.00", "0", state.status,
        order.buyer_message, order.buyer.receiver, order.buyer.address, "快递", "",
        "'" + order.buyer.phone, ts(order.created_at), ts(order.paid_at) if state.paid else "",
        "，".join(line.product.title for line in order.lines), str(len(order.lines)),
        order.tracking_no if state.shipped else "", order.carrier if state.shipped else "",
        order.memo, str(sum(line.qty for line in order.lines)), SELLER_ID, SHOP_NAME,
        state.close_reason, "0", "0", "", "手机订单" if order.mobile else "", "", "", "", "", "", "",
        "0.00", "0.00", "",
    ]  # fmt: skip
    if newer:
        settled = f"{state.settled:.2f}元" if state.settled is not None else ""
        row += [money(state.refunded), "", ts(state.confirmed_at), settled, "否", "否"]
    return row
