"""The workbook opens cleanly in LibreOffice: a headless conversion of every sheet to CSV.

The CSV filter writes cells as shown (token 9), so it checks LibreOffice's own reading of
the number formats, the Chinese text and the totals row, sheet by sheet (token 12 = -1).
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.report.workbook import write_fixture

# separator ",", quote '"', UTF-8 (76), from line 1, …, detect numbers, as shown, all sheets
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"


def convert(xlsx: Path, out: Path, profile: Path) -> dict[str, list[list[str]]]:
    """Each sheet of ``xlsx`` as LibreOffice reads it: sheet name → CSV rows."""
    soffice = shutil.which("soffice")
    assert soffice is not None
    command = [
        soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
        "--convert-to", CSV_FILTER, "--outdir", str(out), str(xlsx),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    prefix = f"{xlsx.stem}-"
    sheets = {}
    for f in sorted(out.glob("*.csv")):
        with f.open(encoding="utf-8", newline="") as fh:
            sheets[f.stem.removeprefix(prefix)] = list(csv.reader(fh))
    return sheets


@pytest.mark.libreoffice
def test_libreoffice_reads_every_sheet_with_chinese_headers_and_money(tmp_path: Path) -> None:
    xlsx = write_fixture(tmp_path / "book.xlsx")
    sheets = convert(xlsx, tmp_path / "csv", tmp_path / "lo-profile")
    assert sorted(sheets) == sorted([
        "得分与奖金", "考核方案", "王芳", "王芳-s002", "李_测试__客服_超长名字ABCDEFGHIJKLMNOPQR",
        "张伟",
    ])  # fmt: skip
    summary = sheets["得分与奖金"]
    assert summary[2][:10] == [
        "员工编号", "姓名", "团队", "岗位", "职级", "方案", "方案版本", "总分", "等级", "状态",
    ]  # fmt: skip
    assert summary[3] == [
        "s001", "王芳", "A组", "售前", "初级", "售前-导出", "2026-11", "98.00", "金牌", "定稿",
        "¥2,000.00", "1.2", "¥2,400.00", "¥22,000.00", "¥290.00", "¥348.75", "¥50.00",
        "¥2,988.75", "",
    ]  # fmt: skip
    assert summary[6][9] == "待定"
    assert summary[7][:2] == ["合计", "4 人"]
    assert summary[7][10:18] == [
        "¥8,300.00", "", "¥8,310.00", "¥90,000.00", "¥1,320.00", "¥1,000.00", "¥50.00",
        "¥10,580.00",
    ]  # fmt: skip


@pytest.mark.libreoffice
def test_libreoffice_reads_the_person_and_plan_sheets(tmp_path: Path) -> None:
    sheets = convert(write_fixture(tmp_path / "book.xlsx"), tmp_path / "csv", tmp_path / "lo")
    person = sheets["张伟"]
    assert person[0][0] == "张伟（s004）· 2026-11 评分卡"
    assert person[5][:10] == [
        "业绩", "询单→最终付款转化率", "45.00%", "", "", "100.00", "50", "80", "40.00", "待定",
    ]  # fmt: skip
    assert person[6][:5] == ["业绩", "客服销售额", "¥20,000.00", "¥20,000.00", "100.00%"]
    assert ["奖金合计", "¥2,744.52"] in [row[:2] for row in person]
    plan = sheets["考核方案"]
    assert plan[0][0] == "考核方案：售前-导出（2026-11）"
    assert ["适用对象", "售前（个人）"] in [row[:2] for row in plan]
    assert ["plan: 售前-导出"] in [row[:1] for row in plan]
