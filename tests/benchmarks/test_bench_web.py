"""The pure helpers of ``benchmarks/bench_web.py``: percentiles, summaries, the client mix."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path
from types import ModuleType

import pytest

PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_web.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_web", PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_web"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


bw = _load()


@pytest.mark.parametrize(
    ("q", "expected"),
    [(0, 10.0), (20, 10.0), (21, 20.0), (50, 30.0), (95, 50.0), (100, 50.0)],
)
def test_percentile_is_nearest_rank(q: float, expected: float) -> None:
    assert bw.percentile([10.0, 20.0, 30.0, 40.0, 50.0], q) == expected


def test_percentile_of_twenty_values() -> None:
    values = [float(v) for v in range(1, 21)]
    assert bw.percentile(values, 95) == 19.0  # ceil(0.95 × 20) = 19th value
    assert bw.percentile(values, 50) == 10.0


def test_percentile_of_nothing_is_nan() -> None:
    assert math.isnan(bw.percentile([], 50))


def test_summarise_per_endpoint_in_ms_with_errors() -> None:
    samples = [
        bw.Sample("a", 0.5, 200),
        bw.Sample("b", 0.0625, 200),
        bw.Sample("a", 0.25, 500),
        bw.Sample("a", 0.125, 200),
        bw.Sample("b", 0.125, 0),
    ]
    stats = bw.summarise(samples)
    assert stats["a"] == bw.Stats(n=3, errors=1, p50=250.0, p95=500.0, max=500.0)
    assert stats["b"] == bw.Stats(n=2, errors=1, p50=62.5, p95=125.0, max=125.0)


def test_twenty_clients_are_eight_admin_eight_supervisors_four_staff() -> None:
    roles = bw.client_roles(20)
    assert roles[:6] == ["admin", "supervisor", "staff", "admin", "supervisor", "staff"]
    assert [roles.count(r) for r in ("admin", "supervisor", "staff")] == [8, 8, 4]


@pytest.mark.parametrize(
    ("clients", "roles"),
    [
        (1, ["admin"]),
        (2, ["admin", "supervisor"]),
        (3, ["admin", "supervisor", "staff"]),
        (5, ["admin", "supervisor", "staff", "admin", "supervisor"]),
    ],
)
def test_small_client_mixes(clients: int, roles: list[str]) -> None:
    assert bw.client_roles(clients) == roles


def test_url_takes_ids_in_turn() -> None:
    card = bw.Endpoint("scorecard page", "/staff/{id}")
    assert bw.url(card, ("S1", "S2"), 3) == "/staff/S2"
    assert bw.url(bw.Endpoint("ranking page", "/ranking"), ("S1",), 7) == "/ranking"


def test_assign_takes_logins_of_a_role_in_turn() -> None:
    admin = bw.Login("a", "admin", None, ("S1",))
    sup0 = bw.Login("s0", "supervisor", "L0", ("S1",))
    sup1 = bw.Login("s1", "supervisor", "L1", ("S2",))
    staff = bw.Login("t", "staff", "S1", ("S1",))
    plan = bw.assign([admin, sup0, sup1, staff], 5)
    assert [x.username for x in plan] == ["a", "s0", "t", "a", "s1"]
