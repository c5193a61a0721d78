"""The Chinese paragraph: fixed wording, 1-decimal percentages, 2-decimal yuan."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from shopkpi.insights.anomaly import Change, DayCheck, Verdict
from shopkpi.insights.decompose import Funnel, decompose_gmv, decompose_segments
from shopkpi.insights.explain import PaceFact, explain, signed_pct, yuan
from shopkpi.insights.rootcause import Candidate, ElementScore


def _cause(dimension: str, element: str) -> Candidate:
    return Candidate(dimension, (ElementScore(dimension, element, 100.0, 40.0, 0.9, 0.01),))


def test_issue_example() -> None:
    # Conversion 5% → 4.6% at the same traffic and 客单价: the whole −400 is conversion.
    d = decompose_gmv(Funnel(1000, 50, Decimal("5000")), Funnel(1000, 46, Decimal("4600")))
    text = explain(
        "GMV",
        PaceFact("GMV", 0.6, vs_yesterday=0.9),
        decomposition=d,
        causes=[_cause("category", "女装"), _cause("channel", "直通车")],
    )
    assert text == (
        "GMV 为今日进度的 60.0%，低于昨日同时段。"
        "较基线下降 400.00 元（-8.0%），主要来自流量转化（-8.0%，-400.00 元），"
        "集中在类目 女装、渠道 直通车。"
    )


def test_segments_and_thousands() -> None:
    # Total 7000 → 6700 (−4.3%); the biggest drop is visitors (1500 → 1300, −13.3%, −1000).
    base = {"A": Funnel(1000, 50, Decimal("5000")), "B": Funnel(500, 10, Decimal("2000"))}
    current = {"A": Funnel(800, 40, Decimal("4000")), "B": Funnel(500, 15, Decimal("2700"))}
    seg = decompose_segments(base, current)
    text = explain(decomposition=seg.total, causes=[_cause("channel", "直通车")])
    assert (
        text
        == "较基线下降 300.00 元（-4.3%），主要来自流量（-13.3%，-1,000.00 元），集中在渠道 直通车。"
    )


def test_pace_and_anomaly_only() -> None:
    assert explain(pace=PaceFact("GMV", 1.05, 1.0)) == "GMV 为今日进度的 105.0%，持平昨日同时段。"
    assert explain(pace=PaceFact("GMV", 0.5)) == "GMV 为今日进度的 50.0%。"
    check = DayCheck(
        date(2026, 3, 30),
        70.0,
        100.0,
        5.9304,
        -5.06,
        Change.down,
        Verdict.anomaly,
        True,
        "比基线 100.00 低 30.0%",
    )
    assert (
        explain("客服销售额", check=check)
        == "2026-03-30 客服销售额 70.00，比基线 100.00 低 30.0%。"
    )


def test_formats() -> None:
    assert (signed_pct(-0.08), signed_pct(0.0504), yuan(1234567.891)) == (
        "-8.0%",
        "+5.0%",
        "1,234,567.89",
    )
