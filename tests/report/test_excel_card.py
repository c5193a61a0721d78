"""Person sheets: the scorecard line by line, pending items marked (see fixture.py)."""

from __future__ import annotations

import openpyxl

from tests.report.workbook import MONEY, row_starting, rows


def test_a_person_sheet_explains_the_score_line_by_line(book: openpyxl.Workbook) -> None:
    ws = book["王芳"]
    got = rows(ws)
    assert got[0] == ["王芳（s001）· 2026-11 评分卡"]
    assert got[1] == ["方案：售前-导出（2026-11） · 团队：A组 · 岗位：售前 · 职级：初级"]
    assert got[4] == [
        "分项", "指标", "原始值", "目标", "达成率", "得分", "权重", "部分权重", "贡献", "状态",
        "计分规则", "说明",
    ]  # fmt: skip
    assert got[5] == [
        "业绩", "询单→最终付款转化率", 0.46, None, None, 100, 50, 80, 40, "定稿",
        "档位：≥0.45→100，≥0.4→80，≥0.35→60，其余→0",
    ]  # fmt: skip
    assert got[6][:10] == ["业绩", "客服销售额", 22000, 20000, 1.1, 110, 50, 80, 44, "定稿"]
    assert got[7][:10] == ["态度", "态度.责任心", 80, None, None, 80, 100, 20, 16, "定稿"]
    assert ws["C6"].number_format == "0.00%" and ws["C7"].number_format == MONEY
    assert ws["E7"].number_format == "0.00%"
    assert row_starting(ws, "小计") == ["小计", None, None, 100]
    assert row_starting(ws, "违规次数") == [
        "违规次数",
        "compliance_violations",
        1,
        2,
        10,
        2,
        "定稿",
    ]
    assert row_starting(ws, "扣分", after=10) == [
        "扣分", "扣分：违规次数 1 次 × 2 分 = 扣 2 分（最多 10 分）"
    ]  # fmt: skip
    assert row_starting(ws, "总分") == ["总分", 98]
    assert row_starting(ws, "等级") == ["等级", "金牌"]
    pay = [row_starting(ws, k)[1] for k in ("绩效工资", "提成", "奖金池分配", "扣款", "奖金合计")]
    assert pay == [2400, 290, 348.75, 50, 2988.75]
    explained = [
        r[0]
        for r in got
        if r and str(r[0]).startswith(("绩效工资：", "提成（", "奖金池分配：", "扣款："))
    ]
    assert explained == [
        "绩效工资：绩效基数 2000 × 金牌系数 1.2 = 2400",
        "提成（分段累进）：客服销售额 22000 → 290",
        "奖金池分配：按总分占比 → 348.75",
        "扣款：违规次数 1 次 × 50 元 = 50",
    ]


def test_a_pending_item_is_marked_on_the_person_sheet(book: openpyxl.Workbook) -> None:
    ws = book["张伟"]
    assert rows(ws)[2] == ["状态：待定 —— 含待定项，总分或奖金还会变（未定稿）"]
    assert rows(ws)[5][:10] == [
        "业绩", "询单→最终付款转化率", 0.45, None, None, 100, 50, 80, 40, "待定",
    ]  # fmt: skip
    assert ws["J6"].fill.fgColor.rgb == "FFFFEB9C"
    assert row_starting(ws, "总分状态") == ["总分状态", "待定"]
    assert row_starting(ws, "奖金状态") == ["奖金状态", "待定"]
