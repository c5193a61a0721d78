"""Every scoring function at its edges: on a boundary, above the cap, below the floor."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopkpi.scoring import functions as fn

D = Decimal
TIERS = [(D("0.45"), D(100)), (D("0.40"), D(80)), (D("0.35"), D(60))]
RESPONSE = [(D(35), D(100)), (D(45), D(80)), (D(55), D(60))]


@pytest.mark.parametrize(
    ("value", "points"),
    [
        ("9000", "0.00"),  # achievement 0.45, below the floor
        ("10000", "0.00"),  # exactly on the floor (0.5)
        ("15000", "50.00"),  # 0.75: halfway from floor to target
        ("16667", "66.67"),  # 0.83335 → 66.67
        ("20000", "100.00"),  # at target
        ("22000", "110.00"),  # above target: proportional
        ("24000", "120.00"),  # exactly at the cap (1.2)
        ("30000", "120.00"),  # above the cap
    ],
)
def test_linear_with_floor_and_cap(value: str, points: str) -> None:
    ach = fn.achievement(D(value), D(20000))
    assert fn.linear(ach, D("0.5"), D("1.2")) == D(points)


def test_linear_defaults_are_floor_0_and_cap_1() -> None:
    assert fn.linear(D("0.8")) == D("80.00")
    assert fn.linear(D("1.3")) == D("100.00")
    assert fn.linear(D(0)) == D(0)


def test_points_round_half_up_to_two_decimals() -> None:
    assert fn.linear(D("0.12345")) == D("12.35")  # half-even would give 12.34
    assert fn.round_points(D("0.005")) == D("0.01")


@pytest.mark.parametrize(
    ("value", "points"),
    [
        ("30", "100.00"),  # at target
        ("20", "100.00"),  # better than target, cap 1
        ("60", "28.57"),  # achievement 0.5: 100 × 0.2 / 0.7
        ("100", "0.00"),  # achievement 0.3: on the floor
        ("200", "0.00"),  # below the floor
        ("0", "100.00"),  # nothing to beat: the cap
    ],
)
def test_reverse_mirrors_linear(value: str, points: str) -> None:
    assert fn.reverse(D(value), D(30), D("0.3")) == D(points)


def test_reverse_above_target_rises_to_the_cap() -> None:
    assert fn.reverse(D(25), D(30), cap=D("1.2")) == D("120.00")  # 30/25 = 1.2
    assert fn.reverse(D(20), D(30), cap=D("1.2")) == D("120.00")  # 1.5, capped
    assert fn.reverse_achievement(D(60), D(30)) == D("0.5")


@pytest.mark.parametrize(
    ("value", "points"),
    [
        ("0.9", "100"),
        ("0.45", "100"),
        ("0.4499", "80"),
        ("0.40", "80"),
        ("0.35", "60"),
        ("0.3499", "0"),
    ],
)
def test_tiers_lower_bounds_inclusive(value: str, points: str) -> None:
    assert fn.tiers_at_least(D(value), TIERS) == D(points)


def test_tiers_below_the_lowest_score_the_else_value_and_order_does_not_matter() -> None:
    assert fn.tiers_at_least(D("0.1"), TIERS, D(50)) == D("50.00")
    shuffled = [TIERS[2], TIERS[0], TIERS[1]]
    assert fn.tiers_at_least(D("0.42"), shuffled) == D("80.00")


@pytest.mark.parametrize(
    ("value", "points"),
    [("0", "100"), ("35", "100"), ("35.01", "80"), ("45", "80"), ("55", "60"), ("55.5", "30")],
)
def test_tiers_at_most_upper_bounds_inclusive(value: str, points: str) -> None:
    assert fn.tiers_at_most(D(value), RESPONSE, D(30)) == D(points)


def test_pass_fail() -> None:
    assert fn.pass_fail(D("0.95"), at_least=D("0.95")) == D("100.00")
    assert fn.pass_fail(D("0.9499"), at_least=D("0.95")) == D("0.00")
    assert fn.pass_fail(D(30), at_most=D(30)) == D("100.00")
    assert fn.pass_fail(D("30.1"), at_most=D(30)) == D("0.00")
    assert fn.pass_fail(D(1), at_least=D(2), passed=D(80), failed=D(20)) == D("20.00")


def test_rank_percentile_higher_is_better_with_ties() -> None:
    group = [D(10), D(20), D(20), D(40)]
    assert fn.rank_percentile(D(40), group) == D("100.00")  # beats 3 of 3
    assert fn.rank_percentile(D(20), group) == D("33.33")  # beats 1 of 3; ties beat no one
    assert fn.rank_percentile(D(10), group) == D("0.00")


def test_rank_percentile_lower_is_better_and_a_group_of_one() -> None:
    group = [D(10), D(20), D(40)]
    assert fn.rank_percentile(D(10), group, higher_is_better=False) == D("100.00")
    assert fn.rank_percentile(D(20), group, higher_is_better=False) == D("50.00")
    assert fn.rank_percentile(D(7), [D(7)]) == D(100)


def test_points_per_event() -> None:
    assert fn.per_event(D(3), D(2), D(10)) == D("6.00")
    assert fn.per_event(D(7), D(2), D(10)) == D("10.00")  # 14, capped at the max
    assert fn.per_event(D(0), D(2), D(10)) == D("0.00")
    assert fn.per_event(D(30), D(5)) == D("150.00")  # no max
    assert fn.per_event(D(2), D(-5)) == D("0.00")  # never below 0


def test_direct_rating_is_clamped_to_0_100() -> None:
    assert fn.direct(D(85)) == D("85.00")
    assert fn.direct(D(120)) == D("100.00")
    assert fn.direct(D(-3)) == D("0.00")
