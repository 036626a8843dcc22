"""``collectctl import accounts`` end to end, with real files in each encoding and shape."""

from __future__ import annotations

import csv
import json
import stat

import pytest

from collectctl.storage import open_store
from tests.conftest import run_sql

HEADER = "account_id,name,amount_due,days_past_due,due_date,mobile,home_phone,payday,work_start,timezone,assigned_to,risk,notes\n"  # noqa: E501
GOOD = (
    "TW-1,王小明,\"12,345.67\",30,,0912-345-678,(02) 2345-6789,\"5,20\",08:30,,alice,high,\n"
    "TW-2,林美玲,NT$8800,,2026/11/01,0922-333-444,,last,9:00,Asia/Taipei,alice,low,call after 6\n"
    "US-1,John Roe,$1234.50,12,,+1 212 736 5000,,15,0830,America/New_York,bob,medium,\n"
)


def counts(db):
    return tuple(run_sql(db, f"SELECT COUNT(*) FROM {t}")[0][0]
                 for t in ("accounts", "phones", "import_batches", "account_history"))


def test_imports_a_clean_file(cli, make_csv, db):
    path = make_csv("a.csv", HEADER + GOOD)
    result, summary = cli.json("import", "accounts", path)
    assert result.exit_code == 0, result.output
    assert summary["inserted"] == 3 and summary["updated"] == 0 and summary["unchanged"] == 0
    assert summary["rejected"] == [] and summary["no_valid_phone"] == []
    assert summary["encoding"] == "utf-8" and summary["batch"] == 1
    _, account = cli.json("show", "TW-1")
    assert account["amount_due"] == "12345.67"
    assert account["currency"] == "TWD"
    assert account["phones"] == [
        {"number": "+886912345678", "label": "mobile", "valid": True, "extension": None,
         "role": "debtor"},
        {"number": "+886223456789", "label": "home", "valid": True, "extension": None,
         "role": "debtor"},
    ]
    assert account["paydays"] == [5, 20] and account["work_start"] == "08:30"
    assert account["timezone"] == "Asia/Taipei" and account["assigned_to"] == "alice"
    # 30 days past due on the import day (2026-12-04) → due date derived
    assert account["days_past_due"] == 30 and account["due_date"] == "2026-11-04"
    _, tw2 = cli.json("show", "TW-2")
    assert tw2["days_past_due"] == 33 and tw2["paydays"] == ["last"]
    _, us1 = cli.json("show", "US-1")
    assert us1["timezone"] == "America/New_York" and us1["amount_due"] == "1234.50"


def test_json_summary_has_exactly_the_documented_keys(cli, make_csv):
    path = make_csv("a.csv", HEADER + GOOD)
    _, summary = cli.json("import", "accounts", path)
    assert {"inserted", "updated", "unchanged", "rejected", "no_valid_phone", "encoding",
            "batch"} <= set(summary)


def test_reimporting_the_same_file_changes_nothing_and_says_so(cli, make_csv, db):
    path = make_csv("a.csv", HEADER + GOOD)
    cli("import", "accounts", path)
    before = counts(db)
    result = cli("import", "accounts", path)
    assert result.exit_code == 0
    assert "0 inserted, 0 updated, 3 unchanged, 0 rejected" in result.stdout
    assert "already imported" in result.stdout and "batch 1" in result.stdout
    after = counts(db)
    assert after[:2] == before[:2] and after[3] == before[3] == 0


def test_a_newer_list_updates_and_keeps_history(cli, make_csv, db):
    cli("import", "accounts", make_csv("a.csv", HEADER + GOOD))
    newer = GOOD.replace('"12,345.67",30', '"10,000.00",31').replace("0922-333-444", "0933-111-222")
    result, summary = cli.json("import", "accounts", make_csv("b.csv", HEADER + newer))
    assert (summary["inserted"], summary["updated"], summary["unchanged"]) == (0, 2, 1)
    _, tw1 = cli.json("show", "TW-1")
    assert tw1["amount_due"] == "10000.00" and tw1["days_past_due"] == 31
    _, tw2 = cli.json("show", "TW-2")
    assert [p["number"] for p in tw2["phones"]] == ["+886922333444", "+886933111222"]
    history = run_sql(
        db, "SELECT account_id, amount_due_minor FROM account_history ORDER BY account_id")
    assert history == [("TW-1", 1234567), ("TW-2", 880000)]


BAD_ROWS = (
    "BAD-1,Zero,0,,,0912-345-678,,,,,,,\n"
    "BAD-2,Date,100,,113/13/45,0912-345-678,,,,,,,\n"
    "TW-1,Dup,500,,,0912-345-678,,,,,,,\n"
    "BAD-3,Zone,100,,,0912-345-678,,,,Mars/Base,,,\n"
    ",NoId,100,,,,,,,,,,\n"
    "BAD-4,Neg,-5,,,,,,,,,,\n"
)


def test_bad_rows_never_stop_good_ones(cli, make_csv):
    path = make_csv("mixed.csv", HEADER + GOOD + BAD_ROWS)
    result, summary = cli.json("import", "accounts", path)
    assert result.exit_code == 1
    assert summary["inserted"] == 3
    rejected = {r["line"]: r for r in summary["rejected"]}
    assert sorted(rejected) == [5, 6, 7, 8, 9, 10]
    # A code, the column as the file heads it, the code's detail, and English words that
    # never repeat the cell (a shifted column would put a name or a number there).
    assert rejected[5] == {"line": 5, "account_id": "BAD-1", "reason": "not_positive",
                           "column": "amount_due", "detail": {},
                           "text": "amount_due: must be more than zero"}
    assert (rejected[6]["reason"], rejected[6]["column"]) == ("no_such_date", "due_date")
    assert rejected[7]["reason"] == "duplicate_id" and rejected[7]["detail"] == {"first": 2}
    assert rejected[7]["text"] == "account_id: duplicate account id: already on line 2"
    assert rejected[8]["reason"] == "unknown_timezone"
    assert "Mars/Base" not in json.dumps(rejected[8])
    assert rejected[9]["account_id"] is None and rejected[9]["reason"] == "empty"
    assert (rejected[10]["reason"], rejected[10]["column"]) == ("negative", "amount_due")


def test_rejects_round_trip(cli, make_csv, tmp_path):
    path = make_csv("mixed.csv", HEADER + GOOD + BAD_ROWS)
    rejects = tmp_path / "rejects.csv"
    result = cli("import", "accounts", path, "--rejects", rejects)
    assert result.exit_code == 1
    assert stat.S_IMODE(rejects.stat().st_mode) == 0o600
    with open(rejects, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == HEADER.strip().split(",") + ["reason"]
    assert [r[0] for r in rows[1:]] == ["BAD-1", "BAD-2", "TW-1", "BAD-3", "", "BAD-4"]
    assert rows[1][-1].startswith("line 5: ")
    # The lead fixes the rows in a spreadsheet and imports the file again.
    fixed = [r[:-1] for r in rows]
    fixed[1][2] = "100"
    fixed[2][4] = "113/12/01"
    fixed[3][0] = "TW-9"
    fixed[4][9] = "Asia/Taipei"
    fixed[5][0] = "NEW-5"
    fixed[6][2] = "5"
    with open(rejects, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(fixed)
    result, summary = cli.json("import", "accounts", rejects)
    assert result.exit_code == 0, summary["rejected"]
    assert summary["inserted"] == 6
    _, bad2 = cli.json("show", "BAD-2")
    assert bad2["due_date"] == "2024-12-01"


def test_strict_imports_nothing_if_any_row_is_bad(cli, make_csv, db):
    result, summary = cli.json("import", "accounts", make_csv("m.csv", HEADER + GOOD + BAD_ROWS),
                               "--strict")
    assert result.exit_code == 1
    assert summary["batch"] is None and len(summary["rejected"]) == 6
    assert counts(db) == (0, 0, 0, 0)
    result, summary = cli.json("import", "accounts", make_csv("g.csv", HEADER + GOOD), "--strict")
    assert result.exit_code == 0 and summary["inserted"] == 3


def test_dry_run_writes_nothing_but_counts(cli, make_csv, db):
    cli("import", "accounts", make_csv("a.csv", HEADER + GOOD))
    before = counts(db)
    newer = GOOD.replace('"12,345.67"', '"1.00"') + "NEW-1,New,100,,,,,,,,,,\n"
    result, summary = cli.json("import", "accounts", make_csv("b.csv", HEADER + newer),
                               "--dry-run")
    assert result.exit_code == 0
    assert (summary["inserted"], summary["updated"], summary["unchanged"]) == (1, 1, 2)
    assert summary["batch"] is None and summary["dry_run"] is True
    assert counts(db) == before
    assert "Dry run" in cli("import", "accounts", make_csv("c.csv", HEADER + newer),
                            "--dry-run").stdout


def test_an_exception_mid_import_leaves_the_database_as_it_was(cli, make_csv, db, monkeypatch):
    from collectctl.app import imports as importer

    cli("import", "accounts", make_csv("a.csv", HEADER + GOOD))
    before = counts(db)
    monkeypatch.setattr(importer, "CHUNK_ROWS", 10)
    calls = {"n": 0}
    real = importer._AccountSink._flush

    def failing(self):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk on fire")
        return real(self)

    monkeypatch.setattr(importer._AccountSink, "_flush", failing)
    many = "".join(f"X-{i},Name {i},{100 + i},,,0912-345-678,,,,,,,\n" for i in range(50))
    result = cli("import", "accounts", make_csv("big.csv", HEADER + many))
    assert result.exit_code == 70
    assert "Traceback" not in result.output
    assert counts(db) == before


def test_close_missing_closes_absent_accounts_of_that_collector(cli, make_csv):
    cli("import", "accounts", make_csv("a.csv", HEADER + GOOD))
    only_one = HEADER + GOOD.splitlines(keepends=True)[0]
    result, summary = cli.json("import", "accounts", make_csv("b.csv", only_one),
                               "--close-missing", "--assign-to", "alice")
    assert summary["closed"] == 1
    _, open_ = cli.json("accounts", "--status", "open")
    assert [a["account_id"] for a in open_] == ["TW-1", "US-1"]


def test_assign_to_assigns_the_whole_file(cli, make_csv):
    cli("import", "accounts", make_csv("a.csv", HEADER + GOOD), "--assign-to", "dave")
    _, accounts = cli.json("accounts", "--collector", "dave")
    assert len(accounts) == 3


def test_invalid_phone_is_kept_flagged_and_listed_for_skip_tracing(cli, make_csv):
    text = HEADER + "S-1,Skip,100,,,12345,,,,,,,\nS-2,Ext,100,,,,(02) 2345-6789 分機 123,,,,,,\n"
    result, summary = cli.json("import", "accounts", make_csv("p.csv", text))
    assert result.exit_code == 0
    assert summary["no_valid_phone"] == ["S-1"]
    _, s1 = cli.json("show", "S-1")
    assert s1["phones"] == [{"number": "12345", "label": "mobile", "valid": False,
                             "extension": None, "role": "debtor"}]
    _, s2 = cli.json("show", "S-2")
    assert s2["phones"][0]["number"] == "+886223456789"
    assert s2["phones"][0]["extension"] == "123"
    text_out = cli("import", "accounts", make_csv("p2.csv", text)).stdout
    assert "No valid phone (needs skip tracing): S-1" in text_out


def test_missing_required_column_fails_before_writing(cli, make_csv, db):
    result = cli("import", "accounts", make_csv("x.csv", "Cust Ref,Total\nA,1\n"))
    assert result.exit_code == 2
    assert "no column for account id, amount due" in result.stderr
    assert "'Cust Ref', 'Total'" in result.stderr
    assert counts(db) == (0, 0, 0, 0)


def test_mapping_file_covers_another_export(cli, make_csv, tmp_path):
    mapping = tmp_path / "bank.yaml"
    mapping.write_text("Cust Ref: account_id\nTotal Arrears: amount_due\nHandy: mobile\n")
    path = make_csv("x.csv", "Cust Ref,Total Arrears,Handy\nA-1,\"1,000\",0912345678\n")
    result, summary = cli.json("import", "accounts", path, "--mapping", mapping)
    assert summary["inserted"] == 1, result.output


def test_mapping_headers_are_read_as_written(cli, make_csv, tmp_path):
    """YAML reads ``0123`` as 83 and ``2026-13-45`` as a date it cannot build (which
    ended in exit 70): a header is the text as written."""
    mapping = tmp_path / "bank.yaml"
    mapping.write_text("0123: account_id\n2026-13-45: amount_due\n")
    path = make_csv("x.csv", "0123,2026-13-45\nA-1,1000\n")
    result, summary = cli.json("import", "accounts", path, "--mapping", mapping)
    assert summary["inserted"] == 1, result.output


def test_config_aliases_cover_another_export(cli, make_csv, tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("import:\n  aliases:\n    account_id: [Cust Ref]\n")
    path = make_csv("x.csv", "Cust Ref,Amount\nA-1,1000\n")
    result = cli.runner.invoke(
        __import__("collectctl.cli", fromlist=["app"]).app,
        ["--config", str(config), "--db", str(cli.db), "import", "accounts", str(path)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("args", "message"), [
    (["missing.csv"], "no such file"),
    (["x.csv", "--encoding", "ebcdic-klingon"], "unknown encoding"),
    (["x.csv", "--mapping", "nope.yaml"], "nope.yaml"),
])
def test_file_errors_exit_2_with_one_line(cli, make_csv, args, message):
    make_csv("x.csv", HEADER + GOOD)
    result = cli("import", "accounts", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


@pytest.mark.parametrize("order", ["DMY", "MDY"])
def test_date_order_flag(cli, make_csv, order):
    path = make_csv("d.csv", "account,amount,due_date\nA,100,03/04/2026\n")
    cli("import", "accounts", path, "--date-order", order)
    _, account = cli.json("show", "A")
    assert account["due_date"] == ("2026-04-03" if order == "DMY" else "2026-03-04")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp950", "gb18030"])
def test_chinese_headers_in_each_encoding(cli, make_csv, encoding):
    text = ("帳號,客戶姓名,逾期金額,逾期天數,應繳日,手機,發薪日,催收員,風險等級\n"
            "TW-9,陳志豪,\"NT$12,345\",,民國115年11月1日,0912-345-678,5、20,alice,高\n"
            "TW-8,黃淑芬,８８００,10,,0922-333-444,月底,bob,低\n")
    result, summary = cli.json("import", "accounts", make_csv("zh.csv", text, encoding))
    assert result.exit_code == 0, summary
    assert summary["inserted"] == 2 and summary["encoding"] == encoding
    _, tw9 = cli.json("show", "TW-9")
    assert tw9["name"] == "陳志豪" and tw9["amount_due"] == "12345.00"
    assert tw9["due_date"] == "2026-11-01" and tw9["paydays"] == [5, 20] and tw9["risk"] == "high"
    _, tw8 = cli.json("show", "TW-8")
    assert tw8["amount_due"] == "8800.00" and tw8["paydays"] == ["last"]


@pytest.mark.sqlite_only("file permissions")
def test_import_into_a_fresh_database_creates_it_private(cli, make_csv, db):
    cli("import", "accounts", make_csv("a.csv", HEADER + GOOD))
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    store = open_store(db)
    assert store.count("accounts") == 3
    store.close()


def test_a_partial_list_updates_only_the_columns_it_has(cli, make_csv):
    cli("import", "accounts", make_csv("a.csv", HEADER + GOOD))
    balances = "account,balance\nTW-1,\"9,000\"\nTW-2,8800\n"
    result, summary = cli.json("import", "accounts", make_csv("bal.csv", balances))
    assert (summary["updated"], summary["unchanged"]) == (1, 1), summary
    _, tw1 = cli.json("show", "TW-1")
    assert tw1["amount_due"] == "9000.00"
    assert (tw1["name"], tw1["assigned_to"], tw1["risk"], tw1["paydays"], tw1["days_past_due"]) \
        == ("王小明", "alice", "high", [5, 20], 30)
    assert len(tw1["phones"]) == 2


def test_tomorrows_list_with_one_more_day_past_due_is_unchanged(cli, make_csv, db):
    cli("import", "accounts", make_csv("a.csv", HEADER + GOOD))
    tomorrow = GOOD.replace('"12,345.67",30', '"12,345.67",31')
    tomorrow = tomorrow.replace("$1234.50,12", "$1234.50,13")
    cli.now = "2026-12-05T09:00:00+08:00"
    result, summary = cli.json("import", "accounts", make_csv("b.csv", HEADER + tomorrow))
    assert (summary["updated"], summary["unchanged"]) == (0, 3)
    assert counts(db)[3] == 0


def test_a_closed_account_listed_again_is_reopened(cli, make_csv):
    cli("import", "accounts", make_csv("a.csv", HEADER + GOOD))
    cli("import", "accounts", make_csv("b.csv", HEADER + GOOD.splitlines()[0] + "\n"),
        "--close-missing", "--yes")  # two of three: more than half
    result, summary = cli.json("import", "accounts", make_csv("c.csv", HEADER + GOOD))
    assert (summary["updated"], summary["unchanged"]) == (2, 1)
    _, open_ = cli.json("accounts", "--status", "open")
    assert len(open_) == 3


def test_a_duplicate_of_a_rejected_row_is_rejected_too(cli, make_csv):
    text = HEADER + "X-2,Bad,500,,113/13/45,,,,,,,,\nX-2,Again,700,,,,,,,,,,\n"
    result, summary = cli.json("import", "accounts", make_csv("d.csv", text))
    assert summary["inserted"] == 0
    assert [(r["line"], r["account_id"]) for r in summary["rejected"]] == [(2, "X-2"), (3, "X-2")]
    assert "already on line 2" in summary["rejected"][1]["text"]


def test_close_missing_spares_accounts_whose_row_was_rejected(cli, make_csv):
    cli("import", "accounts", make_csv("a.csv", HEADER + GOOD))
    bad_tw1 = GOOD.replace('"12,345.67"', "0")
    result, summary = cli.json("import", "accounts", make_csv("b.csv", HEADER + bad_tw1),
                               "--close-missing")
    assert summary["closed"] == 0 and len(summary["rejected"]) == 1


@pytest.mark.parametrize(("content", "message"), [
    # Read as workbooks by their first bytes (tests/ingest/test_workbook.py): these are
    # broken ones.
    (b"PK\x03\x04\x14\x00\x06\x00rest-of-a-zip", "the workbook is damaged"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old-xls", "the workbook is damaged"),
    (b"\x00\x01\x02binary\x00stuff" * 10, "not a text (CSV) file"),
])
def test_spreadsheets_and_binary_files_are_refused_with_advice(cli, tmp_path, content, message):
    path = tmp_path / "book.xlsx"
    path.write_bytes(content)
    result = cli("import", "accounts", path)
    assert result.exit_code == 2 and message in result.stderr


def test_a_very_wide_unknown_header_is_shortened_in_the_error(cli, make_csv):
    header = ",".join(f"column number {i} with a long name" for i in range(50))
    result = cli("import", "accounts", make_csv("wide.csv", header + "\n"))
    assert result.exit_code == 2
    assert "and 38 more" in result.stderr and len(result.stderr) < 800


def _count_parses(monkeypatch) -> dict:
    from collectctl.app import imports as importer

    seen = {"n": 0}
    real = importer.normalize_account

    def counting(*args):
        seen["n"] += 1
        return real(*args)

    monkeypatch.setattr(importer, "normalize_account", counting)
    return seen


def test_the_same_list_again_is_settled_without_parsing_a_row(cli, make_csv, monkeypatch):
    path = make_csv("a.csv", HEADER + GOOD)
    cli("import", "accounts", path)
    parses = _count_parses(monkeypatch)
    _, summary = cli.json("import", "accounts", path)
    assert (summary["inserted"], summary["updated"], summary["unchanged"]) == (0, 0, 3)
    assert parses["n"] == 0
    assert summary["no_valid_phone"] == []


def test_the_same_rows_read_differently_are_parsed(cli, make_csv, monkeypatch):
    path = make_csv("a.csv", HEADER + GOOD)
    cli("import", "accounts", path)
    parses = _count_parses(monkeypatch)
    # Another day: the same "30 days past due" now means another past-due day.
    cli.now = "2026-12-06T09:00:00+08:00"
    _, summary = cli.json("import", "accounts", path)
    assert parses["n"] == 3 and summary["updated"] == 2  # TW-2 has a due date, no DPD
    # Another default region or a column mapped differently is another reading, too.
    _, summary = cli.json("import", "accounts", path, "--assign-to", "carol")
    assert parses["n"] == 6 and summary["updated"] == 3


def test_a_row_written_differently_but_meaning_the_same_is_remembered(cli, make_csv,
                                                                      monkeypatch):
    cli("import", "accounts", make_csv("a.csv", HEADER + GOOD))
    spaced = GOOD.replace("0912-345-678", "0912 345 678")
    path = make_csv("b.csv", HEADER + spaced)
    _, summary = cli.json("import", "accounts", path)
    assert (summary["updated"], summary["unchanged"]) == (0, 3)
    parses = _count_parses(monkeypatch)
    _, summary = cli.json("import", "accounts", path)
    assert summary["unchanged"] == 3 and parses["n"] == 0


def test_a_big_file_parsed_in_worker_processes_imports_exactly_as_inline(cli, make_csv,
                                                                          monkeypatch,
                                                                          tmp_path):
    from typer.testing import CliRunner

    from collectctl.app import imports as importer
    from collectctl.cli import app

    rows = []
    for n in range(900):
        amount = "0" if n % 97 == 0 else f"{1000 + n:,}.50"  # some rows rejected
        rows.append(f"B-{n % 850},Name {n},\"{amount}\",{n % 90},,0912-{n:03d}-{n % 1000:03d},"
                    f",5,09:00,,c{n % 3},low,\n")  # ids repeat after 850: duplicates
    path = make_csv("big.csv", HEADER + "".join(rows))
    monkeypatch.setattr(importer, "CHUNK_ROWS", 100)
    inline_db = tmp_path / "inline.db"
    runner = CliRunner()
    args = ["--now", cli.now, "import", "accounts", str(path), "--format", "json"]
    inline = runner.invoke(app, ["--db", str(inline_db), *args])
    monkeypatch.setattr(importer, "PARALLEL_BYTES", 0)
    parallel = cli("import", "accounts", path, "--format", "json")
    assert parallel.exit_code == inline.exit_code == 1
    assert json.loads(parallel.stdout) == json.loads(inline.stdout)
    listing = ["accounts", "--format", "json"]
    assert cli(*listing).stdout == runner.invoke(app, ["--db", str(inline_db), "--now",
                                                       cli.now, *listing]).stdout
    again = cli("import", "accounts", path, "--format", "json")
    assert json.loads(again.stdout)["unchanged"] == json.loads(parallel.stdout)["inserted"]


def test_a_reimport_settled_by_raw_rows_still_lists_accounts_without_a_valid_phone(
        cli, make_csv):
    """Unchanged rows are settled by their raw text, unparsed; the phones are read with
    their fingerprints, as they are now (a wrong number logged since counts)."""
    text = (HEADER + "S-1,Skip,100,,,12345,,,,,,,\n"
            "S-2,Ok,100,,,0912345678,,,,,,,\nS-3,Ok,100,,,0912345679,,,,,,,\n")
    path = make_csv("p.csv", text)
    _, summary = cli.json("import", "accounts", path)
    assert summary["no_valid_phone"] == ["S-1"]
    assert cli("log", "S-3", "wrong-number", "--collector", "alice").exit_code == 0
    _, again = cli.json("import", "accounts", path)
    assert again["unchanged"] == 3 and again["inserted"] == again["updated"] == 0
    assert again["no_valid_phone"] == ["S-1", "S-3"]


def test_an_import_does_not_load_pydantic_or_rich(cli, make_csv, tmp_path):
    """A million-row import holds its ids in memory; the path arguments are checked
    without Typer's pydantic adapter and the summary is plain text, so neither library
    adds to the peak (a progress bar on a terminal still uses rich); a CSV never loads
    the workbook reader."""
    import subprocess
    import sys

    path = make_csv("a.csv", "account_id,amount_due,mobile\nA,100,0912345678\n")
    code = (
        "import sys\n"
        f"sys.argv = ['collectctl', '--db', {str(cli.db)!r}, '--now', {cli.now!r}, "
        f"'import', 'accounts', {str(path)!r}, '--rejects', {str(tmp_path / 'r.csv')!r}]\n"
        "from collectctl.cli import main\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "print('HEAVY', [m for m in ('pydantic', 'rich', 'python_calamine')"
        " if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "1 inserted" in out and "HEAVY []" in out
    bad = cli("import", "accounts", str(tmp_path))
    assert bad.exit_code == 2 and "is a directory" in bad.stderr
