"""Docs live with the code: an undocumented command or import format fails here."""

from __future__ import annotations

import re
from pathlib import Path

from shopkpi.cli.docs import command_names, subcommand_names
from shopkpi.ingest.catalog import formats_markdown

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_every_cli_command_is_in_the_cli_reference() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^## shopkpi (\S+)$", text, flags=re.M))
    assert documented == set(command_names()), "run `make docs` to regenerate docs/cli.md"


def test_every_subcommand_is_in_the_cli_reference() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^### shopkpi (\S+) (\S+)$", text, flags=re.M))
    expected = {(name, sub) for name in command_names() for sub in subcommand_names(name)}
    assert ("ratings", "import") in expected
    assert documented == expected, "run `make docs` to regenerate docs/cli.md"


def test_format_table_matches_the_adapter_registry() -> None:
    text = (DOCS / "ingest.md").read_text(encoding="utf-8")
    section = text.split("<!-- formats:start", 1)[1].split("-->", 1)[1]
    section = section.split("<!-- formats:end -->", 1)[0]
    assert section.strip() == formats_markdown().strip(), "run `make docs` to regenerate"


def test_readme_shows_the_two_setup_commands() -> None:
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
    ci = (DOCS.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
