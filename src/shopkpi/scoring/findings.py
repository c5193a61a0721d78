"""A validation finding: a :class:`~shopkpi.errors.Problem` with a severity.

Errors make ``shopkpi plan check`` fail; warnings (注意) are shown but do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from shopkpi.errors import Problem


class Severity(StrEnum):
    error = "error"
    warning = "warning"


@dataclass(frozen=True)
class Finding(Problem):
    """One problem in a plan file, with its line and a Chinese hint."""

    severity: Severity = Severity.error

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.error


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.is_error]


def sort_key(f: Finding) -> tuple[str, int, str]:
    return (f.file, f.line or 0, f.message)
