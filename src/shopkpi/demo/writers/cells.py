"""Cell formats the platform exports use, and a CSV writer that keeps their quirks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

CRLF = "\r\n"


@dataclass(frozen=True)
class Raw:
    """A cell written exactly as is, unquoted (Excel's ``="…"`` text-formula ids)."""

    text: str


Cell = str | Raw


@dataclass(frozen=True)
class Id:
    """A long numeric id (订单编号, 子订单编号) that must stay text in every format."""

    text: str


# A typed cell, before it is rendered as CSV text or as an xlsx cell.
Value = str | Id | Decimal | int | dt.datetime | None


def csv_cell(value: Value) -> Cell:
    """Render a typed cell the way the classic CSV exports write it."""
    if value is None:
        return ""
    if isinstance(value, Id):
        return excel_id(value.text)
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, dt.datetime):
        return ts(value)
    return str(value)


def excel_id(value: str) -> Raw:
    """``="1930679858170647"``: how 订单报表 keeps long ids away from scientific notation."""
    return Raw(f'="{value}"')


def ts(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value is not None else ""


def money(value: Decimal | None) -> str:
    return f"{value:.2f}" if value is not None else ""


def _quote(text: str) -> str:
    if "," in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def _line(cells: Sequence[Cell]) -> str:
    return ",".join(c.text if isinstance(c, Raw) else _quote(c) for c in cells)


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    encoding: str = "gbk",
) -> int:
    """Write a CSV with CRLF line ends in ``encoding`` (GBK by default, like the platform).

    Returns:
        The number of data rows.
    """
    lines = [_line(header)]
    lines += [_line(row) for row in rows]
    path.write_bytes((CRLF.join(lines) + CRLF).encode(encoding))
    return len(lines) - 1
