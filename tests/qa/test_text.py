"""Normalisation keeps a map back to the original text; emoji and tokens carry spans."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from shopkpi.qa.text import char_ngrams, emoji, normalize, tokenize


def test_plain_text_is_aligned_one_to_one() -> None:
    norm = normalize("Hello 亲")
    assert norm.text == "hello 亲"
    assert norm.starts is None
    assert norm.to_original(6, 7) == (6, 7)


def test_full_width_text_maps_back_to_the_original_offsets() -> None:
    text = "１００％纯棉，ＯＫ！"
    norm = normalize(text)
    assert norm.text == "100%纯棉,ok!"
    assert norm.to_original(0, 4) == (0, 4)  # 100% ← １００％
    assert norm.to_original(7, 9) == (7, 9)  # ok ← ＯＫ
    assert text[slice(*norm.to_original(7, 9))] == "ＯＫ"


def test_whitespace_runs_collapse_and_zero_width_characters_go() -> None:
    text = "最\u200b佳  \u3000\t好 ㎏"
    norm = normalize(text)
    assert norm.text == "最佳 好 kg"
    assert norm.to_original(0, 2) == (0, 3)  # 最佳 spans the hidden U+200B
    assert norm.to_original(2, 3) == (3, 7)  # one space ← four whitespace characters
    assert norm.to_original(5, 7) == (9, 10)  # kg ← ㎏ (one character becomes two)
    assert norm.to_original(6, 7) == (9, 10)
    assert norm.to_original(7, 7) == (10, 10)  # an empty span at the end


def test_combining_marks_normalise_with_their_base_character() -> None:
    text = "Cafe\u0301最"
    norm = normalize(text)
    assert norm.text == "café最"
    assert norm.to_original(3, 4) == (3, 5)
    assert norm.to_original(4, 5) == (5, 6)


def test_emoji_finds_unicode_emoji_and_wangwang_codes_with_original_spans() -> None:
    text = "好的[微笑]马上发😊/:^_^[图片]/:Q ［大哭］👍🏻🇨🇳👨‍👩‍👧"
    found = [(e.text, e.start, e.end) for e in emoji(text)]
    assert found == [
        ("[微笑]", 2, 6),
        ("😊", 9, 10),
        ("/:^_^", 10, 15),
        # [图片] is a platform placeholder, not a face
        ("/:Q", 19, 22),
        ("［大哭］", 23, 27),  # full-width brackets
        ("👍🏻", 27, 29),  # with its skin tone
        ("🇨🇳", 29, 31),  # a flag is two regional indicators
        ("👨‍👩‍👧", 31, 36),  # a ZWJ family is one emoji
    ]


def test_tokenize_gives_words_numbers_cjk_characters_and_emoji() -> None:
    tokens = tokenize("ＯＫ亲，100%纯棉[微笑]")
    assert [(t.text, t.start, t.end) for t in tokens] == [
        ("ok", 0, 2),
        ("亲", 2, 3),
        ("100%", 4, 8),
        ("纯", 8, 9),
        ("棉", 9, 10),
        ("[微笑]", 10, 14),
    ]


def test_char_ngrams() -> None:
    assert char_ngrams("最好的，ok") == ["最好", "好的", "的ok"]
    assert char_ngrams("亲", 2) == ["亲"]
    assert char_ngrams("，") == []


TRICKY = "最佳 亲，１００％ＯＫ\u3000\t\u200b\u0301㎏😊👍🏻[微笑]/:^_^İ"


@given(st.text(alphabet=st.sampled_from(TRICKY + "ab好"), max_size=30))
def test_every_normalised_character_maps_back_to_where_it_came_from(text: str) -> None:
    norm = normalize(text)
    for i, char in enumerate(norm.text):
        start, end = norm.to_original(i, i + 1)
        assert 0 <= start < end <= len(text)
        assert char in normalize(text[start:end]).text or char == " "
        if i:
            assert norm.to_original(i - 1, i)[0] <= start  # offsets never go backwards
