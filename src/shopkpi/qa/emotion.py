"""Emotion of one chat line: negative, neutral or positive, with a score in [-1, 1].

Candidates, all offline (benchmarks/eval_emotion.py measures them on tests/data/qa):

- :class:`LexiconAnalyzer` (the default, chosen by measurement: benchmarks/RESULTS.md): our
  own word list and rules for 千牛/旺旺 customer-service chat, in ``qa/lexicon/``.
- :class:`SnowNLPAnalyzer`: snownlp's naive-Bayes P(positive), trained on product reviews,
  mapped to three classes with two thresholds per speaker.
- :class:`PySentiAnalyzer`: pysenti's naive-Bayes classifier, mapped the same way.
- :class:`TransformersAnalyzer`: a local transformers model folder (never downloaded); only
  for shops that have one and have installed ``transformers`` and ``torch`` themselves.

The lexicon analyzer, in short (docs/qa.md has the full description):

1. Normalise (NFKC, lower case), then scan left to right for the longest lexicon entry at
   each position (one dict lookup per candidate length).
2. Split into clauses at punctuation, spaces and contrast words (但/不过/就是…).
3. A sentiment word takes the negator (不/没/别/未…) at most two characters before it in its
   clause (positive → negative, negative → mildly positive, a threat or verdict → nothing)
   and the degree adverb (太/很/有点…) right before it.
4. A question or hypothetical clause (吗, ?, 会不会, 如果…的话) is softened unless it carries
   a reproach cue (怎么还, 为什么, 凭什么, 都三天了, ??).
5. Before the last contrast word, sentiment words count 30 %. Verdicts (好评, 差评, 再也不买)
   and threats (投诉, 12315) count in full wherever they are.
6. Praise inside quotes (真“耐用”) or after a sarcasm marker (呵呵，真是好服务) counts as
   negative.
7. Two or more ! amplify the line. The total decides the label against two thresholds;
   the score is ``tanh(total / 2)``.
"""

from __future__ import annotations

import importlib
import importlib.util
import math
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, Protocol

import yaml

from shopkpi.qa.model import Speaker

Label = Literal["negative", "neutral", "positive"]
NEGATIVE: Label = "negative"
NEUTRAL: Label = "neutral"
POSITIVE: Label = "positive"
LABELS: tuple[Label, ...] = (NEGATIVE, NEUTRAL, POSITIVE)

ANALYZER_NAMES = ("lexicon", "snownlp", "pysenti", "transformers")
DEFAULT_ANALYZER = "lexicon"
"""Chosen by measurement on the held-out half of tests/data/qa (benchmarks/RESULTS.md)."""


@dataclass(frozen=True, slots=True)
class Emotion:
    """The feeling a line shows: ``label`` and ``score`` (-1 angry … 0 neutral … +1 delighted)."""

    label: Label
    score: float


class EmotionAnalyzer(Protocol):
    """What every emotion analyzer offers."""

    @property
    def name(self) -> str: ...

    def analyze(self, text: str, speaker: Speaker) -> Emotion: ...


class EmotionUnavailable(RuntimeError):
    """An analyzer that cannot run here (a package or a model folder is missing)."""


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower().strip()


def _side(speaker: Speaker | str) -> str:
    """``buyer`` for buyers, ``agent`` for agents, auto-replies and system notices."""
    return "buyer" if speaker == Speaker.buyer else "agent"


def _label(value: float, low: float, high: float) -> Label:
    if value >= high:
        return POSITIVE
    if value <= low:
        return NEGATIVE
    return NEUTRAL


# --------------------------------------------------------------------------------------------
# Lexicon analyzer
# --------------------------------------------------------------------------------------------

LEXICON_DIR = "lexicon"
KINDS = frozenset({"s", "v", "t", "r", "x", "0", "neg", "deg", "but", "q"})
_SENTIMENT, _VERDICT, _THREAT, _REPROACH, _SARCASM = "s", "v", "t", "r", "x"
# Clause boundaries after NFKC (，？！ become , ? !); spaces split "OK 谢啦" too.
_BOUNDARIES = frozenset(",.!?;:。、;…\n\t ")
_QUOTE_OPENERS = "“\"「『‘'"
_QUOTES = re.compile(r"[“\"「『‘']([^”\"」』’']{1,8})[”\"」』’']")
NEGATION_WINDOW = 2  # characters allowed between a negator and its word (不太满意, 没有那么差)
DEGREE_WINDOW = 1  # characters allowed between a degree adverb and its word (真是后悔)
BEFORE_CONTRAST = 0.3  # weight of sentiment before the last contrast word
QUESTION_SOFTEN = 0.25  # weight of sentiment in a question without reproach
NEGATED_POSITIVE = -0.9  # 不满意-like: a negated positive word turns negative
NEGATED_NEGATIVE = -0.7  # 不贵/不磨脚: a negated negative word turns mildly positive …
AGENT_NEGATED_NEGATIVE = -0.3  # … but an agent's 不掉色/不起球 is a product fact
EXCLAIM_GAIN = 1.3  # two or more ! amplify the line
SARCASM_EXTRA = 0.5  # praise in quotes counts as negative, this much stronger


@dataclass(frozen=True, slots=True)
class _Entry:
    kind: str
    value: float


@dataclass(frozen=True, slots=True)
class _Rule:
    name: str
    weight: float
    reproach: bool


@dataclass(frozen=True, slots=True)
class _Side:
    """The lexicon of one speaker side, precompiled for the scan."""

    table: dict[str, _Entry]
    lengths: dict[str, tuple[int, ...]]  # first character → candidate lengths, longest first
    rules: tuple[_Rule, ...]
    pattern: re.Pattern[str] | None  # all rules as one alternation, group r<i> per rule


def _read_text(name: str) -> str:
    return resources.files("shopkpi.qa").joinpath(LEXICON_DIR, name).read_text("utf-8")


def parse_terms(text: str) -> list[tuple[str, str, float, str | None]]:
    """Rows of terms.txt: (term, kind, value, speaker or None); raises ValueError on a bad line."""
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        if len(fields) not in (3, 4) or fields[1] not in KINDS:
            raise ValueError(f"情绪词表第 {number} 行格式不对：{line!r}")
        speaker = fields[3] if len(fields) == 4 else None
        if speaker not in (None, "buyer", "agent"):
            raise ValueError(f"情绪词表第 {number} 行的说话人只能是 buyer 或 agent：{line!r}")
        rows.append((_norm(fields[0]), fields[1], float(fields[2]), speaker))
    return rows


def _build_side(
    side: str, terms: Sequence[tuple[str, str, float, str | None]], rules: list[dict[str, Any]]
) -> _Side:
    table: dict[str, _Entry] = {}
    for term, kind, value, speaker in terms:
        if speaker is None or speaker == side:
            table[term] = _Entry(kind, value)
    firsts: dict[str, set[int]] = {}
    for term in table:
        firsts.setdefault(term[0], set()).add(len(term))
    lengths = {c: tuple(sorted(ls, reverse=True)) for c, ls in firsts.items()}
    mine = [r for r in rules if r.get("speaker", "both") in ("both", side)]
    compiled = tuple(_Rule(str(r["name"]), float(r["weight"]), bool(r["reproach"])) for r in mine)
    pattern = (
        re.compile("|".join(f"(?P<r{i}>{r['regex']})" for i, r in enumerate(mine)))
        if mine
        else None
    )
    return _Side(table, lengths, compiled, pattern)


@cache
def _lexicon() -> dict[str, _Side]:
    """Both speaker sides of the built-in lexicon, loaded and compiled once per process."""
    terms = parse_terms(_read_text("terms.txt"))
    rules = yaml.safe_load(_read_text("patterns.yaml"))["rules"]
    return {side: _build_side(side, terms, rules) for side in ("buyer", "agent")}


@dataclass(slots=True)
class _Clause:
    value: float = 0.0  # sentiment words, after negation and degree
    fixed: float = 0.0  # verdicts and threats: contrast does not weaken them
    reproach: float = 0.0
    question: bool = False
    contrast: bool = False  # the clause starts with a contrast word


class LexiconAnalyzer:
    """Our own lexicon and rules for customer-service chat (the default analyzer).

    Thresholds are on the raw total (before ``tanh``): a line is positive at or above
    ``positive_at`` and negative at or below ``negative_at``.
    """

    name = "lexicon"

    def __init__(self, positive_at: float = 0.6, negative_at: float = -0.5) -> None:
        self.positive_at = positive_at
        self.negative_at = negative_at
        self._sides = _lexicon()

    def analyze(self, text: str, speaker: Speaker) -> Emotion:
        total = self.total(text, speaker)
        return Emotion(_label(total, self.negative_at, self.positive_at), _squash(total))

    def __call__(self, text: str, speaker: Speaker) -> tuple[str, float]:
        """The (label, score) pair that the escalation rules take (``EmotionFn``)."""
        found = self.analyze(text, speaker)
        return found.label, found.score

    def total(self, text: str, speaker: Speaker) -> float:
        """The raw total of the line (the label compares it against the thresholds)."""
        t = _norm(text)
        if not t:
            return 0.0
        who = _side(speaker)
        side = self._sides[who]
        negated_negative = NEGATED_NEGATIVE if who == "buyer" else AGENT_NEGATED_NEGATIVE
        clauses = [_Clause()]
        starts = [0]  # start offset of each clause
        quoted = any(q in t for q in _QUOTE_OPENERS)
        sarcastic = _sarcasm_spans(t) if quoted else ()
        mocking = False  # a sarcasm marker (呵呵) came earlier in the line
        neg_end = -99  # end of the last negator in this clause
        deg_end, deg = -99, 1.0
        exclaims = 0
        table, lengths = side.table, side.lengths
        i, n = 0, len(t)
        while i < n:
            char = t[i]
            if char in _BOUNDARIES:
                if char == "?":
                    clauses[-1].question = True
                elif char == "!":
                    exclaims += 1
                if clauses[-1].value or clauses[-1].fixed or clauses[-1].reproach or i > starts[-1]:
                    clauses.append(_Clause())
                    starts.append(i + 1)
                else:
                    starts[-1] = i + 1
                neg_end = deg_end = -99
                i += 1
                continue
            entry = None
            for size in lengths.get(char, ()):
                entry = table.get(t[i : i + size])
                if entry is not None:
                    break
            if entry is None:
                i += 1
                continue
            end = i + size
            kind = entry.kind
            clause = clauses[-1]
            if kind == _SENTIMENT:
                value = entry.value
                if i - deg_end <= DEGREE_WINDOW:
                    value *= deg
                if i - neg_end <= NEGATION_WINDOW:
                    value *= NEGATED_POSITIVE if value > 0 else negated_negative
                elif value > 0 and (mocking or (sarcastic and _inside(i, end, sarcastic))):
                    value = -(value + SARCASM_EXTRA)
                clause.value += value
                neg_end = deg_end = -99
            elif kind in (_VERDICT, _THREAT):
                if i - neg_end > NEGATION_WINDOW:  # 不会给差评: nothing
                    clause.fixed += entry.value
                neg_end = deg_end = -99
            elif kind == _REPROACH:
                clause.reproach += entry.value
            elif kind == _SARCASM:
                clause.reproach += entry.value
                mocking = True
            elif kind == "neg":
                neg_end = end
            elif kind == "deg":
                deg_end, deg = end, entry.value
            elif kind == "but":
                if clause.value or clause.fixed or clause.reproach or i > starts[-1]:
                    clause = _Clause()
                    clauses.append(clause)
                    starts.append(i)
                clause.contrast = True
                neg_end = deg_end = -99
            elif kind == "q":
                clause.question = True
            i = end
        if side.pattern is not None:
            for match in side.pattern.finditer(t):
                rule = side.rules[int(str(match.lastgroup)[1:])]
                clause = clauses[bisect_right(starts, match.start()) - 1]
                if rule.reproach:
                    clause.reproach += rule.weight
                else:
                    clause.value += rule.weight
        return _combine(clauses, exclaims)

    def explain(self, text: str, speaker: Speaker) -> list[tuple[str, str, float]]:
        """The lexicon entries and rules found in a line: (matched text, kind, weight)."""
        t = _norm(text)
        side = self._sides[_side(speaker)]
        found: list[tuple[str, str, float]] = []
        i = 0
        while i < len(t):
            for size in side.lengths.get(t[i], ()):
                entry = side.table.get(t[i : i + size])
                if entry is not None:
                    found.append((t[i : i + size], entry.kind, entry.value))
                    i += size - 1
                    break
            i += 1
        if side.pattern is not None:
            for match in side.pattern.finditer(t):
                rule = side.rules[int(str(match.lastgroup)[1:])]
                found.append((match.group(), rule.name, rule.weight))
        return found


def _sarcasm_spans(t: str) -> tuple[tuple[int, int], ...]:
    return tuple(m.span(1) for m in _QUOTES.finditer(t))


def _inside(start: int, end: int, spans: tuple[tuple[int, int], ...]) -> bool:
    return any(a <= start and end <= b for a, b in spans)


def _combine(clauses: list[_Clause], exclaims: int) -> float:
    last_contrast = max((k for k, c in enumerate(clauses) if c.contrast), default=0)
    if last_contrast and not any(c.value or c.reproach for c in clauses[last_contrast:]):
        last_contrast = 0  # nothing felt after the contrast word: every clause counts
    total = 0.0
    for k, c in enumerate(clauses):
        value, fixed, reproach = c.value, c.fixed, c.reproach
        if c.question and not reproach:
            value *= QUESTION_SOFTEN
            fixed *= QUESTION_SOFTEN
        if k < last_contrast:
            value *= BEFORE_CONTRAST
            reproach *= BEFORE_CONTRAST
        total += value + fixed + reproach
    if exclaims >= 2:
        total *= EXCLAIM_GAIN
    return total


def _squash(total: float) -> float:
    return round(math.tanh(total / 2), 4)


# --------------------------------------------------------------------------------------------
# Third-party candidates (optional packages, loaded on first use)
# --------------------------------------------------------------------------------------------


def _require(module: str, package: str, extra: str = "") -> Any:
    if importlib.util.find_spec(module) is None:
        raise EmotionUnavailable(
            f"情绪分析器需要 {package}，但当前环境没有安装。请先运行 pip install {package}{extra}，"
            "或把 qa.emotion 改回 lexicon。"
        )
    return importlib.import_module(module)


@dataclass(frozen=True)
class Thresholds:
    """Two cut points on P(positive) per speaker side: ≤ low negative, ≥ high positive."""

    buyer: tuple[float, float]
    agent: tuple[float, float]

    def label(self, p: float, speaker: Speaker) -> Label:
        low, high = self.buyer if _side(speaker) == "buyer" else self.agent
        return _label(p, low, high)


class _ProbabilityAnalyzer:
    """Shared by the two naive-Bayes candidates: P(positive) → label and score."""

    name = "probability"

    def __init__(self, thresholds: Thresholds) -> None:
        self.thresholds = thresholds

    def probability(self, text: str) -> float:  # pragma: no cover - overridden
        raise NotImplementedError

    def analyze(self, text: str, speaker: Speaker) -> Emotion:
        if not text.strip():
            return Emotion(NEUTRAL, 0.0)
        p = self.probability(text)
        return Emotion(self.thresholds.label(p, speaker), round(2 * p - 1, 4))


# Tuned on the tune half of tests/data/qa (benchmarks/eval_emotion.py prints them).
SNOWNLP_THRESHOLDS = Thresholds(buyer=(0.25, 0.7), agent=(0.05, 0.7))
PYSENTI_THRESHOLDS = Thresholds(buyer=(0.25, 0.7), agent=(0.1, 0.7))


class SnowNLPAnalyzer(_ProbabilityAnalyzer):
    """snownlp 0.12.3 (MIT): its bundled sentiment model, P(positive) per line."""

    name = "snownlp"

    def __init__(self, thresholds: Thresholds = SNOWNLP_THRESHOLDS) -> None:
        super().__init__(thresholds)
        self._snow: Callable[[str], Any] = _require("snownlp", "snownlp").SnowNLP

    def probability(self, text: str) -> float:
        return float(self._snow(text).sentiments)


class PySentiAnalyzer(_ProbabilityAnalyzer):
    """pysenti 0.1.8 (Apache-2.0): its bundled naive-Bayes model, P(positive) per line."""

    name = "pysenti"

    def __init__(self, thresholds: Thresholds = PYSENTI_THRESHOLDS) -> None:
        super().__init__(thresholds)
        self._model = _require("pysenti", "pysenti").ModelClassifier()

    def probability(self, text: str) -> float:
        return float(self._model.classify(text)["positive_prob"])


_LABEL_WORDS: tuple[tuple[Label, tuple[str, ...]], ...] = (
    (NEGATIVE, ("neg", "负", "差", "bad")),
    (POSITIVE, ("pos", "正", "好", "good")),
    (NEUTRAL, ("neu", "中", "other")),
)


def label_of(model_label: str) -> Label | None:
    """Map a model's class name (negative, LABEL_0 is not enough, 负面 …) to ours."""
    low = model_label.lower()
    for ours, words in _LABEL_WORDS:
        if any(w in low for w in words):
            return ours
    return None


class TransformersAnalyzer:
    """A local sequence-classification model folder; ``transformers`` and ``torch`` must be
    installed by the shop (they are not in shopkpi's install). Nothing is ever downloaded:
    every load uses ``local_files_only=True``.

    Class names come from the model's ``id2label`` (negative/neutral/positive, 负面/中性/正面,
    …). A model without a neutral class labels a line neutral when |P(pos) − P(neg)| is below
    ``neutral_margin``.
    """

    name = "transformers"

    def __init__(self, model_dir: str | Path | None, neutral_margin: float = 0.3) -> None:
        if model_dir is None or not str(model_dir).strip():
            raise EmotionUnavailable(
                "qa.emotion 设为 transformers 时必须在 qa.emotion_model_dir 指定本地模型目录。"
            )
        transformers = _require("transformers", "transformers", " torch")
        self._torch = _require("torch", "torch")
        folder = Path(model_dir)
        if not folder.is_dir():
            raise EmotionUnavailable(f"找不到本地情绪模型目录：{folder}（不会联网下载）")
        try:
            self._tokenizer = transformers.AutoTokenizer.from_pretrained(
                folder, local_files_only=True
            )
            self._model = transformers.AutoModelForSequenceClassification.from_pretrained(
                folder, local_files_only=True
            )
        except (OSError, ValueError) as exc:
            raise EmotionUnavailable(f"无法加载本地情绪模型 {folder}：{exc}") from exc
        self._model.eval()
        id2label: dict[int, str] = dict(self._model.config.id2label)
        self._classes = [label_of(id2label[i]) for i in sorted(id2label)]
        if NEGATIVE not in self._classes or POSITIVE not in self._classes:
            raise EmotionUnavailable(
                f"模型的类别名无法对应到 负面/中性/正面：{sorted(id2label.values())}"
            )
        self.neutral_margin = neutral_margin

    def analyze(self, text: str, speaker: Speaker) -> Emotion:
        if not text.strip():
            return Emotion(NEUTRAL, 0.0)
        with self._torch.no_grad():
            batch = self._tokenizer(text, return_tensors="pt", truncation=True, max_length=128)
            probs = self._model(**batch).logits.softmax(-1)[0].tolist()
        by_class = {c: 0.0 for c in LABELS}
        for cls, p in zip(self._classes, probs, strict=True):
            if cls is not None:
                by_class[cls] += float(p)
        score = by_class[POSITIVE] - by_class[NEGATIVE]
        if NEUTRAL in self._classes:
            label = max(LABELS, key=lambda c: by_class[c])
        else:
            label = _label(score, -self.neutral_margin, self.neutral_margin)
        return Emotion(label, round(score, 4))


# --------------------------------------------------------------------------------------------
# Choosing one
# --------------------------------------------------------------------------------------------


@cache
def _cached(name: str, model_dir: str | None) -> EmotionAnalyzer:
    if name == "lexicon":
        return LexiconAnalyzer()
    if name == "snownlp":
        return SnowNLPAnalyzer()
    if name == "pysenti":
        return PySentiAnalyzer()
    return TransformersAnalyzer(model_dir)


def analyzer_for(name: str, model_dir: str | Path | None = None) -> EmotionAnalyzer:
    """The analyzer named in settings (``qa.emotion``), loaded once per process."""
    key = (name or DEFAULT_ANALYZER).strip().lower()
    if key not in ANALYZER_NAMES:
        raise ValueError(f"未知的情绪分析器：{name}（可选：{'、'.join(ANALYZER_NAMES)}）")
    return _cached(key, str(model_dir) if model_dir is not None else None)


def default_analyzer() -> EmotionAnalyzer:
    """The analyzer that won on the held-out half (benchmarks/RESULTS.md)."""
    return analyzer_for(DEFAULT_ANALYZER)


def available() -> Iterator[str]:
    """Names of the candidates whose packages are installed here (transformers needs a model)."""
    yield "lexicon"
    for name in ("snownlp", "pysenti"):
        if importlib.util.find_spec(name) is not None:
            yield name
