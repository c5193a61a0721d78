"""Rendering for ``score``, ``scorecard``, ``close`` and ``plan simulate``."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Callable, Sequence
from decimal import Decimal

from rich.table import Table

from shopkpi.appdb.records import Snapshot
from shopkpi.scoring.sheet import ItemRecord, PersonRecord
from shopkpi.scoring.simulate import Side, Simulation
from shopkpi.scoring.text import num
from shopkpi.scoring.view import ScoreSheet

STATUS = {"final": "定稿", "pending": "待定", "missing": "缺失"}
CARD_STATUS = {"final": "定稿", "pending": "待定（总分未定稿）"}


def n(text: str | None, empty: str = "—") -> str:
    """A decimal string as people read it (≤ 4 decimals, no trailing zeros)."""
    return empty if text is None else num(Decimal(text))


def money(text: str | None, empty: str = "—") -> str:
    """A money decimal string with thousands separators and cents: ``3,500.00``."""
    return empty if text is None else f"{Decimal(text):,.2f}"


def version_label(version: int) -> str:
    return f"第{version}版" if version else "未采用"


def source_line(sheet: ScoreSheet) -> str:
    f = sheet.frozen
    if f is None:
        return "实时计算（未封账）"
    versions = "、".join(f"第{v}版" for v in f.versions)
    why = f"，原因：{f.reason}" if f.reason else ""
    return f"已封账第{f.version}版（{f.frozen_at} UTC，{f.frozen_by}{why}；全部版本：{versions}）"


def score_tables(sheet: ScoreSheet) -> list[Table]:
    """One table per plan: rank, who, total, grade, status and bonus (parts: scorecard)."""
    plans = list(dict.fromkeys((p["plan"], p["plan_version"]) for p in sheet.people))
    return [_plan_table(sheet, name, v) for name, v in plans]


def _plan_table(sheet: ScoreSheet, plan: str, version: int) -> Table:
    title = f"{plan} {version_label(version)} · {sheet.period}"
    table = Table(title=title, title_justify="left")
    for header in ("名次", "员工", "姓名", "团队", "总分", "档位", "状态", "奖金"):
        table.add_column(header, justify="right" if header in ("名次", "总分", "奖金") else "left")
    for p in sheet.people:
        if (p["plan"], p["plan_version"]) != (plan, version):
            continue
        table.add_row(
            str(p["rank"]),
            p["staff_id"],
            p["name"],
            p["team"] or "",
            n(p["total"]),
            p["grade"] or "—",
            STATUS[p["status"]],
            money(p["bonus"]["bonus"]) if p["bonus"] else "—",
        )
    return table


def top_table(sheet: ScoreSheet, top: int) -> Table:
    """The best ``top`` of each plan (``shopkpi demo``'s last table)."""
    table = Table(title=f"评分排行 · {sheet.period}（每个方案前 {top} 名）", title_justify="left")
    for header in ("方案", "名次", "姓名", "总分", "档位", "状态", "奖金"):
        table.add_column(header, justify="right" if header in ("名次", "总分", "奖金") else "left")
    for p in sheet.people:
        if p["rank"] <= top:
            bonus = money(p["bonus"]["bonus"]) if p["bonus"] else "—"
            table.add_row(
                p["plan"], str(p["rank"]), p["name"], n(p["total"]), p["grade"] or "—",
                STATUS[p["status"]], bonus,
            )  # fmt: skip
    return table


def summary_line(sheet: ScoreSheet) -> str:
    pending = sum(1 for p in sheet.people if p["status"] == "pending")
    text = f"{sheet.period} · {source_line(sheet)} · {len(sheet.people)} 人，奖金合计 ¥{money(str(sheet.total_bonus))}"
    if pending:
        text += f"；{pending} 人待定（观察期未过，总分还会变）"
    return text + "。逐项明细：shopkpi scorecard <员工>"


def unscored_line(sheet: ScoreSheet) -> str | None:
    if not sheet.unscored:
        return None
    reasons = Counter(u["reason"] for u in sheet.unscored)
    parts = []
    for reason in reasons:
        names = "、".join(u["name"] for u in sheet.unscored if u["reason"] == reason)
        parts.append(f"{names}（{reason}）")
    return "未评分：" + "；".join(parts)


def score_json(sheet: ScoreSheet) -> str:
    return json.dumps(sheet.document(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


CSV_FIELDS = (
    "staff_id", "name", "team", "plan", "plan_version", "rank", "total", "grade", "status",
    "bonus_base", "coefficient", "performance_pay", "commission", "pool_share", "deductions",
    "bonus",
)  # fmt: skip


def score_csv(sheet: ScoreSheet) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for p in sheet.people:
        b = p["bonus"]
        money = ["", "", "", "", "", "", ""]
        if b:
            money = [b["bonus_base"], b["coefficient"], b["performance_pay"], b["commission"]]
            money += [b["pool_share"], b["deductions"], b["bonus"]]
        head = [p["staff_id"], p["name"], p["team"] or "", p["plan"], p["plan_version"]]
        writer.writerow([*head, p["rank"], p["total"], p["grade"] or "", p["status"], *money])
    return out.getvalue()


def scorecard_lines(sheet: ScoreSheet, p: PersonRecord) -> list[str]:
    """The scorecard explained line by line: item → raw → target → achievement → points →
    weight → contribution; then adjustments, deductions and gates; total, grade, bonus."""
    on_plan = sum(1 for x in sheet.people if x["plan"] == p["plan"])
    who = "，".join(x for x in (p["staff_id"], p["team"], p["level"]) if x)
    lines = [
        f"评分卡 · {p['name']}（{who}）· {p['period']}",
        f"方案：{p['plan']} {version_label(p['plan_version'])}"
        + (f"（{p['plan_label']}）" if p["plan_label"] else "")
        + f" · {source_line(sheet)}",
        "",
    ]
    for sec in p["sections"]:
        lines.append(
            f"【{sec['name']}】权重 {_weight(sec['weight'], sec['base_weight'])}，"
            f"贡献 {n(sec['contribution'])}"
        )
        items = [x for x in p["items"] if x["section"] == sec["name"]]
        lines += [f"  {i}. {item_line(x)}" for i, x in enumerate(items, start=1)]
    lines += ["", f"小计 {n(p['subtotal'])}"]
    lines += [f"  · {a['text']}" for a in p["adjustments"]] or ["  · 无调整、扣分或门槛"]
    lines.append(
        f"总分 {n(p['total'])} · 档位 {p['grade'] or '无'} · 名次 {p['rank']}/{on_plan}"
        f" · {CARD_STATUS[p['status']]}"
    )
    if p["bonus"]:
        b = p["bonus"]
        lines += ["", f"奖金 ¥{money(b['bonus'])}（{STATUS[b['status']]}）"]
        lines += [f"  · {text}" for text in b["lines"]]
    return lines


def item_line(x: ItemRecord) -> str:
    """``客服销售额：实际 35000 ÷ 目标 35000 = 达成率 1 → 线性… → 100 分 × 60% × 80% = 48``."""
    if x["raw"] is None:
        value = "无数据"
    elif x["target"] is not None and x["achievement"] is not None:
        value = f"实际 {n(x['raw'])}，目标 {n(x['target'])}，达成率 {n(x['achievement'])}"
    else:
        value = f"实际 {n(x['raw'])}" + (f"，目标 {n(x['target'])}" if x["target"] else "")
    weight = _weight(x["weight"], x["base_weight"])
    text = (
        f"{x['label']}：{value} → {x['rule']} → {n(x['points'])} 分 × 权重 {weight}"
        f" × 部分权重 {n(x['section_weight'])}% = 贡献 {n(x['contribution'])}"
    )
    if x["status"] != "final":
        text += f"（{STATUS[x['status']]}：{x['note'] or ''}）"
    return text


def _weight(weight: str, base: str) -> str:
    shown = f"{n(weight)}%"
    return shown if Decimal(weight) == Decimal(base) else f"{shown}（原 {n(base)}%）"


def snapshots_table(period: str, snaps: Sequence[Snapshot]) -> Table:
    table = Table(title=f"封账版本 · {period}", title_justify="left")
    for header in ("版本", "封账时间 (UTC)", "操作人", "原因", "待定项", "方案版本"):
        table.add_column(header)
    for s in snaps:
        table.add_row(
            f"第{s.version}版",
            s.frozen_at.strftime("%Y-%m-%d %H:%M"),
            s.frozen_by,
            (s.reason or "") + ("（强制）" if s.forced else ""),
            str(len(s.pending)),
            "、".join(f"{p.plan}#{p.version}" for p in s.plans),
        )
    table.caption = "（尚未封账）" if not snaps else "查看某一版：shopkpi score --version N"
    return table


def simulation_table(sim: Simulation) -> Table:
    against = (
        f"替换「{sim.plan}」{version_label(sim.replaces.version)}" if sim.replaces else "新增方案"
    )
    table = Table(title=f"方案试算 · {sim.period} · {against}（不保存）", title_justify="left")
    for header in ("员工", "姓名", "总分 旧→新", "档位 旧→新", "名次 旧→新", "奖金 旧→新"):
        table.add_column(header)
    for r in sim.rows:
        table.add_row(
            r.staff_id,
            r.name,
            _pair(r.old, r.new, lambda s: num(s.total)),
            _pair(r.old, r.new, lambda s: s.grade or "—"),
            _pair(r.old, r.new, lambda s: str(s.rank)),
            _pair(r.old, r.new, lambda s: num(s.bonus) if s.bonus is not None else "—"),
        )
    sign = "+" if sim.cost_change >= 0 else "−"
    table.caption = (
        f"奖金总额 ¥{num(sim.old_cost)} → ¥{num(sim.new_cost)}"
        f"（{sign}¥{num(abs(sim.cost_change))}）"
    )
    return table


def _pair(old: Side | None, new: Side | None, show: Callable[[Side], str]) -> str:
    a = show(old) if old is not None else "—"
    b = show(new) if new is not None else "—"
    return a if a == b else f"{a}→[bold]{b}[/]"
