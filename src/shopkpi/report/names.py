"""Excel sheet names: at most 31 characters, none of ``[]:*?/\\``, unique ignoring case.

Excel also refuses a name that starts or ends with an apostrophe, a blank name and the
reserved name ``History``. :class:`SheetNames` turns any person's name into a legal,
unique sheet name: ``王芳``, then ``王芳-s002`` for a second 王芳, then ``王芳-s002~2``.
"""

from __future__ import annotations

import re

MAX_LEN = 31  # Excel counts UTF-16 code units
_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_RESERVED = {"history"}


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _fit(text: str, limit: int = MAX_LEN) -> str:
    """``text`` cut to ``limit`` UTF-16 units without splitting a character."""
    while _utf16_len(text) > limit:
        text = text[:-1]
    return text


def sanitize(name: str, fallback: str = "Sheet") -> str:
    """A legal sheet name: forbidden characters become ``_``, cut to 31 characters."""
    cleaned = _FORBIDDEN.sub("_", name).strip().strip("'").strip()
    cleaned = _fit(cleaned).rstrip("'").rstrip()
    return cleaned or _fit(fallback)


class SheetNames:
    """Hands out legal sheet names that are unique in one workbook (ignoring case)."""

    def __init__(self) -> None:
        self._taken: set[str] = set(_RESERVED)

    def take(self, *candidates: str) -> str:
        """The first free candidate (sanitized); else the last one with ``~2``, ``~3`` …"""
        names = [sanitize(c) for c in candidates if c.strip()] or [sanitize("")]
        for name in names:
            if name.casefold() not in self._taken:
                return self._claim(name)
        n = 2
        while True:
            suffix = f"~{n}"
            name = _fit(names[-1], MAX_LEN - len(suffix)).rstrip("'") + suffix
            if name.casefold() not in self._taken:
                return self._claim(name)
            n += 1

    def _claim(self, name: str) -> str:
        self._taken.add(name.casefold())
        return name
