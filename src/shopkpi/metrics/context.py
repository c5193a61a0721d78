"""What a metric SQL builder may read: the settings, ``as_of`` and the shops' clocks.

Metric rules that are not derivation settings (``fcr_days``, ``chase_hours``, the 15 s
target, the days-worked basis) live under ``metrics:`` in shopkpi.yaml
(:class:`~shopkpi.config.models.MetricSettings`).

Settings are inlined into the SQL as literals, and "pending" is judged against ``as_of``
(never ``now()``), so re-running compute gives identical rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from shopkpi.config.models import MetricSettings, WorkspaceConfig


@dataclass(frozen=True)
class MetricContext:
    """Everything a source builder needs; ``as_of`` is a naive UTC instant."""

    config: WorkspaceConfig
    as_of: datetime
    # Replaces ``config.metrics`` when given (kept for callers that passed settings here
    # before they moved into shopkpi.yaml); normally None.
    metric_settings: MetricSettings | None = None

    @property
    def settings(self) -> MetricSettings:
        """The ``metrics:`` settings of shopkpi.yaml (fcr_days, chase_hours, …)."""
        return self.metric_settings or self.config.metrics

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
