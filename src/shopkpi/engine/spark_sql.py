"""DuckDB SQL → Spark SQL: sqlglot's transpiler plus the rewrites it misses.

sqlglot carries the syntax across (QUALIFY, ``::`` casts, ``NULLS LAST``, ``GROUP BY ALL``).
Where the two engines agree on syntax but not on meaning — a type, a unit, a boundary —
sqlglot passes the text through unchanged and the numbers silently differ. Each such
difference is one named :class:`Rewrite` below, found by running both engines on the same
rows and tested in ``tests/engine/test_spark_sql.py``. The rewrites assume the conventions of
the derived-table contract (``docs/derive.md``): timestamps are naive UTC, and the Spark
session runs in UTC with the TIME type enabled (``SparkEngine.SESSION_CONF``).

Constructs with no syntactic fix are listed in ``NOT_PORTABLE`` (and docs/derive.md): the
SQL builders avoid them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlglot
from sqlglot import exp

from shopkpi.errors import ShopkpiError


class TranspileError(ShopkpiError):
    """A DuckDB construct that has no faithful Spark equivalent."""


@dataclass(frozen=True)
class Rewrite:
    """One DuckDB→Spark difference that sqlglot does not cover.

    ``apply`` sees every node of the DuckDB tree, children before parents, and returns the
    node unchanged or its replacement.
    """

    name: str
    doc: str
    apply: Callable[[exp.Expr], exp.Expr]


def _fn(name: str, *args: exp.Expr) -> exp.Expr:
    """A Spark function call that sqlglot's generator prints as written."""
    return exp.Anonymous(this=name, expressions=list(args))


def _cast(node: exp.Expr, to: str) -> exp.Expr:
    return exp.Cast(this=node, to=exp.DataType.build(to))


def _is_cast_to(node: exp.Expr | None, kind: exp.DType) -> bool:
    return isinstance(node, exp.Cast) and node.to.this == kind


def _as_double(node: exp.Expr) -> exp.Expr:
    if _is_cast_to(node, exp.DataType.Type.DOUBLE) or isinstance(node, exp.Div):
        return node
    return _cast(node, "DOUBLE")


def _string(node: exp.Expr) -> str | None:
    return node.this if isinstance(node, exp.Literal) and node.is_string else None


# --- the rewrites -------------------------------------------------------------------------

_TIME_MACROS: dict[str, Callable[[exp.Expr, exp.Expr], exp.Expr]] = {
    # warehouse/macros.py: local wall time in tz → UTC, and UTC → local wall time.
    "sk_utc": lambda ts, tz: exp.AtTimeZone(
        this=exp.AtTimeZone(this=ts, zone=tz), zone=exp.Literal.string("UTC")
    ),
    "sk_local": lambda ts, tz: exp.AtTimeZone(
        this=exp.AtTimeZone(this=ts, zone=exp.Literal.string("UTC")), zone=tz
    ),
    # DuckDB's timezone(tz, ts) is ts AT TIME ZONE tz.
    "timezone": lambda tz, ts: exp.AtTimeZone(this=ts, zone=tz),
}


def expand_time_zone_macros(node: exp.Expr) -> exp.Expr:
    if isinstance(node, exp.Anonymous) and str(node.this).lower() in _TIME_MACROS:
        args = node.expressions
        if len(args) == 2:
            return _TIME_MACROS[str(node.this).lower()](args[0], args[1])
    return node


def _utc(zone: exp.Expr) -> bool:
    return (_string(zone) or "").upper() in {"UTC", "ETC/UTC", "GMT", "Z"}


def at_time_zone(node: exp.Expr) -> exp.Expr:
    """``naive AT TIME ZONE z`` reads a wall time in ``z`` (an instant: to_utc_timestamp);
    ``instant AT TIME ZONE z`` renders it as a wall time in ``z`` (from_utc_timestamp).
    sqlglot maps both to from_utc_timestamp, which is right only for the second."""
    if not isinstance(node, exp.AtTimeZone):
        return node
    if isinstance(node.parent, exp.AtTimeZone) and node.arg_key == "this":
        return node  # the outer AT TIME ZONE rewrites the pair
    inner: exp.Expr = node.this
    if isinstance(inner, exp.AtTimeZone):
        instant = (
            inner.this
            if _utc(inner.args["zone"])
            else (_fn("TO_UTC_TIMESTAMP", inner.this, inner.args["zone"]))
        )
        wall = (
            instant
            if _utc(node.args["zone"])
            else (_fn("FROM_UTC_TIMESTAMP", instant, node.args["zone"]))
        )
        return _cast(wall, "TIMESTAMP_NTZ")
    if _utc(node.args["zone"]):
        return inner
    return _fn("TO_UTC_TIMESTAMP", inner, node.args["zone"])


def division_as_double(node: exp.Expr) -> exp.Expr:
    """DuckDB's ``/`` always returns DOUBLE; Spark keeps DECIMAL (rounded to 6 places)."""
    if isinstance(node, exp.Div) and not node.args.get("typed"):
        return exp.Div(this=_as_double(node.this), expression=_as_double(node.expression))
    return node


def average_as_double(node: exp.Expr) -> exp.Expr:
    """DuckDB's ``avg`` returns DOUBLE; Spark's avg of a DECIMAL is a DECIMAL rounded to
    scale + 4."""
    if isinstance(node, exp.Avg) and not _is_cast_to(node.this, exp.DataType.Type.DOUBLE):
        return exp.Avg(this=_as_double(node.this))
    return node


def _micros(node: exp.Expr) -> exp.Expr:
    return _fn("UNIX_MICROS", node)


def epoch_with_fraction(node: exp.Expr) -> exp.Expr:
    """DuckDB's ``epoch(ts)`` is DOUBLE seconds with the fraction; Spark's unix_timestamp
    drops it. ``epoch(b - a)`` (an INTERVAL) becomes the difference of the two instants."""
    if not isinstance(node, exp.TimeToUnix):
        return node
    arg = node.this
    while isinstance(arg, exp.Paren):
        arg = arg.this
    if isinstance(arg, exp.Sub) and not isinstance(arg.expression, exp.Interval):
        micros: exp.Expr = exp.Paren(
            this=exp.Sub(this=_micros(arg.this), expression=_micros(arg.expression))
        )
    else:
        micros = _micros(arg)
    return exp.Div(this=_cast(micros, "DOUBLE"), expression=exp.Literal.number("1e6"))


_DIFF_UNITS = {
    "MICROSECOND": "MICROSECOND",
    "MICROSECONDS": "MICROSECOND",
    "US": "MICROSECOND",
    "MILLISECOND": "MILLISECOND",
    "MILLISECONDS": "MILLISECOND",
    "MS": "MILLISECOND",
    "SECOND": "SECOND",
    "SECONDS": "SECOND",
    "S": "SECOND",
    "MINUTE": "MINUTE",
    "MINUTES": "MINUTE",
    "M": "MINUTE",
    "HOUR": "HOUR",
    "HOURS": "HOUR",
    "H": "HOUR",
    "DAY": "DAY",
    "DAYS": "DAY",
    "D": "DAY",
    "MONTH": "MONTH",
    "MONTHS": "MONTH",
    "QUARTER": "QUARTER",
    "YEAR": "YEAR",
    "YEARS": "YEAR",
}


def date_diff_boundaries(node: exp.Expr) -> exp.Expr:
    """DuckDB's ``date_diff(unit, a, b)`` counts unit boundaries crossed (23:00 → 01:00 is
    one day); Spark's ``datediff``/``timestampdiff`` counts whole units elapsed. Counting
    whole units between the truncated instants gives DuckDB's answer."""
    if not isinstance(node, exp.DateDiff):
        return node
    unit_node = node.args.get("unit")
    raw = (unit_node.name if unit_node is not None else "DAY").upper()
    unit = _DIFF_UNITS.get(raw)
    if unit is None:
        raise TranspileError(
            f"date_diff('{raw.lower()}', …) has no portable meaning (DuckDB counts week "
            "boundaries from the epoch); use days, or date_trunc both sides first"
        )

    def trunc(side: exp.Expr) -> exp.Expr:
        return exp.TimestampTrunc(this=side, unit=exp.var(unit))

    return _fn("TIMESTAMPDIFF", exp.var(unit), trunc(node.expression), trunc(node.this))


def date_trunc_naive(node: exp.Expr) -> exp.Expr:
    """DuckDB's ``date_trunc`` returns a naive TIMESTAMP; Spark's returns TIMESTAMP (with
    session zone). Keep it naive so later arithmetic mixes like with like."""
    if isinstance(node, exp.TimestampTrunc | exp.DateTrunc) and not _is_cast_to(
        node.parent, exp.DataType.Type.TIMESTAMPNTZ
    ):
        return _cast(node, "TIMESTAMP_NTZ")
    return node


def day_of_week(node: exp.Expr) -> exp.Expr:
    """DuckDB: ``dayofweek`` 0 = Sunday, ``isodow`` 1 = Monday … 7 = Sunday. Spark's
    DAYOFWEEK is 1 = Sunday, and sqlglot's isodow formula is off by one."""
    if isinstance(node, exp.DayOfWeekIso):
        return exp.Paren(
            this=exp.Add(this=_fn("WEEKDAY", node.this), expression=exp.Literal.number(1))
        )
    if isinstance(node, exp.DayOfWeek):
        return exp.Paren(
            this=exp.Sub(this=_fn("DAYOFWEEK", node.this), expression=exp.Literal.number(1))
        )
    return node


_TIME = exp.DataType(this=exp.DataType.Type.USERDEFINED, kind="TIME")


def time_type(node: exp.Expr) -> exp.Expr:
    """sqlglot prints DuckDB's TIME as Spark TIMESTAMP (today's date at that time); Spark
    4.1+ has a real TIME type (``spark.sql.timeType.enabled``)."""
    if _is_cast_to(node, exp.DataType.Type.TIME):
        return exp.Cast(this=node.this, to=_TIME.copy())
    return node


def _ordered_column(node: exp.WithinGroup) -> exp.Expr:
    order = node.expression
    terms = order.expressions if isinstance(order, exp.Order) else []
    if len(terms) != 1 or terms[0].args.get("desc"):
        raise TranspileError("percentile … WITHIN GROUP needs one ascending ORDER BY term")
    column: exp.Expr = terms[0].this
    return column


def percentiles(node: exp.Expr) -> exp.Expr:
    """Exact percentiles. ``quantile_cont``/``median`` → Spark's exact ``percentile``
    (sqlglot emits a 2-argument percentile_cont Spark rejects, or percentile_approx);
    ``quantile``/``quantile_disc`` → ``percentile_disc(q) WITHIN GROUP``."""
    if isinstance(node, exp.WithinGroup) and isinstance(node.this, exp.PercentileCont):
        return _fn("PERCENTILE", _ordered_column(node), node.this.this)
    if isinstance(node, exp.WithinGroup) and isinstance(node.this, exp.PercentileDisc):
        return exp.WithinGroup(
            this=_fn("PERCENTILE_DISC", node.this.this), expression=node.expression
        )
    if isinstance(node, exp.PercentileCont) and node.expression is not None:
        return _fn("PERCENTILE", node.this, node.expression)
    if isinstance(node, exp.Median):
        return _fn("PERCENTILE", node.this, exp.Literal.number("0.5"))
    disc_q = None
    if isinstance(node, exp.Quantile):
        disc_q = node.args.get("quantile")
    elif isinstance(node, exp.PercentileDisc) and node.expression is not None:
        disc_q = node.expression
    if disc_q is not None:
        order = exp.Order(expressions=[exp.Ordered(this=node.this, nulls_first=False)])
        return exp.WithinGroup(this=_fn("PERCENTILE_DISC", disc_q), expression=order)
    return node


def interval_from_expression(node: exp.Expr) -> exp.Expr:
    """``INTERVAL (n) MINUTE`` with a computed n → ``n * INTERVAL '1' MINUTE`` (Spark only
    takes literals inside INTERVAL)."""
    if not isinstance(node, exp.Interval):
        return node
    value = node.this
    if value is None or isinstance(value, exp.Literal):
        return node
    if isinstance(value, exp.Neg) and isinstance(value.this, exp.Literal):
        return node
    unit = node.args.get("unit")
    one = exp.Interval(this=exp.Literal.string("1"), unit=unit.copy() if unit else None)
    inner = value if isinstance(value, exp.Paren) else exp.Paren(this=value)
    return exp.Paren(this=exp.Mul(this=inner, expression=one))


def _is_interval(node: exp.Expr | None) -> bool:
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Mul):  # n * INTERVAL '1' MINUTE (interval_from_expression)
        return _is_interval(node.this) or _is_interval(node.expression)
    return isinstance(node, exp.Interval)


def interval_arithmetic_is_timestamp(node: exp.Expr) -> exp.Expr:
    """``date ± INTERVAL`` is a TIMESTAMP in DuckDB and a DATE in Spark. Casting the left
    side to TIMESTAMP_NTZ gives DuckDB's type (a no-op for timestamps); TIME stays TIME."""
    if not isinstance(node, exp.Add | exp.Sub):
        return node
    base, step = node.this, node.expression
    if isinstance(node, exp.Add) and _is_interval(base) and not _is_interval(step):
        base, step = step, base
    if not _is_interval(step) or _is_interval(base):
        return node
    if _is_cast_to(base, exp.DataType.Type.TIMESTAMPNTZ) or _is_cast_to(
        base, exp.DataType.Type.TIMESTAMP
    ):
        return node
    if _is_cast_to(base, exp.DataType.Type.TIME) or (
        isinstance(base, exp.Cast) and base.to.args.get("kind") == "TIME"
    ):
        return node
    return type(node)(this=_cast(base, "TIMESTAMP_NTZ"), expression=step)


def string_bytes(node: exp.Expr) -> exp.Expr:
    """DuckDB's ``strlen`` counts bytes (``length`` counts characters in both)."""
    if isinstance(node, exp.Anonymous) and str(node.this).lower() == "strlen":
        return _fn("OCTET_LENGTH", *node.expressions)
    return node


REWRITES: tuple[Rewrite, ...] = (
    Rewrite(
        "expand_time_zone_macros",
        "sk_utc/sk_local/timezone() → AT TIME ZONE",
        expand_time_zone_macros,
    ),
    Rewrite("at_time_zone", "AT TIME ZONE → to_/from_utc_timestamp, naive", at_time_zone),
    Rewrite("division_as_double", "a / b is DOUBLE division", division_as_double),
    Rewrite("average_as_double", "avg() is DOUBLE", average_as_double),
    Rewrite("epoch_with_fraction", "epoch() keeps the fraction of a second", epoch_with_fraction),
    Rewrite("date_diff_boundaries", "date_diff counts boundaries crossed", date_diff_boundaries),
    Rewrite("date_trunc_naive", "date_trunc returns a naive TIMESTAMP", date_trunc_naive),
    Rewrite("day_of_week", "dayofweek 0=Sunday, isodow 1=Monday", day_of_week),
    Rewrite("time_type", "TIME stays TIME", time_type),
    Rewrite("percentiles", "exact percentiles and medians", percentiles),
    Rewrite("interval_from_expression", "INTERVAL (expr) unit", interval_from_expression),
    Rewrite(
        "interval_arithmetic_is_timestamp",
        "date ± INTERVAL is a TIMESTAMP",
        interval_arithmetic_is_timestamp,
    ),
    Rewrite("string_bytes", "strlen counts bytes", string_bytes),
)

# What no rewrite can fix without knowing column types: the SQL builders avoid these.
NOT_PORTABLE: dict[str, str] = {
    "date - date": "an integer in DuckDB, an INTERVAL in Spark: use date_diff('day', a, b)",
    "ts - ts": "an INTERVAL in both, but of different kinds: use date_diff or epoch(b) - epoch(a)",
    "date + time": "DuckDB only: use CAST(d AS TIMESTAMP) + INTERVAL (epoch(t)) SECOND… or keep "
    "service hours as minutes of the day",
    "CAST(fraction AS INTEGER)": "DuckDB rounds, Spark truncates: write round() or floor()",
    "x / 0": "inf in DuckDB, an error in Spark (ANSI): divide by nullif(d, 0)",
    "x IN (subquery) with NULL x in a SELECT list": "NULL in DuckDB, false in Spark",
    "quantile_disc(x, q)": "the element itself in DuckDB, a DOUBLE in Spark: cast the result",
    "sum(boolean)": "Spark refuses: use count_if(…) or sum(CASE WHEN … THEN 1 ELSE 0 END)",
    "ASOF JOIN": "DuckDB only: keep it in Step.fast_sql, with a portable Step.sql",
    "lists, structs, macros": "DuckDB only",
}


def _rewrite(tree: exp.Expr, rule: Rewrite) -> exp.Expr:
    """Apply ``rule`` to every node, children before parents (nested matches included)."""
    for node in reversed(list(tree.walk(bfs=False))):
        # Where the node sits, taken before apply() may re-parent it inside its replacement.
        parent, key, index = node.parent, node.arg_key, node.index
        new = rule.apply(node)
        if new is node:
            continue
        if parent is None or key is None:
            tree = new
        else:
            parent.set(key, new, index)
    return tree


def to_spark(sql: str, rewrites: tuple[Rewrite, ...] = REWRITES) -> str:
    """One DuckDB-dialect statement as Spark SQL."""
    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
    except sqlglot.errors.ParseError as exc:
        raise TranspileError(f"sqlglot cannot parse this DuckDB SQL: {exc}") from exc
    for rule in rewrites:
        tree = _rewrite(tree, rule)
    return tree.sql(dialect="spark")
