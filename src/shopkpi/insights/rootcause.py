"""Root-cause localisation with Adtributor (Bhagwan et al., NSDI 2014).

Each dimension (类目, 渠道, 团队, 客服, 时段) partitions the measure into elements ``j`` with a
forecast ``F_j`` (the baseline) and an actual ``A_j``. Per element:

- explanatory power ``EP_j = (A_j − F_j) / (A − F)``: its share of the total change;
- surprise ``S_j = ½ (p ln(2p/(p+q)) + q ln(2q/(p+q)))`` with ``p = F_j/F``, ``q = A_j/A``
  (its term of the Jensen–Shannon divergence, natural log; ``0 · ln 0 = 0``).

Per dimension, elements are taken in descending surprise; an element joins the candidate
set when ``EP_j ≥ t_ep`` (0.1) and ``S_j ≥ min_surprise``; once the set's EP reaches
``t_eep`` (0.67) the set is a candidate. Candidates are ranked by total surprise and the
top ``max_candidates`` (3) are returned. ``min_surprise`` (1e-4) is this project's addition
to the paper: a change spread evenly over the elements (every channel −20%) moves no
distribution, so it names no element.

A derived measure ``m = a / b`` (转化率 = buyers / visitors) follows the paper's ratio
handling: ``EP_j`` is the change of ``m`` had only element ``j`` changed,
``(ΔA_a·F_b − ΔA_b·F_a) / (F_b·(F_b + ΔA_b))`` with ``ΔA = A_j − F_j``, divided by the total
change ``A_a/A_b − F_a/F_b``; ``S_j`` is the sum of the surprises of ``a`` and ``b``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Observation:
    """One row: its element in each dimension it has, forecast and actual of the measure.

    A dimension sees only the rows that name it, so one list may hold a separate breakdown
    per dimension (channel rows, staff rows, …) as well as a full cube.

    For a derived measure ``forecast``/``actual`` are the numerator and
    ``forecast_den``/``actual_den`` the denominator.
    """

    attrs: Mapping[str, str]
    forecast: float
    actual: float
    forecast_den: float | None = None
    actual_den: float | None = None


@dataclass(frozen=True)
class AdtributorSettings:
    t_ep: float = 0.1
    t_eep: float = 0.67
    min_surprise: float = 1e-4
    max_candidates: int = 3


@dataclass(frozen=True)
class ElementScore:
    dimension: str
    element: str
    forecast: float
    actual: float
    ep: float
    surprise: float


@dataclass(frozen=True)
class Candidate:
    """A dimension and the few elements that explain the change."""

    dimension: str
    elements: tuple[ElementScore, ...]
    explanatory_power: float = field(init=False)
    surprise: float = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "explanatory_power", sum(e.ep for e in self.elements))
        object.__setattr__(self, "surprise", sum(e.surprise for e in self.elements))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(e.element for e in self.elements)


def js_surprise(f: float, a: float, f_total: float, a_total: float) -> float:
    """An element's term of the Jensen–Shannon divergence between forecast and actual shares."""
    p = f / f_total if f_total else 0.0
    q = a / a_total if a_total else 0.0
    m = (p + q) / 2
    return 0.5 * sum(x * math.log(x / m) for x in (p, q) if x > 0)


@dataclass
class _Sums:
    f: float = 0.0
    a: float = 0.0
    fd: float = 0.0
    ad: float = 0.0


def _aggregate(rows: Sequence[Observation], dimension: str) -> dict[str, _Sums]:
    sums: dict[str, _Sums] = {}
    for r in rows:
        if dimension not in r.attrs:  # a row of another dimension's breakdown
            continue
        s = sums.setdefault(r.attrs[dimension], _Sums())
        s.f += r.forecast
        s.a += r.actual
        s.fd += r.forecast_den or 0.0
        s.ad += r.actual_den or 0.0
    return sums


def score_elements(rows: Sequence[Observation], dimension: str) -> list[ElementScore]:
    """EP and surprise of every element of ``dimension`` (empty when nothing changed)."""
    sums = _aggregate(rows, dimension)
    tot = _Sums()
    for s in sums.values():
        tot.f, tot.a, tot.fd, tot.ad = tot.f + s.f, tot.a + s.a, tot.fd + s.fd, tot.ad + s.ad
    derived = any(r.forecast_den is not None for r in rows)
    if derived:
        if not (tot.fd and tot.ad):
            return []
        change = tot.a / tot.ad - tot.f / tot.fd
    else:
        change = tot.a - tot.f
    if change == 0:
        return []
    return [
        ElementScore(
            dimension, name, s.f, s.a, _ep(s, tot, change, derived), _surprise(s, tot, derived)
        )
        for name, s in sorted(sums.items())
    ]


def _ep(s: _Sums, tot: _Sums, change: float, derived: bool) -> float:
    if not derived:
        return (s.a - s.f) / change
    da, db = s.a - s.f, s.ad - s.fd
    denominator = tot.fd * (tot.fd + db)
    return (da * tot.fd - db * tot.f) / denominator / change if denominator else 0.0


def _surprise(s: _Sums, tot: _Sums, derived: bool) -> float:
    surprise = js_surprise(s.f, s.a, tot.f, tot.a)
    return surprise + js_surprise(s.fd, s.ad, tot.fd, tot.ad) if derived else surprise


def adtributor(
    rows: Sequence[Observation],
    dimensions: Sequence[str],
    settings: AdtributorSettings | None = None,
) -> list[Candidate]:
    """The top candidate sets across ``dimensions``, by descending total surprise."""
    s = settings or AdtributorSettings()
    candidates = [c for d in dimensions if (c := _candidate(score_elements(rows, d), s))]
    candidates.sort(key=lambda c: (-c.surprise, c.dimension))
    return candidates[: s.max_candidates]


def _candidate(scores: list[ElementScore], s: AdtributorSettings) -> Candidate | None:
    chosen: list[ElementScore] = []
    explained = 0.0
    for e in sorted(scores, key=lambda e: (-e.surprise, e.element)):
        if e.ep >= s.t_ep and e.surprise >= s.min_surprise:
            chosen.append(e)
            explained += e.ep
            if explained >= s.t_eep:
                return Candidate(scores[0].dimension, tuple(chosen))
    return None
