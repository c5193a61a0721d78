"""What a metric SQL builder may read: the settings, ``as_of`` and the shops' clocks.

Settings are inlined into the SQL as literals, and "pending" is judged against ``as_of``
(never ``now()``), so re-running compute gives identical rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from shopkpi.config.models import WorkspaceConfig


@dataclass(frozen=True)
class MetricSettings:
    """Metric rules that are not derivation settings (defaults follow FIELD.md §2).

    Attributes:
        fcr_days: 问题一次解决: a contact is resolved when the buyer does not come back
            within this many days.
        chase_hours: 催付: a chased order counts as recovered when paid within N hours.
        first_response_target_seconds: the leading-shop 15秒首响 standard.
    """

    fcr_days: int = 3
    chase_hours: int = 24
    first_response_target_seconds: int = 15


@dataclass(frozen=True)
class MetricContext:
    """Everything a source builder needs; ``as_of`` is a naive UTC instant."""

    config: WorkspaceConfig
    as_of: datetime
    settings: MetricSettings = field(default_factory=MetricSettings)

    def local_today(self, shop_id: str | None = None) -> date:
        """``as_of`` as a shop-local date (unknown shops use the first shop's zone)."""
        try:
            shop = self.config.shop(shop_id)
        except KeyError:
            shop = self.config.shops[0]
        aware = self.as_of.replace(tzinfo=UTC).astimezone(ZoneInfo(shop.timezone))
        return aware.date()


def lit(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def date_lit(value: date) -> str:
    return f"DATE '{value.isoformat()}'"


def ts_lit(value: datetime) -> str:
    return f"TIMESTAMP '{value.isoformat(sep=' ', timespec='seconds')}'"


def local_day_sql(ctx: MetricContext, shop_col: str, minus_days: int = 0) -> str:
    """``as_of``'s shop-local date minus ``minus_days``, as a literal (a CASE per shop when
    the configured shops' local dates differ; unknown shops use the first shop's)."""
    from datetime import timedelta

    def day(shop_id: str | None) -> str:
        return date_lit(ctx.local_today(shop_id) - timedelta(days=minus_days))

    default = day(None)
    others = [(s.id, day(s.id)) for s in ctx.config.shops if day(s.id) != default]
    if not others:
        return default
    whens = " ".join(f"WHEN {shop_col} = {lit(i)} THEN {d}" for i, d in others)
    return f"(CASE {whens} ELSE {default} END)"
