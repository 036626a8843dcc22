"""Worker processes behave the same however they are started.

``plan --all`` and a big ``import accounts`` run in worker processes. Under ``spawn`` or
``forkserver`` (Linux's default from Python 3.14) a worker inherits nothing of the parent
but its arguments: the locale travels explicitly, and nothing may depend on a module
global set in the parent. Each test runs the work in a worker under every start method,
in zh_TW, and compares with the same work done in one process.
"""

from __future__ import annotations

import json

import pytest

from collectctl.i18n import Locale
from tests.conftest import NOW

METHODS = ["spawn", "forkserver"]


def _worded(plan) -> str:
    """A plan in words (a worker renders it): its note or each call's reasons."""
    from collectctl.render import display

    if plan.note is not None:
        return display.reason(plan.note)
    return "; ".join(display.plan_reasons(c.reasons, c.callback_at) for c in plan.calls)


@pytest.fixture
def team(cli, example_csv, example_big5):
    for path in (example_csv, example_big5):
        assert cli("import", "accounts", path).exit_code in (0, 1)
    return cli


@pytest.mark.sqlite_only("the worker processes are the same on both engines")
@pytest.mark.parametrize("method", METHODS)
def test_plan_all_renders_in_the_locale_it_is_handed(team, method):
    from datetime import datetime

    from collectctl.app.plan import build_all
    from collectctl.config import Settings

    now = datetime.fromisoformat(NOW)
    collectors = ["alice", "bob", "carol"]
    zh = Locale("zh_TW")
    args = (str(team.db), collectors, Settings(), now, now.date(), zh)
    alone = build_all(*args, workers=1, render=_worded)
    parallel = build_all(*args, workers=2, render=_worded, start_method=method)
    assert parallel == alone
    assert any("、" in text for text in alone)  # Chinese words, not English ones


@pytest.mark.sqlite_only("the worker processes are the same on both engines")
@pytest.mark.parametrize("method", METHODS)
def test_plan_all_json_and_table_are_the_same_from_workers(team, monkeypatch, method):
    from collectctl.app import plan as use

    def run(*args):
        return team("--lang", "zh_TW", "plan", "--all", *args).stdout

    monkeypatch.setattr("os.cpu_count", lambda: 1)
    alone = run("--format", "json"), run()
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    monkeypatch.setattr(use, "START_METHOD", method)
    assert (run("--format", "json"), run()) == alone
    assert json.loads(alone[0])["plans"]


@pytest.mark.sqlite_only("the worker processes are the same on both engines")
@pytest.mark.parametrize("method", METHODS)
def test_a_parallel_import_in_zh_tw_matches_one_process(cli, make_csv, monkeypatch, tmp_path,
                                                         method):
    from typer.testing import CliRunner

    from collectctl.app import imports as importer
    from collectctl.cli import app

    rows = "".join(f"B-{n % 180},名{n},{'0' if n % 37 == 0 else 1000 + n},0912-{n:03d}-000,"
                   f"{'Mars/Base' if n % 41 == 0 else ''}\n" for n in range(200))
    path = make_csv("big.csv", "帳號,姓名,逾期金額,手機,timezone\n" + rows)
    monkeypatch.setattr(importer, "CHUNK_ROWS", 50)
    runner = CliRunner()

    def run(db, *extra):
        return runner.invoke(app, ["--db", str(db), "--now", NOW, "--lang", "zh_TW",
                                   "import", "accounts", str(path), *extra])

    inline = run(tmp_path / "inline.db"), run(tmp_path / "inline2.db", "--format", "json")
    monkeypatch.setattr(importer, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(importer, "START_METHOD", method)
    parallel = run(tmp_path / "p.db"), run(tmp_path / "p2.db", "--format", "json")
    assert [r.exit_code for r in parallel] == [r.exit_code for r in inline] == [1, 1]
    assert parallel[0].stdout == inline[0].stdout
    assert json.loads(parallel[1].stdout) == json.loads(inline[1].stdout)
    assert "金額為負數" not in inline[0].stdout and "逾期金額：" in inline[0].stdout
