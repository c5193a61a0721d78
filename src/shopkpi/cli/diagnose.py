"""``shopkpi diagnose``: findings, training topics and a suggested role per person."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from shopkpi.cli.metrics import FormatOpt, OutputFormat, PeriodOpt
from shopkpi.cli.render import console

if TYPE_CHECKING:
    from shopkpi.insights.diagnosis import PersonDiagnosis

WorkspaceOpt = Annotated[
    Path,
    typer.Option(
        "--workspace", "-w", help="工作区目录 (workspace folder)", envvar="SHOPKPI_WORKSPACE"
    ),
]


def diagnose(
    period: PeriodOpt = None,
    staff: Annotated[str | None, typer.Option("--staff", help="只看这位员工（员工编号）")] = None,
    output: FormatOpt = OutputFormat.table,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """诊断每个人：目标达成、量价象限、询单与转化（含公平比较）、售后关怀、速度与质量；推荐培训并建议岗位（--format json 列出全部数字）。"""
    from shopkpi.insights import diagnosis
    from shopkpi.insights.catalogue import load_catalogue
    from shopkpi.metrics.api import period_label
    from shopkpi.workspace import Workspace

    ws = Workspace(workspace)
    try:
        con = ws.warehouse.con
        label = period_label(con, period)
        catalogue = load_catalogue(ws.root)
        found = diagnosis.diagnose(con, ws.config, label, staff, catalogue=catalogue)
    finally:
        ws.close()
    if output is OutputFormat.table:
        _print(label, found)
        return
    if output is OutputFormat.csv:
        _csv(found)
        return
    payload = {"period": label, "people": [p.as_json() for p in found]}
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1) + "\n")


def _print(label: str, people: list[PersonDiagnosis]) -> None:
    from rich.table import Table

    table = Table(title=f"人员诊断 · {label}", show_lines=True)
    for column in ("员工", "发现", "推荐培训", "建议岗位"):
        table.add_column(column)
    for p in people:
        findings = "\n".join(
            f"[bold]{f.code.label}[/]（{f.code.value}）{f.text}" for f in p.findings
        )
        topics = "\n".join(t.name for t in p.training) or "—"
        role = f"{p.role.name}\n" + "、".join(p.role.reasons) if p.role else "—"
        table.add_row(f"{p.name}\n{p.staff_id} {p.team}", findings or "—", topics, role)
    console.print(table)


def _csv(people: list[PersonDiagnosis]) -> None:
    """One row per finding; the numbers as a JSON object."""
    import csv

    out = csv.writer(sys.stdout)
    out.writerow(["staff_id", "name", "team", "code", "area", "numbers", "text"])
    for p in people:
        for f in p.findings:
            numbers = json.dumps(dict(f.numbers), ensure_ascii=False)
            out.writerow([p.staff_id, p.name, p.team, f.code.value, f.area, numbers, f.text])


def register(app: typer.Typer) -> None:
    app.command("diagnose")(diagnose)
