"""千牛 chat copy-paste text: headers, multi-line content, transfers, system and read lines."""

from __future__ import annotations

from shopkpi.ingest.adapters.chat_text import detect_chat_text
from shopkpi.workspace import Workspace
from tests.conftest import snapshot

XIAOMEI, XIAOWANG = "示例旗舰店:小美", "示例旗舰店:小王"
CHAT = f"""tb_小明 2026-11-9 9:05:07
在吗？
这件有货吗
已读
{XIAOMEI}
2026-11-9 9:05:20
在的亲
{XIAOMEI} 2026-11-9 9:05:21
[自动回复]亲，欢迎光临
{XIAOMEI} --> {XIAOWANG} 2026-11-9 9:06:00
由 服务助手 转交给 {XIAOWANG}
原因：【离线留言自动分配】
tb_小明 2026-11-9 9:06:10
好的
tb_小明 2026-11-9 9:06:10
好的
未读
{XIAOWANG} 2026-11-9 9:06:30
亲，我来为您服务
tb_小明撤回了一条消息
"""


def messages(ws: Workspace) -> list[tuple[object, ...]]:
    return ws.warehouse.con.execute(
        "SELECT _row, direction, buyer_nick, account_nick, staff_id, strftime(sent_at, '%H:%M:%S'),"
        " text FROM chat_message ORDER BY _row"
    ).fetchall()


def test_gbk_crlf_copy_with_every_line_kind(ws: Workspace, write_file) -> None:
    path = write_file("聊天记录.txt", CHAT)  # GBK with CRLF line ends
    [result] = ws.ingest([path])
    assert (result.status, result.adapter, result.rows_read, result.accepted) == (
        "ok",
        "qianniu_chat_text",
        10,
        10,
    )
    assert messages(ws) == [
        # line, direction, buyer, account, staff, sent (UTC), text
        (1, "buyer", "tb_小明", XIAOMEI, XIAOMEI, "01:05:07", "在吗？\n这件有货吗"),
        (6, "agent", "tb_小明", XIAOMEI, XIAOMEI, "01:05:20", "在的亲"),  # time on next line
        (8, "auto", "tb_小明", XIAOMEI, XIAOMEI, "01:05:21", "[自动回复]亲，欢迎光临"),
        (10, "system", "tb_小明", XIAOWANG, XIAOWANG, "01:06:00", f"{XIAOMEI} --> {XIAOWANG} 2026-11-9 9:06:00"),
        (11, "system", "tb_小明", XIAOWANG, XIAOWANG, "01:06:00", f"由 服务助手 转交给 {XIAOWANG}"),
        (12, "system", "tb_小明", XIAOWANG, XIAOWANG, "01:06:00", "原因：【离线留言自动分配】"),
        # after the transfer the buyer talks to 小王; identical messages are both kept
        (13, "buyer", "tb_小明", XIAOWANG, XIAOWANG, "01:06:10", "好的"),
        (15, "buyer", "tb_小明", XIAOWANG, XIAOWANG, "01:06:10", "好的"),
        (18, "agent", "tb_小明", XIAOWANG, XIAOWANG, "01:06:30", "亲，我来为您服务"),
        (20, "system", "tb_小明", XIAOWANG, XIAOWANG, "01:06:30", "tb_小明撤回了一条消息"),
    ]  # fmt: skip
    staff = ws.warehouse.con.execute("SELECT staff_id, name, needs_review FROM staff ORDER BY 1")
    assert staff.fetchall() == [(XIAOWANG, "小王", True), (XIAOMEI, "小美", True)]


def test_reimport_changes_nothing(ws: Workspace, write_file) -> None:
    path = write_file("chat.txt", CHAT, encoding="utf-8", crlf=False)
    ws.ingest([path])
    keys = ws.warehouse.con.execute("SELECT count(DISTINCT message_id) FROM chat_message")
    assert keys.fetchall() == [(10,)]
    before = snapshot(ws)
    again = ws.ingestor.ingest_path(path, force=True)
    assert (again.status, again.unchanged, again.tables) == ("ok", 10, {"chat_message": 0})
    assert snapshot(ws) == before


def test_many_conversations_and_a_bad_time(ws: Workspace, write_file) -> None:
    text = f"""{XIAOMEI} 2026-11-10 10:00:00
亲，您的快递已发出
tb_甲 2026-11-10 10:00:30
好的谢谢
==========
tb_乙 2026-11-10 11:00:00
在吗
{XIAOWANG} 2026-13-45 11:00:05
在的
{XIAOWANG} 2026-11-10 11:00:09
亲，有什么可以帮您
"""
    [result] = ws.ingest([write_file("two.txt", text, encoding="utf-8")])
    assert (result.status, result.accepted, result.quarantined) == ("ok", 4, 1)
    got = [(m[0], m[1], m[2], m[3]) for m in messages(ws)]
    assert got == [
        (1, "agent", "tb_甲", XIAOMEI),  # the agent opened: buyer comes from the next line
        (3, "buyer", "tb_甲", XIAOMEI),
        (6, "buyer", "tb_乙", XIAOWANG),  # a separator starts a new conversation
        (10, "agent", "tb_乙", XIAOWANG),
    ]
    quarantine = ws.warehouse.con.execute(
        "SELECT file_name, row_number, column_name, reason FROM quarantine"
    ).fetchall()
    assert quarantine == [
        ("two.txt", 8, "时间", "列「时间」无法识别的日期时间「2026-13-45 11:00:05」")
    ]


def test_csv_files_are_never_chat_text() -> None:
    csv = "订单编号,买家会员名,订单创建时间\n1001,tb_甲,2026-11-10 10:00:00\n1002,tb_乙 2026-11-10 10:00:00\n"
    assert detect_chat_text(csv) == 0.0
    tsv = "买家\t时间\t内容\ntb_甲\t2026-11-10 10:00:00\t在吗\n"
    assert detect_chat_text(tsv) == 0.0
    assert detect_chat_text("订单导出说明\n请勿修改表头\n") == 0.0
    assert detect_chat_text(CHAT) == 0.9
