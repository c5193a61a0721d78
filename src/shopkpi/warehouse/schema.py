"""Canonical warehouse tables (DESIGN §4).

Each table lists its natural key. Money is DECIMAL(18,2), ids are VARCHAR, timestamps are
UTC instants (TIMESTAMP without zone, always UTC) and ``biz_date`` is the shop-local date.
Fact tables carry lineage columns so that every number traces back to a file and a row:
``_file_hash`` (the import that wrote the row), ``_row`` (its line in that file) and
``_source_ts`` (the export time that decides which file wins).
"""

from __future__ import annotations

from dataclasses import dataclass

MONEY = "DECIMAL(18,2)"
LINEAGE = (("_file_hash", "VARCHAR"), ("_row", "BIGINT"), ("_source_ts", "TIMESTAMP"))


@dataclass(frozen=True)
class TableDef:
    """A canonical table: its columns (name, SQL type) and natural key."""

    name: str
    columns: tuple[tuple[str, str], ...]
    key: tuple[str, ...]
    lineage: bool = True
    label: str = ""

    @property
    def all_columns(self) -> tuple[tuple[str, str], ...]:
        return self.columns + (LINEAGE if self.lineage else ())

    @property
    def column_names(self) -> list[str]:
        return [c for c, _ in self.columns]

    def ddl(self) -> str:
        cols = ",\n  ".join(f"{c} {t}" for c, t in self.all_columns)
        return f"CREATE TABLE IF NOT EXISTS {self.name} (\n  {cols}\n)"


def _t(
    name: str, label: str, key: tuple[str, ...], *cols: tuple[str, str], lineage: bool = True
) -> TableDef:
    return TableDef(name, tuple(cols), key, lineage, label)


V, TS, D, INT, B = "VARCHAR", "TIMESTAMP", "DATE", "BIGINT", "BOOLEAN"

TABLES: dict[str, TableDef] = {
    t.name: t
    for t in [
        _t(
            "staff",
            "员工",
            ("staff_id",),
            ("staff_id", V),
            ("name", V),
            ("role", V),
            ("level", V),
            ("team", V),
            ("supervisor", V),
            ("hired_on", D),
            ("left_on", D),
            ("base_salary", MONEY),
            ("bonus_base", MONEY),
            ("needs_review", B),
        ),
        _t(
            "staff_account",
            "子账号",
            ("shop_id", "account_nick", "valid_from"),
            ("shop_id", V),
            ("account_nick", V),
            ("valid_from", D),
            ("staff_id", V),
            ("valid_to", D),
        ),
        _t(
            "orders",
            "订单",
            ("shop_id", "order_id"),
            ("shop_id", V),
            ("order_id", V),
            ("buyer_nick", V),
            ("created_at", TS),
            ("paid_at", TS),
            ("status", V),
            ("goods_amount", MONEY),
            ("postage", MONEY),
            ("total_amount", MONEY),
            ("paid_amount", MONEY),
            ("settled_amount", MONEY),
            ("refund_amount", MONEY),
            ("item_count", INT),
            ("title", V),
            ("shipped_at", TS),
            ("received_at", TS),
            ("tracking_no", V),
            ("logistics_company", V),
            ("close_reason", V),
            ("channel", V),
            ("campaign_id", V),
            ("seller_memo", V),
            ("biz_date", D),
        ),
        _t(
            "order_line",
            "订单明细",
            ("shop_id", "line_id"),
            ("shop_id", V),
            ("line_id", V),
            ("order_id", V),
            ("item_id", V),
            ("sku", V),
            ("sku_props", V),
            ("title", V),
            ("price", MONEY),
            ("qty", INT),
            ("goods_amount", MONEY),
            ("paid_amount", MONEY),
            ("status", V),
            ("refund_status", V),
            ("refund_amount", MONEY),
            ("created_at", TS),
            ("paid_at", TS),
            ("biz_date", D),
        ),
        _t(
            "refund",
            "退款",
            ("shop_id", "refund_id"),
            ("shop_id", V),
            ("refund_id", V),
            ("order_id", V),
            ("line_id", V),
            ("item_id", V),
            ("title", V),
            ("requested_at", TS),
            ("finished_at", TS),
            ("order_paid_amount", MONEY),
            ("amount", MONEY),
            ("kind", V),
            ("reason", V),
            ("status", V),
            ("stage", V),
            ("need_return", B),
            ("handled_by", V),
            ("biz_date", D),
        ),
        _t(
            "shipment",
            "发货",
            ("shop_id", "order_id", "tracking_no"),
            ("shop_id", V),
            ("order_id", V),
            ("tracking_no", V),
            ("logistics_company", V),
            ("shipped_at", TS),
            ("receiver_region", V),
            ("biz_date", D),
        ),
        _t(
            "reception_session",
            "接待明细",
            ("shop_id", "data_id"),
            ("shop_id", V),
            ("data_id", V),
            ("buyer_nick", V),
            ("buyer_id", V),
            ("account_nick", V),
            ("staff_id", V),
            ("started_at", TS),
            ("ended_at", TS),
            ("seller_first", B),
            ("unreplied", B),
            ("biz_date", D),
        ),
        _t(
            "chat_message",
            "聊天消息",
            ("shop_id", "message_id"),
            ("shop_id", V),
            ("message_id", V),
            ("session_ref", V),
            ("buyer_nick", V),
            ("account_nick", V),
            ("staff_id", V),
            ("direction", V),
            ("sent_at", TS),
            ("text", V),
            ("reply_to_message_id", V),
            ("biz_date", D),
        ),
        _t(
            "service_eval",
            "服务评价",
            ("shop_id", "eval_id"),
            ("shop_id", V),
            ("eval_id", V),
            ("buyer_nick", V),
            ("account_nick", V),
            ("staff_id", V),
            ("sent_at", TS),
            ("evaluated_at", TS),
            ("score", INT),
            ("source", V),
            ("biz_date", D),
        ),
        # Product reviews (评价管理, issue 7): one row per review; review_id from the export
        # or derived from order_id + reviewed_at. rating: good | neutral | bad.
        _t(
            "review",
            "商品评价",
            ("shop_id", "review_id"),
            ("shop_id", V),
            ("review_id", V),
            ("order_id", V),
            ("buyer_nick", V),
            ("reviewed_at", TS),
            ("rating", V),
            ("score", INT),
            ("content", V),
            ("followup_content", V),
            ("followup_at", TS),
            ("changed_rating", V),
            ("changed_at", TS),
            ("biz_date", D),
        ),
        # 生意参谋 traffic (issue 7): one row per day × channel × category ('' when the
        # export does not split by it).
        _t(
            "traffic_daily",
            "流量",
            ("shop_id", "biz_date", "channel", "category"),
            ("shop_id", V),
            ("biz_date", D),
            ("channel", V),
            ("category", V),
            ("visitors", INT),
            ("page_views", INT),
            ("buyers", INT),
            ("orders", INT),
            ("paid_amount", MONEY),
        ),
        _t(
            "product",
            "商品",
            ("shop_id", "item_id"),
            ("shop_id", V),
            ("item_id", V),
            ("title", V),
            ("category", V),
            ("lifecycle", V),
            ("launched_on", D),
        ),
        _t(
            "inventory_daily",
            "库存",
            ("shop_id", "biz_date", "item_id", "sku"),
            ("shop_id", V),
            ("biz_date", D),
            ("item_id", V),
            ("sku", V),
            ("on_hand", INT),
            ("available", INT),
        ),
        _t(
            "shift",
            "排班",
            ("staff_id", "biz_date", "start_time"),
            ("staff_id", V),
            ("biz_date", D),
            ("start_time", "TIME"),
            ("end_time", "TIME"),
        ),
        _t(
            "target",
            "目标",
            ("entity_kind", "entity_id", "period", "metric_id"),
            ("entity_kind", V),
            ("entity_id", V),
            ("period", V),
            ("metric_id", V),
            ("value", "DECIMAL(18,4)"),
        ),
        _t(
            "external_inquiry",
            "外部询单",
            ("shop_id", "inquiry_id"),
            ("shop_id", V),
            ("inquiry_id", V),
            ("buyer_nick", V),
            ("staff_id", V),
            ("account_nick", V),
            ("channel", V),
            ("created_at", TS),
            ("biz_date", D),
        ),
        # The platform's own 客服绩效 report, one row per agent × metric (reconcile).
        _t(
            "platform_cs_report",
            "平台客服绩效报表",
            ("shop_id", "period_start", "period_end", "rule", "account_nick", "metric_id"),
            ("shop_id", V),
            ("period_start", D),
            ("period_end", D),
            ("rule", V),
            ("account_nick", V),
            ("metric_id", V),
            ("value", "DECIMAL(18,6)"),
            ("pending", B),
            ("raw_value", V),
            ("column_name", V),
            ("report_name", V),
        ),
        # Computed metrics (issue 3): one row per shop × entity × period × metric.
        _t(
            "metric_value",
            "指标值",
            ("shop_id", "entity_kind", "entity_id", "grain", "period", "metric_id"),
            ("shop_id", V),
            ("entity_kind", V),
            ("entity_id", V),
            ("grain", V),
            ("period", V),
            ("period_start", D),
            ("period_end", D),
            ("metric_id", V),
            ("numerator", "DECIMAL(38,6)"),
            ("denominator", "DECIMAL(38,6)"),
            ("value", "DECIMAL(38,6)"),
            ("status", V),
            ("computed_for_as_of", TS),
            lineage=False,
        ),
        # Bookkeeping: what was imported, what was refused, what was overwritten.
        _t(
            "import_log",
            "导入日志",
            ("file_hash",),
            ("file_hash", V),
            ("file_name", V),
            ("adapter", V),
            ("shop_id", V),
            ("encoding", V),
            ("export_ts", TS),
            ("rows_read", INT),
            ("accepted", INT),
            ("quarantined", INT),
            ("duplicates", INT),
            ("stale", INT),
            ("overwritten", INT),
            ("unchanged", INT),
            ("started_at", TS),
            ("finished_at", TS),
            ("status", V),
            ("message", V),
            lineage=False,
        ),
        _t(
            "quarantine",
            "隔离行",
            ("file_hash", "sheet", "row_number"),
            ("file_hash", V),
            ("file_name", V),
            ("sheet", V),
            ("row_number", INT),
            ("column_name", V),
            ("reason", V),
            ("raw", V),
            lineage=False,
        ),
        _t(
            "import_overwrite",
            "覆盖记录",
            ("file_hash", "table_name", "natural_key"),
            ("file_hash", V),
            ("table_name", V),
            ("natural_key", V),
            ("previous_file_hash", V),
            lineage=False,
        ),
    ]
}

FACT_TABLES = [t for t in TABLES.values() if t.lineage]
