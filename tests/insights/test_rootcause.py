"""Adtributor: literal EP/surprise, a planted cause recovered, no cause → nothing."""

from __future__ import annotations

import math

import numpy as np
import pytest

from shopkpi.insights.rootcause import (
    AdtributorSettings,
    Observation,
    adtributor,
    js_surprise,
    score_elements,
)

CATEGORIES = ("女装", "男装", "童装", "鞋包")
CHANNELS = ("直通车", "搜索", "推荐", "直播")


def test_ep_and_surprise_literal() -> None:
    # A: 60 → 30, B: 40 → 40. Total 100 → 70, change −30: A explains all of it.
    rows = [
        Observation({"channel": "A"}, 60, 30),
        Observation({"channel": "B"}, 40, 40),
    ]
    a, b = score_elements(rows, "channel")
    assert (a.ep, b.ep) == (1.0, 0.0)
    # p = 0.6, q = 3/7, (p+q)/2 = 3.6/7: 2p/(p+q) = 7/6, 2q/(p+q) = 5/6.
    assert a.surprise == pytest.approx(0.5 * (0.6 * math.log(7 / 6) + 3 / 7 * math.log(5 / 6)))
    assert a.surprise == pytest.approx(0.0071763, abs=1e-7)
    # B: p = 0.4, q = 4/7: 2p/(p+q) = 0.8/(6.8/7) = 14/17, 2q/(p+q) = 20/17.
    assert b.surprise == pytest.approx(0.5 * (0.4 * math.log(14 / 17) + 4 / 7 * math.log(20 / 17)))
    assert js_surprise(0, 5, 10, 10) == pytest.approx(0.5 * 0.5 * math.log(2))
    assert adtributor(rows, ["channel"])[0].names == ("A",)


def test_derived_measure_literal() -> None:
    # 转化率 = buyers / visitors. X: 10/100 → 5/100; Y: 10/100 → 10/100.
    # Total 20/200 = 0.10 → 15/200 = 0.075, change −0.025.
    # EP_X = (ΔA_a·F_b − ΔA_b·F_a) / (F_b (F_b + ΔA_b)) / change = (−5·200 − 0) / (200·200) / −0.025 = 1.
    rows = [
        Observation({"channel": "X"}, 10, 5, 100, 100),
        Observation({"channel": "Y"}, 10, 10, 100, 100),
    ]
    x, y = score_elements(rows, "channel")
    assert x.ep == pytest.approx(1.0)
    assert y.ep == pytest.approx(0.0)
    # Surprise = buyers' surprise + visitors' surprise (visitors did not move: 0).
    assert x.surprise == pytest.approx(js_surprise(10, 5, 20, 15))


def _cube(seed: int, noise: float) -> tuple[np.random.Generator, list[tuple[str, str, float]]]:
    # Forecast ≈ 100 000 × category share × channel share, each cell ±10% at random.
    rng = np.random.default_rng(seed)
    cells = [
        (cat, ch, 100_000 * cs * hs * float(rng.uniform(0.9, 1.1)))
        for cat, cs in zip(CATEGORIES, (0.4, 0.3, 0.2, 0.1), strict=True)
        for ch, hs in zip(CHANNELS, (0.3, 0.3, 0.25, 0.15), strict=True)
    ]
    return rng, cells


def _rows(rng: np.random.Generator, cells: list[tuple[str, str, float]], noise: float, effect):
    return [
        Observation(
            {"category": cat, "channel": ch},
            f,
            f * effect(cat, ch) * (1 + float(rng.normal(0, noise))),
        )
        for cat, ch, f in cells
    ]


@pytest.mark.parametrize("seed", range(1, 11))
def test_planted_channel_drop_recovered(seed: int) -> None:
    # 直通车 −60% in every category: the channel is the top (and only) candidate.
    rng, cells = _cube(seed, 0.02)
    rows = _rows(rng, cells, 0.02, lambda cat, ch: 0.4 if ch == "直通车" else 1.0)
    found = adtributor(rows, ["category", "channel"])
    assert [(c.dimension, c.names) for c in found] == [("channel", ("直通车",))]


@pytest.mark.parametrize("seed", range(1, 11))
def test_planted_cell_drop_recovered(seed: int) -> None:
    # 直通车 −60% in 女装 only: the cause sits on both dimensions, so the top two candidates
    # are 渠道 直通车 and 类目 女装 (which comes first depends on the shares).
    rng, cells = _cube(seed, 0.02)
    rows = _rows(rng, cells, 0.02, lambda cat, ch: 0.4 if (cat, ch) == ("女装", "直通车") else 1.0)
    found = adtributor(rows, ["category", "channel"])
    assert {(c.dimension, c.names) for c in found[:2]} == {
        ("channel", ("直通车",)),
        ("category", ("女装",)),
    }


def test_planted_conversion_drop_recovered() -> None:
    rng = np.random.default_rng(7)
    rows = []
    for cat in CATEGORIES:
        for ch in CHANNELS:
            visitors = float(rng.uniform(1000, 5000))
            buyers = visitors * float(rng.uniform(0.02, 0.05))
            drop = 0.5 if ch == "直播" else 1.0
            jitter = 1 + float(rng.normal(0, 0.01))
            rows.append(
                Observation(
                    {"category": cat, "channel": ch},
                    buyers,
                    buyers * drop * jitter,
                    visitors,
                    visitors,
                )
            )
    found = adtributor(rows, ["category", "channel"])
    assert found[0].dimension == "channel"
    assert found[0].names == ("直播",)


@pytest.mark.parametrize("seed", range(1, 11))
def test_no_cause_returns_nothing(seed: int) -> None:
    rng, cells = _cube(seed, 0.01)
    rows = _rows(rng, cells, 0.01, lambda cat, ch: 0.8)  # every cell −20%
    assert adtributor(rows, ["category", "channel"]) == []


def test_thresholds_apply() -> None:
    rows = [Observation({"channel": "A"}, 60, 30), Observation({"channel": "B"}, 40, 40)]
    assert adtributor(rows, ["channel"], AdtributorSettings(min_surprise=0.01)) == []
