"""Write the demo shop's history as real-format export files."""

from __future__ import annotations

from pathlib import Path

from shopkpi.demo import reviews, traffic
from shopkpi.demo.history import ShopHistory, simulate
from shopkpi.demo.options import DemoFile, DemoFiles, DemoOptions, DemoStats
from shopkpi.demo.planted import planted_json
from shopkpi.demo.sessions import reception_sessions, text_keys
from shopkpi.demo.snapshot import WAITING, order_state, refunds_by_order
from shopkpi.demo.writers import (
    chat_text,
    item_report,
    order_report,
    platform_report,
    qianniu_workbook,
    ratings,
    reception,
    refund_report,
    sheets,
    targets,
)

ORDER_REPORT = "订单报表"
ITEM_REPORT = "销售明细"
QIANNIU_WORKBOOK = "千牛订单导出"
REFUND_REPORT = "退款报表"
RECEPTION = "接待明细"
CHAT_TEXT = "千牛聊天记录"
EVALUATIONS = "服务评价"
ROSTER = "员工花名册"
SHIFTS = "排班表"
TARGETS = "目标表"
PLATFORM_REPORT = "客服绩效报表"
RATINGS = "主管评分"
TRAFFIC = "生意参谋流量"
REVIEWS = "商品评价"
PEOPLE_KINDS = (ROSTER, SHIFTS, TARGETS)  # import these first, so sub-accounts map to people


def generate_demo(
    folder: Path | str, options: DemoOptions | None = None, ratings_folder: Path | None = None
) -> DemoFiles:
    """Simulate the shop and write every export into ``folder`` (created if missing), and
    the supervisors' ratings into ``ratings_folder`` when given (ratings are not an export:
    they go to the app DB through ``shopkpi ratings import``, so they stay out of the inbox).

    The same options always give byte-identical files.
    """
    options = options or DemoOptions()
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    history = simulate(options)
    marks = DemoFile(RATINGS, *ratings.write(ratings_folder, history)) if ratings_folder else None
    sessions = reception_sessions(history.conversations)
    files = _people_files(target, history) + _order_files(target, history)
    files += _chat_files(target, history)
    files.append(DemoFile(EVALUATIONS, *sheets.write_evaluations(target, history)))
    # The platform's own report, computed from the simulation (what reconcile compares to).
    files.append(DemoFile(PLATFORM_REPORT, *platform_report.write(target, history)))
    # Issue 7: traffic and reviews, from generators of their own (the files above stay as
    # they were), with the planted causes recorded for the insights.
    drop = traffic.planted_drop(history)
    files.append(DemoFile(TRAFFIC, *traffic.write(target, history, drop)))
    review_file = reviews.write(target, history)
    if review_file is not None:
        files.append(DemoFile(REVIEWS, *review_file))
    planted = planted_json(drop, history.slow_agent)
    return DemoFiles(target, tuple(files), _stats(history, len(sessions)), marks, planted)


def _people_files(folder: Path, history: ShopHistory) -> list[DemoFile]:
    return [
        DemoFile(ROSTER, *sheets.write_roster(folder, history)),
        DemoFile(SHIFTS, *sheets.write_shifts(folder, history)),
        DemoFile(TARGETS, *targets.write(folder, history)),
    ]


def _order_files(folder: Path, history: ShopHistory) -> list[DemoFile]:
    """Classic CSVs mid-period and the day before the end, then the final 千牛 workbook.

    Each export is pulled later than the one before, so importing all of them leaves every
    order at its final status (the newer export wins) whatever the import order.
    """
    files = []
    if history.mid_export is not None:
        files.append(
            DemoFile(ORDER_REPORT, *order_report.write(folder, history, history.mid_export, False))
        )
    last_csv = history.csv_export
    if last_csv is not None and any(o.created_at <= last_csv for o in history.orders):
        files.append(DemoFile(ORDER_REPORT, *order_report.write(folder, history, last_csv, True)))
        files.append(DemoFile(ITEM_REPORT, *item_report.write(folder, history, last_csv)))
    end = history.final_export
    files.append(DemoFile(QIANNIU_WORKBOOK, *qianniu_workbook.write(folder, history, end)))
    if any(r.requested_at <= end for r in history.refunds):
        files.append(DemoFile(REFUND_REPORT, *refund_report.write(folder, history, end)))
    return files


def _chat_files(folder: Path, history: ShopHistory) -> list[DemoFile]:
    opts = history.options
    as_text = text_keys(history.conversations, opts)
    sessions = reception_sessions(history.conversations, skip=as_text)
    files = [DemoFile(RECEPTION, p, n) for p, n in reception.write(folder, sessions)]
    files += [
        DemoFile(CHAT_TEXT, p, n)
        for p, n in chat_text.write(folder, history.conversations, as_text, opts.seed)
    ]
    return files


def _stats(history: ShopHistory, sessions: int) -> DemoStats:
    refunds = refunds_by_order(history.refunds)
    end = history.final_export
    unpaid = sum(
        1
        for o in history.orders
        if o.paid_at is None or order_state(o, refunds.get(o.order_id, []), end).status == WAITING
    )
    return DemoStats(
        staff=len(history.staff),
        products=len(history.products),
        buyers=len(history.buyers),
        orders=len(history.orders),
        order_lines=sum(len(o.lines) for o in history.orders),
        silent_orders=sum(1 for o in history.orders if o.agent is None),
        unpaid_orders=unpaid,
        refunds=len(history.refunds),
        sessions=sessions,
        messages=sum(len(c.messages) for c in history.conversations),
        evaluations=len(history.evaluations),
    )
