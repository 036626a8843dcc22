"""``python -m benchmarks imports``: the three paths of an import timed beside the peers
on the same list, the ordinary one really ordinary (a database holding one other account,
so the first load's bulk path is off)."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

pytest.importorskip("polars")  # the first import is timed both ways

from benchmarks import suite


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="needs the sqlite3 shell")
def test_the_import_rows_time_three_paths_beside_both_peers(tmp_path, capsys):
    rows = suite.import_rows(300, 2, tmp_path, 1)
    assert [row.scenario.split(",")[0] for row in rows] == [
        "the same first import read by columns (the [fast] extra", "`import accounts`",
        "the same file", "the same file re-imported (all unchanged)"]
    assert "read row by row" in rows[1].scenario and "ordinary path" in rows[2].scenario
    for row in rows:
        assert "x sqlite-utils" in row.result and "x `sqlite3 .import`" in row.result
        assert "MB (process tree)" in row.result
    out = capsys.readouterr().out
    assert "round 1: sqlite-utils" in out and "ordinary path" in out
    assert "read by columns" in out
    fast = sqlite3.connect(tmp_path / "fast.db")
    assert fast.execute("SELECT COUNT(*) FROM accounts").fetchone() == (300,)
    ours = sqlite3.connect(tmp_path / "ours.db")
    plain = sqlite3.connect(tmp_path / "plain.db")
    assert ours.execute("SELECT COUNT(*) FROM accounts").fetchone() == (300,)
    assert plain.execute("SELECT COUNT(*) FROM accounts").fetchone() == (301,)
    # Both hold the same list: the ordinary path's batch beside the seed's.
    assert plain.execute("SELECT COUNT(*) FROM import_batches").fetchone() == (2,)
