"""The catalog is sound, covers issue 3's list, and docs/metrics.md is generated from it."""

from __future__ import annotations

import re
from pathlib import Path

from shopkpi.metrics.catalog import CATALOG, problems
from shopkpi.metrics.docs import render_metrics_reference
from shopkpi.metrics.model import MetricKind

DOCS = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"

# The minimum list of issue 3, by GLOSSARY identifier.
REQUIRED = [
    "consulted_buyers",
    "received_buyers",
    "inquiry_buyers",
    "unreplied_buyers",
    "reply_rate",
    "answer_question_ratio",
    "first_response_seconds",
    "median_first_response_seconds",
    "p90_first_response_seconds",
    "avg_response_seconds",
    "median_response_seconds",
    "p90_response_seconds",
    "response_bucket_30s",
    "effective_response_seconds",
    "reply_within_3min_rate",
    "slow_reception_buyers",
    "long_reception_buyers",
    "avg_session_seconds",
    "avg_resolution_seconds",
    "inquiry_to_order_same_day",
    "inquiry_to_order_next_day",
    "inquiry_to_order_final",
    "inquiry_to_paid_rate",
    "order_to_paid_rate",
    "cs_sales",
    "cs_paying_buyers",
    "cs_orders",
    "sales_per_buyer",
    "items_per_buyer",
    "price_per_item",
    "sales_share",
    "silent_sales",
    "silent_share",
    "assist_buyers",
    "assist_sales",
    "orders_per_day_worked",
    "sales_per_day_worked",
    "refund_amount",
    "refund_rate",
    "return_rate",
    "satisfaction_rate",
    "satisfaction_score",
    "eval_participation_rate",
    "transfer_rate",
    "first_contact_resolution_rate",
    "payment_chase_rate",
    "sales_per_staff",
    "inquiries_per_staff_day",
    "wage_cost_ratio",
]


def test_catalog_is_sound() -> None:
    assert problems(CATALOG) == []


def test_issue_list_is_covered() -> None:
    assert sorted(set(REQUIRED) - set(CATALOG)) == []


def test_non_additive_metrics_are_the_distinct_counts_medians_and_percentiles() -> None:
    non_additive = {m.id for m in CATALOG.metrics if not m.additive}
    assert non_additive == {
        "received_buyers_distinct",
        "cs_paying_buyers_distinct",
        "median_first_response_seconds",
        "p90_first_response_seconds",
        "median_response_seconds",
        "p90_response_seconds",
        "staff_headcount",
        "sales_per_staff",
        "sales_share",  # its denominator is the whole shop's, including the agent's days off
    }


def test_counts_and_totals_have_no_denominator() -> None:
    for m in CATALOG.metrics:
        if m.kind in (MetricKind.count, MetricKind.sum):
            assert m.denominator is None, m.id
        if m.kind in (MetricKind.ratio, MetricKind.mean, MetricKind.derived):
            assert m.denominator, m.id


def test_metric_lookup_by_id_or_chinese_name() -> None:
    assert CATALOG.get_metric("客服销售额").id == "cs_sales"
    assert CATALOG.get_metric("inquiry_to_paid_rate").name == "询单→最终付款转化率"


def test_every_metric_is_in_the_metric_reference() -> None:
    text = DOCS.read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z0-9_]+)` \|", text, flags=re.M))
    assert set(CATALOG) <= documented, "run `make docs` to regenerate docs/metrics.md"


def test_metric_reference_matches_the_catalog() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert text == render_metrics_reference(), "run `make docs` to regenerate docs/metrics.md"
