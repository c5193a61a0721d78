"""Roles of web-app logins (DESIGN §9); kept free of SQLAlchemy so the CLI starts fast."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a login may see: admin (店主), supervisor (主管, their teams), staff (员工, self
    only), finance (财务, scores and pay, read-only)."""

    admin = "admin"
    supervisor = "supervisor"
    staff = "staff"
    finance = "finance"


ROLE_LABELS = {
    Role.admin: "管理员",
    Role.supervisor: "主管",
    Role.staff: "员工",
    Role.finance: "财务",
}
