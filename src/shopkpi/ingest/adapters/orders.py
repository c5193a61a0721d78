"""订单报表: the classic ``ExportOrderList*.csv`` and the 千牛 workbook's 订单报表 sheet.

Both land in ``orders``. Old and new column names are aliases of one field
(``买家实际支付金额`` / ``买家实付金额``). See shared FIELD.md §1.1–1.2.
"""

from __future__ import annotations

from shopkpi.ingest.base import Field, FieldKind, TabularAdapter

# 订单状态 → canonical status. Values outside this map quarantine the row.
ORDER_STATUS = {
    "等待买家付款": "waiting_payment",
    "买家已付款，等待卖家发货": "paid",
    "买家已付款,等待卖家发货": "paid",
    "买家已付款": "paid",
    "等待卖家发货": "paid",
    "卖家部分发货": "shipped",
    "卖家已发货，等待买家确认": "shipped",
    "卖家已发货,等待买家确认": "shipped",
    "卖家已发货": "shipped",
    "等待买家确认收货": "shipped",
    "交易成功": "success",
    "交易关闭": "closed",
    "交易自动关闭": "closed",
    "付款以后用户退款成功，交易自动关闭": "closed",
    "付款以前，卖家或买家主动关闭交易": "closed",
    "WAIT_BUYER_PAY": "waiting_payment",
    "WAIT_SELLER_SEND_GOODS": "paid",
    "SELLER_CONSIGNED_PART": "shipped",
    "WAIT_BUYER_CONFIRM_GOODS": "shipped",
    "TRADE_FINISHED": "success",
    "TRADE_CLOSED": "closed",
    "TRADE_CLOSED_BY_TAOBAO": "closed",
}

ORDER_ID_HEADERS = ("订单编号", "主订单编号", "订单号", "订单ID", "order_id")


class OrderReportAdapter(TabularAdapter):
    NAME = "order_report"
    LABEL = "订单报表"
    TABLE = "orders"
    SHEETS = ("订单报表",)
    DATE_FIELD = "created_at"
    FIELDS = (
        Field("order_id", ORDER_ID_HEADERS, FieldKind.id, required=True, not_null=True),
        Field("buyer_nick", ("买家会员名", "买家昵称", "买家会员名称", "buyer_nick")),
        Field(
            "created_at",
            ("订单创建时间", "创建时间", "下单时间", "created_at"),
            FieldKind.ts,
            required=True,
            not_null=True,
        ),
        Field("paid_at", ("订单付款时间", "付款时间", "paid_at"), FieldKind.ts),
        Field("status", ("订单状态", "status"), FieldKind.enum, required=True, values=ORDER_STATUS),
        Field("goods_amount", ("买家应付货款", "应付货款", "goods_amount"), FieldKind.money),
        Field("postage", ("买家应付邮费", "邮费", "postage"), FieldKind.money),
        Field("total_amount", ("总金额", "订单金额", "total_amount"), FieldKind.money),
        Field(
            "paid_amount",
            ("买家实际支付金额", "买家实付金额", "实付金额", "paid_amount"),
            FieldKind.money,
            required=True,
        ),
        Field(
            "settled_amount",
            ("打款商家金额", "确认收货打款金额", "settled_amount"),
            FieldKind.money,
        ),
        Field("refund_amount", ("退款金额", "refund_amount"), FieldKind.money),
        Field("item_count", ("宝贝总数量", "商品总数量", "宝贝数量", "item_count"), FieldKind.int),
        Field("title", ("宝贝标题", "商品标题", "title")),
        Field("shipped_at", ("发货时间", "shipped_at"), FieldKind.ts),
        Field("received_at", ("确认收货时间", "received_at"), FieldKind.ts),
        Field("tracking_no", ("物流单号", "运单号", "tracking_no")),
        Field("logistics_company", ("物流公司", "logistics_company")),
        Field("close_reason", ("订单关闭原因", "关闭原因", "close_reason")),
        Field("channel", ("是否手机订单", "订单来源", "channel")),
        Field("seller_memo", ("订单备注", "商家备注", "卖家备注", "seller_memo")),
    )
    SIGNATURE = ("order_id", "buyer_nick", "created_at", "status", "paid_amount", "postage")
    # Line-level files carry these; they belong to the order-line adapters.
    EXCLUDES = frozenset({"子订单编号", "商品价格", "价格", "购买数量", "退款编号"})
