"""The SQL cleaning macros on the real cell quirks (FIELD.md §1), one literal per case."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shopkpi.warehouse import Warehouse


@pytest.fixture(scope="module")
def wh() -> Warehouse:
    return Warehouse(":memory:")


def _eval(wh: Warehouse, expr: str, value: str) -> object:
    return wh.con.execute(f"SELECT {expr}(?)", [value]).fetchall()[0][0]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('="1930679858170647"', "1930679858170647"),
        ("'1930679858170647", "1930679858170647"),
        ("  1930679858170647\u3000", "1930679858170647"),
        ("1.93068E+15", None),  # Excel lost digits: never an id
        ("2E+18", None),
        ("401013266745e5661589292315434968", "401013266745e5661589292315434968"),  # hex, real
    ],
)
def test_ids(wh: Warehouse, cell: str, expected: str | None) -> None:
    assert _eval(wh, "sk_id", cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("¥128.00", Decimal("128.00")),
        ("￥1,200.50", Decimal("1200.50")),
        ("10元", Decimal("10.00")),
        ("123.00元", Decimal("123.00")),
        ("无退款申请", Decimal("0.00")),
        ("延迟统计", None),  # not final yet: pending, never 0
        ("-", None),
        ("", None),
    ],
)
def test_money(wh: Warehouse, cell: str, expected: Decimal | None) -> None:
    assert _eval(wh, "sk_money", cell) == expected


def test_percent(wh: Warehouse) -> None:
    assert _eval(wh, "sk_pct", "98.5%") == pytest.approx(0.985)
    assert _eval(wh, "sk_pct", "0.985") == pytest.approx(0.985)
    assert _eval(wh, "sk_pct", "延迟统计") is None


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2026-11-11 10:00:00", dt.datetime(2026, 11, 11, 10, 0)),
        ("2026/11/11 10:00", dt.datetime(2026, 11, 11, 10, 0)),
        ("2026-11-9 9:05:07", dt.datetime(2026, 11, 9, 9, 5, 7)),
        ("2026-11-11 10:00:00.000", dt.datetime(2026, 11, 11, 10, 0)),
        ("46337.5", dt.datetime(2026, 11, 11, 12, 0)),  # Excel serial day number
        ("2026年11月11日 10:00", dt.datetime(2026, 11, 11, 10, 0)),
        ("0000-00-00 00:00:00", None),
        ("昨天", None),
    ],
)
def test_local_timestamps(wh: Warehouse, cell: str, expected: dt.datetime | None) -> None:
    assert _eval(wh, "sk_ts_local", cell) == expected


def test_local_to_utc(wh: Warehouse) -> None:
    utc = wh.con.execute(
        "SELECT sk_utc(TIMESTAMP '2026-11-11 00:30:00', 'Asia/Shanghai')"
    ).fetchall()[0][0]
    assert utc == dt.datetime(2026, 11, 10, 16, 30)
