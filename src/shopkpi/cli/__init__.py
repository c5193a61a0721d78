"""The typer CLI: thin commands over :class:`shopkpi.workspace.Workspace`."""
