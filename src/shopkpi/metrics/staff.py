"""Finding a staff member from what a user types: a staff id, a name or a sub-account nick."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from shopkpi.errors import ShopkpiError


class StaffNotFound(ShopkpiError):
    """No staff member matches."""


class AmbiguousStaff(ShopkpiError):
    """Several staff members match; the message lists them."""


@dataclass(frozen=True)
class StaffRef:
    staff_id: str
    name: str | None
    team: str | None
    accounts: tuple[str, ...]

    def describe(self) -> str:
        nicks = "、".join(self.accounts) or "无子账号"
        return f"{self.staff_id} {self.name or ''}（{self.team or '无团队'}；{nicks}）"


def resolve_staff(con: duckdb.DuckDBPyConnection, text: str) -> StaffRef:
    """The one staff member whose id, name or sub-account nick (``店铺名:客服名`` or just the
    part after the colon) is ``text``.

    Raises:
        StaffNotFound: nobody matches.
        AmbiguousStaff: more than one person matches; every candidate is listed.
    """
    rows = con.execute(
        """WITH hit AS (
             SELECT DISTINCT s.staff_id FROM staff AS s
             LEFT JOIN staff_account AS a ON a.staff_id = s.staff_id
             WHERE s.staff_id = $t OR s.name = $t OR a.account_nick = $t
                OR split_part(a.account_nick, ':', 2) = $t)
           SELECT s.staff_id, s.name, s.team,
                  list_sort(list_distinct(list(a.account_nick) FILTER (a.account_nick IS NOT NULL)))
           FROM hit JOIN staff AS s ON s.staff_id = hit.staff_id
           LEFT JOIN staff_account AS a ON a.staff_id = s.staff_id
           GROUP BY s.staff_id, s.name, s.team
           ORDER BY s.staff_id""",
        {"t": text.strip()},
    ).fetchall()
    found = [StaffRef(str(r[0]), r[1], r[2], tuple(r[3] or ())) for r in rows]
    if not found:
        raise StaffNotFound(f"找不到员工 {text!r}：请写员工编号、姓名或子账号（店铺名:客服名）")
    if len(found) > 1:
        listed = "\n".join(f"  - {s.describe()}" for s in found)
        raise AmbiguousStaff(f"{text!r} 对应多名员工，请改用员工编号：\n{listed}")
    return found[0]
