"""The command-line shell: thin Typer commands over the core, storage and renderers."""

from collectctl.cli.app import app, main

__all__ = ["app", "main"]
