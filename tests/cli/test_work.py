"""``work``: a morning driven through piped keys, with a fixed --now (Fri 2026-12-04, Taipei).

From a pipe each answer is a line; the clock starts at --now and runs on (a test's
session lasts well under a minute, so every entry is logged "at" --now).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest

HEADER = "account_id,name,amount_due,mobile,work_start,timezone,assigned_to,risk,payday\n"
# Five accounts of alice's, ranked by amount (and so planned A, B, C, D, E), one of bob's.
ROWS = ("A,Debtor A,300000,0912000001,,,alice,,25\n"
        "B,Debtor B,200000,0912000002,,,alice,,10\n"
        "C,Debtor C,100000,0912000003,,,alice,,\n"
        "D,Debtor D,50000,0912000004,,,alice,,\n"
        "E,Debtor E,20000,0912000005,,,alice,,\n"
        "F,Debtor F,999999,0912000006,,,bob,,\n")


@pytest.fixture
def cli(cli, make_csv, monkeypatch, tmp_path):
    monkeypatch.setenv("COLLECTCTL_COLLECTOR", "alice")
    # The session's flow, in the rules' order (expected collections reorder by balance).
    config = tmp_path / "work.yaml"
    config.write_text("learning:\n  pay_enabled: false\n", encoding="utf-8")
    monkeypatch.setenv("COLLECTCTL_CONFIG", str(config))
    cli.now = "2026-12-04T08:58:00+08:00"
    assert cli("import", "accounts", make_csv("a.csv", HEADER + ROWS)).exit_code == 0
    return cli


def work(cli, keys: str, *args: str):
    result = cli("work", *args, input=keys)
    assert result.exit_code == 0, result.output
    return result.stdout


def offered(out: str) -> list[str]:
    """The accounts shown, in order."""
    return re.findall(r"^Next: \d\d:\d\d (\S+)", out, re.M)


def log_rows(cli):
    return cli.sql("SELECT account_id, outcome, collector, amount_minor, phone, note, "
                   "callback_at FROM calls ORDER BY id")


def status_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("calls ")]


def test_a_whole_morning_through_piped_keys(cli):
    assert cli("target", "set", "promised_amount=10000", "collected=20000", "calls=40",
               "--period", "day").exit_code == 0
    keys = ("1\n"                     # A: no answer
            "4\n"                     # B: right party
            "5\n3000\n2026-12-10\n"   # C: promise of 3,000 on the 10th
            "7\n\n"                   # D: callback at the time offered (10:00)
            "6\n5000\n\n"             # E: paid 5,000 today
            "q\n")
    out = work(cli, keys)
    assert offered(out) == ["A", "B", "C", "D", "E"]
    assert [(r[0], r[1]) for r in log_rows(cli)] == [
        ("A", "no-answer"), ("B", "rpc"), ("C", "ptp"), ("D", "callback"), ("E", "paid")]
    assert all(r[2] == "alice" for r in log_rows(cli))
    assert log_rows(cli)[0][4] == "+886912000001"  # the number dialled
    _, promises = cli.json("promises")
    assert [(p["account_id"], p["amount"], p["due"]) for p in promises] == [
        ("C", "3000.00", "2026-12-10")]
    _, shown = cli.json("show", "E")
    assert shown["balance"] == "15000.00"
    assert log_rows(cli)[3][6].startswith("2026-12-04T02:00")  # 10:00 Taipei, in UTC
    statuses = status_lines(out)
    assert statuses[0].startswith("calls 0/5 (target 40) · right party 0 · promised 0.00 TWD/"
                                  "10,000.00 TWD · collected 0.00 TWD/20,000.00 TWD · 0:00 on "
                                  "this account")
    # Before E: four calls made, A (retry after 11:00), D (callback) and E still to come.
    assert statuses[4].startswith("calls 4/7 (target 40) · right party 3 · promised "
                                  "3,000.00 TWD/10,000.00 TWD · collected 0.00 TWD/"
                                  "20,000.00 TWD")
    # Only the callback and A's retry are left, both later: the screen says what is next.
    assert "Nothing to call now. Next: 10:00 D (callback 10:00" in out
    assert "5 entries logged this session" in out


def test_restarting_resumes_where_the_day_stands(cli):
    work(cli, "1\n4\n5\n50000\n\n7\n\nq\n")
    cli.now = "2026-12-04T09:10:00+08:00"
    out = work(cli, "q\n")
    assert offered(out) == ["E"]  # A waits for its retry; B, C are done; D calls back at 10
    cli.now = "2026-12-04T09:58:00+08:00"
    out = work(cli, "2\nq\n")
    assert offered(out)[:1] == ["D"]
    assert "callback 10:00" in out
    cli.now = "2026-12-04T11:01:00+08:00"
    assert offered(work(cli, "q\n"))[:1] == ["A"]


def test_promise_date_defaults_to_the_next_payday(cli):
    work(cli, "5\n1000\n\nq\n")
    (row,) = log_rows(cli)
    _, promises = cli.json("promises")
    assert promises[0]["due"] == "2026-12-25"  # A is paid on the 25th
    assert promises[0]["amount"] == "1000.00"
    assert row[:2] == ("A", "ptp")


def test_a_typo_is_asked_again_and_a_value_log_refuses_is_not_logged(cli):
    out = work(cli, "5\nlots\n1000\nsoon\n2027-06-01\n5\n1000\n+3\nq\n")
    assert "not a number; try again" in out
    assert "not a date; try again" in out and out.count("try again") == 2
    assert out.count("not logged:") == 1
    assert "not logged: --date: 2027-06-01 is more than 30 days ahead" in out
    rows = log_rows(cli)
    assert [(r[0], r[1], r[3]) for r in rows] == [("A", "ptp", 100000)]


def test_a_note_is_saved_with_the_outcome(cli):
    work(cli, "n\nsalary on the 10th\n1\nq\n")
    assert log_rows(cli)[0][5] == "salary on the 10th"


def test_set_aside_skips_for_the_session_only(cli):
    out = work(cli, "s\nq\n")
    assert offered(out) == ["A", "B"] and log_rows(cli) == []
    assert offered(work(cli, "q\n")) == ["A"]


def test_undo_reverses_the_last_entry_and_the_account_comes_back(cli):
    out = work(cli, "6\n1000\n\nu\nq\n")
    assert offered(out) == ["A", "B", "A"]
    assert "undone by entry 2; its payment is withdrawn" in out
    _, shown = cli.json("show", "A")
    assert shown["balance"] == "300000.00"


def test_add_a_phone_and_log_any_outcome_by_name(cli):
    out = work(cli, "p\n0922 000 111\no\nrefused\nthird-party\nq\n")
    assert "A: +886922000111 added" in out
    assert [r[:2] for r in log_rows(cli)] == [("A", "refused"), ("B", "third-party")]


def test_nine_asks_which_hold(cli):
    work(cli, "9\nc\nq\n")
    assert log_rows(cli)[0][:2] == ("A", "cease")
    assert "cease-contact since" in cli("plan", "--why-not", "A").stdout


def test_wrong_number_marks_the_dialled_phone(cli):
    out = work(cli, "8\nq\n")
    assert "0912 000 001 marked invalid" in out
    assert log_rows(cli)[0][:2] == ("A", "wrong-number")


def test_unknown_keys_and_end_of_input(cli):
    out = work(cli, "x\n?\n")  # no q: the end of input quits
    assert "'x' is not a key here" in out and out.count("Keys: 1 no answer") == 2
    assert log_rows(cli) == []


def test_nothing_to_call(cli):
    cli.now = "2026-12-04T19:00:00+08:00"
    out = work(cli, "")
    assert "no slots left in the shift" in out


def test_whose_work(cli, monkeypatch):
    monkeypatch.delenv("COLLECTCTL_COLLECTOR")
    result = cli("work", input="q\n")
    assert result.exit_code == 2 and "--collector" in result.stderr
    assert offered(work(cli, "q\n", "--collector", "bob")) == ["F"]


def _read_until(stream, pattern: str, seen: bytearray, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    os.set_blocking(stream.fileno(), False)
    while not re.search(pattern, seen.decode("utf-8", "replace")):
        if time.monotonic() > deadline:
            raise AssertionError(f"{pattern!r} never appeared:\n{seen.decode()}")
        chunk = stream.read()
        if chunk:
            seen.extend(chunk)
        else:
            time.sleep(0.02)


def test_a_kill_between_two_accounts_loses_nothing_confirmed(cli, tmp_path):
    env = {**os.environ, "COLLECTCTL_NOW": cli.now, "COLLECTCTL_DB": str(cli.db)}
    proc = subprocess.Popen([sys.executable, "-m", "collectctl", "work"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    seen = bytearray()
    try:
        proc.stdin.write(b"4\n")
        proc.stdin.flush()
        _read_until(proc.stdout, r"Next: \S+ B", seen)
        proc.stdin.write(b"5\n2000\n2026-12-09\n")
        proc.stdin.flush()
        _read_until(proc.stdout, r"Next: \S+ C[\s\S]*on this account", seen)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert [r[:2] for r in log_rows(cli)] == [("A", "rpc"), ("B", "ptp")]
    assert cli.json("promises")[1][0]["amount"] == "2000.00"
    assert offered(work(cli, "q\n")) == ["C"]


def test_running_ahead_of_the_plan_never_leaves_legal_hours(cli, tmp_path, monkeypatch):
    config = tmp_path / "c.yaml"
    config.write_text("learning:\n  pay_enabled: false\n"
                      'rules:\n  packs:\n    tw:\n      weekday_hours: ["09:30", "21:00"]\n',
                      encoding="utf-8")
    monkeypatch.setenv("COLLECTCTL_CONFIG", str(config))
    out = work(cli, "\nq\n")
    assert offered(out) == []
    assert out.count("Nothing to call now. Next: 09:30 A") == 2  # Enter looked again
    cli.now = "2026-12-04T09:30:00+08:00"
    assert offered(work(cli, "q\n")) == ["A"]


class PtyWork:
    """The real ``collectctl work`` at a pseudo-terminal: ``type(keys)`` writes to it as a
    keyboard would, ``until(pattern)`` reads the screen until the pattern shows."""

    def __init__(self, cli) -> None:
        import pty

        self.master, slave = pty.openpty()
        env = {**os.environ, "COLLECTCTL_NOW": cli.now, "COLLECTCTL_DB": str(cli.db),
               "COLUMNS": "200", "LINES": "50"}
        self.proc = subprocess.Popen([sys.executable, "-m", "collectctl", "work"],
                                     stdin=slave, stdout=slave, stderr=slave, env=env)
        os.close(slave)
        self.seen = bytearray()

    def type(self, keys: bytes) -> None:
        os.write(self.master, keys)  # one write: the keys arrive together

    def until(self, pattern: str) -> None:
        deadline = time.monotonic() + 30
        while not re.search(pattern, self.seen.decode("utf-8", "replace")):
            assert time.monotonic() < deadline, self.seen.decode("utf-8", "replace")
            try:
                self.seen.extend(os.read(self.master, 4096))
            except OSError:
                break

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)


@pytest.fixture
def at_terminal(cli):
    term = PtyWork(cli)
    yield term
    term.close()


def test_at_a_terminal_one_key_logs_without_enter(cli, at_terminal):
    at_terminal.until(r"on this account")
    at_terminal.type(b"4")  # no Enter
    at_terminal.until(r"A \(entry 1\): right party logged")
    at_terminal.type(b"q")
    at_terminal.until(r"logged this session")
    assert at_terminal.proc.wait(timeout=30) == 0
    assert [r[:2] for r in log_rows(cli)] == [("A", "rpc")]


def test_at_a_terminal_keys_typed_ahead_are_each_acted_on(cli, at_terminal):
    """Two keys typed at once log two outcomes (one read brings both); an answer typed
    ahead of its prompt answers it, and a quit typed ahead still quits."""
    at_terminal.until(r"on this account")
    at_terminal.type(b"14")
    at_terminal.until(r"B \(entry 2\): right party logged")
    at_terminal.until(r"on this account[\s\S]*Next: \S+ C[\s\S]*on this account")
    at_terminal.type(b"5" + b"2000\r" + b"2026-12-09\r" + b"q")
    at_terminal.until(r"3 entries logged this session")
    assert at_terminal.proc.wait(timeout=30) == 0
    assert [r[:3] for r in log_rows(cli)] == [("A", "no-answer", "alice"), ("B", "rpc", "alice"),
                                              ("C", "ptp", "alice")]
    assert cli.json("promises")[1][0]["amount"] == "2000.00"
