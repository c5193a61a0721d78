"""排班表 (shifts) → ``shift`` (shared FIELD.md §1.6b, our template).

One row per staff member, day and shift; a split shift is several rows of one day. A row
whose 上班时间 says the day is off (休 / 休息 / 请假 …) is not a shift and is left out.
"""

from __future__ import annotations

from shopkpi.ingest.adapters.roster import STAFF_ID_HEADERS
from shopkpi.ingest.adapters.support import column_of, filter_rows
from shopkpi.ingest.base import Field, FieldKind, ImportContext, TabularAdapter
from shopkpi.ingest.reader import RawTable
from shopkpi.ingest.tabular import q

START_HEADERS = ("上班时间", "开始时间", "start_time")
DAY_OFF = ("休", "休息", "请假", "调休", "年假", "off", "OFF", "Off")


class ShiftAdapter(TabularAdapter):
    NAME = "shifts"
    LABEL = "排班表"
    TABLE = "shift"
    SHEETS = ("排班表", "排班")
    FIELDS = (
        Field("staff_id", STAFF_ID_HEADERS, FieldKind.id, required=True, not_null=True),
        Field(
            "biz_date",
            ("日期", "排班日期", "date", "biz_date"),
            FieldKind.date,
            required=True,
            not_null=True,
        ),
        Field("start_time", START_HEADERS, FieldKind.time, required=True, not_null=True),
        Field("end_time", ("下班时间", "结束时间", "end_time"), FieldKind.time, required=True),
    )
    SIGNATURE = ("staff_id", "biz_date", "start_time", "end_time")

    def prepare(self, ctx: ImportContext, raw: RawTable) -> RawTable:
        start = column_of(raw, START_HEADERS)
        if start is None:
            return raw
        off = ", ".join(q(v) for v in DAY_OFF)
        return filter_rows(ctx, raw, f"coalesce(sk_text({start}) NOT IN ({off}), true)")
