"""The daily and monthly reports (日报 / 月报): text, HTML and xlsx.

The daily report is the owner's morning message: the month's pace against target, the
day's GMV against the day before and the same weekday last week, the day's anomalies with
their exact decomposition and root cause in one Chinese paragraph, and the chat QA of the
day. The monthly report adds the month's KPIs, the staff ranking, the diagnosis per person
and labour efficiency.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from shopkpi.errors import ShopkpiError
from shopkpi.insights.explain import explain, pct, signed_pct
from shopkpi.insights.intraday import IntradayPace, intraday_pace
from shopkpi.insights.scan import (
    ShopAnomaly,
    TrafficAnomaly,
    TrafficDrop,
    shop_anomalies,
    traffic_anomalies,
    traffic_drop,
)
from shopkpi.metrics.catalog import CATALOG
from shopkpi.metrics.display import format_number, format_value
from shopkpi.metrics.pacing import Overview, overview
from shopkpi.metrics.periods import parse_period
from shopkpi.workspace import Workspace


class NoReportData(ShopkpiError):
    """Nothing computed for the day or month asked for."""


@dataclass(frozen=True)
class DayLine:
    """One shop metric on the day, against the day before and last week's same weekday."""

    metric_id: str
    name: str
    value: Decimal | None
    previous: Decimal | None
    last_week: Decimal | None

    def change(self, other: Decimal | None) -> Decimal | None:
        if self.value is None or other is None or other == 0:
            return None
        return self.value / other - 1


@dataclass
class DailyReport:
    shop_id: str
    day: date
    overview: Overview
    lines: list[DayLine]
    anomalies: list[ShopAnomaly]
    qa: dict[str, Any]
    traffic: list[TrafficAnomaly] = field(default_factory=list)
    drop: TrafficDrop | None = None
    intraday: IntradayPace | None = None
    headline: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class MonthlyReport:
    shop_id: str
    period: str
    overview: Overview
    ranking: list[dict[str, Any]]
    qa: dict[str, Any]
    diagnosis: list[dict[str, Any]] = field(default_factory=list)
    labour: list[dict[str, Any]] = field(default_factory=list)


DAY_METRICS = ("shop_sales", "cs_sales", "cs_orders", "inquiry_buyers", "avg_response_seconds")


def latest_day(con: duckdb.DuckDBPyConnection) -> date | None:
    """The latest day with chat activity (a later day with only late payments, e.g. just
    after midnight at the end of an export, is not a day to report on), else the latest
    day with any shop value."""
    for condition in ("metric_id = 'inquiry_buyers' AND value > 0", "TRUE"):
        rows = con.execute(
            f"""SELECT max(period_start) FROM metric_value
                WHERE grain = 'day' AND entity_kind = 'shop' AND {condition}"""
        ).fetchall()
        value = rows[0][0] if rows else None
        if isinstance(value, date):
            return value
    return None


def daily_report(ws: Workspace, day: date | None = None, at: datetime | None = None) -> DailyReport:
    """The report of ``day`` (default: the latest day with values, or ``at``'s day); with
    ``at`` (shop-local), it opens with the day-to-time pace of that moment."""
    con = ws.warehouse.con
    day = day or (at.date() if at is not None else None) or latest_day(con)
    if day is None:
        raise NoReportData("还没有按天的指标值：先导入数据并运行 shopkpi compute")
    shop = ws.config.shops[0].id
    month = f"{day:%Y-%m}"
    ov = overview(con, month)
    values = _day_values(con, shop, [day, day - timedelta(days=1), day - timedelta(days=7)])
    lines = [
        DayLine(
            m,
            CATALOG.get_metric(m).name,
            values.get((m, day)),
            values.get((m, day - timedelta(days=1))),
            values.get((m, day - timedelta(days=7))),
        )
        for m in DAY_METRICS
        if m in CATALOG
    ]
    settings = ws.config.insights.anomaly()
    anomalies = shop_anomalies(con, ws.config, day, settings=settings)
    report = DailyReport(shop, day, ov, lines, anomalies, _qa_day(con, day, day))
    report.traffic = traffic_anomalies(con, day, settings=settings)
    report.drop = traffic_drop(con, day, settings=settings)
    if at is not None:
        report.intraday = intraday_pace(con, ws.config, at, settings=settings)
    report.headline = headline(report)
    return report


def headline(r: DailyReport) -> str:
    """The first paragraph: the month's GMV pace, then the day's explained GMV anomaly."""
    parts: list[str] = []
    if r.intraday is not None:
        parts.append(f"{r.intraday.at:%H:%M} " + explain(pace=r.intraday.fact()))
    gmv = next((p for p in r.overview.paces if p.metric.id == "shop_sales"), None)
    if gmv is not None and gmv.achievement is not None:
        elapsed = r.overview.elapsed
        state = "领先" if gmv.achievement >= elapsed else "落后"
        parts.append(
            f"本月 GMV 目标达成 {pct(float(gmv.achievement))}，时间进度 {pct(float(elapsed))}，{state}于进度。"
        )
    day_gmv = next((x for x in r.lines if x.metric_id == "shop_sales"), None)
    if day_gmv is not None and day_gmv.value is not None:
        text = f"{r.day:%m-%d} GMV {format_number(CATALOG['shop_sales'].unit, day_gmv.value)} 元"
        for label, other in (("较前一天", day_gmv.previous), ("较上周同日", day_gmv.last_week)):
            change = day_gmv.change(other)
            if change is not None:
                text += f"，{label} {signed_pct(float(change))}"
        parts.append(text + "。")
    shop_gmv = [a for a in r.anomalies if a.entity_kind == "shop" and a.decomposition is not None]
    if shop_gmv:
        parts.append("GMV 异常：" + shop_gmv[0].text)
    if r.drop is not None:
        parts.append("流量下降：" + r.drop.text + "。")
    drops = [t for t in r.traffic if t.check.bad]
    if drops:
        parts.append("当日流量异常：" + "；".join(t.text for t in drops[:3]) + "。")
    others = [a for a in r.anomalies if a not in shop_gmv and a.check.bad]
    if others:
        listed = "；".join(anomaly_line(a) for a in others[:3])
        more = f"等 {len(others)} 项" if len(others) > 3 else ""
        parts.append(f"其他异常{more}：{listed}。")
    return "".join(parts) or "今天没有发现异常。"


def anomaly_line(a: ShopAnomaly) -> str:
    metric = CATALOG.get_metric(a.metric_id)
    who = {"shop": "全店", "team": f"团队 {a.entity_id}", "staff": f"客服 {a.entity_id}"}.get(
        a.entity_kind, a.entity_id
    )
    return f"{who} {metric.name} {a.check.reason}"


def monthly_report(ws: Workspace, period: str | None = None) -> MonthlyReport:
    from shopkpi.metrics.api import period_label
    from shopkpi.metrics.report import ranking

    con = ws.warehouse.con
    label = period_label(con, period)
    p = parse_period(label, ws.config.week_start)
    ov = overview(con, label)
    by = CATALOG["cs_sales"]
    cols = ["cs_sales", "cs_orders", "inquiry_to_paid_rate", "avg_response_seconds"]
    rows = [
        {
            "staff_id": r.entity_id,
            "values": {c: format_value(CATALOG[c], r.values.get(c), compact=True) for c in cols},
        }
        for r in ranking(con, label, by, cols, 100_000)
        if r.entity_kind.value == "staff"
    ]
    report = MonthlyReport(ws.config.shops[0].id, label, ov, rows, _qa_day(con, p.start, p.end))
    report.diagnosis = _diagnosis(ws, label)
    report.labour = _labour(ws, label)
    return report


def _diagnosis(ws: Workspace, label: str) -> list[dict[str, Any]]:
    from shopkpi.insights.diagnosis import diagnose

    return [d.as_json() for d in diagnose(ws.warehouse.con, ws.config, label)]


def _labour(ws: Workspace, label: str) -> list[dict[str, Any]]:
    from shopkpi.insights.labour import labour_efficiency

    return [r.as_json() for r in labour_efficiency(ws.warehouse.con, label)]


def _day_values(
    con: duckdb.DuckDBPyConnection, shop: str, days: list[date]
) -> dict[tuple[str, date], Decimal | None]:
    rows = con.execute(
        f"""SELECT metric_id, period_start, value FROM metric_value
            WHERE shop_id = ? AND entity_kind = 'shop' AND grain = 'day'
              AND period_start IN ({", ".join("?" for _ in days)})""",
        [shop, *days],
    ).fetchall()
    return {(str(m), d): v for m, d, v in rows}


def _qa_day(con: duckdb.DuckDBPyConnection, first: date, last: date) -> dict[str, Any]:
    from shopkpi.qa import report as qa

    if not qa.computed(con):
        return {}
    s = qa.summary(con, first, last)
    top = qa.findings(con, first, last, None, 5)
    return {
        "sessions": s.sessions,
        "escalated": s.escalated_sessions,
        "recovered": s.recovered_sessions,
        "violations": s.violations,
        "by_category": s.by_category,
        "top": [
            f"{f.staff_id or ''} {f.category_label}（{f.severity_label}）{f.detail}" for f in top
        ],
    }


# --------------------------------------------------------------------------- renderers


def daily_text(r: DailyReport) -> str:
    lines = [f"【日报】{r.shop_id} · {r.day.isoformat()}", r.headline, ""]
    lines.append("当日指标（较前一天 / 较上周同日）：")
    for x in r.lines:
        metric = CATALOG.get_metric(x.metric_id)
        value = "—" if x.value is None else format_number(metric.unit, x.value)
        changes = " / ".join(
            "—" if (c := x.change(o)) is None else signed_pct(float(c))
            for o in (x.previous, x.last_week)
        )
        lines.append(f"- {x.name}：{value}（{changes}）")
    if r.drop is not None:
        lines.append("")
        lines.append(f"流量下降：{r.drop.text}")
    if r.traffic:
        lines.append("")
        lines.append("当日流量（渠道 × 类目）：")
        lines.extend(f"- {t.text}" for t in r.traffic)
    if r.anomalies:
        lines.append("")
        lines.append("异常：")
        lines.extend(
            f"- {a.text if a.decomposition is not None else anomaly_line(a)}" for a in r.anomalies
        )
    if r.qa:
        lines.append("")
        lines.append(
            f"质检：{r.qa['sessions']} 个会话，升级预警 {r.qa['escalated']}（挽回 {r.qa['recovered']}），"
            f"违规 {r.qa['violations']} 处。"
        )
        lines.extend(f"- {t}" for t in r.qa["top"])
    return "\n".join(lines) + "\n"


def monthly_text(r: MonthlyReport) -> str:
    lines = [f"【月报】{r.shop_id} · {r.period}", ""]
    lines.append(f"本月已过 {r.overview.days_elapsed}/{r.overview.days_in_month} 天：")
    for p in r.overview.paces:
        value = format_value(p.metric, p.value)
        target = "" if p.target is None else f"，目标 {format_number(p.metric.unit, p.target)}"
        achieved = "" if p.achievement is None else f"，达成 {pct(float(p.achievement))}"
        lines.append(f"- {p.metric.name}：{value}{target}{achieved}（{p.verdict.label}）")
    lines.append("")
    lines.append("客服销售额排行（前 10）：")
    for i, row in enumerate(r.ranking[:10], 1):
        v = row["values"]
        lines.append(
            f"{i}. {row['staff_id']} {v['cs_sales']}，订单 {v['cs_orders']}，询单→付款 {v['inquiry_to_paid_rate']}"
        )
    if r.diagnosis:
        lines.append("")
        lines.append("诊断：")
        for d in r.diagnosis:
            codes = "、".join(f.get("code", "") for f in d.get("findings", []))
            lines.append(f"- {d.get('staff_id', '')} {d.get('name', '')}：{codes}")
    if r.qa:
        lines.append("")
        lines.append(
            f"质检：{r.qa['sessions']} 个会话，升级预警 {r.qa['escalated']}（挽回 {r.qa['recovered']}），"
            f"违规 {r.qa['violations']} 处。"
        )
    return "\n".join(lines) + "\n"


def to_html(title: str, text: str) -> str:
    """A self-contained HTML page of a report's text (no external assets)."""
    body = "".join(
        f"<p>{html.escape(line)}</p>" if line and not line.startswith("- ") else
        (f"<li>{html.escape(line[2:])}</li>" if line.startswith("- ") else "")
        for line in text.splitlines()
    )  # fmt: skip
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;"
        "max-width:760px;margin:2rem auto;color:#1f2329}li{margin:.2rem 0}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )


def to_xlsx(path: Path, title: str, text: str, tables: dict[str, list[list[Any]]]) -> Path:
    """An xlsx: the report text on the first sheet, then one sheet per table."""
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    sheet.title = "报告"
    sheet.append([title])
    for line in text.splitlines():
        sheet.append([line])
    sheet.column_dimensions["A"].width = 120
    for name, rows in tables.items():
        ws = wb.create_sheet(name[:31])
        for row in rows:
            ws.append([_cell(v) for v in row])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def daily_tables(r: DailyReport) -> dict[str, list[list[Any]]]:
    day = [["指标", "当日", "前一天", "上周同日"]] + [
        [x.name, x.value, x.previous, x.last_week] for x in r.lines
    ]
    anomalies = [["对象", "编号", "指标", "当日", "基线", "说明"]] + [
        [a.entity_kind, a.entity_id, CATALOG.get_metric(a.metric_id).name, a.check.value,
         a.check.baseline, a.text if a.decomposition is not None else a.check.reason]
        for a in r.anomalies
    ]  # fmt: skip
    traffic = [["渠道", "类目", "当日访客", "基线", "说明"]] + [
        [t.channel, t.category, t.check.value, t.check.baseline, t.text] for t in r.traffic
    ]
    return {"当日指标": day, "异常": anomalies, "流量异常": traffic}


def monthly_tables(r: MonthlyReport) -> dict[str, list[list[Any]]]:
    cols = ["cs_sales", "cs_orders", "inquiry_to_paid_rate", "avg_response_seconds"]
    ranking = [["名次", "员工", *[CATALOG[c].name for c in cols]]] + [
        [i, row["staff_id"], *[row["values"][c] for c in cols]]
        for i, row in enumerate(r.ranking, 1)
    ]
    tables: dict[str, list[list[Any]]] = {"排行": ranking}
    if r.diagnosis:
        tables["诊断"] = [["员工", "姓名", "发现", "培训建议", "建议岗位"]] + [
            [d.get("staff_id"), d.get("name"),
             "、".join(f.get("code", "") for f in d.get("findings", [])),
             "、".join(str(t["name"]) for t in d.get("training", [])),
             str(d["role"]["name"]) if d.get("role") else ""]
            for d in r.diagnosis
        ]  # fmt: skip
    if r.labour:
        keys = list(r.labour[0])
        tables["人效"] = [keys] + [[row.get(k) for k in keys] for row in r.labour]
    return tables


def _cell(v: object) -> object:
    """openpyxl writes Decimals as numbers itself; nested values as their text."""
    return str(v) if isinstance(v, dict | list | tuple) else v


def push(ws: Workspace, channels: list[str], title: str, text: str, rule: str) -> list[Any]:
    """Record a report in the web inbox, then send it to each named channel of
    ``alerts.yaml`` (retries, and every attempt recorded, as for alerts)."""
    import os

    from shopkpi.insights.alert_rules import load_rules
    from shopkpi.insights.channels import Message, Sender

    path = ws.root / "alerts.yaml"
    if not path.exists():
        raise ShopkpiError(f"{path} 不存在：先在其中定义推送渠道（channels），见 docs/insights.md")
    known = load_rules(path).channels
    missing = [c for c in channels if c not in known]
    if missing:
        raise ShopkpiError(
            f"alerts.yaml 中没有渠道 {'、'.join(missing)}；已有：{'、'.join(known) or '无'}"
        )
    record = ws.appdb.raise_alert(
        kind="report", rule=rule, severity="low", shop_id=ws.config.shops[0].id,
        staff_id=None, team=None, subject=None, message_id=None, title=title, detail={"text": text},
    )  # fmt: skip
    sender = Sender(ws.appdb, os.environ)
    return [sender.send(known[c], Message(title, text), record.id) for c in channels]
