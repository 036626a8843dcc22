"""Debtor text never drives a terminal (issue 19, item 7): names, notes, ids and collector
names that hold ESC sequences, an unterminated OSC, C1 controls, bidi overrides and rich
markup, imported through the real CLI and shown by every view a person reads. The
output holds their visible escapes and none of the characters; the database and JSON
keep them exactly."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys

import pytest

from tests.conftest import NOW
from tests.render.test_safe import forbidden

CLEAR = "\x1b[2J\x1b[H"                    # clears the collector's screen
OSC = "\x1b]8;;http://x\x07"               # an OSC hyperlink left open: swallows the row
C1 = "\u009b2J"                            # the same CSI as one C1 character
RLO = "\u202e"                             # turns the rest of the line around
MARKUP = "[red]x[/red] [link=http://evil]y[/link] :warning:"
COLLECTOR = "mal\x1b[31m" + RLO            # a collector's name, from the file
#: How each shows on a screen.
CLEAR_SHOWN, OSC_SHOWN, C1_SHOWN = "\\x1b[2J\\x1b[H", "\\x1b]8;;http://x\\x07", "\\x9b2J"
COLLECTOR_SHOWN = "mal\\x1b[31m\\u202e"

HEADER = ["account_id", "name", "amount_due", "mobile", "assigned_to", "notes"]
ROWS = [
    ["H-1", CLEAR, "1000", "0912345678", COLLECTOR, OSC + "tail"],
    ["H" + RLO + "2", MARKUP, "2000", "0912345679", COLLECTOR, C1 + " note"],
    ["H-3" + C1, "Ok " + RLO + "Roe", "3000", "0912345670", COLLECTOR, ""],
]


def csv_text(rows, header=HEADER) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    return out.getvalue()


@pytest.fixture
def hostile(cli, make_csv):
    result = cli("import", "accounts", make_csv("hostile.csv", csv_text(ROWS)))
    assert result.exit_code == 0, result.output
    note = "promised " + CLEAR + OSC + C1 + RLO
    result = cli("log", "H-1", "ptp", "-a", "100", "-d", "2026-12-10", "-c", COLLECTOR,
                 "-n", note)
    assert result.exit_code == 0, result.output
    return cli


def clean(result, *, ics: bool = False):
    """The command's output, checked: exit 0 and no character a terminal obeys."""
    assert result.exit_code == 0, result.output
    for text in (result.stdout, result.stderr):
        if ics:
            text = text.replace("\r\n", "\n")
        assert forbidden(text, allowed="\t\n") == [], text
    return result.stdout


VIEWS = {
    "show": ["show", "H-1"],
    "account": ["account", "H" + RLO + "2"],
    "accounts": ["accounts"],
    "plan": ["plan", "--collector", COLLECTOR],
    "plan-redact": ["plan", "--collector", COLLECTOR, "--redact"],
    "next": ["next", "--collector", COLLECTOR],
    "promises": ["promises", "--collector", COLLECTOR],
    "report": ["report"],
    "report-collector": ["report", "--collector", COLLECTOR],
    "report-markdown": ["report", "--format", "markdown"],
    "report-html": ["report", "--format", "html"],
    "plan-all": ["plan", "--all"],
    "week": ["plan", "--week", "--collector", COLLECTOR],
    "why-not": ["plan", "--why-not", "H" + RLO + "2", "--collector", COLLECTOR],
    "explain": ["plan", "--explain", "H-3" + C1, "--collector", COLLECTOR],
    "audit": ["audit", "--week"],
    "accounts-csv": ["accounts", "--format", "csv"],
    "plan-csv": ["plan", "--collector", COLLECTOR, "--format", "csv"],
}


@pytest.mark.parametrize("view", VIEWS)
def test_no_view_lets_debtor_text_drive_the_terminal(hostile, view):
    clean(hostile(*VIEWS[view]))


def test_the_views_show_the_escapes(hostile):
    shown = clean(hostile("show", "H-1"))
    assert f"Debtor         {CLEAR_SHOWN}\n" in shown
    assert f"Notes          {OSC_SHOWN}tail\n" in shown
    assert COLLECTOR_SHOWN in shown and f"“promised {CLEAR_SHOWN}{OSC_SHOWN}" in shown
    listed = clean(hostile("accounts"))
    assert "H\\u202e2" in listed and CLEAR_SHOWN in listed and "H-3\\x9b" in listed
    # Rich markup and emoji codes in a name are text, never read.
    assert MARKUP in listed and "⚠" not in listed
    # H-1 holds a promise (no calls until it is due): the plan has the other two.
    planned = clean(hostile("plan", "--collector", COLLECTOR))
    assert planned.startswith(COLLECTOR_SHOWN + " · ")
    assert MARKUP in planned and "Ok \\u202eRoe" in planned and "H-3\\x9b2J" in planned
    following = clean(hostile("next", "--collector", COLLECTOR))
    assert re.search(r"Next: \d\d:\d\d H(\\u202e2|-3\\x9b2J) ", following)
    assert f"{C1_SHOWN} note" in following or "Ok \\u202eRoe" in following


def test_a_table_stays_aligned_with_hostile_text(hostile):
    """Escapes are measured as what they are on screen: the columns after them line up."""
    lines = clean(hostile("accounts")).splitlines()
    amounts = [line.index(" TWD") for line in lines[1:4]]
    assert len(set(amounts)) == 1, lines


def test_redact_keeps_no_escape_character(hostile):
    masked = clean(hostile("plan", "--collector", COLLECTOR, "--redact"))
    assert MARKUP not in masked and "[2J" not in masked


def test_reports_show_collector_names_as_text(hostile):
    text = clean(hostile("report"))
    assert f"\n{COLLECTOR_SHOWN}  " in text
    assert f"({COLLECTOR_SHOWN})" in clean(hostile("report", "--collector", COLLECTOR))
    markdown = clean(hostile("report", "--format", "markdown"))
    assert "| mal\\\\x1b\\[31m\\\\u202e |" in markdown
    html = clean(hostile("report", "--format", "html"))
    assert f"<td>{COLLECTOR_SHOWN}</td>" in html


def test_the_audit_shows_ids_and_collectors_as_text(hostile):
    hostile.now = "2026-12-03T23:30:00+08:00"  # a call at night breaks the rules
    assert hostile("log", "H-3" + C1, "no-answer", "-c", COLLECTOR).exit_code == 0
    hostile.now = NOW
    text = clean(hostile("audit", "--week"))
    assert f"  H-3\\x9b2J  {COLLECTOR_SHOWN}  " in text
    assert "H-3\\x9b2J" in clean(hostile("audit", "--week", "--format", "csv"))


def test_the_calendar_file_shows_the_escapes(hostile):
    from icalendar import Calendar

    text = clean(hostile("plan", "--collector", COLLECTOR, "--format", "ics", "--no-redact"),
                 ics=True)
    summaries = {str(e["summary"]) for e in Calendar.from_ical(text).walk("VEVENT")}
    assert summaries == {f"H\\u202e2 {MARKUP} +886912345679",
                         "H-3\\x9b2J Ok \\u202eRoe +886912345670"}


def test_the_database_and_json_keep_the_text_exactly(hostile):
    assert hostile.sql("SELECT name, notes, assigned_to FROM accounts WHERE account_id = ?",
                       ("H-1",)) == [(CLEAR, OSC + "tail", COLLECTOR)]
    result, data = hostile.json("show", "H-1")
    clean(result)
    assert (data["name"], data["notes"], data["assigned_to"]) == (CLEAR, OSC + "tail",
                                                                 COLLECTOR)
    assert data["calls"][0]["note"] == "promised " + CLEAR + OSC + C1 + RLO
    result, listed = hostile.json("accounts")
    clean(result)
    assert {a["account_id"] for a in listed} == {"H-1", "H" + RLO + "2", "H-3" + C1}
    result, planned = hostile.json("plan", "--collector", COLLECTOR)
    clean(result)
    assert planned["collector"] == COLLECTOR


def test_the_import_says_what_it_read_in_escapes(cli, make_csv):
    """The import's own lines (file name, rejected rows' ids, columns) and an error's
    line, through the same sanitiser."""
    rows = [["B" + CLEAR, "x", "-5", "0912345678", "alice", ""],
            ["N" + OSC, "y", "5", "12345", "alice", ""]]
    header = [*HEADER[:5], "notes" + C1]
    path = make_csv("list" + RLO + ".csv", csv_text(rows, header))
    result = cli("import", "accounts", path)
    assert result.exit_code == 1
    assert forbidden(result.stdout, allowed="\n") == []
    assert "list\\u202e.csv (utf-8)" in result.stdout
    assert f"line 2: B{CLEAR_SHOWN}: amount_due" in result.stdout
    assert f"N{OSC_SHOWN}" in result.stdout  # no valid phone
    error = cli("show", "NO" + CLEAR)
    assert error.exit_code == 2 and forbidden(error.stderr, allowed="\n") == []
    assert f"NO{CLEAR_SHOWN}" in error.stderr


def test_work_mode_shows_the_escapes(hostile):
    text = clean(hostile("work", "--collector", COLLECTOR, input="q\n"))
    assert re.search(r"Next: \d\d:\d\d H(\\u202e2|-3\\x9b2J) ", text)
    assert f"Collector      {COLLECTOR_SHOWN}\n" in text
    assert MARKUP in text or "Ok \\u202eRoe" in text


@pytest.mark.sqlite_only("what a terminal receives does not depend on the engine")
@pytest.mark.skipif(os.name != "posix", reason="a pseudo-terminal")
@pytest.mark.parametrize("args", [["show", "H-1"], ["accounts"],
                                  ["plan", "--collector", COLLECTOR],
                                  ["next", "--collector", COLLECTOR]])
def test_on_a_real_terminal_only_our_own_colours_are_sent(hostile, args, monkeypatch):
    """At a terminal rich draws the tables, with its colours: every escape sequence that
    arrives is one of its SGR colour codes, none of the debtor's."""
    import pty

    monkeypatch.setenv("COLUMNS", "200")
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "collectctl", "--db", str(hostile.db), "--now", NOW, *args],
        stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE)
    os.close(slave)
    received = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal's other end closed
            break
        if not chunk:
            break
        received += chunk
    os.close(master)
    assert proc.wait(timeout=60) == 0, proc.stderr.read() if proc.stderr else ""
    text = received.decode("utf-8").replace("\r\n", "\n")
    assert "\x1b[1m" in text  # bold: rich believed it was at a terminal
    ours = re.sub(r"\x1b\[[0-9;]*m", "", text)
    assert forbidden(ours, allowed="\t\n") == [], ours
    assert CLEAR_SHOWN in ours or COLLECTOR_SHOWN in ours


def test_an_argument_that_is_not_text_is_one_line_and_records_nothing(hostile):
    """``log -n $'\\x9b'`` in a UTF-8 shell: Python keeps the byte as a surrogate, which
    neither engine can store."""
    before = hostile.count("calls")
    for args in (["log", "H-1", "na", "-c", "alice", "-n", "\udc9b"], ["show", "\udc9bX"]):
        result = hostile(*args)
        assert result.exit_code == 2, result.output
        assert "an argument is not valid text" in result.stderr
        assert "Traceback" not in result.output and "\udc9b" not in result.output
    assert hostile.count("calls") == before
