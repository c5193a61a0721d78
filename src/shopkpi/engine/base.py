"""The engine contract."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol


@dataclass(frozen=True)
class Step:
    """One derived table: ``name`` is materialised from ``sql`` (a DuckDB-dialect SELECT).

    Attributes:
        name: the table the step creates (e.g. ``chat_session``).
        sql: a single SELECT; it may read canonical tables and earlier steps by name.
        doc: one line saying what the table holds (shown by ``explain`` and the docs).
        fast_sql: an optional DuckDB-only variant (e.g. ASOF JOIN); engines whose
            ``SUPPORTS_ASOF`` is true may run it instead. The equivalence test checks
            both variants give identical rows.
        temporary: an intermediate that only later steps of the same run read (no command
            reads it afterwards): DuckDB keeps it out of the warehouse file, as a TEMP table
            that lives until the next compute replaces it or the connection closes.
            Measured on 10M messages: ``session_message`` 27 → 20 CPU seconds.
    """

    name: str
    sql: str
    doc: str = ""
    fast_sql: str | None = None
    temporary: bool = False


class Engine(Protocol):
    """Runs steps. Capabilities are class constants, not scattered ``if`` s."""

    NAME: ClassVar[str]
    SUPPORTS_ASOF: ClassVar[bool]

    def run(self, steps: Sequence[Step]) -> None:
        """Materialise every step, in order, replacing tables of the same name."""
        ...

    def rows(self, sql: str) -> list[tuple[object, ...]]:
        """Run a query (DuckDB dialect) and return all rows."""
        ...
