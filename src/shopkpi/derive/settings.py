"""Shop settings as SQL: the ``shop_settings`` step and literal per-shop expressions.

Settings are inlined as literals (docs/derive.md): per-shop values become a ``CASE`` on the
shop id, so no join is needed on the hot path. A shop present in the data but missing from
``shopkpi.yaml`` falls back to the first configured shop. All SQL here is portable DuckDB
(sqlglot carries it to Spark SQL).

Service hours: a shop-local time of day ``tod`` (seconds since midnight) is in service on a
local date that is not a day off when a window has ``start <= tod <= end``; a window whose
end is before its start wraps past midnight (``tod >= start OR tod <= end``). The default
window is 08:00–23:59:59, i.e. 08:00–24:00.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import time, timedelta

from shopkpi.config.models import ShopConfig, WorkspaceConfig
from shopkpi.engine import Step


def lit(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def seconds_of(t: time) -> int:
    """Seconds since midnight of a wall-clock time."""
    return t.hour * 3600 + t.minute * 60 + t.second


def shop_case(shop: str, config: WorkspaceConfig, value: Callable[[ShopConfig], str]) -> str:
    """``CASE shop WHEN 'a' THEN value(a) … ELSE value(first shop) END`` (no CASE if equal)."""
    default = value(config.shops[0])
    whens = [(s.id, value(s)) for s in config.shops[1:]]
    whens = [(sid, expr) for sid, expr in whens if expr != default]
    if not whens:
        return default
    body = " ".join(f"WHEN {shop} = {lit(sid)} THEN {expr}" for sid, expr in whens)
    return f"(CASE {body} ELSE {default} END)"


def local_ts(ts: str, shop: str, config: WorkspaceConfig) -> str:
    """The shop-local wall clock (naive TIMESTAMP) of the UTC timestamp ``ts``."""
    return shop_case(
        shop,
        config,
        lambda s: f"CAST({ts} AT TIME ZONE 'UTC' AT TIME ZONE {lit(s.timezone)} AS TIMESTAMP)",
    )


def utc_of_local(local: str, shop: str, config: WorkspaceConfig) -> str:
    """The UTC instant (naive TIMESTAMP) of the shop-local wall clock ``local``."""
    return shop_case(
        shop,
        config,
        lambda s: f"CAST({local} AT TIME ZONE {lit(s.timezone)} AT TIME ZONE 'UTC' AS TIMESTAMP)",
    )


def local_date(ts: str, shop: str, config: WorkspaceConfig) -> str:
    """The shop-local date of the UTC timestamp ``ts``."""
    return f"CAST({local_ts(ts, shop, config)} AS DATE)"


def time_of_day(local: str) -> str:
    """Seconds since midnight of a local TIMESTAMP expression."""
    return f"(hour({local}) * 3600 + minute({local}) * 60 + second({local}))"


def _is_off(s: ShopConfig, day: str) -> str:
    """Is the local DATE ``day`` one of ``s``'s days off?"""
    days = s.service_hours.days_off
    if not days:
        return "false"
    return f"({day} IN ({', '.join(f'DATE {lit(d.isoformat())}' for d in sorted(days))}))"


def day_off(shop: str, day: str, config: WorkspaceConfig) -> str:
    """Is the local DATE ``day`` a day off of ``shop``?"""
    return shop_case(shop, config, lambda s: _is_off(s, day))


def in_window(shop: str, tod: str, config: WorkspaceConfig) -> str:
    """Is the local time of day ``tod`` (seconds) inside one of the shop's windows?"""

    def one(s: ShopConfig) -> str:
        parts = []
        for w in s.service_hours.windows:
            lo, hi = seconds_of(w.start), seconds_of(w.end)
            op = "AND" if lo <= hi else "OR"
            parts.append(f"({tod} >= {lo} {op} {tod} <= {hi})")
        return "(" + " OR ".join(parts) + ")" if parts else "false"

    return shop_case(shop, config, one)


def in_service(shop: str, day: str, tod: str, config: WorkspaceConfig) -> str:
    """In service hours: not a day off and inside a window."""
    return f"(NOT {day_off(shop, day, config)} AND {in_window(shop, tod, config)})"


def next_opening(shop: str, local: str, config: WorkspaceConfig) -> str:
    """The shop's first window opening after the local TIMESTAMP ``local``, as a local
    TIMESTAMP (NULL when there is none within ``max_days_ahead`` days).

    A plain expression, no join: each candidate (a window start on one of the next days that
    is no day off) is NULL unless it is later than ``local``, and ``least`` skips NULLs on
    DuckDB and Spark alike. ``chat_session`` and ``reply_round`` both use it.
    """
    ahead = max_days_ahead(config)

    def one(s: ShopConfig) -> str:
        found = []
        for k in range(ahead + 1):
            day = f"(CAST({local} AS DATE) + {k})"
            for w in s.service_hours.windows:
                clock = lit(w.start.strftime("%H:%M:%S"))
                at = f"CAST(CAST({day} AS VARCHAR) || ' ' || {clock} AS TIMESTAMP)"
                found.append(f"CASE WHEN NOT {_is_off(s, day)} AND {at} > {local} THEN {at} END")
        if not found:
            return "CAST(NULL AS TIMESTAMP)"
        return found[0] if len(found) == 1 else f"least({', '.join(found)})"

    return shop_case(shop, config, one)


def out_of_hours_rule(shop: str, config: WorkspaceConfig) -> str:
    """The shop's ``out_of_hours`` setting as a string expression."""
    return shop_case(shop, config, lambda s: lit(s.service_hours.out_of_hours.value))


def windows_sql(config: WorkspaceConfig) -> str:
    """One row per configured shop and window: ``shop_id, open_clock`` ('HH:MM:SS')."""
    rows = [
        f"SELECT {lit(s.id)} AS shop_id, {lit(w.start.strftime('%H:%M:%S'))} AS open_clock"
        for s in config.shops
        for w in s.service_hours.windows
    ]
    if not rows:
        return "SELECT CAST(NULL AS VARCHAR) AS shop_id, CAST(NULL AS VARCHAR) AS open_clock WHERE 1 = 0"
    return "\n    UNION ALL ".join(rows)


def max_days_ahead(config: WorkspaceConfig) -> int:
    """How many days past a date the next opening can be: the longest run of days off + 1."""
    longest = 0
    for s in config.shops:
        days = set(s.service_hours.days_off)
        for d in days:
            if d - timedelta(days=1) not in days:
                run = 1
                while d + timedelta(days=run) in days:
                    run += 1
                longest = max(longest, run)
    return longest + 1


def shop_settings_sql(config: WorkspaceConfig) -> str:
    """``shop_settings``: one row per configured shop and service window (see module doc)."""
    rows: list[str] = []
    for s in config.shops:
        hours = s.service_hours
        days = ",".join(d.isoformat() for d in sorted(hours.days_off))
        common = f"{lit(s.id)}, {lit(s.timezone)}, {lit(hours.out_of_hours.value)}, {lit(days)}"
        windows: list[tuple[time | None, time | None]] = [(w.start, w.end) for w in hours.windows]
        windows = windows or [(None, None)]
        for no, (start, end) in enumerate(windows, 1):
            rows.append(f"({common}, {no}, {_time(start)}, {_time(end)})")
    return f"""SELECT CAST(shop_id AS VARCHAR) AS shop_id, CAST(timezone AS VARCHAR) AS timezone,
       CAST(open_time AS TIME) AS open_time, CAST(close_time AS TIME) AS close_time,
       CAST(window_no AS INTEGER) AS window_no, CAST(out_of_hours AS VARCHAR) AS out_of_hours,
       CAST(days_off AS VARCHAR) AS days_off
FROM (VALUES {", ".join(rows)})
  AS v(shop_id, timezone, out_of_hours, days_off, window_no, open_time, close_time)"""


def _time(t: time | None) -> str:
    return "NULL" if t is None else f"TIME {lit(t.strftime('%H:%M:%S'))}"


def shop_settings_step(config: WorkspaceConfig) -> Step:
    return Step(
        "shop_settings",
        shop_settings_sql(config),
        doc="店铺设置：时区、服务时间窗口（分段班次为多行）、非服务时间规则与休息日",
    )
