"""DESIGN §5 bad input: which errors refuse a file, which quarantine a row, and what wins.

Refused files leave every canonical table exactly as it was (compared row by row).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from shopkpi.workspace import Workspace
from tests.conftest import snapshot
from tests.ingest.test_orders import CLASSIC_HEADER, classic_row

WriteFile = Callable[..., Path]
# An OLE2 compound file holding an "EncryptedPackage" stream: what Excel writes for a
# password-protected workbook (the 已卖出的宝贝 export is often one).
OLE_ENCRYPTED_XLS = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le")
)


@pytest.fixture
def seeded(ws: Workspace, write_file: WriteFile) -> Workspace:
    """A warehouse that already holds one order, so 'unchanged' means something."""
    path = write_file("ExportOrderList202611100900.csv", f"{CLASSIC_HEADER}\n{classic_row()}\n")
    [result] = ws.ingest([path])
    assert result.status == "ok"
    return ws


def _refused(ws: Workspace, path: Path, reason: str) -> str:
    before = snapshot(ws)
    [result] = ws.ingest([path])
    assert result.status == "refused"
    assert result.error is not None and result.error.reason == reason, result.message
    assert snapshot(ws) == before
    assert path.name in result.message
    return result.message


def test_undecodable_encoding_is_refused(seeded: Workspace, write_file: WriteFile) -> None:
    data = CLASSIC_HEADER.encode("gbk") + b"\r\n\xff\xfe\xff," + b"x\r\n"
    message = _refused(seeded, write_file("ExportOrderList1.csv", data), "encoding")
    assert "第2行" in message and "UTF-8" in message


def test_missing_required_column_is_refused(seeded: Workspace, write_file: WriteFile) -> None:
    header = CLASSIC_HEADER.replace("订单状态,", "")
    row = classic_row().replace('"买家已付款，等待卖家发货",', "")
    message = _refused(seeded, write_file("orders.csv", f"{header}\n{row}\n"), "missing_column")
    assert "订单状态" in message and "列" in message


def test_unbalanced_quote_is_refused_as_truncated(seeded: Workspace, write_file: WriteFile) -> None:
    body = f"{CLASSIC_HEADER}\n{classic_row(order_id=chr(34) + '1930679858170999')}\n"
    _refused(seeded, write_file("orders.csv", body), "truncated")


def test_cut_off_last_row_is_refused(seeded: Workspace, write_file: WriteFile) -> None:
    cut = classic_row(order_id='="1930679858170999"')[:60]
    message = _refused(
        seeded, write_file("orders.csv", f"{CLASSIC_HEADER}\n{classic_row()}\n{cut}"), "truncated"
    )
    assert "第3行" in message


@pytest.mark.parametrize("content", [b"", b"\r\n  \r\n"])
def test_empty_file_is_refused(seeded: Workspace, write_file: WriteFile, content: bytes) -> None:
    _refused(seeded, write_file("ExportOrderList2.csv", content), "empty")


def test_header_only_file_is_refused(seeded: Workspace, write_file: WriteFile) -> None:
    _refused(seeded, write_file("orders.csv", CLASSIC_HEADER + "\n"), "empty")


def test_unknown_format_is_refused(seeded: Workspace, write_file: WriteFile) -> None:
    message = _refused(
        seeded, write_file("notes.csv", "名字,颜色,心情\n小明,红,好\n"), "unknown_format"
    )
    assert "名字" in message  # tells the user what headers it saw


def test_unknown_json_is_refused(seeded: Workspace, write_file: WriteFile) -> None:
    _refused(seeded, write_file("x.json", '{"hello": [1, 2]}', encoding="utf-8"), "unknown_format")


def test_encrypted_xls_is_refused(seeded: Workspace, write_file: WriteFile) -> None:
    message = _refused(seeded, write_file("已卖出的宝贝.xls", OLE_ENCRYPTED_XLS), "encrypted")
    assert "另存为" in message  # says how to re-export


def _quarantine(ws: Workspace) -> list[tuple[object, ...]]:
    return ws.warehouse.con.execute(
        "SELECT file_name, row_number, column_name, reason FROM quarantine ORDER BY row_number"
    ).fetchall()


def test_bad_rows_are_quarantined_and_the_rest_lands(ws: Workspace, write_file: WriteFile) -> None:
    rows = [
        classic_row(order_id='="1000000000000001"'),
        classic_row(order_id='="1000000000000002"', created="2026-13-45 99:00:00"),
        classic_row(order_id="1.93068E+15"),
        classic_row(order_id='="1000000000000004"', paid="九十九"),
        classic_row(order_id='="1000000000000005"', status="外星状态"),
        classic_row(order_id='="1000000000000006"'),
    ]
    path = write_file("ExportOrderList202611110000.csv", "\n".join([CLASSIC_HEADER, *rows]))
    [result] = ws.ingest([path])
    assert (result.status, result.rows_read, result.accepted, result.quarantined) == (
        "ok",
        6,
        2,
        4,
    )
    ids = [r[0] for r in ws.warehouse.con.execute("SELECT order_id FROM orders").fetchall()]
    assert sorted(ids) == ["1000000000000001", "1000000000000006"]
    got = _quarantine(ws)
    assert [(r[1], r[2]) for r in got] == [
        (3, "订单创建时间"),
        (4, "订单编号"),
        (5, "买家实际支付金额"),
        (6, "订单状态"),
    ]
    assert all(r[0] == path.name for r in got)
    assert "科学计数法" in str(got[1][3])
    assert "外星状态" in str(got[3][3])
    raw = ws.warehouse.con.execute("SELECT raw FROM quarantine WHERE row_number = 4").fetchall()
    assert "1.93068E+15" in raw[0][0]  # the rejected row is kept as it was


def test_exact_duplicate_rows_collapse(ws: Workspace, write_file: WriteFile) -> None:
    row = classic_row()
    path = write_file("orders.csv", "\n".join([CLASSIC_HEADER, row, row, row]))
    [result] = ws.ingest([path])
    assert (result.rows_read, result.duplicates, result.accepted) == (3, 2, 1)
    assert ws.warehouse.count("orders") == 1


def test_reimporting_the_same_file_changes_nothing(ws: Workspace, write_file: WriteFile) -> None:
    path = write_file("orders.csv", f"{CLASSIC_HEADER}\n{classic_row()}\n")
    ws.ingest([path])
    before = snapshot(ws)
    [again] = ws.ingest([path])
    assert again.status == "skipped"
    assert snapshot(ws) == before
    [forced] = [ws.ingestor.ingest_path(path, force=True)]
    assert (forced.status, forced.unchanged, forced.overwritten) == ("ok", 1, 0)
    assert snapshot(ws) == before


def _status(ws: Workspace) -> str:
    return str(ws.warehouse.con.execute("SELECT status FROM orders").fetchall()[0][0])


def test_newer_export_wins_and_older_never_rolls_back(ws: Workspace, write_file: WriteFile) -> None:
    old = write_file("ExportOrderList202611110900.csv", f"{CLASSIC_HEADER}\n{classic_row()}\n")
    new = write_file(
        "ExportOrderList202611150900.csv",
        f"{CLASSIC_HEADER}\n{classic_row(status='交易成功', tracking='YT9')}\n",
    )
    [r_new] = ws.ingest([new])
    assert _status(ws) == "success"
    [r_old] = ws.ingest([old])  # imported later, but exported earlier
    assert (r_old.status, r_old.stale) == ("ok", 1)
    assert _status(ws) == "success"
    assert ws.warehouse.count("import_overwrite") == 0
    del r_new


def test_overwrite_by_newer_export_is_logged(ws: Workspace, write_file: WriteFile) -> None:
    old = write_file("ExportOrderList202611110900.csv", f"{CLASSIC_HEADER}\n{classic_row()}\n")
    new = write_file(
        "ExportOrderList202611150900.csv",
        f"{CLASSIC_HEADER}\n{classic_row(status='交易成功')}\n",
    )
    ws.ingest([old])
    [result] = ws.ingest([new])
    assert result.overwritten == 1
    assert _status(ws) == "success"
    log = ws.warehouse.con.execute(
        "SELECT table_name, natural_key, previous_file_hash FROM import_overwrite"
    ).fetchall()
    old_hash = ws.warehouse.con.execute(
        "SELECT file_hash FROM import_log WHERE file_name = ?", [old.name]
    ).fetchall()[0][0]
    assert log == [("orders", "demo|1930679858170647", old_hash)]


def test_without_export_time_in_name_the_latest_timestamp_decides(
    ws: Workspace, write_file: WriteFile
) -> None:
    later = write_file(
        "b.csv",
        f"{CLASSIC_HEADER}\n{classic_row(status='交易成功', paid_at='2026-11-14 10:00:00')}\n",
    )
    earlier = write_file("a.csv", f"{CLASSIC_HEADER}\n{classic_row()}\n")
    ws.ingest([later])
    [result] = ws.ingest([earlier])
    assert result.stale == 1
    assert _status(ws) == "success"


def test_import_log_records_refusals_and_successes(
    seeded: Workspace, write_file: WriteFile
) -> None:
    seeded.ingest([write_file("bad.csv", b"")])
    rows = seeded.warehouse.con.execute(
        "SELECT file_name, status, rows_read, accepted FROM import_log ORDER BY file_name"
    ).fetchall()
    assert rows == [
        ("ExportOrderList202611100900.csv", "ok", 1, 1),
        ("bad.csv", "refused", 0, 0),
    ]


def test_files_are_archived_by_content_hash(seeded: Workspace) -> None:
    [(file_hash,)] = seeded.warehouse.con.execute("SELECT file_hash FROM import_log").fetchall()
    archived = seeded.root / "archive" / file_hash[:2] / f"{file_hash}.csv"
    import hashlib

    assert hashlib.sha256(archived.read_bytes()).hexdigest() == file_hash
