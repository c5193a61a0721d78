"""The DuckDB → Spark rewrites, as text (no Spark needed).

Each expected string was checked against a real Spark 4.3 session by the spark-marked
equivalence test's probe steps; here they pin the output so a sqlglot upgrade that changes
it is noticed.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from shopkpi.engine.spark_sql import NOT_PORTABLE, REWRITES, TranspileError, to_spark


def spark(sql: str) -> str:
    """The select list of ``SELECT <sql>`` as Spark SQL."""
    return to_spark(f"SELECT {sql}").removeprefix("SELECT ")


@pytest.mark.parametrize(
    ("duckdb", "expected"),
    [
        # at_time_zone (+ expand_time_zone_macros)
        (
            "CAST(ts AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai' AS DATE)",
            "CAST(CAST(FROM_UTC_TIMESTAMP(ts, 'Asia/Shanghai') AS TIMESTAMP_NTZ) AS DATE)",
        ),
        (
            "ts AT TIME ZONE 'Asia/Shanghai' AT TIME ZONE 'UTC'",
            "CAST(TO_UTC_TIMESTAMP(ts, 'Asia/Shanghai') AS TIMESTAMP_NTZ)",
        ),
        ("sk_local(ts, tz)", "CAST(FROM_UTC_TIMESTAMP(ts, tz) AS TIMESTAMP_NTZ)"),
        (
            "sk_utc(ts, 'Asia/Shanghai')",
            "CAST(TO_UTC_TIMESTAMP(ts, 'Asia/Shanghai') AS TIMESTAMP_NTZ)",
        ),
        ("timezone('Asia/Shanghai', ts)", "TO_UTC_TIMESTAMP(ts, 'Asia/Shanghai')"),
        # division_as_double, average_as_double
        ("a / b", "CAST(a AS DOUBLE) / CAST(b AS DOUBLE)"),
        ("a / b / c", "CAST(a AS DOUBLE) / CAST(b AS DOUBLE) / CAST(c AS DOUBLE)"),
        ("a // b", "a DIV b"),
        ("avg(m)", "AVG(CAST(m AS DOUBLE))"),
        # epoch_with_fraction
        ("epoch(ts)", "CAST(UNIX_MICROS(ts) AS DOUBLE) / 1e6"),
        ("epoch(b - a)", "CAST((UNIX_MICROS(b) - UNIX_MICROS(a)) AS DOUBLE) / 1e6"),
        (
            "epoch(a - INTERVAL 1 HOUR)",
            "CAST(UNIX_MICROS(CAST(a AS TIMESTAMP_NTZ) - INTERVAL '1' HOUR) AS DOUBLE) / 1e6",
        ),
        # date_diff_boundaries (+ date_trunc_naive)
        (
            "date_diff('day', a, b)",
            "TIMESTAMPDIFF(DAY, CAST(DATE_TRUNC('DAY', a) AS TIMESTAMP_NTZ), "
            "CAST(DATE_TRUNC('DAY', b) AS TIMESTAMP_NTZ))",
        ),
        (
            "datediff('second', a, b)",
            "TIMESTAMPDIFF(SECOND, CAST(DATE_TRUNC('SECOND', a) AS TIMESTAMP_NTZ), "
            "CAST(DATE_TRUNC('SECOND', b) AS TIMESTAMP_NTZ))",
        ),
        ("date_trunc('month', d)", "CAST(DATE_TRUNC('MONTH', d) AS TIMESTAMP_NTZ)"),
        # day_of_week
        ("dayofweek(d)", "(DAYOFWEEK(d) - 1)"),
        ("isodow(d)", "(WEEKDAY(d) + 1)"),
        # time_type
        ("TIME '08:00:00'", "CAST('08:00:00' AS TIME)"),
        ("CAST(ts AS TIME)", "CAST(ts AS TIME)"),
        # percentiles
        ("median(x)", "PERCENTILE(x, 0.5)"),
        ("quantile_cont(x, 0.9)", "PERCENTILE(x, 0.9)"),
        ("percentile_cont(0.9) WITHIN GROUP (ORDER BY x)", "PERCENTILE(x, 0.9)"),
        ("quantile_disc(x, 0.5)", "PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY x NULLS LAST)"),
        ("quantile(x, 0.5)", "PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY x NULLS LAST)"),
        # interval_from_expression
        (
            "a + INTERVAL (n * 2) MINUTE",
            "CAST(a AS TIMESTAMP_NTZ) + ((n * 2) * INTERVAL '1' MINUTE)",
        ),
        # interval_arithmetic_is_timestamp
        ("a - INTERVAL 10 MINUTE", "CAST(a AS TIMESTAMP_NTZ) - INTERVAL '10' MINUTE"),
        ("INTERVAL 3 DAY + d", "CAST(d AS TIMESTAMP_NTZ) + INTERVAL '3' DAY"),
        ("CAST(d AS TIMESTAMP) + INTERVAL 8 HOUR", "CAST(d AS TIMESTAMP_NTZ) + INTERVAL '8' HOUR"),
        ("TIME '08:00:00' + INTERVAL 1 HOUR", "CAST('08:00:00' AS TIME) + INTERVAL '1' HOUR"),
        ("d + 1", "d + 1"),
        # string_bytes
        ("strlen(s)", "OCTET_LENGTH(s)"),
        # what sqlglot already gets right stays as sqlglot writes it
        ("CAST(x AS DECIMAL(18,2))", "CAST(x AS DECIMAL(18, 2))"),
        ("CAST(ts AS TIMESTAMP)", "CAST(ts AS TIMESTAMP_NTZ)"),
        ("count_if(x > 1)", "COUNT_IF(x > 1)"),
    ],
)
def test_rewrite(duckdb: str, expected: str) -> None:
    assert spark(duckdb) == expected


def test_nested_matches_are_all_rewritten() -> None:
    assert spark("avg(a / (b / c))") == (
        "AVG(CAST(a AS DOUBLE) / CAST((CAST(b AS DOUBLE) / CAST(c AS DOUBLE)) AS DOUBLE))"
    )
    assert spark("epoch(max(b)) - epoch(min(a))") == (
        "CAST(UNIX_MICROS(MAX(b)) AS DOUBLE) / 1e6 - CAST(UNIX_MICROS(MIN(a)) AS DOUBLE) / 1e6"
    )


def test_qualify_and_windows_carry_over() -> None:
    sql = to_spark(
        "SELECT o, t FROM x QUALIFY row_number() OVER (PARTITION BY o ORDER BY t DESC) = 1"
    )
    assert "ROW_NUMBER() OVER (PARTITION BY o ORDER BY t DESC)" in sql
    assert "QUALIFY" not in sql
    assert "ORDER BY t NULLS LAST" in to_spark("SELECT lag(t) OVER (ORDER BY t) FROM x")


def test_week_differences_are_refused() -> None:
    with pytest.raises(TranspileError, match="week"):
        to_spark("SELECT date_diff('week', a, b)")


def test_unparseable_sql_is_a_transpile_error() -> None:
    with pytest.raises(TranspileError):
        to_spark("SELECT FROM WHERE (")


def test_rules_are_named_and_documented() -> None:
    names = [r.name for r in REWRITES]
    assert len(names) == len(set(names))
    assert all(r.doc for r in REWRITES)
    assert "ASOF JOIN" in NOT_PORTABLE


def test_engine_module_imports_without_pyspark() -> None:
    code = (
        "import sys; from shopkpi.engine.spark import SparkEngine; "
        "assert SparkEngine.NAME == 'spark' and not SparkEngine.SUPPORTS_ASOF; "
        "assert 'pyspark' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_cli_does_not_load_sqlglot_or_pyspark() -> None:
    code = "import sys, shopkpi.cli.app; assert not {'sqlglot', 'pyspark'} & set(sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True)
