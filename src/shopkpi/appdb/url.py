"""Turn ``engine.database_url`` into a SQLAlchemy engine for a workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool

from shopkpi.appdb.records import AppDBError


def resolve_url(url: str, root: Path | None = None) -> URL:
    """A SQLite path relative to the workspace ``root``; ``postgresql://`` uses psycopg 3.

    ``sqlite:///app.db`` is ``<root>/app.db``; ``sqlite:////abs/app.db`` stays absolute.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise AppDBError(
            f"无法识别的 database_url {url!r}：{exc}；"
            "请写 sqlite:///app.db 或 postgresql://用户@主机:5432/数据库"
        ) from exc
    if parsed.drivername == "postgresql":
        return parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite" and not _in_memory(parsed) and root is not None:
        path = Path(parsed.database or "")
        if not path.is_absolute():
            return parsed.set(database=str(root / path))
    return parsed


def make_engine(url: URL) -> Engine:
    """An engine for ``url``; an in-memory SQLite database is shared by all its sessions."""
    options: dict[str, Any] = {}
    if url.get_backend_name() == "sqlite":
        if _in_memory(url):
            options = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
        elif url.database:
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    return create_engine(url, **options)


def _in_memory(url: URL) -> bool:
    return url.database in (None, "", ":memory:") or str(url.database).startswith("file::memory:")
