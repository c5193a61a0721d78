"""The demo's files carry the real exports' quirks (shared FIELD.md §1)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from shopkpi.demo import DemoFiles
from shopkpi.demo.generate import (
    CHAT_TEXT,
    EVALUATIONS,
    ITEM_REPORT,
    ORDER_REPORT,
    QIANNIU_WORKBOOK,
    RECEPTION,
    REFUND_REPORT,
    ROSTER,
    SHIFTS,
    TARGETS,
)
from shopkpi.demo.writers import item_report
from shopkpi.demo.writers.order_report import CLASSIC_HEADER, NEWER_COLUMNS
from tests.demo.conftest import only

STATUSES = {
    "等待买家付款",
    "买家已付款，等待卖家发货",
    "卖家已发货，等待买家确认",
    "交易成功",
    "交易关闭",
}
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
TRAILING_SPACE = ["收货地址 ", "联系电话 ", "订单付款时间 ", "宝贝标题 ", "宝贝种类 ", "物流单号 "]


def gbk_rows(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")  # CRLF only
    assert not data.startswith(b"\xef\xbb\xbf")
    text = data.decode("gbk")  # strict: raises if not GBK
    return list(csv.reader(io.StringIO(text, newline="")))


def test_order_reports_are_classic_gbk_with_quirks(small_files: DemoFiles) -> None:
    older, newer = small_files.by_kind(ORDER_REPORT)
    assert re.fullmatch(r"ExportOrderList\d{12}\.csv", newer.path.name)
    old_rows, new_rows = gbk_rows(older.path), gbk_rows(newer.path)
    assert old_rows[0] == list(CLASSIC_HEADER)
    assert new_rows[0] == list(CLASSIC_HEADER + NEWER_COLUMNS)
    assert all(h in new_rows[0] for h in TRAILING_SPACE)
    body = new_rows[1:]
    assert all(re.fullmatch(r'="\d{16,19}"', row[0]) for row in body)
    assert all(row[16].startswith("'1") for row in body)  # 联系手机
    assert {row[10] for row in body} == STATUSES
    assert all((row[27] == "订单未关闭") == (row[10] != "交易关闭") for row in body)
    assert any("元" in row[44] for row in body)  # 打款商家金额 like 123.00元
    raw = newer.path.read_bytes().decode("gbk")
    assert '\r\n="' in raw  # ids are written bare, not CSV-quoted


def test_newer_order_export_moves_statuses_forward(small_files: DemoFiles) -> None:
    older, newer = (gbk_rows(f.path) for f in small_files.by_kind(ORDER_REPORT))
    before = {row[0]: row[10] for row in older[1:]}
    after = {row[0]: row[10] for row in newer[1:]}
    assert set(before) < set(after)
    changed = {(before[k], after[k]) for k in before if before[k] != after[k]}
    assert ("卖家已发货，等待买家确认", "交易成功") in changed
    assert all(b != "交易成功" for b, _ in changed)  # success never goes back


def test_item_report_is_line_level(small_files: DemoFiles) -> None:
    rows = gbk_rows(only(small_files, ITEM_REPORT))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["子订单编号", "主订单编号", "商品标题", "商品价格"]
    assert header[-1] == "物流公司" and len(header) == 20
    assert all(r[0].startswith('="') and r[1].startswith('="') for r in body)
    refund = header.index("退款金额")
    assert "无退款申请" in {r[refund] for r in body}
    assert any(re.fullmatch(r"\d+\.\d\d", r[refund]) for r in body)
    props = header.index("商品属性")
    assert any(re.fullmatch(r"颜色分类:[^;]+;尺码:(S|M|L|XL|XXL)", r[props]) for r in body)
    orders = [r[1] for r in body]
    assert len(set(orders)) < len(orders)  # multi-line orders share 主订单编号


def sheets(path: Path) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_qianniu_workbook_has_three_sheets_with_new_names(small_files: DemoFiles) -> None:
    path = only(small_files, QIANNIU_WORKBOOK)
    assert re.fullmatch(r"千牛订单导出_\d{12}\.xlsx", path.name)
    book = sheets(path)
    assert list(book) == ["订单报表", "销售明细", "发货报表"]
    header, body = book["订单报表"][0], book["订单报表"][1:]
    assert {"买家实付金额", "确认收货打款金额", "发货时间", "确认收货时间", "商家备注"} <= set(
        header
    )
    assert "买家实际支付金额" not in header and all(h == h.strip() for h in header)
    column = {name: i for i, name in enumerate(header)}
    assert all(re.fullmatch(r"\d{16,19}", row[0]) for row in body)  # text cells: every digit
    assert {row[column["订单状态"]] for row in body} == STATUSES
    assert all(TIMESTAMP.fullmatch(str(row[column["订单创建时间"]])) for row in body)
    assert all(isinstance(row[column["买家实付金额"]], float) for row in body)
    assert any(row[column["确认收货打款金额"]] for row in body)
    assert book["销售明细"][0] == list(item_report.HEADER)  # 子订单编号 and 主订单编号


def test_qianniu_shipment_sheet_lists_shipped_orders(small_files: DemoFiles) -> None:
    book = sheets(only(small_files, QIANNIU_WORKBOOK))
    header, body = book["发货报表"][0], book["发货报表"][1:]
    assert {"订单编号", "物流单号", "物流公司", "发货时间", "收货地址"} <= set(header)
    assert not {"买家实付金额", "买家应付货款", "买家应付邮费"} & set(header)  # not an order report
    column = {name: i for i, name in enumerate(header)}
    assert body and all(row[column["物流单号"]] and row[column["物流公司"]] for row in body)
    assert all(TIMESTAMP.fullmatch(str(row[column["发货时间"]])) for row in body)
    assert all(re.match(r"\S+ \S+ \S+ ", str(row[column["收货地址"]])) for row in body)
    orders = book["订单报表"]
    shipped_at = orders[0].index("发货时间")
    assert len(body) == sum(1 for row in orders[1:] if row[shipped_at])


def test_qianniu_workbook_is_the_latest_export(small_files: DemoFiles) -> None:
    """The shop switched to the workbook for the final export: it is newer than every CSV."""
    workbook = only(small_files, QIANNIU_WORKBOOK)
    csvs = [f.path for f in small_files.by_kind(ORDER_REPORT) + small_files.by_kind(ITEM_REPORT)]
    stamp = re.compile(r"\d{12}")
    newest_csv = max(stamp.findall(p.name)[0] for p in csvs)
    assert stamp.findall(workbook.name)[0] > newest_csv
    last_csv = gbk_rows(small_files.by_kind(ORDER_REPORT)[-1].path)
    before = {row[0].strip('="'): row[10] for row in last_csv[1:]}
    orders = sheets(workbook)["订单报表"]
    status = orders[0].index("订单状态")
    after = {str(row[0]): row[status] for row in orders[1:]}
    assert set(before) < set(after)
    changed = {(before[k], after[k]) for k in before if before[k] != after[k]}
    assert changed and all(b != "交易成功" for b, _ in changed)  # success never goes back
    csv_lines = {row[0] for row in gbk_rows(only(small_files, ITEM_REPORT))[1:]}
    book_lines = {f'="{row[0]}"' for row in sheets(workbook)["销售明细"][1:]}
    assert csv_lines < book_lines  # same 子订单编号 keys: lines update, never duplicate


def test_refund_report_has_both_stages_and_kinds(small_files: DemoFiles) -> None:
    rows = gbk_rows(only(small_files, REFUND_REPORT))
    header, body = rows[0], rows[1:]
    assert header[0] == "退款编号" and header[-1] == "售中或售后"
    column = {name: i for i, name in enumerate(header)}
    assert {r[column["售中或售后"]] for r in body} == {"售中退款", "售后退款"}
    assert {r[column["部分退款/全部退款"]] for r in body} == {"部分退款", "全部退款"}
    assert {r[column["是否需要退货"]] for r in body} == {"是", "否"}
    assert "退款成功" in {r[column["退款状态"]] for r in body}


def test_reception_json_both_shapes(small_files: DemoFiles) -> None:
    files = small_files.by_kind(RECEPTION)
    page = json.loads(files[0].path.read_text(encoding="utf-8"))
    bundle = json.loads(files[-1].path.read_text(encoding="utf-8"))
    row = page["data"]["dataSource"][0]
    assert {"dataId", "buyerNick", "psnNickName", "gmtCreated", "msg", "msgId"} <= set(row)
    session = bundle["sessions"][0]
    meta, message = session["meta"], session["messages"][0]
    assert re.fullmatch(r"\d{8}_\d+_\d+_\d+", meta["dataId"])
    assert meta["psnNickName"] == f"示例旗舰店:{meta['accountNick']}"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", meta["startTime"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.000", message["gmtCreated"])
    everything = [s["meta"] for f in files[2:] for s in json.loads(f.path.read_text())["sessions"]]
    assert {m["isSellerFst"] for m in everything} == {"买家发起", "客服主动跟进"}
    assert {m["isUnReply"] for m in everything} == {"已回复", "未回复"}
    assert any("**" in m["buyerNick"] for m in everything)  # masked nicks like t**8


def test_chat_text_is_qianniu_copy_paste(small_files: DemoFiles) -> None:
    files = small_files.by_kind(CHAT_TEXT)
    assert len(files) >= 2
    raw = [f.path.read_bytes() for f in files]
    assert all(b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"") for data in raw)
    texts = [raw[0].decode("gbk"), *(d.decode("utf-8") for d in raw[1:])]
    joined = "\r\n".join(texts)
    header = r"(?m)^\S+ \d{4}-[1-9]\d?-[1-9]\d? [12]?\d:\d\d:\d\d\r?$"
    assert re.search(header, joined)
    assert re.search(r"(?m)^\d{4}-[1-9]\d?-[1-9]\d? [12]?\d:\d\d:\d\d\r?$", joined)  # time alone
    assert re.search(r"(?m)^示例旗舰店:\S+ --> 示例旗舰店:\S+ \d{4}-", joined)
    assert "已读" in joined and "撤回了一条消息" in joined


def test_workbooks_have_template_headers(small_files: DemoFiles) -> None:
    expected = {
        EVALUATIONS: ["客服", "买家", "邀评时间", "评价时间", "评价结果", "来源"],
        ROSTER: ["员工编号", "姓名", "子账号", "角色", "级别", "团队", "主管", "入职日期",
                 "离职日期", "底薪", "绩效基数"],
        SHIFTS: ["员工编号", "日期", "上班时间", "下班时间"],
    }  # fmt: skip
    for kind, header in expected.items():
        book = CalamineWorkbook.from_path(str(only(small_files, kind)))
        rows = book.get_sheet_by_index(0).to_python()
        assert rows[0] == header
        assert len(rows) > 1
    roster = CalamineWorkbook.from_path(str(only(small_files, ROSTER))).get_sheet_by_index(0)
    assert {r[3] for r in roster.to_python()[1:]} == {"售前", "售后", "主管"}


def test_targets_csv(small_files: DemoFiles) -> None:
    rows = gbk_rows(only(small_files, TARGETS))
    assert rows[0] == ["对象", "周期", "指标", "目标值"]
    periods = {r[1] for r in rows[1:]}
    assert "2026-11" in periods and any("-W" in p for p in periods)
    assert "店铺" in {r[0] for r in rows[1:]}
