"""Sheet names follow Excel's rules: ≤31 characters, no []:*?/\\, unique ignoring case."""

from __future__ import annotations

from shopkpi.report.cells import display_width
from shopkpi.report.names import SheetNames, sanitize


def test_forbidden_characters_become_underscores_and_long_names_are_cut_to_31() -> None:
    assert sanitize("李[测试]/客服:超长名字ABCDEFGHIJKLMNOPQRSTUVWXYZ") == (
        "李_测试__客服_超长名字ABCDEFGHIJKLMNOPQR"  # 13 characters + 18 letters = 31
    )
    assert sanitize("a*b?c\\d") == "a_b_c_d"
    assert sanitize("'引号'") == "引号"  # no leading or trailing apostrophe
    assert sanitize("   ") == "Sheet"


def test_a_character_outside_the_bmp_counts_twice() -> None:
    name = sanitize("😀" * 20)  # each emoji is two UTF-16 units: 15 fit in 31
    assert name == "😀" * 15


def test_names_are_unique_ignoring_case_with_the_fallback_then_a_counter() -> None:
    names = SheetNames()
    assert names.take("得分与奖金") == "得分与奖金"
    assert names.take("王芳", "王芳-s001") == "王芳"
    assert names.take("王芳", "王芳-s002") == "王芳-s002"
    assert names.take("王芳", "王芳-s002") == "王芳-s002~2"
    assert names.take("Amy", "Amy-s9") == "Amy"
    assert names.take("AMY", "AMY-s9") == "AMY-s9"
    assert names.take("History") == "History~2"  # reserved by Excel
    assert names.take("得分与奖金") == "得分与奖金~2"


def test_a_suffix_still_fits_in_31_characters() -> None:
    names = SheetNames()
    long = "长" * 40
    assert names.take(long) == "长" * 31
    assert names.take(long) == "长" * 29 + "~2"


def test_display_width_counts_cjk_as_two() -> None:
    assert display_width("王芳") == 4
    assert display_width("s001") == 4
    assert display_width("A组") == 3
