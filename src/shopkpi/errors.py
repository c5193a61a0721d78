"""Error types shared by every layer.

Every user-facing error names where the problem is (file, row, column) and what to do.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem found while validating a file (config, plan or import)."""

    file: str
    message: str
    line: int | None = None
    column: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.column:
            where += f" [{self.column}]"
        text = f"{where}: {self.message}"
        if self.hint:
            text += f" — {self.hint}"
        return text


class ShopkpiError(Exception):
    """Base class for errors that are shown to the user as they are."""


class ConfigError(ShopkpiError):
    """A configuration file has one or more problems; all of them are listed."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class FileRefused(ShopkpiError):
    """A whole import file was refused; the warehouse is unchanged.

    Attributes:
        file: the file's path as given.
        reason: a short machine-readable reason (e.g. ``encoding``, ``missing_column``).
        row: 1-based line number in the file, where known.
        column: the column concerned, where known.
        hint: what the user should do.
    """

    def __init__(
        self,
        file: str,
        reason: str,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.file = file
        self.reason = reason
        self.row = row
        self.column = column
        self.hint = hint
        self.detail = message
        where = file
        if row is not None:
            where += f" 第{row}行"
        if column:
            where += f" 列「{column}」"
        text = f"{where}: {message}"
        if hint:
            text += f"。处理办法：{hint}"
        super().__init__(text)


class WorkspaceError(ShopkpiError):
    """The folder is not a workspace, or the workspace is in a bad state."""
