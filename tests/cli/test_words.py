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
    summary, expected = cli("plan", "-c", "alice", "--limit", "1").stdout.splitlines()[-2:]
    assert summary.startswith("1 call in 1 slot; 1 in the overflow")
    assert expected.startswith("Expected collections: ")


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


# -- issue 24's words, part two: the screens' ------------------------------------------


def _zh(monkeypatch):
    monkeypatch.setenv("COLLECTCTL_LANG", "zh_TW")


def test_a_one_day_period_says_its_day_once(cli, make_csv, monkeypatch):
    _loaded(cli, make_csv)
    first = cli("progress", "-c", "alice", "--period", "day").stdout.splitlines()[0]
    assert first == "alice: day 2026-12-04"
    assert cli("progress", "-c", "alice", "--period", "month").stdout.splitlines()[0] == (
        "alice: month 2026-12-01 – 2026-12-31")
    _zh(monkeypatch)
    assert cli("progress", "-c", "alice", "--period", "day").stdout.splitlines()[0] == (
        "alice：日 2026/12/04")


def _terminal_progress(metrics) -> list[str]:
    """``progress`` as a colour terminal shows it, a line a metric (ANSI codes kept)."""
    import io
    from datetime import date

    from rich.console import Console

    from collectctl.app.reports import MetricProgress, Progress
    from collectctl.render.report import progress_text

    out = io.StringIO()
    progress_text(Progress("month", date(2026, 12, 1), date(2026, 12, 31), "alice",
                           tuple(MetricProgress(*m) for m in metrics)),
                  Console(file=out, width=100, force_terminal=True, color_system="standard"))
    return out.getvalue().splitlines()[1:]


def test_a_progress_bar_is_coloured_as_its_words_say():
    """rich's bar is red (its "bar.complete" style) until it is full: ahead of pace, it
    said "ahead" in a red bar. Ahead is green, bar and word; behind is red."""
    from decimal import Decimal as D

    red, green = "\x1b[31m", "\x1b[32m"
    ahead, behind = _terminal_progress([
        ("collected", D("90000"), D("500000"), D("0.18"), D("68200")),
        ("calls", D("4"), D("600"), D("0.0067"), D("82"))])
    assert "ahead" in ahead and "behind" in behind
    assert green in ahead and red not in ahead
    assert red in behind and green not in behind


def test_explain_names_the_factors_in_words_and_json_keeps_their_codes(cli, make_csv,
                                                                        monkeypatch):
    _loaded(cli, make_csv)
    text = cli("plan", "-c", "alice", "--explain", "A-1").stdout
    assert "  days past due  " in text and "days_past_due" not in text
    _zh(monkeypatch)
    text = cli("plan", "-c", "alice", "--explain", "A-1").stdout
    factors = text.splitlines()[1:11]
    assert [line.split()[0] for line in factors] == [
        "金額", "逾期天數", "今日承諾到期", "毀諾", "約定回電", "發薪日前", "星期權重", "從未接通",
        "7", "風險"]
    assert not any(c.isascii() and c.isalpha() for line in factors for c in line
                   if c not in "x"), factors
    names = [f["name"] for f in cli.json("plan", "-c", "alice", "--explain", "A-1")[1]["factors"]]
    assert names[:3] == ["amount", "days_past_due", "promise_due"]


def test_why_not_in_zh_tw_is_said_the_zh_tw_way(cli, make_csv, monkeypatch):
    """A full-width colon after the id, the zh_TW date and NT$; a month too (a cap on
    contacts a month named 2026-12)."""
    from collectctl.core.reasons import Reason
    from collectctl.i18n import Locale
    from collectctl.render import display

    _loaded(cli, make_csv)
    cli("log", "A-1", "ptp", "-a", "300", "-d", "12/10", "-c", "alice")
    _zh(monkeypatch)
    assert cli("plan", "-c", "alice", "--why-not", "A-1").stdout == (
        "A-1：暫停撥打：承諾還款 NT$300，2026/12/10 到期\n")
    with Locale("zh_TW").active():
        said = display.reason(Reason("cap_contacts_month", contacts=4, month="2026-12"))
    assert said == "上限：2026/12 已聯繫 4 次"
    with Locale().active():
        said = display.reason(Reason("cap_contacts_month", contacts=4, month="2026-12"))
    assert said == "cap: 4 contacts in 2026-12"


def test_undo_names_the_outcome_in_words(cli, make_csv, monkeypatch):
    _loaded(cli, make_csv)
    cli("log", "A-1", "na", "-c", "alice")
    assert cli("undo", "-c", "alice").stdout == "entry 1 (no answer on A-1) undone by entry 2\n"
    _zh(monkeypatch)
    cli("log", "A-2", "paid", "-a", "100", "-c", "alice")
    said = cli("undo", "-c", "alice").stdout
    assert said.startswith("第 3 筆（A-2：已繳款）已由第 4 筆撤銷"), said
    assert "paid" not in said


def test_risk_is_said_in_the_interface_language(cli, make_csv, monkeypatch):
    cli("import", "accounts", make_csv("r.csv", "account_id,amount_due,risk\nA-1,1000,m\n"))
    assert "Risk           medium" in cli("show", "A-1").stdout.splitlines()
    _zh(monkeypatch)
    lines = cli("show", "A-1").stdout.splitlines()
    assert "風險      中" in lines
    assert not any("medium" in line for line in lines)


def test_per_currency_totals_use_the_interface_list_separator(cli, make_csv, monkeypatch):
    cli("import", "accounts", make_csv("c.csv", "account_id,amount_due,currency\n"
                                                "A-1,1000,TWD\nA-2,15.50,GBP\n"))
    assert cli("skip").stdout.splitlines()[-1] == "2 accounts, 15.50 GBP, 1,000.00 TWD"
    _zh(monkeypatch)
    assert cli("skip").stdout.splitlines()[-1] == "2 個帳戶，£15.50、NT$1,000"
    assert cli("accounts").stdout.splitlines()[-1] == "2 個帳戶，£15.50、NT$1,000"


def test_a_payment_dated_before_the_list_says_why_the_balance_stays(cli, make_csv,
                                                                    monkeypatch):
    """The list is of 2026-12-04 (the day it was imported): a payment of 11/30 is in its
    amount already, and the confirmation says so rather than leave the balance a riddle."""
    _loaded(cli, make_csv)
    assert cli("pay", "A-1", "100", "-d", "11/30").stdout == (
        "A-1: 100.00 TWD paid on 2026-11-30; balance now 1,000.00 TWD\n"
        "  not subtracted: dated before the list of 2026-12-04, whose amount counts it\n")
    assert cli("pay", "A-1", "100").stdout == (
        "A-1: 100.00 TWD paid on 2026-12-04; balance now 900.00 TWD\n")
    _zh(monkeypatch)
    assert cli("pay", "A-2", "100", "-d", "11/30").stdout == (
        "A-2：已記錄 2026/11/30 繳款 NT$100；目前餘額 NT$2,000\n"
        "  未扣除：繳款日早於 2026/12/04 的名單，名單金額已含此筆\n")
