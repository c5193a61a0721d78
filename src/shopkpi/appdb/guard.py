"""Append-only enforcement in code: no session may update or delete an append-only row.

The database enforces the same with triggers (see the migrations); this guard catches the
mistake before any SQL is sent, on every backend, including bulk ``update()``/``delete()``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from shopkpi.appdb.models import APPEND_ONLY, APPEND_ONLY_TABLES
from shopkpi.appdb.records import AppendOnlyError


def install(factory: sessionmaker[Session]) -> None:
    """Attach the guard to every session ``factory`` makes."""
    event.listen(factory, "before_flush", _before_flush)
    event.listen(factory, "do_orm_execute", _do_orm_execute)


def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in [*session.dirty, *session.deleted]:
        if isinstance(obj, APPEND_ONLY) and (
            obj in session.deleted or session.is_modified(obj, include_collections=False)
        ):
            raise AppendOnlyError(f"{type(obj).__tablename__} 只能追加，不能修改或删除")


def _do_orm_execute(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name in APPEND_ONLY_TABLES:
        raise AppendOnlyError(f"{name} 只能追加，不能修改或删除")
