"""Help over the whole command tree: every command has it, every argument and option is
described, no Python type shows, bare ``collectctl`` is the root's help (exit 0), and the
daily commands' help is compared whole with English golden files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from collectctl.cli import app
from tests.cli.test_zh_tw_screens import check as check_zh

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "en"
runner = CliRunner()


def _tree() -> dict[tuple[str, ...], object]:
    """Every command and group, by its path (``()`` is the root)."""
    found: dict[tuple[str, ...], object] = {}

    def walk(path: tuple[str, ...], command) -> None:
        found[path] = command
        for name, sub in getattr(command, "commands", {}).items():
            walk((*path, name), sub)

    walk((), typer.main.get_command(app))
    return found


TREE = _tree()
COMMANDS = sorted(TREE)
#: A Python type in angle brackets, as Typer 0.29 shows them: <str>, <int>, <list[str]>.
PYTHON_TYPE = re.compile(r"<[^<>\s]+>")


def test_the_tree_is_the_whole_cli():
    """The parametrized tests below cover every command, not a hand-picked few."""
    leaves = [path for path, command in TREE.items() if not hasattr(command, "commands")]
    assert len(leaves) >= 35 and len(TREE) >= 36
    assert ("db", "migrate") in TREE and ("import", "accounts") in TREE


@pytest.mark.parametrize("path", COMMANDS, ids=lambda path: " ".join(path) or "collectctl")
def test_every_command_has_help(path):
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("Usage: collectctl") and len(text.splitlines()) > 3
    command = TREE[path]
    assert (command.help or "").strip(), f"{path}: no description"
    undescribed = [param.name for param in command.params
                   if not getattr(param, "hidden", False) and not (param.help or "").strip()]
    assert not undescribed, f"collectctl {' '.join(path)}: {undescribed} have no help"
    assert not PYTHON_TYPE.findall(text), text


@pytest.mark.parametrize("path", COMMANDS, ids=lambda path: " ".join(path) or "collectctl")
def test_every_command_has_help_in_chinese(path, monkeypatch):
    monkeypatch.setenv("COLLECTCTL_LANG", "zh_TW")
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("用法：collectctl")
    assert not PYTHON_TYPE.findall(result.stdout), result.stdout


def test_bare_collectctl_prints_help_and_succeeds():
    result = runner.invoke(app, [])
    assert result.exit_code == 0, result.output
    assert result.stdout == runner.invoke(app, ["--help"]).stdout
    assert result.stderr == ""


def test_a_bare_group_prints_its_help_and_succeeds():
    result = runner.invoke(app, ["db"])
    assert result.exit_code == 0, result.output
    assert result.stdout == runner.invoke(app, ["db", "--help"]).stdout


def check(name: str, text: str) -> None:
    """Compare with ``tests/golden/en/<name>.txt`` (COLLECTCTL_UPDATE_GOLDEN=1 writes it)."""
    check_zh(name, text, GOLDEN)


DAILY = ("plan", "log", "next", "show", "undo", "pay", "progress", "work")


@pytest.mark.parametrize("command", DAILY)
def test_daily_help_golden(command, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    check(f"{command}-help", result.stdout)
