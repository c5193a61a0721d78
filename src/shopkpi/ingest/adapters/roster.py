"""员工花名册 (roster) → ``staff`` and ``staff_account`` (shared FIELD.md §1.6b, our template).

- 子账号 holds one or more ``店铺名:客服名`` accounts, ``;``-separated (``；`` ``,`` ``、``
  work too). Each becomes a ``staff_account`` row valid from 入职日期 (1970-01-01 when
  blank) to 离职日期.
- 角色 and 级别 accept Chinese terms and the English identifiers (see ``vocab``). An
  unknown 角色 or 级别 quarantines the row.
- A roster row replaces a staff member auto-created from chats for the same account
  (see ``staff_link``).
"""

from __future__ import annotations

from shopkpi.ingest.adapters.staff_link import adopt_auto_staff, stage_accounts
from shopkpi.ingest.adapters.support import ensure_columns
from shopkpi.ingest.adapters.vocab import LEVELS, ROLES
from shopkpi.ingest.base import Field, FieldKind, ImportContext, Staged, TabularAdapter
from shopkpi.ingest.reader import RawTable

STAFF_ID_HEADERS = ("员工编号", "工号", "员工ID", "staff_id")


class RosterAdapter(TabularAdapter):
    NAME = "roster"
    LABEL = "员工花名册"
    TABLE = "staff"
    SHEETS = ("员工花名册", "花名册")
    FIELDS = (
        Field("staff_id", STAFF_ID_HEADERS, FieldKind.id, required=True, not_null=True),
        Field("name", ("姓名", "员工姓名", "name"), required=True, not_null=True),
        Field("accounts", ("子账号", "旺旺子账号", "客服账号", "accounts")),
        Field(
            "role",
            ("角色", "岗位", "role"),
            FieldKind.enum,
            required=True,
            not_null=True,
            values=ROLES,
        ),
        Field("level", ("级别", "职级", "level"), FieldKind.enum, values=LEVELS),
        Field("team", ("团队", "小组", "组别", "team")),
        Field("supervisor", ("主管", "直属主管", "supervisor")),
        Field("hired_on", ("入职日期", "入职时间", "hired_on"), FieldKind.date),
        Field("left_on", ("离职日期", "离职时间", "left_on"), FieldKind.date),
        Field("base_salary", ("底薪", "基本工资", "base_salary"), FieldKind.money),
        Field("bonus_base", ("绩效基数", "绩效工资基数", "bonus_base"), FieldKind.money),
    )
    SIGNATURE = ("staff_id", "name", "accounts", "role", "level", "team")

    def prepare(self, ctx: ImportContext, raw: RawTable) -> RawTable:
        return ensure_columns(raw, self.FIELDS)

    def derived_columns(self, ctx: ImportContext) -> dict[str, str]:
        return {"needs_review": "false"}

    def post_stage(self, ctx: ImportContext, staged: Staged) -> list[Staged]:
        accounts = stage_accounts(ctx, staged, "accounts")
        adopt_auto_staff(ctx, staged, accounts)
        return [accounts]
