"""End to end: the demo's own 客服绩效 report against our computed metrics.

The demo writes the platform's report from its simulated ground truth (never from the
warehouse); ``shopkpi reconcile`` must match what both sides define alike exactly, and
give a concrete reason for every other difference (docs/reconcile.md lists the findings).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shopkpi.demo import DemoOptions, build_demo
from shopkpi.metrics.compute import compute_metrics
from shopkpi.metrics.periods import parse_period
from shopkpi.reconcile import Reason, Reconciliation, Verdict, reconcile
from shopkpi.workspace import Workspace

SMALL = DemoOptions(staff=6, days=10, scale=0.3)  # report: the whole period, 11-13..11-22
PERIOD = "2026-11-13..2026-11-22"
EXACT = (
    "consulted_buyers",
    "received_buyers",
    "slow_reception_buyers",
    "long_reception_buyers",
    "unreplied_buyers",  # a buyer who only wrote (issue 3)
    "days_worked",  # days with a human message (issue 3)
)
ROUNDED = (
    "answer_question_ratio",
    "satisfaction_rate",
    "reply_rate",
    "avg_session_seconds",  # receptions only (issue 3)
)


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> Reconciliation:
    root: Path = tmp_path_factory.mktemp("reconcile") / "demo"
    run = build_demo(root, SMALL)
    assert not run.refused
    ws = Workspace(root)
    try:
        compute_metrics(ws.warehouse, ws.config, PERIOD)
        period = parse_period(PERIOD)
        return reconcile(ws.warehouse.con, ws.config, period.start, period.end)
    finally:
        ws.close()


def test_counts_agree_exactly(result: Reconciliation) -> None:
    assert result.platform_rule == result.our_rule == "order_first"
    counts = result.by_metric()
    for metric in EXACT:
        assert counts[metric][Verdict.agree] == sum(counts[metric].values()) > 0, metric
    for metric in ROUNDED:
        agreed = counts[metric][Verdict.agree] + counts[metric][Verdict.rounding]
        assert agreed == sum(counts[metric].values()), metric


def test_every_difference_has_a_reason(result: Reconciliation) -> None:
    rows = [r for r in result.rows if r.verdict is Verdict.differ]
    assert rows  # the platform's conventions are not all ours
    assert all(r.reasons and Reason.unexplained not in r.reasons for r in rows), [
        (r.staff_id, r.metric_id) for r in rows if Reason.unexplained in r.reasons
    ]
    assert all(r.staff_id for r in result.rows)  # every sub-account maps to the roster


def test_conversion_waits_for_the_payment_buffer(result: Reconciliation) -> None:
    rows = [r for r in result.rows if r.metric_id == "inquiry_to_paid_rate"]
    assert rows and all(r.verdict is Verdict.pending for r in rows)
    assert all(Reason.pending_theirs in r.reasons for r in rows)
