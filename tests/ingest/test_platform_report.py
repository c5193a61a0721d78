"""The platform's 客服绩效 custom report lands in ``platform_cs_report``, one row per agent × metric."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from shopkpi.ingest.adapters.platform_report import parse_report_name
from shopkpi.workspace import Workspace

NAME = "自定义报表_客服日报_下单优先判定_2026-11-01至2026-11-30.xlsx"
HEADER = [
    "客服昵称", "聊天人数(原咨询人数)", "接待人数", "直接接入人数", "转发接入人数", "转出人数",
    "总消息数", "买家消息数", "客服消息数", "答问比", "客服字数", "最大同时聊天数", "未回复人数",
    "回复率", "慢接待人数", "长接待人数", "首次响应(秒)", "平均响应(秒)", "平均接待时长",
    "询单->最终付款转化率", "上班天数", "客户满意率",
]  # fmt: skip
Cell = str | int | float | None


def write_xlsx(path: Path, rows: list[list[Cell]], title: str | None = None) -> Path:
    """An xlsx like the platform's: optional title line, header, rows (numbers stay numbers)."""
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("客服绩效")
    start = 0
    if title:
        ws.write(0, 0, title)
        start = 2
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                ws.write(start + r, c, value)
    book.close()
    return path


ROWS: list[list[Cell]] = [
    HEADER,
    # Numbers as numbers, the rate as an xlsx fraction, 延迟统计 pending, a seconds string.
    ["示例旗舰店:小美", 120, 110, 100, 10, 3, 900, 400, 500, "125%", 8000, 6, 2, "98.5%", 4, 7,
     "12.5", 35, "00:05:23", "延迟统计", 20, 0.9],
    # Full-width colon and cntaobao prefix; percent strings; 分秒 duration; '-' cell skipped.
    ["cntaobao示例旗舰店：阿强", "1,050", "1000", 990, 10, 0, 8000, 3500, 4500, 1.28, 60000, 9,
     0, "100%", "-", 12, 20, "41", "6分5秒", "33.33%", 22, "95.0%"],
    ["汇总", 1170, 1110, 1090, 20, 3, 8900, 3900, 5000, "128%", 68000, 9, 2, "99.8%", 4, 19,
     19, 40, 360, "延迟统计", 42, "94%"],
    ["均值", 585, 555, 545, 10, 1.5, 4450, 1950, 2500, "128%", 34000, 7.5, 1, "99.2%", 2, 9.5,
     16, 38, 344, "延迟统计", 21, "92.5%"],
]  # fmt: skip


def report(ws: Workspace) -> dict[tuple[str, str], tuple[object, ...]]:
    rows = ws.warehouse.con.execute(
        """SELECT account_nick, metric_id, value, pending, raw_value, rule, period_start,
                  period_end, report_name, column_name FROM platform_cs_report"""
    ).fetchall()
    return {(r[0], r[1]): r[2:] for r in rows}


def test_every_column_maps_to_a_metric(ws: Workspace, tmp_path: Path) -> None:
    [result] = ws.ingest([write_xlsx(tmp_path / NAME, ROWS, title="客服绩效（自定义报表）")])
    assert (result.status, result.adapter) == ("ok", "platform_cs_report"), result.message
    assert (result.rows_read, result.accepted, result.quarantined) == (2, 2, 0)
    rows = report(ws)
    mei, qiang = "示例旗舰店:小美", "示例旗舰店:阿强"
    assert {nick for nick, _ in rows} == {mei, qiang}  # 汇总 and 均值 skipped
    assert len([k for k in rows if k[0] == mei]) == 21
    assert len([k for k in rows if k[0] == qiang]) == 20  # 慢接待人数 '-' is no value
    values = {k: v[0] for k, v in rows.items()}
    d = Decimal
    assert values[(mei, "consulted_buyers")] == d(120)
    assert values[(mei, "answer_question_ratio")] == d("1.25")
    assert values[(mei, "reply_rate")] == d("0.985")
    assert values[(mei, "first_response_seconds")] == d("12.5")
    assert values[(mei, "avg_session_seconds")] == d(323)  # 00:05:23
    assert values[(mei, "satisfaction_rate")] == d("0.9")
    assert values[(qiang, "consulted_buyers")] == d(1050)  # "1,050"
    assert values[(qiang, "answer_question_ratio")] == d("1.28")  # bare number: a ratio
    assert values[(qiang, "reply_rate")] == d(1)
    assert values[(qiang, "avg_session_seconds")] == d(365)  # 6分5秒
    assert values[(qiang, "inquiry_to_paid_rate")] == d("0.3333")
    assert values[(qiang, "satisfaction_rate")] == d("0.95")
    assert values[(qiang, "days_worked")] == d(22)
    # 延迟统计: pending, NULL, never 0.
    assert rows[(mei, "inquiry_to_paid_rate")][:3] == (None, True, "延迟统计")
    assert rows[(mei, "reply_rate")][1:3] == (False, "98.5%")
    rule, start, end, name, column = rows[(mei, "reply_rate")][3:]
    assert (rule, start, end, name) == (
        "order_first", dt.date(2026, 11, 1), dt.date(2026, 11, 30), "客服日报",
    )  # fmt: skip
    assert column == "回复率"


def test_alias_headers_and_partial_custom_report(ws: Workspace, tmp_path: Path) -> None:
    name = "自定义报表_周报_付款判定_20261109至20261115 (1).xlsx"
    rows: list[list[Cell]] = [
        ["客服昵称", "咨询人数", "询单->最终付款转化率", "备注"],
        ["示例旗舰店:小美", 30, "40%", "手工备注"],
    ]
    [result] = ws.ingest([write_xlsx(tmp_path / name, rows)])
    assert (result.status, result.adapter) == ("ok", "platform_cs_report"), result.message
    assert "备注" in result.message  # ignored column named
    got = report(ws)
    assert got[("示例旗舰店:小美", "consulted_buyers")][0] == Decimal(30)
    assert got[("示例旗舰店:小美", "inquiry_to_paid_rate")][3:6] == (
        "order_paid", dt.date(2026, 11, 9), dt.date(2026, 11, 15),
    )  # fmt: skip


def test_bad_cells_quarantine_their_row(ws: Workspace, tmp_path: Path) -> None:
    rows: list[list[Cell]] = [
        ["客服昵称", "接待人数", "回复率", "平均响应(秒)"],
        ["示例旗舰店:小美", 10, "abc", 20],  # unreadable percent
        ["示例旗舰店:阿强", 10, "120%", 20],  # a rate over 100%
        [None, 10, "90%", 20],  # no nick
        ["示例旗舰店:小丽", "十", "90%", "半分钟"],
        ["示例旗舰店:小红", 8, "90%", 25],
        ["示例旗舰店:小红", 8, "90%", 25],  # exact duplicate
    ]
    [result] = ws.ingest([write_xlsx(tmp_path / NAME, rows)])
    assert result.status == "ok", result.message
    assert (result.rows_read, result.quarantined, result.duplicates, result.accepted) == (
        6, 4, 1, 1,
    )  # fmt: skip
    assert {k[0] for k in report(ws)} == {"示例旗舰店:小红"}
    reasons = dict(ws.warehouse.con.execute("SELECT row_number, reason FROM quarantine").fetchall())
    assert "回复率" in reasons[2] and "abc" in reasons[2]
    assert "超过 100%" in reasons[3]
    assert "缺少客服昵称" in reasons[4]
    assert "接待人数" in reasons[5] and "平均响应(秒)" in reasons[5]


def test_name_without_period_is_refused(ws: Workspace, tmp_path: Path) -> None:
    [result] = ws.ingest([write_xlsx(tmp_path / "客服绩效.xlsx", ROWS)])
    assert result.status == "refused"
    assert "统计周期" in result.message and "文件名" in result.message
    assert ws.warehouse.count("platform_cs_report") == 0


def test_name_without_rule_imports_as_unknown(ws: Workspace, tmp_path: Path) -> None:
    [result] = ws.ingest([write_xlsx(tmp_path / "客服绩效_2026-11-01至2026-11-30.xlsx", ROWS)])
    assert result.status == "ok", result.message
    assert "判定规则" in result.message
    rules = ws.warehouse.con.execute("SELECT DISTINCT rule FROM platform_cs_report").fetchall()
    assert rules == [("unknown",)]


def test_date_column_overrides_the_period(ws: Workspace, tmp_path: Path) -> None:
    rows: list[list[Cell]] = [
        ["日期", "客服昵称", "接待人数", "回复率"],
        ["2026-11-11", "示例旗舰店:小美", 10, "90%"],
        ["2026-11-12", "示例旗舰店:小美", 12, "100%"],
        ["汇总", None, 22, "95%"],
    ]
    [result] = ws.ingest([write_xlsx(tmp_path / "自定义报表_分日_下单判定.xlsx", rows)])
    assert result.status == "ok", result.message
    got = ws.warehouse.con.execute(
        """SELECT period_start, period_end, value FROM platform_cs_report
           WHERE metric_id = 'received_buyers' ORDER BY 1"""
    ).fetchall()
    nov = dt.date(2026, 11, 11), dt.date(2026, 11, 12)
    assert got == [(nov[0], nov[0], Decimal(10)), (nov[1], nov[1], Decimal(12))]


def test_later_download_replaces_pending_cells(ws: Workspace, tmp_path: Path) -> None:
    first = [[*HEADER[:2], "询单->最终付款转化率"], ["示例旗舰店:小美", 120, "延迟统计"]]
    later = [[*HEADER[:2], "询单->最终付款转化率"], ["示例旗舰店:小美", 120, "41.5%"]]
    ws.ingest([write_xlsx(tmp_path / "a" / NAME, first)])
    [result] = ws.ingest([write_xlsx(tmp_path / "b" / NAME, later)])
    assert (result.status, result.overwritten, result.unchanged) == ("ok", 1, 1)
    value, pending = ws.warehouse.con.execute(
        "SELECT value, pending FROM platform_cs_report WHERE metric_id = 'inquiry_to_paid_rate'"
    ).fetchall()[0]
    assert (value, pending) == (Decimal("0.415"), False)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (NAME, ("客服日报", "order_first", dt.date(2026, 11, 1), dt.date(2026, 11, 30))),
        (
            "自定义报表_售前_组一_下单判定_2026年11月1日至2026年11月7日.xlsx",
            ("售前_组一", "order_created", dt.date(2026, 11, 1), dt.date(2026, 11, 7)),
        ),
        (
            "自定义报表_月报_付款判定_20261101至20261130.xlsx",
            ("月报", "order_paid", dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
        ),
        ("客服绩效.xlsx", (None, "unknown", None, None)),
        ("自定义报表_x_下单优先判定_2026-02-30至2026-03-01.xlsx", ("x", "order_first", None, None)),
    ],
)
def test_parse_report_name(name: str, expected: tuple[object, ...]) -> None:
    got = parse_report_name(name)
    assert (got.report_name, got.rule, got.start, got.end) == expected
