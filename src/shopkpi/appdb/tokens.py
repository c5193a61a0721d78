"""API tokens for machine clients (DESIGN §9): created and revoked by an admin, audited.

A token is ``skpi_`` + 43 url-safe characters (256 random bits). Only its SHA-256 is stored,
with the first 10 characters (``prefix``) to tell tokens apart in listings; the plain token is
shown once, when it is created. A fast hash is enough for a 256-bit random secret (nothing to
brute-force) and keeps the check far below the live endpoint's 50 ms budget.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkpi.appdb import audit
from shopkpi.appdb.models import ApiToken
from shopkpi.appdb.records import AppDBError

PREFIX = "skpi_"
SCOPES = {"messages:write": "推送聊天消息（实时质检与升级预警）"}


@dataclass(frozen=True)
class TokenRecord:
    id: int
    name: str
    scope: str
    prefix: str
    created_by: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _record(row: ApiToken) -> TokenRecord:
    return TokenRecord(
        row.id, row.name, row.scope, row.prefix, row.created_by, row.created_at, row.revoked_at
    )


def create(
    session: Session, name: str, scope: str, *, actor: str, now: dt.datetime
) -> tuple[TokenRecord, str]:
    """A new token: its record and the plain token (shown once, never stored)."""
    if scope not in SCOPES:
        raise AppDBError(f"未知的权限范围 {scope!r}；可选：{'、'.join(SCOPES)}")
    if not name.strip():
        raise AppDBError("令牌名称不能为空")
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        name=name.strip(), scope=scope, token_hash=digest(token), prefix=token[:10],
        created_by=actor, created_at=now, revoked_at=None,
    )  # fmt: skip
    session.add(row)
    session.flush()
    audit.record(
        session, at=now, actor=actor, action="create", kind="api_token", key=str(row.id),
        old=None, new={"name": row.name, "scope": scope, "prefix": row.prefix},
    )  # fmt: skip
    return _record(row), token


def revoke(session: Session, token_id: int, *, actor: str, now: dt.datetime) -> TokenRecord:
    row = session.get(ApiToken, token_id)
    if row is None:
        raise AppDBError(f"没有编号为 {token_id} 的令牌")
    if row.revoked_at is None:
        row.revoked_at = now
        audit.record(
            session, at=now, actor=actor, action="revoke", kind="api_token", key=str(row.id),
            old={"name": row.name, "scope": row.scope, "active": True}, new={"active": False},
        )  # fmt: skip
    return _record(row)


def verify(session: Session, token: str, scope: str) -> TokenRecord | None:
    """The active token record for ``token`` with ``scope``, or None."""
    if not token.startswith(PREFIX):
        return None
    row = session.scalars(select(ApiToken).where(ApiToken.token_hash == digest(token))).first()
    if row is None or row.revoked_at is not None or row.scope != scope:
        return None
    # The lookup is by hash; compare again in constant time for good measure.
    return _record(row) if hmac.compare_digest(row.token_hash, digest(token)) else None


def listing(session: Session) -> list[TokenRecord]:
    return [_record(r) for r in session.scalars(select(ApiToken).order_by(ApiToken.id))]
