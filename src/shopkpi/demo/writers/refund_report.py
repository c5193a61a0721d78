"""退款报表 (FIELD.md §1.4, plus 售中或售后): one row per refund request, GBK."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from shopkpi.demo.history import ShopHistory
from shopkpi.demo.model import Refund
from shopkpi.demo.options import COMPANY
from shopkpi.demo.snapshot import refund_status
from shopkpi.demo.writers.cells import Cell, money, ts, write_csv

HEADER = (
    "退款编号", "订单编号", "支付宝交易号", "订单付款时间", "商品编码", "退款完结时间", "买家实际支付金额",
    "宝贝标题", "买家退款金额", "手工退款/系统退款", "是否需要退货", "退款的申请时间", "退款状态", "货物状态",
    "发货物流信息", "客服介入状态", "卖家真实姓名", "买家退款原因", "买家退款说明", "部分退款/全部退款",
    "售中或售后",
)  # fmt: skip


def file_name(at: dt.datetime) -> str:
    return f"退款报表{at:%Y%m%d%H%M}.csv"


def write(folder: Path, history: ShopHistory, at: dt.datetime) -> tuple[Path, int]:
    rows = (_row(r, at) for r in history.refunds if r.requested_at <= at)
    path = folder / file_name(at)
    return path, write_csv(path, HEADER, rows)


def alipay_trade_no(refund: Refund) -> str:
    """支付宝交易号: 28 digits, the pay date first."""
    paid = refund.order.paid_at
    assert paid is not None
    return f"{paid:%Y%m%d}22001{refund.order.order_id[-15:]}"


def _row(refund: Refund, at: dt.datetime) -> list[Cell]:
    finished = refund.finished_at if refund.finished_at and refund.finished_at <= at else None
    line = refund.line
    return [
        refund.refund_id, refund.order.order_id, alipay_trade_no(refund), ts(refund.order.paid_at),
        line.product.item_id, ts(finished), money(refund.order.paid_amount), line.product.title,
        money(refund.amount), "手工退款" if refund.need_return else "系统退款",
        "是" if refund.need_return else "否", ts(refund.requested_at), refund_status(refund, at),
        _goods_status(refund), _return_tracking(refund), "客服未介入", COMPANY, refund.reason,
        refund.note, "全部退款" if refund.amount >= line.paid else "部分退款",
        "售后退款" if refund.after_sale else "售中退款",
    ]  # fmt: skip


def _goods_status(refund: Refund) -> str:
    if refund.order.tracking_no == "" and refund.order.shipped_at is None:
        return "买家未收到货"
    return "买家已退货" if refund.need_return else "买家已收到货"


def _return_tracking(refund: Refund) -> str:
    if not refund.need_return:
        return ""
    return f"中通快递:73{refund.refund_id[-12:]}"
