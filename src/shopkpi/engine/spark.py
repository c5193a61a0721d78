"""PySpark engine: the same steps, transpiled to Spark SQL, for agencies with many shops.

Import this module only when Spark is wanted: it needs ``pip install 'shopkpi[spark]'`` and
Java 17+. pyspark itself is imported inside the functions that use it.

Tables travel DuckDB → Arrow → Spark with their types kept exact: DECIMAL(p,s) stays
DECIMAL(p,s), DuckDB's TIMESTAMP (naive, always UTC) becomes TIMESTAMP_NTZ, DATE and TIME
stay DATE and TIME, VARCHAR becomes STRING. Each step is one Spark SQL query, materialised
(``localCheckpoint``: computed once, lineage cut) and registered as a temp view under the
step's name, so later steps read it by name exactly as on DuckDB.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import duckdb
import pyarrow as pa

from shopkpi.engine.base import Step
from shopkpi.engine.spark_sql import REWRITES, Rewrite, TranspileError, to_spark
from shopkpi.errors import ShopkpiError

# A local session for tests and single machines: no UI, no network, few partitions.
LOCAL_CONF: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.memory": "1g",
    "spark.log.level": "ERROR",
}
# Tests run dozens of queries over a few hundred rows: compiling code for each query costs
# more than interpreting it (measured: the equivalence test's steps 58 s → 40 s).
SMALL_DATA_CONF: dict[str, str] = {
    "spark.sql.shuffle.partitions": "1",
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.codegen.factoryMode": "NO_CODEGEN",
}


class SparkStepError(ShopkpiError):
    """A step failed on Spark; the message names the step and shows the Spark SQL."""


def local_session(cores: int = 1, app_name: str = "shopkpi", *, small_data: bool = False) -> Any:
    """A local-mode SparkSession (``local[cores]``) with the engine's settings applied;
    ``small_data`` (tests) trades code generation for start-up time.

    Reuses a running session, as ``SparkSession.builder.getOrCreate`` does.
    """
    from pyspark.sql import SparkSession

    conf = {
        **LOCAL_CONF,
        # Spark creates its (unused) warehouse folder at start; keep it out of the cwd.
        "spark.sql.warehouse.dir": str(Path(tempfile.gettempdir()) / "shopkpi-spark-warehouse"),
        "spark.sql.shuffle.partitions": str(2 * cores),
        "spark.default.parallelism": str(cores),
        **(SMALL_DATA_CONF if small_data else {}),
        **SparkEngine.SESSION_CONF,
    }
    builder = SparkSession.builder.master(f"local[{cores}]").appName(app_name)
    for key, value in conf.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


class SparkEngine:
    """Runs steps on a SparkSession. ``fast_sql`` variants are DuckDB-only and ignored."""

    NAME: ClassVar[str] = "spark"
    SUPPORTS_ASOF: ClassVar[bool] = False
    # Session settings the transpiled SQL relies on (see engine/spark_sql.py).
    SESSION_CONF: ClassVar[dict[str, str]] = {
        "spark.sql.session.timeZone": "UTC",  # naive UTC timestamps mean what they say
        "spark.sql.timeType.enabled": "true",  # DuckDB TIME → Spark TIME (Spark 4.1+)
        "spark.sql.ansi.enabled": "true",  # errors, not silent NULLs, like DuckDB
        # Spark 4.3 bug: a UNION ALL of checkpointed frames fails while inferring
        # constraints ("NoSuchElementException: key not found: grain#…").
        "spark.sql.constraintPropagation.enabled": "false",
    }
    REWRITES: ClassVar[tuple[Rewrite, ...]] = REWRITES

    def __init__(self, session: Any) -> None:
        self.session = session
        for key, value in self.SESSION_CONF.items():
            session.conf.set(key, value)
        self.frames: dict[str, Any] = {}  # step or table name → its DataFrame

    def sql(self, duckdb_sql: str) -> str:
        """The Spark SQL this engine runs for a DuckDB-dialect statement."""
        return to_spark(duckdb_sql, self.REWRITES)

    def load(
        self, con: duckdb.DuckDBPyConnection, tables: Iterable[str] | None = None
    ) -> dict[str, int]:
        """Copy tables from DuckDB into temp views of the same names; returns row counts.

        ``tables`` defaults to every canonical table that exists in ``con``.
        """
        names = list(tables) if tables is not None else _canonical_tables(con)
        counts: dict[str, int] = {}
        for name in names:
            arrow = con.sql(f"SELECT * FROM {name}").to_arrow_table()
            self._register(
                name, self.session.createDataFrame(arrow, schema=spark_schema(arrow.schema))
            )
            counts[name] = arrow.num_rows
        return counts

    def run(self, steps: Sequence[Step]) -> None:
        for step in steps:
            try:
                spark_sql = self.sql(step.sql)
            except TranspileError as exc:
                raise SparkStepError(f"step {step.name}: {exc}") from exc
            try:
                # Checkpointing cuts the lineage: with cache() instead, every later step
                # re-plans the whole chain and the metric roll-ups exhaust the driver's heap.
                frame = self.session.sql(spark_sql).localCheckpoint(eager=True)
            except Exception as exc:  # pyspark raises many types; name the step
                raise SparkStepError(
                    f"step {step.name} failed on Spark: {_message(exc)}\n{spark_sql}"
                ) from exc
            self._register(step.name, frame)

    def rows(self, sql: str) -> list[tuple[object, ...]]:
        return arrow_rows(self.session.sql(self.sql(sql)).toArrow())

    def _register(self, name: str, frame: Any) -> None:
        frame.createOrReplaceTempView(name)
        self.frames[name] = frame


def _message(exc: BaseException) -> str:
    """The first meaningful line of a (Py4J-wrapped) Spark error."""
    for line in str(exc).splitlines():
        text = line.strip().removeprefix(": ")
        if text and not text.startswith("An error occurred while calling"):
            return text
    return repr(exc)


def _canonical_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    from shopkpi.warehouse.schema import TABLES

    present = {
        row[0]
        for row in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()
    }
    # The QA tables are made by Python analyzers in the DuckDB compute (shopkpi.qa): the
    # Spark run takes them as inputs, like the canonical tables.
    qa = ("qa_message", "qa_session", "qa_finding")
    return [name for name in (*TABLES, *qa) if name in present]


def spark_schema(schema: pa.Schema) -> Any:
    """The Spark schema for an Arrow schema from DuckDB (naive timestamps → TIMESTAMP_NTZ)."""
    from pyspark.sql import types as T

    def convert(dtype: pa.DataType) -> Any:
        is_view = getattr(pa.types, "is_string_view", None)  # pyarrow 16+
        if (
            pa.types.is_string(dtype)
            or pa.types.is_large_string(dtype)
            or (is_view is not None and is_view(dtype))
        ):
            return T.StringType()
        if pa.types.is_decimal(dtype):
            return T.DecimalType(dtype.precision, dtype.scale)
        if pa.types.is_timestamp(dtype):
            return T.TimestampNTZType() if dtype.tz is None else T.TimestampType()
        if pa.types.is_time(dtype):
            return T.TimeType()
        simple: Mapping[Any, Any] = {
            pa.bool_(): T.BooleanType(),
            pa.int8(): T.ByteType(),
            pa.int16(): T.ShortType(),
            pa.int32(): T.IntegerType(),
            pa.int64(): T.LongType(),
            pa.float32(): T.FloatType(),
            pa.float64(): T.DoubleType(),
            pa.date32(): T.DateType(),
        }
        if dtype in simple:
            return simple[dtype]
        raise TypeError(f"no Spark type for Arrow {dtype}")

    return T.StructType([T.StructField(f.name, convert(f.type), True) for f in schema])


def arrow_rows(table: pa.Table) -> list[tuple[object, ...]]:
    """Rows as tuples; instants with a zone come back as naive UTC, as DuckDB gives them."""
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    return [tuple(_naive(v) for v in row) for row in zip(*columns, strict=True)]


def _naive(value: object) -> object:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value
