"""Shared fixtures: an isolated app directory and a CLI runner with a fixed clock."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import settings as _hypothesis_settings
from typer.testing import CliRunner

from collectctl.cli import app
from collectctl.config import app_dir
from collectctl.resources import bundled
from collectctl.storage import schema, sql
from tests.app_dir_guard import sitecustomize as app_dir_guard

# The machines the suite runs on are shared: a property test's examples are held to their
# properties, not to hypothesis' 200 ms deadline an example may miss under load.
_hypothesis_settings.register_profile("collectctl", deadline=None)
_hypothesis_settings.load_profile("collectctl")

NOW = "2026-12-04T09:00:00+08:00"  # a Friday morning in Taipei


# -- the real app directory is off limits ------------------------------------------------

#: The user's own app directory: worked out now, before any test changes HOME.
_REAL_APP_DIR = app_dir()


class RealAppDir:
    """What this test run did to the user's own app directory (``~/.config/collectctl``
    of the real HOME, worked out when this module is imported, before any test changes
    HOME): every open, creation or removal in it, by this process or by any Python
    process a test starts (tests/app_dir_guard). Another program using the directory
    meanwhile (the collector's own collectctl) is not mistaken for a test."""

    def __init__(self, path: Path, log: Path) -> None:
        self.path = Path(os.path.realpath(path))
        self.log = log
        self.touched: list[str] = []
        self._read = 0

    def report(self, line: str) -> None:
        self.touched.append(line)

    def problems(self) -> list[str]:
        """What was done to the directory since the last call (and forget it)."""
        found, self.touched = self.touched, []
        if self.log.exists():
            with open(self.log, encoding="utf-8") as log:
                log.seek(self._read)
                found += log.read().splitlines()
                self._read = log.tell()
        return found


@pytest.fixture(scope="session", autouse=True)
def real_app_dir(tmp_path_factory):
    """For the whole run: the guard of the user's own app directory, listening here and
    in every Python process the tests start (through PYTHONPATH)."""
    guard = RealAppDir(_REAL_APP_DIR, tmp_path_factory.mktemp("guard") / "touched.log")
    active = [True]
    app_dir_guard.watch(str(guard.path), lambda line: active[0] and guard.report(line))
    here = str(Path(__file__).resolve().parent / "app_dir_guard")
    patch = pytest.MonkeyPatch()
    patch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [here, os.environ.get(
        "PYTHONPATH")])))
    patch.setenv("TESTS_REAL_APP_DIR", str(guard.path))
    patch.setenv("TESTS_REAL_APP_DIR_LOG", str(guard.log))
    yield guard
    active[0] = False  # an audit hook cannot be removed
    patch.undo()


@pytest.fixture(autouse=True)
def _stays_out_of_the_real_app_directory(real_app_dir):
    """Fails the test that opened or changed anything in the user's own app directory (a
    full run once left a collectctl.db in the real ~/.config/collectctl)."""
    real_app_dir.problems()  # what came before this test is not its doing
    yield
    if problems := real_app_dir.problems():
        pytest.fail("the test touched the real app directory:\n" + "\n".join(problems[:5]),
                    pytrace=False)


@pytest.fixture(scope="session")
def catalog_cache(tmp_path_factory) -> Path:
    """The run's cache of compiled catalogs: compiled once for the run, never the user's."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch, catalog_cache):
    """Each test gets its own app directory and no COLLECTCTL_* settings (nor a locale:
    messages are English unless a test asks) from the outside."""
    for key in list(os.environ):
        # COLUMNS too: output in a pipe takes its width (render.text.pipe_width).
        if key.startswith("COLLECTCTL_") or key in ("LC_ALL", "LC_MESSAGES", "LANG", "COLUMNS"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(catalog_cache))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    from collectctl.i18n import set_language
    from collectctl.render.display import set_written_forms

    set_language(None)  # a test that ran a command in Chinese leaves English behind
    set_written_forms(False)


# -- the two engines ---------------------------------------------------------------------
#
# Every test that uses the ``db`` fixture (and so ``cli``) runs twice: on an SQLite file
# and on PostgreSQL. The PostgreSQL server is $COLLECTCTL_TEST_PG (an admin URL; .ci/run
# starts a throwaway cluster and sets it). Without one the PostgreSQL runs are skipped,
# saying why, except under CI, where that is a failure.

PG_ENV = "COLLECTCTL_TEST_PG"
#: Every table of the schema (one TRUNCATE of them all, so their order does not matter to
#: it; children first all the same, the order a table-by-table DELETE would need).
TEAM_TABLES = tuple(reversed([table for table, _columns, _money in sql.TABLES]))
#: And those only a team server has (emptied too, then given the default configuration's
#: outcome book and rules to count calls with, as ``db migrate`` does).
SERVER_TABLES = schema.LEARNING_TABLES


#: Read once, before any test's clean environment removes every COLLECTCTL_* variable.
_PG_ADMIN_URL = os.environ.get(PG_ENV) or None


def pg_admin_url() -> str | None:
    return _PG_ADMIN_URL


def with_database(url: str, name: str) -> str:
    """The server URL ``url`` with its database replaced by ``name``."""
    base, _sep, query = url.partition("?")
    return base.rsplit("/", 1)[0] + "/" + name + (("?" + query) if query else "")


@pytest.fixture(scope="session")
def pg_server():
    """The admin URL of a reachable PostgreSQL server, or a skip (a failure under CI)."""
    url = pg_admin_url()
    reason = None
    if not url:
        reason = f"no PostgreSQL server: set {PG_ENV} (or run .ci/run)"
    else:
        try:
            import psycopg

            psycopg.connect(url, connect_timeout=5).close()
        except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
            reason = f"PostgreSQL at {PG_ENV} not reachable: {error}"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason + " (CI must run the PostgreSQL tests)", pytrace=False)
        pytest.skip(reason)
    return url


def _admin_sql(url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


@pytest.fixture(scope="session")
def pg_database(pg_server):
    """One migrated database for the session; each test starts it empty (``db``)."""
    from collectctl.storage import open_store

    name = f"collectctl_test_{os.getpid()}"
    _admin_sql(pg_server, f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}")
    url = with_database(pg_server, name)
    open_store(url, migrate=True).close()
    _publish_default_learning(url)
    yield url
    _admin_sql(pg_server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _publish_default_learning(url: str) -> None:
    """The outcome book and rules the server counts calls with, as ``db migrate`` with the
    default configuration publishes them (each test starts with them: one that publishes
    others, by ``learn rebuild`` with a configuration of its own, leaves the defaults)."""
    from collectctl.app.learn import publish
    from collectctl.config import Settings
    from collectctl.storage import open_store

    store = open_store(url)
    try:
        store.atomically(lambda _tx: publish(store, Settings()))
    finally:
        store.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request) -> str:
    if request.param == "postgresql" and request.node.get_closest_marker("sqlite_only"):
        pytest.skip("SQLite only: " + request.node.get_closest_marker("sqlite_only").args[0])
    return request.param


@pytest.fixture
def db(engine, tmp_path, request):
    """The test's database, there and empty on both engines: an SQLite file made as
    ``collectctl init`` makes it (commands that only read never create one), or the
    session's PostgreSQL database emptied."""
    if engine == "sqlite":
        from collectctl.storage import open_store

        path = tmp_path / "test.db"
        open_store(path).close()
        return path
    url = request.getfixturevalue("pg_database")
    _admin_sql(url, f"TRUNCATE {', '.join(TEAM_TABLES + SERVER_TABLES)}, chain_key RESTART"
               " IDENTITY CASCADE",
               "INSERT INTO chain_head (id, entries, legacy_calls, legacy_unchained,"
               " legacy_promises, legacy_payments) VALUES (1, 0, 0, 0, 0, 0)")
    _publish_default_learning(url)
    return url


def run_sql(db, query: str, params=()) -> list[tuple]:
    """Rows of a query against the test database, on either engine (``?`` placeholders)."""
    if str(db).startswith("postgresql://"):
        import psycopg

        with psycopg.connect(str(db)) as conn:
            return conn.execute(query.replace("?", "%s"), params).fetchall()
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return conn.execute(query, params).fetchall()
    finally:
        conn.close()


class Cli:
    """Runs collectctl in-process with ``--db`` and ``--now`` fixed."""

    def __init__(self, db, now: str = NOW) -> None:
        self.db = db
        self.now = now
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):
        base = ["--db", str(self.db), "--now", self.now]
        return self.runner.invoke(app, [*base, *map(str, args)], input=input)

    def sql(self, query: str, params=()) -> list[tuple]:
        return run_sql(self.db, query, params)

    def count(self, table: str) -> int:
        """Rows in a table of the test database (to prove nothing was written)."""
        return self.sql(f"SELECT COUNT(*) FROM {table}")[0][0]

    def json(self, *args: str):
        result = self(*args, "--format", "json")
        assert result.stdout, result.stderr
        return result, json.loads(result.stdout)


@pytest.fixture
def cli(db) -> Cli:
    return Cli(db)


@pytest.fixture
def example_csv() -> Path:
    return bundled("examples/accounts.csv")


@pytest.fixture
def example_big5() -> Path:
    return bundled("examples/accounts_zh_big5.csv")


@pytest.fixture
def make_csv(tmp_path):
    """``make_csv(name, text, encoding="utf-8")`` writes a file in the test's directory."""

    def make(name: str, text: str, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return make
