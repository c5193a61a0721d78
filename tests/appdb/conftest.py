"""App-database fixtures: every test runs on SQLite and, marked ``postgres``, on PostgreSQL.

The PostgreSQL run creates a uniquely named database on 127.0.0.1:5432 (trust auth, user
postgres) and drops it afterwards; locally it skips with a reason when no server listens.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from shopkpi.appdb.db import AppDB

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
HEADER = "员工编号,周期,维度,分数,评语,评分人\n"


class Clock:
    """A fixed clock: 2026-12-01 10:00:00 UTC, one second later on every call."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> dt.datetime:
        self.calls += 1
        return dt.datetime(2026, 12, 1, 10, 0, 0) + dt.timedelta(seconds=self.calls - 1)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'app.db'}"
        return
    name = f"shopkpi_test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with admin.connect() as con:
            con.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def appdb(db_url: str) -> Iterator[AppDB]:
    db = AppDB(db_url, clock=Clock())
    yield db
    db.close()


@pytest.fixture
def ratings_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write a ratings CSV (GBK, CRLF, the template's header) from body lines."""

    def _write(name: str, *lines: str, encoding: str = "gbk") -> Path:
        path = tmp_path / name
        path.write_bytes((HEADER + "\n".join(lines) + "\n").replace("\n", "\r\n").encode(encoding))
        return path

    return _write
