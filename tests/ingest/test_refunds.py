"""退款报表 lands in ``refund``: kind, stage and status normalised, unknown statuses quarantined."""

from __future__ import annotations

from decimal import Decimal

from shopkpi.workspace import Workspace

CLASSIC_HEADER = (
    "退款编号,订单编号,支付宝交易号,订单付款时间,商品编码,退款完结时间,买家实际支付金额,宝贝标题,"
    "买家退款金额,手工退款/系统退款,是否需要退货,退款的申请时间,退款状态,货物状态,发货物流信息,"
    "客服介入状态,卖家真实姓名,买家退款原因,买家退款说明,部分退款/全部退款,售中或售后"
)


def _row(
    refund_id: str,
    order_id: str,
    amount: str,
    need_return: str,
    requested: str,
    status: str,
    stage: str,
    finished: str = "",
) -> str:
    return (
        f"{refund_id},{order_id},2026111122001,2026-11-11 10:01:00,'600001,{finished},￥99.00,"
        f"夏季T恤,{amount},系统退款,{need_return},{requested},{status},买家已收到货,,"
        f"无介入,张三,尺码不合适,买大了,全部退款,{stage}"
    )


def _refunds(ws: Workspace) -> list[tuple[object, ...]]:
    return ws.warehouse.con.execute(
        "SELECT refund_id, order_id, item_id, amount, order_paid_amount, kind, status, stage,"
        " need_return, reason, CAST(requested_at AS VARCHAR), CAST(finished_at AS VARCHAR),"
        " CAST(biz_date AS VARCHAR), handled_by FROM refund ORDER BY refund_id"
    ).fetchall()


def test_classic_refund_report_gbk(ws: Workspace, write_file) -> None:
    text = "\n".join(
        [
            CLASSIC_HEADER,
            _row(
                '="R1001"',
                '="1930679858170647"',
                "99.00",
                "是",
                "2026-11-12 09:00:00",
                "退款成功",
                "售后退款",
                "2026-11-14 18:00:00",
            ),
            _row(
                "R1002",
                "'1930679858170648",
                "30元",
                "否",
                "2026/11/12 9:30",
                "买家已经申请退款，等待卖家同意",
                "售中退款",
            ),
            _row(
                "R1003",
                '="1930679858170649"',
                "10.00",
                "否",
                "2026-11-12 10:00:00",
                "退款审核中",
                "售中退款",
            ),
            _row(
                "R1004", "1.93068E+15", "10.00", "否", "2026-11-12 10:00:00", "退款成功", "售中退款"
            ),
        ]
    )
    path = write_file("退款报表.csv", text)
    [result] = ws.ingest([path])
    assert (result.status, result.adapter) == ("ok", "refund_report"), result.message
    assert (result.accepted, result.quarantined) == (2, 2)
    first, second = _refunds(ws)
    assert first == (
        "R1001",
        "1930679858170647",
        "600001",
        Decimal("99.00"),
        Decimal("99.00"),
        "return_refund",
        "success",
        "after_sale",
        True,
        "尺码不合适",
        "2026-11-12 01:00:00",
        "2026-11-14 10:00:00",
        "2026-11-12",
        None,
    )
    assert second[1] == "1930679858170648"
    assert (second[3], second[5], second[6], second[7]) == (
        Decimal("30.00"),
        "refund_only",
        "requested",
        "in_sale",
    )
    reasons = dict(
        ws.warehouse.con.execute("SELECT column_name, reason FROM quarantine").fetchall()
    )
    assert "退款审核中" in reasons["退款状态"]
    assert "科学计数法" in reasons["订单编号"]


def test_variant_with_refund_type_and_operator(ws: Workspace, write_file) -> None:
    text = "\n".join(
        [
            "退款编号,订单编号,退款类型,业务类型,是否需要退货,买家退款金额,退款状态,退款的申请时间,"
            "退款操作人,售中或售后 ",
            "R2001,9001,仅退款,普通退款,否,5.00,退款成功,2026-11-13 08:00:00,示例旗舰店:小美,售中退款",
            "R2002,9002,,换货,是,0,退款关闭,2026-11-13 08:00:00,,售后退款",
            "R2003,9003,,,是,20.00,卖家已经同意退款，等待买家退货,2026-11-13 08:00:00,,售后",
        ]
    )
    path = write_file("refunds_variant.csv", "\ufeff" + text, encoding="utf-8")
    [result] = ws.ingest([path])
    assert (result.status, result.accepted) == ("ok", 3), result.message
    rows = _refunds(ws)
    assert [(r[0], r[5], r[6], r[7], r[13]) for r in rows] == [
        ("R2001", "refund_only", "success", "in_sale", "示例旗舰店:小美"),
        ("R2002", "exchange", "closed", "after_sale", None),
        ("R2003", "return_refund", "waiting_return", "after_sale", None),
    ]
