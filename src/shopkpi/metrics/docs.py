"""Render the metric reference (docs/metrics.md) from the catalog.

Run ``python -m shopkpi.metrics.docs > docs/metrics.md``; a test fails when the page drifts.
"""

from __future__ import annotations

from shopkpi.config.models import AttributionSettings, MetricSettings
from shopkpi.ingest.adapters.vocab import EntityKind
from shopkpi.metrics.catalog import CATALOG
from shopkpi.metrics.model import Family, MetricDef

HEADER = """# Metric reference (指标目录)

Generated from the catalog (`src/shopkpi/metrics/families/`) by
`python -m shopkpi.metrics.docs > docs/metrics.md`; a test fails when a metric is missing.

## How values are computed

- Every metric is computed for each **staff member** (客服), **team** (团队) and **shop** (店铺),
  per **day**, **ISO week** (`2026-W45`), **month** (`2026-11`) and **custom** period
  (`2026-11-01..2026-11-15`), and stored in `metric_value` with its numerator, denominator,
  value and status.
- **Additive** metrics (可加): numerator and denominator add up over days and people, so a
  month, a team or the shop is Σnumerator / Σdenominator of its staff-days — never an average
  of daily ratios. The platform counts a buyer once per agent per day, so most counts add up.
- **Non-additive** metrics (不可加: distinct buyers across a period, medians, p90s, headcount)
  are recomputed from the underlying rows at each grain.
- **Derived** metrics divide two other metrics of the same period (销售占比 takes the whole
  shop's sales as its denominator).
- A value whose rows can still change (a payment buffer, an observation window) is
  **pending** (待定): status `pending`, no value (never 0); its provisional numerator and
  denominator are kept. Pending is judged against `as_of` (the latest event in the data, or
  `shopkpi compute --as-of`), so re-running compute changes nothing.
- A count with no rows is 0; a ratio whose denominator is 0 has no value (—).
- Values are exact decimals rounded to 6 places; ratios are fractions (0.45 = 45%). JSON and
  CSV output carry decimals as exact strings.
- `shopkpi explain STAFF METRIC --period …` lists the rows behind a number and the rule that
  counted each one.
"""


def _settings() -> str:
    s, a = MetricSettings(), AttributionSettings()
    return f"""
## Metric settings

Under `metrics:` in `shopkpi.yaml` (`MetricSettings` in `src/shopkpi/config/models.py`):

| setting | default | used by |
|---|---|---|
| `days_worked` | `{s.days_worked.value}` | 上班天数 and everything per day worked: `chat` = days with a human agent message (the platform's 上班天数; staff who never chat count their roster shifts); `shift` = days with a roster shift (staff without shifts count their chat days) |
| `fcr_days` | {s.fcr_days} | 问题一次解决率: a contact is resolved when the buyer does not return within N days |
| `chase_hours` | {s.chase_hours} | 催付: a chased order is recovered when paid within N hours |
| `first_response_target_seconds` | {s.first_response_target_seconds} | 15秒首响率 |

`attribution.conversion` (default `{a.conversion.value}`) decides which orders convert an
inquiry (询单→下单/付款 rates): `credited` = only orders credited to the inquiry's agent by
the attribution rule (the platform's), `buyer` = any order of the buyer.

Session, reply-round and attribution settings (`session.*`, `service_hours.*`,
`attribution.*` in `shopkpi.yaml`) apply through the derived tables; see `docs/derive.md`.
"""


_ENTITY = {EntityKind.staff: "客服", EntityKind.team: "团队", EntityKind.shop: "店铺"}


def _row(m: MetricDef) -> str:
    flags = "可加" if m.additive else "不可加"
    pending = "可能待定" if m.may_be_pending else ""
    kinds = "、".join(_ENTITY[k] for k in EntityKind if k in m.entities)
    return (
        f"| `{m.id}` | {m.name} | {m.unit.label} | {m.direction.label} | {m.kind.value} "
        f"| {m.formula} | {flags} | {pending} | {kinds} |"
    )


def _family(family: Family) -> str:
    metrics = CATALOG.of_family(family)
    lines = [
        f"\n## {family.label} ({family.value})\n",
        "| id | 名称 | 单位 | 方向 | 类型 | 公式 | 按天 | 待定 | 对象 |",
        "|---|---|---|---|---|---|---|---|---|",
        *(_row(m) for m in metrics),
    ]
    notes = [f"- `{m.id}`：{m.description}" for m in metrics if m.description]
    if notes:
        lines += ["", *notes]
    return "\n".join(lines) + "\n"


def render_metrics_reference() -> str:
    body = "".join(_family(f) for f in Family)
    return HEADER + body + _settings()


if __name__ == "__main__":
    print(render_metrics_reference(), end="")
