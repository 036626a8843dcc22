"""``python -m benchmarks stages``: every stage of a first import measured, each a
number of µs a row, and the SQLite stage on the product's own first-load path (the
values stage is a difference of two timings, so it may come out at or under 0 for a
tiny list)."""

from __future__ import annotations

import re

from benchmarks import stages


def test_a_small_stage_profile_names_every_stage_with_a_figure(capsys, monkeypatch):
    loads = []
    from collectctl.storage.sqlite import SQLiteStore

    real = SQLiteStore.first_load

    def spy(self):
        loads.append(True)
        return real(self)

    monkeypatch.setattr(SQLiteStore, "first_load", spy)
    stages.main(300, 3)
    out = capsys.readouterr().out
    figures = dict(re.findall(r"^  (\S+(?: \S+)?)\s+(-?[0-9.]+)$", out, re.M))
    assert set(figures) == {"read", "parse", "values", "pickle", "SQLite", "total"}
    assert all(float(v) > 0 for name, v in figures.items() if name != "values")
    assert abs(sum(float(v) for n, v in figures.items() if n != "total")
               - float(figures["total"])) < 0.5
    assert "300 generated rows (300 accepted)" in out
    assert len(loads) == 3  # each run of the SQLite stage a first load
    from importlib.util import find_spec

    if find_spec("polars") is not None:
        assert re.search(r"^  columns\s+[0-9.]+ \(parse and values read by columns", out, re.M)
