"""销售明细 (line-level CSV) and 宝贝报表 land in ``order_line`` with every quirk handled."""

from __future__ import annotations

from decimal import Decimal

from shopkpi.workspace import Workspace

ITEM_HEADER = (
    "子订单编号,主订单编号,商品标题 ,商品价格,购买数量,外部系统编号,商品属性,套餐信息,订单状态,"
    "商家编码,买家应付货款,买家实付金额,退款状态,退款金额,订单创建时间,订单付款时间 ,商品ID,"
    "商家备注,物流单号 ,物流公司"
)


def _lines(ws: Workspace, where: str = "true") -> list[tuple[object, ...]]:
    return ws.warehouse.con.execute(
        "SELECT line_id, order_id, title, price, qty, goods_amount, paid_amount, status,"
        " refund_status, refund_amount, sku, sku_props, item_id, CAST(created_at AS VARCHAR),"
        f" CAST(biz_date AS VARCHAR) FROM order_line WHERE {where} ORDER BY line_id"
    ).fetchall()


def test_line_csv_gbk_with_sub_order_ids(ws: Workspace, write_file) -> None:
    text = "\n".join(
        [
            ITEM_HEADER,
            '="5001",="1930679858170647",夏季T恤,￥99.00,1,OUT1,颜色分类:白色;尺码:L,,'
            "交易成功,SKU-W-L,99.00,99.00,没有申请退款,无退款申请,2026-11-11 10:00:00,"
            "2026-11-11 10:01:00,'600001,,YT1,圆通",
            # 应付 − 实付 = 退款金额: a discount already out of 实付, not a second deduction.
            '="5002",="1930679858170647",短裤,50元,2,OUT2,颜色分类:黑色,,交易成功,SKU-B,'
            "100.00,90.00,退款成功,10.00,2026/11/11 10:00,2026/11/11 10:01,600002,,YT1,圆通",
            # A real refund: 实付 untouched, 退款金额 comes off.
            '="5003",="1930679858170648",袜子,10.00,1,,,,交易关闭,,10.00,10.00,退款成功,10.00,'
            "2026-11-12 09:00:00,2026-11-12 09:01:00,600003,,,",
            # Excel turned the order id into scientific notation: quarantined, never guessed.
            '="5004",1.93068E+15,帽子,20.00,1,,,,交易成功,,20.00,20.00,没有申请退款,0,'
            "2026-11-12 09:00:00,,600004,,,",
            "汇总" + "," * 19,
        ]
    )
    path = write_file("ExportItemlList202611160930.csv", text)
    [result] = ws.ingest([path])
    assert (result.status, result.adapter) == ("ok", "sales_detail"), result.message
    assert (result.rows_read, result.accepted, result.quarantined) == (4, 3, 1)
    first, second, third = _lines(ws)
    assert first == (
        "5001",
        "1930679858170647",
        "夏季T恤",
        Decimal("99.00"),
        1,
        Decimal("99.00"),
        Decimal("99.00"),
        "success",
        "none",
        Decimal("0.00"),
        "SKU-W-L",
        "颜色分类:白色;尺码:L",
        "600001",
        "2026-11-11 02:00:00",
        "2026-11-11",
    )
    assert (second[3], second[4], second[5]) == (Decimal("50.00"), 2, Decimal("100.00"))
    assert (second[8], second[9]) == ("netted", Decimal("10.00"))
    assert (third[7], third[8], third[9]) == ("closed", "success", Decimal("10.00"))
    [(column, reason)] = ws.warehouse.con.execute(
        "SELECT column_name, reason FROM quarantine"
    ).fetchall()
    assert column == "主订单编号" and "科学计数法" in reason


def test_multi_line_orders_without_sub_order_column(ws: Workspace, write_file) -> None:
    header = (
        "主订单编号,商品标题,商品价格,购买数量,商品属性,订单状态,买家应付货款,买家实付金额,"
        "退款状态,退款金额,订单创建时间,订单付款时间,商品ID"
    )
    a = '="7001",连衣裙,128.00,1,尺码:M,交易成功,128.00,128.00,,无退款申请,2026-11-01 08:00:00,,1'
    b = '="7001",腰带,30.00,1,,交易成功,30.00,30.00,,无退款申请,2026-11-01 08:00:00,,2'
    c = '="7002",连衣裙,128.00,1,尺码:S,交易成功,128.00,128.00,,无退款申请,2026-11-02 08:00:00,,1'
    text = "\n".join([header, a, b, a, c])  # the repeated line is an exact duplicate
    path = write_file("sales_detail.csv", "\ufeff" + text, encoding="utf-8")
    [result] = ws.ingest([path])
    assert result.status == "ok", result.message
    assert (result.rows_read, result.duplicates, result.accepted) == (4, 1, 3)
    rows = [(r[0], r[1], r[2]) for r in _lines(ws)]
    assert rows == [
        ("7001-1", "7001", "连衣裙"),
        ("7001-2", "7001", "腰带"),
        ("7002-1", "7002", "连衣裙"),
    ]

    # Re-exported later with the same lines in the same order: the ids are stable.
    newer = "\n".join([header, a, b.replace("交易成功", "交易关闭"), c])
    path2 = write_file("sales_detail_202611200000.csv", newer, encoding="utf-8")
    [again] = ws.ingest([path2])
    assert (again.status, again.overwritten, again.unchanged) == ("ok", 1, 2)
    assert _lines(ws, "line_id = '7001-2'")[0][7] == "closed"


def test_item_report_classic(ws: Workspace, write_file) -> None:
    text = "\n".join(
        [
            "订单编号,标题,价格,购买数量,外部系统编号,商品属性,套餐信息,备注,订单状态,商家编码",
            '="8001",T恤,￥59.00,2,OUT-T,颜色分类:黑色[现货];尺码:XL,,,交易成功,T-BLK-XL',
            '="8001",T恤,59.00,1,OUT-T,颜色分类:白色[预售];尺码:M,,,交易成功,',
            '="8002",礼盒,199.00,1,OUT-G,,双人套餐,,"买家已付款，等待卖家发货",',
            '="8003",手套,15.00,1,,,,,神秘状态,',  # unknown status: quarantined
        ]
    )
    path = write_file("宝贝报表.csv", text)
    [result] = ws.ingest([path])
    assert (result.status, result.adapter) == ("ok", "item_report"), result.message
    assert (result.accepted, result.quarantined) == (3, 1)
    rows = _lines(ws)
    assert [(r[0], r[3], r[4], r[5], r[10], r[11]) for r in rows] == [
        (
            "8001-1",
            Decimal("59.00"),
            2,
            Decimal("118.00"),
            "T-BLK-XL",
            "颜色分类:黑色[现货];尺码:XL",
        ),
        ("8001-2", Decimal("59.00"), 1, Decimal("59.00"), "OUT-T", "颜色分类:白色[预售];尺码:M"),
        ("8002-1", Decimal("199.00"), 1, Decimal("199.00"), "OUT-G", "套餐:双人套餐"),
    ]
    assert rows[2][7] == "paid" and rows[0][14] is None
    [reason] = ws.warehouse.con.execute("SELECT reason FROM quarantine").fetchall()[0]
    assert "订单状态" in reason and "神秘状态" in reason
