"""A 千牛 xlsx workbook (订单报表 / 销售明细 / 发货报表) imports in one go, sheet by sheet."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import xlsxwriter

from shopkpi.workspace import Workspace

ORDERS = [
    [
        "订单编号",
        "买家会员名",
        "买家应付货款",
        "买家应付邮费",
        "买家实付金额",
        "订单状态",
        "订单创建时间",
        "订单付款时间 ",
        "发货时间",
        "确认收货时间",
        "确认收货打款金额",
        "商家备注",
        "宝贝总数量",
    ],
    [
        "1930679858170647",
        "t**8",
        158.0,
        0.0,
        158.0,
        "交易成功",
        dt.datetime(2026, 11, 11, 10, 0),
        dt.datetime(2026, 11, 11, 10, 1),
        dt.datetime(2026, 11, 12, 9, 0),
        "2026/11/15 20:00",
        "158.00元",
        "VIP",
        2,
    ],
    [
        "1930679858170648",
        "a**1",
        99.0,
        10.0,
        109.0,
        "买家已付款，等待卖家发货",
        "2026/11/11 11:00",
        "2026/11/11 11:02",
        "",
        "",
        "",
        "",
        1,
    ],
]
LINES = [
    [
        "主订单编号",
        "商品标题",
        "商品价格",
        "购买数量",
        "商品属性",
        "订单状态",
        "买家应付货款",
        "买家实付金额",
        "退款状态",
        "退款金额",
        "订单创建时间",
        "商品ID",
    ],
    ["1930679858170647", "连衣裙", 128.0, 1, "尺码:M", "交易成功", 128.0, 128.0, "", "无退款申请",
     dt.datetime(2026, 11, 11, 10, 0), "600001"],
    ["1930679858170647", "腰带", 30.0, 1, "", "交易关闭", 30.0, 30.0, "退款成功", 30.0,
     dt.datetime(2026, 11, 11, 10, 0), "600002"],
    ["1930679858170648", "T恤", 99.0, 1, "", "买家已付款，等待卖家发货", 99.0, 99.0, "", "无退款申请",
     "2026/11/11 11:00", "600003"],
    # An id Excel stored as a number has lost digits: quarantined.
    [1.930679858170649e18, "袜子", 9.9, 1, "", "交易成功", 9.9, 9.9, "", "无退款申请",
     "2026/11/11 11:00", "600004"],
]  # fmt: skip
SHIPMENTS = [
    ["订单编号", "买家会员名", "收货人姓名", "收货地址 ", "联系手机", "物流公司", "物流单号", "发货时间"],
    ["1930679858170647", "t**8", "张三", "浙江省 杭州市 西湖区 文三路1号(310000)", "'13800000000",
     "圆通速递", "YT7512345678901", dt.datetime(2026, 11, 12, 9, 0)],
    ["1930679858170648", "a**1", "李四", "广东省深圳市南山区科技园", "'13900000000", "", "", ""],
]  # fmt: skip


def _workbook(path: Path) -> Path:
    book = xlsxwriter.Workbook(str(path))
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    for name, rows in (("订单报表", ORDERS), ("销售明细", LINES), ("发货报表", SHIPMENTS)):
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.datetime):
                    sheet.write_datetime(r, c, value, stamp)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                else:
                    sheet.write_number(r, c, value)
    book.close()
    return path


def test_qianniu_workbook_imports_every_sheet(ws: Workspace, tmp_path: Path) -> None:
    [result] = ws.ingest([_workbook(tmp_path / "千牛订单导出.xlsx")])
    assert result.status == "ok", result.message
    assert result.adapter == "order_report+sales_detail+shipment_report"
    assert result.tables == {"orders": 2, "order_line": 3, "shipment": 1}
    assert (result.quarantined, result.accepted) == (1, 6)
    con = ws.warehouse.con

    orders = con.execute(
        "SELECT order_id, paid_amount, settled_amount, status, CAST(shipped_at AS VARCHAR),"
        " CAST(received_at AS VARCHAR), seller_memo, item_count FROM orders ORDER BY order_id"
    ).fetchall()
    assert orders == [
        ("1930679858170647", Decimal("158.00"), Decimal("158.00"), "success",
         "2026-11-12 01:00:00", "2026-11-15 12:00:00", "VIP", 2),
        ("1930679858170648", Decimal("109.00"), None, "paid", None, None, None, 1),
    ]  # fmt: skip

    lines = con.execute(
        "SELECT line_id, title, status, refund_status, refund_amount, item_id, biz_date"
        " FROM order_line ORDER BY line_id"
    ).fetchall()
    assert lines == [
        ("1930679858170647-1", "连衣裙", "success", None, Decimal("0.00"), "600001", dt.date(2026, 11, 11)),
        ("1930679858170647-2", "腰带", "closed", "success", Decimal("30.00"), "600002", dt.date(2026, 11, 11)),
        ("1930679858170648-1", "T恤", "paid", None, Decimal("0.00"), "600003", dt.date(2026, 11, 11)),
    ]  # fmt: skip

    shipments = con.execute(
        "SELECT order_id, tracking_no, logistics_company, CAST(shipped_at AS VARCHAR),"
        " receiver_region, biz_date FROM shipment"
    ).fetchall()
    assert shipments == [
        ("1930679858170647", "YT7512345678901", "圆通速递", "2026-11-12 01:00:00", "浙江省 杭州市",
         dt.date(2026, 11, 12)),
    ]  # fmt: skip

    [(sheet, column, reason)] = con.execute(
        "SELECT sheet, column_name, reason FROM quarantine"
    ).fetchall()
    assert (sheet, column) == ("销售明细", "主订单编号") and "科学计数法" in reason


def test_reimporting_the_workbook_changes_nothing(ws: Workspace, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "千牛订单导出.xlsx")
    ws.ingest([path])
    before = ws.table_counts()
    [again] = ws.ingest([path])
    assert again.status == "skipped"
    [forced] = [ws.ingestor.ingest_path(path, force=True)]
    assert (forced.status, forced.overwritten, forced.unchanged) == ("ok", 0, 6)
    assert ws.table_counts()["order_line"] == before["order_line"] == 3
