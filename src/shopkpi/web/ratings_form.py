"""The ratings entry form (主管评分): one score and comment per rubric criterion.

The form is checked as a whole before anything is written: a bad score leaves every
rating as it was and is shown next to its field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from shopkpi.appdb.ratings_file import parse_score
from shopkpi.appdb.records import RatingRecord
from shopkpi.scoring.rubric import BANDS, CRITERIA, Criterion

SCORE_HINT = "请填写 0 到 100 之间的分数，最多两位小数"
BAND_TEXT = "；".join(f"≥{lower} {text}" for lower, text in BANDS)


@dataclass(frozen=True)
class Field:
    """One criterion's row in the form: what is shown and the error next to it."""

    criterion: Criterion
    score: str
    comment: str
    error: str | None = None


@dataclass(frozen=True)
class Entry:
    """A checked rating to write."""

    criterion_id: str
    score: Decimal
    comment: str | None


def score_name(c: Criterion) -> str:
    return f"score__{c.id}"


def comment_name(c: Criterion) -> str:
    return f"comment__{c.id}"


def stored_fields(stored: Mapping[str, RatingRecord]) -> list[Field]:
    """The form filled with the stored ratings (blank where none)."""
    rows = []
    for c in CRITERIA:
        r = stored.get(c.id)
        rows.append(Field(c, "" if r is None else str(r.score), (r and r.comment) or ""))
    return rows


def check(form: Mapping[str, str]) -> tuple[list[Entry], list[Field]]:
    """The filled-in ratings, and every field as sent with its error (if any).

    A blank score means "not rated" and is skipped.
    """
    entries, fields = [], []
    for c in CRITERIA:
        raw = form.get(score_name(c), "").strip()
        comment = form.get(comment_name(c), "").strip()
        error = None
        if raw:
            parsed = parse_score(raw)
            if isinstance(parsed, str):
                error = f"{parsed}：{SCORE_HINT}"
            else:
                entries.append(Entry(c.id, parsed, comment or None))
        elif comment:
            error = f"有评语但没有分数：{SCORE_HINT}"
        fields.append(Field(c, raw, comment, error))
    return entries, fields
