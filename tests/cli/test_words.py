"""The small words of issue 24, each as a collector reads it: counts with separators,
an earlier import's time in the collector's own zone, a header-only file called what it
is."""

from __future__ import annotations


def test_counts_have_thousands_separators(cli, make_csv):
    rows = "".join(f"A-{n},{1000 + n}\n" for n in range(1200))
    result = cli("import", "accounts", make_csv("big.csv", "account_id,amount_due\n" + rows))
    assert result.stdout.splitlines()[0] == (
        "big.csv (utf-8): 1,200 inserted, 0 updated, 0 unchanged, 0 rejected")


def test_an_earlier_import_is_dated_in_the_collectors_zone(cli, make_csv):
    path = make_csv("a.csv", "account_id,amount_due\nA-1,1000\n")
    cli("import", "accounts", path)
    again = cli("import", "accounts", path).stdout
    # --now is 09:00 in Taipei (01:00 UTC): said as the collector's 09:00, not in UTC.
    assert "already imported on Fri 2026-12-04 09:00 (batch 1)." in again
    assert "UTC" not in again


def test_a_header_only_file_says_it_has_no_data_rows(cli, make_csv):
    result = cli("import", "accounts", make_csv("empty.csv", "account_id,amount_due\n"))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == (
        "No data rows under the header: nothing was imported.")
    assert "Nothing changed" not in result.stdout


def test_a_bad_target_value_says_what_the_metric_takes(cli):
    for pair, said in (("calls=abc", "'calls=abc': calls takes a whole number"),
                       ("collected=lots", "'collected=lots': collected takes an amount"),
                       ("contact_rate=2", "'contact_rate=2': contact_rate takes a share")):
        result = cli("target", "set", pair, "--period", "day", "--team")
        assert result.exit_code == 2 and said in result.stderr, result.stderr


def test_an_invalid_phone_says_so_inside_its_label(cli, make_csv):
    cli("import", "accounts", make_csv("a.csv", "account_id,amount_due,mobile,home_phone\n"
                                               "A-1,1000,0912345678,12345\n"))
    lines = cli("contact", "list", "A-1").stdout.splitlines()
    assert "0912 345 678  (mobile)" in lines
    assert "12345  (home, invalid)" in lines
    assert "(invalid)  (" not in "\n".join(lines)


def _loaded(cli, make_csv):
    cli("import", "accounts", make_csv("a.csv", "account_id,name,amount_due,mobile,assigned_to\n"
                                                "A-1,Ann,1000,0912000001,alice\n"
                                                "A-2,Bob,2000,0912000002,alice\n"))


def test_one_call_in_one_slot_is_singular(cli, make_csv):
    _loaded(cli, make_csv)
    last = cli("plan", "-c", "alice", "--limit", "1").stdout.splitlines()[-1]
    assert last.startswith("1 call in 1 slot; 1 in the overflow")


def test_after_hours_the_plan_offers_tomorrows(cli, make_csv):
    _loaded(cli, make_csv)
    cli.now = "2026-12-04T20:30:00+08:00"
    lines = cli("plan", "-c", "alice").stdout.splitlines()
    assert lines[-2:] == ["No calls planned.",
                          "Tomorrow's plan: collectctl plan --date tomorrow"]


def test_a_pinned_callback_is_explained_under_the_table(cli, make_csv):
    _loaded(cli, make_csv)
    cli("log", "A-1", "callback", "--at", "11:00", "-c", "alice")
    out = cli("plan", "-c", "alice").stdout
    assert "11:00*" in out  # on the time it is pinned to
    assert "* a callback the debtor asked for, pinned to its time" in out


def test_one_entry_logged_in_work_mode_is_singular(cli, make_csv):
    _loaded(cli, make_csv)
    out = cli("work", "-c", "alice", input="1\nq\n").stdout
    assert "1 entry logged this session" in out
