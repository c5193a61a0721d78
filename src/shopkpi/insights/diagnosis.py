"""Diagnosis per person: why someone is behind, what to train, which role suits them.

Five analyses, each ending in findings with a stable code, the numbers behind it and a
plain-Chinese sentence (docs/insights.md, "Diagnosis"): target against achievement, volume
against price, inquiries against conversion, customer care, speed against quality. "High"
and "low" are relative to the medians of the person's peers (same role and team, else same
role, else everyone: the first pool with ``Thresholds.min_peers`` people with the metric). Training topics and roles
come from a configurable catalogue (``insights/data/training.yaml``; a workspace
``training.yaml`` replaces it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

import duckdb

from shopkpi.config.models import WorkspaceConfig
from shopkpi.ingest.adapters.vocab import EntityKind
from shopkpi.insights.care import ReviewStats, review_stats
from shopkpi.insights.catalogue import (
    Catalogue,
    FindingCode,
    RolePick,
    TopicPick,
    load_catalogue,
    pick_role,
    pick_topics,
)
from shopkpi.insights.fair import FairComparison, fair_comparison
from shopkpi.metrics.catalog import CATALOG
from shopkpi.metrics.model import MetricKind, Unit
from shopkpi.metrics.pacing import PaceVerdict, verdict
from shopkpi.metrics.periods import Period, parse_period
from shopkpi.metrics.store import ValueQuery, read_values
from shopkpi.scoring.targets import read_targets

C = FindingCode
METRICS = (
    "cs_sales", "cs_orders", "sales_per_buyer", "inquiry_buyers", "inquiry_to_paid_rate",
    "avg_response_seconds", "first_contact_resolution_rate", "satisfaction_rate",
    "return_rate", "refund_rate", "negative_emotion_session_rate",
    "compliance_violations_per_100",
)  # fmt: skip
CONVERSION = "conversion"  # adjusted 询单→付款转化率 where the fair comparison has it, else raw


@dataclass(frozen=True)
class Thresholds:
    """How far from the team median counts (docs/insights.md)."""

    slow_ratio: Decimal = Decimal("1.5")  # slow: response time > 1.5 × the median
    tolerance: Decimal = Decimal("0.05")  # quality/care: worse than the median by > 5%
    min_peers: int = 3
    compliance_floor: Decimal = Decimal("1")  # compliance_risk: ≥ 1 per 100 agent messages


@dataclass(frozen=True)
class Finding:
    """One finding: stable code, analysis area, the numbers behind it and the sentence."""

    code: FindingCode
    area: str
    text: str
    numbers: Mapping[str, str | int | None] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        return {"code": self.code.value, "area": self.area, "numbers": dict(self.numbers),
                "text": self.text}  # fmt: skip


@dataclass(frozen=True)
class PersonDiagnosis:
    """A person's findings, recommended training and suggested role."""

    staff_id: str
    name: str
    team: str
    findings: tuple[Finding, ...]
    training: tuple[TopicPick, ...]
    role: RolePick | None
    fair: FairComparison | None

    @property
    def codes(self) -> list[str]:
        return [f.code.value for f in self.findings]

    def as_json(self) -> dict[str, object]:
        return {
            "staff_id": self.staff_id,
            "name": self.name,
            "team": self.team,
            "findings": [f.as_json() for f in self.findings],
            "training": [t.as_json() for t in self.training],
            "role": self.role.as_json() if self.role else None,
            "fair": self.fair.as_json() if self.fair else None,
        }


@dataclass(frozen=True)
class Person:
    staff_id: str
    name: str
    team: str
    role: str
    values: Mapping[str, Decimal]
    fair: FairComparison | None
    reviews: ReviewStats


def diagnose(
    con: duckdb.DuckDBPyConnection,
    config: WorkspaceConfig,
    period: str,
    staff: str | None = None,
    *,
    catalogue: Catalogue | None = None,
    thresholds: Thresholds = Thresholds(),
    promo_days: Sequence[date] | None = None,
) -> list[PersonDiagnosis]:
    """Diagnose every staff member with values in ``period`` (or only ``staff``)."""
    span = parse_period(period, config.week_start)
    people = _people(con, config, span, promo_days)
    targets = read_targets(con, span.label)
    elapsed = _elapsed(con, span)
    cat = catalogue or load_catalogue(None)
    out = []
    for p in people:
        if staff is not None and p.staff_id != staff:
            continue
        med = _medians(p, people, thresholds.min_peers)
        found = _findings(p, med, targets, elapsed, thresholds)
        codes = {f.code for f in found}
        topics = pick_topics(cat, codes)
        role = pick_role(cat, codes)
        out.append(PersonDiagnosis(p.staff_id, p.name, p.team, found, topics, role, p.fair))
    return out


def _findings(
    p: Person,
    med: Mapping[str, Decimal],
    targets: Mapping[tuple[str, str], Decimal],
    elapsed: Decimal,
    t: Thresholds,
) -> tuple[Finding, ...]:
    return (
        *_targets(p, targets, elapsed),
        *_volume_price(p, med),
        *_inquiry_conversion(p, med),
        *_care(p, med, t),
        *_speed_quality(p, med, t),
    )


# ---- gathering ------------------------------------------------------------------------


def _people(
    con: duckdb.DuckDBPyConnection,
    config: WorkspaceConfig,
    span: Period,
    promo_days: Sequence[date] | None,
) -> list[Person]:
    rows = read_values(con, ValueQuery(span.label, EntityKind.staff, None, METRICS))
    values: dict[str, dict[str, Decimal]] = {}
    names: dict[str, str] = {}
    for v in rows:
        names[v.entity_id] = v.entity_name
        slot = values.setdefault(v.entity_id, {})
        if v.value is not None and not v.pending:
            slot[v.metric_id] = v.value
    roster = {
        str(r[0]): (str(r[1]), str(r[2]))
        for r in con.execute(
            "SELECT staff_id, coalesce(team, ''), coalesce(role, '') FROM staff"
        ).fetchall()
    }
    fair = fair_comparison(con, config, span, promo_days)
    reviews = review_stats(con, span)
    people = []
    for sid in sorted(values):
        vals = dict(values[sid])
        f = fair.get(sid)
        adjusted = f.conversion.adjusted if f and f.conversion else None
        raw = vals.get("inquiry_to_paid_rate")
        if adjusted is not None or raw is not None:
            vals[CONVERSION] = adjusted if adjusted is not None else raw  # type: ignore[assignment]
        stats = reviews.get(sid, ReviewStats())
        team, role = roster.get(sid, ("", ""))
        people.append(Person(sid, names[sid], team, role, vals, f, stats))
    return people


def _medians(p: Person, people: Sequence[Person], min_peers: int) -> dict[str, Decimal]:
    """Medians of each metric over the person's peers: the same role in the same team, else
    the same role in the shop, else everyone (the first pool with ``min_peers`` values)."""
    pools = (
        [q for q in people if q.role == p.role and q.team == p.team],
        [q for q in people if q.role == p.role],
        list(people),
    )
    out: dict[str, Decimal] = {}
    for metric in (*METRICS, CONVERSION):
        for pool in pools:
            found = [q.values[metric] for q in pool if metric in q.values]
            if len(found) >= min_peers or pool is pools[-1]:
                if found:
                    out[metric] = Decimal(median(found))
                break
    return out


def _elapsed(con: duckdb.DuckDBPyConnection, span: Period) -> Decimal:
    """Share of the period with data (the month's time-elapsed pace); 1 for a past period."""
    rows = con.execute(
        """SELECT max(period_start) FROM metric_value
           WHERE grain = 'day' AND period_start BETWEEN ? AND ?""",
        [span.start, span.end],
    ).fetchall()
    last = rows[0][0] if rows else None
    if not isinstance(last, date):
        return Decimal(1)
    return Decimal((last - span.start).days + 1) / Decimal((span.end - span.start).days + 1)


# ---- the five analyses ----------------------------------------------------------------


def _targets(
    p: Person, targets: Mapping[tuple[str, str], Decimal], elapsed: Decimal
) -> list[Finding]:
    out = []
    for (entity, metric_id), target in sorted(targets.items()):
        actual = p.values.get(metric_id)
        if entity != p.staff_id or metric_id not in CATALOG or actual is None:
            continue
        metric = CATALOG[metric_id]
        behind = verdict(metric, actual, target, elapsed) is PaceVerdict.behind
        achievement = actual / target if target else None
        numbers = {"metric": metric_id, "actual": _n(actual), "target": _n(target),
                   "achievement": _n(achievement), "elapsed": _n(elapsed)}  # fmt: skip
        text = (
            f"{metric.name} {_fmt(metric_id, actual)}，目标 {_fmt(metric_id, target)}，"
            f"达成 {_pct(achievement)}"
            + (
                f"，时间进度 {_pct(elapsed)}"
                if metric.kind in (MetricKind.count, MetricKind.sum)
                else ""
            )
            + ("：落后于进度。" if behind else "：达到进度。")
        )
        code = C.short_of_target if behind else C.on_target
        out.append(Finding(code, "target", text, numbers))
    return out


def _volume_price(p: Person, med: Mapping[str, Decimal]) -> list[Finding]:
    orders, aov = p.values.get("cs_orders"), p.values.get("sales_per_buyer")
    m_orders, m_aov = med.get("cs_orders"), med.get("sales_per_buyer")
    if orders is None or aov is None or m_orders is None or m_aov is None:
        return []
    many, dear = orders >= m_orders, aov >= m_aov
    code, verdict_text = {
        (True, True): (C.star, "单量和客单价都不低于团队中位数：量价双优。"),
        (True, False): (C.volume_seller, "单量高、客单价低：靠走量成交，可加强搭配与关联销售。"),
        (False, True): (C.price_seller, "单量低、客单价高：擅长高价值成交。"),
        (False, False): (C.weak_sales, "单量和客单价都低于团队中位数。"),
    }[(many, dear)]
    numbers = {"cs_orders": _n(orders), "cs_orders_median": _n(m_orders),
               "sales_per_buyer": _n(aov), "sales_per_buyer_median": _n(m_aov)}  # fmt: skip
    text = (
        f"订单数 {_n(orders)}（团队中位数 {_n(m_orders)}），客单价 {_money(aov)}"
        f"（中位数 {_money(m_aov)}）：{verdict_text}"
    )
    return [Finding(code, "volume_price", text, numbers)]


def _inquiry_conversion(p: Person, med: Mapping[str, Decimal]) -> list[Finding]:
    out = []
    inq, m_inq = p.values.get("inquiry_buyers"), med.get("inquiry_buyers")
    if inq is not None and m_inq is not None and inq < m_inq:
        text = f"询单人数 {_n(inq)}，团队中位数 {_n(m_inq)}：接到的询单偏少（先看排班与分流）。"
        numbers = {"inquiry_buyers": _n(inq), "inquiry_buyers_median": _n(m_inq)}
        out.append(Finding(C.few_inquiries, "inquiry_conversion", text, numbers))
    conv, m_conv = p.values.get(CONVERSION), med.get(CONVERSION)
    raw, m_raw = p.values.get("inquiry_to_paid_rate"), med.get("inquiry_to_paid_rate")
    if conv is None or m_conv is None:
        return out
    adjusted = p.fair is not None and p.fair.conversion is not None
    numbers = {"conversion_raw": _n(raw), "conversion_adjusted": _n(conv) if adjusted else None,
               "conversion_median": _n(m_conv)}  # fmt: skip
    basis = "按询单结构调整后" if adjusted else ""
    if conv < m_conv:
        text = f"询单→付款转化率{basis} {_pct(conv)}，低于团队中位数 {_pct(m_conv)}：成交能力偏弱。"
        out.append(Finding(C.weak_conversion, "inquiry_conversion", text, numbers))
        return out
    if adjusted and raw is not None and m_raw is not None and raw < m_raw:
        text = (
            f"原始询单→付款转化率 {_pct(raw)} 低于团队中位数 {_pct(m_raw)}，但按咨询的品类、"
            f"时段和日期类型调整后为 {_pct(conv)}，不低于团队：低转化主要来自接到的询单更难成交。"
        )
        out.append(Finding(C.hard_traffic, "inquiry_conversion", text, numbers))
    elif conv > m_conv:
        text = f"询单→付款转化率{basis} {_pct(conv)}，高于团队中位数 {_pct(m_conv)}。"
        out.append(Finding(C.strong_conversion, "inquiry_conversion", text, numbers))
    return out


def _worse(value: Decimal | None, m: Decimal | None, higher_better: bool, t: Thresholds) -> bool:
    """Worse than the median by more than the tolerance (relative)."""
    if value is None or m is None:
        return False
    margin = abs(m) * t.tolerance
    return value < m - margin if higher_better else value > m + margin


def _care(p: Person, med: Mapping[str, Decimal], t: Thresholds) -> list[Finding]:
    r = p.reviews
    ret_id = "return_rate" if "return_rate" in p.values else "refund_rate"
    ret, sat = p.values.get(ret_id), p.values.get("satisfaction_rate")
    if ret is None and sat is None and not r.bad:
        return []
    worse_ret = _worse(ret, med.get(ret_id), False, t)
    worse_sat = _worse(sat, med.get("satisfaction_rate"), True, t)
    unrecovered = r.bad - r.recovered
    numbers = {"bad_reviews": r.bad, "recovered_reviews": r.recovered, ret_id: _n(ret),
               f"{ret_id}_median": _n(med.get(ret_id)), "satisfaction_rate": _n(sat),
               "satisfaction_rate_median": _n(med.get("satisfaction_rate"))}  # fmt: skip
    facts = (
        f"中差评 {r.bad} 条、挽回为好评 {r.recovered} 条，{CATALOG[ret_id].name} {_pct(ret)}"
        f"（中位数 {_pct(med.get(ret_id))}），满意率 {_pct(sat)}"
        f"（中位数 {_pct(med.get('satisfaction_rate'))}）"
    )
    if sum((unrecovered > r.recovered, worse_ret, worse_sat)) >= 2:
        return [Finding(C.careless, "care", f"{facts}：售后关怀不足。", numbers)]
    if r.recovered >= 1 and r.recovered >= unrecovered and not (worse_ret or worse_sat):
        return [Finding(C.caring, "care", f"{facts}：用心照顾买家，能把中差评改成好评。", numbers)]
    return []


def _speed_quality(p: Person, med: Mapping[str, Decimal], t: Thresholds) -> list[Finding]:
    speed, m_speed = p.values.get("avg_response_seconds"), med.get("avg_response_seconds")
    if speed is None or m_speed is None:
        return []
    checks = (("first_contact_resolution_rate", True), ("satisfaction_rate", True),
              ("negative_emotion_session_rate", False), ("compliance_violations_per_100", False))  # fmt: skip
    known = [m for m, _ in checks if m in p.values and m in med]
    lows = [m for m, hb in checks if m in known and _worse(p.values[m], med[m], hb, t)]
    good, poor = bool(known) and not lows, len(lows) >= 2
    slow, quick = speed > m_speed * t.slow_ratio, speed <= m_speed
    numbers: dict[str, str | int | None] = {"avg_response_seconds": _n(speed),
                                            "avg_response_seconds_median": _n(m_speed)}  # fmt: skip
    numbers |= {m: _n(p.values[m]) for m in known}
    weak = "、".join(CATALOG[m].name for m in lows)
    head = f"平均响应 {speed:.0f} 秒（团队中位数 {m_speed:.0f} 秒）"
    out = []
    if slow:
        out.append(Finding(C.slow, "speed_quality", f"{head}：响应偏慢。", numbers))
    if slow and good:
        text = f"{head}，但一次解决率、满意率和质检都不低于团队：慢而细致。"
        out.append(Finding(C.slow_but_thorough, "speed_quality", text, numbers))
    elif quick and poor:
        text = f"{head}，回复快但 {weak} 不如团队：快而粗糙。"
        out.append(Finding(C.fast_but_sloppy, "speed_quality", text, numbers))
    elif poor:
        out.append(Finding(C.sloppy, "speed_quality", f"{head}；{weak} 不如团队。", numbers))
    elif quick and good:
        out.append(Finding(C.quick, "speed_quality", f"{head}，又快又稳。", numbers))
    compliance = p.values.get("compliance_violations_per_100")
    m_comp = med.get("compliance_violations_per_100")
    # Above the median and at least compliance_floor per 100 agent messages: one stray word
    # in a month is not a risk worth a training topic.
    if (
        compliance
        and m_comp is not None
        and compliance > m_comp
        and compliance >= t.compliance_floor
    ):
        text = f"违规用语每百条客服消息 {_n(compliance)} 处，团队中位数 {_n(m_comp)}。"
        numbers = {"compliance_violations_per_100": _n(compliance), "median": _n(m_comp)}
        out.append(Finding(C.compliance_risk, "speed_quality", text, numbers))
    return out


# ---- formatting -----------------------------------------------------------------------


def _n(value: Decimal | None) -> str | None:
    """An exact decimal string (6 places at most, trailing zeros dropped)."""
    if value is None:
        return None
    q = value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP).normalize()
    return f"{q:f}"


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}元"


def _fmt(metric_id: str, value: Decimal) -> str:
    unit = CATALOG[metric_id].unit
    if unit is Unit.ratio:
        return _pct(value)
    if unit is Unit.yuan:
        return _money(value)
    return f"{_n(value)}{unit.label}"
