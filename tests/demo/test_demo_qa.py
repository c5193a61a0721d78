"""The chat-QA cases planted in the demo shop (issue 6): each one is found by the QA step of
``shopkpi compute``, and planting them moves no other number.

The demo is the shared small shop (10 staff, 21 days to 2026-11-22, scale 0.5, seed 7):
weekly cases are planted 3 times, fortnightly ones once. Counts below were read off the
planted history and checked by hand against the transcripts.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterator

import duckdb
import pytest

from shopkpi.demo import DemoOptions, build_demo, qa_cases
from shopkpi.demo import qa_phrases as Q
from shopkpi.demo.history import ShopHistory, simulate
from shopkpi.demo.model import Side
from shopkpi.demo.qa_cases import Slot, fit, line_kind
from shopkpi.workspace import Workspace
from tests.demo.conftest import SMALL

BROWSER = DemoOptions(staff=6, days=10, scale=0.3, seed=7)  # tests/web/test_browser.py
UTC_OFFSET = dt.timedelta(hours=8)  # the warehouse keeps UTC; the demo writes Beijing time


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    root = tmp_path_factory.mktemp("demo_qa") / "ws"
    build_demo(root, SMALL)
    ws = Workspace(root)
    ws.compute()
    yield ws.warehouse.con
    ws.close()


def _message_id(con: duckdb.DuckDBPyConnection, history: ShopHistory, slot: Slot) -> str:
    conv = history.conversations[slot[0]]
    m = conv.messages[slot[1]]
    [(found,)] = con.execute(
        "SELECT message_id FROM chat_message WHERE buyer_nick = ? AND text = ? AND sent_at = ?",
        [conv.buyer.nick, m.text, m.at - UTC_OFFSET],
    ).fetchall()
    return str(found)


def _rules(con: duckdb.DuckDBPyConnection, history: ShopHistory, case: str) -> Counter[str]:
    """The QA findings on the planted messages of one case, by rule."""
    assert history.qa_cases is not None
    ids = [_message_id(con, history, slot) for slot in history.qa_cases.slots[case]]
    rows = con.execute("SELECT rule FROM qa_finding WHERE list_contains(?, message_id)", [ids])
    return Counter(str(rule) for (rule,) in rows.fetchall())


def _session_of(con: duckdb.DuckDBPyConnection, message_id: str) -> str:
    [(session,)] = con.execute(
        "SELECT session_id FROM qa_message WHERE message_id = ?", [message_id]
    ).fetchall()
    return str(session)


# -- the planting itself --------------------------------------------------------------------


def test_fit_makes_the_exact_length() -> None:
    tails = ["，好", "，好的"]
    assert fit(random.Random(0), "亲", tails, 6) in {"亲，好，好的", "亲，好的，好"}
    assert fit(random.Random(0), "亲", tails, 4) == "亲，好的"
    assert fit(random.Random(0), "亲", tails, 5) == "亲，好的～"  # 4 = 3 + one ～
    assert fit(random.Random(0), "亲", tails, 1) == "亲"
    assert fit(random.Random(0), "亲亲", tails, 1) is None  # the head alone is too long
    assert fit(random.Random(0), "亲", tails, 10) is None  # 1 + 2 + 3 + 2 ～ at most 8


def test_line_kind_reads_lines_as_the_metrics_do() -> None:
    assert line_kind("在的亲") == "filler"
    assert line_kind("稍等，我帮您查一下") == "filler"  # 8 characters without punctuation
    assert line_kind("稍等，我帮您查一下这个订单的物流信息哈") == "answer"  # over 12
    assert line_kind("[自动回复]亲，欢迎光临") == "auto"
    assert line_kind("亲，下午4点前付款当天发货哦") == "answer"


def test_cases_planted_in_the_small_shop(small_history: ShopHistory) -> None:
    cases = small_history.qa_cases
    assert cases is not None
    assert {case: len(slots) for case, slots in cases.slots.items()} == {
        "escalation_unrecovered": 3,  # one chat: 急 → 投诉 → 12315
        "escalation_recovered": 3,  # one chat: 投诉 → 差评 → thanks
        "empathy": 2,  # the agent's two answers in the recovered chat
        "template": 5,  # one chat of 5 agent lines, each pasted to another buyer
        "warm": 260,
        "curt": 352,
        "absolute": 3,
        "promise": 3,
        "compensation": 3,
        "interruption": 3,
    }
    assert (cases.warm_agent, cases.curt_agent, cases.template_agent) == ("E004", "E006", "E003")
    assert cases.price_orders == ["7769697156715920413"]
    [order] = [o for o in small_history.orders if o.order_id == cases.price_orders[0]]
    line = order.lines[0]
    assert line.list_price is not None and line.list_price > line.product.price
    assert order.goods_amount == sum(x.product.price * x.qty for x in order.lines)  # 应付 stays


def test_planting_moves_no_number(monkeypatch: pytest.MonkeyPatch) -> None:
    """Times, sides, agents, agent text lengths and kinds, orders and evaluations are as
    simulated; only buyer texts and same-length agent answers change."""
    planted = simulate(BROWSER)
    monkeypatch.setattr(qa_cases, "plant", lambda *args, **kwargs: qa_cases.QACases())
    plain = simulate(BROWSER)
    assert planted.qa_cases is not None
    changed = {slot for slots in planted.qa_cases.slots.values() for slot in slots}
    assert len(changed) == 126  # 4 buyer lines, 1 interruption; 121 agent answers
    assert [len(c.messages) for c in planted.conversations] == [
        len(c.messages) for c in plain.conversations
    ]
    for c, (new, old) in enumerate(zip(planted.conversations, plain.conversations, strict=True)):
        for i, (a, b) in enumerate(zip(new.messages, old.messages, strict=True)):
            assert (a.at, a.side, a.agent, a.peer) == (b.at, b.side, b.agent, b.peer)
            assert a.text == b.text or (c, i) in changed
            if a.side is Side.agent:
                assert (len(a.text), line_kind(a.text)) == (len(b.text), line_kind(b.text))
    assert planted.evaluations == plain.evaluations
    for a, b in zip(planted.orders, plain.orders, strict=True):
        assert (a.order_id, a.paid_amount, a.paid_at, a.agent) == (
            b.order_id,
            b.paid_amount,
            b.paid_at,
            b.agent,
        )
        assert [x.paid for x in a.lines] == [x.paid for x in b.lines]
        assert any(x.list_price for x in a.lines) == (a.order_id in planted.qa_cases.price_orders)


# -- what the QA step finds -----------------------------------------------------------------


def test_escalations_found_and_recovery_told_apart(
    con: duckdb.DuckDBPyConnection, small_history: ShopHistory
) -> None:
    critical = con.execute(
        "SELECT message_id, matched FROM qa_finding "
        "WHERE rule = 'escalation.keyword' AND severity = 'critical'"
    ).fetchall()
    assert [matched for _, matched in critical] == ["12315"]  # only the planted threat
    cases = small_history.qa_cases
    assert cases is not None
    last = cases.slots["escalation_unrecovered"][-1]
    assert critical[0][0] == _message_id(con, small_history, last)
    assert _rules(con, small_history, "escalation_unrecovered") == {
        "escalation.keyword": 3,  # 急死了 is no keyword; 投诉 twice, 12315 once
        "escalation.negative_streak": 1,  # three negative lines in a row
    }
    assert _rules(con, small_history, "escalation_recovered") == {"escalation.keyword": 2}
    for case, recovered in (("escalation_unrecovered", False), ("escalation_recovered", True)):
        session = _session_of(con, _message_id(con, small_history, cases.slots[case][0]))
        row = con.execute(
            "SELECT escalations > 0, recovered FROM qa_session WHERE session_id = ?", [session]
        ).fetchone()
        assert row == (True, recovered)


def test_words_and_promises_found(
    con: duckdb.DuckDBPyConnection, small_history: ShopHistory
) -> None:
    assert _rules(con, small_history, "absolute") == {"compliance.absolute": 3}
    assert _rules(con, small_history, "promise") == {
        "promise.guarantee": 1,  # 必过检测
        "promise.return_policy": 2,  # 终身包退; 30天无理由退 (beyond 7 天)
    }
    # 加我微信 and 返现 in one line, 给您补偿 in two
    assert _rules(con, small_history, "compensation") == {"promise.compensation": 4}


def test_gaming_signals_found(con: duckdb.DuckDBPyConnection, small_history: ShopHistory) -> None:
    cases = small_history.qa_cases
    assert cases is not None
    details = [
        str(d)
        for (d,) in con.execute(
            "SELECT detail FROM qa_finding WHERE rule = 'gaming.interruption'"
        ).fetchall()
    ]
    for c, i in cases.slots["interruption"]:
        follow = small_history.conversations[c].messages[i].text
        assert follow in Q.CONTINUATIONS
        assert sum(f"「{follow[:30]}」" in d for d in details) >= 1
    assert len(details) == 11  # the 3 planted and 8 the simulation made
    [first] = cases.template_chats
    session = _session_of(con, _message_id(con, small_history, first))
    flagged = con.execute(
        "SELECT staff_id FROM qa_finding WHERE rule = 'gaming.template_ratio' AND session_id = ?",
        [session],
    ).fetchall()
    assert flagged == [("E003",)]
    late = con.execute(
        "SELECT staff_id, matched FROM qa_finding WHERE rule = 'gaming.filler_then_late'"
    ).fetchall()
    assert late == [("E005", "在的亲")]  # a filler 14 s after the question, the answer at 183 s


def test_credit_signals_found(con: duckdb.DuckDBPyConnection, small_history: ShopHistory) -> None:
    cases = small_history.qa_cases
    assert cases is not None
    rows = con.execute(
        "SELECT rule, staff_id, matched FROM qa_finding "
        "WHERE rule IN ('credit.manual_price', 'credit.post_order_contact') ORDER BY rule, matched"
    ).fetchall()
    assert rows == [
        ("credit.manual_price", "E003", cases.price_orders[0]),
        ("credit.post_order_contact", "E006", "4820020004234707925"),
        ("credit.post_order_contact", "E008", "8482465115869156050"),
    ]


def test_warm_agent_scores_above_the_curt_one(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "SELECT staff_id, round(avg(evi), 2) FROM qa_session "
        "WHERE agent_messages > 0 AND staff_id IN ('E004', 'E006') GROUP BY staff_id "
        "ORDER BY staff_id"
    ).fetchall()
    assert rows == [("E004", 4.05), ("E006", 0.34)]
