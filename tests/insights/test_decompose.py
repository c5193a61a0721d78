"""LMDI: the factor effects sum exactly to the GMV change, in floats and in cents."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from shopkpi.insights.decompose import (
    Factor,
    Funnel,
    decompose_factors,
    decompose_gmv,
    decompose_orders,
    decompose_segments,
    lmdi,
    log_mean,
    to_cents,
)

F3 = (Factor.visitors, Factor.conversion, Factor.aov)


def test_log_mean() -> None:
    assert log_mean(5.0, 5.0) == 5.0
    assert log_mean(6000.0, 5000.0) == pytest.approx(1000 / math.log(1.2))
    assert log_mean(0.0, 5.0) == 0.0


def test_gmv_literal_case() -> None:
    # 访客 1000 → 1200, 转化率 5% → 4%, 客单价 100 → 125; GMV 5000 → 6000.
    # L = 1000 / ln 1.2; visitors = L·ln 1.2 = 1000; conversion = L·ln 0.8 = −1000·ln1.25/ln1.2
    # = −1223.90; 客单价 = L·ln 1.25 = +1223.90.
    d = decompose_gmv(Funnel(1000, 50, Decimal("5000")), Funnel(1200, 48, Decimal("6000")))
    e = d.effects
    assert e[Factor.visitors] == pytest.approx(1000.0, abs=1e-9)
    assert e[Factor.conversion] == pytest.approx(-1000 * math.log(1.25) / math.log(1.2), abs=1e-9)
    assert e[Factor.aov] == pytest.approx(1000 * math.log(1.25) / math.log(1.2), abs=1e-9)
    assert abs(sum(e.values()) - 1000.0) < 1e-9
    assert d.change == Decimal("1000")
    assert d.cents() == {
        Factor.visitors: Decimal("1000.00"),
        Factor.conversion: Decimal("-1223.90"),
        Factor.aov: Decimal("1223.90"),
    }
    assert d.relative[Factor.conversion] == pytest.approx(-0.2)
    assert d.dominant() is Factor.aov


def test_last_effect_absorbs_rounding() -> None:
    # Every factor grows by the same ratio r, r³ = 1.1: each effect is 100/3 = 33.333…;
    # rounded they give 99.99, so the last shows 33.34 and the cents add to 100.00.
    r = 1.1 ** (1 / 3)
    d = decompose_factors(F3, [100, 0.1, 100], [100 * r, 0.1 * r, 100 * r])
    for effect in d.effects.values():
        assert effect == pytest.approx(100 / 3, abs=1e-9)
    assert list(d.cents().values()) == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    assert to_cents([0.005, 1.0], Decimal("1.00")) == [Decimal("0.01"), Decimal("0.99")]


def test_segments_add_to_the_total() -> None:
    # A: 访客 1000 → 800 at the same 5% and 100 元: visitors −1000.
    # B: 500 visitors both; 转化率 2% → 3%, 客单价 200 → 180; GMV 2000 → 2700:
    #    conversion = 700·ln1.5/ln1.35 = 945.76, 客单价 = 700·ln0.9/ln1.35 = −245.76.
    base = {"A": Funnel(1000, 50, Decimal("5000")), "B": Funnel(500, 10, Decimal("2000"))}
    current = {"A": Funnel(800, 40, Decimal("4000")), "B": Funnel(500, 15, Decimal("2700"))}
    seg = decompose_segments(base, current)
    t = seg.total.effects
    assert t[Factor.visitors] == pytest.approx(-1000.0, abs=1e-9)
    assert t[Factor.conversion] == pytest.approx(700 * math.log(1.5) / math.log(1.35), abs=1e-9)
    assert t[Factor.aov] == pytest.approx(700 * math.log(0.9) / math.log(1.35), abs=1e-9)
    assert abs(sum(t.values()) - (-300.0)) < 1e-9
    assert seg.total.change == Decimal("-300")
    assert list(seg.total.cents().values()) == [
        Decimal("-1000.00"),
        Decimal("945.76"),
        Decimal("-245.76"),
    ]
    assert seg.segments["B"].effects[Factor.visitors] == 0.0


def test_zero_values() -> None:
    # A channel that disappears: its visitors take the whole change.
    gone = decompose_gmv(Funnel(200, 4, Decimal("800")), Funnel(0, 0, Decimal("0")))
    assert gone.effects == {Factor.visitors: -800.0, Factor.conversion: 0.0, Factor.aov: 0.0}
    new = decompose_gmv(Funnel(0, 0, Decimal("0")), Funnel(100, 2, Decimal("300")))
    assert new.effects == {Factor.visitors: 300.0, Factor.conversion: 0.0, Factor.aov: 0.0}
    # Visitors stay, nobody buys: conversion takes it all; 客单价 (undefined) none.
    dead = decompose_gmv(Funnel(100, 5, Decimal("500")), Funnel(100, 0, Decimal("0")))
    assert dead.effects == {Factor.visitors: 0.0, Factor.conversion: -500.0, Factor.aov: 0.0}
    # Two factors go to 0 together: they share the change equally.
    assert lmdi([10, 2, 5], [0, 0, 5]) == [-50.0, -50.0, 0.0]
    assert lmdi([0, 2], [0, 3]) == [0.0, 0.0]
    with pytest.raises(ValueError, match="non-negative"):
        lmdi([1, -2], [1, 2])


def test_orders_fallback() -> None:
    # 10 orders × 100 → 8 orders × 120 (960): L = 40/ln(1000/960).
    d = decompose_orders((10, Decimal("1000")), (8, Decimal("960")))
    weight = 40 / math.log(1000 / 960)
    assert d.effects[Factor.orders] == pytest.approx(weight * math.log(0.8), abs=1e-9)
    assert d.effects[Factor.order_value] == pytest.approx(weight * math.log(1.2), abs=1e-9)
    assert list(d.cents().values()) == [Decimal("-218.65"), Decimal("178.65")]
