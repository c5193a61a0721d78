"""退款报表 → ``refund`` (shared FIELD.md §1.4).

- ``kind``: 退款类型 when the file has it (仅退款 / 退货退款 / 换货), else 换货 in 业务类型,
  else 是否需要退货 (是 → return_refund, 否 → refund_only).
- ``stage``: 售中或售后 (售中退款 → in_sale, 售后退款 → after_sale).
- ``status``: 退款状态 normalised; an unknown value quarantines the row.
- ``handled_by``: 退款操作人. The file names no agent otherwise; credit for a refund comes
  through 订单编号 and the order's attribution.
"""

from __future__ import annotations

from shopkpi.ingest.adapters.orders import ORDER_ID_HEADERS
from shopkpi.ingest.adapters.support import ensure_columns
from shopkpi.ingest.adapters.vocab import (
    REFUND_KINDS,
    REFUND_STAGES,
    REFUND_STATUSES,
    RefundKind,
)
from shopkpi.ingest.base import Field, FieldKind, ImportContext, TabularAdapter
from shopkpi.ingest.reader import RawTable


class RefundReportAdapter(TabularAdapter):
    NAME = "refund_report"
    LABEL = "退款报表"
    TABLE = "refund"
    SHEETS = ("退款报表",)
    DATE_FIELD = "requested_at"
    FIELDS = (
        Field(
            "refund_id",
            ("退款编号", "退款单号", "refund_id"),
            FieldKind.id,
            required=True,
            not_null=True,
        ),
        Field("order_id", ORDER_ID_HEADERS, FieldKind.id, required=True, not_null=True),
        Field("line_id", ("子订单编号", "子订单号", "line_id"), FieldKind.id),
        Field("item_id", ("商品ID", "宝贝ID", "商品编码", "item_id"), FieldKind.id),
        Field("title", ("宝贝标题", "商品标题", "title")),
        Field(
            "requested_at",
            ("退款的申请时间", "退款申请时间", "申请时间", "requested_at"),
            FieldKind.ts,
        ),
        Field("finished_at", ("退款完结时间", "退款完成时间", "finished_at"), FieldKind.ts),
        Field(
            "order_paid_amount",
            ("买家实际支付金额", "买家实付金额", "order_paid_amount"),
            FieldKind.money,
        ),
        Field("amount", ("买家退款金额", "退款金额", "amount"), FieldKind.money, required=True),
        Field("refund_type", ("退款类型", "售后类型", "kind"), FieldKind.enum, values=REFUND_KINDS),
        Field("business_type", ("业务类型", "business_type")),
        Field("need_return", ("是否需要退货", "need_return"), FieldKind.bool),
        Field("reason", ("买家退款原因", "退款原因", "reason")),
        Field(
            "status",
            ("退款状态", "status"),
            FieldKind.enum,
            required=True,
            not_null=True,
            values=REFUND_STATUSES,
        ),
        Field("stage", ("售中或售后", "售中/售后", "stage"), FieldKind.enum, values=REFUND_STAGES),
        Field("handled_by", ("退款操作人", "处理人", "handled_by")),
    )
    SIGNATURE = ("refund_id", "order_id", "amount", "status", "requested_at", "need_return")
    EXCLUDES = frozenset({"商品价格", "购买数量"})  # order-line files also carry 退款金额/退款状态

    def prepare(self, ctx: ImportContext, raw: RawTable) -> RawTable:
        return ensure_columns(raw, self.FIELDS)

    def derived_columns(self, ctx: ImportContext) -> dict[str, str]:
        return {
            "kind": f"""coalesce(refund_type,
                CASE WHEN business_type LIKE '%换货%' THEN '{RefundKind.exchange}' END,
                CASE need_return WHEN true THEN '{RefundKind.return_refund}'
                                 WHEN false THEN '{RefundKind.refund_only}' END)"""
        }
