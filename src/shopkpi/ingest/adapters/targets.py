"""目标表 (targets) → ``target`` (shared FIELD.md §1.6b, our template).

- 周期: a month (``2026-11``, ``2026/11``, ``2026年11月``, or the first day of the month,
  which is what Excel makes of a typed ``2026-11``), an ISO week (``2026-W45``), a quarter
  (``2026-Q4``) or a year (``2026``); stored as ``2026-11`` / ``2026-W45`` / ``2026-Q4`` /
  ``2026``. Anything else quarantines the row.
- 对象 is a 员工编号, a team or the shop. Its kind comes from an optional 对象类型 column,
  else a prefix (``员工:S001``, ``团队:售前一组``, ``店铺``), else the warehouse (a known
  staff_id or team), else its shape: an ASCII code such as ``S001`` is a 员工编号 and any
  other name is a team. The shop (店铺 / 全店 / its name or id) is stored under its shop id.
"""

from __future__ import annotations

from shopkpi.ingest.adapters.support import ensure_columns
from shopkpi.ingest.adapters.vocab import ENTITY_KINDS, EntityKind
from shopkpi.ingest.base import Field, FieldKind, ImportContext, TabularAdapter
from shopkpi.ingest.reader import RawTable
from shopkpi.ingest.tabular import q

_MONTH = r"(0?[1-9]|1[0-2])"
PERIOD_PATTERN = (
    rf"\d{{4}}([-/.]?{_MONTH}|年{_MONTH}月|[-/]{_MONTH}[-/]0?1( 00:00:00)?)"
    r"|\d{4}-?[Ww](0?[1-9]|[1-4][0-9]|5[0-3])|\d{4}-?[Qq][1-4]|\d{4}"
)
PERIOD_HINT = "2026-11（月）、2026-W45（周）、2026-Q4（季）或 2026（年）"
# 目标值: a number, with thousands separators, ￥/元, or a percentage (98.5% → 0.985).
VALUE_PATTERN = r"[¥￥]?[-+]?(\d{1,3}(,\d{3})+(\.\d+)?|\d+(\.\d+)?|\.\d+)(%|元)?"
_VALUE_SQL = r"""CASE WHEN ends_with(value, '%') THEN sk_pct(value)
    ELSE sk_decimal(regexp_replace(value, '[¥￥元]', '', 'g')) END"""
_PREFIX = r"^(员工|团队|店铺|staff|team|shop)\s*[:：]\s*"
_SHOP_WORDS = ("店铺", "全店", "shop")
_NAME = f"regexp_replace(entity, {q(_PREFIX)}, '')"  # 对象 without its kind prefix

# 周期 → canonical form; only called on values PERIOD_PATTERN accepted.
_PERIOD_SQL = r"""CASE
    WHEN regexp_full_match(period, '\d{4}-?[Ww]\d{1,2}')
        THEN left(period, 4) || '-W' || lpad(regexp_extract(period, '(\d{1,2})$', 1), 2, '0')
    WHEN regexp_full_match(period, '\d{4}-?[Qq][1-4]') THEN left(period, 4) || '-Q' || right(period, 1)
    WHEN regexp_full_match(period, '\d{4}') THEN period
    ELSE left(period, 4) || '-' || lpad(regexp_extract(period, '^\d{4}\D*(\d{1,2})', 1), 2, '0')
END"""


class TargetAdapter(TabularAdapter):
    NAME = "targets"
    LABEL = "目标表"
    TABLE = "target"
    SHEETS = ("目标表", "目标")
    FIELDS = (
        Field("entity", ("对象", "考核对象", "entity", "entity_id"), required=True, not_null=True),
        Field("kind", ("对象类型", "entity_kind"), FieldKind.enum, values=ENTITY_KINDS),
        Field(
            "period",
            ("周期", "考核周期", "period"),
            required=True,
            not_null=True,
            pattern=PERIOD_PATTERN,
            pattern_hint=PERIOD_HINT,
        ),
        Field("metric_id", ("指标", "指标ID", "metric", "metric_id"), required=True, not_null=True),
        Field(
            "value",
            ("目标值", "value"),
            required=True,
            not_null=True,
            pattern=VALUE_PATTERN,
            pattern_hint="数字，如 30000、￥30,000 或 98.5%",
        ),
    )
    SIGNATURE = ("entity", "period", "metric_id", "value")

    def prepare(self, ctx: ImportContext, raw: RawTable) -> RawTable:
        return ensure_columns(raw, self.FIELDS)

    def derived_columns(self, ctx: ImportContext) -> dict[str, str]:
        kind = _kind_sql(ctx)
        shop_ids = _shop_ids_sql(ctx)
        return {
            "entity_kind": kind,
            "entity_id": f"CASE WHEN ({kind}) = '{EntityKind.shop}' THEN {shop_ids} ELSE {_NAME} END",
            "period": _PERIOD_SQL,
            "value": _VALUE_SQL,
        }


def _kind_sql(ctx: ImportContext) -> str:
    prefix_kind = f"regexp_extract(entity, {q(_PREFIX)}, 1)"
    prefix_cases = " ".join(f"WHEN {q(raw)} THEN {q(kind)}" for raw, kind in ENTITY_KINDS.items())
    shops = [*_SHOP_WORDS, *(s.id for s in ctx.config.shops), *(s.name for s in ctx.config.shops)]
    return f"""coalesce(kind, CASE {prefix_kind} {prefix_cases} END, CASE
        WHEN {_NAME} IN ({", ".join(q(n) for n in shops)}) THEN '{EntityKind.shop}'
        WHEN {_NAME} IN (SELECT staff_id FROM staff) THEN '{EntityKind.staff}'
        WHEN {_NAME} IN (SELECT team FROM staff WHERE team IS NOT NULL) THEN '{EntityKind.team}'
        WHEN regexp_full_match({_NAME}, '[A-Za-z0-9_.\\-]+') THEN '{EntityKind.staff}'
        ELSE '{EntityKind.team}' END)"""


def _shop_ids_sql(ctx: ImportContext) -> str:
    """A shop's id or name → its id; 店铺 / 全店 / anything else → this import's shop."""
    ids = ", ".join(q(s.id) for s in ctx.config.shops)
    names = " ".join(f"WHEN {_NAME} = {q(s.name)} THEN {q(s.id)}" for s in ctx.config.shops)
    return f"CASE WHEN {_NAME} IN ({ids}) THEN {_NAME} {names} ELSE {q(ctx.shop_id)} END"
