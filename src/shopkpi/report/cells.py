"""Cell formats and a sheet wrapper that writes Decimals as exact numbers and fits widths.

Money is written as a number (so finance can sum it) formatted ``¥#,##0.00``; a Decimal
becomes the nearest double (``Decimal("3382.78")`` → ``3382.78``), never a float sum.
Text always goes in as text, so a name like ``=1+1`` stays a name and never a formula.
Column widths follow the widest cell, counting a CJK character as two.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from shopkpi.scoring.text import num


class Shape(StrEnum):
    """How a cell shows its value (and how wide it is)."""

    text = "text"
    money = "money"  # "¥"#,##0.00
    percent = "percent"  # 0.00%
    score = "score"  # 0.00
    number = "number"  # General


NUM_FORMATS = {
    Shape.text: "@",
    Shape.money: '"¥"#,##0.00',  # the symbol quoted: a literal in every locale
    Shape.percent: "0.00%",
    Shape.score: "0.00",
    Shape.number: "General",
}


@dataclass(frozen=True)
class Style:
    """An xlsxwriter format and the shape of the values it shows."""

    xf: Any
    shape: Shape


class Styles:
    """Every format the workbook uses, made once per workbook."""

    def __init__(self, book: Any) -> None:
        border = {"border": 1, "border_color": "#BFBFBF", "valign": "top"}
        self.title = Style(book.add_format({"bold": True, "font_size": 14}), Shape.text)
        self.heading = Style(book.add_format({"bold": True, "font_size": 12}), Shape.text)
        self.note = Style(book.add_format({"font_color": "#595959"}), Shape.text)
        self.warn = Style(book.add_format({"font_color": "#C00000", "bold": True}), Shape.text)
        self.header = Style(
            book.add_format({**border, "bold": True, "bg_color": "#DDEBF7", "text_wrap": True}),
            Shape.text,
        )
        self.cell = {
            s: Style(book.add_format({**border, "num_format": f}), s)
            for s, f in NUM_FORMATS.items()
        }
        self.total = {
            s: Style(book.add_format({**border, "num_format": f, "bold": True, "top": 2}), s)
            for s, f in NUM_FORMATS.items()
        }
        self.pending = Style(
            book.add_format(
                {**border, "bold": True, "font_color": "#9C0006", "bg_color": "#FFEB9C"}
            ),
            Shape.text,
        )
        self.code = Style(book.add_format({"font_name": "Courier New"}), Shape.text)
        self.link = Style(
            book.add_format({**border, "font_color": "#0563C1", "underline": 1}), Shape.text
        )


Value = str | Decimal | int | None


def display_width(text: str) -> int:
    """Columns ``text`` takes: 2 per wide (CJK) character, 1 otherwise."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def shown(value: Decimal | int, shape: Shape) -> str:
    """Roughly how Excel shows ``value`` in ``shape`` (for widths only)."""
    x = Decimal(value)
    if shape is Shape.money:
        return f"¥{x:,.2f}"
    if shape is Shape.percent:
        return f"{x * 100:.2f}%"
    if shape is Shape.score:
        return f"{x:.2f}"
    return num(x)


class Grid:
    """One worksheet: typed writes, and column widths that fit what was written."""

    def __init__(self, ws: Any, styles: Styles, max_width: int = 60) -> None:
        self.ws = ws
        self.styles = styles
        self.max_width = max_width
        self._widths: dict[int, int] = {}

    def put(self, row: int, col: int, value: Value, style: Style | None = None) -> None:
        """Write ``value`` (text stays text, a Decimal becomes a number); ``None`` leaves
        a blank cell that still carries the style's border."""
        st = style or self.styles.cell[Shape.text]
        if value is None:
            self.ws.write_blank(row, col, None, st.xf)
            return
        if isinstance(value, str):
            self.ws.write_string(row, col, value, st.xf)
            self._fit(col, value)
            return
        self.ws.write_number(row, col, float(value), st.xf)
        self._fit(col, shown(value, st.shape))

    def row(self, row: int, values: list[tuple[Value, Style]], col: int = 0) -> None:
        for i, (value, style) in enumerate(values):
            self.put(row, col + i, value, style)

    def formula(self, row: int, col: int, formula: str, value: Decimal, style: Style) -> None:
        """A formula with its computed value cached (shown before any recalculation)."""
        self.ws.write_formula(row, col, formula, style.xf, float(value))
        self._fit(col, shown(value, style.shape))

    def link(self, row: int, col: int, sheet: str, text: str) -> None:
        """``text`` linking to cell A1 of ``sheet``."""
        target = sheet.replace("'", "''")
        self.ws.write_url(row, col, f"internal:'{target}'!A1", self.styles.link.xf, text)
        self._fit(col, text)

    def header(self, row: int, names: list[str], col: int = 0) -> None:
        self.row(row, [(n, self.styles.header) for n in names], col)

    def note(self, row: int, text: str, style: Style | None = None, col: int = 0) -> None:
        """A free line of text (in column A by default) that does not widen its column."""
        self.ws.write_string(row, col, text, (style or self.styles.note).xf)

    def fit(self, minimum: int = 6) -> None:
        """Set every written column to the width of its widest cell (plus padding)."""
        for col, width in self._widths.items():
            self.ws.set_column(col, col, min(max(width + 2, minimum), self.max_width))

    def _fit(self, col: int, text: str) -> None:
        widest = max((display_width(line) for line in text.splitlines() or [""]), default=0)
        self._widths[col] = max(self._widths.get(col, 0), widest)
