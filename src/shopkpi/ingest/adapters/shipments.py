"""发货报表: the 千牛 workbook's shipment sheet (or the same columns as CSV) → ``shipment``.

One row per order and tracking number. Receiver details are personal data: only the
region (province and city) is kept, from 收货地区 / 省份+城市, or the head of 收货地址
(``省 市 区 详细地址(邮编)``). Rows with neither a tracking number nor a ship time are
orders not shipped yet, and are left out.
"""

from __future__ import annotations

from shopkpi.ingest.adapters.orders import ORDER_ID_HEADERS
from shopkpi.ingest.adapters.support import column_of, ensure_columns, filter_rows
from shopkpi.ingest.base import Field, FieldKind, ImportContext, TabularAdapter
from shopkpi.ingest.reader import RawTable

TRACKING_HEADERS = ("物流单号", "运单号", "快递单号", "tracking_no")
SHIPPED_HEADERS = ("发货时间", "shipped_at")

# The first two words of a spaced address, else the leading 省/自治区/市 of an unspaced one.
_REGION_FROM_ADDRESS = r"""CASE
    WHEN regexp_matches(address, '^\S+\s+\S+') THEN regexp_extract(address, '^(\S+\s+\S+)', 1)
    ELSE nullif(regexp_extract(address, '^(.+?(省|自治区|市))', 1), '') END"""


class ShipmentReportAdapter(TabularAdapter):
    NAME = "shipment_report"
    LABEL = "发货报表"
    TABLE = "shipment"
    SHEETS = ("发货报表",)
    DATE_FIELD = "shipped_at"
    FIELDS = (
        Field("order_id", ORDER_ID_HEADERS, FieldKind.id, required=True, not_null=True),
        Field("tracking_no", TRACKING_HEADERS, FieldKind.id, required=True),
        Field("logistics_company", ("物流公司", "快递公司", "logistics_company")),
        Field("shipped_at", SHIPPED_HEADERS, FieldKind.ts, required=True),
        Field("region", ("收货地区", "所在地区", "receiver_region")),
        Field("province", ("收货省份", "省份", "省")),
        Field("city", ("收货城市", "城市", "市")),
        Field("address", ("收货地址", "收货人地址", "详细地址", "address")),
    )
    SIGNATURE = ("order_id", "tracking_no", "logistics_company", "shipped_at")
    # Money columns mean an order report (which also carries 物流单号 and 发货时间).
    EXCLUDES = frozenset(
        {
            "买家应付邮费",
            "买家应付货款",
            "买家实际支付金额",
            "买家实付金额",
            "总金额",
            "商品价格",
            "价格",
            "退款编号",
        }
    )

    def prepare(self, ctx: ImportContext, raw: RawTable) -> RawTable:
        tracking = column_of(raw, TRACKING_HEADERS)
        shipped = column_of(raw, SHIPPED_HEADERS)
        if tracking and shipped:
            raw = filter_rows(ctx, raw, f"NOT (sk_nullish({tracking}) AND sk_nullish({shipped}))")
        return ensure_columns(raw, self.FIELDS)

    def derived_columns(self, ctx: ImportContext) -> dict[str, str]:
        return {
            "receiver_region": (
                "coalesce(region, nullif(concat_ws(' ', province, city), ''),"
                f" {_REGION_FROM_ADDRESS})"
            )
        }
