"""Evaluate the chat-QA emotion analyzers (issue 6) on the hand-labelled lines.

Data: ``tests/data/qa/emotion_lines.tsv`` (491 lines, buyer and agent, labels frozen at
commit bd802bb) and ``tests/data/qa/escalation_sessions.jsonl`` (80 sessions). Each file is
split into a ``tune`` half and a ``heldout`` half (tests/data/qa/README.md).

For every candidate whose package is installed (lexicon always; snownlp, pysenti when
present), on the rows of ``--split`` (default ``heldout``):

- accuracy and macro-F1 over negative/neutral/positive for buyer lines, agent lines and all;
- the buyer confusion matrix (rows: true label, columns: predicted);
- lines/s: ``time.perf_counter`` over all 491 lines, best of 3 passes, one core.

snownlp and pysenti output P(positive); their two thresholds per speaker side are tuned on
the ``tune`` half only (a 0.05 grid maximising macro-F1), whatever ``--split`` says. The
lexicon analyzer runs with its built-in thresholds (set while building, on the tune half).

Escalation: when ``shopkpi.qa.escalation.escalations`` exists, each session of the split is
predicted ``escalate`` if any escalation finding fires with the default analyzer and the
default settings; precision and recall against the labels.

Writes a Markdown table to stdout and ``benchmarks/data/eval_emotion_<split>.json``.

Usage::

    python benchmarks/eval_emotion.py                  # held-out half (the reported figures)
    python benchmarks/eval_emotion.py --split tune     # while tuning
    python benchmarks/eval_emotion.py --split tune --errors   # list the misclassified lines
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

from shopkpi.qa.emotion import (  # noqa: E402
    LABELS,
    EmotionAnalyzer,
    LexiconAnalyzer,
    PySentiAnalyzer,
    SnowNLPAnalyzer,
    Thresholds,
    available,
    default_analyzer,
)
from shopkpi.qa.model import QAMessage, Speaker  # noqa: E402

DATA = ROOT / "tests" / "data" / "qa"
LINES = DATA / "emotion_lines.tsv"
SESSIONS = DATA / "escalation_sessions.jsonl"
OUT = HERE / "data"


@dataclass(frozen=True)
class Line:
    id: str
    speaker: Speaker
    text: str
    label: str
    split: str


def load_lines(path: Path = LINES) -> list[Line]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [Line(r["id"], Speaker(r["speaker"]), r["text"], r["label"], r["split"]) for r in rows]


def in_split(split: str, row_split: str) -> bool:
    return split == "all" or row_split == split


def scores(truth: Sequence[str], pred: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro-F1 and per-label F1 over the three labels."""
    n = len(truth)
    f1s = {}
    for label in LABELS:
        tp = sum(1 for t, p in zip(truth, pred, strict=True) if t == label and p == label)
        fp = sum(1 for t, p in zip(truth, pred, strict=True) if t != label and p == label)
        fn = sum(1 for t, p in zip(truth, pred, strict=True) if t == label and p != label)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s[label] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    correct = sum(1 for t, p in zip(truth, pred, strict=True) if t == p)
    return {
        "n": n,
        "accuracy": correct / n if n else 0.0,
        "macro_f1": sum(f1s.values()) / len(f1s),
        "f1": f1s,
    }


def confusion(truth: Sequence[str], pred: Sequence[str]) -> list[list[int]]:
    return [
        [sum(1 for t, p in zip(truth, pred, strict=True) if t == a and p == b) for b in LABELS]
        for a in LABELS
    ]


def tune_thresholds(probs: dict[str, float], lines: Sequence[Line]) -> Thresholds:
    """Best (low, high) per speaker side on the tune rows, a 0.05 grid, by macro-F1."""
    grid = [round(i * 0.05, 2) for i in range(21)]
    best: dict[str, tuple[float, float]] = {}
    for side in ("buyer", "agent"):
        rows = [x for x in lines if x.split == "tune" and _side(x.speaker) == side]
        truth = [x.label for x in rows]
        top = (-1.0, (0.5, 0.5))
        for low in grid:
            for high in grid:
                if high <= low:
                    continue
                pred = [_cut(probs[x.id], low, high) for x in rows]
                f1 = scores(truth, pred)["macro_f1"]
                if f1 > top[0] + 1e-12:
                    top = (f1, (low, high))
        best[side] = top[1]
    return Thresholds(buyer=best["buyer"], agent=best["agent"])


def _side(speaker: Speaker) -> str:
    return "buyer" if speaker is Speaker.buyer else "agent"


def _cut(p: float, low: float, high: float) -> str:
    return "positive" if p >= high else "negative" if p <= low else "neutral"


def lines_per_second(analyzer: EmotionAnalyzer, lines: Sequence[Line]) -> float:
    """Best of 3 passes over all lines (a pass repeats the set until it lasts ≥ 0.2 s)."""
    work = [(x.text, x.speaker) for x in lines]
    start = time.perf_counter()
    for text, speaker in work:
        analyzer.analyze(text, speaker)
    once = time.perf_counter() - start
    repeat = max(1, int(0.2 / once) + 1) if once > 0 else 1
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(repeat):
            for text, speaker in work:
                analyzer.analyze(text, speaker)
        best = min(best, time.perf_counter() - start)
    return len(work) * repeat / best


def evaluate(
    analyzer: EmotionAnalyzer, lines: Sequence[Line], split: str, errors: bool
) -> dict[str, Any]:
    rows = [x for x in lines if in_split(split, x.split)]
    pred = {x.id: analyzer.analyze(x.text, x.speaker).label for x in rows}
    result: dict[str, Any] = {"name": analyzer.name}
    for part in ("buyer", "agent", "all"):
        sub = [x for x in rows if part in ("all", _side(x.speaker))]
        result[part] = scores([x.label for x in sub], [pred[x.id] for x in sub])
    buyers = [x for x in rows if x.speaker is Speaker.buyer]
    result["buyer_confusion"] = confusion([x.label for x in buyers], [pred[x.id] for x in buyers])
    result["lines_per_second"] = lines_per_second(analyzer, lines)
    if errors:
        result["errors"] = [
            {"id": x.id, "text": x.text, "label": x.label, "predicted": pred[x.id]}
            for x in rows
            if pred[x.id] != x.label
        ]
    return result


def escalation_scores(split: str, analyzer: EmotionAnalyzer) -> dict[str, Any] | None:
    try:
        escalation = importlib.import_module("shopkpi.qa.escalation")
    except ImportError:
        return None
    escalations: Callable[..., list[Any]] | None = getattr(escalation, "escalations", None)
    if escalations is None:
        return None

    def emotion_fn(text: str, speaker: Speaker) -> tuple[str, float]:
        found = analyzer.analyze(text, speaker)
        return found.label, found.score

    t0 = datetime(2026, 1, 5, 10, 0, 0)
    tp = fp = fn = tn = 0
    wrong = []
    for raw in SESSIONS.read_text(encoding="utf-8").splitlines():
        if not raw.strip():
            continue
        s = json.loads(raw)
        if not in_split(split, s["split"]):
            continue
        msgs = [
            QAMessage(
                message_id=f"{s['id']}-{i}",
                session_id=s["id"],
                staff_id="agent1",
                speaker=Speaker(m["speaker"]),
                sent_at=t0 + timedelta(seconds=m["t"]),
                text=m["text"],
            )
            for i, m in enumerate(s["messages"])
        ]
        predicted = bool(escalations(msgs, emotion_fn))
        truth = bool(s["escalate"])
        tp += predicted and truth
        fp += predicted and not truth
        fn += truth and not predicted
        tn += not predicted and not truth
        if predicted != truth:
            wrong.append(s["id"])
    return {
        "sessions": tp + fp + fn + tn,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "wrong": wrong,
    }


def candidates(
    lines: Sequence[Line], only: str | None = None
) -> list[tuple[EmotionAnalyzer, dict[str, Any]]]:
    """Each available analyzer with notes (the thresholds tuned on the tune half)."""
    out: list[tuple[EmotionAnalyzer, dict[str, Any]]] = []
    if only in (None, "lexicon"):
        out.append((LexiconAnalyzer(), {}))
    names = set(available())
    for name, cls in (("snownlp", SnowNLPAnalyzer), ("pysenti", PySentiAnalyzer)):
        if only not in (None, name):
            continue
        if name not in names:
            print(f"- {name}: not installed, skipped", file=sys.stderr)
            continue
        probe = cls()
        probs = {x.id: probe.probability(x.text) for x in lines if x.split == "tune"}
        tuned = tune_thresholds(probs, lines)
        out.append((cls(tuned), {"thresholds": {"buyer": tuned.buyer, "agent": tuned.agent}}))
    return out


def markdown(results: Sequence[dict[str, Any]], split: str) -> str:
    head = (
        f"| analyzer ({split}) | buyer acc | buyer macro-F1 | agent acc | agent macro-F1 "
        "| all acc | all macro-F1 | lines/s |\n|---|---:|---:|---:|---:|---:|---:|---:|"
    )
    rows = [
        f"| {r['name']} | {r['buyer']['accuracy']:.3f} | {r['buyer']['macro_f1']:.3f} "
        f"| {r['agent']['accuracy']:.3f} | {r['agent']['macro_f1']:.3f} "
        f"| {r['all']['accuracy']:.3f} | {r['all']['macro_f1']:.3f} "
        f"| {r['lines_per_second']:,.0f} |"
        for r in results
    ]
    parts = [head, *rows]
    for r in results:
        m = r["buyer_confusion"]
        parts.append(
            f"\nBuyer confusion, {r['name']} (rows true, columns predicted: neg/neu/pos):\n"
            + "\n".join(f"    {a:>8}: {row}" for a, row in zip(LABELS, m, strict=True))
        )
    return "\n".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["heldout", "tune", "all"], default="heldout")
    parser.add_argument("--errors", action="store_true", help="list misclassified lines")
    parser.add_argument("--only", help="evaluate only this analyzer (lexicon, snownlp, pysenti)")
    args = parser.parse_args(argv)

    lines = load_lines()
    results = []
    for analyzer, notes in candidates(lines, args.only):
        result = evaluate(analyzer, lines, args.split, args.errors)
        result.update(notes)
        results.append(result)
    print(markdown(results, args.split))
    for r in results:
        if "thresholds" in r:
            print(f"\n{r['name']} thresholds tuned on the tune half: {r['thresholds']}")
        for e in r.get("errors", []):
            print(f"  {r['name']} {e['id']} {e['label']:>8} → {e['predicted']:<8} {e['text']}")

    default = default_analyzer()
    esc = escalation_scores(args.split, default)
    if esc is None:
        print("\nEscalation: shopkpi.qa.escalation.escalations not found, skipped")
    else:
        print(
            f"\nEscalation ({args.split}, {esc['sessions']} sessions, analyzer {default.name}): "
            f"precision {esc['precision']:.3f}, recall {esc['recall']:.3f} "
            f"(tp {esc['tp']}, fp {esc['fp']}, fn {esc['fn']}, tn {esc['tn']})"
        )
        if args.errors:
            print(f"  wrong: {', '.join(esc['wrong'])}")

    OUT.mkdir(parents=True, exist_ok=True)
    out = OUT / f"eval_emotion_{args.split}.json"
    report = {
        "split": args.split,
        "default": default.name,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "results": results,
        "escalation": esc,
    }
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nwrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
