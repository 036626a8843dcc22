"""The command-line shell. ``app`` (every command registered) is for tests and embedding;
``main`` is the console script, which registers only the command it runs."""

from collectctl.cli.root import main

__all__ = ["app", "main"]


def __getattr__(name: str):
    if name == "app":
        from collectctl.cli.root import app, register_all

        register_all()
        return app
    raise AttributeError(name)
