"""订单报表 (classic GBK CSV and 千牛 naming) lands in ``orders`` with every quirk handled."""

from __future__ import annotations

from decimal import Decimal

from shopkpi.workspace import Workspace

CLASSIC_HEADER = (
    "订单编号,买家会员名,买家支付宝账号,买家应付货款,买家应付邮费,买家支付积分,总金额,返点积分,"
    "买家实际支付金额,买家实际支付积分,订单状态,买家留言,收货人姓名,收货地址 ,运送方式,联系电话 ,"
    "联系手机,订单创建时间,订单付款时间 ,宝贝标题 ,宝贝种类 ,物流单号 ,物流公司,订单备注,宝贝总数量,"
    "店铺Id,店铺名称,订单关闭原因,卖家服务费,买家服务费,发票抬头,是否手机订单,分阶段订单信息,"
    "特权订金订单id,定金排名,修改后的sku,修改后的收货地址,异常信息,天猫卡券抵扣,集分宝抵扣,是否是O2O交易"
)


def classic_row(
    order_id: str = '="1930679858170647"',
    buyer: str = "tb_小明",
    goods: str = "99.00",
    postage: str = "0.00",
    paid: str = "99.00",
    status: str = '"买家已付款，等待卖家发货"',
    created: str = "2026-11-11 10:00:00",
    paid_at: str = "2026-11-11 10:01:02",
    title: str = "夏季T恤",
    tracking: str = "",
) -> str:
    return (
        f"{order_id},{buyer},zh***@163.com,{goods},{postage},0,{goods},0,{paid},0,{status},,张三,"
        f"浙江省 杭州市 西湖区 文三路1号(310000),快递,'0571-1234,'13800000000,{created},{paid_at},"
        f"{title},1,{tracking},圆通,,1,123,示例店,订单未关闭,0,0,,手机订单,,,,,,,0,0,否"
    )


def test_classic_gbk_csv_with_quirks(ws: Workspace, write_file) -> None:
    text = "\n".join(
        [
            CLASSIC_HEADER,
            classic_row(),
            classic_row(
                order_id="'1930679858170648",
                buyer="t**8",
                goods="￥128.00",
                postage="10元",
                paid="138.00",
                status="交易成功",
                created="2026/11/10 9:05",
                paid_at="2026/11/10 9:06",
                title='"连衣裙，腰带"',
                tracking='="YT123"',
            ),
            "汇总" + "," * 40,
        ]
    )
    path = write_file("ExportOrderList202611160930.csv", text)
    [result] = ws.ingest([path])
    assert (result.status, result.rows_read, result.accepted, result.quarantined) == ("ok", 2, 2, 0)
    rows = ws.warehouse.con.execute(
        "SELECT order_id, buyer_nick, created_at, paid_at, status, goods_amount, postage, paid_amount,"
        " title, tracking_no, biz_date FROM orders ORDER BY order_id"
    ).fetchall()
    first, second = rows
    assert first[0] == "1930679858170647"
    assert str(first[2]) == "2026-11-11 02:00:00"  # 10:00 Beijing time stored as UTC
    assert first[4] == "paid"
    assert second[0] == "1930679858170648"
    assert second[1] == "t**8"
    assert (second[5], second[6], second[7]) == (
        Decimal("128.00"),
        Decimal("10.00"),
        Decimal("138.00"),
    )
    assert second[8] == "连衣裙，腰带"
    assert second[9] == "YT123"
    assert str(second[10]) == "2026-11-10"


def test_qianniu_renamed_columns_utf8_bom(ws: Workspace, write_file) -> None:
    text = (
        "订单编号,买家会员名,买家应付货款,买家应付邮费,买家实付金额,订单状态,订单创建时间,订单付款时间,"
        "发货时间,确认收货时间,确认收货打款金额,商家备注\n"
        '="3000000000000001",buyer1,50.00,0,50.00,交易成功,2026-11-01 08:00:00,2026-11-01 08:01:00,'
        "2026-11-02 10:00:00,2026-11-05 10:00:00,45.00元,VIP\n"
    )
    path = write_file("orders_new.csv", "\ufeff" + text, encoding="utf-8")
    [result] = ws.ingest([path])
    assert result.status == "ok", result.message
    row = ws.warehouse.con.execute(
        "SELECT paid_amount, settled_amount, shipped_at, received_at, seller_memo FROM orders"
    ).fetchall()[0]
    assert row[0] == Decimal("50.00") and row[1] == Decimal("45.00")
    assert str(row[2]) == "2026-11-02 02:00:00" and row[4] == "VIP"


def test_summary_rows_and_pending_cells(ws: Workspace, write_file) -> None:
    """均值/汇总值 rows are not data; a 延迟统计 cell is pending (NULL), not 0 and not an error."""
    header = "订单编号,买家会员名,买家实付金额,订单状态,订单创建时间,买家应付邮费,退款金额"
    text = "\n".join(
        [
            header,
            '="5000000000000001",b1,10.00,交易成功,2026-11-01 08:00:00,0,延迟统计',
            '="5000000000000002",b2,20.00,交易成功,2026-11-01 09:00:00,0,无退款申请',
            "汇总值,,30.00,,,0,",
            ",均值,15.00,,,0,",
        ]
    )
    [result] = ws.ingest([write_file("orders.csv", text)])
    assert (result.rows_read, result.accepted, result.quarantined) == (2, 2, 0)
    refunds = ws.warehouse.con.execute(
        "SELECT order_id, refund_amount FROM orders ORDER BY order_id"
    ).fetchall()
    assert refunds == [("5000000000000001", None), ("5000000000000002", Decimal("0.00"))]
