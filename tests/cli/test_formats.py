"""Every ``--format`` a command lists is honoured, and an unknown one is a usage error.

One output path: each command hands its result to ``render.emit``; a format it lists
must give that format (JSON that parses, CSV with a header, an ICS calendar, html...),
not text in its place.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

#: Commands with a --format, with arguments that make them answer something real.
COMMANDS = [
    ["plan", "--collector", "alice"],
    ["plan", "--collector", "alice", "--why-not", "TW-100003"],
    ["plan", "--collector", "alice", "--explain", "TW-100003"],
    ["plan", "--collector", "alice", "--week"],
    ["plan", "--all"],
    ["next", "--collector", "alice"],
    ["rules", "check"],
    ["progress", "--collector", "alice"],
    ["report"],
    ["show", "TW-100003"],
    ["accounts"],
    ["promises"],
    ["skip"],
    ["contact", "list", "TW-100003"],
    ["db", "status"],
    ["learn", "rebuild"],
]


def _format_choices(args: list[str]) -> tuple[str, ...]:
    """The formats the command's ``--help`` lists: ``[table|json|csv|ics]``."""
    import re

    from typer.testing import CliRunner

    from collectctl.cli import app

    words = [a for a in args[:2] if not a.startswith("-") and not a.startswith("TW-")]
    text = " ".join(CliRunner().invoke(app, [*words, "--help"]).stdout.split())
    found = re.search(r"--format(?: -f)?(?: FORMAT)? \[([a-z|]+)\]", text) or re.search(
        r"-f, --format(?: FORMAT)? \[([a-z|]+)\]", text)
    assert found, text
    return tuple(found[1].split("|"))


def _looks_like(fmt: str, text: str) -> None:
    assert text.strip(), f"{fmt}: nothing written"
    if fmt == "json":
        json.loads(text)
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(text)))
        assert len(rows[0]) > 1, "a CSV header"
    elif fmt == "ics":
        assert text.startswith("BEGIN:VCALENDAR")
    elif fmt == "html":
        assert text.lstrip().lower().startswith("<!doctype html")
    elif fmt == "markdown":
        assert "|" in text
    else:
        with pytest.raises(json.JSONDecodeError):
            json.loads(text)


@pytest.fixture
def loaded(cli, example_csv, example_big5):
    for path in (example_csv, example_big5):
        assert cli("import", "accounts", path).exit_code in (0, 1)
    assert cli("log", "TW-100003", "ptp", "-a", "1000", "-d", "+3", "-c", "alice").exit_code == 0
    return cli


@pytest.mark.sqlite_only("rendering does not depend on the engine")
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_every_listed_format_is_honoured(loaded, args):
    choices = _format_choices(args)
    assert len(choices) >= 2
    for fmt in choices:
        result = loaded(*args, "--format", fmt)
        if fmt == "ics" and len(args) > 3 or args == ["plan", "--all"] and fmt == "ics":
            # A calendar is of one day's calls: the other views of plan refuse it, saying so.
            assert result.exit_code == 2 and "--format ics is not available" in result.stderr
            continue
        assert result.exit_code == 0, (fmt, result.stderr)
        _looks_like(fmt, result.stdout)


@pytest.mark.sqlite_only("rendering does not depend on the engine")
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_an_unknown_format_is_a_usage_error(loaded, args):
    result = loaded(*args, "--format", "yaml")
    assert result.exit_code == 2
    assert "yaml" in result.stderr and result.stdout == ""


#: The JSON documents that must not depend on the interface language.
SAME_IN_EVERY_LANGUAGE = [
    ["plan", "--collector", "alice"],
    ["plan", "--collector", "alice", "--why-not", "TW-100003"],
    ["plan", "--collector", "alice", "--why-not", "TW-500001"],
    ["plan", "--collector", "alice", "--explain", "TW-100003"],
    ["plan", "--all"],
]


@pytest.mark.sqlite_only("rendering does not depend on the engine")
@pytest.mark.parametrize("args", SAME_IN_EVERY_LANGUAGE, ids=" ".join)
def test_plan_json_is_byte_for_byte_the_same_in_english_and_zh_tw(loaded, args):
    english = loaded("--lang", "en", *args, "--format", "json")
    chinese = loaded("--lang", "zh_TW", *args, "--format", "json")
    assert english.exit_code == chinese.exit_code == 0
    assert english.stdout == chinese.stdout
    assert loaded("--lang", "zh_TW", *args).stdout != loaded("--lang", "en", *args).stdout
