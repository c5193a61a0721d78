"""How closely the pandas reference agrees with shopkpi, metric by metric.

Reads shopkpi's ``metric_value`` (run ``shopkpi compute`` first) and the reference's
``pandas_metric_value.parquet`` (run ``pandas_reference.py`` first) in ROOT. A value agrees
when it is within 0.01 or 0.1% of shopkpi's; where shopkpi holds a value as 待定 (pending:
no value yet), its numerator and denominator are compared instead. Prints the staff × month
agreement per metric (key metrics first), then the agreement per entity kind × grain.
Exit status 1 when a key metric agrees on fewer than 95% of its staff × month values.

Usage::

    python benchmarks/check_reference.py ROOT
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

KEY = (
    "inquiry_buyers",
    "received_buyers",
    "consulted_buyers",
    "cs_sales",
    "cs_orders",
    "first_response_seconds",
    "avg_response_seconds",
    "inquiry_to_paid_rate",
    "days_worked",
)
ROW = ["entity_kind", "entity_id", "grain", "period", "metric_id"]


def _close(ours: pd.Series, theirs: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    a = ours.fillna(0).to_numpy(dtype="float64")
    b = theirs.fillna(0).to_numpy(dtype="float64")
    diff = np.abs(a - b)
    return diff, (diff <= 0.01) | (diff <= 1e-3 * np.abs(a))


def compare(root: Path) -> pd.DataFrame:
    """Every metric value of either side, with ``agrees`` and ``diff``."""
    con = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    ours = con.execute(
        """SELECT entity_kind, entity_id, grain, period, metric_id,
                  CAST(value AS DOUBLE) AS shopkpi, CAST(numerator AS DOUBLE) AS shopkpi_num,
                  CAST(denominator AS DOUBLE) AS shopkpi_den
           FROM metric_value"""
    ).df()
    con.close()
    ref = pd.read_parquet(root / "pandas_metric_value.parquet")
    both = ours.merge(ref[[*ROW, "value", "numerator", "denominator"]], on=ROW, how="outer")
    diff, agrees = _close(both["shopkpi"], both["value"])
    num_diff, num_agrees = _close(both["shopkpi_num"], both["numerator"])
    den_diff, den_agrees = _close(both["shopkpi_den"], both["denominator"])
    pending = both["shopkpi"].isna() & both["shopkpi_num"].notna()
    both["agrees"] = np.where(pending, num_agrees & den_agrees, agrees)
    both["diff"] = np.where(pending, np.maximum(num_diff, den_diff), diff)
    return both


def main() -> None:
    both = compare(Path(sys.argv[1]))
    month = both[(both["entity_kind"] == "staff") & (both["grain"] == "month")]
    table = month.groupby("metric_id").agg(
        values=("agrees", "size"), agree=("agrees", "sum"), max_diff=("diff", "max")
    )
    table["share"] = table["agree"] / table["values"]
    table = table.loc[[m for m in KEY if m in table.index] + sorted(set(table.index) - set(KEY))]
    print("| metric | staff×month values | agree | share | max abs diff |")
    print("|---|---:|---:|---:|---:|")
    for metric, row in table.iterrows():
        print(
            f"| {metric} | {int(row['values'])} | {int(row['agree'])} | {row['share']:.1%} | "
            f"{row['max_diff']:.3g} |"
        )
    print("\n| entity × grain | values | agree |")
    print("|---|---:|---:|")
    for (kind, grain), part in both.groupby(["entity_kind", "grain"]):
        print(f"| {kind} × {grain} | {len(part):,} | {part['agrees'].mean():.2%} |")
    print(f"\nall: {int(both['agrees'].sum()):,} of {len(both):,} values agree")
    key_ok = (table.loc[[m for m in KEY if m in table.index], "share"] >= 0.95).all()
    sys.exit(0 if key_ok else 1)


if __name__ == "__main__":
    main()
