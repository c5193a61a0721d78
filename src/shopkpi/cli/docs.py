"""Render the CLI reference (docs/cli.md) from the commands' own ``--help``."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from shopkpi.cli.app import app

HEADER = """# shopkpi CLI reference

Generated from `--help` by `make docs`; a test fails when this page drifts from the code.

"""


def command_names() -> list[str]:
    group = typer.main.get_command(app)
    commands: dict[str, object] = getattr(group, "commands", {})
    return sorted(commands)


def subcommand_names(name: str) -> list[str]:
    """The subcommands of a command group (``ratings`` → ``import``, ``list``); [] otherwise."""
    group = typer.main.get_command(app)
    command = getattr(group, "commands", {}).get(name)
    return sorted(getattr(command, "commands", {}))


def _help(runner: CliRunner, args: list[str]) -> str:
    result = runner.invoke(
        app, [*args, "--help"], env={"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
    )
    return "\n".join(line.rstrip() for line in result.output.splitlines()).strip()


def render_cli_reference() -> str:
    runner = CliRunner()
    parts = [HEADER]
    for name in command_names():
        parts.append(f"## shopkpi {name}\n\n```text\n{_help(runner, [name])}\n```\n\n")
        for sub in subcommand_names(name):
            text = _help(runner, [name, sub])
            parts.append(f"### shopkpi {name} {sub}\n\n```text\n{text}\n```\n\n")
    return "".join(parts).rstrip() + "\n"


if __name__ == "__main__":
    print(render_cli_reference(), end="")
