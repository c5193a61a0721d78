"""评价管理 exports (product reviews) → ``review``.

- ``rating``: 好评 / 中评 / 差评 (also good / neutral / bad). An export with a 评分 (1–5)
  instead gets good for 4–5, neutral for 3, bad for 1–2. A row with neither quarantines.
- ``score``: 评分 1–5 when the export has it (also ``5分`` / ``5星``), else NULL; any other
  value quarantines the row.
- ``changed_rating`` / ``changed_at``: 修改后评价 and its 修改时间, when the buyer changed
  the review (a 中差评 turned into 好评 after the shop contacted them).
- ``followup_content`` / ``followup_at``: 追评内容 and 追评时间.
- ``review_id``: the export's 评价ID when it has one; otherwise ``<订单编号>@<评价时间>``
  (local wall-clock time, ``YYYYMMDDHHMMSS``), which a later export of the same review
  repeats, so a changed rating or a new 追评 updates the row instead of adding one.
- ``biz_date``: the local date of 评价时间.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from shopkpi.ingest.adapters.orders import ORDER_ID_HEADERS
from shopkpi.ingest.adapters.support import column_of, ensure_columns, run_sql, with_column
from shopkpi.ingest.base import Field, FieldKind, ImportContext, TabularAdapter
from shopkpi.ingest.reader import RawTable
from shopkpi.ingest.tabular import q

RATINGS = {
    "好评": "good",
    "中评": "neutral",
    "差评": "bad",
    "good": "good",
    "neutral": "neutral",
    "bad": "bad",
}
SCORES = {
    **{str(n): str(n) for n in range(1, 6)},
    **{f"{n}分": str(n) for n in range(1, 6)},
    **{f"{n}星": str(n) for n in range(1, 6)},
}
RATING_HEADERS = ("评价", "评价类型", "初评结果", "rating")
SCORE_HEADERS = ("评分", "评价分数", "星级", "score")


class ReviewAdapter(TabularAdapter):
    NAME = "review"
    LABEL = "商品评价"
    TABLE = "review"
    SHEETS = ("评价管理", "评价列表", "商品评价")
    DATE_FIELD = "reviewed_at"
    FIELDS = (
        Field("review_id", ("评价ID", "评价编号", "review_id"), FieldKind.id),
        Field("order_id", ORDER_ID_HEADERS, FieldKind.id, required=True, not_null=True),
        Field("buyer_nick", ("买家", "会员名", "买家会员名", "买家昵称", "评价人", "buyer_nick")),
        Field(
            "reviewed_at",
            ("评价时间", "初评时间", "reviewed_at"),
            FieldKind.ts,
            required=True,
            not_null=True,
        ),
        Field(
            "rating", RATING_HEADERS, FieldKind.enum, required=True, not_null=True, values=RATINGS
        ),
        Field("score", SCORE_HEADERS, FieldKind.enum, values=SCORES),
        Field("content", ("评价内容", "初评内容", "content")),
        Field("followup_content", ("追评内容", "追加评价", "followup_content")),
        Field("followup_at", ("追评时间", "追加评价时间", "followup_at"), FieldKind.ts),
        Field(
            "changed_rating",
            ("修改后评价", "修改后评价结果", "changed_rating"),
            FieldKind.enum,
            values=RATINGS,
        ),
        Field("changed_at", ("修改时间", "评价修改时间", "changed_at"), FieldKind.ts),
    )
    SIGNATURE = ("order_id", "reviewed_at", "rating", "content", "followup_content")
    # 服务评价 lists share 评价时间 and 买家; their agent columns rule this format out.
    EXCLUDES = frozenset({"客服", "客服昵称", "邀评时间", "退款编号", "订单状态"})

    def match(self, raw: RawTable) -> float:
        hit = super().match(raw)
        # 评分 (1–5) stands in for 评价 (好/中/差): prepare derives one from the other.
        rated = set(raw.headers) & set(RATING_HEADERS)
        if hit and not rated and set(raw.headers) & set(SCORE_HEADERS):
            hit += 1 / len(self.SIGNATURE)
        return hit

    def prepare(self, ctx: ImportContext, raw: RawTable) -> RawTable:
        """Fill 评价 from 评分 where it is blank (or add it when the export has only 评分)."""
        score = column_of(raw, SCORE_HEADERS)
        if score is not None:
            rating = column_of(raw, RATING_HEADERS)
            band = f"""CASE regexp_extract(coalesce(sk_text({score}), ''), '^([1-5])[分星]?$', 1)
                WHEN '5' THEN '好评' WHEN '4' THEN '好评' WHEN '3' THEN '中评'
                WHEN '2' THEN '差评' WHEN '1' THEN '差评' END"""
            given = f"sk_text({rating})" if rating else "NULL"
            table = run_sql(
                ctx, raw, f"SELECT coalesce({given}, {band}) AS v FROM {{t}} ORDER BY __row"
            )
            values = table["v"] if table.num_rows else pa.array([], pa.string())
            raw = _replace_column(raw, rating, RATING_HEADERS[0], values)
        return ensure_columns(raw, self.FIELDS)

    def derived_columns(self, ctx: ImportContext) -> dict[str, str]:
        local = f"strftime(sk_local(reviewed_at, {q(ctx.timezone)}), '%Y%m%d%H%M%S')"
        return {"review_id": f"coalesce(review_id, order_id || '@' || {local})"}


def _replace_column(raw: RawTable, column: str | None, header: str, values: Any) -> RawTable:
    """``values`` in place of raw column ``column``, or appended under ``header`` if None."""
    if column is None:
        return with_column(raw, header, values)
    names = raw.table.column_names
    arrays = [values if n == column else raw.table[n] for n in names]
    table = pa.Table.from_arrays(
        [pc.cast(a, pa.string()) if n == column else a for n, a in zip(names, arrays, strict=True)],
        names=names,
    )
    return RawTable(raw.source, raw.sheet, raw.headers, table)
