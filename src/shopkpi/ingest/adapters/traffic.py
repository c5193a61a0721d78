"""生意参谋 traffic exports (流量来源 / 流量看板 / 商品类目 by source) → ``traffic_daily``.

One row per day × channel × category. The exports name the same numbers differently
(统计日期/日期, 流量来源/来源名称/渠道, 商品类目/类目 …); every common alias is accepted, and
a shop whose export differs further can map it with a generic mapping
(``examples/mappings/traffic.yaml``).

- ``channel`` / ``category``: '' when the export does not split by it (the natural key
  ``shop_id, biz_date, channel, category`` then still identifies the row).
- ``buyers``: 支付买家数; an export that only gives 支付转化率 gets round(访客数 × rate).
- ``orders``: 支付子订单数 (else 支付订单数 / 订单数), NULL when absent.
- Numbers may carry thousands separators (``1,234``) and rates percent signs (``3.21%``).
- Summary rows (汇总, 合计, 全部 …) in any of the first columns or in the channel or category
  column are skipped: they would double-count the day.
"""

from __future__ import annotations

from shopkpi.ingest.adapters.support import column_of, ensure_columns, filter_rows
from shopkpi.ingest.base import Field, FieldKind, ImportContext, TabularAdapter
from shopkpi.ingest.reader import SUMMARY_MARKERS, RawTable
from shopkpi.ingest.tabular import q

CHANNEL_HEADERS = ("流量来源", "来源名称", "来源", "渠道", "一级来源", "channel")
CATEGORY_HEADERS = ("商品类目", "类目", "叶子类目", "类目名称", "category")
# A dimension cell that means "all of them": the row repeats the others' sum.
TOTAL_MARKERS = SUMMARY_MARKERS | {"全部", "全部来源", "所有终端", "全店"}


class TrafficAdapter(TabularAdapter):
    NAME = "traffic"
    LABEL = "生意参谋流量"
    TABLE = "traffic_daily"
    SHEETS = ("流量来源", "流量看板", "流量")
    FIELDS = (
        Field(
            "biz_date",
            ("统计日期", "日期", "biz_date"),
            FieldKind.date,
            required=True,
            not_null=True,
        ),
        Field("channel", CHANNEL_HEADERS),
        Field("category", CATEGORY_HEADERS),
        Field("visitors", ("访客数", "UV", "visitors"), FieldKind.int, required=True),
        Field("page_views", ("浏览量", "PV", "page_views"), FieldKind.int),
        Field("buyers", ("支付买家数", "buyers"), FieldKind.int),
        Field("conversion", ("支付转化率", "conversion"), FieldKind.pct),
        Field("paid_amount", ("支付金额", "paid_amount"), FieldKind.money),
        Field("orders", ("支付子订单数", "支付订单数", "订单数", "orders"), FieldKind.int),
    )
    SIGNATURE = ("biz_date", "channel", "visitors", "page_views", "buyers", "paid_amount")
    # The platform's 客服绩效 report and order exports never carry 访客数; chat files neither.
    EXCLUDES = frozenset({"订单编号", "客服", "旺旺", "消息内容"})

    def prepare(self, ctx: ImportContext, raw: RawTable) -> RawTable:
        markers = ", ".join(q(m) for m in sorted(TOTAL_MARKERS))
        dims = [
            c
            for c in (column_of(raw, CHANNEL_HEADERS), column_of(raw, CATEGORY_HEADERS))
            if c is not None
        ]
        if dims:
            keep = " AND ".join(f"coalesce(sk_text({c}), '') NOT IN ({markers})" for c in dims)
            raw = filter_rows(ctx, raw, keep)
        return ensure_columns(raw, self.FIELDS)

    def derived_columns(self, ctx: ImportContext) -> dict[str, str]:
        return {
            "channel": "coalesce(channel, '')",
            "category": "coalesce(category, '')",
            "buyers": "coalesce(buyers, CAST(round(visitors * conversion) AS BIGINT))",
        }
