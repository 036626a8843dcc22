"""Hostile files into every importer: each row is imported or rejected with a reason, the
process never crashes (no traceback, a documented exit code), and the database stays
sound. A CI-sized sample; the benchmark-style run feeds many more."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import sys
import tempfile
import traceback
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from collectctl.cli import app
from collectctl.storage import open_store

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository's benchmarks/
from benchmarks import fuzz  # noqa: E402

NOW = "2026-12-04T09:00:00+08:00"
NASTY = ["", "0", "-0", "NaN", "1e308", "9" * 40, "=SUM(A1:A9)", "+1+1", "@cmd", "'; DROP TABLE "
         "accounts; --", "$(rm -rf ~)", "`id`", "<script>x</script>", "\x00", "\ufeff",
         "0912-345-678", "(02) 2345-6789", "+886 912 345 678", "12,345.67", "NT$8,800",
         "115/13/45", "113/05/01", "2026-02-30", "9999-12-31", "25:61", "last", "Mars/Base",
         "Asia/Taipei", "高", "未接", "王小明", "A\"B", "a,b", "\n", "\r\n", " " * 3]
HEADERS = ["account_id,name,amount_due,due_date,mobile,payday,work_start,timezone,risk",
           "帳號,姓名,欠款金額,到期日,手機", "account,calls,amount"]

cell = st.one_of(st.sampled_from(NASTY), st.text(max_size=12))
row = st.lists(cell, min_size=0, max_size=11)


def _quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\n\r') else value


def no_escape(result) -> None:
    """Nothing escaped the command: CliRunner reports an escaped exception as exit 1 (the
    code of rejected rows) with ``result.exception`` set, so the exit code cannot tell."""
    escaped = result.exception
    assert escaped is None or isinstance(escaped, SystemExit), "".join(
        traceback.format_exception(escaped))
    assert result.exit_code in (0, 1, 2), result.output


def _run(path: Path, kind: str, encoding_bytes: bytes | None = None):
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "f.db"
        open_store(db).close()  # made before: stderr is the file's, not "created a new database"
        result = CliRunner().invoke(app, ["--db", str(db), "--now", NOW, "import", kind,
                                          str(path), "--format", "json"])
        no_escape(result)
        assert "Traceback" not in result.output
        conn = sqlite3.connect(db)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            conn.close()
        return result


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(HEADERS), st.lists(row, max_size=12))
def test_nasty_account_rows_are_imported_or_rejected(header, rows):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "a.csv"
        body = "\n".join(",".join(_quote(c) for c in r) for r in rows)
        text = header + "\n" + body + "\n"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        result = _run(path, "accounts")
        if result.exit_code in (0, 1):
            summary = json.loads(result.stdout)
            settled = (summary["inserted"] + summary["updated"] + summary["unchanged"]
                       + len(summary["rejected"]))
            records = [r for r in csv.reader(io.StringIO(text.split("\n", 1)[1]))
                       if any(c.strip() for c in r)]
            assert settled == len(records)  # every row imported or rejected, none lost
            for reject in summary["rejected"]:
                assert reject["reason"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400), st.sampled_from(["accounts", "payments", "calls"]))
def test_random_bytes_never_crash_an_importer(data, kind):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.csv"
        path.write_bytes(data)
        _run(path, kind)


def test_one_enormous_field_and_very_many_columns(tmp_path):
    huge = tmp_path / "huge.csv"
    huge.write_text("account_id,name,amount_due\nA1," + "x" * 10_000_000 + ",100\n",
                    encoding="utf-8")
    result = _run(huge, "accounts")
    assert result.exit_code == 1  # the line is longer than a record may be: refused
    summary = json.loads(result.stdout)
    assert summary["rows"] == 1 and summary["rejected"][0]["reason"] == "line_too_long"
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"c{n}" for n in range(100_000)) + "\n", encoding="utf-8")
    result = _run(wide, "accounts")
    assert result.exit_code == 2
    assert result.stderr.strip() == ("collectctl: error: wide.csv:1: the header has more "
                                     "than 1000 columns")


# -- what the benchmark-style fuzz run found (each was an exit 70) ---------------------------

def test_undecodable_bytes_reject_the_row_in_every_importer(tmp_path):
    """A row with bytes that are not UTF-8 is rejected (its id shown with U+FFFD), never
    sent to the database, in payments and calls files as in account lists."""
    for kind, header, row in (("accounts", b"account_id,name,amount_due", b"A\xe9,x,1"),
                              ("payments", b"account_id,amount,paid_on", b"A\xe9,1,2026-12-01"),
                              ("calls", b"account_id,called_at,outcome",
                               b"A\xe9,2026-12-01 10:00,na")):
        path = tmp_path / f"{kind}.csv"
        path.write_bytes(header + b"\n" + row + b"\n")
        result = _run(path, kind)
        assert result.exit_code == 1, result.output
        summary = json.loads(result.stdout)
        assert summary["rows"] == 1
        assert summary["rejected"][0]["account_id"] == "A\ufffd"
        assert summary["rejected"][0]["reason"] == "undecodable"
        assert "not valid in the file's encoding" in summary["rejected"][0]["text"]


def test_utf16_cut_in_the_middle_of_a_character_is_a_file_error(tmp_path):
    path = tmp_path / "cut.csv"
    path.write_bytes("account_id,amount,paid_on\nA1,1,2026-12-01\n".encode("utf-16") + b"\x31")
    result = _run(path, "payments")
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and "cannot decode" in result.stderr


def test_a_call_in_year_one_or_9999_is_rejected_not_a_crash(cli, make_csv):
    cli("import", "accounts", str(make_csv("a.csv", "account_id,amount_due\nA1,100\n")))
    calls = make_csv("calls.csv", "account_id,called_at,outcome\nA1,0001-01-01 00:10,na\n"
                     "A1,9999-12-31 23:59,na\n")
    result, summary = cli.json("import", "calls", str(calls))
    no_escape(result)
    assert result.exit_code == 1
    reasons = [r["reason"] for r in summary["rejected"]]
    assert reasons == ["implausible_date", "implausible_date"]
    assert cli.count("calls") == 0


def test_yaml_nested_too_deeply_is_a_config_error(tmp_path):
    deep = tmp_path / "deep.yaml"
    deep.write_text("[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["--config", str(deep), "accounts"])
    no_escape(result)
    assert result.exit_code == 2
    assert "nested too deeply" in result.stderr and "Traceback" not in result.output


def test_a_sample_of_the_fuzz_run_finds_nothing():
    """The benchmark-style run (``python -m benchmarks fuzz``, 10,000 files) at CI size:
    every check it makes per file (exit code, one-line errors, nothing written on exit 2,
    rows accounted for, no file opened outside the named one) and ``db check`` at the end."""
    report = fuzz.run(files=300, seed=20261129, workers=1)
    assert report.files == 300
    assert not report.failures, [(f.number, f.problem) for f in report.failures[:5]]
    assert set(report.by_kind) == set(fuzz.KINDS)


def test_an_escaped_exception_fails_though_its_exit_code_is_that_of_rejected_rows():
    """The checks above and the benchmark harness's judge both see through exit 1."""
    try:
        raise ValueError("boom")
    except ValueError as error:
        escaped = SimpleNamespace(exception=error, exit_code=1, output="", stdout="{}",
                                  stderr="")
    with pytest.raises(AssertionError, match="boom"):
        no_escape(escaped)
    assert fuzz.Worker._judge(None, escaped, "accounts", ()).startswith(
        "an exception escaped: ValueError: boom")
