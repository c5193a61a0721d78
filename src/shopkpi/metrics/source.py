"""Row sources: the evidence tables metrics are computed from (and ``explain`` lists)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from shopkpi.metrics.context import MetricContext


@dataclass(frozen=True)
class Source:
    """A row-level step (``ms_*``): one row per session, round, inquiry, order, ….

    Every source has ``shop_id``, ``staff_id`` (NULL for rows no agent owns, e.g. silent
    orders, which then count for the shop only), ``biz_date`` (the day the row counts on)
    and ``note`` (the rule that classified the row, in Chinese, for ``explain``).

    Attributes:
        name: the step's table name.
        label: what one row is, in Chinese (shown as the explain section title).
        build: returns the SELECT (DuckDB dialect, portable to Spark SQL).
        columns: the evidence columns ``explain`` shows, with Chinese headers.
        order_by: how ``explain`` sorts the rows.
        orders: rows are orders (``order_id``); ``explain`` also lists their refunds.
        links: columns ``explain`` returns in each row but does not show, to link the row to
            its detail (``session_id``: the web's chat transcript).
    """

    name: str
    label: str
    build: Callable[[MetricContext], str]
    columns: tuple[tuple[str, str], ...]
    order_by: str
    orders: bool = False
    links: tuple[str, ...] = ()


def flag(condition: str) -> str:
    """A 0/1 integer column from a boolean condition (sums count rows)."""
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"
