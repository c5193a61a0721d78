"""One person (or team) in the workbook: their scorecard, pay line and sheet name."""

from __future__ import annotations

from dataclasses import dataclass

from shopkpi.report.labels import status_label
from shopkpi.scoring.pay import PayLine
from shopkpi.scoring.scorecard import Scorecard
from shopkpi.scoring.vocab import LineStatus


@dataclass(frozen=True)
class Entry:
    card: Scorecard
    pay: PayLine | None
    sheet: str

    @property
    def pending(self) -> bool:
        """The score or the pay may still change (待定)."""
        return LineStatus.pending in (self.card.status, self.pay.status if self.pay else None)

    @property
    def status(self) -> str:
        return status_label(self.card.status, *((self.pay.status,) if self.pay else ()))

    @property
    def open_lines(self) -> str | None:
        """What is not final yet: ``待定：询单→最终付款转化率；缺失：态度.责任心``."""
        parts = []
        for state in (LineStatus.pending, LineStatus.missing):
            labels = [x.label for x in self.card.items if x.status is state]
            labels += [d.label for d in self.card.deductions if d.status is state]
            if labels:
                parts.append(f"{state.label}：{'、'.join(labels)}")
        if (
            self.pay
            and self.pay.status is LineStatus.pending
            and self.card.status is not LineStatus.pending
        ):
            parts.append("奖金待定：提成或扣款所用数据未定稿")
        return "；".join(parts) or None
