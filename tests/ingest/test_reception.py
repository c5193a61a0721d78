"""生意参谋 接待明细: both JSON shapes and the xlsx download land sessions and messages."""

from __future__ import annotations

import io
import json
from pathlib import Path

import xlsxwriter

from shopkpi.ingest.adapters.reception_json import Shape, array_span, detect_shape
from shopkpi.workspace import Workspace
from tests.conftest import snapshot

XIAOMEI = "示例旗舰店:小美"
META = {
    "dataId": "20261109_2200001_11_33",
    "buyerNick": "t**8",
    "psnNickName": XIAOMEI,
    "accountNick": "cntaobao" + XIAOMEI,
    "startTime": "2026-11-09 09:05:07",
    "endTime": "2026-11-09 09:10:00",
    "isSellerFst": "买家发起",
    "isUnReply": "已回复",
}


def msg(msg_id: str | None, at: str, sender: str, text: str) -> dict[str, str]:
    row = {"gmtCreated": at, "userNickFrom": sender, "userNickTo": "x", "msg": text}
    return {"msgId": msg_id, **row} if msg_id else row


BUNDLE = {
    "sessions": [
        {
            "meta": META,
            "messages": [
                msg("m1", "2026-11-09 09:05:07.000", "cntaobaot**8", "在吗"),
                msg("m2", "2026-11-09 09:05:08.000", "cntaobao" + XIAOMEI, "[自动回复]欢迎光临"),
                msg("m3", "2026-11-09 09:05:30.000", "cntaobao" + XIAOMEI, "在的亲"),
                msg("m3", "2026-11-09 09:05:30.000", "cntaobao" + XIAOMEI, "在的亲"),
            ],
        },
        {
            "meta": {
                **META,
                "dataId": "20261109_2200001_12_34",
                "buyerNick": "tb_b",
                "psnNickName": "示例旗舰店:小王",
                "accountNick": "示例旗舰店:小王",
                "isSellerFst": "客服主动跟进",
                "isUnReply": "未回复",
            },
            "messages": [],
        },
    ]
}


def write_json(write_file, name: str, doc: object) -> Path:
    return write_file(name, json.dumps(doc, ensure_ascii=False), encoding="utf-8", crlf=False)


def rows(ws: Workspace, sql: str) -> list[tuple[object, ...]]:
    return ws.warehouse.con.execute(sql).fetchall()


def test_session_bundle(ws: Workspace, write_file) -> None:
    [result] = ws.ingest([write_json(write_file, "bundle.json", BUNDLE)])
    assert (result.status, result.rows_read, result.duplicates, result.accepted) == ("ok", 4, 1, 3)
    messages = rows(
        ws,
        "SELECT message_id, buyer_nick, account_nick, staff_id, direction, sent_at, text,"
        " session_ref FROM chat_message ORDER BY message_id",
    )
    assert [(m[0], m[4]) for m in messages] == [("m1", "buyer"), ("m2", "auto"), ("m3", "agent")]
    assert {m[1] for m in messages} == {"t**8"}  # masked nick kept, cntaobao stripped
    assert {m[2] for m in messages} == {m[3] for m in messages} == {XIAOMEI}
    assert str(messages[0][5]) == "2026-11-09 01:05:07"  # Beijing time stored as UTC
    assert messages[0][7] == "20261109_2200001_11_33"
    sessions = rows(
        ws,
        "SELECT data_id, buyer_id, account_nick, started_at, ended_at, seller_first, unreplied,"
        " biz_date FROM reception_session ORDER BY data_id",
    )
    first, second = sessions
    assert first[1:3] == ("33", XIAOMEI)
    assert (str(first[3]), str(first[4])) == ("2026-11-09 01:05:07", "2026-11-09 01:10:00")
    assert first[5:7] == (False, False)  # 买家发起, 已回复
    # A session without messages still lands, with its flags.
    assert second[0] == "20261109_2200001_12_34" and second[5:7] == (True, True)
    assert str(second[7]) == "2026-11-09"


def test_unknown_accounts_become_staff_to_review(ws: Workspace, write_file) -> None:
    ws.ingest([write_json(write_file, "bundle.json", BUNDLE)])
    assert rows(ws, "SELECT staff_id, name, needs_review FROM staff ORDER BY staff_id") == [
        ("示例旗舰店:小王", "小王", True),
        (XIAOMEI, "小美", True),
    ]
    links = rows(ws, "SELECT account_nick, staff_id, valid_to FROM staff_account ORDER BY 1")
    assert links == [("示例旗舰店:小王", "示例旗舰店:小王", None), (XIAOMEI, XIAOMEI, None)]
    assert rows(ws, "SELECT DISTINCT staff_id FROM reception_session ORDER BY 1") == [
        ("示例旗舰店:小王",),
        (XIAOMEI,),
    ]


def test_roster_decides_staff_and_unknown_accounts_are_noted(ws: Workspace, write_file) -> None:
    con = ws.warehouse.con
    con.execute("INSERT INTO staff (staff_id, name, needs_review) VALUES ('E1', '王美', false)")
    con.execute("INSERT INTO staff (staff_id, name, needs_review) VALUES ('E2', '李美', false)")
    con.execute(
        "INSERT INTO staff_account (shop_id, account_nick, valid_from, staff_id, valid_to) VALUES"
        f" ('demo', '{XIAOMEI}', DATE '2026-01-01', 'E1', DATE '2026-11-08'),"
        f" ('demo', '{XIAOMEI}', DATE '2026-11-09', 'E2', NULL)"
    )
    [result] = ws.ingest([write_json(write_file, "bundle.json", BUNDLE)])
    assert rows(ws, "SELECT DISTINCT staff_id FROM chat_message") == [("E2",)]  # held it that day
    assert rows(ws, "SELECT staff_id FROM reception_session WHERE buyer_nick = 'tb_b'") == [(None,)]
    assert "示例旗舰店:小王" in result.message and "花名册" in result.message
    assert rows(ws, "SELECT count(*) FROM staff") == [(2,)]  # nobody auto-created


def test_page_json_rows_without_msg_id(ws: Workspace, write_file) -> None:
    base = {**META, "accountNick": XIAOMEI}
    page = {
        "code": 0,
        "data": {
            "dataSource": [
                {**base, **msg(None, "2026-11-09 09:05:07.000", "t**8", "在吗")},
                {**base, **msg(None, "2026-11-09 09:05:07.000", "t**8", "在吗")},
                {**base, **msg(None, "2026-11-09 09:05:09.000", XIAOMEI, "在的")},
            ],
            "total": 3,  # keys after the array: the whole-object reader handles it
        },
        "message": "操作成功",
    }
    path = write_json(write_file, "page.json", page)
    [result] = ws.ingest([path])
    assert (result.status, result.accepted, result.duplicates) == ("ok", 3, 0)
    # Two identical messages in the same second are both kept, under different keys.
    got = rows(
        ws,
        "SELECT text, direction, count(DISTINCT message_id) FROM chat_message GROUP BY 1, 2 ORDER BY 2",
    )
    assert got == [("在的", "agent", 1), ("在吗", "buyer", 2)]
    before = snapshot(ws)
    again = ws.ingestor.ingest_path(path, force=True)
    assert (again.status, again.unchanged) == ("ok", 4)  # 3 messages + 1 session
    assert snapshot(ws) == before


def test_unparseable_time_is_quarantined(ws: Workspace, write_file) -> None:
    doc = {"sessions": [{"meta": META, "messages": [
        msg("a", "2026-11-09 09:05:07.000", "t**8", "在吗"),
        msg("b", "昨天 9点", "t**8", "人呢"),
        msg("c", "2026-11-09 09:06:00.000", XIAOMEI, "在的"),
    ]}]}  # fmt: skip
    [result] = ws.ingest([write_json(write_file, "bad_time.json", doc)])
    assert (result.status, result.accepted, result.quarantined) == ("ok", 2, 1)
    [(name, row, column, reason, raw)] = rows(
        ws, "SELECT file_name, row_number, column_name, reason, raw FROM quarantine"
    )
    assert (name, row, column) == ("bad_time.json", 2, "gmtCreated")
    assert "昨天 9点" in reason and json.loads(raw)["msgId"] == "b"
    assert rows(ws, "SELECT message_id FROM chat_message ORDER BY 1") == [("a",), ("c",)]


def test_truncated_json_is_refused_and_changes_nothing(ws: Workspace, write_file) -> None:
    ws.ingest([write_json(write_file, "ok.json", BUNDLE)])
    before = snapshot(ws)
    text = json.dumps(BUNDLE, ensure_ascii=False)
    cut = write_file("cut.json", text[: len(text) - 40], encoding="utf-8", crlf=False)
    [result] = ws.ingest([cut])
    assert result.status == "refused" and result.error is not None
    assert result.error.reason == "truncated" and "cut.json" in result.message
    assert snapshot(ws) == before


def test_json_of_another_shape_is_unknown(ws: Workspace, write_file) -> None:
    [result] = ws.ingest([write_json(write_file, "other.json", {"items": [{"a": 1}]})])
    assert result.status == "refused" and result.error is not None
    assert result.error.reason == "unknown_format"


def test_shape_detection_and_array_span() -> None:
    assert detect_shape('{"sessions": [{"meta": {}') is Shape.bundle
    assert detect_shape('{"data": {"dataSource": [{"gmtCreated": "x"') is Shape.rows
    assert detect_shape('{"data": {"dataSource": [{"visitors": 1}]}}') is None
    data = b'{"sessions": [{"meta": {}}, {"meta": {}}]}\n'
    start, end = array_span(data, Shape.bundle) or (0, 0)
    assert data[start:end] == b'[{"meta": {}}, {"meta": {}}]'
    assert array_span(b'{"sessions": [1], "n": [2]', Shape.bundle) is None  # truncated


def test_xlsx_download_with_chinese_headers(ws: Workspace, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet("接待明细")
    table = [
        ["买家昵称", "客服昵称", "消息ID", "发送时间", "发送方", "接收方", "消息内容"],
        ["t**8", XIAOMEI, "x1", "2026-11-09 09:05:07", "t**8", XIAOMEI, "在吗"],
        ["t**8", XIAOMEI, "x2", "2026/11/09 09:05", XIAOMEI, "t**8", "#亲，欢迎光临"],
        ["t**8", XIAOMEI, "x3", "不是时间", XIAOMEI, "t**8", "在的"],
    ]
    for r, values in enumerate(table):
        sheet.write_row(r, 0, values)
    book.close()
    path = tmp_path / "接待明细.xlsx"
    path.write_bytes(buffer.getvalue())
    [result] = ws.ingest([path])
    assert (result.status, result.adapter, result.accepted, result.quarantined) == (
        "ok",
        "reception_sheet",
        2,
        1,
    )
    assert rows(ws, "SELECT message_id, direction, account_nick FROM chat_message ORDER BY 1") == [
        ("x1", "buyer", XIAOMEI),
        ("x2", "auto", XIAOMEI),
    ]
    assert rows(ws, "SELECT sheet, row_number, column_name FROM quarantine") == [
        ("接待明细", 4, "发送时间")
    ]
    # Without a dataId, the session is one buyer × agent × day.
    assert rows(ws, "SELECT data_id, buyer_id FROM reception_session") == [
        (f"20261109_{XIAOMEI}_t**8", None)
    ]


def test_page_json_read_as_a_bare_array(ws: Workspace, write_file) -> None:
    base = {**META, "accountNick": XIAOMEI}
    records = [
        {**base, **msg("p1", "2026-11-09 09:05:07.000", "cntaobaot**8", "在吗")},
        {**base, **msg("p2", "2026-11-09 09:05:09.000", "cntaobao" + XIAOMEI, "在的")},
    ]
    page = write_json(write_file, "page.json", {"data": {"dataSource": records}})
    bare = write_json(write_file, "bare.json", records[::-1])  # a top-level array of rows
    results = ws.ingest([page, bare])
    assert [(r.status, r.accepted) for r in results] == [("ok", 2), ("ok", 2)]
    assert results[1].unchanged == 3  # the same two messages and session
    assert rows(ws, "SELECT message_id, direction FROM chat_message ORDER BY 1") == [
        ("p1", "buyer"),
        ("p2", "agent"),
    ]
