"""Files collectctl writes on request (``report -o``, ``import --rejects``, ``db backup``,
``db copy --to``), a full disk, and a database that cannot be written.

Each file is refused when it exists (without ``--force``), always when it is the open
database (or its ``-wal``/``-shm``/``-journal``, through a symlink or a hard link) or the
input; a missing directory, a directory, a full disk are one line and exit 2; a file
written is 0600 even where it replaced a 0644 one, and a failure leaves nothing half
written (and, for an import, nothing imported).
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from tests.conftest import Cli, run_sql

HEADER = "account_id,name,amount_due,mobile,assigned_to\n"
ROWS = "".join(f"A{n},Debtor {n},{1000 + n},0912{n:06d},alice\n" for n in range(5))
#: Two rows an import rejects, so there is something to write to --rejects.
BAD = "B1,Bad,not money,0912999001,alice\nB2,Bad,,0912999002,alice\n"


@pytest.fixture
def loaded(cli, make_csv):
    assert cli("import", "accounts", make_csv("a.csv", HEADER + ROWS)).exit_code == 0
    assert cli("log", "A1", "ptp", "-a", "100", "-d", "+3", "-c", "alice").exit_code == 0
    return cli


def _one_line_exit_2(result, *words: str) -> None:
    """A refusal as collectctl makes it: exit 2, one line on stderr, no traceback."""
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("collectctl: error: "), result.stderr
    assert "Traceback" not in result.output and "internal error" not in result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


def _leftovers(directory: Path) -> list[str]:
    """Temporary files a write left behind (they start with a dot)."""
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("."))


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _old_file(path: Path, text: str = "old\n") -> Path:
    path.write_text(text)
    path.chmod(0o644)
    return path


# -- never the open database, never the input ---------------------------------------------

def _database_names(db: Path, tmp_path: Path) -> list[Path]:
    link = tmp_path / "link.db"
    link.symlink_to(db)
    hard = tmp_path / "hard.db"
    os.link(db, hard)
    return [db, Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}-journal"), link, hard]


@pytest.mark.sqlite_only("the database is a file")
@pytest.mark.parametrize("force", [[], ["--force"]], ids=["plain", "force"])
def test_report_onto_the_live_database_is_refused_even_with_force(loaded, tmp_path, force):
    before = loaded("report", "-f", "json").stdout
    for name in _database_names(Path(loaded.db), tmp_path):
        result = loaded("report", "-f", "json", "-o", name, *force)
        _one_line_exit_2(result, "is the database collectctl is using")
    assert loaded("report", "-f", "json").stdout == before  # the database is whole
    assert run_sql(loaded.db, "PRAGMA integrity_check")[0][0] == "ok"
    assert _leftovers(tmp_path) == []


@pytest.mark.sqlite_only("the database is a file")
def test_a_database_opened_through_a_symlink_keeps_its_journal_by_the_real_file(loaded,
                                                                                tmp_path):
    through = Cli(tmp_path / "through.db", loaded.now)
    through.db.symlink_to(loaded.db)
    for name in (loaded.db, Path(f"{loaded.db}-wal"), Path(f"{loaded.db}-journal"),
                 Path(f"{through.db}-wal")):
        _one_line_exit_2(through("report", "-o", name, "--force"), "is the database")


@pytest.mark.sqlite_only("the database is a file")
def test_backup_and_copy_onto_the_live_database_are_refused(loaded, tmp_path):
    for name in _database_names(Path(loaded.db), tmp_path):
        for args in (["db", "backup", name, "--force"], ["db", "copy", "--to", name, "--force"],
                     ["import", "accounts", tmp_path / "a.csv", "--rejects", name, "--force"]):
            _one_line_exit_2(loaded(*args), "is the database collectctl is using")
    assert loaded.count("calls") == 1
    assert run_sql(loaded.db, "PRAGMA integrity_check")[0][0] == "ok"


@pytest.mark.parametrize("force", [[], ["--force"]], ids=["plain", "force"])
def test_rejects_equal_to_the_input_or_the_mapping_is_refused(cli, make_csv, tmp_path,
                                                              force):
    assert cli("db", "status").exit_code == 0  # the database exists, empty
    path = make_csv("in.csv", HEADER + ROWS + BAD)
    mapping = make_csv("map.yaml", "account_id: account_id\n")
    link = tmp_path / "in-link.csv"
    link.symlink_to(path)
    hard = tmp_path / "in-hard.csv"
    os.link(path, hard)
    before = path.read_bytes()
    for rejects in (path, link, hard, mapping):
        result = cli("import", "accounts", path, "--mapping", mapping, "--rejects", rejects,
                     *force)
        _one_line_exit_2(result, "is a file this command reads")
    assert path.read_bytes() == before
    assert mapping.read_text() == "account_id: account_id\n"
    assert cli.count("accounts") == 0  # refused before anything was imported
    assert _leftovers(tmp_path) == []


# -- an existing file: refused without --force, replaced 0600 with it ----------------------

def _report(cli, target: Path, *extra: str):
    return cli("report", "-f", "json", "-o", target, *extra)


def _rejects(cli, target: Path, *extra: str):
    source = Path("in.csv").resolve()  # the test's directory
    source.write_text(HEADER + ROWS + BAD)
    return cli("import", "accounts", source, "--rejects", target, *extra)


def _backup(cli, target: Path, *extra: str):
    return cli("db", "backup", target, *extra)


def _copy(cli, target: Path, *extra: str):
    return cli("db", "copy", "--to", target, *extra)


WRITERS = {"report -o": _report, "import --rejects": _rejects, "db backup": _backup,
           "db copy --to": _copy}


def _written(kind: str, path: Path) -> bool:
    """Whether ``path`` holds what that command writes."""
    if kind in ("db backup", "db copy --to"):
        return run_sql(path, "SELECT COUNT(*) FROM accounts")[0][0] > 0
    if kind == "import --rejects":
        return path.read_text(encoding="utf-8-sig").startswith("account_id,")
    return path.read_text().lstrip().startswith("{")


@pytest.mark.parametrize("kind", list(WRITERS))
def test_an_existing_file_is_refused_without_force_and_replaced_0600_with_it(
        loaded, tmp_path, engine, kind):
    if kind == "db backup" and engine == "postgresql":
        pytest.skip("a PostgreSQL backup is pg_dump's")
    target = _old_file(tmp_path / "out.file")
    accounts = loaded.count("accounts")
    refused = WRITERS[kind](loaded, target)
    _one_line_exit_2(refused, "exists; --force to replace it")
    assert target.read_text() == "old\n" and _mode(target) == 0o644
    assert loaded.count("accounts") == accounts  # an import refused imports nothing
    done = WRITERS[kind](loaded, target, "--force")
    assert done.exit_code in (0, 1), done.output  # 1: the import rejected rows
    assert _mode(target) == 0o600 and _written(kind, target)
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("kind", list(WRITERS))
def test_a_new_file_is_0600_whatever_the_umask(loaded, tmp_path, engine, kind):
    if kind == "db backup" and engine == "postgresql":
        pytest.skip("a PostgreSQL backup is pg_dump's")
    old = os.umask(0)
    try:
        result = WRITERS[kind](loaded, tmp_path / "new.file")
    finally:
        os.umask(old)
    assert result.exit_code in (0, 1), result.output
    assert _mode(tmp_path / "new.file") == 0o600


@pytest.mark.sqlite_only("the SQLite file's journal")
@pytest.mark.parametrize("kind", ["db backup", "db copy --to"])
def test_a_database_file_in_use_is_not_replaced(loaded, tmp_path, kind):
    target = tmp_path / "other.db"
    other = sqlite3.connect(target, isolation_level=None)
    other.execute("PRAGMA journal_mode = WAL")
    other.execute("CREATE TABLE t (x)")  # open: its -wal is beside it
    try:
        _one_line_exit_2(WRITERS[kind](loaded, target, "--force"), "in use by SQLite")
        assert other.execute("SELECT COUNT(*) FROM t").fetchone() == (0,)
    finally:
        other.close()


# -- a missing directory, a directory, no permission --------------------------------------

@pytest.mark.parametrize("kind", list(WRITERS))
def test_a_missing_directory_or_a_directory_is_one_line(loaded, tmp_path, engine, kind):
    if kind == "db backup" and engine == "postgresql":
        pytest.skip("a PostgreSQL backup is pg_dump's")
    accounts = loaded.count("accounts")
    _one_line_exit_2(WRITERS[kind](loaded, tmp_path / "nowhere" / "x"),
                     "nowhere: no such directory")
    (tmp_path / "adir").mkdir()
    for extra in ([], ["--force"]):
        _one_line_exit_2(WRITERS[kind](loaded, tmp_path / "adir", *extra), "is a directory")
    assert loaded.count("accounts") == accounts
    assert list((tmp_path / "adir").iterdir()) == []


@pytest.mark.parametrize("kind", list(WRITERS))
def test_a_directory_that_cannot_be_written_is_one_line(loaded, tmp_path, engine, kind,
                                                         monkeypatch):
    if kind == "db backup" and engine == "postgresql":
        pytest.skip("a PostgreSQL backup is pg_dump's")
    import tempfile

    def refused(*args, **kwargs):  # chmod binds nobody when the suite runs as root
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    accounts = loaded.count("accounts")
    _one_line_exit_2(WRITERS[kind](loaded, tmp_path / "out.file"), "permission denied",
                     "nothing was")
    assert loaded.count("accounts") == accounts
    assert not (tmp_path / "out.file").exists()


# -- a full disk ------------------------------------------------------------------------

def _fill_the_disk(monkeypatch, code: int = errno.ENOSPC, after: int = 0) -> None:
    """Writes to files fail as on a full disk (or an exhausted quota): at the flush that
    ends the file, or after ``after`` rows of a CSV."""
    def full(*args):
        raise OSError(code, os.strerror(code))

    if after:
        import csv

        real = csv.writer

        class Writer:
            def __init__(self, out, *args, **kwargs):
                self.inner, self.rows = real(out, *args, **kwargs), 0

            def writerow(self, row):
                self.rows += 1
                if self.rows > after:
                    full()
                return self.inner.writerow(row)

        monkeypatch.setattr(csv, "writer", Writer)
    else:
        monkeypatch.setattr(os, "fsync", full)


@pytest.mark.parametrize(("code", "after"), [(errno.ENOSPC, 0), (errno.EDQUOT, 0),
                                             (errno.ENOSPC, 2)],
                         ids=["ENOSPC", "EDQUOT", "mid-file"])
def test_a_full_disk_while_writing_rejects_rolls_the_import_back(cli, make_csv, tmp_path,
                                                                 monkeypatch, code, after):
    assert cli("db", "status").exit_code == 0
    path = make_csv("in.csv", HEADER + ROWS + BAD)
    rejects = _old_file(tmp_path / "r.csv")
    # Only the full disk is undone after: undoing the test's every patch would give the
    # next commands the real HOME, and so the real app directory.
    with pytest.MonkeyPatch.context() as full:
        _fill_the_disk(full, code, after)
        result = cli("import", "accounts", path, "--rejects", rejects, "--force")
    _one_line_exit_2(result, "r.csv: the disk is full; nothing was imported")
    assert cli.count("accounts") == 0 and cli.count("import_batches") == 0
    assert rejects.read_text() == "old\n"  # the old file as it was, nothing half written
    assert _leftovers(tmp_path) == []
    again = cli("import", "accounts", path, "--rejects", rejects, "--force")
    assert again.exit_code == 1 and cli.count("accounts") == 5


def test_rejects_that_cannot_be_put_in_place_say_the_rows_were_imported(cli, make_csv,
                                                                         tmp_path,
                                                                         monkeypatch):
    path = make_csv("in.csv", HEADER + ROWS + BAD)
    real = os.replace

    def replace(src, dst):
        if str(dst).endswith("r.csv"):
            raise PermissionError(errno.EACCES, "Permission denied")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    result = cli("import", "accounts", path, "--rejects", tmp_path / "r.csv")
    _one_line_exit_2(result, "r.csv: permission denied; the rows were imported")
    assert cli.count("accounts") == 5
    assert _leftovers(tmp_path) == [] and not (tmp_path / "r.csv").exists()


def test_a_full_disk_while_writing_a_report_keeps_the_old_file(loaded, tmp_path,
                                                               monkeypatch):
    out = _old_file(tmp_path / "r.json")
    _fill_the_disk(monkeypatch)
    result = loaded("report", "-f", "json", "-o", out, "--force")
    _one_line_exit_2(result, "r.json: the disk is full; nothing was written")
    assert out.read_text() == "old\n" and _leftovers(tmp_path) == []


@pytest.fixture
def database_full(monkeypatch):
    """The SQLite database cannot grow (``max_page_count`` at its size: SQLITE_FULL, as a
    full disk gives), from the next connection on."""
    real = sqlite3.connect

    def connect(*args, **kwargs):
        conn = real(*args, **kwargs)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {max(pages, 1)}")
        return conn

    def fill() -> None:
        monkeypatch.setattr(sqlite3, "connect", connect)

    return fill


@pytest.mark.sqlite_only("SQLITE_FULL from max_page_count")
def test_a_full_disk_during_an_import_is_one_line_and_nothing_imported(cli, make_csv,
                                                                       tmp_path,
                                                                       database_full):
    assert cli("db", "status").exit_code == 0  # the database exists, empty
    path = make_csv("in.csv", HEADER + "".join(
        f"F{n},Debtor {n},{1000 + n},0912{n:06d},alice\n" for n in range(2000)))
    database_full()
    result = cli("import", "accounts", path, "--rejects", tmp_path / "r.csv")
    _one_line_exit_2(result, "disk is full", "nothing was imported")
    assert "cannot rollback" not in result.stderr
    assert run_sql(cli.db, "SELECT COUNT(*) FROM accounts")[0][0] == 0
    assert run_sql(cli.db, "PRAGMA integrity_check")[0][0] == "ok"
    assert not (tmp_path / "r.csv").exists() and _leftovers(tmp_path) == []


@pytest.mark.sqlite_only("SQLITE_FULL from max_page_count")
def test_a_full_disk_during_a_log_is_one_line(loaded, database_full):
    database_full()
    notes = ["log", "A2", "na", "-c", "alice", "-n", "x" * 20000]
    result = loaded(*notes)
    _one_line_exit_2(result, "disk is full", "nothing was written")
    assert run_sql(loaded.db, "SELECT COUNT(*) FROM calls")[0][0] == 1


def test_the_engines_say_a_full_disk_one_way():
    from collectctl.storage.base import SQLStore

    class Error(Exception):
        def __init__(self, **attrs):
            super().__init__("x")
            self.__dict__.update(attrs)

    assert SQLStore.disk_full(Error(sqlite_errorcode=13))  # SQLITE_FULL
    assert SQLStore.disk_full(Error(sqlstate="53100"))  # PostgreSQL disk_full
    assert not SQLStore.disk_full(Error(sqlite_errorcode=5))  # busy
    assert not SQLStore.disk_full(Error(sqlstate="40001"))
    assert not SQLStore.disk_full(ValueError())


# -- a database that cannot be written ----------------------------------------------------

READS = [["show", "A1"], ["accounts"], ["plan", "-c", "alice"], ["report"],
         ["report", "-f", "json"], ["promises"], ["next", "-c", "alice"],
         ["audit", "--date", "2026-12-04"]]


@pytest.fixture
def read_only_copy(loaded, tmp_path, monkeypatch):
    """``read_only_copy()``: a copy of the test's database (WAL, closed: no ``-shm``) in a
    directory of its own, file 0444 and directory 0555; a Cli on it. As root, for whom
    modes bind nothing, the store is told so (``os.access``) and opens it ``mode=ro``."""
    share = tmp_path / "share"
    made: list[Path] = []

    def make() -> Cli:
        share.mkdir()
        shutil.copy(loaded.db, share / "copy.db")
        (share / "copy.db").chmod(0o444)
        share.chmod(0o555)
        made.append(share)
        if os.geteuid() == 0:
            from collectctl.storage import sqlite as engine

            real = os.access
            inside = os.path.realpath(share)

            def access(path, mode, *args, **kwargs):
                if mode & os.W_OK and os.path.realpath(path).startswith(inside):
                    return False
                return real(path, mode, *args, **kwargs)

            monkeypatch.setattr(engine.os, "access", access)
        return Cli(share / "copy.db", loaded.now)

    yield make
    for directory in made:
        directory.chmod(0o755)


@pytest.mark.sqlite_only("a SQLite file on a read-only share")
def test_reads_work_on_a_read_only_database_and_writes_are_one_line(loaded, read_only_copy):
    expected = {tuple(args): loaded(*args).stdout for args in READS}
    ro = read_only_copy()
    for args in READS:
        result = ro(*args)
        assert result.exit_code == 0, (args, result.output)
        assert result.stdout == expected[tuple(args)], args
    assert ro("db", "check").exit_code == 0
    for args in (["log", "A2", "na", "-c", "alice"], ["pay", "A2", "10"],
                 ["target", "set", "calls=5", "--period", "day", "-c", "alice"]):
        _one_line_exit_2(ro(*args), "is read-only", "show, accounts, plan and report work")
    _one_line_exit_2(ro("import", "accounts", loaded.db.parent / "a.csv"), "is read-only")
    assert run_sql(ro.db, "SELECT COUNT(*) FROM calls")[0][0] == 1
    if os.geteuid() != 0:  # SQLite could make nothing beside it: read as it stands
        assert sorted(p.name for p in ro.db.parent.iterdir()) == ["copy.db"]


@pytest.mark.sqlite_only("SQLite's read-only WAL")
def test_without_a_shm_file_to_make_the_copy_is_read_as_it_stands(loaded, read_only_copy,
                                                                  monkeypatch):
    """In a directory nobody may write, SQLite cannot make the WAL's ``-shm`` and refuses
    ``mode=ro`` (SQLITE_READONLY_DIRECTORY): the file is read ``immutable``."""
    expected = loaded("show", "A1").stdout
    ro = read_only_copy()
    real = sqlite3.connect
    opened: list[str] = []

    def connect(target, *args, **kwargs):
        opened.append(str(target))
        if kwargs.get("uri") and "immutable" not in str(target):
            error = sqlite3.OperationalError("attempt to write a readonly database")
            error.sqlite_errorcode = 1544  # type: ignore[attr-defined]
            raise error
        return real(target, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", connect)
    result = ro("show", "A1")
    assert result.exit_code == 0 and result.stdout == expected
    assert any("mode=ro&immutable=1" in name for name in opened)


@pytest.mark.sqlite_only("SQLite's open flags")
def test_a_database_that_fails_to_open_for_writing_is_opened_read_only(loaded, monkeypatch):
    """``os.access`` may say yes where the file system says no (a network share): the
    write SQLite refuses at open (SQLITE_READONLY) sends it to ``mode=ro``."""
    expected = loaded("show", "A1").stdout
    real = sqlite3.connect

    class Refusing:
        def __init__(self, conn):
            self.conn = conn

        def execute(self, query, *args):
            if "journal_mode" in query:
                error = sqlite3.OperationalError("attempt to write a readonly database")
                error.sqlite_errorcode = 8  # type: ignore[attr-defined]
                raise error
            return self.conn.execute(query, *args)

        def close(self):
            self.conn.close()

    def connect(target, *args, **kwargs):
        conn = real(target, *args, **kwargs)
        return conn if kwargs.get("uri") else Refusing(conn)

    monkeypatch.setattr(sqlite3, "connect", connect)
    result = loaded("show", "A1")
    assert result.exit_code == 0 and result.stdout == expected
    _one_line_exit_2(loaded("log", "A2", "na", "-c", "alice"), "is read-only")


@pytest.mark.sqlite_only("the upgrade fixtures are SQLite files")
def test_a_read_only_database_that_needs_an_upgrade_says_so(tmp_path, monkeypatch):
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "schema-v1.db"
    share = tmp_path / "old"
    share.mkdir()
    shutil.copy(fixture, share / "old.db")
    from collectctl.storage import sqlite as engine

    real = os.access
    monkeypatch.setattr(engine.os, "access", lambda path, mode, *a, **k: (
        False if mode & os.W_OK and "old" in str(path) else real(path, mode, *a, **k)))
    before = (share / "old.db").read_bytes()
    _one_line_exit_2(Cli(share / "old.db")("accounts"), "is read-only and needs upgrading")
    assert (share / "old.db").read_bytes() == before


# -- init's config ------------------------------------------------------------------------

def test_init_force_replaces_a_0644_config_with_a_0600_one(isolated, tmp_path):
    from typer.testing import CliRunner

    from collectctl.cli import app

    config = tmp_path / "c.yaml"
    _old_file(config, "me: bob\n")
    args = ["--config", str(config), "--db", str(tmp_path / "c.db"), "init", "--me", "alice"]
    assert CliRunner().invoke(app, args).exit_code == 0
    assert config.read_text() == "me: bob\n"  # kept without --force
    result = CliRunner().invoke(app, [*args, "--force"])
    assert result.exit_code == 0, result.output
    assert "me: alice" in config.read_text() and _mode(config) == 0o600
    assert _leftovers(tmp_path) == []
