"""Text helpers for the QA rules: normalisation with an offset map, emoji, tokens.

Every rule matches on the *normalised* text and reports spans in the *original* text:

- :func:`normalize` applies NFKC (full-width ``１００％`` → ``100%``, ``［微笑］`` →
  ``[微笑]``), lower-cases, collapses every run of whitespace (full-width spaces and line
  breaks included) to one space and drops zero-width characters (U+200B/C, U+2060, U+FEFF)
  that could hide a word. It keeps, for each normalised character, the original characters
  it came from, so :meth:`NormalizedText.to_original` turns a match back into a span with
  ``original[start:end]`` covering exactly the matched characters.
- :func:`emoji` finds Unicode emoji (with skin tones, ZWJ sequences, flags and keycaps) and
  the codes 旺旺/千牛 turn into faces: ``[微笑]``-style bracket names and the old ``/:^_^``,
  ``/:Q``, ``/:806`` slash codes.
- :func:`tokenize` splits into Latin words, numbers, single CJK characters and emoji.

Why no word segmenter (jieba): the compliance rules and the warmth index match fixed phrases
and short regexes with context (最+adjective, 保证+effect, 第一+measure word), which work on
characters directly and give exact spans. A segmenter adds ~1 s of start-up and ~30 MB, and
its word boundaries can hide a hit (最好用 as one word) or split a phrase; so the rules use
characters and character n-grams (:func:`char_ngrams`) instead.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_ZERO_WIDTH = frozenset("\u200b\u200c\u2060\ufeff")
# Text that normalisation leaves unchanged apart from lower-casing needs no offset map.
_NEEDS_MAP = re.compile(r"\s{2,}|[^\S ]|[\u200b\u200c\u2060\ufeff]")


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """A message's normalised text and the map back to the original offsets.

    ``starts[i]``/``ends[i]`` are the original offsets of the characters that normalised
    character ``i`` came from; both are None when the two texts are aligned one to one.
    """

    original: str
    text: str
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """The original span ``[start, end)`` that the normalised span came from."""
        if self.starts is None or self.ends is None:
            return start, end
        if start >= end:
            pos = self.starts[start] if start < len(self.starts) else len(self.original)
            return pos, pos
        return self.starts[start], self.ends[end - 1]


def _clusters(text: str) -> list[tuple[int, int]]:
    """Spans of a base character with its combining marks (normalised as one unit)."""
    spans: list[tuple[int, int]] = []
    for i, char in enumerate(text):
        if spans and unicodedata.combining(char):
            spans[-1] = (spans[-1][0], i + 1)
        else:
            spans.append((i, i + 1))
    return spans


@lru_cache(maxsize=8192)
def _fold(cluster: str) -> str:
    return unicodedata.normalize("NFKC", cluster).lower()


@lru_cache(maxsize=65536)  # chat repeats itself (quick replies, templates): keep results
def normalize(text: str) -> NormalizedText:
    """NFKC, lower case, one space per whitespace run, no zero-width characters."""
    if not _NEEDS_MAP.search(text) and not any(map(unicodedata.combining, text)):
        # Without whitespace runs, zero-width or combining characters, a result as long as
        # the text maps character to character (full-width ，？！ and letters fold 1:1).
        folded = unicodedata.normalize("NFKC", text).lower()
        if len(folded) == len(text):
            return NormalizedText(text, folded)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for start, end in _clusters(text):
        piece = _fold(text[start:end])
        if not piece or piece in _ZERO_WIDTH:
            continue
        if piece.isspace():
            if out and out[-1] == " " and ends[-1] == start:
                ends[-1] = end  # extend the run of whitespace
                continue
            piece = " "
        for char in piece:
            out.append(char)
            starts.append(start)
            ends.append(end)
    return NormalizedText(text, "".join(out), tuple(starts), tuple(ends))


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of a message: its text as written and its offsets in the original."""

    text: str
    start: int
    end: int


_EMOJI_BASE = (
    "\U0001f300-\U0001f5ff\U0001f600-\U0001f64f\U0001f680-\U0001f6ff\U0001f900-\U0001f9ff"
    "\U0001fa70-\U0001faff\U0001f004\U0001f0cf\U0001f18e\U0001f191-\U0001f19a"
    "\u2600-\u27bf\u2b50\u2b55\u2b1b\u2b1c\u231a\u231b\u23e9-\u23f3\u2764\u2705"
)
_MODS = "(?:\ufe0f|[\U0001f3fb-\U0001f3ff])*"
_UNICODE_EMOJI = re.compile(
    rf"[\U0001f1e6-\U0001f1ff]{{2}}"  # flags
    rf"|[0-9#*]\ufe0f?\u20e3"  # keycaps
    rf"|[{_EMOJI_BASE}]{_MODS}(?:\u200d[{_EMOJI_BASE}]{_MODS})*"
)
# 旺旺/千牛 codes, matched on the normalised text: [微笑] (and ［微笑］), /:^_^, /:Q, /:806.
_CODE_EMOJI = re.compile(
    r"\[(?P<name>[\u4e00-\u9fff]{1,5}|ok|no|yeah|hi)\]"
    r"|/:(?:\d{3}|\^[^\s^]{1,3}\^|[a-z](?![a-z])|[?!~]|8-\)|-f|\*&\*|'\"\"\")"
)
# Bracketed platform placeholders that are not faces.
_PLACEHOLDERS = "图片 链接 商品 商品链接 宝贝链接 文件 语音 视频 订单 订单号 卡片 位置 红包 优惠券"
NOT_EMOJI = frozenset(
    f"{_PLACEHOLDERS} 系统消息 自动回复 已读 未读 撤回 转接 名片 店铺 地址".split(" ")
)


def emoji(text: str, norm: NormalizedText | None = None) -> list[Span]:
    """Every emoji in ``text``: Unicode emoji and 旺旺/千牛 codes, in order.

    ``norm`` is ``normalize(text)`` when the caller has it already.
    """
    found = [Span(m.group(), m.start(), m.end()) for m in _UNICODE_EMOJI.finditer(text)]
    norm = norm or normalize(text)
    for match in _CODE_EMOJI.finditer(norm.text):
        if match.group("name") in NOT_EMOJI:
            continue
        start, end = norm.to_original(match.start(), match.end())
        found.append(Span(text[start:end], start, end))
    return sorted(found, key=lambda span: span.start)


_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+(?:\.\d+)?%?|[\u3400-\u9fff\uf900-\ufaff]")


def tokenize(text: str) -> list[Span]:
    """Latin words, numbers, single CJK characters and emoji; punctuation is dropped.

    Tokens are taken from the normalised text (so ``ＯＫ`` is ``ok``) and carry the span of
    the original characters.
    """
    norm = normalize(text)
    tokens = [Span(e.text, e.start, e.end) for e in emoji(text, norm)]
    taken = {i for e in tokens for i in range(e.start, e.end)}
    for match in _TOKEN.finditer(norm.text):
        start, end = norm.to_original(match.start(), match.end())
        if start not in taken:
            tokens.append(Span(match.group(), start, end))
    return sorted(tokens, key=lambda span: span.start)


def char_ngrams(text: str, n: int = 2) -> list[str]:
    """Overlapping n-grams of the tokens of ``text`` (CJK characters, words, numbers)."""
    words = [t.text for t in tokenize(text)]
    if len(words) < n:
        return ["".join(words)] if words else []
    return ["".join(words[i : i + n]) for i in range(len(words) - n + 1)]
