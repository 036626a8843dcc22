"""A typo in ``--db`` or $COLLECTCTL_DB never makes an empty database: a command that does
not bring data in finds none there, says so in one line, exits 2 and leaves nothing on
disk; the commands that bring data in may make one, and say so on stderr."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from collectctl.cli import app
from collectctl.config import app_dir
from collectctl.resources import bundled
from tests.conftest import NOW

runner = CliRunner()

ACCOUNTS = bundled("examples/accounts.csv")


def missing_message(path) -> str:
    return f"collectctl: error: no database at {path} — run 'collectctl init', or check --db\n"


def created_message(path) -> str:
    return f"created a new database at {path}\n"


def tree(root: Path) -> set[str]:
    """Every file and directory under ``root`` (to show nothing appeared)."""
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def run(*args, db=None, input=None):
    base = ["--now", NOW] + (["--db", str(db)] if db is not None else [])
    return runner.invoke(app, [*base, *map(str, args)], input=input)


#: Every command that does not bring data in: those that only read, and those that write
#: but only to accounts, calls or targets already there.
NOT_CREATING = [
    # only read
    ["plan", "-c", "alice"],
    ["plan"],  # no me: would list the collectors
    ["plan", "--all"],
    ["plan", "--week", "-c", "alice"],
    ["plan", "-c", "alice", "--explain", "TW-100001"],
    ["plan", "-c", "alice", "--why-not", "TW-100001"],
    ["next", "-c", "alice"],
    ["show", "TW-100001"],
    ["accounts"],
    ["account", "TW-100001"],
    ["promises"],
    ["skip"],
    ["progress", "-c", "alice"],
    ["progress", "--team"],
    ["report"],
    ["report", "-f", "html", "-o", "report.html"],
    ["audit"],
    ["work", "-c", "alice"],
    ["db", "check"],
    ["db", "status"],
    ["db", "backup", "backup.db"],
    ["db", "copy", "--to", "copy.db"],  # --db is the source
    ["contact", "list", "TW-100001"],
    ["target", "list"],
    ["team", "list"],
    # write, but to what is already there
    ["log", "TW-100001", "no_answer", "-c", "alice"],
    ["undo", "-c", "alice"],
    ["pay", "TW-100001", "100"],
    ["assign", "--to", "alice,bob"],
    ["account", "TW-100001", "--resume"],
    ["account", "TW-100001", "--avoid", "12:00-13:00"],
    ["contact", "add", "TW-100001", "0919000002"],
    ["contact", "invalid", "TW-100001", "0919000002"],
    ["target", "set", "calls=10", "--period", "day", "-c", "alice"],
    ["target", "clear"],
    ["target", "split", "--team-total", "collected=1000"],
    ["learn", "rebuild"],
    ["team", "add", "carol", "--role", "collector"],
]


@pytest.mark.parametrize("args", NOT_CREATING, ids=" ".join)
def test_a_command_that_brings_nothing_in_creates_no_database(isolated, args):
    before = tree(isolated)
    typo = isolated / "typo" / "db.db"
    result = run(*args, db=typo, input="q\n")
    assert result.exit_code == 2, result.output
    assert result.stderr == missing_message(typo)
    assert result.stdout == ""
    assert tree(isolated) == before  # no file, no -wal/-shm, no directory, no output file


def test_a_typo_in_collectctl_db_is_refused_the_same(isolated, monkeypatch):
    typo = isolated / "typo" / "db.db"
    monkeypatch.setenv("COLLECTCTL_DB", str(typo))
    result = run("plan", "-c", "alice")
    assert result.exit_code == 2 and result.stderr == missing_message(typo)
    assert not typo.parent.exists()


def test_the_default_database_is_not_made_by_reading_it(isolated):
    """No --db at all, nothing set up yet: the app directory is not made either."""
    result = run("accounts")
    assert result.exit_code == 2
    assert result.stderr == missing_message(app_dir() / "collectctl.db")
    assert not app_dir().exists()


def test_the_message_in_zh_tw(isolated):
    typo = isolated / "typo.db"
    result = run("--lang", "zh_TW", "plan", "-c", "alice", db=typo)
    assert result.exit_code == 2
    assert result.stderr == (f"collectctl：錯誤：{typo} 沒有資料庫：請先執行 'collectctl init'，"
                             "或檢查 --db\n")
    assert not typo.exists()


def test_a_read_command_on_a_database_there_says_nothing_of_creating(isolated):
    db = isolated / "made.db"
    assert run("init", db=db).exit_code == 0
    result = run("accounts", db=db)
    assert result.exit_code == 0 and "No accounts match." in result.stdout
    assert result.stderr == ""


def test_rules_check_reads_the_config_without_a_database(isolated):
    typo = isolated / "typo" / "db.db"
    result = run("rules", "check", db=typo)
    assert result.exit_code == 0, result.output
    assert not typo.parent.exists()


@pytest.mark.parametrize("kind,file", [("accounts", "examples/accounts.csv"),
                                       ("payments", "examples/payments.csv"),
                                       ("calls", "examples/calls.csv")])
def test_an_import_into_a_new_path_creates_it_and_says_so(isolated, kind, file):
    new = isolated / "new" / "db.db"
    result = run("import", kind, bundled(file), db=new)
    assert result.exit_code in (0, 1), result.output  # payments of accounts not there: 1
    assert new.exists()
    assert result.stderr.startswith(created_message(new))
    again = run("import", kind, bundled(file), db=new)
    assert "created a new database" not in again.stderr


def test_the_json_of_an_import_into_a_new_path_is_as_into_one_made(isolated):
    made = isolated / "made.db"
    assert run("init", db=made).exit_code == 0
    into_made = run("import", "accounts", ACCOUNTS, "--format", "json", db=made)
    new = isolated / "new.db"
    into_new = run("import", "accounts", ACCOUNTS, "--format", "json", db=new)
    assert into_new.exit_code == into_made.exit_code == 0
    assert into_new.stdout == into_made.stdout  # stdout is the command's own: JSON
    assert json.loads(into_new.stdout)["inserted"] == 40
    assert into_new.stderr.splitlines()[0] == created_message(new).rstrip("\n")
    assert "created" not in into_made.stderr


def test_an_import_of_a_file_not_there_creates_no_database(isolated):
    new = isolated / "new" / "db.db"
    result = run("import", "accounts", "acounts.csv", db=new)
    assert result.exit_code == 2
    assert result.stderr == "collectctl: error: acounts.csv: no such file\n"
    assert not new.parent.exists()


def test_a_dry_run_into_a_new_path_creates_nothing(isolated):
    before = tree(isolated)
    new = isolated / "new" / "db.db"
    result = run("import", "accounts", ACCOUNTS, "--dry-run", db=new)
    assert result.exit_code == 0, result.output
    assert "40 inserted" in result.stdout and "Dry run: nothing was written." in result.stdout
    assert "created" not in result.stderr
    assert tree(isolated) == before


def test_init_says_once_that_it_created_the_database(isolated):
    """init's own answer says it made the database (not stderr as well: the same thing
    twice); run again, it says the database is there."""
    db = isolated / "first.db"
    result = run("init", db=db)
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout.splitlines()[-1] == f"Created a new database at {db}."
    assert "is ready" not in result.stdout
    again = run("init", db=db)
    assert again.exit_code == 0 and again.stderr == ""
    assert again.stdout.splitlines()[-1] == f"Database {db} is ready."


def test_db_migrate_creates_and_says_so(isolated):
    db = isolated / "server-less.db"
    result = run("db", "migrate", db=db)
    assert result.exit_code == 0 and result.stderr == created_message(db)
    assert run("db", "migrate", db=db).stderr == ""


def test_db_copy_says_it_created_its_target(isolated):
    db = isolated / "here.db"
    assert run("import", "accounts", ACCOUNTS, db=db).exit_code == 0
    copy = isolated / "copy.db"
    result = run("db", "copy", "--to", copy, db=db)
    assert result.exit_code == 0, result.output
    assert result.stderr == created_message(copy)
    other = isolated / "other.db"
    result = run("db", "copy", "--from", db, db=other)
    assert result.exit_code == 0, result.output
    assert result.stderr == created_message(other)
    assert run("accounts", db=other).stdout == run("accounts", db=db).stdout


def test_demo_makes_its_own_database_without_a_word(isolated):
    """The demo's database is its own, recreated each time (``demo`` says so in its
    help): a line about making it would only come between the demo's imports and plan."""
    result = run("demo")
    assert result.exit_code == 0, result.output
    assert "created a new database" not in result.stderr
    assert (app_dir() / "demo.db").exists()
    assert not (app_dir() / "collectctl.db").exists()  # the collector's own: not made


def test_the_database_made_is_private(isolated):
    db = isolated / "new" / "db.db"
    assert run("import", "accounts", ACCOUNTS, db=db).exit_code == 0
    assert os.stat(db).st_mode & 0o777 == 0o600
