"""Logins of the web app (DESIGN §9): argon2-hashed passwords, roles, an optional staff link.

The plain password never leaves :func:`add` and :func:`verify`: only its argon2 hash is
stored, and the audit row of a new user records the username, role and staff id, never
the password or its hash.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkpi.appdb import audit
from shopkpi.appdb.models import AppSecret, AppUser
from shopkpi.appdb.records import AppDBError
from shopkpi.appdb.roles import ROLE_LABELS, Role

__all__ = ["ROLE_LABELS", "Role", "UserRecord", "add", "get", "secret", "verify"]

HASHER = PasswordHasher()
MIN_PASSWORD = 8


@cache
def _dummy_hash() -> str:
    """Verified against when the username is unknown, so a wrong name costs as long as a
    wrong password (no username probing by timing)."""
    return HASHER.hash("shopkpi-no-such-user")


@dataclass(frozen=True)
class UserRecord:
    """A stored login (without its hash)."""

    username: str
    role: Role
    staff_id: str | None
    created_at: dt.datetime
    disabled: bool


def add(
    session: Session,
    username: str,
    password: str,
    role: Role,
    *,
    staff_id: str | None,
    actor: str,
    now: dt.datetime,
) -> UserRecord:
    """Create a login (audited); refuses a taken name, a short password, or staff without id."""
    name = username.strip()
    if not name:
        raise AppDBError("用户名不能为空")
    if len(password) < MIN_PASSWORD:
        raise AppDBError(f"密码至少 {MIN_PASSWORD} 个字符")
    if role is Role.staff and not staff_id:
        raise AppDBError("员工账号必须用 --staff 关联一名员工")
    if session.scalar(select(AppUser).where(AppUser.username == name)) is not None:
        raise AppDBError(f"用户 {name} 已存在")
    row = AppUser(
        username=name,
        password_hash=HASHER.hash(password),
        role=role.value,
        staff_id=staff_id,
        created_at=now,
        disabled=False,
    )
    session.add(row)
    new = {"username": name, "role": role.value, "staff_id": staff_id}
    audit.record(
        session, at=now, actor=actor, action="create", kind="user", key=name, old=None, new=new
    )
    return _record(row)


def verify(session: Session, username: str, password: str) -> UserRecord | None:
    """The enabled user whose password matches, else None (same cost either way)."""
    row = session.scalar(select(AppUser).where(AppUser.username == username.strip()))
    stored = row.password_hash if row is not None else _dummy_hash()
    try:
        HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or row.disabled:
        return None
    return _record(row)


def get(session: Session, username: str) -> UserRecord | None:
    row = session.scalar(select(AppUser).where(AppUser.username == username))
    return None if row is None else _record(row)


def secret(session: Session, name: str) -> str:
    """The secret called ``name``, made (random, 256 bits) on first use."""
    row = session.get(AppSecret, name)
    if row is None:
        row = AppSecret(name=name, value=secrets.token_urlsafe(32))
        session.add(row)
    return row.value


def _record(row: AppUser) -> UserRecord:
    return UserRecord(row.username, Role(row.role), row.staff_id, row.created_at, row.disabled)
