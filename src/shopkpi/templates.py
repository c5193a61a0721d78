"""Import templates for the files no platform exports (shared FIELD.md §1.6b).

``shopkpi template roster`` writes an xlsx with the Chinese headers the importers accept,
one example row, and a note on each header saying what the column takes. Importing a
template unchanged works (the example row lands), so a shop can start from it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class TemplateKind(StrEnum):
    roster = "roster"
    shifts = "shifts"
    targets = "targets"
    ratings = "ratings"
    evals = "evals"


@dataclass(frozen=True)
class Column:
    header: str
    example: str | int | dt.date | dt.time | None
    note: str = ""  # shown as the header cell's comment
    blank_type: type | None = None  # the cell type of a column whose example is blank

    @property
    def cell_type(self) -> type | None:
        return self.blank_type if self.example is None else type(self.example)


@dataclass(frozen=True)
class Template:
    sheet: str  # also the default file name
    columns: tuple[Column, ...]


_ACCOUNT = "示例旗舰店:小美"
TEMPLATES: dict[TemplateKind, Template] = {
    TemplateKind.roster: Template(
        "员工花名册",
        (
            Column("员工编号", "S001", "唯一编号，其他表用它指代员工"),
            Column("姓名", "小美"),
            Column("子账号", _ACCOUNT, "店铺名:客服名；多个用 ; 分隔"),
            Column(
                "角色", "售前", "售前/售后/运营/销售/供应链/设计/主管，或 presale_cs 等英文标识"
            ),
            Column("级别", "初级", "初级 → junior；中级、高级 → senior；组长 → lead"),
            Column("团队", "售前一组"),
            Column("主管", "王主管"),
            Column("入职日期", dt.date(2026, 1, 5), "子账号从这天起归此人；空 = 一直"),
            Column("离职日期", None, "空 = 在职", dt.date),
            Column("底薪", 4000, "元"),
            Column("绩效基数", 2000, "元"),
        ),
    ),
    TemplateKind.shifts: Template(
        "排班表",
        (
            Column("员工编号", "S001"),
            Column("日期", dt.date(2026, 11, 11)),
            Column("上班时间", dt.time(9, 0), "一天多段班写多行；休息日写 休 或不写"),
            Column("下班时间", dt.time(18, 0)),
        ),
    ),
    TemplateKind.targets: Template(
        "目标表",
        (
            Column("对象", "S001", "员工编号、团队名，或 店铺；也可写 团队:售前一组"),
            Column("周期", "2026-11", "月 2026-11、周 2026-W45、季 2026-Q4 或年 2026"),
            Column("指标", "cs_sales", "指标标识，如 cs_sales（客服销售额）"),
            Column("目标值", 30000),
        ),
    ),
    TemplateKind.ratings: Template(
        "主管评分",
        (
            Column("员工编号", "S001"),
            Column("周期", "2026-11", "月 2026-11 或周 2026-W45"),
            Column("维度", "态度.责任心", "考核方案中的评分项，如 态度.责任心"),
            Column("分数", 90),
            Column("评语", "主动跟进售后，责任心强"),
            Column("评分人", "王主管"),
        ),
    ),
    TemplateKind.evals: Template(
        "服务评价",
        (
            Column("客服", _ACCOUNT, "店铺名:客服名"),
            Column("买家", "t**8"),
            Column("邀评时间", dt.datetime(2026, 11, 11, 10, 0)),
            Column("评价时间", dt.datetime(2026, 11, 11, 10, 5), "未评价则留空"),
            Column("评价结果", "非常满意", "非常满意/满意/一般/不满意/非常不满意，或 0–4"),
            Column("来源", "客服邀评", "客服邀评/消费者自主评价/系统邀评，或 0/1/2"),
        ),
    ),
}

_NUM_FORMATS: dict[type, str] = {
    str: "@",  # ids and 周期 stay text when someone types into the column
    dt.datetime: "yyyy-mm-dd hh:mm:ss",
    dt.date: "yyyy-mm-dd",
    dt.time: "hh:mm",
}


def default_path(kind: TemplateKind) -> Path:
    return Path(f"{TEMPLATES[kind].sheet}模板.xlsx")


def write_template(kind: TemplateKind, path: Path | None = None) -> Path:
    """Write the template for ``kind`` as xlsx and return its path (never half-written)."""
    import xlsxwriter

    target = path or default_path(kind)
    template = TEMPLATES[kind]
    tmp = target.with_name(target.name + ".part")
    book = xlsxwriter.Workbook(str(tmp))
    sheet = book.add_worksheet(template.sheet)
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7"})
    formats = {t: book.add_format({"num_format": f}) for t, f in _NUM_FORMATS.items()}
    for i, col in enumerate(template.columns):
        cell_format = formats.get(col.cell_type) if col.cell_type else None
        sheet.set_column(i, i, max(12, 2 * len(col.header) + 4), cell_format)
        sheet.write_string(0, i, col.header, header)
        if col.note:
            sheet.write_comment(0, i, col.note)
        if col.example is not None:
            sheet.write(1, i, col.example, cell_format)
    sheet.freeze_panes(1, 0)
    book.close()
    tmp.replace(target)
    return target
