"""The audit log, plan adoptions and snapshots are append-only, in code and in the database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from shopkpi.appdb.db import AppDB
from shopkpi.appdb.models import AuditEntry, PlanAdoption, ScorecardSnapshot
from shopkpi.appdb.records import AppendOnlyError, PlanRef

TABLES = ["audit_log", "plan_adoption", "scorecard_snapshot"]


@pytest.fixture
def filled(appdb: AppDB) -> AppDB:
    appdb.set_rating("S001", "2026-11", "态度.责任心", 90, actor="王主管")
    appdb.adopt_plan("售前客服", "plan: 售前客服\n", actor="老板")
    appdb.freeze(
        "2026-11", plans=[PlanRef("售前客服", 1, "h1")], inputs_hash="i1", payload={}, actor="财务"
    )
    return appdb


def _rows(db: AppDB, table: str) -> list[tuple[object, ...]]:
    with db.engine.connect() as con:
        return [tuple(r) for r in con.execute(text(f"SELECT * FROM {table} ORDER BY id"))]


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("sql", ["UPDATE {t} SET id = id + 100", "DELETE FROM {t}"])
def test_database_rejects_update_and_delete(filled: AppDB, table: str, sql: str) -> None:
    before = _rows(filled, table)
    assert before, "fixture wrote no row"
    with pytest.raises(DBAPIError, match=f"{table} is append-only"), filled.engine.begin() as con:
        con.execute(text(sql.format(t=table)))
    assert _rows(filled, table) == before


def test_orm_changes_to_an_audit_row_are_refused_before_any_sql(filled: AppDB) -> None:
    with pytest.raises(AppendOnlyError), filled.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.id == 1)).one()
        entry.actor = "someone else"
    with pytest.raises(AppendOnlyError), filled.session() as session:
        session.delete(session.scalars(select(PlanAdoption)).one())
    assert [a.actor for a in filled.audit()] == ["财务", "老板", "王主管"]


@pytest.mark.parametrize("model", [AuditEntry, PlanAdoption, ScorecardSnapshot])
def test_bulk_update_and_delete_are_refused(filled: AppDB, model: type) -> None:
    with pytest.raises(AppendOnlyError), filled.session() as session:
        session.execute(update(model).values(id=999))
    with pytest.raises(AppendOnlyError), filled.session() as session:
        session.execute(delete(model))


def test_ratings_themselves_can_change(filled: AppDB) -> None:
    filled.set_rating("S001", "2026-11", "attitude.responsibility", "75.5", actor="王主管")
    assert filled.ratings_for("2026-11") == {("S001", "attitude.responsibility"): Decimal("75.50")}
