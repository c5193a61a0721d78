"""Shape checks for the hand-labelled chat-QA sets in tests/data/qa (see its README.md).

The expected counts are literal: a changed count means lines were added or relabelled, which
the README's frozen-labels rule forbids except by appending new ids.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "qa"
LINES_HEADER = ["id", "speaker", "text", "label", "split"]
ID_PREFIX = {"buyer": "B", "agent": "A"}

# (speaker, label) -> (tune, heldout), as in the README's table.
LINE_COUNTS = {
    ("buyer", "negative"): (66, 66),
    ("buyer", "neutral"): (57, 56),
    ("buyer", "positive"): (39, 40),
    ("agent", "negative"): (12, 12),
    ("agent", "neutral"): (50, 49),
    ("agent", "positive"): (22, 22),
}
# escalate -> (tune, heldout)
SESSION_COUNTS = {True: (15, 17), False: (25, 23)}
SESSION_MESSAGES = 483


def read_lines() -> list[dict[str, str]]:
    with (DATA / "emotion_lines.tsv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def read_sessions() -> list[dict[str, Any]]:
    text = (DATA / "escalation_sessions.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def test_lines_header_and_fields() -> None:
    with (DATA / "emotion_lines.tsv").open(encoding="utf-8") as f:
        assert f.readline().rstrip("\n").split("\t") == LINES_HEADER
    rows = read_lines()
    assert len(rows) == 491
    for row in rows:
        assert None not in row and all(row.values()), row  # exactly five non-empty fields
        assert row["speaker"] in ID_PREFIX
        assert re.fullmatch(ID_PREFIX[row["speaker"]] + r"\d{4}", row["id"]), row
        assert row["label"] in {"negative", "neutral", "positive"}
        assert row["split"] in {"tune", "heldout"}


def test_lines_ids_and_texts_unique() -> None:
    rows = read_lines()
    assert len({r["id"] for r in rows}) == len(rows)
    assert len({r["text"] for r in rows}) == len(rows)


def test_lines_split_alternates_by_id() -> None:
    for row in read_lines():
        number = int(row["id"][1:])
        assert row["split"] == ("tune" if number % 2 else "heldout"), row["id"]


@pytest.mark.parametrize("speaker", ["buyer", "agent"])
def test_each_split_holds_at_least_40_percent(speaker: str) -> None:
    splits = Counter(r["split"] for r in read_lines() if r["speaker"] == speaker)
    total = sum(splits.values())
    assert min(splits["tune"], splits["heldout"]) >= 0.4 * total


def test_line_counts_match_literals() -> None:
    counted = Counter((r["speaker"], r["label"], r["split"]) for r in read_lines())
    expected = {
        (speaker, label, split): n
        for (speaker, label), pair in LINE_COUNTS.items()
        for split, n in zip(("tune", "heldout"), pair, strict=True)
    }
    assert dict(counted) == expected


def readme_rows(first_cell: str) -> list[list[str]]:
    text = (DATA / "README.md").read_text(encoding="utf-8")
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in text.splitlines()]
    return [c for c in cells if c and c[0] == first_cell]


def test_readme_tables_match_literals() -> None:
    for (speaker, label), (tune, heldout) in LINE_COUNTS.items():
        row = [r for r in readme_rows(speaker) if r[1] == label]
        assert row == [[speaker, label, str(tune), str(heldout), str(tune + heldout)]]
    for escalate, (tune, heldout) in SESSION_COUNTS.items():
        name = "true" if escalate else "false"
        assert readme_rows(name) == [[name, str(tune), str(heldout), str(tune + heldout)]]
    assert readme_rows("**all**") == [
        ["**all**", "", "246", "245", "491"],
        ["**all**", "40", "40", "80"],
    ]


def test_sessions_schema() -> None:
    sessions = read_sessions()
    assert [s["id"] for s in sessions] == [f"S{i:03d}" for i in range(1, 81)]
    for number, s in enumerate(sessions, start=1):
        assert set(s) == {"id", "escalate", "split", "messages", "note"}, s["id"]
        assert isinstance(s["escalate"], bool) and isinstance(s["note"], str) and s["note"]
        assert s["split"] == ("tune" if number % 2 else "heldout")
        assert 4 <= len(s["messages"]) <= 15, s["id"]
        times = [m["t"] for m in s["messages"]]
        assert times[0] == 0 and times == sorted(times), s["id"]
        for m in s["messages"]:
            assert set(m) == {"speaker", "t", "text"}, s["id"]
            assert m["speaker"] in {"buyer", "agent", "auto"}
            assert type(m["t"]) is int and isinstance(m["text"], str) and m["text"]


def test_session_counts_match_literals() -> None:
    sessions = read_sessions()
    counted = Counter((s["escalate"], s["split"]) for s in sessions)
    assert counted == {
        (escalate, split): n
        for escalate, pair in SESSION_COUNTS.items()
        for split, n in zip(("tune", "heldout"), pair, strict=True)
    }
    assert sum(len(s["messages"]) for s in sessions) == SESSION_MESSAGES
