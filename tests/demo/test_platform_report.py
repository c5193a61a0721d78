"""The demo's 客服绩效 report: computed from the simulation by the platform's conventions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from python_calamine import CalamineWorkbook

from shopkpi.demo import DemoFiles, DemoOptions
from shopkpi.demo.generate import PLATFORM_REPORT
from shopkpi.demo.history import ShopHistory, simulate
from shopkpi.demo.model import (
    Buyer,
    Conversation,
    Evaluation,
    Level,
    Message,
    Order,
    Role,
    Side,
    Staff,
    Traits,
)
from shopkpi.demo.platform_report import compute, report_period
from shopkpi.demo.writers import platform_report
from shopkpi.demo.writers.platform_report import HEADER
from tests.demo.conftest import only

TRAITS = Traits("steady", 20, 1, 1, 0.4, 0, 0, 0)


def _staff(staff_id: str, nick: str) -> Staff:
    return Staff(
        staff_id, nick, nick, Role.presale, Level.junior, "售前组", "", dt.date(2026, 1, 1),
        None, Decimal(3600), Decimal(1500), staff_id, TRAITS,
    )  # fmt: skip


def _buyer(nick: str) -> Buyer:
    return Buyer(nick, "2000000001", "张三", "13800000000", "138****0000", "上海", "上海市")


A, B = _staff("S001", "小美"), _staff("S002", "阿强")
X, Y, Z = _buyer("x**1"), _buyer("y**2"), _buyer("z**3")


def _at(day: int, clock: str) -> dt.datetime:
    h, m, s = (int(p) for p in clock.split(":"))
    return dt.datetime(2026, 11, day, h, m, s)


def _msg(day: int, clock: str, side: Side, agent: Staff, text: str = "好的") -> Message:
    return Message(_at(day, clock), side, agent, text)


def _history(end: dt.date, days: int) -> ShopHistory:
    """Three buyers on 11-10/11 (see the test for the expected figures)."""
    x = Conversation(X, "presale", [
        _msg(10, "10:00:00", Side.buyer, A, "在吗"),
        _msg(10, "10:00:02", Side.auto, A, "[自动回复]欢迎光临"),
        _msg(10, "10:00:30", Side.agent, A, "在的亲"),
        _msg(10, "10:01:00", Side.buyer, A, "这件有M码吗"),
        _msg(10, "10:04:00", Side.agent, A, "有的"),
        _msg(10, "10:05:00", Side.buyer, A),
        _msg(10, "10:20:00", Side.buyer, A, "拍了"),  # 15 idle minutes: a new session
        _msg(10, "10:23:00", Side.agent, A, "好的亲"),
        Message(_at(10, "10:24:00"), Side.transfer, B, "", peer=A),
        _msg(10, "10:25:00", Side.buyer, B, "还有个问题"),
        _msg(10, "10:26:00", Side.agent, B, "您说"),
    ])  # fmt: skip
    y = Conversation(Y, "presale", [
        _msg(10, "07:00:00", Side.buyer, A, "在吗"),  # before 08:00: out of service hours
        _msg(10, "07:00:02", Side.auto, A, "[自动回复]客服 8 点上班"),
        _msg(10, "08:05:00", Side.agent, A, "早上好"),
    ])  # fmt: skip
    z = Conversation(Z, "presale", [_msg(11, "14:00:00", Side.buyer, A, "你好")])
    order = Order("1", X, _at(10, "10:21:00"), [], Decimal(0), Decimal(0), A, _at(10, "10:22:00"))
    evaluations = [
        Evaluation(A, X, None, _at(10, "11:00:00"), 0, 1),
        Evaluation(A, Y, None, _at(11, "09:00:00"), 3, 1),
        Evaluation(B, X, None, dt.datetime(2026, 10, 31, 9), 0, 1),  # before the period
    ]
    return ShopHistory(
        DemoOptions(staff=3, days=days, end=end), [A, B], [], [], [X, Y, Z], [x, y, z],
        [order], [], evaluations,
    )  # fmt: skip


def _sheet(path: Path) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


def test_figures_by_hand(tmp_path: Path) -> None:
    # History 10-27..12-10: November is the last full month; exported 12-11 09:30, after
    # the order window (to 12-01) plus the 4-day buffer, so conversions are final.
    history = _history(dt.date(2026, 12, 10), 45)
    report = compute(history)
    assert (report.start, report.end, report.pending) == (
        dt.date(2026, 11, 1), dt.date(2026, 11, 30), False,
    )  # fmt: skip
    path, agents = platform_report.write(tmp_path, history)
    assert path.name == "自定义报表_客服绩效_下单优先判定_2026-11-01至2026-11-30.xlsx"
    assert agents == 2
    rows = _sheet(path)
    assert "下单优先判定" in str(rows[0][0])
    assert tuple(rows[2]) == HEADER
    got = {str(r[0]): dict(zip(HEADER, r, strict=True)) for r in rows[3:]}
    assert list(got) == ["示例旗舰店:小美", "示例旗舰店:阿强", "汇总", "均值"]
    mei, qiang, total, mean = got.values()
    # 小美: x (received), y (received at 07:00, answered 08:05), z (never answered).
    assert {h: mei[h] for h in HEADER[1:]} == {
        "聊天人数(原咨询人数)": 3, "接待人数": 2, "直接接入人数": 2, "转发接入人数": 0,
        "转出人数": 1,  # x was handed to 阿强
        "总消息数": 10, "买家消息数": 6, "客服消息数": 4,  # auto-replies are not the agent's
        "答问比": 0.67,  # 4 / 6
        "客服字数": 11,  # 在的亲 + 有的 + 好的亲 + 早上好
        "最大同时聊天数": 1, "未回复人数": 1,
        "回复率": "66.67%",  # 2 / 3
        "慢接待人数": 0,  # two slow rounds (180 s, 1080 s) for x: fewer than 3
        "长接待人数": 0,
        "首次响应(秒)": 105,  # sessions of x: 30 s and 180 s; y's 07:00 is out of hours
        "平均响应(秒)": 270,  # x's rounds 30 + 180 + min(1080, 600) = 810 over 3
        "平均接待时长": "00:04:00",  # x's sessions 300 s and 180 s
        "询单->最终付款转化率": "50.00%",  # x converted (order credited by 10:04 touch), y not
        "上班天数": 1,  # z's day had no human reply
        "客户满意率": "50.00%",  # 非常满意 + 不满意
    }  # fmt: skip
    assert (qiang["接待人数"], qiang["直接接入人数"], qiang["转发接入人数"]) == (1, 0, 1)
    assert (qiang["平均响应(秒)"], qiang["首次响应(秒)"], qiang["平均接待时长"]) == (
        60, 60, "00:01:00",
    )  # fmt: skip
    # x had paid 3 minutes before writing to 阿强 and ordered nothing new: after-sale.
    assert (qiang["询单->最终付款转化率"], qiang["客户满意率"]) == ("-", "-")
    assert (total["聊天人数(原咨询人数)"], total["回复率"], total["平均响应(秒)"]) == (
        4, "75.00%", 217.5,  # 3 / 4; (810 + 60) / 4
    )  # fmt: skip
    assert (total["首次响应(秒)"], total["平均接待时长"], total["询单->最终付款转化率"]) == (
        90, "00:03:00", "50.00%",  # (210 + 60) / 3; (480 + 60) / 3; 1 / 2
    )  # fmt: skip
    assert (mean["聊天人数(原咨询人数)"], mean["回复率"], mean["询单->最终付款转化率"]) == (
        2, "83.33%", "50.00%",  # (3 + 1) / 2; mean of 66.67% and 100%; only 小美 has one
    )  # fmt: skip


def test_conversion_pending_until_the_buffer_passes(tmp_path: Path) -> None:
    # History to 11-30: November is full, but the export (12-01) is inside the buffer.
    history = _history(dt.date(2026, 11, 30), 30)
    assert compute(history).pending
    path, _ = platform_report.write(tmp_path, history)
    rows = _sheet(path)[3:]
    column = HEADER.index("询单->最终付款转化率")
    assert {r[column] for r in rows} == {"延迟统计"}  # agents, 汇总 and 均值 alike


def test_report_period() -> None:
    def period(end: str, days: int) -> tuple[dt.date, dt.date]:
        opts = DemoOptions(staff=3, days=days, end=dt.date.fromisoformat(end))
        return report_period(ShopHistory(opts, [], [], [], [], [], [], [], []))

    d = dt.date
    assert period("2026-11-22", 56) == (d(2026, 10, 1), d(2026, 10, 31))  # the default demo
    assert period("2026-11-22", 10) == (d(2026, 11, 13), d(2026, 11, 22))  # no full month
    assert period("2026-11-30", 30) == (d(2026, 11, 1), d(2026, 11, 30))
    assert period("2026-11-29", 60) == (d(2026, 10, 1), d(2026, 10, 31))


def test_small_demo_report(small_files: DemoFiles, small_history: ShopHistory) -> None:
    path = only(small_files, PLATFORM_REPORT)
    assert path.name.startswith("自定义报表_客服绩效_下单优先判定_2026-11-02至2026-11-22")
    rows = _sheet(path)[3:]
    assert [r[0] for r in rows[-2:]] == ["汇总", "均值"]
    agents = rows[:-2]
    accounts = {p.account for p in small_history.staff}
    assert agents and {r[0] for r in agents} <= accounts
    for header in ("聊天人数(原咨询人数)", "接待人数", "客服消息数", "未回复人数", "上班天数"):
        i = HEADER.index(header)
        assert rows[-2][i] == sum(r[i] for r in agents), header  # type: ignore[misc]
    conversion = HEADER.index("询单->最终付款转化率")
    assert {r[conversion] for r in rows} == {"延迟统计"}  # exported the morning after
    rate = HEADER.index("回复率")
    assert all(str(r[rate]).endswith("%") for r in rows)


def test_a_full_month_is_final() -> None:
    history = simulate(DemoOptions(staff=4, days=56, scale=0.1, seed=5))
    report = compute(history)
    assert (report.start, report.end, report.pending) == (
        dt.date(2026, 10, 1), dt.date(2026, 10, 31), False,
    )  # fmt: skip
    assert sum(f.inquiries for f in report.agents) > 0
    assert sum(f.paid_inquiries for f in report.agents) > 0
