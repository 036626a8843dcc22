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
from tests import golden_files

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
    golden_files.check("en", name, text)


DAILY = ("plan", "log", "next", "show", "undo", "pay", "progress", "work", "account")


@pytest.mark.parametrize("command", DAILY)
def test_daily_help_golden(command, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    check(f"{command}-help", result.stdout)


def test_log_help_lists_every_outcome_alias(monkeypatch):
    from collectctl.core.outcomes import DEFAULT_OUTCOMES

    def unwrapped(result) -> str:  # an alias may be broken across lines
        return "".join(result.stdout.split())

    english = unwrapped(runner.invoke(app, ["log", "--help"]))
    monkeypatch.setenv("COLLECTCTL_LANG", "zh_TW")
    chinese = unwrapped(runner.invoke(app, ["log", "--help"]))
    for outcome in DEFAULT_OUTCOMES:
        assert outcome.code in english and outcome.code in chinese
        for alias in outcome.aliases:
            assert alias in chinese, alias
            if alias.isascii():
                assert alias in english, alias
    assert "未接" not in english and "未接" in chinese


# -- the Typer range -----------------------------------------------------------------------


@pytest.mark.parametrize("version", ["0.24.2", "0.25.1", "0.30.0", "1.0"])
def test_a_typer_outside_the_tested_range_stops_with_one_line(version, capsys):
    from collectctl.cli import framework

    with pytest.raises(SystemExit) as stopped:
        framework.check_typer(version)
    assert stopped.value.code == 70
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"Typer {version} is installed" in err
    assert f"pip install '{framework.PIN}'" in err


@pytest.mark.parametrize("version", ["0.26.0", "0.26.8", "0.28.0", "0.29.2"])
def test_the_tested_range(version):
    from collectctl.cli import framework

    framework.check_typer(version)


def test_the_check_runs_before_any_internal_is_imported(tmp_path):
    """An old Typer (faked) is refused at start-up with the message, not a traceback
    from a private module it lacks."""
    import subprocess
    import sys

    code = ("import typer; typer.__version__ = '0.24.2'; "
            "import sys; sys.argv = ['collectctl', 'plan']; "
            "from collectctl.cli import main; main()")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, cwd=tmp_path)
    assert out.returncode == 70
    assert out.stderr.startswith("collectctl: error: Typer 0.24.2 is installed")
    assert "Traceback" not in out.stderr


def test_the_pin_is_the_checked_range():
    import tomllib

    from collectctl.cli import framework

    project = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml")
                            .read_text(encoding="utf-8"))
    assert framework.PIN in project["project"]["dependencies"]


def test_no_other_module_touches_typer_internals():
    private = re.compile(r"typer\._|typer\.core|^\s*(from|import) click\b|from typer import _")
    package = Path(__file__).resolve().parents[2] / "collectctl"
    for path in package.rglob("*.py"):
        if path.name != "framework.py":
            lines = [line for line in path.read_text(encoding="utf-8").splitlines()
                     if private.search(line)]
            assert not lines, f"{path}: {lines}"


# -- shell completion ----------------------------------------------------------------------


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_show_completion(shell):
    result = runner.invoke(app, ["--show-completion", shell])
    assert result.exit_code == 0, result.output
    assert "_COLLECTCTL_COMPLETE=complete_" + shell in result.stdout.replace(
        "%(autocomplete_var)s", "")


@pytest.mark.parametrize("shell, written", [
    ("bash", ".bash_completions/collectctl.sh"), ("zsh", ".zfunc/_collectctl"),
    ("fish", ".config/fish/completions/collectctl.fish")])
def test_install_completion(shell, written, isolated):
    result = runner.invoke(app, ["--install-completion", shell])
    assert result.exit_code == 0, result.output
    script = Path.home() / written
    assert script.exists() and "_COLLECTCTL_COMPLETE" in script.read_text()
    assert f"{shell} completion installed in {script}" in result.stdout


def test_install_completion_without_a_shell_uses_the_running_one(isolated, monkeypatch):
    from collectctl.cli import framework

    monkeypatch.setattr(framework, "detect_shell", lambda: "zsh")
    result = runner.invoke(app, ["--install-completion"])
    assert result.exit_code == 0, result.output
    assert (Path.home() / ".zfunc" / "_collectctl").exists()


def test_an_unknown_shell_is_a_usage_error():
    result = runner.invoke(app, ["--show-completion", "tcsh"])
    assert result.exit_code == 2 and "tcsh" in result.stderr


@pytest.mark.parametrize("shell, env, expected", [
    ("bash", {"COMP_WORDS": "collectctl pl", "COMP_CWORD": "1"}, "plan"),
    ("zsh", {"_TYPER_COMPLETE_ARGS": "collectctl log --am"}, "--amount"),
    ("fish", {"_TYPER_COMPLETE_ARGS": "collectctl target s",
              "_TYPER_COMPLETE_FISH_ACTION": "get-args"}, "split")])
def test_the_shell_gets_completions(shell, env, expected, isolated):
    """What the installed scripts run when Tab is pressed: the console script, asked
    through $_COLLECTCTL_COMPLETE."""
    import os
    import subprocess
    import sys

    code = "import sys; sys.argv = ['collectctl']; from collectctl.cli import main; main()"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, env={**os.environ, **env,
                                          "_COLLECTCTL_COMPLETE": f"complete_{shell}"})
    assert out.returncode == 0, out.stderr
    assert expected in out.stdout
