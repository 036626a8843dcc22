"""Dates as people type them (issue 24): ``-d 12/10`` without a year on ``log``, ``pay``,
``plan`` and the reports; work mode's date defaults in the interface language's own form.
A file's date still needs its year."""

from __future__ import annotations

import pytest

HEADER = "account_id,name,amount_due,mobile,assigned_to,payday\n"
ROWS = ("A,Debtor A,300000,0912000001,alice,25\n"
        "B,Debtor B,200000,0912000002,alice,10\n")


@pytest.fixture
def cli(cli, make_csv, monkeypatch):
    monkeypatch.setenv("COLLECTCTL_COLLECTOR", "alice")
    assert cli("import", "accounts", make_csv("a.csv", HEADER + ROWS)).exit_code == 0
    return cli  # now: Friday 2026-12-04 09:00 in Taipei


@pytest.fixture
def config(tmp_path, monkeypatch):
    """``config("import:\\n  date_order: DMY\\n")`` puts that configuration in force."""

    def write(text: str) -> None:
        path = tmp_path / "config.yaml"
        path.write_text(text, encoding="utf-8")
        monkeypatch.setenv("COLLECTCTL_CONFIG", str(path))

    return write


def promised(cli) -> list[str]:
    return [p["due"] for p in cli.json("promises")[1]]


@pytest.mark.parametrize("args", [
    ["-d", "12/10"], ["--date", "12/10"], ["-d", "12月10日"], ["-d", "12-10"],
    ["-d", "１２／１０"],
])
def test_a_promise_date_without_a_year_is_the_next_one(cli, args):
    result = cli("log", "A", "ptp", "-a", "100", *args)
    assert result.exit_code == 0, result.output
    assert "due Thu 2026-12-10 recorded" in result.stdout
    assert promised(cli) == ["2026-12-10"]


def test_today_counts_as_the_next(cli):
    assert cli("log", "A", "ptp", "-a", "100", "-d", "12/4").exit_code == 0
    assert promised(cli) == ["2026-12-04"]


def test_the_next_one_may_be_next_year(cli):
    cli.now = "2026-12-28T09:00:00+08:00"
    assert cli("log", "A", "ptp", "-a", "100", "-d", "1/5").exit_code == 0
    assert promised(cli) == ["2027-01-05"]


def test_a_day_gone_by_is_next_years_and_so_too_far_for_a_promise(cli):
    result = cli("log", "A", "ptp", "-a", "100", "-d", "12/3")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "--date: 2027-12-03 is more than 30 days ahead (promise.max_days)\n")
    assert cli.count("calls") == 0


def test_day_first_when_the_date_order_is_dmy(cli, config):
    config("import:\n  date_order: DMY\n")
    assert cli("log", "A", "ptp", "-a", "100", "-d", "10/12").exit_code == 0
    assert promised(cli) == ["2026-12-10"]
    # 12/10 is 12 October there: next year's, more than 30 days ahead.
    result = cli("log", "B", "ptp", "-a", "100", "-d", "12/10")
    assert result.exit_code == 2 and "2027-10-12 is more than 30 days" in result.stderr
    # Chinese writes the month first whatever the order.
    assert cli("log", "B", "ptp", "-a", "100", "-d", "12月11日").exit_code == 0
    assert promised(cli) == ["2026-12-10", "2026-12-11"]


def test_month_first_when_the_date_order_is_mdy(cli, config):
    config("import:\n  date_order: MDY\n")
    assert cli("log", "A", "ptp", "-a", "100", "-d", "12/10").exit_code == 0
    assert promised(cli) == ["2026-12-10"]


@pytest.mark.parametrize("command", [["log", "A", "paid", "-a", "100"], ["pay", "A", "100"]])
def test_a_payment_date_without_a_year_is_the_last_one(cli, command):
    """A payment was made on or before today: 12/1 is this past Monday, not next year's."""
    result = cli(*command, "-d", "12/1")
    assert result.exit_code == 0, result.output
    assert "paid on 2026-12-01;" in result.stdout
    assert [p["paid_on"] for p in cli.json("show", "A")[1]["payments"]] == ["2026-12-01"]


@pytest.mark.parametrize("day", ["2/29", "29/2"])
def test_29_february_without_a_year_asks_for_the_year(cli, config, day):
    config(f"import:\n  date_order: {'DMY' if day == '29/2' else 'YMD'}\n")
    result = cli("log", "A", "ptp", "-a", "100", "-d", day)
    assert result.exit_code == 2
    assert result.stderr == ("collectctl: error: --date: the next 2028-02-29 is more than a "
                             "year ahead; type the year\n")
    paid = cli("pay", "A", "100", "-d", day)
    assert paid.exit_code == 2
    assert paid.stderr == ("collectctl: error: --date: the last 2024-02-29 is more than a "
                           "year ago; type the year\n")
    assert cli.count("calls") == cli.count("payments") == cli.count("promises") == 0


def test_29_february_in_traditional_chinese(cli):
    result = cli("--lang", "zh_TW", "log", "A", "ptp", "-a", "100", "-d", "2/29")
    assert result.exit_code == 2
    assert result.stderr == "collectctl：錯誤：--date：下一個 2028/02/29 在一年以後；請寫上年份\n"


@pytest.mark.parametrize(("day", "code"), [("2/30", "a date that does not exist"),
                                           ("13/45", "a date that does not exist")])
def test_a_month_and_day_no_year_has(cli, day, code):
    result = cli("log", "A", "ptp", "-a", "100", "-d", day)
    assert result.exit_code == 2 and result.stderr.endswith(f"--date: {code}\n")


def test_the_relative_forms_still_work(cli):
    for day in ("today", "tomorrow", "+3", "fri", "明天"):
        assert cli("log", "A", "ptp", "-a", "1", "-d", day).exit_code == 0, day
    assert sorted(promised(cli)) == ["2026-12-04", "2026-12-05", "2026-12-05", "2026-12-07",
                                     "2026-12-11"]


def test_plan_for_a_day_without_a_year(cli):
    _, plan = cli.json("plan", "-d", "12/7")
    assert plan["date"] == "2026-12-07"


def test_a_reports_days_without_a_year_are_the_last_ones(cli):
    """A report looks back: --from 12/01 is this month's first, not next year's."""
    _, report = cli.json("report", "--from", "12/01", "--to", "12/04")
    assert (report["from"], report["to"]) == ("2026-12-01", "2026-12-04")
    _, audit = cli.json("audit", "--from", "12/01", "--to", "12/4")
    assert audit["from"] == "2026-12-01"


# -- files keep their years ----------------------------------------------------------------


def test_a_dialer_files_date_without_a_year_is_refused(cli, make_csv):
    calls = ("account,time,result,amount,date\n"
             "A,2026-12-04 08:20,ptp,3000,12/10\n"
             "B,2026-12-04 08:25,paid,100,12/01\n")
    result, summary = cli.json("import", "calls", make_csv("d.csv", calls))
    assert result.exit_code == 1 and summary["inserted"] == 0
    assert [(r["line"], r["reason"]) for r in summary["rejected"]] == [
        (2, "not_a_date"), (3, "not_a_date")]
    assert cli.count("promises") == cli.count("payments") == 0


def test_a_payment_files_date_without_a_year_is_refused(cli, make_csv):
    feed = "account,paid_on,amount,reference\nA,12/01,100,TX-1\n"
    result, summary = cli.json("import", "payments", make_csv("p.csv", feed))
    assert result.exit_code == 1 and summary["inserted"] == 0
    assert [r["reason"] for r in summary["rejected"]] == ["not_a_date"]


# -- work mode's date defaults -------------------------------------------------------------


def work(cli, *args: str, keys: str) -> str:
    result = cli(*args, "work", input=keys)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_work_mode_promise_date_default_in_traditional_chinese(cli):
    cli.now = "2026-12-04T08:58:00+08:00"
    out = work(cli, "--lang", "zh_TW", keys="5\n2000\n\nq\n")  # Enter takes the default
    assert "承諾還款日 [2026/12/25]" in out and "2026-12-25" not in out
    assert promised(cli) == ["2026-12-25"]


def test_work_mode_takes_the_default_form_typed_back(cli):
    cli.now = "2026-12-04T08:58:00+08:00"
    work(cli, "--lang", "zh_TW", keys="5\n2000\n2026/12/24\nq\n")
    assert promised(cli) == ["2026-12-24"]


def test_work_mode_takes_a_date_without_a_year(cli):
    cli.now = "2026-12-04T08:58:00+08:00"
    work(cli, "--lang", "zh_TW", keys="5\n2000\n12月23日\nq\n")
    assert promised(cli) == ["2026-12-23"]


def test_work_mode_paid_on_default_in_traditional_chinese(cli):
    cli.now = "2026-12-04T08:58:00+08:00"
    out = work(cli, "--lang", "zh_TW", keys="6\n5000\n\nq\n")
    assert "繳款日期 [2026/12/04]" in out
    assert [p["paid_on"] for p in cli.json("show", "A")[1]["payments"]] == ["2026-12-04"]


def test_work_mode_a_payment_date_without_a_year_is_the_last_one(cli):
    cli.now = "2026-12-04T08:58:00+08:00"
    work(cli, keys="6\n5000\n12/2\nq\n")
    assert [p["paid_on"] for p in cli.json("show", "A")[1]["payments"]] == ["2026-12-02"]


def test_work_mode_defaults_with_roc_years(cli, config):
    config("roc_years: true\n")
    cli.now = "2026-12-04T08:58:00+08:00"
    out = work(cli, "--lang", "zh_TW", keys="5\n2000\n\nq\n")
    assert "承諾還款日 [115/12/25]" in out
    assert promised(cli) == ["2026-12-25"]


def test_work_mode_defaults_stay_iso_in_english(cli):
    cli.now = "2026-12-04T08:58:00+08:00"
    out = work(cli, keys="5\n2000\n\nq\n")
    assert "Promise date [2026-12-25]" in out
    assert promised(cli) == ["2026-12-25"]
