"""The chat derivations on a small demo shop: they run, port to Spark SQL, and hold together."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shopkpi.demo import DemoOptions, build_demo
from shopkpi.derive import chat_steps, derivation_steps
from shopkpi.engine import DuckDBEngine
from shopkpi.engine.spark_sql import to_spark
from shopkpi.warehouse.db import scalar_int as one
from shopkpi.workspace import Workspace


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    root = tmp_path_factory.mktemp("chat_demo") / "ws"
    build_demo(root, DemoOptions(staff=4, days=5, scale=0.2, seed=3))
    ws = Workspace(root)
    DuckDBEngine(ws.warehouse.con).run(chat_steps(ws.config))
    yield ws
    ws.close()


def test_steps_transpile_to_spark(demo: Workspace) -> None:
    for step in derivation_steps(demo.config, None):
        assert to_spark(step.sql), step.name


def test_every_message_lands_in_one_session(demo: Workspace) -> None:
    con = demo.warehouse.con
    messages = one(con, "SELECT count(*) FROM chat_message WHERE direction <> 'system'")
    assert one(con, "SELECT count(*) FROM session_message") == messages
    assert (
        one(con, "SELECT sum(buyer_messages + agent_messages + auto_messages) FROM chat_session")
        == messages
    )


def test_rows_are_consistent(demo: Workspace) -> None:
    con = demo.warehouse.con
    assert one(con, "SELECT count(*) FROM chat_session") > 0
    assert one(con, "SELECT count(*) FROM reply_round WHERE counted") > 0
    assert one(con, "SELECT count(*) FROM inquiry WHERE is_inquiry") > 0
    broken = {
        "session": """SELECT count(*) FROM chat_session WHERE duration_seconds < 0
            OR (first_response_seconds IS NOT NULL AND NOT replied)
            OR first_response_seconds < 0
            OR (first_response_seconds IS NOT NULL AND first_response_at > ended_at)""",
        "round": """SELECT count(*) FROM reply_round WHERE (counted AND answered_at IS NULL)
            OR effective_response_seconds < response_seconds OR capped_seconds > 600
            OR (answered_at IS NULL) <> (staff_id IS NULL) OR (slow AND NOT counted)""",
        "round key": """SELECT count(*) - count(DISTINCT (shop_id, session_id, round_no))
            FROM reply_round""",
        "inquiry": """SELECT count(*) FROM inquiry WHERE (is_inquiry AND NOT received)
            OR (received AND NOT consulted) OR (replied AND NOT consulted)""",
    }
    assert {name: one(con, sql) for name, sql in broken.items()} == dict.fromkeys(broken, 0)


def test_rerun_is_identical(demo: Workspace) -> None:
    con = demo.warehouse.con
    tables = ["chat_session", "reply_round", "inquiry"]
    before = {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
    DuckDBEngine(con).run(chat_steps(demo.config))
    after = {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
    assert after == before
