"""Order lines: the 千牛 销售明细 (CSV ``ExportItemlList…`` and workbook sheet) and 宝贝报表.

Both land in ``order_line`` (shared FIELD.md §1.2–1.3).

- **Line id.** 子订单编号 when the file has it. Otherwise a multi-item order arrives as
  several rows sharing one 订单编号 (a multi-line order, not a duplicate), and each line
  gets ``<order_id>-<n>``, n counting the order's distinct rows by first appearance.
- **退款金额 netting.** The line keeps 退款金额 as exported (``无退款申请`` = 0). Where
  买家应付货款 − 买家实付金额 equals it (±0.01), the amount is a discount or refund already
  netted out of 实付, so ``refund_status`` becomes ``netted``: the line's net amount is
  ``paid_amount`` as is, and nothing may deduct ``refund_amount`` from it a second time.
  Real refunds (and refund rates) come from the 退款报表 (``refund``).
"""

from __future__ import annotations

from shopkpi.ingest.adapters.orders import ORDER_ID_HEADERS, ORDER_STATUS
from shopkpi.ingest.adapters.support import add_ordinal, column_of, ensure_columns
from shopkpi.ingest.adapters.vocab import REFUND_STATUSES, RefundStatus
from shopkpi.ingest.base import Field, FieldKind, ImportContext, TabularAdapter
from shopkpi.ingest.reader import RawTable

LINE_ID_HEADERS = ("子订单编号", "子订单号", "子订单ID", "sub_order_id", "line_id")
ORDINAL_HEADER = "__行序号"  # added by ``prepare``; never in a real file


class OrderLineAdapter(TabularAdapter):
    """千牛 销售明细: one row per order line, keyed by 子订单编号 or 主订单编号."""

    NAME = "sales_detail"
    LABEL = "销售明细"
    TABLE = "order_line"
    SHEETS = ("销售明细",)
    DATE_FIELD = "created_at"
    FIELDS = (
        Field("line_id", LINE_ID_HEADERS, FieldKind.id),
        Field("order_id", ORDER_ID_HEADERS, FieldKind.id, required=True, not_null=True),
        Field("title", ("商品标题", "标题", "title"), required=True),
        Field("price", ("商品价格", "价格", "单价", "price"), FieldKind.money, required=True),
        Field("qty", ("购买数量", "数量", "qty"), FieldKind.int, required=True),
        Field("item_id", ("商品ID", "宝贝ID", "商品id", "item_id"), FieldKind.id),
        Field("outer_item_id", ("外部系统编号", "outer_iid")),
        Field("sku", ("商家编码", "SKU编码", "sku")),
        Field("sku_props", ("商品属性", "销售属性", "sku_props")),
        Field("package", ("套餐信息", "package")),
        Field("status", ("订单状态", "子订单状态", "status"), FieldKind.enum, values=ORDER_STATUS),
        Field("goods_amount", ("买家应付货款", "应付货款", "goods_amount"), FieldKind.money),
        Field(
            "paid_amount",
            ("买家实付金额", "买家实际支付金额", "实付金额", "paid_amount"),
            FieldKind.money,
        ),
        Field(
            "refund_status",
            ("退款状态", "refund_status"),
            FieldKind.enum,
            values=REFUND_STATUSES,
        ),
        Field("refund_amount", ("退款金额", "refund_amount"), FieldKind.money),
        Field("created_at", ("订单创建时间", "创建时间", "下单时间", "created_at"), FieldKind.ts),
        Field("paid_at", ("订单付款时间", "付款时间", "paid_at"), FieldKind.ts),
        Field("ordinal", (ORDINAL_HEADER,), FieldKind.int),
    )
    SIGNATURE = ("order_id", "title", "price", "qty", "paid_amount", "created_at")
    # Refund reports and order-level reports have their own adapters.
    EXCLUDES = frozenset({"退款编号", "买家应付邮费"})

    def prepare(self, ctx: ImportContext, raw: RawTable) -> RawTable:
        order_col = column_of(raw, ORDER_ID_HEADERS)
        if order_col is not None:
            raw = add_ordinal(ctx, raw, order_col, ORDINAL_HEADER)
        return ensure_columns(raw, self.FIELDS)

    def derived_columns(self, ctx: ImportContext) -> dict[str, str]:
        goods = "coalesce(goods_amount, price * qty)"
        netted = (
            f"refund_amount > 0 AND paid_amount IS NOT NULL"
            f" AND abs({goods} - paid_amount - refund_amount) <= 0.01"
        )
        return {
            "line_id": "coalesce(line_id, order_id || '-' || ordinal)",
            "sku": "coalesce(sku, outer_item_id)",
            "sku_props": "coalesce(sku_props, '套餐:' || package)",
            "goods_amount": goods,
            "refund_status": f"CASE WHEN {netted} THEN '{RefundStatus.netted}' ELSE refund_status END",
        }


class ItemReportAdapter(OrderLineAdapter):
    """Classic 宝贝报表: 订单编号, 标题, 价格, 购买数量, 商品属性 … (no times, no 实付)."""

    NAME = "item_report"
    LABEL = "宝贝报表"
    SHEETS = ("宝贝报表",)
    SIGNATURE = ("order_id", "title", "price", "qty", "sku_props", "status")
    EXCLUDES = OrderLineAdapter.EXCLUDES | {
        "子订单编号",
        "主订单编号",
        "买家实付金额",
        "买家实际支付金额",
        "订单创建时间",
        "商品ID",
    }
