"""Order exports for the job tests: one good file, one with a quarantined row."""

from __future__ import annotations

from tests.ingest.test_orders import CLASSIC_HEADER, classic_row

# Two orders of tb_小明 on 11-11; file B adds a third order and a row whose id Excel
# mangled (9.9E+18), which is quarantined.
FILE_A = "ExportOrderList202611120900.csv"
FILE_B = "ExportOrderList202611130900.csv"


def order_export(*rows: str) -> bytes:
    return "\r\n".join([CLASSIC_HEADER, *rows]).encode("gbk")


def file_a() -> bytes:
    return order_export(
        classic_row(order_id='="1930679858170601"'),
        classic_row(order_id='="1930679858170602"', paid="59.00", goods="59.00"),
    )


def file_b() -> bytes:
    return order_export(
        classic_row(order_id='="1930679858170603"', buyer="tb_小红", created="2026-11-12 09:00:00",
                    paid_at="2026-11-12 09:05:00"),
        classic_row(order_id="9.9E+18"),
    )  # fmt: skip
