"""The staff roster as scoring subjects (read from the warehouse's ``staff`` table)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import duckdb

from shopkpi.scoring.subjects import Subject


def read_roster(con: duckdb.DuckDBPyConnection, active_on: date | None = None) -> list[Subject]:
    """Everyone on the roster (with ``active_on``: only those not yet left by that day)."""
    rows = con.execute(
        """SELECT staff_id, name, role, level, team, bonus_base FROM staff
           WHERE ? IS NULL OR left_on IS NULL OR left_on >= ?
           ORDER BY staff_id""",
        [active_on, active_on],
    ).fetchall()
    return [
        Subject(
            str(r[0]),
            str(r[1] or r[0]),
            role=_text(r[2]),
            level=_text(r[3]),
            team=_text(r[4]),
            bonus_base=r[5] if isinstance(r[5], Decimal) else None,
        )
        for r in rows
    ]


def _text(value: object) -> str | None:
    return None if value is None else str(value)
